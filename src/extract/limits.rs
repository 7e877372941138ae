//! What the file reader refuses, so that reading stays linear in the input:
//! files over [`MAX_BYTES`], and HTML that opens elements more than
//! [`MAX_DEPTH`] deep or leaves more than [`MAX_DEPTH`] formatting elements
//! (`<b>`, `<font>`, ...) open. The HTML parser's work per tag grows with the
//! open elements and the open formatting elements (its scope checks and its
//! reconstruction of formatting), so without a cap a crafted page of 100 K
//! nested elements takes minutes. A browser caps the depth too (Chromium
//! attaches elements past 512 levels to the 512th).
//!
//! The check is a pre-scan of the tags, before any parsing: one pass, a stack
//! of at most [`MAX_DEPTH`] names. It estimates the depth the parser builds:
//! void elements and elements a next sibling closes (`<p>`, `<li>`, `<td>`,
//! ...) do not nest; an end tag closes up to the nearest open element of its
//! name, or nothing; text of `<script>`, `<style>`, `<textarea>`, `<title>`
//! and comments holds no tags.

/// The largest file `annotate`, `extract` and `diff` read (20 MiB).
pub const MAX_BYTES: u64 = 20 << 20;

/// The deepest nesting of elements, and the most formatting elements left
/// open, that an HTML file may have.
pub const MAX_DEPTH: usize = 512;

/// Elements with no end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen", "frame", "basefont", "bgsound", "image",
];

/// Elements a following sibling of their kind (or their parent's end) closes.
const SELF_CLOSING_SIBLINGS: &[&str] = &[
    "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot", "rb",
    "rt", "rtc", "rp", "colgroup", "caption", "html", "head", "body",
];

/// Elements the parser keeps in its list of active formatting elements.
const FORMATTING: &[&str] = &[
    "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u",
];

/// Elements whose text holds no tags.
const RAW_TEXT: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "plaintext",
];

/// Refuses HTML the parser would take more than linear time on: elements
/// nested more than [`MAX_DEPTH`] deep, or more than [`MAX_DEPTH`] formatting
/// elements opened and not closed.
pub fn check_html(html: &str) -> Result<(), String> {
    let bytes = html.as_bytes();
    let mut open: Vec<String> = Vec::new();
    let mut formatting = 0usize;
    let mut at = 0;
    while let Some(lt) = memchr(b'<', &bytes[at..]) {
        at += lt + 1;
        if bytes[at..].starts_with(b"!--") {
            at = find(bytes, at + 3, b"-->").map_or(bytes.len(), |end| end + 3);
            continue;
        }
        let end_tag = bytes.get(at) == Some(&b'/');
        let name_at = at + usize::from(end_tag);
        let name = tag_name(bytes, name_at);
        if name.is_empty() {
            continue;
        }
        at = name_at + name.len();
        let close = memchr(b'>', &bytes[at..]).map_or(bytes.len(), |gt| at + gt);
        let self_closed = close > at && bytes[close - 1] == b'/';
        let name = name.to_ascii_lowercase();
        at = close.min(bytes.len());
        let formatting_tag = FORMATTING.contains(&name.as_str());
        if end_tag {
            if let Some(pos) = open.iter().rposition(|n| *n == name) {
                open.truncate(pos);
            }
            if formatting_tag {
                formatting = formatting.saturating_sub(1);
            }
            continue;
        }
        if RAW_TEXT.contains(&name.as_str()) {
            let closing = format!("</{name}");
            at = find_ignoring_case(bytes, at, closing.as_bytes()).unwrap_or(bytes.len());
            continue;
        }
        formatting += usize::from(formatting_tag);
        let nests = !self_closed
            && !VOID.contains(&name.as_str())
            && !SELF_CLOSING_SIBLINGS.contains(&name.as_str());
        if nests {
            open.push(name);
        }
        if open.len() > MAX_DEPTH || formatting > MAX_DEPTH {
            return Err(format!(
                "the HTML nests elements more than {MAX_DEPTH} deep (or leaves more than \
                 {MAX_DEPTH} formatting elements open): termlens does not read pages built \
                 like this"
            ));
        }
    }
    Ok(())
}

/// The ASCII letters, digits and `-` of a tag name starting at `at` (empty
/// when `at` holds no letter: `<` then text, not a tag).
fn tag_name(bytes: &[u8], at: usize) -> String {
    let rest = bytes.get(at..).unwrap_or_default();
    if !rest.first().is_some_and(u8::is_ascii_alphabetic) {
        return String::new();
    }
    let len = rest
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'-' || *b == b':'))
        .unwrap_or(rest.len());
    String::from_utf8_lossy(&rest[..len]).into_owned()
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|b| *b == needle)
}

/// Where `needle` next starts in `bytes`, from `from`.
fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

/// Where `needle` (lower case) next starts in `bytes` in any case, from `from`.
fn find_ignoring_case(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_and_open_formatting_are_refused() {
        let deep = |n| format!("{}x{}", "<div>".repeat(n), "</div>".repeat(n));
        assert!(check_html(&deep(MAX_DEPTH)).is_ok());
        assert!(check_html(&deep(MAX_DEPTH + 1)).is_err());
        let bold: String = (0..=MAX_DEPTH)
            .map(|i| format!("<p><b class={i}>x</p>"))
            .collect();
        assert!(check_html(&bold).is_err(), "formatting left open past </p>");
        let stray: String = "<div></p>".repeat(MAX_DEPTH + 1);
        assert!(
            check_html(&stray).is_err(),
            "a stray end tag closes nothing"
        );
    }

    #[test]
    fn ordinary_markup_passes() {
        let page = format!(
            "<!doctype html><html><head><title><div></title><script>{}</script></head>\
             <body><!-- {} -->{}<svg>{}</svg><ul>{}</ul><P>a<br>b</body></html>",
            "<div>".repeat(2_000),
            "<div>".repeat(2_000),
            "<p>unclosed paragraph".repeat(2_000),
            "<path d='x'/>".repeat(2_000),
            "<li>item <b>bold</b> <a href=x>link</a>".repeat(2_000),
        );
        assert_eq!(check_html(&page), Ok(()));
        assert_eq!(check_html("a < b and 1<2 <"), Ok(()));
    }
}
