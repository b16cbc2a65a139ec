//! What a crawl reports: the summary (counts, failures, skips by reason) and the per-page
//! events handed to a [`CrawlProgress`] as they happen.

use std::collections::BTreeMap;

use serde::Serialize;

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

    pub(super) fn skip(&mut self, reason: &str) {
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
