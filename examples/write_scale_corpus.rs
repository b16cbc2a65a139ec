//! Writes the scale benchmark's generated corpus as text files (one per
//! document), to compare what `kartotek ingest` makes of them across builds.
//!
//! ```text
//! cargo run --release --example write_scale_corpus -- PASSAGES OUT_DIR [TESTDATA]
//! ```

use std::path::{Path, PathBuf};

use kartotek::bench::gen::{self, Pools, Spec};
use kartotek::taxonomy::Taxonomy;

fn main() -> kartotek::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let passages: usize = args.first().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let out = PathBuf::from(
        args.get(1)
            .cloned()
            .unwrap_or_else(|| "target/scale-corpus".into()),
    );
    let testdata = PathBuf::from(
        args.get(2)
            .cloned()
            .unwrap_or_else(|| "../shared/testdata".into()),
    );
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let pools = if testdata.exists() {
        Pools::from_dirs(&testdata, Some(&seeds))
    } else {
        Pools::builtin()
    };
    let docs = gen::generate(&pools, Taxonomy::builtin(), &Spec::new(passages, 42));
    kartotek::bench::measure::write_text_files(&out, &docs)?;
    println!("{} documents written under {}", docs.len(), out.display());
    Ok(())
}
