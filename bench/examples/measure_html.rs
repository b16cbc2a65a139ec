//! Measures main-text extraction quality and speed of `ingest::html::extract`
//! over the annotated pages in `/work/shared/testdata/html` (or the folder given
//! as the first argument).
//!
//! Full-text gold (article-extraction-benchmark, newspaper4k, readability):
//! bag-of-words precision/recall/F1 (lowercased, punctuation stripped) of our
//! `text` and of a baseline (all body text with only script/style removed).
//! Snippet gold (trafilatura): share of `with` snippets found and `without`
//! snippets absent. Run with `cargo run --release -p kartotek-bench --example measure_html [dir] [-v]`.

// the product binary's allocator (see `kartotek::Allocator`)
use kartotek_bench as _;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use kartotek::ingest::html::extract;
use serde_json::Value;

fn words(s: &str) -> HashMap<String, usize> {
    let mut m = HashMap::new();
    for w in s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        *m.entry(w.to_lowercase()).or_insert(0) += 1;
    }
    m
}

/// (precision, recall, f1) of `got` against `gold`, bag of words.
fn prf(got: &str, gold: &str) -> (f64, f64, f64) {
    let g = words(got);
    let t = words(gold);
    let ng: usize = g.values().sum();
    let nt: usize = t.values().sum();
    let common: usize = g
        .iter()
        .map(|(w, c)| (*c).min(*t.get(w).unwrap_or(&0)))
        .sum();
    let p = if ng == 0 {
        0.0
    } else {
        common as f64 / ng as f64
    };
    let r = if nt == 0 {
        0.0
    } else {
        common as f64 / nt as f64
    };
    let f = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    (p, r, f)
}

/// All visible body text: only script/style (and noscript/template) removed.
fn baseline(bytes: &[u8]) -> String {
    let (src, _) = kartotek::ingest::html::decode(bytes, None);
    let doc = scraper::Html::parse_document(&src);
    let body = scraper::Selector::parse("body").ok();
    let root = body
        .as_ref()
        .and_then(|s| doc.select(s).next())
        .unwrap_or_else(|| doc.root_element());
    let mut out = String::new();
    for node in root.descendants() {
        if let scraper::Node::Text(t) = node.value() {
            let hidden = node.ancestors().any(|a| {
                a.value().as_element().is_some_and(|e| {
                    matches!(e.name(), "script" | "style" | "noscript" | "template")
                })
            });
            if !hidden {
                out.push_str(t);
                out.push(' ');
            }
        }
    }
    out
}

fn norm_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.iter().any(|a| a == "-v");
    let dir = PathBuf::from(
        args.iter()
            .find(|a| !a.starts_with('-'))
            .cloned()
            .unwrap_or_else(|| "/work/shared/testdata/html".into()),
    );
    let index: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("html_index.json"))?)?;
    let aeb: Value = serde_json::from_str(&std::fs::read_to_string(
        dir.join("article-extraction-benchmark/ground-truth.json"),
    )?)?;
    let traf: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("trafilatura/gold.json"))?)?;
    let mut aeb_gold: HashMap<String, String> = HashMap::new();
    if let Some(obj) = aeb.as_object() {
        for v in obj.values() {
            if let (Some(f), Some(b)) = (v["file"].as_str(), v["articleBody"].as_str()) {
                aeb_gold.insert(f.to_string(), b.to_string());
            }
        }
    }
    let mut traf_gold: HashMap<String, (Vec<String>, Vec<String>)> = HashMap::new();
    for v in traf.as_array().into_iter().flatten() {
        let strs = |k: &str| -> Vec<String> {
            v[k].as_array()
                .into_iter()
                .flatten()
                .filter_map(|x| x.as_str().map(norm_ws))
                .collect()
        };
        if let Some(f) = v["file"].as_str() {
            traf_gold.insert(f.to_string(), (strs("with"), strs("without")));
        }
    }

    struct Row {
        name: String,
        ours: (f64, f64, f64),
        base: (f64, f64, f64),
    }
    let mut rows: Vec<Row> = Vec::new();
    let (mut with_ok, mut with_n, mut without_ok, mut without_n) = (0, 0, 0, 0);
    let (mut b_with_ok, mut b_without_ok) = (0, 0);
    let mut traf_rows: Vec<(String, usize, usize, usize, usize)> = Vec::new();
    let mut total_bytes = 0usize;
    let mut total_secs = 0.0f64;
    let mut pages = 0usize;

    for page in index.as_array().into_iter().flatten() {
        let (Some(set), Some(file)) = (page["set"].as_str(), page["file"].as_str()) else {
            continue;
        };
        let path = dir.join(file);
        let bytes = std::fs::read(&path)?;
        let t0 = Instant::now();
        let got = extract(&bytes, None);
        total_secs += t0.elapsed().as_secs_f64();
        total_bytes += bytes.len();
        pages += 1;
        let text = match &got {
            Ok(t) => t.text.clone(),
            Err(e) => {
                eprintln!("{file}: error: {e}");
                String::new()
            }
        };
        let name = Path::new(file)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or(file)
            .to_string();
        let gold: Option<String> = match set {
            "article-extraction-benchmark" => aeb_gold.get(&name).cloned(),
            "newspaper4k" => std::fs::read_to_string(path.with_extension("expected.txt")).ok(),
            "readability" => path
                .parent()
                .and_then(|p| std::fs::read_to_string(p.join("expected.txt")).ok()),
            _ => None,
        };
        let base = baseline(&bytes);
        if let Some(gold) = gold {
            let label = if set == "readability" {
                file.trim_end_matches("/source.html").to_string()
            } else {
                file.to_string()
            };
            rows.push(Row {
                name: label,
                ours: prf(&text, &gold),
                base: prf(&base, &gold),
            });
        } else if let Some((with, without)) = traf_gold.get(&name) {
            let ours = norm_ws(&text);
            let basen = norm_ws(&base);
            let w = with.iter().filter(|s| ours.contains(s.as_str())).count();
            let wo = without
                .iter()
                .filter(|s| !ours.contains(s.as_str()))
                .count();
            b_with_ok += with.iter().filter(|s| basen.contains(s.as_str())).count();
            b_without_ok += without
                .iter()
                .filter(|s| !basen.contains(s.as_str()))
                .count();
            with_ok += w;
            without_ok += wo;
            with_n += with.len();
            without_n += without.len();
            traf_rows.push((name.clone(), w, with.len(), wo, without.len()));
            if verbose {
                for s in with.iter().filter(|s| !ours.contains(s.as_str())) {
                    println!("  MISSING {name}: {s}");
                }
                for s in without.iter().filter(|s| ours.contains(s.as_str())) {
                    println!("  LEAKED  {name}: {s}");
                }
            }
        }
    }

    println!(
        "== full-text gold: {} pages (bag-of-words P/R/F1) ==",
        rows.len()
    );
    println!(
        "{:<48} {:>6} {:>6} {:>6} | {:>6} {:>6} {:>6}",
        "page", "P", "R", "F1", "baseP", "baseR", "baseF1"
    );
    for r in &rows {
        println!(
            "{:<48} {:>6.3} {:>6.3} {:>6.3} | {:>6.3} {:>6.3} {:>6.3}",
            r.name, r.ours.0, r.ours.1, r.ours.2, r.base.0, r.base.1, r.base.2
        );
    }
    let col = |f: &dyn Fn(&Row) -> f64| -> Vec<f64> { rows.iter().map(f).collect() };
    for (label, sel) in [
        (
            "ours",
            &(|r: &Row| r.ours) as &dyn Fn(&Row) -> (f64, f64, f64),
        ),
        ("baseline", &|r: &Row| r.base),
    ] {
        let mut p = col(&|r| sel(r).0);
        let mut rc = col(&|r| sel(r).1);
        let mut f = col(&|r| sel(r).2);
        println!(
            "{label:<9} mean P {:.3} R {:.3} F1 {:.3} | median P {:.3} R {:.3} F1 {:.3}",
            mean(&p),
            mean(&rc),
            mean(&f),
            median(&mut p),
            median(&mut rc),
            median(&mut f)
        );
    }
    let mut worst: Vec<&Row> = rows.iter().collect();
    worst.sort_by(|a, b| a.ours.2.total_cmp(&b.ours.2));
    println!("worst 5 (ours):");
    for r in worst.iter().take(5) {
        println!(
            "  {:<46} P {:.3} R {:.3} F1 {:.3}",
            r.name, r.ours.0, r.ours.1, r.ours.2
        );
    }

    println!("\n== trafilatura snippets: {} pages ==", traf_rows.len());
    if verbose {
        for (n, w, wn, wo, won) in &traf_rows {
            println!("  {n:<60} with {w}/{wn} without {wo}/{won}");
        }
    }
    let frac = |a: usize, b: usize| a as f64 / b.max(1) as f64;
    println!(
        "ours:     with found {with_ok}/{with_n} = {:.3}; without absent {without_ok}/{without_n} = {:.3}",
        frac(with_ok, with_n),
        frac(without_ok, without_n)
    );
    println!(
        "baseline: with found {b_with_ok}/{with_n} = {:.3}; without absent {b_without_ok}/{without_n} = {:.3}",
        frac(b_with_ok, with_n),
        frac(b_without_ok, without_n)
    );

    // Speed: a second, timing-only pass over all pages.
    let mut bufs = Vec::new();
    for page in index.as_array().into_iter().flatten() {
        if let Some(file) = page["file"].as_str() {
            bufs.push(std::fs::read(dir.join(file))?);
        }
    }
    let t0 = Instant::now();
    let rounds = 3;
    let mut sink = 0usize;
    for _ in 0..rounds {
        for b in &bufs {
            sink += extract(b, None).map_or(0, |t| t.text.len());
        }
    }
    let secs = t0.elapsed().as_secs_f64();
    let mb = bufs.iter().map(Vec::len).sum::<usize>() as f64 * rounds as f64 / 1e6;
    println!(
        "\n== speed: {} pages x {rounds} rounds, {:.1} MB in {:.2} s: {:.1} pages/s, {:.2} MB/s (first pass {:.1} pages/s; sink {sink}) ==",
        bufs.len(),
        mb,
        secs,
        (bufs.len() * rounds) as f64 / secs,
        mb / secs,
        pages as f64 / total_secs.max(1e-9),
    );
    let _ = total_bytes;
    Ok(())
}
