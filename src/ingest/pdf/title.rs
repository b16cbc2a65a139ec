//! The document title: the info dictionary or XMP `dc:title` when it is not junk (empty,
//! "untitled", a file name), else a heading-like line of the first page.

use lopdf::{Document, Object};

use super::cleanup::{is_garbage, tidy_line};
use super::objects::stream_bytes;
use super::Line;

/// Title from the info dictionary or, failing that, the XMP `dc:title`; junk titles are skipped.
pub(super) fn metadata_title(doc: &Document) -> Option<String> {
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

/// Creation date (`YYYY-MM-DD`) from the info dictionary's `/CreationDate`
/// (`D:20210305…`), else the XMP `xmp:CreateDate` (`2021-03-05T…`); impossible dates
/// are dropped.
pub(super) fn metadata_date(doc: &Document) -> Option<String> {
    let info = doc
        .trailer
        .get(b"Info")
        .ok()
        .and_then(|o| doc.dereference(o).ok())
        .and_then(|(_, o)| o.as_dict().ok())
        .and_then(|d| d.get(b"CreationDate").ok())
        .and_then(|o| doc.dereference(o).ok())
        .and_then(|(_, o)| match o {
            Object::String(bytes, _) => Some(decode_pdf_string(bytes)),
            _ => None,
        });
    let digits = |s: &str| -> Option<String> {
        let s = s.trim();
        let s = s.strip_prefix("D:").unwrap_or(s);
        let d: String = s.chars().filter(|c| *c != '-').take(8).collect();
        if d.len() != 8 || !d.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let text = format!("{}-{}-{}", &d[..4], &d[4..6], &d[6..8]);
        crate::document::date_number(&text).map(|_| text)
    };
    if let Some(d) = info.as_deref().and_then(digits) {
        return Some(d);
    }
    let catalog = doc.catalog().ok()?;
    let (_, meta) = doc.dereference(catalog.get(b"Metadata").ok()?).ok()?;
    let content = stream_bytes(meta.as_stream().ok()?);
    let xml = String::from_utf8_lossy(&content);
    // element (`<xmp:CreateDate>2021-…`) or attribute (`xmp:CreateDate="2021-…"`)
    let at = xml.find("xmp:CreateDate")? + "xmp:CreateDate".len();
    let value = xml[at..].trim_start_matches(['>', '=', '"', '\'', ' ']);
    digits(value.get(..10)?)
}

pub(super) fn xmp_title(doc: &Document) -> Option<String> {
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
    Some(crate::ingest::text::unescape_xml(&inner[..close]).into_owned())
}

/// Decodes a PDF text string: UTF-16BE or UTF-8 with a byte-order mark, else PDFDocEncoding.
pub(super) fn decode_pdf_string(bytes: &[u8]) -> String {
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
pub(super) fn pdf_doc_char(b: u8) -> char {
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
pub(crate) fn clean_title(raw: &str) -> Option<String> {
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

pub(super) fn strip_extension(name: &str) -> &str {
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
pub(super) fn looks_like_file_name(t: &str) -> bool {
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
pub(super) fn heading_of_first_page(pages: &[Vec<Line>]) -> Option<String> {
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
