//! Settings resolved once, before any work: defaults < environment
//! (`KARTOTEK_*`) < command-line flags. The rest of the code only sees the
//! resolved values.

use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::taxonomy::Taxonomy;

/// Default index folder, relative to the working directory.
pub(crate) const DEFAULT_INDEX_DIR: &str = "index";

/// The folder named by the environment variable `var` when it is set and
/// not empty, else `default`: where run-time data lives (the Hunspell,
/// FreeDict and Apertium dictionaries).
pub(crate) fn dir_from_env(var: &str, default: &str) -> PathBuf {
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(default))
}

/// Load the taxonomy (once per process): a folder given by flag or `KARTOTEK_TAXONOMY`, else the built-in one.
pub fn taxonomy(dir: Option<&PathBuf>) -> Result<&'static Taxonomy> {
    match dir {
        // Loaded once per process and kept for its lifetime.
        Some(d) => Taxonomy::load_dir(d)
            .map(|t| &*Box::leak(Box::new(t)))
            .map_err(|e| Error::Taxonomy(e.to_string())),
        None => Ok(Taxonomy::builtin()),
    }
}
