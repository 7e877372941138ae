//! The `termlens` command line, run as a user runs it.

mod common;

use common::termlens;

const PAGE: &str = "tests/fixtures/pages/anthropic-commercial-terms/2026-08-20.html";

#[test]
fn annotate_json_lists_annotations_with_offsets_into_the_extracted_text() {
    let (ok, stdout, stderr) = termlens(&["annotate", PAGE, "--json"]);
    assert!(ok, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    let annotations = json["annotations"].as_array().expect("annotations array");
    assert!(annotations.len() >= 10, "{} annotations", annotations.len());
    let text = termlens::extract::read_text(&common::repo().join(PAGE)).expect("page");
    let utf16: Vec<u16> = text.encode_utf16().collect();
    for a in annotations {
        for field in ["provision", "platform", "status", "version", "text"] {
            assert!(a[field].is_string(), "{field} in {a}");
        }
        assert!(a["diff"].is_array());
        let (start, end) = (
            a["start"].as_u64().expect("start") as usize,
            a["end"].as_u64().expect("end") as usize,
        );
        assert_eq!(
            String::from_utf16_lossy(&utf16[start..end]),
            a["text"].as_str().unwrap_or_default()
        );
    }
    let competing = annotations
        .iter()
        .find(|a| a["provision"] == "anthropic.commercial-competing-use")
        .expect("D.4 competing use found");
    assert_eq!(competing["status"], "exact");
    assert_eq!(competing["platform"], "anthropic");
}

#[test]
fn annotate_prints_a_readable_summary() {
    let (ok, stdout, _) = termlens(&[
        "annotate",
        PAGE,
        "--url",
        "https://www.anthropic.com/legal/commercial-terms",
    ]);
    assert!(ok);
    let first = stdout.lines().next().unwrap_or_default();
    assert!(
        first.contains("provision(s) found")
            && first.contains("page is Anthropic Commercial Terms of Service"),
        "{first}"
    );
    assert!(stdout.contains("anthropic.commercial-no-training"));
}

#[test]
fn annotate_a_missing_file_fails_with_its_name() {
    let (ok, _, stderr) = termlens(&["annotate", "no/such/file.html"]);
    assert!(!ok);
    assert!(
        stderr.contains("no/such/file.html: cannot read"),
        "{stderr}"
    );
}

#[test]
fn kb_check_passes_on_the_real_knowledge_base() {
    let (ok, stdout, stderr) = termlens(&["kb", "check"]);
    assert!(ok, "{stderr}");
    assert!(stdout.starts_with("knowledge base ok:"), "{stdout}");
}

#[test]
fn kb_check_fails_on_a_malformed_file_with_file_and_line() {
    let dir = std::env::temp_dir().join(format!("termlens-cli-bad-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("provisions")).expect("dir");
    for f in ["platforms.toml", "topics.toml"] {
        std::fs::copy(common::repo().join("data").join(f), dir.join(f)).expect("copy");
    }
    std::fs::write(
        dir.join("provisions/bad.toml"),
        "[[provision]]\nid = \"aws.x\"\ndocument = [\n",
    )
    .expect("write");
    let (ok, _, stderr) = termlens(&[
        "kb",
        "check",
        "--no-corpus",
        "--data",
        dir.to_str().unwrap_or_default(),
    ]);
    assert!(!ok);
    assert!(stderr.contains("provisions/bad.toml:3:"), "{stderr}");
    assert!(stderr.contains("1 problem(s)"), "{stderr}");
}

/// A provision whose card states change dates: `explanation`, `why_it_matters`
/// and `uncertainty` as given.
fn dated_clause(explanation: &str, why: &str, uncertainty: &str) -> String {
    format!(
        r#"
[[provision]]
id = "aws.dated"
document = "aws/service-terms"
section = "50.5"
title = "A title"
topics = ["model-extraction"]
explanation = "{explanation}"
why_it_matters = "{why}"
uncertainty = "{uncertainty}"

[[provision.wording]]
text = "Neither you nor your End Users will, or will attempt to, extract or derive underlying components of AI Services."
versions = ["2026-02-28", "2026-05-30"]

[[provision.wording]]
text = "Neither you nor your End Users will, or will attempt to, reverse engineer or disassemble the AI Services or their models."
versions = ["2025-11-19"]

[provision.compliance]
regulatory_landscape = "Trade secrets."
exposure = "medium"
exposure_reason = "Only research work reaches it."
jurisdictions = ["US"]
contract_implications = "Negotiate."
steps = ["Check."]
"#
    )
}

/// What `kb check` says about a data folder holding `provisions` and the
/// recorded history of `aws.dated`: one change, between the versions of
/// 2025-11-19 and 2026-02-28.
fn check_dated(name: &str, provisions: &str) -> (bool, String, String) {
    let dir = std::env::temp_dir().join(format!("termlens-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("provisions")).expect("dir");
    for f in ["platforms.toml", "topics.toml"] {
        std::fs::copy(common::repo().join("data").join(f), dir.join(f)).expect("copy");
    }
    std::fs::write(dir.join("provisions/aws.toml"), provisions).expect("write");
    let wording = |text: &str, dates: &[&str]| {
        serde_json::json!({ "text": text, "first_seen": dates[0],
                            "last_seen": dates[dates.len() - 1], "dates": dates })
    };
    let history = serde_json::json!({ "aws.dated": {
        "versions_checked": 3,
        "wordings": [wording("old", &["2025-11-19"]), wording("new", &["2026-02-28", "2026-05-30"])],
        "events": [{ "date": "2025-11-19", "kind": "appeared" },
                   { "date": "2026-02-28", "kind": "changed" }]
    }});
    std::fs::write(dir.join("history.json"), history.to_string()).expect("write");
    termlens(&[
        "kb",
        "check",
        "--no-corpus",
        "--data",
        dir.to_str().unwrap_or_default(),
    ])
}

#[test]
fn kb_check_refuses_a_change_date_the_recorded_history_does_not_support() {
    let (ok, _, stderr) = check_dated(
        "dated-bad",
        &dated_clause(
            "Until 2026 the clause was phrased as a ban on reverse engineering.",
            "In July 2026 the clause was reworded.",
            "The clause has changed three times.",
        ),
    );
    assert!(!ok, "{stderr}");
    for (field, claim) in [
        ("`explanation`", "a change in 2026"),
        ("`why_it_matters`", "a change in july 2026"),
        (
            "`uncertainty`",
            "changed 3 time(s); the recorded versions show 1",
        ),
    ] {
        assert!(
            stderr.lines().any(|l| l.contains("provision `aws.dated`")
                && l.contains(&format!("field {field}"))
                && l.contains(claim)),
            "{field}: {stderr}"
        );
    }
    assert!(stderr.contains("3 problem(s)"), "{stderr}");
    // The same card stated as the record shows it passes.
    let (ok, stdout, stderr) = check_dated(
        "dated-good",
        &dated_clause(
            "The earlier recorded wording banned reverse engineering.",
            "The wording changed between the versions of 2025-11-19 and 2026-02-28.",
            "The clause has changed once.",
        ),
    );
    assert!(ok, "{stderr}");
    assert!(stdout.starts_with("knowledge base ok:"), "{stdout}");
}

#[test]
fn kb_export_json_has_every_field() {
    let (ok, stdout, _) = termlens(&["kb", "export", "--json"]);
    assert!(ok);
    let kb: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert!(kb["platforms"].as_array().is_some_and(|p| p.len() >= 6));
    assert!(kb["topics"].as_array().is_some_and(|t| t.len() >= 25));
    let provisions = kb["provisions"].as_array().expect("provisions");
    assert!(provisions.len() >= 40);
    for p in provisions {
        for f in [
            "id",
            "platform",
            "document",
            "section",
            "title",
            "explanation",
            "why_it_matters",
            "uncertainty",
        ] {
            assert!(
                p[f].as_str().is_some_and(|s| !s.is_empty()),
                "{f} of {}",
                p["id"]
            );
        }
        assert!(
            p["wordings"][0]["versions"]
                .as_array()
                .is_some_and(|v| !v.is_empty())
        );
        assert!(
            ["low", "medium", "high"]
                .contains(&p["compliance"]["exposure"].as_str().unwrap_or_default())
        );
    }
}

/// The committed fingerprints (`termlens kb fingerprints`; `tests/corpus.rs`
/// checks they are current).
fn fingerprints() -> std::path::PathBuf {
    common::repo().join("data/fingerprints")
}

fn path(p: &std::path::Path) -> &str {
    p.to_str().expect("a UTF-8 temporary path")
}

const COMMERCIAL_TERMS: &str = "https://www.anthropic.com/legal/commercial-terms";

#[test]
fn diff_known_on_the_latest_version_of_a_real_page_shows_no_notice() {
    let args = ["diff", "--known", PAGE, "--url", COMMERCIAL_TERMS, "--json"];
    let (ok, stdout, stderr) =
        termlens(&[&args[..], &["--fingerprints", path(&fingerprints())]].concat());
    assert!(ok, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(json["notice"], false, "{stdout}");
    // The site's header and footer, around the recorded document, are not listed.
    assert_eq!(
        json["changes"].as_array().map(Vec::len),
        Some(0),
        "{stdout}"
    );
    assert!(json["summary"]["unchanged"].as_u64() > Some(0));
    assert!(json["since"].is_string());
}

#[test]
fn diff_known_on_an_edited_page_shows_the_notice_and_the_clause() {
    let text = termlens::extract::read_text(&common::repo().join(PAGE)).expect("page");
    // The longest paragraph of the known version, edited on the page.
    let file = termlens::diff::fingerprint_file("anthropic/commercial-terms").expect("a file");
    let stored = std::fs::read_to_string(fingerprints().join(file)).expect("fingerprint");
    let known = termlens::diff::Snapshot::from_json(&stored).expect("reads");
    let clause = known
        .paragraphs
        .iter()
        .filter(|p| text.contains(p.as_str()))
        .max_by_key(|p| p.len())
        .expect("a paragraph of the known version on the page");
    let (first, rest) = clause.split_once(' ').expect("words");
    let edited_clause = format!("{first} unexpectedly and irrevocably {rest}");
    let edited =
        std::env::temp_dir().join(format!("termlens-cli-edited-{}.txt", std::process::id()));
    std::fs::write(&edited, text.replacen(clause.as_str(), &edited_clause, 1)).expect("write");

    let args = ["diff", "--known", path(&edited), "--url", COMMERCIAL_TERMS];
    let prints = fingerprints();
    let args = [&args[..], &["--fingerprints", path(&prints)]].concat();
    let (ok, stdout, stderr) = termlens(&[&args[..], &["--json"]].concat());
    let (readable_ok, readable, _) = termlens(&args);
    let _ = std::fs::remove_file(&edited);
    assert!(ok && readable_ok, "{stderr}");
    assert!(
        readable.contains("notice: this page differs from the version termlens knows"),
        "{readable}"
    );
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(json["notice"], true, "{stdout}");
    let changes = json["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 1, "{stdout}");
    assert_eq!(changes[0]["kind"], "changed");
    let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(
        flat(changes[0]["text"].as_str().unwrap_or_default()),
        flat(&edited_clause)
    );
    let inserted: Vec<&str> = changes[0]["words"]
        .as_array()
        .expect("words")
        .iter()
        .filter(|w| w["op"] == "insert")
        .filter_map(|w| w["text"].as_str())
        .collect();
    assert_eq!(inserted, ["unexpectedly and irrevocably"]);
}

#[test]
fn diff_needs_old_and_new_or_known() {
    let (ok, _, stderr) = termlens(&["diff", PAGE]);
    assert!(!ok);
    assert!(stderr.contains("NEW"), "{stderr}");
}

/// A file in a fresh temporary folder.
fn temp_file(name: &str, contents: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("termlens-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("write");
    path
}

/// Runs termlens, printing how long it took (measured, not asserted).
fn timed(label: &str, args: &[&str]) -> (bool, String, String) {
    let started = std::time::Instant::now();
    let result = termlens(args);
    eprintln!("{label}: {:?}", started.elapsed());
    result
}

#[test]
fn deeply_nested_and_formatting_heavy_pages_are_refused_with_a_clear_error() {
    let nested = format!("{}x{}", "<div>".repeat(100_000), "</div>".repeat(100_000));
    let formatting: String = (0..40_000)
        .map(|i| format!("<p><b class=c{i}>word {i}</p>"))
        .collect();
    for (name, html) in [("nested.html", nested), ("formatting.html", formatting)] {
        let page = temp_file(name, html.as_bytes());
        let page = page.to_str().unwrap_or_default();
        for args in [vec!["annotate", page], vec!["diff", PAGE, page]] {
            let (ok, _, stderr) = timed(&format!("{} {name}", args[0]), &args);
            assert!(!ok, "{args:?}");
            assert!(
                stderr.contains(page) && stderr.contains("more than 512 deep"),
                "{stderr}"
            );
        }
    }
}

#[test]
fn a_page_nested_up_to_the_limit_is_read() {
    let html = std::fs::read_to_string(common::repo().join(PAGE)).expect("page");
    let body = html.find("<body").expect("body");
    let wrapped = format!(
        "{}{}{}{}",
        &html[..body],
        "<div>".repeat(400),
        &html[body..],
        "</div>".repeat(400)
    );
    let page = temp_file("wrapped.html", wrapped.as_bytes());
    let (ok, stdout, stderr) = timed(
        "annotate wrapped.html",
        &["annotate", page.to_str().unwrap_or_default(), "--json"],
    );
    assert!(ok, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    let found = json["annotations"].as_array().expect("annotations");
    assert!(
        found
            .iter()
            .any(|a| a["provision"] == "anthropic.commercial-no-training" && a["status"] == "exact")
    );
}

#[test]
fn an_over_size_input_is_refused_with_a_clear_error() {
    let big = vec![b'a'; (20 << 20) + 1];
    let page = temp_file("big.txt", &big);
    let page = page.to_str().unwrap_or_default();
    for args in [
        vec!["annotate", page],
        vec!["diff", PAGE, page],
        vec!["diff", page, PAGE],
        vec!["extract", page],
    ] {
        let (ok, stdout, stderr) = timed(&format!("{} big.txt", args[0]), &args);
        assert!(!ok, "{args:?}");
        assert!(stdout.is_empty());
        assert!(
            stderr.contains(&format!("{page}: larger than 20 MiB")),
            "{stderr}"
        );
    }
}

#[test]
fn the_help_states_the_limits() {
    for args in [
        vec!["--help"],
        vec!["annotate", "--help"],
        vec!["diff", "--help"],
    ] {
        let (ok, stdout, _) = termlens(&args);
        assert!(ok);
        assert!(
            stdout.contains("20 MiB") && stdout.contains("512 deep"),
            "{stdout}"
        );
    }
}
