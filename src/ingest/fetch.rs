//! Fetching one URL for `ingest URL`: http and https only, with a timeout,
//! a redirect limit, a body-size cap and a clear User-Agent. Crawling whole
//! sites is the crawler's job; this reads exactly the URL it is given.

use std::io::Read;
use std::time::Duration;

use crate::error::ExtractError;

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
pub fn is_url(s: &str) -> bool {
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
pub fn check_scheme(url: &str) -> Result<reqwest::Url, ExtractError> {
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| ExtractError::Fetch(format!("`{url}` is not a valid URL ({e})")))?;
    match parsed.scheme() {
        "http" | "https" => Ok(parsed),
        other => Err(ExtractError::Fetch(format!(
            "the `{other}:` scheme is not allowed; only http and https URLs are fetched"
        ))),
    }
}

/// Fetch `url` with a timeout and a body-size cap.
pub fn fetch(url: &str, timeout: Duration, max_bytes: u64) -> Result<Fetched, ExtractError> {
    let parsed = check_scheme(url)?;
    let client = reqwest::blocking::Client::builder()
        .user_agent(USER_AGENT)
        .timeout(timeout)
        .connect_timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::limited(10))
        .build()
        .map_err(|e| ExtractError::Fetch(e.to_string()))?;
    let resp = client
        .get(parsed)
        .send()
        .map_err(|e| ExtractError::Fetch(describe(&e)))?;
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
    let mut bytes = Vec::new();
    resp.take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ExtractError::Fetch(e.to_string()))?;
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
    fn urls_and_paths_are_told_apart() {
        assert!(is_url("https://interreg.no/x"));
        assert!(is_url("file:///tmp/x"));
        assert!(!is_url("corpus/a.pdf"));
        assert!(!is_url("C:dir"));
    }
}
