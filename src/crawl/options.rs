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
