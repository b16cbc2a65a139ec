//! The JSON API handlers, plus `/corpus/{name}`, `/healthz` and `/metrics`.
//!
//! Query strings are parsed by hand into ordered `(key, value)` pairs
//! (axum's `Query` keeps only one value per key), so repeated filters
//! (`?programme=/interreg&programme=/horizon-europe`) all count, an unknown
//! parameter is a 400 that names it, and a value given twice where one is
//! expected is a 400 too. Blocking work (search, ingest, commit) runs in
//! `spawn_blocking`.

use std::collections::HashMap;

use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::PathRejection;
use axum::extract::{Multipart, Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use super::error::{ApiResult, AppError};
use super::types::SearchResponse;
use super::{bytes_response, AppState, Config};
use crate::document::{Document, Format};
use crate::error::{Code, Error, Result};
use crate::facet::{Facet, FacetSet};
use crate::ingest::{self, source, Outcome, Progress, Summary};
use crate::search::dates::{self, Sort};
use crate::search::{Request, MAX_LIMIT, MAX_OFFSET};

/// The OpenAPI 3.1 document, served verbatim.
pub(crate) const OPENAPI: &str = include_str!("openapi.json");

/// Longest query text accepted, in bytes (the parser reads fewer characters).
pub(crate) const MAX_Q_BYTES: usize = 20_000;

/// Filter parameters, in the order facets are shown: every facet.
pub(crate) const FILTERS: [&str; Facet::ALL.len()] = Facet::NAMES;

/// A parsed search request plus the presentation parameters.
#[derive(Debug, Clone)]
pub struct SearchParams {
    /// The search itself.
    pub req: Request,
    /// Interface language for labels (`en`, `nb`, `nn`), if given.
    pub ui: Option<String>,
    /// `?key=` credentials, if given.
    pub key: Option<String>,
}

/// Decode a raw query string into ordered pairs, enforcing the size limit.
pub fn pairs(raw: Option<&str>, cfg: &Config) -> Result<Vec<(String, String)>> {
    let raw = raw.unwrap_or("");
    if raw.len() > cfg.max_query_bytes {
        return Err(Error::Usage(format!(
            "the query string is {} bytes; the limit is {} bytes",
            raw.len(),
            cfg.max_query_bytes
        )));
    }
    Ok(form_urlencoded::parse(raw.as_bytes())
        .into_owned()
        .collect())
}

impl SearchParams {
    /// Parse search parameters; `extra` names further keys the caller accepts.
    pub fn parse(pairs: &[(String, String)], extra: &[&str]) -> Result<SearchParams> {
        let mut req = Request::new("");
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let mut ui = None;
        let mut key = None;
        for (k, v) in pairs {
            let once = |seen: &mut HashMap<&str, usize>, name: &'static str| -> Result<()> {
                let n = seen.entry(name).or_default();
                *n += 1;
                if *n > 1 {
                    return Err(Error::param(name, "is given more than once"));
                }
                Ok(())
            };
            match k.as_str() {
                "q" => {
                    once(&mut seen, "q")?;
                    if v.len() > MAX_Q_BYTES {
                        return Err(Error::param(
                            "q",
                            format!("is {} bytes long; the limit is {MAX_Q_BYTES}", v.len()),
                        ));
                    }
                    req.q = v.clone();
                }
                "limit" => {
                    once(&mut seen, "limit")?;
                    req.limit = number("limit", v, 1, MAX_LIMIT)?;
                }
                "offset" => {
                    once(&mut seen, "offset")?;
                    req.offset = number("offset", v, 0, MAX_OFFSET)?;
                }
                "ui" => {
                    once(&mut seen, "ui")?;
                    ui = Some(
                        super::i18n::parse_ui(v)
                            .ok_or_else(|| {
                                Error::param(
                                    "ui",
                                    format!("must be one of {}", super::i18n::codes()),
                                )
                            })?
                            .to_string(),
                    );
                }
                "key" => {
                    once(&mut seen, "key")?;
                    key = Some(v.clone());
                }
                "from" | "to" if v.trim().is_empty() => {}
                "from" => {
                    once(&mut seen, "from")?;
                    req.from = Some(dates::parse_bound("from", v, false)?);
                }
                "to" => {
                    once(&mut seen, "to")?;
                    req.to = Some(dates::parse_bound("to", v, true)?);
                }
                "sort" => {
                    once(&mut seen, "sort")?;
                    req.sort = Some(Sort::parse(v).ok_or_else(|| {
                        Error::param(
                            "sort",
                            format!(
                                "`{}` is not an order; use one of {}",
                                v.chars().take(40).collect::<String>(),
                                Sort::NAMES
                            ),
                        )
                    })?);
                }
                "explain" => {
                    once(&mut seen, "explain")?;
                    req.explain = match v.trim() {
                        "1" | "true" => true,
                        "0" | "false" | "" => false,
                        _ => return Err(Error::param("explain", "must be `1` or `0`")),
                    };
                }
                "facets" => {
                    once(&mut seen, "facets")?;
                    req.facets = FacetSet::parse(v).map_err(|why| Error::param("facets", why))?;
                }
                f if FILTERS.contains(&f) => {
                    if v.chars().any(char::is_control) || v.len() > 300 {
                        return Err(Error::param(
                            f,
                            "contains control characters or is longer than 300 bytes",
                        ));
                    }
                    if !v.trim().is_empty() {
                        req = req.filter(f, v.trim());
                    }
                }
                other if extra.contains(&other) => {}
                other => {
                    let shown: String =
                        other.chars().filter(|c| !c.is_control()).take(40).collect();
                    return Err(Error::param(
                        &shown,
                        format!(
                            "is not a known parameter; use q, limit, offset, from, to, sort, {}, facets, ui, explain",
                            Facet::names(&Facet::ALL)
                        ),
                    ));
                }
            }
        }
        Ok(SearchParams { req, ui, key })
    }
}

fn number(name: &str, v: &str, min: usize, max: usize) -> Result<usize> {
    crate::search::parse_bounded(v, min, max).map_err(|why| Error::param(name, why))
}

/// Run a search off the async runtime.
pub(crate) async fn run_search(
    state: &AppState,
    req: Request,
    t: &super::i18n::Strings,
) -> Result<SearchResponse> {
    let searcher = state.searcher.clone();
    // The searcher's facet paths are already decoded (`/norway/trondelag`);
    // its snippets become HTML and its facet values get labels here, at the edge.
    let resp = state.blocking(move || searcher.search(&req)).await?;
    Ok(SearchResponse::new(resp, state.taxonomy(), t))
}

/// The label of one facet value in the interface language `ui` (see
/// [`Strings::value_label`](super::i18n::Strings::value_label)).
pub fn label(state: &AppState, facet: &str, path: &str, ui: &str) -> String {
    match Facet::parse(facet) {
        Some(f) => super::i18n::strings(ui).value_label(state.taxonomy(), f, path),
        None => path.to_string(),
    }
}

/// `GET /api/search`.
pub async fn search(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let p = SearchParams::parse(&pairs(raw.as_deref(), &state.config)?, &[])?;
    state.authorize_read(&headers, p.key.as_deref())?;
    // without `ui`, labels are English
    let t = super::i18n::strings(p.ui.as_deref().unwrap_or("en"));
    let resp = run_search(&state, p.req, t).await?;
    Ok(Json(resp).into_response())
}

/// Read endpoints that take only `ui` (and `key`): refuse other parameters
/// by name, check the search key, and return the parsed parameters.
fn authorize_ui_only(
    state: &AppState,
    headers: &HeaderMap,
    raw: Option<&str>,
) -> ApiResult<SearchParams> {
    let pairs = pairs(raw, &state.config)?;
    if let Some((k, _)) = pairs.iter().find(|(k, _)| k != "ui" && k != "key") {
        return Err(Error::param(k, "is not a known parameter; use ui").into());
    }
    let p = SearchParams::parse(&pairs, &[])?;
    state.authorize_read(headers, p.key.as_deref())?;
    Ok(p)
}

/// `GET /api/facets`.
pub async fn facets(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let p = authorize_ui_only(&state, &headers, raw.as_deref())?;
    let searcher = state.searcher.clone();
    let (tree, documents) = state
        .blocking(move || Ok((searcher.facet_tree()?, searcher.store().document_count()?)))
        .await?;
    let t = super::i18n::strings(p.ui.as_deref().unwrap_or("en"));
    let mut tree = super::types::labelled(tree, state.taxonomy(), t);
    for values in tree.values_mut() {
        values.sort_by(|a, b| a.path.cmp(&b.path));
    }
    Ok(Json(serde_json::json!({ "documents": documents, "facets": tree })).into_response())
}

/// One facet value of a document, with its evidence.
#[derive(Debug, Serialize)]
pub struct DocFacet {
    /// Facet name.
    pub facet: String,
    /// Concept path.
    pub path: String,
    /// Label in the requested interface language.
    pub label: String,
    /// Mentions in the text (0 for metadata).
    pub count: u32,
    /// First phrase that matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_match: Option<String>,
    /// `text` or `metadata`.
    pub origin: crate::document::Origin,
}

/// The text of one page (or of the whole document when it has no pages).
#[derive(Debug, Serialize)]
pub struct PageText {
    /// 1-based page, `null` for formats without pages.
    pub page: Option<u32>,
    /// The extracted text.
    pub text: String,
}

/// `GET /api/documents/{id}` body.
#[derive(Debug, Serialize)]
pub struct DocumentView {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// What users click.
    pub url: String,
    /// Main language.
    pub lang: String,
    /// `pdf`, `html` or `text`.
    pub format: String,
    /// Meta description.
    pub description: Option<String>,
    /// Publication date (`YYYY-MM-DD`).
    pub date: Option<String>,
    /// Where the date was read: `metadata`, `text` or `sidecar`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_source: Option<crate::document::DateSource>,
    /// The source key: a path, a URL, `upload:NAME` or `corpus/NAME`.
    pub source: String,
    /// The page that linked to the document, when a crawl found it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<crate::document::LinkContext>,
    /// Page count (1 for formats without pages).
    pub page_count: u32,
    /// Source size in bytes.
    pub bytes: u64,
    /// Facet values with evidence.
    pub facets: Vec<DocFacet>,
    /// What could not be read, or only in part (the text is incomplete).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Extracted text per page.
    pub pages: Vec<PageText>,
}

/// Build the document view (labels in `ui`).
pub(crate) fn document_view(state: &AppState, doc: Document, ui: &str) -> DocumentView {
    let mut pages: Vec<PageText> = Vec::new();
    for p in doc.passages {
        match pages.last_mut() {
            Some(last) if last.page == p.page => {
                last.text.push_str("\n\n");
                last.text.push_str(&p.text);
            }
            _ => pages.push(PageText {
                page: p.page,
                text: p.text,
            }),
        }
    }
    DocumentView {
        facets: doc
            .facets
            .into_iter()
            .map(|f| DocFacet {
                label: label(state, &f.facet, &f.path, ui),
                facet: f.facet,
                path: f.path,
                count: f.count,
                first_match: f.first_match,
                origin: f.origin,
            })
            .collect(),
        warnings: doc.warnings,
        id: doc.id,
        title: doc.title,
        url: doc.url,
        lang: doc.lang.code().to_string(),
        format: doc.format.as_str().to_string(),
        description: doc.description,
        date: doc.date,
        date_source: doc.date_source,
        source: doc.source,
        context: doc.context,
        page_count: doc.pages,
        bytes: doc.bytes,
        pages,
    }
}

fn plausible_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The 404 for a document id (cut to 64 characters in the message).
fn unknown_document(id: &str) -> AppError {
    AppError(Error::NotFound(format!(
        "document `{}`",
        id.chars().take(64).collect::<String>()
    )))
}

/// A route's path segment; one that is no UTF-8 (`%FF`) is answered in
/// the API's error shape, not with axum's plain-text rejection.
pub(crate) fn segment(
    p: std::result::Result<Path<String>, PathRejection>,
    name: &str,
) -> Result<String> {
    p.map(|Path(s)| s).map_err(|e| {
        Error::param(
            name,
            format!("is not a valid path segment ({})", e.body_text()),
        )
    })
}

/// `GET /api/documents/{id}`.
pub async fn document(
    State(state): State<AppState>,
    headers: HeaderMap,
    id: std::result::Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let id = segment(id, "id")?;
    let p = authorize_ui_only(&state, &headers, raw.as_deref())?;
    let not_found = || unknown_document(&id);
    if !plausible_id(&id) {
        return Err(not_found());
    }
    let searcher = state.searcher.clone();
    let lookup = id.clone();
    let doc = state
        .blocking(move || searcher.store().document(&lookup))
        .await?;
    let doc = doc.ok_or_else(not_found)?;
    Ok(Json(document_view(&state, doc, p.ui.as_deref().unwrap_or("en"))).into_response())
}

/// What happened to one uploaded file.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FileResult {
    /// File name as uploaded (path parts removed).
    pub name: String,
    /// `indexed`, `unchanged` or `failed`.
    pub status: &'static str,
    /// Document id (indexed and unchanged files).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

struct Collect {
    keys: HashMap<String, String>,
    files: Vec<FileResult>,
}

impl Progress for Collect {
    fn begin(&mut self, _total: usize) {}
    fn item(&mut self, display: &str, outcome: &Outcome) {
        let id_of = |d: &str| self.keys.get(d).map(|k| Document::id_for(k));
        let r = match outcome {
            Outcome::Indexed { id, .. } => FileResult {
                name: display.into(),
                status: "indexed",
                id: Some(id.clone()),
                reason: None,
            },
            Outcome::Unchanged => FileResult {
                name: display.into(),
                status: "unchanged",
                id: id_of(display),
                reason: None,
            },
            Outcome::Failed(reason) => FileResult {
                name: display.into(),
                status: "failed",
                id: None,
                reason: Some(reason.clone()),
            },
        };
        self.files.push(r);
    }
    fn end(&mut self, _summary: &Summary) {}
}

/// `POST /api/documents`: multipart, one or more `file` fields.
///
/// 200 when every file was indexed or unchanged, 207 when some failed,
/// 422 (`extract_failed`, with the same `files` list) when all failed.
pub async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    multipart: std::result::Result<Multipart, MultipartRejection>,
) -> ApiResult<Response> {
    state.authorize_write(&headers)?;
    let limit = state.config.max_upload_bytes;
    // a body announced over the limit is refused before any of it is read
    // (a client that sent `Expect: 100-continue` then sends nothing)
    let announced = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if announced.is_some_and(|n| n > limit as u64) {
        return Err(Error::PayloadTooLarge(limit).into());
    }
    let mut multipart = multipart.map_err(|e| {
        Error::param(
            "file",
            format!("expected a `multipart/form-data` body ({})", e.body_text()),
        )
    })?;
    let body_err = |e: axum::extract::multipart::MultipartError| -> Error {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Error::PayloadTooLarge(limit)
        } else {
            Error::param(
                "file",
                format!("the multipart body is malformed ({})", e.body_text()),
            )
        }
    };
    let mut jobs = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(body_err)? {
        let name = field.name().unwrap_or("").to_string();
        if name != "file" {
            let shown: String = name.chars().filter(|c| !c.is_control()).take(40).collect();
            return Err(Error::param(
                &shown,
                "is not a known form field; send files in the field `file`",
            )
            .into());
        }
        let file_name = field.file_name().unwrap_or("upload").to_string();
        let content_type = field.content_type().map(str::to_string);
        let bytes = field.bytes().await.map_err(body_err)?;
        jobs.push(source::upload_job(&file_name, bytes.to_vec(), content_type));
    }
    if jobs.is_empty() {
        return Err(Error::param(
            "file",
            "no file in the request; send one or more `file` form fields",
        )
        .into());
    }
    let Some(writer) = state.writer.clone() else {
        return Err(Error::Forbidden("write endpoints are disabled on this server".into()).into());
    };
    let searcher = state.searcher.clone();
    let taxonomy = state.taxonomy();
    let keys = jobs
        .iter()
        .map(|j| (j.display.clone(), j.key.clone()))
        .collect();
    // the uploaded bytes, kept as the originals of what gets indexed
    let uploaded: HashMap<String, std::sync::Arc<Vec<u8>>> = jobs
        .iter()
        .filter_map(|j| match &j.origin {
            source::Origin::Bytes { bytes, .. } => Some((j.display.clone(), bytes.clone())),
            _ => None,
        })
        .collect();
    let files = state
        .blocking(move || -> Result<Vec<FileResult>> {
            let mut opts = ingest::Options::new(taxonomy);
            opts.workers = opts.workers.min(2);
            let mut collect = Collect {
                keys,
                files: Vec::new(),
            };
            // files are read before the shared writer is taken, so one upload's
            // slow file does not hold another's
            let mut access = TakenOnWrite {
                shared: &writer,
                guard: None,
            };
            if let Err(e) =
                ingest::run_with_access(searcher.store(), &mut access, jobs, &opts, &mut collect)
            {
                if let Some(w) = ingest::WriteAccess::held(&mut access) {
                    let _ = w.rollback();
                }
                return Err(e);
            }
            drop(access);
            for f in collect.files.iter().filter(|f| f.status == "indexed") {
                if let (Some(id), Some(bytes)) = (&f.id, uploaded.get(&f.name)) {
                    // the text is indexed either way: a file that cannot be kept is logged
                    if let Err(e) = super::originals::save(searcher.embedded(), id, bytes) {
                        tracing::warn!(error = %e, id, "could not keep the uploaded original");
                    }
                }
            }
            Ok(collect.files)
        })
        .await?;
    let failed = files.iter().filter(|f| f.status == "failed").count();
    let indexed = files.iter().filter(|f| f.status == "indexed").count();
    state.metrics.ingested(indexed, failed);
    let body = serde_json::json!({
        "indexed": indexed,
        "unchanged": files.iter().filter(|f| f.status == "unchanged").count(),
        "failed": failed,
        "files": files,
    });
    if failed == 0 {
        return Ok((StatusCode::OK, Json(body)).into_response());
    }
    if failed < files.len() {
        return Ok((StatusCode::MULTI_STATUS, Json(body)).into_response());
    }
    let reasons: Vec<String> = files
        .iter()
        .map(|f| format!("{}: {}", f.name, f.reason.as_deref().unwrap_or("")))
        .collect();
    let mut err = super::error::body(
        Code::ExtractFailed,
        &format!("no file could be indexed ({})", reasons.join("; ")),
    );
    err["files"] = body["files"].clone();
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(err)).into_response())
}

/// The server's shared writer, taken when an upload first writes and held
/// until the upload has committed.
struct TakenOnWrite<'a> {
    shared: &'a std::sync::Mutex<Box<dyn crate::store::DocWriter>>,
    guard: Option<std::sync::MutexGuard<'a, Box<dyn crate::store::DocWriter>>>,
}

impl ingest::WriteAccess for TakenOnWrite<'_> {
    fn writer(&mut self) -> Result<&mut dyn crate::store::DocWriter> {
        let shared = self.shared;
        let guard = self
            .guard
            .get_or_insert_with(|| shared.lock().unwrap_or_else(|p| p.into_inner()));
        Ok(&mut ***guard)
    }

    fn held(&mut self) -> Option<&mut dyn crate::store::DocWriter> {
        self.guard
            .as_mut()
            .map(|g| &mut ***g as &mut dyn crate::store::DocWriter)
    }
}

/// `DELETE /api/documents/{id}`: 204 when removed, 404 when unknown.
pub async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    id: std::result::Result<Path<String>, PathRejection>,
) -> ApiResult<Response> {
    let id = segment(id, "id")?;
    state.authorize_write(&headers)?;
    let not_found = || unknown_document(&id);
    if !plausible_id(&id) {
        return Err(not_found());
    }
    let Some(writer) = state.writer.clone() else {
        return Err(Error::Forbidden("write endpoints are disabled on this server".into()).into());
    };
    let searcher = state.searcher.clone();
    let target = id.clone();
    let found = state
        .blocking(move || -> Result<bool> {
            if searcher.store().content_hash(&target)?.is_none() {
                return Ok(false);
            }
            let mut w = match writer.lock() {
                Ok(w) => w,
                Err(poisoned) => poisoned.into_inner(),
            };
            w.delete(&target)?;
            w.commit()?;
            super::originals::remove(searcher.embedded(), &target);
            Ok(true)
        })
        .await?;
    if !found {
        return Err(not_found());
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Content type of a corpus file, from its extension.
pub(crate) fn content_type_for(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let format = match ext.as_str() {
        "htm" => Some(Format::Html),
        "txt" | "md" => Some(Format::Text),
        ext => Format::from_name(ext),
    };
    format.map_or("application/octet-stream", Format::content_type)
}

/// `GET /corpus/{name}`: a file of the built-in corpus, so result links work.
/// Web pages are served sandboxed: their scripts never run on our origin.
pub(crate) async fn corpus_file(
    State(state): State<AppState>,
    headers: HeaderMap,
    name: std::result::Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let name = segment(name, "name")?;
    let key = pairs(raw.as_deref(), &state.config)?
        .into_iter()
        .find(|(k, _)| k == "key")
        .map(|(_, v)| v);
    state.authorize_read(&headers, key.as_deref())?;
    let Some((n, bytes)) = source::builtin_corpus().iter().find(|(n, _)| *n == name) else {
        return Err(Error::NotFound(format!(
            "corpus file `{}`",
            name.chars().take(100).collect::<String>()
        ))
        .into());
    };
    let mut resp = bytes_response(content_type_for(n), *bytes, "public, max-age=3600");
    resp.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox"),
    );
    Ok(resp)
}

/// `GET /api/openapi.json`.
pub async fn openapi() -> Response {
    bytes_response("application/json", OPENAPI, "public, max-age=300")
}

/// `GET /healthz`: 200 with the document count while the index answers
/// (and the dictionaries of forgiving search this machine lacks, each
/// with how to install it);
/// on OpenSearch also the cluster's health (`green`, `yellow`: 200; `red`:
/// 503), and 503 `unavailable` when the cluster cannot be reached.
pub async fn healthz(State(state): State<AppState>) -> ApiResult<Response> {
    let searcher = state.searcher.clone();
    let (docs, health, missing) = state
        .blocking(move || -> Result<_> {
            let store = searcher.store();
            Ok((
                store.document_count()?,
                store.health()?,
                crate::search::missing_dictionaries(),
            ))
        })
        .await?;
    let backend = if state.searcher.embedded().is_some() {
        "embedded"
    } else {
        "opensearch"
    };
    let mut body = serde_json::json!({
        "status": "ok",
        "documents": docs,
        "backend": backend,
        "missing_dictionaries": missing,
    });
    if backend == "opensearch" {
        body["cluster"] = serde_json::json!(health);
        if health == "red" {
            body["status"] = serde_json::json!("unavailable");
            return Ok((StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response());
        }
    }
    Ok(Json(body).into_response())
}

/// `GET /metrics`: Prometheus text. Like searching, it needs the search
/// key (or the admin key) when one is set: bearer or `?key=` (issue 13).
pub async fn metrics(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let pairs = pairs(raw.as_deref(), &state.config)?;
    if let Some((k, _)) = pairs.iter().find(|(k, _)| k != "key") {
        let shown: String = k.chars().filter(|c| !c.is_control()).take(40).collect();
        return Err(Error::param(&shown, "is not a known parameter; use key").into());
    }
    let key = pairs.into_iter().find(|(k, _)| k == "key").map(|(_, v)| v);
    state.authorize_read(&headers, key.as_deref())?;
    let searcher = state.searcher.clone();
    let (docs, passages) = state
        .blocking(move || -> Result<_> {
            let store = searcher.store();
            Ok((store.document_count()?, store.passage_count()?))
        })
        .await?;
    let text = state.metrics.render(docs, passages);
    Ok(bytes_response(
        "text/plain; version=0.0.4; charset=utf-8",
        text,
        "no-store",
    ))
}

/// Unknown path: 404 in the API's error shape.
pub async fn not_found(uri: Uri) -> AppError {
    let path: String = uri.path().chars().take(200).collect();
    AppError(Error::NotFound(format!("`{path}`")))
}

/// Known path, wrong method: 405 in the API's error shape.
pub async fn method_not_allowed() -> Response {
    let body = serde_json::json!({ "error": { "code": Code::MethodNotAllowed.as_str(), "message": "this method is not allowed on this path" } });
    (StatusCode::METHOD_NOT_ALLOWED, Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(q: &str) -> Result<SearchParams> {
        SearchParams::parse(&pairs(Some(q), &Config::default())?, &[])
    }

    #[test]
    fn repeated_filters_are_all_kept() {
        let s = p("q=x&programme=%2Finterreg&programme=/horizon-europe&lang=nb").unwrap();
        assert_eq!(s.req.filters["programme"], ["/interreg", "/horizon-europe"]);
        assert_eq!(s.req.filters["lang"], ["nb"]);
    }

    #[test]
    fn bad_parameters_are_named() {
        assert!(p("limit=0").unwrap_err().to_string().contains("`limit`"));
        assert!(p("limit=abc").unwrap_err().to_string().contains("`limit`"));
        assert!(p("offset=-1").unwrap_err().to_string().contains("`offset`"));
        assert!(p("q=a&q=b").unwrap_err().to_string().contains("`q`"));
        assert!(p("regoin=/x").unwrap_err().to_string().contains("`regoin`"));
        assert!(p("ui=fr").unwrap_err().to_string().contains("`ui`"));
    }

    #[test]
    fn garbage_query_strings_never_panic() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..2000 {
            let len = (seed % 64) as usize;
            let mut s = String::new();
            for _ in 0..len {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                const ALPHABET: &[u8] = b"q=&%+/\"'-limit0a9\x00\xff;";
                let c = ALPHABET[(seed % ALPHABET.len() as u64) as usize];
                s.push(c as char);
            }
            let _ = p(&s);
        }
    }

    #[test]
    fn corpus_content_types_follow_the_extension() {
        assert_eq!(content_type_for("a.PDF"), "application/pdf");
        assert_eq!(content_type_for("a.html"), "text/html; charset=utf-8");
        assert_eq!(content_type_for("noext"), "application/octet-stream");
    }
}
