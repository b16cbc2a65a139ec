//! The crawler: fetch a site politely and feed what it finds into the
//! ingest pipeline, so extraction, language detection, tagging and
//! indexing are exactly those of `kartotek ingest`.
//!
//! How a crawl runs:
//! - One scheduler thread owns every decision (queue, robots.txt, rate
//!   limits, redirects, duplicates, crawl state); a few worker threads only
//!   do HTTP and parse the links of HTML pages; one ingest thread owns the
//!   index writer (through a [`Sink`]) and runs [`crate::ingest`] on batches
//!   of fetched documents while the crawl goes on.
//! - Per host (`scheme://host:port`): robots.txt is read first; requests
//!   with a delay (`max(--delay, Crawl-delay)`) one request runs at a
//!   time and the next starts no sooner than the delay after the previous
//!   answer arrived, so the server never sees two requests closer than the
//!   delay; with no delay up to `per_host` run at once. 429/503 with
//!   `Retry-After` back off once.
//! - Breadth first from the start URLs (depth 0) and the pages listed in
//!   sitemaps (also depth 0); only the start hosts and `allow_hosts` are
//!   crawled.
//! - Redirects are followed hop by hop by the scheduler (each hop is checked
//!   against robots.txt, the allowed hosts and the hops before it, so a loop
//!   is reported, not followed). The **document key is the identity form of
//!   the final URL** (or of the page's `rel=canonical` on an allowed host):
//!   when a page that was indexed starts redirecting, its old document is
//!   deleted and the target is indexed under its own URL.
//! - Duplicates: one document per key per crawl, and a body whose blake3
//!   hash was already indexed from another URL in this crawl is skipped.
//! - Incremental: [`state::State`] remembers validators, hashes, documents
//!   and links per URL; a re-crawl sends `If-None-Match`/`If-Modified-Since`,
//!   a 304 costs no download and still leads on to the stored links, and a
//!   page now answering 404/410 has its document deleted.

mod crawler;
mod options;
mod scope;
mod sink;
mod summary;

pub mod fetcher;
pub mod robots;
pub mod schedule;
pub mod sitemap;
pub mod sources;
pub mod state;
pub mod url;

pub use options::CrawlOptions;
pub use scope::Scope;
pub use sink::{SharedSink, Sink, WriterSink};
pub use summary::{CrawlProgress, CrawlSummary, Event, Failure, Quiet};

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::ingest::{self, metadata::Override};
use crate::store::DocStore;
use crawler::{Crawler, Item};
use fetcher::{FetchOptions, Fetcher};
use state::State;
use url::{identity, normalize};

/// Links kept per page in the crawl state.
const MAX_LINKS_PER_PAGE: usize = 2_000;
/// Sitemap files read per crawl (index files included).
const MAX_SITEMAPS: usize = 100;
/// How deep sitemap indexes may nest.
const MAX_SITEMAP_NESTING: u8 = 3;
/// Fetched bytes waiting for the ingest thread before fetching pauses.
const MAX_PENDING_BYTES: usize = 64 * 1024 * 1024;
/// Longest back-off honoured from a `Retry-After` header.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// Crawl into `index` (the embedded index or a cluster) with a writer of
/// its own (the CLI's way).
pub fn crawl_index(
    index: &dyn DocStore,
    ingest_opts: &ingest::Options,
    start: &[String],
    opts: &CrawlOptions,
    progress: &mut dyn CrawlProgress,
) -> Result<CrawlSummary> {
    let mut writer = index.open_writer(ingest_opts.writer_heap)?;
    let mut sink = WriterSink {
        store: index,
        writer: &mut *writer,
        opts: ingest_opts.clone(),
    };
    crawl(index, &mut sink, start, opts, progress)
}

/// Crawl from `start` (http/https URLs), sending documents to `sink`.
///
/// A start URL that is not http(s) is a usage error and nothing is
/// fetched; every other problem is one URL's failure, counted in the
/// summary, and the crawl goes on.
pub fn crawl(
    index: &dyn DocStore,
    sink: &mut dyn Sink,
    start: &[String],
    opts: &CrawlOptions,
    progress: &mut dyn CrawlProgress,
) -> Result<CrawlSummary> {
    let started = Instant::now();
    let mut seeds = Vec::new();
    for s in start {
        let u = normalize(s, None).map_err(|e| Error::Usage(e.to_string()))?;
        if !opts.allow_private {
            fetcher::check_literal_host(&u).map_err(|e| Error::Usage(e.to_string()))?;
        }
        seeds.push(u);
    }
    let mut sitemap_seeds = Vec::new();
    for s in &opts.sitemaps {
        sitemap_seeds.push(normalize(s, None).map_err(|e| Error::Usage(e.to_string()))?);
    }
    if seeds.is_empty() && sitemap_seeds.is_empty() {
        return Err(Error::Usage(
            "nothing to crawl: give at least one start URL or sitemap".into(),
        ));
    }
    let state_path = opts
        .state_path
        .clone()
        .or_else(|| index.folder().map(State::path_for));
    let state = state_path.as_deref().map(State::load).unwrap_or_default();
    let fetcher = Fetcher::new(FetchOptions {
        timeout: opts.timeout,
        max_bytes: opts.max_bytes,
        allow_private: opts.allow_private,
        user_agent: opts.user_agent.clone(),
    })
    .map_err(|e| Error::Internal(e.to_string()))?;
    let scope = Scope::new(seeds.iter().chain(sitemap_seeds.iter()), opts);
    let mut c = Crawler {
        index,
        opts,
        state,
        scope,
        hosts: BTreeMap::new(),
        seen: HashSet::new(),
        keys: HashSet::new(),
        hashes: HashMap::new(),
        pending_jobs: Vec::new(),
        pending_bytes: 0,
        pending_state: HashMap::new(),
        summary: CrawlSummary::default(),
        pages_started: 0,
        sitemaps_started: 0,
        inflight: 0,
        too_deep: HashSet::new(),
        attach: attach_fingerprint(opts.attach.as_ref()),
        progress,
    };
    for u in seeds {
        let ident = identity(&u);
        c.seen.insert(ident.clone());
        c.push(Item::page(u, ident, 0, None), false);
    }
    for u in sitemap_seeds {
        c.push_sitemap(u, 0, true, Vec::new());
    }
    let result = c.run(&fetcher, sink);
    if let Some(p) = &state_path {
        if let Err(e) = c.state.save(p) {
            tracing::warn!("cannot save the crawl state: {e}");
        }
    }
    result?;
    c.summary.queued = c.hosts.values().map(|h| h.queue.len()).sum();
    let deep = c.too_deep.iter().filter(|i| !c.seen.contains(*i)).count();
    if deep > 0 {
        *c.summary.skipped.entry("depth".into()).or_default() += deep;
    }
    c.summary.seconds = started.elapsed().as_secs_f64();
    c.progress.end(&c.summary);
    Ok(c.summary)
}

fn attach_fingerprint(o: Option<&Override>) -> Option<String> {
    o.filter(|o| !o.is_empty())
        .map(|o| blake3::hash(o.fingerprint_text().as_bytes()).to_hex()[..16].to_string())
}
