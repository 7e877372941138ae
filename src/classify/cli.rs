//! The `termlens classify` and `termlens model` commands' work (native only):
//! input checks, output formats, training and evaluation from files.

use std::path::Path;

use serde::Serialize;

use super::train::{Settings, claudette_docs, kb_docs, read_categories, read_claudette, train};
use super::{Classifier, Detection, passages_from_lines};
use crate::kb::KnowledgeBase;

/// The longest passage `termlens classify` takes, in bytes: far over any
/// clause (a 1 MB line is read), under what would make one line's features
/// costly.
pub const MAX_LINE_BYTES: usize = 4 * 1024 * 1024;

/// The passages of a `classify` input: one per line (`\n` or `\r\n`; a final
/// line break ends the last line). An empty input has no line; an empty or
/// blank line is a passage with no topic. Non-UTF-8 input or a line over
/// [`MAX_LINE_BYTES`] is an error naming the line.
pub fn read_lines(bytes: &[u8]) -> Result<Vec<&str>, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        format!("line {line}: not UTF-8 text (byte {})", e.valid_up_to())
    })?;
    let text = text.strip_suffix('\n').unwrap_or(text);
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let mut lines = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.len() > MAX_LINE_BYTES {
            return Err(format!(
                "line {}: {} bytes, over the {MAX_LINE_BYTES}-byte limit of a passage",
                i + 1,
                line.len()
            ));
        }
        lines.push(line);
    }
    Ok(lines)
}

#[derive(Serialize)]
struct Entry<'a> {
    line: usize,
    topics: &'a [Detection],
}

/// Classifies the lines of `input` and formats the result: JSON (an array of
/// `{"line": N, "topics": [{"topic": ID, "score": S}, ...]}`, lines counted
/// from 1) or text (`N<TAB>topic,topic`).
pub fn classify(classifier: &Classifier, input: &[u8], json: bool) -> Result<String, String> {
    let lines = read_lines(input)?;
    let mut found = classifier.classify(&passages_from_lines(&lines));
    // A blank line is no passage: it carries no topic, whatever its neighbours.
    for (topics, line) in found.iter_mut().zip(&lines) {
        if line.trim().is_empty() {
            topics.clear();
        }
    }
    if json {
        let entries: Vec<Entry<'_>> = found
            .iter()
            .enumerate()
            .map(|(i, topics)| Entry {
                line: i + 1,
                topics,
            })
            .collect();
        return serde_json::to_string_pretty(&entries).map_err(|e| e.to_string());
    }
    let rows: Vec<String> = found
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let topics: Vec<&str> = d.iter().map(|d| d.topic.as_str()).collect();
            format!("{}\t{}", i + 1, topics.join(","))
        })
        .collect();
    Ok(rows.join("\n"))
}

/// Reads a model file.
pub fn load_model(path: &Path) -> Result<Classifier, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("classifier model {}: {e}", path.display()))?;
    Classifier::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Where training reads from.
pub struct Sources<'a> {
    /// `claudette_en.tsv`.
    pub claudette: &'a Path,
    /// `categories.toml`.
    pub categories: &'a Path,
    /// The taxonomy (topics.toml), with each topic's CLAUDETTE codes.
    pub topics: &'a [crate::kb::Topic],
    /// The knowledge base, whose clauses are further positives.
    pub kb: Option<&'a KnowledgeBase>,
    /// Only the first this many CLAUDETTE documents (by name).
    pub documents: Option<usize>,
    /// The learning settings.
    pub settings: Settings,
}

/// Trains the model file's text.
pub fn train_model(src: &Sources<'_>) -> Result<String, String> {
    let categories = read_categories(src.categories, src.topics)?.category;
    let sentences = sentences(src)?;
    let mut docs = claudette_docs(&sentences, &categories);
    if let Some(kb) = src.kb {
        docs.extend(kb_docs(kb, &categories));
    }
    Ok(train(&docs, &categories, &src.settings)?.to_json())
}

/// CLAUDETTE's sentences, of the first [`Sources::documents`] documents
/// when that is set.
fn sentences(src: &Sources<'_>) -> Result<Vec<super::train::Sentence>, String> {
    let mut sentences = read_claudette(src.claudette)?;
    if let Some(n) = src.documents {
        let mut names: Vec<&str> = sentences.iter().map(|s| s.document.as_str()).collect();
        names.dedup();
        let keep: Vec<String> = names.into_iter().take(n).map(str::to_string).collect();
        sentences.retain(|s| keep.contains(&s.document));
    }
    Ok(sentences)
}

/// The leave-one-platform-out table for `platforms` (all when empty); with
/// `outside`, every detection on text holding no known provision is
/// written there, one per line.
pub fn evaluate_lopo(
    src: &Sources<'_>,
    corpus: &Path,
    platforms: &[String],
    outside: Option<&Path>,
) -> Result<String, String> {
    let kb = src
        .kb
        .ok_or("leaving one platform out needs the knowledge base")?;
    let categories = read_categories(src.categories, src.topics)?.category;
    let claudette = claudette_docs(&sentences(src)?, &categories);
    let report = super::lopo::leave_one_platform_out(
        &claudette,
        kb,
        &categories,
        corpus,
        platforms,
        &src.settings,
    )?;
    if let Some(path) = outside {
        std::fs::write(path, report.outside.join("\n") + "\n")
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let mut out = report.table();
    for m in &report.missed {
        out.push_str(&format!("missed\t{m}\n"));
    }
    Ok(out)
}

/// The cross-validation table (model and baseline).
pub fn evaluate(src: &Sources<'_>) -> Result<String, String> {
    let categories = read_categories(src.categories, src.topics)?.category;
    let sentences = sentences(src)?;
    let extra = src
        .kb
        .map(|kb| kb_docs(kb, &categories))
        .unwrap_or_default();
    let report = super::eval::cross_validate(&sentences, &extra, &categories, &src.settings)?;
    Ok(report.table())
}
