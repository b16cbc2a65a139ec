//! Format sniffing from the bytes, never from the file name: a `.pdf` that
//! is really text is read as text, an HTML page saved as `.txt` as HTML.

use crate::document::Format;

/// What the first bytes say a source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    /// A format Kartotek reads.
    Known(Format),
    /// A recognised binary format Kartotek does not read (its name).
    Unsupported(&'static str),
    /// No bytes at all.
    Empty,
}

/// Scanned images, read by OCR: PNG, JPEG and TIFF (classic and BigTIFF,
/// either byte order).
const IMAGES: &[(&[u8], Format)] = &[
    (b"\x89PNG\r\n\x1a\n", Format::Png),
    (b"\xff\xd8\xff", Format::Jpeg),
    (b"II*\x00", Format::Tiff),
    (b"MM\x00*", Format::Tiff),
    (b"II+\x00", Format::Tiff),
    (b"MM\x00+", Format::Tiff),
];

const MAGICS: &[(&[u8], &str)] = &[
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\x7fELF", "executable"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"Rar!", "RAR archive"),
    (b"RIFF", "audio/video file"),
    (b"\x00\x00\x00\x18ftyp", "MP4 video"),
    (b"\x00\x00\x00\x20ftyp", "MP4 video"),
];

/// What a zip archive is, by the parts it names: an OpenDocument file names
/// its type in a first, stored entry `mimetype`; an Office Open XML file
/// has its parts named in the first entries' headers and in the directory
/// at the archive's end (so only the head and the tail are searched).
fn zip_kind(bytes: &[u8]) -> Sniffed {
    const OPENDOCUMENT: &[u8] = b"mimetypeapplication/vnd.oasis.opendocument.";
    if let Some(kind) = bytes.get(30..).and_then(|b| b.strip_prefix(OPENDOCUMENT)) {
        // `.odt` and its template `.ott` alike
        if kind.starts_with(b"text") {
            return Sniffed::Known(Format::Odt);
        }
        if kind.starts_with(b"presentation") {
            return Sniffed::Known(Format::Odp);
        }
        if kind.starts_with(b"spreadsheet") {
            return Sniffed::Known(Format::Ods);
        }
    }
    let names = |part: &[u8]| at_either_end(bytes, part, 64 * 1024, 256 * 1024);
    if names(b"word/document.xml") {
        Sniffed::Known(Format::Docx)
    } else if names(b"ppt/presentation.xml") {
        Sniffed::Known(Format::Pptx)
    } else if names(b"xl/workbook.xml") {
        Sniffed::Known(Format::Xlsx)
    } else {
        Sniffed::Unsupported("ZIP archive")
    }
}

/// An OLE compound file: Office 97–2003 documents, and every Office file
/// encrypted with a password (its OOXML package inside, encrypted).
const LEGACY_OFFICE: &[u8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1";

/// Why an Office file encrypted with a password is not read.
pub(crate) const ENCRYPTED_OFFICE: &str =
    "an Office file encrypted with a password; save it without the password and ingest it again";

/// What an OLE compound file is: a password-protected Office file holds a
/// stream named `EncryptionInfo` (its name in UTF-16 in the directory); a
/// Word, Excel or PowerPoint 97–2003 file its main stream.
fn compound_kind(bytes: &[u8]) -> Sniffed {
    use super::office97::Kind;
    let names = |name: &str| {
        let utf16: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
        at_either_end(bytes, &utf16, 1 << 20, 1 << 20)
    };
    if names("EncryptionInfo") {
        return Sniffed::Unsupported(ENCRYPTED_OFFICE);
    }
    // a directory the reader cannot read is still told by its names, so
    // that the file's error says what is damaged
    let read = super::office97::kind_of(bytes);
    let kind = read.ok().flatten().or_else(|| {
        [
            ("WordDocument", Kind::Doc),
            ("Workbook", Kind::Xls),
            ("PowerPoint Document", Kind::Ppt),
        ]
        .into_iter()
        .find_map(|(name, kind)| names(name).then_some(kind))
    });
    match kind {
        Some(Kind::Doc) => Sniffed::Known(Format::Doc),
        Some(Kind::Xls) => Sniffed::Known(Format::Xls),
        Some(Kind::Ppt) => Sniffed::Known(Format::Ppt),
        None if read.is_err() => Sniffed::Unsupported(
            "an OLE compound file (as Word, Excel and PowerPoint 97–2003 files are) whose directory cannot be read: it is damaged or cut short",
        ),
        None => {
            Sniffed::Unsupported("an OLE compound file that is no Word, Excel or PowerPoint file")
        }
    }
}

/// Rich Text Format: `{\rtf` first (after a UTF-8 byte-order mark or
/// blank lines some exporters put before it).
fn is_rtf(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    head[start..].starts_with(b"{\\rtf")
}

/// Sniff the format of `bytes`.
pub fn sniff(bytes: &[u8]) -> Sniffed {
    if bytes.is_empty() {
        return Sniffed::Empty;
    }
    let head = &bytes[..bytes.len().min(1024)];
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    // PDF: the header may be preceded by junk, within the first 1 KiB; after
    // junk, the file must also hold objects (a text that mentions `%PDF-1.7`
    // early is text)
    if let Some(at) = find(head, b"%PDF-") {
        let blank_before = head[..at].iter().all(u8::is_ascii_whitespace);
        if blank_before || find(bytes, b"endobj").is_some() {
            return Sniffed::Known(Format::Pdf);
        }
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return zip_kind(bytes);
    }
    if is_rtf(head) {
        return Sniffed::Known(Format::Rtf);
    }
    if bytes.starts_with(LEGACY_OFFICE) {
        return compound_kind(bytes);
    }
    if let Some((_, format)) = IMAGES.iter().find(|(magic, _)| bytes.starts_with(magic)) {
        return Sniffed::Known(*format);
    }
    for (magic, name) in MAGICS {
        // a magic of letters (`GIF89a`, `RIFF`) opens a text too: the binary
        // format it names is not text after it
        let letters = magic.iter().all(|b| b.is_ascii_graphic());
        if bytes.starts_with(magic) && !(letters && looks_like_text(sample)) {
            return Sniffed::Unsupported(name);
        }
    }
    // HTML in UTF-16 (Word's "Save as Web Page") is told by its text
    let head8 = &bytes[..bytes.len().min(8 * 1024)];
    let utf16 = match encoding_rs::Encoding::for_bom(head8) {
        Some((enc, _)) if enc != encoding_rs::UTF_8 => Some(enc),
        _ => super::text::utf16_without_bom(head8),
    };
    let decoded = utf16.map(|enc| enc.decode(head8).0.into_owned());
    if looks_like_html(decoded.as_deref().map_or(head8, str::as_bytes)) {
        return Sniffed::Known(Format::Html);
    }
    if utf16.is_some() {
        return Sniffed::Known(Format::Text);
    }
    if looks_like_text(sample) {
        return Sniffed::Known(Format::Text);
    }
    Sniffed::Unsupported("binary data")
}

/// Whether `needle` stands in the first `head` or the last `tail` bytes of
/// `bytes` (a file no longer than both is searched once, whole).
fn at_either_end(bytes: &[u8], needle: &[u8], head: usize, tail: usize) -> bool {
    if bytes.len() <= head + tail {
        return find(bytes, needle).is_some();
    }
    find(&bytes[..head], needle).is_some() || find(&bytes[bytes.len() - tail..], needle).is_some()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn looks_like_html(head: &[u8]) -> bool {
    let start = head
        .strip_prefix(b"\xef\xbb\xbf".as_slice())
        .unwrap_or(head);
    let lower: Vec<u8> = start.iter().map(|b| b.to_ascii_lowercase()).collect();
    let trimmed: &[u8] = {
        let i = lower
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(lower.len());
        &lower[i..]
    };
    const STARTS: [&[u8]; 6] = [
        b"<!doctype html",
        b"<html",
        b"<head",
        b"<body",
        b"<meta",
        b"<title",
    ];
    if STARTS.iter().any(|s| trimmed.starts_with(s)) {
        return true;
    }
    // An XML prolog or comment before <html …>.
    if (trimmed.starts_with(b"<?xml") || trimmed.starts_with(b"<!--"))
        && find(&lower, b"<html").is_some()
    {
        return true;
    }
    // a fragment of a page (`<div class=…>…</div>`, as CMS exports save
    // them): an element of HTML's body first, closed somewhere
    const FRAGMENT: [&[u8]; 14] = [
        b"<div",
        b"<p>",
        b"<p ",
        b"<section",
        b"<article",
        b"<main",
        b"<header",
        b"<nav",
        b"<table",
        b"<ul",
        b"<ol",
        b"<h1",
        b"<h2",
        b"<span",
    ];
    FRAGMENT.iter().any(|s| trimmed.starts_with(s)) && find(trimmed, b"</").is_some()
}

/// Plain text: valid UTF-8 / UTF-16 with BOM, or bytes that are mostly
/// printable in Windows-1252, with no NUL bytes.
fn looks_like_text(sample: &[u8]) -> bool {
    if sample.starts_with(b"\xff\xfe") || sample.starts_with(b"\xfe\xff") {
        return true;
    }
    if sample.contains(&0) {
        return false;
    }
    if let Err(e) = std::str::from_utf8(sample) {
        // a multi-byte char cut off at the end of the sample is still UTF-8
        if e.error_len().is_none() && e.valid_up_to() + 4 >= sample.len() {
            return true;
        }
    } else {
        return true;
    }
    let control = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    let undefined_1252 = sample
        .iter()
        .filter(|&&b| matches!(b, 0x81 | 0x8d | 0x8f | 0x90 | 0x9d))
        .count();
    (control + undefined_1252) * 100 <= sample.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_is_recognised_by_its_header_not_its_name() {
        assert_eq!(sniff(b"%PDF-1.7\n%\xe2\xe3"), Sniffed::Known(Format::Pdf));
        assert_eq!(sniff(b"\n\n%PDF-1.4"), Sniffed::Known(Format::Pdf));
    }

    #[test]
    fn html_is_recognised_with_bom_doctype_or_comment() {
        assert_eq!(
            sniff(b"\xef\xbb\xbf<!DOCTYPE html><p>x"),
            Sniffed::Known(Format::Html)
        );
        assert_eq!(sniff(b"  <HTML lang=nb>"), Sniffed::Known(Format::Html));
        assert_eq!(sniff(b"<!-- x --><html>"), Sniffed::Known(Format::Html));
    }

    #[test]
    fn html_and_text_in_utf16_are_recognised_with_or_without_bom() {
        let page = "<html><head><title>Strategi</title></head><body><p>Trøndelag</p></body></html>";
        let le: Vec<u8> = page.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = page.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let with_bom = [b"\xff\xfe".as_slice(), &le].concat();
        for bytes in [&with_bom, &le, &be] {
            assert_eq!(sniff(bytes), Sniffed::Known(Format::Html));
        }
        let text: Vec<u8> = "Samarbeid over grensen i Trøndelag og Jämtland"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(sniff(&text), Sniffed::Known(Format::Text));
    }

    #[test]
    fn text_in_utf8_and_latin1_is_text() {
        assert_eq!(sniff("Trøndelag".as_bytes()), Sniffed::Known(Format::Text));
        assert_eq!(
            sniff(b"Tr\xf8ndelag og B\xe6rum"),
            Sniffed::Known(Format::Text)
        );
    }

    #[test]
    fn text_that_opens_like_another_format_is_text() {
        assert_eq!(
            sniff(b"GIF89a is the image format of the old web, and this note says so."),
            Sniffed::Known(Format::Text)
        );
        assert_eq!(
            sniff(b"RIFF-rapporten om regional utvikling ble lagt fram i juni."),
            Sniffed::Known(Format::Text)
        );
        assert_eq!(
            sniff(b"Merk: filer som starter med %PDF-1.7 er PDF-filer, ikke tekst."),
            Sniffed::Known(Format::Text)
        );
        // a PDF after junk holds objects
        assert_eq!(
            sniff(b"junk\n%PDF-1.4\n1 0 obj << >> endobj"),
            Sniffed::Known(Format::Pdf)
        );
    }

    #[test]
    fn a_page_fragment_or_a_long_prolog_is_html() {
        assert_eq!(
            sniff(b"<div class=\"article\"><p>Tekst</p></div>"),
            Sniffed::Known(Format::Html)
        );
        let mut long = b"<?xml version=\"1.0\"?>\n<!-- ".to_vec();
        long.extend(std::iter::repeat_n(b'x', 3000));
        long.extend(b" -->\n<html><body><p>Tekst</p></body></html>");
        assert_eq!(sniff(&long), Sniffed::Known(Format::Html));
        // a `<` that opens no element stays text
        assert_eq!(
            sniff(b"<3 kommuner har svart innen fristen."),
            Sniffed::Known(Format::Text)
        );
    }

    #[test]
    fn binary_formats_are_named() {
        assert_eq!(
            sniff(b"GIF89a\x01\0\x01\0\0"),
            Sniffed::Unsupported("GIF image")
        );
        assert_eq!(
            sniff(&[0u8, 1, 2, 3, 0, 0, 9]),
            Sniffed::Unsupported("binary data")
        );
        assert_eq!(sniff(b""), Sniffed::Empty);
    }

    #[test]
    fn scanned_images_are_known_by_their_magic() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Sniffed::Known(Format::Png));
        assert_eq!(sniff(b"\xff\xd8\xff\xe0.."), Sniffed::Known(Format::Jpeg));
        for tiff in [
            &b"II*\0\x08\0\0\0"[..],
            b"MM\0*\0\0\0\x08",
            b"II+\0\x08\0\0\0",
        ] {
            assert_eq!(sniff(tiff), Sniffed::Known(Format::Tiff));
        }
    }
}
