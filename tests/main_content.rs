//! The main content of the corpus's real HTML pages (src/extract/main_content.rs):
//! no known clause lost, the site's furniture dropped, and the diff of two
//! snapshots of a page about the terms, not the markup.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use termlens::engine::Engine;
use termlens::extract::{Page, read_page};

/// Every raw HTML snapshot of the corpus, sorted.
fn html_snapshots() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![common::corpus()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("corpus folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "html") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn page(rel: &str) -> Page {
    read_page(&common::corpus().join(rel)).expect("corpus page")
}

/// The main content's lines, trimmed, empty ones dropped.
fn main_lines(page: &Page) -> Vec<String> {
    page.main_text()
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

fn provisions(engine: &Engine, text: &str) -> BTreeSet<(String, String)> {
    engine
        .annotate(text, "")
        .annotations
        .iter()
        .map(|a| (a.provision.clone(), format!("{:?}", a.status)))
        .collect()
}

#[test]
fn the_main_content_keeps_every_known_clause_the_whole_page_holds() {
    if common::skip_without_corpus() {
        return;
    }
    let engine = Engine::new(common::knowledge_base().kb);
    let mut lost = Vec::new();
    let (mut whole_chars, mut main_chars, mut pages) = (0usize, 0usize, 0usize);
    for path in html_snapshots() {
        let page = read_page(&path).expect("corpus page");
        let main = page.main_text();
        // Blanking keeps every offset: the same length in UTF-16 units.
        assert_eq!(
            main.encode_utf16().count(),
            page.text.encode_utf16().count()
        );
        let whole_set = provisions(&engine, &page.text);
        let main_set = provisions(&engine, &main);
        let missing: Vec<_> = whole_set.difference(&main_set).collect();
        if !missing.is_empty() {
            lost.push(format!("{}: {missing:?}", path.display()));
        }
        pages += 1;
        whole_chars += page.text.split_whitespace().map(str::len).sum::<usize>();
        main_chars += main.split_whitespace().map(str::len).sum::<usize>();
    }
    println!("{pages} pages: main content {main_chars} of {whole_chars} non-space bytes");
    assert!(pages > 0);
    assert!(lost.is_empty(), "clauses lost:\n{}", lost.join("\n"));
    assert!(main_chars < whole_chars, "some furniture is dropped");
}

#[test]
fn the_sites_furniture_is_dropped_on_named_real_pages() {
    if common::skip_without_corpus() {
        return;
    }
    let cases: &[(&str, &[&str], &str)] = &[
        (
            "mistral/commercial-terms/2026-08-21--vibe-main.html",
            &["Versions", "Get started", "Legal Center", "Cookie Policy"],
            "Commercial Terms of Service",
        ),
        (
            "perplexity/terms-of-service/2026-08-22.html",
            &[
                "ProductsEnterpriseCustomersPricingResources",
                "Try Perplexity",
                "Legal overview",
                "Platform User Terms",
                "Comet Terms of ServicePerplexity Terms of Service",
            ],
            "1.1.1 As a part of the Services",
        ),
        (
            "microsoft/copilot-terms-of-use/2026-08-22.html",
            &[
                "AcceptRejectManage cookies",
                "Search",
                "Cancel",
                "Skip to main content",
                "Microsoft 365",
                "Copilot",
            ],
            "Microsoft Copilot Supplemental Terms of Use",
        ),
        (
            "microsoft/copilot-terms-of-use/2025-11-11.html",
            &[
                "Accept Reject Manage cookies",
                "Manage cookies",
                "Skip to main content",
                "Microsoft",
                "Copilot",
                "Search Search Microsoft.com",
                "No results",
                "Cancel",
            ],
            "Microsoft Copilot Terms of Use",
        ),
    ];
    for (rel, furniture, title) in cases {
        let page = page(rel);
        // Lines with their whitespace runs as one space: the source's line breaks
        // inside a text node read as spaces.
        let whole: Vec<String> = page.text.lines().map(squash).collect();
        let main: Vec<String> = main_lines(&page).iter().map(|l| squash(l)).collect();
        assert!(
            main.iter().any(|l| l.starts_with(title)),
            "{rel}: the document is kept ({title})"
        );
        for label in *furniture {
            assert!(
                whole.iter().any(|l| l == label),
                "{rel}: the whole page has the line {label:?}"
            );
            assert!(
                !main.iter().any(|l| l == label),
                "{rel}: {label:?} is not main content"
            );
        }
    }
}

/// Change records of `termlens diff` between two files, as the CLI counts them.
fn diff_count(old: &Path, new: &Path) -> usize {
    let old = read_page(old).expect("old").main_text();
    let new = read_page(new).expect("new").main_text();
    termlens::diff::diff(&termlens::diff::Snapshot::of(&old), &new)
        .changes
        .len()
}

#[test]
fn html_diffs_count_about_what_the_markdown_diffs_count() {
    if common::skip_without_corpus() {
        return;
    }
    let c = common::corpus();
    let doc = c.join("deepseek/open-platform-terms");
    let html = diff_count(&doc.join("2025-11-11.html"), &doc.join("2026-04-21.html"));
    let md = diff_count(&doc.join("2025-11-11.md"), &doc.join("2026-04-21.md"));
    let whole = {
        let old = read_page(&doc.join("2025-11-11.html")).expect("old").text;
        let new = read_page(&doc.join("2026-04-21.html")).expect("new").text;
        termlens::diff::diff(&termlens::diff::Snapshot::of(&old), &new)
            .changes
            .len()
    };
    println!(
        "DeepSeek Open Platform 2025-11-11 -> 2026-04-21: HTML main content {html}, whole HTML {whole}, Markdown {md}"
    );
    assert!(html <= whole, "main content never adds changes");
    // Both read the same two versions: the counts agree within a quarter
    // (equal when measured).
    assert!(
        html.abs_diff(md) * 4 <= md.max(1),
        "HTML main content {html} changes, Markdown {md}"
    );
}

fn squash(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}
