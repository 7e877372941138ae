//! Custom provision packs against the real knowledge base: `termlens kb
//! check-pack` as a pack author runs it, and a pack's provisions found on a
//! page and by the lookup next to the built-in ones.

mod common;

use common::{knowledge_base, repo, termlens};
use serde_json::{Value, json};
use termlens::engine::Engine;
use termlens::kb::pack;

const GOOD: &str = "tests/fixtures/packs/example-test-vendor.json";
const BAD: &str = "tests/fixtures/packs/bad-short-clause.json";
const HOSTILE: &str = "tests/fixtures/packs/hostile-strings.json";
const PAGE: &str = "tests/fixtures/pages/anthropic-commercial-terms/2026-08-20.html";

fn read(rel: &str) -> String {
    std::fs::read_to_string(repo().join(rel)).expect("fixture")
}

fn json_of(rel: &str) -> Value {
    serde_json::from_str(&read(rel)).expect("fixture JSON")
}

/// Writes an edited pack to a temporary file and returns its path.
fn temp_pack(name: &str, value: &Value) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("termlens-packs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, value.to_string()).expect("write pack");
    path
}

#[test]
fn check_pack_accepts_the_example_pack_and_counts_what_it_adds() {
    let (ok, stdout, stderr) = termlens(&["kb", "check-pack", GOOD]);
    assert!(ok, "{stderr}");
    let pack = json_of(GOOD);
    let provisions = pack["provisions"].as_array().map_or(0, Vec::len);
    assert_eq!(
        stdout.trim(),
        format!(
            "pack ok: {} ({}): {provisions} provision(s), 1 new platform(s), 1 new document(s)",
            pack["id"].as_str().unwrap_or_default(),
            pack["name"].as_str().unwrap_or_default()
        )
    );
}

#[test]
fn check_pack_names_the_entry_and_the_field_of_each_problem() {
    let (ok, stdout, stderr) = termlens(&["kb", "check-pack", BAD]);
    assert!(!ok, "a bad pack fails: {stdout}");
    let bad = json_of(BAD);
    let id = bad["provisions"][1]["id"].as_str().unwrap_or_default();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines,
        [
            format!("{BAD}: provisions[1] ({id}): field \"wordings[0].text\": has 6 words; a clause needs at least 12 to be recognised on its own").as_str(),
            "pack: 1 problem(s)",
        ]
    );
}

#[test]
fn a_provision_id_or_clause_of_the_built_in_knowledge_base_is_an_error_naming_it() {
    let kb = knowledge_base().kb;
    let builtin = kb
        .provision("anthropic.commercial-no-training")
        .expect("a built-in provision");
    let mut v = json_of(GOOD);
    v["provisions"][0]["id"] = json!(builtin.id);
    v["provisions"][0]["platform"] = json!(builtin.platform);
    v["provisions"][0]["document"] = json!(builtin.document);
    v["provisions"][1]["wordings"][0]["text"] = json!(builtin.wordings[0].text);
    let path = temp_pack("collide.json", &v);
    let (ok, _, stderr) = termlens(&["kb", "check-pack", path.to_str().unwrap_or_default()]);
    assert!(!ok);
    let second = v["provisions"][1]["id"].as_str().unwrap_or_default();
    assert!(
        stderr.contains(&format!(
            "provisions[0] ({}): field \"id\": `{}` is already a provision of termlens",
            builtin.id, builtin.id
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "provisions[1] ({second}): field \"wordings[0].text\": quotes the same text as provision `{}`",
            builtin.id
        )),
        "{stderr}"
    );
    assert!(
        stderr.trim_end().ends_with("pack: 2 problem(s)"),
        "{stderr}"
    );
}

#[test]
fn a_file_that_is_not_json_is_reported_with_its_line() {
    let dir = std::env::temp_dir().join(format!("termlens-packs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("truncated.json");
    std::fs::write(&path, &read(GOOD)[..200]).expect("write");
    let (ok, _, stderr) = termlens(&["kb", "check-pack", path.to_str().unwrap_or_default()]);
    assert!(!ok);
    assert!(stderr.contains("pack: is not JSON (line "), "{stderr}");
}

#[test]
fn a_pack_provision_is_found_on_its_page_and_by_the_lookup_and_built_in_ones_still_are() {
    let base = knowledge_base().kb;
    let before = Engine::new(base.clone());
    let text = termlens::extract::read_text(&repo().join(PAGE)).expect("page");
    let url = "https://www.anthropic.com/legal/commercial-terms";
    let built_in: Vec<String> = before
        .annotate(&text, url)
        .annotations
        .into_iter()
        .map(|a| a.provision)
        .collect();

    let good = read(GOOD);
    let (kb, ids, loads) = pack::apply(base, &[&good]);
    assert_eq!(ids, ["example-test-vendor"]);
    assert!(loads[0].error.is_none(), "{:?}", loads[0].error);
    let engine = Engine::new(kb);

    // The built-in page: exactly the same provisions as without the pack.
    let with_pack: Vec<String> = engine
        .annotate(&text, url)
        .annotations
        .into_iter()
        .map(|a| a.provision)
        .collect();
    assert_eq!(with_pack, built_in);

    // A page holding the pack's clauses, worded as the pack has them.
    let pack = json_of(GOOD);
    let clauses: Vec<(&str, &str)> = pack["provisions"]
        .as_array()
        .expect("provisions")
        .iter()
        .map(|p| {
            (
                p["id"].as_str().unwrap_or_default(),
                p["wordings"][0]["text"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    let page = format!(
        "Terms of Service\n7.3 Retention.\n{}\n8. Fees are due monthly.\n9.1 Benchmarks.\n{}\n",
        clauses[0].1, clauses[1].1
    );
    let found = engine.annotate(&page, "https://example-test-vendor.invalid/legal/terms");
    let ids: Vec<&str> = found
        .annotations
        .iter()
        .map(|a| a.provision.as_str())
        .collect();
    assert_eq!(ids, [clauses[0].0, clauses[1].0]);
    assert_eq!(
        found.document.map(|d| d.id).as_deref(),
        pack["platforms"][0]["documents"][0]["id"].as_str()
    );

    // The lookup finds it from typed words and from its pasted clause.
    let hits = engine.lookup("benchmark results publish", &Default::default(), 5);
    assert_eq!(
        hits.first().map(|h| h.provision.as_str()),
        Some(clauses[1].0)
    );
    let hits = engine.lookup(clauses[0].1, &Default::default(), 5);
    assert_eq!(
        hits.first().map(|h| h.provision.as_str()),
        Some(clauses[0].0)
    );

    // Its card compares it with built-in clauses of its topics.
    let card = engine.card(clauses[0].0).expect("card");
    assert_eq!(
        Some(card.title.as_str()),
        pack["provisions"][0]["title"].as_str()
    );
    let base = knowledge_base().kb;
    assert!(
        !card.comparisons.is_empty(),
        "comparisons with built-in clauses"
    );
    for c in &card.comparisons {
        let other = base.provision(&c.provision);
        assert!(
            c.secondary || other.is_some_and(|o| o.topics.iter().any(|t| t == &c.topic)),
            "{} compared on {}",
            c.provision,
            c.topic
        );
        assert!(["data-retention", "abuse-monitoring"].contains(&c.topic.as_str()));
    }
}

#[test]
fn hostile_strings_in_a_pack_are_accepted_as_text_and_kept_verbatim() {
    let text = read(HOSTILE);
    let raw = json_of(HOSTILE);
    let (kb, ids, loads) = pack::apply(knowledge_base().kb, &[&text]);
    assert_eq!(ids, ["hostile-strings"], "{loads:?}");
    let p = kb
        .provision("hostile-test-vendor.markup")
        .expect("the hostile provision");
    assert_eq!(
        Some(p.title.as_str()),
        raw["provisions"][0]["title"].as_str()
    );
    assert!(p.title.contains("<img src=x onerror="));
    assert!(p.explanation.contains("javascript:") && p.explanation.contains('\u{202e}'));
    let platform = kb.platform("hostile-test-vendor").expect("platform");
    assert!(platform.name.starts_with("<script>"));
}
