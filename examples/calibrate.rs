//! Measures the matcher's thresholds on the corpus: how close the nearest
//! false candidates come (documents of other platforms) and how far real
//! edits go (earlier wordings of the same clause). Prints the figures that
//! ARCHITECTURE.md reports.
//!
//!     cargo run --release --example calibrate

use std::path::PathBuf;
use termlens::build::corpus::{TextCache, versions};
use termlens::kb::source::load;
use termlens::matcher::{Matcher, Thresholds};
use termlens::text::Words;

fn main() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let corpus = repo.join("../shared/corpus");
    let loaded = match load(&repo.join("data")) {
        Ok(l) => l,
        Err(e) => {
            eprintln!(
                "{}",
                e.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\n")
            );
            std::process::exit(1);
        }
    };
    let kb = loaded.kb;
    let open = Thresholds {
        min_seed_cover: 0.0,
        min_coverage: 0.0,
        min_f1: 0.0,
        min_matched_words: 0,
        ..Thresholds::default()
    };
    let mut cache = TextCache::default();

    // Seeds.
    let all = Matcher::with_thresholds(
        &kb,
        Thresholds {
            generic_seed_provisions: usize::MAX,
            ..Thresholds::default()
        },
    );
    let kept = Matcher::new(&kb);
    println!(
        "seeds: {} in all, {} kept, {} dropped as generic (in >= {} provisions)",
        all.seed_count(),
        kept.seed_count(),
        all.seed_count() - kept.seed_count(),
        Thresholds::default().generic_seed_provisions
    );

    // Negatives: every provision against the newest version of every document of other platforms.
    let matcher = Matcher::with_thresholds(&kb, open);
    let mut negatives: Vec<(f32, f32, usize, String)> = Vec::new();
    let index = std::fs::read_to_string(corpus.join("INDEX.tsv")).unwrap_or_default();
    for line in index.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (vendor, document) = (cols[0], cols[1]);
        let folder = corpus.join(vendor).join(document);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
            .map(|d| {
                d.flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e == "md"))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        let Some(newest) = files.pop() else { continue };
        let Ok((text, words)) = cache.get(&newest).cloned() else {
            continue;
        };
        for f in matcher.find(&kb, &text, &words) {
            let p = &kb.provisions[f.provision];
            if p.platform != vendor {
                let matched = (f.coverage * Words::new(&p.wordings[f.wording].text).len() as f32)
                    .round() as usize;
                negatives.push((
                    f.coverage,
                    f.precision,
                    matched,
                    format!("{} in {vendor}/{document}", p.id),
                ));
            }
        }
    }
    negatives.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!(
        "\nnegatives (other platforms' documents): {} candidates aligned",
        negatives.len()
    );
    for (c, p, m, what) in negatives.iter().take(8) {
        println!("  coverage {c:.2} precision {p:.2} matched {m:>3} words  {what}");
    }

    // Same platform, clause absent: versions of the provision's own document
    // that hold none of its wordings. What aligns there is a sibling clause.
    let mut absent: Vec<(f32, f32, String)> = Vec::new();
    for (pi, p) in kb.provisions.iter().enumerate() {
        let doc = kb.document(&p.document).expect("document");
        let wordings: Vec<Words> = p.wordings.iter().map(|w| Words::new(&w.text)).collect();
        for v in versions(&corpus, doc) {
            let Ok((text, words)) = cache.get(&v.path).cloned() else {
                continue;
            };
            if wordings.iter().any(|w| words.contains_run(w)) {
                continue;
            }
            let best = matcher
                .find(&kb, &text, &words)
                .into_iter()
                .filter(|f| f.provision == pi)
                .max_by(|a, b| (a.coverage * a.precision).total_cmp(&(b.coverage * b.precision)));
            if let Some(f) = best {
                absent.push((
                    f.coverage,
                    f.precision,
                    format!("{} in {}/{}", p.id, v.folder, v.date),
                ));
            }
        }
    }
    absent.sort_by(|a, b| f1(b.0, b.1).total_cmp(&f1(a.0, a.1)));
    println!(
        "\nsame platform, clause absent: {} candidates",
        absent.len()
    );
    for (c, p, what) in absent.iter().take(15) {
        println!(
            "  coverage {c:.2} precision {p:.2} f1 {:.2}  {what}",
            f1(*c, *p)
        );
    }

    // Positives: earlier wordings, matched with only the newest wording known.
    let mut positives: Vec<(f32, f32, String)> = Vec::new();
    for p in kb.provisions.iter().filter(|p| p.wordings.len() > 1) {
        let mut one = kb.clone();
        let q = one
            .provisions
            .iter_mut()
            .find(|q| q.id == p.id)
            .expect("provision");
        q.wordings.truncate(1);
        let newest = Words::new(&q.wordings[0].text);
        let m = Matcher::with_thresholds(&one, open);
        let doc = kb.document(&p.document).expect("document");
        for (wi, w) in p.wordings.iter().enumerate().skip(1) {
            let Some(v) = versions(&corpus, doc)
                .into_iter()
                .rev()
                .find(|v| w.versions.contains(&v.date))
            else {
                continue;
            };
            let Ok((text, words)) = cache.get(&v.path).cloned() else {
                continue;
            };
            if words.contains_run(&newest) {
                continue;
            }
            let pi = kb
                .provisions
                .iter()
                .position(|x| x.id == p.id)
                .expect("index");
            let best = m
                .find(&one, &text, &words)
                .into_iter()
                .filter(|f| f.provision == pi)
                .max_by(|a, b| (a.coverage * a.precision).total_cmp(&(b.coverage * b.precision)));
            match best {
                Some(f) => positives.push((
                    f.coverage,
                    f.precision,
                    format!("{} wording #{wi} in {}/{}", p.id, v.folder, v.date),
                )),
                None => positives.push((
                    0.0,
                    0.0,
                    format!(
                        "{} wording #{wi} in {}/{} (no seed chain)",
                        p.id, v.folder, v.date
                    ),
                )),
            }
        }
    }
    positives.sort_by(|a, b| f1(b.0, b.1).total_cmp(&f1(a.0, a.1)));
    println!(
        "\npositives (earlier wordings against the newest): {}",
        positives.len()
    );
    for (c, p, what) in &positives {
        println!(
            "  coverage {c:.2} precision {p:.2} f1 {:.2}  {what}",
            f1(*c, *p)
        );
    }
}

/// Harmonic mean of coverage and precision.
fn f1(c: f32, p: f32) -> f32 {
    if c + p == 0.0 {
        0.0
    } else {
        2.0 * c * p / (c + p)
    }
}
