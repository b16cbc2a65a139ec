//! The best documents of a search without scoring every matching passage.
//!
//! A common word matches tens of thousands of documents at a million
//! passages, and the grouping collector ([`super::collector`]) scores every
//! one of their passages to find the ten best. This collector walks each
//! segment in windows of whole documents (about [`WINDOW`] passages). In a
//! window it first reads the clauses' decoded posting blocks: which clauses
//! match which passage (a bit each), each term's frequency there, and each
//! term's block maximum (the BM25 of the best term-frequency and length
//! pair tantivy keeps per block of 128 postings). A document's bound is the
//! block maxima of the clauses its passages match, combined as the query
//! combines them, times the bonus for its number of matching passages
//! ([`crate::plan::document_score`]); where that is not low enough, the
//! best of its passages' bounds, each by the clauses that passage matches.
//! A document whose bound is below the
//! `n`-th best document scored so far cannot be among the `n` best: it is
//! listed with its passage count and no score ([`UNSCORED`]). The others
//! are scored passage by passage from the frequencies read, with BM25
//! weights made as tantivy's term queries make theirs and the clauses
//! combined in the order the query's scorers combine them.
//!
//! The answer is the full walk's: the same `n` best documents with the same
//! scores (to float rounding), the same total, and every matching document
//! with its passage count for the facet counts. That is Lucene's block-max
//! pruning, kept exact for documents made of passages.
//!
//! A query is pruned when it is a disjunction of a word's alternatives,
//! dis-maxes, optional clauses and constants added (a single word, or the
//! any-word fallback of several), with groups of words required together
//! inside it (a compound's parts) or as the whole (every word of a query
//! of a few words). Terms are read from their blocks; any other clause (a
//! phrase, a fuzzy word, an exclusion) is walked in full in each window,
//! bounded by its own best score there. A passage's clauses are a 64-bit
//! set; past 64 clauses a bit stands for several clauses in a row (bounds
//! then take all of them as matching, still bounds), and a query that also
//! requires parts is left to the full walk, as is one whose terms are rare
//! ([`WORTH`]; of words required together, the rarest): their short
//! postings, or the intersection led by the rarest, are cheaper walked
//! than windowed.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::BlockSegmentPostings;
use tantivy::query::{Bm25StatisticsProvider, Bm25Weight, EnableScoring, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption, Schema};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader, Term};

use super::collector::{
    DocMatch, DocumentFilter, GroupByDocument, Matches, SegmentFilter, SegmentMatches, Verdict,
};
use crate::index::facet_tables::SegmentFacets;
use crate::plan::{Clause, Node, Occur};

/// About how many passages one window spans (it ends at a document's end).
const WINDOW: u32 = 2048;

/// A segment is walked in windows when its terms have at least one
/// posting per `WORTH` passages.
const WORTH: u32 = 4;

/// The score a document of a window that was not scored carries: below any
/// real score, so it never reaches a page.
pub const UNSCORED: Score = Score::NEG_INFINITY;

/// How a query combines its clauses' scores, with the clauses as leaves.
#[derive(Debug, Clone)]
enum Shape {
    /// A clause, by its index.
    Leaf(usize),
    /// The best of the children plus `tie` times the others.
    Max(Vec<Shape>, Score),
    /// The sum of the children that match.
    Sum(Vec<Shape>),
    /// The child's score plus a constant, where it matches.
    Plus(Box<Shape>, Score),
    /// Every required child must match; the score is theirs summed, plus
    /// the optional children's that match.
    All(Vec<Shape>, Vec<Shape>),
}

impl Shape {
    /// Its clauses, into `out`.
    fn leaves(&self, out: &mut Vec<usize>) {
        match self {
            Shape::Leaf(i) => out.push(*i),
            Shape::Max(children, _) | Shape::Sum(children) => {
                children.iter().for_each(|c| c.leaves(out))
            }
            Shape::Plus(child, _) => child.leaves(out),
            Shape::All(required, optional) => {
                required.iter().chain(optional).for_each(|c| c.leaves(out))
            }
        }
    }

    /// The shape as it scores where only the clauses `active` match: the
    /// others are left out, and every part that cannot match without them
    /// (`None`: nothing can); a best-of or sum of one child is that child.
    /// Scores are the same to the bit: what is left out added nothing, and
    /// the rest combine in the same order.
    fn within(&self, active: &[bool]) -> Option<Shape> {
        let kept = |children: &[Shape]| -> Vec<Shape> {
            children.iter().filter_map(|c| c.within(active)).collect()
        };
        // none: nothing; one: itself
        fn one_or(
            mut children: Vec<Shape>,
            many: impl FnOnce(Vec<Shape>) -> Shape,
        ) -> Option<Shape> {
            match children.len() {
                0 => None,
                1 => children.pop(),
                _ => Some(many(children)),
            }
        }
        match self {
            Shape::Leaf(i) => active
                .get(*i)
                .copied()
                .unwrap_or(false)
                .then_some(Shape::Leaf(*i)),
            Shape::Max(children, tie) => one_or(kept(children), |c| Shape::Max(c, *tie)),
            Shape::Sum(children) => one_or(kept(children), Shape::Sum),
            Shape::Plus(child, add) => child.within(active).map(|c| Shape::Plus(Box::new(c), *add)),
            Shape::All(required, optional) => Some(Shape::All(
                required
                    .iter()
                    .map(|c| c.within(active))
                    .collect::<Option<_>>()?,
                kept(optional),
            )),
        }
    }

    /// How many postings a walk of the shape reads where it must, given
    /// each clause's (`postings[i]`): all of them, except that of words
    /// required together only the fewest count (an intersection walked in
    /// full seeks through the others).
    fn postings(&self, postings: &[u64]) -> u64 {
        match self {
            Shape::All(required, _) => required
                .iter()
                .map(|c| c.postings(postings))
                .min()
                .unwrap_or(0),
            other => {
                let mut leaves = Vec::new();
                other.leaves(&mut leaves);
                leaves.iter().filter_map(|&i| postings.get(i)).sum()
            }
        }
    }

    /// Whether a passage may match some of the shape's clauses and not the
    /// shape (it holds a group of required parts).
    fn requires(&self) -> bool {
        match self {
            Shape::Leaf(_) => false,
            Shape::Max(children, _) | Shape::Sum(children) => children.iter().any(Shape::requires),
            Shape::Plus(child, _) => child.requires(),
            Shape::All(..) => true,
        }
    }
}

/// A [`Shape`] flattened to a sequence of steps, children before their
/// parent, evaluated on a stack (it runs for every document a window may
/// hold and every passage scored, where a recursion over the shape cost a
/// fifth of a common word's search).
#[derive(Debug, Clone)]
struct Program {
    steps: Vec<Step>,
    /// The parts (their last step and their clauses' bits) whose steps
    /// start at a step, outermost first: skipped when none is present. Those
    /// of step `i` are `skips[skips_from[i]..skips_from[i + 1]]`.
    skips: Vec<(usize, u64)>,
    skips_from: Vec<usize>,
    /// Clauses per bit of a set of clauses.
    group: usize,
    clauses: usize,
    /// The bits whose clauses' match alone is a match of the whole (every
    /// clause's bit, unless some are parts required together).
    alone: u64,
}

#[derive(Debug, Clone, Copy)]
enum Step {
    /// A clause, and its bit.
    Leaf(usize, u64),
    Max(usize, Score),
    Sum(usize),
    Plus(Score),
    All(usize, usize),
}

impl Program {
    /// The program of `shape`, whose clauses number `clauses`.
    fn of(shape: &Shape, clauses: usize) -> Program {
        let group = clauses.div_ceil(64).max(1);
        // returns the first step of the shape's steps and its clauses' bits
        fn walk(
            shape: &Shape,
            group: usize,
            steps: &mut Vec<Step>,
            spans: &mut Vec<(usize, usize, u64)>,
        ) -> (usize, u64) {
            let children = |cs: &mut dyn Iterator<Item = &Shape>,
                            steps: &mut Vec<Step>,
                            spans: &mut Vec<(usize, usize, u64)>|
             -> (usize, u64) {
                let (mut first, mut bits) = (usize::MAX, 0);
                for c in cs {
                    let (f, b) = walk(c, group, steps, spans);
                    first = first.min(f);
                    bits |= b;
                }
                (first.min(steps.len()), bits)
            };
            let (first, bits) = match shape {
                Shape::Leaf(i) => {
                    let bit = bit_of(*i, group);
                    steps.push(Step::Leaf(*i, bit));
                    return (steps.len() - 1, bit);
                }
                Shape::Max(cs, tie) => {
                    let r = children(&mut cs.iter(), steps, spans);
                    steps.push(Step::Max(cs.len(), *tie));
                    r
                }
                Shape::Sum(cs) => {
                    let r = children(&mut cs.iter(), steps, spans);
                    steps.push(Step::Sum(cs.len()));
                    r
                }
                Shape::Plus(child, add) => {
                    let r = children(&mut std::iter::once(&**child), steps, spans);
                    steps.push(Step::Plus(*add));
                    r
                }
                Shape::All(required, optional) => {
                    let r = children(&mut required.iter().chain(optional), steps, spans);
                    steps.push(Step::All(required.len(), optional.len()));
                    r
                }
            };
            spans.push((first, steps.len() - 1, bits));
            (first, bits)
        }
        let (mut steps, mut spans) = (Vec::new(), Vec::new());
        walk(shape, group, &mut steps, &mut spans);
        // per first step, the subtrees starting there, outermost first
        let mut starting: Vec<(usize, usize, u64)> = spans
            .into_iter()
            .filter(|(first, root, _)| first < root)
            .collect();
        starting.sort_by_key(|&(first, root, _)| (first, std::cmp::Reverse(root)));
        let mut skips_from = Vec::with_capacity(steps.len() + 1);
        let mut next = 0;
        for step in 0..=steps.len() {
            while starting.get(next).is_some_and(|s| s.0 < step) {
                next += 1;
            }
            skips_from.push(next);
        }
        Program {
            steps,
            skips: starting
                .into_iter()
                .map(|(_, root, bits)| (root, bits))
                .collect(),
            skips_from,
            group,
            clauses,
            alone: 0,
        }
    }

    /// The program of `shape`, whose clauses number `clauses`, knowing
    /// which bits match alone.
    fn whole(shape: &Shape, clauses: usize) -> Program {
        let mut program = Program::of(shape, clauses);
        let (some, stack) = (vec![Some(0.0); clauses], &mut Vec::new());
        program.alone = (0..64)
            .map(|b| 1u64 << b)
            .filter(|&b| program.bound(&some, b, stack).is_some())
            .fold(0, |all, b| all | b);
        program
    }

    /// The bit of clause `i` in a set of clauses: each bit stands for
    /// `group` clauses in a row (one, for up to 64 clauses).
    fn bit(&self, i: usize) -> u64 {
        bit_of(i, self.group)
    }

    /// The clauses bit `b` stands for.
    fn clauses_of(&self, b: usize) -> std::ops::Range<usize> {
        (b * self.group).min(self.clauses)..((b + 1) * self.group).min(self.clauses)
    }

    /// The highest score the combination can reach with each clause at
    /// most its bound (`None`: the clause has no match) and only the
    /// clauses in `present` matching; `None` when the combination does not
    /// match. Every combination is non-decreasing in each child, so bounds
    /// in give a bound out, and scores in give the score, combined in the
    /// order the query's scorers combine them. `stack` is scratch.
    fn bound(
        &self,
        leaves: &[Option<Score>],
        present: u64,
        stack: &mut Vec<Option<Score>>,
    ) -> Option<Score> {
        stack.clear();
        let mut at = 0;
        'steps: while let Some(&step) = self.steps.get(at) {
            // a part with none of its clauses present is `None` as a whole
            let skips = self.skips_from[at]..self.skips_from[at + 1];
            for &(root, bits) in &self.skips[skips] {
                if present & bits == 0 {
                    stack.push(None);
                    at = root + 1;
                    continue 'steps;
                }
            }
            at += 1;
            // the children's values are the top of the stack
            let value = match step {
                Step::Leaf(i, bit) => {
                    if present & bit != 0 {
                        leaves.get(i).copied().flatten()
                    } else {
                        None
                    }
                }
                Step::Max(n, tie) => {
                    let from = stack.len() - n;
                    let mut any = false;
                    let (mut best, mut sum) = (0.0f32, 0.0f32);
                    for &b in stack[from..].iter().flatten() {
                        any = true;
                        best = best.max(b);
                        sum += b;
                    }
                    stack.truncate(from);
                    any.then_some(best + tie * (sum - best))
                }
                Step::Sum(n) => {
                    let from = stack.len() - n;
                    let sum = stack[from..].iter().flatten().copied().reduce(|a, b| a + b);
                    stack.truncate(from);
                    sum
                }
                Step::Plus(add) => stack.pop().flatten().map(|b| b + add),
                Step::All(required, optional) => {
                    let from = stack.len() - required - optional;
                    let mut sum = 0.0f32;
                    let mut all = true;
                    for (k, b) in stack[from..].iter().enumerate() {
                        match b {
                            Some(b) => sum += b,
                            None if k < required => all = false,
                            None => {}
                        }
                    }
                    stack.truncate(from);
                    all.then_some(sum)
                }
            };
            stack.push(value);
        }
        stack.pop().flatten()
    }
}

/// The bit of clause `i` in a set of clauses where each bit stands for
/// `group` clauses in a row.
fn bit_of(i: usize, group: usize) -> u64 {
    1 << (i / group).min(63)
}

/// One clause of a prunable query.
#[derive(Debug)]
enum Leaf {
    /// A BM25 term, bounded by its posting blocks.
    Term {
        field: Field,
        term: Term,
        boost: Score,
    },
    /// Anything else: walked, and bounded by its best score in the window.
    Other(Box<dyn Query>),
}

/// A query that is a disjunction all the way down, as its clauses and the
/// way it combines them.
#[derive(Debug)]
pub struct Prunable {
    shape: Shape,
    leaves: Vec<Leaf>,
}

impl Prunable {
    /// The clauses and shape of `node` as [`super::embedded::query`] builds
    /// it; `None` when it requires parts (or every word) and has more than
    /// 64 clauses.
    pub fn of(node: &Node, schema: &Schema) -> Option<Prunable> {
        let mut leaves = Vec::new();
        let shape = Self::shape(node, schema, &mut leaves)?;
        // a query that is one walked clause has nothing to prune; a query
        // that requires (see `Shape::requires`) needs a bit per clause
        if leaves.iter().all(|l| matches!(l, Leaf::Other(_)))
            || (shape.requires() && leaves.len() > 64)
        {
            return None;
        }
        Some(Prunable { shape, leaves })
    }

    fn shape(node: &Node, schema: &Schema, leaves: &mut Vec<Leaf>) -> Option<Shape> {
        Some(match node {
            Node::Nothing => Shape::Sum(Vec::new()),
            // one required clause scores as that clause alone
            Node::Bool(clauses) if matches!(clauses.as_slice(), [(Occur::Must, _)]) => {
                Self::shape(&clauses[0].1, schema, leaves)?
            }
            // words required together (a compound's parts), maybe with
            // optional ones (their proximity)
            Node::Bool(clauses)
                if clauses.iter().any(|(o, _)| *o == Occur::Must)
                    && clauses.iter().all(|(o, _)| *o != Occur::MustNot) =>
            {
                let mut of = |occur: Occur| -> Option<Vec<Shape>> {
                    clauses
                        .iter()
                        .filter(|(o, _)| *o == occur)
                        .map(|(_, n)| Self::shape(n, schema, leaves))
                        .collect()
                };
                let required = of(Occur::Must)?;
                Shape::All(required, of(Occur::Should)?)
            }
            // an exclusion: a clause of its own, walked
            Node::Bool(clauses) if clauses.iter().any(|(o, _)| *o != Occur::Should) => {
                leaves.push(Leaf::Other(super::embedded::query(node, schema)));
                Shape::Leaf(leaves.len() - 1)
            }
            Node::Bool(clauses) => Shape::Sum(
                clauses
                    .iter()
                    .map(|(_, n)| Self::shape(n, schema, leaves))
                    .collect::<Option<_>>()?,
            ),
            Node::Word {
                alternatives,
                tie_breaker,
            } => {
                let mut children = Vec::new();
                for c in alternatives {
                    let leaf = match c {
                        Clause::Term { field, term, boost } => {
                            let Ok(f) = schema.get_field(field) else {
                                continue; // as `clause`: a field not in the schema is left out
                            };
                            Leaf::Term {
                                field: f,
                                term: Term::from_field_text(f, term),
                                boost: *boost,
                            }
                        }
                        other => match super::embedded::clause(other, schema) {
                            Some(q) => Leaf::Other(q),
                            None => continue,
                        },
                    };
                    leaves.push(leaf);
                    children.push(Shape::Leaf(leaves.len() - 1));
                }
                Shape::Max(children, *tie_breaker)
            }
            Node::DisMax { nodes, tie_breaker } => Shape::Max(
                nodes
                    .iter()
                    .map(|n| Self::shape(n, schema, leaves))
                    .collect::<Option<_>>()?,
                *tie_breaker,
            ),
            Node::Plus { node, add } => {
                Shape::Plus(Box::new(Self::shape(node, schema, leaves)?), *add)
            }
        })
    }

    /// The collector of the `n` best documents of this query (and every
    /// matching document, unscored where it cannot be among them), with
    /// `statistics` as the query's weight was made with and the segments'
    /// tables of documents; `None` when the terms have fewer than one
    /// posting per [`WORTH`] passages: the windows would cost more than
    /// the scores they save.
    pub fn collector(
        &self,
        n: usize,
        statistics: &dyn Bm25StatisticsProvider,
        scoring: EnableScoring<'_>,
        tables: Vec<Option<Arc<SegmentFacets>>>,
    ) -> tantivy::Result<Option<TopDocuments>> {
        let passages = statistics.total_num_docs()?;
        let mut frequencies = Vec::with_capacity(self.leaves.len());
        for leaf in &self.leaves {
            frequencies.push(match leaf {
                Leaf::Term { term, .. } => statistics.doc_freq(term)?,
                Leaf::Other(_) => 0,
            });
        }
        if passages == 0 || self.shape.postings(&frequencies) < passages / u64::from(WORTH) {
            return Ok(None);
        }
        let mut leaves = Vec::with_capacity(self.leaves.len());
        for (i, (leaf, frequency)) in self.leaves.iter().zip(frequencies).enumerate() {
            leaves.push(match leaf {
                Leaf::Term { field, term, boost } => {
                    // as `Bm25Weight::for_terms` weighs one term
                    let average = statistics.total_num_tokens(*field)? as Score / passages as Score;
                    // the first clause of the same term, at a weight above
                    // zero: its postings are read once for both
                    let same = self.leaves[..i].iter().position(|l| {
                        matches!(l, Leaf::Term { term: t, boost: b, .. } if t == term && *b > 0.0)
                    });
                    let scale = match same.map(|j| &self.leaves[j]) {
                        Some(Leaf::Term { boost: b, .. }) => *boost / *b,
                        _ => 1.0,
                    };
                    LeafWeight::Term {
                        field: *field,
                        term: term.clone(),
                        bm25: Bm25Weight::for_one_term(frequency, passages, average)
                            .boost_by(*boost),
                        average,
                        same: same.map(|j| (j, scale)),
                    }
                }
                Leaf::Other(q) => LeafWeight::Other(q.weight(scoring)?),
            });
        }
        Ok(Some(TopDocuments {
            n,
            shape: self.shape.clone(),
            program: Program::whole(&self.shape, self.leaves.len()),
            leaves,
            tables,
            filter: None,
        }))
    }
}

/// A clause ready to run on segments.
enum LeafWeight {
    Term {
        field: Field,
        term: Term,
        bm25: Bm25Weight,
        /// The average length the weight scores with.
        average: f32,
        /// An earlier clause of the same term, and this weight over that
        /// one's: a word's variants and translations often share a stem
        /// (`kommun` from `kommunen`, `kommunane`, `kommune`).
        same: Option<(usize, f32)>,
    },
    Other(Box<dyn Weight>),
}

/// A clause's cursor in one segment (a term's decoded block is most of
/// its size; one per clause per segment, made once and never moved).
#[allow(clippy::large_enum_variant)]
enum Cursor {
    Term {
        postings: BlockSegmentPostings,
        norms: FieldNormReader,
        bm25: Bm25Weight,
        /// What the blocks' maxima are multiplied by to bound this
        /// weight's scores (see [`safety`]).
        safety: f32,
        /// Index of the first posting not yet marked, in the loaded block.
        at: usize,
    },
    /// A term whose postings clause `of` reads: its matches are that
    /// clause's, its bound that clause's times `scale` (the weights differ
    /// by their boosts only), its scores its own.
    Same {
        of: usize,
        scale: f32,
        /// `of`'s number of postings.
        postings: u32,
        norms: FieldNormReader,
        bm25: Bm25Weight,
    },
    Other(Box<dyn Scorer>),
}

/// tantivy keeps, per block, the (frequency, length) pair with the highest
/// BM25 under the segment's own average length; scored with another average
/// (the index's, here) another pair of the block may score higher, by at most
/// the ratio of the two averages either way (the length term `k1 (1 - b + b
/// len / avg)` moves by at most that ratio). So the block maximum times that
/// ratio bounds every score of the block.
fn safety(segment_average: f32, average: f32) -> f32 {
    if segment_average > 0.0 && average > 0.0 {
        (segment_average / average).max(average / segment_average)
    } else {
        f32::INFINITY
    }
}

/// The collector [`Prunable::collector`] makes.
pub struct TopDocuments {
    n: usize,
    shape: Shape,
    program: Program,
    leaves: Vec<LeafWeight>,
    tables: Vec<Option<Arc<SegmentFacets>>>,
    filter: Option<DocumentFilter>,
}

impl TopDocuments {
    /// The same collector drawing the page from the documents `filter`
    /// lets through, and listing those it nearly does; `None` when a
    /// segment has no table of documents to read their facets from.
    pub fn filtered(self, filter: DocumentFilter) -> Option<TopDocuments> {
        self.tables
            .iter()
            .all(Option::is_some)
            .then_some(TopDocuments {
                filter: Some(filter),
                ..self
            })
    }

    /// The terms' cursors in `reader`'s segment (`None` for a term absent
    /// there and, until [`Self::other_cursors`], for the other clauses).
    fn term_cursors(&self, reader: &SegmentReader) -> tantivy::Result<Vec<Option<Cursor>>> {
        let max_doc = reader.max_doc().max(1) as f32;
        let mut out = Vec::with_capacity(self.leaves.len());
        for leaf in &self.leaves {
            let LeafWeight::Term {
                field,
                term,
                bm25,
                average,
                same,
            } = leaf
            else {
                out.push(None);
                continue;
            };
            if let Some((of, scale)) = *same {
                let same = match out.get(of) {
                    Some(Some(Cursor::Term {
                        postings, norms, ..
                    })) => Some(Cursor::Same {
                        of,
                        scale,
                        postings: postings.doc_freq(),
                        norms: norms.clone(),
                        bm25: bm25.clone(),
                    }),
                    _ => None, // absent from this segment
                };
                out.push(same);
                continue;
            }
            let index = reader.inverted_index(*field)?;
            out.push(
                index
                    .read_block_postings(term, IndexRecordOption::WithFreqs)?
                    .map(|postings| Cursor::Term {
                        postings,
                        norms: reader
                            .get_fieldnorms_reader(*field)
                            .unwrap_or_else(|_| FieldNormReader::constant(reader.max_doc(), 1)),
                        bm25: bm25.clone(),
                        safety: safety(index.total_num_tokens() as f32 / max_doc, *average),
                        at: 0,
                    }),
            );
        }
        Ok(out)
    }

    /// The other clauses' scorers in `reader`'s segment, into `cursors`.
    fn other_cursors(
        &self,
        reader: &SegmentReader,
        cursors: &mut [Option<Cursor>],
    ) -> tantivy::Result<()> {
        for (leaf, cursor) in self.leaves.iter().zip(cursors.iter_mut()) {
            if let LeafWeight::Other(w) = leaf {
                *cursor = Some(Cursor::Other(w.scorer(reader, 1.0)?));
            }
        }
        Ok(())
    }
}

impl Collector for TopDocuments {
    type Fruit = Matches;
    type Child = super::collector::SegmentGroup;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        GroupByDocument::SCORED
            .with_tables(self.tables.clone())
            .for_segment(segment, reader)
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<SegmentMatches>) -> tantivy::Result<Matches> {
        Ok(Matches::of_segments(fruits, self.filter.is_some()))
    }

    fn collect_segment(
        &self,
        weight: &dyn Weight,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentMatches> {
        // `weight`, the query's own, walks a segment the windows are not
        // for; the clauses' cursors score the others
        let mut cursors = self.term_cursors(reader)?;
        // the terms' postings in this segment: where they are few, the
        // windows cost more than the scores they save
        let postings: Vec<u64> = cursors
            .iter()
            .map(|c| match c {
                Some(Cursor::Term { postings, .. }) => u64::from(postings.doc_freq()),
                Some(Cursor::Same { postings, .. }) => u64::from(*postings),
                _ => 0,
            })
            .collect();
        let postings = self.shape.postings(&postings);
        let table = self.tables.get(segment as usize).and_then(Option::as_ref);
        let filter = match (&self.filter, table) {
            (Some(f), Some(table)) => Some(f.in_segment(table)),
            (Some(_), None) => {
                return Err(tantivy::TantivyError::InternalError(
                    "a filtered walk without a table of documents".into(),
                ))
            }
            (None, _) => None,
        };
        let Some(table) = table.filter(|_| postings >= u64::from(reader.max_doc() / WORTH)) else {
            // no table of documents, or too few postings: the full walk
            let mut group = self.for_segment(segment, reader)?;
            let alive = reader.alive_bitset();
            weight.for_each(reader, &mut |doc, score| {
                if alive.is_none_or(|a| a.is_alive(doc)) {
                    group.collect(doc, score);
                }
            })?;
            let mut found = group.harvest();
            if let Some(f) = &filter {
                f.apply(&mut found);
            }
            return Ok(found);
        };
        self.other_cursors(reader, &mut cursors)?;
        let mut walk = Walk {
            n: self.n,
            program: &self.program,
            parts: Part::of(&self.shape, &self.program),
            stack: Vec::new(),
            some: vec![Some(0.0); self.leaves.len()],
            table,
            segment,
            reader,
            cursors,
            best: BinaryHeap::with_capacity(self.n + 1),
            docs: Vec::new(),
            marks: Vec::new(),
            bounds: vec![None; self.leaves.len()],
            window: Vec::new(),
            cache: Memo::new(),
            hits: vec![Vec::new(); self.leaves.len()],
            next: vec![0; self.leaves.len()],
            scores: vec![None; self.leaves.len()],
            matching: Memo::new(),
            filter,
            near: Vec::new(),
        };
        walk.run();
        Ok(SegmentMatches {
            segment,
            docs: walk.docs,
            near: walk.near,
        })
    }
}

/// One segment's walk.
struct Walk<'a> {
    n: usize,
    program: &'a Program,
    /// The query's parts, with their programs for the window.
    parts: Vec<Part>,
    /// Scratch for the program.
    stack: Vec<Option<Score>>,
    /// A score for every clause, to tell a match from the clauses present.
    some: Vec<Option<Score>>,
    table: &'a SegmentFacets,
    segment: SegmentOrdinal,
    reader: &'a SegmentReader,
    cursors: Vec<Option<Cursor>>,
    /// The `n` best document scores so far (a min-heap).
    best: BinaryHeap<Reverse<Ordered>>,
    docs: Vec<DocMatch>,
    /// The clauses matching each passage of the window, from its first
    /// (one bit per clause, see [`bit`]).
    marks: Vec<u64>,
    /// Each clause's bound in the window.
    bounds: Vec<Option<Score>>,
    /// The window's matching documents: (document index, key, first
    /// matching passage, matching passages, the clauses they match).
    window: Vec<(usize, u64, DocId, u32, u64)>,
    /// Bounds of the window's passages by the clauses they match.
    cache: Memo<Option<Score>>,
    /// Each clause's matches in the window, ascending: a term's passage and
    /// frequency, another clause's passage and score (its bits).
    hits: Vec<Vec<(DocId, u32)>>,
    /// Each clause's first match not yet scored, in `hits`.
    next: Vec<usize>,
    /// Scratch: the clauses' scores in the passage being scored.
    scores: Vec<Option<Score>>,
    /// Which sets of matching clauses (without one that matches alone) are
    /// a match of the query.
    matching: Memo<bool>,
    /// The documents the page is drawn from, when filtered.
    filter: Option<SegmentFilter<'a>>,
    /// Matching documents failing one filter (see [`SegmentMatches::near`]).
    near: Vec<(DocId, usize)>,
}

/// A part of the query: a word of a query of several (the children of a
/// sum at its root), else the whole. A query of several words has hundreds
/// of clauses; a passage's set of them differs from the next passage's in
/// some words, seldom in all, so each word's bound is remembered for its
/// own clauses present, and the query's is their sum.
struct Part {
    shape: Shape,
    /// Its clauses' bits.
    bits: u64,
    /// The program of its clauses matching in the window (see
    /// [`Shape::within`]); `None` when none does.
    program: Option<Program>,
    /// Its bounds in the window by its clauses present.
    memo: Memo<Option<Score>>,
}

impl Part {
    /// The parts of `shape`, whose whole program is `program`.
    fn of(shape: &Shape, program: &Program) -> Vec<Part> {
        let children = match shape {
            Shape::Sum(children) => children.clone(),
            whole => vec![whole.clone()],
        };
        children
            .into_iter()
            .map(|shape| {
                let mut leaves = Vec::new();
                shape.leaves(&mut leaves);
                Part {
                    bits: leaves.iter().fold(0, |all, &i| all | program.bit(i)),
                    shape,
                    program: None,
                    memo: Memo::of_bits(10),
                }
            })
            .collect()
    }

    /// Ready the part for a window where the clauses `active` match.
    fn within(&mut self, active: &[bool], clauses: usize) {
        self.program = self
            .shape
            .within(active)
            .map(|shape| Program::of(&shape, clauses));
        self.memo.clear();
    }

    /// The sum of the parts' values (as [`Program::bound`]; remembered
    /// with `memo`, for bounds), added in the order the whole's sum adds
    /// them, so a score is the same to the bit.
    fn bound(
        parts: &mut [Part],
        leaves: &[Option<Score>],
        present: u64,
        stack: &mut Vec<Option<Score>>,
        memo: bool,
    ) -> Option<Score> {
        let mut sum: Option<Score> = None;
        for part in parts {
            let key = present & part.bits;
            let Some(program) = part.program.as_ref().filter(|_| key != 0) else {
                continue; // none of its clauses: it adds nothing
            };
            let value = if memo {
                part.memo.get(key, || program.bound(leaves, key, stack))
            } else {
                program.bound(leaves, key, stack)
            };
            if let Some(v) = value {
                sum = Some(sum.map_or(v, |s| s + v));
            }
        }
        sum
    }
}

/// A small direct-mapped memo of a function of a set of clauses: the
/// same few sets recur passage after passage, and a hash map's hashing cost
/// more than the shape's evaluation saved.
struct Memo<T: Copy> {
    /// (epoch, set of clauses, value); a slot of an older epoch is empty.
    slots: Vec<(u32, u64, T)>,
    epoch: u32,
    /// Bits of the hash: `2^bits` slots.
    bits: u32,
}

impl<T: Copy + Default> Memo<T> {
    /// 4,096 slots (bits of the hash).
    const BITS: u32 = 12;

    fn new() -> Memo<T> {
        Memo::of_bits(Self::BITS)
    }

    /// A memo of `2^bits` slots.
    fn of_bits(bits: u32) -> Memo<T> {
        Memo {
            slots: vec![(0, 0, T::default()); 1 << bits],
            epoch: 1,
            bits,
        }
    }

    /// Forget every value (a new epoch: nothing is written).
    fn clear(&mut self) {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.slots.iter_mut().for_each(|s| s.0 = 0);
            self.epoch = 1;
        }
    }

    fn get(&mut self, present: u64, f: impl FnOnce() -> T) -> T {
        // Fibonacci hashing: the top bits of the product
        let i = (present.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - self.bits)) as usize;
        let slot = &mut self.slots[i];
        if slot.0 == self.epoch && slot.1 == present {
            return slot.2;
        }
        let v = f();
        *slot = (self.epoch, present, v);
        v
    }
}

impl Walk<'_> {
    /// Whether a passage matched by the clauses in `present` matches.
    fn matches(&mut self, present: u64) -> bool {
        // a clause that matches alone (all, unless some are parts required
        // together): no evaluation
        if present & self.program.alone != 0 || present == 0 {
            return present != 0;
        }
        let (program, stack, scores) = (self.program, &mut self.stack, &self.some);
        self.matching
            .get(present, || program.bound(scores, present, stack).is_some())
    }
}

/// A score ordered for the heap (scores are never NaN).
#[derive(Clone, Copy)]
struct Ordered(Score);

impl PartialEq for Ordered {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}

impl Eq for Ordered {}

impl PartialOrd for Ordered {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ordered {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

impl Walk<'_> {
    fn run(&mut self) {
        let starts = self.table.starts();
        let max_doc = self.reader.max_doc();
        let mut first = 0usize; // the window's first document
        while first < starts.len() {
            let lo = starts[first];
            // whole documents, about WINDOW passages
            let mut next = first + 1;
            while next < starts.len() && starts[next] < lo.saturating_add(WINDOW) {
                next += 1;
            }
            let hi = starts.get(next).copied().unwrap_or(max_doc);
            self.window_of(first, lo, hi);
            first = next;
        }
    }

    /// The `n`-th best document score so far, once there are `n`.
    fn threshold(&self) -> Option<Score> {
        (self.best.len() >= self.n).then(|| self.best.peek().map_or(Score::INFINITY, |r| r.0 .0))
    }

    fn window_of(&mut self, first: usize, lo: DocId, hi: DocId) {
        self.mark(lo, hi);
        self.documents(first, lo);
        // the best a passage of the window can score; a document adds its
        // bonus for its other matching passages
        self.cache.clear();
        let starts = self.table.starts();
        let max_doc = self.reader.max_doc();
        // first with every clause the window matches: most documents fall
        // below the threshold without their own clauses' bound
        let every = self.window.iter().fold(0, |all, w| all | w.4);
        let active: Vec<bool> = self.bounds.iter().map(Option::is_some).collect();
        for part in &mut self.parts {
            part.within(&active, self.program.clauses);
        }
        let window = Part::bound(&mut self.parts, &self.bounds, every, &mut self.stack, true);
        // each part's best in the window: a document's bound is at most
        // the sum of its parts' (one word of several is below the page)
        let maxima: Vec<(u64, Score)> = self
            .parts
            .iter()
            .filter_map(|p| {
                let program = p.program.as_ref()?;
                Some((
                    p.bits,
                    program.bound(&self.bounds, p.bits, &mut self.stack)?,
                ))
            })
            .collect();
        let sum_of_parts = |present: u64| -> Option<Score> {
            maxima
                .iter()
                .filter(|(bits, _)| present & bits != 0)
                .map(|(_, b)| *b)
                .reduce(|a, b| a + b)
        };
        let margin =
            |b: Score, passages: u32| crate::plan::document_score(b, passages) * (1.0 + 1e-4);
        for i in 0..self.window.len() {
            let (document, key, at, passages, present) = self.window[i];
            match self.filter.as_ref().map(|f| f.verdict(document)) {
                None | Some(Verdict::Pass) => {}
                Some(Verdict::Near(f)) => {
                    self.near.push((at, f));
                    continue;
                }
                Some(Verdict::Fail) => continue,
            }
            let threshold = self.threshold();
            let below = |b: Option<Score>| match (threshold, b) {
                (Some(t), Some(b)) => margin(b, passages) < t,
                (_, None) => true, // no clause matched: nothing to score
                (None, Some(_)) => false,
            };
            let end = starts.get(document + 1).copied().unwrap_or(max_doc);
            // then with the clauses its passages match, then with each
            // passage's own (a document's passages matching different
            // words do not add up in one passage)
            let skip = below(window)
                || (maxima.len() > 1 && below(sum_of_parts(present)))
                || {
                    let (parts, bounds, stack) = (&mut self.parts, &self.bounds, &mut self.stack);
                    below(
                        self.cache
                            .get(present, || Part::bound(parts, bounds, present, stack, true)),
                    )
                }
                || below(self.passages_bound(lo, at, end, present));
            if skip {
                self.docs.push(DocMatch {
                    key,
                    best: UNSCORED,
                    best_addr: DocAddress::new(self.segment, at),
                    passages,
                });
            } else {
                self.score(key, lo, at, end);
            }
        }
    }

    /// The best bound of the passages from `from` to `end` (in the window
    /// from `lo`), each by the clauses it matches; `every` is all of them.
    fn passages_bound(&mut self, lo: DocId, from: DocId, end: DocId, every: u64) -> Option<Score> {
        let (parts, bounds) = (&mut self.parts, &self.bounds);
        if every.count_ones() == 1 {
            // one clause (or group) in every passage: one bound
            let stack = &mut self.stack;
            return self
                .cache
                .get(every, || Part::bound(parts, bounds, every, stack, true));
        }
        let mut best: Option<Score> = None;
        for doc in from..end {
            let present = self.marks[(doc - lo) as usize];
            if present == 0 {
                continue;
            }
            let stack = &mut self.stack;
            if let Some(b) = self
                .cache
                .get(present, || Part::bound(parts, bounds, present, stack, true))
            {
                best = Some(best.map_or(b, |x: Score| x.max(b)));
            }
        }
        best
    }

    /// Mark the window's matching passages and bound each clause there.
    fn mark(&mut self, lo: DocId, hi: DocId) {
        self.marks.clear();
        self.marks.resize((hi - lo) as usize, 0);
        let marks = &mut self.marks;
        for leaf in 0..self.cursors.len() {
            // the clauses before this one are marked: a term read there
            // is copied, not read again
            let (before, rest) = self.hits.split_at_mut(leaf);
            let hits = &mut rest[0];
            let (bounds_before, bounds_rest) = self.bounds.split_at_mut(leaf);
            let bound = &mut bounds_rest[0];
            let cursor = &mut self.cursors[leaf];
            *bound = None;
            hits.clear();
            self.next[leaf] = 0;
            let b = self.program.bit(leaf);
            let mut set = |doc: DocId, value: u32| {
                marks[(doc - lo) as usize] |= b;
                hits.push((doc, value));
            };
            match cursor {
                None => {}
                Some(Cursor::Term {
                    postings,
                    norms,
                    bm25,
                    safety,
                    at,
                }) => {
                    // the block holding `lo` (or the first after it), unless
                    // the cursor already stands at or past `lo`
                    let standing = postings.docs().get(*at).is_some_and(|&d| d >= lo);
                    if !standing {
                        *at = postings.seek(lo);
                    }
                    loop {
                        let (docs, freqs) = (postings.docs(), postings.freqs());
                        let mut i = *at;
                        let mut any = false;
                        while i < docs.len() && docs[i] < hi {
                            set(docs[i], freqs.get(i).copied().unwrap_or(1));
                            any = true;
                            i += 1;
                        }
                        if any {
                            let top = postings.block_max_score(norms, bm25) * *safety;
                            *bound = Some(bound.map_or(top, |b: Score| b.max(top)));
                        }
                        *at = i;
                        if i < postings.docs().len() || postings.docs().is_empty() {
                            break; // the window ends in this block, or the postings do
                        }
                        // the block is used up: the next one (empty past the last)
                        postings.advance();
                        *at = 0;
                    }
                }
                Some(Cursor::Same { of, scale, .. }) => {
                    let (of, scale) = (*of, *scale);
                    hits.extend_from_slice(&before[of]);
                    for &(doc, _) in hits.iter() {
                        marks[(doc - lo) as usize] |= b;
                    }
                    // (rounding of the scale: a bound must not fall below
                    // the score)
                    *bound = bounds_before[of].map(|top| top * scale * (1.0 + 1e-5));
                }
                Some(Cursor::Other(scorer)) => {
                    if scorer.doc() < lo {
                        scorer.seek(lo);
                    }
                    while scorer.doc() < hi {
                        let s = scorer.score();
                        set(scorer.doc(), s.to_bits());
                        *bound = Some(bound.map_or(s, |b: Score| b.max(s)));
                        scorer.advance();
                    }
                }
            }
        }
    }

    /// The window's matching documents from the marks, with their first
    /// matching passage and how many passages match. Document by document
    /// (the window holds whole ones): this runs for every passage of a
    /// segment.
    fn documents(&mut self, first: usize, lo: DocId) {
        self.window.clear();
        let alive = self.reader.alive_bitset();
        let starts = self.table.starts();
        let marks = std::mem::take(&mut self.marks);
        let hi = lo + marks.len() as u32;
        let mut document = first;
        while let Some(&start) = starts.get(document).filter(|&&s| s < hi) {
            let end = starts.get(document + 1).map_or(hi, |&e| e.min(hi));
            let (mut passages, mut present, mut at) = (0u32, 0u64, None);
            for (passage, &clauses) in (start..end).zip(&marks[(start - lo) as usize..]) {
                if !self.matches(clauses) || alive.is_some_and(|a| !a.is_alive(passage)) {
                    continue;
                }
                passages += 1;
                present |= clauses;
                at.get_or_insert(passage);
            }
            // (a passage without a document key is left out)
            if let (Some(at), Some(key)) = (at, self.table.key(document)) {
                self.window.push((document, key, at, passages, present));
            }
            document += 1;
        }
        self.marks = marks;
    }

    /// Score the document `key`'s passages from `from` to `end` (in the
    /// window from `lo`): each matching passage's clauses scored as their
    /// scorers score, combined as the query combines them.
    fn score(&mut self, key: u64, lo: DocId, from: DocId, end: DocId) {
        let alive = self.reader.alive_bitset();
        let mut found: Option<DocMatch> = None;
        for doc in from..end {
            let present = self.marks[(doc - lo) as usize];
            if !self.matches(present) || alive.is_some_and(|a| !a.is_alive(doc)) {
                continue;
            }
            // a passage whose bound is below the document's best so far
            // cannot be its best: counted, not scored
            if let Some(m) = &mut found {
                let (parts, bounds, stack) = (&mut self.parts, &self.bounds, &mut self.stack);
                let bound = self
                    .cache
                    .get(present, || Part::bound(parts, bounds, present, stack, true));
                if bound.is_some_and(|b| b * (1.0 + 1e-4) < m.best) {
                    m.passages += 1;
                    continue;
                }
            }
            let score = self.passage(doc, present);
            match &mut found {
                Some(m) => {
                    m.passages += 1;
                    if score > m.best {
                        m.best = score;
                        m.best_addr = DocAddress::new(self.segment, doc);
                    }
                }
                None => {
                    found = Some(DocMatch {
                        key,
                        best: score,
                        best_addr: DocAddress::new(self.segment, doc),
                        passages: 1,
                    })
                }
            }
        }
        let Some(m) = found else {
            return;
        };
        self.docs.push(m);
        let s = Ordered(m.score());
        if self.best.len() < self.n {
            self.best.push(Reverse(s));
        } else if self.best.peek().is_some_and(|w| s > w.0) {
            self.best.pop();
            self.best.push(Reverse(s));
        }
    }

    /// The score of passage `doc`, matched by the clauses in `present`.
    fn passage(&mut self, doc: DocId, present: u64) -> Score {
        let mut rest = present;
        while rest != 0 {
            let b = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            for leaf in self.program.clauses_of(b) {
                let hits = &self.hits[leaf];
                let mut i = self.next[leaf];
                while i < hits.len() && hits[i].0 < doc {
                    i += 1;
                }
                self.next[leaf] = i;
                let Some(&(d, value)) = hits.get(i) else {
                    continue;
                };
                if d != doc {
                    continue;
                }
                self.scores[leaf] = match &self.cursors[leaf] {
                    Some(Cursor::Term { norms, bm25, .. } | Cursor::Same { norms, bm25, .. }) => {
                        Some(bm25.score(norms.fieldnorm_id(doc), value))
                    }
                    Some(Cursor::Other(_)) => Some(Score::from_bits(value)),
                    None => None,
                };
            }
        }
        let score = Part::bound(
            &mut self.parts,
            &self.scores,
            u64::MAX,
            &mut self.stack,
            false,
        )
        .unwrap_or(0.0);
        let mut rest = present;
        while rest != 0 {
            let b = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            for leaf in self.program.clauses_of(b) {
                self.scores[leaf] = None;
            }
        }
        score
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facet::Facet;
    use crate::index::schema::{DOC_KEY, WORDS};

    fn term(t: &str, boost: f32) -> Clause {
        Clause::Term {
            field: WORDS.to_string(),
            term: t.to_string(),
            boost,
        }
    }

    fn word(alternatives: Vec<Clause>) -> Node {
        Node::Word {
            alternatives,
            tie_breaker: 0.1,
        }
    }

    /// An index of 500 documents of 1 to 24 passages (about 6,000, several
    /// windows) where `kyst` is in most passages with varying frequencies
    /// and lengths; each document in one of the regions `/a/x`, `/a/y` and
    /// `/b`, and most in one of the programmes `/p` and `/q`.
    fn fixture() -> crate::index::Index {
        let index = crate::index::Index::in_ram().unwrap();
        let schema = index.tantivy().schema();
        let key = schema.get_field(DOC_KEY).unwrap();
        let text = schema.get_field(WORDS).unwrap();
        let region = schema.get_field(Facet::Region.name()).unwrap();
        let programme = schema.get_field(Facet::Programme.name()).unwrap();
        let facet = |p: &str| tantivy::schema::Facet::from_text(p).unwrap();
        let mut w: tantivy::IndexWriter = index
            .tantivy()
            .writer_with_num_threads(1, 50_000_000)
            .unwrap();
        let mut seed = 7u64;
        let mut next = move |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        for k in 0..500u64 {
            for _ in 0..=next(24) {
                let mut words = vec!["fjell"; 1 + next(40) as usize];
                words.extend(std::iter::repeat_n("kyst", next(4) as usize));
                if next(5) == 0 {
                    words.push("hav");
                }
                let mut doc = tantivy::doc!(
                    key => k + 1,
                    text => words.join(" "),
                    region => facet(["/a/x", "/a/y", "/b"][k as usize % 3])
                );
                if k % 7 != 0 {
                    doc.add_facet(programme, facet(["/p", "/q"][(k / 3) as usize % 2]));
                }
                w.add_document(doc).unwrap();
            }
        }
        w.commit().unwrap();
        index.reload().unwrap();
        index
    }

    /// Pruned and full walks of `node` over the [`fixture`].
    fn pruned_and_full(node: &Node) -> (Matches, Matches) {
        let index = fixture();
        let schema = index.tantivy().schema();
        let searcher = index.searcher();
        assert!(searcher.num_docs() > 3 * u64::from(WINDOW));
        let tables: Vec<_> = (0..searcher.segment_readers().len())
            .map(|s| index.facet_tables().get(&searcher, s as u32).ok())
            .collect();
        let statistics = index.bm25_statistics(&searcher);
        let scoring = EnableScoring::enabled_from_statistics_provider(&statistics, &searcher);
        let q = super::super::embedded::query(node, &schema);
        let full = searcher
            .search(&*q, &GroupByDocument::SCORED.with_tables(tables.clone()))
            .unwrap();
        let top = Prunable::of(node, &schema)
            .expect("a disjunction is prunable")
            .collector(10, &statistics, scoring, tables)
            .unwrap()
            .expect("a common word is worth pruning");
        let pruned = searcher.search(&*q, &top).unwrap();
        (pruned, full)
    }

    /// Same page (documents, scores, best passages), same documents with the
    /// same passage counts, and some left unscored.
    fn same_answer(pruned: &Matches, full: &Matches, least: usize) {
        let page = |m: &Matches| -> Vec<(u64, DocAddress, u32)> {
            m.top(10)
                .iter()
                .map(|d| (d.key, d.best_addr, d.passages))
                .collect()
        };
        assert_eq!(page(pruned), page(full));
        for (a, b) in pruned.top(10).iter().zip(full.top(10)) {
            assert!(
                (a.score() - b.score()).abs() < 1e-4,
                "{} vs {}",
                a.score(),
                b.score()
            );
        }
        let all = |m: &Matches| -> Vec<(u64, u32)> {
            m.segments
                .iter()
                .flat_map(|s| s.docs.iter().map(|d| (d.key, d.passages)))
                .collect()
        };
        assert_eq!(all(pruned), all(full));
        assert!(full.total() > least, "{} documents", full.total());
        let unscored = pruned
            .segments
            .iter()
            .flat_map(|s| s.docs.iter())
            .filter(|d| d.best == UNSCORED)
            .count();
        // (an eighth to a fifth of them here, documents ranked by their best
        // passage; most at a million passages)
        assert!(
            unscored > full.total() / 10,
            "{unscored} of {}",
            full.total()
        );
    }

    #[test]
    fn a_common_word_gives_the_full_walks_page_scoring_fewer_documents() {
        let node = word(vec![term("kyst", 1.0), term("hav", 0.5)]);
        let (pruned, full) = pruned_and_full(&node);
        same_answer(&pruned, &full, 400);
    }

    #[test]
    fn a_term_repeated_across_a_words_variants_gives_the_full_walks_page() {
        // a word, its variant and its translation sharing stems at other
        // weights (`kommun` of `kommunen`, `kommunane`, `kommune`), one of
        // them also inside words required together
        let node = Node::DisMax {
            nodes: vec![
                word(vec![term("kyst", 1.0), term("hav", 0.5)]),
                word(vec![term("kyst", 0.8), term("fjell", 0.3)]),
                word(vec![term("hav", 0.7), term("kyst", 0.35)]),
                Node::Bool(vec![
                    (Occur::Must, word(vec![term("fjell", 0.4)])),
                    (Occur::Must, word(vec![term("hav", 0.4)])),
                ]),
            ],
            tie_breaker: 0.2,
        };
        let (pruned, full) = pruned_and_full(&node);
        same_answer(&pruned, &full, 400);
    }

    #[test]
    fn words_required_together_inside_a_word_are_matched_as_the_full_walk_does() {
        // `kyst` alone, or `fjell` and `hav` in one passage (a compound's parts)
        let node = Node::DisMax {
            nodes: vec![
                word(vec![term("kyst", 1.0)]),
                Node::Bool(vec![
                    (Occur::Must, word(vec![term("fjell", 0.4)])),
                    (Occur::Must, word(vec![term("hav", 0.4)])),
                ]),
            ],
            tie_breaker: 0.0,
        };
        let (pruned, full) = pruned_and_full(&node);
        same_answer(&pruned, &full, 400);
    }

    #[test]
    fn a_union_of_more_clauses_than_bits_gives_the_full_walks_page() {
        // as the any-word fallback: each word counted (a constant added)
        // and searched in many forms, 120 clauses in all, so each bit of a
        // passage's set stands for two clauses
        let forms = |w: &str| -> Vec<Clause> {
            (0..40)
                .map(|i| match i % 4 {
                    0 => term(w, 1.0 / (1 + i) as f32),
                    _ => term(&format!("{w}{i}"), 0.5),
                })
                .collect()
        };
        let node = Node::Bool(
            ["kyst", "hav", "fjell"]
                .iter()
                .map(|w| {
                    (
                        Occur::Should,
                        Node::Plus {
                            node: Box::new(word(forms(w))),
                            add: 0.5,
                        },
                    )
                })
                .collect(),
        );
        let (pruned, full) = pruned_and_full(&node);
        same_answer(&pruned, &full, 400);
    }

    #[test]
    fn a_filtered_walk_gives_the_filtered_page_and_the_documents_one_filter_keeps_out() {
        let index = fixture();
        let schema = index.tantivy().schema();
        let searcher = index.searcher();
        let tables: Vec<_> = (0..searcher.segment_readers().len())
            .map(|s| index.facet_tables().get(&searcher, s as u32).ok())
            .collect();
        let statistics = index.bm25_statistics(&searcher);
        let scoring = EnableScoring::enabled_from_statistics_provider(&statistics, &searcher);
        let node = word(vec![term("kyst", 1.0), term("hav", 0.5)]);
        let text = super::super::embedded::query(&node, &schema);
        let filter = |facet: Facet, path: &str| -> Box<dyn Query> {
            let field = schema.get_field(facet.name()).unwrap();
            let value = tantivy::schema::Facet::from_text(path).unwrap();
            // a filter narrows and does not score, as the engine's filters
            Box::new(tantivy::query::ConstScoreQuery::new(
                Box::new(tantivy::query::TermQuery::new(
                    Term::from_facet(field, &value),
                    IndexRecordOption::Basic,
                )),
                0.0,
            ))
        };
        // the full walk of the query with filters as required clauses
        let full = |filters: Vec<Box<dyn Query>>| -> Matches {
            let mut clauses = vec![(tantivy::query::Occur::Must, text.box_clone())];
            clauses.extend(
                filters
                    .into_iter()
                    .map(|f| (tantivy::query::Occur::Must, f)),
            );
            let q = tantivy::query::BooleanQuery::new(clauses);
            searcher
                .search(&q, &GroupByDocument::SCORED.with_tables(tables.clone()))
                .unwrap()
        };
        let keys = |docs: &mut dyn Iterator<Item = DocId>| -> Vec<u64> {
            let table = tables[0].as_ref().unwrap();
            let mut at = 0;
            docs.map(|d| {
                let (document, key) = table.document(d, at).unwrap();
                at = document;
                key
            })
            .collect()
        };
        let region = (Facet::Region.index(), vec!["/a".to_string()]);
        // either programme: every document with one
        let programme = (
            Facet::Programme.index(),
            vec!["/p".to_string(), "/q".to_string()],
        );
        let programmes = || -> Box<dyn Query> {
            Box::new(tantivy::query::BooleanQuery::union(vec![
                filter(Facet::Programme, "/p"),
                filter(Facet::Programme, "/q"),
            ]))
        };
        let pruned = searcher
            .search(
                &*text,
                &Prunable::of(&node, &schema)
                    .unwrap()
                    .collector(10, &statistics, scoring, tables.clone())
                    .unwrap()
                    .unwrap()
                    .filtered(DocumentFilter::new(vec![region, programme]))
                    .unwrap(),
            )
            .unwrap();
        assert!(pruned.near_listed);
        // the page and the documents of the query with both filters
        same_answer(
            &pruned,
            &full(vec![filter(Facet::Region, "/a"), programmes()]),
            200,
        );
        // with one filter left out, the documents the other keeps out join
        for (i, kept) in [(0, programmes()), (1, filter(Facet::Region, "/a"))] {
            let seg = &pruned.segments[0];
            let mut with_near: Vec<u64> = keys(&mut seg.docs.iter().map(|d| d.best_addr.doc_id));
            with_near.extend(keys(&mut seg.near.iter().filter(|n| n.1 == i).map(|n| n.0)));
            with_near.sort();
            let mut want: Vec<u64> = full(vec![kept]).segments[0]
                .docs
                .iter()
                .map(|d| d.key)
                .collect();
            want.sort();
            assert!(want.len() > pruned.total(), "some documents are near");
            assert_eq!(with_near, want, "filter {i} left out");
        }
    }

    #[test]
    fn common_words_required_together_give_the_full_walks_page() {
        // both in most passages: the intersection is windowed, with an
        // optional word scored where it matches too
        let node = Node::Bool(vec![
            (Occur::Must, word(vec![term("kyst", 1.0)])),
            (Occur::Must, word(vec![term("fjell", 0.8)])),
            (Occur::Should, word(vec![term("hav", 0.3)])),
        ]);
        let (pruned, full) = pruned_and_full(&node);
        same_answer(&pruned, &full, 400);
    }

    #[test]
    fn words_required_together_are_walked_in_full_when_one_is_rare() {
        let index = fixture();
        let schema = index.tantivy().schema();
        let searcher = index.searcher();
        let statistics = index.bm25_statistics(&searcher);
        let scoring = EnableScoring::enabled_from_statistics_provider(&statistics, &searcher);
        // `hav` is in a fifth of the passages: seeking to its passages in
        // the others' postings is cheaper than reading them all
        let all = Node::Bool(vec![
            (Occur::Must, word(vec![term("fjell", 1.0)])),
            (Occur::Must, word(vec![term("hav", 1.0)])),
        ]);
        let prunable = Prunable::of(&all, &schema).expect("few clauses");
        assert!(prunable
            .collector(10, &statistics, scoring, Vec::new())
            .unwrap()
            .is_none());
        let excluded = Node::Bool(vec![
            (Occur::Should, word(vec![term("kyst", 1.0)])),
            (Occur::MustNot, word(vec![term("hav", 1.0)])),
        ]);
        assert!(Prunable::of(&excluded, &schema).is_none());
    }

    #[test]
    fn a_shape_within_the_clauses_that_match_scores_as_the_whole() {
        // two words (a sum of constants over dis-maxes: two parts), one
        // with parts required together
        let shape = Shape::Sum(vec![
            Shape::Plus(
                Box::new(Shape::Max(
                    vec![
                        Shape::Leaf(0),
                        Shape::Leaf(1),
                        Shape::All(vec![Shape::Leaf(2), Shape::Leaf(3)], vec![]),
                    ],
                    0.1,
                )),
                0.7,
            ),
            Shape::Plus(Box::new(Shape::Max(vec![Shape::Leaf(4)], 0.1)), 0.3),
        ]);
        let whole = Program::of(&shape, 5);
        let scores = [Some(1.5), Some(0.25), Some(0.5), Some(0.75), Some(2.0)];
        let stack = &mut Vec::new();
        for active in 0u64..32 {
            let on: Vec<bool> = (0..5).map(|i| active & (1 << i) != 0).collect();
            let part = shape.within(&on).map(|s| Program::of(&s, 5));
            // every set of clauses matching among the active ones
            for present in (0u64..32).filter(|p| p & !active == 0) {
                let want = whole.bound(&scores, present, stack);
                let got = part.as_ref().and_then(|p| p.bound(&scores, present, stack));
                assert_eq!(got, want, "active {active:b}, present {present:b}");
                let mut parts = Part::of(&shape, &whole);
                parts.iter_mut().for_each(|p| p.within(&on, 5));
                let summed = Part::bound(&mut parts, &scores, present, stack, true);
                assert_eq!(
                    summed, want,
                    "in parts: active {active:b}, present {present:b}"
                );
            }
        }
    }

    #[test]
    fn the_bound_of_a_combination_is_never_below_its_score() {
        // a word's dis-max with a tie breaker, a sum and a constant
        let shape = Shape::Sum(vec![
            Shape::Max(vec![Shape::Leaf(0), Shape::Leaf(1)], 0.1),
            Shape::Plus(Box::new(Shape::Leaf(2)), 1.0),
        ]);
        let scores = [Some(2.0), Some(1.0), None];
        let bounds = [Some(2.5), Some(1.5), Some(3.0)];
        let (program, stack) = (Program::of(&shape, 3), &mut Vec::new());
        let score = program.bound(&scores, u64::MAX, stack).unwrap();
        assert!((score - 2.1).abs() < 1e-6);
        // the bound with the same clauses present is at least the score
        assert!(program.bound(&bounds, 0b011, stack).unwrap() >= score);
        assert_eq!(program.bound(&bounds, 0, stack), None);
        // required parts: both or nothing
        let all = Program::of(
            &Shape::All(vec![Shape::Leaf(0), Shape::Leaf(1)], vec![Shape::Leaf(2)]),
            3,
        );
        assert_eq!(all.bound(&bounds, 0b101, stack), None);
        assert_eq!(all.bound(&bounds, 0b111, stack), Some(2.5 + 1.5 + 3.0));
        assert_eq!(all.bound(&bounds, 0b011, stack), Some(2.5 + 1.5));
    }
}
