//! The crawler against a test site served by axum on 127.0.0.1 (random
//! port) inside the test: robots.txt, crawl-delay, sitemaps, limits,
//! redirects, errors, timeouts, body cap, PDFs with context, incremental
//! re-crawls and removals. Nothing here touches an address outside
//! 127.0.0.1.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use kartotek::crawl::{self, CrawlOptions, CrawlSummary, Quiet};
use kartotek::document::{Document, Format};
use kartotek::index::Index;

use crate::common::{fixture, options};

/// What the test site answers for one path.
#[derive(Clone, Default)]
struct Route {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    etag: Option<String>,
    last_modified: Option<String>,
    location: Option<String>,
    delay: Duration,
    /// Stream this many 64 KiB chunks without a Content-Length.
    endless_chunks: usize,
}

/// One request the site received.
#[derive(Clone, Debug)]
struct Hit {
    path: String,
    at: Instant,
    if_none_match: Option<String>,
    if_modified_since: Option<String>,
    user_agent: String,
}

#[derive(Default)]
struct SiteState {
    routes: HashMap<String, Route>,
    hits: Vec<Hit>,
}

/// A test site on 127.0.0.1.
struct Site {
    base: String,
    state: Arc<Mutex<SiteState>>,
}

impl Site {
    fn start() -> Site {
        let state = Arc::new(Mutex::new(SiteState::default()));
        let st = Arc::clone(&state);
        let app = axum::Router::new().fallback(serve).with_state(st);
        let addr = crate::common::serve_loopback(app);
        Site {
            base: format!("http://{addr}"),
            state,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn set(&self, path: &str, route: Route) {
        self.state
            .lock()
            .unwrap()
            .routes
            .insert(path.to_string(), route);
    }

    fn page(&self, path: &str, title: &str, links: &[&str]) {
        self.set(path, html(title, links));
    }

    fn hits(&self) -> Vec<Hit> {
        self.state.lock().unwrap().hits.clone()
    }

    fn hits_of(&self, path: &str) -> Vec<Hit> {
        self.hits().into_iter().filter(|h| h.path == path).collect()
    }

    fn clear_hits(&self) {
        self.state.lock().unwrap().hits.clear();
    }
}

async fn serve(State(st): State<Arc<Mutex<SiteState>>>, req: Request) -> Response {
    let hit = {
        let h = |name: header::HeaderName| {
            req.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        Hit {
            path: req
                .uri()
                .path_and_query()
                .map(|p| p.as_str().to_string())
                .unwrap_or_default(),
            at: Instant::now(),
            if_none_match: h(header::IF_NONE_MATCH),
            if_modified_since: h(header::IF_MODIFIED_SINCE),
            user_agent: h(header::USER_AGENT).unwrap_or_default(),
        }
    };
    drop(req);
    let path = hit.path.clone();
    let route = {
        let mut s = st.lock().unwrap();
        s.hits.push(hit.clone());
        s.routes.get(&path).cloned()
    };
    let Some(route) = route else {
        return Response::builder()
            .status(404)
            .body(Body::from("not found"))
            .unwrap();
    };
    if !route.delay.is_zero() {
        tokio::time::sleep(route.delay).await;
    }
    let not_modified = match (&route.etag, &hit.if_none_match) {
        (Some(e), Some(inm)) => e == inm,
        _ => match (&route.last_modified, &hit.if_modified_since) {
            (Some(lm), Some(ims)) => lm == ims,
            _ => false,
        },
    };
    let mut b = Response::builder();
    if let Some(e) = &route.etag {
        b = b.header(header::ETAG, e);
    }
    if let Some(lm) = &route.last_modified {
        b = b.header(header::LAST_MODIFIED, lm);
    }
    if not_modified {
        return b.status(304).body(Body::empty()).unwrap();
    }
    if let Some(loc) = &route.location {
        b = b.header(header::LOCATION, loc);
    }
    b = b
        .status(StatusCode::from_u16(route.status).unwrap())
        .header(
            header::CONTENT_TYPE,
            HeaderValue::from_static(route.content_type),
        );
    if route.endless_chunks > 0 {
        let chunks = (0..route.endless_chunks)
            .map(|_| Ok::<_, std::io::Error>(Bytes::from(vec![b'a'; 64 * 1024])));
        return b
            .body(Body::from_stream(futures_util::stream::iter(chunks)))
            .unwrap();
    }
    b.body(Body::from(route.body)).unwrap()
}

const TEXT: &str =
    "Trøndelag fylkeskommune samarbeider med regionar i Europa om berekraftig utvikling, \
innovasjon og kultur. Programmet gir støtte til prosjekt som styrkjer samarbeidet over grensene.";

fn html(title: &str, links: &[&str]) -> Route {
    let anchors: String = links
        .iter()
        .map(|l| format!("<li><a href=\"{l}\">{l}</a></li>"))
        .collect();
    Route {
        status: 200,
        content_type: "text/html; charset=utf-8",
        body: format!(
            "<!DOCTYPE html><html lang=\"nn\"><head><title>{title}</title></head><body><main><h1>{title}</h1><p>{TEXT}</p><p>{title}: {TEXT}</p><ul>{anchors}</ul></main></body></html>"
        )
        .into_bytes(),
        ..Route::default()
    }
}

fn status(code: u16) -> Route {
    Route {
        status: code,
        content_type: "text/plain",
        body: b"error".to_vec(),
        ..Route::default()
    }
}

fn redirect(to: &str) -> Route {
    Route {
        status: 302,
        content_type: "text/plain",
        location: Some(to.to_string()),
        ..Route::default()
    }
}

/// Crawl options for the local site: private addresses allowed, no delay.
fn opts() -> CrawlOptions {
    CrawlOptions {
        allow_private: true,
        delay: Duration::ZERO,
        timeout: Duration::from_secs(5),
        ..CrawlOptions::default()
    }
}

fn run(index: &Index, site: &Site, o: &CrawlOptions) -> CrawlSummary {
    crawl::crawl_index(index, &options(), &[site.url("/")], o, &mut Quiet).unwrap()
}

fn doc(index: &Index, url: &str) -> Option<Document> {
    let key = kartotek::crawl::url::identity(&kartotek::crawl::url::normalize(url, None).unwrap());
    index.get_document(&Document::id_for(&key)).unwrap()
}

#[test]
fn robots_txt_disallow_is_honoured() {
    let site = Site::start();
    site.set(
        "/robots.txt",
        Route {
            status: 200,
            content_type: "text/plain",
            body: b"User-agent: *\nDisallow: /private/\n".to_vec(),
            ..Route::default()
        },
    );
    site.page("/", "Start", &["/private/secret", "/public"]);
    site.page("/private/secret", "Secret", &[]);
    site.page("/public", "Public", &[]);
    let index = Index::in_ram().unwrap();
    let s = run(&index, &site, &opts());
    assert!(
        site.hits_of("/private/secret").is_empty(),
        "disallowed page fetched"
    );
    assert_eq!(s.skipped.get("robots"), Some(&1), "{s:?}");
    assert_eq!(s.indexed, 2, "{s:?}");
    assert!(doc(&index, &site.url("/public")).is_some());
    let ua = &site.hits_of("/")[0].user_agent;
    assert!(ua.starts_with("kartotek/"), "{ua}");
}

#[test]
fn crawl_delay_from_robots_txt_is_respected() {
    let site = Site::start();
    site.set(
        "/robots.txt",
        Route {
            status: 200,
            content_type: "text/plain",
            body: b"User-agent: *\nCrawl-delay: 0.3\n".to_vec(),
            ..Route::default()
        },
    );
    site.page("/", "Start", &["/a", "/b", "/c"]);
    for p in ["/a", "/b", "/c"] {
        site.page(p, p, &[]);
    }
    let index = Index::in_ram().unwrap();
    let mut o = opts();
    o.discover_sitemaps = false;
    o.workers = 4;
    o.per_host = 4;
    let s = run(&index, &site, &o);
    assert_eq!(s.fetched, 4, "{s:?}");
    let hits = site.hits();
    assert_eq!(hits.len(), 5, "robots.txt + 4 pages: {hits:?}");
    for pair in hits.windows(2) {
        let gap = pair[1].at - pair[0].at;
        assert!(
            gap >= Duration::from_millis(290),
            "{} → {} only {gap:?} apart",
            pair[0].path,
            pair[1].path
        );
    }
}

#[test]
fn sitemap_from_robots_txt_and_sitemap_index_are_read() {
    let site = Site::start();
    site.set(
        "/robots.txt",
        Route {
            status: 200,
            content_type: "text/plain",
            body: format!(
                "User-agent: *\nDisallow:\nSitemap: {}\n",
                site.url("/sitemap-index.xml")
            )
            .into_bytes(),
            ..Route::default()
        },
    );
    site.set(
        "/sitemap-index.xml",
        Route {
            status: 200,
            content_type: "application/xml",
            body: format!(
                "<?xml version=\"1.0\"?><sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><sitemap><loc>{}</loc></sitemap></sitemapindex>",
                site.url("/sitemap-pages.xml")
            )
            .into_bytes(),
            ..Route::default()
        },
    );
    site.set(
        "/sitemap-pages.xml",
        Route {
            status: 200,
            content_type: "application/xml",
            body: format!(
                "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc>{}</loc></url></urlset>",
                site.url("/orphan")
            )
            .into_bytes(),
            ..Route::default()
        },
    );
    site.page("/", "Start", &[]);
    site.page("/orphan", "Only in the sitemap", &[]);
    let index = Index::in_ram().unwrap();
    let s = run(&index, &site, &opts());
    assert_eq!(s.indexed, 2, "{s:?}");
    let d = doc(&index, &site.url("/orphan")).expect("sitemap page indexed");
    assert!(d.title.starts_with("Only in the sitemap"), "{}", d.title);
}

#[test]
fn depth_and_page_limits_stop_the_crawl() {
    let site = Site::start();
    site.page("/", "Start", &["/d1"]);
    site.page("/d1", "D1", &["/d2"]);
    site.page("/d2", "D2", &["/d3"]);
    site.page("/d3", "D3", &[]);
    let index = Index::in_ram().unwrap();
    let mut o = opts();
    o.max_depth = 2;
    let s = run(&index, &site, &o);
    assert_eq!(s.indexed, 3, "{s:?}");
    assert!(
        site.hits_of("/d3").is_empty(),
        "page beyond the depth limit fetched"
    );
    assert_eq!(s.skipped.get("depth"), Some(&1), "{s:?}");

    let site = Site::start();
    let links: Vec<String> = (1..=9).map(|i| format!("/p{i}")).collect();
    let refs: Vec<&str> = links.iter().map(String::as_str).collect();
    site.page("/", "Start", &refs);
    for l in &links {
        site.page(l, l, &[]);
    }
    let index = Index::in_ram().unwrap();
    let mut o = opts();
    o.max_pages = 4;
    let s = run(&index, &site, &o);
    assert_eq!(s.fetched, 4, "{s:?}");
    assert_eq!(s.queued, 6, "{s:?}");
    let pages = site
        .hits()
        .iter()
        .filter(|h| h.path == "/" || h.path.starts_with("/p"))
        .count();
    assert_eq!(pages, 4);
}

#[test]
fn redirect_loop_is_stopped_and_a_redirect_updates_the_url() {
    let site = Site::start();
    site.page("/", "Start", &["/loop-a", "/old"]);
    site.set("/loop-a", redirect("/loop-b"));
    site.set("/loop-b", redirect(&site.url("/loop-a")));
    site.set("/old", redirect("/new"));
    site.page("/new", "New home", &[]);
    let index = Index::in_ram().unwrap();
    let s = run(&index, &site, &opts());
    let f = s
        .failed
        .iter()
        .find(|f| f.url.ends_with("/loop-a"))
        .unwrap_or_else(|| panic!("loop not reported: {s:?}"));
    assert!(f.reason.starts_with("redirect loop"), "{}", f.reason);
    assert!(site.hits_of("/loop-a").len() <= 2, "loop followed");
    assert_eq!(s.indexed, 2, "{s:?}");
    let d = doc(&index, &site.url("/new")).expect("redirect target indexed under its URL");
    assert_eq!(d.url, site.url("/new"));
    assert!(doc(&index, &site.url("/old")).is_none());
}

#[test]
fn not_found_and_server_error_are_reported_and_the_crawl_goes_on() {
    let site = Site::start();
    site.page("/", "Start", &["/missing", "/broken", "/fine"]);
    site.set("/broken", status(500));
    site.page("/fine", "Fine", &[]);
    let index = Index::in_ram().unwrap();
    let s = run(&index, &site, &opts());
    assert_eq!(s.indexed, 2, "{s:?}");
    let reason = |p: &str| {
        s.failed
            .iter()
            .find(|f| f.url.ends_with(p))
            .map(|f| f.reason.clone())
            .unwrap_or_default()
    };
    assert!(reason("/missing").contains("HTTP 404 Not Found"), "{s:?}");
    assert!(reason("/broken").contains("HTTP 500"), "{s:?}");
    assert_eq!(s.failed.len(), 2);
}

#[test]
fn a_slow_page_times_out() {
    let site = Site::start();
    site.page("/", "Start", &["/slow", "/fast"]);
    let mut slow = html("Slow", &[]);
    slow.delay = Duration::from_secs(5);
    site.set("/slow", slow);
    site.page("/fast", "Fast", &[]);
    let index = Index::in_ram().unwrap();
    let mut o = opts();
    o.timeout = Duration::from_millis(600);
    let t = Instant::now();
    let s = run(&index, &site, &o);
    assert!(t.elapsed() < Duration::from_secs(4), "{:?}", t.elapsed());
    let f = s
        .failed
        .iter()
        .find(|f| f.url.ends_with("/slow"))
        .expect("slow page failed");
    assert!(f.reason.contains("timed out"), "{}", f.reason);
    assert_eq!(s.indexed, 2, "{s:?}");
}

#[test]
fn an_oversized_page_is_cut_off() {
    let site = Site::start();
    site.page("/", "Start", &["/huge", "/declared"]);
    // 64 MiB streamed without a Content-Length: reading must stop at the cap
    site.set(
        "/huge",
        Route {
            status: 200,
            content_type: "text/html",
            endless_chunks: 1024,
            ..Route::default()
        },
    );
    // a Content-Length over the cap: refused before reading
    site.set(
        "/declared",
        Route {
            status: 200,
            content_type: "text/html",
            body: vec![b'x'; 300 * 1024],
            ..Route::default()
        },
    );
    let index = Index::in_ram().unwrap();
    let mut o = opts();
    o.max_bytes = 256 * 1024;
    let t = Instant::now();
    let s = run(&index, &site, &o);
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    for p in ["/huge", "/declared"] {
        let f = s
            .failed
            .iter()
            .find(|f| f.url.ends_with(p))
            .unwrap_or_else(|| panic!("{p} not reported: {s:?}"));
        assert!(f.reason.contains("too large"), "{}", f.reason);
    }
    assert_eq!(s.indexed, 1);
}

#[test]
fn a_linked_pdf_is_ingested_with_the_page_as_context() {
    let site = Site::start();
    site.page("/", "Start", &["/rapportar"]);
    site.page(
        "/rapportar",
        "Rapportar frå kystsoneplanen",
        &["/filer/sluttrapport.pdf"],
    );
    site.set(
        "/filer/sluttrapport.pdf",
        Route {
            status: 200,
            content_type: "application/pdf",
            body: std::fs::read(fixture("long-report.pdf")).unwrap(),
            ..Route::default()
        },
    );
    let index = Index::in_ram().unwrap();
    let s = run(&index, &site, &opts());
    assert!(s.failed.is_empty(), "{s:?}");
    let d = doc(&index, &site.url("/filer/sluttrapport.pdf")).expect("pdf indexed");
    assert_eq!(d.format, Format::Pdf);
    assert_eq!(d.pages, 7);
    let ctx = d.context.expect("context kept");
    assert!(
        ctx.title.starts_with("Rapportar frå kystsoneplanen"),
        "{}",
        ctx.title
    );
    assert_eq!(ctx.url, site.url("/rapportar"));
    // pages themselves carry no context
    assert!(doc(&index, &site.url("/rapportar"))
        .unwrap()
        .context
        .is_none());
}

#[test]
fn linked_word_97_and_excel_files_are_fetched_and_indexed() {
    // links ending in .doc and .xlsx were skipped by their extension
    let site = Site::start();
    site.page(
        "/",
        "Vedlegg",
        &["/filer/tiltaksplan.doc", "/filer/prosjektliste.xlsx"],
    );
    for (path, content_type, file) in [
        (
            "/filer/tiltaksplan.doc",
            "application/msword",
            "office/lofoten-libreoffice.doc",
        ),
        (
            "/filer/prosjektliste.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "office/prosjektliste-aurora.xlsx",
        ),
    ] {
        site.set(
            path,
            Route {
                status: 200,
                content_type,
                body: std::fs::read(fixture(file)).unwrap(),
                ..Route::default()
            },
        );
    }
    let index = Index::in_ram().unwrap();
    let s = run(&index, &site, &opts());
    assert!(s.failed.is_empty(), "{s:?}");
    let d = doc(&index, &site.url("/filer/tiltaksplan.doc")).expect("doc indexed");
    assert_eq!(d.format, Format::Doc);
    let d = doc(&index, &site.url("/filer/prosjektliste.xlsx")).expect("xlsx indexed");
    assert_eq!(d.format, Format::Xlsx);
}

#[test]
fn a_recrawl_sends_conditional_requests_and_reindexes_only_the_changed_page() {
    let site = Site::start();
    let with_etag = |title: &str, links: &[&str], etag: &str| Route {
        etag: Some(format!("\"{etag}\"")),
        ..html(title, links)
    };
    site.set("/", with_etag("Start", &["/a", "/b", "/c"], "s1"));
    site.set("/a", with_etag("Page A", &[], "a1"));
    site.set("/b", with_etag("Page B", &[], "b1"));
    site.set(
        "/c",
        Route {
            last_modified: Some("Wed, 01 May 2024 10:00:00 GMT".into()),
            ..html("Page C", &[])
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let index = Index::open_or_create(dir.path()).unwrap();
    let first = run(&index, &site, &opts());
    assert_eq!(first.indexed, 4, "{first:?}");
    assert!(dir.path().join("crawl-state.json").exists());

    site.set("/b", with_etag("Page B, second edition", &[], "b2"));
    site.clear_hits();
    let second = run(&index, &site, &opts());
    assert_eq!(second.indexed, 1, "{second:?}");
    assert_eq!(second.not_modified, 3, "{second:?}");
    assert_eq!(second.fetched, 4, "{second:?}");
    for (p, want) in [("/", "\"s1\""), ("/a", "\"a1\""), ("/b", "\"b1\"")] {
        let h = &site.hits_of(p)[0];
        assert_eq!(h.if_none_match.as_deref(), Some(want), "{p}");
    }
    assert_eq!(
        site.hits_of("/c")[0].if_modified_since.as_deref(),
        Some("Wed, 01 May 2024 10:00:00 GMT")
    );
    let b = doc(&index, &site.url("/b")).unwrap();
    assert!(b.title.contains("second edition"), "{}", b.title);
    // links of 304 pages are still followed: the pages behind `/` were all requested
    assert_eq!(site.hits_of("/a").len(), 1);
}

#[test]
fn a_removed_page_disappears_from_the_index() {
    let site = Site::start();
    site.page("/", "Start", &["/gone", "/unlinked"]);
    site.page("/gone", "Soon gone", &[]);
    site.page("/unlinked", "Soon unlinked and gone", &[]);
    let dir = tempfile::tempdir().unwrap();
    let index = Index::open_or_create(dir.path()).unwrap();
    let first = run(&index, &site, &opts());
    assert_eq!(first.indexed, 3, "{first:?}");
    assert!(doc(&index, &site.url("/gone")).is_some());

    site.set("/gone", status(404));
    site.set("/unlinked", status(410));
    site.page("/", "Start", &["/gone"]);
    let second = run(&index, &site, &opts());
    assert_eq!(second.removed, 2, "{second:?}");
    assert!(second.failed.is_empty(), "{second:?}");
    assert!(doc(&index, &site.url("/gone")).is_none());
    assert!(doc(&index, &site.url("/unlinked")).is_none());
    assert!(doc(&index, &site.url("/")).is_some());
}

#[test]
fn noindex_duplicates_and_canonical_urls_are_handled() {
    let site = Site::start();
    site.page(
        "/",
        "Start",
        &[
            "/hidden",
            "/copy-1",
            "/copy-2",
            "/page?utm_source=x",
            "/print?id=1",
        ],
    );
    let mut hidden = html("Hidden", &["/behind-hidden"]);
    hidden.body = String::from_utf8(hidden.body)
        .unwrap()
        .replace("<head>", "<head><meta name=\"robots\" content=\"noindex\">")
        .into_bytes();
    site.set("/hidden", hidden);
    site.page("/behind-hidden", "Behind", &[]);
    site.page("/copy-1", "Copy", &[]);
    site.page("/copy-2", "Copy", &[]);
    site.page("/page", "Page", &[]);
    let mut print = html("Printable", &[]);
    print.body = String::from_utf8(print.body)
        .unwrap()
        .replace(
            "<head>",
            "<head><link rel=\"canonical\" href=\"/printable\">",
        )
        .into_bytes();
    site.set("/print?id=1", print);
    let index = Index::in_ram().unwrap();
    let s = run(&index, &site, &opts());
    assert_eq!(s.skipped.get("noindex"), Some(&1), "{s:?}");
    assert_eq!(s.skipped.get("duplicate"), Some(&1), "{s:?}");
    assert!(doc(&index, &site.url("/hidden")).is_none());
    assert!(
        doc(&index, &site.url("/behind-hidden")).is_some(),
        "noindex page's links followed"
    );
    // tracking parameters are dropped before the request
    assert_eq!(site.hits_of("/page").len(), 1);
    let printable = doc(&index, &site.url("/printable")).expect("indexed under its canonical URL");
    assert_eq!(printable.url, site.url("/printable"));
    assert!(s.failed.is_empty(), "{s:?}");
}

#[test]
fn facet_values_of_a_source_are_attached() {
    let site = Site::start();
    site.page("/", "Start", &[]);
    let file = kartotek::crawl::sources::SourcesFile::parse(&format!(
        "allow_private = true\n[[source]]\nname = \"test\"\nstart = [\"{}\"]\ndelay_ms = 0\n[source.facets]\nprogramme = [\"/interreg\"]\n",
        site.url("/")
    ))
    .unwrap();
    let index = Index::in_ram().unwrap();
    let mut writer = index.writer(kartotek::index::DEFAULT_WRITER_HEAP).unwrap();
    let mut sink = crawl::WriterSink {
        store: &index,
        writer: &mut writer,
        opts: options(),
    };
    let s = crawl::schedule::crawl_sources(
        &index,
        &mut sink,
        &file,
        &CrawlOptions::default(),
        &mut Quiet,
    )
    .unwrap();
    assert_eq!(s.indexed, 1, "{s:?}");
    let d = doc(&index, &site.url("/")).unwrap();
    assert!(
        d.facets
            .iter()
            .any(|f| f.facet == "programme" && f.path == "/interreg"),
        "{:?}",
        d.facets
    );
}

#[test]
fn private_addresses_and_other_schemes_are_refused() {
    let index = Index::in_ram().unwrap();
    let no_private = CrawlOptions {
        allow_private: false,
        ..opts()
    };
    for (url, want) in [
        ("http://127.0.0.1:9/", "`127.0.0.1`"),
        ("file:///etc/passwd", "`file:` scheme"),
        ("data:text/html,hi", "`data:` scheme"),
    ] {
        let e = crawl::crawl_index(
            &index,
            &options(),
            &[url.to_string()],
            &no_private,
            &mut Quiet,
        )
        .err()
        .unwrap_or_else(|| panic!("{url} accepted"));
        assert!(e.to_string().contains(want), "{url}: {e}");
        assert_eq!(e.code().exit_code(), 2);
    }
    // a host name that resolves to loopback is refused when connecting
    let s = crawl::crawl_index(
        &index,
        &options(),
        &["http://localhost:9/".to_string()],
        &no_private,
        &mut Quiet,
    )
    .unwrap();
    assert_eq!(s.failed.len(), 1, "{s:?}");
    assert!(
        s.failed[0].reason.contains("private"),
        "{}",
        s.failed[0].reason
    );
}

#[test]
fn crawl_command_reports_failures_and_exits_1() {
    let site = Site::start();
    site.page("/", "Start", &["/missing"]);
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kartotek"))
        .args([
            "--index",
            &dir.path().join("i").display().to_string(),
            "crawl",
        ])
        .arg(site.url("/"))
        .args(["--allow-private", "--delay-ms", "0", "--quiet"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("/missing: the server answered HTTP 404 Not Found"),
        "{err}"
    );
    assert!(err.contains("indexed 1"), "{err}");
    assert!(err.contains("failed 1 (HTTP 404 Not Found 1)"), "{err}");

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kartotek"))
        .args([
            "--index",
            &dir.path().join("i").display().to_string(),
            "crawl",
        ])
        .arg(site.url("/"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "private address without --allow-private"
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kartotek"))
        .args(["crawl", "file:///etc/passwd"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("only http and https"));
}

#[test]
fn ingest_sources_crawls_every_source_of_the_file() {
    let site = Site::start();
    site.page("/", "Start", &["/a"]);
    site.page("/a", "A", &[]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sources.toml");
    std::fs::write(
        &file,
        format!(
            "allow_private = true\n[[source]]\nname = \"local\"\nstart = [\"{}\"]\ndelay_ms = 0\n",
            site.url("/")
        ),
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kartotek"))
        .args([
            "--index",
            &dir.path().join("i").display().to_string(),
            "ingest",
            "--sources",
        ])
        .arg(&file)
        .arg("--quiet")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("indexed 2"), "{err}");
    std::fs::write(
        &file,
        "[[source]]\nname = \"bad\"\nstart = [\"ftp://x.org\"]\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kartotek"))
        .args([
            "--index",
            &dir.path().join("i").display().to_string(),
            "ingest",
            "--sources",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("source `bad`"));
}

#[test]
fn a_site_taken_out_of_the_sources_file_leaves_the_index_with_prune() {
    // two sites, told apart by host name: 127.0.0.1 and localhost
    let kept = Site::start();
    kept.page("/", "Kept start", &["/a"]);
    kept.page("/a", "Kept A", &[]);
    let gone = Site::start();
    gone.page("/", "Gone start", &["/b"]);
    gone.page("/b", "Gone B", &[]);
    let gone_url = |path: &str| gone.url(path).replace("127.0.0.1", "localhost");
    let dir = tempfile::tempdir().unwrap();
    let index_dir = dir.path().join("i");
    let file = dir.path().join("sources.toml");
    let source = |name: &str, start: &str| {
        format!("[[source]]\nname = \"{name}\"\nstart = [\"{start}\"]\ndelay_ms = 0\n")
    };
    let ingest = |extra: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_kartotek"))
            .args([
                "--index",
                &index_dir.display().to_string(),
                "ingest",
                "--quiet",
                "--sources",
            ])
            .arg(&file)
            .args(extra)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(out.status.code(), Some(0), "{err}");
        err
    };
    let docs = || {
        let index = Index::open_or_create(&index_dir).unwrap();
        let found = |u: &str| doc(&index, u).is_some();
        [
            found(&kept.url("/")),
            found(&kept.url("/a")),
            found(&gone_url("/")),
            found(&gone_url("/b")),
        ]
    };
    std::fs::write(
        &file,
        format!(
            "allow_private = true\n{}{}",
            source("kept", &kept.url("/")),
            source("gone", &gone_url("/"))
        ),
    )
    .unwrap();
    ingest(&[]);
    assert_eq!(docs(), [true; 4]);

    std::fs::write(
        &file,
        format!("allow_private = true\n{}", source("kept", &kept.url("/"))),
    )
    .unwrap();
    // without --prune nothing is removed
    ingest(&[]);
    assert_eq!(docs(), [true; 4]);
    let err = ingest(&["--prune"]);
    assert!(err.contains("pruned 2 documents"), "{err}");
    assert_eq!(docs(), [true, true, false, false]);
    // the state forgot them and the schedule time of the removed source
    let state =
        kartotek::crawl::state::State::load(&kartotek::crawl::state::State::path_for(&index_dir));
    assert!(
        state.urls.keys().all(|k| !k.contains("localhost")),
        "{:?}",
        state.urls.keys()
    );
    assert!(state.last_run.contains_key("kept") && !state.last_run.contains_key("gone"));
    // pruning again finds nothing more
    let err = ingest(&["--prune"]);
    assert!(err.contains("pruned 0 documents"), "{err}");
    assert_eq!(docs(), [true, true, false, false]);
}

#[test]
fn the_charset_of_the_content_type_is_honoured() {
    let site = Site::start();
    site.page("/", "Start", &["/latin1"]);
    let page = format!(
        "<html><head><title>Søknadsfrist for støtte</title></head><body><main><p>{TEXT}</p><p>Søknadsfristen er 1. mars. Møre og Romsdal.</p></main></body></html>"
    );
    // ISO-8859-1 bytes: every char here is below U+0100
    let latin1: Vec<u8> = page.chars().map(|c| c as u32 as u8).collect();
    site.set(
        "/latin1",
        Route {
            status: 200,
            content_type: "text/html; charset=iso-8859-1",
            body: latin1,
            ..Route::default()
        },
    );
    let index = Index::in_ram().unwrap();
    let s = run(&index, &site, &opts());
    assert_eq!(s.indexed, 2, "{s:?}");
    let d = doc(&index, &site.url("/latin1")).unwrap();
    assert_eq!(d.title, "Søknadsfrist for støtte");
    let text: String = d.passages.iter().map(|p| p.text.as_str()).collect();
    assert!(text.contains("Møre og Romsdal"), "{text}");
}
