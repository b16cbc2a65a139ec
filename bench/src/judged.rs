//! The pure parts of judging (`measure_eval --pool`, issue 15): the pool of
//! a query (the union of the engines' top documents that are not judged
//! yet), documents ranked by their best passage, and excerpts that show a
//! judge the passage that matched.

use std::collections::BTreeMap;

/// A document in a query's pool: which engines returned it, at which rank.
#[derive(Debug, Clone, PartialEq)]
pub struct Pooled {
    /// Document name (end of its URL).
    pub name: String,
    /// `(engine, 1-based rank)`, in the order the engines were given.
    pub ranks: Vec<(String, usize)>,
}

impl Pooled {
    /// The best (lowest) rank any engine gave it.
    pub fn best_rank(&self) -> usize {
        self.ranks.iter().map(|r| r.1).min().unwrap_or(usize::MAX)
    }
}

/// The union of the top `depth` documents of each run that `judged` does
/// not know, best rank first (more engines first on a tie, then the order
/// found).
pub fn pool(
    runs: &[(&str, &[String])],
    depth: usize,
    judged: impl Fn(&str) -> bool,
) -> Vec<Pooled> {
    let mut out: Vec<Pooled> = Vec::new();
    for (engine, ranked) in runs {
        for (i, name) in ranked.iter().take(depth).enumerate() {
            if judged(name) {
                continue;
            }
            let rank = ((*engine).to_string(), i + 1);
            match out.iter_mut().find(|p| &p.name == name) {
                Some(p) => {
                    if !p.ranks.iter().any(|r| r.0 == rank.0) {
                        p.ranks.push(rank);
                    }
                }
                None => out.push(Pooled {
                    name: name.clone(),
                    ranks: vec![rank],
                }),
            }
        }
    }
    // stable: equal keys keep the order found
    out.sort_by_key(|p| (p.best_rank(), std::cmp::Reverse(p.ranks.len())));
    out
}

/// Documents ranked by their best passage: `passages` are `(document,
/// score)` pairs in any order; each document keeps its highest score, ties
/// keep the order first seen; at most `limit`.
pub fn docs_by_best_passage<T: Clone + Ord>(passages: &[(T, f64)], limit: usize) -> Vec<T> {
    let mut best: Vec<(T, f64)> = Vec::new();
    let mut at: BTreeMap<&T, usize> = BTreeMap::new();
    for (doc, score) in passages {
        match at.get(doc) {
            Some(&i) => {
                if *score > best[i].1 {
                    best[i].1 = *score;
                }
            }
            None => {
                at.insert(doc, best.len());
                best.push((doc.clone(), *score));
            }
        }
    }
    best.sort_by(|a, b| b.1.total_cmp(&a.1));
    best.into_iter().take(limit).map(|d| d.0).collect()
}

/// Whitespace collapsed to single spaces, trimmed.
pub fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` with each byte range of `marks` (in order, not overlapping, on
/// character boundaries) wrapped in `**`.
pub fn bold(text: &str, marks: &[std::ops::Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len() + marks.len() * 4);
    let mut at = 0;
    for m in marks {
        if m.start < at || m.end > text.len() || m.start >= m.end {
            continue;
        }
        let (Some(before), Some(word)) = (text.get(at..m.start), text.get(m.clone())) else {
            continue;
        };
        out.push_str(before);
        out.push_str("**");
        out.push_str(word);
        out.push_str("**");
        at = m.end;
    }
    out.push_str(text.get(at..).unwrap_or(""));
    out
}

fn floor_char(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// About `width` bytes of `passage` around a snippet of it (`snippet`, with
/// `…` where it was cut, and the byte ranges of its matched words), the
/// matched words in bold. `None` when the snippet is not found in the
/// passage (whitespace collapsed in both).
pub fn widen(
    passage: &str,
    snippet: &str,
    marks: &[std::ops::Range<usize>],
    width: usize,
) -> Option<String> {
    let flat = collapse(passage);
    // the snippet without its ellipses, and where that core starts in it
    let lead = snippet.len() - snippet.trim_start_matches(['…', ' ']).len();
    let core = snippet
        .trim_start_matches(['…', ' '])
        .trim_end_matches(['…', ' ']);
    if core.is_empty() {
        return None;
    }
    let core = collapse(core);
    let p = flat.find(&core)?;
    let marks: Vec<std::ops::Range<usize>> = marks
        .iter()
        .filter(|m| m.start >= lead && m.end <= lead + core.len())
        .map(|m| m.start - lead..m.end - lead)
        .collect();
    let spare = width.saturating_sub(core.len());
    let mut start = floor_char(&flat, p.saturating_sub(spare / 2));
    let mut end = ceil_char(&flat, p + core.len() + spare.saturating_sub(p - start));
    // whole words at the edges
    if start > 0 {
        if let Some(sp) = flat[start..p].find(' ') {
            start += sp + 1;
        }
    }
    if end < flat.len() {
        if let Some(sp) = flat[p + core.len()..end].rfind(' ') {
            end = p + core.len() + sp;
        }
    }
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.push_str(&flat[start..p]);
    out.push_str(&bold(&core, &marks));
    out.push_str(&flat[p + core.len()..end]);
    if end < flat.len() {
        out.push('…');
    }
    Some(out)
}

/// For a document no engine gave a snippet of (Lucene found it through a
/// stem or an edit): the passage of `passages` that contains the most of
/// `words` by their first five letters (case folded; the first passage when
/// none does), about `width` bytes of it from a little before the first
/// such word, those prefixes in bold.
pub fn guess_excerpt(passages: &[&str], words: &[String], width: usize) -> String {
    let stems: Vec<String> = words
        .iter()
        .map(|w| w.to_lowercase().chars().take(5).collect::<String>())
        .filter(|w| w.chars().count() >= 3)
        .collect();
    let hits = |flat: &str| -> Vec<std::ops::Range<usize>> {
        let lower = flat.to_lowercase();
        // lowercasing may change byte lengths; then give no marks
        if lower.len() != flat.len() {
            return Vec::new();
        }
        let mut marks: Vec<std::ops::Range<usize>> = Vec::new();
        for st in &stems {
            let mut from = 0;
            while let Some(i) = lower[from..].find(st.as_str()) {
                let at = from + i;
                let starts_word = lower[..at]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric());
                if starts_word {
                    marks.push(at..at + st.len());
                }
                from = at + st.len();
            }
        }
        marks.sort_by_key(|m| m.start);
        marks
    };
    let mut best: Option<(usize, String, Vec<std::ops::Range<usize>>)> = None;
    for p in passages {
        let flat = collapse(p);
        let marks = hits(&flat);
        let distinct = stems
            .iter()
            .filter(|st| marks.iter().any(|m| flat[m.clone()].to_lowercase() == **st))
            .count();
        if best.as_ref().is_none_or(|b| distinct > b.0) {
            best = Some((distinct, flat, marks));
        }
    }
    let Some((_, flat, marks)) = best else {
        return String::new();
    };
    let Some(first) = marks.first() else {
        return head(&flat, width);
    };
    let mut start = floor_char(&flat, first.start.saturating_sub(width / 4));
    if start > 0 {
        if let Some(sp) = flat[start..first.start].find(' ') {
            start += sp + 1;
        }
    }
    let rest = &flat[start..];
    let shown = head(rest, width);
    let cut = shown.trim_end_matches('…').len();
    let inside: Vec<std::ops::Range<usize>> = marks
        .iter()
        .filter(|m| m.start >= start && m.end <= start + cut)
        .map(|m| m.start - start..m.end - start)
        .collect();
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.push_str(&bold(&shown[..cut], &inside));
    out.push_str(&shown[cut..]);
    out
}

/// The first `width` bytes (or so, ending on a word) of `text`, whitespace collapsed.
pub fn head(text: &str, width: usize) -> String {
    let flat = collapse(text);
    if flat.len() <= width {
        return flat;
    }
    let mut end = floor_char(&flat, width);
    if let Some(sp) = flat[..end].rfind(' ') {
        end = sp;
    }
    format!("{}…", &flat[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_pool_is_the_union_of_the_engines_without_what_is_judged() {
        let k = names(&["a", "b", "c", "d"]);
        let b = names(&["b", "e", "a"]);
        let f = names(&["f", "c"]);
        let judged = |n: &str| n == "a" || n == "d";
        let p = pool(&[("K", &k), ("BM25", &b), ("FTS5", &f)], 10, judged);
        let got: Vec<&str> = p.iter().map(|p| p.name.as_str()).collect();
        // b: ranks 2 and 1; f: 1; c: 3 and 2; e: 2
        assert_eq!(got, ["b", "f", "c", "e"]);
        assert_eq!(p[0].ranks, [("K".to_string(), 2), ("BM25".to_string(), 1)]);
        assert_eq!(p[2].ranks, [("K".to_string(), 3), ("FTS5".to_string(), 2)]);
        // the depth cuts each run
        let p = pool(&[("K", &k)], 2, |_| false);
        assert_eq!(p.len(), 2);
        assert!(pool(&[("K", &k)], 10, |_| true).is_empty());
    }

    #[test]
    fn a_document_ranks_by_its_best_passage() {
        let passages = vec![
            ("x".to_string(), 1.0),
            ("y".to_string(), 3.0),
            ("x".to_string(), 5.0),
            ("z".to_string(), 2.0),
            ("y".to_string(), 0.5),
        ];
        assert_eq!(docs_by_best_passage(&passages, 10), names(&["x", "y", "z"]));
        assert_eq!(docs_by_best_passage(&passages, 2), names(&["x", "y"]));
        assert!(docs_by_best_passage::<String>(&[], 10).is_empty());
    }

    #[test]
    fn an_excerpt_widens_the_snippet_and_bolds_its_matches() {
        let passage = "Første ledd.\n\nKystturisme er viktig   for regionen. Andre setning om havner og fiske.";
        let snippet = "…Kystturisme er viktig for regionen…";
        let marks = [3..3 + "Kystturisme".len(), 29..37];
        let w = widen(passage, snippet, &marks, 60).unwrap();
        assert!(
            w.contains("**Kystturisme** er viktig for **regionen**"),
            "{w}"
        );
        assert!(w.len() > snippet.len(), "{w}");
        assert!(widen(passage, "nothing like it", &[], 60).is_none());
        let whole = widen(passage, "Første ledd.", &[], 1000).unwrap();
        assert_eq!(whole, collapse(passage));
        assert_eq!(bold("a bc d e", &[2..4, 7..8]), "a **bc** d **e**");
        assert_eq!(head("ord ord ord", 6), "ord…");
        let passages = [
            "Innledning uten treff.",
            "Om skatt. Skatteavtalen med Sverige gjelder grensependlere i Øresundsregionen.",
        ];
        let words = vec!["grensependler".to_string(), "skatteavtale".to_string()];
        let g = guess_excerpt(&passages, &words, 1000);
        assert_eq!(
            g,
            "Om **skatt**. **Skatt**eavtalen med Sverige gjelder **grens**ependlere i Øresundsregionen."
        );
        let g = guess_excerpt(&passages, &["ingenting".to_string()], 1000);
        assert_eq!(g, "Innledning uten treff.");
        assert_eq!(guess_excerpt(&[], &words, 100), "");
        assert_eq!(head("æøå", 100), "æøå");
    }
}
