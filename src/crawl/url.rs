//! URL normalisation for the crawler.
//!
//! Two forms are kept apart on purpose:
//! - the *request* form ([`normalize`]): what is fetched. Fragment, user
//!   info, default port and tracking parameters are dropped, dot segments
//!   resolved, the host lowercased and punycoded; the path keeps its
//!   trailing slash, because servers often redirect `/a` to `/a/` and
//!   stripping it would turn that redirect into a loop.
//! - the *identity* form ([`identity`]): what decides "same page" (the
//!   seen set, the document key, the crawl state). It also drops a
//!   trailing slash on non-root paths and sorts the query parameters.

use reqwest::Url;

/// Query parameters that only track the visitor and never change the page.
const TRACKING_PARAMS: &[&str] = &[
    "fbclid",
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "mc_cid",
    "mc_eid",
    "_ga",
    "_gl",
    "igshid",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "oly_anon_id",
    "oly_enc_id",
    "vero_id",
    "jsessionid",
    "phpsessid",
];

/// File extensions that are never documents Kartotek reads: links to them
/// are skipped without a request.
const NON_DOCUMENT_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "png", "gif", "svg", "webp", "ico", "bmp", "tif", "tiff", "avif", "css", "js",
    "mjs", "json", "mp3", "mp4", "m4a", "wav", "ogg", "avi", "mov", "webm", "mkv", "zip", "gz",
    "tgz", "bz2", "xz", "7z", "rar", "tar", "exe", "msi", "dmg", "apk", "iso", "woff", "woff2",
    "ttf", "otf", "eot", "rss", "atom", "ics", "vcf",
];

/// Why a link cannot be crawled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlError {
    /// Not parseable, even against the base.
    Invalid(String),
    /// Not http or https.
    Scheme(String),
    /// Longer than [`MAX_URL_BYTES`] (shortened for the message).
    TooLong(String),
}

/// Longest URL crawled, in bytes: servers answer longer ones 414 (most
/// stop at 8 KiB), and a page linking a 100 KB URL is a trap.
pub const MAX_URL_BYTES: usize = 8 * 1024;

impl std::fmt::Display for UrlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UrlError::Invalid(u) => write!(f, "`{u}` is not a valid URL"),
            UrlError::Scheme(s) => write!(
                f,
                "the `{s}:` scheme is not allowed; only http and https URLs are crawled"
            ),
            UrlError::TooLong(u) => write!(
                f,
                "`{u}` is longer than {MAX_URL_BYTES} bytes, more than web servers accept"
            ),
        }
    }
}

impl std::error::Error for UrlError {}

/// Resolve `raw` against `base` (if any) and normalise it to the request form.
pub fn normalize(raw: &str, base: Option<&Url>) -> Result<Url, UrlError> {
    let trimmed = raw.trim();
    let parsed = match base {
        Some(b) => b.join(trimmed),
        None => Url::parse(trimmed),
    }
    .map_err(|_| UrlError::Invalid(shorten(trimmed)))?;
    let mut url = parsed;
    match url.scheme() {
        "http" | "https" => {}
        other => return Err(UrlError::Scheme(other.to_string())),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(UrlError::Invalid(shorten(trimmed)));
    }
    url.set_fragment(None);
    if url.as_str().len() > MAX_URL_BYTES {
        return Err(UrlError::TooLong(shorten(trimmed)));
    }
    // Cannot fail for http(s) URLs with a host.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    if let Some(host) = url.host_str() {
        if host.ends_with('.') && host.len() > 1 {
            let h = host.trim_end_matches('.').to_string();
            let _ = url.set_host(Some(&h));
        }
    }
    // `;jsessionid=…` path parameters are session ids too.
    if let Some(pos) = url.path().to_ascii_lowercase().find(";jsessionid=") {
        let p = url.path()[..pos].to_string();
        url.set_path(&p);
    }
    if url.query().is_some() {
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| !is_tracking(k))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if kept.is_empty() {
            url.set_query(None);
        } else if kept.len() != url.query_pairs().count() {
            url.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    Ok(url)
}

/// The identity form of a request-form URL: same page ⇔ same string.
pub fn identity(url: &Url) -> String {
    let mut u = url.clone();
    if u.path().len() > 1 && u.path().ends_with('/') {
        let p = u.path().trim_end_matches('/').to_string();
        u.set_path(if p.is_empty() { "/" } else { &p });
    }
    if u.query().is_some() {
        let mut pairs: Vec<(String, String)> = u
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        pairs.sort();
        u.query_pairs_mut().clear().extend_pairs(pairs);
    }
    u.to_string()
}

/// `host[:port]` as the crawler groups requests (rate limit, robots.txt).
pub(crate) fn host_key(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(p) => format!("{}://{host}:{p}", url.scheme()),
        None => format!("{}://{host}", url.scheme()),
    }
}

/// True when the link's path ends in an extension that is never a document.
pub(crate) fn is_non_document(url: &Url) -> bool {
    let last = url.path().rsplit('/').next().unwrap_or_default();
    match last.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => {
            let ext = ext.to_ascii_lowercase();
            NON_DOCUMENT_EXTENSIONS.contains(&ext.as_str())
        }
        _ => false,
    }
}

fn is_tracking(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.starts_with("utm_") || TRACKING_PARAMS.contains(&k.as_str())
}

/// A URL pattern from `--include` / `--exclude`: matched anywhere in the
/// identity form of a URL; `*` matches any run of characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    pieces: Vec<String>,
    raw: String,
}

impl Pattern {
    /// Compile a pattern.
    pub fn new(raw: &str) -> Pattern {
        Pattern {
            pieces: raw
                .split('*')
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .collect(),
            raw: raw.to_string(),
        }
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// True when every literal piece occurs in `s`, in order.
    pub fn matches(&self, s: &str) -> bool {
        let mut rest = s;
        for p in &self.pieces {
            match rest.find(p.as_str()) {
                Some(i) => rest = &rest[i + p.len()..],
                None => return false,
            }
        }
        true
    }
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 120 {
        let cut: String = s.chars().take(120).collect();
        format!("{cut}…")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> String {
        normalize(s, None).unwrap().to_string()
    }

    #[test]
    fn fragment_default_port_and_user_info_are_dropped() {
        assert_eq!(
            n("HTTPS://user:pw@Example.ORG:443/a/./b/../c#top"),
            "https://example.org/a/c"
        );
        assert_eq!(n("http://example.org:80"), "http://example.org/");
        assert_eq!(n("http://example.org:8080/x"), "http://example.org:8080/x");
    }

    #[test]
    fn tracking_parameters_are_removed_and_others_kept() {
        assert_eq!(
            n("https://example.org/p?utm_source=x&id=7&fbclid=abc&UTM_Medium=y"),
            "https://example.org/p?id=7"
        );
        assert_eq!(n("https://example.org/p?gclid=1"), "https://example.org/p");
        assert_eq!(
            n("https://example.org/p;jsessionid=ABC?x=1"),
            "https://example.org/p?x=1"
        );
    }

    #[test]
    fn identity_ignores_trailing_slash_and_query_order() {
        let a = normalize("https://example.org/about/?b=2&a=1", None).unwrap();
        let b = normalize("https://example.org/about?a=1&b=2#x", None).unwrap();
        assert_eq!(identity(&a), identity(&b));
        assert_eq!(a.path(), "/about/", "request form keeps the slash");
        let root = normalize("https://example.org", None).unwrap();
        assert_eq!(identity(&root), "https://example.org/");
    }

    #[test]
    fn relative_links_resolve_against_the_page() {
        let base = Url::parse("https://example.org/dir/page.html").unwrap();
        assert_eq!(
            normalize("../other#x", Some(&base)).unwrap().as_str(),
            "https://example.org/other"
        );
        assert_eq!(
            normalize("//cdn.example.org/a.pdf", Some(&base))
                .unwrap()
                .as_str(),
            "https://cdn.example.org/a.pdf"
        );
    }

    #[test]
    fn other_schemes_are_refused_with_their_name() {
        for (raw, scheme) in [
            ("file:///etc/passwd", "file"),
            ("data:text/html,hi", "data"),
            ("mailto:a@b.no", "mailto"),
            ("javascript:alert(1)", "javascript"),
            ("ftp://x.org/y", "ftp"),
        ] {
            let e = normalize(raw, None).unwrap_err();
            assert_eq!(e, UrlError::Scheme(scheme.into()));
            assert!(e.to_string().contains("only http and https"), "{e}");
        }
        assert!(matches!(
            normalize("not a url", None),
            Err(UrlError::Invalid(_))
        ));
    }

    #[test]
    fn a_url_longer_than_servers_accept_is_refused_with_its_start() {
        let long = format!("https://example.org/{}", "a".repeat(100_000));
        let e = normalize(&long, None).unwrap_err();
        assert!(matches!(e, UrlError::TooLong(_)), "{e}");
        let shown = e.to_string();
        assert!(shown.len() < 400 && shown.contains("8192 bytes"), "{shown}");
        assert!(normalize(&long[..MAX_URL_BYTES], None).is_ok());
    }

    #[test]
    fn images_and_archives_are_not_documents() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert!(is_non_document(&u("https://x.org/a/logo.PNG")));
        assert!(is_non_document(&u("https://x.org/a.zip")));
        assert!(!is_non_document(&u("https://x.org/report.pdf")));
        assert!(!is_non_document(&u("https://x.org/page")));
        assert!(!is_non_document(&u("https://x.org/.well-known")));
    }

    #[test]
    fn patterns_match_pieces_in_order() {
        let p = Pattern::new("/en/*report");
        assert!(p.matches("https://x.org/en/2024/report.pdf"));
        assert!(!p.matches("https://x.org/report/en/"));
        assert!(Pattern::new("").matches("anything"));
        assert!(Pattern::new("print").matches("https://x.org/print/1"));
    }

    #[test]
    fn garbage_never_panics() {
        let base = Url::parse("https://example.org/a/").unwrap();
        let mut seed = 7u64;
        for _ in 0..2000 {
            let len = (seed % 40) as usize;
            let s: String = (0..len)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    let chars = b"ab:/?#%.@[]\\ \t\x00;=&*hHtTpPsS0123456789\xc3";
                    chars[(seed >> 33) as usize % chars.len()] as char
                })
                .collect();
            if let Ok(u) = normalize(&s, Some(&base)) {
                let _ = identity(&u);
                let _ = host_key(&u);
                let _ = is_non_document(&u);
            }
            let _ = normalize(&s, None);
        }
    }
}
