//! The scheduler reading a worker's answer: host bookkeeping, robots.txt and sitemap
//! answers, and links queued within the scope and depth.

use std::sync::mpsc;
use std::time::Instant;

use reqwest::Url;

use super::{http_reason, Cmd, Crawler, Done, Item, ItemKind, RobotsState};
use crate::crawl::fetcher::Response;
use crate::crawl::robots::Robots;
use crate::crawl::url::{self, identity, normalize};
use crate::crawl::{sitemap, MAX_SITEMAPS, MAX_SITEMAP_NESTING};
use crate::document::LinkContext;
use crate::error::Result;

impl Crawler<'_> {
    pub(super) fn handle(&mut self, done: Done, cmds: &mpsc::SyncSender<Cmd>) -> Result<()> {
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
        if map.cut {
            let mb = self.opts.max_bytes / (1024 * 1024);
            self.fail(
                &shown,
                format!(
                    "sitemap: inflates to more than {mb} MB (the body limit); the locations in its first {mb} MB are crawled"
                ),
            );
        }
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
    pub(in crate::crawl) fn push_sitemap(
        &mut self,
        u: Url,
        level: u8,
        explicit: bool,
        chain: Vec<String>,
    ) {
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
    pub(super) fn enqueue_link(&mut self, u: Url, depth: u32, context: Option<LinkContext>) {
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
}
