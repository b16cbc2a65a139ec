//! `kartotek ingest [PATH|URL]...`: add sources to the index. With no
//! argument it ingests the corpus built into the binary. Exit code 0 when
//! every source was indexed or unchanged, 1 when any failed.

use std::time::Duration;

use crate::cli::progress::Terminal;
use crate::cli::Cli;
use crate::error::Result;
use crate::index::Index;
use crate::ingest::{self, source, Options};

/// Arguments of `ingest`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files, folders (walked recursively) and http(s) URLs; none = the built-in corpus.
    pub paths: Vec<String>,
    /// Remove documents whose source file no longer exists; with --sources,
    /// also those crawled from pages no source of the file covers any more
    /// (pages added by `kartotek crawl URL` included).
    #[arg(long)]
    pub prune: bool,
    /// Seconds allowed per file before it is abandoned.
    #[arg(long, env = "KARTOTEK_FILE_TIMEOUT", default_value_t = 60)]
    pub file_timeout: u64,
    /// Largest file accepted, in MB.
    #[arg(long, env = "KARTOTEK_MAX_FILE_MB", default_value_t = 256)]
    pub max_file_mb: u64,
    /// Commit at least every this many seconds (0 = after every document).
    #[arg(long, env = "KARTOTEK_COMMIT_SECS", default_value_t = 2)]
    pub commit_every: u64,
    /// Print failures and the summary only.
    #[arg(long, short)]
    pub quiet: bool,
    /// Also crawl every site of this sources file (see `sources.example.toml`).
    #[arg(long, value_name = "FILE")]
    pub sources: Option<std::path::PathBuf>,
}

/// Run `ingest`.
pub fn run(cli: &Cli, args: &Args) -> Result<i32> {
    if let Some(file) = &args.sources {
        return crate::cli::crawl::run_sources(cli, args, file);
    }
    let taxonomy = crate::config::taxonomy(cli.taxonomy.as_ref())?;
    let index = Index::open_or_create(&cli.index)?;
    let jobs = if args.paths.is_empty() {
        source::builtin_jobs()
    } else {
        source::expand(&args.paths)
    };
    let mut opts = Options::new(taxonomy);
    opts.prune = args.prune;
    opts.commit_every = Duration::from_secs(args.commit_every);
    opts.limits.timeout = Duration::from_secs(args.file_timeout.max(1));
    opts.limits.max_bytes = args.max_file_mb.max(1) * 1024 * 1024;
    let summary = ingest::run(&index, jobs, &opts, &mut Terminal::new(args.quiet))?;
    Ok(if summary.failed.is_empty() { 0 } else { 1 })
}

/// Ingest the built-in corpus into an empty index (first start of `search`
/// and `serve`), reporting progress on the terminal.
pub fn ensure_default_corpus(
    index: &Index,
    taxonomy: &'static crate::taxonomy::Taxonomy,
) -> Result<()> {
    if !index.is_empty() {
        return Ok(());
    }
    eprintln!("the index is empty: indexing the built-in corpus first");
    let opts = Options::new(taxonomy);
    ingest::run(
        index,
        source::builtin_jobs(),
        &opts,
        &mut Terminal::new(true),
    )?;
    Ok(())
}
