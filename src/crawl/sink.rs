//! Where crawled documents go: a [`Sink`] owns the index writer, held directly by the CLI's
//! crawl ([`WriterSink`]) or shared with the server's other ingests ([`SharedSink`]).
//! Both write through the store seam ([`crate::store`]), so a crawl fills
//! the embedded index and an OpenSearch cluster alike.

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::ingest::{self, Job};
use crate::store::{DocStore, DocWriter, SharedWriter};

/// Where crawled documents go: the index writer, held directly or shared.
pub trait Sink: Send {
    /// Ingest a batch, reporting each document to `progress`.
    fn ingest(
        &mut self,
        jobs: Vec<Job>,
        progress: &mut dyn ingest::Progress,
    ) -> Result<ingest::Summary>;
    /// Delete a document (visible after the next commit).
    fn delete(&mut self, id: &str) -> Result<()>;
    /// Commit pending changes.
    fn commit(&mut self) -> Result<()>;
}

/// A [`Sink`] over a writer the caller holds for the whole crawl.
pub struct WriterSink<'a> {
    /// The documents written to.
    pub store: &'a dyn DocStore,
    /// Their writer.
    pub writer: &'a mut dyn DocWriter,
    /// Ingest settings.
    pub opts: ingest::Options,
}

impl Sink for WriterSink<'_> {
    fn ingest(
        &mut self,
        jobs: Vec<Job>,
        progress: &mut dyn ingest::Progress,
    ) -> Result<ingest::Summary> {
        ingest_into(self.store, &mut *self.writer, &self.opts, jobs, progress)
    }
    fn delete(&mut self, id: &str) -> Result<()> {
        self.writer.delete(id)
    }
    fn commit(&mut self) -> Result<()> {
        commit_pending(&mut *self.writer)
    }
}

/// Ingest a crawl batch through `writer`: never prunes (a crawl's batch is
/// not the whole index).
pub(super) fn ingest_into(
    store: &dyn DocStore,
    writer: &mut dyn DocWriter,
    opts: &ingest::Options,
    jobs: Vec<Job>,
    progress: &mut dyn ingest::Progress,
) -> Result<ingest::Summary> {
    let opts = ingest::Options {
        prune: false,
        ..opts.clone()
    };
    ingest::run_with_writer(store, writer, jobs, &opts, progress)
}

/// Commit when something is pending.
pub(super) fn commit_pending(writer: &mut dyn DocWriter) -> Result<()> {
    if writer.pending() > 0 {
        writer.commit()?;
    }
    Ok(())
}

/// A [`Sink`] over a writer shared with others (the server): the lock is
/// taken per batch, so uploads and searches go on during a crawl.
pub struct SharedSink {
    /// The documents written to.
    pub store: Arc<dyn DocStore>,
    /// The shared writer.
    pub writer: SharedWriter,
    /// Ingest settings.
    pub opts: ingest::Options,
}

impl SharedSink {
    pub(super) fn lock(&self) -> Result<std::sync::MutexGuard<'_, Box<dyn DocWriter>>> {
        self.writer
            .lock()
            .map_err(|_| Error::Internal("the index writer lock is poisoned".into()))
    }
}

impl Sink for SharedSink {
    fn ingest(
        &mut self,
        jobs: Vec<Job>,
        progress: &mut dyn ingest::Progress,
    ) -> Result<ingest::Summary> {
        let mut w = self.lock()?;
        ingest_into(&*self.store, &mut **w, &self.opts, jobs, progress)
    }
    fn delete(&mut self, id: &str) -> Result<()> {
        self.lock()?.delete(id)
    }
    fn commit(&mut self) -> Result<()> {
        commit_pending(&mut **self.lock()?)
    }
}
