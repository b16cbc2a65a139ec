//! Latency cost of each forgiving search feature: p50/p99 of the same query
//! set with every feature, with none (plain BM25), and with each one off.
//!
//! ```sh
//! cargo run --release -p kartotek-bench --example measure_features -- [INDEX_DIR] [TESTDATA_DIR]
//! ```
//! With an INDEX_DIR (e.g. one built by `kartotek bench`), it is searched as
//! is; without one, the Norwegian law corpus (TESTDATA_DIR, default
//! `../shared/testdata`) is indexed into a temporary folder. Queries: 400
//! words of 5+ letters sampled deterministically from the index vocabulary,
//! half of them with one letter swapped (a typo), plus the multi-word
//! evaluation queries. Facet counts and snippets on, as the product runs.

// the product binary's allocator (see `kartotek::Allocator`)
use kartotek_bench as _;
use std::sync::Arc;
use std::time::Instant;

use kartotek::index::Index;
use kartotek::ingest::Job;
use kartotek::search::query::Features;
use kartotek::search::{Request, Searcher};
use kartotek::taxonomy::Taxonomy;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (index, _tmp) = match args
        .first()
        .filter(|a| std::path::Path::new(a).join("meta.json").exists())
    {
        Some(dir) => (
            Index::open_or_create(std::path::Path::new(dir)).expect("index"),
            None,
        ),
        None => {
            let testdata = args
                .first()
                .cloned()
                .unwrap_or_else(|| "../shared/testdata".into());
            let text = std::fs::read_to_string(format!(
                "{testdata}/norwegian_corpus/lovtidend_avd1_2025.jsonl"
            ))
            .expect("norwegian corpus");
            let tmp = tempfile::tempdir().expect("tempdir");
            let index = Index::open_or_create(tmp.path()).expect("index");
            let jobs: Vec<Job> = text
                .lines()
                .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
                .map(|v| {
                    let text = v["text"].as_str().unwrap_or_default().as_bytes().to_vec();
                    kartotek_bench::lovtidend_job(
                        v["id"].as_str().unwrap_or_default(),
                        Arc::new(text),
                    )
                })
                .collect();
            let started = Instant::now();
            kartotek_bench::ingest_silently(&index, jobs);
            println!("indexed in {:.1} s", started.elapsed().as_secs_f64());
            (index, Some(tmp))
        }
    };
    println!(
        "index: {} documents, {} passages",
        index.num_documents(),
        index.num_passages()
    );
    // vocabulary sample from the `words` field, deterministic
    let searcher = index.searcher();
    let mut vocab: Vec<String> = Vec::new();
    for seg in searcher.segment_readers() {
        let ii = seg.inverted_index(index.fields().words).expect("words");
        let mut stream = ii.terms().stream().expect("stream");
        while stream.advance() {
            if let Ok(t) = std::str::from_utf8(stream.key()) {
                if t.chars().count() >= 5
                    && t.chars().all(char::is_alphabetic)
                    && stream.value().doc_freq >= 3
                {
                    vocab.push(t.to_string());
                }
            }
        }
    }
    vocab.sort();
    vocab.dedup();
    let mut queries: Vec<String> = Vec::new();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in 0..400 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let Some(w) = vocab.get((x % vocab.len().max(1) as u64) as usize) else {
            break;
        };
        let mut chars: Vec<char> = w.chars().collect();
        if i % 2 == 1 && chars.len() > 3 {
            chars.swap(1, 2); // a transposition typo
        }
        queries.push(chars.into_iter().collect());
    }
    let eval = std::fs::read_to_string("tests/fixtures/eval/queries.toml").unwrap_or_default();
    queries.extend(
        eval.lines()
            .filter_map(|l| l.strip_prefix("q = \""))
            .map(|q| q.trim_end_matches('"').to_string()),
    );
    let s = Searcher::new(index.clone(), Taxonomy::builtin());
    let configs = [
        ("all features", Features::ALL),
        (
            "without typo tolerance",
            Features {
                fuzzy: false,
                ..Features::ALL
            },
        ),
        (
            "without folding",
            Features {
                fold: false,
                ..Features::ALL
            },
        ),
        (
            "without expansion",
            Features {
                expand: false,
                ..Features::ALL
            },
        ),
        (
            "without OCR matching",
            Features {
                ocr: false,
                ..Features::ALL
            },
        ),
        (
            "without compound splitting",
            Features {
                compound: false,
                ..Features::ALL
            },
        ),
        (
            "without neighbour languages",
            Features {
                neighbour: false,
                ..Features::ALL
            },
        ),
        ("none (plain BM25)", Features::NONE),
    ];
    println!(
        "{} queries, facets + snippets on, 3 rounds each, configurations interleaved",
        queries.len()
    );
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); configs.len()];
    for _round in 0..3 {
        for q in &queries {
            for (i, (_, f)) in configs.iter().enumerate() {
                let mut req = Request::new(q.clone());
                req.features = *f;
                let t = Instant::now();
                let _ = s.search(&req).expect("search");
                times[i].push(t.elapsed().as_secs_f64() * 1000.0);
            }
        }
    }
    println!("| configuration | p50 ms | p99 ms |\n|---|---|---|");
    for (i, (name, _)) in configs.iter().enumerate() {
        let mut t = times[i].clone();
        t.sort_by(f64::total_cmp);
        println!(
            "| {name} | {:.3} | {:.3} |",
            percentile(&t, 0.5),
            percentile(&t, 0.99)
        );
    }
}
