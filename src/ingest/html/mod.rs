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

mod arena;
mod choose;
mod decode;
mod depth;
mod hints;
mod meta;
mod render;
mod score;

#[cfg(test)]
mod tests;

use std::fmt;

use encoding_rs::Encoding;
use scraper::Html;

use arena::Arena;
pub use decode::decode;
use depth::{limit_attributes, limit_depth};
use meta::{choose_title, json_ld_date, norm_date, read_meta};
use render::{main_content, Output};
use score::{is_ancestor, Flags};

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
    let shallow = limit_depth(&src);
    let shallow = shallow.as_deref().unwrap_or(&src);
    let limited = limit_attributes(shallow);
    let doc = Html::parse_document(limited.as_deref().unwrap_or(shallow));
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
    if Encoding::for_bom(bytes).is_some() || crate::ingest::text::utf16_without_bom(bytes).is_some()
    {
        return false; // UTF-16 text has NULs
    }
    let head = &bytes[..bytes.len().min(4096)];
    let ctrl = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c))
        .count();
    head.contains(&0) || ctrl * 20 > head.len()
}
