//! Custom provision packs: provisions a reader adds to the built-in knowledge
//! base (a vendor termlens does not cover yet, an internal policy, a document
//! the reader reviews often), imported as one JSON file on the options page.
//!
//! A pack follows the schema of the compiled knowledge base (`pkg/kb.json`,
//! `termlens kb export --json`; see `data/README.md`):
//!
//! ```json
//! {
//!   "format": 1,
//!   "id": "example-vendor",
//!   "name": "Example Vendor terms (my team's pack)",
//!   "platforms": [{ "id": "example", "name": "Example Vendor", "documents": [
//!     { "id": "example/terms", "name": "Example Terms", "url": "https://example.com/terms",
//!       "match": ["example.com/terms*"] } ] }],
//!   "provisions": [{ "id": "example.no-training", "platform": "example",
//!     "document": "example/terms", "section": "4.2", "title": "...", "topics": ["training-on-customer-data"],
//!     "wordings": [{ "text": "the clause, at least 12 words ...", "versions": ["2026-01-15"] }],
//!     "explanation": "...", "why_it_matters": "...", "uncertainty": "...",
//!     "compliance": { "regulatory_landscape": "...", "exposure": "high", "exposure_reason": "...",
//!       "jurisdictions": ["EU"], "contract_implications": "...", "steps": ["..."] } }]
//! }
//! ```
//!
//! [`validate`] checks a pack completely against the knowledge base it will
//! join before anything is stored, and reports every problem with the entry
//! and the field (`provisions[3] (acme.no-training): field "wordings[0].text":
//! has 5 words; a clause needs at least 12`). Pack strings are data: they are
//! kept exactly as written (markup, `javascript:` text, bidi controls) and the
//! extension only ever shows them as text. The one field that becomes a link,
//! a document's `url`, must be an `http:` or `https:` address.
//!
//! The file is read into serde types that refuse unknown fields (serde's own
//! errors, a wrong type or a misspelt field, are given the entry and field
//! from their JSON path), then checked by the same rules as the built-in
//! sources ([`super::rules`]) plus the limits of an imported pack (sizes, id
//! syntax, addresses, new platforms only).
//!
//! [`apply`] merges packs into a knowledge base; a pack that does not validate
//! (a stored pack corrupted since its import) is set aside with its error and
//! the others still load.
//!
//! A pack's verdict is kept with it as a [`stamp`]: the text it was given
//! for, the built-in knowledge base and the packs it was checked against, and
//! the checks' version. [`apply_stamped`] skips the checks of a pack's
//! wordings against the knowledge base's (the same quote, near-duplicates:
//! most of the time of a full check) for a pack whose stored stamp is the one
//! it would be given now; every other check still runs. Any other stamp (none,
//! malformed, of another text, knowledge base or version) means a full check,
//! and a pack that passes it is handed its fresh stamp to store.

use super::binary::fnv64;
use super::error::{KbError, KbErrorKind, Location, clip};
use super::near;
use super::rules::{self, Field, Known, Problem};
use super::{Compliance, Document, Exposure, KnowledgeBase, Platform, Provision, Wording};
use crate::matcher::Matcher;
use crate::text::Words;
use rustc_hash::FxHashMap as HashMap;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// Version of the pack format; a pack says it in its `format` field.
pub const PACK_FORMAT: u64 = 1;
/// Largest pack accepted (bytes of JSON): packs live in the browser's
/// `storage.local`, whose quota is 10 MB in Chrome.
pub const MAX_PACK_BYTES: usize = 1_000_000;
/// Most provisions in one pack.
pub const MAX_PROVISIONS: usize = 1_000;
/// Longest string field (characters); the longest built-in explanation is far shorter.
pub const MAX_STRING_CHARS: usize = 20_000;

/// A pack that cannot be used: every problem found, in file order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackError {
    problems: Vec<KbError>,
}

impl PackError {
    fn one(kind: KbErrorKind) -> PackError {
        PackError {
            problems: vec![KbError::at(Location::Json(String::new()), "pack", "", kind)],
        }
    }

    /// Every problem, in file order (never empty); each names its entry
    /// (`provisions[3] (acme.x)`) and field (`wordings[0].text`).
    pub fn problems(&self) -> &[KbError] {
        &self.problems
    }
}

impl std::fmt::Display for PackError {
    /// The first problems, one per line, and how many there are in all.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const SHOWN: usize = 10;
        for (i, p) in self.problems.iter().take(SHOWN).enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{p}")?;
        }
        if self.problems.len() > SHOWN {
            write!(f, "\n… and {} more", self.problems.len() - SHOWN)?;
        }
        Ok(())
    }
}

impl std::error::Error for PackError {}

/// A pack that passed [`validate`], ready to join a knowledge base.
#[derive(Clone, Debug)]
pub struct Pack {
    /// The pack's id.
    pub id: String,
    /// Its display name.
    pub name: String,
    /// New platforms (with their documents).
    pub platforms: Vec<Platform>,
    /// Its provisions.
    pub provisions: Vec<Provision>,
}

/// What a valid pack holds (the options page's confirmation and list).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PackSummary {
    /// The pack's id.
    pub id: String,
    /// Its display name.
    pub name: String,
    /// Its provision ids, in file order.
    pub provisions: Vec<String>,
    /// Names of the platforms it adds.
    pub platforms: Vec<String>,
    /// How many documents it adds.
    pub documents: usize,
}

impl Pack {
    /// The summary of this pack.
    pub fn summary(&self) -> PackSummary {
        PackSummary {
            id: self.id.clone(),
            name: self.name.clone(),
            provisions: self.provisions.iter().map(|p| p.id.clone()).collect(),
            platforms: self.platforms.iter().map(|p| p.name.clone()).collect(),
            documents: self.platforms.iter().map(|p| p.documents.len()).sum(),
        }
    }
}

/// How a pack was checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Checked {
    /// Every check, as at import.
    Full,
    /// Its stamp held: every check but those of its wordings against the
    /// knowledge base's, which its stamp says it passed.
    Stamp,
}

/// A pack that passed every check at import: what it holds, and the stamp
/// to store beside it ([`stamp`]; none when the knowledge base has no kb.bin
/// checksum).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PackVerdict {
    /// What it holds.
    pub summary: PackSummary,
    /// Its stamp.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stamp: Option<String>,
}

/// The outcome of loading one stored pack with [`apply`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PackLoad {
    /// Position in the list given to [`apply`].
    pub index: usize,
    /// What it holds, when it loaded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<PackSummary>,
    /// Why it was set aside, when it did not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// How it was checked.
    pub checked: Checked,
    /// The stamp to store with the pack in place of the one it was given:
    /// set when a full check passed and the knowledge base has a checksum.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stamp: Option<String>,
}

/// A pack as it is stored: its text, and the stamp stored with it (`""`
/// when there is none).
#[derive(Clone, Copy, Debug, Default)]
pub struct Stored<'a> {
    /// The JSON text as imported.
    pub text: &'a str,
    /// Its stamp as stored.
    pub stamp: &'a str,
}

/// Version of the pack checks: a stamp made by another version never holds.
/// Raise it whenever a check a pack must pass changes.
pub const CHECKS_VERSION: u32 = 1;

/// The hash a stamp binds a text by (FNV-1a 64, as kb.bin's checksum).
pub fn text_hash(text: &str) -> u64 {
    fnv64(text.as_bytes())
}

/// The stamp of a pack whose text hashes to `text` ([`text_hash`]) and that
/// passed every check against the built-in knowledge base whose kb.bin
/// checksum is `base` plus the packs accepted before it (`earlier`, their
/// text hashes in load order), by this version of termlens and its checks.
/// The packs before it matter: they are checked against too, and a pack may
/// name their platforms and documents.
pub fn stamp(text: u64, base: u64, earlier: &[u64]) -> String {
    let bytes: Vec<u8> = earlier.iter().flat_map(|h| h.to_le_bytes()).collect();
    format!(
        "termlens {} checks {CHECKS_VERSION} kb {base:016x} after {:016x} text {text:016x}",
        env!("CARGO_PKG_VERSION"),
        fnv64(&bytes)
    )
}

/// Merges a valid pack into `kb`.
pub fn merge(kb: &mut KnowledgeBase, pack: Pack) {
    kb.platforms.extend(pack.platforms);
    kb.provisions.extend(pack.provisions);
}

/// Validates each pack against `kb` plus the packs accepted before it, and
/// merges those that pass. A pack that fails is left out with its error; the
/// rest still load. Returns the extended knowledge base, the ids of the packs
/// it holds and one [`PackLoad`] per pack.
pub fn apply(kb: KnowledgeBase, packs: &[&str]) -> (KnowledgeBase, Vec<String>, Vec<PackLoad>) {
    let stored: Vec<Stored> = packs
        .iter()
        .map(|&text| Stored { text, stamp: "" })
        .collect();
    let (kb, applied) = apply_stamped(kb, &stored, None, None);
    (kb, applied.ids, applied.loads)
}

/// The packs [`apply_stamped`] merged.
#[derive(Clone, Debug, Default)]
pub struct Applied {
    /// Their ids, in load order.
    pub ids: Vec<String>,
    /// Their texts' hashes ([`text_hash`]), in load order.
    pub hashes: Vec<u64>,
    /// One per pack given, merged or not.
    pub loads: Vec<PackLoad>,
}

/// [`apply`] for stored packs with their stamps, `base` the checksum of the
/// built-in knowledge base `kb` was read from (`None`: no stamp holds and
/// none is made), the wordings compared by `matcher`'s word ids when there
/// is one ([`validate_by_ids`]). A pack whose stamp is the one [`stamp`] gives it now is
/// checked without its wordings against the knowledge base's; any other is
/// checked in full and, if it passes, given its fresh stamp.
pub fn apply_stamped(
    mut kb: KnowledgeBase,
    packs: &[Stored],
    base: Option<u64>,
    matcher: Option<&Matcher>,
) -> (KnowledgeBase, Applied) {
    let mut applied = Applied::default();
    for (index, stored) in packs.iter().enumerate() {
        let hash = text_hash(stored.text);
        let fresh = base.map(|b| stamp(hash, b, &applied.hashes));
        let checked = match &fresh {
            Some(s) if *s == stored.stamp => Checked::Stamp,
            _ => Checked::Full,
        };
        match check(stored.text, &kb, &applied.ids, checked, matcher) {
            Ok(pack) => {
                applied.ids.push(pack.id.clone());
                applied.hashes.push(hash);
                applied.loads.push(PackLoad {
                    index,
                    summary: Some(pack.summary()),
                    error: None,
                    checked,
                    stamp: fresh.filter(|_| checked == Checked::Full),
                });
                merge(&mut kb, pack);
            }
            Err(e) => applied.loads.push(PackLoad {
                index,
                summary: None,
                error: Some(e.to_string()),
                checked,
                stamp: None,
            }),
        }
    }
    (kb, applied)
}

/// A pack as written (the schema of `pkg/kb.json`'s entries).
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "an object")]
struct RawPack {
    format: u64,
    id: String,
    name: String,
    description: Option<String>,
    #[serde(default)]
    platforms: Option<Vec<RawPlatform>>,
    provisions: Vec<RawProvision>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "an object")]
struct RawPlatform {
    id: String,
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
    documents: Vec<RawDocument>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "an object")]
struct RawDocument {
    id: String,
    name: String,
    url: String,
    #[serde(rename = "match")]
    patterns: Vec<String>,
    #[serde(default)]
    corpus: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "an object")]
struct RawProvision {
    id: String,
    platform: String,
    document: String,
    section: String,
    title: String,
    topics: Vec<String>,
    wordings: Vec<RawWording>,
    explanation: String,
    why_it_matters: String,
    uncertainty: String,
    compliance: RawCompliance,
    /// Computed from the corpus for built-in provisions; a pack's is ignored.
    #[serde(default)]
    #[allow(dead_code)]
    history: Option<serde::de::IgnoredAny>,
    /// Computed from the whole knowledge base; a pack's is ignored.
    #[serde(default)]
    #[allow(dead_code)]
    comparisons: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "an object")]
struct RawWording {
    text: String,
    versions: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "an object")]
struct RawCompliance {
    regulatory_landscape: String,
    exposure: String,
    exposure_reason: String,
    jurisdictions: Vec<String>,
    contract_implications: String,
    steps: Vec<String>,
}

/// One step of a JSON path.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

/// Reads and checks a pack against the knowledge base it will join (`kb`,
/// with `loaded` the ids of packs already in it). Every problem the rules
/// find is reported, each naming its entry and field; nothing is partially
/// accepted.
pub fn validate(json: &str, kb: &KnowledgeBase, loaded: &[String]) -> Result<Pack, PackError> {
    check(json, kb, loaded, Checked::Full, None)
}

/// [`validate`], the pack's wordings compared with `kb`'s by the word ids of
/// `matcher`, built for `kb` or for its first provisions (the engine's), in
/// place of splitting every wording of `kb` into words again: the same
/// verdict, problem for problem (`tests/packs.rs` compares the two).
pub fn validate_by_ids(
    json: &str,
    kb: &KnowledgeBase,
    loaded: &[String],
    matcher: &Matcher,
) -> Result<Pack, PackError> {
    check(json, kb, loaded, Checked::Full, Some(matcher))
}

/// [`validate`], without the checks of the pack's wordings against `kb`'s
/// when `checked` is [`Checked::Stamp`], and by `matcher`'s word ids when
/// there is one ([`validate_by_ids`]).
fn check(
    json: &str,
    kb: &KnowledgeBase,
    loaded: &[String],
    checked: Checked,
    matcher: Option<&Matcher>,
) -> Result<Pack, PackError> {
    if json.len() > MAX_PACK_BYTES {
        return Err(PackError::one(KbErrorKind::Other(format!(
            "is {} bytes; a pack may have at most {MAX_PACK_BYTES}",
            json.len()
        ))));
    }
    let value = Shape::read(json).map_err(|e| {
        PackError::one(KbErrorKind::Syntax(format!(
            "is not JSON (line {} column {}: {})",
            e.line(),
            e.column(),
            // serde_json ends its message with the position again.
            e.to_string().split(" at line ").next().unwrap_or_default()
        )))
    })?;
    // Read from the text (not from `value`), so that serde's reader is the one
    // the knowledge base already uses; its position gives the field's path.
    let raw: RawPack = serde_json::from_str(json).map_err(|e| {
        let message = e.to_string();
        let message = message.split(" at line ").next().unwrap_or_default();
        // A missing field is reported at the end of its object, a list read
        // as an object inside the list: the object is the place.
        let whole = message.starts_with("missing field ") || message.starts_with("invalid length ");
        let mut path = path_at(json, e.line(), e.column(), whole);
        let kind = serde_kind(message, &mut path);
        PackError {
            problems: vec![locate(&value, &path, kind)],
        }
    })?;
    let full = checked == Checked::Full;
    let numbering = matcher.filter(|_| full).map(|m| Numbering::new(m, kb));
    let mut reader = Reader {
        value: &value,
        known: if full && numbering.is_none() {
            Known::of(kb)
        } else {
            Known::ids_of(kb)
        },
        base: kb,
        full,
        numbering,
        problems: Vec::new(),
    };
    let pack = reader.pack(raw, loaded);
    if reader.problems.is_empty() {
        Ok(pack)
    } else {
        Err(PackError {
            problems: reader.problems,
        })
    }
}

/// What the checks need of the pack's JSON beyond its typed reading, each by
/// its JSON path: every string longer than [`MAX_STRING_CHARS`], and the `id`
/// of every object whose `id` is a string (the entries' labels). Read by
/// [`Walk`] in one pass over the text, with no tree of values kept.
#[derive(Default)]
struct Shape {
    long: Vec<Vec<Step>>,
    ids: Vec<(Vec<Step>, String)>,
}

impl Shape {
    /// The shape of the JSON text `json`, which must be one value (as
    /// `serde_json::from_str` reads it).
    fn read(json: &str) -> serde_json::Result<Shape> {
        let mut shape = Shape::default();
        let mut de = serde_json::Deserializer::from_str(json);
        let walk = Walk {
            path: &mut Vec::new(),
            shape: &mut shape,
            keep: false,
        };
        walk.deserialize(&mut de)?;
        de.end()?;
        Ok(shape)
    }
}

/// Reads one JSON value at `path` into `shape`; gives the value itself when
/// it is a string and `keep` (an object's `id`, then recorded by the object).
struct Walk<'a> {
    path: &'a mut Vec<Step>,
    shape: &'a mut Shape,
    keep: bool,
}

impl Walk<'_> {
    /// The walk of the value at the path's last step (just pushed).
    fn inner(&mut self, keep: bool) -> Walk<'_> {
        Walk {
            path: self.path,
            shape: self.shape,
            keep,
        }
    }
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = Option<String>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = Option<String>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
        if s.chars().count() > MAX_STRING_CHARS {
            self.shape.long.push(self.path.clone());
        }
        Ok(self.keep.then(|| s.to_string()))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<Self::Value, A::Error> {
        for i in 0.. {
            self.path.push(Step::Index(i));
            let item = seq.next_element_seed(self.inner(false));
            self.path.pop();
            if item?.is_none() {
                break;
            }
        }
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Self::Value, A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            let is_id = key == "id";
            self.path.push(Step::Key(key));
            let value = map.next_value_seed(self.inner(is_id));
            self.path.pop();
            if let Some(id) = value? {
                self.shape.ids.push((self.path.clone(), id));
            }
        }
        Ok(None)
    }
}

/// An open object (with the key last read in it) or list (with the index of
/// its current item) while [`path_at`] reads.
enum Frame {
    Object(Option<String>),
    List(usize),
}

/// The JSON path of the place serde_json reports an error at (`line`,
/// `column`: 1-based, the column one past the byte it stopped at): the open
/// objects and lists up to there, each by its current key or index; with
/// `whole`, the innermost one's own key or index is left out.
fn path_at(json: &str, line: usize, column: usize, whole: bool) -> Vec<Step> {
    let start: usize = json
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let end = (start + column.saturating_sub(1)).min(json.len());
    let bytes = &json.as_bytes()[..end];
    let mut stack: Vec<Frame> = Vec::new();
    let mut expect_key = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let open = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                if expect_key && let Some(Frame::Object(key)) = stack.last_mut() {
                    let quoted = json.get(open..=i.min(json.len() - 1)).unwrap_or_default();
                    *key = Some(serde_json::from_str(quoted).unwrap_or_default());
                    expect_key = false;
                }
            }
            b'{' => {
                stack.push(Frame::Object(None));
                expect_key = true;
            }
            b'[' => stack.push(Frame::List(0)),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::List(n)) => *n += 1,
                Some(Frame::Object(_)) => expect_key = true,
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    if whole {
        match stack.last_mut() {
            Some(Frame::Object(key)) => *key = None,
            Some(Frame::List(_)) => {
                stack.pop();
            }
            None => {}
        }
    }
    stack
        .into_iter()
        .filter_map(|f| match f {
            Frame::Object(key) => key.map(Step::Key),
            Frame::List(n) => Some(Step::Index(n)),
        })
        .collect()
}

/// serde's message in the pack's words; a field it names that `path` does
/// not end with (a missing one) is added to it.
fn serde_kind(message: &str, path: &mut Vec<Step>) -> KbErrorKind {
    let quoted = |s: &str| s.split('`').nth(1).unwrap_or_default().to_string();
    if let Some(rest) = message.strip_prefix("missing field ") {
        path.push(Step::Key(quoted(rest)));
        let kind = if quoted(rest) == "format" {
            KbErrorKind::Other(format!("is missing (use {PACK_FORMAT})"))
        } else {
            KbErrorKind::Missing
        };
        return kind;
    }
    if let Some(rest) = message.strip_prefix("unknown field ") {
        // The path of an unknown field ends with it already.
        if !matches!(path.last(), Some(Step::Key(k)) if *k == quoted(rest)) {
            path.push(Step::Key(quoted(rest)));
        }
        let expected: Vec<&str> = rest
            .split_once("expected ")
            .map(|(_, list)| list.split('`').skip(1).step_by(2).collect())
            .unwrap_or_default();
        return KbErrorKind::UnknownField(expected.join(", "));
    }
    if let Some(rest) = message.strip_prefix("invalid type: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        let expected = match expected {
            "a sequence" => "a list",
            "u64" => "a whole number",
            other => other,
        };
        return KbErrorKind::Syntax(format!("must be {expected}, not {}", json_kind(found)));
    }
    // serde reads a struct from a list too, and then counts its items.
    if let Some(rest) = message.strip_prefix("invalid length ")
        && let Some((_, expected)) = rest.split_once(", expected ")
    {
        return KbErrorKind::Syntax(format!("must be {expected}, not a list"));
    }
    KbErrorKind::Syntax(message.to_string())
}

/// serde's description of a JSON value (`integer `42``, `map`) as a kind.
fn json_kind(found: &str) -> &'static str {
    let word = found.split([' ', '`']).next().unwrap_or_default();
    match word {
        "integer" | "floating" => "a number",
        "string" => "a string",
        "boolean" => "a boolean",
        "sequence" => "a list",
        "map" => "an object",
        _ => "null",
    }
}

/// The problem at a JSON path: its entry (`pack`, `platforms[0] (acme)`,
/// `platforms[0] (acme): documents[1] (acme/terms)`, `provisions[3] (acme.x)`)
/// and the field inside it.
fn locate(value: &Shape, path: &[Step], kind: KbErrorKind) -> KbError {
    let json = render(path);
    let entry_len = match path {
        [
            Step::Key(p),
            Step::Index(_),
            Step::Key(d),
            Step::Index(_),
            ..,
        ] if p == "platforms" && d == "documents" => 4,
        [Step::Key(k), Step::Index(_), ..] if k == "platforms" || k == "provisions" => 2,
        _ => 0,
    };
    let entry = match entry_len {
        0 => "pack".to_string(),
        2 => label(value, &path[..2]),
        _ => format!("{}: {}", label(value, &path[..2]), label(value, &path[..4])),
    };
    let field = render(&path[entry_len..]);
    KbError::at(Location::Json(json), entry, field, kind)
}

/// `provisions[3] (acme.x)`: the list, the index and, when the entry has a
/// readable id, the id.
fn label(value: &Shape, path: &[Step]) -> String {
    let tail = render(&path[path.len().saturating_sub(2)..]);
    match value.ids.iter().rfind(|(at, _)| at == path) {
        Some((_, id)) if !id.trim().is_empty() => format!("{tail} ({})", clip(id)),
        _ => tail,
    }
}

/// `provisions[3].wordings[0].text`.
fn render(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(k) if out.is_empty() => out.push_str(k),
            Step::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Checks a read pack: the rules of every entry and the limits of a pack.
struct Reader<'a> {
    value: &'a Shape,
    known: Known,
    base: &'a KnowledgeBase,
    /// Whether the pack's wordings are checked against the base's too (the
    /// same quote, near-duplicates); `known` then holds the base's wordings,
    /// or the few of them the pack quotes when they are compared by the
    /// matcher's word ids (`numbering`).
    full: bool,
    /// The wordings' word ids, when a matcher numbered the base's.
    numbering: Option<Numbering<'a>>,
    problems: Vec<KbError>,
}

impl Reader<'_> {
    /// Reports problems of the entry at `path` (`Field::json` below it).
    fn report(&mut self, path: &[Step], found: Vec<Problem>) {
        for p in found {
            let mut at = path.to_vec();
            at.extend(field_steps(p.field));
            let error = locate(self.value, &at, p.kind);
            self.problems.push(error);
        }
    }

    fn one(&mut self, path: &[Step], field: Field, kind: KbErrorKind) {
        self.report(path, vec![Problem { field, kind }]);
    }

    fn pack(&mut self, raw: RawPack, loaded: &[String]) -> Pack {
        let top: &[Step] = &[];
        if raw.format != PACK_FORMAT {
            let kind = KbErrorKind::Other(format!(
                "is {}; this version of termlens reads pack format {PACK_FORMAT}",
                raw.format
            ));
            self.one(top, Field::Named("format"), kind);
        }
        self.long_strings();
        self.id(top, "id", &raw.id, "");
        if loaded.contains(&raw.id) {
            let kind = KbErrorKind::Other(format!(
                "a pack with the id `{}` is already imported; remove it first",
                clip(&raw.id)
            ));
            self.one(top, Field::Named("id"), kind);
        }
        self.text(top, "name", &raw.name);
        if let Some(d) = &raw.description {
            self.text(top, "description", d);
        }
        let platforms: Vec<Platform> = (raw.platforms.unwrap_or_default().into_iter())
            .enumerate()
            .map(|(i, p)| self.platform(i, p))
            .collect();
        if raw.provisions.is_empty() {
            self.one(top, Field::Named("provisions"), KbErrorKind::Empty);
        } else if raw.provisions.len() > MAX_PROVISIONS {
            let kind = KbErrorKind::Other(format!(
                "has {} entries; a pack may have at most {MAX_PROVISIONS}",
                raw.provisions.len()
            ));
            self.one(top, Field::Named("provisions"), kind);
        }
        self.base_quotes(&raw.provisions);
        let provisions: Vec<Provision> = (raw.provisions.into_iter().take(MAX_PROVISIONS))
            .enumerate()
            .map(|(i, p)| self.provision(i, p))
            .collect();
        if self.full {
            self.near_duplicates(&provisions);
        }
        Pack {
            id: raw.id,
            name: raw.name,
            platforms,
            provisions,
        }
    }

    /// A non-empty text.
    fn text(&mut self, path: &[Step], field: &'static str, value: &str) {
        if value.trim().is_empty() {
            self.one(path, Field::Named(field), KbErrorKind::Empty);
        }
    }

    /// An id: lowercase letters, digits and `-`, plus the `extra` separators.
    fn id(&mut self, path: &[Step], field: &'static str, id: &str, extra: &'static str) {
        let ok = id.chars().count() <= rules::MAX_ID_CHARS
            && id.chars().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || extra.contains(c)
            })
            && id.starts_with(|c: char| c.is_ascii_alphanumeric());
        if !ok {
            let kind = KbErrorKind::NotAnId(id.to_string(), extra);
            self.one(path, Field::Named(field), kind);
        }
    }

    /// Every string of the file longer than [`MAX_STRING_CHARS`], in the
    /// order they stand in the file.
    fn long_strings(&mut self) {
        for path in &self.value.long {
            let error = locate(self.value, path, KbErrorKind::TooLong(MAX_STRING_CHARS));
            self.problems.push(error);
        }
    }

    fn platform(&mut self, i: usize, raw: RawPlatform) -> Platform {
        let path = [Step::Key("platforms".into()), Step::Index(i)];
        self.id(&path, "id", &raw.id, "");
        let mut platform = Platform {
            id: raw.id,
            name: raw.name,
            aliases: raw.aliases,
            documents: Vec::new(),
        };
        if self.base.platform(&platform.id).is_some() {
            let kind = KbErrorKind::Other(format!(
                "`{}` is a platform termlens already has; a pack adds new platforms only (its provisions may name a built-in platform and document)",
                clip(&platform.id)
            ));
            self.one(&path, Field::Named("id"), kind);
        } else {
            let at = Location::Json(render(&path));
            let found = rules::platform(&platform, &mut self.known, at);
            self.report(&path, found);
        }
        if raw.documents.is_empty() {
            self.one(&path, Field::Named("documents"), KbErrorKind::Empty);
        }
        for (j, d) in raw.documents.into_iter().enumerate() {
            let document = self.document(&path, j, d, &platform.id);
            platform.documents.push(document);
        }
        platform
    }

    fn document(&mut self, owner: &[Step], j: usize, raw: RawDocument, platform: &str) -> Document {
        let mut path = owner.to_vec();
        path.extend([Step::Key("documents".into()), Step::Index(j)]);
        self.id(&path, "id", &raw.id, "/");
        let d = Document {
            id: raw.id,
            name: raw.name,
            url: raw.url,
            patterns: raw.patterns,
            corpus: raw.corpus.unwrap_or_default(),
        };
        let found = rules::document(&d, platform, &mut self.known, Location::Json(render(&path)));
        self.report(&path, found);
        if !d.url.trim().is_empty() && !is_web_address(&d.url) {
            let kind = KbErrorKind::NotAWebAddress(d.url.clone());
            self.one(&path, Field::Named("url"), kind);
        } else if has_user_info(&d.url) {
            let kind = KbErrorKind::UserInfo(d.url.clone());
            self.one(&path, Field::Named("url"), kind);
        }
        for (k, c) in d.corpus.iter().enumerate() {
            if c.trim().is_empty() {
                self.one(&path, Field::Item("corpus", k), KbErrorKind::Empty);
            }
        }
        d
    }

    fn provision(&mut self, i: usize, raw: RawProvision) -> Provision {
        let path = [Step::Key("provisions".into()), Step::Index(i)];
        self.id(&path, "id", &raw.id, ".");
        let c = raw.compliance;
        let mut p = Provision {
            id: raw.id,
            platform: raw.platform,
            document: raw.document,
            section: raw.section,
            title: raw.title,
            topics: raw.topics,
            wordings: (raw.wordings.into_iter())
                .map(|w| Wording {
                    text: w.text,
                    versions: w.versions,
                })
                .collect(),
            explanation: raw.explanation,
            why_it_matters: raw.why_it_matters,
            uncertainty: raw.uncertainty,
            compliance: Compliance {
                regulatory_landscape: c.regulatory_landscape,
                exposure: Exposure::Medium,
                exposure_reason: c.exposure_reason,
                jurisdictions: c.jurisdictions,
                contract_implications: c.contract_implications,
                steps: c.steps,
            },
            history: None,
            comparisons: Vec::new(),
        };
        let json_path = |f: Field| {
            let mut at = path.to_vec();
            at.extend(field_steps(f));
            Location::Json(render(&at))
        };
        let found = rules::provision(&p, &mut self.known, &json_path);
        self.report(&path, found);
        match rules::exposure(&c.exposure) {
            Ok(e) => p.compliance.exposure = e,
            Err(kind) => self.one(&path, Field::Compliance("exposure"), kind),
        }
        p
    }
}

impl Reader<'_> {
    /// Each pack wording near-identical to a wording of the knowledge base
    /// being joined or to an earlier one of another provision of the pack.
    fn near_duplicates(&mut self, provisions: &[Provision]) {
        let base = &self.base.provisions;
        let mut owners = wording_owners(self.base);
        let first_new = owners.len();
        let mut places = Vec::new();
        for (i, p) in provisions.iter().enumerate() {
            for k in 0..p.wordings.len() {
                owners.push(base.len() + i);
                places.push((i, k));
            }
        }
        let pack_texts = provisions.iter().flat_map(|p| &p.wordings);
        let found = match &mut self.numbering {
            Some(numbering) => {
                let pack_ids: Vec<Vec<u32>> = pack_texts.map(|w| numbering.ids(&w.text)).collect();
                let list: Vec<(usize, &[u32])> = (numbering.base.iter())
                    .map(|ids| ids.as_ref())
                    .chain(pack_ids.iter().map(Vec::as_slice))
                    .zip(&owners)
                    .map(|(ids, &owner)| (owner, ids))
                    .collect();
                near::near_duplicates_in_ids(&list, first_new)
            }
            None => {
                let base_texts = base.iter().flat_map(|p| &p.wordings);
                let list: Vec<(usize, &str)> = (base_texts.chain(pack_texts))
                    .zip(&owners)
                    .map(|(w, &owner)| (owner, w.text.as_str()))
                    .collect();
                near::near_duplicates(&list, first_new)
            }
        };
        for near in found {
            let (i, k) = places[near.wording - first_new];
            let (other, at) = match near.other.checked_sub(first_new) {
                None => (base[owners[near.other]].id.clone(), None),
                Some(n) => {
                    let (oi, ok) = places[n];
                    let at = format!("provisions[{oi}].{}", Field::WordingText(ok).json());
                    (provisions[oi].id.clone(), Some(Location::Json(at)))
                }
            };
            let path = [Step::Key("provisions".into()), Step::Index(i)];
            let kind = KbErrorKind::NearDuplicate(near.likeness, other, at);
            self.one(&path, Field::WordingText(k), kind);
        }
    }

    /// With the matcher's word ids: each wording of the pack that quotes a
    /// wording of the knowledge base (the same words, in order) is entered in
    /// `known.quotes` as that provision's, as [`Known::of`] would have it, so
    /// that the rules name it; the knowledge base's other wordings are never
    /// split into words.
    fn base_quotes(&mut self, raw: &[RawProvision]) {
        let Some(numbering) = &mut self.numbering else {
            return;
        };
        let owners = wording_owners(self.base);
        for w in raw.iter().take(MAX_PROVISIONS).flat_map(|p| &p.wordings) {
            let ids = numbering.ids(&w.text);
            // The last of equal wordings, as `Known::of` keeps it (a scan: a
            // pack has few wordings, and most differ at their first word).
            let quoted = (numbering.base.iter()).rposition(|b| !ids.is_empty() && **b == *ids);
            if let Some(at) = quoted {
                let id = self.base.provisions[owners[at]].id.clone();
                let key = rules::quote_key(&w.text);
                self.known.quotes.insert(key, (id, None));
            }
        }
    }
}

/// The provision of each wording of `kb`, in order (provision, wording).
fn wording_owners(kb: &KnowledgeBase) -> Vec<usize> {
    (kb.provisions.iter().enumerate())
        .flat_map(|(owner, p)| p.wordings.iter().map(move |_| owner))
        .collect()
}

/// The word ids of a knowledge base's wordings and of a pack's, as a matcher
/// built for that knowledge base (or for its first provisions) numbers them:
/// a wording the matcher holds is taken from it, any other is split into
/// words, and a word no wording of the matcher uses is numbered from its
/// bound up. Two wordings have the same words exactly when they have the
/// same ids.
struct Numbering<'m> {
    matcher: &'m Matcher,
    /// Each wording of the knowledge base, in order (provision, wording).
    base: Vec<Cow<'m, [u32]>>,
    /// The words no wording of the matcher uses, numbered.
    more: HashMap<String, u32>,
}

impl<'m> Numbering<'m> {
    fn new(matcher: &'m Matcher, kb: &KnowledgeBase) -> Numbering<'m> {
        let mut held: Vec<Vec<Option<&'m [u32]>>> = (kb.provisions.iter())
            .map(|p| vec![None; p.wordings.len()])
            .collect();
        for (p, w, ids) in matcher.wording_ids() {
            if let Some(slot) = held.get_mut(p).and_then(|h| h.get_mut(w)) {
                *slot = Some(ids);
            }
        }
        let mut numbering = Numbering {
            matcher,
            base: Vec::new(),
            more: HashMap::default(),
        };
        for (p, held) in kb.provisions.iter().zip(held) {
            for (w, ids) in p.wordings.iter().zip(held) {
                let ids = match ids {
                    Some(ids) => Cow::Borrowed(ids),
                    None => Cow::Owned(numbering.ids(&w.text)),
                };
                numbering.base.push(ids);
            }
        }
        numbering
    }

    /// The word ids of a text.
    fn ids(&mut self, text: &str) -> Vec<u32> {
        let bound = self.matcher.id_bound();
        (Words::new(text).iter())
            .map(|w| {
                self.matcher.word_id(&w.norm).unwrap_or_else(|| {
                    let next = bound + self.more.len() as u32;
                    *self.more.entry(w.norm.clone()).or_insert(next)
                })
            })
            .collect()
    }
}

/// A field of an entry as path steps.
fn field_steps(field: Field) -> Vec<Step> {
    let key = |k: &str| Step::Key(k.to_string());
    match field {
        Field::Entry => vec![],
        Field::Named(n) => vec![key(n)],
        Field::Item(n, i) => vec![key(n), Step::Index(i)],
        Field::Wordings => vec![key("wordings")],
        Field::WordingText(k) => vec![key("wordings"), Step::Index(k), key("text")],
        Field::WordingVersions(k) => vec![key("wordings"), Step::Index(k), key("versions")],
        Field::WordingVersion(k, n) => vec![
            key("wordings"),
            Step::Index(k),
            key("versions"),
            Step::Index(n),
        ],
        Field::Compliance(n) => vec![key("compliance"), key(n)],
        Field::ComplianceItem(n, i) => vec![key("compliance"), key(n), Step::Index(i)],
    }
}

/// An absolute `http:` or `https:` address with a host.
fn is_web_address(s: &str) -> bool {
    let lower = s.trim_start().to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or("");
        !host.is_empty() && !s.chars().any(|c| c.is_whitespace() || c.is_control())
    })
}

/// Whether an address has user info (`name@` before its host).
fn has_user_info(s: &str) -> bool {
    let rest = s.split_once("://").map_or(s, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    authority.contains('@')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::{FORMAT_VERSION, Topic};
    use serde_json::{Value, json};

    const BUILT_IN_CLAUSE: &str = "Neither you nor your End Users will, or will attempt to, extract or derive underlying components, including any model, model parameters, or model weights.";
    const PACK_CLAUSE: &str = "Example Test Vendor will not use the content you submit to train or improve any of its machine learning models unless you opt in.";

    /// A one-provision knowledge base standing for the built-in one.
    fn base() -> KnowledgeBase {
        KnowledgeBase {
            format: FORMAT_VERSION,
            platforms: vec![Platform {
                id: "aws".into(),
                name: "AWS".into(),
                aliases: vec![],
                documents: vec![Document {
                    id: "aws/service-terms".into(),
                    name: "AWS Service Terms".into(),
                    url: "https://aws.amazon.com/service-terms/".into(),
                    patterns: vec!["aws.amazon.com/service-terms*".into()],
                    corpus: vec![],
                }],
            }],
            topics: vec![Topic {
                id: "model-extraction".into(),
                name: "Model extraction".into(),
                description: "...".into(),
                ..Topic::default()
            }],
            provisions: vec![Provision {
                id: "aws.model-extraction".into(),
                platform: "aws".into(),
                document: "aws/service-terms".into(),
                section: "50.11".into(),
                title: "No model extraction".into(),
                topics: vec!["model-extraction".into()],
                wordings: vec![Wording {
                    text: BUILT_IN_CLAUSE.into(),
                    versions: vec!["2026-08-21".into()],
                }],
                explanation: "e".into(),
                why_it_matters: "w".into(),
                uncertainty: "u".into(),
                compliance: Compliance {
                    regulatory_landscape: "r".into(),
                    exposure: Exposure::High,
                    exposure_reason: "x".into(),
                    jurisdictions: vec!["US".into()],
                    contract_implications: "c".into(),
                    steps: vec!["s".into()],
                },
                history: None,
                comparisons: Vec::new(),
            }],
            secondary: vec![],
            missing_documents: vec![],
        }
    }

    /// A valid pack: one new platform and document, one provision.
    fn good() -> Value {
        json!({
            "format": 1,
            "id": "example-test-vendor",
            "name": "Example Test Vendor (fictional, for tests)",
            "platforms": [{ "id": "example", "name": "Example Test Vendor", "documents": [{
                "id": "example/terms", "name": "Example Terms", "url": "https://example.test/legal/terms",
                "match": ["example.test/legal/terms*"] }] }],
            "provisions": [{
                "id": "example.no-training", "platform": "example", "document": "example/terms",
                "section": "4.2", "title": "No training on submitted content", "topics": ["model-extraction"],
                "wordings": [{ "text": PACK_CLAUSE, "versions": ["2026-01-15"] }],
                "explanation": "It does not train on what you send.", "why_it_matters": "m", "uncertainty": "u",
                "compliance": { "regulatory_landscape": "r", "exposure": "low", "exposure_reason": "x",
                    "jurisdictions": ["EU"], "contract_implications": "c", "steps": ["s"] }
            }]
        })
    }

    fn check(value: &Value) -> Result<Pack, PackError> {
        validate(&value.to_string(), &base(), &[])
    }

    #[test]
    fn a_good_pack_passes_and_joins_the_knowledge_base() {
        let pack = check(&good()).expect("valid");
        assert_eq!(
            pack.summary(),
            PackSummary {
                id: "example-test-vendor".into(),
                name: "Example Test Vendor (fictional, for tests)".into(),
                provisions: vec!["example.no-training".into()],
                platforms: vec!["Example Test Vendor".into()],
                documents: 1,
            }
        );
        let mut kb = base();
        merge(&mut kb, pack);
        kb.check_references().expect("references hold");
        let engine = crate::engine::Engine::new(kb);
        let page = format!("4.2 Training. {PACK_CLAUSE} Other text follows here.");
        let found = engine.annotate(&page, "https://example.test/legal/terms");
        assert_eq!(found.annotations.len(), 1);
        assert_eq!(found.annotations[0].provision, "example.no-training");
        assert_eq!(
            found.document.map(|d| d.id).as_deref(),
            Some("example/terms")
        );
        let hits = engine.lookup("submitted content train", &Default::default(), 5);
        assert_eq!(
            hits.first().map(|h| h.provision.as_str()),
            Some("example.no-training")
        );
        assert!(engine.card("example.no-training").is_some());
    }

    #[test]
    fn a_pack_may_add_provisions_to_a_built_in_document() {
        let mut v = good();
        v["platforms"] = json!([]);
        v["provisions"][0]["id"] = json!("aws.pack-no-training");
        v["provisions"][0]["platform"] = json!("aws");
        v["provisions"][0]["document"] = json!("aws/service-terms");
        assert!(check(&v).is_ok(), "{:?}", check(&v).err());
    }

    type Edit = fn(&mut Value);

    /// Each case: what is changed in the good pack, and the one problem it
    /// must produce (entry, field, a word of the message).
    const CASES: &[(&str, Edit, &str, &str, &str)] = &[
        (
            "format missing",
            |v| {
                v.as_object_mut().map(|m| m.remove("format"));
            },
            "pack",
            "format",
            "missing",
        ),
        (
            "format newer",
            |v| v["format"] = json!(2),
            "pack",
            "format",
            "reads pack format 1",
        ),
        (
            "pack id not an id",
            |v| v["id"] = json!("My Pack"),
            "pack",
            "id",
            "not an id",
        ),
        (
            "name empty",
            |v| v["name"] = json!("  "),
            "pack",
            "name",
            "empty",
        ),
        (
            "unknown top field",
            |v| v["provision"] = json!([]),
            "pack",
            "provision",
            "unknown field",
        ),
        (
            "no provisions",
            |v| v["provisions"] = json!([]),
            "pack",
            "provisions",
            "empty",
        ),
        (
            "platform built in",
            |v| v["platforms"][0]["id"] = json!("aws"),
            "platforms[0] (aws)",
            "id",
            "already has",
        ),
        (
            "document url javascript",
            |v| v["platforms"][0]["documents"][0]["url"] = json!("javascript:alert(1)"),
            "platforms[0] (example): documents[0] (example/terms)",
            "url",
            "not an http",
        ),
        (
            "document of another platform id",
            |v| v["platforms"][0]["documents"][0]["id"] = json!("other/terms"),
            "platforms[0] (example): documents[0] (other/terms)",
            "id",
            "must start with",
        ),
        (
            "pattern with a scheme",
            |v| v["platforms"][0]["documents"][0]["match"] = json!(["https://example.test/x"]),
            "platforms[0] (example): documents[0] (example/terms)",
            "match[0]",
            "not a pattern",
        ),
        (
            "quote too short",
            |v| v["provisions"][0]["wordings"][0]["text"] = json!("We never train on your data."),
            "provisions[0] (example.no-training)",
            "wordings[0].text",
            "at least 12",
        ),
        (
            "quote not a string",
            |v| v["provisions"][0]["wordings"][0]["text"] = json!(42),
            "provisions[0] (example.no-training)",
            "wordings[0].text",
            "must be a string",
        ),
        (
            "version not a date",
            |v| v["provisions"][0]["wordings"][0]["versions"] = json!(["January"]),
            "provisions[0] (example.no-training)",
            "wordings[0].versions[0]",
            "not a date",
        ),
        (
            "quote of a built-in provision",
            |v| v["provisions"][0]["wordings"][0]["text"] = json!(BUILT_IN_CLAUSE),
            "provisions[0] (example.no-training)",
            "wordings[0].text",
            "aws.model-extraction",
        ),
        (
            "provision id built in",
            |v| {
                v["provisions"][0]["id"] = json!("aws.model-extraction");
                v["provisions"][0]["platform"] = json!("aws");
                v["provisions"][0]["document"] = json!("aws/service-terms");
            },
            "provisions[0] (aws.model-extraction)",
            "id",
            "already a provision",
        ),
        (
            "provision id of another platform",
            |v| v["provisions"][0]["id"] = json!("acme.x"),
            "provisions[0] (acme.x)",
            "id",
            "must start with the platform id `example.`",
        ),
        (
            "unknown document",
            |v| v["provisions"][0]["document"] = json!("example/nope"),
            "provisions[0] (example.no-training)",
            "document",
            "unknown document",
        ),
        (
            "document of another platform",
            |v| {
                v["provisions"][0]["document"] = json!("aws/service-terms");
            },
            "provisions[0] (example.no-training)",
            "document",
            "belongs to platform `aws`",
        ),
        (
            "unknown topic",
            |v| v["provisions"][0]["topics"] = json!(["model-extraction", "astrology"]),
            "provisions[0] (example.no-training)",
            "topics[1]",
            "unknown topic",
        ),
        (
            "exposure",
            |v| v["provisions"][0]["compliance"]["exposure"] = json!("severe"),
            "provisions[0] (example.no-training)",
            "compliance.exposure",
            "low, medium or high",
        ),
        (
            "steps empty",
            |v| v["provisions"][0]["compliance"]["steps"] = json!([]),
            "provisions[0] (example.no-training)",
            "compliance.steps",
            "empty",
        ),
        (
            "explanation missing",
            |v| {
                v["provisions"][0]
                    .as_object_mut()
                    .map(|m| m.remove("explanation"));
            },
            "provisions[0] (example.no-training)",
            "explanation",
            "missing",
        ),
        (
            "misspelt field",
            |v| v["provisions"][0]["explaination"] = json!("x"),
            "provisions[0] (example.no-training)",
            "explaination",
            "unknown field",
        ),
        (
            "nested field missing",
            |v| {
                v["provisions"][0]["compliance"]
                    .as_object_mut()
                    .map(|m| m.remove("steps"));
            },
            "provisions[0] (example.no-training)",
            "compliance.steps",
            "missing",
        ),
        (
            "list item of the wrong type",
            |v| v["provisions"][0]["wordings"][0]["versions"] = json!(["2026-01-15", 7]),
            "provisions[0] (example.no-training)",
            "wordings[0].versions[1]",
            "must be a string, not a number",
        ),
        (
            "object of the wrong type after a list",
            |v| v["provisions"][0]["compliance"] = json!([["x"], "y"]),
            "provisions[0] (example.no-training)",
            "compliance",
            "not a list",
        ),
        (
            "provision not an object",
            |v| v["provisions"][0] = json!("example.no-training"),
            "provisions[0]",
            "",
            "must be an object",
        ),
    ];

    /// Each case of [`CASES`] gives its one problem, first.
    #[test]
    fn each_error_names_its_entry_and_field() {
        for (name, edit, entry, field, words) in CASES {
            let mut v = good();
            edit(&mut v);
            let err = match check(&v) {
                Ok(_) => panic!("{name}: the pack was accepted"),
                Err(e) => e,
            };
            let first = &err.problems()[0];
            assert_eq!(
                (first.entry.as_str(), first.field.as_str()),
                (*entry, *field),
                "{name}: {err}"
            );
            assert!(first.kind.to_string().contains(words), "{name}: {err}");
            let line = err.to_string();
            let expected_prefix = if field.is_empty() {
                format!("{entry}: ")
            } else {
                format!("{entry}: field \"{field}\": ")
            };
            assert!(line.starts_with(&expected_prefix), "{name}: {line}");
        }
    }

    /// Every string over the limit is a problem at its own path, labelled
    /// with its entry's id, in file order; text after the pack's one value is
    /// not JSON.
    #[test]
    fn every_long_string_is_named_by_its_path() {
        let long = "x".repeat(MAX_STRING_CHARS + 1);
        let mut v = good();
        v["provisions"][0]["uncertainty"] = json!(long);
        v["provisions"][0]["explanation"] = json!(long);
        v["platforms"][0]["documents"][0]["name"] = json!(long);
        v["provisions"][0]["section"] = json!("x".repeat(MAX_STRING_CHARS));
        let err = check(&v).expect_err("too long");
        let long: Vec<(&str, &str)> = (err.problems().iter())
            .filter(|p| *p.kind == KbErrorKind::TooLong(MAX_STRING_CHARS))
            .map(|p| (p.entry.as_str(), p.field.as_str()))
            .collect();
        assert_eq!(
            long,
            [
                (
                    "platforms[0] (example): documents[0] (example/terms)",
                    "name"
                ),
                ("provisions[0] (example.no-training)", "explanation"),
                ("provisions[0] (example.no-training)", "uncertainty"),
            ]
        );
        let trailing = validate(&format!("{} {{}}", good()), &base(), &[]);
        let err = trailing.expect_err("two values");
        assert!(
            matches!(*err.problems()[0].kind, KbErrorKind::Syntax(_)),
            "{err}"
        );
    }

    #[test]
    fn a_problem_has_a_kind_and_its_json_path() {
        let mut v = good();
        v["provisions"][0]["wordings"][0]["versions"] = json!(["2026-01-15", "January"]);
        let err = check(&v).expect_err("not a date");
        let p = &err.problems()[0];
        assert_eq!(*p.kind, KbErrorKind::NotADate("January".into()));
        assert_eq!(
            p.at,
            Location::Json("provisions[0].wordings[0].versions[1]".into())
        );
    }

    #[test]
    fn every_problem_is_reported_not_only_the_first() {
        let mut v = good();
        v["provisions"][0]["compliance"]["exposure"] = json!("severe");
        v["provisions"][0]["title"] = json!("");
        let mut second = v["provisions"][0].clone();
        second["id"] = json!("example.second");
        second["wordings"][0]["text"] = json!("too short");
        v["provisions"].as_array_mut().expect("list").push(second);
        let err = check(&v).expect_err("invalid");
        let fields: Vec<(&str, &str)> = err
            .problems()
            .iter()
            .map(|p| (p.entry.as_str(), p.field.as_str()))
            .collect();
        assert_eq!(
            fields,
            [
                ("provisions[0] (example.no-training)", "title"),
                ("provisions[0] (example.no-training)", "compliance.exposure"),
                ("provisions[1] (example.second)", "title"),
                ("provisions[1] (example.second)", "wordings[0].text"),
                ("provisions[1] (example.second)", "compliance.exposure"),
            ]
        );
    }

    #[test]
    fn not_json_and_too_large_are_errors_of_the_pack() {
        let err = validate("{\"format\": 1,", &base(), &[]).expect_err("not JSON");
        assert!(
            err.to_string().starts_with("pack: is not JSON (line 1"),
            "{err}"
        );
        let err = validate("[]", &base(), &[]).expect_err("not an object");
        assert_eq!(err.to_string(), "pack: must be an object, not a list");
        let big = format!("\"{}\"", "a".repeat(MAX_PACK_BYTES));
        assert!(
            validate(&big, &base(), &[])
                .expect_err("big")
                .to_string()
                .contains("at most")
        );
    }

    #[test]
    fn hostile_strings_are_kept_as_written() {
        let hostile = [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "javascript:alert(document.cookie)",
            "\u{202e}gnp.exe\u{202c} and \u{2066}isolated\u{2069}",
        ];
        let mut v = good();
        v["name"] = json!(hostile.join(" "));
        v["provisions"][0]["title"] = json!(hostile[0]);
        v["provisions"][0]["explanation"] = json!(hostile[1]);
        v["provisions"][0]["why_it_matters"] = json!(hostile[2]);
        v["provisions"][0]["uncertainty"] = json!(hostile[3]);
        let clause = format!("{} {PACK_CLAUSE}", hostile[0]);
        v["provisions"][0]["wordings"][0]["text"] = json!(clause);
        let pack = check(&v).expect("hostile text is data, not an error");
        assert_eq!(pack.name, hostile.join(" "));
        let p = &pack.provisions[0];
        assert_eq!(
            [
                p.title.as_str(),
                &p.explanation,
                &p.why_it_matters,
                &p.uncertainty
            ],
            hostile
        );
        assert_eq!(p.wordings[0].text, clause);
    }

    #[test]
    fn a_bidi_override_in_an_id_is_shown_escaped_in_the_error() {
        let mut v = good();
        v["provisions"][0]["id"] = json!("example.\u{202e}evil");
        let err = check(&v).expect_err("not an id");
        let text = err.to_string();
        assert!(
            !text.contains('\u{202e}') && text.contains("\\u{202e}"),
            "{text}"
        );
    }

    #[test]
    fn apply_sets_a_bad_pack_aside_and_loads_the_others() {
        let good_text = good().to_string();
        let mut twin = good();
        twin["id"] = json!("twin");
        let twin_text = twin.to_string();
        let (kb, ids, loads) = apply(base(), &[&good_text, "{ corrupted", &twin_text]);
        assert_eq!(ids, ["example-test-vendor"]);
        assert_eq!(kb.provisions.len(), 2);
        assert!(loads[0].summary.is_some() && loads[0].error.is_none());
        assert!(
            loads[1]
                .error
                .as_deref()
                .is_some_and(|e| e.starts_with("pack: is not JSON"))
        );
        // The twin repeats the first pack's platform and provision: set aside, naming both.
        let twin_error = loads[2].error.as_deref().unwrap_or_default();
        assert!(
            twin_error.contains("platforms[0] (example): field \"id\""),
            "{twin_error}"
        );
        assert!(
            twin_error.contains("provisions[0] (example.no-training): field \"id\""),
            "{twin_error}"
        );
        // The same pack twice: its id names the problem first.
        let (_, _, again) = apply(base(), &[&good_text, &good_text]);
        let again = again[1].error.as_deref().unwrap_or_default();
        assert!(
            again.starts_with(
                "pack: field \"id\": a pack with the id `example-test-vendor` is already imported"
            ),
            "{again}"
        );
    }
}
