//! A bad knowledge-base file fails with its file and line, and names the entry and field.

mod common;

use std::path::{Path, PathBuf};
use termlens::kb::source::load;
use termlens::kb::{KbErrorKind, Location};

/// A copy of the real `data/` in a temporary folder, with one provisions file
/// replaced by `aws_toml`.
fn data_with(name: &str, aws_toml: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("termlens-kb-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("provisions")).expect("temp dir");
    let data = common::repo().join("data");
    for f in ["platforms.toml", "topics.toml"] {
        std::fs::copy(data.join(f), dir.join(f)).expect("copy");
    }
    std::fs::write(dir.join("provisions/aws.toml"), aws_toml).expect("write");
    dir
}

fn errors(dir: &Path) -> Vec<String> {
    match load(dir) {
        Ok(_) => Vec::new(),
        Err(e) => e.iter().map(ToString::to_string).collect(),
    }
}

const GOOD: &str = r#"
[[provision]]
id = "aws.test-clause"
document = "aws/service-terms"
section = "50.11"
title = "A title"
topics = ["model-extraction"]
explanation = "An explanation."
why_it_matters = "Why."
uncertainty = "What is unclear."

[[provision.wording]]
text = "Neither you nor your End Users will, or will attempt to, extract or derive underlying components of AI Services."
versions = ["2026-08-21"]

[provision.compliance]
regulatory_landscape = "Trade secrets."
exposure = "high"
exposure_reason = "Because."
jurisdictions = ["US"]
contract_implications = "Negotiate."
steps = ["Check."]
"#;

#[test]
fn a_good_file_loads() {
    let dir = data_with("good", GOOD);
    assert_eq!(errors(&dir), Vec::<String>::new());
}

#[test]
fn a_syntax_error_names_file_and_line() {
    let bad = GOOD.replace("section = \"50.11\"", "section = \"50.11");
    let e = errors(&data_with("syntax", &bad));
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].contains("provisions/aws.toml:5:"), "{}", e[0]);
}

#[test]
fn a_missing_field_names_file_and_line() {
    let bad = GOOD.replace("uncertainty = \"What is unclear.\"\n", "");
    let e = errors(&data_with("missing", &bad));
    assert!(
        e.iter()
            .any(|m| m.contains("provisions/aws.toml:") && m.contains("uncertainty")),
        "{e:?}"
    );
}

#[test]
fn an_empty_field_names_entry_field_and_line() {
    let bad = GOOD.replace("why_it_matters = \"Why.\"", "why_it_matters = \"  \"");
    let e = errors(&data_with("empty", &bad));
    assert_eq!(
        e,
        vec![format!(
            "{}: provision `aws.test-clause`: field `why_it_matters` is empty",
            data_with("empty", &bad)
                .join("provisions/aws.toml:9")
                .display()
        )]
    );
}

#[test]
fn an_unknown_topic_is_reported() {
    let bad = GOOD.replace(
        "[\"model-extraction\"]",
        "[\"model-extraction\", \"astrology\"]",
    );
    let e = errors(&data_with("topic", &bad));
    assert!(
        e.iter()
            .any(|m| m.contains("aws.toml:7:") && m.contains("unknown topic `astrology`")),
        "{e:?}"
    );
}

#[test]
fn an_unknown_document_is_reported() {
    let bad = GOOD.replace("aws/service-terms", "aws/nothing");
    let e = errors(&data_with("doc", &bad));
    assert!(
        e.iter()
            .any(|m| m.contains("aws.toml:4:") && m.contains("unknown document `aws/nothing`")),
        "{e:?}"
    );
}

#[test]
fn a_duplicate_id_is_reported() {
    let bad = format!(
        "{GOOD}\n{}",
        GOOD.replace("extract or derive", "copy or derive")
    );
    let e = errors(&data_with("dup", &bad));
    assert!(
        e.iter().any(|m| m.contains("duplicate id (first at")),
        "{e:?}"
    );
}

#[test]
fn two_provisions_quoting_the_same_text_are_reported() {
    let second = GOOD.replace("aws.test-clause", "aws.other-clause");
    let e = errors(&data_with("quote", &format!("{GOOD}\n{second}")));
    assert!(
        e.iter()
            .any(|m| m.contains("quotes the same text as provision `aws.test-clause`")),
        "{e:?}"
    );
}

#[test]
fn a_bad_exposure_and_a_short_quote_are_reported() {
    let bad = GOOD
        .replace("exposure = \"high\"", "exposure = \"severe\"")
        .replace(
            "Neither you nor your End Users will, or will attempt to, extract or derive underlying components of AI Services.",
            "You will not extract models.",
        );
    let e = errors(&data_with("exposure", &bad));
    assert!(
        e.iter().any(|m| m.contains("`exposure` is `severe`")),
        "{e:?}"
    );
    assert!(e.iter().any(|m| m.contains("has 5 words")), "{e:?}");
}

#[test]
fn an_unknown_field_is_reported() {
    let bad = GOOD.replace(
        "title = \"A title\"",
        "title = \"A title\"\ntitel = \"typo\"",
    );
    let e = errors(&data_with("unknown", &bad));
    assert!(
        e.iter()
            .any(|m| m.contains("aws.toml:") && m.contains("titel")),
        "{e:?}"
    );
}

#[test]
fn a_quote_missing_from_its_listed_version_fails_the_corpus_check() {
    if common::skip_without_corpus() {
        return;
    }
    let bad = GOOD.replace("versions = [\"2026-08-21\"]", "versions = [\"2021-08-17\"]");
    let dir = data_with("corpus", &bad);
    let loaded = load(&dir).expect("structurally fine");
    let problems = termlens::build::corpus::verify_quotes(
        &loaded,
        &common::corpus(),
        &mut termlens::build::corpus::TextCache::default(),
    );
    let all: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert!(
        all.iter().any(
            |m| m.contains("aws.toml:") && m.contains("not in aws/service-terms/2021-08-17.md")
        ),
        "{all:?}"
    );
}

#[test]
fn a_secondary_quote_names_a_known_platform_by_id() {
    let dir = data_with("secondary", GOOD);
    let real = std::fs::read_to_string(common::repo().join("data/secondary.toml")).expect("read");
    std::fs::write(dir.join("secondary.toml"), &real).expect("write");
    assert_eq!(errors(&dir), Vec::<String>::new());
    // A display name where the id belongs is an unknown platform, at its line.
    let line = real
        .lines()
        .position(|l| l.starts_with("platform = "))
        .expect("a platform line")
        + 1;
    let by_name = real.replacen("platform = \"runway\"", "platform = \"Runway\"", 1);
    std::fs::write(dir.join("secondary.toml"), by_name).expect("write");
    let e = errors(&dir);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].contains(&format!("secondary.toml:{line}:"))
            && e[0].ends_with("field `platform` names an unknown platform `Runway`"),
        "{e:?}"
    );
}

#[test]
fn a_problem_has_a_kind_and_a_line() {
    let bad = GOOD.replace("versions = [\"2026-08-21\"]", "versions = [\"August\"]");
    let dir = data_with("kind", &bad);
    let Err(problems) = load(&dir) else {
        panic!("a version that is not a date is an error");
    };
    assert_eq!(problems.len(), 1, "{problems:?}");
    let p = &problems[0];
    assert_eq!(*p.kind, KbErrorKind::NotADate("August".into()));
    assert_eq!(
        p.at,
        Location::Line {
            file: dir.join("provisions/aws.toml"),
            line: 14
        }
    );
    assert_eq!(
        (p.entry.as_str(), p.field.as_str()),
        ("provision `aws.test-clause`", "wording.versions")
    );
}
