//! HTML extraction: decode a fetched page, read its metadata (title, language,
//! dates, canonical URL, robots), collect its links and pull out the main text
//! without navigation, banners, footers and other chrome.
//!
//! Non-obvious choices:
//! - The page is parsed with `scraper` (html5ever) and then copied into a flat
//!   pre-order arena, so every node's descendants are one contiguous index range.
//!   All later passes are plain loops over that range (no recursion), which keeps
//!   hostile, deeply nested input from overflowing the stack.
//! - html5ever does O(depth) work per start tag, so 100k nested `<div>`s take
//!   seconds to minutes. Before parsing, tags nested deeper than
//!   [`MAX_TAG_DEPTH`] (the limit browsers use) are dropped from the source;
//!   their text is kept.
//! - Main text selection follows Mozilla Readability: paragraphs score their
//!   ancestors (length, commas), containers are weighted by class/id hints and
//!   penalised by link density, the best candidate is widened to qualifying
//!   siblings, then low-value sub-blocks (link lists, negative hints, widgets)
//!   are cleaned out. A semantic container (`itemprop=articleBody`, `<article>`,
//!   `<main>`, `role=main`) is preferred when it holds most of the candidate's
//!   text, since publishers mark their own article body well.

use std::fmt;

use encoding_rs::Encoding;
use scraper::{Html, Node};

/// Deepest tag nesting passed to the HTML parser (browsers stop at 512 too).
const MAX_TAG_DEPTH: usize = 512;

/// What a web page says, without its chrome.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HtmlText {
    /// Page title: `<title>` without a " | Site" suffix when og:title/h1 agree, else og:title, else first h1.
    pub title: Option<String>,
    /// Raw BCP 47 language tag from `<html lang>`, `xml:lang` or `content-language`, e.g. `nb-NO`.
    pub lang: Option<String>,
    /// Meta description or og:description.
    pub description: Option<String>,
    /// Publication date as `YYYY-MM-DD` when the page states one.
    pub date: Option<String>,
    /// Last-modified date as `YYYY-MM-DD` when the page states one.
    pub modified: Option<String>,
    /// `<link rel=canonical href>` as written.
    pub canonical: Option<String>,
    /// `<base href>` as written (the first one): the page's links resolve against it.
    pub base: Option<String>,
    /// True when a robots meta tag says `noindex` (or `none`).
    pub noindex: bool,
    /// Every `<a href>` in the page, in document order.
    pub links: Vec<Link>,
    /// h1-h3 headings inside the main content.
    pub headings: Vec<String>,
    /// The main text: blocks (paragraphs, headings, list items, table rows) separated by a blank line.
    pub text: String,
    /// Name of the encoding used to decode the bytes, e.g. `UTF-8`.
    pub charset: &'static str,
}

/// One hyperlink of a page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Link {
    /// The `href` attribute as written (not resolved).
    pub href: String,
    /// Anchor text, whitespace collapsed.
    pub text: String,
}

/// Why a page could not be extracted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HtmlError {
    /// The input holds no bytes (or only whitespace).
    Empty,
    /// The input is not text markup (binary data or no tags at all).
    NotHtml,
}

impl fmt::Display for HtmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HtmlError::Empty => write!(f, "empty html document"),
            HtmlError::NotHtml => write!(f, "input is not html (binary data or no markup)"),
        }
    }
}

impl std::error::Error for HtmlError {}

// ---------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------

/// Decode bytes to text: BOM > content-type charset > `<meta charset>`/`<meta http-equiv>`
/// in the first 1024 bytes > UTF-8 if valid > a `<meta>` charset further down (first
/// 64 KiB; legacy pages often declare it after long scripts) > windows-1252.
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> (String, &'static str) {
    if let Some((enc, _)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_with_bom_removal(bytes);
        return (text.into_owned(), enc.name());
    }
    let declared = content_type
        .and_then(charset_param)
        .and_then(|label| Encoding::for_label(label.as_bytes()))
        .or_else(|| meta_charset(&bytes[..bytes.len().min(1024)]));
    let enc = match declared {
        Some(enc) => fix_declared(enc),
        None if std::str::from_utf8(bytes).is_ok() => encoding_rs::UTF_8,
        None => meta_charset(&bytes[..bytes.len().min(64 * 1024)])
            .map(fix_declared)
            .unwrap_or(encoding_rs::WINDOWS_1252),
    };
    let (text, _) = enc.decode_without_bom_handling(bytes);
    (text.into_owned(), enc.name())
}

/// A declared UTF-16 on a byte stream without BOM means UTF-8 (HTML spec); x-user-defined is 1252.
fn fix_declared(enc: &'static Encoding) -> &'static Encoding {
    if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
        encoding_rs::UTF_8
    } else if enc == encoding_rs::X_USER_DEFINED || enc == encoding_rs::REPLACEMENT {
        encoding_rs::WINDOWS_1252
    } else {
        enc
    }
}

/// The `charset=` parameter of a Content-Type value.
fn charset_param(content_type: &str) -> Option<String> {
    let lower = content_type.to_ascii_lowercase();
    let at = lower.find("charset")?;
    let rest = lower[at + 7..].trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let label: String = rest
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| !matches!(c, '"' | '\'' | ';' | ',' | ' ' | '\t' | '>' | '/'))
        .collect();
    (!label.is_empty()).then_some(label)
}

/// Encoding declared by a `<meta>` tag in the given prefix.
fn meta_charset(prefix: &[u8]) -> Option<&'static Encoding> {
    let lower: Vec<u8> = prefix.to_ascii_lowercase();
    let mut from = 0;
    while let Some(pos) = find_bytes(&lower[from..], b"<meta") {
        let start = from + pos;
        let end = lower[start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(lower.len(), |e| start + e);
        let tag = String::from_utf8_lossy(&lower[start..end]);
        if let Some(label) = charset_param(&tag) {
            if let Some(enc) = Encoding::for_label(label.as_bytes()) {
                return Some(enc);
            }
        }
        from = end.max(start + 5);
        if from >= lower.len() {
            break;
        }
    }
    None
}

fn find_bytes(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

// ---------------------------------------------------------------------------
// Depth limiting before parsing
// ---------------------------------------------------------------------------

/// Elements that never nest (void) or that the parser closes implicitly, so they
/// don't count toward the nesting estimate.
fn depth_neutral(tag: &str) -> bool {
    matches!(
        tag,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
            | "param"
            | "keygen"
            | "p"
            | "li"
            | "dt"
            | "dd"
            | "option"
            | "tr"
            | "td"
            | "th"
            | "html"
            | "head"
            | "body"
    )
}

/// Drop start/end tags nested deeper than `MAX_TAG_DEPTH`; returns `None` when
/// the source is shallow enough to parse as is.
fn limit_depth(src: &str) -> Option<String> {
    limit_depth_with(src, MAX_TAG_DEPTH)
}

fn limit_depth_with(src: &str, max: usize) -> Option<String> {
    let bytes = src.as_bytes();
    // (start, end) byte ranges of tags to drop.
    let mut drops: Vec<(usize, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut skipped = 0usize;
    let mut i = 0usize;
    while let Some(off) = bytes[i..].iter().position(|&b| b == b'<') {
        let start = i + off;
        let rest = &bytes[start..];
        if rest.starts_with(b"<!--") {
            i = find_bytes(&rest[4..], b"-->").map_or(bytes.len(), |e| start + 4 + e + 3);
            continue;
        }
        let Some(close) = rest.iter().position(|&b| b == b'>') else {
            break;
        };
        let end = start + close + 1;
        let is_end = rest.get(1) == Some(&b'/');
        let name_start = if is_end { 2 } else { 1 };
        let name: String = rest[name_start..close]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
            .map(|b| b.to_ascii_lowercase() as char)
            .collect();
        i = end;
        if name.is_empty() || depth_neutral(&name) {
            continue;
        }
        if !is_end
            && matches!(
                name.as_str(),
                "script" | "style" | "textarea" | "title" | "xmp"
            )
        {
            // Raw text: skip to the matching end tag.
            let pat = format!("</{name}");
            let lower_rest = bytes[end..].to_ascii_lowercase();
            i = find_bytes(&lower_rest, pat.as_bytes()).map_or(bytes.len(), |e| end + e);
            continue;
        }
        let self_closing = close > 0 && rest[close - 1] == b'/';
        if is_end {
            if skipped > 0 {
                skipped -= 1;
                drops.push((start, end));
            } else {
                depth = depth.saturating_sub(1);
            }
        } else if !self_closing {
            if depth >= max {
                skipped += 1;
                drops.push((start, end));
            } else {
                depth += 1;
            }
        }
    }
    if drops.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(src.len());
    let mut last = 0;
    for (s, e) in drops {
        out.push_str(&src[last..s]);
        out.push(' ');
        last = e;
    }
    out.push_str(&src[last..]);
    Some(out)
}

// ---------------------------------------------------------------------------
// Arena
// ---------------------------------------------------------------------------

/// Elements whose content is never text a reader sees.
fn hard_skip(tag: &str) -> bool {
    matches!(
        tag,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "svg"
            | "math"
            | "iframe"
            | "frame"
            | "frameset"
            | "object"
            | "embed"
            | "canvas"
            | "button"
            | "select"
            | "option"
            | "textarea"
            | "input"
            | "head"
            | "title"
            | "meta"
            | "link"
            | "audio"
            | "video"
            | "picture"
            | "source"
            | "map"
            | "dialog"
    )
}

fn is_block(tag: &str) -> bool {
    matches!(
        tag,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "body"
            | "center"
            | "dd"
            | "details"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hgroup"
            | "hr"
            | "li"
            | "main"
            | "nav"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "summary"
            | "table"
            | "tbody"
            | "thead"
            | "tfoot"
            | "tr"
            | "ul"
            | "caption"
            | "legend"
            | "br"
            | "html"
    )
}

struct ANode<'a> {
    /// Element tag (lowercase) or "" for text.
    tag: &'a str,
    /// Text content for text nodes.
    text: &'a str,
    parent: usize,
    /// One past the last descendant.
    end: usize,
    /// Lowercased `class` + ' ' + `id`.
    class: String,
    id: String,
    role: &'a str,
    itemprop: &'a str,
    /// `datetime` of `<time>`, `href` of `<a>`, `content` of itemprop nodes.
    value: &'a str,
    hidden: bool,
}

struct Arena<'a> {
    nodes: Vec<ANode<'a>>,
}

impl<'a> Arena<'a> {
    /// Copy the document into a pre-order arena, leaving out non-text subtrees.
    fn build(doc: &'a Html) -> Arena<'a> {
        let mut nodes: Vec<ANode<'a>> = Vec::new();
        let mut stack: Vec<usize> = Vec::new(); // open arena ids
        let root = doc.tree.root();
        // Iterative pre-order walk over the ego tree.
        let mut cur = root.first_child();
        let mut depth_stack: Vec<usize> = Vec::new(); // arena id per entered element (usize::MAX for none)
        while let Some(node) = cur {
            let parent = stack.last().copied().unwrap_or(usize::MAX);
            let mut entered = false;
            match node.value() {
                Node::Text(t) => {
                    let id = nodes.len();
                    nodes.push(ANode {
                        tag: "",
                        text: t,
                        parent,
                        end: id + 1,
                        class: String::new(),
                        id: String::new(),
                        role: "",
                        itemprop: "",
                        value: "",
                        hidden: false,
                    });
                }
                Node::Element(el) => {
                    let tag = el.name();
                    if !hard_skip(tag) {
                        let id = nodes.len();
                        let class = el.attr("class").unwrap_or("").to_ascii_lowercase();
                        let eid = el.attr("id").unwrap_or("").to_ascii_lowercase();
                        let style = el.attr("style").unwrap_or("");
                        let hidden = el.attr("hidden").is_some()
                            || el.attr("aria-hidden") == Some("true")
                            || style_hides(style);
                        let value = match tag {
                            "time" => el.attr("datetime").unwrap_or(""),
                            "a" => el.attr("href").unwrap_or(""),
                            _ => el.attr("content").or(el.attr("datetime")).unwrap_or(""),
                        };
                        nodes.push(ANode {
                            tag,
                            text: "",
                            parent,
                            end: id + 1,
                            class,
                            id: eid,
                            role: el.attr("role").unwrap_or(""),
                            itemprop: el.attr("itemprop").unwrap_or(""),
                            value,
                            hidden,
                        });
                        stack.push(id);
                        depth_stack.push(id);
                        entered = true;
                    }
                }
                Node::Document | Node::Fragment => {
                    depth_stack.push(usize::MAX);
                    entered = true;
                }
                _ => {}
            }
            if entered {
                if let Some(child) = node.first_child() {
                    cur = Some(child);
                    continue;
                }
                Self::close(&mut nodes, &mut stack, &mut depth_stack);
            }
            // Move to the next sibling, climbing up as needed.
            let mut n = node;
            loop {
                if let Some(sib) = n.next_sibling() {
                    cur = Some(sib);
                    break;
                }
                match n.parent() {
                    Some(p) if p.id() != root.id() => {
                        Self::close(&mut nodes, &mut stack, &mut depth_stack);
                        n = p;
                    }
                    _ => {
                        cur = None;
                        break;
                    }
                }
            }
        }
        while !depth_stack.is_empty() {
            Self::close(&mut nodes, &mut stack, &mut depth_stack);
        }
        Arena { nodes }
    }

    fn close(nodes: &mut [ANode<'a>], stack: &mut Vec<usize>, depth_stack: &mut Vec<usize>) {
        if let Some(id) = depth_stack.pop() {
            if id != usize::MAX {
                stack.pop();
                let end = nodes.len();
                if let Some(n) = nodes.get_mut(id) {
                    n.end = end;
                }
            }
        }
    }

    fn len(&self) -> usize {
        self.nodes.len()
    }

    fn hints(&self, i: usize) -> String {
        let n = &self.nodes[i];
        format!("{} {}", n.class, n.id)
    }

    /// Whitespace-collapsed text of node `i` and its descendants, skipping `removed` nodes.
    fn text_of(&self, i: usize, removed: &[bool]) -> String {
        let mut out = String::new();
        let mut j = i;
        let end = self.nodes[i].end;
        while j < end {
            if removed[j] {
                j = self.nodes[j].end;
                continue;
            }
            let n = &self.nodes[j];
            if n.tag.is_empty() {
                out.push_str(n.text);
            } else if is_block(n.tag) || matches!(n.tag, "td" | "th") {
                out.push(' ');
            }
            j += 1;
        }
        collapse(&out)
    }
}

fn style_hides(style: &str) -> bool {
    if style.is_empty() {
        return false;
    }
    let s: String = style
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    s.contains("display:none") || s.contains("visibility:hidden")
}

/// Collapse runs of whitespace to one space and trim.
fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

// ---------------------------------------------------------------------------
// Class/id hints
// ---------------------------------------------------------------------------

const POSITIVE: &[&str] = &[
    "article", "body", "content", "entry", "hentry", "h-entry", "main", "page", "post", "text",
    "blog", "story", "prose",
];

const NEGATIVE: &[&str] = &[
    "-ad-",
    "hidden",
    "banner",
    "combx",
    "comment",
    "com-",
    "contact",
    "footer",
    "gdpr",
    "masthead",
    "media",
    "meta",
    "outbrain",
    "promo",
    "related",
    "scroll",
    "share",
    "shoutbox",
    "sidebar",
    "skyscraper",
    "sponsor",
    "shopping",
    "tags",
    "widget",
    "nav",
    "menu",
    "aside",
    "cookie",
    "consent",
    "social",
    "breadcrumb",
    "newsletter",
    "popup",
    "modal",
    "skip",
    "byline",
    "teaser",
    "recommend",
    "subscribe",
    "signup",
    "toolbar",
    "print",
    "caption",
];

const UNLIKELY: &[&str] = &[
    "-ad-",
    "ad-break",
    "agegate",
    "banner",
    "breadcrumb",
    "combx",
    "comment",
    "community",
    "cover-wrap",
    "disqus",
    "extra",
    "footer",
    "gdpr",
    "header",
    "legends",
    "menu",
    "related",
    "remark",
    "replies",
    "rss",
    "shoutbox",
    "sidebar",
    "skyscraper",
    "social",
    "sponsor",
    "supplemental",
    "pagination",
    "pager",
    "popup",
    "cookie",
    "consent",
    "share",
    "sharing",
    "newsletter",
    "promo",
    "modal",
    "skip",
    "navbar",
    "navigation",
    "subnav",
    "topnav",
    "teaser",
    "recommend",
    "outbrain",
    "taboola",
    "tags",
];

const MAYBE: &[&str] = &["article", "body", "column", "content", "main", "shadow"];

const ALWAYS_STRIP: &[&str] = &["cookie", "consent", "gdpr", "banner", "copyright", "credit"];

fn has_any(s: &str, words: &[&str]) -> bool {
    words.iter().any(|w| s.contains(w))
}

/// True when a class/id token names an advertisement slot.
fn ad_token(s: &str) -> bool {
    s.split(|c: char| !c.is_ascii_alphanumeric()).any(|t| {
        matches!(
            t,
            "ad" | "ads" | "advert" | "adverts" | "advertisement" | "adslot" | "adsense" | "dfp"
        )
    })
}

/// Readability's class weight: +25 per positive attribute, -25 per negative one.
fn class_weight(class: &str, id: &str) -> f64 {
    let mut w = 0.0;
    for s in [class, id] {
        if s.is_empty() {
            continue;
        }
        if has_any(s, NEGATIVE) || ad_token(s) {
            w -= 25.0;
        }
        if has_any(s, POSITIVE) {
            w += 25.0;
        }
    }
    w
}

// ---------------------------------------------------------------------------
// Extraction
// ---------------------------------------------------------------------------

/// Which heuristics a pass uses; later passes relax them when the first finds too little.
#[derive(Clone, Copy)]
struct Flags {
    strip_unlikely: bool,
    weight_classes: bool,
    clean_conditionally: bool,
}

/// Per-node aggregate of visible (non-removed) descendant text.
#[derive(Clone, Copy, Default)]
struct Stats {
    chars: usize,
    link_chars: usize,
    commas: usize,
    paras: usize,
    lis: usize,
    imgs: usize,
    headings: usize,
}

fn count_chars(s: &str) -> (usize, usize) {
    let mut chars = 0;
    let mut commas = 0;
    for c in s.chars() {
        if !c.is_whitespace() {
            chars += 1;
        }
        if matches!(c, ',' | '，' | '、' | '،' | ';') {
            commas += 1;
        }
    }
    (chars, commas)
}

fn compute_stats(a: &Arena, removed: &[bool]) -> Vec<Stats> {
    let n = a.len();
    let mut st = vec![Stats::default(); n];
    // Link membership: in pre-order, parents come first.
    let mut in_link = vec![false; n];
    for i in 0..n {
        let p = a.nodes[i].parent;
        in_link[i] = a.nodes[i].tag == "a" || (p != usize::MAX && in_link[p]);
    }
    for i in (0..n).rev() {
        if removed[i] {
            continue;
        }
        let node = &a.nodes[i];
        if node.tag.is_empty() {
            let (c, k) = count_chars(node.text);
            st[i].chars += c;
            st[i].commas += k;
            if in_link[i] {
                st[i].link_chars += c;
            }
        } else {
            match node.tag {
                "p" | "pre" => st[i].paras += 1,
                "li" => st[i].lis += 1,
                "img" => st[i].imgs += 1,
                "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => st[i].headings += st[i].chars.max(1),
                _ => {}
            }
        }
        let p = node.parent;
        if p != usize::MAX {
            let s = st[i];
            let ps = &mut st[p];
            ps.chars += s.chars;
            ps.link_chars += s.link_chars;
            ps.commas += s.commas;
            ps.paras += s.paras;
            ps.lis += s.lis;
            ps.imgs += s.imgs;
            ps.headings += s.headings;
        }
    }
    st
}

fn link_density(s: &Stats) -> f64 {
    if s.chars == 0 {
        0.0
    } else {
        s.link_chars as f64 / s.chars as f64
    }
}

/// Mark chrome (nav, footer, banners, unlikely candidates) as removed.
fn strip_chrome(a: &Arena, removed: &mut [bool], flags: Flags) {
    let n = a.len();
    let raw = compute_stats(a, removed);
    let total = raw
        .iter()
        .zip(&a.nodes)
        .find(|(_, nd)| nd.tag == "body")
        .map_or_else(|| raw.first().map_or(0, |s| s.chars), |(s, _)| s.chars)
        .max(1);
    let mut in_article = vec![false; n];
    // Elements holding the page's semantic article container are never hint-stripped.
    let mut holds_semantic = vec![false; n];
    for i in (0..n).rev() {
        let p = a.nodes[i].parent;
        if p != usize::MAX && (holds_semantic[i] || (is_semantic(a, i) && raw[i].chars > 200)) {
            holds_semantic[p] = true;
        }
    }
    for i in 0..n {
        let node = &a.nodes[i];
        let p = node.parent;
        let parent_removed = p != usize::MAX && removed[p];
        in_article[i] = node.tag == "article" || (p != usize::MAX && in_article[p]);
        if parent_removed {
            removed[i] = true;
            continue;
        }
        if node.tag.is_empty() {
            continue;
        }
        let share = raw[i].chars as f64 / total as f64;
        let majority = share > 0.5 && link_density(&raw[i]) < 0.5;
        // Chrome tags are kept only when they clearly wrap the page itself.
        let wraps_page = share > 0.8 && link_density(&raw[i]) < 0.5;
        let structural = matches!(node.tag, "html" | "body" | "main" | "article" | "a");
        let hint = a.hints(i);
        let strip = if node.hidden && !structural {
            true
        } else {
            match node.tag {
                "nav" | "aside" | "footer" | "menu" => !wraps_page,
                "header" => !in_article[i] && !wraps_page,
                "form" | "fieldset" => !majority,
                _ => {
                    let role_bad = matches!(
                        node.role,
                        "navigation"
                            | "menu"
                            | "menubar"
                            | "complementary"
                            | "alert"
                            | "alertdialog"
                            | "dialog"
                            | "banner"
                            | "contentinfo"
                            | "search"
                    );
                    if structural || majority || holds_semantic[i] {
                        false
                    } else if role_bad || has_any(&hint, ALWAYS_STRIP) {
                        true
                    } else {
                        let inside_table = matches!(node.tag, "td" | "tr" | "tbody" | "table");
                        flags.strip_unlikely
                            && !inside_table
                            && (has_any(&hint, UNLIKELY) || ad_token(&hint))
                            && !has_any(&hint, MAYBE)
                    }
                }
            }
        };
        if strip {
            removed[i] = true;
        }
    }
}

/// Scores of containers, Readability style.
fn score_candidates(a: &Arena, removed: &[bool], st: &[Stats], flags: Flags) -> Vec<f64> {
    let n = a.len();
    let mut score = vec![f64::NAN; n];
    let init = |i: usize, score: &mut [f64]| {
        if score[i].is_nan() {
            let node = &a.nodes[i];
            let base = match node.tag {
                "div" | "article" | "main" | "section" => 5.0,
                "pre" | "td" | "blockquote" => 3.0,
                "address" | "ol" | "ul" | "dl" | "dd" | "dt" | "li" | "form" => -3.0,
                "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" => -5.0,
                _ => 0.0,
            };
            let w = if flags.weight_classes {
                class_weight(&node.class, &node.id)
            } else {
                0.0
            };
            score[i] = base + w;
        }
    };
    for i in 0..n {
        if removed[i] {
            continue;
        }
        let node = &a.nodes[i];
        let scorable = match node.tag {
            "p" | "pre" | "td" | "blockquote" | "dd" => true,
            "div" | "section" | "article" | "span" | "li" | "font" | "center" => {
                !has_block_child(a, i)
            }
            _ => false,
        };
        if !scorable || in_scored_para(a, i) {
            continue;
        }
        let s = &st[i];
        if s.chars < 25 {
            continue;
        }
        let content = 1.0 + s.commas as f64 + (s.chars as f64 / 100.0).floor().min(3.0);
        let mut anc = node.parent;
        let mut level = 0;
        while anc != usize::MAX && level < 5 {
            if a.nodes[anc].tag == "html" {
                break;
            }
            init(anc, &mut score);
            let div = match level {
                0 => 1.0,
                1 => 2.0,
                l => l as f64 * 3.0,
            };
            score[anc] += content / div;
            anc = a.nodes[anc].parent;
            level += 1;
        }
    }
    for i in 0..n {
        if !score[i].is_nan() {
            score[i] *= 1.0 - link_density(&st[i]);
        }
    }
    score
}

/// True when a node is nested inside a `p`-like element that itself is scored.
fn in_scored_para(a: &Arena, i: usize) -> bool {
    let mut p = a.nodes[i].parent;
    let mut hops = 0;
    while p != usize::MAX && hops < 3 {
        if matches!(a.nodes[p].tag, "p" | "pre" | "blockquote") {
            return true;
        }
        p = a.nodes[p].parent;
        hops += 1;
    }
    false
}

fn has_block_child(a: &Arena, i: usize) -> bool {
    let end = a.nodes[i].end;
    let mut j = i + 1;
    while j < end {
        let t = a.nodes[j].tag;
        if !t.is_empty() && t != "br" && is_block(t) {
            return true;
        }
        j = a.nodes[j].end; // direct children only... and their subtrees checked below
    }
    // Also look one level deeper for wrapped blocks (e.g. <span><p>).
    let mut j = i + 1;
    let mut budget = 200;
    while j < end && budget > 0 {
        let t = a.nodes[j].tag;
        if !t.is_empty() && t != "br" && is_block(t) {
            return true;
        }
        j += 1;
        budget -= 1;
    }
    false
}

fn is_ancestor(a: &Arena, anc: usize, i: usize) -> bool {
    anc <= i && i < a.nodes[anc].end
}

/// Choose the main-content roots (top candidate plus qualifying siblings).
fn choose_content(a: &Arena, removed: &[bool], st: &[Stats], score: &[f64]) -> Vec<usize> {
    let n = a.len();
    let body = (0..n).find(|&i| a.nodes[i].tag == "body").unwrap_or(0);
    let mut ranked: Vec<usize> = (0..n)
        .filter(|&i| !score[i].is_nan() && !removed[i] && a.nodes[i].tag != "body")
        .collect();
    ranked.sort_by(|&x, &y| score[y].total_cmp(&score[x]));
    let Some(&first) = ranked.first() else {
        return vec![body];
    };
    let mut top = first;
    let top_score = score[top];

    // Several strong candidates under one ancestor: the article is split up.
    // Three such candidates anywhere, or one inside the same semantic article.
    let alternatives: Vec<usize> = ranked
        .iter()
        .skip(1)
        .take(5)
        .copied()
        .filter(|&c| {
            score[c] >= top_score * 0.6 && !is_ancestor(a, c, first) && !is_ancestor(a, first, c)
        })
        .collect();
    let mut anc = a.nodes[top].parent;
    while !alternatives.is_empty() && anc != usize::MAX && anc != body {
        let near = |c: &&usize| is_ancestor(a, anc, **c);
        let strong = alternatives
            .iter()
            .filter(|c| score[**c] >= top_score * 0.75)
            .filter(near)
            .count();
        let any = alternatives.iter().filter(near).count();
        if strong >= 3 || (any >= 1 && is_semantic(a, anc)) {
            top = anc;
            break;
        }
        anc = a.nodes[anc].parent;
    }
    let sc = |i: usize| if score[i].is_nan() { 0.0 } else { score[i] };
    // Climb while the parent scores comparably.
    let mut last = sc(top);
    let threshold = last / 3.0;
    let mut parent = a.nodes[top].parent;
    while parent != usize::MAX && parent != body && a.nodes[parent].tag != "html" {
        if score[parent].is_nan() {
            parent = a.nodes[parent].parent;
            continue;
        }
        let ps = score[parent];
        if ps < threshold {
            break;
        }
        if ps > last {
            top = parent;
            break;
        }
        last = ps;
        parent = a.nodes[parent].parent;
    }
    // A marked-up main/article ancestor scoring about as well wins.
    let mut anc = a.nodes[top].parent;
    while anc != usize::MAX && anc != body {
        if is_semantic(a, anc) && sc(anc) >= 0.75 * sc(top) {
            top = anc;
            break;
        }
        anc = a.nodes[anc].parent;
    }
    // Only child: take the parent.
    loop {
        let p = a.nodes[top].parent;
        if p == usize::MAX || p == body || a.nodes[p].tag == "html" {
            break;
        }
        if element_children(a, p, removed).len() != 1 {
            break;
        }
        top = p;
    }

    // Prefer a semantic container that holds most of the candidate's text.
    if let Some(sem) = semantic_container(a, removed, st, top) {
        top = sem;
    }

    // Siblings.
    let p = a.nodes[top].parent;
    if p == usize::MAX {
        return vec![top];
    }
    let top_s = sc(top);
    let sib_threshold = (top_s * 0.2).max(10.0);
    let top_semantic = is_semantic(a, top);
    let mut out = Vec::new();
    for c in element_children(a, p, removed) {
        if c == top {
            out.push(c);
            continue;
        }
        let node = &a.nodes[c];
        if top_semantic {
            // A marked-up article body only continues in a like-marked sibling.
            if is_semantic(a, c) && node.tag == a.nodes[top].tag && node.class == a.nodes[top].class
            {
                out.push(c);
            }
            continue;
        }
        let mut bonus = 0.0;
        if !node.class.is_empty() && node.class == a.nodes[top].class {
            bonus += top_s * 0.2;
        }
        let s = &st[c];
        let keep = if !score[c].is_nan() && score[c] + bonus >= sib_threshold {
            true
        } else if node.tag != "p"
            && s.paras >= 1
            && s.chars > 140
            && link_density(s) < 0.2
            && class_weight(&node.class, &node.id) >= 0.0
        {
            // prose-bearing wrapper next to the article (lead paragraph, intro box)
            true
        } else if node.tag == "p" {
            let s = &st[c];
            let ld = link_density(s);
            if s.chars > 80 && ld < 0.25 {
                true
            } else {
                s.chars > 0 && s.chars <= 80 && ld == 0.0 && {
                    let t = a.text_of(c, removed);
                    t.contains(". ") || t.ends_with('.')
                }
            }
        } else {
            false
        };
        if keep {
            out.push(c);
        }
    }
    out
}

fn element_children(a: &Arena, i: usize, removed: &[bool]) -> Vec<usize> {
    let mut out = Vec::new();
    let end = a.nodes[i].end;
    let mut j = i + 1;
    while j < end {
        let nd = &a.nodes[j];
        if !removed[j] && (!nd.tag.is_empty() || !nd.text.trim().is_empty()) {
            out.push(j);
        }
        j = nd.end;
    }
    out
}

fn is_semantic(a: &Arena, i: usize) -> bool {
    let n = &a.nodes[i];
    n.tag == "article"
        || n.tag == "main"
        || n.role == "main"
        || n.itemprop.eq_ignore_ascii_case("articleBody")
}

/// A semantic container near `top`: an ancestor not much larger than it, or a
/// descendant holding most of its text.
fn semantic_container(a: &Arena, removed: &[bool], st: &[Stats], top: usize) -> Option<usize> {
    let top_chars = (st[top].chars - st[top].link_chars.min(st[top].chars)) as f64;
    if top_chars <= 0.0 {
        return None;
    }
    let own = |i: usize| (st[i].chars - st[i].link_chars.min(st[i].chars)) as f64;
    // The outermost marked-up container inside the candidate that holds most of
    // its text (not an <article> used as paragraph markup, as on Lovdata).
    let end = a.nodes[top].end;
    let mut j = top + 1;
    while j < end {
        if removed[j] {
            j = a.nodes[j].end;
            continue;
        }
        if is_semantic(a, j) && own(j) >= 0.9 * top_chars && has_block_child(a, j) {
            return Some(j);
        }
        j += 1;
    }
    if is_semantic(a, top) {
        return None;
    }
    let mut anc = a.nodes[top].parent;
    while anc != usize::MAX {
        if is_semantic(a, anc) {
            if own(anc) <= 1.6 * top_chars {
                return Some(anc);
            }
            return None;
        }
        anc = a.nodes[anc].parent;
    }
    None
}

/// Conditional cleaning inside the content (Readability `_cleanConditionally`).
fn clean_content(a: &Arena, removed: &mut [bool], st: &[Stats], roots: &[usize], flags: Flags) {
    if !flags.clean_conditionally {
        return;
    }
    for &r in roots {
        let end = a.nodes[r].end;
        let mut j = r + 1;
        while j < end {
            if removed[j] {
                j = a.nodes[j].end;
                continue;
            }
            let node = &a.nodes[j];
            let cand = matches!(
                node.tag,
                "div" | "section" | "table" | "ul" | "ol" | "dl" | "header" | "figure" | "aside"
            );
            if !cand {
                j += 1;
                continue;
            }
            let s = &st[j];
            let w = if flags.weight_classes {
                class_weight(&node.class, &node.id)
            } else {
                0.0
            };
            let ld = link_density(s);
            let is_list = matches!(node.tag, "ul" | "ol" | "dl")
                || (s.lis > 0 && s.chars > 0 && s.paras == 0);
            // (Readability also adds the content score here, but its tag bias
            // removes lists that carry real prose, as in legal texts.)
            let negative = w < 0.0;
            let link_heavy = ld > 0.5 || (!is_list && w < 25.0 && ld > 0.2 && s.chars < 500);
            let scrap = !is_list
                && s.chars < 25
                && s.headings == 0
                && s.imgs == 0
                && node.tag != "table"
                && s.chars > 0
                && s.paras == 0;
            let remove = s.commas < 10 && (negative || link_heavy || scrap);
            if remove {
                removed[j] = true;
                j = a.nodes[j].end;
            } else {
                j += 1;
            }
        }
    }
}

struct Output {
    blocks: Vec<String>,
    headings: Vec<String>,
}

/// Render the roots as text blocks.
fn render(a: &Arena, removed: &[bool], roots: &[usize], filter_links: bool) -> Output {
    let mut out = Output {
        blocks: Vec::new(),
        headings: Vec::new(),
    };
    let mut buf = String::new();
    let mut buf_link = 0usize;
    for &r in roots {
        let mut open: Vec<usize> = Vec::new();
        let mut link_depth_end: Option<usize> = None;
        let end = a.nodes[r].end;
        let mut j = r;
        while j < end {
            // close finished elements
            while let Some(&o) = open.last() {
                if a.nodes[o].end <= j {
                    open.pop();
                    close_elem(a, o, &mut buf, &mut buf_link, &mut out, filter_links);
                } else {
                    break;
                }
            }
            if link_depth_end.is_some_and(|e| j >= e) {
                link_depth_end = None;
            }
            if removed[j] {
                j = a.nodes[j].end;
                continue;
            }
            let node = &a.nodes[j];
            if node.tag.is_empty() {
                if link_depth_end.is_some() {
                    buf_link += count_chars(node.text).0;
                }
                buf.push_str(node.text);
            } else {
                if node.tag == "a" && link_depth_end.is_none() {
                    link_depth_end = Some(node.end);
                }
                if is_block(node.tag) {
                    flush(&mut buf, &mut buf_link, &mut out, filter_links, false);
                } else if matches!(node.tag, "td" | "th") {
                    buf.push(' ');
                }
                open.push(j);
            }
            j += 1;
        }
        while let Some(o) = open.pop() {
            close_elem(a, o, &mut buf, &mut buf_link, &mut out, filter_links);
        }
        flush(&mut buf, &mut buf_link, &mut out, filter_links, false);
    }
    out
}

fn close_elem(
    a: &Arena,
    o: usize,
    buf: &mut String,
    buf_link: &mut usize,
    out: &mut Output,
    filter_links: bool,
) {
    let tag = a.nodes[o].tag;
    if is_block(tag) {
        let heading = matches!(tag, "h1" | "h2" | "h3");
        flush(buf, buf_link, out, filter_links, heading);
    } else if matches!(tag, "td" | "th") {
        buf.push(' ');
    }
}

fn flush(buf: &mut String, buf_link: &mut usize, out: &mut Output, filter: bool, heading: bool) {
    let text = collapse(buf);
    let link = *buf_link;
    buf.clear();
    *buf_link = 0;
    if text.is_empty() {
        return;
    }
    if filter {
        let (chars, _) = count_chars(&text);
        if chars > 0 && link * 10 > chars * 6 && chars < 300 {
            return;
        }
    }
    if heading {
        out.headings.push(text.clone());
    }
    out.blocks.push(text);
}

/// One extraction pass: strip chrome, score, choose, clean and render.
fn main_content(arena: &Arena, flags: Flags) -> (Output, Vec<usize>) {
    let n = arena.len();
    let mut removed = vec![false; n];
    strip_chrome(arena, &mut removed, flags);
    let st = compute_stats(arena, &removed);
    let score = score_candidates(arena, &removed, &st, flags);
    let roots = choose_content(arena, &removed, &st, &score);
    let mut cleaned = removed.clone();
    clean_content(arena, &mut cleaned, &st, &roots, flags);
    let mut output = render(arena, &cleaned, &roots, true);
    let content_chars: usize = output.blocks.iter().map(|b| b.len()).sum();
    if content_chars < 250 {
        // Fall back to the whole stripped body when the candidate is tiny.
        if let Some(b) = (0..n).find(|&i| arena.nodes[i].tag == "body") {
            let whole = render(arena, &removed, &[b], true);
            let whole_chars: usize = whole.blocks.iter().map(|b| b.len()).sum();
            if whole_chars > content_chars * 2 {
                output = whole;
            }
        }
    }
    (output, roots)
}

/// Extract metadata, links and main text from an HTML page.
///
/// `content_type` is the HTTP Content-Type header if known (may carry `charset=`).
pub fn extract(bytes: &[u8], content_type: Option<&str>) -> Result<HtmlText, HtmlError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(HtmlError::Empty);
    }
    if looks_binary(bytes) {
        return Err(HtmlError::NotHtml);
    }
    let (src, charset) = decode(bytes, content_type);
    if !src.contains('<') {
        return Err(HtmlError::NotHtml);
    }
    let limited = limit_depth(&src);
    let doc = Html::parse_document(limited.as_deref().unwrap_or(&src));
    let meta = read_meta(&doc);
    let arena = Arena::build(&doc);
    let n = arena.len();

    // Links, from the whole page.
    let none_removed = vec![false; n];
    let links: Vec<Link> = (0..n)
        .filter(|&i| arena.nodes[i].tag == "a" && !arena.nodes[i].value.is_empty())
        .map(|i| Link {
            href: arena.nodes[i].value.trim().to_string(),
            text: arena.text_of(i, &none_removed),
        })
        .collect();
    let first_h1 = (0..n)
        .find(|&i| arena.nodes[i].tag == "h1")
        .map(|i| arena.text_of(i, &none_removed))
        .filter(|t| !t.is_empty());

    let attempts = [
        Flags {
            strip_unlikely: true,
            weight_classes: true,
            clean_conditionally: true,
        },
        Flags {
            strip_unlikely: false,
            weight_classes: true,
            clean_conditionally: true,
        },
        Flags {
            strip_unlikely: false,
            weight_classes: false,
            clean_conditionally: true,
        },
        Flags {
            strip_unlikely: false,
            weight_classes: false,
            clean_conditionally: false,
        },
    ];
    // Like Readability: relax the heuristics while the result is short, keep the longest.
    let mut best: Option<(Output, Vec<usize>, usize)> = None;
    for flags in attempts {
        let (output, roots) = main_content(&arena, flags);
        let chars: usize = output.blocks.iter().map(|b| b.chars().count()).sum();
        let better = best.as_ref().is_none_or(|(_, _, c)| chars > *c);
        if better {
            best = Some((output, roots, chars));
        }
        if chars >= 500 {
            break;
        }
    }
    let (output, roots, _) = best.unwrap_or_else(|| {
        (
            Output {
                blocks: Vec::new(),
                headings: Vec::new(),
            },
            Vec::new(),
            0,
        )
    });

    // Dates: meta first, then <time> in the content/article, then JSON-LD.
    let time_in_content = (0..n).find_map(|i| {
        let nd = &arena.nodes[i];
        let good = (nd.tag == "time"
            && (roots.iter().any(|&r| is_ancestor(&arena, r, i)) || in_tag(&arena, i, "article")))
            || nd.itemprop.eq_ignore_ascii_case("datePublished");
        if good {
            norm_date(nd.value)
        } else {
            None
        }
    });
    let modified_item = (0..n).find_map(|i| {
        let nd = &arena.nodes[i];
        if nd.itemprop.eq_ignore_ascii_case("dateModified") {
            norm_date(nd.value)
        } else {
            None
        }
    });
    let date = meta
        .date
        .clone()
        .or(time_in_content)
        .or_else(|| json_ld_date(&meta.json_ld, "datePublished"));
    let modified = meta
        .modified
        .clone()
        .or(modified_item)
        .or_else(|| json_ld_date(&meta.json_ld, "dateModified"));

    let title = choose_title(
        meta.title.as_deref(),
        meta.og_title.as_deref(),
        first_h1.as_deref(),
    );

    Ok(HtmlText {
        title,
        lang: meta.lang,
        description: meta.description,
        date,
        modified,
        canonical: meta.canonical,
        base: meta.base,
        noindex: meta.noindex,
        links,
        headings: output.headings,
        text: output.blocks.join("\n\n"),
        charset,
    })
}

fn in_tag(a: &Arena, i: usize, tag: &str) -> bool {
    let mut p = a.nodes[i].parent;
    while p != usize::MAX {
        if a.nodes[p].tag == tag {
            return true;
        }
        p = a.nodes[p].parent;
    }
    false
}

/// Binary data: NUL bytes or many control characters near the start, or a known magic.
fn looks_binary(bytes: &[u8]) -> bool {
    if bytes.starts_with(b"%PDF")
        || bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(b"\x89PNG")
    {
        return true;
    }
    if Encoding::for_bom(bytes).is_some() {
        return false; // UTF-16 text has NULs
    }
    let head = &bytes[..bytes.len().min(4096)];
    let ctrl = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c))
        .count();
    head.contains(&0) || ctrl * 20 > head.len()
}

// ---------------------------------------------------------------------------
// Metadata
// ---------------------------------------------------------------------------

#[derive(Default)]
struct Meta {
    title: Option<String>,
    og_title: Option<String>,
    lang: Option<String>,
    description: Option<String>,
    date: Option<String>,
    modified: Option<String>,
    canonical: Option<String>,
    base: Option<String>,
    noindex: bool,
    json_ld: Vec<String>,
}

fn non_empty(s: &str) -> Option<String> {
    let c = collapse(s);
    (!c.is_empty()).then_some(c)
}

fn read_meta(doc: &Html) -> Meta {
    let mut m = Meta::default();
    let mut content_language: Option<String> = None;
    let mut date_rank = usize::MAX;
    let mut mod_rank = usize::MAX;
    let mut og_description: Option<String> = None;
    for node in doc.tree.nodes() {
        let Node::Element(el) = node.value() else {
            continue;
        };
        match el.name() {
            "html" if m.lang.is_none() => {
                m.lang = el
                    .attrs()
                    .find(|(k, _)| *k == "lang" || *k == "xml:lang")
                    .and_then(|(_, v)| non_empty(v));
            }
            "title" if m.title.is_none() => {
                let mut t = String::new();
                for c in node.children() {
                    if let Node::Text(x) = c.value() {
                        t.push_str(x);
                    }
                }
                m.title = non_empty(&t);
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
                let mut t = String::new();
                for c in node.children() {
                    if let Node::Text(x) = c.value() {
                        t.push_str(x);
                    }
                }
                m.json_ld.push(t);
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
                let Some(content) = el.attr("content") else {
                    continue;
                };
                match key.as_str() {
                    "description" | "dc.description" | "dcterms.description"
                        if m.description.is_none() =>
                    {
                        m.description = non_empty(content);
                    }
                    "og:description" | "twitter:description" if og_description.is_none() => {
                        og_description = non_empty(content);
                    }
                    "og:title" if m.og_title.is_none() => {
                        m.og_title = non_empty(content);
                    }
                    "content-language" | "language" | "dc.language"
                        if content_language.is_none() =>
                    {
                        content_language = content.split(',').next().and_then(non_empty);
                    }
                    "robots" | "googlebot" => {
                        let c = content.to_ascii_lowercase();
                        if c.split([',', ' ']).any(|t| t == "noindex" || t == "none") {
                            m.noindex = true;
                        }
                    }
                    _ => {}
                }
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
                const MOD_KEYS: &[&str] = &[
                    "article:modified_time",
                    "og:updated_time",
                    "dcterms.modified",
                    "dc.date.modified",
                    "last-modified",
                    "datemodified",
                    "revised",
                ];
                if let Some(rank) = DATE_KEYS.iter().position(|k| *k == key) {
                    if rank < date_rank {
                        if let Some(d) = norm_date(content) {
                            m.date = Some(d);
                            date_rank = rank;
                        }
                    }
                }
                if let Some(rank) = MOD_KEYS.iter().position(|k| *k == key) {
                    if rank < mod_rank {
                        if let Some(d) = norm_date(content) {
                            m.modified = Some(d);
                            mod_rank = rank;
                        }
                    }
                }
            }
            _ => {}
        }
    }
    if m.lang.is_none() {
        m.lang = content_language;
    }
    if m.description.is_none() {
        m.description = og_description;
    }
    m
}

/// Title without a site-name suffix/prefix when og:title or the h1 agrees.
fn choose_title(title: Option<&str>, og: Option<&str>, h1: Option<&str>) -> Option<String> {
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

fn strip_prefix_ci<'s>(s: &'s str, prefix: &str) -> Option<&'s str> {
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
fn json_ld_date(blocks: &[String], key: &str) -> Option<String> {
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
fn norm_date(s: &str) -> Option<String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    const ARTICLE_PAGE: &str = r#"<!DOCTYPE html>
<html lang="nb-NO"><head>
<meta charset="utf-8">
<title>Ny klimaplan for Vestland | Vestland fylkeskommune</title>
<meta property="og:title" content="Ny klimaplan for Vestland">
<meta name="description" content="Fylket legg fram ein ny plan.">
<meta property="article:published_time" content="2024-03-05T10:00:00+01:00">
<meta property="article:modified_time" content="2024-03-07">
<link rel="canonical" href="https://example.org/klimaplan">
</head><body>
<div id="cookie-banner"><p>Vi bruker informasjonskapsler (cookies) for å gi deg en bedre opplevelse, godta alle.</p><button>OK</button></div>
<header class="site-header"><a href="/">Forside</a> <a href="/om">Om oss</a></header>
<nav><ul><li><a href="/nyheiter">Nyheiter</a></li><li><a href="/tenester">Tenester</a></li></ul></nav>
<main><article>
<h1>Ny klimaplan for Vestland</h1>
<p>Fylkestinget har vedteke ein ny klimaplan, som skal kutte utsleppa med seksti prosent innan 2030, og som set nye krav til transport, bygg og industri.</p>
<p>Planen byggjer på innspel frå kommunane, næringslivet og organisasjonane, og han vart vedteken med stort fleirtal etter ein lang debatt i salen.</p>
<h2>Kva skjer no</h2>
<p>Administrasjonen skal no lage ein handlingsplan, med tiltak, kostnader og ansvar, som skal leggjast fram for fylkestinget til hausten.</p>
<script>var secret = "SCRIPTTEXT";</script>
</article></main>
<aside><h3>Relaterte saker</h3><a href="/a">Anna sak</a></aside>
<footer><p>Vestland fylkeskommune, Postboks 7900, 5020 Bergen. Alle rettar reservert.</p></footer>
</body></html>"#;

    #[test]
    fn page_with_chrome_yields_only_article_text() {
        let t = extract(ARTICLE_PAGE.as_bytes(), None).unwrap();
        assert!(t.text.contains("Fylkestinget har vedteke"), "{}", t.text);
        assert!(t.text.contains("Administrasjonen skal no"));
        assert!(t.text.contains("Kva skjer no"));
        for chrome in [
            "informasjonskapsler",
            "Forside",
            "Tenester",
            "Anna sak",
            "Postboks",
            "SCRIPTTEXT",
        ] {
            assert!(!t.text.contains(chrome), "{chrome} leaked into {}", t.text);
        }
        assert!(t.text.contains("\n\n"));
        assert!(t.headings.iter().any(|h| h == "Kva skjer no"));
    }

    #[test]
    fn metadata_is_read_from_head() {
        let t = extract(ARTICLE_PAGE.as_bytes(), Some("text/html")).unwrap();
        assert_eq!(t.title.as_deref(), Some("Ny klimaplan for Vestland"));
        assert_eq!(t.lang.as_deref(), Some("nb-NO"));
        assert_eq!(
            t.description.as_deref(),
            Some("Fylket legg fram ein ny plan.")
        );
        assert_eq!(t.date.as_deref(), Some("2024-03-05"));
        assert_eq!(t.modified.as_deref(), Some("2024-03-07"));
        assert_eq!(
            t.canonical.as_deref(),
            Some("https://example.org/klimaplan")
        );
        assert!(!t.noindex);
        assert_eq!(t.charset, "UTF-8");
        assert!(t
            .links
            .iter()
            .any(|l| l.href == "/om" && l.text == "Om oss"));
        assert!(t.links.iter().any(|l| l.href == "/a"));
    }

    #[test]
    fn robots_noindex_is_detected() {
        let html = r#"<html><head><meta name="ROBOTS" content="NOINDEX, follow"></head><body><p>x</p></body></html>"#;
        assert!(extract(html.as_bytes(), None).unwrap().noindex);
    }

    #[test]
    fn dates_come_from_time_element_and_json_ld() {
        let html = r#"<html><head><script type="application/ld+json">{"@type":"NewsArticle","dateModified":"2023-02-01T08:00:00Z"}</script></head>
<body><article><time datetime="2023-01-15T12:00">15. januar</time><p>Tekst.</p></article></body></html>"#;
        let t = extract(html.as_bytes(), None).unwrap();
        assert_eq!(t.date.as_deref(), Some("2023-01-15"));
        assert_eq!(t.modified.as_deref(), Some("2023-02-01"));
        let html = r#"<html><head><meta name="DC.date" content="01.02.2022"></head><body><p>x</p></body></html>"#;
        assert_eq!(
            extract(html.as_bytes(), None).unwrap().date.as_deref(),
            Some("2022-02-01")
        );
    }

    #[test]
    fn title_without_agreement_is_kept_whole_and_falls_back_to_og_then_h1() {
        assert_eq!(
            choose_title(Some("Forside - Kommune"), Some("Noe annet"), None).as_deref(),
            Some("Forside - Kommune")
        );
        assert_eq!(
            choose_title(
                Some("Regjeringen.no | Statsbudsjettet 2025"),
                None,
                Some("Statsbudsjettet 2025")
            )
            .as_deref(),
            Some("Statsbudsjettet 2025")
        );
        assert_eq!(
            choose_title(None, Some("OG"), Some("H1")).as_deref(),
            Some("OG")
        );
        assert_eq!(choose_title(None, None, Some("H1")).as_deref(), Some("H1"));
    }

    #[test]
    fn windows_1252_charset_from_meta_decodes_nordic_letters() {
        let mut bytes = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\"></head><body><p>".to_vec();
        bytes.extend_from_slice(&[0xE6, 0xF8, 0xE5, b' ', 0xC6, 0xD8, 0xC5]);
        bytes.extend_from_slice(b"</p></body></html>");
        let t = extract(&bytes, None).unwrap();
        assert_eq!(t.charset, "windows-1252");
        assert!(t.text.contains("æøå ÆØÅ"), "{}", t.text);
        let (s, enc) = decode(b"<meta charset='iso-8859-1'>\xe5", None);
        assert_eq!(enc, "windows-1252");
        assert!(s.ends_with('å'));
    }

    #[test]
    fn content_type_charset_beats_meta_and_bom_beats_both() {
        let (s, enc) = decode(
            b"<meta charset=utf-8>\xe6",
            Some("text/html; charset=\"ISO-8859-1\""),
        );
        assert_eq!(enc, "windows-1252");
        assert!(s.ends_with('æ'));
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("<p>blåbær</p>".as_bytes());
        let (s, enc) = decode(&bom, Some("text/html; charset=windows-1252"));
        assert_eq!(enc, "UTF-8");
        assert_eq!(s, "<p>blåbær</p>");
        let t = extract(&bom, None).unwrap();
        assert_eq!(t.text, "blåbær");
    }

    #[test]
    fn invalid_utf8_without_declaration_falls_back_to_windows_1252() {
        let mut late = vec![b' '; 2000];
        late.extend_from_slice(b"<meta charset=\"windows-1250\"><p>\xb9</p>");
        assert_eq!(decode(&late, None).1, "windows-1250");
        let (s, enc) = decode(b"<p>s\xf8k</p>", None);
        assert_eq!(enc, "windows-1252");
        assert_eq!(s, "<p>søk</p>");
        let (_, enc) = decode("<p>søk</p>".as_bytes(), None);
        assert_eq!(enc, "UTF-8");
    }

    #[test]
    fn script_and_style_text_never_reach_output() {
        let html = "<html><body><p>Synlig tekst her.</p><script>document.write('HIDDENJS')</script><style>.x{color:red}</style><noscript>NOSCRIPTTEXT</noscript></body></html>";
        let t = extract(html.as_bytes(), None).unwrap();
        assert!(t.text.contains("Synlig tekst"));
        assert!(
            !t.text.contains("HIDDENJS")
                && !t.text.contains("color")
                && !t.text.contains("NOSCRIPTTEXT")
        );
    }

    #[test]
    fn lists_and_table_cells_are_kept_as_text() {
        let html = r#"<html><body><div class="content"><p>Tabellen under viser tala for kvart fylke, med innbyggjarar, areal og talet på kommunar i 2024.</p>
<ul><li>Første punkt i lista</li><li>Andre punkt i lista</li></ul>
<table><tr><th>Fylke</th><th>Folketal</th></tr><tr><td>Vestland</td><td>641 000</td></tr></table></div></body></html>"#;
        let t = extract(html.as_bytes(), None).unwrap();
        assert!(
            t.text
                .contains("Første punkt i lista\n\nAndre punkt i lista"),
            "{}",
            t.text
        );
        assert!(t.text.contains("Vestland 641 000"), "{}", t.text);
    }

    #[test]
    fn empty_and_junk_inputs_are_errors_not_panics() {
        assert_eq!(extract(b"", None), Err(HtmlError::Empty));
        assert_eq!(extract(b"  \n ", None), Err(HtmlError::Empty));
        assert_eq!(
            extract(b"\x00\x01\x02\xff\xfe\x00<html>", None),
            Err(HtmlError::NotHtml)
        );
        assert_eq!(extract(b"just words", None), Err(HtmlError::NotHtml));
        assert_eq!(
            HtmlError::NotHtml.to_string(),
            "input is not html (binary data or no markup)"
        );
    }

    #[test]
    fn random_and_truncated_bytes_never_panic() {
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let alphabet: &[&[u8]] = &[
            b"<div>",
            b"</div>",
            b"<p>",
            b"<a href='x'>",
            b"</a>",
            b"<!--",
            b"-->",
            b"<script>",
            b"</script>",
            b"<meta charset=",
            b"\"",
            b"\xc3",
            b"\xa5",
            b" ",
            b"text, more",
            b"<table><tr><td>",
            b"<article>",
            b"<nav>",
            b"<time datetime='2020-01-01'>",
        ];
        for _ in 0..300 {
            let len = (next() % 200) as usize;
            let mut input = Vec::new();
            for _ in 0..len {
                if next() % 5 == 0 {
                    input.push((next() & 0xff) as u8);
                } else {
                    input.extend_from_slice(alphabet[(next() % alphabet.len() as u64) as usize]);
                }
            }
            let _ = extract(&input, None);
        }
        let page = ARTICLE_PAGE.as_bytes();
        for cut in (0..page.len()).step_by(37) {
            let _ = extract(&page[..cut], Some("text/html; charset=utf-8"));
        }
        for s in [
            "",
            "2020",
            "2020-13-45",
            "99.99.9999",
            "1.1.",
            "20201301",
            "ÅÅÅÅ-ØØ",
        ] {
            let _ = norm_date(s);
        }
    }

    #[test]
    fn hundred_thousand_nested_divs_do_not_overflow_or_hang() {
        let n = 100_000;
        let html = format!(
            "<html><body>{}deep text{}</body></html>",
            "<div>".repeat(n),
            "</div>".repeat(n)
        );
        let t = extract(html.as_bytes(), None).unwrap();
        assert_eq!(t.text, "deep text");
        let unclosed = format!("<html><body>{}tail", "<span><div>".repeat(n / 2));
        let t = extract(unclosed.as_bytes(), None).unwrap();
        assert!(t.text.contains("tail"));
    }

    #[test]
    fn depth_limit_drops_only_excess_tags() {
        assert!(limit_depth_with("<div><div>x</div></div>", 4).is_none());
        let out = limit_depth_with("<div><div><div>x</div></div></div>", 2).unwrap();
        assert_eq!(out.matches("<div>").count(), 2);
        assert_eq!(out.matches("</div>").count(), 2);
        assert!(out.contains('x'));
    }

    #[test]
    fn dates_are_normalised() {
        assert_eq!(
            norm_date("2021-03-04T10:00:00Z").as_deref(),
            Some("2021-03-04")
        );
        assert_eq!(norm_date("2021/3/4").as_deref(), Some("2021-03-04"));
        assert_eq!(norm_date("20210304").as_deref(), Some("2021-03-04"));
        assert_eq!(norm_date("4.3.2021").as_deref(), Some("2021-03-04"));
        assert_eq!(norm_date("Mon, 4 Mar"), None);
        assert_eq!(norm_date("2021-13-04"), None);
    }
}
