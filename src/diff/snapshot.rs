//! Snapshots: the compact, comparable form of a page's text ([`Snapshot`]),
//! and the page's paragraphs as both sides of the diff see them.

use super::noise;
use crate::text::{Word, Words};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The snapshot format this version of termlens writes and reads.
pub const FORMAT: u32 = 1;

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
/// as its normalised words ([`Words`]: no case, punctuation, typography or
/// numbering) joined by single spaces. Nothing else of the page is kept: no markup, no offsets, no
/// URLs' query strings, no cookie banner.
///
/// ```text
///  "50.12.5. We may share information, that does not include Your Content, ..."
///    ──▶ "we may share information that does not include your content ..."
/// ```
///
/// The same format serves the snapshot the extension stores at a visit and the
/// snapshot it ships for the latest recorded version of each known document;
/// `date` says which visit or version it is, and the diff reports it back.
///
/// JSON (`format` 1):
///
/// ```json
/// { "format": 1, "date": "2025-05-23", "checksum": "9f0c…",
///   "paragraphs": ["aws service terms", "last updated may 16 2025", "…"] }
/// ```
///
/// `checksum` is FNV-1a (64 bits, hex) over the paragraphs joined by `\n`: a
/// truncated or edited snapshot is refused rather than compared. Each
/// paragraph's own hash (FNV-1a of its text, the unit of the paragraph diff) is
/// computed when the snapshot is read, not stored: it would add a tenth to the
/// size and tell nothing the text does not.
///
/// Size: about the size of the extracted text (punctuation and case go, the
/// JSON quoting comes). The AWS Service Terms of 2025-11-19, the longest page
/// of the corpus (258 KB of text, 864 paragraphs), give 248 KB of JSON, 59 KB
/// gzipped; the OpenAI usage policies (10 KB) give 9.6 KB.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The format version, [`FORMAT`].
    pub format: u32,
    /// The visit or recorded version this snapshot is of (`2025-05-23`), set
    /// by whoever stores it; the diff reports it as `since`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// FNV-1a over the paragraphs joined by `\n`, 16 hex digits.
    pub checksum: String,
    /// Each paragraph's normalised words, joined by single spaces.
    pub paragraphs: Vec<String>,
}

impl Snapshot {
    /// The snapshot of a page's raw text.
    pub fn of(raw: &str) -> Snapshot {
        let words = Words::new(raw);
        let paragraphs: Vec<String> = paragraphs(raw, &words)
            .iter()
            .map(|p| {
                p.iter()
                    .map(|w| w.norm.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
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

    /// Reads a snapshot written by [`Snapshot::to_json`], checking its format,
    /// its paragraphs and its checksum.
    pub fn from_json(json: &str) -> Result<Snapshot, SnapshotError> {
        // The format first, so that a future format is named as such rather than
        // as a missing field.
        #[derive(Deserialize)]
        #[serde(expecting = "a snapshot (a JSON object)")]
        struct Head {
            format: Option<serde_json::Value>,
        }
        let head: Head =
            serde_json::from_str(json).map_err(|e| SnapshotError::json(e.to_string()))?;
        match head.format {
            None => return Err(SnapshotError::json("missing field `format`".into())),
            Some(v) if v.as_u64() != Some(u64::from(FORMAT)) => {
                return Err(SnapshotError::format(v.to_string()));
            }
            Some(_) => {}
        }
        let snap: Snapshot =
            serde_json::from_str(json).map_err(|e| SnapshotError::json(e.to_string()))?;
        for (i, p) in snap.paragraphs.iter().enumerate() {
            if p.is_empty() || p.split(' ').any(str::is_empty) || p.contains(['\n', '\r', '\t']) {
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
                "snapshot: format {found} is not supported (this termlens reads format {FORMAT})"
            ),
            ErrorKind::Paragraph(i) => write!(
                f,
                "snapshot: paragraph {i} is not normalised text (empty, or a word separator other than one space)"
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
fn ends_sentence(gap: &str) -> bool {
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

    fn paras(raw: &str) -> Vec<String> {
        Snapshot::of(raw).paragraphs
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
        assert_eq!(Snapshot::from_json(&json), Ok(snap));
        let edited = json.replace("another", "other");
        assert!(
            Snapshot::from_json(&edited)
                .is_err_and(|e| e.to_string().contains("checksum does not match"))
        );
        let future = json.replace("\"format\":1", "\"format\":2");
        assert!(
            Snapshot::from_json(&future)
                .is_err_and(|e| e.to_string().contains("format 2 is not supported"))
        );
    }
}
