//! The flat pre-order arena the parsed page is copied into, so every node's descendants are
//! one contiguous index range and every later pass is a plain loop (no recursion), plus the
//! tag tables (skipped, block) and the hidden-style test.

use scraper::{Html, Node};

/// Elements whose content is never text a reader sees.
pub(super) fn hard_skip(tag: &str) -> bool {
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

pub(super) fn is_block(tag: &str) -> bool {
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

pub(super) struct ANode<'a> {
    /// Element tag (lowercase) or "" for text.
    pub(super) tag: &'a str,
    /// Text content for text nodes.
    pub(super) text: &'a str,
    pub(super) parent: usize,
    /// One past the last descendant.
    pub(super) end: usize,
    /// Lowercased `class` + ' ' + `id`.
    pub(super) class: String,
    pub(super) id: String,
    pub(super) role: &'a str,
    pub(super) itemprop: &'a str,
    /// `datetime` of `<time>`, `href` of `<a>`, `content` of itemprop nodes.
    pub(super) value: &'a str,
    pub(super) hidden: bool,
}

pub(super) struct Arena<'a> {
    pub(super) nodes: Vec<ANode<'a>>,
}

impl<'a> Arena<'a> {
    /// Copy the document into a pre-order arena, leaving out non-text subtrees.
    pub(super) fn build(doc: &'a Html) -> Arena<'a> {
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

    pub(super) fn close(
        nodes: &mut [ANode<'a>],
        stack: &mut Vec<usize>,
        depth_stack: &mut Vec<usize>,
    ) {
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

    pub(super) fn len(&self) -> usize {
        self.nodes.len()
    }

    pub(super) fn hints(&self, i: usize) -> String {
        let n = &self.nodes[i];
        format!("{} {}", n.class, n.id)
    }

    /// Whitespace-collapsed text of node `i` and its descendants, skipping `removed` nodes.
    pub(super) fn text_of(&self, i: usize, removed: &[bool]) -> String {
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

pub(super) fn style_hides(style: &str) -> bool {
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
pub(super) fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

pub(super) fn is_semantic(a: &Arena, i: usize) -> bool {
    let n = &a.nodes[i];
    n.tag == "article"
        || n.tag == "main"
        || n.role == "main"
        || n.itemprop.eq_ignore_ascii_case("articleBody")
}
