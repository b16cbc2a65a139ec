//! A damaged index named, not a panic.
//!
//! tantivy trusts its own files: a segment file whose bytes changed on disk
//! or that a copy cut short makes its readers index out of bounds and
//! panic deep inside a search, or fail with an error that names no file
//! (`An IO error occurred: 'Invalid data'`). Every segment file ends in a
//! footer with the CRC32 of its content, so when a command or a request
//! panics, or fails with an index error, [`guard`] checks the index's
//! files: missing ones, and ones whose checksum fails, make the outcome
//! [`Error::IndexDamaged`], naming them. Anything else stays what it was (a
//! panic becomes an internal error). The check reads the whole index, so
//! damage found is kept until the next commit changes `meta.json`, and an
//! index found sound is believed for a minute.
//!
//! While a guard runs, panics of its thread and of tantivy's search
//! threads (whose panics reach the guarded caller) print nothing: the
//! guard reports them.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, Once};
use std::time::{Duration, Instant};

use tantivy::directory::error::OpenReadError;
use tantivy::Directory;

use crate::error::{Error, Result};

/// Run `work`; if it panics or fails with an index error, and the index in
/// `folder` (when there is one) is damaged, say so instead.
pub fn guard<T>(folder: Option<&Path>, work: impl FnOnce() -> Result<T>) -> Result<T> {
    install_hook();
    let _quiet = Quiet::on();
    match catch_unwind(AssertUnwindSafe(work)) {
        Ok(Err(e @ Error::Index(_))) => Err(folder.and_then(check).unwrap_or(e)),
        Ok(outcome) => outcome,
        Err(payload) => {
            let message = LAST_PANIC
                .with(|p| p.borrow_mut().take())
                .unwrap_or_else(|| crate::ingest::panics::panic_message(&*payload));
            match folder.and_then(check) {
                Some(damaged) => Err(damaged),
                None => Err(Error::Internal(format!("a panic: {message}"))),
            }
        }
    }
}

/// The damage known for the index in `folder` at its current commit,
/// without reading the index again: what the last check found.
pub fn known(folder: &Path) -> Option<Error> {
    let key = commit_key(folder)?;
    let verdicts = VERDICTS.lock().unwrap_or_else(|p| p.into_inner());
    match verdicts.get(folder) {
        Some(Verdict {
            key: k,
            files: Some(files),
            ..
        }) if *k == key => Some(damaged(folder, files.clone())),
        _ => None,
    }
}

/// [`Error::IndexDamaged`] when files of the index in `folder` are missing
/// or fail their checksums; checked once per commit.
pub fn check(folder: &Path) -> Option<Error> {
    let key = commit_key(folder)?;
    if let Some(v) = VERDICTS
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(folder)
    {
        // damage stays; soundness is believed for a while (a file can be
        // damaged between commits)
        if v.key == key && (v.files.is_some() || v.at.elapsed() < SOUND_FOR) {
            return v.files.clone().map(|files| damaged(folder, files));
        }
    }
    let files = damaged_files(folder);
    let verdict = Verdict {
        key,
        at: Instant::now(),
        files: files.clone(),
    };
    VERDICTS
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(folder.to_path_buf(), verdict);
    files.map(|files| damaged(folder, files))
}

fn damaged(folder: &Path, files: Vec<String>) -> Error {
    Error::IndexDamaged {
        path: folder.to_path_buf(),
        files,
    }
}

/// Each file of the last commit that is missing or fails its checksum,
/// with what is wrong; `None` when all are sound (or the index cannot even
/// be opened: that error says enough on its own).
fn damaged_files(folder: &Path) -> Option<Vec<String>> {
    let index = tantivy::Index::open_in_dir(folder).ok()?;
    let metas = index.load_metas().ok()?;
    // the components every segment has (tantivy's built-in ones), and its
    // deletes when it has some
    use tantivy::index::SegmentComponent as C;
    let mut files: Vec<PathBuf> = Vec::new();
    for segment in &metas.segments {
        let components = [
            C::Postings,
            C::Positions,
            C::Terms,
            C::Store,
            C::FastFields,
            C::FieldNorms,
        ];
        files.extend(components.into_iter().map(|c| segment.relative_path(c)));
        if segment.has_deletes() {
            files.push(segment.relative_path(C::Delete));
        }
    }
    let directory = index.directory();
    let found: Vec<String> = files
        .iter()
        .filter_map(|file| {
            let name = file.display();
            match directory.exists(file) {
                Ok(false) => Some(format!("{name} is missing")),
                Err(e) => Some(format!("{name} cannot be read ({e})")),
                Ok(true) => match directory.validate_checksum(file) {
                    Ok(true) => None,
                    Ok(false) => Some(format!("{name} fails its checksum")),
                    Err(OpenReadError::FileDoesNotExist(_)) => Some(format!("{name} is missing")),
                    Err(OpenReadError::IoError { io_error, .. })
                        if io_error.kind() == std::io::ErrorKind::InvalidData =>
                    {
                        Some(format!(
                            "{name} has a damaged footer (cut short or overwritten)"
                        ))
                    }
                    Err(e) => Some(format!("{name} cannot be read ({e})")),
                },
            }
        })
        .collect();
    (!found.is_empty()).then_some(found)
}

/// A hash of `meta.json`: which commit a verdict is about.
fn commit_key(folder: &Path) -> Option<u64> {
    let meta = std::fs::read(folder.join("meta.json")).ok()?;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    meta.hash(&mut h);
    Some(h.finish())
}

/// What the last check of an index folder found.
struct Verdict {
    /// The commit checked ([`commit_key`]).
    key: u64,
    /// When.
    at: Instant,
    /// The damaged files, `None` when all were sound.
    files: Option<Vec<String>>,
}

/// How long a check that found every file sound is believed: a panic that
/// is a bug, not damage, reads the whole index at most once in that time.
const SOUND_FOR: Duration = Duration::from_secs(60);

static VERDICTS: std::sync::LazyLock<Mutex<HashMap<PathBuf, Verdict>>> =
    std::sync::LazyLock::new(Default::default);

/// Guards running in this process (tantivy's search threads are quiet
/// while there is one).
static GUARDS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// True while this thread runs a guard.
    static GUARDED: Cell<bool> = const { Cell::new(false) };
    /// The message and place of this thread's last quiet panic.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Panics are quiet while it lives (see the module's doc).
struct Quiet {
    was: bool,
}

impl Quiet {
    fn on() -> Quiet {
        GUARDS.fetch_add(1, Ordering::SeqCst);
        Quiet {
            was: GUARDED.with(|g| g.replace(true)),
        }
    }
}

impl Drop for Quiet {
    fn drop(&mut self) {
        GUARDED.with(|g| g.set(self.was));
        GUARDS.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Names of the threads tantivy searches segments on (see
/// [`super::search_threads`]).
const SEARCH_THREAD: &str = "tantivy-search";

fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let searching = GUARDS.load(Ordering::SeqCst) > 0
                && std::thread::current()
                    .name()
                    .is_some_and(|n| n.starts_with(SEARCH_THREAD));
            if GUARDED.with(Cell::get) {
                let message =
                    crate::ingest::panics::panic_payload(info.payload()).unwrap_or("unknown panic");
                let place = info
                    .location()
                    .map(|l| format!(" at {}:{}", l.file(), l.line()))
                    .unwrap_or_default();
                LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("{message}{place}")));
            } else if !searching {
                previous(info);
            }
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An index of a few documents in a folder of its own.
    fn indexed() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let index = super::super::Index::open_or_create(dir.path()).unwrap();
        let mut w = index.writer(crate::index::DEFAULT_WRITER_HEAP).unwrap();
        for (i, text) in ["havbruk i nord", "kystturisme og reiseliv", "fjellandbruk"]
            .iter()
            .enumerate()
        {
            let doc = crate::document::Document::bokmaal_text(&format!("d{i}"), text, text);
            w.upsert(&doc).unwrap();
        }
        w.commit().unwrap();
        dir
    }

    fn segment_file(dir: &Path, ext: &str) -> PathBuf {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == ext))
            .unwrap()
    }

    #[test]
    fn a_sound_index_is_not_damaged() {
        let dir = indexed();
        assert!(check(dir.path()).is_none());
        assert!(known(dir.path()).is_none());
    }

    #[test]
    fn a_changed_byte_or_a_missing_file_names_the_file() {
        let dir = indexed();
        let term = segment_file(dir.path(), "term");
        let mut bytes = std::fs::read(&term).unwrap();
        bytes[3] ^= 0x55;
        std::fs::write(&term, bytes).unwrap();
        std::fs::remove_file(segment_file(dir.path(), "pos")).unwrap();
        let Some(Error::IndexDamaged { files, .. }) = check(dir.path()) else {
            panic!("not found damaged");
        };
        assert_eq!(files.len(), 2, "{files:?}");
        assert!(files
            .iter()
            .any(|f| f.ends_with(".term fails its checksum")));
        assert!(files.iter().any(|f| f.ends_with(".pos is missing")));
        assert!(known(dir.path()).is_some(), "the verdict is kept");
    }

    #[test]
    fn a_panic_over_a_damaged_index_is_the_damage_and_over_a_sound_one_a_bug() {
        let sound = indexed();
        let r: Result<()> = guard(Some(sound.path()), || panic!("index out of bounds"));
        match r {
            Err(Error::Internal(m)) => assert!(m.contains("index out of bounds"), "{m}"),
            other => panic!("{other:?}"),
        }
        let dir = indexed();
        std::fs::remove_file(segment_file(dir.path(), "fast")).unwrap();
        let r: Result<()> = guard(Some(dir.path()), || panic!("index out of bounds"));
        assert!(matches!(r, Err(Error::IndexDamaged { .. })), "{r:?}");
        // an error that is not the index's passes through unchanged
        let r: Result<()> = guard(Some(dir.path()), || Err(Error::NotFound("x".into())));
        assert!(matches!(r, Err(Error::NotFound(_))));
    }
}
