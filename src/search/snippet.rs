//! Snippets: the best window of a passage as plain text, with the byte ranges of the
//! words that matched the query. Rendering is the caller's: the server writes HTML
//! (`<mark>` around the ranges), the CLI bold or brackets.
//!
//! A word matches when its analysed form in the passage's language equals an
//! analysed form of a query word, exactly or after folding, so `Trondelag`
//! marks `Trøndelag` and `strategier` marks `strategien`.

use std::collections::HashSet;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::index::analyzer::{self, AnalyzedLanguage};
use crate::lang::Language;

/// Target snippet length in characters.
pub(crate) const SNIPPET_CHARS: usize = 240;

/// Query forms for one language: exact and folded analysed terms.
#[derive(Debug, Default, Clone)]
pub struct Forms {
    exact: HashSet<String>,
    fold: HashSet<String>,
    /// Folded token sequences marked only where they occur together.
    phrases: Vec<Vec<String>>,
    /// The first [`PREFIX`] characters, folded, of every form above: a
    /// passage word whose folded start is none of these cannot match, so
    /// only the few that pass are stemmed.
    prefixes: HashSet<String>,
    /// Beginnings of words typed truncated (`klima*`), folded: a passage
    /// word beginning so is marked.
    starts: Vec<String>,
}

/// Characters compared before a passage word is stemmed. Snowball stemmers
/// change endings (and German umlauts, which folding also removes), so a
/// word and its stem agree on their first characters once folded.
const PREFIX: usize = 3;

/// The first [`PREFIX`] characters of an already folded term.
fn prefix(folded: &str) -> &str {
    match folded.char_indices().nth(PREFIX) {
        Some((i, _)) => &folded[..i],
        None => folded,
    }
}

impl Forms {
    /// Analyse `words` for `lang`.
    pub fn new(words: &[String], lang: &AnalyzedLanguage) -> Forms {
        Forms::with_phrases(words, &[], lang)
    }

    /// Analyse `words` (marked wherever they occur) and `phrases` (marked
    /// only as a whole: an expansion like `Erasmus+-programmet` must not
    /// mark every `programmet`) for `lang`. Function words (in any
    /// language's stop list: an English `in` meets a Norwegian `inn`)
    /// among `words` are left out when any other word is there: `klima og
    /// energi` marks neither every `og` of a passage nor picks the window
    /// that has most of them (inside a phrase they are marked).
    pub fn with_phrases(words: &[String], phrases: &[String], lang: &AnalyzedLanguage) -> Forms {
        let mut ea = analyzer::exact_analyzer(lang);
        let mut fa = analyzer::fold_analyzer(lang);
        let mut f = Forms::default();
        let content: Vec<&String> = words
            .iter()
            .filter(|w| !analyzer::stop_word_anywhere(w))
            .collect();
        let words: Vec<&String> = if content.is_empty() {
            words.iter().collect()
        } else {
            content
        };
        for w in words {
            f.exact
                .extend(analyzer::tokens(&mut ea, w).into_iter().map(|t| t.text));
            f.fold
                .extend(analyzer::tokens(&mut fa, w).into_iter().map(|t| t.text));
        }
        for p in phrases {
            let toks: Vec<String> = analyzer::tokens(&mut fa, p)
                .into_iter()
                .map(|t| t.text)
                .collect();
            match toks.len() {
                0 => {}
                1 => f.fold.extend(toks),
                _ => f.phrases.push(toks),
            }
        }
        f.index_prefixes();
        f
    }

    fn index_prefixes(&mut self) {
        let mut ta = analyzer::title_analyzer();
        let mut all: HashSet<String> = HashSet::new();
        for form in self
            .exact
            .iter()
            .chain(&self.fold)
            .chain(self.phrases.iter().flatten())
        {
            // exact forms keep their diacritics: fold them like passage words
            for t in analyzer::tokens(&mut ta, form) {
                all.insert(prefix(&t.text).to_string());
            }
        }
        self.prefixes = all;
    }

    /// Also mark the words beginning as `starts` (words typed truncated).
    pub fn with_starts(mut self, starts: &[String]) -> Forms {
        if starts.is_empty() {
            return self; // most searches: no analyzer built per language
        }
        let mut ta = analyzer::title_analyzer();
        self.starts = starts
            .iter()
            .filter_map(|s| analyzer::single_token(&mut ta, s))
            .collect();
        self
    }

    /// Add more words (e.g. expansions), analysed for `lang`.
    pub fn extend(&mut self, other: Forms) {
        self.exact.extend(other.exact);
        self.fold.extend(other.fold);
        self.index_prefixes();
    }

    /// True when nothing can match.
    pub fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.fold.is_empty() && self.starts.is_empty()
    }
}

/// A snippet: plain text (whitespace collapsed, `…` where the passage goes on) and the
/// byte ranges of the words that matched, in order and not overlapping.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snippet {
    /// The text.
    pub text: String,
    /// Byte ranges of `text` that matched the query.
    pub marks: Vec<Range<usize>>,
}

impl Snippet {
    /// True when there is no text.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The text of each marked range.
    pub fn marked(&self) -> impl Iterator<Item = &str> {
        self.marks.iter().filter_map(|r| self.text.get(r.clone()))
    }

    /// The text cut at the marks: `(piece, marked)` in order, covering all of it.
    pub fn pieces(&self) -> Vec<(&str, bool)> {
        let mut out = Vec::with_capacity(self.marks.len() * 2 + 1);
        let mut cursor = 0;
        for r in &self.marks {
            if let (Some(before), Some(mark)) =
                (self.text.get(cursor..r.start), self.text.get(r.clone()))
            {
                if !before.is_empty() {
                    out.push((before, false));
                }
                out.push((mark, true));
                cursor = r.end;
            }
        }
        if let Some(rest) = self.text.get(cursor..) {
            if !rest.is_empty() {
                out.push((rest, false));
            }
        }
        out
    }

    /// Joins `(piece, marked)` segments with whitespace collapsed to single spaces and
    /// trimmed at both ends, keeping where the marked ones are.
    fn collapsed(segments: &[(&str, bool)]) -> Snippet {
        let mut s = Snippet::default();
        let mut space = false;
        for (piece, marked) in segments {
            let start = s.text.len();
            let mut first = true;
            for c in piece.chars() {
                if c.is_whitespace() {
                    space = !s.text.is_empty();
                    continue;
                }
                if space {
                    s.text.push(' ');
                    space = false;
                }
                if first && *marked {
                    // the mark starts at its first character, after any space
                    s.marks.push(s.text.len()..s.text.len());
                }
                first = false;
                s.text.push(c);
            }
            if *marked && !first {
                if let Some(m) = s.marks.last_mut() {
                    m.end = s.text.len();
                }
            }
            let _ = start;
        }
        s
    }
}

/// Build the snippet for `text` in `lang`, marking words matching `forms`.
///
/// The passage is tokenized once, lowercased and folded without stemming;
/// only words starting like a query form are stemmed (a passage has ~250
/// words and a query a handful, so this skips nearly all stemming).
pub fn snippet(text: &str, lang: Language, forms: &Forms) -> Snippet {
    let hits = matches(text, lang, forms);
    let (start, end) = best_window(text, &hits);
    let mut segments: Vec<(&str, bool)> = Vec::with_capacity(hits.len() * 2 + 3);
    if start > 0 {
        segments.push(("…", false));
    }
    let mut cursor = start;
    for (from, to, _) in hits.iter().filter(|(f, t, _)| *f >= start && *t <= end) {
        segments.push((&text[cursor..*from], false));
        segments.push((&text[*from..*to], true));
        cursor = *to;
    }
    segments.push((&text[cursor..end], false));
    if end < text.len() {
        segments.push(("…", false));
    }
    Snippet::collapsed(&segments)
}

/// The byte ranges of every word of `text` (in `lang`) that matches `forms`, in order:
/// what the document page marks in a whole page of text.
pub fn mark_ranges(text: &str, lang: Language, forms: &Forms) -> Vec<Range<usize>> {
    matches(text, lang, forms)
        .into_iter()
        .map(|(from, to, _)| from..to)
        .collect()
}

/// `(start, end, folded stem)` of every matching word, in order.
fn matches(text: &str, lang: Language, forms: &Forms) -> Vec<(usize, usize, String)> {
    let al = analyzer::analyzed_for(lang);
    let mut ta = analyzer::title_analyzer();
    let mut ea = analyzer::exact_analyzer(al);
    let mut fa = analyzer::fold_analyzer(al);
    // each word's byte range, and its folded stem where the word could
    // match anything (its prefix is a query form's), else None: a passage
    // is read once, and only those words are analysed again (no copy of
    // every token)
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut stems: Vec<Option<String>> = Vec::new();
    let mut marked: Vec<bool> = Vec::new();
    let mut stream = ta.token_stream(text);
    while stream.advance() {
        let w = stream.token();
        let (from, to) = (w.offset_from, w.offset_to);
        words.push((from, to));
        let (mut stem, mut mark) = (None, false);
        if forms.prefixes.contains(prefix(&w.text)) {
            let surface = &text[from..to];
            if let (Some(e), Some(f)) = (
                analyzer::single_token(&mut ea, surface),
                analyzer::single_token(&mut fa, surface),
            ) {
                mark = forms.exact.contains(&e) || forms.fold.contains(&f);
                stem = Some(f);
            }
        }
        mark |= forms.starts.iter().any(|s| w.text.starts_with(s.as_str()));
        stems.push(stem);
        marked.push(mark);
    }
    for phrase in &forms.phrases {
        for i in 0..words.len().saturating_sub(phrase.len() - 1) {
            if phrase
                .iter()
                .enumerate()
                .all(|(j, t)| stems[i + j].as_deref() == Some(t.as_str()))
            {
                marked[i..i + phrase.len()]
                    .iter_mut()
                    .for_each(|m| *m = true);
            }
        }
    }
    words
        .iter()
        .zip(&marked)
        .zip(&stems)
        .filter(|((_, m), _)| **m)
        .map(|((&(from, to), _), s)| (from, to, s.clone().unwrap_or_default()))
        .collect()
}

/// The window of about [`SNIPPET_CHARS`] with the most distinct matched
/// terms (then the most matches), snapped to word boundaries.
fn best_window(text: &str, hits: &[(usize, usize, String)]) -> (usize, usize) {
    let budget = SNIPPET_CHARS * 2; // bytes: Nordic text is mostly 1-2 bytes/char
    if text.len() <= budget {
        return (0, text.len());
    }
    let mut best = (0usize, 0usize, 0usize); // (distinct, count, start index in hits)
    for i in 0..hits.len() {
        let limit = hits[i].0 + budget;
        let mut distinct = HashSet::new();
        let mut count = 0;
        for h in hits[i..].iter().take_while(|h| h.1 <= limit) {
            distinct.insert(&h.2);
            count += 1;
        }
        if (distinct.len(), count) > (best.0, best.1) {
            best = (distinct.len(), count, i);
        }
    }
    let start = if hits.is_empty() {
        0
    } else {
        // a little context before the first match, from a word start
        let first = hits[best.2].0;
        let back = first.saturating_sub(60);
        let back = floor_boundary(text, back);
        // whitespace may be wider than one byte (U+00A0 is two)
        match text[back..first]
            .char_indices()
            .find(|(_, c)| c.is_whitespace())
        {
            Some((i, c)) if back > 0 => back + i + c.len_utf8(),
            _ => back,
        }
    };
    let end = floor_boundary(text, (start + budget).min(text.len()));
    let end = if end < text.len() {
        text[start..end]
            .rfind(char::is_whitespace)
            .map(|i| start + i)
            .unwrap_or(end)
    } else {
        end
    };
    (start, end.max(start))
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::snippet_html as html;

    fn forms(words: &[&str], lang: Language) -> Forms {
        let w: Vec<String> = words.iter().map(|s| s.to_string()).collect();
        Forms::new(&w, analyzer::analyzed_for(lang))
    }

    #[test]
    fn a_word_typed_truncated_marks_the_words_beginning_so() {
        let al = analyzer::analyzed_for(Language::Nb);
        let f = Forms::new(&[], al).with_starts(&["klimatilp".to_string()]);
        let s = snippet(
            "Planen gjelder klimatilpasning og Klimatilpassede tiltak, ikke klima.",
            Language::Nb,
            &f,
        );
        let marked: Vec<&str> = s.marked().collect();
        assert_eq!(marked, ["klimatilpasning", "Klimatilpassede"]);
    }

    #[test]
    fn folded_query_marks_the_diacritic_spelling() {
        let s = html(&snippet(
            "Samarbeid i Trøndelag er viktig.",
            Language::Nb,
            &forms(&["Trondelag"], Language::Nb),
        ));
        assert_eq!(s, "Samarbeid i <mark>Trøndelag</mark> er viktig.");
    }

    #[test]
    fn an_expansion_phrase_is_marked_only_where_it_occurs_whole() {
        let al = analyzer::analyzed_for(Language::Nb);
        let f = Forms::with_phrases(
            &["Erasmus".to_string()],
            &["Erasmus+-programmet".to_string()],
            al,
        );
        let s = html(&snippet(
            "Programmet er nytt. Erasmus+-programmet gir midler.",
            Language::Nb,
            &f,
        ));
        assert!(s.starts_with("Programmet er"), "{s}");
        assert!(
            s.contains("<mark>Erasmus</mark>+-<mark>programmet</mark>"),
            "{s}"
        );
    }

    #[test]
    fn function_words_are_not_marked_beside_words_that_say_something() {
        let s = html(&snippet(
            "Planen for klima og energi i regionen og i kommunene.",
            Language::Nb,
            &forms(&["klima", "og", "energi", "i"], Language::Nb),
        ));
        assert_eq!(
            s,
            "Planen for <mark>klima</mark> og <mark>energi</mark> i regionen og i kommunene."
        );
    }

    #[test]
    fn a_query_of_function_words_only_still_marks_them() {
        let s = html(&snippet(
            "To be or not to be.",
            Language::En,
            &forms(&["to", "be"], Language::En),
        ));
        assert_eq!(
            s,
            "<mark>To</mark> <mark>be</mark> or not <mark>to</mark> <mark>be</mark>."
        );
    }

    #[test]
    fn a_phrase_marks_its_function_words_where_it_occurs_whole() {
        let al = analyzer::analyzed_for(Language::Nb);
        let f = Forms::with_phrases(
            &["for".to_string(), "kommuner".to_string()],
            &["for kommuner".to_string()],
            al,
        );
        let s = html(&snippet(
            "Midler for kommuner, og for fylker; kommuner søker.",
            Language::Nb,
            &f,
        ));
        assert_eq!(
            s,
            "Midler <mark>for</mark> <mark>kommuner</mark>, og for fylker; <mark>kommuner</mark> søker."
        );
    }

    #[test]
    fn markup_in_the_text_is_escaped_and_only_mark_is_markup() {
        let s = html(&snippet(
            "<script>alert(1)</script> Erasmus+ & co",
            Language::En,
            &forms(&["erasmus"], Language::En),
        ));
        assert!(s.contains("&lt;script&gt;"), "{s}");
        assert!(s.contains("<mark>Erasmus</mark>+ &amp; co"), "{s}");
        assert!(!s.contains("<script>"));
    }

    #[test]
    fn wide_whitespace_before_the_window_does_not_panic() {
        // U+00A0 (two bytes) where the window's start snaps to a word start
        for pad in 0..8 {
            let text = format!(
                "{}{}\u{a0}ord {} Nordsjøprogrammet støtter prosjekter. {}",
                "x".repeat(pad),
                "fyll\u{a0}".repeat(150),
                "ord ".repeat(12),
                "fyll ".repeat(200)
            );
            let s = html(&snippet(
                &text,
                Language::Nb,
                &forms(&["nordsjøprogrammet"], Language::Nb),
            ));
            assert!(s.contains("<mark>Nordsjøprogrammet</mark>"), "{s}");
        }
    }

    #[test]
    fn long_text_gives_a_window_around_the_matches() {
        let text = format!(
            "{} Nordsjøprogrammet støtter prosjekter. {}",
            "fyll ".repeat(200),
            "fyll ".repeat(200)
        );
        let s = html(&snippet(
            &text,
            Language::Nb,
            &forms(&["nordsjøprogrammet"], Language::Nb),
        ));
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("<mark>Nordsjøprogrammet</mark>"));
        assert!(s.chars().count() < SNIPPET_CHARS * 3);
    }
}
