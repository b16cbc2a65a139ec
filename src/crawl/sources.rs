//! The sources file: the sites an operator wants kept in the index, read by
//! `kartotek ingest --sources FILE` (crawl them all now) and by the
//! server's schedule (crawl each again when its `every` has passed).
//!
//! ```toml
//! allow_private = false        # operator switch: may sources reach private/loopback addresses?
//!
//! [[source]]
//! name = "interreg-aurora"                      # unique; names the schedule entry
//! start = ["https://www.interreg-aurora.eu/"]
//! sitemaps = ["https://www.interreg-aurora.eu/sitemap.xml"]   # optional
//! max_pages = 500                                # optional, default 1000
//! max_depth = 3                                  # optional, default 5
//! include = ["/en/"]                             # optional URL patterns (`*` wildcard)
//! exclude = ["/print/", "*.php?*"]
//! allow_hosts = ["files.interreg-aurora.eu"]     # more hosts than the start hosts
//! delay_ms = 1000                                # least time between requests to a host
//! every = "24h"                                  # re-crawl period: s, m, h, d (default 24h)
//! [source.facets]                                # facet values attached to every document
//! programme = ["/interreg/aurora"]
//! ```
//! Every problem (unknown key, a non-http URL, a duplicate name, an
//! unknown facet) is reported with the file name before anything is fetched.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

use super::url::{normalize, Pattern};
use super::CrawlOptions;
use crate::error::{Error, Result};
use crate::facet::Facet;
use crate::ingest::metadata::Override;

/// Facets a source may attach values to: the taxonomy's.
pub(crate) const FACETS: [&str; 4] = [
    Facet::TAXONOMY[0].name(),
    Facet::TAXONOMY[1].name(),
    Facet::TAXONOMY[2].name(),
    Facet::TAXONOMY[3].name(),
];

/// Default re-crawl period.
pub(crate) const DEFAULT_EVERY: Duration = Duration::from_secs(24 * 3600);

/// A parsed sources file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourcesFile {
    /// Let sources reach loopback and private address ranges.
    #[serde(default)]
    pub allow_private: bool,
    /// The sources, in file order.
    #[serde(default, rename = "source")]
    pub sources: Vec<Source>,
}

/// One site to crawl.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Unique name.
    pub name: String,
    /// Start URLs.
    #[serde(default)]
    pub start: Vec<String>,
    /// Sitemap URLs.
    #[serde(default)]
    pub sitemaps: Vec<String>,
    /// Page limit.
    pub max_pages: Option<usize>,
    /// Depth limit.
    pub max_depth: Option<u32>,
    /// Include patterns.
    #[serde(default)]
    pub include: Vec<String>,
    /// Exclude patterns.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Extra hosts.
    #[serde(default)]
    pub allow_hosts: Vec<String>,
    /// Least milliseconds between requests to one host.
    pub delay_ms: Option<u64>,
    /// Re-crawl period, e.g. `"12h"`.
    pub every: Option<String>,
    /// Facet values attached to every document of this source.
    #[serde(default)]
    pub facets: BTreeMap<String, Vec<String>>,
}

impl SourcesFile {
    /// Read and check a sources file.
    pub fn load(path: &Path) -> Result<SourcesFile> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        SourcesFile::parse(&text).map_err(|e| Error::Usage(format!("`{}`: {e}", path.display())))
    }

    /// Parse and check the text of a sources file.
    pub fn parse(text: &str) -> Result<SourcesFile> {
        let file: SourcesFile = toml::from_str(text).map_err(|e| Error::Usage(e.to_string()))?;
        if file.sources.is_empty() {
            return Err(Error::Usage("no `[[source]]` entries".into()));
        }
        let mut names = HashSet::new();
        for s in &file.sources {
            s.check()
                .map_err(|e| Error::Usage(format!("source `{}`: {e}", s.name)))?;
            if !names.insert(s.name.as_str()) {
                return Err(Error::Usage(format!(
                    "the source name `{}` is used twice",
                    s.name
                )));
            }
        }
        Ok(file)
    }
}

impl Source {
    fn check(&self) -> Result<()> {
        if self.name.trim().is_empty() {
            return Err(Error::Usage("`name` is empty".into()));
        }
        if self.start.is_empty() && self.sitemaps.is_empty() {
            return Err(Error::Usage(
                "give at least one `start` URL or `sitemaps` URL".into(),
            ));
        }
        for u in self.start.iter().chain(&self.sitemaps) {
            normalize(u, None).map_err(|e| Error::Usage(e.to_string()))?;
        }
        if self.max_pages == Some(0) {
            return Err(Error::Usage("`max_pages` must be at least 1".into()));
        }
        self.period()?;
        for (facet, paths) in &self.facets {
            if !FACETS.contains(&facet.as_str()) {
                return Err(Error::Usage(format!(
                    "unknown facet `{facet}` (use one of: {})",
                    FACETS.join(", ")
                )));
            }
            if let Some(p) = paths.iter().find(|p| !p.starts_with('/')) {
                return Err(Error::Usage(format!(
                    "facet value `{p}` must be a path starting with `/`, e.g. `/interreg`"
                )));
            }
        }
        Ok(())
    }

    /// The re-crawl period.
    pub fn period(&self) -> Result<Duration> {
        match &self.every {
            None => Ok(DEFAULT_EVERY),
            Some(s) => parse_period(s),
        }
    }

    /// This source's crawl settings over `base` (the operator's defaults).
    pub fn options(&self, base: &CrawlOptions) -> CrawlOptions {
        let mut o = base.clone();
        if let Some(n) = self.max_pages {
            o.max_pages = n;
        }
        if let Some(d) = self.max_depth {
            o.max_depth = d;
        }
        if let Some(ms) = self.delay_ms {
            o.delay = Duration::from_millis(ms);
        }
        o.include = self.include.iter().map(|p| Pattern::new(p)).collect();
        o.exclude = self.exclude.iter().map(|p| Pattern::new(p)).collect();
        o.allow_hosts.extend(self.allow_hosts.iter().cloned());
        o.sitemaps = self.sitemaps.clone();
        o.attach = if self.facets.is_empty() {
            None
        } else {
            Some(Override {
                facets: self.facets.clone(),
                ..Override::default()
            })
        };
        o
    }
}

/// `"90s"`, `"30m"`, `"12h"`, `"7d"` (a bare number is seconds); at least a minute.
pub(crate) fn parse_period(s: &str) -> Result<Duration> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num.parse().map_err(|_| {
        Error::Usage(format!(
            "`every = \"{s}\"` is not a period like \"30m\", \"12h\" or \"7d\""
        ))
    })?;
    let secs = match unit.trim() {
        "" | "s" => Some(n),
        "m" => n.checked_mul(60),
        "h" => n.checked_mul(3600),
        "d" => n.checked_mul(86_400),
        _ => None,
    }
    .ok_or_else(|| {
        Error::Usage(format!(
            "`every = \"{s}\"` is not a period like \"30m\", \"12h\" or \"7d\""
        ))
    })?;
    if secs < 60 {
        return Err(Error::Usage(format!(
            "`every = \"{s}\"` is shorter than a minute"
        )));
    }
    Ok(Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[[source]]
name = "aurora"
start = ["https://www.interreg-aurora.eu/"]
max_pages = 50
every = "12h"
exclude = ["/print/"]
[source.facets]
programme = ["/interreg/aurora"]

[[source]]
name = "trondelag"
sitemaps = ["https://www.trondelagfylke.no/sitemap.xml"]
"#;

    #[test]
    fn a_sources_file_gives_each_source_its_options() {
        let f = SourcesFile::parse(GOOD).unwrap();
        assert_eq!(f.sources.len(), 2);
        assert!(!f.allow_private);
        let o = f.sources[0].options(&CrawlOptions::default());
        assert_eq!(o.max_pages, 50);
        assert_eq!(o.exclude[0].as_str(), "/print/");
        assert_eq!(o.attach.unwrap().facets["programme"], ["/interreg/aurora"]);
        assert_eq!(
            f.sources[0].period().unwrap(),
            Duration::from_secs(12 * 3600)
        );
        assert_eq!(f.sources[1].period().unwrap(), DEFAULT_EVERY);
    }

    #[test]
    fn mistakes_are_reported_with_the_source_name() {
        let cases = [
            ("[[source]]\nname = \"a\"\nstart = [\"file:///etc\"]\n", "`file:` scheme"),
            ("[[source]]\nname = \"a\"\n", "at least one"),
            (
                "[[source]]\nname = \"a\"\nstart = [\"https://x.org\"]\nfacets = { colour = [\"/red\"] }\n",
                "unknown facet `colour`",
            ),
            (
                "[[source]]\nname = \"a\"\nstart = [\"https://x.org\"]\nevery = \"soon\"\n",
                "not a period",
            ),
            (
                "[[source]]\nname = \"a\"\nstart = [\"https://x.org\"]\n[[source]]\nname = \"a\"\nstart = [\"https://y.org\"]\n",
                "used twice",
            ),
            ("[[source]]\nname = \"a\"\nstrat = []\n", "unknown field"),
        ];
        for (text, want) in cases {
            let e = SourcesFile::parse(text).unwrap_err();
            assert!(e.to_string().contains(want), "{want}: {e}");
        }
    }

    #[test]
    fn the_example_sources_file_is_valid() {
        let f = SourcesFile::parse(include_str!("../../sources.example.toml")).unwrap();
        assert_eq!(f.sources.len(), 2);
        assert!(!f.allow_private);
    }

    #[test]
    fn periods_parse_with_units() {
        assert_eq!(parse_period("90").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_period("30m").unwrap(), Duration::from_secs(1800));
        assert_eq!(
            parse_period(" 7d ").unwrap(),
            Duration::from_secs(7 * 86_400)
        );
        assert!(parse_period("5s").is_err());
        assert!(parse_period("h").is_err());
        assert!(parse_period("99999999999999999999d").is_err());
        assert!(parse_period("3w").is_err());
    }
}
