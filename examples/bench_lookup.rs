//! Native timing of the lookup (issue #5): index build, and per-query medians
//! for typed prefixes, a typo, every keystroke of a typed query and a pasted
//! clause, at the real knowledge base and at 10,000 synthetic provisions (the
//! real ones plus variants of them: words shuffled within a window and
//! replaced by other words of the knowledge base).
//!
//!     cargo run --release --example bench_lookup

use std::path::PathBuf;
use std::time::Instant;
use termlens::kb::KnowledgeBase;
use termlens::lookup::{Filters, LookupIndex};
use termlens::text::Words;

// Only `grow` and `Rng` are used here; the wording variants serve the other benchmarks.
#[allow(dead_code)]
#[path = "../benches/support/synth.rs"]
mod synth;

const RUNS: usize = 41;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// `text` with about a fifth of its words replaced from `pool` and some words
/// moved within a window of 4.
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

fn synthetic(kb: &KnowledgeBase, size: usize) -> KnowledgeBase {
    let pool: Vec<String> = kb
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
    synth::grow(kb, size, |base, p, rng| {
        p.title = variant(&base.title, &pool, rng);
        for w in &mut p.wordings {
            w.text = variant(&w.text, &pool, rng);
        }
        p.explanation = variant(&base.explanation, &pool, rng);
    })
}

fn main() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let loaded = termlens::kb::source::load(&repo.join("data")).unwrap_or_else(|e| panic!("{e:?}"));
    let real = loaded.kb;
    let pasted = real
        .provision("anthropic.commercial-competing-use")
        .map(|p| p.wordings[0].text.clone())
        .unwrap_or_default();
    let typed = "competing models";
    println!(
        "{:<28} {:>10} {:>9} {:>7} {:>7} {:>7} {:>7} {:>7} {:>9} {:>9}",
        "knowledge base",
        "build ms",
        "words",
        "comp",
        "compet",
        "comp.mod",
        "typo",
        "pasted",
        "keys med",
        "keys max"
    );
    for (name, kb) in [
        ("real", real.clone()),
        ("10,000 synthetic", synthetic(&real, 10_000)),
    ] {
        let mut builds = Vec::new();
        let mut index = None;
        for _ in 0..5 {
            let t = Instant::now();
            let built = LookupIndex::new(&kb);
            builds.push(t.elapsed().as_secs_f64() * 1e3);
            index = Some(built);
        }
        let Some(index) = index else { return };
        let filters = Filters::default();
        let time = |q: &str| {
            let mut v = Vec::with_capacity(RUNS);
            for _ in 0..RUNS {
                let t = Instant::now();
                let hits = index.lookup(q, &filters, 20);
                v.push(t.elapsed().as_secs_f64() * 1e3);
                std::hint::black_box(hits);
            }
            median(v)
        };
        let queries = ["comp", "compet", "competing mod", "trainign data ", &pasted];
        let ms: Vec<f64> = queries.iter().map(|q| time(q)).collect();
        // Every keystroke of a typed query, as the popup sends them.
        let keys: Vec<f64> = (1..=typed.len()).map(|n| time(&typed[..n])).collect();
        let keys_max = keys.iter().copied().fold(0.0, f64::max);
        println!(
            "{:<28} {:>10.1} {:>9} {:>7.3} {:>7.3} {:>8.3} {:>7.3} {:>7.3} {:>9.3} {:>9.3}",
            format!("{name} ({} provisions)", index.len()),
            median(builds),
            index.vocabulary_len(),
            ms[0],
            ms[1],
            ms[2],
            ms[3],
            ms[4],
            median(keys),
            keys_max
        );
    }
    println!(
        "medians of {RUNS} runs, ms per lookup (limit 20); pasted: {} words; keys: each prefix of {typed:?}",
        Words::new(&pasted).len()
    );
}
