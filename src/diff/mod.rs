//! What changed in a page since a snapshot of it: the core of "highlight
//! changed text since the last visit".
//!
//! The old side is a [`Snapshot`] (stored at the user's last visit, or shipped
//! for the latest recorded version of a known document); the new side is the
//! page's raw text as it is now. [`diff`] returns the changes in the new
//! page's order, with UTF-16 offsets into the new text for highlighting.
//!
//! ```
//! use termlens::diff::{diff, ChangeKind, Snapshot};
//! use termlens::matcher::Op;
//!
//! let old = Snapshot::of("1. Scope\nYou may not resell the Services.\nUpdated 3 days ago");
//! let new = "1. Scope\nYou may not resell or sublicense the Services.\nUpdated 5 hours ago";
//! let result = diff(&old, new);
//! assert_eq!(result.changes.len(), 1); // the relative date is noise
//! let change = &result.changes[0];
//! assert_eq!(change.kind, ChangeKind::Changed);
//! assert_eq!(change.text, "You may not resell or sublicense the Services.");
//! let inserted: Vec<&str> = change.words.iter()
//!     .filter(|w| w.op == Op::Insert).map(|w| w.text.as_str()).collect();
//! assert_eq!(inserted, ["or sublicense"]);
//! ```
//!
//! ## How
//!
//! ```text
//!  snapshot paragraphs (hashes)   new page ──Words::new──▶ paragraphs, noise removed (hashes)
//!            │                                                │
//!            └──── paragraph diff: similar, Patience ─────────┘
//!                              │ equal runs: unchanged, never reported
//!                              ▼ hunks (old paragraphs a..b replaced by new c..d)
//!  1. moves:    a deleted paragraph inserted identically elsewhere (same hash) ─▶ moved
//!  2. pairing:  inside each hunk, old and new paragraphs paired in order by word
//!               similarity (Dice >= 0.5, best total, dynamic programming) ─▶ changed
//!  3. near moves: leftovers, old vs new anywhere, Dice >= 0.8 ─▶ moved (with its word diff)
//!  4. the rest: inserted (new only) and deleted (old only, anchored where it was)
//!  changed and near-moved paragraphs get a word diff (similar, Myers)
//! ```
//!
//! Paragraph-level first keeps the work proportional to what changed: on the
//! AWS Service Terms 2025-05-23 -> 2025-11-19 (258 KB of text, 864
//! paragraphs) 68 paragraphs (30 old, 38 new) reach the pairing step and 13
//! pairs the word level; the whole diff takes about 10 ms natively
//! (`cargo bench --bench core -- diff`). Every threshold below is a
//! named constant with its reason.
//!
//! ## Noise
//!
//! Removed before anything is compared, on both sides (a snapshot never
//! stores it), so it never counts as a change:
//!
//! | rule | removes | example |
//! | --- | --- | --- |
//! | relative date | the phrase, with `updated` / `last updated` / `posted` ... before it | `Updated 3 days ago`, `edited a few minutes ago`, `Updated yesterday` |
//! | URL query | the words after `?` or `#` of a URL written out in the text | `https://x.com/t?utm_source=mail#top` keeps `https x com t` |
//! | cookie banner | the whole paragraph (at most 150 words naming cookies with `cookie preferences`/`settings`, or a consent verb and a click/select word), and lines made only of banner buttons | `Select your cookie preferences`, `Click "Accept all" to ...`, `Reject all` |
//!
//! Absolute dates are not noise: `Last Updated: May 16, 2025` becoming
//! `November 18, 2025` is a change the reader should see. A privacy policy's
//! own short paragraph about cookie preferences can look like a banner and is
//! then not compared.

pub mod known;
mod noise;
mod snapshot;

pub use known::{Changes, KnownDiff, Source, Visit, against_known, fingerprint_file, visit};
// The page's paragraphs and sentence ends, which the classifier's passages reuse.
pub use snapshot::{
    FORMAT as SNAPSHOT_FORMAT, OLDEST_FORMAT as OLDEST_SNAPSHOT_FORMAT, Snapshot, SnapshotError,
};
pub(crate) use snapshot::{ends_sentence, paragraphs};

use crate::matcher::{DiffOp, Op};
use crate::text::{Span, Utf16Range as Range, Word, Words};
use serde::Serialize;
use similar::{Algorithm, DiffTag, capture_diff_slices};
use std::collections::{HashMap, VecDeque};
use std::ops::Range as Indices;

/// Two paragraphs of one hunk are the same paragraph edited when their word
/// bags overlap this much (Dice coefficient). Below half, a word diff shows
/// more change than text and the reader is better served by "deleted" and
/// "inserted". The AWS Service Terms' 50.12.1, rewritten in 2025-11 to half
/// its length, is at 0.56 and is shown as changed.
const PAIR_MIN_SIMILARITY: f64 = 0.5;

/// A deleted and an inserted paragraph far apart are one moved paragraph when
/// this similar (Dice): only a few words differ, such as a renumbered cross
/// reference ("this Section 50.12.5" -> "50.12.6").
const NEAR_MOVE_SIMILARITY: f64 = 0.8;

/// A paragraph shorter than this is never "moved": a heading like
/// "Definitions" or "Amazon Q" leaving one section and appearing in another is
/// two changes, not one paragraph moved.
const MIN_MOVED_WORDS: usize = 5;

/// An equal run of at most this many words between two changes is shown as
/// changed too: "[-made available] to [+offered]" reads worse than
/// "[-made available to] [+offered to]".
const SMALL_EQUAL_RUN: usize = 2;

/// A hunk of more than this many (old x new) paragraph pairs is not paired:
/// it is a rewrite of the whole page (the OpenAI usage policies' 2024 rewrite
/// is at most 76 x 60 paragraphs), and every paragraph of it is reported
/// deleted or inserted. 250,000 cells cost about 1 MB and a few milliseconds.
const MAX_PAIR_CELLS: usize = 250_000;

/// At most this many words merged while comparing word bags, for the pairing
/// of one hunk and for the near moves: about 20 ms. A hunk of paragraphs that
/// many and that long is a different page, not an edit.
const MAX_COMPARE_WORK: usize = 20_000_000;

/// What happened to a passage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// Only in the new page.
    Inserted,
    /// Only in the snapshot: no longer in the page.
    Deleted,
    /// In both, edited: see the word diff.
    Changed,
    /// In both, somewhere else in the page (possibly with a few words edited).
    Moved,
}

/// One changed passage (a paragraph), in the new page's order.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    /// What happened.
    pub kind: ChangeKind,
    /// The paragraph's text: exactly `new_text[start..end]` for inserted,
    /// changed and moved; the snapshot's text of it for deleted (as the page
    /// had it; normalised words for a format-1 snapshot).
    pub text: String,
    /// Start in the new text (UTF-16), absent for deleted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<u32>,
    /// End in the new text (UTF-16), absent for deleted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<u32>,
    /// Where the paragraph stood, as a UTF-16 offset of the new text (the start
    /// of the paragraph that now follows it): for deleted and moved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anchor: Option<u32>,
    /// The word diff, snapshot -> page, for changed (and moved with edits).
    /// `equal` and `insert` carry the page's text, `delete` the snapshot's.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<DiffOp>,
    /// The inserted words of a changed or moved paragraph, to highlight.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub highlights: Vec<Range>,
}

/// The counts a panel header shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// Paragraphs only in the new page.
    pub inserted: usize,
    /// Paragraphs only in the snapshot.
    pub deleted: usize,
    /// Paragraphs edited in place.
    pub changed: usize,
    /// Paragraphs moved.
    pub moved: usize,
    /// Paragraphs of the new page (noise excluded).
    pub paragraphs: usize,
    /// Paragraphs of the new page found unchanged in place.
    pub unchanged: usize,
    /// Paragraphs of the snapshot.
    pub old_paragraphs: usize,
}

/// The changes of a page since a snapshot.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DiffResult {
    /// The snapshot's date (the visit or the recorded version), if it has one.
    pub since: Option<String>,
    /// The changes, in the new page's order (deleted ones at their anchor).
    pub changes: Vec<Change>,
    /// Counts.
    pub summary: Summary,
    /// The new page from its first to its last paragraph found unchanged
    /// (UTF-16), if any: against a known document's fingerprint, what lies
    /// outside it is the site's header and footer rather than the document.
    pub unchanged_span: Option<Range>,
}

/// A paragraph on either side, as compared.
struct Para<'a> {
    norms: Vec<&'a str>,
    hash: u64,
}

impl<'a> Para<'a> {
    fn new(norms: Vec<&'a str>) -> Para<'a> {
        let hash = snapshot::hash_words(norms.iter().copied());
        Para { norms, hash }
    }
}

/// One step of a hunk's alignment.
#[derive(Clone, Copy, Debug)]
enum Event {
    /// Old paragraph with no partner in the hunk.
    Old(usize),
    /// New paragraph with no partner in the hunk.
    New(usize),
    /// Old paragraph edited into the new one.
    Pair(usize, usize),
}

/// A hunk: old paragraphs `.0` replaced by new paragraphs `.1`.
type Hunk = (Indices<usize>, Indices<usize>);

/// Which paragraphs are moved, and to or from where.
struct Moves {
    /// Old paragraph -> the new paragraph it moved to.
    old: Vec<Option<usize>>,
    /// New paragraph -> the old paragraph it moved from.
    new: Vec<Option<usize>>,
    /// The new paragraph is a near move (its words differ a little).
    near: Vec<bool>,
}

/// Changes of the page `new_raw` since `old`. See the module documentation.
pub fn diff(old: &Snapshot, new_raw: &str) -> DiffResult {
    let words = Words::new(new_raw);
    let new_words = snapshot::paragraphs(new_raw, &words);
    diff_paragraphs(old, new_raw, &new_words)
}

/// The changes since `old` (if there is one) and the snapshot of the page as
/// it is now, from one pass over the page's text: what the extension does at
/// each visit (compare with the stored snapshot, store the new one).
pub fn diff_and_snapshot(old: Option<&Snapshot>, new_raw: &str) -> (Option<DiffResult>, Snapshot) {
    let words = Words::new(new_raw);
    let new_words = snapshot::paragraphs(new_raw, &words);
    let result = old.map(|old| diff_paragraphs(old, new_raw, &new_words));
    (result, Snapshot::of_paragraphs(new_raw, &words, &new_words))
}

/// [`diff`] over the new page's paragraphs, already split.
fn diff_paragraphs(old: &Snapshot, new_raw: &str, new_words: &[Vec<&Word>]) -> DiffResult {
    let new: Vec<Para> = new_words
        .iter()
        .map(|p| Para::new(p.iter().map(|w| w.norm.as_str()).collect()))
        .collect();
    let old_words = old.words();
    let old_paras: Vec<Para> = old_words
        .iter()
        .map(|w| Para::new(w.iter().map(|x| x.norm.as_str()).collect()))
        .collect();
    let page = Page {
        raw: new_raw,
        paragraphs: new_words,
    };

    let old_hashes: Vec<u64> = old_paras.iter().map(|p| p.hash).collect();
    let new_hashes: Vec<u64> = new.iter().map(|p| p.hash).collect();
    let ops = capture_diff_slices(Algorithm::Patience, &old_hashes, &new_hashes);
    let (hunks, unchanged) = hunks(&ops);
    let unchanged_span = unchanged_span(&ops, &page);

    // 1. Exact moves.
    let mut moves = exact_moves(&old_paras, &new, &hunks);
    // 2. Pairing inside hunks.
    let bags = Bags::of_hunks(&old_paras, &new, &hunks);
    let events = pair_hunks(&hunks, &old_paras, &new, &bags, &moves);
    // 3. Near moves among what is left.
    near_moves(&events, &old_paras, &new, &bags, &mut moves);
    // 4. The changes, in page order.
    let anchor_old = old_anchors(&page, old_paras.len(), &hunks, &events);
    let mut summary = Summary {
        paragraphs: new.len(),
        unchanged,
        old_paragraphs: old_paras.len(),
        ..Summary::default()
    };
    let decided = Decided {
        old,
        old_words: &old_words,
        page: &page,
        moves: &moves,
        anchor_old: &anchor_old,
    };
    let changes = events
        .iter()
        .flatten()
        .filter_map(|e| decided.change(*e, &mut summary))
        .collect();
    DiffResult {
        since: old.date.clone(),
        changes,
        summary,
        unchanged_span,
    }
}

/// The new page from its first to its last paragraph left equal by the
/// paragraph diff (UTF-16), if any.
fn unchanged_span(ops: &[similar::DiffOp], page: &Page) -> Option<Range> {
    let equal_new = |op: &similar::DiffOp| {
        let (tag, _, n) = op.as_tag_tuple();
        (tag == DiffTag::Equal && !n.is_empty()).then_some(n)
    };
    let first = ops.iter().find_map(equal_new)?;
    let last = ops.iter().rev().find_map(equal_new)?;
    Some(Range {
        start: page.span(first.start).start,
        end: page.span(last.end - 1).end,
    })
}

/// Word bags of the paragraphs of hunks (the others are unchanged and never
/// compared), by paragraph index on each side.
struct Bags {
    old: Vec<Vec<u64>>,
    new: Vec<Vec<u64>>,
}

impl Bags {
    fn of_hunks(old: &[Para], new: &[Para], hunks: &[Hunk]) -> Bags {
        let mut bags = Bags {
            old: vec![Vec::new(); old.len()],
            new: vec![Vec::new(); new.len()],
        };
        for (o, n) in hunks {
            for i in o.clone() {
                bags.old[i] = bag(&old[i].norms);
            }
            for j in n.clone() {
                bags.new[j] = bag(&new[j].norms);
            }
        }
        bags
    }
}

/// Step 2: inside each hunk, old and new paragraphs paired in order by word
/// similarity ([`PAIR_MIN_SIMILARITY`]); paragraphs already moved never pair.
fn pair_hunks(
    hunks: &[Hunk],
    old: &[Para],
    new: &[Para],
    bags: &Bags,
    moves: &Moves,
) -> Vec<Vec<Event>> {
    let old_len = |i: usize| old[i].norms.len();
    let new_len = |j: usize| new[j].norms.len();
    hunks
        .iter()
        .map(|(o, n)| {
            let olds: Vec<usize> = o.clone().collect();
            let news: Vec<usize> = n.clone().collect();
            if compare_work(&olds, &news, old_len, new_len) > MAX_COMPARE_WORK {
                return unpaired(&olds, &news);
            }
            let score = |i: usize, j: usize| -> u32 {
                if moves.old[i].is_some() || moves.new[j].is_some() {
                    return 0;
                }
                let s = dice(&bags.old[i], &bags.new[j]);
                if s >= PAIR_MIN_SIMILARITY {
                    // Thousandths: integers make the backtracking exact.
                    (s * 1000.0).round() as u32
                } else {
                    0
                }
            };
            align_hunk(&olds, &news, score)
        })
        .collect()
}

/// Step 3: an old paragraph left unpaired and a new one left unpaired,
/// anywhere, are one paragraph moved when nearly the same
/// ([`NEAR_MOVE_SIMILARITY`]).
fn near_moves(events: &[Vec<Event>], old: &[Para], new: &[Para], bags: &Bags, moves: &mut Moves) {
    let old_len = |i: usize| old[i].norms.len();
    let new_len = |j: usize| new[j].norms.len();
    let left_old: Vec<usize> = events
        .iter()
        .flatten()
        .filter_map(|e| match *e {
            Event::Old(i) if moves.old[i].is_none() && old_len(i) >= MIN_MOVED_WORDS => Some(i),
            _ => None,
        })
        .collect();
    let left_new: Vec<usize> = events
        .iter()
        .flatten()
        .filter_map(|e| match *e {
            Event::New(j) if moves.new[j].is_none() && new_len(j) >= MIN_MOVED_WORDS => Some(j),
            _ => None,
        })
        .collect();
    if compare_work(&left_old, &left_new, old_len, new_len) > MAX_COMPARE_WORK {
        return;
    }
    for &j in &left_new {
        let best = left_old
            .iter()
            .filter(|&&i| moves.old[i].is_none())
            .map(|&i| (i, dice(&bags.old[i], &bags.new[j])))
            .filter(|&(_, s)| s >= NEAR_MOVE_SIMILARITY)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((i, _)) = best {
            moves.old[i] = Some(j);
            moves.new[j] = Some(i);
            moves.near[j] = true;
        }
    }
}

/// Both sides and what steps 1 to 3 decided: what step 4 turns into changes.
struct Decided<'d, 'p, 'w> {
    old: &'d Snapshot,
    old_words: &'d [Words],
    page: &'d Page<'p, 'w>,
    moves: &'d Moves,
    /// Where each old paragraph stood in the new page (UTF-16).
    anchor_old: &'d [u32],
}

impl Decided<'_, '_, '_> {
    /// The change one step of a hunk's alignment is (none for an old
    /// paragraph that moved: its new place reports it), counted in `summary`.
    fn change(&self, event: Event, summary: &mut Summary) -> Option<Change> {
        let page = self.page;
        let in_page = |kind: ChangeKind, j: usize| {
            let span = page.span(j);
            Change {
                kind,
                text: span.slice(page.raw).to_string(),
                start: Some(span.start),
                end: Some(span.end),
                anchor: None,
                words: Vec::new(),
                highlights: Vec::new(),
            }
        };
        let word_diff_of = |i: usize, j: usize| {
            word_diff(
                &old_side(self.old, self.old_words, i),
                &page.paragraphs[j],
                page.raw,
            )
        };
        match event {
            Event::Old(i) => {
                if self.moves.old[i].is_some() {
                    return None;
                }
                summary.deleted += 1;
                Some(Change {
                    kind: ChangeKind::Deleted,
                    text: self.old.paragraphs[i].clone(),
                    start: None,
                    end: None,
                    anchor: Some(self.anchor_old[i]),
                    words: Vec::new(),
                    highlights: Vec::new(),
                })
            }
            Event::New(j) => {
                let Some(i) = self.moves.new[j] else {
                    summary.inserted += 1;
                    return Some(in_page(ChangeKind::Inserted, j));
                };
                summary.moved += 1;
                let mut change = in_page(ChangeKind::Moved, j);
                change.anchor = Some(self.anchor_old[i]);
                if self.moves.near[j] {
                    (change.words, change.highlights) = word_diff_of(i, j);
                }
                Some(change)
            }
            Event::Pair(i, j) => {
                summary.changed += 1;
                let mut change = in_page(ChangeKind::Changed, j);
                (change.words, change.highlights) = word_diff_of(i, j);
                Some(change)
            }
        }
    }
}

/// The hunks of a paragraph diff (maximal runs of non-equal ops), and the
/// number of paragraphs left equal.
fn hunks(ops: &[similar::DiffOp]) -> (Vec<Hunk>, usize) {
    let mut hunks: Vec<Hunk> = Vec::new();
    let mut unchanged = 0;
    let mut open = false;
    for op in ops {
        let (tag, o, n) = op.as_tag_tuple();
        if tag == DiffTag::Equal {
            unchanged += n.len();
            open = false;
            continue;
        }
        match hunks.last_mut() {
            Some(h) if open => {
                h.0.end = o.end;
                h.1.end = n.end;
            }
            _ => hunks.push((o, n)),
        }
        open = true;
    }
    (hunks, unchanged)
}

/// Paragraphs of at least [`MIN_MOVED_WORDS`] words deleted in one hunk and
/// inserted with the same words in another (or the same) hunk, paired first
/// come, first served.
fn exact_moves(old: &[Para], new: &[Para], hunks: &[Hunk]) -> Moves {
    let mut moves = Moves {
        old: vec![None; old.len()],
        new: vec![None; new.len()],
        near: vec![false; new.len()],
    };
    let mut by_hash: HashMap<u64, VecDeque<usize>> = HashMap::new();
    for (o, _) in hunks {
        for i in o.clone().filter(|&i| old[i].norms.len() >= MIN_MOVED_WORDS) {
            by_hash.entry(old[i].hash).or_default().push_back(i);
        }
    }
    for (_, n) in hunks {
        for j in n.clone().filter(|&j| new[j].norms.len() >= MIN_MOVED_WORDS) {
            if let Some(i) = by_hash.get_mut(&new[j].hash).and_then(VecDeque::pop_front) {
                moves.old[i] = Some(j);
                moves.new[j] = Some(i);
            }
        }
    }
    moves
}

/// Where each old paragraph of a hunk stood in the new page (UTF-16): the
/// start of the new paragraph that follows it in its hunk's alignment (for a
/// pair, its partner), or the end of the text.
fn old_anchors(page: &Page, old_len: usize, hunks: &[Hunk], events: &[Vec<Event>]) -> Vec<u32> {
    let text_end = page.end();
    let offset_of = |k: usize| -> u32 {
        if k < page.paragraphs.len() {
            page.span(k).start
        } else {
            text_end
        }
    };
    let mut anchors = vec![0; old_len];
    for ((_, n), evs) in hunks.iter().zip(events) {
        let mut next_new = n.end;
        for e in evs.iter().rev() {
            match *e {
                Event::New(j) => next_new = j,
                Event::Pair(i, j) => {
                    next_new = j;
                    anchors[i] = offset_of(j);
                }
                Event::Old(i) => anchors[i] = offset_of(next_new),
            }
        }
    }
    anchors
}

/// The new page's paragraphs and where they stand.
struct Page<'p, 'w> {
    raw: &'p str,
    paragraphs: &'p [Vec<&'w Word>],
}

impl Page<'_, '_> {
    /// The span of paragraph `j`: first word to last, with the opening and
    /// closing punctuation around them (`“Output” means ... Services.`).
    fn span(&self, j: usize) -> Span {
        let p = &self.paragraphs[j];
        let (Some(a), Some(b)) = (p.first(), p.last()) else {
            return Span::default();
        };
        let mut span = a.span.to(b.span);
        let opening = |c: &char| "([{\"'“‘«¿¡".contains(*c);
        let closing = |c: &char| ".,;:!?)]}\"'”’»…%".contains(*c);
        let before = self.raw.get(..span.byte_start as usize).unwrap_or("");
        for c in before.chars().rev().take_while(opening) {
            span.start -= c.len_utf16() as u32;
            span.byte_start -= c.len_utf8() as u32;
        }
        let after = self.raw.get(span.byte_end as usize..).unwrap_or("");
        for c in after.chars().take_while(closing) {
            span.end += c.len_utf16() as u32;
            span.byte_end += c.len_utf8() as u32;
        }
        span
    }

    /// The end of the last paragraph (UTF-16), where a paragraph deleted at the
    /// end of the page is anchored.
    fn end(&self) -> u32 {
        match self.paragraphs.len() {
            0 => 0,
            n => self.span(n - 1).end,
        }
    }
}

/// The paragraph's words as sorted hashes: a bag for [`dice`].
fn bag(norms: &[&str]) -> Vec<u64> {
    let mut v: Vec<u64> = norms
        .iter()
        .map(|w| snapshot::hash_words(std::iter::once(*w)))
        .collect();
    v.sort_unstable();
    v
}

/// Dice coefficient of two word bags: 2 |A ∩ B| / (|A| + |B|), counting
/// repeated words as often as both have them.
fn dice(a: &[u64], b: &[u64]) -> f64 {
    let total = a.len() + b.len();
    if total == 0 {
        return 1.0;
    }
    // Cheap bound: the common part is at most the shorter bag.
    let bound = 2.0 * a.len().min(b.len()) as f64 / total as f64;
    if bound < PAIR_MIN_SIMILARITY {
        return 0.0;
    }
    let common = crate::text::shared_in_sorted(a, b);
    2.0 * common as f64 / total as f64
}

/// Pairs the old and new paragraphs of one hunk in order, maximising the sum
/// of pair scores (`score(i, j)`, 0 = may not pair); the unpaired ones stay
/// old or new. Old ones come before new ones between two pairs, as in a
/// unified diff.
///
/// ```text
///   old:  A  B  C          dp[i][j] = best total for old[..i] x new[..j]
///   new:  A' X  C'         = max(dp[i-1][j], dp[i][j-1], dp[i-1][j-1] + score)
///   ──▶   Pair(A,A')  Old(B)  New(X)  Pair(C,C')
/// ```
fn align_hunk(olds: &[usize], news: &[usize], score: impl Fn(usize, usize) -> u32) -> Vec<Event> {
    let (n, m) = (olds.len(), news.len());
    if n == 0 || m == 0 || n.saturating_mul(m) > MAX_PAIR_CELLS {
        return unpaired(olds, news);
    }
    let mut s = vec![0u32; n * m];
    for (a, &i) in olds.iter().enumerate() {
        for (b, &j) in news.iter().enumerate() {
            s[a * m + b] = score(i, j);
        }
    }
    let w = m + 1;
    let mut dp = vec![0u32; (n + 1) * w];
    for a in 1..=n {
        for b in 1..=m {
            let mut best = dp[(a - 1) * w + b].max(dp[a * w + b - 1]);
            let sc = s[(a - 1) * m + b - 1];
            if sc > 0 {
                best = best.max(dp[(a - 1) * w + b - 1] + sc);
            }
            dp[a * w + b] = best;
        }
    }
    let mut out = Vec::with_capacity(n + m);
    let (mut a, mut b) = (n, m);
    while a > 0 || b > 0 {
        if a > 0 && b > 0 {
            let sc = s[(a - 1) * m + b - 1];
            if sc > 0 && dp[a * w + b] == dp[(a - 1) * w + b - 1] + sc {
                out.push(Event::Pair(olds[a - 1], news[b - 1]));
                a -= 1;
                b -= 1;
                continue;
            }
        }
        if b > 0 && dp[a * w + b] == dp[a * w + b - 1] {
            out.push(Event::New(news[b - 1]));
            b -= 1;
        } else if a > 0 {
            out.push(Event::Old(olds[a - 1]));
            a -= 1;
        } else {
            out.push(Event::New(news[b - 1]));
            b -= 1;
        }
    }
    out.reverse();
    out
}

/// A hunk left unpaired: its old paragraphs, then its new ones.
fn unpaired(olds: &[usize], news: &[usize]) -> Vec<Event> {
    olds.iter()
        .map(|&i| Event::Old(i))
        .chain(news.iter().map(|&j| Event::New(j)))
        .collect()
}

/// Words merged when comparing every old paragraph with every new one.
fn compare_work(
    olds: &[usize],
    news: &[usize],
    old_len: impl Fn(usize) -> usize,
    new_len: impl Fn(usize) -> usize,
) -> usize {
    let old_words: usize = olds.iter().map(|&i| old_len(i)).sum();
    let new_words: usize = news.iter().map(|&j| new_len(j)).sum();
    old_words
        .saturating_mul(news.len())
        .saturating_add(new_words.saturating_mul(olds.len()))
}

/// A run of the word diff: equal, or a change (old words replaced by new
/// words, either side possibly empty). Indices into the two word sequences.
#[derive(Clone, Debug)]
enum Run {
    Equal {
        new: Indices<usize>,
    },
    Change {
        old: Indices<usize>,
        new: Indices<usize>,
    },
}

/// An old paragraph as the word diff sees it: its text and its words.
struct OldSide<'a> {
    raw: &'a str,
    words: &'a [Word],
}

fn old_side<'a>(old: &'a Snapshot, words: &'a [Words], i: usize) -> OldSide<'a> {
    OldSide {
        raw: &old.paragraphs[i],
        words: words[i].as_slice(),
    }
}

/// The word diff of an old paragraph (the snapshot's) and a new one (page
/// words): the ops, and the page ranges of the inserted words. Deleted words
/// are shown as the snapshot has them.
fn word_diff(old: &OldSide, new: &[&Word], raw: &str) -> (Vec<DiffOp>, Vec<Range>) {
    let new_norms: Vec<&str> = new.iter().map(|w| w.norm.as_str()).collect();
    let old_norms: Vec<&str> = old.words.iter().map(|w| w.norm.as_str()).collect();
    let ops = capture_diff_slices(Algorithm::Myers, &old_norms, &new_norms);
    let mut runs: Vec<Run> = Vec::with_capacity(ops.len());
    for op in &ops {
        let (tag, o, n) = op.as_tag_tuple();
        let run = if tag == DiffTag::Equal {
            Run::Equal { new: n }
        } else {
            Run::Change { old: o, new: n }
        };
        push_run(&mut runs, run);
    }

    let text = |r: &Indices<usize>| -> (Span, String) {
        let span = new[r.start].span.to(new[r.end - 1].span);
        (span, tidy(span.slice(raw)))
    };
    let mut words = Vec::with_capacity(runs.len() * 2);
    let mut highlights = Vec::new();
    for run in &runs {
        match run {
            Run::Equal { new } if !new.is_empty() => words.push(DiffOp {
                op: Op::Equal,
                text: text(new).1,
            }),
            Run::Equal { .. } => {}
            Run::Change { old: o, new: n } => {
                if !o.is_empty() {
                    let span = old.words[o.start].span.to(old.words[o.end - 1].span);
                    words.push(DiffOp {
                        op: Op::Delete,
                        text: tidy(span.slice(old.raw)),
                    });
                }
                if !n.is_empty() {
                    let (span, t) = text(n);
                    highlights.push(span.utf16());
                    words.push(DiffOp {
                        op: Op::Insert,
                        text: t,
                    });
                }
            }
        }
    }
    (words, highlights)
}

/// Appends a run, merging adjacent changes and folding a short equal run
/// between two changes into them ([`SMALL_EQUAL_RUN`]).
fn push_run(runs: &mut Vec<Run>, run: Run) {
    let Run::Change { old, new } = run else {
        runs.push(run);
        return;
    };
    let (mut old, mut new) = (old, new);
    // A short equal run between the previous change and this one.
    let short_equal_between = matches!(
        runs.as_slice(),
        [.., Run::Change { .. }, Run::Equal { new: eq }] if eq.len() <= SMALL_EQUAL_RUN
    );
    if short_equal_between {
        runs.pop();
    }
    if let Some(Run::Change {
        old: prev_old,
        new: prev_new,
    }) = runs.last()
    {
        old = prev_old.start..old.end;
        new = prev_new.start..new.end;
        runs.pop();
    }
    runs.push(Run::Change { old, new });
}

/// Collapses whitespace runs (line breaks included) to single spaces.
fn tidy(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(old: &str, new: &str) -> Vec<(ChangeKind, String)> {
        diff(&Snapshot::of(old), new)
            .changes
            .into_iter()
            .map(|c| (c.kind, c.text))
            .collect()
    }

    #[test]
    fn word_diff_folds_short_equal_runs() {
        let old = Snapshot::of("models are made available to you by AWS here");
        let r = diff(&old, "models are offered to you by AWS here");
        let ops: Vec<(Op, &str)> = r.changes[0]
            .words
            .iter()
            .map(|w| (w.op, w.text.as_str()))
            .collect();
        assert_eq!(
            ops,
            [
                (Op::Equal, "models are"),
                (Op::Delete, "made available"),
                (Op::Insert, "offered"),
                (Op::Equal, "to you by AWS here"),
            ]
        );
        let old = Snapshot::of("one two three four five six seven");
        let r = diff(&old, "one deux three four cinq six seven");
        let changes: Vec<&str> = r.changes[0]
            .words
            .iter()
            .filter(|w| w.op != Op::Equal)
            .map(|w| w.text.as_str())
            .collect();
        // "three four" between the two edits is two words: folded.
        assert_eq!(changes, ["two three four five", "deux three four cinq"]);
    }

    #[test]
    fn unrelated_paragraphs_are_deleted_and_inserted_not_changed() {
        assert_eq!(
            kinds(
                "Intro\nYou may not resell the services to anyone.\nEnd",
                "Intro\nPayment is due within thirty days of invoice.\nEnd"
            ),
            [
                (
                    ChangeKind::Deleted,
                    "You may not resell the services to anyone.".to_string()
                ),
                (
                    ChangeKind::Inserted,
                    "Payment is due within thirty days of invoice.".to_string()
                ),
            ]
        );
    }

    #[test]
    fn deleted_paragraph_is_anchored_at_the_next_paragraph() {
        let new = "Alpha paragraph here\nGamma paragraph here";
        let r = diff(
            &Snapshot::of("Alpha paragraph here\nBeta is gone now\nGamma paragraph here"),
            new,
        );
        assert_eq!(r.changes.len(), 1);
        assert_eq!(r.changes[0].anchor, Some(21)); // start of "Gamma"
        let r = diff(
            &Snapshot::of("Alpha paragraph here\nBeta is gone"),
            "Alpha paragraph here",
        );
        assert_eq!(r.changes[0].anchor, Some(20)); // end of the text
    }
}
