//! The main content of a page: its document (headings and clauses) without the
//! site around it (navigation, menus, headers, footers, cookie banners, search
//! boxes, buttons, "skip to content" links).
//!
//! One rule for both readers of a page. It reads an [`Outline`]: the page's
//! block elements, custom elements and in-page links
//! ([`super::rules::outlined`]) in document order, each with its parent
//! entry, tag, `id` and `class` tokens, ARIA role, and the length, link text
//! and commas of its own text (not inside an outlined child) with where that
//! text sits in the page's extracted text (UTF-16). The CLI's HTML reader
//! builds it while extracting (`extract::html_page`); the extension's
//! `extract.js` builds it in its DOM walk, and the Wasm engine applies this
//! rule before a page is snapshotted or compared. The answer is a list of
//! UTF-16 ranges of the same text, so what is compared keeps the whole text's
//! offsets and change highlights land where the page shows them. Known
//! provisions are still looked for in the whole text: a known clause counts
//! wherever it is.
//!
//! The rule follows Mozilla's Readability, with no site-specific selector:
//!
//! 1. **Furniture.** A block is the site's, not the document's, by its tag
//!    (`nav`, `aside`, `dialog`, `menu`, `form`; a `header` or `footer` outside
//!    any `article`, `section`, `main`: the page's banner and content info),
//!    its ARIA role ([`FURNITURE_ROLES`]: navigation, banner, search, dialog,
//!    alert ...), or an `id`/`class` token (or a custom element's name) one of
//!    whose words is in [`FURNITURE_WORDS`] (`header`, `nav`, `menu`,
//!    `cookie`, `consent`, `skip`, `search` ...) unless a word of the same
//!    token is in [`CONTENT_WORDS`] (`main-nav` is not furniture; layout
//!    utilities such as `scroll-mt-header-h` are not read,
//!    [`UTILITY_PREFIXES`]); a
//!    `button` is a control, not the document's words, unless it holds a
//!    block (an accordion's heading). `body`,
//!    `main`, `article` and `role=main` never are, nor a heading, paragraph,
//!    list item or cell by its classes alone, nor is a block holding
//!    [`WRAPPER_SHARE`] of the page's text (a `<form>` around everything).
//! 2. **Candidate.** Every entry outside the furniture whose own text has at
//!    least [`MIN_PARAGRAPH`] characters scores `1 + commas + min(len/100, 3)`
//!    for its parent (whole), grandparent (half) and three more ancestors
//!    (a third of the level); a candidate starts from its tag's weight and its
//!    class weight ([`class_weight`]), and its score is scaled by `1 - link
//!    density`. The best is the top candidate.
//! 3. **Container.** From the top candidate up, an ancestor is taken when its
//!    readable text (outside furniture and link lists) adds at most
//!    [`CLIMB_SHARE`] to what is already kept (the document's title and date
//!    above the clauses), when it is a `main` or `article` landmark, or, on a
//!    page with no such landmark, when what it adds is prose (at most
//!    [`SECTION_LINK_DENSITY`] link text: the document's sibling sections).
//! 4. **Within it**, the furniture is left out, and so are lists of links
//!    (a block mostly link or button text, [`LINK_LIST_DENSITY`], with fewer
//!    than [`LINK_LIST_COMMAS`] commas, not a paragraph, list item, heading,
//!    cell or link) outside the page's `main` or `article` landmark: inside it, a
//!    list of links is the document's (its earlier versions, its table of
//!    contents), as the recorded versions hold it.
//! 5. **Fallback.** When the rule finds no candidate, or keeps less than
//!    [`MIN_KEPT_SHARE`] of the page's text or fewer than [`MIN_KEPT`]
//!    characters, the page has no clear main content and the whole text is
//!    kept: a terms page is never emptied. An outline over [`MAX_BLOCKS`]
//!    entries is not read at all (whole text too); every step is one or two
//!    passes over the outline, so the work is linear and bounded whatever
//!    the page, and a malformed outline (a parent after its child, extents
//!    past the text) gives an answer, never a panic.
//!
//! Markdown and plain text have no site around them: all of their text is
//! main content.

use serde::{Deserialize, Serialize};

/// Blocks read at most; a longer outline keeps the whole text.
pub const MAX_BLOCKS: usize = 50_000;

/// Characters of `id` and `class` tokens read per block (a hostile page's
/// class list is not read past this).
pub const MAX_ATTRS: usize = 200;

/// What a reader carries of a block's `id` and `class`, joined by a space, in
/// UTF-16 units: at least the [`MAX_ATTRS`] characters [`tokens`] reads, since a
/// character is one or two units. The carrying is a bound on what crosses, not a
/// rule: [`tokens`] alone decides what is read.
pub const ATTRS_CARRIED: usize = 2 * MAX_ATTRS;

/// A block's own text scores for its ancestors from this many characters
/// (Readability's 25: a label or a button is not a paragraph).
pub const MIN_PARAGRAPH: u32 = 25;

/// An ancestor of the kept blocks is taken whole when its readable text adds
/// at most this share of the text kept so far.
pub const CLIMB_SHARE: f64 = 0.25;

/// Without a `main` or `article` landmark, an ancestor of the kept blocks is
/// taken when what it adds has at most this share of link text: the
/// document's other sections, beside the best one.
pub const SECTION_LINK_DENSITY: f64 = 0.25;

/// A block whose text is at least this share link or button text is a list
/// of links (a menu), not clauses.
pub const LINK_LIST_DENSITY: f64 = 0.5;

/// ... unless it has at least this many commas (prose that links a lot).
pub const LINK_LIST_COMMAS: u32 = 10;

/// A block holding at least this share of the page's text is never
/// furniture: it is the page's wrapper.
pub const WRAPPER_SHARE: f64 = 0.5;

/// The main content keeps at least this share of the page's text, or the
/// page has no clear main content (whole text kept).
pub const MIN_KEPT_SHARE: f64 = 0.1;

/// The main content keeps at least this many characters, or the page has no
/// clear main content (whole text kept).
pub const MIN_KEPT: u32 = 200;

/// ARIA roles of the site's furniture.
pub const FURNITURE_ROLES: &[&str] = &[
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "search",
    "dialog",
    "alertdialog",
    "alert",
    "menu",
    "menubar",
    "toolbar",
    "tablist",
    "tooltip",
];

/// Words of an `id` or `class` token that name the site's furniture (a token
/// is split at `-`, `_`, `:`, `/`, `.`, digits and lower-to-upper case changes).
pub const FURNITURE_WORDS: &[&str] = &[
    "header",
    "footer",
    "nav",
    "navbar",
    "navigation",
    "subnav",
    "topnav",
    "menu",
    "submenu",
    "megamenu",
    "sidebar",
    "breadcrumb",
    "breadcrumbs",
    "cookie",
    "cookies",
    "consent",
    "gdpr",
    "onetrust",
    "banner",
    "masthead",
    "skip",
    "skiplink",
    "search",
    "searchbox",
    "social",
    "share",
    "toolbar",
    "pagination",
    "pager",
    "popup",
    "modal",
    "related",
    "comment",
    "comments",
    "sponsor",
    "promo",
];

/// Words of an `id` or `class` token that name content: a token with one of
/// them is never furniture (`main-nav` is not, `article-header` is not).
pub const CONTENT_WORDS: &[&str] = &[
    "main", "content", "article", "body", "post", "entry", "text", "prose", "terms", "legal",
    "document", "policy",
];

/// One block element of the page, in document order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Block {
    /// Index of the nearest enclosing block in the outline (smaller than this
    /// block's own), `None` for a top-level block.
    pub parent: Option<u32>,
    /// Lower-case local name (`div`, `nav`, `p` ...).
    pub tag: String,
    /// The `id` and `class` attributes, space separated (at most
    /// [`MAX_ATTRS`] characters are read).
    pub attrs: String,
    /// The `role` attribute (lower case).
    pub role: String,
    /// Where the block's own text starts in the page's text (UTF-16); with
    /// `end`, the extent of its own text nodes (meaningless when `len` and
    /// `end` are 0).
    pub start: u32,
    /// Where the block's own text ends (UTF-16, exclusive).
    pub end: u32,
    /// Characters of its own text that are not whitespace.
    pub len: u32,
    /// Of those, the ones inside a link (`a`) or a button (`button`,
    /// `role=button`).
    pub links: u32,
    /// Commas in its own text (`,`, `，`, `、`).
    pub commas: u32,
}

/// The block elements of a page, in document order.
pub type Outline = Vec<Block>;

/// A UTF-16 range of the page's text.
pub type Range = std::ops::Range<u32>;

/// The characters that count as a comma in a block's text.
pub const COMMA_CHARS: &[char] = &[',', '，', '、'];

/// Whether `c` counts as a comma in a block's text.
pub fn is_comma(c: char) -> bool {
    COMMA_CHARS.contains(&c)
}

/// Whether a character counts in a block's length (not white space).
pub fn counts(c: char) -> bool {
    !c.is_whitespace()
}

/// A text's length as a block counts it, and its commas: the UTF-16 units of
/// the characters that count ([`counts`]), so that the browser, which counts
/// in UTF-16 units, gives the same length.
pub fn count_text(t: &str) -> (u32, u32) {
    let (mut len, mut commas) = (0u32, 0u32);
    for c in t.chars() {
        if counts(c) {
            len += c.len_utf16() as u32;
        }
        if is_comma(c) {
            commas += 1;
        }
    }
    (len, commas)
}

/// The UTF-16 ranges of the page's text (`text_len` units long) that are its
/// main content, in order and disjoint; the whole text when the page has no
/// clear main content.
pub fn main_ranges(outline: &[Block], text_len: u32) -> Vec<Range> {
    match choose(outline, text_len) {
        Ok((_, chosen)) => chosen.ranges,
        Err(_) => std::iter::once(0..text_len).collect(),
    }
}

/// Why the rule keeps what it keeps, one line each: the top candidate, the
/// container, and every block left out inside it (tag, `id`/`class`, role,
/// text length, reason), or why the page keeps its whole text. What
/// `termlens extract --main --why` prints.
pub fn explain(outline: &[Block], text_len: u32) -> String {
    let (tree, chosen) = match choose(outline, text_len) {
        Ok(found) => found,
        Err(Whole::NoOutline) => return "no outline to read: whole text\n".into(),
        Err(Whole::NoCandidate) => return "no candidate: whole text\n".into(),
        Err(Whole::TooLittle(tree, container)) => {
            let (kept, all) = (tree.readable[container].0, tree.total);
            return format!(
                "container {} keeps {kept} of {all}, too little: whole text\n",
                tree.name(container)
            );
        }
    };
    let mut out = format!(
        "top candidate {}\ncontainer {} (readable {} of {})\n",
        tree.name(chosen.top),
        tree.name(chosen.container),
        tree.readable[chosen.container].0,
        tree.total
    );
    for &i in &chosen.left_out {
        let why = if tree.furniture[i] {
            "furniture"
        } else {
            "links"
        };
        out.push_str(&format!("  drop {} ({why})\n", tree.name(i)));
    }
    out
}

/// What the rule keeps of a page with clear main content.
struct Chosen {
    /// The top candidate.
    top: usize,
    /// The block whose subtree is the main content.
    container: usize,
    /// The container's text minus the blocks left out.
    ranges: Vec<Range>,
    /// The blocks left out inside the container (a left-out block's
    /// descendants are not listed).
    left_out: Vec<usize>,
}

/// Why a page keeps its whole text. Only [`explain`] words it, so the Wasm
/// module, which calls [`main_ranges`] alone, formats nothing here.
enum Whole<'a> {
    /// No outline, one over [`MAX_BLOCKS`], or no text.
    NoOutline,
    /// No block is a candidate.
    NoCandidate,
    /// The container (in its tree) keeps too little.
    TooLittle(Box<Tree<'a>>, usize),
}

/// The rule's choice for a page, or why the page keeps its whole text: no
/// outline to read, no candidate, or a container that keeps too little
/// (fewer than [`MIN_KEPT`] units, or less than [`MIN_KEPT_SHARE`] of the
/// page, or nothing).
fn choose(outline: &[Block], text_len: u32) -> Result<(Tree<'_>, Chosen), Whole<'_>> {
    if outline.is_empty() || outline.len() > MAX_BLOCKS || text_len == 0 {
        return Err(Whole::NoOutline);
    }
    let tree = Tree::new(outline, text_len);
    let top = tree.top_candidate().ok_or(Whole::NoCandidate)?;
    let container = tree.container(top);
    let (ranges, left_out) = tree.ranges(container);
    let kept: u32 = tree.readable[container].0;
    let all: u32 = tree.total;
    if kept < MIN_KEPT || (kept as f64) < all as f64 * MIN_KEPT_SHARE || ranges.is_empty() {
        return Err(Whole::TooLittle(Box::new(tree), container));
    }
    let chosen = Chosen {
        top,
        container,
        ranges,
        left_out,
    };
    Ok((tree, chosen))
}

/// `text` with everything outside `ranges` (UTF-16, as [`main_ranges`] gives
/// them) turned into spaces, line breaks kept: the same length in UTF-16
/// units, so offsets into it are offsets into `text`.
pub fn blank_outside(text: &str, ranges: &[Range]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0u32;
    let mut next = ranges.iter().peekable();
    for c in text.chars() {
        while next.peek().is_some_and(|r| r.end <= at) {
            next.next();
        }
        let inside = next.peek().is_some_and(|r| r.start <= at && at < r.end);
        let units = c.len_utf16() as u32;
        if inside || c == '\n' {
            out.push(c);
        } else {
            out.extend(std::iter::repeat_n(' ', units as usize));
        }
        at += units;
    }
    out
}

/// The text of `ranges`, one range after the other with a line break between
/// them: what `termlens extract --main` prints.
pub fn text_of_ranges(text: &str, ranges: &[Range]) -> String {
    let units: Vec<u16> = text.encode_utf16().collect();
    let mut out = String::new();
    for r in ranges {
        let (s, e) = (r.start as usize, (r.end as usize).min(units.len()));
        if s < e {
            out.push_str(&String::from_utf16_lossy(&units[s..e]));
            out.push('\n');
        }
    }
    out
}

/// The page's text as compared and snapshotted: `text` with its non-main
/// content blanked ([`blank_outside`]), or `text` itself without an outline.
pub fn main_text(text: &str, outline: Option<&[Block]>) -> String {
    match outline {
        None => text.to_string(),
        Some(outline) => {
            let len = text.encode_utf16().count() as u32;
            blank_outside(text, &main_ranges(outline, len))
        }
    }
}

/// The outline read as a tree, with what the rule computes per block.
struct Tree<'a> {
    blocks: &'a [Block],
    parent: Vec<Option<usize>>,
    /// Subtree extent in the text (start, end); start > end when empty.
    extent: Vec<(u32, u32)>,
    /// Furniture by tag, role or class, itself (not inherited).
    furniture: Vec<bool>,
    /// Inside furniture (itself or an ancestor).
    in_furniture: Vec<bool>,
    /// A list of links (itself).
    link_list: Vec<bool>,
    /// Inside a `main` or `article` landmark (itself or an ancestor).
    in_landmark: Vec<bool>,
    /// Subtree text length and link text.
    len: Vec<u32>,
    links: Vec<u32>,
    /// The page's text length (of every top-level block).
    total: u32,
    /// Subtree text outside furniture and link lists, and its link text.
    readable: Vec<(u32, u32)>,
}

impl<'a> Tree<'a> {
    fn new(blocks: &'a [Block], text_len: u32) -> Tree<'a> {
        let n = blocks.len();
        // A parent must come before its child; anything else is top level.
        let parent: Vec<Option<usize>> = blocks
            .iter()
            .enumerate()
            .map(|(i, b)| b.parent.map(|p| p as usize).filter(|&p| p < i))
            .collect();
        let mut extent: Vec<(u32, u32)> = blocks
            .iter()
            .map(|b| {
                let (s, e) = (b.start.min(text_len), b.end.min(text_len));
                if s < e { (s, e) } else { (u32::MAX, 0) }
            })
            .collect();
        let mut len: Vec<u32> = blocks.iter().map(|b| b.len).collect();
        let mut links: Vec<u32> = blocks.iter().map(|b| b.links.min(b.len)).collect();
        for i in (0..n).rev() {
            if let Some(p) = parent[i] {
                extent[p] = (extent[p].0.min(extent[i].0), extent[p].1.max(extent[i].1));
                len[p] = len[p].saturating_add(len[i]);
                links[p] = links[p].saturating_add(links[i]);
            }
        }
        let total = (0..n)
            .filter(|&i| parent[i].is_none())
            .map(|i| len[i])
            .fold(0, u32::saturating_add);
        let mut furniture = vec![false; n];
        let mut in_furniture = vec![false; n];
        let mut sectioned = vec![false; n];
        for i in 0..n {
            let up = parent[i];
            let parent_sectioned = up.is_some_and(|p| sectioned[p]);
            // A block that holds half the page's text is the page's wrapper
            // (a `<form>` around everything), whatever it is called.
            // A button around a block of text is an accordion's heading.
            let accordion = blocks[i].tag == "button" && len[i] > blocks[i].len;
            furniture[i] = is_furniture(&blocks[i], parent_sectioned)
                && !accordion
                && (len[i] as f64) < total as f64 * WRAPPER_SHARE;
            sectioned[i] = parent_sectioned
                || matches!(blocks[i].tag.as_str(), "article" | "section" | "main")
                || blocks[i].role == "main";
            in_furniture[i] = furniture[i] || up.is_some_and(|p| in_furniture[p]);
        }
        let mut in_landmark = vec![false; n];
        for i in 0..n {
            in_landmark[i] =
                is_main_landmark(&blocks[i]) || parent[i].is_some_and(|p| in_landmark[p]);
        }
        let link_list = (0..n)
            .map(|i| is_link_list(&blocks[i], len[i], links[i]))
            .collect();
        let mut tree = Tree {
            blocks,
            total,
            parent,
            extent,
            furniture,
            in_furniture,
            link_list,
            in_landmark,
            len,
            links,
            readable: Vec::new(),
        };
        tree.readable = tree.readable_lengths();
        tree
    }

    /// Each block's subtree text outside furniture and link lists.
    fn readable_lengths(&self) -> Vec<(u32, u32)> {
        let n = self.blocks.len();
        let mut readable: Vec<(u32, u32)> = (0..n)
            .map(|i| {
                let b = &self.blocks[i];
                if self.dropped(i) {
                    (0, 0)
                } else {
                    (b.len, b.links.min(b.len))
                }
            })
            .collect();
        for i in (0..n).rev() {
            if let Some(p) = self.parent[i]
                && !self.dropped(i)
            {
                readable[p].0 = readable[p].0.saturating_add(readable[i].0);
                readable[p].1 = readable[p].1.saturating_add(readable[i].1);
            }
        }
        readable
    }

    /// Left out of the container: furniture, and lists of links outside the
    /// page's `main` or `article` landmark (inside it, a list of links is the
    /// document's: its earlier versions, its table of contents).
    fn left_out(&self, i: usize) -> bool {
        self.furniture[i] || (self.link_list[i] && !self.in_landmark[i])
    }

    /// Not counted as the document's text when the container is chosen
    /// (itself, not inherited): furniture, and lists of links.
    fn dropped(&self, i: usize) -> bool {
        self.furniture[i] || self.link_list[i]
    }

    /// The best-scoring block (Readability's top candidate), if any block's
    /// own text is long enough to score.
    fn top_candidate(&self) -> Option<usize> {
        let n = self.blocks.len();
        let mut score = vec![0f64; n];
        let mut scored = vec![false; n];
        for i in 0..n {
            let b = &self.blocks[i];
            if self.in_furniture[i] || b.len < MIN_PARAGRAPH {
                continue;
            }
            let points = 1.0 + b.commas as f64 + (b.len as f64 / 100.0).min(3.0);
            let mut up = self.parent[i];
            for level in 0..5 {
                let Some(a) = up else { break };
                if !scored[a] {
                    scored[a] = true;
                    score[a] = initial_score(&self.blocks[a]);
                }
                score[a] += match level {
                    0 => points,
                    1 => points / 2.0,
                    _ => points / (level as f64 * 3.0),
                };
                up = self.parent[a];
            }
        }
        (0..n)
            .filter(|&i| scored[i] && !self.in_furniture[i])
            .map(|i| {
                let density = self.links[i] as f64 / self.len[i].max(1) as f64;
                (i, score[i] * (1.0 - density))
            })
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
            .map(|(i, _)| i)
    }

    /// The block whose subtree is the main content: the top candidate, or the
    /// ancestor it climbs to (see the module's rule, step 3).
    fn container(&self, top: usize) -> usize {
        let ancestors = || std::iter::successors(Some(top), |&i| self.parent[i]);
        let landmark = ancestors().any(|i| is_main_landmark(&self.blocks[i]));
        let mut container = top;
        for a in ancestors().skip(1) {
            if self.in_furniture[a] {
                break;
            }
            let (kept, _) = self.readable[container];
            let adds = self.readable[a].0.saturating_sub(kept) as f64;
            let adds_links = self.readable[a]
                .1
                .saturating_sub(self.readable[container].1) as f64;
            let small = adds <= kept as f64 * CLIMB_SHARE;
            // Without a landmark, the document's other sections are the
            // container's siblings: prose, not lists of links.
            let sections = !landmark && adds_links <= adds * SECTION_LINK_DENSITY;
            if small || sections || is_main_landmark(&self.blocks[a]) {
                container = a;
            }
        }
        container
    }

    /// How `explain` names block `i`: index, tag, `id`/`class`, role and
    /// text length.
    fn name(&self, i: usize) -> String {
        let b = &self.blocks[i];
        format!(
            "#{i} <{} {:?} role={:?}> len {}",
            b.tag, b.attrs, b.role, self.len[i]
        )
    }

    /// The container's extent minus the extents of the blocks left out in
    /// it, and those blocks (the outermost ones with text).
    fn ranges(&self, container: usize) -> (Vec<Range>, Vec<usize>) {
        let (start, end) = self.extent[container];
        let mut dropped = Vec::new();
        if start >= end {
            return (Vec::new(), dropped);
        }
        let mut out = Vec::new();
        let mut at = start;
        // Blocks after the container in document order, inside it, until the
        // first one outside; a furniture block's subtree is skipped whole.
        let mut inside = vec![false; self.blocks.len()];
        inside[container] = true;
        let mut skip_until = 0u32;
        // The container's descendants follow it in document order.
        for i in container + 1..self.blocks.len() {
            match self.parent[i] {
                Some(p) if inside[p] => {}
                _ => break,
            }
            inside[i] = true;
            let (s, e) = self.extent[i];
            if s >= e || s < skip_until || !self.left_out(i) {
                continue;
            }
            if s > at {
                out.push(at..s);
            }
            dropped.push(i);
            at = at.max(e);
            skip_until = e;
        }
        if at < end {
            out.push(at..end);
        }
        (out, dropped)
    }
}

/// Readability's starting score of a candidate: its tag's weight and its
/// class weight.
fn initial_score(b: &Block) -> f64 {
    let tag = match b.tag.as_str() {
        "div" | "article" | "main" | "section" => 5.0,
        "pre" | "td" | "blockquote" => 3.0,
        "address" | "ol" | "ul" | "dl" | "dd" | "dt" | "li" | "form" => -3.0,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" => -5.0,
        _ => 0.0,
    };
    tag + class_weight(b)
}

/// +25 for a token with a content word, -25 for one with a furniture word
/// (each counted once), as Readability weighs classes and ids.
fn class_weight(b: &Block) -> f64 {
    let (mut content, mut furniture) = (false, false);
    for token in tokens(&b.attrs) {
        let words = words(token);
        content |= words.iter().any(|w| CONTENT_WORDS.contains(&w.as_str()));
        furniture |= words.iter().any(|w| FURNITURE_WORDS.contains(&w.as_str()));
    }
    (if content { 25.0 } else { 0.0 }) - if furniture { 25.0 } else { 0.0 }
}

/// `main`, `article`, `role=main` or `role=article`: the page says where its
/// content is.
fn is_main_landmark(b: &Block) -> bool {
    matches!(b.tag.as_str(), "main" | "article") || matches!(b.role.as_str(), "main" | "article")
}

/// Whether a block is the site's furniture by itself (its tag, role, or an
/// `id`/`class` token); `sectioned`: inside an `article`, `section` or `main`.
fn is_furniture(b: &Block, sectioned: bool) -> bool {
    if matches!(b.tag.as_str(), "body" | "html" | "main" | "article") || b.role == "main" {
        return false;
    }
    if matches!(
        b.tag.as_str(),
        "nav" | "aside" | "dialog" | "menu" | "form" | "button"
    ) {
        return true;
    }
    if matches!(b.tag.as_str(), "header" | "footer") && !sectioned {
        return true;
    }
    if b.role
        .split_ascii_whitespace()
        .any(|r| FURNITURE_ROLES.contains(&r))
    {
        return true;
    }
    // A heading, paragraph, list item or cell is the document's words,
    // whatever its classes say (`scroll-mt-header-h` is a scroll margin).
    if is_text_element(&b.tag) {
        return false;
    }
    // A custom element's name is a token too (`uhf-cookie-banner`).
    let custom = b.tag.contains('-').then_some(b.tag.as_str());
    tokens(&b.attrs).chain(custom).any(|token| {
        let words = words(token);
        words.iter().any(|w| FURNITURE_WORDS.contains(&w.as_str()))
            && !words.iter().any(|w| CONTENT_WORDS.contains(&w.as_str()))
    })
}

/// Elements that hold the document's own words: never furniture by their
/// classes.
fn is_text_element(tag: &str) -> bool {
    matches!(
        tag,
        "h1" | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "p"
            | "li"
            | "dt"
            | "dd"
            | "td"
            | "th"
            | "pre"
            | "blockquote"
            | "table"
            | "caption"
    )
}

/// Utility-class prefixes (Tailwind and the like): a token starting with one
/// describes layout (`scroll-mt-header-h`, `top-header-offset`), not what
/// the element is, and is not read for furniture words.
pub const UTILITY_PREFIXES: &[&str] = &[
    "scroll-",
    "text-",
    "bg-",
    "top-",
    "bottom-",
    "left-",
    "right-",
    "inset-",
    "max-",
    "min-",
    "w-",
    "h-",
    "z-",
    "m-",
    "mt-",
    "mb-",
    "ml-",
    "mr-",
    "mx-",
    "my-",
    "p-",
    "pt-",
    "pb-",
    "pl-",
    "pr-",
    "px-",
    "py-",
    "border-",
    "shadow-",
    "flex-",
    "grid-",
    "gap-",
    "font-",
    "leading-",
    "tracking-",
    "rounded-",
    "overflow-",
    "translate-",
    "transition-",
    "duration-",
    "opacity-",
];

/// Whether a class token is a layout utility ([`UTILITY_PREFIXES`], or a
/// variant such as `md:hidden` or `[--x:1]`).
fn is_utility(token: &str) -> bool {
    token.contains([':', '[', '(']) || UTILITY_PREFIXES.iter().any(|p| token.starts_with(p))
}

/// Whether a block is a list of links: mostly link or button text, few
/// commas, and not a paragraph, heading or cell (one link alone in a
/// paragraph is the document's).
fn is_link_list(b: &Block, len: u32, links: u32) -> bool {
    if matches!(
        b.tag.as_str(),
        "a" | "p"
            | "li"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "td"
            | "th"
            | "pre"
            | "body"
            | "main"
    ) || len == 0
    {
        return false;
    }
    links as f64 >= len as f64 * LINK_LIST_DENSITY && b.commas < LINK_LIST_COMMAS
}

/// The `id`/`class` tokens read ([`MAX_ATTRS`] characters at most), layout
/// utilities left out.
fn tokens(attrs: &str) -> impl Iterator<Item = &str> {
    let end = attrs
        .char_indices()
        .nth(MAX_ATTRS)
        .map_or(attrs.len(), |(i, _)| i);
    attrs[..end]
        .split_ascii_whitespace()
        .filter(|t| !is_utility(t))
}

/// A token's words, lower case: split at punctuation and digits and where a
/// lower-case letter is followed by an upper-case one (`wcpConsentBanner`).
fn words(token: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in token.chars() {
        if !c.is_alphabetic() {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        prev_lower = c.is_lowercase();
        crate::case::push_lower(&mut word, c);
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The main content of an HTML page, lines trimmed, empty ones dropped.
    fn main_lines(html: &str) -> Vec<String> {
        let (text, outline) = super::super::html_page(html);
        let len = text.encode_utf16().count() as u32;
        let ranges = main_ranges(&outline, len);
        main_text(&text, Some(&outline))
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .chain(std::iter::once(format!("{} ranges", ranges.len())))
            .collect()
    }

    const CLAUSES: &str = "<h1>Terms of Service</h1>\
        <p>Effective: May 1, 2026</p>\
        <h2>1. Use of the Services</h2>\
        <p>You may use the Services only in compliance with these Terms, applicable law, and our policies, \
        and you may not resell, sublicense, or redistribute them.</p>\
        <ol><li>(a) You will not reverse engineer, decompile, or disassemble the Services, or attempt to.</li>\
        <li>(b) You will not use Output to develop models that compete with us, directly or indirectly.</li></ol>\
        <table><tr><td>Plan</td><td>Fees are payable monthly, in advance, and are non-refundable.</td></tr></table>\
        <h2>2. Liability</h2>\
        <p>To the fullest extent permitted by law, our liability is limited to the fees you paid, \
        in the twelve months before the claim, for the Services giving rise to it.</p>";

    fn page(body: &str) -> String {
        format!(
            "<html><body>\
             <div id='cookieConsent' role='dialog'><p>We use cookies, with your consent, to improve the site.</p>\
             <button>Accept</button><button>Reject</button><button>Manage cookies</button></div>\
             <a class='skip-link' href='#main'>Skip to main content</a>\
             <header><a href='/'>Example</a><nav><ul><li><a href='/p'>Products</a></li>\
             <li><a href='/pricing'>Pricing</a></li><li><a href='/docs'>Get started</a></li></ul></nav>\
             <form role='search'><input name='q'><button>Search</button></form></header>\
             <div role='navigation'><a href='/home'>Docs home</a> <a href='/faq'>FAQ</a></div>\
             {body}\
             <footer><p>© 2026 Example, Inc. All rights reserved, everywhere, always.</p>\
             <ul><li><a href='/privacy'>Privacy</a></li><li><a href='/terms'>Terms</a></li></ul></footer>\
             </body></html>"
        )
    }

    #[test]
    fn furniture_is_dropped_and_the_terms_are_kept() {
        for body in [
            format!("<main>{CLAUSES}</main>"),
            format!("<div class='wrapper'><div class='layout'>{CLAUSES}</div></div>"),
            format!("<div role='main'><aside><a href='/a'>Other terms</a></aside>{CLAUSES}</div>"),
        ] {
            let lines = main_lines(&page(&body));
            let text = lines.join("\n");
            for kept in [
                "Terms of Service",
                "Effective: May 1, 2026",
                "1. Use of the Services",
                "(b) You will not use Output",
                "Plan",
                "Fees are payable monthly",
                "2. Liability",
            ] {
                assert!(text.contains(kept), "{kept:?} kept in {text}");
            }
            for dropped in [
                "cookies",
                "Accept",
                "Manage cookies",
                "Skip to main content",
                "Products",
                "Get started",
                "Search",
                "All rights reserved",
                "Privacy",
                "Other terms",
                "Docs home",
            ] {
                assert!(!text.contains(dropped), "{dropped:?} dropped from {text}");
            }
        }
    }

    #[test]
    fn sections_side_by_side_are_all_kept() {
        let section = |n: u32| {
            format!(
                "<div class='s'><h2>{n}. Section</h2><p>Section {n} says that the customer, \
                 its affiliates, and its users will comply with these terms, the policies, and the law.</p></div>"
            )
        };
        let body: String = (1..=6).map(section).collect();
        let text = main_lines(&page(&format!("<div class='x'>{body}</div>"))).join("\n");
        for n in 1..=6 {
            assert!(text.contains(&format!("Section {n} says")), "{n}: {text}");
        }
        assert!(!text.contains("Pricing"), "{text}");
    }

    #[test]
    fn a_page_without_clear_main_content_keeps_its_whole_text() {
        // Short, and all links: nothing scores, nothing is dropped.
        let html =
            "<body><nav><a href='/a'>Terms</a> <a href='/b'>Privacy</a></nav><p>Short.</p></body>";
        let (text, outline) = super::super::html_page(html);
        let len = text.encode_utf16().count() as u32;
        assert_eq!(
            main_ranges(&outline, len),
            std::iter::once(0..len).collect::<Vec<_>>()
        );
        assert_eq!(main_text(&text, Some(&outline)), text);
        // No outline (Markdown, text) is all main content.
        assert_eq!(main_text("anything", None), "anything");
        // An outline over the cap is not read.
        let many = vec![Block::default(); MAX_BLOCKS + 1];
        assert_eq!(
            main_ranges(&many, 10),
            std::iter::once(0..10).collect::<Vec<_>>()
        );
    }

    /// The one range of a whole text `len` units long.
    fn whole(len: u32) -> Vec<Range> {
        std::iter::once(0..len).collect()
    }

    #[test]
    fn explain_says_what_main_ranges_keeps() {
        // A candidate whose container keeps too little: the whole text.
        let short = "<body><nav><a href='/a'>Terms</a></nav>\
            <div><p>A paragraph long enough to score as a candidate.</p></div></body>";
        let (text, outline) = super::super::html_page(short);
        let len = text.encode_utf16().count() as u32;
        assert_eq!(main_ranges(&outline, len), whole(len));
        let why = explain(&outline, len);
        assert!(why.ends_with(": whole text\n"), "{why}");
        assert!(!why.contains("top candidate"), "{why}");
        // Clear main content: the blocks explain drops are what the ranges
        // leave out.
        let (text, outline) = super::super::html_page(&page(&format!("<main>{CLAUSES}</main>")));
        let len = text.encode_utf16().count() as u32;
        let ranges = main_ranges(&outline, len);
        assert_ne!(ranges, whole(len));
        let why = explain(&outline, len);
        assert!(why.starts_with("top candidate "), "{why}");
        let Ok((tree, chosen)) = choose(&outline, len) else {
            panic!("{}", explain(&outline, len));
        };
        assert_eq!(chosen.ranges, ranges);
        for &i in &chosen.left_out {
            assert!(why.contains(&format!("drop {}", tree.name(i))), "{why}");
        }
    }

    #[test]
    fn a_wrapper_named_like_furniture_is_not_furniture() {
        let html = format!(
            "<body><form id='aspnetForm'><div class='header'><a href='/'>Home</a></div>{CLAUSES}</form></body>"
        );
        let text = main_lines(&html).join("\n");
        assert!(text.contains("2. Liability"), "{text}");
        assert!(!text.contains("Home"), "{text}");
    }

    #[test]
    fn blanking_keeps_utf16_offsets_and_line_breaks() {
        let text = "a😀b\nc€d\ne";
        let out = blank_outside(text, &[5..6, 9..10]);
        assert_eq!(out.encode_utf16().count(), text.encode_utf16().count());
        assert_eq!(out, "    \nc  \ne");
        assert_eq!(text_of_ranges(text, &[5..6, 9..10]), "c\ne\n");
    }

    #[test]
    fn hostile_outlines_give_an_answer() {
        // Parents after their child, out of range, extents past the text.
        let blocks = vec![
            Block {
                parent: Some(5),
                tag: "div".into(),
                start: 3,
                end: 1_000,
                len: 900,
                commas: 40,
                ..Block::default()
            },
            Block {
                parent: Some(0),
                tag: "p".into(),
                attrs: "x".repeat(10_000),
                start: u32::MAX - 1,
                end: u32::MAX,
                len: u32::MAX,
                links: u32::MAX,
                ..Block::default()
            },
            Block {
                parent: Some(1),
                tag: "p".into(),
                start: 2,
                end: 1,
                len: 30,
                ..Block::default()
            },
        ];
        let ranges = main_ranges(&blocks, 20);
        assert!(
            ranges.iter().all(|r| r.start < r.end && r.end <= 20),
            "{ranges:?}"
        );
        assert!(!explain(&blocks, 20).is_empty());
    }

    #[test]
    fn class_words_are_split_at_case_and_punctuation() {
        assert_eq!(
            words("wcpConsentBannerCtrl"),
            ["wcp", "consent", "banner", "ctrl"]
        );
        assert_eq!(words("uhf-skip-link"), ["uhf", "skip", "link"]);
        let block = |attrs: &str| Block {
            tag: "div".into(),
            attrs: attrs.into(),
            ..Block::default()
        };
        assert!(is_furniture(&block("site-header"), false));
        assert!(!is_furniture(&block("main-nav-content"), false));
        assert!(!is_furniture(&block("font-extrabold headings"), false));
        assert!(!is_furniture(
            &block("apps scroll-mt-header-h md:nav-open"),
            false
        ));
        let heading = Block {
            tag: "h2".into(),
            attrs: "site-header".into(),
            ..Block::default()
        };
        assert!(!is_furniture(&heading, false));
        assert!(is_furniture(
            &Block {
                tag: "uhf-cookie-banner".into(),
                ..Block::default()
            },
            false
        ));
    }
}
