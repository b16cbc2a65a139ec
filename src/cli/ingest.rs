//! `kartotek ingest [PATH|URL]...`: add sources to the index. With no
//! argument it ingests the corpus built into the binary. Exit code 0 when
//! every source was indexed or unchanged, 1 when any failed. `kartotek ingest --sources
//! FILE` ingests the paths given, then crawls every site of a sources file.
//!
//! Also the one rule for the built-in corpus on other commands
//! ([`empty_index_policy`]): only a brand-new index at the default location
//! gets it, never an index that already existed or one named by `--index`.

use std::path::Path;
use std::time::Duration;

use crate::cli::crawl::{summary_line, CrawlTerminal};
use crate::cli::progress::Terminal;
use crate::cli::Cli;
use crate::crawl::schedule::{self, crawl_sources};
use crate::crawl::sources::SourcesFile;
use crate::crawl::{CrawlOptions, WriterSink};
use crate::error::{Error, Result};
use crate::index::Index;
use crate::ingest::extract::Limits;
use crate::ingest::{self, source, Options};
use crate::taxonomy::Taxonomy;

/// Arguments of `ingest`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files, folders (walked recursively) and http(s) URLs; none = the built-in corpus.
    pub paths: Vec<std::ffi::OsString>,
    /// Remove documents whose source file no longer exists; with --sources,
    /// also those crawled from pages no source of the file covers any more
    /// (pages added by `kartotek crawl URL` included).
    #[arg(long)]
    pub prune: bool,
    /// Seconds allowed per file before it is abandoned.
    #[arg(long, env = "KARTOTEK_FILE_TIMEOUT", default_value_t = Limits::DEFAULT_TIMEOUT_SECS)]
    pub file_timeout: u64,
    /// Largest file accepted, in MB.
    #[arg(long, env = "KARTOTEK_MAX_FILE_MB", default_value_t = Limits::DEFAULT_MAX_MB)]
    pub max_file_mb: u64,
    /// Commit at least every this many seconds (0 = after every document).
    #[arg(long, env = "KARTOTEK_COMMIT_SECS", default_value_t = Options::DEFAULT_COMMIT_SECS)]
    pub commit_every: u64,
    /// Print failures and the summary only.
    #[arg(long, short)]
    pub quiet: bool,
    /// Also crawl every site of this sources file (see `sources.example.toml`).
    #[arg(long, value_name = "FILE")]
    pub sources: Option<std::path::PathBuf>,
    /// Let URL arguments reach loopback and private addresses (refused by default, as by the crawler).
    #[arg(long)]
    pub allow_private: bool,
}

impl Args {
    /// The ingest options these arguments ask for, resolved once.
    fn options(&self, taxonomy: &'static Taxonomy) -> Options {
        let mut opts = Options::new(taxonomy);
        opts.allow_private = self.allow_private;
        opts.prune = self.prune;
        opts.commit_every = Duration::from_secs(self.commit_every);
        opts.limits.timeout = Duration::from_secs(self.file_timeout.max(1));
        opts.limits.max_bytes = self.max_file_mb.max(1) * 1024 * 1024;
        opts
    }
}

/// Run `ingest`.
pub fn run(cli: &Cli, args: &Args) -> Result<i32> {
    if let Some(file) = &args.sources {
        return run_sources(cli, args, file);
    }
    let taxonomy = crate::config::taxonomy(cli.taxonomy.as_ref())?;
    let store: Box<dyn crate::store::DocStore> = match cli.opensearch()? {
        Some(cluster) => Box::new(cluster),
        None => Box::new(Index::open_or_create(&cli.index)?),
    };
    let jobs = if args.paths.is_empty() {
        source::builtin_jobs()
    } else {
        source::expand(&args.paths)
    };
    let opts = args.options(taxonomy);
    let summary = ingest::run(&*store, jobs, &opts, &mut Terminal::new(args.quiet))?;
    Ok(if summary.failed.is_empty() { 0 } else { 1 })
}

/// `ingest --sources FILE [PATH...]`: ingest the paths given (if any), then
/// crawl every source of the file.
pub(crate) fn run_sources(cli: &Cli, args: &Args, file: &Path) -> Result<i32> {
    let sources = SourcesFile::load(file).map_err(|e| match e {
        Error::Io { path, source } => Error::Usage(format!(
            "cannot read the sources file `{}`: {source}",
            path.display()
        )),
        other => other,
    })?;
    let taxonomy = crate::config::taxonomy(cli.taxonomy.as_ref())?;
    let index: Box<dyn crate::store::DocStore> = match cli.opensearch()? {
        Some(cluster) => Box::new(cluster),
        None => Box::new(Index::open_or_create(&cli.index)?),
    };
    let base = CrawlOptions {
        state_path: cli.crawl_state_path()?,
        ..CrawlOptions::default()
    };
    let opts = args.options(taxonomy);
    let mut failed = false;
    if !args.paths.is_empty() || args.prune {
        let s = ingest::run(
            &*index,
            source::expand(&args.paths),
            &opts,
            &mut Terminal::new(args.quiet),
        )?;
        failed |= !s.failed.is_empty();
    }
    let mut writer = index.open_writer(opts.writer_heap)?;
    let mut sink = WriterSink {
        store: &*index,
        writer: &mut *writer,
        opts: opts.clone(),
    };
    let mut progress = CrawlTerminal::new(args.quiet);
    progress.totals_only = true;
    let summary = crawl_sources(&*index, &mut sink, &sources, &base, &mut progress)?;
    eprintln!("all sources: {}", summary_line(&summary));
    failed |= !summary.failed.is_empty();
    if args.prune {
        let removed = schedule::prune_uncovered(&*index, &mut sink, &sources, &base)?;
        eprintln!("pruned {removed} documents of pages no source covers any more");
    }
    Ok(if failed { 1 } else { 0 })
}

/// What to do about an empty index before `search`, `facets` or `serve`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmptyIndex {
    /// The index has documents: nothing to do.
    HasDocuments,
    /// A brand-new index at the default location, created by this command:
    /// fill it with the built-in example corpus.
    FillWithBuiltin,
    /// An index that is empty but not brand-new at the default location
    /// (a first ingest killed before its commit, or a chosen `--index`):
    /// leave it alone and say how to fill it.
    LeaveEmpty,
}

/// Decide whether the built-in corpus goes into `index` (opened from
/// `dir`). Only a brand-new index at the default location does: an index
/// that exists, or one the user pointed at, is never filled with example
/// documents (issue 13: a crash before the first commit got the user's
/// index the demo corpus on the next `search`).
pub(crate) fn empty_index_policy(index: &Index, dir: &std::path::Path) -> EmptyIndex {
    if !index.is_empty() {
        EmptyIndex::HasDocuments
    } else if index.created() && dir == std::path::Path::new(crate::config::DEFAULT_INDEX_DIR) {
        EmptyIndex::FillWithBuiltin
    } else {
        EmptyIndex::LeaveEmpty
    }
}

/// The note printed when an empty index is left empty, with how to fill it.
pub(crate) fn empty_index_note(dir: &std::path::Path) -> String {
    let shown = crate::cli::progress::escaped(&dir.display().to_string()).into_owned();
    format!(
        "note: the index `{shown}` has no documents\nhint: add yours with `kartotek --index {shown} ingest PATH...`, or the built-in example documents with `kartotek --index {shown} ingest`"
    )
}

/// The line printed before the built-in corpus goes into a new index.
pub(crate) const BUILTIN_NOTE: &str = "a new index was created: indexing the built-in example corpus (5 documents) first\nhint: add your own documents with `kartotek ingest PATH...`";

/// Before `search` and `facets`: fill a brand-new default index with the
/// built-in corpus (saying so), or say how to fill an empty one.
pub(crate) fn ensure_default_corpus(
    index: &Index,
    dir: &std::path::Path,
    taxonomy: &'static crate::taxonomy::Taxonomy,
) -> Result<()> {
    match empty_index_policy(index, dir) {
        EmptyIndex::HasDocuments => Ok(()),
        EmptyIndex::LeaveEmpty => {
            eprintln!("{}", empty_index_note(dir));
            Ok(())
        }
        EmptyIndex::FillWithBuiltin => {
            let opts = Options::new(taxonomy);
            let mut writer = index.writer(opts.writer_heap)?;
            fill_with_builtin(index, &mut writer, taxonomy, true)?;
            Ok(())
        }
    }
}

/// Index the built-in corpus into a brand-new index through `writer`, saying so first:
/// what [`EmptyIndex::FillWithBuiltin`] means, for `search`, `facets` and `serve` alike.
pub(crate) fn fill_with_builtin(
    index: &Index,
    writer: &mut crate::index::Writer,
    taxonomy: &'static Taxonomy,
    quiet: bool,
) -> Result<ingest::Summary> {
    eprintln!("{BUILTIN_NOTE}");
    let opts = Options::new(taxonomy);
    ingest::run_with_writer(
        index,
        writer,
        source::builtin_jobs(),
        &opts,
        &mut Terminal::new(quiet),
    )
}
