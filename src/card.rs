//! The card: everything the overlay shows about one provision.
//!
//! Comparisons come from shared topics: the card lists, for each topic of the
//! provision, the provisions of *other* platforms on that topic, with their
//! real clause text (their newest wording).

use crate::kb::{Exposure, KnowledgeBase, Provision};
use serde::Serialize;
use std::collections::HashSet;

/// A topic as the card names it.
#[derive(Clone, Debug, Serialize)]
pub struct TopicRef {
    /// Topic id.
    pub id: String,
    /// Display name.
    pub name: String,
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
    /// The shared topic.
    pub topic: String,
    /// The shared topic's name.
    pub topic_name: String,
    /// The clause, verbatim (newest wording), or as a third party quoted it.
    pub clause: String,
    /// Known only from a third party's quotation, not verified.
    pub secondary: bool,
    /// For a secondary quote: who quoted it and what was (not) verified.
    pub source_note: Option<String>,
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
    /// Other platforms on the same topics.
    pub comparisons: Vec<Comparison>,
    /// What the recorded versions show (absent when no history was computed).
    pub history: Option<HistoryCard>,
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
            .find(|e| e.kind == crate::kb::HistoryEventKind::Changed)
            .map(|e| e.date.clone()),
        disappeared: last_event
            .filter(|e| e.kind == crate::kb::HistoryEventKind::Disappeared)
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
    })
}

/// Builds the card of `provision`.
pub fn card(kb: &KnowledgeBase, provision: &Provision) -> Card {
    let doc = kb.document(&provision.document);
    let newest = provision.wordings.first();
    let mut seen = HashSet::new();
    let mut comparisons = Vec::new();
    for topic in &provision.topics {
        let topic_name = kb
            .topic(topic)
            .map_or_else(|| topic.clone(), |t| t.name.clone());
        let mut others: Vec<&Provision> = kb
            .provisions
            .iter()
            .filter(|o| o.platform != provision.platform && o.topics.contains(topic))
            .collect();
        others.sort_by(|a, b| a.platform.cmp(&b.platform).then(a.id.cmp(&b.id)));
        for other in others {
            if !seen.insert(other.id.as_str()) {
                continue;
            }
            let odoc = kb.document(&other.document);
            comparisons.push(Comparison {
                provision: other.id.clone(),
                title: other.title.clone(),
                platform_name: platform_name(kb, &other.platform),
                document_name: odoc.map(|d| d.name.clone()).unwrap_or_default(),
                document_url: odoc.map(|d| d.url.clone()).unwrap_or_default(),
                section: other.section.clone(),
                topic: topic.clone(),
                topic_name: topic_name.clone(),
                clause: other
                    .wordings
                    .first()
                    .map(|w| w.text.clone())
                    .unwrap_or_default(),
                secondary: false,
                source_note: None,
            });
        }
        for q in kb.secondary.iter().filter(|q| q.topics.contains(topic)) {
            if !seen.insert(q.id.as_str()) {
                continue;
            }
            comparisons.push(Comparison {
                provision: q.id.clone(),
                title: format!(
                    "{} (secondary-source quote)",
                    platform_name(kb, &q.platform)
                ),
                platform_name: platform_name(kb, &q.platform),
                document_name: q.document.clone(),
                document_url: q.url.clone(),
                section: String::new(),
                topic: topic.clone(),
                topic_name: topic_name.clone(),
                clause: q.quote.clone(),
                secondary: true,
                source_note: Some(q.source.clone()),
            });
        }
    }
    Card {
        provision: provision.id.clone(),
        title: provision.title.clone(),
        platform: provision.platform.clone(),
        platform_name: platform_name(kb, &provision.platform),
        document: provision.document.clone(),
        document_name: doc.map(|d| d.name.clone()).unwrap_or_default(),
        document_url: doc.map(|d| d.url.clone()).unwrap_or_default(),
        section: provision.section.clone(),
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
        comparisons,
        history: provision.history.as_ref().and_then(history_card),
    }
}

fn platform_name(kb: &KnowledgeBase, id: &str) -> String {
    kb.platform(id)
        .map_or_else(|| id.to_string(), |p| p.name.clone())
}
