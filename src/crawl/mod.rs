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

pub mod fetcher;
pub mod robots;
pub mod schedule;
pub mod sitemap;
pub mod sources;
pub mod state;
pub mod url;

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::Url;
use serde::Serialize;

use crate::document::{Document, Format, LinkContext};
use crate::error::{Error, Result};
use crate::index::{Index, Writer};
use crate::ingest::{self, metadata::Override, Job, Origin, Outcome};
use fetcher::{FetchError, FetchOptions, Fetcher, Kind, Response};
use robots::Robots;
use state::{Entry, State};
use url::{identity, normalize, Pattern};

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

/// Settings of one crawl, resolved once before it starts.
#[derive(Clone)]
pub struct CrawlOptions {
    /// Most page requests (redirect hops, robots.txt and sitemaps not counted).
    pub max_pages: usize,
    /// Most link hops from a start URL or sitemap entry.
    pub max_depth: u32,
    /// Only URLs matching one of these are crawled (start URLs always are).
    pub include: Vec<Pattern>,
    /// URLs matching any of these are not crawled.
    pub exclude: Vec<Pattern>,
    /// More hosts to crawl besides the start URLs' hosts (`*.example.org` allowed).
    pub allow_hosts: Vec<String>,
    /// Sitemaps to read, besides those robots.txt declares.
    pub sitemaps: Vec<String>,
    /// Read the sitemaps robots.txt declares, or `/sitemap.xml`, on start hosts.
    pub discover_sitemaps: bool,
    /// Allow loopback and private address ranges (off by default).
    pub allow_private: bool,
    /// Least time between two requests to one host (robots.txt may ask for more).
    pub delay: Duration,
    /// Most requests in flight to one host when `delay` is zero (with a delay: one).
    pub per_host: usize,
    /// HTTP worker threads.
    pub workers: usize,
    /// Whole-request timeout.
    pub timeout: Duration,
    /// Largest body read, in bytes.
    pub max_bytes: u64,
    /// Most redirect hops followed from one URL.
    pub max_redirects: usize,
    /// `User-Agent` header.
    pub user_agent: String,
    /// Facet values (and other corrections) attached to every document.
    pub attach: Option<Override>,
    /// Where the crawl state lives; `None` = `<index>/crawl-state.json`
    /// (nowhere for an index in memory).
    pub state_path: Option<PathBuf>,
    /// Fetched documents handed to the index per batch.
    pub batch: usize,
    /// Set to stop the crawl early (what is fetched is still indexed).
    pub stop: Option<Arc<AtomicBool>>,
}

impl Default for CrawlOptions {
    fn default() -> Self {
        CrawlOptions {
            max_pages: 1_000,
            max_depth: 5,
            include: Vec::new(),
            exclude: Vec::new(),
            allow_hosts: Vec::new(),
            sitemaps: Vec::new(),
            discover_sitemaps: true,
            allow_private: false,
            delay: Duration::from_millis(1_000),
            per_host: 2,
            workers: 4,
            timeout: Duration::from_secs(30),
            max_bytes: 50 * 1024 * 1024,
            max_redirects: 10,
            user_agent: format!("{} crawler", ingest::fetch::USER_AGENT),
            attach: None,
            state_path: None,
            batch: 16,
            stop: None,
        }
    }
}

/// One URL that could not be crawled.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    /// The URL.
    pub url: String,
    /// Why.
    pub reason: String,
}

/// What a crawl did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CrawlSummary {
    /// Page requests answered (200, 304, 4xx, 5xx; redirects counted apart).
    pub fetched: usize,
    /// URLs still queued when the crawl stopped (page limit or stop).
    pub queued: usize,
    /// Documents indexed (new or changed).
    pub indexed: usize,
    /// Fetched again, same content: nothing re-indexed.
    pub unchanged: usize,
    /// Answered `304 Not Modified` to a conditional request.
    pub not_modified: usize,
    /// Documents deleted: the page answered 404/410, turned noindex or moved.
    pub removed: usize,
    /// Redirect hops followed.
    pub redirects: usize,
    /// URLs not fetched or not indexed, per reason: `robots`, `duplicate`,
    /// `type`, `noindex`, `off-host`, `filtered`, `depth`.
    pub skipped: BTreeMap<String, usize>,
    /// URLs that failed, with reasons.
    pub failed: Vec<Failure>,
    /// Wall time in seconds.
    pub seconds: f64,
}

impl CrawlSummary {
    /// Total of all skip reasons.
    pub fn skipped_total(&self) -> usize {
        self.skipped.values().sum()
    }

    fn skip(&mut self, reason: &str) {
        *self.skipped.entry(reason.to_string()).or_default() += 1;
    }

    /// Add another crawl's counts to this one (several sources in one run).
    pub fn absorb(&mut self, other: CrawlSummary) {
        self.fetched += other.fetched;
        self.queued += other.queued;
        self.indexed += other.indexed;
        self.unchanged += other.unchanged;
        self.not_modified += other.not_modified;
        self.removed += other.removed;
        self.redirects += other.redirects;
        for (k, v) in other.skipped {
            *self.skipped.entry(k).or_default() += v;
        }
        self.failed.extend(other.failed);
        self.seconds += other.seconds;
    }
}

/// What happened to one URL, as reported to a [`CrawlProgress`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Indexed (new or changed).
    Indexed,
    /// Fetched, same content as indexed.
    Unchanged,
    /// 304 to a conditional request.
    NotModified,
    /// Not fetched or not indexed, with the reason key.
    Skipped(&'static str),
    /// Failed, with the reason.
    Failed(String),
    /// Its document was deleted (404/410, noindex, moved).
    Removed,
}

/// Receives progress while a crawl runs.
pub trait CrawlProgress {
    /// Something happened to `url`; `so_far` holds the running counts
    /// (`queued` = URLs waiting now).
    fn page(&mut self, url: &str, event: &Event, so_far: &CrawlSummary);
    /// The crawl is done.
    fn end(&mut self, summary: &CrawlSummary);
}

/// A progress sink that reports nothing.
pub struct Quiet;

impl CrawlProgress for Quiet {
    fn page(&mut self, _url: &str, _event: &Event, _so_far: &CrawlSummary) {}
    fn end(&mut self, _summary: &CrawlSummary) {}
}

/// Where crawled documents go: the index writer, held directly or shared.
pub trait Sink: Send {
    /// Ingest a batch, reporting each document to `progress`.
    fn ingest(
        &mut self,
        jobs: Vec<Job>,
        progress: &mut dyn ingest::Progress,
    ) -> Result<ingest::Summary>;
    /// Delete a document (visible after the next commit).
    fn delete(&mut self, id: &str) -> Result<()>;
    /// Commit pending changes.
    fn commit(&mut self) -> Result<()>;
}

/// A [`Sink`] over a writer the caller holds for the whole crawl.
pub struct WriterSink<'a> {
    /// The index.
    pub index: Index,
    /// Its writer.
    pub writer: &'a mut Writer,
    /// Ingest settings.
    pub opts: ingest::Options,
}

impl Sink for WriterSink<'_> {
    fn ingest(
        &mut self,
        jobs: Vec<Job>,
        progress: &mut dyn ingest::Progress,
    ) -> Result<ingest::Summary> {
        ingest_into(&self.index, self.writer, &self.opts, jobs, progress)
    }
    fn delete(&mut self, id: &str) -> Result<()> {
        self.writer.delete(id);
        Ok(())
    }
    fn commit(&mut self) -> Result<()> {
        commit_pending(self.writer)
    }
}

/// Ingest a crawl batch through `writer`: never prunes (a crawl's batch is
/// not the whole index).
fn ingest_into(
    index: &Index,
    writer: &mut Writer,
    opts: &ingest::Options,
    jobs: Vec<Job>,
    progress: &mut dyn ingest::Progress,
) -> Result<ingest::Summary> {
    let opts = ingest::Options {
        prune: false,
        ..opts.clone()
    };
    ingest::run_with_writer(index, writer, jobs, &opts, progress)
}

/// Commit when something is pending.
fn commit_pending(writer: &mut Writer) -> Result<()> {
    if writer.pending() > 0 {
        writer.commit()?;
    }
    Ok(())
}

/// A [`Sink`] over a writer shared with others (the server): the lock is
/// taken per batch, so uploads and searches go on during a crawl.
pub struct SharedSink {
    /// The index.
    pub index: Index,
    /// The shared writer.
    pub writer: Arc<Mutex<Writer>>,
    /// Ingest settings.
    pub opts: ingest::Options,
}

impl SharedSink {
    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Writer>> {
        self.writer
            .lock()
            .map_err(|_| Error::Internal("the index writer lock is poisoned".into()))
    }
}

impl Sink for SharedSink {
    fn ingest(
        &mut self,
        jobs: Vec<Job>,
        progress: &mut dyn ingest::Progress,
    ) -> Result<ingest::Summary> {
        let mut w = self.lock()?;
        ingest_into(&self.index, &mut w, &self.opts, jobs, progress)
    }
    fn delete(&mut self, id: &str) -> Result<()> {
        self.lock()?.delete(id);
        Ok(())
    }
    fn commit(&mut self) -> Result<()> {
        commit_pending(&mut *self.lock()?)
    }
}

/// Crawl into `index` with a writer of its own (the CLI's way).
pub fn crawl_index(
    index: &Index,
    ingest_opts: &ingest::Options,
    start: &[String],
    opts: &CrawlOptions,
    progress: &mut dyn CrawlProgress,
) -> Result<CrawlSummary> {
    let mut writer = index.writer(ingest_opts.writer_heap)?;
    let mut sink = WriterSink {
        index: index.clone(),
        writer: &mut writer,
        opts: ingest_opts.clone(),
    };
    crawl(index, &mut sink, start, opts, progress)
}

/// What a crawl may index: pages on the hosts of its start URLs and
/// sitemaps (`www.example.org` and `example.org` are one site) or on one of
/// `allow_hosts` (`*.example.org` for subdomains), that no include/exclude
/// pattern leaves out. Whether a page is reachable within the depth and page
/// limits is not part of it.
pub struct Scope<'a> {
    start_hosts: Vec<String>,
    opts: &'a CrawlOptions,
}

impl<'a> Scope<'a> {
    /// The scope of a crawl from `seeds` (start URLs and sitemaps) with `opts`.
    fn new<'u>(seeds: impl Iterator<Item = &'u Url>, opts: &'a CrawlOptions) -> Scope<'a> {
        let mut start_hosts: Vec<String> = seeds
            .filter_map(|u| u.host_str().map(str::to_string))
            .collect();
        start_hosts.dedup();
        Scope { start_hosts, opts }
    }

    /// The scope of a crawl from `start` with `opts`; start URLs and sitemaps
    /// that do not parse add no host.
    pub fn of(start: &[String], opts: &'a CrawlOptions) -> Scope<'a> {
        let seeds: Vec<Url> = start
            .iter()
            .chain(opts.sitemaps.iter())
            .filter_map(|s| normalize(s, None).ok())
            .collect();
        Scope::new(seeds.iter(), opts)
    }

    /// Whether the crawl may visit `url`'s host.
    fn host_allowed(&self, url: &Url) -> bool {
        let Some(h) = url.host_str() else {
            return false;
        };
        let bare = |x: &str| x.strip_prefix("www.").unwrap_or(x).to_string();
        self.start_hosts.iter().any(|s| bare(s) == bare(h))
            || self.opts.allow_hosts.iter().any(|a| {
                let a = a.trim().to_ascii_lowercase();
                match a.strip_prefix("*.") {
                    Some(suffix) => h == suffix || h.ends_with(&format!(".{suffix}")),
                    None => a == h,
                }
            })
    }

    /// Whether the include/exclude patterns leave out the page whose identity
    /// form is `ident`.
    fn filtered(&self, ident: &str) -> bool {
        (!self.opts.include.is_empty() && !self.opts.include.iter().any(|p| p.matches(ident)))
            || self.opts.exclude.iter().any(|p| p.matches(ident))
    }

    /// Whether the page at `url` is in the scope.
    pub fn covers(&self, url: &str) -> bool {
        normalize(url, None).is_ok_and(|u| self.host_allowed(&u) && !self.filtered(&identity(&u)))
    }
}

/// Crawl from `start` (http/https URLs), sending documents to `sink`.
///
/// A start URL that is not http(s) is a usage error and nothing is
/// fetched; every other problem is one URL's failure, counted in the
/// summary, and the crawl goes on.
pub fn crawl(
    index: &Index,
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
        .or_else(|| index.path().map(State::path_for));
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
        .map(|o| blake3::hash(format!("{o:?}").as_bytes()).to_hex()[..16].to_string())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ItemKind {
    Page,
    /// A sitemap at this nesting level; `explicit` ones report failures.
    Sitemap {
        level: u8,
        explicit: bool,
    },
    Robots,
}

#[derive(Debug, Clone)]
struct Item {
    url: Url,
    ident: String,
    depth: u32,
    kind: ItemKind,
    context: Option<LinkContext>,
    /// Request-form URLs of the redirect hops that led here.
    chain: Vec<String>,
    retried: bool,
}

impl Item {
    fn page(url: Url, ident: String, depth: u32, context: Option<LinkContext>) -> Item {
        Item {
            url,
            ident,
            depth,
            kind: ItemKind::Page,
            context,
            chain: Vec::new(),
            retried: false,
        }
    }

    fn sitemap(url: Url, ident: String, level: u8, explicit: bool) -> Item {
        Item {
            url,
            ident,
            depth: 0,
            kind: ItemKind::Sitemap { level, explicit },
            context: None,
            chain: Vec::new(),
            retried: false,
        }
    }
}

enum RobotsState {
    Unknown,
    Fetching,
    Ready(Robots),
}

struct Host {
    queue: VecDeque<Item>,
    robots: RobotsState,
    inflight: usize,
    next_at: Instant,
    delay: Duration,
}

/// What a worker hands back.
struct Done {
    item: Item,
    result: std::result::Result<Response, FetchError>,
    page: Option<Parsed>,
}

/// What the worker read from an HTML page.
struct Parsed {
    title: Option<String>,
    canonical: Option<Url>,
    noindex: bool,
    links: Vec<Url>,
}

enum Msg {
    Done(Box<Done>),
    Ingested { display: String, outcome: Outcome },
    SinkFailed(Error),
}

enum Cmd {
    Ingest(Vec<Job>),
    Delete(String),
}

struct Crawler<'a> {
    index: &'a Index,
    opts: &'a CrawlOptions,
    state: State,
    scope: Scope<'a>,
    hosts: BTreeMap<String, Host>,
    /// Identity forms queued or fetched in this crawl.
    seen: HashSet<String>,
    /// Document keys produced in this crawl.
    keys: HashSet<String>,
    /// Content hash → document key, in this crawl.
    hashes: HashMap<String, String>,
    pending_jobs: Vec<Job>,
    pending_bytes: usize,
    /// Job display → (identity, state entry) to record once ingest answers.
    pending_state: HashMap<String, (String, Entry)>,
    summary: CrawlSummary,
    pages_started: usize,
    sitemaps_started: usize,
    inflight: usize,
    /// Links not followed because of the depth limit.
    too_deep: HashSet<String>,
    attach: Option<String>,
    progress: &'a mut dyn CrawlProgress,
}

impl Crawler<'_> {
    fn run(&mut self, fetcher: &Fetcher, sink: &mut dyn Sink) -> Result<()> {
        let (msg_tx, msg_rx) = mpsc::channel::<Msg>();
        let (task_tx, task_rx) = mpsc::channel::<(Item, fetcher::Request)>();
        let task_rx = Arc::new(Mutex::new(task_rx));
        let (cmd_tx, cmd_rx) = mpsc::sync_channel::<Cmd>(1);
        let workers = self.opts.workers.clamp(1, 32);
        std::thread::scope(|scope| -> Result<()> {
            for _ in 0..workers {
                let rx = Arc::clone(&task_rx);
                let tx = msg_tx.clone();
                let f = fetcher.clone();
                scope.spawn(move || worker(&f, &rx, &tx));
            }
            let tx = msg_tx.clone();
            scope.spawn(move || ingester(sink, cmd_rx, tx));
            drop(msg_tx);
            let outcome = self.schedule(&task_tx, &cmd_tx, &msg_rx);
            drop(task_tx);
            // Hand over what is left, then let the ingest thread finish.
            let flushed = if outcome.is_ok() && !self.pending_jobs.is_empty() {
                let jobs = std::mem::take(&mut self.pending_jobs);
                cmd_tx.send(Cmd::Ingest(jobs)).is_ok()
            } else {
                true
            };
            drop(cmd_tx);
            let mut sink_error = None;
            for msg in msg_rx.iter() {
                match msg {
                    Msg::Ingested { display, outcome } => self.ingested(&display, outcome),
                    Msg::SinkFailed(e) => sink_error = Some(e),
                    Msg::Done(_) => {}
                }
            }
            outcome?;
            if let Some(e) = sink_error {
                return Err(e);
            }
            if !flushed {
                return Err(Error::Internal("the ingest thread ended early".into()));
            }
            Ok(())
        })
    }

    /// The scheduling loop: dispatch, receive, decide, until nothing is left.
    fn schedule(
        &mut self,
        tasks: &mpsc::Sender<(Item, fetcher::Request)>,
        cmds: &mpsc::SyncSender<Cmd>,
        msgs: &mpsc::Receiver<Msg>,
    ) -> Result<()> {
        let workers = self.opts.workers.clamp(1, 32);
        let mut last_save = Instant::now();
        let mut revisited = false;
        loop {
            let stopping = self
                .opts
                .stop
                .as_ref()
                .is_some_and(|s| s.load(Ordering::Relaxed));
            let mut wait = Duration::from_millis(200);
            if !stopping {
                while self.inflight < workers {
                    match self.next_task() {
                        Next::Task(task) => {
                            self.inflight += 1;
                            if tasks.send(*task).is_err() {
                                return Err(Error::Internal("the fetch workers stopped".into()));
                            }
                        }
                        Next::Wait(d) => {
                            wait = wait.min(d);
                            break;
                        }
                        Next::Nothing => break,
                    }
                }
            }
            self.flush(cmds)?;
            let idle = self.inflight == 0
                && (stopping || matches!(self.next_kind(), Next::Nothing))
                && self.pending_jobs.is_empty();
            if idle {
                if stopping || revisited || self.page_limit_reached() || self.revisit() == 0 {
                    return Ok(());
                }
                revisited = true;
                continue;
            }
            match msgs.recv_timeout(wait.max(Duration::from_millis(1))) {
                Ok(Msg::Done(done)) => {
                    self.inflight -= 1;
                    self.handle(*done, cmds)?;
                }
                Ok(Msg::Ingested { display, outcome }) => self.ingested(&display, outcome),
                Ok(Msg::SinkFailed(e)) => return Err(e),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(Error::Internal("the crawl threads stopped".into()))
                }
            }
            if last_save.elapsed() >= Duration::from_secs(30) {
                if let Some(p) = self
                    .opts
                    .state_path
                    .clone()
                    .or_else(|| self.index.path().map(State::path_for))
                {
                    if let Err(e) = self.state.save(&p) {
                        tracing::warn!("cannot save the crawl state: {e}");
                    }
                }
                last_save = Instant::now();
            }
        }
    }

    /// Queue the indexed URLs of this crawl's scope that it did not reach
    /// (no longer linked), without following their links, so a page that
    /// is gone is noticed and its document deleted. Returns how many.
    fn revisit(&mut self) -> usize {
        let known: Vec<(String, String)> = self
            .state
            .urls
            .iter()
            .filter(|(ident, e)| e.doc_id.is_some() && !self.seen.contains(*ident))
            .map(|(ident, e)| {
                (
                    ident.clone(),
                    e.url.clone().unwrap_or_else(|| ident.clone()),
                )
            })
            .collect();
        let mut n = 0;
        for (ident, url) in known {
            let Ok(u) = normalize(&url, None) else {
                continue;
            };
            if !self.host_allowed(&u) || self.filtered(&ident) {
                continue;
            }
            self.seen.insert(ident.clone());
            let depth = self.opts.max_depth;
            self.push(Item::page(u, ident, depth, None), false);
            n += 1;
        }
        n
    }

    /// Send queued jobs to the ingest thread when it can take them.
    fn flush(&mut self, cmds: &mpsc::SyncSender<Cmd>) -> Result<()> {
        if self.pending_jobs.is_empty() {
            return Ok(());
        }
        // The channel holds one batch: while the ingest thread works on one
        // and another waits, fetched documents pile up here into a bigger batch.
        let jobs = std::mem::take(&mut self.pending_jobs);
        match cmds.try_send(Cmd::Ingest(jobs)) {
            Ok(()) => {
                self.pending_bytes = 0;
                Ok(())
            }
            Err(mpsc::TrySendError::Full(Cmd::Ingest(jobs))) => {
                self.pending_jobs = jobs;
                Ok(())
            }
            Err(_) => Err(Error::Internal("the ingest thread stopped".into())),
        }
    }

    fn send_delete(&mut self, cmds: &mpsc::SyncSender<Cmd>, id: String) -> Result<()> {
        cmds.send(Cmd::Delete(id))
            .map_err(|_| Error::Internal("the ingest thread stopped".into()))
    }

    fn host_allowed(&self, url: &Url) -> bool {
        self.scope.host_allowed(url)
    }

    fn filtered(&self, ident: &str) -> bool {
        self.scope.filtered(ident)
    }

    fn push(&mut self, item: Item, front: bool) {
        let key = url::host_key(&item.url);
        let now = Instant::now();
        let host = self.hosts.entry(key).or_insert_with(|| Host {
            queue: VecDeque::new(),
            robots: RobotsState::Unknown,
            inflight: 0,
            next_at: now,
            delay: self.opts.delay,
        });
        if front {
            host.queue.push_front(item);
        } else {
            host.queue.push_back(item);
        }
    }

    fn page_limit_reached(&self) -> bool {
        self.pages_started >= self.opts.max_pages
    }

    /// Would anything be dispatchable (now or later)?
    fn next_kind(&self) -> Next {
        let limit = self.page_limit_reached();
        for h in self.hosts.values() {
            if matches!(h.robots, RobotsState::Fetching) && !h.queue.is_empty() {
                return Next::Wait(Duration::from_millis(50));
            }
            if h.queue
                .iter()
                .any(|i| !(limit && i.kind == ItemKind::Page && i.chain.is_empty() && !i.retried))
            {
                return Next::Wait(Duration::from_millis(50));
            }
        }
        Next::Nothing
    }

    /// Pick the next request that may go now.
    fn next_task(&mut self) -> Next {
        loop {
            match self.next_step() {
                Step::Again => continue,
                Step::Done(n) => return n,
            }
        }
    }

    /// One attempt of [`Self::next_task`]; `Again` after dropping an item.
    fn next_step(&mut self) -> Step {
        let now = Instant::now();
        let mut soonest: Option<Duration> = None;
        let limit = self.page_limit_reached();
        let paused = self.pending_bytes > MAX_PENDING_BYTES;
        let keys: Vec<String> = self.hosts.keys().cloned().collect();
        for key in keys {
            let per_host = self.opts.per_host.max(1);
            let Some(h) = self.hosts.get_mut(&key) else {
                continue;
            };
            if h.queue.is_empty() {
                continue;
            }
            // with a delay, one request at a time: the delay runs from the end of the last one
            let cap = if h.delay.is_zero() { per_host } else { 1 };
            if h.inflight >= cap {
                continue;
            }
            if h.next_at > now {
                let d = h.next_at - now;
                soonest = Some(soonest.map_or(d, |s| s.min(d)));
                continue;
            }
            match &h.robots {
                RobotsState::Fetching => continue,
                RobotsState::Unknown => {
                    let Some(first) = h.queue.front() else {
                        continue;
                    };
                    let mut url = first.url.clone();
                    url.set_path("/robots.txt");
                    url.set_query(None);
                    h.robots = RobotsState::Fetching;
                    h.inflight += 1;
                    h.next_at = now + h.delay;
                    let ident = identity(&url);
                    let item = Item {
                        url: url.clone(),
                        ident,
                        depth: 0,
                        kind: ItemKind::Robots,
                        context: None,
                        chain: Vec::new(),
                        retried: false,
                    };
                    let req = fetcher::Request {
                        url,
                        etag: None,
                        last_modified: None,
                        kind: Kind::Meta,
                    };
                    return Step::Done(Next::Task(Box::new((item, req))));
                }
                RobotsState::Ready(_) => {}
            }
            // Pop until an item that may be fetched.
            let mut idx = 0;
            while idx < h.queue.len() {
                let it = &h.queue[idx];
                let counts = it.kind == ItemKind::Page && it.chain.is_empty() && !it.retried;
                if (counts && limit) || (paused && it.kind == ItemKind::Page) {
                    idx += 1;
                    continue;
                }
                break;
            }
            let Some(item) = h.queue.remove(idx) else {
                continue;
            };
            let RobotsState::Ready(robots) = &h.robots else {
                continue;
            };
            if item.kind == ItemKind::Page && !robots.allowed(item.url.as_str()) {
                let why = match robots {
                    Robots::DisallowAll(reason) => Some(reason.clone()),
                    _ => None,
                };
                let shown = item.url.to_string();
                match why {
                    Some(reason) => self.fail(&shown, reason),
                    None => self.skipped(&shown, "robots"),
                }
                return Step::Again;
            }
            if item.kind == ItemKind::Page && item.chain.is_empty() && !item.retried {
                self.pages_started += 1;
            }
            let Some(h) = self.hosts.get_mut(&key) else {
                continue;
            };
            h.inflight += 1;
            h.next_at = now + h.delay;
            let (etag, last_modified) = match item.kind {
                ItemKind::Page => self.validators(&item.ident),
                _ => (None, None),
            };
            let req = fetcher::Request {
                url: item.url.clone(),
                etag,
                last_modified,
                kind: if item.kind == ItemKind::Page {
                    Kind::Document
                } else {
                    Kind::Meta
                },
            };
            return Step::Done(Next::Task(Box::new((item, req))));
        }
        Step::Done(match soonest {
            Some(d) => Next::Wait(d),
            None => {
                if self.hosts.values().any(|h| !h.queue.is_empty()) {
                    Next::Wait(Duration::from_millis(50))
                } else {
                    Next::Nothing
                }
            }
        })
    }

    /// Conditional-request validators for a URL, when its document is
    /// still in the index and was indexed with the same attached values.
    fn validators(&self, ident: &str) -> (Option<String>, Option<String>) {
        let Some(e) = self.state.urls.get(ident) else {
            return (None, None);
        };
        if e.status != 200 || e.attach != self.attach {
            return (None, None);
        }
        if let Some(id) = &e.doc_id {
            if self.index.stored_hash(id).is_none() {
                return (None, None);
            }
        }
        (e.etag.clone(), e.last_modified.clone())
    }

    fn skipped(&mut self, url: &str, reason: &'static str) {
        self.summary.skip(reason);
        self.report(url, &Event::Skipped(reason));
    }

    fn fail(&mut self, url: &str, reason: String) {
        self.summary.failed.push(Failure {
            url: url.to_string(),
            reason: reason.clone(),
        });
        self.report(url, &Event::Failed(reason));
    }

    fn report(&mut self, url: &str, event: &Event) {
        self.summary.queued = self.hosts.values().map(|h| h.queue.len()).sum();
        self.progress.page(url, event, &self.summary);
    }

    fn handle(&mut self, done: Done, cmds: &mpsc::SyncSender<Cmd>) -> Result<()> {
        let key = url::host_key(&done.item.url);
        if let Some(h) = self.hosts.get_mut(&key) {
            h.inflight = h.inflight.saturating_sub(1);
            h.next_at = h.next_at.max(Instant::now() + h.delay);
        }
        match done.item.kind {
            ItemKind::Robots => {
                self.robots_done(&key, done);
                Ok(())
            }
            ItemKind::Sitemap { .. } => {
                self.sitemap_done(done);
                Ok(())
            }
            ItemKind::Page => self.page_done(done, cmds),
        }
    }

    fn robots_done(&mut self, key: &str, done: Done) {
        let robots = match &done.result {
            Ok(Response::Ok { status, body, .. }) => Robots::from_response(Some(*status), body, ""),
            Ok(Response::Status { status, .. }) => Robots::from_response(Some(*status), b"", ""),
            // A 304 cannot happen (no validators); a redirect that reqwest did not follow
            // or a wrong type: treat as no robots.txt.
            Ok(_) => Robots::AllowAll,
            Err(e) => Robots::from_response(None, b"", &e.to_string()),
        };
        let delay = self
            .opts
            .delay
            .max(robots.crawl_delay().unwrap_or_default());
        let mut sitemaps: Vec<Url> = Vec::new();
        let start_host = done
            .item
            .url
            .host_str()
            .is_some_and(|h| self.scope.start_hosts.iter().any(|s| s == h));
        if self.opts.discover_sitemaps && start_host {
            for s in robots.sitemaps() {
                if let Ok(u) = normalize(s, Some(&done.item.url)) {
                    sitemaps.push(u);
                }
            }
            if sitemaps.is_empty() {
                let mut u = done.item.url.clone();
                u.set_path("/sitemap.xml");
                sitemaps.push(u);
            }
        }
        if let Some(h) = self.hosts.get_mut(key) {
            h.delay = delay;
            // the robots.txt request counts: the first page waits `delay` after it
            h.next_at = h.next_at.max(Instant::now() + delay);
            h.robots = RobotsState::Ready(robots);
        }
        for u in sitemaps {
            if self.host_allowed(&u) {
                self.push_sitemap(u, 0, false, Vec::new());
            }
        }
    }

    fn sitemap_done(&mut self, done: Done) {
        let ItemKind::Sitemap { level, explicit } = done.item.kind else {
            return;
        };
        let shown = done.item.url.to_string();
        let body = match done.result {
            Ok(Response::Ok { body, .. }) => body,
            Ok(Response::Redirect { location, .. }) => {
                if done.item.chain.len() < self.opts.max_redirects {
                    if let Ok(u) = normalize(&location, Some(&done.item.url)) {
                        if self.host_allowed(&u) {
                            let mut chain = done.item.chain.clone();
                            chain.push(shown);
                            self.push_sitemap(u, level, explicit, chain);
                        }
                    }
                }
                return;
            }
            other => {
                if explicit {
                    let reason = match other {
                        Ok(Response::Status { status, .. }) => http_reason(status),
                        Ok(_) => "not a sitemap".to_string(),
                        Err(e) => e.to_string(),
                    };
                    self.fail(&shown, format!("sitemap: {reason}"));
                }
                return;
            }
        };
        let map = sitemap::parse(&body, self.opts.max_bytes);
        for s in map.sitemaps {
            if level + 1 > MAX_SITEMAP_NESTING {
                break;
            }
            if let Ok(u) = normalize(&s, Some(&done.item.url)) {
                if self.host_allowed(&u) {
                    self.push_sitemap(u, level + 1, false, Vec::new());
                }
            }
        }
        for p in map.pages {
            if let Ok(u) = normalize(&p, Some(&done.item.url)) {
                self.enqueue_link(u, 0, None);
            }
        }
    }

    /// Queue a sitemap once per crawl, up to [`MAX_SITEMAPS`].
    fn push_sitemap(&mut self, u: Url, level: u8, explicit: bool, chain: Vec<String>) {
        let ident = identity(&u);
        if self.sitemaps_started >= MAX_SITEMAPS || !self.seen.insert(format!("sitemap:{ident}")) {
            return;
        }
        self.sitemaps_started += 1;
        let mut it = Item::sitemap(u, ident, level, explicit);
        let front = !chain.is_empty();
        it.chain = chain;
        self.push(it, front);
    }

    /// Queue a discovered URL unless it was seen, is out of scope or too deep.
    fn enqueue_link(&mut self, u: Url, depth: u32, context: Option<LinkContext>) {
        let ident = identity(&u);
        if !self.seen.insert(ident.clone()) {
            return;
        }
        let shown = u.to_string();
        if !self.host_allowed(&u) {
            self.summary.skip("off-host");
        } else if url::is_non_document(&u) {
            self.skipped(&shown, "type");
        } else if self.filtered(&ident) {
            self.summary.skip("filtered");
        } else if depth > self.opts.max_depth {
            self.summary.skip("depth");
        } else {
            self.push(Item::page(u, ident, depth, context), false);
        }
    }

    fn page_done(&mut self, done: Done, cmds: &mpsc::SyncSender<Cmd>) -> Result<()> {
        let Done { item, result, page } = done;
        let shown = item.url.to_string();
        let response = match result {
            Ok(r) => r,
            Err(e) => {
                self.fail(&shown, e.to_string());
                return Ok(());
            }
        };
        match response {
            Response::Redirect { status, location } => {
                self.summary.redirects += 1;
                self.redirected(item, status, &location, cmds)
            }
            Response::NotModified => {
                self.summary.fetched += 1;
                self.summary.not_modified += 1;
                self.keys.insert(item.ident.clone());
                let entry = self.state.urls.get_mut(&item.ident).map(|e| {
                    e.fetched_at = state::now_unix();
                    e.clone()
                });
                if let Some(e) = entry {
                    if let Some(h) = &e.hash {
                        self.hashes.insert(h.clone(), item.ident.clone());
                    }
                    self.follow_links(&item, e.title.clone(), &e.links, |s| {
                        normalize(s, None).ok()
                    });
                }
                self.report(&shown, &Event::NotModified);
                Ok(())
            }
            Response::Status {
                status,
                retry_after,
            } => {
                if matches!(status, 429 | 503) && !item.retried {
                    let back_off = retry_after
                        .unwrap_or(Duration::from_secs(5))
                        .min(MAX_RETRY_AFTER);
                    if let Some(h) = self.hosts.get_mut(&url::host_key(&item.url)) {
                        h.next_at = Instant::now() + back_off.max(h.delay);
                    }
                    let mut again = item;
                    again.retried = true;
                    self.push(again, true);
                    return Ok(());
                }
                self.summary.fetched += 1;
                if matches!(status, 404 | 410) {
                    if let Some(old) = self.state.urls.remove(&item.ident) {
                        if let Some(id) = old.doc_id {
                            self.send_delete(cmds, id)?;
                            self.summary.removed += 1;
                            self.report(&shown, &Event::Removed);
                            return Ok(());
                        }
                    }
                }
                self.fail(&shown, http_reason(status));
                Ok(())
            }
            Response::WrongType(mime) => {
                self.summary.fetched += 1;
                tracing::debug!("{shown}: skipped, content type `{mime}`");
                self.skipped(&shown, "type");
                Ok(())
            }
            Response::Ok {
                status,
                content_type,
                etag,
                last_modified,
                noindex,
                body,
            } => {
                self.summary.fetched += 1;
                self.fetched_ok(
                    item,
                    FetchedPage {
                        status,
                        content_type,
                        etag,
                        last_modified,
                        header_noindex: noindex,
                        body,
                        parsed: page,
                    },
                    cmds,
                )
            }
        }
    }

    fn redirected(
        &mut self,
        item: Item,
        status: u16,
        location: &str,
        cmds: &mpsc::SyncSender<Cmd>,
    ) -> Result<()> {
        let shown = item
            .chain
            .first()
            .cloned()
            .unwrap_or_else(|| item.url.to_string());
        let target = match normalize(location, Some(&item.url)) {
            Ok(u) => u,
            Err(e) => {
                self.fail(&shown, format!("redirected to an unusable URL: {e}"));
                return Ok(());
            }
        };
        let mut chain = item.chain.clone();
        chain.push(item.url.to_string());
        if chain.iter().any(|c| c == target.as_str()) {
            chain.push(target.to_string());
            self.fail(&shown, format!("redirect loop: {}", chain.join(" → ")));
            return Ok(());
        }
        if chain.len() > self.opts.max_redirects {
            self.fail(
                &shown,
                format!("too many redirects (more than {})", self.opts.max_redirects),
            );
            return Ok(());
        }
        let target_ident = identity(&target);
        // The URL moved: its old document goes, the target is indexed under its own URL.
        let old = self.state.urls.remove(&item.ident);
        if let Some(id) = old.and_then(|o| o.doc_id) {
            if id != Document::id_for(&target_ident) {
                self.send_delete(cmds, id)?;
                self.summary.removed += 1;
                self.report(&shown, &Event::Removed);
            }
        }
        self.state.urls.insert(
            item.ident.clone(),
            Entry {
                redirect: Some(target_ident.clone()),
                status,
                fetched_at: state::now_unix(),
                ..Entry::default()
            },
        );
        if !self.host_allowed(&target) {
            self.skipped(&shown, "off-host");
            return Ok(());
        }
        if target_ident != item.ident && !self.seen.insert(target_ident.clone()) {
            // already queued or fetched under the target URL
            return Ok(());
        }
        let next = Item {
            url: target,
            ident: target_ident,
            depth: item.depth,
            kind: ItemKind::Page,
            context: item.context,
            chain,
            retried: false,
        };
        self.push(next, true);
        Ok(())
    }

    fn follow_links<T>(
        &mut self,
        item: &Item,
        title: Option<String>,
        links: &[T],
        to_url: impl Fn(&T) -> Option<Url>,
    ) {
        if item.depth >= self.opts.max_depth {
            // counted once per URL at the end, minus those reached another way
            for l in links.iter().take(MAX_LINKS_PER_PAGE) {
                if let Some(u) = to_url(l) {
                    let ident = identity(&u);
                    if !self.seen.contains(&ident) && self.host_allowed(&u) {
                        self.too_deep.insert(ident);
                    }
                }
            }
            return;
        }
        let ctx = LinkContext {
            title: title.unwrap_or_else(|| item.url.to_string()),
            url: item.url.to_string(),
        };
        for l in links {
            if let Some(u) = to_url(l) {
                self.enqueue_link(u, item.depth + 1, Some(ctx.clone()));
            }
        }
    }

    fn fetched_ok(
        &mut self,
        item: Item,
        f: FetchedPage,
        cmds: &mpsc::SyncSender<Cmd>,
    ) -> Result<()> {
        let shown = item.url.to_string();
        let format = match ingest::sniff::sniff(&f.body) {
            ingest::sniff::Sniffed::Known(fmt) => Some(fmt),
            ingest::sniff::Sniffed::Unsupported(_) => None,
            ingest::sniff::Sniffed::Empty => Some(Format::Text),
        };
        let Some(format) = format else {
            self.skipped(&shown, "type");
            return Ok(());
        };
        let hash = blake3::hash(&f.body).to_hex().to_string();
        let (title, canonical, meta_noindex, links) = match f.parsed {
            Some(p) => (p.title, p.canonical, p.noindex, p.links),
            None => (None, None, false, Vec::new()),
        };
        let links: Vec<Url> = links.into_iter().take(MAX_LINKS_PER_PAGE).collect();
        self.follow_links(&item, title.clone(), &links, |u| Some(u.clone()));
        let old = self.state.urls.get(&item.ident).cloned();
        let mut entry = Entry {
            url: Some(shown.clone()),
            etag: f.etag,
            last_modified: f.last_modified,
            hash: Some(hash.clone()),
            doc_id: None,
            redirect: None,
            status: f.status,
            title: title.clone(),
            links: links.iter().map(|u| u.to_string()).collect(),
            attach: self.attach.clone(),
            fetched_at: state::now_unix(),
        };
        let old_doc = old.as_ref().and_then(|o| o.doc_id.clone());
        if f.header_noindex || meta_noindex {
            if let Some(id) = old_doc {
                self.send_delete(cmds, id)?;
                self.summary.removed += 1;
                self.report(&shown, &Event::Removed);
            }
            self.state.urls.insert(item.ident.clone(), entry);
            self.skipped(&shown, "noindex");
            return Ok(());
        }
        // The document key: the canonical URL when the page names one we may crawl.
        let key = canonical
            .filter(|c| self.host_allowed(c))
            .map(|c| {
                let k = identity(&c);
                self.seen.insert(k.clone());
                (k, c.to_string())
            })
            .unwrap_or_else(|| (item.ident.clone(), shown.clone()));
        let (key, click) = key;
        let same_bytes_elsewhere = self.hashes.get(&hash).is_some_and(|first| *first != key);
        if self.keys.contains(&key) || same_bytes_elsewhere {
            self.state.urls.insert(item.ident.clone(), entry);
            self.skipped(&shown, "duplicate");
            return Ok(());
        }
        self.keys.insert(key.clone());
        self.hashes.insert(hash, key.clone());
        let doc_id = Document::id_for(&key);
        if let Some(id) = old_doc.filter(|id| *id != doc_id) {
            // the canonical URL changed: the old document goes
            self.send_delete(cmds, id)?;
        }
        entry.doc_id = Some(doc_id);
        let context = if format == Format::Pdf {
            item.context.clone()
        } else {
            None
        };
        self.pending_bytes += f.body.len();
        self.pending_jobs.push(Job {
            display: key.clone(),
            key: key.clone(),
            url: click,
            origin: Origin::Bytes {
                bytes: Arc::new(f.body),
                content_type: f.content_type,
            },
            error: None,
            overrides: self.opts.attach.clone().filter(|o| !o.is_empty()),
            context,
        });
        self.pending_state.insert(key, (item.ident.clone(), entry));
        Ok(())
    }

    /// The ingest thread's word on one document.
    fn ingested(&mut self, display: &str, outcome: Outcome) {
        let pending = self.pending_state.remove(display);
        let event = match &outcome {
            Outcome::Indexed { .. } => {
                self.summary.indexed += 1;
                Event::Indexed
            }
            Outcome::Unchanged => {
                self.summary.unchanged += 1;
                Event::Unchanged
            }
            Outcome::Failed(reason) => {
                self.summary.failed.push(Failure {
                    url: display.to_string(),
                    reason: reason.clone(),
                });
                Event::Failed(reason.clone())
            }
        };
        if let Some((ident, mut entry)) = pending {
            if matches!(outcome, Outcome::Failed(_)) {
                // no validators: the next crawl fetches it in full and tries again
                entry.etag = None;
                entry.last_modified = None;
                entry.hash = None;
                entry.doc_id = self.state.urls.get(&ident).and_then(|o| o.doc_id.clone());
            }
            self.state.urls.insert(ident, entry);
        }
        self.report(display, &event);
    }
}

struct FetchedPage {
    status: u16,
    content_type: Option<String>,
    etag: Option<String>,
    last_modified: Option<String>,
    header_noindex: bool,
    body: Vec<u8>,
    parsed: Option<Parsed>,
}

enum Next {
    Task(Box<(Item, fetcher::Request)>),
    Wait(Duration),
    Nothing,
}

enum Step {
    Again,
    Done(Next),
}

fn http_reason(status: u16) -> String {
    let reason = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    format!("the server answered HTTP {status} {reason}")
        .trim_end()
        .to_string()
}

/// A fetch worker: HTTP, then link extraction for HTML pages.
fn worker(
    f: &Fetcher,
    tasks: &Mutex<mpsc::Receiver<(Item, fetcher::Request)>>,
    out: &mpsc::Sender<Msg>,
) {
    loop {
        let next = match tasks.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok((item, req)) = next else { return };
        let result = f.fetch(&req);
        let page = match (&result, item.kind) {
            (
                Ok(Response::Ok {
                    body, content_type, ..
                }),
                ItemKind::Page,
            ) => parse_page(body, content_type.as_deref(), &item.url),
            _ => None,
        };
        if out
            .send(Msg::Done(Box::new(Done { item, result, page })))
            .is_err()
        {
            return;
        }
    }
}

/// Title, canonical URL, robots meta and resolved links of an HTML page at
/// `page`; `None` for anything else. Links and the canonical URL resolve
/// against the page's `<base href>` when it has an http(s) one, else against
/// `page`. A page the worker cannot read (a crash, a timeout) has no links.
fn parse_page(body: &[u8], content_type: Option<&str>, page: &Url) -> Option<Parsed> {
    if ingest::sniff::sniff(body) != ingest::sniff::Sniffed::Known(Format::Html) {
        return None;
    }
    // Read in an extraction worker: a hostile page cannot take the crawler down.
    let limits = ingest::Limits::default();
    let h = ingest::supervisor::page_links(body, content_type.map(str::to_string), limits).ok()?;
    let base = h
        .base
        .as_deref()
        .and_then(|b| page.join(b.trim()).ok())
        .filter(|b| matches!(b.scheme(), "http" | "https"))
        .unwrap_or_else(|| page.clone());
    let links = h
        .links
        .iter()
        .filter_map(|href| normalize(href, Some(&base)).ok())
        .collect();
    Some(Parsed {
        title: h.title,
        canonical: h.canonical.and_then(|c| normalize(&c, Some(&base)).ok()),
        noindex: h.noindex,
        links,
    })
}

/// The ingest thread: batches into the sink, outcomes back to the scheduler.
fn ingester(sink: &mut dyn Sink, cmds: mpsc::Receiver<Cmd>, out: mpsc::Sender<Msg>) {
    struct Forward<'a>(&'a mpsc::Sender<Msg>);
    impl ingest::Progress for Forward<'_> {
        fn begin(&mut self, _total: usize) {}
        fn item(&mut self, display: &str, outcome: &Outcome) {
            let outcome = match outcome {
                Outcome::Indexed {
                    pages,
                    text_bytes,
                    id,
                } => Outcome::Indexed {
                    pages: *pages,
                    text_bytes: *text_bytes,
                    id: id.clone(),
                },
                Outcome::Unchanged => Outcome::Unchanged,
                Outcome::Failed(r) => Outcome::Failed(r.clone()),
            };
            let _ = self.0.send(Msg::Ingested {
                display: display.to_string(),
                outcome,
            });
        }
        fn end(&mut self, _summary: &ingest::Summary) {}
    }
    let mut forward = Forward(&out);
    for cmd in cmds {
        let r = match cmd {
            Cmd::Ingest(jobs) => sink.ingest(jobs, &mut forward).map(|_| ()),
            Cmd::Delete(id) => sink.delete(&id),
        };
        if let Err(e) = r {
            let _ = out.send(Msg::SinkFailed(e));
            return;
        }
    }
    if let Err(e) = sink.commit() {
        let _ = out.send(Msg::SinkFailed(e));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links_of(html: &str, page: &str) -> Vec<String> {
        let page = Url::parse(page).unwrap();
        parse_page(html.as_bytes(), Some("text/html"), &page)
            .unwrap()
            .links
            .iter()
            .map(Url::to_string)
            .collect()
    }

    #[test]
    fn links_resolve_against_the_pages_base_href() {
        let html = r#"<!doctype html><html><head><base href="/strategi/2024/"><title>t</title></head>
            <body><a href="plan.html">Plan</a> <a href="/om">Om</a></body></html>"#;
        assert_eq!(
            links_of(html, "https://fylke.example/nyheter/side.html"),
            [
                "https://fylke.example/strategi/2024/plan.html",
                "https://fylke.example/om"
            ]
        );
    }

    #[test]
    fn a_base_href_that_is_not_http_is_ignored() {
        let html = r#"<!doctype html><html><head><base href="javascript:void(0)"><title>t</title></head>
            <body><a href="plan.html">Plan</a></body></html>"#;
        assert_eq!(
            links_of(html, "https://fylke.example/nyheter/side.html"),
            ["https://fylke.example/nyheter/plan.html"]
        );
    }
}
