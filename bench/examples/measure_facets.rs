//! Measures the facet tagger against the hand-labelled gold of the five seed documents.
//!
//! ```text
//! cargo run --release -p kartotek-bench --example measure_facets -- [SEED_DIR]          # precision / recall
//! cargo run --release -p kartotek-bench --example measure_facets -- --corpus             # same, on corpus/ through the whole pipeline
//! cargo run --release -p kartotek-bench --example measure_facets -- --themes FILE...     # theme scores per file
//! cargo run --release -p kartotek-bench --example measure_facets -- --speed FILE         # tagging throughput
//! ```
//!
//! SEED_DIR defaults to `/work/shared/seeds` and must hold `<key>.txt` for each key of
//! `tests/fixtures/facets_gold.toml`.
//!
//! Scoring rule: micro-averaged over the seeds, exact path match. Ancestors of a tagged
//! region are implicit for filters and are neither listed in the gold nor counted here, so
//! tagging `/norway/trondelag/trondheim` does not earn or cost `/norway/trondelag`.
//! Themes are reported separately because they are a judgement, not a mention.

// the product binary's allocator (see `kartotek::Allocator`)
use kartotek_bench as _;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Instant;

use kartotek::taxonomy::{FacetKind, Taxonomy};

const GOLD: &str = include_str!("../../tests/fixtures/facets_gold.toml");

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let tax = Taxonomy::builtin();
    match args.first().map(String::as_str) {
        Some("--themes") => themes(tax, &args[1..]),
        Some("--speed") => speed(tax, &args[1..]),
        Some("--corpus") => {
            if let Err(e) = gold(&corpus_tags()) {
                eprintln!("error: {e}");
                std::process::exit(2);
            }
        }
        dir => {
            let dir = dir.unwrap_or("/work/shared/seeds").to_string();
            let seed_tags = |key: &str| -> Result<Vec<(FacetKind, String, String)>, String> {
                let path = PathBuf::from(&dir).join(format!("{key}.txt"));
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
                Ok(tax
                    .tag(&text)
                    .into_iter()
                    .map(|t| (t.kind, t.path, t.first_match))
                    .collect())
            };
            if let Err(e) = gold(&seed_tags) {
                eprintln!("error: {e}");
                std::process::exit(2);
            }
        }
    }
}

type Gold = BTreeMap<String, BTreeMap<String, Vec<String>>>;

/// A tag as scored here: facet, path, first matched phrase.
type Tagged = (FacetKind, String, String);

/// Which seed each built-in corpus file was made from (corpus/README.md).
const CORPUS_SEEDS: [(&str, &str); 5] = [
    (
        "mid-norway-european-office-networks.html",
        "000_58bd7fe6a615ead5",
    ),
    (
        "trondelag-internasjonalt-handlingsprogram.pdf",
        "001_8fa7a99d63159691",
    ),
    (
        "ntnu-horizon-europe-partners-contribution.pdf",
        "002_67258826324c8ca8",
    ),
    (
        "innherred-internasjonal-strategi.pdf",
        "003_f82bca6b6e9738bc",
    ),
    ("interreg-historie.html", "004_45fcd7979664cbd4"),
];

/// Ingest the built-in corpus (extraction, language, tagging) and return
/// each document's text-derived tags under its seed's key.
fn corpus_tags() -> impl Fn(&str) -> Result<Vec<Tagged>, String> {
    use kartotek::index::Index;
    use kartotek::ingest::{self, source, Options, Silent};
    let dir = tempfile::tempdir().expect("tempdir");
    let index = Index::open_or_create(dir.path()).expect("index");
    ingest::run(
        &index,
        source::builtin_jobs(),
        &Options::new(Taxonomy::builtin()),
        &mut Silent,
    )
    .expect("ingest");
    let mut by_key: BTreeMap<String, Vec<Tagged>> = BTreeMap::new();
    for (id, src) in index.sources().expect("sources") {
        let Some((_, key)) = CORPUS_SEEDS.iter().find(|(f, _)| src.ends_with(f)) else {
            continue;
        };
        let doc = index.get_document(&id).expect("read").expect("doc");
        let tags = doc
            .facets
            .iter()
            .filter_map(|f| {
                let kind = FacetKind::all()
                    .into_iter()
                    .find(|k| k.as_str() == f.facet)?;
                Some((
                    kind,
                    f.path.clone(),
                    f.first_match.clone().unwrap_or_default(),
                ))
            })
            .collect();
        by_key.insert(key.to_string(), tags);
    }
    move |key: &str| {
        by_key
            .get(key)
            .cloned()
            .ok_or_else(|| format!("no corpus document for `{key}`"))
    }
}

fn gold(tags_for: &dyn Fn(&str) -> Result<Vec<Tagged>, String>) -> Result<(), String> {
    let gold: Gold = toml::from_str(GOLD).map_err(|e| format!("facets_gold.toml: {e}"))?;
    let mut totals: BTreeMap<FacetKind, (usize, usize, usize)> = BTreeMap::new();
    for (key, labels) in &gold {
        let tags: Vec<kartotek::taxonomy::Tag> = tags_for(key)?
            .into_iter()
            .map(|(kind, path, first_match)| kartotek::taxonomy::Tag {
                kind,
                path,
                count: 1,
                first_match,
                score: 0.0,
            })
            .collect();
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
