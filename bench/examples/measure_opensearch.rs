//! The embedded index against OpenSearch, on the same generated corpus and
//! query set, in one run: bulk indexing MB/s, one-client latency (p50/p99)
//! and throughput with facets and snippets on and with the top 10 only, and
//! how many queries answer differently (top 10 ids) from the embedded index,
//! and how many only order documents of equal scores (within 1e-5) otherwise.
//! Each cluster gets a fresh index (`bench-N-vM`), dropped at the end.
//!
//! ```text
//! cargo run --release -p kartotek-bench --example measure_opensearch -- \
//!     --passages 100000 --queries 1000 [--testdata DIR] \
//!     --cluster 1:1:0:http://127.0.0.1:9600 \
//!     --cluster 3:3:1:http://127.0.0.1:9200,http://127.0.0.1:9201,http://127.0.0.1:9202
//! ```
//! `--cluster NAME:SHARDS:REPLICAS:URLS` (repeatable); `--show N` prints the
//! first N queries answered differently, with both rankings and their scores;
//! `--kill-node I` (with a cluster of several nodes from
//! `scripts/opensearch-cluster.sh`, after its other measurements) kills node
//! I with `kill -9` and measures how long until search is whole again: the
//! time until 20 searches in a row are answered with the top 10 they had
//! before the kill (the node is started again at the end).

use std::time::Instant;

use kartotek::opensearch::{Cluster, Config};
use kartotek::search::Searcher;
use kartotek::store::DocStore;
use kartotek::taxonomy::Taxonomy;
use kartotek_bench::measure::{self, Kartotek, Mode, QueryRun};
use kartotek_bench::{gen, queries};

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn row(name: &str, r: &QueryRun) -> String {
    format!(
        "| {name} | {} | {:.0} | {:.2} / {:.2} / {:.2} |",
        if r.mode == Mode::All.as_str() {
            "facets+snippets"
        } else {
            "top 10 only"
        },
        r.qps,
        r.all.p50,
        r.all.p95,
        r.all.p99
    )
}

/// Seconds from `kill -9` of `node` until 20 searches in a row answer the
/// top 10 they answered before; errors and different answers restart the count.
fn recovery(
    searcher: &Searcher,
    qs: &[kartotek_bench::queries::BenchQuery],
    node: usize,
) -> kartotek::Result<f64> {
    let sample: Vec<_> = qs.iter().take(50).collect();
    let top = |q: &kartotek_bench::queries::BenchQuery| -> Option<Vec<String>> {
        searcher
            .search(&measure::request(q, Mode::Typo))
            .ok()
            .map(|r| r.hits.into_iter().map(|h| h.id).collect())
    };
    let before: Vec<Option<Vec<String>>> = sample.iter().map(|q| top(q)).collect();
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../scripts/opensearch-cluster.sh"
    );
    let killed = std::process::Command::new(script)
        .args(["kill-node", &node.to_string()])
        .status()
        .map_err(|e| kartotek::Error::Internal(format!("cannot run {script}: {e}")))?;
    if !killed.success() {
        return Err(kartotek::Error::Internal(format!(
            "{script} kill-node {node} failed"
        )));
    }
    let started = Instant::now();
    let mut in_a_row = 0;
    let mut i = 0;
    let mut whole_since = started.elapsed();
    while in_a_row < 20 && started.elapsed().as_secs() < 600 {
        let j = i % sample.len();
        if top(sample[j]) == before[j] && before[j].is_some() {
            if in_a_row == 0 {
                whole_since = started.elapsed();
            }
            in_a_row += 1;
        } else {
            in_a_row = 0;
        }
        i += 1;
    }
    let _ = std::process::Command::new(script)
        .args(["start-node", &node.to_string()])
        .status();
    Ok(whole_since.as_secs_f64())
}

fn main() -> kartotek::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let passages: usize = arg(&args, "--passages")
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let n: usize = arg(&args, "--queries")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let testdata = arg(&args, "--testdata");
    let kill: Option<usize> = arg(&args, "--kill-node").and_then(|v| v.parse().ok());
    let show: usize = arg(&args, "--show")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let clusters: Vec<(String, u32, u32, Vec<String>)> = args
        .iter()
        .enumerate()
        .filter(|(_, a)| *a == "--cluster")
        .filter_map(|(i, _)| args.get(i + 1))
        .filter_map(|spec| {
            let mut p = spec.splitn(4, ':');
            let name = p.next()?.to_string();
            let shards = p.next()?.parse().ok()?;
            let replicas = p.next()?.parse().ok()?;
            let urls = p.next()?.split(',').map(str::to_string).collect();
            Some((name, shards, replicas, urls))
        })
        .collect();
    let docs = gen::benchmark_corpus(passages, testdata.as_deref());
    let qs = queries::generate(&docs, n, 7);
    let mb = gen::text_bytes(&docs) as f64 / 1e6;
    println!(
        "corpus: {} documents, {} passages, {mb:.1} MB of text; {} queries",
        docs.len(),
        gen::passages(&docs),
        qs.len()
    );
    let dir = std::env::temp_dir().join(format!("kartotek-os-bench-{}", std::process::id()));
    let (index, run) = measure::index_kartotek(&dir, &docs, 256 * 1024 * 1024)?;
    let mut rows = vec![format!(
        "| embedded | index | {:.1} MB/s ({:.1} s) | |",
        mb / run.seconds,
        run.seconds
    )];
    let embedded = Searcher::new(index, Taxonomy::builtin());
    let mut e = Kartotek {
        searcher: embedded.clone(),
    };
    let mut runs = Vec::new();
    // with facets and snippets, and the ten best only (typo tolerance on in both)
    for mode in [Mode::All, Mode::Typo] {
        let r = measure::run_queries(&mut e, &qs, mode, 100)?;
        rows.push(row("embedded", &r));
        runs.push(r);
    }
    let scored = |r: &kartotek::search::Response| -> Vec<(String, f64)> {
        r.hits.iter().map(|h| (h.id.clone(), h.score)).collect()
    };
    let expected: Vec<Vec<(String, f64)>> = qs
        .iter()
        .map(|q| {
            embedded
                .search(&measure::request(q, Mode::Typo))
                .map(|r| scored(&r))
                .unwrap_or_default()
        })
        .collect();
    for (name, shards, replicas, urls) in clusters {
        let mut config = Config::new(&urls);
        config.alias = format!("bench-{name}");
        config.shards = shards;
        config.replicas = replicas;
        config.connection.timeout = std::time::Duration::from_secs(300);
        let cluster = Cluster::connect(&config)?;
        cluster.drop_index()?;
        let cluster = Cluster::connect(&config)?;
        let started = Instant::now();
        let mut w = cluster.open_writer(0)?;
        for d in &docs {
            w.upsert(d)?;
        }
        w.commit()?;
        let secs = started.elapsed().as_secs_f64();
        let label = format!("OpenSearch {name} node(s), {shards} shard(s), {replicas} replica(s)");
        rows.push(format!(
            "| {label} | index | {:.1} MB/s ({secs:.1} s) | |",
            mb / secs
        ));
        let searcher = Searcher::opensearch(cluster.clone(), Taxonomy::builtin());
        let mut o = Kartotek {
            searcher: searcher.clone(),
        };
        for mode in [Mode::All, Mode::Typo] {
            let r = measure::run_queries(&mut o, &qs, mode, 100)?;
            let base = runs
                .iter()
                .find(|b| b.mode == mode.as_str())
                .map(|b| b.all.p50);
            rows.push(format!(
                "{} p50 {:.1}× embedded |",
                row(&label, &r).trim_end_matches('|'),
                r.all.p50 / base.unwrap_or(1.0).max(1e-9)
            ));
        }
        let (mut differ, mut tie_only) = (0, 0);
        for (q, want) in qs.iter().zip(&expected) {
            let got = searcher
                .search(&measure::request(q, Mode::Typo))
                .map(|r| scored(&r))
                .unwrap_or_default();
            let ids = |v: &[(String, f64)]| v.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>();
            if ids(&got) != ids(want) && same_within_ties(want, &got) {
                tie_only += 1;
            } else if ids(&got) != ids(want) {
                differ += 1;
                if differ <= show {
                    println!("differs: {:?} filters {:?}", q.text(), q.filters);
                    for i in 0..got.len().max(want.len()) {
                        let cell = |v: &[(String, f64)]| {
                            v.get(i)
                                .map(|(id, s)| format!("{id} {s:.5}"))
                                .unwrap_or_default()
                        };
                        println!("  {:>2}  {:<30} {}", i + 1, cell(want), cell(&got));
                    }
                }
            }
        }
        rows.push(format!(
            "| {label} | top 10 different from embedded | {differ} of {} | |",
            qs.len()
        ));
        rows.push(format!(
            "| {label} | top 10 in another order among equal scores only | {tie_only} of {} | |",
            qs.len()
        ));
        if let Some(node) = kill.filter(|_| urls.len() > 1) {
            rows.push(format!(
                "| {label} | full search again after `kill -9` of node {node} | {:.1} s | |",
                recovery(&searcher, &qs, node)?
            ));
        }
        cluster.drop_index()?;
    }
    let _ = std::fs::remove_dir_all(&dir);
    println!("| engine | what | q/s or MB/s | p50 / p95 / p99 ms |");
    println!("|---|---|---|---|");
    for r in rows {
        println!("{r}");
    }
    Ok(())
}

/// True when `b` lists the documents of `a` and differs only in the order
/// of documents whose scores tie (within a float rounding, 1e-5 relative:
/// the engines add the same BM25 terms in another order).
fn same_within_ties(a: &[(String, f64)], b: &[(String, f64)]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let tie = |x: f64, y: f64| (x - y).abs() <= 1e-5 * x.abs().max(y.abs()).max(1.0);
    let mut start = 0;
    while start < a.len() {
        let mut end = start + 1;
        while end < a.len() && tie(a[end].1, a[start].1) {
            end += 1;
        }
        let mut x: Vec<&str> = a[start..end].iter().map(|(id, _)| id.as_str()).collect();
        let mut y: Vec<&str> = b[start..end].iter().map(|(id, _)| id.as_str()).collect();
        x.sort_unstable();
        y.sort_unstable();
        if x != y {
            return false;
        }
        start = end;
    }
    true
}
