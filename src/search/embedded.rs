//! The embedded engine: runs a [`Plan`] on the in-process tantivy index.
//!
//! The plan's query tree becomes tantivy queries one for one (a word's
//! dis-max is [`WordQuery`]); matching passages are grouped into documents
//! while they are collected ([`GroupByDocument`]), and facet counts are read
//! from the per-segment facet tables. This is the search Kartotek ran before
//! the plan existed, with the same queries, scores and speed.

use std::sync::Arc;

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, FuzzyTermQuery,
    Occur as TantivyOccur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Facet as TantivyFacet, IndexRecordOption, Schema, Value};
use tantivy::{DocAddress, DocId};
use tantivy::{TantivyDocument, Term};

use super::collector::{self, DocMatch, GroupByDocument, Matches};
use super::dismax::{AllOfQuery, WordQuery};
use crate::error::{Error, Result};
use crate::facet::Facet;
use crate::index::facet_tables::{self, SegmentFacets};
use crate::index::{schema, Index};
use crate::plan::{
    Clause, FacetCounts, Found, FoundDoc, Node, Occur, Plan, Sort, Stats, StoredPassage,
};

/// Term statistics read from one searcher (one committed state).
pub struct EmbeddedStats<'a> {
    searcher: &'a tantivy::Searcher,
    schema: Schema,
}

impl<'a> EmbeddedStats<'a> {
    /// Statistics of `searcher`'s state.
    pub fn new(searcher: &'a tantivy::Searcher) -> EmbeddedStats<'a> {
        EmbeddedStats {
            searcher,
            schema: searcher.schema().clone(),
        }
    }
}

impl Stats for EmbeddedStats<'_> {
    fn passages(&self) -> u64 {
        self.searcher.num_docs()
    }

    fn has_terms(&self, field: &str) -> bool {
        let Ok(field) = self.schema.get_field(field) else {
            return false;
        };
        self.searcher.segment_readers().iter().any(|s| {
            s.inverted_index(field)
                .map(|ii| ii.terms().num_terms() > 0)
                .unwrap_or(false)
        })
    }

    fn doc_freq(&self, field: &str, term: &str) -> Option<u64> {
        let field = self.schema.get_field(field).ok()?;
        self.searcher
            .doc_freq(&Term::from_field_text(field, term))
            .ok()
    }

    fn neighbours(&self, field: &str, word: &str, max_edits: usize) -> Vec<(String, u64)> {
        let Ok(field) = self.schema.get_field(field) else {
            return Vec::new();
        };
        // the terms within `max_edits` edits (a transposition counts one),
        // walked in the term dictionary by a Levenshtein automaton; those
        // sharing the word's first letter (as OpenSearch's term suggester
        // with `prefix_length: 1`)
        let edits = max_edits.clamp(1, 2) as u8;
        let Ok(dfa) =
            FuzzyTermQuery::new(Term::from_field_text(field, word), edits, true).automaton()
        else {
            return Vec::new();
        };
        // the walk is kept to the terms sharing the first letter
        let first: String = word.chars().take(1).collect();
        let mut next = first.clone();
        if let Some(c) = next.pop() {
            next.push(char::from_u32(c as u32 + 1).unwrap_or(c));
        }
        let mut out = Vec::new();
        for seg in self.searcher.segment_readers() {
            let Ok(ii) = seg.inverted_index(field) else {
                continue;
            };
            let terms = ii
                .terms()
                .search(&dfa)
                .ge(first.as_bytes())
                .lt(next.as_bytes());
            let Ok(mut stream) = terms.into_stream() else {
                continue;
            };
            while stream.advance() {
                let Ok(cand) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                out.push((cand.to_string(), stream.value().doc_freq as u64));
            }
        }
        out
    }
}

/// The tantivy query of a plan's query tree.
pub fn query(node: &Node, schema: &Schema) -> Box<dyn Query> {
    match node {
        Node::Nothing => Box::new(EmptyQuery),
        // every word required (and maybe optional clauses that only add,
        // the words' proximity): an intersection whose words are seeked lazily
        Node::Bool(clauses)
            if clauses.iter().filter(|(o, _)| *o == Occur::Must).count() > 1
                && clauses.iter().all(|(o, _)| *o != Occur::MustNot) =>
        {
            let of = |occur: Occur| -> Vec<Box<dyn Query>> {
                clauses
                    .iter()
                    .filter(|(o, _)| *o == occur)
                    .map(|(_, n)| query(n, schema))
                    .collect()
            };
            Box::new(AllOfQuery::new(of(Occur::Must)).with_optional(of(Occur::Should)))
        }
        Node::Bool(clauses) => Box::new(BooleanQuery::new(
            clauses
                .iter()
                .map(|(occur, n)| {
                    let o = match occur {
                        Occur::Must => TantivyOccur::Must,
                        Occur::Should => TantivyOccur::Should,
                        Occur::MustNot => TantivyOccur::MustNot,
                    };
                    (o, query(n, schema))
                })
                .collect(),
        )),
        Node::Word {
            alternatives,
            tie_breaker,
        } => {
            let alts: Vec<Box<dyn Query>> = alternatives
                .iter()
                .filter_map(|c| clause(c, schema))
                .collect();
            if alts.is_empty() {
                return Box::new(EmptyQuery);
            }
            Box::new(WordQuery::new(alts, *tie_breaker))
        }
        Node::DisMax { nodes, tie_breaker } => {
            if nodes.is_empty() {
                return Box::new(EmptyQuery);
            }
            Box::new(WordQuery::new(
                nodes.iter().map(|n| query(n, schema)).collect(),
                *tie_breaker,
            ))
        }
        Node::Plus { node, add } => {
            Box::new(super::plus::PlusQuery::new(query(node, schema), *add))
        }
    }
}

/// The terms of `field` within `distance` edits of `term` (transpositions
/// count one), or beginning with such a term when `prefix`.
fn automaton(
    schema: &Schema,
    field: &str,
    term: &str,
    distance: u8,
    prefix: bool,
) -> Option<Box<dyn Query>> {
    let term = Term::from_field_text(schema.get_field(field).ok()?, term);
    Some(Box::new(if prefix {
        FuzzyTermQuery::new_prefix(term, distance, true)
    } else {
        FuzzyTermQuery::new(term, distance, true)
    }))
}

/// The tantivy query of one clause (`None` when its field is not in `schema`).
pub(crate) fn clause(c: &Clause, schema: &Schema) -> Option<Box<dyn Query>> {
    let (q, boost): (Box<dyn Query>, f32) = match c {
        Clause::Term { field, term, boost } => {
            let f = schema.get_field(field).ok()?;
            (
                Box::new(TermQuery::new(
                    Term::from_field_text(f, term),
                    IndexRecordOption::WithFreqs,
                )),
                *boost,
            )
        }
        Clause::Phrase {
            field,
            terms,
            boost,
        } => {
            let f = schema.get_field(field).ok()?;
            let terms = terms
                .iter()
                .map(|(pos, t)| (*pos, Term::from_field_text(f, t)))
                .collect();
            (Box::new(PhraseQuery::new_with_offset(terms)), *boost)
        }
        Clause::Terms {
            field,
            terms,
            boost,
        } => {
            let f = schema.get_field(field).ok()?;
            let mut terms: Vec<Box<dyn Query>> = terms
                .iter()
                .map(|t| {
                    Box::new(TermQuery::new(
                        Term::from_field_text(f, t),
                        IndexRecordOption::WithFreqs,
                    )) as Box<dyn Query>
                })
                .collect();
            let q: Box<dyn Query> = match terms.len() {
                0 => return None,
                1 => terms.remove(0),
                _ => Box::new(BooleanQuery::new(
                    terms
                        .into_iter()
                        .map(|q| (TantivyOccur::Should, q))
                        .collect(),
                )),
            };
            (q, *boost)
        }
        Clause::Fuzzy {
            field,
            term,
            distance,
            boost,
        } => (automaton(schema, field, term, *distance, false)?, *boost),
        // a prefix automaton: no edits, every term beginning so
        Clause::Prefix {
            field,
            prefix,
            boost,
        } => (automaton(schema, field, prefix, 0, true)?, *boost),
        Clause::Facet { facet, path, boost } => {
            let f = schema.get_field(facet.name()).ok()?;
            let value = TantivyFacet::from_text(path).ok()?;
            let term = TermQuery::new(Term::from_facet(f, &value), IndexRecordOption::Basic);
            (Box::new(ConstScoreQuery::new(Box::new(term), 1.0)), *boost)
        }
    };
    Some(Box::new(BoostQuery::new(q, boost)))
}

/// How [`execute`] runs a plan.
#[derive(Debug, Clone, Copy, Default)]
pub struct Run {
    /// Search segments in parallel.
    pub parallel: bool,
    /// Leave unscored the passages that cannot reach the page
    /// ([`super::prune`]), and count a filtered facet from the documents a
    /// walk finds that fail its filter alone. Without: the reference walk,
    /// every passage scored and one query per filtered facet.
    pub prune: bool,
}

/// Run `plan` on `index` with the searcher `searcher` (one committed state).
pub fn execute(
    index: &Index,
    searcher: &tantivy::Searcher,
    plan: &Plan,
    how: Run,
) -> Result<Found> {
    let parallel = how.parallel;
    let schema = searcher.schema();
    let filters = filter_queries(index, plan)?;
    let single = tantivy::Executor::single_thread();
    let executor = if parallel {
        searcher.index().search_executor()
    } else {
        &single
    };
    // lengths as OpenSearch counts them, so both score alike
    let statistics = index.bm25_statistics(searcher);
    let scored =
        || tantivy::query::EnableScoring::enabled_from_statistics_provider(&statistics, searcher);
    // each segment's table of documents (built when the index reloads),
    // looked up once: passages are grouped into documents from it, and
    // facets counted
    let tables: Vec<Option<Arc<SegmentFacets>>> = (0..searcher.segment_readers().len())
        .map(|seg| index.facet_tables().get(searcher, seg as u32).ok())
        .collect();
    let scored_grouping = GroupByDocument::SCORED.with_tables(tables.clone());
    // filters on facets only, applied to whole documents: where facets are
    // counted, the walk the counts need gives the page too (see
    // `prune::DocumentFilter`)
    let document_filter = (!plan.facets.is_empty() && filters.iter().all(|(f, _)| f.is_some()))
        .then(|| {
            collector::DocumentFilter::new(
                plan.filters
                    .iter()
                    .filter(|(_, paths)| !paths.is_empty())
                    .map(|(f, paths)| (f.index(), paths.iter().map(|p| facet_text(p)).collect()))
                    .collect(),
            )
        });
    // the best `n` documents of `text`, and every other match; `node`, the
    // plan `text` was made from, when it may be pruned
    let run = |text: Option<&dyn Query>, node: Option<&Node>, n: usize| -> Result<Matches> {
        // a disjunction in relevance order is pruned, with no filter or
        // with filters applied to documents
        let prunable = node
            .filter(|_| how.prune && plan.sort == Sort::Relevance)
            .filter(|_| filters.is_empty() || document_filter.is_some())
            .and_then(|node| super::prune::Prunable::of(node, schema));
        if let Some(p) = prunable {
            let top = p
                .collector(n, &statistics, scored(), tables.clone())?
                .and_then(|top| match &document_filter {
                    Some(f) if !filters.is_empty() => top.filtered(f.clone()),
                    _ => Some(top),
                });
            if let Some(top) = top {
                let q = combine(text, &[], None);
                return Ok(searcher.search_with_executor(&*q, &top, executor, scored())?);
            }
        }
        // facet filters applied to the documents a walk finds, when the
        // counts need it: the walk is of the passages every filter but one
        // at most lets through (all of them with one filter)
        let grouping = match &document_filter {
            Some(f) if how.prune && !filters.is_empty() => GroupByDocument::SCORED
                .with_tables(tables.clone())
                .with_filter(f.clone()),
            _ => None,
        };
        if let Some(grouping) = grouping {
            let some_filter: Vec<Filter> = match filters.as_slice() {
                [_] => Vec::new(),
                several => vec![(
                    None,
                    Box::new(BooleanQuery::union(
                        several.iter().map(|(_, q)| q.box_clone()).collect(),
                    )),
                )],
            };
            let q = combine(text, &some_filter, None);
            return Ok(searcher.search_with_executor(&*q, &grouping, executor, scored())?);
        }
        let q = combine(text, &filters, None);
        Ok(searcher.search_with_executor(&*q, &scored_grouping, executor, scored())?)
    };
    // which documents match, for counting only: nothing is scored
    let unscored_grouping = GroupByDocument::UNSCORED.with_tables(tables.clone());
    let documents = |text: Option<&dyn Query>, skip: Option<Facet>| -> Result<Matches> {
        let q = combine(text, &filters, skip);
        let unscored = tantivy::query::EnableScoring::disabled_from_searcher(searcher);
        Ok(searcher.search_with_executor(&*q, &unscored_grouping, executor, unscored)?)
    };
    let mut text_query = plan.text.as_ref().map(|n| query(n, schema));
    // the page, and enough to tell whether the fallback is wanted (its
    // leading documents are all of them, in order)
    let first = plan.top.max(crate::plan::FILL_BELOW as usize);
    let mut matches = run(text_query.as_deref(), plan.text.as_ref(), first)?;
    // documents with every word first; too few: then those with some
    let mut leading = Vec::new();
    if let Some(fallback) = &plan.fallback {
        if crate::plan::wants_fallback(plan, matches.total() as u64) {
            leading = matches.top(matches.total());
            text_query = Some(query(fallback, schema));
            matches = run(
                text_query.as_deref(),
                Some(fallback),
                plan.top + leading.len(),
            )?;
        }
    }
    let best = match plan.sort {
        Sort::Relevance => {
            let rest = matches.top(plan.top + leading.len());
            crate::plan::lead_with(leading, rest, plan.top, |m| m.key)
        }
        Sort::Date => super::dates::top_by_date(searcher, &matches, plan.top)?,
    };
    // the clauses to explain hits with, as tantivy queries
    let explain: Vec<(usize, Box<dyn Query>)> = plan
        .explain
        .iter()
        .enumerate()
        .filter_map(|(i, c)| clause(c, schema).map(|q| (i, q)))
        .collect();
    let mut top = Vec::new();
    for m in best {
        let doc: TantivyDocument = searcher.doc(m.best_addr)?;
        let matched = explain
            .iter()
            .filter(|(_, q)| super::explain::matches(&**q, searcher, m.best_addr))
            .map(|(i, _)| *i)
            .collect();
        top.push(FoundDoc {
            score: m.score(),
            best: stored(index, searcher, m.best_addr, &doc),
            matched,
        });
    }
    let facets = if !plan.facets.is_empty() {
        // facets with a filter of their own are counted without it
        // (disjunctive), each from its own run of the query
        let wanted = plan.facets.flags();
        let own: [bool; facet_tables::N] =
            Facet::ALL.map(|f| wanted[f.index()] && plan.disjunctive.contains(&f));
        let rest: [bool; facet_tables::N] = std::array::from_fn(|i| wanted[i] && !own[i]);
        let counting = Counting {
            index,
            searcher,
            tables: &tables,
            executor,
        };
        let mut counts = if rest.contains(&true) {
            counting.count(&matches, rest, None)?
        } else {
            FacetCounts::default()
        };
        for facet in Facet::ALL.into_iter().filter(|f| own[f.index()]) {
            let i = facet.index();
            let mut which = [false; facet_tables::N];
            which[i] = true;
            let mut these = if matches.near_listed {
                // the documents failing this facet's filter alone join
                let near = document_filter.as_ref().and_then(|d| d.position(i));
                counting.count(&matches, which, near)?
            } else {
                let others = documents(text_query.as_deref(), Some(facet))?;
                counting.count(&others, which, None)?
            };
            counts[i] = std::mem::take(&mut these[i]);
        }
        Some(counts)
    } else {
        None
    };
    Ok(Found {
        total: matches.total() as u64,
        top,
        facets,
    })
}

/// A filter query and the facet it filters on (`None`: the date range, never
/// left out of a count).
type Filter = (Option<Facet>, Box<dyn Query>);

/// The filter queries of a plan: one per facet filtered on, and the date range.
fn filter_queries(index: &Index, plan: &Plan) -> Result<Vec<Filter>> {
    let f = index.fields();
    let mut out = Vec::new();
    if let Some(range) = super::dates::range(f.date, plan.from, plan.to) {
        out.push((None, range));
    }
    for (facet, paths) in &plan.filters {
        if paths.is_empty() {
            continue;
        }
        let field = f.facet_field(*facet);
        let mut alts: Vec<(TantivyOccur, Box<dyn Query>)> = Vec::new();
        for path in paths {
            let value = TantivyFacet::from_text(path).map_err(|_| {
                Error::param(
                    facet.name(),
                    format!("`{path}` is not a facet path like `/norway/trondelag`"),
                )
            })?;
            alts.push((
                TantivyOccur::Should,
                Box::new(TermQuery::new(
                    Term::from_facet(field, &value),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        out.push((
            Some(*facet),
            Box::new(BooleanQuery::new(alts)) as Box<dyn Query>,
        ));
    }
    Ok(out)
}

fn combine(text: Option<&dyn Query>, filters: &[Filter], skip: Option<Facet>) -> Box<dyn Query> {
    let mut required: Vec<Box<dyn Query>> = Vec::new();
    let mut optional: Vec<Box<dyn Query>> = Vec::new();
    match text {
        // a query's words and the filters in one intersection
        Some(q) => match q.downcast_ref::<AllOfQuery>() {
            Some(all) => {
                required.extend(all.required().iter().map(|q| q.box_clone()));
                optional.extend(all.optional().iter().map(|q| q.box_clone()));
            }
            None => required.push(q.box_clone()),
        },
        None => required.push(Box::new(AllQuery)),
    }
    for (facet, q) in filters {
        if facet.is_none() || *facet != skip {
            // a filter narrows, it does not score: a facet value's rarity
            // added to every hit would change the order once the bonus for
            // other passages multiplies it (OpenSearch filters likewise)
            required.push(Box::new(ConstScoreQuery::new(q.box_clone(), 0.0)));
        }
    }
    if required.len() == 1 && optional.is_empty() {
        if let Some(q) = required.pop() {
            return q;
        }
    }
    Box::new(AllOfQuery::new(required).with_optional(optional))
}

/// The stored values of the passage `doc` at `addr`, with its date from the
/// fast field.
pub(crate) fn stored(
    index: &Index,
    searcher: &tantivy::Searcher,
    addr: DocAddress,
    doc: &TantivyDocument,
) -> StoredPassage {
    let f = index.fields();
    let s = |field| {
        doc.get_first(field)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    };
    let lang = doc
        .get_first(f.lang)
        .and_then(|v| v.as_facet())
        .map(|p| schema::facet_path(p).trim_start_matches('/').to_string())
        .unwrap_or_else(|| "und".into());
    let mut facets = std::collections::BTreeMap::new();
    for facet in Facet::TAXONOMY {
        let paths: Vec<String> = doc
            .get_all(f.facet_field(facet))
            .filter_map(|v| v.as_facet().map(schema::facet_path))
            .collect();
        facets.insert(facet.name().to_string(), paths);
    }
    StoredPassage {
        id: s(f.id),
        title: s(f.title),
        url: s(f.url),
        lang,
        passage_lang: s(f.passage_lang),
        page: doc.get_first(f.page).and_then(|v| v.as_u64()).unwrap_or(0),
        date: super::dates::date_of(searcher, addr),
        text: s(f.text),
        facets,
    }
}

/// A path as the tables list it (`/norway/trondelag`), however it was typed.
fn facet_text(path: &str) -> String {
    TantivyFacet::from_text(path).map_or_else(|_| path.to_string(), |f| f.to_path_string())
}

/// What facet counts are read with.
struct Counting<'a> {
    index: &'a Index,
    searcher: &'a tantivy::Searcher,
    tables: &'a [Option<Arc<SegmentFacets>>],
    executor: &'a tantivy::Executor,
}

impl Counting<'_> {
    /// Count documents per facet value (with every ancestor) over the
    /// matches, for each facet `which` selects, from the per-segment
    /// ordinal tables (see [`crate::index::facet_tables`]); with `near`,
    /// the documents failing that filter alone count too.
    fn count(
        &self,
        matches: &Matches,
        which: [bool; facet_tables::N],
        near: Option<usize>,
    ) -> Result<FacetCounts> {
        let count_segment = |seg: &collector::SegmentMatches| -> Result<FacetCounts> {
            // the table the search looked up, else built now (its error is the search's)
            let table = match self.tables.get(seg.segment as usize) {
                Some(Some(table)) => Arc::clone(table),
                _ => self.index.facet_tables().get(self.searcher, seg.segment)?,
            };
            let mut counts: FacetCounts = Default::default();
            let docs = seg.docs.iter().map(|m: &DocMatch| m.best_addr.doc_id);
            match near {
                None => table.count(docs, &which, &mut counts),
                Some(i) => {
                    let near = seg.near.iter().filter(|n| n.1 == i).map(|n| n.0);
                    table.count(ascending(docs, near), &which, &mut counts)
                }
            }
            Ok(counts)
        };
        // segments are counted on the executor the search ran on
        let per_segment: Vec<FacetCounts> = self.executor.map(
            |seg| {
                count_segment(seg).map_err(|e| tantivy::TantivyError::InternalError(e.to_string()))
            },
            matches.segments.iter(),
        )?;
        Ok(sum(per_segment))
    }
}

/// Two ascending sequences as one.
fn ascending(
    a: impl Iterator<Item = DocId>,
    b: impl Iterator<Item = DocId>,
) -> impl Iterator<Item = DocId> {
    let (mut a, mut b) = (a.peekable(), b.peekable());
    std::iter::from_fn(move || match (a.peek(), b.peek()) {
        (Some(x), Some(y)) if y < x => b.next(),
        (Some(_), _) => a.next(),
        (None, _) => b.next(),
    })
}

/// Per-segment counts summed.
fn sum(per_segment: Vec<FacetCounts>) -> FacetCounts {
    let mut counts: FacetCounts = Default::default();
    for seg_counts in per_segment {
        for (total, part) in counts.iter_mut().zip(seg_counts) {
            if total.is_empty() {
                *total = part;
                continue;
            }
            for (path, n) in part {
                *total.entry(path).or_insert(0) += n;
            }
        }
    }
    counts
}
