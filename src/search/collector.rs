//! Passage-to-document aggregation: one pass over every matching passage
//! keeps, per document, its best passage and how many passages matched.
//! The document's score is the best passage's plus a small bonus for the
//! others ([`OTHER_PASSAGES_BONUS`] per doubling), so a long report that
//! discusses a topic throughout edges out one passing mention.
//!
//! The per-document map is keyed by the document key, already a hash
//! (blake3 of the id), so it is hashed by identity instead of SipHash; and
//! the fruit is left unordered: [`rank`] orders only the page asked for,
//! since facet counts and the total need no order.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

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

/// Hashes a `u64` document key by identity (the key is a hash already).
#[derive(Default)]
pub struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A map keyed by document key.
pub type KeyMap<V> = HashMap<u64, V, BuildHasherDefault<KeyHasher>>;

/// Collects every matching passage grouped by document; the fruit is
/// unordered (see [`rank`]).
pub struct GroupByDocument;

/// Per-segment half of [`GroupByDocument`].
pub struct SegmentGroup {
    segment: SegmentOrdinal,
    keys: Column<u64>,
    map: KeyMap<DocMatch>,
}

/// The ranking order: best score first, ties by key (deterministic).
fn by_rank(a: &DocMatch, b: &DocMatch) -> std::cmp::Ordering {
    b.score().total_cmp(&a.score()).then(a.key.cmp(&b.key))
}

/// Put the `top` best matches first, in ranking order; the rest stay
/// unordered after them. Cheaper than sorting every match when a query
/// matches many documents and a page shows ten.
pub fn rank(matches: &mut [DocMatch], top: usize) {
    let top = top.min(matches.len());
    if top == 0 {
        return;
    }
    if top < matches.len() {
        matches.select_nth_unstable_by(top - 1, by_rank);
    }
    matches[..top].sort_by(by_rank);
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
            map: KeyMap::default(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, mut fruits: Vec<KeyMap<DocMatch>>) -> tantivy::Result<Vec<DocMatch>> {
        // merge into the largest map: with one segment there is nothing to move
        let largest = (0..fruits.len()).max_by_key(|&i| fruits[i].len());
        let mut all = match largest {
            Some(i) => fruits.swap_remove(i),
            None => return Ok(Vec::new()),
        };
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
        Ok(all.into_values().collect())
    }
}

impl SegmentCollector for SegmentGroup {
    type Fruit = KeyMap<DocMatch>;

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
    fn rank_orders_the_top_like_a_full_sort() {
        let all: Vec<DocMatch> = (0..200u64).map(|k| m(k, ((k * 37) % 11) as f32)).collect();
        let mut full = all.clone();
        full.sort_by(by_rank);
        for top in [0, 1, 10, 199, 200, 500] {
            let mut v = all.clone();
            rank(&mut v, top);
            let n = top.min(v.len());
            let keys: Vec<u64> = v[..n].iter().map(|d| d.key).collect();
            let want: Vec<u64> = full[..n].iter().map(|d| d.key).collect();
            assert_eq!(keys, want, "top {top}");
            assert_eq!(v.len(), all.len());
        }
        rank(&mut [], 10);
    }
}
