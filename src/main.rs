//! The termlens command line: the same core as the extension, for curators and CI.

use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use termlens::engine::{Engine, PageResult};
use termlens::kb::{self, KnowledgeBase};
use termlens::matcher::Status;

#[derive(Parser)]
#[command(
    name = "termlens",
    version,
    about = "Recognise known provisions of AI vendors' terms"
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
    Annotate {
        /// The file to read.
        file: PathBuf,
        /// Print JSON: an object with an `annotations` array.
        #[arg(long)]
        json: bool,
        /// The page's URL, to identify a known document.
        #[arg(long, default_value = "")]
        url: String,
    },
    /// Print what changed from OLD to NEW (HTML, Markdown or text files), in
    /// NEW's order, as the extension's "What changed" panel lists it.
    Diff {
        /// The earlier version.
        old: PathBuf,
        /// The later version.
        new: PathBuf,
        /// Print JSON: `since`, `changes` (offsets into NEW's extracted text) and `summary`.
        #[arg(long)]
        json: bool,
    },
    /// Look provisions up across platforms: typed words (typos, any order, the
    /// last word may be a prefix) or a pasted clause (12 words or more).
    Lookup {
        /// The query words, or a clause.
        #[arg(required = true, num_args = 1..)]
        query: Vec<String>,
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
    /// Write the compiled knowledge base and the gate's list of known documents.
    Compile {
        /// Where to write kb.json.
        #[arg(long)]
        out: PathBuf,
        /// Where to write known-documents.js (for the content script's gate).
        #[arg(long)]
        gate: Option<PathBuf>,
        /// A directory to write the fingerprint (snapshot of the latest recorded
        /// version) of each known document to, one file per document.
        #[arg(long)]
        fingerprints: Option<PathBuf>,
        /// The corpus the fingerprints are made from (default: ../shared/corpus
        /// beside the repository).
        #[arg(long)]
        corpus: Option<PathBuf>,
    },
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
    /// Cross-validate over CLAUDETTE's four document folds, beside a TF-IDF + linear SVM baseline.
    Eval {
        /// CLAUDETTE's sentences (default: ../shared/claudette/claudette_en.tsv beside the repository).
        #[arg(long)]
        claudette: Option<PathBuf>,
        /// Leave the knowledge base's clauses out of the training data.
        #[arg(long)]
        no_kb: bool,
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
        Command::Annotate { file, json, url } => {
            let loaded = load(data)?;
            let text = termlens::document::read_text(&file)?;
            let engine = Engine::new(loaded.kb);
            let result = engine.annotate(&text, &url);
            if json {
                out(&serde_json::to_string_pretty(&result).map_err(|e| e.to_string())?);
            } else {
                out(&format_annotations(&file, &result));
            }
            Ok(())
        }
        Command::Diff { old, new, json } => {
            let old_text = termlens::document::read_text(&old)?;
            let new_text = termlens::document::read_text(&new)?;
            let snapshot = termlens::diff::Snapshot::of(&old_text);
            let result = termlens::diff::diff(&snapshot, &new_text);
            if json {
                out(&serde_json::to_string_pretty(&result).map_err(|e| e.to_string())?);
            } else {
                out(&format_diff(&old, &new, &result));
            }
            Ok(())
        }
        Command::Lookup {
            query,
            platforms,
            topics,
            exposure,
            json,
            limit,
        } => {
            let exposure = exposure
                .iter()
                .map(|e| {
                    kb::Exposure::parse(e).ok_or_else(|| {
                        format!("--exposure {e}: not an exposure level (low, medium or high)")
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let filters = termlens::lookup::Filters {
                platforms,
                topics,
                exposure,
            };
            let engine = Engine::new(load(data)?.kb);
            let query = query.join(" ");
            let hits = engine.lookup(&query, &filters, limit);
            if json {
                out(&serde_json::to_string_pretty(&hits).map_err(|e| e.to_string())?);
            } else {
                out(&format_hits(&query, &hits));
            }
            Ok(())
        }
        Command::Classify { file, json, model } => run_classify(data, &file, json, model),
        Command::Model { command } => run_model(data, command),
        Command::Kb { command } => match command {
            KbCommand::Check { corpus, no_corpus } => {
                let loaded = load(data)?;
                let kb = &loaded.kb;
                if !no_corpus {
                    let corpus = corpus.unwrap_or_else(|| default_corpus(data));
                    let mut cache = kb::check::TextCache::default();
                    let problems = kb::check::verify_quotes(&loaded, &corpus, &mut cache);
                    if !problems.is_empty() {
                        let mut out: Vec<String> =
                            problems.iter().map(ToString::to_string).collect();
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
                    if no_corpus {
                        " (quotes not checked against the corpus)"
                    } else {
                        ", every quote found in every version it lists"
                    }
                );
                Ok(())
            }
            KbCommand::Export { json: _ } => {
                let mut loaded = load(data)?;
                kb::history::attach(&mut loaded.kb, data)?;
                out(&serde_json::to_string_pretty(&loaded.kb).map_err(|e| e.to_string())?);
                Ok(())
            }
            KbCommand::History { corpus, print } => {
                let loaded = load(data)?;
                let corpus = corpus.unwrap_or_else(|| default_corpus(data));
                let history =
                    kb::history::compute(&loaded.kb, &corpus, &mut kb::check::TextCache::default());
                if print {
                    out(&format_history(&history));
                } else {
                    let path = data.join(kb::history::FILE);
                    write(&path, &(kb::history::to_json(&history) + "\n"))?;
                    let changed = history.values().filter(|h| h.wordings.len() > 1).count();
                    println!(
                        "history of {} provisions written to {} ({changed} with more than one wording)",
                        history.len(),
                        path.display()
                    );
                }
                Ok(())
            }
            KbCommand::CheckPack { file } => {
                let text = std::fs::read_to_string(&file)
                    .map_err(|e| format!("{}: {e}", file.display()))?;
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
            KbCommand::Compile {
                out,
                gate,
                fingerprints,
                corpus,
            } => {
                let mut loaded = load(data)?;
                kb::history::attach(&mut loaded.kb, data)?;
                write(&out, &loaded.kb.to_json())?;
                if let Some(gate) = gate {
                    write(&gate, &gate_script(&loaded.kb))?;
                }
                if let Some(dir) = fingerprints {
                    let corpus = corpus.unwrap_or_else(|| default_corpus(data));
                    write_fingerprints(&loaded.kb, &corpus, &dir)?;
                }
                println!(
                    "compiled {} provisions to {}",
                    loaded.kb.provisions.len(),
                    out.display()
                );
                Ok(())
            }
        },
    }
}

/// Writes one fingerprint file per known document into `dir` (emptied of
/// earlier fingerprints first) and prints their count and size.
fn write_fingerprints(kb: &KnowledgeBase, corpus: &Path, dir: &Path) -> Result<(), String> {
    use termlens::diff::fingerprints;
    let (prints, problems) = fingerprints::of_known_documents(kb, corpus);
    if !problems.is_empty() {
        return Err(problems.join("\n"));
    }
    if prints.is_empty() {
        return Err(format!(
            "{}: no recorded version of any known document (is the corpus there?)",
            corpus.display()
        ));
    }
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.path().extension().is_some_and(|x| x == "json") {
                std::fs::remove_file(e.path())
                    .map_err(|err| format!("{}: {err}", e.path().display()))?;
            }
        }
    }
    let mut bytes = 0;
    let mut largest = (0, "");
    for p in &prints {
        let json = p.snapshot.to_json();
        bytes += json.len();
        if json.len() > largest.0 {
            largest = (json.len(), p.document.as_str());
        }
        write(&dir.join(fingerprints::file_name(&p.document)), &json)?;
    }
    println!(
        "fingerprints of {} documents written to {} ({} bytes; largest {} bytes, {})",
        prints.len(),
        dir.display(),
        bytes,
        largest.0,
        largest.1
    );
    Ok(())
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The gate's list of known documents: a classic script the content script
/// loads before its own, so deciding needs neither Wasm nor a fetch.
fn gate_script(kb: &KnowledgeBase) -> String {
    #[derive(serde::Serialize)]
    struct Entry<'a> {
        id: &'a str,
        name: &'a str,
        #[serde(rename = "match")]
        patterns: &'a [String],
    }
    let entries: Vec<Entry> = kb
        .platforms
        .iter()
        .flat_map(|p| p.documents.iter())
        .map(|d| Entry {
            id: &d.id,
            name: &d.name,
            patterns: &d.patterns,
        })
        .collect();
    format!(
        "// Generated by `termlens kb compile`: the known documents, for the content script's gate.\nglobalThis.TERMLENS_KNOWN_DOCUMENTS = {};\n",
        serde_json::to_string(&entries).unwrap_or_else(|_| "[]".into())
    )
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
    use termlens::classify::cli::{Sources, evaluate, train_model};
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
            let kb = if no_kb { None } else { Some(load(data)?.kb) };
            let claudette = claudette_default(claudette);
            let src = Sources {
                claudette: &claudette,
                categories: &categories,
                kb: kb.as_ref(),
                documents,
            };
            write(&path, &train_model(&src)?)
        }
        ModelCommand::Eval { claudette, no_kb } => {
            let kb = if no_kb { None } else { Some(load(data)?.kb) };
            let claudette = claudette_default(claudette);
            let src = Sources {
                claudette: &claudette,
                categories: &categories,
                kb: kb.as_ref(),
                documents: None,
            };
            out(&evaluate(&src)?);
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
        let snippet: String = a.text.split_whitespace().collect::<Vec<_>>().join(" ");
        let snippet: String = snippet.chars().take(90).collect();
        let _ = writeln!(
            s,
            "  {status} {:<44} {:>7}..{:<7} known wording of {}  \"{snippet}…\"",
            a.provision, a.start, a.end, a.version
        );
        for op in a.diff.iter().filter(|d| d.op != "equal") {
            let sign = if op.op == "insert" { '+' } else { '-' };
            let _ = writeln!(s, "          {sign} {}", op.text);
        }
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

fn format_diff(old: &Path, new: &Path, result: &termlens::diff::DiffResult) -> String {
    use std::fmt::Write;
    use termlens::diff::ChangeKind;
    let snippet = |text: &str| -> String {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut short: String = text.chars().take(100).collect();
        if short.len() < text.len() {
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
        for w in c.words.iter().filter(|w| w.op != "equal") {
            let sign = if w.op == "insert" { '+' } else { '-' };
            let _ = writeln!(s, "          {sign} {}", snippet(&w.text));
        }
    }
    s.trim_end().to_string()
}
