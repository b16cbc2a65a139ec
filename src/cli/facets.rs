//! `kartotek facets`: the facet tree with document counts.

use crate::cli::Cli;
use crate::error::{Error, Result};
use crate::index::Index;
use crate::search::Searcher;

/// Arguments of `facets`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Run `facets`.
pub fn run(cli: &Cli, args: &Args) -> Result<i32> {
    let taxonomy = crate::config::taxonomy(cli.taxonomy.as_ref())?;
    let searcher = match cli.opensearch()? {
        Some(cluster) => Searcher::opensearch(cluster, taxonomy),
        None => {
            let index = Index::open_or_create(&cli.index)?;
            crate::cli::ingest::ensure_default_corpus(&index, &cli.index, taxonomy)?;
            Searcher::new(index, taxonomy)
        }
    };
    let tree = searcher.facet_tree()?;
    // labelled like the API without `ui`: in English
    let tree = crate::server::types::labelled(tree, taxonomy, crate::server::i18n::strings("en"));
    if args.json {
        let json =
            serde_json::to_string_pretty(&tree).map_err(|e| Error::Internal(e.to_string()))?;
        crate::cli::print(&format!("{json}\n"));
        return Ok(0);
    }
    let mut out = String::new();
    for (facet, values) in &tree {
        out.push_str(&format!("{facet}\n"));
        let mut sorted = values.clone();
        sorted.sort_by(|a, b| a.path.cmp(&b.path));
        for v in sorted {
            let depth = v.path.matches('/').count();
            let indent = "  ".repeat(depth);
            out.push_str(&format!("{indent}{} ({})  {}\n", v.label, v.count, v.path));
        }
    }
    crate::cli::print(&out);
    Ok(0)
}
