//! Known-item search in scanned documents: how often a query for words of a
//! document finds it when its text went through OCR damage.
//!
//! ```sh
//! cargo run --release -p kartotek-bench --example measure_ocr_search -- [TESTDATA_DIR] [--per-document N]
//! ```
//! The Norwegian law corpus (`TESTDATA_DIR`, default `../shared/testdata`;
//! Norsk Lovtidend 2025, NLOD 2.0) is indexed twice: all of it clean, and
//! with every fifth Bokmål document of 3,000+ characters damaged the way
//! the Innherred scan (seed 003) is damaged (`ingest::restore::damage`:
//! æ/ø/å misread as other letters and signs). From each damaged document
//! `N` (default 3) sentences are picked; the query is 3 or 4 words of one
//! sentence as a person remembers them (clean spelling, written order, no
//! function words, 3+ letters), and the one relevant document is the one
//! it came from. A third index damages the same documents harder (see
//! [`harsher`]: misreadings of any OCR, and words broken at line ends).
//! Reported for each index: the share of queries whose
//! document is first and in the top 10, and the mean reciprocal rank (0
//! beyond 50); the difference is what the damage costs the search.
//! Deterministic: the same corpus gives the same queries.
//! `OCR_SEARCH_MISSES=1` lists the queries whose document is not first.

use kartotek_bench as _;
use std::sync::Arc;

use kartotek::index::Index;
use kartotek::ingest::restore::damage;
use kartotek::ingest::Job;
use kartotek::search::{Request, Searcher};
use kartotek::taxonomy::Taxonomy;
use kartotek_bench::Rng;

/// Words a person leaves out of a query.
const FUNCTION_WORDS: &str = "og i på av til for som med er det den de en et ei om ved fra eller \
    skal kan har ikke etter seg sin sine sitt dette disse denne være vært blir bli ble når der hvis \
    at så også under over mot nr jf mv mm lov ledd første annet andre tredje gjelder følgende paragraf";

/// `text` (already damaged in its Nordic letters) with misreadings any OCR
/// makes, in about one word of twelve: `rn` read as `m` and `m` as `rn`, `l`
/// as `1` or `I`, `e` as `c`, a long word broken at a line end (`utvik-
/// ling`) or by a space.
fn harsher(text: &str, seed: u64) -> String {
    let mut rng = Rng::new(seed.max(1));
    let mut out = String::with_capacity(text.len() + text.len() / 20);
    for (i, piece) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let chars: Vec<char> = piece.chars().collect();
        if chars.len() < 4 || !rng.chance(1.0 / 12.0) {
            out.push_str(piece);
            continue;
        }
        let word: String = match rng.below(6) {
            0 if piece.contains("rn") => piece.replacen("rn", "m", 1),
            1 if piece.contains('m') => piece.replacen('m', "rn", 1),
            2 if piece.contains('l') => {
                piece.replacen('l', if rng.chance(0.5) { "1" } else { "I" }, 1)
            }
            3 if piece.contains('e') => piece.replacen('e', "c", 1),
            4 if chars.len() >= 8 => {
                let at = 3 + rng.below(chars.len() - 6);
                let (a, b): (String, String) =
                    (chars[..at].iter().collect(), chars[at..].iter().collect());
                format!("{a}-\n{b}")
            }
            5 if chars.len() >= 8 => {
                let at = 3 + rng.below(chars.len() - 6);
                let (a, b): (String, String) =
                    (chars[..at].iter().collect(), chars[at..].iter().collect());
                format!("{a} {b}")
            }
            _ => piece.to_string(),
        };
        out.push_str(&word);
    }
    out
}

struct Doc {
    id: String,
    /// The text as published.
    clean: String,
    /// The text damaged, for the documents that are.
    damaged: Option<String>,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let per_document: usize = args
        .iter()
        .position(|a| a == "--per-document")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let testdata = args
        .first()
        .filter(|a| !a.starts_with("--"))
        .cloned()
        .unwrap_or_else(|| "../shared/testdata".into());
    let corpus = std::fs::read_to_string(format!(
        "{testdata}/norwegian_corpus/lovtidend_avd1_2025.jsonl"
    ))
    .expect("the Norwegian law corpus (../shared/testdata/norwegian_corpus)");
    let mut docs: Vec<Doc> = Vec::new();
    let mut long_bokmaal = 0usize;
    for line in corpus.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let id = v["id"].as_str().unwrap_or_default().to_string();
        let text = v["text"].as_str().unwrap_or_default().to_string();
        let candidate = v["html_lang"] == "nb" && text.chars().count() >= 3_000;
        let damaged = candidate && {
            long_bokmaal += 1;
            long_bokmaal.is_multiple_of(5)
        };
        let damaged = damaged.then(|| damage(&text, docs.len() as u64 + 1));
        docs.push(Doc {
            id,
            clean: text,
            damaged,
        });
    }
    let damaged: Vec<usize> = (0..docs.len())
        .filter(|&i| docs[i].damaged.is_some())
        .collect();
    // the queries: from the clean text of each damaged document
    let mut rng = Rng::new(15);
    let mut queries: Vec<(String, usize)> = Vec::new();
    for &i in &damaged {
        let sentences: Vec<Vec<&str>> = docs[i]
            .clean
            .split(['.', '\n', ';', ':'])
            .map(|s| {
                s.split(|c: char| !c.is_alphanumeric())
                    .filter(|w| {
                        w.chars().count() >= 3
                            && w.chars().all(char::is_alphabetic)
                            && !FUNCTION_WORDS
                                .split_whitespace()
                                .any(|f| f == w.to_lowercase())
                    })
                    .collect()
            })
            .filter(|w: &Vec<&str>| w.len() >= 4)
            .collect();
        if sentences.is_empty() {
            continue;
        }
        for _ in 0..per_document {
            let words = &sentences[rng.below(sentences.len())];
            let k = 3 + rng.below(2);
            let start = rng.below(words.len() + 1 - k);
            queries.push((words[start..start + k].join(" "), i));
        }
    }
    println!(
        "{} documents, {} of them damaged; {} queries",
        docs.len(),
        damaged.len(),
        queries.len()
    );
    for (name, scanned) in [("all clean", 0), ("damaged", 1), ("harsher", 2)] {
        let tmp = tempfile::tempdir().expect("tempdir");
        let index = Index::open_or_create(tmp.path()).expect("index");
        let jobs: Vec<Job> = docs
            .iter()
            .map(|d| {
                let text = match (scanned, &d.damaged) {
                    (1, Some(hurt)) => hurt.clone(),
                    (2, Some(hurt)) => harsher(hurt, d.id.len() as u64),
                    _ => d.clean.clone(),
                };
                kartotek_bench::lovtidend_job(&d.id, Arc::new(text.into_bytes()))
            })
            .collect();
        kartotek_bench::ingest_silently(&index, jobs);
        let searcher = Searcher::new(index.clone(), Taxonomy::builtin());
        let (mut top1, mut top10, mut rr) = (0usize, 0usize, 0.0f64);
        for (q, i) in &queries {
            let req = Request {
                limit: 50,
                snippets: false,
                ..Request::new(q.clone())
            };
            let id = &docs[*i].id;
            let rank = searcher
                .search(&req)
                .ok()
                .and_then(|r| r.hits.iter().position(|h| &h.url == id));
            if std::env::var_os("OCR_SEARCH_MISSES").is_some() && rank != Some(0) {
                println!("  {name}: rank {rank:?} for `{q}` in {id}");
            }
            if let Some(r) = rank {
                rr += 1.0 / (r + 1) as f64;
                top1 += usize::from(r == 0);
                top10 += usize::from(r < 10);
            }
        }
        let n = queries.len().max(1);
        let pct = |k: usize| 100.0 * k as f64 / n as f64;
        println!(
            "{name:10} top 1 {:.1}%, top 10 {:.1}%, MRR {:.3}",
            pct(top1),
            pct(top10),
            rr / n as f64
        );
    }
}
