//! The lexical pass: one Aho-Corasick automaton over the model's dictionary of
//! terms (cue phrases and word n-grams chosen at training time), matched in a single
//! pass over the normalised text of the passages, one after another.
//!
//! A passage is normalised with [`crate::text::Words`] (the matcher's own
//! normalisation), its words joined by single spaces and framed by a space on
//! each side; a term is the same framing of its words, so `" at any time "`
//! matches whole words only. Each passage is scanned from the automaton's
//! start state, so no match crosses two passages.

use aho_corasick::automaton::Automaton;
use aho_corasick::nfa::contiguous::NFA;
use aho_corasick::{Anchored, MatchKind};

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
    ///
    /// Each passage is fed through the automaton byte by byte, framed by a
    /// space on each side, from the start state; every match state's list of
    /// terms (which holds the terms ending there, shorter suffixes included)
    /// is the overlapping search's result at that position. Driving the
    /// automaton directly rather than through its overlapping iterator costs
    /// a few times less: no match is re-entered one at a time, and each
    /// passage's terms go straight into its own list.
    pub fn terms_of_normalised<S: AsRef<str>>(&self, passages: &[S]) -> Vec<Vec<u32>> {
        let nfa = &self.automaton;
        // An unanchored start state always exists for a built NFA.
        let Ok(start) = nfa.start_state(Anchored::No) else {
            return vec![Vec::new(); passages.len()];
        };
        passages
            .iter()
            .map(|p| {
                let mut terms = Vec::new();
                let mut sid = start;
                let framed = [b" ", p.as_ref().as_bytes(), b" "];
                for &byte in framed.iter().copied().flatten() {
                    sid = nfa.next_state(Anchored::No, sid, byte);
                    if nfa.is_match(sid) {
                        terms.extend(
                            (0..nfa.match_len(sid)).map(|i| nfa.match_pattern(sid, i).as_u32()),
                        );
                    }
                }
                terms.sort_unstable();
                terms.dedup();
                terms
            })
            .collect()
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
