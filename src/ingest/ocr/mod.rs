//! OCR for scanned PDFs (issue 14): pages without a text layer are rendered
//! by poppler's `pdftoppm` and read by Tesseract 5, both as child processes.
//! Scanned images (TIFF, PNG, JPEG) go to Tesseract as they are, a page at
//! a time, after [`image`] has read their pages' sizes from the headers;
//! [`words`] lays out what Tesseract read and leaves out what it read into
//! a picture.
//!
//! Why the command-line tools and not their libraries: both are Debian
//! packages a user already has (`poppler-utils`, `tesseract-ocr` with its
//! language data), no C library is linked into Kartotek, and each page's
//! render and recognition runs in a process of its own, with the same
//! bounds as an extraction worker: an address-space ceiling, no core dumps,
//! and a kill at the file's deadline. A hostile image (a JBIG2 or JPX bomb, a
//! page of 100,000 × 100,000 pixels) can only take that child down, and the
//! page is always rendered to at most [`MAX_SIDE_PIXELS`] on its long side
//! (300 dpi on A4), whatever size the page claims.
//!
//! Languages: with `--ocr-langs auto` (the default) the first page with
//! text is read with the Scandinavian languages and English
//! ([`FIRST_PASS_LANGS`]); Kartotek's own detector then names the
//! document's language, and the rest of the document is read with that
//! language and English only ([`tesseract_langs_for`]), which is faster and,
//! for a language outside the first pass (Finnish, German...), far better:
//! then the first page is read again. A list such as `nor+eng` is used as
//! given, for every page.
//!
//! OCR runs on the ingest threads that call it, one file each, so a batch of
//! scans uses every core; Tesseract itself is kept to one thread
//! (`OMP_THREAD_LIMIT=1`) so they do not oversubscribe the machine.

use std::collections::HashMap;
use std::io::{Read as _, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::error::ExtractError;

pub mod image;
pub mod words;

/// Long side of a rendered page, in pixels: A4 at 300 dpi.
pub(crate) const MAX_SIDE_PIXELS: u32 = 3508;
/// `--ocr-langs` default: choose the languages per document (module doc).
pub const DEFAULT_LANGS: &str = AUTO;
/// The `--ocr-langs` value that chooses languages per document.
pub const AUTO: &str = "auto";
/// Languages of the first page read with `--ocr-langs auto`: the
/// Scandinavian languages and English (Tesseract's `nor` reads Bokmål and
/// Nynorsk).
pub const FIRST_PASS_LANGS: &str = "nor+swe+dan+eng";
/// Characters a first page must give before its language is trusted.
const DETECT_MIN_CHARS: usize = 200;

/// When to OCR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Mode {
    /// Pages without a text layer, in PDFs that hold images.
    #[default]
    Auto,
    /// Never: an image-only PDF fails with a hint.
    Off,
    /// Every page of every PDF, replacing its text layer.
    Force,
}

/// OCR settings.
#[derive(Debug, Clone)]
pub struct Options {
    /// When to OCR.
    pub mode: Mode,
    /// Tesseract `-l` languages, e.g. `nor+eng`.
    pub langs: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            mode: Mode::Auto,
            langs: DEFAULT_LANGS.to_string(),
        }
    }
}

static CONFIGURED: std::sync::OnceLock<Options> = std::sync::OnceLock::new();

/// Set the process's OCR settings (`--ocr`, `--ocr-langs`), resolved once
/// by the command line; only the first call counts.
pub(crate) fn configure(opts: Options) {
    let _ = CONFIGURED.set(opts);
}

/// The process's OCR settings: as configured, else the defaults.
pub fn configured() -> Options {
    CONFIGURED.get().cloned().unwrap_or_default()
}

/// Most image pixels a page may declare and still be rendered for OCR: a
/// gigapixel, about twice an A0 sheet scanned at 600 dpi. poppler decodes
/// every pixel an image declares, whatever it draws: a 50 KB file declaring
/// one 65,535 × 65,535 image took `pdftoppm` 27 s.
const MAX_PAGE_IMAGE_PIXELS: u64 = 1_000_000_000;

/// What OCR read: each page's text in the order asked, and what the reader
/// should know (pages not read).
pub(crate) struct Read {
    pub(crate) texts: Vec<String>,
    pub(crate) warnings: Vec<String>,
}

/// Pages read without any text before OCR of a whole document stops: a
/// 15 KB PDF of 300 blank pages would otherwise cost minutes of OCR (0.9 s
/// a page here), and a document whose first eight pages show no text at all
/// is no scan of a text.
pub(crate) const GIVE_UP_AFTER: usize = 8;

/// Whether OCR of a whole document stops: [`GIVE_UP_AFTER`] pages read, and
/// no text on any.
fn nothing_yet(texts: &[String]) -> bool {
    texts.len() >= GIVE_UP_AFTER && texts.iter().all(|t| t.trim().is_empty())
}

/// Read `pages` (1-based) of the PDF `pdf` by OCR, each page rendered and
/// read within `timeout`, each child limited to `memory` bytes of address
/// space. A page whose images declare more than [`MAX_PAGE_IMAGE_PIXELS`]
/// is not rendered (it reads as empty, with a warning). When `whole` (the
/// pages are the whole document), reading stops where [`nothing_yet`] says.
pub(crate) fn read_pages(
    pdf: &[u8],
    pages: &[u32],
    whole: bool,
    opts: &Options,
    timeout: Duration,
    memory: u64,
) -> Result<Read, ExtractError> {
    let subject = if whole {
        "the PDF has no text layer"
    } else {
        "pages of the PDF show text only OCR can read"
    };
    let mut reader = Reader::new(opts, subject, timeout, memory)?;
    let mut texts = Vec::with_capacity(pages.len());
    let mut warnings = Vec::new();
    let pixels = image_pixels(pdf, Instant::now() + timeout, memory);
    for &page in pages {
        if whole && nothing_yet(&texts) {
            break;
        }
        let declared = pixels.get(&page).copied().unwrap_or(0);
        if declared > MAX_PAGE_IMAGE_PIXELS {
            warnings.push(format!(
                "page {page} was not read by OCR: its images declare {} million pixels (at most {} million are rendered); the file is probably damaged or hostile",
                declared / 1_000_000,
                MAX_PAGE_IMAGE_PIXELS / 1_000_000
            ));
            texts.push(String::new());
            continue;
        }
        let deadline = Instant::now() + timeout;
        let n = page.to_string();
        let side = MAX_SIDE_PIXELS.to_string();
        let png = run(
            Command::new("pdftoppm").args([
                "-f",
                &n,
                "-l",
                &n,
                "-scale-to",
                &side,
                "-gray",
                "-png",
                "-",
            ]),
            pdf,
            deadline,
            memory,
        )
        .map_err(|e| reader.error(&format!("rendering page {page}"), e))?;
        if png.is_empty() {
            texts.push(String::new());
            continue;
        }
        texts.push(reader.read(&png, page, &[], deadline)?);
    }
    Ok(Read { texts, warnings })
}

/// Most pixels of a page of an image file that OCR reads. Tesseract reads
/// an image at its own resolution (nothing here rescales it, as `pdftoppm`
/// does a PDF page), about 4 bytes a pixel and more: an A0 sheet scanned
/// at 300 dpi is 140 million pixels.
pub(crate) const MAX_IMAGE_PIXELS: u64 = 150_000_000;

/// Fewest pixels of an image page worth reading: smaller images are
/// icons, logos and buttons (a business card at 300 dpi is 630,000).
pub(crate) const MIN_IMAGE_PIXELS: u64 = 160_000;

/// Read a scanned image (`format` TIFF, PNG or JPEG) by OCR: a page of text
/// for each page of the image (a TIFF may hold many), each read within
/// `timeout`. Pages too large or too small to read are left empty, with a
/// warning for the large; an image with no page worth reading is an error
/// saying why.
pub(crate) fn read_image(
    bytes: &[u8],
    format: crate::document::Format,
    opts: &Options,
    timeout: Duration,
    memory: u64,
) -> Result<Read, ExtractError> {
    let sizes = image::page_sizes(bytes, format).map_err(ExtractError::Malformed)?;
    let readable = |&(w, h): &(u64, u64)| {
        let px = w.saturating_mul(h);
        (MIN_IMAGE_PIXELS..=MAX_IMAGE_PIXELS).contains(&px) && w.min(h) >= 100
    };
    if !sizes.iter().any(readable) {
        let (w, h) = sizes.first().copied().unwrap_or_default();
        let px = w.saturating_mul(h);
        let why = if px > MAX_IMAGE_PIXELS {
            format!(
                "an image of {w} × {h} pixels, more than the {} million OCR reads; the file is probably damaged or hostile",
                MAX_IMAGE_PIXELS / 1_000_000
            )
        } else {
            format!("an image of {w} × {h} pixels, too small to be a scanned page")
        };
        return Err(ExtractError::Unsupported(why));
    }
    let mut reader = Reader::new(opts, "the file is a scanned image", timeout, memory)?;
    let mut texts = Vec::with_capacity(sizes.len());
    let mut warnings = Vec::new();
    for (i, size) in sizes.iter().enumerate() {
        if nothing_yet(&texts) {
            break;
        }
        let page = i as u32 + 1;
        if !readable(size) {
            if size.0.saturating_mul(size.1) > MAX_IMAGE_PIXELS {
                warnings.push(format!(
                    "page {page} was not read by OCR: {} × {} pixels, more than the {} million it reads",
                    size.0,
                    size.1,
                    MAX_IMAGE_PIXELS / 1_000_000
                ));
            }
            texts.push(String::new());
            continue;
        }
        // Tesseract reads one page of a multi-page TIFF when told which
        let which = format!("tessedit_page_number={i}");
        let extra: &[&str] = if sizes.len() > 1 {
            &["-c", &which]
        } else {
            &[]
        };
        let deadline = Instant::now() + timeout;
        texts.push(reader.read(bytes, page, extra, deadline)?);
    }
    if sizes.len() >= image::MAX_PAGES {
        warnings.push(format!(
            "only the first {} pages of the image were read",
            image::MAX_PAGES
        ));
    }
    Ok(Read { texts, warnings })
}

/// Tesseract, with the languages chosen as the module says: with `auto`,
/// the first page that gives enough text names the document's language,
/// which then reads the rest (and that page again, when its language was
/// not in the first pass).
struct Reader {
    installed: Vec<String>,
    langs: String,
    chosen: bool,
    /// What the file is, for the errors a missing tool gives.
    subject: &'static str,
    timeout: Duration,
    memory: u64,
}

impl Reader {
    fn new(
        opts: &Options,
        subject: &'static str,
        timeout: Duration,
        memory: u64,
    ) -> Result<Reader, ExtractError> {
        let installed = installed_langs(subject)?;
        let auto = opts.langs == AUTO;
        let langs = if auto {
            FIRST_PASS_LANGS.to_string()
        } else {
            opts.langs.clone()
        };
        check_langs(&langs, &installed, subject)?;
        Ok(Reader {
            installed,
            langs,
            chosen: !auto,
            subject,
            timeout,
            memory,
        })
    }

    fn error(&self, what: &str, f: Failure) -> ExtractError {
        ocr_error(self.subject, what, f, self.timeout)
    }

    /// The text of page `page` of `image` (`extra` arguments say which page
    /// of a file of several), as [`words`] keeps it. A page that reads as a
    /// picture but has many words is read again with Tesseract's
    /// orientation detection (`--psm 1`, where its `osd` data is
    /// installed): a page scanned on its side or upside down reads as text
    /// then. A photograph, with no words or a few, is not read twice.
    fn read(
        &mut self,
        image: &[u8],
        page: u32,
        extra: &[&str],
        deadline: Instant,
    ) -> Result<String, ExtractError> {
        let (subject, timeout, memory) = (self.subject, self.timeout, self.memory);
        let read = |langs: &str, psm: &str| {
            run(
                Command::new("tesseract")
                    .args(["stdin", "stdout", "-l", langs, "--psm", psm])
                    .args(extra)
                    .arg("tsv")
                    .env("OMP_THREAD_LIMIT", "1"),
                image,
                deadline,
                memory,
            )
            .map(|t| words::Page::read(&String::from_utf8_lossy(&t)))
            .map_err(|e| ocr_error(subject, &format!("reading page {page}"), e, timeout))
        };
        let mut psm = "3";
        let mut read_page = read(&self.langs, psm)?;
        if read_page.may_be_turned() && self.installed.iter().any(|l| l == "osd") {
            let turned = read(&self.langs, "1")?;
            if turned.is_text() {
                (read_page, psm) = (turned, "1");
            }
        }
        let mut text = read_page.into_text().unwrap_or_default();
        if !self.chosen && text.trim().chars().count() >= DETECT_MIN_CHARS {
            self.chosen = true;
            let detected = crate::lang::detect(&fold_vowels(&text)).lang;
            if let Some(better) = tesseract_langs_for(detected, &self.installed) {
                let again = !FIRST_PASS_LANGS.split('+').any(|l| better.starts_with(l));
                if again {
                    text = read(&better, psm)?.into_text().unwrap_or_default();
                }
                self.langs = better;
            }
        }
        Ok(text)
    }
}

/// The pixels each page's images declare, from `pdfimages -list` (poppler,
/// as `pdftoppm`), which reads the image dictionaries without decoding
/// them. Empty when the list cannot be had: the pages are then rendered as
/// before.
fn image_pixels(pdf: &[u8], deadline: Instant, memory: u64) -> HashMap<u32, u64> {
    let listed = run(
        Command::new("pdfimages").args(["-list", "-"]),
        pdf,
        deadline,
        memory,
    );
    listed
        .map(|out| parse_image_list(&String::from_utf8_lossy(&out)))
        .unwrap_or_default()
}

/// Pixels per page from the table `pdfimages -list` prints (`page num type
/// width height …`, after two header lines).
fn parse_image_list(table: &str) -> HashMap<u32, u64> {
    let mut pixels: HashMap<u32, u64> = HashMap::new();
    for line in table.lines() {
        let mut cols = line.split_whitespace();
        let (Some(page), Some(_num), Some(_kind), Some(w), Some(h)) = (
            cols.next().and_then(|c| c.parse::<u32>().ok()),
            cols.next(),
            cols.next(),
            cols.next().and_then(|c| c.parse::<u64>().ok()),
            cols.next().and_then(|c| c.parse::<u64>().ok()),
        ) else {
            continue;
        };
        let total = pixels.entry(page).or_default();
        *total = total.saturating_add(w.saturating_mul(h));
    }
    pixels
}

/// `text` with å, æ, ä, ø and ö as plain vowels, for detecting the language
/// of a first pass: read with the wrong language data, exactly these letters
/// come out wrong (Finnish `kilpailukykyä` read as `kilpailukykyå` looks
/// Scandinavian to the detector), while the words stay recognisable.
fn fold_vowels(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'å' | 'æ' | 'ä' => 'a',
            'Å' | 'Æ' | 'Ä' => 'A',
            'ø' | 'ö' => 'o',
            'Ø' | 'Ö' => 'O',
            c => c,
        })
        .collect()
}

/// The Tesseract languages for a document detected as `lang`: its own and
/// English, as far as their data is installed; `None` when Tesseract has
/// no data for it (the first-pass languages then stay).
pub(crate) fn tesseract_langs_for(
    lang: crate::lang::Language,
    installed: &[String],
) -> Option<String> {
    use crate::lang::Language as L;
    let own = match lang {
        L::Nb | L::Nn => "nor",
        L::Sv => "swe",
        L::Da => "dan",
        L::Fi => "fin",
        L::En => "eng",
        L::De => "deu",
        L::Fr => "fra",
        L::Nl => "nld",
        L::Is => "isl",
        L::Es => "spa",
        L::It => "ita",
        L::Pt => "por",
        L::Pl => "pol",
        L::Et => "est",
        L::Lt => "lit",
        L::Lv => "lav",
        L::Ru => "rus",
        L::Other => return None,
    };
    let has = |l: &str| installed.iter().any(|i| i == l);
    if !has(own) {
        return None;
    }
    Some(if own == "eng" || !has("eng") {
        own.to_string()
    } else {
        format!("{own}+eng")
    })
}

/// Why a child failed.
enum Failure {
    Missing(&'static str),
    Timeout,
    Failed(String),
}

fn ocr_error(subject: &str, what: &str, f: Failure, timeout: Duration) -> ExtractError {
    match f {
        Failure::Missing(tool) => ExtractError::OcrUnavailable(format!(
            "{subject}, and OCR needs `{tool}`, which is not installed\nhint: install it (Debian: `apt-get install poppler-utils tesseract-ocr tesseract-ocr-nor`) or run with --ocr off"
        )),
        Failure::Timeout => ExtractError::Timeout {
            seconds: timeout.as_secs(),
            stage: Some(format!("OCR {what}")),
        },
        Failure::Failed(why) => ExtractError::Malformed(format!("OCR failed {what}: {why}")),
    }
}

/// The languages Tesseract has data for (`tesseract --list-langs`).
fn installed_langs(subject: &str) -> Result<Vec<String>, ExtractError> {
    let out = Command::new("tesseract")
        .arg("--list-langs")
        .stdin(Stdio::null())
        .output()
        .map_err(|_| ocr_error(subject, "", Failure::Missing("tesseract"), Duration::ZERO))?;
    let listed =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    Ok(listed.lines().map(|l| l.trim().to_string()).collect())
}

/// Every language asked for must have its data installed, or the file
/// fails with what to install (Tesseract would quietly fall back).
fn check_langs(langs: &str, installed: &[String], subject: &str) -> Result<(), ExtractError> {
    let missing: Vec<&str> = langs
        .split('+')
        .filter(|l| !l.is_empty() && !installed.iter().any(|i| i == l))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(ExtractError::OcrUnavailable(format!(
        "{subject}, and Tesseract has no data for `{}`\nhint: install it (Debian: `apt-get install {}`) or choose others with --ocr-langs",
        missing.join("+"),
        missing
            .iter()
            .map(|l| format!("tesseract-ocr-{l}"))
            .collect::<Vec<_>>()
            .join(" ")
    )))
}

/// Run `cmd` with `input` on its stdin until it ends or `deadline` passes
/// (then it is killed), under an address-space ceiling; its stdout.
fn run(
    cmd: &mut Command,
    input: &[u8],
    deadline: Instant,
    memory: u64,
) -> Result<Vec<u8>, Failure> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    super::supervisor::limit_child(cmd, memory);
    let mut child = match cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Failure::Missing(if program == "pdftoppm" {
                "pdftoppm"
            } else {
                "tesseract"
            }))
        }
        Err(e) => return Err(Failure::Failed(format!("cannot start `{program}`: {e}"))),
    };
    let mut stdin = child.stdin.take();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        if let Some(s) = stdin.as_mut() {
            let _ = s.write_all(&input);
        }
    });
    let mut stdout = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        if let Some(s) = stdout.as_mut() {
            let _ = s.read_to_end(&mut out);
        }
        out
    });
    let mut stderr = child.stderr.take();
    let err_reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        if let Some(s) = stderr.as_mut() {
            let _ = s.take(4096).read_to_end(&mut out);
        }
        out
    });
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                let _ = writer.join();
                return Err(Failure::Timeout);
            }
        }
    };
    let _ = writer.join();
    let out = reader.join().unwrap_or_default();
    let err = err_reader.join().unwrap_or_default();
    if status.success() {
        Ok(out)
    } else {
        let err = String::from_utf8_lossy(&err);
        Err(Failure::Failed(format!(
            "`{program}` ended with {status}: {}",
            err.lines().last().unwrap_or("").trim()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_pixels_are_summed_per_page_from_the_pdfimages_table() {
        let table = "page   num  type   width height color comp bpc  enc interp  object ID x-ppi y-ppi size ratio
--------------------------------------------------------------------------------------------
   1     0 image    2550  3300  gray    1   1  jbig2  no         7  0   300   300 69.4K 6.8%
   1     1 smask    2550  3300  gray    1   8  image  no         8  0   300   300 1.2K 0.1%
   3     2 image   65535 65535  rgb     3   8  jpx    no         6  0  7710  5958 48.9K 0.0%
";
        let pixels = parse_image_list(table);
        assert_eq!(pixels.get(&1), Some(&(2 * 2550 * 3300)));
        assert_eq!(pixels.get(&3), Some(&(65535 * 65535)));
        assert!(pixels[&3] > MAX_PAGE_IMAGE_PIXELS && pixels[&1] < MAX_PAGE_IMAGE_PIXELS);
        assert_eq!(pixels.get(&2), None);
    }
    use crate::lang::Language;

    fn have(langs: &[&str]) -> Vec<String> {
        langs.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn a_detected_language_is_read_with_its_own_data_and_english() {
        let installed = have(&["eng", "fin", "nor", "osd"]);
        assert_eq!(
            tesseract_langs_for(Language::Fi, &installed).as_deref(),
            Some("fin+eng")
        );
        assert_eq!(
            tesseract_langs_for(Language::Nn, &installed).as_deref(),
            Some("nor+eng")
        );
        assert_eq!(
            tesseract_langs_for(Language::En, &installed).as_deref(),
            Some("eng")
        );
    }

    #[test]
    fn a_finnish_first_pass_misread_with_scandinavian_letters_is_still_finnish() {
        let misread = "Yritysten kilpailukykyå parannetaan tukemalla tutkimusta, kehittåmistå ja \
            innovaatiotoimintaa. Erityistå huomiota kiinnitetåån harvaan asuttuihin alueisiin, \
            joissa våestö ikååntyy ja palvelujen jarjestaminen on vaikeaa.";
        assert_eq!(
            crate::lang::detect(&fold_vowels(misread)).lang,
            Language::Fi
        );
    }

    #[test]
    fn ocr_of_a_whole_document_stops_after_its_first_pages_show_no_text() {
        let blank = vec![String::new(); GIVE_UP_AFTER];
        assert!(nothing_yet(&blank));
        assert!(!nothing_yet(&blank[1..]));
        let mut late = blank.clone();
        late[GIVE_UP_AFTER - 1] = "Konturvika".into();
        assert!(!nothing_yet(&late));
        late.push(String::new());
        assert!(!nothing_yet(&late), "text on any page read goes on");
    }

    #[test]
    fn a_language_without_installed_data_keeps_the_first_pass_languages() {
        let installed = have(&["eng", "nor"]);
        assert_eq!(tesseract_langs_for(Language::De, &installed), None);
        assert_eq!(tesseract_langs_for(Language::Other, &installed), None);
    }
}
