//! Detections in `termlens annotate`: the clause categories of the passages
//! that are no known provision (the `detections` array of `--json`).

mod common;

use common::termlens;
use serde_json::Value;

fn page(name: &str) -> String {
    common::repo()
        .join("tests/fixtures/pages")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// `annotate --json` of a file, with extra arguments; panics unless it succeeds.
fn annotate(file: &str, extra: &[&str]) -> (Value, String) {
    let mut args = vec!["annotate", file, "--json"];
    args.extend_from_slice(extra);
    let (ok, stdout, stderr) = termlens(&args);
    assert!(ok, "{stderr}");
    (serde_json::from_str(&stdout).expect("JSON"), stderr)
}

fn detections(result: &Value) -> &Vec<Value> {
    result["detections"].as_array().expect("a detections array")
}

/// The UTF-16 slice `start..end` of `text`.
fn utf16_slice(text: &str, start: u64, end: u64) -> String {
    let units: Vec<u16> = text.encode_utf16().collect();
    String::from_utf16(&units[start as usize..end as usize]).expect("whole characters")
}

#[test]
fn a_fictional_vendors_terms_get_detections_in_the_contract_shape() {
    let file = page("fictional-vendor-terms/index.html");
    let (result, _) = annotate(&file, &[]);
    let (ok, text, stderr) = termlens(&["extract", &file]);
    assert!(ok, "{stderr}");
    let found = detections(&result);
    assert!(found.len() >= 5, "{found:#?}");
    let mut last_end = 0;
    for d in found {
        let fields: Vec<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
        let mut fields = fields.clone();
        fields.sort_unstable();
        assert_eq!(fields, ["end", "score", "start", "text", "topic", "topics"]);
        let topics: Vec<&str> = d["topics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert_eq!(Some(&d["topic"].as_str().unwrap()), topics.first());
        let score = d["score"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&score), "{d}");
        let (start, end) = (d["start"].as_u64().unwrap(), d["end"].as_u64().unwrap());
        assert!(start >= last_end && end > start, "{d}");
        last_end = end;
        // The page's own text, punctuation and all: the extracted text's UTF-16 slice.
        assert_eq!(utf16_slice(&text, start, end), d["text"].as_str().unwrap());
    }
    let all: Vec<&str> = found
        .iter()
        .flat_map(|d| d["topics"].as_array().unwrap())
        .filter_map(Value::as_str)
        .collect();
    for topic in ["governing-law", "liability-cap", "termination-suspension"] {
        assert!(all.contains(&topic), "{topic} not among {all:?}");
    }
    let governing = found
        .iter()
        .find(|d| d["topic"] == "governing-law")
        .expect("the governing-law clause");
    assert!(governing["text"].as_str().unwrap().ends_with("rules."));
}

#[test]
fn a_known_provisions_passage_gets_no_detection() {
    let file = page("aws-service-terms/2025-11-19.md");
    let (result, _) = annotate(&file, &["--url", "https://aws.amazon.com/service-terms/"]);
    let annotations = result["annotations"].as_array().unwrap();
    assert!(!annotations.is_empty());
    let found = detections(&result);
    assert!(!found.is_empty(), "the rest of the page has clauses");
    for a in annotations {
        let (s, e) = (a["start"].as_u64().unwrap(), a["end"].as_u64().unwrap());
        for d in found {
            let (ds, de) = (d["start"].as_u64().unwrap(), d["end"].as_u64().unwrap());
            assert!(de <= s || e <= ds, "{} overlaps {d}", a["provision"]);
        }
    }
}

#[test]
fn a_news_article_and_a_recipe_get_at_most_one_detection_each() {
    for name in ["news-article/index.html", "recipe/index.html"] {
        let (result, _) = annotate(&page(name), &[]);
        assert!(detections(&result).len() <= 1, "{name}: {result:#}");
    }
}

#[test]
fn a_missing_or_malformed_model_leaves_the_known_provisions_and_says_so_once() {
    let file = page("aws-service-terms/2025-11-19.md");
    let url = "https://aws.amazon.com/service-terms/";
    let (with_model, stderr) = annotate(&file, &["--url", url]);
    assert!(stderr.is_empty(), "{stderr}");
    let dir = std::env::temp_dir().join(format!("termlens-detections-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let malformed = dir.join("model.json");
    std::fs::write(&malformed, "{\"format\": 1, \"terms\": [").unwrap();
    let missing = dir.join("no-such-model.json");
    for model in [&malformed, &missing] {
        let (result, stderr) = annotate(&file, &["--url", url, "--model", model.to_str().unwrap()]);
        assert_eq!(result["annotations"], with_model["annotations"]);
        assert!(detections(&result).is_empty());
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{stderr}");
        assert!(lines[0].contains("classifier model"), "{stderr}");
        assert!(lines[0].contains(model.to_str().unwrap()), "{stderr}");
    }
}

/// A terms passage with a governing-law clause and a termination clause.
const GOVERNED_AND_TERMINABLE: &str = "Terms of Service\nThese Terms are governed by the laws of \
    the State of Oregon, without regard to its conflict of laws rules.\nWe may suspend or \
    terminate your account at any time, for any reason, without notice.\n";

/// The built-in knowledge base's engine with the committed model loaded.
fn detecting_engine() -> termlens::engine::Engine {
    let mut engine = termlens::engine::Engine::new(common::knowledge_base().kb);
    let model = std::fs::read_to_string(common::repo().join("data/model.json")).unwrap();
    engine
        .load_model(&model)
        .expect("the committed model loads");
    engine
}

#[test]
fn turning_a_topic_off_leaves_its_detections_out_of_the_engine_result() {
    use termlens::visibility::Visibility;
    let engine = detecting_engine();
    let text = GOVERNED_AND_TERMINABLE;
    let all = engine.annotate_for(text, "", &Visibility::default());
    let topics = |r: &termlens::engine::PageResult| -> Vec<String> {
        r.detections.iter().flat_map(|d| d.topics.clone()).collect()
    };
    assert!(topics(&all).contains(&"governing-law".to_string()));
    let off = Visibility {
        topics_off: vec!["governing-law".into()],
        ..Visibility::default()
    };
    let some = engine.annotate_for(text, "", &off);
    assert!(!topics(&some).contains(&"governing-law".to_string()));
    assert!(!some.detections.is_empty());
    let none = Visibility {
        detections_off: true,
        ..Visibility::default()
    };
    assert!(engine.annotate_for(text, "", &none).detections.is_empty());
}

/// What the extension gets: the same result with each detection's topics as
/// `{ id, name }`, the knowledge base's names, best first, everything else equal.
#[test]
fn the_extensions_result_names_the_detections_topics() {
    use termlens::visibility::Visibility;
    let kb = common::knowledge_base().kb;
    let engine = detecting_engine();
    let text = GOVERNED_AND_TERMINABLE;
    let ids = engine.annotate_for(text, "", &Visibility::default());
    let named = ids.clone().with_topic_names(&kb);
    assert!(!ids.detections.is_empty());
    assert_eq!(named.detections.len(), ids.detections.len());
    for (n, d) in named.detections.iter().zip(&ids.detections) {
        let got: Vec<&str> = n.topics.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(got, d.topics, "the ids, in the same order");
        for t in &n.topics {
            let topic = kb
                .topic(&t.id)
                .expect("a detection's topic is in the knowledge base");
            assert_eq!(t.name, topic.name);
            assert_ne!(t.name, t.id, "a name, not the id again");
        }
        assert_eq!(
            (n.start, n.end, &n.text, n.score),
            (d.start, d.end, &d.text, d.score)
        );
    }
    let mut as_json = serde_json::to_value(&named).expect("serialises");
    let mut plain = serde_json::to_value(&ids).expect("serialises");
    as_json["detections"] = Value::Null;
    plain["detections"] = Value::Null;
    assert_eq!(as_json, plain, "the rest of the result unchanged");
}

/// The lexical pass drives the automaton itself, passage by passage; it must
/// find exactly the terms that the automaton's own overlapping search finds
/// over the framed passages, on every line of real terms pages.
#[test]
fn the_lexical_pass_finds_what_the_overlapping_search_finds() {
    use aho_corasick::{AhoCorasick, MatchKind};
    use termlens::classify::{Lexicon, Model};
    if common::skip_without_corpus() {
        return;
    }
    let json = std::fs::read_to_string(common::repo().join("data/model.json")).unwrap();
    let model = Model::from_json(&json).expect("the committed model loads");
    let lexicon = Lexicon::new(&model.terms).unwrap();
    let framed: Vec<String> = model.terms.iter().map(|t| format!(" {t} ")).collect();
    let reference = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .build(&framed)
        .unwrap();
    for page in [
        "aws/service-terms/2025-11-19.md",
        "microsoft/services-agreement/2026-08-04.md",
    ] {
        let raw = termlens::extract::read_text(&common::corpus().join(page)).unwrap();
        let passages: Vec<String> = raw
            .lines()
            .map(termlens::classify::features::normalise)
            .collect();
        let got = lexicon.terms_of_normalised(&passages);
        let mut found = 0;
        for (passage, terms) in passages.iter().zip(&got) {
            let mut want: Vec<u32> = reference
                .find_overlapping_iter(&format!(" {passage} "))
                .map(|m| m.pattern().as_u32())
                .collect();
            want.sort_unstable();
            want.dedup();
            assert_eq!(terms, &want, "{page}: {passage:?}");
            found += want.len();
        }
        assert!(found > 1_000, "{page}: only {found} terms found");
    }
}

/// The classifier's scores are the dot products of each category's weights
/// with the passage's feature vector (`vector`), to the bit, on every line of
/// a real terms page.
#[test]
fn scores_are_the_dot_products_of_the_feature_vectors() {
    use termlens::classify::{Classifier, Lexicon, passages_from_lines, sigmoid, vector};
    if common::skip_without_corpus() {
        return;
    }
    let json = std::fs::read_to_string(common::repo().join("data/model.json")).unwrap();
    let classifier = Classifier::from_json(&json).expect("the committed model loads");
    let model = classifier.model();
    let lexicon = Lexicon::new(&model.terms).unwrap();
    let raw =
        termlens::extract::read_text(&common::corpus().join("aws/service-terms/2025-11-19.md"))
            .unwrap();
    let lines: Vec<&str> = raw.lines().collect();
    let passages = passages_from_lines(&lines);
    let texts: Vec<&str> = passages.iter().map(|p| p.text).collect();
    let headings: Vec<&str> = passages.iter().map(|p| p.heading.unwrap_or("")).collect();
    let own = lexicon.terms_of(&texts);
    let heading_terms = lexicon.terms_of(&headings);
    let got = classifier.scores(&passages);
    let mut positive = 0;
    for i in 0..passages.len() {
        let x = vector(&own, &heading_terms[i], i, lexicon.len());
        for (k, c) in model.categories.iter().enumerate() {
            let weight = |f: u32| {
                c.weights
                    .binary_search_by_key(&f, |&(id, _)| id)
                    .map_or(0.0, |at| c.weights[at].1)
            };
            let d = c.bias + x.iter().map(|&(f, v)| weight(f) * v).sum::<f32>();
            let want = sigmoid(c.platt[0] * d + c.platt[1]);
            assert_eq!(got[i][k].to_bits(), want.to_bits(), "line {i}, {}", c.topic);
            positive += usize::from(want >= c.threshold);
        }
    }
    assert!(
        positive > 10,
        "only {positive} categories found on the page"
    );
}
