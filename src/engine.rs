//! The engine: a knowledge base and its matcher, answering for one page.
//!
//! This is the whole API the extension uses (through `wasm.rs`) and the CLI
//! uses (directly): annotate a page's text, build a provision's card.

use crate::card::{Card, card};
use crate::kb::{KbError, KnowledgeBase};
use crate::matcher::{DiffOp, Matcher, Status};
use crate::text::Words;
use serde::Serialize;
use std::collections::HashMap;

/// A half-open range of the page text in UTF-16 code units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Range16 {
    /// First code unit.
    pub start: u32,
    /// One past the last code unit.
    pub end: u32,
}

/// A known provision found in the page.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Annotation {
    /// Provision id.
    pub provision: String,
    /// Provision title.
    pub title: String,
    /// Platform id.
    pub platform: String,
    /// Platform display name.
    pub platform_name: String,
    /// Document id.
    pub document: String,
    /// `exact` or `changed`.
    pub status: Status,
    /// Date of the newest recorded version holding the wording it matches best.
    pub version: String,
    /// Start in the page text (UTF-16 code units).
    pub start: u32,
    /// End in the page text (UTF-16 code units).
    pub end: u32,
    /// The page text it covers.
    pub text: String,
    /// Page words that differ from the known wording.
    pub changes: Vec<Range16>,
    /// Word diff from the known wording to the page (empty when exact).
    pub diff: Vec<DiffOp>,
    /// Matched words over the longer of clause and page region, 0..1.
    pub score: f32,
}

/// The known document a page is.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentInfo {
    /// Document id.
    pub id: String,
    /// Document name.
    pub name: String,
    /// Platform id.
    pub platform: String,
    /// Platform display name.
    pub platform_name: String,
}

/// What termlens found in one page.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PageResult {
    /// Annotations in page order.
    pub annotations: Vec<Annotation>,
    /// The known document this page is (by URL), if any.
    pub document: Option<DocumentInfo>,
}

/// A knowledge base ready to annotate pages.
pub struct Engine {
    kb: KnowledgeBase,
    matcher: Matcher,
}

impl Engine {
    /// Prepares the matcher for `kb`.
    pub fn new(kb: KnowledgeBase) -> Engine {
        let matcher = Matcher::new(&kb);
        Engine { kb, matcher }
    }

    /// Reads a compiled knowledge base (`pkg/kb.json`).
    pub fn from_json(json: &str) -> Result<Engine, KbError> {
        KnowledgeBase::from_json(json).map(Engine::new)
    }

    /// The knowledge base.
    pub fn kb(&self) -> &KnowledgeBase {
        &self.kb
    }

    /// The matcher.
    pub fn matcher(&self) -> &Matcher {
        &self.matcher
    }

    /// Finds the known provisions in a page's text. `url` (may be empty)
    /// identifies a known document.
    pub fn annotate(&self, text: &str, url: &str) -> PageResult {
        let words = Words::new(text);
        self.annotate_words(text, &words, url)
    }

    /// [`Engine::annotate`] over words already split from `text`.
    ///
    /// Vendors borrow each other's clauses (Mistral's terms carry a close copy
    /// of OpenAI's reverse-engineering clause), so a `changed` match counts
    /// only for the page's own platform: the platform of the known document
    /// at `url`, or else the platform with the most exact matches. An exact
    /// match counts wherever it is (a reseller page quoting a vendor's terms).
    pub fn annotate_words(&self, text: &str, words: &Words, url: &str) -> PageResult {
        let known = self.kb.document_for_url(url);
        let found = self.matcher.find(text, words);
        let page_platform = known.map(|(p, _)| p.id.as_str()).or_else(|| {
            let mut exact: HashMap<&str, usize> = HashMap::new();
            for f in found.iter().filter(|f| f.status == Status::Exact) {
                if let Some(p) = self.kb.provisions.get(f.provision) {
                    *exact.entry(p.platform.as_str()).or_default() += 1;
                }
            }
            let best = exact.values().copied().max()?;
            let mut leaders = exact.iter().filter(|(_, n)| **n == best);
            let first = leaders.next().map(|(p, _)| *p);
            leaders.next().is_none().then_some(first).flatten()
        });
        let annotations = found
            .into_iter()
            .filter(|f| {
                f.status == Status::Exact
                    || self
                        .kb
                        .provisions
                        .get(f.provision)
                        .map(|p| p.platform.as_str())
                        == page_platform
            })
            .filter_map(|f| {
                let p = self.kb.provisions.get(f.provision)?;
                let w = p.wordings.get(f.wording)?;
                Some(Annotation {
                    provision: p.id.clone(),
                    title: p.title.clone(),
                    platform: p.platform.clone(),
                    platform_name: self
                        .kb
                        .platform(&p.platform)
                        .map_or_else(|| p.platform.clone(), |x| x.name.clone()),
                    document: p.document.clone(),
                    status: f.status,
                    version: w.last_seen().to_string(),
                    start: f.span.start,
                    end: f.span.end,
                    text: f.span.slice(text).to_string(),
                    changes: f
                        .changes
                        .iter()
                        .map(|s| Range16 {
                            start: s.start,
                            end: s.end,
                        })
                        .collect(),
                    diff: f.diff,
                    score: f.score,
                })
            })
            .collect();
        let document = known.map(|(p, d)| DocumentInfo {
            id: d.id.clone(),
            name: d.name.clone(),
            platform: p.id.clone(),
            platform_name: p.name.clone(),
        });
        PageResult {
            annotations,
            document,
        }
    }

    /// The card of a provision, or `None` for an unknown id.
    pub fn card(&self, provision: &str) -> Option<Card> {
        self.kb.provision(provision).map(|p| card(&self.kb, p))
    }
}
