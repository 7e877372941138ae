//! Training (native only): from CLAUDETTE's labelled sentences and the
//! knowledge base's verified clauses to a [`Model`] file, the same bytes on
//! every run.
//!
//! 1. Examples: every CLAUDETTE document as a sequence of passages (so each
//!    passage has its neighbours and heading, as a page would give them), and
//!    every knowledge-base wording as a passage of its own, positive for the
//!    categories of its provision's topics.
//! 2. The dictionary: the category cue phrases of `data/categories.toml` and
//!    the word n-grams (1 to [`Settings::max_n`] words) found in at least
//!    [`Settings::min_df`] training passages.
//! 3. Per category, a linear SVM ([`super::linear`]); its decision values on
//!    held-out documents (the training documents split in
//!    [`Settings::inner_folds`] parts) give the Platt calibration and the
//!    F1-best threshold; the final weights are trained on everything, pruned
//!    and rounded.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::linear::{Linear, Row, Svm, best_threshold, platt};
use super::{Category, Lexicon, MODEL_FORMAT, Model, Passage, passages_from_lines, vector};
use crate::kb::{KnowledgeBase, Topic};

/// `data/categories.toml`: the categories the classifier detects.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryFile {
    /// One entry per category.
    pub category: Vec<CategorySource>,
}

/// One category.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategorySource {
    /// Topic id (of topics.toml).
    pub topic: String,
    /// The CLAUDETTE codes whose sentences are its positives: the topic's
    /// `claudette` field in topics.toml.
    #[serde(skip)]
    pub claudette: Vec<String>,
    /// Cue phrases always in the dictionary.
    #[serde(default)]
    pub cues: Vec<String>,
}

/// Reads `categories.toml`, each category with the CLAUDETTE codes of its
/// topic in `topics` (an unknown topic is an error).
pub fn read_categories(path: &Path, topics: &[Topic]) -> Result<CategoryFile, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut file: CategoryFile =
        toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    for c in &mut file.category {
        let topic = topics.iter().find(|t| t.id == c.topic).ok_or_else(|| {
            format!(
                "{}: category `{}` is no topic of topics.toml",
                path.display(),
                c.topic
            )
        })?;
        c.claudette = topic.claudette.clone();
    }
    Ok(file)
}

/// One CLAUDETTE sentence.
#[derive(Clone, Debug)]
pub struct Sentence {
    /// The document (service) it comes from.
    pub document: String,
    /// Its position in the document.
    pub index: u32,
    /// The text.
    pub text: String,
    /// Category codes tagged at any level.
    pub codes: Vec<String>,
    /// The document's cross-validation fold.
    pub fold: u32,
}

/// Reads `claudette_en.tsv`, sorted by document and position.
pub fn read_claudette(path: &Path) -> Result<Vec<Sentence>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate().skip(1) {
        let cells: Vec<&str> = line.split('\t').collect();
        let bad = || {
            format!(
                "{}:{}: expected 7 tab-separated cells",
                path.display(),
                n + 1
            )
        };
        if cells.len() != 7 {
            return Err(bad());
        }
        let number = |s: &str| s.parse::<u32>().map_err(|_| bad());
        let codes = cells[5]
            .split(',')
            .map(|t| t.trim_end_matches(|c: char| c.is_ascii_digit()).to_string())
            .filter(|c| !c.is_empty() && c != "countrym")
            .collect();
        out.push(Sentence {
            document: cells[0].to_string(),
            index: number(cells[1])?,
            text: cells[2].to_string(),
            codes,
            fold: number(cells[6])?,
        });
    }
    out.sort_by(|a, b| (&a.document, a.index).cmp(&(&b.document, b.index)));
    Ok(out)
}

/// A training document: passages in order, with per-passage labels.
#[derive(Clone, Debug)]
pub struct Doc {
    /// Fold, for held-out splits.
    pub fold: u32,
    /// Passage texts.
    pub lines: Vec<String>,
    /// `labels[i][c]`: passage `i` belongs to category `c`.
    pub labels: Vec<Vec<bool>>,
}

/// CLAUDETTE's documents, labelled for `categories`.
pub fn claudette_docs(sentences: &[Sentence], categories: &[CategorySource]) -> Vec<Doc> {
    let mut docs: Vec<Doc> = Vec::new();
    let mut last: Option<&str> = None;
    for s in sentences {
        if last != Some(s.document.as_str()) {
            docs.push(Doc {
                fold: s.fold,
                lines: Vec::new(),
                labels: Vec::new(),
            });
            last = Some(&s.document);
        }
        let doc = docs.last_mut().expect("pushed above");
        doc.lines.push(s.text.clone());
        doc.labels.push(
            categories
                .iter()
                .map(|c| c.claudette.iter().any(|code| s.codes.contains(code)))
                .collect(),
        );
    }
    docs
}

/// Every wording of every provision as a one-passage document, positive for
/// the categories of its topics; the fold cycles over the platforms.
pub fn kb_docs(kb: &KnowledgeBase, categories: &[CategorySource]) -> Vec<Doc> {
    kb_docs_where(kb, categories, |_| true)
}

/// [`kb_docs`] of the provisions `keep` accepts.
pub fn kb_docs_where(
    kb: &KnowledgeBase,
    categories: &[CategorySource],
    keep: impl Fn(&crate::kb::Provision) -> bool,
) -> Vec<Doc> {
    let platforms: BTreeMap<&str, u32> = kb
        .platforms
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i as u32))
        .collect();
    let mut docs = Vec::new();
    for p in kb.provisions.iter().filter(|p| keep(p)) {
        let fold = platforms.get(p.platform.as_str()).copied().unwrap_or(0) % 4;
        let labels: Vec<bool> = categories
            .iter()
            .map(|c| p.topics.contains(&c.topic))
            .collect();
        for w in &p.wordings {
            docs.push(Doc {
                fold,
                lines: vec![w.text.clone()],
                labels: vec![labels.clone()],
            });
        }
    }
    docs
}

/// The learning settings.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// Minimum number of training passages an n-gram must occur in.
    pub min_df: usize,
    /// The longest n-gram in the dictionary, in words.
    pub max_n: usize,
    /// SVM cost of negatives; positives cost `c * positive_weight`.
    pub c: f64,
    /// Extra cost of missing a positive.
    pub positive_weight: f64,
    /// Weights below this (absolute) are dropped from the model file.
    pub prune: f64,
    /// Seed of the solver's visiting order.
    pub seed: u64,
    /// Held-out parts of the training documents for calibration and
    /// thresholds (a document of several passages goes to part `n % parts`,
    /// `n` its place among them; a one-passage document to its fold's).
    pub inner_folds: u32,
    /// Calibrate and choose thresholds on the passages of documents of
    /// several passages only (pages, as detection sees them), not on the
    /// one-passage knowledge-base clauses.
    pub calibrate_on_pages: bool,
    /// Learn weights for the context features (`n:` neighbours, `h:`
    /// heading); without, those weights are all zero.
    pub context: bool,
    /// The final weights are the average of the held-out parts' models (the
    /// very functions the calibration and threshold were fitted to) rather
    /// than a model trained on every passage.
    pub average_parts: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            min_df: 3,
            max_n: 2,
            c: 2.0,
            positive_weight: 4.0,
            prune: 0.1,
            seed: 0x7e53_1e45,
            inner_folds: 3,
            calibrate_on_pages: true,
            context: true,
            average_parts: true,
        }
    }
}

/// The dictionary: the cue phrases, then the n-grams of the training
/// passages found in at least `min_df` of them, in byte order.
pub fn dictionary(
    docs: &[Doc],
    categories: &[CategorySource],
    min_df: usize,
    max_n: usize,
) -> Vec<String> {
    let mut df: BTreeMap<String, usize> = BTreeMap::new();
    for line in docs.iter().flat_map(|d| &d.lines) {
        let norm = super::features::normalise(line);
        let words: Vec<&str> = norm.split(' ').filter(|w| !w.is_empty()).collect();
        let mut grams: Vec<String> = Vec::new();
        for n in 1..=max_n {
            grams.extend(words.windows(n).map(|w| w.join(" ")));
        }
        grams.sort_unstable();
        grams.dedup();
        for g in grams {
            *df.entry(g).or_default() += 1;
        }
    }
    let mut terms: Vec<String> = categories
        .iter()
        .flat_map(|c| &c.cues)
        .map(|c| super::features::normalise(c))
        .filter(|c| !c.is_empty())
        .collect();
    terms.extend(df.into_iter().filter(|(_, n)| *n >= min_df).map(|(g, _)| g));
    let mut seen = std::collections::HashSet::new();
    terms.retain(|t| seen.insert(t.clone()));
    terms
}

/// The feature rows of every passage of `docs`, in order.
pub fn rows(lexicon: &Lexicon, docs: &[Doc]) -> Vec<Row> {
    let mut out = Vec::new();
    for doc in docs {
        let lines: Vec<&str> = doc.lines.iter().map(String::as_str).collect();
        let passages: Vec<Passage<'_>> = passages_from_lines(&lines);
        let own = lexicon.terms_of(&lines);
        let headings: Vec<&str> = passages.iter().map(|p| p.heading.unwrap_or("")).collect();
        let heading_terms = lexicon.terms_of(&headings);
        for (i, heading) in heading_terms.iter().enumerate() {
            out.push(vector(&own, heading, i, lexicon.len()));
        }
    }
    out
}

/// A training set in feature space.
pub struct Set {
    /// Feature rows.
    pub rows: Vec<Row>,
    /// `labels[c][i]`.
    pub labels: Vec<Vec<bool>>,
    /// Group of each row for the held-out parts: its document's place
    /// among the documents of several passages, or its fold for a
    /// one-passage document.
    pub folds: Vec<u32>,
    /// Whether each row belongs to a document of several passages.
    pub pages: Vec<bool>,
    /// Feature dimension.
    pub dim: usize,
}

impl Set {
    /// Featurises `docs` with `lexicon`.
    pub fn new(lexicon: &Lexicon, docs: &[Doc], categories: usize) -> Set {
        let rows = rows(lexicon, docs);
        let labels = (0..categories)
            .map(|c| {
                docs.iter()
                    .flat_map(|d| d.labels.iter().map(move |l| l[c]))
                    .collect()
            })
            .collect();
        let mut folds = Vec::new();
        let mut pages = Vec::new();
        let mut place = 0;
        for d in docs {
            let page = d.lines.len() > 1;
            let group = if page { place } else { d.fold };
            place += u32::from(page);
            folds.extend(d.lines.iter().map(|_| group));
            pages.extend(d.lines.iter().map(|_| page));
        }
        Set {
            rows,
            labels,
            folds,
            pages,
            dim: lexicon.len() * super::SPACES,
        }
    }
}

/// One category's fitted model, before pruning.
pub struct Fitted {
    /// Final weights (trained on every row).
    pub linear: Linear,
    /// Platt's (a, b).
    pub platt: (f64, f64),
    /// Threshold on the calibrated score.
    pub threshold: f64,
}

/// Trains category `c`: held-out decisions for calibration and threshold,
/// then the final weights on every row.
pub fn fit(set: &Set, c: usize, s: &Settings) -> Fitted {
    let y = &set.labels[c];
    let svm = Svm {
        c_pos: s.c * s.positive_weight,
        c_neg: s.c,
        max_passes: 60,
        tolerance: 0.1,
        seed: s.seed ^ c as u64,
    };
    let mut held: Vec<(f64, bool)> = Vec::new();
    let parts = s.inner_folds.max(2);
    let mut sum = Linear {
        weights: vec![0.0; set.dim],
        bias: 0.0,
    };
    for k in 0..parts {
        let part = |i: usize| set.folds[i] % parts == k;
        let train: Vec<usize> = (0..set.rows.len()).filter(|&i| !part(i)).collect();
        let rows: Vec<Row> = train.iter().map(|&i| set.rows[i].clone()).collect();
        let ys: Vec<bool> = train.iter().map(|&i| y[i]).collect();
        let m = pruned(svm.train(&rows, &ys, set.dim), s.prune);
        sum.weights
            .iter_mut()
            .zip(&m.weights)
            .for_each(|(a, w)| *a += w / f64::from(parts));
        sum.bias += m.bias / f64::from(parts);
        held.extend(
            (0..set.rows.len())
                .filter(|&i| part(i) && (set.pages[i] || !s.calibrate_on_pages))
                .map(|i| (m.decision(&set.rows[i]), y[i])),
        );
    }
    let (d, ys): (Vec<f64>, Vec<bool>) = held.into_iter().unzip();
    let (a, b) = platt(&d, &ys);
    let scores: Vec<f64> = d
        .iter()
        .map(|&x| 1.0 / (1.0 + (-(a * x + b)).exp()))
        .collect();
    let (threshold, _) = best_threshold(&scores, &ys);
    let linear = if s.average_parts {
        pruned(sum, s.prune)
    } else {
        pruned(svm.train(&set.rows, y, set.dim), s.prune)
    };
    Fitted {
        linear,
        platt: (a, b),
        threshold,
    }
}

/// `linear` without its weights under `prune` (absolute): the model file
/// keeps only the others, so calibration sees the same pruned functions.
fn pruned(mut linear: Linear, prune: f64) -> Linear {
    for w in &mut linear.weights {
        if w.abs() < prune {
            *w = 0.0;
        }
    }
    linear
}

/// Trains a model on `docs` for `categories`.
pub fn train(docs: &[Doc], categories: &[CategorySource], s: &Settings) -> Result<Model, String> {
    let terms = dictionary(docs, categories, s.min_df, s.max_n);
    let lexicon = Lexicon::new(&terms).map_err(|e| e.0)?;
    let mut set = Set::new(&lexicon, docs, categories.len());
    if !s.context {
        let own = lexicon.len() as u32;
        for row in &mut set.rows {
            row.retain(|&(f, _)| f < own);
        }
    }
    let fitted: Vec<Fitted> = (0..categories.len()).map(|c| fit(&set, c, s)).collect();
    Ok(compact(terms, categories, &fitted, s.prune))
}

/// The model file: small weights dropped, unused terms dropped and the
/// feature ids renumbered, weights rounded to three significant digits and the rest to four.
fn compact(
    terms: Vec<String>,
    categories: &[CategorySource],
    fitted: &[Fitted],
    prune: f64,
) -> Model {
    let n = terms.len();
    let used: Vec<bool> = (0..n)
        .map(|t| {
            fitted
                .iter()
                .any(|f| (0..super::SPACES).any(|sp| f.linear.weights[sp * n + t].abs() >= prune))
        })
        .collect();
    let mut new_id = vec![u32::MAX; n];
    let mut kept = Vec::new();
    for (t, term) in terms.into_iter().enumerate() {
        if used[t] {
            new_id[t] = kept.len() as u32;
            kept.push(term);
        }
    }
    let m = kept.len() as u32;
    let cats = categories
        .iter()
        .zip(fitted)
        .map(|(c, f)| {
            let mut weights: Vec<(u32, f32)> = Vec::new();
            for (id, &w) in f.linear.weights.iter().enumerate() {
                let (space, t) = (id / n, id % n);
                if w.abs() >= prune && used[t] {
                    weights.push((space as u32 * m + new_id[t], round(w, 3)));
                }
            }
            weights.sort_unstable_by_key(|&(id, _)| id);
            Category {
                topic: c.topic.clone(),
                bias: round(f.linear.bias, 4),
                platt: [round(f.platt.0, 4), round(f.platt.1, 4)],
                threshold: round(f.threshold, 4),
                weights,
            }
        })
        .collect();
    Model {
        format: MODEL_FORMAT,
        terms: kept,
        categories: cats,
    }
}

/// `digits` significant digits, so the file is small and its text stable.
fn round(x: f64, digits: i32) -> f32 {
    if x == 0.0 || !x.is_finite() {
        return 0.0;
    }
    let scale = 10f64.powi(digits - 1 - x.abs().log10().floor() as i32);
    ((x * scale).round() / scale) as f32
}
