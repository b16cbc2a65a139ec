//! Prints what Kartotek extracts from one PDF, page by page: the text the index receives, or the
//! error a user would see. For looking at a single file while working on the PDF stage.
//!
//! Usage: `cargo run --release -p kartotek-bench --example pdf_text -- FILE.pdf`

// the product binary's allocator (see `kartotek::Allocator`)
use kartotek::ingest::pdf::extract;
use kartotek_bench as _;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: pdf_text FILE.pdf");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    match extract(&bytes) {
        Ok(text) => {
            println!("title: {:?}", text.title);
            for (n, page) in text.pages.iter().enumerate() {
                println!("--- page {} ---\n{page}", n + 1);
            }
        }
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    }
}
