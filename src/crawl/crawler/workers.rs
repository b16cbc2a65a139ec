//! The threads besides the scheduler: fetch workers (HTTP, then reading HTML pages, text
//! and links at once, in an extraction worker so a hostile page cannot take the crawler
//! down; ingest indexes that reading rather than parsing the page again) and the ingest
//! thread that owns the sink.

use std::sync::{mpsc, Mutex};

use reqwest::Url;

use super::{Cmd, Done, Item, ItemKind, Msg, Parsed};
use crate::crawl::fetcher::{self, Fetcher, Response};
use crate::crawl::url::normalize;
use crate::crawl::Sink;
use crate::document::Format;
use crate::ingest::{self, Outcome};

/// A fetch worker: HTTP, then reading HTML pages (text and links).
pub(super) fn worker(
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

/// Title, canonical URL, robots meta, resolved links and text of an HTML page
/// at `page`; `None` for anything else. Links and the canonical URL resolve
/// against the page's `<base href>` when it has an http(s) one, else against
/// `page`. A page the worker cannot read (a crash, a timeout) has no links.
pub(super) fn parse_page(body: &[u8], content_type: Option<&str>, page: &Url) -> Option<Parsed> {
    if ingest::sniff::sniff(body) != ingest::sniff::Sniffed::Known(Format::Html) {
        return None;
    }
    // Read in an extraction worker: a hostile page cannot take the crawler down.
    let limits = ingest::Limits::default();
    let mut h =
        ingest::supervisor::read_page(body, content_type.map(str::to_string), limits).ok()?;
    let base = h
        .base
        .as_deref()
        .and_then(|b| page.join(b.trim()).ok())
        .filter(|b| matches!(b.scheme(), "http" | "https"))
        .unwrap_or_else(|| page.clone());
    let links = std::mem::take(&mut h.links)
        .iter()
        .filter_map(|href| normalize(href, Some(&base)).ok())
        .collect();
    Some(Parsed {
        title: h.title.clone(),
        canonical: h
            .canonical
            .as_deref()
            .and_then(|c| normalize(c, Some(&base)).ok()),
        noindex: h.noindex,
        links,
        read: Box::new(h),
    })
}

/// The ingest thread: batches into the sink, outcomes back to the scheduler.
pub(super) fn ingester(sink: &mut dyn Sink, cmds: mpsc::Receiver<Cmd>, out: mpsc::Sender<Msg>) {
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
