//! Rendering the chosen nodes as text blocks (headings and paragraphs), with links collected
//! and link-heavy blocks filtered; `main_content` runs the whole selection.

use super::arena::{collapse, is_block, Arena};
use super::choose::{choose_content, clean_content};
use super::score::{compute_stats, count_chars, score_candidates, strip_chrome, Flags};

pub(super) struct Output {
    pub(super) blocks: Vec<String>,
    pub(super) headings: Vec<String>,
}

/// Render the roots as text blocks.
pub(super) fn render(a: &Arena, removed: &[bool], roots: &[usize], filter_links: bool) -> Output {
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

pub(super) fn close_elem(
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

pub(super) fn flush(
    buf: &mut String,
    buf_link: &mut usize,
    out: &mut Output,
    filter: bool,
    heading: bool,
) {
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
pub(super) fn main_content(arena: &Arena, flags: Flags) -> (Output, Vec<usize>) {
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
