//! The CLI's readers: a file's text by its kind (HTML, Markdown, text).

use super::limits;
use super::main_content::{self, Block, Outline};
use super::rules::{self, Role};
use scraper::{Html, Node};
use std::path::Path;

/// A page as read: its text and, for HTML, its outline (the block elements
/// the main-content rule reads, [`main_content`]); Markdown and plain text
/// have none (all of their text is main content).
#[derive(Clone, Debug, Default)]
pub struct Page {
    /// The visible text.
    pub text: String,
    /// The block elements of an HTML page (`None`: not HTML).
    pub outline: Option<Outline>,
}

impl Page {
    /// The text as compared and snapshotted: outside the main content blanked
    /// ([`main_content::main_text`]; offsets unchanged).
    pub fn main_text(&self) -> String {
        main_content::main_text(&self.text, self.outline.as_deref())
    }

    /// The UTF-16 ranges of the text that are main content.
    pub fn main_ranges(&self) -> Vec<main_content::Range> {
        let len = self.text.encode_utf16().count() as u32;
        match &self.outline {
            Some(outline) => main_content::main_ranges(outline, len),
            None => std::iter::once(0..len).collect(),
        }
    }
}

/// Reads `path` and returns its visible text, choosing the reader by extension
/// (`.html`/`.htm`, `.md`/`.markdown`, anything else as text). Refuses, with
/// an error naming the file, what [`limits`] refuses: more than
/// [`limits::MAX_BYTES`], or HTML nested too deep to parse in linear time.
pub fn read_text(path: &Path) -> Result<String, String> {
    read_page(path).map(|p| p.text)
}

/// [`read_text`] with the page's outline (HTML).
pub fn read_page(path: &Path) -> Result<Page, String> {
    use std::io::Read;
    let name = path.display();
    let file = std::fs::File::open(path).map_err(|e| format!("{name}: cannot read: {e}"))?;
    let mut bytes = Vec::new();
    file.take(limits::MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{name}: cannot read: {e}"))?;
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    page_of(&bytes, &ext).map_err(|e| format!("{name}: {e}"))
}

/// The visible text of a file's bytes (invalid UTF-8 read as U+FFFD) by the
/// reader its extension `ext` (lower case, no dot) names, or why termlens
/// refuses them ([`limits`]).
pub fn text_of(bytes: &[u8], ext: &str) -> Result<String, String> {
    page_of(bytes, ext).map(|p| p.text)
}

/// [`text_of`] with the page's outline (HTML).
pub fn page_of(bytes: &[u8], ext: &str) -> Result<Page, String> {
    if bytes.len() as u64 > limits::MAX_BYTES {
        return Err(format!(
            "larger than {} MiB, the most termlens reads",
            limits::MAX_BYTES >> 20
        ));
    }
    let raw = String::from_utf8_lossy(bytes);
    Ok(match ext {
        "html" | "htm" => {
            limits::check_html(&raw)?;
            let (text, outline) = html_page(&raw);
            Page {
                text,
                outline: Some(outline),
            }
        }
        "md" | "markdown" => Page {
            text: markdown_text(&raw),
            outline: None,
        },
        _ => Page {
            text: raw.into_owned(),
            outline: None,
        },
    })
}

/// The visible text of an HTML document.
pub fn html_text(html: &str) -> String {
    html_page(html).0
}

/// The visible text of an HTML document and its outline: one [`Block`] per
/// block or custom element read ([`rules::outlined`]), in document order (the main-content rule's input, as
/// `extract.js` builds it in the browser).
pub fn html_page(html: &str) -> (String, Outline) {
    let doc = Html::parse_document(html);
    let mut w = Walk::default();
    // An explicit stack instead of recursion: hostile pages nest deeply.
    // `Enter` carries the node's nearest block (outline index), whether it is
    // inside a link or a button, and whether it is inside preformatted text.
    enum Step<'a> {
        Enter(ego_tree::NodeRef<'a, Node>, Option<u32>, bool, bool),
        Leave,
    }
    let mut stack = vec![Step::Enter(doc.tree.root(), None, false, false)];
    while let Some(step) = stack.pop() {
        let (node, block, link, pre) = match step {
            Step::Leave => {
                w.push_break();
                continue;
            }
            Step::Enter(node, block, link, pre) => (node, block, link, pre),
        };
        let (block, link, pre) = match node.value() {
            Node::Text(t) => {
                w.text(&rules::node_text(t, pre), block, link);
                continue;
            }
            Node::Element(e) => {
                let role = rules::role(e.name());
                if role == Some(Role::Skipped) || e.attr("hidden").is_some() {
                    continue;
                }
                let aria = e.attr("role").unwrap_or("").to_ascii_lowercase();
                let link = link || rules::is_link(e.name(), &aria);
                let pre = pre || rules::PREFORMATTED.contains(&e.name());
                if role == Some(Role::Block) {
                    w.push_break();
                    stack.push(Step::Leave);
                }
                if rules::outlined(e.name(), e.attr("href").unwrap_or("")) {
                    (Some(w.open(e, block, aria)), link, pre)
                } else {
                    (block, link, pre)
                }
            }
            Node::Document | Node::Fragment => (block, link, pre),
            _ => continue,
        };
        for child in node.children().rev() {
            stack.push(Step::Enter(child, block, link, pre));
        }
    }
    (w.out, w.outline)
}

/// The text and outline being built by [`html_page`].
#[derive(Default)]
struct Walk {
    out: String,
    /// Length of `out` in UTF-16 units.
    units: u32,
    outline: Outline,
}

impl Walk {
    fn push_break(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
            self.units += 1;
        }
    }

    /// A block element starts: its outline entry, whose index is returned.
    fn open(&mut self, e: &scraper::node::Element, parent: Option<u32>, role: String) -> u32 {
        let joined = [e.attr("id"), e.attr("class")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let attrs = utf16_prefix(&joined, main_content::ATTRS_CARRIED).to_string();
        self.outline.push(Block {
            parent,
            tag: e.name().to_string(),
            attrs,
            role,
            ..Block::default()
        });
        (self.outline.len() - 1) as u32
    }

    /// A text node in `block` (inside a link or button: `link`).
    fn text(&mut self, t: &str, block: Option<u32>, link: bool) {
        let start = self.units;
        let units = t.encode_utf16().count() as u32;
        self.out.push_str(t);
        self.units += units;
        let Some(b) = block.and_then(|b| self.outline.get_mut(b as usize)) else {
            return;
        };
        if units == 0 {
            return;
        }
        if b.len == 0 && b.end == 0 {
            b.start = start;
        }
        b.end = start + units;
        let (len, commas) = main_content::count_text(t);
        b.len += len;
        if link {
            b.links += len;
        }
        b.commas += commas;
    }
}

fn push_break(out: &mut String) {
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

/// The text of a Markdown document as it renders (no markup, no link targets).
pub fn markdown_text(md: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let mut out = String::with_capacity(md.len());
    for event in Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak => out.push(' '),
            Event::HardBreak | Event::Rule => push_break(&mut out),
            Event::Html(h) | Event::InlineHtml(h)
                if ["<br", "<p", "</p", "<li"].iter().any(|t| h.contains(t)) =>
            {
                push_break(&mut out);
            }
            // A nested list starts a block even inside its parent item's text.
            Event::Start(Tag::List(_) | Tag::Item) => push_break(&mut out),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::TableRow
                | TagEnd::TableHead
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock,
            ) => push_break(&mut out),
            _ => {}
        }
    }
    out
}

/// The longest prefix of `s` of at most `units` UTF-16 units that ends between two
/// characters.
fn utf16_prefix(s: &str, units: usize) -> &str {
    let mut used = 0;
    for (i, c) in s.char_indices() {
        used += c.len_utf16();
        if used > units {
            return &s[..i];
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_elements_stay_contiguous() {
        let t = html_text(
            "<p>You will <strong>not</strong> use <a href='x'>Output</a>.</p><p>Next</p>",
        );
        assert_eq!(t, "You will not use Output.\nNext\n");
    }

    #[test]
    fn a_line_break_of_the_source_reads_as_a_space_except_in_preformatted_text() {
        // (The parser reads `\r\n` as one `\n`.)
        let t = html_text("<p>You may not\nresell the\r\nServices.</p><pre>a\nb</pre>");
        assert_eq!(t, "You may not resell the Services.\na\nb\n");
    }

    #[test]
    fn button_labels_are_read_form_fields_and_media_are_not() {
        let t = html_text(
            "<p>Accept <button>now</button></p><textarea>draft</textarea>\
             <video>no video</video><select><option>o</option></select><p hidden>h</p>",
        );
        assert_eq!(t, "Accept now\n");
    }

    #[test]
    fn scripts_and_styles_are_skipped() {
        let t = html_text(
            "<head><title>T</title></head><body><script>var a=1</script><style>p{}</style><p>x</p></body>",
        );
        assert_eq!(t.trim(), "x");
    }

    #[test]
    fn markdown_drops_markup_and_link_targets() {
        let t = markdown_text("**50.11.** Use [the page](https://example.com) *now*.\n\nNext");
        assert_eq!(t, "50.11. Use the page now.\nNext\n");
    }

    #[test]
    fn a_nested_list_starts_a_new_block() {
        let t = markdown_text("* **Overall Policy Notes**\n  * The above rules apply\n");
        assert_eq!(t, "Overall Policy Notes\nThe above rules apply\n");
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let html = format!("{}x{}", "<div>".repeat(5_000), "</div>".repeat(5_000));
        assert_eq!(html_text(&html).trim(), "x");
    }

    #[test]
    fn the_carried_prefix_counts_utf16_units_and_never_splits_a_character() {
        assert_eq!(utf16_prefix("abc", 2), "ab");
        assert_eq!(utf16_prefix("a\u{1F600}b", 2), "a");
        assert_eq!(utf16_prefix("a\u{1F600}b", 3), "a\u{1F600}");
        assert_eq!(utf16_prefix("ab", 9), "ab");
    }
}
