//! Evaluation (native only): CLAUDETTE document-level cross-validation over
//! its four folds (train on three, test on the fourth), for the model and,
//! in the same run, for a TF-IDF + linear SVM baseline on the same folds.

use std::collections::HashMap;

use super::linear::{Linear, Row, Svm, best_threshold};
use super::train::{CategorySource, Doc, Settings, claudette_docs, train};
use super::{Classifier, passages_from_lines};
use crate::text::Words;

/// The categories of the published macro-F1, by CLAUDETTE code.
pub const EVAL_CODES: [&str; 8] = ["ltd", "ter", "ch", "cr", "use", "law", "j", "a"];

/// True/false positives and false negatives of one category.
#[derive(Clone, Copy, Debug, Default)]
pub struct Counts {
    /// True positives.
    pub tp: usize,
    /// False positives.
    pub fp: usize,
    /// False negatives.
    pub fn_: usize,
}

impl Counts {
    fn merge(&mut self, other: Counts) {
        self.tp += other.tp;
        self.fp += other.fp;
        self.fn_ += other.fn_;
    }

    fn add(&mut self, predicted: bool, actual: bool) {
        match (predicted, actual) {
            (true, true) => self.tp += 1,
            (true, false) => self.fp += 1,
            (false, true) => self.fn_ += 1,
            (false, false) => {}
        }
    }

    /// Precision, recall, F1 (0 where undefined).
    pub fn prf(&self) -> (f64, f64, f64) {
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let p = ratio(self.tp, self.tp + self.fp);
        let r = ratio(self.tp, self.tp + self.fn_);
        let f = if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        };
        (p, r, f)
    }
}

/// Per evaluated code, the counts of the model and of the baseline.
pub struct Report {
    /// `(code, model, baseline)`.
    pub rows: Vec<(String, Counts, Counts)>,
    /// Per evaluated code, `(model, baseline)` counted at the threshold that is
    /// F1-best on each test fold itself: what the same scores could give if
    /// the threshold were known in advance. A ceiling of these features and
    /// learners, never a result (the threshold sees the test labels).
    pub ceilings: Vec<(Counts, Counts)>,
}

impl Report {
    /// The table, with macro-F1 of both.
    pub fn table(&self) -> String {
        let mut out = String::from("category  P      R      F1     | baseline P R F1\n");
        let (mut fm, mut fb) = (0.0, 0.0);
        for (code, m, b) in &self.rows {
            let (p, r, f) = m.prf();
            let (bp, br, bf) = b.prf();
            fm += f;
            fb += bf;
            out.push_str(&format!(
                "{code:<8}  {p:.3}  {r:.3}  {f:.3}  | {bp:.3} {br:.3} {bf:.3}\n"
            ));
        }
        let n = self.rows.len().max(1) as f64;
        out.push_str(&format!(
            "macro-F1  model {:.3}  baseline {:.3}\n",
            fm / n,
            fb / n
        ));
        let f1 = |c: &Counts| c.prf().2;
        let (cm, cb): (Vec<f64>, Vec<f64>) =
            self.ceilings.iter().map(|(m, b)| (f1(m), f1(b))).unzip();
        let row = |v: &[f64]| v.iter().map(|f| format!(" {f:.3}")).collect::<String>();
        out.push_str(&format!(
            "ceiling (each test fold's own F1-best threshold; not a result): F1 per category\n\
             model   {}  macro {:.3}\nbaseline{}  macro {:.3}\n",
            row(&cm),
            cm.iter().sum::<f64>() / n,
            row(&cb),
            cb.iter().sum::<f64>() / n
        ));
        out
    }
}

/// The counts of `(score, label)` pairs at their own F1-best threshold.
fn ceiling_counts(scored: &[(f64, bool)]) -> Counts {
    let (scores, labels): (Vec<f64>, Vec<bool>) = scored.iter().copied().unzip();
    let (threshold, _) = best_threshold(&scores, &labels);
    let mut counts = Counts::default();
    for &(s, y) in scored {
        counts.add(s >= threshold, y);
    }
    counts
}

/// Cross-validates over CLAUDETTE's folds; `extra` (the knowledge base's
/// clauses) joins every training set.
pub fn cross_validate(
    claudette: &[super::train::Sentence],
    extra: &[Doc],
    categories: &[CategorySource],
    settings: &Settings,
) -> Result<Report, String> {
    let docs = claudette_docs(claudette, categories);
    let index: Vec<(String, usize)> = EVAL_CODES
        .iter()
        .filter_map(|code| {
            categories
                .iter()
                .position(|c| c.claudette.iter().any(|x| x == code))
                .map(|c| (code.to_string(), c))
        })
        .collect();
    let mut model_counts = vec![Counts::default(); index.len()];
    let mut base_counts = vec![Counts::default(); index.len()];
    let mut ceilings = vec![(Counts::default(), Counts::default()); index.len()];
    let folds: Vec<u32> = {
        let mut f: Vec<u32> = docs.iter().map(|d| d.fold).collect();
        f.sort_unstable();
        f.dedup();
        f
    };
    for &test in &folds {
        let claudette_training: Vec<Doc> =
            docs.iter().filter(|d| d.fold != test).cloned().collect();
        let mut training = claudette_training.clone();
        training.extend(extra.iter().cloned());
        let testing: Vec<&Doc> = docs.iter().filter(|d| d.fold == test).collect();
        let model = train(&training, categories, settings)?;
        let classifier = Classifier::new(model).map_err(|e| e.to_string())?;
        // The baseline learns from CLAUDETTE's training folds alone.
        let baseline = Baseline::train(&claudette_training, categories.len());
        // Per evaluated code, this fold's (score, label) pairs of the model and the baseline.
        let mut fold_scores = vec![(Vec::new(), Vec::new()); index.len()];
        for doc in testing {
            let lines: Vec<&str> = doc.lines.iter().map(String::as_str).collect();
            let scores = classifier.scores(&passages_from_lines(&lines));
            let base = baseline.decisions(&lines);
            for (i, labels) in doc.labels.iter().enumerate() {
                for (k, &(_, c)) in index.iter().enumerate() {
                    let threshold = classifier.model().categories[c].threshold;
                    model_counts[k].add(scores[i][c] >= threshold, labels[c]);
                    base_counts[k].add(base[i][c] >= baseline.models[c].1, labels[c]);
                    fold_scores[k].0.push((f64::from(scores[i][c]), labels[c]));
                    fold_scores[k].1.push((base[i][c], labels[c]));
                }
            }
        }
        for (k, (model, base)) in fold_scores.iter().enumerate() {
            let (m, b) = (ceiling_counts(model), ceiling_counts(base));
            ceilings[k].0.merge(m);
            ceilings[k].1.merge(b);
        }
    }
    let rows = index
        .into_iter()
        .zip(model_counts.into_iter().zip(base_counts))
        .map(|((code, _), (m, b))| (code, m, b))
        .collect();
    Ok(Report { rows, ceilings })
}

/// The baseline: TF-IDF of word unigrams and bigrams (seen in two training
/// passages or more; sublinear term frequency; rows of length 1) and one
/// linear SVM per category (C = 1, each class's cost inversely proportional
/// to its size), deciding at the F1-best threshold on the decision values of
/// held-out training documents (three parts, by document).
pub struct Baseline {
    vocabulary: HashMap<String, u32>,
    idf: Vec<f32>,
    models: Vec<(super::linear::Linear, f64)>,
}

/// Held-out parts of the baseline's training documents, for its thresholds.
const BASELINE_PARTS: usize = 3;

impl Baseline {
    /// Trains on every passage of `docs`.
    pub fn train(docs: &[Doc], categories: usize) -> Baseline {
        let lines: Vec<&str> = docs
            .iter()
            .flat_map(|d| d.lines.iter().map(String::as_str))
            .collect();
        let grams: Vec<Vec<String>> = lines.iter().map(|l| ngrams(l)).collect();
        let mut df: HashMap<&str, usize> = HashMap::new();
        for g in &grams {
            let mut seen: Vec<&str> = g.iter().map(String::as_str).collect();
            seen.sort_unstable();
            seen.dedup();
            for s in seen {
                *df.entry(s).or_default() += 1;
            }
        }
        let mut kept: Vec<(&str, usize)> = df.into_iter().filter(|&(_, n)| n >= 2).collect();
        kept.sort_unstable();
        let n = lines.len() as f32;
        let idf = kept
            .iter()
            .map(|&(_, d)| ((1.0 + n) / (1.0 + d as f32)).ln() + 1.0)
            .collect();
        let vocabulary = kept
            .iter()
            .enumerate()
            .map(|(i, &(g, _))| (g.to_string(), i as u32))
            .collect();
        let mut b = Baseline {
            vocabulary,
            idf,
            models: Vec::new(),
        };
        let rows: Vec<Row> = grams.iter().map(|g| b.row(g)).collect();
        let part: Vec<usize> = docs
            .iter()
            .enumerate()
            .flat_map(|(k, d)| d.lines.iter().map(move |_| k % BASELINE_PARTS))
            .collect();
        b.models = (0..categories)
            .map(|c| {
                let y: Vec<bool> = docs
                    .iter()
                    .flat_map(|d| d.labels.iter().map(move |l| l[c]))
                    .collect();
                balanced_svm(&rows, &y, &part, b.idf.len())
            })
            .collect();
        b
    }

    /// Per passage, per category: the SVM's decision value (positive where
    /// it reaches the category's threshold, `models[c].1`).
    pub fn decisions(&self, lines: &[&str]) -> Vec<Vec<f64>> {
        lines
            .iter()
            .map(|l| {
                let row = self.row(&ngrams(l));
                self.models.iter().map(|(m, _)| m.decision(&row)).collect()
            })
            .collect()
    }

    fn row(&self, grams: &[String]) -> Row {
        let mut tf: HashMap<u32, f32> = HashMap::new();
        for g in grams {
            if let Some(&id) = self.vocabulary.get(g) {
                *tf.entry(id).or_default() += 1.0;
            }
        }
        let mut row: Row = tf
            .into_iter()
            .map(|(id, t)| (id, (1.0 + t.ln()) * self.idf[id as usize]))
            .collect();
        row.sort_unstable_by_key(|&(id, _)| id);
        let norm = row.iter().map(|&(_, v)| v * v).sum::<f32>().sqrt();
        if norm > 0.0 {
            row.iter_mut().for_each(|(_, v)| *v /= norm);
        }
        row
    }
}

/// A linear SVM with class-balanced costs on `rows`, and its F1-best
/// threshold on the decision values of each held-out part (`part[i]` of
/// [`BASELINE_PARTS`]) scored by the SVM trained on the other parts.
fn balanced_svm(rows: &[Row], y: &[bool], part: &[usize], dim: usize) -> (Linear, f64) {
    let svm = |y: &[bool]| {
        let pos = y.iter().filter(|&&p| p).count().max(1) as f64;
        let neg = (y.len() as f64 - pos).max(1.0);
        Svm {
            c_pos: y.len() as f64 / (2.0 * pos),
            c_neg: y.len() as f64 / (2.0 * neg),
            max_passes: 60,
            tolerance: 0.1,
            seed: 1,
        }
    };
    let (mut held, mut labels) = (Vec::new(), Vec::new());
    for k in 0..BASELINE_PARTS {
        let train: Vec<usize> = (0..rows.len()).filter(|&i| part[i] != k).collect();
        let r: Vec<Row> = train.iter().map(|&i| rows[i].clone()).collect();
        let ys: Vec<bool> = train.iter().map(|&i| y[i]).collect();
        let m = svm(&ys).train(&r, &ys, dim);
        for i in (0..rows.len()).filter(|&i| part[i] == k) {
            held.push(m.decision(&rows[i]));
            labels.push(y[i]);
        }
    }
    let (threshold, _) = best_threshold(&held, &labels);
    (svm(y).train(rows, y, dim), threshold)
}

fn ngrams(line: &str) -> Vec<String> {
    let words = Words::new(line);
    let w = words.norms();
    let mut out: Vec<String> = w.iter().map(|s| s.to_string()).collect();
    out.extend(w.windows(2).map(|p| p.join(" ")));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ceiling_counts_at_the_f1_best_threshold_of_the_pairs_themselves() {
        // At 0.5 (a fixed threshold) this gives 2 tp, 2 fp, 1 fn: F1 0.571.
        // Above 0.75 only the two top positives pass: 2 tp, 0 fp, 1 fn: F1 0.8.
        let scored = [
            (0.9, true),
            (0.8, true),
            (0.7, false),
            (0.6, false),
            (0.2, true),
            (0.1, false),
        ];
        let c = ceiling_counts(&scored);
        assert_eq!((c.tp, c.fp, c.fn_), (2, 0, 1));
        let (scores, labels): (Vec<f64>, Vec<bool>) = scored.iter().copied().unzip();
        assert!((c.prf().2 - best_threshold(&scores, &labels).1).abs() < 1e-12);
    }
}
