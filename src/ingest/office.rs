//! Word (`.docx`) and PowerPoint (`.pptx`) files (Office Open XML) and
//! OpenDocument texts and presentations (`.odt`, `.odp`): zip archives of
//! XML parts (`word/document.xml`, a `ppt/slides/slideN.xml` per slide,
//! `content.xml`), read with `zip` and streamed through `quick-xml`. A
//! presentation is paged: a page per slide, in the order it shows them.
//!
//! What is read: the body's paragraphs, headings, lists and table cells in
//! document order, then the footnotes and endnotes (Word keeps them in parts
//! of their own; OpenDocument inline, where they are lifted out so they do
//! not split a sentence). Left out: text a tracked change deleted, field
//! codes, comments, speaker notes, running headers and footers. The title
//! is the first paragraph styled as a title (a slide's title placeholder;
//! else a first-level heading), else the file's own title property; the
//! date, the file's creation date.
//!
//! Bounds: no part is inflated past [`MAX_PART_BYTES`] (a zip bomb is cut
//! there, with a warning), and the reader keeps no tree: its memory is the
//! text it keeps.

use std::borrow::Cow;
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
    /// Office Open XML presentation (`.pptx`): a page per slide.
    Pptx,
    /// OpenDocument presentation (`.odp`): a page per slide.
    Odp,
    /// Office Open XML workbook (`.xlsx`): a page per sheet, a line per row.
    Xlsx,
    /// OpenDocument spreadsheet (`.ods`): a page per sheet, a line per row.
    Ods,
}

/// What an office file holds.
#[derive(Debug, Default)]
pub struct OfficeText {
    /// The title (see the module's notes).
    pub title: Option<String>,
    /// Creation date `YYYY-MM-DD` from the file's properties.
    pub created: Option<String>,
    /// The text, one paragraph per line: one page for a text document, a
    /// page per slide for a presentation.
    pub pages: Vec<String>,
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
    /// Encrypted with a password (a binary Office file's own encryption).
    #[error("{}", super::sniff::ENCRYPTED_OFFICE)]
    Encrypted,
}

/// Most slides read from one presentation, sheets from one workbook.
pub(crate) const MAX_SLIDES: usize = 5_000;

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
        Kind::Pptx => ("ppt/presentation.xml", &[], "docProps/core.xml"),
        Kind::Xlsx => ("xl/workbook.xml", &[], "docProps/core.xml"),
        Kind::Odt | Kind::Odp | Kind::Ods => ("content.xml", &[], "meta.xml"),
    };
    if kind == Kind::Xlsx {
        let workbook = body_part(&mut zip, body, &mut out.warnings)?;
        let sheets = listed_parts(
            &mut zip,
            (body, &workbook, "sheet"),
            "xl/worksheets/sheet",
            &mut out.warnings,
        )?;
        // a cell's text is often an index into the shared strings
        let shared = part(
            &mut zip,
            "xl/sharedStrings.xml",
            MAX_PART_BYTES,
            &mut out.warnings,
        )
        .ok()
        .flatten()
        .map(|xml| shared_strings(&xml))
        .unwrap_or_default();
        // a date is a day number in a cell whose style shows it as a date
        let styles = Styles {
            dates: part(&mut zip, "xl/styles.xml", MAX_PART_BYTES, &mut out.warnings)
                .ok()
                .flatten()
                .map(|xml| date_styles(&xml))
                .unwrap_or_default(),
            from_1904: attributes_of(&workbook, "workbookPr", "date1904")
                .pop()
                .is_some_and(|v| v == "1" || v == "true"),
        };
        // a sheet's name first: what its rows are (`Budsjett 2025`)
        read_pages(&mut zip, sheets, "sheets", &mut out, |xml, name| {
            let mut page = String::new();
            push_line(&mut page, sheet_name(name));
            page.push_str(&read_sheet(xml, &shared, &styles));
            (page, None)
        });
    } else if kind == Kind::Pptx {
        let presentation = body_part(&mut zip, body, &mut out.warnings)?;
        let slides = listed_parts(
            &mut zip,
            (body, &presentation, "sldId"),
            "ppt/slides/slide",
            &mut out.warnings,
        )?;
        read_pages(&mut zip, slides, "slides", &mut out, |xml, _| {
            let read = read_body(xml, kind);
            (read.text, read.title)
        });
    } else {
        let xml = body_part(&mut zip, body, &mut out.warnings)?;
        let read = read_body(&xml, kind);
        if read.broken {
            out.warnings.push(format!(
                "partly extracted: `{body}` breaks off as XML; the text before the break is indexed"
            ));
        }
        out.title = read.title;
        let mut text = read.text;
        let mut lifted = read.notes;
        for name in notes {
            if let Ok(Some(xml)) = part(&mut zip, name, MAX_PART_BYTES, &mut out.warnings) {
                lifted.push_str(&read_body(&xml, kind).text);
            }
        }
        if !lifted.trim().is_empty() {
            text.push('\n');
            text.push_str(&lifted);
        }
        // a presentation's slides were pages as they closed; a text is one page
        out.pages = read.pages;
        if out.pages.is_empty() || !text.trim().is_empty() {
            out.pages.push(text);
        }
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

/// The part the file has no text without: the body of a text document,
/// the part that lists a presentation's slides or a workbook's sheets.
fn body_part(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    body: &'static str,
    warnings: &mut Vec<String>,
) -> Result<Vec<u8>, OfficeError> {
    part(zip, body, MAX_PART_BYTES, warnings)?.ok_or(OfficeError::NoBody(body))
}

/// The parts a list part names, in its order: a presentation's slides in
/// the order it shows them, a workbook's sheets in tab order
/// (`listed`, the part `list` with an `element` per part, its `r:id` resolved
/// through the list's relationships, `folder/_rels/list.rels`); the parts
/// named `numbered`N`.xml`, by number, when those cannot be read.
fn listed_parts(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    (list, listed, element): (&str, &[u8], &str),
    numbered: &str,
    warnings: &mut Vec<String>,
) -> Result<Vec<(String, String)>, OfficeError> {
    let (folder, file) = list.rsplit_once('/').unwrap_or(("", list));
    let ids = attributes_of(listed, element, "r:id");
    // each element's `name` (a sheet's; empty for a slide), beside its id
    let labels = attributes_of(listed, element, "name");
    let rels = part(
        zip,
        &format!("{folder}/_rels/{file}.rels"),
        MAX_PART_BYTES,
        warnings,
    )?
    .unwrap_or_default();
    let ids_to_targets: std::collections::HashMap<String, String> =
        attributes_of(&rels, "Relationship", "Id")
            .into_iter()
            .zip(attributes_of(&rels, "Relationship", "Target"))
            .collect();
    let mut parts: Vec<(String, String)> = ids
        .iter()
        .zip(labels)
        .filter_map(|(id, label)| Some((ids_to_targets.get(id)?, label)))
        .map(|(t, label)| match t.strip_prefix('/') {
            Some(absolute) => (absolute.to_string(), label),
            None => (format!("{folder}/{}", t.trim_start_matches("./")), label),
        })
        .filter(|(name, _)| zip.index_for_name(name).is_some())
        .collect();
    if parts.is_empty() {
        let number = |n: &str| -> Option<u32> {
            n.strip_prefix(numbered)?.strip_suffix(".xml")?.parse().ok()
        };
        let mut numbered: Vec<(u32, String)> = zip
            .file_names()
            .filter_map(|n| {
                let n = n.ok()?;
                Some((number(&n)?, n.into_owned()))
            })
            .collect();
        numbered.sort();
        parts = numbered
            .into_iter()
            .map(|(_, n)| (n, String::new()))
            .collect();
    }
    parts.truncate(MAX_SLIDES);
    Ok(parts)
}

/// Each of the parts `names` (slides, sheets; with their labels) as a
/// page, read by `read` (its text and perhaps a title); all of them inflated
/// to [`MAX_PART_BYTES`] together at most, `what` naming them in the warning.
fn read_pages(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    names: Vec<(String, String)>,
    what: &str,
    out: &mut OfficeText,
    read: impl Fn(&[u8], &str) -> (String, Option<String>),
) {
    let mut budget = MAX_PART_BYTES;
    for (name, label) in names {
        let Ok(Some(xml)) = part(zip, &name, budget, &mut out.warnings) else {
            out.warnings
                .push(format!("partly extracted: `{name}` cannot be read"));
            continue;
        };
        budget = budget.saturating_sub(xml.len() as u64);
        let (text, title) = read(&xml, &label);
        out.title = out.title.take().or(title);
        out.pages.push(text);
        if budget == 0 {
            out.warnings.push(format!(
                "partly extracted: its {what} inflate past {} MB; the first {} are read",
                MAX_PART_BYTES >> 20,
                out.pages.len()
            ));
            break;
        }
    }
}

/// The value of attribute `attr` of every element named `element` (local
/// names), in document order; an element without it gives an empty value
/// (so two lists of one element's attributes stay aligned).
fn attributes_of(xml: &[u8], element: &str, attr: &str) -> Vec<String> {
    let mut reader = Reader::from_reader(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().into_inner() == element => {
                out.push(attribute(&e, attr).unwrap_or_default());
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
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
    /// An OpenDocument presentation's slides (`text` holds what follows the last).
    pages: Vec<String>,
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

/// The two families of formats: Office Open XML (WordprocessingML and
/// DrawingML name a paragraph `p`, a run's text `t`, a table `tr`/`tc`)
/// and OpenDocument (`text:p`, `text:h`, `table:table-row`/`-cell`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Ooxml,
    Odf,
}

impl Kind {
    /// A page per slide or sheet; a text is one page.
    pub fn paged(self) -> bool {
        !matches!(self, Kind::Docx | Kind::Odt)
    }

    fn family(self) -> Family {
        match self {
            Kind::Docx | Kind::Pptx | Kind::Xlsx => Family::Ooxml,
            Kind::Odt | Kind::Odp | Kind::Ods => Family::Odf,
        }
    }
}

fn read_body(xml: &[u8], kind: Kind) -> Body {
    let family = kind.family();
    let mut reader = Reader::from_reader(xml);
    reader.config_mut().trim_text(false);
    let mut out = Body::default();
    // text is kept inside these elements only (a `w:t`/`a:t` of a run;
    // anywhere in an OpenDocument paragraph or heading)
    let mut keep = 0usize;
    // inside elements whose text is not the document's (deleted text,
    // field codes, comments, tracked changes, speaker notes): their depth
    let mut skip = 0usize;
    // inside an OpenDocument note: its depth, text going to `notes`
    let mut note = 0usize;
    // inside a slide's title placeholder (`p:sp` holding `p:ph type="title"`)
    let mut title_shape = false;
    let mut paragraph = String::new();
    let mut style: Option<Heading> = None;
    let mut best: Option<(Heading, String)> = None;
    // inside a text box (a frame anchored in a paragraph): the paragraphs
    // around it, set aside so the box's paragraphs are lines of their own
    // and not glued to the words of the one it is anchored in
    let mut around: Vec<(String, Option<Heading>)> = Vec::new();
    // inside a spreadsheet's tables: how deep
    let mut tables = 0usize;
    loop {
        // events borrow from `xml`: nothing is copied into a buffer
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let name = e.local_name();
                let name = name.into_inner();
                if skip > 0 || skipped(kind, name) {
                    skip += 1;
                } else if family == Family::Odf && name == "note-body" {
                    note += 1;
                } else {
                    if note > 0 {
                        note += 1;
                    }
                    if text_box(family, name) {
                        around.push((std::mem::take(&mut paragraph), style.take()));
                    }
                    if kind == Kind::Ods && name == "table" {
                        tables += 1;
                        // a sheet's name first, as a workbook's
                        if tables == 1 {
                            let label = attribute(&e, "table:name").unwrap_or_default();
                            push_line(&mut out.text, sheet_name(&label));
                        }
                    }
                    opened(family, &e, name, &mut keep, &mut style);
                }
            }
            Ok(Event::Empty(e)) if skip == 0 => {
                let name = e.local_name();
                let name = name.into_inner();
                if kind == Kind::Pptx && name == "ph" {
                    title_shape |= attribute(&e, "type")
                        .is_some_and(|t| matches!(t.as_str(), "title" | "ctrTitle"));
                }
                let target = into(note, &mut out.notes, &mut paragraph);
                empty(family, &e, name, target, &mut style);
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
                    if note == 0 || paragraph_end(family, name) {
                        out.notes.push('\n');
                    }
                    if note == 0 {
                        continue;
                    }
                }
                match (family, name) {
                    (Family::Ooxml, "t") | (Family::Odf, "p" | "h" | "span" | "a") => {
                        keep = keep.saturating_sub(1);
                    }
                    _ => {}
                }
                if note == 0 && paragraph_end(family, name) {
                    let line = paragraph.trim();
                    if !line.is_empty() {
                        if title_shape {
                            style = Some(Heading::Title);
                        }
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
                match (family, name) {
                    // a table row on one line, its cells apart by tabs
                    (Family::Ooxml, "tc") | (Family::Odf, "table-cell") => {
                        if out.text.ends_with('\n') {
                            out.text.pop();
                        }
                        out.text.push('\t');
                    }
                    (Family::Ooxml, "tr") | (Family::Odf, "table-row") => {
                        if out.text.ends_with('\t') {
                            out.text.pop();
                        }
                        out.text.push('\n');
                    }
                    (Family::Ooxml, "sp") => title_shape = false,
                    _ if text_box(family, name) => {
                        if let Some((p, s)) = around.pop() {
                            let inside = std::mem::replace(&mut paragraph, p);
                            push_line(&mut out.text, &inside);
                            style = s;
                        }
                    }
                    // an OpenDocument presentation's slide
                    (Family::Odf, "page") if kind == Kind::Odp => {
                        out.pages.push(std::mem::take(&mut out.text));
                    }
                    // a spreadsheet's sheet (a table in a cell is not one)
                    (Family::Odf, "table") if kind == Kind::Ods => {
                        tables = tables.saturating_sub(1);
                        if tables == 0 {
                            out.pages.push(std::mem::take(&mut out.text));
                        }
                    }
                    _ => {}
                }
            }
            Ok(Event::Eof) => break,
            Err(_) => {
                out.broken = true;
                break;
            }
            Ok(e) if skip == 0 && keep > 0 => {
                if let Some(c) = characters(&e) {
                    into(note, &mut out.notes, &mut paragraph).push_str(&c);
                }
            }
            _ => {}
        }
    }
    // a file that breaks off inside text boxes: what is set aside too
    push_line(&mut out.text, &paragraph);
    for (p, _) in around.iter().rev() {
        push_line(&mut out.text, p);
    }
    out.title = best.map(|(_, t)| t).filter(|t| t.chars().count() <= 300);
    out
}

/// The shared strings of a workbook (`xl/sharedStrings.xml`): each `si`'s
/// text runs, without their phonetic readings.
fn shared_strings(xml: &[u8]) -> Vec<String> {
    let mut reader = Reader::from_reader(xml);
    let mut out = Vec::new();
    let (mut item, mut in_t, mut phonetic) = (String::new(), false, 0usize);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => match e.local_name().into_inner() {
                "si" => item.clear(),
                "t" => in_t = true,
                "rPh" => phonetic += 1,
                _ => {}
            },
            Ok(Event::End(e)) => match e.local_name().into_inner() {
                "si" => out.push(std::mem::take(&mut item)),
                "t" => in_t = false,
                "rPh" => phonetic = phonetic.saturating_sub(1),
                _ => {}
            },
            Ok(Event::Eof) | Err(_) => break,
            Ok(e) if in_t && phonetic == 0 => item.push_str(&characters(&e).unwrap_or_default()),
            _ => {}
        }
    }
    out
}

/// A worksheet's text: a line per row, its cells with text apart by tabs
/// (shared strings resolved, numbers as written, formulas' results, not
/// the formulas).
fn read_sheet(xml: &[u8], shared: &[String], styles: &Styles) -> String {
    let mut reader = Reader::from_reader(xml);
    let mut out = String::new();
    let mut row: Vec<String> = Vec::new();
    let mut cell = String::new();
    // the cell's type (`s`: an index into `shared`; `b`, `e`: left out)
    let mut kind = String::new();
    // the cell's style shows its number as a date
    let mut date = false;
    // inside `v` (the value) or an inline string's `t`
    let mut value = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => match e.local_name().into_inner() {
                "c" => {
                    kind = attribute(&e, "t").unwrap_or_default();
                    date = attribute(&e, "s")
                        .and_then(|s| s.parse::<usize>().ok())
                        .is_some_and(|s| styles.dates.get(s).copied().unwrap_or(false));
                    cell.clear();
                }
                "v" | "t" => value = true,
                _ => {}
            },
            Ok(Event::End(e)) => match e.local_name().into_inner() {
                "v" | "t" => value = false,
                "c" => {
                    let text = match kind.as_str() {
                        "s" => cell
                            .trim()
                            .parse::<usize>()
                            .ok()
                            .and_then(|i| shared.get(i))
                            .cloned()
                            .unwrap_or_default(),
                        "b" | "e" => String::new(),
                        "" | "n" => match cell.trim().parse::<f64>() {
                            Ok(n) if date => {
                                serial_date(n, styles.from_1904).unwrap_or_else(|| number(n))
                            }
                            Ok(n) => number(n),
                            Err(_) => std::mem::take(&mut cell),
                        },
                        _ => std::mem::take(&mut cell),
                    };
                    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                    if !text.is_empty() {
                        row.push(text);
                    }
                }
                "row" => push_line(&mut out, &std::mem::take(&mut row).join("\t")),
                _ => {}
            },
            Ok(Event::Eof) | Err(_) => break,
            Ok(e) if value => cell.push_str(&characters(&e).unwrap_or_default()),
            _ => {}
        }
    }
    push_line(&mut out, &row.join("\t"));
    out
}

/// What a workbook's styles say of its cells' numbers.
#[derive(Debug, Default)]
struct Styles {
    /// Per cell style (`cellXfs`, by index): its number format is a date's.
    dates: Vec<bool>,
    /// Day numbers count from 1904, not 1900 (`workbookPr date1904`).
    from_1904: bool,
}

/// Which cell styles of `xl/styles.xml` show a number as a date: a
/// built-in date format, or a format code with days or years in it.
fn date_styles(xml: &[u8]) -> Vec<bool> {
    let mut reader = Reader::from_reader(xml);
    let mut custom: std::collections::HashMap<String, bool> = std::collections::HashMap::new();
    let mut styles = Vec::new();
    let mut in_cell_xfs = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => match e.local_name().into_inner() {
                "numFmt" => {
                    if let (Some(id), Some(code)) =
                        (attribute(&e, "numFmtId"), attribute(&e, "formatCode"))
                    {
                        custom.insert(id, date_format(&code));
                    }
                }
                "cellXfs" => in_cell_xfs = true,
                "xf" if in_cell_xfs => {
                    let id = attribute(&e, "numFmtId").unwrap_or_default();
                    let built_in = id.parse::<u32>().is_ok_and(|n| {
                        matches!(n, 14..=22 | 27..=36 | 45..=47 | 50..=58) && n != 18 && n != 19
                    });
                    styles.push(custom.get(&id).copied().unwrap_or(built_in));
                }
                _ => {}
            },
            Ok(Event::End(e)) if e.local_name().into_inner() == "cellXfs" => in_cell_xfs = false,
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        if styles.len() > 1_000_000 {
            break;
        }
    }
    styles
}

/// A number format code shows a date: days or years in it, outside quoted
/// text, escapes and brackets (`[$-414]d. mmmm yyyy`, not `0.0 "dager"`).
fn date_format(code: &str) -> bool {
    let (mut quoted, mut bracket, mut escaped) = (false, false, false);
    code.chars().any(|c| {
        let letter = !quoted && !bracket && !escaped && matches!(c.to_ascii_lowercase(), 'd' | 'y');
        escaped = !escaped && !quoted && c == '\\';
        match c {
            '"' if !bracket => quoted = !quoted,
            '[' if !quoted => bracket = true,
            ']' if !quoted => bracket = false,
            _ => {}
        }
        letter
    })
}

/// A spreadsheet's day number as a date (`2003-03-14`, with the time of
/// day when it has one), counted as Excel counts: from 1900 (with its
/// 29 February 1900 that never was) or from 1904.
pub(crate) fn serial_date(serial: f64, from_1904: bool) -> Option<String> {
    if !(0.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    let (base, days) = match (from_1904, days) {
        (true, d) => ((1904, 1, 1), d),
        (false, d) if d >= 61 => ((1899, 12, 30), d),
        (false, d) => ((1899, 12, 31), d),
    };
    let date = chrono::NaiveDate::from_ymd_opt(base.0, base.1, base.2)?
        .checked_add_signed(chrono::Duration::days(days))?;
    let seconds = ((serial - serial.floor()) * 86_400.0).round() as u32;
    Some(if seconds == 0 || seconds >= 86_400 {
        date.format("%Y-%m-%d").to_string()
    } else {
        format!(
            "{} {:02}:{:02}",
            date.format("%Y-%m-%d"),
            seconds / 3600,
            seconds / 60 % 60
        )
    })
}

/// A cell's number as a spreadsheet shows it: whole numbers without a
/// fraction, at most 15 significant digits (what Excel keeps), an
/// exponent only where the number is very large or small.
pub(crate) fn number(f: f64) -> String {
    if !f.is_finite() {
        return String::new();
    }
    if f.fract() == 0.0 && f.abs() < 1e15 {
        return format!("{f:.0}");
    }
    let trim = |s: &str| s.trim_end_matches('0').trim_end_matches('.').to_string();
    if f.abs() >= 1e15 || f.abs() < 1e-5 {
        let s = format!("{f:.14e}");
        return match s.split_once('e') {
            Some((mantissa, exponent)) => format!("{}e{exponent}", trim(mantissa)),
            None => s,
        };
    }
    let digits = 14 - f.abs().log10().floor() as i32;
    trim(&format!("{f:.*}", digits.clamp(0, 20) as usize))
}

/// A sheet's name, or nothing for the name a spreadsheet program gives a
/// new sheet (`Sheet1`, `Ark2`, `Blad3`, `Taulukko1`, `Tabelle1`).
pub(crate) fn sheet_name(name: &str) -> &str {
    const DEFAULTS: [&str; 9] = [
        "sheet", "ark", "blad", "taulukko", "tabelle", "tabell", "feuil", "hoja", "foglio",
    ];
    let word = name.trim_end_matches(|c: char| c.is_ascii_digit()).trim();
    let numbered = word.len() < name.trim().len();
    if numbered && DEFAULTS.iter().any(|d| word.eq_ignore_ascii_case(d)) {
        ""
    } else {
        name
    }
}

/// `line` and a line break, unless it is blank.
pub(crate) fn push_line(text: &mut String, line: &str) {
    let line = line.trim();
    if !line.is_empty() {
        text.push_str(line);
        text.push('\n');
    }
}

/// A text box's content: Word's `w:txbxContent` (a drawing's text box or
/// a VML one), OpenDocument's `draw:text-box` (a frame's).
fn text_box(family: Family, name: &str) -> bool {
    matches!(
        (family, name),
        (Family::Ooxml, "txbxContent") | (Family::Odf, "text-box")
    )
}

/// Where text goes: inside an OpenDocument note (`note` deep) to the
/// notes, else to the paragraph.
fn into<'a>(note: usize, notes: &'a mut String, paragraph: &'a mut String) -> &'a mut String {
    if note > 0 {
        notes
    } else {
        paragraph
    }
}

/// Elements whose text is not the document's own text.
fn skipped(kind: Kind, name: &str) -> bool {
    match kind {
        // deleted text, field codes, and comment marks' own content; an
        // `mc:Fallback` repeats its `mc:Choice` for older readers (Word
        // writes a text box's text in both)
        Kind::Docx => matches!(
            name,
            "delText" | "instrText" | "delInstrText" | "comment" | "Fallback"
        ),
        Kind::Pptx | Kind::Xlsx => name == "Fallback",
        Kind::Odt | Kind::Odp | Kind::Ods => matches!(
            name,
            "tracked-changes"
                | "annotation"
                | "note-citation"
                | "sequence-decls"
                | "forms"
                // a slide's speaker notes
                | "notes"
        ),
    }
}

fn paragraph_end(family: Family, name: &str) -> bool {
    match family {
        Family::Ooxml => name == "p",
        Family::Odf => matches!(name, "p" | "h"),
    }
}

fn opened(
    family: Family,
    e: &BytesStart,
    name: &str,
    keep: &mut usize,
    style: &mut Option<Heading>,
) {
    match (family, name) {
        (Family::Ooxml, "t") => *keep += 1,
        (Family::Odf, "p" | "h" | "span" | "a") => {
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

fn empty(
    family: Family,
    e: &BytesStart,
    name: &str,
    target: &mut String,
    style: &mut Option<Heading>,
) {
    match (family, name) {
        (_, "tab") => target.push('\t'),
        (Family::Ooxml, "br" | "cr") | (Family::Odf, "line-break") => target.push('\n'),
        (Family::Ooxml, "noBreakHyphen") => target.push('-'),
        (Family::Ooxml, "pStyle") => {
            if let Some(h) = attribute(e, "w:val").as_deref().and_then(heading_of) {
                *style = Some(h);
            }
        }
        (Family::Odf, "s") => {
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
    let mut out = Properties::default();
    let mut field: Option<&'static str> = None;
    let mut value = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                field = match e.local_name().into_inner() {
                    "title" => Some("title"),
                    "created" | "creation-date" => Some("created"),
                    _ => None,
                };
                value.clear();
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
            Ok(e) if field.is_some() => value.push_str(&characters(&e).unwrap_or_default()),
            _ => {}
        }
    }
    out
}

/// The characters a text, CDATA or entity-reference event stands for
/// (quick-xml hands a text's `&amp;` over as an event of its own); `None`
/// for markup.
fn characters<'a>(event: &'a Event) -> Option<Cow<'a, str>> {
    match event {
        Event::Text(t) => {
            let t: &str = t;
            Some(unescape_xml(t))
        }
        Event::CData(t) => {
            let t: &str = t;
            Some(Cow::Borrowed(t))
        }
        Event::GeneralRef(r) => {
            let name: &str = r;
            Some(Cow::Owned(unescape_xml(&format!("&{name};")).into_owned()))
        }
        _ => None,
    }
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
