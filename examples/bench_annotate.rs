//! Native timing of the core on the largest real pages: normalisation and
//! matching, median of repeated runs. Prints figures for BENCHMARKS.md.
//!
//!     cargo run --release --example bench_annotate

use std::path::PathBuf;
use std::time::Instant;
use termlens::engine::Engine;
use termlens::kb::source::load;
use termlens::text::Words;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let corpus = repo.join("../shared/corpus");
    let t = Instant::now();
    let loaded = load(&repo.join("data")).unwrap_or_else(|e| panic!("{e:?}"));
    let json = loaded.kb.to_json().expect("serialises");
    let load_ms = t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    let engine = Engine::from_json(&json).unwrap_or_else(|e| panic!("{e}"));
    let build_ms = t.elapsed().as_secs_f64() * 1e3;
    println!(
        "knowledge base: {} provisions, {} seeds; sources read in {load_ms:.1} ms; compiled JSON ({} KB) to matcher in {build_ms:.2} ms",
        engine.kb().provisions.len(),
        engine.matcher().seed_count(),
        json.len() / 1024
    );
    println!(
        "{:<52} {:>9} {:>8} {:>12} {:>10} {:>7}",
        "page", "KB text", "words", "normalise ms", "match ms", "found"
    );
    for page in [
        "aws/service-terms/2026-08-21.md",
        "mistral/consumer-terms/2026-08-17.md",
        "meta/llama-api-terms-of-service/2026-08-22.md",
        "microsoft/services-agreement/2026-08-04.md",
        "anthropic/commercial-terms/2026-03-11.md",
    ] {
        let path = corpus.join(page);
        let Ok(text) = termlens::document::read_text(&path) else {
            println!("{page}: missing");
            continue;
        };
        let mut norm = Vec::new();
        let mut matching = Vec::new();
        let mut found = 0;
        for _ in 0..15 {
            let t = Instant::now();
            let words = Words::new(&text);
            norm.push(t.elapsed().as_secs_f64() * 1e3);
            let t = Instant::now();
            found = engine.annotate_words(&text, &words, "").annotations.len();
            matching.push(t.elapsed().as_secs_f64() * 1e3);
        }
        let words = Words::new(&text).len();
        println!(
            "{page:<52} {:>9} {words:>8} {:>12.2} {:>10.2} {found:>7}",
            text.len() / 1024,
            median(norm),
            median(matching)
        );
    }
}
