//! Reads the knowledge-base sources (`data/*.toml`, `data/provisions/*.toml`)
//! into a [`KnowledgeBase`], reporting every problem with its file and line.
//!
//! Structural rules live here (they need no corpus): required fields are
//! present and not empty, ids are unique, documents and topics exist, the
//! exposure is `low`, `medium` or `high`, a clause is long enough to be
//! recognised on its own, and no two provisions quote the same text.
//! [`super::check`] adds the rules that need the corpus.

use super::{
    Compliance, Document, Exposure, KbError, KnowledgeBase, Platform, Provision, Topic, Wording,
};
use crate::text::Words;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The fewest words a clause wording may have: shorter quotes are too generic
/// to identify a provision (see ARCHITECTURE.md, "Thresholds").
pub const MIN_WORDING_WORDS: usize = 12;

/// Where an entry was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// Source file.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)
    }
}

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
    quote: Spanned<String>,
    source: Spanned<String>,
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
            .map_err(|e| KbError::new(format!("{}: cannot read: {e}", path.display())))?;
        Ok(SourceFile {
            path: path.to_path_buf(),
            text,
        })
    }

    fn at(&self, offset: usize) -> Location {
        let upto = self.text.get(..offset.min(self.text.len())).unwrap_or("");
        Location {
            file: self.path.clone(),
            line: upto.bytes().filter(|&b| b == b'\n').count() + 1,
        }
    }

    fn parse<T: for<'de> Deserialize<'de>>(&self) -> Result<T, KbError> {
        toml::from_str(&self.text).map_err(|e| {
            let loc = e.span().map_or_else(|| self.at(0), |s| self.at(s.start));
            KbError::new(format!("{loc}: {}", e.message().trim()))
        })
    }
}

/// Collects problems instead of stopping at the first.
#[derive(Default)]
struct Problems(Vec<KbError>);

impl Problems {
    fn add(&mut self, loc: Location, what: impl std::fmt::Display) {
        self.0.push(KbError::new(format!("{loc}: {what}")));
    }
}

/// Reads every source under `data_dir`. On any problem, returns all of them.
pub fn load(data_dir: &Path) -> Result<Loaded, Vec<KbError>> {
    let mut problems = Problems::default();
    let mut kb = KnowledgeBase {
        format: super::FORMAT_VERSION,
        ..KnowledgeBase::default()
    };

    let platforms_file = SourceFile::read(&data_dir.join("platforms.toml")).map_err(|e| vec![e])?;
    let platforms: PlatformsFile = platforms_file.parse().map_err(|e| vec![e])?;
    let mut doc_owner: HashMap<String, String> = HashMap::new();
    for p in platforms.platform {
        let loc = platforms_file.at(p.span().start);
        let p = p.into_inner();
        require(&mut problems, &platforms_file, &p.id, "platform", "id");
        require(&mut problems, &platforms_file, &p.name, "platform", "name");
        let mut documents = Vec::new();
        for d in p.document {
            let d = d.into_inner();
            let entry = format!("document `{}`", d.id.get_ref());
            for (field, value) in [("id", &d.id), ("name", &d.name), ("url", &d.url)] {
                require(&mut problems, &platforms_file, value, &entry, field);
            }
            if d.patterns.get_ref().is_empty() {
                problems.add(
                    platforms_file.at(d.patterns.span().start),
                    format!("{entry}: field `match` is empty"),
                );
            }
            if !d.id.get_ref().starts_with(&format!("{}/", p.id.get_ref())) {
                problems.add(
                    platforms_file.at(d.id.span().start),
                    format!(
                        "{entry}: a document id must start with its platform id `{}/`",
                        p.id.get_ref()
                    ),
                );
            }
            if doc_owner
                .insert(d.id.get_ref().clone(), p.id.get_ref().clone())
                .is_some()
            {
                problems.add(
                    platforms_file.at(d.id.span().start),
                    format!("{entry}: duplicate document id"),
                );
            }
            documents.push(Document {
                id: d.id.into_inner(),
                name: d.name.into_inner(),
                url: d.url.into_inner(),
                patterns: d.patterns.into_inner(),
                corpus: d.corpus,
            });
        }
        if kb
            .platforms
            .iter()
            .any(|q: &Platform| q.id == *p.id.get_ref())
        {
            problems.add(loc, format!("platform `{}`: duplicate id", p.id.get_ref()));
        }
        kb.platforms.push(Platform {
            id: p.id.into_inner(),
            name: p.name.into_inner(),
            documents,
        });
    }

    let topics_file = SourceFile::read(&data_dir.join("topics.toml")).map_err(|e| vec![e])?;
    let topics: TopicsFile = topics_file.parse().map_err(|e| vec![e])?;
    for t in topics.topic {
        let t = t.into_inner();
        let entry = format!("topic `{}`", t.id.get_ref());
        for (field, value) in [
            ("id", &t.id),
            ("name", &t.name),
            ("description", &t.description),
        ] {
            require(&mut problems, &topics_file, value, &entry, field);
        }
        if kb.topics.iter().any(|q: &Topic| q.id == *t.id.get_ref()) {
            problems.add(
                topics_file.at(t.id.span().start),
                format!("{entry}: duplicate id"),
            );
        }
        kb.topics.push(Topic {
            id: t.id.into_inner(),
            name: t.name.into_inner(),
            description: t.description.into_inner(),
        });
    }
    let topic_ids: HashSet<String> = kb.topics.iter().map(|t| t.id.clone()).collect();

    let secondary_path = data_dir.join("secondary.toml");
    if secondary_path.is_file() {
        let file = SourceFile::read(&secondary_path).map_err(|e| vec![e])?;
        let parsed: SecondaryFile = file.parse().map_err(|e| vec![e])?;
        for s in parsed.secondary {
            let entry = format!("secondary quote `{}`", s.id.get_ref());
            for (field, value) in [
                ("id", &s.id),
                ("platform", &s.platform),
                ("document", &s.document),
                ("url", &s.url),
                ("quote", &s.quote),
                ("source", &s.source),
            ] {
                require(&mut problems, &file, value, &entry, field);
            }
            if s.topics.get_ref().is_empty() {
                problems.add(
                    file.at(s.topics.span().start),
                    format!("{entry}: field `topics` is empty"),
                );
            }
            for t in s.topics.get_ref() {
                if !topic_ids.contains(t.get_ref()) {
                    problems.add(
                        file.at(t.span().start),
                        format!("{entry}: field `topics`: unknown topic `{}`", t.get_ref()),
                    );
                }
            }
            kb.secondary.push(super::SecondaryQuote {
                id: s.id.into_inner(),
                platform: s.platform.into_inner(),
                document: s.document.into_inner(),
                url: s.url.into_inner(),
                topics: s
                    .topics
                    .into_inner()
                    .into_iter()
                    .map(Spanned::into_inner)
                    .collect(),
                quote: s.quote.into_inner(),
                source: s.source.into_inner(),
            });
        }
    }

    let mut files: Vec<PathBuf> = std::fs::read_dir(data_dir.join("provisions"))
        .map_err(|e| {
            vec![KbError::new(format!(
                "{}: cannot list: {e}",
                data_dir.join("provisions").display()
            ))]
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();

    let mut origins = Vec::new();
    let mut seen_ids: HashMap<String, Location> = HashMap::new();
    // Normalised wording -> (provision id, where), to catch two provisions quoting the same text.
    let mut seen_quotes: HashMap<String, (String, Location)> = HashMap::new();
    for path in files {
        let file = match SourceFile::read(&path) {
            Ok(f) => f,
            Err(e) => {
                problems.0.push(e);
                continue;
            }
        };
        let parsed: ProvisionsFile = match file.parse() {
            Ok(p) => p,
            Err(e) => {
                problems.0.push(e);
                continue;
            }
        };
        for raw in parsed.provision {
            let loc = file.at(raw.span().start);
            let raw = raw.into_inner();
            let id = raw.id.get_ref().clone();
            let entry = format!("provision `{id}`");
            if let Some(first) = seen_ids.insert(id.clone(), loc.clone()) {
                problems.add(
                    file.at(raw.id.span().start),
                    format!("{entry}: duplicate id (first at {first})"),
                );
            }
            for (field, value) in [
                ("id", &raw.id),
                ("document", &raw.document),
                ("section", &raw.section),
                ("title", &raw.title),
                ("explanation", &raw.explanation),
                ("why_it_matters", &raw.why_it_matters),
                ("uncertainty", &raw.uncertainty),
            ] {
                require(&mut problems, &file, value, &entry, field);
            }
            let platform = match doc_owner.get(raw.document.get_ref()) {
                Some(p) => p.clone(),
                None => {
                    problems.add(
                        file.at(raw.document.span().start),
                        format!(
                            "{entry}: field `document`: unknown document `{}`",
                            raw.document.get_ref()
                        ),
                    );
                    String::new()
                }
            };
            if !platform.is_empty() && !id.starts_with(&format!("{platform}.")) {
                problems.add(
                    file.at(raw.id.span().start),
                    format!("{entry}: field `id` must start with the platform id `{platform}.`"),
                );
            }
            if raw.topics.get_ref().is_empty() {
                problems.add(
                    file.at(raw.topics.span().start),
                    format!("{entry}: field `topics` is empty"),
                );
            }
            for t in raw.topics.get_ref() {
                if !topic_ids.contains(t.get_ref()) {
                    problems.add(
                        file.at(t.span().start),
                        format!("{entry}: field `topics`: unknown topic `{}`", t.get_ref()),
                    );
                }
            }
            if raw.wording.get_ref().is_empty() {
                problems.add(
                    file.at(raw.wording.span().start),
                    format!("{entry}: no `[[provision.wording]]`"),
                );
            }
            let mut wordings = Vec::new();
            let mut wording_locs = Vec::new();
            for w in raw.wording.into_inner() {
                let w = w.into_inner();
                let wloc = file.at(w.text.span().start);
                require(&mut problems, &file, &w.text, &entry, "wording.text");
                let words = Words::new(w.text.get_ref());
                if !w.text.get_ref().trim().is_empty() && words.len() < MIN_WORDING_WORDS {
                    problems.add(
                        wloc.clone(),
                        format!(
                            "{entry}: field `wording.text` has {} words; a clause needs at least {MIN_WORDING_WORDS} to be recognised on its own",
                            words.len()
                        ),
                    );
                }
                if w.versions.get_ref().is_empty() {
                    problems.add(
                        file.at(w.versions.span().start),
                        format!("{entry}: field `wording.versions` is empty"),
                    );
                }
                for v in w.versions.get_ref() {
                    if !is_version_date(v.get_ref()) {
                        problems.add(
                            file.at(v.span().start),
                            format!("{entry}: field `wording.versions`: `{}` is not a date like 2025-11-11 or 2026-05-18-2", v.get_ref()),
                        );
                    }
                }
                let key = words.joined().to_string();
                if !key.is_empty() {
                    match seen_quotes.get(&key) {
                        Some((other, at)) if *other != id => problems.add(
                            wloc.clone(),
                            format!("{entry}: field `wording.text` quotes the same text as provision `{other}` ({at})"),
                        ),
                        Some(_) => problems.add(wloc.clone(), format!("{entry}: the same wording is listed twice")),
                        None => {
                            seen_quotes.insert(key, (id.clone(), wloc.clone()));
                        }
                    }
                }
                wording_locs.push(wloc);
                wordings.push(Wording {
                    text: w.text.into_inner(),
                    versions: w
                        .versions
                        .into_inner()
                        .into_iter()
                        .map(Spanned::into_inner)
                        .collect(),
                });
            }
            let c = raw.compliance.into_inner();
            let centry = format!("{entry}: compliance");
            for (field, value) in [
                ("regulatory_landscape", &c.regulatory_landscape),
                ("exposure_reason", &c.exposure_reason),
                ("contract_implications", &c.contract_implications),
            ] {
                require(&mut problems, &file, value, &centry, field);
            }
            let exposure = Exposure::parse(c.exposure.get_ref()).unwrap_or_else(|| {
                problems.add(
                    file.at(c.exposure.span().start),
                    format!(
                        "{centry}: field `exposure` is `{}`; use low, medium or high",
                        c.exposure.get_ref()
                    ),
                );
                Exposure::Medium
            });
            for (field, list) in [("jurisdictions", &c.jurisdictions), ("steps", &c.steps)] {
                if list.get_ref().iter().all(|s| s.trim().is_empty()) {
                    problems.add(
                        file.at(list.span().start),
                        format!("{centry}: field `{field}` is empty"),
                    );
                }
            }
            kb.provisions.push(Provision {
                id,
                platform,
                document: raw.document.into_inner(),
                section: raw.section.into_inner(),
                title: raw.title.into_inner(),
                topics: raw
                    .topics
                    .into_inner()
                    .into_iter()
                    .map(Spanned::into_inner)
                    .collect(),
                wordings,
                explanation: raw.explanation.into_inner(),
                why_it_matters: raw.why_it_matters.into_inner(),
                uncertainty: raw.uncertainty.into_inner(),
                compliance: Compliance {
                    regulatory_landscape: c.regulatory_landscape.into_inner(),
                    exposure,
                    exposure_reason: c.exposure_reason.into_inner(),
                    jurisdictions: c.jurisdictions.into_inner(),
                    contract_implications: c.contract_implications.into_inner(),
                    steps: c.steps.into_inner(),
                },
                history: None,
            });
            origins.push(Origin {
                provision: loc,
                wordings: wording_locs,
            });
        }
    }
    if problems.0.is_empty() {
        Ok(Loaded { kb, origins })
    } else {
        Err(problems.0)
    }
}

fn require(
    problems: &mut Problems,
    file: &SourceFile,
    value: &Spanned<String>,
    entry: &str,
    field: &str,
) {
    if value.get_ref().trim().is_empty() {
        problems.add(
            file.at(value.span().start),
            format!("{entry}: field `{field}` is empty"),
        );
    }
}

/// `YYYY-MM-DD` optionally followed by `-N` (a later version the same day).
fn is_version_date(s: &str) -> bool {
    let b = s.as_bytes();
    let date = b.len() >= 10
        && b[..10].iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    date && (b.len() == 10
        || (b.len() > 11 && b[10] == b'-' && b[11..].iter().all(u8::is_ascii_digit)))
}

#[cfg(test)]
mod tests {
    use super::is_version_date;

    #[test]
    fn version_dates() {
        assert!(is_version_date("2025-11-11"));
        assert!(is_version_date("2026-05-18-2"));
        assert!(!is_version_date("2026-5-18"));
        assert!(!is_version_date("2026-05-18-"));
        assert!(!is_version_date("latest"));
    }
}
