//! Ingest throughput: documents/s and MB of text/s end to end (sniff,
//! extract, detect, tag, index, commit) into a fresh on-disk index.
//!
//! ```sh
//! cargo run --release -p kartotek-bench --example measure_ingest -- [TESTDATA_DIR] [--in-process]
//! ```
//! Extraction runs in worker processes of `target/release/kartotek` (build
//! it first), as in the product; `--in-process` extracts on threads of this
//! process instead, to measure what the process boundary costs.
//! Runs (1) the built-in corpus (3 PDFs + 2 web pages) and (2) the Norwegian
//! law corpus from `TESTDATA_DIR/norwegian_corpus/lovtidend_avd1_2025.jsonl`
//! (default `../shared/testdata`), each 3 times, and prints the medians.

// the product binary's allocator (see `kartotek::Allocator`)
use kartotek_bench as _;
use std::sync::Arc;
use std::time::Instant;

use kartotek::index::Index;
use kartotek::ingest::{self, source, Job, Options, Origin, Silent};
use kartotek::taxonomy::Taxonomy;

fn run(label: &str, jobs: &dyn Fn() -> Vec<Job>) {
    let mut rows = Vec::new();
    for _ in 0..3 {
        let dir = tempfile::tempdir().expect("tempdir");
        let index = Index::open_or_create(dir.path()).expect("index");
        let opts = Options::new(Taxonomy::builtin());
        let jobs = jobs();
        let input_bytes: usize = jobs
            .iter()
            .map(|j| match &j.origin {
                Origin::Bytes { bytes, .. } => bytes.len(),
                _ => 0,
            })
            .sum();
        let t = Instant::now();
        let s = ingest::run(&index, jobs, &opts, &mut Silent).expect("ingest");
        let secs = t.elapsed().as_secs_f64();
        assert!(s.failed.is_empty(), "{:?}", s.failed);
        rows.push((
            secs,
            s.indexed,
            s.pages,
            s.text_bytes,
            input_bytes,
            index.num_passages(),
        ));
    }
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (secs, docs, pages, text, input, passages) = rows[1];
    println!(
        "{label}: {docs} docs, {pages} pages, {passages} passages, {:.2} MB input, {:.2} MB text; median of 3: {:.3} s = {:.1} docs/s, {:.2} MB text/s (runs: {})",
        input as f64 / 1e6,
        text as f64 / 1e6,
        secs,
        docs as f64 / secs,
        text as f64 / 1e6 / secs,
        rows.iter().map(|r| format!("{:.3}s", r.0)).collect::<Vec<_>>().join(", ")
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let testdata = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .cloned()
        .unwrap_or_else(|| "../shared/testdata".into());
    if args.iter().any(|a| a == "--in-process") {
        println!("extraction: in-process threads");
    } else {
        let worker = std::env::current_exe()
            .ok()
            .and_then(|p| Some(p.parent()?.parent()?.join("kartotek")))
            .filter(|p| p.exists())
            .expect("build target/release/kartotek first (cargo build --release)");
        println!("extraction: worker processes of {}", worker.display());
        kartotek::ingest::supervisor::set_program(worker);
    }
    println!(
        "cores: {}",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );
    run("built-in corpus", &source::builtin_jobs);
    let path = format!("{testdata}/norwegian_corpus/lovtidend_avd1_2025.jsonl");
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("skipped the Norwegian corpus: cannot read `{path}`");
        return;
    };
    let docs: Vec<(String, Arc<Vec<u8>>)> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|v| {
            let id = v["id"].as_str().unwrap_or_default().to_string();
            let body = v["text"].as_str().unwrap_or_default().as_bytes().to_vec();
            (id, Arc::new(body))
        })
        .collect();
    run("norwegian_corpus (Lovtidend 2025)", &|| {
        docs.iter()
            .map(|(id, bytes)| kartotek_bench::lovtidend_job(id, Arc::clone(bytes)))
            .collect()
    });
}
