//! How many OCR-damaged words the diacritic restorer gets right.
//!
//! ```sh
//! cargo run --release -p kartotek-bench --example measure_restore -- [CLEAN_TEXT]...
//! ```
//! Default input: the clean Bokmål seeds (`seeds/001_…` and `seeds/004_…`),
//! never used to build the word list. Each is damaged with
//! `ingest::restore::damage` (seed 003's damage pattern, 3 seeds), restored,
//! and compared word by word with the clean original.

// the product binary's allocator (see `kartotek::Allocator`)
use kartotek::ingest::restore::{damage, restore};
use kartotek_bench as _;

fn main() {
    let mut files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        files = vec![
            "seeds/001_8fa7a99d63159691.txt".into(),
            "seeds/004_45fcd7979664cbd4.txt".into(),
        ];
    }
    let (mut damaged, mut fixed, mut untouched, mut broken, mut words) = (0, 0, 0, 0, 0);
    for f in &files {
        let clean = std::fs::read_to_string(f).unwrap_or_else(|e| panic!("cannot read `{f}`: {e}"));
        for seed in [1u64, 2, 3] {
            let hurt = damage(&clean, seed);
            let (back, _) = restore(&hurt, false);
            for ((c, h), b) in clean
                .split_whitespace()
                .zip(hurt.split_whitespace())
                .zip(back.split_whitespace())
            {
                words += 1;
                if c != h {
                    damaged += 1;
                    if b == c {
                        fixed += 1;
                    }
                } else {
                    untouched += 1;
                    if b != c {
                        broken += 1;
                    }
                }
            }
        }
    }
    println!(
        "{words} words over {} file(s) x 3 damage seeds",
        files.len()
    );
    println!(
        "damaged words restored exactly: {fixed}/{damaged} = {:.1}%",
        100.0 * fixed as f64 / damaged.max(1) as f64
    );
    println!(
        "undamaged words changed by mistake: {broken}/{untouched} = {:.2}%",
        100.0 * broken as f64 / untouched.max(1) as f64
    );
}
