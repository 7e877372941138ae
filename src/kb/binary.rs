//! The compiled knowledge base as two binary files: `kb.bin`, what the engine
//! holds (the provisions without their card content, and the matcher's tables
//! as built), and `cards.bin`, each provision's card content as one block.
//!
//! Both files start with the same header, little-endian:
//!
//! ```text
//!  bytes 0..8    magic: "TLKBIDX\0" (kb.bin) or "TLCARDS\0" (cards.bin)
//!  bytes 8..12   format version (u32, BINARY_VERSION)
//!  bytes 12..20  body length in bytes (u64)
//!  bytes 20..28  FNV-1a 64 of the body (u64)
//!  bytes 28..    the body
//! ```
//!
//! kb.bin holds what annotating needs, and is read before the engine is
//! ready; cards.bin holds the rest, read after. kb.bin's body is four
//! postcard values one after the other. The matcher's tables (per wording its
//! word ids; the vocabulary; per seed its targets; its runs of numbers as
//! pieces of varints, `crate::matcher::varints`), which custom packs extend
//! with a seed table of their own. Then [`Index`]: the platforms and topics
//! (as JSON text: their optional fields are skipped when empty, which a format
//! without field names cannot read back), the wording texts' gap table, the
//! secondary quotes, the missing documents, and per provision where its block
//! is in cards.bin and the block's FNV-1a 64. Then the table of names: the
//! distinct platforms, documents, topics and wordings' dates of the
//! provisions, most frequent first ([`table`]). Then the provisions without
//! their explanation and card content, each holding its platform, document
//! and topics as their places in the table of names (a byte each for the 128
//! commonest names), with each wording's newest date only (the one date
//! annotations, missing provisions and cards show; also a place in the table)
//! and its text as a patch over its word ids ([`texts`]: rebuilt as it is
//! decoded, from the word ids and vocabulary of the matcher, which comes
//! first for that).
//! cards.bin's body is the blocks one after another, each one postcard value
//! ([`CardContent`]), then the provisions' explanations (one postcard
//! `Vec<String>`, which the lookup indexes whole and cards show). kb.bin also
//! records cards.bin's body length and checksum, so a cards.bin of another
//! build is refused ([`CardIndex::check_header`]), and where the explanations
//! are and their checksum; a block is checked again when it is read, so the
//! card store can stay outside the engine (the extension keeps it in
//! JavaScript and hands the engine one block at a time).
//!
//! Every way a file can be wrong (another magic, another version, a length
//! that does not match, a checksum that does not match, a body that does not
//! decode, a wording's text that does not fit its word ids, the vocabulary or
//! the gap table, a name's place past the table of names, tables that do not
//! fit the provisions) is a [`KbError`] naming the file and what is wrong
//! (for a text, which wording of which provision; for a name, which provision
//! and which of its names).

use super::error::{KbError, KbErrorKind, Location};
use super::texts;
use super::{
    Compliance, Exposure, KnowledgeBase, MissingDocument, Platform, Provision, ProvisionHistory,
    SecondaryQuote, Topic, Wording,
};
use crate::matcher::Matcher;
use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// Version of the binary layout and of the values in it; a file of another
/// version is refused (rebuild with `termlens kb compile`).
pub const BINARY_VERSION: u32 = 5;
/// The magic of kb.bin.
pub const INDEX_MAGIC: &[u8; 8] = b"TLKBIDX\0";
/// The magic of cards.bin.
pub const CARDS_MAGIC: &[u8; 8] = b"TLCARDS\0";
/// Header length in bytes.
pub const HEADER_LEN: usize = 28;

/// The body checksum: FNV-1a 64 over the body's 8-byte little-endian words
/// (the last one padded with zeros), then its length. Each step is a
/// bijection of the state for a given word, so any change confined to one word
/// (every flipped byte) changes the result; words instead of bytes make it
/// about eight times faster than byte-wise FNV on a large index.
pub fn fnv64(bytes: &[u8]) -> u64 {
    let whole = bytes.len() - bytes.len() % 8;
    let mut h = Fnv64::default();
    h.words(&bytes[..whole]);
    h.finish(&bytes[whole..])
}

/// [`fnv64`] over bytes that come in pieces: every piece but the last a
/// whole number of words.
#[derive(Clone, Copy)]
struct Fnv64 {
    h: u64,
    len: u64,
}

const FNV_PRIME: u64 = 0x0100_0000_01b3;

impl Default for Fnv64 {
    fn default() -> Fnv64 {
        Fnv64 {
            h: 0xcbf2_9ce4_8422_2325,
            len: 0,
        }
    }
}

impl Fnv64 {
    /// Adds the words of `bytes` (a multiple of 8 bytes long; a remainder
    /// would be ignored, so the caller keeps it for [`Fnv64::finish`]).
    fn words(&mut self, bytes: &[u8]) {
        for c in bytes.chunks_exact(8) {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.h = (self.h ^ u64::from_le_bytes(w)).wrapping_mul(FNV_PRIME);
        }
        self.len += bytes.len() as u64;
    }

    /// The checksum, given the last piece (shorter than a word).
    fn finish(self, rest: &[u8]) -> u64 {
        let mut last = [0u8; 8];
        last[..rest.len()].copy_from_slice(rest);
        let h = (self.h ^ u64::from_le_bytes(last)).wrapping_mul(FNV_PRIME);
        (h ^ (self.len + rest.len() as u64)).wrapping_mul(FNV_PRIME)
    }
}

/// Bytes read by position, a chunk at a time: kb.bin as its holder keeps it.
/// A byte slice is one (natively); at the Wasm boundary it is the JavaScript
/// `Uint8Array`, copied into the module's memory one chunk at a time, so the
/// file is never whole in linear memory.
pub trait Source {
    /// Its length in bytes.
    fn len(&self) -> u64;

    /// Whether it has no bytes.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Copies the bytes from `at` on into the whole of `buf`. [`read`] asks
    /// only within the length: `at + buf.len() <= self.len()`.
    fn read_at(&self, at: u64, buf: &mut [u8]);
}

impl Source for [u8] {
    fn len(&self) -> u64 {
        <[u8]>::len(self) as u64
    }

    fn read_at(&self, at: u64, buf: &mut [u8]) {
        let from = at as usize;
        buf.copy_from_slice(&self[from..from + buf.len()]);
    }
}

/// The most bytes [`read`] copies out of a [`Source`] at once: a multiple of
/// the checksum's word, small beside the file (the buffer stays in Wasm
/// memory while the file is decoded).
pub const CHUNK: usize = 64 * 1024;

/// A provision as kb.bin holds it: what annotating reads (and the section,
/// which comparisons and lookup hits show). Its platform, document and topics
/// are places in kb.bin's table of names ([`table`]): a few dozen names
/// that every provision repeats.
#[derive(Serialize, Deserialize)]
struct Slim {
    id: String,
    platform: u32,
    document: u32,
    section: String,
    title: String,
    topics: Vec<u32>,
    wordings: Vec<SlimWording>,
    exposure: Exposure,
}

/// A wording as kb.bin holds it: its text (as a patch over its word ids,
/// [`texts`]) and its newest date ([`Wording::last_seen`], the only one the
/// engine reads) as its place in the table of names.
#[derive(Serialize, Deserialize)]
struct SlimWording {
    text: Patch,
    last_seen: u32,
}

/// A wording's text as [`texts::Encoder::encode`] stores it: postcard bytes.
struct Patch(Vec<u8>);

impl Serialize for Patch {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for Patch {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Patch, D::Error> {
        struct Bytes;
        impl serde::de::Visitor<'_> for Bytes {
            type Value = Patch;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a wording's text")
            }

            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Patch, E> {
                Ok(Patch(v.to_vec()))
            }
        }
        d.deserialize_byte_buf(Bytes)
    }
}

/// What kb.bin's provisions are decoded with: the matcher read before them,
/// whose word ids their wordings' texts are rebuilt from, the pieces of the
/// gap table and the vocabulary ([`texts::Pieces`]), and the table of names
/// their names are copied from. Each provision is made a [`Provision`] as it
/// comes, without a vector of slim ones beside the final one.
struct Rebuild<'m> {
    matcher: &'m Matcher,
    /// kb.bin's table of names ([`table`]).
    names: Vec<String>,
    pieces: texts::Pieces,
    /// The matcher's next built-in wording: the next wording's.
    next: usize,
    /// What did not fit, when the decode stopped on it (postcard's errors
    /// carry no text of their own).
    error: Option<String>,
}

/// The most bytes a decoded provision count reserves at once: a corrupt
/// count cannot reserve more, and 15,000 provisions fit.
const RESERVED: usize = 4 << 20;

impl Rebuild<'_> {
    /// Provision `index` made from `s`: its names copied from the table of
    /// names, its wordings' texts rebuilt.
    fn provision(&mut self, index: usize, mut s: Slim) -> Result<Provision, String> {
        if let Some(what) = self.past(&s) {
            return Err(format!("the {what} of {} is past the table of names", s.id));
        }
        let mut topics = Vec::with_capacity(s.topics.len());
        for &t in &s.topics {
            topics.push(self.name(t));
        }
        let slim = std::mem::take(&mut s.wordings);
        let mut wordings = Vec::with_capacity(slim.len());
        for (j, w) in slim.into_iter().enumerate() {
            let date = self.name(w.last_seen);
            let versions = if date.is_empty() {
                Vec::new()
            } else {
                vec![date]
            };
            let text = self
                .text(index, j, &w.text.0)
                .map_err(|e| format!("the text of wording {j} of {}: {e}", s.id))?;
            wordings.push(Wording { text, versions });
        }
        let platform_document = [self.name(s.platform), self.name(s.document)];
        Ok(provision(s, platform_document, topics, wordings))
    }

    /// Entry `at` of the table of names (within it: [`Rebuild::past`]). Not
    /// inlined: one copy of the string's clone keeps the Wasm smaller.
    #[inline(never)]
    fn name(&self, at: u32) -> String {
        self.names.get(at as usize).cloned().unwrap_or_default()
    }

    /// Which name of `s` is past the table of names, if one is.
    fn past(&self, s: &Slim) -> Option<&'static str> {
        let past = |&at: &u32| at as usize >= self.names.len();
        if past(&s.platform) {
            Some("platform")
        } else if past(&s.document) {
            Some("document")
        } else if s.topics.iter().any(past) {
            Some("topic")
        } else if s.wordings.iter().map(|w| &w.last_seen).any(past) {
            Some("date of a wording")
        } else {
            None
        }
    }

    /// The text of wording `j` of provision `p`, from its patch and the
    /// matcher's next wording (which must be that one).
    fn text(&mut self, p: usize, j: usize, patch: &[u8]) -> Result<String, &'static str> {
        let k = self.next;
        self.next += 1;
        match self.matcher.built_in_wording(k) {
            Some((wp, wj, ids)) if (wp, wj) == (p, j) => texts::decode(patch, ids, &self.pieces),
            _ => Err("the matcher has no word ids for it"),
        }
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for &mut Rebuild<'_> {
    type Value = Vec<Provision>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Vec<Provision>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> serde::de::Visitor<'de> for &mut Rebuild<'_> {
    type Value = Vec<Provision>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a sequence of provisions")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> Result<Vec<Provision>, A::Error> {
        let most = RESERVED / std::mem::size_of::<Provision>();
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(most));
        while let Some(s) = seq.next_element::<Slim>()? {
            match self.provision(out.len(), s) {
                Ok(p) => out.push(p),
                Err(e) => {
                    self.error = Some(e);
                    return Err(serde::de::Error::custom("a provision"));
                }
            }
        }
        Ok(out)
    }
}

/// The card content of a provision, one block of cards.bin.
#[derive(Serialize, Deserialize)]
pub struct CardContent {
    why_it_matters: String,
    uncertainty: String,
    compliance: Compliance,
    history: Option<ProvisionHistory>,
    comparisons: Vec<String>,
}

/// Where a provision's block is in cards.bin's body, and its checksum.
#[derive(Clone, Copy, Serialize, Deserialize)]
struct Block {
    start: u64,
    len: u64,
    hash: u64,
}

/// What kb.bin's body holds between the matcher and the table of names.
#[derive(Serialize, Deserialize)]
struct Index {
    /// `{"platforms": [...], "topics": [...]}`.
    outline: String,
    /// The wording texts' gap table ([`texts::gap_table`]).
    gaps: Vec<String>,
    secondary: Vec<SecondaryQuote>,
    missing_documents: Vec<MissingDocument>,
    blocks: Vec<Block>,
    /// Where the explanations are in cards.bin's body.
    explanations: Block,
    cards_len: u64,
    cards_hash: u64,
}

#[derive(Serialize, Deserialize)]
struct Outline {
    platforms: Vec<Platform>,
    topics: Vec<Topic>,
}

/// Where each built-in provision's card content is in cards.bin.
pub struct CardIndex {
    blocks: Vec<Block>,
    explanations: Block,
    cards_len: u64,
    cards_hash: u64,
    /// The checksum of the kb.bin this was read from (its header's).
    index_hash: u64,
}

fn error(file: &str, what: String) -> KbError {
    KbError::at(
        Location::Json(String::new()),
        file.to_string(),
        "",
        KbErrorKind::Other(what),
    )
}

fn header(magic: &[u8; 8], body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + body.len());
    out.extend_from_slice(magic);
    out.extend_from_slice(&BINARY_VERSION.to_le_bytes());
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(&fnv64(body).to_le_bytes());
    out
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(b)
}

/// The header's (body length, checksum), or what is wrong with it.
fn read_header(file: &str, magic: &[u8; 8], bytes: &[u8]) -> Result<(u64, u64), KbError> {
    if bytes.len() < HEADER_LEN {
        let what = format!("{} bytes, shorter than its header", bytes.len());
        return Err(error(file, what));
    }
    if &bytes[..8] != magic {
        return Err(error(file, "not this kind of file (wrong magic)".into()));
    }
    let mut v = [0u8; 4];
    v.copy_from_slice(&bytes[8..12]);
    let version = u32::from_le_bytes(v);
    if version != BINARY_VERSION {
        let what = format!(
            "format version {version} is not the supported version {BINARY_VERSION}; rebuild it"
        );
        return Err(error(file, what));
    }
    Ok((u64_at(bytes, 12), u64_at(bytes, 20)))
}

/// The checked body of a whole file.
fn body<'a>(file: &str, magic: &[u8; 8], bytes: &'a [u8]) -> Result<&'a [u8], KbError> {
    let (len, hash) = read_header(file, magic, bytes)?;
    let body = &bytes[HEADER_LEN..];
    if body.len() as u64 != len {
        let what = format!(
            "the body is {} bytes, the header says {len} (truncated or padded)",
            body.len()
        );
        return Err(error(file, what));
    }
    if fnv64(body) != hash {
        return Err(error(file, "checksum mismatch (corrupted)".into()));
    }
    Ok(body)
}

/// Writes `kb` (compiled: history attached, comparisons ranked) as
/// (kb.bin, cards.bin).
pub fn write(kb: &KnowledgeBase) -> Result<(Vec<u8>, Vec<u8>), KbError> {
    let encode = |e: postcard::Error| error("kb.bin", format!("cannot encode: {e}"));
    let mut cards = Vec::new();
    let mut blocks = Vec::with_capacity(kb.provisions.len());
    for p in &kb.provisions {
        let content = CardContent {
            why_it_matters: p.why_it_matters.clone(),
            uncertainty: p.uncertainty.clone(),
            compliance: p.compliance.clone(),
            history: p.history.clone(),
            comparisons: p.comparisons.clone(),
        };
        let block = postcard::to_allocvec(&content).map_err(encode)?;
        blocks.push(Block {
            start: cards.len() as u64,
            len: block.len() as u64,
            hash: fnv64(&block),
        });
        cards.extend_from_slice(&block);
    }
    let texts: Vec<&str> = kb
        .provisions
        .iter()
        .map(|p| p.explanation.as_str())
        .collect();
    let texts = postcard::to_allocvec(&texts).map_err(encode)?;
    let explanations = Block {
        start: cards.len() as u64,
        len: texts.len() as u64,
        hash: fnv64(&texts),
    };
    cards.extend_from_slice(&texts);
    let outline = Outline {
        platforms: kb.platforms.clone(),
        topics: kb.topics.clone(),
    };
    let outline = serde_json::to_string(&outline)
        .map_err(|e| error("kb.bin", format!("cannot encode: {e}")))?;
    let matcher = Matcher::new(kb);
    let wordings = kb.provisions.iter().flat_map(|p| &p.wordings);
    let index = Index {
        outline,
        gaps: texts::gap_table(wordings.map(|w| w.text.as_str())),
        secondary: kb.secondary.clone(),
        missing_documents: kb.missing_documents.clone(),
        blocks,
        explanations,
        cards_len: cards.len() as u64,
        cards_hash: fnv64(&cards),
    };
    let mut body = postcard::to_allocvec(&matcher).map_err(encode)?;
    body.extend(postcard::to_allocvec(&index).map_err(encode)?);
    let names = table(&kb.provisions);
    body.extend(postcard::to_allocvec(&names).map_err(encode)?);
    let provisions = slims(kb, &matcher, &index.gaps, &names);
    body.extend(postcard::to_allocvec(&provisions).map_err(encode)?);
    let mut kb_bin = header(INDEX_MAGIC, &body);
    kb_bin.extend_from_slice(&body);
    let mut cards_bin = header(CARDS_MAGIC, &cards);
    cards_bin.extend_from_slice(&cards);
    Ok((kb_bin, cards_bin))
}

/// The table of names of `provisions`: their distinct platforms,
/// documents, topics and wordings' dates, most frequent first (then in
/// order), so that the 128 commonest take a byte each as a place.
fn table(provisions: &[Provision]) -> Vec<String> {
    let mut counts: HashMap<&str, usize> = HashMap::default();
    for p in provisions {
        let dates = p.wordings.iter().map(Wording::last_seen);
        let topics = p.topics.iter().map(String::as_str);
        for name in [p.platform.as_str(), &p.document]
            .into_iter()
            .chain(topics)
            .chain(dates)
        {
            *counts.entry(name).or_default() += 1;
        }
    }
    let mut distinct: Vec<(&str, usize)> = counts.into_iter().collect();
    distinct.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    distinct.into_iter().map(|(n, _)| n.to_string()).collect()
}

/// The provisions as kb.bin holds them, each wording's text encoded over
/// its word ids in `matcher` (built for `kb`: its wordings are those of
/// `kb`'s provisions, in order) with the gap table `gaps`, and their names
/// as places in the table `names` ([`table`]).
fn slims(kb: &KnowledgeBase, matcher: &Matcher, gaps: &[String], names: &[String]) -> Vec<Slim> {
    let words = matcher.words_by_id();
    let encoder = texts::Encoder::new(gaps, &words);
    let mut k = 0;
    let mut patch = |text: &str| {
        let ids = matcher.built_in_wording(k).map_or(&[][..], |w| w.2);
        k += 1;
        Patch(encoder.encode(text, ids))
    };
    // Every name of the provisions is in the table, made from them.
    let places: HashMap<&str, u32> = names.iter().map(String::as_str).zip(0..).collect();
    (kb.provisions.iter())
        .map(|p| Slim {
            id: p.id.clone(),
            platform: places[p.platform.as_str()],
            document: places[p.document.as_str()],
            section: p.section.clone(),
            title: p.title.clone(),
            topics: p.topics.iter().map(|t| places[t.as_str()]).collect(),
            wordings: (p.wordings.iter())
                .map(|w| SlimWording {
                    text: patch(&w.text),
                    last_seen: places[w.last_seen()],
                })
                .collect(),
            exposure: p.compliance.exposure,
        })
        .collect()
}

/// The provision of `s` (whose names and wordings are left unread) with its
/// platform and document, `topics` and `wordings`.
fn provision(
    s: Slim,
    [platform, document]: [String; 2],
    topics: Vec<String>,
    wordings: Vec<Wording>,
) -> Provision {
    Provision {
        id: s.id,
        platform,
        document,
        section: s.section,
        title: s.title,
        topics,
        wordings,
        // In cards.bin, read after the engine is ready (CardIndex::explanations).
        explanation: String::new(),
        why_it_matters: String::new(),
        uncertainty: String::new(),
        compliance: Compliance {
            regulatory_landscape: String::new(),
            exposure: s.exposure,
            exposure_reason: String::new(),
            jurisdictions: Vec::new(),
            contract_implications: String::new(),
            steps: Vec::new(),
        },
        history: None,
        comparisons: Vec::new(),
    }
}

/// kb.bin's header in `source` checked (magic, version) and its length
/// against the header's: the body's checksum, which the body is checked
/// against once it has been read.
fn check_head<S: Source + ?Sized>(source: &S) -> Result<u64, KbError> {
    let file = "kb.bin";
    let total = source.len();
    if total < HEADER_LEN as u64 {
        return Err(error(
            file,
            format!("{total} bytes, shorter than its header"),
        ));
    }
    let mut head = [0u8; HEADER_LEN];
    source.read_at(0, &mut head);
    let (len, hash) = read_header(file, INDEX_MAGIC, &head)?;
    let body_len = total - HEADER_LEN as u64;
    if body_len != len {
        let what =
            format!("the body is {body_len} bytes, the header says {len} (truncated or padded)");
        return Err(error(file, what));
    }
    Ok(hash)
}

/// A postcard flavour over bytes `next..end` of a [`Source`] (kb.bin's body,
/// cards.bin's explanations): the bytes come one chunk at a time into a
/// buffer of [`CHUNK`] bytes, and a value longer than what is left
/// of the chunk (a long string) is gathered into `long`. Asking for more bytes
/// than the body has left is an error, never an allocation: a corrupt length
/// costs nothing. Each chunk is added to the checksum as it is read, so the
/// bytes are read once ([`Stream::checksum`]).
struct Stream<'s, S: ?Sized> {
    source: &'s S,
    /// Where the next chunk starts in the source, and where the bytes end.
    next: u64,
    end: u64,
    chunk: Vec<u8>,
    /// The next unread byte of `chunk`.
    at: usize,
    long: Vec<u8>,
    /// The checksum of the chunks read so far, and that of all the bytes once
    /// the last chunk is read.
    fnv: Fnv64,
    sum: Option<u64>,
}

impl<'s, S: Source + ?Sized> Stream<'s, S> {
    /// Bytes `from..to` of `source` (within its length).
    fn new(source: &'s S, from: u64, to: u64) -> Stream<'s, S> {
        Stream {
            source,
            next: from,
            end: to,
            chunk: Vec::with_capacity(CHUNK),
            at: 0,
            long: Vec::new(),
            fnv: Fnv64::default(),
            sum: None,
        }
    }

    /// The next chunk into the buffer, added to the checksum; `false` at the
    /// end.
    fn refill(&mut self) -> bool {
        let n = (self.end - self.next).min(CHUNK as u64) as usize;
        self.chunk.resize(n, 0);
        self.source.read_at(self.next, &mut self.chunk);
        self.next += n as u64;
        self.at = 0;
        // Every chunk but the last is a whole number of words (CHUNK is).
        let whole = n - n % 8;
        self.fnv.words(&self.chunk[..whole]);
        if self.next == self.end && self.sum.is_none() {
            self.sum = Some(self.fnv.finish(&self.chunk[whole..]));
        }
        n > 0
    }

    /// Bytes not read yet.
    fn left(&self) -> u64 {
        (self.chunk.len() - self.at) as u64 + (self.end - self.next)
    }

    /// The next postcard value.
    fn decode<T: serde::de::DeserializeOwned>(&mut self) -> postcard::Result<T> {
        let mut de = postcard::Deserializer::from_flavor(Pull(self));
        T::deserialize(&mut de)
    }

    /// The next postcard value, decoded by `seed`.
    fn decode_seed<T>(
        &mut self,
        seed: impl for<'de> serde::de::DeserializeSeed<'de, Value = T>,
    ) -> postcard::Result<T> {
        let mut de = postcard::Deserializer::from_flavor(Pull(self));
        seed.deserialize(&mut de)
    }

    /// The checksum of all the bytes, those not read yet read first (what
    /// follows the values decoded, or a value that failed to decode).
    fn checksum(mut self) -> u64 {
        while self.refill() {}
        self.sum.unwrap_or_default()
    }
}

/// [`Stream`] lent to postcard for one value.
struct Pull<'a, 's, S: ?Sized>(&'a mut Stream<'s, S>);

impl<'de, 'a: 'de, 's: 'a, S: Source + ?Sized + 's> postcard::de_flavors::Flavor<'de>
    for Pull<'a, 's, S>
{
    type Remainder = ();
    type Source = ();

    fn pop(&mut self) -> postcard::Result<u8> {
        let s = &mut *self.0;
        if s.at == s.chunk.len() && !s.refill() {
            return Err(postcard::Error::DeserializeUnexpectedEnd);
        }
        s.at += 1;
        Ok(s.chunk[s.at - 1])
    }

    fn size_hint(&self) -> Option<usize> {
        usize::try_from(self.0.left()).ok()
    }

    /// Nothing is decoded borrowed (every string is owned), and a
    /// stream cannot lend its bytes for longer than one value.
    fn try_take_n(&mut self, _ct: usize) -> postcard::Result<&'de [u8]> {
        Err(postcard::Error::DeserializeBadEncoding)
    }

    fn try_take_n_temp<'b>(&'b mut self, ct: usize) -> postcard::Result<&'b [u8]>
    where
        'de: 'b,
    {
        let s = &mut *self.0;
        if ct <= s.chunk.len() - s.at {
            s.at += ct;
            return Ok(&s.chunk[s.at - ct..s.at]);
        }
        if ct as u64 > s.left() {
            return Err(postcard::Error::DeserializeUnexpectedEnd);
        }
        s.long.clear();
        s.long.reserve(ct);
        while s.long.len() < ct {
            if s.at == s.chunk.len() {
                s.refill();
            }
            let n = (ct - s.long.len()).min(s.chunk.len() - s.at);
            s.long.extend_from_slice(&s.chunk[s.at..s.at + n]);
            s.at += n;
        }
        Ok(&s.long)
    }

    fn finalize(self) -> postcard::Result<()> {
        Ok(())
    }
}

/// kb.bin's body decoded from `stream`: the matcher, what is between it and
/// the provisions, and the provisions (their names read from the table of
/// names, their wordings' texts rebuilt from the matcher's word ids); or what
/// does not decode.
fn decode_body<S: Source + ?Sized>(
    stream: &mut Stream<'_, S>,
) -> Result<(Matcher, Index, Vec<Provision>), String> {
    let decode = |e: postcard::Error| format!("the body does not decode: {e}");
    let matcher = stream.decode::<Matcher>().map_err(decode)?;
    let index = stream.decode::<Index>().map_err(decode)?;
    let mut rebuild = Rebuild {
        matcher: &matcher,
        names: stream.decode::<Vec<String>>().map_err(decode)?,
        pieces: texts::Pieces::new(&index.gaps, &matcher.words_by_id()),
        next: 0,
        error: None,
    };
    let provisions = match stream.decode_seed(&mut rebuild) {
        Ok(p) => p,
        Err(e) => return Err(rebuild.error.take().unwrap_or_else(|| decode(e))),
    };
    if rebuild.next != matcher.built_in_wordings() {
        return Err("the matcher's tables do not fit its provisions".into());
    }
    Ok((matcher, index, provisions))
}

/// Reads kb.bin from `source`: the knowledge base without its card content
/// (as [`crate::kb::lazy::read`] gives it), the matcher as it was built (its
/// tables checked), and where each provision's card content is in cards.bin.
///
/// The header and length are checked first; the body is then read once, a
/// chunk of [`CHUNK`] bytes at a time, decoded and added to its checksum as
/// it comes, and whatever was decoded is dropped unused unless the checksum
/// holds. The file is never held whole, so the peak of memory is what is
/// decoded (in Wasm, linear memory never shrinks, and its size is the peak of
/// what was held at once). Decoding a corrupted body before its checksum is
/// known is safe: every length is bounded by the bytes left, and the tables
/// are checked against the provisions.
pub fn read<S: Source + ?Sized>(
    source: &S,
) -> Result<(KnowledgeBase, Matcher, CardIndex), KbError> {
    let file = "kb.bin";
    let hash = check_head(source)?;
    let mut stream = Stream::new(source, HEADER_LEN as u64, source.len());
    let decoded = decode_body(&mut stream);
    if stream.checksum() != hash {
        return Err(error(file, "checksum mismatch (corrupted)".into()));
    }
    let (mut matcher, index, provisions) = decoded.map_err(|e| error(file, e))?;
    let outline: Outline = serde_json::from_str(&index.outline)
        .map_err(|e| error(file, format!("the platforms and topics do not decode: {e}")))?;
    let kb = KnowledgeBase {
        format: super::FORMAT_VERSION,
        platforms: outline.platforms,
        topics: outline.topics,
        provisions,
        secondary: index.secondary,
        missing_documents: index.missing_documents,
    };
    kb.check_references()?;
    if !matcher.restore(&kb) {
        return Err(error(
            file,
            "the matcher's tables do not fit its provisions".into(),
        ));
    }
    let cards = CardIndex {
        blocks: index.blocks,
        explanations: index.explanations,
        cards_len: index.cards_len,
        cards_hash: index.cards_hash,
        index_hash: hash,
    };
    cards.check(&kb)?;
    Ok((kb, matcher, cards))
}

impl CardIndex {
    /// The body checksum of the kb.bin this was read from: what identifies
    /// the knowledge base it holds (custom packs' stamps bind it).
    pub fn index_checksum(&self) -> u64 {
        self.index_hash
    }

    /// Checks the card table read from kb.bin against its provisions: a
    /// block per provision, and every block and the explanations within
    /// cards.bin's body.
    fn check(&self, kb: &KnowledgeBase) -> Result<(), KbError> {
        let within = |b: &Block| {
            b.start
                .checked_add(b.len)
                .is_some_and(|end| end <= self.cards_len)
        };
        if self.blocks.len() != kb.provisions.len()
            || !self.blocks.iter().all(within)
            || !within(&self.explanations)
        {
            return Err(error(
                "kb.bin",
                "the card table does not fit its provisions".into(),
            ));
        }
        Ok(())
    }

    /// The built-in provisions' explanations, in order, read from cards.bin
    /// in `source` (checked as [`CardIndex::check_header`] does, then the
    /// explanations read a chunk at a time against their checksum).
    pub fn explanations<S: Source + ?Sized>(&self, source: &S) -> Result<Vec<String>, KbError> {
        let file = "cards.bin";
        let mut head = [0u8; HEADER_LEN];
        if source.len() >= HEADER_LEN as u64 {
            source.read_at(0, &mut head);
        }
        let header = &head[..(source.len().min(HEADER_LEN as u64) as usize)];
        self.check_header(header, source.len())?;
        let from = HEADER_LEN as u64 + self.explanations.start;
        let mut stream = Stream::new(source, from, from + self.explanations.len);
        let texts = stream.decode::<Vec<String>>();
        if stream.checksum() != self.explanations.hash {
            let what = "the explanations do not match their checksum (corrupted)";
            return Err(error(file, what.into()));
        }
        let texts =
            texts.map_err(|e| error(file, format!("the explanations do not decode: {e}")))?;
        if texts.len() != self.blocks.len() {
            let what = format!(
                "{} explanations for {} provisions",
                texts.len(),
                self.blocks.len()
            );
            return Err(error(file, what));
        }
        Ok(texts)
    }

    /// Checks cards.bin's header (its first [`HEADER_LEN`] bytes) and its
    /// whole length against what kb.bin recorded: the same format, and the
    /// cards of the same build.
    pub fn check_header(&self, header: &[u8], file_len: u64) -> Result<(), KbError> {
        let file = "cards.bin";
        let (len, hash) = read_header(file, CARDS_MAGIC, header)?;
        if len != self.cards_len || hash != self.cards_hash {
            let what = "it is not the cards of this kb.bin (another build)".to_string();
            return Err(error(file, what));
        }
        if file_len != HEADER_LEN as u64 + len {
            let what = format!(
                "{file_len} bytes, its header says {} (truncated or padded)",
                HEADER_LEN as u64 + len
            );
            return Err(error(file, what));
        }
        Ok(())
    }

    /// Checks a whole cards.bin (header, length and checksum).
    pub fn check_file(&self, bytes: &[u8]) -> Result<(), KbError> {
        self.check_header(bytes.get(..HEADER_LEN).unwrap_or(bytes), bytes.len() as u64)?;
        body("cards.bin", CARDS_MAGIC, bytes).map(|_| ())
    }

    /// Where the card content of provision `index` is in cards.bin (the whole
    /// file, header included); `None` past the built-in provisions.
    pub fn range(&self, index: usize) -> Option<Range<usize>> {
        let b = self.blocks.get(index)?;
        let start = HEADER_LEN + usize::try_from(b.start).ok()?;
        Some(start..start + usize::try_from(b.len).ok()?)
    }

    /// Provision `slim` (as [`read`] gave it, at `index`) completed with its
    /// card content, read from `block` (the bytes of [`CardIndex::range`]).
    pub fn complete(
        &self,
        index: usize,
        slim: &Provision,
        block: &[u8],
    ) -> Result<Provision, KbError> {
        let file = "cards.bin";
        let b = self
            .blocks
            .get(index)
            .ok_or_else(|| error(file, format!("no block for provision {index}")))?;
        if block.len() as u64 != b.len || fnv64(block) != b.hash {
            let what = format!("the block of {} does not match its checksum", slim.id);
            return Err(error(file, what));
        }
        let content: CardContent = postcard::from_bytes(block).map_err(|e| {
            error(
                file,
                format!("the block of {} does not decode: {e}", slim.id),
            )
        })?;
        let exposure = slim.compliance.exposure;
        let mut full = slim.clone();
        full.why_it_matters = content.why_it_matters;
        full.uncertainty = content.uncertainty;
        full.compliance = Compliance {
            exposure,
            ..content.compliance
        };
        full.history = content.history;
        full.comparisons = content.comparisons;
        Ok(full)
    }

    /// How many provisions have a block.
    pub fn len(&self) -> usize {
        self.blocks.len()
    }

    /// Whether no provision has a block.
    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }
}

/// Measurement of kb.bin's parts (`examples/kb_bin_profile.rs`): per part,
/// its postcard bytes and the time to decode it alone, then the steps of
/// [`read`] after the decode.
#[doc(hidden)]
#[cfg(not(target_arch = "wasm32"))]
pub fn profile(bytes: &[u8]) -> Vec<crate::matcher::profile::Part> {
    use std::time::Instant;
    let ms = |t: Instant| t.elapsed().as_secs_f64() * 1000.0;
    let t = Instant::now();
    let body = body("kb.bin", INDEX_MAGIC, bytes).expect("a kb.bin");
    let mut out = vec![("header + checksum", HEADER_LEN, ms(t))];
    let t = Instant::now();
    let (mut matcher, rest): (Matcher, &[u8]) = postcard::take_from_bytes(body).expect("decodes");
    let (index, rest): (Index, &[u8]) = postcard::take_from_bytes(rest).expect("decodes");
    let (names, rest): (Vec<String>, &[u8]) = postcard::take_from_bytes(rest).expect("decodes");
    let slims: Vec<Slim> = postcard::from_bytes(rest).expect("decodes");
    let decoded = "the whole body decoded (postcard, texts not rebuilt)";
    out.push((decoded, body.len(), ms(t)));
    let outline = "outline (platforms, topics; JSON text)";
    out.push((outline, index.outline.len(), 0.0));
    let rest: Vec<_> = (slims.iter())
        .map(|p| {
            let dates: Vec<u32> = p.wordings.iter().map(|w| w.last_seen).collect();
            let names = (&p.id, p.platform, p.document, &p.section, &p.title);
            (names, &p.topics, dates)
        })
        .collect();
    out.push((
        "provisions: the rest (ids, titles, sections; names' and dates' places)",
        postcard::to_allocvec(&rest).expect("encodes").len(),
        0.0,
    ));
    out.push(profile_part("the table of names", &names));
    let (provisions, parts) = profile_texts(&matcher, &index.gaps, names, slims);
    out.extend(parts);
    out.push(profile_part("secondary quotes", &index.secondary));
    out.push(profile_part("missing documents", &index.missing_documents));
    out.push(profile_part("card blocks' table", &index.blocks));
    let t = Instant::now();
    let outline: Outline = serde_json::from_str(&index.outline).expect("outline");
    out.push(("outline parsed", 0, ms(t)));
    let kb = KnowledgeBase {
        format: super::FORMAT_VERSION,
        platforms: outline.platforms,
        topics: outline.topics,
        provisions,
        secondary: index.secondary,
        missing_documents: index.missing_documents,
    };
    let t = Instant::now();
    kb.check_references().expect("references");
    out.push(("references checked", 0, ms(t)));
    out.extend(crate::matcher::profile::parts(&mut matcher, &kb));
    out
}

/// One part of [`profile`]: its postcard bytes and the time to decode them.
#[cfg(not(target_arch = "wasm32"))]
fn profile_part<T: Serialize + serde::de::DeserializeOwned>(
    name: &'static str,
    value: &T,
) -> crate::matcher::profile::Part {
    let bytes = postcard::to_allocvec(value).expect("encodes");
    let t = std::time::Instant::now();
    let back: T = postcard::from_bytes(&bytes).expect("decodes");
    let took = t.elapsed().as_secs_f64() * 1000.0;
    drop(back);
    (name, bytes.len(), took)
}

/// The wordings' texts of [`profile`]: their patches, their rebuild alone
/// (the fastest of 5), then the provisions made with them as [`read`] makes
/// them.
#[cfg(not(target_arch = "wasm32"))]
fn profile_texts(
    matcher: &Matcher,
    gaps: &[String],
    names: Vec<String>,
    slims: Vec<Slim>,
) -> (Vec<Provision>, Vec<crate::matcher::profile::Part>) {
    use std::time::Instant;
    let ms = |t: Instant| t.elapsed().as_secs_f64() * 1000.0;
    let patches: Vec<Vec<Patch>> = (slims.iter())
        .map(|p| p.wordings.iter().map(|w| Patch(w.text.0.clone())).collect())
        .collect();
    let verbatim = (patches.iter().flatten())
        .filter(|p| p.0.first() == Some(&0))
        .map(|p| p.0.len())
        .sum();
    let mut out = vec![
        profile_part("wordings' texts: gap table", &gaps.to_vec()),
        profile_part("wordings' texts: patches (decoded as bytes)", &patches),
        ("wordings' texts: those stored verbatim", verbatim, 0.0),
    ];
    let pieces = texts::Pieces::new(gaps, &matcher.words_by_id());
    let mut fastest = f64::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        for (k, p) in patches.iter().flatten().enumerate() {
            let ids = matcher.built_in_wording(k).expect("a wording").2;
            drop(texts::decode(&p.0, ids, &pieces).expect("rebuilds"));
        }
        fastest = fastest.min(ms(t));
    }
    out.push(("wordings' texts rebuilt alone (fastest of 5)", 0, fastest));
    let t = Instant::now();
    let mut rebuild = Rebuild {
        matcher,
        names,
        pieces,
        next: 0,
        error: None,
    };
    let provisions: Vec<Provision> = (slims.into_iter().enumerate())
        .map(|(i, s)| rebuild.provision(i, s).expect("rebuilds"))
        .collect();
    let texts = (provisions.iter().flat_map(|p| &p.wordings))
        .map(|w| w.text.len())
        .sum();
    let made = "wordings' texts rebuilt (their bytes), with the provisions";
    out.push((made, texts, ms(t)));
    (provisions, out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::{Document, FORMAT_VERSION};

    fn a_platform(id: &str, document: &str) -> Platform {
        Platform {
            id: id.into(),
            name: id.into(),
            aliases: vec![],
            documents: vec![Document {
                id: document.into(),
                name: document.into(),
                url: format!("https://{id}.example/terms"),
                patterns: vec![format!("{id}.example/terms*")],
                corpus: vec![],
            }],
        }
    }

    fn a_provision(id: &str, document: &str, topics: &[&str], dates: &[&[&str]]) -> Provision {
        let platform = id.split('.').next().unwrap_or_default();
        let text = "You will not use the output to develop models that compete with us.";
        Provision {
            id: id.into(),
            platform: platform.into(),
            document: document.into(),
            section: "1".into(),
            title: id.into(),
            topics: topics.iter().map(|t| t.to_string()).collect(),
            wordings: (dates.iter())
                .map(|d| Wording {
                    text: text.into(),
                    versions: d.iter().map(|d| d.to_string()).collect(),
                })
                .collect(),
            explanation: String::new(),
            why_it_matters: String::new(),
            uncertainty: String::new(),
            compliance: Compliance {
                regulatory_landscape: String::new(),
                exposure: Exposure::High,
                exposure_reason: String::new(),
                jurisdictions: vec![],
                contract_implications: String::new(),
                steps: vec![],
            },
            history: None,
            comparisons: vec![],
        }
    }

    /// Two platforms and topics, whose provisions share some names and dates
    /// (one wording with no date).
    fn small() -> KnowledgeBase {
        let topic = |id: &str| Topic {
            id: id.into(),
            name: id.into(),
            description: String::new(),
            ..Topic::default()
        };
        KnowledgeBase {
            format: FORMAT_VERSION,
            platforms: vec![a_platform("a", "a/terms"), a_platform("b", "b/terms")],
            topics: vec![topic("training"), topic("outputs")],
            provisions: vec![
                a_provision(
                    "b.one",
                    "b/terms",
                    &["outputs"],
                    &[&["2026-01-02", "2025-03-04"]],
                ),
                a_provision(
                    "a.two",
                    "a/terms",
                    &["training", "outputs"],
                    &[&["2026-01-02"], &[]],
                ),
                a_provision("a.three", "a/terms", &[], &[&["2024-05-06"]]),
            ],
            secondary: vec![],
            missing_documents: vec![],
        }
    }

    /// A change to kb.bin's provisions.
    type Change = fn(&mut [Slim]);

    /// `kb`'s kb.bin with its provisions changed by `change`, its header
    /// made to fit.
    fn resealed(kb: &KnowledgeBase, change: Change) -> Vec<u8> {
        let (bytes, _) = write(kb).expect("writes");
        let body = &bytes[HEADER_LEN..];
        let (_, rest) = postcard::take_from_bytes::<Matcher>(body).expect("a matcher");
        let (_, rest) = postcard::take_from_bytes::<Index>(rest).expect("an index");
        let (_, rest) = postcard::take_from_bytes::<Vec<String>>(rest).expect("names");
        let mut slims: Vec<Slim> = postcard::from_bytes(rest).expect("provisions");
        change(&mut slims);
        let mut body = body[..body.len() - rest.len()].to_vec();
        body.extend(postcard::to_allocvec(&slims).expect("encodes"));
        let mut out = header(INDEX_MAGIC, &body);
        out.extend(body);
        out
    }

    #[test]
    fn the_names_come_back_from_their_tables() {
        let kb = small();
        let (bytes, _) = write(&kb).expect("writes");
        let (back, _, _) = read(bytes.as_slice()).expect("reads");
        let names = |kb: &KnowledgeBase| -> Vec<_> {
            (kb.provisions.iter())
                .map(|p| {
                    let dates: Vec<String> = (p.wordings.iter())
                        .map(|w| w.last_seen().to_string())
                        .collect();
                    (
                        p.platform.clone(),
                        p.document.clone(),
                        p.topics.clone(),
                        dates,
                    )
                })
                .collect()
        };
        assert_eq!(names(&back), names(&kb));
        assert!(back.provisions[1].wordings[1].versions.is_empty());
    }

    #[test]
    fn a_name_out_of_its_table_is_an_error_naming_the_provision() {
        let kb = small();
        let cases: [(&str, &str, Change); 4] = [
            ("platform", "b.one", |s| s[0].platform = 99),
            ("document", "a.two", |s| s[1].document = 99),
            ("topic", "a.two", |s| s[1].topics[1] = 99),
            ("date of a wording", "a.three", |s| {
                s[2].wordings[0].last_seen = 99
            }),
        ];
        for (what, id, change) in cases {
            let message = match read(resealed(&kb, change).as_slice()) {
                Ok(_) => panic!("the {what} of {id} past the table was read"),
                Err(e) => e.to_string(),
            };
            assert!(
                message.contains(&format!("the {what} of {id} is past the table")),
                "{message}"
            );
        }
        assert!(read(resealed(&kb, |_| {}).as_slice()).is_ok());
    }
}
