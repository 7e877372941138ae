//! The knowledge base: platforms, their documents, topics and provisions.
//!
//! This module is the data model. The sources are TOML files under `data/`
//! ([`source`] reads them, with the file and line of every entry); custom
//! packs are JSON files ([`pack`] reads them, with the JSON path of every
//! entry); both are checked by the same [`rules`], and every problem is a
//! [`KbError`] ([`error`]). The build compiles the sources into one JSON file
//! (`pkg/kb.json`) that the extension hands to the Wasm core, which reads it
//! with [`KnowledgeBase::from_json`].

pub mod binary;
pub mod compare;
pub mod error;
pub mod lazy;
pub mod near;
pub mod pack;
pub mod review;
pub mod rules;
#[cfg(not(target_arch = "wasm32"))]
pub mod source;
mod texts;

pub use error::{KbError, KbErrorKind, Location};

use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};

/// Version of the compiled format; bumped when a field changes meaning.
pub const FORMAT_VERSION: u32 = 1;

/// Everything termlens knows.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct KnowledgeBase {
    /// Compiled format version ([`FORMAT_VERSION`]).
    pub format: u32,
    /// Vendors.
    pub platforms: Vec<Platform>,
    /// The topic taxonomy.
    pub topics: Vec<Topic>,
    /// Known provisions.
    pub provisions: Vec<Provision>,
    /// Clauses known only from a third party's quotation (comparisons only).
    #[serde(default)]
    pub secondary: Vec<SecondaryQuote>,
    /// Documents the knowledge base names but has no text of.
    #[serde(default)]
    pub missing_documents: Vec<MissingDocument>,
}

/// A vendor document termlens knows of but holds no text of (its text is not
/// in the corpus), and the provisions whose cards should say so.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MissingDocument {
    /// Stable id `<platform>/<name>`.
    pub id: String,
    /// Platform id.
    pub platform: String,
    /// Title.
    pub name: String,
    /// Its address.
    pub url: String,
    /// Why a reader would want it.
    pub why_it_matters: String,
    /// Provisions whose cards name it.
    #[serde(default)]
    pub provisions: Vec<String>,
}

/// How a secondary source gives a clause.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SecondaryKind {
    /// The clause word for word, as the third party quoted it.
    #[default]
    Quote,
    /// The third party's paraphrase of the clause, not its words.
    Paraphrase,
}

/// A clause of a vendor whose own text is not in the corpus, known only from a
/// third party's quotation. Shown in comparisons, marked as such; never matched.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SecondaryQuote {
    /// Stable id `<vendor>.<slug>`.
    pub id: String,
    /// Platform id (a platform of `data/platforms.toml`, which may list no
    /// document of its own).
    pub platform: String,
    /// The document as far as it is known.
    pub document: String,
    /// Its address.
    pub url: String,
    /// Topic ids.
    pub topics: Vec<String>,
    /// Whether the third party quoted the clause or paraphrased it.
    #[serde(default)]
    pub kind: SecondaryKind,
    /// The clause as the third party gave it.
    pub quote: String,
    /// Who quoted it and what was (not) verified.
    pub source: String,
}

/// A vendor.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Platform {
    /// Stable id, e.g. `aws`.
    pub id: String,
    /// Display name, e.g. `Amazon Web Services`.
    pub name: String,
    /// Single words a reader types to mean this platform (`aws`, `bedrock`):
    /// a lookup query naming one ranks the platform's provisions first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// The vendor's documents termlens knows.
    pub documents: Vec<Document>,
}

/// A vendor document (terms, policy, licence).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Document {
    /// Stable id `<platform>/<name>`.
    pub id: String,
    /// Title as the reader sees it.
    pub name: String,
    /// Canonical address.
    pub url: String,
    /// URL patterns (host + path, `*` wildcard) that identify the page.
    #[serde(rename = "match")]
    pub patterns: Vec<String>,
    /// Folders of the corpus that hold its recorded versions.
    #[serde(default)]
    pub corpus: Vec<String>,
}

/// A topic of the taxonomy.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Topic {
    /// Stable id, e.g. `competing-models`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// One-sentence description: what this kind of clause usually does.
    pub description: String,
    /// Phrases a reader types to mean this topic (`class action`,
    /// `consequential damages`): a lookup query holding one ranks the topic's
    /// provisions first. The name counts as one too.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// The CLAUDETTE category codes (`ltd`, `ter`, `ch`, `cr`, `use`, `law`,
    /// `j`, `a`, `pinc`) whose labelled sentences are the classifier's
    /// positives for this topic.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub claudette: Vec<String>,
    /// What to check in a clause of this kind: the card of a detection shows
    /// it (the classifier's topics have one).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub check: String,
}

/// Governance exposure of a provision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Exposure {
    /// Little governance risk.
    Low,
    /// Needs attention in review.
    Medium,
    /// Needs a decision or a negotiated change.
    High,
}

impl Exposure {
    /// Parses `low`, `medium` or `high`.
    pub fn parse(s: &str) -> Option<Exposure> {
        match s {
            "low" => Some(Exposure::Low),
            "medium" => Some(Exposure::Medium),
            "high" => Some(Exposure::High),
            _ => None,
        }
    }
}

/// The compliance analysis of a provision.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Compliance {
    /// Laws and regulators that bear on the clause.
    pub regulatory_landscape: String,
    /// Governance exposure.
    pub exposure: Exposure,
    /// Why that exposure.
    pub exposure_reason: String,
    /// Jurisdiction flags, e.g. `EU`, `US-CA`.
    pub jurisdictions: Vec<String>,
    /// What it means for the contract and the vendor review.
    pub contract_implications: String,
    /// Compliance considerations, as actions.
    pub steps: Vec<String>,
}

/// One wording a clause had, and the recorded versions that contain it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Wording {
    /// The clause exactly as the vendor wrote it.
    pub text: String,
    /// Dates (`YYYY-MM-DD`, maybe `-2`) of recorded versions containing it.
    pub versions: Vec<String>,
}

impl Wording {
    /// The date of the newest recorded version containing this wording.
    pub fn last_seen(&self) -> &str {
        self.versions.iter().max().map(String::as_str).unwrap_or("")
    }

    /// The date of the oldest recorded version containing this wording.
    pub fn first_seen(&self) -> &str {
        self.versions.iter().min().map(String::as_str).unwrap_or("")
    }
}

/// A known provision.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Provision {
    /// Stable id `<platform>.<slug>`.
    pub id: String,
    /// Platform id.
    pub platform: String,
    /// Document id.
    pub document: String,
    /// Section as the vendor numbers it.
    pub section: String,
    /// Short title.
    pub title: String,
    /// Topic ids.
    pub topics: Vec<String>,
    /// Wordings, newest first.
    pub wordings: Vec<Wording>,
    /// Plain-language explanation.
    pub explanation: String,
    /// Why it matters.
    pub why_it_matters: String,
    /// Interpretive-uncertainty note.
    pub uncertainty: String,
    /// Compliance analysis.
    pub compliance: Compliance,
    /// What the recorded versions show (filled by `kb compile` from
    /// `data/history.json`; empty when not computed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<ProvisionHistory>,
    /// The default comparison list, best first: ids of other platforms'
    /// provisions or secondary quotes (filled by `kb compile` and `kb export`
    /// from [`compare`]; empty when not computed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub comparisons: Vec<String>,
}

/// A provision's history in the recorded versions of its document.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvisionHistory {
    /// How many recorded versions were read.
    pub versions_checked: usize,
    /// Each distinct wording the clause had, oldest first.
    pub wordings: Vec<WordingPeriod>,
    /// When it appeared, changed and disappeared, in date order.
    pub events: Vec<HistoryEvent>,
}

/// One wording and the dates of the versions that held it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WordingPeriod {
    /// The clause as that version had it.
    pub text: String,
    /// First version holding it.
    pub first_seen: String,
    /// Last version holding it.
    pub last_seen: String,
    /// Every version holding it.
    pub dates: Vec<String>,
}

/// A change in the clause's presence or wording.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEvent {
    /// The version's date.
    pub date: String,
    /// What happened in that version.
    pub kind: HistoryEventKind,
}

/// What a recorded version did to a clause (lower case in JSON).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HistoryEventKind {
    /// The clause is in this version and was not in the one before.
    Appeared,
    /// The clause's wording differs from the version before.
    Changed,
    /// The clause was in the version before and is not in this one.
    Disappeared,
}

impl std::fmt::Display for HistoryEventKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            HistoryEventKind::Appeared => "appeared",
            HistoryEventKind::Changed => "changed",
            HistoryEventKind::Disappeared => "disappeared",
        })
    }
}

impl KnowledgeBase {
    /// Reads a compiled knowledge base and checks that its references hold.
    pub fn from_json(json: &str) -> Result<KnowledgeBase, KbError> {
        let compiled = |path: String, kind| {
            KbError::at(Location::Json(path), "compiled knowledge base", "", kind)
        };
        let kb: KnowledgeBase = serde_json::from_str(json).map_err(|e| {
            let message = format!("line {} column {}: {e}", e.line(), e.column());
            compiled(String::new(), KbErrorKind::Syntax(message))
        })?;
        if kb.format != FORMAT_VERSION {
            let message = format!(
                "format {} is not the supported format {FORMAT_VERSION}",
                kb.format
            );
            return Err(compiled("format".into(), KbErrorKind::Other(message)));
        }
        kb.check_references()?;
        Ok(kb)
    }

    /// Serialises the compiled form.
    pub fn to_json(&self) -> Result<String, KbError> {
        serde_json::to_string(self).map_err(|e| {
            let at = Location::Json(String::new());
            KbError::at(
                at,
                "compiled knowledge base",
                "",
                KbErrorKind::Other(e.to_string()),
            )
        })
    }

    /// Every provision names a known platform, document and topics, and has a
    /// wording; every secondary quote names a known platform.
    pub fn check_references(&self) -> Result<(), KbError> {
        let docs: HashMap<&str, &str> = self
            .platforms
            .iter()
            .flat_map(|p| {
                p.documents
                    .iter()
                    .map(move |d| (d.id.as_str(), p.id.as_str()))
            })
            .collect();
        let topics: rustc_hash::FxHashSet<&str> =
            self.topics.iter().map(|t| t.id.as_str()).collect();
        for (i, p) in self.provisions.iter().enumerate() {
            let problem = |field: &str, kind| {
                let entry = format!("compiled knowledge base: provisions[{i}] ({})", p.id);
                let at = Location::Json(format!("provisions[{i}].{field}"));
                Err(KbError::at(at, entry, field, kind))
            };
            match docs.get(p.document.as_str()) {
                None => {
                    return problem("document", KbErrorKind::UnknownDocument(p.document.clone()));
                }
                Some(platform) if *platform != p.platform => {
                    let kind = KbErrorKind::OtherPlatformsDocument(
                        p.document.clone(),
                        platform.to_string(),
                        p.platform.clone(),
                    );
                    return problem("document", kind);
                }
                Some(_) => {}
            }
            if let Some(t) = p.topics.iter().find(|t| !topics.contains(t.as_str())) {
                return problem("topics", KbErrorKind::UnknownTopic(t.clone()));
            }
            if p.wordings.iter().all(|w| w.text.trim().is_empty()) {
                return problem("wordings", KbErrorKind::Empty);
            }
        }
        for (i, q) in self.secondary.iter().enumerate() {
            if self.platform(&q.platform).is_none() {
                let entry = format!("compiled knowledge base: secondary[{i}] ({})", q.id);
                let at = Location::Json(format!("secondary[{i}].platform"));
                let kind = KbErrorKind::UnknownPlatform(q.platform.clone());
                return Err(KbError::at(at, entry, "platform", kind));
            }
        }
        Ok(())
    }

    /// The platform with this id.
    pub fn platform(&self, id: &str) -> Option<&Platform> {
        self.platforms.iter().find(|p| p.id == id)
    }

    /// The document with this id.
    pub fn document(&self, id: &str) -> Option<&Document> {
        self.platforms
            .iter()
            .flat_map(|p| p.documents.iter())
            .find(|d| d.id == id)
    }

    /// The topic with this id.
    pub fn topic(&self, id: &str) -> Option<&Topic> {
        self.topics.iter().find(|t| t.id == id)
    }

    /// The provision with this id.
    pub fn provision(&self, id: &str) -> Option<&Provision> {
        self.provisions.iter().find(|p| p.id == id)
    }

    /// The known document whose URL patterns match `url`, if any: the most
    /// specific pattern wins (`crate::urlmatch` holds the rule).
    pub fn document_for_url(&self, url: &str) -> Option<(&Platform, &Document)> {
        let documents: Vec<(&Platform, &Document)> = self
            .platforms
            .iter()
            .flat_map(|p| p.documents.iter().map(move |d| (p, d)))
            .collect();
        let known = documents
            .iter()
            .map(|(_, d)| crate::urlmatch::KnownDocument::of(d));
        crate::urlmatch::find(url, known).map(|at| documents[at])
    }
}
