//! `kartotek search QUERY`: ranked hits with title, language, source, page
//! and a snippet; `--json` prints `{"total", "hits"}` with the same hit
//! objects the HTTP API serves. Titles, sources and snippets are printed
//! with control characters escaped (they are documents' text). `--limit` and `--offset` take the API's
//! ranges and refuse what it refuses, with the same words.

use std::io::IsTerminal;

use crate::cli::progress::escaped;
use crate::cli::Cli;
use crate::error::{Error, Result};
use crate::index::Index;
use crate::search::dates::Sort;
use crate::search::{Request, Searcher};

/// Arguments of `search`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The query: words, "phrases", -excluded, a OR b, (grouping), title:word.
    pub query: Vec<String>,
    /// Only documents in this language (ISO 639-1, repeatable).
    #[arg(long)]
    pub lang: Vec<String>,
    /// Facet filter FACET=PATH, e.g. `programme=/interreg` (repeatable).
    #[arg(long = "filter", value_name = "FACET=PATH")]
    pub filters: Vec<String>,
    /// Number of hits, 1 to 100 (as the API's `limit`; other values are refused).
    #[arg(long, default_value_t = 10, value_parser = parse_limit)]
    pub limit: usize,
    /// Hits to skip, 0 to 10000 (as the API's `offset`).
    #[arg(long, default_value_t = 0, value_parser = parse_offset)]
    pub offset: usize,
    /// Only documents dated on or after this day: `2021`, `2021-06` or `2021-06-30`.
    #[arg(long, value_name = "DATE", value_parser = parse_from)]
    pub from: Option<u64>,
    /// Only documents dated on or before this day (a year or month ends on its last day).
    #[arg(long, value_name = "DATE", value_parser = parse_to)]
    pub to: Option<u64>,
    /// Order: `relevance`, or `date` (newest first). Default: relevance, or date when
    /// there is no query.
    #[arg(long, value_parser = parse_sort)]
    pub sort: Option<Sort>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Say for each hit which query word matched which document word, and how.
    #[arg(long)]
    pub explain: bool,
}

/// `--from`: the API's `from` ([`crate::search::dates::parse_bound`]).
fn parse_from(v: &str) -> std::result::Result<u64, String> {
    crate::search::dates::parse_bound("from", v, false).map_err(|e| e.to_string())
}

/// `--to`: the API's `to`.
fn parse_to(v: &str) -> std::result::Result<u64, String> {
    crate::search::dates::parse_bound("to", v, true).map_err(|e| e.to_string())
}

/// `--sort`: `relevance` or `date`.
fn parse_sort(v: &str) -> std::result::Result<Sort, String> {
    Sort::parse(v).ok_or_else(|| format!("use one of {}", Sort::NAMES))
}

/// `--limit`: the API's range and words ([`crate::search::parse_bounded`]).
fn parse_limit(v: &str) -> std::result::Result<usize, String> {
    crate::search::parse_bounded(v, 1, crate::search::MAX_LIMIT)
}

/// `--offset`: the API's range and words.
fn parse_offset(v: &str) -> std::result::Result<usize, String> {
    crate::search::parse_bounded(v, 0, crate::search::MAX_OFFSET)
}

/// Run `search`.
pub fn run(cli: &Cli, args: &Args) -> Result<i32> {
    // the dictionaries of query expansion, read side by side while the
    // index opens (the search waits for what it needs of them)
    std::thread::spawn(crate::search::warm_up);
    let taxonomy = crate::config::taxonomy(cli.taxonomy.as_ref())?;
    let searcher = match cli.opensearch()? {
        Some(cluster) => Searcher::opensearch(cluster, taxonomy),
        None => {
            let index = Index::open_or_create(&cli.index)?;
            crate::cli::ingest::ensure_default_corpus(&index, &cli.index, taxonomy)?;
            Searcher::new(index, taxonomy)
        }
    };
    let mut req = Request::new(args.query.join(" "));
    req.limit = args.limit;
    req.offset = args.offset;
    req.facets = crate::facet::FacetSet::NONE;
    req.from = args.from;
    req.to = args.to;
    req.sort = args.sort;
    req.explain = args.explain;
    for l in &args.lang {
        req = req.filter("lang", l);
    }
    for f in &args.filters {
        let (name, path) = f.split_once('=').ok_or_else(|| {
            Error::Usage(format!("`--filter {f}` must look like FACET=PATH\nhint: e.g. `--filter programme=/interreg`"))
        })?;
        req = req.filter(name.trim(), path.trim());
    }
    let resp = searcher.search(&req)?;
    if args.json {
        let hits: Vec<crate::server::types::Hit> = resp.hits.into_iter().map(Into::into).collect();
        let out = serde_json::json!({ "total": resp.total, "hits": hits });
        let json =
            serde_json::to_string_pretty(&out).map_err(|e| Error::Internal(e.to_string()))?;
        crate::cli::print(&format!("{json}\n"));
        return Ok(0);
    }
    crate::cli::print(&render(&resp, std::io::stdout().is_terminal()));
    Ok(0)
}

/// Human-readable results; matched words are bold on a terminal, `[…]` otherwise.
pub(crate) fn render(resp: &crate::search::Response, color: bool) -> String {
    let mut out = String::new();
    if resp.hits.is_empty() {
        out.push_str(&format!("no documents match `{}`\n", resp.query));
        return out;
    }
    let noun = if resp.total == 1 {
        "document matches"
    } else {
        "documents match"
    };
    out.push_str(&format!("{} {noun} `{}`\n\n", resp.total, resp.query));
    for (i, h) in resp.hits.iter().enumerate() {
        let page = h.page.map(|p| format!(", page {p}")).unwrap_or_default();
        let page = match &h.date {
            Some(d) => format!("{page}, {d}"),
            None => page,
        };
        out.push_str(&format!(
            "{}. {} [{}]\n   {}{}\n",
            i + 1,
            escaped(&h.title),
            h.lang,
            escaped(&h.url),
            page
        ));
        let (on, off) = if color {
            ("\x1b[1m", "\x1b[0m")
        } else {
            ("[", "]")
        };
        // escape control characters (a document's ESC must not reach the
        // terminal), then add our own highlighting around the matched words
        let mut text = String::new();
        for (piece, marked) in h.snippet.pieces() {
            if marked {
                text.push_str(on);
                text.push_str(&escaped(piece));
                text.push_str(off);
            } else {
                text.push_str(&escaped(piece));
            }
        }
        out.push_str(&format!("   {text}\n"));
        for e in &h.explain {
            out.push_str(&format!(
                "   why: {} → {} ({}, weight {:.2})\n",
                escaped(&e.word),
                escaped(&e.matched),
                e.feature.describe(),
                e.weight
            ));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::{MAX_LIMIT, MAX_OFFSET};
    use clap::CommandFactory;

    #[test]
    fn limit_and_offset_take_the_apis_range_and_say_it_in_help() {
        assert_eq!(parse_limit("100"), Ok(100));
        assert_eq!(
            parse_limit("500"),
            Err(format!("must be a whole number from 1 to {MAX_LIMIT}"))
        );
        assert!(parse_limit("0").is_err());
        assert!(parse_offset(&(MAX_OFFSET + 1).to_string()).is_err());
        let mut cmd = crate::cli::Cli::command();
        let help = cmd
            .find_subcommand_mut("search")
            .map(|s| s.render_long_help().to_string())
            .unwrap_or_default();
        assert!(help.contains(&format!("1 to {MAX_LIMIT}")), "{help}");
        assert!(help.contains(&format!("0 to {MAX_OFFSET}")), "{help}");
    }
}
