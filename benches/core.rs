//! Native benchmark of the core (divan): normalisation, matching and the page diff on
//! the pages the browser benchmark (`bench/run.mjs`) uses, with the real knowledge base
//! and synthetic ones of 1,000 and 10,000 provisions (`benches/support/synth.rs`).
//!
//!     cargo bench --bench core                 # all, figures in BENCHMARKS.md
//!     cargo bench --bench core -- annotate     # a filter
//!
//! Under `cargo test --bench core` divan runs each benchmark once (scripts/test.sh).

#[path = "support/synth.rs"]
mod synth;

use std::path::PathBuf;
use std::sync::LazyLock;

use divan::{Bencher, black_box};
use termlens::diff::{Snapshot, diff};
use termlens::engine::Engine;
use termlens::kb::KnowledgeBase;
use termlens::kb::source::load;
use termlens::text::Words;

fn main() {
    divan::main();
}

/// The corpus Markdown of each page (the AWS Service Terms have no HTML snapshot).
const PAGES: &[&str] = &[
    "aws/service-terms/2026-08-21.md",
    "microsoft/services-agreement/2026-08-04.md",
    "mistral/consumer-terms/2026-08-17.md",
    "meta/llama-api-terms-of-service/2026-08-22.md",
];

fn corpus() -> PathBuf {
    std::env::var_os("TERMLENS_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"))
}

fn text(page: &str) -> String {
    termlens::document::read_text(&corpus().join(page)).unwrap_or_else(|e| panic!("{page}: {e}"))
}

static KB: LazyLock<KnowledgeBase> = LazyLock::new(|| {
    load(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data"))
        .unwrap_or_else(|e| panic!("{e:?}"))
        .kb
});

/// Knowledge-base sizes: 0 is the real one (265 provisions).
const SIZES: [usize; 3] = [0, 1_000, 10_000];

static ENGINES: LazyLock<Vec<Engine>> = LazyLock::new(|| {
    SIZES
        .into_iter()
        .map(|n| Engine::new(synth::synthetic(&KB, n)))
        .collect()
});

fn engine(provisions: usize) -> &'static Engine {
    let i = SIZES.iter().position(|&n| n == provisions).unwrap_or(0);
    &ENGINES[i]
}

#[divan::bench(args = PAGES)]
fn normalise(bencher: Bencher, page: &str) {
    let raw = text(page);
    bencher
        .counter(divan::counter::BytesCount::of_str(&raw))
        .bench(|| Words::new(black_box(&raw)));
}

/// Words already built: the matcher alone, per knowledge-base size (0 = the real one).
#[divan::bench(args = PAGES, consts = SIZES)]
fn annotate<const PROVISIONS: usize>(bencher: Bencher, page: &str) {
    let raw = text(page);
    let words = Words::new(&raw);
    let engine = engine(PROVISIONS);
    bencher.bench(|| engine.annotate_words(black_box(&raw), &words, ""));
}

/// Parse of the compiled JSON and the matcher build (the engine's load).
#[divan::bench(consts = SIZES, sample_count = 10)]
fn load_kb<const PROVISIONS: usize>(bencher: Bencher) {
    let json = engine(PROVISIONS).kb().to_json().expect("serialises");
    bencher.bench(|| Engine::from_json(black_box(&json)).unwrap_or_else(|e| panic!("{e}")));
}

/// Snapshot of the old AWS Service Terms and the diff of the next version against it.
#[divan::bench]
fn diff_aws(bencher: Bencher) {
    let old = text("aws/service-terms/2025-05-23.md");
    let new = text("aws/service-terms/2025-11-19.md");
    bencher.bench(|| diff(&Snapshot::of(black_box(&old)), black_box(&new)));
}
