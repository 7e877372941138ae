//! Custom provision packs against the real knowledge base: `termlens kb
//! check-pack` as a pack author runs it, and a pack's provisions found on a
//! page and by the lookup next to the built-in ones.

mod common;

use common::{knowledge_base, repo, termlens};
use serde_json::{Value, json};
use termlens::engine::Engine;
use termlens::kb::pack;
use termlens::matcher::Status;

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

/// The Anthropic provisions found `exact` on the real commercial-terms page.
fn exact_on_page(engine: &Engine, text: &str) -> Vec<String> {
    let url = "https://www.anthropic.com/legal/commercial-terms";
    let mut exact: Vec<String> = engine
        .annotate(text, url)
        .annotations
        .into_iter()
        .filter(|a| a.status == termlens::matcher::Status::Exact)
        .map(|a| a.provision)
        .collect();
    exact.sort();
    exact.dedup();
    exact
}

/// Two pack provisions per target, each the target's clause plus one word,
/// on the target's platform and document.
fn shadows(kb: &termlens::kb::KnowledgeBase, targets: &[String]) -> Vec<termlens::kb::Provision> {
    let mut out = Vec::new();
    for (n, id) in targets.iter().enumerate() {
        let target = kb.provision(id).expect("target");
        for (k, word) in ["indeed", "moreover"].into_iter().enumerate() {
            let mut p = target.clone();
            p.id = format!("{}.shadow-{n}-{k}", target.platform);
            p.wordings.truncate(1);
            p.wordings[0].text = format!("{} {word}", target.wordings[0].text);
            p.history = None;
            out.push(p);
        }
    }
    out
}

/// A pack (the example's first provision as a template) of these provisions.
fn pack_of(provisions: &[termlens::kb::Provision]) -> Value {
    let mut v = json_of(GOOD);
    let template = v["provisions"][0].clone();
    v["provisions"] = provisions
        .iter()
        .map(|p| {
            let mut t = template.clone();
            t["id"] = json!(p.id);
            t["platform"] = json!(p.platform);
            t["document"] = json!(p.document);
            t["wordings"] = json!([{ "text": p.wordings[0].text, "versions": ["2026-11-01"] }]);
            t
        })
        .collect();
    v
}

#[test]
fn a_pack_restating_built_in_clauses_plus_one_word_is_refused_naming_them() {
    let kb = knowledge_base().kb;
    let text = termlens::extract::read_text(&repo().join(PAGE)).expect("page");
    let targets: Vec<String> = exact_on_page(&Engine::new(kb.clone()), &text)
        .into_iter()
        .take(3)
        .collect();
    assert_eq!(targets.len(), 3, "{targets:?}");
    let v = pack_of(&shadows(&kb, &targets));
    let path = temp_pack("shadows.json", &v);
    let (ok, stdout, stderr) = termlens(&["kb", "check-pack", path.to_str().unwrap_or_default()]);
    assert!(!ok, "{stdout}");
    for (n, target) in targets.iter().enumerate() {
        for k in 0..2 {
            let i = 2 * n + k;
            let id = v["provisions"][i]["id"].as_str().unwrap_or_default();
            let line = format!(
                "provisions[{i}] ({id}): field \"wordings[0].text\": contains the whole wording of provision `{target}`, which termlens already has"
            );
            assert!(stderr.contains(&line), "{line}\n{stderr}");
        }
    }
    assert!(
        stderr.trim_end().ends_with("pack: 6 problem(s)"),
        "{stderr}"
    );
}

#[test]
fn pack_wordings_forced_in_do_not_hide_built_in_clauses_from_a_layered_engine() {
    let base = knowledge_base().kb;
    let text = termlens::extract::read_text(&repo().join(PAGE)).expect("page");
    let before = exact_on_page(&Engine::new(base.clone()), &text);
    let targets: Vec<String> = before.iter().take(3).cloned().collect();
    let mut kb = base.clone();
    kb.provisions.extend(shadows(&base, &targets));

    // Counted together, the shadows make the targets' seeds look generic.
    let flat = exact_on_page(&Engine::new(kb.clone()), &text);
    assert!(
        targets.iter().any(|t| !flat.contains(t)),
        "the attack hides a target from a matcher counting all seeds together: {flat:?}"
    );
    // Counted apart, every built-in clause stays exact.
    let layered = Engine::layered(kb, base.provisions.len());
    let after = exact_on_page(&layered, &text);
    for id in &before {
        assert!(after.contains(id), "{id} is no longer exact: {after:?}");
    }
}

/// Provisions that reuse built-in wording under new ids, as no validated pack
/// could, from every 37th built-in provision in turn: three restatements of
/// one clause (its seeds then generic in the pack layer, not in the built-in
/// one), two of the next (not generic: under three provisions), the next
/// word for word and its first two thirds joined to the last third of the one
/// after; and a clause of three words (shorter than a seed).
fn restatements(kb: &termlens::kb::KnowledgeBase) -> Vec<termlens::kb::Provision> {
    let targets: Vec<&termlens::kb::Provision> = kb.provisions.iter().step_by(37).collect();
    let mut out = Vec::new();
    let mut add = |target: &termlens::kb::Provision, name: String, text: String| {
        let mut p = target.clone();
        p.id = format!("{}.{name}", target.platform);
        p.wordings.truncate(1);
        p.wordings[0].text = text;
        p.history = None;
        out.push(p);
    };
    for (n, pair) in targets.windows(2).enumerate() {
        let (target, next) = (pair[0], pair[1]);
        let text = &target.wordings[0].text;
        let restated = ["indeed", "moreover", "furthermore"];
        let copies = [3, 2, 0][n % 3];
        for (k, word) in restated.into_iter().take(copies).enumerate() {
            add(
                target,
                format!("restated-{n}-{k}"),
                format!("{text} {word}"),
            );
        }
        if n % 3 == 2 {
            add(target, format!("copy-{n}"), text.clone());
            let (a, b): (Vec<&str>, Vec<&str>) = (
                text.split(' ').collect(),
                next.wordings[0].text.split(' ').collect(),
            );
            let joined = [&a[..a.len() * 2 / 3], &b[b.len() * 2 / 3..]].concat();
            add(target, format!("joined-{n}"), joined.join(" "));
        }
    }
    add(targets[0], "short".into(), "retention of outputs".into());
    out
}

/// A corpus text with every 23rd word dropped: most clauses in it are changed.
fn edited(text: &str) -> String {
    let words: Vec<&str> = text.split(' ').collect();
    let kept = words.iter().enumerate().filter(|(i, _)| i % 23 != 22);
    kept.map(|(_, w)| *w).collect::<Vec<_>>().join(" ")
}

/// The engine's matcher with packs (the built-in seed table as read from
/// kb.bin, the packs' table beside it) finds exactly what one table over both
/// layers finds (`Matcher::layered`, the reference), provision, wording,
/// status, span, diff and scores, on every Markdown version of the corpus and
/// an edited copy of each and on a page of the example pack's clauses; and it
/// numbers words as the reference does, so cards rank comparisons the same.
#[test]
fn a_pack_table_beside_the_built_in_one_finds_what_one_layered_table_finds() {
    if common::skip_without_corpus() {
        return;
    }
    use termlens::matcher::Matcher;
    use termlens::text::Words;
    let base = knowledge_base().kb;
    let n = base.provisions.len();
    let (index, _) = termlens::kb::binary::write(&base).expect("writes");
    let good = read(GOOD);
    let example = Engine::from_kb_bin(index.as_slice(), &[&good]).expect("reads");
    assert!(
        example.pack_loads()[0].error.is_none(),
        "{:?}",
        example.pack_loads()
    );
    let mut forced = base.clone();
    forced.provisions.extend(restatements(&base));
    let forced = Engine::layered(forced, n);

    let clauses: Vec<String> = example.kb().provisions[n..]
        .iter()
        .map(|p| p.wordings[0].text.clone())
        .collect();
    let pack_page = format!("Terms of Service\n7.3 Retention.\n{}\n", clauses.join("\n"));
    let mut pages = vec![edited(&pack_page), pack_page];
    for (vendor, document) in common::corpus_folders() {
        let folder = common::corpus().join(&vendor).join(&document);
        for path in common::folder_versions(&folder) {
            let text = termlens::extract::read_text(&path).expect("corpus text");
            pages.push(edited(&text));
            pages.push(text);
        }
    }
    assert!(pages.len() > 500, "only {} pages", pages.len());
    for engine in [&example, &forced] {
        let kb = engine.kb();
        let reference = Matcher::layered(kb, n);
        let (mut pack_exact, mut pack_changed) = (0, 0);
        for text in &pages {
            let words = Words::new(text);
            let got = engine.matcher().find(kb, text, &words);
            let want = reference.find(kb, text, &words);
            let start: String = text.chars().take(80).collect();
            assert_eq!(format!("{got:?}"), format!("{want:?}"), "{start}");
            for f in got.iter().filter(|f| f.provision >= n) {
                match f.status {
                    Status::Exact => pack_exact += 1,
                    Status::Changed => pack_changed += 1,
                }
            }
        }
        assert!(
            pack_exact > 0 && pack_changed > 0,
            "pack provisions found: {pack_exact} exact, {pack_changed} changed, of {}",
            kb.provisions.len() - n
        );
        // Comparisons rank by these word sets alone; an engine with one table
        // over every provision numbers words as the reference does.
        let (got, want) = (engine.matcher().word_sets(kb), reference.word_sets(kb));
        assert_eq!(got.provisions, want.provisions);
        assert_eq!(got.secondary, want.secondary);
        let flat = Engine::new(kb.clone());
        let one_table = flat.matcher().word_sets(kb);
        assert_eq!(one_table.provisions, want.provisions);
        let mut compared = 0;
        for p in &kb.provisions[n..] {
            let got = engine.comparisons(&p.id).expect("a pack provision");
            let want = flat.comparisons(&p.id).expect("a pack provision");
            assert_eq!(format!("{got:?}"), format!("{want:?}"), "{}", p.id);
            compared += got.len();
        }
        assert!(compared > 0, "the pack provisions have comparisons");
    }
}

#[test]
fn a_pack_of_a_thousand_near_identical_wordings_is_refused() {
    let v = json_of(GOOD);
    let mut template = v["provisions"][0].clone();
    // Short texts, so that a thousand entries stay under the size limit.
    for field in ["explanation", "why_it_matters", "uncertainty"] {
        template[field] = json!("A fictional test entry.");
    }
    template["compliance"] = json!({
        "regulatory_landscape": "GDPR.", "exposure": "low", "exposure_reason": "Test.",
        "jurisdictions": ["EU"], "contract_implications": "None.", "steps": ["None."]
    });
    let clause = template["wordings"][0]["text"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let mut many = v.clone();
    many["provisions"] = (0..pack::MAX_PROVISIONS)
        .map(|n| {
            let mut t = template.clone();
            t["id"] = json!(format!("example-test-vendor.near-{n}"));
            t["wordings"][0]["text"] = json!(format!("{clause} Variant {n}."));
            t
        })
        .collect();
    let json = many.to_string();
    let kb = knowledge_base().kb;
    let started = std::time::Instant::now();
    let err = pack::validate(&json, &kb, &[]).expect_err("near-identical");
    eprintln!(
        "{} near-identical wordings refused in {:?}",
        pack::MAX_PROVISIONS,
        started.elapsed()
    );
    assert_eq!(err.problems().len(), pack::MAX_PROVISIONS - 1, "{err}");
    let second = err.to_string();
    assert!(
        second.starts_with(
            "provisions[1] (example-test-vendor.near-1): field \"wordings[0].text\": shares"
        ) && second
            .contains("of provision `example-test-vendor.near-0` (provisions[0].wordings[0].text)"),
        "{second}"
    );
}

#[test]
fn the_built_in_knowledge_base_has_no_near_duplicates_the_matcher_confuses() {
    use termlens::kb::near;
    let kb = knowledge_base().kb;
    let wordings: Vec<(usize, &str)> = (kb.provisions.iter().enumerate())
        .flat_map(|(i, p)| p.wordings.iter().map(move |w| (i, w.text.as_str())))
        .collect();
    let found = near::near_duplicates(&wordings, 0);
    let name = |n: usize| &kb.provisions[wordings[n].0].id;
    // Two vendors may publish the same clause nearly word for word (Midjourney's
    // user indemnity is OpenAI's business one with "Content" as "Assets"). The
    // built-in knowledge base may hold both only while the matcher still tells
    // them apart: each wording, read alone with no URL, is found exactly as its
    // own provision and not as the other.
    let engine = Engine::new(kb.clone());
    let apart = |n: usize, other: usize| {
        let found = engine.annotate(wordings[n].1, "").annotations;
        let exact = |i: usize| {
            (found.iter())
                .any(|a| a.provision == *name(i) && a.status == termlens::matcher::Status::Exact)
        };
        exact(n) && !found.iter().any(|a| a.provision == *name(other))
    };
    let pairs: Vec<String> = (found.iter())
        .filter(|n| !(apart(n.wording, n.other) && apart(n.other, n.wording)))
        .map(|n| format!("{} ~ {}: {}", name(n.wording), name(n.other), n.likeness))
        .collect();
    assert!(
        pairs.is_empty(),
        "near-identical and not told apart: {pairs:#?}"
    );
    let allowed: Vec<String> = (found.iter())
        .map(|n| format!("{} ~ {}", name(n.wording), name(n.other)))
        .collect();
    eprintln!("near-identical built-in pairs the matcher tells apart: {allowed:?}");
    assert!(
        found.len() <= 2,
        "few such pairs, each a clause two vendors share: {allowed:?}"
    );
    // The closest pair of different provisions that are not such a pair.
    let words: Vec<termlens::text::Words> = (wordings.iter())
        .map(|(_, t)| termlens::text::Words::new(t))
        .collect();
    let sets = near::ranked_sets(&words);
    let mut closest = (0.0, 0, 0);
    for j in 0..sets.len() {
        for i in 0..j {
            let d = near::dice(&sets[i], &sets[j]);
            let shared = (found.iter()).any(|n| {
                let owners = [wordings[n.wording].0, wordings[n.other].0];
                owners.contains(&wordings[i].0) && owners.contains(&wordings[j].0)
            });
            if wordings[i].0 != wordings[j].0 && !shared && d > closest.0 {
                closest = (d, i, j);
            }
        }
    }
    eprintln!(
        "closest built-in pair: {} ~ {}: Dice {:.3}",
        name(closest.1),
        name(closest.2),
        closest.0
    );
    assert!(closest.0 < near::NEAR_DUPLICATE_DICE);
}

#[test]
fn every_built_in_wording_has_enough_content_words() {
    use termlens::kb::rules;
    let kb = knowledge_base().kb;
    let fewest = (kb.provisions.iter())
        .flat_map(|p| p.wordings.iter().map(move |w| (p, w)))
        .map(|(p, w)| {
            (
                rules::content_words(&termlens::text::Words::new(&w.text)),
                &p.id,
            )
        })
        .min()
        .expect("wordings");
    eprintln!(
        "fewest content words in a built-in wording: {} ({})",
        fewest.0, fewest.1
    );
    assert!(fewest.0 >= rules::MIN_CONTENT_WORDS);
}

/// The problems `validate` finds in the example pack after `edit`.
fn problems_after(edit: impl FnOnce(&mut Value)) -> String {
    let mut v = json_of(GOOD);
    edit(&mut v);
    match pack::validate(&v.to_string(), &knowledge_base().kb, &[]) {
        Ok(_) => String::new(),
        Err(e) => e.to_string(),
    }
}

#[test]
fn impossible_dates_are_refused() {
    for date in ["2026-02-30", "9999-99-99", "2026-13-01", "2025-02-29"] {
        let err = problems_after(|v| v["provisions"][0]["wordings"][0]["versions"] = json!([date]));
        let line =
            format!("field \"wordings[0].versions[0]\": `{date}` is not a date like 2026-01-15");
        assert!(err.contains(&line), "{date}: {err}");
    }
    assert_eq!(
        problems_after(|v| v["provisions"][0]["wordings"][0]["versions"] = json!(["2024-02-29"])),
        ""
    );
}

#[test]
fn a_pattern_that_does_not_name_a_host_is_refused() {
    for pattern in [
        "*",
        "*/legal/terms*",
        "*example-test-vendor.invalid/legal*",
        "*.invalid/legal*",
        "127.0.0.1/terms*",
    ] {
        let err = problems_after(|v| {
            v["platforms"][0]["documents"][0]["match"] = json!([pattern]);
        });
        let line = format!(
            "field \"match[0]\": `{pattern}` is not a pattern like example.com/legal/terms*"
        );
        assert!(err.contains(&line), "{pattern}: {err}");
    }
    let ok = problems_after(|v| {
        v["platforms"][0]["documents"][0]["match"] =
            json!(["*.example-test-vendor.invalid/legal/terms*"]);
    });
    assert_eq!(ok, "");
}

#[test]
fn an_address_with_user_info_is_refused() {
    let url = "https://anthropic.com@evil.example/";
    let err = problems_after(|v| v["platforms"][0]["documents"][0]["url"] = json!(url));
    assert!(
        err.contains(&format!(
            "field \"url\": `{url}` has user info before its host"
        )),
        "{err}"
    );
}

#[test]
fn a_wording_of_twelve_common_words_is_refused() {
    let the = ["the"; 12].join(" ");
    let err = problems_after(|v| v["provisions"][0]["wordings"][0]["text"] = json!(the));
    assert!(
        err.contains("field \"wordings[0].text\": has 0 distinct words besides the commonest"),
        "{err}"
    );
}

/// kb.bin of the built-in knowledge base, and its checksum (what stamps bind).
fn kb_bin() -> (Vec<u8>, u64) {
    let (index, _) = termlens::kb::binary::write(&knowledge_base().kb).expect("writes");
    let (_, _, cards) = termlens::kb::binary::read(index.as_slice()).expect("reads");
    let checksum = cards.index_checksum();
    (index, checksum)
}

/// The engine from `index` with each pack and its stored stamp.
fn stamped(index: &[u8], packs: &[(&str, &str)]) -> Engine {
    let stored: Vec<pack::Stored> = (packs.iter())
        .map(|&(text, stamp)| pack::Stored { text, stamp })
        .collect();
    Engine::from_kb_bin_stamped(index, &stored).expect("reads")
}

/// The example pack with its first clause restating a built-in wording plus
/// a few words: a near-duplicate, which only the check against the built-in
/// wordings finds.
fn near_duplicate_pack() -> String {
    let kb = knowledge_base().kb;
    let builtin = kb
        .provision("anthropic.commercial-no-training")
        .expect("a built-in provision");
    let mut v = json_of(GOOD);
    v["provisions"][0]["wordings"][0]["text"] =
        json!(format!("{} as agreed", builtin.wordings[0].text));
    v.to_string()
}

#[test]
fn a_pack_whose_stamp_holds_is_not_checked_against_the_built_in_wordings() {
    let (index, checksum) = kb_bin();
    let near = near_duplicate_pack();
    // Checked in full, the restatement is refused for its built-in twin.
    let full = Engine::from_kb_bin(index.as_slice(), &[&near]).expect("reads");
    let load = &full.pack_loads()[0];
    assert_eq!(load.checked, pack::Checked::Full);
    let error = load.error.as_deref().unwrap_or_default();
    assert!(
        error.contains("anthropic.commercial-no-training"),
        "{error}"
    );
    assert_eq!(load.stamp, None, "a pack that fails gets no stamp");
    // With the stamp a full check would have given it, that check is not run:
    // the pack loads, which only skipping the near-duplicate pass allows.
    let stamp = pack::stamp(pack::text_hash(&near), checksum, &[]);
    let engine = stamped(&index, &[(&near, &stamp)]);
    let load = &engine.pack_loads()[0];
    assert_eq!(
        (load.checked, load.error.as_deref(), load.stamp.as_deref()),
        (pack::Checked::Stamp, None, None),
        "no check against the built-in wordings, nothing to store"
    );
}

#[test]
fn a_stamp_from_import_holds_at_the_next_start_and_the_pack_loads_the_same() {
    let (index, _) = kb_bin();
    let good = read(GOOD);
    let verdict = Engine::from_kb_bin(index.as_slice(), &[])
        .expect("reads")
        .check_pack(&good)
        .expect("valid");
    let stamp = verdict.stamp.clone().expect("a kb.bin engine stamps");
    let full = Engine::from_kb_bin(index.as_slice(), &[&good]).expect("reads");
    let by_stamp = stamped(&index, &[(&good, &stamp)]);
    let load = &by_stamp.pack_loads()[0];
    assert_eq!(load.checked, pack::Checked::Stamp);
    assert_eq!(load.summary.as_ref(), Some(&verdict.summary));
    assert_eq!(load.stamp, None);
    // Checked in full, the same pack is handed the stamp it was imported with.
    assert_eq!(full.pack_loads()[0].stamp.as_deref(), Some(stamp.as_str()));
    let ids =
        |e: &Engine| -> Vec<String> { e.kb().provisions.iter().map(|p| p.id.clone()).collect() };
    assert_eq!(ids(&by_stamp), ids(&full));
    let page = format!(
        "Terms\n7.3 Retention.\n{}\n",
        json_of(GOOD)["provisions"][0]["wordings"][0]["text"]
            .as_str()
            .unwrap_or_default()
    );
    let found = |e: &Engine| -> Vec<String> {
        (e.annotate(&page, "https://example.test/terms").annotations)
            .into_iter()
            .map(|a| a.provision)
            .collect()
    };
    assert_eq!(found(&by_stamp), found(&full));
    assert_eq!(found(&full).len(), 1);
}

#[test]
fn a_stamp_of_another_knowledge_base_text_or_version_or_a_malformed_one_means_a_full_check() {
    let (index, checksum) = kb_bin();
    let good = read(GOOD);
    let fresh = pack::stamp(pack::text_hash(&good), checksum, &[]);
    let other_kb = pack::stamp(pack::text_hash(&good), checksum ^ 1, &[]);
    let other_version = fresh.replacen(
        &format!("checks {}", pack::CHECKS_VERSION),
        &format!("checks {}", pack::CHECKS_VERSION + 1),
        1,
    );
    assert_ne!(other_version, fresh);
    let malformed = [
        "",
        "garbage",
        &fresh[..fresh.len() - 1],
        "termlens ☃ \u{202e}",
    ];
    for stamp in [other_kb.as_str(), &other_version]
        .into_iter()
        .chain(malformed)
    {
        let engine = stamped(&index, &[(&good, stamp)]);
        let load = &engine.pack_loads()[0];
        assert_eq!(load.checked, pack::Checked::Full, "{stamp:?}");
        assert!(
            load.error.is_none() && load.summary.is_some(),
            "{stamp:?}: kept"
        );
        assert_eq!(load.stamp.as_deref(), Some(fresh.as_str()), "{stamp:?}");
    }
    // The text edited in storage: checked in full; a near-duplicate is then found.
    let mut edited = json_of(GOOD);
    edited["name"] = json!("Edited in storage");
    let edited = edited.to_string();
    let engine = stamped(&index, &[(&edited, &fresh)]);
    let load = &engine.pack_loads()[0];
    assert_eq!(load.checked, pack::Checked::Full);
    let restamped = pack::stamp(pack::text_hash(&edited), checksum, &[]);
    assert_eq!(load.stamp.as_deref(), Some(restamped.as_str()));
    let near = near_duplicate_pack();
    let engine = stamped(&index, &[(&near, &fresh)]);
    let load = &engine.pack_loads()[0];
    assert_eq!(load.checked, pack::Checked::Full);
    assert!(load.error.is_some() && load.stamp.is_none(), "{load:?}");
}

#[test]
fn packs_imported_in_turn_are_stamped_against_the_packs_before_them() {
    let (index, _) = kb_bin();
    let first = read(GOOD);
    let second = read(HOSTILE);
    // A pack adding a provision to the first pack's document: it needs that pack.
    let mut addendum = json_of(GOOD);
    addendum["id"] = json!("example-test-vendor-addendum");
    addendum["platforms"] = json!([]);
    addendum["provisions"] = json!([addendum["provisions"][0].clone()]);
    addendum["provisions"][0]["id"] = json!("example-test-vendor.addendum");
    addendum["provisions"][0]["wordings"][0]["text"] = json!(
        "Example Test Vendor may suspend any account whose owner fails to pay two consecutive invoices within thirty days of their issue date."
    );
    let addendum = addendum.to_string();

    let none = Engine::from_kb_bin(index.as_slice(), &[]).expect("reads");
    let first_stamp = none
        .check_pack(&first)
        .expect("valid")
        .stamp
        .expect("stamp");
    let one = stamped(&index, &[(&first, &first_stamp)]);
    let second_stamp = one
        .check_pack(&second)
        .expect("valid")
        .stamp
        .expect("stamp");
    let addendum_stamp = one
        .check_pack(&addendum)
        .expect("valid")
        .stamp
        .expect("stamp");
    assert!(none.check_pack(&addendum).is_err(), "needs the first pack");

    let all = stamped(
        &index,
        &[
            (&first, &first_stamp),
            (&second, &second_stamp),
            (&addendum, ""),
        ],
    );
    let checked: Vec<pack::Checked> = all.pack_loads().iter().map(|l| l.checked).collect();
    assert_eq!(
        checked,
        [
            pack::Checked::Stamp,
            pack::Checked::Stamp,
            pack::Checked::Full
        ]
    );
    assert!(
        all.pack_loads().iter().all(|l| l.error.is_none()),
        "{:?}",
        all.pack_loads()
    );

    // The first pack removed: the others' stamps no longer hold; each is
    // checked in full against what is loaded now.
    let without = stamped(
        &index,
        &[(&second, &second_stamp), (&addendum, &addendum_stamp)],
    );
    let loads = without.pack_loads();
    assert_eq!(loads[0].checked, pack::Checked::Full);
    assert!(loads[0].error.is_none());
    let alone = pack::stamp(pack::text_hash(&second), kb_bin().1, &[]);
    assert_eq!(loads[0].stamp.as_deref(), Some(alone.as_str()));
    assert_ne!(alone, second_stamp);
    assert_eq!(loads[1].checked, pack::Checked::Full);
    let error = loads[1].error.as_deref().unwrap_or_default();
    assert!(error.contains("unknown platform"), "{error}");
    assert_eq!(loads[1].stamp, None);
}

#[test]
fn an_engine_read_from_kb_json_checks_every_pack_in_full_and_stamps_none() {
    let good = read(GOOD);
    let engine = Engine::with_packs(knowledge_base().kb, &[&good]);
    let load = &engine.pack_loads()[0];
    assert_eq!(
        (load.checked, load.stamp.as_deref()),
        (pack::Checked::Full, None)
    );
    let bare = Engine::with_packs(knowledge_base().kb, &[]);
    assert_eq!(bare.check_pack(&good).expect("valid").stamp, None);
}

/// The example pack holding one provision per text of `texts` (short fields,
/// so that a thousand entries stay under the size limit).
fn pack_restating(id: &str, texts: &[String]) -> String {
    let mut v = json_of(GOOD);
    v["id"] = json!(id);
    let mut template = v["provisions"][0].clone();
    for field in ["explanation", "why_it_matters", "uncertainty"] {
        template[field] = json!("A fictional test entry.");
    }
    let provisions: Vec<Value> = (texts.iter().enumerate())
        .map(|(i, text)| {
            let mut p = template.clone();
            p["id"] = json!(format!("example-test-vendor.{id}-{i}"));
            p["wordings"] = json!([{ "text": text, "versions": ["2026-11-01"] }]);
            p
        })
        .collect();
    v["provisions"] = json!(provisions);
    v.to_string()
}

/// Texts restating `wordings` every way the checks tell: whole, with words
/// added, with one word changed, in part, and with their words reversed.
fn restated(wordings: &[&str]) -> Vec<String> {
    (wordings.iter().enumerate())
        .map(|(n, text)| {
            let words: Vec<&str> = text.split_whitespace().collect();
            match n % 5 {
                0 => text.to_string(),
                1 => format!("{text} as agreed in writing"),
                2 => {
                    let mut changed = words.clone();
                    changed[words.len() / 2] = "zyzzyva";
                    changed.join(" ")
                }
                3 => words[..words.len() * 2 / 3].join(" "),
                _ => words.iter().rev().copied().collect::<Vec<_>>().join(" "),
            }
        })
        .collect()
}

/// The pack checks by the engine's word ids (the matcher read from kb.bin)
/// give the verdicts of the checks by the texts, problem for problem: packs
/// restating every built-in wording, paragraphs of the corpus (which hold
/// built-in clauses whole), a second pack restating a first, and the
/// built-in wordings' near-duplicates among themselves.
#[test]
fn the_checks_by_word_ids_give_the_verdicts_of_the_checks_by_the_texts() {
    use termlens::kb::near;
    let (index, _) = kb_bin();
    let engine = Engine::from_kb_bin(index.as_slice(), &[]).expect("reads");
    let kb = engine.kb();
    let builtin: Vec<&str> = (kb.provisions.iter())
        .flat_map(|p| p.wordings.iter().map(|w| w.text.as_str()))
        .collect();
    let mut texts = restated(&builtin);
    if !common::skip_without_corpus() {
        for (vendor, document) in common::corpus_folders() {
            let dir = common::corpus().join(&vendor).join(&document);
            let mut versions: Vec<_> = (std::fs::read_dir(&dir).into_iter().flatten())
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "md"))
                .collect();
            versions.sort();
            let Some(latest) = versions.last() else {
                continue;
            };
            let text = std::fs::read_to_string(latest).unwrap_or_default();
            texts.extend(
                (text.split("\n\n"))
                    .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
                    .filter(|p| p.split(' ').count() >= 12 && p.len() < 4000)
                    .take(60),
            );
        }
    }
    use termlens::kb::{KbErrorKind, near::Likeness};
    // Each kind of verdict, counted: the same quote, contains, part of, shares.
    let mut kinds = [0usize; 4];
    // Chunks that keep each pack under its size limit.
    for (n, chunk) in texts.chunks(300).enumerate() {
        let json = pack_restating(&format!("p{n}"), chunk);
        let by_text = pack::validate(&json, kb, &[]).map(|p| p.summary());
        let by_ids = pack::validate_by_ids(&json, kb, &[], engine.matcher()).map(|p| p.summary());
        assert_eq!(by_ids, by_text, "pack {n}");
        for problem in by_text.err().iter().flat_map(|e| e.problems()) {
            match &*problem.kind {
                KbErrorKind::SameQuote(..) => kinds[0] += 1,
                KbErrorKind::NearDuplicate(Likeness::Contains, ..) => kinds[1] += 1,
                KbErrorKind::NearDuplicate(Likeness::PartOf, ..) => kinds[2] += 1,
                KbErrorKind::NearDuplicate(Likeness::Shares(_), ..) => kinds[3] += 1,
                _ => {}
            }
        }
    }
    eprintln!(
        "verdicts by the texts and by the ids, over {} texts: the same quote, contains, part of, shares: {kinds:?}",
        texts.len()
    );
    assert!(kinds.iter().all(|&k| k > 50), "{kinds:?}");

    // A second pack restating the first: checked against the first's
    // wordings, which the matcher read from kb.bin does not hold.
    let first_texts: Vec<String> = texts.iter().skip(1).step_by(5).take(200).cloned().collect();
    let first = pack_restating("first", &first_texts);
    let first_refs: Vec<&str> = first_texts.iter().map(String::as_str).collect();
    let second = pack_restating("second", &restated(&first_refs));
    let (_, _, by_text) = pack::apply(kb.clone(), &[&first, &second]);
    let by_ids = Engine::from_kb_bin(index.as_slice(), &[&first, &second]).expect("reads");
    let errors = |loads: &[pack::PackLoad]| -> Vec<Option<String>> {
        loads.iter().map(|l| l.error.clone()).collect()
    };
    assert_eq!(errors(by_ids.pack_loads()), errors(&by_text));
    assert!(by_text[1].error.is_some());
    // At import, on an engine holding the first pack (its wordings in the
    // matcher's pack table).
    let one = Engine::from_kb_bin(index.as_slice(), &[&first]).expect("reads");
    let loaded = ["first".to_string()];
    assert_eq!(
        one.validate_pack(&second).map(|p| p.summary()),
        pack::validate(&second, one.kb(), &loaded).map(|p| p.summary())
    );

    // The probes as run (postings of the new wordings' words only, words
    // ranked by their keys) and as the reference runs them (every set ranked,
    // every word's postings): each chunk after the built-in wordings, and
    // every wording checked against the ones before it.
    let mut numbers: std::collections::HashMap<String, u32> = Default::default();
    let mut number = |text: &str| -> Vec<u32> {
        (termlens::text::Words::new(text).iter())
            .map(|w| {
                let next = numbers.len() as u32;
                *numbers.entry(w.norm.clone()).or_insert(next)
            })
            .collect()
    };
    let base: Vec<(usize, Vec<u32>)> = (kb.provisions.iter().enumerate())
        .flat_map(|(i, p)| p.wordings.iter().map(move |w| (i, w.text.clone())))
        .map(|(i, text)| (i, number(&text)))
        .collect();
    let mut compared = 0;
    for chunk in texts.chunks(300) {
        let mut all = base.clone();
        let owner = kb.provisions.len();
        all.extend(
            chunk
                .iter()
                .enumerate()
                .map(|(k, t)| (owner + k, number(t))),
        );
        let list: Vec<(usize, &[u32])> = all.iter().map(|(o, ids)| (*o, ids.as_slice())).collect();
        for first_new in [base.len(), 0] {
            let fast = near::near_duplicates_in_ids(&list, first_new);
            assert_eq!(fast, near::near_duplicates_reference(&list, first_new));
            compared += fast.len();
        }
    }
    assert!(
        compared > texts.len() / 2,
        "{compared} near-duplicates compared"
    );

    // The built-in wordings among themselves.
    let ids: Vec<(usize, Vec<u32>)> = {
        let mut ids: Vec<(usize, usize, Vec<u32>)> = (engine.matcher().wording_ids())
            .map(|(p, w, ids)| (p, w, ids.to_vec()))
            .collect();
        ids.sort_by_key(|&(p, w, _)| (p, w));
        ids.into_iter().map(|(p, _, ids)| (p, ids)).collect()
    };
    let list: Vec<(usize, &[u32])> = ids.iter().map(|(p, ids)| (*p, ids.as_slice())).collect();
    let owned: Vec<(usize, &str)> = (kb.provisions.iter().enumerate())
        .flat_map(|(i, p)| p.wordings.iter().map(move |w| (i, w.text.as_str())))
        .collect();
    assert_eq!(
        near::near_duplicates_in_ids(&list, 0),
        near::near_duplicates(&owned, 0)
    );
}
