//! # termlens
//!
//! termlens recognises known provisions of AI vendors' terms (AWS, Anthropic,
//! OpenAI, Google, ...) in the text of a page, says whether each matches a
//! known wording exactly or has changed, and builds the card that explains it.
//!
//! The core is pure Rust and runs natively (CLI, tests) and in the browser
//! (compiled to WebAssembly; every `wasm_bindgen` type lives in `wasm.rs`).
//!
//! ```
//! use termlens::kb::{KnowledgeBase, Platform, Document, Topic, Provision, Wording, Compliance, Exposure};
//! use termlens::engine::Engine;
//!
//! let clause = "Neither you nor your End Users will, or will attempt to, extract or derive \
//!               underlying components, including any model, model parameters, or model weights.";
//! let kb = KnowledgeBase {
//!     format: termlens::kb::FORMAT_VERSION,
//!     platforms: vec![Platform { id: "aws".into(), name: "AWS".into(), aliases: vec![], documents: vec![Document {
//!         id: "aws/service-terms".into(), name: "AWS Service Terms".into(),
//!         url: "https://aws.amazon.com/service-terms/".into(),
//!         patterns: vec!["aws.amazon.com/service-terms*".into()], corpus: vec![] }] }],
//!     topics: vec![Topic { id: "model-extraction".into(), name: "Model extraction".into(), description: "...".into(), ..Topic::default() }],
//!     provisions: vec![Provision {
//!         id: "aws.model-extraction".into(), platform: "aws".into(), document: "aws/service-terms".into(),
//!         section: "50.11".into(), title: "No model extraction".into(), topics: vec!["model-extraction".into()],
//!         wordings: vec![Wording { text: clause.into(), versions: vec!["2026-08-21".into()] }],
//!         explanation: "...".into(), why_it_matters: "...".into(), uncertainty: "...".into(),
//!         compliance: Compliance { regulatory_landscape: "...".into(), exposure: Exposure::High,
//!             exposure_reason: "...".into(), jurisdictions: vec!["US".into()],
//!             contract_implications: "...".into(), steps: vec!["...".into()] },
//!         history: None,
//!         comparisons: Vec::new(),
//!     }],
//!     secondary: vec![],
//!     missing_documents: vec![],
//! };
//! let engine = Engine::new(kb);
//! let page = "50.11. Neither you nor your End Users will, or will attempt to, extract or \
//!             <derive> underlying components, including any model, model parameters or model weights!";
//! let result = engine.annotate(page, "https://aws.amazon.com/service-terms/");
//! assert_eq!(result.annotations.len(), 1);
//! assert_eq!(result.annotations[0].status, termlens::matcher::Status::Exact);
//! assert_eq!(result.document.map(|d| d.id), Some("aws/service-terms".to_string()));
//! ```
//!
//! Layout, following the data: [`text`] (normalisation, offsets) →
//! [`matcher`] (seeds, chains, alignment) → [`engine`] (annotations) →
//! [`card`] (explanations and comparisons); [`kb`] holds the knowledge base;
//! `build` (native only) does the work that needs the corpus or writes what the
//! extension ships.

#![deny(missing_docs)]

#[cfg(not(target_arch = "wasm32"))]
pub mod build;
pub mod card;
pub mod case;
pub mod classify;
pub mod diff;
pub mod engine;
pub mod extract;
pub mod kb;
pub mod lookup;
pub mod matcher;
pub mod sort;
pub mod text;
pub mod urlmatch;
pub mod visibility;

#[cfg(target_arch = "wasm32")]
mod wasm;
