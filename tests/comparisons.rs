//! Comparisons are ranked in the core: shared main topic first, then the
//! closeness of the clauses, then platform id; the default list is capped
//! and holds one clause per platform, and the rest stays reachable.

mod common;

use termlens::kb::compare::{self, DEFAULT_COMPARISONS, Share};
use termlens::kb::{KnowledgeBase, Provision};

const BASE: &str = "you may not use the service or any output to develop train or improve a model that competes with the vendor";

fn provision(id: &str, topics: &[&str], text: &str) -> Provision {
    let mut p = common::knowledge_base().kb.provisions[0].clone();
    p.id = id.into();
    p.platform = id.split('.').next().unwrap_or_default().into();
    p.topics = topics.iter().map(|t| t.to_string()).collect();
    p.wordings.truncate(1);
    p.wordings[0].text = text.into();
    p
}

fn kb(provisions: Vec<Provision>) -> KnowledgeBase {
    let mut kb = common::knowledge_base().kb;
    kb.provisions = provisions;
    kb.secondary.clear();
    kb
}

/// The first `n` words of the base clause followed by unrelated words: a
/// clause closer to the base the larger `n` is.
fn near(n: usize) -> String {
    let words: Vec<&str> = BASE.split(' ').collect();
    let filler = [
        "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
        "juliet", "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra",
        "tango",
    ];
    let mut out: Vec<&str> = words[..n].to_vec();
    out.extend(&filler[..words.len() - n]);
    out.join(" ")
}

#[test]
fn the_main_topic_ranks_before_closeness_and_closeness_before_platform() {
    let me = provision("aws.me", &["competing-models", "distillation"], BASE);
    let kb = kb(vec![
        me.clone(),
        provision("openai.main-far", &["competing-models"], &near(4)),
        provision("google.main-near", &["competing-models"], &near(15)),
        provision(
            "meta.main-among-others",
            &["distillation", "competing-models"],
            BASE,
        ),
        provision("xai.other-topic", &["distillation"], BASE),
        provision("aws.same-platform", &["competing-models"], BASE),
    ]);
    let ranked = compare::rank(&kb, &me);
    let ids: Vec<&str> = ranked.iter().map(|c| c.id).collect();
    assert_eq!(
        ids,
        [
            "google.main-near",
            "openai.main-far",
            "meta.main-among-others",
            "xai.other-topic"
        ]
    );
    assert_eq!(ranked[0].share, Share::MainTopic);
    assert!(ranked[0].closeness > ranked[1].closeness);
    assert_eq!(ranked[2].share, Share::MainAmongOthers);
    assert_eq!(ranked[3].share, Share::OtherTopic);
    // Equal closeness: platform id decides.
    let kb = kb_ties(&me);
    let ids: Vec<&str> = compare::rank(&kb, &me).iter().map(|c| c.id).collect();
    assert_eq!(ids, ["google.tie", "meta.tie", "openai.tie"]);
}

fn kb_ties(me: &Provision) -> KnowledgeBase {
    kb(vec![
        me.clone(),
        provision("openai.tie", &["competing-models"], &near(10)),
        provision("google.tie", &["competing-models"], &near(10)),
        provision("meta.tie", &["competing-models"], &near(10)),
    ])
}

#[test]
fn the_default_list_is_capped_with_one_clause_per_platform() {
    let me = provision("aws.me", &["competing-models"], BASE);
    let platforms = [
        "anthropic",
        "deepseek",
        "google",
        "meta",
        "microsoft",
        "mistral",
        "openai",
        "xai",
    ];
    let mut all = vec![me.clone()];
    for (i, pl) in platforms.iter().enumerate() {
        all.push(provision(
            &format!("{pl}.a"),
            &["competing-models"],
            &near(5 + i),
        ));
        all.push(provision(
            &format!("{pl}.b"),
            &["competing-models"],
            &near(4 + i),
        ));
    }
    let kb = kb(all);
    let ranked = compare::rank(&kb, &me);
    let split = compare::default_list(ranked.clone());
    assert_eq!(split.shown.len(), DEFAULT_COMPARISONS);
    let mut seen = std::collections::HashSet::new();
    assert!(
        split.shown.iter().all(|c| seen.insert(c.platform)),
        "one per platform"
    );
    // Nothing is lost: shown and more together are every candidate.
    assert_eq!(split.shown.len() + split.more.len(), ranked.len());
    // The card shows the default list first and keeps the rest.
    let card = termlens::card::card(&kb, &me);
    let shown: Vec<&str> = card
        .comparisons
        .iter()
        .map(|c| c.provision.as_str())
        .collect();
    let expected: Vec<&str> = split.shown.iter().map(|c| c.id).collect();
    assert_eq!(shown, expected);
    assert_eq!(card.more_count, split.more.len());
    let more: Vec<&str> = card.more.iter().map(|c| c.provision.as_str()).collect();
    let expected_more: Vec<&str> = split.more.iter().map(|c| c.id).collect();
    assert_eq!(more, expected_more);
    // The export carries the same ids.
    let mut exported = kb.clone();
    exported.rank_comparisons();
    assert_eq!(exported.provisions[0].comparisons, expected);
}

#[test]
fn every_real_provision_has_a_capped_default_list() {
    let mut kb = common::knowledge_base().kb;
    kb.rank_comparisons();
    for p in &kb.provisions {
        assert!(p.comparisons.len() <= DEFAULT_COMPARISONS, "{}", p.id);
        assert!(
            !p.comparisons
                .iter()
                .any(|id| id.starts_with(&format!("{}.", p.platform))),
            "{}",
            p.id
        );
    }
}

/// A card names the rest of its comparisons in rank order, at most
/// `MORE_LISTED` of them, and gives any of them whole on demand: the same
/// ids in the same order as the full ranking, cut at the bound, and each
/// comparison the same as the full ranking's.
#[test]
fn the_cards_more_is_the_full_ranking_cut_and_each_is_whole_on_demand() {
    use termlens::card::{MORE_LISTED, all_comparisons, comparison_of};
    let me = provision("acme.me", &["competing-models"], BASE);
    let mut all = vec![me.clone()];
    // More candidates than a card names, of several platforms and closeness.
    for i in 0..MORE_LISTED + 20 {
        let id = format!("p{}.c{i}", i % 7);
        all.push(provision(&id, &["competing-models"], &near(3 + i % 15)));
    }
    let kb = kb(all);
    let ranked = compare::rank(&kb, &me);
    let split = compare::default_list(ranked.clone());
    assert!(split.more.len() > MORE_LISTED, "{}", split.more.len());
    let card = termlens::card::card(&kb, &me);
    assert_eq!(card.more_count, split.more.len());
    let named: Vec<&str> = card.more.iter().map(|c| c.provision.as_str()).collect();
    let expected: Vec<&str> = split.more.iter().take(MORE_LISTED).map(|c| c.id).collect();
    assert_eq!(named, expected);
    for (m, c) in card.more.iter().zip(&split.more) {
        assert_eq!(m.closeness, c.closeness);
        assert_eq!(m.platform, c.platform);
    }
    // On demand: the same whole comparison as the full list's, clause and all.
    let whole = all_comparisons(&kb, ranked);
    assert_eq!(whole.len(), card.comparisons.len() + card.more_count);
    for m in &card.more {
        let full = whole
            .iter()
            .find(|c| c.provision == m.provision)
            .expect("listed");
        let got = comparison_of(&kb, &me.topics, &m.provision).expect("on demand");
        assert_eq!(
            serde_json::to_value(&got).ok(),
            serde_json::to_value(full).ok()
        );
        assert_eq!(got.title, m.title);
        assert!(!got.clause.is_empty());
    }
    // An unknown id, or one sharing no topic, has no comparison.
    assert!(comparison_of(&kb, &me.topics, "no.such").is_none());
    assert!(comparison_of(&kb, &["governing-law".to_string()], "p1.c1").is_none());
}

/// On the real knowledge base, every card's `more` is its full ranking cut,
/// and each named comparison is given whole as the card's own list had it.
#[test]
fn real_cards_name_their_more_in_rank_order() {
    use termlens::card::{MORE_LISTED, comparison_of};
    let kb = common::knowledge_base().kb;
    for p in &kb.provisions {
        let split = compare::default_list(compare::rank(&kb, p));
        let card = termlens::card::card(&kb, p);
        let named: Vec<&str> = card.more.iter().map(|c| c.provision.as_str()).collect();
        let expected: Vec<&str> = split.more.iter().take(MORE_LISTED).map(|c| c.id).collect();
        assert_eq!(named, expected, "{}", p.id);
        assert_eq!(card.more_count, split.more.len(), "{}", p.id);
        if let Some(m) = card.more.first() {
            let c = comparison_of(&kb, &p.topics, &m.provision).expect("on demand");
            assert_eq!(c.title, m.title, "{}", p.id);
            assert_eq!(c.platform_name, m.platform_name, "{}", p.id);
        }
    }
}
