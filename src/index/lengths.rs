//! Field lengths as OpenSearch sees the same tokens.
//!
//! On OpenSearch every passage holds every analysed field: one with no
//! token there holds a filler token ([`crate::opensearch`]'s mapping), so
//! that Lucene's BM25 counts every passage as tantivy does. The fillers
//! also add one token each to the field's total length, and so to its
//! average length. [`Bm25Statistics`] adds the same count here: one token
//! per passage with no token in an analysed field (its field norm is 0).
//! A language field few passages use then has the same average length on
//! both engines, and a match in it the same score; without this the two
//! differed by a factor there, not a rounding.
//!
//! The count is read once per segment and field (segments never change;
//! a deletion leaves the lengths, as it leaves tantivy's own token count).

use std::collections::HashMap;
use std::sync::Mutex;

use tantivy::index::SegmentId;
use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

/// Passages with no token in a field, per segment.
#[derive(Default)]
pub struct EmptyPassages {
    counted: Mutex<HashMap<(SegmentId, Field), u64>>,
}

/// Segments and fields remembered before the ones no searcher uses any
/// more are forgotten.
const REMEMBERED: usize = 4096;

impl EmptyPassages {
    /// Passages of `searcher`'s segments with no token in `field`.
    pub fn count(&self, searcher: &Searcher, field: Field) -> tantivy::Result<u64> {
        let mut total = 0;
        for reader in searcher.segment_readers() {
            let key = (reader.segment_id(), field);
            let known = self.counted.lock().ok().and_then(|c| c.get(&key).copied());
            let n = match known {
                Some(n) => n,
                None => {
                    let norms = reader.get_fieldnorms_reader(field)?;
                    let n = (0..reader.max_doc())
                        .filter(|d| norms.fieldnorm_id(*d) == 0)
                        .count() as u64;
                    if let Ok(mut c) = self.counted.lock() {
                        if c.len() >= REMEMBERED {
                            let live: Vec<SegmentId> = searcher
                                .segment_readers()
                                .iter()
                                .map(|r| r.segment_id())
                                .collect();
                            c.retain(|(s, _), _| live.contains(s));
                        }
                        c.insert(key, n);
                    }
                    n
                }
            };
            total += n;
        }
        Ok(total)
    }
}

/// BM25 statistics of `searcher` with the filler tokens of `filled` fields
/// counted in their lengths.
pub struct Bm25Statistics<'a> {
    /// The searcher's own statistics.
    pub searcher: &'a Searcher,
    /// Where the counts are kept.
    pub empty: &'a EmptyPassages,
    /// The analysed fields (those OpenSearch fills).
    pub filled: &'a [Field],
}

impl Bm25StatisticsProvider for Bm25Statistics<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        let tokens = self.searcher.total_num_tokens(field)?;
        if !self.filled.contains(&field) {
            return Ok(tokens);
        }
        Ok(tokens + self.empty.count(self.searcher, field)?)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        self.searcher.total_num_docs()
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        self.searcher.doc_freq(term)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{doc, Index};

    #[test]
    fn each_passage_without_a_token_adds_one_to_the_fields_length() {
        let mut sb = Schema::builder();
        let sv = sb.add_text_field("sv", TEXT);
        let nb = sb.add_text_field("nb", TEXT);
        let index = Index::create_in_ram(sb.build());
        let mut w = index.writer_with_num_threads(1, 20_000_000).unwrap();
        w.add_document(doc!(sv => "kustturism i norr")).unwrap();
        w.add_document(doc!(nb => "kystturisme i nord")).unwrap();
        w.add_document(doc!(nb => "havbruk")).unwrap();
        w.commit().unwrap();
        w.add_document(doc!(nb => "skog")).unwrap();
        w.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 2);
        let empty = EmptyPassages::default();
        let stats = Bm25Statistics {
            searcher: &searcher,
            empty: &empty,
            filled: &[sv],
        };
        // three tokens and three passages without the field
        assert_eq!(stats.total_num_tokens(sv).unwrap(), 3 + 3);
        // counted again from memory, the same
        assert_eq!(stats.total_num_tokens(sv).unwrap(), 6);
        // a field that is not filled keeps tantivy's count
        assert_eq!(stats.total_num_tokens(nb).unwrap(), 5);
        assert_eq!(stats.total_num_docs().unwrap(), 4);
    }
}
