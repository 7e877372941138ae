//! The WebAssembly boundary: the only module that knows about JavaScript.
//!
//! One exported class, `Engine` (annotate, card, lookup, facets), and two
//! functions for page snapshots (`snapshot`, `diffSince`). Inputs are plain
//! strings (and one filters object, decoded once); outputs are serde structs
//! converted once (serde_json, then `JSON.parse`); every error becomes a JS `Error`
//! through [`into_error`]. A panic is reported as one console line by the hook
//! installed at start-up; the background then marks the engine as crashed and
//! every page keeps working.

#![deny(clippy::unwrap_used)]

use crate::diff;
use crate::engine;
use crate::kb::pack;
use crate::lookup;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
export interface Annotation {
  provision: string; title: string; platform: string; platformName: string; document: string;
  status: 'exact' | 'changed'; version: string; start: number; end: number; text: string;
  changes: { start: number; end: number }[]; diff: { op: 'equal' | 'insert' | 'delete'; text: string }[];
  score: number;
}
export interface PageResult {
  annotations: Annotation[];
  document: { id: string; name: string; platform: string; platformName: string } | null;
  pageDocument: string | null;
  missing: { provision: string; title: string; version: string }[];
}
export interface PageChange {
  kind: 'inserted' | 'deleted' | 'changed' | 'moved';
  text: string; start?: number; end?: number; anchor?: number;
  words?: { op: 'equal' | 'insert' | 'delete'; text: string }[];
  highlights?: { start: number; end: number }[];
}
export interface DiffResult {
  since: string | null;
  changes: PageChange[];
  summary: { inserted: number; deleted: number; changed: number; moved: number;
             paragraphs: number; unchanged: number; oldParagraphs: number };
  unchangedSpan: { start: number; end: number } | null;
}
"#;

#[wasm_bindgen(typescript_custom_section)]
const TS_LOOKUP_TYPES: &'static str = r#"
export interface LookupFilters { platforms?: string[]; topics?: string[]; exposure?: ('low' | 'medium' | 'high')[]; }
export interface Hit {
  provision: string; title: string; platform: string; platformName: string;
  document: string; documentName: string; section: string; topics: { id: string; name: string }[];
  exposure: 'low' | 'medium' | 'high'; score: number; snippet: string; kind: 'terms' | 'clause';
}
export interface Facet { id: string; name: string; count: number; }
export interface Facets { platforms: Facet[]; topics: Facet[]; exposure: Facet[]; }
export interface PackSummary { id: string; name: string; provisions: string[]; platforms: string[]; documents: number; }
export interface PackLoad { index: number; summary?: PackSummary; error?: string; }
"#;

#[wasm_bindgen(typescript_custom_section)]
const TS_CARD_TYPES: &'static str = r#"
export interface Card {
  provision: string; title: string; platform: string; platformName: string;
  document: string; documentName: string; documentUrl: string; section: string; versionDate: string;
  topics: { id: string; name: string }[]; clause: string;
  explanation: string; whyItMatters: string; uncertainty: string;
  compliance: {
    regulatoryLandscape: string; exposure: 'low' | 'medium' | 'high'; exposureReason: string;
    jurisdictions: string[]; contractImplications: string; steps: string[];
  };
  comparisons: Comparison[];
  more: Comparison[];
  missingDocuments: { name: string; url: string; whyItMatters: string }[];
  history: {
    firstSeen: string; changedSince: string | null; disappeared: string | null; versionsChecked: number;
    wordings: { text: string; firstSeen: string; lastSeen: string; versions: number }[];
    summary: string;
  } | null;
}
export interface Comparison {
  provision: string; title: string; platformName: string; documentName: string; documentUrl: string;
  section: string; topic: string; topicName: string; clause: string; secondary: boolean;
  secondaryKind: 'quote' | 'paraphrase' | null; sourceNote: string | null;
}
"#;

#[wasm_bindgen(start)]
fn start() {
    std::panic::set_hook(Box::new(|info| {
        gloo::console::warn!(format!("termlens: internal error: {info}"));
    }));
}

fn into_error(message: impl std::fmt::Display) -> JsError {
    JsError::new(&message.to_string())
}

/// A result as a JS value: serde_json's string read by the browser's `JSON.parse`.
/// One serializer (serde_json, which the knowledge base and snapshots use anyway)
/// instead of a second one for the boundary keeps every `Serialize` impl compiled
/// once: 9% smaller Wasm gzipped, and no slower (issue 6, BENCHMARKS.md).
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    let json = serde_json::to_string(value).map_err(into_error)?;
    js_sys::JSON::parse(&json).map_err(|_| into_error("a result could not be read back as JSON"))
}

/// A knowledge base ready to annotate pages.
#[wasm_bindgen]
pub struct Engine {
    inner: engine::Engine,
    /// Ids of the custom packs merged into the knowledge base.
    pack_ids: Vec<String>,
    /// What became of each pack given to `withPacks`.
    pack_loads: Vec<pack::PackLoad>,
}

#[wasm_bindgen]
impl Engine {
    /// Reads the compiled knowledge base (the text of `pkg/kb.json`).
    #[wasm_bindgen(constructor)]
    pub fn new(kb_json: &str) -> Result<Engine, JsError> {
        engine::Engine::from_json(kb_json)
            .map(|inner| Engine {
                inner,
                pack_ids: Vec::new(),
                pack_loads: Vec::new(),
            })
            .map_err(into_error)
    }

    /// The compiled knowledge base plus custom provision packs (`packs`: the
    /// JSON text of each, a `string[]`). A pack that does not validate is set
    /// aside (see `packs()`); the others load.
    #[wasm_bindgen(js_name = withPacks)]
    pub fn with_packs(kb_json: &str, packs: Vec<String>) -> Result<Engine, JsError> {
        let base = crate::kb::KnowledgeBase::from_json(kb_json).map_err(into_error)?;
        let texts: Vec<&str> = packs.iter().map(String::as_str).collect();
        let (kb, pack_ids, pack_loads) = pack::apply(base, &texts);
        Ok(Engine {
            inner: engine::Engine::new(kb),
            pack_ids,
            pack_loads,
        })
    }

    /// One `PackLoad` per pack given to `withPacks`: its summary, or the error
    /// that set it aside.
    pub fn packs(&self) -> Result<JsValue, JsError> {
        to_js(&self.pack_loads)
    }

    /// Checks a pack (its JSON text) against this engine's knowledge base and
    /// packs, completely; returns its `PackSummary`, or an `Error` whose
    /// message has one line per problem, each naming the entry and the field.
    #[wasm_bindgen(js_name = validatePack)]
    pub fn validate_pack(&self, json: &str) -> Result<JsValue, JsError> {
        let pack = pack::validate(json, self.inner.kb(), &self.pack_ids).map_err(into_error)?;
        to_js(&pack.summary())
    }

    /// Finds the known provisions in a page's text; returns a `PageResult`.
    /// Offsets are UTF-16 code units of `text`.
    pub fn annotate(&self, text: &str, url: &str) -> Result<JsValue, JsError> {
        to_js(&self.inner.annotate(text, url))
    }

    /// The card of a provision (`null` for an unknown id).
    pub fn card(&self, provision: &str) -> Result<JsValue, JsError> {
        match self.inner.card(provision) {
            Some(card) => to_js(&card),
            None => Ok(JsValue::NULL),
        }
    }

    /// Number of provisions in the knowledge base.
    #[wasm_bindgen(js_name = provisionCount)]
    pub fn provision_count(&self) -> usize {
        self.inner.kb().provisions.len()
    }

    /// Number of seeds in the matcher's seed table.
    #[wasm_bindgen(js_name = seedCount)]
    pub fn seed_count(&self) -> usize {
        self.inner.matcher().seed_count()
    }

    /// The provisions closest to `query` (typed words, or a pasted clause or
    /// selection), best first, at most `limit`; a `Hit[]`. `filters` is
    /// `{ platforms?: string[], topics?: string[], exposure?: string[] }` (or
    /// `undefined`); a bad one is an `Error` naming the field.
    pub fn lookup(&self, query: &str, filters: JsValue, limit: usize) -> Result<JsValue, JsError> {
        let filters = if filters.is_undefined() || filters.is_null() {
            lookup::Filters::default()
        } else {
            // Inputs are read with serde-wasm-bindgen (no JSON text in between);
            // results go out as JSON text (see `to_js`).
            let value: serde_json::Value = serde_wasm_bindgen::from_value(filters)
                .map_err(|e| into_error(format!("filters: {e}")))?;
            lookup::Filters::from_value(&value).map_err(into_error)?
        };
        to_js(&self.inner.lookup(query, &filters, limit))
    }

    /// The lookup's filter menus: `Facets` (platforms, topics, exposure
    /// levels, each with its provision count).
    pub fn facets(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.facets())
    }
}

/// The snapshot of a page's text (JSON, `format` 2): what `diffSince` compares
/// a later visit against. `date` (the visit, or the recorded version) comes
/// back as the diff's `since`.
#[wasm_bindgen]
pub fn snapshot(text: &str, date: Option<String>) -> String {
    let snap = diff::Snapshot::of(text);
    match date {
        Some(d) => snap.dated(d),
        None => snap,
    }
    .to_json()
}

/// The changes of the page `text` since the snapshot (the JSON `snapshot`
/// returned); a `DiffResult`. A snapshot that cannot be read is an `Error`
/// saying why. Offsets are UTF-16 code units of `text`.
#[wasm_bindgen(js_name = diffSince)]
pub fn diff_since(snapshot_json: &str, text: &str) -> Result<JsValue, JsError> {
    let snap = diff::Snapshot::from_json(snapshot_json).map_err(into_error)?;
    to_js(&diff::diff(&snap, text))
}

/// What the extension does at each visit, in one pass over the page's text:
/// the changes since the stored snapshot (`previous`, the JSON a former call
/// returned, or `undefined` on a first visit) and the snapshot to store now,
/// dated `date`. Returns `{ diff: DiffResult | null, snapshot: string,
/// problem: string | null }`: a stored snapshot that cannot be read gives
/// `diff: null` and the reason in `problem` (the caller sets it aside), and
/// the new snapshot all the same.
#[wasm_bindgen(js_name = diffAndSnapshot)]
pub fn diff_and_snapshot(
    previous: Option<String>,
    text: &str,
    date: Option<String>,
) -> Result<JsValue, JsError> {
    #[derive(Serialize)]
    struct Out {
        diff: Option<diff::DiffResult>,
        snapshot: String,
        problem: Option<String>,
    }
    let (old, problem) = match previous.as_deref().map(diff::Snapshot::from_json) {
        None => (None, None),
        Some(Ok(snap)) => (Some(snap), None),
        Some(Err(e)) => (None, Some(e.to_string())),
    };
    let (result, snap) = diff::diff_and_snapshot(old.as_ref(), text);
    let snap = match date {
        Some(d) => snap.dated(d),
        None => snap,
    };
    to_js(&Out {
        diff: result,
        snapshot: snap.to_json(),
        problem,
    })
}

/// The marker `web_sys` console line used when the engine cannot start; kept
/// here so the boundary owns every JS-facing call.
#[wasm_bindgen(js_name = logProblem)]
pub fn log_problem(message: &str) {
    web_sys::console::warn_1(&JsValue::from_str(&format!("termlens: {message}")));
}

/// Panics on purpose, for the browser test of the panic path only: the
/// background calls it when an extension page asks with the test hooks on
/// (`storage.local.termlensTestHooks`, set only by the test harness); no web
/// page and no content script can reach it.
#[wasm_bindgen(js_name = testPanic)]
pub fn test_panic() {
    panic!("panic requested by the browser tests");
}
