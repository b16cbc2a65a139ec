//! A [`Plan`] as an OpenSearch search body, and the answer as [`Found`].
//!
//! Each plan node has its Lucene twin: a word's dis-max is `dis_max` with
//! the same tie breaker, a term `term`, a phrase `match_phrase` over the
//! tokens (the field's analyzer is `whitespace`), a typo neighbourhood
//! `fuzzy` with transpositions and a constant score. Passages are grouped
//! into documents by `collapse` on the document id, each ranked by its
//! best passage; were there a bonus for the number of passages matched
//! ([`crate::plan::PASSAGE_COUNTS_SCORE`]), those of the page's documents
//! would come from one request more ([`counts_body`]), and the document
//! score from both as on the embedded engine
//! ([`crate::plan::document_score`]). Filters are a `post_filter`, so the
//! facet aggregations can each leave out their own facet's filter
//! (disjunctive counts); documents are counted per facet value with a
//! `cardinality` of the document id (exact up to 40,000 documents per
//! value, an estimate within a few percent beyond), in a request after the
//! search that sizes it to the documents found ([`facets_body`]).

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use super::mapping::{ID, STORED};
use crate::facet::Facet;
use crate::plan::{
    document_score, Clause, FacetCounts, Found, FoundDoc, Node, Occur, Plan, Sort, StoredPassage,
};

/// Documents fetched per page beyond the ones wanted, at first: documents
/// of equal scores at the page's edge are ordered by key among all those
/// fetched, as the embedded engine orders them; with a bonus for other
/// passages ([`crate::plan::PASSAGE_COUNTS_SCORE`]) the final order also
/// adds it, so a document below the page may move into it, and when the
/// bonus could lift one from beyond those fetched ([`complete`]), more are
/// fetched.
pub(crate) const EXTRA_CANDIDATES: usize = 20;
/// Most documents fetched for one page.
pub(crate) const MAX_CANDIDATES: usize = 10_000;
/// `cardinality` counts exactly below this many documents.
pub(crate) const PRECISION: u32 = 40_000;
/// Most values counted per facet.
pub(crate) const MAX_FACET_VALUES: usize = 10_000;

/// The query DSL of a plan node.
pub(crate) fn node(n: &Node) -> Value {
    match n {
        Node::Nothing => json!({ "match_none": {} }),
        Node::Word {
            alternatives,
            tie_breaker,
        } => json!({ "dis_max": {
            "queries": alternatives.iter().map(clause).collect::<Vec<_>>(),
            "tie_breaker": tie_breaker,
        }}),
        Node::DisMax { nodes, tie_breaker } => {
            if nodes.is_empty() {
                return json!({ "match_none": {} });
            }
            json!({ "dis_max": {
                "queries": nodes.iter().map(node).collect::<Vec<_>>(),
                "tie_breaker": tie_breaker,
            }})
        }
        // a weight function of `add` for every match, added to the score
        Node::Plus { node: n, add } => json!({ "function_score": {
            "query": node(n),
            "functions": [{ "weight": add }],
            "score_mode": "sum",
            "boost_mode": "sum",
        }}),
        Node::Bool(clauses) => {
            let mut must = Vec::new();
            let mut should = Vec::new();
            let mut must_not = Vec::new();
            for (o, n) in clauses {
                match o {
                    Occur::Must => must.push(node(n)),
                    Occur::Should => should.push(node(n)),
                    Occur::MustNot => must_not.push(node(n)),
                }
            }
            if must.is_empty() && should.is_empty() {
                // Lucene would read a bool of exclusions as "everything
                // but"; the embedded engine matches nothing
                return json!({ "match_none": {} });
            }
            json!({ "bool": { "must": must, "should": should, "must_not": must_not } })
        }
    }
}

fn clause(c: &Clause) -> Value {
    match c {
        Clause::Term { field, term, boost } => {
            json!({ "term": { field: { "value": term, "boost": boost } } })
        }
        Clause::Phrase {
            field,
            terms,
            boost,
        } => {
            let text: Vec<&str> = terms.iter().map(|(_, t)| t.as_str()).collect();
            json!({ "match_phrase": { field: {
                "query": text.join(" "), "analyzer": "whitespace", "boost": boost
            } } })
        }
        Clause::Terms {
            field,
            terms,
            boost,
        } => {
            // scores add up, as the embedded engine's boolean `OR`
            let should: Vec<Value> = terms
                .iter()
                .map(|t| json!({ "term": { field: { "value": t } } }))
                .collect();
            json!({ "bool": { "should": should, "boost": boost } })
        }
        Clause::Facet { facet, path, boost } => json!({ "constant_score": {
            "filter": { "term": { facet.name(): path } },
            "boost": boost,
        } }),
        Clause::Fuzzy {
            field,
            term,
            distance,
            boost,
        } => json!({ "fuzzy": { field: {
            "value": term,
            "fuzziness": distance,
            "transpositions": true,
            "prefix_length": 0,
            "max_expansions": 10_000,
            "rewrite": "constant_score",
            "boost": boost,
        } } }),
        Clause::Prefix {
            field,
            prefix,
            boost,
        } => json!({ "prefix": { field: {
            "value": prefix,
            "rewrite": "constant_score",
            "boost": boost,
        } } }),
    }
}

/// The filter of every facet but `skip`, and of the date range (`None`: no
/// filter at all).
fn filter(plan: &Plan, skip: Option<Facet>) -> Option<Value> {
    let mut parts: Vec<Value> = plan
        .filters
        .iter()
        .filter(|(f, paths)| Some(**f) != skip && !paths.is_empty())
        .map(|(f, paths)| json!({ "terms": { f.name(): paths } }))
        .collect();
    if plan.from.is_some() || plan.to.is_some() {
        let mut range = Map::new();
        if let Some(from) = plan.from {
            range.insert("gte".into(), json!(from));
        }
        if let Some(to) = plan.to {
            range.insert("lte".into(), json!(to));
        }
        parts.push(json!({ "range": { super::mapping::DATE: range } }));
    }
    (!parts.is_empty()).then(|| json!({ "bool": { "filter": parts } }))
}

/// The documents of a bucket, counted exactly up to `threshold` (a
/// `cardinality` of the document id; its cost grows with the threshold).
fn documents(threshold: u64) -> Value {
    json!({ "cardinality": { "field": ID, "precision_threshold": threshold.clamp(1, u64::from(PRECISION)) } })
}

/// The search body for `plan` with `text` as the query, fetching `extra`
/// documents beyond the page.
pub(crate) fn body(plan: &Plan, text: Option<&Node>, extra: usize) -> Value {
    let mut query = text.map(node).unwrap_or_else(|| json!({ "match_all": {} }));
    if plan.top > 0 && !plan.explain.is_empty() {
        // the clauses to explain hits with, each named: the answer lists
        // for each hit the names its passage matches (`matched_queries`).
        // At no weight and optional beside the query, they change neither
        // what matches nor a score.
        let named: Vec<Value> = plan
            .explain
            .iter()
            .enumerate()
            .map(|(i, c)| {
                json!({ "constant_score": {
                    "filter": clause(c), "boost": 0.0, "_name": format!("{EXPLAINED}{i}"),
                } })
            })
            .collect();
        query = json!({ "bool": { "must": [query], "should": named } });
    }
    let all = filter(plan, None).unwrap_or_else(|| json!({ "match_all": {} }));
    let mut aggs = Map::new();
    aggs.insert(
        "total".into(),
        json!({ "filter": all, "aggs": { "docs": documents(u64::from(PRECISION)) } }),
    );
    if !plan.facets.is_empty() {
        // the documents matching with no filter: at least each facet value's
        aggs.insert("bound".into(), documents(u64::from(PRECISION)));
    }
    if plan.top > 0 && plan.sort == Sort::Relevance && crate::plan::PASSAGE_COUNTS_SCORE {
        // the most passages a matching document can have matching (see `complete`)
        aggs.insert(
            "last_passage".into(),
            json!({ "max": { "field": super::mapping::PASSAGE } }),
        );
    }
    let mut b = json!({
        "size": plan.top + if plan.top > 0 { extra } else { 0 },
        "track_total_hits": false,
        "query": query,
        "_source": [STORED],
        "aggs": aggs,
    });
    if plan.top > 0 {
        // a document's first passage stands for it among equals, as on the embedded engine
        b["sort"] = match plan.sort {
            Sort::Relevance => json!([{ "_score": "desc" }, { super::mapping::PASSAGE: "asc" }]),
            // newest first, undated last; a document's passages share its date
            Sort::Date => json!([
                { super::mapping::DATE: { "order": "desc", "missing": "_last" } },
                { "_score": "desc" },
                { super::mapping::PASSAGE: "asc" },
            ]),
        };
        // how many passages of each matched: `counts_body`, one request for the page
        b["collapse"] = json!({ "field": ID });
    }
    if let Some(f) = filter(plan, None) {
        b["post_filter"] = f;
    }
    b
}

/// The documents every facet value counts, at most: those `text` matches
/// with no filter (see [`body`]).
pub(crate) fn facet_bound(resp: &Value) -> u64 {
    resp["aggregations"]["bound"]["value"]
        .as_u64()
        .unwrap_or(u64::from(PRECISION))
}

/// The search body counting, for `plan`'s facets, the documents each value
/// has among those `text` matches, `bound` at most (from [`facet_bound`]).
/// A request of its own after the search: a `cardinality` sets aside
/// memory for as many values as it counts exactly in every bucket, so
/// sized to what the search found it costs a fraction of one sized for
/// any search (at 10,000 passages and 1,000 documents, a tenth).
pub(crate) fn facets_body(plan: &Plan, text: Option<&Node>, bound: u64) -> Value {
    let query = text.map(node).unwrap_or_else(|| json!({ "match_all": {} }));
    // (a margin over the estimate, which is exact this far below the
    // precision)
    let threshold = bound.saturating_add(bound / 8 + 16);
    let mut aggs = Map::new();
    for f in plan.facets.iter() {
        let skip = plan.disjunctive.contains(&f).then_some(f);
        let scope = filter(plan, skip).unwrap_or_else(|| json!({ "match_all": {} }));
        aggs.insert(
            format!("facet_{}", f.name()),
            json!({ "filter": scope, "aggs": { "values": {
                "terms": { "field": f.name(), "size": MAX_FACET_VALUES },
                "aggs": { "docs": documents(threshold) },
            } } }),
        );
    }
    json!({
        "size": 0,
        "track_total_hits": false,
        "query": query,
        "aggs": aggs,
    })
}

/// True when the documents `resp` fetched (`extra` beyond the page) hold
/// every one that can rank on the page: those not fetched have no better
/// passage than the last one fetched, and at most as many matching passages
/// as the highest passage number matched plus one, so their score is at
/// most that passage's score with that many passages' bonus; when that is
/// below the page's last score they cannot enter it. Date order needs no
/// check (the bonus orders only documents of the same date, fetched alike).
pub(crate) fn complete(plan: &Plan, resp: &Value, extra: usize) -> bool {
    let hits = resp["hits"]["hits"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    if plan.sort != Sort::Relevance || plan.top == 0 || hits.len() < plan.top + extra {
        return true;
    }
    let Some(last) = hits.last().and_then(|h| h["_score"].as_f64()) else {
        return true;
    };
    let most = resp["aggregations"]["last_passage"]["value"]
        .as_f64()
        .map_or(1, |p| p as u32 + 1);
    let bound = document_score(last as f32, most);
    let mut scores: Vec<f32> = hits
        .iter()
        .map(|h| document_score(h["_score"].as_f64().unwrap_or(0.0) as f32, passages(h)))
        .collect();
    scores.sort_by(|a, b| b.total_cmp(a));
    scores
        .get(plan.top - 1)
        .is_some_and(|page_last| bound < *page_last)
}

/// Field set on each hit with the number of its document's passages that
/// matched ([`counts_body`], or `inner_hits` where a body asks for them).
pub(crate) const MATCHED: &str = "_matched_passages";

/// How many of its document's passages matched, for hit `h` (at least 1).
fn passages(h: &Value) -> u32 {
    h[MATCHED]
        .as_u64()
        .or_else(|| h["inner_hits"]["passages"]["hits"]["total"]["value"].as_u64())
        .unwrap_or(1)
        .max(1) as u32
}

/// The search body counting, per document of `ids`, the passages `text`
/// matches: one pass over those documents' passages (the filters are a
/// document's, so every passage of a document shares them), where
/// `collapse`'s `inner_hits` would run the query again per document.
pub(crate) fn counts_body(text: Option<&Node>, ids: &[String]) -> Value {
    let query = text.map(node).unwrap_or_else(|| json!({ "match_all": {} }));
    json!({
        "size": 0,
        "track_total_hits": false,
        "query": { "bool": { "filter": [query, { "terms": { ID: ids } }] } },
        "aggs": { "docs": { "terms": { "field": ID, "size": ids.len().max(1) } } },
    })
}

/// Write the counts of a [`counts_body`] answer into the hits of `resp`.
pub(crate) fn set_counts(resp: &mut Value, counts: &Value) {
    let mut by_id = HashMap::new();
    for b in counts["aggregations"]["docs"]["buckets"]
        .as_array()
        .into_iter()
        .flatten()
    {
        if let (Some(k), Some(n)) = (b["key"].as_str(), b["doc_count"].as_u64()) {
            by_id.insert(k.to_string(), n);
        }
    }
    for h in resp["hits"]["hits"].as_array_mut().into_iter().flatten() {
        let id = h["_source"][STORED]["id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if let Some(n) = by_id.get(&id) {
            h[MATCHED] = json!(n);
        }
    }
}

/// The name of the explained clause `i` in a search body is this and `i`.
const EXPLAINED: &str = "kartotek_explain_";

/// Which of the plan's clauses to explain (by index) hit `h`'s passage
/// matches, from the names the answer lists (see [`body`]); a name that is
/// not one of them is passed over.
fn matched(h: &Value, clauses: usize) -> Vec<usize> {
    // a list of names, or (with their scores asked for) an object by name
    let names: Vec<&str> = match &h["matched_queries"] {
        Value::Array(names) => names.iter().filter_map(Value::as_str).collect(),
        Value::Object(by_name) => by_name.keys().map(String::as_str).collect(),
        _ => Vec::new(),
    };
    let mut out: Vec<usize> = names
        .into_iter()
        .filter_map(|n| n.strip_prefix(EXPLAINED)?.parse().ok())
        .filter(|&i| i < clauses)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The documents matched by the total aggregation.
pub(crate) fn total(resp: &Value) -> u64 {
    resp["aggregations"]["total"]["docs"]["value"]
        .as_u64()
        .unwrap_or(0)
}

/// What a search answer found.
pub(crate) fn found(plan: &Plan, resp: &Value) -> Found {
    let mut top: Vec<(u64, FoundDoc)> = Vec::new();
    for h in resp["hits"]["hits"].as_array().into_iter().flatten() {
        let best = h["_score"].as_f64().unwrap_or(0.0) as f32;
        let passages = passages(h);
        let stored = stored(&h["_source"][STORED]);
        // a hit that is none of Kartotek's passages (no id), or a document
        // listed again (its passages collapsed to one by the request), is
        // not shown
        if stored.id.is_empty() {
            continue;
        }
        let key = crate::index::schema::doc_key(&stored.id);
        if top.iter().any(|(k, _)| *k == key) {
            continue;
        }
        top.push((
            key,
            FoundDoc {
                score: document_score(best, passages),
                best: stored,
                matched: matched(h, plan.explain.len()),
            },
        ));
    }
    // best first (or newest first, undated last), ties by key as on the
    // embedded engine
    match plan.sort {
        Sort::Relevance => top.sort_by(|a, b| b.1.score.total_cmp(&a.1.score).then(a.0.cmp(&b.0))),
        Sort::Date => top.sort_by(|a, b| {
            let date = |d: &FoundDoc| d.best.date.unwrap_or(0);
            date(&b.1)
                .cmp(&date(&a.1))
                .then(b.1.score.total_cmp(&a.1.score))
                .then(a.0.cmp(&b.0))
        }),
    }
    top.truncate(plan.top);
    let facets = (!plan.facets.is_empty()).then(|| {
        let mut counts: FacetCounts = Default::default();
        for f in plan.facets.iter() {
            let buckets = &resp["aggregations"][format!("facet_{}", f.name())]["values"]["buckets"];
            let mut m = HashMap::new();
            for b in buckets.as_array().into_iter().flatten() {
                if let (Some(k), Some(n)) = (b["key"].as_str(), b["docs"]["value"].as_u64()) {
                    if n > 0 {
                        m.insert(k.to_string(), n);
                    }
                }
            }
            counts[f.index()] = m;
        }
        counts
    });
    Found {
        // (never fewer than the documents shown)
        total: total(resp).max(top.len() as u64),
        top: top.into_iter().map(|(_, d)| d).collect(),
        facets,
    }
}

/// A passage's stored values.
pub(crate) fn stored(s: &Value) -> StoredPassage {
    let text = |k: &str| s[k].as_str().unwrap_or_default().to_string();
    let mut facets = std::collections::BTreeMap::new();
    for f in Facet::TAXONOMY {
        let paths = s["facets"][f.name()]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        facets.insert(f.name().to_string(), paths);
    }
    StoredPassage {
        id: text("id"),
        title: text("title"),
        url: text("url"),
        lang: text("lang"),
        passage_lang: text("passage_lang"),
        page: s["page"].as_u64().unwrap_or(0),
        // a day as Kartotek stores it (`20250620`), nothing else
        date: s["date"]
            .as_u64()
            .filter(|d| (10000101..=29991231).contains(d)),
        text: text("text"),
        facets,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(text: Option<Node>) -> Plan {
        Plan {
            facets: crate::facet::FacetSet::ALL,
            ..Plan::ranked(text, 10)
        }
    }

    #[test]
    fn the_clauses_a_hit_matched_are_read_from_their_names_and_no_others() {
        let listed = json!({ "matched_queries": [
            "kartotek_explain_3", "kartotek_explain_0", "someone_elses", "kartotek_explain_9",
            "kartotek_explain_x", "kartotek_explain_0",
        ] });
        assert_eq!(matched(&listed, 5), [0, 3]);
        // with their scores asked for, the names are an object's keys
        let scored = json!({ "matched_queries": { "kartotek_explain_1": 0.0 } });
        assert_eq!(matched(&scored, 5), [1]);
        assert!(matched(&json!({}), 5).is_empty());
        assert!(matched(&json!({ "matched_queries": "kartotek_explain_1" }), 5).is_empty());
    }

    #[test]
    fn stand_ins_become_a_dis_max_beside_the_word_without_tie_breaker() {
        let term = |field: &str, term: &str, boost: f32| Clause::Term {
            field: field.into(),
            term: term.into(),
            boost,
        };
        let word = Node::DisMax {
            nodes: vec![
                Node::Word {
                    alternatives: vec![term("body_nb", "kyst", 1.0)],
                    tie_breaker: 0.1,
                },
                Node::Word {
                    alternatives: vec![Clause::Terms {
                        field: "parts".into(),
                        terms: vec!["kyst".into(), "kysten".into()],
                        boost: 0.4,
                    }],
                    tie_breaker: 0.0,
                },
            ],
            tie_breaker: 0.0,
        };
        let q = node(&word);
        assert_eq!(q["dis_max"]["tie_breaker"], json!(0.0));
        let inner = &q["dis_max"]["queries"];
        assert_eq!(
            inner[0]["dis_max"]["tie_breaker"].as_f64(),
            Some(0.1f32 as f64)
        );
        let parts = &inner[1]["dis_max"]["queries"][0]["bool"];
        assert_eq!(parts["should"].as_array().map(Vec::len), Some(2));
        assert_eq!(parts["boost"].as_f64(), Some(0.4f32 as f64));
    }

    #[test]
    fn a_facet_clause_is_a_constant_score_term_on_the_facets_keyword_field() {
        let c = Clause::Facet {
            facet: Facet::Region,
            path: "/norway/trondelag".into(),
            boost: 0.5,
        };
        let q = clause(&c);
        // a constant, as the embedded engine's `ConstScoreQuery`: the value's
        // rarity must not weigh, or the engines would rank apart
        assert_eq!(q["constant_score"]["boost"].as_f64(), Some(0.5));
        assert_eq!(
            q["constant_score"]["filter"]["term"]["region"],
            json!("/norway/trondelag")
        );
    }

    #[test]
    fn only_the_facets_asked_for_are_aggregated() {
        let mut p = plan(None);
        p.facets = crate::facet::FacetSet::of(&[Facet::Region, Facet::Lang]);
        let b = body(&p, None, EXTRA_CANDIDATES);
        let mut aggs: Vec<&String> = b["aggs"].as_object().unwrap().keys().collect();
        aggs.sort();
        assert_eq!(aggs, ["bound", "total"]);
        let f = facets_body(&p, None, 10);
        let mut aggs: Vec<&String> = f["aggs"].as_object().unwrap().keys().collect();
        aggs.sort();
        assert_eq!(aggs, ["facet_lang", "facet_region"]);
        assert_eq!(f["size"], json!(0));
        p.facets = crate::facet::FacetSet::NONE;
        let b = body(&p, None, EXTRA_CANDIDATES);
        assert_eq!(b["aggs"].as_object().unwrap().len(), 1);
    }

    #[test]
    fn facet_values_are_counted_exactly_up_to_the_documents_the_search_found() {
        let mut p = plan(None);
        p.facets = crate::facet::FacetSet::of(&[Facet::Region]);
        let threshold = |bound: u64| {
            facets_body(&p, None, bound)["aggs"]["facet_region"]["aggs"]["values"]["aggs"]["docs"]
                ["cardinality"]["precision_threshold"]
                .as_u64()
                .unwrap()
        };
        // never below what a value can count, never above the cluster's most
        for bound in [0, 1, 37, 1_063, 30_000, 39_999, 40_000, 1_000_000] {
            let t = threshold(bound);
            assert!(t > bound || t == u64::from(PRECISION), "{bound}: {t}");
            assert!((1..=u64::from(PRECISION)).contains(&t), "{bound}: {t}");
        }
        assert!(threshold(1_063) < 2_000);
        // the bound is read from the search's answer; none: the most
        let resp = json!({ "aggregations": { "bound": { "value": 1063 } } });
        assert_eq!(facet_bound(&resp), 1_063);
        assert_eq!(facet_bound(&json!({})), u64::from(PRECISION));
    }

    #[test]
    fn a_date_range_filters_hits_and_counts_and_date_sort_puts_undated_last() {
        let mut p = plan(None);
        p.from = Some(20_200_101);
        p.sort = Sort::Date;
        let b = body(&p, None, EXTRA_CANDIDATES);
        let range = json!({ "range": { "date": { "gte": 20_200_101 } } });
        let has_range = |v: &Value| {
            v["bool"]["filter"]
                .as_array()
                .is_some_and(|f| f.contains(&range))
        };
        assert!(has_range(&b["post_filter"]));
        assert!(has_range(&b["aggs"]["total"]["filter"]));
        let f = facets_body(&p, None, 10);
        assert!(has_range(&f["aggs"]["facet_year"]["filter"]));
        assert_eq!(
            b["sort"][0],
            json!({ "date": { "order": "desc", "missing": "_last" } })
        );
        // relevance order, and no range without bounds
        let b = body(&plan(None), None, EXTRA_CANDIDATES);
        assert_eq!(b["sort"][0], json!({ "_score": "desc" }));
        assert!(b.get("post_filter").is_none());
    }

    #[test]
    fn more_documents_are_fetched_only_when_a_passage_bonus_could_lift_one_into_the_page() {
        let mut p = plan(None);
        p.top = 1;
        let resp = |scores: &[f64], last_passage: f64| {
            let hits: Vec<Value> = scores
                .iter()
                .map(|s| json!({ "_score": s, "inner_hits": { "passages": { "hits": { "total": { "value": 1 } } } } }))
                .collect();
            json!({
                "hits": { "hits": hits },
                "aggregations": { "last_passage": { "value": last_passage } },
            })
        };
        // one passage each: nobody below the fetched ones can pass 10
        assert!(complete(&p, &resp(&[10.0, 9.0], 0.0), 1));
        // a document of 16 passages below 9 may pass 10 only with a bonus
        // for its passages (none while documents rank by their best one)
        assert_eq!(
            complete(&p, &resp(&[10.0, 9.0], 15.0), 1),
            !crate::plan::PASSAGE_COUNTS_SCORE
        );
        // all there is was fetched
        assert!(complete(&p, &resp(&[10.0], 15.0), 1));
    }
}
