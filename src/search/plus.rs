//! A query whose matches score their sub-query's score plus a constant:
//! how the fallback of a search counts the query's words a passage has
//! ([`crate::plan::Node::Plus`]) in the same walk that scores them, where a
//! second, constant-scored copy of each word would walk its postings twice.

use std::fmt;

use tantivy::fastfield::AliveBitSet;
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{
    DocId, DocSet, Score, SeekDangerResult, SegmentReader, Term, COLLECT_BLOCK_BUFFER_LEN,
};

/// `query`'s matches, each scoring `query`'s score plus `add`.
pub struct PlusQuery {
    query: Box<dyn Query>,
    add: Score,
}

impl PlusQuery {
    /// `query` with `add` added to every match's score.
    pub fn new(query: Box<dyn Query>, add: Score) -> PlusQuery {
        PlusQuery { query, add }
    }
}

impl Clone for PlusQuery {
    fn clone(&self) -> Self {
        PlusQuery {
            query: self.query.box_clone(),
            add: self.add,
        }
    }
}

impl fmt::Debug for PlusQuery {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "Plus(query={:?}, add={})", self.query, self.add)
    }
}

impl Query for PlusQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weight = self.query.weight(enable_scoring)?;
        Ok(if enable_scoring.is_scoring_enabled() {
            Box::new(PlusWeight {
                weight,
                add: self.add,
            })
        } else {
            weight
        })
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.query.query_terms(visitor)
    }
}

struct PlusWeight {
    weight: Box<dyn Weight>,
    add: Score,
}

impl Weight for PlusWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(PlusScorer {
            underlying: self.weight.scorer(reader, boost)?,
            add: self.add * boost,
        }))
    }

    fn scorer_danger(
        &self,
        reader: &SegmentReader,
        target: DocId,
        boost: Score,
    ) -> tantivy::Result<(SeekDangerResult, Box<dyn Scorer>)> {
        let (found, underlying) = self.weight.scorer_danger(reader, target, boost)?;
        let scorer = PlusScorer {
            underlying,
            add: self.add * boost,
        };
        Ok((found, Box::new(scorer)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let inner = self.weight.explain(reader, doc)?;
        let mut e = Explanation::new_with_string(
            format!("Plus {} for matching", self.add),
            inner.value() + self.add,
        );
        e.add_detail(inner);
        Ok(e)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.weight.count(reader)
    }
}

struct PlusScorer {
    underlying: Box<dyn Scorer>,
    add: Score,
}

impl DocSet for PlusScorer {
    fn advance(&mut self) -> DocId {
        self.underlying.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.underlying.seek(target)
    }

    fn seek_danger(&mut self, target: DocId) -> SeekDangerResult {
        self.underlying.seek_danger(target)
    }

    fn fill_buffer(&mut self, buffer: &mut [DocId; COLLECT_BLOCK_BUFFER_LEN]) -> usize {
        self.underlying.fill_buffer(buffer)
    }

    fn doc(&self) -> DocId {
        self.underlying.doc()
    }

    fn size_hint(&self) -> u32 {
        self.underlying.size_hint()
    }

    fn cost(&self) -> u64 {
        self.underlying.cost()
    }

    fn count(&mut self, alive_bitset: &AliveBitSet) -> u32 {
        self.underlying.count(alive_bitset)
    }

    fn count_including_deleted(&mut self) -> u32 {
        self.underlying.count_including_deleted()
    }
}

impl Scorer for PlusScorer {
    fn score(&mut self) -> Score {
        self.underlying.score() + self.add
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, Occur, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{doc, DocAddress, Index};

    #[test]
    fn each_match_scores_its_query_plus_the_constant_alone_and_in_a_union() {
        let mut sb = Schema::builder();
        let body = sb.add_text_field("body", TEXT);
        let index = Index::create_in_ram(sb.build());
        let mut w = index.writer_with_num_threads(1, 20_000_000).unwrap();
        for text in ["kyst havbruk", "kyst", "havbruk havbruk", "skog"] {
            w.add_document(doc!(body => text)).unwrap();
        }
        w.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let term = |t: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(body, t),
                IndexRecordOption::WithFreqs,
            ))
        };
        let scored = |q: &dyn Query| -> Vec<(DocAddress, Score)> {
            let mut v: Vec<(DocAddress, Score)> = searcher
                .search(q, &TopDocs::with_limit(10).order_by_score())
                .unwrap()
                .into_iter()
                .map(|(s, d)| (d, s))
                .collect();
            v.sort_by_key(|(d, _)| *d);
            v
        };
        let plain = scored(&*term("havbruk"));
        let plus = scored(&PlusQuery::new(term("havbruk"), 5.0));
        assert_eq!(plain.len(), 2);
        for ((da, sa), (db, sb)) in plain.iter().zip(&plus) {
            assert_eq!(da, db);
            assert!((sa + 5.0 - sb).abs() < 1e-4, "{sa} + 5 vs {sb}");
        }
        // in a union, a document with both words gains the constant twice
        let union = |add: Score| -> Vec<(DocAddress, Score)> {
            let q = BooleanQuery::new(vec![
                (
                    Occur::Should,
                    Box::new(PlusQuery::new(term("kyst"), add)) as _,
                ),
                (
                    Occur::Should,
                    Box::new(PlusQuery::new(term("havbruk"), add)) as _,
                ),
            ]);
            scored(&q)
        };
        let (without, with) = (union(0.0), union(5.0));
        assert_eq!(without.len(), 3);
        let both = DocAddress::new(0, 0);
        for ((d, s0), (_, s1)) in without.iter().zip(&with) {
            let n = if *d == both { 2.0 } else { 1.0 };
            assert!((s0 + 5.0 * n - s1).abs() < 1e-4, "{d:?}: {s0} vs {s1}");
        }
    }
}
