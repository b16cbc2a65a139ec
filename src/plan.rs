//! The seam between the search core and the engine that runs a search: a
//! backend-neutral [`Plan`] goes in, backend-neutral [`Found`] matches come
//! out.
//!
//! The core ([`crate::search`]) parses and analyses the query in Rust and
//! turns every word into [`Clause`] alternatives (a field, a term, a phrase
//! or a typo neighbourhood, and a weight) combined by a dis-max; an engine
//! only executes: the embedded tantivy index in-process
//! ([`crate::search::embedded`]), or an OpenSearch cluster over HTTP
//! ([`crate::opensearch`]), whose fields hold the same analysed tokens.
//! Grouping passages into documents, snippets and "did you mean" stay in
//! the core, shared by both.
//!
//! Field names are the embedded schema's ([`crate::index::schema`]); an
//! engine maps them to its own.

use std::collections::BTreeMap;

use crate::facet::Facet;

/// One alternative of a query word: where to look and how much a match counts.
#[derive(Debug, Clone, PartialEq)]
pub enum Clause {
    /// One analysed token in a field, scored by BM25.
    Term {
        /// Field name.
        field: String,
        /// The token.
        term: String,
        /// Weight.
        boost: f32,
    },
    /// Analysed tokens at their positions, adjacent (BM25 over the phrase).
    Phrase {
        /// Field name.
        field: String,
        /// `(position, token)` from the analyzer.
        terms: Vec<(usize, String)>,
        /// Weight.
        boost: f32,
    },
    /// Any of several analysed tokens in a field (one word's analyses in
    /// several languages), BM25 scores added up.
    Terms {
        /// Field name.
        field: String,
        /// The tokens.
        terms: Vec<String>,
        /// Weight.
        boost: f32,
    },
    /// Passages of documents holding a facet value (or one below it), with
    /// a constant score of `boost`.
    Facet {
        /// The facet.
        facet: Facet,
        /// The normalised path, e.g. `/norway/trondelag`.
        path: String,
        /// The constant score.
        boost: f32,
    },
    /// Every token within `distance` edits (transpositions count one), with
    /// a constant score of `boost`.
    Fuzzy {
        /// Field name.
        field: String,
        /// The token.
        term: String,
        /// Largest edit distance (1 or 2).
        distance: u8,
        /// The constant score.
        boost: f32,
    },
    /// Every token beginning with `prefix` (a word typed truncated,
    /// `klima*`), with a constant score of `boost`.
    Prefix {
        /// Field name.
        field: String,
        /// The beginning, as the field's analyzer gives it.
        prefix: String,
        /// The constant score.
        boost: f32,
    },
}

impl Clause {
    /// The clause's weight.
    pub fn boost(&self) -> f32 {
        match self {
            Clause::Term { boost, .. }
            | Clause::Phrase { boost, .. }
            | Clause::Terms { boost, .. }
            | Clause::Facet { boost, .. }
            | Clause::Fuzzy { boost, .. }
            | Clause::Prefix { boost, .. } => *boost,
        }
    }
}

/// BM25's inverse document frequency (Lucene's and tantivy's) of a word in
/// `doc_freq` of `passages` passages.
pub(crate) fn idf(doc_freq: u64, passages: u64) -> f32 {
    let passages = passages.max(doc_freq);
    (1.0 + (passages - doc_freq) as f32 / (doc_freq as f32 + 0.5)).ln()
}

/// How a sub-query takes part in a [`Node::Bool`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occur {
    /// Must match; adds its score.
    Must,
    /// May match (at least one when there is no `Must`); adds its score.
    Should,
    /// Must not match.
    MustNot,
}

/// A query tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// One word: the best alternative plus `tie_breaker` times the others.
    Word {
        /// The word's alternatives.
        alternatives: Vec<Clause>,
        /// Share of the other alternatives' scores added to the best one.
        tie_breaker: f32,
    },
    /// Sub-queries combined; scores add up.
    Bool(Vec<(Occur, Node)>),
    /// Sub-queries as alternatives: the best one plus `tie_breaker` times
    /// the others (a group's variants and translations; a word and what
    /// stands in for it where it is missing, with a tie breaker of 0).
    DisMax {
        /// The alternatives.
        nodes: Vec<Node>,
        /// Share of the other alternatives' scores added to the best one.
        tie_breaker: f32,
    },
    /// Matches where `node` matches, scoring its score plus `add` (the
    /// fallback counts with it which of a query's words a passage has).
    Plus {
        /// What must match.
        node: Box<Node>,
        /// Added to the score of every match.
        add: f32,
    },
    /// Matches nothing.
    Nothing,
}

/// Facet filters: facet → normalised paths (OR inside a facet, AND across
/// facets; a parent path matches its descendants).
pub type Filters = BTreeMap<Facet, Vec<String>>;

/// The order of hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Best match first (the default when there is a query).
    #[default]
    Relevance,
    /// Newest document first, undated documents last (the default when browsing).
    Date,
}

/// What an engine is asked to run.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The text query; `None` matches every passage (browsing by facets).
    pub text: Option<Node>,
    /// Any word instead of all: run when `text` finds too little (see
    /// [`wants_fallback`]), its documents listed below `text`'s.
    pub fallback: Option<Node>,
    /// Facet filters.
    pub filters: Filters,
    /// Only documents dated from this day on (`YYYYMMDD`, inclusive).
    pub from: Option<u64>,
    /// Only documents dated up to this day (`YYYYMMDD`, inclusive).
    pub to: Option<u64>,
    /// The order of the documents.
    pub sort: Sort,
    /// Clauses to test against each found document's best passage, to
    /// explain it ([`FoundDoc::matched`]); empty unless explaining.
    pub explain: Vec<Clause>,
    /// Documents wanted, best first (offset + limit).
    pub top: usize,
    /// The facets whose documents per value are counted.
    pub facets: crate::facet::FacetSet,
    /// Facets counted without their own filter (disjunctive counts: the
    /// facets the request itself filters on), with every other filter.
    pub disjunctive: Vec<Facet>,
}

impl Plan {
    /// The `top` best documents for `text`, by relevance, with no filters,
    /// facets or explanations.
    pub fn ranked(text: Option<Node>, top: usize) -> Plan {
        Plan {
            text,
            fallback: None,
            filters: Default::default(),
            from: None,
            to: None,
            sort: Sort::Relevance,
            explain: Vec::new(),
            top,
            facets: crate::facet::FacetSet::NONE,
            disjunctive: Vec::new(),
        }
    }
}

/// Document counts per facet value, paths with every ancestor, in
/// [`Facet::ALL`] order.
pub type FacetCounts = [std::collections::HashMap<String, u64>; Facet::ALL.len()];

/// The stored values of a passage a hit shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoredPassage {
    /// Document id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Source URL or path.
    pub url: String,
    /// Document language code.
    pub lang: String,
    /// The passage's language code.
    pub passage_lang: String,
    /// Page (0: none).
    pub page: u64,
    /// The document's date (`YYYYMMDD`), when it has one.
    pub date: Option<u64>,
    /// The passage text.
    pub text: String,
    /// Taxonomy facet → paths.
    pub facets: BTreeMap<String, Vec<String>>,
}

/// One matching document.
#[derive(Debug, Clone)]
pub struct FoundDoc {
    /// Document score: the best passage's plus the bonus for others.
    pub score: f32,
    /// The best passage.
    pub best: StoredPassage,
    /// Which of [`Plan::explain`]'s clauses the best passage matches (by index).
    pub matched: Vec<usize>,
}

/// What an engine found.
#[derive(Debug, Clone, Default)]
pub struct Found {
    /// Matching documents.
    pub total: u64,
    /// The best `plan.top` documents, best first.
    pub top: Vec<FoundDoc>,
    /// Facet counts, when asked for.
    pub facets: Option<FacetCounts>,
}

/// Term statistics the core plans with (which fields hold terms, in how
/// many passages a token occurs), answered by the engine.
pub trait Stats {
    /// How many passages the index holds.
    fn passages(&self) -> u64;
    /// True when some passage has a token in `field`.
    fn has_terms(&self, field: &str) -> bool;
    /// In how many passages `term` occurs in `field` (`None`: unknown).
    fn doc_freq(&self, field: &str, term: &str) -> Option<u64>;
    /// Terms of `field` that may lie within `max_edits` edits of `word`, with
    /// their passage counts (a superset: the caller measures the distance;
    /// a term may come more than once, its counts are added).
    fn neighbours(&self, field: &str, word: &str, max_edits: usize) -> Vec<(String, u64)>;
    /// True while a plan is only being recorded ([`Recorder`]): choices that
    /// depend on the statistics must then plan every branch, so that the
    /// real planning finds each count it asks for.
    fn recording(&self) -> bool {
        false
    }
}

/// When fewer documents than this have every word, documents with some of
/// the words fill the list below them (a page of results).
pub const FILL_BELOW: u64 = 10;

/// True when an engine whose `plan.text` found `found` documents is to run
/// `plan.fallback` too: when nothing has every word, and, in relevance
/// order, when fewer than [`FILL_BELOW`] documents have. The decision
/// depends on the query alone, never on the page, so every page of a
/// search counts and lists the same documents.
pub fn wants_fallback(plan: &Plan, found: u64) -> bool {
    plan.fallback.is_some() && (found == 0 || (found < FILL_BELOW && plan.sort == Sort::Relevance))
}

/// The list of a search that ran its fallback: the documents with every
/// word (`leading`, best first), then the fallback's (`rest`, best first)
/// that are not among them, the first `top` of those.
pub fn lead_with<T, K: PartialEq>(
    leading: Vec<T>,
    rest: Vec<T>,
    top: usize,
    key: impl Fn(&T) -> K,
) -> Vec<T> {
    let keys: Vec<K> = leading.iter().map(&key).collect();
    let mut out = leading;
    out.extend(rest.into_iter().filter(|d| !keys.contains(&key(d))));
    out.truncate(top);
    out
}

/// Relative bonus per doubling of the number of matching passages. None:
/// a document ranks by its best passage, as Lucene-tuned ranks them in the
/// judged set's runs. A bonus for a long report that speaks of the topic
/// throughout (0.08, then 0.04, 0.02) put long documents above the short
/// acts and pages that were the answer: the judged set's dev half, mean
/// nDCG@10, 0.8639 at 0.08, 0.8684 at 0.04, 0.8733 at 0.02, 0.8748 at 0.
pub const OTHER_PASSAGES_BONUS: f32 = 0.0;

/// True when [`document_score`] reads how many passages matched: an engine
/// that must count them apart (OpenSearch) need not.
pub const PASSAGE_COUNTS_SCORE: bool = OTHER_PASSAGES_BONUS > 0.0;

/// A document's score from its best passage's and how many passages matched:
/// the best plus [`OTHER_PASSAGES_BONUS`] per doubling.
pub fn document_score(best: f32, passages: u32) -> f32 {
    // log2(1) = 0, and most matches are one passage; with no bonus the
    // logarithm (about 2 % of a common word's search at a million
    // passages, taken for every matching document) adds nothing either
    if passages <= 1 || !PASSAGE_COUNTS_SCORE {
        return best;
    }
    best * (1.0 + OTHER_PASSAGES_BONUS * (passages as f32).log2())
}

/// Records which statistics a plan asks for (answering as if every term
/// were in one passage and every field held terms), so an engine behind a
/// network can fetch them all in one request before the real planning.
#[derive(Debug, Default)]
pub struct Recorder {
    fields: std::cell::RefCell<std::collections::BTreeSet<String>>,
    terms: std::cell::RefCell<std::collections::BTreeSet<(String, String)>>,
    near: std::cell::RefCell<std::collections::BTreeSet<Near>>,
}

/// A request for a term's neighbours: `(field, term, max_edits)`.
pub type Near = (String, String, usize);

/// What a plan asked for: fields, `(field, term)` pairs and neighbours.
#[derive(Debug, Default)]
pub struct Wanted {
    /// Fields asked whether they hold terms.
    pub fields: Vec<String>,
    /// `(field, term)` pairs asked for their passage counts.
    pub terms: Vec<(String, String)>,
    /// Terms asked for their neighbours.
    pub near: Vec<Near>,
}

impl Recorder {
    /// The neighbour requests asked for so far, forgotten.
    pub fn take_near(&self) -> Vec<Near> {
        std::mem::take(&mut *self.near.borrow_mut())
            .into_iter()
            .collect()
    }

    /// The fields, `(field, term)` pairs and neighbour requests asked for.
    pub fn wanted(self) -> Wanted {
        Wanted {
            fields: self.fields.into_inner().into_iter().collect(),
            terms: self.terms.into_inner().into_iter().collect(),
            near: self.near.into_inner().into_iter().collect(),
        }
    }
}

impl Stats for Recorder {
    fn passages(&self) -> u64 {
        1
    }

    fn has_terms(&self, field: &str) -> bool {
        self.fields.borrow_mut().insert(field.to_string());
        true
    }

    fn doc_freq(&self, field: &str, term: &str) -> Option<u64> {
        self.terms
            .borrow_mut()
            .insert((field.to_string(), term.to_string()));
        Some(1)
    }

    fn neighbours(&self, field: &str, word: &str, max_edits: usize) -> Vec<(String, u64)> {
        self.near
            .borrow_mut()
            .insert((field.to_string(), word.to_string(), max_edits));
        Vec::new()
    }

    fn recording(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idf_falls_as_a_word_spreads() {
        assert!(idf(1, 1000) > idf(10, 1000));
        assert!(idf(10, 1000) > idf(500, 1000));
        assert!(idf(1000, 1000) >= 0.0);
        // more passages than counted never underflow
        assert!(idf(5, 3).is_finite());
    }

    #[test]
    fn documents_with_every_word_lead_and_the_fallback_fills_below_without_repeats() {
        let out = lead_with(vec![3, 1], vec![1, 7, 3, 9, 4], 4, |d| *d);
        assert_eq!(out, [3, 1, 7, 9]);
        assert_eq!(lead_with(vec![3, 1], vec![8], 1, |d| *d), [3]);
    }

    #[test]
    fn the_fallback_runs_for_too_few_documents_in_relevance_order_only() {
        let mut plan = Plan::ranked(Some(Node::Nothing), 10);
        assert!(!wants_fallback(&plan, 0), "no fallback planned");
        plan.fallback = Some(Node::Nothing);
        assert!(wants_fallback(&plan, 0));
        assert!(wants_fallback(&plan, FILL_BELOW - 1));
        assert!(!wants_fallback(&plan, FILL_BELOW));
        // by date, a partial match would sit among full matches
        plan.sort = Sort::Date;
        assert!(wants_fallback(&plan, 0));
        assert!(!wants_fallback(&plan, 1));
    }
}
