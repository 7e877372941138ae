//! A wording's text as kb.bin stores it: rebuilt from the word ids the
//! matcher holds for it anyway, and the vocabulary.
//!
//! A text is its words ([`Words::new`]) and the gaps around and between them
//! (what is before the first word, between each two, after the last). Each
//! word is written as its normalised form, as that form capitalised, in
//! upper case (ASCII), or else literally; each gap by its place in a table of
//! the file's most frequent gaps (`" "`, `", "`, `". "`, ...), or else
//! literally. So a word costs one byte (its gap before and its form), plus
//! its text where neither is in the table:
//!
//! ```text
//!  REBUILT, varint text length, then per word: byte (gap code << 2 | form),
//!      [varint length, gap text if gap code = LITERAL_GAP],
//!      [varint length, word text if form = LITERAL],
//!    or for a run of k >= 3 words each one space then the word as it is
//!    (most of any text): byte (RUN << 2), varint k,
//!  then the last gap's byte (gap code << 2), [its literal]
//!  or VERBATIM, then the text's UTF-8 bytes
//! ```
//!
//! The build ([`Encoder::encode`]) rebuilds every text it encodes and stores
//! the text verbatim when the rebuild differs, so a text read back is the
//! text written, whatever `Words::new` folds. A patch that does not fit its
//! word ids, the vocabulary or the gap table is an error, never a panic.

use crate::matcher::varints::push_varint;
use crate::text::Words;
use rustc_hash::FxHashMap as HashMap;

/// The first byte of a text stored as it is.
const VERBATIM: u8 = 0;
/// The first byte of a text stored as a patch over its word ids.
const REBUILT: u8 = 1;

/// A word's forms: the normalised form as it is, with its first letter in
/// upper case, all in upper case (ASCII letters), or its text literally.
const AS_IS: u8 = 0;
const CAPITALISED: u8 = 1;
const UPPER: u8 = 2;
const LITERAL: u8 = 3;

/// The gap code of a gap that is not in the table: its text follows.
const LITERAL_GAP: u8 = 63;
/// The gap code of a run of words, each one space then the word as it is:
/// their count follows.
const RUN: u8 = 62;
/// The shortest run written as one (a run of two costs two bytes either way).
const SHORTEST_RUN: usize = 3;
/// The most gaps the table holds (the codes below [`RUN`]).
pub(super) const TABLE: usize = RUN as usize;

/// The gaps of `text` around and between its `words`, one more than the
/// words; `None` if the words' spans do not cut `text` in order.
fn gaps<'t>(text: &'t str, words: &Words) -> Option<Vec<&'t str>> {
    let mut out = Vec::with_capacity(words.len() + 1);
    let mut at = 0;
    for w in words.iter() {
        out.push(text.get(at..w.span.byte_start as usize)?);
        at = w.span.byte_end as usize;
    }
    out.push(text.get(at..)?);
    Some(out)
}

/// The gap table of a file: its [`TABLE`] most frequent gaps over `texts`,
/// the most frequent first (ties in text order, so a build is repeatable).
pub(super) fn gap_table<'t>(texts: impl Iterator<Item = &'t str>) -> Vec<String> {
    let mut counts: HashMap<&str, usize> = HashMap::default();
    for text in texts {
        for gap in gaps(text, &Words::new(text)).unwrap_or_default() {
            *counts.entry(gap).or_default() += 1;
        }
    }
    let mut ranked: Vec<(&str, usize)> = counts.into_iter().collect();
    crate::sort::by(&mut ranked, |a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    ranked.truncate(TABLE);
    ranked.into_iter().map(|(g, _)| g.to_string()).collect()
}

fn push_literal(out: &mut Vec<u8>, s: &str) {
    push_varint(out, s.len());
    out.extend_from_slice(s.as_bytes());
}

/// Encodes the wording texts of one file against its gap table.
pub(super) struct Encoder<'g> {
    code: HashMap<&'g str, u8>,
    names: &'g [&'g str],
    pieces: Pieces,
}

impl<'g> Encoder<'g> {
    /// An encoder for the gap table `gaps` ([`gap_table`]) and the
    /// vocabulary `names` (`names[id]` is the word of `id`).
    pub(super) fn new(gaps: &'g [String], names: &'g [&'g str]) -> Encoder<'g> {
        let gaps = &gaps[..gaps.len().min(TABLE)];
        let code = (gaps.iter().enumerate())
            .map(|(i, g)| (g.as_str(), i as u8))
            .collect();
        let pieces = Pieces::new(gaps, names);
        Encoder {
            code,
            names,
            pieces,
        }
    }

    /// `text` as stored: a patch over `ids` (its words' ids) when it
    /// rebuilds the text exactly, else the text verbatim.
    pub(super) fn encode(&self, text: &str, ids: &[u32]) -> Vec<u8> {
        match self.patch(text, ids) {
            Some(p) if decode(&p, ids, &self.pieces).as_deref() == Ok(text) => p,
            _ => {
                let mut out = Vec::with_capacity(text.len() + 1);
                out.push(VERBATIM);
                out.extend_from_slice(text.as_bytes());
                out
            }
        }
    }

    /// The patch of `text`, or `None` if its words are not `ids`' words.
    fn patch(&self, text: &str, ids: &[u32]) -> Option<Vec<u8>> {
        let words = Words::new(text);
        let gaps = gaps(text, &words)?;
        if words.len() != ids.len() {
            return None;
        }
        let mut out = vec![REBUILT];
        push_varint(&mut out, text.len());
        let space = self.code.get(" ").copied();
        let mut run = 0;
        for (i, gap) in gaps.iter().enumerate() {
            let gap_code = self.code.get(gap).copied().unwrap_or(LITERAL_GAP);
            let word = match words.get(i) {
                Some(w) => Some((w.span.slice(text), *self.names.get(*ids.get(i)? as usize)?)),
                None => None,
            };
            let form = word.map_or(AS_IS, |(surface, norm)| form(surface, norm));
            if word.is_some() && Some(gap_code) == space && form == AS_IS {
                run += 1;
                continue;
            }
            push_run(&mut out, run, space.unwrap_or_default());
            run = 0;
            out.push(gap_code << 2 | form);
            if gap_code == LITERAL_GAP {
                push_literal(&mut out, gap);
            }
            if let (LITERAL, Some((surface, _))) = (form, word) {
                push_literal(&mut out, surface);
            }
        }
        Some(out)
    }
}

/// `run` words, each one space then the word as it is (`space` is the gap
/// code of a space): one [`RUN`] and their count, or a byte each if they are
/// fewer than [`SHORTEST_RUN`].
fn push_run(out: &mut Vec<u8>, run: usize, space: u8) {
    if run >= SHORTEST_RUN {
        out.push(RUN << 2);
        push_varint(out, run);
    } else {
        out.extend(std::iter::repeat_n(space << 2 | AS_IS, run));
    }
}

/// How `surface` is written from its normalised form `norm`.
fn form(surface: &str, norm: &str) -> u8 {
    let upper_first = |s: &str| {
        let mut s = s.to_string();
        if let Some(first) = s.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        s
    };
    if surface == norm {
        AS_IS
    } else if surface == upper_first(norm) {
        CAPITALISED
    } else if surface == norm.to_ascii_uppercase() {
        UPPER
    } else {
        LITERAL
    }
}

/// The gaps of the table and the words of the vocabulary, one after the
/// other in one buffer: what texts are rebuilt from, made once per file.
pub(super) struct Pieces {
    bytes: Vec<u8>,
    /// Piece i is `bytes[at[i].0..][..at[i].1]`: the gap table's gaps, then
    /// the words by id, each word after a space of its own (so that the
    /// commonest pair, a space then a word, is copied as one piece).
    at: Vec<(u32, u32)>,
    gaps: usize,
    /// The gap code of `" "`, or [`NO_SPACE`] if the table has no space.
    space: u8,
    longest: usize,
}

/// No gap code (they are 6 bits): the space's when the table has none.
const NO_SPACE: u8 = u8::MAX;

/// How many bytes [`put`] copies at once: the pieces' buffer has this many
/// bytes of room past its last piece (a text has none: its last pieces are
/// copied exactly).
const COPY: usize = 16;

impl Pieces {
    /// The pieces of the gap table `gaps` and of the vocabulary `names`
    /// (`names[id]` is the word of `id`; an id no word has is an empty name).
    pub(super) fn new(gaps: &[String], names: &[&str]) -> Pieces {
        let mut at = Vec::with_capacity(gaps.len() + names.len());
        let mut bytes = Vec::new();
        let mut longest = 0;
        for gap in gaps {
            at.push((bytes.len() as u32, gap.len() as u32));
            bytes.extend_from_slice(gap.as_bytes());
            longest = longest.max(gap.len());
        }
        for name in names {
            bytes.push(b' ');
            at.push((bytes.len() as u32, name.len() as u32));
            bytes.extend_from_slice(name.as_bytes());
            longest = longest.max(name.len());
        }
        bytes.extend_from_slice(&[0; COPY]);
        let space = gaps.iter().position(|g| g == " ");
        Pieces {
            bytes,
            at,
            gaps: gaps.len(),
            space: space.map_or(NO_SPACE, |i| i as u8),
            longest,
        }
    }

    /// Where piece `i` starts in the buffer and how many bytes it has.
    fn get(&self, i: usize) -> Option<(usize, usize)> {
        let &(at, len) = self.at.get(i)?;
        Some((at as usize, len as usize))
    }
}

/// Copies `n` bytes of `from` from `src_at` to `out` at `at`: up to
/// [`COPY`] as one copy of that many when both have them from there (the
/// bytes past `n` are written over by what follows), else exactly. Where
/// they end in `out`, or `None` if they do not fit.
#[inline]
fn put(out: &mut [u8], at: usize, from: &[u8], src_at: usize, n: usize) -> Option<usize> {
    let end = at + n;
    let block = |at: usize| at.checked_add(COPY).map(|end| at..end);
    let to = block(at).and_then(|r| out.get_mut(r));
    let from_block = block(src_at).and_then(|r| from.get(r));
    if n <= COPY
        && let (Some(to), Some(from)) = (to, from_block)
        && let (Ok(to), Ok(from)) = (
            <&mut [u8; COPY]>::try_from(to),
            <&[u8; COPY]>::try_from(from),
        )
    {
        *to = *from;
    } else {
        out.get_mut(at..end)?
            .copy_from_slice(from.get(src_at..src_at + n)?);
    }
    Some(end)
}

/// The bytes of a patch, read in order; every read is bounded by what is left.
struct Reader<'p> {
    bytes: &'p [u8],
    at: usize,
}

impl<'p> Reader<'p> {
    fn byte(&mut self) -> Result<u8, &'static str> {
        let b = *self.bytes.get(self.at).ok_or("it ends early")?;
        self.at += 1;
        Ok(b)
    }

    fn varint(&mut self) -> Result<usize, &'static str> {
        let mut n: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            n |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return usize::try_from(n).map_err(|_| "a length is too large");
            }
        }
        Err("a length does not end")
    }

    /// A literal: its length, then its bytes (whose UTF-8 is checked with
    /// the whole text's).
    fn literal(&mut self) -> Result<&'p [u8], &'static str> {
        let len = self.varint()?;
        let end = (self.at.checked_add(len))
            .filter(|&e| e <= self.bytes.len())
            .ok_or("a literal runs past its end")?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }

    /// The rest of the bytes, a UTF-8 text.
    fn rest(&mut self) -> Result<&'p str, &'static str> {
        let rest = self.bytes.get(self.at..).unwrap_or_default();
        self.at = self.bytes.len();
        std::str::from_utf8(rest).map_err(|_| "it is not UTF-8")
    }
}

/// Writes the next `k` words of `ids` to `out` from `at`, each one space
/// then the word as it is: where they end.
fn run(
    out: &mut [u8],
    mut at: usize,
    k: usize,
    ids: &mut std::slice::Iter<u32>,
    pieces: &Pieces,
) -> Result<usize, &'static str> {
    if k > ids.len() {
        return Err("a run is longer than its words");
    }
    for &id in ids.take(k) {
        // The word's piece has a space of its own before it.
        let (src_at, n) = (pieces.get(pieces.gaps.saturating_add(id as usize)))
            .ok_or("a word id is outside the vocabulary")?;
        at =
            put(out, at, &pieces.bytes, src_at - 1, n + 1).ok_or("it is longer than its length")?;
    }
    Ok(at)
}

/// Rebuilds a text stored by [`Encoder::encode`] from `patch`, its words' ids
/// `ids` and the file's [`Pieces`]; or says what does not fit.
pub(super) fn decode(patch: &[u8], ids: &[u32], pieces: &Pieces) -> Result<String, &'static str> {
    let mut r = Reader {
        bytes: patch,
        at: 1,
    };
    match patch.first() {
        Some(&VERBATIM) => return Ok(r.rest()?.to_string()),
        Some(&REBUILT) => {}
        _ => return Err("it is neither verbatim nor a patch"),
    }
    let len = r.varint()?;
    // No text is longer than its pieces can make (a corrupt length reserves
    // no more than that).
    if len > (ids.len() + 1).saturating_mul(2 * pieces.longest) + patch.len() {
        return Err("its length is more than its words make");
    }
    let mut out = vec![0u8; len];
    let mut at = 0;
    let longer = "it is longer than its length";
    let mut ids = ids.iter();
    loop {
        let code = r.byte()?;
        if code == RUN << 2 {
            at = run(&mut out, at, r.varint()?, &mut ids, pieces)?;
            continue;
        }
        let gap = code >> 2;
        let id = ids.next();
        let form = code & 3;
        // A space then a word of the vocabulary: one piece, the word's
        // with the space before it.
        let spaced = id.is_some() && gap == pieces.space && form != LITERAL;
        if !spaced {
            let (from, src_at, n) = if gap == LITERAL_GAP {
                let gap = r.literal()?;
                (gap, 0, gap.len())
            } else if usize::from(gap) < pieces.gaps {
                let (src_at, n) = pieces.get(usize::from(gap)).unwrap_or_default();
                (&pieces.bytes[..], src_at, n)
            } else {
                return Err("a gap code is outside the gap table");
            };
            at = put(&mut out, at, from, src_at, n).ok_or(longer)?;
        }
        let Some(&id) = id else {
            break;
        };
        let (from, src_at, n) = if form == LITERAL {
            let word = r.literal()?;
            (word, 0, word.len())
        } else {
            let (src_at, n) = (pieces.get(pieces.gaps.saturating_add(id as usize)))
                .ok_or("a word id is outside the vocabulary")?;
            (&pieces.bytes[..], src_at, n)
        };
        let skip = usize::from(spaced);
        let start = at + skip;
        at = put(&mut out, at, from, src_at - skip, n + skip).ok_or(longer)?;
        match form {
            CAPITALISED => {
                if let Some(first) = out.get_mut(start..at).and_then(<[u8]>::first_mut) {
                    first.make_ascii_uppercase();
                }
            }
            UPPER => out.get_mut(start..at).ok_or(longer)?.make_ascii_uppercase(),
            _ => {}
        }
    }
    if r.at != patch.len() {
        return Err("bytes are left after its words");
    }
    if at != len {
        return Err("it is shorter than its length");
    }
    String::from_utf8(out).map_err(|_| "it is not UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The vocabulary of `texts` (ids in order of first use) and each text's
    /// word ids, as the matcher numbers them.
    fn numbered(texts: &[String]) -> (Vec<String>, Vec<Vec<u32>>) {
        let mut vocabulary: Vec<String> = Vec::new();
        let mut id: HashMap<String, u32> = HashMap::default();
        let ids = texts
            .iter()
            .map(|t| {
                (Words::new(t).iter())
                    .map(|w| {
                        *id.entry(w.norm.clone()).or_insert_with(|| {
                            vocabulary.push(w.norm.clone());
                            vocabulary.len() as u32 - 1
                        })
                    })
                    .collect()
            })
            .collect();
        (vocabulary, ids)
    }

    /// Each text encoded and decoded again, with whether it was stored as a
    /// patch.
    fn round_trip(texts: &[String]) -> Vec<(Result<String, &'static str>, bool)> {
        let (vocabulary, ids) = numbered(texts);
        let names: Vec<&str> = vocabulary.iter().map(String::as_str).collect();
        let gaps = gap_table(texts.iter().map(String::as_str));
        let encoder = Encoder::new(&gaps, &names);
        let pieces = Pieces::new(&gaps, &names);
        (texts.iter().zip(&ids))
            .map(|(t, ids)| {
                let patch = encoder.encode(t, ids);
                (decode(&patch, ids, &pieces), patch[0] == REBUILT)
            })
            .collect()
    }

    /// Words in every case, with digits, diacritics (composed and not),
    /// apostrophes, soft hyphens and hyphen breaks.
    fn word() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => "[a-z]{1,12}",
            2 => "[A-Z][a-z]{0,10}",
            1 => "[A-Z]{1,6}",
            1 => "[a-zA-Z]{1,8}",
            1 => "[0-9]{1,4}(\\.[0-9]{1,2})?",
            1 => "(é|É|ü|ß|ǅ|İ|σ|Σ|e\u{301}|straße|ﬁ|Ω|中文|ا)[a-z]{0,4}",
            1 => "[a-z]{2,6}(\u{ad}|-\n|’s|'s|\u{200b})[a-z]{2,6}",
        ]
    }

    /// What stands between words: spaces, punctuation, markers, line breaks.
    fn gap() -> impl Strategy<Value = String> {
        prop_oneof![
            8 => Just(" ".to_string()),
            2 => Just(", ".to_string()),
            1 => Just(". ".to_string()),
            1 => "[ \n\t\u{a0}]{1,3}",
            1 => "[ ,.;:()\"“”—-]{1,4}",
            1 => Just(" (a) ".to_string()),
            1 => Just(" 12.3. ".to_string()),
        ]
    }

    fn text() -> impl Strategy<Value = String> {
        (
            "[ (\"“]{0,2}",
            prop::collection::vec((word(), gap()), 0..30),
            "[.;:)\"” ]{0,2}",
        )
            .prop_map(|(lead, pairs, trail)| {
                let mut t = lead;
                for (i, (w, g)) in pairs.iter().enumerate() {
                    if i > 0 {
                        t.push_str(g);
                    }
                    t.push_str(w);
                }
                t + &trail
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Every text comes back exactly, however `Words::new` folds it, and
        /// from a patch (what a patch cannot write is written literally; the
        /// verbatim text is the build's guard, not a way these texts take).
        #[test]
        fn every_text_is_rebuilt_exactly(texts in prop::collection::vec(text(), 1..8)) {
            for (t, (back, rebuilt)) in texts.iter().zip(round_trip(&texts)) {
                prop_assert_eq!(back.as_ref(), Ok(t));
                prop_assert!(rebuilt, "{:?} is a patch", t);
            }
        }

        /// A patch cut short or with a byte changed decodes to a text or to
        /// an error, never a panic.
        #[test]
        fn a_broken_patch_never_panics(
            t in text(),
            at in any::<prop::sample::Index>(),
            flip in 1u8..=255,
            cut in any::<bool>(),
        ) {
            let texts = [t];
            let (vocabulary, ids) = numbered(&texts);
            let names: Vec<&str> = vocabulary.iter().map(String::as_str).collect();
            let gaps = gap_table(texts.iter().map(String::as_str));
            let mut patch = Encoder::new(&gaps, &names).encode(&texts[0], &ids[0]);
            let i = at.index(patch.len());
            if cut {
                patch.truncate(i);
            } else {
                patch[i] ^= flip;
            }
            let _ = decode(&patch, &ids[0], &Pieces::new(&gaps, &names));
        }
    }

    /// Words in their usual forms between the usual gaps are stored as
    /// patches, one byte a word, not verbatim.
    #[test]
    fn plain_words_are_patches() {
        let texts = [
            "The Customer agrees that AWS may, at any time, suspend the Services.".to_string(),
            "You will not use Output to develop models that compete with us.".to_string(),
        ];
        for ((back, rebuilt), t) in round_trip(&texts).into_iter().zip(&texts) {
            assert_eq!(back.as_ref(), Ok(t));
            assert!(rebuilt, "{t:?} is a patch");
        }
        let (vocabulary, ids) = numbered(&texts);
        let names: Vec<&str> = vocabulary.iter().map(String::as_str).collect();
        let gaps = gap_table(texts.iter().map(String::as_str));
        let patch = Encoder::new(&gaps, &names).encode(&texts[1], &ids[1]);
        // The tag, the length, "You", one run for "will not use", "Output",
        // one run for "to develop models that compete with us", the last gap:
        // 12 words in 9 bytes.
        let space = gaps.iter().position(|g| g == " ").expect("a space") as u8;
        let runs = [RUN << 2, 3, space << 2 | CAPITALISED, RUN << 2, 7];
        assert_eq!(&patch[3..8], &runs);
        assert_eq!((ids[1].len(), patch.len()), (12, 9));
    }

    #[test]
    fn a_run_past_the_words_is_an_error() {
        let texts = ["one two three four".to_string()];
        let (vocabulary, ids) = numbered(&texts);
        let names: Vec<&str> = vocabulary.iter().map(String::as_str).collect();
        let gaps = gap_table(texts.iter().map(String::as_str));
        let pieces = Pieces::new(&gaps, &names);
        let mut patch = Encoder::new(&gaps, &names).encode(&texts[0], &ids[0]);
        assert_eq!(
            decode(&patch, &ids[0], &pieces).as_deref(),
            Ok("one two three four")
        );
        let at = patch.iter().position(|&b| b == RUN << 2).expect("a run");
        assert_eq!(patch[at + 1], 3);
        patch[at + 1] = 4;
        assert_eq!(
            decode(&patch, &ids[0], &pieces),
            Err("a run is longer than its words")
        );
    }

    /// A table without a space: the spaces are written literally (no piece
    /// is taken as a space then a word), and the text still comes back,
    /// capitals and upper case included.
    #[test]
    fn a_table_without_a_space_rebuilds_its_texts() {
        let texts = ["One two, THREE four".to_string()];
        let (vocabulary, ids) = numbered(&texts);
        let names: Vec<&str> = vocabulary.iter().map(String::as_str).collect();
        let gaps = vec![", ".to_string()];
        let patch = Encoder::new(&gaps, &names).encode(&texts[0], &ids[0]);
        assert_eq!(patch[0], REBUILT);
        let pieces = Pieces::new(&gaps, &names);
        assert_eq!(decode(&patch, &ids[0], &pieces).as_ref(), Ok(&texts[0]));
    }

    /// A patch that names a word the vocabulary does not have, or a gap the
    /// table does not have, is an error that says so.
    #[test]
    fn a_patch_outside_its_tables_is_an_error() {
        let texts = ["one two three".to_string()];
        let (vocabulary, ids) = numbered(&texts);
        let names: Vec<&str> = vocabulary.iter().map(String::as_str).collect();
        let gaps = gap_table(texts.iter().map(String::as_str));
        let patch = Encoder::new(&gaps, &names).encode(&texts[0], &ids[0]);
        let pieces = Pieces::new(&gaps, &names);
        let error = decode(&patch, &[0, 1, 7], &pieces).unwrap_err();
        assert!(
            error.contains("a word id is outside the vocabulary"),
            "{error}"
        );
        let mut bad_gap = patch.clone();
        bad_gap[2] = 40 << 2;
        let error = decode(&bad_gap, &ids[0], &pieces).unwrap_err();
        assert!(
            error.contains("a gap code is outside the gap table"),
            "{error}"
        );
        let error = decode(&patch, &ids[0][..2], &pieces).unwrap_err();
        assert!(error.contains("bytes are left after its words"), "{error}");
    }
}
