//! The built lexicons kept on disk between processes.
//!
//! Building them takes about a second and a half of CPU (parsing Apertium's
//! transducers, stemming every word of every pair, the pivot through the
//! neighbour languages), and what comes out is a few megabytes of words.
//! Every `kartotek search` and every server start paid that build; they now
//! read the result from a cache file (a whole `kartotek search` on a small
//! index: 1.70 s before, 0.33 s after, most of it Hunspell; see
//! BENCHMARKS.md).
//!
//! The file is used only when its key matches: this program's version, the
//! executable itself (its size and modification time, so a rebuilt binary
//! builds again) and every dictionary file read (path, size, modification
//! time, or its absence). A missing, stale, unreadable or damaged file means
//! building as before and writing a new one; a cache folder that cannot be
//! written means building every time, as before. The folder:
//! `$KARTOTEK_CACHE_DIR`, else `$XDG_CACHE_HOME/kartotek`, else
//! `~/.cache/kartotek`; one file per executable and set of dictionary
//! folders, written whole to a side file and renamed into place.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use super::Lexicons;

/// Environment variable naming the cache folder.
pub(crate) const CACHE_DIR_ENV: &str = "KARTOTEK_CACHE_DIR";

/// The file layout; raise it when [`Lexicons`]' fields change meaning.
const FORMAT: u32 = 1;

/// Largest cache file read (the lexicons are a few megabytes).
const MAX_BYTES: u64 = 256 << 20;

/// The cache folder, or `None` when no home is known.
pub(crate) fn dir() -> Option<PathBuf> {
    let var = |v: &str| std::env::var_os(v).filter(|v| !v.is_empty());
    if let Some(d) = var(CACHE_DIR_ENV) {
        return Some(d.into());
    }
    let cache = var("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| var("HOME").map(|h| Path::new(&h).join(".cache")))?;
    Some(cache.join("kartotek"))
}

/// Where the lexicons read from `sources` (the dictionary folders) are
/// kept in `dir`: one file per executable and set of folders, so programs
/// and settings used side by side do not overwrite each other's.
pub(crate) fn file(dir: &Path, sources: &[&Path]) -> PathBuf {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    std::env::current_exe().ok().hash(&mut h);
    sources.hash(&mut h);
    dir.join(format!("lexicons-{:016x}.json", h.finish()))
}

/// The key the lexicons built from `files` are kept under.
pub(crate) fn key(files: &[PathBuf]) -> String {
    let stamp = |p: &Path| match std::fs::metadata(p) {
        Ok(m) => {
            let modified = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{} {} {modified}", p.display(), m.len())
        }
        Err(_) => format!("{} -", p.display()),
    };
    let mut parts = vec![format!(
        "kartotek {} lexicons {FORMAT}",
        env!("CARGO_PKG_VERSION")
    )];
    if let Ok(exe) = std::env::current_exe() {
        parts.push(stamp(&exe));
    }
    parts.extend(files.iter().map(|f| stamp(f)));
    parts.join("\t")
}

/// The lexicons kept in `path` under `key`, when they are there whole.
pub(crate) fn read(path: &Path, key: &str) -> Option<Lexicons> {
    let meta = std::fs::metadata(path).ok()?;
    if meta.len() > MAX_BYTES {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let (stored, body) = text.split_once('\n')?;
    if stored != key {
        return None;
    }
    match serde_json::from_str(body) {
        Ok(l) => Some(l),
        Err(e) => {
            tracing::debug!(
                "the lexicon cache `{}` is damaged ({e}): building",
                path.display()
            );
            None
        }
    }
}

/// Keep `lexicons` in `path` under `key`; a failure is logged and
/// otherwise ignored (the next process builds them again).
pub(crate) fn write(path: &Path, key: &str, lexicons: &Lexicons) {
    let attempt = || -> std::io::Result<()> {
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let body = serde_json::to_string(lexicons).map_err(std::io::Error::other)?;
        let side = dir.join(format!(
            ".{}.{}",
            path.file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("lexicons"),
            std::process::id()
        ));
        std::fs::write(&side, format!("{key}\n{body}"))?;
        std::fs::rename(&side, path).inspect_err(|_| {
            let _ = std::fs::remove_file(&side);
        })
    };
    if let Err(e) = attempt() {
        tracing::debug!(
            "the lexicons could not be kept in `{}` ({e}): they are built again by the next process",
            path.display()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Lexicons {
        let mut l = Lexicons::default();
        l.english
            .insert("harbour".into(), vec!["havn".into(), "hamn".into()]);
        l.neighbour.insert("hamn".into(), vec!["havn".into()]);
        l.norwegian.insert("vei".into());
        l.missing
            .push(("FreeDict eng-dan".into(), "apt-get install x".into()));
        l
    }

    #[test]
    fn lexicons_kept_under_a_key_come_back_equal_under_that_key_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deep/er/lexicons.json");
        assert!(read(&path, "k1").is_none());
        write(&path, "k1", &sample());
        assert_eq!(read(&path, "k1"), Some(sample()));
        assert!(read(&path, "k2").is_none());
        // no side file left behind
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["lexicons.json"]);
    }

    #[test]
    fn a_damaged_or_cut_cache_file_is_no_lexicon() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lexicons.json");
        write(&path, "k", &sample());
        let whole = std::fs::read(&path).unwrap();
        std::fs::write(&path, &whole[..whole.len() / 2]).unwrap();
        assert!(read(&path, "k").is_none());
        std::fs::write(&path, b"k\n{\"english\": 7}").unwrap();
        assert!(read(&path, "k").is_none());
        std::fs::write(&path, [0xff, 0xfe, b'\n']).unwrap();
        assert!(read(&path, "k").is_none());
    }

    #[test]
    fn a_dictionary_file_that_changes_or_goes_changes_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let dict = dir.path().join("a.index");
        std::fs::write(&dict, "one").unwrap();
        let files = [dict.clone(), dir.path().join("absent.dz")];
        let before = key(&files);
        assert_eq!(key(&files), before);
        std::fs::write(&dict, "one more").unwrap();
        let changed = key(&files);
        assert_ne!(changed, before);
        std::fs::remove_file(&dict).unwrap();
        assert_ne!(key(&files), changed);
    }

    #[test]
    fn an_unwritable_cache_folder_is_no_error() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, "").unwrap();
        // a folder below a file cannot be made
        let path = blocker.join("lexicons.json");
        write(&path, "k", &sample());
        assert!(read(&path, "k").is_none());
    }
}
