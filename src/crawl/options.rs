//! The settings of one crawl, resolved once before it starts.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

use crate::crawl::url::Pattern;
use crate::ingest;
use crate::ingest::metadata::Override;

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

impl CrawlOptions {
    /// Default [`Self::max_pages`] (also `kartotek crawl --max-pages`).
    pub const DEFAULT_MAX_PAGES: usize = 1_000;
    /// Default [`Self::max_depth`].
    pub const DEFAULT_MAX_DEPTH: u32 = 5;
    /// Default [`Self::delay`], in milliseconds.
    pub const DEFAULT_DELAY_MS: u64 = 1_000;
    /// Default [`Self::per_host`].
    pub const DEFAULT_PER_HOST: usize = 2;
    /// Default [`Self::timeout`], in seconds.
    pub const DEFAULT_TIMEOUT_SECS: u64 = 30;
    /// Default [`Self::max_bytes`], in MB.
    pub const DEFAULT_MAX_BODY_MB: u64 = 50;
    /// Default [`Self::max_redirects`].
    pub const DEFAULT_MAX_REDIRECTS: usize = 10;
}

impl Default for CrawlOptions {
    fn default() -> Self {
        CrawlOptions {
            max_pages: Self::DEFAULT_MAX_PAGES,
            max_depth: Self::DEFAULT_MAX_DEPTH,
            include: Vec::new(),
            exclude: Vec::new(),
            allow_hosts: Vec::new(),
            sitemaps: Vec::new(),
            discover_sitemaps: true,
            allow_private: false,
            delay: Duration::from_millis(Self::DEFAULT_DELAY_MS),
            per_host: Self::DEFAULT_PER_HOST,
            workers: 4,
            timeout: Duration::from_secs(Self::DEFAULT_TIMEOUT_SECS),
            max_bytes: Self::DEFAULT_MAX_BODY_MB * 1024 * 1024,
            max_redirects: Self::DEFAULT_MAX_REDIRECTS,
            user_agent: format!("{} crawler", ingest::fetch::USER_AGENT),
            attach: None,
            state_path: None,
            batch: 16,
            stop: None,
        }
    }
}
