//! robots.txt: what a host lets Kartotek fetch, how slowly, and which
//! sitemaps it declares. Parsing is `texting_robots` (longest match wins,
//! `Allow` beats `Disallow` on a tie, `*` and `$` wildcards).
//!
//! How the answer to `GET /robots.txt` is read, as Google and RFC 9309 do:
//! 2xx → the rules; 4xx → no rules (everything allowed); 5xx, a timeout or
//! an unreachable server → everything disallowed for this crawl, since the
//! site may be down or overloaded. Only the first [`MAX_ROBOTS_BYTES`] are read.

use std::time::Duration;

use texting_robots::Robot;

/// The product token matched against `User-agent:` lines.
pub(crate) const AGENT_TOKEN: &str = "kartotek";

/// robots.txt files are read up to this size (RFC 9309 asks for at least 500 KiB).
pub(crate) const MAX_ROBOTS_BYTES: u64 = 512 * 1024;

/// Longest crawl-delay honoured; a larger value is clamped (and reported).
pub(crate) const MAX_CRAWL_DELAY: Duration = Duration::from_secs(60);

/// The rules of one host.
pub enum Robots {
    /// Everything allowed (no robots.txt, or a 4xx).
    AllowAll,
    /// Nothing allowed (robots.txt answered 5xx or could not be fetched).
    DisallowAll(String),
    /// Parsed rules.
    Rules(Box<Robot>),
}

impl Robots {
    /// Read a robots.txt answer: `status` is the HTTP status, `None` when the
    /// request itself failed (with the reason in `error`).
    pub fn from_response(status: Option<u16>, body: &[u8], error: &str) -> Robots {
        match status {
            Some(200..=299) => {
                let body = &body[..body.len().min(MAX_ROBOTS_BYTES as usize)];
                match Robot::new(AGENT_TOKEN, body) {
                    Ok(r) => Robots::Rules(Box::new(r)),
                    // texting_robots is very forgiving; a file it rejects outright
                    // is treated like a missing one.
                    Err(_) => Robots::AllowAll,
                }
            }
            Some(400..=499) => Robots::AllowAll,
            Some(s) => Robots::DisallowAll(format!("robots.txt answered HTTP {s}")),
            None => Robots::DisallowAll(format!("robots.txt could not be fetched: {error}")),
        }
    }

    /// True when `url` (absolute) may be fetched.
    pub fn allowed(&self, url: &str) -> bool {
        match self {
            Robots::AllowAll => true,
            Robots::DisallowAll(_) => false,
            Robots::Rules(r) => r.allowed(url),
        }
    }

    /// The `Crawl-delay` for Kartotek (or `*`), clamped to [`MAX_CRAWL_DELAY`].
    pub fn crawl_delay(&self) -> Option<Duration> {
        match self {
            Robots::Rules(r) => r
                .delay
                .filter(|d| d.is_finite() && *d > 0.0)
                .map(|d| Duration::from_secs_f32(d.min(MAX_CRAWL_DELAY.as_secs_f32()))),
            _ => None,
        }
    }

    /// Sitemap URLs the file declares.
    pub fn sitemaps(&self) -> &[String] {
        match self {
            Robots::Rules(r) => &r.sitemaps,
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TXT: &[u8] = b"User-agent: *\nDisallow: /private/\nAllow: /private/open\nCrawl-delay: 0.5\nSitemap: https://x.org/sitemap.xml\n\nUser-agent: otherbot\nDisallow: /\n";

    #[test]
    fn disallowed_paths_are_refused_and_allow_wins_when_longer() {
        let r = Robots::from_response(Some(200), TXT, "");
        assert!(!r.allowed("https://x.org/private/secret"));
        assert!(r.allowed("https://x.org/private/open/page"));
        assert!(r.allowed("https://x.org/public"));
    }

    #[test]
    fn crawl_delay_and_sitemaps_are_read() {
        let r = Robots::from_response(Some(200), TXT, "");
        assert_eq!(r.crawl_delay(), Some(Duration::from_millis(500)));
        assert_eq!(r.sitemaps(), ["https://x.org/sitemap.xml"]);
    }

    #[test]
    fn rules_for_kartotek_win_over_the_star_group() {
        let txt =
            b"User-agent: *\nDisallow:\n\nUser-agent: Kartotek\nDisallow: /no\nCrawl-delay: 3\n";
        let r = Robots::from_response(Some(200), txt, "");
        assert!(!r.allowed("https://x.org/no/way"));
        assert_eq!(r.crawl_delay(), Some(Duration::from_secs(3)));
    }

    #[test]
    fn missing_file_allows_all_and_server_error_disallows_all() {
        assert!(Robots::from_response(Some(404), b"", "").allowed("https://x.org/a"));
        assert!(!Robots::from_response(Some(503), b"", "").allowed("https://x.org/a"));
        assert!(!Robots::from_response(None, b"", "timed out").allowed("https://x.org/a"));
    }

    #[test]
    fn huge_crawl_delay_is_clamped() {
        let r = Robots::from_response(Some(200), b"User-agent: *\nCrawl-delay: 86400\n", "");
        assert_eq!(r.crawl_delay(), Some(MAX_CRAWL_DELAY));
    }

    #[test]
    fn garbage_robots_files_never_panic() {
        let mut seed = 11u64;
        for len in 0..300usize {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                    let set =
                        b"User-agent:*Disallow:/Allow:$Crawl-delay:9.5Sitemap:\n\r\t #\x00\xff";
                    set[(seed >> 33) as usize % set.len()]
                })
                .collect();
            let r = Robots::from_response(Some(200), &bytes, "");
            let _ = r.allowed("https://x.org/a/b?c");
            let _ = r.crawl_delay();
        }
    }
}
