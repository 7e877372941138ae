//! Native benchmark of the core (divan): normalisation, matching, the detections, the
//! classifier model's load, the knowledge base's load, the page diff and the popup's
//! lookup, on the pages the browser benchmark (`bench/run.mjs`) uses, with the real
//! knowledge base and synthetic ones of 1,000 and 10,000 provisions
//! (`benches/support/synth.rs`).
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
use termlens::classify::Classifier;
use termlens::diff::{Snapshot, diff};
use termlens::engine::Engine;
use termlens::kb::KnowledgeBase;
use termlens::kb::source::load;
use termlens::lookup::{Filters, LookupIndex};
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
    termlens::extract::read_text(&corpus().join(page)).unwrap_or_else(|e| panic!("{page}: {e}"))
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

/// The committed classifier model (`data/model.json`), compiled.
static CLASSIFIER: LazyLock<Classifier> = LazyLock::new(|| {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/model.json");
    let json = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    Classifier::from_json(&json).unwrap_or_else(|e| panic!("{e}"))
});

/// The detections of a page alone (no known provision excluded): the lexical
/// pass, the passages' vectors and scores. `annotate` runs without a model.
#[divan::bench(args = PAGES)]
fn detect(bencher: Bencher, page: &str) {
    let raw = text(page);
    let words = Words::new(&raw);
    let classifier = &*CLASSIFIER;
    bencher
        .bench(|| termlens::classify::detect(classifier, black_box(&raw), &words, &[], |_| true));
}

/// Parse of the model file and the automaton's build (once per engine).
#[divan::bench(sample_count = 10)]
fn load_model(bencher: Bencher) {
    let json =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/model.json"))
            .expect("data/model.json");
    bencher.bench(|| Classifier::from_json(black_box(&json)).unwrap_or_else(|e| panic!("{e}")));
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

/// Lookup indexes of the real knowledge base and of 10,000 provisions whose titles,
/// wordings and explanations are varied (words replaced and moved), so the
/// vocabulary grows as a real one would.
static LOOKUPS: LazyLock<Vec<LookupIndex>> = LazyLock::new(|| {
    [0, 10_000]
        .into_iter()
        .map(|n| LookupIndex::new(&lookup_kb(n)))
        .collect()
});

fn lookup_kb(size: usize) -> KnowledgeBase {
    if size == 0 {
        return KB.clone();
    }
    let pool: Vec<String> = KB
        .provisions
        .iter()
        .flat_map(|p| {
            Words::new(&p.explanation)
                .norms()
                .into_iter()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    synth::grow(&KB, size, |base, p, rng| {
        p.title = variant(&base.title, &pool, rng);
        for w in &mut p.wordings {
            w.text = variant(&w.text, &pool, rng);
        }
        p.explanation = variant(&base.explanation, &pool, rng);
    })
}

/// `text` with about a fifth of its words replaced from `pool` and some words moved
/// within a window of 4.
fn variant(text: &str, pool: &[String], rng: &mut synth::Rng) -> String {
    let mut words: Vec<String> = text.split_whitespace().map(str::to_string).collect();
    for w in words.iter_mut() {
        if rng.below(5) == 0 {
            *w = pool[rng.below(pool.len())].clone();
        }
    }
    for i in 0..words.len() {
        if rng.below(6) == 0 {
            let j = (i + rng.below(4)).min(words.len() - 1);
            words.swap(i, j);
        }
    }
    words.join(" ")
}

/// The lookup index's build (the background builds it with the engine).
#[divan::bench(args = [0, 10_000], sample_count = 10)]
fn lookup_index(bencher: Bencher, provisions: usize) {
    let kb = lookup_kb(provisions);
    bencher.bench(|| LookupIndex::new(black_box(&kb)));
}

/// Queries as the popup sends them: typed prefixes, a typo, a pasted clause
/// (Anthropic's competing-use wording), limit 20.
const QUERIES: &[&str] = &[
    "comp",
    "compet",
    "competing mod",
    "trainign data ",
    "pasted clause",
];

#[divan::bench(args = QUERIES, consts = [0, 10_000])]
fn lookup<const PROVISIONS: usize>(bencher: Bencher, query: &str) {
    let index = &LOOKUPS[usize::from(PROVISIONS > 0)];
    let query = if query == "pasted clause" {
        KB.provision("anthropic.commercial-competing-use")
            .map(|p| p.wordings[0].text.clone())
            .unwrap_or_default()
    } else {
        query.to_string()
    };
    let filters = Filters::default();
    bencher.bench(|| index.lookup(black_box(&query), &filters, 20));
}
