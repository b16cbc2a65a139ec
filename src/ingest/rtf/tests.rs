use super::*;

fn text_of(rtf: &str) -> RtfText {
    extract(rtf.as_bytes())
}

#[test]
fn paragraphs_escapes_and_unicode_are_read_in_the_code_page() {
    // `\'f8` is ø in Windows-1252; `\u229` is å, its `?` fallback dropped
    let r = text_of(
        r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fswiss Arial;}}{\colortbl;\red0\green0\blue0;}
{\pard Fiskev\'e6rene i Tr\'f8ndelag\par}
{\pard Samarbeid p\u229?\uc2\u229\'3f\'3f dekker {\b hele} kysten.\par}}",
    );
    assert_eq!(
        r.text,
        "Fiskeværene i Trøndelag\nSamarbeid påå dekker hele kysten.\n"
    );
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

#[test]
fn tables_notes_fields_and_tracked_deletions() {
    let r = text_of(
        r#"{\rtf1\ansi{\info{\title Plan for kystleden}{\author Kari}{\creatim\yr2024\mo3\dy5\hr10\min0}}
{\header \pard Topptekst Vestv\'e5g\'f8y\par}
\pard Innledning{\super\chftn{\footnote \pard\plain Kilde: havnedrift.}} om naust.\par
\trowd\cellx2000\cellx4000 \pard\intbl Tiltak\cell Ansvar\cell\row
\pard Se {\field{\*\fldinst HYPERLINK "https://example.org"}{\fldrslt nettsiden}}.{\deleted stryk }Slutt.\par
{\*\unknowndest ignorert}{\pict\pngblip 89504e47}}"#,
    );
    assert_eq!(r.title.as_deref(), Some("Plan for kystleden"));
    assert_eq!(r.created.as_deref(), Some("2024-03-05"));
    assert_eq!(
        r.text,
        "Innledning om naust.\nTiltak\tAnsvar\t\nSe nettsiden.Slutt.\n\nKilde: havnedrift.\n"
    );
}

#[test]
fn raw_binary_data_is_skipped_braces_and_all() {
    let mut rtf = br"{\rtf1{\pict\wmetafile8\bin6 ".to_vec();
    rtf.extend_from_slice(b"}{\\x}{");
    rtf.extend_from_slice(br"}\pard Etter bildet\par}");
    let r = extract(&rtf);
    assert_eq!(r.text, "Etter bildet\n");
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

#[test]
fn a_shapes_text_box_is_read_and_its_properties_are_not() {
    let r = text_of(
        r"{\rtf1{\shp{\*\shpinst{\sp{\sn shapeType}{\sv 202}}{\shptxt \pard Faktaboks kaianlegg\par}}}\pard Avsnittet\par}",
    );
    assert_eq!(r.text, "Faktaboks kaianlegg\nAvsnittet\n");
}

#[test]
fn hostile_nesting_and_truncation_end_in_text_not_a_crash() {
    let deep = format!("{{\\rtf1 {}tekst{}", "{".repeat(200_000), "}".repeat(10));
    let r = extract(deep.as_bytes());
    assert!(r.text.contains("tekst"));
    assert!(!r.warnings.is_empty());
    for cut in [1, 5, 7, 30, 61] {
        let whole = r"{\rtf1\ansi \'e6\u-3913 x\'";
        let _ = extract(&whole.as_bytes()[..cut.min(whole.len())]);
    }
    // a control word with an absurd number, a lone backslash at the end
    let r = text_of(r"{\rtf1\uc99999999999999 \uc1\u99999999999 ?a\ansicpg99999999\");
    assert!(r.text.contains('a'), "{:?}", r.text);
}

#[test]
fn the_sniffer_knows_rtf_from_text() {
    use crate::ingest::sniff::{sniff, Sniffed};
    assert!(matches!(
        sniff(b"\xef\xbb\xbf\r\n{\\rtf1\\ansi hei}"),
        Sniffed::Known(crate::document::Format::Rtf)
    ));
    assert!(matches!(
        sniff(b"Om {\\rtf1} i en tekst"),
        Sniffed::Known(crate::document::Format::Text)
    ));
}

#[test]
fn unescaped_utf8_is_read_as_utf8_and_unescaped_code_page_bytes_in_the_code_page() {
    // what generators that write RTF from UTF-8 text leave: the letters unescaped
    let r = text_of("{\\rtf1\\ansi\\ansicpg1252 {\\pard Fiskeværene i Trøndelag \\'e6\\par}\n{\\pard Bod\\u248?ø\\par}}");
    assert_eq!(r.text, "Fiskeværene i Trøndelag æ\nBodøø\n");
    // the same letters as single Windows-1252 bytes are no UTF-8: the code page reads them
    let mut bytes = b"{\\rtf1\\ansi\\ansicpg1252 {\\pard Tr".to_vec();
    bytes.push(0xf8);
    bytes.extend_from_slice(b"ndelag\\par}}");
    assert_eq!(extract(&bytes).text, "Trøndelag\n");
}
