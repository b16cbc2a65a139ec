use std::io::Write;

use super::*;
use crate::ingest::sniff::{sniff, Sniffed};

/// A zip archive of `parts` (name, content), deflated; an OpenDocument
/// `mimetype` first and stored when given.
fn archive(mimetype: Option<&str>, parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    if let Some(m) = mimetype {
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        zip.start_file("mimetype", stored).unwrap();
        zip.write_all(m.as_bytes()).unwrap();
    }
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in parts {
        zip.start_file(*name, deflated).unwrap();
        zip.write_all(content).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

fn docx(body: &str, more: &[(&str, &[u8])]) -> Vec<u8> {
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{body}</w:body></w:document>"#
    );
    let mut parts: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", b"<Types/>"),
        ("word/document.xml", document.as_bytes()),
    ];
    parts.extend_from_slice(more);
    archive(None, &parts)
}

fn odt(body: &str, meta: Option<&str>) -> Vec<u8> {
    let content = format!(
        r#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:text>{body}</office:text></office:body></office:document-content>"#
    );
    let mut parts: Vec<(&str, &[u8])> = vec![("content.xml", content.as_bytes())];
    if let Some(m) = meta {
        parts.push(("meta.xml", m.as_bytes()));
    }
    archive(Some("application/vnd.oasis.opendocument.text"), &parts)
}

fn p(text: &str) -> String {
    format!("<w:p><w:r><w:t>{text}</w:t></w:r></w:p>")
}

#[test]
fn word_paragraphs_tabs_breaks_and_table_rows_are_read_in_order() {
    let body = format!(
        "{}<w:p><w:r><w:t>Kontakt:</w:t><w:tab/><w:t xml:space=\"preserve\">Kari &amp; Ola</w:t><w:br/><w:t>tlf. 12</w:t></w:r></w:p>\
         <w:tbl><w:tr><w:tc>{}</w:tc><w:tc>{}</w:tc></w:tr><w:tr><w:tc>{}</w:tc><w:tc>{}</w:tc></w:tr></w:tbl>{}",
        p("Første avsnitt."),
        p("Tiltak"),
        p("Ansvar"),
        p("Ladepunkt"),
        p("Kommunen"),
        p("Siste avsnitt."),
    );
    let o = extract(&docx(&body, &[]), Kind::Docx).unwrap();
    assert_eq!(
        o.pages[0],
        "Første avsnitt.\nKontakt:\tKari & Ola\ntlf. 12\nTiltak\tAnsvar\nLadepunkt\tKommunen\nSiste avsnitt.\n"
    );
    assert!(o.warnings.is_empty(), "{:?}", o.warnings);
}

#[test]
fn deleted_text_and_field_codes_are_not_the_documents_text() {
    let body = "<w:p><w:r><w:t xml:space=\"preserve\">Planen gjelder </w:t></w:r>\
        <w:del><w:r><w:delText>ikke </w:delText></w:r></w:del>\
        <w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText> PAGEREF _Toc1 \\h </w:instrText></w:r>\
        <w:r><w:t>hele fylket.</w:t></w:r></w:p>";
    let o = extract(&docx(body, &[]), Kind::Docx).unwrap();
    assert_eq!(o.pages[0], "Planen gjelder hele fylket.\n");
}

#[test]
fn a_text_box_word_writes_twice_for_older_readers_is_read_once() {
    let body = "<w:p><w:r><mc:AlternateContent xmlns:mc=\"mc\"><mc:Choice Requires=\"wps\"><w:drawing><wps:txbx xmlns:wps=\"wps\"><w:txbxContent><w:p><w:r><w:t>Faktaboks: 12 kommuner</w:t></w:r></w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice>\
        <mc:Fallback><w:pict><v:textbox xmlns:v=\"v\"><w:txbxContent><w:p><w:r><w:t>Faktaboks: 12 kommuner</w:t></w:r></w:p></w:txbxContent></v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>";
    let o = extract(&docx(body, &[]), Kind::Docx).unwrap();
    assert_eq!(o.pages[0].matches("Faktaboks").count(), 1, "{}", o.pages[0]);
}

#[test]
fn a_text_box_is_lines_of_its_own_not_glued_to_its_paragraph() {
    // as LibreOffice writes a frame anchored in a paragraph (the box after
    // the paragraph's words, in a run of its own), and a box in mid-paragraph
    let body = "<w:p><w:r><w:t>Avsnittet handler om naust</w:t></w:r><w:r><mc:AlternateContent xmlns:mc=\"mc\"><mc:Choice Requires=\"wps\"><w:drawing><wps:txbx xmlns:wps=\"wps\"><w:txbxContent><w:p><w:r><w:t>Kaianlegg</w:t></w:r></w:p><w:p><w:r><w:t>og sjøhus</w:t></w:r></w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice></mc:AlternateContent></w:r><w:r><w:t xml:space=\"preserve\"> i Lofoten.</w:t></w:r></w:p>";
    let o = extract(&docx(body, &[]), Kind::Docx).unwrap();
    assert_eq!(
        o.pages[0],
        "Kaianlegg\nog sjøhus\nAvsnittet handler om naust i Lofoten.\n"
    );
    let body = "<text:p xmlns:draw=\"d\">Fiskevær<draw:frame><draw:text-box><text:p>Faktaboks</text:p></draw:text-box></draw:frame> i Lofoten.</text:p>";
    let o = extract(&odt(body, None), Kind::Odt).unwrap();
    assert_eq!(o.pages[0], "Faktaboks\nFiskevær i Lofoten.\n");
}

#[test]
fn a_word_title_comes_from_its_title_style_then_its_heading_then_its_properties() {
    let styled = |style: &str, text: &str| {
        format!(
            "<w:p><w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"
        )
    };
    let core = |title: &str| {
        format!(
            r#"<cp:coreProperties xmlns:cp="c" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"><dc:title>{title}</dc:title><dcterms:created>2024-05-06T07:08:09Z</dcterms:created></cp:coreProperties>"#
        )
    };
    // a Norwegian Word's style ids: the title beats a heading before it
    let body = format!(
        "{}{}{}",
        styled("Overskrift1", "Innledning"),
        styled("Tittel", "Strategi for Innherred"),
        p("Tekst.")
    );
    let c = core("Microsoft Word - strategi_v2.docx");
    let o = extract(
        &docx(&body, &[("docProps/core.xml", c.as_bytes())]),
        Kind::Docx,
    )
    .unwrap();
    assert_eq!(o.title.as_deref(), Some("Strategi for Innherred"));
    assert_eq!(o.created.as_deref(), Some("2024-05-06"));
    // no title style: the first heading
    let body = format!("{}{}", p("Forord"), styled("Heading1", "Mål og tiltak"));
    let o = extract(&docx(&body, &[]), Kind::Docx).unwrap();
    assert_eq!(o.title.as_deref(), Some("Mål og tiltak"));
    // neither: the properties' title, unless it is a file name
    let c = core("Regional plan for vannforvaltning");
    let o = extract(
        &docx(&p("Tekst."), &[("docProps/core.xml", c.as_bytes())]),
        Kind::Docx,
    )
    .unwrap();
    assert_eq!(
        o.title.as_deref(),
        Some("Regional plan for vannforvaltning")
    );
    let c = core("Microsoft Word - plan_final_v3.docx");
    let o = extract(
        &docx(&p("Tekst."), &[("docProps/core.xml", c.as_bytes())]),
        Kind::Docx,
    )
    .unwrap();
    assert_eq!(o.title, None);
}

#[test]
fn word_footnotes_follow_the_text() {
    let notes = format!("<w:footnotes {W}><w:footnote><w:p><w:r><w:t>Kilde: SSB 2024.</w:t></w:r></w:p></w:footnote></w:footnotes>");
    let o = extract(
        &docx(
            &p("Folketallet falt."),
            &[("word/footnotes.xml", notes.as_bytes())],
        ),
        Kind::Docx,
    )
    .unwrap();
    assert_eq!(o.pages[0], "Folketallet falt.\n\nKilde: SSB 2024.\n");
}

#[test]
fn opendocument_spaces_notes_and_tracked_changes() {
    let body = r#"<text:tracked-changes><text:changed-region><text:deletion><text:p>slettet tekst</text:p></text:deletion></text:changed-region></text:tracked-changes>
        <text:h text:outline-level="1">Kystkultur</text:h>
        <text:p>Båtbyggjarane<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>Sjå kulturminneplanen.</text:p></text:note-body></text:note> held fram.<office:annotation><text:p>Ein merknad</text:p></office:annotation></text:p>
        <text:p>Budsjett:<text:s text:c="3"/>2,4<text:tab/>mill.<text:line-break/>kroner</text:p>
        <table:table><table:table-row><table:table-cell><text:p>A</text:p></table:table-cell><table:table-cell><text:p>B</text:p></table:table-cell></table:table-row></table:table>"#;
    let meta = r#"<office:document-meta xmlns:office="o" xmlns:meta="m" xmlns:dc="d"><office:meta><dc:title>Strategi</dc:title><meta:creation-date>2025-11-03T09:30:00</meta:creation-date></office:meta></office:document-meta>"#;
    let bytes = odt(body, Some(meta));
    assert_eq!(sniff(&bytes), Sniffed::Known(crate::document::Format::Odt));
    let o = extract(&bytes, Kind::Odt).unwrap();
    assert_eq!(
        o.pages[0],
        "Kystkultur\nBåtbyggjarane held fram.\nBudsjett:   2,4\tmill.\nkroner\nA\tB\n\nSjå kulturminneplanen.\n\n"
    );
    assert_eq!(o.title.as_deref(), Some("Kystkultur"));
    assert_eq!(o.created.as_deref(), Some("2025-11-03"));
}

#[test]
fn office_files_kartotek_cannot_read_are_named_with_what_to_do() {
    use crate::document::Format;
    assert_eq!(sniff(&docx(&p("x"), &[])), Sniffed::Known(Format::Docx));
    let pptx = archive(None, &[("ppt/presentation.xml", b"<p/>")]);
    assert_eq!(sniff(&pptx), Sniffed::Known(Format::Pptx));
    let xlsx = archive(None, &[("xl/workbook.xml", b"<w/>")]);
    assert_eq!(sniff(&xlsx), Sniffed::Known(Format::Xlsx));
    let ods = archive(Some("application/vnd.oasis.opendocument.spreadsheet"), &[]);
    assert_eq!(sniff(&ods), Sniffed::Known(Format::Ods));
    let plain = archive(None, &[("readme.txt", b"hei")]);
    assert_eq!(sniff(&plain), Sniffed::Unsupported("ZIP archive"));
    // an OLE compound file that holds no Word, Excel or PowerPoint stream
    // (Word 97–2003 files are read: `office97`), or any Office file with a
    // password
    let mut ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1".to_vec();
    ole.resize(4096, 0);
    let Sniffed::Unsupported(doc) = sniff(&ole) else {
        panic!("an OLE file without a directory is no format Kartotek reads")
    };
    assert!(doc.contains("directory cannot be read"), "{doc}");
    let empty = {
        let cf = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
        cf.into_inner().into_inner()
    };
    let Sniffed::Unsupported(other) = sniff(&empty) else {
        panic!("an OLE file without an office stream is no format Kartotek reads")
    };
    assert!(
        other.contains("no Word, Excel or PowerPoint file"),
        "{other}"
    );
    let name: Vec<u8> = "EncryptionInfo"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    ole[1024..1024 + name.len()].copy_from_slice(&name);
    let Sniffed::Unsupported(locked) = sniff(&ole) else {
        panic!("an OLE file is no format Kartotek reads")
    };
    assert!(locked.contains("encrypted with a password"), "{locked}");
}

#[test]
fn a_workbook_has_a_page_per_sheet_in_tab_order_its_name_first_and_a_line_per_row() {
    const S: &str = r#"xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;
    let workbook = format!(
        r#"<workbook {S}><sheets><sheet name="Prosjekter" sheetId="1" r:id="rId2"/><sheet name="Budsjett" sheetId="2" r:id="rId1"/></sheets></workbook>"#
    );
    let rels = r#"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Target="worksheets/sheet2.xml"/></Relationships>"#;
    let shared = format!(
        r#"<sst {S}><si><t>Prosjekt</t></si><si><r><t>Grønn </t></r><r><t>havn</t></r><rPh><t>uttale</t></rPh></si><si><t>Kommune</t></si></sst>"#
    );
    // the first sheet in tab order is sheet2.xml
    let projects = format!(
        r#"<worksheet {S}><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>2</v></c></row><row r="2"><c t="s"><v>1</v></c><c t="inlineStr"><is><t>Bodø &amp; Saltdal</t></is></c><c t="b"><v>1</v></c><c><f>SUM(A1:A2)</f><v>2025</v></c><c t="s"><v>99</v></c></row></sheetData></worksheet>"#
    );
    let budget = format!(
        r#"<worksheet {S}><sheetData><row><c t="str"><f>CONCAT("Sum ","kroner")</f><v>Sum kroner</v></c><c><v>2400000</v></c></row></sheetData></worksheet>"#
    );
    let bytes = archive(
        None,
        &[
            ("[Content_Types].xml", b"<Types/>"),
            ("xl/workbook.xml", workbook.as_bytes()),
            ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
            ("xl/sharedStrings.xml", shared.as_bytes()),
            ("xl/worksheets/sheet1.xml", budget.as_bytes()),
            ("xl/worksheets/sheet2.xml", projects.as_bytes()),
        ],
    );
    assert_eq!(sniff(&bytes), Sniffed::Known(crate::document::Format::Xlsx));
    let o = extract(&bytes, Kind::Xlsx).unwrap();
    assert_eq!(
        o.pages,
        [
            "Prosjekter\nProsjekt\tKommune\nGrønn havn\tBodø & Saltdal\t2025\n",
            "Budsjett\nSum kroner\t2400000\n"
        ]
    );
    assert!(o.warnings.is_empty(), "{:?}", o.warnings);
}

#[test]
fn an_opendocument_spreadsheet_has_a_page_per_table_named_without_its_comments() {
    let content = r#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:spreadsheet>
        <table:table table:name="Tiltak"><table:table-row><table:table-cell><text:p>Ladepunkt</text:p><office:annotation><text:p>Merknad</text:p></office:annotation></table:table-cell><table:table-cell table:number-columns-repeated="16000"/><table:table-cell><text:p>Kommunen</text:p></table:table-cell></table:table-row></table:table>
        <table:table table:name="Ark2"><table:table-row><table:table-cell><text:p>Kaianlegg</text:p></table:table-cell></table:table-row></table:table>
        </office:spreadsheet></office:body></office:document-content>"#;
    let bytes = archive(
        Some("application/vnd.oasis.opendocument.spreadsheet"),
        &[("content.xml", content.as_bytes())],
    );
    let o = extract(&bytes, Kind::Ods).unwrap();
    assert_eq!(o.pages.len(), 2, "{:?}", o.pages);
    // the sheet's name first; a default name (`Ark2`) is none
    assert!(
        o.pages[0].starts_with("Tiltak\nLadepunkt\t"),
        "{:?}",
        o.pages
    );
    assert!(o.pages[0].trim_end().ends_with("Kommunen"), "{:?}", o.pages);
    assert!(!o.pages[0].contains("Merknad"));
    assert_eq!(o.pages[1].trim(), "Kaianlegg");
}

#[test]
fn damaged_archives_say_what_is_wrong() {
    let bytes = docx(&p("Tekst."), &[]);
    // cut before the zip directory at the end
    let e = extract(&bytes[..bytes.len() / 2], Kind::Docx).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("its zip directory cannot be read"),
        "{e}"
    );
    let e = extract(&archive(None, &[("word/other.xml", b"<x/>")]), Kind::Docx).unwrap_err();
    assert!(e.to_string().contains("word/document.xml"), "{e}");
    let e = extract(b"PK\x03\x04 not really", Kind::Odt).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("its zip directory cannot be read"),
        "{e}"
    );
    // as the user reads it
    let e = crate::ingest::extract::extract(&bytes[..bytes.len() / 2], None).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("the file is damaged: its zip directory"),
        "{e}"
    );
}

#[test]
fn xml_that_breaks_off_keeps_the_text_before_the_break() {
    let document = format!(
        "<w:document {W}><w:body>{}<w:p><w:r><w:t>Halv",
        p("Hel setning.")
    );
    let bytes = archive(None, &[("word/document.xml", document.as_bytes())]);
    let o = extract(&bytes, Kind::Docx).unwrap();
    assert!(o.pages[0].starts_with("Hel setning.\n"), "{}", o.pages[0]);
    let broken = format!(
        "<w:document {W}><w:body>{}<w:p><w:t>a</w:x></w:body>",
        p("Før bruddet.")
    );
    let bytes = archive(None, &[("word/document.xml", broken.as_bytes())]);
    let o = extract(&bytes, Kind::Docx).unwrap();
    assert!(o.pages[0].starts_with("Før bruddet."), "{}", o.pages[0]);
    assert!(
        o.warnings.iter().any(|w| w.starts_with("partly extracted")),
        "{:?}",
        o.warnings
    );
}

#[test]
fn a_part_that_inflates_past_the_limit_is_cut_there() {
    // 8 MB of one letter deflates to a few KB: a small zip bomb
    let huge = format!(
        "<w:document {W}><w:body><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:body></w:document>",
        "a".repeat(8 << 20)
    );
    let bytes = archive(None, &[("word/document.xml", huge.as_bytes())]);
    assert!(bytes.len() < 100_000, "{}", bytes.len());
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.as_slice())).unwrap();
    let mut warnings = Vec::new();
    let xml = part(&mut zip, "word/document.xml", 1 << 20, &mut warnings)
        .unwrap()
        .unwrap();
    assert_eq!(xml.len(), 1 << 20);
    assert!(warnings[0].contains("inflates past 1 MB"), "{warnings:?}");
}

#[test]
fn deeply_nested_xml_is_read_without_recursion() {
    let depth = 200_000;
    let document = format!(
        "<w:document {W}><w:body>{}{}{}</w:body></w:document>",
        "<w:sdt>".repeat(depth),
        p("Innerst."),
        "</w:sdt>".repeat(depth)
    );
    let bytes = archive(None, &[("word/document.xml", document.as_bytes())]);
    let o = extract(&bytes, Kind::Docx).unwrap();
    assert_eq!(o.pages[0], "Innerst.\n");
}

#[test]
fn a_presentation_is_read_slide_by_slide_in_the_order_it_shows_them() {
    const P: &str = r#"xmlns:p="p" xmlns:a="a" xmlns:r="r""#;
    let slide = |title: &str, body: &str| {
        format!(
            r#"<p:sld {P}><p:cSld><p:spTree>
            <p:sp><p:nvSpPr><p:nvPr><p:ph type="title"/></p:nvPr></p:nvSpPr><p:txBody><a:p><a:r><a:t>{title}</a:t></a:r></a:p></p:txBody></p:sp>
            <p:sp><p:nvSpPr><p:nvPr><p:ph idx="1"/></p:nvPr></p:nvSpPr><p:txBody><a:p><a:r><a:t>{body}</a:t></a:r><a:br/><a:r><a:t>andre linje</a:t></a:r></a:p></p:txBody></p:sp>
            </p:spTree></p:cSld></p:sld>"#
        )
    };
    // slide2.xml is shown first: the presentation's list, not the names, orders them
    let presentation = format!(
        r#"<p:presentation {P}><p:sldIdLst><p:sldId id="256" r:id="rId7"/><p:sldId id="257" r:id="rId3"/></p:sldIdLst></p:presentation>"#
    );
    let rels = r#"<Relationships><Relationship Id="rId3" Type="slide" Target="slides/slide1.xml"/><Relationship Id="rId7" Type="slide" Target="slides/slide2.xml"/></Relationships>"#;
    let (s1, s2) = (
        slide("Tiltak", "Ladepunkter"),
        slide("Mål for Nordland", "Utslipp ned"),
    );
    let notes = format!(
        r#"<p:notes {P}><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>Talerens notat</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:notes>"#
    );
    let bytes = archive(
        None,
        &[
            ("ppt/presentation.xml", presentation.as_bytes()),
            ("ppt/_rels/presentation.xml.rels", rels.as_bytes()),
            ("ppt/slides/slide1.xml", s1.as_bytes()),
            ("ppt/slides/slide2.xml", s2.as_bytes()),
            ("ppt/notesSlides/notesSlide1.xml", notes.as_bytes()),
        ],
    );
    let o = extract(&bytes, Kind::Pptx).unwrap();
    assert_eq!(
        o.pages,
        [
            "Mål for Nordland\nUtslipp ned\nandre linje\n",
            "Tiltak\nLadepunkter\nandre linje\n"
        ]
    );
    assert_eq!(o.title.as_deref(), Some("Mål for Nordland"));
    // no slide list: the slides by their numbers
    let bytes = archive(
        None,
        &[
            ("ppt/presentation.xml", b"<p:presentation/>"),
            ("ppt/slides/slide10.xml", s1.as_bytes()),
            ("ppt/slides/slide9.xml", s2.as_bytes()),
        ],
    );
    let o = extract(&bytes, Kind::Pptx).unwrap();
    assert!(o.pages[0].starts_with("Mål for Nordland"), "{:?}", o.pages);
}

#[test]
fn an_opendocument_presentation_has_a_page_per_slide_without_its_notes() {
    let content = r#"<office:document-content xmlns:office="o" xmlns:draw="d" xmlns:text="t" xmlns:presentation="p"><office:body><office:presentation>
        <draw:page draw:name="1"><draw:frame><draw:text-box><text:p>Første</text:p></draw:text-box></draw:frame><presentation:notes><draw:frame><draw:text-box><text:p>Notat</text:p></draw:text-box></draw:frame></presentation:notes></draw:page>
        <draw:page draw:name="2"><draw:frame><draw:text-box><text:p>Andre</text:p></draw:text-box></draw:frame></draw:page>
        </office:presentation></office:body></office:document-content>"#;
    let bytes = archive(
        Some("application/vnd.oasis.opendocument.presentation"),
        &[("content.xml", content.as_bytes())],
    );
    assert_eq!(sniff(&bytes), Sniffed::Known(crate::document::Format::Odp));
    let o = extract(&bytes, Kind::Odp).unwrap();
    assert_eq!(o.pages, ["Første\n", "Andre\n"]);
}

#[test]
fn an_entity_in_the_title_property_is_kept() {
    let core = r#"<cp:coreProperties xmlns:cp="c" xmlns:dc="d"><dc:title>Kyst &amp; hav 2030</dc:title></cp:coreProperties>"#;
    let bytes = docx(
        &p("Tekst uten stil."),
        &[("docProps/core.xml", core.as_bytes())],
    );
    let o = extract(&bytes, Kind::Docx).unwrap();
    assert_eq!(o.title.as_deref(), Some("Kyst & hav 2030"));
}

#[test]
fn a_cells_number_is_written_as_a_spreadsheet_shows_it() {
    assert_eq!(number(1250000.0), "1250000");
    assert_eq!(number(-0.5), "-0.5");
    assert_eq!(number(std::f64::consts::PI), "3.14159265358979");
    assert_eq!(number(0.1 + 0.2), "0.3");
    assert_eq!(number(1.22514845490862e-16), "1.22514845490862e-16");
    assert_eq!(number(2.5e20), "2.5e20");
    assert_eq!(number(f64::NAN), "");
}

#[test]
fn a_date_cell_is_read_as_its_date_not_its_day_number() {
    assert_eq!(serial_date(37694.0, false).as_deref(), Some("2003-03-14"));
    assert_eq!(serial_date(1.0, false).as_deref(), Some("1900-01-01"));
    assert_eq!(serial_date(61.0, false).as_deref(), Some("1900-03-01"));
    assert_eq!(serial_date(0.0, true).as_deref(), Some("1904-01-01"));
    assert_eq!(
        serial_date(45000.75, false).as_deref(),
        Some("2023-03-15 18:00")
    );
    assert_eq!(serial_date(-1.0, false), None);
    assert!(date_format("[$-414]d. mmmm yyyy"));
    assert!(date_format("yyyy\\-mm\\-dd"));
    assert!(!date_format("0.0 \"dager\""));
    assert!(!date_format("#,##0 [Red]"));
    assert!(!date_format("General"));
    // a workbook whose second cell style is a date format of its own
    let styles = br#"<styleSheet><numFmts><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>
<cellStyleXfs><xf numFmtId="14"/></cellStyleXfs>
<cellXfs><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/><xf numFmtId="10"/></cellXfs></styleSheet>"#;
    assert_eq!(date_styles(styles), [false, true, true, false]);
    let sheet = br#"<worksheet><sheetData><row><c s="1"><v>37694</v></c><c s="3"><v>0.35</v></c><c><v>3.1415926535897931</v></c></row></sheetData></worksheet>"#;
    let styles = Styles {
        dates: date_styles(styles),
        from_1904: false,
    };
    assert_eq!(
        read_sheet(sheet, &[], &styles),
        "2003-03-14\t0.35\t3.14159265358979\n"
    );
}
