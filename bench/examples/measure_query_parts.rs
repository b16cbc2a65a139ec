//! Where a query's time goes: runs a saved benchmark query set
//! (`OUT/queries-N.tsv` from `cargo bench -p kartotek-bench --bench scale`) against an
//! existing index with facet counts and snippets switched on and off, and
//! prints median / p95 / p99 per variant and the slowest queries.
//!
//! ```text
//! cargo run --release -p kartotek-bench --example measure_query_parts -- INDEX_DIR QUERIES.tsv [--reps N] [--only VARIANT]
//! ```

// the product binary's allocator (see `kartotek::Allocator`)
use kartotek_bench as _;
use std::time::Instant;

use kartotek::index::Index;
use kartotek::search::{Request, Searcher};
use kartotek::taxonomy::Taxonomy;

/// A saved query: class, text, filters.
type Saved = (String, String, Vec<(String, String)>);

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn main() -> kartotek::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(dir), Some(tsv)) = (args.first(), args.get(1)) else {
        eprintln!("usage: measure_query_parts INDEX_DIR QUERIES.tsv [--reps N]");
        std::process::exit(2);
    };
    let reps: usize = args
        .iter()
        .position(|a| a == "--reps")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let text = std::fs::read_to_string(tsv)
        .map_err(|e| kartotek::Error::io(std::path::Path::new(tsv), e))?;
    let mut queries: Vec<Saved> = Vec::new();
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 3 {
            continue;
        }
        let filters = cols
            .get(3)
            .map(|f| {
                f.split('&')
                    .filter_map(|kv| kv.split_once('='))
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect()
            })
            .unwrap_or_default();
        queries.push((cols[0].to_string(), cols[2].to_string(), filters));
    }
    let index = Index::open_or_create(std::path::Path::new(dir))?;
    let searcher = Searcher::new(index, Taxonomy::builtin());
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .cloned();
    let variants = [
        ("facets+snippets", true, true),
        ("facets only", true, false),
        ("snippets only", false, true),
        ("top 10 only", false, false),
    ];
    // warm up
    for (_, q, f) in &queries {
        let mut r = Request::new(q.clone());
        for (k, v) in f {
            r = r.filter(k, v);
        }
        searcher.search(&r)?;
    }
    println!("| variant | p50 ms | p95 ms | p99 ms | mean ms |");
    println!("|---|---:|---:|---:|---:|");
    let mut slowest: Vec<(f64, String)> = Vec::new();
    for (name, facets, snippets) in variants {
        if only.as_deref().is_some_and(|o| o != name) {
            continue;
        }
        let mut times = Vec::new();
        for _ in 0..reps {
            for (_, q, f) in &queries {
                let mut r = Request::new(q.clone());
                r.facets = if facets {
                    kartotek::facet::FacetSet::ALL
                } else {
                    kartotek::facet::FacetSet::NONE
                };
                r.snippets = snippets;
                for (k, v) in f {
                    r = r.filter(k, v);
                }
                let t = Instant::now();
                let resp = searcher.search(&r)?;
                let ms = t.elapsed().as_secs_f64() * 1000.0;
                times.push(ms);
                if facets && snippets {
                    slowest.push((ms, format!("{q} {f:?} total={}", resp.total)));
                }
            }
        }
        let mean = times.iter().sum::<f64>() / times.len().max(1) as f64;
        times.sort_by(f64::total_cmp);
        println!(
            "| {name} | {:.3} | {:.3} | {:.3} | {mean:.3} |",
            pct(&times, 0.5),
            pct(&times, 0.95),
            pct(&times, 0.99)
        );
    }
    slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!("\nslowest with facets+snippets:");
    for (ms, q) in slowest.iter().take(12) {
        println!("{ms:8.2} ms  {q}");
    }
    Ok(())
}
