//! The document page at `/documents/{id}`: server-rendered HTML that needs no
//! JavaScript. Title, where the original is (opened at the page of the hit, or
//! downloadable when Kartotek holds it: the built-in corpus and, on an index on
//! disk, uploads; else where it was read from), language,
//! date and where the date was read, the facet values with the evidence that put
//! them there, the text page by page with the query's matches marked, and "more
//! like this".
//!
//! A result link carries the query (`q=`) and the page of its best passage
//! (`page=`): the first match on that page (else the first match anywhere) gets
//! `id="hit"`, and the link ends in `#hit`, so the browser scrolls there. Each
//! page of text is a section with `id="page-N"`. The JSON stays at
//! `/api/documents/{id}`. Unknown ids get a 404 page in the interface language.

use std::fmt::Write;
use std::ops::Range;

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;

use super::api;
use super::i18n::{self, Strings};
use super::page::{error_page, esc, head, html, refused, source_href, source_label};
use super::AppState;
use crate::document::{DateSource, Document, Origin};
use crate::error::{Error, Result};
use crate::facet::Facet;
use crate::search::Hit;

/// Documents shown under "more like this".
pub(crate) const SIMILAR: usize = 5;

/// What the page was asked for.
struct Asked {
    q: String,
    page: Option<u32>,
    ui: Option<String>,
    key: Option<String>,
}

fn parse(pairs: &[(String, String)]) -> Result<Asked> {
    let mut a = Asked {
        q: String::new(),
        page: None,
        ui: None,
        key: None,
    };
    for (k, v) in pairs {
        match k.as_str() {
            "q" => {
                if v.len() > api::MAX_Q_BYTES {
                    return Err(Error::param("q", "is too long"));
                }
                a.q = v.clone();
            }
            "page" => {
                let n = crate::search::parse_bounded(v, 1, 1_000_000)
                    .map_err(|why| Error::param("page", why))?;
                a.page = Some(n as u32);
            }
            "ui" => {
                let code = i18n::parse_ui(v).ok_or_else(|| {
                    Error::param("ui", format!("must be one of {}", i18n::codes()))
                })?;
                a.ui = Some(code.to_string());
            }
            "key" => a.key = Some(v.clone()),
            other => {
                let shown: String = other.chars().filter(|c| !c.is_control()).take(40).collect();
                return Err(Error::param(
                    &shown,
                    "is not a known parameter; use q, page, ui",
                ));
            }
        }
    }
    Ok(a)
}

/// Everything the page shows, read off the async runtime.
struct Loaded {
    doc: Document,
    /// Kartotek keeps the uploaded original.
    held: bool,
    marks: Vec<Vec<Range<usize>>>,
    similar: Vec<Hit>,
}

/// `GET /documents/{id}`.
pub(crate) async fn document_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    let pairs = match api::pairs(raw.as_deref(), &state.config) {
        Ok(p) => p,
        Err(e) => {
            let t = i18n::negotiate(None, accept);
            return html(StatusCode::BAD_REQUEST, error_page(t, &e.to_string()));
        }
    };
    let ui_raw = pairs
        .iter()
        .find(|(k, _)| k == "ui")
        .map(|(_, v)| v.clone());
    let t = i18n::negotiate(ui_raw.as_deref(), accept);
    let asked = match parse(&pairs) {
        Ok(a) => a,
        Err(e) => return html(StatusCode::BAD_REQUEST, error_page(t, &e.to_string())),
    };
    if let Err(e) = state.authorize_read(&headers, asked.key.as_deref()) {
        return refused(t, &e);
    }
    let plausible = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !plausible {
        return html(StatusCode::NOT_FOUND, not_found_page(t, &asked));
    }
    let searcher = state.searcher.clone();
    let q = asked.q.clone();
    let loaded = state
        .blocking(move || -> Result<Option<Loaded>> {
            let Some(doc) = searcher.store().document(&id)? else {
                return Ok(None);
            };
            let marks = searcher.passage_marks(&q, &doc.passages);
            let similar = searcher.similar(&doc, SIMILAR)?;
            let held = super::originals::held(searcher.embedded(), &doc.id);
            Ok(Some(Loaded {
                held,
                doc,
                marks,
                similar,
            }))
        })
        .await;
    match loaded {
        Ok(Some(l)) => html(StatusCode::OK, render(&state, t, &asked, &l)),
        Ok(None) => html(StatusCode::NOT_FOUND, not_found_page(t, &asked)),
        Err(e) => super::page::failed_page(t, e),
    }
}

/// `/?…` back to the search, keeping the query, interface language and key.
fn search_href(a: &Asked) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    if !a.q.is_empty() {
        s.append_pair("q", &a.q);
    }
    if let Some(ui) = &a.ui {
        s.append_pair("ui", ui);
    }
    if let Some(k) = &a.key {
        s.append_pair("key", k);
    }
    let qs = s.finish();
    if qs.is_empty() {
        "/".into()
    } else {
        format!("/?{qs}")
    }
}

/// A document page link without a query (for "more like this").
fn document_href(id: &str, a: &Asked) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    if let Some(ui) = &a.ui {
        s.append_pair("ui", ui);
    }
    if let Some(k) = &a.key {
        s.append_pair("key", k);
    }
    let qs = s.finish();
    let id: String = form_urlencoded::byte_serialize(id.as_bytes()).collect();
    if qs.is_empty() {
        format!("/documents/{id}")
    } else {
        format!("/documents/{id}?{qs}")
    }
}

fn top_bar(out: &mut String, t: &Strings, a: &Asked) {
    let _ = writeln!(
        out,
        "<a class=\"skip\" href=\"#text\">{skip}</a><header class=\"top\"><div class=\"wrap bar\">\
         <a class=\"brand\" href=\"{home}\"><span class=\"logo\" aria-hidden=\"true\"></span>Kartotek</a>\
         <a class=\"back\" href=\"{home}\">← {back}</a></div></header>",
        skip = esc(t.doc.text),
        home = esc(&search_href(a)),
        back = esc(t.doc.back),
    );
}

fn not_found_page(t: &Strings, a: &Asked) -> String {
    let mut out = String::new();
    head(
        &mut out,
        t,
        &format!("{} – Kartotek", t.doc.not_found),
        None,
    );
    top_bar(&mut out, t, a);
    let _ = write!(
        out,
        "<main class=\"wrap\" id=\"text\"><div class=\"notice\" role=\"alert\"><h1>{}</h1><p>{}</p>\
         <p><a href=\"{}\">{}</a></p></div></main>\n</body>\n</html>\n",
        esc(t.doc.not_found),
        esc(t.doc.not_found_hint),
        esc(&search_href(a)),
        esc(t.doc.back)
    );
    out
}

/// `text` as HTML paragraphs, `ranges` inside `<mark>`; the mark at `hit_at` (if any)
/// gets `id="hit"`.
fn marked_text(text: &str, ranges: &[Range<usize>], hit_at: Option<usize>) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    out.push_str("<p>");
    let plain = |out: &mut String, s: &str| {
        let escaped = esc(s);
        out.push_str(
            &escaped
                .replace("\r\n", "\n")
                .replace("\n\n", "</p><p>")
                .replace('\n', "<br>"),
        );
    };
    let mut cursor = 0;
    for (i, r) in ranges.iter().enumerate() {
        let (Some(before), Some(word)) = (text.get(cursor..r.start), text.get(r.clone())) else {
            continue;
        };
        plain(&mut out, before);
        if Some(i) == hit_at {
            let _ = write!(out, "<mark id=\"hit\">{}</mark>", esc(word));
        } else {
            let _ = write!(out, "<mark>{}</mark>", esc(word));
        }
        cursor = r.end;
    }
    plain(&mut out, text.get(cursor..).unwrap_or(""));
    out.push_str("</p>");
    out.replace("<p></p>", "")
}

fn render(state: &AppState, t: &Strings, a: &Asked, l: &Loaded) -> String {
    let doc = &l.doc;
    let d = &t.doc;
    let key = a.key.as_deref();
    let mut out = String::with_capacity(doc.text_len() * 2 + 8 * 1024);
    head(&mut out, t, &format!("{} – Kartotek", doc.title), None);
    top_bar(&mut out, t, a);
    let _ = write!(
        out,
        "<main class=\"wrap docpage\"><article lang=\"{}\"><h1>{}</h1>\n<dl class=\"facts\">",
        esc(doc.lang.code()),
        esc(&doc.title)
    );
    // which passage holds the mark to scroll to: the first on the asked page, else the first
    let on_page = |i: usize| a.page.is_none() || doc.passages[i].page == a.page;
    let hit_passage = (0..doc.passages.len())
        .find(|&i| on_page(i) && !l.marks.get(i).is_none_or(Vec::is_empty))
        .or_else(|| (0..doc.passages.len()).find(|&i| !l.marks.get(i).is_none_or(Vec::is_empty)));
    let hit_page = hit_passage.and_then(|i| doc.passages[i].page).or(a.page);
    // where the original is
    let _ = write!(out, "<dt>{}</dt><dd>", esc(d.source));
    match source_href(&doc.url, hit_page, key) {
        Some(href) => {
            let _ = write!(
                out,
                "<a href=\"{}\">{}</a>",
                esc(&href),
                esc(&source_label(&doc.url))
            );
            if doc.url.starts_with("corpus/") {
                if let Some(plain) = source_href(&doc.url, None, key) {
                    let _ = write!(
                        out,
                        " · <a href=\"{}\" download>{}</a>",
                        esc(&plain),
                        esc(d.download)
                    );
                }
            }
        }
        None if l.held => {
            let mut href = format!("/documents/{}/original", doc.id);
            if let Some(k) = key {
                let pair = form_urlencoded::Serializer::new(String::new())
                    .append_pair("key", k)
                    .finish();
                href = format!("{href}?{pair}");
            }
            let _ = write!(
                out,
                "<code>{}</code> · <a href=\"{}\" download>{}</a>",
                esc(doc.source.strip_prefix("upload:").unwrap_or(&doc.url)),
                esc(&href),
                esc(d.download)
            );
        }
        None => {
            let _ = write!(
                out,
                "{} <code>{}</code>",
                esc(d.not_held),
                esc(doc.source.strip_prefix("upload:").unwrap_or(&doc.url))
            );
        }
    }
    out.push_str("</dd>");
    if let Some(c) = &doc.context {
        let _ = write!(
            out,
            "<dt>{}</dt><dd><a href=\"{}\">{}</a></dd>",
            esc(d.linked_from),
            esc(&c.url),
            esc(if c.title.is_empty() { &c.url } else { &c.title })
        );
    }
    let lang = api::label(state, "lang", &format!("/{}", doc.lang.code()), t.code);
    let _ = write!(
        out,
        "<dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>",
        esc(d.language),
        esc(&lang),
        esc(d.date)
    );
    match &doc.date {
        Some(date) => {
            let from = match doc.date_source {
                Some(DateSource::Metadata) => d.date_metadata,
                Some(DateSource::Text) => d.date_text,
                Some(DateSource::Sidecar) => d.date_sidecar,
                None => "",
            };
            let _ = write!(out, "<time datetime=\"{0}\">{0}</time>", esc(date));
            if !from.is_empty() {
                let _ = write!(out, " <span class=\"how\">({})</span>", esc(from));
            }
        }
        None => out.push_str(&esc(d.undated)),
    }
    let _ = writeln!(
        out,
        "</dd><dt>{}</dt><dd>{}</dd></dl>",
        esc(d.pages),
        doc.pages
    );
    if !doc.warnings.is_empty() {
        let _ = write!(
            out,
            "<p class=\"notice\" role=\"note\">{}</p>",
            esc(d.incomplete)
        );
    }
    render_facets(&mut out, state, t, doc);
    // matches and the text
    let total: usize = l.marks.iter().map(Vec::len).sum();
    if !a.q.trim().is_empty() {
        let noun = if total == 1 { d.matches.0 } else { d.matches.1 };
        if total > 0 {
            let _ = write!(
                out,
                "<p class=\"summary\"><strong>{total}</strong> {} <q>{}</q> · <a href=\"#hit\">{}</a></p>",
                esc(noun),
                esc(&a.q),
                esc(d.first_match)
            );
        } else {
            let _ = write!(out, "<p class=\"summary\">{}</p>", esc(d.no_matches));
        }
    }
    let _ = write!(
        out,
        "<section class=\"text\" id=\"text\" tabindex=\"-1\" aria-labelledby=\"text-h\"><h2 id=\"text-h\">{}</h2>",
        esc(d.text)
    );
    let mut open_page: Option<Option<u32>> = None;
    for (i, p) in doc.passages.iter().enumerate() {
        if open_page != Some(p.page) {
            if open_page.is_some() {
                out.push_str("</section>");
            }
            match p.page {
                Some(n) => {
                    let _ = write!(
                        out,
                        "<section class=\"pg\" id=\"page-{n}\" aria-label=\"{0} {n}\"><h3>{0} {n}</h3>",
                        esc(t.page)
                    );
                }
                None => out.push_str("<section class=\"pg\">"),
            }
            open_page = Some(p.page);
        }
        let ranges = l.marks.get(i).map(Vec::as_slice).unwrap_or(&[]);
        let hit_at = (hit_passage == Some(i)).then_some(0);
        let lang = if p.lang == doc.lang {
            String::new()
        } else {
            format!(" lang=\"{}\"", esc(p.lang.code()))
        };
        let _ = write!(
            out,
            "<div class=\"passage\"{lang}>{}</div>",
            marked_text(&p.text, ranges, hit_at)
        );
    }
    if open_page.is_some() {
        out.push_str("</section>");
    }
    out.push_str("</section></article>\n");
    if !l.similar.is_empty() {
        let _ = write!(
            out,
            "<aside class=\"similar\" aria-labelledby=\"similar-h\"><h2 id=\"similar-h\">{}</h2><ul>",
            esc(d.similar)
        );
        for h in &l.similar {
            let _ = write!(
                out,
                "<li><a href=\"{}\">{}</a>",
                esc(&document_href(&h.id, a)),
                esc(&h.title)
            );
            if let Some(date) = &h.date {
                let _ = write!(out, " <time datetime=\"{0}\">{0}</time>", esc(date));
            }
            out.push_str("</li>");
        }
        out.push_str("</ul></aside>\n");
    }
    let _ = writeln!(
        out,
        "</main>\n<footer class=\"wrap foot\"><span>{}</span><a href=\"/api/documents/{}\">JSON</a></footer>\n</body>\n</html>",
        esc(t.footer),
        esc(&doc.id)
    );
    out
}

/// The facet values with the evidence that put them there.
fn render_facets(out: &mut String, state: &AppState, t: &Strings, doc: &Document) {
    if doc.facets.is_empty() {
        return;
    }
    let d = &t.doc;
    let _ = write!(
        out,
        "<section class=\"evidence\" aria-labelledby=\"facets-h\"><h2 id=\"facets-h\">{}</h2><dl>",
        esc(d.facets)
    );
    for facet in Facet::ALL {
        let values: Vec<_> = doc
            .facets
            .iter()
            .filter(|v| v.facet == facet.name())
            .collect();
        if values.is_empty() {
            continue;
        }
        let _ = write!(out, "<dt>{}</dt>", esc(t.facet(facet)));
        for v in values {
            let label = api::label(state, &v.facet, &v.path, t.code);
            let why = match (v.origin, &v.first_match) {
                (Origin::Metadata, _) => d.set_by_person.to_string(),
                (Origin::Text, Some(first)) => format!(
                    "{} {} {}, {} «{}»",
                    d.mentions.0, v.count, d.mentions.1, d.first_as, first
                ),
                (Origin::Text, None) => format!("{} {} {}", d.mentions.0, v.count, d.mentions.1),
            };
            let _ = write!(
                out,
                "<dd><span class=\"v\">{}</span> <span class=\"why\">{}</span></dd>",
                esc(&label),
                esc(&why)
            );
        }
    }
    out.push_str("</dl></section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_wrap_the_ranges_and_the_hit_gets_its_anchor() {
        let text = "Grønn vekst.\n\nMer <b>vekst</b> her.";
        let a = text.find("vekst").unwrap();
        let b = text.rfind("vekst").unwrap();
        let html = marked_text(text, &[a..a + 5, b..b + 5], Some(1));
        assert_eq!(
            html,
            "<p>Grønn <mark>vekst</mark>.</p><p>Mer &lt;b&gt;<mark id=\"hit\">vekst</mark>&lt;/b&gt; her.</p>"
        );
    }

    #[test]
    fn unknown_parameters_and_bad_pages_are_refused_by_name() {
        let pairs = |s: &str| api::pairs(Some(s), &super::super::Config::default()).unwrap();
        assert!(parse(&pairs("q=x&page=0"))
            .err()
            .is_some_and(|e| e.to_string().contains("`page`")));
        assert!(parse(&pairs("color=red"))
            .err()
            .is_some_and(|e| e.to_string().contains("`color`")));
        let a = parse(&pairs("q=x&page=3&ui=sv")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((a.page, a.ui.as_deref()), (Some(3), Some("sv")));
    }
}
