//! Which HTML elements hold text a reader sees, and which start a block of it.
//!
//! One table for both readers of a page: [`super::html_text`] (the CLI and the
//! corpus checks) and the extension's `extension/content/extract.js`, which
//! imports the table as `pkg/extract-rules.js`, written by [`js_module`]
//! (`termlens extract --rules-js`) at build time.
//!
//! Where a browser and an HTML parser could differ, the table follows what a reader sees
//! in the browser: form controls' own text (`textarea`, `select`), media and
//! embedded content (`video`, `audio`, `embed`, `object`, `canvas`, `iframe`),
//! and `title` are not read; a button's label is read as inline text, since it
//! is on screen. Elements the browser never renders (`datalist`, `noembed`,
//! `noframes`) are skipped, as the browser's own stylesheet hides them.
//! Element names are local names in lower case (`Element.localName`).

/// What an element's content is to the reader.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Never read: neither the element nor anything inside it.
    Skipped,
    /// Starts and ends a block: its text is a line of its own.
    Block,
}

/// Every element that is not inline, with its role. Any element not listed
/// (`span`, `strong`, `a`, `button`, custom elements ...) is inline: its text
/// joins its neighbours' with nothing in between.
pub const ELEMENT_RULES: &[(&str, Role)] = &[
    ("script", Role::Skipped),
    ("style", Role::Skipped),
    ("noscript", Role::Skipped),
    ("template", Role::Skipped),
    ("head", Role::Skipped),
    ("title", Role::Skipped),
    ("svg", Role::Skipped),
    ("math", Role::Skipped),
    ("iframe", Role::Skipped),
    ("object", Role::Skipped),
    ("embed", Role::Skipped),
    ("canvas", Role::Skipped),
    ("video", Role::Skipped),
    ("audio", Role::Skipped),
    ("textarea", Role::Skipped),
    ("select", Role::Skipped),
    ("datalist", Role::Skipped),
    ("noembed", Role::Skipped),
    ("noframes", Role::Skipped),
    ("address", Role::Block),
    ("article", Role::Block),
    ("aside", Role::Block),
    ("blockquote", Role::Block),
    ("body", Role::Block),
    ("br", Role::Block),
    ("caption", Role::Block),
    ("dd", Role::Block),
    ("details", Role::Block),
    ("dialog", Role::Block),
    ("div", Role::Block),
    ("dl", Role::Block),
    ("dt", Role::Block),
    ("fieldset", Role::Block),
    ("figcaption", Role::Block),
    ("figure", Role::Block),
    ("footer", Role::Block),
    ("form", Role::Block),
    ("h1", Role::Block),
    ("h2", Role::Block),
    ("h3", Role::Block),
    ("h4", Role::Block),
    ("h5", Role::Block),
    ("h6", Role::Block),
    ("header", Role::Block),
    ("hgroup", Role::Block),
    ("hr", Role::Block),
    ("legend", Role::Block),
    ("li", Role::Block),
    ("main", Role::Block),
    ("menu", Role::Block),
    ("nav", Role::Block),
    ("ol", Role::Block),
    ("option", Role::Block),
    ("p", Role::Block),
    ("pre", Role::Block),
    ("section", Role::Block),
    ("summary", Role::Block),
    ("table", Role::Block),
    ("tbody", Role::Block),
    ("td", Role::Block),
    ("tfoot", Role::Block),
    ("th", Role::Block),
    ("thead", Role::Block),
    ("tr", Role::Block),
    ("ul", Role::Block),
];

/// The role of the element named `name` (a lower-case local name), or `None`
/// for an inline element.
pub fn role(name: &str) -> Option<Role> {
    ELEMENT_RULES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, role)| *role)
}

/// Whether an element has an entry in the page's outline (the input of the
/// main-content rule, [`super::main_content`]): a block; a custom element
/// (a name with `-`, such as `uhf-header` or `cookie-banner`), whose name
/// can say what it is even when it is inline; a link within the page (`href`
/// starting with `#`), which may be a "skip to content" link; a `button`,
/// a control rather than the document's words.
pub fn outlined(name: &str, href: &str) -> bool {
    role(name) == Some(Role::Block)
        || name.contains('-')
        || OUTLINED_INLINE.contains(&name)
        || (name == "a" && href.starts_with('#'))
}

/// Inline elements outlined by their name: controls rather than the
/// document's words ([`outlined`]).
pub const OUTLINED_INLINE: &[&str] = &["button"];

/// Elements whose text is link text (a block's `links`).
pub const LINK_TAGS: &[&str] = &["a", "button"];

/// `role` values (lower case) whose element's text is link text.
pub const LINK_ROLES: &[&str] = &["button"];

/// Whether an element named `name` with `role` (lower case) holds link text:
/// a link, a button, or an element in the role of a button.
pub fn is_link(name: &str, role: &str) -> bool {
    LINK_TAGS.contains(&name) || LINK_ROLES.contains(&role)
}

/// The UTF-16 code units of the white space a block's length leaves out
/// ([`super::main_content::counts`]); every such character is one unit.
fn space_units() -> Vec<u16> {
    (0..=0xFFFFu32)
        .filter_map(char::from_u32)
        .filter(|&c| !super::main_content::counts(c))
        .map(|c| c as u16)
        .collect()
}

/// The names with `role`, in table order.
fn names(role: Role) -> Vec<&'static str> {
    ELEMENT_RULES
        .iter()
        .filter(|(_, r)| *r == role)
        .map(|(n, _)| *n)
        .collect()
}

/// Elements whose line breaks are the page's own (preformatted text). Anywhere
/// else a line break inside a text node is only the HTML source's wrapping
/// (DeepSeek's terms wrap every paragraph at 70 columns): the page shows a
/// space, so the text reads a space, and a paragraph stays one line.
pub const PREFORMATTED: &[&str] = &["pre", "listing", "plaintext", "xmp"];

/// A text node's data as the page's text reads it: outside a [`PREFORMATTED`]
/// element, `\r` and `\n` become spaces (one for one, so offsets into the
/// node stay the same).
pub fn node_text(data: &str, preformatted: bool) -> std::borrow::Cow<'_, str> {
    if preformatted || !data.contains(['\r', '\n']) {
        return std::borrow::Cow::Borrowed(data);
    }
    std::borrow::Cow::Owned(data.replace(['\r', '\n'], " "))
}

/// The table as the ES module the extension imports (`pkg/extract-rules.js`):
/// `SKIPPED` and `BLOCKS`, two sets of lower-case local names; `outlined`;
/// `isLink`; `countText`, a block's length and commas; `PREFORMATTED` and
/// `nodeText`, the line-break rule of text nodes.
pub fn js_module() -> String {
    let json = |v: &[&str]| serde_json::to_string(v).unwrap_or_else(|_| "[]".into());
    let units = |v: &[u16]| serde_json::to_string(v).unwrap_or_else(|_| "[]".into());
    let commas: Vec<u16> = super::main_content::COMMA_CHARS
        .iter()
        .map(|&c| c as u16)
        .collect();
    format!(
        "// Generated by `termlens extract --rules-js` from src/extract/rules.rs: do not edit.\n\
         // Element rules of the page's text, as Element.localName values.\n\n\
         /** Elements whose content is never read. */\n\
         export const SKIPPED = new Set({});\n\n\
         /** Elements that start and end a block of text (a line of their own). */\n\
         export const BLOCKS = new Set({});\n\n\
         /** Inline elements outlined by their name. */\n\
         export const OUTLINED_INLINE = new Set({});\n\n\
         /**\n\
          * Whether an element has an entry in the page's outline (the main-content rule's\n\
          * input): a block, a custom element, a button, or a link within the page.\n\
          * @param {{string}} name  Element.localName\n\
          * @param {{string}} href  its `href` attribute ('' when none)\n\
          */\n\
         export function outlined(name, href) {{\n  \
         return BLOCKS.has(name) || name.includes('-') || OUTLINED_INLINE.has(name) || (name === 'a' && href.startsWith('#'));\n}}\n\n\
         /** Elements, and `role` values, whose text is link text. */\n\
         export const LINK_TAGS = new Set({});\n\
         export const LINK_ROLES = new Set({});\n\n\
         /**\n\
          * Whether an element holds link text.\n\
          * @param {{string}} name  Element.localName\n\
          * @param {{string}} role  its `role` attribute, lower case ('' when none)\n\
          */\n\
         export function isLink(name, role) {{\n  \
         return LINK_TAGS.has(name) || LINK_ROLES.has(role);\n}}\n\n\
         /** UTF-16 units of the white space a block's length leaves out, and of commas. */\n\
         export const SPACES = new Set({});\n\
         export const COMMAS = new Set({});\n\n\
         /**\n\
          * A text's length as a block counts it (UTF-16 units that are not white space) and\n\
          * its commas.\n\
          * @param {{string}} data\n\
          * @returns {{[number, number]}}\n\
          */\n\
         export function countText(data) {{\n  \
         let len = 0;\n  let commas = 0;\n  \
         for (let i = 0; i < data.length; i += 1) {{\n    \
         const unit = data.charCodeAt(i);\n    \
         if (!SPACES.has(unit)) len += 1;\n    \
         if (COMMAS.has(unit)) commas += 1;\n  }}\n  \
         return [len, commas];\n}}\n\n\
         /** Elements whose line breaks are the page's own (preformatted text). */\n\
         export const PREFORMATTED = new Set({});\n\n\
         /**\n\
          * A text node's data as the page's text reads it: outside a preformatted element a\n\
          * line break is the source's wrapping and reads as a space (one for one).\n\
          * @param {{string}} data\n\
          * @param {{boolean}} preformatted\n\
          */\n\
         export function nodeText(data, preformatted) {{\n  \
         return preformatted ? data : data.replace(/[\\r\\n]/g, ' ');\n}}\n\n\
         /** Outline entries read at most (a longer outline: the whole text is compared). */\n\
         export const MAX_OUTLINE = {};\n\n\
         /**\n\
          * UTF-16 units of an element's id and class, joined by a space, carried in its outline\n\
          * entry (what is read of them is decided in the core).\n\
          */\n\
         export const ATTRS_CARRIED = {};\n",
        json(&names(Role::Skipped)),
        json(&names(Role::Block)),
        json(OUTLINED_INLINE),
        json(LINK_TAGS),
        json(LINK_ROLES),
        units(&space_units()),
        units(&commas),
        json(PREFORMATTED),
        super::main_content::MAX_BLOCKS,
        super::main_content::ATTRS_CARRIED
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_text_turns_line_breaks_into_spaces_one_for_one() {
        let data = "not\nresell\r\nthe";
        let read = node_text(data, false);
        assert_eq!(read, "not resell  the");
        assert_eq!(read.encode_utf16().count(), data.encode_utf16().count());
        assert_eq!(node_text(data, true), data);
    }

    #[test]
    fn white_space_and_commas_are_one_utf16_unit_each() {
        // The browser counts code units: every character a block's length
        // leaves out, and every comma, must be one.
        let all = (0..=0x10FFFFu32).filter_map(char::from_u32);
        for c in all.filter(|&c| !super::super::main_content::counts(c)) {
            assert_eq!(c.len_utf16(), 1, "{c:?}");
        }
        for c in super::super::main_content::COMMA_CHARS {
            assert_eq!(c.len_utf16(), 1, "{c:?}");
        }
        assert!(space_units().contains(&0x85) && !space_units().contains(&0xFEFF));
        assert_eq!(
            super::super::main_content::count_text("a😀 ,\u{85}"),
            (4, 1)
        );
    }

    #[test]
    fn every_element_has_one_role() {
        let mut seen = rustc_hash::FxHashSet::default();
        for (name, _) in ELEMENT_RULES {
            assert_eq!(*name, name.to_ascii_lowercase(), "{name}: lower case");
            assert!(seen.insert(*name), "{name} is listed twice");
        }
        assert_eq!(role("span"), None);
        assert_eq!(role("button"), None);
        assert_eq!(role("p"), Some(Role::Block));
        assert_eq!(role("textarea"), Some(Role::Skipped));
    }

    #[test]
    fn the_module_lists_each_name_in_its_set() {
        let js = js_module();
        let line = |set: &str| {
            js.lines()
                .find(|l| l.starts_with(&format!("export const {set} ")))
                .unwrap_or_default()
                .to_string()
        };
        for (name, role) in ELEMENT_RULES {
            let (own, other) = match role {
                Role::Skipped => (line("SKIPPED"), line("BLOCKS")),
                Role::Block => (line("BLOCKS"), line("SKIPPED")),
            };
            assert!(own.contains(&format!("\"{name}\"")), "{name} in {own}");
            assert!(
                !other.contains(&format!("\"{name}\"")),
                "{name} not in {other}"
            );
        }
    }
}
