//! `kartotek serve`: the HTTP server (JSON API, search page, widget).
//!
//! On a brand-new index at the default location it first ingests the
//! built-in corpus, with progress (an existing empty index, or one named by
//! `--index`, is left empty with a hint: see
//! [`crate::cli::ingest::empty_index_policy`]), through the same writer the server then keeps for uploads, so the two
//! never fight over the index lock. Prints `listening on http://ADDR`, and
//! shuts down gracefully on Ctrl-C or SIGTERM. Slow clients are bounded by
//! a connection limit and header/body read timeouts (see
//! [`crate::server::transport`]); blocking work by a bounded thread pool.

use std::time::Duration;

use crate::cli::ingest::EmptyIndex;
use crate::cli::Cli;
use crate::error::{Error, Result};
use crate::index::Index;
use crate::ingest::Options;
use crate::server::{self, AppState, Config};

/// Arguments of `serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, env = "KARTOTEK_ADDR", default_value = server::DEFAULT_ADDR)]
    pub addr: String,
    /// Origin allowed to use the API from a browser, e.g. `https://intranet.example` (repeatable; `*` = any).
    #[arg(
        long = "cors-origin",
        env = "KARTOTEK_CORS_ORIGINS",
        value_delimiter = ','
    )]
    pub cors_origins: Vec<String>,
    /// Bearer key for uploads and deletes; unset = write endpoints disabled.
    #[arg(long, env = "KARTOTEK_ADMIN_KEY", hide_env_values = true)]
    pub admin_key: Option<String>,
    /// Key required to search (`Authorization: Bearer` or `?key=`); unset = public.
    #[arg(long, env = "KARTOTEK_SEARCH_KEY", hide_env_values = true)]
    pub search_key: Option<String>,
    /// Largest upload request, in MB.
    #[arg(long, env = "KARTOTEK_MAX_UPLOAD_MB", default_value_t = 64)]
    pub max_upload_mb: usize,
    /// Most connections open at once; more wait until one closes.
    #[arg(long, env = "KARTOTEK_MAX_CONNECTIONS", default_value_t = server::DEFAULT_MAX_CONNECTIONS)]
    pub max_connections: usize,
    /// Seconds a client has to send a request's headers (and that an idle kept-alive connection stays open).
    #[arg(long, env = "KARTOTEK_HEADER_TIMEOUT", default_value_t = server::DEFAULT_HEADER_TIMEOUT_SECS)]
    pub header_timeout: u64,
    /// Longest pause, in seconds, allowed between two parts of a request body.
    #[arg(long, env = "KARTOTEK_BODY_TIMEOUT", default_value_t = server::DEFAULT_BODY_TIMEOUT_SECS)]
    pub body_timeout: u64,
    /// Most threads for searches and ingests at once; more requests wait their turn.
    #[arg(long, env = "KARTOTEK_BLOCKING_THREADS", default_value_t = server::DEFAULT_BLOCKING_THREADS)]
    pub blocking_threads: usize,
    /// Sources file whose sites are re-crawled on their schedule (`every = "24h"`; see sources.example.toml).
    #[arg(long, env = "KARTOTEK_SOURCES")]
    pub sources: Option<std::path::PathBuf>,
}

/// Run `serve`.
pub fn run(cli: &Cli, args: &Args) -> Result<i32> {
    let taxonomy = crate::config::taxonomy(cli.taxonomy.as_ref())?;
    let config = Config {
        admin_key: args.admin_key.clone().filter(|k| !k.trim().is_empty()),
        search_key: args.search_key.clone().filter(|k| !k.trim().is_empty()),
        cors_origins: args
            .cors_origins
            .iter()
            .map(|o| o.trim().to_string())
            .filter(|o| !o.is_empty())
            .collect(),
        max_upload_bytes: args.max_upload_mb.max(1) * 1024 * 1024,
        max_connections: args.max_connections.max(1),
        header_read_timeout: Duration::from_secs(args.header_timeout.max(1)),
        body_read_timeout: Duration::from_secs(args.body_timeout.max(1)),
        ..Config::default()
    };
    let sources = match &args.sources {
        Some(path) => Some(crate::crawl::sources::SourcesFile::load(path)?),
        None => None,
    };
    if let Some(os) = cli.opensearch_config()? {
        // a cluster down at start-up is waited for: searches answer 503 until it is back
        let cluster = match crate::opensearch::Cluster::connect(&os) {
            Ok(c) => c,
            Err(e @ Error::Unavailable(_)) => {
                eprintln!("warning: {e}");
                crate::opensearch::Cluster::lazy(&os)?
            }
            Err(e) => return Err(e),
        };
        let writes = if config.admin_key.is_some() {
            "uploads and deletes go to the cluster"
        } else {
            "write endpoints are disabled (set KARTOTEK_ADMIN_KEY to enable uploads)"
        };
        eprintln!(
            "searching the OpenSearch alias `{}` on {}; {writes}",
            cluster.alias(),
            cluster.urls().join(",")
        );
        let mut state = AppState::opensearch(cluster.clone(), taxonomy, config);
        if sources.is_some() && state.writer.is_none() {
            state.writer = Some(std::sync::Arc::new(std::sync::Mutex::new(Box::new(
                crate::opensearch::writer::ClusterWriter::new(cluster.clone()),
            )
                as Box<dyn crate::store::DocWriter>)));
        }
        let base = crate::crawl::CrawlOptions {
            state_path: cli.crawl_state_path()?,
            ..crate::crawl::CrawlOptions::default()
        };
        let store = std::sync::Arc::new(cluster);
        return serve_scheduled(state, store, taxonomy, sources, base, args);
    }
    let index = Index::open_or_create(&cli.index)?;
    let keep_writer = config.admin_key.is_some() || sources.is_some();
    let mut writer = None;
    let mut failed_at_start = 0;
    let policy = crate::cli::ingest::empty_index_policy(&index, &cli.index);
    if policy == EmptyIndex::LeaveEmpty {
        eprintln!("{}", crate::cli::ingest::empty_index_note(&cli.index));
    }
    let builtin = policy == EmptyIndex::FillWithBuiltin;
    if builtin || keep_writer {
        let mut w = index.writer(config.writer_heap)?;
        if builtin {
            let summary = crate::cli::ingest::fill_with_builtin(&index, &mut w, taxonomy, false)?;
            failed_at_start = summary.failed.len();
        }
        // Keep the writer only when uploads or scheduled crawls need it;
        // otherwise release the lock so a `kartotek ingest` can write.
        if keep_writer {
            writer = Some(w);
        }
    }
    if config.admin_key.is_none() {
        eprintln!("write endpoints are disabled (set KARTOTEK_ADMIN_KEY to enable uploads)");
    }
    let state = AppState::with_writer(index.clone(), taxonomy, config, writer);
    state.metrics.ingested(0, failed_at_start);
    let base = crate::crawl::CrawlOptions::default();
    serve_scheduled(
        state,
        std::sync::Arc::new(index),
        taxonomy,
        sources,
        base,
        args,
    )
}

/// Serve `state`, re-crawling `sources` (if any) into `store` on their
/// schedule until the server stops.
fn serve_scheduled(
    state: AppState,
    store: std::sync::Arc<dyn crate::store::DocStore>,
    taxonomy: &'static crate::taxonomy::Taxonomy,
    sources: Option<crate::crawl::sources::SourcesFile>,
    base: crate::crawl::CrawlOptions,
    args: &Args,
) -> Result<i32> {
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let schedule = schedule(sources, store, &state, taxonomy, base, &stop)?;
    serve_state(state, args, schedule, Some(stop))
}

/// Start re-crawling the sources of `sources` (if any) on their schedule,
/// into `store` through the server's writer.
fn schedule(
    sources: Option<crate::crawl::sources::SourcesFile>,
    store: std::sync::Arc<dyn crate::store::DocStore>,
    state: &AppState,
    taxonomy: &'static crate::taxonomy::Taxonomy,
    base: crate::crawl::CrawlOptions,
    stop: &std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> Result<Option<std::thread::JoinHandle<()>>> {
    let (Some(file), Some(w)) = (sources, &state.writer) else {
        return Ok(None);
    };
    eprintln!(
        "re-crawling {} source(s) on their schedule",
        file.sources.len()
    );
    let handle = crate::crawl::schedule::spawn_schedule(
        file,
        store,
        std::sync::Arc::clone(w),
        Options::new(taxonomy),
        base,
        std::sync::Arc::clone(stop),
    )
    .map_err(|e| Error::Internal(format!("cannot start the crawl schedule: {e}")))?;
    Ok(Some(handle))
}

/// Serve `state` until Ctrl-C or SIGTERM, then stop the crawl schedule (if any).
fn serve_state(
    state: AppState,
    args: &Args,
    schedule: Option<std::thread::JoinHandle<()>>,
    stop: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
) -> Result<i32> {
    // a bounded blocking pool: a load run without a bound reached 349 threads (issue 13)
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(args.blocking_threads.max(1))
        .build()
        .map_err(|e| Error::Internal(format!("cannot start the async runtime: {e}")))?;
    let result = rt.block_on(server::serve(state, &args.addr));
    if let Some(stop) = stop {
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
    drop(schedule); // the schedule thread ends at its next check; it holds no lock between runs
                    // Do not wait for idle blocking threads to time out.
    rt.shutdown_timeout(std::time::Duration::from_secs(2));
    result.map(|()| 0)
}
