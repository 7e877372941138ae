//! Synthetic knowledge bases for the benchmarks: the real one plus generated variants
//! of its provisions, so that the seed table and the candidate work grow for real.
//!
//! A variant is a real provision with every third word (from a random offset) replaced
//! by a word drawn from the knowledge base's own wordings (weighted by frequency). Any
//! 4 consecutive words then contain a replaced one, so a variant shares no seed with
//! its original (the real provisions keep their seeds: they do not become "generic"
//! because 40 variants of them exist), while 2- and 3-word legal phrases stay, and a
//! replaced word is a common legal word often enough that the page produces seed hits
//! on variants too. Shared by `examples/bench_synth_kb.rs` and `benches/core.rs`.

use termlens::kb::{KnowledgeBase, Provision};

/// xorshift64: deterministic, so every run measures the same knowledge base.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn variant(text: &str, pool: &[&str], rng: &mut Rng) -> String {
    let offset = rng.below(3);
    text.split_whitespace()
        .enumerate()
        .map(|(i, w)| {
            if i % 3 == offset {
                pool[rng.below(pool.len())]
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The real knowledge base grown to `size` provisions (unchanged if already as large):
/// copies of its provisions in turn, each renamed `<id>.synthetic-<i>` and changed by
/// `vary(original, copy, rng)`. The one loop behind every synthetic knowledge base
/// (this file's [`synthetic`], and the lookup benchmark's in `benches/core.rs`, which varies titles
/// and explanations too).
pub fn grow(
    kb: &KnowledgeBase,
    size: usize,
    mut vary: impl FnMut(&Provision, &mut Provision, &mut Rng),
) -> KnowledgeBase {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut out = kb.clone();
    let real = kb.provisions.len();
    let mut i = 0;
    while out.provisions.len() < size && real > 0 {
        let base: &Provision = &kb.provisions[i % real];
        let mut p = base.clone();
        p.id = format!("{}.synthetic-{i}", base.id);
        vary(base, &mut p, &mut rng);
        out.provisions.push(p);
        i += 1;
    }
    out
}

/// The real knowledge base grown to `size` provisions whose wordings are variants
/// (above) of the real ones.
pub fn synthetic(kb: &KnowledgeBase, size: usize) -> KnowledgeBase {
    let pool: Vec<&str> = kb
        .provisions
        .iter()
        .flat_map(|p| p.wordings.iter())
        .flat_map(|w| w.text.split_whitespace())
        .filter(|w| w.chars().all(char::is_alphabetic))
        .collect();
    grow(kb, size, |_, p, rng| {
        for w in &mut p.wordings {
            w.text = variant(&w.text, &pool, rng);
        }
        p.history = None;
    })
}
