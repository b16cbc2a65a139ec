//! Search evaluation: a file of queries with graded relevant documents is run
//! against a fresh index of the corpus it names, once with every forgiving
//! feature and once as plain BM25 (no folding, fuzziness, expansion or OCR
//! matching), and scored with nDCG@10, MRR@10 and recall@10.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::index::Index;
use crate::ingest::{self, source, Options, Silent};
use crate::search::query::Features;
use crate::search::{Request, Searcher};
use crate::taxonomy::Taxonomy;

/// Rank cut-off of every metric.
pub(crate) const K: usize = 10;

/// The evaluation file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvalFile {
    /// What to index, relative to the file; `builtin` = the built-in corpus.
    /// May be left out in a file of queries that is read with a header
    /// naming the corpus (the judged set's pool tool); `kartotek eval` needs it.
    #[serde(default)]
    pub corpus: Vec<String>,
    /// The queries (none in a header).
    #[serde(rename = "query", default)]
    pub queries: Vec<EvalQuery>,
}

/// One judged query.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvalQuery {
    /// Query text.
    pub q: String,
    /// Query type (language or forgiving feature) for the breakdown.
    #[serde(rename = "type")]
    pub kind: String,
    /// Document name (end of its URL) → grade (1 or 2).
    pub relevant: BTreeMap<String, u32>,
    /// `dev` (may be looked at while tuning) or `test` (report only); the
    /// breakdown reports each type per split (`compound/test`).
    #[serde(default)]
    pub split: Option<String>,
    /// Pooled documents judged not relevant (grade 0): the record of the
    /// judging, so a pool shows only what is still unjudged. Not scored.
    #[serde(default)]
    pub nonrelevant: Vec<String>,
    /// The writer's note on the query (why these grades). Not scored.
    #[serde(default)]
    pub note: Option<String>,
}

/// Scores of one system on one query.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq)]
pub struct Scores {
    /// nDCG@10 with gain 2^grade − 1.
    pub ndcg: f64,
    /// Reciprocal rank of the first relevant document (0 past rank 10).
    pub mrr: f64,
    /// Share of relevant documents in the top 10.
    pub recall: f64,
}

impl Scores {
    fn mean(all: &[Scores]) -> Scores {
        let n = all.len().max(1) as f64;
        Scores {
            ndcg: all.iter().map(|s| s.ndcg).sum::<f64>() / n,
            mrr: all.iter().map(|s| s.mrr).sum::<f64>() / n,
            recall: all.iter().map(|s| s.recall).sum::<f64>() / n,
        }
    }
}

/// One query's result for both systems.
#[derive(Debug, Clone, Serialize)]
pub struct QueryResult {
    /// The query.
    pub q: String,
    /// Its type.
    pub kind: String,
    /// Kartotek with every feature.
    pub kartotek: Scores,
    /// Plain BM25.
    pub baseline: Scores,
}

/// The whole evaluation.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Per query.
    pub queries: Vec<QueryResult>,
    /// Means per type: `(type, queries, kartotek, baseline)`.
    pub by_type: Vec<(String, usize, Scores, Scores)>,
    /// Means over all queries.
    pub overall: (Scores, Scores),
}

/// Score a ranked list of document names against judgements.
pub fn score(ranked: &[String], relevant: &BTreeMap<String, u32>) -> Scores {
    let gain = |g: u32| (2f64.powi(g as i32)) - 1.0;
    let dcg: f64 = ranked
        .iter()
        .take(K)
        .enumerate()
        .map(|(i, d)| gain(*relevant.get(d).unwrap_or(&0)) / ((i + 2) as f64).log2())
        .sum();
    let mut ideal: Vec<u32> = relevant.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(K)
        .enumerate()
        .map(|(i, g)| gain(*g) / ((i + 2) as f64).log2())
        .sum();
    let first = ranked
        .iter()
        .take(K)
        .position(|d| relevant.get(d).is_some_and(|g| *g > 0));
    let n_rel = relevant.values().filter(|g| **g > 0).count();
    let found = ranked
        .iter()
        .take(K)
        .filter(|d| relevant.get(*d).is_some_and(|g| *g > 0))
        .count();
    Scores {
        ndcg: if idcg > 0.0 { dcg / idcg } else { 0.0 },
        mrr: first.map(|i| 1.0 / (i + 1) as f64).unwrap_or(0.0),
        recall: if n_rel > 0 {
            found as f64 / n_rel as f64
        } else {
            0.0
        },
    }
}

/// Load an evaluation file, index its corpus in a temporary folder, run it.
pub fn run(path: &Path) -> Result<Report> {
    run_on(path, None)
}

/// [`run`], searching an OpenSearch cluster when `cluster` is given: the
/// corpus is read once into a temporary embedded index, copied into a
/// fresh index of its own on the cluster (`ALIAS-eval-PID`), searched
/// there, and that index dropped afterwards.
pub fn run_on(path: &Path, cluster: Option<&crate::opensearch::Config>) -> Result<Report> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let file: EvalFile = toml::from_str(&text)
        .map_err(|e| Error::Usage(format!("`{}`: {}", path.display(), e.message())))?;
    if file.corpus.is_empty() {
        return Err(Error::Usage(format!(
            "`{}` names no corpus\nhint: add a line such as `corpus = [\"builtin\"]` (paths relative to the file)",
            path.display()
        )));
    }
    if file.queries.is_empty() {
        return Err(Error::Usage(format!(
            "`{}` has no queries\nhint: add `[[query]]` tables with `q`, `type` and `relevant`",
            path.display()
        )));
    }
    let base = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let dir = tempdir()?;
    let index = Index::open_or_create(&dir)?;
    let mut jobs = Vec::new();
    let mut args = Vec::new();
    for entry in &file.corpus {
        if entry == "builtin" {
            jobs.extend(source::builtin_jobs());
        } else {
            args.push(base.join(entry).display().to_string());
        }
    }
    jobs.extend(source::expand(&args));
    let summary = ingest::run(
        &index,
        jobs,
        &Options::new(Taxonomy::builtin()),
        &mut Silent,
    )?;
    if let Some(f) = summary.failed.first() {
        return Err(Error::Usage(format!(
            "the evaluation corpus did not index: {}: {}",
            f.source, f.reason
        )));
    }
    let mut on_cluster = None;
    let searcher = match cluster {
        None => Searcher::new(index, Taxonomy::builtin()),
        Some(config) => {
            let mut config = config.clone();
            config.alias = format!("{}-eval-{}", config.alias, std::process::id());
            let c = crate::opensearch::Cluster::connect(&config)?;
            on_cluster = Some(c.clone());
            let mut w = crate::store::DocStore::open_writer(&c, 0)?;
            for (id, _) in index.sources()? {
                if let Some(doc) = index.get_document(&id)? {
                    w.upsert(&doc)?;
                }
            }
            w.commit()?;
            Searcher::opensearch(c, Taxonomy::builtin())
        }
    };
    let ranked = |q: &str, features: Features| -> Result<Vec<String>> {
        let mut req = Request::new(q);
        req.features = features;
        req.facets = crate::facet::FacetSet::NONE;
        req.snippets = false;
        let r = searcher.search(&req)?;
        Ok(r.hits
            .iter()
            .map(|h| h.url.rsplit('/').next().unwrap_or(&h.url).to_string())
            .collect())
    };
    let mut queries = Vec::new();
    for q in &file.queries {
        queries.push(QueryResult {
            q: q.q.clone(),
            kind: match &q.split {
                Some(split) => format!("{}/{split}", q.kind),
                None => q.kind.clone(),
            },
            kartotek: score(&ranked(&q.q, Features::ALL)?, &q.relevant),
            baseline: score(&ranked(&q.q, Features::NONE)?, &q.relevant),
        });
    }
    let _ = std::fs::remove_dir_all(&dir);
    if let Some(c) = on_cluster {
        c.drop_index()?;
    }
    let mut kinds: Vec<String> = Vec::new();
    for q in &queries {
        if !kinds.contains(&q.kind) {
            kinds.push(q.kind.clone());
        }
    }
    let by_type = kinds
        .into_iter()
        .map(|k| {
            let of: Vec<&QueryResult> = queries.iter().filter(|q| q.kind == k).collect();
            let a: Vec<Scores> = of.iter().map(|q| q.kartotek).collect();
            let b: Vec<Scores> = of.iter().map(|q| q.baseline).collect();
            (k, of.len(), Scores::mean(&a), Scores::mean(&b))
        })
        .collect();
    let a: Vec<Scores> = queries.iter().map(|q| q.kartotek).collect();
    let b: Vec<Scores> = queries.iter().map(|q| q.baseline).collect();
    Ok(Report {
        overall: (Scores::mean(&a), Scores::mean(&b)),
        by_type,
        queries,
    })
}

fn tempdir() -> Result<PathBuf> {
    let dir =
        std::env::temp_dir().join(format!("kartotek-eval-{}-{}", std::process::id(), nanos()));
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    Ok(dir)
}

fn nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

/// The report as a Markdown table.
pub(crate) fn render(r: &Report) -> String {
    let mut s = String::from("| queries | type | nDCG@10 Kartotek | nDCG@10 BM25 | ratio | MRR Kartotek | MRR BM25 | recall@10 Kartotek | recall@10 BM25 |\n|---|---|---|---|---|---|---|---|---|\n");
    let row = |s: &mut String, n: usize, k: &str, a: &Scores, b: &Scores| {
        let ratio = if b.ndcg > 0.0 {
            format!("{:.2}×", a.ndcg / b.ndcg)
        } else {
            "∞".into()
        };
        s.push_str(&format!(
            "| {n} | {k} | {:.3} | {:.3} | {ratio} | {:.3} | {:.3} | {:.3} | {:.3} |\n",
            a.ndcg, b.ndcg, a.mrr, b.mrr, a.recall, b.recall
        ));
    };
    for (k, n, a, b) in &r.by_type {
        row(&mut s, *n, k, a, b);
    }
    row(
        &mut s,
        r.queries.len(),
        "**all**",
        &r.overall.0,
        &r.overall.1,
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_ranking_scores_one_and_misses_score_zero() {
        let rel: BTreeMap<String, u32> = [("a".to_string(), 2), ("b".to_string(), 1)].into();
        let s = score(&["a".into(), "b".into()], &rel);
        assert!((s.ndcg - 1.0).abs() < 1e-9 && s.mrr == 1.0 && s.recall == 1.0);
        let s = score(&["x".into(), "b".into()], &rel);
        assert!(s.ndcg < 1.0 && s.mrr == 0.5 && s.recall == 0.5);
        assert_eq!(score(&[], &rel), Scores::default());
    }

    #[test]
    fn judging_notes_and_nonrelevant_documents_are_read_and_not_scored() {
        let file: EvalFile = toml::from_str(
            r#"
corpus = ["builtin"]
[[query]]
q = "kystturisme"
type = "compound"
split = "dev"
relevant = { "a.html" = 2 }
nonrelevant = ["b.html"]
note = "b is about inland tourism"
"#,
        )
        .unwrap();
        let q = &file.queries[0];
        assert_eq!(q.nonrelevant, vec!["b.html".to_string()]);
        assert_eq!(q.note.as_deref(), Some("b is about inland tourism"));
        let s = score(&["b.html".into(), "a.html".into()], &q.relevant);
        assert!(s.mrr == 0.5);
        // a header: the corpus and no queries
        let header: EvalFile = toml::from_str("corpus = [\"builtin\"]").unwrap();
        assert!(header.queries.is_empty());
        let queries: EvalFile =
            toml::from_str("[[query]]\nq = \"x\"\ntype = \"literal\"\nrelevant = {}").unwrap();
        assert!(queries.corpus.is_empty());
    }
}
