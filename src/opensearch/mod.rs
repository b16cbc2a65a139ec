//! The OpenSearch engine: Kartotek's passages in an OpenSearch (or
//! Elasticsearch-compatible) cluster, searched over HTTP.
//!
//! Kartotek stays in charge of everything that makes it Kartotek (reading
//! documents, language per passage, facets from the taxonomy, query
//! parsing and expansion, text analysis, snippets, "did you mean"); the
//! cluster stores the analysed passages ([`mapping`]), runs the
//! backend-neutral [`Plan`]s ([`query`]) and answers term statistics for
//! planning ([`ClusterStats`]). Any number of `kartotek serve` processes
//! can stand in front of one cluster: they keep no state of their own.
//!
//! The index lives behind an alias (`kartotek` by default) that points at
//! a versioned index (`kartotek-v1`), so a re-index to a new mapping can go
//! to a new index and swap the alias atomically.

pub mod client;
pub mod mapping;
pub mod query;
pub mod writer;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{json, Value};

pub use client::Connection;
use client::{reason, Client};

use crate::document::{Document, Format, Passage};
use crate::error::{Error, Result};
use crate::index::StoredMeta;
use crate::lang::Language;
use crate::plan::{Found, Near, Plan, Stats};

/// Attempts of a search that some shards did not answer.
pub(crate) const SHARD_RETRIES: u32 = 8;

/// Default alias name.
pub const DEFAULT_ALIAS: &str = "kartotek";

/// Where the cluster is and how the index is laid out.
#[derive(Debug, Clone)]
pub struct Config {
    /// How to reach the nodes.
    pub connection: Connection,
    /// The alias searches and writes go to.
    pub alias: String,
    /// Primary shards of a new index.
    pub shards: u32,
    /// Replicas of each shard in a new index.
    pub replicas: u32,
}

impl Config {
    /// Settings for the nodes at `urls` (comma-separated allowed), with
    /// the default alias, 1 shard and 1 replica, 2 s to connect and 30 s
    /// per request.
    pub fn new(urls: &[String]) -> Config {
        Config {
            connection: Connection {
                urls: urls
                    .iter()
                    .flat_map(|u| u.split(','))
                    .map(str::trim)
                    .filter(|u| !u.is_empty())
                    .map(str::to_string)
                    .collect(),
                basic_auth: None,
                ca_file: None,
                connect_timeout: Duration::from_secs(2),
                timeout: Duration::from_secs(30),
            },
            alias: DEFAULT_ALIAS.to_string(),
            shards: 1,
            replicas: 1,
        }
    }
}

/// A connected cluster with Kartotek's index; cheap to clone (clones share
/// the planning statistics cache and what is known of the shard count).
#[derive(Clone)]
pub struct Cluster {
    client: Client,
    alias: String,
    /// Shards the last search went to (0: not known yet).
    shards: Arc<AtomicU64>,
    /// Term statistics read for planning, kept briefly (see [`STATS_TTL`]).
    cache: Arc<Mutex<StatsCache>>,
    /// Time allowed for all the requests of one search (see
    /// [`Cluster::within`]); `None`: the request timeout.
    search_timeout: Option<Duration>,
}

/// How long term statistics read from the cluster are planned with before
/// the index is asked whether it changed: writes through this process's
/// writer clear them at once (on commit); a write by another process
/// reaches the planning within this time (the search itself always sees
/// the index as it is). While the index's counters stay as they were
/// ([`Cluster::fingerprint`]), what was read is kept.
pub const STATS_TTL: Duration = Duration::from_secs(1);

/// Term statistics already read, and since when.
#[derive(Default)]
struct StatsCache {
    /// Counts the times the cache was emptied: what was fetched for one
    /// generation is not kept in a later one.
    generation: u64,
    since: Option<Instant>,
    /// The index's counters when the cache was last found current.
    fingerprint: Option<String>,
    passages: Option<u64>,
    fields: HashMap<String, bool>,
    dfs: HashMap<(String, String), u64>,
    /// Each near key's neighbours in the term dictionary, with their counts.
    near: Neighbours,
}

impl StatsCache {
    /// True when it is older than [`STATS_TTL`].
    fn stale(&self) -> bool {
        self.since.is_none_or(|t| t.elapsed() >= STATS_TTL)
    }

    /// After a look at the index's counters: keep what was read when they
    /// are the ones it was read under, else forget it.
    fn renew(&mut self, fingerprint: Option<String>) {
        if fingerprint.is_some() && fingerprint == self.fingerprint {
            self.since = Some(Instant::now());
            return;
        }
        *self = StatsCache {
            generation: self.generation + 1,
            since: Some(Instant::now()),
            fingerprint,
            ..StatsCache::default()
        };
    }
}

impl Cluster {
    /// Connect and make sure the alias and its index exist (creating
    /// `ALIAS-vN` with the mapping when the alias is missing).
    pub fn connect(config: &Config) -> Result<Cluster> {
        let alias = config.alias.trim().to_lowercase();
        if alias.is_empty()
            || !alias
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        {
            return Err(Error::Usage(format!(
                "`{}` is not an index alias Kartotek can use (letters, digits, `-`, `_`)",
                config.alias
            )));
        }
        let cluster = Cluster::with(Client::new(&config.connection)?, alias);
        cluster.ensure_index(config.shards, config.replicas)?;
        Ok(cluster)
    }

    /// A cluster handle that does not contact the cluster yet (a server
    /// that starts while the cluster is down answers 503 until it is back).
    pub fn lazy(config: &Config) -> Result<Cluster> {
        Ok(Cluster::with(
            Client::new(&config.connection)?,
            config.alias.trim().to_lowercase(),
        ))
    }

    fn with(client: Client, alias: String) -> Cluster {
        Cluster {
            client,
            alias,
            shards: Arc::new(AtomicU64::new(0)),
            cache: Arc::new(Mutex::new(StatsCache::default())),
            search_timeout: None,
        }
    }

    /// The same cluster, its searches given at most `total` for all their
    /// requests when that is shorter than the request timeout: a server
    /// abandons a request after its own timeout, and the search should not
    /// hold a thread past it.
    pub fn with_search_timeout(mut self, total: Duration) -> Cluster {
        self.search_timeout = Some(total);
        self
    }

    /// Forget the planning statistics read so far (the index changed).
    fn forget_stats(&self) {
        if let Ok(mut c) = self.cache.lock() {
            *c = StatsCache {
                generation: c.generation + 1,
                ..StatsCache::default()
            };
        }
    }

    /// The counters of the index behind the alias that change whenever
    /// what a search sees does: its name and uuid (a re-index moves the
    /// alias), its primaries' documents and deleted documents, and their
    /// refresh (internal and external, the searches' own) and merge
    /// counts (a change becomes visible by a refresh; counts that return to
    /// earlier values after a merge still differ in these). A node restart
    /// or a new primary restarts the counters: the cache is then read
    /// again, never kept too long.
    fn fingerprint(&self) -> Result<String> {
        let r = self.client.send(
            Method::GET,
            &format!(
                "/{}/_stats/docs,refresh,merge?filter_path=indices.*.uuid,indices.*.primaries.docs,indices.*.primaries.refresh.total,indices.*.primaries.refresh.external_total,indices.*.primaries.merges.total",
                self.alias
            ),
            None,
        )?;
        Ok(r.ok("index statistics")?["indices"].to_string())
    }

    /// The alias searched.
    pub fn alias(&self) -> &str {
        &self.alias
    }

    /// The node URLs.
    pub fn urls(&self) -> &[String] {
        self.client.urls()
    }

    /// The versioned index name for this mapping.
    pub fn versioned_name(&self) -> String {
        format!("{}-v{}", self.alias, mapping::MAPPING_VERSION)
    }

    fn ensure_index(&self, shards: u32, replicas: u32) -> Result<()> {
        let a = self
            .client
            .send(Method::HEAD, &format!("/_alias/{}", self.alias), None)?;
        match a.status {
            200 => return Ok(()),
            // only "no such alias" means it is to be made: any other answer
            // (an error page, a refusal) could stand before an alias that
            // exists, and a second index under it would split the documents
            404 => {}
            status => {
                a.ok(&format!("look up the alias `{}`", self.alias))?;
                return Err(Error::Unavailable(format!(
                    "the cluster answered HTTP {status} to a look-up of the alias `{}`",
                    self.alias
                )));
            }
        }
        let name = self.versioned_name();
        let body = json!({
            "aliases": { &self.alias: {} },
        });
        let mut create = mapping::index_body(shards.max(1), replicas);
        create["aliases"] = body["aliases"].clone();
        let r = self
            .client
            .send(Method::PUT, &format!("/{name}"), Some(&create))?;
        if r.status == 400 && r.body["error"]["type"] == "resource_already_exists_exception" {
            // another Kartotek created it meanwhile
            return Ok(());
        }
        r.ok(&format!("create the index `{name}`"))?;
        // wait until its primaries can take writes
        self.client
            .send(
                Method::GET,
                &format!("/_cluster/health/{name}?wait_for_status=yellow&timeout=30s"),
                None,
            )?
            .ok("wait for the new index")?;
        Ok(())
    }

    /// Search request on the alias. An answer from only some shards (a
    /// node just died and its shards have not moved to their replicas yet)
    /// is asked again, briefly, rather than shown as a partial result.
    ///
    /// Scores use the whole index's term statistics: with more than one
    /// shard by `dfs_query_then_fetch` (a round more per shard); an index
    /// of one shard has them already, so it is searched directly. The shard
    /// count is learnt from the answers: a direct search that turns out to
    /// have gone to several shards (the alias moved to a new index) is run
    /// again with the statistics round.
    fn search(&self, body: &Value) -> Result<Value> {
        let shards = |r: &Value| r["_shards"]["total"].as_u64().unwrap_or(0);
        if self.shards.load(Ordering::Relaxed) == 1 {
            let r = self.search_as(body, "")?;
            if shards(&r) <= 1 {
                return Ok(r);
            }
        }
        let r = self.search_as(body, "?search_type=dfs_query_then_fetch")?;
        self.shards.store(shards(&r), Ordering::Relaxed);
        Ok(r)
    }

    /// [`Cluster::search`] with the given query string (`""`: OpenSearch's
    /// default search type, for requests that score nothing).
    fn search_as(&self, body: &Value, params: &str) -> Result<Value> {
        let mut last = String::new();
        for attempt in 0..SHARD_RETRIES {
            if attempt > 0 {
                std::thread::sleep(Duration::from_millis(250 * u64::from(attempt)));
            }
            let r = self.client.send(
                Method::POST,
                &format!("/{}/_search{params}", self.alias),
                Some(body),
            )?;
            if r.status == 404 && r.body["error"]["type"] == "index_not_found_exception" {
                return Err(Error::Unavailable(format!(
                    "the cluster has no index `{}` (start Kartotek against it once, or ingest)",
                    self.alias
                )));
            }
            if r.status == 503 || r.body["error"]["type"] == "search_phase_execution_exception" {
                last = reason(&r.body);
                continue;
            }
            let body = r.ok("search")?;
            if body["_shards"]["failed"].as_u64().unwrap_or(0) > 0 {
                last = format!("{} shard(s) failed", body["_shards"]["failed"]);
                continue;
            }
            // every search answer lists its hits (none, with `size: 0`): one
            // without is no search answer, not an empty result
            page(&body)?;
            return Ok(body);
        }
        Err(Error::Unavailable(format!(
            "the cluster could not search `{}`: {last}",
            self.alias
        )))
    }

    /// Run a plan.
    pub fn execute(&self, plan: &Plan) -> Result<Found> {
        let resp = self.candidates(plan, plan.text.as_ref())?;
        let n = query::total(&resp);
        // documents with every word first; too few: then those with some
        let Some(fallback) = plan
            .fallback
            .as_ref()
            .filter(|_| crate::plan::wants_fallback(plan, n))
        else {
            let resp = self.with_facets(plan, plan.text.as_ref(), resp)?;
            return Ok(query::found(plan, &resp));
        };
        // the page widened by them; the answer holds every one of them
        // (fewer than a page, all fetched)
        let mut wider = plan.clone();
        wider.top = plan.top + n as usize;
        let leading = query::found(&wider, &resp).top;
        let resp = self.candidates(&wider, Some(fallback))?;
        let resp = self.with_facets(&wider, Some(fallback), resp)?;
        let mut found = query::found(&wider, &resp);
        found.top = crate::plan::lead_with(leading, found.top, plan.top, |d| d.best.id.clone());
        Ok(found)
    }

    /// `resp`, the answer to `plan` with `text`, with the facet counts
    /// (see [`query::facets_body`]) among its aggregations.
    fn with_facets(
        &self,
        plan: &Plan,
        text: Option<&crate::plan::Node>,
        mut resp: Value,
    ) -> Result<Value> {
        if plan.facets.is_empty() {
            return Ok(resp);
        }
        let bound = query::facet_bound(&resp);
        if bound == 0 {
            return Ok(resp); // nothing found: no value to count
        }
        let body = query::facets_body(plan, text, bound);
        let mut counts = self.search_as(&body, "")?;
        if let (Some(to), Value::Object(from)) = (
            resp["aggregations"].as_object_mut(),
            counts["aggregations"].take(),
        ) {
            to.extend(from);
        }
        Ok(resp)
    }

    /// The answer to `plan` with `text`, with enough documents beyond the
    /// page that the passage bonus lifts none from further down into it
    /// (see [`query::complete`]; rarely more than one request).
    fn candidates(&self, plan: &Plan, text: Option<&crate::plan::Node>) -> Result<Value> {
        let mut extra = query::EXTRA_CANDIDATES;
        loop {
            let mut resp = self.search(&query::body(plan, text, extra))?;
            // documents ranked by their best passage come out of the
            // collapsed search in their order: nothing to count or fetch
            if !crate::plan::PASSAGE_COUNTS_SCORE {
                return Ok(resp);
            }
            let ids: Vec<String> = resp["hits"]["hits"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|h| {
                    h["_source"][mapping::STORED]["id"]
                        .as_str()
                        .map(str::to_string)
                })
                .collect();
            if !ids.is_empty() {
                let counts = self.search_as(&query::counts_body(text, &ids), "")?;
                query::set_counts(&mut resp, &counts);
            }
            if plan.top + extra >= query::MAX_CANDIDATES || query::complete(plan, &resp, extra) {
                return Ok(resp);
            }
            extra = ((plan.top + extra) * 4).min(query::MAX_CANDIDATES - plan.top);
        }
    }

    /// In how many passages each `(field, term)` occurs, and which of
    /// `fields` hold a token in some passage (every passage holds every
    /// analysed field, see `mapping::FILLER`: a field holds terms when
    /// fewer passages than all hold the filler there; the query expansion
    /// reads this to expand into the languages present only).
    ///
    /// What is not in the cache (see [`STATS_TTL`]) is read: which fields
    /// hold terms from hit counts of the filler (an `_msearch` of
    /// single-term queries, which Lucene answers from the term dictionary),
    /// the terms' passage counts in one `filters` aggregation over the
    /// passages holding any of them.
    pub fn stats(&self, wanted: crate::plan::Wanted) -> Result<ClusterStats> {
        let crate::plan::Wanted {
            fields,
            terms,
            near,
        } = wanted;
        // what the cache knows is copied out under the lock: another search
        // may expire the cache before this one has read what it fetched
        let mut stats = ClusterStats {
            passages: 0,
            fields: HashSet::new(),
            dfs: HashMap::new(),
            near: HashMap::new(),
            cluster: self.clone(),
        };
        if self.lock_cache()?.stale() {
            // (asked outside the lock; a failed look forgets the cache)
            let fingerprint = self.fingerprint().ok();
            self.lock_cache()?.renew(fingerprint);
        }
        let (generation, known_passages, missing_fields, missing_terms, missing_near) = {
            let c = self.lock_cache()?;
            let mut missing_near = Vec::new();
            for n in near {
                match c.near.get(&n) {
                    Some(found) => {
                        stats.near.insert(n, found.clone());
                    }
                    None => missing_near.push(n),
                }
            }
            let mut missing_fields = Vec::new();
            for f in fields {
                match c.fields.get(&f) {
                    Some(true) => {
                        stats.fields.insert(f);
                    }
                    Some(false) => {}
                    None => missing_fields.push(f),
                }
            }
            let mut missing_terms = Vec::new();
            for t in terms {
                match c.dfs.get(&t) {
                    Some(n) => {
                        stats.dfs.insert(t, *n);
                    }
                    None => missing_terms.push(t),
                }
            }
            (
                c.generation,
                c.passages,
                missing_fields,
                missing_terms,
                missing_near,
            )
        };
        let mut queries: Vec<Value> = Vec::new();
        if known_passages.is_none() {
            queries.push(json!({ "match_all": {} }));
        }
        for f in &missing_fields {
            queries.push(json!({ "term": { f: mapping::FILLER } }));
        }
        let mut counts = if queries.is_empty() {
            Vec::new()
        } else {
            self.counts(&queries)?
        };
        let mut near_found = HashMap::new();
        if !missing_terms.is_empty() || !missing_near.is_empty() {
            let (found, neighbours) = self.term_counts(&missing_terms, &missing_near)?;
            counts.extend(found);
            near_found = neighbours;
        }
        let mut counts = counts.into_iter();
        let fetched_passages = known_passages.is_none();
        stats.passages = match known_passages {
            Some(n) => n,
            None => counts.next().unwrap_or(0),
        };
        let fetched_fields: Vec<(String, bool)> = missing_fields
            .into_iter()
            .map(|f| {
                // every passage holds the filler in a field with no terms
                let holds = counts.next().unwrap_or(0) < stats.passages;
                (f, holds)
            })
            .collect();
        let fetched_terms: Vec<((String, String), u64)> = missing_terms
            .into_iter()
            .map(|t| (t, counts.next().unwrap_or(0)))
            .collect();
        // kept for the next searches, unless the cache was emptied meanwhile
        // (expired, or the index changed: what was read may be older)
        let mut c = self.lock_cache()?;
        if c.generation == generation {
            if fetched_passages {
                c.passages = Some(stats.passages);
            }
            for (f, holds) in &fetched_fields {
                c.fields.insert(f.clone(), *holds);
            }
            for (t, n) in &fetched_terms {
                c.dfs.insert(t.clone(), *n);
            }
            for (k, found) in &near_found {
                c.near.insert(k.clone(), found.clone());
            }
        }
        drop(c);
        for (f, holds) in fetched_fields {
            if holds {
                stats.fields.insert(f);
            }
        }
        stats.dfs.extend(fetched_terms);
        stats.near.extend(near_found);
        // a neighbour's count comes with it, as the embedded engine's
        // statistics would give it when the plan looks it up again
        for ((field, _, _), found) in &stats.near {
            for (term, n) in found {
                stats.dfs.entry((field.clone(), term.clone())).or_insert(*n);
            }
        }
        Ok(stats)
    }

    fn lock_cache(&self) -> Result<std::sync::MutexGuard<'_, StatsCache>> {
        self.cache
            .lock()
            .map_err(|_| Error::Internal("the statistics cache lock is poisoned".into()))
    }

    /// In how many passages each `(field, term)` occurs, in one search: a
    /// `filters` aggregation over the passages that hold any of them.
    /// With them, in the same search, each of `near`'s terms within its edit
    /// distance that share its first letter, with their passage counts,
    /// from the term suggester.
    fn term_counts(
        &self,
        terms: &[(String, String)],
        near: &[Near],
    ) -> Result<(Vec<u64>, Neighbours)> {
        let mut filters = serde_json::Map::new();
        // one `terms` query per field: a long query's expansions ask for
        // more terms than a bool query may have clauses (1,024)
        let mut by_field: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
        for (i, (f, t)) in terms.iter().enumerate() {
            filters.insert(format!("t{i}"), json!({ "term": { f: t } }));
            by_field.entry(f).or_default().push(t);
        }
        let any: Vec<Value> = by_field
            .into_iter()
            .map(|(f, ts)| json!({ "terms": { f: ts } }))
            .collect();
        let mut body = if terms.is_empty() {
            json!({ "size": 0, "track_total_hits": false, "query": { "match_none": {} } })
        } else {
            json!({
                "size": 0,
                "track_total_hits": false,
                "query": { "bool": { "should": any } },
                "aggs": { "s": { "filters": { "filters": filters } } },
            })
        };
        let suggest: serde_json::Map<String, Value> = near
            .iter()
            .enumerate()
            .map(|(i, (field, word, edits))| (format!("n{i}"), suggester(field, word, *edits)))
            .collect();
        // the counts and the suggesters side by side: each walks its own
        // (postings, the term dictionary), and the node searches both at once
        let (resp, suggestions) = if terms.is_empty() || suggest.is_empty() {
            if !suggest.is_empty() {
                body["suggest"] = Value::Object(suggest);
            }
            let mut resp = self.search_as(&body, "")?;
            let suggestions = resp["suggest"].take();
            (resp, suggestions)
        } else {
            let only = json!({ "size": 0, "track_total_hits": false,
                "query": { "match_none": {} }, "suggest": Value::Object(suggest) });
            let (resp, suggestions) = std::thread::scope(|s| {
                let deadline = client::deadline();
                let other = s.spawn(move || client::until(deadline, || self.search_as(&only, "")));
                let resp = self.search_as(&body, "");
                let suggestions = other.join().unwrap_or_else(|_| {
                    Err(Error::Internal("the suggesters' request panicked".into()))
                });
                (resp, suggestions)
            });
            (resp?, suggestions?["suggest"].take())
        };
        let b = &resp["aggregations"]["s"]["buckets"];
        let counts = (0..terms.len())
            .map(|i| b[format!("t{i}")]["doc_count"].as_u64().unwrap_or(0))
            .collect();
        let neighbours = near
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), suggested(&suggestions[format!("n{i}")])))
            .collect();
        Ok((counts, neighbours))
    }

    /// The number of passages each of `queries` matches, in one `_msearch`;
    /// asked again briefly when some shard did not answer (as a search is).
    fn counts(&self, queries: &[Value]) -> Result<Vec<u64>> {
        let mut body = Vec::new();
        for q in queries {
            body.extend_from_slice(b"{}\n");
            body.extend_from_slice(
                json!({ "size": 0, "track_total_hits": true, "query": q })
                    .to_string()
                    .as_bytes(),
            );
            body.push(b'\n');
        }
        let mut last = String::new();
        for attempt in 0..SHARD_RETRIES {
            if attempt > 0 {
                std::thread::sleep(Duration::from_millis(250 * u64::from(attempt)));
            }
            let r = self
                .client
                .send_ndjson(&format!("/{}/_msearch", self.alias), body.clone())?;
            if r.status == 404 && r.body["error"]["type"] == "index_not_found_exception" {
                return Err(Error::Unavailable(format!(
                    "the cluster has no index `{}` (start Kartotek against it once, or ingest)",
                    self.alias
                )));
            }
            if r.status == 503 {
                last = reason(&r.body);
                continue;
            }
            let body = r.ok("count passages")?;
            let answers = body["responses"].as_array().cloned().unwrap_or_default();
            let failed = answers.len() != queries.len()
                || answers.iter().any(|a| {
                    !a["error"].is_null() || a["_shards"]["failed"].as_u64().unwrap_or(0) > 0
                });
            if failed {
                last = answers
                    .iter()
                    .find(|a| !a["error"].is_null())
                    .map(reason)
                    .unwrap_or_else(|| "some shards did not answer".into());
                continue;
            }
            return Ok(answers
                .iter()
                .map(|a| a["hits"]["total"]["value"].as_u64().unwrap_or(0))
                .collect());
        }
        Err(Error::Unavailable(format!(
            "the cluster could not count in `{}`: {last}",
            self.alias
        )))
    }

    /// The indexes the alias points at.
    pub fn indexes(&self) -> Result<Vec<String>> {
        let r = self
            .client
            .send(Method::GET, &format!("/_alias/{}", self.alias), None)?;
        if r.status == 404 {
            return Ok(Vec::new());
        }
        let body = r.ok("read the alias")?;
        // an alias that exists names at least one index: an empty answer
        // would make a re-index leave the alias on the old index too
        let names: Vec<String> = body
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        if names.is_empty() {
            return Err(Error::Unavailable(format!(
                "the cluster's answer for the alias `{}` names no index",
                self.alias
            )));
        }
        Ok(names)
    }

    /// Delete the indexes behind the alias (and so the alias).
    pub fn drop_index(&self) -> Result<()> {
        for name in self.indexes()? {
            self.client
                .send(Method::DELETE, &format!("/{name}"), None)?
                .ok("delete the index")?;
        }
        Ok(())
    }

    /// Re-index with no downtime: every document is read back, analysed
    /// again and written to a new index with the current mapping
    /// (`ALIAS-vN-MILLIS`, `shards` and `replicas`); then one `_aliases`
    /// call moves the alias from the old index to the new one (atomic: a
    /// search sees one or the other), and the old index is deleted.
    /// Searches go on against the old index meanwhile; writes made during
    /// the copy go to the old index and are lost with it, so run ingest
    /// again afterwards (it only re-reads what changed). The copy is
    /// checked before the alias moves: it must have read at least the
    /// passages the index held when it began, and hold every passage
    /// written to it; otherwise (a page lost, a write not kept) the alias
    /// and the old index stay, the copy is deleted and the error says why.
    /// Returns the new index's name.
    pub fn reindex(&self, shards: u32, replicas: u32) -> Result<String> {
        let old = self.indexes()?;
        let held = if old.is_empty() {
            0
        } else {
            crate::store::DocStore::passage_count(self)?
        };
        let millis = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0);
        let name = format!("{}-v{}-{millis}", self.alias, mapping::MAPPING_VERSION);
        self.client
            .send(
                Method::PUT,
                &format!("/{name}"),
                Some(&mapping::index_body(shards.max(1), replicas)),
            )?
            .ok(&format!("create the index `{name}`"))?;
        let target = Cluster::with(self.client.clone(), name.clone());
        let mut w = writer::ClusterWriter::new(target.clone());
        // passages in (document, passage) order, a page at a time
        let mut rows: Vec<Value> = Vec::new();
        let mut current = String::new();
        let (mut read, mut written) = (0u64, 0u64);
        let copied = |target: &Cluster, read: u64, written: u64| -> Result<()> {
            // the copy is checked before the alias moves and the old index
            // goes: fewer passages read than the index held means pages
            // went missing, and fewer in the copy than written, writes
            if read < held {
                return Err(Error::Unavailable(format!(
                    "the copy read {read} passages of the {held} the index holds"
                )));
            }
            let there = crate::store::DocStore::passage_count(target)?;
            if there != written {
                return Err(Error::Unavailable(format!(
                    "the copy holds {there} passages of the {written} written to it"
                )));
            }
            if written < read {
                tracing::warn!(
                    skipped = read - written,
                    "passages without their document were not copied"
                );
            }
            Ok(())
        };
        let mut copy = || -> Result<()> {
            let every = json!({
                "size": 1000,
                "query": { "match_all": {} },
                "sort": [{ mapping::ID: "asc" }, { mapping::PASSAGE: "asc" }],
                "_source": [mapping::STORED],
            });
            self.pages(every, |hits| {
                read += hits.len() as u64;
                for h in hits {
                    let stored = h["_source"][mapping::STORED].clone();
                    let id = stored["id"].as_str().unwrap_or_default().to_string();
                    if id != current && !rows.is_empty() {
                        if let Some(doc) = document_from(&current, &rows) {
                            crate::store::DocWriter::upsert(&mut w, &doc)?;
                            written += doc.passages.len() as u64;
                        }
                        rows.clear();
                    }
                    current = id;
                    rows.push(stored);
                }
                Ok(())
            })?;
            if let Some(doc) = document_from(&current, &rows) {
                crate::store::DocWriter::upsert(&mut w, &doc)?;
                written += doc.passages.len() as u64;
            }
            crate::store::DocWriter::commit(&mut w)?;
            self.client
                .send(
                    Method::GET,
                    &format!("/_cluster/health/{name}?wait_for_status=yellow&timeout=60s"),
                    None,
                )?
                .ok("wait for the new index")?;
            copied(&target, read, written)
        };
        if let Err(e) = copy() {
            // the alias and the old index stay as they were; the partial
            // copy goes (a failure to delete it is logged: the error that
            // stopped the copy is the one to report)
            if let Err(d) = self
                .client
                .send(Method::DELETE, &format!("/{name}"), None)
                .and_then(|r| r.ok("delete the partial copy"))
            {
                tracing::warn!(index = %name, error = %d, "the partial copy was not deleted");
            }
            return Err(e);
        }
        let mut actions = vec![json!({ "add": { "index": name, "alias": self.alias } })];
        for o in &old {
            actions.push(json!({ "remove": { "index": o, "alias": self.alias } }));
        }
        self.client
            .send(
                Method::POST,
                "/_aliases",
                Some(&json!({ "actions": actions })),
            )?
            .ok("move the alias")?;
        self.forget_stats();
        // searches that resolved the alias just before the move finish first
        std::thread::sleep(Duration::from_secs(1));
        for o in &old {
            self.client
                .send(Method::DELETE, &format!("/{o}"), None)?
                .ok("delete the old index")?;
        }
        Ok(name)
    }

    /// Every page of the sorted search `body` in turn, to `each`, by
    /// `search_after` (a page that does not move on is an error).
    fn pages(&self, body: Value, mut each: impl FnMut(&[Value]) -> Result<()>) -> Result<()> {
        let mut after: Option<Value> = None;
        loop {
            let mut body = body.clone();
            if let Some(a) = &after {
                body["search_after"] = a.clone();
            }
            let resp = self.search(&body)?;
            let hits = page(&resp)?;
            if hits.is_empty() {
                return Ok(());
            }
            after = Some(next_page(hits, after.as_ref())?);
            each(hits)?;
        }
    }

    /// Run `work` (a search: several requests) with one deadline for all
    /// the requests it sends, the request timeout from now.
    pub fn within<T>(&self, work: impl FnOnce() -> T) -> T {
        self.client.within(self.search_timeout, work)
    }

    /// Make the writes so far visible to searches.
    pub fn refresh(&self) -> Result<()> {
        self.client
            .send(Method::POST, &format!("/{}/_refresh", self.alias), None)?
            .ok("refresh the index")?;
        // planned from now on with the statistics of what was written
        self.forget_stats();
        Ok(())
    }

    /// Every passage of document `id`, in order (their `stored` objects).
    fn passages_of(&self, id: &str) -> Result<Vec<Value>> {
        let body = json!({
            "size": 10_000,
            "query": { "term": { mapping::ID: id } },
            "sort": [{ mapping::PASSAGE: "asc" }],
            "_source": [mapping::STORED],
        });
        let resp = self.search(&body)?;
        Ok(resp["hits"]["hits"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|h| h["_source"][mapping::STORED].clone())
            .collect())
    }

    fn count(&self, query: Value) -> Result<u64> {
        let r = self
            .client
            .send(
                Method::POST,
                &format!("/{}/_count", self.alias),
                Some(&json!({ "query": query })),
            )?
            .ok("count")?;
        r["count"].as_u64().ok_or_else(|| {
            Error::Unavailable(format!(
                "the cluster's answer to a count has no count: {}",
                reason(&r)
            ))
        })
    }
}

impl crate::store::DocStore for Cluster {
    fn content_hash(&self, id: &str) -> Result<Option<String>> {
        let r = self.client.send(
            Method::GET,
            &format!(
                "/{}/_doc/{}?_source_includes=stored.hash",
                self.alias,
                mapping::passage_id(id, 0)
            ),
            None,
        )?;
        if r.status == 404 {
            return Ok(None);
        }
        let body = r.ok("read a document")?;
        Ok(body["_source"][mapping::STORED]["hash"]
            .as_str()
            .map(str::to_string))
    }

    fn all_sources(&self) -> Result<Vec<(String, String)>> {
        let mut out = Vec::new();
        let first_passages = json!({
            "size": 1000,
            "query": { "term": { mapping::PASSAGE: 0 } },
            "sort": [{ mapping::ID: "asc" }],
            "_source": false,
            "fields": [mapping::ID, "source"],
        });
        self.pages(first_passages, |hits| {
            for h in hits {
                let get = |k: &str| h["fields"][k][0].as_str().unwrap_or_default().to_string();
                out.push((get(mapping::ID), get("source")));
            }
            Ok(())
        })?;
        Ok(out)
    }

    fn document_count(&self) -> Result<u64> {
        self.count(json!({ "term": { mapping::PASSAGE: 0 } }))
    }

    fn passage_count(&self) -> Result<u64> {
        self.count(json!({ "match_all": {} }))
    }

    fn document(&self, id: &str) -> Result<Option<Document>> {
        let rows = self.passages_of(id)?;
        Ok(document_from(id, &rows))
    }

    fn open_writer(&self, _heap_bytes: usize) -> Result<Box<dyn crate::store::DocWriter>> {
        Ok(Box::new(writer::ClusterWriter::new(self.clone())))
    }

    fn health(&self) -> Result<String> {
        let r = self
            .client
            .send(Method::GET, "/_cluster/health", None)?
            .ok("report its health")?;
        match r["status"].as_str() {
            Some(status @ ("green" | "yellow" | "red")) => Ok(status.to_string()),
            _ => Err(Error::Unavailable(format!(
                "the cluster's health answer has no status green, yellow or red: {}",
                reason(&r)
            ))),
        }
    }

    fn folder(&self) -> Option<&std::path::Path> {
        None
    }
}

/// The hits of a search answer; an answer without them is no answer.
fn page(resp: &Value) -> Result<&Vec<Value>> {
    resp["hits"]["hits"].as_array().ok_or_else(|| {
        Error::Unavailable(format!(
            "the cluster's search answer has no hits: {}",
            reason(resp)
        ))
    })
}

/// Where the page after `hits` starts: the last hit's sort values, which
/// must move on from `before` (a proxy or backend ignoring `search_after`
/// would send the same page for ever).
fn next_page(hits: &[Value], before: Option<&Value>) -> Result<Value> {
    match hits.last().map(|h| &h["sort"]) {
        Some(sort) if sort.is_array() && Some(sort) != before => Ok(sort.clone()),
        _ => Err(Error::Unavailable(
            "the cluster sent a page of results that does not move on from the last (search_after not honoured)".into(),
        )),
    }
}

/// A document from its passages' `stored` objects, in passage order.
fn document_from(id: &str, rows: &[Value]) -> Option<Document> {
    let first = rows.first()?;
    let s = |v: &Value, k: &str| v[k].as_str().unwrap_or_default().to_string();
    let meta: StoredMeta = serde_json::from_str(&s(first, "meta")).unwrap_or_default();
    let lang = Language::from_code(&s(first, "lang")).unwrap_or(Language::Other);
    Some(Document {
        id: id.to_string(),
        source: s(first, "source"),
        url: s(first, "url"),
        title: s(first, "title"),
        lang,
        format: Format::from_name(&s(first, "format")).unwrap_or(Format::Text),
        description: meta.description,
        date: meta.date,
        date_source: meta.date_source,
        pages: meta.pages,
        hash: s(first, "hash"),
        bytes: meta.bytes,
        facets: meta.facets,
        context: meta.context,
        warnings: meta.warnings,
        ocr_damaged: first["ocr_damaged"].as_bool().unwrap_or(false),
        passages: rows
            .iter()
            .map(|r| Passage {
                page: r["page"].as_u64().filter(|p| *p > 0).map(|p| p as u32),
                text: s(r, "text"),
                lang: Language::from_code(&s(r, "passage_lang")).unwrap_or(lang),
            })
            .collect(),
    })
}

/// Each neighbour request's terms, with their passage counts.
type Neighbours = HashMap<Near, Vec<(String, u64)>>;

/// Term statistics fetched from the cluster for one search.
pub struct ClusterStats {
    passages: u64,
    fields: HashSet<String>,
    dfs: HashMap<(String, String), u64>,
    /// Neighbours fetched with the statistics.
    near: Neighbours,
    cluster: Cluster,
}

/// A term suggester for `word` in `field`: the terms within `max_edits`
/// edits (Damerau) sharing its first letter, however common the word.
fn suggester(field: &str, word: &str, max_edits: usize) -> Value {
    json!({ "text": word, "term": {
        "field": field,
        "suggest_mode": "always",
        "max_edits": max_edits.clamp(1, 2),
        "prefix_length": 1,
        "min_word_length": 1,
        // also for a word in more than 1 % of the documents (the default
        // leaves those alone): a common word's neighbour spellings are wanted
        "max_term_freq": 1e9,
        "size": 50,
        "string_distance": "damerau_levenshtein",
    } })
}

/// The terms and their passage counts of one suggester's answer.
fn suggested(answer: &Value) -> Vec<(String, u64)> {
    answer[0]["options"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|o| Some((o["text"].as_str()?.to_string(), o["freq"].as_u64()?)))
        .collect()
}

impl Stats for ClusterStats {
    fn passages(&self) -> u64 {
        self.passages
    }

    fn has_terms(&self, field: &str) -> bool {
        self.fields.contains(field)
    }

    fn doc_freq(&self, field: &str, term: &str) -> Option<u64> {
        self.dfs
            .get(&(field.to_string(), term.to_string()))
            .copied()
    }

    fn neighbours(&self, field: &str, word: &str, max_edits: usize) -> Vec<(String, u64)> {
        let key = (field.to_string(), word.to_string(), max_edits);
        if let Some(found) = self.near.get(&key) {
            return found.clone();
        }
        // OpenSearch's term suggester walks the term dictionary; Kartotek
        // measures the distance and ranks the candidates itself
        let body = json!({
            "size": 0,
            "suggest": { "w": suggester(field, word, max_edits) },
        });
        let Ok(resp) = self.cluster.search_as(&body, "") else {
            return Vec::new();
        };
        suggested(&resp["suggest"]["w"])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(c: &mut StatsCache) {
        c.dfs.insert(("nb".into(), "havbruk".into()), 7);
        c.near.insert(
            ("nordic".into(), "havbruk".into(), 1),
            vec![("havbrug".into(), 2)],
        );
    }

    #[test]
    fn statistics_are_kept_while_the_index_counters_stay_and_forgotten_when_they_move() {
        let mut c = StatsCache::default();
        assert!(c.stale(), "nothing read yet");
        c.renew(Some("counters 1".into()));
        read(&mut c);
        let generation = c.generation;
        assert!(!c.stale());
        // a second later, the same counters: what was read is kept
        c.since = Some(Instant::now() - STATS_TTL);
        assert!(c.stale());
        c.renew(Some("counters 1".into()));
        assert!(!c.stale());
        assert_eq!(
            (c.generation, c.dfs.len(), c.near.len()),
            (generation, 1, 1)
        );
        // the counters moved: read again
        c.renew(Some("counters 2".into()));
        assert_eq!((c.dfs.len(), c.near.len()), (0, 0));
        assert!(c.generation > generation);
        // the counters could not be read: read again too
        read(&mut c);
        c.renew(None);
        assert_eq!((c.dfs.len(), c.near.len()), (0, 0));
        read(&mut c);
        c.renew(None);
        assert_eq!(c.dfs.len(), 0, "no counters are never the same counters");
    }
}
