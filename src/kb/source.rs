//! Reads the knowledge-base sources (`data/*.toml`, `data/provisions/*.toml`)
//! into a [`KnowledgeBase`], reporting every problem with its file and line.
//!
//! The TOML is read with `toml::Spanned` on every field; the entries, in the
//! model's types, are checked by [`super::rules`], and each problem's field is
//! turned into the line it was written on. `crate::build::corpus` adds the
//! rules that need the corpus.

use super::error::{KbError, KbErrorKind, Location};
use super::rules::{self, Field, Known, Problem};
use super::{
    Compliance, Document, Exposure, KnowledgeBase, MissingDocument, Platform, Provision,
    SecondaryKind, SecondaryQuote, Topic, Wording,
};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// Where each provision and each of its wordings was written.
#[derive(Clone, Debug)]
pub struct Origin {
    /// The `[[provision]]` entry.
    pub provision: Location,
    /// Each `[[provision.wording]]` text, in order.
    pub wordings: Vec<Location>,
}

/// A knowledge base read from its sources.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The compiled knowledge base.
    pub kb: KnowledgeBase,
    /// `origins[i]` says where `kb.provisions[i]` was written.
    pub origins: Vec<Origin>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlatformsFile {
    platform: Vec<Spanned<RawPlatform>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlatform {
    id: Spanned<String>,
    name: Spanned<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    document: Vec<Spanned<RawDocument>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDocument {
    id: Spanned<String>,
    name: Spanned<String>,
    url: Spanned<String>,
    #[serde(rename = "match")]
    patterns: Spanned<Vec<String>>,
    #[serde(default)]
    corpus: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TopicsFile {
    topic: Vec<Spanned<RawTopic>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTopic {
    id: Spanned<String>,
    name: Spanned<String>,
    description: Spanned<String>,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    claudette: Vec<String>,
    #[serde(default)]
    check: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SecondaryFile {
    #[serde(default)]
    secondary: Vec<RawSecondary>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSecondary {
    id: Spanned<String>,
    platform: Spanned<String>,
    document: Spanned<String>,
    url: Spanned<String>,
    topics: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    kind: SecondaryKind,
    quote: Spanned<String>,
    source: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MissingFile {
    #[serde(default)]
    document: Vec<Spanned<MissingDocument>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProvisionsFile {
    #[serde(default)]
    provision: Vec<Spanned<RawProvision>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProvision {
    id: Spanned<String>,
    document: Spanned<String>,
    section: Spanned<String>,
    title: Spanned<String>,
    topics: Spanned<Vec<Spanned<String>>>,
    explanation: Spanned<String>,
    why_it_matters: Spanned<String>,
    uncertainty: Spanned<String>,
    wording: Spanned<Vec<Spanned<RawWording>>>,
    compliance: Spanned<RawCompliance>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWording {
    text: Spanned<String>,
    versions: Spanned<Vec<Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCompliance {
    regulatory_landscape: Spanned<String>,
    exposure: Spanned<String>,
    exposure_reason: Spanned<String>,
    jurisdictions: Spanned<Vec<String>>,
    contract_implications: Spanned<String>,
    steps: Spanned<Vec<String>>,
}

/// One source file's text, for turning byte offsets into lines.
struct SourceFile {
    path: PathBuf,
    text: String,
}

impl SourceFile {
    fn read(path: &Path) -> Result<SourceFile, KbError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| KbError::file(path, KbErrorKind::Unreadable(e.to_string())))?;
        Ok(SourceFile {
            path: path.to_path_buf(),
            text,
        })
    }

    fn at(&self, offset: usize) -> Location {
        let upto = self.text.get(..offset.min(self.text.len())).unwrap_or("");
        Location::Line {
            file: self.path.clone(),
            line: upto.bytes().filter(|&b| b == b'\n').count() + 1,
        }
    }

    fn parse<T: for<'de> Deserialize<'de>>(&self) -> Result<T, KbError> {
        toml::from_str(&self.text).map_err(|e| {
            let at = e.span().map_or_else(|| self.at(0), |s| self.at(s.start));
            KbError::at(
                at,
                "",
                "",
                KbErrorKind::Syntax(e.message().trim().to_string()),
            )
        })
    }

    /// The problems of one entry, each at the line of its field.
    fn report(
        &self,
        problems: &mut Vec<KbError>,
        entry: &str,
        found: Vec<Problem>,
        offset: impl Fn(Field) -> usize,
    ) {
        for p in found {
            let (field, in_compliance) = p.field.toml();
            let entry = if in_compliance {
                format!("{entry}: compliance")
            } else {
                entry.to_string()
            };
            problems.push(KbError::at(self.at(offset(p.field)), entry, field, p.kind));
        }
    }
}

fn strings(list: Vec<Spanned<String>>) -> Vec<String> {
    list.into_iter().map(Spanned::into_inner).collect()
}

/// Reads every source under `data_dir`. On any problem, returns all of them.
pub fn load(data_dir: &Path) -> Result<Loaded, Vec<KbError>> {
    let mut problems = Vec::new();
    let mut known = Known::default();
    let mut kb = KnowledgeBase {
        format: super::FORMAT_VERSION,
        ..KnowledgeBase::default()
    };
    kb.platforms = read_platforms(&data_dir.join("platforms.toml"), &mut known, &mut problems)
        .map_err(|e| vec![e])?;
    kb.topics = read_topics(&data_dir.join("topics.toml"), &mut known, &mut problems)
        .map_err(|e| vec![e])?;
    let secondary_path = data_dir.join("secondary.toml");
    if secondary_path.is_file() {
        kb.secondary =
            read_secondary(&secondary_path, &known, &mut problems).map_err(|e| vec![e])?;
    }
    let missing_path = data_dir.join(MISSING_FILE);
    if missing_path.is_file() {
        kb.missing_documents =
            read_missing(&missing_path, &known, &mut problems).map_err(|e| vec![e])?;
    }
    let mut origins = Vec::new();
    for path in provision_files(data_dir).map_err(|e| vec![e])? {
        match read_provisions(&path, &mut known, &mut problems) {
            Ok(read) => {
                for (p, origin) in read {
                    kb.provisions.push(p);
                    origins.push(origin);
                }
            }
            Err(e) => problems.push(e),
        }
    }
    if problems.is_empty() {
        Ok(Loaded { kb, origins })
    } else {
        Err(problems)
    }
}

fn read_platforms(
    path: &Path,
    known: &mut Known,
    problems: &mut Vec<KbError>,
) -> Result<Vec<Platform>, KbError> {
    let file = SourceFile::read(path)?;
    let parsed: PlatformsFile = file.parse()?;
    let mut platforms = Vec::new();
    for p in parsed.platform {
        let start = p.span().start;
        let p = p.into_inner();
        let (id_at, name_at) = (p.id.span().start, p.name.span().start);
        let mut platform = Platform {
            id: p.id.into_inner(),
            name: p.name.into_inner(),
            aliases: p.aliases,
            documents: Vec::new(),
        };
        let found = rules::platform(&platform, known, file.at(start));
        let entry = format!("platform `{}`", platform.id);
        file.report(problems, &entry, found, |f| match f {
            Field::Named("id") => id_at,
            Field::Named("name") => name_at,
            _ => start,
        });
        for d in p.document {
            let d = d.into_inner();
            let spans = [d.id.span().start, d.name.span().start, d.url.span().start];
            let match_at = d.patterns.span().start;
            let document = Document {
                id: d.id.into_inner(),
                name: d.name.into_inner(),
                url: d.url.into_inner(),
                patterns: d.patterns.into_inner(),
                corpus: d.corpus,
            };
            let found = rules::document(&document, &platform.id, known, file.at(spans[0]));
            let entry = format!("document `{}`", document.id);
            file.report(problems, &entry, found, |f| match f {
                Field::Named("name") => spans[1],
                Field::Named("url") => spans[2],
                Field::Named("match") | Field::Item("match", _) => match_at,
                _ => spans[0],
            });
            platform.documents.push(document);
        }
        platforms.push(platform);
    }
    Ok(platforms)
}

fn read_topics(
    path: &Path,
    known: &mut Known,
    problems: &mut Vec<KbError>,
) -> Result<Vec<Topic>, KbError> {
    let file = SourceFile::read(path)?;
    let parsed: TopicsFile = file.parse()?;
    let mut topics = Vec::new();
    for t in parsed.topic {
        let t = t.into_inner();
        let entry = format!("topic `{}`", t.id.get_ref());
        for (field, value) in [
            ("id", &t.id),
            ("name", &t.name),
            ("description", &t.description),
        ] {
            if value.get_ref().trim().is_empty() {
                let at = file.at(value.span().start);
                problems.push(KbError::at(at, &entry, field, KbErrorKind::Empty));
            }
        }
        if !known.topics.insert(t.id.get_ref().clone()) {
            let at = file.at(t.id.span().start);
            let kind = KbErrorKind::Other("is a duplicate id".into());
            problems.push(KbError::at(at, &entry, "id", kind));
        }
        topics.push(Topic {
            id: t.id.into_inner(),
            name: t.name.into_inner(),
            description: t.description.into_inner(),
            keywords: t.keywords,
            claudette: t.claudette,
            check: t.check,
        });
    }
    Ok(topics)
}

fn read_secondary(
    path: &Path,
    known: &Known,
    problems: &mut Vec<KbError>,
) -> Result<Vec<SecondaryQuote>, KbError> {
    let file = SourceFile::read(path)?;
    let parsed: SecondaryFile = file.parse()?;
    let mut out = Vec::new();
    for s in parsed.secondary {
        let spans = [
            s.id.span().start,
            s.platform.span().start,
            s.topics.span().start,
        ];
        let topic_spans: Vec<usize> = s.topics.get_ref().iter().map(|t| t.span().start).collect();
        let q = SecondaryQuote {
            id: s.id.into_inner(),
            platform: s.platform.into_inner(),
            document: s.document.into_inner(),
            url: s.url.into_inner(),
            topics: strings(s.topics.into_inner()),
            kind: s.kind,
            quote: s.quote.into_inner(),
            source: s.source.into_inner(),
        };
        let entry = format!("secondary quote `{}`", q.id);
        file.report(problems, &entry, rules::secondary(&q, known), |f| match f {
            Field::Named("platform") => spans[1],
            Field::Named("topics") => spans[2],
            Field::Item(_, i) => topic_spans.get(i).copied().unwrap_or(spans[2]),
            _ => spans[0],
        });
        out.push(q);
    }
    Ok(out)
}

/// The documents termlens names but has no text of, beside the sources.
pub const MISSING_FILE: &str = "missing-documents.toml";

/// Reads the missing documents: each names a known platform, its fields are
/// not empty. (That the provisions they name exist is checked once all are
/// read: `super::review::missing_documents`.)
fn read_missing(
    path: &Path,
    known: &Known,
    problems: &mut Vec<KbError>,
) -> Result<Vec<MissingDocument>, KbError> {
    let file = SourceFile::read(path)?;
    let parsed: MissingFile = file.parse()?;
    let mut out = Vec::new();
    for d in parsed.document {
        let at = file.at(d.span().start);
        let d = d.into_inner();
        let entry = format!("missing document `{}`", d.id);
        for (field, value) in [
            ("id", &d.id),
            ("platform", &d.platform),
            ("name", &d.name),
            ("url", &d.url),
            ("why_it_matters", &d.why_it_matters),
        ] {
            if value.trim().is_empty() {
                problems.push(KbError::at(at.clone(), &entry, field, KbErrorKind::Empty));
            }
        }
        if !known.platforms.contains_key(&d.platform) {
            let kind = KbErrorKind::UnknownPlatform(d.platform.clone());
            problems.push(KbError::at(at.clone(), &entry, "platform", kind));
        }
        out.push(d);
    }
    Ok(out)
}

/// `data/provisions/*.toml`, in name order.
fn provision_files(data_dir: &Path) -> Result<Vec<PathBuf>, KbError> {
    let dir = data_dir.join("provisions");
    let entries = std::fs::read_dir(&dir)
        .map_err(|e| KbError::file(&dir, KbErrorKind::Unreadable(e.to_string())))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    Ok(files)
}

/// Where each field of a provision was written (byte offsets).
struct Spans {
    entry: usize,
    named: Vec<(&'static str, usize)>,
    topics: Vec<usize>,
    wordings: usize,
    texts: Vec<usize>,
    versions: Vec<(usize, Vec<usize>)>,
    compliance: Vec<(&'static str, usize)>,
}

impl Spans {
    fn of(&self, field: Field) -> usize {
        let named =
            |list: &[(&str, usize)], n: &str| list.iter().find(|(k, _)| *k == n).map(|(_, at)| *at);
        let found = match field {
            Field::Entry => None,
            Field::Named(n) => named(&self.named, n),
            Field::Item(_, i) => self.topics.get(i).copied(),
            Field::Wordings => Some(self.wordings),
            Field::WordingText(k) => self.texts.get(k).copied(),
            Field::WordingVersions(k) => self.versions.get(k).map(|v| v.0),
            Field::WordingVersion(k, n) => self.versions.get(k).and_then(|v| v.1.get(n).copied()),
            Field::Compliance(n) | Field::ComplianceItem(n, _) => named(&self.compliance, n),
        };
        found.unwrap_or(self.entry)
    }
}

fn read_provisions(
    path: &Path,
    known: &mut Known,
    problems: &mut Vec<KbError>,
) -> Result<Vec<(Provision, Origin)>, KbError> {
    let file = SourceFile::read(path)?;
    let parsed: ProvisionsFile = file.parse()?;
    let mut out = Vec::new();
    for raw in parsed.provision {
        let entry_at = raw.span().start;
        let (mut p, spans, exposure) = provision(raw.into_inner(), entry_at);
        // The platform is the document's (the id's prefix when the document is unknown).
        p.platform = match known.documents.get(&p.document) {
            Some((platform, _)) => platform.clone(),
            None => p.id.split('.').next().unwrap_or_default().to_string(),
        };
        let mut found = rules::provision(&p, known, &|f| file.at(spans.of(f)));
        match rules::exposure(&exposure) {
            Ok(e) => p.compliance.exposure = e,
            Err(kind) => found.push(Problem {
                field: Field::Compliance("exposure"),
                kind,
            }),
        }
        file.report(problems, &format!("provision `{}`", p.id), found, |f| {
            spans.of(f)
        });
        let origin = Origin {
            provision: file.at(entry_at),
            wordings: spans.texts.iter().map(|&at| file.at(at)).collect(),
        };
        out.push((p, origin));
    }
    Ok(out)
}

/// The provision in the model's types (exposure medium until checked), where
/// each field was written, and the exposure as written.
fn provision(raw: RawProvision, entry: usize) -> (Provision, Spans, String) {
    let c = raw.compliance.into_inner();
    let wordings = raw.wording.get_ref();
    let spans = Spans {
        entry,
        named: vec![
            ("id", raw.id.span().start),
            ("document", raw.document.span().start),
            ("platform", raw.document.span().start),
            ("section", raw.section.span().start),
            ("title", raw.title.span().start),
            ("topics", raw.topics.span().start),
            ("explanation", raw.explanation.span().start),
            ("why_it_matters", raw.why_it_matters.span().start),
            ("uncertainty", raw.uncertainty.span().start),
        ],
        topics: raw
            .topics
            .get_ref()
            .iter()
            .map(|t| t.span().start)
            .collect(),
        wordings: raw.wording.span().start,
        texts: wordings
            .iter()
            .map(|w| w.get_ref().text.span().start)
            .collect(),
        versions: wordings
            .iter()
            .map(|w| {
                let v = &w.get_ref().versions;
                (
                    v.span().start,
                    v.get_ref().iter().map(|d| d.span().start).collect(),
                )
            })
            .collect(),
        compliance: vec![
            ("regulatory_landscape", c.regulatory_landscape.span().start),
            ("exposure", c.exposure.span().start),
            ("exposure_reason", c.exposure_reason.span().start),
            ("jurisdictions", c.jurisdictions.span().start),
            (
                "contract_implications",
                c.contract_implications.span().start,
            ),
            ("steps", c.steps.span().start),
        ],
    };
    let p = Provision {
        id: raw.id.into_inner(),
        platform: String::new(),
        document: raw.document.into_inner(),
        section: raw.section.into_inner(),
        title: raw.title.into_inner(),
        topics: strings(raw.topics.into_inner()),
        wordings: raw
            .wording
            .into_inner()
            .into_iter()
            .map(|w| {
                let w = w.into_inner();
                Wording {
                    text: w.text.into_inner(),
                    versions: strings(w.versions.into_inner()),
                }
            })
            .collect(),
        explanation: raw.explanation.into_inner(),
        why_it_matters: raw.why_it_matters.into_inner(),
        uncertainty: raw.uncertainty.into_inner(),
        compliance: Compliance {
            regulatory_landscape: c.regulatory_landscape.into_inner(),
            exposure: Exposure::Medium,
            exposure_reason: c.exposure_reason.into_inner(),
            jurisdictions: c.jurisdictions.into_inner(),
            contract_implications: c.contract_implications.into_inner(),
            steps: c.steps.into_inner(),
        },
        history: None,
        comparisons: Vec::new(),
    };
    (p, spans, c.exposure.into_inner())
}
