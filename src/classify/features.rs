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
    pub fn terms_of_normalised<S: AsRef<str>>(&self, passages: &[S]) -> Vec<Vec<u32>> {
        let terms = self.page_terms(passages, |_| true);
        (0..passages.len()).map(|i| terms.of(i).to_vec()).collect()
    }

    /// The terms of the passages `needed` holds true for, in one buffer (the
    /// others get none): [`Lexicon::terms_of_normalised`] without a vector
    /// per passage.
    ///
    /// Each passage is fed through the automaton byte by byte, framed by a
    /// space on each side, from the start state; every match state's list of
    /// terms (which holds the terms ending there, shorter suffixes included)
    /// is the overlapping search's result at that position. Driving the
    /// automaton directly rather than through its overlapping iterator costs
    /// a few times less: no match is re-entered one at a time, and each
    /// passage's terms go straight into the buffer. A term already found in
    /// the passage is not pushed again (a mark per term), so what is sorted
    /// holds no repeats.
    pub fn page_terms<S: AsRef<str>>(
        &self,
        passages: &[S],
        needed: impl Fn(usize) -> bool,
    ) -> PageTerms {
        let nfa = &self.automaton;
        let mut out = PageTerms {
            ids: Vec::new(),
            ends: Vec::with_capacity(passages.len()),
        };
        // An unanchored start state always exists for a built NFA.
        let Ok(start) = nfa.start_state(Anchored::No) else {
            out.ends.resize(passages.len(), 0);
            return out;
        };
        // `seen[t]` is 1 + the index of the last passage that found term `t`.
        let mut seen = vec![0u32; self.len];
        for (i, p) in passages.iter().enumerate() {
            let from = out.ids.len();
            if needed(i) {
                let mark = i as u32 + 1;
                let mut sid = start;
                let framed = [b" ", p.as_ref().as_bytes(), b" "];
                for &byte in framed.iter().copied().flatten() {
                    sid = nfa.next_state(Anchored::No, sid, byte);
                    if nfa.is_match(sid) {
                        for k in 0..nfa.match_len(sid) {
                            let t = nfa.match_pattern(sid, k).as_u32();
                            if let Some(s) = seen.get_mut(t as usize)
                                && *s != mark
                            {
                                *s = mark;
                                out.ids.push(t);
                            }
                        }
                    }
                }
                out.ids[from..].sort_unstable();
            }
            out.ends.push(out.ids.len() as u32);
        }
        out
    }
}

/// The terms of every passage of a page, in one buffer.
#[derive(Clone, Debug, Default)]
pub struct PageTerms {
    /// Every passage's term ids, passage after passage.
    ids: Vec<u32>,
    /// Where each passage's ids end in `ids`.
    ends: Vec<u32>,
}

impl PageTerms {
    /// The term ids of passage `i`, ascending and without repeats (none for
    /// a passage out of range).
    pub fn of(&self, i: usize) -> &[u32] {
        let Some(&end) = self.ends.get(i) else {
            return &[];
        };
        let start = i.checked_sub(1).map_or(0, |j| self.ends[j]);
        self.ids.get(start as usize..end as usize).unwrap_or(&[])
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
