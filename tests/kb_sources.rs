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

/// One provision's TOML: the given id, document, topics, wording, exposure
/// and exposure reason; `explanation` as given.
fn clause(id: &str, document: &str, topics: &[&str], text: &str, exposure: &str) -> String {
    clause_with(
        id,
        document,
        topics,
        text,
        exposure,
        "Because.",
        "An explanation.",
    )
}

fn clause_with(
    id: &str,
    document: &str,
    topics: &[&str],
    text: &str,
    exposure: &str,
    reason: &str,
    explanation: &str,
) -> String {
    let topics: Vec<String> = topics.iter().map(|t| format!("{t:?}")).collect();
    format!(
        r#"
[[provision]]
id = "{id}"
document = "{document}"
section = "1"
title = "A title"
topics = [{topics}]
explanation = "{explanation}"
why_it_matters = "Why."
uncertainty = "What is unclear."

[[provision.wording]]
text = "{text}"
versions = ["2026-08-21"]

[provision.compliance]
regulatory_landscape = "Law."
exposure = "{exposure}"
exposure_reason = "{reason}"
jurisdictions = ["US"]
contract_implications = "Negotiate."
steps = ["Check."]
"#,
        topics = topics.join(", ")
    )
}

fn loaded(name: &str, toml: &str) -> termlens::kb::source::Loaded {
    load(&data_with(name, toml)).expect("loads")
}

fn messages(found: &[termlens::kb::review::Finding]) -> Vec<String> {
    found.iter().map(|(_, p)| p.kind.to_string()).collect()
}

const SHARED: &str = "You may not use the service or any output to develop, train or improve a model that competes with us in any way.";

#[test]
fn like_clauses_rated_differently_need_a_stated_reason() {
    let a = clause(
        "aws.like-a",
        "aws/service-terms",
        &["competing-models"],
        SHARED,
        "high",
    );
    let b = clause(
        "google.like-b",
        "google/generative-ai-terms",
        &["competing-models"],
        SHARED.replace("You may", "Customer may").as_str(),
        "medium",
    );
    let kb = loaded("like", &format!("{a}{b}")).kb;
    let found = termlens::kb::review::exposure_reasons(&kb);
    assert_eq!(found.len(), 2, "{:?}", messages(&found));
    // A reason that names the differing factor of the rubric satisfies the rule.
    let reasoned = clause_with(
        "google.like-b",
        "google/generative-ai-terms",
        &["competing-models"],
        SHARED.replace("You may", "Customer may").as_str(),
        "medium",
        "Breach is capped, unlike the uncapped clauses rated high.",
        "An explanation.",
    );
    let kb = loaded("like-reason", &format!("{a}{reasoned}")).kb;
    let found = termlens::kb::review::exposure_reasons(&kb);
    assert_eq!(found.len(), 1, "{:?}", messages(&found));
    assert_eq!(
        kb.provisions[found[0].0.expect("a provision")].id,
        "aws.like-a"
    );
    // Same level: nothing to explain.
    let same = clause(
        "google.like-b",
        "google/generative-ai-terms",
        &["competing-models"],
        SHARED.replace("You may", "Customer may").as_str(),
        "high",
    );
    let kb = loaded("like-same", &format!("{a}{same}")).kb;
    assert!(termlens::kb::review::exposure_reasons(&kb).is_empty());
}

#[test]
fn a_wording_that_calls_for_a_topic_must_carry_it() {
    let dir = data_with("cue", "");
    let mut topics = std::fs::read_to_string(dir.join("topics.toml")).expect("read");
    if !topics.contains("id = \"distillation\"") {
        topics.push_str("\n[[topic]]\nid = \"distillation\"\nname = \"Distillation\"\ndescription = \"Training on output.\"\n");
        std::fs::write(dir.join("topics.toml"), topics).expect("write");
    }
    let text = "You may not use the service to distill, copy or otherwise reproduce the behaviour of our models in another model.";
    let bad = clause(
        "aws.cue",
        "aws/service-terms",
        &["model-extraction"],
        text,
        "medium",
    );
    std::fs::write(dir.join("provisions/aws.toml"), &bad).expect("write");
    let kb = load(&dir).expect("loads").kb;
    let found = termlens::kb::review::topic_cues(&kb, &kb.provisions[0]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].kind.to_string().contains("`distillation`"),
        "{found:?}"
    );
    let good = clause(
        "aws.cue",
        "aws/service-terms",
        &["model-extraction", "distillation"],
        text,
        "medium",
    );
    std::fs::write(dir.join("provisions/aws.toml"), &good).expect("write");
    let kb = load(&dir).expect("loads").kb;
    assert!(termlens::kb::review::topic_cues(&kb, &kb.provisions[0]).is_empty());
}

fn with_history(p: &mut termlens::kb::Provision, versions: &[(&str, &str)]) {
    // versions: (date, wording) oldest first.
    let mut h = termlens::kb::ProvisionHistory {
        versions_checked: versions.len(),
        ..Default::default()
    };
    let mut previous: Option<&str> = None;
    for (date, text) in versions {
        match h.wordings.iter_mut().find(|w| w.text == *text) {
            Some(w) => {
                w.last_seen = date.to_string();
                w.dates.push(date.to_string());
            }
            None => h.wordings.push(termlens::kb::WordingPeriod {
                text: text.to_string(),
                first_seen: date.to_string(),
                last_seen: date.to_string(),
                dates: vec![date.to_string()],
            }),
        }
        let kind = match previous {
            None => Some(termlens::kb::HistoryEventKind::Appeared),
            Some(p) if p != *text => Some(termlens::kb::HistoryEventKind::Changed),
            _ => None,
        };
        if let Some(kind) = kind {
            h.events.push(termlens::kb::HistoryEvent {
                date: date.to_string(),
                kind,
            });
        }
        previous = Some(text);
    }
    p.history = Some(h);
}

/// The recorded history of the dated tests: one change, between the versions
/// of 2025-11-19 and 2026-02-28.
const ONE_CHANGE: [(&str, &str); 3] = [
    ("2025-11-19", "old"),
    ("2026-02-28", "new"),
    ("2026-05-30", "new"),
];

/// A knowledge base of one AWS clause whose explanation is `explanation`,
/// with the recorded history `history`.
fn dated(name: &str, explanation: &str, history: &[(&str, &str)]) -> termlens::kb::KnowledgeBase {
    let toml = clause_with(
        "aws.dated",
        "aws/service-terms",
        &["model-extraction"],
        SHARED,
        "medium",
        "Because.",
        explanation,
    );
    let mut kb = loaded(name, &toml).kb;
    with_history(&mut kb.provisions[0], history);
    kb
}

#[test]
fn a_change_date_must_agree_with_the_recorded_history() {
    let check = |explanation: &str| {
        let kb = dated("dated", explanation, &ONE_CHANGE);
        termlens::kb::review::change_dates(&kb.provisions[0])
    };
    // The change lies between the versions of 2025-11-19 and 2026-02-28:
    // "before February 2026" and "until 2026" are more precise than that.
    assert_eq!(
        check("Before February 2026 the clause banned something else.").len(),
        1
    );
    assert_eq!(
        check("Until 2026 the clause was phrased differently.").len(),
        1
    );
    assert_eq!(check("The wording changed in March 2026.").len(), 1);
    // What the record shows passes; so do dates of laws, which are not changes of the clause.
    assert!(
        check("The wording changed between the versions of 2025-11-19 and 2026-02-28.").is_empty()
    );
    assert!(
        check("The EU AI Act applies from 2 August 2026 to general-purpose models.").is_empty()
    );
    // A count of changes must be the recorded count (one here).
    assert_eq!(check("The clause has changed twice.").len(), 1);
    assert!(check("The clause has changed once.").is_empty());
    // With no recorded history, no change date can be stated.
    let toml = clause_with(
        "aws.dated",
        "aws/service-terms",
        &["model-extraction"],
        SHARED,
        "medium",
        "Because.",
        "The wording changed in February 2026.",
    );
    let kb = loaded("undated", &toml).kb;
    assert_eq!(
        termlens::kb::review::change_dates(&kb.provisions[0]).len(),
        1
    );
    // A disappearance is dated by the first version without the clause, which
    // no wording lists: that day may be named, another may not.
    let removed = |explanation: &str| {
        let mut kb = dated("removed", explanation, &ONE_CHANGE);
        if let Some(h) = kb.provisions[0].history.as_mut() {
            h.events.push(termlens::kb::HistoryEvent {
                date: "2026-08-21".into(),
                kind: termlens::kb::HistoryEventKind::Disappeared,
            });
        }
        termlens::kb::review::change_dates(&kb.provisions[0]).len()
    };
    assert_eq!(
        removed("The clause was removed between the versions of 2026-05-30 and 2026-08-21."),
        0
    );
    assert_eq!(
        removed("The clause was removed between the versions of 2026-05-30 and 2026-08-22."),
        1
    );
}

#[test]
fn a_missing_document_names_a_known_platform_and_known_provisions() {
    let dir = data_with("missing-doc", GOOD);
    let entry = |platform: &str, provision: &str| {
        format!(
            "[[document]]\nid = \"{platform}/policy\"\nplatform = \"{platform}\"\nname = \"A policy\"\nurl = \"https://example.invalid/policy\"\nwhy_it_matters = \"The ban is there.\"\nprovisions = [\"{provision}\"]\n"
        )
    };
    std::fs::write(
        dir.join("missing-documents.toml"),
        entry("aws", "aws.test-clause"),
    )
    .expect("write");
    let kb = load(&dir).expect("loads").kb;
    assert!(termlens::kb::review::missing_documents(&kb).is_empty());
    let card = termlens::card::card(&kb, &kb.provisions[0]);
    assert_eq!(card.missing_documents.len(), 1);
    std::fs::write(
        dir.join("missing-documents.toml"),
        entry("aws", "aws.nothing"),
    )
    .expect("write");
    let kb = load(&dir).expect("loads").kb;
    let found = termlens::kb::review::missing_documents(&kb);
    assert_eq!(
        messages(&found),
        vec!["missing document `aws/policy` names unknown provision `aws.nothing`"]
    );
    std::fs::write(
        dir.join("missing-documents.toml"),
        entry("nobody", "aws.test-clause"),
    )
    .expect("write");
    let e = errors(&dir);
    assert!(
        e.len() == 1 && e[0].contains("unknown platform `nobody`"),
        "{e:?}"
    );
}

#[test]
fn a_secondary_source_says_whether_it_quotes_or_paraphrases() {
    let dir = data_with("secondary-kind", GOOD);
    let real = std::fs::read_to_string(common::repo().join("data/secondary.toml")).expect("read");
    std::fs::write(dir.join("secondary.toml"), &real).expect("write");
    let kb = load(&dir).expect("loads").kb;
    assert!(
        kb.secondary
            .iter()
            .all(|q| q.kind == termlens::kb::SecondaryKind::Paraphrase)
    );
    assert!(
        kb.secondary.iter().all(|q| !q.url.contains("./")),
        "a stray dot in an address"
    );
    let bad = real.replacen("kind = \"paraphrase\"", "kind = \"rumour\"", 1);
    std::fs::write(dir.join("secondary.toml"), bad).expect("write");
    assert_eq!(errors(&dir).len(), 1);
}

#[test]
fn a_platform_alias_that_is_not_one_lower_case_word_is_reported() {
    let dir = data_with("alias", GOOD);
    let platforms = std::fs::read_to_string(dir.join("platforms.toml")).expect("read");
    let bad = platforms.replacen(
        r#"aliases = ["aws", "amazon", "bedrock"]"#,
        r#"aliases = ["aws", "Amazon Web"]"#,
        1,
    );
    assert_ne!(
        bad, platforms,
        "the real platforms.toml lists AWS's aliases"
    );
    std::fs::write(dir.join("platforms.toml"), bad).expect("write");
    let e = errors(&dir);
    assert!(
        e.iter().any(|m| m.contains("platforms.toml:")
            && m.contains("field `aliases`")
            && m.contains("\"Amazon Web\" is not one lower-case word")),
        "{e:?}"
    );
}

/// `data/SECTIONS.md` records, per document, which provision covers each
/// section: every id it names is a provision of that document, and every
/// provision of a document it lists is named, so the record cannot drift from
/// the knowledge base.
#[test]
fn the_section_record_names_every_provision_of_its_documents() {
    let data = common::repo().join("data");
    let kb = load(&data).expect("loads").kb;
    let text = std::fs::read_to_string(data.join("SECTIONS.md")).expect("SECTIONS.md");
    let mut documents = 0;
    for chunk in text.split("\n### ").skip(1) {
        let document = chunk.split_whitespace().next().unwrap_or_default();
        let named: Vec<&str> = chunk
            .split('`')
            .skip(1)
            .step_by(2)
            .filter(|t| t.contains('.') && !t.contains(' ') && !t.contains('*'))
            .collect();
        for id in &named {
            let p = kb.provision(id);
            assert!(
                p.is_some_and(|p| p.document == document),
                "{document}: `{id}` is not a provision of it"
            );
        }
        for p in kb.provisions.iter().filter(|p| p.document == document) {
            assert!(
                named.contains(&p.id.as_str()),
                "{document}: `{}` missing",
                p.id
            );
        }
        documents += 1;
    }
    let all: std::collections::HashSet<&str> =
        kb.provisions.iter().map(|p| p.document.as_str()).collect();
    assert_eq!(documents, all.len(), "one section list per document");
}

/// `kb check` fails on what `review::all` finds: a card stating a change
/// date or count its recorded history does not show is refused at the
/// provision and field, and the real knowledge base, with its recorded
/// history, has no such statement.
#[test]
fn the_review_refuses_a_change_date_and_passes_the_real_knowledge_base() {
    for (explanation, period) in [
        (
            "Until 2026 the clause was phrased as a ban on copying.",
            "2026",
        ),
        ("In July 2026 the clause was reworded.", "july 2026"),
        ("The clause has changed three times.", "3 time(s)"),
    ] {
        let kb = dated("review-dated", explanation, &ONE_CHANGE);
        let found = termlens::kb::review::all(&kb);
        assert_eq!(found.len(), 1, "{explanation}: {:?}", messages(&found));
        let (at, problem) = &found[0];
        assert_eq!(*at, Some(0));
        assert_eq!(problem.field.toml(), ("explanation".to_string(), false));
        assert!(
            problem.kind.to_string().contains(period),
            "{explanation}: {}",
            problem.kind
        );
    }
    let data = common::repo().join("data");
    let mut kb = load(&data).expect("loads").kb;
    termlens::build::history::attach(&mut kb, &data).expect("history");
    assert!(kb.provisions.iter().any(|p| p.history.is_some()));
    let found = termlens::kb::review::all(&kb);
    assert!(found.is_empty(), "{:?}", messages(&found));
}
