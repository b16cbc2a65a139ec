//! Criterion micro-benchmarks of in-process search: a few representative
//! queries (one word, several words, a phrase, a filtered query) on a
//! 10,000-passage generated corpus indexed in RAM, with facet counts and
//! snippets on (the product default) and off.
//!
//! ```text
//! cargo bench -p kartotek-bench --bench search
//! ```
//!
//! Uses `../shared/testdata` for realistic sentences when it exists (or
//! `KARTOTEK_TESTDATA`), else the generator's small built-in pool.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion};
use kartotek::index::Index;
use kartotek::search::Searcher;
use kartotek::taxonomy::Taxonomy;
use kartotek_bench::gen::{self, Pools, Spec};
use kartotek_bench::measure::{request, Mode};
use kartotek_bench::queries::{self, Class};

fn searcher() -> (Searcher, Vec<queries::BenchQuery>) {
    let testdata = std::env::var_os("KARTOTEK_TESTDATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| kartotek_bench::repo_root().join("../shared/testdata"));
    let pools = Pools::for_benchmarks(&testdata);
    let docs = gen::generate(&pools, Taxonomy::builtin(), &Spec::new(10_000, 42));
    let index = Index::in_ram().expect("index in RAM");
    let mut w = index
        .writer(kartotek::index::DEFAULT_WRITER_HEAP)
        .expect("writer");
    for d in &docs {
        w.upsert(d).expect("upsert");
    }
    w.commit().expect("commit");
    let qs = queries::generate(&docs, 1_000, 42);
    (Searcher::new(index, Taxonomy::builtin()), qs)
}

fn bench(c: &mut Criterion) {
    let (s, qs) = searcher();
    let pick = |class: Class| qs.iter().find(|q| q.class == class).cloned();
    let mut group = c.benchmark_group("search-10k");
    for class in [Class::Word, Class::Words, Class::Phrase, Class::Filtered] {
        let Some(q) = pick(class) else { continue };
        for mode in [Mode::All, Mode::Top10] {
            let req = request(&q, mode);
            let name = format!("{}-{}", class.as_str(), mode.as_str());
            group.bench_function(name, |b| b.iter(|| black_box(s.search(black_box(&req)))));
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
