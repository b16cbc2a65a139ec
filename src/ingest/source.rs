//! Sources: what the user named (files, folders, URLs) or the corpus built
//! into the binary, expanded into a flat list of [`Job`]s. Folders are walked
//! recursively in a stable order; hidden entries and metadata files are
//! skipped; an unreadable entry becomes a failed job, not an abort.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::fetch;
use super::metadata;

/// What to read for one job.
#[derive(Debug, Clone)]
pub enum Origin {
    /// A file on disk.
    File(PathBuf),
    /// A URL to fetch.
    Url(String),
    /// Bytes already in memory (the built-in corpus, an upload).
    Bytes {
        /// The bytes.
        bytes: Arc<Vec<u8>>,
        /// Content type, if known.
        content_type: Option<String>,
    },
    /// A page the crawler has already read in an extraction worker: its
    /// bytes (for the content hash) and what was read from them, so the
    /// page is not parsed a second time.
    Read {
        /// The bytes as fetched.
        bytes: Arc<Vec<u8>>,
        /// What the extraction worker read from them.
        extracted: Box<super::Extracted>,
    },
}

/// One source to ingest.
#[derive(Debug, Clone)]
pub struct Job {
    /// How the source is shown to the user (path as walked, URL, name).
    pub display: String,
    /// Stable key the document id derives from.
    pub key: String,
    /// What users click.
    pub url: String,
    /// Where the bytes come from.
    pub origin: Origin,
    /// A problem found while expanding (unreadable folder entry …).
    pub error: Option<String>,
    /// Corrections to apply (a crawl source's facet values, an API caller's).
    pub overrides: Option<super::metadata::Override>,
    /// The page that linked to this source (a PDF found by the crawler).
    pub context: Option<crate::document::LinkContext>,
}

/// Prefix of source keys for the built-in corpus.
pub(crate) const BUILTIN_PREFIX: &str = "builtin:";

include!(concat!(env!("OUT_DIR"), "/corpus.rs"));

/// The corpus compiled into the binary: `(file name, bytes)`.
pub(crate) fn builtin_corpus() -> &'static [(&'static str, &'static [u8])] {
    BUILTIN_CORPUS
}

/// Jobs for the built-in corpus.
pub fn builtin_jobs() -> Vec<Job> {
    builtin_corpus()
        .iter()
        .map(|(name, bytes)| Job {
            display: format!("corpus/{name}"),
            key: format!("{BUILTIN_PREFIX}corpus/{name}"),
            url: format!("corpus/{name}"),
            origin: Origin::Bytes {
                bytes: Arc::new(bytes.to_vec()),
                content_type: None,
            },
            error: None,
            overrides: None,
            context: None,
        })
        .collect()
}

/// The job for one uploaded file (HTTP API).
pub fn upload_job(file_name: &str, bytes: Vec<u8>, content_type: Option<String>) -> Job {
    let clean: String = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(file_name)
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    let name = if clean.trim().is_empty() {
        "upload".to_string()
    } else {
        clean
    };
    Job {
        display: name.clone(),
        key: format!("upload:{name}"),
        url: format!("uploads/{name}"),
        origin: Origin::Bytes {
            bytes: Arc::new(bytes),
            content_type,
        },
        error: None,
        overrides: None,
        context: None,
    }
}

/// Expand the user's arguments into jobs.
pub fn expand<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Vec<Job> {
    let mut jobs = Vec::new();
    for arg in args {
        let arg = arg.as_ref();
        // a URL is UTF-8; a file name need not be
        if let Some(url) = arg.to_str().filter(|a| fetch::is_url(a)) {
            jobs.push(Job {
                display: url.to_string(),
                key: url.to_string(),
                url: url.to_string(),
                origin: Origin::Url(url.to_string()),
                error: fetch::check_scheme(url).err().map(|e| e.to_string()),
                overrides: None,
                context: None,
            });
            continue;
        }
        let path = PathBuf::from(arg);
        match std::fs::metadata(&path) {
            Ok(m) if m.is_dir() => walk(&path, &mut jobs),
            Ok(_) => jobs.push(file_job(&path)),
            Err(e) => jobs.push(refused(path, io_reason(&e))),
        }
    }
    jobs
}

/// The job of a path that cannot be read, failed with `reason`.
fn refused(path: PathBuf, reason: String) -> Job {
    let shown = path.display().to_string();
    Job {
        display: shown.clone(),
        key: shown.clone(),
        url: shown,
        origin: Origin::File(path),
        error: Some(reason),
        overrides: None,
        context: None,
    }
}

fn walk(root: &Path, jobs: &mut Vec<Job>) {
    let mut walker = walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
    while let Some(entry) = walker.next() {
        let e = match entry {
            Ok(e) => e,
            Err(e) => {
                let p = e
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| root.to_path_buf());
                let reason = e.io_error().map(io_reason).unwrap_or_else(|| e.to_string());
                jobs.push(refused(p, reason));
                continue;
            }
        };
        if e.file_type().is_dir() {
            // an index kept beside the documents (`kartotek ingest .` in a
            // folder holding `index/`) is no document: said once, not read
            if is_index_folder(e.path()) {
                jobs.push(refused(
                    e.path().to_path_buf(),
                    "a search index folder, not documents: not read".into(),
                ));
                walker.skip_current_dir();
            }
            continue;
        }
        // a metadata file is no document, whatever kind of file it is (its
        // document reports one it cannot read)
        if metadata::is_metadata_file(e.path()) || is_readme(e.path(), root) {
            continue;
        }
        // a link to a file is read as the file, as when it is named on the
        // command line; a link to a folder is not followed (it may loop),
        // and a FIFO, socket or device is no document: each is reported,
        // never passed over in silence
        let what: std::result::Result<(), String> = if e.file_type().is_file() {
            Ok(())
        } else {
            match std::fs::metadata(e.path()) {
                Ok(m) if m.is_file() => Ok(()),
                Ok(m) if m.is_dir() => Err(
                    "a link to a folder, not followed (give the folder itself to read it)".into(),
                ),
                Ok(_) => Err("not a regular file (a FIFO, socket or device)".to_string()),
                Err(err) => Err(format!("a link to nothing readable: {}", io_reason(&err))),
            }
        };
        match what {
            Ok(()) => jobs.push(file_job(e.path())),
            Err(reason) => jobs.push(refused(e.path().to_path_buf(), reason)),
        }
    }
}

/// A tantivy index (Kartotek's own, or another program's): its `meta.json`
/// beside the `.managed.json` tantivy keeps its files in.
fn is_index_folder(dir: &Path) -> bool {
    dir.join("meta.json").is_file() && dir.join(".managed.json").is_file()
}

/// The README that documents a corpus folder is not a document of it.
fn is_readme(path: &Path, root: &Path) -> bool {
    path.parent() == Some(root)
        && path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.eq_ignore_ascii_case("README.md"))
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with('.'))
}

fn file_job(path: &Path) -> Job {
    let key = std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string();
    Job {
        display: path.display().to_string(),
        url: key.clone(),
        key,
        origin: Origin::File(path.to_path_buf()),
        error: None,
        overrides: None,
        context: None,
    }
}

/// A short reason for an I/O error, without Rust debug formatting.
pub(crate) fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_are_walked_recursively_skipping_hidden_and_metadata() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("sub/.git")).unwrap();
        std::fs::write(d.path().join("a.txt"), "a").unwrap();
        std::fs::write(d.path().join("sub/b.pdf"), "b").unwrap();
        std::fs::write(d.path().join("sub/b.pdf.meta.toml"), "").unwrap();
        std::fs::write(d.path().join("sub/.git/c"), "c").unwrap();
        let jobs = expand(&[d.path().display().to_string()]);
        let names: Vec<_> = jobs
            .iter()
            .map(|j| j.display.rsplit('/').next().unwrap().to_string())
            .collect();
        assert_eq!(names, ["a.txt", "b.pdf"]);
    }

    #[test]
    fn a_walk_reads_links_to_files_and_reports_what_it_cannot_read() {
        let d = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("real.txt"), "a").unwrap();
        std::os::unix::fs::symlink(outside.path().join("real.txt"), d.path().join("a.txt"))
            .unwrap();
        std::os::unix::fs::symlink(outside.path(), d.path().join("b-folder")).unwrap();
        std::os::unix::fs::symlink("/no/such/kartotek", d.path().join("c.pdf")).unwrap();
        let fifo = d.path().join("d.pdf");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        let jobs = expand(&[d.path().display().to_string()]);
        let seen: Vec<(String, Option<String>)> = jobs
            .iter()
            .map(|j| {
                (
                    j.display.rsplit('/').next().unwrap().to_string(),
                    j.error.clone(),
                )
            })
            .collect();
        assert_eq!(seen[0], ("a.txt".to_string(), None));
        assert!(seen[1].0 == "b-folder" && seen[1].1.as_deref().unwrap().contains("not followed"));
        assert!(seen[2].0 == "c.pdf" && seen[2].1.as_deref().unwrap().contains("no such file"));
        assert!(made.unwrap().success(), "mkfifo (coreutils) made no FIFO");
        assert!(
            seen[3].1.as_deref().unwrap().contains("not a regular file"),
            "{seen:?}"
        );
    }

    #[test]
    fn an_index_folder_in_a_walk_is_reported_once_and_not_read() {
        let d = tempfile::tempdir().unwrap();
        let index = d.path().join("index");
        std::fs::create_dir_all(&index).unwrap();
        std::fs::write(index.join("meta.json"), "{}").unwrap();
        std::fs::write(index.join(".managed.json"), "[]").unwrap();
        std::fs::write(index.join("0123.store"), "x").unwrap();
        std::fs::write(d.path().join("plan.txt"), "a").unwrap();
        let jobs = expand(&[d.path().display().to_string()]);
        let seen: Vec<(&str, Option<&str>)> = jobs
            .iter()
            .map(|j| (j.display.rsplit('/').next().unwrap(), j.error.as_deref()))
            .collect();
        assert_eq!(
            seen,
            [
                (
                    "index",
                    Some("a search index folder, not documents: not read")
                ),
                ("plan.txt", None)
            ]
        );
    }

    #[test]
    fn a_missing_path_becomes_a_failed_job() {
        let jobs = expand(&["/no/such/kartotek/file.pdf".to_string()]);
        assert_eq!(jobs[0].error.as_deref(), Some("no such file or folder"));
    }

    #[test]
    fn upload_names_cannot_escape() {
        let j = upload_job("../../etc/passwd", vec![], None);
        assert_eq!(j.display, "passwd");
    }
}
