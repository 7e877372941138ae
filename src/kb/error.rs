//! Problems of the knowledge base: what is wrong ([`KbErrorKind`]), in which
//! entry and field, and where ([`Location`]): a line of a TOML source, a JSON
//! path inside a pack or the compiled file, or a whole file.
//!
//! One problem prints in its reader's notation:
//!
//! - TOML sources: `data/provisions/aws.toml:9: provision `aws.x`: field `why_it_matters` is empty`
//! - packs: `provisions[3] (acme.x): field "wordings[0].text": has 5 words; ...`

use std::fmt;
use std::path::PathBuf;

/// Where a problem is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// A line of a TOML source (prints `file:line`).
    Line {
        /// Source file.
        file: PathBuf,
        /// 1-based line.
        line: usize,
    },
    /// A JSON path inside a pack or the compiled knowledge base (prints
    /// `provisions[3].wordings[0].text`; the document itself is the empty path).
    Json(String),
    /// A file as a whole.
    File(PathBuf),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Line { file, line } => write!(f, "{}:{line}", file.display()),
            Location::Json(path) if path.is_empty() => f.write_str("(top level)"),
            Location::Json(path) => f.write_str(path),
            Location::File(file) => write!(f, "{}", file.display()),
        }
    }
}

/// What is wrong. Each kind has one message, the same for every reader.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KbErrorKind {
    /// The file cannot be read (I/O).
    Unreadable(String),
    /// Not valid TOML or JSON, or a value of the wrong type (the parser's words).
    Syntax(String),
    /// A required field is absent.
    Missing,
    /// A required text or list is empty.
    Empty,
    /// A text longer than allowed.
    TooLong(usize),
    /// Not an id: the value, and the separators it may have besides `-` (`/`, `.`).
    NotAnId(String, &'static str),
    /// A field not in the schema.
    UnknownField(String),
    /// A clause wording with too few words: how many it has, how many it needs.
    TooFewWords(usize, usize),
    /// A version that is not `YYYY-MM-DD` or `YYYY-MM-DD-N`.
    NotADate(String),
    /// An exposure other than low, medium or high.
    Exposure(String),
    /// A topic id not in the taxonomy.
    UnknownTopic(String),
    /// A document id no platform has.
    UnknownDocument(String),
    /// A platform id that is not known.
    UnknownPlatform(String),
    /// A document of another platform: the document, its platform, the entry's.
    OtherPlatformsDocument(String, String, String),
    /// An id that does not start with its platform's id and this separator.
    IdPrefix(String, char),
    /// An id used before: what it names (`provision`), the id, and where it
    /// was first (`None`: the knowledge base being joined already has it).
    DuplicateId(&'static str, String, Option<Location>),
    /// A wording another provision has: that provision, and where it was written.
    SameQuote(String, Option<Location>),
    /// The same wording twice in one provision.
    WordingTwice,
    /// A clause wording with too few distinct words besides the commonest
    /// (`the`, `of` ...): how many it has, how many it needs.
    TooFewContentWords(usize, usize),
    /// A wording near-identical to one of another provision: how, that
    /// provision, and where its wording is (`None`: the knowledge base being
    /// joined has it).
    NearDuplicate(super::near::Likeness, String, Option<Location>),
    /// An address with user info (`https://a.com@b.example/`): it reads as one
    /// host and goes to another.
    UserInfo(String),
    /// A web address that is not `http:` or `https:`.
    NotAWebAddress(String),
    /// A URL pattern that is not `host/path*`: the pattern and why.
    NotAPattern(String, String),
    /// A version a wording lists that the corpus does not hold: the date, the
    /// document's corpus folders.
    VersionNotRecorded(String, String),
    /// A version that does not contain the wording listed for it: its file.
    QuoteNotInVersion(String),
    /// Anything else, in words.
    Other(String),
}

impl fmt::Display for KbErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use KbErrorKind as K;
        match self {
            K::Unreadable(e) => write!(f, "cannot read: {e}"),
            K::Syntax(e) | K::Other(e) => f.write_str(e),
            K::Missing => f.write_str("is missing"),
            K::Empty => f.write_str("is empty"),
            K::TooLong(max) => write!(f, "is longer than {max} characters"),
            K::NotAnId(v, extra) => {
                let seps: String = extra.chars().map(|c| format!(" `{c}`")).collect();
                write!(
                    f,
                    "`{}` is not an id (at most {} lowercase letters, digits, `-`{seps})",
                    clip(v),
                    super::rules::MAX_ID_CHARS
                )
            }
            K::UnknownField(expected) => write!(f, "unknown field (expected one of: {expected})"),
            K::TooFewWords(n, min) => write!(
                f,
                "has {n} words; a clause needs at least {min} to be recognised on its own"
            ),
            K::NotADate(v) => write!(
                f,
                "`{}` is not a date like 2026-01-15 (or 2026-01-15-2)",
                clip(v)
            ),
            K::Exposure(v) => write!(f, "is `{}`; use low, medium or high", clip(v)),
            K::UnknownTopic(t) => write!(f, "names an unknown topic `{}`", clip(t)),
            K::UnknownDocument(d) => write!(f, "names an unknown document `{}`", clip(d)),
            K::UnknownPlatform(p) => write!(f, "names an unknown platform `{}`", clip(p)),
            K::OtherPlatformsDocument(d, owner, p) => {
                write!(f, "`{d}` belongs to platform `{owner}`, not `{p}`")
            }
            K::IdPrefix(p, sep) => write!(f, "must start with the platform id `{p}{sep}`"),
            K::DuplicateId(what, id, None) => write!(
                f,
                "`{}` is already a {what} of termlens (built in or from another pack); choose another id",
                clip(id)
            ),
            K::DuplicateId(_, _, Some(first)) => write!(f, "is a duplicate id (first at {first})"),
            K::SameQuote(other, None) => write!(f, "quotes the same text as provision `{other}`"),
            K::SameQuote(other, Some(at)) => {
                write!(f, "quotes the same text as provision `{other}` ({at})")
            }
            K::WordingTwice => f.write_str("is the same wording listed twice"),
            K::TooFewContentWords(n, min) => write!(
                f,
                "has {n} distinct words besides the commonest (the, of, and ...); a clause needs at least {min} to be recognised on its own"
            ),
            K::NearDuplicate(how, other, None) => write!(
                f,
                "{how} of provision `{}`, which termlens already has (built in or from another pack); a pack may not restate a known clause, whose seeds it would hide",
                clip(other)
            ),
            K::NearDuplicate(how, other, Some(at)) => write!(
                f,
                "{how} of provision `{}` ({at}); near-identical wordings hide each other's clauses: keep one",
                clip(other)
            ),
            K::UserInfo(u) => write!(
                f,
                "`{}` has user info before its host (`name@`); give the address without it",
                clip(u)
            ),
            K::NotAWebAddress(u) => write!(f, "`{}` is not an http: or https: address", clip(u)),
            K::VersionNotRecorded(date, folders) => {
                write!(f, "version {date} is not recorded in {folders}")
            }
            K::QuoteNotInVersion(file) => write!(f, "the quote is not in {file}"),
            K::NotAPattern(p, why) => write!(
                f,
                "`{}` is not a pattern like example.com/legal/terms* or *.example.com/terms*: {why}",
                clip(p)
            ),
        }
    }
}

/// A problem of the knowledge base: its kind, where it is, and the entry and
/// field it concerns, each in its reader's notation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KbError {
    /// What is wrong (boxed: the error stays small on the `Ok` path).
    pub kind: Box<KbErrorKind>,
    /// Where.
    pub at: Location,
    /// The entry (`provision `aws.x``, `provisions[3] (acme.x)`), empty for a whole file.
    pub entry: String,
    /// The field of the entry (`wording.text`, `wordings[0].text`), empty for the entry itself.
    pub field: String,
}

impl KbError {
    /// A problem of a whole file.
    pub fn file(file: impl Into<PathBuf>, kind: KbErrorKind) -> KbError {
        KbError {
            kind: Box::new(kind),
            at: Location::File(file.into()),
            entry: String::new(),
            field: String::new(),
        }
    }

    /// A problem of an entry and a field at a location.
    pub fn at(
        at: Location,
        entry: impl Into<String>,
        field: impl Into<String>,
        kind: KbErrorKind,
    ) -> KbError {
        KbError {
            kind: Box::new(kind),
            at,
            entry: entry.into(),
            field: field.into(),
        }
    }
}

impl fmt::Display for KbError {
    /// TOML sources and files: `where: entry: field `f` message`; JSON: `entry: field "f": message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let json = matches!(self.at, Location::Json(_));
        if !json {
            write!(f, "{}: ", self.at)?;
        }
        if !self.entry.is_empty() {
            write!(f, "{}: ", self.entry)?;
        }
        match (self.field.is_empty(), json) {
            (true, _) => write!(f, "{}", self.kind),
            (false, true) => write!(f, "field \"{}\": {}", self.field, self.kind),
            (false, false) => write!(f, "field `{}` {}", self.field, self.kind),
        }
    }
}

impl std::error::Error for KbError {}

/// A value quoted in a message, at most 60 characters, with control and bidi
/// characters shown as escapes so the message reads as written.
pub fn clip(s: &str) -> String {
    let mut out: String = s
        .chars()
        .take(60)
        .flat_map(|c| {
            if c.is_control() || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') {
                c.escape_unicode().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect();
    if s.chars().count() > 60 {
        out.push('…');
    }
    out
}
