//! Seeds: word n-grams of every known wording, looked up by word ids.
//!
//! A wording of `m` words gives the seeds that start at words 0, s, 2s, ...
//! (s = stride) and the one that ends at its last word:
//!
//! ```text
//!  clause:  w0 w1 w2 w3 w4 w5 w6 w7 w8        (n = 4, s = 2)
//!  seeds:   [w0 .. w3]
//!                 [w2 .. w5]
//!                       [w4 .. w7]
//!                          [w5 .. w8]   <- the tail seed
//! ```
//!
//! Every word of the knowledge base gets a number (its id); a seed is then its
//! n ids packed into one `u128`, and the seed table a static hash table from
//! that key to the (wording, clause word) pairs it stands for: the seeds are
//! numbered in the order of their keys' hashes, so a seed's number is its
//! place in one flat array of tags (16 bits of the key's hash, two bytes a
//! seed where the key would take sixteen), and a table of bucket starts (the
//! hash's top bits) leaves about one tag to compare per lookup. A tag that
//! matches is confirmed by the key itself, which is the word ids at the
//! seed's first target: the matcher holds those anyway. Both arrays are
//! stored in the compiled index (the tags as bytes, the buckets as the
//! number of seeds in each): making them again from the targets reads every
//! seed's words at random, which at 15,000 provisions cost more than a third
//! of reading the index (BENCHMARKS.md). The page's words are mapped
//! to ids once (a word the knowledge base never uses gets none), and every run
//! of n page words with ids is one table lookup. The page is already split into
//! words, so a seed is found with one lookup per page word, and building the
//! table costs one insert per seed (BENCHMARKS.md has the build time and
//! memory per knowledge-base size).

use super::Thresholds;
use crate::text::Words;
use rustc_hash::FxHashMap as HashMap;

/// A seed has at most this many words: four 32-bit ids fill a `u128` key.
pub(super) const MAX_SEED_WORDS: usize = 4;

/// No word id: a page word the knowledge base never uses (and the padding of
/// a key shorter than [`MAX_SEED_WORDS`]).
const NONE: u32 = u32::MAX;

/// The key of a run of word ids (at most [`MAX_SEED_WORDS`]; shorter runs are
/// padded with [`NONE`], so a 3-word seed never equals a 4-word one).
fn key(ids: &[u32]) -> u128 {
    (0..MAX_SEED_WORDS).fold(0u128, |k, i| {
        (k << 32) | u128::from(ids.get(i).copied().unwrap_or(NONE))
    })
}

/// The seed table and, per seed, the (wording, clause word) pairs it stands for.
#[derive(serde::Serialize, serde::Deserialize)]
pub(super) struct SeedIndex {
    /// Words per seed (`Thresholds::seed_words`, clamped to 1..=4).
    n: usize,
    /// Every word of every wording, numbered (in a table that extends another
    /// ([`Builder::extending`]), only the words the other does not have,
    /// numbered after its own).
    pub(super) vocabulary: HashMap<Box<str>, u32>,
    /// Seed s's [`tag`]; the seeds are numbered in the order of their keys
    /// ([`order`], strictly ascending). Generic seeds are not in the table.
    #[serde(with = "tag_bytes")]
    tags: Vec<u16>,
    /// The seeds whose keys fall in bucket b ([`bucket`]) are
    /// `buckets[b]..buckets[b + 1]`; made with `tags`.
    #[serde(with = "starts_as_counts")]
    buckets: Vec<u32>,
    /// Seed number s stands for `targets[offsets[s]..offsets[s + 1]]`.
    #[serde(with = "starts_as_counts")]
    pub(super) offsets: Vec<u32>,
    /// (wording index, clause word where the seed starts), grouped by seed.
    #[serde(with = "targets_as_varints")]
    pub(super) targets: Vec<(u32, u32)>,
    /// Lengths under `n` of wordings that are shorter than a seed (their one
    /// seed is the whole wording), ascending.
    short: Vec<usize>,
}

/// The tags in the compiled index: little-endian bytes, in pieces of
/// [`tag_bytes::PIECE`] tags, so that each piece is read where it lies in the
/// reader's chunk (or gathered on its own), never the whole table at once.
mod tag_bytes {
    use serde::de::{DeserializeSeed, Error, SeqAccess, Visitor};
    use serde::ser::SerializeSeq;
    use serde::{Deserializer, Serializer};

    /// Tags a piece (32 KiB).
    pub(super) const PIECE: usize = 16384;

    /// The most tags a decoded piece count reserves room for at once (2 MiB):
    /// a corrupt count cannot reserve more.
    const RESERVED: usize = 1 << 20;

    struct Bytes<'a>(&'a [u8]);

    impl serde::Serialize for Bytes<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(self.0)
        }
    }

    pub(super) fn serialize<S: Serializer>(tags: &[u16], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(tags.len().div_ceil(PIECE)))?;
        for piece in tags.chunks(PIECE) {
            let bytes: Vec<u8> = piece.iter().flat_map(|t| t.to_le_bytes()).collect();
            seq.serialize_element(&Bytes(&bytes))?;
        }
        seq.end()
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u16>, D::Error> {
        d.deserialize_seq(Pieces)
    }

    struct Pieces;

    impl<'de> Visitor<'de> for Pieces {
        type Value = Vec<u16>;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("pieces of seed tags")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u16>, A::Error> {
            let pieces = seq.size_hint().unwrap_or(0);
            let mut tags = Vec::with_capacity(pieces.saturating_mul(PIECE).min(RESERVED));
            while seq.next_element_seed(Append(&mut tags))?.is_some() {}
            Ok(tags)
        }
    }

    /// One piece, appended to the tags read so far.
    struct Append<'a>(&'a mut Vec<u16>);

    impl<'de> DeserializeSeed<'de> for Append<'_> {
        type Value = ();

        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_byte_buf(self)
        }
    }

    impl<'de> Visitor<'de> for Append<'_> {
        type Value = ();

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("seed tags as bytes")
        }

        fn visit_bytes<E: Error>(self, bytes: &[u8]) -> Result<(), E> {
            if !bytes.len().is_multiple_of(2) {
                return Err(E::custom("seed tags: not a whole number of tags"));
            }
            let tags = bytes.chunks_exact(2);
            self.0
                .extend(tags.map(|t| u16::from_le_bytes([t[0], t[1]])));
            Ok(())
        }
    }
}

/// Ascending starts (the bucket starts; the seeds' offsets into their
/// targets) in the compiled index: the first is 0 and each is stored as its
/// distance from the one before (one byte each, nearly always, where the
/// starts themselves take up to three), as varints ([`crate::matcher::varints`]), summed
/// again on load.
mod starts_as_counts {
    use crate::matcher::varints::{self, Take};
    use serde::{Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(starts: &[u32], s: S) -> Result<S::Ok, S::Error> {
        varints::serialize(starts.windows(2).map(|w| [w[1] - w[0]]), s)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u32>, D::Error> {
        Ok(varints::deserialize(d, Starts(vec![0]))?.0)
    }

    /// The starts summed so far (never empty: the first is 0).
    struct Starts(Vec<u32>);

    impl Take for Starts {
        fn reserve(&mut self, count: usize) {
            self.0.reserve(count);
        }

        fn take(&mut self, counts: &[u32]) -> Result<(), &'static str> {
            let mut at = self.0.last().copied().unwrap_or(0);
            for &count in counts {
                at = at.checked_add(count).ok_or("starts past 2^32")?;
                self.0.push(at);
            }
            Ok(())
        }
    }
}

/// The seeds' targets in the compiled index: each (wording, clause word) as
/// two varints ([`crate::matcher::varints`]).
mod targets_as_varints {
    use crate::matcher::varints::{self, Take};
    use serde::{Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(
        targets: &[(u32, u32)],
        s: S,
    ) -> Result<S::Ok, S::Error> {
        varints::serialize(targets.iter().map(|&(w, q)| [w, q]), s)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Vec<(u32, u32)>, D::Error> {
        Ok(varints::deserialize(d, Pairs(Vec::new()))?.0)
    }

    struct Pairs(Vec<(u32, u32)>);

    impl Take for Pairs {
        fn reserve(&mut self, count: usize) {
            self.0.reserve(count / 2);
        }

        fn take(&mut self, numbers: &[u32]) -> Result<(), &'static str> {
            let pairs = numbers.chunks_exact(2);
            if !pairs.remainder().is_empty() {
                return Err("a target without its clause word");
            }
            self.0.extend(pairs.map(|p| (p[0], p[1])));
            Ok(())
        }
    }

    #[cfg(test)]
    mod tests {
        use super::{Pairs, Take};

        #[test]
        fn a_piece_holds_whole_pairs() {
            let mut p = Pairs(Vec::new());
            assert_eq!(p.take(&[1, 2, 3, 4]), Ok(()));
            assert_eq!(p.take(&[5, 6, 7]), Err("a target without its clause word"));
            assert_eq!(p.0[..2], [(1, 2), (3, 4)]);
        }
    }
}

/// A seed key's 64-bit hash (a multiply-xorshift mix of its two halves):
/// seeds are numbered in ([`hash`], key) order, and its top bits are the
/// bucket.
fn hash(k: u128) -> u64 {
    let mut x = (k as u64) ^ ((k >> 64) as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

/// A key's tag: the low 16 bits of its hash (the bucket is the top bits),
/// which tell all but one in 65,536 of the other keys in its bucket apart
/// (a tag that matches is confirmed by the key, so a shared tag costs one
/// more key read, never a wrong seed).
fn tag(h: u64) -> u16 {
    h as u16
}

/// The order seeds are numbered in.
fn order(k: u128) -> (u64, u128) {
    (hash(k), k)
}

/// Bits of the bucket number for `seeds` seeds: one to two seeds a bucket
/// (a second two-byte tag to compare, for half the buckets' memory).
fn bucket_bits(seeds: usize) -> u32 {
    seeds
        .next_power_of_two()
        .trailing_zeros()
        .saturating_sub(1)
        .max(1)
}

/// The bucket of a key whose hash is `h` in a table of `bits` bucket bits.
fn bucket(h: u64, bits: u32) -> usize {
    (h >> (64 - bits)) as usize
}

/// The tags and bucket starts of `count` seeds whose keys are `keys`, or
/// `None` when the keys are not in strictly ascending [`order`].
fn table(keys: impl Iterator<Item = u128>, count: usize) -> Option<(Vec<u16>, Vec<u32>)> {
    let bits = bucket_bits(count);
    let mut tags = Vec::with_capacity(count);
    let mut starts = Vec::with_capacity((1 << bits) + 1);
    let mut last = None;
    for k in keys {
        let at = order(k);
        if last.is_some_and(|before| before >= at) {
            return None;
        }
        last = Some(at);
        let h = at.0;
        let b = bucket(h, bits);
        while starts.len() <= b {
            starts.push(tags.len() as u32);
        }
        tags.push(tag(h));
    }
    while starts.len() <= 1 << bits {
        starts.push(tags.len() as u32);
    }
    Some((tags, starts))
}

/// Builds a [`SeedIndex`] one wording at a time, so that no wording's words
/// need to be kept once its ids are known.
pub(super) struct Builder<'a> {
    n: usize,
    stride: usize,
    generic_provisions: usize,
    /// The table whose word ids this one shares ([`Builder::extending`]).
    base: Option<&'a SeedIndex>,
    /// The id of the first word `base` does not have (0 without a base).
    first_id: u32,
    /// The words numbered here: those `base` does not have.
    vocabulary: HashMap<Box<str>, u32>,
    seeds: HashMap<u128, u32>,
    /// (seed number, wording, clause word), in the order found.
    found: Vec<(u32, u32, u32)>,
    /// Per layer (see [`Builder::layered`]): every n-gram at every offset ->
    /// (last provision counted, provisions holding it). Keyed by a hash of the
    /// key: a collision could only make one seed generic.
    provisions_of: [HashMap<u64, (u32, u32)>; 2],
    /// Provisions numbered below this are the base layer (the built-in
    /// knowledge base); the others are the pack layer.
    base_provisions: usize,
    /// The layer of each wording, by wording index (`true`: the pack layer).
    in_pack: Vec<bool>,
    short: Vec<usize>,
    wordings: u32,
}

impl<'a> Builder<'a> {
    /// A builder with one layer: every provision counts towards every seed's
    /// genericity.
    pub(super) fn new(t: &Thresholds) -> Builder<'a> {
        Builder::layered(t, usize::MAX)
    }

    /// A builder of a second table beside `base` (a custom pack's provisions
    /// beside the built-in ones), in one layer of its own: its seeds'
    /// genericity counts its own provisions only, and its words are numbered
    /// as `base` numbers them, the words `base` does not have from
    /// `base`'s vocabulary size up. A run of page words then has one list of
    /// ids for both tables, and a seed of either table is looked up by it.
    pub(super) fn extending(t: &Thresholds, base: &'a SeedIndex) -> Builder<'a> {
        Builder {
            base: Some(base),
            first_id: base.vocabulary.len() as u32,
            ..Builder::new(t)
        }
    }

    /// A builder whose provisions numbered from `base_provisions` on (custom
    /// packs) form a layer of their own: a seed's genericity is counted in
    /// each layer apart, and a wording keeps a seed when the seed is not
    /// generic in the wording's own layer. Provisions added by a pack can then
    /// never make a built-in clause's seeds generic (and so unfindable), nor
    /// the built-in ones a pack's. The engine keeps a pack in a table of its
    /// own ([`Builder::extending`]), which finds the same; one table over both
    /// layers is the reference it is tested against (`Matcher::layered`).
    pub(super) fn layered(t: &Thresholds, base_provisions: usize) -> Builder<'a> {
        Builder {
            n: t.seed_words.clamp(1, MAX_SEED_WORDS),
            stride: t.seed_stride.max(1),
            generic_provisions: t.generic_seed_provisions,
            base: None,
            first_id: 0,
            vocabulary: HashMap::default(),
            seeds: HashMap::default(),
            found: Vec::new(),
            provisions_of: [HashMap::default(), HashMap::default()],
            base_provisions,
            in_pack: Vec::new(),
            short: Vec::new(),
            wordings: 0,
        }
    }

    /// Adds the next wording (wording indices count up from 0 in call order;
    /// wordings must arrive grouped by provision) and returns its word ids.
    pub(super) fn add(&mut self, provision: usize, words: &Words) -> Vec<u32> {
        let wi = self.wordings;
        self.wordings += 1;
        let ids: Vec<u32> = words
            .iter()
            .map(|w| {
                let norm = w.norm.as_str();
                let known = self.base.and_then(|b| b.id_of(norm));
                match known.or_else(|| self.vocabulary.get(norm).copied()) {
                    Some(id) => id,
                    None => {
                        let id = self.first_id + self.vocabulary.len() as u32;
                        self.vocabulary.insert(norm.into(), id);
                        id
                    }
                }
            })
            .collect();
        let (n, m) = (self.n, ids.len());
        if m == 0 {
            self.in_pack.push(provision >= self.base_provisions);
            return ids;
        }
        if m < n && !self.short.contains(&m) {
            self.short.push(m);
        }
        // A seed is generic by its words, wherever it starts in each clause:
        // count every n-gram at every offset, once per provision.
        let pack = provision >= self.base_provisions;
        self.in_pack.push(pack);
        let provision = provision as u32;
        for window in ids.windows(n.min(m)) {
            let entry = self.provisions_of[usize::from(pack)]
                .entry(census_hash(key(window)))
                .or_insert((u32::MAX, 0));
            if entry.0 != provision {
                *entry = (provision, entry.1 + 1);
            }
        }
        let mut starts: Vec<usize> = (0..m.saturating_sub(n) + 1).step_by(self.stride).collect();
        if m > n && starts.last() != Some(&(m - n)) {
            starts.push(m - n);
        }
        for s in starts {
            let next = self.seeds.len() as u32;
            let seed = *self
                .seeds
                .entry(key(&ids[s..(s + n).min(m)]))
                .or_insert(next);
            self.found.push((seed, wi, s as u32));
        }
        ids
    }

    pub(super) fn finish(mut self) -> SeedIndex {
        let provisions_of = std::mem::take(&mut self.provisions_of);
        let generic_provisions = self.generic_provisions;
        let generic = |layer: usize, k: u128| {
            provisions_of[layer]
                .get(&census_hash(k))
                .is_some_and(|&(_, count)| count as usize >= generic_provisions)
        };
        // Which layers each seed has targets in (bit 0: base, bit 1: pack).
        let mut layers = vec![0u8; self.seeds.len()];
        for &(seed, wi, _) in &self.found {
            layers[seed as usize] |= 1 << u8::from(self.in_pack[wi as usize]);
        }
        // Per seed, the layers whose targets are kept: those where it is not
        // generic. Seeds with none are dropped; the rest numbered 0... in
        // the order of their keys ([`order`]).
        // (hash, key, seed): sorted as they are, each hash computed once.
        let mut kept: Vec<(u64, u128, u32)> = Vec::new();
        let mut keep = vec![0u8; self.seeds.len()];
        for (&k, &seed) in &self.seeds {
            let s = seed as usize;
            keep[s] = (0..2)
                .filter(|&layer| layers[s] & (1 << layer) != 0 && !generic(layer, k))
                .fold(0, |bits, layer| bits | (1 << layer));
            if keep[s] != 0 {
                kept.push((hash(k), k, seed));
            }
        }
        self.seeds = HashMap::default();
        crate::sort::ascending(&mut kept);
        let mut number = vec![u32::MAX; keep.len()];
        for (i, &(_, _, seed)) in kept.iter().enumerate() {
            number[seed as usize] = i as u32;
        }
        // Sorted just above, with no key twice: the table is always made.
        let (tags, buckets) =
            table(kept.iter().map(|&(_, k, _)| k), kept.len()).unwrap_or_default();
        drop(kept);
        let kept = tags.len() as u32;
        drop(provisions_of);
        let in_pack = std::mem::take(&mut self.in_pack);
        let mut found: Vec<(u32, u32, u32)> = self
            .found
            .iter()
            .filter(|&&(seed, wi, _)| {
                keep[seed as usize] & (1 << u8::from(in_pack[wi as usize])) != 0
            })
            .map(|&(seed, wi, q)| (number[seed as usize], wi, q))
            .collect();
        self.found = Vec::new();
        crate::sort::ascending(&mut found);
        let mut offsets = Vec::with_capacity(kept as usize + 1);
        let mut targets = Vec::with_capacity(found.len());
        for (seed, wi, q) in found {
            while offsets.len() <= seed as usize {
                offsets.push(targets.len() as u32);
            }
            targets.push((wi, q));
        }
        while offsets.len() <= kept as usize {
            offsets.push(targets.len() as u32);
        }
        crate::sort::ascending(&mut self.short);
        self.vocabulary.shrink_to_fit();
        SeedIndex {
            n: self.n,
            vocabulary: self.vocabulary,
            tags,
            buckets,
            offsets,
            targets,
            short: self.short,
        }
    }
}

/// The census's key: a hash of a seed key (16 bytes) in 8.
fn census_hash(k: u128) -> u64 {
    (k as u64)
        ^ ((k >> 64) as u64)
            .rotate_left(29)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// The seed table's targets, offsets, tags and bucket starts alone, as the compiled
/// index holds them (`examples/kb_bin_profile.rs` measures them).
#[doc(hidden)]
#[cfg(not(target_arch = "wasm32"))]
#[derive(serde::Serialize, serde::Deserialize)]
pub struct TableParts {
    #[serde(with = "targets_as_varints")]
    targets: Vec<(u32, u32)>,
    #[serde(with = "starts_as_counts")]
    offsets: Vec<u32>,
    #[serde(with = "tag_bytes")]
    tags: Vec<u16>,
    #[serde(with = "starts_as_counts")]
    buckets: Vec<u32>,
}

impl SeedIndex {
    /// The targets, offsets, tags and bucket starts, copied (for measurement).
    #[doc(hidden)]
    #[cfg(not(target_arch = "wasm32"))]
    pub(super) fn table_parts(&self) -> TableParts {
        TableParts {
            targets: self.targets.clone(),
            offsets: self.offsets.clone(),
            tags: self.tags.clone(),
            buckets: self.buckets.clone(),
        }
    }

    /// Number of seeds.
    pub(super) fn len(&self) -> usize {
        self.tags.len()
    }

    /// The number of the seed with key `k`, if any, given each wording's
    /// word ids (`wording(w)`: wording w's), which hold every seed's key.
    fn seed_of<'w>(&self, k: u128, wording: &impl Fn(usize) -> &'w [u32]) -> Option<usize> {
        let h = hash(k);
        let b = bucket(h, bucket_bits(self.tags.len()));
        let from = *self.buckets.get(b)? as usize;
        let to = *self.buckets.get(b + 1)? as usize;
        let t = tag(h);
        (from..to).find(|&s| self.tags.get(s) == Some(&t) && self.key_of(s, wording) == Some(k))
    }

    /// Seed s's key: the word ids at its first target.
    fn key_of<'w>(&self, s: usize, wording: &impl Fn(usize) -> &'w [u32]) -> Option<u128> {
        let &(w, q) = self.targets.get(*self.offsets.get(s)? as usize)?;
        let words = wording(w as usize);
        let q = q as usize;
        Some(key(words.get(q..(q + self.n).min(words.len()))?))
    }

    /// Completes the tables read from a file, given the wordings' word ids
    /// (`ids[w]`: wording w's): checks that every index they hold is in
    /// range and that there are as many tags as seeds and a bucket start for
    /// each bucket of that many seeds, ending at the last seed (so that no
    /// lookup can index out of bounds; a lookup reads the tags and buckets
    /// by `get` all the same). `false` when the tables do not fit.
    pub(super) fn restore(&mut self, ids: &[&[u32]]) -> bool {
        let targets = self.targets.len() as u64;
        let offsets_ok = self.offsets.first() == Some(&0)
            && self.offsets.windows(2).all(|w| w[0] < w[1])
            && self
                .offsets
                .last()
                .is_some_and(|&o| u64::from(o) == targets);
        let targets_ok = self.targets.iter().all(|&(w, q)| {
            ids.get(w as usize)
                .is_some_and(|words| (q as usize) < words.len())
        });
        let n_ok = (1..=MAX_SEED_WORDS).contains(&self.n) && self.short.iter().all(|&s| s < self.n);
        if !(offsets_ok && targets_ok && n_ok && self.vocabulary.len() < NONE as usize) {
            return false;
        }
        let seeds = self.offsets.len() - 1;
        self.tags.len() == seeds
            && self.buckets.len() == (1 << bucket_bits(seeds)) + 1
            && self.buckets.last() == Some(&(seeds as u32))
    }

    /// The words by id, from 0 up to the vocabulary's size (a table that
    /// extends another numbers its words from the other's size up: those
    /// are left out); a slot no word has is empty.
    pub(super) fn words_by_id(&self) -> Vec<&str> {
        let mut names = vec![""; self.vocabulary.len()];
        for (word, &id) in &self.vocabulary {
            if let Some(slot) = names.get_mut(id as usize) {
                *slot = word;
            }
        }
        names
    }

    /// The id of a normalised word, if a wording uses it.
    pub(super) fn id_of(&self, norm: &str) -> Option<u32> {
        self.vocabulary.get(norm).copied()
    }

    /// The word id of each word of `words`, from this table's vocabulary or
    /// else from `more`'s (a table that extends this one,
    /// [`Builder::extending`]), [`NONE`] for a word no wording uses: two
    /// words are equal exactly when their ids are, except that two unknown
    /// words both get [`NONE`] (which no known wording holds).
    pub(super) fn ids(&self, words: &Words, more: Option<&SeedIndex>) -> Vec<u32> {
        words
            .iter()
            .map(|w| {
                let norm = w.norm.as_str();
                self.id_of(norm)
                    .or_else(|| more?.id_of(norm))
                    .unwrap_or(NONE)
            })
            .collect()
    }

    /// Seed hits in a page given as word ids ([`SeedIndex::ids`]), per
    /// wording index: (page word, clause word). `wording(w)` is wording w's
    /// word ids, as the table was made with.
    pub(super) fn hits<'w>(
        &self,
        ids: &[u32],
        wording: impl Fn(usize) -> &'w [u32],
    ) -> HashMap<usize, Vec<(u32, u32)>> {
        let mut out: HashMap<usize, Vec<(u32, u32)>> = HashMap::default();
        if self.tags.is_empty() {
            return out;
        }
        for &len in self.short.iter().chain(std::iter::once(&self.n)) {
            // `known` counts the ids in a row that end at word p.
            let mut known = 0;
            for (p, &id) in ids.iter().enumerate() {
                known = if id == NONE { 0 } else { known + 1 };
                if known < len {
                    continue;
                }
                let start = p + 1 - len;
                let Some(index) = self.seed_of(key(&ids[start..=p]), &wording) else {
                    continue;
                };
                let (from, to) = (self.offsets[index], self.offsets[index + 1]);
                for &(wi, q) in &self.targets[from as usize..to as usize] {
                    out.entry(wi as usize).or_default().push((start as u32, q));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The wordings' word ids and the table built over them.
    fn index(wordings: &[&str], t: &Thresholds) -> (Vec<Vec<u32>>, SeedIndex) {
        let mut builder = Builder::new(t);
        let ids = wordings
            .iter()
            .enumerate()
            .map(|(i, w)| builder.add(i, &Words::new(w)))
            .collect();
        (ids, builder.finish())
    }

    /// The seed hits of `page` in `index`, made over wordings whose word ids
    /// are `wordings`.
    fn hits(
        index: &SeedIndex,
        wordings: &[Vec<u32>],
        page: &Words,
    ) -> HashMap<usize, Vec<(u32, u32)>> {
        index.hits(&index.ids(page, None), |w| wordings[w].as_slice())
    }

    #[test]
    fn keys_of_different_lengths_differ() {
        assert_ne!(key(&[1, 2, 3]), key(&[1, 2, 3, NONE - 1]));
        assert_ne!(key(&[0]), key(&[0, 0]));
        assert_eq!(key(&[7, 8, 9, 10]), key(&[7, 8, 9, 10]));
    }

    #[test]
    fn seeds_are_found_only_as_whole_runs_of_words() {
        let t = Thresholds::default();
        let (ids, index) = index(&["alpha beta gamma delta epsilon zeta"], &t);
        // Seeds start at words 0 and 2 ("gamma delta epsilon zeta" is also the tail).
        assert_eq!(index.len(), 2);
        let page = Words::new("x alpha beta gamma delta y gamma delta epsilon zeta");
        let found = hits(&index, &ids, &page);
        assert_eq!(found.get(&0), Some(&vec![(1, 0), (6, 2)]));
        // "alphabeta" is another word: no hit, even though the letters are there.
        let glued = Words::new("alphabeta gamma delta");
        assert!(hits(&index, &ids, &glued).is_empty());
    }

    /// A seed whose tag equals a page run's is a hit only when its key (the
    /// words at its first target) does too.
    #[test]
    fn a_tag_alone_is_not_a_hit() {
        let t = Thresholds::default();
        let text = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi \
                    omicron pi rho sigma tau upsilon phi chi psi omega";
        let (ids, mut index) = index(&[text], &t);
        let words: Vec<&str> = text.split_whitespace().collect();
        let n = index.n;
        // A run of the clause that is no seed (seeds start at even words, and
        // the tail seed at the last n), in a bucket that holds a seed.
        let (page, h, from, to) = (1..words.len() - n)
            .step_by(2)
            .find_map(|s| {
                let page = Words::new(&words[s..s + n].join(" "));
                let h = hash(key(&index.ids(&page, None)));
                let b = bucket(h, bucket_bits(index.len()));
                let (from, to) = (index.buckets[b] as usize, index.buckets[b + 1] as usize);
                (from < to).then_some((page, h, from, to))
            })
            .expect("a run in a bucket with a seed");
        assert!(hits(&index, &ids, &page).is_empty());
        for s in from..to {
            index.tags[s] = tag(h);
        }
        assert!(hits(&index, &ids, &page).is_empty());
    }

    #[test]
    fn a_word_unknown_to_the_knowledge_base_breaks_a_run() {
        let t = Thresholds::default();
        let (ids, index) = index(&["one two three four five"], &t);
        let page = Words::new("one two three zzz four five one two three four");
        let found = hits(&index, &ids, &page);
        assert_eq!(found.get(&0), Some(&vec![(6, 0)]));
    }

    #[test]
    fn wordings_shorter_than_a_seed_are_one_seed() {
        let t = Thresholds::default();
        let (ids, index) = index(&["short clause", "one two three four five"], &t);
        let found = hits(&index, &ids, &Words::new("a short clause here"));
        assert_eq!(found.get(&0), Some(&vec![(1, 0)]));
        assert!(!found.contains_key(&1));
    }

    #[test]
    fn pack_wordings_do_not_make_built_in_seeds_generic() {
        let t = Thresholds::default();
        let clause = "customer may not use the outputs to build a competing model";
        // Two pack provisions: the built-in clause plus one word each.
        let pack = [format!("{clause} alpha"), format!("beta {clause}")];
        let build = |base_provisions: usize| {
            let mut builder = Builder::layered(&t, base_provisions);
            let ids = vec![
                builder.add(0, &Words::new(clause)),
                builder.add(1, &Words::new(&pack[0])),
                builder.add(2, &Words::new(&pack[1])),
            ];
            (ids, builder.finish())
        };
        let page = Words::new(clause);
        // One layer: three provisions share every seed, so all are generic.
        let (ids, flat) = build(usize::MAX);
        assert!(hits(&flat, &ids, &page).is_empty());
        // Layered: each layer counts its own provisions (one built-in, two in
        // the pack: under three in each), so every wording keeps its seeds.
        let (ids, layered) = build(1);
        let found = hits(&layered, &ids, &page);
        for wording in 0..3 {
            assert!(
                found.get(&wording).is_some_and(|h| !h.is_empty()),
                "{wording}: {found:?}"
            );
        }
    }

    /// A table extending another numbers the words the other has as the other
    /// does and its own from the other's vocabulary size up, and finds its
    /// wordings' seeds exactly where one table over both layers finds them,
    /// a seed generic in one layer only included.
    #[test]
    fn an_extending_table_finds_what_one_layered_table_finds() {
        let t = Thresholds::default();
        let base = [
            "alpha beta gamma delta epsilon zeta",
            "one two three four five six seven",
        ];
        // Three pack wordings restating "two three four five six" (generic in
        // the pack layer, not in the base one), one with words of both.
        let pack = [
            "uno two three four five six",
            "dos two three four five six",
            "tres two three four five six",
            "alpha beta gamma omega psi",
        ];
        let mut layered = Builder::layered(&t, base.len());
        let mut alone = Builder::new(&t);
        // Every wording's word ids, in the layered table's numbering.
        let mut wordings: Vec<Vec<u32>> = Vec::new();
        for (i, w) in base.iter().enumerate() {
            let ids = alone.add(i, &Words::new(w));
            assert_eq!(layered.add(i, &Words::new(w)), ids);
            wordings.push(ids);
        }
        let alone = alone.finish();
        let mut extending = Builder::extending(&t, &alone);
        for (i, w) in pack.iter().enumerate() {
            let words = Words::new(w);
            let reference = layered.add(base.len() + i, &words);
            assert_eq!(extending.add(base.len() + i, &words), reference, "{w}");
            wordings.push(reference);
        }
        let (layered, extending) = (layered.finish(), extending.finish());
        let mut new_words: Vec<&str> = extending.vocabulary.keys().map(|k| &**k).collect();
        new_words.sort_unstable();
        assert_eq!(new_words, ["dos", "omega", "psi", "tres", "uno"]);
        let all: Vec<&str> = base.iter().chain(&pack).copied().collect();
        let page = Words::new(&all.join(" x "));
        let ids = alone.ids(&page, Some(&extending));
        assert_eq!(ids, layered.ids(&page, None));
        let of = |w: usize| wordings[w].as_slice();
        let mut hits = alone.hits(&ids, of);
        hits.extend(
            extending
                .hits(&ids, |w| of(base.len() + w))
                .into_iter()
                .map(|(wi, h)| (base.len() + wi, h)),
        );
        assert_eq!(hits, layered.hits(&ids, of));
        // The restated seed is kept for the base wording and dropped for the pack's.
        assert!(hits[&1].contains(&(9, 2)), "{hits:?}");
        assert!(!hits[&2].contains(&(17, 2)), "{hits:?}");
    }

    /// Tables read from a file are checked before use: a truncated array, an
    /// offset or a target past the end, or tags and bucket starts that do not
    /// count the seeds are refused; the same tables unchanged are accepted and
    /// answer as built. Seeds out of the table's order (their keys are not
    /// made again) are not seen: lookups miss them, and stay in bounds.
    #[test]
    fn tables_that_do_not_fit_are_refused() {
        let t = Thresholds::default();
        let texts = [
            "alpha beta gamma delta epsilon zeta",
            "one two three four five six seven eight",
        ];
        let (wordings, built) = index(&texts, &t);
        let ids: Vec<&[u32]> = wordings.iter().map(Vec::as_slice).collect();
        let bytes = postcard::to_allocvec(&built).expect("encodes");
        let read = || -> SeedIndex { postcard::from_bytes(&bytes).expect("decodes") };
        let page = Words::new("x one two three four five six seven eight y");
        let mut whole = read();
        assert_eq!((&whole.tags, &whole.buckets), (&built.tags, &built.buckets));
        assert!(whole.restore(&ids));
        let found = hits(&whole, &wordings, &page);
        assert!(!found.is_empty());
        assert_eq!(found, hits(&built, &wordings, &page));
        let refused = |change: &dyn Fn(&mut SeedIndex), ids: &[&[u32]]| {
            let mut tables = read();
            change(&mut tables);
            !tables.restore(ids)
        };
        assert!(refused(&|s| *s.offsets.last_mut().unwrap() += 1, &ids));
        assert!(refused(&|s| s.offsets.truncate(1), &ids));
        assert!(refused(&|s| s.offsets.clear(), &ids));
        assert!(refused(&|s| s.targets.truncate(s.targets.len() - 1), &ids));
        assert!(refused(&|s| s.targets[0].0 = 2, &ids));
        assert!(refused(&|s| s.targets[0].1 = 8, &ids));
        assert!(refused(&|_| {}, &ids[..1]));
        assert!(refused(&|_| {}, &[ids[0], &ids[1][..3]]));
        assert!(refused(&|s| s.tags.truncate(s.tags.len() - 1), &ids));
        assert!(refused(&|s| s.buckets.truncate(s.buckets.len() - 1), &ids));
        assert!(refused(&|s| *s.buckets.last_mut().unwrap() += 1, &ids));
        // Two seeds' targets exchanged: read, and each lookup stays in bounds.
        let mut swapped = read();
        swapped.targets.swap(0, 1);
        assert!(swapped.restore(&ids));
        let _ = hits(&swapped, &wordings, &page);
    }

    #[test]
    fn generic_seeds_are_dropped() {
        let t = Thresholds::default();
        let shared = "similar or competing product";
        let wordings: Vec<String> = (0..3).map(|i| format!("clause{i} says {shared}")).collect();
        let refs: Vec<&str> = wordings.iter().map(String::as_str).collect();
        let (ids, index) = index(&refs, &t);
        let found = hits(&index, &ids, &Words::new(shared));
        assert!(found.is_empty(), "{found:?}");
    }
}
