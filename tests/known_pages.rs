//! The known-version notice on real pages: for every known document with a raw
//! HTML snapshot of its latest recorded version in the corpus, `termlens diff
//! --known` on that page, at the document's own address, says "no notice";
//! with one clause of the page edited, the notice appears and lists that
//! clause. Prints one line per document, passing or not.

mod common;

use std::fmt::Write as _;
use std::path::Path;
use termlens::build::corpus::{latest_page, versions};
use termlens::kb::Document;

/// Documents whose real page is not read as the recorded version, each with
/// the reason; the test fails on a case listed here that passes, so the list
/// cannot outlive its reason.
const EXPECTED_TO_FAIL: &[(&str, &str)] = &[(
    "mistral/la-plateforme-terms",
    "the 2025-07-31 page is mostly site navigation: under half of the recorded paragraphs are found unchanged, so it is not read as the document",
)];

/// The word put in place of one word of a clause.
const EDIT: &str = "termlenseditedword";

/// `termlens diff --known PAGE --url URL --json`.
fn known(page: &Path, url: &str) -> Result<serde_json::Value, String> {
    let page = page.to_string_lossy();
    let (ok, stdout, stderr) =
        common::termlens(&["diff", "--known", &page, "--url", url, "--json"]);
    if !ok {
        return Err(stderr);
    }
    serde_json::from_str(&stdout).map_err(|e| e.to_string())
}

/// The page with one word of one clause replaced by [`EDIT`]: a run of plain
/// words from a long paragraph of the recorded version, found once in that
/// version, its third word replaced wherever the HTML has the run (a page
/// built by a framework also carries its text in a script's data). The page,
/// the run and its edited form.
fn edit_clause(html: &str, fingerprint: &serde_json::Value) -> Option<(String, String, String)> {
    let paragraphs = fingerprint["paragraphs"].as_array()?;
    let whole: Vec<&str> = paragraphs.iter().filter_map(|p| p.as_str()).collect();
    let whole = whole.join("\n");
    let middle = paragraphs.len() / 2;
    let order = paragraphs[middle..].iter().chain(&paragraphs[..middle]);
    for p in order.filter_map(|p| p.as_str()) {
        let words: Vec<&str> = p.split(' ').collect();
        if words.len() < 20 {
            continue;
        }
        for run in words.windows(6) {
            let plain = run
                .iter()
                .all(|w| w.len() > 2 && w.bytes().all(|b| b.is_ascii_alphabetic()));
            let phrase = run.join(" ");
            if !plain || whole.matches(&phrase).count() != 1 || !html.contains(&phrase) {
                continue;
            }
            let mut edited_words = run.to_vec();
            edited_words[2] = EDIT;
            let edited = edited_words.join(" ");
            return Some((html.replace(&phrase, &edited), phrase, edited));
        }
    }
    None
}

/// Whether a `diff --known` result lists a change holding the edited word.
fn lists_edit(result: &serde_json::Value) -> bool {
    result["changes"].as_array().is_some_and(|changes| {
        changes.iter().any(|c| {
            c["text"].as_str().is_some_and(|t| t.contains(EDIT))
                || c["words"].as_array().is_some_and(|w| {
                    w.iter()
                        .any(|s| s["text"].as_str().is_some_and(|t| t.contains(EDIT)))
                })
        })
    })
}

/// The case of one document: `Ok(line)` when both halves hold, else why not.
fn case(doc: &Document, page: &Path, scratch: &Path) -> Result<String, String> {
    let as_is = known(page, &doc.url)?;
    if as_is["notice"] != serde_json::Value::Bool(false) {
        let s = &as_is["summary"];
        return Err(format!(
            "notice on the page as recorded ({} inserted, {} deleted, {} changed, {} moved; {} of {} recorded paragraphs unchanged)",
            s["inserted"],
            s["deleted"],
            s["changed"],
            s["moved"],
            s["unchanged"],
            s["oldParagraphs"]
        ));
    }
    let file = termlens::diff::fingerprint_file(&doc.id).ok_or("no fingerprint file name")?;
    let fingerprint: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(common::repo().join("data/fingerprints").join(file))
            .map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    // The source's line breaks as spaces, as the page's text reads them outside
    // preformatted text, so that a clause the HTML wraps (DeepSeek's) is found.
    let html = std::fs::read_to_string(page)
        .map_err(|e| e.to_string())?
        .replace(['\r', '\n'], " ");
    let (edited_html, phrase, edited) =
        edit_clause(&html, &fingerprint).ok_or("no clause of the recorded version to edit")?;
    let edited_page = scratch.join(page.file_name().ok_or("page name")?);
    std::fs::write(&edited_page, edited_html).map_err(|e| e.to_string())?;
    let result = known(&edited_page, &doc.url)?;
    if result["notice"] != serde_json::Value::Bool(true) || !lists_edit(&result) {
        return Err(format!(
            "\"{phrase}\" edited to \"{edited}\": notice {}, the edit {}listed",
            result["notice"],
            if lists_edit(&result) { "" } else { "not " }
        ));
    }
    Ok(format!(
        "no notice; \"{phrase}\" edited: notice, listed ({} change(s))",
        result["changes"].as_array().map_or(0, Vec::len)
    ))
}

#[test]
fn the_latest_version_at_its_address_shows_no_notice_and_an_edited_clause_does() {
    if common::skip_without_corpus() {
        return;
    }
    let corpus = common::corpus();
    let kb = common::knowledge_base().kb;
    let scratch = std::env::temp_dir().join(format!("termlens-known-pages-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("scratch folder");
    let mut report = String::new();
    let mut wrong = Vec::new();
    let mut passed = 0;
    for doc in kb.platforms.iter().flat_map(|p| p.documents.iter()) {
        let Some(page) = versions(&corpus, doc)
            .pop()
            .and_then(|v| latest_page(&corpus, &v))
        else {
            continue;
        };
        let expected_to_fail = EXPECTED_TO_FAIL.iter().find(|(id, _)| *id == doc.id);
        let name = page.strip_prefix(&corpus).unwrap_or(&page).display();
        match (case(doc, &page, &scratch), expected_to_fail) {
            (Ok(line), None) => {
                passed += 1;
                let _ = writeln!(report, "pass  {} ({name}): {line}", doc.id);
            }
            (Ok(line), Some(_)) => {
                let _ = writeln!(
                    report,
                    "PASS, listed as expected to fail  {}: {line}",
                    doc.id
                );
                wrong.push(format!(
                    "{} passes now: remove it from EXPECTED_TO_FAIL",
                    doc.id
                ));
            }
            (Err(why), Some((_, reason))) => {
                let _ = writeln!(
                    report,
                    "expected failure  {} ({name}): {why} [{reason}]",
                    doc.id
                );
            }
            (Err(why), None) => {
                let _ = writeln!(report, "FAIL  {} ({name}): {why}", doc.id);
                wrong.push(format!("{}: {why}", doc.id));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    {
        use std::io::Write;
        // Straight to stderr, so that the list shows with --nocapture or not.
        let _ = write!(std::io::stderr(), "{report}");
    }
    assert!(passed >= 4, "only {passed} documents pass:\n{report}");
    assert!(wrong.is_empty(), "{}\n\n{report}", wrong.join("\n"));
}

/// Mistral's commercial terms of 2025-12 onward are recorded with the text
/// twice: `kb check` names those versions, and the fingerprint shipped holds
/// the terms once.
#[test]
fn a_version_recorded_twice_is_named_by_kb_check_and_fingerprinted_once() {
    if common::skip_without_corpus() {
        return;
    }
    let corpus = common::corpus();
    let corpus = corpus.to_string_lossy();
    let (ok, _, stderr) = common::termlens(&["kb", "check", "--corpus", &corpus]);
    assert!(ok, "{stderr}");
    let doubled: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("holds its text twice"))
        .collect();
    assert!(
        doubled
            .iter()
            .any(|l| l.starts_with("warning: mistral/commercial-terms/2026-08-07.md:")),
        "{stderr}"
    );
    // The versions before the doubling are not named.
    assert!(
        !doubled
            .iter()
            .any(|l| l.contains("mistral/commercial-terms/2025-11-11.md")),
        "{stderr}"
    );
    let print: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            common::repo().join("data/fingerprints/mistral--commercial-terms.json"),
        )
        .expect("fingerprint"),
    )
    .expect("JSON");
    let paragraphs: Vec<&str> = print["paragraphs"]
        .as_array()
        .expect("paragraphs")
        .iter()
        .filter_map(|p| p.as_str())
        .collect();
    let first_clause = paragraphs
        .iter()
        .find(|p| p.starts_with("These Terms of Service for Commercial Users"))
        .expect("the opening clause");
    assert_eq!(paragraphs.iter().filter(|p| *p == first_clause).count(), 1);
    assert_eq!(
        paragraphs
            .iter()
            .filter(|p| p.starts_with("Effective:"))
            .count(),
        1
    );
}
