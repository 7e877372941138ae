//! The matcher against the real recorded versions in ../shared/corpus.

mod common;

use std::collections::HashMap;
use termlens::build::corpus::{TextCache, verify_quotes, versions};
use termlens::engine::{Engine, PageResult};
use termlens::matcher::{Op, Status};
use termlens::text::Words;

#[test]
fn every_quote_is_in_every_version_it_lists() {
    if common::skip_without_corpus() {
        return;
    }
    let loaded = common::knowledge_base();
    let problems = verify_quotes(&loaded, &common::corpus(), &mut TextCache::default());
    assert!(
        problems.is_empty(),
        "{}",
        problems
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Every provision is found, `exact`, in every recorded version whose text
/// contains one of its wordings, and the version lists of the knowledge base
/// name all of those versions.
#[test]
fn every_provision_is_found_exact_wherever_its_text_is() {
    if common::skip_without_corpus() {
        return;
    }
    let loaded = common::knowledge_base();
    let engine = Engine::new(loaded.kb.clone());
    let kb = engine.kb();
    let mut cache = TextCache::default();
    let mut results: HashMap<std::path::PathBuf, PageResult> = HashMap::new();
    let mut checked = 0;
    let mut failures = Vec::new();
    for p in &kb.provisions {
        let doc = kb.document(&p.document).expect("document");
        for v in versions(&common::corpus(), doc) {
            let (text, words) = cache.get(&v.path).expect("corpus text").clone();
            let containing: Vec<usize> = p
                .wordings
                .iter()
                .enumerate()
                .filter(|(_, w)| words.contains_run(&Words::new(&w.text)))
                .map(|(i, _)| i)
                .collect();
            if containing.is_empty() {
                continue;
            }
            for &i in &containing {
                if !p.wordings[i].versions.contains(&v.date) {
                    failures.push(format!(
                        "{}: wording #{i} is in {}/{} but does not list it",
                        p.id, v.folder, v.date
                    ));
                }
            }
            let result = results
                .entry(v.path.clone())
                .or_insert_with(|| engine.annotate_words(&text, &words, ""));
            checked += 1;
            match result.annotations.iter().find(|a| a.provision == p.id) {
                None => failures.push(format!("{}: not found in {}/{}", p.id, v.folder, v.date)),
                Some(a) if a.status != Status::Exact => failures.push(format!(
                    "{}: found {:?}, not exact, in {}/{}",
                    p.id, a.status, v.folder, v.date
                )),
                Some(a) => {
                    // The highlighted text is one of the wordings the version contains.
                    let found = common::norm(&a.text);
                    if !containing
                        .iter()
                        .any(|&i| common::norm(&p.wordings[i].text) == found)
                    {
                        failures.push(format!(
                            "{}: range text differs from the quote in {}/{}",
                            p.id, v.folder, v.date
                        ));
                    }
                }
            }
        }
    }
    assert!(
        checked > kb.provisions.len(),
        "only {checked} (provision, version) pairs checked"
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Word-level similarity of two wordings: the harmonic mean of the shares of
/// each one's words that the longest common subsequence covers.
fn wording_f1(a: &Words, b: &Words) -> f32 {
    let (a, b) = (a.norms(), b.norms());
    let ops = similar::capture_diff_slices(similar::Algorithm::Myers, &a, &b);
    let common: usize = ops
        .iter()
        .map(|op| {
            if let similar::DiffOp::Equal { len, .. } = op {
                *len
            } else {
                0
            }
        })
        .sum();
    let (c, p) = (
        common as f32 / a.len() as f32,
        common as f32 / b.len() as f32,
    );
    if c + p == 0.0 {
        0.0
    } else {
        2.0 * c * p / (c + p)
    }
}

/// With only its newest wording known, a provision is found `changed` in a
/// version that holds an earlier wording, and the diff turns one into the
/// other. Only edits count: an earlier wording that shares less than 60% of
/// its words with the newest (F1 of the common subsequence) is a rewrite,
/// recognised through its own wording (the test above), not as a change.
#[test]
fn an_edited_clause_is_found_changed_with_its_word_diff() {
    if common::skip_without_corpus() {
        return;
    }
    let loaded = common::knowledge_base();
    let mut cache = TextCache::default();
    let mut checked = 0;
    let mut failures = Vec::new();
    for p in loaded.kb.provisions.iter().filter(|p| p.wordings.len() > 1) {
        let mut kb = loaded.kb.clone();
        let only = kb
            .provisions
            .iter_mut()
            .find(|q| q.id == p.id)
            .expect("provision");
        only.wordings.truncate(1);
        let newest = Words::new(&only.wordings[0].text);
        let engine = Engine::new(kb.clone());
        let doc = kb.document(&p.document).expect("document");
        let all = versions(&common::corpus(), doc);
        // The newest version that holds an earlier wording but not the newest.
        let edits: Vec<&termlens::kb::Wording> = p.wordings[1..]
            .iter()
            .filter(|w| wording_f1(&newest, &Words::new(&w.text)) >= 0.6)
            .collect();
        let Some(v) = all.iter().rev().find(|v| {
            let (_, words) = cache.get(&v.path).expect("text");
            !words.contains_run(&newest) && edits.iter().any(|w| w.versions.contains(&v.date))
        }) else {
            continue;
        };
        let (text, words) = cache.get(&v.path).expect("text").clone();
        let result = engine.annotate_words(&text, &words, &doc.url);
        let Some(a) = result.annotations.iter().find(|a| a.provision == p.id) else {
            failures.push(format!(
                "{}: earlier wording in {}/{} not found at all",
                p.id, v.folder, v.date
            ));
            continue;
        };
        checked += 1;
        if a.status != Status::Changed {
            failures.push(format!(
                "{}: {:?} in {}/{}",
                p.id, a.status, v.folder, v.date
            ));
            continue;
        }
        // equal + delete = the known wording; equal + insert = the page's text.
        let side = |keep: Op| {
            let parts: Vec<&str> = a
                .diff
                .iter()
                .filter(|d| d.op == Op::Equal || d.op == keep)
                .map(|d| d.text.as_str())
                .collect();
            common::norm(&parts.join(" "))
        };
        if side(Op::Delete) != newest.joined() {
            failures.push(format!("{}: equal+delete is not the known wording", p.id));
        }
        if side(Op::Insert) != common::norm(&a.text) {
            failures.push(format!("{}: equal+insert is not the page text", p.id));
        }
        if !a.diff.iter().any(|d| d.op != Op::Equal) {
            failures.push(format!("{}: changed with an empty diff", p.id));
        }
    }
    assert!(
        checked >= 10,
        "only {checked} provisions with earlier wordings were checked"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A case read by hand: AWS Service Terms 50.11 before 2026-05-30 forbade
/// reverse engineering; the newest wording forbids extracting components.
#[test]
fn aws_model_extraction_change_of_2026_reads_right() {
    if common::skip_without_corpus() {
        return;
    }
    let loaded = common::knowledge_base();
    let mut kb = loaded.kb.clone();
    let p = kb
        .provisions
        .iter_mut()
        .find(|p| p.id == "aws.ai-services-model-extraction")
        .expect("provision");
    p.wordings.truncate(1);
    let engine = Engine::new(kb);
    let path = common::corpus().join("aws/service-terms/2026-02-28.md");
    let text = termlens::extract::read_text(&path).expect("text");
    let result = engine.annotate(&text, "");
    let a = result
        .annotations
        .iter()
        .find(|a| a.provision == "aws.ai-services-model-extraction")
        .expect("found");
    assert_eq!(a.status, Status::Changed);
    let inserted = common::ops(a, Op::Insert);
    let deleted = common::ops(a, Op::Delete);
    assert!(
        inserted
            .iter()
            .any(|t| t.contains("reverse engineer, disassemble, or decompile")),
        "{inserted:?}"
    );
    assert!(deleted.iter().any(|t| t.contains("extract")), "{deleted:?}");
    assert!(
        a.text.starts_with("Neither you nor your End Users will"),
        "{}",
        a.text
    );
}

/// Nothing is reported in the newest version of a document of another platform.
#[test]
fn nothing_is_reported_in_documents_of_unrelated_platforms() {
    if common::skip_without_corpus() {
        return;
    }
    let loaded = common::knowledge_base();
    let engine = Engine::new(loaded.kb);
    let mut failures = Vec::new();
    let mut documents = 0;
    for (vendor, document) in common::corpus_folders() {
        let folder = common::corpus().join(&vendor).join(&document);
        let Some(newest) = common::folder_versions(&folder).pop() else {
            continue;
        };
        let text = termlens::extract::read_text(&newest).expect("text");
        documents += 1;
        for a in engine.annotate(&text, "").annotations {
            if a.platform != vendor {
                failures.push(format!(
                    "{} (platform {}) reported in {vendor}/{document}",
                    a.provision, a.platform
                ));
            }
        }
    }
    assert!(documents >= 40, "only {documents} documents read");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `data/history.json` is what `termlens kb history` computes now: a change to
/// the knowledge base or the matcher that changes the history must ship the
/// new history.
#[test]
fn the_recorded_history_is_current() {
    if common::skip_without_corpus() {
        return;
    }
    let loaded = common::knowledge_base();
    let history =
        termlens::build::history::compute(&loaded.kb, &common::corpus(), &mut TextCache::default());
    let fresh = termlens::build::history::to_json(&history).expect("serialises") + "\n";
    let stored =
        std::fs::read_to_string(common::repo().join("data/history.json")).unwrap_or_default();
    assert!(
        fresh == stored,
        "data/history.json is stale: run `cargo run --release -- kb history`"
    );
    // Hand-checked: AWS 50.11 had three wordings (2024, 2025-05..2026-02, 2026-05 on).
    let h = &history["aws.ai-services-model-extraction"];
    assert_eq!(h.wordings.len(), 3, "{h:?}");
    assert_eq!(h.wordings[2].first_seen, "2026-05-30");
    assert!(
        h.events
            .iter()
            .any(|e| e.kind == "changed" && e.date == "2026-05-30")
    );
}

/// `data/fingerprints/` (what the extension ships) is what `termlens kb
/// fingerprints` makes from the corpus now: a new recorded version, a new
/// known document or a change to snapshots must ship new fingerprints.
#[test]
fn the_committed_fingerprints_are_current() {
    if common::skip_without_corpus() {
        return;
    }
    use termlens::build::fingerprints;
    let loaded = common::knowledge_base();
    let (prints, problems) = fingerprints::of_known_documents(&loaded.kb, &common::corpus());
    assert!(problems.is_empty(), "{problems:?}");
    assert!(
        !prints.is_empty(),
        "no known document has a recorded version"
    );
    let dir = common::repo().join("data").join(fingerprints::FOLDER);
    let stale = fingerprints::stale(&dir, &prints).expect("data/fingerprints is readable");
    assert!(
        stale.is_empty(),
        "data/fingerprints is stale: run `cargo run --release -- kb fingerprints`\n{}",
        stale.join("\n")
    );
}
