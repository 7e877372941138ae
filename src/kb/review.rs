//! Checks across the knowledge base that a single entry cannot answer alone:
//! what the card text says about when a clause changed against the recorded
//! history ([`change_dates`]), exposure levels of like clauses
//! ([`exposure_reasons`]), topics a clause's wording calls for
//! ([`topic_cues`]), and the provisions the missing documents name
//! ([`missing_documents`]). `termlens kb check` fails on the findings of
//! [`all`].

use super::error::KbErrorKind;
use super::rules::{Field, Problem};
use super::{KnowledgeBase, Provision, ProvisionHistory};
use crate::text::Words;

/// One problem of one provision (its index in the knowledge base; `None`
/// for a problem of the knowledge base as a whole).
pub type Finding = (Option<usize>, Problem);

/// Every finding of the checks that make the knowledge base invalid.
pub fn all(kb: &KnowledgeBase) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, p) in kb.provisions.iter().enumerate() {
        out.extend(change_dates(p).into_iter().map(|f| (Some(i), f)));
        out.extend(topic_cues(kb, p).into_iter().map(|f| (Some(i), f)));
    }
    out.extend(exposure_reasons(kb));
    out.extend(missing_documents(kb));
    out
}

fn finding(field: Field, message: String) -> Problem {
    Problem {
        field,
        kind: KbErrorKind::Other(message),
    }
}

/// The card's own texts, with the field each is in.
fn card_texts(p: &Provision) -> Vec<(Field, &str)> {
    let c = &p.compliance;
    let mut out = vec![
        (Field::Named("explanation"), p.explanation.as_str()),
        (Field::Named("why_it_matters"), p.why_it_matters.as_str()),
        (Field::Named("uncertainty"), p.uncertainty.as_str()),
        (
            Field::Compliance("exposure_reason"),
            c.exposure_reason.as_str(),
        ),
        (
            Field::Compliance("contract_implications"),
            c.contract_implications.as_str(),
        ),
    ];
    for (i, s) in c.steps.iter().enumerate() {
        out.push((Field::ComplianceItem("steps", i), s.as_str()));
    }
    out
}

// ---------------------------------------------------------------------------
// Change dates

/// Words that make a sentence a statement about the clause's own change. A
/// date in such a sentence is a change date; dates elsewhere (a law's date,
/// the date a law applies from) are not checked.
pub const CHANGE_WORDS: &[&str] = &[
    "changed",
    "changes",
    "reworded",
    "rewritten",
    "rewrite",
    "revision",
    "revised",
    "version",
    "versions",
    "wording",
    "until",
    "before",
    "since",
    "added",
    "removed",
    "dropped",
    "appeared",
    "widened",
    "narrowed",
    "tightened",
    "replaced",
];

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// A period a card text names: a year, a month of a year, or one day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Period {
    /// `2026`.
    Year(u32),
    /// `February 2026`.
    Month(u32, u32),
    /// `2026-02-28` (or a day written out, `28 February 2026`).
    Day(String),
}

impl Period {
    /// Whether the version date `date` (`YYYY-MM-DD`, maybe `-N`) falls in it.
    pub fn contains(&self, date: &str) -> bool {
        let year: Option<u32> = date.get(..4).and_then(|y| y.parse().ok());
        let month: Option<u32> = date.get(5..7).and_then(|m| m.parse().ok());
        match self {
            Period::Year(y) => year == Some(*y),
            Period::Month(y, m) => year == Some(*y) && month == Some(*m),
            Period::Day(d) => date.get(..10) == Some(d.as_str()),
        }
    }

    fn describe(&self) -> String {
        match self {
            Period::Year(y) => y.to_string(),
            Period::Month(y, m) => format!("{} {y}", MONTHS[*m as usize - 1]),
            Period::Day(d) => d.clone(),
        }
    }
}

fn year_of(word: &str) -> Option<u32> {
    let y: u32 = word.parse().ok()?;
    (word.len() == 4 && (2000..2100).contains(&y)).then_some(y)
}

/// The periods a sentence names. A year written as part of a reference
/// (`2024/2853`, `833/2014`) is not a date.
pub fn periods(sentence: &str) -> Vec<Period> {
    let tokens: Vec<&str> = sentence
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '(' | ')' | ';' | ':'))
        .filter(|t| !t.is_empty())
        .collect();
    let mut out = Vec::new();
    for (i, raw) in tokens.iter().enumerate() {
        let t = raw.trim_end_matches(['.', '\'', '’', '"', '”']);
        let t = t.trim_start_matches(['"', '“']);
        let t = t
            .strip_prefix("mid-")
            .or_else(|| t.strip_prefix("early-"))
            .or_else(|| t.strip_prefix("late-"))
            .unwrap_or(t);
        if t.len() >= 10 && super::rules::is_version_date(&t[..10]) {
            out.push(Period::Day(t[..10].to_string()));
            continue;
        }
        let Some(y) = year_of(t) else { continue };
        let before = |k: usize| tokens.get(i.wrapping_sub(k)).map(|w| w.to_lowercase());
        let month = before(1).and_then(|w| MONTHS.iter().position(|m| *m == w));
        let day = before(2).filter(|w| w.len() <= 2 && w.parse::<u32>().is_ok());
        out.push(match (month, day) {
            (Some(m), Some(d)) => Period::Day(format!("{y}-{:02}-{:0>2}", m + 1, d)),
            (Some(m), None) => Period::Month(y, m as u32 + 1),
            _ => Period::Year(y),
        });
    }
    out
}

/// Sentences of a text (split after `.`, `;`, `?` or `!` followed by a space).
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if matches!(b, b'.' | b';' | b'?' | b'!') && bytes.get(i + 1) == Some(&b' ') {
            out.push(&text[start..=i]);
            start = i + 1;
        }
    }
    out.push(&text[start..]);
    out
}

fn states_a_change(sentence: &str) -> bool {
    Words::new(sentence)
        .norms()
        .iter()
        .any(|w| CHANGE_WORDS.contains(w))
}

/// Every recorded version date of the clause, sorted.
fn recorded_dates(h: &ProvisionHistory) -> Vec<&str> {
    let mut all: Vec<&str> = h
        .wordings
        .iter()
        .flat_map(|w| w.dates.iter().map(String::as_str))
        .collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// Whether `period` is as precise as the record allows about some event of
/// `h`: a recorded version date (of a wording or of an event); or a year or month holding both the version
/// that shows the event and the version before it (the event lies between
/// them); or, for the first recorded appearance, the month or year of that
/// version.
pub fn agrees_with_history(period: &Period, h: &ProvisionHistory) -> bool {
    let dates = recorded_dates(h);
    if let Period::Day(d) = period {
        // A disappearance is dated by the first version without the clause,
        // which no wording lists.
        let day = |v: &str| v.get(..10) == Some(d.as_str());
        return dates.iter().any(|v| day(v)) || h.events.iter().any(|e| day(&e.date));
    }
    h.events.iter().any(|e| {
        let before = dates.iter().rev().find(|v| **v < e.date.as_str());
        period.contains(&e.date)
            && match before {
                Some(b) if e.kind != super::HistoryEventKind::Appeared => period.contains(b),
                _ => true,
            }
    })
}

const COUNT_WORDS: &[(&str, usize)] = &[
    ("once", 1),
    ("twice", 2),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
];

/// A claim like "changed three times" or "reworded twice": the count, if any.
fn claimed_changes(sentence: &str) -> Option<usize> {
    let words = Words::new(sentence);
    let norms = words.norms();
    let at = norms
        .iter()
        .position(|w| matches!(*w, "changed" | "reworded" | "revised" | "amended"))?;
    let count = |w: &str| COUNT_WORDS.iter().find(|(k, _)| *k == w).map(|(_, n)| *n);
    let next = norms.get(at + 1).copied().unwrap_or("");
    let n = count(next)?;
    let times = norms.get(at + 2).copied() == Some("times");
    (next == "once" || next == "twice" || times).then_some(n)
}

/// Card texts that state when the clause changed must agree with its recorded
/// history: every year, month or day named in a sentence about the clause's
/// change ([`CHANGE_WORDS`]) must be as precise as the record
/// ([`agrees_with_history`]), and a count of changes must be the recorded
/// count. A provision without a recorded history may state no change date.
pub fn change_dates(p: &Provision) -> Vec<Problem> {
    let mut out = Vec::new();
    for (field, text) in card_texts(p) {
        for s in sentences(text).into_iter().filter(|s| states_a_change(s)) {
            let recorded = p.history.as_ref();
            for period in periods(s) {
                if recorded.is_some_and(|h| agrees_with_history(&period, h)) {
                    continue;
                }
                out.push(finding(
                    field,
                    format!(
                        "states a change in {} that the recorded versions do not place there \
                         (say \"between the versions of DATE and DATE\" or leave the date \
                         to the card's history line): \"{}\"",
                        period.describe(),
                        s.trim()
                    ),
                ));
            }
            if let (Some(n), Some(h)) = (claimed_changes(s), recorded) {
                let changes = h
                    .events
                    .iter()
                    .filter(|e| e.kind == super::HistoryEventKind::Changed)
                    .count();
                if n != changes {
                    out.push(finding(
                        field,
                        format!(
                            "says the clause changed {n} time(s); the recorded versions show \
                             {changes}: \"{}\"",
                            s.trim()
                        ),
                    ));
                }
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Exposure of like clauses

/// Phrases of the exposure rubric (data/README.md) that name what makes a
/// level differ: reach, consequence, notice and control, remedies, or the
/// other level itself.
pub const RUBRIC_FACTORS: &[&str] = &[
    "ordinary use",
    "ordinary business",
    "routine",
    "by default",
    "default",
    "specialised",
    "narrow",
    "deliberate",
    "uncapped",
    "capped",
    "no cap",
    "no notice",
    "without notice",
    "advance notice",
    "notice",
    "opt out",
    "opt-out",
    "switch off",
    "setting",
    "discretion",
    "cure",
    "refund",
    "object",
    "statutory",
    "consumer",
    "authorities",
    "criminal",
    "forfeit",
    "loss of",
    "rather than",
    "unlike",
    "like other",
];

/// How close two wordings must be (Dice coefficient of their word sets,
/// `super::compare::dice`) for clauses of the same main topic to count as
/// alike: clauses of one topic can have opposite effects (a licence and its
/// exclusions), and the rule cannot read effects, so it takes near wording
/// as the machine-checkable sign of the same effect.
pub const LIKE_WORDING: f64 = 0.5;

/// Like clauses (same main topic, the first, and wordings at least
/// [`LIKE_WORDING`] alike) of different platforms rated differently: each
/// must say why in its `exposure_reason`, naming a factor of the rubric
/// ([`RUBRIC_FACTORS`]).
pub fn exposure_reasons(kb: &KnowledgeBase) -> Vec<Finding> {
    let sets: Vec<_> = kb
        .provisions
        .iter()
        .map(|p| super::compare::word_set(p.wordings.first().map_or("", |w| w.text.as_str())))
        .collect();
    let mut out = Vec::new();
    for (i, p) in kb.provisions.iter().enumerate() {
        let reason = p.compliance.exposure_reason.to_lowercase();
        if RUBRIC_FACTORS.iter().any(|f| reason.contains(f)) {
            continue;
        }
        let like = kb.provisions.iter().enumerate().find(|(j, q)| {
            q.platform != p.platform
                && q.topics.first() == p.topics.first()
                && q.compliance.exposure != p.compliance.exposure
                && super::compare::dice(&sets[i], &sets[*j]) >= LIKE_WORDING
        });
        if let Some((_, q)) = like {
            out.push((
                Some(i),
                finding(
                    Field::Compliance("exposure_reason"),
                    format!(
                        "`{}` is a like clause rated {:?}; the reason must name what differs \
                         (reach, consequence, notice or remedies, as in data/README.md)",
                        q.id, q.compliance.exposure
                    ),
                ),
            ));
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Topics a wording calls for

/// A cue: words that must all occur in one sentence of a clause, each given
/// as the start of a normalised word, within [`CUE_SPAN`] words of the first.
pub type Cue = &'static [&'static str];

/// How many words a cue may spread over.
pub const CUE_SPAN: usize = 12;

/// Topics a clause must carry when its wording has one of the cues: the
/// taxonomy's descriptions, as far as a rule over words can tell.
pub const TOPIC_CUES: &[(&str, &[Cue])] = &[
    (
        "distillation",
        &[&["distil"], &["train", "model", "on", "output"]],
    ),
    ("child-safety", &[&["child", "sexual"], &["csam"]]),
    ("arbitration-class-waiver", &[&["class", "action"]]),
];

/// Whether the words have the cue: its words in order, each the start of a
/// word, all within [`CUE_SPAN`] words.
pub fn has_cue(words: &[&str], cue: Cue) -> bool {
    let Some(first) = cue.first() else {
        return false;
    };
    words.iter().enumerate().any(|(i, w)| {
        if !w.starts_with(first) {
            return false;
        }
        let window = &words[i + 1..(i + CUE_SPAN).min(words.len())];
        let mut rest = cue[1..].iter();
        let mut next = rest.next();
        for w in window {
            match next {
                Some(c) if w.starts_with(c) => next = rest.next(),
                Some(_) => {}
                None => break,
            }
        }
        next.is_none()
    })
}

/// A provision whose newest wording has a topic's cue ([`TOPIC_CUES`]) must
/// carry that topic (when the taxonomy has it).
pub fn topic_cues(kb: &KnowledgeBase, p: &Provision) -> Vec<Problem> {
    let Some(wording) = p.wordings.first() else {
        return Vec::new();
    };
    let words = Words::new(&wording.text);
    let norms = words.norms();
    let mut out = Vec::new();
    for (topic, cues) in TOPIC_CUES {
        if kb.topic(topic).is_none() || p.topics.iter().any(|t| t == topic) {
            continue;
        }
        if let Some(cue) = cues.iter().find(|c| has_cue(&norms, c)) {
            out.push(finding(
                Field::Named("topics"),
                format!(
                    "the wording has \"{}\", which calls for the topic `{topic}`",
                    cue.join(" ")
                ),
            ));
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Missing documents

/// Every provision a missing document names exists.
pub fn missing_documents(kb: &KnowledgeBase) -> Vec<Finding> {
    let mut out = Vec::new();
    for d in &kb.missing_documents {
        for id in d.provisions.iter().filter(|id| kb.provision(id).is_none()) {
            out.push((
                None,
                finding(
                    Field::Entry,
                    format!("missing document `{}` names unknown provision `{id}`", d.id),
                ),
            ));
        }
    }
    out
}
