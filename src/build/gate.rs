//! The content-script gate's list of known documents (`termlens kb compile
//! --gate`): a classic script loaded before the gate, so deciding whether a
//! page is a known document needs neither Wasm nor a fetch. The table and its
//! order come from the one URL rule, [`crate::urlmatch`].

use crate::kb::{KbError, KnowledgeBase};
use crate::urlmatch::{GateCase, KnownDocument};

/// Every document of the knowledge base, as the URL rule sees it.
fn documents(kb: &KnowledgeBase) -> impl Iterator<Item = KnownDocument<'_>> {
    kb.platforms
        .iter()
        .flat_map(|p| p.documents.iter())
        .map(KnownDocument::of)
}

/// The script: the ranked pattern table the gate walks in order.
pub fn script(kb: &KnowledgeBase) -> Result<String, KbError> {
    Ok(crate::urlmatch::gate_script(documents(kb)))
}

/// Addresses near every known pattern, with the document each one is: the
/// answers the gate is tested against.
pub fn cases(kb: &KnowledgeBase) -> Vec<GateCase<'_>> {
    let documents: Vec<_> = documents(kb).collect();
    crate::urlmatch::gate_cases(&documents)
}
