//! Seeds: word n-grams of every known wording, found in one Aho-Corasick pass.
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
//! The automaton runs over the page's joined words ("w0 w1 w2 ..."); a match
//! counts only when it starts and ends on word boundaries.

use super::Thresholds;
use crate::text::Words;
use aho_corasick::{AhoCorasick, MatchKind};
use rustc_hash::{FxHashMap as HashMap, FxHasher};
use std::hash::{Hash, Hasher};

/// A hash of an n-gram's words (a collision could only mark one seed generic).
/// FxHash rather than the standard SipHash: the keys are the knowledge base's own
/// words, not an attacker's, and the census hashes every n-gram of every wording
/// at each engine load (issue 6, BENCHMARKS.md).
fn ngram_hash(words: &[&str]) -> u64 {
    let mut h = FxHasher::default();
    words.hash(&mut h);
    h.finish()
}

/// The automaton and, per pattern, the (wording, clause word) it stands for.
pub(super) struct SeedIndex {
    automaton: Option<AhoCorasick>,
    targets: Vec<Vec<(u32, u32)>>,
}

impl SeedIndex {
    /// `wordings` yields (provision index, normalised words) per wording, in
    /// wording-index order.
    pub(super) fn build<'a>(
        wordings: impl Iterator<Item = (usize, Vec<&'a str>)>,
        t: &Thresholds,
    ) -> SeedIndex {
        let n = t.seed_words.max(1);
        let stride = t.seed_stride.max(1);
        let mut by_pattern: HashMap<String, Vec<(u32, u32)>> = HashMap::default();
        // Every n-gram at every offset, with the number of provisions holding
        // it: a seed is generic by its words, wherever it starts in each
        // clause. Keyed by a hash of the words (no string per n-gram), and
        // counted once per provision: wordings arrive grouped by provision.
        let mut provisions_of: HashMap<u64, (usize, usize)> = HashMap::default();
        for (wi, (provision, norms)) in wordings.enumerate() {
            let m = norms.len();
            if m == 0 {
                continue;
            }
            for window in norms.windows(n.min(m)) {
                let entry = provisions_of
                    .entry(ngram_hash(window))
                    .or_insert((usize::MAX, 0));
                if entry.0 != provision {
                    *entry = (provision, entry.1 + 1);
                }
            }
            let mut starts: Vec<usize> = (0..m.saturating_sub(n) + 1).step_by(stride).collect();
            if m > n && starts.last() != Some(&(m - n)) {
                starts.push(m - n);
            }
            for s in starts {
                let pattern = norms[s..(s + n).min(m)].join(" ");
                by_pattern
                    .entry(pattern)
                    .or_default()
                    .push((wi as u32, s as u32));
            }
        }
        let mut patterns = Vec::new();
        let mut targets = Vec::new();
        let mut entries: Vec<(String, Vec<(u32, u32)>)> = by_pattern.into_iter().collect();
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for (pattern, t_list) in entries {
            let words: Vec<&str> = pattern.split(' ').collect();
            let generic = provisions_of
                .get(&ngram_hash(&words))
                .is_some_and(|&(_, count)| count >= t.generic_seed_provisions);
            if !generic {
                patterns.push(pattern);
                targets.push(t_list);
            }
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .ok();
        SeedIndex { automaton, targets }
    }

    /// Number of seed patterns.
    pub(super) fn len(&self) -> usize {
        self.targets.len()
    }

    /// Seed hits in `page`, per wording index: (page word, clause word).
    pub(super) fn hits(&self, page: &Words) -> HashMap<usize, Vec<(u32, u32)>> {
        let mut out: HashMap<usize, Vec<(u32, u32)>> = HashMap::default();
        let Some(ac) = &self.automaton else {
            return out;
        };
        let joined = page.joined();
        let bytes = joined.as_bytes();
        for m in ac.find_overlapping_iter(joined) {
            let ends_on_boundary = m.end() == bytes.len() || bytes.get(m.end()) == Some(&b' ');
            if !ends_on_boundary {
                continue;
            }
            let Some(p) = page.word_at(m.start()) else {
                continue;
            };
            let Some(list) = self.targets.get(m.pattern().as_usize()) else {
                continue;
            };
            for &(wi, q) in list {
                out.entry(wi as usize).or_default().push((p as u32, q));
            }
        }
        out
    }
}
