//! What the first search after opening an index costs, apart from opening it:
//! opens the index RUNS times and times the open and then one search with facet
//! counts and snippets (the product's default request), to show where the facet
//! tables are built (at open, by the reader's warmer, or by the first search).
//!
//! ```text
//! cargo run --release -p kartotek-bench --example measure_first_search -- INDEX_DIR [QUERY] [RUNS]
//! ```

// the product binary's allocator (see `kartotek::Allocator`)
use kartotek_bench as _;
use std::time::Instant;

use kartotek::index::Index;
use kartotek::search::{Request, Searcher};
use kartotek::taxonomy::Taxonomy;

fn main() -> kartotek::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: measure_first_search INDEX_DIR [QUERY] [RUNS]");
        std::process::exit(2);
    };
    let query = args.get(1).cloned().unwrap_or_else(|| "kommune".into());
    let runs: usize = args.get(2).and_then(|v| v.parse().ok()).unwrap_or(5);
    for run in 1..=runs {
        let t0 = Instant::now();
        let index = Index::open_or_create(std::path::Path::new(dir))?;
        let opened = t0.elapsed().as_secs_f64() * 1e3;
        let searcher = Searcher::new(index, Taxonomy::builtin());
        let mut first = 0.0;
        let mut second = 0.0;
        for (i, t) in [&mut first, &mut second].into_iter().enumerate() {
            let req = Request::new(query.clone());
            let t1 = Instant::now();
            let r = searcher.search(&req)?;
            *t = t1.elapsed().as_secs_f64() * 1e3;
            if run == 1 && i == 0 {
                println!("`{query}`: {} hits", r.total);
            }
        }
        println!(
            "run {run}: open {opened:.1} ms, first search {first:.2} ms, second {second:.2} ms"
        );
    }
    Ok(())
}
