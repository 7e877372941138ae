//! Word alignment of a known wording against a candidate region of the page.
//!
//! `similar`'s Myers diff over the two word sequences gives the longest common
//! run structure. Short equal runs stranded at either edge of the alignment
//! (a lone "the" in the slack around the clause) are not part of the match:
//! a run of at most [`STRAY_RUN`] words whose distance to the next run is
//! longer than itself is turned back into a deletion.

use super::{Found, Status, Thresholds};
use crate::text::{Span, Words};
use serde::Serialize;
use similar::DiffOp as SimilarOp;

/// Longest equal run at an edge that may be discarded as stray.
const STRAY_RUN: usize = 2;

/// What a step of a word diff does; `equal`, `insert`, `delete` in JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    /// In both.
    Equal,
    /// Only in the new side (the page).
    Insert,
    /// Only in the old side (the known wording, or the snapshot).
    Delete,
}

/// One step of a word diff from the known wording to the page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DiffOp {
    /// What the step does.
    pub op: Op,
    /// The words, as written (page words for equal and insert).
    pub text: String,
}

/// A run of the alignment. Clause and page indices are relative to their
/// sequences (page: relative to the region start).
#[derive(Clone, Copy, Debug)]
enum Seg {
    Eq { ci: usize, pi: usize, len: usize },
    Del { ci: usize, len: usize },
    Ins { pi: usize, len: usize },
}

fn segments(ops: &[SimilarOp]) -> Vec<Seg> {
    let mut out = Vec::with_capacity(ops.len());
    for op in ops {
        match *op {
            SimilarOp::Equal {
                old_index,
                new_index,
                len,
            } => out.push(Seg::Eq {
                ci: old_index,
                pi: new_index,
                len,
            }),
            SimilarOp::Delete {
                old_index, old_len, ..
            } => out.push(Seg::Del {
                ci: old_index,
                len: old_len,
            }),
            SimilarOp::Insert {
                new_index, new_len, ..
            } => out.push(Seg::Ins {
                pi: new_index,
                len: new_len,
            }),
            SimilarOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                out.push(Seg::Del {
                    ci: old_index,
                    len: old_len,
                });
                out.push(Seg::Ins {
                    pi: new_index,
                    len: new_len,
                });
            }
        }
    }
    out
}

/// Index range [first, last] of the equal segments that form the match.
fn core_range(segs: &[Seg]) -> Option<(usize, usize)> {
    let eqs: Vec<(usize, usize, usize)> = segs
        .iter()
        .enumerate()
        .filter_map(|(i, s)| match *s {
            Seg::Eq { pi, len, .. } => Some((i, pi, len)),
            _ => None,
        })
        .collect();
    let (mut lo, mut hi) = (0usize, eqs.len().checked_sub(1)?);
    // Drop stray runs at the start.
    while lo < hi {
        let (_, pi, len) = eqs[lo];
        let (_, next_pi, _) = eqs[lo + 1];
        if len <= STRAY_RUN && next_pi - (pi + len) > len {
            lo += 1;
        } else {
            break;
        }
    }
    // ... and at the end.
    while hi > lo {
        let (_, pi, len) = eqs[hi];
        let (_, prev_pi, prev_len) = eqs[hi - 1];
        if len <= STRAY_RUN && pi - (prev_pi + prev_len) > len {
            hi -= 1;
        } else {
            break;
        }
    }
    Some((eqs[lo].0, eqs[hi].0))
}

/// The clause word for word at page word `start`, if it is there. Clause and
/// page are given as word ids (`SeedIndex::ids`), and the page's words for
/// the span.
pub(super) fn exact_at(
    clause: &[u32],
    page_ids: &[u32],
    page: &Words,
    start: i64,
) -> Option<Found> {
    let start = usize::try_from(start).ok()?;
    let m = clause.len();
    let end = start.checked_add(m)?;
    let words = page.as_slice().get(start..end)?;
    if m == 0 || page_ids.get(start..end)? != clause {
        return None;
    }
    Some(Found {
        provision: 0,
        wording: 0,
        status: Status::Exact,
        span: words[0].span.to(words[m - 1].span),
        changes: Vec::new(),
        diff: Vec::new(),
        score: 1.0,
        coverage: 1.0,
        precision: 1.0,
    })
}

/// Aligns a clause against page words `region`; a [`Found`] when it passes the
/// thresholds (its `provision` and `wording` are left for the caller).
///
/// The clause comes as (word ids, raw text), the page as (words, word ids,
/// raw text); the clause's words are found in its text again only for a
/// changed clause's diff. The diff compares the ids: a known clause word and a
/// page word are equal exactly when their ids are, and a page word no wording
/// uses has an id no clause word has.
pub(super) fn align(
    (c, clause_raw): (&[u32], &str),
    (page, page_ids, page_raw): (&Words, &[u32], &str),
    region: (usize, usize),
    t: &Thresholds,
) -> Option<Found> {
    let words = page.as_slice().get(region.0..region.1)?;
    let r = page_ids.get(region.0..region.1)?;
    // The alignment can match at most the words the two share (as multisets):
    // when that bound already fails the thresholds, Myers is not run.
    let bound = shared_words(c, r);
    if bound < t.min_matched_words || (bound as f32) < t.min_coverage * c.len().max(1) as f32 {
        return None;
    }
    let segs = segments(&crate::diff::myers(c, r));
    let (first, last) = core_range(&segs)?;
    let (page_start, clause_first) = eq_start(&segs[first])?;
    let (page_end, clause_end) = eq_end(&segs[last])?;

    let matched: usize = segs[first..=last]
        .iter()
        .map(|s| if let Seg::Eq { len, .. } = s { *len } else { 0 })
        .sum();
    let m = c.len().max(1);
    let page_len = (page_end - page_start).max(1);
    let coverage = matched as f32 / m as f32;
    let precision = matched as f32 / page_len as f32;
    let f1 = 2.0 * coverage * precision / (coverage + precision);
    if coverage < t.min_coverage || f1 < t.min_f1 || matched < t.min_matched_words {
        return None;
    }

    let page_span = |pi: usize, len: usize| -> Span {
        let a = words[pi].span;
        a.to(words[pi + len - 1].span)
    };
    // Shown text keeps the punctuation around its words (`Copilot,`): see
    // `Span::quoted`.
    let page_text = |pi: usize, len: usize| -> String {
        let all = page.as_slice();
        let (at, end) = (region.0 + pi, region.0 + pi + len);
        let prev = at.checked_sub(1).map(|p| all[p].span);
        quote(
            page_raw,
            page_span(pi, len),
            prev,
            all.get(end).map(|w| w.span),
        )
    };
    let span = page_span(page_start, page_end - page_start);
    let exact = matched == c.len() && page_end - page_start == c.len();
    let clause: Vec<Span> = if exact {
        Vec::new()
    } else {
        Words::new(clause_raw).iter().map(|w| w.span).collect()
    };
    if !exact && clause.len() != c.len() {
        // Ids that are not this text's words: tables of another knowledge base.
        return None;
    }
    let clause_text = |ci: usize, len: usize| -> String {
        let prev = ci.checked_sub(1).map(|p| clause[p]);
        let span = clause[ci].to(clause[ci + len - 1]);
        quote(clause_raw, span, prev, clause.get(ci + len).copied())
    };

    let mut diff = Vec::new();
    let mut changes = Vec::new();
    if !exact {
        // Clause words before the match and after it are missing from the page.
        if clause_first > 0 {
            push(&mut diff, Op::Delete, clause_text(0, clause_first));
        }
        for seg in &segs[first..=last] {
            match *seg {
                Seg::Eq { pi, len, .. } => push(&mut diff, Op::Equal, page_text(pi, len)),
                Seg::Ins { pi, len } => {
                    changes.push(page_span(pi, len));
                    push(&mut diff, Op::Insert, page_text(pi, len));
                }
                Seg::Del { ci, len } => push(&mut diff, Op::Delete, clause_text(ci, len)),
            }
        }
        if clause_end < c.len() {
            push(
                &mut diff,
                Op::Delete,
                clause_text(clause_end, c.len() - clause_end),
            );
        }
    }
    Some(Found {
        provision: 0,
        wording: 0,
        status: if exact {
            Status::Exact
        } else {
            Status::Changed
        },
        span,
        changes,
        diff,
        score: matched as f32 / m.max(page_len) as f32,
        coverage,
        precision,
    })
}

/// Where an equal segment starts: (page word, clause word).
fn eq_start(seg: &Seg) -> Option<(usize, usize)> {
    match *seg {
        Seg::Eq { pi, ci, .. } => Some((pi, ci)),
        _ => None,
    }
}

/// Where an equal segment ends (exclusive): (page word, clause word).
fn eq_end(seg: &Seg) -> Option<(usize, usize)> {
    match *seg {
        Seg::Eq { pi, ci, len } => Some((pi + len, ci + len)),
        _ => None,
    }
}

/// How many words `a` and `b` share, counted as multisets: an upper bound of
/// the words any alignment of the two can match.
fn shared_words(a: &[u32], b: &[u32]) -> usize {
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    a.sort_unstable();
    b.sort_unstable();
    crate::text::shared_in_sorted(&a, &b)
}

/// Appends an op, merging it into the previous one of the same kind.
fn push(diff: &mut Vec<DiffOp>, op: Op, text: String) {
    if text.is_empty() {
        return;
    }
    match diff.last_mut() {
        Some(last) if last.op == op => {
            last.text.push(' ');
            last.text.push_str(&text);
        }
        _ => diff.push(DiffOp { op, text }),
    }
}

/// The text of `span` with the punctuation around it (`Span::quoted`), given
/// the words before and after it, as shown ([`crate::text::shown`]).
fn quote(raw: &str, span: Span, prev: Option<Span>, next: Option<Span>) -> String {
    let prev = prev.map(|p| p.byte_end);
    let next = next.map(|n| n.byte_start);
    crate::text::shown(span.quoted(raw, prev, next).slice(raw))
}
