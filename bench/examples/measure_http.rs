//! Latency of `/api/search` over HTTP at a fixed offered rate, against the
//! same queries run in-process with `Searcher::search`: the server's
//! overhead as a ratio.
//!
//! Open loop: request *i* is sent at `start + i / rate` whatever happened to
//! earlier ones, and its latency is measured from that scheduled time, so a
//! stall shows up in the numbers instead of slowing the load down
//! (no coordinated omission). Everything runs on 127.0.0.1.
//!
//! ```text
//! cargo run --release -p kartotek-bench --example measure_http            # 100 and 500 req/s, 10 s each
//! KARTOTEK_RATES=200 KARTOTEK_SECONDS=5 cargo run --release -p kartotek-bench --example measure_http
//! ```

// the product binary's allocator (see `kartotek::Allocator`)
use kartotek_bench as _;
use std::time::{Duration, Instant};

use kartotek::index::Index;
use kartotek::ingest::{self, source, Options, Silent};
use kartotek::search::{Request, Searcher};
use kartotek::server::{app, AppState, Config};
use kartotek::taxonomy::Taxonomy;

/// The query mix: plain words, phrases, diacritics, filters (repeated too).
const QUERIES: &[&str] = &[
    "q=interreg",
    "q=tr%C3%B8ndelag",
    "q=trondelag+strategi",
    "q=horizon+europe",
    "q=%22internasjonalt+samarbeid%22",
    "q=innovasjon&lang=nb",
    "q=europe&programme=%2Finterreg",
    "q=samarbeid&programme=%2Finterreg&programme=%2Ferasmus-plus",
    "q=brussels&region=%2Fbelgium",
    "q=nordic+council&network=%2Fnordic-council",
    "q=b%C3%A6rekraft",
    "q=universitet+forskning&limit=20",
];

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn to_request(qs: &str) -> Request {
    let mut req = Request::new("");
    for (k, v) in form_urlencoded::parse(qs.as_bytes()) {
        match k.as_ref() {
            "q" => req.q = v.into_owned(),
            "limit" => req.limit = v.parse().unwrap_or(10),
            f => req = req.filter(f, &v),
        }
    }
    req
}

fn main() {
    let rates: Vec<u64> = std::env::var("KARTOTEK_RATES")
        .unwrap_or_else(|_| "100,500".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let seconds: u64 = std::env::var("KARTOTEK_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);

    let index = Index::in_ram().expect("index");
    ingest::run(
        &index,
        source::builtin_jobs(),
        &Options::new(Taxonomy::builtin()),
        &mut Silent,
    )
    .expect("ingest");
    println!(
        "index: {} documents, {} passages",
        index.num_documents(),
        index.num_passages()
    );

    // In-process: the same queries, facets and snippets on, one after another.
    let searcher = Searcher::new(index.clone(), Taxonomy::builtin());
    let reqs: Vec<Request> = QUERIES.iter().map(|q| to_request(q)).collect();
    for r in &reqs {
        searcher.search(r).expect("warm-up");
    }
    let mut inproc = Vec::new();
    let until = Instant::now() + Duration::from_secs(seconds.min(5));
    let mut i = 0;
    while Instant::now() < until {
        let t = Instant::now();
        let resp = searcher.search(&reqs[i % reqs.len()]).expect("search");
        inproc.push(t.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(resp);
        i += 1;
    }
    inproc.sort_by(f64::total_cmp);
    let (ip50, ip99) = (percentile(&inproc, 0.5), percentile(&inproc, 0.99));
    println!(
        "in-process Searcher::search: n={} p50={ip50:.3} ms p99={ip99:.3} ms",
        inproc.len()
    );

    // The server on its own runtime (2 workers, as `kartotek serve` on this machine).
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let listener = server_rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let state = AppState::with_writer(index, Taxonomy::builtin(), Config::default(), None);
    server_rt.spawn(async move { axum::serve(listener, app(state)).await });

    let client_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    for rate in rates {
        let (lat, errors, total) = client_rt.block_on(async {
            let client = reqwest::Client::builder()
                .pool_max_idle_per_host(256)
                .build()
                .expect("client");
            // Warm up connections and caches.
            for q in QUERIES {
                let _ = client
                    .get(format!("http://{addr}/api/search?{q}"))
                    .send()
                    .await;
            }
            let n = rate * seconds;
            let start = tokio::time::Instant::now() + Duration::from_millis(50);
            let mut tasks = Vec::with_capacity(n as usize);
            for i in 0..n {
                let scheduled = start + Duration::from_nanos(i * 1_000_000_000 / rate);
                tokio::time::sleep_until(scheduled).await;
                let url = format!(
                    "http://{addr}/api/search?{}",
                    QUERIES[i as usize % QUERIES.len()]
                );
                let client = client.clone();
                tasks.push(tokio::spawn(async move {
                    let ok =
                        match tokio::time::timeout(Duration::from_secs(10), client.get(url).send())
                            .await
                        {
                            Ok(Ok(r)) => r.status().is_success() && r.bytes().await.is_ok(),
                            _ => false,
                        };
                    (scheduled.elapsed().as_secs_f64() * 1000.0, ok)
                }));
            }
            let mut lat = Vec::with_capacity(tasks.len());
            let mut errors = 0;
            for t in tasks {
                let (ms, ok) = t.await.expect("task");
                if ok {
                    lat.push(ms);
                } else {
                    errors += 1;
                }
            }
            (lat, errors, n)
        });
        let mut lat = lat;
        lat.sort_by(f64::total_cmp);
        let (p50, p99) = (percentile(&lat, 0.5), percentile(&lat, 0.99));
        println!(
            "HTTP /api/search at {rate} req/s for {seconds} s: n={total} errors={errors} p50={p50:.3} ms p90={:.3} ms p99={p99:.3} ms max={:.3} ms | ratio to in-process p50={:.2}x p99={:.2}x",
            percentile(&lat, 0.9),
            lat.last().copied().unwrap_or(f64::NAN),
            p50 / ip50,
            p99 / ip99
        );
    }
}
