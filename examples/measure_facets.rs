//! Measures the facet tagger against the hand-labelled gold of the five seed documents.
//!
//! ```text
//! cargo run --release --example measure_facets -- [SEED_DIR]          # precision / recall
//! cargo run --release --example measure_facets -- --themes FILE...     # theme scores per file
//! cargo run --release --example measure_facets -- --speed FILE         # tagging throughput
//! ```
//!
//! SEED_DIR defaults to `/work/shared/seeds` and must hold `<key>.txt` for each key of
//! `tests/fixtures/facets_gold.toml`.
//!
//! Scoring rule: micro-averaged over the seeds, exact path match. Ancestors of a tagged
//! region are implicit for filters and are neither listed in the gold nor counted here, so
//! tagging `/norway/trondelag/trondheim` does not earn or cost `/norway/trondelag`.
//! Themes are reported separately because they are a judgement, not a mention.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Instant;

use kartotek::taxonomy::{FacetKind, Taxonomy};

const GOLD: &str = include_str!("../tests/fixtures/facets_gold.toml");

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let tax = Taxonomy::builtin();
    match args.first().map(String::as_str) {
        Some("--themes") => themes(tax, &args[1..]),
        Some("--speed") => speed(tax, &args[1..]),
        dir => {
            if let Err(e) = gold(tax, dir.unwrap_or("/work/shared/seeds")) {
                eprintln!("error: {e}");
                std::process::exit(2);
            }
        }
    }
}

type Gold = BTreeMap<String, BTreeMap<String, Vec<String>>>;

fn gold(tax: &Taxonomy, dir: &str) -> Result<(), String> {
    let gold: Gold = toml::from_str(GOLD).map_err(|e| format!("facets_gold.toml: {e}"))?;
    let mut totals: BTreeMap<FacetKind, (usize, usize, usize)> = BTreeMap::new();
    for (key, labels) in &gold {
        let path = PathBuf::from(dir).join(format!("{key}.txt"));
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        let tags = tax.tag(&text);
        println!("== {key}");
        for kind in FacetKind::all() {
            let want: BTreeSet<&str> = labels
                .get(kind.as_str())
                .map(|v| v.iter().map(String::as_str).collect())
                .unwrap_or_default();
            let got: BTreeSet<&str> = tags
                .iter()
                .filter(|t| t.kind == kind)
                .map(|t| t.path.as_str())
                .collect();
            let tp = want.intersection(&got).count();
            let fp: Vec<String> = got
                .difference(&want)
                .map(|p| {
                    let t = tags.iter().find(|t| t.kind == kind && t.path == *p);
                    format!(
                        "{p} ({:?})",
                        t.map(|t| t.first_match.as_str()).unwrap_or("")
                    )
                })
                .collect();
            let fn_: Vec<&&str> = want.difference(&got).collect();
            let e = totals.entry(kind).or_default();
            e.0 += tp;
            e.1 += fp.len();
            e.2 += fn_.len();
            if !fp.is_empty() || !fn_.is_empty() {
                println!("  {kind:<9} extra: {fp:?}  missing: {fn_:?}");
            }
        }
    }
    println!("\nfacet      tp  fp  fn  precision  recall");
    for (kind, (tp, fp, fn_)) in &totals {
        let p = ratio(*tp, tp + fp);
        let r = ratio(*tp, tp + fn_);
        let note = if *kind == FacetKind::Theme {
            "  (reported separately)"
        } else {
            ""
        };
        println!(
            "{:<9} {tp:>3} {fp:>3} {fn_:>3}  {p:>9.3}  {r:>6.3}{note}",
            kind.as_str()
        );
    }
    Ok(())
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

fn themes(tax: &Taxonomy, files: &[String]) {
    for file in files {
        let Ok(text) = std::fs::read_to_string(file) else {
            eprintln!("skip `{file}`: unreadable");
            continue;
        };
        let name = file.rsplit('/').next().unwrap_or(file);
        for t in tax.theme_scores(&text) {
            println!("{name}\t{}\t{:.2}\t{}", t.path, t.score, t.count);
        }
    }
}

fn speed(tax: &Taxonomy, files: &[String]) {
    let base: String = files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .collect::<Vec<_>>()
        .join("\n");
    if base.is_empty() {
        eprintln!("error: no readable input files");
        std::process::exit(2);
    }
    let mut text = String::new();
    while text.len() < 1 << 20 {
        text.push_str(&base);
        text.push('\n');
    }
    let _ = tax.tag(&text); // warm-up (builds nothing; the taxonomy is already built)
    let runs = 10;
    let start = Instant::now();
    let mut n = 0;
    for _ in 0..runs {
        n += tax.tag(&text).len();
    }
    let secs = start.elapsed().as_secs_f64() / runs as f64;
    println!(
        "{:.2} MB tagged in {:.1} ms per run ({:.1} MB/s), {} tags",
        text.len() as f64 / 1e6,
        secs * 1e3,
        text.len() as f64 / 1e6 / secs,
        n / runs
    );
}
