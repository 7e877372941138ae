//! The engine: a knowledge base and its matcher, answering for one page.
//!
//! This is the whole API the extension uses (through `wasm.rs`) and the CLI
//! uses (directly): annotate a page's text, build a provision's card.

use crate::card::{Card, Comparison, DetectionCard, card_ranked, detection_card};
use crate::classify::{Classifier, ModelError, PageDetection};
use crate::kb::binary::CardIndex;
use crate::kb::compare::{self, RankIndex};
use crate::kb::lazy::CardStore;
use crate::kb::pack::{self, Pack, PackError, PackLoad, PackVerdict, Stored};
use crate::kb::{Exposure, KbError, KnowledgeBase};
use crate::lookup::{Facets, Filters, Hit, LookupIndex};
use crate::matcher::{DiffOp, Matcher, Status};
use crate::text::{Utf16Range, Words};
use crate::visibility::Visibility;
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

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
    /// Topic ids of the provision.
    pub topics: Vec<String>,
    /// Governance exposure of the provision (`low`, `medium` or `high`): the
    /// highlight and the popup's list show it, so a reader can triage.
    pub exposure: Exposure,
    /// Page words that differ from the known wording.
    pub changes: Vec<Utf16Range>,
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

/// A provision of the page's own document that the page does not carry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Missing {
    /// Provision id.
    pub provision: String,
    /// Provision title.
    pub title: String,
    /// The latest recorded version the provision was found in (its newest
    /// wording's last date): "present in the version of DATE".
    pub version: String,
}

/// What termlens found in one page; the detections' topics by id (`T =
/// String`), or named ([`PageResult::with_topic_names`]).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PageResult<T = String> {
    /// Annotations in page order.
    pub annotations: Vec<Annotation>,
    /// The known document this page is (by URL), if any.
    pub document: Option<DocumentInfo>,
    /// The document the page is taken to be: the known document at its URL,
    /// or else the one document most of its exact matches belong to (a vendor's
    /// page served from elsewhere, a saved copy). The extension compares such a
    /// page with the document's fingerprint.
    pub page_document: Option<String>,
    /// The provisions termlens knows for the page's document (known by URL
    /// only: a page quoting a vendor is not that vendor's document) that are
    /// not found on the page, in knowledge-base order. Empty for other pages.
    pub missing: Vec<Missing>,
    /// The clause categories of the passages that are no known provision, in
    /// page order (empty when no classifier model is loaded).
    pub detections: Vec<PageDetection<T>>,
}

impl PageResult {
    /// The result as the extension gets it: each detection's `topics` as
    /// `{ id, name }` (the knowledge base's name for the topic, else the id),
    /// best first, so the extension shows them without a second call. The
    /// CLI's JSON keeps the ids alone.
    pub fn with_topic_names(self, kb: &KnowledgeBase) -> PageResult<crate::card::TopicRef> {
        let name = |t: String| crate::card::TopicRef {
            name: kb.topic(&t).map_or_else(|| t.clone(), |x| x.name.clone()),
            id: t,
        };
        PageResult {
            annotations: self.annotations,
            document: self.document,
            page_document: self.page_document,
            missing: self.missing,
            detections: (self.detections.into_iter())
                .map(|d| PageDetection {
                    topic: d.topic,
                    topics: d.topics.into_iter().map(name).collect(),
                    score: d.score,
                    start: d.start,
                    end: d.end,
                    text: d.text,
                })
                .collect(),
        }
    }
}

/// A knowledge base ready to annotate pages.
pub struct Engine {
    kb: KnowledgeBase,
    matcher: Matcher,
    /// The lookup index, built on the first lookup (annotating never needs it).
    lookup: std::sync::OnceLock<LookupIndex>,
    /// What cards rank comparisons by (the clauses' word sets from the
    /// matcher's word ids, the provisions by topic), made once
    /// ([`Engine::prepare_cards`], or the first card).
    word_sets: std::sync::OnceLock<RankIndex>,
    /// Ids of the custom packs merged into the knowledge base.
    pack_ids: Vec<String>,
    /// Their texts' hashes, in load order (what a new pack's stamp binds).
    pack_hashes: Vec<u64>,
    /// The checksum of the kb.bin the built-in knowledge base was read from
    /// (what pack stamps bind); `None` for one read otherwise, whose packs
    /// are always checked in full and get no stamp.
    base_checksum: Option<u64>,
    /// What became of each pack the engine was built with.
    pack_loads: Vec<PackLoad>,
    /// The clause classifier; without one, pages get no detections.
    classifier: Option<Classifier>,
    /// Where the card-only content of the built-in provisions is, when the
    /// knowledge base was read without it ([`Engine::from_compiled`],
    /// [`Engine::from_kb_bin`]).
    cards: Option<Cards>,
}

/// Where the built-in provisions' card content is.
enum Cards {
    /// In the kept kb.json text.
    Json(CardStore),
    /// In cards.bin, which the engine does not hold: each card is given its
    /// block ([`Engine::card_range`], [`Engine::card_from_block`]).
    Binary(CardIndex),
}

/// Packs given by their text alone, as stored without a stamp.
fn unstamped<'a>(packs: &[&'a str]) -> Vec<Stored<'a>> {
    (packs.iter())
        .map(|&text| Stored { text, stamp: "" })
        .collect()
}

impl Engine {
    /// Prepares the matcher for `kb` (every provision built in).
    pub fn new(kb: KnowledgeBase) -> Engine {
        let matcher = Matcher::new(&kb);
        Engine::from_parts(kb, matcher)
    }

    /// `base` plus custom provision packs (the JSON text of each): a pack that
    /// does not validate is set aside with its error (see
    /// [`Engine::pack_loads`]), the others are merged.
    pub fn with_packs(base: KnowledgeBase, packs: &[&str]) -> Engine {
        let matcher = Matcher::new(&base);
        Engine::extended(base, matcher, &unstamped(packs), None)
    }

    /// `base`, with `matcher` built for it, plus custom packs: the packs'
    /// provisions get a seed table of their own beside the built-in one
    /// ([`Matcher::add_packs`]), which is used as it is. `base_checksum`
    /// identifies `base` for the packs' stamps ([`pack::apply_stamped`]).
    fn extended(
        base: KnowledgeBase,
        mut matcher: Matcher,
        packs: &[Stored],
        base_checksum: Option<u64>,
    ) -> Engine {
        let built_in = base.provisions.len();
        let (kb, applied) = pack::apply_stamped(base, packs, base_checksum, Some(&matcher));
        matcher.add_packs(&kb, built_in);
        Engine {
            pack_ids: applied.ids,
            pack_hashes: applied.hashes,
            pack_loads: applied.loads,
            base_checksum,
            ..Engine::from_parts(kb, matcher)
        }
    }

    /// What became of each pack the engine was built with ([`Engine::with_packs`],
    /// [`Engine::from_kb_bin_stamped`], ...), in order.
    pub fn pack_loads(&self) -> &[PackLoad] {
        &self.pack_loads
    }

    /// Checks a pack (its JSON text) against this engine's knowledge base and
    /// the packs it loaded, completely.
    pub fn validate_pack(&self, json: &str) -> Result<Pack, PackError> {
        pack::validate_by_ids(json, &self.kb, &self.pack_ids, &self.matcher)
    }

    /// [`Engine::validate_pack`], with the stamp to store beside the pack
    /// when it passes: it holds at the next start with this knowledge base
    /// and these packs before it ([`pack::stamp`]). No stamp when the
    /// knowledge base was not read from kb.bin.
    pub fn check_pack(&self, json: &str) -> Result<PackVerdict, PackError> {
        let pack = self.validate_pack(json)?;
        Ok(PackVerdict {
            summary: pack.summary(),
            stamp: (self.base_checksum)
                .map(|base| pack::stamp(pack::text_hash(json), base, &self.pack_hashes)),
        })
    }

    /// Prepares the matcher for `kb` whose first `base_provisions` provisions
    /// are built in and the rest come from packs (unvalidated: for tests),
    /// as [`Engine::with_packs`] does: the seeds of each layer are counted
    /// apart, so pack wordings cannot make a built-in clause's seeds look
    /// generic.
    pub fn layered(kb: KnowledgeBase, base_provisions: usize) -> Engine {
        let matcher = Matcher::with_packs(&kb, base_provisions);
        Engine::from_parts(kb, matcher)
    }

    /// `kb` with a matcher already built for it: no pack, no classifier, the
    /// cards in `kb` itself, the lookup index and word sets built on first use.
    fn from_parts(kb: KnowledgeBase, matcher: Matcher) -> Engine {
        Engine {
            kb,
            matcher,
            lookup: std::sync::OnceLock::new(),
            word_sets: std::sync::OnceLock::new(),
            pack_ids: Vec::new(),
            pack_hashes: Vec::new(),
            base_checksum: None,
            pack_loads: Vec::new(),
            classifier: None,
            cards: None,
        }
    }

    /// Loads the clause classifier from a model file's text (`data/model.json`,
    /// `pkg/model.json`). A model that cannot be used is the error, and the
    /// engine goes on without detections: known provisions are annotated all
    /// the same.
    pub fn load_model(&mut self, json: &str) -> Result<(), ModelError> {
        self.classifier = None;
        self.set_classifier(Classifier::from_json(json)?);
        Ok(())
    }

    /// Loads the clause classifier from a compiled model file's bytes
    /// (`pkg/model.bin`, `termlens model binary`), as [`Engine::load_model`] does.
    pub fn load_compiled_model(&mut self, bytes: &[u8]) -> Result<(), ModelError> {
        self.classifier = None;
        self.set_classifier(Classifier::from_bytes(bytes)?);
        Ok(())
    }

    /// Uses `classifier` for detections from now on.
    pub fn set_classifier(&mut self, classifier: Classifier) {
        self.classifier = Some(classifier);
    }

    /// Reads a compiled knowledge base (`pkg/kb.json`).
    pub fn from_json(json: &str) -> Result<Engine, KbError> {
        KnowledgeBase::from_json(json).map(Engine::new)
    }

    /// Reads a compiled knowledge base (`pkg/kb.json`, kept) plus custom
    /// packs, as [`Engine::from_json`] and [`Engine::with_packs`] do, but
    /// with the built-in provisions' card-only content left in the JSON text
    /// until [`Engine::card`] asks ([`crate::kb::lazy`]): every answer is the
    /// same, and the parsed model is about a third of its full size.
    pub fn from_compiled(json: String, packs: &[&str]) -> Result<Engine, KbError> {
        let (base, cards) = crate::kb::lazy::read(json)?;
        Ok(Engine {
            cards: Some(Cards::Json(cards)),
            ..Engine::with_packs(base, packs)
        })
    }

    /// Reads the compiled index (`pkg/kb.bin`, [`crate::kb::binary`]) plus
    /// custom packs. The matcher is used as it was built; a pack's provisions
    /// get a seed table of their own beside it, as [`Engine::with_packs`]
    /// gives them.
    /// The built-in provisions' card content stays in cards.bin:
    /// [`Engine::card_range`] says which bytes of it a card needs and
    /// [`Engine::card_from_block`] builds the card from them; their
    /// explanations are read from it by [`Engine::read_cards`] (until then
    /// they are empty). kb.bin is read from `source` a chunk at a time
    /// ([`crate::kb::binary::read`]).
    pub fn from_kb_bin<S: crate::kb::binary::Source + ?Sized>(
        source: &S,
        packs: &[&str],
    ) -> Result<Engine, KbError> {
        Engine::from_kb_bin_stamped(source, &unstamped(packs))
    }

    /// [`Engine::from_kb_bin`] with each pack's stored stamp: a pack whose
    /// stamp holds for this kb.bin (its checksum) skips the checks of its
    /// wordings against the knowledge base's; the others are checked in
    /// full, and [`Engine::pack_loads`] hands each that passes its fresh
    /// stamp ([`pack::apply_stamped`]).
    pub fn from_kb_bin_stamped<S: crate::kb::binary::Source + ?Sized>(
        source: &S,
        packs: &[Stored],
    ) -> Result<Engine, KbError> {
        let (base, matcher, index) = crate::kb::binary::read(source)?;
        let checksum = Some(index.index_checksum());
        Ok(Engine {
            cards: Some(Cards::Binary(index)),
            ..Engine::extended(base, matcher, packs, checksum)
        })
    }

    /// Reads what the engine holds of cards.bin (`source`, a chunk at a
    /// time), once it is ready: checks it against this engine's kb.bin (its
    /// format, build and length, as [`Engine::check_cards_header`]) and
    /// reads the built-in provisions' explanations, which the lookup indexes
    /// and cards show. `Ok` for an engine that reads no cards.bin.
    pub fn read_cards<S: crate::kb::binary::Source + ?Sized>(
        &mut self,
        source: &S,
    ) -> Result<(), KbError> {
        let Some(Cards::Binary(index)) = &self.cards else {
            return Ok(());
        };
        let texts = index.explanations(source)?;
        for (p, text) in self.kb.provisions.iter_mut().zip(texts) {
            p.explanation = text;
        }
        // A lookup index made before had no explanations to index.
        self.lookup = std::sync::OnceLock::new();
        Ok(())
    }

    /// Checks cards.bin against this engine's kb.bin from its first
    /// [`crate::kb::binary::HEADER_LEN`] bytes and its length; `Ok` for an
    /// engine that reads no cards.bin.
    pub fn check_cards_header(&self, header: &[u8], file_len: u64) -> Result<(), KbError> {
        match &self.cards {
            Some(Cards::Binary(index)) => index.check_header(header, file_len),
            _ => Ok(()),
        }
    }

    /// The bytes of cards.bin that `provision`'s card needs, or `None` when
    /// its card needs none ([`Engine::card`] gives it).
    pub fn card_range(&self, provision: &str) -> Option<std::ops::Range<usize>> {
        let Some(Cards::Binary(index)) = &self.cards else {
            return None;
        };
        let at = self.kb.provisions.iter().position(|p| p.id == provision)?;
        index.range(at)
    }

    /// The card of `provision` from its block of cards.bin (the bytes of
    /// [`Engine::card_range`]); `Ok(None)` for an unknown id, an error for a
    /// block that is not this provision's.
    pub fn card_from_block(&self, provision: &str, block: &[u8]) -> Result<Option<Card>, KbError> {
        let Some(at) = self.kb.provisions.iter().position(|p| p.id == provision) else {
            return Ok(None);
        };
        let slim = &self.kb.provisions[at];
        match &self.cards {
            Some(Cards::Binary(index)) if at < index.len() => {
                let full = index.complete(at, slim, block)?;
                Ok(Some(self.card_at(at, &full)))
            }
            _ => Ok(self.card(provision)),
        }
    }

    /// The knowledge base. In an engine made by [`Engine::from_compiled`],
    /// the built-in provisions' card-only content (why it matters,
    /// uncertainty, compliance other than the exposure, history, comparison
    /// ids) is empty here: [`Engine::card`] reads it.
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

    /// [`Engine::annotate`] for a reader: the annotations of the provisions
    /// `visibility` hides are left out (after the page's document and its
    /// missing provisions are decided from all of them, so hiding a provision
    /// never makes it "missing").
    pub fn annotate_for(&self, text: &str, url: &str, visibility: &Visibility) -> PageResult {
        let words = Words::new(text);
        let mut result = self.annotate_words_for(text, &words, url, visibility);
        result
            .annotations
            .retain(|a| visibility.shows(&a.platform, &a.topics));
        result
    }

    /// [`Engine::annotate`] over words already split from `text`.
    ///
    /// An exact match counts wherever it is (a reseller's page may quote a
    /// vendor's terms). A `changed` match is an edit of the page's own
    /// document, so it counts only for provisions of that document (the known
    /// document at `url`, or else the document with the most exact matches)
    /// and only where no exact match of another provision already stands:
    /// vendors borrow each other's clauses (Mistral's terms carry a close copy
    /// of OpenAI's reverse-engineering clause), and one vendor's documents
    /// share sentences (OpenAI's Terms of Use and Services Agreement).
    pub fn annotate_words(&self, text: &str, words: &Words, url: &str) -> PageResult {
        self.annotate_words_for(text, words, url, &Visibility::default())
    }

    /// [`Engine::annotate_words`], with the detections `visibility` shows
    /// (the annotations are filtered by the caller, after the page's
    /// document and missing provisions are decided from all of them).
    fn annotate_words_for(
        &self,
        text: &str,
        words: &Words,
        url: &str,
        visibility: &Visibility,
    ) -> PageResult {
        let known = self.kb.document_for_url(url);
        let document_of = |provision: usize| {
            self.kb
                .provisions
                .get(provision)
                .map(|p| p.document.as_str())
        };
        // The page's own document is decided from the exact matches, before any
        // changed clause is aligned: only its provisions are worth aligning.
        let mut page_document: Option<&str> = None;
        let found = self.matcher.find_where(&self.kb, text, words, |exact| {
            let own = known
                .map(|(_, d)| d.id.as_str())
                .or_else(|| self.leading_document(exact));
            page_document = own;
            move |provision| own.is_some() && document_of(provision) == own
        });
        let exact: Vec<&crate::matcher::Found> =
            found.iter().filter(|f| f.status == Status::Exact).collect();
        let keep = |f: &crate::matcher::Found| {
            if f.status == Status::Exact {
                return true;
            }
            let own = page_document.is_some() && document_of(f.provision) == page_document;
            let covered = exact
                .iter()
                .any(|e| e.span.start < f.span.end && f.span.start < e.span.end);
            own && !covered
        };
        let annotations: Vec<Annotation> = found
            .iter()
            .filter(|f| keep(f))
            .cloned()
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
                    topics: p.topics.clone(),
                    exposure: p.compliance.exposure,
                    changes: f.changes.iter().map(|s| s.utf16()).collect(),
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
        let missing = match known {
            Some((_, d)) => self.missing(&d.id, &annotations),
            None => Vec::new(),
        };
        let detections = self.detections(text, words, &annotations, visibility);
        PageResult {
            annotations,
            document,
            page_document: page_document.map(str::to_string),
            missing,
            detections,
        }
    }

    /// The detections of a page whose known provisions are `annotations`
    /// (every one, hidden or not: a known provision's passage never gets a
    /// detection).
    fn detections(
        &self,
        text: &str,
        words: &Words,
        annotations: &[Annotation],
        visibility: &Visibility,
    ) -> Vec<PageDetection> {
        let Some(classifier) = &self.classifier else {
            return Vec::new();
        };
        if visibility.detections_off {
            return Vec::new();
        }
        let known: Vec<(u32, u32)> = annotations.iter().map(|a| (a.start, a.end)).collect();
        crate::classify::detect(classifier, text, words, &known, |t| {
            visibility.shows_detected(t)
        })
    }

    /// The document with the most exact matches among `exact` (one per
    /// provision), or `None` when none leads alone.
    fn leading_document(&self, exact: &[crate::matcher::Found]) -> Option<&str> {
        let mut counts: HashMap<&str, usize> = HashMap::default();
        for f in exact {
            if let Some(p) = self.kb.provisions.get(f.provision) {
                *counts.entry(p.document.as_str()).or_default() += 1;
            }
        }
        let best = counts.values().copied().max()?;
        let mut leaders = counts.iter().filter(|(_, n)| **n == best);
        let first = leaders.next().map(|(d, _)| *d);
        leaders.next().is_none().then_some(first).flatten()
    }

    /// The provisions of `document` that no annotation of the page is.
    fn missing(&self, document: &str, annotations: &[Annotation]) -> Vec<Missing> {
        self.kb
            .provisions
            .iter()
            .filter(|p| p.document == document)
            .filter(|p| !annotations.iter().any(|a| a.provision == p.id))
            .filter_map(|p| {
                let version = p.wordings.iter().map(|w| w.last_seen()).max()?;
                Some(Missing {
                    provision: p.id.clone(),
                    title: p.title.clone(),
                    version: version.to_string(),
                })
            })
            .collect()
    }

    /// The card of a provision, or `None` for an unknown id (and for a
    /// built-in provision of an engine made by [`Engine::from_kb_bin`], whose
    /// card needs its block: [`Engine::card_from_block`]).
    pub fn card(&self, provision: &str) -> Option<Card> {
        let index = self.kb.provisions.iter().position(|p| p.id == provision)?;
        match &self.cards {
            Some(Cards::Json(store)) => match store.provision(index) {
                Some(full) => Some(self.card_at(index, &full)),
                None => Some(self.card_at(index, &self.kb.provisions[index])),
            },
            // The card content is in cards.bin: only its block can complete it.
            Some(Cards::Binary(cards)) if index < cards.len() => None,
            _ => Some(self.card_at(index, &self.kb.provisions[index])),
        }
    }

    /// The card of `full`, the provision at `index` with its card content.
    fn card_at(&self, index: usize, full: &crate::kb::Provision) -> Card {
        card_ranked(&self.kb, full, self.ranked(index))
    }

    /// The comparison candidates of the provision at `index`, best first.
    fn ranked(&self, index: usize) -> Vec<compare::Candidate<'_>> {
        compare::rank_indexed(&self.kb, index, self.rank_index())
    }

    /// What cards rank by, made now if no card has asked yet.
    fn rank_index(&self) -> &RankIndex {
        self.word_sets
            .get_or_init(|| RankIndex::new(&self.kb, self.matcher.word_sets(&self.kb)))
    }

    /// Numbers the clauses' word sets and lists the provisions by topic now
    /// rather than at the first card: the extension calls it once the engine
    /// is ready and idle, so that no card waits for it.
    pub fn prepare_cards(&self) {
        self.rank_index();
    }

    /// The card of a built-in provision whose block of cards.bin cannot be
    /// read (`why`): what the engine holds without it (title, clause,
    /// exposure, comparisons, and the explanation once [`Engine::read_cards`]
    /// has read it), with `why` in its `unavailable`.
    /// `None` for an unknown id.
    pub fn card_without_block(&self, provision: &str, why: &str) -> Option<Card> {
        let index = self.kb.provisions.iter().position(|p| p.id == provision)?;
        let mut card = self.card_at(index, &self.kb.provisions[index]);
        if matches!(&self.cards, Some(Cards::Binary(cards)) if index < cards.len()) {
            card.unavailable = Some(why.to_string());
        }
        Some(card)
    }

    /// The whole comparison (with its clause) of `other` on a card of
    /// `topics`: what a card's `more` names, for the reader who opens it.
    pub fn comparison(&self, topics: &[String], other: &str) -> Option<Comparison> {
        crate::card::comparison_of(&self.kb, topics, other)
    }

    /// Every comparison of `provision`, whole and in rank order (the default
    /// list, then the rest): what an export carries. `None` for an unknown id.
    pub fn comparisons(&self, provision: &str) -> Option<Vec<Comparison>> {
        let index = self.kb.provisions.iter().position(|p| p.id == provision)?;
        Some(crate::card::all_comparisons(&self.kb, self.ranked(index)))
    }

    /// The card of a detection of `topics` (best first) on the passage
    /// `text`, or `None` when the first topic is unknown.
    pub fn detection_card(&self, topics: &[String], text: &str) -> Option<DetectionCard> {
        detection_card(&self.kb, topics, text)
    }

    /// The provisions closest to `query` (typed words or a pasted clause),
    /// best first, at most `limit`, among those `filters` allow. The index is
    /// built on the first call.
    pub fn lookup(&self, query: &str, filters: &Filters, limit: usize) -> Vec<Hit> {
        self.lookup_index().lookup(query, filters, limit)
    }

    /// [`Engine::lookup`] for a reader: only provisions `visibility` shows.
    pub fn lookup_for(
        &self,
        query: &str,
        filters: &Filters,
        visibility: &Visibility,
        limit: usize,
    ) -> Vec<Hit> {
        self.lookup_index()
            .lookup_for(query, filters, visibility, limit)
    }

    /// The lookup index (built now if no lookup has run yet).
    pub fn lookup_index(&self) -> &LookupIndex {
        self.lookup.get_or_init(|| LookupIndex::new(&self.kb))
    }

    /// The lookup's filter menus: platforms, topics and exposure levels with
    /// their provision counts.
    pub fn facets(&self) -> Facets {
        crate::lookup::facets(&self.kb)
    }
}
