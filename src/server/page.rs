//! The search page at `/`: server-rendered HTML that works without
//! JavaScript. A GET form, result list, facet filters as links (each link is
//! the current URL with one filter toggled), expandable hierarchies with
//! `<details>`, pagination, and an interface in English, Bokmål or Nynorsk.
//!
//! Every value is escaped when written. The snippet is the one exception that
//! carries markup, and only `<mark>`: it arrives escaped from the searcher and
//! is re-checked here ([`safe_snippet`]) so no other tag can get through.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::api::{self, SearchParams, FILTERS};
use super::i18n::{self, Strings};
use super::types::{FacetCount, Hit, SearchResponse};
use super::AppState;
use crate::document::date_text;
use crate::facet::Facet;
use crate::search::dates::Sort;
use crate::search::MAX_OFFSET;

/// Escape text for HTML content and attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Keep a snippet's `<mark>`/`</mark>` and escape any other `<`, `>` or `"`
/// (entities the searcher wrote stay as they are).
pub(crate) fn safe_snippet(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    let mut rest = s;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("<mark>") {
            out.push_str("<mark>");
            rest = r;
        } else if let Some(r) = rest.strip_prefix("</mark>") {
            out.push_str("</mark>");
            rest = r;
        } else {
            let mut chars = rest.chars();
            let c = chars.next().unwrap_or(' ');
            match c {
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                c => out.push(c),
            }
            rest = chars.as_str();
        }
    }
    // Balance marks, so a truncated snippet cannot bleed highlighting.
    let opened = out.matches("<mark>").count();
    let closed = out.matches("</mark>").count();
    for _ in closed..opened {
        out.push_str("</mark>");
    }
    out
}

/// Where a hit's link goes: its document page (`/documents/{id}`), with the query
/// so the page marks it, the page of the best passage so the mark scrolled to is
/// there (`#hit`), the interface language, and the search `key` when the page was
/// opened with one (a browser following a link sends no `Authorization` header).
pub(crate) fn hit_href(
    base: &str,
    hit: &Hit,
    q: &str,
    ui: Option<&str>,
    key: Option<&str>,
) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    if !q.trim().is_empty() {
        s.append_pair("q", q);
    }
    if let Some(p) = hit.page {
        s.append_pair("page", &p.to_string());
    }
    if let Some(ui) = ui {
        s.append_pair("ui", ui);
    }
    if let Some(k) = key {
        s.append_pair("key", k);
    }
    let qs = s.finish();
    let id: String = form_urlencoded::byte_serialize(hit.id.as_bytes()).collect();
    let anchor = if q.trim().is_empty() { "" } else { "#hit" };
    if qs.is_empty() {
        format!("{base}/documents/{id}{anchor}")
    } else {
        format!("{base}/documents/{id}?{qs}{anchor}")
    }
}

/// Where the original of a document can be opened: http(s) sources themselves, files of
/// the built-in corpus at `/corpus/…` (with the search key), PDFs at `page`. `None`
/// when Kartotek holds no copy (uploads, local files).
pub(crate) fn source_href(url: &str, page: Option<u32>, key: Option<&str>) -> Option<String> {
    let anchor = page.map(|p| format!("#page={p}")).unwrap_or_default();
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        return Some(format!("{url}{anchor}"));
    }
    let name = url.strip_prefix("corpus/")?;
    let query: String = key
        .map(|k| {
            let pair = form_urlencoded::Serializer::new(String::new())
                .append_pair("key", k)
                .finish();
            format!("?{pair}")
        })
        .unwrap_or_default();
    let enc: String = form_urlencoded::byte_serialize(name.as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    Some(format!("/corpus/{enc}{query}{anchor}"))
}

/// A short, readable source: host and path for URLs, the file name otherwise.
pub(crate) fn source_label(url: &str) -> String {
    let stripped = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .map(|s| s.strip_prefix("www.").unwrap_or(s));
    let s = match stripped {
        Some(s) => s.trim_end_matches('/').replace('/', " › "),
        None => url.rsplit('/').next().unwrap_or(url).to_string(),
    };
    if s.chars().count() > 80 {
        let cut: String = s.chars().take(77).collect();
        format!("{cut}…")
    } else {
        s
    }
}

/// The page's own query state, used to build every link.
pub(crate) struct View<'a> {
    pub(crate) q: &'a str,
    pub(crate) filters: &'a BTreeMap<String, Vec<String>>,
    pub(crate) ui: Option<&'a str>,
    pub(crate) key: Option<&'a str>,
    pub(crate) limit: usize,
    pub(crate) offset: usize,
    /// `from`/`to` as `YYYY-MM-DD`.
    pub(crate) from: Option<String>,
    pub(crate) to: Option<String>,
    /// The order asked for (`None`: the default).
    pub(crate) sort: Option<Sort>,
    /// Hits say why they matched (`explain=1`, "why this result").
    pub(crate) explain: bool,
}

impl View<'_> {
    /// `/?…` with the filters changed by `toggle` and the given offset.
    fn href(&self, toggle: Option<(&str, &str)>, offset: usize, ui: Option<&str>) -> String {
        let qs = self.query(toggle, offset, ui, self.sort);
        if qs.is_empty() {
            "/".into()
        } else {
            format!("/?{qs}")
        }
    }

    /// `/?…` in another order, from the first page.
    fn sorted(&self, sort: Sort) -> String {
        format!("/?{}", self.query(None, 0, None, Some(sort)))
    }

    /// The Atom feed of this search: its query, filters and dates (newest first).
    pub(crate) fn feed_href(&self) -> String {
        let qs = self.query(None, 0, None, None);
        if qs.is_empty() {
            "/feed.atom".into()
        } else {
            format!("/feed.atom?{qs}")
        }
    }

    /// The query string of this view, changed as asked.
    fn query(
        &self,
        toggle: Option<(&str, &str)>,
        offset: usize,
        ui: Option<&str>,
        sort: Option<Sort>,
    ) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        if !self.q.is_empty() {
            s.append_pair("q", self.q);
        }
        for name in FILTERS {
            let mut values: Vec<String> = self.filters.get(name).cloned().unwrap_or_default();
            if let Some((f, p)) = toggle {
                if f == name {
                    if let Some(i) = values.iter().position(|v| norm(v) == p) {
                        values.remove(i);
                    } else {
                        values.push(p.to_string());
                    }
                }
            }
            for v in values {
                s.append_pair(name, &v);
            }
        }
        if let Some(f) = &self.from {
            s.append_pair("from", f);
        }
        if let Some(t) = &self.to {
            s.append_pair("to", t);
        }
        if let Some(sort) = sort {
            s.append_pair("sort", sort.as_str());
        }
        if offset > 0 {
            s.append_pair("offset", &offset.to_string());
        }
        if let Some(ui) = ui.or(self.ui) {
            s.append_pair("ui", ui);
        }
        if let Some(k) = self.key {
            s.append_pair("key", k);
        }
        s.finish()
    }

    /// The same view without filters or dates (the home link, "clear filters").
    fn cleared<'b>(&'b self, empty: &'b BTreeMap<String, Vec<String>>, q: &'b str) -> View<'b> {
        View {
            q,
            filters: empty,
            ui: self.ui,
            key: self.key,
            limit: self.limit,
            offset: 0,
            from: None,
            to: None,
            sort: None,
            explain: false,
        }
    }

    fn selected(&self, facet: &str, path: &str) -> bool {
        self.filters
            .get(facet)
            .is_some_and(|v| v.iter().any(|x| norm(x) == path))
    }
}

/// `nb` → `/nb`, `/a/b/` → `/a/b`: how filter values compare to facet paths.
fn norm(v: &str) -> String {
    let v = v.trim().trim_end_matches('/');
    if v.starts_with('/') {
        v.to_string()
    } else {
        format!("/{v}")
    }
}

fn facet_title<'a>(t: &'a Strings, facet: &str) -> &'a str {
    t.facet(Facet::parse(facet).unwrap_or(Facet::Doctype))
}

/// `GET /`: the search page.
pub(crate) async fn search_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    let parsed = api::pairs(raw.as_deref(), &state.config).and_then(|p| {
        let ui_raw = p.iter().find(|(k, _)| k == "ui").map(|(_, v)| v.clone());
        SearchParams::parse(&p, &[]).map(|sp| (sp, ui_raw))
    });
    let (params, t) = match parsed {
        Ok((sp, ui_raw)) => {
            let t = i18n::negotiate(ui_raw.as_deref(), accept);
            (sp, t)
        }
        Err(e) => {
            let t = i18n::negotiate(None, accept);
            return html(StatusCode::BAD_REQUEST, error_page(t, &e.to_string()));
        }
    };
    if let Err(e) = state.authorize_read(&headers, params.key.as_deref()) {
        return refused(t, &e);
    }
    let mut req = params.req.clone();
    req.limit = 10;
    let limit = req.limit;
    let result = api::run_search(&state, req, t).await;
    let view = View {
        q: &params.req.q,
        filters: &params.req.filters,
        ui: params.ui.as_deref(),
        key: params.key.as_deref(),
        limit,
        offset: params.req.offset,
        from: params.req.from.map(date_text),
        to: params.req.to.map(date_text),
        sort: params.req.sort,
        explain: params.req.explain,
    };
    match result {
        Ok(resp) => html(StatusCode::OK, render(&state, t, &view, &resp)),
        Err(e) => failed_page(t, e),
    }
}

/// The error page for `e`: its status and the message an API client would
/// see (a server error's cause is logged, not shown).
pub(crate) fn failed_page(t: &Strings, e: crate::error::Error) -> Response {
    let e = super::error::AppError(e);
    let status = e.status();
    if status.is_server_error() {
        tracing::error!(error = %e.0, "page failed");
    }
    html(status, error_page(t, &e.public().1))
}

/// An HTML response with the page's security headers.
pub(crate) fn html(status: StatusCode, body: String) -> Response {
    let mut resp = (status, body).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'self'"),
    );
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    resp
}

/// The start of every page, up to `<body>`; `feed` is the page's Atom feed, if any.
pub(crate) fn head(out: &mut String, t: &Strings, title: &str, feed: Option<&str>) {
    let feed = feed
        .map(|f| {
            format!(
                "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"{}\" href=\"{}\">\n",
                esc(t.feed),
                esc(f)
            )
        })
        .unwrap_or_default();
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<link rel=\"stylesheet\" href=\"/style.css\">\n{feed}\
         <link rel=\"icon\" href=\"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='4' fill='%231f4e79'/%3E%3C/svg%3E\">\n\
         </head>\n<body>\n",
        t.code,
        esc(title)
    );
}

/// The page for a refused key: its status, and what to do in the interface language.
pub(crate) fn refused(t: &Strings, e: &crate::error::Error) -> Response {
    let status = StatusCode::from_u16(e.code().http_status()).unwrap_or(StatusCode::UNAUTHORIZED);
    let message = match e {
        crate::error::Error::Unauthorized => t.needs_key,
        crate::error::Error::Forbidden(_) => t.wrong_key,
        _ => return html(status, error_page(t, &e.to_string())),
    };
    html(status, error_page(t, message))
}

/// A page for people saying what went wrong (in the interface language's heading).
pub(crate) fn error_page(t: &Strings, message: &str) -> String {
    let mut out = String::new();
    head(&mut out, t, "Kartotek", None);
    let _ = write!(
        out,
        "<header class=\"top\"><div class=\"wrap bar\"><a class=\"brand\" href=\"/\"><span class=\"logo\" aria-hidden=\"true\"></span>Kartotek</a></div></header>\n\
         <main class=\"wrap\"><div class=\"notice\" role=\"alert\"><h1>{}</h1><p>{}</p></div></main>\n</body>\n</html>\n",
        esc(t.error),
        esc(message)
    );
    out
}

fn render(state: &AppState, t: &Strings, v: &View<'_>, resp: &SearchResponse) -> String {
    let mut out = String::with_capacity(32 * 1024);
    let title = if v.q.is_empty() {
        "Kartotek".to_string()
    } else {
        format!("{} – Kartotek", v.q)
    };
    head(&mut out, t, &title, Some(&v.feed_href()));
    let _ = write!(
        out,
        "<a class=\"skip\" href=\"#results\">{}</a>",
        esc(t.skip)
    );
    // Header: brand, search form, interface language.
    let _ = write!(
        out,
        "<header class=\"top\"><div class=\"wrap bar\">\
         <a class=\"brand\" href=\"{home}\"><span class=\"logo\" aria-hidden=\"true\"></span>Kartotek</a>\
         <form class=\"search\" role=\"search\" method=\"get\" action=\"/\">\
         <input type=\"search\" name=\"q\" value=\"{q}\" placeholder=\"{ph}\" aria-label=\"{search}\" autocomplete=\"off\">",
        home = esc(&v.cleared(&BTreeMap::new(), "").href(None, 0, None)),
        q = esc(v.q),
        ph = esc(t.placeholder),
        search = esc(t.search),
    );
    for name in FILTERS {
        for val in v.filters.get(name).into_iter().flatten() {
            let _ = write!(
                out,
                "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
                esc(val)
            );
        }
    }
    hidden_state(&mut out, v, true);
    let _ = write!(
        out,
        "<button type=\"submit\"><svg aria-hidden=\"true\" viewBox=\"0 0 20 20\" width=\"18\" height=\"18\"><circle cx=\"8.5\" cy=\"8.5\" r=\"5.5\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\"/><path d=\"M13 13l4.5 4.5\" stroke=\"currentColor\" stroke-width=\"2\" stroke-linecap=\"round\"/></svg><span>{}</span></button></form>\
         <nav class=\"uilang\" aria-label=\"{}\">",
        esc(t.search),
        esc(t.interface_language)
    );
    for (code, name) in i18n::ALL.iter().map(|l| (l.code, l.name)) {
        let current = if code == t.code {
            " aria-current=\"true\""
        } else {
            ""
        };
        let _ = write!(
            out,
            "<a href=\"{}\" lang=\"{code}\"{current}>{name}</a>",
            esc(&v.href(None, 0, Some(code)))
        );
    }
    out.push_str("</nav></div>");
    let _ = writeln!(
        out,
        "<p class=\"wrap tagline\">{}</p></header>",
        esc(t.tagline)
    );

    out.push_str("<main class=\"wrap layout\">\n");
    render_facets(&mut out, t, v, resp);
    out.push_str("<section class=\"results\" id=\"results\" tabindex=\"-1\">\n");
    render_active(&mut out, state, t, v);
    let noun = if resp.total == 1 {
        t.documents.0
    } else {
        t.documents.1
    };
    if v.q.trim().is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"summary\"><strong>{}</strong> {}</p>",
            resp.total,
            esc(noun)
        );
    } else {
        let _ = writeln!(
            out,
            "<p class=\"summary\"><strong>{}</strong> {} {} <q>{}</q> <span class=\"took\">· {:.0} ms</span></p>",
            resp.total,
            esc(noun),
            esc(t.for_query),
            esc(v.q),
            resp.took_ms.max(1.0)
        );
    }
    render_tools(&mut out, t, v);
    if resp.hits.is_empty() {
        let _ = writeln!(
            out,
            "<div class=\"empty\"><p><strong>{}</strong></p><p>{}</p></div>",
            esc(t.no_results),
            esc(t.no_results_hint)
        );
    } else {
        let offset = v.offset;
        let _ = writeln!(out, "<ol class=\"hits\" start=\"{}\">", offset + 1);
        for (i, hit) in resp.hits.iter().enumerate() {
            render_hit(&mut out, state, t, hit, v, offset + i + 1);
        }
        out.push_str("</ol>\n");
        render_pagination(&mut out, t, v, resp.total as usize, offset);
    }
    out.push_str("</section>\n</main>\n");
    let _ = writeln!(
        out,
        "<footer class=\"wrap foot\"><span>{}</span><a href=\"/api/openapi.json\">API</a></footer>\n</body>\n</html>",
        esc(t.footer)
    );
    out
}

fn render_hit(
    out: &mut String,
    state: &AppState,
    t: &Strings,
    hit: &Hit,
    v: &View<'_>,
    rank: usize,
) {
    let href = hit_href("", hit, v.q, v.ui, v.key);
    let lang = api::label(state, "lang", &format!("/{}", hit.lang), t.code);
    let _ = write!(
        out,
        "<li class=\"hit\" id=\"hit-{rank}\"><h2><a href=\"{}\">{}</a></h2><div class=\"meta\"><span class=\"src\">{}</span><span class=\"lang\" lang=\"{}\">{}</span>",
        esc(&href),
        esc(&hit.title),
        esc(&source_label(&hit.url)),
        esc(&hit.lang),
        esc(&lang)
    );
    if let Some(p) = hit.page {
        let _ = write!(out, "<span class=\"page\">{} {p}</span>", esc(t.page));
    }
    if let Some(d) = &hit.date {
        let _ = write!(
            out,
            "<span class=\"date\"><time datetime=\"{0}\">{0}</time></span>",
            esc(d)
        );
    }
    out.push_str("</div>");
    if !hit.snippet.is_empty() {
        let _ = write!(
            out,
            "<p class=\"snippet\" lang=\"{}\">{}</p>",
            esc(&hit.lang),
            safe_snippet(&hit.snippet)
        );
    }
    let mut tags: Vec<String> = Vec::new();
    for name in [Facet::Programme, Facet::Region, Facet::Network].map(Facet::name) {
        for path in hit.facets.get(name).into_iter().flatten().take(2) {
            tags.push(api::label(state, name, path, t.code));
        }
    }
    if !tags.is_empty() {
        out.push_str("<ul class=\"tags\">");
        for tag in tags.iter().take(5) {
            let _ = write!(out, "<li>{}</li>", esc(tag));
        }
        out.push_str("</ul>");
    }
    render_why(out, t, hit, v, rank);
    out.push_str("</li>\n");
}

/// "Why this result": a link that asks for the explanation (the same search
/// with `explain=1`, back at this hit), or, when asked, which query word met
/// which document word, through which feature and with what weight.
fn render_why(out: &mut String, t: &Strings, hit: &Hit, v: &View<'_>, rank: usize) {
    if v.q.trim().is_empty() {
        return;
    }
    if !v.explain {
        let mut qs = v.query(None, v.offset, None, v.sort);
        qs.push_str("&explain=1");
        let _ = write!(
            out,
            "<p class=\"why-link\"><a href=\"/?{}#hit-{rank}\" rel=\"nofollow\">{}</a></p>",
            esc(&qs),
            esc(t.why.link)
        );
        return;
    }
    let _ = write!(
        out,
        "<details class=\"why\" open><summary>{}</summary>",
        esc(t.why.link)
    );
    if hit.explain.is_empty() {
        let _ = write!(out, "<p>{}</p>", esc(t.why.nothing));
    } else {
        out.push_str("<ul>");
        for e in &hit.explain {
            let _ = write!(
                out,
                "<li><q>{}</q> → <q lang=\"{}\">{}</q> <span class=\"feature\">{}</span> <span class=\"weight\">{} {:.2}</span></li>",
                esc(&e.word),
                esc(&hit.lang),
                esc(&e.matched),
                esc(t.why.feature(e.feature)),
                esc(t.why.weight),
                e.weight
            );
        }
        out.push_str("</ul>");
    }
    out.push_str("</details>");
}

/// Hidden inputs carrying the filters (and, with `dates`, the date range), order,
/// interface language and key into a GET form.
fn hidden_state(out: &mut String, v: &View<'_>, dates: bool) {
    let mut field = |name: &str, value: &str| {
        let _ = write!(
            out,
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
            esc(name),
            esc(value)
        );
    };
    if dates {
        for name in FILTERS {
            for val in v.filters.get(name).into_iter().flatten() {
                field(name, val);
            }
        }
        if let Some(f) = &v.from {
            field("from", f);
        }
        if let Some(to) = &v.to {
            field("to", to);
        }
    }
    if let Some(sort) = v.sort {
        field("sort", sort.as_str());
    }
    if let Some(ui) = v.ui {
        field("ui", ui);
    }
    if let Some(k) = v.key {
        field("key", k);
    }
}

/// The order of the results and the feed of the search.
fn render_tools(out: &mut String, t: &Strings, v: &View<'_>) {
    let current = v.sort.unwrap_or(if v.q.trim().is_empty() {
        Sort::Date
    } else {
        Sort::Relevance
    });
    let _ = write!(
        out,
        "<div class=\"tools\"><nav class=\"sort\" aria-label=\"{0}\"><span>{0}:</span>",
        esc(t.sort)
    );
    for (sort, label) in [
        (Sort::Relevance, t.sort_relevance),
        (Sort::Date, t.sort_date),
    ] {
        if sort == current {
            let _ = write!(
                out,
                "<a aria-current=\"true\" href=\"{}\">{}</a>",
                esc(&v.sorted(sort)),
                esc(label)
            );
        } else {
            let _ = write!(
                out,
                "<a href=\"{}\">{}</a>",
                esc(&v.sorted(sort)),
                esc(label)
            );
        }
    }
    let _ = writeln!(
        out,
        "</nav><a class=\"feed\" href=\"{}\" type=\"application/atom+xml\"><svg aria-hidden=\"true\" viewBox=\"0 0 16 16\" width=\"14\" height=\"14\"><circle cx=\"3\" cy=\"13\" r=\"2\" fill=\"currentColor\"/><path d=\"M2 7a7 7 0 0 1 7 7M2 2a12 12 0 0 1 12 12\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\"/></svg>{}</a></div>",
        esc(&v.feed_href()),
        esc(t.feed)
    );
}

/// The date range filter: two fields (`2021`, `2021-06`, `2021-06-30`) and a button.
fn render_dates(out: &mut String, t: &Strings, v: &View<'_>) {
    let _ = write!(
        out,
        "<form class=\"dates\" method=\"get\" action=\"/\"><fieldset><legend>{}</legend>",
        esc(t.dates)
    );
    if !v.q.is_empty() {
        let _ = write!(
            out,
            "<input type=\"hidden\" name=\"q\" value=\"{}\">",
            esc(v.q)
        );
    }
    for name in FILTERS {
        for val in v.filters.get(name).into_iter().flatten() {
            let _ = write!(
                out,
                "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
                esc(val)
            );
        }
    }
    hidden_state(out, v, false);
    for (name, label, value) in [("from", t.from, &v.from), ("to", t.to, &v.to)] {
        let _ = write!(
            out,
            "<label><span>{}</span><input name=\"{name}\" value=\"{}\" inputmode=\"numeric\" placeholder=\"{}\" size=\"10\" maxlength=\"10\" pattern=\"\\d{{4}}(-\\d{{2}}(-\\d{{2}})?)?\"></label>",
            esc(label),
            esc(value.as_deref().unwrap_or("")),
            if name == "from" { "2021" } else { "2027-12-31" }
        );
    }
    let _ = writeln!(
        out,
        "<button type=\"submit\">{}</button></fieldset></form>",
        esc(t.apply)
    );
}

fn render_active(out: &mut String, state: &AppState, t: &Strings, v: &View<'_>) {
    let mut chips = String::new();
    if v.from.is_some() || v.to.is_some() {
        let undated = View {
            q: v.q,
            filters: v.filters,
            ui: v.ui,
            key: v.key,
            limit: v.limit,
            offset: 0,
            from: None,
            to: None,
            sort: v.sort,
            explain: false,
        };
        let range = format!(
            "{} – {}",
            v.from.as_deref().unwrap_or(""),
            v.to.as_deref().unwrap_or("")
        );
        let _ = write!(
            chips,
            "<a class=\"chip\" href=\"{}\" aria-label=\"{}: {}\"><span class=\"k\">{}</span> {} <span aria-hidden=\"true\">×</span></a>",
            esc(&undated.href(None, 0, None)),
            esc(t.remove_filter),
            esc(&range),
            esc(t.dates),
            esc(&range),
        );
    }
    for name in FILTERS {
        for val in v.filters.get(name).into_iter().flatten() {
            let path = norm(val);
            let _ = write!(
                chips,
                "<a class=\"chip\" href=\"{}\" aria-label=\"{}: {}\"><span class=\"k\">{}</span> {} <span aria-hidden=\"true\">×</span></a>",
                esc(&v.href(Some((name, &path)), 0, None)),
                esc(t.remove_filter),
                esc(&api::label(state, name, &path, t.code)),
                esc(facet_title(t, name)),
                esc(&api::label(state, name, &path, t.code)),
            );
        }
    }
    if !chips.is_empty() {
        let empty = BTreeMap::new();
        let mut cleared = v.cleared(&empty, v.q);
        cleared.sort = v.sort;
        let clear = cleared.href(None, 0, None);
        let _ = writeln!(
            out,
            "<div class=\"active\">{chips}<a class=\"clear\" href=\"{}\">{}</a></div>",
            esc(&clear),
            esc(t.clear)
        );
    }
}

fn render_facets(out: &mut String, t: &Strings, v: &View<'_>, resp: &SearchResponse) {
    let active: usize = v.filters.values().map(Vec::len).sum();
    let badge = if active > 0 {
        format!(" <span class=\"badge\">{active}</span>")
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "<aside class=\"side\"><details class=\"filters\"><summary>{}{badge}</summary>",
        esc(t.filters)
    );
    render_dates(out, t, v);
    for name in FILTERS {
        let Some(values) = resp.facets.get(name) else {
            continue;
        };
        if values.is_empty() {
            continue;
        }
        let open = if name == Facet::Lang.name() || name == Facet::Doctype.name() {
            ""
        } else {
            " open"
        };
        let _ = write!(
            out,
            "<details class=\"facet\"{open}><summary>{}</summary>",
            esc(facet_title(t, name))
        );
        tree(out, t, v, name, &Levels::new(values), None, 0);
        out.push_str("</details>\n");
    }
    out.push_str("</details></aside>\n");
}

fn parent_of(path: &str) -> Option<&str> {
    let i = path.rfind('/')?;
    (i > 0).then(|| &path[..i])
}

/// Values listed per level of a facet: a level with more (a sidecar can give
/// each document a hundred places) ends with a count of the rest, so the page
/// stays small whatever the hits carry.
const LISTED: usize = 200;

/// A facet's values by parent path, built once per facet so rendering stays
/// linear in the number of values.
struct Levels<'a> {
    /// Keyed by the parent's path, `""` for the top level.
    children: HashMap<&'a str, Vec<&'a FacetCount>>,
}

impl<'a> Levels<'a> {
    fn new(all: &'a [FacetCount]) -> Levels<'a> {
        let mut children: HashMap<&str, Vec<&FacetCount>> = HashMap::new();
        for f in all {
            children
                .entry(parent_of(&f.path).unwrap_or(""))
                .or_default()
                .push(f);
        }
        Levels { children }
    }

    fn under(&self, parent: Option<&str>) -> &[&'a FacetCount] {
        self.children
            .get(parent.unwrap_or(""))
            .map_or(&[], Vec::as_slice)
    }
}

/// One level of a facet hierarchy; children nest in `<details>`.
fn tree(
    out: &mut String,
    t: &Strings,
    v: &View<'_>,
    facet: &str,
    levels: &Levels<'_>,
    parent: Option<&str>,
    depth: usize,
) {
    if depth > 8 {
        return;
    }
    let mut level: Vec<&FacetCount> = levels.under(parent).to_vec();
    if Facet::parse(facet).is_some_and(Facet::chronological) {
        // years and periods read newest first
        level.sort_by(|a, b| b.path.cmp(&a.path));
    } else {
        level.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
    }
    if level.is_empty() {
        return;
    }
    // the first LISTED, and selected values even when they are not among them
    let values = level.len();
    if values > LISTED {
        let (head, tail) = level.split_at(LISTED);
        let picked: Vec<&FacetCount> = tail
            .iter()
            .copied()
            .filter(|f| subtree_selected(v, facet, &f.path))
            .collect();
        level = head.iter().copied().chain(picked).collect();
    }
    let hidden = values - level.len();
    const SHOWN: usize = 6;
    let class = if depth == 0 { "tree" } else { "tree sub" };
    let _ = write!(out, "<ul class=\"{class}\">");
    let mut more_open = false;
    for (i, f) in level.iter().enumerate() {
        if i == SHOWN && depth == 0 {
            let any_selected_later = level[SHOWN..]
                .iter()
                .any(|f| subtree_selected(v, facet, &f.path));
            let _ = write!(
                out,
                "</ul><details class=\"more\"{}><summary>+{} {}</summary><ul class=\"{class}\">",
                if any_selected_later { " open" } else { "" },
                level.len() - SHOWN + hidden,
                esc(t.more)
            );
            more_open = true;
        }
        let on = v.selected(facet, &f.path);
        let link = format!(
            "<a class=\"opt{}\" href=\"{}\"{}><span class=\"box\" aria-hidden=\"true\"></span><span class=\"name\">{}</span><span class=\"n\">{}</span></a>",
            if on { " on" } else { "" },
            esc(&v.href(Some((facet, &f.path)), 0, None)),
            if on { " aria-current=\"true\"" } else { "" },
            esc(&f.label),
            f.count
        );
        if levels.under(Some(&f.path)).is_empty() {
            let _ = write!(out, "<li>{link}</li>");
        } else {
            let open = if on || subtree_selected(v, facet, &f.path) {
                " open"
            } else {
                ""
            };
            let _ = write!(
                out,
                "<li><details class=\"node\"{open}><summary>{link}</summary>"
            );
            tree(out, t, v, facet, levels, Some(&f.path), depth + 1);
            out.push_str("</details></li>");
        }
    }
    if hidden > 0 {
        let _ = write!(out, "<li class=\"hidden-values\">+{hidden} …</li>");
    }
    out.push_str("</ul>");
    if more_open {
        out.push_str("</details>");
    }
}

fn subtree_selected(v: &View<'_>, facet: &str, path: &str) -> bool {
    v.filters.get(facet).is_some_and(|vals| {
        vals.iter().any(|x| {
            let n = norm(x);
            n == path || n.starts_with(&format!("{path}/"))
        })
    })
}

fn render_pagination(out: &mut String, t: &Strings, v: &View<'_>, total: usize, offset: usize) {
    let per = v.limit.max(1);
    let last_offset = total.saturating_sub(1).min(MAX_OFFSET) / per * per;
    if total <= per {
        return;
    }
    let current = offset / per;
    let pages = last_offset / per + 1;
    let _ = write!(
        out,
        "<nav class=\"pages\" aria-label=\"{}\">",
        esc(t.pagination)
    );
    if current > 0 {
        let _ = write!(
            out,
            "<a class=\"prev\" href=\"{}\" rel=\"prev\">← {}</a>",
            esc(&v.href(None, (current - 1) * per, None)),
            esc(t.previous)
        );
    }
    let mut last_shown = None;
    for p in 0..pages {
        let near = p == 0 || p + 1 == pages || p.abs_diff(current) <= 2;
        if !near {
            continue;
        }
        if let Some(l) = last_shown {
            if p > l + 1 {
                out.push_str("<span class=\"gap\">…</span>");
            }
        }
        if p == current {
            let _ = write!(
                out,
                "<span class=\"num\" aria-current=\"page\">{}</span>",
                p + 1
            );
        } else {
            let _ = write!(
                out,
                "<a class=\"num\" href=\"{}\">{}</a>",
                esc(&v.href(None, p * per, None)),
                p + 1
            );
        }
        last_shown = Some(p);
    }
    if current + 1 < pages {
        let _ = write!(
            out,
            "<a class=\"next\" href=\"{}\" rel=\"next\">{} →</a>",
            esc(&v.href(None, (current + 1) * per, None)),
            esc(t.next)
        );
    }
    out.push_str("</nav>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_keep_only_mark_markup() {
        assert_eq!(
            safe_snippet("a <mark>b</mark> &amp; c"),
            "a <mark>b</mark> &amp; c"
        );
        assert_eq!(
            safe_snippet("<script>x</script><mark>y"),
            "&lt;script&gt;x&lt;/script&gt;<mark>y</mark>"
        );
        assert_eq!(safe_snippet("<mar"), "&lt;mar");
    }

    /// A hit on page 4 of the corpus file `a b.pdf`.
    fn corpus_hit() -> Hit {
        Hit {
            id: "abc".into(),
            title: "t".into(),
            url: "corpus/a b.pdf".into(),
            lang: "nb".into(),
            score: 1.0,
            page: Some(4),
            date: None,
            snippet: String::new(),
            facets: BTreeMap::new(),
            explain: Vec::new(),
        }
    }

    #[test]
    fn results_open_their_document_page_at_the_hit() {
        let mut h = corpus_hit();
        assert_eq!(
            hit_href("", &h, "grønn vekst", Some("sv"), None),
            "/documents/abc?q=gr%C3%B8nn+vekst&page=4&ui=sv#hit"
        );
        h.page = None;
        assert_eq!(
            hit_href("http://k", &h, "", None, None),
            "http://k/documents/abc"
        );
    }

    #[test]
    fn links_to_this_server_carry_the_search_key() {
        let h = corpus_hit();
        assert_eq!(
            hit_href("", &h, "x", None, Some("s3cr&t")),
            "/documents/abc?q=x&page=4&key=s3cr%26t#hit"
        );
        assert_eq!(
            source_href(&h.url, h.page, Some("s3cr&t")).as_deref(),
            Some("/corpus/a%20b.pdf?key=s3cr%26t#page=4")
        );
        // other sites never see the key
        assert_eq!(
            source_href("https://example.org/x", Some(4), Some("k")).as_deref(),
            Some("https://example.org/x#page=4")
        );
        // uploads and local files: no copy to open
        assert_eq!(source_href("uploads/x.txt", None, Some("k")), None);
    }

    #[test]
    fn a_facet_with_thousands_of_values_lists_a_few_hundred_and_counts_the_rest() {
        // the municipalities of 20,000 places under 200 counties
        let mut all = Vec::new();
        for c in 0..200 {
            all.push(FacetCount {
                path: format!("/c{c}"),
                label: format!("c{c}"),
                count: 1000,
            });
            for m in 0..100 {
                all.push(FacetCount {
                    path: format!("/c{c}/m{m}"),
                    label: format!("m{m}"),
                    count: 10,
                });
            }
        }
        all.push(FacetCount {
            path: "/last".into(),
            label: "last".into(),
            count: 1,
        });
        let mut filters = BTreeMap::new();
        filters.insert("region".to_string(), vec!["/last".to_string()]);
        let v = View {
            q: "",
            filters: &filters,
            ui: None,
            key: None,
            limit: 10,
            offset: 0,
            from: None,
            to: None,
            sort: None,
            explain: false,
        };
        let mut out = String::new();
        let started = std::time::Instant::now();
        tree(
            &mut out,
            &i18n::EN,
            &v,
            "region",
            &Levels::new(&all),
            None,
            0,
        );
        let elapsed = started.elapsed();
        // 200 counties and the selected `/last`, each with 100 listed places
        assert_eq!(
            out.matches("class=\"opt").count(),
            201 + 200 * 100,
            "{elapsed:?}"
        );
        assert!(
            out.contains("aria-current=\"true\""),
            "the selected value is listed"
        );
        assert!(!out.contains("hidden-values"), "{}", &out[..200]);
        // one level of 300 values: 200 listed, 100 counted
        let flat: Vec<FacetCount> = (0..300)
            .map(|i| FacetCount {
                path: format!("/v{i:03}"),
                label: format!("v{i:03}"),
                count: 1,
            })
            .collect();
        let mut out = String::new();
        tree(
            &mut out,
            &i18n::EN,
            &v,
            "region",
            &Levels::new(&flat),
            None,
            0,
        );
        assert_eq!(out.matches("class=\"opt").count(), 200);
        assert!(
            out.contains("<li class=\"hidden-values\">+100 …</li>"),
            "{out}"
        );
        assert!(out.contains("<summary>+294 more</summary>"));
    }

    #[test]
    fn source_labels_are_short() {
        assert_eq!(
            source_label("https://www.example.no/a/b/"),
            "example.no › a › b"
        );
        assert_eq!(source_label("corpus/x.pdf"), "x.pdf");
    }
}
