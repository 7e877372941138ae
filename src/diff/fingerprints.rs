//! Fingerprints: the snapshot of the latest recorded version of each known
//! document, shipped with the extension so that a first visit to a vendor's
//! page can already say "this page differs from the version termlens knows
//! (DATE)" and where. They are built from the corpus by
//! [`crate::build::fingerprints`].

/// The file a document's fingerprint is written to and fetched from: its id
/// with `/` as `--` (ids are lowercase letters, digits, `-` and `/`).
pub fn file_name(document: &str) -> String {
    format!("{}.json", document.replace('/', "--"))
}
