//! The command line: arguments are parsed once into resolved settings
//! (flags over `KARTOTEK_*` environment variables over defaults), then one
//! file per subcommand does the work.

pub mod crawl;
pub mod eval;
pub mod extract;
pub mod facets;
pub mod ingest;
pub mod progress;
pub mod reindex;
pub mod search;
pub mod serve;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::error::Result;

/// Kartotek: full-text and faceted search for regional EU and Nordic policy documents.
#[derive(Debug, Parser)]
#[command(name = "kartotek", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// Index folder.
    #[arg(long, global = true, env = "KARTOTEK_INDEX", default_value = crate::config::DEFAULT_INDEX_DIR)]
    pub index: PathBuf,
    /// Taxonomy folder (region.toml, programme.toml, network.toml, theme.toml); default: built in.
    #[arg(long, global = true, env = "KARTOTEK_TAXONOMY")]
    pub taxonomy: Option<PathBuf>,
    /// Memory each extraction worker process may use, in MB; a file that needs more fails
    /// with that reason and the batch goes on.
    #[arg(long, global = true, env = "KARTOTEK_WORKER_MEMORY_MB", default_value_t = 1024,
          value_parser = clap::value_parser!(u64).range(128..=1_048_576))]
    pub worker_memory_mb: u64,
    /// Read scanned PDF pages by OCR (Tesseract): `auto` pages without a text layer, `off`, or
    /// `force` every page.
    #[arg(long, global = true, env = "KARTOTEK_OCR", value_enum, default_value_t = crate::ingest::ocr::Mode::Auto)]
    pub ocr: crate::ingest::ocr::Mode,
    /// Tesseract languages for OCR, joined by `+` (`nor+eng`), or `auto`: read the first page
    /// with the Scandinavian languages and English, then the document in its detected language.
    #[arg(long, global = true, env = "KARTOTEK_OCR_LANGS", default_value = crate::ingest::ocr::DEFAULT_LANGS)]
    pub ocr_langs: String,
    /// Where the passages live: `embedded` (the tantivy index folder) or
    /// `opensearch` (a cluster named by `--opensearch-url`).
    #[arg(long, global = true, env = "KARTOTEK_BACKEND", value_enum, default_value_t = Backend::Embedded)]
    pub backend: Backend,
    /// OpenSearch node URLs, comma-separated or repeated (`http://127.0.0.1:9200`).
    #[arg(
        long = "opensearch-url",
        global = true,
        env = "KARTOTEK_OPENSEARCH_URL",
        value_delimiter = ','
    )]
    pub opensearch_url: Vec<String>,
    /// The OpenSearch alias Kartotek searches and writes (its index is `ALIAS-vN`).
    #[arg(long, global = true, env = "KARTOTEK_OPENSEARCH_INDEX", default_value = crate::opensearch::DEFAULT_ALIAS)]
    pub opensearch_index: String,
    /// Primary shards of a new OpenSearch index.
    #[arg(long, global = true, env = "KARTOTEK_OPENSEARCH_SHARDS", default_value_t = 1,
          value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub opensearch_shards: u32,
    /// Replicas of each shard of a new OpenSearch index.
    #[arg(
        long,
        global = true,
        env = "KARTOTEK_OPENSEARCH_REPLICAS",
        default_value_t = 1
    )]
    pub opensearch_replicas: u32,
    /// OpenSearch user (basic auth).
    #[arg(long, global = true, env = "KARTOTEK_OPENSEARCH_USER")]
    pub opensearch_user: Option<String>,
    /// OpenSearch password (basic auth).
    #[arg(
        long,
        global = true,
        env = "KARTOTEK_OPENSEARCH_PASSWORD",
        hide_env_values = true
    )]
    pub opensearch_password: Option<String>,
    /// PEM file with the CA certificate of a cluster served over https with its own CA.
    #[arg(long, global = true, env = "KARTOTEK_OPENSEARCH_CA_FILE")]
    pub opensearch_ca_file: Option<PathBuf>,
    /// Seconds an OpenSearch request may take before the next node is tried.
    #[arg(long, global = true, env = "KARTOTEK_OPENSEARCH_TIMEOUT", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub opensearch_timeout: u64,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Where the passages live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Backend {
    /// The tantivy index in `--index`, in this process.
    Embedded,
    /// An OpenSearch cluster (`--opensearch-url`).
    Opensearch,
}

impl Cli {
    /// The OpenSearch settings, when `--backend opensearch` is chosen.
    pub fn opensearch_config(&self) -> Result<Option<crate::opensearch::Config>> {
        if self.backend != Backend::Opensearch {
            return Ok(None);
        }
        if self.opensearch_url.iter().all(|u| u.trim().is_empty()) {
            return Err(crate::error::Error::Usage(
                "--backend opensearch needs the cluster's URL\nhint: pass --opensearch-url http://HOST:9200 (or set KARTOTEK_OPENSEARCH_URL); scripts/opensearch-cluster.sh start runs a local one".into(),
            ));
        }
        let mut c = crate::opensearch::Config::new(&self.opensearch_url);
        c.alias = self.opensearch_index.clone();
        c.shards = self.opensearch_shards;
        c.replicas = self.opensearch_replicas;
        c.connection.timeout = std::time::Duration::from_secs(self.opensearch_timeout);
        c.connection.ca_file = self.opensearch_ca_file.clone();
        c.connection.basic_auth = match (&self.opensearch_user, &self.opensearch_password) {
            (Some(u), p) => Some((u.clone(), p.clone().unwrap_or_default())),
            (None, Some(_)) => {
                return Err(crate::error::Error::Usage(
                    "--opensearch-password needs --opensearch-user".into(),
                ))
            }
            (None, None) => None,
        };
        Ok(Some(c))
    }

    /// The cluster, connected, when `--backend opensearch` is chosen.
    pub fn opensearch(&self) -> Result<Option<crate::opensearch::Cluster>> {
        match self.opensearch_config()? {
            Some(c) => crate::opensearch::Cluster::connect(&c).map(Some),
            None => Ok(None),
        }
    }

    /// Where a crawl keeps its state (what was fetched, validators, when a
    /// source last ran): `None` beside the embedded index (its default);
    /// with `--backend opensearch`, the cluster holding documents only, in
    /// the `--index` folder of the machine that crawls (created if need be).
    pub(crate) fn crawl_state_path(&self) -> Result<Option<PathBuf>> {
        if self.backend != Backend::Opensearch {
            return Ok(None);
        }
        std::fs::create_dir_all(&self.index)
            .map_err(|e| crate::error::Error::io(&self.index, e))?;
        Ok(Some(crate::crawl::state::State::path_for(&self.index)))
    }
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add files, folders and URLs to the index (default: the built-in corpus).
    Ingest(ingest::Args),
    /// Search the index.
    Search(search::Args),
    /// Show the facet tree with document counts.
    Facets(facets::Args),
    /// Crawl web sites into the index (robots.txt, sitemaps, rate limits, re-crawls).
    Crawl(crawl::Args),
    /// Print the text Kartotek reads from files, as `ingest` reads it, without indexing them.
    Extract(extract::Args),
    /// Evaluate search quality on a file of judged queries (nDCG@10, MRR, recall@10 vs plain BM25).
    Eval(eval::Args),
    /// Serve the search page, the JSON API and the widget over HTTP.
    Serve(serve::Args),
    /// Rebuild the OpenSearch index under a new name and swap the alias to it (no downtime).
    Reindex(reindex::Args),
}

/// Write to stdout; a closed pipe (`kartotek search x | head`) ends the
/// process quietly instead of panicking.
pub fn print(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write the output: {e}");
        std::process::exit(1);
    }
}

/// Run the parsed command; returns the process exit code.
pub fn run(cli: Cli) -> Result<i32> {
    crate::ingest::supervisor::set_memory_limit(cli.worker_memory_mb * 1024 * 1024);
    crate::ingest::ocr::configure(crate::ingest::ocr::Options {
        mode: cli.ocr,
        langs: cli.ocr_langs.clone(),
    });
    // a panic or an index error over damaged files of the `--index` folder
    // names the files (`eval` builds an index of its own, `extract` and
    // `reindex` read none)
    let uses_index = matches!(
        cli.command,
        Command::Ingest(_)
            | Command::Search(_)
            | Command::Facets(_)
            | Command::Crawl(_)
            | Command::Serve(_)
    );
    let folder = (uses_index && cli.backend == Backend::Embedded).then_some(cli.index.as_path());
    crate::index::damage::guard(folder, || match &cli.command {
        Command::Ingest(a) => ingest::run(&cli, a),
        Command::Search(a) => search::run(&cli, a),
        Command::Facets(a) => facets::run(&cli, a),
        Command::Crawl(a) => crawl::run(&cli, a),
        Command::Serve(a) => serve::run(&cli, a),
        Command::Eval(a) => eval::run(&cli, a),
        Command::Extract(a) => extract::run(&cli, a),
        Command::Reindex(a) => reindex::run(&cli, a),
    })
}
