//! Limits applied to the source before parsing, where html5ever's work grows faster than the
//! input: it does O(depth) work per start tag, so tags nested deeper than
//! [`super::MAX_TAG_DEPTH`] are dropped (their text is kept); and it checks each attribute
//! against the tag's earlier ones, so attributes after a tag's [`MAX_ATTRIBUTES`]th are
//! dropped.

use super::decode::find_bytes;
use super::MAX_TAG_DEPTH;

/// Elements that never nest (void) or that the parser closes implicitly, so they
/// don't count toward the nesting estimate.
pub(super) fn depth_neutral(tag: &str) -> bool {
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
pub(super) fn limit_depth(src: &str) -> Option<String> {
    limit_depth_with(src, MAX_TAG_DEPTH)
}

pub(super) fn limit_depth_with(src: &str, max: usize) -> Option<String> {
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
    without(src, &drops, " ")
}

/// Most attributes one start tag keeps (a real page's tags have a handful; a tag with a
/// million attributes cost html5ever a minute).
pub(super) const MAX_ATTRIBUTES: usize = 256;

/// Drop the attributes of each start tag after its [`MAX_ATTRIBUTES`]th; `None` when no tag
/// has that many.
pub(super) fn limit_attributes(src: &str) -> Option<String> {
    let b = src.as_bytes();
    let space = |c: u8| c.is_ascii_whitespace();
    let mut drops: Vec<(usize, usize)> = Vec::new();
    let mut i = 0usize;
    while let Some(off) = b[i..].iter().position(|&c| c == b'<') {
        let start = i + off;
        i = start + 1;
        if b[start..].starts_with(b"<!--") {
            i = find_bytes(&b[start + 4..], b"-->").map_or(b.len(), |e| start + 4 + e + 3);
            continue;
        }
        if !b.get(i).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        while i < b.len() && !space(b[i]) && b[i] != b'>' && b[i] != b'/' {
            i += 1;
        }
        let mut count = 0usize;
        let mut cut_from = None;
        loop {
            while i < b.len() && (space(b[i]) || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                break;
            }
            let name = i;
            while i < b.len() && !space(b[i]) && !matches!(b[i], b'>' | b'=' | b'/') {
                i += 1;
            }
            if i == name {
                // a stray `=`: part of no attribute
                i += 1;
                continue;
            }
            let mut j = i;
            while j < b.len() && space(b[j]) {
                j += 1;
            }
            if b.get(j) == Some(&b'=') {
                j += 1;
                while j < b.len() && space(b[j]) {
                    j += 1;
                }
                match b.get(j) {
                    Some(&q) if q == b'"' || q == b'\'' => {
                        j = b[j + 1..]
                            .iter()
                            .position(|&c| c == q)
                            .map_or(b.len(), |e| j + 1 + e + 1);
                    }
                    _ => {
                        while j < b.len() && !space(b[j]) && b[j] != b'>' {
                            j += 1;
                        }
                    }
                }
                i = j;
            }
            count += 1;
            if count == MAX_ATTRIBUTES {
                cut_from = Some(i);
            }
        }
        if let Some(from) = cut_from.filter(|_| count > MAX_ATTRIBUTES) {
            drops.push((from, i));
        }
    }
    without(src, &drops, "")
}

/// `src` with the byte ranges `drops` (in order, apart) replaced by `fill`;
/// `None` when there are none.
fn without(src: &str, drops: &[(usize, usize)], fill: &str) -> Option<String> {
    if drops.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(src.len());
    let mut last = 0;
    for &(s, e) in drops {
        out.push_str(&src[last..s]);
        out.push_str(fill);
        last = e;
    }
    out.push_str(&src[last..]);
    Some(out)
}
