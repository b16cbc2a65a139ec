//! The matcher: one Aho-Corasick automaton over the folded aliases of all four facets,
//! plus the checks an automaton cannot do (word boundaries, inflection suffixes, case and
//! diacritics of short aliases, context words) and the theme scoring.
//!
//! Candidates are collected with overlapping search and then resolved leftmost-longest
//! ourselves, so a rejected short candidate (`Nord` inside `Nordland`) never hides a valid
//! one that overlaps it.

use std::collections::{BTreeMap, HashMap};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::fold::{fold, fold_with_map, is_word_char, Fold};
use super::{Concept, FacetKind, Scoring, Tag};

/// Aliases shorter than this (in characters) must keep their diacritics when matched.
const DIACRITIC_TOLERANT_CHARS: usize = 5;
/// Aliases at least this long also match common OCR misreadings of `ø` (see `ocr_variants`).
const OCR_TOLERANT_CHARS: usize = 7;

/// How a candidate's original text must compare with the alias.
#[derive(Debug, Clone)]
enum Check {
    /// Any spelling that folds to the pattern (diacritic loss tolerated).
    Loose,
    /// Same letters and diacritics, any case.
    Lower(String),
    /// Exactly the same characters (acronyms, case-sensitive names).
    Exact(String),
}

#[derive(Debug, Clone)]
struct Target {
    kind: FacetKind,
    concept: usize,
    check: Check,
    /// Trailing `*`: the alias is a word prefix.
    prefix: bool,
    /// Index into `Matcher::suffixes`.
    suffixes: usize,
    /// Index into `Matcher::contexts` when the alias only counts near certain words.
    context: Option<usize>,
    /// Theme weight of one mention.
    weight: f32,
    /// Identifies the alias, to count distinct theme terms.
    term: u32,
}

#[derive(Debug)]
struct Context {
    near: Vec<String>,
    window: usize,
}

/// The compiled matcher.
pub(crate) struct Matcher {
    automaton: Option<AhoCorasick>,
    targets: Vec<Vec<Target>>,
    suffixes: Vec<Vec<String>>,
    contexts: Vec<Context>,
    /// Folded alias → first concept having it, for phrase lookup.
    lookup: HashMap<String, (FacetKind, usize)>,
}

struct Candidate {
    start: usize,
    end: usize,
    pattern: usize,
    target: usize,
}

impl Matcher {
    /// Compiles all facets' aliases into one automaton.
    pub(crate) fn build(
        facets: &[Vec<Concept>; 4],
        inflections: &[BTreeMap<String, Vec<String>>; 4],
    ) -> Matcher {
        let mut patterns: Vec<String> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut targets: Vec<Vec<Target>> = Vec::new();
        let mut suffixes: Vec<Vec<String>> = Vec::new();
        let mut suffix_index: HashMap<Vec<String>, usize> = HashMap::new();
        let mut contexts: Vec<Context> = Vec::new();
        let mut lookup: HashMap<String, (FacetKind, usize)> = HashMap::new();
        let mut term_id = 0u32;

        for kind in FacetKind::all() {
            let inflection = &inflections[kind as usize];
            // Loose spellings owned by case-sensitive names (`Island`): other aliases that
            // fold to them must keep their diacritics (`Ísland`), or `island` would match.
            let guarded: std::collections::HashSet<String> = facets[kind as usize]
                .iter()
                .flat_map(|c| c.match_terms())
                .filter(|t| t.case_sensitive)
                .map(|t| fold(t.text.trim_end_matches('*'), Fold::Loose))
                .collect();
            for (ci, concept) in facets[kind as usize].iter().enumerate() {
                let context = concept.context.as_ref().map(|rule| {
                    contexts.push(Context {
                        near: rule
                            .near
                            .iter()
                            .map(|w| fold(w, Fold::Loose))
                            .filter(|w| !w.is_empty())
                            .collect(),
                        window: rule.window,
                    });
                    contexts.len() - 1
                });
                for label in [&concept.label_en, &concept.label_nb] {
                    lookup.entry(fold(label, Fold::Loose)).or_insert((kind, ci));
                }
                for term in concept.match_terms() {
                    term_id += 1;
                    let context = if term.in_context { context } else { None };
                    let prefix = term.text.ends_with('*');
                    let raw = term.text.trim_end_matches('*').trim();
                    let loose = fold(raw, Fold::Loose);
                    if loose.is_empty() {
                        continue;
                    }
                    if !term.in_context {
                        lookup.entry(loose.clone()).or_insert((kind, ci));
                    }
                    // Suffix list for this alias: "*" plus its language (or "acronym").
                    let mut list: Vec<String> = Vec::new();
                    if !prefix {
                        if !term.acronym {
                            list.extend(inflection.get("*").into_iter().flatten().cloned());
                        }
                        list.extend(inflection.get(term.lang).into_iter().flatten().cloned());
                    }
                    let mut list: Vec<String> = list.iter().map(|s| fold(s, Fold::Loose)).collect();
                    list.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
                    list.dedup();
                    let next = suffixes.len();
                    let suffix_slot = *suffix_index.entry(list.clone()).or_insert(next);
                    if suffix_slot == next {
                        suffixes.push(list);
                    }
                    let chars = raw.chars().count();
                    let check = if term.case_sensitive {
                        Check::Exact(fold(raw, Fold::Exact))
                    } else if chars < DIACRITIC_TOLERANT_CHARS || guarded.contains(&loose) {
                        Check::Lower(fold(raw, Fold::Lower))
                    } else {
                        Check::Loose
                    };
                    let weight = if kind == FacetKind::Theme && term.weak {
                        f32::NAN // resolved against Scoring at tag time
                    } else {
                        concept.weight
                    };
                    let mut spellings = vec![loose];
                    if !term.case_sensitive && chars >= OCR_TOLERANT_CHARS {
                        spellings.extend(ocr_variants(raw));
                    }
                    for spelling in spellings {
                        let p = *index.entry(spelling.clone()).or_insert_with(|| {
                            patterns.push(spelling);
                            targets.push(Vec::new());
                            patterns.len() - 1
                        });
                        let list = &mut targets[p];
                        let duplicate = list.iter().any(|t| {
                            t.kind == kind
                                && t.concept == ci
                                && t.prefix == prefix
                                && t.context == context
                                && same_check(&t.check, &check)
                        });
                        if !duplicate {
                            list.push(Target {
                                kind,
                                concept: ci,
                                check: check.clone(),
                                prefix,
                                suffixes: suffix_slot,
                                context,
                                weight,
                                term: term_id,
                            });
                        }
                    }
                }
            }
        }
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .ok();
        Matcher {
            automaton,
            targets,
            suffixes,
            contexts,
            lookup,
        }
    }

    /// The concept whose folded alias equals the folded `phrase`.
    pub(crate) fn lookup(&self, phrase: &str) -> Option<(FacetKind, usize)> {
        self.lookup.get(&fold(phrase.trim(), Fold::Loose)).copied()
    }

    /// Tags with themes thresholded.
    pub(crate) fn tag(
        &self,
        text: &str,
        facets: &[Vec<Concept>; 4],
        scoring: &Scoring,
    ) -> Vec<Tag> {
        let mut tags = self.raw_tags(text, facets, scoring);
        tags.retain(|(tag, passes)| tag.kind != FacetKind::Theme || *passes);
        tags.into_iter().map(|(t, _)| t).collect()
    }

    /// Every theme with its score, thresholded or not.
    pub(crate) fn theme_scores(
        &self,
        text: &str,
        facets: &[Vec<Concept>; 4],
        scoring: &Scoring,
    ) -> Vec<Tag> {
        self.raw_tags(text, facets, scoring)
            .into_iter()
            .filter(|(t, _)| t.kind == FacetKind::Theme)
            .map(|(t, _)| t)
            .collect()
    }

    fn raw_tags(
        &self,
        text: &str,
        _facets: &[Vec<Concept>; 4],
        scoring: &Scoring,
    ) -> Vec<(Tag, bool)> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        let folded = fold_with_map(text, Fold::Loose);
        let hay = folded.text.as_str();
        let mut candidates: Vec<Candidate> = Vec::new();
        for m in automaton.find_overlapping_iter(hay) {
            let (start, pend) = (m.start(), m.end());
            if !hay.is_char_boundary(start) || !hay.is_char_boundary(pend) {
                continue;
            }
            if hay[..start].chars().next_back().is_some_and(is_word_char) {
                continue;
            }
            let pattern = m.pattern().as_usize();
            for (ti, target) in self.targets[pattern].iter().enumerate() {
                let Some(end) = self.right_edge(hay, pend, target) else {
                    continue;
                };
                if !check_original(text, &folded.origin, start, pend, &target.check) {
                    continue;
                }
                if let Some(ctx) = target.context {
                    if !self.context_present(hay, start, end, &self.contexts[ctx]) {
                        continue;
                    }
                }
                candidates.push(Candidate {
                    start,
                    end,
                    pattern,
                    target: ti,
                });
            }
        }
        // Leftmost-longest across all facets; equal spans all survive.
        candidates.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        let mut kept: Vec<&Candidate> = Vec::new();
        let (mut span_start, mut span_end) = (usize::MAX, 0usize);
        for c in &candidates {
            if c.start == span_start && c.end == span_end {
                kept.push(c);
            } else if c.start >= span_end || span_start == usize::MAX {
                span_start = c.start;
                span_end = c.end;
                kept.push(c);
            }
        }

        struct Acc {
            count: u32,
            first: (usize, usize),
            terms: HashMap<u32, (u32, f32)>,
        }
        let mut acc: BTreeMap<(FacetKind, usize), Acc> = BTreeMap::new();
        for c in kept {
            let t = &self.targets[c.pattern][c.target];
            let e = acc.entry((t.kind, t.concept)).or_insert_with(|| Acc {
                count: 0,
                first: (c.start, c.end),
                terms: HashMap::new(),
            });
            // The same span may be claimed twice by one concept (two targets): count once.
            if e.count > 0 && e.first == (c.start, c.end) {
                continue;
            }
            e.count += 1;
            let weight = if t.weight.is_nan() {
                scoring.weak_weight
            } else {
                t.weight
            };
            let slot = e.terms.entry(t.term).or_insert((0, weight));
            slot.0 += 1;
        }
        let words = folded.words.max(scoring.min_words).max(1) as f32;
        let mut out: Vec<(Tag, bool)> = Vec::with_capacity(acc.len());
        for ((kind, ci), a) in acc {
            let Some(concept) = _facets[kind as usize].get(ci) else {
                continue;
            };
            let first_match = original_span(text, &folded.origin, a.first.0, a.first.1);
            let (score, passes) = if kind == FacetKind::Theme {
                let raw: f32 = a
                    .terms
                    .values()
                    .map(|(n, w)| (*n).min(scoring.term_cap) as f32 * w)
                    .sum();
                // Square-root length normalisation: long documents mention a theme more
                // often without being more about it (measured better than per-1000-words).
                let density = raw / (words / 1000.0).sqrt();
                let passes = raw >= scoring.min_raw
                    && a.terms.len() >= scoring.min_distinct
                    && density >= scoring.threshold;
                (density, passes)
            } else {
                (a.count as f32, true)
            };
            out.push((
                Tag {
                    kind,
                    path: concept.path.clone(),
                    count: a.count,
                    first_match,
                    score,
                },
                passes,
            ));
        }
        out.sort_by(|(a, _), (b, _)| {
            a.kind
                .cmp(&b.kind)
                .then(b.count.cmp(&a.count))
                .then(a.path.cmp(&b.path))
        });
        out
    }

    /// Where a candidate ends after its word boundary / suffix check, or `None` if it fails.
    fn right_edge(&self, hay: &str, pend: usize, target: &Target) -> Option<usize> {
        let rest = &hay[pend..];
        if target.prefix {
            let word_len: usize = rest
                .chars()
                .take_while(|c| is_word_char(*c))
                .map(char::len_utf8)
                .sum();
            return Some(pend + word_len);
        }
        if !rest.chars().next().is_some_and(is_word_char) {
            return Some(pend);
        }
        for suffix in &self.suffixes[target.suffixes] {
            if let Some(after) = rest.strip_prefix(suffix.as_str()) {
                if !after.chars().next().is_some_and(is_word_char) {
                    return Some(pend + suffix.len());
                }
            }
        }
        None
    }

    fn context_present(&self, hay: &str, start: usize, end: usize, ctx: &Context) -> bool {
        let mut lo = start.saturating_sub(ctx.window);
        while !hay.is_char_boundary(lo) {
            lo -= 1;
        }
        let mut hi = (end + ctx.window).min(hay.len());
        while !hay.is_char_boundary(hi) {
            hi += 1;
        }
        let window = &hay[lo..hi];
        ctx.near.iter().any(|w| {
            window.match_indices(w.as_str()).any(|(i, _)| {
                let absolute = lo + i;
                // Not the candidate itself, and at a word start.
                (absolute + w.len() <= start || absolute >= end)
                    && !window[..i].chars().next_back().is_some_and(is_word_char)
            })
        })
    }
}

fn same_check(a: &Check, b: &Check) -> bool {
    match (a, b) {
        (Check::Loose, Check::Loose) => true,
        (Check::Lower(x), Check::Lower(y)) | (Check::Exact(x), Check::Exact(y)) => x == y,
        _ => false,
    }
}

/// Compares the original text behind folded `[start, pend)` with the alias as required.
fn check_original(text: &str, origin: &[usize], start: usize, pend: usize, check: &Check) -> bool {
    let (want, mode) = match check {
        Check::Loose => return true,
        Check::Lower(w) => (w, Fold::Lower),
        Check::Exact(w) => (w, Fold::Exact),
    };
    let (Some(&from), Some(&to)) = (origin.get(start), origin.get(pend)) else {
        return false;
    };
    text.get(from..to)
        .is_some_and(|span| fold(span, mode) == *want)
}

/// The original text behind folded `[start, end)`, whitespace collapsed.
fn original_span(text: &str, origin: &[usize], start: usize, end: usize) -> String {
    let (Some(&from), Some(&to)) = (origin.get(start), origin.get(end)) else {
        return String::new();
    };
    text.get(from..to)
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// Folded spellings of `alias` with `ø`/`Ø` as OCR misreads it (`Trendelag`, `Trgndelag`,
/// `EDS-prosjekt`, `E@S-prosjekt`: all seen in one scanned Norwegian strategy).
fn ocr_variants(alias: &str) -> Vec<String> {
    if !alias.chars().any(|c| matches!(c, 'ø' | 'Ø')) {
        return Vec::new();
    }
    ["e", "g", "a", "d", "q", "@", "0"]
        .iter()
        .map(|r| fold(&alias.replace(['ø', 'Ø'], r), Fold::Loose))
        .collect()
}
