//! Smoke test of the scale benchmark (issue 7): a tiny generated corpus
//! through every harness path, in seconds. Kartotek (indexing, in-process
//! queries, open-loop HTTP) and SQLite FTS5 always; PostgreSQL only when
//! `KARTOTEK_BENCH_PG` holds a connection string (CI does not install it);
//! Lucene (issue 18) only when its Java harness has been built by
//! `scripts/bench-lucene.sh build` — this test never builds it, and without
//! it says so and goes on.

use kartotek::search::Searcher;
use kartotek::taxonomy::Taxonomy;
use kartotek_bench::gen::{self, Pools, Spec};
use kartotek_bench::measure::{self, Engine, Kartotek, Mode};
use kartotek_bench::queries;
use kartotek_bench::{lucene, postgres, sqlite};

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
    let mut runs = Vec::new();
    for mode in Mode::EVERY {
        runs.push(measure::run_queries(&mut k, &qs, mode, 5).unwrap());
    }
    let (plain, full) = (&runs[0], &runs[4]);
    assert_eq!((plain.mode.as_str(), full.mode.as_str()), ("top10", "all"));
    assert_eq!(full.all.n, qs.len());
    assert!(full.empty < qs.len() / 2, "{} empty", full.empty);
    // facets and snippets never change what is found; typo tolerance only adds
    assert_eq!(runs[1].empty, plain.empty);
    assert_eq!(runs[2].empty, plain.empty);
    assert!(full.empty <= plain.empty);

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
    assert!(!s.supports(Mode::Typo) && s.supports(Mode::Snippets));
    for mode in [Mode::Top10, Mode::Facets, Mode::Snippets] {
        let sq = measure::run_queries(&mut s, &qs, mode, 0).unwrap();
        assert!(sq.empty < qs.len() / 2, "{} empty", sq.empty);
    }

    if let Ok(conn) = std::env::var("KARTOTEK_BENCH_PG") {
        let (mut p, _) = postgres::Postgres::build(&conn, &docs).unwrap();
        let pq = measure::run_queries(&mut p, &qs, Mode::Facets, 0).unwrap();
        measure::run_queries(&mut p, &qs, Mode::Snippets, 0).unwrap();
        assert!(pq.empty < qs.len() / 2, "{} empty", pq.empty);
    }

    let queries_file = dir.path().join("queries.tsv");
    queries::write_tsv(&queries_file, &qs).unwrap();
    let passages_file = dir.path().join("passages.tsv");
    lucene::write_passages(&passages_file, &docs).unwrap();
    if !lucene::harness_built() {
        println!("lucene: skipped, the Java harness is not built (scripts/bench-lucene.sh build)");
        return;
    }
    for config in [lucene::Config::Plain, lucene::Config::Tuned] {
        let (irun, runs) = lucene::run(&lucene::Job {
            config,
            passages_file: &passages_file,
            queries_file: &queries_file,
            queries: &qs,
            docs: &docs,
            dir: &dir.path().join(format!("lucene-{}", config.as_str())),
            threads: 2,
            // the cheapest and the dearest class: the JVM takes seconds per mode here
            modes: &[Mode::Top10, Mode::All],
            counts: None,
            build: false,
        })
        .unwrap();
        assert_eq!(irun.passages, 1_500);
        assert!(irun.disk_bytes > 0 && irun.seconds > 0.0);
        assert_eq!(runs.len(), 2);
        for run in &runs {
            assert_eq!(run.all.n, qs.len());
            assert!(
                run.empty < qs.len() / 2,
                "{} {} empty",
                run.engine,
                run.empty
            );
        }
    }
}
