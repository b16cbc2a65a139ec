//! Readability scoring: chrome stripped, per-node text statistics (characters, commas, link
//! characters), and paragraphs scoring their ancestors weighted by class/id hints and link
//! density.

use super::arena::{is_block, is_semantic, Arena};
use super::hints::{ad_token, class_weight, has_any, ALWAYS_STRIP, MAYBE, UNLIKELY};

/// Which heuristics a pass uses; later passes relax them when the first finds too little.
#[derive(Clone, Copy)]
pub(super) struct Flags {
    pub(super) strip_unlikely: bool,
    pub(super) weight_classes: bool,
    pub(super) clean_conditionally: bool,
}

/// Per-node aggregate of visible (non-removed) descendant text.
#[derive(Clone, Copy, Default)]
pub(super) struct Stats {
    pub(super) chars: usize,
    pub(super) link_chars: usize,
    pub(super) commas: usize,
    pub(super) paras: usize,
    pub(super) lis: usize,
    pub(super) imgs: usize,
    pub(super) headings: usize,
}

pub(super) fn count_chars(s: &str) -> (usize, usize) {
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

pub(super) fn compute_stats(a: &Arena, removed: &[bool]) -> Vec<Stats> {
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

pub(super) fn link_density(s: &Stats) -> f64 {
    if s.chars == 0 {
        0.0
    } else {
        s.link_chars as f64 / s.chars as f64
    }
}

/// Mark chrome (nav, footer, banners, unlikely candidates) as removed.
pub(super) fn strip_chrome(a: &Arena, removed: &mut [bool], flags: Flags) {
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
pub(super) fn score_candidates(
    a: &Arena,
    removed: &[bool],
    st: &[Stats],
    flags: Flags,
) -> Vec<f64> {
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
pub(super) fn in_scored_para(a: &Arena, i: usize) -> bool {
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

pub(super) fn has_block_child(a: &Arena, i: usize) -> bool {
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

pub(super) fn is_ancestor(a: &Arena, anc: usize, i: usize) -> bool {
    anc <= i && i < a.nodes[anc].end
}
