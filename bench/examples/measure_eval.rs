//! Search quality of Kartotek, plain BM25 and SQLite FTS5 side by side, per
//! query type, on a judged evaluation file (`kartotek eval`'s format).
//!
//! ```sh
//! cargo run --release -p kartotek-bench --example measure_eval -- tests/fixtures/eval/relevance.toml
//! ```
//! Kartotek with every feature and plain BM25 run on one index, exactly as
//! `kartotek eval` does; SQLite FTS5 (`unicode61 remove_diacritics 2`,
//! `bm25()`, documents ranked by their best passage) indexes the same
//! extracted passages. FTS5 gets the words ANDed, and ORed when that finds
//! nothing, like Kartotek's own fallback.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use kartotek::eval::{score, EvalFile, Scores};
use kartotek::index::Index;
use kartotek::ingest::{self, source, Options, Silent};
use kartotek::search::query::Features;
use kartotek::search::{Request, Searcher};
use kartotek::taxonomy::Taxonomy;
use kartotek_bench::sqlite::Sqlite;

fn name(url: &str) -> String {
    url.rsplit('/').next().unwrap_or(url).to_string()
}

fn words(q: &str) -> Vec<String> {
    q.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\""))
        .collect()
}

fn main() {
    let path = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "tests/fixtures/eval/relevance.toml".into()),
    );
    let file: EvalFile =
        toml::from_str(&std::fs::read_to_string(&path).expect("eval file")).expect("eval toml");
    let base = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    let tmp = tempfile::tempdir().expect("tempdir");
    let index = Index::open_or_create(&tmp.path().join("index")).expect("index");
    let mut jobs = Vec::new();
    let mut args = Vec::new();
    for entry in &file.corpus {
        if entry == "builtin" {
            jobs.extend(source::builtin_jobs());
        } else {
            args.push(base.join(entry).display().to_string());
        }
    }
    jobs.extend(source::expand(&args));
    ingest::run(
        &index,
        jobs,
        &Options::new(Taxonomy::builtin()),
        &mut Silent,
    )
    .expect("ingest");
    let docs: Vec<kartotek::Document> = index
        .sources()
        .expect("sources")
        .into_iter()
        .filter_map(|(id, _)| index.get_document(&id).ok().flatten())
        .collect();
    let (sqlite, _) = Sqlite::build(&tmp.path().join("fts.db"), &docs).expect("sqlite");
    let searcher = Searcher::new(index.clone(), Taxonomy::builtin());
    let kartotek = |q: &str, f: Features| -> Vec<String> {
        let mut req = Request::new(q);
        req.features = f;
        req.facets = false;
        req.snippets = false;
        let r = searcher.search(&req).expect("search");
        r.hits.iter().map(|h| name(&h.url)).collect()
    };
    let fts = |q: &str| -> Vec<String> {
        let w = words(q);
        let run = |expr: String| {
            sqlite.ranked_docs(&expr, 10).unwrap_or_else(|e| {
                eprintln!("fts5 `{expr}`: {e}");
                Vec::new()
            })
        };
        let mut ranked = run(w.join(" "));
        if ranked.is_empty() && w.len() > 1 {
            ranked = run(w.join(" OR "));
        }
        ranked.into_iter().map(|i| name(&docs[i].url)).collect()
    };
    // type (with split) → [kartotek, bm25, fts5] nDCG@10 per query
    let mut by_type: BTreeMap<String, Vec<[f64; 3]>> = BTreeMap::new();
    let mut all = Vec::new();
    for q in &file.queries {
        let kind = match &q.split {
            Some(s) => format!("{}/{s}", q.kind),
            None => q.kind.clone(),
        };
        let s: [Scores; 3] = [
            score(&kartotek(&q.q, Features::ALL), &q.relevant),
            score(&kartotek(&q.q, Features::NONE), &q.relevant),
            score(&fts(&q.q), &q.relevant),
        ];
        let n = [s[0].ndcg, s[1].ndcg, s[2].ndcg];
        println!(
            "  {kind:<16} {:.2} / {:.2} / {:.2}  {}",
            n[0], n[1], n[2], q.q
        );
        by_type.entry(kind).or_default().push(n);
        all.push(n);
    }
    let mean = |v: &[[f64; 3]], i: usize| v.iter().map(|x| x[i]).sum::<f64>() / v.len() as f64;
    println!();
    println!("| type | queries | nDCG@10 Kartotek | plain BM25 | SQLite FTS5 | Kartotek / BM25 | Kartotek / FTS5 |");
    println!("|---|---|---|---|---|---|---|");
    let row = |label: &str, v: &[[f64; 3]]| {
        let (k, b, f) = (mean(v, 0), mean(v, 1), mean(v, 2));
        let ratio = |x: f64| {
            if x > 0.0 {
                format!("{:.2}×", k / x)
            } else {
                "–".into()
            }
        };
        println!(
            "| {label} | {} | {k:.3} | {b:.3} | {f:.3} | {} | {} |",
            v.len(),
            ratio(b),
            ratio(f)
        );
    };
    for (kind, v) in &by_type {
        row(kind, v);
    }
    let test: Vec<[f64; 3]> = file
        .queries
        .iter()
        .zip(&all)
        .filter(|(q, _)| q.split.as_deref() == Some("test"))
        .map(|(_, n)| *n)
        .collect();
    if !test.is_empty() {
        row("**all test**", &test);
    }
    row("**all**", &all);
}
