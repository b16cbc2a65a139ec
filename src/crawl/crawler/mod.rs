//! The scheduler: one thread that owns every decision of a crawl (queues per host,
//! robots.txt, rate limits, redirects, duplicates, the crawl state). `next_step` picks the
//! next request a host may make; `workers.rs` holds the fetch workers and the ingest thread;
//! the scheduler reads their answers in `answers.rs` (robots.txt, sitemaps, links) and
//! `pages.rs` (a fetched page).

mod answers;
mod pages;
mod workers;

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::atomic::Ordering;
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::Url;

use crate::crawl::fetcher::{self, FetchError, Fetcher, Kind, Response};
use crate::crawl::robots::Robots;
use crate::crawl::state::{Entry, State};
use crate::crawl::url::{self, identity, normalize};
use crate::crawl::{
    CrawlOptions, CrawlProgress, CrawlSummary, Event, Failure, Scope, Sink, MAX_PENDING_BYTES,
};
use crate::document::LinkContext;
use crate::error::{Error, Result};
use crate::ingest::{Job, Outcome};
use crate::store::DocStore;
use workers::{ingester, worker};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ItemKind {
    Page,
    /// A sitemap at this nesting level; `explicit` ones report failures.
    Sitemap {
        level: u8,
        explicit: bool,
    },
    Robots,
}

#[derive(Debug, Clone)]
pub(super) struct Item {
    pub(super) url: Url,
    pub(super) ident: String,
    pub(super) depth: u32,
    pub(super) kind: ItemKind,
    pub(super) context: Option<LinkContext>,
    /// Request-form URLs of the redirect hops that led here.
    pub(super) chain: Vec<String>,
    pub(super) retried: bool,
}

impl Item {
    pub(super) fn page(url: Url, ident: String, depth: u32, context: Option<LinkContext>) -> Item {
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

    pub(super) fn sitemap(url: Url, ident: String, level: u8, explicit: bool) -> Item {
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

pub(super) enum RobotsState {
    Unknown,
    Fetching,
    Ready(Robots),
}

pub(super) struct Host {
    pub(super) queue: VecDeque<Item>,
    pub(super) robots: RobotsState,
    pub(super) inflight: usize,
    pub(super) next_at: Instant,
    pub(super) delay: Duration,
}

impl Host {
    /// The request for this host's robots.txt (on the scheme, host and port of its first
    /// queued URL), marking it as being read; `None` when nothing is queued.
    fn robots_request(&mut self, now: Instant) -> Option<Box<(Item, fetcher::Request)>> {
        let first = self.queue.front()?;
        let mut url = first.url.clone();
        url.set_path("/robots.txt");
        url.set_query(None);
        self.robots = RobotsState::Fetching;
        self.inflight += 1;
        self.next_at = now + self.delay;
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
        Some(Box::new((item, req)))
    }

    /// Takes the first queued item that may be fetched now: pages that count against the
    /// page limit wait once it is reached, and every page waits while fetching is paused.
    fn pop_fetchable(&mut self, limit: bool, paused: bool) -> Option<Item> {
        let mut idx = 0;
        while idx < self.queue.len() {
            let it = &self.queue[idx];
            let counts = it.kind == ItemKind::Page && it.chain.is_empty() && !it.retried;
            if (counts && limit) || (paused && it.kind == ItemKind::Page) {
                idx += 1;
                continue;
            }
            break;
        }
        self.queue.remove(idx)
    }
}

/// What one host can do in a [`Crawler::next_step`].
enum HostTurn {
    /// Nothing now.
    Pass,
    /// Its delay runs out after this long.
    WaitFor(Duration),
    /// The step to return.
    Step(Step),
}

/// What a worker hands back.
pub(super) struct Done {
    pub(super) item: Item,
    pub(super) result: std::result::Result<Response, FetchError>,
    pub(super) page: Option<Parsed>,
}

/// What the worker read from an HTML page.
pub(super) struct Parsed {
    pub(super) title: Option<String>,
    pub(super) canonical: Option<Url>,
    pub(super) noindex: bool,
    pub(super) links: Vec<Url>,
    /// The page's text and metadata as read, handed to ingest so the page is
    /// parsed once.
    pub(super) read: Box<crate::ingest::Extracted>,
}

pub(super) enum Msg {
    Done(Box<Done>),
    Ingested { display: String, outcome: Outcome },
    SinkFailed(Error),
}

pub(super) enum Cmd {
    Ingest(Vec<Job>),
    Delete(String),
}

pub(super) struct Crawler<'a> {
    pub(super) index: &'a dyn DocStore,
    pub(super) opts: &'a CrawlOptions,
    pub(super) state: State,
    pub(super) scope: Scope<'a>,
    pub(super) hosts: BTreeMap<String, Host>,
    /// Identity forms queued or fetched in this crawl.
    pub(super) seen: HashSet<String>,
    /// Document keys produced in this crawl.
    pub(super) keys: HashSet<String>,
    /// Content hash → document key, in this crawl.
    pub(super) hashes: HashMap<String, String>,
    pub(super) pending_jobs: Vec<Job>,
    pub(super) pending_bytes: usize,
    /// Job display → (identity, state entry) to record once ingest answers.
    pub(super) pending_state: HashMap<String, (String, Entry)>,
    pub(super) summary: CrawlSummary,
    pub(super) pages_started: usize,
    pub(super) sitemaps_started: usize,
    pub(super) inflight: usize,
    /// Links not followed because of the depth limit.
    pub(super) too_deep: HashSet<String>,
    pub(super) attach: Option<String>,
    pub(super) progress: &'a mut dyn CrawlProgress,
}

impl Crawler<'_> {
    pub(super) fn run(&mut self, fetcher: &Fetcher, sink: &mut dyn Sink) -> Result<()> {
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
    pub(super) fn schedule(
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
                    .or_else(|| self.index.folder().map(State::path_for))
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
    pub(super) fn revisit(&mut self) -> usize {
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
    pub(super) fn flush(&mut self, cmds: &mpsc::SyncSender<Cmd>) -> Result<()> {
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

    pub(super) fn send_delete(&mut self, cmds: &mpsc::SyncSender<Cmd>, id: String) -> Result<()> {
        cmds.send(Cmd::Delete(id))
            .map_err(|_| Error::Internal("the ingest thread stopped".into()))
    }

    pub(super) fn host_allowed(&self, url: &Url) -> bool {
        self.scope.host_allowed(url)
    }

    pub(super) fn filtered(&self, ident: &str) -> bool {
        self.scope.filtered(ident)
    }

    pub(super) fn push(&mut self, item: Item, front: bool) {
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

    pub(super) fn page_limit_reached(&self) -> bool {
        self.pages_started >= self.opts.max_pages
    }

    /// Would anything be dispatchable (now or later)?
    pub(super) fn next_kind(&self) -> Next {
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
    pub(super) fn next_task(&mut self) -> Next {
        loop {
            match self.next_step() {
                Step::Again => continue,
                Step::Done(n) => return n,
            }
        }
    }

    /// One attempt of [`Self::next_task`]; `Again` after dropping an item.
    pub(super) fn next_step(&mut self) -> Step {
        let now = Instant::now();
        let mut soonest: Option<Duration> = None;
        let limit = self.page_limit_reached();
        let paused = self.pending_bytes > MAX_PENDING_BYTES;
        let keys: Vec<String> = self.hosts.keys().cloned().collect();
        for key in keys {
            match self.host_turn(&key, now, limit, paused) {
                HostTurn::Pass => {}
                HostTurn::WaitFor(d) => soonest = Some(soonest.map_or(d, |s| s.min(d))),
                HostTurn::Step(step) => return step,
            }
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

    /// What the host `key` can do now: nothing (empty queue, at its cap, robots.txt being
    /// read, nothing it may fetch), wait for its delay, or start a request (robots.txt
    /// first). Pages past the page `limit`, and every page while fetching is `paused`,
    /// stay queued.
    fn host_turn(&mut self, key: &str, now: Instant, limit: bool, paused: bool) -> HostTurn {
        let per_host = self.opts.per_host.max(1);
        let Some(h) = self.hosts.get_mut(key) else {
            return HostTurn::Pass;
        };
        if h.queue.is_empty() {
            return HostTurn::Pass;
        }
        // with a delay, one request at a time: the delay runs from the end of the last one
        let cap = if h.delay.is_zero() { per_host } else { 1 };
        if h.inflight >= cap {
            return HostTurn::Pass;
        }
        if h.next_at > now {
            return HostTurn::WaitFor(h.next_at - now);
        }
        match &h.robots {
            RobotsState::Fetching => return HostTurn::Pass,
            RobotsState::Unknown => {
                return match h.robots_request(now) {
                    Some(task) => HostTurn::Step(Step::Done(Next::Task(task))),
                    None => HostTurn::Pass,
                };
            }
            RobotsState::Ready(_) => {}
        }
        let Some(item) = h.pop_fetchable(limit, paused) else {
            return HostTurn::Pass;
        };
        let RobotsState::Ready(robots) = &h.robots else {
            return HostTurn::Pass;
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
            return HostTurn::Step(Step::Again);
        }
        match self.start(key, item, now) {
            Some(task) => HostTurn::Step(Step::Done(Next::Task(task))),
            None => HostTurn::Pass,
        }
    }

    /// Starts fetching `item` of host `key`: counts the page, takes a slot of the host and
    /// asks with the stored validators.
    fn start(
        &mut self,
        key: &str,
        item: Item,
        now: Instant,
    ) -> Option<Box<(Item, fetcher::Request)>> {
        if item.kind == ItemKind::Page && item.chain.is_empty() && !item.retried {
            self.pages_started += 1;
        }
        let h = self.hosts.get_mut(key)?;
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
        Some(Box::new((item, req)))
    }

    /// Conditional-request validators for a URL, when its document is
    /// still in the index and was indexed with the same attached values.
    pub(super) fn validators(&self, ident: &str) -> (Option<String>, Option<String>) {
        let Some(e) = self.state.urls.get(ident) else {
            return (None, None);
        };
        if e.status != 200 || e.attach != self.attach {
            return (None, None);
        }
        if let Some(id) = &e.doc_id {
            // unknown, or the store cannot say: fetch it whole
            if !matches!(self.index.content_hash(id), Ok(Some(_))) {
                return (None, None);
            }
        }
        (e.etag.clone(), e.last_modified.clone())
    }

    pub(super) fn skipped(&mut self, url: &str, reason: &'static str) {
        self.summary.skip(reason);
        self.report(url, &Event::Skipped(reason));
    }

    pub(super) fn fail(&mut self, url: &str, reason: String) {
        self.summary.failed.push(Failure {
            url: url.to_string(),
            reason: reason.clone(),
        });
        self.report(url, &Event::Failed(reason));
    }

    pub(super) fn report(&mut self, url: &str, event: &Event) {
        self.summary.queued = self.hosts.values().map(|h| h.queue.len()).sum();
        self.progress.page(url, event, &self.summary);
    }
}

pub(super) struct FetchedPage {
    pub(super) status: u16,
    pub(super) content_type: Option<String>,
    pub(super) etag: Option<String>,
    pub(super) last_modified: Option<String>,
    pub(super) header_noindex: bool,
    pub(super) body: Vec<u8>,
    pub(super) parsed: Option<Parsed>,
}

pub(super) enum Next {
    Task(Box<(Item, fetcher::Request)>),
    Wait(Duration),
    Nothing,
}

pub(super) enum Step {
    Again,
    Done(Next),
}

pub(super) fn http_reason(status: u16) -> String {
    let reason = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    format!("the server answered HTTP {status} {reason}")
        .trim_end()
        .to_string()
}
