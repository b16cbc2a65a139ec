use super::*;

/// A compound file holding `streams`.
fn compound(streams: &[(&str, Vec<u8>)]) -> Vec<u8> {
    use std::io::Write;
    let mut cf = cfb::CompoundFile::create(Cursor::new(Vec::new())).expect("create");
    for (name, bytes) in streams {
        if let Some((dir, _)) = name.rsplit_once('/').filter(|(d, _)| !d.is_empty()) {
            cf.create_storage_all(dir).expect("storage");
        }
        cf.create_stream(name)
            .expect("stream")
            .write_all(bytes)
            .expect("write");
    }
    cf.flush().expect("flush");
    cf.into_inner().into_inner()
}

fn put16(b: &mut [u8], at: usize, v: u16) {
    b[at..at + 2].copy_from_slice(&v.to_le_bytes());
}

fn put32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

/// A Word 97 file whose text is `pieces` (each one byte a character, or
/// UTF-16), its parts `counts` characters long (body, footnotes, headers,
/// macros, comments, endnotes, text boxes).
fn word97(pieces: &[(&str, bool)], counts: [u32; 7], flags: u16) -> Vec<u8> {
    word97_deleting(pieces, counts, flags, None)
}

/// [`word97`], the characters `deleted` of its first piece (one byte each)
/// marked as deleted by a tracked change.
fn word97_deleting(
    pieces: &[(&str, bool)],
    counts: [u32; 7],
    flags: u16,
    deleted: Option<(u32, u32)>,
) -> Vec<u8> {
    let mut doc = vec![0u8; 1024];
    put16(&mut doc, 0, 0xA5EC);
    put16(&mut doc, 2, 193);
    put16(&mut doc, 0x0A, flags | 0x0200);
    put16(&mut doc, 32, 14);
    put16(&mut doc, 62, 22);
    for (i, n) in counts.iter().enumerate() {
        put32(&mut doc, 64 + 4 * (3 + i), *n);
    }
    put16(&mut doc, 152, 93);
    let (mut cps, mut pcds) = (vec![0u32], Vec::new());
    for (text, eight_bit) in pieces {
        let at = doc.len() as u32;
        let (fc, chars) = if *eight_bit {
            let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
            doc.extend_from_slice(&bytes);
            ((at * 2) | 0x4000_0000, bytes.len() as u32)
        } else {
            let units: Vec<u16> = text.encode_utf16().collect();
            doc.extend(units.iter().flat_map(|u| u.to_le_bytes()));
            (at, units.len() as u32)
        };
        cps.push(cps.last().copied().unwrap_or(0) + chars);
        pcds.push(fc);
    }
    let mut plc: Vec<u8> = cps.iter().flat_map(|c| c.to_le_bytes()).collect();
    for fc in pcds {
        plc.extend_from_slice(&[0, 0]);
        plc.extend_from_slice(&fc.to_le_bytes());
        plc.extend_from_slice(&[0, 0]);
    }
    let mut table = vec![0u8; 16];
    let clx_at = table.len();
    table.push(2);
    table.extend_from_slice(&(plc.len() as u32).to_le_bytes());
    table.extend_from_slice(&plc);
    put32(&mut doc, 154 + 33 * 8, clx_at as u32);
    put32(&mut doc, 154 + 33 * 8 + 4, (table.len() - clx_at) as u32);
    if let Some((from, to)) = deleted {
        // one page of character runs: the deleted run, its properties
        // `sprmCFRMarkDel` = 1; the table's list names the page
        doc.resize(doc.len().div_ceil(512) * 512, 0);
        let pn = (doc.len() / 512) as u32;
        let mut page = vec![0u8; 512];
        put32(&mut page, 0, 1024 + from);
        put32(&mut page, 4, 1024 + to);
        page[8] = (256 / 2) as u8;
        page[256..260].copy_from_slice(&[3, 0x00, 0x08, 1]);
        page[511] = 1;
        doc.extend_from_slice(&page);
        let plc_at = table.len();
        for v in [1024 + from, 1024 + to, pn] {
            table.extend_from_slice(&v.to_le_bytes());
        }
        put32(&mut doc, 154 + 12 * 8, plc_at as u32);
        put32(&mut doc, 154 + 12 * 8 + 4, 12);
    }
    compound(&[("/WordDocument", doc), ("/1Table", table)])
}

#[test]
fn text_a_tracked_change_deleted_is_not_read() {
    let text = "Planen gjelder stryk dette fra 2025.\r";
    let at = text.find("stryk").unwrap() as u32;
    let file = word97_deleting(
        &[(text, true)],
        [text.len() as u32, 0, 0, 0, 0, 0, 0],
        0,
        Some((at, at + "stryk dette ".len() as u32)),
    );
    let read = extract(&file, Kind::Doc).expect("read");
    assert_eq!(read.pages, ["Planen gjelder fra 2025.\n"]);
}

#[test]
fn a_word_97_file_is_read_through_its_piece_table() {
    // a Windows-1252 piece and a UTF-16 one; a field whose instruction is
    // left out and whose result is kept; a table row; a footnote after
    // the body, the header left out
    let body = "Fiskeværene i \u{13} HYPERLINK \"https://x.no\" \u{14}Lofoten\u{15}\r";
    let rest = "Tiltak\u{7}Ansvar\u{7}\u{7}Slutt på planen\u{2}.\r";
    let footnote = "\u{2} Kilde: havnedrift.\r";
    let header = "Topptekst\r";
    let file = word97(
        &[
            (body, true),
            (rest, false),
            (footnote, false),
            (header, true),
        ],
        [
            (body.chars().count() + rest.chars().count()) as u32,
            footnote.chars().count() as u32,
            header.chars().count() as u32,
            0,
            0,
            0,
            0,
        ],
        0,
    );
    assert_eq!(kind_of(&file), Ok(Some(Kind::Doc)));
    let text = extract(&file, Kind::Doc).expect("read");
    assert_eq!(
        text.pages,
        ["Fiskeværene i Lofoten\nTiltak\tAnsvar\t\nSlutt på planen.\n\n Kilde: havnedrift.\n"]
    );
    assert!(text.warnings.is_empty(), "{:?}", text.warnings);
}

#[test]
fn an_encrypted_or_cut_word_file_is_an_error_not_a_crash() {
    let encrypted = word97(&[("Hemmelig\r", true)], [9, 0, 0, 0, 0, 0, 0], 0x0100);
    assert!(matches!(
        extract(&encrypted, Kind::Doc),
        Err(OfficeError::Encrypted)
    ));
    // every cut of a file ends in text or an error
    let file = word97(
        &[("Fiskeværene i Lofoten\r", true)],
        [22, 0, 0, 0, 0, 0, 0],
        0,
    );
    for cut in (0..file.len()).step_by(97) {
        let _ = extract(&file[..cut], Kind::Doc);
    }
    // piece positions past the end of the stream
    let mut doc = vec![0u8; 1024];
    put16(&mut doc, 0, 0xA5EC);
    put16(&mut doc, 2, 193);
    put16(&mut doc, 152, 93);
    put32(&mut doc, 64 + 12, 50);
    let mut table = vec![2u8];
    table.extend_from_slice(&16u32.to_le_bytes());
    for v in [0u32, 50] {
        table.extend_from_slice(&v.to_le_bytes());
    }
    table.extend_from_slice(&[0, 0, 0xFF, 0xFF, 0xFF, 0x3F, 0, 0]);
    put32(&mut doc, 154 + 33 * 8 + 4, table.len() as u32);
    let file = compound(&[("/WordDocument", doc), ("/0Table", table)]);
    let read = extract(&file, Kind::Doc).expect("read");
    assert!(
        read.warnings.iter().any(|w| w.contains("outside")),
        "{:?}",
        read.warnings
    );
}

#[test]
fn a_word_6_file_is_read_from_its_one_byte_text() {
    let mut doc = vec![0u8; 0x300];
    put16(&mut doc, 0, 0xA5DC);
    put16(&mut doc, 2, 101);
    let text = "Årsmelding for Nordland fylke\rSide to\r";
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
    put32(&mut doc, 0x18, 0x300);
    put32(&mut doc, 0x1C, 0x300 + bytes.len() as u32);
    put32(&mut doc, 0x34, bytes.len() as u32);
    doc.extend_from_slice(&bytes);
    let file = compound(&[("/WordDocument", doc)]);
    let read = extract(&file, Kind::Doc).expect("read");
    assert_eq!(read.pages, ["Årsmelding for Nordland fylke\nSide to\n"]);
}

/// A PowerPoint record.
fn record(ver_instance: u16, kind: u16, body: &[u8]) -> Vec<u8> {
    let mut r = ver_instance.to_le_bytes().to_vec();
    r.extend_from_slice(&kind.to_le_bytes());
    r.extend_from_slice(&(body.len() as u32).to_le_bytes());
    r.extend_from_slice(body);
    r
}

fn utf16(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

#[test]
fn a_powerpoint_97_deck_is_read_slide_by_slide_in_its_current_edit() {
    let chars = |t: &str| record(0, RT_TEXT_CHARS_ATOM, &utf16(t));
    let persist = |id: u32| record(0, RT_SLIDE_PERSIST_ATOM, &id.to_le_bytes());
    // slides 3 and 2, in the order the list shows them; slide 3's text box
    // and a stale copy of slide 2 from an earlier save
    let mut b = Vec::new();
    let stale_slide2 = b.len();
    b.extend(record(0xF, RT_SLIDE, &chars("Gammel tekst")));
    let slide3 = b.len();
    let drawing = record(0xF, 0xF002, &chars("Tekstboks på lysbildet"));
    b.extend(record(
        0xF,
        RT_SLIDE,
        &[chars("Grænseregionalt samarbejde"), drawing].concat(),
    ));
    let slide2 = b.len();
    b.extend(record(0xF, RT_SLIDE, &[]));
    let list = record(
        0xF,
        RT_SLIDE_LIST_WITH_TEXT,
        &[
            persist(3),
            chars("Grænseregionalt samarbejde"),
            persist(2),
            record(0, RT_TEXT_BYTES_ATOM, b"Neste skridt\rPendlerne"),
        ]
        .concat(),
    );
    let document = b.len();
    b.extend(record(0xF, RT_DOCUMENT, &list));
    let directory = |b: &mut Vec<u8>, entries: &[(u32, usize)]| {
        let at = b.len();
        let mut body = Vec::new();
        for &(id, offset) in entries {
            body.extend_from_slice(&(id | 1 << 20).to_le_bytes());
            body.extend_from_slice(&(offset as u32).to_le_bytes());
        }
        b.extend(record(0, RT_PERSIST_DIRECTORY_ATOM, &body));
        at
    };
    let old_dir = directory(&mut b, &[(1, document), (2, stale_slide2), (3, slide3)]);
    let edit = |b: &mut Vec<u8>, previous: usize, dir: usize| {
        let at = b.len();
        let mut body = vec![0u8; 28];
        put32(&mut body, 8, previous as u32);
        put32(&mut body, 12, dir as u32);
        put32(&mut body, 16, 1);
        b.extend(record(0, RT_USER_EDIT_ATOM, &body));
        at
    };
    let first = edit(&mut b, 0, old_dir);
    let new_dir = directory(&mut b, &[(2, slide2)]);
    let current = edit(&mut b, first, new_dir);
    let mut cu = vec![0u8; 24];
    put32(&mut cu, 12, 0xE391_C05F);
    put32(&mut cu, 16, current as u32);
    let file = compound(&[("/PowerPoint Document", b), ("/Current User", cu)]);
    assert_eq!(kind_of(&file), Ok(Some(Kind::Ppt)));
    let read = extract(&file, Kind::Ppt).expect("read");
    assert_eq!(
        read.pages,
        [
            "Grænseregionalt samarbejde\nTekstboks på lysbildet",
            "Neste skridt\nPendlerne"
        ]
    );
}

#[test]
fn a_damaged_container_calamine_would_panic_on_is_a_damaged_file() {
    // found by fuzzing: calamine's own container reader panicked on it
    // (a slice out of bounds); `cfb` names what is wrong
    let bytes = include_bytes!("../../../tests/fixtures/fuzz/container-calamine-panics-on.xls");
    for kind in [Kind::Doc, Kind::Xls, Kind::Ppt] {
        let Err(OfficeError::Damaged(why)) = extract(bytes, kind) else {
            panic!("{kind:?}: read as a file");
        };
        assert!(why.contains("directory cannot be read"), "{why}");
    }
}

#[test]
fn the_title_and_creation_date_come_from_the_summary_properties() {
    // a property set: header, one section of code page, title and created
    let filetime = (1_741_944_600u64 + 11_644_473_600) * 10_000_000; // 2025-03-14 09:30 UTC
    let title = b"Regional plan for Helgeland\0";
    let mut section = Vec::new();
    let props: Vec<(u32, Vec<u8>)> = vec![
        (
            1,
            [2u32.to_le_bytes().to_vec(), 1252u32.to_le_bytes().to_vec()].concat(),
        ),
        (
            2,
            [
                0x1Eu32.to_le_bytes().to_vec(),
                (title.len() as u32).to_le_bytes().to_vec(),
                title.to_vec(),
            ]
            .concat(),
        ),
        (
            12,
            [
                0x40u32.to_le_bytes().to_vec(),
                filetime.to_le_bytes().to_vec(),
            ]
            .concat(),
        ),
    ];
    let mut at = 8 + 8 * props.len();
    let mut values = Vec::new();
    for (id, value) in &props {
        section.extend_from_slice(&id.to_le_bytes());
        section.extend_from_slice(&(at as u32).to_le_bytes());
        at += value.len();
        values.extend_from_slice(value);
    }
    let mut set = vec![0xFE, 0xFF, 0, 0, 0, 0, 0, 0];
    set.extend_from_slice(&[0u8; 16]);
    set.extend_from_slice(&1u32.to_le_bytes());
    set.extend_from_slice(&[0u8; 16]);
    set.extend_from_slice(&48u32.to_le_bytes());
    set.extend_from_slice(&((8 + section.len() + values.len()) as u32).to_le_bytes());
    set.extend_from_slice(&(props.len() as u32).to_le_bytes());
    set.extend_from_slice(&section);
    set.extend_from_slice(&values);
    let doc = word97(&[("Første linje\r", true)], [13, 0, 0, 0, 0, 0, 0], 0);
    let mut cf = cfb::CompoundFile::open(Cursor::new(doc)).expect("open");
    {
        use std::io::Write;
        cf.create_stream("/\u{5}SummaryInformation")
            .expect("stream")
            .write_all(&set)
            .expect("write");
    }
    cf.flush().expect("flush");
    let file = cf.into_inner().into_inner();
    let read = extract(&file, Kind::Doc).expect("read");
    assert_eq!(read.title.as_deref(), Some("Regional plan for Helgeland"));
    assert_eq!(read.created.as_deref(), Some("2025-03-14"));
}

#[test]
fn a_word_file_without_part_lengths_is_read_as_all_body() {
    let file = word97(&[("Tekst uten lengder\r", true)], [0; 7], 0);
    let read = extract(&file, Kind::Doc).expect("read");
    assert_eq!(read.pages, ["Tekst uten lengder\n"]);
}
