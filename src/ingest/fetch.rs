//! Fetching one URL for `ingest URL`: http and https only, with a timeout,
//! a redirect limit, a body-size cap and a clear User-Agent. Crawling whole
//! sites is the crawler's job; this reads exactly the URL it is given.
//!
//! Loopback, private and other non-public addresses are refused with the
//! guard the crawler uses too ([`super::guard::public_only`] for names, at
//! connection time, and [`super::guard::literal_host_refusal`] for IP
//! literals, on the URL and on every redirect hop), so `ingest URL` cannot reach the
//! machine's own network either (issue 13). The escape hatch is
//! `kartotek ingest --allow-private` (`ingest::Options::allow_private`), an
//! operator's switch for one run, like the crawler's flag.

use std::time::Duration;

use super::guard::{literal_host_refusal, public_only, read_body, BodyStop};
use crate::error::ExtractError;

/// Most redirects followed.
const MAX_REDIRECTS: usize = 10;

/// The User-Agent Kartotek sends.
pub const USER_AGENT: &str = concat!(
    "kartotek/",
    env!("CARGO_PKG_VERSION"),
    " (document search for regional EU and Nordic policy)"
);

/// A fetched resource.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// URL after redirects.
    pub final_url: String,
    /// `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The body (at most the configured limit).
    pub bytes: Vec<u8>,
}

/// True when `s` looks like a URL rather than a path (has a scheme).
pub(crate) fn is_url(s: &str) -> bool {
    match s.split_once("://") {
        Some((scheme, _)) => {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '+')
        }
        None => s.starts_with("data:") || s.starts_with("file:") || s.starts_with("javascript:"),
    }
}

/// Refuse every scheme but http and https, with a reason.
pub(crate) fn check_scheme(url: &str) -> Result<reqwest::Url, ExtractError> {
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| ExtractError::Fetch(format!("`{url}` is not a valid URL ({e})")))?;
    match parsed.scheme() {
        "http" | "https" => Ok(parsed),
        other => Err(ExtractError::Fetch(format!(
            "the `{other}:` scheme is not allowed; only http and https URLs are fetched"
        ))),
    }
}

/// Fetch `url` with a timeout and a body-size cap; non-public addresses
/// are refused unless `allow_private`.
pub(crate) fn fetch_with(
    url: &str,
    timeout: Duration,
    max_bytes: u64,
    allow_private: bool,
) -> Result<Fetched, ExtractError> {
    let parsed = check_scheme(url)?;
    let refused = |why: String| ExtractError::Fetch(format!("refused: {why}"));
    if !allow_private {
        if let Some(why) = literal_host_refusal(&parsed) {
            return Err(refused(private_reason(&format!("refused: {why}"))));
        }
    }
    let redirects = reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() >= MAX_REDIRECTS {
            attempt.error("too many redirects")
        } else if !allow_private && literal_host_refusal(attempt.url()).is_some() {
            attempt.error("a redirect points to a loopback or private address")
        } else {
            attempt.follow()
        }
    });
    let mut builder = reqwest::blocking::Client::builder()
        .user_agent(USER_AGENT)
        .timeout(timeout)
        .connect_timeout(Duration::from_secs(10))
        .redirect(redirects);
    if !allow_private {
        builder = public_only(builder);
    }
    let client = builder
        .build()
        .map_err(|e| ExtractError::Fetch(e.to_string()))?;
    // the whole request's time (the client's bounds each read)
    let deadline = std::time::Instant::now() + timeout;
    let resp = client.get(parsed).send().map_err(|e| {
        let chain = chain(&e);
        if chain.contains("private or loopback") || chain.contains("loopback or private") {
            refused(private_reason(&chain))
        } else {
            ExtractError::Fetch(describe(&e))
        }
    })?;
    let status = resp.status();
    if !status.is_success() {
        return Err(ExtractError::Fetch(format!(
            "the server answered HTTP {status}"
        )));
    }
    let final_url = resp.url().to_string();
    let content_type = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if let Some(len) = resp.content_length() {
        if len > max_bytes {
            return Err(ExtractError::TooLarge {
                size: len,
                limit: max_bytes,
            });
        }
    }
    let bytes = read_body(resp, max_bytes, deadline).map_err(|stop| match stop {
        BodyStop::Io(e) => ExtractError::Fetch(e.to_string()),
        BodyStop::Deadline => ExtractError::Fetch(format!(
            "the request timed out: the body was still arriving after {} s",
            timeout.as_secs()
        )),
    })?;
    if bytes.len() as u64 > max_bytes {
        return Err(ExtractError::TooLarge {
            size: bytes.len() as u64,
            limit: max_bytes,
        });
    }
    Ok(Fetched {
        final_url,
        content_type,
        bytes,
    })
}

/// The guard's reason, with the escape hatch `ingest` has.
fn private_reason(detail: &str) -> String {
    let what = if detail.contains("redirect") {
        "a redirect points to a loopback, private or otherwise non-public address"
    } else {
        "the address is loopback, private or otherwise non-public"
    };
    format!("{what}\nhint: pass `--allow-private` to `kartotek ingest` to fetch it anyway")
}

/// An error and its sources, as one line.
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        src = inner.source();
    }
    s
}

fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "the request timed out".into()
    } else if e.is_connect() {
        "cannot connect to the server".into()
    } else if e.is_redirect() {
        "too many redirects".into()
    } else {
        e.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_and_https_are_allowed() {
        assert!(check_scheme("https://example.org/a.pdf").is_ok());
        for bad in ["file:///etc/passwd", "ftp://x/y", "data:text/plain,hi"] {
            let e = check_scheme(bad).unwrap_err().to_string();
            assert!(
                e.contains("not allowed") || e.contains("not a valid"),
                "{e}"
            );
        }
    }

    #[test]
    fn loopback_and_private_addresses_are_refused_with_the_crawlers_guard() {
        let t = Duration::from_secs(5);
        for url in [
            "http://127.0.0.1:9/x",
            "http://[::1]:9/x",
            "http://10.0.0.1:9/x",
            "http://localhost:9/x",
        ] {
            let e = fetch_with(url, t, 1000, false)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(e.contains("refused"), "{url}: {e}");
            assert!(e.contains("--allow-private"), "{url}: {e}");
        }
        // allowed: the request is made (and fails to connect to the closed port)
        let e = fetch_with("http://127.0.0.1:9/x", t, 1000, true)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(!e.contains("refused:"), "{e}");
    }

    #[test]
    fn urls_and_paths_are_told_apart() {
        assert!(is_url("https://interreg.no/x"));
        assert!(is_url("file:///tmp/x"));
        assert!(!is_url("corpus/a.pdf"));
        assert!(!is_url("C:dir"));
    }
}
