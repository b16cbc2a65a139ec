//! Merge every segment of a Kartotek index into one (benchmark helper:
//! measures what segment count costs at query time).
//!
//! ```text
//! cargo run --release -p kartotek-bench --example bench_merge -- INDEX_DIR
//! ```

// the product binary's allocator (see `kartotek::Allocator`)
use kartotek_bench as _;
fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: bench_merge INDEX_DIR");
        std::process::exit(2);
    };
    if let Err(e) = run(std::path::Path::new(&dir)) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run(dir: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
    let index = kartotek::index::Index::open_or_create(dir)?;
    let t = index.tantivy();
    let ids = t.searchable_segment_ids()?;
    let started = std::time::Instant::now();
    let mut w: tantivy::IndexWriter<tantivy::TantivyDocument> =
        t.writer_with_num_threads(1, 64 << 20)?;
    if ids.len() > 1 {
        w.merge(&ids).wait()?;
    }
    w.wait_merging_threads()?;
    println!(
        "merged {} segments into 1 in {:.1} s",
        ids.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
