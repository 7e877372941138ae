//! The lexical pass: one Aho-Corasick automaton over the model's dictionary of
//! terms (cue phrases and word n-grams of 1 to 4 words), matched in a single
//! pass over the normalised text of every passage at once.
//!
//! A passage is normalised with [`crate::text::Words`] (the matcher's own
//! normalisation), its words joined by single spaces and framed by a space on
//! each side; a term is the same framing of its words, so `" at any time "`
//! matches whole words only. Passages are separated by a newline, which no
//! term holds, so no match crosses two passages.

use aho_corasick::automaton::Automaton;
use aho_corasick::nfa::contiguous::NFA;
use aho_corasick::{Input, MatchKind};

use crate::text::Words;

/// The terms of a model, compiled into one automaton.
#[derive(Debug)]
pub struct Lexicon {
    /// The contiguous NFA itself rather than the `AhoCorasick` wrapper, which
    /// would link its DFA and prefilter code into the Wasm too.
    automaton: NFA,
    len: usize,
}

/// Why a dictionary could not be compiled.
#[derive(Debug)]
pub struct LexiconError(pub String);

impl Lexicon {
    /// Compiles `terms` (each already normalised: words joined by single spaces).
    pub fn new<S: AsRef<str>>(terms: &[S]) -> Result<Lexicon, LexiconError> {
        let patterns: Vec<String> = terms.iter().map(|t| frame(t.as_ref())).collect();
        let automaton = NFA::builder()
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(&patterns)
            .map_err(|e| LexiconError(e.to_string()))?;
        Ok(Lexicon {
            automaton,
            len: terms.len(),
        })
    }

    /// Number of terms.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the dictionary is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The ids of the terms each passage holds, sorted and without repeats.
    pub fn terms_of<S: AsRef<str>>(&self, passages: &[S]) -> Vec<Vec<u32>> {
        let normalised: Vec<String> = passages.iter().map(|p| normalise(p.as_ref())).collect();
        self.terms_of_normalised(&normalised)
    }

    /// [`Lexicon::terms_of`] for passages already normalised (words joined
    /// by single spaces, as [`normalise`] gives them).
    pub fn terms_of_normalised<S: AsRef<str>>(&self, passages: &[S]) -> Vec<Vec<u32>> {
        let mut text = String::new();
        let mut starts = Vec::with_capacity(passages.len());
        for p in passages {
            starts.push(text.len());
            text.push(' ');
            text.push_str(p.as_ref());
            text.push_str(" \n");
        }
        let mut out: Vec<Vec<u32>> = vec![Vec::new(); passages.len()];
        // Overlapping search with standard semantics, unanchored: never an error.
        if let Ok(found) = self.automaton.try_find_overlapping_iter(Input::new(&text)) {
            for m in found {
                let passage = starts.partition_point(|&s| s <= m.start()) - 1;
                out[passage].push(m.pattern().as_u32());
            }
        }
        for terms in &mut out {
            terms.sort_unstable();
            terms.dedup();
        }
        out
    }
}

/// The normalised text of a passage: its words joined by single spaces.
pub fn normalise(raw: &str) -> String {
    Words::new(raw).joined().to_string()
}

fn frame(norm: &str) -> String {
    format!(" {norm} ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_match_whole_words_inside_their_own_passage() {
        let lex = Lexicon::new(&["at any time", "time", "any", "governed by"]).unwrap();
        let got = lex.terms_of(&[
            "We may, at ANY time, suspend it.",
            "Overtime is governed",
            "by the laws of Ireland",
        ]);
        assert_eq!(got, vec![vec![0, 1, 2], vec![], vec![]]);
    }
}
