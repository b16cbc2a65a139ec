//! Generates `src/lang/nordic_ngrams.bin`, the character n-gram table that
//! `kartotek::lang` uses to tell Bokmål, Nynorsk, Danish, Swedish and Icelandic apart.
//!
//! Training text (none of it is evaluation data of `bench/examples/measure_lang.rs`'s held-out parts):
//! - the 1,000 `testdata/sentences.txt` web sentences shipped in each of the crates
//!   `lingua-{bokmal,nynorsk,danish,swedish,icelandic}-language-model` 1.3.0 (Apache-2.0);
//!   fetch them with `cargo fetch` in any crate depending on them, or point
//!   `KARTOTEK_LINGUA_DIR` at a folder holding the unpacked crates;
//! - the UD *dev* half (first 150 sentences per language of
//!   `testdata/langid/ud_sentences_with_ids.tsv`); measure_lang reports the held-out half;
//! - Lovtidend 2025 nb/nn documents with an *even* line index in
//!   `norwegian_corpus/lovtidend_avd1_2025.jsonl` (measure_lang reports odd ones as held out),
//!   minus documents also kept in `regional_docs/`, capped at [`LOVTIDEND_CAP`] bytes per language (default 0, i.e. none used).
//!
//! Tokenisation (mirrored exactly by `src/lang/ngram.rs`): a word is a maximal run of
//! alphabetic chars, lowercased and padded with one space each side; n-grams of 1 to
//! [`MAX_N`] chars are taken inside the padded word. An n-gram enters the table if it occurs
//! at least [`MIN_COUNT`] times in all training text together; each language gets
//! `round(-ln p * SCALE)` (capped at 255) with add-[`ALPHA`] smoothing per n-gram order.
//! File format: `KNG1`, then per n-gram its UTF-8 length (one byte), its bytes, and one
//! score byte per language in the order nb, nn, da, sv, is.
//!
//! Run: `cargo run --release -p kartotek-bench --example gen_nordic_ngrams [OUT]` (default
//! `src/lang/nordic_ngrams.bin`); `KARTOTEK_TESTDATA` overrides `/work/shared/testdata`.

// the product binary's allocator (see `kartotek::Allocator`)
use kartotek_bench as _;
use std::collections::{BTreeMap, HashMap, HashSet};

const LANGS: [&str; 5] = ["nb", "nn", "da", "sv", "is"];
const LINGUA: [&str; 5] = ["bokmal", "nynorsk", "danish", "swedish", "icelandic"];
const MAX_N: usize = 4;
const MIN_COUNT: u32 = 3;
const ALPHA: f64 = 0.5;
const SCALE: f64 = 16.0;
/// Default Lovtidend bytes per language (0: none). Adding legal nb/nn text without the same
/// register for da/sv/is biased the model (UD dev half: nb fell from 96.7% to 95.3% at 50 KB);
/// `KARTOTEK_LOVTIDEND_CAP` overrides it for such experiments.
const LOVTIDEND_CAP: usize = 0;

fn ngrams(text: &str, mut f: impl FnMut(&str)) {
    let mut word = String::from(" ");
    let mut flush = |word: &mut String| {
        if word.len() > 1 {
            word.push(' ');
            let bounds: Vec<usize> = word
                .char_indices()
                .map(|(i, _)| i)
                .chain([word.len()])
                .collect();
            let chars = bounds.len() - 1;
            for n in 1..=MAX_N.min(chars) {
                for s in 0..=chars - n {
                    let g = &word[bounds[s]..bounds[s + n]];
                    if g != " " {
                        f(g);
                    }
                }
            }
        }
        word.clear();
        word.push(' ');
    };
    for c in text.chars() {
        if c.is_alphabetic() {
            word.extend(c.to_lowercase());
        } else {
            flush(&mut word);
        }
    }
    flush(&mut word);
}

fn lingua_sentences(lang: &str) -> Result<String, Box<dyn std::error::Error>> {
    let crate_dir = format!("lingua-{lang}-language-model-1.3.0");
    let mut roots = Vec::new();
    if let Ok(d) = std::env::var("KARTOTEK_LINGUA_DIR") {
        roots.push(std::path::PathBuf::from(d));
    }
    let home = std::env::var("CARGO_HOME")
        .unwrap_or_else(|_| format!("{}/.cargo", std::env::var("HOME").unwrap_or_default()));
    if let Ok(rd) = std::fs::read_dir(format!("{home}/registry/src")) {
        roots.extend(rd.flatten().map(|e| e.path()));
    }
    for r in roots {
        let p = r.join(&crate_dir).join("testdata/sentences.txt");
        if let Ok(t) = std::fs::read_to_string(&p) {
            return Ok(t);
        }
    }
    Err(
        format!("`{crate_dir}` not found: run `cargo fetch` for it or set KARTOTEK_LINGUA_DIR")
            .into(),
    )
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root =
        std::env::var("KARTOTEK_TESTDATA").unwrap_or_else(|_| "/work/shared/testdata".to_string());
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "src/lang/nordic_ngrams.bin".to_string());
    let mut text: Vec<String> = Vec::new();
    for l in LINGUA {
        text.push(lingua_sentences(l)?);
    }
    // UD dev half.
    let tsv = std::fs::read_to_string(format!("{root}/langid/ud_sentences_with_ids.tsv"))?;
    let mut seen: HashMap<String, usize> = HashMap::new();
    for line in tsv.lines().skip(1) {
        let cols: Vec<&str> = line.splitn(5, '\t').collect();
        if cols.len() < 5 {
            continue;
        }
        let Some(i) = LANGS.iter().position(|l| *l == cols[0]) else {
            continue;
        };
        let n = seen.entry(cols[0].to_string()).or_default();
        *n += 1;
        if *n <= 150 {
            text[i].push('\n');
            text[i].push_str(cols[4]);
        }
    }
    // Lovtidend, even line index, not in regional_docs.
    let index: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(format!(
        "{root}/regional_docs/regional_index.json"
    ))?)?;
    let regional: HashSet<String> = index
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|r| r["file"].as_str())
        .filter_map(|f| f.rsplit('/').next())
        .map(|f| f.trim_end_matches(".html").to_string())
        .collect();
    let jsonl =
        std::fs::read_to_string(format!("{root}/norwegian_corpus/lovtidend_avd1_2025.jsonl"))?;
    let cap = std::env::var("KARTOTEK_LOVTIDEND_CAP")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(LOVTIDEND_CAP);
    let mut taken = [0usize; 5];
    for (i, line) in jsonl.lines().enumerate() {
        if i % 2 == 1 {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(line)?;
        let li = match v["html_lang"].as_str() {
            Some("nb") => 0,
            Some("nn") => 1,
            _ => continue,
        };
        let file = v["file"].as_str().unwrap_or("");
        let stem = file
            .rsplit('/')
            .next()
            .unwrap_or("")
            .trim_end_matches(".xml");
        if regional.contains(stem) || taken[li] >= cap {
            continue;
        }
        let t = v["text"].as_str().unwrap_or("");
        taken[li] += t.len();
        text[li].push('\n');
        text[li].push_str(t);
    }
    eprintln!("lovtidend bytes taken: nb {} nn {}", taken[0], taken[1]);

    // Count.
    let mut counts: Vec<HashMap<String, u32>> = vec![HashMap::new(); 5];
    let mut totals = [[0u64; MAX_N + 1]; 5];
    for (li, t) in text.iter().enumerate() {
        eprintln!("{}: {} bytes of training text", LANGS[li], t.len());
        ngrams(t, |g| {
            *counts[li].entry(g.to_string()).or_default() += 1;
            totals[li][g.chars().count()] += 1;
        });
    }
    let mut all: BTreeMap<String, [u32; 5]> = BTreeMap::new();
    for (li, c) in counts.iter().enumerate() {
        for (g, &n) in c {
            all.entry(g.clone()).or_default()[li] = n;
        }
    }
    all.retain(|_, c| c.iter().sum::<u32>() >= MIN_COUNT);
    let mut vocab = [0u64; MAX_N + 1];
    for g in all.keys() {
        vocab[g.chars().count()] += 1;
    }
    // Binary: magic, then per n-gram: key length (u8), key (UTF-8), 5 scores (u8).
    let mut bin: Vec<u8> = b"KNG1".to_vec();
    for (g, c) in &all {
        let n = g.chars().count();
        bin.push(g.len() as u8);
        bin.extend_from_slice(g.as_bytes());
        for li in 0..5 {
            let p = (f64::from(c[li]) + ALPHA) / (totals[li][n] as f64 + ALPHA * vocab[n] as f64);
            bin.push((-p.ln() * SCALE).round().min(255.0) as u8);
        }
    }
    std::fs::write(&out, bin)?;
    eprintln!("wrote {} n-grams to {out}", all.len());
    Ok(())
}
