//! Where the knowledge-base load time goes: JSON parse, then matcher build.
//!
//!     cargo run --release --example bench_load -- pkg/kb.json

use std::time::Instant;
use termlens::kb::KnowledgeBase;
use termlens::matcher::Matcher;

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "pkg/kb.json".into());
    let json = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut parse = Vec::new();
    let mut build = Vec::new();
    for _ in 0..11 {
        let t = Instant::now();
        let kb = KnowledgeBase::from_json(&json).unwrap_or_else(|e| panic!("{e}"));
        parse.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let m = Matcher::new(&kb);
        build.push(t.elapsed().as_secs_f64() * 1e3);
        assert!(m.seed_count() > 0);
    }
    parse.sort_by(f64::total_cmp);
    build.sort_by(f64::total_cmp);
    println!(
        "{path}: {} KB; parse {:.2} ms, matcher build {:.2} ms (medians of 11)",
        json.len() / 1024,
        parse[5],
        build[5]
    );
}
