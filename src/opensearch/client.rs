//! HTTP to the cluster: every request has a timeout, goes to the nodes in
//! turn, and moves on to the next node when one cannot be reached or
//! answers that it is unavailable (502/503/504), so a dead node costs one
//! timeout, not a failed search. 429 (the cluster pushing back) waits and
//! retries. When no node answers, the error says which URLs were tried.
//!
//! A node's answer is believed only when it reads as OpenSearch's: a body
//! read to its end (a connection cut mid-way, or a body still dripping at
//! the timeout, is that node failing), no larger than
//! [`MAX_ANSWER_BYTES`], and, for a 2xx answer with a body, a JSON object.
//! A login page of a proxy answering 200, a redirect (never followed: it
//! would turn a search into a bodiless `GET`, maybe to another host) or a
//! cut answer is a failure naming the node and what it sent, never an
//! empty result. A node that failed is tried after the others for
//! [`COOL_DOWN`]; the requests of one search share one timeout
//! ([`Client::within`]).

use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::blocking::Client as Http;
use reqwest::Method;
use serde_json::Value;

use crate::crawl::fetcher::get as header;
use crate::error::{Error, Result};

/// How often a request is retried after 429 before it fails.
pub(crate) const MAX_BACKOFF_RETRIES: u32 = 6;

/// The largest answer read from a node. Kartotek's largest answers are
/// pages of stored passages (a thousand passages, or one document's, whose
/// text is cut at 16 MB); a larger one is no answer Kartotek asked for, and
/// reading it whole would hold it twice in memory (text and JSON).
pub(crate) const MAX_ANSWER_BYTES: u64 = 128 << 20;

/// Characters of an unreadable answer quoted in an error.
const EXCERPT_CHARS: usize = 120;

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
    /// When each node last failed (unreachable, timed out, cut off, an
    /// answer that was not OpenSearch's): for [`COOL_DOWN`] after, it is
    /// tried after the others, so one dead node does not cost every
    /// request its timeout.
    failed: Arc<Mutex<Vec<Option<Instant>>>>,
    /// Time allowed for a whole request, its answer read to the end.
    timeout: Duration,
}

/// How long a node that failed is tried last.
const COOL_DOWN: Duration = Duration::from_secs(30);

thread_local! {
    /// When the operation this thread runs must be done (see
    /// [`Client::within`]); `None`: each request has the whole timeout.
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// The deadline of the operation this thread runs, to hand to a thread it
/// starts for part of it (see [`until`]).
pub(crate) fn deadline() -> Option<Instant> {
    DEADLINE.get()
}

/// Run `work` under `deadline` (one taken from [`deadline`] on another
/// thread), or the one this thread has if sooner.
pub(crate) fn until<T>(deadline: Option<Instant>, work: impl FnOnce() -> T) -> T {
    /// Puts the outer deadline back, however `work` ends.
    struct Restore(Option<Instant>);
    impl Drop for Restore {
        fn drop(&mut self) {
            DEADLINE.set(self.0);
        }
    }
    let outer = DEADLINE.get();
    let sooner = match (outer, deadline) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let _restore = Restore(outer);
    DEADLINE.set(sooner);
    work()
}

/// Why a node gave no answer to use.
enum Failure {
    /// It failed (unreachable, timed out, cut off, not OpenSearch's answer):
    /// the next node is asked.
    Node(String),
    /// It refused Kartotek itself (its credentials): no node will answer.
    Refused(Error),
    /// The operation's time is up: no node is asked.
    OutOfTime,
}

/// An answer: the status and the JSON body (`Null` when empty or not JSON).
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: Value,
}

impl Answer {
    /// The body of a 2xx answer, or an error naming what failed: the
    /// cluster unavailable for now (429, 5xx: retrying later may succeed),
    /// else a request the cluster refused (a bug of ours or of its setup).
    pub(crate) fn ok(self, what: &str) -> Result<Value> {
        if (200..300).contains(&self.status) {
            return Ok(self.body);
        }
        let message = format!(
            "opensearch refused to {what} (HTTP {}): {}",
            self.status,
            reason(&self.body)
        );
        Err(if self.status == 429 || self.status >= 500 {
            Error::Unavailable(message)
        } else {
            Error::Internal(message)
        })
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
    match body {
        // an answer that was no JSON: its start, already quoted
        Value::String(text) => text.clone(),
        Value::Null => "no answer body".to_string(),
        other => {
            let mut s = other.to_string();
            if let Some((at, _)) = s.char_indices().nth(300) {
                s.truncate(at);
            }
            s
        }
    }
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
            .redirect(reqwest::redirect::Policy::none())
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
            failed: Arc::new(Mutex::new(vec![None; urls.len()])),
            timeout: conn.timeout,
            urls: Arc::new(urls),
            auth: conn.basic_auth.clone(),
            next: Arc::new(AtomicUsize::new(0)),
        })
    }

    /// Run `work` with every request it sends from this thread ending by
    /// one deadline, the client's timeout from now (or `total`, when
    /// shorter): a search sends several requests, and a node dripping each
    /// answer would cost each its own timeout (past the server's request
    /// timeout, its thread still busy).
    pub(crate) fn within<T>(&self, total: Option<Duration>, work: impl FnOnce() -> T) -> T {
        let total = total.map_or(self.timeout, |t| t.min(self.timeout));
        until(Some(Instant::now() + total), work)
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
        let mut failures: Vec<String> = Vec::new();
        for node in self.order() {
            let url = &self.urls[node];
            match self.ask(url, &method, path, body.as_deref(), content_type) {
                Ok(answer) => {
                    self.mark(node, false);
                    return Ok(answer);
                }
                Err(Failure::Refused(e)) => return Err(e),
                Err(Failure::OutOfTime) => {
                    failures.push(format!("{url}: not asked, the search's time was used up"));
                    break;
                }
                Err(Failure::Node(why)) => {
                    tracing::warn!(node = %url, error = %why, "opensearch node failed; trying the next");
                    self.mark(node, true);
                    failures.push(format!("{url}: {why}"));
                }
            }
        }
        Err(Error::Unavailable(format!(
            "no OpenSearch node answered ({})",
            failures.join("; ")
        )))
    }

    /// One node's answer to a request, asked again while it pushes back
    /// (429), within what is left of the operation's time.
    fn ask(
        &self,
        url: &str,
        method: &Method,
        path: &str,
        body: Option<&[u8]>,
        content_type: &str,
    ) -> std::result::Result<Answer, Failure> {
        let mut backoff = Duration::from_millis(100);
        let mut pushed_back = 0;
        loop {
            // what is left of the operation's time, at most the timeout
            let op = DEADLINE.get();
            let budget = op.map_or(self.timeout, |d| {
                d.saturating_duration_since(Instant::now())
                    .min(self.timeout)
            });
            if budget.is_zero() {
                return Err(Failure::OutOfTime);
            }
            let mut req = self
                .http
                .request(method.clone(), format!("{url}{path}"))
                .header("content-type", content_type);
            if let Some((u, p)) = &self.auth {
                req = req.basic_auth(u, Some(p));
            }
            if let Some(b) = body {
                req = req.body(b.to_vec());
            }
            let deadline = Instant::now() + budget;
            let resp = req
                .timeout(budget)
                .send()
                .map_err(|e| Failure::Node(short(&e)))?;
            let status = resp.status().as_u16();
            if status == 429
                && pushed_back < MAX_BACKOFF_RETRIES
                && op.is_none_or(|d| Instant::now() + backoff < d)
            {
                // the cluster pushes back: wait, then try again
                pushed_back += 1;
                std::thread::sleep(backoff);
                backoff = (backoff * 2).min(Duration::from_secs(5));
                continue;
            }
            if matches!(status, 502..=504) {
                let text = read_body(resp, deadline).unwrap_or_default();
                return Err(Failure::Node(format!("HTTP {status} {}", excerpt(&text))));
            }
            if (300..400).contains(&status) {
                let to = header(resp.headers(), reqwest::header::LOCATION)
                    .unwrap_or_else(|| "nowhere".into());
                return Err(Failure::Node(format!(
                    "answered HTTP {status}, a redirect to {}, where OpenSearch answers",
                    excerpt(&to)
                )));
            }
            if status == 401 || status == 403 {
                // the CLI's user fixes it; a server's client cannot (its
                // operator reads the log)
                return Err(Failure::Refused(Error::Unavailable(format!(
                    "the OpenSearch cluster at {url} refused Kartotek's credentials (HTTP {status}); set --opensearch-user and --opensearch-password (or KARTOTEK_OPENSEARCH_USER/PASSWORD)"
                ))));
            }
            let kind = header(resp.headers(), reqwest::header::CONTENT_TYPE)
                .unwrap_or_else(|| "no type".into());
            let text = read_body(resp, deadline).map_err(Failure::Node)?;
            let ok = (200..300).contains(&status);
            let body = match serde_json::from_str::<Value>(&text) {
                Ok(v) if v.is_object() => v,
                // a HEAD answer has no body, nor need an error
                _ if text.trim().is_empty() && (*method == Method::HEAD || !ok) => Value::Null,
                _ if ok => {
                    return Err(Failure::Node(format!(
                        "answered HTTP {status} with {kind}, not OpenSearch's JSON: {}",
                        excerpt(&text)
                    )))
                }
                // an error page: its words, for the message
                _ => Value::String(excerpt(&text)),
            };
            return Ok(Answer { status, body });
        }
    }

    /// The nodes in the order to try them: in turn from the next one, the
    /// ones that failed in the last [`COOL_DOWN`] last.
    fn order(&self) -> Vec<usize> {
        let n = self.urls.len();
        let first = self.next.fetch_add(1, Ordering::Relaxed);
        let mut order: Vec<usize> = (0..n).map(|i| (first + i) % n).collect();
        if let Ok(failed) = self.failed.lock() {
            let cooling = |i: &usize| failed[*i].is_some_and(|t| t.elapsed() < COOL_DOWN);
            // stable: the turn is kept within each group
            order.sort_by_key(cooling);
        }
        order
    }

    /// Note that `node` failed now (`true`) or answered (`false`).
    fn mark(&self, node: usize, failed: bool) {
        if let Ok(mut marks) = self.failed.lock() {
            marks[node] = failed.then(Instant::now);
        }
    }
}

/// A node's answer as text, read to its end and at most
/// [`MAX_ANSWER_BYTES`] by `deadline`; the reason when it cannot be (a
/// body still arriving then, a node dripping it, is the node failing).
fn read_body(
    resp: reqwest::blocking::Response,
    deadline: Instant,
) -> std::result::Result<String, String> {
    use crate::ingest::guard::{self, BodyStop};
    let too_large = || {
        format!(
            "answered more than {} MB, no answer Kartotek asked for",
            MAX_ANSWER_BYTES >> 20
        )
    };
    if resp.content_length().is_some_and(|n| n > MAX_ANSWER_BYTES) {
        return Err(too_large());
    }
    let still_arriving = || "timed out: its answer was still arriving".to_string();
    let bytes = guard::read_body(resp, MAX_ANSWER_BYTES, deadline).map_err(|stop| match stop {
        // (the request's own timeout ends a read with an error too)
        BodyStop::Io(_) if Instant::now() >= deadline => still_arriving(),
        BodyStop::Io(e) => format!("its answer was cut off ({e})"),
        BodyStop::Deadline => still_arriving(),
    })?;
    if bytes.len() as u64 > MAX_ANSWER_BYTES {
        return Err(too_large());
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The start of an answer that is not what was expected, on one line.
fn excerpt(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut cut: String = one_line.chars().take(EXCERPT_CHARS).collect();
    if cut.len() < one_line.len() {
        cut.push('…');
    }
    format!("`{cut}`")
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpListener;

    /// A node on loopback that answers every request with `answer` (raw
    /// HTTP: status line, headers, body), then closes the connection.
    fn node(answer: &'static [u8]) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut s) = stream else { return };
                request_head(&mut s);
                let _ = s.write_all(answer);
            }
        });
        url
    }

    /// Read a request's head (the tests send no body).
    fn request_head(s: &mut std::net::TcpStream) {
        let mut seen = Vec::new();
        let mut byte = [0u8; 1];
        while !seen.ends_with(b"\r\n\r\n") && s.read(&mut byte).unwrap_or(0) == 1 {
            seen.push(byte[0]);
        }
    }

    fn client(urls: &[String]) -> Client {
        Client::new(&Connection {
            urls: urls.to_vec(),
            basic_auth: None,
            ca_file: None,
            connect_timeout: Duration::from_secs(2),
            timeout: Duration::from_secs(5),
        })
        .expect("client")
    }

    fn failure(urls: &[String]) -> String {
        match client(urls).send(Method::GET, "/kartotek/_search", None) {
            Err(e @ Error::Unavailable(_)) => e.to_string(),
            other => panic!("expected the cluster unavailable, got {other:?}"),
        }
    }

    const LOGIN: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 34\r\nconnection: close\r\n\r\n<html><body>Sign in</body></html>\n";
    const FOUND: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 27\r\nconnection: close\r\n\r\n{\"hits\":{\"hits\":[],\"n\":1}}\n";

    #[test]
    fn a_login_page_answered_200_is_the_node_failing_not_an_empty_result() {
        let why = failure(&[node(LOGIN)]);
        assert!(
            why.contains("text/html") && why.contains("Sign in"),
            "{why}"
        );
    }

    #[test]
    fn a_200_answer_without_a_body_is_the_node_failing_but_a_head_needs_none() {
        let empty = node(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        let why = failure(std::slice::from_ref(&empty));
        assert!(why.contains("not OpenSearch's JSON"), "{why}");
        let head = client(&[empty]).send(Method::HEAD, "/_alias/kartotek", None);
        assert_eq!(head.expect("a HEAD answer").status, 200);
    }

    #[test]
    fn a_node_sending_a_login_page_is_passed_over_for_one_that_answers() {
        let c = client(&[node(LOGIN), node(FOUND)]);
        let a = c
            .send(Method::GET, "/kartotek/_search", None)
            .expect("answer");
        assert_eq!(a.body["hits"]["n"], 1);
    }

    #[test]
    fn a_node_that_failed_is_tried_after_the_others_for_a_while() {
        // a node that takes connections and closes them unanswered
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let dead = format!("http://{}", listener.local_addr().expect("address"));
        let tried = Arc::new(AtomicUsize::new(0));
        let count = tried.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                count.fetch_add(1, Ordering::SeqCst);
                drop(stream);
            }
        });
        let c = client(&[dead, node(FOUND)]);
        for _ in 0..4 {
            c.send(Method::GET, "/kartotek/_search", None)
                .expect("the other node answers");
        }
        // tried by the first request only (in turn, the third would again)
        let first = tried.load(Ordering::SeqCst);
        assert_eq!(first, 1);
        // and again once its cool-down is over
        c.failed.lock().expect("lock")[0] = Some(Instant::now() - COOL_DOWN);
        for _ in 0..2 {
            c.send(Method::GET, "/kartotek/_search", None)
                .expect("the other node answers");
        }
        assert!(tried.load(Ordering::SeqCst) > first);
    }

    #[test]
    fn a_redirect_is_not_followed_but_named() {
        let why = failure(&[node(
            b"HTTP/1.1 302 Found\r\nlocation: http://127.0.0.1:1/login\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
        )]);
        assert!(why.contains("302") && why.contains("/login"), "{why}");
    }

    #[test]
    fn an_answer_cut_off_mid_body_is_the_node_failing() {
        let why = failure(&[node(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 5000\r\nconnection: close\r\n\r\n{\"hits\":{\"hits\":[",
        )]);
        assert!(why.contains("cut off"), "{why}");
    }

    /// A node that drips every answer a byte every 50 ms: each read is
    /// quick, the whole never ends; and a client that allows 1 s.
    fn dripping() -> Client {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut s) = stream else { return };
                std::thread::spawn(move || {
                    request_head(&mut s);
                    let _ = s.write_all(
                        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n",
                    );
                    while s.write_all(b" ").is_ok() {
                        std::thread::sleep(Duration::from_millis(50));
                    }
                });
            }
        });
        Client::new(&Connection {
            urls: vec![url],
            basic_auth: None,
            ca_file: None,
            connect_timeout: Duration::from_secs(2),
            timeout: Duration::from_secs(1),
        })
        .expect("client")
    }

    #[test]
    fn an_operations_requests_share_one_timeout() {
        let c = dripping();
        let errors: Vec<String> = c.within(None, || {
            (0..3)
                .map(|_| match c.send(Method::GET, "/kartotek/_search", None) {
                    Err(e) => e.to_string(),
                    Ok(a) => panic!("an answer from a dripping node: {a:?}"),
                })
                .collect()
        });
        assert!(errors[0].contains("still arriving"), "{}", errors[0]);
        // the second and third find the operation's second used up
        assert!(errors[2].contains("used up"), "{}", errors[2]);
        // an operation given less than the timeout has only that
        let e = c
            .within(Some(Duration::ZERO), || {
                c.send(Method::GET, "/kartotek/_search", None)
            })
            .unwrap_err();
        assert!(e.to_string().contains("not asked"), "{e}");
        // outside the operation a request has its own timeout again
        let e = c.send(Method::GET, "/kartotek/_search", None).unwrap_err();
        assert!(e.to_string().contains("still arriving"), "{e}");
    }

    #[test]
    fn an_answer_dripped_past_the_timeout_is_the_node_failing() {
        let c = dripping();
        let started = Instant::now();
        let e = c.send(Method::GET, "/kartotek/_search", None).unwrap_err();
        assert!(e.to_string().contains("still arriving"), "{e}");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn an_answer_larger_than_the_limit_is_refused_unread() {
        let why = failure(&[node(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 999999999999\r\nconnection: close\r\n\r\n{",
        )]);
        assert!(why.contains("more than 128 MB"), "{why}");
    }

    #[test]
    fn a_cluster_pushing_back_or_failing_is_unavailable_and_a_refused_request_internal() {
        let answer = |status| Answer {
            status,
            body: Value::String("`<html>busy</html>`".into()),
        };
        for status in [429, 500, 503] {
            let e = answer(status).ok("search").unwrap_err();
            assert!(matches!(e, Error::Unavailable(_)), "{status}: {e:?}");
            assert!(e.to_string().contains("<html>busy</html>"), "{e}");
        }
        assert!(matches!(answer(400).ok("search"), Err(Error::Internal(_))));
    }

    #[test]
    fn a_long_reason_is_cut_on_a_character_boundary() {
        let body = serde_json::json!({ "od": "ø".repeat(400) });
        assert!(reason(&body).chars().count() <= 300);
    }
}
