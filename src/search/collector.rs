//! Passage-to-document aggregation: one pass over every matching passage
//! keeps, per document, its best passage and how many passages matched.
//! The document's score is [`crate::plan::document_score`] of them: the
//! best passage's, plus [`crate::plan::OTHER_PASSAGES_BONUS`] per doubling
//! of the others (none at present).
//!
//! A document's passages are adjacent doc ids in one segment (the writer
//! adds them as one group, see [`crate::index::Writer::upsert`]), and
//! tantivy hands a collector its matches in doc-id order, so grouping is a
//! comparison with the previous passage's key: no hash map, and the
//! documents come out in doc-id order per segment, which is the order the
//! facet counter wants. [`Matches::top`] orders only the page asked for,
//! since facet counts and the total need no order.

use std::collections::BinaryHeap;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::index::facet_tables::SegmentFacets;
use crate::index::schema::DOC_KEY;

/// One document's aggregate.
#[derive(Debug, Clone, Copy)]
pub struct DocMatch {
    /// The document's key.
    pub key: u64,
    /// Best passage score.
    pub best: Score,
    /// Where the best passage is.
    pub best_addr: DocAddress,
    /// Number of matching passages.
    pub passages: u32,
}

impl DocMatch {
    /// Final document score.
    pub fn score(&self) -> Score {
        crate::plan::document_score(self.best, self.passages)
    }
}

/// The documents one segment matched, in doc-id order.
#[derive(Debug, Clone, Default)]
pub struct SegmentMatches {
    /// The segment.
    pub segment: SegmentOrdinal,
    /// One entry per matching document, ascending doc ids.
    pub docs: Vec<DocMatch>,
    /// Matching documents that fail exactly one of the filters (by its
    /// index among them), with a passage of theirs, ascending: counted for
    /// that filter's facet, whose counts leave its own filter out (see
    /// [`Matches::near_listed`]).
    pub near: Vec<(DocId, usize)>,
}

/// Every matching document, per segment.
#[derive(Debug, Clone, Default)]
pub struct Matches {
    /// Segments with at least one match.
    pub segments: Vec<SegmentMatches>,
    /// Whether the filters were applied while collecting and every
    /// segment's `near` lists the documents that fail one of them; else
    /// `near` is empty and the filters were in the query.
    pub near_listed: bool,
}

impl Matches {
    /// The segments' matches as one answer (a document lives in one
    /// segment: nothing to merge across them), leaving out segments where
    /// nothing matched.
    pub(crate) fn of_segments(fruits: Vec<SegmentMatches>, near_listed: bool) -> Matches {
        Matches {
            segments: fruits
                .into_iter()
                .filter(|s| !s.docs.is_empty() || !s.near.is_empty())
                .collect(),
            near_listed,
        }
    }

    /// Number of matching documents.
    pub fn total(&self) -> usize {
        self.segments.iter().map(|s| s.docs.len()).sum()
    }

    /// True when nothing matched.
    pub fn is_empty(&self) -> bool {
        self.total() == 0
    }

    /// The `n` best documents, best first (ties by key, so deterministic).
    /// Each score is computed once, not per comparison; a bounded heap
    /// keeps the best `n` without copying every match (a common word
    /// matches tens of thousands of documents).
    pub fn top(&self, n: usize) -> Vec<DocMatch> {
        if n == 0 {
            return Vec::new();
        }
        let mut heap: BinaryHeap<Ranked> = BinaryHeap::with_capacity(n + 1);
        for m in self.segments.iter().flat_map(|s| s.docs.iter()) {
            let r = Ranked(m.score(), *m);
            if heap.len() < n {
                heap.push(r);
            } else if heap.peek().is_some_and(|worst| r < *worst) {
                heap.pop();
                heap.push(r);
            }
        }
        // ascending in `Ranked` order is best first
        heap.into_sorted_vec().into_iter().map(|r| r.1).collect()
    }
}

/// A document with its score, ordered best first: `a < b` when `a` ranks
/// above `b` (higher score, then lower key), so a max-heap's top is the
/// worst of the best `n`.
#[derive(Clone, Copy)]
struct Ranked(Score, DocMatch);

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}

impl Eq for Ranked {}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other
            .0
            .total_cmp(&self.0)
            .then(self.1.key.cmp(&other.1.key))
    }
}

/// Filters on facets, applied to whole documents while a segment is
/// walked (facets belong to documents): the page is drawn from the
/// documents every filter lets through, and those failing exactly one are
/// listed for that filter's facet, whose counts leave its own filter out.
/// So one walk of the query's terms gives the page and every disjunctive
/// count, where a query per filtered facet would walk them again.
#[derive(Debug, Clone)]
pub struct DocumentFilter {
    /// Per filter: its facet's index in the tables and the paths it lets
    /// through (with their descendants).
    filters: Vec<(usize, Vec<String>)>,
}

impl DocumentFilter {
    /// Filters by facet index and paths (as `/norway/trondelag`).
    pub fn new(filters: Vec<(usize, Vec<String>)>) -> DocumentFilter {
        DocumentFilter { filters }
    }

    /// The index among the filters of the one on facet `facet` (by its
    /// index in the tables): what [`SegmentMatches::near`] names it by.
    pub fn position(&self, facet: usize) -> Option<usize> {
        self.filters.iter().position(|(f, _)| *f == facet)
    }

    pub(crate) fn in_segment<'a>(&self, table: &'a SegmentFacets) -> SegmentFilter<'a> {
        SegmentFilter {
            table,
            ids: self
                .filters
                .iter()
                .map(|(f, paths)| (*f, table.path_ids(*f, paths)))
                .collect(),
        }
    }
}

/// A [`DocumentFilter`] with its paths resolved in one segment.
pub(crate) struct SegmentFilter<'a> {
    table: &'a SegmentFacets,
    ids: Vec<(usize, Vec<u32>)>,
}

/// What a [`DocumentFilter`] says of a document.
pub(crate) enum Verdict {
    /// Every filter lets it through.
    Pass,
    /// All but this one (by index) do.
    Near(usize),
    /// Two or more do not.
    Fail,
}

impl SegmentFilter<'_> {
    pub(crate) fn verdict(&self, document: usize) -> Verdict {
        let mut failed = None;
        for (i, (f, ids)) in self.ids.iter().enumerate() {
            if !self.table.has(document, *f, ids) {
                if failed.is_some() {
                    return Verdict::Fail;
                }
                failed = Some(i);
            }
        }
        failed.map_or(Verdict::Pass, Verdict::Near)
    }

    /// Keep the documents of `m` that pass, and list those near.
    pub(crate) fn apply(&self, m: &mut SegmentMatches) {
        let mut at = 0;
        let mut near = Vec::new();
        m.docs.retain(|d| {
            let Some((document, _)) = self.table.document(d.best_addr.doc_id, at) else {
                return false;
            };
            at = document;
            match self.verdict(document) {
                Verdict::Pass => true,
                Verdict::Near(i) => {
                    near.push((d.best_addr.doc_id, i));
                    false
                }
                Verdict::Fail => false,
            }
        });
        m.near = near;
    }
}

/// Collects every matching passage grouped by document.
pub struct GroupByDocument {
    /// Keep the best passage by score; without, only which documents
    /// matched and with how many passages (the best passage is the first).
    scoring: bool,
    /// Per segment ordinal, the segment's table of documents, when built:
    /// a passage's document and key are then read from it (a forward
    /// search over the documents' first passages, in cache) instead of from
    /// the key column for every passage (a scattered read, about 8 % of a
    /// common word's search at a million passages).
    tables: Vec<Option<Arc<SegmentFacets>>>,
    /// Filters applied to documents at the end of each segment (see
    /// [`DocumentFilter`]).
    filter: Option<DocumentFilter>,
}

impl GroupByDocument {
    /// Documents with their best passage by score.
    pub const SCORED: GroupByDocument = GroupByDocument {
        scoring: true,
        tables: Vec::new(),
        filter: None,
    };
    /// Documents only (facet counts): the engine computes no score.
    pub const UNSCORED: GroupByDocument = GroupByDocument {
        scoring: false,
        tables: Vec::new(),
        filter: None,
    };

    /// The same grouping, reading documents and keys from `tables` (by
    /// segment ordinal) where they are built.
    pub fn with_tables(self, tables: Vec<Option<Arc<SegmentFacets>>>) -> GroupByDocument {
        GroupByDocument { tables, ..self }
    }

    /// The same grouping keeping the documents `filter` lets through and
    /// listing those it nearly does; `None` when a segment has no table of
    /// documents (call after [`Self::with_tables`]).
    pub fn with_filter(self, filter: DocumentFilter) -> Option<GroupByDocument> {
        self.tables
            .iter()
            .all(Option::is_some)
            .then_some(GroupByDocument {
                filter: Some(filter),
                ..self
            })
    }
}

/// Where a segment's passages find their document's key.
enum Keys {
    /// The segment's table of documents, and the document of the last match.
    Table {
        table: Arc<SegmentFacets>,
        at: usize,
    },
    /// The key column, read per passage.
    Column(Column<u64>),
}

/// Per-segment half of [`GroupByDocument`].
pub struct SegmentGroup {
    segment: SegmentOrdinal,
    keys: Keys,
    docs: Vec<DocMatch>,
    filter: Option<DocumentFilter>,
}

impl Collector for GroupByDocument {
    type Fruit = Matches;
    type Child = SegmentGroup;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentGroup> {
        let keys = match self.tables.get(segment as usize) {
            Some(Some(table)) => Keys::Table {
                table: Arc::clone(table),
                at: 0,
            },
            _ => Keys::Column(reader.fast_fields().u64(DOC_KEY)?),
        };
        Ok(SegmentGroup {
            segment,
            keys,
            docs: Vec::new(),
            filter: self.filter.clone(),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.scoring
    }

    fn merge_fruits(&self, fruits: Vec<SegmentMatches>) -> tantivy::Result<Matches> {
        Ok(Matches::of_segments(fruits, self.filter.is_some()))
    }
}

impl SegmentCollector for SegmentGroup {
    type Fruit = SegmentMatches;

    fn collect(&mut self, doc: DocId, score: Score) {
        let key = match &mut self.keys {
            Keys::Table { table, at } => {
                let Some((document, key)) = table.document(doc, *at) else {
                    return;
                };
                *at = document;
                key
            }
            Keys::Column(column) => {
                let Some(key) = column.first(doc) else {
                    return;
                };
                key
            }
        };
        if let Some(last) = self.docs.last_mut() {
            if last.key == key {
                last.passages += 1;
                if score > last.best {
                    last.best = score;
                    last.best_addr = DocAddress::new(self.segment, doc);
                }
                return;
            }
        }
        self.docs.push(DocMatch {
            key,
            best: score,
            best_addr: DocAddress::new(self.segment, doc),
            passages: 1,
        });
    }

    fn harvest(self) -> Self::Fruit {
        let mut found = SegmentMatches {
            segment: self.segment,
            docs: self.docs,
            near: Vec::new(),
        };
        if let (Some(filter), Keys::Table { table, .. }) = (&self.filter, &self.keys) {
            filter.in_segment(table).apply(&mut found);
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(key: u64, best: f32) -> DocMatch {
        DocMatch {
            key,
            best,
            best_addr: DocAddress::new(0, key as u32),
            passages: 1,
        }
    }

    #[test]
    fn grouping_through_the_document_tables_matches_the_key_column() {
        use tantivy::schema::IndexRecordOption;
        use tantivy::{doc, query::TermQuery, Term};
        let index = crate::index::Index::in_ram().unwrap();
        let schema = index.tantivy().schema();
        let key = schema.get_field(DOC_KEY).unwrap();
        let text = schema.get_field(crate::index::schema::WORDS).unwrap();
        let mut w: tantivy::IndexWriter = index
            .tantivy()
            .writer_with_num_threads(1, 15_000_000)
            .unwrap();
        // documents of 1 to 5 adjacent passages, some without a match, so
        // that matches skip whole documents and passages within them
        for k in 0..80u64 {
            for p in 0..=(k % 5) {
                let t = if (k * 7 + p) % 4 == 0 {
                    "kyst"
                } else {
                    "fjell"
                };
                w.add_document(doc!(key => k + 1000, text => t)).unwrap();
            }
        }
        w.commit().unwrap();
        index.reload().unwrap();
        let searcher = index.searcher();
        let tables = (0..searcher.segment_readers().len())
            .map(|s| index.facet_tables().get(&searcher, s as u32).ok())
            .collect::<Vec<_>>();
        assert!(tables.iter().all(Option::is_some));
        let q = TermQuery::new(
            Term::from_field_text(text, "kyst"),
            IndexRecordOption::WithFreqs,
        );
        let by_column = searcher.search(&q, &GroupByDocument::SCORED).unwrap();
        let by_table = searcher
            .search(&q, &GroupByDocument::SCORED.with_tables(tables))
            .unwrap();
        let docs = |m: &Matches| -> Vec<(u64, u32, DocAddress)> {
            m.segments
                .iter()
                .flat_map(|s| s.docs.iter().map(|d| (d.key, d.passages, d.best_addr)))
                .collect()
        };
        assert!(by_column.total() > 20);
        assert_eq!(docs(&by_table), docs(&by_column));
    }

    #[test]
    fn unscored_grouping_finds_the_same_documents_and_passage_counts() {
        use tantivy::schema::{IndexRecordOption, Schema, FAST, TEXT};
        use tantivy::{doc, query::TermQuery, Index, Term};
        let mut sb = Schema::builder();
        let key = sb.add_u64_field(DOC_KEY, FAST);
        let body = sb.add_text_field("body", TEXT);
        let index = Index::create_in_ram(sb.build());
        let mut w = index.writer_with_num_threads(1, 15_000_000).unwrap();
        // documents of 1 to 4 adjacent passages; `kyst` in some of them
        for k in 0..60u64 {
            for p in 0..=(k % 4) {
                let text = if (k + p) % 3 == 0 {
                    "kyst og hav"
                } else {
                    "fjell"
                };
                w.add_document(doc!(key => k, body => text)).unwrap();
            }
        }
        w.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let q = TermQuery::new(
            Term::from_field_text(body, "kyst"),
            IndexRecordOption::WithFreqs,
        );
        let scored = searcher.search(&q, &GroupByDocument::SCORED).unwrap();
        let unscored = searcher
            .search_with_executor(
                &q,
                &GroupByDocument::UNSCORED,
                &tantivy::Executor::single_thread(),
                tantivy::query::EnableScoring::disabled_from_searcher(&searcher),
            )
            .unwrap();
        let docs = |m: &Matches| -> Vec<(u64, u32)> {
            m.segments
                .iter()
                .flat_map(|s| s.docs.iter().map(|d| (d.key, d.passages)))
                .collect()
        };
        assert!(scored.total() > 10);
        assert_eq!(docs(&scored), docs(&unscored));
    }

    #[test]
    fn top_orders_the_best_like_a_full_sort() {
        let all: Vec<DocMatch> = (0..200u64).map(|k| m(k, ((k * 37) % 11) as f32)).collect();
        let matches = Matches {
            segments: vec![SegmentMatches {
                segment: 0,
                docs: all.clone(),
                near: Vec::new(),
            }],
            near_listed: false,
        };
        let mut full = all.clone();
        full.sort_by(|a, b| b.score().total_cmp(&a.score()).then(a.key.cmp(&b.key)));
        for top in [0, 1, 10, 199, 200, 500] {
            let keys: Vec<u64> = matches.top(top).iter().map(|d| d.key).collect();
            let want: Vec<u64> = full.iter().take(top).map(|d| d.key).collect();
            assert_eq!(keys, want, "top {top}");
        }
        assert!(Matches::default().top(10).is_empty());
    }
}
