//! Text of a file as a reader sees it: HTML, Markdown or plain text.
//!
//! The CLI and the corpus checks use this; in the browser the content script
//! (`extension/content/extract.js`) builds the same text from the live DOM with
//! the same element rules ([`rules`]). Blocks (paragraphs, list items, headings,
//! table cells) end with a line break; inline elements (`<strong>`, `<a>`,
//! `<span>`) add nothing, so a clause split across them stays one run of text.
//!
//! The two agree line for line once each line is trimmed and empty lines are
//! dropped (the extension puts one `"\n"` between blocks, this reader one at
//! each block's start and end), which is all the matcher sees of lines: words
//! and where a block starts. What only a browser knows stays out of this
//! reader: CSS (an element a stylesheet hides is read here; the `hidden`
//! attribute is honoured by both), shadow roots and iframes' documents.

pub mod limits;
pub mod rules;

use rules::Role;
use scraper::{Html, Node};
use std::path::Path;

/// Reads `path` and returns its visible text, choosing the reader by extension
/// (`.html`/`.htm`, `.md`/`.markdown`, anything else as text). Refuses, with
/// an error naming the file, what [`limits`] refuses: more than
/// [`limits::MAX_BYTES`], or HTML nested too deep to parse in linear time.
pub fn read_text(path: &Path) -> Result<String, String> {
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
    text_of(&bytes, &ext).map_err(|e| format!("{name}: {e}"))
}

/// The visible text of a file's bytes (invalid UTF-8 read as U+FFFD) by the
/// reader its extension `ext` (lower case, no dot) names, or why termlens
/// refuses them ([`limits`]).
pub fn text_of(bytes: &[u8], ext: &str) -> Result<String, String> {
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
            html_text(&raw)
        }
        "md" | "markdown" => markdown_text(&raw),
        _ => raw.into_owned(),
    })
}

/// The visible text of an HTML document.
pub fn html_text(html: &str) -> String {
    let doc = Html::parse_document(html);
    let mut out = String::with_capacity(html.len() / 4);
    // An explicit stack instead of recursion: hostile pages nest deeply.
    enum Step<'a> {
        Enter(ego_tree::NodeRef<'a, Node>),
        Leave,
    }
    let mut stack = vec![Step::Enter(doc.tree.root())];
    while let Some(step) = stack.pop() {
        match step {
            Step::Leave => push_break(&mut out),
            Step::Enter(node) => match node.value() {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) => {
                    let role = rules::role(e.name());
                    if role == Some(Role::Skipped) || e.attr("hidden").is_some() {
                        continue;
                    }
                    if role == Some(Role::Block) {
                        push_break(&mut out);
                        stack.push(Step::Leave);
                    }
                    for child in node.children().rev() {
                        stack.push(Step::Enter(child));
                    }
                }
                Node::Document | Node::Fragment => {
                    for child in node.children().rev() {
                        stack.push(Step::Enter(child));
                    }
                }
                _ => {}
            },
        }
    }
    out
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
}
