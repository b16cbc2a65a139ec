//! The whole scale benchmark in one command (issues 7 and 18): for each
//! corpus size it generates the corpus and the query set, indexes with
//! Kartotek, SQLite FTS5, PostgreSQL 15 and Lucene 10 (plain and
//! Elasticsearch-tuned), runs the same queries in-process on each in every
//! equal-feature mode the engine can do (top 10; + facets; + snippets; +
//! typo tolerance; everything), runs the open-loop HTTP load against
//! Kartotek's server, and measures end-to-end ingest from text files (and
//! once from PDFs). Results go to `OUT/results.json` (one JSON object per
//! line), `OUT/report.md`, and with `--json FILE` one JSON document.
//!
//! ```text
//! cargo bench -p kartotek-bench --bench scale -- --passages 10000,100000,1000000 --out target/bench --json target/bench/scale.json
//! ```
//!
//! PostgreSQL is started with `scripts/bench-setup.sh` (installs the Debian
//! package if needed, cluster on 127.0.0.1) unless `--pg CONNSTR` or
//! `--no-pg` is given; Lucene is built and run with `scripts/bench-lucene.sh`
//! (Java 21+ and Maven) unless `--no-lucene` is given, with
//! `--lucene-threads N` indexing threads (default: as many as Kartotek's
//! writer uses). `--rates ''` skips the HTTP load. Without `--passages` it
//! runs a 10,000-passage smoke size, so a bare `cargo bench` stays short.
//! `--ingest-runs N` repeats the end-to-end ingest N times and reports the
//! median run. `--competitor-queries N` gives SQLite, PostgreSQL and Lucene
//! the first N queries (Kartotek is run on both sets). `--no-pdf` skips the
//! PDF ingest. `--counts` writes each query's matching documents per
//! engine (Kartotek, both Lucene configurations) to `OUT/counts-*.tsv`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use kartotek::search::Searcher;
use kartotek::taxonomy::Taxonomy;
use kartotek_bench::gen::{self, Pools, Spec};
use kartotek_bench::measure::{self, Engine, IndexRun, Kartotek, Mode, QueryRun};
use kartotek_bench::queries;
use kartotek_bench::{lucene, postgres, sqlite};
use serde_json::json;

struct Args {
    passages: Vec<usize>,
    out: PathBuf,
    queries: usize,
    seed: u64,
    testdata: Option<PathBuf>,
    pg: Option<String>,
    no_pg: bool,
    no_sqlite: bool,
    no_pdf: bool,
    rates: Vec<u32>,
    http_seconds: f64,
    ingest_max: usize,
    competitor_queries: usize,
    heap_mb: usize,
    reuse_index: bool,
    ingest_runs: usize,
    no_lucene: bool,
    lucene_threads: usize,
    json: Option<PathBuf>,
    counts: bool,
}

fn parse_args() -> Args {
    let mut a = Args {
        passages: vec![10_000],
        out: kartotek_bench::repo_root().join("target/bench"),
        queries: 1_000,
        seed: 42,
        testdata: None,
        pg: None,
        no_pg: false,
        no_sqlite: false,
        no_pdf: false,
        rates: vec![100, 500, 2_000],
        http_seconds: 10.0,
        ingest_max: usize::MAX,
        competitor_queries: usize::MAX,
        heap_mb: 128,
        reuse_index: false,
        ingest_runs: 1,
        no_lucene: false,
        // Kartotek's writer: one indexing thread per core, at most 4
        lucene_threads: std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 4),
        json: None,
        counts: false,
    };
    let list = |v: &str| -> Vec<usize> {
        v.split(',')
            .filter_map(|x| x.trim().replace('_', "").parse().ok())
            .collect()
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let mut v = || it.next().unwrap_or_default();
        match k.as_str() {
            "--passages" => a.passages = list(&v()),
            "--out" => a.out = PathBuf::from(v()),
            "--queries" => a.queries = v().parse().unwrap_or(1_000),
            "--seed" => a.seed = v().parse().unwrap_or(42),
            "--testdata" => a.testdata = Some(PathBuf::from(v())),
            "--pg" => a.pg = Some(v()),
            "--no-pg" => a.no_pg = true,
            "--no-sqlite" => a.no_sqlite = true,
            "--no-pdf" => a.no_pdf = true,
            "--rates" => a.rates = list(&v()).into_iter().map(|r| r as u32).collect(),
            "--http-seconds" => a.http_seconds = v().parse().unwrap_or(10.0),
            "--ingest-max" => a.ingest_max = v().parse().unwrap_or(usize::MAX),
            "--competitor-queries" => a.competitor_queries = v().parse().unwrap_or(usize::MAX),
            "--reuse-index" => a.reuse_index = true,
            "--heap-mb" => a.heap_mb = v().parse().unwrap_or(128),
            "--ingest-runs" => a.ingest_runs = v().parse().unwrap_or(1).max(1),
            "--no-lucene" => a.no_lucene = true,
            "--lucene-threads" => a.lucene_threads = v().parse().unwrap_or(2).max(1),
            "--json" => a.json = Some(PathBuf::from(v())),
            "--counts" => a.counts = true,
            _ => {} // `cargo bench` passes `--bench`
        }
    }
    a
}

fn main() {
    if let Err(e) = run(parse_args()) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn log(msg: &str) {
    eprintln!("[{}] {msg}", chrono_now());
}

fn chrono_now() -> String {
    let s = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    format!("{:02}:{:02}:{:02}", (s / 3600) % 24, (s / 60) % 60, s % 60)
}

fn start_postgres() -> Option<String> {
    let script = kartotek_bench::repo_root().join("scripts/bench-setup.sh");
    let out = std::process::Command::new("bash")
        .arg(&script)
        .output()
        .ok()?;
    if !out.status.success() {
        log(&format!(
            "postgres setup failed, skipping postgres: {}",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or("")
        ));
        return None;
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .map(str::to_string)
}

fn run(a: Args) -> kartotek::Result<()> {
    std::fs::create_dir_all(&a.out).map_err(|e| kartotek::Error::io(&a.out, e))?;
    let results_path = a.out.join("results.json");
    let mut results: Vec<serde_json::Value> = Vec::new();
    let testdata = a.testdata.clone().or_else(|| {
        let p = kartotek_bench::repo_root().join("../shared/testdata");
        p.exists().then_some(p)
    });
    let pools = testdata
        .as_deref()
        .map_or_else(Pools::builtin, Pools::for_benchmarks);
    log(&format!(
        "sentence pools: {:?}",
        pools
            .sizes()
            .iter()
            .map(|(l, n)| format!("{}={n}", l.code()))
            .collect::<Vec<_>>()
    ));
    let taxonomy = Taxonomy::builtin();
    let pg = if a.no_pg {
        None
    } else {
        a.pg.clone().or_else(start_postgres)
    };
    let machine = machine();
    // Kartotek's writer indexes on one thread per core, at most 4 (`Index::writer`)
    let kartotek_threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 4);
    results.push(json!({"kind": "machine", "machine": machine, "pg": pg.is_some()}));

    // PDFs: end-to-end ingest once (size independent)
    if let Some(pdfs) = testdata
        .as_ref()
        .map(|t| t.join("pdfs"))
        .filter(|p| p.exists() && !a.no_pdf)
    {
        let mut files: Vec<String> = walkdir::WalkDir::new(&pdfs)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| {
                e.path()
                    .extension()
                    .is_some_and(|x| x.eq_ignore_ascii_case("pdf"))
            })
            .map(|e| e.path().display().to_string())
            .collect();
        files.sort();
        log(&format!(
            "ingesting the {} PDFs of the test set end to end",
            files.len()
        ));
        let run = measure::ingest_files(
            &files,
            &a.out.join("kartotek-pdfs"),
            taxonomy,
            "kartotek-ingest-pdf",
        )?;
        log(&format!(
            "pdf ingest: {} docs, {:.1} MB text, {:.2} s",
            run.docs,
            run.text_bytes as f64 / 1e6,
            run.seconds
        ));
        results.push(json!({"kind": "index", "size": 0, "run": run}));
    }

    for &size in &a.passages {
        log(&format!("== {size} passages =="));
        let t = Instant::now();
        let docs = gen::generate(&pools, taxonomy, &Spec::new(size, a.seed));
        log(&format!(
            "generated {} docs, {:.1} MB text in {:.1} s",
            docs.len(),
            gen::text_bytes(&docs) as f64 / 1e6,
            t.elapsed().as_secs_f64()
        ));
        let qs = queries::generate(&docs, a.queries, a.seed);
        let queries_file = a.out.join(format!("queries-{size}.tsv"));
        queries::write_tsv(&queries_file, &qs)?;
        let cq = &qs[..qs.len().min(a.competitor_queries)];
        // `threads`: the cores the engine indexes with, for the per-core figures
        let push_index = |run: &IndexRun, threads: usize, results: &mut Vec<serde_json::Value>| {
            log(&format!(
                "{}: {:.2} s, {:.0} docs/s, {:.2} MB/s, {:.1} MB on disk, peak RSS {:.0} MB",
                run.engine,
                run.seconds,
                run.docs_per_s(),
                run.mb_per_s(),
                run.disk_bytes as f64 / 1e6,
                run.peak_rss as f64 / 1e6
            ));
            let mb = run.text_bytes as f64 / 1e6;
            let mb_per_s = mb / run.seconds.max(1e-9);
            results.push(json!({
                "kind": "index",
                "size": size,
                "threads": threads,
                "mb_per_s": mb_per_s,
                "mb_per_s_per_core": mb_per_s / threads.max(1) as f64,
                "mb_per_cpu_second": if run.cpu_seconds > 0.0 { mb / run.cpu_seconds } else { 0.0 },
                "run": run,
            }));
        };
        let push_query = |run: &QueryRun, subset: usize, results: &mut Vec<serde_json::Value>| {
            log(&format!(
                "{} {}: {:.0} q/s, p50 {:.3} p95 {:.3} p99 {:.3} ms (n={}, empty {})",
                run.engine,
                run.mode,
                run.qps,
                run.all.p50,
                run.all.p95,
                run.all.p99,
                run.all.n,
                run.empty
            ));
            results.push(json!({"kind": "query", "size": size, "subset": subset, "run": run}));
        };

        // Kartotek
        let kdir = a.out.join(format!("kartotek-{size}"));
        let index = if a.reuse_index && kdir.join("meta.json").exists() {
            log("reusing the existing Kartotek index (no indexing figures)");
            kartotek::index::Index::open_or_create(&kdir)?
        } else {
            let (index, irun) = measure::index_kartotek(&kdir, &docs, a.heap_mb << 20)?;
            push_index(&irun, kartotek_threads, &mut results);
            index
        };
        let searcher = Searcher::new(index, taxonomy);
        let mut k = Kartotek {
            searcher: searcher.clone(),
        };
        for mode in Mode::EVERY {
            let run = measure::run_queries(&mut k, &qs, mode, qs.len())?;
            push_query(&run, qs.len(), &mut results);
            if cq.len() < qs.len() {
                let run = measure::run_queries(&mut k, cq, mode, cq.len())?;
                push_query(&run, cq.len(), &mut results);
            }
        }
        if a.counts {
            // each query's matching documents, to set beside Lucene's (`--counts`)
            let mut s = String::from("documents\n");
            for q in &qs {
                let _ = writeln!(
                    s,
                    "{}",
                    k.searcher.search(&measure::request(q, Mode::Top10))?.total
                );
            }
            let path = a.out.join(format!("counts-kartotek-{size}.tsv"));
            std::fs::write(&path, s).map_err(|e| kartotek::Error::io(&path, e))?;
        }
        if !a.rates.is_empty() {
            for run in measure::http_load(&searcher, &qs, &a.rates, a.http_seconds)? {
                log(&format!(
                    "http {} req/s: achieved {:.0}, p50 {:.2} p99 {:.2} ms, errors {}",
                    run.rate, run.achieved, run.latency.p50, run.latency.p99, run.errors
                ));
                results.push(json!({"kind": "http", "size": size, "run": run}));
            }
        }
        drop(k);
        drop(searcher);
        save(&results_path, &results)?;

        // end to end from text files
        if size <= a.ingest_max {
            let files = a.out.join(format!("text-{size}"));
            measure::write_text_files(&files, &docs)?;
            // The machine is shared and noisy: repeat, keep the median run, log them all.
            let mut runs = Vec::new();
            for _ in 0..a.ingest_runs {
                runs.push(measure::ingest_files(
                    &[files.display().to_string()],
                    &a.out.join(format!("kartotek-ingest-{size}")),
                    taxonomy,
                    "kartotek-ingest-text",
                )?);
            }
            runs.sort_by(|x, y| x.seconds.total_cmp(&y.seconds));
            let all: Vec<f64> = runs.iter().map(|r| r.seconds).collect();
            let mut run = runs.swap_remove(runs.len() / 2);
            run.runs_seconds = all;
            if run.runs_seconds.len() > 1 {
                log(&format!(
                    "end-to-end ingest runs (s): {:?}; median reported",
                    run.runs_seconds
                ));
            }
            push_index(&run, kartotek_threads, &mut results);
            let _ = std::fs::remove_dir_all(&files);
            let _ = std::fs::remove_dir_all(a.out.join(format!("kartotek-ingest-{size}")));
        }

        if !a.no_sqlite {
            let (mut s, run) =
                sqlite::Sqlite::build(&a.out.join(format!("sqlite-{size}.db")), &docs)?;
            push_index(&run, 1, &mut results);
            let modes: Vec<Mode> = Mode::EVERY.into_iter().filter(|&m| s.supports(m)).collect();
            for mode in modes {
                let run = measure::run_queries(&mut s, cq, mode, cq.len().min(200))?;
                push_query(&run, cq.len(), &mut results);
            }
            save(&results_path, &results)?;
        }
        if let Some(conn) = &pg {
            let (mut p, run) = postgres::Postgres::build(conn, &docs)?;
            push_index(&run, 2, &mut results);
            let modes: Vec<Mode> = Mode::EVERY.into_iter().filter(|&m| p.supports(m)).collect();
            for mode in modes {
                let run = measure::run_queries(&mut p, cq, mode, cq.len().min(200))?;
                push_query(&run, cq.len(), &mut results);
            }
            save(&results_path, &results)?;
        }
        if !a.no_lucene {
            // The same passages and queries (the competitors' subset), in the Java harness's
            // own process; it warms its JIT on the queries before timing each mode.
            let passages_file = a.out.join(format!("passages-{size}.tsv"));
            lucene::write_passages(&passages_file, &docs)?;
            let cq_file = if cq.len() < qs.len() {
                let path = a.out.join(format!("queries-{size}-first{}.tsv", cq.len()));
                queries::write_tsv(&path, cq)?;
                path
            } else {
                queries_file.clone()
            };
            for config in [lucene::Config::Plain, lucene::Config::Tuned] {
                let dir = a.out.join(format!("lucene-{}-{size}", config.as_str()));
                let counts = a
                    .out
                    .join(format!("counts-lucene-{}-{size}.tsv", config.as_str()));
                match lucene::run(&lucene::Job {
                    config,
                    passages_file: &passages_file,
                    queries_file: &cq_file,
                    queries: cq,
                    docs: &docs,
                    dir: &dir,
                    threads: a.lucene_threads,
                    modes: &Mode::EVERY,
                    counts: a.counts.then_some(counts.as_path()),
                    build: true,
                }) {
                    Ok((irun, qruns)) => {
                        push_index(&irun, a.lucene_threads, &mut results);
                        for run in &qruns {
                            push_query(run, cq.len(), &mut results);
                        }
                    }
                    Err(e) => log(&format!("lucene-{}: skipped: {e}", config.as_str())),
                }
                let _ = std::fs::remove_dir_all(&dir);
                save(&results_path, &results)?;
            }
            let _ = std::fs::remove_file(&passages_file);
        }
        save(&results_path, &results)?;
        std::fs::write(a.out.join("report.md"), report(&results))
            .map_err(|e| kartotek::Error::io(a.out.join("report.md"), e))?;
        if let Some(path) = &a.json {
            save_json(path, &results)?;
        }
    }
    std::fs::write(a.out.join("report.md"), report(&results))
        .map_err(|e| kartotek::Error::io(a.out.join("report.md"), e))?;
    if let Some(path) = &a.json {
        save_json(path, &results)?;
        log(&format!("wrote {}", path.display()));
    }
    log(&format!(
        "wrote {} and {}",
        results_path.display(),
        a.out.join("report.md").display()
    ));
    Ok(())
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .map(|v| v.trim_start_matches([' ', '\t', ':']).to_string())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let mem = std::fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    format!("{cpu}, {cores} cores, {mem}")
}

/// `--json FILE`: every figure so far as one JSON document (rewritten after each size).
fn save_json(path: &Path, results: &[serde_json::Value]) -> kartotek::Result<()> {
    let doc = serde_json::to_string_pretty(&json!({ "results": results }))
        .map_err(|e| kartotek::Error::Internal(e.to_string()))?;
    std::fs::write(path, doc).map_err(|e| kartotek::Error::io(path, e))
}

fn save(path: &Path, results: &[serde_json::Value]) -> kartotek::Result<()> {
    let s: Vec<String> = results.iter().map(|v| v.to_string()).collect();
    std::fs::write(path, s.join("\n") + "\n").map_err(|e| kartotek::Error::io(path, e))
}

/// The markdown report: indexing, queries and HTTP tables, one row per run.
fn report(results: &[serde_json::Value]) -> String {
    let mut s = String::new();
    let f = |v: &serde_json::Value| v.as_f64().unwrap_or(0.0);
    let _ = writeln!(s, "## Indexing\n\n| passages | engine | threads | docs | MB text | seconds | docs/s | MB/s | MB/s per core | CPU s | MB per CPU s | disk MB | peak RSS MB |\n|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in results.iter().filter(|r| r["kind"] == "index") {
        let x = &r["run"];
        let secs = f(&x["seconds"]).max(1e-9);
        let threads = r["threads"].as_u64().unwrap_or(1).max(1);
        // A repeated run shows its median and every run's seconds.
        let engine = match x["runs_seconds"].as_array() {
            Some(all) if all.len() > 1 => format!(
                "{} (median of {}: {})",
                x["engine"].as_str().unwrap_or(""),
                all.len(),
                all.iter()
                    .map(|v| format!("{:.2}", f(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            _ => x["engine"].as_str().unwrap_or("").to_string(),
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {:.1} | {:.2} | {:.0} | {:.2} | {:.2} | {:.2} | {:.2} | {:.1} | {:.0} |",
            r["size"],
            engine,
            threads,
            x["docs"],
            f(&x["text_bytes"]) / 1e6,
            secs,
            f(&x["docs"]) / secs,
            f(&x["text_bytes"]) / 1e6 / secs,
            f(&x["text_bytes"]) / 1e6 / secs / threads as f64,
            f(&x["cpu_seconds"]),
            f(&r["mb_per_cpu_second"]),
            f(&x["disk_bytes"]) / 1e6,
            f(&x["peak_rss"]) / 1e6
        );
    }
    let _ = writeln!(s, "\n## Queries (one client, back to back; ms)\n\n| passages | engine | mode | queries | q/s | q per CPU s | p50 | p95 | p99 | word p50/p99 | words p50/p99 | phrase p50/p99 | filtered p50/p99 | empty |\n|---:|---|---|---:|---:|---:|---:|---:|---:|---|---|---|---|---:|");
    for r in results.iter().filter(|r| r["kind"] == "query") {
        let x = &r["run"];
        let c = |name: &str| {
            format!(
                "{:.2}/{:.2}",
                f(&x["by_class"][name]["p50"]),
                f(&x["by_class"][name]["p99"])
            )
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {:.0} | {:.0} | {:.3} | {:.3} | {:.3} | {} | {} | {} | {} | {} |",
            r["size"],
            x["engine"].as_str().unwrap_or(""),
            x["mode"].as_str().unwrap_or(""),
            r["subset"],
            f(&x["qps"]),
            per_cpu(x),
            f(&x["all"]["p50"]),
            f(&x["all"]["p95"]),
            f(&x["all"]["p99"]),
            c("word"),
            c("words"),
            c("phrase"),
            c("filtered"),
            x["empty"]
        );
    }
    s.push_str(&side_by_side(results));
    let _ = writeln!(s, "\n## HTTP, open loop (Kartotek `/api/search`, facets+snippets on; ms from intended send time)\n\n| passages | offered req/s | achieved req/s | p50 | p99 | max | errors |\n|---:|---:|---:|---:|---:|---:|---:|");
    for r in results.iter().filter(|r| r["kind"] == "http") {
        let x = &r["run"];
        let _ = writeln!(
            s,
            "| {} | {} | {:.0} | {:.2} | {:.2} | {:.2} | {} |",
            r["size"],
            x["rate"],
            f(&x["achieved"]),
            f(&x["latency"]["p50"]),
            f(&x["latency"]["p99"]),
            f(&x["latency"]["max"]),
            x["errors"]
        );
    }
    s
}

/// Queries per CPU second of a query run (0 when its CPU time is unknown).
fn per_cpu(run: &serde_json::Value) -> f64 {
    let cpu = run["cpu_seconds"].as_f64().unwrap_or(0.0);
    if cpu > 0.0 {
        run["all"]["n"].as_f64().unwrap_or(0.0) / cpu
    } else {
        0.0
    }
}

/// Per size and mode, every engine's q/s, p50 and p99 on the same query set
/// in one row, with Kartotek's throughput over Lucene-tuned's, by wall time
/// and by CPU time.
fn side_by_side(results: &[serde_json::Value]) -> String {
    const ENGINES: [&str; 5] = [
        "kartotek",
        "lucene-tuned",
        "lucene-plain",
        "sqlite-fts5",
        "postgres",
    ];
    let mut s = String::from(
        "\n## Side by side (q/s, p50 / p99 ms; one query set per row)\n\n| passages | queries | mode |",
    );
    for e in ENGINES {
        let _ = write!(s, " {e} |");
    }
    s.push_str(" kartotek / lucene-tuned | same, per CPU s |\n|---:|---:|---|");
    s.push_str(&"---|".repeat(ENGINES.len() + 2));
    s.push('\n');
    let queries: Vec<&serde_json::Value> =
        results.iter().filter(|r| r["kind"] == "query").collect();
    let mut keys: Vec<(u64, u64)> = queries
        .iter()
        .map(|r| {
            (
                r["size"].as_u64().unwrap_or(0),
                r["subset"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    keys.sort();
    keys.dedup();
    for (size, subset) in keys {
        for mode in Mode::EVERY {
            let find = |e: &str| {
                queries.iter().find(|r| {
                    r["size"] == size
                        && r["subset"] == subset
                        && r["run"]["engine"] == e
                        && r["run"]["mode"] == mode.as_str()
                })
            };
            if ENGINES.iter().all(|e| find(e).is_none()) {
                continue;
            }
            let _ = write!(s, "| {size} | {subset} | {} |", mode.as_str());
            for e in ENGINES {
                match find(e) {
                    Some(r) => {
                        let x = &r["run"];
                        let _ = write!(
                            s,
                            " {:.0}, {:.2} / {:.2} |",
                            x["qps"].as_f64().unwrap_or(0.0),
                            x["all"]["p50"].as_f64().unwrap_or(0.0),
                            x["all"]["p99"].as_f64().unwrap_or(0.0)
                        );
                    }
                    None => s.push_str(" – |"),
                }
            }
            let qps = |e: &str| find(e).and_then(|r| r["run"]["qps"].as_f64());
            match (qps("kartotek"), qps("lucene-tuned")) {
                (Some(k), Some(l)) if l > 0.0 => {
                    let _ = write!(s, " {:.2}× |", k / l);
                }
                _ => s.push_str(" – |"),
            }
            let cpu = |e: &str| find(e).map(|r| per_cpu(&r["run"]));
            match (cpu("kartotek"), cpu("lucene-tuned")) {
                (Some(k), Some(l)) if l > 0.0 && k > 0.0 => {
                    let _ = writeln!(s, " {:.2}× |", k / l);
                }
                _ => s.push_str(" – |\n"),
            }
        }
    }
    s
}
