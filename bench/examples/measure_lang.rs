//! Measures language detection (`kartotek::lang`) against whatlang alone.
//!
//! Reads the shared test data (not shipped with the repo):
//! `/work/shared/testdata/langid/ud_sentences_with_ids.tsv` (UD sentences, 300 per language),
//! `/work/shared/testdata/norwegian_corpus/lovtidend_avd1_2025.jsonl` (nb/nn legal documents)
//! and `/work/shared/testdata/regional_docs/` (nb/nn/sv government pages).
//! Override the root with `KARTOTEK_TESTDATA=/path cargo run --release -p kartotek-bench --example measure_lang`.
//!
//! The UD sentences are also split into a "dev" half (first 150 per language in file order,
//! the only part looked at while tuning the lexicons) and a "held-out" half (last 150).

// the product binary's allocator (see `kartotek::Allocator`)
use kartotek::lang::{detect, detect_document, Language};
use kartotek_bench as _;
use std::collections::BTreeMap;
use std::time::Instant;

const MATRIX_LANGS: [Language; 7] = [
    Language::Nb,
    Language::Nn,
    Language::Da,
    Language::Sv,
    Language::Fi,
    Language::En,
    Language::De,
];

fn whatlang_only(text: &str) -> Language {
    use whatlang::Lang as W;
    match whatlang::detect_lang(text) {
        Some(W::Nob) => Language::Nb,
        Some(W::Dan) => Language::Da,
        Some(W::Swe) => Language::Sv,
        Some(W::Fin) => Language::Fi,
        Some(W::Eng) => Language::En,
        Some(W::Deu) => Language::De,
        Some(W::Fra) => Language::Fr,
        Some(W::Nld) => Language::Nl,
        Some(W::Spa) => Language::Es,
        Some(W::Ita) => Language::It,
        Some(W::Por) => Language::Pt,
        Some(W::Pol) => Language::Pl,
        Some(W::Est) => Language::Et,
        Some(W::Lit) => Language::Lt,
        Some(W::Lav) => Language::Lv,
        Some(W::Rus) => Language::Ru,
        _ => Language::Other,
    }
}

fn kartotek(text: &str) -> Language {
    detect(text).lang
}

/// (truth, text) samples.
type Samples = Vec<(Language, String)>;

fn matrix_col(l: Language) -> usize {
    MATRIX_LANGS
        .iter()
        .position(|&m| m == l)
        .unwrap_or(MATRIX_LANGS.len())
}

/// Prints accuracy per language and a confusion matrix; returns overall accuracy.
fn report(title: &str, samples: &[(Language, String)], f: &dyn Fn(&str) -> Language) -> f64 {
    let mut per: BTreeMap<Language, (usize, usize)> = BTreeMap::new();
    let mut confusion = [[0usize; MATRIX_LANGS.len() + 1]; MATRIX_LANGS.len()];
    let mut right = 0;
    for (truth, text) in samples {
        let got = f(text);
        let e = per.entry(*truth).or_default();
        e.1 += 1;
        if got == *truth {
            e.0 += 1;
            right += 1;
        }
        if let Some(row) = MATRIX_LANGS.iter().position(|&m| m == *truth) {
            confusion[row][matrix_col(got)] += 1;
        }
    }
    println!("\n### {title}\n");
    let accs: Vec<String> = per
        .iter()
        .map(|(l, (r, n))| {
            format!(
                "{} {:.1}% ({r}/{n})",
                l.code(),
                100.0 * *r as f64 / *n as f64
            )
        })
        .collect();
    println!("accuracy: {}", accs.join(", "));
    let overall = 100.0 * right as f64 / samples.len().max(1) as f64;
    println!("overall: {overall:.1}% ({right}/{})\n", samples.len());
    let header: Vec<&str> = MATRIX_LANGS.iter().map(|l| l.code()).collect();
    println!("| truth \\ predicted | {} | other |", header.join(" | "));
    println!("|---|{}---|", "---|".repeat(MATRIX_LANGS.len()));
    for (row, l) in MATRIX_LANGS.iter().enumerate() {
        if confusion[row].iter().sum::<usize>() == 0 {
            continue;
        }
        let cells: Vec<String> = confusion[row].iter().map(|c| c.to_string()).collect();
        println!("| {} | {} |", l.code(), cells.join(" | "));
    }
    overall
}

fn side_by_side(title: &str, samples: &[(Language, String)]) {
    report(&format!("{title}: whatlang alone"), samples, &whatlang_only);
    report(&format!("{title}: kartotek::lang"), samples, &kartotek);
}

fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

/// Concatenates consecutive same-language sentences into documents of >= 150 words.
fn build_docs(sentences: &[(Language, String)]) -> Samples {
    let mut docs = Vec::new();
    let mut cur: Option<(Language, String)> = None;
    for (l, s) in sentences {
        match &mut cur {
            Some((cl, text)) if cl == l => {
                text.push(' ');
                text.push_str(s);
            }
            _ => cur = Some((*l, s.clone())),
        }
        if let Some((cl, text)) = &cur {
            if word_count(text) >= 150 {
                docs.push((*cl, text.clone()));
                cur = None;
            }
        }
    }
    docs
}

fn first_words(s: &str, n: usize) -> String {
    s.split_whitespace().take(n).collect::<Vec<_>>().join(" ")
}

/// The first `n` words of `s` with its line breaks kept (tables arrive one cell per line).
fn first_words_lines(s: &str, n: usize) -> String {
    let mut out = String::new();
    let mut left = n;
    for line in s.lines() {
        if left == 0 {
            break;
        }
        let words: Vec<&str> = line.split_whitespace().take(left).collect();
        left -= words.len();
        out.push_str(&words.join(" "));
        out.push('\n');
    }
    out
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root =
        std::env::var("KARTOTEK_TESTDATA").unwrap_or_else(|_| "/work/shared/testdata".to_string());

    // --- sentences -------------------------------------------------------------------
    let tsv = std::fs::read_to_string(format!("{root}/langid/ud_sentences_with_ids.tsv"))?;
    let mut all: Samples = Vec::new();
    let mut dev: Samples = Vec::new();
    let mut held: Samples = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for line in tsv.lines().skip(1) {
        let cols: Vec<&str> = line.splitn(5, '\t').collect();
        if cols.len() < 5 {
            continue;
        }
        let Some(l) = Language::from_code(cols[0]) else {
            continue;
        };
        let n = seen.entry(cols[0].to_string()).or_default();
        *n += 1;
        let item = (l, cols[4].to_string());
        if *n <= 150 {
            dev.push(item.clone());
        } else {
            held.push(item.clone());
        }
        all.push(item);
    }
    println!("## Sentence level (UD, {} sentences)", all.len());
    side_by_side("all 4200 sentences", &all);
    side_by_side("held-out half (last 150 per language)", &held);
    side_by_side("dev half (first 150 per language)", &dev);

    // --- documents -------------------------------------------------------------------
    println!("\n## Document level");
    let ud_docs = build_docs(&all);
    side_by_side(
        &format!(
            "UD documents (>= 150 words, consecutive sentences; {})",
            ud_docs.len()
        ),
        &ud_docs,
    );

    let mut real: Samples = Vec::new();
    let jsonl =
        std::fs::read_to_string(format!("{root}/norwegian_corpus/lovtidend_avd1_2025.jsonl"))?;
    let mut unspecified = BTreeMap::<Language, usize>::new();
    for line in jsonl.lines() {
        let v: serde_json::Value = serde_json::from_str(line)?;
        let lang = v["html_lang"].as_str().unwrap_or("");
        let text = first_words_lines(v["text"].as_str().unwrap_or(""), 2000);
        if word_count(&text) < 150 {
            continue;
        }
        match lang {
            "nb" => real.push((Language::Nb, text)),
            "nn" => real.push((Language::Nn, text)),
            "no" => *unspecified.entry(kartotek(&text)).or_default() += 1,
            _ => {}
        }
    }
    let index: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(format!(
        "{root}/regional_docs/regional_index.json"
    ))?)?;
    let mut regional: Samples = Vec::new();
    for rec in index.as_array().map(Vec::as_slice).unwrap_or_default() {
        let file = rec["file"].as_str().unwrap_or("");
        let label = rec["lang_label"].as_str().unwrap_or("");
        let Some(l) = label
            .split_whitespace()
            .next()
            .and_then(Language::from_code)
        else {
            continue;
        };
        let path = if file.ends_with(".html") {
            format!(
                "{root}/regional_docs/{}",
                file.replace(".html", ".main-text.txt")
            )
        } else {
            format!("{root}/regional_docs/{file}")
        };
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let text = first_words_lines(&text, 2000);
        if word_count(&text) >= 150 {
            regional.push((l, text));
        }
    }
    side_by_side(
        &format!(
            "Lovtidend 2025 documents labelled nb/nn by <html lang> (first 2,000 words; {})",
            real.len()
        ),
        &real,
    );
    let un: Vec<String> = unspecified
        .iter()
        .map(|(l, n)| format!("{} {n}", l.code()))
        .collect();
    println!(
        "\nLovtidend documents with <html lang=\"no\"> (no gold label), kartotek says: {}",
        un.join(", ")
    );
    side_by_side(
        &format!(
            "regional_docs (nb/nn/sv pages, first 2,000 words; {})",
            regional.len()
        ),
        &regional,
    );
    for (l, text) in real.iter().chain(regional.iter()) {
        let got = kartotek(text);
        if got != *l {
            println!(
                "  miss: truth {} got {}: {}",
                l.code(),
                got.code(),
                first_words(text, 25)
            );
        }
    }

    // --- mixed document ---------------------------------------------------------------
    println!("\n## Mixed document (nb body + en summary passage)");
    let body: Vec<&str> = all
        .iter()
        .filter(|(l, _)| *l == Language::Nb)
        .map(|(_, s)| s.as_str())
        .take(40)
        .collect();
    let summary = all
        .iter()
        .filter(|(l, _)| *l == Language::En)
        .map(|(_, s)| s.as_str())
        .take(6)
        .collect::<Vec<_>>()
        .join(" ");
    let mut passages: Vec<&str> = body.chunks(8).map(|_| "").collect();
    let joined: Vec<String> = body.chunks(8).map(|c| c.join(" ")).collect();
    for (p, j) in passages.iter_mut().zip(&joined) {
        *p = j.as_str();
    }
    passages.insert(1, summary.as_str());
    let (doc, per) = detect_document(&passages);
    let per_codes: Vec<&str> = per.iter().map(|d| d.lang.code()).collect();
    println!(
        "document: {} (confidence {:.2}); passages: [{}]; summary passage: {} -> {}",
        doc.lang.code(),
        doc.confidence,
        per_codes.join(", "),
        per[1].lang.code(),
        if doc.lang == Language::Nb && per[1].lang == Language::En {
            "PASS"
        } else {
            "FAIL"
        }
    );

    // --- speed -----------------------------------------------------------------------
    println!("\n## Speed (detect() on all UD sentences, 20 rounds)");
    let bytes: usize = all.iter().map(|(_, s)| s.len()).sum();
    let rounds = 20;
    for (name, f) in [
        (
            "whatlang::detect",
            &whatlang_only as &dyn Fn(&str) -> Language,
        ),
        ("kartotek::lang::detect", &kartotek),
    ] {
        let start = Instant::now();
        let mut sink = 0usize;
        for _ in 0..rounds {
            for (_, s) in &all {
                sink += f(s) as usize;
            }
        }
        let secs = start.elapsed().as_secs_f64();
        let n = (all.len() * rounds) as f64;
        println!(
            "{name}: {:.0} sentences/s, {:.2} MB/s, {:.1} µs/sentence (checksum {sink})",
            n / secs,
            (bytes * rounds) as f64 / secs / 1e6,
            secs / n * 1e6
        );
    }
    let doc_bytes: usize = real.iter().map(|(_, s)| s.len()).sum();
    let start = Instant::now();
    let mut sink = 0usize;
    for (_, s) in &real {
        sink += detect(s).lang as usize;
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "kartotek::lang::detect on {} Lovtidend documents (<= 2,000 words): {:.2} MB/s, {:.2} ms/document (checksum {sink})",
        real.len(),
        doc_bytes as f64 / secs / 1e6,
        secs / real.len().max(1) as f64 * 1e3
    );
    Ok(())
}
