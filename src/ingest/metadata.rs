//! Corrections by people: a sidecar `NAME.meta.toml` beside a document, or
//! an entry in the folder's `metadata.toml`, can set the title, URL, date
//! and language and add or remove facet values.
//!
//! ```toml
//! # report.pdf.meta.toml  (or report.meta.toml)
//! title = "Internasjonal strategi for Innherred"
//! url = "https://example.org/strategi.pdf"
//! date = "2021-06-01"
//! [facets]            # added, shown as origin "metadata"
//! region = ["/norway/trondelag/innherred"]
//! [remove]            # dropped from what the text gave
//! theme = ["/tourism"]
//! ```
//! A folder's `metadata.toml` has the same keys under `[files."report.pdf"]`,
//! plus `[default]` for every file in that folder. The sidecar wins over the
//! folder entry, which wins over `[default]`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::dates;
use serde::{Deserialize, Serialize};

/// Folder-level metadata file name.
pub(crate) const FOLDER_FILE: &str = "metadata.toml";
/// Sidecar suffix.
pub(crate) const SIDECAR_SUFFIX: &str = ".meta.toml";
/// Most values one facet of one document may be given by a person (in
/// `[facets]` or `[remove]`): more is a mistake or hostile, and a search
/// page lists every value of its hits.
pub(crate) const MAX_FACET_VALUES: usize = 100;

/// What a person said about one document.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// Replaces the extracted title.
    pub title: Option<String>,
    /// Replaces the URL users click.
    pub url: Option<String>,
    /// Publication date `YYYY-MM-DD` (a TOML date or a year as a number are
    /// taken too).
    #[serde(default, deserialize_with = "date_value")]
    pub date: Option<String>,
    /// Language code, when detection gets it wrong.
    pub lang: Option<String>,
    /// Facet values to add, per facet.
    #[serde(default)]
    pub facets: BTreeMap<String, Vec<String>>,
    /// Facet values to remove, per facet.
    #[serde(default)]
    pub remove: BTreeMap<String, Vec<String>>,
}

/// A sidecar's `date` as text: a string, a TOML date (`1979-05-27`, its
/// date part) or a year as a number (`2021`).
fn date_value<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Written {
        Text(String),
        Year(i64),
        Date(toml::value::Datetime),
    }
    Ok(Some(match Written::deserialize(d)? {
        Written::Text(t) => t,
        Written::Year(y) => y.to_string(),
        Written::Date(dt) => match dt.date {
            Some(date) => date.to_string(),
            None => dt.to_string(),
        },
    }))
}

/// True when `date` is written as a date of digits (`2021-02-30`,
/// `-2021-01-01`, `99999`) that is no calendar date the index can file.
fn impossible_date(date: &str) -> bool {
    let d = date.trim();
    let numeric = !d.is_empty()
        && d.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '.' | '/'));
    numeric && (d.starts_with(['-', '.', '/']) || dates::normalise_date(d).is_none())
}

impl Override {
    /// A stable text form for content fingerprints: JSON with the fields in declaration
    /// order and the facet maps sorted (a `{:?}` rendering is not promised to stay the
    /// same across Rust releases).
    pub fn fingerprint_text(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Layer `other` over `self` (other wins on scalars; lists are merged).
    pub fn merged_with(mut self, other: Override) -> Override {
        self.title = other.title.or(self.title);
        self.url = other.url.or(self.url);
        self.date = other.date.or(self.date);
        self.lang = other.lang.or(self.lang);
        for (k, v) in other.facets {
            self.facets.entry(k).or_default().extend(v);
        }
        for (k, v) in other.remove {
            self.remove.entry(k).or_default().extend(v);
        }
        self
    }

    /// True when it changes nothing.
    pub fn is_empty(&self) -> bool {
        *self == Override::default()
    }

    /// `self`, or an error naming `file` when a facet is given more than
    /// [`MAX_FACET_VALUES`] values.
    fn checked(self, file: &Path) -> crate::error::Result<Override> {
        let refuse =
            |why: String| crate::error::Error::Usage(format!("`{}`: {why}", file.display()));
        if let Some(date) = self.date.as_deref().filter(|d| impossible_date(d)) {
            return Err(refuse(format!(
                "`date = \"{}\"` is no calendar date\nhint: write it as YYYY-MM-DD, YYYY-MM or YYYY",
                date.chars().take(40).collect::<String>()
            )));
        }
        for (facet, values) in self.facets.iter().chain(&self.remove) {
            if crate::facet::Facet::parse(facet).is_none() {
                return Err(refuse(format!(
                    "no facet is called `{}`\nhint: the facets are {}",
                    facet.chars().take(60).collect::<String>(),
                    crate::facet::Facet::names(&crate::facet::Facet::ALL)
                )));
            }
            if let Some(bad) = values.iter().find(|v| !plausible_path(v)) {
                return Err(refuse(format!(
                    "`{}` is no facet path for `{facet}`\nhint: a path is `/`-separated names, such as `/norway/trondelag`, without empty, `.` or `..` parts or control characters",
                    bad.chars().take(60).collect::<String>()
                )));
            }
            if values.len() > MAX_FACET_VALUES {
                return Err(refuse(format!(
                    "{} values for the facet `{facet}`, at most {MAX_FACET_VALUES} per document\nhint: list a parent path instead of its children (`/norway/trondelag` for every municipality in it)",
                    values.len()
                )));
            }
        }
        Ok(self)
    }
}

/// Deepest facet path a person may give, and longest part of one.
const MAX_PATH_DEPTH: usize = 8;
const MAX_PATH_PART_CHARS: usize = 100;

/// A facet path a person may give: `/`-separated names (a leading `/` or
/// none), none empty, `.` or `..`, none with control or bidirectional
/// formatting characters (which would show one name as another).
fn plausible_path(path: &str) -> bool {
    let parts: Vec<&str> = path.strip_prefix('/').unwrap_or(path).split('/').collect();
    parts.len() <= MAX_PATH_DEPTH
        && parts.iter().all(|p| {
            !p.trim().is_empty()
                && *p != "."
                && *p != ".."
                && p.chars().count() <= MAX_PATH_PART_CHARS
                && !p.chars().any(|c| {
                    c.is_control()
                        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
                })
        })
}

/// Whether a metadata file's look-up failed because there is none: not
/// found, or a name too long for the file system (a 255-byte document
/// name leaves no room for `.meta.toml`).
fn absent(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::NotFound || e.raw_os_error() == Some(libc::ENAMETOOLONG)
}

/// The text of a metadata file, `None` when there is none; a file that is
/// there but cannot be read (not UTF-8, no permission, not a regular file,
/// too large) is an error naming it, not a file silently left out.
fn read_metadata(path: &Path) -> crate::error::Result<Option<String>> {
    let usage = |why: String| crate::error::Error::Usage(format!("`{}`: {why}", path.display()));
    match std::fs::metadata(path) {
        Ok(_) => {}
        Err(e) if absent(&e) => return Ok(None),
        Err(e) => return Err(crate::error::Error::io(path, e)),
    }
    // as a document is read: a regular file only (opening a FIFO waits for
    // a writer, `/dev/zero` never ends), never more than the limit
    let bytes = super::read_file(path, MAX_METADATA_BYTES).map_err(|e| {
        usage(match e {
            crate::error::ExtractError::Unsupported(why) => {
                format!("{why}; metadata files are TOML text")
            }
            crate::error::ExtractError::TooLarge { .. } => {
                format!("over the {MAX_METADATA_BYTES} bytes a metadata file may hold")
            }
            other => other.to_string(),
        })
    })?;
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| usage("not UTF-8 text".into()))
}

/// Largest metadata file read: 16 MiB (a folder's `metadata.toml` listing
/// every file of a large folder stays far below it).
const MAX_METADATA_BYTES: u64 = 16 * 1024 * 1024;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FolderFile {
    #[serde(default)]
    default: Option<Override>,
    #[serde(default)]
    files: BTreeMap<String, Override>,
}

/// True for files that hold metadata rather than documents.
pub(crate) fn is_metadata_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n == FOLDER_FILE || n.ends_with(SIDECAR_SUFFIX))
}

/// Candidate sidecar paths for a document: `NAME.EXT.meta.toml`, `NAME.meta.toml`.
fn sidecars(path: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Some(name) = path.file_name().and_then(|n| n.to_str()) {
        out.push(path.with_file_name(format!("{name}{SIDECAR_SUFFIX}")));
        if let Some(stem) = path.file_stem().and_then(|n| n.to_str()) {
            out.push(path.with_file_name(format!("{stem}{SIDECAR_SUFFIX}")));
        }
    }
    out
}

/// A folder's `metadata.toml`, parsed, and its text; `None` when the folder
/// has none. Parsed once for all the folder's documents while the file is
/// unchanged (same size and time): a `metadata.toml` of 100,000 entries
/// parsed again for each of 300 documents took 25 s.
#[allow(clippy::type_complexity)]
fn folder_file(folder: &Path) -> crate::error::Result<Option<(Arc<FolderFile>, Arc<str>)>> {
    type Parsed = (Arc<FolderFile>, Arc<str>);
    type Stamp = (PathBuf, u64, Option<std::time::SystemTime>);
    static PARSED: Mutex<Vec<(Stamp, Parsed)>> = Mutex::new(Vec::new());
    const KEPT: usize = 16;
    let stamp = std::fs::metadata(folder)
        .ok()
        .map(|m| (folder.to_path_buf(), m.len(), m.modified().ok()));
    if let Some(stamp) = &stamp {
        if let Ok(kept) = PARSED.lock() {
            if let Some((_, p)) = kept.iter().find(|(s, _)| s == stamp) {
                return Ok(Some(p.clone()));
            }
        }
    }
    let Some(text) = read_metadata(folder)? else {
        return Ok(None);
    };
    let parsed: FolderFile = toml::from_str(&text).map_err(|e| {
        crate::error::Error::Usage(format!("`{}`: {}", folder.display(), e.message()))
    })?;
    let parsed: Parsed = (Arc::new(parsed), Arc::from(text));
    if let (Some(stamp), Ok(mut kept)) = (stamp, PARSED.lock()) {
        if kept.len() >= KEPT {
            kept.remove(0);
        }
        kept.push((stamp, parsed.clone()));
    }
    Ok(Some(parsed))
}

/// Load every override that applies to the document at `path`, with the
/// raw text of the files read (it is part of the content hash, so editing a
/// sidecar re-indexes the document). Errors name the file and the line.
pub(crate) fn for_document(path: &Path) -> crate::error::Result<(Override, String)> {
    let mut merged = Override::default();
    let mut raw = String::new();
    if let Some(dir) = path.parent() {
        let folder = dir.join(FOLDER_FILE);
        if let Some((parsed, text)) = folder_file(&folder)? {
            if let Some(d) = parsed.default.clone() {
                merged = merged.merged_with(d.checked(&folder)?);
            }
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if let Some(o) = parsed.files.get(name) {
                merged = merged.merged_with(o.clone().checked(&folder)?);
            }
            raw.push_str(&text);
        }
    }
    for sidecar in sidecars(path) {
        if let Some(text) = read_metadata(&sidecar)? {
            let parsed: Override = toml::from_str(&text).map_err(|e| {
                crate::error::Error::Usage(format!("`{}`: {}", sidecar.display(), e.message()))
            })?;
            merged = merged.merged_with(parsed.checked(&sidecar)?);
            raw.push_str(&text);
            break;
        }
    }
    Ok((merged, raw))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sidecar_dates_are_read_in_toml_forms_and_impossible_ones_refused() {
        let dir = tempfile::tempdir().unwrap();
        let doc = dir.path().join("a.txt");
        std::fs::write(&doc, "tekst").unwrap();
        let sidecar = dir.path().join("a.txt.meta.toml");
        for (written, read) in [
            ("date = 1979-05-27", "1979-05-27"),
            ("date = 2021", "2021"),
            ("date = \"2021-03-04\"", "2021-03-04"),
            ("date = \"våren 2021\"", "våren 2021"),
        ] {
            std::fs::write(&sidecar, written).unwrap();
            let (o, _) = for_document(&doc).unwrap();
            assert_eq!(o.date.as_deref(), Some(read), "{written}");
        }
        for written in [
            "date = \"2021-02-30\"",
            "date = \"-2021-01-01\"",
            "date = 99999",
        ] {
            std::fs::write(&sidecar, written).unwrap();
            let e = for_document(&doc).unwrap_err().to_string();
            assert!(e.contains("no calendar date"), "{written}: {e}");
        }
    }

    #[test]
    fn facet_paths_with_empty_dot_or_bidi_parts_and_unknown_facets_are_refused() {
        for bad in ["/norway/../../etc", "//", "/a//b", "/\u{202e}/x", "/./x"] {
            assert!(!plausible_path(bad), "{bad:?}");
        }
        for good in ["/norway/trondelag", "norway/trondelag", "/interreg/aurora"] {
            assert!(plausible_path(good), "{good:?}");
        }
        let dir = tempfile::tempdir().unwrap();
        let doc = dir.path().join("a.txt");
        std::fs::write(&doc, "tekst").unwrap();
        let sidecar = dir.path().join("a.txt.meta.toml");
        std::fs::write(&sidecar, "[facets]\nregion = [\"/norway/../../etc\"]\n").unwrap();
        let e = for_document(&doc).unwrap_err().to_string();
        assert!(
            e.contains("a.txt.meta.toml") && e.contains("no facet path"),
            "{e}"
        );
        std::fs::write(&sidecar, "[facets]\nbogus = [\"/x\"]\n").unwrap();
        let e = for_document(&doc).unwrap_err().to_string();
        assert!(e.contains("no facet is called `bogus`"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn a_sidecar_that_is_a_fifo_or_a_device_fails_naming_itself_without_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let doc = dir.path().join("a.txt");
        std::fs::write(&doc, "tekst").unwrap();
        let fifo = dir.path().join("a.txt.meta.toml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.unwrap().success(), "mkfifo (coreutils) made no FIFO");
        let e = for_document(&doc).unwrap_err().to_string();
        assert!(
            e.contains("a.txt.meta.toml") && e.contains("not a regular file"),
            "{e}"
        );
        std::fs::remove_file(&fifo).unwrap();
        std::os::unix::fs::symlink("/dev/zero", &fifo).unwrap();
        let e = for_document(&doc).unwrap_err().to_string();
        assert!(e.contains("not a regular file"), "{e}");
    }

    #[test]
    fn a_name_too_long_for_a_sidecar_has_none() {
        let dir = tempfile::tempdir().unwrap();
        // 255 bytes: the longest name most file systems take
        let doc = dir.path().join(format!("{}.txt", "a".repeat(251)));
        std::fs::write(&doc, "tekst").unwrap();
        let (o, raw) = for_document(&doc).unwrap();
        assert!(raw.is_empty() && o.title.is_none());
    }

    #[test]
    fn a_sidecar_with_too_many_facet_values_or_no_utf8_fails_naming_itself() {
        let dir = tempfile::tempdir().unwrap();
        let doc = dir.path().join("a.txt");
        std::fs::write(&doc, "tekst").unwrap();
        let values: Vec<String> = (0..=MAX_FACET_VALUES)
            .map(|i| format!("\"/r{i}\""))
            .collect();
        let sidecar = dir.path().join("a.txt.meta.toml");
        std::fs::write(
            &sidecar,
            format!("[facets]\nregion = [{}]\n", values.join(", ")),
        )
        .unwrap();
        let err = for_document(&doc).unwrap_err().to_string();
        assert!(
            err.contains("a.txt.meta.toml") && err.contains("at most 100"),
            "{err}"
        );
        std::fs::write(&sidecar, b"title = \"\xff\"\n").unwrap();
        let err = for_document(&doc).unwrap_err().to_string();
        assert!(
            err.contains("a.txt.meta.toml") && err.contains("not UTF-8"),
            "{err}"
        );
    }

    #[test]
    fn sidecar_wins_over_folder_entry_and_default() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(FOLDER_FILE),
            "[default]\ntitle = \"folder default\"\n[files.\"a.pdf\"]\ntitle = \"folder entry\"\nfacets.region = [\"/norway\"]\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("a.pdf.meta.toml"),
            "title = \"sidecar\"\n[facets]\nprogramme = [\"/interreg\"]\n",
        )
        .unwrap();
        let (o, raw) = for_document(&dir.path().join("a.pdf")).unwrap();
        assert_eq!(o.title.as_deref(), Some("sidecar"));
        assert_eq!(o.facets["region"], ["/norway"]);
        assert_eq!(o.facets["programme"], ["/interreg"]);
        assert!(raw.contains("sidecar"));
        let (o, _) = for_document(&dir.path().join("b.pdf")).unwrap();
        assert_eq!(o.title.as_deref(), Some("folder default"));
    }

    #[test]
    fn a_broken_sidecar_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.meta.toml"), "title = \n").unwrap();
        let e = for_document(&dir.path().join("a.pdf")).unwrap_err();
        assert!(e.to_string().contains("a.meta.toml"), "{e}");
    }

    #[test]
    fn metadata_files_are_not_documents() {
        assert!(is_metadata_file(Path::new("x/metadata.toml")));
        assert!(is_metadata_file(Path::new("x/a.pdf.meta.toml")));
        assert!(!is_metadata_file(Path::new("x/a.pdf")));
    }
}
