//! Writes the scale benchmark's generated corpus as text files (one per
//! document), to compare what `kartotek ingest` makes of them across builds.
//!
//! ```text
//! cargo run --release -p kartotek-bench --example write_scale_corpus -- PASSAGES OUT_DIR [TESTDATA]
//! ```

use std::path::PathBuf;

use kartotek_bench::gen;

fn main() -> kartotek::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let passages: usize = args.first().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let out = PathBuf::from(
        args.get(1)
            .cloned()
            .unwrap_or_else(|| "target/scale-corpus".into()),
    );
    let docs = gen::benchmark_corpus(passages, args.get(2).map(String::as_str));
    kartotek_bench::measure::write_text_files(&out, &docs)?;
    println!("{} documents written under {}", docs.len(), out.display());
    Ok(())
}
