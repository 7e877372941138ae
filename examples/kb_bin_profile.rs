//! Measures the compiled index (kb.bin) part by part: the bytes of each part
//! and the time to decode it, then the whole read as the engine does it
//! (BENCHMARKS.md, "15,000 provisions").
//!
//!     cargo run --release --example kb_bin_profile -- target/bench/kb-15000.json [PACK.json]
//!
//! With a custom pack, the engine is also built with it, as the extension does
//! for a reader who imported one: the pack's provisions get a seed table of
//! their own beside the matcher read from kb.bin.

use std::time::Instant;
use termlens::kb::{KnowledgeBase, binary};

fn main() {
    let input = std::env::args().nth(1).expect("a compiled kb.json");
    let json = std::fs::read_to_string(&input).unwrap_or_else(|e| panic!("{input}: {e}"));
    let kb = KnowledgeBase::from_json(&json).unwrap_or_else(|e| panic!("{input}: {e}"));
    let (index, cards) = binary::write(&kb).expect("writes");
    println!(
        "{input}: {} provisions; kb.bin {} B, cards.bin {} B",
        kb.provisions.len(),
        index.len(),
        cards.len()
    );
    for (name, bytes, ms) in binary::profile(&index) {
        println!("{name:<70} {bytes:>12} B {ms:>9.1} ms");
    }
    let mut times = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let engine = termlens::engine::Engine::from_kb_bin(index.as_slice(), &[]).expect("reads");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        drop(engine);
    }
    times.sort_by(f64::total_cmp);
    println!("Engine::from_kb_bin, median of 5: {:.1} ms", times[2]);
    if let Some(pack) = std::env::args().nth(2) {
        let text = std::fs::read_to_string(&pack).unwrap_or_else(|e| panic!("{pack}: {e}"));
        let mut times = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            let engine = termlens::engine::Engine::from_kb_bin(index.as_slice(), &[text.as_str()])
                .expect("reads");
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            assert!(
                engine.pack_loads().iter().all(|l| l.error.is_none()),
                "{pack} loads"
            );
        }
        times.sort_by(f64::total_cmp);
        println!(
            "Engine::from_kb_bin with {pack}, median of 5: {:.1} ms",
            times[2]
        );
    }
}
