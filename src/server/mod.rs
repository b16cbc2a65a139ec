//! The HTTP server: the JSON API under `/api`, the server-rendered search
//! page at `/` and document pages at `/documents/{id}`, the Atom feed of a
//! search at `/feed.atom`, the embeddable `<kartotek-search>` widget at `/widget.js`,
//! the built-in corpus at `/corpus/{name}`, `/healthz` and `/metrics`.
//!
//! [`app`] builds the whole router from an [`AppState`], so tests drive it
//! with `app(state).oneshot(request)` and `kartotek serve` binds it to a
//! socket. Searching and ingesting are blocking work: every handler moves
//! them to `tokio::task::spawn_blocking`. Searches read the last committed
//! index state through the reader and never take the writer lock, so a
//! search never waits for an ingest. There is one index writer per process,
//! behind a `std::sync::Mutex` that is only locked inside blocking tasks; an
//! upload reads its files first and takes it only to write them.

pub mod api;
pub mod document_page;
pub mod error;
pub mod feed;
pub mod i18n;
pub mod metrics;
pub mod originals;
pub mod page;
pub mod transport;
pub mod types;
pub mod widget;

pub use types::snippet_html;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};

use crate::error::{Code, Error, Result};
use crate::index::{Index, Writer};
use crate::search::Searcher;
use crate::store::DocWriter;
use crate::taxonomy::Taxonomy;
pub use error::AppError;
pub use metrics::Metrics;

/// Default address of `kartotek serve`.
pub(crate) const DEFAULT_ADDR: &str = "127.0.0.1:8080";

/// Default of [`Config::max_connections`] (`serve --max-connections`).
pub(crate) const DEFAULT_MAX_CONNECTIONS: usize = 512;
/// Default of [`Config::header_read_timeout`], in seconds (`serve --header-timeout`).
pub(crate) const DEFAULT_HEADER_TIMEOUT_SECS: u64 = 10;
/// Default of [`Config::body_read_timeout`], in seconds (`serve --body-timeout`).
pub(crate) const DEFAULT_BODY_TIMEOUT_SECS: u64 = 30;
/// Default bound of the blocking thread pool (`serve --blocking-threads`):
/// searches and ingests run there; more wait in its queue.
pub(crate) const DEFAULT_BLOCKING_THREADS: usize = 32;

/// Server settings, resolved once at start.
#[derive(Debug, Clone)]
pub struct Config {
    /// Bearer key for the write endpoints; `None` disables them.
    pub admin_key: Option<String>,
    /// Bearer key (or `?key=`) for the read endpoints; `None` = public.
    pub search_key: Option<String>,
    /// Origins allowed to call the API from a browser (`*` = any).
    pub cors_origins: Vec<String>,
    /// Largest upload request body, in bytes.
    pub max_upload_bytes: usize,
    /// Largest body of any other request, in bytes.
    pub max_body_bytes: usize,
    /// Longest raw query string accepted, in bytes.
    pub max_query_bytes: usize,
    /// Time allowed for a read request.
    pub request_timeout: Duration,
    /// Time allowed for an upload (extraction included).
    pub upload_timeout: Duration,
    /// Writer heap for the one index writer.
    pub writer_heap: usize,
    /// Most connections open at once; more wait in the listen backlog.
    pub max_connections: usize,
    /// Time allowed for a request head to arrive (also the idle time of a
    /// kept-alive connection).
    pub header_read_timeout: Duration,
    /// Longest pause allowed between two pieces of a request body.
    pub body_read_timeout: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            admin_key: None,
            search_key: None,
            cors_origins: Vec::new(),
            max_upload_bytes: 64 * 1024 * 1024,
            max_body_bytes: 64 * 1024,
            max_query_bytes: 32 * 1024,
            request_timeout: Duration::from_secs(15),
            upload_timeout: Duration::from_secs(600),
            writer_heap: crate::index::DEFAULT_WRITER_HEAP,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            header_read_timeout: Duration::from_secs(DEFAULT_HEADER_TIMEOUT_SECS),
            body_read_timeout: Duration::from_secs(DEFAULT_BODY_TIMEOUT_SECS),
        }
    }
}

/// Everything handlers share; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// Searches the index (reader side).
    pub searcher: Searcher,
    /// The single index writer (embedded or cluster, through the store
    /// seam); `None` when writes are disabled.
    pub writer: Option<crate::store::SharedWriter>,
    /// Settings.
    pub config: Arc<Config>,
    /// Request and ingest counters.
    pub metrics: Arc<Metrics>,
}

impl AppState {
    /// State over `index`. Opens the index writer only when an admin key is
    /// configured (writes are disabled otherwise, and another process may
    /// then hold the writer, e.g. a scheduled `kartotek ingest`).
    pub fn new(index: Index, taxonomy: &'static Taxonomy, config: Config) -> Result<AppState> {
        let writer = match config.admin_key {
            Some(_) => Some(index.writer(config.writer_heap)?),
            None => None,
        };
        Ok(Self::with_writer(index, taxonomy, config, writer))
    }

    /// State with a writer the caller already opened (`serve` opens it
    /// first to ingest the built-in corpus into an empty index).
    pub fn with_writer(
        index: Index,
        taxonomy: &'static Taxonomy,
        config: Config,
        writer: Option<Writer>,
    ) -> AppState {
        AppState {
            searcher: Searcher::new(index, taxonomy),
            writer: writer.map(|w| Arc::new(Mutex::new(Box::new(w) as Box<dyn DocWriter>))),
            config: Arc::new(config),
            metrics: Arc::new(Metrics::default()),
        }
    }

    /// Run `work` off the async runtime. A panic, or an index error, over
    /// damaged index files is [`Error::IndexDamaged`] naming them (503); any
    /// other panic an internal error (see [`crate::index::damage`]).
    pub async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let folder = self
            .searcher
            .embedded()
            .and_then(Index::path)
            .map(std::path::Path::to_path_buf);
        tokio::task::spawn_blocking(move || crate::index::damage::guard(folder.as_deref(), work))
            .await
            .map_err(|e| Error::Internal(format!("a blocking task failed: {e}")))?
    }

    /// State over an OpenSearch cluster: searches, facets, documents and
    /// health, and (with an admin key) uploads and deletes through the
    /// cluster's writer. Several servers may write to one cluster: each
    /// upload is written and refreshed as a unit.
    pub fn opensearch(
        cluster: crate::opensearch::Cluster,
        taxonomy: &'static Taxonomy,
        config: Config,
    ) -> AppState {
        let writer = config.admin_key.as_ref().map(|_| {
            Arc::new(Mutex::new(
                Box::new(crate::opensearch::writer::ClusterWriter::new(
                    cluster.clone(),
                )) as Box<dyn DocWriter>,
            ))
        });
        // a search abandoned at the request timeout stops asking the
        // cluster then too, its thread free for the next
        let cluster = cluster.with_search_timeout(config.request_timeout);
        AppState {
            searcher: Searcher::opensearch(cluster, taxonomy),
            writer,
            config: Arc::new(config),
            metrics: Arc::new(Metrics::default()),
        }
    }

    /// The documents served.
    pub fn store(&self) -> &dyn crate::store::DocStore {
        self.searcher.store()
    }

    /// The taxonomy used for labels.
    pub fn taxonomy(&self) -> &'static Taxonomy {
        self.searcher.taxonomy()
    }

    /// Check the read credentials: `Authorization: Bearer <search key>` (the
    /// admin key works too) or `?key=` when a search key is configured.
    pub fn authorize_read(&self, headers: &HeaderMap, query_key: Option<&str>) -> Result<()> {
        let Some(expected) = self.config.search_key.as_deref() else {
            return Ok(());
        };
        let given = bearer(headers)?.or(query_key);
        match given {
            None => Err(Error::Unauthorized),
            Some(k) if key_eq(k, expected) => Ok(()),
            Some(k)
                if self
                    .config
                    .admin_key
                    .as_deref()
                    .is_some_and(|a| key_eq(k, a)) =>
            {
                Ok(())
            }
            Some(_) => Err(Error::Forbidden(
                "the key is not valid for searching".into(),
            )),
        }
    }

    /// Check the admin credentials of a write request.
    pub fn authorize_write(&self, headers: &HeaderMap) -> Result<()> {
        let Some(expected) = self.config.admin_key.as_deref() else {
            return Err(Error::Forbidden(
                "write endpoints are disabled on this server\nhint: start `kartotek serve` with `KARTOTEK_ADMIN_KEY` set".into(),
            ));
        };
        match bearer(headers)? {
            None => Err(Error::Unauthorized),
            Some(k) if key_eq(k, expected) => Ok(()),
            Some(_) => Err(Error::Forbidden("the key is not the admin key".into())),
        }
    }
}

/// The bearer token of a request, if any; a malformed header is 401.
fn bearer(headers: &HeaderMap) -> Result<Option<&str>> {
    let Some(v) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let v = v.to_str().map_err(|_| Error::Unauthorized)?;
    let (scheme, token) = v.split_once(' ').ok_or(Error::Unauthorized)?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(Error::Unauthorized);
    }
    Ok(Some(token.trim()))
}

/// Compare keys in time independent of where they differ.
fn key_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    let cfg = Arc::clone(&state.config);
    let writes = Router::new()
        .route("/api/documents", axum::routing::post(api::upload))
        .route("/api/documents/{id}", axum::routing::delete(api::delete))
        .layer(DefaultBodyLimit::max(cfg.max_upload_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            cfg.upload_timeout,
        ));
    let reads = Router::new()
        .route("/", get(page::search_page))
        .route("/style.css", get(widget::style_css))
        .route("/widget.js", get(widget::widget_js))
        .route("/corpus/{name}", get(api::corpus_file))
        .route("/documents/{id}", get(document_page::document_page))
        .route("/documents/{id}/original", get(originals::original))
        .route("/feed.atom", get(feed::feed))
        .route("/api/search", get(api::search))
        .route("/api/facets", get(api::facets))
        .route("/api/documents/{id}", get(api::document))
        .route("/api/openapi.json", get(api::openapi))
        .route("/healthz", get(api::healthz))
        .route("/metrics", get(api::metrics))
        .layer(DefaultBodyLimit::max(cfg.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            cfg.request_timeout,
        ));
    let mut router = reads
        .merge(writes)
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        // a handler's own panic (its blocking work has `AppState::blocking`)
        // is a 500 in the error shape, counted and traced like any answer
        .layer(CatchPanicLayer::custom(panicked))
        .layer(middleware::from_fn(json_errors))
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .layer(RequestBodyTimeoutLayer::new(cfg.body_read_timeout));
    if let Some(cors) = cors_layer(&cfg.cors_origins) {
        router = router.layer(cors);
    }
    router
        .layer(tower_http::trace::TraceLayer::new_for_http())
        // outermost, so CORS preflights and every error carry it too
        .layer(middleware::from_fn(nosniff))
        .with_state(state)
}

/// The answer to a request whose handler panicked: `internal`, 500, the
/// panic logged (a bug; the server goes on).
fn panicked(payload: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = crate::ingest::panics::panic_message(&*payload);
    error::AppError(Error::Internal(format!(
        "a request handler panicked: {message}"
    )))
    .into_response()
}

/// CORS for the configured origins; `None` when none are (same origin only).
fn cors_layer(origins: &[String]) -> Option<CorsLayer> {
    let origins: Vec<&str> = origins
        .iter()
        .map(|o| o.trim().trim_end_matches('/'))
        .filter(|o| !o.is_empty())
        .collect();
    if origins.is_empty() {
        return None;
    }
    let allow = if origins.contains(&"*") {
        AllowOrigin::any()
    } else {
        let list: Vec<HeaderValue> = origins
            .iter()
            .filter_map(|o| HeaderValue::from_str(o).ok())
            .collect();
        AllowOrigin::list(list)
    };
    Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([Method::GET, Method::POST, Method::DELETE])
            .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
            .max_age(Duration::from_secs(3600)),
    )
}

/// Record count and latency per route pattern.
async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let method = req.method().as_str().to_string();
    let resp = next.run(req).await;
    state
        .metrics
        .observe(&route, &method, resp.status().as_u16(), started.elapsed());
    resp
}

/// `X-Content-Type-Options: nosniff` on every response, so a browser never
/// reads a JSON or text answer as HTML (issue 13).
async fn nosniff(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    resp.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    resp
}

/// Give error responses made by layers (timeouts, body limits) the API's
/// JSON error shape; handler-made errors already have it.
async fn json_errors(req: Request, next: Next) -> Response {
    let resp = next.run(req).await;
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let has_body_type = resp.headers().contains_key(header::CONTENT_TYPE);
    if has_body_type && status != StatusCode::PAYLOAD_TOO_LARGE {
        return resp;
    }
    let (code, message) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => (
            Code::PayloadTooLarge.as_str(),
            "the request body is larger than the limit".to_string(),
        ),
        StatusCode::SERVICE_UNAVAILABLE => (
            Code::Timeout.as_str(),
            "the request took too long and was abandoned".to_string(),
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            Code::MethodNotAllowed.as_str(),
            "this method is not allowed on this path".to_string(),
        ),
        s => (
            "error",
            s.canonical_reason().unwrap_or("error").to_lowercase(),
        ),
    };
    let body = serde_json::json!({ "error": { "code": code, "message": message } });
    let mut out = (status, axum::Json(body)).into_response();
    for (k, v) in resp.headers() {
        if k != header::CONTENT_TYPE && k != header::CONTENT_LENGTH {
            out.headers_mut().insert(k.clone(), v.clone());
        }
    }
    out
}

/// A response with a fixed body and content type.
pub(crate) fn bytes_response(
    content_type: &'static str,
    body: impl Into<Body>,
    cache: &'static str,
) -> Response {
    let mut resp = Response::new(body.into());
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    resp
}

/// Bind `addr`, print where it listens, and serve until Ctrl-C or SIGTERM
/// with the connection limits of [`transport`]; then finish the requests in
/// flight and return.
pub async fn serve(state: AppState, addr: &str) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Error::Usage(format!("cannot listen on `{addr}`: {e}")))?;
    let local = listener
        .local_addr()
        .map_err(|e| Error::Internal(e.to_string()))?;
    println!("listening on http://{local}");
    // the dictionaries of query expansion, read before the first search
    // needs them; the missing ones named once
    tokio::task::spawn_blocking(|| {
        crate::search::warm_up();
        let missing = crate::search::missing_dictionaries();
        if !missing.is_empty() {
            let names: Vec<String> = missing
                .iter()
                .map(|m| format!("{}: {}", m.name, m.install))
                .collect();
            eprintln!(
                "note: {} dictionar{} missing, searches run with {} feature off for {} languages (also in /healthz): {}",
                missing.len(),
                if missing.len() == 1 { "y" } else { "ies" },
                if missing.len() == 1 { "its" } else { "their" },
                if missing.len() == 1 { "its" } else { "their" },
                names.join("; ")
            );
        }
    });
    // Without a writer of our own, another process may write: pick up its commits.
    if let (None, Some(index)) = (&state.writer, state.searcher.embedded().cloned()) {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(5));
            loop {
                tick.tick().await;
                let i = index.clone();
                let _ = tokio::task::spawn_blocking(move || i.reload()).await;
            }
        });
    }
    let cfg = Arc::clone(&state.config);
    transport::serve_connections(listener, app(state), cfg, shutdown_signal())
        .await
        .map_err(|e| Error::Internal(format!("server stopped: {e}")))?;
    eprintln!("stopped");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
pub(crate) async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    eprintln!("shutting down: finishing requests in flight");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_handler_that_panics_answers_500_in_the_error_shape() {
        use http_body_util::BodyExt;
        use tower::ServiceExt;
        async fn buggy() -> &'static str {
            panic!("a bug")
        }
        let app: Router = Router::new()
            .route("/", get(buggy))
            .layer(CatchPanicLayer::custom(panicked));
        let r = app
            .oneshot(Request::get("/").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = r.into_body().collect().await.unwrap().to_bytes();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["error"]["code"], "internal");
        assert_eq!(json["error"]["message"], "internal error");
    }

    #[test]
    fn keys_compare_exactly() {
        assert!(key_eq("abc", "abc"));
        assert!(!key_eq("abc", "abd"));
        assert!(!key_eq("abc", "abcd"));
    }

    #[test]
    fn malformed_authorization_is_unauthorized() {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic xyz"));
        assert!(matches!(bearer(&h), Err(Error::Unauthorized)));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer  k1 "),
        );
        assert_eq!(bearer(&h).ok().flatten(), Some("k1"));
    }
}
