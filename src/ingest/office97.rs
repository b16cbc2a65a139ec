//! Word, Excel and PowerPoint 97–2003 files (`.doc`, `.xls`, `.ppt`): OLE
//! compound files (read with the `cfb` crate) holding binary streams. The
//! strategies and minutes of the years before 2007 are in them, and many
//! archives still export them.
//!
//! - **Word** (`WordDocument` and its table stream): the text is found
//!   through the piece table ([MS-DOC] 2.9.38 `Clx`), each piece in
//!   Windows-1252 or UTF-16; the body, then footnotes, endnotes and text
//!   boxes (headers and comments left out); a field's shown text kept and
//!   its instruction (`HYPERLINK "…"`) left out; table cells apart by tabs;
//!   text a tracked change deleted left out (its runs' character
//!   properties say so).
//! - **Excel** (`Workbook`): read with `calamine` (MIT; the maintained
//!   reader of Excel's binary formats): a page per sheet in tab order, as
//!   `.xlsx` is.
//! - **PowerPoint** (`PowerPoint Document`): a page per slide, from the
//!   slide list's text records ([MS-PPT] `SlideListWithText`), then the
//!   text of the slides' own text boxes where it is not already read.
//!
//! The title and creation date come from the `SummaryInformation`
//! property set. A Word or PowerPoint file encrypted with a password is
//! refused with a reason; one written by Word 6 or 95 too.
//!
//! Bounds: no stream is read past [`MAX_STREAM_BYTES`], no more text than
//! [`MAX_TEXT_UNITS`] code units, no more than `MAX_SLIDES` pages.

use std::io::{Cursor, Read};

use super::office::{number, serial_date, OfficeError, OfficeText, MAX_SLIDES};

/// Most bytes read of one stream.
const MAX_STREAM_BYTES: u64 = 256 * 1024 * 1024;

/// Most UTF-16 code units of text read from one file (the index keeps
/// less of one document).
const MAX_TEXT_UNITS: usize = 16 * 1024 * 1024;

/// Which kind of binary office file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Word 97–2003 (`.doc`).
    Doc,
    /// Excel 97–2003 (`.xls`): a page per sheet.
    Xls,
    /// PowerPoint 97–2003 (`.ppt`): a page per slide.
    Ppt,
}

impl Kind {
    /// A workbook or a deck is read as pages.
    pub fn paged(self) -> bool {
        matches!(self, Kind::Xls | Kind::Ppt)
    }
}

type Compound<'a> = cfb::CompoundFile<Cursor<&'a [u8]>>;

/// Which binary office file a compound file is, by the streams it holds:
/// `Ok(None)` for another compound file, `Err(())` when its directory
/// cannot be read.
#[allow(clippy::result_unit_err)]
pub fn kind_of(bytes: &[u8]) -> Result<Option<Kind>, ()> {
    // the directory is read by a crate: a panic in it is no answer, not a crash
    std::panic::catch_unwind(|| {
        let cf = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|_| ())?;
        Ok(if cf.is_stream("/WordDocument") {
            Some(Kind::Doc)
        } else if cf.is_stream("/Workbook") || cf.is_stream("/Book") {
            Some(Kind::Xls)
        } else if cf.is_stream("/PowerPoint Document") {
            Some(Kind::Ppt)
        } else {
            None
        })
    })
    .unwrap_or(Err(()))
}

/// Read a binary office file of `kind`.
pub fn extract(bytes: &[u8], kind: Kind) -> Result<OfficeText, OfficeError> {
    // calamine reads the container with its own code, which panics on
    // some damaged ones `cfb` turns away: a workbook is read only once
    // `cfb` has read its directory too
    let mut cf = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|e| {
        OfficeError::Damaged(format!("its compound-file directory cannot be read ({e})"))
    })?;
    let mut out = match kind {
        Kind::Doc => word(&mut cf)?,
        Kind::Ppt => powerpoint(&mut cf)?,
        Kind::Xls => std::panic::catch_unwind(|| workbook(bytes)).unwrap_or_else(|p| {
            Err(OfficeError::Damaged(format!(
                "its workbook cannot be read (the reader failed: {})",
                super::panics::panic_message(&*p)
            )))
        })?,
    };
    let (title, created) = summary(&mut cf);
    out.title = title;
    out.created = created;
    Ok(out)
}

/// A stream's bytes, at most [`MAX_STREAM_BYTES`]; `None` when there is
/// no such stream.
fn stream(cf: &mut Compound<'_>, name: &str) -> Result<Option<Vec<u8>>, OfficeError> {
    if !cf.is_stream(name) {
        return Ok(None);
    }
    let mut s = cf
        .open_stream(name)
        .map_err(|e| OfficeError::Damaged(format!("its stream `{name}` cannot be read ({e})")))?;
    let mut buf = Vec::new();
    (&mut s)
        .take(MAX_STREAM_BYTES)
        .read_to_end(&mut buf)
        .map_err(|e| OfficeError::Damaged(format!("its stream `{name}` cannot be read ({e})")))?;
    Ok(Some(buf))
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// Why a Word file cannot be read as one.
fn damaged(what: &str) -> OfficeError {
    OfficeError::Damaged(format!("its Word document stream is damaged ({what})"))
}

/// A Word 97–2003 document's text.
fn word(cf: &mut Compound<'_>) -> Result<OfficeText, OfficeError> {
    let doc = stream(cf, "/WordDocument")?.ok_or(OfficeError::NoBody("WordDocument"))?;
    // the File Information Block ([MS-DOC] 2.5.1; Word 6 and 95 wrote an
    // older one, with the same signature's other value)
    let old = match u16_at(&doc, 0) {
        Some(0xA5EC) => false,
        Some(0xA5DC) => true,
        _ => {
            return Err(OfficeError::Damaged(
                "its Word document stream is of a version that is not read (Word 2 or older, or an Asian edition of Word 95); save it as .docx or PDF and ingest it again"
                    .to_string(),
            ))
        }
    };
    let flags = u16_at(&doc, 0x0A).unwrap_or(0);
    if flags & 0x0100 != 0 {
        return Err(OfficeError::Encrypted);
    }
    let mut out = OfficeText::default();
    // how many characters each part of the text has, in the order Word
    // keeps the parts: body, footnotes, headers, macros, comments,
    // endnotes, text boxes
    let (counts_at, units) = if old {
        (0x34, word6_text(&doc, flags, &mut out.warnings)?)
    } else {
        (64 + 4 * 3, word97_text(cf, &doc, flags, &mut out.warnings)?)
    };
    let mut counts: Vec<usize> = (0..7)
        .map(|i| u32_at(&doc, counts_at + 4 * i).unwrap_or(0) as usize)
        .collect();
    if counts.iter().all(|&n| n == 0) {
        // counts a writer left out: all of the text is the body
        counts[0] = units.len();
    }
    let mut at = 0usize;
    let mut parts = counts.iter().map(|&n| {
        let start = at.min(units.len());
        at = at.saturating_add(n);
        &units[start..at.min(units.len())]
    });
    let mut part = || parts.next().unwrap_or_default();
    let (body, notes, _headers, _macros, _comments, end_notes, text_boxes) =
        (part(), part(), part(), part(), part(), part(), part());
    let mut page = visible(body);
    for extra in [notes, end_notes, text_boxes] {
        let t = visible(extra);
        if !t.trim().is_empty() {
            page.push('\n');
            page.push_str(&t);
        }
    }
    out.pages.push(page);
    Ok(out)
}

/// A Word 97–2003 document's characters, through the piece table in its
/// table stream.
fn word97_text(
    cf: &mut Compound<'_>,
    doc: &[u8],
    flags: u16,
    warnings: &mut Vec<String>,
) -> Result<Vec<u16>, OfficeError> {
    let table_name = if flags & 0x0200 != 0 {
        "/1Table"
    } else {
        "/0Table"
    };
    let table = stream(cf, table_name)?.ok_or(OfficeError::NoBody("1Table"))?;
    const CLX: usize = 33;
    if (u16_at(doc, 152).unwrap_or(0) as usize) <= CLX {
        return Err(damaged("no piece table"));
    }
    let clx = table_part(doc, &table, CLX)
        .ok_or_else(|| damaged("the piece table lies outside its stream"))?;
    pieces(doc, clx, false, &deleted_runs(doc, &table), warnings)
}

/// The part of the table stream the FIB's pair `index` of `FibRgFcLcb97`
/// (an offset `fcX` and a length `lcbX`) names; `None` when it lies outside.
fn table_part<'t>(doc: &[u8], table: &'t [u8], index: usize) -> Option<&'t [u8]> {
    let at = u32_at(doc, 154 + 8 * index)? as usize;
    let len = u32_at(doc, 154 + 8 * index + 4)? as usize;
    table.get(at..at.saturating_add(len))
}

/// Where in the document stream the text a tracked change deleted lies
/// (byte ranges, in order): the character runs of the `PlcBteChpx`'s
/// pages ([MS-DOC] 2.9.44) whose properties hold `sprmCFRMarkDel`.
fn deleted_runs(doc: &[u8], table: &[u8]) -> Vec<(usize, usize)> {
    const SPRM_C_F_RMARK_DEL: u16 = 0x0800;
    const PLCF_BTE_CHPX: usize = 12;
    let Some(plc) = table_part(doc, table, PLCF_BTE_CHPX) else {
        return Vec::new();
    };
    // n + 1 file positions, then n page numbers
    let n = plc.len().saturating_sub(4) / 8;
    let mut runs = Vec::new();
    for k in 0..n.min(100_000) {
        let pn = u32_at(plc, 4 * (n + 1) + 4 * k).unwrap_or(0) as usize & 0x3F_FFFF;
        let Some(page) = doc.get(pn * 512..pn * 512 + 512) else {
            continue;
        };
        // a page: crun + 1 file positions, crun property offsets, crun last
        let crun = page[511] as usize;
        for r in 0..crun.min(101) {
            let (Some(start), Some(end)) = (u32_at(page, 4 * r), u32_at(page, 4 * r + 4)) else {
                break;
            };
            let offset = page.get(4 * (crun + 1) + r).copied().unwrap_or(0) as usize * 2;
            if offset == 0 || offset >= 511 {
                continue;
            }
            let size = page[offset] as usize;
            let grpprl = &page[offset + 1..(offset + 1 + size).min(511)];
            let deleted = sprms(grpprl).any(|(sprm, operand)| {
                sprm == SPRM_C_F_RMARK_DEL && operand.first().is_some_and(|&v| v != 0)
            });
            if deleted && end > start {
                runs.push((start as usize, end as usize));
            }
        }
    }
    runs.sort_unstable();
    runs
}

/// The properties of a property list ([MS-DOC] 2.6.1): each one's code
/// and operand, its size told by the code's `spra` bits.
fn sprms(grpprl: &[u8]) -> impl Iterator<Item = (u16, &[u8])> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        let sprm = u16_at(grpprl, at)?;
        let (start, size) = match sprm >> 13 {
            0 | 1 => (at + 2, 1),
            2 | 4 | 5 => (at + 2, 2),
            3 => (at + 2, 4),
            7 => (at + 2, 3),
            // sprmTDefTable's size takes two bytes, the others' one
            _ if sprm == 0xD608 => (
                at + 4,
                usize::from(u16_at(grpprl, at + 2)?.saturating_sub(1)),
            ),
            _ => (at + 3, usize::from(*grpprl.get(at + 2)?)),
        };
        let operand = grpprl.get(start..start + size)?;
        at = start + size;
        Some((sprm, operand))
    })
}

/// A Word 6 or 95 document's characters, one byte each in Windows-1252:
/// from `fcMin` to `fcMac`, or through the piece table of a fast-saved
/// (complex) file, which this format keeps in the document stream.
fn word6_text(doc: &[u8], flags: u16, warnings: &mut Vec<String>) -> Result<Vec<u16>, OfficeError> {
    if flags & 0x0004 != 0 {
        let at = u32_at(doc, 0x160).unwrap_or(0) as usize;
        let len = u32_at(doc, 0x164).unwrap_or(0) as usize;
        let clx = doc
            .get(at..at.saturating_add(len))
            .ok_or_else(|| damaged("the piece table lies outside its stream"))?;
        return pieces(doc, clx, true, &[], warnings);
    }
    let (min, max) = (
        u32_at(doc, 0x18).unwrap_or(0) as usize,
        u32_at(doc, 0x1C).unwrap_or(0) as usize,
    );
    let text = doc
        .get(min..max.min(doc.len()).min(min.saturating_add(MAX_TEXT_UNITS)))
        .ok_or_else(|| damaged("its text lies outside its stream"))?;
    Ok(text.iter().map(|&b| windows_1252(b)).collect())
}

/// The document's characters as UTF-16 code units, in character-position
/// order, read through the piece table (Word 6 and 95: every piece a byte
/// a character, at its offset); a character in the `deleted` byte ranges
/// is [`DELETED`].
fn pieces(
    doc: &[u8],
    clx: &[u8],
    eight_bit: bool,
    deleted: &[(usize, usize)],
    warnings: &mut Vec<String>,
) -> Result<Vec<u16>, OfficeError> {
    let is_deleted = |byte: usize| {
        let i = deleted.partition_point(|&(start, _)| start <= byte);
        i > 0 && byte < deleted[i - 1].1
    };
    // a Clx is property runs (0x01) then the piece table (0x02)
    let mut i = 0;
    let plc = loop {
        match clx.get(i) {
            Some(1) => {
                let size = u16_at(clx, i + 1).ok_or_else(|| damaged("a cut property run"))?;
                i += 3 + size as usize;
            }
            Some(2) => {
                let len = u32_at(clx, i + 1).ok_or_else(|| damaged("a cut piece table"))?;
                break clx
                    .get(i + 5..(i + 5).saturating_add(len as usize))
                    .ok_or_else(|| damaged("a cut piece table"))?;
            }
            _ => return Err(damaged("no piece table")),
        }
    };
    if plc.len() < 16 {
        return Err(damaged("an empty piece table"));
    }
    // n + 1 character positions, then n piece descriptors of 8 bytes
    let n = (plc.len() - 4) / 12;
    let cp = |k: usize| u32_at(plc, 4 * k).unwrap_or(0) as usize;
    let mut units: Vec<u16> = Vec::new();
    let mut lost = false;
    for k in 0..n {
        let (start, end) = (cp(k), cp(k + 1));
        let Some(count) = end.checked_sub(start) else {
            lost = true;
            continue;
        };
        let count = count.min(MAX_TEXT_UNITS.saturating_sub(units.len()));
        let fc = u32_at(plc, 4 * (n + 1) + 8 * k + 2).unwrap_or(0);
        let compressed = eight_bit || fc & 0x4000_0000 != 0;
        let fc = (fc & 0x3FFF_FFFF) as usize;
        if compressed {
            // one byte a character, Windows-1252 ([MS-DOC] 2.4.1)
            let at = if eight_bit { fc } else { fc / 2 };
            match doc.get(at..at.saturating_add(count)) {
                Some(bytes) => units.extend(bytes.iter().enumerate().map(|(i, &b)| {
                    if is_deleted(at + i) {
                        DELETED
                    } else {
                        windows_1252(b)
                    }
                })),
                None => lost = true,
            }
        } else {
            match doc.get(fc..fc.saturating_add(2 * count)) {
                Some(bytes) => units.extend(bytes.chunks_exact(2).enumerate().map(|(i, c)| {
                    if is_deleted(fc + 2 * i) {
                        DELETED
                    } else {
                        u16::from_le_bytes([c[0], c[1]])
                    }
                })),
                None => lost = true,
            }
        }
        if units.len() >= MAX_TEXT_UNITS {
            warnings.push(format!(
                "partly extracted: its text is longer than {} million characters; the first are read",
                MAX_TEXT_UNITS >> 20
            ));
            break;
        }
    }
    if lost {
        warnings.push(
            "partly extracted: pieces of its text lie outside the document stream".to_string(),
        );
    }
    Ok(units)
}

/// A character a tracked change deleted (a noncharacter, which no text
/// holds), left out of the text.
const DELETED: u16 = 0xFFFF;

/// A Windows-1252 byte as a UTF-16 code unit.
fn windows_1252(b: u8) -> u16 {
    if b < 0x80 {
        return u16::from(b);
    }
    static HIGH: std::sync::OnceLock<Vec<u16>> = std::sync::OnceLock::new();
    let high = HIGH.get_or_init(|| {
        let bytes: Vec<u8> = (0x80..=0xFF).collect();
        encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(&bytes)
            .0
            .encode_utf16()
            .collect()
    });
    high.get(usize::from(b - 0x80)).copied().unwrap_or(0xFFFD)
}

/// The text a reader sees in Word's characters: paragraph marks and
/// breaks as line ends, cell marks as tabs, a field's result without its
/// instruction, object anchors and note references left out.
fn visible(units: &[u16]) -> String {
    // one entry per open field: true once its separator shows the result
    let mut fields: Vec<bool> = Vec::new();
    let mut out = String::with_capacity(units.len());
    let mut after_cell = false;
    for c in char::decode_utf16(units.iter().copied()) {
        let c = c.unwrap_or('\u{FFFD}');
        match c {
            '\u{FFFF}' => {}
            '\u{13}' => fields.push(false),
            '\u{14}' => {
                if let Some(f) = fields.last_mut() {
                    *f = true;
                }
            }
            '\u{15}' => {
                fields.pop();
            }
            _ if fields.iter().any(|shown| !shown) => {}
            '\r' | '\u{0B}' | '\u{0C}' | '\u{0E}' => out.push('\n'),
            // a cell's mark, and the row's after its last cell's
            '\u{07}' if after_cell => out.push('\n'),
            '\u{07}' | '\t' => out.push('\t'),
            '\u{1E}' => out.push('-'),
            '\u{A0}' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
        after_cell = c == '\u{07}' && !after_cell;
    }
    out
}

/// A workbook's sheets, read by calamine.
fn workbook(bytes: &[u8]) -> Result<OfficeText, OfficeError> {
    use calamine::Reader;
    let mut book = calamine::Xls::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::XlsError::Password => OfficeError::Encrypted,
        e => OfficeError::Damaged(format!("its workbook cannot be read ({e})")),
    })?;
    let mut out = OfficeText::default();
    let names = book.sheet_names();
    let from_1904 = book.has_1904_epoch();
    if names.len() > MAX_SLIDES {
        out.warnings.push(format!(
            "partly extracted: only the first {MAX_SLIDES} of {} sheets are read",
            names.len()
        ));
    }
    let mut units = 0usize;
    for name in names.into_iter().take(MAX_SLIDES) {
        let range = match book.worksheet_range(&name) {
            Ok(r) => r,
            Err(e) => {
                out.warnings.push(format!(
                    "partly extracted: sheet `{name}` cannot be read ({e})"
                ));
                continue;
            }
        };
        let mut page = String::new();
        super::office::push_line(&mut page, super::office::sheet_name(&name));
        for row in range.rows() {
            let cells: Vec<String> = row.iter().map(|c| cell_text(c, from_1904)).collect();
            let line = cells.join("\t");
            super::office::push_line(&mut page, line.trim_end_matches('\t'));
        }
        units += page.len();
        out.pages.push(page);
        if units > 2 * MAX_TEXT_UNITS {
            out.warnings.push(
                "partly extracted: its sheets hold more text than is read; the first are"
                    .to_string(),
            );
            break;
        }
    }
    Ok(out)
}

/// A cell as a reader sees it: text, a number without binary noise, a
/// date as a date (counted from 1904 in a workbook that says so);
/// booleans and errors left out.
fn cell_text(cell: &calamine::Data, from_1904: bool) -> String {
    use calamine::Data;
    match cell {
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number(*f),
        Data::DateTime(d) if d.is_datetime() => {
            serial_date(d.as_f64(), from_1904).unwrap_or_else(|| number(d.as_f64()))
        }
        Data::DateTime(d) => number(d.as_f64()),
        _ => String::new(),
    }
}

/// A PowerPoint record's header: version and instance, type, length.
struct Record {
    container: bool,
    instance: u16,
    kind: u16,
    body: std::ops::Range<usize>,
}

/// The records in `b[range]`, in order (a cut record ends the list).
fn records(b: &[u8], range: std::ops::Range<usize>) -> impl Iterator<Item = Record> + '_ {
    let mut at = range.start;
    let end = range.end.min(b.len());
    std::iter::from_fn(move || {
        if at + 8 > end {
            return None;
        }
        let ver = u16_at(b, at)?;
        let kind = u16_at(b, at + 2)?;
        let len = u32_at(b, at + 4)? as usize;
        let body = at + 8..(at + 8).saturating_add(len).min(end);
        at = body.end;
        Some(Record {
            container: ver & 0x000F == 0x000F,
            instance: ver >> 4,
            kind,
            body,
        })
    })
}

const RT_DOCUMENT: u16 = 0x03E8;
const RT_SLIDE: u16 = 0x03EE;
const RT_SLIDE_LIST_WITH_TEXT: u16 = 0x0FF0;
const RT_SLIDE_PERSIST_ATOM: u16 = 0x03F3;
const RT_TEXT_CHARS_ATOM: u16 = 0x0FA0;
const RT_TEXT_BYTES_ATOM: u16 = 0x0FA8;
const RT_USER_EDIT_ATOM: u16 = 0x0FF5;
const RT_PERSIST_DIRECTORY_ATOM: u16 = 0x1772;

/// A text record's text (UTF-16 or Latin-1), its paragraph and line
/// breaks as line ends.
fn text_atom(b: &[u8], r: &Record) -> Option<String> {
    let body = b.get(r.body.clone())?;
    let text: String = match r.kind {
        RT_TEXT_CHARS_ATOM => char::decode_utf16(
            body.chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]])),
        )
        .map(|c| c.unwrap_or('\u{FFFD}'))
        .collect(),
        RT_TEXT_BYTES_ATOM => body.iter().map(|&c| char::from(c)).collect(),
        _ => return None,
    };
    Some(
        text.chars()
            .map(|c| match c {
                '\r' | '\u{0B}' => '\n',
                c if c.is_control() && c != '\t' => ' ',
                c => c,
            })
            .collect(),
    )
}

/// Every text record under `range`, depth first (bounded nesting).
fn texts_under(b: &[u8], range: std::ops::Range<usize>, depth: usize, into: &mut Vec<String>) {
    for r in records(b, range) {
        if r.container && depth < 32 {
            texts_under(b, r.body.clone(), depth + 1, into);
        } else if let Some(t) = text_atom(b, &r) {
            into.push(t);
        }
    }
}

/// Where each persistent object (the document, each slide) of a deck is,
/// by its id: the persist directories of every save, newest first, from
/// the edit the `Current User` stream names ([MS-PPT] 2.3.2).
fn persist_directory(cu: &[u8], b: &[u8]) -> std::collections::HashMap<u32, usize> {
    let mut found = std::collections::HashMap::new();
    let mut edit = u32_at(cu, 16).map(|v| v as usize);
    let mut seen = std::collections::HashSet::new();
    while let Some(at) = edit.filter(|&at| seen.insert(at) && seen.len() <= 10_000) {
        // a UserEditAtom: the save before it, this save's directory
        if u16_at(b, at + 2) != Some(RT_USER_EDIT_ATOM) {
            break;
        }
        edit = u32_at(b, at + 16).filter(|&v| v != 0).map(|v| v as usize);
        let Some(dir) = u32_at(b, at + 20).map(|v| v as usize) else {
            break;
        };
        if u16_at(b, dir + 2) != Some(RT_PERSIST_DIRECTORY_ATOM) {
            continue;
        }
        let end = (dir + 8).saturating_add(u32_at(b, dir + 4).unwrap_or(0) as usize);
        let mut k = dir + 8;
        while k + 4 <= end {
            let Some(entry) = u32_at(b, k) else { break };
            let (first, count) = (entry & 0xF_FFFF, (entry >> 20) as usize);
            for n in 0..count {
                if let Some(offset) = u32_at(b, k + 4 + 4 * n) {
                    found.entry(first + n as u32).or_insert(offset as usize);
                }
            }
            k += 4 + 4 * count;
        }
    }
    found
}

/// The record whose header is at `at`.
fn record_at(b: &[u8], at: usize) -> Option<Record> {
    records(b, at..b.len()).next()
}

/// A PowerPoint 97–2003 deck's text, a page per slide.
fn powerpoint(cf: &mut Compound<'_>) -> Result<OfficeText, OfficeError> {
    // PowerPoint 95 saved a 97 copy of the deck beside its own
    let dir = if cf.is_stream("/PP97_DUALSTORAGE/PowerPoint Document") {
        "/PP97_DUALSTORAGE"
    } else {
        ""
    };
    let b = stream(cf, &format!("{dir}/PowerPoint Document"))?
        .ok_or(OfficeError::NoBody("PowerPoint Document"))?;
    let cu = stream(cf, &format!("{dir}/Current User"))?.unwrap_or_default();
    // the header token of an encrypted deck
    if cf.is_stream("/EncryptedSummary") || u32_at(&cu, 12) == Some(0xF3D1_C4DF) {
        return Err(OfficeError::Encrypted);
    }
    let mut out = OfficeText::default();
    let persist = persist_directory(&cu, &b);
    // the current document container: the directory's, else the last one
    // stored (an incremental save appends a new one)
    let container =
        |at: usize, kind: u16| record_at(&b, at).filter(|r| r.kind == kind && r.container);
    // the current edit names the document's persist id
    let document = u32_at(&cu, 16)
        .and_then(|edit| u32_at(&b, edit as usize + 24))
        .and_then(|id| persist.get(&id))
        .and_then(|&at| container(at, RT_DOCUMENT))
        .or_else(|| {
            records(&b, 0..b.len())
                .filter(|r| r.kind == RT_DOCUMENT && r.container)
                .last()
        })
        .ok_or(OfficeError::NoBody("Document container"))?;
    // the slide list: a slide's persist record (which names the slide),
    // then the text of its placeholders
    let mut slides: Vec<(Option<u32>, Vec<String>)> = Vec::new();
    for list in records(&b, document.body.clone())
        .filter(|r| r.kind == RT_SLIDE_LIST_WITH_TEXT && r.container && r.instance == 0)
    {
        for r in records(&b, list.body.clone()) {
            if r.kind == RT_SLIDE_PERSIST_ATOM {
                slides.push((u32_at(&b, r.body.start), Vec::new()));
            } else if let (Some((_, page)), Some(t)) = (slides.last_mut(), text_atom(&b, &r)) {
                page.push(t);
            }
        }
    }
    if slides.len() > MAX_SLIDES {
        out.warnings.push(format!(
            "partly extracted: only the first {MAX_SLIDES} of {} slides are read",
            slides.len()
        ));
        slides.truncate(MAX_SLIDES);
    }
    // each slide's own text boxes, where its placeholders' text is not it
    for (id, page) in &mut slides {
        let Some(slide) = id
            .and_then(|id| persist.get(&id))
            .and_then(|&at| container(at, RT_SLIDE))
        else {
            continue;
        };
        let listed: std::collections::HashSet<String> =
            page.iter().map(|t| t.trim().to_string()).collect();
        let mut texts = Vec::new();
        texts_under(&b, slide.body, 0, &mut texts);
        page.extend(
            texts
                .into_iter()
                .filter(|t| !t.trim().is_empty() && !listed.contains(t.trim())),
        );
    }
    out.pages = slides.into_iter().map(|(_, p)| p.join("\n")).collect();
    Ok(out)
}

/// The title and creation date of a `SummaryInformation` property set
/// ([MS-OLEPS]): property 2 (title, in the set's code page or UTF-16) and
/// 12 (created, a FILETIME).
fn summary(cf: &mut Compound<'_>) -> (Option<String>, Option<String>) {
    let Ok(Some(b)) = stream(cf, "/\u{5}SummaryInformation") else {
        return (None, None);
    };
    let Some(section) = u32_at(&b, 44).map(|v| v as usize) else {
        return (None, None);
    };
    let count = u32_at(&b, section + 4).unwrap_or(0).min(1_000) as usize;
    let property = |id: u32| {
        (0..count).find_map(|k| {
            let at = section + 8 + 8 * k;
            (u32_at(&b, at)? == id).then_some(())?;
            Some(section + u32_at(&b, at + 4)? as usize)
        })
    };
    let code_page = property(1)
        .and_then(|at| u16_at(&b, at + 4))
        .and_then(|cp| super::text::code_page(i64::from(cp)))
        .unwrap_or(encoding_rs::WINDOWS_1252);
    let title = property(2).and_then(|at| {
        let kind = u32_at(&b, at)?;
        let len = u32_at(&b, at + 4)? as usize;
        let text = match kind {
            // VT_LPSTR: bytes in the set's code page
            0x1E => code_page
                .decode(b.get(at + 8..(at + 8).saturating_add(len))?)
                .0
                .into_owned(),
            // VT_LPWSTR: UTF-16 characters
            0x1F => encoding_rs::UTF_16LE
                .decode(b.get(at + 8..(at + 8).saturating_add(2 * len))?)
                .0
                .into_owned(),
            _ => return None,
        };
        let text = text.trim_end_matches('\0').trim().to_string();
        super::pdf::clean_title(&text).filter(|t| t.chars().count() <= 300)
    });
    let created = property(12).and_then(|at| {
        // VT_FILETIME: 100-ns ticks since 1601
        (u32_at(&b, at)? == 0x40).then_some(())?;
        let ticks = u64::from(u32_at(&b, at + 4)?) | (u64::from(u32_at(&b, at + 8)?) << 32);
        let unix = (ticks / 10_000_000).checked_sub(11_644_473_600)?;
        let date = chrono::DateTime::from_timestamp(i64::try_from(unix).ok()?, 0)?;
        Some(date.format("%Y-%m-%d").to_string()).filter(|d| d.as_str() >= "1980")
    });
    (title, created)
}

#[cfg(test)]
mod tests;
