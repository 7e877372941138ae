//! Recorded versions that hold their text twice.
//!
//! Open Terms Archive sometimes records a page whose text is there twice (the
//! document rendered once for the screen and once more, for another layout,
//! both kept by the recorder's selectors): Mistral's commercial terms of
//! 2025-12 onward are the whole terms, then the whole terms again. A page in
//! the browser shows them once, so a fingerprint holding both copies makes the
//! live page look like the second copy deleted. The fingerprint builder keeps
//! one copy ([`one_copy`]) and `kb check` names each such version as a warning.
//!
//! The rule works on lines (the text's blocks, trimmed, empty ones dropped): a
//! text is doubled when one run of lines is directly followed by the same run
//! and the two copies hold at least [`DOUBLED_SHARE`] of its words.

/// A text is doubled when a run of lines directly followed by the same run
/// holds at least this share of its words. The copies of a doubled recording
/// hold nearly all of it (Mistral's: all but the title and date lines at the
/// top, over 99%); what real documents repeat on purpose (a heading at top and
/// bottom, a notice in two sections) holds a few percent.
pub const DOUBLED_SHARE: f64 = 0.8;

/// Where a text repeats itself: lines `start..start + len` (counting only
/// non-empty lines) are followed by the same `len` lines.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Doubled {
    /// First line of the first copy.
    pub start: usize,
    /// Lines in one copy.
    pub len: usize,
    /// Share of the text's words the two copies hold.
    pub share: f64,
}

/// The text's non-empty lines, trimmed.
fn lines(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
}

/// Whether `text` holds its text twice ([`DOUBLED_SHARE`]); the largest such
/// repetition.
pub fn doubled(text: &str) -> Option<Doubled> {
    let lines = lines(text);
    let total: usize = lines.iter().map(|l| l.split_whitespace().count()).sum();
    if total == 0 {
        return None;
    }
    let (start, len, covered) = repeat(&lines, total as f64 * DOUBLED_SHARE)?;
    let share = covered as f64 / total as f64;
    Some(Doubled { start, len, share })
}

/// The longest run of `lines` directly followed by the same run, whose two
/// copies hold at least `needed` words: `(start, len, words of both copies)`.
fn repeat(lines: &[&str], needed: f64) -> Option<(usize, usize, usize)> {
    let n = lines.len();
    // words[i]: the words of lines[..i].
    let mut words = vec![0usize; n + 1];
    for (i, l) in lines.iter().enumerate() {
        words[i + 1] = words[i] + l.split_whitespace().count();
    }
    // The longest copies first: the first repetition found is the largest.
    for len in (1..=n / 2).rev() {
        for start in 0..=n - 2 * len {
            let covered = words[start + 2 * len] - words[start];
            if (covered as f64) < needed {
                continue;
            }
            if lines[start..start + len] == lines[start + len..start + 2 * len] {
                return Some((start, len, covered));
            }
        }
    }
    None
}

/// `text` kept once when it is doubled ([`doubled`]), one line per block:
/// the recorder took each part of the page twice (Mistral's: the title and
/// date twice, then the terms twice), so the doubled run is kept once, and so
/// is every run directly followed by the same run in the lines before it (the
/// page's head, taken twice too). The copy kept is left as it is: the
/// document's own back-to-back lines (two table cells "Yes") stay. `text`
/// itself when it is not doubled.
pub fn one_copy(text: &str) -> std::borrow::Cow<'_, str> {
    let Some(d) = doubled(text) else {
        return text.into();
    };
    let mut lines = lines(text);
    lines.drain(d.start + d.len..d.start + 2 * d.len);
    let mut head = d.start;
    while let Some((start, len, _)) = repeat(&lines[..head], 0.0) {
        lines.drain(start + len..start + 2 * len);
        head -= len;
    }
    lines.join("\n").into()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TERMS: &str = "1. Accounts\nYou keep your account safe and tell us of any misuse.\n2. Payment\nYou pay the fees in the order form within thirty days.\nRefunds\nYes\nYes\n3. Law\nFrench law governs these terms and any dispute about them.";

    #[test]
    fn a_text_recorded_twice_is_kept_once() {
        let twice = format!(
            "Commercial Terms\nEffective: May 2026\nCommercial Terms\nEffective: May 2026\n{TERMS}\n\n{TERMS}\n"
        );
        let d = doubled(&twice).expect("doubled");
        assert_eq!((d.start, d.len), (4, 9));
        assert!(d.share >= DOUBLED_SHARE && d.share < 1.0, "{d:?}");
        let once = one_copy(&twice);
        assert_eq!(
            once,
            format!("Commercial Terms\nEffective: May 2026\n{TERMS}")
        );
        assert_eq!(doubled(&once), None);
    }

    #[test]
    fn repeated_headings_and_notices_are_not_a_doubled_text() {
        // A heading at top and bottom, a notice twice back to back: far under the share.
        let text = format!(
            "Terms of Service\n{TERMS}\nNotice: write to legal@example.com.\nNotice: write to legal@example.com.\nTerms of Service"
        );
        assert_eq!(doubled(&text), None);
        assert_eq!(one_copy(&text), text.as_str());
        // Two copies that differ in one word are two texts.
        let edited = format!("{TERMS}\n{}", TERMS.replace("thirty", "sixty"));
        assert_eq!(doubled(&edited), None);
        assert_eq!(doubled(""), None);
    }
}
