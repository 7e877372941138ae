//! Runs of numbers in the compiled index as LEB128 varints (7 bits a byte,
//! the high bit set on every byte but a number's last), in byte pieces of
//! about [`PIECE`] bytes that each hold whole numbers.
//!
//! A piece is one postcard byte string, so it is read where it lies in the
//! reader's chunk (`crate::kb::binary`), and its numbers are decoded by one
//! tight loop into a [`Sink`], which builds the table they stand for as they
//! come. Decoding them one by one as a postcard sequence cost a call chain
//! per byte, most of the index's decode at 15,000 provisions (BENCHMARKS.md).

use serde::de::{DeserializeSeed, Error, SeqAccess, Visitor};
use serde::ser::SerializeTuple;
use serde::{Deserializer, Serializer};

/// Bytes a piece is cut at (the first number that reaches it ends the piece).
pub(super) const PIECE: usize = 32 * 1024;

/// Room reserved at most ahead of what a piece holds (1M numbers): a corrupt
/// count cannot reserve more.
const RESERVED: usize = 1 << 20;

/// What the numbers of one run build, one number at a time.
pub(super) trait Sink {
    /// What is built.
    type Out;

    /// Takes the next number, or says why it does not fit.
    fn push(&mut self, n: u32) -> Result<(), &'static str>;

    /// What was built, once every number was taken (or why it is incomplete).
    fn finish(self) -> Result<Self::Out, &'static str>;
}

/// Writes `numbers` as one run: their count, then their pieces.
pub(super) fn serialize<S: Serializer>(
    numbers: impl Iterator<Item = u32>,
    s: S,
) -> Result<S::Ok, S::Error> {
    let mut count = 0u32;
    let mut pieces = vec![Vec::new()];
    for mut n in numbers {
        count += 1;
        let piece = pieces.last_mut().expect("one piece at least");
        while n >= 0x80 {
            piece.push((n as u8) | 0x80);
            n >>= 7;
        }
        piece.push(n as u8);
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

/// A byte slice that serialises as one byte string (a `&[u8]` would be a
/// sequence of numbers).
struct Bytes<'a>(&'a [u8]);

impl serde::Serialize for Bytes<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0)
    }
}

/// Reads one run into the sink `make` gives for its count (at most
/// [`RESERVED`]: a corrupt count cannot reserve more), which must take
/// exactly that many numbers.
pub(super) fn deserialize<'de, D: Deserializer<'de>, K: Sink>(
    d: D,
    make: impl FnOnce(usize) -> K,
) -> Result<K::Out, D::Error> {
    d.deserialize_tuple(2, Run(make, std::marker::PhantomData))
}

struct Run<F, K>(F, std::marker::PhantomData<K>);

impl<'de, K: Sink, F: FnOnce(usize) -> K> Visitor<'de> for Run<F, K> {
    type Value = K::Out;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a count and pieces of varints")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<K::Out, A::Error> {
        let missing = || A::Error::custom("a run of varints cut short");
        let count: u32 = seq.next_element()?.ok_or_else(missing)?;
        let sink = Counted {
            sink: (self.0)((count as usize).min(RESERVED)),
            left: count,
        };
        seq.next_element_seed(Pieces(sink))?.ok_or_else(missing)
    }
}

/// A sink that takes a given count of numbers.
struct Counted<K> {
    sink: K,
    left: u32,
}

impl<K: Sink> Sink for Counted<K> {
    type Out = K::Out;

    #[inline]
    fn push(&mut self, n: u32) -> Result<(), &'static str> {
        self.left = self
            .left
            .checked_sub(1)
            .ok_or("more numbers than counted")?;
        self.sink.push(n)
    }

    fn finish(self) -> Result<K::Out, &'static str> {
        if self.left > 0 {
            return Err("fewer numbers than counted");
        }
        self.sink.finish()
    }
}

/// Decodes the numbers of one piece into `sink`.
fn decode(bytes: &[u8], sink: &mut impl Sink) -> Result<(), &'static str> {
    let (mut n, mut shift) = (0u32, 0u32);
    for &b in bytes {
        // A fifth byte holds the top four bits and ends the number.
        if shift == 28 && b > 0x0f {
            return Err("a number past 2^32");
        }
        n |= u32::from(b & 0x7f) << shift;
        if b < 0x80 {
            sink.push(n)?;
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

struct Pieces<K>(K);

impl<'de, K: Sink> DeserializeSeed<'de> for Pieces<K> {
    type Value = K::Out;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<K::Out, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, K: Sink> Visitor<'de> for Pieces<K> {
    type Value = K::Out;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("pieces of varints")
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<K::Out, A::Error> {
        while seq.next_element_seed(Piece(&mut self.0))?.is_some() {}
        self.0.finish().map_err(A::Error::custom)
    }
}

struct Piece<'a, K>(&'a mut K);

impl<'de, K: Sink> DeserializeSeed<'de> for Piece<'_, K> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_byte_buf(self)
    }
}

impl<'de, K: Sink> Visitor<'de> for Piece<'_, K> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a piece of varints")
    }

    fn visit_bytes<E: Error>(self, bytes: &[u8]) -> Result<(), E> {
        decode(bytes, self.0).map_err(E::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::Sink;

    /// The numbers of a run, as they come.
    struct Numbers(Vec<u32>);

    impl Sink for Numbers {
        type Out = Vec<u32>;

        fn push(&mut self, n: u32) -> Result<(), &'static str> {
            self.0.push(n);
            Ok(())
        }

        fn finish(self) -> Result<Vec<u32>, &'static str> {
            Ok(self.0)
        }
    }

    #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    struct Run(#[serde(with = "run")] Vec<u32>);

    mod run {
        use serde::{Deserializer, Serializer};

        pub(super) fn serialize<S: Serializer>(n: &[u32], s: S) -> Result<S::Ok, S::Error> {
            super::super::serialize(n.iter().copied(), s)
        }

        pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u32>, D::Error> {
            super::super::deserialize(d, |count| super::Numbers(Vec::with_capacity(count)))
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
        let edges = [0, 1, 127, 128, 16_383, 16_384, (1 << 21) - 1, 1 << 21, 1 << 28, u32::MAX];
        let numbers: Vec<u32> = (0..40_000u32)
            .map(|i| edges[i as usize % edges.len()] ^ (i % 3))
            .collect();
        let bytes = postcard::to_allocvec(&Run(numbers.clone())).unwrap();
        let (_, rest): (u32, &[u8]) = postcard::take_from_bytes(&bytes).unwrap();
        let (pieces, _): (u32, &[u8]) = postcard::take_from_bytes(rest).unwrap();
        assert!(pieces > 1, "{pieces} piece(s)");
        assert_eq!(read(&bytes), Ok(numbers));
        assert_eq!(read(&postcard::to_allocvec(&Run(vec![])).unwrap()), Ok(vec![]));
    }

    /// The numbers of `count` counted in `pieces`, or why they do not fit.
    fn counted(count: u32, pieces: &[&[u8]]) -> Result<Vec<u32>, &'static str> {
        let mut sink = super::Counted {
            sink: Numbers(Vec::new()),
            left: count,
        };
        for piece in pieces {
            super::decode(piece, &mut sink)?;
        }
        sink.finish()
    }

    #[test]
    fn a_bad_run_says_why() {
        assert_eq!(counted(2, &[&[1], &[0x82, 1]]), Ok(vec![1, 130]));
        assert_eq!(counted(2, &[&[1, 0x82]]), Err("a number cut at its piece's end"));
        let past = Err("a number past 2^32");
        assert_eq!(counted(1, &[&[0xff, 0xff, 0xff, 0xff, 0x10]]), past);
        assert_eq!(counted(1, &[&[0x80, 0x80, 0x80, 0x80, 0x80, 1]]), past);
        assert_eq!(counted(3, &[&[1, 2]]), Err("fewer numbers than counted"));
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
