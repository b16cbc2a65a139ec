//! One equal-feature query class of the scale benchmark (issue 18), run
//! against an index and query set a scale run left behind, for a profiler:
//! every query of `QUERIES.tsv` once untimed, then `REPS` times, in the
//! given mode (`top10`, `facets`, `snippets`, `typo`, `all`). Prints the
//! per-query mean, so a `valgrind --tool=callgrind` run can be set beside
//! its instruction counts. Also prints the p50, p95 and p99 of the timed
//! searches (the in-process latency of a class on a quiet machine, without
//! running the whole scale benchmark again). `PROFILE_OFF=compound,neighbour`
//! (also `fold`, `expand`, `ocr`, `proximity`) switches features off, for their cost.
//! `PROFILE_SLOWEST=N` also prints the N slowest queries of the last pass;
//! `PROFILE_TIMES=FILE` writes every query's time in the last pass (ms, query,
//! filters; tab-separated), to set two builds or settings side by side.
//! `PROFILE_FACETS=all` (or `none`, or names: `region,lang`) counts those
//! facets in the classes with facets instead of the other engines' five.
//!
//! ```text
//! cargo build --release -p kartotek-bench --example profile_mode
//! valgrind --tool=callgrind --callgrind-out-file=cg.out \
//!   target/release/examples/profile_mode target/bench/kartotek-100000 target/bench/queries-100000.tsv typo 1
//! ```

use std::time::Instant;

use kartotek::index::Index;
use kartotek::search::query::Features;
use kartotek::search::{Request, Searcher};
use kartotek::taxonomy::Taxonomy;
use kartotek_bench::measure::Mode;

fn main() -> kartotek::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(dir), Some(tsv), Some(mode)) = (args.first(), args.get(1), args.get(2)) else {
        eprintln!(
            "usage: profile_mode INDEX_DIR QUERIES.tsv top10|facets|snippets|typo|all [REPS]"
        );
        std::process::exit(2);
    };
    let Some(mode) = Mode::EVERY.into_iter().find(|m| m.as_str() == mode) else {
        eprintln!("unknown mode `{mode}`");
        std::process::exit(2);
    };
    let reps: usize = args.get(3).and_then(|v| v.parse().ok()).unwrap_or(1);
    let text = std::fs::read_to_string(tsv)
        .map_err(|e| kartotek::Error::io(std::path::Path::new(tsv), e))?;
    // features to switch off, for their cost: PROFILE_OFF=compound,neighbour
    let off: Vec<String> = std::env::var("PROFILE_OFF")
        .unwrap_or_default()
        .split(',')
        .map(str::to_string)
        .collect();
    let facets = match std::env::var("PROFILE_FACETS") {
        Ok(list) => match kartotek::facet::FacetSet::parse(&list) {
            Ok(set) => Some(set),
            Err(why) => {
                eprintln!("PROFILE_FACETS {why}");
                std::process::exit(2);
            }
        },
        Err(_) => None,
    };
    // what measure::request builds from a BenchQuery, from the saved columns
    let requests: Vec<(String, Request)> = text
        .lines()
        .skip(1)
        .filter_map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            let mut r = Request::new(*cols.get(2)?);
            r.facets = match &facets {
                Some(set) if !mode.facets().is_empty() => *set,
                _ => mode.facets(),
            };
            r.snippets = mode.snippets();
            r.features = Features {
                fuzzy: mode.typo(),
                ..Features::ALL
            };
            for off in off.iter() {
                match off.as_str() {
                    "fold" => r.features.fold = false,
                    "expand" => r.features.expand = false,
                    "ocr" => r.features.ocr = false,
                    "compound" => r.features.compound = false,
                    "neighbour" => r.features.neighbour = false,
                    "proximity" => r.features.proximity = false,
                    _ => {}
                }
            }
            for (f, p) in cols
                .get(3)
                .unwrap_or(&"")
                .split('&')
                .filter_map(|kv| kv.split_once('='))
            {
                r = r.filter(f, p);
            }
            Some((cols.first()?.to_string(), r))
        })
        .collect();
    let index = Index::open_or_create(std::path::Path::new(dir))?;
    // PROFILE_PRUNE=off scores every matching passage (what pruning saves)
    let prune = std::env::var("PROFILE_PRUNE").map_or(true, |v| v != "off");
    let searcher = Searcher::new(index.clone(), Taxonomy::builtin()).with_pruning(prune);
    // PROFILE_COMPARE=1: every query with pruning and without must give the
    // same page, total and facet counts; then their times side by side
    if std::env::var_os("PROFILE_COMPARE").is_some() {
        let full = Searcher::new(index, Taxonomy::builtin()).with_pruning(false);
        let mut differ = 0;
        for (_, r) in &requests {
            let (a, b) = (searcher.search(r)?, full.search(r)?);
            let page = |x: &kartotek::search::Response| -> Vec<(String, String)> {
                x.hits
                    .iter()
                    .map(|h| (h.id.clone(), format!("{:.5}", h.score)))
                    .collect()
            };
            if page(&a) != page(&b) || a.total != b.total || a.facets != b.facets {
                differ += 1;
                println!("differs: {:?} {:?}", r.q, r.filters);
                println!("  pruned {} {:?}", a.total, page(&a));
                println!("  full   {} {:?}", b.total, page(&b));
            }
        }
        println!("{differ} of {} queries differ with pruning", requests.len());
        // then each query alternately without and with pruning, REPS times
        // each (side by side in one process, so the machine's drift falls
        // on both alike); by how long the full walk takes
        let mut rows: Vec<(f64, f64)> = Vec::new();
        for (_, r) in &requests {
            let (mut off, mut on) = (Vec::new(), Vec::new());
            for _ in 0..reps.max(1) {
                let t = Instant::now();
                full.search(r)?;
                off.push(t.elapsed().as_secs_f64() * 1000.0);
                let t = Instant::now();
                searcher.search(r)?;
                on.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            let median = |v: &mut Vec<f64>| {
                v.sort_by(f64::total_cmp);
                v[v.len() / 2]
            };
            rows.push((median(&mut off), median(&mut on)));
        }
        for (lo, hi) in [(0.0, 1.0), (1.0, 2.0), (2.0, 4.0), (4.0, 8.0), (8.0, 1e9)] {
            let sel: Vec<&(f64, f64)> = rows.iter().filter(|r| r.0 >= lo && r.0 < hi).collect();
            if sel.is_empty() {
                continue;
            }
            let mean = |f: fn(&(f64, f64)) -> f64| {
                sel.iter().map(|r| f(r)).sum::<f64>() / sel.len() as f64
            };
            println!(
                "  full walk {lo}-{hi} ms: {:>4} queries, mean {:.3} ms full, {:.3} ms pruned ({:.3}x)",
                sel.len(),
                mean(|r| r.0),
                mean(|r| r.1),
                mean(|r| r.1) / mean(|r| r.0)
            );
        }
        let pick = |f: fn(&(f64, f64)) -> f64, p: f64| {
            percentile(&mut rows.iter().map(f).collect::<Vec<_>>(), p)
        };
        println!(
            "p50 {:.3} ms full, {:.3} ms pruned; p99 {:.3} ms full, {:.3} ms pruned",
            pick(|r| r.0, 0.5),
            pick(|r| r.1, 0.5),
            pick(|r| r.0, 0.99),
            pick(|r| r.1, 0.99)
        );
        let (off, on): (f64, f64) = rows.iter().fold((0.0, 0.0), |a, r| (a.0 + r.0, a.1 + r.1));
        println!(
            "all {} queries: mean {:.3} ms full, {:.3} ms pruned ({:.3}x)",
            rows.len(),
            off / rows.len().max(1) as f64,
            on / rows.len().max(1) as f64,
            on / off
        );
        return Ok(());
    }
    for (_, r) in &requests {
        searcher.search(r)?;
    }
    let t = Instant::now();
    let mut hits = 0;
    let mut each = Vec::with_capacity(requests.len() * reps);
    let mut by_kind: std::collections::BTreeMap<&str, Vec<f64>> = Default::default();
    let mut last: Vec<(f64, &Request, u64)> = Vec::with_capacity(requests.len());
    for _ in 0..reps {
        last.clear();
        for (kind, r) in &requests {
            let q = Instant::now();
            let found = searcher.search(r)?;
            let ms = q.elapsed().as_secs_f64() * 1000.0;
            hits += found.hits.len();
            each.push(ms);
            by_kind.entry(kind).or_default().push(ms);
            last.push((ms, r, found.total));
        }
    }
    let slowest: usize = std::env::var("PROFILE_SLOWEST")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    // every query's time in the last pass, for comparing two builds or settings
    if let Some(path) = std::env::var_os("PROFILE_TIMES") {
        let lines: String = last
            .iter()
            .map(|(ms, r, _)| format!("{ms:.3}\t{}\t{:?}\n", r.q, r.filters))
            .collect();
        std::fs::write(&path, lines)
            .map_err(|e| kartotek::Error::io(std::path::Path::new(&path), e))?;
    }
    last.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (ms, r, total) in last.iter().take(slowest) {
        println!(
            "  {ms:>8.2} ms  {total:>7} documents  {:?} {:?}",
            r.q, r.filters
        );
    }
    let n = (requests.len() * reps).max(1);
    // per query kind, then all together
    for (kind, v) in by_kind.iter_mut() {
        let mean = v.iter().sum::<f64>() / v.len().max(1) as f64;
        println!(
            "  {kind:<9} {:>4} queries: mean {mean:.3} p50 {:.3} p99 {:.3} ms",
            v.len(),
            percentile(v, 0.50),
            percentile(v, 0.99)
        );
    }
    let mut at = |p: f64| percentile(&mut each, p);
    println!(
        "{} queries, mode {}: {:.3} ms per query, p50 {:.3} p95 {:.3} p99 {:.3} ms, {hits} hits",
        n,
        mode.as_str(),
        t.elapsed().as_secs_f64() * 1000.0 / n as f64,
        at(0.50),
        at(0.95),
        at(0.99)
    );
    Ok(())
}

/// The `p` quantile of `v` (sorted in place; 0 when empty).
fn percentile(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(((v.len() as f64 * p).ceil() as usize).saturating_sub(1))
        .copied()
        .unwrap_or(0.0)
}
