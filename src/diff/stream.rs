//! The alignment of two word streams: which words of the old text are the
//! same words, in the same order, in the new one.
//!
//! Words are compared by id (equal normalised forms, equal ids). To keep the
//! work proportional to what changed, the streams are first cut into chunks
//! by their content (a chunk ends after a word whose hash is 0 modulo
//! [`CHUNK_MODULUS`]), so a word edited, or text re-wrapped, changes at most
//! the chunk around it and never the cuts elsewhere. Chunks found exactly
//! once in each text anchor the alignment (the longest increasing run of
//! them, as in a patience diff); between anchors, Myers aligns the chunks,
//! then the words of the chunks left unequal. Every Myers run is bounded
//! ([`MAX_MYERS_WORK`]): a gap larger than that is reported as replaced
//! whole, which is what a rewrite of that size is to a reader anyway.

use rustc_hash::FxHashMap as HashMap;
use similar::DiffTag;
use similar::algorithms::{Capture, Compact, Replace, myers as similar_myers};
use std::ops::Range;

/// A word whose hash is 0 modulo this ends a chunk: chunks of 8 words on
/// average, small enough that an edit leaves most of a clause's chunks equal,
/// large enough that a repeated word rarely makes a chunk repeated.
const CHUNK_MODULUS: u64 = 8;

/// A chunk is cut after this many words whatever they are (a page of one word
/// repeated has no other cut).
const MAX_CHUNK_WORDS: usize = 64;

/// Myers is run on n old and m new items only when (n + m)² is at most this:
/// its cost is (n + m) x D with D, the items that differ, at most n + m. 64
/// million steps take well under a second; the OpenAI usage policies' 2024
/// rewrite (about 2,500 words a side) is under it at the word level.
const MAX_MYERS_WORK: usize = 64_000_000;

/// One step of the alignment, in order: indices into the two word streams.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Step {
    /// The same words on both sides (`old.len() == new.len()`).
    Equal {
        old: Range<usize>,
        new: Range<usize>,
    },
    /// Old words replaced by new words (either side possibly empty).
    Change {
        old: Range<usize>,
        new: Range<usize>,
    },
}

/// The alignment of `old` and `new` (word ids); `hash` gives each id's
/// content hash, the same for the same word on both sides.
pub(super) fn align(old: &[u32], new: &[u32], hash: &[u64]) -> Vec<Step> {
    let size = old.len().saturating_add(new.len());
    if size.saturating_mul(size) <= MAX_MYERS_WORK {
        // Small enough for the best alignment of the words themselves.
        let mut steps = Vec::new();
        words_diff(&mut steps, old, new, 0..old.len(), 0..new.len());
        return steps;
    }
    let (old_chunks, old_hashes) = chunks(old, hash);
    let (new_chunks, new_hashes) = chunks(new, hash);
    let (old_ids, new_ids) = chunk_ids(&old_hashes, &new_hashes);
    let mut steps = Vec::new();
    let mut prev = (0, 0);
    let anchors = anchors(&old_hashes, &new_hashes, &old_chunks);
    for (oi, ni) in anchors
        .into_iter()
        .chain(std::iter::once((old_chunks.len(), new_chunks.len())))
    {
        for (tag, o, n) in bounded_diff(&old_ids[prev.0..oi], &new_ids[prev.1..ni]) {
            let o = words_of(&old_chunks, prev.0 + o.start..prev.0 + o.end, old.len());
            let n = words_of(&new_chunks, prev.1 + n.start..prev.1 + n.end, new.len());
            if tag == DiffTag::Equal {
                push(&mut steps, Step::Equal { old: o, new: n });
            } else {
                words_diff(&mut steps, old, new, o, n);
            }
        }
        if oi < old_chunks.len() {
            let o = old_chunks[oi].clone();
            let n = new_chunks[ni].clone();
            push(&mut steps, Step::Equal { old: o, new: n });
        }
        prev = (oi + 1, ni + 1);
    }
    steps
}

/// The word range of chunks `r` (empty ranges at their position).
fn words_of(chunks: &[Range<usize>], r: Range<usize>, len: usize) -> Range<usize> {
    let start = chunks.get(r.start).map_or(len, |c| c.start);
    let end = if r.end > r.start {
        chunks[r.end - 1].end
    } else {
        start
    };
    start..end
}

/// The word-level alignment of old words `o` and new words `n`, appended.
fn words_diff(steps: &mut Vec<Step>, old: &[u32], new: &[u32], o: Range<usize>, n: Range<usize>) {
    for (tag, a, b) in bounded_diff(&old[o.clone()], &new[n.clone()]) {
        let a = o.start + a.start..o.start + a.end;
        let b = n.start + b.start..n.start + b.end;
        if tag == DiffTag::Equal {
            push(steps, Step::Equal { old: a, new: b });
        } else {
            push(steps, Step::Change { old: a, new: b });
        }
    }
}

/// The chunks' hashes of both sides as ids: equal hashes, equal ids. Myers
/// then runs on ids of one type everywhere in the crate (see [`myers`]).
fn chunk_ids(old: &[u64], new: &[u64]) -> (Vec<u32>, Vec<u32>) {
    let mut ids: HashMap<u64, u32> = HashMap::default();
    let mut id_of = |h: &u64| {
        let next = ids.len() as u32;
        *ids.entry(*h).or_insert(next)
    };
    let old = old.iter().map(&mut id_of).collect();
    let new = new.iter().map(&mut id_of).collect();
    (old, new)
}

/// The Myers diff of two id sequences, as `similar`'s `capture_diff_slices`
/// with `Algorithm::Myers` gives it (the same hooks: captured, replacements
/// joined, compacted), without its switch over every algorithm. Every Myers
/// of the crate comes through here on `u32` ids, so the Wasm holds one copy
/// of the algorithm rather than one per element type and algorithm.
pub(crate) fn myers(old: &[u32], new: &[u32]) -> Vec<similar::DiffOp> {
    let mut d = Compact::new(Replace::new(Capture::new()), old, new);
    let Ok(()) = similar_myers::diff_deadline(&mut d, old, 0..old.len(), new, 0..new.len(), None);
    d.into_inner().into_inner().into_ops()
}

/// Myers over two slices when within [`MAX_MYERS_WORK`], else one change.
fn bounded_diff(old: &[u32], new: &[u32]) -> Vec<(DiffTag, Range<usize>, Range<usize>)> {
    if old.is_empty() && new.is_empty() {
        return Vec::new();
    }
    let size = old.len().saturating_add(new.len());
    if size.saturating_mul(size) > MAX_MYERS_WORK {
        return vec![(DiffTag::Replace, 0..old.len(), 0..new.len())];
    }
    myers(old, new).iter().map(|op| op.as_tag_tuple()).collect()
}

/// Appends a step, merging it into the previous one of the same kind.
pub(super) fn push(steps: &mut Vec<Step>, step: Step) {
    let (o, n) = match &step {
        Step::Equal { old, new } | Step::Change { old, new } => (old.clone(), new.clone()),
    };
    if o.is_empty() && n.is_empty() {
        return;
    }
    match (steps.last_mut(), &step) {
        (Some(Step::Equal { old, new }), Step::Equal { .. })
        | (Some(Step::Change { old, new }), Step::Change { .. }) => {
            old.end = o.end;
            new.end = n.end;
        }
        _ => steps.push(step),
    }
}

/// The chunks of a word stream (word ranges) and their hashes.
fn chunks(ids: &[u32], hash: &[u64]) -> (Vec<Range<usize>>, Vec<u64>) {
    let mut ranges = Vec::with_capacity(ids.len() / CHUNK_MODULUS as usize + 1);
    let mut hashes = Vec::with_capacity(ranges.capacity());
    let mut start = 0;
    let mut h = super::snapshot::Fnv::new();
    for (i, &id) in ids.iter().enumerate() {
        let wh = hash[id as usize];
        h.write(&wh.to_le_bytes());
        if wh.is_multiple_of(CHUNK_MODULUS)
            || i + 1 - start >= MAX_CHUNK_WORDS
            || i + 1 == ids.len()
        {
            ranges.push(start..i + 1);
            hashes.push(h.finish());
            h = super::snapshot::Fnv::new();
            start = i + 1;
        }
    }
    (ranges, hashes)
}

/// Chunks found exactly once on each side, as (old, new) chunk indices: the
/// run of them in the same order on both sides with the most words (a
/// patience diff's anchors, weighed by length so that a long passage that
/// stayed is not given up for a short one that moved).
fn anchors(old: &[u64], new: &[u64], old_chunks: &[Range<usize>]) -> Vec<(usize, usize)> {
    // hash -> (count old, index old, count new, index new)
    let mut seen: HashMap<u64, (u32, usize, u32, usize)> =
        HashMap::with_capacity_and_hasher(old.len(), Default::default());
    for (i, h) in old.iter().enumerate() {
        let e = seen.entry(*h).or_insert((0, i, 0, 0));
        e.0 += 1;
    }
    for (j, h) in new.iter().enumerate() {
        if let Some(e) = seen.get_mut(h) {
            e.2 += 1;
            e.3 = j;
        }
    }
    let mut pairs: Vec<(usize, usize)> = seen
        .values()
        .filter(|e| e.0 == 1 && e.2 == 1)
        .map(|e| (e.1, e.3))
        .collect();
    crate::sort::ascending(&mut pairs);
    let weights: Vec<usize> = pairs.iter().map(|&(o, _)| old_chunks[o].len()).collect();
    heaviest_increasing(&pairs, &weights, new.len())
}

/// The subsequence of `pairs` (sorted by old index) whose new indices (below
/// `new_len`) increase and whose `weights` sum most: a Fenwick tree of best
/// sums by new index, O(k log n).
fn heaviest_increasing(
    pairs: &[(usize, usize)],
    weights: &[usize],
    new_len: usize,
) -> Vec<(usize, usize)> {
    // tree[k]: the best (sum, pair index + 1) among new indices it covers.
    let mut tree: Vec<(usize, usize)> = vec![(0, 0); new_len + 1];
    let mut back: Vec<usize> = vec![0; pairs.len()];
    let mut best = (0, 0);
    for (i, &(_, n)) in pairs.iter().enumerate() {
        // Best among new indices < n.
        let mut prior = (0, 0);
        let mut k = n;
        while k > 0 {
            prior = prior.max(tree[k]);
            k &= k - 1;
        }
        back[i] = prior.1;
        let here = (prior.0 + weights[i], i + 1);
        best = best.max(here);
        let mut k = n + 1;
        while k <= new_len {
            tree[k] = tree[k].max(here);
            k += k & k.wrapping_neg();
        }
    }
    let mut out = Vec::new();
    let mut cur = best.1;
    while cur > 0 {
        out.push(pairs[cur - 1]);
        cur = back[cur - 1];
    }
    out.reverse();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(s: &str) -> Vec<u32> {
        s.bytes().map(|b| u32::from(b - b'a')).collect()
    }

    #[test]
    fn steps_cover_both_streams_in_order() {
        let hash: Vec<u64> = (0..26u64).map(|i| i * 7 + 3).collect();
        let (old, new) = (ids("abcdefghijklmnop"), ids("abcxefghijmnopqq"));
        let steps = align(&old, &new, &hash);
        let (mut o, mut n) = (0, 0);
        for s in &steps {
            let (Step::Equal { old: a, new: b } | Step::Change { old: a, new: b }) = s;
            assert_eq!((a.start, b.start), (o, n), "{steps:?}");
            if matches!(s, Step::Equal { .. }) {
                assert_eq!(old[a.clone()], new[b.clone()]);
            }
            (o, n) = (a.end, b.end);
        }
        assert_eq!((o, n), (old.len(), new.len()));
        let changed: usize = steps
            .iter()
            .map(|s| match s {
                Step::Change { old, new } => old.len() + new.len(),
                Step::Equal { .. } => 0,
            })
            .sum();
        assert_eq!(changed, 2 + 2 + 2); // d -> x, kl deleted, qq inserted
    }

    #[test]
    fn heaviest_increasing_run() {
        let pairs = [(0, 3), (1, 1), (2, 2), (3, 0), (4, 4)];
        assert_eq!(
            heaviest_increasing(&pairs, &[1; 5], 5),
            [(1, 1), (2, 2), (4, 4)]
        );
        // One long chunk outweighs two short ones out of its order.
        assert_eq!(
            heaviest_increasing(&pairs, &[1, 1, 1, 9, 1], 5),
            [(3, 0), (4, 4)]
        );
    }
}
