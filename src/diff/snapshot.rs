//! Snapshots: the compact, comparable form of a page's text ([`Snapshot`]),
//! and the page's paragraphs as both sides of the diff see them.

use super::noise;
use crate::text::{Word, Words};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The snapshot format this version of termlens writes. Format 1 (the
/// paragraphs' normalised words only) is still read; any other is refused by
/// name ([`SnapshotError`]).
pub const FORMAT: u32 = 2;

/// The oldest format still read: format 1 kept only normalised words, so a
/// paragraph deleted since a format-1 snapshot is shown lowercased and without
/// punctuation.
pub const OLDEST_FORMAT: u32 = 1;

/// A line longer than this many words is split at its sentence ends, so that
/// text without block boundaries (one long line) still diffs paragraph by
/// paragraph, and a one-word edit in a long clause gives a short word diff.
/// Four lines of the AWS Service Terms (2025-11) are longer, up to 340 words;
/// typical clauses are 30 to 120. Sentence ends are chosen by the text itself,
/// so an insertion upstream does not shift the cuts.
const LONG_LINE_WORDS: usize = 300;

/// A piece of a long line without a sentence end is cut every this many
/// words, whatever the text (hostile input: megabytes without punctuation).
const MAX_PARAGRAPH_WORDS: usize = 1000;

/// The comparable text of a page, by paragraph.
///
/// A page is split into paragraphs (its lines: the extension puts a `\n` at
/// every block boundary, the CLI's HTML and Markdown readers do the same),
/// noise is removed (see [`crate::diff`], "Noise"), and each paragraph is kept
/// as the page wrote it, from its first kept word to its last (with the
/// quotes and closing punctuation around them): whitespace runs become one
/// space, and words removed as noise inside it (a URL's query string, a
/// relative date) leave one space. The rare paragraph whose text would not
/// read back as the same words (a sentence cut out of a long line that starts
/// like numbering: `U.S. District Court`) is kept as its normalised words. Its comparable words are computed when the
/// snapshot is read ([`Words`]: no case, punctuation, typography or
/// numbering), so a paragraph deleted since the snapshot can be shown as the
/// page had it. Nothing else of the page is kept: no markup, no offsets, no
/// URLs' query strings, no cookie banner, no section number before the first
/// word.
///
/// ```text
///  "50.12.5. We may share information, that does not include Your Content, ..."
///    ──▶ "We may share information, that does not include Your Content, ..."
///    ──▶ (on read) we may share information that does not include your content
/// ```
///
/// The same format serves the snapshot the extension stores at a visit and the
/// snapshot it ships for the latest recorded version of each known document;
/// `date` says which visit or version it is, and the diff reports it back.
///
/// JSON (`format` 2):
///
/// ```json
/// { "format": 2, "date": "2025-05-23", "checksum": "9f0c…",
///   "paragraphs": ["AWS Service Terms", "Last Updated: May 16, 2025", "…"] }
/// ```
///
/// `checksum` is FNV-1a (64 bits, hex) over the paragraphs joined by `\n`: a
/// truncated or edited snapshot is refused rather than compared. Each
/// paragraph's words and hash are computed when the snapshot is read, not
/// stored: they would add a third to the size and tell nothing the text does
/// not.
///
/// Size: bounded by the page's text, never more than it plus the JSON quoting
/// (a few bytes a paragraph; only kept words and the punctuation between them
/// are stored). The AWS Service Terms of 2025-11-19, the longest page of the
/// corpus (258 KB of text, 864 paragraphs), give about 255 KB of JSON; the
/// OpenAI usage policies (10 KB) about 10 KB. The extension refuses to store a
/// snapshot over its per-page limit (see `extension/shared/snapshots.js`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The format version: [`FORMAT`] when written by this termlens, or
    /// [`OLDEST_FORMAT`] when an older snapshot was read.
    pub format: u32,
    /// The visit or recorded version this snapshot is of (`2025-05-23`), set
    /// by whoever stores it; the diff reports it as `since`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// FNV-1a over the paragraphs joined by `\n`, 16 hex digits.
    pub checksum: String,
    /// Each paragraph's text as the page had it (format 2), or its normalised
    /// words joined by single spaces (format 1).
    pub paragraphs: Vec<String>,
}

impl Snapshot {
    /// The snapshot of a page's raw text.
    pub fn of(raw: &str) -> Snapshot {
        let words = Words::new(raw);
        Snapshot::of_paragraphs(raw, &words, &paragraphs(raw, &words))
    }

    /// The snapshot of paragraphs already split from `raw` (by
    /// [`paragraphs`] over `words`): the diff's new side, reused.
    pub(crate) fn of_paragraphs(raw: &str, words: &Words, paras: &[Vec<&Word>]) -> Snapshot {
        let paragraphs: Vec<String> = paras
            .iter()
            .map(|p| {
                let text = paragraph_text(raw, words, p);
                // Read back, the text must give the very words compared now.
                // A paragraph cut out of a longer line can start with what reads
                // as numbering at a block start ("U.S. District Court" after a
                // sentence end: "U." and "S." like "a." and "b."): it is then
                // kept as its normalised words, which always read back the same.
                let back = Words::new(&text);
                let same = back.len() == p.len()
                    && back.iter().zip(p.iter()).all(|(a, b)| a.norm == b.norm);
                if same {
                    text
                } else {
                    p.iter()
                        .map(|w| w.norm.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                }
            })
            .collect();
        Snapshot {
            format: FORMAT,
            date: None,
            checksum: checksum(&paragraphs),
            paragraphs,
        }
    }

    /// The same snapshot, dated (the visit, or the recorded version).
    pub fn dated(mut self, date: impl Into<String>) -> Snapshot {
        self.date = Some(date.into());
        self
    }

    /// Each paragraph's comparable words (normalised on read).
    pub(crate) fn words(&self) -> Vec<Words> {
        self.paragraphs.iter().map(|p| Words::new(p)).collect()
    }

    /// Reads a snapshot written by [`Snapshot::to_json`] (format 2, or format 1
    /// of an earlier termlens), checking its format, its paragraphs and its
    /// checksum.
    pub fn from_json(json: &str) -> Result<Snapshot, SnapshotError> {
        // The format first, so that a future format is named as such rather than
        // as a missing field; kept as written (a `serde_json::Value` would bring
        // serde_json's value printer into the Wasm for this one message).
        #[derive(Deserialize)]
        #[serde(expecting = "a snapshot (a JSON object)")]
        struct Head {
            format: Option<Box<serde_json::value::RawValue>>,
        }
        let head: Head =
            serde_json::from_str(json).map_err(|e| SnapshotError::json(e.to_string()))?;
        let format = match head.format {
            None => return Err(SnapshotError::json("missing field `format`".into())),
            Some(v) => match serde_json::from_str::<u64>(v.get()) {
                Ok(f) if (u64::from(OLDEST_FORMAT)..=u64::from(FORMAT)).contains(&f) => f,
                _ => return Err(SnapshotError::format(v.get().to_string())),
            },
        };
        let snap: Snapshot =
            serde_json::from_str(json).map_err(|e| SnapshotError::json(e.to_string()))?;
        for (i, p) in snap.paragraphs.iter().enumerate() {
            let bad = if format == 1 {
                p.is_empty() || p.split(' ').any(str::is_empty) || p.contains(['\n', '\r', '\t'])
            } else {
                p.trim().len() != p.len() || p.is_empty() || p.chars().any(char::is_control)
            };
            if bad {
                return Err(SnapshotError::paragraph(i));
            }
        }
        if checksum(&snap.paragraphs) != snap.checksum {
            return Err(SnapshotError::checksum());
        }
        Ok(snap)
    }

    /// The snapshot as compact JSON.
    pub fn to_json(&self) -> String {
        // A struct of strings and numbers always serialises.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// A paragraph's text as stored: from its first word to its last, with the
/// quotes before and the punctuation after them, whitespace runs as one space,
/// and one space where words were removed as noise.
fn paragraph_text(raw: &str, words: &Words, p: &[&Word]) -> String {
    let (Some(first), Some(last)) = (p.first(), p.last()) else {
        return String::new();
    };
    let all = words.as_slice();
    let index = |w: &Word| {
        all.binary_search_by_key(&w.span.byte_start, |x| x.span.byte_start)
            .ok()
    };
    let mut out = String::new();
    let before = raw.get(..first.span.byte_start as usize).unwrap_or("");
    let opening: String = before
        .chars()
        .rev()
        .take_while(|c| "([{\"'“‘«¿¡".contains(*c))
        .collect();
    out.extend(opening.chars().rev());
    let mut prev: Option<&Word> = None;
    for w in p {
        if let Some(pw) = prev {
            let contiguous = matches!((index(pw), index(w)), (Some(a), Some(b)) if b == a + 1);
            let gap = raw
                .get(pw.span.byte_end as usize..w.span.byte_start as usize)
                .unwrap_or(" ");
            if contiguous {
                push_tidy(&mut out, gap);
            } else {
                out.push(' ');
            }
        }
        let word = raw
            .get(w.span.byte_start as usize..w.span.byte_end as usize)
            .unwrap_or(&w.norm);
        if word.contains(char::is_whitespace) {
            // Hyphenated across a line end (`agree-\nment`): stored joined.
            out.push_str(&crate::text::shown(word));
        } else {
            out.push_str(word);
        }
        prev = Some(w);
    }
    let after = raw.get(last.span.byte_end as usize..).unwrap_or("");
    out.extend(
        after
            .chars()
            .take_while(|c| ".,;:!?)]}\"'”’»…%".contains(*c)),
    );
    out
}

/// Appends `gap` with each whitespace run (and control character) as one space.
fn push_tidy(out: &mut String, gap: &str) {
    let mut space = false;
    for c in gap.chars() {
        if c.is_whitespace() || c.is_control() {
            space = true;
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    if space {
        out.push(' ');
    }
}

/// Why a snapshot cannot be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotError {
    kind: ErrorKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum ErrorKind {
    Json(String),
    Format(String),
    Paragraph(usize),
    Checksum,
}

impl SnapshotError {
    fn json(message: String) -> SnapshotError {
        SnapshotError {
            kind: ErrorKind::Json(message),
        }
    }
    fn format(found: String) -> SnapshotError {
        SnapshotError {
            kind: ErrorKind::Format(found),
        }
    }
    fn paragraph(index: usize) -> SnapshotError {
        SnapshotError {
            kind: ErrorKind::Paragraph(index),
        }
    }
    fn checksum() -> SnapshotError {
        SnapshotError {
            kind: ErrorKind::Checksum,
        }
    }
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::Json(m) => write!(f, "snapshot: not a snapshot's JSON: {m}"),
            ErrorKind::Format(found) => write!(
                f,
                "snapshot: format {found} is not supported (this termlens reads formats {OLDEST_FORMAT} to {FORMAT})"
            ),
            ErrorKind::Paragraph(i) => write!(
                f,
                "snapshot: paragraph {i} is not a paragraph's text (empty, a line break or control character, or spaces around it)"
            ),
            ErrorKind::Checksum => write!(
                f,
                "snapshot: checksum does not match the paragraphs (truncated or edited)"
            ),
        }
    }
}

impl std::error::Error for SnapshotError {}

/// The paragraphs of a page: its lines (long ones cut at sentence ends), each
/// as the words that are compared, noise removed. Lines left without a word
/// are not paragraphs.
///
/// ```text
///  raw:    "Terms\nUpdated 3 days ago\n1.1. You will not resell https://x.io/?ref=7\n"
///  lines:   Terms | Updated 3 days ago | 1.1. You will not resell https://x.io/?ref=7
///  kept:   [terms]  (noise: none left)   [you will not resell https x io]
/// ```
pub(crate) fn paragraphs<'a>(raw: &str, words: &'a Words) -> Vec<Vec<&'a Word>> {
    let queries = noise::url_queries(raw);
    let mut out = Vec::new();
    let mut line: Vec<&Word> = Vec::new();
    let mut prev_end: Option<usize> = None;
    let mut q = 0;
    for w in words.iter() {
        let start = w.span.byte_start as usize;
        let new_line = prev_end.is_some_and(|end| raw.get(end..start).is_some_and(has_line_break));
        if new_line {
            flush(raw, std::mem::take(&mut line), &mut out);
        }
        prev_end = Some(w.span.byte_end as usize);
        while q < queries.len() && queries[q].1 <= start {
            q += 1;
        }
        if q < queries.len() && queries[q].0 <= start {
            continue; // a word of a URL's query string
        }
        line.push(w);
    }
    flush(raw, line, &mut out);
    out
}

/// Removes the noise of one line and appends what is left as paragraphs.
fn flush<'a>(raw: &str, line: Vec<&'a Word>, out: &mut Vec<Vec<&'a Word>>) {
    let line = noise::clean_line(line);
    if line.is_empty() {
        return;
    }
    if line.len() <= LONG_LINE_WORDS {
        out.push(line);
        return;
    }
    let mut cur = Vec::new();
    for (i, w) in line.iter().enumerate() {
        cur.push(*w);
        let sentence_end = line.get(i + 1).is_some_and(|next| {
            raw.get(w.span.byte_end as usize..next.span.byte_start as usize)
                .is_some_and(ends_sentence)
        });
        if sentence_end || cur.len() >= MAX_PARAGRAPH_WORDS {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
}

fn has_line_break(gap: &str) -> bool {
    gap.contains(['\n', '\r', '\u{2028}', '\u{2029}', '\u{b}', '\u{c}'])
}

/// The text between two words ends a sentence: `.`, `!`, `?` or `;` (after
/// closing quotes or brackets), then a space.
pub(crate) fn ends_sentence(gap: &str) -> bool {
    // Most gaps are a space: an ASCII first byte that is neither a closing
    // mark nor a sentence end settles it (`”` and `’` start with 0xE2).
    if gap
        .as_bytes()
        .first()
        .is_none_or(|b| b.is_ascii() && !b"\"')].!?;".contains(b))
    {
        return false;
    }
    let gap = gap.trim_start_matches(['"', '\'', '”', '’', ')', ']']);
    gap.starts_with(['.', '!', '?', ';']) && gap.contains(char::is_whitespace)
}

/// FNV-1a, 64 bits: stable across platforms, versions and languages (the
/// extension could compute it in JS), and fast on short keys.
pub(crate) struct Fnv(u64);

impl Fnv {
    pub(crate) fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    pub(crate) fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
    pub(crate) fn finish(&self) -> u64 {
        self.0
    }
}

/// The hash of a paragraph: FNV-1a of its words joined by single spaces (so
/// the same as the hash of the snapshot's text of it).
pub(crate) fn hash_words<'s>(words: impl Iterator<Item = &'s str>) -> u64 {
    let mut h = Fnv::new();
    for (i, w) in words.enumerate() {
        if i > 0 {
            h.write(b" ");
        }
        h.write(w.as_bytes());
    }
    h.finish()
}

fn checksum(paragraphs: &[String]) -> String {
    let mut h = Fnv::new();
    for (i, p) in paragraphs.iter().enumerate() {
        if i > 0 {
            h.write(b"\n");
        }
        h.write(p.as_bytes());
    }
    format!("{:016x}", h.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The paragraphs' comparable words, as the diff reads them back.
    fn paras(raw: &str) -> Vec<String> {
        Snapshot::of(raw)
            .words()
            .iter()
            .map(|w| w.joined().to_string())
            .collect()
    }

    #[test]
    fn lines_are_paragraphs_and_numbering_does_not_count() {
        assert_eq!(
            paras("Terms\n\n50.12.8. Output  may\u{a0}include “Provenance Data”.\r\nEnd"),
            ["terms", "output may include provenance data", "end"]
        );
    }

    #[test]
    fn noise_is_not_kept() {
        assert_eq!(
            paras(
                "Terms\nUpdated 3 days ago\nYou will not resell https://x.io/t?ref=7 ever\nAccept all"
            ),
            ["terms", "you will not resell https x io t ever"]
        );
    }

    #[test]
    fn paragraphs_are_kept_as_the_page_wrote_them() {
        let snap = Snapshot::of(
            "50.12.8. Output  may\u{a0}include “Provenance Data”.\nSee https://x.io/t?ref=7 now\nUpdated 3 days ago, terms apply.",
        );
        assert_eq!(
            snap.paragraphs,
            [
                "Output may include “Provenance Data”.",
                "See https://x.io/t now",
                "terms apply."
            ]
        );
    }

    #[test]
    fn long_lines_are_cut_at_sentence_ends() {
        let sentence = "you will not use the services to do things. ";
        let raw = sentence.repeat(60); // 540 words on one line
        let p = paras(&raw);
        assert_eq!(p.len(), 60);
        assert_eq!(p[0], "you will not use the services to do things");
        let words = "word ".repeat(2500);
        assert_eq!(paras(&words).len(), 3);
    }

    #[test]
    fn json_round_trip_and_checks() {
        let snap = Snapshot::of("One line\nAnother line").dated("2025-05-23");
        let json = snap.to_json();
        assert_eq!(Snapshot::from_json(&json), Ok(snap.clone()));
        assert_eq!(snap.paragraphs, ["One line", "Another line"]);
        let edited = json.replace("Another", "Other");
        assert!(
            Snapshot::from_json(&edited)
                .is_err_and(|e| e.to_string().contains("checksum does not match"))
        );
        let future = json.replace("\"format\":2", "\"format\":3");
        assert!(
            Snapshot::from_json(&future)
                .is_err_and(|e| e.to_string().contains("format 3 is not supported"))
        );
    }
}
