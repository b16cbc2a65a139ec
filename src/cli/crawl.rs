//! `kartotek crawl URL...`: crawl web sites into the index (the crawl progress shown here
//! also serves `kartotek ingest --sources FILE`).
//! Exit code 0 when every page was indexed, unchanged or skipped for a
//! reason (robots.txt, duplicate, type, noindex, …), 1 when any page
//! failed, 2 for usage errors (a `file:` or other non-http URL included).

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::Cli;
use crate::crawl::url::Pattern;
use crate::crawl::{self, CrawlOptions, CrawlProgress, CrawlSummary, Event};
use crate::error::{Error, Result};
use crate::index::Index;
use crate::ingest::{metadata::Override, Options};

/// Arguments of `crawl`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Polite by default: robots.txt (rules and Crawl-delay) and <meta name=robots content=noindex> \
are obeyed, sitemaps are read, only the start hosts are crawled, one request per host per \
--delay-ms at most, one at a time. Loopback and private addresses (127.0.0.0/8, 10.0.0.0/8, 172.16.0.0/12, \
192.168.0.0/16, link-local, ::1, fc00::/7) are refused unless --allow-private is given. \
A re-crawl sends conditional requests and removes pages that now answer 404 or 410; its \
state is kept in <index>/crawl-state.json.")]
pub struct Args {
    /// Start URLs (http or https only).
    #[arg(required = true, value_name = "URL")]
    pub urls: Vec<String>,
    /// Most pages to request.
    #[arg(long, default_value_t = CrawlOptions::DEFAULT_MAX_PAGES)]
    pub max_pages: usize,
    /// Most link hops from a start URL (0 = the start pages only).
    #[arg(long, default_value_t = CrawlOptions::DEFAULT_MAX_DEPTH)]
    pub max_depth: u32,
    /// Only crawl URLs containing PATTERN (`*` matches anything; repeatable).
    #[arg(long, value_name = "PATTERN")]
    pub include: Vec<String>,
    /// Do not crawl URLs containing PATTERN (`*` matches anything; repeatable).
    #[arg(long, value_name = "PATTERN")]
    pub exclude: Vec<String>,
    /// Also crawl this host (`*.example.org` for subdomains; repeatable).
    #[arg(long = "allow-host", value_name = "HOST")]
    pub allow_hosts: Vec<String>,
    /// Read this sitemap too (repeatable).
    #[arg(long = "sitemap", value_name = "URL")]
    pub sitemaps: Vec<String>,
    /// Do not look for sitemaps in robots.txt and at /sitemap.xml.
    #[arg(long)]
    pub no_sitemaps: bool,
    /// Least milliseconds between two requests to one host (robots.txt Crawl-delay may ask for more).
    #[arg(long, env = "KARTOTEK_CRAWL_DELAY_MS", default_value_t = CrawlOptions::DEFAULT_DELAY_MS)]
    pub delay_ms: u64,
    /// Most requests in flight to one host when --delay-ms is 0 (with a delay: one at a time).
    #[arg(long, default_value_t = CrawlOptions::DEFAULT_PER_HOST)]
    pub per_host: usize,
    /// Seconds allowed per request.
    #[arg(long, default_value_t = CrawlOptions::DEFAULT_TIMEOUT_SECS)]
    pub timeout: u64,
    /// Largest page or file read, in MB; bigger bodies are cut off and reported.
    #[arg(long, default_value_t = CrawlOptions::DEFAULT_MAX_BODY_MB)]
    pub max_body_mb: u64,
    /// Most redirect hops followed from one URL.
    #[arg(long, default_value_t = CrawlOptions::DEFAULT_MAX_REDIRECTS)]
    pub max_redirects: usize,
    /// Allow loopback and private network addresses (refused by default).
    #[arg(long, env = "KARTOTEK_ALLOW_PRIVATE")]
    pub allow_private: bool,
    /// Attach a facet value to every crawled document, FACET=PATH (repeatable).
    #[arg(long = "facet", value_name = "FACET=PATH")]
    pub facets: Vec<String>,
    /// Print failures and the summary only.
    #[arg(long, short)]
    pub quiet: bool,
}

impl Args {
    fn options(&self) -> Result<CrawlOptions> {
        let mut attach = Override::default();
        for f in &self.facets {
            let (facet, path) = f
                .split_once('=')
                .filter(|(k, v)| !k.trim().is_empty() && v.starts_with('/'))
                .ok_or_else(|| {
                    Error::param(
                        "facet",
                        format!("`{f}` is not FACET=PATH, e.g. programme=/interreg"),
                    )
                })?;
            if !crate::crawl::sources::FACETS.contains(&facet.trim()) {
                return Err(Error::param(
                    "facet",
                    format!(
                        "unknown facet `{}` (use one of: {})",
                        facet.trim(),
                        crate::crawl::sources::FACETS.join(", ")
                    ),
                ));
            }
            attach
                .facets
                .entry(facet.trim().to_string())
                .or_default()
                .push(path.trim().to_string());
        }
        Ok(CrawlOptions {
            max_pages: self.max_pages.max(1),
            max_depth: self.max_depth,
            include: self.include.iter().map(|p| Pattern::new(p)).collect(),
            exclude: self.exclude.iter().map(|p| Pattern::new(p)).collect(),
            allow_hosts: self.allow_hosts.clone(),
            sitemaps: self.sitemaps.clone(),
            discover_sitemaps: !self.no_sitemaps,
            allow_private: self.allow_private,
            delay: Duration::from_millis(self.delay_ms),
            per_host: self.per_host.max(1),
            timeout: Duration::from_secs(self.timeout.max(1)),
            max_bytes: self.max_body_mb.max(1) * 1024 * 1024,
            max_redirects: self.max_redirects,
            attach: (!attach.is_empty()).then_some(attach),
            ..CrawlOptions::default()
        })
    }
}

/// Run `crawl`.
pub fn run(cli: &Cli, args: &Args) -> Result<i32> {
    let mut opts = args.options()?;
    // refuse a bad URL before touching the index
    for u in &args.urls {
        crawl::url::normalize(u, None).map_err(|e| Error::Usage(e.to_string()))?;
    }
    let taxonomy = crate::config::taxonomy(cli.taxonomy.as_ref())?;
    let store: Box<dyn crate::store::DocStore> = match cli.opensearch()? {
        Some(cluster) => Box::new(cluster),
        None => Box::new(Index::open_or_create(&cli.index)?),
    };
    opts.state_path = opts.state_path.or(cli.crawl_state_path()?);
    let ingest_opts = Options::new(taxonomy);
    let summary = crawl::crawl_index(
        &*store,
        &ingest_opts,
        &args.urls,
        &opts,
        &mut CrawlTerminal::new(args.quiet),
    )?;
    Ok(if summary.failed.is_empty() { 0 } else { 1 })
}

/// Crawl progress on the terminal: a spinner with the running counts when
/// stderr is a terminal, one line per page otherwise; failures always.
pub struct CrawlTerminal {
    bar: Option<ProgressBar>,
    quiet: bool,
    /// Print the summary of each crawl (several sources) as a plain line.
    pub totals_only: bool,
}

impl CrawlTerminal {
    /// A reporter; `quiet` prints failures and the summary only.
    pub fn new(quiet: bool) -> CrawlTerminal {
        CrawlTerminal {
            bar: None,
            quiet,
            totals_only: false,
        }
    }

    fn bar(&mut self) -> Option<&ProgressBar> {
        if self.bar.is_none() && !self.quiet && std::io::stderr().is_terminal() {
            let bar = ProgressBar::new_spinner();
            if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}") {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(120));
            self.bar = Some(bar);
        }
        self.bar.as_ref()
    }
}

impl CrawlProgress for CrawlTerminal {
    fn page(&mut self, url: &str, event: &Event, s: &CrawlSummary) {
        let url = &*crate::cli::progress::escaped(url);
        let line = match event {
            Event::Indexed => format!("indexed {url}"),
            Event::Unchanged => format!("unchanged {url}"),
            Event::NotModified => format!("not modified {url}"),
            Event::Skipped(why) => format!("skipped ({why}) {url}"),
            Event::Removed => format!("removed {url}"),
            Event::Failed(reason) => format!("error: {url}: {reason}"),
        };
        let failed = matches!(event, Event::Failed(_));
        match self.bar() {
            Some(bar) => {
                bar.set_message(format!(
                    "fetched {} · queued {} · indexed {} · skipped {} · failed {} · {url}",
                    s.fetched,
                    s.queued,
                    s.indexed,
                    s.skipped_total(),
                    s.failed.len()
                ));
                if failed {
                    bar.println(line);
                }
            }
            None => {
                if failed || !self.quiet {
                    eprintln!("{line}");
                }
            }
        }
    }

    fn end(&mut self, s: &CrawlSummary) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        if !self.totals_only || !self.quiet {
            eprintln!("{}", summary_line(s));
        }
    }
}

/// The summary of a crawl: counts, skip reasons, failure reasons.
pub(crate) fn summary_line(s: &CrawlSummary) -> String {
    let mut line = format!(
        "crawled {} pages in {:.1} s: indexed {}, unchanged {}, not modified {}, removed {}, queued {}",
        s.fetched, s.seconds, s.indexed, s.unchanged, s.not_modified, s.removed, s.queued
    );
    line.push_str(&format!(", skipped {}", s.skipped_total()));
    if !s.skipped.is_empty() {
        let parts: Vec<String> = s.skipped.iter().map(|(k, v)| format!("{k} {v}")).collect();
        line.push_str(&format!(" ({})", parts.join(", ")));
    }
    line.push_str(&format!(", failed {}", s.failed.len()));
    if !s.failed.is_empty() {
        let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
        for f in &s.failed {
            *reasons.entry(short_reason(&f.reason)).or_default() += 1;
        }
        let parts: Vec<String> = reasons.iter().map(|(k, v)| format!("{k} {v}")).collect();
        line.push_str(&format!(" ({})", parts.join(", ")));
    }
    line
}

/// A failure reason without the URLs in it, for grouping.
fn short_reason(reason: &str) -> &str {
    let first = reason.lines().next().unwrap_or(reason);
    let cut = first.find(": ").map_or(first, |i| &first[..i]);
    cut.strip_prefix("the server answered ").unwrap_or(cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_groups_skips_and_failures_by_reason() {
        let mut s = CrawlSummary {
            fetched: 5,
            indexed: 3,
            ..CrawlSummary::default()
        };
        s.skipped.insert("robots".into(), 2);
        s.failed.push(crawl::Failure {
            url: "https://x.org/a".into(),
            reason: "the server answered HTTP 404 Not Found".into(),
        });
        s.failed.push(crawl::Failure {
            url: "https://x.org/b".into(),
            reason: "redirect loop: https://x.org/b → https://x.org/c → https://x.org/b".into(),
        });
        let line = summary_line(&s);
        assert!(line.starts_with("crawled 5 pages"), "{line}");
        assert!(line.contains("skipped 2 (robots 2)"), "{line}");
        assert!(
            line.contains("failed 2 (HTTP 404 Not Found 1, redirect loop 1)"),
            "{line}"
        );
    }

    #[test]
    fn facet_flags_must_be_facet_equals_path() {
        use clap::Parser;
        let cli = Cli::try_parse_from([
            "kartotek",
            "crawl",
            "https://x.org",
            "--facet",
            "programme=/interreg",
        ])
        .unwrap();
        let crate::cli::Command::Crawl(a) = &cli.command else {
            panic!("not crawl")
        };
        let o = a.options().unwrap();
        assert_eq!(o.attach.unwrap().facets["programme"], ["/interreg"]);
        assert!(!o.allow_private, "private addresses are refused by default");
        for bad in ["x", "colour=/red", "programme=interreg"] {
            let cli = Cli::try_parse_from(["kartotek", "crawl", "https://x.org", "--facet", bad])
                .unwrap();
            let crate::cli::Command::Crawl(a) = &cli.command else {
                panic!("not crawl")
            };
            assert!(a.options().is_err(), "{bad}");
        }
    }
}
