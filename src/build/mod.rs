//! Build and curation work on the knowledge base, native only: what needs the
//! corpus of recorded versions (`../shared/corpus`) or writes the files the
//! extension ships. Nothing the engine or the Wasm module runs depends on it.
//!
//! - [`corpus`]: the recorded versions of a document, and the check that every
//!   quote is in every version it lists (`termlens kb check`);
//! - [`history`]: each provision's history over those versions (`termlens kb
//!   history` writes `data/history.json`; `kb compile` attaches it);
//! - [`fingerprints`]: the snapshot of the latest recorded version of each
//!   known document (`termlens kb fingerprints` writes `data/fingerprints/`,
//!   which the build ships), and whether the committed ones are current;
//! - [`gate`]: the content-script gate's list of known documents (`kb compile --gate`);
//! - [`doubled`]: recorded versions that hold their text twice (kept once in
//!   the fingerprints, named by `kb check`).

pub mod corpus;
pub mod doubled;
pub mod fingerprints;
pub mod gate;
pub mod history;
