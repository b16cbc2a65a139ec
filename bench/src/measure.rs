//! Measurements on the Kartotek side, and what every engine shares:
//! latency statistics, the [`Engine`] trait the competitors implement, the
//! query loop, indexing (from generated documents and end to end from text
//! files), and an open-loop HTTP load generator.
//!
//! The HTTP generator sends request `i` at `start + i / rate` whatever
//! happened to earlier ones (open loop, like wrk2) and measures each
//! latency from that *intended* send time, so a stall shows up as latency
//! instead of silently lowering the offered rate (coordinated omission).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;

use kartotek::document::Document;
use kartotek::error::{Error, Result};
use kartotek::facet::{Facet, FacetSet};
use kartotek::index::Index;
use kartotek::search::{query::Features, Request, Searcher};
use kartotek::taxonomy::Taxonomy;

use super::queries::BenchQuery;

/// Latency summary of one set of timings, in milliseconds.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    /// Number of timings.
    pub n: usize,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Largest.
    pub max: f64,
    /// Mean.
    pub mean: f64,
}

impl Stats {
    /// Summarise timings given in milliseconds.
    pub fn of(ms: &[f64]) -> Stats {
        if ms.is_empty() {
            return Stats::default();
        }
        let mut v = ms.to_vec();
        v.sort_by(f64::total_cmp);
        Stats {
            n: v.len(),
            p50: percentile(&v, 50.0),
            p95: percentile(&v, 95.0),
            p99: percentile(&v, 99.0),
            max: v[v.len() - 1],
            mean: v.iter().sum::<f64>() / v.len() as f64,
        }
    }
}

/// Nearest-rank percentile of sorted values (0 for an empty slice).
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// What a query asks for beyond the ten best hits: the equal-feature
/// classes of issue 18, each a superset of `Top10`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The ten best hits only.
    Top10,
    /// + facet counts.
    Facets,
    /// + snippets of the hits.
    Snippets,
    /// + typo tolerance (fuzzy matching).
    Typo,
    /// Facets, snippets and typo tolerance.
    All,
}

impl Mode {
    /// Every mode, in report order.
    pub const EVERY: [Mode; 5] = [
        Mode::Top10,
        Mode::Facets,
        Mode::Snippets,
        Mode::Typo,
        Mode::All,
    ];

    /// Name in reports and on the Lucene harness's command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Top10 => "top10",
            Mode::Facets => "facets",
            Mode::Snippets => "snippets",
            Mode::Typo => "typo",
            Mode::All => "all",
        }
    }

    /// The facets counted: those the other engines count (the taxonomy's
    /// four and the language; not year, period, format or quality, which
    /// they do not index), in the classes with facets.
    pub fn facets(self) -> FacetSet {
        if matches!(self, Mode::Facets | Mode::All) {
            FacetSet::of(&[
                Facet::Region,
                Facet::Programme,
                Facet::Network,
                Facet::Theme,
                Facet::Lang,
            ])
        } else {
            FacetSet::NONE
        }
    }

    /// Snippets asked for.
    pub fn snippets(self) -> bool {
        matches!(self, Mode::Snippets | Mode::All)
    }

    /// Typo tolerance asked for.
    pub fn typo(self) -> bool {
        matches!(self, Mode::Typo | Mode::All)
    }
}

/// A search engine under test: answers one benchmark query.
pub trait Engine {
    /// Name in reports.
    fn name(&self) -> String;
    /// Whether the engine can do what `mode` asks (the SQL engines have no
    /// typo tolerance).
    fn supports(&self, mode: Mode) -> bool {
        !mode.typo()
    }
    /// Run one query with what `mode` asks for (facet counts, snippets, or
    /// the engine's equivalent). Returns the number of hits returned.
    fn query(&mut self, q: &BenchQuery, mode: Mode) -> Result<usize>;
}

/// Latencies of one query run, per class and overall.
#[derive(Debug, Clone, Serialize)]
pub struct QueryRun {
    /// Engine name.
    pub engine: String,
    /// What each query asked for ([`Mode::as_str`]).
    pub mode: String,
    /// Queries per second, one client, back to back.
    pub qps: f64,
    /// Overall latency.
    pub all: Stats,
    /// Latency per query class.
    pub by_class: BTreeMap<String, Stats>,
    /// Queries that returned no hit.
    pub empty: usize,
    /// CPU time (user + system, every thread) the engine's process spent on
    /// the timed pass, seconds; 0 when not measurable (PostgreSQL's server).
    /// Unlike wall time it hardly moves when other work shares the cores.
    pub cpu_seconds: f64,
}

impl QueryRun {
    /// The run of `engine` that took `ms[i]` and returned `hits[i]` hits for
    /// `queries[i]`, `seconds` in all, using `cpu_seconds` of CPU time.
    pub fn from_timings(
        engine: String,
        mode: Mode,
        queries: &[BenchQuery],
        ms: &[f64],
        hits: &[usize],
        seconds: f64,
        cpu_seconds: f64,
    ) -> QueryRun {
        let mut by_class: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        for (q, &t) in queries.iter().zip(ms) {
            by_class
                .entry(q.class.as_str().to_string())
                .or_default()
                .push(t);
        }
        QueryRun {
            engine,
            mode: mode.as_str().to_string(),
            qps: ms.len() as f64 / seconds.max(1e-9),
            all: Stats::of(ms),
            by_class: by_class
                .into_iter()
                .map(|(k, v)| (k, Stats::of(&v)))
                .collect(),
            empty: hits.iter().filter(|&&h| h == 0).count(),
            cpu_seconds,
        }
    }
}

/// Run the first `warmup` queries untimed, then every query once timed,
/// back to back.
pub fn run_queries(
    engine: &mut dyn Engine,
    queries: &[BenchQuery],
    mode: Mode,
    warmup: usize,
) -> Result<QueryRun> {
    for q in queries.iter().take(warmup) {
        engine.query(q, mode)?;
    }
    let mut ms = Vec::with_capacity(queries.len());
    let mut hits = Vec::with_capacity(queries.len());
    let cpu = cpu_seconds();
    let started = Instant::now();
    for q in queries {
        let t = Instant::now();
        hits.push(engine.query(q, mode)?);
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let secs = started.elapsed().as_secs_f64();
    // the SQL server's CPU is not ours to measure
    let cpu = if engine.name() == "postgres" {
        0.0
    } else {
        cpu_seconds() - cpu
    };
    Ok(QueryRun::from_timings(
        engine.name(),
        mode,
        queries,
        &ms,
        &hits,
        secs,
        cpu,
    ))
}

/// The Kartotek request for a benchmark query: folding, Bokmål/Nynorsk
/// expansion and OCR matching always on (they are how Kartotek matches),
/// fuzzy matching, facets and snippets as `mode` asks.
pub fn request(q: &BenchQuery, mode: Mode) -> Request {
    let mut r = Request::new(q.text());
    r.facets = mode.facets();
    r.snippets = mode.snippets();
    r.features = Features {
        fuzzy: mode.typo(),
        ..Features::ALL
    };
    for (f, p) in &q.filters {
        r = r.filter(f, p);
    }
    r
}

/// Kartotek in-process, through [`Searcher::search`] (the product's path).
pub struct Kartotek {
    /// The searcher.
    pub searcher: Searcher,
}

impl Engine for Kartotek {
    fn name(&self) -> String {
        "kartotek".into()
    }

    fn supports(&self, _mode: Mode) -> bool {
        true
    }

    fn query(&mut self, q: &BenchQuery, mode: Mode) -> Result<usize> {
        Ok(self.searcher.search(&request(q, mode))?.hits.len())
    }
}

/// Indexing figures of one engine at one size.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IndexRun {
    /// Engine name.
    pub engine: String,
    /// Documents indexed.
    pub docs: usize,
    /// Passages indexed.
    pub passages: usize,
    /// Bytes of passage text.
    pub text_bytes: u64,
    /// Wall time in seconds, commit (or index build) included.
    pub seconds: f64,
    /// Size on disk afterwards, in bytes.
    pub disk_bytes: u64,
    /// Peak resident memory during the run, bytes (0 when not measurable).
    pub peak_rss: u64,
    /// CPU time (user + system, every thread) the engine's process spent
    /// on the run, seconds; 0 when not measurable (PostgreSQL's server).
    /// Text MB over this is the throughput per busy core.
    pub cpu_seconds: f64,
    /// Wall times of every repetition when the run was repeated (this one is the median).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub runs_seconds: Vec<f64>,
}

impl IndexRun {
    /// Documents per second.
    pub fn docs_per_s(&self) -> f64 {
        self.docs as f64 / self.seconds.max(1e-9)
    }

    /// MB (10^6 bytes) of text per second.
    pub fn mb_per_s(&self) -> f64 {
        self.text_bytes as f64 / 1e6 / self.seconds.max(1e-9)
    }
}

/// Reset the process's peak-RSS mark (Linux `clear_refs`; ignored elsewhere).
pub fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Peak resident memory of this process since the last reset, in bytes.
pub fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map(|kb| kb * 1024)
        .unwrap_or(0)
}

/// CPU time this process (every thread, and children it has waited for)
/// has used so far, in seconds, from `/proc/self/stat` (clock ticks of 10 ms).
pub fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // fields after the parenthesised command name; utime is field 14 overall
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let ticks: u64 = rest
        .split_whitespace()
        .skip(11)
        .take(4)
        .filter_map(|v| v.parse::<u64>().ok())
        .sum();
    ticks as f64 / 100.0
}

/// Total size of the files under `dir`.
pub fn dir_size(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

/// Index `docs` into a fresh on-disk index in `dir` (removed first) with
/// one writer and one commit at the end, then merge the segments into one
/// (timed: it is part of a bulk load, like PostgreSQL's index build).
/// The peak RSS includes the generated corpus already in memory.
pub fn index_kartotek(dir: &Path, docs: &[Document], heap: usize) -> Result<(Index, IndexRun)> {
    let _ = std::fs::remove_dir_all(dir);
    let index = Index::open_or_create(dir)?;
    reset_peak_rss();
    let cpu = cpu_seconds();
    let started = Instant::now();
    let mut w = index.writer(heap)?;
    for d in docs {
        w.upsert(d)?;
    }
    w.commit()?;
    w.merge_all()?;
    drop(w);
    let seconds = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu;
    let run = IndexRun {
        engine: "kartotek".into(),
        docs: docs.len(),
        passages: super::gen::passages(docs),
        text_bytes: super::gen::text_bytes(docs),
        seconds,
        disk_bytes: dir_size(dir),
        peak_rss: peak_rss(),
        cpu_seconds: cpu,
        runs_seconds: Vec::new(),
    };
    Ok((index, run))
}

/// Write each document as a UTF-8 text file (passages separated by blank
/// lines) under `dir`, for the end-to-end ingest measurement.
pub fn write_text_files(dir: &Path, docs: &[Document]) -> Result<()> {
    let _ = std::fs::remove_dir_all(dir);
    for (i, d) in docs.iter().enumerate() {
        let sub = dir.join(format!("{:03}", i % 1000));
        if i < 1000 {
            std::fs::create_dir_all(&sub).map_err(|e| Error::io(&sub, e))?;
        }
        let text: Vec<&str> = d.passages.iter().map(|p| p.text.as_str()).collect();
        let path = sub.join(format!("{i}.txt"));
        std::fs::write(&path, text.join("\n\n")).map_err(|e| Error::io(&path, e))?;
    }
    Ok(())
}

/// The full ingest pipeline (walk, sniff, read, split, detect language,
/// tag facets, index, commit) over `sources` (files or folders, as on the
/// `ingest` command line) into a fresh index in `dir`.
pub fn ingest_files(
    sources: &[String],
    dir: &Path,
    taxonomy: &'static Taxonomy,
    engine: &str,
) -> Result<IndexRun> {
    let _ = std::fs::remove_dir_all(dir);
    let index = Index::open_or_create(dir)?;
    let jobs = kartotek::ingest::source::expand(sources);
    let opts = kartotek::ingest::Options::new(taxonomy);
    reset_peak_rss();
    let cpu = cpu_seconds();
    let started = Instant::now();
    let mut writer = index.writer(opts.writer_heap)?;
    let summary = kartotek::ingest::run_with_writer(
        &index,
        &mut writer,
        jobs,
        &opts,
        &mut kartotek::ingest::Silent,
    )?;
    let seconds = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu;
    // Not timed (a CLI ingest exits here and abandons them): background merges finish before
    // the size is taken and before a repeated run starts.
    writer.wait_merges()?;
    index.reload()?;
    Ok(IndexRun {
        engine: engine.into(),
        docs: summary.indexed,
        passages: index.num_passages() as usize,
        text_bytes: summary.text_bytes,
        seconds,
        disk_bytes: dir_size(dir),
        peak_rss: peak_rss(),
        cpu_seconds: cpu,
        runs_seconds: Vec::new(),
    })
}

/// Result of one open-loop HTTP run at a fixed offered rate.
#[derive(Debug, Clone, Serialize)]
pub struct HttpRun {
    /// Offered rate, requests per second.
    pub rate: u32,
    /// Seconds of sending.
    pub seconds: f64,
    /// Achieved completion rate.
    pub achieved: f64,
    /// Latency from the intended send time, milliseconds.
    pub latency: Stats,
    /// Requests that failed or did not answer 200.
    pub errors: usize,
}

/// The `/api/search` path and query string for a benchmark query.
pub fn api_path(q: &BenchQuery) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    s.append_pair("q", &q.text());
    for (f, p) in &q.filters {
        s.append_pair(f, p);
    }
    format!("/api/search?{}", s.finish())
}

/// Serve `searcher` with the product's router on 127.0.0.1 (a 2-thread
/// runtime, the server's default on this machine), and offer each rate in
/// `rates` for `seconds`, cycling through `queries`. The client runs on its
/// own single-thread runtime in this process.
pub fn http_load(
    searcher: &Searcher,
    queries: &[BenchQuery],
    rates: &[u32],
    seconds: f64,
) -> Result<Vec<HttpRun>> {
    let index = searcher.embedded().cloned().ok_or_else(|| {
        kartotek::Error::Usage("the HTTP load measures the embedded index".into())
    })?;
    let state = kartotek::server::AppState::with_writer(
        index,
        searcher.taxonomy(),
        kartotek::server::Config::default(),
        None,
    );
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Internal(format!("cannot start the server runtime: {e}")))?;
    let listener = server_rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .map_err(|e| Error::Internal(format!("cannot listen: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::Internal(e.to_string()))?;
    server_rt.spawn(async move {
        let _ = axum::serve(listener, kartotek::server::app(state)).await;
    });
    let client_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Internal(format!("cannot start the client runtime: {e}")))?;
    let paths: Vec<String> = queries.iter().map(api_path).collect();
    let mut out = Vec::new();
    for &rate in rates {
        let run = client_rt.block_on(open_loop(addr, &paths, rate, seconds))?;
        out.push(run);
    }
    server_rt.shutdown_timeout(Duration::from_secs(1));
    Ok(out)
}

async fn open_loop(
    addr: std::net::SocketAddr,
    paths: &[String],
    rate: u32,
    seconds: f64,
) -> Result<HttpRun> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(4096)
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| Error::Internal(format!("cannot build the HTTP client: {e}")))?;
    // warm the connection pool and the server
    for p in paths.iter().take(50) {
        let _ = client.get(format!("http://{addr}{p}")).send().await;
    }
    let n = ((rate as f64 * seconds) as usize).max(1);
    let lat = Arc::new(Mutex::new(Vec::with_capacity(n)));
    let errors = Arc::new(Mutex::new(0usize));
    let start = tokio::time::Instant::now();
    let mut tasks = Vec::with_capacity(n);
    for i in 0..n {
        let due = start + Duration::from_secs_f64(i as f64 / rate as f64);
        tokio::time::sleep_until(due).await;
        let url = format!("http://{addr}{}", paths[i % paths.len()]);
        let (c, lat, errors) = (client.clone(), Arc::clone(&lat), Arc::clone(&errors));
        tasks.push(tokio::spawn(async move {
            let ok = match c.get(url).send().await {
                Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                Err(_) => false,
            };
            let ms = due.elapsed().as_secs_f64() * 1000.0;
            if ok {
                if let Ok(mut v) = lat.lock() {
                    v.push(ms);
                }
            } else if let Ok(mut e) = errors.lock() {
                *e += 1;
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let total = start.elapsed().as_secs_f64();
    let lat = lat.lock().map(|v| v.clone()).unwrap_or_default();
    let errors = errors.lock().map(|e| *e).unwrap_or(0);
    Ok(HttpRun {
        rate,
        seconds: total,
        achieved: lat.len() as f64 / total.max(1e-9),
        latency: Stats::of(&lat),
        errors,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        let s = Stats::of(&v);
        assert_eq!((s.p50, s.p95, s.p99, s.max), (50.0, 95.0, 99.0, 100.0));
        assert_eq!(Stats::of(&[]).n, 0);
        assert_eq!(percentile(&[3.0], 99.0), 3.0);
    }

    #[test]
    fn api_path_encodes_phrases_and_filters() {
        let q = BenchQuery {
            words: vec!["grønt".into(), "skifte".into()],
            phrase: true,
            filters: vec![("region".into(), "/norway/trondelag".into())],
            class: super::super::queries::Class::Filtered,
            band: super::super::queries::Band::Head,
        };
        let p = api_path(&q);
        assert!(
            p.starts_with("/api/search?q=%22gr%C3%B8nt+skifte%22"),
            "{p}"
        );
        assert!(p.ends_with("&region=%2Fnorway%2Ftrondelag"), "{p}");
    }
}
