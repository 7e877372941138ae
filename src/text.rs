//! The text model: raw page text in, a sequence of comparable words out.
//!
//! A page reaches the core as one string (the extension joins the page's text
//! nodes; the CLI extracts the text of an HTML or Markdown file). Matching must
//! not care how the vendor formatted a clause, so [`Words::new`] turns the
//! string into words that ignore:
//!
//! - case (`Customer` = `customer`);
//! - whitespace runs, line breaks and NBSP (they only separate words);
//! - punctuation, typographic quotes, dashes and apostrophes (`party’s`,
//!   `party's` and `party 's` all give `party` `s`);
//! - soft hyphens, zero-width characters and combining marks inside a word
//!   (`agree\u{ad}ment` = `agreement`);
//! - section and list numbering: `(a)`, `(ii)`, `(12)` anywhere, and
//!   `50.12.1.` or `b)` at the start of a block.
//!
//! Every word keeps its [`Span`] in the raw string, in UTF-16 code units (what
//! a DOM `Range` needs) and in bytes (to slice the raw string in Rust).
//!
//! ```
//! use termlens::text::Words;
//! let words = Words::new("50.12.4. The Customer’s (i) model —\u{a0}Fine-tuned");
//! let norm: Vec<&str> = words.iter().map(|w| w.norm.as_str()).collect();
//! assert_eq!(norm, ["the", "customer", "s", "model", "fine", "tuned"]);
//! assert_eq!(words.get(1).map(|w| w.span.start), Some(13)); // UTF-16 offset of "Customer"
//! ```

use std::sync::OnceLock;

/// A half-open range of the raw text, in UTF-16 code units and in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Span {
    /// First UTF-16 code unit.
    pub start: u32,
    /// One past the last UTF-16 code unit.
    pub end: u32,
    /// First byte in the raw `&str`.
    pub byte_start: u32,
    /// One past the last byte in the raw `&str`.
    pub byte_end: u32,
}

/// A half-open range of a text in UTF-16 code units: what a DOM Range needs,
/// and what every result that points into a page carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize)]
pub struct Utf16Range {
    /// First code unit.
    pub start: u32,
    /// One past the last code unit.
    pub end: u32,
}

impl Span {
    /// The span's UTF-16 range.
    pub fn utf16(self) -> Utf16Range {
        Utf16Range {
            start: self.start,
            end: self.end,
        }
    }

    /// The covering span of `self` and `other` (`self` first in the text).
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start,
            end: other.end,
            byte_start: self.byte_start,
            byte_end: other.byte_end,
        }
    }

    /// The raw text this span covers.
    pub fn slice(self, raw: &str) -> &str {
        raw.get(self.byte_start as usize..self.byte_end as usize)
            .unwrap_or("")
    }

    /// The span with the punctuation that opens and closes it on the page
    /// (`“Output” means ... Services.`, `(see 4.2);`): the opening marks right
    /// before its first word and the closing marks right after its last.
    pub fn framed(self, raw: &str) -> Span {
        let mut span = self;
        let opening = |c: &char| "([{\"'“‘«¿¡".contains(*c);
        let closing = |c: &char| ".,;:!?)]}\"'”’»…%".contains(*c);
        let before = raw.get(..span.byte_start as usize).unwrap_or("");
        for c in before.chars().rev().take_while(opening) {
            span.start -= c.len_utf16() as u32;
            span.byte_start -= c.len_utf8() as u32;
        }
        let after = raw.get(span.byte_end as usize..).unwrap_or("");
        for c in after.chars().take_while(closing) {
            span.end += c.len_utf16() as u32;
            span.byte_end += c.len_utf8() as u32;
        }
        span
    }

    /// The span of a run of words as quoted, with the punctuation the page
    /// writes around it (`Copilot,` not `Copilot`), so that runs shown one after
    /// another, joined by spaces, read as the page does. `prev_end` and
    /// `next_start` are the byte bounds of the words around the run (None at
    /// either end of the text). The text between two words belongs to the
    /// word before it up to its last whitespace (`, ` -> `,`; ` — “` -> ` —`),
    /// and to the word after it from there (`“`); text between two words with
    /// no whitespace in it (`party’s`) belongs to the word before.
    /// At either end of the text, the punctuation next to the run (not
    /// letters, digits or whitespace) is taken.
    pub fn quoted(self, raw: &str, prev_end: Option<u32>, next_start: Option<u32>) -> Span {
        let mut span = self;
        let start = self.byte_start as usize;
        let end = self.byte_end as usize;
        let lead = match prev_end {
            Some(p) => {
                // After the gap's last whitespace, and after anything dropped
                // in it (a marker `(a)`, a footnote `[2]`).
                let gap = raw.get(p as usize..start).unwrap_or("");
                let from = gap
                    .char_indices()
                    .rfind(|(_, c)| c.is_whitespace() || c.is_alphanumeric())
                    .map_or(gap.len(), |(i, c)| i + c.len_utf8());
                if gap.contains(char::is_whitespace) {
                    &gap[from..]
                } else {
                    ""
                }
            }
            None => {
                let before = raw.get(..start).unwrap_or("");
                let keep = before
                    .char_indices()
                    .rev()
                    .take_while(|(_, c)| !c.is_whitespace() && !c.is_alphanumeric())
                    .last()
                    .map_or(before.len(), |(i, _)| i);
                &before[keep..]
            }
        };
        let trail = match next_start {
            Some(n) => {
                // Up to the gap's last whitespace, and never past anything
                // dropped in it (a marker `(a)`, a number `2.` at a block start).
                let gap = raw.get(end..n as usize).unwrap_or("");
                let gap = &gap[..gap.find(char::is_alphanumeric).unwrap_or(gap.len())];
                gap.rfind(char::is_whitespace)
                    .map_or(gap, |i| gap[..i].trim_end())
            }
            None => {
                let after = raw.get(end..).unwrap_or("");
                let stop = after
                    .char_indices()
                    .find(|(_, c)| c.is_whitespace() || c.is_alphanumeric())
                    .map_or(after.len(), |(i, _)| i);
                &after[..stop]
            }
        };
        span.start -= lead.encode_utf16().count() as u32;
        span.byte_start -= lead.len() as u32;
        span.end += trail.encode_utf16().count() as u32;
        span.byte_end += trail.len() as u32;
        span
    }
}

/// One word of normalised text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// The comparable form: lowercase letters and digits only.
    pub norm: String,
    /// Where the word stands in the raw text.
    pub span: Span,
}

/// The words of a text, in order, with their positions in the raw text.
#[derive(Clone, Debug, Default)]
pub struct Words {
    words: Vec<Word>,
    /// The normalised text (the words joined by single spaces) and the byte
    /// offset where each word starts in it: built on first use, since
    /// matching a page never needs it (containment checks do).
    joined: OnceLock<(String, Vec<u32>)>,
}

/// What a word looked like in the raw text around it, for numbering rules.
struct Context {
    /// The character just before the word (None at the start of the text).
    before: Option<char>,
    /// The character before `before`.
    before2: Option<char>,
    /// The character just after the word.
    after: Option<char>,
    /// The word is the first of its block (text start or after a line break),
    /// counting only words kept so far.
    block_start: bool,
}

impl Words {
    /// Splits and normalises `raw`.
    pub fn new(raw: &str) -> Words {
        let mut words = Vec::new();
        let mut cur = String::new();
        let mut start = Span::default();
        let mut in_word = false;
        let mut pos16: u32 = 0;
        // Characters before the current word, and whether a line break has been
        // seen since the last kept word.
        let mut prev: Option<char> = None;
        let mut prev2: Option<char> = None;
        let mut word_before: Option<char> = None;
        let mut word_before2: Option<char> = None;
        let mut block_start = true;
        let mut last_end = Span::default();

        // Inside an end-of-line hyphenation (`agree-\nment`): the hyphen and the
        // line break are skipped and the word goes on.
        let mut joining = false;
        for (byte, ch) in raw.char_indices() {
            let len16 = ch.len_utf16() as u32;
            // ASCII first: most terms pages are nearly all ASCII.
            if !ch.is_ascii() && is_ignorable(ch) {
                pos16 += len16;
                continue;
            }
            if joining && ch.is_whitespace() {
                pos16 += len16;
                continue;
            }
            joining = false;
            if in_word && is_hyphen(ch) && hyphenation_follows(&cur, word_before, &raw[byte..]) {
                joining = true;
                pos16 += len16;
                continue;
            }
            let alphanumeric = if ch.is_ascii() {
                ch.is_ascii_alphanumeric()
            } else {
                ch.is_alphanumeric()
            };
            if alphanumeric {
                if !in_word {
                    in_word = true;
                    start.start = pos16;
                    start.byte_start = byte as u32;
                    word_before = prev;
                    word_before2 = prev2;
                }
                if ch.is_ascii() {
                    cur.push(ch.to_ascii_lowercase());
                } else {
                    crate::case::push_lower(&mut cur, ch);
                }
                last_end.end = pos16 + len16;
                last_end.byte_end = (byte + ch.len_utf8()) as u32;
            } else {
                if in_word {
                    in_word = false;
                    let span = Span {
                        end: last_end.end,
                        byte_end: last_end.byte_end,
                        ..start
                    };
                    let ctx = Context {
                        before: word_before,
                        before2: word_before2,
                        after: Some(ch),
                        block_start,
                    };
                    finish_word(raw, &mut cur, span, ctx, &mut words, &mut block_start);
                }
                if is_line_break(ch) {
                    block_start = true;
                }
            }
            prev2 = prev;
            prev = Some(ch);
            pos16 += len16;
        }
        if in_word {
            let span = Span {
                end: last_end.end,
                byte_end: last_end.byte_end,
                ..start
            };
            let ctx = Context {
                before: word_before,
                before2: word_before2,
                after: None,
                block_start,
            };
            finish_word(raw, &mut cur, span, ctx, &mut words, &mut block_start);
        }
        Words::from_words(words)
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// True when the text holds no word.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The word at `index`.
    pub fn get(&self, index: usize) -> Option<&Word> {
        self.words.get(index)
    }

    /// The words in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Word> {
        self.words.iter()
    }

    /// The words as a slice.
    pub fn as_slice(&self) -> &[Word] {
        &self.words
    }

    /// The normalised forms, in order.
    pub fn norms(&self) -> Vec<&str> {
        self.words.iter().map(|w| w.norm.as_str()).collect()
    }

    /// The normalised text: the words joined by single spaces.
    pub fn joined(&self) -> &str {
        &self.joined_and_starts().0
    }

    /// The index of the word that starts at byte `offset` of [`Words::joined`].
    pub fn word_at(&self, offset: usize) -> Option<usize> {
        self.joined_and_starts()
            .1
            .binary_search(&(offset as u32))
            .ok()
    }

    fn joined_and_starts(&self) -> &(String, Vec<u32>) {
        self.joined.get_or_init(|| {
            let words = &self.words;
            let mut joined = String::with_capacity(words.iter().map(|w| w.norm.len() + 1).sum());
            let mut starts = Vec::with_capacity(words.len());
            for (i, w) in words.iter().enumerate() {
                if i > 0 {
                    joined.push(' ');
                }
                starts.push(joined.len() as u32);
                joined.push_str(&w.norm);
            }
            (joined, starts)
        })
    }

    /// True when `needle`'s words occur in `self` as a contiguous run.
    pub fn contains_run(&self, needle: &Words) -> bool {
        if needle.is_empty() {
            return true;
        }
        let (hay, pat) = (self.joined().as_bytes(), needle.joined().as_bytes());
        self.joined().match_indices(needle.joined()).any(|(at, _)| {
            let end = at + pat.len();
            (at == 0 || hay[at - 1] == b' ') && (end == hay.len() || hay[end] == b' ')
        })
    }

    fn from_words(words: Vec<Word>) -> Words {
        Words {
            words,
            joined: OnceLock::new(),
        }
    }
}

/// Ends a word: drops it when it is a marker, drops a footnote number glued
/// to its end, and keeps the rest.
fn finish_word(
    raw: &str,
    cur: &mut String,
    mut span: Span,
    ctx: Context,
    words: &mut Vec<Word>,
    block_start: &mut bool,
) {
    let mut norm = std::mem::take(cur);
    if is_marker(&norm, &ctx) {
        // A dropped marker at the start of a block keeps the block open,
        // so `50.12.1.` drops all three numbers.
        return;
    }
    let digits = glued_footnote(&norm, &ctx);
    // The digits must end the raw word as written (not `0\u{300}0`, whose
    // combining mark the norm leaves out).
    let end = span.byte_end as usize;
    let raw_digits = end
        .checked_sub(digits)
        .and_then(|start| raw.get(start..end))
        .is_some_and(|d| d.bytes().all(|b| b.is_ascii_digit()));
    if digits > 0 && raw_digits {
        // ASCII digits: one byte and one UTF-16 unit each.
        norm.truncate(norm.len() - digits);
        span.end -= digits as u32;
        span.byte_end -= digits as u32;
    }
    *block_start = false;
    words.push(Word { norm, span });
}

/// Characters that vanish without splitting a word: soft hyphen, zero-width
/// spaces and joiners, the BOM, and combining marks (so a decomposed `é`
/// stays one word).
fn is_ignorable(ch: char) -> bool {
    matches!(ch,
        '\u{ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}'
        | '\u{300}'..='\u{36f}' | '\u{1ab0}'..='\u{1aff}' | '\u{1dc0}'..='\u{1dff}'
        | '\u{20d0}'..='\u{20ff}' | '\u{fe20}'..='\u{fe2f}')
}

fn is_hyphen(ch: char) -> bool {
    matches!(ch, '-' | '\u{2010}')
}

/// A span of page text as termlens shows it (a change, a word diff step, a
/// snapshot's word): whitespace runs (line breaks and control characters
/// included) as single spaces, trimmed, and a word hyphenated across a line
/// end joined as [`Words`] reads it (`agree-\nment` -> `agreement`; a
/// compound's own hyphen stays: `non-\ntransferable` -> `non- transferable`).
pub fn shown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let (mut space, mut joining) = (false, false);
    for (i, c) in s.char_indices() {
        if c.is_whitespace() || c.is_control() {
            space = space || (!joining && !out.is_empty());
            continue;
        }
        if space {
            out.push(' ');
        }
        (space, joining) = (false, false);
        if is_hyphen(c) {
            let start = out
                .char_indices()
                .rev()
                .find(|(_, x)| !x.is_alphanumeric())
                .map_or(0, |(k, x)| k + x.len_utf8());
            let cur = crate::case::lower(&out[start..]);
            let before = out[..start].chars().next_back();
            if !cur.is_empty() && hyphenation_follows(&cur, before, &s[i..]) {
                joining = true;
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// First parts of compounds that a hard-wrapped text breaks at their own
/// hyphen (`non-\ntransferable`): not joined, so they read as `non-transferable`
/// does elsewhere (two words).
const COMPOUND_PREFIXES: &[&str] = &[
    "non", "self", "third", "co", "pre", "re", "sub", "anti", "multi", "cross", "well", "end",
    "user", "high", "low", "long", "short", "full", "part", "open", "real", "so", "and", "or",
    "opt", "sign", "log", "e",
];

/// Is the hyphen at the start of `rest` an end-of-line hyphenation of the
/// word `cur`: a hyphen, a line break (spaces around it allowed), then a
/// lowercase letter? A compound's own hyphen ([`COMPOUND_PREFIXES`]) and a
/// hyphen inside a URL or a path (the word follows `/`, `.` or `-`) are not.
fn hyphenation_follows(cur: &str, before: Option<char>, rest: &str) -> bool {
    if COMPOUND_PREFIXES.contains(&cur) || before.is_some_and(|c| "/.-_".contains(c)) {
        return false;
    }
    let mut chars = rest.chars().skip(1);
    let mut broke = false;
    for c in chars.by_ref() {
        if is_line_break(c) {
            broke = true;
        } else if !c.is_whitespace() {
            return broke && c.is_lowercase();
        }
    }
    false
}

/// The number of digits of a footnote reference glued to the end of a word
/// (`Services1`, `Terms12` from `Terms<sup>12</sup>`), or 0: one or two
/// digits after at least four letters, outside a URL or an identifier (the
/// word does not follow `/ . # _ - = & ? @ :` and is not followed by
/// `/ _ - = & ?`). Names with a number stay whole: `EC2`, `Db2`, `PSD2`,
/// `Web3` (at most three letters), `route53` in `aws.amazon.com/route53/`.
/// The rule reads only the word and the characters around it, so normalised
/// text normalises to itself.
fn glued_footnote(norm: &str, ctx: &Context) -> usize {
    let digits = norm.bytes().rev().take_while(u8::is_ascii_digit).count();
    let letters = &norm[..norm.len() - digits];
    let in_url = ctx.before.is_some_and(|c| "/.#_-=&?@:".contains(c))
        || ctx.after.is_some_and(|c| "/_-=&?".contains(c));
    if !(1..=2).contains(&digits) || in_url || letters.chars().count() < 4 {
        return 0;
    }
    if letters.chars().all(char::is_alphabetic) {
        digits
    } else {
        0
    }
}

fn is_line_break(ch: char) -> bool {
    matches!(
        ch,
        '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{b}' | '\u{c}'
    )
}

/// Is this word a list or section marker rather than text?
///
/// - `(a)`, `(iv)`, `(12)` anywhere, when the `(` does not follow a letter or
///   digit (so the `s` of `product(s)` stays);
/// - at the start of a block, a number, a single letter or a short roman
///   numeral followed by `.` or `)`: `50.` `12.` `1.` `b)` `iv.`.
fn is_marker(norm: &str, ctx: &Context) -> bool {
    let short = is_number(norm) || norm.chars().count() == 1 || is_roman(norm);
    if !short {
        return false;
    }
    let parenthesised = ctx.before == Some('(')
        && ctx.after == Some(')')
        && !ctx.before2.is_some_and(char::is_alphanumeric);
    // A footnote reference: `[2]`, also glued to the word before (`Terms[2]`).
    let bracketed = ctx.before == Some('[') && ctx.after == Some(']') && is_number(norm);
    if parenthesised || bracketed {
        return true;
    }
    ctx.block_start && matches!(ctx.after, Some('.' | ')'))
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_roman(s: &str) -> bool {
    !s.is_empty() && s.len() <= 6 && s.bytes().all(|b| b"ivxlcdm".contains(&b))
}

/// How many items two sorted bags of words (or word ids, or word hashes) share,
/// a repeated item counted as often as both hold it: |A ∩ B| as multisets.
pub fn shared_in_sorted<T: Ord>(a: &[T], b: &[T]) -> usize {
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    shared
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_text_joins_line_end_hyphenation_and_collapses_whitespace() {
        assert_eq!(
            shown("  this agree-\n  ment,\tin\r\nfull "),
            "this agreement, in full"
        );
        assert_eq!(
            shown("a non-\ntransferable right"),
            "a non- transferable right"
        );
        assert_eq!(
            shown("well-known and co-\nOperate"),
            "well-known and co- Operate"
        );
        assert_eq!(shown("x.com/a-\nb"), "x.com/a- b");
    }

    fn norms(s: &str) -> Vec<String> {
        Words::new(s).iter().map(|w| w.norm.clone()).collect()
    }

    macro_rules! same {
        ($name:ident, $a:expr, $b:expr) => {
            #[test]
            fn $name() {
                assert_eq!(norms($a), norms($b), "{:?} vs {:?}", $a, $b);
                assert!(!norms($a).is_empty());
            }
        };
    }

    same!(ignores_case, "Customer Content", "customer content");
    same!(
        ignores_whitespace_runs,
        "use  the\t\tservices",
        "use the services"
    );
    same!(
        ignores_line_breaks,
        "use the\nservices\r\n",
        "use the services"
    );
    same!(
        nbsp_is_a_space,
        "use\u{a0}the\u{a0}services",
        "use the services"
    );
    same!(typographic_quotes, "“Output” means", "\"Output\" means");
    same!(
        typographic_apostrophe,
        "AWS’s obligations",
        "AWS's obligations"
    );
    same!(dashes, "third–party — models", "third-party - models");
    same!(hyphen_is_a_break, "third-party", "third party");
    same!(soft_hyphen_joins, "agree\u{ad}ment", "agreement");
    same!(zero_width_joins, "agree\u{200b}ment", "agreement");
    same!(combining_mark_joins, "cafe\u{301} menu", "cafe menu");
    same!(
        section_number_at_block_start,
        "50.12.1. Third-party models",
        "Third-party models"
    );
    same!(
        letter_marker_at_block_start,
        "b) you will not",
        "you will not"
    );
    same!(
        roman_marker_at_block_start,
        "iv. you will not",
        "you will not"
    );
    same!(
        parenthesised_markers,
        "(i) arising from (ii) if you (12) so",
        "arising from if you so"
    );
    same!(
        marker_after_newline,
        "intro\n2. the clause",
        "intro the clause"
    );

    // Layout noise that is not wording (ARCHITECTURE.md, "Text model").
    same!(
        footnote_glued_to_its_word,
        "these Services1 apply to Customers12.",
        "these Services apply to Customers."
    );
    same!(
        footnote_in_brackets,
        "these Services[2] apply to Customers [13].",
        "these Services apply to Customers."
    );
    same!(
        hyphenation_at_a_line_end,
        "this agree-\nment and the Custo-\r\n  mer",
        "this agreement and the Customer"
    );
    same!(
        hard_line_breaks,
        "you may not\nresell the\r\nServices",
        "you may not resell the Services"
    );

    #[test]
    fn numbers_and_names_with_numbers_stay_words() {
        assert_eq!(
            norms("EC2, PSD2 and Web3 within 30 days under Section 50.12 [a]"),
            [
                "ec2", "psd2", "and", "web3", "within", "30", "days", "under", "section", "50",
                "12", "a"
            ]
        );
        assert_eq!(
            norms("see aws.amazon.com/route53/ or llama.com/llama4/use"),
            [
                "see", "aws", "amazon", "com", "route53", "or", "llama", "com", "llama4", "use"
            ]
        );
    }

    #[test]
    fn a_compound_broken_at_its_own_hyphen_stays_two_words() {
        assert_eq!(
            norms("a non-\ntransferable, self-\nhosted"),
            norms("a non-transferable, self-hosted")
        );
        assert_eq!(
            norms("see x.com/models-and-\nlibraries"),
            ["see", "x", "com", "models", "and", "libraries"]
        );
    }

    #[test]
    fn normalised_text_normalises_to_itself() {
        let text = "the Services1 and Terms[2] under PSD2, an agree-\nment on EC2 for 30 days";
        let once = Words::new(text).joined().to_string();
        assert_eq!(Words::new(&once).joined(), once);
    }

    #[test]
    fn quoted_runs_keep_their_punctuation() {
        let raw = "to operate Copilot, train our models and improve it — “as needed”.";
        let w = Words::new(raw);
        let quote = |a: usize, b: usize| -> String {
            let all = w.as_slice();
            let prev = a.checked_sub(1).map(|p| all[p].span.byte_end);
            let next = all.get(b).map(|x| x.span.byte_start);
            let span = all[a].span.to(all[b - 1].span).quoted(raw, prev, next);
            span.slice(raw).to_string()
        };
        // Runs shown one after another, joined by spaces, read as the page.
        let runs = [quote(0, 3), quote(3, 6), quote(6, 9), quote(9, 11)];
        assert_eq!(
            runs,
            [
                "to operate Copilot,",
                "train our models",
                "and improve it —",
                "“as needed”."
            ]
        );
        assert_eq!(runs.join(" "), raw);
    }

    #[test]
    fn plural_suffix_in_parentheses_is_kept() {
        assert_eq!(norms("product(s)"), ["product", "s"]);
    }

    #[test]
    fn numbers_inside_a_sentence_are_kept() {
        assert_eq!(norms("up to 30 days."), ["up", "to", "30", "days"]);
    }

    #[test]
    fn spans_are_utf16_code_units() {
        // "𝐀" is one char, two UTF-16 units, four bytes.
        let w = Words::new("𝐀 ab");
        let ab = w.get(1).map(|w| w.span);
        assert_eq!(
            ab,
            Some(Span {
                start: 3,
                end: 5,
                byte_start: 5,
                byte_end: 7
            })
        );
    }

    #[test]
    fn span_slices_raw_text() {
        let raw = "The “Customer” agrees";
        let w = Words::new(raw);
        let span = w.get(0).map(|a| a.span).unwrap_or_default();
        let last = w.get(2).map(|a| a.span).unwrap_or_default();
        assert_eq!(span.to(last).slice(raw), "The “Customer” agrees");
    }

    #[test]
    fn contains_run_needs_contiguity() {
        let hay = Words::new("you will not use output to develop models");
        assert!(hay.contains_run(&Words::new("Output to develop")));
        assert!(!hay.contains_run(&Words::new("use develop")));
        assert!(!hay.contains_run(&Words::new("put to develop")));
    }
}
