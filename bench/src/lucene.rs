//! Lucene 10 as a competitor (issue 18): the Java harness in `bench/lucene`
//! (`LuceneBench.java` says what each configuration indexes and queries),
//! built and started by `scripts/bench-lucene.sh`, in its own process.
//!
//! This side writes the passages to a file ([`write_passages`]; the query
//! set is the scale bench's `queries-N.tsv`), runs the harness once per
//! configuration and turns what it prints (one JSON object per line: the
//! indexing time and size, then each query's latency and hit count per mode)
//! into the same [`IndexRun`] and [`QueryRun`] figures as every other
//! engine, with the same statistics code. Nothing here runs under
//! `cargo test` unless the harness is asked for; the product never sees it.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use kartotek::document::Document;
use kartotek::error::{Error, Result};
use serde::Deserialize;

use crate::measure::{IndexRun, Mode, QueryRun};
use crate::queries::BenchQuery;

/// A Lucene configuration (see `LuceneBench.java`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Config {
    /// One field, standard tokenizer + ASCII folding.
    Plain,
    /// Per-language fields, a Scandinavian-folded field, best-fields dis-max:
    /// how a competent Elasticsearch user sets up Nordic text.
    Tuned,
}

impl Config {
    /// Name on the harness's command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Config::Plain => "plain",
            Config::Tuned => "tuned",
        }
    }
}

/// Write every passage as `doc \t lang \t title \t text \t facet:/path|…`
/// (`doc` the document's number; the
/// title on a document's first passage only, facets with every ancestor
/// and `lang`, as the SQL competitors get them).
pub fn write_passages(path: &Path, docs: &[Document]) -> Result<()> {
    let f = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
    for (n, d) in docs.iter().enumerate() {
        let facets: Vec<String> = crate::sqlite::facet_rows(d)
            .into_iter()
            .map(|(f, p)| format!("{f}:{p}"))
            .collect();
        let facets = crate::tsv_escape(&facets.join("|"));
        for (i, p) in d.passages.iter().enumerate() {
            let title = if i == 0 {
                crate::tsv_escape(&d.title)
            } else {
                String::new()
            };
            writeln!(
                w,
                "{n}\t{}\t{title}\t{}\t{facets}",
                p.lang.code(),
                crate::tsv_escape(&p.text)
            )
            .map_err(|e| Error::io(path, e))?;
        }
    }
    w.flush().map_err(|e| Error::io(path, e))
}

#[derive(Deserialize)]
struct Line {
    kind: String,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    seconds: f64,
    #[serde(default)]
    disk_bytes: u64,
    #[serde(default)]
    cpu_seconds: f64,
    #[serde(default)]
    peak_rss: u64,
    #[serde(default)]
    ms: Vec<f64>,
    #[serde(default)]
    hits: Vec<usize>,
}

/// One run of the harness: index, then time the query set in each mode.
pub struct Job<'a> {
    /// The configuration.
    pub config: Config,
    /// The passages, as [`write_passages`] wrote them.
    pub passages_file: &'a Path,
    /// The query set, as [`crate::queries::write_tsv`] wrote `queries`.
    pub queries_file: &'a Path,
    /// The same queries, in the same order.
    pub queries: &'a [BenchQuery],
    /// The corpus; only supplies the figures of the [`IndexRun`].
    pub docs: &'a [Document],
    /// Where the index goes (replaced).
    pub dir: &'a Path,
    /// Indexing threads.
    pub threads: usize,
    /// The modes to time, in order.
    pub modes: &'a [Mode],
    /// Where to write each query's matching passages and documents, if anywhere.
    pub counts: Option<&'a Path>,
    /// Build the harness first when a source changed (`false`: run only a
    /// harness that is already built, as the smoke test does).
    pub build: bool,
}

/// The harness's build stamp: the Java harness has been built.
pub fn harness_built() -> bool {
    crate::repo_root()
        .join("bench/lucene/target/lib/.built")
        .exists()
}

/// Run the harness for `job` in its own JVM and read back its figures.
pub fn run(job: &Job) -> Result<(IndexRun, Vec<QueryRun>)> {
    let script = crate::repo_root().join("scripts/bench-lucene.sh");
    let modes_arg: Vec<&str> = job.modes.iter().map(|m| m.as_str()).collect();
    let mut cmd = Command::new("bash");
    cmd.arg(&script)
        .arg(if job.build { "run" } else { "run-built" });
    if let Some(c) = job.counts {
        cmd.arg("--counts").arg(c);
    }
    let out = cmd
        .arg("--passages")
        .arg(job.passages_file)
        .arg("--queries")
        .arg(job.queries_file)
        .arg("--config")
        .arg(job.config.as_str())
        .arg("--dir")
        .arg(job.dir)
        .arg("--threads")
        .arg(job.threads.to_string())
        .arg("--modes")
        .arg(modes_arg.join(","))
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| Error::Internal(format!("cannot start {}: {e}", script.display())))?;
    if !out.status.success() {
        return Err(Error::Internal(format!(
            "the Lucene harness failed ({})",
            out.status
        )));
    }
    parse_output(
        &String::from_utf8_lossy(&out.stdout),
        job.config,
        job.queries,
        job.docs,
    )
}

/// Turn what the harness printed into the same figures as every other
/// engine's: its indexing line into an [`IndexRun`], each query line (one
/// latency and hit count per query, in order) into a [`QueryRun`]. Lines
/// that are not JSON are ignored.
pub fn parse_output(
    stdout: &str,
    config: Config,
    queries: &[BenchQuery],
    docs: &[Document],
) -> Result<(IndexRun, Vec<QueryRun>)> {
    let engine = format!("lucene-{}", config.as_str());
    let mut index = None;
    let mut runs = Vec::new();
    for l in stdout.lines() {
        let Ok(line) = serde_json::from_str::<Line>(l) else {
            continue;
        };
        if line.kind == "index" {
            index = Some(IndexRun {
                engine: engine.clone(),
                docs: docs.len(),
                passages: crate::gen::passages(docs),
                text_bytes: crate::gen::text_bytes(docs),
                seconds: line.seconds,
                disk_bytes: line.disk_bytes,
                peak_rss: line.peak_rss,
                cpu_seconds: line.cpu_seconds,
                runs_seconds: Vec::new(),
            });
        } else if line.kind == "query" {
            let mode = Mode::EVERY
                .into_iter()
                .find(|m| m.as_str() == line.mode)
                .ok_or_else(|| Error::Internal(format!("unknown mode `{}`", line.mode)))?;
            if line.ms.len() != queries.len() || line.hits.len() != queries.len() {
                return Err(Error::Internal(format!(
                    "the Lucene harness timed {} queries, the query set has {}",
                    line.ms.len(),
                    queries.len()
                )));
            }
            runs.push(QueryRun::from_timings(
                engine.clone(),
                mode,
                queries,
                &line.ms,
                &line.hits,
                line.seconds,
                line.cpu_seconds,
            ));
        }
    }
    let index = index
        .ok_or_else(|| Error::Internal("the Lucene harness printed no indexing figures".into()))?;
    Ok((index, runs))
}

/// The ranking mode of the judged evaluation (`measure_eval`): index the
/// passages of [`write_passages`] in `config`, run each of `queries` (fuzziness
/// AUTO in `tuned`, none in `plain`) and return each query's top `limit`
/// documents (their numbers in the written order), a document ranked by its
/// best passage. Runs only a harness that is built; `Ok(None)` when it is
/// not, or Java is missing (the harness script says which on stderr).
pub fn rank(
    config: Config,
    passages_file: &Path,
    queries: &[String],
    dir: &Path,
    limit: usize,
) -> Result<Option<Vec<Vec<usize>>>> {
    let script = crate::repo_root().join("scripts/bench-lucene.sh");
    let qfile = dir.with_extension("queries");
    let mut text = String::new();
    for q in queries {
        text.push_str(&crate::tsv_escape(q));
        text.push('\n');
    }
    std::fs::write(&qfile, text).map_err(|e| Error::io(&qfile, e))?;
    let out = Command::new("bash")
        .arg(&script)
        .arg("run-built")
        .arg("--rank")
        .arg(&qfile)
        .arg("--passages")
        .arg(passages_file)
        .arg("--config")
        .arg(config.as_str())
        .arg("--dir")
        .arg(dir)
        // the script's -Xms2g needs at least as much
        .env(
            "LUCENE_BENCH_HEAP",
            std::env::var("LUCENE_BENCH_HEAP").unwrap_or_else(|_| "2g".into()),
        )
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| Error::Internal(format!("cannot start {}: {e}", script.display())))?;
    let _ = std::fs::remove_file(&qfile);
    if out.status.code() == Some(3) {
        return Ok(None);
    }
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = err.lines().rev().take(5).collect();
        return Err(Error::Internal(format!(
            "the Lucene harness failed ({}): {}",
            out.status,
            tail.into_iter().rev().collect::<Vec<_>>().join(" / ")
        )));
    }
    parse_ranks(&String::from_utf8_lossy(&out.stdout), queries.len(), limit).map(Some)
}

#[derive(Deserialize)]
struct RankLine {
    kind: String,
    query: usize,
    passages: Vec<(usize, f64)>,
}

/// Each query's documents from the harness's `rank` lines (`passages`:
/// `[doc, score]` pairs), ranked by their best passage; every query must
/// have its line.
pub fn parse_ranks(stdout: &str, queries: usize, limit: usize) -> Result<Vec<Vec<usize>>> {
    let mut out: Vec<Option<Vec<usize>>> = vec![None; queries];
    for l in stdout.lines() {
        let Ok(line) = serde_json::from_str::<RankLine>(l) else {
            continue;
        };
        if line.kind != "rank" || line.query >= queries {
            continue;
        }
        out[line.query] = Some(crate::judged::docs_by_best_passage(&line.passages, limit));
    }
    let missing = out.iter().filter(|o| o.is_none()).count();
    if missing > 0 {
        return Err(Error::Internal(format!(
            "the Lucene harness ranked {} of {queries} queries",
            queries - missing
        )));
    }
    Ok(out.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gen::{self, Pools, Spec};
    use kartotek::taxonomy::Taxonomy;

    #[test]
    fn passages_file_has_one_line_per_passage_with_facets_and_one_title_per_document() {
        let docs = gen::generate(&Pools::builtin(), Taxonomy::builtin(), &Spec::new(200, 3));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.tsv");
        write_passages(&path, &docs).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 200);
        assert!(lines.iter().all(|l| l.split('\t').count() == 5));
        let titled = lines
            .iter()
            .filter(|l| !l.split('\t').nth(2).unwrap().is_empty())
            .count();
        assert_eq!(titled, docs.len());
        assert!(lines[0].split('\t').nth(4).unwrap().contains("lang:/"));
        assert!(lines
            .last()
            .unwrap()
            .starts_with(&format!("{}\t", docs.len() - 1)));
        assert_eq!(crate::tsv_escape("a\tb\\c\nd"), "a\\tb\\\\c\\nd");
    }

    #[test]
    fn ranks_are_read_per_query_and_documents_rank_by_their_best_passage() {
        let out = "[lucene] log line\n\
            {\"kind\":\"rank\",\"query\":1,\"passages\":[]}\n\
            {\"kind\":\"rank\",\"query\":0,\"passages\":[[4,9.5],[2,7.0],[4,6.0],[1,6.0]]}\n";
        let r = parse_ranks(out, 2, 10).unwrap();
        assert_eq!(r, vec![vec![4, 2, 1], vec![]]);
        assert_eq!(parse_ranks(out, 2, 2).unwrap()[0], vec![4, 2]);
        assert!(parse_ranks(out, 3, 10).is_err());
    }

    #[test]
    fn harness_output_becomes_the_same_figures_as_every_engine_s() {
        let docs = gen::generate(&Pools::builtin(), Taxonomy::builtin(), &Spec::new(100, 3));
        let qs = crate::queries::generate(&docs, 10, 3);
        assert!(qs.len() >= 3, "{}", qs.len());
        let qs = &qs[..3];
        let out = "WARNING: not json\n\
            {\"kind\":\"index\",\"seconds\":0.5,\"disk_bytes\":1234}\n\
            {\"kind\":\"query\",\"mode\":\"typo\",\"seconds\":0.006,\"ms\":[1.0,2.0,3.0],\"hits\":[10,0,4]}\n";
        let (index, runs) = parse_output(out, Config::Tuned, qs, &docs).unwrap();
        assert_eq!(index.engine, "lucene-tuned");
        assert_eq!((index.passages, index.disk_bytes), (100, 1234));
        assert_eq!(runs.len(), 1);
        assert_eq!((runs[0].mode.as_str(), runs[0].empty), ("typo", 1));
        assert!((runs[0].qps - 500.0).abs() < 1e-6);
        assert_eq!(runs[0].all.n, 3);
        let short =
            "{\"kind\":\"index\"}\n{\"kind\":\"query\",\"mode\":\"all\",\"ms\":[1.0],\"hits\":[1]}";
        assert!(parse_output(short, Config::Plain, qs, &docs).is_err());
        assert!(parse_output("", Config::Plain, qs, &docs).is_err());
    }
}
