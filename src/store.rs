//! The write side of the seam between Kartotek and the engine that holds
//! its passages (the embedded tantivy index, or an OpenSearch cluster):
//! what ingest, the server and the CLI ask of the documents stored.
//!
//! A document's passages are written as one unit ([`DocWriter::upsert`]),
//! and a write is visible to searches after [`DocWriter::commit`].

use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::document::Document;
use crate::error::Result;

/// The one writer of a process, shared by the server's uploads, deletes
/// and scheduled crawls (locked per batch, inside blocking tasks).
pub type SharedWriter = Arc<Mutex<Box<dyn DocWriter>>>;

/// The documents an engine holds.
pub trait DocStore: Send + Sync {
    /// The stored content hash of document `id`, if it is indexed.
    fn content_hash(&self, id: &str) -> Result<Option<String>>;
    /// Every `(id, source)` stored.
    fn all_sources(&self) -> Result<Vec<(String, String)>>;
    /// Number of documents.
    fn document_count(&self) -> Result<u64>;
    /// Number of passages.
    fn passage_count(&self) -> Result<u64>;
    /// A whole document (all passages, in order).
    fn document(&self, id: &str) -> Result<Option<Document>>;
    /// The one writer (`heap_bytes`: the embedded writer's memory).
    fn open_writer(&self, heap_bytes: usize) -> Result<Box<dyn DocWriter>>;
    /// A short health word: `ok` (embedded), or the cluster's `green`/`yellow`/`red`.
    fn health(&self) -> Result<String>;
    /// The local folder the documents live in, where state kept beside
    /// them goes (the crawl state); `None` for a cluster, whose callers
    /// name a folder of their own.
    fn folder(&self) -> Option<&Path>;
}

/// Writes to an engine.
pub trait DocWriter: Send {
    /// Replace every passage of `doc` (by id) with its current passages, as one unit.
    fn upsert(&mut self, doc: &Document) -> Result<()>;
    /// Delete a document's passages.
    fn delete(&mut self, id: &str) -> Result<()>;
    /// Changes not yet committed.
    fn pending(&self) -> usize;
    /// Make every change so far durable and visible to searches.
    fn commit(&mut self) -> Result<()>;
    /// Forget the changes not yet committed.
    fn rollback(&mut self) -> Result<()>;
}
