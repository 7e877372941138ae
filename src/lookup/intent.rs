//! What a typed query names besides its words: a platform ("aws liability",
//! "copilot") and a topic ("arbitration", "consequential damages").
//!
//! - **Platform**: a query word that is one of a platform's `aliases`
//!   (`data/platforms.toml`) is taken out of the words scored, and that
//!   platform's provisions rank first. A query of aliases only lists the
//!   platform's provisions.
//! - **Topic**: a topic's name and `keywords` (`data/topics.toml`) are phrases;
//!   a phrase matches when the query holds every one of its content words
//!   (stemmed, any order). A topic's strength is the largest share of the
//!   query's content words one of its matched phrases covers: "arbitration"
//!   names the arbitration topic fully (1.0); "train competing model" names
//!   competing models for two words of three. A provision's intent score is
//!   the strength of its main (first) topic, or [`SIDE_TOPIC`] of a side
//!   topic's, and it is mixed into the terms score with [`TOPIC_WEIGHT`].

use super::stem;
use crate::kb::KnowledgeBase;
use crate::text::Words;
use rustc_hash::FxHashMap;

/// How much of a typed query's score the named topic decides. The rest is
/// BM25F over the provision's words, which orders provisions within a topic.
/// Measured on `bench/lookup-queries.toml` (BENCHMARKS.md).
pub const TOPIC_WEIGHT: f32 = 0.4;

/// A side topic (not a provision's first) counts this much of its strength:
/// a distillation ban tagged "competing models" on the side ranks below the
/// competing-models clauses for "competing models".
pub const SIDE_TOPIC: f32 = 0.6;

/// Words that carry no intent ("do they train on my data": train, data).
const STOP_WORDS: &[&str] = &[
    "a", "about", "all", "an", "and", "any", "are", "as", "at", "be", "by", "can", "do", "does",
    "for", "from", "has", "have", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my",
    "of", "on", "or", "our", "s", "should", "that", "the", "their", "them", "they", "this", "to",
    "us", "we", "what", "when", "where", "which", "who", "will", "with", "you", "your",
];

fn is_stop(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

/// The content stems of a text, in order.
fn content_stems(norms: &[&str]) -> Vec<String> {
    norms
        .iter()
        .filter(|w| !is_stop(w))
        .map(|w| stem(w).to_string())
        .collect()
}

/// The platforms and topics of a knowledge base, as a query can name them.
#[derive(Default)]
pub struct Intents {
    /// Alias word -> platform id.
    aliases: FxHashMap<String, String>,
    /// (topic id, the phrase's distinct content stems).
    phrases: Vec<(String, Vec<String>)>,
}

/// What one query names.
#[derive(Debug, Default)]
pub struct QueryIntent<'q> {
    /// The platforms named, by id.
    pub platforms: Vec<String>,
    /// The query's words without the platform aliases: what is scored.
    pub rest: Vec<&'q str>,
    /// Each named topic with its strength, 0..1.
    pub topics: FxHashMap<String, f32>,
}

impl Intents {
    /// Reads the aliases and topic phrases of `kb`.
    pub fn new(kb: &KnowledgeBase) -> Intents {
        let mut aliases = FxHashMap::default();
        for p in &kb.platforms {
            for a in &p.aliases {
                aliases.insert(a.clone(), p.id.clone());
            }
        }
        let mut phrases = Vec::new();
        for t in &kb.topics {
            for phrase in std::iter::once(&t.name).chain(&t.keywords) {
                let words = Words::new(phrase);
                let mut stems = content_stems(&words.norms());
                crate::sort::ascending(&mut stems);
                stems.dedup();
                if !stems.is_empty() {
                    phrases.push((t.id.clone(), stems));
                }
            }
        }
        Intents { aliases, phrases }
    }

    /// What `norms` (a typed query's words) names.
    pub fn read<'q>(&self, norms: &[&'q str]) -> QueryIntent<'q> {
        let mut intent = QueryIntent::default();
        for w in norms {
            match self.aliases.get(*w) {
                Some(p) if !intent.platforms.contains(p) => intent.platforms.push(p.clone()),
                Some(_) => {}
                None => intent.rest.push(w),
            }
        }
        let stems = content_stems(&intent.rest);
        if stems.is_empty() {
            return intent;
        }
        for (topic, phrase) in &self.phrases {
            if phrase.iter().all(|s| stems.contains(s)) {
                let covered = stems.iter().filter(|s| phrase.contains(s)).count();
                let strength = (covered as f32 / stems.len() as f32).min(1.0);
                let slot = intent.topics.entry(topic.clone()).or_insert(0.0);
                *slot = slot.max(strength);
            }
        }
        intent
    }
}

impl QueryIntent<'_> {
    /// The intent score of a provision with these topics (first = main).
    pub fn topic_score(&self, topics: &[String]) -> f32 {
        topics
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let s = self.topics.get(t).copied().unwrap_or(0.0);
                if i == 0 { s } else { s * SIDE_TOPIC }
            })
            .fold(0.0, f32::max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_sorted_for_the_binary_search() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
    }
}
