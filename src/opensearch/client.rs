//! HTTP to the cluster: every request has a timeout, goes to the nodes in
//! turn, and moves on to the next node when one cannot be reached or
//! answers that it is unavailable (502/503/504), so a dead node costs one
//! timeout, not a failed search. 429 (the cluster pushing back) waits and
//! retries. When no node answers, the error says which URLs were tried.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use reqwest::blocking::Client as Http;
use reqwest::Method;
use serde_json::Value;

use crate::error::{Error, Result};

/// How often a request is retried after 429 before it fails.
pub(crate) const MAX_BACKOFF_RETRIES: u32 = 6;

/// Connection settings.
#[derive(Debug, Clone)]
pub struct Connection {
    /// Node base URLs (`http://127.0.0.1:9200`).
    pub urls: Vec<String>,
    /// Basic-auth user and password.
    pub basic_auth: Option<(String, String)>,
    /// A PEM file with the CA certificate(s) to trust (managed clusters).
    pub ca_file: Option<std::path::PathBuf>,
    /// Time allowed to connect to a node.
    pub connect_timeout: Duration,
    /// Time allowed for a whole request.
    pub timeout: Duration,
}

/// A client for one cluster; cheap to clone.
#[derive(Clone)]
pub(crate) struct Client {
    /// Never dropped: reqwest's blocking client may not be dropped on an
    /// async runtime's thread (it panics there), and a server's last clone
    /// of a cluster goes away on one. One client per connected cluster.
    http: &'static Http,
    urls: Arc<Vec<String>>,
    auth: Option<(String, String)>,
    next: Arc<AtomicUsize>,
}

/// An answer: the status and the JSON body (`Null` when empty or not JSON).
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: Value,
}

impl Answer {
    /// The body of a 2xx answer, or an error naming what failed.
    pub(crate) fn ok(self, what: &str) -> Result<Value> {
        if (200..300).contains(&self.status) {
            return Ok(self.body);
        }
        Err(Error::Internal(format!(
            "opensearch refused to {what} (HTTP {}): {}",
            self.status,
            reason(&self.body)
        )))
    }
}

/// OpenSearch's own words for an error body.
pub(crate) fn reason(body: &Value) -> String {
    let r = &body["error"]["reason"];
    if let Some(s) = r.as_str() {
        // "all shards failed" says little; the first shard's cause says why
        return match body["error"]["root_cause"][0]["reason"].as_str() {
            Some(cause) if cause != s => format!("{s}: {cause}"),
            _ => s.to_string(),
        };
    }
    let mut s = body.to_string();
    s.truncate(300);
    s
}

impl Client {
    /// A client for `conn`; fails on a bad URL or CA file.
    pub(crate) fn new(conn: &Connection) -> Result<Client> {
        if conn.urls.is_empty() {
            return Err(Error::Usage(
                "no OpenSearch URL given\nhint: pass --opensearch-url http://HOST:9200 (or set KARTOTEK_OPENSEARCH_URL)".into(),
            ));
        }
        let mut urls = Vec::new();
        for u in &conn.urls {
            let parsed = reqwest::Url::parse(u.trim()).map_err(|e| {
                Error::Usage(format!(
                    "`{u}` is not an OpenSearch URL ({e})\nhint: e.g. http://127.0.0.1:9200"
                ))
            })?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(Error::Usage(format!(
                    "`{u}` is not an http(s) URL\nhint: e.g. http://127.0.0.1:9200"
                )));
            }
            urls.push(u.trim().trim_end_matches('/').to_string());
        }
        let mut b = Http::builder()
            .connect_timeout(conn.connect_timeout)
            .timeout(conn.timeout)
            .pool_idle_timeout(Duration::from_secs(30))
            .user_agent(concat!("kartotek/", env!("CARGO_PKG_VERSION")));
        if let Some(ca) = &conn.ca_file {
            let pem = std::fs::read(ca).map_err(|e| Error::io(ca, e))?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                Error::Usage(format!("`{}` holds no PEM certificate: {e}", ca.display()))
            })?;
            for c in certs {
                b = b.add_root_certificate(c);
            }
        }
        let http = b
            .build()
            .map_err(|e| Error::Internal(format!("cannot build the HTTP client: {e}")))?;
        Ok(Client {
            http: Box::leak(Box::new(http)),
            urls: Arc::new(urls),
            auth: conn.basic_auth.clone(),
            next: Arc::new(AtomicUsize::new(0)),
        })
    }

    /// The node URLs.
    pub(crate) fn urls(&self) -> &[String] {
        &self.urls
    }

    /// Send a request with a JSON body (or none), trying the nodes in turn.
    pub(crate) fn send(&self, method: Method, path: &str, body: Option<&Value>) -> Result<Answer> {
        let bytes = body.map(|b| b.to_string().into_bytes());
        self.send_raw(method, path, bytes, "application/json")
    }

    /// Send an NDJSON body (`_bulk`).
    pub(crate) fn send_ndjson(&self, path: &str, body: Vec<u8>) -> Result<Answer> {
        self.send_raw(Method::POST, path, Some(body), "application/x-ndjson")
    }

    fn send_raw(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
        content_type: &str,
    ) -> Result<Answer> {
        let n = self.urls.len();
        let first = self.next.fetch_add(1, Ordering::Relaxed);
        let mut failures: Vec<String> = Vec::new();
        let mut backoff = Duration::from_millis(100);
        let mut pushed_back = 0;
        let mut i = 0;
        while i < n {
            let url = &self.urls[(first + i) % n];
            let mut req = self
                .http
                .request(method.clone(), format!("{url}{path}"))
                .header("content-type", content_type);
            if let Some((u, p)) = &self.auth {
                req = req.basic_auth(u, Some(p));
            }
            if let Some(b) = &body {
                req = req.body(b.clone());
            }
            match req.send() {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    if status == 429 && pushed_back < MAX_BACKOFF_RETRIES {
                        // the cluster pushes back: wait, then try again
                        pushed_back += 1;
                        std::thread::sleep(backoff);
                        backoff = (backoff * 2).min(Duration::from_secs(5));
                        continue;
                    }
                    if matches!(status, 502..=504) {
                        failures.push(format!("{url}: HTTP {status}"));
                        i += 1;
                        continue;
                    }
                    let text = resp.text().unwrap_or_default();
                    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
                    if status == 401 || status == 403 {
                        return Err(Error::Usage(format!(
                            "the OpenSearch cluster at {url} refused the credentials (HTTP {status})\nhint: set --opensearch-user and --opensearch-password (or KARTOTEK_OPENSEARCH_USER/PASSWORD)"
                        )));
                    }
                    return Ok(Answer { status, body });
                }
                Err(e) => {
                    tracing::warn!(node = %url, error = %e, "opensearch node failed; trying the next");
                    failures.push(format!("{url}: {}", short(&e)));
                    i += 1;
                }
            }
        }
        Err(Error::Unavailable(format!(
            "no OpenSearch node answered ({})",
            failures.join("; ")
        )))
    }
}

/// A reqwest error in a few words (its chain, without the URL it repeats).
fn short(e: &reqwest::Error) -> String {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "cannot connect"
    } else {
        "request failed"
    };
    let mut cause = String::new();
    let mut cur = std::error::Error::source(e);
    while let Some(c) = cur {
        cause = c.to_string();
        cur = c.source();
    }
    if cause.is_empty() {
        what.to_string()
    } else {
        format!("{what}: {cause}")
    }
}
