//! Leave one platform out (native only): for each platform of the knowledge
//! base, a model trained without its provisions (CLAUDETTE plus the other
//! platforms' clauses) detects on the latest recorded version of each of its
//! documents, cut into passages as the engine cuts a page
//! ([`super::detect`]). Its provisions are located by the engine's matcher.
//!
//! - A located provision counts as found when a detection overlapping it
//!   carries one of its topics; only provisions with a topic that has a
//!   category are counted, and a provision found in several documents (or
//!   several places) counts once, found if any occurrence is.
//! - Detections on text that holds no known provision (of any platform) are
//!   counted per 10,000 words of that text.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::train::{CategorySource, Doc, Settings, kb_docs_where, train};
use super::{Classifier, PageDetection, detect};
use crate::build::corpus::versions;
use crate::engine::Engine;
use crate::kb::KnowledgeBase;
use crate::text::Words;

/// A provision where the matcher found it on a page.
#[derive(Clone, Debug)]
pub struct Located {
    /// Provision id.
    pub provision: String,
    /// Its topics that have a category.
    pub topics: Vec<String>,
    /// UTF-16 range in the page text.
    pub start: u32,
    /// End of that range.
    pub end: u32,
}

/// Per provision id, whether some detection overlapping one of its
/// occurrences carries one of its (categorised) topics, and which of those
/// topics were carried.
pub fn hits(located: &[Located], detections: &[PageDetection]) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for l in located {
        let carried = out.entry(l.provision.clone()).or_default();
        for d in detections {
            if d.start < l.end && l.start < d.end {
                for t in &d.topics {
                    if l.topics.contains(t) && !carried.contains(t) {
                        carried.push(t.clone());
                    }
                }
            }
        }
    }
    out
}

/// One platform's figures.
#[derive(Clone, Debug, Default)]
pub struct PlatformRow {
    /// Platform id.
    pub platform: String,
    /// Documents read.
    pub documents: usize,
    /// Its provisions located, with a categorised topic.
    pub provisions: usize,
    /// Of those, found (a detection overlapping with one of its topics).
    pub found: usize,
    /// Words outside every known provision.
    pub words_outside: usize,
    /// Detections on that text.
    pub detections_outside: usize,
}

/// The whole run.
#[derive(Debug, Default)]
pub struct LopoReport {
    /// Per platform, in knowledge-base order.
    pub rows: Vec<PlatformRow>,
    /// Per topic: (located provisions carrying it, found with it).
    pub topics: BTreeMap<String, (usize, usize)>,
    /// Per located provision: its categorised topics, and whether a
    /// detection overlapping it carries one of them.
    pub provisions: Vec<(Vec<String>, bool)>,
    /// Detections outside known provisions, as `platform<TAB>topics<TAB>text`,
    /// for reading what goes wrong.
    pub outside: Vec<String>,
    /// Every occurrence of a provision missing one of its topics, as
    /// `provision<TAB>missing topics<TAB>overlapping detections' topics<TAB>text`.
    pub missed: Vec<String>,
}

/// The topics a report's overall recall is taken over: five provisions or more.
pub const MIN_PROVISIONS: usize = 5;

impl LopoReport {
    /// The table, the per-topic recall and the overall figure.
    pub fn table(&self) -> String {
        let mut out = String::from(
            "platform             docs  provisions  found  recall  | words outside  detections  per 10k\n",
        );
        for r in &self.rows {
            let recall = ratio(r.found, r.provisions);
            let per = ratio(r.detections_outside, r.words_outside).map(|x| 10_000.0 * x);
            out.push_str(&format!(
                "{:<20} {:>4}  {:>10}  {:>5}  {:>6}  | {:>13}  {:>10}  {:>7.1}\n",
                r.platform,
                r.documents,
                r.provisions,
                r.found,
                recall.map_or("-".into(), |x| format!("{x:.3}")),
                r.words_outside,
                r.detections_outside,
                per.unwrap_or(0.0)
            ));
        }
        out.push_str("\ntopic                          provisions  found  recall\n");
        let (mut n, mut k) = (0, 0);
        for (topic, &(total, found)) in &self.topics {
            let mark = if total >= MIN_PROVISIONS {
                n += total;
                k += found;
                ""
            } else {
                " (under 5)"
            };
            out.push_str(&format!(
                "{topic:<30} {total:>10}  {found:>5}  {:.3}{mark}\n",
                ratio(found, total).unwrap_or(0.0)
            ));
        }
        let big = |t: &String| self.topics.get(t).is_some_and(|e| e.0 >= MIN_PROVISIONS);
        let counted: Vec<bool> = self
            .provisions
            .iter()
            .filter(|(topics, _)| topics.iter().any(big))
            .map(|&(_, found)| found)
            .collect();
        let found = counted.iter().filter(|&&f| f).count();
        out.push_str(&format!(
            "provisions with a topic of >= {MIN_PROVISIONS} provisions, found when a detection carries one of their topics: {found}/{} = {:.3}\n",
            counted.len(),
            ratio(found, counted.len()).unwrap_or(0.0)
        ));
        let words: usize = self.rows.iter().map(|r| r.words_outside).sum();
        let dets: usize = self.rows.iter().map(|r| r.detections_outside).sum();
        out.push_str(&format!(
            "recall over topics with >= {MIN_PROVISIONS} provisions: {k}/{n} = {:.3}; detections per 10k words outside provisions: {:.1}\n",
            ratio(k, n).unwrap_or(0.0),
            10_000.0 * ratio(dets, words).unwrap_or(0.0)
        ));
        out
    }
}

fn ratio(a: usize, b: usize) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// The training documents of the model that leaves `platform` out:
/// `claudette`, then every other platform's clauses.
pub fn training_docs(
    claudette: &[Doc],
    kb: &KnowledgeBase,
    categories: &[CategorySource],
    platform: &str,
) -> Vec<Doc> {
    let mut docs = claudette.to_vec();
    docs.extend(kb_docs_where(kb, categories, |p| p.platform != platform));
    docs
}

/// Runs the evaluation for `platforms` (every platform when empty).
pub fn leave_one_platform_out(
    claudette: &[Doc],
    kb: &KnowledgeBase,
    categories: &[CategorySource],
    corpus: &Path,
    platforms: &[String],
    settings: &Settings,
) -> Result<LopoReport, String> {
    let engine = Engine::new(kb.clone());
    let categorised: BTreeSet<&str> = categories.iter().map(|c| c.topic.as_str()).collect();
    let mut report = LopoReport::default();
    for platform in &kb.platforms {
        if !platforms.is_empty() && !platforms.contains(&platform.id) {
            continue;
        }
        let docs = training_docs(claudette, kb, categories, &platform.id);
        let classifier =
            Classifier::new(train(&docs, categories, settings)?).map_err(|e| e.to_string())?;
        let mut row = PlatformRow {
            platform: platform.id.clone(),
            ..PlatformRow::default()
        };
        let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for doc in &platform.documents {
            let Some(latest) = versions(corpus, doc).pop() else {
                continue;
            };
            let text = crate::extract::read_text(&latest.path)?;
            let words = Words::new(&text);
            let annotations = engine.annotate_words(&text, &words, &doc.url).annotations;
            let located: Vec<Located> = annotations
                .iter()
                .filter(|a| a.platform == platform.id)
                .map(|a| Located {
                    provision: a.provision.clone(),
                    topics: a
                        .topics
                        .iter()
                        .filter(|t| categorised.contains(t.as_str()))
                        .cloned()
                        .collect(),
                    start: a.start,
                    end: a.end,
                })
                .filter(|l| !l.topics.is_empty())
                .collect();
            let detections = detect(&classifier, &text, &words, &[], |_| true);
            report.missed.extend(misses(
                &classifier,
                &text,
                &located,
                &detections,
                &hits(&located, &detections),
            ));
            for (id, topics) in hits(&located, &detections) {
                let entry = found.entry(id).or_default();
                entry.extend(topics);
            }
            let known: Vec<(u32, u32)> = annotations.iter().map(|a| (a.start, a.end)).collect();
            let inside = |s: u32, e: u32| known.iter().any(|&(ks, ke)| s < ke && ks < e);
            row.documents += 1;
            row.words_outside += words
                .iter()
                .filter(|w| !inside(w.span.start, w.span.end))
                .count();
            for d in detections.iter().filter(|d| !inside(d.start, d.end)) {
                row.detections_outside += 1;
                report.outside.push(format!(
                    "{}\t{}\t{}",
                    doc.id,
                    d.topics.join(","),
                    d.text.replace(['\n', '\t'], " ")
                ));
            }
        }
        tally(kb, &categorised, &found, &mut row, &mut report);
        report.rows.push(row);
    }
    Ok(report)
}

/// The occurrences in `located` whose provision misses a topic in `found`,
/// each with the topics of the detections overlapping it, the scores of the
/// missing topics on its own text read alone, and its text.
fn misses(
    classifier: &Classifier,
    text: &str,
    located: &[Located],
    detections: &[PageDetection],
    found: &BTreeMap<String, Vec<String>>,
) -> Vec<String> {
    let utf16: Vec<u16> = text.encode_utf16().collect();
    let mut out = Vec::new();
    for l in located {
        let carried = found.get(&l.provision).cloned().unwrap_or_default();
        let missing: Vec<&str> = l
            .topics
            .iter()
            .filter(|t| !carried.contains(t))
            .map(String::as_str)
            .collect();
        if missing.is_empty() {
            continue;
        }
        let over: Vec<String> = detections
            .iter()
            .filter(|d| d.start < l.end && l.start < d.end)
            .map(|d| d.topics.join("+"))
            .collect();
        let span = utf16.get(l.start as usize..l.end as usize).unwrap_or(&[]);
        let own = String::from_utf16_lossy(span).replace(['\n', '\t'], " ");
        let scores = classifier.scores(&[super::Passage {
            text: &own,
            heading: None,
        }]);
        let alone: Vec<String> = missing
            .iter()
            .filter_map(|t| {
                let k = classifier
                    .model()
                    .categories
                    .iter()
                    .position(|c| c.topic == *t)?;
                let c = &classifier.model().categories[k];
                Some(format!("{t} {:.3}/{:.3}", scores[0][k], c.threshold))
            })
            .collect();
        out.push(format!(
            "{}\t{}\t{}\t{}\t{own}",
            l.provision,
            missing.join(","),
            over.join(" "),
            alone.join(" "),
        ));
    }
    out
}

/// Adds one platform's provisions to its row and to the per-topic counts.
fn tally(
    kb: &KnowledgeBase,
    categorised: &BTreeSet<&str>,
    found: &BTreeMap<String, Vec<String>>,
    row: &mut PlatformRow,
    report: &mut LopoReport,
) {
    for (id, carried) in found {
        let Some(p) = kb.provisions.iter().find(|p| &p.id == id) else {
            continue;
        };
        row.provisions += 1;
        row.found += usize::from(!carried.is_empty());
        let mine: Vec<String> = p
            .topics
            .iter()
            .filter(|t| categorised.contains(t.as_str()))
            .cloned()
            .collect();
        report.provisions.push((mine, !carried.is_empty()));
        for t in p.topics.iter().filter(|t| categorised.contains(t.as_str())) {
            let e = report.topics.entry(t.clone()).or_default();
            e.0 += 1;
            e.1 += usize::from(carried.contains(t));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detection(start: u32, end: u32, topics: &[&str]) -> PageDetection {
        PageDetection {
            topic: topics[0].to_string(),
            topics: topics.iter().map(|t| t.to_string()).collect(),
            score: 0.9,
            start,
            end,
            text: String::new(),
        }
    }

    #[test]
    fn a_provision_is_found_only_by_an_overlapping_detection_of_its_topic() {
        let located = vec![
            Located {
                provision: "x/law".into(),
                topics: vec!["governing-law".into()],
                start: 100,
                end: 200,
            },
            Located {
                provision: "x/cap".into(),
                topics: vec!["liability-cap".into()],
                start: 300,
                end: 400,
            },
            Located {
                provision: "x/end".into(),
                topics: vec!["termination-suspension".into()],
                start: 500,
                end: 600,
            },
        ];
        let detections = vec![
            // Overlaps the law clause by one unit, with its topic.
            detection(199, 250, &["jurisdiction", "governing-law"]),
            // Overlaps the cap, with another topic.
            detection(350, 360, &["termination-suspension"]),
            // Touches the termination clause without overlapping it.
            detection(600, 700, &["termination-suspension"]),
        ];
        let got = hits(&located, &detections);
        assert_eq!(got["x/law"], ["governing-law"]);
        assert!(got["x/cap"].is_empty());
        assert!(got["x/end"].is_empty());
        assert_eq!(got.len(), 3);
    }
}
