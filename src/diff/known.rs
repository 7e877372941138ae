//! What a visit shows: the changes the extension posts to the page, from a
//! diff against the reader's previous visit or against the version termlens
//! knows (a known document's fingerprint), with the rules that decide it.
//!
//! Against a fingerprint, the page counts as that document only when at least
//! [`SAME_DOCUMENT_SHARE`] of the fingerprint's paragraphs have all their
//! words found unchanged in it (however the page lays them out), and the inserted paragraphs before the first and after the last
//! unchanged one (the site's header and footer, which the recorded version
//! does not have) are not listed. What goes to the page is capped
//! ([`MAX_CHANGES`], [`MAX_CHANGE_TEXT`]); the counts stay whole.

use super::{ChangeKind, DiffResult, Snapshot, Summary};
use serde::{Deserialize, Serialize};

/// A page compared with a fingerprint counts as that document when at least
/// this share of the fingerprint's paragraphs have all their words found
/// unchanged in it: a page that only quotes the document is not "a different
/// version" of it. Counted on the fingerprint's side, so a page that merges
/// or splits the recorded paragraphs is still that document.
pub const SAME_DOCUMENT_SHARE: f64 = 0.5;

/// Changes listed at most (the panel's list; the counts are always whole).
pub const MAX_CHANGES: usize = 500;

/// Longest text of one change, or of one word-diff step, sent to the page
/// (UTF-16 code units).
pub const MAX_CHANGE_TEXT: usize = 4_000;

/// What the page is compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// The snapshot stored at the reader's previous visit of the same URL.
    Visit,
    /// The fingerprint of the known document the page is (a first visit).
    Known,
}

/// What the page shows: "What changed since DATE" (visit) or "This page
/// differs from the version termlens knows (DATE)" (known), and the list.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Changes {
    /// What the page was compared with.
    pub source: Source,
    /// The snapshot's date (empty when it has none).
    pub since: String,
    /// The changes, in the page's order, at most [`MAX_CHANGES`], texts cut
    /// at [`MAX_CHANGE_TEXT`].
    pub changes: Vec<super::Change>,
    /// The counts, of every change (not only those listed).
    pub summary: Summary,
    /// More changes than listed.
    pub truncated: bool,
}

/// A diff against a known document's fingerprint, as a first visit sees it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KnownDiff {
    /// The diff, header and footer insertions left out (`summary.inserted`
    /// counts what is left).
    #[serde(flatten)]
    pub diff: DiffResult,
    /// Whether the "differs from the version termlens knows" notice appears:
    /// the page is that document ([`SAME_DOCUMENT_SHARE`]) and something is
    /// left to list.
    pub notice: bool,
}

/// Whether a diff against a fingerprint is of the same document: at least
/// [`SAME_DOCUMENT_SHARE`] of the fingerprint's paragraphs with all their
/// words unchanged.
pub fn is_same_document(summary: &Summary) -> bool {
    summary.old_unchanged as f64 >= summary.old_paragraphs as f64 * SAME_DOCUMENT_SHARE
}

/// Leaves out the inserted paragraphs outside the unchanged span (the site's
/// header and footer around the recorded document) and counts again.
pub fn trim_header_footer(mut diff: DiffResult) -> DiffResult {
    let Some(span) = diff.unchanged_span else {
        return diff;
    };
    let inside = |c: &super::Change| match (c.start, c.end) {
        (Some(start), Some(end)) => start >= span.start && end <= span.end,
        _ => false,
    };
    diff.changes
        .retain(|c| c.kind != ChangeKind::Inserted || inside(c));
    diff.summary.inserted = diff
        .changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Inserted)
        .count();
    diff
}

/// The diff of the page `text` against a known document's fingerprint, as a
/// first visit shows it (see [`KnownDiff`]).
pub fn against_known(fingerprint: &Snapshot, text: &str) -> KnownDiff {
    known_of(super::diff(fingerprint, text))
}

/// [`against_known`] from the diff already made.
fn known_of(diff: DiffResult) -> KnownDiff {
    let same = is_same_document(&diff.summary);
    let diff = trim_header_footer(diff);
    let notice = same && !diff.changes.is_empty();
    KnownDiff { diff, notice }
}

/// What the page shows for a diff against `source`: `None` when nothing is
/// shown (no change; against a fingerprint, a page that is not that document).
pub fn shown(diff: DiffResult, source: Source) -> Option<Changes> {
    let diff = match source {
        Source::Visit => diff,
        Source::Known => {
            let known = known_of(diff);
            if !known.notice {
                return None;
            }
            known.diff
        }
    };
    if diff.changes.is_empty() {
        return None;
    }
    let truncated = diff.changes.len() > MAX_CHANGES;
    let changes = diff
        .changes
        .into_iter()
        .take(MAX_CHANGES)
        .map(|mut c| {
            cut_utf16(&mut c.text, MAX_CHANGE_TEXT);
            for w in &mut c.words {
                cut_utf16(&mut w.text, MAX_CHANGE_TEXT);
            }
            c
        })
        .collect();
    Some(Changes {
        source,
        since: diff.since.unwrap_or_default(),
        changes,
        summary: diff.summary,
        truncated,
    })
}

/// What one visit gives the extension: what to show, the snapshot to store
/// now, and why the snapshot compared with could not be read, if so.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Visit {
    /// What the page shows (`None`: nothing).
    pub changes: Option<Changes>,
    /// The page's snapshot as it is now (JSON), dated with the visit.
    pub snapshot: String,
    /// Why `previous` could not be read (then nothing is compared; the caller
    /// sets a stored snapshot aside).
    pub problem: Option<String>,
}

/// One visit of a page, in one pass over its text: the page compared with
/// `previous` (a snapshot's JSON: the stored one for [`Source::Visit`], the
/// fingerprint for [`Source::Known`]; `None` on a first visit of a page that
/// is no known document), and its new snapshot, dated `date`.
pub fn visit(previous: Option<&str>, text: &str, date: Option<String>, source: Source) -> Visit {
    let (old, problem) = match previous.map(Snapshot::from_json) {
        None => (None, None),
        Some(Ok(snap)) => (Some(snap), None),
        Some(Err(e)) => (None, Some(e.to_string())),
    };
    let (result, snap) = super::diff_and_snapshot(old.as_ref(), text);
    let snap = match date {
        Some(d) => snap.dated(d),
        None => snap,
    };
    Visit {
        changes: result.and_then(|r| shown(r, source)),
        snapshot: snap.to_json(),
        problem,
    }
}

/// Cuts `s` to at most `max` UTF-16 code units, at a character boundary.
fn cut_utf16(s: &mut String, max: usize) {
    let mut units = 0;
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > max {
            s.truncate(i);
            return;
        }
    }
}

/// The file a known document's fingerprint is written to and read from: its
/// id with `/` as `--`, or `None` for a string that is not a document id
/// (lowercase ASCII letters, digits and `-`, in segments joined by `/`), so a
/// hostile id never names another path.
pub fn fingerprint_file(document: &str) -> Option<String> {
    let segment_ok = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    document
        .split('/')
        .all(segment_ok)
        .then(|| format!("{}.json", document.replace('/', "--")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_files_are_named_from_document_ids_only() {
        assert_eq!(
            fingerprint_file("aws/service-terms").as_deref(),
            Some("aws--service-terms.json")
        );
        assert_eq!(fingerprint_file("openai").as_deref(), Some("openai.json"));
        for bad in [
            "",
            "/aws",
            "aws/",
            "aws//x",
            "../etc",
            "AWS/x",
            "a b",
            "aws/x.json",
        ] {
            assert_eq!(fingerprint_file(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn texts_are_cut_at_a_character_boundary() {
        let mut s = "a😀b".to_string();
        cut_utf16(&mut s, 2);
        assert_eq!(s, "a");
        let mut s = "a😀b".to_string();
        cut_utf16(&mut s, 3);
        assert_eq!(s, "a😀");
        let mut s = "abc".to_string();
        cut_utf16(&mut s, 10);
        assert_eq!(s, "abc");
    }

    #[test]
    fn a_page_that_only_quotes_the_document_shows_nothing() {
        let known = Snapshot::of("One clause here.\nTwo clause here.\nThree clause here.");
        let quoting = "Header of a blog\nTwo clause here.\nOur own words about it.";
        assert!(!against_known(&known, quoting).notice);
        assert_eq!(
            shown(super::super::diff(&known, quoting), Source::Known),
            None
        );
        // The same diff from a previous visit is shown.
        assert!(shown(super::super::diff(&known, quoting), Source::Visit).is_some());
    }

    #[test]
    fn a_page_laying_the_document_out_anew_is_still_that_document() {
        let clauses: Vec<String> = (0..16)
            .map(|i| format!("Clause {i} says that customers must follow rule {i} here."))
            .collect();
        let known = Snapshot::of(&clauses.join("\n"));
        let mut merged: Vec<String> = clauses.chunks(4).map(|c| c.join(" ")).collect();
        merged[1] = merged[1].replacen("customers", "users", 1);
        let known_diff = against_known(&known, &merged.join("\n"));
        assert_eq!(known_diff.diff.summary.old_paragraphs, 16);
        assert_eq!(known_diff.diff.summary.old_unchanged, 15);
        assert!(known_diff.notice, "{:?}", known_diff.diff.summary);
    }

    #[test]
    fn the_sites_header_and_footer_are_not_listed() {
        let known = Snapshot::of(
            "The first clause of the terms.\nThe second clause of the terms.\nThe third clause of the terms.",
        )
        .dated("2026-01-02");
        let page = "Products Pricing Sign in\nThe first clause of the terms.\nThe second clause of the terms.\nA clause added since then, about data.\nThe third clause of the terms.\nCopyright 2026 Example";
        let known_diff = against_known(&known, page);
        assert!(known_diff.notice);
        let texts: Vec<&str> = known_diff
            .diff
            .changes
            .iter()
            .map(|c| c.text.as_str())
            .collect();
        assert_eq!(texts, ["A clause added since then, about data."]);
        assert_eq!(known_diff.diff.summary.inserted, 1);
        let shown = shown(super::super::diff(&known, page), Source::Known);
        assert_eq!(shown.as_ref().map(|c| c.since.as_str()), Some("2026-01-02"));
        assert_eq!(shown.map(|c| c.changes.len()), Some(1));
    }

    #[test]
    fn the_list_is_capped_and_the_counts_stay_whole() {
        // Insertions apart from each other (paragraphs inserted one after
        // another are one change).
        let mut old = String::from("Start of the page.");
        let long = "word ".repeat(MAX_CHANGE_TEXT);
        let mut new = String::from("Start of the page.\n");
        new.push_str(&long);
        for i in 0..MAX_CHANGES + 10 {
            let kept =
                format!("Kept line {i} says the same in both versions of the page, word for word.");
            old.push_str(&format!("\n{kept}"));
            new.push_str(&format!("\nParagraph number {i} added.\n{kept}"));
        }
        let old = Snapshot::of(&old);
        let out = visit(
            Some(&old.to_json()),
            &new,
            Some("2026-02-03".into()),
            Source::Visit,
        );
        assert_eq!(out.problem, None);
        let changes = out.changes.expect("changes");
        assert!(changes.truncated);
        assert_eq!(changes.changes.len(), MAX_CHANGES);
        assert!(
            changes.summary.inserted > MAX_CHANGES,
            "{:?}",
            changes.summary
        );
        let longest = changes
            .changes
            .iter()
            .map(|c| c.text.encode_utf16().count())
            .max();
        assert_eq!(longest, Some(MAX_CHANGE_TEXT));
        assert!(Snapshot::from_json(&out.snapshot).is_ok());
        let bad = visit(Some("{"), &new, None, Source::Visit);
        assert!(bad.changes.is_none() && bad.problem.is_some());
    }
}
