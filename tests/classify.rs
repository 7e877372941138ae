//! The clause classifier: `termlens classify` (the contract an independent
//! evaluation uses), `termlens model train`, and the committed model.

mod common;

use std::path::PathBuf;

use common::termlens;

/// A file in the temporary directory, unique to this test process.
fn temp(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("termlens-classify-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("temp file");
    path
}

const TERMS: &str = "These Terms are governed by the laws of the State of California, without regard to its conflict of laws rules.
We may suspend or terminate your account at any time, for any reason, without notice.
Mix the flour with two eggs.
In no event will we be liable for any indirect, incidental or consequential damages.
";

#[test]
fn classify_json_has_one_entry_per_line_in_order() {
    let file = temp("terms.txt", TERMS.as_bytes());
    let (ok, stdout, stderr) = termlens(&["classify", file.to_str().unwrap(), "--json"]);
    assert!(ok, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    let entries = json.as_array().expect("array");
    assert_eq!(entries.len(), 4);
    for (i, e) in entries.iter().enumerate() {
        assert_eq!(e["line"], i + 1);
        for t in e["topics"].as_array().expect("topics") {
            let score = t["score"].as_f64().expect("score");
            assert!((0.0..=1.0).contains(&score), "{t}");
            assert!(t["topic"].is_string());
        }
    }
    let topics = |i: usize| -> Vec<&str> {
        entries[i]["topics"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|t| t["topic"].as_str())
            .collect()
    };
    assert!(topics(0).contains(&"governing-law"), "{:?}", topics(0));
    assert!(
        topics(1).contains(&"termination-suspension"),
        "{:?}",
        topics(1)
    );
    assert!(topics(2).is_empty(), "{:?}", topics(2));
    assert!(topics(3).contains(&"liability-cap"), "{:?}", topics(3));
}

#[test]
fn classify_text_prints_line_tab_topics() {
    let file = temp("terms-text.txt", TERMS.as_bytes());
    let (ok, stdout, stderr) = termlens(&["classify", file.to_str().unwrap()]);
    assert!(ok, "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 4);
    for (i, l) in lines.iter().enumerate() {
        let (n, topics) = l.split_once('\t').expect("tab");
        assert_eq!(n, (i + 1).to_string());
        assert!(topics.split(',').all(|t| t.is_empty() || !t.contains(' ')));
    }
    assert!(lines[0].ends_with("governing-law") || lines[0].contains("governing-law,"));
    assert_eq!(lines[2], "3\t");
}

#[test]
fn empty_lines_and_a_1_mb_line_each_get_their_entry() {
    let mb = "The Provider may suspend your account at any time. ".repeat(20_000);
    let text = format!("We may terminate your account.\n\n{mb}\n   \nGoverned by Irish law.\n");
    let file = temp("blank-and-long.txt", text.as_bytes());
    let (ok, stdout, stderr) = termlens(&["classify", file.to_str().unwrap(), "--json"]);
    assert!(ok, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    let entries = json.as_array().expect("an array");
    assert_eq!(entries.len(), 5, "one entry per input line");
    for (i, e) in entries.iter().enumerate() {
        assert_eq!(e["line"], i + 1);
    }
    assert_eq!(entries[1]["topics"], serde_json::json!([]));
    assert_eq!(entries[3]["topics"], serde_json::json!([]));
    // An empty file has no line, hence no entry.
    let empty = temp("empty.txt", b"");
    let (ok, stdout, _) = termlens(&["classify", empty.to_str().unwrap(), "--json"]);
    assert!(ok);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&stdout).ok(),
        Some(serde_json::json!([]))
    );
}

#[test]
fn bad_input_is_a_clear_error_with_nothing_printed() {
    let long = format!("{}\n", "liability ".repeat(500_000));
    let cases: [(&str, Vec<u8>, &str); 2] = [
        ("long-line.txt", long.into_bytes(), "line 1:"),
        (
            "latin1.txt",
            b"Governed by the law\nof Saint-\xe9tienne\n".to_vec(),
            "line 2: not UTF-8",
        ),
    ];
    for (name, bytes, message) in cases {
        let file = temp(name, &bytes);
        for json in [true, false] {
            let mut args = vec!["classify", file.to_str().unwrap()];
            if json {
                args.push("--json");
            }
            let (ok, stdout, stderr) = termlens(&args);
            assert!(!ok, "{name}");
            assert!(stdout.is_empty(), "{name}: {stdout}");
            assert!(stderr.contains(message), "{name}: {stderr}");
        }
    }
}

#[test]
fn a_malformed_model_file_is_a_clear_error() {
    let input = temp("one.txt", b"Governed by Irish law.\n");
    let cases = [
        ("truncated.json", "{\"format\":1,\"terms\":[\"law\"],\"categories\":[".to_string()),
        ("format.json", "{\"format\":7,\"terms\":[],\"categories\":[]}".to_string()),
        (
            "range.json",
            "{\"format\":1,\"terms\":[\"law\"],\"categories\":[{\"topic\":\"governing-law\",\"bias\":0,\"platt\":[1,0],\"threshold\":0.5,\"weights\":[[3,1.0]]}]}"
                .to_string(),
        ),
    ];
    for (name, text) in cases {
        let model = temp(name, text.as_bytes());
        let (ok, stdout, stderr) = termlens(&[
            "classify",
            input.to_str().unwrap(),
            "--model",
            model.to_str().unwrap(),
        ]);
        assert!(!ok && stdout.is_empty(), "{name}");
        assert!(
            stderr.contains("classifier model") && stderr.contains(name),
            "{name}: {stderr}"
        );
    }
}

#[test]
fn training_gives_the_same_bytes_twice() {
    let claudette = common::repo().join("../shared/claudette/claudette_en.tsv");
    let outs: Vec<Vec<u8>> = ["a.json", "b.json"]
        .iter()
        .map(|name| {
            let out = temp(name, b"");
            let (ok, _, stderr) = termlens(&[
                "model",
                "train",
                "--claudette",
                claudette.to_str().unwrap(),
                "--documents",
                "3",
                "--out",
                out.to_str().unwrap(),
            ]);
            assert!(ok, "{stderr}");
            std::fs::read(out).expect("model written")
        })
        .collect();
    assert_eq!(outs[0], outs[1]);
    let text = String::from_utf8(outs[0].clone()).expect("UTF-8");
    let model = termlens::classify::Model::from_json(&text).expect("a valid model");
    assert!(!model.terms.is_empty());
    assert!(model.categories.iter().any(|c| !c.weights.is_empty()));
}

/// Detections in a text that is not terms: counted over its passages.
fn detections(text: &str) -> usize {
    let model = std::fs::read_to_string(common::repo().join("data/model.json")).expect("model");
    let classifier = termlens::classify::Classifier::from_json(&model).expect("model loads");
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let found = classifier.classify(&termlens::classify::passages_from_lines(&lines));
    found.iter().map(Vec::len).sum()
}

#[test]
fn a_news_article_gets_at_most_one_detection() {
    let news = "City council approves new cycling lanes
The city council voted on Tuesday to add twelve kilometres of protected cycling lanes along the river.
Work will start in the spring and should be finished before the end of next year, the mayor said.
Local shop owners worried that the lanes would remove parking spaces in front of their stores.
The council promised to review the plan after six months and to publish the traffic figures online.
A cyclists' association welcomed the decision but asked for lanes on the main bridge as well.
Residents can comment on the final design at the town hall until the end of the month.";
    let n = detections(news);
    assert!(n <= 1, "{n} detections");
}

#[test]
fn a_recipe_gets_at_most_one_detection() {
    let recipe = "Lemon and thyme roast chicken
Heat the oven to 200 degrees and take the chicken out of the fridge half an hour before cooking.
Rub the skin with butter, salt, pepper and the zest of two lemons.
Put the lemon halves and a handful of thyme inside the bird.
Roast for about an hour and a half, basting every twenty minutes, until the juices run clear.
Let it rest for fifteen minutes under foil before you carve it.
Serve with roast potatoes and a green salad; leftovers keep for three days in the fridge.";
    let n = detections(recipe);
    assert!(n <= 1, "{n} detections");
}

#[test]
fn leaving_a_platform_out_drops_its_clauses_and_only_them() {
    use termlens::classify::lopo::training_docs;
    use termlens::classify::train::{kb_docs, read_categories};
    let loaded = common::knowledge_base();
    let kb = &loaded.kb;
    let categories = read_categories(&common::repo().join("data/categories.toml"), &kb.topics)
        .expect("categories")
        .category;
    let all = kb_docs(kb, &categories).len();
    for platform in ["anthropic", "openai"] {
        let own: Vec<&str> = kb
            .provisions
            .iter()
            .filter(|p| p.platform == platform)
            .flat_map(|p| p.wordings.iter().map(|w| w.text.as_str()))
            .collect();
        let others: std::collections::HashSet<&str> = kb
            .provisions
            .iter()
            .filter(|p| p.platform != platform)
            .flat_map(|p| p.wordings.iter().map(|w| w.text.as_str()))
            .collect();
        assert!(!own.is_empty(), "{platform} has provisions");
        let left = training_docs(&[], kb, &categories, platform);
        assert_eq!(left.len(), all - own.len(), "{platform}");
        for line in left.iter().flat_map(|d| &d.lines) {
            assert!(others.contains(line.as_str()), "{platform}: {line}");
        }
    }
}

#[test]
fn leave_one_platform_out_runs_on_a_slice_and_finds_its_provisions() {
    if common::skip_without_corpus() {
        return;
    }
    let claudette = common::repo().join("../shared/claudette/claudette_en.tsv");
    let corpus = common::corpus();
    let (ok, stdout, stderr) = termlens(&[
        "model",
        "eval",
        "--lopo",
        "--platform",
        "anthropic",
        "--documents",
        "3",
        "--claudette",
        claudette.to_str().unwrap(),
        "--corpus",
        corpus.to_str().unwrap(),
    ]);
    assert!(ok, "{stderr}");
    let row = stdout
        .lines()
        .find(|l| l.starts_with("anthropic "))
        .unwrap_or_else(|| panic!("a row for anthropic in\n{stdout}"));
    let cells: Vec<&str> = row.split_whitespace().collect();
    let documents: usize = cells[1].parse().expect("documents");
    let provisions: usize = cells[2].parse().expect("provisions");
    let found: usize = cells[3].parse().expect("found");
    assert!(documents > 0 && provisions > 0, "{row}");
    assert!(found <= provisions, "{row}");
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("openai ")).count(),
        0
    );
}

/// The compiled model the extension loads (`termlens model binary`, pkg/model.bin)
/// is the committed model itself, every weight bit for bit, and a damaged one is
/// refused with the reason.
#[test]
fn the_compiled_model_is_the_model_file() {
    use termlens::classify::Model;
    let text = std::fs::read_to_string(common::repo().join("data/model.json")).expect("model");
    let model = Model::from_json(&text).expect("a valid model");
    let bytes = model.to_bytes().expect("encodes");
    assert_eq!(Model::from_bytes(&bytes), Ok(model));
    let cut = Model::from_bytes(&bytes[..bytes.len() / 2]).expect_err("half a model");
    assert!(cut.0.contains("does not decode"), "{cut}");
    assert!(
        Model::from_bytes(text.as_bytes()).is_err(),
        "the JSON is not a compiled model"
    );
}
