//! Measures the PDF extraction stage against `pdftotext` on a folder of PDFs.
//!
//! For every `*.pdf` under the folder (default `/work/shared/testdata/pdfs`) it runs
//! `kartotek::ingest::pdf::extract` and compares the text with the `NAME.pdftotext.txt` reference
//! beside the file: pass rate (readable, plausibly spaced text), word-level F1 (bag of words,
//! NFKC + lowercase, punctuation stripped at token edges; each Han or kana character counts as
//! a word, since those scripts put no spaces between words) and pages per second against
//! `pdftotext` run as a subprocess on the same files. Files that need a password (listed in
//! `pdfs_index.json`) and files where pdftotext itself found no text are reported apart.
//!
//! Pass rule, printed under two definitions:
//!
//! - old: the text is non-empty, at least 90% of its characters are valid (not U+FFFD,
//!   private-use or control characters) and the mean word length is 2..=15;
//! - new (the one reported first): the same, except that the spacing test also passes when the
//!   mean word length is within a factor of 2 of the pdftotext reference's mean word length and
//!   the text matches the reference (word F1 ≥ 0.5). Glyph tables, axis labels and
//!   single-letter labels have a mean word length below 2 in pdftotext's output too; what the
//!   rule must catch is text spaced unlike the reference (letters split apart or words run
//!   together), not short words as such. The F1 condition keeps wrong text (valid characters,
//!   wrong words) from passing through the relative branch.
//!
//! Files whose `pdfs_index.json` description says pdftotext's own output is garbage are listed
//! as "reference unusable" and the pass rate is also printed without them. Per-file times are
//! printed for the slowest files.
//!
//! Word order is measured apart: F1 over pairs of consecutive words against the same
//! reference, with the files whose words agree but whose pairs do not listed (columns read
//! across, lines out of reading order).
//!
//! Usage: `cargo run --release -p kartotek-bench --example measure_pdf -- [DIR] [--reps N] [--f1]` (`--f1` prints
//! every file's F1).

// the product binary's allocator (see `kartotek::Allocator`)
use kartotek_bench as _;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use kartotek::ingest::pdf::{extract, PdfError, PdfText};
use unicode_normalization::UnicodeNormalization;

/// Longest one extraction may take before it is counted as a time-out.
const TIMEOUT: Duration = Duration::from_secs(60);

/// What one extraction gave.
enum Outcome {
    Text(PdfText),
    Error(PdfError),
    TimedOut,
}

fn main() {
    let mut dir = PathBuf::from("/work/shared/testdata/pdfs");
    let mut reps = 3usize;
    let mut show_f1 = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--f1" {
            show_f1 = true;
        } else if arg == "--reps" {
            reps = args.next().and_then(|n| n.parse().ok()).unwrap_or(3);
        } else {
            dir = PathBuf::from(arg);
        }
    }
    // The lead's binary installs a quiet hook too: pdf-extract panics are caught and reported.
    std::panic::set_hook(Box::new(|_| {}));

    let index = load_index(&dir);
    let mut files = Vec::new();
    collect_pdfs(&dir, &mut files);
    files.sort();

    let mut rows = Vec::new();
    let mut times: Vec<(Duration, String)> = Vec::new();
    for path in &files {
        let rel = path
            .strip_prefix(&dir)
            .unwrap_or(path)
            .to_string_lossy()
            .to_string();
        let bytes = std::fs::read(path).unwrap_or_default();
        let reference = std::fs::read_to_string(reference_path(path)).unwrap_or_default();
        let (outcome, took) = run_extract(bytes);
        let info = index.get(&rel).cloned().unwrap_or_default();
        times.push((took, rel.clone()));
        rows.push((rel, info, reference, outcome));
    }

    // --- Quality -------------------------------------------------------------------------------
    let mut needs_pw = (0, 0); // (correctly reported Encrypted, total)
    let mut ref_empty_err = Vec::new();
    let mut ref_empty_text = Vec::new();
    let mut normal_total = 0;
    let mut normal_pass = 0;
    let mut normal_pass_old = 0;
    let mut unusable: Vec<(String, bool, bool)> = Vec::new(); // name, pass new, pass old
    let mut normal_fail = Vec::new();
    let mut f1s: Vec<(f64, String)> = Vec::new();
    let mut pair_f1s: Vec<(f64, f64, String)> = Vec::new(); // word F1, word-pair F1, name
    for (rel, info, reference, outcome) in &rows {
        if info.password.is_some() {
            needs_pw.1 += 1;
            if matches!(outcome, Outcome::Error(PdfError::Encrypted)) {
                needs_pw.0 += 1;
            } else {
                println!(
                    "password file not reported as encrypted: {rel}: {}",
                    describe(outcome)
                );
            }
            continue;
        }
        // No letter or digit at all (e.g. two control bytes) counts as "pdftotext found nothing".
        if !reference.chars().any(char::is_alphanumeric) {
            match outcome {
                Outcome::Text(t) => ref_empty_text.push(format!(
                    "{rel} ({} chars)",
                    t.pages.iter().map(|p| p.chars().count()).sum::<usize>()
                )),
                other => ref_empty_err.push(format!("{rel}: {}", describe(other))),
            }
            continue;
        }
        normal_total += 1;
        let text = match outcome {
            Outcome::Text(t) => t.pages.join("\n"),
            _ => String::new(),
        };
        let f1 = word_f1(&text, reference);
        f1s.push((f1, rel.clone()));
        let pair_f1 = bigram_f1(&text, reference);
        pair_f1s.push((f1, pair_f1, rel.clone()));
        let is_text = matches!(outcome, Outcome::Text(_));
        let pass_old = is_text && plausible_old(&text);
        let pass_new = is_text && plausible_new(&text, reference, f1);
        if show_f1 {
            println!("f1 {f1:.3}  pairs {pair_f1:.3}  {rel}");
        }
        normal_pass += usize::from(pass_new);
        normal_pass_old += usize::from(pass_old);
        if info.reference_garbage {
            unusable.push((rel.clone(), pass_new, pass_old));
        }
        let old_note = if pass_old { "" } else { "; fails the old rule" };
        match outcome {
            _ if pass_new => {
                if !pass_old {
                    println!("passes only under the new rule: {rel} (F1 {f1:.3})");
                }
            }
            Outcome::Text(_) => normal_fail.push(format!(
                "{rel}: implausible text (F1 {f1:.3}, mean word length {:.2} vs pdftotext {:.2}){old_note}",
                mean_word_len(&text),
                mean_word_len(reference)
            )),
            other => normal_fail.push(format!("{rel}: {}{old_note}", describe(other))),
        }
    }
    f1s.sort_by(|a, b| a.0.total_cmp(&b.0));
    let median_f1 = median(&f1s.iter().map(|x| x.0).collect::<Vec<_>>());
    // word order: among files whose words agree (F1 >= 0.9), those whose pairs agree least
    let median_pair_f1 = median(&pair_f1s.iter().map(|x| x.1).collect::<Vec<_>>());
    let mut order: Vec<&(f64, f64, String)> = pair_f1s.iter().filter(|x| x.0 >= 0.9).collect();
    order.sort_by(|a, b| a.1.total_cmp(&b.1));

    println!(
        "\n== quality over {} PDFs in {} ==",
        rows.len(),
        dir.display()
    );
    println!(
        "needs a password: {}/{} correctly reported as encrypted",
        needs_pw.0, needs_pw.1
    );
    println!(
        "pdftotext found no text ({} files): we report an error for {}, we return text for {}",
        ref_empty_err.len() + ref_empty_text.len(),
        ref_empty_err.len(),
        ref_empty_text.len()
    );
    for line in &ref_empty_err {
        println!("  error  {line}");
    }
    for line in &ref_empty_text {
        println!("  text   {line}");
    }
    println!(
        "pdftotext found text ({normal_total} files): pass {normal_pass}/{normal_total} = {:.1}% (new rule), {normal_pass_old}/{normal_total} = {:.1}% (old rule)",
        100.0 * normal_pass as f64 / normal_total.max(1) as f64,
        100.0 * normal_pass_old as f64 / normal_total.max(1) as f64
    );
    let usable = normal_total - unusable.len();
    let unusable_pass = unusable.iter().filter(|u| u.1).count();
    let unusable_pass_old = unusable.iter().filter(|u| u.2).count();
    println!(
        "  without the {} file(s) whose reference is unusable ({}): pass {}/{usable} = {:.1}% (new rule), {}/{usable} = {:.1}% (old rule)",
        unusable.len(),
        unusable.iter().map(|u| u.0.as_str()).collect::<Vec<_>>().join(", "),
        normal_pass - unusable_pass,
        100.0 * (normal_pass - unusable_pass) as f64 / usable.max(1) as f64,
        normal_pass_old - unusable_pass_old,
        100.0 * (normal_pass_old - unusable_pass_old) as f64 / usable.max(1) as f64
    );
    for line in &normal_fail {
        println!("  fail   {line}");
    }
    println!(
        "word F1 vs pdftotext: median {median_f1:.4} over {} files",
        f1s.len()
    );
    println!("worst 5:");
    for (f1, rel) in f1s.iter().take(5) {
        println!("  {f1:.3}  {rel}");
    }
    println!(
        "word-pair F1 vs pdftotext (order): median {median_pair_f1:.4}; of the {} files whose word F1 >= 0.9, {} have pair F1 < 0.9; the lowest 8:",
        order.len(),
        order.iter().filter(|x| x.1 < 0.9).count()
    );
    for (f1, pf1, rel) in order.iter().take(8) {
        println!("  pairs {pf1:.3} (words {f1:.3})  {rel}");
    }

    times.sort_by_key(|t| std::cmp::Reverse(t.0));
    println!("slowest files (one extraction each):");
    for (took, rel) in times.iter().take(5) {
        println!("  {:>8.1} ms  {rel}", took.as_secs_f64() * 1000.0);
    }

    // --- Speed ---------------------------------------------------------------------------------
    let total_pages: usize = rows.iter().map(|r| r.1.pages).sum();
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    for _ in 0..reps {
        let start = Instant::now();
        for path in &files {
            let bytes = std::fs::read(path).unwrap_or_default();
            let _ = run_extract(bytes);
        }
        ours.push(start.elapsed().as_secs_f64());
        let start = Instant::now();
        for path in &files {
            let _ = Command::new("pdftotext")
                .args(["-q", "-enc", "UTF-8"])
                .arg(path)
                .arg("-")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
        theirs.push(start.elapsed().as_secs_f64());
    }
    let (o, t) = (median(&ours), median(&theirs));
    println!(
        "\n== speed over {} files, {total_pages} pages (pdfs_index.json), median of {reps} runs ==",
        files.len()
    );
    println!(
        "kartotek:  {o:.2} s  {:.1} pages/s   runs {ours:.2?}",
        total_pages as f64 / o
    );
    println!(
        "pdftotext: {t:.2} s  {:.1} pages/s   runs {theirs:.2?}",
        total_pages as f64 / t
    );
    println!("ratio kartotek/pdftotext pages/s: {:.2}x", t / o);
}

/// Runs `extract` in a worker thread with a time limit; returns the outcome and the time taken.
fn run_extract(bytes: Vec<u8>) -> (Outcome, Duration) {
    let (tx, rx) = mpsc::channel();
    let start = Instant::now();
    std::thread::spawn(move || {
        let _ = tx.send(extract(&bytes));
    });
    let outcome = match rx.recv_timeout(TIMEOUT) {
        Ok(Ok(text)) => Outcome::Text(text),
        Ok(Err(e)) => Outcome::Error(e),
        Err(_) => Outcome::TimedOut,
    };
    (outcome, start.elapsed())
}

fn describe(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Text(t) => format!(
            "text ({} chars)",
            t.pages.iter().map(|p| p.chars().count()).sum::<usize>()
        ),
        Outcome::Error(e) => match e {
            PdfError::Encrypted => "Encrypted".to_string(),
            PdfError::ImageOnly { .. } => "ImageOnly".to_string(),
            PdfError::NoText { .. } => "NoText".to_string(),
            PdfError::NoUnicodeText { .. } => "NoUnicodeText".to_string(),
            PdfError::Empty => "Empty".to_string(),
            PdfError::TooLarge { .. } => "TooLarge".to_string(),
            PdfError::Malformed(why) => format!("Malformed({why})"),
        },
        Outcome::TimedOut => "timed out".to_string(),
    }
}

/// Old rule: ≥ 90% valid characters and a mean word length of 2..=15.
fn plausible_old(text: &str) -> bool {
    mostly_valid(text) && (2.0..=15.0).contains(&mean_word_len(text))
}

/// New rule: ≥ 90% valid characters and a mean word length of 2..=15, or one within a factor
/// of 2 of the reference's when the words match the reference (F1 ≥ 0.5).
fn plausible_new(text: &str, reference: &str, f1: f64) -> bool {
    let (ours, theirs) = (mean_word_len(text), mean_word_len(reference));
    let like_reference = f1 >= 0.5 && theirs > 0.0 && ours >= theirs / 2.0 && ours <= theirs * 2.0;
    mostly_valid(text) && ((2.0..=15.0).contains(&ours) || like_reference)
}

/// The words of a text: whitespace-separated, except that each Han, kana or CJK punctuation
/// character is a word of its own. Chinese and Japanese do not separate words with spaces, so a
/// whitespace "word" there is a whole clause or, with vertical text drawn a glyph at a time, a
/// single character; counted per character both texts are measured the same way.
fn words(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for word in text.split_whitespace() {
        let mut start = 0;
        for (at, c) in word.char_indices() {
            if is_cjk(c) {
                if start < at {
                    out.push(&word[start..at]);
                }
                out.push(&word[at..at + c.len_utf8()]);
                start = at + c.len_utf8();
            }
        }
        if start < word.len() {
            out.push(&word[start..]);
        }
    }
    out
}

/// Han ideographs, kana and CJK punctuation and forms (not Hangul: Korean separates words).
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60)
}

/// Mean length in characters of the words (see [`words`]); 0 without words.
fn mean_word_len(text: &str) -> f64 {
    let words = words(text);
    if words.is_empty() {
        return 0.0;
    }
    words.iter().map(|w| w.chars().count()).sum::<usize>() as f64 / words.len() as f64
}

/// Non-empty and ≥ 90% valid characters.
fn mostly_valid(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    if chars.iter().all(|c| c.is_whitespace()) {
        return false;
    }
    let good = chars
        .iter()
        .filter(|&&c| {
            !(c == '\u{FFFD}'
                || (c.is_control() && !c.is_whitespace())
                || ('\u{E000}'..='\u{F8FF}').contains(&c)
                || c >= '\u{F0000}')
        })
        .count();
    good as f64 >= 0.9 * chars.len() as f64
}

/// The normalised words of `text` in order (NFKC, lowercase, punctuation trimmed at the edges).
fn token_list(text: &str) -> Vec<String> {
    let norm: String = text.nfkc().collect::<String>().to_lowercase();
    words(&norm)
        .into_iter()
        .map(|raw| raw.trim_matches(|c: char| !c.is_alphanumeric()).to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

/// Bag of the runs of `n` consecutive words of `text`.
fn ngram_bag(text: &str, n: usize) -> HashMap<String, usize> {
    let mut bag = HashMap::new();
    for w in token_list(text).windows(n) {
        *bag.entry(w.join(" ")).or_insert(0) += 1;
    }
    bag
}

/// Bag-of-words F1 of `ours` against `reference`.
fn word_f1(ours: &str, reference: &str) -> f64 {
    bag_f1(&ngram_bag(ours, 1), &ngram_bag(reference, 1))
}

/// F1 over word pairs: where the words agree, this tells whether their order does
/// (columns interleaved, lines out of reading order) as bag-of-words F1 cannot.
fn bigram_f1(ours: &str, reference: &str) -> f64 {
    bag_f1(&ngram_bag(ours, 2), &ngram_bag(reference, 2))
}

fn bag_f1(a: &HashMap<String, usize>, b: &HashMap<String, usize>) -> f64 {
    let (na, nb): (usize, usize) = (a.values().sum(), b.values().sum());
    if na == 0 || nb == 0 {
        return if na == nb { 1.0 } else { 0.0 };
    }
    let common: usize = a
        .iter()
        .map(|(k, &n)| n.min(b.get(k).copied().unwrap_or(0)))
        .sum();
    let (p, r) = (common as f64 / na as f64, common as f64 / nb as f64);
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

fn median(v: &[f64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    }
}

fn collect_pdfs(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_pdfs(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
        {
            out.push(path);
        }
    }
}

fn reference_path(pdf: &Path) -> PathBuf {
    pdf.with_extension("pdftotext.txt")
}

/// What `pdfs_index.json` says about one file.
#[derive(Clone, Default)]
struct IndexInfo {
    password: Option<String>,
    pages: usize,
    /// The description says pdftotext's own output is garbage.
    reference_garbage: bool,
}

fn load_index(dir: &Path) -> HashMap<String, IndexInfo> {
    let Ok(text) = std::fs::read_to_string(dir.join("pdfs_index.json")) else {
        return HashMap::new();
    };
    let Ok(serde_json::Value::Array(records)) = serde_json::from_str(&text) else {
        return HashMap::new();
    };
    records
        .iter()
        .filter_map(|r| {
            let file = r.get("file")?.as_str()?.to_string();
            let password = r.get("password").and_then(|p| p.as_str()).map(String::from);
            let pages = match r.get("pages") {
                Some(serde_json::Value::String(s)) => s.parse().unwrap_or(0),
                Some(serde_json::Value::Number(n)) => n.as_u64().unwrap_or(0) as usize,
                _ => 0,
            };
            let reference_garbage = r
                .get("description")
                .and_then(|d| d.as_str())
                .is_some_and(|d| d.contains("pdftotext output is garbage"));
            Some((
                file,
                IndexInfo {
                    password,
                    pages,
                    reference_garbage,
                },
            ))
        })
        .collect()
}
