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
    let index = Index::open_or_create(&cli.index)?;
    crate::cli::ingest::ensure_default_corpus(&index, taxonomy)?;
    let tree = Searcher::new(index, taxonomy).facet_tree()?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&tree).map_err(|e| Error::Internal(e.to_string()))?
        );
        return Ok(0);
    }
    for (facet, values) in &tree {
        println!("{facet}");
        let mut sorted = values.clone();
        sorted.sort_by(|a, b| a.path.cmp(&b.path));
        for v in sorted {
            let depth = v.path.matches('/').count();
            println!(
                "{}{} ({})  {}",
                "  ".repeat(depth),
                v.label,
                v.count,
                v.path
            );
        }
    }
    Ok(0)
}
