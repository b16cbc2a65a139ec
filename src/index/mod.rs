//! The index stage: opens or creates the tantivy index with Kartotek's
//! schema and analyzers, writes [`Document`]s as passages, and reads
//! stored documents back.
//!
//! Commits are atomic (tantivy writes `meta.json` last), so a run killed
//! with `kill -9` leaves an index that opens and holds every document
//! committed before the kill. The reader reloads manually after each commit,
//! so a write is visible to searches as soon as the call that made it
//! returns.
//!
//! Searching needs no write access to the folder ([`directory`]), and an
//! error opening or writing the index says what is wrong (lock held, no
//! permission, disk full: [`index_error`]) rather than one hint for all.

pub mod analyzer;
pub mod cognate;
pub mod compound;
pub mod damage;
pub mod directory;
pub mod facet_tables;
pub mod lengths;
pub mod schema;
pub mod suspended;

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::directory::error::LockError;
use tantivy::indexer::UserOperation;
use tantivy::query::TermQuery;
use tantivy::schema::{Facet, IndexRecordOption, Value};
use tantivy::{DocAddress, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::document::{Document, FacetValue, Format, Passage};
use crate::error::{Error, Result};
use crate::lang::Language;
pub use schema::Fields;

/// Marks an index whose documents were written as one group each (their
/// passages adjacent, see [`Writer::upsert`]); stored as the commit payload.
/// An index without it was written by an earlier Kartotek and must be rebuilt.
pub(crate) const LAYOUT: &str = "kartotek-layout-2";

/// Threads that search one query's segments in parallel, and that index:
/// the cores, at most four.
pub(crate) fn search_threads() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 4)
}

/// Default writer heap: 128 MiB split over the indexing threads.
pub const DEFAULT_WRITER_HEAP: usize = 128 * 1024 * 1024;

/// An open Kartotek index: the tantivy index, its reader and field handles.
#[derive(Clone)]
pub struct Index {
    inner: tantivy::Index,
    reader: IndexReader,
    fields: Fields,
    path: Option<PathBuf>,
    /// True when this open created the index (the folder held none).
    created: bool,
    /// Facet tables per segment, built by the reader's warmer when a reload
    /// brings new segments (see [`facet_tables`]).
    facet_tables: Arc<facet_tables::FacetTables>,
    /// Passages without a token in an analysed field, per segment (see
    /// [`lengths`]).
    empty_passages: Arc<lengths::EmptyPassages>,
}

/// Document-level values stored once (on passage 0) as JSON.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct StoredMeta {
    /// Meta description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Publication date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Where the date was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_source: Option<crate::document::DateSource>,
    /// Page count.
    pub pages: u32,
    /// Source size in bytes.
    pub bytes: u64,
    /// Facet values with evidence.
    #[serde(default)]
    pub facets: Vec<FacetValue>,
    /// The linking page, for crawled PDFs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<crate::document::LinkContext>,
    /// What could not be read, or only in part.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// Bytes of stored passages compressed together. Every hit returned reads
/// its passage from the store, and tantivy decompresses the whole block it
/// lies in: with its default 16 KiB, decompression was 17 % of a facet
/// query's instructions at 10k passages (issue 18, BENCHMARKS.md). 4 KiB
/// blocks cut that to 7 % for 7 % more disk.
const DOCSTORE_BLOCK: usize = 4096;

/// Settings of a new index: tantivy's defaults but the store block size.
fn settings() -> tantivy::IndexSettings {
    tantivy::IndexSettings {
        docstore_blocksize: DOCSTORE_BLOCK,
        ..tantivy::IndexSettings::default()
    }
}

impl Index {
    /// Open the index in `dir`, creating the folder and an empty index if needed.
    pub fn open_or_create(dir: &Path) -> Result<Index> {
        Self::open_dir(dir).map_err(|e| match e {
            Error::Index(e) => index_error(e, Some(dir)),
            other => other,
        })
    }

    fn open_dir(dir: &Path) -> Result<Index> {
        if dir.exists() && !dir.is_dir() {
            return Err(Error::Usage(format!(
                "`{}` is a file, not an index folder\nhint: give --index (or KARTOTEK_INDEX) a folder: an existing index, or a new or empty one to create it in",
                dir.display()
            )));
        }
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let folder = directory::SearchableDirectory::open(dir)?;
        let exists = tantivy::Index::exists(&folder).map_err(|e| Error::Internal(e.to_string()))?;
        let created = !exists;
        let inner = if exists {
            let idx = tantivy::Index::open(folder)?;
            let metas = idx.load_metas()?;
            let older_layout =
                !metas.segments.is_empty() && metas.payload.as_deref() != Some(LAYOUT);
            if older_layout || Fields::new(&idx.schema()).is_err() {
                return Err(Error::Usage(format!(
                    "the index in `{}` was built by another version of Kartotek\nhint: delete that folder and run `kartotek ingest` again",
                    dir.display()
                )));
            }
            idx
        } else {
            tantivy::Index::create(folder, schema::build(), settings())?
        };
        let mut index = Self::wrap(inner, Some(dir.to_path_buf()))?;
        index.created = created;
        Ok(index)
    }

    /// A fresh index in memory (tests, benchmarks).
    pub fn in_ram() -> Result<Index> {
        Self::wrap(tantivy::Index::create_in_ram(schema::build()), None)
    }

    fn wrap(mut inner: tantivy::Index, path: Option<PathBuf>) -> Result<Index> {
        analyzer::register_all(inner.tokenizers());
        // one query's segments are searched in parallel, one thread each
        // (indexes in RAM are tests and small benchmarks: one thread)
        if path.is_some() && search_threads() > 1 {
            inner.set_multithread_executor(search_threads())?;
        }
        // facet tables are built when a reload brings new segments, on the
        // thread that commits, not by the first search that needs them
        let facet_tables = Arc::new(facet_tables::FacetTables::default());
        let warmer: Arc<dyn tantivy::Warmer> = facet_tables.clone();
        let reader = inner
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .warmers(vec![Arc::downgrade(&warmer)])
            .try_into()?;
        let fields = Fields::new(&inner.schema())?;
        Ok(Index {
            inner,
            reader,
            fields,
            path,
            created: false,
            facet_tables,
            empty_passages: Arc::default(),
        })
    }

    /// True when [`Index::open_or_create`] created this index: its folder held
    /// no index before. An index that exists but is empty (a first ingest
    /// killed before its first commit) is not new.
    pub fn created(&self) -> bool {
        self.created
    }

    /// The per-segment facet tables of this index.
    pub fn facet_tables(&self) -> &facet_tables::FacetTables {
        &self.facet_tables
    }

    /// The folder this index lives in (`None` in RAM).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The underlying tantivy index.
    pub fn tantivy(&self) -> &tantivy::Index {
        &self.inner
    }

    /// BM25 statistics of `searcher` (a searcher of this index) as
    /// OpenSearch computes them from the same tokens (see [`lengths`]).
    pub fn bm25_statistics<'a>(
        &'a self,
        searcher: &'a tantivy::Searcher,
    ) -> lengths::Bm25Statistics<'a> {
        lengths::Bm25Statistics {
            searcher,
            empty: &self.empty_passages,
            filled: &self.fields.analysed,
            totals: Default::default(),
            frequencies: Default::default(),
        }
    }

    /// Field handles.
    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    /// A searcher over the last committed state.
    pub fn searcher(&self) -> tantivy::Searcher {
        self.reader.searcher()
    }

    /// Make the last commit visible to new searchers.
    pub fn reload(&self) -> Result<()> {
        self.reader.reload()?;
        Ok(())
    }

    /// Open the single writer. Fails with a clear message when another
    /// process (an `ingest` or a `serve`) holds the index.
    pub fn writer(&self, heap_bytes: usize) -> Result<Writer> {
        let threads = search_threads();
        let heap = heap_bytes.max(threads * 16 * 1024 * 1024);
        match self.inner.writer_with_num_threads(threads, heap) {
            Ok(w) => Ok(Writer {
                writer: w,
                index: self.clone(),
                pending: 0,
            }),
            Err(e) => Err(index_error(e, self.path.as_deref())),
        }
    }

    /// Number of documents (passage 0 records).
    pub fn num_documents(&self) -> u64 {
        let searcher = self.searcher();
        let q = TermQuery::new(
            Term::from_field_u64(self.fields.passage, 0),
            IndexRecordOption::Basic,
        );
        searcher.search(&q, &Count).map(|c| c as u64).unwrap_or(0)
    }

    /// Number of passages.
    pub fn num_passages(&self) -> u64 {
        self.searcher().num_docs()
    }

    /// True when no document is indexed.
    pub fn is_empty(&self) -> bool {
        self.num_passages() == 0
    }

    fn first_passage(&self, id: &str) -> Option<(tantivy::Searcher, DocAddress)> {
        let searcher = self.searcher();
        let q = TermQuery::new(
            Term::from_field_text(self.fields.id, id),
            IndexRecordOption::Basic,
        );
        let top = searcher
            .search(&q, &TopDocs::with_limit(1).order_by_score())
            .ok()?;
        let (_, addr) = *top.first()?;
        Some((searcher, addr))
    }

    /// The stored content hash of a document, if the id is indexed.
    pub fn stored_hash(&self, id: &str) -> Option<String> {
        let (searcher, addr) = self.first_passage(id)?;
        let doc: TantivyDocument = searcher.doc(addr).ok()?;
        doc.get_first(self.fields.hash)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    }

    /// Every `(id, source)` in the index.
    pub fn sources(&self) -> Result<Vec<(String, String)>> {
        let searcher = self.searcher();
        let q = TermQuery::new(
            Term::from_field_u64(self.fields.passage, 0),
            IndexRecordOption::Basic,
        );
        let n = searcher.search(&q, &Count)?.max(1);
        let top = searcher.search(&q, &TopDocs::with_limit(n).order_by_score())?;
        let mut out = Vec::with_capacity(top.len());
        for (_, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let get = |f| {
                doc.get_first(f)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            out.push((get(self.fields.id), get(self.fields.source)));
        }
        Ok(out)
    }

    /// Read a whole document back (all passages, in order).
    pub fn get_document(&self, id: &str) -> Result<Option<Document>> {
        let searcher = self.searcher();
        let q = TermQuery::new(
            Term::from_field_text(self.fields.id, id),
            IndexRecordOption::Basic,
        );
        let n = searcher.search(&q, &Count)?;
        if n == 0 {
            return Ok(None);
        }
        let top = searcher.search(&q, &TopDocs::with_limit(n).order_by_score())?;
        let mut rows: Vec<(u64, TantivyDocument)> = Vec::with_capacity(n);
        for (_, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let ord = doc
                .get_first(self.fields.passage)
                .and_then(|v| v.as_u64())
                .unwrap_or(0);
            rows.push((ord, doc));
        }
        rows.sort_by_key(|(o, _)| *o);
        let f = &self.fields;
        let first = &rows[0].1;
        let s = |d: &TantivyDocument, field| {
            d.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let meta: StoredMeta = serde_json::from_str(&s(first, f.meta)).unwrap_or_default();
        let lang = first
            .get_first(f.lang)
            .and_then(|v| v.as_facet())
            .and_then(|p| Language::from_code(schema::facet_path(p).trim_start_matches('/')))
            .unwrap_or(Language::Other);
        let format = first
            .get_first(f.doctype)
            .and_then(|v| v.as_facet())
            .and_then(|p| Format::from_name(schema::facet_path(p).trim_start_matches('/')))
            .unwrap_or(Format::Text);
        let passages = rows
            .iter()
            .map(|(_, d)| Passage {
                page: d
                    .get_first(f.page)
                    .and_then(|v| v.as_u64())
                    .filter(|p| *p > 0)
                    .map(|p| p as u32),
                text: s(d, f.text),
                lang: Language::from_code(&s(d, f.passage_lang)).unwrap_or(lang),
            })
            .collect();
        Ok(Some(Document {
            id: id.to_string(),
            source: s(first, f.source),
            url: s(first, f.url),
            title: s(first, f.title),
            lang,
            format,
            description: meta.description,
            date: meta.date,
            date_source: meta.date_source,
            pages: meta.pages,
            hash: s(first, f.hash),
            bytes: meta.bytes,
            facets: meta.facets,
            context: meta.context,
            warnings: meta.warnings,
            ocr_damaged: first
                .get_first(f.quality)
                .and_then(|v| v.as_facet())
                .is_some_and(|p| schema::facet_path(p) == "/ocr-damaged"),
            passages,
        }))
    }
}

/// What is wrong with an index, as a user can act on it: tantivy's error is
/// inspected for the cause (another process holds the lock, no permission
/// or a read-only file system, no space left) instead of one hint for all
/// (issue 13). Other errors stay [`Error::Index`].
pub(crate) fn index_error(e: tantivy::TantivyError, path: Option<&Path>) -> Error {
    let shown = path
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "in memory".into());
    if let tantivy::TantivyError::LockFailure(lock, _) = &e {
        if !directory::is_unwritable(lock) {
            return Error::Usage(format!(
                "the index `{shown}` is in use by another Kartotek process\nhint: stop the other `kartotek ingest` or `kartotek serve`, or use the HTTP API to add documents"
            ));
        }
    }
    let (kind, hint) = match io_kind(&e) {
        Some(io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem) => (
            io::ErrorKind::PermissionDenied,
            format!("Kartotek may not write to the index folder (permission denied or a read-only file system)\nhint: searching needs no write access; to add documents, run as a user who may write `{shown}` or mount it read-write"),
        ),
        Some(io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded) => (
            io::ErrorKind::StorageFull,
            "no space left on the device (or the disk quota is used up); what was not committed is not saved\nhint: free some space and run the same command again: what is already indexed is kept".to_string(),
        ),
        _ => return Error::Index(e),
    };
    let source = io::Error::new(kind, hint);
    match path {
        Some(p) => Error::io(p, source),
        None => Error::Internal(source.to_string()),
    }
}

/// The kind of the I/O error under a tantivy error, if there is one.
fn io_kind(e: &tantivy::TantivyError) -> Option<io::ErrorKind> {
    if let tantivy::TantivyError::LockFailure(LockError::IoError(io), _) = e {
        return Some(io.kind());
    }
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(io) = err.downcast_ref::<io::Error>() {
            return Some(io.kind());
        }
        if let Some(io) = err.downcast_ref::<Arc<io::Error>>() {
            return Some(io.kind());
        }
        cur = err.source();
    }
    // some tantivy errors keep only the message
    let text = e.to_string();
    if text.contains("os error 28") || text.contains("No space left") {
        Some(io::ErrorKind::StorageFull)
    } else if text.contains("os error 13") || text.contains("os error 30") {
        Some(io::ErrorKind::PermissionDenied)
    } else {
        None
    }
}

/// Value of the quality facet.
/// Second `quality` value of a document whose text is incomplete.
pub(crate) const PARTLY_EXTRACTED: &str = "partly-extracted";

/// The parts of a passage's compound words as tokens of the `parts` field,
/// each analysed as the passage's language (stemmed, folded), or `None` when
/// the language does not compound or nothing split. A passage written in
/// Bokmål or Nynorsk (`written`) is split with that standard's dictionary.
pub(crate) fn compound_parts(
    lang: &'static analyzer::AnalyzedLanguage,
    written: Language,
    text: &str,
) -> Option<tantivy::tokenizer::PreTokenizedString> {
    if !compound::compounds(lang.key) || compound::lexicon(lang.key).is_none() {
        return None;
    }
    let standard = compound::standard(lang.key, written);
    let mut words = analyzer::title_analyzer_unfolded();
    let mut fold = analyzer::fold_analyzer(lang);
    let mut tokens = Vec::new();
    for word in analyzer::tokens(&mut words, text) {
        let Some(parts) = compound::split_cached_in(lang.key, &word.text, standard) else {
            continue;
        };
        // a part that is itself a compound the dictionary lists
        // (`samhällsbyggnad` in `samhällsbyggnadsprojekt`) also gives its
        // own parts (`samhälle`, `byggnad`), as Lucene's dictionary
        // decompounder gives every word inside
        let inner = parts
            .iter()
            .filter_map(|p| compound::split_cached_in(lang.key, p, standard))
            .collect::<Vec<_>>();
        for part in parts.iter().chain(inner.iter().flat_map(|i| i.iter())) {
            for mut t in analyzer::tokens(&mut fold, part) {
                t.offset_from = word.offset_from;
                t.offset_to = word.offset_to;
                t.position = word.position;
                tokens.push(t);
            }
        }
    }
    (!tokens.is_empty()).then(|| tantivy::tokenizer::PreTokenizedString {
        text: String::new(),
        tokens,
    })
}

/// The text a passage's relevance fields (exact, folded, cross-Scandinavian
/// keys, compound parts) are analysed from: its own, then the compounds it
/// writes with a suspended hyphen, completed (`klima- og energiplan` adds
/// `klimaplan`; see [`suspended`]). The stored text stays as written.
pub(crate) fn analysed_text<'a>(
    lang: &'static analyzer::AnalyzedLanguage,
    text: &'a str,
) -> std::borrow::Cow<'a, str> {
    let more = suspended::completions(lang.key, text);
    if more.is_empty() {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(format!("{text}\n{}", more.join(" ")))
    }
}

/// True when a passage in `lang` gets cross-Scandinavian spelling keys
/// (the `nordic` field).
pub(crate) fn nordic_passage(lang: Language) -> bool {
    matches!(
        lang,
        Language::Nb | Language::Nn | Language::Sv | Language::Da
    )
}

/// The `quality` facet value of a document's text.
pub(crate) fn quality_name(ocr_damaged: bool) -> &'static str {
    if ocr_damaged {
        "ocr-damaged"
    } else {
        "clean"
    }
}

/// The single index writer, with Kartotek's document layout.
pub struct Writer {
    writer: IndexWriter<TantivyDocument>,
    index: Index,
    pending: usize,
}

impl Writer {
    /// Replace (or add) a document: its old passages are deleted and the new
    /// ones added in the same commit, so readers see either version, never both.
    ///
    /// The delete and every passage go to tantivy as one group
    /// ([`IndexWriter::run`]), which puts them in one segment, in order: a
    /// document's passages are always adjacent doc ids, which the search
    /// collector relies on to group passages without a hash map.
    pub fn upsert(&mut self, doc: &Document) -> Result<()> {
        let f = self.index.fields.clone();
        let key = schema::doc_key(&doc.id);
        let meta = StoredMeta {
            description: doc.description.clone(),
            date: doc.date.clone(),
            date_source: doc.date_source,
            pages: doc.pages,
            bytes: doc.bytes,
            facets: doc.facets.clone(),
            context: doc.context.clone(),
            warnings: doc.warnings.clone(),
        };
        let meta_json = serde_json::to_string(&meta).map_err(|e| Error::Internal(e.to_string()))?;
        let mut facet_paths: Vec<(tantivy::schema::Field, Facet)> = Vec::new();
        for fv in &doc.facets {
            if let (Some(field), Ok(facet)) = (f.facet(&fv.facet), Facet::from_text(&fv.path)) {
                if !facet_paths
                    .iter()
                    .any(|(fl, fc)| *fl == field && *fc == facet)
                {
                    facet_paths.push((field, facet));
                }
            }
        }
        let date = doc.date.as_deref().and_then(crate::document::date_number);
        let year_field = f.facet_field(crate::facet::Facet::Year);
        let mut ops: Vec<UserOperation<TantivyDocument>> =
            Vec::with_capacity(doc.passages.len() + 1);
        ops.push(UserOperation::Delete(self.id_term(&doc.id)));
        for (i, p) in doc.passages.iter().enumerate() {
            let mut t = TantivyDocument::new();
            t.add_text(f.id, &doc.id);
            t.add_u64(f.doc_key, key);
            t.add_text(f.source, &doc.source);
            t.add_text(f.url, &doc.url);
            t.add_text(f.title, &doc.title);
            t.add_facet(f.lang, Facet::from_path([doc.lang.code()]));
            t.add_text(f.passage_lang, p.lang.code());
            t.add_u64(f.page, p.page.unwrap_or(0) as u64);
            t.add_u64(f.passage, i as u64);
            t.add_text(f.text, &p.text);
            t.add_text(f.hash, &doc.hash);
            t.add_facet(f.doctype, Facet::from_path([doc.format.as_str()]));
            t.add_facet(f.quality, Facet::from_path([quality_name(doc.ocr_damaged)]));
            if !doc.warnings.is_empty() {
                t.add_facet(f.quality, Facet::from_path([PARTLY_EXTRACTED]));
            }
            if i == 0 {
                t.add_text(f.words, &doc.title);
            }
            t.add_text(f.words, &p.text);
            if doc.ocr_damaged {
                t.add_text(f.ocr, &p.text);
            }
            if i == 0 {
                t.add_text(f.meta, &meta_json);
            }
            for (field, facet) in &facet_paths {
                t.add_facet(*field, facet.clone());
            }
            if let Some(d) = date {
                t.add_u64(f.date, d);
                t.add_facet(year_field, Facet::from_path([(d / 10_000).to_string()]));
            }
            let lang = analyzer::analyzed_for(p.lang);
            let analysed = analysed_text(lang, &p.text);
            if let Some((exact, fold)) = f.body(lang.key) {
                t.add_text(exact, &analysed);
                t.add_text(fold, &analysed);
            }
            if nordic_passage(p.lang) {
                t.add_text(f.nordic, &analysed);
            }
            if let Some(parts) = compound_parts(lang, p.lang, &analysed) {
                t.add_pre_tokenized_text(f.parts, parts);
            }
            ops.push(UserOperation::Add(t));
        }
        self.writer.run(ops)?;
        self.pending += 1;
        Ok(())
    }

    /// Delete a document's passages (takes effect at the next commit).
    pub fn delete(&mut self, id: &str) {
        self.writer.delete_term(self.id_term(id));
        self.pending += 1;
    }

    /// The term naming every passage of document `id`.
    fn id_term(&self, id: &str) -> Term {
        Term::from_field_text(self.index.fields.id, id)
    }

    /// Changes not yet committed.
    pub fn pending(&self) -> usize {
        self.pending
    }

    /// Commit and make the changes visible to searches.
    pub fn commit(&mut self) -> Result<()> {
        let path = self.index.path.clone();
        let why = |e| index_error(e, path.as_deref());
        let mut prepared = self.writer.prepare_commit().map_err(why)?;
        prepared.set_payload(LAYOUT);
        prepared.commit().map_err(why)?;
        self.pending = 0;
        self.index.reload()
    }

    /// Merge the segments into one per search thread ([`search_threads`])
    /// and wait (after a bulk load). A search visits each segment; at 1M
    /// passages a bulk load leaves ten, and a few large segments answer the
    /// benchmark's queries ~25 % faster than ten. One per thread, of about
    /// equal size, lets a query's segments be searched in parallel. The
    /// merge costs a few seconds per million passages on two cores.
    pub fn merge_all(&mut self) -> Result<()> {
        let searcher = self.index.searcher();
        let mut segments: Vec<(u32, tantivy::index::SegmentId)> = searcher
            .segment_readers()
            .iter()
            .map(|r| (r.num_docs(), r.segment_id()))
            .collect();
        // largest first, each to the lightest group
        segments.sort_by_key(|s| std::cmp::Reverse(s.0));
        let groups_n = search_threads().max(1);
        let mut groups: Vec<(u64, Vec<tantivy::index::SegmentId>)> =
            vec![(0, Vec::new()); groups_n];
        for (docs, id) in segments {
            if let Some(g) = groups.iter_mut().min_by_key(|g| g.0) {
                g.0 += u64::from(docs);
                g.1.push(id);
            }
        }
        let merges: Vec<_> = groups
            .iter()
            .filter(|g| g.1.len() > 1)
            .map(|g| self.writer.merge(&g.1))
            .collect();
        for m in merges {
            m.wait()?;
        }
        self.index.reload()
    }

    /// Close the writer and wait for its background merges to finish (uncommitted changes are
    /// dropped). A dropped writer leaves merges running; benchmarks wait here so that one
    /// run's merges do not slow the next.
    pub fn wait_merges(self) -> Result<()> {
        self.writer.wait_merging_threads()?;
        Ok(())
    }

    /// Drop uncommitted changes.
    pub fn rollback(&mut self) -> Result<()> {
        self.writer.rollback()?;
        self.pending = 0;
        Ok(())
    }
}

impl crate::store::DocStore for Index {
    fn content_hash(&self, id: &str) -> Result<Option<String>> {
        Ok(self.stored_hash(id))
    }

    fn all_sources(&self) -> Result<Vec<(String, String)>> {
        self.sources()
    }

    fn document_count(&self) -> Result<u64> {
        Ok(self.num_documents())
    }

    fn passage_count(&self) -> Result<u64> {
        Ok(self.num_passages())
    }

    fn document(&self, id: &str) -> Result<Option<Document>> {
        self.get_document(id)
    }

    fn open_writer(&self, heap_bytes: usize) -> Result<Box<dyn crate::store::DocWriter>> {
        Ok(Box::new(self.writer(heap_bytes)?))
    }

    fn health(&self) -> Result<String> {
        // damage a search or command found earlier (see [`damage`])
        match self.path.as_deref().and_then(damage::known) {
            Some(damaged) => Err(damaged),
            None => Ok("ok".to_string()),
        }
    }

    fn folder(&self) -> Option<&Path> {
        self.path()
    }
}

impl crate::store::DocWriter for Writer {
    fn upsert(&mut self, doc: &Document) -> Result<()> {
        Writer::upsert(self, doc)
    }

    fn delete(&mut self, id: &str) -> Result<()> {
        Writer::delete(self, id);
        Ok(())
    }

    fn pending(&self) -> usize {
        Writer::pending(self)
    }

    fn commit(&mut self) -> Result<()> {
        Writer::commit(self)
    }

    fn rollback(&mut self) -> Result<()> {
        Writer::rollback(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(e: tantivy::TantivyError) -> String {
        index_error(e, Some(Path::new("idx"))).to_string()
    }

    #[test]
    fn a_full_disk_is_named_as_such_with_what_to_do() {
        let e = tantivy::TantivyError::IoError(Arc::new(io::Error::from_raw_os_error(28)));
        let text = shown(e);
        assert!(text.contains("no space left"), "{text}");
        assert!(text.contains("hint: free some space"), "{text}");
        assert!(!text.contains("older Kartotek"), "{text}");
    }

    #[test]
    fn a_read_only_index_is_named_as_such_when_writing() {
        let io = Arc::new(io::Error::from(io::ErrorKind::PermissionDenied));
        let e = tantivy::TantivyError::LockFailure(LockError::IoError(io), None);
        let text = shown(e);
        assert!(text.contains("may not write to the index folder"), "{text}");
        assert!(text.contains("searching needs no write access"), "{text}");
    }

    #[test]
    fn a_lock_held_elsewhere_names_the_other_process() {
        let e = tantivy::TantivyError::LockFailure(LockError::LockBusy, None);
        let text = shown(e);
        assert!(
            text.contains("in use by another Kartotek process"),
            "{text}"
        );
    }

    #[test]
    fn a_file_given_as_the_index_folder_is_named_as_such() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("notes.txt");
        std::fs::write(&file, "hei").unwrap();
        let Err(e) = Index::open_or_create(&file) else {
            panic!("a file opened as an index");
        };
        assert!(matches!(e, Error::Usage(_)), "{e:?}");
        assert!(
            e.to_string().contains("is a file, not an index folder"),
            "{e}"
        );
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "hei");
    }

    #[test]
    fn an_index_created_by_this_open_says_so_and_a_reopen_does_not() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("i");
        assert!(Index::open_or_create(&path)
            .map(|i| i.created())
            .unwrap_or(false));
        assert!(!Index::open_or_create(&path)
            .map(|i| i.created())
            .unwrap_or(true));
    }
}
