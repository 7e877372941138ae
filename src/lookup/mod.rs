//! Lookup: the popup's search box and "look up a selection", ranked in the core.
//!
//! A [`LookupIndex`] is built once from a [`KnowledgeBase`] and answers
//! [`LookupIndex::lookup`] as the user types. Two kinds of query, two rankings:
//!
//! - **Terms** (fewer than [`LONG_QUERY_WORDS`] words, what a person types):
//!   BM25F over three fields of each provision, weighted
//!   title and topic names (3) > clause wordings (1) > explanation (0.5).
//!   Word order does not matter. Each query word also matches
//!
//!   ```text
//!   query word      vocabulary word          quality
//!   exact           "training"               1.0
//!   same stem       "trains", "trained"      0.9
//!   prefix (last)   "compet" -> "competing"  0.8   the word being typed (the query
//!                                                  does not end in a space or punctuation)
//!   edit distance 1 "trainign" -> "training" 0.7   words of 4 letters or more
//!   edit distance 2 "intelectual" -> ...     0.6   words of 8 letters or more
//!   ```
//!
//!   An edit distance counts a transposition as one edit; fuzzy matches are
//!   tried only for a word the vocabulary does not hold, and also reach the
//!   inflections of the word they find. A query word's full weight is its best
//!   match's idf, so exact and prefix matches rank above fuzzy ones. From 3 words on, a provision whose clause
//!   holds the query's words *in order* (shared word 3-grams) gains up to
//!   [`PHRASE_WEIGHT`] of the score: a short clause pasted whole still finds
//!   its own provision first.
//! - **Clause** ([`LONG_QUERY_WORDS`] words or more: a pasted clause or a
//!   selection): similarity of the query to each wording of each provision, half
//!   the Dice share of word 3-grams (wording order) and half the Dice share of
//!   distinct words weighted by rarity (tolerates shuffled and replaced
//!   words). A pasted clause scores 1 against its own wording; the next hits
//!   are the closest clauses, whichever platform they belong to. A clause
//!   termlens does not know still returns its nearest provisions.
//!
//! Both sides go through [`Words::new`] and a small suffix stemmer, so
//! typography, case and `compete` / `competes` / `competing` do not matter.
//!
//! ```
//! # use termlens::kb::KnowledgeBase;
//! use termlens::lookup::{Filters, LookupIndex};
//! let index = LookupIndex::new(&KnowledgeBase::default());
//! assert!(index.lookup("competing models", &Filters::default(), 10).is_empty());
//! ```

#[cfg(not(target_arch = "wasm32"))]
pub mod eval;
mod intent;

pub use intent::{SIDE_TOPIC, TOPIC_WEIGHT};

use crate::card::TopicRef;
use crate::kb::{Exposure, KnowledgeBase, Provision};
use crate::text::Words;
use crate::visibility::Visibility;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// From this many words on, a query is a pasted clause and is ranked by
/// clause similarity; below, by terms. The newest wordings of the knowledge
/// base have 12 to a few hundred words (median 44; 265 provisions), and
/// nobody types a dozen keywords.
pub const LONG_QUERY_WORDS: usize = 12;

/// Share of a term query's score that comes from the query's words occurring
/// in order in a clause (3 words or more).
pub const PHRASE_WEIGHT: f32 = 0.4;

/// Only the first this many bytes of a query are read (a selection of a whole
/// page is not a clause; 20 KB is several sections).
const MAX_QUERY_BYTES: usize = 20_000;

/// Field weights of BM25F: title and topic names, clause wordings, explanation.
const FIELD_WEIGHTS: [f32; 3] = [3.0, 1.0, 0.5];
/// BM25's term-frequency saturation and length normalisation (the usual values).
const K1: f32 = 1.2;
const B: f32 = 0.75;

/// Match qualities of a query word against a vocabulary word (see the table above).
const Q_EXACT: f32 = 1.0;
const Q_STEM: f32 = 0.9;
const Q_PREFIX: f32 = 0.8;
const Q_FUZZY1: f32 = 0.7;
const Q_FUZZY2: f32 = 0.6;

/// A word being typed expands to at most this many vocabulary words (the most
/// frequent ones), so one typed letter stays cheap.
const MAX_PREFIX_EXPANSIONS: usize = 64;

/// In clause similarity, a word in more than this share of all wordings
/// ("the", "or", "any") carries no weight. Applies from 40 wordings on.
const COMMON_SHARE: f32 = 0.25;

/// Hits below this similarity are not worth showing.
const MIN_SCORE: f32 = 0.01;

/// What restricts a lookup. An empty list means "all".
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Filters {
    /// Platform ids.
    pub platforms: Vec<String>,
    /// Topic ids (a provision passes with any one of them).
    pub topics: Vec<String>,
    /// Exposure levels.
    pub exposure: Vec<Exposure>,
}

/// A filters object that cannot be read; the message names the field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterError {
    message: String,
}

impl std::fmt::Display for FilterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FilterError {}

impl Filters {
    /// Reads `{ platforms?: string[], topics?: string[], exposure?: string[] }`
    /// (`null` is "no filters"). An unknown field, a field that is not an array
    /// of strings or an unknown exposure level is an error saying which.
    pub fn from_value(value: &serde_json::Value) -> Result<Filters, FilterError> {
        if value.is_null() {
            return Ok(Filters::default());
        }
        Filters::deserialize(value).map_err(|e| FilterError {
            message: format!("filters: {e}"),
        })
    }
}

/// How a hit was ranked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HitKind {
    /// Term matching (a typed query).
    Terms,
    /// Clause similarity (a pasted clause or a selection).
    Clause,
}

/// One result of a lookup: what the result list shows; the card comes from
/// `Engine::card(provision)`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Hit {
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
    /// Document display name.
    pub document_name: String,
    /// Section as the vendor numbers it.
    pub section: String,
    /// The section as a reader sees it ([`crate::card::section_label`]).
    pub section_label: String,
    /// Topics of the provision.
    pub topics: Vec<TopicRef>,
    /// Governance exposure.
    pub exposure: Exposure,
    /// Relevance (terms) or similarity (clause), 0..1; higher is closer.
    pub score: f32,
    /// The start of the newest wording (about 200 characters).
    pub snippet: String,
    /// How the hit was ranked.
    pub kind: HitKind,
}

/// One entry of a filter menu.
#[derive(Clone, Debug, Serialize)]
pub struct Facet {
    /// Platform id, topic id or exposure level.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Number of provisions.
    pub count: usize,
}

/// The filter menus: every platform, topic and exposure level that has
/// provisions, in knowledge-base order.
#[derive(Clone, Debug, Serialize)]
pub struct Facets {
    /// Platforms.
    pub platforms: Vec<Facet>,
    /// Topics.
    pub topics: Vec<Facet>,
    /// Exposure levels, low to high.
    pub exposure: Vec<Facet>,
}

/// The filter menus of a knowledge base.
pub fn facets(kb: &KnowledgeBase) -> Facets {
    let platforms = kb
        .platforms
        .iter()
        .map(|pl| Facet {
            id: pl.id.clone(),
            name: pl.name.clone(),
            count: kb.provisions.iter().filter(|p| p.platform == pl.id).count(),
        })
        .filter(|f| f.count > 0)
        .collect();
    let topics = kb
        .topics
        .iter()
        .map(|t| Facet {
            id: t.id.clone(),
            name: t.name.clone(),
            count: kb
                .provisions
                .iter()
                .filter(|p| p.topics.contains(&t.id))
                .count(),
        })
        .filter(|f| f.count > 0)
        .collect();
    let exposure = [
        (Exposure::Low, "low", "Low"),
        (Exposure::Medium, "medium", "Medium"),
        (Exposure::High, "high", "High"),
    ]
    .into_iter()
    .map(|(level, id, name)| Facet {
        id: id.into(),
        name: name.into(),
        count: kb
            .provisions
            .iter()
            .filter(|p| p.compliance.exposure == level)
            .count(),
    })
    .filter(|f| f.count > 0)
    .collect();
    Facets {
        platforms,
        topics,
        exposure,
    }
}

/// What filters need to know of a provision.
struct Entry {
    platform: String,
    topics: Vec<String>,
    exposure: Exposure,
}

/// The search index of a knowledge base. Built once (a few milliseconds for
/// the real knowledge base); read-only afterwards.
pub struct LookupIndex {
    /// Per provision (knowledge-base order): filter data and the hit shown.
    entries: Vec<Entry>,
    /// The platforms and topics a typed query can name.
    intents: intent::Intents,
    hits: Vec<Hit>,

    // Terms.
    /// Vocabulary, by term id.
    terms: Vec<String>,
    /// The same words as chars, for edit distances.
    term_chars: Vec<Box<[char]>>,
    /// Term ids sorted by their word (prefix ranges).
    sorted: Vec<u32>,
    /// Term -> (provision, BM25F saturation tf/(k1+tf)).
    postings: Vec<Vec<(u32, f32)>>,
    /// Term -> inverse document frequency over provisions.
    idf: Vec<f32>,
    /// Term -> stem id.
    term_stem: Vec<u32>,
    /// Stem -> term ids.
    stem_terms: Vec<Vec<u32>>,
    /// Stem text -> stem id.
    stem_ids: FxHashMap<String, u32>,
    /// Character count -> term ids.
    by_len: Vec<Vec<u32>>,
    /// Idf of a word no provision holds.
    unseen_idf: f32,

    // Clause similarity.
    /// Wording -> provision.
    wording_provision: Vec<u32>,
    /// Wording -> number of distinct stem 3-grams.
    wording_trigrams: Vec<u32>,
    /// Wording -> summed weight of its distinct stems.
    wording_weight: Vec<f32>,
    /// Stem -> wordings holding it (empty for common stems).
    stem_wordings: Vec<Vec<u32>>,
    /// Stem -> weight (idf over wordings; 0 for common stems).
    stem_weight: Vec<f32>,
    /// Weight of a stem no wording holds.
    unseen_weight: f32,
    /// Distinct stem 3-grams, sorted, and for each the range of
    /// `gram_wordings` listing the wordings that hold it.
    gram_keys: Vec<u64>,
    gram_starts: Vec<u32>,
    gram_wordings: Vec<u32>,
}

/// A tiny suffix stemmer: enough for `compete`, `competes`, `competing`,
/// `competed` -> `compet`, `models` -> `model`, `trained` / `training` -> `train`.
/// Query and index use the same function, so only consistency matters.
pub fn stem(word: &str) -> &str {
    let strip =
        |w: &'static str| -> Option<&str> { word.strip_suffix(w).filter(|rest| rest.len() >= 3) };
    let base = if word.len() <= 3 {
        word
    } else if let Some(rest) = strip("ies").or_else(|| strip("y")) {
        // `policies`, `policy` -> `polic`.
        rest
    } else if word.ends_with("sses") {
        &word[..word.len() - 2]
    } else if let Some(rest) = strip("ing").or_else(|| strip("ed")).or_else(|| strip("es")) {
        rest
    } else if word.ends_with('s')
        && !word.ends_with("ss")
        && !word.ends_with("us")
        && !word.ends_with("is")
    {
        strip("s").unwrap_or(word)
    } else {
        word
    };
    match base.strip_suffix('e') {
        Some(rest) if rest.len() >= 3 => rest,
        _ => base,
    }
}

fn trigram(a: u32, b: u32, c: u32) -> u64 {
    (u64::from(a) << 42) ^ (u64::from(b) << 21) ^ u64::from(c)
}

fn idf(n: usize, df: usize) -> f32 {
    let (n, df) = (n as f32, df as f32);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// The first ~200 characters of `text`, cut at a word boundary.
fn snippet(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= 200 {
        return flat;
    }
    let cut: String = flat.chars().take(200).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > 120 => cut[..i].to_string(),
        _ => cut,
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':']))
}

/// Optimal string alignment distance (a transposition is one edit), or `None`
/// when it exceeds `max`.
fn edit_distance(a: &[char], b: &[char], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let n = b.len();
    let mut prev2: Vec<usize> = vec![0; n + 1];
    let mut prev: Vec<usize> = (0..=n).collect();
    let mut cur: Vec<usize> = vec![0; n + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=n {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[n];
    (d <= max).then_some(d)
}

/// What indexing reads of every provision, before the weights.
#[derive(Default)]
struct Fields {
    /// Per provision: (term, count in each field).
    counts: Vec<Vec<(u32, [u16; 3])>>,
    /// Per provision: the length of each field in words.
    lengths: Vec<[u32; 3]>,
    /// Per wording: its words as term ids.
    wording_terms: Vec<Vec<u32>>,
}

/// The hit a provision shows (its score and kind set per lookup).
fn hit_of(kb: &KnowledgeBase, p: &Provision, topic_names: &FxHashMap<&str, &str>) -> Hit {
    let topics: Vec<TopicRef> = p
        .topics
        .iter()
        .map(|t| TopicRef {
            id: t.clone(),
            name: topic_names
                .get(t.as_str())
                .copied()
                .unwrap_or(t)
                .to_string(),
        })
        .collect();
    Hit {
        provision: p.id.clone(),
        title: p.title.clone(),
        platform: p.platform.clone(),
        platform_name: kb
            .platform(&p.platform)
            .map_or_else(|| p.platform.clone(), |x| x.name.clone()),
        document: p.document.clone(),
        document_name: kb
            .document(&p.document)
            .map_or_else(|| p.document.clone(), |d| d.name.clone()),
        section: p.section.clone(),
        section_label: crate::card::section_label(&p.section),
        topics,
        exposure: p.compliance.exposure,
        score: 0.0,
        snippet: p
            .wordings
            .first()
            .map(|w| snippet(&w.text))
            .unwrap_or_default(),
        kind: HitKind::Terms,
    }
}

impl LookupIndex {
    /// Indexes every provision of `kb`.
    pub fn new(kb: &KnowledgeBase) -> LookupIndex {
        let mut index = LookupIndex::empty(kb.provisions.len());
        index.intents = intent::Intents::new(kb);
        let fields = index.read_provisions(kb);
        index.weigh_terms(&fields);
        index.index_vocabulary();
        index.index_wordings(&fields.wording_terms);
        index
    }

    /// An index with nothing in it yet.
    fn empty(provisions: usize) -> LookupIndex {
        LookupIndex {
            entries: Vec::with_capacity(provisions),
            intents: intent::Intents::default(),
            hits: Vec::with_capacity(provisions),
            terms: Vec::new(),
            term_chars: Vec::new(),
            sorted: Vec::new(),
            postings: Vec::new(),
            idf: Vec::new(),
            term_stem: Vec::new(),
            stem_terms: Vec::new(),
            stem_ids: FxHashMap::default(),
            by_len: Vec::new(),
            unseen_idf: 0.0,
            wording_provision: Vec::new(),
            wording_trigrams: Vec::new(),
            wording_weight: Vec::new(),
            stem_wordings: Vec::new(),
            stem_weight: Vec::new(),
            unseen_weight: 0.0,
            gram_keys: Vec::new(),
            gram_starts: Vec::new(),
            gram_wordings: Vec::new(),
        }
    }

    /// Reads every provision: its words into the vocabulary (term counts per
    /// field, field lengths, each wording's words), its hit and its filter data.
    fn read_provisions(&mut self, kb: &KnowledgeBase) -> Fields {
        let topic_names: FxHashMap<&str, &str> = kb
            .topics
            .iter()
            .map(|t| (t.id.as_str(), t.name.as_str()))
            .collect();
        let mut fields = Fields::default();
        let mut term_ids: FxHashMap<String, u32> = FxHashMap::default();
        // Scratch: counts by term id, and the terms touched in this provision.
        let mut tf: Vec<[u16; 3]> = Vec::new();
        let mut touched: Vec<u32> = Vec::new();
        for (pi, p) in kb.provisions.iter().enumerate() {
            let mut len = [0u32; 3];
            let mut add = |index: &mut LookupIndex, text: &str, field: usize| -> Vec<u32> {
                let ids: Vec<u32> = Words::new(text)
                    .iter()
                    .map(|w| index.intern(&mut term_ids, &w.norm))
                    .collect();
                if tf.len() < index.terms.len() {
                    tf.resize(index.terms.len(), [0; 3]);
                }
                for &id in &ids {
                    let c = &mut tf[id as usize];
                    if *c == [0; 3] {
                        touched.push(id);
                    }
                    c[field] = c[field].saturating_add(1);
                }
                len[field] += ids.len() as u32;
                ids
            };
            add(self, &p.title, 0);
            for t in &p.topics {
                add(self, topic_names.get(t.as_str()).copied().unwrap_or(t), 0);
            }
            for w in &p.wordings {
                let ids = add(self, &w.text, 1);
                fields.wording_terms.push(ids);
                self.wording_provision.push(pi as u32);
            }
            add(self, &p.explanation, 2);
            fields.counts.push(
                touched
                    .drain(..)
                    .map(|t| (t, std::mem::take(&mut tf[t as usize])))
                    .collect(),
            );
            fields.lengths.push(len);
            self.hits.push(hit_of(kb, p, &topic_names));
            self.entries.push(Entry {
                platform: p.platform.clone(),
                topics: p.topics.clone(),
                exposure: p.compliance.exposure,
            });
        }
        fields
    }

    /// The id of `word`, added to the vocabulary if new.
    fn intern(&mut self, term_ids: &mut FxHashMap<String, u32>, word: &str) -> u32 {
        if let Some(&id) = term_ids.get(word) {
            return id;
        }
        let id = self.terms.len() as u32;
        self.terms.push(word.to_string());
        term_ids.insert(word.to_string(), id);
        id
    }

    /// BM25F postings and idf of every term.
    fn weigh_terms(&mut self, fields: &Fields) {
        let n = fields.lengths.len();
        let avg: Vec<f32> = (0..3)
            .map(|f| {
                let total: u64 = fields.lengths.iter().map(|l| u64::from(l[f])).sum();
                (total as f32 / n.max(1) as f32).max(1.0)
            })
            .collect();
        self.postings = vec![Vec::new(); self.terms.len()];
        for (pi, (tf, len)) in fields.counts.iter().zip(&fields.lengths).enumerate() {
            let norm: Vec<f32> = (0..3)
                .map(|f| 1.0 - B + B * len[f] as f32 / avg[f])
                .collect();
            for (t, c) in tf {
                let weighted: f32 = (0..3)
                    .map(|f| FIELD_WEIGHTS[f] * f32::from(c[f]) / norm[f])
                    .sum();
                let sat = weighted / (K1 + weighted);
                self.postings[*t as usize].push((pi as u32, sat));
            }
        }
        self.idf = self.postings.iter().map(|p| idf(n, p.len())).collect();
        self.unseen_idf = idf(n, 0);
    }

    /// The vocabulary's lookups: sorted (prefixes), by length (typos), by stem.
    fn index_vocabulary(&mut self) {
        self.term_chars = self
            .terms
            .iter()
            .map(|t| t.chars().collect::<Vec<_>>().into_boxed_slice())
            .collect();
        let mut sorted: Vec<u32> = (0..self.terms.len() as u32).collect();
        crate::sort::by(&mut sorted, |a, b| {
            self.terms[*a as usize].cmp(&self.terms[*b as usize])
        });
        self.sorted = sorted;
        for (id, chars) in self.term_chars.iter().enumerate() {
            if self.by_len.len() <= chars.len() {
                self.by_len.resize(chars.len() + 1, Vec::new());
            }
            self.by_len[chars.len()].push(id as u32);
        }
        for id in 0..self.terms.len() {
            let s = stem(&self.terms[id]).to_string();
            let next = self.stem_ids.len() as u32;
            let sid = *self.stem_ids.entry(s).or_insert(next);
            if sid as usize == self.stem_terms.len() {
                self.stem_terms.push(Vec::new());
            }
            self.stem_terms[sid as usize].push(id as u32);
            self.term_stem.push(sid);
        }
    }

    /// Clause similarity: the stems and stem 3-grams of every wording.
    fn index_wordings(&mut self, wording_terms: &[Vec<u32>]) {
        let stems = self.stem_terms.len();
        let wordings = wording_terms.len();
        let mut wording_stems: Vec<Vec<u32>> = Vec::with_capacity(wordings);
        let mut df = vec![0usize; stems];
        let mut pairs: Vec<(u64, u32)> = Vec::new();
        for (wi, ids) in wording_terms.iter().enumerate() {
            let seq: Vec<u32> = ids.iter().map(|t| self.term_stem[*t as usize]).collect();
            let mut grams: Vec<u64> = seq.windows(3).map(|g| trigram(g[0], g[1], g[2])).collect();
            crate::sort::ascending(&mut grams);
            grams.dedup();
            self.wording_trigrams.push(grams.len() as u32);
            pairs.extend(grams.into_iter().map(|g| (g, wi as u32)));
            let mut distinct = seq;
            distinct.sort_unstable();
            distinct.dedup();
            for s in &distinct {
                df[*s as usize] += 1;
            }
            wording_stems.push(distinct);
        }
        crate::sort::ascending(&mut pairs);
        for (g, w) in pairs {
            if self.gram_keys.last() != Some(&g) {
                self.gram_keys.push(g);
                self.gram_starts.push(self.gram_wordings.len() as u32);
            }
            self.gram_wordings.push(w);
        }
        self.gram_starts.push(self.gram_wordings.len() as u32);
        let common = |d: usize| wordings >= 40 && d as f32 > COMMON_SHARE * wordings as f32;
        self.stem_weight = df
            .iter()
            .map(|&d| {
                if d == 0 || common(d) {
                    0.0
                } else {
                    idf(wordings, d)
                }
            })
            .collect();
        self.unseen_weight = idf(wordings, 0);
        self.stem_wordings = vec![Vec::new(); stems];
        for (wi, distinct) in wording_stems.iter().enumerate() {
            let mut weight = 0.0;
            for s in distinct {
                let w = self.stem_weight[*s as usize];
                if w > 0.0 {
                    weight += w;
                    self.stem_wordings[*s as usize].push(wi as u32);
                }
            }
            self.wording_weight.push(weight);
        }
    }

    /// Number of provisions indexed.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no provision is indexed.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Number of distinct words indexed.
    pub fn vocabulary_len(&self) -> usize {
        self.terms.len()
    }

    /// The provisions closest to `query`, best first, at most `limit`, among
    /// those `filters` allow. An empty query (no word) has no hit.
    pub fn lookup(&self, query: &str, filters: &Filters, limit: usize) -> Vec<Hit> {
        self.lookup_for(query, filters, &Visibility::default(), limit)
    }

    /// [`LookupIndex::lookup`] among the provisions `visibility` shows.
    pub fn lookup_for(
        &self,
        query: &str,
        filters: &Filters,
        visibility: &Visibility,
        limit: usize,
    ) -> Vec<Hit> {
        let mut end = query.len().min(MAX_QUERY_BYTES);
        while !query.is_char_boundary(end) {
            end -= 1;
        }
        let query = &query[..end];
        let words = Words::new(query);
        let norms = words.norms();
        // The last word is still being typed (a prefix) unless the query ends
        // with a space or punctuation.
        let typing = query.chars().last().is_some_and(char::is_alphanumeric);
        if norms.is_empty() || limit == 0 || self.entries.is_empty() {
            return Vec::new();
        }
        let (scores, kind, platforms) = if norms.len() >= LONG_QUERY_WORDS {
            (self.clause_scores(&norms), HitKind::Clause, Vec::new())
        } else {
            let (scores, platforms) = self.intent_scores(&norms, typing);
            (scores, HitKind::Terms, platforms)
        };
        let allowed = |e: &Entry| {
            (filters.platforms.is_empty() || filters.platforms.contains(&e.platform))
                && (filters.topics.is_empty()
                    || e.topics.iter().any(|t| filters.topics.contains(t)))
                && (filters.exposure.is_empty() || filters.exposure.contains(&e.exposure))
                && visibility.shows(&e.platform, &e.topics)
        };
        // A platform the query names ranks first, whatever the scores.
        let mut ranked: Vec<(bool, f32, usize)> = scores
            .iter()
            .enumerate()
            .filter(|(i, s)| **s >= MIN_SCORE && allowed(&self.entries[*i]))
            .map(|(i, s)| (platforms.contains(&self.entries[i].platform), *s, i))
            .collect();
        crate::sort::by(&mut ranked, |a, b| {
            (b.0.cmp(&a.0))
                .then(b.1.total_cmp(&a.1))
                .then(a.2.cmp(&b.2))
        });
        ranked
            .into_iter()
            .take(limit)
            .map(|(_, score, i)| Hit {
                score: score.clamp(0.0, 1.0),
                kind,
                ..self.hits[i].clone()
            })
            .collect()
    }

    /// The id of `word` in the vocabulary.
    fn term_id(&self, word: &str) -> Option<u32> {
        self.sorted
            .binary_search_by(|t| self.terms[*t as usize].as_str().cmp(word))
            .ok()
            .map(|i| self.sorted[i])
    }

    /// The vocabulary words `word` matches, with the quality of each match.
    fn expansions(&self, word: &str, typing: bool) -> Vec<(u32, f32)> {
        let mut out: Vec<(u32, f32)> = Vec::new();
        let mut put = |t: u32, q: f32| match out.iter_mut().find(|(x, _)| *x == t) {
            Some(e) => e.1 = e.1.max(q),
            None => out.push((t, q)),
        };
        let exact = self.term_id(word);
        if let Some(t) = exact {
            put(t, Q_EXACT);
        }
        if let Some(&sid) = self.stem_ids.get(stem(word)) {
            for &t in &self.stem_terms[sid as usize] {
                put(t, Q_STEM);
            }
        }
        if typing {
            let from = self
                .sorted
                .partition_point(|t| self.terms[*t as usize].as_str() < word);
            let mut prefixed: Vec<u32> = self.sorted[from..]
                .iter()
                .take_while(|t| self.terms[**t as usize].starts_with(word))
                .copied()
                .collect();
            if prefixed.len() > MAX_PREFIX_EXPANSIONS {
                crate::sort::by_key(&mut prefixed, |t| {
                    std::cmp::Reverse(self.postings[*t as usize].len())
                });
                prefixed.truncate(MAX_PREFIX_EXPANSIONS);
            }
            for t in prefixed {
                put(t, Q_PREFIX);
            }
        }
        if exact.is_none() {
            let chars: Vec<char> = word.chars().collect();
            let max = match chars.len() {
                0..=3 => 0,
                4..=7 => 1,
                _ => 2,
            };
            if max > 0 {
                let lo = chars.len() - max;
                let hi = (chars.len() + max).min(self.by_len.len().saturating_sub(1));
                for bucket in self.by_len.get(lo..=hi).unwrap_or(&[]) {
                    for &t in bucket {
                        let quality = match edit_distance(&chars, &self.term_chars[t as usize], max)
                        {
                            Some(1) => Q_FUZZY1,
                            Some(2) => Q_FUZZY2,
                            _ => continue,
                        };
                        // The word meant, and its inflections.
                        put(t, quality);
                        for &s in &self.stem_terms[self.term_stem[t as usize] as usize] {
                            put(s, quality * Q_STEM);
                        }
                    }
                }
            }
        }
        out
    }

    /// Scores of every provision for a typed query: its words' terms score
    /// mixed with the topic it names; and the platforms it names
    /// ([`intent`]).
    fn intent_scores(&self, norms: &[&str], typing: bool) -> (Vec<f32>, Vec<String>) {
        let intent = self.intents.read(norms);
        if intent.rest.is_empty() {
            // Only platform names: every provision of theirs, in order.
            let scores = (self.entries.iter())
                .map(|e| f32::from(u8::from(intent.platforms.contains(&e.platform))))
                .collect();
            return (scores, intent.platforms);
        }
        let mut scores = self.term_scores(&intent.rest, typing);
        if !intent.topics.is_empty() {
            for (s, e) in scores.iter_mut().zip(&self.entries) {
                let named = intent.topic_score(&e.topics);
                *s = (1.0 - TOPIC_WEIGHT) * *s + TOPIC_WEIGHT * named;
            }
        }
        (scores, intent.platforms)
    }

    /// Term scores of every provision for a typed query (see the module doc).
    fn term_scores(&self, norms: &[&str], typing: bool) -> Vec<f32> {
        let n = self.entries.len();
        let mut total = vec![0f32; n];
        let mut best = vec![0f32; n];
        let mut touched: Vec<u32> = Vec::new();
        let mut denominator = 0f32;
        let last = norms.len() - 1;
        for (i, word) in norms.iter().enumerate() {
            let expansions = self.expansions(word, typing && i == last);
            // A word's full weight is the idf of its best match (highest quality,
            // then rarest), so a typo scores below the right spelling; a word
            // nothing matches still counts, so nonsense lowers every score.
            denominator += expansions
                .iter()
                .map(|(t, q)| (*q, self.idf[*t as usize]))
                .max_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)))
                .map_or(self.unseen_idf, |(_, idf)| idf);
            for (t, quality) in expansions {
                let weight = quality * self.idf[t as usize];
                for &(p, sat) in &self.postings[t as usize] {
                    let v = weight * sat;
                    let slot = &mut best[p as usize];
                    if *slot == 0.0 {
                        touched.push(p);
                    }
                    if v > *slot {
                        *slot = v;
                    }
                }
            }
            for p in touched.drain(..) {
                total[p as usize] += best[p as usize];
                best[p as usize] = 0.0;
            }
        }
        if denominator > 0.0 {
            for s in &mut total {
                *s /= denominator;
            }
        }
        if norms.len() >= 3 {
            // Mixed in even when no 3-gram is known (a typo), so that scores of
            // queries of 3 words or more stay comparable.
            let phrase = self.phrase_scores(norms);
            for (i, s) in total.iter_mut().enumerate() {
                let c = phrase.as_ref().map_or(0.0, |p| p[i]);
                *s = (1.0 - PHRASE_WEIGHT) * *s + PHRASE_WEIGHT * c;
            }
        }
        total
    }

    /// The wordings holding the stem 3-gram `g`.
    fn gram_postings(&self, g: u64) -> &[u32] {
        match self.gram_keys.binary_search(&g) {
            Ok(i) => {
                let (a, b) = (self.gram_starts[i], self.gram_starts[i + 1]);
                self.gram_wordings
                    .get(a as usize..b as usize)
                    .unwrap_or(&[])
            }
            Err(_) => &[],
        }
    }

    /// The stem id of each query word (`None`: no indexed word has that stem).
    fn stems_of(&self, norms: &[&str]) -> Vec<Option<u32>> {
        norms
            .iter()
            .map(|w| self.stem_ids.get(stem(w)).copied())
            .collect()
    }

    /// The query's distinct stem 3-grams.
    fn query_trigrams(stems: &[Option<u32>]) -> Vec<u64> {
        let mut grams: Vec<u64> = stems
            .windows(3)
            .filter_map(|g| Some(trigram(g[0]?, g[1]?, g[2]?)))
            .collect();
        crate::sort::ascending(&mut grams);
        grams.dedup();
        grams
    }

    /// Per provision, the best share of the query's 3-grams one of its
    /// wordings holds; `None` when the query has no known 3-gram.
    fn phrase_scores(&self, norms: &[&str]) -> Option<Vec<f32>> {
        let grams = Self::query_trigrams(&self.stems_of(norms));
        if grams.is_empty() {
            return None;
        }
        let mut shared = vec![0u32; self.wording_provision.len()];
        for g in &grams {
            for &w in self.gram_postings(*g) {
                shared[w as usize] += 1;
            }
        }
        let mut out = vec![0f32; self.entries.len()];
        for (w, s) in shared.iter().enumerate() {
            let p = self.wording_provision[w] as usize;
            out[p] = out[p].max(*s as f32 / grams.len() as f32);
        }
        Some(out)
    }

    /// Clause similarity of every provision to a pasted clause (its best wording).
    fn clause_scores(&self, norms: &[&str]) -> Vec<f32> {
        let stems = self.stems_of(norms);
        let grams = Self::query_trigrams(&stems);
        let mut distinct: Vec<Option<u32>> = stems.clone();
        crate::sort::ascending(&mut distinct);
        distinct.dedup();
        let query_weight: f32 = distinct
            .iter()
            .map(|s| s.map_or(self.unseen_weight, |s| self.stem_weight[s as usize]))
            .sum();
        let wordings = self.wording_provision.len();
        let mut shared_grams = vec![0u32; wordings];
        for g in &grams {
            for &w in self.gram_postings(*g) {
                shared_grams[w as usize] += 1;
            }
        }
        let mut shared_weight = vec![0f32; wordings];
        for s in distinct.iter().flatten() {
            let weight = self.stem_weight[*s as usize];
            for &w in &self.stem_wordings[*s as usize] {
                shared_weight[w as usize] += weight;
            }
        }
        let mut out = vec![0f32; self.entries.len()];
        for w in 0..wordings {
            let gram_total = grams.len() as f32 + self.wording_trigrams[w] as f32;
            let grams_dice = if gram_total > 0.0 {
                2.0 * shared_grams[w] as f32 / gram_total
            } else {
                0.0
            };
            let weight_total = query_weight + self.wording_weight[w];
            let words_dice = if weight_total > 0.0 {
                2.0 * shared_weight[w] / weight_total
            } else {
                0.0
            };
            let sim = 0.5 * grams_dice + 0.5 * words_dice;
            let p = self.wording_provision[w] as usize;
            out[p] = out[p].max(sim);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_agree_across_inflections() {
        for (a, b) in [
            ("compete", "competing"),
            ("competes", "competed"),
            ("models", "model"),
            ("trains", "training"),
            ("outputs", "output"),
            ("policies", "policy"),
        ] {
            assert_eq!(stem(a), stem(b), "{a} / {b}");
        }
        assert_eq!(stem("process"), "process");
        assert_eq!(stem("us"), "us");
    }

    #[test]
    fn edit_distance_counts_a_transposition_once() {
        let c = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(edit_distance(&c("trainign"), &c("training"), 2), Some(1));
        assert_eq!(edit_distance(&c("modle"), &c("model"), 1), Some(1));
        assert_eq!(edit_distance(&c("data"), &c("date"), 1), Some(1));
        assert_eq!(edit_distance(&c("abcdef"), &c("uvwxyz"), 2), None);
        assert_eq!(edit_distance(&c("model"), &c("model"), 1), Some(0));
    }

    #[test]
    fn filters_name_the_bad_field() {
        let read = |s: &str| Filters::from_value(&serde_json::from_str(s).unwrap_or_default());
        assert_eq!(read("null"), Ok(Filters::default()));
        let ok = read(r#"{"platforms": ["aws"], "exposure": ["high"]}"#);
        assert_eq!(
            ok.map(|f| (f.platforms, f.exposure)),
            Ok((vec!["aws".to_string()], vec![Exposure::High]))
        );
        for (json, field) in [
            (r#"{"platforms": "aws"}"#, "a sequence"),
            (r#"{"topics": [1]}"#, "a string"),
            (r#"{"exposure": ["severe"]}"#, "severe"),
            (r#"{"platform": ["aws"]}"#, "platform"),
            (r#"[1, 2]"#, "filters:"),
        ] {
            let e = read(json).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(
                e.starts_with("filters: ") && e.contains(field),
                "{json}: {e:?}"
            );
        }
    }
}
