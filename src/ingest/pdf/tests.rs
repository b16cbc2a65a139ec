use lopdf::{Dictionary, Object};

use super::cleanup::tidy_line;
use super::fonts::{parse_encoding_cmap, truetype_glyph_unicodes, CjkCollection};
use super::glyphs::Glyph;
use super::prepare::inflate_unfiltered_cmaps;
use super::title::{clean_title, decode_pdf_string};
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
#[test]
fn an_attachment_is_stepped_over_by_the_bomb_check_never_decoded() {
    let z = deflated_zeros(4 * 1024 * 1024);
    // the same stream as an attachment, and holding a PDF that holds a bomb
    let attachment = |body: &[u8], length: String| {
        let mut b = format!(
            "%PDF-1.4\n1 0 obj\n<< /Type /EmbeddedFile /Subtype /application#2Fpdf /Length {length} /Filter /FlateDecode >>\nstream\n"
        )
        .into_bytes();
        b.extend_from_slice(body);
        b.extend_from_slice(b"\nendstream\nendobj\ntrailer << >>\n%%EOF\n");
        b
    };
    let limit = 1024 * 1024;
    assert!(check_inflated_size(&attachment(&z, z.len().to_string()), limit, 16 * limit).is_ok());
    let inner = pdf_with_stream(&z);
    let holding = attachment(&inner, inner.len().to_string());
    assert!(check_inflated_size(&holding, limit, 16 * limit).is_ok());
    // a length given by reference is not trusted to step over the body
    let by_reference = attachment(&z, "7 0 R".to_string());
    assert!(check_inflated_size(&by_reference, limit, 16 * limit).is_err());
}

use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Stream};

/// One text line to draw: x, y, font size, text.
type Draw<'a> = (f64, f64, f64, &'a str);

/// The text `extract` reads from a one-page PDF drawing `lines`.
fn first_page(lines: &[Draw]) -> String {
    let pdf = make_pdf(&[lines.to_vec()], None);
    extract(&pdf).unwrap().pages.swap_remove(0)
}

/// Builds a PDF with one page per entry of `pages`, drawn in Helvetica.
fn make_pdf(pages: &[Vec<Draw>], info_title: Option<Object>) -> Vec<u8> {
    make_pdf_encoded(pages, info_title, "WinAnsiEncoding".into())
}

/// [`make_pdf`] with the font's `Encoding` given.
fn make_pdf_encoded(pages: &[Vec<Draw>], info_title: Option<Object>, encoding: Object) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => encoding,
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
    let page = first_page(&[
        (72.0, 700.0, 12.0, "the regio-"),
        (72.0, 686.0, 12.0, "nal plan"),
    ]);
    assert_eq!(page, "the regional plan");
}

#[test]
fn compound_with_capitalised_first_part_keeps_its_hyphen() {
    let page = first_page(&[
        (72.0, 700.0, 12.0, "nye Interreg-"),
        (72.0, 686.0, 12.0, "prosjekter i nord"),
    ]);
    assert_eq!(page, "nye Interreg-prosjekter i nord");
}

#[test]
fn a_broken_word_the_document_spells_whole_elsewhere_is_joined_without_its_hyphen() {
    let page = first_page(&[
        (72.0, 700.0, 12.0, "But if Con-"),
        (72.0, 686.0, 12.0, "gress had agreed."),
        (72.0, 672.0, 12.0, "Congress did not. I Inn-"),
        (72.0, 658.0, 12.0, "herred og Innherred"),
    ]);
    assert_eq!(
        page,
        "But if Congress had agreed.\nCongress did not. I Innherred og Innherred"
    );
}

#[test]
fn a_compound_the_document_spells_with_a_hyphen_elsewhere_keeps_it() {
    let page = first_page(&[
        (72.0, 700.0, 12.0, "send en e-"),
        (72.0, 686.0, 12.0, "post til oss"),
        (72.0, 672.0, 12.0, "per e-post"),
    ]);
    assert_eq!(page, "send en e-post til oss\nper e-post");
}

#[test]
fn a_hyphen_before_a_conjunction_on_the_next_line_is_a_suspended_one() {
    let page = first_page(&[
        (72.0, 700.0, 12.0, "Helse-"),
        (72.0, 686.0, 12.0, "og omsorgsdepartementet"),
    ]);
    assert_eq!(page, "Helse-\nog omsorgsdepartementet");
}

#[test]
fn a_soft_hyphen_at_a_line_end_joins_the_word_without_it() {
    // Word and InDesign map their line-end hyphen to U+00AD: the lines
    // `compensa` + soft hyphen (code `~` drawn as the glyph `softhyphen`),
    // `tion, le pH`
    let encoding = dictionary! {
        "Type" => "Encoding",
        "BaseEncoding" => "WinAnsiEncoding",
        "Differences" => vec![126.into(), Object::Name(b"softhyphen".to_vec())],
    };
    let pdf = make_pdf_encoded(
        &[vec![
            (72.0, 700.0, 12.0, "par la compensa~"),
            (72.0, 686.0, 12.0, "tion, le pH"),
        ]],
        None,
        Object::Dictionary(encoding),
    );
    assert_eq!(
        extract(&pdf).unwrap().pages[0],
        "par la compensation, le pH"
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
fn figures_at_the_top_of_every_page_are_content_not_page_numbers() {
    // a table of sizes: `5` and `6` head every page, under each other
    let pages: Vec<Vec<Draw>> = [("Arial", "Sans"), ("Batang", "Korean"), ("Times", "Serif")]
        .iter()
        .map(|&(font, body)| {
            vec![
                (72.0, 800.0, 12.0, font),
                (72.0, 780.0, 12.0, "5"),
                (72.0, 766.0, 12.0, "6"),
                (72.0, 700.0, 12.0, body),
            ]
        })
        .collect();
    let text = extract(&make_pdf(&pages, None)).unwrap();
    assert_eq!(text.pages[1], "Batang\n5\n6\n\nKorean");
}

#[test]
fn a_word_broken_at_a_line_end_is_joined_when_the_word_list_knows_it() {
    let page = first_page(&[
        (72.0, 700.0, 12.0, "og Aalborg Univer-"),
        (72.0, 686.0, 12.0, "sitet samarbejder med Frederik-"),
        (72.0, 672.0, 12.0, "shavn om nye Interreg-"),
        (72.0, 658.0, 12.0, "prosjekter"),
    ]);
    assert_eq!(
        page,
        "og Aalborg Universitet samarbejder med Frederikshavn om nye Interreg-prosjekter"
    );
}

#[test]
fn two_columns_drawn_one_baseline_at_a_time_are_read_column_by_column() {
    // as tax forms and some typesetting systems draw them: each baseline across both columns
    let page = first_page(&[
        (72.0, 700.0, 10.0, "Fylket skal styrke"),
        (320.0, 700.0, 10.0, "Kommunene kan"),
        (72.0, 688.0, 10.0, "samarbeidet over"),
        (320.0, 688.0, 10.0, "soke om midler"),
        (72.0, 676.0, 10.0, "grensen."),
        (320.0, 676.0, 10.0, "til bredband."),
    ]);
    assert_eq!(page,
        "Fylket skal styrke\nsamarbeidet over\ngrensen.\n\nKommunene kan\nsoke om midler\ntil bredband."
    );
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
        x0: 0.0,
        x1: 30.0,
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
        "../../../tests/fixtures/encrypted-empty-password.pdf"
    ))
    .unwrap();
    assert_eq!(text.pages, vec!["Hello World!"]);
    assert!(text.encrypted_empty_password);
}

#[test]
fn password_protected_pdf_is_reported_as_encrypted() {
    let bytes = include_bytes!("../../../tests/fixtures/encrypted-with-password.pdf");
    assert_eq!(extract(bytes), Err(PdfError::Encrypted));
}

#[test]
fn scanned_pdf_is_reported_as_image_only() {
    let bytes = include_bytes!("../../../tests/fixtures/image-only.pdf");
    assert_eq!(extract(bytes), Err(PdfError::ImageOnly { pages: 1 }));
}

#[test]
fn truncated_pdf_is_malformed() {
    let bytes = include_bytes!("../../../tests/fixtures/broken.pdf");
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

/// A page drawing its own text and form 4 (`/X Do`), each form drawing the next four times
/// over `depth` levels, the last showing `deep`.
fn fanout_pdf(depth: usize) -> Vec<u8> {
    let mut objects = vec![
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
        stream("", "BT /F1 12 Tf 10 10 Td (On the page) Tj ET /X Do"),
    ];
    for level in 0..depth {
        let n = objects.len() + 4;
        objects.push(if level + 1 < depth {
            stream(
                &format!("/Type /XObject /Subtype /Form /BBox [0 0 200 200] /Resources << /XObject << /X {} 0 R >> >>", n + 1),
                "/X Do /X Do /X Do /X Do",
            )
        } else {
            stream(
                "/Type /XObject /Subtype /Form /BBox [0 0 200 200] /Resources << /Font << /F1 4 0 R >> >>",
                "BT /F1 12 Tf 10 50 Td (deep) Tj ET",
            )
        });
    }
    let objects: Vec<&str> = objects.iter().map(String::as_str).collect();
    raw_pdf(
        "/Contents 5 0 R /Resources << /Font << /F1 4 0 R >> /XObject << /X 6 0 R >> >>",
        &objects,
    )
}

#[test]
fn forms_drawing_forms_many_times_over_are_not_drawn_past_the_operator_limit() {
    // 4^2 draws of the deepest form: drawn
    let shallow = extract(&fanout_pdf(3)).unwrap().pages.join(" ");
    assert_eq!(shallow.matches("deep").count(), 16, "{shallow}");
    // 4^13 (67 million) draws: the forms that would draw more operators than a flooded
    // page are not drawn; the page's own text is read
    let text = extract(&fanout_pdf(14)).unwrap().pages.join(" ");
    assert_eq!(text, "On the page");
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

/// A PDF (no xref: the loader rebuilds it) of `objects` numbered from 1, the
/// catalog first.
fn numbered_pdf(objects: &[String]) -> String {
    let mut pdf = String::from("%PDF-1.4\n");
    for (i, body) in objects.iter().enumerate() {
        pdf.push_str(&format!("{} 0 obj {body} endobj\n", i + 1));
    }
    pdf.push_str("trailer << /Root 1 0 R >>\n%%EOF\n");
    pdf
}

/// A content stream showing `text` in font `/F1`.
fn shown(text: &str) -> String {
    stream("", &format!("BT /F1 12 Tf 20 100 Td ({text}) Tj ET"))
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
fn an_annotation_appearance_that_draws_itself_does_not_overflow_the_stack() {
    // the appearance (object 5) draws its text and then itself, by its own resources
    let appearance = stream(
        "/Type /XObject /Subtype /Form /BBox [0 0 100 20] /Resources << /Font << /F1 6 0 R >> /XObject << /Me 5 0 R >> >>",
        "BT /F1 12 Tf 2 5 Td (Looping note) Tj ET /Me Do",
    );
    let pdf = raw_pdf(
        "/Annots [4 0 R]",
        &[
            "<< /Type /Annot /Subtype /FreeText /Rect [10 100 110 120] /AP << /N 5 0 R >> >>",
            &appearance,
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ],
    );
    assert_eq!(extract(&pdf).unwrap().pages, vec!["Looping note"]);
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
fn a_type0_font_with_a_broken_descendant_keeps_the_page_and_its_other_fonts() {
    let page = |descendants: &str, cid_font: &str| {
        let content = stream(
            "",
            "BT /F1 12 Tf 10 100 Td <0048> Tj ET BT /F2 12 Tf 10 80 Td (Plain text) Tj ET",
        );
        let type0 = format!(
            "<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H /ToUnicode /Identity-H /DescendantFonts [{descendants}] >>"
        );
        raw_pdf(
            "/Contents 4 0 R /Resources << /Font << /F1 5 0 R /F2 7 0 R >> >>",
            &[
                &content,
                &type0,
                cid_font,
                "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            ],
        )
    };
    // a CID font without its /FontDescriptor
    let no_descriptor = page(
        "6 0 R",
        "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /X /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>",
    );
    // a Type0 font that lists itself as its descendant
    let itself = page("5 0 R", "<< >>");
    for pdf in [no_descriptor, itself] {
        let text = extract(&pdf).unwrap().pages.join(" ");
        assert!(text.contains("Plain text") && text.contains('H'), "{text}");
    }
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
fn an_oversized_to_unicode_map_reads_the_same_cut_to_the_shown_codes() {
    // 32,768 codes mapped (ranges <0000>..<7FFF>), as producers write identity maps
    let mut body =
        String::from("begincmap 1 begincodespacerange <0000> <FFFF> endcodespacerange\n");
    for block in 0..2u32 {
        body.push_str("64 beginbfrange\n");
        for h in block * 64..block * 64 + 64 {
            body.push_str(&format!("<{h:02X}00> <{h:02X}FF> <{h:02X}00>\n"));
        }
        body.push_str("endbfrange\n");
    }
    body.push_str("endcmap");
    let to_unicode = stream("", &body);
    let pdf = type0_pdf(
        "/Encoding /Identity-H /ToUnicode 8 0 R",
        "0048006900E5",
        &[&to_unicode],
    );
    assert_eq!(extract(&pdf).unwrap().pages, vec!["Hiå"]);

    let big = lopdf::Stream::new(lopdf::Dictionary::new(), body.into_bytes());
    let shown: std::collections::HashSet<u32> = [0x48, 0x69, 0xE5].into();
    let mut cache = None;
    let cut = super::fonts::prune_to_unicode(&big, || shown.clone(), &mut cache).expect("cut");
    let map = adobe_cmap_parser::get_unicode_map(&cut).expect("the cut map reads");
    assert_eq!(map.len(), 3);
    assert_eq!(map[&0xE5], vec![0x00, 0xE5]);
}

#[test]
fn a_to_unicode_map_of_repeated_full_ranges_is_cut_to_the_shown_codes_keeping_its_meaning() {
    // 300 ranges over the whole two-byte space (19.7 million codes for a reader that lists
    // every one), then an array range and a char that override them for the shown codes
    let mut body =
        String::from("begincmap 1 begincodespacerange <0000> <FFFF> endcodespacerange\n");
    for _ in 0..3 {
        body.push_str("100 beginbfrange\n");
        body.push_str(&"<0000> <FFFF> <0041>\n".repeat(100));
        body.push_str("endbfrange\n");
    }
    body.push_str("1 beginbfrange <0048> <0049> [<0048> <0069>] endbfrange\n");
    body.push_str("1 beginbfchar <0069> <00E5> endbfchar\nendcmap");
    let to_unicode = stream("", &body);
    let pdf = type0_pdf(
        "/Encoding /Identity-H /ToUnicode 8 0 R",
        "004900690000",
        &[&to_unicode],
    );
    // <0049> is the array's second string, <0069> the char, <0000> the ranges' first code
    assert_eq!(extract(&pdf).unwrap().pages, vec!["iåA"]);
    let mut shown = None;
    let cut = super::fonts::cut_oversized_to_unicode(
        body.as_bytes(),
        || [0x49, 0x69, 0].into(),
        &mut shown,
    )
    .expect("cut");
    let map = adobe_cmap_parser::get_unicode_map(&cut).expect("the cut map reads");
    assert_eq!(map.len(), 3, "the shown codes only");
}

#[test]
fn a_to_unicode_string_longer_than_the_specification_allows_is_cut() {
    let long = "0041".repeat(100_000);
    let body = format!(
        "begincmap 1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
         2 beginbfchar <0001> <{long}> <0002> <0042> endbfchar endcmap"
    );
    let mut shown = None;
    let cut = super::fonts::cut_oversized_to_unicode(body.as_bytes(), || [1, 2].into(), &mut shown)
        .expect("cut");
    let map = adobe_cmap_parser::get_unicode_map(&cut).expect("the cut map reads");
    assert_eq!(map[&1].len(), 512);
    assert_eq!(map[&2], vec![0x00, 0x42]);
    // a map of ordinary size is kept as written, without reading the shown codes
    let mut untouched = None;
    assert!(super::fonts::cut_oversized_to_unicode(
        b"begincmap 1 beginbfrange <0000> <FFFF> <0000> endbfrange endcmap",
        || unreachable!("not needed"),
        &mut untouched,
    )
    .is_none());
}

#[test]
fn a_small_to_unicode_map_is_left_as_written() {
    let small = lopdf::Stream::new(
        lopdf::Dictionary::new(),
        b"begincmap 1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
          1 beginbfchar <0003> <0020> endbfchar endcmap"
            .to_vec(),
    );
    let mut cache = None;
    let cut = super::fonts::prune_to_unicode(&small, || unreachable!("not needed"), &mut cache);
    assert!(cut.is_none());
    assert!(cache.is_none(), "shown codes are read only for a big map");
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
    assert!(
        parse_encoding_cmap(b"/Foo usecmap 1 begincodespacerange <00> <FF> endcodespacerange")
            .is_none()
    );
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
            let mut font = b"\0\x01\0\0\0\x01\0\0\0\0\0\0cmap\0\0\0\0\0\0\0\x1c\0\0\0\x20".to_vec();
            font.extend_from_slice(&bytes);
            let _ = truetype_glyph_unicodes(&font);
        }
    }
}

#[test]
fn a_truetype_cmap_whose_segments_repeat_every_code_is_read_no_further_than_its_range() {
    // a format 4 subtable of 40 segments, each over every 16-bit code, the
    // k-th with idDelta k: glyph 100 is code 100 - k in segment k, and the
    // lowest code of a glyph is kept
    let segs: u16 = 40;
    let mut sub: Vec<u8> = Vec::new();
    for v in [4u16, 0, 0, 2 * segs, 0, 0, 0] {
        sub.extend(v.to_be_bytes());
    }
    for _ in 0..segs {
        sub.extend(0xFFFEu16.to_be_bytes()); // end
    }
    sub.extend(0u16.to_be_bytes()); // reserved
    for _ in 0..segs {
        sub.extend(0u16.to_be_bytes()); // start
    }
    for k in 0..segs {
        sub.extend(k.to_be_bytes()); // delta: gid = code + k
    }
    for _ in 0..segs {
        sub.extend(0u16.to_be_bytes()); // no range offsets
    }
    let mut cmap = Vec::new();
    for v in [0u16, 1, 3, 1] {
        cmap.extend(v.to_be_bytes());
    }
    cmap.extend(12u32.to_be_bytes());
    cmap.extend(sub);
    let mut font = vec![0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0];
    font.extend(b"cmap");
    font.extend(0u32.to_be_bytes());
    font.extend(28u32.to_be_bytes());
    font.extend((cmap.len() as u32).to_be_bytes());
    font.extend(cmap);
    let map = truetype_glyph_unicodes(&font).expect("a map");
    // the segments read are the first two (twice the 16-bit range), not all 40
    assert_eq!(map.get(&100), Some(&99));
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

#[test]
fn the_creation_date_comes_from_the_info_dictionary_or_xmp() {
    let pdf = make_pdf(&[vec![(72.0, 700.0, 12.0, "Plan")]], None);
    let mut doc = Document::load_mem(&pdf).unwrap();
    assert_eq!(metadata_date(&doc), None);
    let info = doc.add_object(dictionary! {
        "CreationDate" => Object::string_literal("D:20210305120000+01'00'"),
    });
    doc.trailer.set("Info", info);
    assert_eq!(metadata_date(&doc).as_deref(), Some("2021-03-05"));
    // an impossible date is dropped, then XMP is read
    let info = doc.add_object(dictionary! {
        "CreationDate" => Object::string_literal("D:20210230"),
    });
    doc.trailer.set("Info", info);
    assert_eq!(metadata_date(&doc), None);
    let xmp = doc.add_object(Stream::new(
        dictionary! { "Type" => "Metadata", "Subtype" => "XML" },
        b"<x:xmpmeta><rdf:Description xmp:CreateDate=\"2019-11-20T10:00:00Z\"/></x:xmpmeta>"
            .to_vec(),
    ));
    let root = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
    doc.get_object_mut(root)
        .unwrap()
        .as_dict_mut()
        .unwrap()
        .set("Metadata", xmp);
    assert_eq!(metadata_date(&doc).as_deref(), Some("2019-11-20"));
    // and `extract` reports it
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    assert_eq!(extract(&out).unwrap().date.as_deref(), Some("2019-11-20"));
}

#[test]
fn a_panic_of_the_pdf_library_reads_as_something_unexpected_in_the_file() {
    let panic = std::panic::catch_unwind(|| std::panic::panic_any("a value")).unwrap_err();
    let text = panic_text(&panic);
    assert!(text.starts_with("the PDF library met something"), "{text}");
    assert!(text.ends_with("(`a value`)"), "{text}");
}

#[test]
fn pages_of_a_nested_tree_keep_what_they_inherit_and_their_order() {
    // each page is drawn from a one-page tree: its fonts and media box
    // still come from its own parents, two levels up and in two branches
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 3 /MediaBox [0 0 200 200] >>".to_string(),
        "<< /Type /Pages /Parent 2 0 R /Kids [5 0 R] /Count 1 /Resources << /Font << /F1 8 0 R >> >> >>".to_string(),
        "<< /Type /Pages /Parent 2 0 R /Kids [6 0 R 7 0 R] /Count 2 /Resources << /Font << /F1 9 0 R >> >> >>".to_string(),
        "<< /Type /Page /Parent 3 0 R /Contents 10 0 R >>".to_string(),
        "<< /Type /Page /Parent 4 0 R /Contents 11 0 R >>".to_string(),
        "<< /Type /Page /Parent 4 0 R /Contents 12 0 R >>".to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>".to_string(),
        shown("Fjellgard ein"),
        shown("Fjellgard to"),
        shown("Fjellgard tre"),
    ];
    let pdf = numbered_pdf(&objects);
    let text = extract(pdf.as_bytes()).unwrap();
    assert_eq!(
        text.pages,
        ["Fjellgard ein", "Fjellgard to", "Fjellgard tre"]
    );
    assert!(text.warnings.is_empty(), "{:?}", text.warnings);
}

#[test]
fn a_content_stream_whose_length_is_wrong_or_missing_is_read_to_endstream() {
    let data = "BT /F1 12 Tf 20 100 Td (Trollstigen) Tj ET";
    let right = data.len() + 1; // the newline before `endstream` is not counted
    for length in [
        format!("/Length {}", right - 2),
        format!("/Length {}", right + 2),
        "/Length 3".to_string(),
        "/Length 999999999999".to_string(),
        "/Length -5".to_string(),
        "/Length 9 0 R".to_string(), // an object the file lacks
        "/Length 6 0 R".to_string(), // one holding a wrong number
        String::new(),
    ] {
        let pdf = raw_pdf(
            "/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >>",
            &[
                &format!("<< {length} >> stream\n{data}\n\nendstream"),
                "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
                "7",
            ],
        );
        let text = extract(&pdf).unwrap_or_else(|e| panic!("{length}: {e}"));
        assert_eq!(text.pages, ["Trollstigen"], "{length}");
    }
}

#[test]
fn a_stray_bracket_in_a_page_loses_nothing_after_it() {
    // lopdf's content parser stopped at the first of these, and the rest of
    // the page was lost without a warning
    for junk in [")", "]", ">>", ">", "}", ") ] >> }"] {
        let content = format!("BT /F1 12 Tf 20 150 Td {junk} (Trollstigen) Tj ET");
        let pdf = raw_pdf(
            "/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >>",
            &[
                &stream("", &content),
                "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            ],
        );
        let text = extract(&pdf).unwrap_or_else(|e| panic!("{junk}: {e}"));
        assert_eq!(text.pages, ["Trollstigen"], "{junk}");
    }
    // brackets that close what they open are left alone
    let sound = b"/P << /MCID 0 >> BDC [(a) 120 (b)] TJ EMC";
    assert_eq!(repair::blank_unreadable(sound), None);
}

#[test]
fn an_inline_image_holding_ei_or_never_ended_keeps_the_pages_text() {
    let page = |image: &[u8]| {
        let mut content =
            b"BT /F1 12 Tf 20 150 Td (Before) Tj ET\nBI /W 4 /H 4 /BPC 8 /CS /G ID ".to_vec();
        content.extend_from_slice(image);
        let length = content.len();
        let mut pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >> endobj\n".to_vec();
        pdf.extend_from_slice(format!("4 0 obj << /Length {length} >> stream\n").as_bytes());
        pdf.extend_from_slice(&content);
        pdf.extend_from_slice(b"\nendstream endobj\n5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
        extract(&pdf).unwrap().pages
    };
    // binary data that holds ` EI ` by chance: the image ends at the `EI`
    // text follows
    assert_eq!(
        page(b"\x01\x02 EI \xff\xfe\x80\x81\x90\x91\x92\x93\x94\x95\x96\x97\x98\x99\x9a\x9b\xa0 EI BT /F1 12 Tf 20 100 Td (After) Tj ET"),
        ["Before\n\nAfter"]
    );
    // an image the stream ends inside
    assert_eq!(page(b"\x01\x02\x03\x04\xff\xfe"), ["Before"]);
}

#[test]
fn content_encoded_as_hex_or_run_lengths_is_decoded() {
    use std::io::Write;
    let data = b"BT /F1 12 Tf 20 150 Td (Trollstigen) Tj ET";
    let hex: String = data.iter().map(|b| format!("{b:02X}")).collect();
    // hex digits of `bytes` deflated, each pair followed by `gap`
    let flate_hex = |bytes: &[u8], gap: &str| -> String {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(bytes).unwrap();
        let deflated = z.finish().unwrap();
        deflated.iter().map(|b| format!("{b:02x}{gap}")).collect()
    };
    let hex_of_flate = flate_hex(data, " ");
    // run lengths: the text as one literal run (repeats are tested with
    // the decoder: their bytes are not text)
    let mut runs = vec![(data.len() - 1) as u8];
    runs.extend_from_slice(data);
    // run lengths inside Flate inside hex: every stage up to the last one
    // lopdf lacks is decoded here
    let hex_of_flate_of_runs = flate_hex(&runs, "");
    for (filter, body) in [
        ("[/AHx /FlateDecode /RunLengthDecode]", hex_of_flate_of_runs),
        ("/ASCIIHexDecode", format!("{hex}>")),
        ("/AHx", hex[..hex.len() - 1].to_string()), // odd, no end mark
        (
            "[/ASCIIHexDecode /FlateDecode] /DecodeParms [null null]",
            format!("{hex_of_flate}>"),
        ),
        (
            "/RunLengthDecode",
            String::from_utf8_lossy(&runs).into_owned(),
        ),
        ("[]", String::from_utf8_lossy(data).into_owned()),
    ] {
        let pdf = raw_pdf(
            "/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >>",
            &[
                &stream(&format!("/Filter {filter}"), &body),
                "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            ],
        );
        let text = extract(&pdf).unwrap_or_else(|e| panic!("{filter}: {e}"));
        assert_eq!(text.pages, ["Trollstigen"], "{filter}");
    }
}

#[test]
fn a_page_tree_nested_past_lopdfs_depth_says_so() {
    // catalog 1, then 300 nested page-tree nodes (2 …), the page last
    let depth = 300;
    let mut pdf = String::from("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n");
    for n in 2..depth + 2 {
        pdf.push_str(&format!(
            "{n} 0 obj << /Type /Pages /Kids [{} 0 R] /Count 1 >> endobj\n",
            n + 1
        ));
    }
    let page = depth + 2;
    pdf.push_str(&format!(
        "{page} 0 obj << /Type /Page /MediaBox [0 0 200 200] /Contents {} 0 R /Resources << /Font << /F1 {} 0 R >> >> >> endobj\n",
        page + 1,
        page + 2
    ));
    pdf.push_str(&format!(
        "{} 0 obj {} endobj\n",
        page + 1,
        stream("", "BT /F1 12 Tf 20 100 Td (Deep) Tj ET")
    ));
    pdf.push_str(&format!(
        "{} 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
        page + 2
    ));
    let error = extract(pdf.as_bytes()).unwrap_err().to_string();
    assert!(error.contains("nests deeper than 256 levels"), "{error}");
}

#[test]
fn a_page_whose_media_box_is_written_with_an_exponent_is_read() {
    // `7.92e2` is no PDF number: lopdf could not parse the page object, and
    // the page went missing from the document without a word
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 /Resources << /Font << /F1 7 0 R >> >> >>"
            .to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 6.12e2 7.92E+2] /Contents 6 0 R >>"
            .to_string(),
        shown("Sound page"),
        shown("Exponent page"),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let pdf = numbered_pdf(&objects);
    let text = extract(pdf.as_bytes()).unwrap();
    assert_eq!(text.pages, ["Sound page", "Exponent page"]);
}

#[test]
fn a_font_resource_that_is_no_font_reads_with_a_substitute() {
    // `/F1` points at the catalog, `/F2` at an object the file lacks: the
    // page was lost to a panic on the first glyph; each now reads in
    // Helvetica, as pdftotext substitutes a font
    let pdf = raw_pdf(
        "/Contents 4 0 R /Resources << /Font << /F1 1 0 R /F2 9 0 R >> >>",
        &[&stream(
            "",
            "BT /F1 12 Tf 20 150 Td (Trollstigen) Tj /F2 12 Tf 0 -20 Td (Hardangervidda) Tj ET",
        )],
    );
    let text = extract(&pdf).unwrap();
    assert_eq!(text.pages, ["Trollstigen\nHardangervidda"]);
    assert!(text.warnings.is_empty(), "{:?}", text.warnings);
}
