//! "Similar documents": the documents sharing a document's salient words
//! and its place in the taxonomy, as a [`Plan`] like any search's, so both
//! engines run the same query and give the same list.
//!
//! The words are picked the way Lucene's and tantivy's more-like-this pick
//! them, but here, from the engine's [`Stats`], not inside the engine: on a
//! cluster each shard would pick from its own statistics and the lists
//! would drift apart with the shard layout. A word counts when it occurs at
//! least [`MIN_TERM_FREQ`] times in the document's text (its language's
//! exact field) or title, has at least [`MIN_WORD_CHARS`] letters and is in
//! at most a third of the passages; the [`MAX_TERMS`] best by term
//! frequency × inverse document frequency become optional terms weighted
//! by that score relative to the best. The document's region, programme,
//! network and theme values add a constant [`FACET_WEIGHT`] each.

use std::collections::HashMap;

use crate::document::Document;
use crate::facet::Facet;
use crate::index::{analyzer, schema};
use crate::plan::{idf, Clause, Node, Occur, Plan, Stats};

/// Times a word must occur in the document to characterise it.
pub(crate) const MIN_TERM_FREQ: usize = 2;
/// Shorter words say little about a document.
pub(crate) const MIN_WORD_CHARS: usize = 4;
/// Words the query is made of, at most.
pub(crate) const MAX_TERMS: usize = 30;
/// Score a shared region, programme, network or theme value adds.
pub(crate) const FACET_WEIGHT: f32 = 0.5;

/// The plan for the `n` documents most like `doc`, never `doc` itself
/// (`stats` may be a [`crate::plan::Recorder`]: every term it is asked
/// about is a candidate).
pub(crate) fn plan(doc: &Document, n: usize, stats: &dyn Stats) -> Plan {
    let lang = analyzer::analyzed_for(doc.lang);
    let mut counts: HashMap<(String, String), usize> = HashMap::new();
    let fields = [
        (
            schema::TITLE.to_string(),
            analyzer::title_analyzer(),
            doc.title.clone(),
        ),
        (
            schema::body_field_name(lang.key),
            analyzer::exact_analyzer(lang),
            doc.similarity_text(),
        ),
    ];
    for (field, mut a, text) in fields {
        for t in analyzer::tokens(&mut a, &text) {
            if t.text.chars().count() >= MIN_WORD_CHARS {
                *counts.entry((field.clone(), t.text)).or_default() += 1;
            }
        }
    }
    let passages = stats.passages();
    let max_doc_freq = (passages / 3).max(2);
    let mut scored: Vec<(f32, String, String)> = counts
        .into_iter()
        .filter(|(_, tf)| *tf >= MIN_TERM_FREQ)
        .filter_map(|((field, term), tf)| {
            let df = stats.doc_freq(&field, &term)?;
            (df >= 1 && df <= max_doc_freq).then(|| (tf as f32 * idf(df, passages), field, term))
        })
        .collect();
    // best first; equal scores in a fixed order, so every engine asks alike
    scored.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| a.1.cmp(&b.1))
            .then_with(|| a.2.cmp(&b.2))
    });
    scored.truncate(MAX_TERMS);
    let best = scored.first().map_or(1.0, |s| s.0);
    let mut should: Vec<(Occur, Node)> = scored
        .into_iter()
        .map(|(score, field, term)| {
            let boost = score / best;
            (Occur::Should, word(Clause::Term { field, term, boost }))
        })
        .collect();
    for v in &doc.facets {
        let Some(facet) = Facet::parse(&v.facet).filter(|f| f.hierarchical()) else {
            continue;
        };
        let path = v.path.trim_end_matches('/');
        if path.starts_with('/') && path.len() > 1 {
            should.push((
                Occur::Should,
                word(Clause::Facet {
                    facet,
                    path: path.to_string(),
                    boost: FACET_WEIGHT,
                }),
            ));
        }
    }
    let text = if should.is_empty() {
        Node::Nothing
    } else {
        should.push((
            Occur::MustNot,
            word(Clause::Term {
                field: schema::ID.to_string(),
                term: doc.id.clone(),
                boost: 1.0,
            }),
        ));
        Node::Bool(should)
    };
    Plan::ranked(Some(text), n)
}

fn word(c: Clause) -> Node {
    Node::Word {
        alternatives: vec![c],
        tie_breaker: 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Recorder;

    #[test]
    fn only_repeated_long_words_are_asked_about() {
        let doc = Document::bokmaal_text(
            "d",
            "Havbruk",
            "Havbruk og havbruk. Kyst kyst kyst. Fiskeri.",
        );
        let recorder = Recorder::default();
        let plan = plan(&doc, 5, &recorder);
        let terms = recorder.wanted().terms;
        let words: Vec<&str> = terms.iter().map(|(_, t)| t.as_str()).collect();
        // `havbruk` twice in the text; `kyst` has four letters and three
        // occurrences; `fiskeri` once; the title's `havbruk` once
        assert!(words.contains(&"havbruk"), "{words:?}");
        assert!(words.contains(&"kyst"), "{words:?}");
        assert!(!words.contains(&"fiskeri"), "{words:?}");
        let Some(Node::Bool(clauses)) = plan.text else {
            panic!("a bool query")
        };
        assert_eq!(
            clauses.last().map(|(o, _)| *o),
            Some(Occur::MustNot),
            "never the document itself"
        );
    }
}
