//! Near-identical clause wordings of different provisions.
//!
//! The matcher finds a clause by the word sequences (seeds) that few
//! provisions share; two provisions whose wordings are nearly the same share
//! almost every seed, so neither is found. A pack may therefore not hold two
//! provisions with near-identical wordings, nor restate a clause the knowledge
//! base already has with a few words changed.
//!
//! Two wordings are near-identical when one contains the other (as a run of
//! normalised words) or when their sets of distinct normalised words agree to
//! at least [`NEAR_DUPLICATE_DICE`] (Dice: twice the shared words over the sum
//! of both counts). Candidates are found without comparing every pair: words
//! are ranked rarest first, every wording is indexed under each of its words,
//! and a wording is compared only with those indexed under the few rarest of
//! its own words that any wording agreeing that much must share (prefix
//! filtering), or, for containment, under its rarest word.
//!
//! The wordings are compared as word ids: numbered from their texts
//! ([`near_duplicates`]), or as the engine's matcher numbered them
//! ([`near_duplicates_in_ids`]), so that checking a pack against the
//! knowledge base does not split every built-in wording into words again.

use crate::text::{Words, shared_in_sorted};
use rustc_hash::FxHashMap as HashMap;

/// The Dice agreement of distinct words at or above which two wordings of
/// different provisions are near-identical. A clause with one word added
/// agrees at 0.95 or more (and contains the other), one with a word changed at
/// 0.91 for the shortest clauses (about 11 distinct words) and more for
/// longer ones; the closest pair of different built-in provisions
/// (two AWS service terms on competing models) agrees at 0.85
/// (`the_built_in_knowledge_base_has_no_near_duplicates` measures it).
pub const NEAR_DUPLICATE_DICE: f64 = 0.9;

/// How two wordings are alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Likeness {
    /// The wording contains the other one whole.
    Contains,
    /// The wording is part of the other one.
    PartOf,
    /// Percent of their distinct words the two share (Dice).
    Shares(u32),
}

impl std::fmt::Display for Likeness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Likeness::Contains => f.write_str("contains the whole wording"),
            Likeness::PartOf => f.write_str("is part of the wording"),
            Likeness::Shares(pct) => write!(f, "shares {pct}% of its words with the wording"),
        }
    }
}

/// A wording near-identical to an earlier one of another provision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Near {
    /// The wording (an index into the list given to [`near_duplicates`]).
    pub wording: usize,
    /// The earlier wording it is like.
    pub other: usize,
    /// How.
    pub likeness: Likeness,
}

/// Wordings given as `(owner, text)`, `owner` the provision each belongs to:
/// for each wording at or after `first_new`, the first earlier wording of
/// another owner that it is near-identical to (identical texts excepted: the
/// same-quote rule names those). Wordings before `first_new` are not checked
/// against each other.
pub fn near_duplicates(wordings: &[(usize, &str)], first_new: usize) -> Vec<Near> {
    let words: Vec<Words> = wordings.iter().map(|(_, t)| Words::new(t)).collect();
    let ids = numbered(&words);
    let list: Vec<(usize, &[u32])> = (wordings.iter().zip(&ids))
        .map(|(&(owner, _), ids)| (owner, ids.as_slice()))
        .collect();
    near_duplicates_in_ids(&list, first_new)
}

/// [`near_duplicates`] over wordings given as `(owner, word ids)`: each
/// wording's normalised words, numbered so that two words are equal exactly
/// when their ids are (the matcher's word ids, or [`numbered`]). The same
/// answer as from the texts: a run of words is a run of ids, and the words
/// are ranked by their first appearance whatever their ids.
///
/// Only the wordings from `first_new` on are checked, so only their words'
/// postings are made, and a word's rank is its key (how many wordings hold
/// it, then its first appearance), compared as it is rather than numbered:
/// the probes of [`near_duplicates_reference`], in its order, without
/// ranking every wording's word set.
pub fn near_duplicates_in_ids(wordings: &[(usize, &[u32])], first_new: usize) -> Vec<Near> {
    let seqs: Vec<&[u32]> = wordings.iter().map(|&(_, ids)| ids).collect();
    let keys = Keys::of(&seqs);
    let (postings, rarest) = keys.postings(&seqs, first_new);
    let mut sets: Vec<Option<Vec<u64>>> = vec![None; seqs.len()];
    let mut found = Vec::new();
    let mut seen = vec![usize::MAX; seqs.len()];
    for j in first_new..wordings.len() {
        let set_j = keys.set(seqs[j]);
        let mut near = None;
        // Agreement: any earlier wording agreeing enough shares a word of the prefix.
        'probe: for &k in &set_j[..prefix_len(set_j.len())] {
            for &i in &postings[Keys::word(k)] {
                let i = i as usize;
                if i >= j {
                    break;
                }
                if seen[i] == j || wordings[i].0 == wordings[j].0 {
                    continue;
                }
                seen[i] = j;
                let set_i = sets[i].get_or_insert_with(|| keys.set(seqs[i]));
                if let Some(likeness) = likeness(seqs[j], seqs[i], &set_j, set_i) {
                    near = Some((i, likeness));
                    break 'probe;
                }
            }
        }
        // Containment of an earlier wording: the first whose rarest word it holds.
        if near.is_none() {
            for &k in &set_j {
                let word = Keys::word(k);
                for &i in &postings[word] {
                    let i = i as usize;
                    if i >= j || near.is_some_and(|(n, _)| n <= i) {
                        break;
                    }
                    if rarest[i] == Some(word)
                        && wordings[i].0 != wordings[j].0
                        && contains_run(seqs[j], seqs[i])
                        && seqs[j] != seqs[i]
                    {
                        near = Some((i, Likeness::Contains));
                        break;
                    }
                }
            }
        }
        if let Some((other, likeness)) = near {
            found.push(Near {
                wording: j,
                other,
                likeness,
            });
        }
    }
    found
}

/// Every word of a list of wordings numbered by its first appearance, and
/// how many wordings hold it: its key, `(wordings << 32) | first`, orders the
/// words as [`ranked_sets`] ranks them, rarest first.
struct Keys {
    /// Word id -> its number by first appearance (`u32::MAX`: none).
    first: Vec<u32>,
    /// By number: how many wordings hold the word.
    frequency: Vec<u32>,
}

impl Keys {
    fn of(seqs: &[&[u32]]) -> Keys {
        let bound = seqs.iter().flat_map(|s| s.iter()).max();
        let mut first = vec![u32::MAX; bound.map_or(0, |&m| m as usize + 1)];
        let mut frequency: Vec<u32> = Vec::new();
        // By number: the last wording (plus one) counted for the word.
        let mut last: Vec<u32> = Vec::new();
        for (i, seq) in seqs.iter().enumerate() {
            for &id in seq.iter() {
                if first[id as usize] == u32::MAX {
                    first[id as usize] = frequency.len() as u32;
                    frequency.push(0);
                    last.push(0);
                }
                let f = first[id as usize] as usize;
                if last[f] != i as u32 + 1 {
                    last[f] = i as u32 + 1;
                    frequency[f] += 1;
                }
            }
        }
        Keys { first, frequency }
    }

    /// The key of a word id.
    fn key(&self, id: u32) -> u64 {
        let f = self.first[id as usize];
        (u64::from(self.frequency[f as usize]) << 32) | u64::from(f)
    }

    /// The word (its number) of a key.
    fn word(key: u64) -> usize {
        (key & u64::from(u32::MAX)) as usize
    }

    /// A wording's distinct words as keys, rarest first.
    fn set(&self, seq: &[u32]) -> Vec<u64> {
        let mut set: Vec<u64> = seq.iter().map(|&id| self.key(id)).collect();
        set.sort_unstable();
        set.dedup();
        set
    }

    /// For each word of the wordings from `first_new` on, the wordings that
    /// hold it, in order (no list for the other words); and each wording's
    /// rarest word.
    fn postings(&self, seqs: &[&[u32]], first_new: usize) -> (Vec<Vec<u32>>, Vec<Option<usize>>) {
        let mut postings: Vec<Vec<u32>> = vec![Vec::new(); self.frequency.len()];
        let mut wanted = vec![false; self.frequency.len()];
        for &id in seqs.iter().skip(first_new).flat_map(|s| s.iter()) {
            wanted[self.first[id as usize] as usize] = true;
        }
        let mut rarest = Vec::with_capacity(seqs.len());
        for (i, seq) in seqs.iter().enumerate() {
            let mut min: Option<u64> = None;
            for &id in seq.iter() {
                let key = self.key(id);
                min = Some(min.map_or(key, |m| m.min(key)));
                let list = &mut postings[Keys::word(key)];
                if wanted[Keys::word(key)] && list.last() != Some(&(i as u32)) {
                    list.push(i as u32);
                }
            }
            rarest.push(min.map(Keys::word));
        }
        (postings, rarest)
    }
}

/// [`near_duplicates_in_ids`] as its definition reads: every wording's
/// ranked set, every word's postings, then the probes. Kept as the reference
/// the faster one is tested against (`tests/packs.rs`).
#[doc(hidden)]
pub fn near_duplicates_reference(wordings: &[(usize, &[u32])], first_new: usize) -> Vec<Near> {
    let seqs: Vec<&[u32]> = wordings.iter().map(|&(_, ids)| ids).collect();
    let sets = ranked_id_sets(&seqs);
    let vocabulary = sets.iter().flatten().max().map_or(0, |&r| r as usize + 1);
    let mut postings: Vec<Vec<u32>> = vec![Vec::new(); vocabulary];
    for (i, set) in sets.iter().enumerate() {
        for &r in set {
            postings[r as usize].push(i as u32);
        }
    }
    let alike = |i: usize, j: usize| likeness(seqs[j], seqs[i], &sets[j], &sets[i]);
    let mut found: Vec<Option<Near>> = vec![None; wordings.len()];
    let mut seen = vec![usize::MAX; wordings.len()];
    // Agreement: any earlier wording agreeing enough shares a word of the prefix.
    for j in first_new..wordings.len() {
        let prefix = prefix_len(sets[j].len());
        'probe: for &r in &sets[j][..prefix] {
            for &i in &postings[r as usize] {
                let i = i as usize;
                if i >= j {
                    break;
                }
                if seen[i] == j || wordings[i].0 == wordings[j].0 {
                    continue;
                }
                seen[i] = j;
                if let Some(likeness) = alike(i, j) {
                    found[j] = Some(Near {
                        wording: j,
                        other: i,
                        likeness,
                    });
                    break 'probe;
                }
            }
        }
    }
    // Containment of an earlier wording: the later one holds its rarest word.
    for (i, set) in sets.iter().enumerate() {
        let Some(&rarest) = set.first() else { continue };
        for &j in &postings[rarest as usize] {
            let j = j as usize;
            if j <= i || j < first_new || found[j].is_some() || wordings[i].0 == wordings[j].0 {
                continue;
            }
            if contains_run(seqs[j], seqs[i]) && seqs[j] != seqs[i] {
                found[j] = Some(Near {
                    wording: j,
                    other: i,
                    likeness: Likeness::Contains,
                });
            }
        }
    }
    found.into_iter().flatten().collect()
}

/// Whether `needle` is a run of `hay` (the empty one always is).
fn contains_run(hay: &[u32], needle: &[u32]) -> bool {
    needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
}

/// How wording `a` is like wording `b` (their word ids; `sa`, `sb`: their
/// ranked sets), if near-identical and not the same text.
fn likeness<T: Ord>(a: &[u32], b: &[u32], sa: &[T], sb: &[T]) -> Option<Likeness> {
    if a.is_empty() || b.is_empty() || a == b {
        return None;
    }
    if contains_run(a, b) {
        return Some(Likeness::Contains);
    }
    if contains_run(b, a) {
        return Some(Likeness::PartOf);
    }
    let d = dice(sa, sb);
    (d >= NEAR_DUPLICATE_DICE).then(|| Likeness::Shares((d * 100.0).floor() as u32))
}

/// Dice agreement of two sorted sets.
pub fn dice<T: Ord>(a: &[T], b: &[T]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 0.0;
    }
    2.0 * shared_in_sorted(a, b) as f64 / (a.len() + b.len()) as f64
}

/// How many of a set's rarest words any set agreeing with it at
/// [`NEAR_DUPLICATE_DICE`] or more must share one of: with `n` words and
/// `o` shared, Dice >= d needs o >= d·n / (2 - d), so at most `n - o` of them
/// are missing from the other set, and `n - o + 1` always hit it. A set
/// contained in the other is found from the other side (its rarest word).
fn prefix_len(n: usize) -> usize {
    if n == 0 {
        return 0;
    }
    let d = NEAR_DUPLICATE_DICE;
    let overlap = (d * n as f64 / (2.0 - d)).ceil() as usize;
    (n + 1).saturating_sub(overlap).clamp(1, n)
}

/// Each wording's normalised words as ids, numbered in order of first
/// appearance.
fn numbered(words: &[Words]) -> Vec<Vec<u32>> {
    let mut ids: HashMap<&str, u32> = HashMap::default();
    (words.iter())
        .map(|w| {
            w.iter()
                .map(|word| {
                    let next = ids.len() as u32;
                    *ids.entry(word.norm.as_str()).or_insert(next)
                })
                .collect()
        })
        .collect()
}

/// Each wording's distinct words as ranks (rarest first over all wordings,
/// ties by first appearance), sorted.
pub fn ranked_sets(words: &[Words]) -> Vec<Vec<u32>> {
    let ids = numbered(words);
    let seqs: Vec<&[u32]> = ids.iter().map(Vec::as_slice).collect();
    ranked_id_sets(&seqs)
}

/// [`ranked_sets`] of wordings given as word ids: the ids are numbered again
/// by first appearance, so that any numbering of the same words ranks alike.
fn ranked_id_sets(seqs: &[&[u32]]) -> Vec<Vec<u32>> {
    let bound = seqs.iter().flat_map(|s| s.iter()).max();
    let mut first = vec![u32::MAX; bound.map_or(0, |&m| m as usize + 1)];
    let mut frequency: Vec<u32> = Vec::new();
    let sets: Vec<Vec<u32>> = (seqs.iter())
        .map(|seq| {
            let mut set: Vec<u32> = (seq.iter())
                .map(|&id| {
                    if first[id as usize] == u32::MAX {
                        first[id as usize] = frequency.len() as u32;
                        frequency.push(0);
                    }
                    first[id as usize]
                })
                .collect();
            set.sort_unstable();
            set.dedup();
            for &id in &set {
                frequency[id as usize] += 1;
            }
            set
        })
        .collect();
    let mut order: Vec<u32> = (0..frequency.len() as u32).collect();
    crate::sort::by_key(&mut order, |&id| (frequency[id as usize], id));
    let mut rank = vec![0u32; order.len()];
    for (r, &id) in order.iter().enumerate() {
        rank[id as usize] = r as u32;
    }
    sets.into_iter()
        .map(|set| {
            let mut ranked: Vec<u32> = set.into_iter().map(|id| rank[id as usize]).collect();
            ranked.sort_unstable();
            ranked
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLAUSE: &str = "Customer Content will not be used to train any model unless the customer has opted in to such use in writing.";

    #[test]
    fn a_clause_plus_one_word_is_near_and_a_different_clause_is_not() {
        let plus = format!("{CLAUSE} today");
        let other = "Either party may terminate this agreement for convenience on thirty days written notice to the other party.";
        let list = [(0, CLAUSE), (1, plus.as_str()), (2, other)];
        let near = near_duplicates(&list, 1);
        assert_eq!(
            near,
            [Near {
                wording: 1,
                other: 0,
                likeness: Likeness::Contains
            }]
        );
    }

    #[test]
    fn one_word_changed_shares_most_words() {
        let changed = CLAUSE.replace("writing", "advance");
        let list = [(0, CLAUSE), (1, changed.as_str())];
        let near = near_duplicates(&list, 0);
        assert_eq!(near.len(), 1);
        assert!(
            matches!(near[0].likeness, Likeness::Shares(p) if p >= 90),
            "{near:?}"
        );
    }

    #[test]
    fn a_wording_containing_an_earlier_short_one_is_found_from_its_rarest_word() {
        let long = format!(
            "{CLAUSE} {}",
            "Other paragraphs about billing, invoices, taxes, payment terms, late fees, disputes and refunds follow here."
        );
        let list = [(0, CLAUSE), (1, long.as_str())];
        let near = near_duplicates(&list, 1);
        assert_eq!(near.len(), 1);
        assert_eq!(near[0].likeness, Likeness::Contains);
        // The other way round: the later, shorter one is part of the earlier.
        let list = [(0, long.as_str()), (1, CLAUSE)];
        assert_eq!(near_duplicates(&list, 1)[0].likeness, Likeness::PartOf);
    }

    #[test]
    fn the_same_owner_and_the_same_text_are_left_to_other_rules() {
        let plus = format!("{CLAUSE} today");
        assert!(near_duplicates(&[(0, CLAUSE), (0, plus.as_str())], 0).is_empty());
        assert!(near_duplicates(&[(0, CLAUSE), (1, CLAUSE)], 0).is_empty());
    }

    #[test]
    fn prefixes_cover_every_set_agreeing_enough() {
        for n in 1..200 {
            let p = prefix_len(n);
            assert!((1..=n).contains(&p), "{n}: {p}");
            let overlap = (NEAR_DUPLICATE_DICE * n as f64 / (2.0 - NEAR_DUPLICATE_DICE)).ceil();
            assert!(n - p < overlap as usize, "{n}: {p}");
        }
    }
}
