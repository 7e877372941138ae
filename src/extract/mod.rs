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

pub mod main_content;
pub mod rules;

#[cfg(not(target_arch = "wasm32"))]
pub mod limits;
#[cfg(not(target_arch = "wasm32"))]
mod read;
#[cfg(not(target_arch = "wasm32"))]
pub use read::*;
