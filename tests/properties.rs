//! Property tests: every public entry point of the core, fed hostile text,
//! returns a result or an error, never panics, and every UTF-16 offset it
//! returns falls on a boundary of the text (never between the two halves of
//! a surrogate pair, never past the end), with `start <= end`.
//!
//! Inputs: arbitrary Unicode weighted towards what breaks text code
//! (combining marks, astral characters, right-to-left scripts and bidi
//! controls, zero-width characters, NBSP, characters whose lowercase is
//! longer than themselves, section numbering), real clauses of the knowledge
//! base with random mutations, and garbage JSON for the two readers of
//! stored data (`Engine::from_json`, `Snapshot::from_json`). The `fuzz_`
//! properties feed the CLI's entry points (`extract`, `annotate`, `diff`,
//! `kb check-pack`) random files: markup nested and unclosed, entities,
//! stray tags, clauses split across inline elements, invalid UTF-8.
//!
//! Each property runs `PROPTEST_CASES` cases (256 unless the environment
//! says otherwise; the knowledge-base reader an eighth of that); the whole
//! file takes about 10-20 s under `cargo test --test properties` (debug, with
//! dependencies optimised). The 10 MB single word is a plain test.

mod common;

use proptest::prelude::*;
use proptest::test_runner::Config;
use std::sync::LazyLock;
use termlens::diff::{self, Snapshot};
use termlens::engine::Engine;
use termlens::lookup::Filters;
use termlens::text::Words;

/// The real knowledge base, built once for the whole file.
static ENGINE: LazyLock<Engine> = LazyLock::new(|| Engine::new(common::knowledge_base().kb));

/// The compiled knowledge base as JSON (what `pkg/kb.json` holds).
static KB_JSON: LazyLock<String> = LazyLock::new(|| ENGINE.kb().to_json().expect("serialises"));

/// Every wording of every provision: real clause text to mutate.
static CLAUSES: LazyLock<Vec<String>> = LazyLock::new(|| {
    ENGINE
        .kb()
        .provisions
        .iter()
        .flat_map(|p| p.wordings.iter().map(|w| w.text.clone()))
        .collect()
});

fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256);
    Config {
        cases,
        // Failures are kept as named regression tests below, not in files.
        failure_persistence: None,
        ..Config::default()
    }
}

// ---------------------------------------------------------------------------
// Inputs

/// One character, weighted towards the classes that break text code.
fn hostile_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => proptest::char::range('a', 'z'),
        2 => proptest::char::range('A', 'Z'),
        2 => Just(' '),
        1 => proptest::char::range('0', '9'),
        // Punctuation and numbering.
        1 => prop::sample::select(vec!['(', ')', '.', ',', ';', ':', '-', '\'', '"', '/', '§']),
        // Line breaks and other whitespace.
        1 => prop::sample::select(vec!['\n', '\r', '\t', '\u{a0}', '\u{2028}', '\u{2029}', '\u{3000}', '\u{85}']),
        // Combining marks.
        2 => proptest::char::range('\u{300}', '\u{36f}'),
        // Zero-width characters, soft hyphen, BOM.
        2 => prop::sample::select(vec!['\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{feff}', '\u{ad}']),
        // Bidi controls and right-to-left letters.
        1 => prop::sample::select(vec!['\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}', '\u{200e}', '\u{200f}']),
        1 => proptest::char::range('\u{5d0}', '\u{5ea}'),
        1 => proptest::char::range('\u{621}', '\u{64a}'),
        // Astral characters: two UTF-16 code units each.
        2 => proptest::char::range('\u{1f300}', '\u{1f64f}'),
        1 => proptest::char::range('\u{1d400}', '\u{1d7ff}'),
        1 => proptest::char::range('\u{10000}', '\u{10ffff}'),
        // Characters whose lowercase or case folding changes their length.
        1 => prop::sample::select(vec!['İ', 'ẞ', 'ß', 'ﬁ', 'Σ', 'ς', 'Ω', 'K', 'Å', 'ǅ', 'ŉ']),
        // Anything at all.
        2 => any::<char>(),
    ]
}

/// A numbering pattern as vendors write them.
fn numbering() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\(([a-z]|[ivx]{1,4}|[0-9]{1,3})\\)",
        "[0-9]{1,3}(\\.[0-9]{1,3}){0,3}\\.?",
        "[a-z]\\)",
        "§ ?[0-9]{1,3}",
    ]
}

/// Hostile text: characters and numbering patterns, up to a few hundred.
fn hostile_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            8 => hostile_char().prop_map(String::from),
            1 => numbering(),
        ],
        0..400,
    )
    .prop_map(|parts| parts.concat())
}

/// One edit of a clause, at a position given as a fraction of its length.
#[derive(Clone, Debug)]
enum Edit {
    Insert(f64, String),
    Delete(f64, usize),
    Upper(f64, usize),
    SpacesTo(char),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0.0..1.0f64, hostile_text()).prop_map(|(at, s)| Edit::Insert(at, s)),
        (0.0..1.0f64, 1..40usize).prop_map(|(at, n)| Edit::Delete(at, n)),
        (0.0..1.0f64, 1..40usize).prop_map(|(at, n)| Edit::Upper(at, n)),
        prop::sample::select(vec!['\u{a0}', '\n', '\u{200b}', '\u{2028}', '\u{202e}'])
            .prop_map(Edit::SpacesTo),
    ]
}

/// The char boundary of `s` nearest below the fraction `at` of its length.
fn boundary(s: &str, at: f64) -> usize {
    let mut i = ((s.len() as f64) * at) as usize;
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i.min(s.len())
}

fn apply(mut s: String, edits: &[Edit]) -> String {
    for e in edits {
        match e {
            Edit::Insert(at, t) => {
                let i = boundary(&s, *at);
                s.insert_str(i, t);
            }
            Edit::Delete(at, n) => {
                let i = boundary(&s, *at);
                let j = s[i..]
                    .char_indices()
                    .nth(*n)
                    .map_or(s.len(), |(k, _)| i + k);
                s.replace_range(i..j, "");
            }
            Edit::Upper(at, n) => {
                let i = boundary(&s, *at);
                let j = s[i..]
                    .char_indices()
                    .nth(*n)
                    .map_or(s.len(), |(k, _)| i + k);
                let upper = s[i..j].to_uppercase();
                s.replace_range(i..j, &upper);
            }
            Edit::SpacesTo(c) => s = s.replace(' ', &c.to_string()),
        }
    }
    s
}

/// Real clauses (one to three, joined like paragraphs) with random edits,
/// between hostile text.
fn mutated_clauses() -> impl Strategy<Value = String> {
    (
        hostile_text(),
        prop::collection::vec(
            (
                any::<prop::sample::Index>(),
                prop::collection::vec(edit(), 0..6),
            ),
            1..4,
        ),
        hostile_text(),
    )
        .prop_map(|(before, clauses, after)| {
            let mut page = before;
            for (index, edits) in clauses {
                let clause = index.get(&CLAUSES).clone();
                page.push('\n');
                page.push_str(&apply(clause, &edits));
            }
            page.push('\n');
            page.push_str(&after);
            page
        })
}

fn page_text() -> impl Strategy<Value = String> {
    prop_oneof![hostile_text(), mutated_clauses()]
}

/// An HTML entity: named, numeric, out of range, a surrogate, unterminated.
fn entity() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "&amp;",
        "&lt;",
        "&gt;",
        "&nbsp;",
        "&notin",
        "&not",
        "&#x1F600;",
        "&#128512;",
        "&#xD800;",
        "&#0;",
        "&#1114112;",
        "&#x110000;",
        "&#x202E;",
        "&#8203;",
        "&;",
        "&#",
        "&#x;",
        "&AElig",
    ])
    .prop_map(str::to_string)
}

/// A tag name: blocks, inline, skipped, raw text, foreign, table parts, custom.
fn tag_name() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "div",
        "p",
        "span",
        "b",
        "i",
        "a",
        "font",
        "li",
        "ul",
        "ol",
        "table",
        "tr",
        "td",
        "th",
        "h1",
        "h2",
        "section",
        "br",
        "img",
        "script",
        "style",
        "template",
        "svg",
        "math",
        "select",
        "option",
        "textarea",
        "details",
        "summary",
        "noscript",
        "iframe",
        "button",
        "title",
        "pre",
        "blockquote",
        "x-card",
        "P",
        "DiV",
        "nobr",
        "plaintext",
    ])
}

/// Attributes, some of which change what is read (`hidden`), some hostile.
fn attributes() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            " hidden",
            " class=a",
            " style='display:none'",
            " title=\"&#x202E;x\"",
            " href=javascript:x",
            " data-x='<p>'",
            " aria-hidden=true",
            " x=\"unterminated",
            "/",
        ]),
        0..3,
    )
    .prop_map(|a| a.concat())
}

/// Markup that is not an element around children: a comment, CDATA, a stray
/// end tag, a broken tag.
fn stray() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "<!-- c -->",
        "<!--",
        "-->",
        "<![CDATA[x]]>",
        "</p>",
        "</div>",
        "</b>",
        "</table>",
        "<",
        "< p>",
        "<p",
        "</",
        "<!doctype html>",
        "<?xml?>",
        "<br/>",
        "</br>",
        "<a<b>",
    ])
    .prop_map(str::to_string)
}

/// A real clause split at spaces into inline elements (a clause a page wraps
/// in `<strong>`, `<a>`, `<span>` stays one run of text).
fn clause_in_inline_elements() -> impl Strategy<Value = String> {
    (
        any::<prop::sample::Index>(),
        prop::collection::vec(
            prop::sample::select(vec!["b", "a", "span", "em", "font"]),
            0..4,
        ),
    )
        .prop_map(|(index, tags)| {
            let clause = index.get(&CLAUSES);
            let words: Vec<&str> = clause.split(' ').collect();
            let mut out = String::new();
            for (k, chunk) in words
                .chunks(words.len().div_ceil(tags.len() + 1).max(1))
                .enumerate()
            {
                let text = chunk.join(" ");
                match tags.get(k) {
                    Some(t) => out.push_str(&format!("<{t}>{text}</{t}> ")),
                    None => out.push_str(&format!("{text} ")),
                }
            }
            out
        })
}

/// Random markup: text, clauses, entities and stray markup, in elements
/// nested a few levels, closed or not.
fn markup() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        3 => hostile_text(),
        2 => clause_in_inline_elements(),
        1 => mutated_clauses(),
        2 => entity(),
        2 => stray(),
    ];
    leaf.prop_recursive(6, 48, 5, |inner| {
        (
            tag_name(),
            attributes(),
            prop::collection::vec(inner, 0..5),
            any::<bool>(),
        )
            .prop_map(|(tag, attrs, children, close)| {
                let end = if close {
                    format!("</{tag}>")
                } else {
                    String::new()
                };
                format!("<{tag}{attrs}>{}{end}", children.concat())
            })
    })
}

/// Bytes that are not UTF-8: a lone continuation, an overlong form, an
/// encoded surrogate, past U+10FFFF, a cut sequence, NUL.
fn invalid_utf8() -> impl Strategy<Value = Vec<u8>> {
    prop::sample::select(vec![
        vec![0xff],
        vec![0x80],
        vec![0xc0, 0x80],
        vec![0xed, 0xa0, 0x80],
        vec![0xf4, 0x90, 0x80, 0x80],
        vec![0xe2, 0x82],
        vec![0x00],
    ])
}

/// A file's bytes: random markup in a document, sometimes inside 400-700
/// nested `<div>` (around the reader's depth limit), with invalid UTF-8
/// inserted anywhere (inside a character too).
fn file_bytes() -> impl Strategy<Value = Vec<u8>> {
    (
        markup(),
        prop_oneof![8 => Just(0usize), 1 => 400..700usize],
        prop::collection::vec((0.0..1.0f64, invalid_utf8()), 0..4),
    )
        .prop_map(|(markup, depth, inserts)| {
            let mut bytes = format!(
                "<!doctype html><html><body>{}{markup}{}</body></html>",
                "<div>".repeat(depth),
                "</div>".repeat(depth)
            )
            .into_bytes();
            for (at, bad) in inserts {
                let i = ((at * bytes.len() as f64) as usize).min(bytes.len());
                bytes.splice(i..i, bad);
            }
            bytes
        })
}

/// An address: none, a known document's (a real subdomain or not), an attack
/// on the host rule, or hostile text.
fn address() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "",
            "https://www.anthropic.com/legal/commercial-terms",
            "https://anthropic.com/legal/aup",
            "https://evilanthropic.com/legal/commercial-terms",
            "http://127.0.0.1/not-anthropic/anthropic.com/legal/commercial-terms",
            "https://anthropic.com@evil.example/legal/aup",
            "http://[::1]:80/legal/aup",
            "https://openai.com/policies/terms-of-use",
        ])
        .prop_map(str::to_string),
        hostile_text(),
    ]
}

/// A pack: the example pack with one string replaced by hostile text, or its
/// JSON with hostile text inserted at a random place.
fn pack_json() -> impl Strategy<Value = String> {
    let example = EXAMPLE_PACK.clone();
    prop_oneof![
        (any::<prop::sample::Index>(), hostile_text()).prop_map(move |(index, text)| {
            let mut pack = example.clone();
            let mut leaves = Vec::new();
            string_leaves(&mut pack, &mut leaves);
            if !leaves.is_empty() {
                **index.get_mut(&mut leaves) = text.into();
            }
            drop(leaves);
            pack.to_string()
        }),
        (0.0..1.0f64, prop_oneof![hostile_text(), entity(), stray()]).prop_map(|(at, text)| {
            let mut json = EXAMPLE_PACK.to_string();
            let i = boundary(&json, at);
            json.insert_str(i, &text);
            json
        }),
    ]
}

/// Every string of a JSON value.
fn string_leaves<'a>(value: &'a mut serde_json::Value, out: &mut Vec<&'a mut serde_json::Value>) {
    match value {
        serde_json::Value::String(_) => out.push(value),
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| string_leaves(v, out)),
        serde_json::Value::Object(map) => map.values_mut().for_each(|v| string_leaves(v, out)),
        _ => {}
    }
}

/// The example pack of the tests' fixtures.
static EXAMPLE_PACK: LazyLock<serde_json::Value> = LazyLock::new(|| {
    let path = common::repo().join("tests/fixtures/packs/example-test-vendor.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("example pack")).expect("JSON")
});

// ---------------------------------------------------------------------------
// Checks

/// The UTF-16 view of a text: which offsets are boundaries.
struct Utf16 {
    units: Vec<u16>,
}

impl Utf16 {
    fn of(text: &str) -> Utf16 {
        Utf16 {
            units: text.encode_utf16().collect(),
        }
    }

    fn len(&self) -> u32 {
        self.units.len() as u32
    }

    /// True when `offset` is inside the text and not between the halves of a
    /// surrogate pair.
    fn is_boundary(&self, offset: u32) -> bool {
        let i = offset as usize;
        i <= self.units.len()
            && (i == self.units.len() || !(0xDC00..0xE000).contains(&self.units[i]))
    }

    /// Checks a range and returns the text it covers.
    fn range(&self, what: &str, start: u32, end: u32) -> Result<String, TestCaseError> {
        prop_assert!(start <= end, "{what}: start {start} > end {end}");
        prop_assert!(
            end <= self.len(),
            "{what}: end {end} past the text ({})",
            self.len()
        );
        prop_assert!(
            self.is_boundary(start),
            "{what}: start {start} splits a surrogate pair"
        );
        prop_assert!(
            self.is_boundary(end),
            "{what}: end {end} splits a surrogate pair"
        );
        Ok(String::from_utf16_lossy(
            &self.units[start as usize..end as usize],
        ))
    }
}

fn check_words(text: &str) -> Result<Words, TestCaseError> {
    let words = Words::new(text);
    let u = Utf16::of(text);
    let mut last = 0;
    for w in words.iter() {
        let s = w.span;
        let covered = u.range("word", s.start, s.end)?;
        prop_assert!(s.start >= last, "words out of order at {}", s.start);
        last = s.end;
        let (b0, b1) = (s.byte_start as usize, s.byte_end as usize);
        prop_assert!(
            b0 <= b1 && b1 <= text.len(),
            "word bytes {b0}..{b1} outside the text"
        );
        prop_assert!(
            text.is_char_boundary(b0) && text.is_char_boundary(b1),
            "word bytes {b0}..{b1} split a character"
        );
        prop_assert_eq!(
            &text[b0..b1],
            covered.as_str(),
            "byte and UTF-16 spans disagree"
        );
        prop_assert!(!w.norm.is_empty(), "empty word at {}", s.start);
        prop_assert!(!w.norm.contains(' '), "word {:?} holds a space", w.norm);
    }
    prop_assert_eq!(words.joined(), words.norms().join(" "));
    Ok(words)
}

fn check_annotate(text: &str, url: &str) -> Result<(), TestCaseError> {
    let result = ENGINE.annotate(text, url);
    let u = Utf16::of(text);
    let mut last = 0;
    for a in &result.annotations {
        let covered = u.range(&a.provision, a.start, a.end)?;
        prop_assert_eq!(&a.text, &covered, "{}: text is not the page's", a.provision);
        prop_assert!(a.start >= last, "annotations out of page order");
        last = a.start;
        for c in &a.changes {
            u.range("changed words", c.start, c.end)?;
            prop_assert!(
                a.start <= c.start && c.end <= a.end,
                "{}: change outside its annotation",
                a.provision
            );
        }
        prop_assert!((0.0..=1.0).contains(&a.score), "score {}", a.score);
    }
    Ok(())
}

fn check_diff(old: &str, new: &str) -> Result<(), TestCaseError> {
    let snap = Snapshot::of(old);
    let back = Snapshot::from_json(&snap.to_json());
    prop_assert_eq!(back.as_ref(), Ok(&snap), "a snapshot does not read back");
    let result = diff::diff(&snap, new);
    let u = Utf16::of(new);
    for c in &result.changes {
        match (c.start, c.end) {
            (Some(s), Some(e)) => {
                let covered = u.range("change", s, e)?;
                prop_assert_eq!(&c.text, &covered, "change text is not the page's");
            }
            (None, None) => {}
            other => prop_assert!(false, "change with half a range: {other:?}"),
        }
        if let Some(a) = c.anchor {
            u.range("anchor", a, a)?;
        }
        for h in &c.highlights {
            u.range("highlight", h.start, h.end)?;
        }
    }
    Ok(())
}

/// What the CLI's `extract` and `annotate` do with a file's bytes, by each
/// reader: the text, or the depth limit's error (HTML only); then the
/// annotations of that text, checked by the offset oracle.
fn check_file(bytes: &[u8], url: &str) -> Result<Vec<String>, TestCaseError> {
    let mut texts = Vec::new();
    for ext in ["html", "md", "txt"] {
        match termlens::extract::text_of(bytes, ext) {
            Ok(text) => {
                check_annotate(&text, url)?;
                texts.push(text);
            }
            Err(e) => prop_assert!(ext == "html" && e.contains("512 deep"), "{ext}: {e}"),
        }
    }
    Ok(texts)
}

// ---------------------------------------------------------------------------
// Properties

proptest! {
    #![proptest_config(config())]

    #[test]
    fn normalisation_spans_fall_on_boundaries(text in page_text()) {
        check_words(&text)?;
    }

    #[test]
    fn annotate_returns_ranges_inside_the_text(
        text in page_text(),
        url in prop_oneof![
            Just(String::new()),
            Just("https://www.anthropic.com/legal/commercial-terms".to_string()),
            Just("https://openai.com/policies/services-agreement/".to_string()),
            hostile_text(),
        ],
    ) {
        check_annotate(&text, &url)?;
    }

    #[test]
    fn diff_returns_ranges_inside_the_new_text(old in page_text(), new in page_text()) {
        check_diff(&old, &new)?;
    }

    #[test]
    fn diff_of_a_mutated_page_against_itself(
        base in mutated_clauses(),
        edits in prop::collection::vec(edit(), 0..8),
    ) {
        let new = apply(base.clone(), &edits);
        check_diff(&base, &new)?;
    }

    #[test]
    fn snapshot_reader_takes_garbage(json in prop_oneof![
        any::<String>(),
        hostile_text(),
        // Valid snapshots, truncated or with a byte replaced.
        (page_text(), any::<prop::sample::Index>(), hostile_char()).prop_map(|(t, at, c)| {
            let mut j = Snapshot::of(&t).to_json();
            let i = boundary(&j, at.index(1000) as f64 / 1000.0);
            let k = j[i..].chars().next().map_or(i, |ch| i + ch.len_utf8());
            j.replace_range(i..k, &c.to_string());
            j
        }),
        (page_text(), any::<prop::sample::Index>()).prop_map(|(t, at)| {
            let j = Snapshot::of(&t).to_json();
            let i = boundary(&j, at.index(1000) as f64 / 1000.0);
            j[..i].to_string()
        }),
        // Well-formed JSON with the wrong shapes.
        prop::sample::select(vec![
            "null", "[]", "{}", "1", "\"x\"", "{\"format\":1}", "{\"format\":2}",
            "{\"format\":-1}", "{\"format\":1e999}", "{\"format\":\"1\"}",
            "{\"format\":1,\"checksum\":\"0\",\"paragraphs\":[\"\"]}",
            "{\"format\":1,\"checksum\":\"0\",\"paragraphs\":[\"a  b\"]}",
            "{\"format\":1,\"checksum\":\"0\",\"paragraphs\":[1]}",
            "{\"format\":1,\"checksum\":\"0\",\"paragraphs\":null,\"date\":5}",
        ]).prop_map(String::from),
    ], new in hostile_text()) {
        // A snapshot that reads must diff like any other.
        if let Ok(snap) = Snapshot::from_json(&json) {
            let result = diff::diff(&snap, &new);
            let u = Utf16::of(&new);
            for c in &result.changes {
                if let (Some(s), Some(e)) = (c.start, c.end) {
                    u.range("change", s, e)?;
                }
            }
        }
    }

    #[test]
    fn a_dated_snapshot_reads_back(text in page_text(), date in prop_oneof![hostile_text(), any::<String>()]) {
        let snap = Snapshot::of(&text).dated(date.clone());
        let back = Snapshot::from_json(&snap.to_json());
        prop_assert_eq!(back.as_ref().map(|s| s.date.as_deref()), Ok(Some(date.as_str())));
    }

    #[test]
    fn card_takes_any_id(
        id in prop_oneof![
            hostile_text(),
            any::<String>(),
            any::<prop::sample::Index>().prop_map(|i| i.get(&ENGINE.kb().provisions).id.clone()),
        ],
    ) {
        let known = ENGINE.kb().provisions.iter().any(|p| p.id == id);
        prop_assert_eq!(ENGINE.card(&id).is_some(), known, "card of {:?}", id);
    }

    #[test]
    fn lookup_takes_any_query_and_filters(
        query in prop_oneof![hostile_text(), mutated_clauses(), any::<String>()],
        limit in prop_oneof![0..30usize, Just(usize::MAX)],
        filters in prop_oneof![
            Just(serde_json::Value::Null),
            (prop::collection::vec(prop_oneof![hostile_text(), Just("aws".to_string()), Just("openai".to_string())], 0..3),
             prop::collection::vec(prop_oneof![hostile_text(), Just("ip-ownership".to_string())], 0..3),
             prop::collection::vec(prop::sample::select(vec!["low", "medium", "high", "", "HIGH", "\u{202e}high"]), 0..3))
                .prop_map(|(p, t, e)| serde_json::json!({"platforms": p, "topics": t, "exposure": e})),
            hostile_text().prop_map(|s| serde_json::json!({ s: [1, null] })),
            hostile_text().prop_map(serde_json::Value::String),
        ],
    ) {
        match Filters::from_value(&filters) {
            Ok(f) => {
                let hits = ENGINE.lookup(&query, &f, limit);
                prop_assert!(hits.len() <= limit, "{} hits over the limit {limit}", hits.len());
                for h in &hits {
                    prop_assert!(h.score.is_finite(), "score {} for {}", h.score, h.provision);
                }
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }
}

proptest! {
    // The knowledge-base reader parses about a megabyte per case and builds
    // the matcher when the JSON reads: fewer cases.
    #![proptest_config(Config { cases: config().cases.div_ceil(8), ..config() })]

    #[test]
    fn kb_reader_takes_garbage(json in prop_oneof![
        any::<String>(),
        hostile_text(),
        // The real knowledge base, truncated.
        (0.0..1.0f64).prop_map(|at| { let j = &*KB_JSON; j[..boundary(j, at)].to_string() }),
        // The real knowledge base with one character replaced.
        (0.0..1.0f64, hostile_char()).prop_map(|(at, c)| {
            let mut j = KB_JSON.clone();
            let i = boundary(&j, at);
            let k = j[i..].chars().next().map_or(i, |ch| i + ch.len_utf8());
            j.replace_range(i..k, &c.to_string());
            j
        }),
        // The real knowledge base with one value of one provision replaced.
        (any::<prop::sample::Index>(), prop::sample::select(vec![
            "id", "platform", "document", "topics", "wordings", "title", "compliance", "history",
        ]), prop_oneof![
            Just(serde_json::Value::Null),
            Just(serde_json::json!([])),
            Just(serde_json::json!({})),
            Just(serde_json::json!([{"text": "", "versions": []}])),
            Just(serde_json::json!(["nope"])),
            hostile_text().prop_map(serde_json::Value::String),
        ]).prop_map(|(p, field, value)| {
            let mut v: serde_json::Value = serde_json::from_str(&KB_JSON).expect("kb json");
            if let Some(list) = v.get_mut("provisions").and_then(|l| l.as_array_mut()) {
                let i = p.index(list.len());
                list[i][field] = value;
            }
            v.to_string()
        }),
    ]) {
        if let Ok(engine) = Engine::from_json(&json) {
            // What reads must work: annotate a real clause.
            let clause = &CLAUSES[0];
            let result = engine.annotate(clause, "");
            let u = Utf16::of(clause);
            for a in &result.annotations {
                u.range(&a.provision, a.start, a.end)?;
            }
        }
    }
}

// The CLI's entry points on random files: `extract` and `annotate` (every
// reader, the offset oracle on each annotation), `diff` (ranges inside the new
// text), `kb check-pack` (a result or a list of problems, never a panic).
// Named `fuzz_` for the long run: `PROPTEST_CASES=100000 cargo test --release
// --test properties fuzz_`.
proptest! {
    #![proptest_config(config())]

    #[test]
    fn fuzz_extract_and_annotate_random_markup(bytes in file_bytes(), url in address()) {
        check_file(&bytes, &url)?;
    }

    #[test]
    fn fuzz_diff_random_markup(old in file_bytes(), new in file_bytes()) {
        let read = |b: &[u8]| termlens::extract::text_of(b, "html").ok();
        if let (Some(old), Some(new)) = (read(&old), read(&new)) {
            check_diff(&old, &new)?;
        }
    }

    #[test]
    fn fuzz_check_pack_takes_mutated_packs(json in pack_json()) {
        match termlens::kb::pack::validate(&json, ENGINE.kb(), &[]) {
            Ok(pack) => prop_assert!(!pack.summary().id.is_empty()),
            Err(e) => {
                prop_assert!(!e.problems().is_empty());
                prop_assert!(e.problems().iter().all(|p| !p.to_string().is_empty()));
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Plain tests

/// A 10 MB single word (letters, combining marks and astral characters, so
/// that UTF-8, UTF-16 and char counts all differ) through every entry point.
#[test]
fn a_ten_megabyte_word_gives_a_result() {
    let unit = "a\u{301}\u{1d400}b\u{200b}";
    let word: String = unit.repeat(10_000_000 / unit.len());
    assert!(word.len() >= 9_999_000);
    let words = Words::new(&word);
    assert_eq!(words.len(), 1, "one word");
    let span = words.get(0).expect("the word").span;
    assert_eq!(span.start, 0);
    assert_eq!(
        span.end as usize,
        word.encode_utf16().count() - 1,
        "the trailing zero-width space is not part of it"
    );
    let page = format!("{}\n{word}\n{}", CLAUSES[0], CLAUSES[1]);
    let result = ENGINE.annotate(&page, "");
    let u = Utf16::of(&page);
    assert!(
        !result.annotations.is_empty(),
        "the clauses around the word are still found"
    );
    for a in &result.annotations {
        assert!(
            a.start <= a.end && a.end <= u.len() && u.is_boundary(a.start) && u.is_boundary(a.end)
        );
    }
    let snap = Snapshot::of(&word);
    assert_eq!(snap.paragraphs.len(), 1);
    let d = diff::diff(&snap, &page);
    assert!(
        d.summary.inserted + d.summary.changed >= 1,
        "the clauses are new"
    );
    let hits = ENGINE.lookup(&word, &Filters::default(), 10);
    assert!(hits.len() <= 10);
    assert!(Engine::from_json(&word).is_err());
    assert!(Snapshot::from_json(&word).is_err());
}

/// Regression inputs: text shapes that once broke text code elsewhere
/// (lowercase longer than the character, a lone combining mark, a marker
/// right before an astral character, bidi controls around numbering).
#[test]
fn known_hard_inputs() {
    let cases = [
        "İİİ ẞ",
        "\u{301}",
        "(a)\u{1f600}",
        "\u{202e}50.12.1.\u{202c} Customer",
        "\u{feff}\u{200b}\u{ad}",
        "a\r\n\r\nb\u{2029}(ii)",
        "\u{10ffff}\u{10000}",
    ];
    for text in cases {
        check_words(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        check_annotate(text, "").unwrap_or_else(|e| panic!("{text:?}: {e}"));
        check_diff(text, &text.repeat(2)).unwrap_or_else(|e| panic!("{text:?}: {e}"));
    }
}
