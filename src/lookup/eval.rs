//! How good the lookup's ranking is, on a set of realistic queries
//! (`bench/lookup-queries.toml`): `termlens lookup --eval FILE`.
//!
//! A hit is *right* for a query when it carries one of the query's topics and,
//! where the query names a platform, belongs to that platform. Two figures:
//!
//! - **precision at 5**: the share of right hits among the first five, where a
//!   query with fewer than five right provisions in the knowledge base counts
//!   only that many ranks (a query with two right answers is perfect when they
//!   are first and second);
//! - **first hit right**: the share of queries whose first hit is right.

use super::{Filters, Hit, LookupIndex};
use crate::kb::KnowledgeBase;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The ranks precision is measured at.
pub const RANKS: usize = 5;

/// One query of the set.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Query {
    /// What the reader types.
    pub text: String,
    /// A right hit carries one of these topic ids.
    pub topics: Vec<String>,
    /// A right hit belongs to this platform, when the query names one.
    #[serde(default)]
    pub platform: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QueryFile {
    query: Vec<Query>,
}

/// How one query ranked.
#[derive(Clone, Debug, Serialize)]
pub struct Outcome {
    /// The query.
    pub text: String,
    /// The first hit's provision id, if any.
    pub first: Option<String>,
    /// Whether the first hit is right.
    pub first_right: bool,
    /// Precision at [`RANKS`] (see the module doc).
    pub precision: f64,
    /// How many provisions of the knowledge base are right for the query.
    pub right_in_kb: usize,
}

/// The figures over the whole set.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Mean precision at [`RANKS`].
    pub precision_at_5: f64,
    /// Share of queries whose first hit is right.
    pub first_right: f64,
    /// Per query, in the file's order.
    pub queries: Vec<Outcome>,
}

/// Reads a query set; an error names the file and what is wrong. A query
/// naming a topic or platform the knowledge base lacks, or one no provision
/// answers, is refused: it would measure nothing.
pub fn read_queries(path: &Path, kb: &KnowledgeBase) -> Result<Vec<Query>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let file: QueryFile = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    for (i, q) in file.query.iter().enumerate() {
        let at = format!("{}: query {} ({:?})", path.display(), i + 1, q.text);
        if q.topics.is_empty() {
            return Err(format!("{at}: no topic"));
        }
        if let Some(t) = q.topics.iter().find(|t| kb.topic(t).is_none()) {
            return Err(format!("{at}: unknown topic {t:?}"));
        }
        if let Some(p) = &q.platform
            && kb.platform(p).is_none()
        {
            return Err(format!("{at}: unknown platform {p:?}"));
        }
        let answers = (kb.provisions.iter())
            .filter(|p| is_right(q, &p.platform, p.topics.iter().map(String::as_str)));
        if answers.count() == 0 {
            return Err(format!(
                "{at}: no provision of the knowledge base is right for it"
            ));
        }
    }
    Ok(file.query)
}

fn is_right<'a>(query: &Query, platform: &str, mut topics: impl Iterator<Item = &'a str>) -> bool {
    query.platform.as_deref().is_none_or(|p| p == platform)
        && topics.any(|t| query.topics.iter().any(|q| q == t))
}

fn hit_is_right(query: &Query, hit: &Hit) -> bool {
    is_right(
        query,
        &hit.platform,
        hit.topics.iter().map(|t| t.id.as_str()),
    )
}

/// Runs every query against `index` and measures the ranking.
pub fn evaluate(index: &LookupIndex, kb: &KnowledgeBase, queries: &[Query]) -> Report {
    let outcomes: Vec<Outcome> = queries
        .iter()
        .map(|q| {
            let hits = index.lookup(&q.text, &Filters::default(), RANKS);
            let right_in_kb = kb
                .provisions
                .iter()
                .filter(|p| is_right(q, &p.platform, p.topics.iter().map(String::as_str)))
                .count();
            let ranks = right_in_kb.clamp(1, RANKS);
            let right = hits
                .iter()
                .take(ranks)
                .filter(|h| hit_is_right(q, h))
                .count();
            Outcome {
                text: q.text.clone(),
                first: hits.first().map(|h| h.provision.clone()),
                first_right: hits.first().is_some_and(|h| hit_is_right(q, h)),
                precision: right as f64 / ranks as f64,
                right_in_kb,
            }
        })
        .collect();
    let n = outcomes.len().max(1) as f64;
    Report {
        precision_at_5: outcomes.iter().map(|o| o.precision).sum::<f64>() / n,
        first_right: outcomes.iter().filter(|o| o.first_right).count() as f64 / n,
        queries: outcomes,
    }
}
