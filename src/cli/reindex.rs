//! `kartotek --backend opensearch reindex`: rebuild the cluster's index
//! under a new versioned name (current mapping, `--opensearch-shards` and
//! `--opensearch-replicas`) and move the alias to it in one step, while
//! searches go on (see [`crate::opensearch::Cluster::reindex`]).

use crate::cli::Cli;
use crate::error::{Error, Result};

/// Arguments of `reindex`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Run `reindex`.
pub fn run(cli: &Cli, _args: &Args) -> Result<i32> {
    let Some(cluster) = cli.opensearch()? else {
        return Err(Error::Usage(
            "reindex rebuilds an OpenSearch index\nhint: run it with --backend opensearch; the embedded index is rebuilt by deleting its folder and running `kartotek ingest`".into(),
        ));
    };
    let started = std::time::Instant::now();
    let name = cluster.reindex(cli.opensearch_shards, cli.opensearch_replicas)?;
    eprintln!(
        "the alias `{}` now points at `{name}` (rebuilt in {:.1} s)",
        cluster.alias(),
        started.elapsed().as_secs_f64()
    );
    Ok(0)
}
