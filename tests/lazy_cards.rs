//! The engine read with its card content left in the JSON text
//! (`Engine::from_compiled`), and the engine read from the compiled index with
//! its card content in the card store (`Engine::from_kb_bin`, kb.bin and
//! cards.bin), answer exactly as the engine read in full (`Engine::from_json`):
//! every provision's card, annotations of real pages (every corpus version for
//! the compiled index), lookups and facets, with and without a pack, on the
//! real knowledge base. Broken compiled files are refused, never a panic.

mod common;

use proptest::prelude::*;
use serde_json::Value;
use termlens::card::Card;
use termlens::engine::Engine;
use termlens::kb::binary;
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

/// The card of `id` from an engine made by `Engine::from_kb_bin`, given its
/// block of `cards` (the whole cards.bin) when it needs one.
fn card_from_store(engine: &Engine, cards: &[u8], id: &str) -> Option<Card> {
    match engine.card_range(id) {
        Some(range) => engine
            .card_from_block(id, &cards[range])
            .expect("a block of the same build"),
        None => engine.card(id),
    }
}

fn same_answers(eager: &Engine, lazy: &Engine) {
    same_answers_with(eager, lazy, |id| lazy.card(id));
}

fn same_answers_with(eager: &Engine, lazy: &Engine, lazy_card: impl Fn(&str) -> Option<Card>) {
    let kb = eager.kb();
    assert!(kb.provisions.len() > 100, "the real knowledge base");
    assert_eq!(kb.provisions.len(), lazy.kb().provisions.len());
    let mut with_history = 0;
    for p in &kb.provisions {
        let card = eager.card(&p.id).expect("a card");
        with_history += usize::from(card.history.is_some());
        // The engine ranks comparisons by word ids; the card built directly
        // ranks them by splitting every clause: the same card.
        assert_eq!(
            value(&card),
            value(&termlens::card::card(kb, p)),
            "{}",
            p.id
        );
        assert_eq!(
            value(&card),
            value(&lazy_card(&p.id).expect("a card")),
            "{}",
            p.id
        );
    }
    assert!(with_history > 0, "cards with a history were compared");
    assert!(lazy_card("no.such-provision").is_none());
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

/// (kb.bin, cards.bin) of the compiled knowledge base.
fn binary_files(json: &str) -> (Vec<u8>, Vec<u8>) {
    let kb = termlens::kb::KnowledgeBase::from_json(json).expect("reads");
    binary::write(&kb).expect("writes")
}

#[test]
fn the_compiled_index_answers_as_kb_json() {
    let json = compiled();
    let (index, cards) = binary_files(&json);
    let eager = Engine::from_json(&json).expect("reads");
    let mut compiled = Engine::from_kb_bin(index.as_slice(), &[]).expect("reads");
    // The explanations are in cards.bin: a lookup before it is read has none
    // to index, and reading it makes the lookup index again.
    let query = "plain language explanation of what the vendor may do";
    let before = compiled.lookup(query, &Filters::default(), 10);
    assert!(
        compiled
            .kb()
            .provisions
            .iter()
            .all(|p| p.explanation.is_empty())
    );
    compiled
        .read_cards(cards.as_slice())
        .expect("the cards of this build");
    assert_ne!(
        value(&before),
        value(&compiled.lookup(query, &Filters::default(), 10))
    );
    let first = &eager.kb().provisions[0].id;
    assert!(
        compiled.card_range(first).is_some(),
        "cards are in the store"
    );
    assert!(compiled.card(first).is_none(), "no card without its block");
    same_answers_with(&eager, &compiled, |id| {
        card_from_store(&compiled, &cards, id)
    });
}

/// A block that fails its checksum is an error for that card alone; the card
/// without it has what kb.bin holds and says why, and the others are whole.
#[test]
fn a_damaged_block_gives_a_card_without_it_that_says_why() {
    let json = compiled();
    let (index, mut cards) = binary_files(&json);
    let eager = Engine::from_json(&json).expect("reads");
    let mut compiled = Engine::from_kb_bin(index.as_slice(), &[]).expect("reads");
    compiled.read_cards(cards.as_slice()).expect("reads");
    let [first, second] = [0, 1].map(|i| eager.kb().provisions[i].id.clone());
    let range = compiled.card_range(&first).expect("a block");
    cards[(range.start + range.end) / 2] ^= 0xff;
    let err = compiled
        .card_from_block(&first, &cards[range])
        .expect_err("a damaged block is refused");
    let why = err.to_string();
    assert!(why.contains("checksum"), "{why}");
    let whole = eager.card(&first).expect("a card");
    let partial = compiled.card_without_block(&first, &why).expect("a card");
    assert_eq!(partial.unavailable.as_deref(), Some(why.as_str()));
    assert_eq!(partial.explanation, whole.explanation);
    assert_eq!(partial.clause, whole.clause);
    assert_eq!(value(&partial.comparisons), value(&whole.comparisons));
    assert!(partial.why_it_matters.is_empty() && !whole.why_it_matters.is_empty());
    assert!(whole.unavailable.is_none());
    let other = card_from_store(&compiled, &cards, &second).expect("a card");
    assert_eq!(value(&other), value(&eager.card(&second).expect("a card")));
    assert!(
        compiled
            .card_without_block("no.such-provision", &why)
            .is_none()
    );
}

#[test]
fn with_a_pack_the_compiled_index_answers_as_kb_json() {
    let json = compiled();
    let (index, cards) = binary_files(&json);
    let pack = std::fs::read_to_string(common::repo().join(PACK)).expect("fixture");
    let base = termlens::kb::KnowledgeBase::from_json(&json).expect("reads");
    let eager = Engine::with_packs(base, &[&pack]);
    let mut compiled = Engine::from_kb_bin(index.as_slice(), &[&pack]).expect("reads");
    compiled.read_cards(cards.as_slice()).expect("reads");
    // The same verdicts; only the engine read from kb.bin stamps them (the
    // stamp binds kb.bin's checksum).
    let verdicts = |e: &Engine| -> Vec<Value> {
        (e.pack_loads().iter())
            .map(|l| value(&(&l.summary, &l.error, l.checked)))
            .collect()
    };
    assert_eq!(verdicts(&eager), verdicts(&compiled));
    assert!(compiled.pack_loads()[0].error.is_none(), "the pack loads");
    assert!(eager.pack_loads()[0].stamp.is_none() && compiled.pack_loads()[0].stamp.is_some());
    let from_pack = eager.kb().provisions.last().expect("a pack provision");
    assert!(
        compiled.card_range(&from_pack.id).is_none(),
        "a pack's card is in the engine"
    );
    same_answers_with(&eager, &compiled, |id| {
        card_from_store(&compiled, &cards, id)
    });
}

/// Every recorded version of every corpus document, as it is and with every
/// 23rd word dropped (most clauses changed), gets the same annotations from
/// the compiled index as from kb.json, with and without the document's URL.
#[test]
fn the_compiled_index_annotates_every_corpus_version_as_kb_json() {
    if common::skip_without_corpus() {
        return;
    }
    let json = compiled();
    let (index, _) = binary_files(&json);
    let eager = Engine::from_json(&json).expect("reads");
    let compiled = Engine::from_kb_bin(index.as_slice(), &[]).expect("reads");
    let (mut pages, mut found) = (0, 0);
    for (vendor, document) in common::corpus_folders() {
        let folder = common::corpus().join(&vendor).join(&document);
        let url = eager
            .kb()
            .document(&format!("{vendor}/{document}"))
            .map_or_else(String::new, |d| d.url.clone());
        for path in common::folder_versions(&folder) {
            let original = termlens::extract::read_text(&path).expect("corpus text");
            let edited: String = original
                .split(' ')
                .enumerate()
                .filter(|(i, _)| i % 23 != 22)
                .map(|(_, w)| w)
                .collect::<Vec<_>>()
                .join(" ");
            for text in [original, edited] {
                for at in ["", url.as_str()] {
                    let a = eager.annotate(&text, at);
                    found += a.annotations.len();
                    assert_eq!(
                        value(&a),
                        value(&compiled.annotate(&text, at)),
                        "{}",
                        path.display()
                    );
                }
                pages += 1;
            }
        }
    }
    assert!(
        pages > 50 && found > 1000,
        "{pages} pages, {found} annotations compared"
    );
}

#[test]
fn an_old_or_foreign_compiled_file_is_a_clear_error() {
    let json = compiled();
    let (index, cards) = binary_files(&json);
    let message = |bytes: &[u8]| match Engine::from_kb_bin(bytes, &[]) {
        Ok(_) => panic!("accepted"),
        Err(e) => e.to_string(),
    };
    let mut old = index.clone();
    old[8..12].copy_from_slice(&0u32.to_le_bytes());
    assert!(
        message(&old).contains("format version 0"),
        "{}",
        message(&old)
    );
    assert!(
        message(&cards).contains("wrong magic"),
        "{}",
        message(&cards)
    );
    let cut = &index[..index.len() - 1];
    assert!(message(cut).contains("truncated"), "{}", message(cut));
    assert!(message(&index[..10]).contains("shorter than its header"));
    let mut flipped = index.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 1;
    assert!(
        message(&flipped).contains("checksum"),
        "{}",
        message(&flipped)
    );
    // A cards.bin of another build, or cut, or whose explanations (its last
    // part) are damaged, is refused; so is a block of another provision.
    let mut engine = Engine::from_kb_bin(index.as_slice(), &[]).expect("reads");
    let other = binary::write(&termlens::kb::KnowledgeBase::default())
        .expect("writes")
        .1;
    assert!(
        engine
            .check_cards_header(&other, other.len() as u64)
            .is_err()
    );
    let refused = |engine: &mut Engine, bytes: &[u8]| match engine.read_cards(bytes) {
        Ok(()) => panic!("accepted"),
        Err(e) => e.to_string(),
    };
    assert!(refused(&mut engine, &other).contains("another build"));
    let why = refused(&mut engine, &cards[..cards.len() - 1]);
    assert!(why.contains("truncated"), "{why}");
    let mut damaged = cards.clone();
    let last = damaged.len() - 2;
    damaged[last] ^= 0x20;
    let why = refused(&mut engine, &damaged);
    assert!(why.contains("explanations do not match"), "{why}");
    assert!(
        engine
            .kb()
            .provisions
            .iter()
            .all(|p| p.explanation.is_empty()),
        "nothing of a refused cards.bin is kept"
    );
    assert!(
        engine
            .check_cards_header(&cards[..binary::HEADER_LEN], cards.len() as u64 - 1)
            .is_err()
    );
    let mut old_cards = cards.clone();
    old_cards[8..12].copy_from_slice(&0u32.to_le_bytes());
    let refused = engine
        .check_cards_header(&old_cards[..binary::HEADER_LEN], cards.len() as u64)
        .expect_err("an old cards.bin")
        .to_string();
    assert!(
        refused.contains("cards.bin") && refused.contains("format version 0"),
        "{refused}"
    );
    let ids: Vec<&str> = engine
        .kb()
        .provisions
        .iter()
        .map(|p| p.id.as_str())
        .collect();
    let range = engine.card_range(ids[1]).expect("a block");
    assert!(engine.card_from_block(ids[0], &cards[range]).is_err());
}

/// kb.bin kept outside the engine, as the Wasm boundary's `Uint8Array` is:
/// every read the engine asks for is recorded (start, length) and must lie
/// within the file.
struct Recorded<'a> {
    bytes: &'a [u8],
    reads: std::cell::RefCell<Vec<(u64, usize)>>,
}

impl<'a> Recorded<'a> {
    fn new(bytes: &'a [u8]) -> Recorded<'a> {
        Recorded {
            bytes,
            reads: Default::default(),
        }
    }

    /// Bytes read in all, and the largest read.
    fn totals(&self) -> (u64, usize) {
        let reads = self.reads.borrow();
        let all = reads.iter().map(|&(_, n)| n as u64).sum();
        (all, reads.iter().map(|&(_, n)| n).max().unwrap_or(0))
    }
}

impl binary::Source for Recorded<'_> {
    fn len(&self) -> u64 {
        self.bytes.len() as u64
    }

    fn read_at(&self, at: u64, buf: &mut [u8]) {
        self.reads.borrow_mut().push((at, buf.len()));
        let from = usize::try_from(at).expect("a position");
        let range = from..from + buf.len();
        assert!(
            range.end <= self.bytes.len(),
            "read past the end: {range:?}"
        );
        buf.copy_from_slice(&self.bytes[range]);
    }
}

/// kb.bin is read a chunk at a time, never whole, and once: the header, then
/// the body, decoded and checked as it comes; and the engine it makes answers
/// as the one read from the bytes in memory.
#[test]
fn kb_bin_is_read_in_chunks() {
    let (index, _) = files();
    let source = Recorded::new(index);
    let engine = Engine::from_kb_bin(&source, &[]).expect("reads");
    let (all, largest) = source.totals();
    let body = (index.len() - binary::HEADER_LEN) as u64;
    assert!(body > 4 * binary::CHUNK as u64, "a file of several chunks");
    let header = binary::HEADER_LEN as u64;
    assert_eq!(all, header + body);
    assert!(largest <= binary::CHUNK, "{largest} bytes read at once");
    let slice = Engine::from_kb_bin(index.as_slice(), &[]).expect("reads");
    let page = &pages()[0];
    assert_eq!(
        value(&engine.annotate(page, "")),
        value(&slice.annotate(page, ""))
    );
    // With a pack the stored matcher is decoded all the same (the pack gets a
    // seed table of its own beside it): the same reads.
    let pack = std::fs::read_to_string(common::repo().join(PACK)).expect("pack");
    let source = Recorded::new(index);
    Engine::from_kb_bin(&source, &[&pack]).expect("reads");
    assert_eq!(source.totals().0, header + body);
}

/// The compiled files once, for the property test.
fn files() -> &'static (Vec<u8>, Vec<u8>) {
    static FILES: std::sync::OnceLock<(Vec<u8>, Vec<u8>)> = std::sync::OnceLock::new();
    FILES.get_or_init(|| binary_files(&compiled()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// A kb.bin whose body was changed and whose header was then made to fit
    /// (length and checksum of the changed body), as a writer with a bug
    /// would: the tables are checked on their own, so the file is refused or
    /// read, and nothing panics; no read of it goes past its end. When it is
    /// read, annotating a page does not panic either.
    #[test]
    fn a_resealed_broken_compiled_file_never_panics(
        cut in any::<proptest::sample::Index>(),
        at in any::<proptest::sample::Index>(),
        flip in 1u8..=255,
        truncate in any::<bool>(),
    ) {
        let (index, _) = files();
        let mut body = index[binary::HEADER_LEN..].to_vec();
        // Anywhere in the body: the matcher's tables, then the provisions
        // (their wordings' texts rebuilt from the matcher's word ids), then
        // the rest.
        if truncate {
            body.truncate(cut.index(body.len()));
        } else {
            let i = at.index(body.len());
            body[i] ^= flip;
        }
        let mut bytes = index[..8 + 4].to_vec();
        bytes.extend_from_slice(&(body.len() as u64).to_le_bytes());
        bytes.extend_from_slice(&binary::fnv64(&body).to_le_bytes());
        bytes.extend_from_slice(&body);
        let source = Recorded::new(&bytes);
        if let Ok(engine) = Engine::from_kb_bin(&source, &[]) {
            let page = &pages()[0];
            let _ = engine.annotate(page, "");
        }
    }

    /// A truncated or corrupted kb.bin, or a corrupted block of cards.bin, is
    /// refused with an error; nothing panics. (The checksum covers every byte
    /// of the body and the header is checked field by field, so no change goes
    /// unseen.)
    #[test]
    fn a_broken_compiled_file_is_refused_without_panic(
        cut in any::<proptest::sample::Index>(),
        at in any::<proptest::sample::Index>(),
        flip in 1u8..=255,
        truncate in any::<bool>(),
    ) {
        let (index, cards) = files();
        let mut bytes = index.clone();
        if truncate {
            bytes.truncate(cut.index(index.len()));
        } else {
            let i = at.index(bytes.len());
            bytes[i] ^= flip;
        }
        // Refused by the header's checks or the body's checksum, the body read
        // at most once: what was decoded of it before its checksum failed is
        // dropped, never used.
        let source = Recorded::new(&bytes);
        let refused = match Engine::from_kb_bin(&source, &[]) {
            Ok(_) => return Err(TestCaseError::fail("a broken kb.bin was read")),
            Err(e) => e.to_string(),
        };
        prop_assert!(source.totals().0 <= bytes.len() as u64);
        if !truncate && at.index(bytes.len()) >= binary::HEADER_LEN {
            prop_assert!(refused.contains("checksum mismatch"), "{}", refused);
        }
        let engine = Engine::from_kb_bin(index.as_slice(), &[]).expect("reads");
        let ids: Vec<String> = engine.kb().provisions.iter().map(|p| p.id.clone()).collect();
        let id = &ids[cut.index(ids.len())];
        let range = engine.card_range(id).expect("a block");
        let mut block = cards[range].to_vec();
        let i = at.index(block.len());
        block[i] ^= flip;
        prop_assert!(engine.card_from_block(id, &block).is_err());
        prop_assert!(engine.card_from_block(id, &block[..i]).is_err());
    }
}
