//! Reading and checking the taxonomy TOML files (`region.toml`, `programme.toml`,
//! `network.toml`, `theme.toml`).
//!
//! Every problem is reported with the file name and, for syntax errors, the line, because
//! the people who edit these files are not necessarily programmers. Structural rules are
//! checked here once: paths are ASCII slugs, every parent path exists, and no alias (after
//! case and diacritic folding) points to two concepts of the same facet.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use serde::Deserialize;

use super::fold::{fold, Fold};
use super::{Concept, FacetKind, TaxonomyError};

/// One facet file as written on disk.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FacetFile {
    /// Suffixes accepted after an alias: per alias language, `"*"` for all, `"acronym"` for acronyms.
    #[serde(default)]
    pub inflection: BTreeMap<String, Vec<String>>,
    /// Theme scoring parameters (only meaningful in `theme.toml`).
    #[serde(default)]
    pub scoring: Option<Scoring>,
    /// The concepts.
    #[serde(default)]
    pub concept: Vec<Concept>,
}

/// When a theme counts as present in a document (see the comment in `theme.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scoring {
    /// Minimum score: weighted mentions / sqrt(words / 1000).
    pub threshold: f32,
    /// Minimum weighted mentions in absolute terms.
    #[serde(default = "default_min_raw")]
    pub min_raw: f32,
    /// Minimum number of different terms that must occur.
    #[serde(default = "default_min_distinct")]
    pub min_distinct: usize,
    /// Documents shorter than this many words are scored as if they had this many.
    #[serde(default = "default_min_words")]
    pub min_words: usize,
    /// One term counts at most this many times (keeps a repeated word from deciding alone).
    #[serde(default = "default_term_cap")]
    pub term_cap: u32,
    /// Weight of a `weak` alias (an `aliases` entry weighs the concept's `weight`).
    #[serde(default = "default_weak_weight")]
    pub weak_weight: f32,
}

fn default_min_raw() -> f32 {
    2.0
}
fn default_min_distinct() -> usize {
    2
}
fn default_min_words() -> usize {
    250
}
fn default_term_cap() -> u32 {
    5
}
fn default_weak_weight() -> f32 {
    0.35
}

impl Default for Scoring {
    fn default() -> Self {
        Scoring {
            threshold: 1.0,
            min_raw: default_min_raw(),
            min_distinct: default_min_distinct(),
            min_words: default_min_words(),
            term_cap: default_term_cap(),
            weak_weight: default_weak_weight(),
        }
    }
}

/// Parses one facet file; `file` is only used in error messages.
pub(crate) fn parse_facet(
    kind: FacetKind,
    file: &str,
    source: &str,
) -> Result<FacetFile, TaxonomyError> {
    let parsed: FacetFile = toml::from_str(source).map_err(|e| TaxonomyError::Parse {
        file: PathBuf::from(file),
        line: e.span().map(|s| line_of(source, s.start)).unwrap_or(1),
        message: e.message().trim().to_string(),
    })?;
    validate(kind, file, &parsed)?;
    Ok(parsed)
}

fn line_of(source: &str, offset: usize) -> usize {
    let offset = offset.min(source.len());
    source.as_bytes()[..offset]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

fn invalid(file: &str, message: String) -> TaxonomyError {
    TaxonomyError::Invalid {
        file: PathBuf::from(file),
        message,
    }
}

/// Checks paths, parents and alias uniqueness of one facet.
fn validate(kind: FacetKind, file: &str, parsed: &FacetFile) -> Result<(), TaxonomyError> {
    let mut paths: HashMap<&str, usize> = HashMap::new();
    for (i, c) in parsed.concept.iter().enumerate() {
        if !is_slug_path(&c.path) {
            return Err(invalid(
                file,
                format!(
                    "concept path `{}` must look like `/a/b-c` (lowercase ASCII letters, digits, `-`)",
                    c.path
                ),
            ));
        }
        if paths.insert(c.path.as_str(), i).is_some() {
            return Err(invalid(
                file,
                format!("concept path `{}` appears twice", c.path),
            ));
        }
        if c.label_en.trim().is_empty() || c.label_nb.trim().is_empty() {
            return Err(invalid(
                file,
                format!("concept `{}` needs `label_en` and `label_nb`", c.path),
            ));
        }
        for lang in c.aliases.keys().chain(c.weak.keys()) {
            if !super::ALIAS_LANGUAGES.contains(&lang.as_str()) {
                return Err(invalid(
                    file,
                    format!(
                        "concept `{}` has aliases for unknown language `{lang}` (use one of {})",
                        c.path,
                        super::ALIAS_LANGUAGES.join(", ")
                    ),
                ));
            }
        }
    }
    for c in &parsed.concept {
        if let Some(parent) = super::parent(&c.path) {
            if !paths.contains_key(parent) {
                return Err(invalid(
                    file,
                    format!("concept `{}` has no parent concept `{parent}`", c.path),
                ));
            }
        }
    }
    let mut seen: HashMap<String, &str> = HashMap::new();
    for c in &parsed.concept {
        let mut own: Vec<String> = c
            .match_terms()
            .filter(|t| !t.case_sensitive)
            .map(|t| fold(t.text.trim_end_matches('*'), Fold::Loose))
            .collect();
        own.sort();
        own.dedup();
        for key in own {
            if key.trim().is_empty() || key.contains('*') {
                return Err(invalid(
                    file,
                    format!(
                        "concept `{}` has an empty alias or a `*` that is not at the end",
                        c.path
                    ),
                ));
            }
            if let Some(other) = seen.insert(key.clone(), &c.path) {
                return Err(invalid(
                    file,
                    format!(
                        "alias `{key}` is used by both `{other}` and `{}` in the {} facet",
                        c.path,
                        kind.as_str()
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// `/a/b-c/d2`: non-empty segments of lowercase ASCII letters, digits and inner dashes.
pub(crate) fn is_slug_path(path: &str) -> bool {
    let Some(rest) = path.strip_prefix('/') else {
        return false;
    };
    !rest.is_empty()
        && rest.split('/').all(|seg| {
            !seg.is_empty()
                && !seg.starts_with('-')
                && !seg.ends_with('-')
                && seg
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}
