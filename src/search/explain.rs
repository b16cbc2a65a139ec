//! Why a hit matched: which query word met which word of the document,
//! through which forgiving feature, with what weight (`explain=1`,
//! `kartotek search --explain`).
//!
//! While the query is built, each clause is kept with what it stands for
//! (an [`Atom`]: the user's word, the feature, the weight, the searched
//! term, the plan clause). The clauses go to the engine with the plan
//! ([`crate::plan::Plan::explain`]), which says for each hit which of them
//! its best passage matches (the embedded engine moves each clause's scorer
//! to the passage; the OpenSearch engine names each clause in the search,
//! at no weight, and reads the names each hit matched, see
//! [`crate::opensearch`]'s `query::body`);
//! the document word is the term itself, or, for features that match a
//! form of the word (typo, OCR skeleton, neighbour spelling), the word of
//! the passage that produced it.

use serde::{Deserialize, Serialize};
use tantivy::query::Query;
use tantivy::{DocAddress, DocSet};

/// How a query word reached a document word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    /// The word as typed.
    Exact,
    /// Another inflection of it (same stem).
    Stem,
    /// The word without its diacritics (`Trondelag` ↔ `Trøndelag`).
    Folded,
    /// The word in the title.
    Title,
    /// A part of a compound (`kyst` of `kystturisme`), or the word inside
    /// another compound.
    CompoundPart,
    /// The other written standard of Norwegian (`verksemd` ↔ `virksomhet`).
    Variant,
    /// The neighbour Scandinavian language's spelling or word.
    NeighbourLanguage,
    /// Another language's word for it.
    Translation,
    /// A word a typo away.
    Typo,
    /// The OCR-damaged spelling of it.
    Ocr,
    /// Two of the query's words next to each other, in the query's order.
    Proximity,
    /// A word beginning as the word typed truncated (`klima*`).
    Prefix,
}

impl Feature {
    /// Every feature, in declaration order (the order of translated names).
    pub const ALL: [Feature; 12] = [
        Feature::Exact,
        Feature::Stem,
        Feature::Folded,
        Feature::Title,
        Feature::CompoundPart,
        Feature::Variant,
        Feature::NeighbourLanguage,
        Feature::Translation,
        Feature::Typo,
        Feature::Ocr,
        Feature::Proximity,
        Feature::Prefix,
    ];

    /// Plain words for the CLI.
    pub fn describe(self) -> &'static str {
        match self {
            Feature::Exact => "exact",
            Feature::Stem => "stem",
            Feature::Folded => "folded",
            Feature::Title => "title",
            Feature::CompoundPart => "compound part",
            Feature::Variant => "nb/nn variant",
            Feature::NeighbourLanguage => "neighbour language",
            Feature::Translation => "translation",
            Feature::Typo => "typo",
            Feature::Ocr => "OCR",
            Feature::Proximity => "words next to each other",
            Feature::Prefix => "word beginning",
        }
    }
}

/// One reason a hit matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explained {
    /// The query word (or phrase) as the user wrote it.
    pub word: String,
    /// What it met in the document: the indexed term (a stem for stemmed
    /// fields) or the passage's word.
    pub matched: String,
    /// Through which feature.
    pub feature: Feature,
    /// The clause's weight (1.0 = an exact body match).
    pub weight: f32,
}

/// How an atom's document word is found in the passage text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Resolve {
    /// The searched term is the answer.
    Term,
    /// The passage word within a few edits of the query word.
    Nearest,
    /// The passage word with the same cross-Scandinavian key.
    CognateKey,
    /// The passage word whose cross-Scandinavian key is nearest the query
    /// word's.
    NearKey,
    /// The passage word with the same OCR skeleton.
    Skeleton,
    /// The passage's compound that holds the word (one of the clause's
    /// folded stems) as a part.
    Compound,
    /// The passage word beginning as the truncated query word.
    Prefix,
}

/// A clause of the built query and what it stands for.
pub(crate) struct Atom {
    /// The user's word (the group's literal).
    pub word: String,
    /// The searched term(s), as indexed.
    pub term: String,
    /// The query word this clause analysed (for [`Resolve`]).
    pub analysed: String,
    /// The feature.
    pub feature: Feature,
    /// The clause's weight.
    pub weight: f32,
    /// How to name the document word.
    pub resolve: Resolve,
    /// The clause itself.
    pub clause: crate::plan::Clause,
}

/// Reasons a passage (with text `text`) matched, best first, one per
/// (word, document word, feature), from `matched`: the indexes of the atoms
/// whose clauses the engine found the passage to match.
pub(crate) fn explain(atoms: &[Atom], matched: &[usize], text: &str) -> Vec<Explained> {
    let mut out: Vec<Explained> = Vec::new();
    for a in matched.iter().filter_map(|i| atoms.get(*i)) {
        let matched = match a.resolve {
            Resolve::Term => a.term.clone(),
            Resolve::Compound => match compound_of(text, &a.clause) {
                // the query's own compound, which its exact clause explains
                Some(w) if w.to_lowercase() == a.word.to_lowercase() => continue,
                Some(w) => w,
                None => a.term.clone(),
            },
            other => match passage_word(text, &a.analysed, other) {
                // the word itself, which its exact clause already explains
                Some(w) if w.to_lowercase() == a.analysed.to_lowercase() => continue,
                Some(w) => w,
                None => a.term.clone(),
            },
        };
        let e = Explained {
            word: a.word.clone(),
            matched,
            feature: a.feature,
            weight: (a.weight * 100.0).round() / 100.0,
        };
        match out
            .iter_mut()
            .find(|o| o.word == e.word && o.matched == e.matched && o.feature == e.feature)
        {
            Some(o) if o.weight < e.weight => o.weight = e.weight,
            Some(_) => {}
            None => out.push(e),
        }
    }
    out.sort_by(|a, b| b.weight.total_cmp(&a.weight));
    out
}

/// True when the passage at `addr` matches `query`. (tantivy's own
/// `Query::explain` seeks a phrase scorer backwards when the passage comes
/// before the phrase's first match, which its debug assertion refuses.)
pub(crate) fn matches(query: &dyn Query, searcher: &tantivy::Searcher, addr: DocAddress) -> bool {
    let Ok(weight) = query.weight(tantivy::query::EnableScoring::disabled_from_searcher(
        searcher,
    )) else {
        return false;
    };
    let reader = searcher.segment_reader(addr.segment_ord);
    let Ok(mut scorer) = weight.scorer(reader, 1.0) else {
        return false;
    };
    let doc = scorer.doc();
    doc == addr.doc_id || (doc < addr.doc_id && scorer.seek(addr.doc_id) == addr.doc_id)
}

/// Letters a compound has beyond a part it holds, at least: fewer are an
/// inflection of the part itself (`utdanninga` of `utdann`).
const COMPOUND_EXTRA_CHARS: usize = 5;

/// The word of `text` that a compound-part clause matched: the longest
/// word whose folded form holds one of the clause's folded stems with at
/// least [`COMPOUND_EXTRA_CHARS`] letters more (`vidareutdanning` for
/// `utdann`).
fn compound_of(text: &str, clause: &crate::plan::Clause) -> Option<String> {
    let stems: Vec<&str> = match clause {
        crate::plan::Clause::Term { term, .. } => vec![term.as_str()],
        crate::plan::Clause::Terms { terms, .. } => terms.iter().map(String::as_str).collect(),
        _ => return None,
    };
    let mut fold = folder();
    passage_words(text)
        .filter(|w| {
            let folded = fold(w);
            stems.iter().any(|s| {
                !s.is_empty()
                    && folded.len() >= s.len() + COMPOUND_EXTRA_CHARS
                    && folded.contains(s)
            })
        })
        .max_by_key(|w| w.chars().count())
        .map(str::to_string)
}

/// A word lowercased and folded as titles are (one analyzer for all the
/// words of a passage).
fn folder() -> impl FnMut(&str) -> String {
    let mut a = crate::index::analyzer::title_analyzer();
    move |s: &str| {
        crate::index::analyzer::tokens(&mut a, s)
            .into_iter()
            .map(|t| t.text)
            .collect()
    }
}

/// The words of a passage's text, as written.
fn passage_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// The word of `text` that a typo, neighbour or OCR clause matched.
fn passage_word(text: &str, query_word: &str, how: Resolve) -> Option<String> {
    let q = query_word.to_lowercase();
    let mut fold = folder();
    let qf = fold(&q);
    let words = passage_words(text);
    match how {
        Resolve::Term | Resolve::Compound => None,
        Resolve::Nearest => words
            .map(|w| (strsim::damerau_levenshtein(&fold(w), &qf), w))
            .filter(|(d, _)| *d <= 2)
            .min_by_key(|(d, _)| *d)
            .map(|(_, w)| w.to_string()),
        Resolve::CognateKey => {
            let key = crate::index::cognate::key(&q)?;
            words
                .into_iter()
                .find(|w| crate::index::cognate::key(&w.to_lowercase()).as_deref() == Some(&key))
                .map(str::to_string)
        }
        Resolve::NearKey => {
            let key = crate::index::cognate::key(&q)?;
            words
                .filter_map(|w| {
                    let k = crate::index::cognate::key(&w.to_lowercase())?;
                    let d = strsim::damerau_levenshtein(&k, &key);
                    (d <= 2).then_some((d, w))
                })
                .min_by_key(|(d, _)| *d)
                .map(|(_, w)| w.to_string())
        }
        Resolve::Prefix => words
            .into_iter()
            .find(|w| fold(&w.to_lowercase()).starts_with(&qf))
            .map(str::to_string),
        Resolve::Skeleton => {
            let sk = crate::index::analyzer::ocr_skeleton(&qf)?;
            words
                .into_iter()
                .find(|w| crate::index::analyzer::ocr_skeleton(&fold(w)).as_deref() == Some(&sk))
                .map(str::to_string)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_compound_part_is_explained_by_the_passage_compound_that_holds_it() {
        let clause = crate::plan::Clause::Terms {
            field: "parts".into(),
            terms: vec!["utdann".into()],
            boost: 0.4,
        };
        let text = "Utdanninga og vidareutdanning for lærarar.";
        assert_eq!(
            compound_of(text, &clause).as_deref(),
            Some("vidareutdanning")
        );
        // an inflection of the part alone is not a compound
        assert_eq!(compound_of("Utdanninga er viktig.", &clause), None);
    }

    #[test]
    fn passage_words_are_found_for_forms_of_the_query_word() {
        let text = "Organisationerna i Trendelag, kompetensförsörjning.";
        assert_eq!(
            passage_word(text, "organisasjonene", Resolve::CognateKey).as_deref(),
            Some("Organisationerna")
        );
        assert_eq!(
            passage_word(text, "kompetensförsörjnng", Resolve::Nearest).as_deref(),
            Some("kompetensförsörjning")
        );
        assert_eq!(
            passage_word(text, "Trøndelag", Resolve::Skeleton).as_deref(),
            Some("Trendelag")
        );
        assert_eq!(passage_word(text, "havn", Resolve::Nearest), None);
        // a truncated word: the first passage word beginning so
        assert_eq!(
            passage_word(text, "kompetensf", Resolve::Prefix).as_deref(),
            Some("kompetensförsörjning")
        );
        assert_eq!(passage_word(text, "trøndel", Resolve::Prefix), None);
    }
}
