//! Progress on the terminal: a bar with files done, pages and the current
//! file when stderr is a terminal, plain lines otherwise; a final summary.
//!
//! Names of sources are printed through [`escaped`]: a file name is the
//! outside world's text, and one holding ANSI escapes or newlines could
//! otherwise repaint the terminal or forge log lines (issue 13). Control
//! characters are shown `{:?}`-style (`\n`, `\u{1b}`); every other
//! character, æøå included, is printed as it is.

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
        let display = &*escaped(display);
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
        for w in &s.warnings {
            eprintln!("warning: {}: {}", escaped(&w.source), escaped(&w.reason));
        }
        eprintln!("{}", summary_line(s));
    }
}

/// `error: PATH: REASON`, with a hint line kept on its own line; control
/// characters in the name and within each line of the reason are escaped.
pub(crate) fn format_failure(display: &str, reason: &str) -> String {
    let reason: Vec<String> = reason
        .split('\n')
        .map(|l| escaped(l).into_owned())
        .collect();
    format!("error: {}: {}", escaped(display), reason.join("\n"))
}

/// `text` with control characters (and the invisible bidirectional
/// overrides, which reorder what a terminal shows) escaped the way `{:?}`
/// writes them; all other characters unchanged. Borrowed when nothing needs
/// escaping.
pub fn escaped(text: &str) -> std::borrow::Cow<'_, str> {
    fn needs(c: char) -> bool {
        c.is_control()
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    }
    if !text.chars().any(needs) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_debug());
        } else if needs(c) {
            // escape_debug leaves bidi marks as they are: spell them out
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The one-line summary of a batch.
pub(crate) fn summary_line(s: &Summary) -> String {
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
    if !s.warnings.is_empty() {
        let files: std::collections::HashSet<&str> =
            s.warnings.iter().map(|w| w.source.as_str()).collect();
        line.push_str(&format!(", {} with warnings", files.len()));
    }
    line.push_str(&format!(", in {:.1} s", s.seconds));
    line
}

/// `1.2 MB`-style sizes.
pub(crate) fn human_bytes(b: u64) -> String {
    match b {
        0..=999 => format!("{b} B"),
        1_000..=999_999 => format!("{:.1} kB", b as f64 / 1e3),
        1_000_000..=999_999_999 => format!("{:.1} MB", b as f64 / 1e6),
        _ => format!("{:.2} GB", b as f64 / 1e9),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_in_names_are_escaped_and_nordic_letters_kept() {
        assert_eq!(escaped("rapport æøå.pdf"), "rapport æøå.pdf");
        assert_eq!(
            escaped("a\x1b[31mred\nerror: forged.pdf"),
            "a\\u{1b}[31mred\\nerror: forged.pdf"
        );
        assert_eq!(escaped("x\u{202e}fdp.exe"), "x\\u{202e}fdp.exe");
        assert_eq!(escaped("tab\there"), "tab\\there");
    }

    #[test]
    fn a_failure_line_cannot_be_split_by_its_file_name() {
        let line = format_failure(
            "evil\nerror: other.pdf: forged",
            "the file is empty\nhint: add text",
        );
        assert_eq!(line.lines().count(), 2, "{line}");
        assert!(line.starts_with("error: evil\\nerror: other.pdf: forged: the file is empty\n"));
        assert!(line.ends_with("\nhint: add text"));
    }
}
