//! Measures the compiled index (kb.bin) part by part: the bytes of each part
//! and the time to decode it, then the whole read as the engine does it
//! (BENCHMARKS.md, "15,000 provisions").
//!
//!     cargo run --release --example kb_bin_profile -- target/bench/kb-15000.json [PACK.json]
//!
//! With a custom pack, the engine is also built with it, as the extension does
//! for a reader who imported one: the pack's provisions get a seed table of
//! their own beside the matcher read from kb.bin. Twice: with no stamp (the
//! pack checked in full, as at import or after an update) and with the stamp
//! its import gave it (every start after).

use std::time::Instant;
use termlens::engine::Engine;
use termlens::kb::pack::{Checked, Stored};
use termlens::kb::{KnowledgeBase, binary};

/// The median of 5 builds of the engine from `index` with `packs`, each
/// checked as `expected`.
fn median_build(index: &[u8], packs: &[Stored], expected: Checked) -> f64 {
    let mut times = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let engine = Engine::from_kb_bin_stamped(index, packs).expect("reads");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        for load in engine.pack_loads() {
            assert!(load.error.is_none(), "the pack loads: {load:?}");
            assert_eq!(load.checked, expected);
        }
    }
    times.sort_by(f64::total_cmp);
    times[2]
}

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
        let bare = Engine::from_kb_bin(index.as_slice(), &[]).expect("reads");
        let stamp = (bare.check_pack(&text).expect("the pack is valid").stamp).expect("stamped");
        let mut checks: Vec<f64> = (0..11)
            .map(|_| {
                let t = Instant::now();
                bare.check_pack(&text).expect("the pack is valid");
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        checks.sort_by(f64::total_cmp);
        println!(
            "the full check alone (Engine::check_pack), median of 11: {:.1} ms",
            checks[5]
        );
        let unstamped = [Stored {
            text: &text,
            stamp: "",
        }];
        let full = median_build(&index, &unstamped, Checked::Full);
        println!(
            "Engine::from_kb_bin with {pack}, no stamp (full check), median of 5: {full:.1} ms"
        );
        let with_stamp = [Stored {
            text: &text,
            stamp: &stamp,
        }];
        let by_stamp = median_build(&index, &with_stamp, Checked::Stamp);
        println!(
            "Engine::from_kb_bin with {pack}, its stamp holding, median of 5: {by_stamp:.1} ms"
        );
    }
}
