//! The card: everything the overlay shows about one provision.
//!
//! Comparisons come from shared topics, ranked by `crate::kb::compare`: the
//! default list (`comparisons`, at most three, one per platform), each with
//! the real clause text (the newest wording) of another platform's provision,
//! or a third party's quotation or paraphrase; and the rest (`more`), named
//! only (at most [`MORE_LISTED`] of them, with their total in `more_count`),
//! so that a card stays small however many provisions share its topics. A
//! reader who opens one of the rest gets it whole from [`comparison_of`].

use crate::kb::compare::{self, Candidate};
use crate::kb::{Exposure, HistoryEventKind, KnowledgeBase, Provision, SecondaryKind};
use serde::Serialize;

/// A topic as the card names it.
#[derive(Clone, Debug, Serialize)]
pub struct TopicRef {
    /// Topic id.
    pub id: String,
    /// Display name.
    pub name: String,
}

impl From<&crate::kb::Topic> for TopicRef {
    fn from(t: &crate::kb::Topic) -> TopicRef {
        TopicRef {
            id: t.id.clone(),
            name: t.name.clone(),
        }
    }
}

/// The compliance analysis, as shown.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ComplianceCard {
    /// Laws and regulators that bear on the clause.
    pub regulatory_landscape: String,
    /// Governance exposure.
    pub exposure: Exposure,
    /// Why that exposure.
    pub exposure_reason: String,
    /// Jurisdiction flags.
    pub jurisdictions: Vec<String>,
    /// Contract and vendor implications.
    pub contract_implications: String,
    /// Compliance considerations.
    pub steps: Vec<String>,
}

/// How another platform handles the same topic.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Comparison {
    /// Provision id.
    pub provision: String,
    /// Its title.
    pub title: String,
    /// Platform display name.
    pub platform_name: String,
    /// Document display name.
    pub document_name: String,
    /// Document URL.
    pub document_url: String,
    /// Section.
    pub section: String,
    /// The section as a reader sees it: `§ 50.12` for a numbered one, a
    /// named one (`Preamble`) as written ([`section_label`]).
    pub section_label: String,
    /// The shared topic.
    pub topic: String,
    /// The shared topic's name.
    pub topic_name: String,
    /// The clause, verbatim (newest wording), or as a third party quoted it.
    pub clause: String,
    /// Known only from a third party, not verified.
    pub secondary: bool,
    /// For a secondary source: whether the third party quoted the clause or
    /// paraphrased it.
    pub secondary_kind: Option<SecondaryKind>,
    /// For a secondary quote: who quoted it and what was (not) verified.
    pub source_note: Option<String>,
}

/// The most comparisons a card names beyond its default list: enough for a
/// reader to browse, few enough that a card stays a few kilobytes when
/// thousands of provisions share its topics.
pub const MORE_LISTED: usize = 50;

/// A comparison beyond the default list, named but without its clause:
/// [`comparison_of`] gives the whole [`Comparison`] when the reader opens it.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MoreComparison {
    /// Provision (or secondary quote) id.
    pub provision: String,
    /// Its title.
    pub title: String,
    /// Platform id.
    pub platform: String,
    /// Platform display name.
    pub platform_name: String,
    /// The shared topic's name.
    pub topic_name: String,
    /// How close the two clauses are (Dice of their word sets, 0 to 1).
    pub closeness: f64,
    /// Known only from a third party, not verified.
    pub secondary: bool,
}

/// The card of one provision.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Card {
    /// Provision id.
    pub provision: String,
    /// Title.
    pub title: String,
    /// Platform id.
    pub platform: String,
    /// Platform display name.
    pub platform_name: String,
    /// Document id.
    pub document: String,
    /// Document display name.
    pub document_name: String,
    /// Document URL.
    pub document_url: String,
    /// Section.
    pub section: String,
    /// The section as a reader sees it ([`section_label`]).
    pub section_label: String,
    /// Date of the newest recorded version holding the newest wording.
    pub version_date: String,
    /// Topics.
    pub topics: Vec<TopicRef>,
    /// The clause, verbatim (newest wording).
    pub clause: String,
    /// Plain-language explanation.
    pub explanation: String,
    /// Why it matters.
    pub why_it_matters: String,
    /// Interpretive-uncertainty note.
    pub uncertainty: String,
    /// Compliance analysis.
    pub compliance: ComplianceCard,
    /// Other platforms on the same topics: the default list, best first.
    pub comparisons: Vec<Comparison>,
    /// The other comparisons, in rank order, named only: the first
    /// [`MORE_LISTED`].
    pub more: Vec<MoreComparison>,
    /// How many other comparisons there are (`more` names the first of them).
    pub more_count: usize,
    /// Documents that bear on this clause and that termlens has no text of.
    pub missing_documents: Vec<MissingDocumentCard>,
    /// What the recorded versions show (absent when no history was computed).
    pub history: Option<HistoryCard>,
    /// Why the card's content beyond the explanation (why it matters, what
    /// the text leaves open, compliance, history) could not be read; absent
    /// on a whole card.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unavailable: Option<String>,
}

/// A document termlens has no text of, as a card names it.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MissingDocumentCard {
    /// Title.
    pub name: String,
    /// Address.
    pub url: String,
    /// Why it matters for this clause.
    pub why_it_matters: String,
}

/// A provision's recorded history, as the card shows it.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryCard {
    /// Date of the first recorded version holding the clause.
    pub first_seen: String,
    /// Date of the latest recorded change of wording, if any.
    pub changed_since: Option<String>,
    /// Date the clause disappeared from the latest versions, if it did.
    pub disappeared: Option<String>,
    /// Recorded versions read.
    pub versions_checked: usize,
    /// Every wording, oldest first, with the dates it held.
    pub wordings: Vec<HistoryWording>,
    /// When the clause appeared and changed, as the recorded versions place
    /// it ("First recorded in the version of DATE; wording changed between
    /// the versions of DATE and DATE.").
    pub summary: String,
}

/// One wording in a provision's history.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryWording {
    /// The clause as those versions had it.
    pub text: String,
    /// First version holding it.
    pub first_seen: String,
    /// Last version holding it.
    pub last_seen: String,
    /// How many recorded versions held it.
    pub versions: usize,
}

fn history_card(h: &crate::kb::ProvisionHistory) -> Option<HistoryCard> {
    let first = h.wordings.iter().map(|w| w.first_seen.as_str()).min()?;
    let last_event = h.events.last();
    Some(HistoryCard {
        first_seen: first.to_string(),
        changed_since: h
            .events
            .iter()
            .rev()
            .find(|e| e.kind == HistoryEventKind::Changed)
            .map(|e| e.date.clone()),
        disappeared: last_event
            .filter(|e| e.kind == HistoryEventKind::Disappeared)
            .map(|e| e.date.clone()),
        versions_checked: h.versions_checked,
        wordings: h
            .wordings
            .iter()
            .map(|w| HistoryWording {
                text: w.text.clone(),
                first_seen: w.first_seen.clone(),
                last_seen: w.last_seen.clone(),
                versions: w.dates.len(),
            })
            .collect(),
        summary: history_summary(h),
    })
}

/// The history as the recorded versions place each event: an appearance at
/// its version, a change or a disappearance between the version before it
/// and the version that shows it.
pub fn history_summary(h: &crate::kb::ProvisionHistory) -> String {
    let mut dates: Vec<&str> = h
        .wordings
        .iter()
        .flat_map(|w| w.dates.iter().map(String::as_str))
        .collect();
    crate::sort::ascending(&mut dates);
    dates.dedup();
    let before = |date: &str| dates.iter().rev().find(|d| **d < date).copied();
    let mut parts = Vec::new();
    for (i, e) in h.events.iter().enumerate() {
        let between = |what: &str| match before(&e.date) {
            Some(b) => format!("{what} between the versions of {b} and {}", e.date),
            None => format!("{what} by the version of {}", e.date),
        };
        parts.push(match e.kind {
            HistoryEventKind::Appeared if i == 0 => {
                format!("first recorded in the version of {}", e.date)
            }
            HistoryEventKind::Appeared => format!("back in the version of {}", e.date),
            HistoryEventKind::Changed => between("wording changed"),
            HistoryEventKind::Disappeared => between("gone"),
        });
    }
    let mut out = parts.join("; ");
    // `get(..1)` succeeds only on a one-byte (ASCII) first character, for which
    // the ASCII mapping is the whole case mapping; `str::to_uppercase` would
    // bring the Unicode upper-case table into the Wasm (6.9 KB gzip).
    if let Some(first) = out.get(..1) {
        out = format!("{}{}.", first.to_ascii_uppercase(), &out[1..]);
    }
    out
}

/// Builds the card of `provision`.
pub fn card(kb: &KnowledgeBase, provision: &Provision) -> Card {
    card_ranked(kb, provision, compare::rank(kb, provision))
}

/// Builds the card of `provision` whose comparison candidates, best first, are
/// `ranked` (what [`compare::rank`] gives for it).
pub fn card_ranked(kb: &KnowledgeBase, provision: &Provision, ranked: Vec<Candidate<'_>>) -> Card {
    let doc = kb.document(&provision.document);
    let newest = provision.wordings.first();
    let ranked = compare::default_list(ranked);
    let comparison = |c: &Candidate| comparison(kb, c);
    let missing_documents = kb
        .missing_documents
        .iter()
        .filter(|d| d.provisions.contains(&provision.id))
        .map(|d| MissingDocumentCard {
            name: d.name.clone(),
            url: d.url.clone(),
            why_it_matters: d.why_it_matters.clone(),
        })
        .collect();
    Card {
        provision: provision.id.clone(),
        title: provision.title.clone(),
        platform: provision.platform.clone(),
        platform_name: platform_name(kb, &provision.platform),
        document: provision.document.clone(),
        document_name: doc.map(|d| d.name.clone()).unwrap_or_default(),
        document_url: doc.map(|d| d.url.clone()).unwrap_or_default(),
        section: provision.section.clone(),
        section_label: section_label(&provision.section),
        version_date: newest
            .map(|w| w.last_seen().to_string())
            .unwrap_or_default(),
        topics: provision
            .topics
            .iter()
            .map(|t| TopicRef {
                id: t.clone(),
                name: kb.topic(t).map_or_else(|| t.clone(), |x| x.name.clone()),
            })
            .collect(),
        clause: newest.map(|w| w.text.clone()).unwrap_or_default(),
        explanation: provision.explanation.clone(),
        why_it_matters: provision.why_it_matters.clone(),
        uncertainty: provision.uncertainty.clone(),
        compliance: ComplianceCard {
            regulatory_landscape: provision.compliance.regulatory_landscape.clone(),
            exposure: provision.compliance.exposure,
            exposure_reason: provision.compliance.exposure_reason.clone(),
            jurisdictions: provision.compliance.jurisdictions.clone(),
            contract_implications: provision.compliance.contract_implications.clone(),
            steps: provision.compliance.steps.clone(),
        },
        comparisons: ranked.shown.iter().map(comparison).collect(),
        more: more_list(kb, &ranked.more),
        more_count: ranked.more.len(),
        missing_documents,
        history: provision.history.as_ref().and_then(history_card),
        unavailable: None,
    }
}

/// How a section is shown: with `§` when it is numbered as a vendor numbers
/// clauses (`50.12.1`, `D.4 (a)`, `II.2(c)`, `13.s.iv`), as written when it is
/// a name (`Preamble`, `Content — Opt out`): "§Preamble" reads as a misprint.
/// Empty for no section.
pub fn section_label(section: &str) -> String {
    let section = section.trim();
    let first = section
        .split(|c: char| c.is_whitespace() || c == '(' || c == ',')
        .next()
        .unwrap_or("");
    let numbered = first.starts_with(|c: char| c.is_ascii_digit())
        || first.split_once('.').is_some_and(|(letters, rest)| {
            (1..=4).contains(&letters.len())
                && letters.chars().all(|c| c.is_ascii_uppercase())
                && rest.starts_with(|c: char| c.is_ascii_alphanumeric())
        });
    match (section.is_empty(), numbered) {
        (true, _) => String::new(),
        (false, true) => format!("§\u{a0}{section}"),
        (false, false) => section.to_string(),
    }
}

fn comparison(kb: &KnowledgeBase, c: &Candidate) -> Comparison {
    let topic_name = kb
        .topic(c.topic)
        .map_or_else(|| c.topic.to_string(), |t| t.name.clone());
    if let Some(q) = kb.secondary.get(c.index).filter(|_| c.secondary) {
        let what = match q.kind {
            SecondaryKind::Quote => "secondary-source quote",
            SecondaryKind::Paraphrase => "paraphrase reported by a third party",
        };
        return Comparison {
            provision: q.id.clone(),
            title: format!("{} ({what})", platform_name(kb, &q.platform)),
            platform_name: platform_name(kb, &q.platform),
            document_name: q.document.clone(),
            document_url: q.url.clone(),
            section: String::new(),
            section_label: String::new(),
            topic: c.topic.to_string(),
            topic_name,
            clause: q.quote.clone(),
            secondary: true,
            secondary_kind: Some(q.kind),
            source_note: Some(q.source.clone()),
        };
    }
    let other = kb.provisions.get(c.index);
    let odoc = other.and_then(|o| kb.document(&o.document));
    Comparison {
        provision: c.id.to_string(),
        title: other.map(|o| o.title.clone()).unwrap_or_default(),
        platform_name: platform_name(kb, c.platform),
        document_name: odoc.map(|d| d.name.clone()).unwrap_or_default(),
        document_url: odoc.map(|d| d.url.clone()).unwrap_or_default(),
        section: other.map(|o| o.section.clone()).unwrap_or_default(),
        section_label: other.map(|o| section_label(&o.section)).unwrap_or_default(),
        topic: c.topic.to_string(),
        topic_name,
        clause: other
            .and_then(|o| o.wordings.first())
            .map(|w| w.text.clone())
            .unwrap_or_default(),
        secondary: false,
        secondary_kind: None,
        source_note: None,
    }
}

/// The first [`MORE_LISTED`] of `more`, named.
fn more_list(kb: &KnowledgeBase, more: &[Candidate]) -> Vec<MoreComparison> {
    more.iter()
        .take(MORE_LISTED)
        .map(|c| {
            let title = if c.secondary {
                None
            } else {
                kb.provisions.get(c.index).map(|o| o.title.clone())
            };
            MoreComparison {
                provision: c.id.to_string(),
                // A secondary quote's title says whose it is and what kind.
                title: title.unwrap_or_else(|| comparison(kb, c).title),
                platform: c.platform.to_string(),
                platform_name: platform_name(kb, c.platform),
                topic_name: kb
                    .topic(c.topic)
                    .map_or_else(|| c.topic.to_string(), |t| t.name.clone()),
                closeness: c.closeness,
                secondary: c.secondary,
            }
        })
        .collect()
}

/// Every comparison of `ranked` (candidates best first), whole, in the card's
/// order: the default list, then the rest.
pub fn all_comparisons(kb: &KnowledgeBase, ranked: Vec<Candidate<'_>>) -> Vec<Comparison> {
    let ranked = compare::default_list(ranked);
    let all = ranked.shown.iter().chain(&ranked.more);
    all.map(|c| comparison(kb, c)).collect()
}

/// The whole comparison (with its clause) of `other`, a provision or
/// secondary quote, on a card of `topics` (a provision's, or a detection's):
/// what a card's `more` names, for the reader who opens it. `None` when
/// `other` is unknown or shares none of `topics`.
pub fn comparison_of(kb: &KnowledgeBase, topics: &[String], other: &str) -> Option<Comparison> {
    let candidate = compare::candidate(kb, topics, other)?;
    Some(comparison(kb, &candidate))
}

fn platform_name(kb: &KnowledgeBase, id: &str) -> String {
    kb.platform(id)
        .map_or_else(|| id.to_string(), |p| p.name.clone())
}

/// The card of a detection: a passage termlens does not know, found to be of
/// a clause category. It says what such a clause usually does and what to
/// check in it (the topic's own text), and how the known platforms handle the
/// same topic (their real clauses, ranked as on a provision's card); it never
/// explains the passage itself.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DetectionCard {
    /// The detected category (the best one).
    pub topic: TopicRef,
    /// Every category detected, best first.
    pub topics: Vec<TopicRef>,
    /// What this kind of clause usually does (the topic's description).
    pub about: String,
    /// What to check in a clause of this kind.
    pub check: String,
    /// Known platforms' clauses on the topics: the default list, best first.
    pub comparisons: Vec<Comparison>,
    /// The other comparisons, in rank order, named only: the first
    /// [`MORE_LISTED`].
    pub more: Vec<MoreComparison>,
    /// How many other comparisons there are.
    pub more_count: usize,
}

/// The card of a detection of `topics` (best first) on the passage `text`, or
/// `None` when the first topic is not in the knowledge base.
pub fn detection_card(kb: &KnowledgeBase, topics: &[String], text: &str) -> Option<DetectionCard> {
    let main = kb.topic(topics.first()?)?;
    let refs = topics
        .iter()
        .filter_map(|t| kb.topic(t))
        .map(TopicRef::from)
        .collect();
    let ranked = compare::default_list(compare::rank_text(kb, "", topics, text));
    Some(DetectionCard {
        topic: TopicRef::from(main),
        topics: refs,
        about: main.description.clone(),
        check: main.check.clone(),
        comparisons: ranked.shown.iter().map(|c| comparison(kb, c)).collect(),
        more: more_list(kb, &ranked.more),
        more_count: ranked.more.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::section_label;

    #[test]
    fn numbered_sections_get_a_section_sign_and_named_ones_do_not() {
        for (section, label) in [
            ("50.12.1", "§\u{a0}50.12.1"),
            ("D.4 (a)", "§\u{a0}D.4 (a)"),
            ("II.2(c)", "§\u{a0}II.2(c)"),
            ("13.s.iv", "§\u{a0}13.s.iv"),
            (
                "11 (Limitation of liability)",
                "§\u{a0}11 (Limitation of liability)",
            ),
            ("Preamble", "Preamble"),
            ("Content — Opt out", "Content — Opt out"),
            ("Exhibit A, 1.b", "Exhibit A, 1.b"),
            ("A. Introduction", "A. Introduction"),
            ("", ""),
        ] {
            assert_eq!(section_label(section), label, "{section}");
        }
    }
}
