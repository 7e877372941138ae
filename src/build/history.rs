//! The recorded history of each provision: the matcher run over every
//! recorded version of the provision's document in the corpus.
//!
//! For each provision, the distinct wordings found (as the page had them) with
//! the dates each held, and the dates the clause appeared and disappeared.
//! `termlens kb history` writes it to `data/history.json`; `kb compile` puts
//! it into the compiled knowledge base, where the card uses it to say
//! "changed since DATE" and to show the earlier wording.

use super::corpus::{TextCache, versions};
use crate::engine::Engine;
use crate::kb::{
    HistoryEvent, HistoryEventKind, KbError, KbErrorKind, KnowledgeBase, Location,
    ProvisionHistory, WordingPeriod,
};
use crate::matcher::Status;
use crate::text::Words;
use std::collections::BTreeMap;
use std::path::Path;

/// Computes the history of every provision from the corpus.
pub fn compute(
    kb: &KnowledgeBase,
    corpus: &Path,
    cache: &mut TextCache,
) -> BTreeMap<String, ProvisionHistory> {
    let engine = Engine::new(kb.clone());
    let mut out = BTreeMap::new();
    for doc in kb.platforms.iter().flat_map(|p| p.documents.iter()) {
        let provisions: Vec<&str> = kb
            .provisions
            .iter()
            .filter(|p| p.document == doc.id)
            .map(|p| p.id.as_str())
            .collect();
        if provisions.is_empty() {
            continue;
        }
        // Per provision: the text found in each version, or None.
        let mut seen: BTreeMap<&str, Vec<(String, Option<String>)>> = BTreeMap::new();
        for v in versions(corpus, doc) {
            let Ok((text, words)) = cache.get(&v.path) else {
                continue;
            };
            let result = engine.annotate_words(text, words, &doc.url);
            for id in &provisions {
                let found = result
                    .annotations
                    .iter()
                    .find(|a| {
                        a.provision == *id
                            && (a.status == Status::Exact || a.status == Status::Changed)
                    })
                    .map(|a| a.text.split_whitespace().collect::<Vec<_>>().join(" "));
                seen.entry(id).or_default().push((v.date.clone(), found));
            }
        }
        for (id, timeline) in seen {
            out.insert(id.to_string(), summarise(&timeline));
        }
    }
    out
}

fn summarise(timeline: &[(String, Option<String>)]) -> ProvisionHistory {
    let mut wordings: Vec<WordingPeriod> = Vec::new();
    // Normalised form of each wording, so each text is normalised once.
    let mut keys: Vec<String> = Vec::new();
    let mut events = Vec::new();
    // The wording the previous version had (None: the clause was absent).
    let mut previous: Option<usize> = None;
    let event = |date: &String, kind| HistoryEvent {
        date: date.clone(),
        kind,
    };
    for (date, found) in timeline {
        let Some(text) = found else {
            if previous.is_some() {
                events.push(event(date, HistoryEventKind::Disappeared));
            }
            previous = None;
            continue;
        };
        let key = Words::new(text).joined().to_string();
        let index = match keys.iter().position(|k| *k == key) {
            Some(i) => {
                // Series of two collections may overlap in time.
                let w = &mut wordings[i];
                if *date < w.first_seen {
                    w.first_seen = date.clone();
                }
                if *date > w.last_seen {
                    w.last_seen = date.clone();
                }
                w.dates.push(date.clone());
                i
            }
            None => {
                keys.push(key);
                wordings.push(WordingPeriod {
                    text: text.clone(),
                    first_seen: date.clone(),
                    last_seen: date.clone(),
                    dates: vec![date.clone()],
                });
                wordings.len() - 1
            }
        };
        match previous {
            None => events.push(event(date, HistoryEventKind::Appeared)),
            Some(p) if p != index => events.push(event(date, HistoryEventKind::Changed)),
            Some(_) => {}
        }
        previous = Some(index);
    }
    ProvisionHistory {
        versions_checked: timeline.len(),
        wordings,
        events,
    }
}

/// The file `kb history` writes and `kb compile` reads, beside the sources.
pub const FILE: &str = "history.json";

/// Reads `data/history.json` (if present) into the provisions it names.
pub fn attach(kb: &mut KnowledgeBase, data_dir: &Path) -> Result<(), KbError> {
    let path = data_dir.join(FILE);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(());
    };
    let map: BTreeMap<String, ProvisionHistory> = serde_json::from_str(&text).map_err(|e| {
        let at = Location::Line {
            file: path.clone(),
            line: e.line(),
        };
        KbError::at(at, "", "", KbErrorKind::Syntax(e.to_string()))
    })?;
    for p in &mut kb.provisions {
        p.history = map.get(&p.id).cloned();
    }
    Ok(())
}

/// The JSON `kb history` writes: stable order, one provision per entry.
pub fn to_json(history: &BTreeMap<String, ProvisionHistory>) -> Result<String, KbError> {
    serde_json::to_string_pretty(history)
        .map_err(|e| KbError::file(FILE, KbErrorKind::Other(e.to_string())))
}
