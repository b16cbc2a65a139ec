//! Smoke test of the scale benchmark (issue 7): a tiny generated corpus
//! through every harness path, in seconds. Kartotek (indexing, in-process
//! queries, open-loop HTTP) and SQLite FTS5 always; PostgreSQL only when
//! `KARTOTEK_BENCH_PG` holds a connection string (CI does not install it).

use kartotek::search::Searcher;
use kartotek::taxonomy::Taxonomy;
use kartotek_bench::gen::{self, Pools, Spec};
use kartotek_bench::measure::{self, Kartotek};
use kartotek_bench::queries;
use kartotek_bench::{postgres, sqlite};

#[test]
fn the_benchmark_harness_runs_end_to_end_on_a_tiny_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let docs = gen::generate(&Pools::builtin(), Taxonomy::builtin(), &Spec::new(1_500, 7));
    assert_eq!(gen::passages(&docs), 1_500);
    let qs = queries::generate(&docs, 60, 7);
    assert!(qs.len() >= 40, "{}", qs.len());

    let (index, run) = measure::index_kartotek(&dir.path().join("k"), &docs, 32 << 20).unwrap();
    assert_eq!((run.docs, run.passages), (docs.len(), 1_500));
    assert!(run.disk_bytes > 0 && run.seconds > 0.0);
    let searcher = Searcher::new(index, Taxonomy::builtin());
    let mut k = Kartotek {
        searcher: searcher.clone(),
    };
    let full = measure::run_queries(&mut k, &qs, true, 5).unwrap();
    let plain = measure::run_queries(&mut k, &qs, false, 5).unwrap();
    assert_eq!(full.all.n, qs.len());
    assert!(full.empty < qs.len() / 2, "{} empty", full.empty);
    assert_eq!(full.empty, plain.empty);

    let files = dir.path().join("text");
    measure::write_text_files(&files, &docs[..20]).unwrap();
    let ingest = measure::ingest_files(
        &[files.display().to_string()],
        &dir.path().join("ki"),
        Taxonomy::builtin(),
        "kartotek-ingest-text",
    )
    .unwrap();
    assert_eq!(ingest.docs, 20);

    let http = measure::http_load(&searcher, &qs, &[50], 0.4).unwrap();
    assert_eq!(http[0].errors, 0);
    assert!(http[0].latency.n >= 15, "{:?}", http[0]);

    let (mut s, srun) = sqlite::Sqlite::build(&dir.path().join("s.db"), &docs).unwrap();
    assert_eq!(srun.passages, 1_500);
    let sq = measure::run_queries(&mut s, &qs, true, 0).unwrap();
    assert!(sq.empty < qs.len() / 2, "{} empty", sq.empty);
    measure::run_queries(&mut s, &qs, false, 0).unwrap();

    if let Ok(conn) = std::env::var("KARTOTEK_BENCH_PG") {
        let (mut p, _) = postgres::Postgres::build(&conn, &docs).unwrap();
        let pq = measure::run_queries(&mut p, &qs, true, 0).unwrap();
        assert!(pq.empty < qs.len() / 2, "{} empty", pq.empty);
    }
}
