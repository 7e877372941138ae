//! A compiled knowledge base read without its card content.
//!
//! Annotating needs a provision's ids, title, section, topics, wordings and
//! exposure, and the lookup its explanation (which therefore stays); the rest of a card (why it
//! matters, the uncertainty note, the compliance analysis, the history, the
//! stored comparison list) is most of `kb.json` and is only read when a card
//! asks. [`read`] keeps the JSON text itself as the store of that content:
//! each provision's span in it, parsed in full by [`CardStore::provision`]
//! when its card is built. The text is already in memory when the engine is
//! made, so the store costs no copy.

use super::error::{KbError, KbErrorKind, Location};
use super::{
    Compliance, FORMAT_VERSION, KnowledgeBase, MissingDocument, Platform, Provision,
    SecondaryQuote, Topic,
};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::ops::Range;

/// The knowledge base's outline: every provision still as its JSON text.
#[derive(Deserialize)]
struct Outline<'a> {
    format: u32,
    platforms: Vec<Platform>,
    topics: Vec<Topic>,
    #[serde(borrow)]
    provisions: Vec<&'a RawValue>,
    #[serde(default)]
    secondary: Vec<SecondaryQuote>,
    #[serde(default)]
    missing_documents: Vec<MissingDocument>,
}

/// Empties a provision's card-only content (the exposure stays: filters and
/// visibility read it).
fn strip(p: &mut Provision) {
    p.why_it_matters = String::new();
    p.uncertainty = String::new();
    p.compliance = Compliance {
        regulatory_landscape: String::new(),
        exposure: p.compliance.exposure,
        exposure_reason: String::new(),
        jurisdictions: Vec::new(),
        contract_implications: String::new(),
        steps: Vec::new(),
    };
    p.history = None;
    p.comparisons = Vec::new();
}

/// The compiled JSON text and where each provision is in it, in knowledge-base
/// order.
pub struct CardStore {
    json: String,
    spans: Vec<Range<usize>>,
}

impl CardStore {
    /// The provision at `index`, read in full; `None` past the stored ones.
    pub fn provision(&self, index: usize) -> Option<Provision> {
        let span = self.spans.get(index)?;
        // The span was read as a provision when the store was made.
        serde_json::from_str(&self.json[span.clone()]).ok()
    }

    /// How many provisions the store holds.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether the store holds no provision.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
}

fn compiled(path: String, kind: KbErrorKind) -> KbError {
    KbError::at(Location::Json(path), "compiled knowledge base", "", kind)
}

fn syntax(e: serde_json::Error, at: String) -> KbError {
    let message = format!("line {} column {}: {e}", e.line(), e.column());
    compiled(at, KbErrorKind::Syntax(message))
}

/// Reads a compiled knowledge base (`pkg/kb.json`) as
/// [`KnowledgeBase::from_json`] does, checks included, but with each
/// provision's card-only content (why it matters, uncertainty, compliance
/// except the exposure, history, comparisons) left empty; the returned store
/// gives each provision in full.
pub fn read(json: String) -> Result<(KnowledgeBase, CardStore), KbError> {
    let (kb, spans) = {
        let outline: Outline = serde_json::from_str(&json).map_err(|e| syntax(e, String::new()))?;
        if outline.format != FORMAT_VERSION {
            let message = format!(
                "format {} is not the supported format {FORMAT_VERSION}",
                outline.format
            );
            return Err(compiled("format".into(), KbErrorKind::Other(message)));
        }
        let base = json.as_ptr() as usize;
        let mut spans = Vec::with_capacity(outline.provisions.len());
        let mut provisions = Vec::with_capacity(outline.provisions.len());
        for (i, raw) in outline.provisions.iter().enumerate() {
            let text = raw.get();
            // Read in full once (so that the store's later reads cannot fail),
            // then only what stays in memory is kept.
            let mut p: Provision =
                serde_json::from_str(text).map_err(|e| syntax(e, format!("provisions[{i}]")))?;
            strip(&mut p);
            let start = text.as_ptr() as usize - base;
            spans.push(start..start + text.len());
            provisions.push(p);
        }
        let kb = KnowledgeBase {
            format: outline.format,
            platforms: outline.platforms,
            topics: outline.topics,
            provisions,
            secondary: outline.secondary,
            missing_documents: outline.missing_documents,
        };
        (kb, spans)
    };
    kb.check_references()?;
    Ok((kb, CardStore { json, spans }))
}
