//! One HTTP request for the crawler: blocking reqwest over rustls, with a
//! total timeout, a connect timeout, a body-size cap (the body is read
//! through `take`, so an oversized or endless body is cut off after the
//! cap, never buffered whole), conditional headers, and *no* automatic
//! redirects: the crawler follows each hop itself so it can check robots,
//! hosts and loops on every one and record where a page really lives.
//!
//! Safety: only http and https; unless private addresses are allowed, the
//! ingest side's guard ([`crate::ingest::guard`], the one `ingest URL` uses
//! too) refuses IP literals in non-public ranges before any connection and
//! resolves host names to public addresses only.

use std::time::{Duration, Instant};

use reqwest::header::{self, HeaderMap};
use reqwest::Url;

use crate::ingest::guard::{self, public_only};

/// Content types that are fetched as documents (anything else is skipped
/// before its body is read). A missing type, or `application/octet-stream`,
/// is fetched and sniffed.
const DOCUMENT_TYPES: &[&str] = &[
    "text/html",
    "application/xhtml+xml",
    "application/pdf",
    "application/x-pdf",
    "text/plain",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.presentation",
    "application/rtf",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.spreadsheet",
    "text/rtf",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/octet-stream",
    "binary/octet-stream",
];

/// What kind of resource a request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A page or document: content type is checked.
    Document,
    /// robots.txt or a sitemap: any content type.
    Meta,
}

/// One request.
#[derive(Debug, Clone)]
pub struct Request {
    /// URL (request form).
    pub url: Url,
    /// `If-None-Match` value.
    pub etag: Option<String>,
    /// `If-Modified-Since` value.
    pub last_modified: Option<String>,
    /// Document or meta file.
    pub kind: Kind,
}

/// What the server answered.
#[derive(Debug, Clone)]
pub enum Response {
    /// 2xx with a body of at most the cap.
    Ok {
        /// Status code.
        status: u16,
        /// `Content-Type`.
        content_type: Option<String>,
        /// `ETag`.
        etag: Option<String>,
        /// `Last-Modified`.
        last_modified: Option<String>,
        /// `X-Robots-Tag` says noindex.
        noindex: bool,
        /// The body.
        body: Vec<u8>,
    },
    /// 304: the stored copy is current.
    NotModified,
    /// 3xx with a `Location` (unresolved, as sent).
    Redirect {
        /// Status code.
        status: u16,
        /// The `Location` header.
        location: String,
    },
    /// Any other status (4xx, 5xx, a 3xx without a location).
    Status {
        /// Status code.
        status: u16,
        /// `Retry-After` in seconds, when sent with a 429 or 503.
        retry_after: Option<Duration>,
    },
    /// A content type that is no document (body not read).
    WrongType(String),
}

/// Why a request produced no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// The timeout passed.
    Timeout(Duration),
    /// The body is larger than the cap.
    TooLarge(u64),
    /// The host is (or resolves to) a non-public address.
    Private(String),
    /// Connection refused, DNS failure, TLS error, ….
    Network(String),
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FetchError::Timeout(d) => {
                write!(f, "timed out after {:.1} s", d.as_secs_f64())
            }
            FetchError::TooLarge(limit) => write!(
                f,
                "too large: the body is over the limit of {limit} bytes and was cut off"
            ),
            FetchError::Private(why) => write!(f, "refused: {why}"),
            FetchError::Network(why) => write!(f, "cannot fetch it: {why}"),
        }
    }
}

/// Settings of a [`Fetcher`].
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Whole-request timeout (connect + headers + body).
    pub timeout: Duration,
    /// Largest body read, in bytes.
    pub max_bytes: u64,
    /// Allow loopback and private address ranges.
    pub allow_private: bool,
    /// `User-Agent` header.
    pub user_agent: String,
}

/// A reusable HTTP client with the crawler's limits.
#[derive(Clone)]
pub struct Fetcher {
    client: reqwest::blocking::Client,
    opts: FetchOptions,
}

impl Fetcher {
    /// Build the client.
    pub fn new(opts: FetchOptions) -> Result<Fetcher, FetchError> {
        let mut b = reqwest::blocking::Client::builder()
            .user_agent(opts.user_agent.clone())
            .timeout(opts.timeout)
            .connect_timeout(opts.timeout.min(Duration::from_secs(10)))
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(4);
        if !opts.allow_private {
            b = public_only(b);
        }
        let client = b
            .build()
            .map_err(|e| FetchError::Network(format!("cannot set up the HTTP client: {e}")))?;
        Ok(Fetcher { client, opts })
    }

    /// The options this fetcher was built with.
    pub fn options(&self) -> &FetchOptions {
        &self.opts
    }

    /// Send one request and read the answer within the limits.
    pub fn fetch(&self, req: &Request) -> Result<Response, FetchError> {
        if !self.opts.allow_private {
            check_literal_host(&req.url)?;
        }
        // the whole request's time (the client's bounds each read)
        let deadline = Instant::now() + self.opts.timeout;
        let mut rb = self.client.get(req.url.clone());
        if let Some(e) = &req.etag {
            rb = rb.header(header::IF_NONE_MATCH, e);
        }
        if let Some(lm) = &req.last_modified {
            rb = rb.header(header::IF_MODIFIED_SINCE, lm);
        }
        let resp = rb.send().map_err(|e| self.classify(&e))?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        if status == 304 {
            return Ok(Response::NotModified);
        }
        if (300..400).contains(&status) {
            if let Some(loc) = get(&headers, header::LOCATION) {
                return Ok(Response::Redirect {
                    status,
                    location: loc,
                });
            }
        }
        if !(200..300).contains(&status) {
            let retry_after = get(&headers, header::RETRY_AFTER)
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            return Ok(Response::Status {
                status,
                retry_after,
            });
        }
        let content_type = get(&headers, header::CONTENT_TYPE);
        if req.kind == Kind::Document {
            if let Some(ct) = &content_type {
                let mime = ct
                    .split(';')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_ascii_lowercase();
                if !mime.is_empty() && !DOCUMENT_TYPES.contains(&mime.as_str()) {
                    return Ok(Response::WrongType(mime));
                }
            }
        }
        let max = self.opts.max_bytes;
        if resp.content_length().is_some_and(|len| len > max) {
            return Err(FetchError::TooLarge(max));
        }
        let body = guard::read_body(resp, max, deadline).map_err(|stop| match stop {
            guard::BodyStop::Io(e) => self.classify_io(&e),
            guard::BodyStop::Deadline => FetchError::Timeout(self.opts.timeout),
        })?;
        if body.len() as u64 > max {
            return Err(FetchError::TooLarge(max));
        }
        let body = unencoded(
            body,
            get(&headers, header::CONTENT_ENCODING).as_deref(),
            max,
        )?;
        let noindex = headers
            .get_all("x-robots-tag")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(robots_header_says_noindex);
        Ok(Response::Ok {
            status,
            content_type,
            etag: get(&headers, header::ETAG),
            last_modified: get(&headers, header::LAST_MODIFIED),
            noindex,
            body,
        })
    }

    fn classify(&self, e: &reqwest::Error) -> FetchError {
        if e.is_timeout() {
            return FetchError::Timeout(self.opts.timeout);
        }
        let chain = error_chain(e);
        if chain.contains("private or loopback") {
            return FetchError::Private(
                "the host resolves only to loopback or private addresses; pass `--allow-private` (or set `allow_private = true` in the sources file) to crawl it".into(),
            );
        }
        if e.is_connect() {
            FetchError::Network(format!("cannot connect to the server ({chain})"))
        } else {
            FetchError::Network(chain)
        }
    }

    fn classify_io(&self, e: &std::io::Error) -> FetchError {
        let chain = error_chain(e);
        if e.kind() == std::io::ErrorKind::TimedOut || chain.contains("timed out") {
            FetchError::Timeout(self.opts.timeout)
        } else {
            FetchError::Network(format!("the body could not be read ({chain})"))
        }
    }
}

/// The body without the `Content-Encoding` a server applied unasked (no
/// request says `Accept-Encoding`, yet some servers compress anyway):
/// gzip and deflate are inflated, up to `max` bytes like any body; a body
/// that does not inflate is kept as it came.
fn unencoded(body: Vec<u8>, encoding: Option<&str>, max: u64) -> Result<Vec<u8>, FetchError> {
    use std::io::Read;
    let encoding = encoding.unwrap_or_default().trim().to_ascii_lowercase();
    let mut out = Vec::new();
    let inflated = match encoding.as_str() {
        "" | "identity" => return Ok(body),
        "gzip" | "x-gzip" => flate2::read::MultiGzDecoder::new(&body[..])
            .take(max.saturating_add(1))
            .read_to_end(&mut out),
        "deflate" => flate2::read::ZlibDecoder::new(&body[..])
            .take(max.saturating_add(1))
            .read_to_end(&mut out),
        other => {
            let shown: String = other.chars().filter(|c| !c.is_control()).take(40).collect();
            return Err(FetchError::Network(format!(
                "the server compressed the body as `{shown}` without being asked, and it cannot be read"
            )));
        }
    };
    match inflated {
        Ok(_) if out.len() as u64 > max => Err(FetchError::TooLarge(max)),
        Ok(_) => Ok(out),
        // not what the header says (servers label plain bodies gzip too):
        // the bytes as they came, for the format sniffing to judge
        Err(_) => Ok(body),
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        let t = inner.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        src = inner.source();
    }
    s
}

/// A header's value as text, trimmed; `None` when absent, empty or not text.
pub(crate) fn get(h: &HeaderMap, name: header::HeaderName) -> Option<String> {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// True when an `X-Robots-Tag` value forbids indexing (for every agent or for Kartotek).
pub(crate) fn robots_header_says_noindex(value: &str) -> bool {
    let v = value.to_ascii_lowercase();
    // "googlebot: noindex" targets another agent; "kartotek: noindex" or plain "noindex" us.
    let (agent, rules) = match v.split_once(':') {
        Some((a, r)) if !a.contains(',') && !a.trim().contains(' ') => (Some(a.trim()), r),
        _ => (None, v.as_str()),
    };
    if agent.is_some_and(|a| a != super::robots::AGENT_TOKEN) {
        return false;
    }
    rules
        .split(',')
        .any(|r| matches!(r.trim(), "noindex" | "none"))
}

/// Refuse an IP-literal host in a non-public range (see [`crate::ingest::guard`]).
pub(crate) fn check_literal_host(url: &Url) -> Result<(), FetchError> {
    match guard::literal_host_refusal(url) {
        Some(why) => Err(FetchError::Private(why)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_literal_is_refused_with_a_clear_reason() {
        let u = Url::parse("http://127.0.0.1:8080/x").unwrap();
        let e = check_literal_host(&u).unwrap_err().to_string();
        assert!(e.contains("`127.0.0.1`") && e.contains("private"), "{e}");
        let u = Url::parse("http://[::1]/x").unwrap();
        assert!(check_literal_host(&u).is_err());
        assert!(check_literal_host(&Url::parse("https://example.org/").unwrap()).is_ok());
    }

    #[test]
    fn a_body_dripped_slower_than_the_timeout_is_cut_at_the_timeout() {
        use std::io::Write;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        // headers once asked, then a byte every 100 ms for 8 s (a whole
        // body then, had the client waited)
        std::thread::spawn(move || {
            if let Ok((mut conn, _)) = listener.accept() {
                // the request first: an answer before it is an error to the client
                let mut request = Vec::new();
                let mut byte = [0u8; 1];
                while !request.ends_with(b"\r\n\r\n") {
                    match std::io::Read::read(&mut conn, &mut byte) {
                        Ok(1) => request.push(byte[0]),
                        _ => return,
                    }
                }
                let _ = conn
                    .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body>");
                for _ in 0..80 {
                    if conn.write_all(b"x").and_then(|_| conn.flush()).is_err() {
                        break; // the client hung up
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
            }
        });
        let f = Fetcher::new(FetchOptions {
            timeout: Duration::from_secs(1),
            max_bytes: 1 << 20,
            allow_private: true,
            user_agent: "t".into(),
        })
        .unwrap();
        let started = Instant::now();
        let e = f
            .fetch(&Request {
                url: Url::parse(&format!("http://127.0.0.1:{port}/slow")).unwrap(),
                etag: None,
                last_modified: None,
                kind: Kind::Document,
            })
            .unwrap_err();
        assert!(matches!(e, FetchError::Timeout(_)), "{e}");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn a_body_compressed_unasked_is_inflated_within_the_cap() {
        use std::io::Write;
        let page = b"<html><body><p>Tr\xc3\xb8ndelag</p></body></html>".to_vec();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&page).unwrap();
        let gz = gz.finish().unwrap();
        assert_eq!(unencoded(gz.clone(), Some("gzip"), 1 << 20).unwrap(), page);
        assert_eq!(unencoded(page.clone(), None, 1 << 20).unwrap(), page);
        // a bomb stops at the cap; a plain body labelled gzip is kept; an
        // unknown coding is an error
        let mut bomb = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        bomb.write_all(&vec![b' '; 1 << 20]).unwrap();
        let bomb = bomb.finish().unwrap();
        assert!(matches!(
            unencoded(bomb, Some("gzip"), 1024),
            Err(FetchError::TooLarge(1024))
        ));
        assert_eq!(
            unencoded(page.clone(), Some("gzip"), 1 << 20).unwrap(),
            page
        );
        let e = unencoded(page, Some("br"), 1 << 20)
            .unwrap_err()
            .to_string();
        assert!(e.contains("`br`"), "{e}");
    }

    #[test]
    fn localhost_name_is_refused_at_connection_time() {
        let f = Fetcher::new(FetchOptions {
            timeout: Duration::from_secs(2),
            max_bytes: 1024,
            allow_private: false,
            user_agent: "t".into(),
        })
        .unwrap();
        let e = f
            .fetch(&Request {
                url: Url::parse("http://localhost:9/").unwrap(),
                etag: None,
                last_modified: None,
                kind: Kind::Document,
            })
            .unwrap_err();
        assert!(matches!(e, FetchError::Private(_)), "{e}");
    }

    #[test]
    fn x_robots_tag_noindex_is_read_for_us_only() {
        assert!(robots_header_says_noindex("noindex, nofollow"));
        assert!(robots_header_says_noindex("NONE"));
        assert!(robots_header_says_noindex("kartotek: noindex"));
        assert!(!robots_header_says_noindex("googlebot: noindex"));
        assert!(!robots_header_says_noindex("nofollow"));
        assert!(!robots_header_says_noindex(
            "unavailable_after: 25 Jun 2010 15:00:00 PST"
        ));
    }
}
