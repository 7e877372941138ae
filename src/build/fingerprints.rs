//! Fingerprints: the snapshot of the latest recorded version of each known
//! document. `termlens kb fingerprints` writes them to `data/fingerprints/`
//! (committed, so the extension builds without the corpus); the build copies
//! that folder into the extension, where a first visit to a vendor's page
//! fetches its document's file and can already say "this page differs from the
//! version termlens knows (DATE)".
//!
//! One file per document, named by [`crate::diff::fingerprint_file`],
//! holding a [`Snapshot`] dated with the version's date.
//!
//! What the extension compares is the main content of the vendor's page
//! ([`crate::extract::main_content`]), so a fingerprint is built the same way
//! from the raw HTML snapshot of the latest version where the corpus has one
//! page of it ([`latest_page`]): Open Terms Archive's Markdown keeps or drops
//! things the page shows differently (a list of earlier versions, headings
//! styled as navigation, a link label read aloud but not shown). The Markdown
//! is used where there is no such page, or where the page's main content holds
//! less than [`MIN_PAGE_SHARE`] of the Markdown's words (a page rendered by
//! script, recorded as an empty shell). A version recorded with its text twice
//! is fingerprinted with one copy ([`super::doubled`]): the vendor's page shows
//! it once.

use super::corpus::{TextCache, latest_page, versions};
use crate::diff::Snapshot;
use crate::kb::KnowledgeBase;
use crate::text::Words;
use std::path::Path;

/// The HTML page stands for its version only when its main content has at
/// least this share of the Markdown's words; below, it is a shell whose text
/// the browser builds by script, and the Markdown is nearer what the reader
/// sees.
pub const MIN_PAGE_SHARE: f64 = 0.5;

/// The folder under `data/` that holds the fingerprints.
pub const FOLDER: &str = "fingerprints";

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

impl Fingerprint {
    /// The file name it is written to and fetched from (an error for a
    /// document id that cannot name a file; the knowledge base's rules allow
    /// none).
    pub fn file_name(&self) -> Result<String, String> {
        crate::diff::fingerprint_file(&self.document)
            .ok_or_else(|| format!("`{}` cannot name a fingerprint file", self.document))
    }

    /// The file's content.
    pub fn to_json(&self) -> String {
        self.snapshot.to_json()
    }
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
        let markdown = match cache.get(&latest.path) {
            Ok((text, _)) => super::doubled::one_copy(text),
            Err(e) => {
                problems.push(format!("{}: {e}", latest.path.display()));
                continue;
            }
        };
        let text = latest_page(corpus, &latest)
            .and_then(|page| crate::extract::read_page(&page).ok())
            .map(|page| super::doubled::one_copy(&page.main_text()).into_owned())
            .filter(|main| {
                let (page, md) = (Words::new(main).len(), Words::new(&markdown).len());
                page as f64 >= MIN_PAGE_SHARE * md as f64
            })
            .unwrap_or_else(|| markdown.into_owned());
        let date: String = latest.date.chars().take(10).collect();
        out.push(Fingerprint {
            document: doc.id.clone(),
            snapshot: Snapshot::of(&text).dated(date.clone()),
            date,
        });
    }
    (out, problems)
}

/// Writes one file per fingerprint into `dir`, after removing the `.json`
/// files already there (a document no longer known leaves no stale file).
pub fn write(dir: &Path, prints: &[Fingerprint]) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for path in json_files(dir)? {
        std::fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    for p in prints {
        let path = dir.join(p.file_name()?);
        std::fs::write(&path, p.to_json()).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

/// What differs between `dir` and the fingerprints: each file that is missing,
/// different or not a fingerprint of a known document. Empty when current.
pub fn stale(dir: &Path, prints: &[Fingerprint]) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut expected = std::collections::HashSet::new();
    for p in prints {
        let path = dir.join(p.file_name()?);
        expected.insert(path.clone());
        match std::fs::read_to_string(&path) {
            Ok(text) if text == p.to_json() => {}
            Ok(_) => out.push(format!("{}: differs from the corpus", path.display())),
            Err(_) => out.push(format!("{}: missing", path.display())),
        }
    }
    for path in json_files(dir)? {
        if !expected.contains(&path) {
            out.push(format!("{}: not a known document", path.display()));
        }
    }
    Ok(out)
}

/// The `.json` files of `dir` (none when it does not exist).
fn json_files(dir: &Path) -> Result<Vec<std::path::PathBuf>, String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for e in entries {
        let path = e.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        if path.extension().is_some_and(|x| x == "json") {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}
