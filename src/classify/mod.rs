//! Clause categories of any terms page: which kind of clause a passage is,
//! where termlens knows no text.
//!
//! A [`Model`] holds a dictionary of terms (cue phrases and word n-grams chosen
//! at training time) and one linear model per category. Classifying runs the
//! dictionary's automaton once over every passage ([`features::Lexicon`]),
//! builds each passage's sparse vector from its own terms, its neighbours'
//! terms (`n:` features) and its heading's terms (`h:` features) in
//! [`vector`], and takes a dot product per category; a logistic (Platt)
//! calibration turns it into a score in 0..1, and the category's threshold,
//! chosen on held-out data at training time, decides.
//!
//! The model file is JSON ([`Model::from_json`]); a malformed file is an
//! error that names what is wrong, never a panic.

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
pub mod detect;
#[cfg(not(target_arch = "wasm32"))]
pub mod eval;
pub mod features;
#[cfg(not(target_arch = "wasm32"))]
pub mod linear;
#[cfg(not(target_arch = "wasm32"))]
pub mod lopo;
#[cfg(not(target_arch = "wasm32"))]
pub mod train;

use serde::{Deserialize, Serialize};

pub use detect::{PageDetection, detect};
pub use features::{Lexicon, PageTerms};

/// The model file format this build reads and writes.
pub const MODEL_FORMAT: u32 = 1;

/// Weight of the neighbouring passages' terms against the passage's own
/// (each part is scaled to this Euclidean length; the passage's own is 1).
pub const NEIGHBOUR_WEIGHT: f32 = 0.3;
/// Weight of the heading's terms against the passage's own.
pub const HEADING_WEIGHT: f32 = 0.3;

/// The three feature spaces: a term of the passage itself, of a neighbour, of
/// its heading. A feature id is `space * terms + term`.
const SPACES: usize = 3;

/// A compiled classifier: the model file's content with its automaton.
#[derive(Debug)]
pub struct Classifier {
    model: Model,
    lexicon: Lexicon,
    /// The row of `by_feature` of each feature, or [`NO_WEIGHTS`] for a
    /// feature that no category weighs (most of them: small weights are not
    /// kept), which a score then skips.
    rows: Vec<u32>,
    /// Every category's weight of each weighed feature, row by row: the
    /// weights of row `r` are `by_feature[r * categories..][..categories]`,
    /// in model order, so a passage's score reads one short run per feature.
    by_feature: Vec<f32>,
}

/// The row of a feature without weights.
const NO_WEIGHTS: u32 = u32::MAX;

/// The model file.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Model {
    /// [`MODEL_FORMAT`].
    pub format: u32,
    /// The dictionary: normalised terms (words joined by single spaces).
    pub terms: Vec<String>,
    /// One linear model per category.
    pub categories: Vec<Category>,
}

/// One category's linear model.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// The knowledge base's topic id.
    pub topic: String,
    /// Intercept of the decision function.
    pub bias: f32,
    /// Calibration: score = 1 / (1 + exp(-(a * decision + b))).
    pub platt: [f32; 2],
    /// A passage belongs to the category when its score reaches this.
    pub threshold: f32,
    /// Sparse weights: `[feature id, weight]`, feature ids ascending.
    pub weights: Vec<(u32, f32)>,
}

/// One input passage.
#[derive(Clone, Copy, Debug, Default)]
pub struct Passage<'a> {
    /// The passage's text (raw).
    pub text: &'a str,
    /// The heading it sits under, when known.
    pub heading: Option<&'a str>,
}

/// A category a passage was found to belong to.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Detection {
    /// Topic id.
    pub topic: String,
    /// Calibrated score in 0..1.
    pub score: f32,
}

/// A model file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelError(pub String);

impl std::fmt::Display for ModelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "classifier model: {}", self.0)
    }
}

impl std::error::Error for ModelError {}

impl Model {
    /// Parses and checks a model file.
    pub fn from_json(text: &str) -> Result<Model, ModelError> {
        let model: Model = serde_json::from_str(text).map_err(|e| ModelError(e.to_string()))?;
        model.check()?;
        Ok(model)
    }

    /// Reads and checks a compiled model file (`pkg/model.bin`, what
    /// [`Model::to_bytes`] writes): the same model in postcard rather than
    /// JSON, so that the Wasm module holds no JSON reader for it.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        let model: Model = postcard::from_bytes(bytes)
            .map_err(|e| ModelError(format!("the compiled model does not decode: {e}")))?;
        model.check()?;
        Ok(model)
    }

    /// The compiled model file's bytes (postcard; [`Model::from_bytes`]).
    pub fn to_bytes(&self) -> Result<Vec<u8>, ModelError> {
        postcard::to_allocvec(self).map_err(|e| ModelError(format!("does not encode: {e}")))
    }

    /// The model file's text (compact JSON, one category per line).
    pub fn to_json(&self) -> String {
        let mut out = format!(
            "{{\"format\":{},\"terms\":{},\"categories\":[\n",
            self.format,
            serde_json::to_string(&self.terms).unwrap_or_default()
        );
        for (i, c) in self.categories.iter().enumerate() {
            if i > 0 {
                out.push_str(",\n");
            }
            out.push_str(&serde_json::to_string(c).unwrap_or_default());
        }
        out.push_str("\n]}\n");
        out
    }

    /// Every rule a usable model keeps: the format, well-formed terms,
    /// feature ids in range and ascending, finite numbers.
    pub fn check(&self) -> Result<(), ModelError> {
        let bad = |m: String| Err(ModelError(m));
        if self.format != MODEL_FORMAT {
            return bad(format!(
                "format {} (this build reads format {MODEL_FORMAT})",
                self.format
            ));
        }
        for (i, t) in self.terms.iter().enumerate() {
            if t.is_empty()
                || t.split(' ')
                    .any(|w| w.is_empty() || features::normalise(w) != w)
            {
                return bad(format!("term {i} {t:?} is not normalised text"));
            }
        }
        let features = (self.terms.len() * SPACES) as u64;
        for c in &self.categories {
            let numbers = [c.bias, c.platt[0], c.platt[1], c.threshold];
            if c.topic.is_empty() || numbers.iter().any(|x| !x.is_finite()) {
                return bad(format!(
                    "category {:?}: empty topic or a number that is not finite",
                    c.topic
                ));
            }
            let mut last: Option<u32> = None;
            for &(f, w) in &c.weights {
                if u64::from(f) >= features || last.is_some_and(|l| l >= f) || !w.is_finite() {
                    return bad(format!(
                        "category {:?}: weight of feature {f} (out of range, not ascending or not finite)",
                        c.topic
                    ));
                }
                last = Some(f);
            }
        }
        Ok(())
    }
}

impl Classifier {
    /// Compiles a checked model.
    pub fn new(model: Model) -> Result<Classifier, ModelError> {
        model.check()?;
        let lexicon = Lexicon::new(&model.terms).map_err(|e| ModelError(e.0))?;
        let n = model.categories.len();
        let mut rows = vec![NO_WEIGHTS; model.terms.len() * SPACES];
        let mut by_feature = Vec::new();
        for (k, c) in model.categories.iter().enumerate() {
            for &(f, w) in &c.weights {
                let row = &mut rows[f as usize];
                if *row == NO_WEIGHTS {
                    *row = (by_feature.len() / n.max(1)) as u32;
                    by_feature.resize(by_feature.len() + n, 0.0);
                }
                by_feature[*row as usize * n + k] = w;
            }
        }
        Ok(Classifier {
            model,
            lexicon,
            rows,
            by_feature,
        })
    }

    /// Parses, checks and compiles a model file.
    pub fn from_json(text: &str) -> Result<Classifier, ModelError> {
        Classifier::new(Model::from_json(text)?)
    }

    /// Reads, checks and compiles a compiled model file (`pkg/model.bin`).
    pub fn from_bytes(bytes: &[u8]) -> Result<Classifier, ModelError> {
        Classifier::new(Model::from_bytes(bytes)?)
    }

    /// The model.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The categories of every passage, best score first. A passage's
    /// neighbours are the passages before and after it in `passages`.
    pub fn classify(&self, passages: &[Passage<'_>]) -> Vec<Vec<Detection>> {
        self.scores(passages)
            .iter()
            .map(|scores| self.found(scores))
            .collect()
    }

    /// The calibrated score of every category (model order) for every passage.
    pub fn scores(&self, passages: &[Passage<'_>]) -> Vec<Vec<f32>> {
        let texts: Vec<String> = passages
            .iter()
            .map(|p| features::normalise(p.text))
            .collect();
        let own = self.lexicon.page_terms(&texts, |_| true);
        let headings: Vec<String> = passages
            .iter()
            .map(|p| features::normalise(p.heading.unwrap_or("")))
            .collect();
        let heading_terms = self.lexicon.page_terms(&headings, |_| true);
        let mut scratch = Scratch::default();
        (0..passages.len())
            .map(|i| {
                self.scores_of(&own, heading_terms.of(i), i, &mut scratch);
                scratch.sums.clone()
            })
            .collect()
    }

    /// The categories of passages already normalised, best score first, each
    /// under the passage at `headings[i]` (an index into `normalised`, which
    /// holds the heading lines too): the page's own words serve, and no
    /// heading is read twice. Only the passages `wanted` holds true for are
    /// scored (the others get no categories); the terms of a passage are
    /// found when it is wanted, a neighbour of one or the heading of one.
    pub fn classify_normalised<S: AsRef<str>>(
        &self,
        normalised: &[S],
        headings: &[Option<usize>],
        wanted: &[bool],
    ) -> Vec<Vec<Detection>> {
        let mut needed = vec![false; normalised.len()];
        for (i, _) in wanted.iter().enumerate().filter(|(_, w)| **w) {
            let around = [i.checked_sub(1), Some(i), Some(i + 1)];
            let heading = headings.get(i).copied().flatten();
            for j in around.into_iter().chain([heading]).flatten() {
                if let Some(n) = needed.get_mut(j) {
                    *n = true;
                }
            }
        }
        let own = self.lexicon.page_terms(normalised, |i| needed[i]);
        let mut scratch = Scratch::default();
        (0..normalised.len())
            .map(|i| {
                if !wanted.get(i).copied().unwrap_or(false) {
                    return Vec::new();
                }
                let heading = headings.get(i).copied().flatten();
                let heading = heading.map_or(&[][..], |h| own.of(h));
                self.scores_of(&own, heading, i, &mut scratch);
                self.found(&scratch.sums)
            })
            .collect()
    }

    /// The categories whose thresholds `scores` (model order) reach, best first.
    fn found(&self, scores: &[f32]) -> Vec<Detection> {
        let mut found: Vec<Detection> = scores
            .iter()
            .zip(&self.model.categories)
            .filter(|(s, c)| **s >= c.threshold)
            .map(|(s, c)| Detection {
                topic: c.topic.clone(),
                score: *s,
            })
            .collect();
        crate::sort::by(&mut found, |a, b| b.score.total_cmp(&a.score));
        found
    }

    /// The calibrated score of every category (model order) for passage `i`
    /// of `own` (the terms of every passage), under a heading of `heading`,
    /// into `scratch.sums`: the dot product of each category's weights with
    /// [`vector`]`(own, heading, i, ..)`, summed feature by feature in the
    /// vector's order (so the figures are the same to the bit), without
    /// building the vector.
    fn scores_of(&self, own: &PageTerms, heading: &[u32], i: usize, scratch: &mut Scratch) {
        let n = self.model.categories.len();
        let Scratch { sums, around } = scratch;
        // -0.0 is the sum of no terms, as `Iterator::sum` starts it.
        sums.clear();
        sums.resize(n, -0.0);
        around.clear();
        let before = i.checked_sub(1).map_or(&[][..], |j| own.of(j));
        union_each(before, own.of(i + 1), |t| around.push(t));
        let terms = self.lexicon.len() as u32;
        let parts: [(&[u32], u32, f32); 3] = [
            (own.of(i), 0, 1.0),
            (around, terms, NEIGHBOUR_WEIGHT),
            (heading, 2 * terms, HEADING_WEIGHT),
        ];
        for (part, offset, length) in parts {
            if part.is_empty() {
                continue;
            }
            let v = length / (part.len() as f32).sqrt();
            for &t in part {
                // Skipping a feature without weights changes no score: it
                // would add +0.0, which leaves every sum but -0.0 as it is,
                // and a sum of -0.0 calibrates as +0.0 does.
                let row = self.rows.get((offset + t) as usize).copied();
                let Some(row) = row.filter(|&r| r != NO_WEIGHTS) else {
                    continue;
                };
                let weights = self.by_feature.get(row as usize * n..).unwrap_or(&[]);
                for (sum, w) in sums.iter_mut().zip(weights) {
                    *sum += w * v;
                }
            }
        }
        for (sum, c) in sums.iter_mut().zip(&self.model.categories) {
            *sum = sigmoid(c.platt[0] * (c.bias + *sum) + c.platt[1]);
        }
    }
}

/// Buffers that scoring the passages of a page reuses from one passage to
/// the next.
#[derive(Default)]
struct Scratch {
    /// The sums, then the scores, of one passage.
    sums: Vec<f32>,
    /// The union of the terms of the passage's two neighbours.
    around: Vec<u32>,
}

/// Whether a line reads as a heading: at most [`HEADING_MAX_WORDS`] words, a
/// letter first, and no sentence punctuation at its end.
///
/// The cheap tests come first and the words are counted only up to one past
/// the limit: the detections ask this of every paragraph of a page, most of
/// them long sentences.
pub fn is_heading(line: &str) -> bool {
    let line = line.trim();
    if line.ends_with(['.', '!', '?', ';', ':', ',']) {
        return false;
    }
    let words = line.split_whitespace().take(HEADING_MAX_WORDS + 1).count();
    (1..=HEADING_MAX_WORDS).contains(&words)
        && line
            .chars()
            .find(|c| c.is_alphanumeric())
            .is_some_and(char::is_alphabetic)
}

/// The longest line [`is_heading`] takes for a heading, in words.
pub const HEADING_MAX_WORDS: usize = 6;

/// Lines of a document as passages, each under the last heading-like line
/// before it (a heading itself sits under the heading before it).
pub fn passages_from_lines<'a>(lines: &[&'a str]) -> Vec<Passage<'a>> {
    let mut heading = None;
    lines
        .iter()
        .map(|&text| {
            let p = Passage { text, heading };
            if is_heading(text) {
                heading = Some(text);
            }
            p
        })
        .collect()
}

/// The logistic function.
pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// The feature vector of passage `i` (sparse, ids ascending): its own terms
/// scaled to length 1, the union of its neighbours' terms scaled to
/// [`NEIGHBOUR_WEIGHT`], its heading's terms scaled to [`HEADING_WEIGHT`].
/// `own` holds the terms of every passage, in order.
pub fn vector(own: &[Vec<u32>], heading: &[u32], i: usize, terms: usize) -> Vec<(u32, f32)> {
    let mut x = Vec::new();
    push_part(&mut x, &own[i], 0, 1.0);
    let mut around: Vec<u32> = Vec::new();
    if i > 0 {
        around.extend(&own[i - 1]);
    }
    if let Some(next) = own.get(i + 1) {
        around.extend(next);
    }
    around.sort_unstable();
    around.dedup();
    push_part(&mut x, &around, terms as u32, NEIGHBOUR_WEIGHT);
    push_part(&mut x, heading, 2 * terms as u32, HEADING_WEIGHT);
    x
}

/// Calls `f` with every id of `a` or `b` (each ascending, without repeats)
/// once, ascending: their union, as [`vector`] sorts it.
fn union_each(a: &[u32], b: &[u32], mut f: impl FnMut(u32)) {
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let next = match (a.get(i), b.get(j)) {
            (Some(&x), Some(&y)) if x == y => {
                i += 1;
                j += 1;
                x
            }
            (Some(&x), Some(&y)) if x < y => {
                i += 1;
                x
            }
            (Some(&x), None) => {
                i += 1;
                x
            }
            (_, Some(&y)) => {
                j += 1;
                y
            }
            (None, None) => break,
        };
        f(next);
    }
}

fn push_part(x: &mut Vec<(u32, f32)>, terms: &[u32], offset: u32, length: f32) {
    if terms.is_empty() {
        return;
    }
    let v = length / (terms.len() as f32).sqrt();
    x.extend(terms.iter().map(|&t| (offset + t, v)));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Model {
        Model {
            format: MODEL_FORMAT,
            terms: vec!["governed by".into(), "laws of".into(), "recipe".into()],
            categories: vec![Category {
                topic: "governing-law".into(),
                bias: -1.0,
                platt: [4.0, 0.0],
                threshold: 0.5,
                weights: vec![(0, 1.5), (1, 1.0), (3, 0.5)],
            }],
        }
    }

    #[test]
    fn a_passage_with_the_cues_is_detected_and_one_without_is_not() {
        let c = Classifier::new(tiny()).unwrap();
        let got = c.classify(&[
            Passage {
                text: "These terms are governed by the laws of Ireland.",
                heading: None,
            },
            Passage {
                text: "Mix the flour and the eggs.",
                heading: None,
            },
        ]);
        assert_eq!(got[0].len(), 1);
        assert_eq!(got[0][0].topic, "governing-law");
        assert!(got[1].is_empty());
    }

    #[test]
    fn the_model_file_round_trips_and_bad_files_are_errors() {
        let m = tiny();
        assert_eq!(Model::from_json(&m.to_json()).unwrap(), m);
        let mut out_of_range = tiny();
        out_of_range.categories[0].weights.push((9, 1.0));
        assert!(Model::from_json(&out_of_range.to_json()).is_err());
        let mut format = tiny();
        format.format = 99;
        assert!(
            Model::from_json(&format.to_json())
                .unwrap_err()
                .0
                .contains("format 99")
        );
        assert!(Model::from_json("{\"format\":1").is_err());
        let mut term = tiny();
        term.terms[0] = "Governed  By".into();
        assert!(Model::from_json(&term.to_json()).is_err());
    }
}
