//! Which clauses of other platforms a provision is compared with, best first.
//!
//! A candidate is a provision of another platform, or a secondary quote, that
//! shares at least one topic. Candidates are ranked by
//!
//! 1. how they share the provision's main topic (its first): the same main
//!    topic first, then the main topic among their others, then another shared
//!    topic only;
//! 2. closeness of the clauses: the Dice coefficient of the sets of normalised
//!    words of the two newest wordings, higher first;
//! 3. platform id, then id, so that ties are ordered the same way every time.
//!
//! The default list ([`default_list`]) keeps the best candidate of each
//! platform, at most [`DEFAULT_COMPARISONS`]; the rest stays reachable as
//! [`Ranked::more`].

use super::{KnowledgeBase, Provision};
use crate::text::Words;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::cmp::Ordering;

/// The most comparisons the default list holds: few enough that a card shows
/// them in one screen, each quote behind its own control.
pub const DEFAULT_COMPARISONS: usize = 3;

/// How a candidate shares the provision's topics (lower ranks first).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Share {
    /// Both have the same main (first) topic.
    MainTopic,
    /// The provision's main topic is one of the candidate's other topics.
    MainAmongOthers,
    /// Only another topic is shared.
    OtherTopic,
}

/// One candidate for comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate<'a> {
    /// Provision or secondary-quote id.
    pub id: &'a str,
    /// Its platform id.
    pub platform: &'a str,
    /// The first of the provision's topics the candidate has (in the
    /// provision's order).
    pub topic: &'a str,
    /// How it shares the provision's topics.
    pub share: Share,
    /// Dice coefficient of the two clauses' word sets (0 to 1).
    pub closeness: f64,
    /// A secondary quote rather than a provision.
    pub secondary: bool,
    /// Its index in the knowledge base's provisions (or, for a secondary
    /// quote, its secondary quotes).
    pub index: usize,
}

/// A provision's candidates split into the default list and the rest, each
/// in rank order.
#[derive(Clone, Debug, Default)]
pub struct Ranked<'a> {
    /// The default list: at most [`DEFAULT_COMPARISONS`], one per platform.
    pub shown: Vec<Candidate<'a>>,
    /// Every other candidate.
    pub more: Vec<Candidate<'a>>,
}

/// The set of normalised words of a text, sorted, each once (a sorted list
/// rather than a `BTreeSet`: the Wasm then needs no tree code of its own).
pub fn word_set(text: &str) -> Vec<String> {
    let mut set: Vec<String> = Words::new(text)
        .norms()
        .into_iter()
        .map(String::from)
        .collect();
    crate::sort::ascending(&mut set);
    set.dedup();
    set
}

/// Dice coefficient of two word sets ([`word_set`]): twice the shared words
/// over the sum of the sizes (0 when both are empty).
pub fn dice(a: &[String], b: &[String]) -> f64 {
    let total = a.len() + b.len();
    if total == 0 {
        return 0.0;
    }
    2.0 * crate::text::shared_in_sorted(a, b) as f64 / total as f64
}

/// Every candidate of `p`, best first.
pub fn rank<'a>(kb: &'a KnowledgeBase, p: &Provision) -> Vec<Candidate<'a>> {
    let text = p.wordings.first().map_or("", |w| w.text.as_str());
    rank_text(kb, &p.platform, &p.topics, text)
}

/// Every candidate of a clause `text` of `platform` (empty: a platform the
/// knowledge base does not know, so every platform's clauses count) with
/// `topics`, best first: the ranking of [`rank`] for a passage that is no
/// known provision (a detection).
pub fn rank_text<'a>(
    kb: &'a KnowledgeBase,
    platform: &str,
    topics: &[String],
    text: &str,
) -> Vec<Candidate<'a>> {
    let mine = word_set(text);
    rank_by(kb, platform, topics, 0..kb.provisions.len(), |other| {
        let text = match other {
            Other::Provision(_, o) => o.wordings.first().map_or("", |w| w.text.as_str()),
            Other::Secondary(_, q) => q.quote.as_str(),
        };
        dice(&mine, &word_set(text))
    })
}

/// The word sets of every provision's newest wording and of every secondary
/// quote, as sorted word ids (any numbering of the normalised words in which
/// equal words get equal ids): [`rank_indexed`] compares these instead of
/// splitting every candidate's clause again for each card.
pub struct WordSets {
    /// By provision index.
    pub provisions: Vec<Vec<u32>>,
    /// By secondary-quote index.
    pub secondary: Vec<Vec<u32>>,
}

/// Dice coefficient of two sorted id sets: the same value as [`dice`] on the
/// word sets they number.
fn dice_ids(a: &[u32], b: &[u32]) -> f64 {
    let total = a.len() + b.len();
    if total == 0 {
        return 0.0;
    }
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            Ordering::Less => i += 1,
            Ordering::Greater => j += 1,
            Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    2.0 * shared as f64 / total as f64
}

/// What cards rank comparisons by, made once per engine: the clauses' word
/// sets, and for each topic the provisions that have it (so that a card
/// looks only at the provisions sharing one of its topics).
pub struct RankIndex {
    /// The clauses' word sets.
    pub sets: WordSets,
    /// Provision indices by topic id, ascending.
    by_topic: HashMap<String, Vec<u32>>,
}

impl RankIndex {
    /// The index of `kb`, with its clauses' word sets `sets`.
    pub fn new(kb: &KnowledgeBase, sets: WordSets) -> RankIndex {
        let mut by_topic: HashMap<String, Vec<u32>> = HashMap::default();
        for (i, p) in kb.provisions.iter().enumerate() {
            for t in &p.topics {
                by_topic.entry(t.clone()).or_default().push(i as u32);
            }
        }
        RankIndex { sets, by_topic }
    }

    /// The provisions having at least one of `topics`, ascending, each once.
    fn sharing(&self, topics: &[String]) -> Vec<usize> {
        let mut out: Vec<u32> = topics
            .iter()
            .filter_map(|t| self.by_topic.get(t))
            .flatten()
            .copied()
            .collect();
        out.sort_unstable();
        out.dedup();
        out.into_iter().map(|i| i as usize).collect()
    }
}

/// [`rank`] of the provision at `index`, with its clauses' word sets and the
/// provisions by topic from `index_of`: the same candidates in the same
/// order, without splitting any text or looking at provisions of other topics.
pub fn rank_indexed<'a>(
    kb: &'a KnowledgeBase,
    index: usize,
    index_of: &RankIndex,
) -> Vec<Candidate<'a>> {
    let Some(p) = kb.provisions.get(index) else {
        return Vec::new();
    };
    let sets = &index_of.sets;
    let empty = Vec::new();
    let mine = sets.provisions.get(index).unwrap_or(&empty);
    let sharing = index_of.sharing(&p.topics);
    rank_by(kb, &p.platform, &p.topics, sharing, |other| {
        let theirs = match other {
            Other::Provision(i, _) => sets.provisions.get(i),
            Other::Secondary(i, _) => sets.secondary.get(i),
        };
        dice_ids(mine, theirs.unwrap_or(&empty))
    })
}

/// A candidate clause, with its index in its list.
enum Other<'a> {
    Provision(usize, &'a Provision),
    Secondary(usize, &'a super::SecondaryQuote),
}

/// How a clause with `theirs` topics shares `topics` (a provision's, main
/// first): the first of `topics` it has, and how; `None` when it shares none.
fn share_of<'a>(topics: &[String], theirs: &'a [String]) -> Option<(&'a str, Share)> {
    let main = topics.first();
    let topic = topics.iter().find(|t| theirs.contains(t))?;
    let topic = theirs.iter().find(|t| *t == topic)?;
    let share = if theirs.first() == main {
        Share::MainTopic
    } else if main.is_some_and(|m| theirs.contains(m)) {
        Share::MainAmongOthers
    } else {
        Share::OtherTopic
    };
    Some((topic.as_str(), share))
}

/// The provision or secondary quote `id` as a candidate of a clause with
/// `topics` (its closeness left at 0: nothing is ranked), or `None` when it is
/// unknown or shares none of `topics`.
pub fn candidate<'a>(kb: &'a KnowledgeBase, topics: &[String], id: &str) -> Option<Candidate<'a>> {
    let provision = kb.provisions.iter().position(|p| p.id == id).map(|i| {
        let p = &kb.provisions[i];
        (i, &p.id, &p.platform, &p.topics, false)
    });
    let found = provision.or_else(|| {
        let i = kb.secondary.iter().position(|q| q.id == id)?;
        let q = &kb.secondary[i];
        Some((i, &q.id, &q.platform, &q.topics, true))
    });
    let (index, id, platform, theirs, secondary) = found?;
    let (topic, share) = share_of(topics, theirs)?;
    Some(Candidate {
        id,
        platform,
        topic,
        share,
        closeness: 0.0,
        secondary,
        index,
    })
}

/// Every candidate of a clause of `platform` with `topics`, best first, each
/// one's closeness given by `closeness`: among the provisions at `provisions`
/// (ascending; any that shares no topic is passed over) and every secondary
/// quote.
fn rank_by<'a>(
    kb: &'a KnowledgeBase,
    platform: &str,
    topics: &[String],
    provisions: impl IntoIterator<Item = usize>,
    closeness: impl Fn(Other<'a>) -> f64,
) -> Vec<Candidate<'a>> {
    let mut out: Vec<Candidate<'a>> = Vec::new();
    for i in provisions {
        let Some(o) = kb.provisions.get(i) else {
            continue;
        };
        if o.platform == platform {
            continue;
        }
        if let Some((topic, share)) = share_of(topics, &o.topics) {
            out.push(Candidate {
                id: &o.id,
                platform: &o.platform,
                topic,
                share,
                closeness: closeness(Other::Provision(i, o)),
                secondary: false,
                index: i,
            });
        }
    }
    for (i, q) in kb.secondary.iter().enumerate() {
        if q.platform == platform {
            continue;
        }
        if let Some((topic, share)) = share_of(topics, &q.topics) {
            out.push(Candidate {
                id: &q.id,
                platform: &q.platform,
                topic,
                share,
                closeness: closeness(Other::Secondary(i, q)),
                secondary: true,
                index: i,
            });
        }
    }
    crate::sort::by(&mut out, order);
    out
}

fn order(a: &Candidate, b: &Candidate) -> Ordering {
    a.share
        .cmp(&b.share)
        .then(
            b.closeness
                .partial_cmp(&a.closeness)
                .unwrap_or(Ordering::Equal),
        )
        .then(a.platform.cmp(b.platform))
        .then(a.id.cmp(b.id))
}

/// Splits ranked candidates into the default list (the best of each
/// platform, at most [`DEFAULT_COMPARISONS`]) and the rest, both in rank order.
pub fn default_list(ranked: Vec<Candidate<'_>>) -> Ranked<'_> {
    let mut platforms = HashSet::default();
    let mut out = Ranked::default();
    for c in ranked {
        if out.shown.len() < DEFAULT_COMPARISONS && platforms.insert(c.platform) {
            out.shown.push(c);
        } else {
            out.more.push(c);
        }
    }
    out
}

/// The default comparison list of `p`, as ids.
pub fn default_ids(kb: &KnowledgeBase, p: &Provision) -> Vec<String> {
    default_list(rank(kb, p))
        .shown
        .iter()
        .map(|c| c.id.to_string())
        .collect()
}

impl KnowledgeBase {
    /// Fills each provision's `comparisons` with its default list.
    pub fn rank_comparisons(&mut self) {
        let lists: Vec<Vec<String>> = self
            .provisions
            .iter()
            .map(|p| default_ids(self, p))
            .collect();
        for (p, list) in self.provisions.iter_mut().zip(lists) {
            p.comparisons = list;
        }
    }
}
