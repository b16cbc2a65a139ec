//! "Did you mean": for query words the index does not hold, the closest word
//! it does hold (Damerau-Levenshtein distance up to 2, more frequent words
//! first), read from the unstemmed, folded `words` field.

use std::collections::HashMap;

use super::query::Parsed;
use crate::index::{analyzer, schema};
use crate::plan::Stats;

/// Words shorter than this get no suggestion.
pub(crate) const MIN_CHARS: usize = 4;

/// `(query word, suggested word)` for each unknown word with a close match
/// in the `words` field.
pub fn corrections(stats: &dyn Stats, parsed: &Parsed) -> Vec<(String, String)> {
    let mut a = analyzer::title_analyzer();
    let mut out = Vec::new();
    for unit in parsed.positive_units() {
        for word in unit.text.split_whitespace() {
            let Some(tok) = analyzer::single_token(&mut a, word) else {
                continue;
            };
            let w = &tok;
            if w.chars().count() < MIN_CHARS || w.chars().any(|c| c.is_ascii_digit()) {
                continue;
            }
            let known = stats.doc_freq(schema::WORDS, w).unwrap_or(0) > 0;
            if known {
                continue;
            }
            if let Some(best) = closest(stats, w) {
                out.push((word.to_string(), best));
            }
        }
    }
    out
}

fn closest(stats: &dyn Stats, w: &str) -> Option<String> {
    let max = if w.chars().count() >= 8 { 2 } else { 1 }.max(1);
    let max = max.max(if w.chars().count() >= 6 { 2 } else { 1 });
    let mut found: HashMap<String, (usize, u64)> = HashMap::new();
    for (cand, df) in stats.neighbours(schema::WORDS, w, max) {
        if cand.len().abs_diff(w.len()) > max {
            continue;
        }
        let d = strsim::damerau_levenshtein(w, &cand);
        if d == 0 || d > max {
            continue;
        }
        let e = found.entry(cand).or_insert((d, 0));
        e.1 += df;
    }
    found
        .into_iter()
        .min_by(|a, b| {
            a.1 .0
                .cmp(&b.1 .0)
                .then(b.1 .1.cmp(&a.1 .1))
                .then(a.0.cmp(&b.0))
        })
        .map(|(t, _)| t)
}

/// The query with each corrected word replaced.
pub(crate) fn rewrite(q: &str, corrections: &[(String, String)]) -> String {
    q.split_whitespace()
        .map(|w| {
            corrections
                .iter()
                .find(|(from, _)| from == w)
                .map(|(_, to)| to.clone())
                .unwrap_or_else(|| w.to_string())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrite_replaces_only_corrected_words() {
        let c = vec![("Erazmsu".to_string(), "erasmus".to_string())];
        assert_eq!(rewrite("Erazmsu Trøndelag", &c), "erasmus Trøndelag");
    }
}
