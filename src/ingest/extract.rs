//! The extract stage: sniff the bytes, run the right extractor, and bound it.
//!
//! [`extract_bounded`] runs each extraction in a supervised worker process
//! (see [`supervisor`](super::supervisor)) with a deadline and OS-enforced
//! memory and CPU ceilings, so a stack overflow, a refused allocation or a
//! runaway loop in a third-party parser fails that file, never the process.
//! Inside the worker, `catch_unwind` still turns a panic into the file's
//! error. [`extract_in_thread`] is the fallback when no worker program is
//! set (a library user): a thread with a deadline, abandoned if it overruns.

use std::panic::AssertUnwindSafe;
use std::sync::mpsc;
use std::time::Duration;

use super::panics::panic_message;
use super::sniff::{sniff, Sniffed};
use super::{html, office, office97, pdf, rtf, text};
use crate::document::Format;
use crate::error::ExtractError;

/// Name prefix of extraction threads (the panic hook stays quiet for them).
pub(crate) const THREAD_PREFIX: &str = "kartotek-extract";

/// Text extracted from one source, before language detection and tagging.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Extracted {
    /// Title from metadata or the first heading.
    pub title: Option<String>,
    /// Language the source declares (`<html lang>`), a hint only.
    pub lang_hint: Option<String>,
    /// Meta description.
    pub description: Option<String>,
    /// Publication date `YYYY-MM-DD` the source's metadata states (HTML).
    pub date: Option<String>,
    /// Creation date `YYYY-MM-DD` of the file (PDF info or XMP): used when neither the
    /// metadata nor the text states a date, since a PDF is often made long after the
    /// text it holds was adopted.
    #[serde(default)]
    pub created: Option<String>,
    /// Canonical URL the source declares.
    pub canonical: Option<String>,
    /// One entry per page (PDF) or one entry (HTML, text).
    pub pages: Vec<String>,
    /// True for paged formats: page numbers are meaningful.
    pub paged: bool,
    /// Sniffed format.
    pub format: Option<Format>,
    /// For [`read_page`]: every `<a href>` as written, in document order.
    #[serde(default)]
    pub links: Vec<String>,
    /// For [`read_page`]: the first `<base href>` as written.
    #[serde(default)]
    pub base: Option<String>,
    /// For [`read_page`]: a robots meta tag says `noindex`.
    #[serde(default)]
    pub noindex: bool,
    /// A PDF that draws images: its pages without text may be scans.
    #[serde(default)]
    pub has_images: bool,
    /// Pages (1-based) whose text was read by OCR.
    #[serde(default)]
    pub ocr_pages: Vec<u32>,
    /// PDF pages (1-based) that show far more characters than were read
    /// (each has its warning): OCR reads them when it reads more.
    #[serde(default)]
    pub partly_read: Vec<u32>,
    /// What could not be read, or only in part (`partly extracted: page 3
    /// gave 12 of ~2,400 characters`): the document is indexed, and marked.
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// Limits for one extraction.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Wall-clock deadline per source.
    pub timeout: Duration,
    /// Largest source accepted, in bytes.
    pub max_bytes: u64,
}

impl Limits {
    /// Default [`Self::timeout`], in seconds (also `kartotek ingest --file-timeout`).
    pub const DEFAULT_TIMEOUT_SECS: u64 = 60;
    /// Default [`Self::max_bytes`], in MB (also `kartotek ingest --max-file-mb`).
    pub const DEFAULT_MAX_MB: u64 = 256;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(Self::DEFAULT_TIMEOUT_SECS),
            max_bytes: Self::DEFAULT_MAX_MB * 1024 * 1024,
        }
    }
}

/// Extract text from `bytes`, sniffing the format, in a supervised worker
/// process under `limits`.
pub(crate) fn extract_bounded(
    bytes: std::sync::Arc<Vec<u8>>,
    content_type: Option<String>,
    limits: Limits,
) -> Result<Extracted, ExtractError> {
    if bytes.len() as u64 > limits.max_bytes {
        return Err(ExtractError::TooLarge {
            size: bytes.len() as u64,
            limit: limits.max_bytes,
        });
    }
    super::supervisor::extract(bytes, content_type, limits)
}

/// Extract text from `bytes` on a thread of this process with a deadline;
/// a thread that overruns it is abandoned. Protects against panics and
/// slowness, not against aborts: the fallback when no worker is set.
pub(crate) fn extract_in_thread(
    bytes: std::sync::Arc<Vec<u8>>,
    content_type: Option<String>,
    limits: Limits,
) -> Result<Extracted, ExtractError> {
    if bytes.len() as u64 > limits.max_bytes {
        return Err(ExtractError::TooLarge {
            size: bytes.len() as u64,
            limit: limits.max_bytes,
        });
    }
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name(format!("{THREAD_PREFIX}-worker"))
        .stack_size(16 * 1024 * 1024)
        .spawn(move || {
            let r = std::panic::catch_unwind(AssertUnwindSafe(|| {
                extract(&bytes, content_type.as_deref())
            }));
            let r = r.unwrap_or_else(|p| Err(ExtractError::ParserCrashed(panic_message(&*p))));
            let _ = tx.send(r);
        });
    if let Err(e) = spawned {
        return Err(ExtractError::Io(format!(
            "cannot start a worker thread: {e}"
        )));
    }
    match rx.recv_timeout(limits.timeout) {
        Ok(r) => r,
        Err(mpsc::RecvTimeoutError::Timeout) => Err(ExtractError::Timeout {
            seconds: limits.timeout.as_secs(),
            stage: None,
        }),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(ExtractError::ParserCrashed(
            "the worker thread ended without a result".into(),
        )),
    }
}

/// An HTML page as a crawler reads it, on the current thread: everything
/// [`extract`] gives (title, main text, dates…) plus the canonical URL,
/// `<base href>`, robots `noindex` and every link, even when the page has no
/// main text (a hub page is still followed). The crawler hands this to ingest
/// with the page's bytes, so a crawled page is parsed once.
pub(crate) fn read_page(
    bytes: &[u8],
    content_type: Option<&str>,
) -> Result<Extracted, ExtractError> {
    super::frame::stage(format_args!("reading the page and its links"));
    let h =
        html::extract(bytes, content_type).map_err(|e| ExtractError::Malformed(e.to_string()))?;
    let base = h.base.clone();
    let noindex = h.noindex;
    let links = h.links.iter().map(|l| l.href.clone()).collect();
    Ok(Extracted {
        base,
        noindex,
        links,
        ..from_html(h)
    })
}

/// The text and metadata of a read HTML page.
fn from_html(h: html::HtmlText) -> Extracted {
    Extracted {
        title: h.title,
        lang_hint: h.lang,
        description: h.description,
        date: h.date,
        canonical: h.canonical,
        pages: vec![h.text],
        paged: false,
        format: Some(Format::Html),
        ..Extracted::default()
    }
}

/// `x` as a document to index: a source whose pages are all blank is
/// refused (image-only when it draws images: OCR's to read).
pub(crate) fn require_text(x: Extracted) -> Result<Extracted, ExtractError> {
    if x.pages.iter().all(|p| p.trim().is_empty()) {
        return Err(if x.has_images {
            ExtractError::ImageOnly(x.pages.len())
        } else {
            ExtractError::NoText
        });
    }
    Ok(x)
}

/// Extract text from `bytes` on the current thread (no deadline).
pub fn extract(bytes: &[u8], content_type: Option<&str>) -> Result<Extracted, ExtractError> {
    let format = match sniff(bytes) {
        Sniffed::Empty => return Err(ExtractError::Empty),
        Sniffed::Unsupported(what) => return Err(ExtractError::Unsupported(what.to_string())),
        Sniffed::Known(f) => f,
    };
    super::frame::stage(format_args!("reading it as {}", format.as_str()));
    // the size of the text the file holds, where more is read than kept
    let mut whole = 0;
    let mut out = match format {
        Format::Pdf => {
            let p = pdf::extract(bytes).map_err(map_pdf_error)?;
            Extracted {
                title: p.title,
                created: p.date,
                pages: p.pages.into_iter().map(|t| text::tidy(&t)).collect(),
                paged: true,
                has_images: p.has_images,
                partly_read: p.partly_read,
                warnings: p.warnings,
                ..Extracted::default()
            }
        }
        Format::Html => from_html(
            html::extract(bytes, content_type)
                .map_err(|e| ExtractError::Malformed(e.to_string()))?,
        ),
        Format::Docx => from_office(bytes, office::Kind::Docx)?,
        Format::Odt => from_office(bytes, office::Kind::Odt)?,
        Format::Pptx => from_office(bytes, office::Kind::Pptx)?,
        Format::Odp => from_office(bytes, office::Kind::Odp)?,
        Format::Xlsx => from_office(bytes, office::Kind::Xlsx)?,
        Format::Ods => from_office(bytes, office::Kind::Ods)?,
        Format::Doc => from_office97(bytes, office97::Kind::Doc)?,
        Format::Xls => from_office97(bytes, office97::Kind::Xls)?,
        Format::Ppt => from_office97(bytes, office97::Kind::Ppt)?,
        // read by OCR, outside the worker (`ingest::with_ocr`)
        Format::Tiff | Format::Png | Format::Jpeg => {
            return Err(ExtractError::ScannedImage(format));
        }
        Format::Rtf => {
            let r = rtf::extract(bytes);
            let text = text::join_broken_lines(&text::tidy(&r.text));
            Extracted {
                title: r.title.or_else(|| text::title_of(&text)),
                created: r.created,
                pages: vec![text],
                paged: false,
                warnings: r.warnings,
                ..Extracted::default()
            }
        }
        Format::Text => {
            // no more is indexed than MAX_TEXT_BYTES: a text file of
            // hundreds of MB is read in part (four times that, for what
            // tidying drops), not decoded and copied whole
            let read = &bytes[..bytes.len().min(4 * MAX_TEXT_BYTES)];
            if read.len() < bytes.len() {
                whole = bytes.len();
            }
            let (t, _) = text::decode(read);
            Extracted {
                title: text::title_of(&t),
                pages: vec![text::join_broken_lines(&text::tidy(&t))],
                paged: false,
                ..Extracted::default()
            }
        }
    };
    out.format = Some(format);
    cap_text(&mut out, MAX_TEXT_BYTES, whole);
    require_text(out)
}

/// An office file of `kind`, read.
fn from_office(bytes: &[u8], kind: office::Kind) -> Result<Extracted, ExtractError> {
    office_text(office::extract(bytes, kind), kind.paged())
}

/// A Word, Excel or PowerPoint 97–2003 file of `kind`, read as
/// [`from_office`] reads the newer ones.
fn from_office97(bytes: &[u8], kind: office97::Kind) -> Result<Extracted, ExtractError> {
    office_text(office97::extract(bytes, kind), kind.paged())
}

/// An office reader's text: its pages tidied, its title or else its first
/// page's first line.
fn office_text(
    read: Result<office::OfficeText, office::OfficeError>,
    paged: bool,
) -> Result<Extracted, ExtractError> {
    let o = read.map_err(|e| match e {
        office::OfficeError::Encrypted => ExtractError::Unsupported(e.to_string()),
        e => ExtractError::Malformed(e.to_string()),
    })?;
    let pages: Vec<String> = o
        .pages
        .iter()
        .map(|p| text::join_broken_lines(&text::tidy(p)))
        .collect();
    Ok(Extracted {
        title: o
            .title
            .or_else(|| pages.first().and_then(|p| text::title_of(p))),
        created: o.created,
        paged,
        pages,
        warnings: o.warnings,
        ..Extracted::default()
    })
}

/// Most text one document is indexed with, in bytes. Indexing holds a
/// document's passages, their analyses and tokens in memory at once, about
/// 30 times its text (a 44 MB text took 1.4 GB): a longer text is
/// indexed up to here and marked partly extracted. A thousand-page report
/// holds about 4 MB.
pub(crate) const MAX_TEXT_BYTES: usize = 16 * 1024 * 1024;

/// Cut `x`'s pages to `max` bytes of text in all (the page that crosses
/// it at a space, the pages after it left out), with a warning that says so.
fn cap_text(x: &mut Extracted, max: usize, whole: usize) {
    let total: usize = x.pages.iter().map(String::len).sum();
    if total <= max && whole == 0 {
        return;
    }
    let total = total.max(whole);
    let mut left = max;
    let mut kept = 0;
    for page in &mut x.pages {
        if page.len() > left {
            let mut cut = left;
            while !page.is_char_boundary(cut) {
                cut -= 1;
            }
            let cut = page[..cut].rfind(char::is_whitespace).unwrap_or(cut);
            page.truncate(cut);
            kept += 1;
            break;
        }
        left -= page.len();
        kept += 1;
    }
    x.pages.truncate(kept);
    x.warnings.push(format!(
        "partly extracted: only its first {} MB of {} MB of text are indexed (at most {} MB per document)",
        max / (1024 * 1024),
        total.div_ceil(1024 * 1024),
        max / (1024 * 1024)
    ));
}

fn map_pdf_error(e: pdf::PdfError) -> ExtractError {
    match e {
        pdf::PdfError::Encrypted => ExtractError::Encrypted,
        pdf::PdfError::ImageOnly { pages } => ExtractError::ImageOnly(pages),
        pdf::PdfError::NoText { pages } => ExtractError::NoTextDrawn(pages),
        pdf::PdfError::NoUnicodeText {
            pages,
            unreadable_percent,
        } => ExtractError::UnmappedFonts {
            pages,
            percent: unreadable_percent,
        },
        pdf::PdfError::Empty => ExtractError::NoText,
        // `the file is damaged: …` already says what PdfError's own prefix would
        pdf::PdfError::Malformed(why) => ExtractError::Malformed(why),
        other => ExtractError::Malformed(other.to_string()),
    }
}

/// Install a panic hook that keeps extraction-thread panics quiet (they are
/// reported as the file's error) and leaves every other panic as it was.
pub(crate) fn install_quiet_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let quiet = std::thread::current()
                .name()
                .is_some_and(|n| n.starts_with(THREAD_PREFIX));
            if !quiet {
                previous(info);
            }
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn a_pdf_without_readable_text_is_named_for_what_ocr_can_do() {
        let e = map_pdf_error(pdf::PdfError::NoUnicodeText {
            pages: 3,
            unreadable_percent: 80,
        });
        assert_eq!(
            e,
            ExtractError::UnmappedFonts {
                pages: 3,
                percent: 80
            }
        );
        assert!(e.to_string().contains("--ocr auto"), "{e}");
        let e = map_pdf_error(pdf::PdfError::NoText { pages: 2 });
        assert_eq!(e, ExtractError::NoTextDrawn(2));
        assert!(!e.to_string().contains("damaged"), "{e}");
    }

    #[test]
    fn a_text_past_the_cap_is_cut_at_a_space_and_marked() {
        let mut x = Extracted {
            pages: vec![
                "alpha beta".into(),
                "gamma delta epsilon".into(),
                "zeta".into(),
            ],
            ..Extracted::default()
        };
        cap_text(&mut x, 18, 0);
        assert_eq!(x.pages, ["alpha beta", "gamma"]);
        assert!(
            x.warnings[0].starts_with("partly extracted"),
            "{:?}",
            x.warnings
        );
        let mut small = Extracted {
            pages: vec!["kort tekst".into()],
            ..Extracted::default()
        };
        cap_text(&mut small, 18, 0);
        assert_eq!(small.pages, ["kort tekst"]);
        assert!(small.warnings.is_empty());
    }

    #[test]
    fn junk_bytes_are_reported_not_indexed() {
        let junk: Vec<u8> = (0..4096u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
            .collect();
        let e = extract(&junk, None).unwrap_err();
        assert!(matches!(e, ExtractError::Unsupported(_)), "{e}");
    }

    #[test]
    fn a_truncated_pdf_is_an_error_not_a_panic() {
        let e = extract_bounded(
            Arc::new(b"%PDF-1.4\n1 0 obj <<".to_vec()),
            None,
            Limits::default(),
        );
        assert!(e.is_err());
    }

    #[test]
    fn oversized_input_is_refused_before_parsing() {
        let limits = Limits {
            timeout: Duration::from_secs(1),
            max_bytes: 10,
        };
        let e = extract_bounded(Arc::new(vec![b'a'; 100]), None, limits).unwrap_err();
        assert!(matches!(e, ExtractError::TooLarge { .. }));
    }

    #[test]
    fn a_crawled_page_is_read_once_for_both_its_text_and_its_links() {
        let page = r#"<html lang="nn"><head><title>Kystplan</title>
            <base href="https://example.org/plan/"></head><body><nav><a href="/">Heim</a></nav>
            <main><h1>Kystplan for regionen</h1><p>Planen gjeld heile kysten og alle hamner i
            fylket, med tiltak for fiske, havbruk og reiseliv fram mot 2030.</p>
            <p>Sjå <a href="vedlegg.pdf">vedlegget</a> for kart.</p></main></body></html>"#
            .as_bytes();
        let read = read_page(page, Some("text/html")).expect("page is read");
        let indexed = extract(page, Some("text/html")).expect("page is extracted");
        // what ingest would have read from the bytes is what the crawler hands it
        assert_eq!(read.pages, indexed.pages);
        assert_eq!(read.title, indexed.title);
        assert_eq!(read.lang_hint, indexed.lang_hint);
        assert!(read.pages[0].contains("alle hamner"));
        assert_eq!(read.links, vec!["/", "vedlegg.pdf"]);
        assert_eq!(read.base.as_deref(), Some("https://example.org/plan/"));
    }

    #[test]
    fn a_hub_page_without_main_text_still_gives_its_links_but_is_not_indexed() {
        let hub = br#"<html><body><a href="a.html">A</a> <a href="b.html">B</a></body></html>"#;
        let read = read_page(hub, None).expect("a hub page is read");
        assert_eq!(read.links.len(), 2);
        assert!(matches!(require_text(read), Err(ExtractError::NoText)));
    }

    #[test]
    fn a_text_file_far_over_the_text_cap_is_read_in_part_and_says_its_size() {
        let line = "Samarbeid over grensene i Trøndelag og Jämtland.\n";
        let big = line.repeat((4 * MAX_TEXT_BYTES + (8 << 20)) / line.len());
        let x = extract(big.as_bytes(), None).unwrap();
        let kept: usize = x.pages.iter().map(String::len).sum();
        assert!(
            kept <= MAX_TEXT_BYTES && kept > MAX_TEXT_BYTES / 2,
            "{kept}"
        );
        let mb = big.len().div_ceil(1 << 20);
        assert!(
            x.warnings
                .iter()
                .any(|w| w.contains(&format!("of {mb} MB"))),
            "{:?}",
            x.warnings
        );
    }

    #[test]
    fn text_extraction_keeps_the_words() {
        let x = extract(
            "Interreg Aurora\n\nSamarbeid over grensene.".as_bytes(),
            None,
        )
        .unwrap();
        assert_eq!(x.format, Some(Format::Text));
        assert!(x.pages[0].contains("Samarbeid over grensene."));
    }
}
