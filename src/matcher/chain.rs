//! Chaining: seed hits of one wording that belong to one occurrence.
//!
//! A hit `(p, q)` says page word `p` starts the same seed as clause word `q`.
//! Hits of one occurrence lie close together in the page and on (nearly) one
//! diagonal `d = p - q`; insertions and deletions shift the diagonal a little.
//!
//! ```text
//!   q ▲            .  <- stray hit (other diagonal): separate candidate
//!     │        x x
//!     │    x x            x = hits of one occurrence, d ≈ constant
//!     │ x x
//!     └──────────────▶ p
//! ```
//!
//! Hits are first split where the page gap between consecutive hits exceeds
//! `max_gap`, then each group is split where the sorted diagonals jump by more
//! than `band`. A chain is kept when its seeds cover at least
//! `min_seed_cover` of the clause.

use super::Thresholds;

/// One chain of hits: a candidate occurrence.
pub(super) struct Chain {
    /// Smallest diagonal p - q (where clause word 0 would stand).
    d_min: i64,
    /// Largest diagonal.
    d_max: i64,
    /// The distinct diagonals of the chain, most hits first: where an exact
    /// copy of the clause would start.
    pub(super) diagonals: Vec<i64>,
}

impl Chain {
    /// The page words [start, end) worth aligning against a clause of
    /// `clause_len` words: the chain's extent widened by a slack of a quarter
    /// of the clause (plus 4 words) on each side, clamped to the page.
    pub(super) fn region(&self, clause_len: usize, page_len: usize) -> (usize, usize) {
        let slack = (clause_len / 4 + 4) as i64;
        let start = (self.d_min - slack).max(0) as usize;
        let end = (self.d_max + clause_len as i64 + slack).clamp(0, page_len as i64) as usize;
        (start.min(end), end)
    }
}

/// Gap (page words) beyond which two hits belong to different occurrences.
fn max_gap(clause_len: usize) -> u32 {
    (clause_len / 2 + 8) as u32
}

/// Diagonal drift allowed inside one occurrence.
fn band(clause_len: usize) -> i64 {
    (clause_len / 3 + 8) as i64
}

/// Splits sorted hits into chains that cover enough of the clause.
pub(super) fn chains(hits: &[(u32, u32)], clause_len: usize, t: &Thresholds) -> Vec<Chain> {
    let mut out = Vec::new();
    let mut group_start = 0;
    for i in 1..=hits.len() {
        let split =
            i == hits.len() || hits[i].0.saturating_sub(hits[i - 1].0) > max_gap(clause_len);
        if split {
            split_by_diagonal(&hits[group_start..i], clause_len, t, &mut out);
            group_start = i;
        }
    }
    out
}

fn split_by_diagonal(
    group: &[(u32, u32)],
    clause_len: usize,
    t: &Thresholds,
    out: &mut Vec<Chain>,
) {
    let mut by_diag: Vec<(i64, u32)> = group
        .iter()
        .map(|&(p, q)| (i64::from(p) - i64::from(q), q))
        .collect();
    crate::sort::ascending(&mut by_diag);
    let mut start = 0;
    for i in 1..=by_diag.len() {
        if i == by_diag.len() || by_diag[i].0 - by_diag[i - 1].0 > band(clause_len) {
            let part = &by_diag[start..i];
            if cover(part, clause_len, t.seed_words) as f32 >= t.min_seed_cover * clause_len as f32
            {
                let mut counts: Vec<(usize, i64)> = Vec::new();
                for &(d, _) in part {
                    match counts.last_mut() {
                        Some((n, last)) if *last == d => *n += 1,
                        _ => counts.push((1, d)),
                    }
                }
                crate::sort::by(&mut counts, |a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
                out.push(Chain {
                    d_min: part[0].0,
                    d_max: part[part.len() - 1].0,
                    diagonals: counts.into_iter().map(|(_, d)| d).collect(),
                });
            }
            start = i;
        }
    }
}

/// Clause words covered by the seeds of `part`.
fn cover(part: &[(i64, u32)], clause_len: usize, seed_words: usize) -> usize {
    let mut covered = vec![false; clause_len];
    for &(_, q) in part {
        let q = q as usize;
        for c in covered.iter_mut().skip(q).take(seed_words) {
            *c = true;
        }
    }
    covered.iter().filter(|&&c| c).count()
}
