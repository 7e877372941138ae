//! How the matcher treats page structure, generic phrases and hostile input.

mod common;

use termlens::engine::Engine;
use termlens::extract::html_text;
use termlens::matcher::{Op, Status};

fn engine() -> Engine {
    Engine::new(common::knowledge_base().kb)
}

const EXTRACTION: &str = "aws.ai-services-model-extraction";

fn newest(engine: &Engine, id: &str) -> String {
    engine.kb().provision(id).expect("provision").wordings[0]
        .text
        .clone()
}

#[test]
fn a_clause_split_across_inline_elements_matches_exactly() {
    let e = engine();
    let clause = newest(&e, EXTRACTION);
    // Wrap every third word in a different inline element.
    let html: String = clause
        .split(' ')
        .enumerate()
        .map(|(i, w)| match i % 3 {
            0 => format!("<strong>{w}</strong>"),
            1 => format!("<a href=\"#x\">{w}</a>"),
            _ => format!("<span class=\"s\">{w}</span>"),
        })
        .collect::<Vec<_>>()
        .join(" ");
    let text = html_text(&format!(
        "<html><body><p><b>50.11.</b> {html}</p></body></html>"
    ));
    let r = e.annotate(&text, "");
    let a = r
        .annotations
        .iter()
        .find(|a| a.provision == EXTRACTION)
        .expect("found");
    assert_eq!(a.status, Status::Exact);
    assert_eq!(common::norm(&a.text), common::norm(&clause));
}

#[test]
fn offsets_are_utf16_and_slice_the_clause() {
    let e = engine();
    let clause = newest(&e, EXTRACTION);
    // Astral-plane characters before the clause shift UTF-16 offsets from char offsets.
    let text = format!("𝐓𝐞𝐫𝐦𝐬 😀 intro.\n{clause}\nAfter.");
    let a = e
        .annotate(&text, "")
        .annotations
        .into_iter()
        .find(|a| a.provision == EXTRACTION)
        .expect("found");
    let utf16: Vec<u16> = text.encode_utf16().collect();
    let slice =
        String::from_utf16(&utf16[a.start as usize..a.end as usize]).expect("valid UTF-16 range");
    assert_eq!(slice, clause.trim_end_matches('.'));
}

#[test]
fn typography_and_numbering_do_not_prevent_an_exact_match() {
    let e = engine();
    let clause = newest(&e, "anthropic.commercial-competing-use");
    let styled = clause
        .replace('’', "'")
        .replace(' ', "\u{a0}")
        .replace("(a)", "\n(a)")
        .replace("Customer", "CUSTOMER");
    let a = e.annotate(&format!("D.4. {styled}"), "").annotations;
    assert!(
        a.iter()
            .any(|a| a.provision == "anthropic.commercial-competing-use"
                && a.status == Status::Exact),
        "{a:?}"
    );
}

#[test]
fn a_generic_phrase_shared_by_many_clauses_is_not_an_annotation() {
    let e = engine();
    // The phrase that ends each of AWS's "competing product" clauses, on an
    // AWS page (where changed clauses count), with filler around it.
    let shared =
        "directly or indirectly, develop or improve a similar or competing product or service";
    let holders = e
        .kb()
        .provisions
        .iter()
        .filter(|p| p.wordings[0].text.contains(shared))
        .count();
    assert!(holders >= 3, "the phrase is in {holders} clauses");
    let page = format!("Welcome. Customers may not, {shared}. Thanks for reading.");
    let found: Vec<String> = e
        .annotate(&page, "https://aws.amazon.com/service-terms/")
        .annotations
        .into_iter()
        .map(|a| a.provision)
        .collect();
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn a_third_of_a_clause_is_not_an_annotation_but_two_thirds_is_a_change() {
    let e = engine();
    let clause = newest(&e, "anthropic.commercial-ip-indemnity");
    let words: Vec<&str> = clause.split(' ').collect();
    let third = words[..words.len() / 3].join(" ");
    assert!(e.annotate(&third, "").annotations.is_empty());
    let two_thirds = words[..words.len() * 2 / 3].join(" ");
    let a = e
        .annotate(
            &two_thirds,
            "https://www.anthropic.com/legal/commercial-terms",
        )
        .annotations;
    assert_eq!(a.len(), 1, "{a:?}");
    assert_eq!(a[0].status, Status::Changed);
    assert!(a[0].diff.last().is_some_and(|d| d.op == Op::Delete));
}

#[test]
fn a_changed_clause_reports_the_changed_words_on_the_page() {
    let e = engine();
    let clause = newest(&e, EXTRACTION);
    let edited = clause.replace("model weights", "model weights, embeddings or logits");
    let r = e.annotate(&edited, "https://aws.amazon.com/service-terms/");
    let a = r
        .annotations
        .iter()
        .find(|a| a.provision == EXTRACTION)
        .expect("found");
    assert_eq!(a.status, Status::Changed);
    let inserted = common::ops(a, Op::Insert);
    assert_eq!(inserted, ["embeddings or logits"]);
    let utf16: Vec<u16> = edited.encode_utf16().collect();
    let changed: Vec<String> = a
        .changes
        .iter()
        .map(|c| String::from_utf16_lossy(&utf16[c.start as usize..c.end as usize]))
        .collect();
    assert_eq!(changed, ["embeddings or logits"]);
}

#[test]
fn a_changed_clause_of_another_platform_is_not_reported() {
    let e = engine();
    let clause = newest(&e, EXTRACTION);
    let edited = clause.replace("model weights", "model weights, embeddings or logits");
    // The same edited text on an OpenAI page is not AWS's clause.
    let r = e.annotate(&edited, "https://openai.com/policies/services-agreement/");
    assert!(r.annotations.is_empty(), "{:?}", r.annotations);
    assert_eq!(r.document.map(|d| d.platform), Some("openai".to_string()));
}

#[test]
fn hostile_text_gives_a_result_not_a_panic() {
    let e = engine();
    let inputs = [
        String::new(),
        "\u{202e}\u{200b}\u{feff}\u{ad}".repeat(1000),
        "a\u{301}\u{302}\u{303}".repeat(10_000),
        "x".repeat(2_000_000),
        "(i) (ii) (iii) 1. 2. 3.\n".repeat(20_000),
        "مرحبا بالعالم ".repeat(5_000),
        format!("\u{fffd}{}", "𝐀".repeat(50_000)),
    ];
    for text in &inputs {
        let r = e.annotate(text, "not a url at all");
        let units = text.encode_utf16().count() as u32;
        for a in r.annotations {
            assert!(a.start <= a.end && a.end <= units);
        }
    }
}

#[test]
fn cards_compare_other_platforms_on_shared_topics() {
    let e = engine();
    let card = e.card("aws.ai-services-model-extraction").expect("card");
    assert!(!card.comparisons.is_empty());
    let kb = e.kb();
    for c in &card.comparisons {
        let other = kb
            .provision(&c.provision)
            .expect("comparison is a provision");
        assert_ne!(other.platform, "aws");
        assert!(other.topics.contains(&c.topic));
        assert!(card.topics.iter().any(|t| t.id == c.topic));
        assert_eq!(c.clause, other.wordings[0].text);
    }
    assert!(e.card("no.such-provision").is_none());
}

#[test]
fn secondary_source_quotes_are_comparisons_marked_as_such() {
    let e = engine();
    let competing = e
        .kb()
        .provisions
        .iter()
        .find(|p| p.topics.iter().any(|t| t == "competing-models"))
        .expect("a competing-models provision");
    let card = e.card(&competing.id).expect("card");
    // Every comparison, whole (what an export carries).
    let all = e.comparisons(&competing.id).expect("comparisons");
    assert_eq!(all.len(), card.comparisons.len() + card.more_count);
    let secondary: Vec<_> = all.iter().filter(|c| c.secondary).collect();
    // The card shows each first or names it behind "more", and gives it whole on
    // demand, marked as secondary.
    let topics: Vec<String> = card.topics.iter().map(|t| t.id.clone()).collect();
    for c in &secondary {
        let shown = card.comparisons.iter().any(|x| x.provision == c.provision);
        let named = card
            .more
            .iter()
            .any(|m| m.provision == c.provision && m.secondary);
        assert!(shown || named, "{}", c.provision);
        let whole = e.comparison(&topics, &c.provision).expect("on demand");
        assert!(
            whole.secondary && whole.clause == c.clause,
            "{}",
            c.provision
        );
    }
    let names: Vec<&str> = secondary.iter().map(|c| c.platform_name.as_str()).collect();
    assert!(
        names.contains(&"Runway") && names.contains(&"AI21 Labs"),
        "{names:?}"
    );
    for c in &secondary {
        assert!(
            c.source_note
                .as_deref()
                .is_some_and(|n| n.contains("not checked"))
        );
        assert!(
            e.kb().provision(&c.provision).is_none(),
            "a secondary quote is not a matchable provision"
        );
    }
    assert!(
        card.comparisons
            .iter()
            .filter(|c| !c.secondary)
            .all(|c| c.source_note.is_none())
    );
}

#[test]
fn the_most_specific_url_pattern_names_the_document() {
    let e = engine();
    let doc = |url: &str| e.annotate("", url).document.map(|d| d.id);
    assert_eq!(
        doc("https://mistral.ai/terms-of-service/").as_deref(),
        Some("mistral/la-plateforme-terms")
    );
    assert_eq!(
        doc("https://mistral.ai/terms/").as_deref(),
        Some("mistral/consumer-terms")
    );
    assert_eq!(
        doc("https://x.ai/legal/terms-of-service-enterprise").as_deref(),
        Some("xai/terms-of-service-enterprise")
    );
    assert_eq!(
        doc("https://x.ai/legal/terms-of-service").as_deref(),
        Some("xai/terms-of-service-consumer")
    );
    assert_eq!(doc("https://example.com/legal/terms"), None);
}

/// The engine aligns changed clauses only for the page's own document, after the
/// exact matches. Against the exhaustive search (`Matcher::find` aligns
/// every candidate) followed by the engine's documented rule (an exact match counts
/// anywhere; a changed one only for the document with the most exact matches, and
/// not over an exact one), the annotations must be the same, on every version of
/// every corpus document.
#[test]
fn aligning_only_the_page_document_finds_what_the_exhaustive_search_finds() {
    if common::skip_without_corpus() {
        return;
    }
    use std::collections::HashMap;
    use termlens::text::Words;
    let e = engine();
    let mut pages = 0;
    let mut changed_seen = 0;
    for (vendor, document) in common::corpus_folders() {
        let folder = common::corpus().join(&vendor).join(&document);
        for path in common::folder_versions(&folder) {
            let original = termlens::extract::read_text(&path).expect("corpus text");
            // Also an edited copy (every 23rd word dropped), where most clauses are changed.
            let edited: String = original
                .split(' ')
                .enumerate()
                .filter(|(i, _)| i % 23 != 22)
                .map(|(_, w)| w)
                .collect::<Vec<_>>()
                .join(" ");
            for text in [original, edited] {
                let words = Words::new(&text);
                let all = e.matcher().find(e.kb(), &text, &words);
                let exact: Vec<_> = all.iter().filter(|f| f.status == Status::Exact).collect();
                let mut counts: HashMap<&str, usize> = HashMap::new();
                for f in &exact {
                    *counts
                        .entry(e.kb().provisions[f.provision].document.as_str())
                        .or_default() += 1;
                }
                let best = counts.values().copied().max();
                let leaders: Vec<&str> = counts
                    .iter()
                    .filter(|(_, n)| Some(**n) == best)
                    .map(|(d, _)| *d)
                    .collect();
                let own = (leaders.len() == 1).then(|| leaders[0]);
                let expected: Vec<(String, u32, u32, Status)> = all
                    .iter()
                    .filter(|f| {
                        f.status == Status::Exact
                            || (Some(e.kb().provisions[f.provision].document.as_str()) == own
                                && !exact.iter().any(|x| {
                                    x.span.start < f.span.end && f.span.start < x.span.end
                                }))
                    })
                    .map(|f| {
                        (
                            e.kb().provisions[f.provision].id.clone(),
                            f.span.start,
                            f.span.end,
                            f.status,
                        )
                    })
                    .collect();
                let got: Vec<(String, u32, u32, Status)> = e
                    .annotate_words(&text, &words, "")
                    .annotations
                    .into_iter()
                    .map(|a| (a.provision, a.start, a.end, a.status))
                    .collect();
                assert_eq!(got, expected, "{}", path.display());
                pages += 1;
                changed_seen += got.iter().filter(|a| a.3 == Status::Changed).count();
            }
        }
    }
    assert!(pages > 500, "only {pages} corpus pages read");
    assert!(
        changed_seen > 50,
        "only {changed_seen} changed clauses: the comparison proves little"
    );
}

#[test]
fn a_changed_clause_is_quoted_with_the_page_punctuation() {
    let e = engine();
    let clause = newest(&e, EXTRACTION);
    let edited = clause.replace("model weights", "model weights, “embeddings” — or logits,");
    assert_ne!(
        edited, clause,
        "the clause no longer says \"model weights\""
    );
    let r = e.annotate(&edited, "https://aws.amazon.com/service-terms/");
    let a = r
        .annotations
        .iter()
        .find(|a| a.provision == EXTRACTION)
        .expect("found");
    assert_eq!(a.status, Status::Changed);
    // The page's side of the word diff (equal and inserted runs), joined by
    // spaces as the card joins them, is the page's text: no comma, quote or
    // dash lost.
    let page: Vec<&str> = a
        .diff
        .iter()
        .filter(|d| d.op != Op::Delete)
        .map(|d| d.text.as_str())
        .collect();
    let tidy = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        page.join(" ").contains(&tidy(&a.text)),
        "{:?}\nvs page {:?}",
        page.join(" "),
        a.text
    );
    assert!(
        page.join(" ")
            .contains("model weights, “embeddings” — or logits,")
    );
}
