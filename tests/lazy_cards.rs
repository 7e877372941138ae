//! The engine read with its card content left in the JSON text
//! (`Engine::from_compiled`) answers exactly as the engine read in full
//! (`Engine::from_json`): every provision's card, annotations of real pages,
//! lookups and facets, with and without a pack, on the real knowledge base.

mod common;

use serde_json::Value;
use termlens::engine::Engine;
use termlens::lookup::Filters;

/// The compiled knowledge base as `kb compile` writes it (history attached,
/// comparisons ranked).
fn compiled() -> String {
    let mut loaded = common::knowledge_base();
    termlens::build::history::attach(&mut loaded.kb, &common::repo().join("data"))
        .expect("history");
    loaded.kb.rank_comparisons();
    loaded.kb.to_json().expect("serialises")
}

fn value<T: serde::Serialize + ?Sized>(x: &T) -> Value {
    serde_json::to_value(x).expect("serialises")
}

const PACK: &str = "tests/fixtures/packs/example-test-vendor.json";
const PAGE: &str = "tests/fixtures/pages/anthropic-commercial-terms/2026-08-20.html";

fn pages() -> Vec<String> {
    let mut texts = vec![termlens::extract::read_text(&common::repo().join(PAGE)).expect("page")];
    if !common::skip_without_corpus() {
        for rel in [
            "aws/service-terms/2026-08-21.md",
            "openai/terms-of-use/2026-07-25.md",
        ] {
            if let Ok(t) = std::fs::read_to_string(common::corpus().join(rel)) {
                texts.push(t);
            }
        }
    }
    texts
}

fn same_answers(eager: &Engine, lazy: &Engine) {
    let kb = eager.kb();
    assert!(kb.provisions.len() > 100, "the real knowledge base");
    assert_eq!(kb.provisions.len(), lazy.kb().provisions.len());
    let mut with_history = 0;
    for p in &kb.provisions {
        let card = eager.card(&p.id).expect("a card");
        with_history += usize::from(card.history.is_some());
        assert_eq!(
            value(&card),
            value(&lazy.card(&p.id).expect("a card")),
            "{}",
            p.id
        );
    }
    assert!(with_history > 0, "cards with a history were compared");
    assert!(lazy.card("no.such-provision").is_none());
    for text in pages() {
        let a = eager.annotate(&text, "");
        assert!(!a.annotations.is_empty(), "the page has known provisions");
        assert_eq!(value(&a), value(&lazy.annotate(&text, "")));
    }
    for query in [
        "training on your data",
        "arbitration",
        "indemnify",
        "delete my account",
    ] {
        let hits = eager.lookup(query, &Filters::default(), 10);
        assert!(!hits.is_empty(), "{query}");
        assert_eq!(
            value(&hits),
            value(&lazy.lookup(query, &Filters::default(), 10)),
            "{query}"
        );
    }
    assert_eq!(value(&eager.facets()), value(&lazy.facets()));
}

#[test]
fn cards_read_on_demand_equal_the_cards_read_in_full() {
    let json = compiled();
    let eager = Engine::from_json(&json).expect("reads");
    let lazy = Engine::from_compiled(json, &[]).expect("reads");
    same_answers(&eager, &lazy);
}

#[test]
fn with_a_pack_cards_read_on_demand_equal_the_cards_read_in_full() {
    let json = compiled();
    let pack = std::fs::read_to_string(common::repo().join(PACK)).expect("fixture");
    let base = termlens::kb::KnowledgeBase::from_json(&json).expect("reads");
    let eager = Engine::with_packs(base, &[&pack]);
    let lazy = Engine::from_compiled(json, &[&pack]).expect("reads");
    assert_eq!(value(eager.pack_loads()), value(lazy.pack_loads()));
    assert!(lazy.pack_loads()[0].error.is_none(), "the pack loads");
    same_answers(&eager, &lazy);
}

#[test]
fn a_broken_compiled_file_is_the_same_error_either_way() {
    let json = compiled();
    let cut = json[..json.len() / 2].to_string();
    assert!(Engine::from_json(&cut).is_err());
    assert!(Engine::from_compiled(cut, &[]).is_err());
    let old = json.replacen("\"format\":1", "\"format\":0", 1);
    assert_ne!(old, json, "the format field is where expected");
    let (a, b) = (
        Engine::from_json(&old).err(),
        Engine::from_compiled(old, &[]).err(),
    );
    assert_eq!(a.map(|e| e.to_string()), b.map(|e| e.to_string()));
}
