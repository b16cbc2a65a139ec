//! Where the bulk-indexing time of the scale benchmark goes: generates the
//! benchmark corpus (seed 42) once, then indexes it RUNS times into a fresh
//! on-disk index the way `kartotek_bench::measure::index_kartotek` does,
//! timing the phases (adding documents, commit, merge) in wall and CPU time.
//!
//! ```text
//! cargo run --release -p kartotek-bench --example measure_index -- PASSAGES [RUNS] [TESTDATA] [--fields]
//! ```
//!
//! With `--fields` it also measures what each analysed field costs: the same passages as
//! bare tantivy documents on the product schema and analyzers, holding only the stored
//! text and a chosen set of analysed fields (the product writes all of them; this is an
//! ablation for BENCHMARKS.md, not a mode of the product).

use std::path::{Path, PathBuf};
use std::time::Instant;

use kartotek::index::{analyzer, Index};
use kartotek_bench::gen;
use tantivy::TantivyDocument;

fn cpu_seconds() -> f64 {
    // utime + stime of this process, from /proc/self/stat (fields 14 and 15, in ticks)
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn main() -> kartotek::Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let ablation = args.iter().any(|a| a == "--fields");
    args.retain(|a| a != "--fields");
    let passages: usize = args.first().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let runs: usize = args.get(1).and_then(|v| v.parse().ok()).unwrap_or(3);
    let docs = gen::benchmark_corpus(passages, args.get(2).map(String::as_str));
    let mb = gen::text_bytes(&docs) as f64 / 1e6;
    println!(
        "{} documents, {} passages, {mb:.1} MB of text",
        docs.len(),
        gen::passages(&docs)
    );
    let dir = PathBuf::from("target/measure-index");
    for run in 1..=runs {
        let _ = std::fs::remove_dir_all(&dir);
        let index = Index::open_or_create(&dir)?;
        let (t0, c0) = (Instant::now(), cpu_seconds());
        let mut w = index.writer(heap_mb() << 20)?;
        for d in &docs {
            w.upsert(d)?;
        }
        let (t1, c1) = (Instant::now(), cpu_seconds());
        w.commit()?;
        let (t2, c2) = (Instant::now(), cpu_seconds());
        let segments = index.searcher().segment_readers().len();
        w.merge_all()?;
        let (t3, c3) = (Instant::now(), cpu_seconds());
        drop(w);
        let total = (t3 - t0).as_secs_f64();
        println!(
            "run {run}: add {:.2} s (cpu {:.2}), commit {:.2} s (cpu {:.2}), merge {segments} segments {:.2} s (cpu {:.2}); total {total:.2} s = {:.1} MB/s, cpu {:.2} s, disk {:.1} MB",
            (t1 - t0).as_secs_f64(),
            c1 - c0,
            (t2 - t1).as_secs_f64(),
            c2 - c1,
            (t3 - t2).as_secs_f64(),
            c3 - c2,
            mb / total,
            c3 - c0,
            kartotek_bench::measure::dir_size(&dir) as f64 / 1e6
        );
    }
    if ablation {
        fields_ablation(&docs, runs, mb, &dir)?;
    }
    Ok(())
}

/// Writer heap in MiB (`KARTOTEK_HEAP_MB`, default 128 as in the product).
fn heap_mb() -> usize {
    std::env::var("KARTOTEK_HEAP_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(128)
}

/// Analysed fields a bare passage document carries.
#[derive(Clone, Copy)]
struct Kept {
    exact: bool,
    fold: bool,
    words: bool,
    title: bool,
}

fn fields_ablation(
    docs: &[kartotek::document::Document],
    runs: usize,
    mb: f64,
    dir: &Path,
) -> kartotek::Result<()> {
    let all = Kept {
        exact: true,
        fold: true,
        words: true,
        title: true,
    };
    let sets = [
        (
            "stored text only",
            Kept {
                exact: false,
                fold: false,
                words: false,
                title: false,
            },
        ),
        (
            "stemmed (what PostgreSQL's tsvector holds)",
            Kept {
                exact: true,
                fold: false,
                words: false,
                title: false,
            },
        ),
        (
            "stemmed + title",
            Kept {
                fold: false,
                words: false,
                ..all
            },
        ),
        ("stemmed + title + words", Kept { fold: false, ..all }),
        (
            "stemmed + title + folded",
            Kept {
                words: false,
                ..all
            },
        ),
        ("all four (the product's analysed fields)", all),
    ];
    for (name, kept) in sets {
        let mut times = Vec::new();
        for _ in 0..runs {
            let _ = std::fs::remove_dir_all(dir);
            let index = Index::open_or_create(dir)?;
            let f = index.fields().clone();
            let started = Instant::now();
            // the product's writer settings: two threads, 128 MiB
            let mut writer: tantivy::IndexWriter<TantivyDocument> =
                index.tantivy().writer_with_num_threads(2, 128 << 20)?;
            for d in docs {
                for p in &d.passages {
                    let mut t = TantivyDocument::new();
                    t.add_text(f.text, &p.text);
                    if kept.title {
                        t.add_text(f.title, &d.title);
                    }
                    if kept.words {
                        t.add_text(f.words, &p.text);
                    }
                    if let Some((exact, fold)) = f.body(analyzer::analyzed_for(p.lang).key) {
                        if kept.exact {
                            t.add_text(exact, &p.text);
                        }
                        if kept.fold {
                            t.add_text(fold, &p.text);
                        }
                    }
                    writer.add_document(t)?;
                }
            }
            writer.commit()?;
            writer.wait_merging_threads()?;
            index.reload()?;
            // then the same bulk-load merge as the product's
            let mut w = index.writer(128 << 20)?;
            w.merge_all()?;
            drop(w);
            times.push(started.elapsed().as_secs_f64());
        }
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        println!(
            "fields: {name}: median {median:.2} s of {times:.2?} = {:.1} MB/s",
            mb / median
        );
    }
    Ok(())
}
