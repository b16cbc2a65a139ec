//! The records every pipeline stage shares: a [`Document`] made of
//! [`Passage`]s, with its [`Format`], language and facet [`FacetValue`]s.
//!
//! A passage is the unit the index stores and scores: a PDF page, or a
//! ~1,500-character slice of a long page or web text, cut at paragraph or
//! sentence boundaries so a hit always knows its page.

use serde::{Deserialize, Serialize};

use crate::lang::Language;

/// Target passage size in characters; a passage is cut at the last paragraph
/// or sentence end before [`MAX_PASSAGE_CHARS`].
pub(crate) const TARGET_PASSAGE_CHARS: usize = 1_500;
/// Hard upper bound for one passage.
pub(crate) const MAX_PASSAGE_CHARS: usize = 2_000;

/// The format a source was read as (sniffed from its bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Portable Document Format.
    Pdf,
    /// A web page.
    Html,
    /// Plain text.
    Text,
    /// A Word document (Office Open XML, `.docx`).
    Docx,
    /// An OpenDocument text (`.odt`).
    Odt,
    /// A PowerPoint presentation (Office Open XML, `.pptx`).
    Pptx,
    /// An OpenDocument presentation (`.odp`).
    Odp,
    /// Rich Text Format (`.rtf`).
    Rtf,
    /// An Excel workbook (Office Open XML, `.xlsx`).
    Xlsx,
    /// An OpenDocument spreadsheet (`.ods`).
    Ods,
    /// A Word 97–2003 document (`.doc`).
    Doc,
    /// An Excel 97–2003 workbook (`.xls`).
    Xls,
    /// A PowerPoint 97–2003 presentation (`.ppt`).
    Ppt,
    /// A scanned image in TIFF (one page or many), read by OCR.
    Tiff,
    /// A scanned image in PNG, read by OCR.
    Png,
    /// A scanned image in JPEG, read by OCR.
    Jpeg,
}

impl Format {
    /// Lowercase name used in the index and the API (`pdf`, `html`, `text`).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Html => "html",
            Format::Text => "text",
            Format::Docx => "docx",
            Format::Odt => "odt",
            Format::Pptx => "pptx",
            Format::Odp => "odp",
            Format::Rtf => "rtf",
            Format::Xlsx => "xlsx",
            Format::Ods => "ods",
            Format::Doc => "doc",
            Format::Xls => "xls",
            Format::Ppt => "ppt",
            Format::Tiff => "tiff",
            Format::Png => "png",
            Format::Jpeg => "jpeg",
        }
    }

    /// The media type of a file of this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Html => "text/html; charset=utf-8",
            Format::Text => "text/plain; charset=utf-8",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Odt => "application/vnd.oasis.opendocument.text",
            Format::Pptx => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
            Format::Odp => "application/vnd.oasis.opendocument.presentation",
            Format::Rtf => "application/rtf",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Ods => "application/vnd.oasis.opendocument.spreadsheet",
            Format::Doc => "application/msword",
            Format::Xls => "application/vnd.ms-excel",
            Format::Ppt => "application/vnd.ms-powerpoint",
            Format::Tiff => "image/tiff",
            Format::Png => "image/png",
            Format::Jpeg => "image/jpeg",
        }
    }

    /// Parse the name written by [`Format::as_str`].
    pub fn from_name(s: &str) -> Option<Format> {
        match s {
            "pdf" => Some(Format::Pdf),
            "html" => Some(Format::Html),
            "text" => Some(Format::Text),
            "docx" => Some(Format::Docx),
            "odt" => Some(Format::Odt),
            "pptx" => Some(Format::Pptx),
            "odp" => Some(Format::Odp),
            "rtf" => Some(Format::Rtf),
            "xlsx" => Some(Format::Xlsx),
            "ods" => Some(Format::Ods),
            "doc" => Some(Format::Doc),
            "xls" => Some(Format::Xls),
            "ppt" => Some(Format::Ppt),
            "tiff" => Some(Format::Tiff),
            "png" => Some(Format::Png),
            "jpeg" => Some(Format::Jpeg),
            _ => None,
        }
    }
}

/// Where a facet value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Tagged automatically from the document's text.
    Text,
    /// Set by a person in a sidecar or folder metadata file.
    Metadata,
}

/// Where a document's date was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DateSource {
    /// The source's own metadata: PDF info or XMP, HTML meta tags, JSON-LD, `<time>`.
    Metadata,
    /// A date written in the text (the first pages).
    Text,
    /// A person's sidecar or folder metadata file.
    Sidecar,
}

/// A `YYYY-MM-DD` date as the number `YYYYMMDD`, the form the index filters and sorts
/// by; `None` unless the text is a real calendar date.
pub fn date_number(ymd: &str) -> Option<u64> {
    let b = ymd.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| ymd.get(r)?.parse::<u32>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    valid_date(y, m, d).then(|| u64::from(y) * 10_000 + u64::from(m) * 100 + u64::from(d))
}

/// The `YYYY-MM-DD` form of a [`date_number`].
pub fn date_text(n: u64) -> String {
    format!("{:04}-{:02}-{:02}", n / 10_000, n / 100 % 100, n % 100)
}

/// True for a real day of the Gregorian calendar (years 1000–2999).
pub fn valid_date(y: u32, m: u32, d: u32) -> bool {
    let leap = (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1000..3000).contains(&y) && (1..=days).contains(&d)
}

/// One facet value on a document, with the evidence for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FacetValue {
    /// Facet name: `region`, `programme`, `network` or `theme`.
    pub facet: String,
    /// Concept path, e.g. `/norway/trondelag`.
    pub path: String,
    /// How many times the text mentions it (0 for metadata).
    pub count: u32,
    /// The first phrase in the text that matched, as written there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_match: Option<String>,
    /// Text or metadata.
    pub origin: Origin,
}

/// The web page that linked to a document (kept for PDFs found by crawling).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkContext {
    /// Title of the linking page.
    pub title: String,
    /// URL of the linking page.
    pub url: String,
}

/// A slice of a document's text that is indexed and scored on its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    /// 1-based page number for paged formats.
    pub page: Option<u32>,
    /// The passage text as extracted.
    pub text: String,
    /// The passage's own language (may differ from the document's).
    #[serde(with = "lang_code")]
    pub lang: Language,
}

/// A source turned into text, with everything the index needs to know.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Stable id derived from the source key (see [`Document::id_for`]).
    pub id: String,
    /// The key the id is derived from: canonical path or URL.
    pub source: String,
    /// What users click: the URL, or the file path.
    pub url: String,
    /// Title from metadata, headings or the file name.
    pub title: String,
    /// Majority language of the passages.
    #[serde(with = "lang_code")]
    pub lang: Language,
    /// Sniffed format.
    pub format: Format,
    /// Meta description, when the source has one.
    pub description: Option<String>,
    /// Publication date (`YYYY-MM-DD`) when the source states one.
    pub date: Option<String>,
    /// Where [`Document::date`] was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_source: Option<DateSource>,
    /// Number of pages (PDF) or 1.
    pub pages: u32,
    /// Fingerprint of the source: blake3 (hex) of the extraction version, the
    /// bytes and the metadata that applies to them.
    pub hash: String,
    /// Size of the source in bytes.
    pub bytes: u64,
    /// Facet values with evidence.
    pub facets: Vec<FacetValue>,
    /// True when the text looks OCR-damaged (see `ingest::quality`).
    #[serde(default)]
    pub ocr_damaged: bool,
    /// What could not be read, or only in part: the text is incomplete.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// The page that linked to this document, if it was found by crawling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<LinkContext>,
    /// The passages, in reading order.
    pub passages: Vec<Passage>,
}

#[cfg(test)]
impl Document {
    /// A plain-text Bokmål document of one passage, for tests.
    pub(crate) fn bokmaal_text(id: &str, title: &str, text: &str) -> Document {
        Document {
            id: id.into(),
            source: format!("{id}.txt"),
            url: format!("{id}.txt"),
            title: title.into(),
            lang: Language::Nb,
            format: Format::Text,
            description: None,
            date: None,
            date_source: None,
            pages: 1,
            hash: format!("hash of {id}"),
            bytes: text.len() as u64,
            facets: Vec::new(),
            ocr_damaged: false,
            warnings: Vec::new(),
            context: None,
            passages: vec![Passage {
                page: None,
                text: text.into(),
                lang: Language::Nb,
            }],
        }
    }
}

impl Document {
    /// The text "similar documents" compares: the passages, up to about
    /// 60,000 bytes (enough to find a document's characteristic words).
    pub fn similarity_text(&self) -> String {
        let mut text = String::new();
        for p in &self.passages {
            if text.len() > 60_000 {
                break;
            }
            text.push_str(&p.text);
            text.push_str("\n\n");
        }
        text
    }

    /// The stable document id for a source key: 16 hex digits of its blake3 hash.
    pub fn id_for(source: &str) -> String {
        let h = blake3::hash(source.as_bytes());
        h.to_hex()[..16].to_string()
    }

    /// Total characters of text over all passages.
    pub fn text_len(&self) -> usize {
        self.passages.iter().map(|p| p.text.len()).sum()
    }
}

/// Languages travel as their ISO 639-1 code.
mod lang_code {
    use crate::lang::Language;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(l: &Language, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(l.code())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Language, D::Error> {
        let code = String::deserialize(d)?;
        Ok(Language::from_code(&code).unwrap_or(Language::Other))
    }
}

/// Split one page (or a whole text) into passages of about
/// [`TARGET_PASSAGE_CHARS`], cutting at paragraph, then sentence, then word
/// boundaries. Empty input gives no passages.
pub(crate) fn split_passages(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        if rest.len() <= MAX_PASSAGE_CHARS {
            out.push(rest);
            break;
        }
        let window = floor_char_boundary(rest, MAX_PASSAGE_CHARS);
        let head = &rest[..window];
        let min = floor_char_boundary(rest, TARGET_PASSAGE_CHARS / 2);
        let cut = best_cut(head, min).unwrap_or(window);
        let (piece, tail) = rest.split_at(cut);
        let piece = piece.trim();
        if !piece.is_empty() {
            out.push(piece);
        }
        rest = tail.trim_start();
    }
    out
}

fn best_cut(head: &str, min: usize) -> Option<usize> {
    let target = TARGET_PASSAGE_CHARS.min(head.len());
    let search = |pat: &str| -> Option<usize> {
        // prefer the boundary closest to the target, after `min`
        let after = head[..floor_char_boundary(head, target)]
            .rfind(pat)
            .filter(|&i| i >= min);
        after
            .or_else(|| head.rfind(pat).filter(|&i| i >= min))
            .map(|i| i + pat.len())
    };
    search("\n\n")
        .or_else(|| search(". "))
        .or_else(|| search("\n"))
        .or_else(|| search(" "))
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_id_is_stable_and_short() {
        assert_eq!(
            Document::id_for("corpus/a.pdf"),
            Document::id_for("corpus/a.pdf")
        );
        assert_ne!(
            Document::id_for("corpus/a.pdf"),
            Document::id_for("corpus/b.pdf")
        );
        assert_eq!(Document::id_for("x").len(), 16);
    }

    #[test]
    fn long_text_is_split_at_sentence_ends_within_bounds() {
        let sentence = "Trøndelag fylkeskommune samarbeider med regionene i Europa. ";
        let text = sentence.repeat(200);
        let parts = split_passages(&text);
        assert!(parts.len() > 5);
        for p in &parts {
            assert!(p.len() <= MAX_PASSAGE_CHARS);
            assert!(p.ends_with('.'), "cut mid-sentence: {p}");
        }
        let total: usize = parts.iter().map(|p| p.split_whitespace().count()).sum();
        assert_eq!(total, text.split_whitespace().count(), "no words lost");
    }

    #[test]
    fn text_without_spaces_is_still_split() {
        let text = "æ".repeat(5_000);
        let parts = split_passages(&text);
        assert!(parts.iter().all(|p| p.len() <= MAX_PASSAGE_CHARS));
        assert_eq!(parts.concat(), text);
    }

    #[test]
    fn only_calendar_dates_become_numbers() {
        assert_eq!(date_number("2021-06-30"), Some(20_210_630));
        assert_eq!(date_number("2024-02-29"), Some(20_240_229));
        assert_eq!(date_number("2023-02-29"), None);
        assert_eq!(date_number("2021-13-01"), None);
        assert_eq!(date_number("21-06-30"), None);
        assert_eq!(date_text(20_210_630), "2021-06-30");
    }

    #[test]
    fn empty_text_has_no_passages() {
        assert!(split_passages("   \n ").is_empty());
    }
}
