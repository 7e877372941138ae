//! Shared helpers of the Rust integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use termlens::kb::source::{Loaded, load};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The corpus of recorded versions: `$TERMLENS_CORPUS`, or `../shared/corpus`
/// beside the repository.
pub fn corpus() -> PathBuf {
    std::env::var_os("TERMLENS_CORPUS")
        .map_or_else(|| repo().join("../shared/corpus"), PathBuf::from)
}

/// Whether a test that reads the corpus must be skipped because it is not
/// there (a clone without `../shared`); says so in one line per test binary.
/// CI has the corpus and runs these tests.
pub fn skip_without_corpus() -> bool {
    static SAID: std::sync::Once = std::sync::Once::new();
    let dir = corpus();
    if dir.is_dir() {
        return false;
    }
    SAID.call_once(|| {
        use std::io::Write;
        // Straight to stderr: the test harness captures `eprintln!`.
        let _ = writeln!(
            std::io::stderr(),
            "skipping the tests that read the corpus: {} is missing",
            dir.display()
        );
    });
    true
}

/// The real knowledge base, from `data/`.
pub fn knowledge_base() -> Loaded {
    match load(&repo().join("data")) {
        Ok(l) => l,
        Err(errors) => panic!(
            "knowledge base does not load:\n{}",
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

/// Every corpus document folder (`vendor/document`) listed in INDEX.tsv.
pub fn corpus_folders() -> Vec<(String, String)> {
    let index = std::fs::read_to_string(corpus().join("INDEX.tsv")).expect("corpus INDEX.tsv");
    index
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut cols = l.split('\t');
            Some((cols.next()?.to_string(), cols.next()?.to_string()))
        })
        .collect()
}

/// The Markdown versions of a corpus folder, oldest first.
pub fn folder_versions(folder: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(folder)
        .expect("corpus folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    v.sort();
    v
}

/// Runs the `termlens` binary in the repository: (success, stdout, stderr).
pub fn termlens(args: &[&str]) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_termlens"))
        .args(args)
        .current_dir(repo())
        .output()
        .expect("run termlens");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The normalised words of a text, joined: equal for texts that differ only in
/// case, punctuation, typography and numbering.
pub fn norm(text: &str) -> String {
    termlens::text::Words::new(text).joined().to_string()
}

/// The texts of an annotation's diff steps of one kind (`insert`, `delete`, `equal`).
pub fn ops(a: &termlens::engine::Annotation, op: termlens::matcher::Op) -> Vec<&str> {
    a.diff
        .iter()
        .filter(|d| d.op == op)
        .map(|d| d.text.as_str())
        .collect()
}
