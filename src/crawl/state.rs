//! What the crawler remembers between runs, per URL (identity form): the
//! validators for conditional requests (`ETag`, `Last-Modified`), the
//! content hash, the document it produced, where it redirected, and the
//! links it holds, so a page answered `304 Not Modified` still leads the
//! crawl on to its links without being downloaded.
//!
//! Kept as JSON beside the index (`<index>/crawl-state.json`), written to a
//! temporary file and renamed over the old one, so a killed crawl leaves the
//! previous state or the new one, never half a file. A missing or unreadable
//! file means an empty state (the next crawl is a full one).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// File name of the crawl state inside the index folder.
pub(crate) const STATE_FILE: &str = "crawl-state.json";

/// What the crawler knows about one URL.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The URL as last requested (request form; the key is the identity form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// `ETag` of the last 200 answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// `Last-Modified` of the last 200 answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    /// blake3 of the body (hex).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    /// Id of the document indexed from this URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_id: Option<String>,
    /// Where the URL redirected to (identity form), if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect: Option<String>,
    /// Last HTTP status.
    #[serde(default)]
    pub status: u16,
    /// Page title (the context of PDFs it links to).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Links found on the page, resolved and normalised (request form).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<String>,
    /// Fingerprint of the facet values attached when it was indexed; a
    /// change forces a full fetch instead of a conditional one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attach: Option<String>,
    /// Unix time of the last fetch.
    #[serde(default)]
    pub fetched_at: u64,
}

/// The crawl state of an index.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct State {
    /// Per URL (identity form).
    #[serde(default)]
    pub urls: BTreeMap<String, Entry>,
    /// Per source name: unix time its last crawl started (for schedules).
    #[serde(default)]
    pub last_run: BTreeMap<String, u64>,
}

impl State {
    /// Load the state from `path`; missing or unreadable → empty.
    pub fn load(path: &Path) -> State {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                tracing::warn!(
                    "ignoring the unreadable crawl state `{}`: {e}",
                    path.display()
                );
                State::default()
            }),
            Err(_) => State::default(),
        }
    }

    /// Write the state to `path` atomically (temporary file + rename).
    pub fn save(&self, path: &Path) -> Result<()> {
        let json = serde_json::to_vec(self).map_err(|e| Error::Internal(e.to_string()))?;
        let tmp = tmp_path(path);
        std::fs::write(&tmp, json).map_err(|e| Error::io(&tmp, e))?;
        std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
    }

    /// The state file of the index in `dir`.
    pub fn path_for(dir: &Path) -> PathBuf {
        dir.join(STATE_FILE)
    }
}

fn tmp_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(format!(".tmp{}", std::process::id()));
    path.with_file_name(name)
}

/// Seconds since the Unix epoch.
pub(crate) fn now_unix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_round_trips_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = State::path_for(dir.path());
        let mut s = State::default();
        s.urls.insert(
            "https://x.org/a".into(),
            Entry {
                etag: Some("\"v1\"".into()),
                status: 200,
                links: vec!["https://x.org/b".into()],
                ..Entry::default()
            },
        );
        s.last_run.insert("site".into(), 42);
        s.save(&path).unwrap();
        let back = State::load(&path);
        assert_eq!(back.urls, s.urls);
        assert_eq!(back.last_run["site"], 42);
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "temporary file left behind");
    }

    #[test]
    fn missing_or_broken_state_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = State::path_for(dir.path());
        assert!(State::load(&path).urls.is_empty());
        std::fs::write(&path, b"{not json").unwrap();
        assert!(State::load(&path).urls.is_empty());
    }
}
