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
//! [`apply`] merges packs into a knowledge base; a pack that does not validate
//! (a stored pack corrupted since its import) is set aside with its error and
//! the others still load.

use super::{Compliance, Document, Exposure, KnowledgeBase, Platform, Provision, Wording};
use crate::text::Words;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

/// Version of the pack format; a pack says it in its `format` field.
pub const PACK_FORMAT: u64 = 1;
/// Largest pack accepted (bytes of JSON): packs live in the browser's
/// `storage.local`, whose quota is 10 MB in Chrome.
pub const MAX_PACK_BYTES: usize = 1_000_000;
/// Most provisions in one pack.
pub const MAX_PROVISIONS: usize = 1_000;
/// Longest string field (characters); the longest built-in explanation is far shorter.
pub const MAX_STRING_CHARS: usize = 20_000;
/// The fewest words a clause wording may have, as for built-in provisions
/// (`source::MIN_WORDING_WORDS`; `source` is not compiled for the browser).
pub const MIN_WORDING_WORDS: usize = 12;
/// Longest id (platform, document, provision, pack).
const MAX_ID_CHARS: usize = 100;

/// One problem of a pack: where it is and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PackProblem {
    /// The entry: `pack`, `platforms[0] (acme)`, `provisions[3] (acme.no-training)`.
    pub entry: String,
    /// The field inside the entry, e.g. `wordings[0].text` (empty for the entry itself).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for PackProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}: {}", self.entry, self.message)
        } else {
            write!(
                f,
                "{}: field \"{}\": {}",
                self.entry, self.field, self.message
            )
        }
    }
}

/// A pack that cannot be used: every problem found, in file order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackError {
    problems: Vec<PackProblem>,
}

impl PackError {
    fn one(entry: &str, field: &str, message: impl Into<String>) -> PackError {
        PackError {
            problems: vec![PackProblem {
                entry: entry.into(),
                field: field.into(),
                message: message.into(),
            }],
        }
    }

    /// Every problem, in file order (never empty).
    pub fn problems(&self) -> &[PackProblem] {
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
pub fn apply(mut kb: KnowledgeBase, packs: &[&str]) -> (KnowledgeBase, Vec<String>, Vec<PackLoad>) {
    let mut ids = Vec::new();
    let mut loads = Vec::new();
    for (index, json) in packs.iter().enumerate() {
        match validate(json, &kb, &ids) {
            Ok(pack) => {
                ids.push(pack.id.clone());
                loads.push(PackLoad {
                    index,
                    summary: Some(pack.summary()),
                    error: None,
                });
                merge(&mut kb, pack);
            }
            Err(e) => loads.push(PackLoad {
                index,
                summary: None,
                error: Some(e.to_string()),
            }),
        }
    }
    (kb, ids, loads)
}

/// Reads and checks a pack against the knowledge base it will join (`kb`,
/// with `loaded` the ids of packs already in it). Every problem is reported,
/// each naming its entry and field; nothing is partially accepted.
pub fn validate(json: &str, kb: &KnowledgeBase, loaded: &[String]) -> Result<Pack, PackError> {
    if json.len() > MAX_PACK_BYTES {
        return Err(PackError::one(
            "pack",
            "",
            format!(
                "is {} bytes; a pack may have at most {MAX_PACK_BYTES}",
                json.len()
            ),
        ));
    }
    let value: Value = serde_json::from_str(json).map_err(|e| {
        PackError::one(
            "pack",
            "",
            format!(
                "is not JSON (line {} column {}: {})",
                e.line(),
                e.column(),
                // serde_json ends its message with the position again.
                e.to_string().split(" at line ").next().unwrap_or_default()
            ),
        )
    })?;
    let mut v = Validator {
        kb,
        problems: Vec::new(),
    };
    let pack = v.pack(&value, loaded);
    match pack {
        Some(pack) if v.problems.is_empty() => Ok(pack),
        _ => {
            if v.problems.is_empty() {
                v.problems.push(PackProblem {
                    entry: "pack".into(),
                    field: String::new(),
                    message: "could not be read".into(),
                });
            }
            Err(PackError {
                problems: v.problems,
            })
        }
    }
}

/// Field names of each object, as in `pkg/kb.json`.
const PACK_FIELDS: &[&str] = &[
    "format",
    "id",
    "name",
    "description",
    "platforms",
    "provisions",
];
const PLATFORM_FIELDS: &[&str] = &["id", "name", "documents"];
const DOCUMENT_FIELDS: &[&str] = &["id", "name", "url", "match", "corpus"];
const PROVISION_FIELDS: &[&str] = &[
    "id",
    "platform",
    "document",
    "section",
    "title",
    "topics",
    "wordings",
    "explanation",
    "why_it_matters",
    "uncertainty",
    "compliance",
    // Computed from the corpus for built-in provisions; a pack's is ignored.
    "history",
];
const WORDING_FIELDS: &[&str] = &["text", "versions"];
const COMPLIANCE_FIELDS: &[&str] = &[
    "regulatory_landscape",
    "exposure",
    "exposure_reason",
    "jurisdictions",
    "contract_implications",
    "steps",
];

struct Validator<'a> {
    kb: &'a KnowledgeBase,
    problems: Vec<PackProblem>,
}

/// One object being read: its entry name and fields.
struct Entry<'v> {
    name: String,
    map: &'v Map<String, Value>,
}

impl Validator<'_> {
    fn problem(&mut self, entry: &str, field: &str, message: impl Into<String>) {
        self.problems.push(PackProblem {
            entry: entry.into(),
            field: field.into(),
            message: message.into(),
        });
    }

    /// `value` as an object whose fields are all in `allowed`.
    fn object<'v>(
        &mut self,
        entry: &str,
        field: &str,
        value: &'v Value,
        allowed: &[&str],
    ) -> Option<&'v Map<String, Value>> {
        let Some(map) = value.as_object() else {
            self.problem(
                entry,
                field,
                format!("must be an object, not {}", kind(value)),
            );
            return None;
        };
        for key in map.keys() {
            if !allowed.contains(&key.as_str()) {
                let at = if field.is_empty() {
                    key.clone()
                } else {
                    format!("{field}.{key}")
                };
                self.problem(
                    entry,
                    &at,
                    format!("unknown field (expected one of: {})", allowed.join(", ")),
                );
            }
        }
        Some(map)
    }

    /// A required, non-empty string of at most [`MAX_STRING_CHARS`].
    fn text(&mut self, e: &Entry, field: &str) -> Option<String> {
        self.text_in(&e.name, field, e.map.get(last(field)))
    }

    fn text_in(&mut self, entry: &str, field: &str, value: Option<&Value>) -> Option<String> {
        match value {
            None | Some(Value::Null) => {
                self.problem(entry, field, "is missing");
                None
            }
            Some(Value::String(s)) if s.trim().is_empty() => {
                self.problem(entry, field, "is empty");
                None
            }
            Some(Value::String(s)) if s.chars().count() > MAX_STRING_CHARS => {
                self.problem(
                    entry,
                    field,
                    format!("is longer than {MAX_STRING_CHARS} characters"),
                );
                None
            }
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                self.problem(
                    entry,
                    field,
                    format!("must be a string, not {}", kind(other)),
                );
                None
            }
        }
    }

    /// A required, non-empty list of non-empty strings.
    fn texts(&mut self, entry: &str, field: &str, value: Option<&Value>) -> Option<Vec<String>> {
        let list = self.list(entry, field, value)?;
        let mut out = Vec::new();
        let mut ok = true;
        for (i, item) in list.iter().enumerate() {
            match self.text_in(entry, &format!("{field}[{i}]"), Some(item)) {
                Some(s) => out.push(s),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// A required, non-empty array.
    fn list<'v>(
        &mut self,
        entry: &str,
        field: &str,
        value: Option<&'v Value>,
    ) -> Option<&'v Vec<Value>> {
        match value {
            None | Some(Value::Null) => {
                self.problem(entry, field, "is missing");
                None
            }
            Some(Value::Array(a)) if a.is_empty() => {
                self.problem(entry, field, "is empty");
                None
            }
            Some(Value::Array(a)) => Some(a),
            Some(other) => {
                self.problem(entry, field, format!("must be a list, not {}", kind(other)));
                None
            }
        }
    }

    /// A required id: lowercase letters, digits and `-`, plus `extra` separators.
    fn id(&mut self, e: &Entry, field: &str, extra: &[char]) -> Option<String> {
        let id = self.text(e, field)?;
        let ok = id.chars().count() <= MAX_ID_CHARS
            && id.chars().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || extra.contains(&c)
            })
            && id.starts_with(|c: char| c.is_ascii_alphanumeric());
        if !ok {
            let seps: String = extra.iter().map(|c| format!(" `{c}`")).collect();
            self.problem(
                &e.name,
                field,
                format!(
                    "`{}` is not an id (at most {MAX_ID_CHARS} lowercase letters, digits, `-`{seps})",
                    clip(&id)
                ),
            );
            return None;
        }
        Some(id)
    }

    fn pack(&mut self, value: &Value, loaded: &[String]) -> Option<Pack> {
        let map = self.object("pack", "", value, PACK_FIELDS)?;
        match map.get("format") {
            Some(Value::Number(n)) if n.as_u64() == Some(PACK_FORMAT) => {}
            Some(Value::Number(n)) => self.problem(
                "pack",
                "format",
                format!("is {n}; this version of termlens reads pack format {PACK_FORMAT}"),
            ),
            None => self.problem("pack", "format", format!("is missing (use {PACK_FORMAT})")),
            Some(other) => self.problem(
                "pack",
                "format",
                format!("must be the number {PACK_FORMAT}, not {}", kind(other)),
            ),
        }
        let top = Entry {
            name: "pack".into(),
            map,
        };
        let id = self.id(&top, "id", &[]);
        if let Some(id) = &id
            && loaded.contains(id)
        {
            self.problem(
                "pack",
                "id",
                format!("a pack with the id `{id}` is already imported; remove it first"),
            );
        }
        let name = self.text(&top, "name");
        if map.contains_key("description") {
            self.text(&top, "description");
        }
        let platforms = match map.get("platforms") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(list)) => list
                .iter()
                .enumerate()
                .filter_map(|(i, p)| self.platform(i, p))
                .collect(),
            Some(other) => {
                self.problem(
                    "pack",
                    "platforms",
                    format!("must be a list, not {}", kind(other)),
                );
                Vec::new()
            }
        };
        // Documents of the pack and of the knowledge base, with their platform.
        let mut documents: HashMap<String, String> = HashMap::new();
        for p in self.kb.platforms.iter().chain(&platforms) {
            for d in &p.documents {
                documents.insert(d.id.clone(), p.id.clone());
            }
        }
        let platform_ids: HashSet<String> = self
            .kb
            .platforms
            .iter()
            .chain(&platforms)
            .map(|p| p.id.clone())
            .collect();
        let mut provisions = Vec::new();
        let mut quotes = self.known_quotes();
        let mut seen = HashSet::new();
        if let Some(list) = self.list("pack", "provisions", map.get("provisions")) {
            if list.len() > MAX_PROVISIONS {
                self.problem(
                    "pack",
                    "provisions",
                    format!(
                        "has {} entries; a pack may have at most {MAX_PROVISIONS}",
                        list.len()
                    ),
                );
            }
            for (i, p) in list.iter().enumerate().take(MAX_PROVISIONS) {
                if let Some(p) =
                    self.provision(i, p, &documents, &platform_ids, &mut quotes, &mut seen)
                {
                    provisions.push(p);
                }
            }
        }
        Some(Pack {
            id: id?,
            name: name?,
            platforms,
            provisions,
        })
    }

    fn platform(&mut self, i: usize, value: &Value) -> Option<Platform> {
        let label = label("platforms", i, value);
        let map = self.object(&label, "", value, PLATFORM_FIELDS)?;
        let e = Entry { name: label, map };
        let id = self.id(&e, "id", &[]);
        if let Some(id) = &id
            && self.kb.platform(id).is_some()
        {
            self.problem(
                &e.name,
                "id",
                format!("`{id}` is a platform termlens already has; a pack adds new platforms only (its provisions may name a built-in platform and document)"),
            );
        }
        let name = self.text(&e, "name");
        let mut documents = Vec::new();
        if let Some(list) = self.list(&e.name, "documents", map.get("documents")) {
            for (j, d) in list.iter().enumerate() {
                if let Some(d) = self.document(&e.name, j, d, id.as_deref()) {
                    documents.push(d);
                }
            }
        }
        Some(Platform {
            id: id?,
            name: name?,
            documents,
        })
    }

    fn document(
        &mut self,
        owner: &str,
        j: usize,
        value: &Value,
        platform: Option<&str>,
    ) -> Option<Document> {
        let label = format!("{owner}: {}", label("documents", j, value));
        let map = self.object(&label, "", value, DOCUMENT_FIELDS)?;
        let e = Entry { name: label, map };
        let id = self.id(&e, "id", &['/']);
        if let (Some(id), Some(platform)) = (&id, platform)
            && !id.starts_with(&format!("{platform}/"))
        {
            self.problem(
                &e.name,
                "id",
                format!("must start with the platform id `{platform}/`"),
            );
        }
        let name = self.text(&e, "name");
        let url = self.text(&e, "url");
        if let Some(u) = &url
            && !is_web_address(u)
        {
            self.problem(
                &e.name,
                "url",
                format!("`{}` is not an http: or https: address", clip(u)),
            );
        }
        let patterns = self.texts(&e.name, "match", map.get("match"));
        for (k, p) in patterns.iter().flatten().enumerate() {
            if p.chars().any(char::is_whitespace) || p.contains("://") {
                self.problem(
                    &e.name,
                    &format!("match[{k}]"),
                    format!(
                        "`{}` is not a pattern like example.com/legal/terms*",
                        clip(p)
                    ),
                );
            }
        }
        let corpus = match map.get("corpus") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(a)) if a.is_empty() => Vec::new(),
            v => self.texts(&e.name, "corpus", v).unwrap_or_default(),
        };
        Some(Document {
            id: id?,
            name: name?,
            url: url?,
            patterns: patterns?,
            corpus,
        })
    }

    /// The normalised text of every known wording, with its provision.
    fn known_quotes(&self) -> HashMap<String, String> {
        self.kb
            .provisions
            .iter()
            .flat_map(|p| {
                p.wordings
                    .iter()
                    .map(move |w| (Words::new(&w.text).joined().to_string(), p.id.clone()))
            })
            .collect()
    }

    fn provision(
        &mut self,
        i: usize,
        value: &Value,
        documents: &HashMap<String, String>,
        platforms: &HashSet<String>,
        quotes: &mut HashMap<String, String>,
        seen: &mut HashSet<String>,
    ) -> Option<Provision> {
        let label = label("provisions", i, value);
        let map = self.object(&label, "", value, PROVISION_FIELDS)?;
        let e = Entry { name: label, map };
        let id = self.id(&e, "id", &['.']);
        if let Some(id) = &id {
            if self.kb.provision(id).is_some() {
                self.problem(
                    &e.name,
                    "id",
                    format!("`{id}` is already a provision of termlens (built in or from another pack); choose another id"),
                );
            } else if !seen.insert(id.clone()) {
                self.problem(
                    &e.name,
                    "id",
                    format!("`{id}` is used by an earlier provision of this pack"),
                );
            }
        }
        let platform = self.text(&e, "platform");
        if let Some(p) = &platform
            && !platforms.contains(p)
        {
            self.problem(
                &e.name,
                "platform",
                format!(
                    "unknown platform `{}` (neither built in nor in this pack's `platforms`)",
                    clip(p)
                ),
            );
        }
        if let (Some(id), Some(p)) = (&id, &platform)
            && !id.starts_with(&format!("{p}."))
        {
            self.problem(
                &e.name,
                "id",
                format!("must start with the platform id `{p}.`"),
            );
        }
        let document = self.text(&e, "document");
        if let Some(d) = &document {
            match documents.get(d) {
                None => self.problem(
                    &e.name,
                    "document",
                    format!(
                        "unknown document `{}` (neither built in nor in this pack's `platforms`)",
                        clip(d)
                    ),
                ),
                Some(owner) if platform.as_ref().is_some_and(|p| p != owner) => self.problem(
                    &e.name,
                    "document",
                    format!(
                        "`{d}` belongs to platform `{owner}`, not `{}`",
                        platform.as_deref().unwrap_or_default()
                    ),
                ),
                Some(_) => {}
            }
        }
        let section = self.text(&e, "section");
        let title = self.text(&e, "title");
        let topics = self.texts(&e.name, "topics", map.get("topics"));
        for (k, t) in topics.iter().flatten().enumerate() {
            if self.kb.topic(t).is_none() {
                self.problem(
                    &e.name,
                    &format!("topics[{k}]"),
                    format!(
                        "unknown topic `{}` (packs use the topics of data/topics.toml)",
                        clip(t)
                    ),
                );
            }
        }
        let mut wordings = Vec::new();
        let mut wordings_ok = true;
        if let Some(list) = self.list(&e.name, "wordings", map.get("wordings")) {
            for (k, w) in list.iter().enumerate() {
                match self.wording(&e.name, k, w, id.as_deref().unwrap_or(""), quotes) {
                    Some(w) => wordings.push(w),
                    None => wordings_ok = false,
                }
            }
        } else {
            wordings_ok = false;
        }
        let explanation = self.text(&e, "explanation");
        let why_it_matters = self.text(&e, "why_it_matters");
        let uncertainty = self.text(&e, "uncertainty");
        let compliance = match map.get("compliance") {
            None | Some(Value::Null) => {
                self.problem(&e.name, "compliance", "is missing");
                None
            }
            Some(c) => self.compliance(&e.name, c),
        };
        Some(Provision {
            id: id?,
            platform: platform?,
            document: document?,
            section: section?,
            title: title?,
            topics: topics?,
            wordings: wordings_ok.then_some(wordings)?,
            explanation: explanation?,
            why_it_matters: why_it_matters?,
            uncertainty: uncertainty?,
            compliance: compliance?,
            history: None,
        })
    }

    fn wording(
        &mut self,
        entry: &str,
        k: usize,
        value: &Value,
        provision: &str,
        quotes: &mut HashMap<String, String>,
    ) -> Option<Wording> {
        let field = format!("wordings[{k}]");
        let map = self.object(entry, &field, value, WORDING_FIELDS)?;
        let text = self.text_in(entry, &format!("{field}.text"), map.get("text"));
        if let Some(t) = &text {
            let words = Words::new(t);
            if words.len() < MIN_WORDING_WORDS {
                self.problem(
                    entry,
                    &format!("{field}.text"),
                    format!(
                        "has {} words; a clause needs at least {MIN_WORDING_WORDS} to be recognised on its own",
                        words.len()
                    ),
                );
            } else {
                let key = words.joined().to_string();
                match quotes.get(&key) {
                    Some(other) => self.problem(
                        entry,
                        &format!("{field}.text"),
                        format!("quotes the same text as provision `{other}`"),
                    ),
                    None => {
                        quotes.insert(key, provision.to_string());
                    }
                }
            }
        }
        let versions = self.texts(entry, &format!("{field}.versions"), map.get("versions"));
        for (n, v) in versions.iter().flatten().enumerate() {
            if !is_version_date(v) {
                self.problem(
                    entry,
                    &format!("{field}.versions[{n}]"),
                    format!(
                        "`{}` is not a date like 2026-01-15 (or 2026-01-15-2)",
                        clip(v)
                    ),
                );
            }
        }
        Some(Wording {
            text: text?,
            versions: versions?,
        })
    }

    fn compliance(&mut self, entry: &str, value: &Value) -> Option<Compliance> {
        let map = self.object(entry, "compliance", value, COMPLIANCE_FIELDS)?;
        let e = Entry {
            name: entry.to_string(),
            map,
        };
        let field = |v: &mut Self, name: &str| {
            v.text_in(&e.name, &format!("compliance.{name}"), e.map.get(name))
        };
        let regulatory_landscape = field(self, "regulatory_landscape");
        let exposure_text = field(self, "exposure");
        let exposure_reason = field(self, "exposure_reason");
        let contract_implications = field(self, "contract_implications");
        let exposure = exposure_text.as_deref().and_then(|x| {
            let parsed = Exposure::parse(x);
            if parsed.is_none() {
                self.problem(
                    entry,
                    "compliance.exposure",
                    format!("is `{}`; use low, medium or high", clip(x)),
                );
            }
            parsed
        });
        let jurisdictions = self.texts(entry, "compliance.jurisdictions", map.get("jurisdictions"));
        let steps = self.texts(entry, "compliance.steps", map.get("steps"));
        Some(Compliance {
            regulatory_landscape: regulatory_landscape?,
            exposure: exposure?,
            exposure_reason: exposure_reason?,
            jurisdictions: jurisdictions?,
            contract_implications: contract_implications?,
            steps: steps?,
        })
    }
}

/// `provisions[3] (acme.no-training)`: the list, the index and, when it has a
/// readable id, the entry's id.
fn label(list: &str, i: usize, value: &Value) -> String {
    match value.get("id").and_then(Value::as_str) {
        Some(id) if !id.trim().is_empty() => format!("{list}[{i}] ({})", clip(id)),
        _ => format!("{list}[{i}]"),
    }
}

/// The last segment of a dotted field name (`compliance.steps` -> `steps`).
fn last(field: &str) -> &str {
    field.rsplit('.').next().unwrap_or(field)
}

/// A value quoted in an error message, at most 60 characters, with control
/// and bidi characters shown as escapes so the message reads as written.
fn clip(s: &str) -> String {
    let mut out: String = s
        .chars()
        .take(60)
        .flat_map(|c| {
            if c.is_control() || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') {
                c.escape_unicode().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect();
    if s.chars().count() > 60 {
        out.push('…');
    }
    out
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
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

/// `YYYY-MM-DD`, or `YYYY-MM-DD-N` for a second version of the same day.
fn is_version_date(s: &str) -> bool {
    let b = s.as_bytes();
    let date = b.len() >= 10
        && b[..10].iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    date && (b.len() == 10
        || (b.len() > 11 && b[10] == b'-' && b[11..].iter().all(u8::is_ascii_digit)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::{FORMAT_VERSION, Topic};
    use serde_json::json;

    const BUILT_IN_CLAUSE: &str = "Neither you nor your End Users will, or will attempt to, extract or derive underlying components, including any model, model parameters, or model weights.";
    const PACK_CLAUSE: &str = "Example Test Vendor will not use the content you submit to train or improve any of its machine learning models unless you opt in.";

    /// A one-provision knowledge base standing for the built-in one.
    fn base() -> KnowledgeBase {
        KnowledgeBase {
            format: FORMAT_VERSION,
            platforms: vec![Platform {
                id: "aws".into(),
                name: "AWS".into(),
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
            }],
            secondary: vec![],
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

    /// Each case: what is changed in the good pack, and the one problem it
    /// must produce (entry, field, a word of the message).
    #[test]
    fn each_error_names_its_entry_and_field() {
        type Edit = fn(&mut Value);
        let cases: &[(&str, Edit, &str, &str, &str)] = &[
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
                |v| {
                    v["provisions"][0]["wordings"][0]["text"] =
                        json!("We never train on your data.")
                },
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
                "provision not an object",
                |v| v["provisions"][0] = json!("example.no-training"),
                "provisions[0]",
                "",
                "must be an object",
            ),
        ];
        for (name, edit, entry, field, words) in cases {
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
            assert!(first.message.contains(words), "{name}: {err}");
            let line = err.to_string();
            let expected_prefix = if field.is_empty() {
                format!("{entry}: ")
            } else {
                format!("{entry}: field \"{field}\": ")
            };
            assert!(line.starts_with(&expected_prefix), "{name}: {line}");
        }
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

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn the_shortest_clause_is_the_same_as_for_built_in_provisions() {
        assert_eq!(MIN_WORDING_WORDS, crate::kb::source::MIN_WORDING_WORDS);
    }
}
