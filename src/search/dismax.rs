//! A dis-max over a word's few field alternatives, built for intersections.
//!
//! Every query word is a dis-max over its analyses (title, each language's
//! exact and folded field, OCR skeleton, typo neighbours), and a query of
//! several words intersects those dis-maxes. tantivy's own
//! `DisjunctionMaxQuery` runs on its buffered union, which is fast for
//! walking every match but resets and refills a 4,096-document window on
//! each `seek` past it, and an intersection seeks on every candidate: at a
//! million passages that refill was the largest single cost of multi-word
//! and filtered queries. A word has only a handful of alternatives, and a
//! passage is in one language's field, so a plain minimum over the
//! alternatives' cursors is cheap to advance and seeks each alternative
//! with its own skip list. Where the alternatives together cover more than
//! an eighth of the segment ([`DENSE`]), seeks land inside the buffered
//! union's window anyway and its bitset walk is the faster one, so the
//! word falls back to tantivy's dis-max there. Scores are the same either
//! way: the best alternative plus `tie_breaker` times the others.
//!
//! That fallback is for a word whose matches are walked. A word an
//! intersection seeks stays a minimum of cursors however dense
//! ([`AllOfQuery`]): only the word leading the intersection is walked.

use std::sync::Arc;

use tantivy::query::{
    intersect_scorers, BooleanWeight, DisjunctionMaxCombiner, EmptyScorer, EnableScoring,
    Explanation, Occur, Query, Scorer, Weight,
};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

/// A word whose alternatives match more than `max_doc / DENSE` passages of
/// a segment uses tantivy's buffered dis-max there.
pub(crate) const DENSE: u32 = 8;

/// True when a word matching about `hint` passages is dense in `reader`'s
/// segment (see [`DENSE`]).
fn dense(hint: u64, reader: &SegmentReader) -> bool {
    hint > u64::from(reader.max_doc() / DENSE)
}

/// Dis-max of `alternatives` with a tie breaker, for one query word.
#[derive(Debug)]
pub struct WordQuery {
    alternatives: Vec<Box<dyn Query>>,
    tie_breaker: Score,
}

impl WordQuery {
    /// The best of `alternatives`, plus `tie_breaker` times the others.
    pub fn new(alternatives: Vec<Box<dyn Query>>, tie_breaker: Score) -> WordQuery {
        WordQuery {
            alternatives,
            tie_breaker,
        }
    }

    /// The weight, concrete: an [`AllOfQuery`] asks it for lazy scorers.
    fn word_weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<WordWeight> {
        // Each alternative's weight is made once and shared by both paths: making one reads
        // its terms' statistics, and a typo alternative builds its automaton.
        let children = self
            .alternatives
            .iter()
            .map(|q| Child::of(&**q, enable_scoring))
            .collect::<tantivy::Result<Vec<Child>>>()?;
        // tantivy's dis-max is this boolean weight (`DisjunctionMaxQuery::weight`)
        let tie_breaker = self.tie_breaker;
        let dense = BooleanWeight::with_minimum_number_should_match(
            children
                .iter()
                .map(|c| {
                    (
                        Occur::Should,
                        Box::new(Shared(c.weight())) as Box<dyn Weight>,
                    )
                })
                .collect(),
            1,
            enable_scoring.is_scoring_enabled(),
            Box::new(move || DisjunctionMaxCombiner::with_tie_breaker(tie_breaker)),
        );
        Ok(WordWeight {
            children,
            dense: Box::new(dense),
            tie_breaker,
        })
    }
}

impl Clone for WordQuery {
    fn clone(&self) -> Self {
        WordQuery {
            alternatives: self.alternatives.iter().map(|q| q.box_clone()).collect(),
            tie_breaker: self.tie_breaker,
        }
    }
}

impl Query for WordQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.word_weight(enable_scoring)?))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for q in &self.alternatives {
            q.query_terms(visitor);
        }
    }
}

/// A weight both [`WordWeight`]'s own union and its dense fallback use.
struct Shared(Arc<dyn Weight>);

impl Weight for Shared {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        self.0.scorer(reader, boost)
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.0.explain(reader, doc)
    }
}

/// An alternative of a word: a nested word (its variants, its stand-ins),
/// which can be asked for a lazy scorer too, or any other weight.
enum Child {
    Word(Arc<WordWeight>),
    Other(Arc<dyn Weight>),
}

impl Child {
    fn of(q: &dyn Query, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Child> {
        Ok(match q.downcast_ref::<WordQuery>() {
            Some(w) => Child::Word(Arc::new(w.word_weight(enable_scoring)?)),
            None => Child::Other(Arc::from(q.weight(enable_scoring)?)),
        })
    }

    fn weight(&self) -> Arc<dyn Weight> {
        match self {
            Child::Word(w) => w.clone(),
            Child::Other(w) => w.clone(),
        }
    }

    fn scorer(
        &self,
        reader: &SegmentReader,
        boost: Score,
        lazy: bool,
    ) -> tantivy::Result<Box<dyn Scorer>> {
        match self {
            Child::Word(w) => w.scorer_as(reader, boost, lazy),
            Child::Other(w) => w.scorer(reader, boost),
        }
    }
}

struct WordWeight {
    children: Vec<Child>,
    /// tantivy's dis-max, for segments where the word is dense.
    dense: Box<dyn Weight>,
    tie_breaker: Score,
}

impl WordWeight {
    /// The word's scorer on one segment; `lazy`: never the buffered union,
    /// however dense the word (it is seeked by an intersection, and the
    /// buffered union scores a whole window on every seek past it).
    fn scorer_as(
        &self,
        reader: &SegmentReader,
        boost: Score,
        lazy: bool,
    ) -> tantivy::Result<Box<dyn Scorer>> {
        let mut children = Vec::with_capacity(self.children.len());
        for c in &self.children {
            let s = c.scorer(reader, boost, lazy)?;
            if s.doc() != TERMINATED {
                children.push(s);
            }
        }
        let hint: u64 = children.iter().map(|c| u64::from(c.size_hint())).sum();
        if !lazy && children.len() > 1 && dense(hint, reader) {
            return self.dense.scorer(reader, boost);
        }
        Ok(match children.len() {
            0 => Box::new(EmptyScorer),
            1 => children.pop().unwrap_or_else(|| Box::new(EmptyScorer)),
            _ => Box::new(MinUnion::new(children, self.tie_breaker)),
        })
    }
}

impl Weight for WordWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        self.scorer_as(reader, boost, false)
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        explain_by_seek(
            self.scorer(reader, 1.0)?,
            doc,
            "dis-max of the word's fields",
        )
    }
}

/// An explanation of `scorer`'s score at `doc`, without the parts.
fn explain_by_seek(
    mut scorer: Box<dyn Scorer>,
    doc: DocId,
    what: &'static str,
) -> tantivy::Result<Explanation> {
    if scorer.seek(doc) != doc {
        return Err(tantivy::TantivyError::InvalidArgument(format!(
            "document {doc} does not match"
        )));
    }
    Ok(Explanation::new(what, scorer.score()))
}

/// Every one of `required` (query words and filters), scores added up, as
/// tantivy's boolean query of `Must` clauses; but its words are lazy
/// unions except the one that leads the intersection on a segment (the
/// one matching fewest passages), which may be buffered where dense: the
/// intersection walks the leader and seeks the others to each of its
/// matches, and a buffered union seeked past its window scores the whole
/// next window, most of which the leader never reaches.
///
/// Optional clauses (the query words' proximity) add their score where
/// they match an intersection's passage; they are seeked only there.
#[derive(Debug)]
pub struct AllOfQuery {
    required: Vec<Box<dyn Query>>,
    optional: Vec<Box<dyn Query>>,
}

impl AllOfQuery {
    /// Passages matching all of `required`.
    pub fn new(required: Vec<Box<dyn Query>>) -> AllOfQuery {
        AllOfQuery {
            required,
            optional: Vec::new(),
        }
    }

    /// The same, with `optional` adding their scores where they match too.
    pub fn with_optional(mut self, optional: Vec<Box<dyn Query>>) -> AllOfQuery {
        self.optional = optional;
        self
    }

    /// What every match must match.
    pub fn required(&self) -> &[Box<dyn Query>] {
        &self.required
    }

    /// What adds to a match's score where it matches too.
    pub fn optional(&self) -> &[Box<dyn Query>] {
        &self.optional
    }
}

impl Clone for AllOfQuery {
    fn clone(&self) -> Self {
        AllOfQuery::new(self.required.iter().map(|q| q.box_clone()).collect())
            .with_optional(self.optional.iter().map(|q| q.box_clone()).collect())
    }
}

impl Query for AllOfQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let required = self
            .required
            .iter()
            .map(|q| Child::of(&**q, enable_scoring))
            .collect::<tantivy::Result<Vec<Child>>>()?;
        // optional clauses only score: without scoring they change nothing
        let optional = if enable_scoring.is_scoring_enabled() {
            self.optional
                .iter()
                .map(|q| q.weight(enable_scoring))
                .collect::<tantivy::Result<Vec<_>>>()?
        } else {
            Vec::new()
        };
        Ok(Box::new(AllOfWeight { required, optional }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for q in self.required.iter().chain(&self.optional) {
            q.query_terms(visitor);
        }
    }
}

struct AllOfWeight {
    required: Vec<Child>,
    optional: Vec<Box<dyn Weight>>,
}

impl Weight for AllOfWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut scorers = Vec::with_capacity(self.required.len());
        for c in &self.required {
            let s = c.scorer(reader, boost, true)?;
            if s.doc() == TERMINATED {
                return Ok(Box::new(EmptyScorer));
            }
            scorers.push(s);
        }
        // the leader, when it is a word dense here, walks its matches buffered
        if let Some(lead) = (0..scorers.len()).min_by_key(|&i| scorers[i].cost()) {
            if let Child::Word(w) = &self.required[lead] {
                if dense(scorers[lead].size_hint().into(), reader) {
                    scorers[lead] = w.scorer_as(reader, boost, false)?;
                }
            }
        }
        let all = intersect_scorers(scorers, reader.num_docs());
        let mut optional = Vec::with_capacity(self.optional.len());
        for w in &self.optional {
            let s = w.scorer(reader, boost)?;
            if s.doc() != TERMINATED {
                optional.push(s);
            }
        }
        if optional.is_empty() {
            return Ok(all);
        }
        Ok(Box::new(WithOptional { all, optional }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        explain_by_seek(self.scorer(reader, 1.0)?, doc, "all of the query's words")
    }
}

/// An intersection's matches, scored with the optional clauses that match
/// them too (each seeked only to the intersection's passages), as tantivy's
/// boolean `Must` with `Should` clauses scores them.
struct WithOptional {
    all: Box<dyn Scorer>,
    optional: Vec<Box<dyn Scorer>>,
}

impl DocSet for WithOptional {
    fn advance(&mut self) -> DocId {
        self.all.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.all.seek(target)
    }

    fn doc(&self) -> DocId {
        self.all.doc()
    }

    fn size_hint(&self) -> u32 {
        self.all.size_hint()
    }

    fn cost(&self) -> u64 {
        self.all.cost()
    }
}

impl Scorer for WithOptional {
    fn score(&mut self) -> Score {
        let doc = self.all.doc();
        let mut score = self.all.score();
        for o in &mut self.optional {
            if o.doc() < doc {
                o.seek(doc);
            }
            if o.doc() == doc {
                score += o.score();
            }
        }
        score
    }
}

/// The union of a few scorers as the minimum of their cursors (each
/// cursor's position kept beside it, so finding the minimum makes no calls).
struct MinUnion {
    children: Vec<Box<dyn Scorer>>,
    docs: Vec<DocId>,
    doc: DocId,
    tie_breaker: Score,
}

impl MinUnion {
    fn new(children: Vec<Box<dyn Scorer>>, tie_breaker: Score) -> MinUnion {
        let docs = children.iter().map(|c| c.doc()).collect();
        let mut u = MinUnion {
            children,
            docs,
            doc: TERMINATED,
            tie_breaker,
        };
        u.settle();
        u
    }

    /// Move the children whose passage `moves` picks, by `by`, and take
    /// the smallest passage in the same pass (an intersection seeks a word
    /// at every passage its leader tries: a second pass over dozens of
    /// alternatives cost 9 % of a two-word query at 1M passages). Finished
    /// children are dropped only when one finishes.
    fn step(
        &mut self,
        moves: impl Fn(DocId) -> bool,
        mut by: impl FnMut(&mut dyn Scorer) -> DocId,
    ) -> DocId {
        let mut next = TERMINATED;
        let mut finished = false;
        for (c, d) in self.children.iter_mut().zip(self.docs.iter_mut()) {
            if moves(*d) {
                *d = by(c.as_mut());
                finished |= *d == TERMINATED;
            }
            next = next.min(*d);
        }
        if finished {
            self.settle();
        } else {
            self.doc = next;
        }
        self.doc
    }

    /// Drop finished children and take the smallest current doc.
    fn settle(&mut self) {
        let mut i = 0;
        while i < self.docs.len() {
            if self.docs[i] == TERMINATED {
                self.docs.swap_remove(i);
                drop(self.children.swap_remove(i));
            } else {
                i += 1;
            }
        }
        self.doc = self.docs.iter().copied().min().unwrap_or(TERMINATED);
    }
}

impl DocSet for MinUnion {
    fn advance(&mut self) -> DocId {
        // the children at the current passage
        let at = self.doc;
        self.step(|d| d == at, |c| c.advance())
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        self.step(|d| d < target, |c| c.seek(target))
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.children
            .iter()
            .map(|c| c.size_hint())
            .fold(0u32, u32::saturating_add)
    }

    fn cost(&self) -> u64 {
        self.children.iter().map(|c| c.cost()).sum()
    }
}

impl Scorer for MinUnion {
    fn score(&mut self) -> Score {
        let at = self.doc;
        let (mut best, mut sum) = (0.0f32, 0.0f32);
        for (c, d) in self.children.iter_mut().zip(&self.docs) {
            if *d == at {
                let s = c.score();
                best = best.max(s);
                sum += s;
            }
        }
        best + self.tie_breaker * (sum - best)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, DisjunctionMaxQuery, Occur, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{doc, Index};

    /// A BM25 term query.
    fn tq(f: tantivy::schema::Field, t: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(f, t),
            IndexRecordOption::WithFreqs,
        ))
    }

    /// An index in RAM with a `title` and a `body` text field.
    fn title_and_body() -> (Index, tantivy::schema::Field, tantivy::schema::Field) {
        let mut sb = Schema::builder();
        let title = sb.add_text_field("title", TEXT);
        let body = sb.add_text_field("body", TEXT);
        (Index::create_in_ram(sb.build()), title, body)
    }

    /// `a` and `b` match the same documents with the same scores (and some).
    fn same_matches(searcher: &tantivy::Searcher, a: &dyn Query, b: &dyn Query, what: &str) {
        let top = TopDocs::with_limit(5000).order_by_score();
        let mut x = searcher.search(a, &top).unwrap();
        let mut y = searcher.search(b, &top).unwrap();
        assert!(!x.is_empty(), "{what}");
        x.sort_by_key(|(_, d)| *d);
        y.sort_by_key(|(_, d)| *d);
        assert_eq!(x.len(), y.len(), "{what}");
        for ((sa, da), (sb, db)) in x.iter().zip(&y) {
            assert_eq!(da, db);
            assert!((sa - sb).abs() < 1e-4, "{what}: {sa} vs {sb}");
        }
    }

    /// Same documents and scores as tantivy's dis-max, alone and inside an
    /// intersection (where the seeks happen).
    #[test]
    fn scores_and_matches_like_tantivy_dismax_alone_and_intersected() {
        let (index, title, body) = title_and_body();
        let mut w = index.writer_with_num_threads(1, 15_000_000).unwrap();
        // `alpha` is sparse (the min-union), `beta` dense (tantivy's union)
        for i in 0..3000u32 {
            let t = if i % 97 == 0 { "alpha beta" } else { "gamma" };
            let b = match (i % 89, i % 3) {
                (0, _) => "alpha beta",
                (_, 0) => "beta delta",
                (_, 1) => "alpha alpha delta beta",
                _ => "delta",
            };
            let b = if i % 89 != 0 && i % 3 == 1 && i % 11 != 0 {
                "delta"
            } else {
                b
            };
            w.add_document(doc!(title => t, body => b)).unwrap();
        }
        w.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        for word in ["alpha", "beta"] {
            let alts = || vec![tq(title, word), tq(body, word)];
            let ours: Box<dyn Query> = Box::new(WordQuery::new(alts(), 0.1));
            let theirs: Box<dyn Query> =
                Box::new(DisjunctionMaxQuery::with_tie_breaker(alts(), 0.1));
            let and = |q: Box<dyn Query>| -> Box<dyn Query> {
                Box::new(BooleanQuery::new(vec![
                    (Occur::Must, q),
                    (Occur::Must, tq(body, "delta")),
                ]))
            };
            for (a, b) in [
                (ours.box_clone(), theirs.box_clone()),
                (and(ours), and(theirs)),
            ] {
                same_matches(&searcher, &*a, &*b, word);
            }
        }
    }

    /// An intersection of words, some dense (buffered where they lead,
    /// lazy where they are seeked) and a plain term, gives tantivy's
    /// boolean `Must` documents and scores.
    #[test]
    fn all_of_scores_and_matches_like_tantivys_required_clauses() {
        let (index, title, body) = title_and_body();
        let mut w = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for i in 0..5000u32 {
            // `common` in most passages, `mid` in a third, `rare` in a few
            let mut words = vec!["filler"];
            if i % 10 != 0 {
                words.push("common");
            }
            if i % 3 == 0 {
                words.push("mid");
            }
            if i % 41 == 0 {
                words.push("rare");
            }
            let t = if i % 7 == 0 { "common mid" } else { "other" };
            w.add_document(doc!(title => t, body => words.join(" ")))
                .unwrap();
        }
        w.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let alts = |word: &str| vec![tq(title, word), tq(body, word)];
        for words in [
            vec!["common", "mid"],
            vec!["common", "rare"],
            vec!["mid", "common", "rare"],
        ] {
            let ours: Box<dyn Query> = Box::new(AllOfQuery::new(
                words
                    .iter()
                    .map(|w| Box::new(WordQuery::new(alts(w), 0.1)) as Box<dyn Query>)
                    .chain(std::iter::once(tq(body, "filler")))
                    .collect(),
            ));
            let theirs: Box<dyn Query> = Box::new(BooleanQuery::new(
                words
                    .iter()
                    .map(|w| {
                        (
                            Occur::Must,
                            Box::new(DisjunctionMaxQuery::with_tie_breaker(alts(w), 0.1))
                                as Box<dyn Query>,
                        )
                    })
                    .chain(std::iter::once((Occur::Must, tq(body, "filler"))))
                    .collect(),
            ));
            same_matches(&searcher, &*ours, &*theirs, &format!("{words:?}"));
        }
        // optional clauses add their scores where they match, as `Should`
        // beside `Must` does; they match nothing on their own
        let ours: Box<dyn Query> = Box::new(
            AllOfQuery::new(vec![tq(body, "common"), tq(body, "mid")])
                .with_optional(vec![tq(body, "rare"), tq(title, "mid")]),
        );
        let theirs: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
            (Occur::Must, tq(body, "common")),
            (Occur::Must, tq(body, "mid")),
            (Occur::Should, tq(body, "rare")),
            (Occur::Should, tq(title, "mid")),
        ]));
        same_matches(&searcher, &*ours, &*theirs, "with optional clauses");
    }
}
