//! Choosing the main content: the best-scoring candidate widened to qualifying siblings, a
//! semantic container (`itemprop=articleBody`, `<article>`, `<main>`, `role=main`) preferred
//! when it holds most of the candidate's text, then low-value sub-blocks cleaned out.

use super::arena::{is_semantic, Arena};
use super::hints::class_weight;
use super::score::{has_block_child, is_ancestor, link_density, Flags, Stats};

/// Choose the main-content roots (top candidate plus qualifying siblings).
pub(super) fn choose_content(
    a: &Arena,
    removed: &[bool],
    st: &[Stats],
    score: &[f64],
) -> Vec<usize> {
    let n = a.len();
    let body = (0..n).find(|&i| a.nodes[i].tag == "body").unwrap_or(0);
    let mut ranked: Vec<usize> = (0..n)
        .filter(|&i| !score[i].is_nan() && !removed[i] && a.nodes[i].tag != "body")
        .collect();
    ranked.sort_by(|&x, &y| score[y].total_cmp(&score[x]));
    if ranked.is_empty() {
        return vec![body];
    }
    let mut top = split_article_ancestor(a, score, &ranked, body);
    top = climb_comparable_parents(a, score, top, body);
    top = semantic_ancestor(a, score, top, body);
    top = only_child_parent(a, removed, top, body);
    // Prefer a semantic container that holds most of the candidate's text.
    if let Some(sem) = semantic_container(a, removed, st, top) {
        top = sem;
    }
    let p = a.nodes[top].parent;
    if p == usize::MAX {
        return vec![top];
    }
    element_children(a, p, removed)
        .into_iter()
        .filter(|&c| c == top || sibling_continues(a, removed, st, score, top, c))
        .collect()
}

/// A node's score, 0 for nodes that were not scored.
fn score_or_zero(score: &[f64], i: usize) -> f64 {
    if score[i].is_nan() {
        0.0
    } else {
        score[i]
    }
}

/// The best candidate (`ranked[0]`), or its ancestor when several strong candidates sit
/// under one ancestor (the article is split up): three such candidates anywhere, or one
/// inside the same semantic article.
fn split_article_ancestor(a: &Arena, score: &[f64], ranked: &[usize], body: usize) -> usize {
    let first = ranked[0];
    let top_score = score[first];
    let alternatives: Vec<usize> = ranked
        .iter()
        .skip(1)
        .take(5)
        .copied()
        .filter(|&c| {
            score[c] >= top_score * 0.6 && !is_ancestor(a, c, first) && !is_ancestor(a, first, c)
        })
        .collect();
    let mut anc = a.nodes[first].parent;
    while !alternatives.is_empty() && anc != usize::MAX && anc != body {
        let near = |c: &&usize| is_ancestor(a, anc, **c);
        let strong = alternatives
            .iter()
            .filter(|c| score[**c] >= top_score * 0.75)
            .filter(near)
            .count();
        let any = alternatives.iter().filter(near).count();
        if strong >= 3 || (any >= 1 && is_semantic(a, anc)) {
            return anc;
        }
        anc = a.nodes[anc].parent;
    }
    first
}

/// Climbs while the parent scores comparably: a parent scoring higher than the node below
/// it wins; one below a third of the start's score ends the climb.
fn climb_comparable_parents(a: &Arena, score: &[f64], top: usize, body: usize) -> usize {
    let mut last = score_or_zero(score, top);
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
            return parent;
        }
        last = ps;
        parent = a.nodes[parent].parent;
    }
    top
}

/// A marked-up main/article ancestor scoring about as well wins.
fn semantic_ancestor(a: &Arena, score: &[f64], top: usize, body: usize) -> usize {
    let mut anc = a.nodes[top].parent;
    while anc != usize::MAX && anc != body {
        if is_semantic(a, anc) && score_or_zero(score, anc) >= 0.75 * score_or_zero(score, top) {
            return anc;
        }
        anc = a.nodes[anc].parent;
    }
    top
}

/// An only child stands for its parent: climbs while the node is its parent's only element.
fn only_child_parent(a: &Arena, removed: &[bool], mut top: usize, body: usize) -> usize {
    loop {
        let p = a.nodes[top].parent;
        if p == usize::MAX || p == body || a.nodes[p].tag == "html" {
            return top;
        }
        if element_children(a, p, removed).len() != 1 {
            return top;
        }
        top = p;
    }
}

/// Whether sibling `c` of the chosen `top` continues the content. A marked-up article body
/// only continues in a like-marked sibling; otherwise a sibling qualifies by its score
/// (with a bonus for sharing the top's class), as a prose-bearing wrapper (lead paragraph,
/// intro box) or as a paragraph of prose.
fn sibling_continues(
    a: &Arena,
    removed: &[bool],
    st: &[Stats],
    score: &[f64],
    top: usize,
    c: usize,
) -> bool {
    let node = &a.nodes[c];
    if is_semantic(a, top) {
        return is_semantic(a, c)
            && node.tag == a.nodes[top].tag
            && node.class == a.nodes[top].class;
    }
    let top_s = score_or_zero(score, top);
    let sib_threshold = (top_s * 0.2).max(10.0);
    let mut bonus = 0.0;
    if !node.class.is_empty() && node.class == a.nodes[top].class {
        bonus += top_s * 0.2;
    }
    let s = &st[c];
    if !score[c].is_nan() && score[c] + bonus >= sib_threshold {
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
    }
}

pub(super) fn element_children(a: &Arena, i: usize, removed: &[bool]) -> Vec<usize> {
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

/// A semantic container near `top`: an ancestor not much larger than it, or a
/// descendant holding most of its text.
pub(super) fn semantic_container(
    a: &Arena,
    removed: &[bool],
    st: &[Stats],
    top: usize,
) -> Option<usize> {
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
pub(super) fn clean_content(
    a: &Arena,
    removed: &mut [bool],
    st: &[Stats],
    roots: &[usize],
    flags: Flags,
) {
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
