//! Fixtures for the server tests (API, page, widget), built once per test binary: an
//! in-RAM index holding the built-in corpus plus one document whose text
//! contains `<script>alert(1)</script>` (it must always show as text).

#![allow(dead_code)]

use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use kartotek::index::Index;
use kartotek::ingest::{self, source, Options, Silent};
use kartotek::server::{app, AppState, Config};
use kartotek::taxonomy::Taxonomy;
use tower::ServiceExt;

/// Text of the hostile document: a unique word to find it, and markup that must stay text.
pub const XSS_TEXT: &str = "Skriptprøve for Kartotek: teksten <script>alert(1)</script> og <img src=x onerror=alert(2)> skal vises som tekst, ikke kjøres. Zorblaxfjord.";
/// The unique word in [`XSS_TEXT`].
pub const XSS_WORD: &str = "Zorblaxfjord";

/// The shared index: built-in corpus + the hostile document.
pub struct Fixture {
    /// The index (searches only; tests that write use [`fresh_index`]).
    pub index: Index,
    /// Id of the hostile document.
    pub xss_id: String,
}

/// The shared fixture, built on first use.
pub fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        crate::common::isolate();
        let index = Index::in_ram().unwrap();
        let mut jobs = source::builtin_jobs();
        jobs.push(source::upload_job(
            "skriptprove.txt",
            XSS_TEXT.as_bytes().to_vec(),
            Some("text/plain".into()),
        ));
        let summary = ingest::run(
            &index,
            jobs,
            &Options::new(Taxonomy::builtin()),
            &mut Silent,
        )
        .unwrap();
        assert!(summary.failed.is_empty(), "{:?}", summary.failed);
        let xss_id = kartotek::Document::id_for("upload:skriptprove.txt");
        Fixture { index, xss_id }
    })
}

/// A fresh, empty in-RAM index for tests that write.
pub fn fresh_index() -> Index {
    crate::common::isolate();
    Index::in_ram().unwrap()
}

/// The app over the shared index, read-only, with `config`.
pub fn read_app(config: Config) -> Router {
    app(AppState::with_writer(
        fixture().index.clone(),
        Taxonomy::builtin(),
        config,
        None,
    ))
}

/// The app over a fresh index with a writer and the admin key `admin`.
pub fn write_app(admin: &str) -> (Router, Index) {
    crate::common::isolate();
    let index = fresh_index();
    let config = Config {
        admin_key: Some(admin.to_string()),
        ..Config::default()
    };
    let state = AppState::new(index.clone(), Taxonomy::builtin(), config).unwrap();
    (app(state), index)
}

/// One response, fully read.
pub struct Resp {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl Resp {
    /// Body as JSON (panics when it is not).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
    /// Body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    /// A header as text.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }
}

/// Send one request through the router.
pub async fn send(app: &Router, req: Request<Body>) -> Resp {
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Resp {
        status,
        headers,
        body,
    }
}

/// GET `uri`.
pub async fn get(app: &Router, uri: &str) -> Resp {
    send(app, Request::get(uri).body(Body::empty()).unwrap()).await
}

/// A multipart body with `(field, file name, bytes)` parts.
pub fn multipart(parts: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "kartotek-test-boundary-7d3f";
    let mut body = Vec::new();
    for (field, name, bytes) in parts {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// POST a multipart upload with an optional bearer key.
pub async fn upload(app: &Router, key: Option<&str>, parts: &[(&str, &str, &[u8])]) -> Resp {
    let (ct, body) = multipart(parts);
    let mut req = Request::post("/api/documents").header("content-type", ct);
    if let Some(k) = key {
        req = req.header("authorization", format!("Bearer {k}"));
    }
    send(app, req.body(Body::from(body)).unwrap()).await
}

/// Percent-encode a query value.
pub fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
