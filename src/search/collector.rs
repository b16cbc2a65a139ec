//! Passage-to-document aggregation: one pass over every matching passage
//! keeps, per document, its best passage and how many passages matched.
//! The document's score is the best passage's plus a small bonus for the
//! others ([`OTHER_PASSAGES_BONUS`] per doubling), so a long report that
//! discusses a topic throughout edges out one passing mention.

use std::collections::HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::index::schema::DOC_KEY;

/// Relative bonus per doubling of the number of matching passages.
pub const OTHER_PASSAGES_BONUS: f32 = 0.08;

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
        self.best * (1.0 + OTHER_PASSAGES_BONUS * (self.passages as f32).log2())
    }
}

/// Collects every matching passage grouped by document.
pub struct GroupByDocument;

/// Per-segment half of [`GroupByDocument`].
pub struct SegmentGroup {
    segment: SegmentOrdinal,
    keys: Column<u64>,
    map: HashMap<u64, DocMatch>,
}

impl Collector for GroupByDocument {
    type Fruit = Vec<DocMatch>;
    type Child = SegmentGroup;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentGroup> {
        Ok(SegmentGroup {
            segment,
            keys: reader.fast_fields().u64(DOC_KEY)?,
            map: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<HashMap<u64, DocMatch>>) -> tantivy::Result<Vec<DocMatch>> {
        let mut all: HashMap<u64, DocMatch> = HashMap::new();
        for fruit in fruits {
            for (k, m) in fruit {
                all.entry(k)
                    .and_modify(|e| {
                        e.passages += m.passages;
                        if m.best > e.best {
                            e.best = m.best;
                            e.best_addr = m.best_addr;
                        }
                    })
                    .or_insert(m);
            }
        }
        let mut v: Vec<DocMatch> = all.into_values().collect();
        v.sort_by(|a, b| b.score().total_cmp(&a.score()).then(a.key.cmp(&b.key)));
        Ok(v)
    }
}

impl SegmentCollector for SegmentGroup {
    type Fruit = HashMap<u64, DocMatch>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let Some(key) = self.keys.first(doc) else {
            return;
        };
        let addr = DocAddress::new(self.segment, doc);
        self.map
            .entry(key)
            .and_modify(|e| {
                e.passages += 1;
                if score > e.best {
                    e.best = score;
                    e.best_addr = addr;
                }
            })
            .or_insert(DocMatch {
                key,
                best: score,
                best_addr: addr,
                passages: 1,
            });
    }

    fn harvest(self) -> Self::Fruit {
        self.map
    }
}
