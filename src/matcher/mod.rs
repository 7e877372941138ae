//! The matcher: finds known clauses in a page's text.
//!
//! ```text
//!  page text ──Words::new──▶ words ──joined──▶ "you will not use output to ..."
//!                                                 │
//!        one Aho-Corasick pass over the joined words (seeds.rs)
//!                                                 ▼
//!        seed hits (page word p, clause word q, wording w)
//!                                                 │
//!        grouped per wording into chains: close in the page, on one diagonal p-q (chain.rs)
//!                                                 ▼
//!        candidate regions of the page ──word alignment with `similar` (align.rs)──▶ annotations
//! ```
//!
//! Every threshold is a named constant in [`Thresholds`], with the reason for
//! its value; ARCHITECTURE.md gives the figures measured on the corpus.

mod align;
mod chain;
mod seeds;
pub(crate) mod varints;

use crate::kb::KnowledgeBase;
use crate::kb::compare::WordSets;
use crate::text::{Span, Words};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use serde::{Deserialize, Serialize};

pub use align::{DiffOp, Op};

/// The tunable numbers of the matcher. See ARCHITECTURE.md, "Thresholds".
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct Thresholds {
    /// Words per seed. Four words almost never repeat by chance across the
    /// corpus (measured: see ARCHITECTURE.md), yet an edit every few words
    /// still leaves seeds between the edits.
    pub seed_words: usize,
    /// Seeds start every `seed_stride` words of a clause: any unchanged run of
    /// `seed_words + seed_stride - 1` words contains a whole seed.
    pub seed_stride: usize,
    /// A seed that occurs in this many provisions or more is generic
    /// ("in accordance with the") and is dropped.
    pub generic_seed_provisions: usize,
    /// A chain must cover this share of the clause's words with seeds before
    /// it is worth aligning.
    pub min_seed_cover: f32,
    /// After alignment, this share of the clause's words must be found.
    pub min_coverage: f32,
    /// ... and the harmonic mean of that share (coverage) and of the share of
    /// the region's page words that come from the clause (precision) must
    /// reach this: a clause scattered over a long passage is no match.
    pub min_f1: f32,
    /// ... and at least this many words must match, whatever the shares.
    pub min_matched_words: usize,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            seed_words: 4,
            seed_stride: 2,
            generic_seed_provisions: 3,
            min_seed_cover: 0.2,
            min_coverage: 0.4,
            min_f1: 0.55,
            min_matched_words: 10,
        }
    }
}

/// How a clause on the page compares with the known wordings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The page has a known wording, word for word.
    Exact,
    /// The page has a clause close to a known wording, with edits.
    Changed,
}

/// A known provision found in the page.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Found {
    /// Index of the provision in the knowledge base.
    #[serde(skip)]
    pub provision: usize,
    /// Index of the wording it matches best.
    #[serde(skip)]
    pub wording: usize,
    /// Exact or changed.
    pub status: Status,
    /// Where it is, in the raw text.
    #[serde(skip)]
    pub span: Span,
    /// Page words that differ from the known wording (inserted or replaced).
    #[serde(skip)]
    pub changes: Vec<Span>,
    /// Word diff from the known wording to the page (empty when exact).
    pub diff: Vec<DiffOp>,
    /// Matched words over the longer of clause and page region, 0..1.
    pub score: f32,
    /// Share of the clause's words found in the page region.
    #[serde(skip)]
    pub coverage: f32,
    /// Share of the page region's words that come from the clause.
    #[serde(skip)]
    pub precision: f32,
}

/// One known wording, prepared for matching: which wording it is and its
/// words' ids. Its text stays in the knowledge base, and where each word
/// stands in it is worked out again only for a clause that is aligned and
/// changed (`align::align`), so the matcher holds four bytes a word.
#[derive(Serialize, Deserialize)]
struct KnownWording {
    provision: usize,
    wording: usize,
    /// The words' ids in the seed table's vocabulary (compared instead of the
    /// words themselves).
    ids: Vec<u32>,
}

/// The built-in wordings in the compiled index: one run of varints
/// ([`varints`]), per wording its provision (as the distance from the one
/// before, wrapping), its index in the provision, its number of words and its
/// word ids.
mod wordings_as_varints {
    use super::KnownWording;
    use super::varints::{self, Take};
    use serde::{Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(
        wordings: &[KnownWording],
        s: S,
    ) -> Result<S::Ok, S::Error> {
        let mut last = 0u32;
        let entries = wordings.iter().map(|w| {
            let provision = w.provision as u32;
            let head = [
                provision.wrapping_sub(last),
                w.wording as u32,
                w.ids.len() as u32,
            ];
            last = provision;
            head.into_iter().chain(w.ids.iter().copied())
        });
        varints::serialize(entries, s)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Vec<KnownWording>, D::Error> {
        Ok(varints::deserialize(d, Wordings(Vec::new(), 0))?.0)
    }

    /// The wordings so far, and the provision of the last.
    struct Wordings(Vec<KnownWording>, u32);

    impl Take for Wordings {
        fn reserve(&mut self, count: usize) {
            // About 50 numbers a wording (three, then some 47 word ids).
            self.0.reserve(count / 50);
        }

        fn take(&mut self, mut numbers: &[u32]) -> Result<(), &'static str> {
            while let [distance, wording, len, rest @ ..] = numbers {
                let (ids, rest) =
                    (rest.split_at_checked(*len as usize)).ok_or("a wording cut short")?;
                self.1 = self.1.wrapping_add(*distance);
                self.0.push(KnownWording {
                    provision: self.1 as usize,
                    wording: *wording as usize,
                    ids: ids.to_vec(),
                });
                numbers = rest;
            }
            match numbers {
                [] => Ok(()),
                _ => Err("a wording cut short"),
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use super::{Take, Wordings};

        #[test]
        fn a_piece_holds_whole_wordings() {
            // Provision 0 wording 0 [7, 8]; provision 1 wording 1, no words;
            // provision 1 wording 2 [9] (provisions as distances).
            let numbers = [0, 0, 2, 7, 8, 1, 1, 0, 0, 2, 1, 9];
            let mut w = Wordings(Vec::new(), 0);
            assert_eq!(w.take(&numbers), Ok(()));
            let back: Vec<_> = (w.0.iter())
                .map(|k| (k.provision, k.wording, k.ids.clone()))
                .collect();
            assert_eq!(back, [(0, 0, vec![7, 8]), (1, 1, vec![]), (1, 2, vec![9])]);
            for cut in [1, 2, 4, 6, 9, 11] {
                let mut w = Wordings(Vec::new(), 0);
                assert_eq!(w.take(&numbers[..cut]), Err("a wording cut short"), "{cut}");
            }
        }
    }
}

/// Finds the provisions of a knowledge base in page text: one seed table over
/// the built-in provisions, which is (de)serialised whole into the compiled
/// index (`crate::kb::binary`), and, with custom packs, a second one over the
/// packs' provisions beside it ([`Matcher::add_packs`]).
#[derive(Serialize, Deserialize)]
pub struct Matcher {
    thresholds: Thresholds,
    #[serde(with = "wordings_as_varints")]
    wordings: Vec<KnownWording>,
    seeds: seeds::SeedIndex,
    /// The custom packs' provisions, made on load: never in the compiled index.
    #[serde(skip)]
    packs: Option<PackLayer>,
}

/// The seed table of the custom packs' provisions. Its words are numbered in
/// the built-in table's id space ([`seeds::Builder::extending`]), and its
/// wordings come after the built-in ones: wording index `i` of this layer is
/// the matcher's wording `built-in wordings + i`.
struct PackLayer {
    wordings: Vec<KnownWording>,
    seeds: seeds::SeedIndex,
}

impl Matcher {
    /// Builds the seed table over every wording of every provision.
    pub fn new(kb: &KnowledgeBase) -> Matcher {
        Matcher::with_thresholds(kb, Thresholds::default())
    }

    /// Builds with explicit thresholds (for calibration and tests).
    pub fn with_thresholds(kb: &KnowledgeBase, thresholds: Thresholds) -> Matcher {
        let all = kb.provisions.len();
        Matcher::build(kb, thresholds, all, usize::MAX)
    }

    /// Builds for a knowledge base whose first `base_provisions` provisions are
    /// the built-in ones and the rest come from custom packs: the built-in
    /// table as [`Matcher::new`] builds it for those, and the packs' table
    /// beside it ([`Matcher::add_packs`]).
    pub fn with_packs(kb: &KnowledgeBase, base_provisions: usize) -> Matcher {
        let base = base_provisions.min(kb.provisions.len());
        let mut matcher = Matcher::build(kb, Thresholds::default(), base, usize::MAX);
        matcher.add_packs(kb, base);
        matcher
    }

    /// One seed table over both layers, a seed's genericity counted in each
    /// layer apart: what [`Matcher::with_packs`] answers exactly as
    /// (`tests/packs.rs` checks it over the corpus), kept as that reference.
    #[doc(hidden)]
    pub fn layered(kb: &KnowledgeBase, base_provisions: usize) -> Matcher {
        let all = kb.provisions.len();
        Matcher::build(kb, Thresholds::default(), all, base_provisions)
    }

    /// Builds over the first `provisions` provisions of `kb`, those from
    /// `base_provisions` on counted as a layer of their own
    /// ([`seeds::Builder::layered`]).
    fn build(
        kb: &KnowledgeBase,
        thresholds: Thresholds,
        provisions: usize,
        base_provisions: usize,
    ) -> Matcher {
        let mut builder = seeds::Builder::layered(&thresholds, base_provisions);
        let wordings = known_wordings(kb, 0..provisions, &mut builder);
        let seeds = builder.finish();
        Matcher {
            thresholds,
            wordings,
            seeds,
            packs: None,
        }
    }

    /// Adds the provisions of `kb` from `base_provisions` on (the custom
    /// packs'; the ones before are those this matcher was built for) in a
    /// seed table of their own, replacing any added before. A seed is generic
    /// for a layer by that layer's provisions only, so no pack can make a
    /// built-in clause unfindable by repeating its words, nor the built-in
    /// ones a pack's; and the built-in table is used as it is (read from the
    /// compiled index), never built again.
    pub fn add_packs(&mut self, kb: &KnowledgeBase, base_provisions: usize) {
        self.packs = None;
        if base_provisions >= kb.provisions.len() {
            return;
        }
        let mut builder = seeds::Builder::extending(&self.thresholds, &self.seeds);
        let wordings = known_wordings(kb, base_provisions..kb.provisions.len(), &mut builder);
        let seeds = builder.finish();
        self.packs = Some(PackLayer { wordings, seeds });
    }

    /// The wording at matcher index `wi`: the built-in ones, then the packs'.
    fn wording(&self, wi: usize) -> Option<&KnownWording> {
        match wi.checked_sub(self.wordings.len()) {
            None => self.wordings.get(wi),
            Some(i) => self.packs.as_ref()?.wordings.get(i),
        }
    }

    /// Every wording, the built-in ones then the packs'.
    fn all_wordings(&self) -> impl Iterator<Item = &KnownWording> {
        let packs = self.packs.iter().flat_map(|p| p.wordings.iter());
        self.wordings.iter().chain(packs)
    }

    /// The id of a normalised word, if a wording uses it.
    fn id_of(&self, norm: &str) -> Option<u32> {
        self.seeds
            .id_of(norm)
            .or_else(|| self.packs.as_ref()?.seeds.id_of(norm))
    }

    /// Seed hits in a page given as word ids, per matcher wording index.
    fn hits(&self, ids: &[u32]) -> rustc_hash::FxHashMap<usize, Vec<(u32, u32)>> {
        let mut hits = self.seeds.hits(ids, |w| {
            self.wordings.get(w).map_or(&[][..], |k| k.ids.as_slice())
        });
        if let Some(packs) = &self.packs {
            let first = self.wordings.len();
            hits.extend(
                packs
                    .seeds
                    .hits(ids, |w| {
                        packs.wordings.get(w).map_or(&[][..], |k| k.ids.as_slice())
                    })
                    .into_iter()
                    .map(|(wi, h)| (first + wi, h)),
            );
        }
        hits
    }

    /// Completes a matcher read from the compiled index for `kb` (the seed
    /// table's lookup) and checks that its tables fit `kb`: every wording
    /// names a provision and wording that exist, and the seed table points at
    /// words that exist, so that annotating can never index out of bounds.
    /// `false` when they do not fit.
    pub fn restore(&mut self, kb: &KnowledgeBase) -> bool {
        let names_fit = self.wordings.iter().all(|w| {
            kb.provisions
                .get(w.provision)
                .is_some_and(|p| w.wording < p.wordings.len())
        });
        if !names_fit {
            return false;
        }
        let ids: Vec<&[u32]> = self.wordings.iter().map(|w| w.ids.as_slice()).collect();
        self.seeds.restore(&ids)
    }

    /// The word sets that comparisons rank by (`crate::kb::compare`), numbered
    /// by this matcher's vocabulary: each provision's newest wording from its
    /// word ids, each secondary quote split once (its words no wording uses
    /// numbered apart, from the top of the range down).
    pub fn word_sets(&self, kb: &KnowledgeBase) -> WordSets {
        let mut provisions = vec![Vec::new(); kb.provisions.len()];
        for w in self.all_wordings().filter(|w| w.wording == 0) {
            if let Some(set) = provisions.get_mut(w.provision) {
                let mut ids = w.ids.clone();
                ids.sort_unstable();
                ids.dedup();
                // Held for the engine's life: the duplicates' room is given back.
                ids.shrink_to_fit();
                *set = ids;
            }
        }
        let secondary = kb
            .secondary
            .iter()
            .map(|q| {
                let mut unknown: HashMap<&str, u32> = HashMap::default();
                let words = Words::new(&q.quote);
                let mut ids: Vec<u32> = words
                    .iter()
                    .map(|w| {
                        self.id_of(&w.norm).unwrap_or_else(|| {
                            let next = u32::MAX - unknown.len() as u32;
                            *unknown.entry(w.norm.as_str()).or_insert(next)
                        })
                    })
                    .collect();
                ids.sort_unstable();
                ids.dedup();
                ids.shrink_to_fit();
                ids
            })
            .collect();
        WordSets {
            provisions,
            secondary,
        }
    }

    /// Each wording's word ids (the built-in ones, then the packs'), with its
    /// provision and wording index: what the pack checks compare wordings by,
    /// instead of splitting their texts into words again.
    pub fn wording_ids(&self) -> impl Iterator<Item = (usize, usize, &[u32])> {
        (self.all_wordings()).map(|w| (w.provision, w.wording, w.ids.as_slice()))
    }

    /// The built-in table's words by id (`names[id]` is the word of `id`):
    /// what the wordings' texts are rebuilt from (`crate::kb::binary`).
    pub fn words_by_id(&self) -> Vec<&str> {
        self.seeds.words_by_id()
    }

    /// The built-in wording at matcher index `k` (they are in the order of
    /// their provisions, then of their wordings): its provision, wording
    /// index and word ids.
    pub fn built_in_wording(&self, k: usize) -> Option<(usize, usize, &[u32])> {
        let w = self.wordings.get(k)?;
        Some((w.provision, w.wording, w.ids.as_slice()))
    }

    /// How many built-in wordings the matcher holds.
    pub fn built_in_wordings(&self) -> usize {
        self.wordings.len()
    }

    /// The id of a normalised word in either seed table, if a wording uses it.
    pub fn word_id(&self, norm: &str) -> Option<u32> {
        self.id_of(norm)
    }

    /// One more than the largest word id of either seed table: ids from here
    /// up are no wording's.
    pub fn id_bound(&self) -> u32 {
        let packs = self.packs.as_ref().map_or(0, |p| p.seeds.vocabulary.len());
        (self.seeds.vocabulary.len() + packs) as u32
    }

    /// Number of seeds in the seed tables (the built-in one and the packs').
    pub fn seed_count(&self) -> usize {
        self.seeds.len() + self.packs.as_ref().map_or(0, |p| p.seeds.len())
    }

    /// Finds every known provision of `kb` (the knowledge base this matcher
    /// was built for, whose wordings' texts it reads) in `words` (the words
    /// of `raw`).
    pub fn find(&self, kb: &KnowledgeBase, raw: &str, words: &Words) -> Vec<Found> {
        self.find_where(kb, raw, words, |_| |_| true)
    }

    /// [`Matcher::find`], looking for changed clauses only where the caller
    /// still wants them.
    ///
    /// Exact copies are found first (the fast path: every seed of an exact
    /// copy lies on one diagonal of its chain). `changed` is then given those
    /// exact finds, one per provision, and says for which other provisions a
    /// changed clause is worth aligning: the engine keeps changed clauses only
    /// for the page's own document, which it decides from the exact ones.
    /// A provision found exact is never aligned again (exact beats changed).
    pub fn find_where<F: Fn(usize) -> bool>(
        &self,
        kb: &KnowledgeBase,
        raw: &str,
        words: &Words,
        changed: impl FnOnce(&[Found]) -> F,
    ) -> Vec<Found> {
        let ids = self.seeds.ids(words, self.packs.as_ref().map(|p| &p.seeds));
        let hits = self.hits(&ids);
        let mut by_provision: HashMap<usize, Vec<Found>> = HashMap::default();
        let mut pending: Vec<(&KnownWording, chain::Chain)> = Vec::new();
        for (wi, mut wording_hits) in hits {
            let Some(known) = self.wording(wi) else {
                continue;
            };
            crate::sort::ascending(&mut wording_hits);
            for group in chain::chains(&wording_hits, known.ids.len(), &self.thresholds) {
                // Fast path: the clause word for word on one of the chain's diagonals.
                let exact = group
                    .diagonals
                    .iter()
                    .find_map(|&d| align::exact_at(&known.ids, &ids, words, d));
                match exact {
                    Some(found) => add(&mut by_provision, known, found),
                    None => pending.push((known, group)),
                }
            }
        }
        let exact: Vec<Found> = by_provision
            .values()
            .filter_map(|c| best_occurrence(c.clone()).into_iter().next())
            .collect();
        let wanted = changed(&exact);
        let exact: HashSet<usize> = exact.iter().map(|f| f.provision).collect();
        for (known, group) in pending {
            if exact.contains(&known.provision) || !wanted(known.provision) {
                continue;
            }
            let text = kb
                .provisions
                .get(known.provision)
                .and_then(|p| p.wordings.get(known.wording));
            let Some(text) = text else {
                continue;
            };
            let region = group.region(known.ids.len(), words.len());
            let found = align::align(
                (&known.ids, &text.text),
                (words, &ids, raw),
                region,
                &self.thresholds,
            );
            if let Some(found) = found {
                add(&mut by_provision, known, found);
            }
        }
        let mut out: Vec<Found> = by_provision
            .into_values()
            .flat_map(best_occurrence)
            .collect();
        crate::sort::by_key(&mut out, |f| (f.span.start, f.provision));
        out
    }
}

/// The wordings of the provisions `provisions` of `kb`, added to `builder` one
/// at a time: each wording's words are dropped once its ids are kept (the
/// engine's memory never shrinks in Wasm).
fn known_wordings(
    kb: &KnowledgeBase,
    provisions: std::ops::Range<usize>,
    builder: &mut seeds::Builder,
) -> Vec<KnownWording> {
    let mut wordings = Vec::new();
    let first = provisions.start;
    for (pi, p) in kb
        .provisions
        .get(provisions)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        for (wi, w) in p.wordings.iter().enumerate() {
            let words = Words::new(&w.text);
            let ids = builder.add(first + pi, &words);
            wordings.push(KnownWording {
                provision: first + pi,
                wording: wi,
                ids,
            });
        }
    }
    wordings.shrink_to_fit();
    wordings
}

/// Files a find of `known` (whose provision and wording the find leaves unset)
/// among its provision's candidates.
fn add(by_provision: &mut HashMap<usize, Vec<Found>>, known: &KnownWording, found: Found) {
    by_provision
        .entry(known.provision)
        .or_default()
        .push(Found {
            provision: known.provision,
            wording: known.wording,
            ..found
        });
}

/// Of the candidates of one provision, keeps the best: exact before changed,
/// then the higher score, then the newer wording.
///
/// A provision is one clause of one document, so a page shows it once. Vendors
/// reuse clause templates (AWS repeats "Neither you nor your End Users will
/// ... extract" for several services); the other, weaker occurrences are the
/// sibling clauses, not this provision.
fn best_occurrence(mut candidates: Vec<Found>) -> Vec<Found> {
    crate::sort::by(&mut candidates, |a, b| {
        (b.status == Status::Exact)
            .cmp(&(a.status == Status::Exact))
            .then(b.score.total_cmp(&a.score))
            .then(a.wording.cmp(&b.wording))
    });
    candidates.truncate(1);
    candidates
}

/// Measurement of the compiled index's parts (`examples/kb_bin_profile.rs`).
#[doc(hidden)]
#[cfg(not(target_arch = "wasm32"))]
pub mod profile {
    use super::{KnowledgeBase, Matcher};
    use serde::{Serialize, de::DeserializeOwned};
    use std::time::Instant;

    /// One part: its name, its postcard bytes, and the time to decode them.
    pub type Part = (&'static str, usize, f64);

    fn ms(since: Instant) -> f64 {
        since.elapsed().as_secs_f64() * 1000.0
    }

    fn part<T: Serialize + DeserializeOwned>(name: &'static str, value: &T) -> Part {
        let bytes = postcard::to_allocvec(value).expect("encodes");
        let t = Instant::now();
        let back: T = postcard::from_bytes(&bytes).expect("decodes");
        let took = ms(t);
        drop(back);
        (name, bytes.len(), took)
    }

    /// The built-in wordings alone, as the compiled index holds them.
    #[derive(serde::Serialize, serde::Deserialize)]
    struct Wordings(#[serde(with = "super::wordings_as_varints")] Vec<super::KnownWording>);

    /// The matcher's tables one by one, then the steps of
    /// [`Matcher::restore`] (their byte count is 0: they read nothing).
    pub fn parts(m: &mut Matcher, kb: &KnowledgeBase) -> Vec<Part> {
        let wordings = Wordings(std::mem::take(&mut m.wordings));
        let mut out = vec![
            part("matcher: wordings (names, word ids)", &wordings),
            part("matcher: vocabulary (word -> id map)", &m.seeds.vocabulary),
            part(
                "matcher: seed targets, offsets, tags and buckets",
                &m.seeds.table_parts(),
            ),
        ];
        m.wordings = wordings.0;
        let t = Instant::now();
        let fits = m.restore(kb);
        assert!(fits);
        out.push(("restore: checks", 0, ms(t)));
        out
    }
}
