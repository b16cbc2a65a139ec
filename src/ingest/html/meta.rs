//! Page metadata: title (`<title>`, `og:title`, `<h1>` reconciled), language, description,
//! dates (meta tags, JSON-LD, `<time>`), canonical URL and robots directives.

use scraper::{ElementRef, Html, Node};

use super::arena::collapse;

#[derive(Default)]
pub(super) struct Meta {
    pub(super) title: Option<String>,
    pub(super) og_title: Option<String>,
    pub(super) lang: Option<String>,
    pub(super) description: Option<String>,
    pub(super) date: Option<String>,
    pub(super) modified: Option<String>,
    pub(super) canonical: Option<String>,
    pub(super) base: Option<String>,
    pub(super) noindex: bool,
    pub(super) json_ld: Vec<String>,
}

pub(super) fn non_empty(s: &str) -> Option<String> {
    let c = collapse(s);
    (!c.is_empty()).then_some(c)
}

/// Published-date meta keys, best first.
const DATE_KEYS: &[&str] = &[
    "article:published_time",
    "og:published_time",
    "date",
    "dcterms.date",
    "dc.date",
    "dcterms.issued",
    "dc.date.issued",
    "dcterms.created",
    "dc.date.created",
    "citation_publication_date",
    "citation_date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publication_date",
    "datepublished",
    "sailthru.date",
    "parsely-pub-date",
];

/// Modified-date meta keys, best first.
const MOD_KEYS: &[&str] = &[
    "article:modified_time",
    "og:updated_time",
    "dcterms.modified",
    "dc.date.modified",
    "last-modified",
    "datemodified",
    "revised",
];

/// Reads the page's metadata in one pass over its elements.
pub(super) fn read_meta(doc: &Html) -> Meta {
    let mut reader = MetaReader::default();
    for el in doc.tree.nodes().filter_map(ElementRef::wrap) {
        reader.element(el);
    }
    reader.finish()
}

/// [`read_meta`]'s state while it walks the elements: the metadata so far, the fallbacks
/// used only when the preferred source is missing (`Content-Language` for `lang`,
/// `og:description` for `description`), and the rank in [`DATE_KEYS`] / [`MOD_KEYS`] of the
/// dates kept so far.
struct MetaReader {
    m: Meta,
    content_language: Option<String>,
    og_description: Option<String>,
    date_rank: usize,
    mod_rank: usize,
}

impl Default for MetaReader {
    fn default() -> Self {
        MetaReader {
            m: Meta::default(),
            content_language: None,
            og_description: None,
            date_rank: usize::MAX,
            mod_rank: usize::MAX,
        }
    }
}

impl MetaReader {
    fn element(&mut self, node: ElementRef<'_>) {
        let el = node.value();
        let m = &mut self.m;
        match el.name() {
            "html" if m.lang.is_none() => {
                m.lang = el
                    .attrs()
                    .find(|(k, _)| *k == "lang" || *k == "xml:lang")
                    .and_then(|(_, v)| non_empty(v));
            }
            "title" if m.title.is_none() => {
                m.title = non_empty(&child_text(node));
            }
            // Only the first `<base>` with an href counts (HTML's "frozen base URL").
            "base" if m.base.is_none() => {
                m.base = el.attr("href").and_then(non_empty);
            }
            "link" if m.canonical.is_none() => {
                let rel = el.attr("rel").unwrap_or("").to_ascii_lowercase();
                if rel.split_whitespace().any(|r| r == "canonical") {
                    m.canonical = el.attr("href").and_then(non_empty);
                }
            }
            "script"
                if el
                    .attr("type")
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json")) =>
            {
                m.json_ld.push(child_text(node));
            }
            "meta" => {
                let key = el
                    .attr("name")
                    .or(el.attr("property"))
                    .or(el.attr("http-equiv"))
                    .or(el.attr("itemprop"))
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase();
                if let Some(content) = el.attr("content") {
                    self.meta_tag(&key, content);
                }
            }
            _ => {}
        }
    }

    /// One `<meta>` whose name (or property, http-equiv, itemprop) is `key`.
    fn meta_tag(&mut self, key: &str, content: &str) {
        let m = &mut self.m;
        match key {
            "description" | "dc.description" | "dcterms.description" if m.description.is_none() => {
                m.description = non_empty(content);
            }
            "og:description" | "twitter:description" if self.og_description.is_none() => {
                self.og_description = non_empty(content);
            }
            "og:title" if m.og_title.is_none() => {
                m.og_title = non_empty(content);
            }
            "content-language" | "language" | "dc.language" if self.content_language.is_none() => {
                self.content_language = content.split(',').next().and_then(non_empty);
            }
            "robots" | "googlebot" => {
                let c = content.to_ascii_lowercase();
                if c.split([',', ' ']).any(|t| t == "noindex" || t == "none") {
                    m.noindex = true;
                }
            }
            _ => {}
        }
        if let Some(rank) = DATE_KEYS.iter().position(|k| *k == key) {
            if rank < self.date_rank {
                if let Some(d) = norm_date(content) {
                    self.m.date = Some(d);
                    self.date_rank = rank;
                }
            }
        }
        if let Some(rank) = MOD_KEYS.iter().position(|k| *k == key) {
            if rank < self.mod_rank {
                if let Some(d) = norm_date(content) {
                    self.m.modified = Some(d);
                    self.mod_rank = rank;
                }
            }
        }
    }

    fn finish(self) -> Meta {
        let mut m = self.m;
        if m.lang.is_none() {
            m.lang = self.content_language;
        }
        if m.description.is_none() {
            m.description = self.og_description;
        }
        m
    }
}

/// The text of an element's own text children (not of its descendants).
fn child_text(el: ElementRef<'_>) -> String {
    let mut t = String::new();
    for c in el.children() {
        if let Node::Text(x) = c.value() {
            t.push_str(x);
        }
    }
    t
}

/// Title without a site-name suffix/prefix when og:title or the h1 agrees.
pub(super) fn choose_title(
    title: Option<&str>,
    og: Option<&str>,
    h1: Option<&str>,
) -> Option<String> {
    let Some(t) = title else {
        return og.or(h1).map(str::to_string);
    };
    const SEPS: &[char] = &['|', '-', '–', '—', '·', ':', '»', '«', '/', '•', '~'];
    for cand in [og, h1].into_iter().flatten() {
        let c = cand.trim();
        if c.is_empty() {
            continue;
        }
        if c.eq_ignore_ascii_case(t) {
            return Some(t.to_string());
        }
        if let Some(rest) = strip_prefix_ci(t, c) {
            if rest.trim_start().starts_with(SEPS) {
                return Some(t[..c.len()].trim().to_string());
            }
        }
        if t.len() > c.len() && t.is_char_boundary(t.len() - c.len()) {
            let (head, tail) = t.split_at(t.len() - c.len());
            if tail.eq_ignore_ascii_case(c) && head.trim_end().ends_with(SEPS) {
                return Some(tail.trim().to_string());
            }
        }
    }
    Some(t.to_string())
}

pub(super) fn strip_prefix_ci<'s>(s: &'s str, prefix: &str) -> Option<&'s str> {
    if s.len() >= prefix.len()
        && s.is_char_boundary(prefix.len())
        && s[..prefix.len()].eq_ignore_ascii_case(prefix)
    {
        Some(&s[prefix.len()..])
    } else {
        None
    }
}

/// First `"key": "value"` date in the JSON-LD blocks, normalised.
pub(super) fn json_ld_date(blocks: &[String], key: &str) -> Option<String> {
    let pat = format!("\"{key}\"");
    for b in blocks {
        let mut from = 0;
        while let Some(p) = b[from..].find(&pat) {
            let after = &b[from + p + pat.len()..];
            let after = after.trim_start();
            if let Some(v) = after.strip_prefix(':') {
                let v = v.trim_start();
                if let Some(v) = v.strip_prefix('"') {
                    let val: String = v.chars().take_while(|&c| c != '"').take(64).collect();
                    if let Some(d) = norm_date(&val) {
                        return Some(d);
                    }
                }
            }
            from += p + pat.len();
        }
    }
    None
}

/// Normalise a date to `YYYY-MM-DD`: ISO (`2021-03-04T..`), `YYYY/MM/DD`,
/// `YYYYMMDD` or `DD.MM.YYYY`.
pub(super) fn norm_date(s: &str) -> Option<String> {
    let s = s.trim();
    let b = s.as_bytes();
    let digits = |from: usize, len: usize| -> Option<u32> {
        let part = b.get(from..from + len)?;
        if part.iter().all(u8::is_ascii_digit) {
            std::str::from_utf8(part).ok()?.parse().ok()
        } else {
            None
        }
    };
    let valid = |y: u32, m: u32, d: u32| {
        (1900..=2100).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d)
    };
    let fmt = |y: u32, m: u32, d: u32| format!("{y:04}-{m:02}-{d:02}");
    // Y-M-D anywhere (allow 1-digit month/day).
    for i in 0..b.len() {
        if i > 0 && b[i - 1].is_ascii_digit() {
            continue;
        }
        let Some(y) = digits(i, 4) else { continue };
        let sep = match b.get(i + 4) {
            Some(&c @ (b'-' | b'/' | b'.')) => c,
            _ => {
                // YYYYMMDD at the very start only
                if i == 0 && b.len() >= 8 && b.get(8).is_none_or(|c| !c.is_ascii_digit()) {
                    if let (Some(m), Some(d)) = (digits(4, 2), digits(6, 2)) {
                        if valid(y, m, d) {
                            return Some(fmt(y, m, d));
                        }
                    }
                }
                continue;
            }
        };
        let (m, mlen) = match (digits(i + 5, 2), digits(i + 5, 1)) {
            (Some(m), _) => (m, 2),
            (None, Some(m)) => (m, 1),
            _ => continue,
        };
        if b.get(i + 5 + mlen) != Some(&sep) {
            continue;
        }
        let ds = i + 6 + mlen;
        let d = match digits(ds, 2) {
            Some(d) => d,
            None => match digits(ds, 1) {
                Some(d) if b.get(ds + 1).is_none_or(|c| !c.is_ascii_digit()) => d,
                _ => continue,
            },
        };
        if valid(y, m, d) {
            return Some(fmt(y, m, d));
        }
    }
    // D.M.YYYY
    for i in 0..b.len() {
        if i > 0 && b[i - 1].is_ascii_digit() {
            continue;
        }
        let (d, dl) = match (digits(i, 2), digits(i, 1)) {
            (Some(d), _) => (d, 2),
            (None, Some(d)) => (d, 1),
            _ => continue,
        };
        if b.get(i + dl) != Some(&b'.') {
            continue;
        }
        let ms = i + dl + 1;
        let (m, ml) = match (digits(ms, 2), digits(ms, 1)) {
            (Some(m), _) => (m, 2),
            (None, Some(m)) => (m, 1),
            _ => continue,
        };
        if b.get(ms + ml) != Some(&b'.') {
            continue;
        }
        if let Some(y) = digits(ms + ml + 1, 4) {
            if valid(y, m, d) {
                return Some(fmt(y, m, d));
            }
        }
    }
    None
}
