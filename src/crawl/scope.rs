//! What a crawl may index: the start hosts and `allow_hosts`, less what the include/exclude
//! patterns leave out.

use reqwest::Url;

use crate::crawl::url::{identity, normalize};
use crate::crawl::CrawlOptions;

/// What a crawl may index: pages on the hosts of its start URLs and
/// sitemaps (`www.example.org` and `example.org` are one site) or on one of
/// `allow_hosts` (`*.example.org` for subdomains), that no include/exclude
/// pattern leaves out. Whether a page is reachable within the depth and page
/// limits is not part of it.
pub struct Scope<'a> {
    pub(super) start_hosts: Vec<String>,
    pub(super) opts: &'a CrawlOptions,
}

impl<'a> Scope<'a> {
    /// The scope of a crawl from `seeds` (start URLs and sitemaps) with `opts`.
    pub(super) fn new<'u>(
        seeds: impl Iterator<Item = &'u Url>,
        opts: &'a CrawlOptions,
    ) -> Scope<'a> {
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
    pub(super) fn host_allowed(&self, url: &Url) -> bool {
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
    pub(super) fn filtered(&self, ident: &str) -> bool {
        (!self.opts.include.is_empty() && !self.opts.include.iter().any(|p| p.matches(ident)))
            || self.opts.exclude.iter().any(|p| p.matches(ident))
    }

    /// Whether the page at `url` is in the scope.
    pub fn covers(&self, url: &str) -> bool {
        normalize(url, None).is_ok_and(|u| self.host_allowed(&u) && !self.filtered(&identity(&u)))
    }
}
