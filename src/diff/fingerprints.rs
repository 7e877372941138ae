//! Fingerprints: the snapshot of the latest recorded version of each known
//! document, shipped with the extension (`termlens kb compile --fingerprints
//! DIR`), so that a first visit to a vendor's page can already say "this page
//! differs from the version termlens knows (DATE)" and where.
//!
//! One file per document, named by [`super::fingerprint_file`], holding a
//! [`Snapshot`] dated with the version's date: the extension fetches only the
//! file of the document a page is, and only on a first visit.

use super::Snapshot;
use crate::kb::KnowledgeBase;
use crate::kb::check::{TextCache, versions};
use std::path::Path;

/// The fingerprint of one known document.
pub struct Fingerprint {
    /// Document id (`aws/service-terms`).
    pub document: String,
    /// The date of the version it is of (`2026-08-21`; a `-2` suffix for a
    /// second version recorded the same day is dropped).
    pub date: String,
    /// The version's snapshot, dated.
    pub snapshot: Snapshot,
}

/// The fingerprint of every known document with a recorded version in
/// `corpus` (its latest), in knowledge-base order, and the problems met
/// (an unreadable version file), each naming its file.
pub fn of_known_documents(kb: &KnowledgeBase, corpus: &Path) -> (Vec<Fingerprint>, Vec<String>) {
    let mut cache = TextCache::default();
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for doc in kb.platforms.iter().flat_map(|p| p.documents.iter()) {
        let Some(latest) = versions(corpus, doc).pop() else {
            continue;
        };
        match cache.get(&latest.path) {
            Ok((text, _)) => {
                let date: String = latest.date.chars().take(10).collect();
                out.push(Fingerprint {
                    document: doc.id.clone(),
                    snapshot: Snapshot::of(text).dated(date.clone()),
                    date,
                });
            }
            Err(e) => problems.push(format!("{}: {e}", latest.path.display())),
        }
    }
    (out, problems)
}
