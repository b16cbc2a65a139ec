//! The query language end to end: parse, build and run a search with facets
//! and snippets on a small in-RAM index of the built-in corpus.
#![no_main]

#[path = "common.rs"]
mod common;
use common::product_panics;

use std::sync::OnceLock;

use kartotek::index::Index;
use kartotek::ingest::{self, source, Options, Silent};
use kartotek::search::{Request, Searcher};
use kartotek::taxonomy::Taxonomy;

fn searcher() -> &'static Searcher {
    static S: OnceLock<Searcher> = OnceLock::new();
    S.get_or_init(|| {
        let index = Index::in_ram().expect("in-RAM index");
        ingest::run(&index, source::builtin_jobs(), &Options::new(Taxonomy::builtin()), &mut Silent)
            .expect("built-in corpus");
        Searcher::new(index, Taxonomy::builtin())
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    product_panics();
    let q = String::from_utf8_lossy(data);
    let _ = kartotek::search::query::parse(&q);
    let _ = searcher().search(&Request::new(q.into_owned()));
});
