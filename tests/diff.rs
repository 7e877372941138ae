//! The page diff ("what changed since your last visit"): real pairs
//! of recorded versions from `../shared/corpus`, moves, noise, offsets,
//! hostile input and corrupt snapshots.
//!
//! To add a real pair: read both versions with `extract::read_text`, diff
//! them, and assert on passages a reader sees changed (by a phrase of their
//! text) and on a stretch a reader sees unchanged (no change inside it).

mod common;

use termlens::diff::{Change, ChangeKind, DiffResult, Snapshot, diff};
use termlens::matcher::Op;

fn corpus_text(path: &str) -> String {
    termlens::extract::read_text(&common::corpus().join(path))
        .unwrap_or_else(|e| panic!("corpus file {path}: {e}"))
}

fn diff_texts(old: &str, new: &str) -> DiffResult {
    diff(&Snapshot::of(old), new)
}

/// The new page's paragraphs that the in-page records cover (each record's
/// text read as a page of its own): the page's other paragraphs are the
/// unchanged ones.
fn paragraphs_in_records(r: &DiffResult) -> usize {
    r.changes
        .iter()
        .filter(|c| c.kind != ChangeKind::Deleted)
        .map(|c| Snapshot::of(&c.text).paragraphs.len())
        .sum()
}

/// The change of `kind` whose text (or one of whose word ops) contains
/// `phrase`, ignoring case.
fn find<'r>(result: &'r DiffResult, kind: ChangeKind, phrase: &str) -> Option<&'r Change> {
    // Compared as normalised words: deleted passages keep the page's
    // punctuation and case.
    let norm = |s: &str| format!(" {} ", termlens::text::Words::new(s).joined());
    let phrase = norm(phrase);
    result.changes.iter().find(|c| {
        c.kind == kind
            && (norm(&c.text).contains(&phrase)
                || c.words.iter().any(|w| norm(&w.text).contains(&phrase)))
    })
}

fn describe(result: &DiffResult) -> String {
    result
        .changes
        .iter()
        .map(|c| {
            let text: String = c.text.chars().take(80).collect();
            format!("{:?} {text}", c.kind)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every change that has a range slices the new text (UTF-16) to its text,
/// its highlights lie inside it and slice to its inserted words, and every
/// anchor lies inside the text.
fn assert_offsets(new: &str, result: &DiffResult) {
    let utf16: Vec<u16> = new.encode_utf16().collect();
    let slice = |start: u32, end: u32| -> String {
        let (s, e) = (start as usize, end as usize);
        assert!(
            s <= e && e <= utf16.len(),
            "range {s}..{e} outside the text"
        );
        String::from_utf16(&utf16[s..e]).expect("range on char boundaries")
    };
    for c in &result.changes {
        if let Some(anchor) = c.anchor {
            assert!(anchor as usize <= utf16.len(), "anchor {anchor}");
        }
        if c.kind == ChangeKind::Deleted {
            assert!(c.start.is_none() && c.end.is_none() && c.anchor.is_some());
            continue;
        }
        let (start, end) = (c.start.expect("start"), c.end.expect("end"));
        assert_eq!(slice(start, end), c.text);
        let inserted: Vec<&str> = c
            .words
            .iter()
            .filter(|w| w.op == Op::Insert)
            .map(|w| w.text.as_str())
            .collect();
        assert_eq!(inserted.len(), c.highlights.len());
        for (h, text) in c.highlights.iter().zip(inserted) {
            assert!(start <= h.start && h.end <= end);
            let got = slice(h.start, h.end);
            assert_eq!(got.split_whitespace().collect::<Vec<_>>().join(" "), text);
        }
    }
}

// ---------------------------------------------------------------------------
// Real pairs of recorded versions.

const AWS_OLD: &str = "aws/service-terms/2025-05-23.md";
const AWS_NEW: &str = "aws/service-terms/2025-11-19.md";

#[test]
fn aws_service_terms_2025_05_to_2025_11_reports_what_a_reader_sees_changed() {
    if common::skip_without_corpus() {
        return;
    }
    let (old, new) = (corpus_text(AWS_OLD), corpus_text(AWS_NEW));
    let r = diff_texts(&old, &new);
    assert_offsets(&new, &r);
    // (kind, a phrase of the change, what it is)
    let expected: &[(ChangeKind, &str, &str)] = &[
        (
            ChangeKind::Changed,
            "Last Updated: November 18, 2025",
            "date of the terms",
        ),
        (
            ChangeKind::Changed,
            "Third-party models are available to you on Amazon Bedrock",
            "50.12.1 rewritten",
        ),
        (
            ChangeKind::Changed,
            "either by aws or by third party providers",
            "50.12.1's deleted words",
        ),
        (
            ChangeKind::Changed,
            "is the invoicing party with respect to these models",
            "50.12.1's new words",
        ),
        (
            ChangeKind::Deleted,
            "mistral on bedrock mistral models are",
            "50.12.5 (Mistral) removed",
        ),
        (
            ChangeKind::Deleted,
            "mistral owns all right title and interest",
            "a bullet of 50.12.5 removed",
        ),
        (
            ChangeKind::Deleted,
            "deepseek r1 on bedrock",
            "50.12.7 (DeepSeek) removed",
        ),
        (
            ChangeKind::Inserted,
            "about your use of a third-party model with the provider of that third-party model",
            "new 50.12.5",
        ),
        (
            ChangeKind::Changed,
            "without our prior written approval",
            "1.25 crypto mining: exception removed",
        ),
        (
            ChangeKind::Changed,
            "Kiro, and the Amazon Quick Suite",
            "1.24 list of services",
        ),
        (ChangeKind::Inserted, "AWS EU Data Act Addendum", "new 1.28"),
        (
            ChangeKind::Inserted,
            "If you purchase your Kiro subscription",
            "new 50.14",
        ),
        (
            ChangeKind::Deleted,
            "aws private 5g equipment aws will make equipment available",
            "89 Private 5G removed",
        ),
        (
            ChangeKind::Inserted,
            "Amazon Elastic VMware Service (EVS)",
            "89 EVS added",
        ),
        (ChangeKind::Inserted, "AWS RTB Fabric", "106 added"),
    ];
    let mut missing = Vec::new();
    for (kind, phrase, what) in expected {
        if find(&r, *kind, phrase).is_none() {
            missing.push(format!("{kind:?} {phrase:?} ({what})"));
        }
    }
    assert!(
        missing.is_empty(),
        "not reported:\n{}\n\nreported:\n{}",
        missing.join("\n"),
        describe(&r)
    );

    // Unchanged passages are not flagged: 50.12.2 (abuse detection, the same
    // text in both versions), 50.12.6 (provenance, renumbered from 50.12.8:
    // numbering does not count), 103.5 (renumbered from 103.4).
    for phrase in [
        "automated abuse detection mechanisms",
        "Provenance Data",
        "not intended for use in, or in association with, the operation of any hazardous",
    ] {
        let hit = r
            .changes
            .iter()
            .find(|c| c.text.contains(phrase) || c.text.contains(&phrase.to_lowercase()));
        assert!(hit.is_none(), "{phrase:?} flagged: {hit:?}");
    }

    // Section 1 (Universal Service Terms, ~45 paragraphs) changed in exactly
    // three places: 1.24, 1.25 and the new 1.28.
    let utf16 = |s: &str| s.encode_utf16().count() as u32;
    let byte_at = |needle: &str| new.find(needle).unwrap_or_else(|| panic!("{needle}"));
    let s1 = utf16(&new[..byte_at("Universal Service Terms (Applicable to All Services)")]);
    let s2 = utf16(&new[..byte_at("Betas and Previews")]);
    let in_section_1: Vec<&Change> = r
        .changes
        .iter()
        .filter(|c| c.start.or(c.anchor).is_some_and(|p| s1 <= p && p < s2))
        .collect();
    assert_eq!(in_section_1.len(), 3, "{in_section_1:#?}");

    // A small share of the page is flagged.
    let m = r.summary;
    let flagged_new = m.inserted + m.changed + m.moved;
    assert!(m.paragraphs > 800, "{m:?}");
    assert!(flagged_new * 100 < m.paragraphs * 6, "{m:?}");
    assert!(m.deleted * 100 < m.old_paragraphs * 3, "{m:?}");
    // Records: a run of paragraphs inserted together is one; `unchanged`
    // counts the paragraphs no record covers.
    assert_eq!(
        m.unchanged,
        m.paragraphs - paragraphs_in_records(&r),
        "{m:?}"
    );
}

const OPENAI_OLD: &str = "openai/usage-policies-2024-2025/2024-01-10.md";
const OPENAI_NEW: &str = "openai/usage-policies-2024-2025/2024-01-11.md";

#[test]
fn openai_usage_policies_2024_01_rewrite_is_flagged_and_its_changelog_is_not() {
    if common::skip_without_corpus() {
        return;
    }
    let (old, new) = (corpus_text(OPENAI_OLD), corpus_text(OPENAI_NEW));
    let r = diff_texts(&old, &new);
    assert_offsets(&new, &r);
    let expected: &[(ChangeKind, &str)] = &[
        (
            ChangeKind::Changed,
            "We’ve updated our usage policies to be more readable",
        ),
        // "specific" stays: the new text says "service-specific".
        (ChangeKind::Changed, "clearer and more"),
        (ChangeKind::Deleted, "disallowed usage of our models"),
        (ChangeKind::Deleted, "multi level marketing"),
        (ChangeKind::Deleted, "plugin policies"),
        (
            ChangeKind::Deleted,
            "openai s models are not fine tuned to provide legal advice",
        ),
        (ChangeKind::Inserted, "Universal Policies"),
        (ChangeKind::Inserted, "Comply with applicable laws"),
        (ChangeKind::Inserted, "Building with ChatGPT"),
        (ChangeKind::Inserted, "GPT Store"),
        (
            ChangeKind::Inserted,
            "updated our Usage Policies to be clearer and provide more",
        ),
    ];
    for (kind, phrase) in expected {
        assert!(
            find(&r, *kind, phrase).is_some(),
            "{kind:?} {phrase:?} not reported:\n{}",
            describe(&r)
        );
    }
    // The changelog's earlier entries and the title are the same in both.
    for phrase in [
        "2023-02-15",
        "Refactored into categories of applications",
        "Usage policies",
    ] {
        let hit = r
            .changes
            .iter()
            .find(|c| c.kind != ChangeKind::Deleted && c.text.starts_with(phrase));
        assert!(hit.is_none(), "{phrase:?} flagged: {hit:?}");
    }
    // A rewrite: most of the page is flagged, the changelog (12 entries) is not.
    let m = r.summary;
    assert!(m.unchanged >= 10 && m.unchanged * 4 < m.paragraphs, "{m:?}");
    let deleted_words: usize = r
        .changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Deleted)
        .map(|c| termlens::text::Words::new(&c.text).len())
        .sum();
    assert!(
        deleted_words * 2 > termlens::text::Words::new(&old).len(),
        "{m:?}"
    );
}

// ---------------------------------------------------------------------------
// Moves.

#[test]
fn moved_paragraphs_are_reported_once_as_moved() {
    let a = "You will not use the Services to mine cryptocurrency.";
    let b = "Payment is due within thirty days of the invoice date.";
    let c = "We may suspend your account if you breach these terms.";
    let d = "These terms are governed by the laws of the State of Washington.";
    // (name, old, new, moved text, anchor = where it was, as a phrase of new)
    let cases: &[(&str, String, String, &str, &str)] = &[
        (
            "first to last",
            format!("{a}\n{b}\n{c}\n{d}"),
            format!("{b}\n{c}\n{d}\n{a}"),
            a,
            b,
        ),
        (
            "last to first",
            format!("{a}\n{b}\n{c}\n{d}"),
            format!("{d}\n{a}\n{b}\n{c}"),
            d,
            "",
        ),
        (
            "renumbered while moving",
            format!("1.1. {a}\n1.2. {b}\n1.3. {c}\n1.4. {d}"),
            format!("1.1. {b}\n1.2. {c}\n1.3. {d}\n1.4. {a}"),
            a,
            b,
        ),
        (
            "moved with a cross reference renumbered",
            format!("{a} See Section 50.12.5 of these terms.\n{b}\n{c}\n{d}"),
            format!("{b}\n{c}\n{d}\n{a} See Section 50.12.6 of these terms."),
            a,
            b,
        ),
    ];
    for (name, old, new, moved, was_before) in cases {
        let r = diff_texts(old, new);
        assert_eq!(r.changes.len(), 1, "{name}: {}", describe(&r));
        let change = &r.changes[0];
        assert_eq!(change.kind, ChangeKind::Moved, "{name}");
        assert!(change.text.starts_with(moved), "{name}: {}", change.text);
        // The anchor is where the paragraph was: before `was_before`, or the
        // end of the text when it was last.
        let expected_anchor = if was_before.is_empty() {
            // It was the last paragraph: anchored at the end of the text.
            new.encode_utf16().count() as u32
        } else {
            new[..new.find(was_before).unwrap_or(0)]
                .encode_utf16()
                .count() as u32
        };
        assert_eq!(change.anchor, Some(expected_anchor), "{name}");
        assert_eq!(r.summary.moved, 1);
        assert_offsets(new, &r);
    }
    // The near move carries its word diff.
    let (_, old, new, _, _) = &cases[3];
    let r = diff_texts(old, new);
    let ops: Vec<(Op, &str)> = r.changes[0]
        .words
        .iter()
        .filter(|w| w.op != Op::Equal)
        .map(|w| (w.op, w.text.as_str()))
        .collect();
    assert_eq!(ops, [(Op::Delete, "5"), (Op::Insert, "6")]);
}

#[test]
fn short_paragraphs_are_not_moves() {
    // A heading leaving one place and appearing in another is two changes.
    let r = diff_texts(
        "Definitions\nYou may not resell the Services.\nPayment terms apply.",
        "You may not resell the Services.\nPayment terms apply.\nDefinitions",
    );
    let kinds: Vec<ChangeKind> = r.changes.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, [ChangeKind::Deleted, ChangeKind::Inserted]);
}

// ---------------------------------------------------------------------------
// Noise.

#[test]
fn noise_does_not_count_as_a_change() {
    let terms =
        "Terms of Service\nYou may not resell the Services.\nPayment is due within 30 days.";
    // (name, old, new): no change between them.
    let cases: &[(&str, String, String)] = &[
        (
            "relative date",
            format!("Updated 3 days ago\n{terms}"),
            format!("Last updated 2 hours ago\n{terms}"),
        ),
        (
            "relative date appears",
            terms.to_string(),
            format!("{terms}\nEdited a few minutes ago"),
        ),
        (
            "relative date inside a line",
            format!("Terms of Service (updated 5 days ago)\n{terms}"),
            format!("Terms of Service (updated yesterday)\n{terms}"),
        ),
        (
            "cookie banner appears",
            terms.to_string(),
            format!(
                "Select your cookie preferences\nWe use essential cookies and similar tools that are necessary to provide our site and services. You can click “Customize” or “Decline” to decline performance cookies.\nAccept\nDecline\nCustomize\n{terms}"
            ),
        ),
        (
            "tracking parameters in a link",
            format!(
                "{terms}\nSee https://example.com/policies?utm_source=newsletter&utm_medium=email"
            ),
            format!(
                "{terms}\nSee https://example.com/policies?utm_source=web&fbclid=Ab12#section-3"
            ),
        ),
    ];
    for (name, old, new) in cases {
        let r = diff_texts(old, new);
        assert!(r.changes.is_empty(), "{name}: {}", describe(&r));
    }
    // Guard: a real change beside noise is still reported.
    let r = diff_texts(
        &format!("Updated 3 days ago\n{terms}"),
        &format!(
            "Updated 1 hour ago\n{}",
            terms.replace("30 days", "60 days")
        ),
    );
    assert_eq!(r.changes.len(), 1, "{}", describe(&r));
    assert_eq!(r.changes[0].kind, ChangeKind::Changed);
}

#[test]
fn identical_texts_give_no_changes() {
    if common::skip_without_corpus() {
        return;
    }
    let texts = [
        corpus_text(AWS_NEW),
        corpus_text(OPENAI_NEW),
        "One paragraph only.".to_string(),
        "Repeated\nRepeated\nRepeated".to_string(),
    ];
    for text in &texts {
        let r = diff_texts(text, text);
        assert!(r.changes.is_empty(), "{}", describe(&r));
        assert_eq!(r.summary.unchanged, r.summary.paragraphs);
        assert_eq!(r.summary.paragraphs, r.summary.old_paragraphs);
    }
}

#[test]
fn formatting_and_numbering_are_not_changes() {
    let r = diff_texts(
        "50.12.8. The Customer's \"Output\" -- see below.\n(a) Fine-tuned models",
        "50.12.6. The  Customer’s “OUTPUT” — see\u{a0}below\r\n\r\n(b) Fine–tuned  models",
    );
    assert!(r.changes.is_empty(), "{}", describe(&r));
}

// ---------------------------------------------------------------------------
// Offsets, hostile input, snapshots.

#[test]
fn offsets_are_utf16_in_text_with_astral_characters() {
    let old = "𝐀𝐁 Intro text here.\n«Clause» you may not resell 😀 anything.\nEnd";
    let new = "𝐀𝐁 Intro text here.\n«Clause» you may not resell or license 😀 anything.\n𝐂 New line added.\nEnd";
    let r = diff_texts(old, new);
    assert_offsets(new, &r);
    let kinds: Vec<ChangeKind> = r.changes.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, [ChangeKind::Changed, ChangeKind::Inserted]);
    assert_eq!(
        r.changes[0].text,
        "«Clause» you may not resell or license 😀 anything."
    );
}

#[test]
fn hostile_input_gives_a_result() {
    let big_word = "a".repeat(1 << 20);
    let no_punctuation = "word ".repeat(200_000);
    let lines = |word: &str| -> String {
        (0..40_000)
            .map(|i| format!("{word} {i} of these terms applies here\n"))
            .collect()
    };
    let (rewrite_old, rewrite_new) = (lines("clause"), lines("section"));
    let same_lines = "The same line again.\n".repeat(50_000);
    let same_lines_plus =
        format!("{same_lines}One more line at the end of the page.\n{same_lines}");
    let invisible = "you\u{200b}may\u{200e}not\u{202e}resell\u{2066}the\u{feff}services\u{200d}\n\u{200f}\u{200f}\n";
    let cases: &[(&str, &str, &str)] = &[
        ("empty to empty", "", ""),
        ("empty to text", "", "You may not resell the Services."),
        ("text to empty", "You may not resell the Services.", ""),
        ("only line breaks", "\n\n\r\n", "\n"),
        ("1 MB single word", "a", &big_word),
        ("1 MB single word, both sides", &big_word, &big_word),
        (
            "1 MB line without punctuation",
            "word word",
            &no_punctuation,
        ),
        (
            "zero-width and bidi controls",
            "You may not resell the Services.",
            invisible,
        ),
        (
            "only invisible characters",
            invisible,
            "\u{200b}\u{200e}\u{202e}",
        ),
        ("1 MB, every line rewritten", &rewrite_old, &rewrite_new),
        ("1 MB of one repeated line", &same_lines, &same_lines_plus),
    ];
    for (name, old, new) in cases {
        let start = std::time::Instant::now();
        let r = diff_texts(old, new);
        assert_offsets(new, &r);
        // Generous for debug builds on a slow machine; release runs in ms.
        assert!(
            start.elapsed().as_secs() < 20,
            "{name} took {:?}",
            start.elapsed()
        );
        // Records: paragraphs inserted together are one; `unchanged` counts
        // the paragraphs no record covers.
        assert_eq!(
            r.summary.unchanged,
            r.summary.paragraphs - paragraphs_in_records(&r),
            "{name}"
        );
    }
    // Zero-width characters join, bidi controls separate: at worst the
    // paragraph is one deleted and one inserted.
    let r = diff_texts("You may not resell the Services.", invisible);
    assert!(r.changes.len() <= 2, "{}", describe(&r));
}

#[test]
fn corrupt_snapshots_are_errors_that_say_why() {
    let good = Snapshot::of("One line\nAnother line").to_json();
    let cases: &[(&str, String, &str)] = &[
        (
            "not JSON",
            "{\"format\": 1,".to_string(),
            "not a snapshot's JSON",
        ),
        ("empty", String::new(), "not a snapshot's JSON"),
        ("an array", "[1, 2]".to_string(), "not a snapshot's JSON"),
        (
            "null",
            "null".to_string(),
            "expected a snapshot (a JSON object)",
        ),
        (
            "no format",
            "{\"paragraphs\": []}".to_string(),
            "missing field `format`",
        ),
        (
            "future format",
            good.replace("\"format\":2", "\"format\":7"),
            "format 7 is not supported",
        ),
        (
            "no paragraphs",
            good.replace("\"paragraphs\"", "\"p\""),
            "missing field `paragraphs`",
        ),
        (
            "paragraph not a string",
            good.replace("\"One line\"", "12"),
            "not a snapshot's JSON",
        ),
        (
            "edited paragraph",
            good.replace("One line", "One lime"),
            "checksum does not match",
        ),
        (
            "spaces around",
            good.replace("\"One line\"", "\" One line\""),
            "paragraph 0 is not a paragraph's text",
        ),
        (
            "line break",
            good.replace("One line", "One\\nline"),
            "paragraph 0 is not a paragraph's text",
        ),
        (
            "empty paragraph",
            good.replace("\"One line\"", "\"\""),
            "paragraph 0 is not a paragraph's text",
        ),
        (
            "format 0",
            good.replace("\"format\":2", "\"format\":0"),
            "format 0 is not supported",
        ),
        (
            "format 1 with text that is not normalised words",
            good.replace("\"format\":2", "\"format\":1")
                .replace("Another line", "Another  line"),
            "paragraph 1 is not a paragraph's text",
        ),
        (
            "dropped paragraph",
            good.replace("\"One line\",", ""),
            "checksum does not match",
        ),
    ];
    for (name, json, message) in cases {
        match Snapshot::from_json(json) {
            Ok(s) => panic!("{name}: read as {s:?}"),
            Err(e) => assert!(e.to_string().contains(message), "{name}: {e}"),
        }
    }
    assert!(Snapshot::from_json(&good).is_ok());
}

#[test]
fn snapshot_of_the_aws_terms_is_compact_and_reads_back() {
    if common::skip_without_corpus() {
        return;
    }
    let text = corpus_text(AWS_NEW);
    let snap = Snapshot::of(&text).dated("2025-11-19");
    let json = snap.to_json();
    assert!(json.len() < text.len(), "{} vs {}", json.len(), text.len());
    let back = Snapshot::from_json(&json).expect("reads back");
    assert_eq!(back, snap);
    assert_eq!(diff(&back, &text).since.as_deref(), Some("2025-11-19"));
    // A shipped snapshot of a known version and a visit's snapshot are the
    // same thing: the diff from either is the same.
    let old = corpus_text(AWS_OLD);
    let from_json = diff(
        &Snapshot::from_json(&Snapshot::of(&old).to_json()).expect("reads"),
        &text,
    );
    assert_eq!(from_json, diff(&Snapshot::of(&old), &text));
}

/// FNV-1a over lines joined by `\n`, as a snapshot's checksum (written here
/// to build a format-1 snapshot as an earlier termlens stored it).
fn fnv_checksum(paragraphs: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in paragraphs.join("\n").bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

#[test]
fn snapshots_keep_the_page_wording_and_deleted_passages_show_it() {
    if common::skip_without_corpus() {
        return;
    }
    let (old, new) = (corpus_text(AWS_OLD), corpus_text(AWS_NEW));
    let snap = Snapshot::of(&old);
    assert_eq!(snap.format, termlens::diff::SNAPSHOT_FORMAT);
    // The paragraph as the 2025-05-23 page wrote it (section number aside).
    let wording = "Mistral on Bedrock. \"Mistral Models\" are any models trained";
    assert!(snap.paragraphs.iter().any(|p| p.starts_with(wording)));
    let result = diff(&Snapshot::from_json(&snap.to_json()).expect("reads"), &new);
    let deleted = find(&result, ChangeKind::Deleted, "mistral on bedrock").expect("deleted");
    assert!(deleted.text.starts_with(wording), "{}", deleted.text);
    // A word diff's deleted words keep their case and punctuation too.
    let deletes: Vec<&str> = result
        .changes
        .iter()
        .flat_map(|c| c.words.iter())
        .filter(|w| w.op == Op::Delete)
        .map(|w| w.text.as_str())
        .collect();
    assert!(
        deletes.iter().any(|d| d.chars().any(char::is_uppercase)),
        "{deletes:?}"
    );
}

#[test]
fn a_page_diffed_against_its_own_snapshot_has_no_change_on_every_latest_known_version() {
    if common::skip_without_corpus() {
        return;
    }
    // The stored text normalises on read to exactly the words the page's
    // side compares: no paragraph of a real page is ever flagged against
    // its own snapshot.
    let loaded = common::knowledge_base();
    let mut checked = 0;
    for doc in loaded.kb.platforms.iter().flat_map(|p| p.documents.iter()) {
        let Some(latest) = termlens::build::corpus::versions(&common::corpus(), doc).pop() else {
            continue;
        };
        let text = termlens::extract::read_text(&latest.path).expect("corpus text");
        let back = Snapshot::from_json(&Snapshot::of(&text).to_json()).expect("reads back");
        let r = diff(&back, &text);
        assert!(
            r.changes.is_empty(),
            "{}: {}",
            latest.path.display(),
            describe(&r)
        );
        assert_eq!(r.summary.unchanged, r.summary.paragraphs);
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} documents checked");
}

#[test]
fn diff_and_snapshot_is_the_diff_and_the_snapshot_in_one_pass() {
    if common::skip_without_corpus() {
        return;
    }
    let (old, new) = (corpus_text(OPENAI_OLD), corpus_text(OPENAI_NEW));
    let snap = Snapshot::of(&old);
    let (result, next) = termlens::diff::diff_and_snapshot(Some(&snap), &new);
    assert_eq!(result, Some(diff(&snap, &new)));
    assert_eq!(next, Snapshot::of(&new));
    let (none, first) = termlens::diff::diff_and_snapshot(None, &old);
    assert_eq!(none, None);
    assert_eq!(first, snap);
}

#[test]
fn format_1_snapshots_are_still_read() {
    // What termlens stored before format 2: normalised words only.
    let paragraphs = ["you may not resell the services", "fees are due monthly"];
    let json = format!(
        r#"{{"format":1,"date":"2026-01-02","checksum":"{}","paragraphs":["{}","{}"]}}"#,
        fnv_checksum(&paragraphs),
        paragraphs[0],
        paragraphs[1]
    );
    let old = Snapshot::from_json(&json).expect("format 1 reads");
    assert_eq!(old.format, 1);
    let r = diff(&old, "You may not resell the Services.\nTaxes are extra.");
    let kinds: Vec<(ChangeKind, &str)> = r
        .changes
        .iter()
        .map(|c| (c.kind, c.text.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            (ChangeKind::Deleted, "fees are due monthly"),
            (ChangeKind::Inserted, "Taxes are extra.")
        ]
    );
    assert_eq!(r.since.as_deref(), Some("2026-01-02"));
}

// ---------------------------------------------------------------------------
// The CLI.

use common::termlens;

#[test]
fn cli_diff_prints_the_changes_readable_and_as_json() {
    if common::skip_without_corpus() {
        return;
    }
    let old = common::corpus().join(AWS_OLD);
    let new = common::corpus().join(AWS_NEW);
    let (old, new) = (old.to_string_lossy(), new.to_string_lossy());
    let (ok, stdout, stderr) = termlens(&["diff", &old, &new]);
    assert!(ok, "{stderr}");
    let first = stdout.lines().next().unwrap_or_default();
    assert!(
        first.contains("inserted") && first.contains("paragraphs unchanged"),
        "{first}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.trim_start().starts_with("- ") && l.contains("Mistral on Bedrock"))
    );
    assert!(stdout.lines().any(
        |l| l.trim_start().starts_with("~ ") && l.contains("Third-party models are available")
    ));
    // New sections 105 (Amazon Inspector) and 106 (AWS RTB Fabric) are one
    // insertion: one record, shown by its start.
    assert!(
        stdout
            .lines()
            .any(|l| l.trim_start().starts_with("+ ") && l.contains("Amazon Inspector"))
    );

    let (ok, stdout, stderr) = termlens(&["diff", &old, &new, "--json"]);
    assert!(ok, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    let changes = json["changes"].as_array().expect("changes");
    let expected = diff_texts(&corpus_text(AWS_OLD), &corpus_text(AWS_NEW));
    assert_eq!(changes.len(), expected.changes.len());
    assert_eq!(json["summary"]["deleted"], expected.summary.deleted);
    assert!(
        changes
            .iter()
            .all(|c| c["kind"].is_string() && c["text"].is_string())
    );

    let (ok, _, stderr) = termlens(&["diff", "no/such/file.md", &new]);
    assert!(!ok);
    assert!(stderr.contains("no/such/file.md"), "{stderr}");
}

// ---------------------------------------------------------------------------
// Layout noise and quotes.

#[test]
fn footnote_markers_hyphenation_and_hard_line_breaks_are_not_changes() {
    let old = "Customer agrees that the Services are provided under this agreement.\nPayment is due within 30 days of the invoice.";
    // (rule, new page): the same words.
    let cases = [
        (
            "footnote glued",
            "Customer agrees that the Services1 are provided under this agreement12.\nPayment is due within 30 days of the invoice.",
        ),
        (
            "footnote in brackets",
            "Customer agrees that the Services[1] are provided under this agreement [2].\nPayment is due within 30 days of the invoice.",
        ),
        (
            "hyphenation at a line end",
            "Customer agrees that the Ser-\nvices are provided under this agree-\nment.\nPayment is due within 30 days of the in-\nvoice.",
        ),
        (
            "hard line breaks",
            "Customer agrees that the Services\nare provided under\nthis agreement. Payment is due\nwithin 30 days of the invoice.",
        ),
    ];
    for (rule, new) in cases {
        let r = diff_texts(old, new);
        assert!(r.changes.is_empty(), "{rule}: {}", describe(&r));
        let r = diff_texts(new, old);
        assert!(r.changes.is_empty(), "{rule}, reversed: {}", describe(&r));
    }
    // Guard: a real number edited is a change.
    let r = diff_texts(old, &old.replace("30 days", "31 days"));
    let ops: Vec<(Op, &str)> = r.changes[0]
        .words
        .iter()
        .filter(|w| w.op != Op::Equal)
        .map(|w| (w.op, w.text.as_str()))
        .collect();
    assert_eq!(ops, [(Op::Delete, "30"), (Op::Insert, "31")]);
}

#[test]
fn changes_quote_the_page_with_its_punctuation() {
    let old = "We use your data to operate Copilot and improve it.\nThe “Customer” may not resell, sublicense or lease the Services.";
    let new = "We use your data to operate Copilot, train our models and improve it — “as needed”.\nThe “Customer” may not resell or lease the Services.";
    let r = diff_texts(old, new);
    assert_offsets(new, &r);
    assert_eq!(r.changes.len(), 2, "{}", describe(&r));
    // The page's side of each change (equal and inserted runs), joined by
    // spaces as the changes panel joins them, is the page's text.
    for c in &r.changes {
        let page: Vec<&str> = c
            .words
            .iter()
            .filter(|w| w.op != Op::Delete)
            .map(|w| w.text.as_str())
            .collect();
        assert_eq!(page.join(" "), c.text);
    }
    let ops = |c: &Change| -> Vec<(Op, String)> {
        c.words.iter().map(|w| (w.op, w.text.clone())).collect()
    };
    assert_eq!(
        ops(&r.changes[0]),
        [
            (
                Op::Equal,
                "We use your data to operate Copilot,".to_string()
            ),
            (Op::Insert, "train our models".to_string()),
            // Text between two runs with whitespace on both sides goes with
            // the run before it.
            (Op::Equal, "and improve it —".to_string()),
            (Op::Insert, "“as needed”.".to_string()),
        ]
    );
    // Deleted words are quoted from the snapshot, with their punctuation.
    assert_eq!(
        ops(&r.changes[1]),
        [
            (Op::Equal, "The “Customer” may not resell".to_string()),
            (Op::Delete, ", sublicense".to_string()),
            (Op::Equal, "or lease the Services.".to_string()),
        ]
    );
}
