//! Search quality of Kartotek, plain BM25, SQLite FTS5 and Lucene 10 side by
//! side, per query type, on a judged evaluation file (`kartotek eval`'s
//! format), and the pools a judge reads to grade what the engines return.
//!
//! ```sh
//! cargo build --release -p kartotek-bench --example measure_eval
//! scripts/bench-lucene.sh build            # once, for the Lucene columns (Java 21+, Maven)
//! # nDCG@10 per type and split, an "all test" and an "all" row
//! target/release/examples/measure_eval bench/eval/judged.toml
//! # the pool: every query's top 10 of each engine not judged yet, with excerpts
//! target/release/examples/measure_eval --pool pool.md queries.toml --header bench/eval/judged.toml
//! ```
//! Kartotek with every feature and plain BM25 (`Features::NONE`) run on one
//! index, exactly as `kartotek eval` does; SQLite FTS5 (`unicode61
//! remove_diacritics 2`, `bm25()`, documents ranked by their best passage)
//! indexes the same extracted passages. FTS5 gets the words ANDed, and ORed
//! when that finds nothing, like Kartotek's own fallback. Lucene 10 (the
//! harness of `bench/lucene`, its ranking mode) indexes the same passages
//! twice: `plain` (standard tokenizer, lowercase, ASCII folding; the words
//! ORed) and `tuned` (each language's stock analyzer, the light Nynorsk
//! stemmer, a Scandinavian-folded field and the title, best-fields dis-max
//! with tie-breaker 0.3, fuzziness AUTO, phrases for quoted text); a
//! document ranks by its best passage. When the harness is not built or no
//! Java 21+ is found, one line says so and the Lucene columns show `–`;
//! `--no-lucene` leaves Lucene out.
//!
//! A file of queries may leave out `corpus`: it then comes from the file
//! given with `--header` (its paths relative to that file), by default
//! `bench/eval/judged.toml`. The index of a corpus is kept in
//! `target/eval-index/`, keyed by the corpus' files (names, sizes, times)
//! and this program's build, so a rerun does not index again; `--fresh`
//! indexes in a temporary folder instead.
//!
//! `--pool OUT.md` writes, for each query, the union of the top 10 of every
//! engine minus the documents in `relevant` and `nonrelevant`: each with the
//! engines and ranks that returned it, its title, language and about 400
//! characters of its best-matching passage (Kartotek's snippet widened to
//! its passage; FTS5's `snippet()` for documents only FTS5 or Lucene found),
//! judged names that are not in the corpus, and at the end the count of
//! documents still to judge.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};

use kartotek::eval::{score, EvalFile, EvalQuery};
use kartotek::index::Index;
use kartotek::ingest::{self, source, Options, Silent};
use kartotek::search::query::Features;
use kartotek::search::{Hit, Request, Searcher};
use kartotek::taxonomy::Taxonomy;
use kartotek::Document;
use kartotek_bench::judged::{self, pool};
use kartotek_bench::lucene::{self, Config};
use kartotek_bench::sqlite::Sqlite;

/// Documents pooled per engine and query.
const DEPTH: usize = 10;
/// Bytes of passage shown per pooled document.
const EXCERPT: usize = 400;

fn name(url: &str) -> String {
    url.rsplit('/').next().unwrap_or(url).to_string()
}

fn bare_words(q: &str) -> Vec<String> {
    q.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn words(q: &str) -> Vec<String> {
    bare_words(q).iter().map(|w| format!("\"{w}\"")).collect()
}

fn fail(msg: String) -> ! {
    eprintln!("error: {msg}");
    std::process::exit(2)
}

struct Args {
    file: PathBuf,
    header: Option<PathBuf>,
    pool: Option<PathBuf>,
    fresh: bool,
    /// `--no-lucene`: leave Lucene out.
    no_lucene: bool,
}

fn args() -> Args {
    let mut a = Args {
        file: PathBuf::new(),
        header: None,
        pool: None,
        fresh: false,
        no_lucene: false,
    };
    let mut it = std::env::args().skip(1);
    let mut file = None;
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--pool" => {
                a.pool = Some(
                    it.next()
                        .unwrap_or_else(|| fail("--pool needs an output file (OUT.md)".into()))
                        .into(),
                )
            }
            "--header" => {
                a.header = Some(
                    it.next()
                        .unwrap_or_else(|| {
                            fail("--header needs a TOML file naming the corpus".into())
                        })
                        .into(),
                )
            }
            "--fresh" => a.fresh = true,
            "--no-lucene" => a.no_lucene = true,
            "-h" | "--help" => {
                println!("usage: measure_eval [--pool OUT.md] [--header HEADER.toml] [--fresh] [--no-lucene] FILE.toml");
                std::process::exit(0)
            }
            s if s.starts_with("--") => fail(format!("unknown option `{s}`; see --help")),
            _ => file = Some(PathBuf::from(arg)),
        }
    }
    a.file = file.unwrap_or_else(|| "tests/fixtures/eval/relevance.toml".into());
    a
}

fn read_eval(path: &Path) -> EvalFile {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| fail(format!("cannot read `{}`: {e}", path.display())));
    toml::from_str(&text).unwrap_or_else(|e| fail(format!("`{}`: {e}", path.display())))
}

/// The queries of `args.file` and the corpus entries, resolved against the
/// folder of the file that names them.
fn load(args: &Args) -> (Vec<EvalQuery>, bool, Vec<PathBuf>) {
    let file = read_eval(&args.file);
    let (corpus, from) = if !file.corpus.is_empty() {
        (file.corpus, args.file.clone())
    } else {
        let header = args
            .header
            .clone()
            .unwrap_or_else(|| kartotek_bench::repo_root().join("bench/eval/judged.toml"));
        let h = read_eval(&header);
        if h.corpus.is_empty() {
            fail(format!(
                "neither `{}` nor the header `{}` names a corpus; add `corpus = [...]` to one, or pass --header",
                args.file.display(),
                header.display()
            ));
        }
        (h.corpus, header)
    };
    if file.queries.is_empty() {
        fail(format!("`{}` has no [[query]] tables", args.file.display()));
    }
    let base = from.parent().unwrap_or(Path::new(".")).to_path_buf();
    let mut builtin = false;
    let mut paths = Vec::new();
    for entry in corpus {
        if entry == "builtin" {
            builtin = true;
        } else {
            let p = base.join(&entry);
            if !p.exists() {
                fail(format!(
                    "the corpus entry `{entry}` of `{}` does not exist ({}); for target/eval-corpus run `python3 scripts/eval-corpus.py`",
                    from.display(),
                    p.display()
                ));
            }
            paths.push(std::fs::canonicalize(&p).unwrap_or(p));
        }
    }
    (file.queries, builtin, paths)
}

/// A key for the corpus and this program's build: every file's path, size
/// and modification time.
fn corpus_key(builtin: bool, paths: &[PathBuf]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let stamp = |p: &Path, h: &mut std::collections::hash_map::DefaultHasher| {
        p.hash(h);
        if let Ok(m) = std::fs::metadata(p) {
            m.len().hash(h);
            if let Ok(t) = m.modified() {
                t.hash(h);
            }
        }
    };
    if let Ok(exe) = std::env::current_exe() {
        stamp(&exe, &mut h);
    }
    builtin.hash(&mut h);
    for p in paths {
        let mut files: Vec<PathBuf> = walkdir::WalkDir::new(p)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            .collect();
        files.sort();
        for f in files {
            stamp(&f, &mut h);
        }
    }
    h.finish()
}

fn ingest_into(dir: &Path, builtin: bool, paths: &[PathBuf]) -> Index {
    let index = Index::open_or_create(dir).expect("index");
    let mut jobs = Vec::new();
    if builtin {
        jobs.extend(source::builtin_jobs());
    }
    let args: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    jobs.extend(source::expand(&args));
    let started = std::time::Instant::now();
    let summary = ingest::run(
        &index,
        jobs,
        &Options::new(Taxonomy::builtin()),
        &mut Silent,
    )
    .expect("ingest");
    for f in &summary.failed {
        eprintln!("not indexed: {}: {}", f.source, f.reason);
    }
    eprintln!(
        "indexed {} documents in {:.0} s",
        summary.indexed,
        started.elapsed().as_secs_f64()
    );
    index.reload().expect("reload");
    index
}

/// The corpus' index: from `target/eval-index/KEY` when built before,
/// else built there (in a side folder, renamed when complete).
fn open_index(builtin: bool, paths: &[PathBuf], tmp: &Path, fresh: bool) -> Index {
    if fresh {
        return ingest_into(&tmp.join("index"), builtin, paths);
    }
    let root = kartotek_bench::repo_root().join("target/eval-index");
    let key = format!("{:016x}", corpus_key(builtin, paths));
    let dir = root.join(&key);
    if dir.join("complete").exists() {
        eprintln!("index: {} (cached)", dir.display());
        return Index::open_or_create(&dir).expect("cached index");
    }
    let side = root.join(format!("{key}.part{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&side);
    eprintln!(
        "indexing the corpus into {} (once per corpus and build)",
        dir.display()
    );
    drop(ingest_into(&side, builtin, paths));
    let _ = std::fs::write(side.join("complete"), "");
    if std::fs::rename(&side, &dir).is_err() {
        // another run finished first: use its index
        let _ = std::fs::remove_dir_all(&side);
    } else if let Ok(entries) = std::fs::read_dir(&root) {
        // indexes of other builds or corpora are stale
        for e in entries.flatten() {
            let n = e.file_name().to_string_lossy().to_string();
            if n != key && !n.contains(".part") {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
    Index::open_or_create(&dir).expect("index")
}

/// One engine's ranking of one query.
struct Ranked {
    names: Vec<String>,
    /// Kartotek's hits (snippets), when the engine is Kartotek.
    hits: Vec<Hit>,
}

fn main() {
    let args = args();
    let (queries, builtin, paths) = load(&args);
    let tmp = tempfile::tempdir().expect("tempdir");
    let index = open_index(builtin, &paths, tmp.path(), args.fresh);
    let docs: Vec<Document> = index
        .sources()
        .expect("sources")
        .into_iter()
        .filter_map(|(id, _)| index.get_document(&id).ok().flatten())
        .collect();
    let by_name: BTreeMap<String, usize> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| (name(&d.url), i))
        .collect();
    if by_name.len() < docs.len() {
        // judgements name documents by file name: two files with one name are one to a judge
        let mut seen = BTreeSet::new();
        let twice: BTreeSet<String> = docs
            .iter()
            .map(|d| name(&d.url))
            .filter(|n| !seen.insert(n.clone()))
            .collect();
        eprintln!(
            "warning: several documents share these names, judgements cannot tell them apart: {}",
            twice.into_iter().collect::<Vec<_>>().join(", ")
        );
    }
    let (sqlite, _) = Sqlite::build(&tmp.path().join("fts.db"), &docs).expect("sqlite");
    let searcher = Searcher::new(index.clone(), Taxonomy::builtin());
    let snippets = args.pool.is_some();
    let kartotek = |q: &str, f: Features| -> Ranked {
        let mut req = Request::new(q);
        req.features = f;
        req.facets = kartotek::facet::FacetSet::NONE;
        req.snippets = snippets;
        req.limit = DEPTH;
        let r = searcher.search(&req).expect("search");
        Ranked {
            names: r.hits.iter().map(|h| name(&h.url)).collect(),
            hits: r.hits,
        }
    };
    let fts_exprs = |q: &str| -> Vec<String> {
        let w = words(q);
        let mut v = vec![w.join(" ")];
        if w.len() > 1 {
            v.push(w.join(" OR "));
        }
        v
    };
    let fts = |q: &str| -> Ranked {
        let mut ranked = Vec::new();
        for expr in fts_exprs(q) {
            ranked = sqlite.ranked_docs(&expr, DEPTH).unwrap_or_else(|e| {
                eprintln!("fts5 `{expr}`: {e}");
                Vec::new()
            });
            if !ranked.is_empty() {
                break;
            }
        }
        Ranked {
            names: ranked.into_iter().map(|i| name(&docs[i].url)).collect(),
            hits: Vec::new(),
        }
    };
    // Lucene ranks every query up front, one JVM per configuration (a few
    // seconds each at this size); `--no-lucene` leaves it out
    let configs: &[Config] = if args.no_lucene {
        &[]
    } else {
        &[Config::Plain, Config::Tuned]
    };
    let lucene = lucene_ranks(configs, &docs, &queries, tmp.path());
    let mut engines = vec!["Kartotek", "BM25", "FTS5"];
    for (c, _) in &lucene {
        engines.push(match c {
            Config::Plain => "Lucene-plain",
            Config::Tuned => "Lucene-tuned",
        });
    }
    let run = |qi: usize, q: &str| -> Vec<Ranked> {
        let mut v = vec![
            kartotek(q, Features::ALL),
            kartotek(q, Features::NONE),
            fts(q),
        ];
        for (_, ranks) in &lucene {
            v.push(Ranked {
                names: ranks[qi].iter().map(|&i| name(&docs[i].url)).collect(),
                hits: Vec::new(),
            });
        }
        v
    };
    if let Some(out) = &args.pool {
        let mut md = String::new();
        let mut unjudged = 0;
        let mut distinct = BTreeSet::new();
        let mut open = 0;
        let mut unknown = Vec::new();
        md.push_str(&format!(
            "# Pool of `{}`\n\n{} queries, {} documents in the corpus. Per query: the top {DEPTH} of {} not yet in `relevant` or `nonrelevant`, best rank first.\n",
            args.file.display(),
            queries.len(),
            docs.len(),
            engines.join(", ")
        ));
        for (qi, q) in queries.iter().enumerate() {
            let runs = run(qi, &q.q);
            let named: Vec<(&str, &[String])> = engines
                .iter()
                .zip(&runs)
                .map(|(e, r)| (*e, r.names.as_slice()))
                .collect();
            let pooled = pool(&named, DEPTH, |n| {
                q.relevant.contains_key(n) || q.nonrelevant.iter().any(|x| x == n)
            });
            md.push_str(&format!(
                "\n## {}. `{}` — {}{}\n\n",
                qi + 1,
                q.q,
                q.kind,
                q.split
                    .as_deref()
                    .map(|s| format!(", {s}"))
                    .unwrap_or_default()
            ));
            let rel: Vec<String> = q
                .relevant
                .iter()
                .map(|(n, g)| format!("{n} ({g})"))
                .collect();
            md.push_str(&format!(
                "Judged: relevant {}; not relevant {}.\n",
                if rel.is_empty() {
                    "none".into()
                } else {
                    rel.join(", ")
                },
                q.nonrelevant.len()
            ));
            if let Some(note) = &q.note {
                md.push_str(&format!("Note: {note}\n"));
            }
            let missing: Vec<&String> = q
                .relevant
                .keys()
                .chain(&q.nonrelevant)
                .filter(|n| !by_name.contains_key(*n))
                .collect();
            if !missing.is_empty() {
                let m: Vec<String> = missing.iter().map(|n| format!("`{n}`")).collect();
                md.push_str(&format!(
                    "**Not in the corpus** (misspelt?): {}\n",
                    m.join(", ")
                ));
                unknown.push((qi + 1, m.join(", ")));
            }
            for (e, r) in engines.iter().zip(&runs) {
                let found: Vec<String> = r
                    .names
                    .iter()
                    .map(|n| match q.relevant.get(n) {
                        Some(g) => format!("{n}={g}"),
                        None if q.nonrelevant.contains(n) => format!("{n}=0"),
                        None => format!("{n}=?"),
                    })
                    .collect();
                md.push_str(&format!(
                    "- {e}: {}\n",
                    if found.is_empty() {
                        "nothing".into()
                    } else {
                        found.join(" ")
                    }
                ));
            }
            md.push_str(&format!("\n**{} unjudged**\n", pooled.len()));
            if !pooled.is_empty() {
                open += 1;
            }
            for (pi, p) in pooled.iter().enumerate() {
                unjudged += 1;
                distinct.insert(p.name.clone());
                let ranks: Vec<String> = engines
                    .iter()
                    .map(|e| match p.ranks.iter().find(|r| r.0 == *e) {
                        Some((_, r)) => format!("{e} #{r}"),
                        None => format!("{e} –"),
                    })
                    .collect();
                let doc = by_name.get(&p.name).map(|&i| &docs[i]);
                let (title, lang) = doc
                    .map(|d| (d.title.clone(), d.lang.code().to_string()))
                    .unwrap_or_default();
                let excerpt = doc
                    .map(|d| {
                        excerpt(
                            d,
                            &p.name,
                            &runs,
                            |expr| {
                                by_name
                                    .get(&p.name)
                                    .and_then(|&i| sqlite.snippet(expr, i, 64).ok().flatten())
                            },
                            &fts_exprs(&q.q),
                            &bare_words(&q.q),
                        )
                    })
                    .unwrap_or_default();
                md.push_str(&format!(
                    "\n{}. **{}** · {} · {lang} · {}\n\n   > {}\n",
                    pi + 1,
                    p.name,
                    ranks.join(", "),
                    title.replace('\n', " "),
                    excerpt
                ));
            }
        }
        md.push_str(&format!(
            "\n---\n\n**{unjudged} unjudged documents** ({} distinct) in {open} of {} queries.\n",
            distinct.len(),
            queries.len()
        ));
        if !unknown.is_empty() {
            md.push_str("\nNames not in the corpus:\n");
            for (i, m) in &unknown {
                md.push_str(&format!("- query {i}: {m}\n"));
            }
        }
        let mut f = std::fs::File::create(out)
            .unwrap_or_else(|e| fail(format!("cannot write `{}`: {e}", out.display())));
        f.write_all(md.as_bytes()).expect("write pool");
        println!(
            "{}: {unjudged} unjudged documents ({} distinct) in {open} of {} queries{}",
            out.display(),
            distinct.len(),
            queries.len(),
            if unknown.is_empty() {
                String::new()
            } else {
                format!(
                    "; {} queries name documents not in the corpus",
                    unknown.len()
                )
            }
        );
        return;
    }

    // type (with split) → nDCG@10 per engine per query
    let mut by_type: BTreeMap<String, Vec<Vec<f64>>> = BTreeMap::new();
    let mut all = Vec::new();
    for (qi, q) in queries.iter().enumerate() {
        let kind = match &q.split {
            Some(s) => format!("{}/{s}", q.kind),
            None => q.kind.clone(),
        };
        let n: Vec<f64> = run(qi, &q.q)
            .iter()
            .map(|r| score(&r.names, &q.relevant).ndcg)
            .collect();
        let cells: Vec<String> = n.iter().map(|x| format!("{x:.4}")).collect();
        println!("  {kind:<16} {}  {}", cells.join(" / "), q.q);
        by_type.entry(kind).or_default().push(n.clone());
        all.push(n);
    }
    let has_lucene = lucene.len() == 2;
    let mean = |v: &[Vec<f64>], i: usize| v.iter().map(|x| x[i]).sum::<f64>() / v.len() as f64;
    println!();
    println!("| type | queries | nDCG@10 Kartotek | plain BM25 | SQLite FTS5 | Lucene plain | Lucene tuned | Kartotek / FTS5 | Kartotek / Lucene tuned |");
    println!("|---|---|---|---|---|---|---|---|---|");
    let row = |label: &str, v: &[Vec<f64>]| {
        let k = mean(v, 0);
        let cell = |i: usize| {
            if i < 3 || has_lucene {
                format!("{:.3}", mean(v, i))
            } else {
                "–".into()
            }
        };
        let ratio = |i: usize| {
            let x = if i < 3 || has_lucene { mean(v, i) } else { 0.0 };
            if x > 0.0 {
                format!("{:.2}×", k / x)
            } else {
                "–".into()
            }
        };
        println!(
            "| {label} | {} | {k:.3} | {} | {} | {} | {} | {} | {} |",
            v.len(),
            cell(1),
            cell(2),
            cell(3),
            cell(4),
            ratio(2),
            ratio(4)
        );
    };
    for (kind, v) in &by_type {
        row(kind, v);
    }
    let test: Vec<Vec<f64>> = queries
        .iter()
        .zip(&all)
        .filter(|(q, _)| q.split.as_deref() == Some("test"))
        .map(|(_, n)| n.clone())
        .collect();
    if !test.is_empty() {
        row("**all test**", &test);
    }
    row("**all**", &all);
}

/// Each configuration's ranking of every query (document numbers in
/// `docs`), or nothing, said in one line, when the harness is not built,
/// Java is missing or the harness fails.
fn lucene_ranks(
    configs: &[Config],
    docs: &[Document],
    queries: &[EvalQuery],
    tmp: &Path,
) -> Vec<(Config, Vec<Vec<usize>>)> {
    if configs.is_empty() {
        return Vec::new();
    }
    if !lucene::harness_built() {
        eprintln!("Lucene: the harness is not built (`scripts/bench-lucene.sh build`); its columns are left out");
        return Vec::new();
    }
    let passages = tmp.join("passages.tsv");
    if let Err(e) = lucene::write_passages(&passages, docs) {
        eprintln!("Lucene: {e}; its columns are left out");
        return Vec::new();
    }
    let texts: Vec<String> = queries.iter().map(|q| q.q.clone()).collect();
    let mut out = Vec::new();
    for &c in configs {
        let started = std::time::Instant::now();
        match lucene::rank(
            c,
            &passages,
            &texts,
            &tmp.join(format!("lucene-{}", c.as_str())),
            DEPTH,
        ) {
            Ok(Some(r)) => {
                eprintln!(
                    "Lucene {}: {:.0} s",
                    c.as_str(),
                    started.elapsed().as_secs_f64()
                );
                out.push((c, r));
            }
            Ok(None) => {
                eprintln!("Lucene: no Java 21+ or no built harness (`scripts/bench-lucene.sh build`); its columns are left out");
                return Vec::new();
            }
            Err(e) => {
                eprintln!("Lucene: {e}; its columns are left out");
                return Vec::new();
            }
        }
    }
    out
}

/// About [`EXCERPT`] bytes of the passage of `doc` that matched best:
/// Kartotek's snippet widened to its passage, else FTS5's snippet (the
/// first of `exprs` that matches), else the passage with the most query
/// words by their first letters ([`judged::guess_excerpt`]).
fn excerpt(
    doc: &Document,
    name: &str,
    runs: &[Ranked],
    fts_snippet: impl Fn(&str) -> Option<String>,
    exprs: &[String],
    query_words: &[String],
) -> String {
    for r in runs {
        if let Some(h) = r.hits.iter().find(|h| self::name(&h.url) == name) {
            if h.snippet.is_empty() {
                continue;
            }
            for p in &doc.passages {
                if let Some(w) = judged::widen(&p.text, &h.snippet.text, &h.snippet.marks, EXCERPT)
                {
                    return w;
                }
            }
            return judged::bold(&h.snippet.text, &h.snippet.marks);
        }
    }
    for expr in exprs {
        if let Some(s) = fts_snippet(expr) {
            return judged::collapse(&s);
        }
    }
    let passages: Vec<&str> = doc.passages.iter().map(|p| p.text.as_str()).collect();
    judged::guess_excerpt(&passages, query_words, EXCERPT)
}
