//! The termlens command line: the same core as the extension, for curators and CI.

use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use termlens::build;
use termlens::engine::{Engine, PageResult};
use termlens::kb;
use termlens::matcher::Status;

#[derive(Parser)]
#[command(
    name = "termlens",
    version,
    about = "Recognise known provisions of AI vendors' terms",
    after_help = "Limits: annotate, extract and diff refuse (with an error and a non-zero exit) \
                  a file over 20 MiB, and HTML that nests elements more than 512 deep or \
                  leaves more than 512 formatting elements (<b>, <font>, ...) open."
)]
struct Cli {
    /// Knowledge-base sources (default: ./data, or the one beside this crate).
    #[arg(long, global = true)]
    data: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the provisions found in an HTML, Markdown or text file.
    ///
    /// Refuses a file over 20 MiB, and HTML nesting elements more than 512 deep
    /// (or leaving more than 512 formatting elements open), with an error.
    Annotate {
        /// The file to read.
        file: PathBuf,
        /// Print JSON: an object with an `annotations` array and a
        /// `detections` array (clause categories of the other passages).
        #[arg(long)]
        json: bool,
        /// The page's URL, to identify a known document.
        #[arg(long, default_value = "")]
        url: String,
        /// The classifier model (default: model.json in the data directory).
        /// A missing or unusable model is reported on stderr and the page is
        /// annotated without detections.
        #[arg(long)]
        model: Option<PathBuf>,
    },
    /// Print the text of an HTML, Markdown or text file as termlens reads it
    /// (the text `annotate` matches; the extension reads the same from the page).
    Extract {
        /// The file to read.
        #[arg(required_unless_present = "rules_js")]
        file: Option<PathBuf>,
        /// Print the element rules as the ES module the extension imports
        /// (pkg/extract-rules.js) instead.
        #[arg(long, conflicts_with = "file")]
        rules_js: bool,
        /// Print only the page's main content (what snapshots, fingerprints
        /// and diffs compare: the document without the site's navigation,
        /// header, footer, cookie banner ...), one line per kept range.
        #[arg(long, conflicts_with_all = ["rules_js", "outline"])]
        main: bool,
        /// Print the page's outline (JSON: the block elements the main-content
        /// rule reads, as the extension builds it).
        #[arg(long, conflicts_with = "rules_js")]
        outline: bool,
        /// With `--main`: say why (the top candidate, the container, each
        /// block left out and why) instead of printing the text.
        #[arg(long, requires = "main")]
        why: bool,
    },
    /// Print what changed from OLD to NEW (HTML, Markdown or text files), in
    /// NEW's order, as the extension's "What changed" panel lists it.
    ///
    /// With `--known PAGE --url URL`: what a first visit to PAGE shows, compared
    /// with the version termlens knows of URL's document (its fingerprint).
    ///
    /// Refuses a file over 20 MiB, and HTML nesting elements more than 512 deep
    /// (or leaving more than 512 formatting elements open), with an error.
    Diff {
        /// The earlier version.
        #[arg(required_unless_present = "known")]
        old: Option<PathBuf>,
        /// The later version.
        #[arg(required_unless_present = "known")]
        new: Option<PathBuf>,
        /// Print JSON: `since`, `changes` (offsets into NEW's extracted text) and
        /// `summary`; with `--known`, also `notice` (whether the "differs from the
        /// version termlens knows" notice appears).
        #[arg(long)]
        json: bool,
        /// A page to compare with the version termlens knows (instead of OLD NEW).
        #[arg(long, value_name = "PAGE", conflicts_with_all = ["old", "new"])]
        known: Option<PathBuf>,
        /// The page's URL (with `--known`), to identify its document.
        #[arg(long, requires = "known", default_value = "")]
        url: String,
        /// The fingerprints directory (with `--known`; default: fingerprints/ in
        /// the data directory, written by `kb fingerprints`).
        #[arg(long, requires = "known")]
        fingerprints: Option<PathBuf>,
    },
    /// Look provisions up across platforms: typed words (typos, any order, the
    /// last word may be a prefix) or a pasted clause (12 words or more).
    Lookup {
        /// The query words, or a clause.
        #[arg(required_unless_present = "eval", num_args = 1..)]
        query: Vec<String>,
        /// Measure the ranking on a query set instead (bench/lookup-queries.toml):
        /// precision at 5 and the share of first hits that are right.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["platforms", "topics", "exposure"])]
        eval: Option<PathBuf>,
        /// Only this platform (repeatable).
        #[arg(long = "platform", value_name = "ID")]
        platforms: Vec<String>,
        /// Only provisions with this topic (repeatable).
        #[arg(long = "topic", value_name = "ID")]
        topics: Vec<String>,
        /// Only this governance exposure: low, medium or high (repeatable).
        #[arg(long = "exposure", value_name = "LEVEL")]
        exposure: Vec<String>,
        /// Print JSON: an array of hits.
        #[arg(long)]
        json: bool,
        /// At most this many results.
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
    /// Print the clause categories of each line of FILE (one passage per line).
    Classify {
        /// The file: UTF-8 text, one passage per line, no empty line.
        file: PathBuf,
        /// Print JSON: an array of `{"line": N, "topics": [{"topic": ID, "score": S}]}`.
        #[arg(long)]
        json: bool,
        /// The model file (default: model.json in the data directory).
        #[arg(long)]
        model: Option<PathBuf>,
    },
    /// Classifier model commands.
    Model {
        #[command(subcommand)]
        command: ModelCommand,
    },
    /// Knowledge-base commands.
    Kb {
        #[command(subcommand)]
        command: KbCommand,
    },
}

#[derive(Subcommand)]
enum KbCommand {
    /// Validate every entry; with the corpus, check every quote in every version it lists.
    Check {
        /// The corpus of recorded versions (default: ../shared/corpus beside the repository).
        #[arg(long)]
        corpus: Option<PathBuf>,
        /// Check only the sources, not the quotes against the corpus.
        #[arg(long)]
        no_corpus: bool,
    },
    /// Print the compiled knowledge base.
    Export {
        /// JSON (the only format).
        #[arg(long)]
        json: bool,
    },
    /// Run the matcher over every recorded version and write each provision's
    /// history (distinct wordings, their dates, appearances) to data/history.json.
    History {
        /// The corpus of recorded versions (default: ../shared/corpus beside the repository).
        #[arg(long)]
        corpus: Option<PathBuf>,
        /// Print a readable summary instead of writing the file.
        #[arg(long)]
        print: bool,
    },
    /// Check a custom provision pack (JSON, the format of the options page's
    /// import) against the knowledge base, printing every problem with its
    /// entry and field, as the extension reports it.
    CheckPack {
        /// The pack file.
        file: PathBuf,
    },
    /// Write the fingerprint (snapshot of the latest recorded version) of each
    /// known document to data/fingerprints/, one file per document, for the
    /// extension's "differs from the version termlens knows".
    Fingerprints {
        /// The corpus of recorded versions (default: ../shared/corpus beside the repository).
        #[arg(long)]
        corpus: Option<PathBuf>,
    },
    /// Print addresses near every known document's URL patterns, each with the
    /// document it is (JSON: `[{ url, id, name }]`, `null` for none): the
    /// answers the extension's gate is tested against.
    GateCases,
    /// Write the compiled index and card store (kb.bin and cards.bin, read
    /// by the extension in place of kb.json) from a compiled kb.json.
    Binary {
        /// The compiled knowledge base (kb.json).
        #[arg(long)]
        kb: PathBuf,
        /// The folder to write kb.bin and cards.bin to.
        #[arg(long)]
        out: PathBuf,
    },
    /// Write the compiled knowledge base and the gate's list of known documents.
    Compile {
        /// Where to write kb.json.
        #[arg(long)]
        out: PathBuf,
        /// Where to write known-documents.js (for the content script's gate).
        #[arg(long)]
        gate: Option<PathBuf>,
    },
}

/// Learning settings to try in an evaluation (the defaults are the
/// shipped model's).
#[derive(clap::Args)]
struct Tuning {
    /// SVM cost of a negative.
    #[arg(long)]
    c: Option<f64>,
    /// Extra cost of a missed positive.
    #[arg(long)]
    positive_weight: Option<f64>,
    /// Fewest training passages an n-gram must occur in.
    #[arg(long)]
    min_df: Option<usize>,
    /// Longest n-gram of the dictionary, in words.
    #[arg(long)]
    max_n: Option<usize>,
    /// Weights under this (absolute) are dropped from the model.
    #[arg(long)]
    prune: Option<f64>,
    /// Held-out parts for calibration and thresholds.
    #[arg(long)]
    inner_folds: Option<u32>,
    /// Calibrate on pages only (true or false).
    #[arg(long)]
    calibrate_on_pages: Option<bool>,
    /// Learn weights for the neighbour and heading features (true or false).
    #[arg(long)]
    context: Option<bool>,
    /// Final weights as the average of the held-out parts' models (true or false).
    #[arg(long)]
    average_parts: Option<bool>,
}

impl Tuning {
    fn settings(&self) -> termlens::classify::train::Settings {
        let mut s = termlens::classify::train::Settings::default();
        s.c = self.c.unwrap_or(s.c);
        s.positive_weight = self.positive_weight.unwrap_or(s.positive_weight);
        s.min_df = self.min_df.unwrap_or(s.min_df);
        s.max_n = self.max_n.unwrap_or(s.max_n);
        s.prune = self.prune.unwrap_or(s.prune);
        s.inner_folds = self.inner_folds.unwrap_or(s.inner_folds);
        s.calibrate_on_pages = self.calibrate_on_pages.unwrap_or(s.calibrate_on_pages);
        s.context = self.context.unwrap_or(s.context);
        s.average_parts = self.average_parts.unwrap_or(s.average_parts);
        s
    }
}

#[derive(Subcommand)]
enum ModelCommand {
    /// Train the clause classifier from CLAUDETTE and the knowledge base.
    Train {
        /// Where to write the model file.
        #[arg(long)]
        out: PathBuf,
        /// CLAUDETTE's sentences (default: ../shared/claudette/claudette_en.tsv beside the repository).
        #[arg(long)]
        claudette: Option<PathBuf>,
        /// Only the first N CLAUDETTE documents (by name).
        #[arg(long, value_name = "N")]
        documents: Option<usize>,
        /// Leave the knowledge base's clauses out of the training data.
        #[arg(long)]
        no_kb: bool,
    },
    /// Compile a model file for the extension: the same model in postcard (pkg/model.bin).
    Binary {
        /// The model file (default: model.json in the data directory).
        #[arg(long)]
        model: Option<PathBuf>,
        /// Where to write the compiled model.
        #[arg(long)]
        out: PathBuf,
    },
    /// Cross-validate over CLAUDETTE's four document folds, beside a TF-IDF + linear SVM baseline;
    /// with --lopo, leave each platform out instead.
    Eval {
        /// CLAUDETTE's sentences (default: ../shared/claudette/claudette_en.tsv beside the repository).
        #[arg(long)]
        claudette: Option<PathBuf>,
        /// Leave the knowledge base's clauses out of the training data.
        #[arg(long)]
        no_kb: bool,
        /// Only the first N CLAUDETTE documents (by name).
        #[arg(long, value_name = "N")]
        documents: Option<usize>,
        /// Leave one platform out: per platform, train without its provisions and
        /// detect on the latest version of its documents in the corpus.
        #[arg(long)]
        lopo: bool,
        /// With --lopo: only this platform (repeatable; default every platform).
        #[arg(long, value_name = "ID")]
        platform: Vec<String>,
        /// With --lopo: the corpus of recorded versions (default: ../shared/corpus beside the repository).
        #[arg(long)]
        corpus: Option<PathBuf>,
        /// With --lopo: write every detection on text holding no known provision to FILE.
        #[arg(long, value_name = "FILE")]
        outside: Option<PathBuf>,
        #[command(flatten)]
        tuning: Tuning,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let data = cli.data.unwrap_or_else(default_data_dir);
    match run(&data, cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn default_data_dir() -> PathBuf {
    let here = PathBuf::from("data");
    if here.join("platforms.toml").is_file() {
        here
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
    }
}

fn default_corpus(data: &Path) -> PathBuf {
    let repo = data
        .canonicalize()
        .ok()
        .and_then(|d| d.parent().map(Path::to_path_buf));
    repo.unwrap_or_else(|| PathBuf::from("."))
        .join("../shared/corpus")
}

fn load(data: &Path) -> Result<kb::source::Loaded, String> {
    kb::source::load(data).map_err(|errors| {
        let mut out: Vec<String> = errors.iter().map(ToString::to_string).collect();
        out.push(format!("knowledge base: {} problem(s)", errors.len()));
        out.join("\n")
    })
}

fn run(data: &Path, command: Command) -> Result<(), String> {
    match command {
        Command::Annotate {
            file,
            json,
            url,
            model,
        } => {
            let model = model.unwrap_or_else(|| data.join("model.json"));
            annotate(data, &file, json, &url, &model)
        }
        Command::Extract {
            file,
            rules_js,
            main,
            outline,
            why,
        } => extract(file.as_deref(), rules_js, main, outline, why),
        Command::Diff {
            known: Some(page),
            url,
            fingerprints,
            json,
            ..
        } => diff_known(data, &page, &url, fingerprints, json),
        Command::Diff { old, new, json, .. } => match (old, new) {
            (Some(old), Some(new)) => diff(&old, &new, json),
            _ => Err("diff: OLD and NEW, or --known PAGE".into()),
        },
        Command::Lookup {
            json,
            eval: Some(file),
            ..
        } => lookup_eval(data, &file, json),
        Command::Lookup {
            query,
            platforms,
            topics,
            exposure,
            json,
            limit,
            eval: None,
        } => {
            let filters = filters(platforms, topics, &exposure)?;
            lookup(data, &query.join(" "), &filters, json, limit)
        }
        Command::Classify { file, json, model } => run_classify(data, &file, json, model),
        Command::Model { command } => run_model(data, command),
        Command::Kb { command } => match command {
            KbCommand::Check { corpus, no_corpus } => {
                kb_check(data, (!no_corpus).then(|| corpus_or_default(corpus, data)))
            }
            KbCommand::Export { json: _ } => kb_export(data),
            KbCommand::History { corpus, print } => {
                kb_history(data, &corpus_or_default(corpus, data), print)
            }
            KbCommand::CheckPack { file } => kb_check_pack(data, &file),
            KbCommand::Fingerprints { corpus } => {
                kb_fingerprints(data, &corpus_or_default(corpus, data))
            }
            KbCommand::GateCases => kb_gate_cases(data),
            KbCommand::Compile { out, gate } => kb_compile(data, &out, gate.as_deref()),
            KbCommand::Binary { kb, out } => kb_binary(&kb, &out),
        },
    }
}

fn corpus_or_default(corpus: Option<PathBuf>, data: &Path) -> PathBuf {
    corpus.unwrap_or_else(|| default_corpus(data))
}

fn annotate(data: &Path, file: &Path, json: bool, url: &str, model: &Path) -> Result<(), String> {
    // The file first: a file termlens refuses fails before the knowledge base loads.
    let text = termlens::extract::read_text(file)?;
    let loaded = load(data)?;
    let mut engine = Engine::new(loaded.kb);
    match termlens::classify::cli::load_model(model) {
        Ok(classifier) => engine.set_classifier(classifier),
        Err(problem) => eprintln!("termlens: {problem}; annotating without detections"),
    }
    let result = engine.annotate(&text, url);
    if json {
        out(&serde_json::to_string_pretty(&result).map_err(|e| e.to_string())?);
    } else {
        out(&format_annotations(file, &result));
    }
    Ok(())
}

/// `extract`: the text exactly as read, with no line added (or its main
/// content, or its outline, or the element rules as the extension's module).
fn extract(
    file: Option<&Path>,
    rules_js: bool,
    main: bool,
    outline: bool,
    why: bool,
) -> Result<(), String> {
    use termlens::extract::main_content;
    let text = match file {
        Some(file) if !rules_js => {
            let page = termlens::extract::read_page(file)?;
            if outline {
                serde_json::to_string(&page.outline.unwrap_or_default())
                    .map_err(|e| e.to_string())?
            } else if why {
                let len = page.text.encode_utf16().count() as u32;
                main_content::explain(page.outline.as_deref().unwrap_or_default(), len)
            } else if main {
                main_content::text_of_ranges(&page.text, &page.main_ranges())
            } else {
                page.text
            }
        }
        _ => termlens::extract::rules::js_module(),
    };
    use std::io::Write;
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .map_err(|e| format!("stdout: {e}"))
}

fn diff(old: &Path, new: &Path, json: bool) -> Result<(), String> {
    // Only the main content is compared; offsets stay those of NEW's text.
    let old_text = termlens::extract::read_page(old)?.main_text();
    let new_text = termlens::extract::read_page(new)?.main_text();
    let snapshot = termlens::diff::Snapshot::of(&old_text);
    let result = termlens::diff::diff(&snapshot, &new_text);
    if json {
        out(&serde_json::to_string_pretty(&result).map_err(|e| e.to_string())?);
    } else {
        out(&format_diff(old, new, &result));
    }
    Ok(())
}

fn filters(
    platforms: Vec<String>,
    topics: Vec<String>,
    exposure: &[String],
) -> Result<termlens::lookup::Filters, String> {
    let exposure = exposure
        .iter()
        .map(|e| {
            kb::Exposure::parse(e).ok_or_else(|| {
                format!("--exposure {e}: not an exposure level (low, medium or high)")
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(termlens::lookup::Filters {
        platforms,
        topics,
        exposure,
    })
}

fn lookup(
    data: &Path,
    query: &str,
    filters: &termlens::lookup::Filters,
    json: bool,
    limit: usize,
) -> Result<(), String> {
    let engine = Engine::new(load(data)?.kb);
    let hits = engine.lookup(query, filters, limit);
    if json {
        out(&serde_json::to_string_pretty(&hits).map_err(|e| e.to_string())?);
    } else {
        out(&format_hits(query, &hits));
    }
    Ok(())
}

/// `lookup --eval`: the ranking's figures on a query set.
fn lookup_eval(data: &Path, file: &Path, json: bool) -> Result<(), String> {
    use termlens::lookup::{LookupIndex, eval};
    let kb = load(data)?.kb;
    let queries = eval::read_queries(file, &kb)?;
    let report = eval::evaluate(&LookupIndex::new(&kb), &kb, &queries);
    if json {
        out(&serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?);
        return Ok(());
    }
    let mut s = String::new();
    for q in &report.queries {
        s.push_str(&format!(
            "  {} p@5 {:.2}  first {:<48} {:?}\n",
            if q.first_right { "ok  " } else { "MISS" },
            q.precision,
            q.first.as_deref().unwrap_or("-"),
            q.text
        ));
    }
    s.push_str(&format!(
        "{} queries: precision at 5 {:.3}, first hit right {:.3}",
        report.queries.len(),
        report.precision_at_5,
        report.first_right
    ));
    out(&s);
    Ok(())
}

/// `kb check`: the sources, and with a corpus every quote in every version it lists.
fn kb_check(data: &Path, corpus: Option<PathBuf>) -> Result<(), String> {
    let mut loaded = load(data)?;
    build::history::attach(&mut loaded.kb, data).map_err(|e| e.to_string())?;
    let review = kb::review::all(&loaded.kb);
    if !review.is_empty() {
        let mut out: Vec<String> = review
            .iter()
            .map(|(i, p)| review_problem(&loaded, *i, p, data))
            .collect();
        out.push(format!("knowledge base: {} problem(s)", review.len()));
        return Err(out.join("\n"));
    }
    let kb = &loaded.kb;
    if let Some(corpus) = &corpus {
        let mut cache = build::corpus::TextCache::default();
        let problems = build::corpus::verify_quotes(&loaded, corpus, &mut cache);
        for w in build::corpus::doubled_versions(&loaded.kb, corpus, &mut cache) {
            eprintln!("warning: {w}");
        }
        if !problems.is_empty() {
            let mut out: Vec<String> = problems.iter().map(ToString::to_string).collect();
            out.push(format!("knowledge base: {} problem(s)", problems.len()));
            return Err(out.join("\n"));
        }
    }
    let wordings: usize = kb.provisions.iter().map(|p| p.wordings.len()).sum();
    let platforms = kb
        .platforms
        .iter()
        .filter(|pl| kb.provisions.iter().any(|p| p.platform == pl.id))
        .count();
    println!(
        "knowledge base ok: {} provisions ({} wordings) from {} platforms, {} topics{}",
        kb.provisions.len(),
        wordings,
        platforms,
        kb.topics.len(),
        if corpus.is_none() {
            " (quotes not checked against the corpus)"
        } else {
            ", every quote found in every version it lists"
        }
    );
    Ok(())
}

/// A finding of the cross-entry checks, at the provision's entry (or the
/// missing-documents file).
fn review_problem(
    loaded: &kb::source::Loaded,
    index: Option<usize>,
    problem: &kb::rules::Problem,
    data: &Path,
) -> String {
    let (field, in_compliance) = problem.field.toml();
    let (at, entry) = match index.and_then(|i| Some((loaded.kb.provisions.get(i)?, i))) {
        Some((p, i)) => {
            let entry = format!("provision `{}`", p.id);
            let entry = if in_compliance {
                format!("{entry}: compliance")
            } else {
                entry
            };
            (loaded.origins[i].provision.clone(), entry)
        }
        None => (
            kb::Location::File(data.join(kb::source::MISSING_FILE)),
            String::new(),
        ),
    };
    kb::KbError::at(at, entry, field, problem.kind.clone()).to_string()
}

fn kb_export(data: &Path) -> Result<(), String> {
    let mut loaded = load(data)?;
    build::history::attach(&mut loaded.kb, data).map_err(|e| e.to_string())?;
    loaded.kb.rank_comparisons();
    out(&serde_json::to_string_pretty(&loaded.kb).map_err(|e| e.to_string())?);
    Ok(())
}

fn kb_history(data: &Path, corpus: &Path, print: bool) -> Result<(), String> {
    let loaded = load(data)?;
    let history =
        build::history::compute(&loaded.kb, corpus, &mut build::corpus::TextCache::default());
    if print {
        out(&format_history(&history));
        return Ok(());
    }
    let path = data.join(build::history::FILE);
    let json = build::history::to_json(&history).map_err(|e| e.to_string())?;
    write(&path, &(json + "\n"))?;
    let changed = history.values().filter(|h| h.wordings.len() > 1).count();
    println!(
        "history of {} provisions written to {} ({changed} with more than one wording)",
        history.len(),
        path.display()
    );
    Ok(())
}

fn kb_check_pack(data: &Path, file: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let loaded = load(data)?;
    match kb::pack::validate(&text, &loaded.kb, &[]) {
        Ok(pack) => {
            let s = pack.summary();
            println!(
                "pack ok: {} ({}): {} provision(s), {} new platform(s), {} new document(s)",
                s.id,
                s.name,
                s.provisions.len(),
                s.platforms.len(),
                s.documents
            );
            Ok(())
        }
        Err(e) => {
            let mut out: Vec<String> = e
                .problems()
                .iter()
                .map(|p| format!("{}: {p}", file.display()))
                .collect();
            out.push(format!("pack: {} problem(s)", e.problems().len()));
            Err(out.join("\n"))
        }
    }
}

/// `termlens diff --known`: PAGE compared with the fingerprint of its
/// document (the known document at `url`, else the one most of its exact
/// matches belong to, as the extension decides it), as a first visit shows it.
fn diff_known(
    data: &Path,
    page: &Path,
    url: &str,
    fingerprints: Option<PathBuf>,
    json: bool,
) -> Result<(), String> {
    let page_read = termlens::extract::read_page(page)?;
    let text = page_read.main_text();
    let engine = Engine::new(load(data)?.kb);
    // The page's document from its whole text, as the extension decides it.
    let document = engine
        .annotate(&page_read.text, url)
        .page_document
        .ok_or_else(|| {
            format!(
                "{}: not a known document (no known URL, no leading document)",
                page.display()
            )
        })?;
    let dir = fingerprints.unwrap_or_else(|| data.join(build::fingerprints::FOLDER));
    let file = termlens::diff::fingerprint_file(&document)
        .map(|f| dir.join(f))
        .ok_or_else(|| format!("{document}: not a document id"))?;
    let stored = std::fs::read_to_string(&file)
        .map_err(|e| format!("{}: {e} (fingerprint of {document})", file.display()))?;
    let fingerprint = termlens::diff::Snapshot::from_json(&stored)
        .map_err(|e| format!("{}: {e}", file.display()))?;
    let known = termlens::diff::against_known(&fingerprint, &text);
    if json {
        out(&serde_json::to_string_pretty(&known).map_err(|e| e.to_string())?);
    } else {
        let since = known.diff.since.as_deref().unwrap_or("?");
        out(&format!(
            "{}\n{}",
            format_diff(&file, page, &known.diff),
            if known.notice {
                format!("notice: this page differs from the version termlens knows ({since})")
            } else {
                "no notice".to_string()
            }
        ));
    }
    Ok(())
}

/// `kb fingerprints`: one file per known document into `data/fingerprints/`
/// (emptied of earlier fingerprints first); prints their count and size.
fn kb_fingerprints(data: &Path, corpus: &Path) -> Result<(), String> {
    let loaded = load(data)?;
    let (prints, problems) = build::fingerprints::of_known_documents(&loaded.kb, corpus);
    if !problems.is_empty() {
        return Err(problems.join("\n"));
    }
    if prints.is_empty() {
        return Err(format!(
            "{}: no recorded version of any known document (is the corpus there?)",
            corpus.display()
        ));
    }
    let dir = data.join(build::fingerprints::FOLDER);
    build::fingerprints::write(&dir, &prints)?;
    let sizes: Vec<(usize, &str)> = prints
        .iter()
        .map(|p| (p.to_json().len(), p.document.as_str()))
        .collect();
    let largest = sizes.iter().max().copied().unwrap_or((0, ""));
    println!(
        "fingerprints of {} documents written to {} ({} bytes; largest {} bytes, {})",
        prints.len(),
        dir.display(),
        sizes.iter().map(|s| s.0).sum::<usize>(),
        largest.0,
        largest.1
    );
    Ok(())
}

/// `kb compile`: kb.json (with the recorded history) and the gate's list.
/// `kb gate-cases`: addresses near every known pattern, with the document
/// each one is, as the engine decides it.
fn kb_gate_cases(data: &Path) -> Result<(), String> {
    let loaded = load(data)?;
    let cases = build::gate::cases(&loaded.kb);
    out(&serde_json::to_string_pretty(&cases).map_err(|e| e.to_string())?);
    Ok(())
}

fn kb_compile(data: &Path, out: &Path, gate: Option<&Path>) -> Result<(), String> {
    let mut loaded = load(data)?;
    build::history::attach(&mut loaded.kb, data).map_err(|e| e.to_string())?;
    loaded.kb.rank_comparisons();
    write(out, &loaded.kb.to_json().map_err(|e| e.to_string())?)?;
    if let Some(gate) = gate {
        let script = build::gate::script(&loaded.kb).map_err(|e| e.to_string())?;
        write(gate, &script)?;
    }
    println!(
        "compiled {} provisions to {}",
        loaded.kb.provisions.len(),
        out.display()
    );
    Ok(())
}

fn kb_binary(kb: &Path, out: &Path) -> Result<(), String> {
    let json = std::fs::read_to_string(kb).map_err(|e| format!("{}: {e}", kb.display()))?;
    let kb = kb::KnowledgeBase::from_json(&json).map_err(|e| e.to_string())?;
    let (index, cards) = kb::binary::write(&kb).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    for (name, bytes) in [("kb.bin", &index), ("cards.bin", &cards)] {
        let path = out.join(name);
        std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("wrote {} ({} bytes)", path.display(), bytes.len());
    }
    Ok(())
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn format_history(history: &std::collections::BTreeMap<String, kb::ProvisionHistory>) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    for (id, h) in history {
        let events: Vec<String> = h
            .events
            .iter()
            .map(|e| format!("{} {}", e.kind, e.date))
            .collect();
        let _ = writeln!(
            s,
            "{id}: {} wording(s) in {} versions; {}",
            h.wordings.len(),
            h.versions_checked,
            events.join(", ")
        );
        for w in &h.wordings {
            let snippet: String = w.text.chars().take(100).collect();
            let _ = writeln!(
                s,
                "    {} .. {} ({} versions)  \"{snippet}…\"",
                w.first_seen,
                w.last_seen,
                w.dates.len()
            );
        }
    }
    s.trim_end().to_string()
}

fn run_classify(
    data: &Path,
    file: &Path,
    json: bool,
    model: Option<PathBuf>,
) -> Result<(), String> {
    let classifier =
        termlens::classify::cli::load_model(&model.unwrap_or_else(|| data.join("model.json")))?;
    let input = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let text = termlens::classify::cli::classify(&classifier, &input, json)
        .map_err(|e| format!("{}: {e}", file.display()))?;
    out(&text);
    Ok(())
}

fn run_model(data: &Path, command: ModelCommand) -> Result<(), String> {
    use termlens::classify::cli::{Sources, evaluate, evaluate_lopo, train_model};
    let claudette_default = |c: Option<PathBuf>| {
        c.unwrap_or_else(|| default_corpus(data).join("../claudette/claudette_en.tsv"))
    };
    let categories = data.join("categories.toml");
    match command {
        ModelCommand::Train {
            out: path,
            claudette,
            documents,
            no_kb,
        } => {
            let loaded = load(data)?.kb;
            let claudette = claudette_default(claudette);
            let src = Sources {
                claudette: &claudette,
                categories: &categories,
                topics: &loaded.topics,
                kb: (!no_kb).then_some(&loaded),
                documents,
                settings: Default::default(),
            };
            write(&path, &train_model(&src)?)
        }
        ModelCommand::Binary { model, out } => {
            let model = model.unwrap_or_else(|| data.join("model.json"));
            let text =
                std::fs::read_to_string(&model).map_err(|e| format!("{}: {e}", model.display()))?;
            let bytes = termlens::classify::Model::from_json(&text)
                .and_then(|m| m.to_bytes())
                .map_err(|e| format!("{}: {e}", model.display()))?;
            std::fs::write(&out, &bytes).map_err(|e| format!("{}: {e}", out.display()))?;
            println!("wrote {} ({} bytes)", out.display(), bytes.len());
            Ok(())
        }
        ModelCommand::Eval {
            claudette,
            no_kb,
            documents,
            lopo,
            platform,
            corpus,
            outside,
            tuning,
        } => {
            let loaded = load(data)?.kb;
            let claudette = claudette_default(claudette);
            let src = Sources {
                claudette: &claudette,
                categories: &categories,
                topics: &loaded.topics,
                kb: (!no_kb).then_some(&loaded),
                documents,
                settings: tuning.settings(),
            };
            if lopo {
                let corpus = corpus.unwrap_or_else(|| default_corpus(data));
                out(&evaluate_lopo(
                    &src,
                    &corpus,
                    &platform,
                    outside.as_deref(),
                )?);
            } else {
                out(&evaluate(&src)?);
            }
            Ok(())
        }
    }
}

/// Writes to stdout; a closed pipe (`| head`) is not an error worth a panic.
fn out(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.write_all(b"\n"));
}

fn format_annotations(file: &Path, result: &PageResult) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let exact = result
        .annotations
        .iter()
        .filter(|a| a.status == Status::Exact)
        .count();
    let _ = writeln!(
        s,
        "{}: {} provision(s) found ({} exact, {} changed){}",
        file.display(),
        result.annotations.len(),
        exact,
        result.annotations.len() - exact,
        result
            .document
            .as_ref()
            .map(|d| format!(", page is {}", d.name))
            .unwrap_or_default()
    );
    for a in &result.annotations {
        let status = if a.status == Status::Exact {
            "exact  "
        } else {
            "changed"
        };
        let (snippet, _) = one_line(&a.text, 90);
        let _ = writeln!(
            s,
            "  {status} {:<44} {:>7}..{:<7} known wording of {}  \"{snippet}…\"",
            a.provision, a.start, a.end, a.version
        );
        for op in a
            .diff
            .iter()
            .filter(|d| d.op != termlens::matcher::Op::Equal)
        {
            let _ = writeln!(s, "          {} {}", sign(op.op), op.text);
        }
    }
    for d in &result.detections {
        let (snippet, _) = one_line(&d.text, 90);
        let _ = writeln!(
            s,
            "  detected {:<43} {:>7}..{:<7} score {:.2}  \"{snippet}…\"",
            d.topics.join(","),
            d.start,
            d.end,
            d.score
        );
    }
    s.trim_end().to_string()
}

fn format_hits(query: &str, hits: &[termlens::lookup::Hit]) -> String {
    use std::fmt::Write;
    let shown: String = query.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut shown_short: String = shown.chars().take(80).collect();
    if shown_short.len() < shown.len() {
        shown_short.push('…');
    }
    let how = match hits.first().map(|h| h.kind) {
        Some(termlens::lookup::HitKind::Clause) => " (clause similarity)",
        Some(termlens::lookup::HitKind::Terms) => " (terms)",
        None => "",
    };
    let mut s = String::new();
    let _ = writeln!(s, "\"{shown_short}\": {} result(s){how}", hits.len());
    for h in hits {
        let topics: Vec<&str> = h.topics.iter().map(|t| t.id.as_str()).collect();
        let exposure = serde_json::to_value(h.exposure)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "  {:.3}  {:<48} {} · {} {}  [{}] {exposure}",
            h.score,
            h.provision,
            h.platform_name,
            h.document_name,
            h.section,
            topics.join(", ")
        );
        let snippet: String = h.snippet.chars().take(110).collect();
        let _ = writeln!(s, "         {}: \"{snippet}…\"", h.title);
    }
    s.trim_end().to_string()
}

/// A text on one line (its white space collapsed to single spaces), cut to
/// its first `max` characters; whether it was cut.
fn one_line(text: &str, max: usize) -> (String, bool) {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let cut = line.chars().nth(max).is_some();
    (line.chars().take(max).collect(), cut)
}

/// The sign a word step of a diff is printed with: `+` inserted, `-` deleted.
fn sign(op: termlens::matcher::Op) -> char {
    if op == termlens::matcher::Op::Insert {
        '+'
    } else {
        '-'
    }
}

fn format_diff(old: &Path, new: &Path, result: &termlens::diff::DiffResult) -> String {
    use std::fmt::Write;
    use termlens::diff::ChangeKind;
    let snippet = |text: &str| -> String {
        let (mut short, cut) = one_line(text, 100);
        if cut {
            short.push('…');
        }
        short
    };
    let m = &result.summary;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} -> {}: {} change(s): {} inserted, {} deleted, {} changed, {} moved; {} of {} paragraphs unchanged",
        old.display(),
        new.display(),
        result.changes.len(),
        m.inserted,
        m.deleted,
        m.changed,
        m.moved,
        m.unchanged,
        m.paragraphs
    );
    for c in &result.changes {
        let (mark, at) = match (c.kind, c.start, c.end, c.anchor) {
            (ChangeKind::Deleted, _, _, Some(a)) => ("-", format!("at {a}")),
            (ChangeKind::Moved, Some(st), Some(e), Some(a)) => {
                ("moved", format!("{st}..{e} (was at {a})"))
            }
            (_, Some(st), Some(e), _) => (
                if c.kind == ChangeKind::Inserted {
                    "+"
                } else {
                    "~"
                },
                format!("{st}..{e}"),
            ),
            _ => ("?", String::new()),
        };
        let _ = writeln!(s, "  {mark:<5} {at:<24} \"{}\"", snippet(&c.text));
        for w in c
            .words
            .iter()
            .filter(|w| w.op != termlens::matcher::Op::Equal)
        {
            let _ = writeln!(s, "          {} {}", sign(w.op), snippet(&w.text));
        }
    }
    s.trim_end().to_string()
}
