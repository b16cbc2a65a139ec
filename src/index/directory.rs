//! The folder an index lives in: tantivy's `MmapDirectory`, except that
//! searching never needs to write (issue 13: a read-only index could not
//! be searched, "Failed to acquire Lockfile").
//!
//! tantivy's reader takes the *meta lock* (`.tantivy-meta.lock`) while it
//! opens segments, so that a writer in another process does not delete
//! them half-way; taking it means creating that file. When the file cannot
//! be created or opened (a read-only folder or file system, a file owned by
//! another user), [`SearchableDirectory`] goes on without the lock: where
//! we may not write, our own process cannot garbage-collect either, and a
//! writer elsewhere deleting a segment mid-open makes that one reload fail
//! and the next succeed. The *writer* lock is never relaxed.

use std::io;
use std::path::Path;
use std::sync::Arc;

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle,
    WritePtr, META_LOCK,
};

/// An `MmapDirectory` that can be searched without write access.
#[derive(Debug, Clone)]
pub struct SearchableDirectory {
    inner: MmapDirectory,
}

impl SearchableDirectory {
    /// Open the folder `dir`.
    pub fn open(dir: &Path) -> Result<Self, tantivy::directory::error::OpenDirectoryError> {
        Ok(SearchableDirectory {
            inner: MmapDirectory::open(dir)?,
        })
    }
}

/// True when a lock error means "this process may not create the lock
/// file" rather than "someone else holds the lock".
pub(crate) fn is_unwritable(e: &LockError) -> bool {
    match e {
        LockError::IoError(io) => matches!(
            io.kind(),
            io::ErrorKind::PermissionDenied
                | io::ErrorKind::ReadOnlyFilesystem
                | io::ErrorKind::IsADirectory
                | io::ErrorKind::StorageFull
        ),
        _ => false,
    }
}

impl Directory for SearchableDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.inner.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.inner.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.inner.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        match self.inner.acquire_lock(lock) {
            Err(e) if lock.filepath == META_LOCK.filepath && is_unwritable(&e) => {
                tracing::debug!(error = %e, "reading the index without the meta lock");
                Ok(DirectoryLock::from(Box::new(())))
            }
            other => other,
        }
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}
