//! `kartotek eval FILE`: run a search evaluation (see `kartotek::eval`).

use std::path::PathBuf;

use crate::cli::Cli;
use crate::error::{Error, Result};

/// Arguments of `eval`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Evaluation file (e.g. tests/fixtures/eval/queries.toml).
    pub file: PathBuf,
    /// Print JSON instead of tables.
    #[arg(long)]
    pub json: bool,
}

/// Run `eval`.
pub fn run(cli: &Cli, args: &Args) -> Result<i32> {
    let report = crate::eval::run_on(&args.file, cli.opensearch_config()?.as_ref())?;
    if args.json {
        let json =
            serde_json::to_string_pretty(&report).map_err(|e| Error::Internal(e.to_string()))?;
        crate::cli::print(&format!("{json}\n"));
        return Ok(0);
    }
    let mut out = crate::eval::render(&report);
    out.push_str("\nper query (nDCG@10 Kartotek / BM25):\n");
    for q in &report.queries {
        out.push_str(&format!(
            "  {:<7} {:.2} / {:.2}  {}\n",
            q.kind, q.kartotek.ndcg, q.baseline.ndcg, q.q
        ));
    }
    crate::cli::print(&out);
    Ok(0)
}
