//! Search with filters: a query, narrowed by facets (OR inside one facet, AND across
//! facets), with facet counts for the rest of the page and a snippet per hit.
//!
//! ```text
//! cargo run --example search_with_filters -- [QUERY]
//! ```
//!
//! It indexes the built-in corpus into a temporary folder first, then searches it.

use kartotek::index::Index;
use kartotek::ingest::{self, source, Options, Silent};
use kartotek::search::{Request, Searcher};
use kartotek::taxonomy::Taxonomy;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let q = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "internasjonalt samarbeid".into());
    let tmp = tempfile::tempdir()?;
    let index = Index::open_or_create(&tmp.path().join("index"))?;
    let opts = Options::new(Taxonomy::builtin());
    ingest::run(&index, source::builtin_jobs(), &opts, &mut Silent)?;

    // A searcher is cheap to clone; it sees what the last commit wrote.
    let searcher = Searcher::new(index, Taxonomy::builtin());

    // Everything first: how the corpus splits by language and document type.
    let all = searcher.search(&Request::new(q.clone()))?;
    println!("`{q}`: {} documents", all.total);
    for (facet, counts) in &all.facets {
        let shown: Vec<String> = counts
            .iter()
            .map(|c| format!("{} ({})", c.path, c.count))
            .collect();
        println!("  {facet}: {}", shown.join(", "));
    }

    // Then narrowed: Norwegian Bokmål or Nynorsk, and PDFs only. `lang` takes bare codes.
    let req = Request::new(q.clone())
        .filter("lang", "nb")
        .filter("lang", "nn")
        .filter("doctype", "/pdf");
    let narrowed = searcher.search(&req)?;
    println!("`{q}` in nb or nn PDFs: {} documents", narrowed.total);
    for hit in &narrowed.hits {
        println!(
            "  {:.2}  {} [{}] page {:?}",
            hit.score, hit.title, hit.lang, hit.page
        );
        assert!(hit.lang == "nb" || hit.lang == "nn");
    }
    assert!(narrowed.total <= all.total);
    Ok(())
}
