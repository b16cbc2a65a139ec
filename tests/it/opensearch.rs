//! The OpenSearch backend on a real cluster: the same answers as the
//! embedded index, searches answered while a node is killed, and clear
//! errors when the cluster cannot be reached.
//!
//! These tests need a cluster: `scripts/opensearch-cluster.sh start` prints
//! its URLs; pass them in `KARTOTEK_TEST_OPENSEARCH_URL`. Without one they
//! print one line and pass, except with `CI=true`, where a missing cluster
//! is a failure (`.ci/run` starts one).

use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use kartotek::opensearch::{Cluster, Config};
use kartotek::plan::Stats;
use kartotek::search::dates::Sort;
use kartotek::search::{Hit, Request, Response, Searcher};
use kartotek::store::DocStore;
use kartotek::taxonomy::Taxonomy;

use crate::common::{self, fixture};

/// The cluster's URLs, or `None` (after saying why) when no cluster is given.
fn urls() -> Option<Vec<String>> {
    match std::env::var("KARTOTEK_TEST_OPENSEARCH_URL") {
        Ok(u) if !u.trim().is_empty() => Some(u.split(',').map(|s| s.trim().to_string()).collect()),
        _ => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("CI=true but KARTOTEK_TEST_OPENSEARCH_URL is not set: .ci/run starts a cluster with scripts/opensearch-cluster.sh");
            }
            println!("skipped: no OpenSearch cluster (run scripts/opensearch-cluster.sh start and set KARTOTEK_TEST_OPENSEARCH_URL to the URLs it prints)");
            None
        }
    }
}

/// Settings for a fresh alias of this test run.
fn config(urls: &[String], name: &str) -> Config {
    let mut c = Config::new(urls);
    c.alias = format!("kartotek-it-{}-{name}", std::process::id());
    // three nodes: shards spread over them, a replica of each elsewhere
    c.shards = if urls.len() >= 3 { 3 } else { 1 };
    c.replicas = if urls.len() >= 2 { 1 } else { 0 };
    c
}

/// Copy every document of the shared embedded index into `cluster`.
fn copy_shared(cluster: &Cluster) {
    copy(&common::shared().index, cluster);
}

/// Copy every document of `index` into `cluster`.
fn copy(index: &kartotek::index::Index, cluster: &Cluster) {
    let mut w = cluster.open_writer(0).expect("writer");
    for (id, _) in index.sources().expect("sources") {
        let doc = index.get_document(&id).expect("read").expect("document");
        w.upsert(&doc).expect("upsert");
    }
    w.commit().expect("commit");
}

/// The shared corpus on the cluster (built once).
fn shared_cluster(urls: &[String]) -> &'static Searcher {
    &shared_backend(urls).1
}

/// The shared corpus on the cluster, and a searcher over it (built once).
fn shared_backend(urls: &[String]) -> &'static (Cluster, Searcher) {
    static S: OnceLock<(Cluster, Searcher)> = OnceLock::new();
    S.get_or_init(|| {
        let cluster = Cluster::connect(&config(urls, "shared")).expect("connect");
        copy_shared(&cluster);
        let searcher = Searcher::opensearch(cluster.clone(), Taxonomy::builtin());
        (cluster, searcher)
    })
}

/// The judged queries of the evaluation, plus filtered, excluding and
/// browsing requests.
fn requests() -> Vec<Request> {
    #[derive(serde::Deserialize)]
    struct Q {
        q: String,
    }
    #[derive(serde::Deserialize)]
    struct File {
        query: Vec<Q>,
    }
    let text = std::fs::read_to_string(fixture("eval/queries.toml")).expect("eval file");
    let file: File = toml::from_str(&text).expect("eval toml");
    let mut out: Vec<Request> = file.query.into_iter().map(|q| Request::new(q.q)).collect();
    out.push(Request::new(""));
    out.push(Request::new("Erasmus").filter("lang", "nb"));
    out.push(Request::new("").filter("region", "/norway"));
    out.push(Request::new("interreg -aurora"));
    out.push(Request::new("\"grønt skifte\" OR bærekraft"));
    out.push(Request::new("title:strategi"));
    out.push(Request::new("Trondelag programme:/interreg"));
    out.push(Request::new("Erasmsu"));
    out.push(Request::new("strateg* NOT interreg"));
    out.push(Request::new("Trønd* kommune*"));
    out.push(Request::new("title:strateg*"));
    let mut paged = Request::new("Trøndelag");
    paged.offset = 2;
    paged.limit = 3;
    out.push(paged);
    let mut newest = Request::new("interreg");
    newest.sort = Some(Sort::Date);
    out.push(newest);
    let mut ranged = Request::new("");
    ranged.from = Some(20_150_101);
    ranged.to = Some(20_221_231);
    out.push(ranged);
    out
}

/// Hit ids with their dates, in order.
fn dated(r: &Response) -> Vec<(String, Option<String>)> {
    r.hits
        .iter()
        .map(|h| (h.id.clone(), h.date.clone()))
        .collect()
}

/// Hit ids in order, with runs of equal embedded scores sorted (order
/// inside an exact tie is not defined).
fn ranked(hits: &[Hit]) -> Vec<Vec<String>> {
    let mut out: Vec<(f64, Vec<String>)> = Vec::new();
    for h in hits {
        match out.last_mut() {
            Some((s, ids)) if (*s - h.score).abs() < 1e-3 => ids.push(h.id.clone()),
            _ => out.push((h.score, vec![h.id.clone()])),
        }
    }
    out.into_iter()
        .map(|(_, mut ids)| {
            ids.sort();
            ids
        })
        .collect()
}

#[test]
fn opensearch_gives_the_same_top_ten_and_facet_counts_as_the_embedded_index() {
    let Some(urls) = urls() else { return };
    let os = shared_cluster(&urls);
    let embedded = &common::shared().searcher;
    let mut differences = Vec::new();
    for req in requests() {
        let a = embedded.search(&req).expect("embedded search");
        let b = os.search(&req).expect("opensearch search");
        let ids = |r: &Response| r.hits.iter().map(|h| h.id.clone()).collect::<Vec<_>>();
        if a.total != b.total {
            differences.push(format!("`{}`: total {} vs {}", req.q, a.total, b.total));
        }
        // the same documents in the same order (ties aside)
        if ids(&a).len() != ids(&b).len() || !same_modulo_ties(&a.hits, &b.hits) {
            differences.push(format!(
                "`{}`: top {:?} vs {:?}",
                req.q,
                scored(&a.hits),
                scored(&b.hits)
            ));
        }
        if a.facets != b.facets {
            differences.push(format!("`{}`: facet counts differ", req.q));
        }
        if a.suggestion != b.suggestion {
            differences.push(format!(
                "`{}`: did you mean {:?} vs {:?}",
                req.q, a.suggestion, b.suggestion
            ));
        }
        if ids(&a) == ids(&b) && dated(&a) != dated(&b) {
            differences.push(format!("`{}`: dates differ", req.q));
        }
        let snippets = |r: &Response| r.hits.iter().map(|h| h.snippet.clone()).collect::<Vec<_>>();
        if a.total == b.total && ids(&a) == ids(&b) && snippets(&a) != snippets(&b) {
            differences.push(format!("`{}`: snippets differ", req.q));
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

/// Each hit's id and score, to show a difference.
fn scored(hits: &[Hit]) -> Vec<String> {
    hits.iter()
        .map(|h| format!("{} {:.3}", h.id, h.score))
        .collect()
}

/// True when `b` lists the documents of `a` in `a`'s order, except inside
/// runs of equal scores in `a`.
fn same_modulo_ties(a: &[Hit], b: &[Hit]) -> bool {
    let groups = ranked(a);
    let mut i = 0;
    for g in groups {
        let n = g.len();
        let Some(slice) = b.get(i..i + n) else {
            return same_modulo_near_ties(a, b);
        };
        let mut got: Vec<String> = slice.iter().map(|h| h.id.clone()).collect();
        got.sort();
        if got != g {
            return same_modulo_near_ties(a, b);
        }
        i += n;
    }
    i == b.len()
}

/// True when `b` holds `a`'s documents and every pair it orders unlike `a`
/// is a tie in `a` (scores within a rounding of each other).
fn same_modulo_near_ties(a: &[Hit], b: &[Hit]) -> bool {
    let mut ia: Vec<&str> = a.iter().map(|h| h.id.as_str()).collect();
    let mut ib: Vec<&str> = b.iter().map(|h| h.id.as_str()).collect();
    ia.sort();
    ib.sort();
    if ia != ib {
        return false;
    }
    let in_a = |id: &str| a.iter().position(|h| h.id == id);
    for (i, x) in b.iter().enumerate() {
        for y in &b[i + 1..] {
            let (Some(px), Some(py)) = (in_a(&x.id), in_a(&y.id)) else {
                return false;
            };
            if px < py {
                continue;
            }
            if (a[px].score - a[py].score).abs() >= 1e-3 {
                return false;
            }
        }
    }
    true
}

#[test]
fn dates_filter_sort_and_show_on_opensearch_as_on_the_embedded_index() {
    let Some(urls) = urls() else { return };
    let scratch = common::Scratch::new(crate::dates::FILES);
    let summary = scratch.ingest();
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    let cluster = Cluster::connect(&config(&urls, "dates")).expect("connect");
    copy(&scratch.index, &cluster);
    let os = Searcher::opensearch(cluster.clone(), Taxonomy::builtin());
    let embedded = Searcher::new(scratch.index.clone(), Taxonomy::builtin());
    let mut newest = Request::new("fjordvakt");
    newest.sort = Some(Sort::Date);
    let mut ranged = Request::new("fjordvakt");
    ranged.from = Some(20_200_101);
    ranged.to = Some(20_230_630);
    ranged.sort = Some(Sort::Date);
    let browse = Request::new("");
    let year = Request::new("fjordvakt").filter("year", "/2023");
    for req in [newest, ranged, browse, year] {
        let a = embedded.search(&req).expect("embedded search");
        let b = os.search(&req).expect("opensearch search");
        assert_eq!(dated(&a), dated(&b), "{req:?}");
        assert_eq!(a.facets.get("year"), b.facets.get("year"), "{req:?}");
        assert_eq!(a.facets.get("period"), b.facets.get("period"), "{req:?}");
    }
    // the dates are there to compare: three of the four documents have one
    let all = os.search(&Request::new("fjordvakt")).expect("search");
    assert_eq!(all.hits.iter().filter(|h| h.date.is_some()).count(), 3);
    cluster.drop_index().expect("drop");
}

#[test]
fn explain_on_opensearch_names_the_same_matches_as_the_embedded_index() {
    let Some(urls) = urls() else { return };
    let os = shared_cluster(&urls);
    let embedded = &common::shared().searcher;
    let (mut explained, mut differences) = (0, Vec::new());
    for mut req in requests() {
        req.explain = true;
        let a = embedded.search(&req).expect("embedded search");
        let b = os.search(&req).expect("opensearch search");
        // by hit: documents tied in score may come in either order
        let why = |r: &Response| {
            let mut out: Vec<(String, Vec<kartotek::search::explain::Explained>)> = r
                .hits
                .iter()
                .map(|h| (h.id.clone(), h.explain.clone()))
                .collect();
            out.sort_by(|x, y| x.0.cmp(&y.0));
            out
        };
        if why(&a) != why(&b) {
            differences.push(format!("`{}`: {:?} vs {:?}", req.q, why(&a), why(&b)));
        }
        explained += b.hits.iter().filter(|h| !h.explain.is_empty()).count();
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
    assert!(explained > 50, "only {explained} hits explained");
}

#[test]
fn an_upsert_replaces_a_documents_passages_and_a_delete_removes_them() {
    let Some(urls) = urls() else { return };
    let cluster = Cluster::connect(&config(&urls, "writes")).expect("connect");
    let index = &common::shared().index;
    let id = index
        .sources()
        .expect("sources")
        .into_iter()
        .find_map(|(id, src)| src.ends_with("long-report.pdf").then_some(id))
        .expect("long report indexed");
    let mut doc = index.get_document(&id).expect("read").expect("doc");
    let before = doc.passages.len();
    assert!(before > 2, "the long report has several passages");
    let mut w = cluster.open_writer(0).expect("writer");
    w.upsert(&doc).expect("upsert");
    w.commit().expect("commit");
    assert_eq!(cluster.passage_count().expect("count"), before as u64);
    // a shorter version leaves no passage of the longer one behind
    doc.passages.truncate(2);
    w.upsert(&doc).expect("upsert");
    w.commit().expect("commit");
    assert_eq!(cluster.passage_count().expect("count"), 2);
    let back = cluster.document(&id).expect("read").expect("document");
    assert_eq!(back.passages.len(), 2);
    assert_eq!(back.title, doc.title);
    assert_eq!(
        cluster.content_hash(&id).expect("hash"),
        Some(doc.hash.clone())
    );
    w.delete(&id).expect("delete");
    w.commit().expect("commit");
    assert_eq!(cluster.document_count().expect("count"), 0);
    assert_eq!(cluster.content_hash(&id).expect("hash"), None);
}

/// The cluster script, for the kill test.
fn script(args: &[&str]) -> std::process::Output {
    Command::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scripts/opensearch-cluster.sh"
    ))
    .args(args)
    .output()
    .expect("run scripts/opensearch-cluster.sh")
}

#[test]
fn searches_are_answered_and_writes_resume_while_a_node_is_killed() {
    let Some(urls) = urls() else { return };
    if urls.len() < 3 {
        println!("skipped: killing a node needs the three-node cluster");
        return;
    }
    // only a cluster this script started can have a node killed
    let listed = script(&["urls"]);
    let ours = String::from_utf8_lossy(&listed.stdout).trim().to_string();
    assert_eq!(
        ours,
        urls.join(","),
        "KARTOTEK_TEST_OPENSEARCH_URL must name the cluster scripts/opensearch-cluster.sh started"
    );
    let cluster = Cluster::connect(&config(&urls, "kill")).expect("connect");
    copy_shared(&cluster);
    let searcher = Searcher::opensearch(cluster.clone(), Taxonomy::builtin());
    let queries = ["Erasmus", "Trøndelag", "circular economy", "interreg", ""];
    let expected: Vec<Vec<String>> = queries
        .iter()
        .map(|q| {
            let r = searcher.search(&Request::new(*q)).expect("search");
            r.hits.iter().map(|h| h.id.clone()).collect()
        })
        .collect();
    let stop = Arc::new(AtomicBool::new(false));
    let answered = Arc::new(AtomicUsize::new(0));
    let failures = Arc::new(Mutex::new(Vec::<String>::new()));
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let (searcher, stop, answered, failures) = (
                searcher.clone(),
                stop.clone(),
                answered.clone(),
                failures.clone(),
            );
            let expected = expected.clone();
            search_in_a_loop(
                searcher,
                queries.to_vec(),
                expected,
                stop,
                answered,
                failures,
            )
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let killed = script(&["kill-node", "2"]);
    assert!(
        killed.status.success(),
        "{}",
        String::from_utf8_lossy(&killed.stderr)
    );
    let started = Instant::now();
    std::thread::sleep(Duration::from_secs(8));
    // a write after the kill is acknowledged and then found
    let index = &common::shared().index;
    let (id, _) = index
        .sources()
        .expect("sources")
        .into_iter()
        .next()
        .expect("a document");
    let mut doc = index.get_document(&id).expect("read").expect("doc");
    doc.title = "Knutepunkt etter nodefeil".into();
    let mut w = cluster.open_writer(0).expect("writer");
    w.upsert(&doc).expect("upsert after the kill");
    w.commit().expect("commit after the kill");
    stop.store(true, Ordering::Relaxed);
    for t in workers {
        t.join().expect("search thread");
    }
    let after = searcher
        .search(&Request::new("title:Knutepunkt"))
        .expect("search after the write");
    // bring the node back for whatever runs next
    let restarted = script(&["start-node", "2"]);
    let failures = failures.lock().unwrap().clone();
    assert!(
        failures.is_empty(),
        "{} of {} searches failed after {:?}:\n{}",
        failures.len(),
        answered.load(Ordering::Relaxed) + failures.len(),
        started.elapsed(),
        failures.join("\n")
    );
    assert!(
        answered.load(Ordering::Relaxed) > 10,
        "searches ran during the kill"
    );
    assert_eq!(after.hits.first().map(|h| h.id.as_str()), Some(id.as_str()));
    assert!(
        restarted.status.success(),
        "{}",
        String::from_utf8_lossy(&restarted.stderr)
    );
}

#[test]
fn an_unreachable_cluster_is_a_clear_cli_error_with_exit_code_one() {
    // a port nothing listens on: no cluster needed for this one
    let (code, err) = exit_and_stderr(Command::new(env!("CARGO_BIN_EXE_kartotek")).args([
        "--backend",
        "opensearch",
        "--opensearch-url",
        "http://127.0.0.1:9",
        "search",
        "Erasmus",
    ]));
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("the search cluster is unavailable"), "{err}");
    assert!(err.contains("http://127.0.0.1:9"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let (code, err) = exit_and_stderr(
        Command::new(env!("CARGO_BIN_EXE_kartotek"))
            .args(["--backend", "opensearch", "search", "Erasmus"])
            .env_remove("KARTOTEK_OPENSEARCH_URL"),
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--opensearch-url"), "{err}");
}

#[tokio::test]
async fn an_unreachable_cluster_answers_503_in_the_error_shape_and_healthz_says_so() {
    // reqwest's blocking client is made off the async runtime, as `serve` does
    let cluster =
        std::thread::spawn(|| Cluster::lazy(&Config::new(&["http://127.0.0.1:9".to_string()])))
            .join()
            .expect("thread")
            .expect("lazy");
    let state = kartotek::server::AppState::opensearch(
        cluster,
        Taxonomy::builtin(),
        kartotek::server::Config::default(),
    );
    let app = kartotek::server::app(state);
    for path in ["/api/search?q=Erasmus", "/healthz", "/api/facets"] {
        let (status, json) = request(&app, path).await;
        assert_eq!(status, 503, "{path}");
        assert_eq!(json["error"]["code"], "unavailable", "{path}: {json}");
        assert!(
            !json["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("127.0.0.1"),
            "{path}: the message does not leak node addresses: {json}"
        );
    }
}

/// `req` to `app`: status and JSON body (`null` when it is not JSON).
async fn respond(
    app: &axum::Router,
    req: axum::http::Request<axum::body::Body>,
) -> (u16, serde_json::Value) {
    use tower::ServiceExt;
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status().as_u16();
    let body = http_body_util::BodyExt::collect(resp.into_body())
        .await
        .unwrap()
        .to_bytes();
    (status, serde_json::from_slice(&body).unwrap_or_default())
}

/// GET `path` from `app`: status and JSON body.
async fn request(app: &axum::Router, path: &str) -> (u16, serde_json::Value) {
    let req = axum::http::Request::get(path)
        .body(axum::body::Body::empty())
        .unwrap();
    respond(app, req).await
}

/// [`request`] on a runtime of its own.
fn get(app: &axum::Router, path: &str) -> (u16, serde_json::Value) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(request(app, path))
}

#[test]
fn the_api_over_the_cluster_reports_its_health_and_shows_documents_as_the_embedded_one() {
    let Some(urls) = urls() else { return };
    shared_cluster(&urls);
    let cluster = Cluster::connect(&config(&urls, "shared")).expect("connect");
    let on_cluster = kartotek::server::app(kartotek::server::AppState::opensearch(
        cluster,
        Taxonomy::builtin(),
        kartotek::server::Config::default(),
    ));
    let embedded = kartotek::server::app(kartotek::server::AppState::with_writer(
        common::shared().index.clone(),
        Taxonomy::builtin(),
        kartotek::server::Config::default(),
        None,
    ));
    let (status, health) = get(&on_cluster, "/healthz");
    assert_eq!(status, 200, "{health}");
    assert_eq!(health["backend"], "opensearch");
    assert!(
        health["cluster"] == "green" || health["cluster"] == "yellow",
        "{health}"
    );
    assert_eq!(
        health["documents"].as_u64(),
        Some(common::shared().index.num_documents())
    );
    for path in [
        "/api/search?q=Trøndelag&ui=nb",
        "/api/search?q=interreg&programme=/interreg&limit=3",
        "/api/facets",
    ] {
        let (sa, mut a) = get(&embedded, path);
        let (sb, mut b) = get(&on_cluster, path);
        assert_eq!((sa, sb), (200, 200), "{path}");
        // the same everything but time and score values: the order is the
        // same, the values differ a little where a language field is rare
        // (the average field length counts the fillers, see opensearch::mapping)
        for v in [&mut a, &mut b] {
            if let Some(o) = v.as_object_mut() {
                o.remove("took_ms");
            }
            for h in v["hits"].as_array_mut().into_iter().flatten() {
                if let Some(o) = h.as_object_mut() {
                    o.remove("score");
                }
            }
        }
        assert_eq!(a, b, "{path}");
    }
    for (id, _) in common::shared().index.sources().expect("sources") {
        let path = format!("/api/documents/{id}");
        let (sa, a) = get(&embedded, &path);
        let (sb, b) = get(&on_cluster, &path);
        assert_eq!((sa, sb), (200, 200), "{path}");
        assert_eq!(a, b, "{path}");
    }
}

#[test]
fn a_reindex_under_search_load_swaps_the_alias_without_a_failed_search() {
    let Some(urls) = urls() else { return };
    let cfg = config(&urls, "reindex");
    let cluster = Cluster::connect(&cfg).expect("connect");
    copy_shared(&cluster);
    let before = cluster.indexes().expect("indexes");
    let searcher = Searcher::opensearch(cluster.clone(), Taxonomy::builtin());
    let queries = ["Erasmus", "berekraft", "interreg -aurora"];
    let expected: Vec<Response> = queries
        .iter()
        .map(|q| searcher.search(&Request::new(*q)).expect("search"))
        .collect();
    let stop = Arc::new(AtomicBool::new(false));
    let answered = Arc::new(AtomicUsize::new(0));
    let failures = Arc::new(Mutex::new(Vec::<String>::new()));
    let worker = {
        let (searcher, stop, answered, failures) = (
            searcher.clone(),
            stop.clone(),
            answered.clone(),
            failures.clone(),
        );
        let expected: Vec<Vec<String>> = expected
            .iter()
            .map(|r| r.hits.iter().map(|h| h.id.clone()).collect())
            .collect();
        search_in_a_loop(
            searcher,
            queries.to_vec(),
            expected,
            stop,
            answered,
            failures,
        )
    };
    let new = cluster.reindex(cfg.shards, cfg.replicas).expect("reindex");
    std::thread::sleep(Duration::from_millis(500));
    stop.store(true, Ordering::Relaxed);
    worker.join().expect("search thread");
    let failures = failures.lock().unwrap().clone();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        answered.load(Ordering::Relaxed) > 3,
        "searches ran during the re-index"
    );
    assert_eq!(cluster.indexes().expect("indexes"), vec![new.clone()]);
    assert!(!before.contains(&new));
    for (q, want) in queries.iter().zip(&expected) {
        let got = searcher.search(&Request::new(*q)).expect("search");
        assert_eq!(got.hits, want.hits, "`{q}` after the re-index");
        assert_eq!(got.facets, want.facets, "`{q}` after the re-index");
    }
    cluster.drop_index().expect("drop");
}

/// Places of a page that must hold the same documents while a node is lost
/// or the index is swapped (the last of the ten may change between near ties).
const FIRM_PLACES: usize = 7;

/// A thread that searches `queries` in turn until `stop`, counting answers in
/// `answered` and recording in `failures` every error and every answer whose
/// documents differ from `expected` (what each query gave before the disturbance).
fn search_in_a_loop(
    searcher: Searcher,
    queries: Vec<&'static str>,
    expected: Vec<Vec<String>>,
    stop: Arc<AtomicBool>,
    answered: Arc<AtomicUsize>,
    failures: Arc<Mutex<Vec<String>>>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut i = 0;
        while !stop.load(Ordering::Relaxed) {
            let q = queries[i % queries.len()];
            match searcher.search(&Request::new(q)) {
                Ok(r) => {
                    // the same documents; their order may differ where scores nearly
                    // tie, because a replica's term statistics (deleted passages not
                    // yet merged away) differ a little from its primary's, and so may
                    // which of two near-tied documents makes the last places of the
                    // page: the page is as long, and holds every document of the
                    // first places before the disturbance
                    let ids: Vec<String> = r.hits.iter().map(|h| h.id.clone()).collect();
                    let want = &expected[i % queries.len()];
                    let firm = &want[..want.len().min(FIRM_PLACES)];
                    if ids.len() != want.len() || firm.iter().any(|id| !ids.contains(id)) {
                        failures
                            .lock()
                            .unwrap()
                            .push(format!("`{q}` answered differently"));
                    }
                    answered.fetch_add(1, Ordering::Relaxed);
                }
                Err(e) => failures.lock().unwrap().push(format!("`{q}`: {e}")),
            }
            i += 1;
        }
    })
}

/// A POST of `files` (`(name, bytes)`) to `/api/documents` as multipart,
/// with the admin key `key`: status and JSON body.
fn upload(app: &axum::Router, key: &str, files: &[(&str, &[u8])]) -> (u16, serde_json::Value) {
    let boundary = "kartotek-test-boundary";
    let mut body = Vec::new();
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/plain\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let req = axum::http::Request::post("/api/documents")
        .header("authorization", format!("Bearer {key}"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(axum::body::Body::from(body))
        .unwrap();
    send(app, req)
}

/// `req` to `app` on a runtime of its own: status and JSON body.
fn send(
    app: &axum::Router,
    req: axum::http::Request<axum::body::Body>,
) -> (u16, serde_json::Value) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(respond(app, req))
}

/// The ids of the hits of `/api/search?q=Q` on `app`.
fn api_hits(app: &axum::Router, q: &str) -> Vec<String> {
    let (status, json) = get(app, &format!("/api/search?q={q}"));
    assert_eq!(status, 200, "{json}");
    json["hits"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|h| h["id"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn uploads_and_deletes_through_the_api_are_written_to_the_cluster() {
    let Some(urls) = urls() else { return };
    let cluster = Cluster::connect(&config(&urls, "uploads")).expect("connect");
    let app = kartotek::server::app(kartotek::server::AppState::opensearch(
        cluster.clone(),
        Taxonomy::builtin(),
        kartotek::server::Config {
            admin_key: Some("k".into()),
            ..kartotek::server::Config::default()
        },
    ));
    let text = "Kvartalsrapport om Blåbærprosjektet i Trøndelag og Interreg Sverige-Norge.";
    let (status, json) = upload(&app, "k", &[("rapport.txt", text.as_bytes())]);
    assert_eq!(status, 200, "{json}");
    assert_eq!(json["indexed"], 1, "{json}");
    let id = json["files"][0]["id"].as_str().expect("id").to_string();
    // searchable when the call returns, from the cluster
    assert_eq!(
        api_hits(&app, "bl%C3%A5b%C3%A6rprosjektet"),
        vec![id.clone()]
    );
    assert_eq!(cluster.document_count().expect("count"), 1);
    // the same bytes again: unchanged
    let (status, again) = upload(&app, "k", &[("rapport.txt", text.as_bytes())]);
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["files"][0]["status"], "unchanged", "{again}");
    let delete = |id: &str| {
        axum::http::Request::delete(format!("/api/documents/{id}"))
            .header("authorization", "Bearer k")
            .body(axum::body::Body::empty())
            .unwrap()
    };
    let (status, json) = send(&app, delete(&id));
    assert_eq!(status, 204, "{json}");
    assert!(api_hits(&app, "bl%C3%A5b%C3%A6rprosjektet").is_empty());
    assert_eq!(get(&app, &format!("/api/documents/{id}")).0, 404);
    assert_eq!(cluster.document_count().expect("count"), 0);
    // a second delete: 404 in the error shape
    let (status, json) = send(&app, delete(&id));
    assert_eq!(status, 404);
    assert_eq!(json["error"]["code"], "not_found", "{json}");
    cluster.drop_index().expect("drop");
}

#[test]
fn similar_documents_on_the_cluster_are_the_embedded_indexs() {
    let Some(urls) = urls() else { return };
    let os = shared_cluster(&urls);
    let embedded = &common::shared().searcher;
    let index = &common::shared().index;
    let mut listed = 0;
    let mut differences = Vec::new();
    for (id, _) in index.sources().expect("sources") {
        let doc = index.get_document(&id).expect("read").expect("document");
        let a = embedded.similar(&doc, 5).expect("embedded similar");
        let b = os.similar(&doc, 5).expect("opensearch similar");
        assert!(
            !b.iter().any(|h| h.id == id),
            "`{id}` is not similar to itself"
        );
        // the words are picked from the index's statistics by Kartotek, not
        // per shard: the same list, whatever the shard layout
        if a.len() != b.len() || !same_modulo_ties(&a, &b) {
            differences.push(format!(
                "similar to `{}`: {:?} vs {:?}",
                doc.title,
                scored(&a),
                scored(&b)
            ));
        }
        listed += b.len();
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
    assert!(listed > 0, "some document has similar ones");
}

#[test]
fn planning_statistics_stay_whole_while_other_searches_expire_the_cache() {
    let Some(urls) = urls() else { return };
    let cluster = &shared_backend(&urls).0;
    let index = &common::shared().index;
    let mut words: Vec<String> = Vec::new();
    for (id, _) in index.sources().expect("sources") {
        let doc = index.get_document(&id).expect("read").expect("document");
        words.extend(
            doc.title
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.chars().count() >= 4)
                .map(str::to_lowercase),
        );
    }
    words.sort();
    words.dedup();
    let terms: Vec<(String, String)> = words
        .iter()
        .map(|w| ("title".to_string(), w.clone()))
        .collect();
    assert!(terms.len() >= 8, "titles give words to ask about");
    let fields = vec!["title".to_string()];
    // one answer read alone is the reference
    let wanted = |fields: &[String], terms: Vec<(String, String)>| kartotek::plan::Wanted {
        fields: fields.to_vec(),
        terms,
        near: Vec::new(),
    };
    let whole = cluster
        .stats(wanted(&fields, terms.clone()))
        .expect("statistics");
    let passages = whole.passages();
    let expected: Vec<u64> = terms
        .iter()
        .map(|(f, t)| whole.doc_freq(f, t).expect("asked about"))
        .collect();
    assert!(passages > 0 && expected.iter().any(|n| *n > 0));
    // several searches at once, each asking for an overlapping window of
    // the terms, across several expiries of the cache: some of what a
    // search needs is cached, the rest fetched while another search empties
    // the cache; none may see a count it did not read
    let deadline =
        Instant::now() + kartotek::opensearch::STATS_TTL * 3 + Duration::from_millis(500);
    let wrong: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..4)
            .map(|w| {
                let (terms, expected, fields) = (&terms, &expected, &fields);
                scope.spawn(move || {
                    let mut wrong = Vec::new();
                    let mut start = w * 3;
                    while Instant::now() < deadline && wrong.len() < 5 {
                        let window: Vec<usize> = (0..terms.len() / 2)
                            .map(|i| (start + i) % terms.len())
                            .collect();
                        start += 1;
                        let asked: Vec<(String, String)> =
                            window.iter().map(|i| terms[*i].clone()).collect();
                        let s = cluster.stats(wanted(fields, asked)).expect("statistics");
                        if s.passages() != passages {
                            wrong.push(format!("{} passages, not {passages}", s.passages()));
                        }
                        for i in window {
                            let (f, t) = &terms[i];
                            if s.doc_freq(f, t) != Some(expected[i]) {
                                wrong.push(format!(
                                    "`{t}` in {:?} passages, not {}",
                                    s.doc_freq(f, t),
                                    expected[i]
                                ));
                            }
                        }
                    }
                    wrong
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("statistics thread"))
            .collect()
    });
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// A web site on 127.0.0.1 with two linked pages about a made-up project.
fn small_site() -> String {
    use axum::response::Html;
    let page = |title: &'static str, link: &'static str| {
        Html(format!(
            "<!DOCTYPE html><html lang=\"nb\"><head><title>{title}</title></head><body><main><h1>{title}</h1><p>Tyttebærprosjektet samler kommunene i Trøndelag om kystkultur, havbruk og reiseliv langs leia. {title} forteller om arbeidet.</p><a href=\"{link}\">{link}</a></main></body></html>"
        ))
    };
    let app = axum::Router::new()
        .route(
            "/",
            axum::routing::get(move || async move { page("Tyttebærprosjektet", "/arbeid") }),
        )
        .route(
            "/arbeid",
            axum::routing::get(move || async move { page("Arbeidet i prosjektet", "/") }),
        );
    format!("http://{}", common::serve_loopback(app))
}

/// `kartotek --backend opensearch` on the cluster of `cfg`, with its own
/// `--index` folder `dir` (where a crawl keeps its state).
/// Run `cmd` to its end: its exit code and what it wrote to stderr.
fn exit_and_stderr(cmd: &mut Command) -> (Option<i32>, String) {
    let out = cmd.output().expect("run kartotek");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn kartotek_on(cfg: &Config, dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kartotek"));
    cmd.args(["--backend", "opensearch", "--opensearch-url"])
        .arg(cfg.connection.urls.join(","))
        .args(["--opensearch-index", &cfg.alias])
        .arg("--opensearch-shards")
        .arg(cfg.shards.to_string())
        .arg("--opensearch-replicas")
        .arg(cfg.replicas.to_string())
        .arg("--index")
        .arg(dir)
        .env_remove("KARTOTEK_ADMIN_KEY")
        .env_remove("KARTOTEK_SOURCES");
    cmd
}

#[test]
fn the_crawl_command_fills_the_cluster_and_keeps_its_state_locally() {
    let Some(urls) = urls() else { return };
    let cfg = config(&urls, "crawl");
    let site = small_site();
    let dir = tempfile::tempdir().expect("dir");
    let (code, err) = exit_and_stderr(kartotek_on(&cfg, dir.path()).args([
        "crawl",
        &format!("{site}/"),
        "--allow-private",
        "--delay-ms",
        "0",
        "-q",
    ]));
    assert_eq!(code, Some(0), "{err}");
    let cluster = Cluster::connect(&cfg).expect("connect");
    assert_eq!(cluster.document_count().expect("count"), 2, "{err}");
    let searcher = Searcher::opensearch(cluster.clone(), Taxonomy::builtin());
    let found = searcher
        .search(&Request::new("tyttebærprosjektet"))
        .expect("search");
    assert_eq!(found.total, 2);
    assert!(
        std::fs::read_dir(dir.path()).expect("dir").count() > 0,
        "the crawl state is kept in the --index folder"
    );
    cluster.drop_index().expect("drop");
}

#[test]
fn a_server_with_sources_crawls_them_into_the_cluster() {
    let Some(urls) = urls() else { return };
    let cfg = config(&urls, "schedule");
    let site = small_site();
    let dir = tempfile::tempdir().expect("dir");
    let sources = dir.path().join("sources.toml");
    std::fs::write(
        &sources,
        format!("allow_private = true\n[[source]]\nname = \"local\"\nstart = [\"{site}/\"]\ndelay_ms = 0\n"),
    )
    .expect("write sources");
    let mut child = kartotek_on(&cfg, &dir.path().join("state"))
        .args(["serve", "--addr", "127.0.0.1:0", "--sources"])
        .arg(&sources)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start kartotek serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).expect("read");
    let addr = line.trim().trim_start_matches("listening on ").to_string();
    let client = reqwest::blocking::Client::new();
    let started = Instant::now();
    let mut total = 0;
    while started.elapsed() < Duration::from_secs(60) {
        let r = client
            .get(format!("{addr}/api/search?q=tyttebærprosjektet"))
            .send()
            .ok()
            .and_then(|r| r.text().ok())
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok());
        total = r.and_then(|v| v["total"].as_u64()).unwrap_or(0);
        if total == 2 {
            break;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(
        total, 2,
        "the server's crawl put both pages in the cluster: {line}"
    );
    Cluster::connect(&cfg)
        .expect("connect")
        .drop_index()
        .expect("drop");
}
