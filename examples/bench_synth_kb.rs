//! Writes a synthetic compiled knowledge base (the real one plus generated variants of
//! its provisions, see `benches/support/synth.rs`) for the browser benchmark (`bench/run.mjs`).
//!
//!     cargo run --release --example bench_synth_kb -- --provisions 10000 --out target/bench/kb-10000.json [--kb pkg/kb.json]

#[path = "../benches/support/synth.rs"]
mod synth;

use termlens::kb::KnowledgeBase;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opt = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let size: usize = opt("--provisions")
        .and_then(|s| s.parse().ok())
        .expect("--provisions N");
    let out = opt("--out").expect("--out FILE");
    let input = opt("--kb").unwrap_or_else(|| "pkg/kb.json".into());
    let json = std::fs::read_to_string(&input).unwrap_or_else(|e| panic!("{input}: {e}"));
    let kb = KnowledgeBase::from_json(&json).unwrap_or_else(|e| panic!("{input}: {e}"));
    let grown = synth::synthetic(&kb, size);
    if let Some(dir) = std::path::Path::new(&out).parent() {
        std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    }
    std::fs::write(&out, grown.to_json().expect("serialises"))
        .unwrap_or_else(|e| panic!("{out}: {e}"));
    let wordings: usize = grown.provisions.iter().map(|p| p.wordings.len()).sum();
    println!(
        "{out}: {} provisions, {wordings} wordings",
        grown.provisions.len()
    );
}
