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
    /// Passages of `searcher`'s segments with no token in `field`. The
    /// lock is taken once to read what is known and once to keep what was
    /// counted, never while a segment's norms are read.
    pub fn count(&self, searcher: &Searcher, field: Field) -> tantivy::Result<u64> {
        let readers = searcher.segment_readers();
        let known: Vec<Option<u64>> = match self.counted.lock() {
            Ok(c) => readers
                .iter()
                .map(|r| c.get(&(r.segment_id(), field)).copied())
                .collect(),
            Err(_) => vec![None; readers.len()],
        };
        let mut total = 0;
        let mut counted = Vec::new();
        for (reader, known) in readers.iter().zip(known) {
            let n = match known {
                Some(n) => n,
                None => {
                    let norms = reader.get_fieldnorms_reader(field)?;
                    let n = (0..reader.max_doc())
                        .filter(|d| norms.fieldnorm_id(*d) == 0)
                        .count() as u64;
                    counted.push((reader.segment_id(), n));
                    n
                }
            };
            total += n;
        }
        if !counted.is_empty() {
            if let Ok(mut c) = self.counted.lock() {
                if c.len() >= REMEMBERED {
                    let live: Vec<SegmentId> = readers.iter().map(|r| r.segment_id()).collect();
                    c.retain(|(s, _), _| live.contains(s));
                }
                c.extend(counted.into_iter().map(|(s, n)| ((s, field), n)));
            }
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
    /// Each field's total, once read: one search asks for it once per term
    /// and per run of its query.
    pub totals: Mutex<HashMap<Field, u64>>,
    /// Each term's document frequency, once read: a pruned search reads it
    /// before the query's weights do (see `search::prune`).
    pub frequencies: Mutex<HashMap<Term, u64>>,
}

impl Bm25StatisticsProvider for Bm25Statistics<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        if let Some(n) = self.totals.lock().ok().and_then(|t| t.get(&field).copied()) {
            return Ok(n);
        }
        let mut n = self.searcher.total_num_tokens(field)?;
        if self.filled.contains(&field) {
            n += self.empty.count(self.searcher, field)?;
        }
        if let Ok(mut t) = self.totals.lock() {
            t.insert(field, n);
        }
        Ok(n)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        self.searcher.total_num_docs()
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        if let Some(n) = self
            .frequencies
            .lock()
            .ok()
            .and_then(|f| f.get(term).copied())
        {
            return Ok(n);
        }
        let n = self.searcher.doc_freq(term)?;
        if let Ok(mut f) = self.frequencies.lock() {
            f.insert(term.clone(), n);
        }
        Ok(n)
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
            totals: Default::default(),
            frequencies: Default::default(),
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
