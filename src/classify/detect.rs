//! Detections on a page: the clause categories of the passages that are not
//! known provisions.
//!
//! A page's passages are its sentences: the page's paragraphs as the page
//! diff reads them ([`crate::diff::paragraphs`]: lines, noise removed, long
//! lines cut at sentence ends), each cut again at its sentence ends
//! ([`crate::diff::ends_sentence`]). A short line that reads as a heading
//! ([`super::is_heading`]) is the heading of the passages after it, as in
//! training, and gets no detection itself; so is a paragraph's first sentence
//! that reads as a heading without its closing stop ("Governing law. These
//! Terms are ..."), for the rest of its paragraph only, where it names the
//! clause better than the section's heading. Nor does a passage of fewer than
//! [`MIN_WORDS`] words (menus, buttons, captions) or one that overlaps a known
//! provision. Consecutive sentences of one paragraph whose best category is
//! the same make one detection.

use serde::Serialize;

use super::{Classifier, Detection, is_heading};
use crate::text::{Span, Words};

/// The fewest words a passage needs to get a detection.
pub const MIN_WORDS: usize = 6;

/// A passage of the page found to be of one or more clause categories; its
/// topics by id (`T = String`), or by id and name as the extension gets them
/// ([`crate::engine::PageResult::with_topic_names`]).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PageDetection<T = String> {
    /// The best category's topic id.
    pub topic: String,
    /// Every category found, best first (`topic` is the first).
    pub topics: Vec<T>,
    /// The best category's calibrated score, 0..1.
    pub score: f32,
    /// Start in the page text (UTF-16 code units).
    pub start: u32,
    /// End in the page text (UTF-16 code units).
    pub end: u32,
    /// The page's own text of the passage.
    pub text: String,
}

/// One sentence of the page.
struct Piece {
    span: Span,
    /// Where its words, as the page's normalisation gave them and joined by
    /// spaces, are in the text all pieces share.
    normalised: std::ops::Range<usize>,
    paragraph: usize,
    words: usize,
    heading: bool,
    /// A run-in heading: the first sentence of a paragraph of several that
    /// reads as a heading once its closing stop is left out ("Governing
    /// law. These Terms are governed by ..."); the heading of the rest of
    /// its paragraph only.
    run_in: bool,
}

/// A detection being built, sentence by sentence.
struct Open {
    paragraph: usize,
    piece: usize,
    main: String,
    span: Span,
    found: Vec<Detection>,
}

/// The sentences of a page, in order, and the text of their normalised
/// words (one allocation for the page rather than one a sentence).
fn pieces(raw: &str, words: &Words) -> (Vec<Piece>, String) {
    let mut out = Vec::new();
    let mut text = String::with_capacity(raw.len());
    for (i, para) in crate::diff::paragraphs(raw, words).iter().enumerate() {
        let (Some(first), Some(last)) = (para.first(), para.last()) else {
            continue;
        };
        let heading = is_heading(first.span.to(last.span).framed(raw).slice(raw));
        let mut start = 0;
        for j in 0..para.len() {
            // A single space, the gap between most words, ends no sentence.
            let ends = para.get(j + 1).is_none_or(|next| {
                raw.get(para[j].span.byte_end as usize..next.span.byte_start as usize)
                    .is_some_and(|gap| gap != " " && crate::diff::ends_sentence(gap))
            });
            if ends {
                let bare = para[start].span.to(para[j].span);
                let run_in = start == 0 && j + 1 < para.len() && is_heading(bare.slice(raw));
                let span = bare.framed(raw);
                let from = text.len();
                for (k, w) in para[start..=j].iter().enumerate() {
                    if k > 0 {
                        text.push(' ');
                    }
                    text.push_str(&w.norm);
                }
                out.push(Piece {
                    span,
                    normalised: from..text.len(),
                    paragraph: i,
                    words: j + 1 - start,
                    heading,
                    run_in,
                });
                start = j + 1;
            }
        }
    }
    (out, text)
}

/// The detections of a page (`raw`, split into `words`), in page order.
/// `known` are the UTF-16 ranges of the known provisions found in it: a
/// passage overlapping one gets no detection. `shown` says whether the reader
/// sees a topic; the topics it hides are left out of every detection.
pub fn detect(
    classifier: &Classifier,
    raw: &str,
    words: &Words,
    known: &[(u32, u32)],
    shown: impl Fn(&str) -> bool,
) -> Vec<PageDetection> {
    let (pieces, text) = pieces(raw, words);
    let mut heading: Option<usize> = None;
    let mut run_in: Option<(usize, usize)> = None;
    let mut headings = Vec::with_capacity(pieces.len());
    for (i, p) in pieces.iter().enumerate() {
        headings.push(match run_in {
            Some((paragraph, r)) if paragraph == p.paragraph => Some(r),
            _ => heading,
        });
        if p.heading {
            heading = Some(i);
        }
        if p.run_in {
            run_in = Some((p.paragraph, i));
        }
    }
    let normalised: Vec<&str> = pieces
        .iter()
        .map(|p| text.get(p.normalised.clone()).unwrap_or(""))
        .collect();
    // Only a passage that can be shown is scored.
    let wanted: Vec<bool> = pieces
        .iter()
        .map(|p| {
            let overlaps = known
                .iter()
                .any(|&(s, e)| s < p.span.end && p.span.start < e);
            !p.heading && !p.run_in && p.words >= MIN_WORDS && !overlaps
        })
        .collect();
    let found = classifier.classify_normalised(&normalised, &headings, &wanted);
    let mut open: Vec<Open> = Vec::new();
    for (i, (p, found)) in pieces.iter().zip(found).enumerate() {
        if !wanted[i] {
            continue;
        }
        let found: Vec<Detection> = found.into_iter().filter(|d| shown(&d.topic)).collect();
        let Some(best) = found.first() else {
            continue;
        };
        match open.last_mut() {
            Some(o) if o.paragraph == p.paragraph && o.piece + 1 == i && o.main == best.topic => {
                o.piece = i;
                o.span = o.span.to(p.span);
                for d in found {
                    match o.found.iter_mut().find(|x| x.topic == d.topic) {
                        Some(x) => x.score = x.score.max(d.score),
                        None => o.found.push(d),
                    }
                }
            }
            _ => open.push(Open {
                paragraph: p.paragraph,
                piece: i,
                main: best.topic.clone(),
                span: p.span,
                found,
            }),
        }
    }
    open.into_iter().map(|o| finish(raw, o)).collect()
}

fn finish(raw: &str, mut o: Open) -> PageDetection {
    crate::sort::by(&mut o.found, |a, b| b.score.total_cmp(&a.score));
    PageDetection {
        topic: o.found.first().map(|d| d.topic.clone()).unwrap_or_default(),
        topics: o.found.iter().map(|d| d.topic.clone()).collect(),
        score: o.found.first().map_or(0.0, |d| d.score),
        start: o.span.start,
        end: o.span.end,
        text: o.span.slice(raw).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Category, MODEL_FORMAT, Model};
    use super::*;

    fn classifier() -> Classifier {
        Classifier::new(Model {
            format: MODEL_FORMAT,
            terms: vec!["governed by".into(), "terminate".into()],
            categories: vec![
                Category {
                    topic: "governing-law".into(),
                    bias: -1.0,
                    platt: [4.0, 0.0],
                    threshold: 0.5,
                    weights: vec![(0, 2.0)],
                },
                Category {
                    topic: "termination-suspension".into(),
                    bias: -1.0,
                    platt: [4.0, 0.0],
                    threshold: 0.5,
                    weights: vec![(1, 2.0)],
                },
            ],
        })
        .unwrap()
    }

    const PAGE: &str = "Legal\nThese terms are governed by the laws of Ruritania. \
        Any claim is governed by the same laws too. We may terminate your account at any time.\n\
        Short: governed by it.\nThe café’s terms are governed by the law of Freedonia here.\n";

    #[test]
    fn sentences_are_detected_and_consecutive_ones_of_one_topic_merge() {
        let words = Words::new(PAGE);
        let got = detect(&classifier(), PAGE, &words, &[], |_| true);
        let texts: Vec<(&str, &str)> = got
            .iter()
            .map(|d| (d.topic.as_str(), d.text.as_str()))
            .collect();
        assert_eq!(
            texts,
            [
                (
                    "governing-law",
                    "These terms are governed by the laws of Ruritania. Any claim is governed by the same laws too."
                ),
                (
                    "termination-suspension",
                    "We may terminate your account at any time."
                ),
                (
                    "governing-law",
                    "The café’s terms are governed by the law of Freedonia here."
                ),
            ]
        );
        // Offsets are UTF-16 code units of the page.
        let utf16: Vec<u16> = PAGE.encode_utf16().collect();
        for d in &got {
            let slice = String::from_utf16(&utf16[d.start as usize..d.end as usize]).unwrap();
            assert_eq!(slice, d.text);
        }
    }

    #[test]
    fn a_run_in_heading_heads_the_rest_of_its_paragraph_only() {
        // One category, weighing only the heading's "governing law".
        let c = Classifier::new(Model {
            format: MODEL_FORMAT,
            terms: vec!["governing law".into(), "courts".into()],
            categories: vec![Category {
                topic: "jurisdiction".into(),
                bias: -1.0,
                platt: [4.0, 0.0],
                threshold: 0.5,
                weights: vec![(4, 10.0)],
            }],
        })
        .unwrap();
        let page = "Miscellaneous\nGoverning law. Disputes go to the courts of Ruritania only.\n\
            Disputes go to the courts of Freedonia only.\n";
        let words = Words::new(page);
        let got = detect(&c, page, &words, &[], |_| true);
        let texts: Vec<&str> = got.iter().map(|d| d.text.as_str()).collect();
        assert_eq!(texts, ["Disputes go to the courts of Ruritania only."]);
    }

    #[test]
    fn known_provisions_and_hidden_topics_get_no_detection() {
        let words = Words::new(PAGE);
        let start = PAGE.find("We may").unwrap() as u32;
        let got = detect(&classifier(), PAGE, &words, &[(start, start + 10)], |_| {
            true
        });
        assert!(got.iter().all(|d| d.topic != "termination-suspension"));
        assert_eq!(got.len(), 2);
        let got = detect(&classifier(), PAGE, &words, &[], |t| t != "governing-law");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].topics, ["termination-suspension"]);
    }
}
