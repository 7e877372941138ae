//! Seeds: word n-grams of every known wording, looked up by word ids.
//!
//! A wording of `m` words gives the seeds that start at words 0, s, 2s, ...
//! (s = stride) and the one that ends at its last word:
//!
//! ```text
//!  clause:  w0 w1 w2 w3 w4 w5 w6 w7 w8        (n = 4, s = 2)
//!  seeds:   [w0 .. w3]
//!                 [w2 .. w5]
//!                       [w4 .. w7]
//!                          [w5 .. w8]   <- the tail seed
//! ```
//!
//! Every word of the knowledge base gets a number (its id); a seed is then its
//! n ids packed into one `u128`, and the seed table a hash map from that key to
//! the (wording, clause word) pairs it stands for. The page's words are mapped
//! to ids once (a word the knowledge base never uses gets none), and every run
//! of n page words with ids is one table lookup. The page is already split into
//! words, so a seed is found with one lookup per page word: no automaton over
//! the page's characters is needed, and building the table costs one insert
//! per seed (at 10,000 provisions the byte automaton took 1.5 s to build and
//! most of the engine's memory; BENCHMARKS.md, "Word-id seeds").

use super::Thresholds;
use crate::text::Words;
use rustc_hash::FxHashMap as HashMap;

/// A seed has at most this many words: four 32-bit ids fill a `u128` key.
pub(super) const MAX_SEED_WORDS: usize = 4;

/// No word id: a page word the knowledge base never uses (and the padding of
/// a key shorter than [`MAX_SEED_WORDS`]).
const NONE: u32 = u32::MAX;

/// The key of a run of word ids (at most [`MAX_SEED_WORDS`]; shorter runs are
/// padded with [`NONE`], so a 3-word seed never equals a 4-word one).
fn key(ids: &[u32]) -> u128 {
    (0..MAX_SEED_WORDS).fold(0u128, |k, i| {
        (k << 32) | u128::from(ids.get(i).copied().unwrap_or(NONE))
    })
}

/// The seed table and, per seed, the (wording, clause word) pairs it stands for.
pub(super) struct SeedIndex {
    /// Words per seed (`Thresholds::seed_words`, clamped to 1..=4).
    n: usize,
    /// Every word of every wording, numbered.
    vocabulary: HashMap<Box<str>, u32>,
    /// Seed key -> index into `targets`.
    seeds: HashMap<u128, u32>,
    /// Per seed: (wording index, clause word where the seed starts).
    targets: Vec<Vec<(u32, u32)>>,
    /// Lengths under `n` of wordings that are shorter than a seed (their one
    /// seed is the whole wording), ascending.
    short: Vec<usize>,
}

impl SeedIndex {
    /// `wordings` yields (provision index, normalised words) per wording, in
    /// wording-index order.
    pub(super) fn build<'a>(
        wordings: impl Iterator<Item = (usize, Vec<&'a str>)>,
        t: &Thresholds,
    ) -> SeedIndex {
        let n = t.seed_words.clamp(1, MAX_SEED_WORDS);
        let stride = t.seed_stride.max(1);
        let mut vocabulary: HashMap<Box<str>, u32> = HashMap::default();
        let mut by_seed: HashMap<u128, Vec<(u32, u32)>> = HashMap::default();
        // Every n-gram at every offset, with the number of provisions holding
        // it: a seed is generic by its words, wherever it starts in each
        // clause. Counted once per provision: wordings arrive grouped by
        // provision.
        let mut provisions_of: HashMap<u128, (usize, usize)> = HashMap::default();
        let mut short: Vec<usize> = Vec::new();
        let mut ids: Vec<u32> = Vec::new();
        for (wi, (provision, norms)) in wordings.enumerate() {
            let m = norms.len();
            if m == 0 {
                continue;
            }
            ids.clear();
            for word in &norms {
                let next = vocabulary.len() as u32;
                let id = match vocabulary.get(*word) {
                    Some(&id) => id,
                    None => {
                        vocabulary.insert((*word).into(), next);
                        next
                    }
                };
                ids.push(id);
            }
            if m < n && !short.contains(&m) {
                short.push(m);
            }
            for window in ids.windows(n.min(m)) {
                let entry = provisions_of.entry(key(window)).or_insert((usize::MAX, 0));
                if entry.0 != provision {
                    *entry = (provision, entry.1 + 1);
                }
            }
            let mut starts: Vec<usize> = (0..m.saturating_sub(n) + 1).step_by(stride).collect();
            if m > n && starts.last() != Some(&(m - n)) {
                starts.push(m - n);
            }
            for s in starts {
                by_seed
                    .entry(key(&ids[s..(s + n).min(m)]))
                    .or_default()
                    .push((wi as u32, s as u32));
            }
        }
        short.sort_unstable();
        let mut seeds = HashMap::default();
        let mut targets = Vec::new();
        for (k, list) in by_seed {
            let generic = provisions_of
                .get(&k)
                .is_some_and(|&(_, count)| count >= t.generic_seed_provisions);
            if !generic {
                seeds.insert(k, targets.len() as u32);
                targets.push(list);
            }
        }
        SeedIndex {
            n,
            vocabulary,
            seeds,
            targets,
            short,
        }
    }

    /// Number of seeds.
    pub(super) fn len(&self) -> usize {
        self.targets.len()
    }

    /// The word id of each word of `words` ([`NONE`] for a word no wording
    /// uses): two words are equal exactly when their ids are, except that
    /// two unknown words both get [`NONE`] (which no known wording holds).
    pub(super) fn ids(&self, words: &Words) -> Vec<u32> {
        words
            .iter()
            .map(|w| {
                self.vocabulary
                    .get(w.norm.as_str())
                    .copied()
                    .unwrap_or(NONE)
            })
            .collect()
    }

    /// Seed hits in a page given as word ids ([`SeedIndex::ids`]), per
    /// wording index: (page word, clause word).
    pub(super) fn hits(&self, ids: &[u32]) -> HashMap<usize, Vec<(u32, u32)>> {
        let mut out: HashMap<usize, Vec<(u32, u32)>> = HashMap::default();
        if self.targets.is_empty() {
            return out;
        }
        for &len in self.short.iter().chain(std::iter::once(&self.n)) {
            // `known` counts the ids in a row that end at word p.
            let mut known = 0;
            for (p, &id) in ids.iter().enumerate() {
                known = if id == NONE { 0 } else { known + 1 };
                if known < len {
                    continue;
                }
                let start = p + 1 - len;
                let Some(&index) = self.seeds.get(&key(&ids[start..=p])) else {
                    continue;
                };
                for &(wi, q) in &self.targets[index as usize] {
                    out.entry(wi as usize).or_default().push((start as u32, q));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(wordings: &[&str], t: &Thresholds) -> (Vec<Words>, SeedIndex) {
        let words: Vec<Words> = wordings.iter().map(|w| Words::new(w)).collect();
        let index = SeedIndex::build(words.iter().enumerate().map(|(i, w)| (i, w.norms())), t);
        (words, index)
    }

    #[test]
    fn keys_of_different_lengths_differ() {
        assert_ne!(key(&[1, 2, 3]), key(&[1, 2, 3, NONE - 1]));
        assert_ne!(key(&[0]), key(&[0, 0]));
        assert_eq!(key(&[7, 8, 9, 10]), key(&[7, 8, 9, 10]));
    }

    #[test]
    fn seeds_are_found_only_as_whole_runs_of_words() {
        let t = Thresholds::default();
        let (_, index) = index(&["alpha beta gamma delta epsilon zeta"], &t);
        // Seeds start at words 0 and 2 ("gamma delta epsilon zeta" is also the tail).
        assert_eq!(index.len(), 2);
        let page = Words::new("x alpha beta gamma delta y gamma delta epsilon zeta");
        let hits = index.hits(&index.ids(&page));
        assert_eq!(hits.get(&0), Some(&vec![(1, 0), (6, 2)]));
        // "alphabeta" is another word: no hit, even though the letters are there.
        let glued = Words::new("alphabeta gamma delta");
        assert!(index.hits(&index.ids(&glued)).is_empty());
    }

    #[test]
    fn a_word_unknown_to_the_knowledge_base_breaks_a_run() {
        let t = Thresholds::default();
        let (_, index) = index(&["one two three four five"], &t);
        let page = Words::new("one two three zzz four five one two three four");
        let hits = index.hits(&index.ids(&page));
        assert_eq!(hits.get(&0), Some(&vec![(6, 0)]));
    }

    #[test]
    fn wordings_shorter_than_a_seed_are_one_seed() {
        let t = Thresholds::default();
        let (_, index) = index(&["short clause", "one two three four five"], &t);
        let hits = index.hits(&index.ids(&Words::new("a short clause here")));
        assert_eq!(hits.get(&0), Some(&vec![(1, 0)]));
        assert!(!hits.contains_key(&1));
    }

    #[test]
    fn generic_seeds_are_dropped() {
        let t = Thresholds::default();
        let shared = "similar or competing product";
        let wordings: Vec<String> = (0..3).map(|i| format!("clause{i} says {shared}")).collect();
        let refs: Vec<&str> = wordings.iter().map(String::as_str).collect();
        let (_, index) = index(&refs, &t);
        let hits = index.hits(&index.ids(&Words::new(shared)));
        assert!(hits.is_empty(), "{hits:?}");
    }
}
