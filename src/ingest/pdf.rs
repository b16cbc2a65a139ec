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
//! - Drawing one document stops after [`MAX_EXTRACT_TIME`]; pages not reached come back empty.
//! - Glyph positions are projected onto each glyph's own baseline direction, so rotated pages
//!   read like upright ones; overprinted duplicate glyphs (fake bold) are dropped.
//! - Clean-up is deliberately narrow: only the ligature code points U+FB00..U+FB06 are NFKC
//!   normalised (a full NFKC would also rewrite superscripts, fractions and the like), soft
//!   hyphens are removed, and a hyphen at a line end is removed only when the word goes on in
//!   lower case and the first part is not an acronym or a mid-sentence capitalised name
//!   (`Interreg-\nprosjekter` keeps its hyphen, `regio-\nnal` becomes `regional`).
//! - Running headers and footers are lines among the top or bottom three of a page that, with
//!   digits ignored, repeat on at least 60% of the pages (and at least three pages).
//! - Text that is mostly U+FFFD, private-use or control characters (fonts without a Unicode
//!   mapping) is refused as [`PdfError::NoUnicodeText`] instead of being indexed as garbage.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use lopdf::{Dictionary, Document, Object, ObjectId};
use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};
use unicode_normalization::UnicodeNormalization;

use super::pdf_repair;
use super::worker::stage;

/// Largest PDF accepted, in bytes.
pub const MAX_INPUT_BYTES: usize = 512 * 1024 * 1024;
/// Most glyphs collected from one page; the rest of the page is skipped.
pub const MAX_PAGE_GLYPHS: usize = 2_000_000;
/// Most characters of text kept for one page.
pub const MAX_PAGE_CHARS: usize = 2 * 1024 * 1024;
/// Longest time spent drawing the pages of one document; pages not reached by then are
/// returned empty, so a pathological file cannot hold a worker for minutes.
pub const MAX_EXTRACT_TIME: Duration = Duration::from_secs(20);

/// How many lines at the top and at the bottom of a page may be a running header or footer.
const EDGE_LINES: usize = 3;
/// Share of pages a line must repeat on to count as a running header or footer.
const REPEAT_SHARE: f64 = 0.6;
/// Fewest pages a line must repeat on to count as a running header or footer.
const REPEAT_MIN_PAGES: usize = 3;

/// Text of one PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdfText {
    /// Document title from the metadata or, failing that, a heading on page 1.
    pub title: Option<String>,
    /// One entry per page, in order; `""` for a page without text.
    pub pages: Vec<String>,
    /// True when the file was encrypted but opened with the empty user password.
    pub encrypted_empty_password: bool,
    /// True when the document draws images (its empty pages may be scans).
    pub has_images: bool,
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
            PdfError::NoUnicodeText { unreadable_percent } => write!(
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
    let repaired = pdf_repair::object_stream_lengths(bytes).map_err(PdfError::Malformed)?;
    let bytes: &[u8] = &repaired;
    match extract_once(bytes) {
        Err(e @ (PdfError::Malformed(_) | PdfError::NoText { .. } | PdfError::Empty)) => {
            // A damaged cross-reference table is the commonest breakage: rebuild it by scanning
            // for objects and try once more, keeping the first error if that does not help.
            stage(format_args!("rebuilding its cross-reference table"));
            match rebuild_xref(bytes).map(|fixed| extract_once(&fixed)) {
                Some(Ok(text)) => Ok(text),
                _ => Err(e),
            }
        }
        other => other,
    }
}

/// Largest size one Flate stream may inflate to (a decompression-bomb guard).
pub const MAX_STREAM_INFLATED: u64 = 256 * 1024 * 1024;
/// Largest size all Flate streams together may inflate to.
pub const MAX_TOTAL_INFLATED: u64 = 1024 * 1024 * 1024;

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

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn load(bytes: &[u8]) -> Result<Document, PdfError> {
    match catch_unwind(|| Document::load_mem(bytes)) {
        Ok(Ok(doc)) => Ok(doc),
        Ok(Err(e)) => Err(PdfError::Malformed(format!("the PDF parser failed: {e}"))),
        Err(panic) => Err(PdfError::Malformed(format!(
            "the PDF parser failed: {}",
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
    pdf_repair::inflated_sizes(&doc, MAX_STREAM_INFLATED, MAX_TOTAL_INFLATED)
        .map_err(PdfError::Malformed)?;
    stage(format_args!("reading the page tree"));
    pdf_repair::page_tree(&mut doc);
    let page_ids: Vec<(u32, ObjectId)> = match catch_unwind(AssertUnwindSafe(|| doc.get_pages())) {
        Ok(pages) => pages.into_iter().collect(),
        Err(panic) => {
            return Err(PdfError::Malformed(format!(
                "the PDF parser failed: {}",
                panic_text(&panic)
            )))
        }
    };
    if page_ids.is_empty() {
        return Err(PdfError::Empty);
    }
    stage(format_args!("preparing fonts and pages"));
    let prepared = match catch_unwind(AssertUnwindSafe(|| prepare(&mut doc, &page_ids))) {
        Ok(prepared) => prepared,
        Err(panic) => {
            return Err(PdfError::Malformed(format!(
                "the PDF parser failed: {}",
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
                pdf_repair::MAX_OPERATORS
            )
        })
        .collect();
    let deadline = Instant::now() + MAX_EXTRACT_TIME;
    for &(number, _) in &page_ids {
        if Instant::now() >= deadline {
            pages.push(Vec::new());
            continue;
        }
        stage(format_args!("reading page {number}"));
        let mut sink = PageSink {
            deadline: Some(deadline),
            ..PageSink::default()
        };
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            pdf_extract::output_doc_page(&doc, &mut sink, number)
        }));
        match outcome {
            Ok(Ok(())) => {}
            // The glyph cap and the time limit end a page early on purpose: keep what was
            // collected.
            Ok(Err(_)) if sink.capped => {}
            Ok(Err(e)) => failures.push(format!("page `{number}`: {}", output_error_text(&e))),
            Err(panic) => failures.push(format!("page `{number}`: {}", panic_text(&panic))),
        }
        pages.push(sink.finish());
    }

    let has_text = pages.iter().any(|lines| !lines.is_empty());
    if !has_text {
        if failures.len() == page_ids.len() {
            return Err(PdfError::Malformed(format!(
                "the PDF parser failed: {}",
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
            unreadable_percent: (garbage * 100.0).round() as u32,
        });
    }

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
    warnings.extend(partly_read_pages(&page_ids, &prepared.shown, &texts));
    Ok(PdfText {
        title,
        pages: texts,
        encrypted_empty_password: encrypted,
        has_images: had_images,
        warnings,
    })
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
) -> Vec<String> {
    let mut out = Vec::new();
    for ((&(number, _), &shown), text) in page_ids.iter().zip(shown).zip(texts) {
        let read = text.chars().filter(|c| !c.is_whitespace()).count();
        if shown >= PARTLY_READ_MIN && read * 4 < shown {
            out.push(format!(
                "partly extracted: page {number} gave {read} of ~{shown} characters"
            ));
        }
    }
    out
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

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    match super::extract::panic_payload(&**panic) {
        Some(s) => format!("`{s}`"),
        None => "an internal error".to_string(),
    }
}

fn output_error_text(e: &OutputError) -> String {
    match e {
        OutputError::PdfError(e) => format!("`{e}`"),
        OutputError::IoError(e) => format!("`{e}`"),
        OutputError::FormatError(_) => "a formatting error".to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Glyph collection
// ---------------------------------------------------------------------------------------------

/// One glyph as drawn, in the coordinates of its own baseline direction.
#[derive(Debug, Clone)]
struct Glyph {
    /// Position along the baseline.
    x: f64,
    /// Position across the baseline (up is positive).
    y: f64,
    /// Advance width along the baseline.
    advance: f64,
    /// Font size in device units.
    size: f64,
    /// Baseline direction, quantised to whole degrees.
    dir: i32,
    /// Device-space y of the glyph (for top/bottom of page).
    page_y: f64,
    text: String,
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
}

/// An [`OutputDev`] that keeps the glyphs of one page.
#[derive(Default)]
struct PageSink {
    glyphs: Vec<Glyph>,
    /// Set when the page was cut short by [`MAX_PAGE_GLYPHS`] or the deadline.
    capped: bool,
    /// When to stop drawing (see [`MAX_EXTRACT_TIME`]).
    deadline: Option<Instant>,
    /// Drawing callbacks since the deadline was last checked.
    calls: u32,
}

impl PageSink {
    /// Errors out (ending pdf-extract's page) once the glyph cap or the deadline is reached.
    fn check_limits(&mut self) -> Result<(), OutputError> {
        self.calls = self.calls.wrapping_add(1);
        let late =
            self.calls.is_multiple_of(64) && self.deadline.is_some_and(|d| Instant::now() >= d);
        if late || self.glyphs.len() >= MAX_PAGE_GLYPHS {
            self.capped = true;
            return Err(OutputError::FormatError(fmt::Error));
        }
        Ok(())
    }
}

impl OutputDev for PageSink {
    fn begin_page(
        &mut self,
        _page_num: u32,
        _media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        char: &str,
    ) -> Result<(), OutputError> {
        self.check_limits()?;
        if char.is_empty() {
            return Ok(());
        }
        let (px, py) = (trm.m31, trm.m32);
        let along = (trm.m11.hypot(trm.m12)).max(1e-9);
        let across = trm.m21.hypot(trm.m22);
        let (dx, dy) = (trm.m11 / along, trm.m12 / along);
        let mut size = (font_size * across).abs();
        if !size.is_finite() || size < 0.01 {
            size = (font_size * along).abs().max(0.01);
        }
        let mut advance = width * font_size * along;
        if !advance.is_finite() || advance <= 0.0 {
            advance = 0.5 * size * char.chars().count() as f64;
        }
        let dir = (dy.atan2(dx).to_degrees().round() as i32).rem_euclid(360);
        let x = px * dx + py * dy;
        let y = -px * dy + py * dx;
        if !(x.is_finite() && y.is_finite()) {
            return Ok(());
        }
        self.glyphs.push(Glyph {
            x,
            y,
            advance,
            size,
            dir,
            page_y: py,
            text: char.to_string(),
        });
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn stroke(
        &mut self,
        _ctm: &Transform,
        _colorspace: &pdf_extract::ColorSpace,
        _color: &[f64],
        _path: &pdf_extract::Path,
    ) -> Result<(), OutputError> {
        self.check_limits()
    }

    fn fill(
        &mut self,
        _ctm: &Transform,
        _colorspace: &pdf_extract::ColorSpace,
        _color: &[f64],
        _path: &pdf_extract::Path,
    ) -> Result<(), OutputError> {
        self.check_limits()
    }
}

impl PageSink {
    /// Rebuilds the lines of the page from its glyphs, in content-stream order.
    fn finish(self) -> Vec<Line> {
        let mut lines: Vec<Line> = Vec::new();
        let mut cur = String::new();
        let mut cur_meta: Option<(f64, f64, i32, f64)> = None; // y, size, dir, page_y
        let mut prev: Option<&Glyph> = None;
        let mut prev_end = 0.0;
        let mut pending_space = false;
        let mut chars_kept = 0usize;
        // x of the vertical (top-to-bottom) CJK column being read, if the line is one.
        let mut column: Option<f64> = None;

        let flush =
            |cur: &mut String, meta: &mut Option<(f64, f64, i32, f64)>, lines: &mut Vec<Line>| {
                let text = tidy_line(cur);
                if let Some((y, size, dir, page_y)) = meta.take() {
                    if !text.is_empty() {
                        lines.push(Line {
                            text,
                            y,
                            size,
                            dir,
                            page_y,
                        });
                    }
                }
                cur.clear();
            };

        for g in &self.glyphs {
            if chars_kept >= MAX_PAGE_CHARS {
                break;
            }
            let blank = g.text.chars().all(char::is_whitespace);
            if let Some(p) = prev {
                let size = g.size.max(p.size);
                let same_dir = g.dir == p.dir;
                let dy = (g.y - p.y).abs();
                // Overprinted duplicate (fake bold): same glyph at (almost) the same spot. Not
                // one that starts where the last one ends: that is a doubled letter ("ll"), even
                // when the font size says little about the glyphs' real size (Type3 fonts
                // with a small /FontMatrix set at 58 pt draw letters of a few points).
                if same_dir
                    && !blank
                    && g.text == p.text
                    && (g.x - p.x).abs() < (0.1 * size).min(0.5 * p.advance)
                    && dy < 0.1 * size
                {
                    continue;
                }
                if !blank && same_dir {
                    column = continues_column(column, p, g, size);
                    if column.is_some() {
                        cur.push_str(&g.text);
                        chars_kept += g.text.len();
                        prev = Some(g);
                        prev_end = g.x + g.advance;
                        continue;
                    }
                }
                let new_line = !same_dir || dy > 0.5 * size || g.x < prev_end - 1.5 * size;
                if new_line {
                    flush(&mut cur, &mut cur_meta, &mut lines);
                    pending_space = false;
                } else if !blank && (pending_space || g.x > prev_end + 0.15 * size) {
                    cur.push(' ');
                    pending_space = false;
                }
            }
            if blank {
                pending_space = true;
            } else {
                match cur_meta.as_mut() {
                    None => cur_meta = Some((g.y, g.size, g.dir, g.page_y)),
                    Some(meta) => {
                        if g.size > meta.1 {
                            meta.1 = g.size;
                        }
                    }
                }
                cur.push_str(&g.text);
                chars_kept += g.text.len();
            }
            prev = Some(g);
            prev_end = g.x + g.advance;
        }
        flush(&mut cur, &mut cur_meta, &mut lines);
        lines
    }
}

/// Whether `g` continues a vertical (top-to-bottom) column of CJK text after `p`, returning the
/// column's x if so. Vertical Japanese and Chinese is often drawn one glyph at a time, each
/// placed about one em below the last (and through a horizontal font, so the text direction
/// says nothing); read glyph by glyph it would be one character per line. A column starts
/// where a CJK glyph sits directly below another at 0.8–1.3 em; it goes on while glyphs stay
/// within 0.8 em of its x and up to 2.5 em lower, which lets through the small offsets of
/// punctuation set in a separate font.
fn continues_column(column: Option<f64>, p: &Glyph, g: &Glyph, size: f64) -> Option<f64> {
    if !is_cjk_text(&g.text) {
        return None;
    }
    let below = p.y - g.y;
    match column {
        Some(x) => ((g.x - x).abs() < 0.8 * size && (-0.2 * size..2.5 * size).contains(&below))
            .then_some(x),
        None => (is_cjk_text(&p.text)
            && (g.x - p.x).abs() < 0.25 * size
            && (0.8 * size..=1.3 * size).contains(&below))
        .then_some(p.x),
    }
}

/// True when every character is from a CJK script or CJK punctuation (the scripts written
/// vertically).
fn is_cjk_text(text: &str) -> bool {
    !text.is_empty()
        && text.chars().all(|c| {
            matches!(c as u32,
                0x3000..=0x30FF // CJK punctuation, hiragana, katakana
                | 0x3400..=0x4DBF // CJK extension A
                | 0x4E00..=0x9FFF // CJK unified ideographs
                | 0xAC00..=0xD7AF // Hangul syllables
                | 0xF900..=0xFAFF // CJK compatibility ideographs
                | 0xFE30..=0xFE4F // CJK compatibility forms (vertical punctuation)
                | 0xFF00..=0xFFEF // half- and full-width forms
            )
        })
}

// ---------------------------------------------------------------------------------------------
// Text clean-up
// ---------------------------------------------------------------------------------------------

/// Normalises ligatures, drops soft hyphens and control characters, and collapses spaces.
fn tidy_line(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut space = false;
    for c in raw.chars() {
        match c {
            '\u{00AD}' => {}
            '\u{FB00}'..='\u{FB06}' => {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.extend(c.to_string().nfkc());
            }
            c if c.is_whitespace() => space = true,
            c if c.is_control() || is_format_junk(c) => {}
            c => {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.push(c);
            }
        }
    }
    out
}

/// Zero-width and byte-order characters that only disturb tokenisation.
fn is_format_junk(c: char) -> bool {
    matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}')
}

/// True for characters that mean "the font had no Unicode mapping".
fn is_garbage(c: char) -> bool {
    c == '\u{FFFD}'
        || (c.is_control() && !c.is_whitespace())
        || ('\u{E000}'..='\u{F8FF}').contains(&c)
        || c >= '\u{F0000}'
}

fn garbage_share(pages: &[Vec<Line>]) -> f64 {
    let (mut bad, mut all) = (0usize, 0usize);
    for line in pages.iter().flatten() {
        for c in line.text.chars().filter(|c| !c.is_whitespace()) {
            all += 1;
            if is_garbage(c) {
                bad += 1;
            }
        }
    }
    if all == 0 {
        0.0
    } else {
        bad as f64 / all as f64
    }
}

/// Every word of the document's lines, lowercased, edge punctuation trimmed, inner hyphens
/// kept (`interreg-prosjekter`): how the document itself spells words, for
/// [`join_hyphenated`].
fn vocabulary(pages: &[Vec<Line>]) -> HashSet<String> {
    let mut words = HashSet::new();
    for line in pages.iter().flatten() {
        for raw in line.text.split_whitespace() {
            let w = raw.trim_matches(|c: char| !c.is_alphanumeric());
            if w.chars().count() >= 2 {
                words.insert(w.to_lowercase());
            }
        }
    }
    words
}

/// Joins the lines of a page into text: hyphenated words rejoined, paragraphs as blank lines.
fn page_text(lines: &[Line], vocabulary: &HashSet<String>) -> String {
    let mut out = String::new();
    let mut prev: Option<&Line> = None;
    for line in lines {
        let text: String = line.text.chars().filter(|&c| !is_garbage(c)).collect();
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        if let Some(p) = prev {
            if let Some(joined) = join_hyphenated(&out, text, vocabulary) {
                out = joined;
                prev = Some(line);
                continue;
            }
            let gap = p.y - line.y;
            let size = p.size.max(line.size);
            let paragraph = p.dir == line.dir && (gap > 1.9 * size || gap < -0.5 * size);
            out.push_str(if paragraph { "\n\n" } else { "\n" });
        }
        out.push_str(text);
        prev = Some(line);
        if out.len() >= MAX_PAGE_CHARS {
            let mut cut = MAX_PAGE_CHARS;
            while !out.is_char_boundary(cut) {
                cut -= 1;
            }
            out.truncate(cut);
            break;
        }
    }
    out
}

/// If `before` ends in a word broken by a hyphen, returns `before` joined with `next`.
///
/// Whether the hyphen stays is decided first by how the document spells the word elsewhere
/// (`vocabulary`): `Con-|gress` becomes `Congress` where `Congress` occurs, `e-|post` stays
/// `e-post` where `e-post` does. Otherwise by the word's shape: a hyphen stays before a
/// capital, after an acronym or number, and after a capitalised word inside a sentence
/// (`Interreg-|prosjekter`); elsewhere it was the line break's (`regio-|nal`).
fn join_hyphenated(before: &str, next: &str, vocabulary: &HashSet<String>) -> Option<String> {
    let stem = before.strip_suffix(['-', '\u{2010}'])?;
    let first_part: String = {
        let rev: Vec<char> = stem
            .chars()
            .rev()
            .take_while(|c| c.is_alphanumeric())
            .collect();
        rev.into_iter().rev().collect()
    };
    let last = first_part.chars().last()?;
    if !last.is_alphabetic() {
        return None;
    }
    let next_first = next.chars().next()?;
    if !next_first.is_alphabetic() {
        return None;
    }
    let acronym = first_part.chars().filter(|c| c.is_uppercase()).count() >= 2
        || first_part.chars().any(|c| c.is_ascii_digit());
    let capitalised = first_part.chars().next().is_some_and(char::is_uppercase);
    let sentence_start = {
        let before_word = stem[..stem.len() - first_part.len()].trim_end();
        before_word.is_empty() || before_word.ends_with(['.', '!', '?', ':', '\n'])
    };
    let second_part: String = next.chars().take_while(|c| c.is_alphanumeric()).collect();
    let whole = format!("{first_part}{second_part}").to_lowercase();
    let hyphenated = format!("{first_part}-{second_part}").to_lowercase();
    let keep_hyphen = match (
        vocabulary.contains(&whole),
        vocabulary.contains(&hyphenated),
    ) {
        (true, false) => false,
        (false, true) => true,
        _ => next_first.is_uppercase() || acronym || (capitalised && !sentence_start),
    };
    let mut joined = String::with_capacity(before.len() + next.len());
    if keep_hyphen {
        joined.push_str(before);
    } else {
        joined.push_str(stem);
    }
    joined.push_str(next);
    Some(joined)
}

/// Key under which repeating header/footer lines are compared: digits and case ignored.
fn running_key(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    let mut last_digit = false;
    for c in text.chars() {
        if c.is_ascii_digit() || c.is_numeric() {
            if !last_digit {
                key.push('#');
            }
            last_digit = true;
        } else {
            last_digit = false;
            if !c.is_whitespace() {
                key.extend(c.to_lowercase());
            }
        }
    }
    key
}

/// Indices of the lines among the top and bottom [`EDGE_LINES`] of a page.
fn edge_lines(lines: &[Line]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..lines.len()).collect();
    order.sort_by(|&a, &b| lines[b].page_y.total_cmp(&lines[a].page_y));
    let mut picked: Vec<usize> = order.iter().take(EDGE_LINES).copied().collect();
    picked.extend(order.iter().rev().take(EDGE_LINES).copied());
    picked.sort_unstable();
    picked.dedup();
    picked
}

/// Drops running headers and footers (see the module doc for the rule).
fn remove_running_lines(pages: &mut [Vec<Line>]) {
    let total = pages.len();
    let needed = ((total as f64 * REPEAT_SHARE).ceil() as usize).max(REPEAT_MIN_PAGES);
    if total < needed {
        return;
    }
    let mut counts: HashMap<String, usize> = HashMap::new();
    for lines in pages.iter() {
        let keys: HashSet<String> = edge_lines(lines)
            .into_iter()
            .map(|i| running_key(&lines[i].text))
            .collect();
        for key in keys {
            *counts.entry(key).or_default() += 1;
        }
    }
    let running: HashSet<&String> = counts
        .iter()
        .filter(|&(_, &n)| n >= needed)
        .map(|(k, _)| k)
        .collect();
    if running.is_empty() {
        return;
    }
    for lines in pages.iter_mut() {
        let drop: HashSet<usize> = edge_lines(lines)
            .into_iter()
            .filter(|&i| running.contains(&running_key(&lines[i].text)))
            .collect();
        // A page that is nothing but the repeated line is content, not decoration.
        if drop.len() >= lines.len() {
            continue;
        }
        let mut i = 0;
        lines.retain(|_| {
            let keep = !drop.contains(&i);
            i += 1;
            keep
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Images
// ---------------------------------------------------------------------------------------------

/// A stream's bytes, decompressed when its filters allow, else as stored.
fn stream_bytes(stream: &lopdf::Stream) -> Vec<u8> {
    stream
        .decompressed_content()
        .unwrap_or_else(|_| stream.content.clone())
}

fn deref<'a>(doc: &'a Document, obj: &'a Object) -> Option<&'a Object> {
    doc.dereference(obj).ok().map(|(_, o)| o)
}

fn deref_dict<'a>(doc: &'a Document, obj: &'a Object) -> Option<&'a Dictionary> {
    deref(doc, obj).and_then(|o| o.as_dict().ok())
}

fn inherited<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let mut current = dict;
    for _ in 0..32 {
        if let Ok(obj) = current.get(key) {
            return deref(doc, obj);
        }
        let parent = current.get(b"Parent").ok()?.as_reference().ok()?;
        current = doc.get_dictionary(parent).ok()?;
    }
    None
}

fn subtype_is(dict: &Dictionary, name: &[u8]) -> bool {
    dict.get(b"Subtype")
        .and_then(Object::as_name)
        .is_ok_and(|n| n == name)
}

/// Works around pdf-extract's weak spots before it sees the document; returns whether the
/// document draws any image.
///
/// - Image XObjects become empty forms: pdf-extract would otherwise parse their pixel data as a
///   content stream (slow, and it panics on some).
/// - Inline images are cut out of page contents (lopdf's content parser fails on many).
/// - Form XObjects that draw themselves (directly or in a loop) lose their `Do` operators:
///   pdf-extract recurses without a limit and would overflow the stack, which no
///   `catch_unwind` can stop.
/// - Simple fonts with an `/Encoding` lose their embedded Type1/CFF program: pdf-extract lets
///   the program's built-in encoding override `/Encoding`, the reverse of the PDF rule.
/// - Type0 fonts are rewritten where pdf-extract would decode them wrong or not at all (see
///   `fix_composite_fonts`).
/// - Type3 fonts get `/Widths` in thousandths of an em (see `scale_type3_widths`).
/// - Pages without a usable `/MediaBox` get US Letter (pdf-extract panics without one).
/// - The `'` and `"` text operators, which pdf-extract does not implement, are rewritten as
///   `T*` and `Tj` (Ghostscript writes whole documents with them).
/// - A page or form drawing more than `pdf_repair::MAX_OPERATORS` operators is not drawn.
/// - Visible annotations are drawn after the page content (see `draw_annotations`).
fn prepare(doc: &mut Document, page_ids: &[(u32, ObjectId)]) -> Prepared {
    let mut had_images = false;

    let image_ids: Vec<ObjectId> = doc
        .objects
        .iter()
        .filter(|(_, o)| o.as_stream().is_ok_and(|s| subtype_is(&s.dict, b"Image")))
        .map(|(&id, _)| id)
        .collect();
    had_images |= !image_ids.is_empty();
    for id in image_ids {
        let mut dict = Dictionary::new();
        dict.set("Type", Object::Name(b"XObject".to_vec()));
        dict.set("Subtype", Object::Name(b"Form".to_vec()));
        dict.set(
            "BBox",
            Object::Array(vec![0.into(), 0.into(), 1.into(), 1.into()]),
        );
        doc.objects
            .insert(id, Object::Stream(lopdf::Stream::new(dict, Vec::new())));
    }

    let (floods, shown) = rewrite_page_contents(doc, page_ids, &mut had_images);

    let mut strip = HashSet::new();
    {
        let mut done = HashSet::new();
        for &(_, page_id) in page_ids {
            let Ok(page) = doc.get_dictionary(page_id) else {
                continue;
            };
            if let Some(res) = inherited(doc, page, b"Resources").and_then(|o| o.as_dict().ok()) {
                let mut stack = Vec::new();
                find_form_loops(doc, res, &mut stack, &mut done, &mut strip);
            }
        }
    }
    for id in strip {
        if let Ok(Object::Stream(stream)) = doc.get_object_mut(id) {
            let content = stream_bytes(stream);
            let kept = lopdf::content::Content::decode(&content)
                .ok()
                .and_then(|mut c| {
                    c.operations.retain(|op| op.operator != "Do");
                    c.encode().ok()
                })
                .unwrap_or_default();
            stream.set_plain_content(kept);
        }
    }

    let mut with_encoding = HashSet::new();
    let mut without_encoding = HashSet::new();
    for obj in doc.objects.values() {
        let Ok(font) = obj.as_dict() else { continue };
        let simple = matches!(
            font.get(b"Subtype").and_then(Object::as_name),
            Ok(b"Type1" | b"MMType1" | b"TrueType")
        );
        let Ok(descriptor) = font.get(b"FontDescriptor").and_then(Object::as_reference) else {
            continue;
        };
        if !simple {
            continue;
        }
        if font.has(b"Encoding") {
            with_encoding.insert(descriptor);
        } else {
            without_encoding.insert(descriptor);
        }
    }
    for id in with_encoding.difference(&without_encoding) {
        if let Ok(Object::Dictionary(descriptor)) = doc.get_object_mut(*id) {
            descriptor.remove(b"FontFile");
            descriptor.remove(b"FontFile3");
        }
    }

    inflate_unfiltered_cmaps(doc);
    fix_composite_fonts(doc);
    scale_type3_widths(doc);
    for &(_, page_id) in page_ids {
        if inherited_media_box(doc, page_id).is_none() {
            if let Ok(Object::Dictionary(page)) = doc.get_object_mut(page_id) {
                // US Letter, as other readers assume; pdf-extract needs some box.
                page.set(
                    "MediaBox",
                    Object::Array(vec![0.into(), 0.into(), 612.into(), 792.into()]),
                );
            }
        }
        draw_annotations(doc, page_id);
    }
    Prepared {
        had_images,
        floods,
        shown,
    }
}

/// Read and inflate each page's content once, and in that one pass: empty
/// it when it floods more than [`pdf_repair::MAX_OPERATORS`] operators
/// (pdf-extract holds gigabytes for such floods), cut out inline images
/// (lopdf's content parser fails on many), rewrite the `'` and `"` text
/// operators pdf-extract does not implement, and count the characters it
/// shows (for [`partly_read_pages`]). Forms get the same flood and operator
/// rewriting. Returns the flooded pages and each page's shown characters.
fn rewrite_page_contents(
    doc: &mut Document,
    page_ids: &[(u32, ObjectId)],
    had_images: &mut bool,
) -> (Vec<u32>, Vec<usize>) {
    let cap = pdf_repair::MAX_OPERATORS + 1;
    let forms: Vec<ObjectId> = doc
        .objects
        .iter()
        .filter(|(_, o)| o.as_stream().is_ok_and(|s| subtype_is(&s.dict, b"Form")))
        .map(|(&id, _)| id)
        .collect();
    for id in forms {
        if let Ok(Object::Stream(stream)) = doc.get_object_mut(id) {
            let content = stream_bytes(stream);
            if pdf_repair::count_operators(&content, cap) >= cap {
                stream.set_plain_content(Vec::new());
            } else if pdf_repair::uses_quote_operators(&content) {
                if let Some(expanded) = pdf_repair::expand_quote_operators(&content) {
                    stream.set_plain_content(expanded);
                }
            }
        }
    }
    let mut floods = Vec::new();
    let mut shown = Vec::with_capacity(page_ids.len());
    for &(number, page_id) in page_ids {
        let Ok(mut content) = doc.get_page_content(page_id) else {
            shown.push(0);
            continue;
        };
        let mut changed = false;
        if pdf_repair::count_operators(&content, cap) >= cap {
            floods.push(number);
            content = Vec::new();
            changed = true;
        } else {
            if let Some(stripped) = strip_inline_images(&content) {
                *had_images = true;
                content = stripped;
                changed = true;
            }
            if pdf_repair::uses_quote_operators(&content) {
                if let Some(expanded) = pdf_repair::expand_quote_operators(&content) {
                    content = expanded;
                    changed = true;
                }
            }
        }
        shown.push(pdf_repair::shown_characters(
            &content,
            &two_byte_fonts(doc, page_id),
        ));
        if changed {
            let new_id = doc.add_object(lopdf::Stream::new(Dictionary::new(), content));
            if let Ok(Object::Dictionary(page)) = doc.get_object_mut(page_id) {
                page.set("Contents", Object::Reference(new_id));
            }
        }
    }
    (floods, shown)
}

/// What [`prepare`] found.
struct Prepared {
    /// The document draws images.
    had_images: bool,
    /// Pages not drawn because they (or a form they use) flood operators.
    floods: Vec<u32>,
    /// Characters each page's own content shows, in `page_ids` order.
    shown: Vec<usize>,
}

/// Inflates `/ToUnicode` streams that are zlib-compressed but lack `/Filter /FlateDecode`
/// (some generators forget it; pdf-extract then reads binary as a CMap and the font's text is
/// lost). Only a body that inflates to something that looks like a CMap is replaced; the
/// decompression-bomb guard has already bounded every zlib body in the file.
fn inflate_unfiltered_cmaps(doc: &mut Document) {
    use std::io::Read;
    let targets: HashSet<ObjectId> = doc
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter_map(|d| d.get(b"ToUnicode").and_then(Object::as_reference).ok())
        .collect();
    for id in targets {
        let Ok(Object::Stream(stream)) = doc.get_object_mut(id) else {
            continue;
        };
        if stream.dict.has(b"Filter") || !stream.content.starts_with(&[0x78]) {
            continue;
        }
        let mut inflated = Vec::new();
        let read = flate2::read::ZlibDecoder::new(stream.content.as_slice())
            .take(MAX_STREAM_INFLATED)
            .read_to_end(&mut inflated);
        if read.is_ok() && find(&inflated, b"begincmap").is_some() {
            stream.set_content(inflated);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Composite (Type0) fonts
// ---------------------------------------------------------------------------------------------

/// Most code ranges or single codes read from one embedded CMap.
const MAX_CMAP_ENTRIES: usize = 70_000;

/// Rescales the `/Widths` of Type3 fonts to thousandths of an em. A Type3 font's widths are in
/// its own glyph space, which its `/FontMatrix` maps to text space (TeX's bitmap fonts use
/// [0.01 0 0 0.01 0 0] or so); pdf-extract divides them by 1000 as for every other font, so
/// their glyphs advanced a tenth of their width: `greengrocer` came out as `grengrocer`, each
/// doubled letter landing on its twin and being taken for an overprint.
fn scale_type3_widths(doc: &mut Document) {
    let mut updates: Vec<(ObjectId, Vec<Object>)> = Vec::new();
    for (&id, obj) in &doc.objects {
        let Ok(font) = obj.as_dict() else { continue };
        if !subtype_is(font, b"Type3") {
            continue;
        }
        let matrix = font.get(b"FontMatrix").ok().and_then(|o| numbers(doc, o));
        let Some(&[a, b, ..]) = matrix.as_deref() else {
            continue;
        };
        let scale = a.hypot(b) * 1000.0;
        // an absurd matrix (hostile or broken file) is left alone rather than trusted
        if !(1e-4..=1e4).contains(&scale) || (scale - 1.0).abs() < 1e-6 {
            continue;
        }
        let widths = font
            .get(b"Widths")
            .ok()
            .and_then(|o| deref(doc, o))
            .and_then(|o| o.as_array().ok());
        let Some(widths) = widths else { continue };
        let scaled = widths
            .iter()
            .map(|w| {
                let w = deref(doc, w)
                    .and_then(|o| o.as_float().ok())
                    .map_or(0.0, f64::from);
                Object::Real((w * scale) as f32)
            })
            .collect();
        updates.push((id, scaled));
    }
    for (id, widths) in updates {
        if let Ok(Object::Dictionary(font)) = doc.get_object_mut(id) {
            font.set("Widths", Object::Array(widths));
        }
    }
}

/// Rewrites Type0 fonts into forms pdf-extract decodes correctly:
///
/// - An embedded encoding CMap is rewritten so that every code maps to itself: adobe-cmap-parser
///   halves the byte width of code-space ranges and misreads several `cidrange` entries, and
///   pdf-extract looks the CID up in the ToUnicode map, which is keyed by code. The widths are
///   re-keyed from CID to code to match.
/// - `/ToUnicode /Identity-H` (a name, not a CMap; pdf-extract drops all text) becomes an
///   identity ToUnicode CMap; any other non-stream `/ToUnicode` is removed.
/// - A font without `/ToUnicode` whose embedded TrueType program has a `cmap` table gets a
///   ToUnicode CMap built from it (glyph id back to Unicode), as poppler does; failing that, a
///   font of one of Adobe's CJK collections gets one from Adobe's CID-to-Unicode table.
/// - `/W` entries of the range form `c_first c_last w` are rewritten in the list form, which
///   is the only one pdf-extract reads right (see `list_form_widths`).
fn fix_composite_fonts(doc: &mut Document) {
    let type0: Vec<ObjectId> = doc
        .objects
        .iter()
        .filter(|(_, o)| o.as_dict().is_ok_and(|d| subtype_is(d, b"Type0")))
        .map(|(&id, _)| id)
        .collect();
    // Codes shown anywhere in the document, read only if a font needs them.
    let mut shown: Option<HashSet<u32>> = None;
    for id in type0 {
        let Ok(font) = doc.get_dictionary(id) else {
            continue;
        };
        let descendant = font
            .get(b"DescendantFonts")
            .ok()
            .and_then(|o| deref(doc, o))
            .and_then(|o| o.as_array().ok())
            .and_then(|a| a.first())
            .and_then(|o| o.as_reference().ok());
        let mut identity = matches!(
            font.get(b"Encoding").and_then(Object::as_name),
            Ok(b"Identity-H" | b"Identity-V")
        );
        let encoding_cmap = font
            .get(b"Encoding")
            .ok()
            .and_then(|o| deref(doc, o))
            .and_then(|o| o.as_stream().ok())
            .map(stream_bytes)
            .and_then(|bytes| parse_encoding_cmap(&bytes));
        let to_unicode = font
            .get(b"ToUnicode")
            .ok()
            .and_then(|o| deref(doc, o))
            .cloned();

        let mut new_widths = None;
        let mut new_encoding = None;
        if let Some(cmap) = &encoding_cmap {
            identity = cmap.is_identity();
            if !identity {
                new_widths = descendant.and_then(|d| rekey_widths(doc, d, cmap));
            }
            new_encoding = Some(cmap.to_self_mapping());
        }
        if new_widths.is_none() {
            new_widths = descendant.and_then(|d| list_form_widths(doc, d));
        }
        let new_to_unicode = match &to_unicode {
            Some(Object::Stream(_)) => None,
            Some(Object::Name(_)) => Some(Some(identity_to_unicode())),
            Some(_) => Some(None),
            None if identity => descendant
                .and_then(|d| {
                    truetype_to_unicode(doc, d).or_else(|| {
                        let shown = shown.get_or_insert_with(|| shown_two_byte_codes(doc));
                        collection_to_unicode(doc, d, shown)
                    })
                })
                .map(Some),
            None => None,
        };

        if let Some(cmap) = new_encoding {
            let sid = doc.add_object(lopdf::Stream::new(Dictionary::new(), cmap));
            if let Ok(Object::Dictionary(font)) = doc.get_object_mut(id) {
                font.set("Encoding", Object::Reference(sid));
            }
        }
        match new_to_unicode {
            Some(Some(cmap)) => {
                let sid = doc.add_object(lopdf::Stream::new(Dictionary::new(), cmap));
                if let Ok(Object::Dictionary(font)) = doc.get_object_mut(id) {
                    font.set("ToUnicode", Object::Reference(sid));
                }
            }
            Some(None) => {
                if let Ok(Object::Dictionary(font)) = doc.get_object_mut(id) {
                    font.remove(b"ToUnicode");
                }
            }
            None => {}
        }
        if let (Some(widths), Some(d)) = (new_widths, descendant) {
            if let Ok(Object::Dictionary(cid_font)) = doc.get_object_mut(d) {
                cid_font.set("W", Object::Array(widths));
            }
        }
    }
}

/// The parts of an embedded encoding CMap that matter here.
#[derive(Debug, Default)]
struct EncodingCmap {
    /// Code-space ranges: byte width, first and last code.
    codespace: Vec<(usize, u32, u32)>,
    /// CID ranges: first code, last code, CID of the first code.
    cids: Vec<(u32, u32, u32)>,
    vertical: bool,
}

impl EncodingCmap {
    fn is_identity(&self) -> bool {
        self.codespace.iter().all(|&(width, _, _)| width == 2)
            && self.cids.iter().all(|&(lo, _, cid)| lo == cid)
    }

    fn cid_of(&self, code: u32) -> Option<u32> {
        self.cids
            .iter()
            .find(|&&(lo, hi, _)| (lo..=hi).contains(&code))
            .map(|&(lo, _, cid)| cid.saturating_add(code - lo))
    }

    /// A CMap in the form adobe-cmap-parser and pdf-extract read right: each code-space range
    /// written with doubled, zero-padded hex strings (the parser takes half the length as the
    /// byte width) and mapped onto itself.
    fn to_self_mapping(&self) -> Vec<u8> {
        let hex = |width: usize, v: u32| {
            let mut s = "00".repeat(width);
            s.push_str(&format!("{v:0w$X}", w = width * 2));
            s
        };
        let mut out =
            String::from("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n");
        out.push_str(&format!("{} begincodespacerange\n", self.codespace.len()));
        for &(width, lo, hi) in &self.codespace {
            out.push_str(&format!("<{}> <{}>\n", hex(width, lo), hex(width, hi)));
        }
        out.push_str("endcodespacerange\n");
        // One range per block: adobe-cmap-parser steps over entries two values at a time.
        for &(width, lo, hi) in &self.codespace {
            out.push_str(&format!(
                "1 begincidrange\n<{:0w$X}> <{:0w$X}> 0\nendcidrange\n",
                lo,
                hi,
                w = width * 2
            ));
        }
        out.push_str(&format!(
            "/WMode {} def\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n",
            u8::from(self.vertical)
        ));
        out.into_bytes()
    }
}

/// A token of a CMap: hex string bytes, a number, or a word (operator or name).
#[derive(Debug, PartialEq)]
enum CmapToken {
    Hex(Vec<u8>),
    Int(i64),
    Word(Vec<u8>),
}

fn cmap_tokens(data: &[u8]) -> Vec<CmapToken> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() && out.len() < 4 * MAX_CMAP_ENTRIES {
        let b = data[i];
        if is_pdf_space(b) {
            i += 1;
        } else if b == b'%' {
            while i < data.len() && data[i] != b'\n' && data[i] != b'\r' {
                i += 1;
            }
        } else if b == b'<' && data.get(i + 1) != Some(&b'<') {
            let end = data[i..]
                .iter()
                .position(|&c| c == b'>')
                .map_or(data.len(), |p| i + p);
            let digits: Vec<u8> = data[i + 1..end]
                .iter()
                .copied()
                .filter(u8::is_ascii_hexdigit)
                .collect();
            let bytes = digits
                .chunks(2)
                .map(|pair| {
                    let hi = (pair[0] as char).to_digit(16).unwrap_or(0);
                    let lo = pair
                        .get(1)
                        .and_then(|&c| (c as char).to_digit(16))
                        .unwrap_or(0);
                    (hi * 16 + lo) as u8
                })
                .collect();
            out.push(CmapToken::Hex(bytes));
            i = end + 1;
        } else if b == b'(' {
            // Literal strings only appear in the CIDSystemInfo: skip them.
            let mut depth = 0usize;
            while i < data.len() {
                match data[i] {
                    b'\\' => i += 1,
                    b'(' => depth += 1,
                    b')' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            i += 1;
        } else if b"[]{}<>".contains(&b) {
            i += 1;
            if data.get(i) == Some(&b) {
                i += 1;
            }
        } else {
            let start = i;
            i += 1;
            while i < data.len() && !is_pdf_space(data[i]) && !b"[]{}<>()/%".contains(&data[i]) {
                i += 1;
            }
            let word = &data[start..i];
            match std::str::from_utf8(word)
                .ok()
                .and_then(|w| w.parse::<i64>().ok())
            {
                Some(n) => out.push(CmapToken::Int(n)),
                None => out.push(CmapToken::Word(word.to_vec())),
            }
        }
    }
    out
}

fn code_of(bytes: &[u8]) -> Option<u32> {
    (1..=4)
        .contains(&bytes.len())
        .then(|| bytes.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b)))
}

/// Reads an embedded encoding CMap; `None` when it uses another CMap or has no code space.
fn parse_encoding_cmap(data: &[u8]) -> Option<EncodingCmap> {
    let tokens = cmap_tokens(data);
    let mut cmap = EncodingCmap::default();
    let mut section: &[u8] = b"";
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            CmapToken::Word(w) if w.as_slice() == b"usecmap" => return None,
            CmapToken::Word(w) if w.as_slice() == b"/WMode" => {
                cmap.vertical = tokens.get(i + 1) == Some(&CmapToken::Int(1));
            }
            CmapToken::Word(w) if w.starts_with(b"begin") => section = &w[5..],
            CmapToken::Word(w) if w.starts_with(b"end") => section = b"",
            CmapToken::Hex(lo) => match section {
                b"codespacerange" => {
                    if let Some(CmapToken::Hex(hi)) = tokens.get(i + 1) {
                        if let (Some(l), Some(h)) = (code_of(lo), code_of(hi)) {
                            if lo.len() == hi.len() && l <= h {
                                cmap.codespace.push((lo.len(), l, h));
                            }
                        }
                        i += 1;
                    }
                }
                b"cidrange" => {
                    if let (Some(CmapToken::Hex(hi)), Some(CmapToken::Int(cid))) =
                        (tokens.get(i + 1), tokens.get(i + 2))
                    {
                        if let (Some(l), Some(h), Ok(c)) =
                            (code_of(lo), code_of(hi), u32::try_from(*cid))
                        {
                            if l <= h {
                                cmap.cids.push((l, h, c));
                            }
                        }
                        i += 2;
                    }
                }
                b"cidchar" => {
                    if let Some(CmapToken::Int(cid)) = tokens.get(i + 1) {
                        if let (Some(l), Ok(c)) = (code_of(lo), u32::try_from(*cid)) {
                            cmap.cids.push((l, l, c));
                        }
                        i += 1;
                    }
                }
                _ => {}
            },
            _ => {}
        }
        if cmap.codespace.len() + cmap.cids.len() > MAX_CMAP_ENTRIES {
            return None;
        }
        i += 1;
    }
    (!cmap.codespace.is_empty()).then_some(cmap)
}

/// The widths of a CID font's `/W` array by CID, and whether it used the range form
/// (`c_first c_last w`) anywhere; `None` if it has none.
fn cid_widths(doc: &Document, cid_font: ObjectId) -> Option<(HashMap<u32, Object>, bool)> {
    let font = doc.get_dictionary(cid_font).ok()?;
    let w = deref(doc, font.get(b"W").ok()?)?.as_array().ok()?;
    let mut by_cid: HashMap<u32, Object> = HashMap::new();
    let mut ranges = false;
    let mut i = 0;
    while i + 1 < w.len() && by_cid.len() <= MAX_CMAP_ENTRIES {
        let first = deref(doc, &w[i])?.as_i64().ok()?;
        match deref(doc, &w[i + 1])? {
            Object::Array(list) => {
                for (k, width) in list.iter().enumerate().take(MAX_CMAP_ENTRIES) {
                    by_cid.insert(u32::try_from(first).ok()? + k as u32, width.clone());
                }
                i += 2;
            }
            last => {
                let last = last.as_i64().ok()?;
                let width = deref(doc, w.get(i + 2)?)?.clone();
                for cid in first..=last.min(first + MAX_CMAP_ENTRIES as i64) {
                    by_cid.insert(u32::try_from(cid).ok()?, width.clone());
                }
                ranges = true;
                i += 3;
            }
        }
    }
    Some((by_cid, ranges))
}

/// The CID font's `/W` array re-keyed from CID to code through `cmap`; `None` if it has none.
fn rekey_widths(doc: &Document, cid_font: ObjectId, cmap: &EncodingCmap) -> Option<Vec<Object>> {
    let (by_cid, _) = cid_widths(doc, cid_font)?;
    let mut out = Vec::new();
    let mut seen = 0usize;
    for &(lo, hi, _) in &cmap.cids {
        for code in lo..=hi {
            seen += 1;
            if seen > MAX_CMAP_ENTRIES {
                return Some(out);
            }
            if let Some(width) = cmap.cid_of(code).and_then(|cid| by_cid.get(&cid)) {
                out.push(Object::Integer(i64::from(code)));
                out.push(Object::Array(vec![width.clone()]));
            }
        }
    }
    Some(out)
}

/// The CID font's `/W` array with every range entry (`c_first c_last w`) written in the list
/// form (`c [w1 w2 …]`), or `None` when it has no range entry. pdf-extract 0.12 reads a range
/// entry's three numbers all from its first (an empty range), so every glyph of a range fell
/// back to the default width: the text of Chrome's, Word's and LibreOffice's CID fonts came
/// out with spaces inside words ("A ndreas", "JavaS cript") or words run together.
fn list_form_widths(doc: &Document, cid_font: ObjectId) -> Option<Vec<Object>> {
    let (by_cid, ranges) = cid_widths(doc, cid_font)?;
    if !ranges {
        return None;
    }
    let mut cids: Vec<u32> = by_cid.keys().copied().collect();
    cids.sort_unstable();
    let mut out = Vec::new();
    let mut run: Vec<Object> = Vec::new();
    let mut run_start = 0u32;
    for (k, &cid) in cids.iter().enumerate() {
        if k > 0 && cid != cids[k - 1] + 1 {
            out.push(Object::Integer(i64::from(run_start)));
            out.push(Object::Array(std::mem::take(&mut run)));
        }
        if run.is_empty() {
            run_start = cid;
        }
        run.push(by_cid[&cid].clone());
    }
    if !run.is_empty() {
        out.push(Object::Integer(i64::from(run_start)));
        out.push(Object::Array(run));
    }
    Some(out)
}

/// A ToUnicode CMap that maps every two-byte code to the same UTF-16 code unit.
fn identity_to_unicode() -> Vec<u8> {
    let mut out = String::from("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    let highs: Vec<u32> = (0..=0xFFu32)
        .filter(|h| !(0xD8..=0xDF).contains(h))
        .collect();
    out.push_str(&format!("{} beginbfrange\n", highs.len()));
    for h in highs {
        out.push_str(&format!("<{h:02X}00> <{h:02X}FF> <{h:02X}00>\n"));
    }
    out.push_str("endbfrange\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    out.into_bytes()
}

/// A ToUnicode CMap for an Identity-encoded CID font built from the `cmap` table of its
/// embedded TrueType program: CID to glyph id (through `/CIDToGIDMap`) to Unicode.
fn truetype_to_unicode(doc: &Document, cid_font: ObjectId) -> Option<Vec<u8>> {
    let font = doc.get_dictionary(cid_font).ok()?;
    let descriptor = deref_dict(doc, font.get(b"FontDescriptor").ok()?)?;
    let file = deref(doc, descriptor.get(b"FontFile2").ok()?)?
        .as_stream()
        .ok()?;
    let program = stream_bytes(file);
    let gid_to_unicode = truetype_glyph_unicodes(&program)?;
    let cid_to_gid: Option<Vec<u8>> = font
        .get(b"CIDToGIDMap")
        .ok()
        .and_then(|o| deref(doc, o))
        .and_then(|o| o.as_stream().ok())
        .map(stream_bytes);
    let mut pairs: Vec<(u32, u32)> = match cid_to_gid {
        Some(map) => map
            .chunks_exact(2)
            .enumerate()
            .filter_map(|(cid, g)| {
                let gid = u16::from_be_bytes([g[0], g[1]]);
                gid_to_unicode.get(&gid).map(|&u| (cid as u32, u))
            })
            .collect(),
        None => gid_to_unicode
            .iter()
            .map(|(&gid, &u)| (u32::from(gid), u))
            .collect(),
    };
    pairs.sort_unstable();
    cid_to_unicode_cmap(&pairs)
}

/// A two-byte ToUnicode CMap from (CID, Unicode scalar) pairs sorted by CID; `None` when no
/// pair has a CID that fits in two bytes.
fn cid_to_unicode_cmap(pairs: &[(u32, u32)]) -> Option<Vec<u8>> {
    let pairs: Vec<(u32, char)> = pairs
        .iter()
        .filter(|&&(cid, _)| cid <= 0xFFFF)
        .filter_map(|&(cid, u)| Some((cid, char::from_u32(u)?)))
        .collect();
    if pairs.is_empty() {
        return None;
    }
    let mut out = String::from("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    out.push_str(&format!("{} beginbfchar\n", pairs.len()));
    for (cid, c) in pairs {
        let mut buf = [0u16; 2];
        let units: String = c
            .encode_utf16(&mut buf)
            .iter()
            .map(|unit| format!("{unit:04X}"))
            .collect();
        out.push_str(&format!("<{cid:04X}> <{units}>\n"));
    }
    out.push_str("endbfchar\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    Some(out.into_bytes())
}

/// Adobe's CJK character collections, whose CIDs have a published Unicode mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CjkCollection {
    Japan1,
    Gb1,
    Cns1,
    Korea1,
}

impl CjkCollection {
    /// The collection a CID font declares in `/CIDSystemInfo`, or failing that (the strings can
    /// be unreadable, e.g. encrypted with a key the file does not use) the one its base font
    /// belongs to, for the CJK fonts PDF readers are expected to supply.
    fn of(doc: &Document, cid_font: &Dictionary) -> Option<Self> {
        let declared = cid_font
            .get(b"CIDSystemInfo")
            .ok()
            .and_then(|o| deref_dict(doc, o))
            .and_then(|info| {
                let registry = info.get(b"Registry").and_then(Object::as_str).ok()?;
                let ordering = info.get(b"Ordering").and_then(Object::as_str).ok()?;
                (registry == b"Adobe").then_some(())?;
                match ordering {
                    b"Japan1" => Some(Self::Japan1),
                    b"GB1" => Some(Self::Gb1),
                    b"CNS1" => Some(Self::Cns1),
                    b"Korea1" => Some(Self::Korea1),
                    _ => None,
                }
            });
        declared.or_else(|| {
            let base = cid_font.get(b"BaseFont").and_then(Object::as_name).ok()?;
            Self::of_base_font(base)
        })
    }

    /// The collection of a well-known CJK font that readers are expected to supply (the
    /// Acrobat Asian font packs: Ryumin, GothicBBB, Heisei, STSong, MSung, HYSMyeongJo…, plus
    /// the Kozuka and Adobe Song/Heiti/Ming/Myungjo families), by the start of its name.
    fn of_base_font(name: &[u8]) -> Option<Self> {
        const FAMILIES: &[(&[u8], CjkCollection)] = &[
            (b"Ryumin", CjkCollection::Japan1),
            (b"GothicBBB", CjkCollection::Japan1),
            (b"HeiseiMin", CjkCollection::Japan1),
            (b"HeiseiKakuGo", CjkCollection::Japan1),
            (b"KozMin", CjkCollection::Japan1),
            (b"KozGo", CjkCollection::Japan1),
            (b"STSong", CjkCollection::Gb1),
            (b"STHeiti", CjkCollection::Gb1),
            (b"AdobeSongStd", CjkCollection::Gb1),
            (b"AdobeHeitiStd", CjkCollection::Gb1),
            (b"MSung", CjkCollection::Cns1),
            (b"MHei", CjkCollection::Cns1),
            (b"AdobeMingStd", CjkCollection::Cns1),
            (b"HYSMyeongJo", CjkCollection::Korea1),
            (b"HYGoThic", CjkCollection::Korea1),
            (b"AdobeMyungjoStd", CjkCollection::Korea1),
        ];
        FAMILIES
            .iter()
            .find(|(prefix, _)| name.starts_with(prefix))
            .map(|&(_, c)| c)
    }

    /// Adobe's `Adobe-*-UCS2` CMap for the collection, as hayro-cmap embeds it.
    fn ucs2(self) -> hayro_cmap::CMapName<'static> {
        use hayro_cmap::CMapName;
        match self {
            Self::Japan1 => CMapName::AdobeJapan1Ucs2,
            Self::Gb1 => CMapName::AdobeGb1Ucs2,
            Self::Cns1 => CMapName::AdobeCns1Ucs2,
            Self::Korea1 => CMapName::AdobeKorea1Ucs2,
        }
    }

    /// Every (CID, Unicode scalar) pair of the collection, sorted by CID; read from hayro-cmap's
    /// copy of Adobe's table once per process.
    fn unicode_pairs(self) -> &'static [(u32, u32)] {
        use std::sync::OnceLock;
        static BUILT: [OnceLock<Vec<(u32, u32)>>; 4] = [
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
        ];
        BUILT[self as usize].get_or_init(|| {
            let Some(cmap) = hayro_cmap::load_embedded(self.ucs2())
                .and_then(|data| hayro_cmap::CMap::parse(data, hayro_cmap::load_embedded))
            else {
                return Vec::new();
            };
            (0..=0xFFFFu32)
                .filter_map(|cid| match cmap.lookup_bf_string(cid)? {
                    hayro_cmap::BfString::Char(c) => Some((cid, u32::from(c))),
                    // A few CIDs map to a sequence (e.g. a ligature); its first character is
                    // what a search index can use.
                    hayro_cmap::BfString::String(s) => Some((cid, u32::from(s.chars().next()?))),
                })
                .collect()
        })
    }
}

/// A ToUnicode CMap for an Identity-encoded CID font of one of Adobe's CJK collections that has
/// no map of its own (typically a non-embedded Ryumin-Light or STSong-Light): CID to Unicode
/// through Adobe's published tables, as poppler and pdf.js do. Only the codes in `shown` are
/// written: the whole table is ~20,000 entries, which pdf-extract's CMap parser reads slowly.
fn collection_to_unicode(
    doc: &Document,
    cid_font: ObjectId,
    shown: &HashSet<u32>,
) -> Option<Vec<u8>> {
    let font = doc.get_dictionary(cid_font).ok()?;
    let pairs: Vec<(u32, u32)> = CjkCollection::of(doc, font)?
        .unicode_pairs()
        .iter()
        .filter(|(cid, _)| shown.contains(cid))
        .copied()
        .collect();
    cid_to_unicode_cmap(&pairs)
}

/// Every two-byte code that a text operator shows in the document's page contents and form
/// XObjects: the codes an Identity-encoded font can be asked to decode. At most
/// [`MAX_CMAP_ENTRIES`] codes.
fn shown_two_byte_codes(doc: &Document) -> HashSet<u32> {
    let mut streams: Vec<ObjectId> = doc
        .get_pages()
        .values()
        .flat_map(|&page| doc.get_page_contents(page))
        .collect();
    streams.extend(doc.objects.iter().filter_map(|(&id, o)| {
        o.as_stream()
            .is_ok_and(|s| subtype_is(&s.dict, b"Form"))
            .then_some(id)
    }));
    let mut codes = HashSet::new();
    for id in streams {
        let Ok(stream) = doc.get_object(id).and_then(Object::as_stream) else {
            continue;
        };
        let Ok(content) = lopdf::content::Content::decode(&stream_bytes(stream)) else {
            continue;
        };
        for op in &content.operations {
            if !matches!(op.operator.as_str(), "Tj" | "TJ" | "'" | "\"") {
                continue;
            }
            let strings = op.operands.iter().flat_map(|o| match o {
                Object::Array(items) => items.iter().collect::<Vec<_>>(),
                other => vec![other],
            });
            for s in strings.filter_map(|o| o.as_str().ok()) {
                codes.extend(
                    s.chunks_exact(2)
                        .map(|pair| u32::from(u16::from_be_bytes([pair[0], pair[1]]))),
                );
            }
            if codes.len() >= MAX_CMAP_ENTRIES {
                return codes;
            }
        }
    }
    codes
}

fn be16(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*data.get(at)?, *data.get(at + 1)?]))
}

fn be32(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes([
        *data.get(at)?,
        *data.get(at + 1)?,
        *data.get(at + 2)?,
        *data.get(at + 3)?,
    ]))
}

/// Glyph id to Unicode from a TrueType program's Unicode `cmap` subtable (format 4 or 12);
/// when several code points share a glyph the lowest wins.
fn truetype_glyph_unicodes(font: &[u8]) -> Option<HashMap<u16, u32>> {
    let tables = usize::from(be16(font, 4)?);
    let cmap = (0..tables.min(64)).find_map(|t| {
        let rec = 12 + 16 * t;
        (font.get(rec..rec + 4)? == b"cmap").then(|| be32(font, rec + 8))?
    })? as usize;
    let subtables = usize::from(be16(font, cmap + 2)?);
    let mut best: Option<(u8, usize)> = None;
    for s in 0..subtables.min(64) {
        let rec = cmap + 4 + 8 * s;
        let (platform, encoding) = (be16(font, rec)?, be16(font, rec + 2)?);
        let offset = cmap + be32(font, rec + 4)? as usize;
        let rank = match (platform, encoding) {
            (3, 10) | (0, 4) | (0, 6) => 3,
            (3, 1) | (0, _) => 2,
            _ => continue,
        };
        if best.is_none_or(|(r, _)| rank > r) {
            best = Some((rank, offset));
        }
    }
    let (_, at) = best?;
    let mut map: HashMap<u16, u32> = HashMap::new();
    let mut add = |gid: u16, u: u32| {
        if gid != 0 && char::from_u32(u).is_some() {
            let slot = map.entry(gid).or_insert(u);
            if u < *slot {
                *slot = u;
            }
        }
    };
    match be16(font, at)? {
        4 => {
            let segs = usize::from(be16(font, at + 6)? / 2);
            let ends = at + 14;
            let starts = ends + 2 * segs + 2;
            let deltas = starts + 2 * segs;
            let ranges = deltas + 2 * segs;
            for k in 0..segs {
                let end = be16(font, ends + 2 * k)?;
                let start = be16(font, starts + 2 * k)?;
                let delta = be16(font, deltas + 2 * k)?;
                let range = usize::from(be16(font, ranges + 2 * k)?);
                if start > end || end == 0xFFFF && start == 0xFFFF {
                    continue;
                }
                for c in start..=end {
                    let gid = if range == 0 {
                        c.wrapping_add(delta)
                    } else {
                        let at = ranges + 2 * k + range + 2 * usize::from(c - start);
                        match be16(font, at) {
                            Some(0) | None => continue,
                            Some(g) => g.wrapping_add(delta),
                        }
                    };
                    add(gid, u32::from(c));
                }
            }
        }
        12 => {
            let groups = be32(font, at + 12)? as usize;
            for k in 0..groups.min(MAX_CMAP_ENTRIES) {
                let g = at + 16 + 12 * k;
                let (start, end, first) = (be32(font, g)?, be32(font, g + 4)?, be32(font, g + 8)?);
                for c in start..=end.min(start.saturating_add(MAX_CMAP_ENTRIES as u32)) {
                    if let Ok(gid) = u16::try_from(first.saturating_add(c - start)) {
                        add(gid, c);
                    }
                }
            }
        }
        _ => return None,
    }
    (!map.is_empty()).then_some(map)
}

fn inherited_media_box(doc: &Document, page_id: ObjectId) -> Option<()> {
    let page = doc.get_dictionary(page_id).ok()?;
    let boxed = inherited(doc, page, b"MediaBox")?.as_array().ok()?;
    (boxed.len() == 4 && boxed.iter().all(|n| n.as_float().is_ok())).then_some(())
}

// ---------------------------------------------------------------------------------------------
// Annotations
// ---------------------------------------------------------------------------------------------

/// Most annotations drawn on one page.
const MAX_PAGE_ANNOTATIONS: usize = 500;

/// Annotation flags that keep an annotation off the screen: Hidden (2) and NoView (32).
const HIDDEN_ANNOTATION: i64 = 2 | 32;

/// Adds the visible annotations' normal appearance streams (text boxes, filled-in form fields,
/// stamps) to the end of the page's content, where pdf-extract will draw them like pdftotext
/// does. Each appearance is placed on its annotation rectangle (PDF 32000-1, 12.5.5), with the
/// form matrix folded into the `cm` because pdf-extract ignores a form's `/Matrix`.
fn draw_annotations(doc: &mut Document, page_id: ObjectId) {
    let Some((names, ops)) = annotation_ops(doc, page_id) else {
        return;
    };
    let Ok(page) = doc.get_dictionary(page_id) else {
        return;
    };
    let mut resources = inherited(doc, page, b"Resources")
        .and_then(|o| o.as_dict().ok())
        .cloned()
        .unwrap_or_default();
    let mut xobjects = resources
        .get(b"XObject")
        .ok()
        .and_then(|o| deref_dict(doc, o))
        .cloned()
        .unwrap_or_default();
    for (name, id) in names {
        xobjects.set(name, Object::Reference(id));
    }
    resources.set("XObject", Object::Dictionary(xobjects));
    let mut content = b"q\n".to_vec();
    content.extend(doc.get_page_content(page_id).unwrap_or_default());
    content.extend_from_slice(b"\nQ\n");
    content.extend(ops);
    let content_id = doc.add_object(lopdf::Stream::new(Dictionary::new(), content));
    if let Ok(Object::Dictionary(page)) = doc.get_object_mut(page_id) {
        page.set("Resources", Object::Dictionary(resources));
        page.set("Contents", Object::Reference(content_id));
    }
}

/// The XObject names to add and the operators that draw the page's visible annotations.
#[allow(clippy::type_complexity)]
fn annotation_ops(doc: &Document, page_id: ObjectId) -> Option<(Vec<(String, ObjectId)>, Vec<u8>)> {
    let page = doc.get_dictionary(page_id).ok()?;
    let annots = deref(doc, page.get(b"Annots").ok()?)?.as_array().ok()?;
    let mut names = Vec::new();
    let mut ops = Vec::new();
    for (i, annot) in annots.iter().take(MAX_PAGE_ANNOTATIONS).enumerate() {
        let Some(annot) = deref_dict(doc, annot) else {
            continue;
        };
        let flags = annot.get(b"F").and_then(Object::as_i64).unwrap_or_default();
        if flags & HIDDEN_ANNOTATION != 0
            || subtype_is(annot, b"Popup")
            || subtype_is(annot, b"Link")
        {
            continue;
        }
        let Some(ap) = annot.get(b"AP").ok().and_then(|o| deref_dict(doc, o)) else {
            continue;
        };
        let Ok(normal) = ap.get(b"N") else { continue };
        // A state dictionary (check boxes, radio buttons) holds one stream per state.
        let normal = match deref(doc, normal) {
            Some(Object::Dictionary(states)) => {
                let Ok(state) = annot.get(b"AS").and_then(Object::as_name) else {
                    continue;
                };
                match states.get(state) {
                    Ok(o) => o,
                    Err(_) => continue,
                }
            }
            _ => normal,
        };
        let Ok(form_id) = normal.as_reference() else {
            continue;
        };
        let Ok(form) = doc.get_object(form_id).and_then(Object::as_stream) else {
            continue;
        };
        let Some(rect) = number_array(doc, annot.get(b"Rect").ok()) else {
            continue;
        };
        let bbox = number_array(doc, form.dict.get(b"BBox").ok()).unwrap_or(rect);
        let matrix = form
            .dict
            .get(b"Matrix")
            .ok()
            .and_then(|o| numbers(doc, o))
            .filter(|m| m.len() == 6)
            .unwrap_or_else(|| vec![1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);
        let cm = appearance_matrix(&matrix, bbox, rect);
        if !cm.iter().all(|v| v.is_finite()) {
            continue;
        }
        let name = format!("KartotekAnnot{i}");
        ops.extend_from_slice(
            format!(
                "q {} {} {} {} {} {} cm /{name} Do Q\n",
                cm[0], cm[1], cm[2], cm[3], cm[4], cm[5]
            )
            .as_bytes(),
        );
        names.push((name, form_id));
    }
    (!names.is_empty()).then_some((names, ops))
}

/// An array of numbers (the array and each entry possibly indirect); `None` if it is not an
/// array or any entry is not a number.
fn numbers(doc: &Document, obj: &Object) -> Option<Vec<f64>> {
    deref(doc, obj)?
        .as_array()
        .ok()?
        .iter()
        .map(|n| Some(f64::from(deref(doc, n)?.as_float().ok()?)))
        .collect()
}

/// Four numbers `[x0 y0 x1 y1]`, normalised so that x0 <= x1 and y0 <= y1.
fn number_array(doc: &Document, obj: Option<&Object>) -> Option<[f64; 4]> {
    let v: [f64; 4] = numbers(doc, obj?)?.try_into().ok()?;
    Some([
        v[0].min(v[2]),
        v[1].min(v[3]),
        v[0].max(v[2]),
        v[1].max(v[3]),
    ])
}

/// The matrix that draws a form with matrix `m` and box `bbox` onto `rect`: `m` followed by
/// the scale-and-shift that maps the transformed box onto the rectangle.
fn appearance_matrix(m: &[f64], bbox: [f64; 4], rect: [f64; 4]) -> [f64; 6] {
    let apply = |x: f64, y: f64| (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]);
    let corners = [
        apply(bbox[0], bbox[1]),
        apply(bbox[2], bbox[1]),
        apply(bbox[0], bbox[3]),
        apply(bbox[2], bbox[3]),
    ];
    let x0 = corners.iter().map(|c| c.0).fold(f64::INFINITY, f64::min);
    let x1 = corners
        .iter()
        .map(|c| c.0)
        .fold(f64::NEG_INFINITY, f64::max);
    let y0 = corners.iter().map(|c| c.1).fold(f64::INFINITY, f64::min);
    let y1 = corners
        .iter()
        .map(|c| c.1)
        .fold(f64::NEG_INFINITY, f64::max);
    let sx = if x1 - x0 > 1e-6 {
        (rect[2] - rect[0]) / (x1 - x0)
    } else {
        1.0
    };
    let sy = if y1 - y0 > 1e-6 {
        (rect[3] - rect[1]) / (y1 - y0)
    } else {
        1.0
    };
    let (tx, ty) = (rect[0] - x0 * sx, rect[1] - y0 * sy);
    // m followed by [sx 0 0 sy tx ty].
    [
        m[0] * sx,
        m[1] * sy,
        m[2] * sx,
        m[3] * sy,
        m[4] * sx + tx,
        m[5] * sy + ty,
    ]
}

/// Most nested form XObjects followed when looking for loops.
const MAX_FORM_DEPTH: usize = 32;

/// Depth-first walk over the form XObjects reachable from `res`; forms that would draw a form
/// already being drawn go into `strip`.
fn find_form_loops(
    doc: &Document,
    res: &Dictionary,
    stack: &mut Vec<ObjectId>,
    done: &mut HashSet<(ObjectId, usize)>,
    strip: &mut HashSet<ObjectId>,
) {
    let Some(xobjects) = res.get(b"XObject").ok().and_then(|o| deref_dict(doc, o)) else {
        return;
    };
    for (_, entry) in xobjects.iter() {
        let Ok(id) = entry.as_reference() else {
            continue;
        };
        let Ok(stream) = doc.get_object(id).and_then(Object::as_stream) else {
            continue;
        };
        if !subtype_is(&stream.dict, b"Form") {
            continue;
        }
        if stack.contains(&id) || stack.len() >= MAX_FORM_DEPTH {
            if let Some(&top) = stack.last() {
                strip.insert(top);
            }
            continue;
        }
        let effective = stream
            .dict
            .get(b"Resources")
            .ok()
            .and_then(|o| deref_dict(doc, o))
            .unwrap_or(res);
        let key = (id, effective as *const Dictionary as usize);
        if done.contains(&key) {
            continue;
        }
        stack.push(id);
        find_form_loops(doc, effective, stack, done, strip);
        stack.pop();
        done.insert(key);
    }
}

fn is_pdf_space(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t' | b'\x0c' | b'\0')
}

/// Position of the next `token` (delimited by whitespace) at or after `from`.
fn find_token(data: &[u8], token: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i + token.len() <= data.len() {
        if &data[i..i + token.len()] == token
            && (i == 0 || is_pdf_space(data[i - 1]))
            && data.get(i + token.len()).is_none_or(|&b| is_pdf_space(b))
        {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Content with every inline image (`BI … ID data EI`) cut out; `None` when there is none.
fn strip_inline_images(content: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(content.len());
    let mut pos = 0;
    let mut found = false;
    while let Some(bi) = find_token(content, b"BI", pos) {
        let Some(id) = find_token(content, b"ID", bi + 2) else {
            break;
        };
        let Some(ei) = find_token(content, b"EI", id + 3) else {
            break;
        };
        out.extend_from_slice(&content[pos..bi]);
        out.push(b'\n');
        pos = ei + 2;
        found = true;
    }
    if !found {
        return None;
    }
    out.extend_from_slice(&content[pos..]);
    Some(out)
}

/// Writes `obj` in PDF syntax (enough for an encryption dictionary; streams become `null`).
fn write_object(out: &mut Vec<u8>, obj: &Object) {
    match obj {
        Object::Null | Object::Stream(_) => out.extend_from_slice(b"null"),
        Object::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Integer(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Object::Real(r) => out.extend_from_slice(format!("{r}").as_bytes()),
        Object::Name(name) => write_name(out, name),
        // Literal form with minimal escapes: never longer than the string as first written.
        Object::String(bytes, _) => {
            out.push(b'(');
            for &b in bytes {
                match b {
                    b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', b]),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    _ => out.push(b),
                }
            }
            out.push(b')');
        }
        Object::Array(items) => {
            out.push(b'[');
            for item in items {
                write_object(out, item);
                out.push(b' ');
            }
            out.push(b']');
        }
        Object::Dictionary(dict) => write_dict(out, dict),
        Object::Reference((num, generation)) => {
            out.extend_from_slice(format!("{num} {generation} R").as_bytes());
        }
    }
}

fn write_name(out: &mut Vec<u8>, name: &[u8]) {
    out.push(b'/');
    for &b in name {
        if b.is_ascii_graphic() && !b"()<>[]{}/%#".contains(&b) {
            out.push(b);
        } else {
            out.extend_from_slice(format!("#{b:02X}").as_bytes());
        }
    }
}

fn write_dict(out: &mut Vec<u8>, dict: &Dictionary) {
    out.extend_from_slice(b"<<");
    for (key, value) in dict.iter() {
        write_name(out, key);
        out.push(b' ');
        write_object(out, value);
        out.push(b' ');
    }
    out.extend_from_slice(b">>");
}

/// A copy of `bytes` whose encryption dictionary is fixed so lopdf accepts it, written over the
/// original in the same number of bytes; `None` when there is nothing to fix or no room.
fn patch_encryption(bytes: &[u8], doc: &Document) -> Option<Vec<u8>> {
    let id = doc.trailer.get(b"Encrypt").ok()?.as_reference().ok()?;
    let mut dict = doc.get_dictionary(id).ok()?.clone();
    let version = dict.get(b"V").and_then(Object::as_i64).unwrap_or(0);
    let revision = dict.get(b"R").and_then(Object::as_i64).unwrap_or(0);
    let mut changed = false;
    if version <= 1 && dict.has(b"Length") {
        dict.remove(b"Length");
        changed = true;
    }
    let hash_len = if revision >= 5 { 48 } else { 32 };
    for key in [&b"O"[..], &b"U"[..]] {
        if let Ok(Object::String(s, _)) = dict.get_mut(key) {
            if s.len() > hash_len {
                s.truncate(hash_len);
                changed = true;
            }
        }
    }
    if !changed {
        return None;
    }
    let lopdf::xref::XrefEntry::Normal { offset, .. } = doc.reference_table.get(id.0)? else {
        return None;
    };
    let start = *offset as usize;
    let obj_kw = start + find_subslice(bytes.get(start..)?, b"obj")? + 3;
    let end = obj_kw + find_subslice(bytes.get(obj_kw..)?, b"endobj")?;
    let mut body = vec![b'\n'];
    write_dict(&mut body, &dict);
    if body.len() > end - obj_kw {
        return None;
    }
    body.resize(end - obj_kw, b' ');
    let mut patched = bytes.to_vec();
    patched[obj_kw..end].copy_from_slice(&body);
    Some(patched)
}

fn find_subslice(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Parses an unsigned decimal number at `pos`; returns it and the position after it.
fn read_number(data: &[u8], pos: usize) -> Option<(u64, usize)> {
    let digits = data[pos..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    if digits == 0 || digits > 10 {
        return None;
    }
    let n = std::str::from_utf8(&data[pos..pos + digits])
        .ok()?
        .parse()
        .ok()?;
    Some((n, pos + digits))
}

fn skip_space(data: &[u8], mut pos: usize) -> usize {
    while pos < data.len() && is_pdf_space(data[pos]) {
        pos += 1;
    }
    pos
}

/// Reads `N G R` at `pos`.
fn read_reference(data: &[u8], pos: usize) -> Option<(u64, u64)> {
    let (num, p) = read_number(data, skip_space(data, pos))?;
    let (generation, p) = read_number(data, skip_space(data, p))?;
    let p = skip_space(data, p);
    (data.get(p) == Some(&b'R')).then_some((num, generation))
}

/// The last `/Key N G R` in `data`.
fn last_reference(data: &[u8], key: &[u8]) -> Option<(u64, u64)> {
    let mut found = None;
    let mut from = 0;
    while let Some(at) = find_subslice(&data[from..], key) {
        let after = from + at + key.len();
        if let Some(r) = read_reference(data, after) {
            found = Some(r);
        }
        from = after;
    }
    found
}

/// Most object numbers a rebuilt cross-reference table may hold.
const MAX_REBUILT_OBJECTS: u64 = 4_000_000;

/// Object number → offset of `N G obj` and generation.
pub(super) type ObjectOffsets = HashMap<u64, (usize, u64)>;

/// Every top-level `N G obj` in `bytes` (object number → offset and generation, the last one
/// winning), and the catalog if one is seen, found by scanning rather than by the
/// cross-reference table.
pub(super) fn scan_objects(bytes: &[u8]) -> (ObjectOffsets, Option<(u64, u64)>) {
    let mut offsets: HashMap<u64, (usize, u64)> = HashMap::new();
    let mut catalog = None;
    let mut i = 0;
    while let Some(at) = find_subslice(&bytes[i..], b"obj") {
        let kw = i + at;
        i = kw + 3;
        if bytes.get(kw + 3).is_some_and(|b| b.is_ascii_alphanumeric()) {
            continue;
        }
        // Walk back over `N G ` before `obj`.
        let mut p = kw;
        while p > 0 && is_pdf_space(bytes[p - 1]) {
            p -= 1;
        }
        let gen_end = p;
        while p > 0 && bytes[p - 1].is_ascii_digit() {
            p -= 1;
        }
        if p == gen_end {
            continue;
        }
        let gen_start = p;
        while p > 0 && is_pdf_space(bytes[p - 1]) {
            p -= 1;
        }
        if p == gen_start {
            continue;
        }
        let num_end = p;
        while p > 0 && bytes[p - 1].is_ascii_digit() {
            p -= 1;
        }
        if p == num_end || (p > 0 && !is_pdf_space(bytes[p - 1]) && bytes[p - 1] != b'>') {
            continue;
        }
        let (Some((num, _)), Some((generation, _))) =
            (read_number(bytes, p), read_number(bytes, gen_start))
        else {
            continue;
        };
        if num == 0 || num >= MAX_REBUILT_OBJECTS || generation > 65535 {
            continue;
        }
        offsets.insert(num, (p, generation));
        let head = &bytes[kw..bytes.len().min(kw + 400)];
        if find_subslice(head, b"/Catalog").is_some() {
            catalog = Some((num, generation));
        }
    }
    (offsets, catalog)
}

/// A copy of `bytes` with a new cross-reference table and trailer appended, made by scanning
/// for `N G obj`; `None` when no objects or no catalog are found.
fn rebuild_xref(bytes: &[u8]) -> Option<Vec<u8>> {
    let (offsets, catalog) = scan_objects(bytes);
    let root = last_reference(bytes, b"/Root").or(catalog)?;
    let size = offsets.keys().max()? + 1;
    let mut out = bytes.to_vec();
    // lopdf takes the first `%%EOF` in the last 512 bytes: push the old one out of that window.
    out.push(b'\n');
    out.extend_from_slice(&[b' '; 600]);
    out.push(b'\n');
    let xref_at = out.len();
    out.extend_from_slice(format!("xref\n0 {size}\n").as_bytes());
    for num in 0..size {
        let line = match offsets.get(&num) {
            Some(&(offset, generation)) => format!("{offset:010} {generation:05} n\r\n"),
            None => "0000000000 65535 f\r\n".to_string(),
        };
        out.extend_from_slice(line.as_bytes());
    }
    let mut trailer = format!("trailer\n<< /Size {size} /Root {} {} R", root.0, root.1);
    for key in ["Info", "Encrypt"] {
        if let Some((n, g)) = last_reference(bytes, format!("/{key}").as_bytes()) {
            trailer.push_str(&format!(" /{key} {n} {g} R"));
        }
    }
    trailer.push_str(&format!(" >>\nstartxref\n{xref_at}\n%%EOF\n"));
    out.extend_from_slice(trailer.as_bytes());
    Some(out)
}

// ---------------------------------------------------------------------------------------------
// Title
// ---------------------------------------------------------------------------------------------

/// Title from the info dictionary or, failing that, the XMP `dc:title`; junk titles are skipped.
fn metadata_title(doc: &Document) -> Option<String> {
    let info_title = doc
        .trailer
        .get(b"Info")
        .ok()
        .and_then(|o| doc.dereference(o).ok())
        .and_then(|(_, o)| o.as_dict().ok())
        .and_then(|d| d.get(b"Title").ok())
        .and_then(|o| doc.dereference(o).ok())
        .and_then(|(_, o)| match o {
            Object::String(bytes, _) => Some(decode_pdf_string(bytes)),
            _ => None,
        });
    if let Some(t) = info_title.and_then(|t| clean_title(&t)) {
        return Some(t);
    }
    xmp_title(doc).and_then(|t| clean_title(&t))
}

fn xmp_title(doc: &Document) -> Option<String> {
    let catalog = doc.catalog().ok()?;
    let (_, meta) = doc.dereference(catalog.get(b"Metadata").ok()?).ok()?;
    let stream = meta.as_stream().ok()?;
    let content = stream_bytes(stream);
    let xml = String::from_utf8_lossy(&content);
    let start = xml.find("<dc:title")?;
    let rest = &xml[start..];
    let end = rest.find("</dc:title>")?;
    let block = &rest[..end];
    let li = block.find("<rdf:li")?;
    let after = &block[li..];
    let open_end = after.find('>')?;
    let inner = &after[open_end + 1..];
    let close = inner.find("</rdf:li>").unwrap_or(inner.len());
    Some(xml_unescape(&inner[..close]))
}

fn xml_unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Decodes a PDF text string: UTF-16BE or UTF-8 with a byte-order mark, else PDFDocEncoding.
fn decode_pdf_string(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        return String::from_utf16_lossy(&units);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    bytes.iter().map(|&b| pdf_doc_char(b)).collect()
}

/// One byte of PDFDocEncoding (PDF 32000-1, annex D).
fn pdf_doc_char(b: u8) -> char {
    const HIGH: [char; 32] = [
        '\u{2022}', '\u{2020}', '\u{2021}', '\u{2026}', '\u{2014}', '\u{2013}', '\u{0192}',
        '\u{2044}', '\u{2039}', '\u{203A}', '\u{2212}', '\u{2030}', '\u{201E}', '\u{201C}',
        '\u{201D}', '\u{2018}', '\u{2019}', '\u{201A}', '\u{2122}', '\u{FB01}', '\u{FB02}',
        '\u{0141}', '\u{0152}', '\u{0160}', '\u{0178}', '\u{017D}', '\u{0131}', '\u{0142}',
        '\u{0153}', '\u{0161}', '\u{017E}', '\u{FFFD}',
    ];
    const LOW: [char; 8] = [
        '\u{02D8}', '\u{02C7}', '\u{02C6}', '\u{02D9}', '\u{02DD}', '\u{02DB}', '\u{02DA}',
        '\u{02DC}',
    ];
    match b {
        0x18..=0x1F => LOW[(b - 0x18) as usize],
        0x80..=0x9F => HIGH[(b - 0x80) as usize],
        0xA0 => '\u{20AC}',
        _ => char::from(b),
    }
}

/// Cleans a metadata title; `None` for junk (empty, "untitled", file names).
fn clean_title(raw: &str) -> Option<String> {
    let mut t: String = tidy_line(raw).trim().to_string();
    for prefix in [
        "Microsoft Word - ",
        "Microsoft PowerPoint - ",
        "Microsoft Excel - ",
    ] {
        if let Some(rest) = t.strip_prefix(prefix) {
            t = strip_extension(rest.trim()).to_string();
        }
    }
    let t = t.trim();
    let lower = t.to_lowercase();
    let junk = t.chars().filter(|c| c.is_alphabetic()).count() < 2
        || [
            "untitled",
            "unbenannt",
            "uten tittel",
            "namnlös",
            "no title",
            "title",
        ]
        .iter()
        .any(|j| {
            lower == *j
                || lower.starts_with(&format!("{j} "))
                || lower.starts_with(&format!("{j}-"))
        })
        || looks_like_file_name(t);
    if junk {
        None
    } else {
        Some(t.to_string())
    }
}

fn strip_extension(name: &str) -> &str {
    match name.rsplit_once('.') {
        Some((stem, ext))
            if (2..=5).contains(&ext.len()) && ext.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            stem
        }
        _ => name,
    }
}

/// True for titles such as `report_final_v2.docx`, `C:\docs\x.pdf` or `scan0001`.
fn looks_like_file_name(t: &str) -> bool {
    let lower = t.to_lowercase();
    let has_ext = [
        ".doc", ".docx", ".pdf", ".odt", ".rtf", ".txt", ".ppt", ".pptx", ".xls", ".xlsx", ".indd",
        ".tex", ".dvi", ".html", ".htm", ".qxd", ".tif", ".tiff", ".jpg", ".png",
    ]
    .iter()
    .any(|e| lower.ends_with(e));
    let path_like = t.contains('\\') || (t.contains('/') && !t.contains(' '));
    let no_spaces_with_separators = !t.contains(' ')
        && (t.contains('_') || t.chars().filter(|c| c.is_ascii_digit()).count() >= 3);
    has_ext || path_like || no_spaces_with_separators
}

/// A heading-like line of page 1: the largest-font short line among the first lines.
fn heading_of_first_page(pages: &[Vec<Line>]) -> Option<String> {
    let lines = pages.first()?;
    let candidates: Vec<&Line> = lines
        .iter()
        .take(15)
        .filter(|l| {
            let n = l.text.chars().count();
            (3..=150).contains(&n)
                && l.text.chars().filter(|c| c.is_alphabetic()).count() >= 3
                && !l.text.chars().any(is_garbage)
        })
        .collect();
    let best = candidates
        .iter()
        .max_by(|a, b| a.size.total_cmp(&b.size))
        .or(candidates.first())?;
    Some(best.text.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyph(x: f64, y: f64, text: &str) -> Glyph {
        Glyph {
            x,
            y,
            advance: 10.0,
            size: 10.0,
            dir: 0,
            page_y: y,
            text: text.to_string(),
        }
    }

    fn lines_of(glyphs: Vec<Glyph>) -> Vec<String> {
        let sink = PageSink {
            glyphs,
            ..PageSink::default()
        };
        sink.finish().into_iter().map(|l| l.text).collect()
    }

    #[test]
    fn a_compressed_to_unicode_map_without_a_filter_is_inflated() {
        use std::io::Write;
        let cmap = b"/CIDInit /ProcSet findresource begin\nbegincmap\n1 beginbfchar\n<0001> <0041>\nendbfchar\nendcmap\n";
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(cmap).unwrap();
        let compressed = z.finish().unwrap();
        let mut doc = Document::with_version("1.7");
        let unfiltered = doc.add_object(lopdf::Stream::new(Dictionary::new(), compressed.clone()));
        let mut filtered_dict = Dictionary::new();
        filtered_dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
        let filtered = doc.add_object(lopdf::Stream::new(filtered_dict, compressed.clone()));
        for target in [unfiltered, filtered] {
            let mut font = Dictionary::new();
            font.set("ToUnicode", Object::Reference(target));
            doc.add_object(font);
        }
        inflate_unfiltered_cmaps(&mut doc);
        let content = |id| {
            doc.get_object(id)
                .unwrap()
                .as_stream()
                .unwrap()
                .content
                .clone()
        };
        assert_eq!(content(unfiltered), cmap.to_vec());
        // A stream that declares its filter is left for the filter to decode.
        assert_eq!(content(filtered), compressed);
    }

    #[test]
    fn vertical_cjk_drawn_a_glyph_at_a_time_reads_as_one_line_per_column() {
        let lines = lines_of(vec![
            // first column, top to bottom, with a comma set half an em right in another font
            glyph(400.0, 700.0, "歩"),
            glyph(400.0, 690.0, "行"),
            glyph(400.0, 680.0, "者"),
            glyph(400.0, 670.0, "は"),
            glyph(405.0, 668.8, "、"),
            glyph(400.0, 650.0, "進"),
            // next column to the left starts at the top again
            glyph(385.0, 700.0, "道"),
            glyph(385.0, 690.0, "路"),
        ]);
        assert_eq!(lines, ["歩行者は、進", "道路"]);
    }

    #[test]
    fn stacked_latin_lines_one_em_apart_stay_separate_lines() {
        let lines = lines_of(vec![
            glyph(100.0, 700.0, "1"),
            glyph(100.0, 690.0, "2"),
            glyph(100.0, 680.0, "A"),
        ]);
        assert_eq!(lines, ["1", "2", "A"]);
    }

    #[test]
    fn cjk_fonts_are_placed_in_adobes_collections_by_name() {
        assert_eq!(
            CjkCollection::of_base_font(b"Ryumin-Light"),
            Some(CjkCollection::Japan1)
        );
        assert_eq!(
            CjkCollection::of_base_font(b"STSong-Light"),
            Some(CjkCollection::Gb1)
        );
        assert_eq!(CjkCollection::of_base_font(b"Helvetica"), None);
    }

    #[test]
    fn adobe_japan1_cids_map_to_unicode() {
        // Adobe TN 5078: CID 1 is the space, 34 `A`, 843 `あ`, 1125 `亜` (the first kanji).
        let pairs = CjkCollection::Japan1.unicode_pairs();
        let of = |cid: u32| {
            pairs
                .binary_search_by_key(&cid, |p| p.0)
                .ok()
                .and_then(|i| char::from_u32(pairs[i].1))
        };
        assert_eq!(
            [of(1), of(34), of(843), of(1125)],
            [Some(' '), Some('A'), Some('あ'), Some('亜')]
        );
        assert!(pairs.len() > 20_000, "{}", pairs.len());
    }

    fn deflated_zeros(n: usize) -> Vec<u8> {
        use std::io::Write;
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        let chunk = vec![0u8; 64 * 1024];
        for _ in 0..n / chunk.len() {
            e.write_all(&chunk).unwrap();
        }
        e.finish().unwrap()
    }

    fn pdf_with_stream(z: &[u8]) -> Vec<u8> {
        let mut b = format!(
            "%PDF-1.4\n1 0 obj\n<< /Length {} /Filter /FlateDecode >>\nstream\n",
            z.len()
        )
        .into_bytes();
        b.extend_from_slice(z);
        b.extend_from_slice(b"\nendstream\nendobj\ntrailer << >>\n%%EOF\n");
        b
    }

    #[test]
    fn a_decompression_bomb_is_refused_before_parsing() {
        let pdf = pdf_with_stream(&deflated_zeros(4 * 1024 * 1024));
        assert!(pdf.len() < 64 * 1024, "the bomb is small on disk");
        let e = check_inflated_size(&pdf, 1024 * 1024, 16 * 1024 * 1024).unwrap_err();
        assert!(e.to_string().contains("decompression bomb"), "{e}");
        assert!(check_inflated_size(&pdf, 8 * 1024 * 1024, 16 * 1024 * 1024).is_ok());
        let two = [pdf.clone(), pdf].concat();
        assert!(
            check_inflated_size(&two, 8 * 1024 * 1024, 6 * 1024 * 1024).is_err(),
            "the total is capped too"
        );
    }
    use lopdf::content::{Content, Operation};
    use lopdf::{dictionary, Stream};

    /// One text line to draw: x, y, font size, text.
    type Draw<'a> = (f64, f64, f64, &'a str);

    /// Builds a PDF with one page per entry of `pages`, drawn in Helvetica.
    fn make_pdf(pages: &[Vec<Draw>], info_title: Option<Object>) -> Vec<u8> {
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let font_id = doc.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "Type1",
            "BaseFont" => "Helvetica",
            "Encoding" => "WinAnsiEncoding",
        });
        let resources_id = doc.add_object(dictionary! {
            "Font" => dictionary! { "F1" => font_id },
        });
        let mut kids = Vec::new();
        for draws in pages {
            let mut ops = Vec::new();
            for &(x, y, size, text) in draws {
                ops.push(Operation::new("BT", vec![]));
                ops.push(Operation::new("Tf", vec!["F1".into(), size.into()]));
                ops.push(Operation::new("Td", vec![x.into(), y.into()]));
                ops.push(Operation::new("Tj", vec![Object::string_literal(text)]));
                ops.push(Operation::new("ET", vec![]));
            }
            let content = Content { operations: ops };
            let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
            let page_id = doc.add_object(dictionary! {
                "Type" => "Page",
                "Parent" => pages_id,
                "Contents" => content_id,
            });
            kids.push(Object::from(page_id));
        }
        let count = kids.len() as i64;
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages",
                "Kids" => kids,
                "Count" => count,
                "Resources" => resources_id,
                "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            }),
        );
        let catalog_id = doc.add_object(dictionary! {
            "Type" => "Catalog",
            "Pages" => pages_id,
        });
        doc.trailer.set("Root", catalog_id);
        if let Some(title) = info_title {
            let info_id = doc.add_object(dictionary! { "Title" => title });
            doc.trailer.set("Info", info_id);
        }
        let mut out = Vec::new();
        doc.save_to(&mut out).unwrap();
        out
    }

    #[test]
    fn text_is_returned_per_page_in_order() {
        let pdf = make_pdf(
            &[
                vec![(72.0, 700.0, 12.0, "First page text")],
                vec![(72.0, 700.0, 12.0, "Second page text")],
            ],
            None,
        );
        let text = extract(&pdf).unwrap();
        assert_eq!(text.pages, vec!["First page text", "Second page text"]);
        assert!(!text.encrypted_empty_password);
    }

    #[test]
    fn word_broken_at_line_end_is_rejoined() {
        let pdf = make_pdf(
            &[vec![
                (72.0, 700.0, 12.0, "the regio-"),
                (72.0, 686.0, 12.0, "nal plan"),
            ]],
            None,
        );
        assert_eq!(extract(&pdf).unwrap().pages[0], "the regional plan");
    }

    #[test]
    fn compound_with_capitalised_first_part_keeps_its_hyphen() {
        let pdf = make_pdf(
            &[vec![
                (72.0, 700.0, 12.0, "nye Interreg-"),
                (72.0, 686.0, 12.0, "prosjekter i nord"),
            ]],
            None,
        );
        assert_eq!(
            extract(&pdf).unwrap().pages[0],
            "nye Interreg-prosjekter i nord"
        );
    }

    #[test]
    fn a_broken_word_the_document_spells_whole_elsewhere_is_joined_without_its_hyphen() {
        let pdf = make_pdf(
            &[vec![
                (72.0, 700.0, 12.0, "But if Con-"),
                (72.0, 686.0, 12.0, "gress had agreed."),
                (72.0, 672.0, 12.0, "Congress did not. I Inn-"),
                (72.0, 658.0, 12.0, "herred og Innherred"),
            ]],
            None,
        );
        assert_eq!(
            extract(&pdf).unwrap().pages[0],
            "But if Congress had agreed.\nCongress did not. I Innherred og Innherred"
        );
    }

    #[test]
    fn a_compound_the_document_spells_with_a_hyphen_elsewhere_keeps_it() {
        let pdf = make_pdf(
            &[vec![
                (72.0, 700.0, 12.0, "send en e-"),
                (72.0, 686.0, 12.0, "post til oss"),
                (72.0, 672.0, 12.0, "per e-post"),
            ]],
            None,
        );
        assert_eq!(
            extract(&pdf).unwrap().pages[0],
            "send en e-post til oss\nper e-post"
        );
    }

    #[test]
    fn hyphen_without_line_break_is_kept() {
        assert_eq!(
            tidy_line("Interreg-prosjekter  og\u{00AD}så"),
            "Interreg-prosjekter også"
        );
    }

    #[test]
    fn ligatures_are_expanded_but_other_compatibility_characters_kept() {
        assert_eq!(
            tidy_line("\u{FB01}nal \u{FB03}x x\u{00B2}"),
            "final ffix x\u{00B2}"
        );
    }

    #[test]
    fn running_header_and_page_number_are_removed_across_four_pages() {
        let pages: Vec<Vec<Draw>> = (1..=4)
            .map(|_| {
                vec![
                    (72.0, 800.0, 9.0, "Regional plan 2024"),
                    (72.0, 700.0, 12.0, "Body text that differs"),
                    (72.0, 40.0, 9.0, "Side X av 4"),
                ]
            })
            .collect();
        // Give each page its own body and page number.
        let bodies = ["Alpha body", "Beta body", "Gamma body", "Delta body"];
        let numbers = ["Side 1 av 4", "Side 2 av 4", "Side 3 av 4", "Side 4 av 4"];
        let pages: Vec<Vec<Draw>> = pages
            .into_iter()
            .enumerate()
            .map(|(i, mut p)| {
                p[1].3 = bodies[i];
                p[2].3 = numbers[i];
                p
            })
            .collect();
        let text = extract(&make_pdf(&pages, None)).unwrap();
        assert_eq!(text.pages, bodies.to_vec());
    }

    #[test]
    fn title_comes_from_the_info_dictionary() {
        let pdf = make_pdf(
            &[vec![(72.0, 700.0, 12.0, "Body")]],
            Some(Object::string_literal("Regional utvikling i nord")),
        );
        assert_eq!(
            extract(&pdf).unwrap().title.as_deref(),
            Some("Regional utvikling i nord")
        );
    }

    #[test]
    fn utf16_title_is_decoded() {
        let mut bytes = vec![0xFE, 0xFF];
        for u in "Fylkesplan for Møre".encode_utf16() {
            bytes.extend(u.to_be_bytes());
        }
        let pdf = make_pdf(
            &[vec![(72.0, 700.0, 12.0, "Body")]],
            Some(Object::String(bytes, lopdf::StringFormat::Hexadecimal)),
        );
        assert_eq!(
            extract(&pdf).unwrap().title.as_deref(),
            Some("Fylkesplan for Møre")
        );
    }

    #[test]
    fn microsoft_word_prefix_and_extension_are_stripped_from_title() {
        let pdf = make_pdf(
            &[vec![(72.0, 700.0, 12.0, "Body")]],
            Some(Object::string_literal(
                "Microsoft Word - Strategi for regionen.docx",
            )),
        );
        assert_eq!(
            extract(&pdf).unwrap().title.as_deref(),
            Some("Strategi for regionen")
        );
    }

    #[test]
    fn junk_title_falls_back_to_largest_heading_on_first_page() {
        let pdf = make_pdf(
            &[vec![
                (72.0, 780.0, 9.0, "Rapport 3/2024"),
                (72.0, 740.0, 20.0, "Klimatilpasning i kommunene"),
                (72.0, 700.0, 11.0, "Innledning og bakgrunn for arbeidet"),
            ]],
            Some(Object::string_literal("untitled")),
        );
        assert_eq!(
            extract(&pdf).unwrap().title.as_deref(),
            Some("Klimatilpasning i kommunene")
        );
    }

    #[test]
    fn file_name_titles_are_junk() {
        assert_eq!(clean_title("rapport_endelig_v2.pdf"), None);
        assert_eq!(clean_title("C:\\docs\\plan.doc"), None);
        assert_eq!(clean_title(""), None);
        assert_eq!(clean_title("Untitled"), None);
        assert_eq!(
            clean_title("Plan for 2024"),
            Some("Plan for 2024".to_string())
        );
    }

    #[test]
    fn zero_pages_is_empty() {
        let pdf = make_pdf(&[], None);
        assert_eq!(extract(&pdf), Err(PdfError::Empty));
    }

    #[test]
    fn blank_pages_report_no_text() {
        let pdf = make_pdf(&[vec![], vec![]], None);
        assert_eq!(extract(&pdf), Err(PdfError::NoText { pages: 2 }));
    }

    #[test]
    fn garbage_bytes_are_malformed_not_a_panic() {
        assert!(matches!(
            extract(b"hello world"),
            Err(PdfError::Malformed(_))
        ));
        assert!(matches!(extract(b""), Err(PdfError::Malformed(_))));
        assert!(matches!(
            extract(b"%PDF-1.4\n%%EOF"),
            Err(PdfError::Malformed(_) | PdfError::Empty)
        ));
    }

    #[test]
    fn truncated_and_mutated_pdfs_never_panic() {
        let pdf = make_pdf(
            &[
                vec![(72.0, 700.0, 12.0, "Some text on page one")],
                vec![(72.0, 700.0, 12.0, "More text on page two")],
            ],
            Some(Object::string_literal("A title")),
        );
        for cut in (0..pdf.len()).step_by(7) {
            let _ = extract(&pdf[..cut]);
        }
        // Cheap deterministic pseudo-random byte flips.
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..300 {
            let mut copy = pdf.clone();
            for _ in 0..4 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let at = (state % copy.len() as u64) as usize;
                copy[at] = (state >> 32) as u8;
            }
            let _ = extract(&copy);
        }
    }

    #[test]
    fn mostly_unmapped_glyphs_are_refused() {
        let lines = vec![vec![Line {
            text: "\u{FFFD}\u{FFFD}\u{E001}\u{E002} ab".to_string(),
            y: 0.0,
            size: 10.0,
            dir: 0,
            page_y: 0.0,
        }]];
        assert!(garbage_share(&lines) > 0.5);
    }

    #[test]
    fn pdf_doc_encoding_title_is_decoded() {
        assert_eq!(
            decode_pdf_string(b"Caf\xe9 \x8dx\x8e \x84"),
            "Café \u{201C}x\u{201D} \u{2014}"
        );
    }

    #[test]
    fn empty_password_pdf_is_opened() {
        let text = extract(include_bytes!(
            "../../tests/fixtures/encrypted-empty-password.pdf"
        ))
        .unwrap();
        assert_eq!(text.pages, vec!["Hello World!"]);
        assert!(text.encrypted_empty_password);
    }

    #[test]
    fn password_protected_pdf_is_reported_as_encrypted() {
        let bytes = include_bytes!("../../tests/fixtures/encrypted-with-password.pdf");
        assert_eq!(extract(bytes), Err(PdfError::Encrypted));
    }

    #[test]
    fn scanned_pdf_is_reported_as_image_only() {
        let bytes = include_bytes!("../../tests/fixtures/image-only.pdf");
        assert_eq!(extract(bytes), Err(PdfError::ImageOnly { pages: 1 }));
    }

    #[test]
    fn truncated_pdf_is_malformed() {
        let bytes = include_bytes!("../../tests/fixtures/broken.pdf");
        assert!(matches!(extract(bytes), Err(PdfError::Malformed(_))));
    }

    #[test]
    fn self_drawing_form_does_not_overflow_the_stack() {
        // Form X1 draws text and then itself; pdf-extract alone would recurse forever.
        let pdf = b"%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R
  /Resources << /XObject << /X1 5 0 R >> /Font << /F1 6 0 R >> >> >> endobj
4 0 obj << /Length 6 >> stream
/X1 Do
endstream endobj
5 0 obj << /Type /XObject /Subtype /Form /BBox [0 0 200 200] /Length 48 >> stream
BT /F1 12 Tf 10 10 Td (Hello world) Tj ET /X1 Do
endstream endobj
6 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj
trailer << /Root 1 0 R >>
%%EOF
";
        let text = extract(pdf).unwrap();
        assert_eq!(text.pages, vec!["Hello world"]);
    }

    /// A one-page PDF (no xref: the loader rebuilds it) with `objects` appended as objects 4, 5, …
    /// after the catalog (1), page tree (2) and page (3, whose extra entries are `page`).
    fn raw_pdf(page: &str, objects: &[&str]) -> Vec<u8> {
        let mut out = String::from("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n");
        out.push_str("2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n");
        out.push_str(&format!(
            "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] {page} >> endobj\n"
        ));
        for (i, body) in objects.iter().enumerate() {
            out.push_str(&format!("{} 0 obj {body} endobj\n", i + 4));
        }
        out.push_str("trailer << /Root 1 0 R >>\n%%EOF\n");
        out.into_bytes()
    }

    fn stream(dict: &str, data: &str) -> String {
        format!(
            "<< {dict} /Length {} >> stream\n{data}\nendstream",
            data.len() + 1
        )
    }

    #[test]
    fn text_box_annotation_appearance_is_extracted() {
        let appearance = stream(
            "/Type /XObject /Subtype /Form /BBox [0 0 100 20] /Resources << /Font << /F1 6 0 R >> >>",
            "BT /F1 12 Tf 2 5 Td (Comment in a box) Tj ET",
        );
        let pdf = raw_pdf(
            "/Annots [4 0 R]",
            &[
                "<< /Type /Annot /Subtype /FreeText /Rect [10 100 110 120] /AP << /N 5 0 R >> >>",
                &appearance,
                "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            ],
        );
        assert_eq!(extract(&pdf).unwrap().pages, vec!["Comment in a box"]);
    }

    #[test]
    fn hidden_annotation_is_not_extracted() {
        let appearance = stream(
            "/Type /XObject /Subtype /Form /BBox [0 0 100 20] /Resources << /Font << /F1 6 0 R >> >>",
            "BT /F1 12 Tf 2 5 Td (Hidden note) Tj ET",
        );
        let pdf = raw_pdf(
            "/Annots [4 0 R]",
            &[
                "<< /Type /Annot /Subtype /FreeText /F 2 /Rect [10 100 110 120] /AP << /N 5 0 R >> >>",
                &appearance,
                "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            ],
        );
        // No text at all (the loader's error about the missing xref table is the one kept).
        assert!(extract(&pdf).is_err());
        for cut in (0..pdf.len()).step_by(5) {
            let _ = extract(&pdf[..cut]);
        }
    }

    /// A page drawing `hex` with a Type0 font whose extra entries are `font`.
    fn type0_pdf(font: &str, hex: &str, extra: &[&str]) -> Vec<u8> {
        let content = format!("BT /F1 12 Tf 10 100 Td <{hex}> Tj ET");
        type0_page(font, "", &content, extra)
    }

    /// A page drawn by `content` (font `/F1`: a Type0 font whose extra entries are `font`,
    /// its CID font's are `cid_font`).
    fn type0_page(font: &str, cid_font: &str, content: &str, extra: &[&str]) -> Vec<u8> {
        let content = stream("", content);
        let mut objects = vec![
            content,
            format!(
                "<< /Type /Font /Subtype /Type0 /BaseFont /X /DescendantFonts [6 0 R] {font} >>"
            ),
            format!(
                "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /X /DW 500 /FontDescriptor 7 0 R \
                 /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> {cid_font} >>"
            ),
            "<< /Type /FontDescriptor /FontName /X /Flags 32 >>".to_string(),
        ];
        objects.extend(extra.iter().map(|s| s.to_string()));
        let refs: Vec<&str> = objects.iter().map(String::as_str).collect();
        raw_pdf(
            "/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >>",
            &refs,
        )
    }

    #[test]
    fn cid_widths_given_as_ranges_keep_glyphs_drawn_one_by_one_in_one_word() {
        // Chrome and Word write `/W [first last width]`; each glyph here is placed 800/1000 em
        // after the last, its real width, which pdf-extract alone read as the default 500.
        let glyphs = [
            "0057", "0069", "0064", "0065", "0020", "0077", "006F", "0072", "0064",
        ];
        let mut content = String::from("BT /F1 10 Tf 10 100 Td");
        for (i, g) in glyphs.iter().enumerate() {
            if i > 0 {
                content.push_str(" 8 0 Td");
            }
            content.push_str(&format!(" <{g}> Tj"));
        }
        content.push_str(" ET");
        for w in [
            "/W [32 126 800]",
            "/W [32 [800] 33 126 800]",
            "/W [32 [800 800] 34 126 800]",
        ] {
            let pdf = type0_page(
                "/Encoding /Identity-H /ToUnicode /Identity-H",
                w,
                &content,
                &[],
            );
            assert_eq!(extract(&pdf).unwrap().pages, vec!["Wide word"], "{w}");
        }
    }

    /// A page drawn by `content` with `/F1`, a Type3 font for a–z of width `width` (glyph
    /// space) under the font matrix [`unit` 0 0 `unit` 0 0].
    fn type3_page(unit: f64, width: u32, content: &str) -> Vec<u8> {
        let letters: Vec<String> = (b'a'..=b'z').map(|c| format!("/{}", c as char)).collect();
        let widths = vec![width.to_string(); 26].join(" ");
        let font = format!(
            "<< /Type /Font /Subtype /Type3 /FontBBox [0 0 100 100] \
             /FontMatrix [{unit} 0 0 {unit} 0 0] /CharProcs << >> /Resources << >> \
             /Encoding << /Type /Encoding /Differences [97 {}] >> \
             /FirstChar 97 /LastChar 122 /Widths [{widths}] >>",
            letters.join(" ")
        );
        raw_pdf(
            "/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >>",
            &[&stream("", content), &font],
        )
    }

    #[test]
    fn hostile_width_arrays_and_font_matrices_are_bounded() {
        let content = "BT /F1 10 Tf 10 100 Td <00570069> Tj ET";
        for w in [
            "/W [0 4294967295 1000]",
            "/W [-5 10 1000]",
            "/W [32 126]",
            "/W [32 [1e30 -1e30]]",
            "/W 7",
        ] {
            let pdf = type0_page(
                "/Encoding /Identity-H /ToUnicode /Identity-H",
                w,
                content,
                &[],
            );
            let _ = extract(&pdf);
        }
        for unit in [1e30, -1.0, 0.0, 1e-30] {
            let pdf = type3_page(unit, 50, "BT /F1 10 Tf 10 100 Td (ab) Tj ET");
            let _ = extract(&pdf);
        }
    }

    #[test]
    fn type3_widths_are_scaled_by_the_font_matrix() {
        // 50 units of 1/100 em = half an em: at 10 pt `green` ends 25 pt on, where `grocer`
        // starts. Read as thousandths (pdf-extract's way) it ended 2.5 pt on and a gap opened.
        let pdf = type3_page(
            0.01,
            50,
            "BT /F1 10 Tf 10 100 Td (green) Tj 25 0 Td (grocer) Tj ET",
        );
        assert_eq!(extract(&pdf).unwrap().pages, vec!["greengrocer"]);
        let pdf = type3_page(
            0.01,
            50,
            "BT /F1 10 Tf 10 100 Td (green) Tj 30 0 Td (grocer) Tj ET",
        );
        assert_eq!(extract(&pdf).unwrap().pages, vec!["green grocer"]);
    }

    #[test]
    fn a_doubled_letter_is_not_taken_for_an_overprint_whatever_the_font_size() {
        // glyphs of 0.02 em at 100 pt: each `l` starts 2 pt after the last, a tenth of the size
        let pdf = type3_page(0.001, 20, "BT /F1 100 Tf 10 100 Td (will) Tj ET");
        assert_eq!(extract(&pdf).unwrap().pages, vec!["will"]);
        // a real overprint (fake bold: drawn again 0.3 pt to the right) is still dropped
        let pdf = type3_page(
            0.001,
            500,
            "BT /F1 10 Tf 10 100 Td (b) Tj 0.3 0 Td (b) Tj 4.7 0 Td (old) Tj ET",
        );
        assert_eq!(extract(&pdf).unwrap().pages, vec!["bold"]);
    }

    #[test]
    fn identity_to_unicode_name_decodes_two_byte_codes() {
        let pdf = type0_pdf(
            "/Encoding /Identity-H /ToUnicode /Identity-H",
            "0048006900E5",
            &[],
        );
        assert_eq!(extract(&pdf).unwrap().pages, vec!["Hiå"]);
    }

    #[test]
    fn one_byte_embedded_encoding_cmap_is_decoded() {
        let cmap = stream(
            "/Type /CMap",
            "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
             1 begincodespacerange <00> <FF> endcodespacerange\n\
             1 begincidrange <00> <FF> 0 endcidrange endcmap end end",
        );
        let to_unicode = stream(
            "",
            "begincmap 1 begincodespacerange <00> <FF> endcodespacerange\n\
             1 beginbfrange <20> <7E> <0020> endbfrange endcmap",
        );
        let pdf = type0_pdf(
            "/Encoding 8 0 R /ToUnicode 9 0 R",
            "4E6F7264",
            &[&cmap, &to_unicode],
        );
        assert_eq!(extract(&pdf).unwrap().pages, vec!["Nord"]);
        for cut in (0..pdf.len()).step_by(5) {
            let _ = extract(&pdf[..cut]);
        }
    }

    #[test]
    fn encoding_cmap_ranges_and_chars_are_read() {
        let cmap = parse_encoding_cmap(
            b"% comment\n/WMode 1 def 2 begincodespacerange <00> <80> <8140> <FFFF> endcodespacerange\n\
              2 begincidrange <20> <7E> 1 <8140> <817E> 633 endcidrange\n\
              1 begincidchar <8180> 700 endcidchar",
        )
        .unwrap();
        assert_eq!(cmap.codespace, vec![(1, 0, 0x80), (2, 0x8140, 0xFFFF)]);
        assert_eq!(cmap.cid_of(0x21), Some(2));
        assert_eq!(cmap.cid_of(0x8141), Some(634));
        assert_eq!(cmap.cid_of(0x8180), Some(700));
        assert!(cmap.vertical);
        assert!(!cmap.is_identity());
        assert!(parse_encoding_cmap(
            b"/Foo usecmap 1 begincodespacerange <00> <FF> endcodespacerange"
        )
        .is_none());
    }

    #[test]
    fn garbage_font_programs_and_cmaps_never_panic() {
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        for len in [0usize, 3, 12, 40, 300, 2000] {
            for _ in 0..50 {
                let bytes: Vec<u8> = (0..len)
                    .map(|_| {
                        state ^= state << 13;
                        state ^= state >> 7;
                        state ^= state << 17;
                        (state >> 24) as u8
                    })
                    .collect();
                let _ = truetype_glyph_unicodes(&bytes);
                let _ = parse_encoding_cmap(&bytes);
                let mut font =
                    b"\0\x01\0\0\0\x01\0\0\0\0\0\0cmap\0\0\0\0\0\0\0\x1c\0\0\0\x20".to_vec();
                font.extend_from_slice(&bytes);
                let _ = truetype_glyph_unicodes(&font);
            }
        }
    }

    #[test]
    fn errors_display_lowercase_messages() {
        for e in [
            PdfError::Encrypted,
            PdfError::ImageOnly { pages: 2 },
            PdfError::Empty,
            PdfError::TooLarge { bytes: 1 },
            PdfError::Malformed("x".into()),
        ] {
            let s = e.to_string();
            assert!(s.starts_with(char::is_lowercase), "{s}");
        }
    }
}
