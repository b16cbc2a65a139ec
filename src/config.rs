//! Settings resolved once, before any work: defaults < environment
//! (`KARTOTEK_*`) < command-line flags. The rest of the code only sees the
//! resolved values.

use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::taxonomy::Taxonomy;

/// Default index folder, relative to the working directory.
pub(crate) const DEFAULT_INDEX_DIR: &str = "index";

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
