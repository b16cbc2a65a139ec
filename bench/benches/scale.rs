//! The whole scale benchmark in one command (issue 7): for each corpus size
//! it generates the corpus and the query set, indexes with Kartotek, SQLite
//! FTS5 and PostgreSQL 15, runs the same queries in-process on each, runs
//! the open-loop HTTP load against Kartotek's server, and measures
//! end-to-end ingest from text files (and once from PDFs). Results go to
//! `OUT/results.json` (one JSON object per line) and `OUT/report.md`.
//!
//! ```text
//! cargo bench -p kartotek-bench --bench scale -- --passages 10000,100000,1000000 --out target/bench
//! ```
//!
//! PostgreSQL is started with `scripts/bench-setup.sh` (installs the Debian
//! package if needed, cluster on 127.0.0.1) unless `--pg CONNSTR` or
//! `--no-pg` is given. Without `--passages` it runs a 10,000-passage smoke
//! size, so a bare `cargo bench` stays short. `--ingest-runs N` repeats the
//! end-to-end ingest N times and reports the median run.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use kartotek::search::Searcher;
use kartotek::taxonomy::Taxonomy;
use kartotek_bench::gen::{self, Pools, Spec};
use kartotek_bench::measure::{self, IndexRun, Kartotek, QueryRun};
use kartotek_bench::queries::{self, BenchQuery};
use kartotek_bench::{postgres, sqlite};
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
    rates: Vec<u32>,
    http_seconds: f64,
    ingest_max: usize,
    competitor_queries: usize,
    heap_mb: usize,
    reuse_index: bool,
    ingest_runs: usize,
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
        rates: vec![100, 500, 2_000],
        http_seconds: 10.0,
        ingest_max: usize::MAX,
        competitor_queries: usize::MAX,
        heap_mb: 128,
        reuse_index: false,
        ingest_runs: 1,
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
            "--rates" => a.rates = list(&v()).into_iter().map(|r| r as u32).collect(),
            "--http-seconds" => a.http_seconds = v().parse().unwrap_or(10.0),
            "--ingest-max" => a.ingest_max = v().parse().unwrap_or(usize::MAX),
            "--competitor-queries" => a.competitor_queries = v().parse().unwrap_or(usize::MAX),
            "--reuse-index" => a.reuse_index = true,
            "--heap-mb" => a.heap_mb = v().parse().unwrap_or(128),
            "--ingest-runs" => a.ingest_runs = v().parse().unwrap_or(1).max(1),
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
    results.push(json!({"kind": "machine", "machine": machine, "pg": pg.is_some()}));

    // PDFs: end-to-end ingest once (size independent)
    if let Some(pdfs) = testdata
        .as_ref()
        .map(|t| t.join("pdfs"))
        .filter(|p| p.exists())
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
        write_queries(&a.out.join(format!("queries-{size}.tsv")), &qs)?;
        let cq = &qs[..qs.len().min(a.competitor_queries)];
        let push_index = |run: &IndexRun, results: &mut Vec<serde_json::Value>| {
            log(&format!(
                "{}: {:.2} s, {:.0} docs/s, {:.2} MB/s, {:.1} MB on disk, peak RSS {:.0} MB",
                run.engine,
                run.seconds,
                run.docs_per_s(),
                run.mb_per_s(),
                run.disk_bytes as f64 / 1e6,
                run.peak_rss as f64 / 1e6
            ));
            results.push(json!({"kind": "index", "size": size, "run": run}));
        };
        let push_query = |run: &QueryRun, subset: usize, results: &mut Vec<serde_json::Value>| {
            log(&format!(
                "{} full={}: {:.0} q/s, p50 {:.3} p95 {:.3} p99 {:.3} ms (n={}, empty {})",
                run.engine,
                run.full,
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
            push_index(&irun, &mut results);
            index
        };
        let searcher = Searcher::new(index, taxonomy);
        let mut k = Kartotek {
            searcher: searcher.clone(),
        };
        for full in [true, false] {
            let run = measure::run_queries(&mut k, &qs, full, qs.len())?;
            push_query(&run, qs.len(), &mut results);
            if cq.len() < qs.len() {
                let run = measure::run_queries(&mut k, cq, full, cq.len())?;
                push_query(&run, cq.len(), &mut results);
            }
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
            push_index(&run, &mut results);
            let _ = std::fs::remove_dir_all(&files);
            let _ = std::fs::remove_dir_all(a.out.join(format!("kartotek-ingest-{size}")));
        }

        if !a.no_sqlite {
            let (mut s, run) =
                sqlite::Sqlite::build(&a.out.join(format!("sqlite-{size}.db")), &docs)?;
            push_index(&run, &mut results);
            for full in [true, false] {
                let run = measure::run_queries(&mut s, cq, full, cq.len().min(200))?;
                push_query(&run, cq.len(), &mut results);
            }
            save(&results_path, &results)?;
        }
        if let Some(conn) = &pg {
            let (mut p, run) = postgres::Postgres::build(conn, &docs)?;
            push_index(&run, &mut results);
            for full in [true, false] {
                let run = measure::run_queries(&mut p, cq, full, cq.len().min(200))?;
                push_query(&run, cq.len(), &mut results);
            }
            save(&results_path, &results)?;
        }
        save(&results_path, &results)?;
        std::fs::write(a.out.join("report.md"), report(&results))
            .map_err(|e| kartotek::Error::io(a.out.join("report.md"), e))?;
    }
    std::fs::write(a.out.join("report.md"), report(&results))
        .map_err(|e| kartotek::Error::io(a.out.join("report.md"), e))?;
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

fn write_queries(path: &Path, qs: &[BenchQuery]) -> kartotek::Result<()> {
    let mut s = String::from("class\tband\tquery\tfilters\n");
    for q in qs {
        let f: Vec<String> = q.filters.iter().map(|(f, p)| format!("{f}={p}")).collect();
        let _ = writeln!(
            s,
            "{}\t{:?}\t{}\t{}",
            q.class.as_str(),
            q.band,
            q.text(),
            f.join("&")
        );
    }
    std::fs::write(path, s).map_err(|e| kartotek::Error::io(path, e))
}

fn save(path: &Path, results: &[serde_json::Value]) -> kartotek::Result<()> {
    let s: Vec<String> = results.iter().map(|v| v.to_string()).collect();
    std::fs::write(path, s.join("\n") + "\n").map_err(|e| kartotek::Error::io(path, e))
}

/// The markdown report: indexing, queries and HTTP tables, one row per run.
fn report(results: &[serde_json::Value]) -> String {
    let mut s = String::new();
    let f = |v: &serde_json::Value| v.as_f64().unwrap_or(0.0);
    let _ = writeln!(s, "## Indexing\n\n| passages | engine | docs | MB text | seconds | docs/s | MB/s | disk MB | peak RSS MB |\n|---:|---|---:|---:|---:|---:|---:|---:|---:|");
    for r in results.iter().filter(|r| r["kind"] == "index") {
        let x = &r["run"];
        let secs = f(&x["seconds"]).max(1e-9);
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
            "| {} | {} | {} | {:.1} | {:.2} | {:.0} | {:.2} | {:.1} | {:.0} |",
            r["size"],
            engine,
            x["docs"],
            f(&x["text_bytes"]) / 1e6,
            secs,
            f(&x["docs"]) / secs,
            f(&x["text_bytes"]) / 1e6 / secs,
            f(&x["disk_bytes"]) / 1e6,
            f(&x["peak_rss"]) / 1e6
        );
    }
    let _ = writeln!(s, "\n## Queries (one client, back to back; ms)\n\n| passages | engine | facets+snippets | queries | q/s | p50 | p95 | p99 | word p50/p99 | words p50/p99 | phrase p50/p99 | filtered p50/p99 | empty |\n|---:|---|---|---:|---:|---:|---:|---:|---|---|---|---|---:|");
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
            "| {} | {} | {} | {} | {:.0} | {:.3} | {:.3} | {:.3} | {} | {} | {} | {} | {} |",
            r["size"],
            x["engine"].as_str().unwrap_or(""),
            if x["full"] == true { "on" } else { "off" },
            r["subset"],
            f(&x["qps"]),
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
