//! The learning: an L2-regularised, L2-loss linear SVM solved by dual
//! coordinate descent (Hsieh et al., ICML 2008, the method of LIBLINEAR's
//! default solver) on sparse rows, Platt's calibration and the threshold that
//! maximises F1 on held-out scores.
//!
//! linfa's learners take dense `ndarray` matrices: the training set here is
//! some 15,000 passages by tens of thousands of sparse features (gigabytes
//! dense), so the solver works on sparse rows directly. Every step is
//! sequential and the visiting order comes from a seeded generator, so the
//! same data gives the same weights, bit for bit.

/// A sparse row: (feature id, value), ids ascending.
pub type Row = Vec<(u32, f32)>;

/// The solver's settings.
#[derive(Clone, Copy, Debug)]
pub struct Svm {
    /// Cost of a margin violation of a positive example.
    pub c_pos: f64,
    /// Cost of a margin violation of a negative example.
    pub c_neg: f64,
    /// Passes over the data at most.
    pub max_passes: usize,
    /// Stop when the projected gradient's spread falls below this.
    pub tolerance: f64,
    /// Seed of the visiting order.
    pub seed: u64,
}

/// A trained linear function: `weights · x + bias`.
#[derive(Clone, Debug, PartialEq)]
pub struct Linear {
    /// One weight per feature id.
    pub weights: Vec<f64>,
    /// Intercept (learnt as the weight of a constant feature of value 1).
    pub bias: f64,
}

impl Linear {
    /// The decision value of a row.
    pub fn decision(&self, x: &[(u32, f32)]) -> f64 {
        self.bias
            + x.iter()
                .map(|&(f, v)| self.weights.get(f as usize).copied().unwrap_or(0.0) * f64::from(v))
                .sum::<f64>()
    }
}

/// A small deterministic generator (xorshift64*), for visiting orders.
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (zero is replaced, xorshift needs a set bit).
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Shuffles `items` (Fisher-Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

impl Svm {
    /// Trains on `rows` with labels `y` over `dim` features.
    pub fn train(&self, rows: &[Row], y: &[bool], dim: usize) -> Linear {
        let n = rows.len();
        let mut w = vec![0.0f64; dim];
        let mut bias = 0.0f64;
        let mut alpha = vec![0.0f64; n];
        let diag: Vec<f64> = y
            .iter()
            .map(|&p| 0.5 / if p { self.c_pos } else { self.c_neg })
            .collect();
        let qd: Vec<f64> = rows
            .iter()
            .zip(&diag)
            .map(|(r, d)| 1.0 + d + r.iter().map(|&(_, v)| f64::from(v * v)).sum::<f64>())
            .collect();
        let mut order: Vec<usize> = (0..n).collect();
        let mut rng = Rng::new(self.seed);
        for _ in 0..self.max_passes {
            rng.shuffle(&mut order);
            let (mut max_pg, mut min_pg) = (f64::NEG_INFINITY, f64::INFINITY);
            for &i in &order {
                let yi = if y[i] { 1.0 } else { -1.0 };
                let dot = bias
                    + rows[i]
                        .iter()
                        .map(|&(f, v)| w[f as usize] * f64::from(v))
                        .sum::<f64>();
                let g = yi * dot - 1.0 + alpha[i] * diag[i];
                let pg = if alpha[i] == 0.0 { g.min(0.0) } else { g };
                max_pg = max_pg.max(pg);
                min_pg = min_pg.min(pg);
                if pg.abs() > 1e-12 {
                    let old = alpha[i];
                    alpha[i] = (alpha[i] - g / qd[i]).max(0.0);
                    let d = (alpha[i] - old) * yi;
                    for &(f, v) in &rows[i] {
                        w[f as usize] += d * f64::from(v);
                    }
                    bias += d;
                }
            }
            if max_pg - min_pg < self.tolerance {
                break;
            }
        }
        Linear { weights: w, bias }
    }
}

/// Platt's calibration: `a`, `b` such that `1 / (1 + exp(-(a d + b)))`
/// estimates the probability of a positive from a decision value `d`, fitted
/// by Newton's method with Platt's smoothed targets (Lin, Lin and Weng 2007).
pub fn platt(decisions: &[f64], y: &[bool]) -> (f64, f64) {
    let pos = y.iter().filter(|&&p| p).count() as f64;
    let neg = y.len() as f64 - pos;
    let (hi, lo) = ((pos + 1.0) / (pos + 2.0), 1.0 / (neg + 2.0));
    let t: Vec<f64> = y.iter().map(|&p| if p { hi } else { lo }).collect();
    // Parameterised as p = 1 / (1 + exp(f)), f = A d + B; returned as (-A, -B).
    let (mut a, mut b) = (0.0, ((neg + 1.0) / (pos + 1.0)).ln());
    let objective = |a: f64, b: f64| -> f64 {
        decisions
            .iter()
            .zip(&t)
            .map(|(&d, &ti)| {
                let f = a * d + b;
                if f >= 0.0 {
                    ti * f + (1.0 + (-f).exp()).ln()
                } else {
                    (ti - 1.0) * f + (1.0 + f.exp()).ln()
                }
            })
            .sum()
    };
    let mut fval = objective(a, b);
    for _ in 0..100 {
        let (mut h11, mut h22, mut h21, mut g1, mut g2) = (1e-12, 1e-12, 0.0, 0.0, 0.0);
        for (&d, &ti) in decisions.iter().zip(&t) {
            let f = a * d + b;
            let (p, q) = if f >= 0.0 {
                let e = (-f).exp();
                (e / (1.0 + e), 1.0 / (1.0 + e))
            } else {
                let e = f.exp();
                (1.0 / (1.0 + e), e / (1.0 + e))
            };
            let d2 = p * q;
            h11 += d * d * d2;
            h22 += d2;
            h21 += d * d2;
            let d1 = ti - p;
            g1 += d * d1;
            g2 += d1;
        }
        if g1.abs() < 1e-5 && g2.abs() < 1e-5 {
            break;
        }
        let det = h11 * h22 - h21 * h21;
        let (da, db) = (-(h22 * g1 - h21 * g2) / det, -(-h21 * g1 + h11 * g2) / det);
        let gd = g1 * da + g2 * db;
        let mut step = 1.0;
        while step >= 1e-10 {
            let (na, nb) = (a + step * da, b + step * db);
            let nf = objective(na, nb);
            if nf < fval + 1e-4 * step * gd {
                (a, b, fval) = (na, nb, nf);
                break;
            }
            step /= 2.0;
        }
        if step < 1e-10 {
            break;
        }
    }
    (-a, -b)
}

/// The score threshold that maximises F1 over `(score, label)` pairs (the
/// midpoint between the chosen score and the next lower one), and that F1.
pub fn best_threshold(scores: &[f64], y: &[bool]) -> (f64, f64) {
    let mut pairs: Vec<(f64, bool)> = scores.iter().copied().zip(y.iter().copied()).collect();
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
    let total_pos = y.iter().filter(|&&p| p).count() as f64;
    let (mut tp, mut best, mut at) = (0.0, 0.0, 0.5);
    for (k, &(s, p)) in pairs.iter().enumerate() {
        if p {
            tp += 1.0;
        }
        let next = pairs.get(k + 1).map(|n| n.0);
        if next == Some(s) {
            continue;
        }
        let f1 = 2.0 * tp / ((k + 1) as f64 + total_pos);
        if f1 > best {
            best = f1;
            at = next.map_or(s / 2.0, |n| (s + n) / 2.0);
        }
    }
    (at, best)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separable_data_is_separated_and_calibrated() {
        let rows: Vec<Row> = (0..40)
            .map(|i| vec![(u32::from(i % 2 == 0), 1.0), (2, (i % 5) as f32 / 5.0)])
            .collect();
        let y: Vec<bool> = (0..40).map(|i| i % 2 == 0).collect();
        let svm = Svm {
            c_pos: 1.0,
            c_neg: 1.0,
            max_passes: 200,
            tolerance: 1e-3,
            seed: 7,
        };
        let m = svm.train(&rows, &y, 3);
        let d: Vec<f64> = rows.iter().map(|r| m.decision(r)).collect();
        assert!(d.iter().zip(&y).all(|(&d, &p)| (d > 0.0) == p));
        let (a, b) = platt(&d, &y);
        let p = |x: f64| 1.0 / (1.0 + (-(a * x + b)).exp());
        assert!(p(d[0]) > 0.8 && p(d[1]) < 0.2);
        let (t, f1) = best_threshold(&d, &y);
        assert_eq!(f1, 1.0);
        assert!(d.iter().zip(&y).all(|(&d, &p)| (d >= t) == p));
        assert_eq!(svm.train(&rows, &y, 3), m);
    }
}
