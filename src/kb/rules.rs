//! The rules of a valid entry, written once over typed data: the TOML
//! sources ([`super::source`]) and custom packs ([`super::pack`]) read their
//! entries into the model's types and ask these functions, which answer with
//! [`Problem`]s naming the [`Field`]; each reader turns a field into its own
//! location (a line, a JSON path).
//!
//! The rules: required texts and lists are not empty; a provision's id starts
//! with its platform's, a document's too; documents, platforms and topics
//! exist and agree; the exposure is low, medium or high; a clause wording is
//! long enough to be recognised on its own and lists dated versions; no id is
//! used twice and no two provisions quote the same text.

use super::error::{KbErrorKind, Location};
use super::{
    Compliance, Document, Exposure, KnowledgeBase, Platform, Provision, SecondaryQuote, Wording,
};
use crate::text::Words;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// The fewest words a clause wording may have: shorter quotes are too generic
/// to identify a provision (see ARCHITECTURE.md, "Thresholds").
pub const MIN_WORDING_WORDS: usize = 12;

/// Longest id (platform, document, provision, pack) a pack may use.
pub const MAX_ID_CHARS: usize = 100;

/// A field of an entry, named in either reader's notation by [`Field::json`]
/// and [`Field::toml`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// The entry itself.
    Entry,
    /// A field by name (`id`, `title`, `match` ...).
    Named(&'static str),
    /// One item of a list field (`topics[1]`).
    Item(&'static str, usize),
    /// The list of wordings.
    Wordings,
    /// A wording's text.
    WordingText(usize),
    /// A wording's list of versions.
    WordingVersions(usize),
    /// One version of a wording.
    WordingVersion(usize, usize),
    /// A field of the compliance analysis.
    Compliance(&'static str),
    /// One item of a list of the compliance analysis.
    ComplianceItem(&'static str, usize),
}

impl Field {
    /// The field as a JSON path relative to its entry (`wordings[0].text`).
    pub fn json(&self) -> String {
        match *self {
            Field::Entry => String::new(),
            Field::Named(n) => n.to_string(),
            Field::Item(n, i) => format!("{n}[{i}]"),
            Field::Wordings => "wordings".into(),
            Field::WordingText(k) => format!("wordings[{k}].text"),
            Field::WordingVersions(k) => format!("wordings[{k}].versions"),
            Field::WordingVersion(k, n) => format!("wordings[{k}].versions[{n}]"),
            Field::Compliance(n) => format!("compliance.{n}"),
            Field::ComplianceItem(n, i) => format!("compliance.{n}[{i}]"),
        }
    }

    /// The field as the TOML sources name it, and whether it belongs to the
    /// `[provision.compliance]` table (`wording.text`, `exposure`).
    pub fn toml(&self) -> (String, bool) {
        match *self {
            Field::Entry => (String::new(), false),
            Field::Named(n) | Field::Item(n, _) => (n.to_string(), false),
            Field::Wordings => ("wording".into(), false),
            Field::WordingText(_) => ("wording.text".into(), false),
            Field::WordingVersions(_) | Field::WordingVersion(..) => {
                ("wording.versions".into(), false)
            }
            Field::Compliance(n) | Field::ComplianceItem(n, _) => (n.to_string(), true),
        }
    }
}

/// One problem of an entry: the field and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The field.
    pub field: Field,
    /// What is wrong.
    pub kind: KbErrorKind,
}

fn problem(field: Field, kind: KbErrorKind) -> Problem {
    Problem { field, kind }
}

/// What entries may refer to, and what earlier entries already took.
#[derive(Clone, Debug, Default)]
pub struct Known {
    /// Platform ids, with where each was written (`None`: in the base being joined).
    pub platforms: HashMap<String, Option<Location>>,
    /// Document id -> (platform id, where written).
    pub documents: HashMap<String, (String, Option<Location>)>,
    /// Topic ids.
    pub topics: HashSet<String>,
    /// Provision ids, with where each was written.
    pub provisions: HashMap<String, Option<Location>>,
    /// Normalised wording -> (provision id, where written).
    pub quotes: HashMap<String, (String, Option<Location>)>,
}

impl Known {
    /// Everything `kb` holds, as taken by the knowledge base being joined.
    pub fn of(kb: &KnowledgeBase) -> Known {
        let mut known = Known::ids_of(kb);
        for p in &kb.provisions {
            for w in &p.wordings {
                known
                    .quotes
                    .insert(quote_key(&w.text), (p.id.clone(), None));
            }
        }
        known
    }

    /// The ids `kb` holds (platforms, documents, topics, provisions) without
    /// its wordings: what entries refer to, and cheap to make (splitting every
    /// wording into words is most of [`Known::of`]).
    pub fn ids_of(kb: &KnowledgeBase) -> Known {
        let mut known = Known::default();
        for p in &kb.platforms {
            known.platforms.insert(p.id.clone(), None);
            for d in &p.documents {
                known.documents.insert(d.id.clone(), (p.id.clone(), None));
            }
        }
        known.topics = kb.topics.iter().map(|t| t.id.clone()).collect();
        for p in &kb.provisions {
            known.provisions.insert(p.id.clone(), None);
        }
        known
    }
}

/// The normalised words of a wording, joined: two wordings quote the same
/// text when these are equal.
pub fn quote_key(text: &str) -> String {
    Words::new(text).joined().to_string()
}

/// `YYYY-MM-DD`, a real calendar date, optionally followed by `-N` (a later
/// version the same day).
pub fn is_version_date(s: &str) -> bool {
    let b = s.as_bytes();
    let shape = b.len() >= 10
        && b[..10].iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
        && (b.len() == 10
            || (b.len() > 11 && b[10] == b'-' && b[11..].iter().all(u8::is_ascii_digit)));
    if !shape {
        return false;
    }
    let number = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(0);
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    };
    year >= 1 && (1..=days).contains(&day)
}

/// The fewest distinct words besides [`COMMON_WORDS`] a clause wording may
/// have: twelve words of `the` are long enough but identify nothing. The
/// built-in wording with the fewest has 6 (a consumer training opt-out;
/// `every_built_in_wording_has_enough_content_words` measures it).
pub const MIN_CONTENT_WORDS: usize = 6;

/// The commonest English words, which say little about which clause a text is.
pub const COMMON_WORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "but", "nor", "if", "then", "of", "to", "in", "on", "at", "by",
    "for", "with", "from", "as", "into", "onto", "than", "that", "this", "these", "those", "it",
    "its", "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "do", "does",
    "did", "will", "shall", "may", "can", "would", "should", "could", "must", "not", "no", "so",
    "such", "any", "all", "each", "which", "who", "whom", "whose", "what", "when", "where", "how",
    "you", "your", "we", "our", "us", "they", "their", "them", "he", "she", "his", "her", "i",
    "me", "my", "there", "here", "also", "other", "only", "own", "same",
];

/// How many distinct words of `words` are not [`COMMON_WORDS`].
pub fn content_words(words: &Words) -> usize {
    let mut distinct: Vec<&str> = words
        .iter()
        .map(|w| w.norm.as_str())
        .filter(|w| !COMMON_WORDS.contains(w))
        .collect();
    crate::sort::ascending(&mut distinct);
    distinct.dedup();
    distinct.len()
}

/// `low`, `medium` or `high`.
pub fn exposure(s: &str) -> Result<Exposure, KbErrorKind> {
    Exposure::parse(s).ok_or_else(|| KbErrorKind::Exposure(s.to_string()))
}

fn required(out: &mut Vec<Problem>, fields: &[(&'static str, &str)]) {
    for (name, value) in fields {
        if value.trim().is_empty() {
            out.push(problem(Field::Named(name), KbErrorKind::Empty));
        }
    }
}

/// A list that is not empty, of texts that are not empty.
fn texts(out: &mut Vec<Problem>, list: &[String], whole: Field, item: fn(usize) -> Field) {
    if list.is_empty() {
        out.push(problem(whole, KbErrorKind::Empty));
    }
    for (i, s) in list.iter().enumerate() {
        if s.trim().is_empty() {
            out.push(problem(item(i), KbErrorKind::Empty));
        }
    }
}

/// A platform: its id and name; a platform id used once. Takes the id
/// (`at`: where it was written).
pub fn platform(p: &Platform, known: &mut Known, at: Location) -> Vec<Problem> {
    let mut out = Vec::new();
    required(&mut out, &[("id", &p.id), ("name", &p.name)]);
    if let Some(first) = known.platforms.get(&p.id) {
        out.push(problem(
            Field::Named("id"),
            KbErrorKind::DuplicateId("platform", p.id.clone(), first.clone()),
        ));
    } else {
        known.platforms.insert(p.id.clone(), Some(at));
    }
    for (i, alias) in p.aliases.iter().enumerate() {
        let words = crate::text::Words::new(alias);
        if words.len() != 1 || words.get(0).is_some_and(|w| w.norm != *alias) {
            out.push(problem(
                Field::Item("aliases", i),
                KbErrorKind::Other(format!(
                    "{alias:?} is not one lower-case word (a lookup query names a platform by one word)"
                )),
            ));
        }
    }
    out
}

/// A document of `platform`: its fields, an id under the platform's, used
/// once; match patterns present, each naming a host (the URL rule's
/// [`crate::urlmatch::check_pattern`]). Takes the id (`at`: where it was written).
pub fn document(d: &Document, platform: &str, known: &mut Known, at: Location) -> Vec<Problem> {
    let mut out = Vec::new();
    required(
        &mut out,
        &[("id", &d.id), ("name", &d.name), ("url", &d.url)],
    );
    texts(&mut out, &d.patterns, Field::Named("match"), |i| {
        Field::Item("match", i)
    });
    for (i, p) in d.patterns.iter().enumerate() {
        if let Err(why) = crate::urlmatch::check_pattern(p)
            && !p.trim().is_empty()
        {
            out.push(problem(
                Field::Item("match", i),
                KbErrorKind::NotAPattern(p.clone(), why),
            ));
        }
    }
    if !d.id.is_empty() && !d.id.starts_with(&format!("{platform}/")) {
        out.push(problem(
            Field::Named("id"),
            KbErrorKind::IdPrefix(platform.to_string(), '/'),
        ));
    }
    if let Some((_, first)) = known.documents.get(&d.id) {
        out.push(problem(
            Field::Named("id"),
            KbErrorKind::DuplicateId("document", d.id.clone(), first.clone()),
        ));
    } else {
        known
            .documents
            .insert(d.id.clone(), (platform.to_string(), Some(at)));
    }
    out
}

/// Topic ids that exist, at least one.
pub fn topics(topics: &[String], known: &Known) -> Vec<Problem> {
    let mut out = Vec::new();
    texts(&mut out, topics, Field::Named("topics"), |i| {
        Field::Item("topics", i)
    });
    for (i, t) in topics.iter().enumerate() {
        if !t.trim().is_empty() && !known.topics.contains(t) {
            out.push(problem(
                Field::Item("topics", i),
                KbErrorKind::UnknownTopic(t.clone()),
            ));
        }
    }
    out
}

/// A clause known from a third party's quotation: its fields, a known
/// platform, known topics.
pub fn secondary(q: &SecondaryQuote, known: &Known) -> Vec<Problem> {
    let mut out = Vec::new();
    required(
        &mut out,
        &[
            ("id", &q.id),
            ("platform", &q.platform),
            ("document", &q.document),
            ("url", &q.url),
            ("quote", &q.quote),
            ("source", &q.source),
        ],
    );
    if !q.platform.trim().is_empty() && !known.platforms.contains_key(&q.platform) {
        out.push(problem(
            Field::Named("platform"),
            KbErrorKind::UnknownPlatform(q.platform.clone()),
        ));
    }
    out.extend(topics(&q.topics, known));
    out
}

/// A provision: every rule of its fields, its references, its wordings and
/// its compliance analysis. Takes its id and quotes; `locate` says where a
/// field was written (kept to name the first of two duplicates).
pub fn provision(
    p: &Provision,
    known: &mut Known,
    locate: &dyn Fn(Field) -> Location,
) -> Vec<Problem> {
    let mut out = Vec::new();
    required(
        &mut out,
        &[
            ("id", &p.id),
            ("platform", &p.platform),
            ("document", &p.document),
            ("section", &p.section),
            ("title", &p.title),
            ("explanation", &p.explanation),
            ("why_it_matters", &p.why_it_matters),
            ("uncertainty", &p.uncertainty),
        ],
    );
    match known.provisions.get(&p.id) {
        Some(first) if !p.id.is_empty() => out.push(problem(
            Field::Named("id"),
            KbErrorKind::DuplicateId("provision", p.id.clone(), first.clone()),
        )),
        _ => {
            known
                .provisions
                .insert(p.id.clone(), Some(locate(Field::Named("id"))));
        }
    }
    references(p, known, &mut out);
    out.extend(topics(&p.topics, known));
    if p.wordings.is_empty() {
        out.push(problem(Field::Wordings, KbErrorKind::Empty));
    }
    for (k, w) in p.wordings.iter().enumerate() {
        wording(k, w, &p.id, known, locate, &mut out);
    }
    compliance(&p.compliance, &mut out);
    out
}

/// The platform exists, the document exists and is the platform's, and the
/// id starts with the platform's.
fn references(p: &Provision, known: &Known, out: &mut Vec<Problem>) {
    let platform_known = known.platforms.contains_key(&p.platform);
    if !p.platform.is_empty() && !platform_known {
        out.push(problem(
            Field::Named("platform"),
            KbErrorKind::UnknownPlatform(p.platform.clone()),
        ));
    }
    if !p.platform.is_empty() && !p.id.is_empty() && !p.id.starts_with(&format!("{}.", p.platform))
    {
        out.push(problem(
            Field::Named("id"),
            KbErrorKind::IdPrefix(p.platform.clone(), '.'),
        ));
    }
    match known.documents.get(&p.document) {
        None if !p.document.trim().is_empty() => out.push(problem(
            Field::Named("document"),
            KbErrorKind::UnknownDocument(p.document.clone()),
        )),
        Some((owner, _)) if platform_known && *owner != p.platform => out.push(problem(
            Field::Named("document"),
            KbErrorKind::OtherPlatformsDocument(
                p.document.clone(),
                owner.clone(),
                p.platform.clone(),
            ),
        )),
        _ => {}
    }
}

fn wording(
    k: usize,
    w: &Wording,
    provision: &str,
    known: &mut Known,
    locate: &dyn Fn(Field) -> Location,
    out: &mut Vec<Problem>,
) {
    let text = Field::WordingText(k);
    let words = Words::new(&w.text);
    if w.text.trim().is_empty() {
        out.push(problem(text, KbErrorKind::Empty));
    } else if words.len() < MIN_WORDING_WORDS {
        out.push(problem(
            text,
            KbErrorKind::TooFewWords(words.len(), MIN_WORDING_WORDS),
        ));
    } else if content_words(&words) < MIN_CONTENT_WORDS {
        out.push(problem(
            text,
            KbErrorKind::TooFewContentWords(content_words(&words), MIN_CONTENT_WORDS),
        ));
    }
    let key = words.joined().to_string();
    if !key.is_empty() {
        match known.quotes.get(&key) {
            Some((other, _)) if other == provision => {
                out.push(problem(text, KbErrorKind::WordingTwice));
            }
            Some((other, at)) => out.push(problem(
                text,
                KbErrorKind::SameQuote(other.clone(), at.clone()),
            )),
            None => {
                known
                    .quotes
                    .insert(key, (provision.to_string(), Some(locate(text))));
            }
        }
    }
    if w.versions.is_empty() {
        out.push(problem(Field::WordingVersions(k), KbErrorKind::Empty));
    }
    for (n, v) in w.versions.iter().enumerate() {
        if !is_version_date(v) {
            out.push(problem(
                Field::WordingVersion(k, n),
                KbErrorKind::NotADate(v.clone()),
            ));
        }
    }
}

fn compliance(c: &Compliance, out: &mut Vec<Problem>) {
    for (name, value) in [
        ("regulatory_landscape", &c.regulatory_landscape),
        ("exposure_reason", &c.exposure_reason),
        ("contract_implications", &c.contract_implications),
    ] {
        if value.trim().is_empty() {
            out.push(problem(Field::Compliance(name), KbErrorKind::Empty));
        }
    }
    texts(
        out,
        &c.jurisdictions,
        Field::Compliance("jurisdictions"),
        |i| Field::ComplianceItem("jurisdictions", i),
    );
    texts(out, &c.steps, Field::Compliance("steps"), |i| {
        Field::ComplianceItem("steps", i)
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_dates() {
        assert!(is_version_date("2025-11-11"));
        assert!(is_version_date("2026-05-18-2"));
        assert!(!is_version_date("2026-5-18"));
        assert!(!is_version_date("2026-05-18-"));
        assert!(!is_version_date("latest"));
        assert!(is_version_date("2024-02-29"));
        assert!(!is_version_date("2026-02-29"));
        assert!(!is_version_date("2026-02-30"));
        assert!(!is_version_date("2026-04-31"));
        assert!(!is_version_date("9999-99-99"));
        assert!(!is_version_date("2026-00-10"));
        assert!(!is_version_date("2026-01-00"));
        assert!(!is_version_date("1900-02-29"));
        assert!(is_version_date("2000-02-29-3"));
    }

    #[test]
    fn fields_name_themselves_in_both_notations() {
        let f = Field::WordingVersion(2, 1);
        assert_eq!(f.json(), "wordings[2].versions[1]");
        assert_eq!(f.toml(), ("wording.versions".to_string(), false));
        let c = Field::ComplianceItem("steps", 0);
        assert_eq!(c.json(), "compliance.steps[0]");
        assert_eq!(c.toml(), ("steps".to_string(), true));
    }
}
