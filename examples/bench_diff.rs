//! Native timing of the page diff on the longest page of the corpus, the AWS
//! Service Terms (2025-05-23 -> 2025-11-19): the snapshot of the old version,
//! its JSON round trip, and the diff of the new version against it. Median of
//! repeated runs.
//!
//!     cargo run --release --example bench_diff

use std::path::PathBuf;
use std::time::Instant;
use termlens::diff::{Snapshot, diff};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

fn main() {
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let read =
        |p: &str| termlens::document::read_text(&corpus.join(p)).unwrap_or_else(|e| panic!("{e}"));
    let pairs = [
        (
            "aws/service-terms/2025-05-23.md",
            "aws/service-terms/2025-11-19.md",
        ),
        (
            "openai/usage-policies-2024-2025/2024-01-10.md",
            "openai/usage-policies-2024-2025/2024-01-11.md",
        ),
    ];
    println!(
        "{:<48} {:>8} {:>6} {:>8} {:>11} {:>12} {:>8} {:>8} {:>8}",
        "old -> new",
        "KB text",
        "paras",
        "changes",
        "snapshot ms",
        "JSON KB",
        "read ms",
        "diff ms",
        "total ms"
    );
    for (old_path, new_path) in pairs {
        let (old, new) = (read(old_path), read(new_path));
        let (mut snap_ms, mut read_ms, mut diff_ms, mut total_ms) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut result = None;
        let mut json = String::new();
        for _ in 0..21 {
            let t0 = Instant::now();
            let snapshot = Snapshot::of(&old);
            snap_ms.push(ms(t0));
            json = snapshot.to_json();
            let t = Instant::now();
            let snapshot = Snapshot::from_json(&json).unwrap_or_else(|e| panic!("{e}"));
            read_ms.push(ms(t));
            let t = Instant::now();
            result = Some(diff(&snapshot, &new));
            diff_ms.push(ms(t));
            total_ms.push(ms(t0));
        }
        let result = result.unwrap_or_else(|| unreachable!());
        println!(
            "{:<48} {:>8} {:>6} {:>8} {:>11.2} {:>12} {:>8.2} {:>8.2} {:>8.2}",
            format!(
                "{} -> {}",
                old_path,
                new_path.rsplit('/').next().unwrap_or(new_path)
            ),
            new.len() / 1024,
            result.summary.paragraphs,
            result.changes.len(),
            median(snap_ms),
            json.len() / 1024,
            median(read_ms),
            median(diff_ms),
            median(total_ms)
        );
    }
}
