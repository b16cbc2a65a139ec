//! Word (`.docx`, Office Open XML) and OpenDocument text (`.odt`) files: zip
//! archives whose body is one XML part (`word/document.xml`,
//! `content.xml`), read with `zip` and streamed through `quick-xml`.
//!
//! What is read: the body's paragraphs, headings, lists and table cells in
//! document order, then the footnotes and endnotes (Word keeps them in parts
//! of their own; OpenDocument inline, where they are lifted out so they do
//! not split a sentence). Left out: text a tracked change deleted, field
//! codes, comments, running headers and footers. The title is the first
//! paragraph styled as a title (else as a first-level heading), else the
//! file's own title property; the date, the file's creation date.
//!
//! Bounds: no part is inflated past [`MAX_PART_BYTES`] (a zip bomb is cut
//! there, with a warning), and the reader keeps no tree: its memory is the
//! text it keeps.

use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::text::unescape_xml;

/// Most bytes of one XML part inflated and read. Markup is most of a part:
/// 64 MB of WordprocessingML holds a few MB of text, more than the longest
/// report (and than the index keeps of one document).
pub(crate) const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;

/// Which kind of office file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Office Open XML word processing (`.docx`).
    Docx,
    /// OpenDocument text (`.odt`).
    Odt,
}

/// What an office file holds.
#[derive(Debug, Default)]
pub struct OfficeText {
    /// The title (see the module's notes).
    pub title: Option<String>,
    /// Creation date `YYYY-MM-DD` from the file's properties.
    pub created: Option<String>,
    /// The text, one paragraph per line.
    pub text: String,
    /// What could not be read in full.
    pub warnings: Vec<String>,
}

/// Why an office file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum OfficeError {
    /// Not a zip archive, or one whose directory cannot be read (the
    /// caller says the file is damaged).
    #[error("{0}")]
    Damaged(String),
    /// The archive lacks the part that holds the text.
    #[error("it has no `{0}`, the part that holds the text")]
    NoBody(&'static str),
}

/// Read an office file of `kind`.
pub fn extract(bytes: &[u8], kind: Kind) -> Result<OfficeText, OfficeError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| OfficeError::Damaged(format!("its zip directory cannot be read ({e})")))?;
    let mut out = OfficeText::default();
    let (body, notes, properties): (&'static str, &[&str], &str) = match kind {
        Kind::Docx => (
            "word/document.xml",
            &["word/footnotes.xml", "word/endnotes.xml"],
            "docProps/core.xml",
        ),
        Kind::Odt => ("content.xml", &[], "meta.xml"),
    };
    let xml = part(&mut zip, body, MAX_PART_BYTES, &mut out.warnings)?
        .ok_or(OfficeError::NoBody(body))?;
    let read = read_body(&xml, kind);
    if read.broken {
        out.warnings.push(format!(
            "partly extracted: `{body}` breaks off as XML; the text before the break is indexed"
        ));
    }
    out.text = read.text;
    out.title = read.title;
    let mut lifted = read.notes;
    for name in notes {
        if let Ok(Some(xml)) = part(&mut zip, name, MAX_PART_BYTES, &mut out.warnings) {
            lifted.push_str(&read_body(&xml, kind).text);
        }
    }
    if !lifted.trim().is_empty() {
        out.text.push('\n');
        out.text.push_str(&lifted);
    }
    if let Ok(Some(xml)) = part(&mut zip, properties, MAX_PART_BYTES, &mut out.warnings) {
        let p = read_properties(&xml);
        out.created = p.created;
        if out.title.is_none() {
            out.title = p.title;
        }
    }
    Ok(out)
}

/// The part `name` of the archive, inflated up to `max` bytes (`None` when
/// the archive has no such part).
fn part(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    max: u64,
    warnings: &mut Vec<String>,
) -> Result<Option<Vec<u8>>, OfficeError> {
    let entry = match zip.by_name(name) {
        Ok(e) => e,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => {
            return Err(OfficeError::Damaged(format!(
                "`{name}` cannot be read ({e})"
            )))
        }
    };
    let mut xml = Vec::new();
    let read = entry.take(max + 1).read_to_end(&mut xml);
    if let Err(e) = read {
        // a damaged stream: what inflated before the damage is kept
        warnings.push(format!("partly extracted: `{name}` is damaged ({e})"));
    }
    if xml.len() as u64 > max {
        xml.truncate(max as usize);
        let mb = max.div_ceil(1024 * 1024);
        warnings.push(format!(
            "partly extracted: `{name}` inflates past {mb} MB; its first {mb} MB are read"
        ));
    }
    Ok(Some(xml))
}

/// The text of a body, footnotes or endnotes part.
#[derive(Debug, Default)]
struct Body {
    text: String,
    /// OpenDocument notes, lifted out of the text flow.
    notes: String,
    title: Option<String>,
    /// The XML broke off before its end.
    broken: bool,
}

/// What a paragraph's style says it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Heading {
    Title,
    First,
}

/// Style names (Word's style ids, OpenDocument's style names) of a title
/// and of a first-level heading, lower-cased without spaces, in the
/// languages Word and LibreOffice localise them to here.
fn heading_of(style: &str) -> Option<Heading> {
    let s: String = style
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    match s.as_str() {
        "title" | "tittel" | "titel" | "otsikko" => Some(Heading::Title),
        "heading1" | "overskrift1" | "rubrik1" | "berschrift1" | "uberschrift1" | "otsikko1" => {
            Some(Heading::First)
        }
        _ => None,
    }
}

fn read_body(xml: &[u8], kind: Kind) -> Body {
    let mut reader = Reader::from_reader(xml);
    reader.config_mut().trim_text(false);
    let mut out = Body::default();
    let mut buf = Vec::new();
    // text is kept inside these elements only (a `w:t` of a run; anywhere
    // in an OpenDocument paragraph or heading)
    let mut keep = 0usize;
    // inside elements whose text is not the document's (deleted text,
    // field codes, comments, tracked changes): their depth
    let mut skip = 0usize;
    // inside an OpenDocument note: its depth, text going to `notes`
    let mut note = 0usize;
    let mut paragraph = String::new();
    let mut style: Option<Heading> = None;
    let mut best: Option<(Heading, String)> = None;
    loop {
        let event = reader.read_event_into(&mut buf);
        match event {
            Ok(Event::Start(e)) => {
                let name = e.local_name();
                let name = name.into_inner();
                if skip > 0 || skipped(kind, name) {
                    skip += 1;
                } else if kind == Kind::Odt && name == "note-body" {
                    note += 1;
                } else if note > 0 {
                    note += 1;
                    opened(kind, &e, name, &mut keep, &mut style);
                } else {
                    opened(kind, &e, name, &mut keep, &mut style);
                }
            }
            Ok(Event::Empty(e)) if skip == 0 => {
                let name = e.local_name();
                let target = if note > 0 {
                    &mut out.notes
                } else {
                    &mut paragraph
                };
                empty(kind, &e, name.into_inner(), target, &mut style);
            }
            Ok(Event::End(e)) => {
                let name = e.local_name();
                let name = name.into_inner();
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                if note > 0 {
                    note -= 1;
                    if note == 0 || paragraph_end(kind, name) {
                        out.notes.push('\n');
                    }
                    if note == 0 {
                        continue;
                    }
                }
                match (kind, name) {
                    (Kind::Docx, "t") | (Kind::Odt, "p" | "h" | "span" | "a") => {
                        keep = keep.saturating_sub(1);
                    }
                    _ => {}
                }
                if note == 0 && paragraph_end(kind, name) {
                    let line = paragraph.trim();
                    if !line.is_empty() {
                        if let Some(h) = style {
                            if best.as_ref().is_none_or(|(b, _)| h < *b) {
                                best = Some((h, line.to_string()));
                            }
                        }
                        out.text.push_str(line);
                        out.text.push('\n');
                    }
                    paragraph.clear();
                    style = None;
                }
                // a table row on one line, its cells apart by tabs
                match (kind, name) {
                    (Kind::Docx, "tc") | (Kind::Odt, "table-cell") => {
                        if out.text.ends_with('\n') {
                            out.text.pop();
                        }
                        out.text.push('\t');
                    }
                    (Kind::Docx, "tr") | (Kind::Odt, "table-row") => {
                        if out.text.ends_with('\t') {
                            out.text.pop();
                        }
                        out.text.push('\n');
                    }
                    _ => {}
                }
            }
            Ok(Event::Text(t)) if skip == 0 && keep > 0 => {
                let t: &str = &t;
                let target = if note > 0 {
                    &mut out.notes
                } else {
                    &mut paragraph
                };
                target.push_str(&unescape_xml(t));
            }
            Ok(Event::CData(t)) if skip == 0 && keep > 0 => {
                let t: &str = &t;
                paragraph.push_str(t);
            }
            Ok(Event::GeneralRef(r)) if skip == 0 && keep > 0 => {
                let name: &str = &r;
                let target = if note > 0 {
                    &mut out.notes
                } else {
                    &mut paragraph
                };
                target.push_str(&unescape_xml(&format!("&{name};")));
            }
            Ok(Event::Eof) => break,
            Err(_) => {
                out.broken = true;
                break;
            }
            _ => {}
        }
        buf.clear();
    }
    let rest = paragraph.trim();
    if !rest.is_empty() {
        out.text.push_str(rest);
        out.text.push('\n');
    }
    out.title = best.map(|(_, t)| t).filter(|t| t.chars().count() <= 300);
    out
}

/// Elements whose text is not the document's own text.
fn skipped(kind: Kind, name: &str) -> bool {
    match kind {
        // deleted text, field codes, and comment marks' own content
        Kind::Docx => matches!(name, "delText" | "instrText" | "delInstrText" | "comment"),
        Kind::Odt => matches!(
            name,
            "tracked-changes" | "annotation" | "note-citation" | "sequence-decls" | "forms"
        ),
    }
}

fn paragraph_end(kind: Kind, name: &str) -> bool {
    match kind {
        Kind::Docx => name == "p",
        Kind::Odt => matches!(name, "p" | "h"),
    }
}

fn opened(kind: Kind, e: &BytesStart, name: &str, keep: &mut usize, style: &mut Option<Heading>) {
    match (kind, name) {
        (Kind::Docx, "t") => *keep += 1,
        (Kind::Odt, "p" | "h" | "span" | "a") => {
            *keep += 1;
            if name == "h" {
                let level = attribute(e, "text:outline-level");
                if level.as_deref().is_none_or(|l| l == "1") {
                    style.get_or_insert(Heading::First);
                }
            }
            if let Some(h) = attribute(e, "text:style-name")
                .as_deref()
                .and_then(heading_of)
            {
                *style = Some(h);
            }
        }
        _ => {}
    }
}

fn empty(kind: Kind, e: &BytesStart, name: &str, target: &mut String, style: &mut Option<Heading>) {
    match (kind, name) {
        (Kind::Docx, "tab") | (Kind::Odt, "tab") => target.push('\t'),
        (Kind::Docx, "br" | "cr") | (Kind::Odt, "line-break") => target.push('\n'),
        (Kind::Docx, "noBreakHyphen") => target.push('-'),
        (Kind::Docx, "pStyle") => {
            if let Some(h) = attribute(e, "w:val").as_deref().and_then(heading_of) {
                *style = Some(h);
            }
        }
        (Kind::Odt, "s") => {
            let n: usize = attribute(e, "text:c")
                .and_then(|c| c.parse().ok())
                .unwrap_or(1);
            target.extend(std::iter::repeat_n(' ', n.clamp(1, 16)));
        }
        _ => {}
    }
}

/// The unescaped value of attribute `name` (as written, with its prefix).
fn attribute(e: &BytesStart, name: &str) -> Option<String> {
    let a = e.try_get_attribute(name).ok()??;
    a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
        .ok()
        .map(|v| v.into_owned())
}

/// A file's title and creation date properties (`docProps/core.xml`,
/// `meta.xml`).
#[derive(Debug, Default)]
struct Properties {
    title: Option<String>,
    created: Option<String>,
}

fn read_properties(xml: &[u8]) -> Properties {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut out = Properties::default();
    let mut field: Option<&'static str> = None;
    let mut value = String::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => {
                field = match e.local_name().into_inner() {
                    "title" => Some("title"),
                    "created" | "creation-date" => Some("created"),
                    _ => None,
                };
                value.clear();
            }
            Ok(Event::Text(t)) if field.is_some() => {
                let t: &str = &t;
                value.push_str(&unescape_xml(t));
            }
            Ok(Event::End(_)) => {
                let v = value.trim();
                match field.take() {
                    Some("title") => {
                        out.title =
                            super::pdf::clean_title(v).map(|t| t.chars().take(300).collect());
                    }
                    Some("created") => out.created = date(v),
                    _ => {}
                }
                value.clear();
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    out
}

/// `YYYY-MM-DD` from an ISO 8601 time stamp (`2019-03-04T10:00:00Z`).
fn date(stamp: &str) -> Option<String> {
    let d = stamp.get(..10)?;
    let b = d.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    (digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10))
        .then(|| d.to_string())
}

#[cfg(test)]
mod tests;
