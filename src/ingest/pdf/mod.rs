//! PDF text extraction: turns the bytes of one PDF into clean text, one string per page.
//!
//! Parsing and font decoding (encodings, ToUnicode CMaps, CID fonts) are done by `lopdf` and
//! `pdf-extract`; this module supplies its own [`pdf_extract::OutputDev`] that receives every
//! glyph with its position and rebuilds words and lines itself, because pdf-extract's plain-text
//! output drops spaces on producers that position words without space glyphs. Non-obvious
//! choices:
//!
//! - Each page is rendered on its own inside `catch_unwind`: pdf-extract panics on many odd
//!   files, and one bad page should not lose the rest of the document. The panic message still
//!   goes to the global panic hook (a scoped hook would not be thread-safe); the caller installs
//!   a quiet one if it wants.
//! - lopdf already tries the empty user password while loading (0.42 then drops `/Encrypt` from
//!   the trailer and keeps the decryption state), so an encrypted document whose objects are
//!   readable after loading is one with an empty password; anything else encrypted is reported
//!   as [`PdfError::Encrypted`].
//! - Before drawing, the document is patched where pdf-extract 0.12 reads it wrong (see
//!   `prepare`): visible annotations' appearance streams (text boxes, filled-in form fields) are
//!   appended to the page as pdftotext draws them, and Type0 fonts are rewritten so that
//!   embedded encoding CMaps, `/ToUnicode /Identity-H` and fonts without a ToUnicode map (via
//!   the embedded TrueType `cmap` table) decode.
//! - Drawing one document stops after two thirds of the file's deadline ([`MAX_EXTRACT_TIME`]
//!   without one); pages not reached come back empty, with a warning.
//! - Glyph positions are projected onto each glyph's own baseline direction, so rotated pages
//!   read like upright ones; overprinted duplicate glyphs (fake bold) are dropped.
//! - Clean-up is deliberately narrow: only the ligature code points U+FB00..U+FB06 are NFKC
//!   normalised (a full NFKC would also rewrite superscripts, fractions and the like), soft
//!   hyphens are removed, and a hyphen at a line end is removed only when the word goes on in
//!   lower case and the first part is not an acronym or a mid-sentence capitalised name
//!   (`Interreg-\nprosjekter` keeps its hyphen, `regio-\nnal` becomes `regional`), and
//!   joins nothing before a conjunction (`helse-\nog omsorg`); the rules are
//!   `ingest::text::join_broken_word`'s, which text files and OCR output go through too.
//! - Ligatures that Ghostscript's ToUnicode maps collapsed into Latin-1 letters (`ﬂ` written
//!   as `ü`: `üytter`) are put back when the word list and the document agree on it (see
//!   `cleanup::restore_collapsed_ligatures`).
//! - Running headers and footers are lines among the top or bottom three of a page that, with
//!   digits ignored, repeat on at least 60% of the pages (and at least three pages), and occur
//!   once among the lines of that edge of the page (a column of figures is content).
//! - Text that is mostly U+FFFD, private-use or control characters (fonts without a Unicode
//!   mapping) is refused as [`PdfError::NoUnicodeText`] instead of being indexed as garbage
//!   (ingest then reads the pages by OCR, as it does a PDF that gives no text at all).
//!
//! This file drives one document (guards, loading, drawing page by page); the steps live
//! beside it: `repair` (the shapes that make the parsers overflow the stack, allocate
//! without bound or loop, repaired or refused before parsing), `recover` (damaged encryption
//! dictionaries, rebuilt cross-reference tables),
//! `prepare` (patches before drawing), `fonts` (Type3 and Type0 font repairs), `annotations`,
//! `glyphs` (the glyph sink that rebuilds lines), `cleanup` (lines to text, running headers),
//! `title`, and `objects` (small lopdf helpers).

mod annotations;
mod cleanup;
mod fonts;
mod glyphs;
mod layout;
mod objects;
mod prepare;
mod recover;
mod repair;
mod title;
pub(crate) use title::clean_title;

#[cfg(test)]
mod tests;

use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use lopdf::{Document, ObjectId};
use pdf_extract::OutputError;

use super::frame::stage;
use cleanup::{
    garbage_share, page_text, remove_running_lines, restore_collapsed_ligatures, vocabulary,
};
use glyphs::PageSink;
use objects::{deref, inherited, subtype_is};
use prepare::prepare;
use recover::{patch_encryption, rebuild_xref};
use title::{heading_of_first_page, metadata_date, metadata_title};

/// Largest PDF accepted, in bytes.
pub(crate) const MAX_INPUT_BYTES: usize = 512 * 1024 * 1024;
/// Most glyphs collected from one page; the rest of the page is skipped.
pub(crate) const MAX_PAGE_GLYPHS: usize = 2_000_000;
/// Most characters of text kept for one page.
pub(crate) const MAX_PAGE_CHARS: usize = 2 * 1024 * 1024;
/// Longest time spent drawing the pages of one document when nothing else is set; pages not
/// reached by then are returned empty (with a warning), so a pathological file cannot hold a
/// worker for minutes.
pub(crate) const MAX_EXTRACT_TIME: Duration = Duration::from_secs(20);

/// The drawing time of this process, in milliseconds (see [`set_drawing_time`]).
static DRAWING_MILLIS: std::sync::atomic::AtomicU64 =
    std::sync::atomic::AtomicU64::new(MAX_EXTRACT_TIME.as_millis() as u64);

/// Let the pages of each document be drawn for `time` (an extraction worker sets two thirds
/// of the file's deadline, so a larger `--file-timeout` reads more pages of a long document,
/// and what is drawn is still laid out and sent back in time).
pub(crate) fn set_drawing_time(time: Duration) {
    let millis = u64::try_from(time.as_millis())
        .unwrap_or(u64::MAX)
        .max(1000);
    DRAWING_MILLIS.store(millis, std::sync::atomic::Ordering::Relaxed);
}

/// The time the pages of one document may be drawn for.
fn drawing_time() -> Duration {
    Duration::from_millis(DRAWING_MILLIS.load(std::sync::atomic::Ordering::Relaxed))
}

/// One rebuilt line of text.
#[derive(Debug, Clone)]
struct Line {
    text: String,
    /// Position across the baseline, in the line's own direction.
    y: f64,
    /// Largest font size on the line.
    size: f64,
    dir: i32,
    /// Device-space y of the line, for finding headers and footers.
    page_y: f64,
    /// Where the line starts and ends along its baseline, for [`layout`].
    x0: f64,
    x1: f64,
}

/// Text of one PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdfText {
    /// Document title from the metadata or, failing that, a heading on page 1.
    pub title: Option<String>,
    /// Creation date (`YYYY-MM-DD`) from the info dictionary or the XMP metadata.
    pub date: Option<String>,
    /// One entry per page, in order; `""` for a page without text.
    pub pages: Vec<String>,
    /// True when the file was encrypted but opened with the empty user password.
    pub encrypted_empty_password: bool,
    /// True when the document draws images (its empty pages may be scans).
    pub has_images: bool,
    /// Pages (1-based) that show far more characters than were read (each
    /// has its warning): what OCR may read better.
    pub partly_read: Vec<u32>,
    /// Pages that could not be read, or only in part (`partly extracted: page 3
    /// gave 12 of ~2,400 characters`).
    pub warnings: Vec<String>,
}

/// Why a PDF gave no text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PdfError {
    /// The PDF is encrypted and needs a password.
    Encrypted,
    /// The pages hold images but no text layer: a scan that needs OCR.
    ImageOnly {
        /// Number of pages in the document.
        pages: usize,
    },
    /// The pages hold neither text nor images (blank, or text drawn as vector paths).
    NoText {
        /// Number of pages in the document.
        pages: usize,
    },
    /// The text is mostly unmappable glyphs (fonts without a Unicode mapping).
    NoUnicodeText {
        /// Number of pages in the document.
        pages: usize,
        /// Percentage of the non-space characters that were unmappable.
        unreadable_percent: u32,
    },
    /// The file is not a PDF or is too damaged to read.
    Malformed(String),
    /// The document has zero pages.
    Empty,
    /// The file is larger than [`MAX_INPUT_BYTES`].
    TooLarge {
        /// Size of the input in bytes.
        bytes: usize,
    },
}

impl fmt::Display for PdfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PdfError::Encrypted => write!(
                f,
                "the PDF is encrypted with a password; remove the password (e.g. `qpdf --decrypt`) and add it again"
            ),
            PdfError::ImageOnly { pages } => write!(
                f,
                "the PDF has no text layer (`{pages}` page(s) of images, probably a scan); run OCR on it first (e.g. `ocrmypdf`)"
            ),
            PdfError::NoText { pages } => write!(
                f,
                "the PDF has no extractable text on any of its `{pages}` page(s)"
            ),
            PdfError::NoUnicodeText {
                unreadable_percent, ..
            } => write!(
                f,
                "the PDF's fonts have no Unicode mapping (`{unreadable_percent}%` of the characters are unreadable); re-export it with embedded Unicode fonts or run OCR on it"
            ),
            PdfError::Malformed(why) => write!(f, "the PDF is damaged or not a PDF: {why}"),
            PdfError::Empty => write!(f, "the PDF has no pages"),
            PdfError::TooLarge { bytes } => write!(
                f,
                "the PDF is too large (`{bytes}` bytes, the limit is `{MAX_INPUT_BYTES}`); split it into smaller files"
            ),
        }
    }
}

impl std::error::Error for PdfError {}

/// Extracts the title and the per-page text of a PDF held in memory.
pub fn extract(bytes: &[u8]) -> Result<PdfText, PdfError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(PdfError::TooLarge { bytes: bytes.len() });
    }
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(PdfError::Malformed("no `%PDF-` header".to_string()));
    }
    stage(format_args!("checking its compressed streams"));
    check_inflated_size(bytes, MAX_STREAM_INFLATED, MAX_TOTAL_INFLATED)?;
    // both length repairs write in place: one scan finds the objects for both
    let (objects, _) = recover::scan_objects(bytes);
    let repaired = repair::object_stream_lengths(bytes, &objects).map_err(PdfError::Malformed)?;
    let measured = repair::stream_lengths(&repaired, &objects);
    let plain = repair::exponent_numbers(&measured);
    let bytes: &[u8] = &plain;
    match extract_once(bytes) {
        Err(e @ (PdfError::Malformed(_) | PdfError::NoText { .. } | PdfError::Empty)) => {
            // A damaged cross-reference table is the commonest breakage: rebuild it by scanning
            // for objects and try once more, keeping the first error if that does not help.
            stage(format_args!("rebuilding its cross-reference table"));
            match rebuild_xref(bytes).map(|fixed| extract_once(&fixed)) {
                Some(Ok(text)) => Ok(text),
                // the rebuilt table loaded, and what failed after says more
                Some(Err(PdfError::Malformed(why)))
                    if matches!(&e, PdfError::Malformed(m) if m.starts_with(PARSER_FAILED))
                        && !why.starts_with(PARSER_FAILED) =>
                {
                    Err(PdfError::Malformed(why))
                }
                _ => Err(e),
            }
        }
        other => other,
    }
}

/// How a reason from the parsers begins (the file could not be loaded).
const PARSER_FAILED: &str = "the PDF parser failed";

/// Largest size one Flate stream may inflate to (a decompression-bomb guard).
pub(crate) const MAX_STREAM_INFLATED: u64 = 256 * 1024 * 1024;
/// Largest size all Flate streams together may inflate to.
pub(crate) const MAX_TOTAL_INFLATED: u64 = 1024 * 1024 * 1024;

/// Refuse decompression bombs before the parser allocates them: every
/// `stream … endstream` body that looks zlib-compressed is inflated into a
/// small reused buffer, counting bytes, and the file is refused as soon as
/// one stream or the sum passes its limit. lopdf inflates object streams while
/// loading and content streams in full, so this has to come first.
fn check_inflated_size(bytes: &[u8], per_stream: u64, total: u64) -> Result<(), PdfError> {
    use std::io::Read;
    let mut sum = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    let mut at = 0;
    while let Some(pos) = find(&bytes[at..], b"stream") {
        let mut start = at + pos + b"stream".len();
        at = start;
        // `endstream` also contains `stream`; only a keyword followed by EOL opens one.
        match bytes.get(start) {
            Some(b'\r') if bytes.get(start + 1) == Some(&b'\n') => start += 2,
            Some(b'\n') | Some(b'\r') => start += 1,
            _ => continue,
        }
        // an attachment is never decoded (its text is not the document's):
        // its body, however compressed, and whatever it holds (a PDF with
        // streams of its own), is stepped over
        if let Some(len) = embedded_file_length(&bytes[..at - b"stream".len()]) {
            at = start.saturating_add(len).min(bytes.len());
            continue;
        }
        let body = &bytes[start..];
        // zlib header: CMF 0x78 and a valid check (FlateDecode streams).
        if body.len() < 2
            || body[0] != 0x78
            || (u16::from(body[0]) << 8 | u16::from(body[1])) % 31 != 0
        {
            continue;
        }
        let mut z = flate2::read::ZlibDecoder::new(body);
        let mut this = 0u64;
        loop {
            match z.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    this += n as u64;
                    sum += n as u64;
                    if this > per_stream || sum > total {
                        return Err(PdfError::Malformed(format!(
                            "a compressed stream inflates to more than `{}` MB (a decompression bomb?); the file is refused",
                            if this > per_stream { per_stream } else { total } / (1024 * 1024)
                        )));
                    }
                }
            }
        }
        at = start + (z.total_in() as usize).min(body.len());
    }
    Ok(())
}

/// When the stream whose dictionary ends `before` is an attachment
/// (`/Type /EmbeddedFile`) with a direct `/Length`, that length.
fn embedded_file_length(before: &[u8]) -> Option<usize> {
    let from = before.len().saturating_sub(4096);
    let window = &before[from..];
    let obj = window.windows(3).rposition(|w| w == b"obj")?;
    let dict = &window[obj..];
    let compact: Vec<u8> = dict
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    find(&compact, b"/Type/EmbeddedFile")?;
    let at = find(dict, b"/Length")? + b"/Length".len();
    let rest = std::str::from_utf8(&dict[at..]).ok()?;
    let mut words = rest.split_whitespace();
    let first = words.next()?.trim_end_matches(['/', '>']);
    let length: usize = first.parse().ok()?;
    // `/Length 12 0 R` is a reference, not a length
    let second = words.next().unwrap_or("");
    let third = words.next().unwrap_or("");
    (second.parse::<u32>().is_err() || !third.starts_with('R')).then_some(length)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn load(bytes: &[u8]) -> Result<Document, PdfError> {
    match catch_unwind(|| Document::load_mem(bytes)) {
        Ok(Ok(doc)) => Ok(doc),
        Ok(Err(e)) => Err(PdfError::Malformed(format!("{PARSER_FAILED}: {e}"))),
        Err(panic) => Err(PdfError::Malformed(format!(
            "{PARSER_FAILED}: {}",
            panic_text(&panic)
        ))),
    }
}

/// True when the document is encrypted and lopdf could not open it with the empty password.
fn locked(doc: &Document) -> bool {
    doc.trailer.has(b"Encrypt") && doc.encryption_state.is_none()
}

fn extract_once(bytes: &[u8]) -> Result<PdfText, PdfError> {
    stage(format_args!("parsing the document structure"));
    let mut doc = load(bytes)?;
    repair::unmeasured_streams(&mut doc, bytes);
    if locked(&doc) {
        // lopdf rejects some valid encryption dictionaries (a `/Length` with `/V 1`,
        // 127-byte `/O` and `/U` strings from Acrobat); fix those in place and retry.
        let patched = patch_encryption(bytes, &doc).ok_or(PdfError::Encrypted)?;
        doc = load(&patched).map_err(|_| PdfError::Encrypted)?;
        if locked(&doc) {
            return Err(PdfError::Encrypted);
        }
    }
    // lopdf 0.42 removes `/Encrypt` from the trailer once it has decrypted the objects.
    let encrypted = doc.encryption_state.is_some() || doc.trailer.has(b"Encrypt");
    stage(format_args!("measuring its compressed streams"));
    repair::inflated_sizes(&doc, MAX_STREAM_INFLATED, MAX_TOTAL_INFLATED)
        .map_err(PdfError::Malformed)?;
    repair::decode_text_filters(&mut doc, MAX_STREAM_INFLATED);
    stage(format_args!("reading the page tree"));
    let tree = repair::page_tree(&mut doc);
    let page_ids: Vec<(u32, ObjectId)> = match catch_unwind(AssertUnwindSafe(|| doc.get_pages())) {
        Ok(pages) => pages.into_iter().collect(),
        Err(panic) => {
            return Err(PdfError::Malformed(format!(
                "{PARSER_FAILED}: {}",
                panic_text(&panic)
            )))
        }
    };
    let too_deep = (tree.too_deep > 0).then(|| {
        format!(
            "the page tree nests deeper than {} levels; {} branch(es) below that were not read",
            repair::MAX_TREE_DEPTH,
            tree.too_deep
        )
    });
    if page_ids.is_empty() {
        return Err(too_deep.map_or(PdfError::Empty, PdfError::Malformed));
    }
    stage(format_args!("preparing fonts and pages"));
    let prepared = match catch_unwind(AssertUnwindSafe(|| prepare(&mut doc, &page_ids))) {
        Ok(prepared) => prepared,
        Err(panic) => {
            return Err(PdfError::Malformed(format!(
                "{PARSER_FAILED}: {}",
                panic_text(&panic)
            )))
        }
    };

    let mut pages: Vec<Vec<Line>> = Vec::with_capacity(page_ids.len());
    let had_images = prepared.had_images;
    let mut failures: Vec<String> = prepared
        .floods
        .iter()
        .map(|n| {
            format!(
                "page `{n}` draws more than {} operators and was skipped",
                repair::MAX_OPERATORS
            )
        })
        .collect();
    let drawing = drawing_time();
    let deadline = Instant::now() + drawing;
    let mut one_page = OnePageTree::new(&mut doc);
    // pages the time limit left unread, and pages it or the glyph limit cut short
    let mut unread: Vec<u32> = Vec::new();
    let mut cut: Vec<u32> = Vec::new();
    for &(number, page_id) in &page_ids {
        if Instant::now() >= deadline {
            unread.push(number);
            pages.push(Vec::new());
            continue;
        }
        stage(format_args!("reading page {number}"));
        let mut sink = PageSink {
            deadline: Some(deadline),
            ..PageSink::default()
        };
        let in_tree = match &mut one_page {
            Some(tree) => tree.holding(&mut doc, page_id),
            None => number,
        };
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            pdf_extract::output_doc_page(&doc, &mut sink, in_tree)
        }));
        match outcome {
            Ok(Ok(())) => {}
            // The glyph cap and the time limit end a page early on purpose: keep what was
            // collected.
            Ok(Err(_)) if sink.capped => cut.push(number),
            Ok(Err(e)) => failures.push(format!("page `{number}`: {}", output_error_text(&e))),
            Err(panic) => failures.push(format!("page `{number}`: {}", panic_text(&panic))),
        }
        pages.push(sink.finish());
    }

    if let Some(tree) = one_page {
        tree.restore(&mut doc);
    }

    let has_text = pages.iter().any(|lines| !lines.is_empty());
    if !has_text {
        if failures.len() == page_ids.len() {
            return Err(PdfError::Malformed(format!(
                "{PARSER_FAILED}: {}",
                failures
                    .first()
                    .map(String::as_str)
                    .unwrap_or("no page could be read")
            )));
        }
        return Err(if had_images {
            PdfError::ImageOnly {
                pages: page_ids.len(),
            }
        } else {
            PdfError::NoText {
                pages: page_ids.len(),
            }
        });
    }

    let garbage = garbage_share(&pages);
    if garbage > 0.5 {
        return Err(PdfError::NoUnicodeText {
            pages: page_ids.len(),
            unreadable_percent: (garbage * 100.0).round() as u32,
        });
    }

    restore_collapsed_ligatures(&mut pages);
    let heading = heading_of_first_page(&pages);
    remove_running_lines(&mut pages);
    let vocabulary = vocabulary(&pages);
    let texts: Vec<String> = pages
        .iter()
        .map(|lines| page_text(lines, &vocabulary))
        .collect();
    let title = metadata_title(&doc).or(heading);
    stage(format_args!("checking that every page was read"));
    let mut warnings: Vec<String> = failures
        .into_iter()
        .map(|f| format!("could not read {f}"))
        .collect();
    warnings.extend(too_deep);
    let (partly_read, partly): (Vec<u32>, Vec<String>) =
        partly_read_pages(&page_ids, &prepared.shown, &texts)
            .into_iter()
            .unzip();
    warnings.extend(partly);
    if let (Some(first), Some(last)) = (unread.first(), unread.last()) {
        warnings.push(format!(
            "partly extracted: {} page(s), {first} to {last}, were not read within the {} s a document's pages may take",
            unread.len(),
            drawing.as_secs()
        ));
    }
    if !cut.is_empty() {
        let shown: Vec<String> = cut.iter().take(10).map(u32::to_string).collect();
        warnings.push(format!(
            "partly extracted: page(s) {}{} were cut short (more than {MAX_PAGE_GLYPHS} characters drawn, or the time limit)",
            shown.join(", "),
            if cut.len() > 10 { " …" } else { "" }
        ));
    }
    Ok(PdfText {
        title,
        date: metadata_date(&doc),
        pages: texts,
        encrypted_empty_password: encrypted,
        has_images: had_images,
        partly_read,
        warnings,
    })
}

/// The catalog's page tree swapped for one holding a single page while the
/// pages are drawn: pdf-extract's `output_doc_page` finds its page by walking
/// the whole tree, so drawing every page of a long document walked it once
/// per page (8,000 pages: 17 s, against 0.2 s for pdftotext). A page keeps
/// its own `/Parent`, so what it inherits (resources, boxes) is unchanged.
struct OnePageTree {
    catalog: ObjectId,
    /// The catalog's `/Pages` as the file has it, put back by [`Self::restore`].
    pages: lopdf::Object,
    node: ObjectId,
}

impl OnePageTree {
    fn new(doc: &mut Document) -> Option<OnePageTree> {
        use lopdf::{Dictionary, Object};
        let catalog = doc.trailer.get(b"Root").ok()?.as_reference().ok()?;
        let pages = doc
            .get_dictionary(catalog)
            .ok()?
            .get(b"Pages")
            .ok()?
            .clone();
        let mut node = Dictionary::new();
        node.set("Type", Object::Name(b"Pages".to_vec()));
        node.set("Kids", Object::Array(Vec::new()));
        node.set("Count", Object::Integer(1));
        let node = doc.add_object(Object::Dictionary(node));
        doc.get_dictionary_mut(catalog)
            .ok()?
            .set("Pages", Object::Reference(node));
        Some(OnePageTree {
            catalog,
            pages,
            node,
        })
    }

    /// Make `page` the tree's one page; its number there (1).
    fn holding(&mut self, doc: &mut Document, page: ObjectId) -> u32 {
        if let Ok(node) = doc.get_dictionary_mut(self.node) {
            node.set(
                "Kids",
                lopdf::Object::Array(vec![lopdf::Object::Reference(page)]),
            );
        }
        1
    }

    /// Put the file's own page tree back.
    fn restore(self, doc: &mut Document) {
        if let Ok(catalog) = doc.get_dictionary_mut(self.catalog) {
            catalog.set("Pages", self.pages);
        }
        doc.objects.remove(&self.node);
    }
}

/// Pages whose content shows (with `Tj`, `TJ`, `'`, `"`) at least
/// [`PARTLY_READ_MIN`] characters but whose text holds less than a quarter of
/// that: something the reader does not understand drew the rest (issue 14,
/// "never a silent loss"). Text in forms is not counted, so a page is only
/// reported when its own content shows more than was read.
fn partly_read_pages(
    page_ids: &[(u32, ObjectId)],
    shown: &[usize],
    texts: &[String],
) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    for ((&(number, _), &shown), text) in page_ids.iter().zip(shown).zip(texts) {
        let read = text.chars().filter(|c| !c.is_whitespace()).count();
        if shown >= PARTLY_READ_MIN && read * 4 < shown {
            out.push((
                number,
                format!(
                    "{} gave {read} of ~{shown} characters",
                    partly_read_prefix(number)
                ),
            ));
        }
    }
    out
}

/// How the warning on a partly read page begins (`partly extracted: page 3`).
pub(crate) fn partly_read_prefix(page: u32) -> String {
    format!("partly extracted: page {page}")
}

/// Characters a page must show before a shortfall is reported.
const PARTLY_READ_MIN: usize = 200;

/// Resource names of the page's Type0 fonts (two bytes a glyph).
fn two_byte_fonts(doc: &Document, page_id: ObjectId) -> Vec<Vec<u8>> {
    let Ok(page) = doc.get_dictionary(page_id) else {
        return Vec::new();
    };
    let Some(fonts) = inherited(doc, page, b"Resources")
        .and_then(|r| r.as_dict().ok())
        .and_then(|r| r.get(b"Font").ok())
        .and_then(|f| deref(doc, f))
        .and_then(|f| f.as_dict().ok())
    else {
        return Vec::new();
    };
    fonts
        .iter()
        .filter(|(_, f)| {
            deref(doc, f)
                .and_then(|f| f.as_dict().ok())
                .is_some_and(|f| subtype_is(f, b"Type0"))
        })
        .map(|(name, _)| name.clone())
        .collect()
}

/// A caught panic of the PDF library as a reason a user can read: the
/// library met something in the file it did not expect (its own words
/// after, for a bug report).
fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    const WHAT: &str = "the PDF library met something it did not expect there";
    match super::panics::panic_payload(&**panic) {
        Some(s) => format!("{WHAT} (`{s}`)"),
        None => WHAT.to_string(),
    }
}

fn output_error_text(e: &OutputError) -> String {
    match e {
        OutputError::PdfError(e) => format!("`{e}`"),
        OutputError::IoError(e) => format!("`{e}`"),
        OutputError::FormatError(_) => "a formatting error".to_string(),
    }
}
