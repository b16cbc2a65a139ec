//! Measure what a crawl and a re-crawl cost, against a synthetic site served
//! on 127.0.0.1 (no other address is touched): a 201-page tree (`/`, 10
//! sections, 19 pages each) with ETags, crawled once, crawled again
//! unchanged, then again after 5 pages changed. Reports wall time, requests,
//! body bytes served, and the crawl summaries.
//!
//! `cargo run --release -p kartotek-bench --example measure_crawl [PAGES_PER_SECTION]`

// the product binary's allocator (see `kartotek::Allocator`)
use kartotek_bench as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header;
use axum::response::Response;
use kartotek::crawl::{self, CrawlOptions, Quiet};
use kartotek::index::Index;
use kartotek::ingest::Options;
use kartotek::taxonomy::Taxonomy;

#[derive(Default)]
struct Site {
    per_section: usize,
    /// Pages whose content (and ETag) changed.
    changed: Mutex<Vec<String>>,
    requests: AtomicU64,
    not_modified: AtomicU64,
    body_bytes: AtomicU64,
}

const PARA: &str = "Trøndelag fylkeskommune samarbeider med regionar i Europa om berekraftig utvikling, innovasjon og kultur. Interreg-programmet gir støtte til prosjekt som styrkjer samarbeidet over grensene, og regionkontoret i Brussel hjelper søkjarane. ";

fn page(site: &Site, path: &str) -> Option<(String, String)> {
    let sections = 10;
    let links: Vec<String> = if path == "/" {
        (0..sections).map(|s| format!("/s{s}/")).collect()
    } else if let Some(s) = path.strip_prefix("/s").and_then(|r| r.strip_suffix('/')) {
        let s: usize = s.parse().ok()?;
        if s >= sections {
            return None;
        }
        (0..site.per_section)
            .map(|p| format!("/s{s}/p{p}"))
            .collect()
    } else if path.starts_with("/s") && path.contains("/p") {
        vec!["/".into()]
    } else {
        return None;
    };
    let version = if site.changed.lock().ok()?.iter().any(|c| c == path) {
        2
    } else {
        1
    };
    let anchors: String = links
        .iter()
        .map(|l| format!("<li><a href=\"{l}\">{l}</a></li>"))
        .collect();
    let body = format!(
        "<!DOCTYPE html><html lang=\"nn\"><head><title>Side {path} v{version}</title></head><body><nav><ul>{anchors}</ul></nav><main><h1>Side {path}</h1><p>{}</p><p>Versjon {version}.</p></main></body></html>",
        PARA.repeat(12)
    );
    Some((body, format!("\"{path}-v{version}\"")))
}

async fn serve(State(site): State<Arc<Site>>, req: Request) -> Response {
    site.requests.fetch_add(1, Ordering::Relaxed);
    let path = req.uri().path().to_string();
    let inm = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let Some((body, etag)) = page(&site, &path) else {
        return Response::builder()
            .status(404)
            .body(Body::empty())
            .unwrap_or_default();
    };
    if inm.as_deref() == Some(etag.as_str()) {
        site.not_modified.fetch_add(1, Ordering::Relaxed);
        return Response::builder()
            .status(304)
            .header(header::ETAG, etag)
            .body(Body::empty())
            .unwrap_or_default();
    }
    site.body_bytes
        .fetch_add(body.len() as u64, Ordering::Relaxed);
    Response::builder()
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .header(header::ETAG, etag)
        .body(Body::from(body))
        .unwrap_or_default()
}

fn main() {
    let per_section: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(19);
    let site = Arc::new(Site {
        per_section,
        ..Site::default()
    });
    let st = Arc::clone(&site);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(listener.local_addr().expect("addr")).expect("send");
            let app = axum::Router::new().fallback(serve).with_state(st);
            axum::serve(listener, app).await.expect("serve");
        });
    });
    let addr = rx.recv().expect("address");
    let start = vec![format!("http://{addr}/")];
    let dir = tempfile::tempdir().expect("tempdir");
    let index = Index::open_or_create(dir.path()).expect("index");
    let ingest = Options::new(Taxonomy::builtin());
    let opts = CrawlOptions {
        allow_private: true,
        delay: Duration::ZERO,
        per_host: 4,
        workers: 4,
        max_pages: 100_000,
        ..CrawlOptions::default()
    };
    let total = 1 + 10 + 10 * per_section;
    println!("site: {total} pages on http://{addr}/ (delay 0, 4 workers, 4 per host)");
    for (round, change) in [
        ("first crawl", 0usize),
        ("re-crawl, unchanged", 0),
        ("re-crawl, 5 changed", 5),
    ] {
        if change > 0 {
            if let Ok(mut c) = site.changed.lock() {
                c.extend((0..change).map(|i| format!("/s{i}/p0")));
            }
        }
        site.requests.store(0, Ordering::Relaxed);
        site.not_modified.store(0, Ordering::Relaxed);
        site.body_bytes.store(0, Ordering::Relaxed);
        let t = Instant::now();
        let s = crawl::crawl_index(&index, &ingest, &start, &opts, &mut Quiet).expect("crawl");
        let secs = t.elapsed().as_secs_f64();
        println!(
            "{round:>22}: {secs:6.2} s, {:4} requests ({:4} answered 304), {:8} body bytes served; fetched {}, indexed {}, unchanged {}, not modified {}, failed {}",
            site.requests.load(Ordering::Relaxed),
            site.not_modified.load(Ordering::Relaxed),
            site.body_bytes.load(Ordering::Relaxed),
            s.fetched,
            s.indexed,
            s.unchanged,
            s.not_modified,
            s.failed.len()
        );
    }
}
