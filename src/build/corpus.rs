//! Checks of the knowledge base against the recorded versions in the corpus
//! (`../shared/corpus`): every wording must occur, word for word after
//! normalisation, in every version it lists.

use crate::extract::read_text;
use crate::kb::source::Loaded;
use crate::kb::{Document, KbError, KbErrorKind, KnowledgeBase};
use crate::text::Words;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One recorded version of a document.
#[derive(Clone, Debug)]
pub struct Version {
    /// Corpus folder, e.g. `openai/services-agreement`.
    pub folder: String,
    /// Date, e.g. `2026-05-18-2`.
    pub date: String,
    /// The Markdown file.
    pub path: PathBuf,
}

/// The recorded versions of `doc` in `corpus`: folder by folder in the order the
/// document lists them (older collection first), each folder oldest first. Two
/// collections may overlap in time (Open Terms Archive's 2023-2025 and EU
/// collections both recorded November 2025); keeping each series whole avoids
/// presenting a regional variant as a back-and-forth change.
pub fn versions(corpus: &Path, doc: &Document) -> Vec<Version> {
    let mut out = Vec::new();
    for folder in &doc.corpus {
        let mut series = Vec::new();
        let Ok(entries) = std::fs::read_dir(corpus.join(folder)) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if let Some(date) = name.strip_suffix(".md") {
                series.push(Version {
                    folder: folder.clone(),
                    date: date.to_string(),
                    path: path.clone(),
                });
            }
        }
        series.sort_by(|a, b| a.date.cmp(&b.date));
        out.extend(series);
    }
    out
}

/// The raw HTML snapshot of a document's latest recorded version (`latest`,
/// the last of [`versions`]): the newest `.html` of its folder, dated that
/// day or later (the page still held that version), when it is one page (a
/// document recorded from several pages has one file per page, none of which
/// is the whole).
pub fn latest_page(corpus: &Path, latest: &Version) -> Option<PathBuf> {
    let dir = corpus.join(&latest.folder);
    let mut pages: Vec<String> = std::fs::read_dir(&dir)
        .ok()?
        .flatten()
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| n.ends_with(".html"))
        .collect();
    pages.sort();
    let newest = pages.last()?.get(..10)?.to_string();
    if newest.as_str() < latest.date.get(..10)? {
        return None;
    }
    let same_day: Vec<&String> = pages.iter().filter(|n| n.starts_with(&newest)).collect();
    (same_day.len() == 1).then(|| dir.join(same_day[0]))
}

/// Reads corpus files once each.
#[derive(Default)]
pub struct TextCache {
    texts: HashMap<PathBuf, (String, Words)>,
}

impl TextCache {
    /// The text and words of a corpus file.
    pub fn get(&mut self, path: &Path) -> Result<&(String, Words), String> {
        if !self.texts.contains_key(path) {
            let text = read_text(path)?;
            let words = Words::new(&text);
            self.texts.insert(path.to_path_buf(), (text, words));
        }
        self.texts
            .get(path)
            .ok_or_else(|| format!("{}: not cached", path.display()))
    }
}

/// Every problem of the quotes: a listed version that does not exist, or that
/// does not contain the wording.
pub fn verify_quotes(loaded: &Loaded, corpus: &Path, cache: &mut TextCache) -> Vec<KbError> {
    let kb: &KnowledgeBase = &loaded.kb;
    let mut problems = Vec::new();
    if !corpus.is_dir() {
        let kind =
            KbErrorKind::Other("the corpus folder does not exist (pass --corpus DIR)".into());
        problems.push(KbError::file(corpus, kind));
        return problems;
    }
    for (p, origin) in kb.provisions.iter().zip(&loaded.origins) {
        let Some(doc) = kb.document(&p.document) else {
            continue;
        };
        let all = versions(corpus, doc);
        for (w, loc) in p.wordings.iter().zip(&origin.wordings) {
            let needle = Words::new(&w.text);
            let entry = format!("provision `{}`", p.id);
            for date in &w.versions {
                let matching: Vec<&Version> = all.iter().filter(|v| &v.date == date).collect();
                if matching.is_empty() {
                    let kind = KbErrorKind::VersionNotRecorded(date.clone(), doc.corpus.join(", "));
                    problems.push(KbError::at(loc.clone(), &entry, "", kind));
                    continue;
                }
                let mut found = false;
                for v in &matching {
                    match cache.get(&v.path) {
                        Ok((_, words)) => found |= words.contains_run(&needle),
                        Err(e) => problems.push(KbError::file(&v.path, KbErrorKind::Other(e))),
                    }
                }
                if !found {
                    let file = format!("{}/{date}.md", matching[0].folder);
                    let kind = KbErrorKind::QuoteNotInVersion(file);
                    problems.push(KbError::at(loc.clone(), &entry, "", kind));
                }
            }
        }
    }
    problems
}

/// Every recorded version of a known document that holds its text twice
/// ([`super::doubled`]), one line each naming the file, the lines repeated
/// and the share of its words: a warning of `kb check` (the fingerprint keeps
/// one copy; a quote found in such a version is found in either copy).
pub fn doubled_versions(kb: &KnowledgeBase, corpus: &Path, cache: &mut TextCache) -> Vec<String> {
    let mut out = Vec::new();
    for doc in kb.platforms.iter().flat_map(|p| p.documents.iter()) {
        for v in versions(corpus, doc) {
            let Ok((text, _)) = cache.get(&v.path) else {
                continue;
            };
            if let Some(d) = super::doubled::doubled(text) {
                out.push(format!(
                    "{}/{}.md: holds its text twice (lines {}-{} again after them, {:.0}% of its words); a fingerprint of it keeps one copy",
                    v.folder,
                    v.date,
                    d.start + 1,
                    d.start + d.len,
                    d.share * 100.0
                ));
            }
        }
    }
    out
}
