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
//!  snapshot paragraphs ─Words─▶ old word stream      new page ─Words::new─▶ paragraphs, noise removed
//!            │                 (paragraph of each word)                  ─▶ new word stream
//!            └──────────── stream::align (word ids) ─────────────────────────────┘
//!     content-defined chunks (a word hashing to 0 mod 8 ends one) -> chunks found once on
//!     each side anchor (heaviest increasing run) -> Myers between anchors, chunks then words
//!                              │ equal words: unchanged, never reported, whatever the layout
//!                              ▼ changed steps (old words a..b replaced by new words c..d)
//!  1. chance matches: equal words joining an old and a new paragraph that share under
//!     half of the shorter one's words are changes too (a rewrite, not an edit), unless
//!     their equal run crosses a paragraph boundary of one side only (text laid out anew)
//!  2. small equal runs (<= 2 words) between two changes of one paragraph fold into them
//!  3. moves: an old paragraph with no word kept and a new one with no word kept, the
//!     same words (or Dice >= 0.8), at least 5 words ─▶ moved (with its word diff)
//!  4. grouping by the new page's paragraphs: no word kept ─▶ inserted; inserted words,
//!     or deleted words beside its kept ones ─▶ changed (word diff in place); an old
//!     paragraph with no word kept ─▶ deleted, anchored where it stood
//!  5. one record for paragraphs inserted (or deleted) one after another, and for the
//!     lines of one hard-wrapped sentence; the summary counts these records, and the
//!     paragraphs left unchanged
//! ```
//!
//! Paragraph boundaries, line breaks, list and table structure, bold and links
//! are presentation: they only decide how changes are grouped and shown. The
//! chunk anchors keep the work proportional to what changed: on the AWS
//! Service Terms 2025-05-23 -> 2025-11-19 (258 KB of text, about 41,000 words a
//! side) only the chunks around the edits reach Myers (`cargo bench --bench
//! core -- diff`). Every threshold below is a named constant with its reason;
//! every Myers run is bounded (`stream.rs`), so a page unrelated to its
//! snapshot costs no more than a page edited.
//!
//! Every text shown is the page's own (or the snapshot's, for deleted words):
//! a run of words is quoted with the punctuation around it
//! ([`crate::text::Span::quoted`]), so `equal` "to operate Copilot," then
//! `insert` "train our models", joined by a space, read as the page does.
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
//! then not compared. These rules read one paragraph at a time.
//!
//! Layout noise is not wording either, and is left out where the words are
//! made ([`crate::text::Words`], so the matcher and the diff agree): line
//! breaks, a footnote number glued to its word (`Services1`) or in brackets
//! (`Terms [2]`), a word hyphenated across a line end (`agree-` / `ment`).
//! Real numbers stay words (`30 days`, `Section 50.12`, `EC2`).

pub mod known;
mod noise;
mod snapshot;
mod stream;
pub(crate) use stream::myers;

pub use known::{Changes, KnownDiff, Source, Visit, against_known, fingerprint_file, visit};
// The page's paragraphs and sentence ends, which the classifier's passages reuse.
pub use snapshot::{
    FORMAT as SNAPSHOT_FORMAT, OLDEST_FORMAT as OLDEST_SNAPSHOT_FORMAT, Snapshot, SnapshotError,
};
pub(crate) use snapshot::{ends_sentence, paragraphs};

use crate::matcher::{DiffOp, Op};
use crate::text::{Span, Utf16Range as Range, Word, Words};
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;
use similar::DiffTag;
use std::collections::VecDeque;
use std::ops::Range as Indices;
use stream::Step;

/// A deleted and an inserted paragraph are one moved paragraph when this
/// similar (Dice over their words): only a few words differ, such as a
/// renumbered cross reference ("this Section 50.12.5" -> "50.12.6").
const NEAR_MOVE_SIMILARITY: f64 = 0.8;

/// A paragraph shorter than this is never "moved": a heading like
/// "Definitions" or "Amazon Q" leaving one section and appearing in another is
/// two changes, not one paragraph moved.
const MIN_MOVED_WORDS: usize = 5;

/// An equal run of at most this many words between two changes of the same
/// paragraph is shown as changed too: "[-made available] to [+offered]" reads
/// worse than "[-made available to] [+offered to]", and in a rewritten
/// paragraph a lone "the" or "of" in common is not the same text.
const SMALL_EQUAL_RUN: usize = 2;

/// Words found equal join an old paragraph and a new one only when they are
/// at least this share of the shorter of the two: a paragraph edited, split
/// or merged into another shares most of its words with it, while a
/// paragraph rewritten shares a few phrases by chance ("of the Services"),
/// and is shown deleted and inserted rather than as a word diff with more
/// change than text. The AWS Service Terms' 50.12.1, rewritten in 2025-11 to
/// half its length, keeps most of its new words and is shown as changed.
const MIN_OVERLAP: f64 = 0.5;

/// At most this many words merged while comparing word bags for the near
/// moves: about 20 ms. That many deleted and inserted paragraphs that long is
/// a different page, not an edit.
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
    /// Passages only in the new page (records: paragraphs inserted one after
    /// another are one).
    pub inserted: usize,
    /// Passages only in the snapshot (records).
    pub deleted: usize,
    /// Paragraphs edited in place (records: the lines of one hard-wrapped
    /// sentence are one).
    pub changed: usize,
    /// Paragraphs moved.
    pub moved: usize,
    /// Paragraphs of the new page (noise excluded).
    pub paragraphs: usize,
    /// Paragraphs of the new page found unchanged in place.
    pub unchanged: usize,
    /// Paragraphs of the snapshot.
    pub old_paragraphs: usize,
    /// Paragraphs of the snapshot whose words are all found unchanged,
    /// however the page lays them out (merged into one paragraph or split).
    pub old_unchanged: usize,
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

/// Both texts as word streams: word ids (equal normalised words, equal ids)
/// and the paragraph each word belongs to.
struct Streams<'a> {
    old_ids: Vec<u32>,
    new_ids: Vec<u32>,
    /// Content hash of each id (the same word hashes the same on both sides).
    hashes: Vec<u64>,
    /// Old word -> (paragraph, index in it).
    old_at: Vec<(usize, usize)>,
    /// First old word of each paragraph, and the total at the end.
    old_starts: Vec<usize>,
    /// New word -> paragraph.
    new_para: Vec<usize>,
    /// First new word of each paragraph, and the total at the end.
    new_starts: Vec<usize>,
    /// The new words, in order.
    new_words: Vec<&'a Word>,
}

impl<'a> Streams<'a> {
    fn new(old: &'a [Words], new: &[Vec<&'a Word>]) -> Streams<'a> {
        let mut intern: HashMap<&str, u32> = HashMap::default();
        let mut hashes = Vec::new();
        let mut id = |w: &'a str| -> u32 {
            *intern.entry(w).or_insert_with(|| {
                hashes.push(snapshot::hash_words(std::iter::once(w)));
                (hashes.len() - 1) as u32
            })
        };
        let (mut old_ids, mut old_at, mut old_starts) = (Vec::new(), Vec::new(), Vec::new());
        for (p, words) in old.iter().enumerate() {
            old_starts.push(old_ids.len());
            for (k, w) in words.iter().enumerate() {
                old_ids.push(id(&w.norm));
                old_at.push((p, k));
            }
        }
        old_starts.push(old_ids.len());
        let (mut new_ids, mut new_para, mut new_starts) = (Vec::new(), Vec::new(), Vec::new());
        let mut new_words = Vec::new();
        for (p, words) in new.iter().enumerate() {
            new_starts.push(new_ids.len());
            for w in words {
                new_ids.push(id(&w.norm));
                new_para.push(p);
                new_words.push(*w);
            }
        }
        new_starts.push(new_ids.len());
        Streams {
            old_ids,
            new_ids,
            hashes,
            old_at,
            old_starts,
            new_para,
            new_starts,
            new_words,
        }
    }

    /// The old paragraph's words as flat indices.
    fn old_range(&self, r: usize) -> Indices<usize> {
        self.old_starts[r]..self.old_starts[r + 1]
    }

    /// The new paragraph's words as flat indices.
    fn new_range(&self, q: usize) -> Indices<usize> {
        self.new_starts[q]..self.new_starts[q + 1]
    }

    /// A flat range split at paragraph boundaries: (paragraph, sub-range).
    fn split(
        starts: &[usize],
        at: impl Fn(usize) -> usize,
        r: Indices<usize>,
    ) -> Vec<(usize, Indices<usize>)> {
        let mut out = Vec::new();
        let mut i = r.start;
        while i < r.end {
            let p = at(i);
            let end = starts[p + 1].min(r.end);
            out.push((p, i..end));
            i = end;
        }
        out
    }
}

/// What the alignment says of each word and paragraph.
struct Marks {
    /// Old word -> the new word it is equal to.
    old_to_new: Vec<Option<usize>>,
    /// Old word -> where it stands in the new stream (for a changed word, the
    /// start of its step's new words).
    old_pos: Vec<usize>,
    /// New word is inserted (not equal to an old word).
    inserted: Vec<bool>,
    /// Old paragraph has at least one word found equal.
    old_kept: Vec<bool>,
    /// New paragraph has at least one word found equal.
    new_kept: Vec<bool>,
}

impl Marks {
    fn of(steps: &[Step], st: &Streams) -> Marks {
        let mut m = Marks {
            old_to_new: vec![None; st.old_ids.len()],
            old_pos: vec![0; st.old_ids.len()],
            inserted: vec![false; st.new_ids.len()],
            old_kept: vec![false; st.old_starts.len() - 1],
            new_kept: vec![false; st.new_starts.len() - 1],
        };
        for step in steps {
            match step {
                Step::Equal { old, new } => {
                    for (i, j) in old.clone().zip(new.clone()) {
                        m.old_to_new[i] = Some(j);
                        m.old_pos[i] = j;
                        m.old_kept[st.old_at[i].0] = true;
                        m.new_kept[st.new_para[j]] = true;
                    }
                }
                Step::Change { old, new } => {
                    old.clone().for_each(|i| m.old_pos[i] = new.start);
                    new.clone().for_each(|j| m.inserted[j] = true);
                }
            }
        }
        m
    }
}

/// Folds an equal run of at most [`SMALL_EQUAL_RUN`] words between two
/// changes into them, when the run and the words around it lie in one
/// paragraph on each side.
fn fold_small_equal_runs(steps: Vec<Step>, st: &Streams) -> Vec<Step> {
    let inside = |para: &dyn Fn(usize) -> usize, r: &Indices<usize>, len: usize| {
        r.start > 0
            && r.end < len
            && para(r.start - 1) == para(r.end)
            && para(r.start) == para(r.end)
    };
    let mut out: Vec<Step> = Vec::with_capacity(steps.len());
    let mut it = steps.into_iter().peekable();
    while let Some(step) = it.next() {
        let fold = match (&step, out.last(), it.peek()) {
            (Step::Equal { old, new }, Some(Step::Change { .. }), Some(Step::Change { .. })) => {
                new.len() <= SMALL_EQUAL_RUN
                    && inside(&|j| st.new_para[j], new, st.new_ids.len())
                    && inside(&|i| st.old_at[i].0, old, st.old_ids.len())
            }
            _ => false,
        };
        let step = if fold {
            let Step::Equal { old, new } = step else {
                unreachable!()
            };
            Step::Change { old, new }
        } else {
            step
        };
        match (out.last_mut(), &step) {
            (Some(Step::Change { old, new }), Step::Change { old: o, new: n }) => {
                old.end = o.end;
                new.end = n.end;
            }
            _ => out.push(step),
        }
    }
    out
}

/// Turns equal words back into changes where their old and new paragraphs
/// share less than [`MIN_OVERLAP`] of the shorter one's words, unless their
/// equal run goes on across a paragraph boundary of one side only: text laid
/// out anew (a long line cut at a sentence end on one side, at a line break
/// on the other) is the same text, however little its pieces share.
fn drop_chance_matches(steps: Vec<Step>, st: &Streams) -> Vec<Step> {
    let mut common: HashMap<(usize, usize), usize> = HashMap::default();
    for step in &steps {
        if let Step::Equal { old, new } = step {
            for (i, j) in old.clone().zip(new.clone()) {
                *common.entry((st.old_at[i].0, st.new_para[j])).or_default() += 1;
            }
        }
    }
    let weak = |r: usize, q: usize| {
        let shorter = st.old_range(r).len().min(st.new_range(q).len());
        let shared = common.get(&(r, q)).copied().unwrap_or(0);
        (shared as f64) < MIN_OVERLAP * shorter as f64
    };
    let mut out = Vec::with_capacity(steps.len());
    for step in steps {
        let Step::Equal { old, new } = step else {
            stream::push(&mut out, step);
            continue;
        };
        // Pieces lying in one paragraph on each side. A cut inside the run
        // at a paragraph boundary on one side only is text laid out anew; a
        // cut at a boundary on both sides is two paragraphs, each judged.
        let relaid = |k: usize| {
            let (i, j) = (old.start + k, new.start + k);
            k > 0
                && k < old.len()
                && (st.old_starts[st.old_at[i].0] == i) != (st.new_starts[st.new_para[j]] == j)
        };
        let mut k = 0;
        while k < old.len() {
            let (i, j) = (old.start + k, new.start + k);
            let (r, q) = (st.old_at[i].0, st.new_para[j]);
            let end = (st.old_starts[r + 1] - old.start)
                .min(st.new_starts[q + 1] - new.start)
                .min(old.len());
            let (o, n) = (i..old.start + end, j..new.start + end);
            let piece = if weak(r, q) && !relaid(k) && !relaid(end) {
                Step::Change { old: o, new: n }
            } else {
                Step::Equal { old: o, new: n }
            };
            stream::push(&mut out, piece);
            k = end;
        }
    }
    out
}

/// Which whole paragraphs moved: old paragraph -> new, and new -> (old, near).
struct Moves {
    old: Vec<Option<usize>>,
    new: Vec<Option<(usize, bool)>>,
}

/// Old paragraphs deleted whole and new paragraphs inserted whole, of at least
/// [`MIN_MOVED_WORDS`] words, with the same words (first come, first served)
/// or nearly ([`NEAR_MOVE_SIMILARITY`]): moved.
fn find_moves(st: &Streams, marks: &Marks) -> Moves {
    let old_n = marks.old_kept.len();
    let new_n = marks.new_kept.len();
    let mut moves = Moves {
        old: vec![None; old_n],
        new: vec![None; new_n],
    };
    let olds: Vec<usize> = (0..old_n)
        .filter(|&r| !marks.old_kept[r] && st.old_range(r).len() >= MIN_MOVED_WORDS)
        .collect();
    let news: Vec<usize> = (0..new_n)
        .filter(|&q| !marks.new_kept[q] && st.new_range(q).len() >= MIN_MOVED_WORDS)
        .collect();
    let mut by_words: HashMap<&[u32], VecDeque<usize>> = HashMap::default();
    for &r in &olds {
        by_words
            .entry(&st.old_ids[st.old_range(r)])
            .or_default()
            .push_back(r);
    }
    for &q in &news {
        if let Some(r) = by_words
            .get_mut(&st.new_ids[st.new_range(q)])
            .and_then(VecDeque::pop_front)
        {
            moves.old[r] = Some(q);
            moves.new[q] = Some((r, false));
        }
    }
    let olds: Vec<usize> = olds
        .into_iter()
        .filter(|&r| moves.old[r].is_none())
        .collect();
    let news: Vec<usize> = news
        .into_iter()
        .filter(|&q| moves.new[q].is_none())
        .collect();
    let old_words: usize = olds.iter().map(|&r| st.old_range(r).len()).sum();
    let new_words: usize = news.iter().map(|&q| st.new_range(q).len()).sum();
    let work = old_words
        .saturating_mul(news.len())
        .saturating_add(new_words.saturating_mul(olds.len()));
    if work > MAX_COMPARE_WORK {
        return moves;
    }
    let bag = |ids: &[u32]| {
        let mut v = ids.to_vec();
        v.sort_unstable();
        v
    };
    let old_bags: Vec<Vec<u32>> = olds
        .iter()
        .map(|&r| bag(&st.old_ids[st.old_range(r)]))
        .collect();
    for &q in &news {
        let b = bag(&st.new_ids[st.new_range(q)]);
        let best = olds
            .iter()
            .zip(&old_bags)
            .filter(|(r, _)| moves.old[**r].is_none())
            .map(|(&r, a)| (r, dice(a, &b)))
            .filter(|&(_, s)| s >= NEAR_MOVE_SIMILARITY)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((r, _)) = best {
            moves.old[r] = Some(q);
            moves.new[q] = Some((r, true));
        }
    }
    moves
}

/// Dice coefficient of two sorted word bags: 2 |A ∩ B| / (|A| + |B|),
/// counting repeated words as often as both have them.
fn dice(a: &[u32], b: &[u32]) -> f64 {
    let total = a.len() + b.len();
    if total == 0 {
        return 1.0;
    }
    // Cheap bound: the common part is at most the shorter bag.
    if 2.0 * (a.len().min(b.len()) as f64) < NEAR_MOVE_SIMILARITY * total as f64 {
        return 0.0;
    }
    2.0 * crate::text::shared_in_sorted(a, b) as f64 / total as f64
}

/// [`diff`] over the new page's paragraphs, already split.
fn diff_paragraphs(old: &Snapshot, new_raw: &str, new_words: &[Vec<&Word>]) -> DiffResult {
    let old_words = old.words();
    let st = Streams::new(&old_words, new_words);
    let steps = stream::align(&st.old_ids, &st.new_ids, &st.hashes);
    let steps = drop_chance_matches(steps, &st);
    let steps = fold_small_equal_runs(steps, &st);
    let marks = Marks::of(&steps, &st);
    let moves = find_moves(&st, &marks);
    let page = Page {
        raw: new_raw,
        paragraphs: new_words,
    };
    let g = Grouping {
        old,
        old_words: &old_words,
        page: &page,
        st: &st,
        marks: &marks,
        moves: &moves,
    };
    let (changes, summary, unchanged_span) = g.changes(&steps);
    DiffResult {
        since: old.date.clone(),
        changes,
        summary,
        unchanged_span,
    }
}

/// Everything the grouping into change records reads.
struct Grouping<'g, 'p, 'w> {
    old: &'g Snapshot,
    old_words: &'g [Words],
    page: &'g Page<'p, 'w>,
    st: &'g Streams<'w>,
    marks: &'g Marks,
    moves: &'g Moves,
}

/// Where a record goes: (position in the new word stream, 0 for a deleted
/// paragraph standing there or 1 for the paragraph there, paragraph index).
type RecordKey = (usize, u8, usize);

/// A deleted run of old words attached to a new paragraph: it stood before
/// new word `pos`.
type Attached = (usize, Indices<usize>);

impl Grouping<'_, '_, '_> {
    /// The change records in the new page's order, the counts, and the
    /// unchanged span.
    fn changes(&self, steps: &[Step]) -> (Vec<Change>, Summary, Option<Range>) {
        let st = self.st;
        let paras = self.marks.new_kept.len();
        let mut attached: Vec<Vec<Attached>> = vec![Vec::new(); paras];
        let mut records: Vec<(RecordKey, Change)> = Vec::new();
        let mut summary = Summary {
            paragraphs: paras,
            old_paragraphs: self.marks.old_kept.len(),
            old_unchanged: (0..self.marks.old_kept.len())
                .filter(|&r| st.old_range(r).all(|i| self.marks.old_to_new[i].is_some()))
                .count(),
            ..Summary::default()
        };
        for step in steps {
            let Step::Change { old, new } = step else {
                continue;
            };
            for (r, piece) in Streams::split(&st.old_starts, |i| st.old_at[i].0, old.clone()) {
                if !self.marks.old_kept[r] {
                    if self.moves.old[r].is_none() && piece.start == st.old_starts[r] {
                        records.push(((new.start, 0, r), self.deleted(r, new.start)));
                    }
                    continue;
                }
                let (q, pos) = self.attach_to(r, &piece, new.start);
                attached[q].push((pos, piece));
            }
        }
        let mut first_last: Option<(usize, usize)> = None;
        for (q, here) in attached.iter_mut().enumerate() {
            let range = st.new_range(q);
            let change = if let Some((r, near)) = self.moves.new[q] {
                let mut c = self.in_page(ChangeKind::Moved, q);
                c.anchor = Some(self.anchor(self.marks.old_pos[st.old_starts[r]]));
                if near {
                    (c.words, c.highlights) = self.near_move_words(r, q);
                }
                c
            } else if !self.marks.new_kept[q] {
                self.in_page(ChangeKind::Inserted, q)
            } else if !here.is_empty() || range.clone().any(|j| self.marks.inserted[j]) {
                let mut c = self.in_page(ChangeKind::Changed, q);
                (c.words, c.highlights) = self.paragraph_words(q, here);
                c
            } else {
                summary.unchanged += 1;
                first_last = Some(first_last.map_or((q, q), |(f, _)| (f, q)));
                continue;
            };
            records.push(((range.start, 1, q), change));
        }
        crate::sort::by_key(&mut records, |(k, _)| *k);
        let span = first_last.map(|(f, l)| Range {
            start: self.page.span(f).start,
            end: self.page.span(l).end,
        });
        let changes = self.join_wrapped(records);
        // The kinds count records (what the panel lists); `unchanged` counts
        // paragraphs.
        let count = |kind: ChangeKind| changes.iter().filter(|c| c.kind == kind).count();
        summary.inserted = count(ChangeKind::Inserted);
        summary.deleted = count(ChangeKind::Deleted);
        summary.changed = count(ChangeKind::Changed);
        summary.moved = count(ChangeKind::Moved);
        (changes, summary, span)
    }

    /// Joins the records of consecutive paragraphs that are one change of
    /// words: paragraphs inserted (or deleted) one after another (a new
    /// section: its heading and its clauses), and the lines
    /// of one hard-wrapped sentence (the first does not end a sentence, the
    /// next starts with a lowercase letter), so a page whose source wraps its
    /// text at 70 columns has one record for a clause edited, not one per
    /// line. The counts stay by paragraph.
    fn join_wrapped(&self, records: Vec<(RecordKey, Change)>) -> Vec<Change> {
        // (key, bytes of the paragraphs joined, record)
        let mut out: Vec<(RecordKey, Indices<u32>, Change)> = Vec::with_capacity(records.len());
        for (key, c) in records {
            let joins = out.last().is_some_and(|(k, _, prev)| {
                let in_page =
                    |x: &Change| matches!(x.kind, ChangeKind::Inserted | ChangeKind::Changed);
                let next_paragraph = k.1 == 1 && key.1 == 1 && key.2 == k.2 + 1;
                // The last paragraph joined so far (`k.2`) runs on into this one.
                let wrapped = next_paragraph
                    && !self.page.ends_sentence(k.2)
                    && c.text.chars().next().is_some_and(char::is_lowercase);
                let runs_on = next_paragraph
                    && prev.kind == ChangeKind::Inserted
                    && c.kind == ChangeKind::Inserted;
                let deleted_together = prev.kind == ChangeKind::Deleted
                    && c.kind == ChangeKind::Deleted
                    && prev.anchor == c.anchor;
                (in_page(prev) && in_page(&c) && next_paragraph && (wrapped || runs_on))
                    || deleted_together
            });
            match out.last_mut() {
                Some((k, bytes, prev)) if joins => {
                    *k = key;
                    if key.1 == 1 {
                        bytes.end = self.page.span(key.2).byte_end;
                    }
                    join(prev, c);
                }
                _ => {
                    let span = if key.1 == 1 {
                        self.page.span(key.2)
                    } else {
                        Span::default()
                    };
                    out.push((key, span.byte_start..span.byte_end, c));
                }
            }
        }
        out.into_iter()
            .map(|(_, bytes, mut c)| {
                if c.kind != ChangeKind::Deleted {
                    let text = self.page.raw.get(bytes.start as usize..bytes.end as usize);
                    c.text = text.unwrap_or("").to_string();
                }
                if c.kind == ChangeKind::Inserted {
                    c.words.clear();
                    c.highlights.clear();
                }
                c
            })
            .collect()
    }

    /// The new paragraph a deleted run of old paragraph `r` (which has words
    /// kept) belongs to, and the new word it stood before: beside the kept
    /// word of `r` just before it, or else just after it.
    fn attach_to(&self, r: usize, piece: &Indices<usize>, step_pos: usize) -> (usize, usize) {
        let (st, m) = (self.st, self.marks);
        let before = (piece.start > st.old_starts[r])
            .then(|| m.old_to_new[piece.start - 1])
            .flatten()
            .map(|j| (j, j + 1));
        let after = (piece.end < st.old_starts[r + 1])
            .then(|| m.old_to_new[piece.end])
            .flatten()
            .map(|j| (j, j));
        let (j, fallback) = before
            .or(after)
            .unwrap_or((step_pos.min(st.new_para.len().saturating_sub(1)), step_pos));
        let q = st.new_para.get(j).copied().unwrap_or(0);
        let range = st.new_range(q);
        let pos = if range.start <= step_pos && step_pos <= range.end {
            step_pos
        } else {
            fallback
        };
        (q, pos)
    }

    /// A record for new paragraph `q`.
    fn in_page(&self, kind: ChangeKind, q: usize) -> Change {
        let span = self.page.span(q);
        Change {
            kind,
            text: span.slice(self.page.raw).to_string(),
            start: Some(span.start),
            end: Some(span.end),
            anchor: None,
            words: Vec::new(),
            highlights: Vec::new(),
        }
    }

    /// The record of old paragraph `r`, deleted whole, standing before new
    /// word `pos`.
    fn deleted(&self, r: usize, pos: usize) -> Change {
        Change {
            kind: ChangeKind::Deleted,
            text: self.old.paragraphs[r].clone(),
            start: None,
            end: None,
            anchor: Some(self.anchor(pos)),
            words: Vec::new(),
            highlights: Vec::new(),
        }
    }

    /// Where something standing before new word `pos` is shown (UTF-16): the
    /// start of its paragraph when it is the paragraph's first word, else
    /// the word's start; the end of the text after the last word.
    fn anchor(&self, pos: usize) -> u32 {
        let st = self.st;
        match st.new_para.get(pos) {
            None => self.page.end(),
            Some(&q) if st.new_starts[q] == pos => self.page.span(q).start,
            Some(_) => st.new_words[pos].span.start,
        }
    }

    /// Old words `r` (flat indices of one old paragraph) as the snapshot
    /// wrote them, with their punctuation.
    fn old_text(&self, r: &Indices<usize>, lead: bool) -> String {
        let st = self.st;
        let (p, a) = st.old_at[r.start];
        let b = st.old_at[r.end - 1].1 + 1;
        let words: Vec<&Word> = self.old_words[p].iter().collect();
        quote_run(&self.old.paragraphs[p], &words, a..b, None, lead).1
    }

    /// Whether the page has nothing but whitespace just before new word `pos`
    /// of paragraph `range` (so a deleted run there may bring its own
    /// punctuation: `resell, sublicense` -> `, sublicense`).
    fn bare_gap_before(&self, range: &Indices<usize>, pos: usize) -> bool {
        let w = &self.st.new_words;
        if pos <= range.start {
            return false;
        }
        let from = w[pos - 1].span.byte_end as usize;
        let to = w
            .get(pos)
            .filter(|_| pos < range.end)
            .map_or(from, |x| x.span.byte_start as usize);
        self.page
            .raw
            .get(from..to)
            .is_some_and(|g| g.chars().all(char::is_whitespace))
    }

    /// The word diff of changed paragraph `q`: its words equal or inserted, and
    /// the deleted runs attached to it at their places.
    fn paragraph_words(&self, q: usize, attached: &mut [Attached]) -> (Vec<DiffOp>, Vec<Range>) {
        let st = self.st;
        let range = st.new_range(q);
        crate::sort::by_key(attached, |(pos, _)| *pos);
        let mut out = Words16::default();
        let para = &self.page.paragraphs[q];
        let bounds = self.page.span(q);
        let mut next = 0;
        let mut j = range.start;
        while j <= range.end {
            while next < attached.len() && attached[next].0 <= j {
                let lead = self.bare_gap_before(&range, attached[next].0);
                out.push(Op::Delete, self.old_text(&attached[next].1, lead), None);
                next += 1;
            }
            if j == range.end {
                break;
            }
            let ins = self.marks.inserted[j];
            let mut e = j + 1;
            while e < range.end
                && self.marks.inserted[e] == ins
                && attached.get(next).is_none_or(|a| a.0 > e)
            {
                e += 1;
            }
            let local = j - range.start..e - range.start;
            let (span, text) = quote_run(self.page.raw, para, local, Some(bounds), false);
            let op = if ins { Op::Insert } else { Op::Equal };
            out.push(op, text, ins.then(|| span.utf16()));
            j = e;
        }
        while next < attached.len() {
            out.push(Op::Delete, self.old_text(&attached[next].1, false), None);
            next += 1;
        }
        (out.ops, out.highlights)
    }

    /// The word diff of old paragraph `r` moved, a few words edited, to `q`.
    fn near_move_words(&self, r: usize, q: usize) -> (Vec<DiffOp>, Vec<Range>) {
        let st = self.st;
        let old_ids = &st.old_ids[st.old_range(r)];
        let new_ids = &st.new_ids[st.new_range(q)];
        let old_words: Vec<&Word> = self.old_words[r].iter().collect();
        let para = &self.page.paragraphs[q];
        let bounds = self.page.span(q);
        let mut out = Words16::default();
        for op in stream::myers(old_ids, new_ids) {
            let (tag, o, n) = op.as_tag_tuple();
            if !o.is_empty() && tag != DiffTag::Equal {
                let text = quote_run(&self.old.paragraphs[r], &old_words, o, None, false).1;
                out.push(Op::Delete, text, None);
            }
            if !n.is_empty() {
                let (span, text) = quote_run(self.page.raw, para, n, Some(bounds), false);
                let ins = tag != DiffTag::Equal;
                out.push(
                    if ins { Op::Insert } else { Op::Equal },
                    text,
                    ins.then(|| span.utf16()),
                );
            }
        }
        (out.ops, out.highlights)
    }
}

/// Appends record `next` (the next paragraph, or the next deleted one) to
/// `prev`; the caller sets the text of an in-page record once joining ends
/// (and drops the word diff of one left `inserted`). Each paragraph keeps its
/// own ops and highlights: the text between two paragraphs (a list number)
/// is in neither.
fn join(prev: &mut Change, next: Change) {
    if prev.kind == ChangeKind::Deleted {
        prev.text.push(' ');
        prev.text.push_str(&next.text);
        return;
    }
    let whole = |c: &mut Change| -> (Vec<DiffOp>, Vec<Range>) {
        if c.kind == ChangeKind::Inserted && c.words.is_empty() {
            let (start, end) = (c.start.unwrap_or(0), c.end.unwrap_or(0));
            let text = crate::text::shown(&c.text);
            (
                vec![DiffOp {
                    op: Op::Insert,
                    text,
                }],
                vec![Range { start, end }],
            )
        } else {
            (
                std::mem::take(&mut c.words),
                std::mem::take(&mut c.highlights),
            )
        }
    };
    let (ops, highlights) = whole(prev);
    (prev.words, prev.highlights) = (ops, highlights);
    let mut next = next;
    let (ops, highlights) = whole(&mut next);
    prev.words.extend(ops);
    prev.highlights.extend(highlights);
    if next.kind == ChangeKind::Changed {
        prev.kind = ChangeKind::Changed;
    }
    prev.end = next.end;
}

/// A word diff being built: ops (same ops in a row merged) and highlights.
#[derive(Default)]
struct Words16 {
    ops: Vec<DiffOp>,
    highlights: Vec<Range>,
}

impl Words16 {
    fn push(&mut self, op: Op, text: String, highlight: Option<Range>) {
        if text.is_empty() {
            return;
        }
        if let Some(h) = highlight {
            match self.highlights.last_mut() {
                Some(last) if self.ops.last().is_some_and(|l| l.op == Op::Insert) => {
                    last.end = h.end
                }
                _ => self.highlights.push(h),
            }
        }
        match self.ops.last_mut() {
            Some(last) if last.op == op => {
                last.text.push(' ');
                last.text.push_str(&text);
            }
            _ => self.ops.push(DiffOp { op, text }),
        }
    }
}

/// Words `run` of `words` (one paragraph of `raw`) as quoted: the span with
/// the punctuation around it ([`Span::quoted`]), kept inside `bounds` when
/// given (the page's side), and its text as shown ([`crate::text::shown`]).
/// With `lead`, a deleted run also takes the punctuation just before
/// it (`resell, sublicense` -> `, sublicense`), for when the word before it,
/// shown from the page, does not have it.
fn quote_run(
    raw: &str,
    words: &[&Word],
    run: Indices<usize>,
    bounds: Option<Span>,
    lead: bool,
) -> (Span, String) {
    let (Some(first), Some(last)) = (
        words.get(run.start),
        run.end.checked_sub(1).and_then(|e| words.get(e)),
    ) else {
        return (Span::default(), String::new());
    };
    let prev = run.start.checked_sub(1).map(|p| words[p].span.byte_end);
    let next = words.get(run.end).map(|w| w.span.byte_start);
    let mut span = first.span.to(last.span).quoted(raw, prev, next);
    if let (true, Some(p)) = (lead, prev) {
        let gap = raw.get(p as usize..span.byte_start as usize).unwrap_or("");
        // Text glued to the word before (`50.12.5`: `.`) stays with it.
        let after_dropped = gap.rfind(char::is_alphanumeric).map_or(gap, |i| {
            &gap[i + gap[i..].chars().next().map_or(1, char::len_utf8)..]
        });
        let lead = if gap.contains(char::is_whitespace) {
            after_dropped.trim_start()
        } else {
            ""
        };
        span.start -= lead.encode_utf16().count() as u32;
        span.byte_start -= lead.len() as u32;
    }
    if let Some(b) = bounds {
        if span.byte_start < b.byte_start {
            (span.start, span.byte_start) = (b.start, b.byte_start);
        }
        if span.byte_end > b.byte_end {
            (span.end, span.byte_end) = (b.end, b.byte_end);
        }
    }
    (span, crate::text::shown(span.slice(raw)))
}

/// The new page's paragraphs and where they stand.
struct Page<'p, 'w> {
    raw: &'p str,
    paragraphs: &'p [Vec<&'w Word>],
}

impl Page<'_, '_> {
    /// The span of paragraph `j`: first word to last, with the opening and
    /// closing punctuation around them ([`Span::framed`]).
    fn span(&self, j: usize) -> Span {
        let p = &self.paragraphs[j];
        let (Some(a), Some(b)) = (p.first(), p.last()) else {
            return Span::default();
        };
        a.span.to(b.span).framed(self.raw)
    }

    /// Whether paragraph `j` ends a sentence ([`snapshot::ends_sentence`] on
    /// the text between its last word and the next paragraph's first).
    fn ends_sentence(&self, j: usize) -> bool {
        let Some(last) = self.paragraphs[j].last() else {
            return true;
        };
        let from = last.span.byte_end as usize;
        let to = self
            .paragraphs
            .get(j + 1)
            .and_then(|p| p.first())
            .map_or(self.raw.len(), |w| w.span.byte_start as usize);
        let gap = self.raw.get(from..to).unwrap_or("");
        // The page's end closes the sentence like a line break.
        snapshot::ends_sentence(&format!("{gap} "))
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
    fn a_rewrite_sharing_its_last_words_with_the_next_paragraph_is_not_changed() {
        // The equal run "at all. End" crosses a paragraph boundary that lines
        // up on both sides: "at all" alone does not make the two one clause.
        assert_eq!(
            kinds(
                "Intro\nYou may not resell the services to anyone at all.\nEnd",
                "Intro\nPayment is due within thirty days of invoice at all.\nEnd"
            ),
            [
                (
                    ChangeKind::Deleted,
                    "You may not resell the services to anyone at all.".to_string()
                ),
                (
                    ChangeKind::Inserted,
                    "Payment is due within thirty days of invoice at all.".to_string()
                ),
            ]
        );
    }

    #[test]
    fn wrapped_lines_join_only_while_no_sentence_ends() {
        let old = "Intro line here.\nthe first line of a clause that\nwraps onto a second line.\nthen a third line follows it here\nEnd.";
        let new = "Intro line here.\nthe first line of a term that\nwraps onto a next line.\nthen a third line comes after here\nEnd.";
        let texts: Vec<String> = kinds(old, new).into_iter().map(|(_, t)| t).collect();
        assert_eq!(
            texts,
            [
                "the first line of a term that\nwraps onto a next line.",
                "then a third line comes after here"
            ]
        );
    }

    #[test]
    fn a_word_hyphenated_at_a_line_end_is_shown_joined() {
        let old = Snapshot::of("You accept this agree-\nment in full today.");
        assert_eq!(old.paragraphs, ["You accept this agreement in full today."]);
        let r = diff(&old, "You accept this agree-\nment in part today.");
        let ops: Vec<&str> = r.changes[0].words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(
            ops,
            ["You accept this agreement in", "full", "part", "today."]
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
