//! Facet counting from per-segment ordinal tables.
//!
//! Counting facets reads every matching document's values of seven facets;
//! at a million passages a common word matches tens of thousands of
//! documents. Read through tantivy's facet columns that is fourteen scattered
//! memory reads per document (each facet's row index, then its value) over
//! columns of a million passages, and the profile showed the cache misses,
//! not the counting, as the cost. Facets belong to documents, not passages,
//! and a document's passages are adjacent doc ids (see
//! [`crate::search::collector`]). So the first search on a segment copies
//! every facet's ordinals into one row per *document* ([`SegmentFacets`]:
//! seven `u32`s side by side, ~3 MB at a million passages, which stays in
//! cache) with the first doc id and the key of each document (which the
//! grouping of passages into documents reads too), and resolves every
//! ordinal to the ids of its path and ancestors once. A search then walks
//! its matches in doc-id order with a galloping cursor over the document
//! starts and reads one row per document. Segments are immutable, so a
//! table stays right for the segment's life. The index's reader builds the
//! tables of new segments when it reloads (a tantivy [`Warmer`], so the
//! thread that commits pays, not the first search after a commit or merge)
//! and drops those of segments no live searcher holds; a search that finds
//! no table (a failed warm) builds it itself.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::index::SegmentId;
use tantivy::schema::Facet as TantivyFacet;
use tantivy::{DocId, SearcherGeneration, SegmentOrdinal, SegmentReader, Warmer};

use crate::error::Result;
use crate::facet::Facet;
use crate::index::schema::DOC_KEY;

/// Number of facets counted.
pub const N: usize = Facet::ALL.len();
/// Row value: no value for this facet.
const NONE: u32 = u32::MAX;
/// Row value flag: several values; the ids of their paths and ancestors,
/// each once, are listed in `overflow` from the index in the other bits
/// (the length first).
const MULTI: u32 = 1 << 31;

/// One facet's ordinal → path resolution for one segment.
#[derive(Default)]
struct Resolved {
    /// Per ordinal: ids (into `paths`) of its path and every ancestor.
    ancestors: Vec<Vec<u32>>,
    /// Paths by id.
    paths: Vec<String>,
}

/// Every facet's ordinals for every document of one segment.
pub struct SegmentFacets {
    /// First doc id of each document (ascending).
    starts: Vec<DocId>,
    /// Each document's key (`None`: a passage without one).
    keys: Vec<Option<u64>>,
    /// Facet ordinals per document.
    rows: Vec<[u32; N]>,
    overflow: Vec<u32>,
    resolved: Vec<Resolved>,
}

impl SegmentFacets {
    /// Read every facet of every document of `reader`.
    pub fn read(reader: &SegmentReader) -> Result<SegmentFacets> {
        let keys = reader.fast_fields().u64(DOC_KEY)?;
        let mut starts: Vec<DocId> = Vec::new();
        let mut doc_keys: Vec<Option<u64>> = Vec::new();
        let mut last: Option<u64> = None;
        for doc in 0..reader.max_doc() {
            let key = keys.first(doc);
            if starts.is_empty() || key != last {
                starts.push(doc);
                doc_keys.push(key);
                last = key;
            }
        }
        let mut rows = vec![[NONE; N]; starts.len()];
        let mut overflow = Vec::new();
        let mut resolved = Vec::with_capacity(N);
        let mut ords: Vec<u32> = Vec::new();
        let mut seen: Vec<u32> = Vec::new();
        for (f, name) in Facet::ALL.map(Facet::name).iter().enumerate() {
            let facets = reader.facet_reader(name)?;
            let n = facets.num_facets();
            let mut r = Resolved::default();
            let mut ids: HashMap<String, u32> = HashMap::new();
            let mut facet = TantivyFacet::root();
            for ord in 0..n as u64 {
                facets.facet_from_ord(ord, &mut facet)?;
                let list = crate::taxonomy::ancestors(&facet.to_path_string())
                    .into_iter()
                    .map(|p| {
                        *ids.entry(p).or_insert_with_key(|p| {
                            r.paths.push(p.clone());
                            r.paths.len() as u32 - 1
                        })
                    })
                    .collect();
                r.ancestors.push(list);
            }
            for (&doc, row) in starts.iter().zip(rows.iter_mut()) {
                ords.clear();
                ords.extend(
                    facets
                        .facet_ords(doc)
                        .filter(|&o| (o as usize) < n && o < u64::from(MULTI))
                        .map(|o| o as u32),
                );
                row[f] = match ords.as_slice() {
                    [] => NONE,
                    [one] => *one,
                    several => {
                        // the paths of all values and their ancestors, each
                        // once: `/norway` counts a document with two
                        // Norwegian regions once
                        seen.clear();
                        for &ord in several {
                            for &id in &r.ancestors[ord as usize] {
                                if !seen.contains(&id) {
                                    seen.push(id);
                                }
                            }
                        }
                        let at = overflow.len() as u32;
                        overflow.push(seen.len() as u32);
                        overflow.extend_from_slice(&seen);
                        MULTI | at
                    }
                };
            }
            resolved.push(r);
        }
        Ok(SegmentFacets {
            starts,
            keys: doc_keys,
            rows,
            overflow,
            resolved,
        })
    }

    /// The first passage of each document, ascending.
    pub fn starts(&self) -> &[DocId] {
        &self.starts
    }

    /// The key of document `document` (by index), if it has one.
    pub fn key(&self, document: usize) -> Option<u64> {
        self.keys.get(document).copied().flatten()
    }

    /// The document holding passage `doc` (its index among the segment's
    /// documents) and its key, searching forward from document `from`
    /// (passages come in ascending order); `None` before the first document
    /// or for a passage without a key.
    pub fn document(&self, doc: DocId, from: usize) -> Option<(usize, u64)> {
        if self.starts.first().is_none_or(|&first| doc < first) {
            return None;
        }
        let at = self.document_of(doc, from);
        Some((at, self.keys.get(at).copied().flatten()?))
    }

    /// Index of the document holding passage `doc`, searching forward from
    /// `from` (galloping: cheap both for the next document and far ones).
    fn document_of(&self, doc: DocId, from: usize) -> usize {
        let s = &self.starts;
        if from + 1 >= s.len() || s[from + 1] > doc {
            return from;
        }
        let mut step = 1;
        while from + step < s.len() && s[from + step] <= doc {
            step *= 2;
        }
        let lo = from + step / 2;
        let hi = (from + step).min(s.len());
        lo + s[lo..hi].partition_point(|&x| x <= doc) - 1
    }

    /// The ids, in this segment, of facet `f`'s `paths` (as
    /// `/norway/trondelag`); a path no document of the segment has, at or
    /// under it, has none and is left out.
    pub fn path_ids(&self, f: usize, paths: &[String]) -> Vec<u32> {
        let Some(r) = self.resolved.get(f) else {
            return Vec::new();
        };
        r.paths
            .iter()
            .enumerate()
            .filter(|(_, p)| paths.contains(p))
            .map(|(id, _)| id as u32)
            .collect()
    }

    /// Whether document `document` (by index) has a value of facet `f` at
    /// or under one of the paths `ids` (from [`Self::path_ids`]): what a
    /// filter on those paths lets through.
    pub fn has(&self, document: usize, f: usize, ids: &[u32]) -> bool {
        let (Some(row), Some(r)) = (self.rows.get(document), self.resolved.get(f)) else {
            return false;
        };
        let v = row[f];
        if v == NONE {
            return false;
        }
        let listed: &[u32] = if v & MULTI == 0 {
            r.ancestors.get(v as usize).map_or(&[], Vec::as_slice)
        } else {
            let at = (v & !MULTI) as usize;
            let len = self.overflow.get(at).copied().unwrap_or(0) as usize;
            self.overflow.get(at + 1..at + 1 + len).unwrap_or(&[])
        };
        listed.iter().any(|id| ids.contains(id))
    }

    /// Add to `out[f]`, for every facet `f` with `which[f]`, the number of
    /// documents among `docs` (one passage per document, ascending doc ids)
    /// under each path (a document counts once per path, however many of
    /// its values lie under it).
    pub fn count(
        &self,
        docs: impl Iterator<Item = DocId>,
        which: &[bool; N],
        out: &mut [HashMap<String, u64>; N],
    ) {
        // one counter per ordinal and per path of every counted facet
        let counters = |len: fn(&Resolved) -> usize| -> Vec<Vec<u64>> {
            (0..N)
                .map(|f| vec![0; if which[f] { len(&self.resolved[f]) } else { 0 }])
                .collect()
        };
        let mut per_ord = counters(|r| r.ancestors.len());
        let mut per_path = counters(|r| r.paths.len());
        let mut at_doc = 0;
        for doc in docs {
            if self.starts.first().is_none_or(|&first| doc < first) {
                continue;
            }
            at_doc = self.document_of(doc, at_doc);
            let Some(row) = self.rows.get(at_doc) else {
                continue;
            };
            for f in 0..N {
                if !which[f] {
                    continue;
                }
                let v = row[f];
                if v == NONE {
                    continue;
                }
                if v & MULTI == 0 {
                    if let Some(c) = per_ord[f].get_mut(v as usize) {
                        *c += 1;
                    }
                    continue;
                }
                let at = (v & !MULTI) as usize;
                let len = self.overflow.get(at).copied().unwrap_or(0) as usize;
                for &id in self.overflow.get(at + 1..at + 1 + len).unwrap_or(&[]) {
                    if let Some(c) = per_path[f].get_mut(id as usize) {
                        *c += 1;
                    }
                }
            }
        }
        for f in (0..N).filter(|&f| which[f]) {
            let r = &self.resolved[f];
            for (ord, &c) in per_ord[f].iter().enumerate() {
                if c > 0 {
                    for &id in &r.ancestors[ord] {
                        per_path[f][id as usize] += c;
                    }
                }
            }
            for (id, &c) in per_path[f].iter().enumerate() {
                if c > 0 {
                    *out[f].entry(r.paths[id].clone()).or_insert(0) += c;
                }
            }
        }
    }
}

/// Tables by segment, owned by the index (shared through its `Arc`).
#[derive(Default)]
pub struct FacetTables {
    tables: Mutex<HashMap<SegmentId, Arc<SegmentFacets>>>,
}

impl FacetTables {
    /// The table for segment `segment` of `searcher`: built by the warmer at
    /// reload, or here if that failed.
    pub fn get(
        &self,
        searcher: &tantivy::Searcher,
        segment: SegmentOrdinal,
    ) -> Result<Arc<SegmentFacets>> {
        self.table_of(searcher.segment_reader(segment))
    }

    /// The table of `reader`'s segment, read and kept on first use. Tables of
    /// segments no live searcher holds are dropped by [`Warmer::garbage_collect`].
    fn table_of(&self, reader: &SegmentReader) -> Result<Arc<SegmentFacets>> {
        let key = reader.segment_id();
        if let Some(t) = self.lock().get(&key) {
            return Ok(t.clone());
        }
        // read outside the lock: two first readers may both read, which
        // costs time once but never blocks searches on other segments
        let table = Arc::new(SegmentFacets::read(reader)?);
        self.lock().insert(key, table.clone());
        Ok(table)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SegmentId, Arc<SegmentFacets>>> {
        // a panic while holding the lock leaves a valid map: keep using it
        self.tables.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Segments that have a table now.
    pub fn segments(&self) -> Vec<SegmentId> {
        self.lock().keys().copied().collect()
    }
}

impl Warmer for FacetTables {
    fn warm(&self, searcher: &tantivy::Searcher) -> tantivy::Result<()> {
        for reader in searcher.segment_readers() {
            if let Err(e) = self.table_of(reader) {
                // not fatal for the reload: the first search on the segment tries again
                tracing::warn!(
                    "facet table of segment {:?} not built: {e}",
                    reader.segment_id()
                );
            }
        }
        Ok(())
    }

    fn garbage_collect(&self, live_generations: &[&SearcherGeneration]) {
        self.lock().retain(|seg, _| {
            live_generations
                .iter()
                .any(|g| g.segments().contains_key(seg))
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    const REGION: &str = Facet::Region.name();
    use tantivy::{doc, Index};

    #[test]
    fn a_reload_builds_the_tables_of_new_segments_before_any_search() {
        let index = crate::index::Index::in_ram().unwrap();
        let schema = index.tantivy().schema();
        let region = schema.get_field(REGION).unwrap();
        let key = schema.get_field(DOC_KEY).unwrap();
        let mut w: tantivy::IndexWriter = index
            .tantivy()
            .writer_with_num_threads(1, 15_000_000)
            .unwrap();
        let live = || -> Vec<SegmentId> {
            let mut ids: Vec<SegmentId> = index
                .searcher()
                .segment_readers()
                .iter()
                .map(|r| r.segment_id())
                .collect();
            ids.sort();
            ids
        };
        let tabled = || {
            let mut ids = index.facet_tables().segments();
            ids.sort();
            ids
        };
        for k in 1..=2u64 {
            w.add_document(doc!(key => k, region => TantivyFacet::from_text("/norway").unwrap()))
                .unwrap();
            w.commit().unwrap();
            index.reload().unwrap();
            assert_eq!(live().len(), k as usize);
            assert_eq!(tabled(), live(), "after commit {k}");
        }
    }

    #[test]
    fn counts_each_document_once_per_path_with_ancestors() {
        let schema = crate::index::schema::build();
        let region = schema.get_field(REGION).unwrap();
        let key = schema.get_field(DOC_KEY).unwrap();
        let index = Index::create_in_ram(schema);
        crate::index::analyzer::register_all(index.tokenizers());
        let mut w = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let f = |p: &str| TantivyFacet::from_text(p).unwrap();
        // documents 1 and 3 have two passages each (adjacent, same key)
        w.add_document(doc!(key => 1u64, region => f("/norway/trondelag")))
            .unwrap();
        for _ in 0..2 {
            w.add_document(doc!(
                key => 2u64,
                region => f("/norway/trondelag"),
                region => f("/norway/nordland")
            ))
            .unwrap();
        }
        for _ in 0..2 {
            w.add_document(doc!(key => 3u64, region => f("/sweden/jamtland")))
                .unwrap();
        }
        w.add_document(doc!(key => 4u64)).unwrap();
        w.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let table = SegmentFacets::read(searcher.segment_reader(0)).unwrap();
        let r = Facet::Region.index();
        let mut which = [false; N];
        which[r] = true;
        let mut out: [HashMap<String, u64>; N] = Default::default();
        table.count([0, 2, 4, 5].into_iter(), &which, &mut out);
        assert_eq!(out[r]["/norway"], 2, "the two-region document counts once");
        assert_eq!(out[r]["/norway/trondelag"], 2);
        assert_eq!(out[r]["/norway/nordland"], 1);
        assert_eq!(out[r]["/sweden"], 1);
        assert_eq!(out[r].len(), 5);
        assert!(out.iter().enumerate().all(|(i, m)| i == r || m.is_empty()));
        // a filter on a parent lets its descendants through, in documents
        // of one value and of several
        let paths = |ps: &[&str]| -> Vec<String> { ps.iter().map(|p| p.to_string()).collect() };
        let norway = table.path_ids(r, &paths(&["/norway"]));
        let through: Vec<bool> = (0..4).map(|d| table.has(d, r, &norway)).collect();
        assert_eq!(through, [true, true, false, false]);
        let nordland = table.path_ids(r, &paths(&["/norway/nordland", "/finland"]));
        assert_eq!(nordland.len(), 1, "a path no document has has no id");
        let through: Vec<bool> = (0..4).map(|d| table.has(d, r, &nordland)).collect();
        assert_eq!(through, [false, true, false, false]);
        let mut some: [HashMap<String, u64>; N] = Default::default();
        table.count([4].into_iter(), &which, &mut some);
        assert_eq!(some[r].len(), 2);
        assert_eq!(some[r]["/sweden/jamtland"], 1);
    }
}
