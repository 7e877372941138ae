//! Runs of numbers in the compiled index as LEB128 varints (7 bits a byte,
//! the high bit set on every byte but a number's last), in byte pieces of
//! about [`PIECE`] bytes that each hold whole entries (an entry: the numbers
//! of one thing, such as a target's wording and clause word).
//!
//! A piece is one postcard byte string, so it is read where it lies in the
//! reader's chunk (`crate::kb::binary`), and its numbers are decoded by one
//! tight loop, then handed to a [`Take`], which builds the table they stand
//! for. Read as a postcard sequence instead, each number would cost a serde
//! call chain per byte, most of the index's decode at 15,000 provisions
//! (BENCHMARKS.md).

use serde::de::{DeserializeSeed, Error, SeqAccess, Visitor};
use serde::ser::SerializeTuple;
use serde::{Deserializer, Serializer};

/// Bytes a piece is cut at (the first number that reaches it ends the piece).
pub(super) const PIECE: usize = 32 * 1024;

/// Room reserved at most ahead of what a piece holds (1M numbers): a corrupt
/// count cannot reserve more.
const RESERVED: usize = 1 << 20;

/// What the numbers of one run build, a piece's numbers (whole entries) at a
/// time. The reading itself is not generic (one copy of it in the module,
/// whatever the sink), so it calls the sink through this object-safe trait.
pub(super) trait Take {
    /// Makes room for `count` numbers in all (at most [`RESERVED`]).
    fn reserve(&mut self, count: usize);

    /// Takes the next entries' numbers, or says why they do not fit.
    fn take(&mut self, numbers: &[u32]) -> Result<(), &'static str>;
}

/// Writes the numbers of `entries` as one run: their count, then their
/// pieces, each cut after the first entry that reaches [`PIECE`] bytes.
pub(super) fn serialize<S: Serializer, E: IntoIterator<Item = u32>>(
    entries: impl Iterator<Item = E>,
    s: S,
) -> Result<S::Ok, S::Error> {
    let mut count = 0u32;
    let mut pieces = vec![Vec::new()];
    for entry in entries {
        let piece = pieces.last_mut().expect("one piece at least");
        for n in entry {
            count += 1;
            push_varint(piece, n as usize);
        }
        if piece.len() >= PIECE {
            pieces.push(Vec::new());
        }
    }
    pieces.retain(|p| !p.is_empty());
    let pieces: Vec<Bytes> = pieces.iter().map(|p| Bytes(p)).collect();
    let mut run = s.serialize_tuple(2)?;
    run.serialize_element(&count)?;
    run.serialize_element(&pieces)?;
    run.end()
}

/// Appends `n` as a LEB128 varint (also the texts' lengths and counts,
/// `crate::kb::texts`).
pub(crate) fn push_varint(out: &mut Vec<u8>, mut n: usize) {
    while n >= 0x80 {
        out.push(n as u8 | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// A byte slice that serialises as one byte string (a `&[u8]` would be a
/// sequence of numbers).
struct Bytes<'a>(&'a [u8]);

impl serde::Serialize for Bytes<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0)
    }
}

/// Reads one run into `sink`, which must take exactly the numbers counted.
pub(super) fn deserialize<'de, D: Deserializer<'de>, K: Take>(
    d: D,
    mut sink: K,
) -> Result<K, D::Error> {
    d.deserialize_tuple(2, Run(&mut sink))?;
    Ok(sink)
}

struct Run<'a>(&'a mut dyn Take);

impl<'de> Visitor<'de> for Run<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a count and pieces of varints")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let missing = || A::Error::custom("a run of varints cut short");
        let count: u32 = seq.next_element()?.ok_or_else(missing)?;
        self.0.reserve((count as usize).min(RESERVED));
        let pieces = Pieces {
            sink: self.0,
            left: count,
            numbers: Vec::new(),
        };
        seq.next_element_seed(pieces)?.ok_or_else(missing)?;
        Ok(())
    }
}

/// The pieces of a run: the numbers still to come, and one piece's numbers.
struct Pieces<'a> {
    sink: &'a mut dyn Take,
    left: u32,
    numbers: Vec<u32>,
}

impl Pieces<'_> {
    /// One piece's numbers into the sink.
    fn piece(&mut self, bytes: &[u8]) -> Result<(), &'static str> {
        self.numbers.clear();
        decode(bytes, &mut self.numbers)?;
        self.left = u32::try_from(self.numbers.len())
            .ok()
            .and_then(|n| self.left.checked_sub(n))
            .ok_or("more numbers than counted")?;
        self.sink.take(&self.numbers)
    }
}

/// Decodes the numbers of one piece into `out`.
fn decode(bytes: &[u8], out: &mut Vec<u32>) -> Result<(), &'static str> {
    let (mut n, mut shift) = (0u32, 0u32);
    for &b in bytes {
        // A fifth byte holds the top four bits and ends the number.
        if shift == 28 && b > 0x0f {
            return Err("a number past 2^32");
        }
        n |= u32::from(b & 0x7f) << shift;
        if b < 0x80 {
            out.push(n);
            (n, shift) = (0, 0);
        } else {
            shift += 7;
        }
    }
    if shift == 0 {
        Ok(())
    } else {
        Err("a number cut at its piece's end")
    }
}

impl<'de> DeserializeSeed<'de> for Pieces<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Pieces<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("pieces of varints")
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Piece(&mut self))?.is_some() {}
        if self.left > 0 {
            return Err(A::Error::custom("fewer numbers than counted"));
        }
        Ok(())
    }
}

struct Piece<'a, 'b>(&'a mut Pieces<'b>);

impl<'de> DeserializeSeed<'de> for Piece<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_byte_buf(self)
    }
}

impl<'de> Visitor<'de> for Piece<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a piece of varints")
    }

    fn visit_bytes<E: Error>(self, bytes: &[u8]) -> Result<(), E> {
        self.0.piece(bytes).map_err(E::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::Take;

    /// The numbers of a run, as they come.
    struct Numbers(Vec<u32>);

    impl Take for Numbers {
        fn reserve(&mut self, count: usize) {
            self.0.reserve(count);
        }

        fn take(&mut self, numbers: &[u32]) -> Result<(), &'static str> {
            self.0.extend_from_slice(numbers);
            Ok(())
        }
    }

    #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    struct Run(#[serde(with = "run")] Vec<u32>);

    mod run {
        use serde::{Deserializer, Serializer};

        pub(super) fn serialize<S: Serializer>(n: &[u32], s: S) -> Result<S::Ok, S::Error> {
            super::super::serialize(n.iter().map(|&n| [n]), s)
        }

        pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u32>, D::Error> {
            Ok(super::super::deserialize(d, super::Numbers(Vec::new()))?.0)
        }
    }

    fn read(bytes: &[u8]) -> Result<Vec<u32>, String> {
        postcard::from_bytes::<Run>(bytes)
            .map(|r| r.0)
            .map_err(|e| e.to_string())
    }

    /// A run of `count` numbers in the given pieces, as postcard writes it.
    fn run(count: u32, pieces: &[&[u8]]) -> Vec<u8> {
        let pieces: Vec<super::Bytes> = pieces.iter().map(|p| super::Bytes(p)).collect();
        postcard::to_allocvec(&(count, pieces)).unwrap()
    }

    #[test]
    fn numbers_of_every_length_come_back_across_pieces() {
        // 1 to 5 bytes each, and enough of them for several pieces.
        let edges = [
            0,
            1,
            127,
            128,
            16_383,
            16_384,
            (1 << 21) - 1,
            1 << 21,
            1 << 28,
            u32::MAX,
        ];
        let numbers: Vec<u32> = (0..40_000u32)
            .map(|i| edges[i as usize % edges.len()] ^ (i % 3))
            .collect();
        let bytes = postcard::to_allocvec(&Run(numbers.clone())).unwrap();
        let (_, rest): (u32, &[u8]) = postcard::take_from_bytes(&bytes).unwrap();
        let (pieces, _): (u32, &[u8]) = postcard::take_from_bytes(rest).unwrap();
        assert!(pieces > 1, "{pieces} piece(s)");
        assert_eq!(read(&bytes), Ok(numbers));
        assert_eq!(
            read(&postcard::to_allocvec(&Run(vec![])).unwrap()),
            Ok(vec![])
        );
    }

    /// The numbers in `pieces` of a run of `count`, or why they do not fit.
    fn counted(count: u32, pieces: &[&[u8]]) -> Result<Vec<u32>, &'static str> {
        let mut sink = Numbers(Vec::new());
        let mut run = super::Pieces {
            sink: &mut sink,
            left: count,
            numbers: Vec::new(),
        };
        for piece in pieces {
            run.piece(piece)?;
        }
        Ok(sink.0)
    }

    #[test]
    fn a_bad_run_says_why() {
        assert_eq!(counted(2, &[&[1], &[0x82, 1]]), Ok(vec![1, 130]));
        assert_eq!(
            counted(2, &[&[1, 0x82]]),
            Err("a number cut at its piece's end")
        );
        let past = Err("a number past 2^32");
        assert_eq!(counted(1, &[&[0xff, 0xff, 0xff, 0xff, 0x10]]), past);
        assert_eq!(counted(1, &[&[0x80, 0x80, 0x80, 0x80, 0x80, 1]]), past);
        assert_eq!(counted(1, &[&[1], &[2]]), Err("more numbers than counted"));
    }

    #[test]
    fn a_bad_run_is_a_decode_error() {
        assert_eq!(read(&run(2, &[&[1, 2]])), Ok(vec![1, 2]));
        assert!(read(&run(2, &[&[1, 0x82]])).is_err());
        assert!(read(&run(3, &[&[1, 2]])).is_err());
        // A count far beyond the bytes reserves a bounded room, then is refused.
        assert!(read(&run(u32::MAX, &[&[1]])).is_err());
        assert!(read(&run(1, &[])[..1]).is_err());
    }
}
