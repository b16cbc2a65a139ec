//! The Atom feed of a search at `/feed.atom`: the same parameters as `/api/search`
//! (`q`, every facet, `from`, `to`, `ui`, `key`), newest documents first, so a feed
//! reader can follow new calls and plans for a region or a programme.
//!
//! Written with `atom_syndication` (RFC 4287). Entry ids are `urn:kartotek:document:ID`
//! and the feed id is `urn:kartotek:search:` plus a hash of its query and filters, so
//! both stay the same whatever host name the server is reached by. An entry's
//! `updated` is the document's date; documents without a date are left out (a feed
//! says what is new, and they have no time). Links are absolute, from the request's
//! `Host` (and `X-Forwarded-Proto`), and carry the search key the feed was read with,
//! like the search page's links.

use atom_syndication::{Entry, Feed, FixedDateTime, Generator, Link, Person, Text};
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap};
use axum::response::Response;
use chrono::{NaiveDate, TimeZone, Utc};

use super::api::{self, SearchParams};
use super::error::ApiResult;
use super::page::hit_href;
use super::{bytes_response, i18n, AppState};
use crate::error::Error;
use crate::search::dates::Sort;

/// Entries in a feed (the newest dated documents).
pub(crate) const ENTRIES: usize = 50;

/// `GET /feed.atom`.
pub async fn feed(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let pairs = api::pairs(raw.as_deref(), &state.config)?;
    let p = SearchParams::parse(&pairs, &[])?;
    state.authorize_read(&headers, p.key.as_deref())?;
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    let t = i18n::negotiate(p.ui.as_deref(), accept);
    let mut req = p.req.clone();
    req.sort = Some(Sort::Date);
    req.offset = 0;
    req.limit = ENTRIES;
    req.facets = crate::facet::FacetSet::NONE;
    let resp = api::run_search(&state, req, t).await?;
    let base = base_url(&headers);
    let mut entries = Vec::new();
    for hit in &resp.hits {
        let Some(updated) = hit.date.as_deref().and_then(midnight) else {
            continue;
        };
        let mut e = Entry::default();
        e.set_id(format!("urn:kartotek:document:{}", hit.id));
        e.set_title(Text::plain(hit.title.clone()));
        e.set_updated(updated);
        e.set_published(Some(updated));
        let mut link = Link::default();
        link.set_href(hit_href(
            &base,
            hit,
            &p.req.q,
            p.ui.as_deref(),
            p.key.as_deref(),
        ));
        link.set_rel("alternate");
        link.set_mime_type(Some("text/html".to_string()));
        e.set_links(vec![link]);
        if !hit.snippet.is_empty() {
            // the snippet is escaped text with <mark>: Atom's `html` summary
            e.set_summary(Some(Text::html(hit.snippet.clone())));
        }
        entries.push(e);
    }
    let mut feed = Feed::default();
    let query_pairs: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, _)| k != "key" && k != "ui" && k != "sort" && k != "limit" && k != "offset")
        .cloned()
        .collect();
    let canonical = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(sorted(query_pairs))
        .finish();
    feed.set_id(format!(
        "urn:kartotek:search:{}",
        &blake3::hash(canonical.as_bytes()).to_hex()[..16]
    ));
    let title = if p.req.q.trim().is_empty() {
        t.feed_title.to_string()
    } else {
        format!("{} – {}", p.req.q.trim(), t.feed_title)
    };
    feed.set_title(Text::plain(title));
    let newest = entries.first().map(|e| *e.updated());
    feed.set_updated(newest.unwrap_or_else(|| Utc::now().fixed_offset()));
    let mut author = Person::default();
    author.set_name("Kartotek");
    feed.set_authors(vec![author]);
    let mut generator = Generator::default();
    generator.set_value("Kartotek");
    feed.set_generator(Some(generator));
    feed.set_lang(Some(t.code.to_string()));
    let page_href = format!("{base}/?{canonical}");
    let mut self_link = Link::default();
    self_link.set_href(format!("{base}/feed.atom?{}", raw.as_deref().unwrap_or("")));
    self_link.set_rel("self");
    self_link.set_mime_type(Some("application/atom+xml".to_string()));
    let mut alternate = Link::default();
    alternate.set_href(page_href);
    alternate.set_rel("alternate");
    alternate.set_mime_type(Some("text/html".to_string()));
    feed.set_links(vec![self_link, alternate]);
    feed.set_entries(entries);
    let xml = feed
        .write_to(Vec::new())
        .map_err(|e| Error::Internal(format!("writing the feed failed: {e}")))?;
    Ok(bytes_response(
        "application/atom+xml; charset=utf-8",
        xml,
        "no-cache",
    ))
}

fn sorted(mut pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    pairs.sort();
    pairs
}

/// Midnight UTC of a `YYYY-MM-DD` date.
fn midnight(date: &str) -> Option<FixedDateTime> {
    let d = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    let dt = d.and_hms_opt(0, 0, 0)?;
    Some(Utc.from_utc_datetime(&dt).fixed_offset())
}

/// `http(s)://host` of the request: `Host`, and `X-Forwarded-Proto` when a proxy says
/// https; empty (relative links) when there is no usable `Host`.
fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]_".contains(&b))
        });
    let Some(host) = host else {
        return String::new();
    };
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    format!("{}://{host}", if https { "https" } else { "http" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_become_midnight_utc() {
        assert_eq!(
            midnight("2021-06-30").map(|d| d.to_rfc3339()).as_deref(),
            Some("2021-06-30T00:00:00+00:00")
        );
        assert!(midnight("2021-02-30").is_none());
    }

    #[test]
    fn only_plain_host_names_make_absolute_links() {
        let mut h = HeaderMap::new();
        assert_eq!(base_url(&h), "");
        h.insert(header::HOST, "kartotek.example:8080".parse().unwrap());
        assert_eq!(base_url(&h), "http://kartotek.example:8080");
        h.insert("x-forwarded-proto", "https".parse().unwrap());
        assert_eq!(base_url(&h), "https://kartotek.example:8080");
        h.insert(header::HOST, "evil\"host".parse().unwrap());
        assert_eq!(base_url(&h), "");
    }
}
