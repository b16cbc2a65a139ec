//! The facet taxonomy (region, programme, network, theme) and the tagger that finds its
//! concepts in extracted document text.
//!
//! The vocabularies are data, not code: `taxonomy/*.toml` at the repository root, compiled
//! into the binary as the default ([`Taxonomy::builtin`]) and replaceable at runtime by a
//! directory holding the same four files ([`Taxonomy::load_dir`]). Concepts have stable
//! slug paths (`/norway/trondelag/trondheim`); children are found by path prefix, and
//! tagging a concept implies its [`ancestors`] for filtering.
//!
//! Non-obvious choices:
//! - Matching runs on a folded copy of the text (lowercase, diacritics stripped, whitespace
//!   collapsed, line-end hyphens joined) with one Aho-Corasick automaton for all facets.
//!   Short aliases (under 5 letters) must then match with their diacritics (`Ås` is not
//!   `as`); acronyms and `case_sensitive` names must match with their exact case
//!   (`POLIS`, not Norwegian `polis`).
//! - Overlapping candidates are resolved leftmost-longest across all facets, so
//!   `North Sea Commission` is a network and does not also tag the North Sea region.
//! - Themes need evidence: weighted mentions, normalised by the square root of document
//!   length, above a measured threshold (see the comment in `taxonomy/theme.toml`).

mod fold;
mod load;
mod tagger;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::Deserialize;

pub use crate::facet::FacetKind;
pub use load::Scoring;

/// Languages an alias list may be written in.
pub(crate) const ALIAS_LANGUAGES: &[&str] =
    &["nb", "nn", "sv", "da", "fi", "en", "de", "se", "is", "fr"];

impl fmt::Display for FacetKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Extra aliases that only count near one of the `near` words (e.g. `Aurora` near `Interreg`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextRule {
    /// The ambiguous aliases.
    pub terms: Vec<String>,
    /// Words of which one must occur within `window` bytes before or after the alias.
    pub near: Vec<String>,
    /// Window size in bytes of folded text.
    #[serde(default = "default_window")]
    pub window: usize,
}

fn default_window() -> usize {
    150
}

fn default_weight() -> f32 {
    1.0
}

/// One concept of a facet, as written in the TOML files.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Concept {
    /// Stable ASCII slug path, e.g. `/norway/trondelag/trondheim`.
    pub path: String,
    /// Display label in English.
    pub label_en: String,
    /// Display label in Norwegian Bokmål.
    pub label_nb: String,
    /// Display label in Nynorsk when it differs from Bokmål.
    #[serde(default)]
    pub label_nn: Option<String>,
    /// Native (local-language) name when it differs from the labels.
    #[serde(default)]
    pub native: Option<String>,
    /// Aliases per language (`nb`, `nn`, `sv`, `da`, `fi`, `en`, `de`, …); a trailing `*` matches word prefixes.
    #[serde(default)]
    pub aliases: BTreeMap<String, Vec<String>>,
    /// Themes only: broad words that count with the lower `weak_weight`.
    #[serde(default)]
    pub weak: BTreeMap<String, Vec<String>>,
    /// Acronyms, matched case-sensitively (`POLIS`, `LIFE`, `NORA`).
    #[serde(default)]
    pub acronyms: Vec<String>,
    /// Names matched case-sensitively because the lowercase word is common (`Island`).
    #[serde(default)]
    pub case_sensitive: Vec<String>,
    /// Ambiguous aliases that count only in context.
    #[serde(default)]
    pub context: Option<ContextRule>,
    /// Themes only: weight of each strong alias.
    #[serde(default = "default_weight")]
    pub weight: f32,
    /// Free-text note for maintainers (e.g. "county 2020-2023").
    #[serde(default)]
    pub note: Option<String>,
}

/// One string the tagger looks for, with how it must be matched.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MatchTerm<'a> {
    pub text: &'a str,
    pub lang: &'a str,
    pub case_sensitive: bool,
    pub acronym: bool,
    pub weak: bool,
    pub in_context: bool,
}

impl Concept {
    /// Every alias, weak alias, acronym and context alias, with how it is matched.
    pub(crate) fn match_terms(&self) -> impl Iterator<Item = MatchTerm<'_>> {
        let plain = self.aliases.iter().flat_map(|(lang, list)| {
            list.iter().map(move |text| MatchTerm {
                text,
                lang,
                case_sensitive: false,
                acronym: false,
                weak: false,
                in_context: false,
            })
        });
        let weak = self.weak.iter().flat_map(|(lang, list)| {
            list.iter().map(move |text| MatchTerm {
                text,
                lang,
                case_sensitive: false,
                acronym: false,
                weak: true,
                in_context: false,
            })
        });
        let acronyms = self.acronyms.iter().map(|text| MatchTerm {
            text,
            lang: "acronym",
            case_sensitive: true,
            acronym: true,
            weak: false,
            in_context: false,
        });
        let exact = self.case_sensitive.iter().map(|text| MatchTerm {
            text,
            lang: "*",
            case_sensitive: true,
            acronym: false,
            weak: false,
            in_context: false,
        });
        let context = self.context.iter().flat_map(|rule| {
            rule.terms.iter().map(|text| MatchTerm {
                text,
                lang: "*",
                case_sensitive: false,
                acronym: false,
                weak: false,
                in_context: true,
            })
        });
        plain
            .chain(weak)
            .chain(acronyms)
            .chain(exact)
            .chain(context)
    }

    /// The concept's label for a UI language (`en`, `nb`, `nn`; anything else gets English).
    pub fn label(&self, ui_lang: &str) -> &str {
        match ui_lang {
            "nb" | "no" => &self.label_nb,
            "nn" => self.label_nn.as_deref().unwrap_or(&self.label_nb),
            _ => &self.label_en,
        }
    }
}

/// A concept found in a text, with its evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    /// Which facet.
    pub kind: FacetKind,
    /// The concept's path.
    pub path: String,
    /// How many times the concept was mentioned.
    pub count: u32,
    /// The first mention, as it appears in the text.
    pub first_match: String,
    /// Themes: weighted mentions / sqrt(words / 1000); other facets: the mention count.
    pub score: f32,
}

/// Why a taxonomy could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum TaxonomyError {
    /// A file could not be read.
    #[error("cannot read taxonomy file `{}`: {source}", file.display())]
    Read {
        /// The file.
        file: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A file is not valid TOML or does not have the expected fields.
    #[error("taxonomy file `{}` line {line}: {message}", file.display())]
    Parse {
        /// The file.
        file: PathBuf,
        /// 1-based line of the problem.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A file parses but breaks a rule (missing parent, duplicate alias, bad path).
    #[error("taxonomy file `{}`: {message}", file.display())]
    Invalid {
        /// The file.
        file: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// The four facet vocabularies plus the matcher built from them.
pub struct Taxonomy {
    facets: [Vec<Concept>; 4],
    scoring: Scoring,
    matcher: tagger::Matcher,
}

impl fmt::Debug for Taxonomy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Taxonomy")
            .field("regions", &self.facets[0].len())
            .field("programmes", &self.facets[1].len())
            .field("networks", &self.facets[2].len())
            .field("themes", &self.facets[3].len())
            .finish()
    }
}

const BUILTIN: [(FacetKind, &str, &str); 4] = [
    (
        FacetKind::Region,
        "region.toml",
        include_str!("../../taxonomy/region.toml"),
    ),
    (
        FacetKind::Programme,
        "programme.toml",
        include_str!("../../taxonomy/programme.toml"),
    ),
    (
        FacetKind::Network,
        "network.toml",
        include_str!("../../taxonomy/network.toml"),
    ),
    (
        FacetKind::Theme,
        "theme.toml",
        include_str!("../../taxonomy/theme.toml"),
    ),
];

static BUILTIN_TAXONOMY: OnceLock<Taxonomy> = OnceLock::new();

impl Taxonomy {
    /// The taxonomy compiled into the binary, parsed once.
    ///
    /// The built-in files are checked by tests, so a failure here is a build defect; it
    /// falls back to an empty taxonomy rather than panicking.
    pub fn builtin() -> &'static Taxonomy {
        BUILTIN_TAXONOMY.get_or_init(|| {
            let sources = BUILTIN
                .iter()
                .map(|(kind, file, text)| (*kind, file.to_string(), text.to_string()))
                .collect();
            Taxonomy::from_sources(sources).unwrap_or_else(|_| Taxonomy::empty())
        })
    }

    /// Loads `region.toml`, `programme.toml`, `network.toml` and `theme.toml` from `dir`.
    pub fn load_dir(dir: &Path) -> Result<Taxonomy, TaxonomyError> {
        let mut sources = Vec::with_capacity(4);
        for kind in FacetKind::all() {
            let file = dir.join(format!("{}.toml", kind.as_str()));
            let text = std::fs::read_to_string(&file).map_err(|source| TaxonomyError::Read {
                file: file.clone(),
                source,
            })?;
            sources.push((kind, file.display().to_string(), text));
        }
        Taxonomy::from_sources(sources)
    }

    /// Builds a taxonomy from facet file texts (a missing facet is empty); names are used in errors only.
    pub fn from_sources(
        sources: Vec<(FacetKind, String, String)>,
    ) -> Result<Taxonomy, TaxonomyError> {
        let mut facets: [Vec<Concept>; 4] = Default::default();
        let mut inflections: [BTreeMap<String, Vec<String>>; 4] = Default::default();
        let mut scoring = None;
        for (kind, file, text) in sources {
            let parsed = load::parse_facet(kind, &file, &text)?;
            if kind == FacetKind::Theme {
                scoring = parsed.scoring;
            }
            facets[kind.index()] = parsed.concept;
            inflections[kind.index()] = parsed.inflection;
        }
        let matcher = tagger::Matcher::build(&facets, &inflections);
        Ok(Taxonomy {
            facets,
            scoring: scoring.unwrap_or_default(),
            matcher,
        })
    }

    fn empty() -> Taxonomy {
        let facets: [Vec<Concept>; 4] = Default::default();
        let inflections: [BTreeMap<String, Vec<String>>; 4] = Default::default();
        let matcher = tagger::Matcher::build(&facets, &inflections);
        Taxonomy {
            facets,
            scoring: Scoring::default(),
            matcher,
        }
    }

    /// The concept at `path` in facet `kind`.
    pub fn concept(&self, kind: FacetKind, path: &str) -> Option<&Concept> {
        self.facets[kind.index()].iter().find(|c| c.path == path)
    }

    /// All concepts of a facet, in file order.
    pub fn concepts(&self, kind: FacetKind) -> &[Concept] {
        &self.facets[kind.index()]
    }

    /// The theme scoring parameters in use.
    pub fn scoring(&self) -> &Scoring {
        &self.scoring
    }

    /// Display label of a concept in `ui_lang` (`en`, `nb`, `nn`); unknown paths are returned as given.
    pub fn label(&self, kind: FacetKind, path: &str, ui_lang: &str) -> String {
        self.concept(kind, path)
            .map(|c| c.label(ui_lang).to_string())
            .unwrap_or_else(|| path.to_string())
    }

    /// Every name of a concept: labels, native name, aliases in all languages, acronyms.
    pub fn all_aliases(&self, kind: FacetKind, path: &str) -> Vec<&str> {
        let Some(c) = self.concept(kind, path) else {
            return Vec::new();
        };
        let mut out: Vec<&str> = vec![c.label_en.as_str(), c.label_nb.as_str()];
        out.extend(c.label_nn.as_deref());
        out.extend(c.native.as_deref());
        out.extend(
            c.aliases
                .values()
                .flatten()
                .map(|s| s.trim_end_matches('*')),
        );
        out.extend(c.acronyms.iter().map(String::as_str));
        out.extend(c.case_sensitive.iter().map(String::as_str));
        let mut seen = std::collections::HashSet::new();
        out.retain(|s| !s.is_empty() && seen.insert(*s));
        out
    }

    /// The names of a concept a query naming it should also search, in the
    /// order they are worth a place in a query's short list of alternatives:
    /// each language's first name, then the acronyms, then each language's
    /// second name, and so on (a fund has 30 names; listed language by
    /// language, a cap kept the Danish and German ones and never reached
    /// the Swedish). Labels with an acronym in brackets are display text,
    /// not names written in documents.
    pub fn search_names(&self, kind: FacetKind, path: &str) -> Vec<&str> {
        let Some(c) = self.concept(kind, path) else {
            return Vec::new();
        };
        let lists: Vec<Vec<&str>> = c
            .aliases
            .values()
            .map(|list| list.iter().map(|s| s.trim_end_matches('*')).collect())
            .collect();
        let mut out: Vec<&str> = [&c.label_en, &c.label_nb]
            .into_iter()
            .filter(|label| !label.contains('('))
            .map(String::as_str)
            .collect();
        let longest = lists.iter().map(Vec::len).max().unwrap_or(0);
        for round in 0..longest {
            out.extend(lists.iter().filter_map(|l| l.get(round).copied()));
            if round == 0 {
                out.extend(c.acronyms.iter().map(String::as_str));
                out.extend(c.case_sensitive.iter().map(String::as_str));
            }
        }
        if longest == 0 {
            out.extend(c.acronyms.iter().map(String::as_str));
            out.extend(c.case_sensitive.iter().map(String::as_str));
        }
        let mut seen = std::collections::HashSet::new();
        out.retain(|s| !s.is_empty() && seen.insert(fold::fold(s, fold::Fold::Loose)));
        out
    }

    /// The concept whose alias, acronym or label is exactly `phrase` (case and diacritics ignored).
    pub fn concept_for_phrase(&self, phrase: &str) -> Option<(FacetKind, &Concept)> {
        let (kind, idx) = self.matcher.lookup(phrase)?;
        Some((kind, self.facets[kind.index()].get(idx)?))
    }

    /// All names of the concept that `term` names (for cross-language query expansion); empty if none.
    pub fn expansions(&self, term: &str) -> Vec<String> {
        match self.concept_for_phrase(term) {
            Some((kind, c)) => self
                .all_aliases(kind, &c.path)
                .into_iter()
                .map(str::to_string)
                .collect(),
            None => Vec::new(),
        }
    }

    /// Tags `text` with all four facets; themes already thresholded; sorted by facet, then count.
    pub fn tag(&self, text: &str) -> Vec<Tag> {
        self.matcher.tag(text, &self.facets, &self.scoring)
    }

    /// Like [`Taxonomy::tag`] but returns every theme with its score, below the threshold too.
    pub fn theme_scores(&self, text: &str) -> Vec<Tag> {
        self.matcher.theme_scores(text, &self.facets, &self.scoring)
    }
}

/// All path prefixes of `path`, itself last: `/a/b/c` → `/a`, `/a/b`, `/a/b/c`.
pub fn ancestors(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        current.push('/');
        current.push_str(seg);
        out.push(current.clone());
    }
    out
}

/// The parent path of `path`, if it has one (`/a/b` → `/a`).
pub(crate) fn parent(path: &str) -> Option<&str> {
    let idx = path.rfind('/')?;
    (idx > 0).then(|| &path[..idx])
}

#[cfg(test)]
mod tests;
