//! The WebAssembly boundary: the only module that knows about JavaScript.
//!
//! One exported class, `Engine` (annotate, card, lookup, facets, packs), and
//! three functions for page changes (`diffAndSnapshot`, `fingerprintFile`,
//! `mainRanges`).
//! Inputs are plain strings, and the structured ones (lookup filters, the
//! reader's visibility settings, the diff's source) are decoded once into
//! their Rust types with serde-wasm-bindgen; outputs are serde structs
//! converted once (serde_json, then `JSON.parse`); every error becomes a JS `Error`
//! through [`into_error`]. A panic is reported as one console line by the hook
//! installed at start-up; the background then marks the engine as crashed and
//! every page keeps working.

#![deny(clippy::unwrap_used)]

use crate::diff;
use crate::engine;
use crate::extract::main_content;
use crate::lookup;
use crate::visibility::Visibility;
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
export interface Annotation {
  provision: string; title: string; platform: string; platformName: string; document: string;
  status: 'exact' | 'changed'; version: string; start: number; end: number; text: string; topics: string[];
  exposure: 'low' | 'medium' | 'high';
  changes: { start: number; end: number }[]; diff: { op: 'equal' | 'insert' | 'delete'; text: string }[];
  score: number;
}
export interface PageResult {
  annotations: Annotation[];
  document: { id: string; name: string; platform: string; platformName: string } | null;
  pageDocument: string | null;
  missing: { provision: string; title: string; version: string }[];
  detections: Detection[];
}
export interface Detection {
  topic: string; topics: { id: string; name: string }[]; score: number; start: number; end: number; text: string;
}
export interface PageChange {
  kind: 'inserted' | 'deleted' | 'changed' | 'moved';
  text: string; start?: number; end?: number; anchor?: number;
  words?: { op: 'equal' | 'insert' | 'delete'; text: string }[];
  highlights?: { start: number; end: number }[];
}
export interface Changes {
  source: 'visit' | 'known';
  since: string;
  changes: PageChange[];
  summary: { inserted: number; deleted: number; changed: number; moved: number;
             paragraphs: number; unchanged: number; oldParagraphs: number;
             oldUnchanged: number };
  truncated: boolean;
}
export interface Visit { changes: Changes | null; snapshot: string; problem: string | null; }
export interface OutlineBlock {
  parent: number | null; tag: string; attrs: string; role: string;
  start: number; end: number; len: number; links: number; commas: number;
}
"#;

#[wasm_bindgen(typescript_custom_section)]
const TS_LOOKUP_TYPES: &'static str = r#"
export interface Visibility { platformsOff?: string[]; topicsOff?: string[]; detectionsOff?: boolean; }
export interface LookupFilters { platforms?: string[]; topics?: string[]; exposure?: ('low' | 'medium' | 'high')[]; }
export interface Hit {
  provision: string; title: string; platform: string; platformName: string;
  document: string; documentName: string; section: string; sectionLabel: string; topics: { id: string; name: string }[];
  exposure: 'low' | 'medium' | 'high'; score: number; snippet: string; kind: 'terms' | 'clause';
}
export interface Facet { id: string; name: string; count: number; }
export interface Facets { platforms: Facet[]; topics: Facet[]; exposure: Facet[]; }
export interface PackSummary { id: string; name: string; provisions: string[]; platforms: string[]; documents: number; }
export interface PackLoad { index: number; summary?: PackSummary; error?: string; checked: 'full' | 'stamp'; stamp?: string; }
export interface PackVerdict { summary: PackSummary; stamp?: string; }
"#;

#[wasm_bindgen(typescript_custom_section)]
const TS_CARD_TYPES: &'static str = r#"
export interface Card {
  provision: string; title: string; platform: string; platformName: string;
  document: string; documentName: string; documentUrl: string; section: string; sectionLabel: string; versionDate: string;
  topics: { id: string; name: string }[]; clause: string;
  explanation: string; whyItMatters: string; uncertainty: string;
  compliance: {
    regulatoryLandscape: string; exposure: 'low' | 'medium' | 'high'; exposureReason: string;
    jurisdictions: string[]; contractImplications: string; steps: string[];
  };
  comparisons: Comparison[];
  more: MoreComparison[]; moreCount: number;
  missingDocuments: { name: string; url: string; whyItMatters: string }[];
  history: {
    firstSeen: string; changedSince: string | null; disappeared: string | null; versionsChecked: number;
    wordings: { text: string; firstSeen: string; lastSeen: string; versions: number }[];
    summary: string;
  } | null;
  unavailable?: string;
}
export interface DetectionCard {
  topic: { id: string; name: string }; topics: { id: string; name: string }[];
  about: string; check: string; comparisons: Comparison[]; more: MoreComparison[]; moreCount: number;
}
export interface MoreComparison {
  provision: string; title: string; platform: string; platformName: string; topicName: string;
  closeness: number; secondary: boolean;
}
export interface Comparison {
  provision: string; title: string; platformName: string; documentName: string; documentUrl: string;
  section: string; sectionLabel: string; topic: string; topicName: string; clause: string; secondary: boolean;
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
/// once: 9% smaller Wasm gzipped, and no slower (BENCHMARKS.md).
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    let json = serde_json::to_string(value).map_err(into_error)?;
    js_sys::JSON::parse(&json).map_err(|_| into_error("a result could not be read back as JSON"))
}

/// Bytes that stay in JavaScript, read by the core a chunk at a time.
struct JsBytes(js_sys::Uint8Array);

impl crate::kb::binary::Source for JsBytes {
    fn len(&self) -> u64 {
        u64::from(self.0.length())
    }

    fn read_at(&self, at: u64, buf: &mut [u8]) {
        // Within the array's length (the reader asks for no more), which a
        // `Uint8Array` keeps under 2^32 bytes here: the casts are exact.
        let from = at as u32;
        self.0.subarray(from, from + buf.len() as u32).copy_to(buf);
    }
}

/// A knowledge base ready to annotate pages.
#[wasm_bindgen]
pub struct Engine {
    inner: engine::Engine,
}

/// A structured input decoded once into its Rust type (`undefined` or `null`
/// is the default); an error names the argument.
fn decode<T: DeserializeOwned + Default>(value: JsValue, what: &str) -> Result<T, JsError> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    serde_wasm_bindgen::from_value(value).map_err(|e| into_error(format!("{what}: {e}")))
}

#[wasm_bindgen]
impl Engine {
    /// The compiled knowledge base as the bytes of `pkg/kb.json` (UTF-8, a
    /// `Uint8Array`), plus custom packs as for `fromCompiled` (`[]`: none). The
    /// bytes are copied into Wasm memory at their size; a string argument is
    /// re-encoded there with room for three bytes a character first, which at
    /// 15,000 provisions is most of the engine's peak memory.
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(kb_json: Vec<u8>, packs: Vec<String>) -> Result<Engine, JsError> {
        let json = String::from_utf8(kb_json)
            .map_err(|e| into_error(format!("compiled knowledge base: not UTF-8: {e}")))?;
        let texts: Vec<&str> = packs.iter().map(String::as_str).collect();
        engine::Engine::from_compiled(json, &texts)
            .map(|inner| Engine { inner })
            .map_err(into_error)
    }

    /// The compiled index (the bytes of `pkg/kb.bin`, a `Uint8Array`), plus
    /// custom packs (the JSON text of each, a `string[]`), each with the stamp stored beside it
    /// (`stamps[i]` for `packs[i]`; missing or `''`: none): a pack whose
    /// stamp holds skips the checks of its wordings against the knowledge
    /// base's, and each `PackLoad` of `packs()` with a `stamp` is a pack
    /// checked in full whose stamp is to be stored. The card content stays in
    /// `pkg/cards.bin`, which the caller keeps: read it with `readCards`,
    /// then for each card slice the bytes `cardRange` names and pass them to
    /// `cardFrom`. A wrong magic, version, length or checksum is an `Error`
    /// naming the file and what is wrong. The bytes stay in JavaScript: the
    /// engine copies them into the module's memory a chunk at a time, once,
    /// decoding them and adding them to the checksum, so the file is never
    /// whole there.
    #[wasm_bindgen(js_name = fromCompiled)]
    pub fn from_compiled(
        kb_bin: js_sys::Uint8Array,
        packs: Vec<String>,
        stamps: Option<Vec<String>>,
    ) -> Result<Engine, JsError> {
        let stamps = stamps.unwrap_or_default();
        let stored: Vec<crate::kb::pack::Stored> = (packs.iter().enumerate())
            .map(|(i, text)| crate::kb::pack::Stored {
                text,
                stamp: stamps.get(i).map_or("", String::as_str),
            })
            .collect();
        engine::Engine::from_kb_bin_stamped(&JsBytes(kb_bin), &stored)
            .map(|inner| Engine { inner })
            .map_err(into_error)
    }

    /// Reads `pkg/cards.bin` (a `Uint8Array`, which stays in JavaScript:
    /// the engine copies what it reads a chunk at a time) once the engine is
    /// ready: an `Error` when it is of another format or build, truncated, or
    /// its explanations do not match their checksum; else the built-in
    /// provisions' explanations, which the lookup indexes and cards show,
    /// are read from it (until then they are empty).
    #[wasm_bindgen(js_name = readCards)]
    pub fn read_cards(&mut self, cards_bin: js_sys::Uint8Array) -> Result<(), JsError> {
        self.inner
            .read_cards(&JsBytes(cards_bin))
            .map_err(into_error)
    }

    /// The byte range `[start, end)` of `pkg/cards.bin` that a provision's
    /// card needs, or `undefined` when it needs none (`card` gives it).
    #[wasm_bindgen(js_name = cardRange)]
    pub fn card_range(&self, provision: &str) -> Option<Vec<f64>> {
        let range = self.inner.card_range(provision)?;
        Some(vec![range.start as f64, range.end as f64])
    }

    /// The card of a provision from its block of `pkg/cards.bin` (the bytes
    /// `cardRange` named); `null` for an unknown id, an `Error` for a block
    /// that is not this provision's.
    #[wasm_bindgen(js_name = cardFrom, unchecked_return_type = "Card | null")]
    pub fn card_from(&self, provision: &str, block: &[u8]) -> Result<JsValue, JsError> {
        match self
            .inner
            .card_from_block(provision, block)
            .map_err(into_error)?
        {
            Some(card) => to_js(&card),
            None => Ok(JsValue::NULL),
        }
    }

    /// The card of a provision whose block of `pkg/cards.bin` cannot be read
    /// (`why`, shown in its `unavailable`): what the engine holds without the
    /// block. `null` for an unknown id.
    #[wasm_bindgen(js_name = cardWithoutBlock, unchecked_return_type = "Card | null")]
    pub fn card_without_block(&self, provision: &str, why: &str) -> Result<JsValue, JsError> {
        match self.inner.card_without_block(provision, why) {
            Some(card) => to_js(&card),
            None => Ok(JsValue::NULL),
        }
    }

    /// Numbers the clauses' word sets that cards rank comparisons by, which
    /// the first card would otherwise do: call it once the engine is ready
    /// and idle.
    #[wasm_bindgen(js_name = prepareCards)]
    pub fn prepare_cards(&self) {
        self.inner.prepare_cards();
    }

    /// The whole comparison (`Comparison`, with its clause) of `other`, one
    /// of a card's `more`, on a card of `topics` (the card's topic ids);
    /// `null` when unknown or sharing none of them.
    #[wasm_bindgen(unchecked_return_type = "Comparison | null")]
    pub fn comparison(&self, topics: Vec<String>, other: &str) -> Result<JsValue, JsError> {
        match self.inner.comparison(&topics, other) {
            Some(c) => to_js(&c),
            None => Ok(JsValue::NULL),
        }
    }

    /// Every comparison of a provision (`Comparison[]`), whole, in the card's
    /// order: what an export carries. `null` for an unknown id.
    #[wasm_bindgen(unchecked_return_type = "Comparison[] | null")]
    pub fn comparisons(&self, provision: &str) -> Result<JsValue, JsError> {
        match self.inner.comparisons(provision) {
            Some(list) => to_js(&list),
            None => Ok(JsValue::NULL),
        }
    }

    /// One `PackLoad` per pack given to `fromCompiled` or `fromBytes`: its summary, or the error
    /// that set it aside.
    #[wasm_bindgen(unchecked_return_type = "PackLoad[]")]
    pub fn packs(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.pack_loads())
    }

    /// Checks a pack (its JSON text) against this engine's knowledge base and
    /// packs, completely; returns its `PackVerdict` (its summary, and the
    /// stamp to store beside it), or an `Error` whose message has one line
    /// per problem, each naming the entry and the field.
    #[wasm_bindgen(js_name = validatePack, unchecked_return_type = "PackVerdict")]
    pub fn validate_pack(&self, json: &str) -> Result<JsValue, JsError> {
        to_js(&self.inner.check_pack(json).map_err(into_error)?)
    }

    /// Finds the known provisions in a page's text; returns a `PageResult`
    /// (each detection's `topics` named, see [`engine::PageResult::with_topic_names`]).
    /// Offsets are UTF-16 code units of `text`. `visibility` is the reader's
    /// `{ platformsOff?: string[], topicsOff?: string[], detectionsOff?: boolean }`
    /// (or `undefined`): the provisions and detections it hides are left out.
    #[wasm_bindgen(unchecked_return_type = "PageResult")]
    pub fn annotate(
        &self,
        text: &str,
        url: &str,
        #[wasm_bindgen(unchecked_param_type = "Visibility | undefined")] visibility: JsValue,
    ) -> Result<JsValue, JsError> {
        let visibility: Visibility = decode(visibility, "visibility")?;
        let result = self.inner.annotate_for(text, url, &visibility);
        to_js(&result.with_topic_names(self.inner.kb()))
    }

    /// Loads the clause classifier from the bytes of `pkg/model.bin` (a
    /// `Uint8Array`; `undefined` when it could not be fetched). Returns whether
    /// pages now get detections; a missing or unusable model is logged once,
    /// as one console line, and the engine goes on annotating known provisions.
    #[wasm_bindgen(js_name = loadModel)]
    pub fn load_model(&mut self, bytes: Option<Vec<u8>>) -> bool {
        let problem = match bytes {
            None => "missing (pkg/model.bin could not be read)".to_string(),
            Some(bytes) => match self.inner.load_compiled_model(&bytes) {
                Ok(()) => return true,
                Err(e) => e.0,
            },
        };
        static LOGGED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
        if !LOGGED.swap(true, std::sync::atomic::Ordering::Relaxed) {
            gloo::console::warn!(format!(
                "termlens: classifier model: {problem}; pages get no detections"
            ));
        }
        false
    }

    /// The card of a detection (`DetectionCard`) of `topics` (best first) on
    /// the passage `text`; `null` when the first topic is unknown.
    #[wasm_bindgen(js_name = detectionCard, unchecked_return_type = "DetectionCard | null")]
    pub fn detection_card(&self, topics: Vec<String>, text: &str) -> Result<JsValue, JsError> {
        match self.inner.detection_card(&topics, text) {
            Some(card) => to_js(&card),
            None => Ok(JsValue::NULL),
        }
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
    /// `{ platforms?: string[], topics?: string[], exposure?: string[] }` and
    /// `visibility` the reader's settings, as for `annotate` (either may be
    /// `undefined`); a bad one is an `Error` saying which field.
    #[wasm_bindgen(unchecked_return_type = "Hit[]")]
    pub fn lookup(
        &self,
        query: &str,
        #[wasm_bindgen(unchecked_param_type = "LookupFilters | undefined")] filters: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Visibility | undefined")] visibility: JsValue,
        limit: usize,
    ) -> Result<JsValue, JsError> {
        let filters: lookup::Filters = decode(filters, "filters")?;
        let visibility: Visibility = decode(visibility, "visibility")?;
        to_js(&self.inner.lookup_for(query, &filters, &visibility, limit))
    }

    /// The lookup's filter menus: `Facets` (platforms, topics, exposure
    /// levels, each with its provision count).
    #[wasm_bindgen(unchecked_return_type = "Facets")]
    pub fn facets(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.facets())
    }
}

/// What the extension does at each visit, in one pass over the page's text:
/// the page's main content (`outline`, the block elements `extract.js` read,
/// [`crate::extract::main_content`]; `undefined`: the whole text) compared with `previous` (the JSON of the stored snapshot when
/// `source` is `'visit'`, of the document's fingerprint when `'known'`;
/// `undefined` on a first visit of a page that is no known document) and the
/// snapshot to store now, dated `date`. Returns a `Visit`: `changes` is what
/// the page shows (`null`: nothing), already decided, trimmed and capped by
/// the core; a snapshot that cannot be read gives the reason in `problem`
/// (the caller sets it aside), and the new snapshot all the same.
#[wasm_bindgen(js_name = diffAndSnapshot, unchecked_return_type = "Visit")]
pub fn diff_and_snapshot(
    previous: Option<String>,
    text: &str,
    date: Option<String>,
    #[wasm_bindgen(unchecked_param_type = "'visit' | 'known'")] source: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "OutlineBlock[]")] outline: JsValue,
) -> Result<JsValue, JsError> {
    let source: diff::Source =
        serde_wasm_bindgen::from_value(source).map_err(|e| into_error(format!("source: {e}")))?;
    let outline: Option<main_content::Outline> = decode(outline, "outline")?;
    let text = main_content::main_text(text, outline.as_deref());
    to_js(&diff::visit(previous.as_deref(), &text, date, source))
}

/// The main content of a page's text: its UTF-16 ranges `[start, end]`, in
/// order, given the page's `outline` (the whole text when the page has no
/// clear main content; [`crate::extract::main_content`]).
#[wasm_bindgen(js_name = mainRanges, unchecked_return_type = "[number, number][]")]
pub fn main_ranges(
    text: &str,
    #[wasm_bindgen(unchecked_param_type = "OutlineBlock[]")] outline: JsValue,
) -> Result<JsValue, JsError> {
    let outline: main_content::Outline = decode(outline, "outline")?;
    let len = text.encode_utf16().count() as u32;
    let ranges: Vec<(u32, u32)> = main_content::main_ranges(&outline, len)
        .into_iter()
        .map(|r| (r.start, r.end))
        .collect();
    to_js(&ranges)
}

/// The file (under `pkg/fingerprints/`) of a known document's fingerprint, or
/// `undefined` for a string that is not a document id.
#[wasm_bindgen(js_name = fingerprintFile)]
pub fn fingerprint_file(document: &str) -> Option<String> {
    diff::fingerprint_file(document)
}

/// Panics on purpose, for the browser test of the panic path only: the
/// background calls it when an extension page asks with the test hooks on
/// (`storage.local.termlensTestHooks`, set only by the test harness); no web
/// page and no content script can reach it.
#[wasm_bindgen(js_name = testPanic)]
pub fn test_panic() {
    panic!("panic requested by the browser tests");
}
