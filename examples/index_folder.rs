//! Index a folder: every PDF, HTML and text file under it (walked recursively) is
//! extracted, its language detected per passage, tagged with the taxonomy's facets and
//! written to an index on disk.
//!
//! ```text
//! cargo run --example index_folder -- [FOLDER] [INDEX_DIR]
//! ```
//!
//! Without arguments it indexes this repository's `corpus/` into a temporary folder.
//! A file that cannot be read fails alone: the summary lists it and the batch goes on.

use kartotek::index::Index;
use kartotek::ingest::{self, source, Options, Silent};
use kartotek::taxonomy::Taxonomy;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let folder = args
        .next()
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/corpus").to_string());
    let tmp = tempfile::tempdir()?;
    let index_dir = args
        .next()
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| tmp.path().join("index"));

    // An index is a folder; `open_or_create` makes it on first use.
    let index = Index::open_or_create(&index_dir)?;
    // The built-in taxonomy (region, programme, network, theme); a `--taxonomy` folder
    // of TOML files can replace it.
    let opts = Options::new(Taxonomy::builtin());
    // `expand` turns files, folders and URLs into jobs; `Silent` reports no progress.
    let summary = ingest::run(
        &index,
        source::expand(std::slice::from_ref(&folder)),
        &opts,
        &mut Silent,
    )?;

    println!(
        "{folder}: {} documents indexed ({} pages), {} unchanged, {} failed, in {:.1} s",
        summary.indexed,
        summary.pages,
        summary.unchanged,
        summary.failed.len(),
        summary.seconds
    );
    for f in &summary.failed {
        println!("  failed: {} ({})", f.source, f.reason);
    }
    // Ingesting the same folder again finds nothing changed (content hashes).
    let again = ingest::run(&index, source::expand(&[folder]), &opts, &mut Silent)?;
    assert_eq!(again.indexed, 0);
    assert_eq!(again.unchanged, summary.indexed);
    Ok(())
}
