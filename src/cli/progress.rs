//! Progress on the terminal: a bar with files done, pages and the current
//! file when stderr is a terminal, plain lines otherwise; a final summary.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::ingest::{Outcome, Progress, Summary};

/// Terminal progress reporter.
pub struct Terminal {
    bar: Option<ProgressBar>,
    done: usize,
    total: usize,
    pages: u64,
    quiet: bool,
}

impl Terminal {
    /// A reporter; `quiet` prints failures and the summary only.
    pub fn new(quiet: bool) -> Terminal {
        Terminal {
            bar: None,
            done: 0,
            total: 0,
            pages: 0,
            quiet,
        }
    }
}

impl Progress for Terminal {
    fn begin(&mut self, total: usize) {
        self.total = total;
        if std::io::stderr().is_terminal() && !self.quiet {
            let bar = ProgressBar::new(total as u64);
            if let Ok(style) =
                ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} files · {msg}")
            {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.enable_steady_tick(Duration::from_millis(120));
            self.bar = Some(bar);
        }
    }

    fn item(&mut self, display: &str, outcome: &Outcome) {
        self.done += 1;
        if let Outcome::Indexed { pages, .. } = outcome {
            self.pages += *pages as u64;
        }
        let line = match outcome {
            Outcome::Indexed { pages, .. } => format!("indexed {display} ({pages} pages)"),
            Outcome::Unchanged => format!("unchanged {display}"),
            Outcome::Failed(reason) => format_failure(display, reason),
        };
        match &self.bar {
            Some(bar) => {
                bar.inc(1);
                bar.set_message(format!("{} pages · {display}", self.pages));
                if matches!(outcome, Outcome::Failed(_)) {
                    bar.println(line);
                }
            }
            None => {
                if !self.quiet || matches!(outcome, Outcome::Failed(_)) {
                    eprintln!("[{}/{}] {line}", self.done, self.total);
                }
            }
        }
    }

    fn end(&mut self, s: &Summary) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        eprintln!("{}", summary_line(s));
    }
}

/// `error: PATH: REASON`, with a hint line kept on its own line.
pub fn format_failure(display: &str, reason: &str) -> String {
    format!("error: {display}: {reason}")
}

/// The one-line summary of a batch.
pub fn summary_line(s: &Summary) -> String {
    let mut line = format!(
        "indexed {} documents ({} pages, {} of text), unchanged {}, failed {}",
        s.indexed,
        s.pages,
        human_bytes(s.text_bytes),
        s.unchanged,
        s.failed.len()
    );
    if s.removed > 0 {
        line.push_str(&format!(", removed {}", s.removed));
    }
    line.push_str(&format!(", in {:.1} s", s.seconds));
    line
}

/// `1.2 MB`-style sizes.
pub fn human_bytes(b: u64) -> String {
    match b {
        0..=999 => format!("{b} B"),
        1_000..=999_999 => format!("{:.1} kB", b as f64 / 1e3),
        1_000_000..=999_999_999 => format!("{:.1} MB", b as f64 / 1e6),
        _ => format!("{:.2} GB", b as f64 / 1e9),
    }
}
