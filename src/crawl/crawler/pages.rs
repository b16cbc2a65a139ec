//! The scheduler reading a fetched page: redirects followed hop by hop, 304/404/410 and
//! errors recorded, a new or changed body handed to the ingest thread, links followed.

use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use reqwest::Url;

use super::{http_reason, Cmd, Crawler, Done, FetchedPage, Item, ItemKind};
use crate::crawl::fetcher::Response;
use crate::crawl::state::{self, Entry};
use crate::crawl::url::{self, identity, normalize};
use crate::crawl::{Event, Failure, MAX_LINKS_PER_PAGE, MAX_RETRY_AFTER};
use crate::document::{Document, Format, LinkContext};
use crate::error::Result;
use crate::ingest::{self, Job, Origin, Outcome};

impl Crawler<'_> {
    pub(super) fn page_done(&mut self, done: Done, cmds: &mpsc::SyncSender<Cmd>) -> Result<()> {
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
        let (title, canonical, meta_noindex, links, read) = match f.parsed {
            Some(p) => (p.title, p.canonical, p.noindex, p.links, Some(p.read)),
            None => (None, None, false, Vec::new(), None),
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
            // a page the worker read goes in as read; anything else is read by ingest
            origin: match read {
                Some(extracted) => Origin::Read {
                    bytes: Arc::new(f.body),
                    extracted,
                },
                None => Origin::Bytes {
                    bytes: Arc::new(f.body),
                    content_type: f.content_type,
                },
            },
            error: None,
            overrides: self.opts.attach.clone().filter(|o| !o.is_empty()),
            context,
        });
        self.pending_state.insert(key, (item.ident.clone(), entry));
        Ok(())
    }

    /// The ingest thread's word on one document.
    pub(super) fn ingested(&mut self, display: &str, outcome: Outcome) {
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
