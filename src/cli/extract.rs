//! `kartotek extract FILE...`: print the text Kartotek reads from files,
//! exactly as `ingest` reads it (worker processes, limits, OCR), without
//! touching the index. For answering "why does this document not match?"
//! and for measuring extraction against other tools (`scripts/pdf-matrix`).
//!
//! Plain output puts a form feed between pages, as `pdftotext` does, and a
//! `==> FILE <==` line before each file when there are several. `--json`
//! prints one object per file and line, with the time the extraction took.
//! A file that cannot be read is reported by name and reason and the rest
//! go on; the exit code is 1 when any failed.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::cli::progress::escaped;
use crate::cli::Cli;
use crate::error::{Error, Result};
use crate::ingest::{self, Limits, Options};

/// Arguments of `extract`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files to read (PDF, HTML, Word, PowerPoint, OpenDocument, text).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// One JSON object per file and line: file, title, pages, warnings,
    /// ocr_pages, millis (or file and error).
    #[arg(long)]
    pub json: bool,
    /// Seconds allowed per file before it is abandoned.
    #[arg(long, env = "KARTOTEK_FILE_TIMEOUT", default_value_t = Limits::DEFAULT_TIMEOUT_SECS)]
    pub file_timeout: u64,
    /// Largest file accepted, in MB.
    #[arg(long, env = "KARTOTEK_MAX_FILE_MB", default_value_t = Limits::DEFAULT_MAX_MB)]
    pub max_file_mb: u64,
}

/// Run `extract`.
pub fn run(cli: &Cli, args: &Args) -> Result<i32> {
    let taxonomy = crate::config::taxonomy(cli.taxonomy.as_ref())?;
    let mut opts = Options::new(taxonomy);
    opts.limits.timeout = Duration::from_secs(args.file_timeout.max(1));
    opts.limits.max_bytes = args.max_file_mb.max(1) * 1024 * 1024;
    let mut failed = 0;
    for (n, file) in args.files.iter().enumerate() {
        let shown = escaped(&file.display().to_string()).into_owned();
        let start = Instant::now();
        let result = ingest::extract_file(file, &opts);
        let millis = start.elapsed().as_secs_f64() * 1000.0;
        if result.is_err() {
            failed += 1;
        }
        if args.json {
            let line = match &result {
                Ok(x) => serde_json::json!({
                    "file": file.display().to_string(),
                    // as `ingest` keeps it: a file's metadata can say anything
                    "title": x.title.as_deref().map(crate::ingest::short_title),
                    "pages": x.pages,
                    "warnings": x.warnings,
                    "ocr_pages": x.ocr_pages,
                    "millis": millis,
                }),
                Err(e) => serde_json::json!({
                    "file": file.display().to_string(),
                    "error": e.to_string(),
                    "millis": millis,
                }),
            };
            let text = serde_json::to_string(&line).map_err(|e| Error::Internal(e.to_string()))?;
            crate::cli::print(&format!("{text}\n"));
            continue;
        }
        match result {
            Ok(x) => {
                if args.files.len() > 1 {
                    let gap = if n > 0 { "\n" } else { "" };
                    crate::cli::print(&format!("{gap}==> {shown} <==\n"));
                }
                for w in &x.warnings {
                    eprintln!("warning: {shown}: {w}");
                }
                crate::cli::print(&format!("{}\n", x.pages.join("\n\u{c}")));
            }
            Err(e) => eprintln!("error: {shown}: {e}"),
        }
    }
    Ok(if failed == 0 { 0 } else { 1 })
}
