//! Ingest: formats, languages, bad input, incremental re-runs.

use kartotek::document::Format;
use kartotek::index::Index;
use kartotek::ingest::Options;
use kartotek::lang::Language;

use crate::common::{
    fixture, hits, ingest_fresh, names, options, search, searcher, shared, Scratch,
};

fn doc_for(name: &str) -> kartotek::Document {
    let s = shared();
    let (id, _) = s
        .index
        .sources()
        .unwrap()
        .into_iter()
        .find(|(_, src)| src.ends_with(name))
        .unwrap_or_else(|| panic!("{name} not indexed"));
    s.index.get_document(&id).unwrap().unwrap()
}

/// A document's passages' text, run together.
fn text_of(d: &kartotek::Document) -> String {
    d.passages.iter().map(|p| p.text.as_str()).collect()
}

/// The file of the first hit for `q` on the shared index.
fn first_hit(q: &str) -> Option<String> {
    names(&search(q)).into_iter().next()
}

#[test]
fn every_fixture_in_the_shared_batch_is_indexed() {
    let s = &shared().fixtures_summary;
    assert!(s.failed.is_empty(), "{:?}", s.failed);
    assert_eq!(s.indexed, 20);
}

#[test]
fn a_presentation_has_a_page_per_slide_and_its_title_slides_title() {
    let d = doc_for("lagesrapport-aurora.pptx");
    assert_eq!(d.format, Format::Pptx);
    assert_eq!(d.title, "Interreg Aurora: lägesrapport");
    assert_eq!(d.pages, 2);
    assert_eq!(d.lang, Language::Sv);
    let slide2: String = d
        .passages
        .iter()
        .filter(|p| p.page == Some(2))
        .map(|p| p.text.as_str())
        .collect();
    assert!(
        slide2.contains("Renskötsel och klimatanpassning"),
        "{slide2}"
    );
    // the speaker's notes are not the slides' text
    assert!(!d.passages.iter().any(|p| p.text.contains("Talarens")));
    let d = doc_for("graenseregion.odp");
    assert_eq!((d.format, d.pages, d.lang), (Format::Odp, 2, Language::Da));
    assert!(!d
        .passages
        .iter()
        .any(|p| p.text.contains("Noter til taleren")));
}

#[test]
fn word_and_opendocument_files_are_read_titled_and_found() {
    let d = doc_for("handlingsplan-fosen.docx");
    assert_eq!(d.format, Format::Docx);
    // the paragraph styled as the title, not the file's `Microsoft Word - …` property
    assert_eq!(
        d.title,
        "Handlingsplan for grønn omstilling i Fosen 2026–2029"
    );
    assert_eq!(d.lang, Language::Nb);
    let text = text_of(&d);
    assert!(
        text.contains("Kartlegge ladeinfrastruktur for elferjer"),
        "{text}"
    );
    let d = doc_for("strategi-kystkultur.odt");
    assert_eq!(d.format, Format::Odt);
    assert_eq!(d.title, "Strategi for kystkultur i Trøndelag");
    assert_eq!(d.lang, Language::Nn);
    for (q, file) in [
        ("elferjer", "handlingsplan-fosen.docx"),
        ("båtbyggjarane", "strategi-kystkultur.odt"),
        // the footnote, lifted out of its sentence, is found too
        ("kulturminneplanen Hitra", "strategi-kystkultur.odt"),
        ("räddningstjänst Tornedalen", "lagesrapport-aurora.pptx"),
        ("Padborg", "graenseregion.odp"),
    ] {
        assert_eq!(first_hit(q).as_deref(), Some(file), "{q}");
    }
}

#[test]
fn a_word_file_libreoffice_wrote_is_read_as_its_text_without_headers_or_deletions() {
    let d = doc_for("lofoten-libreoffice.docx");
    assert_eq!(d.format, Format::Docx);
    // the heading, not the file-name title property (`lofoten_v2.docx`)
    assert_eq!(d.title, "Tiltaksplan for fiskeværene i Lofoten");
    assert_eq!(d.lang, Language::Nb);
    let text: String = d
        .passages
        .iter()
        .map(|p| p.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    // the text box's words apart from the paragraph it sits in
    assert!(
        text.contains("Avsnittet om naust fortsetter her."),
        "{text}"
    );
    assert!(!text.contains("naust Faktaboks"), "{text}");
    assert!(text.contains("Tørrfiskhjell"), "{text}");
    found_by("lofoten-libreoffice.docx", LOFOTEN_PARTS);
}

/// What the Lofoten fixtures' parts are found by, in every format they are
/// saved in: their notes and text box, not their deletion or header.
const LOFOTEN_PARTS: &[(&str, bool)] = &[
    ("Henningsvær havnedrift", true), // a footnote
    ("kystleden", true),              // an endnote
    ("kaianlegg", true),              // the text box
    ("strykningsord", false),         // deleted by a tracked change
    ("Toppteksten Vestvågøy", false), // the running header
];

/// Whether each query finds `file` among its hits, as `cases` says.
fn found_by(file: &str, cases: &[(&str, bool)]) {
    for &(q, found) in cases {
        let names = names(&search(q));
        assert_eq!(names.iter().any(|n| n == file), found, "{q}: {names:?}");
    }
}

#[test]
fn an_rtf_file_is_read_as_its_text_not_its_markup() {
    let d = doc_for("lofoten-libreoffice.rtf");
    assert_eq!(d.format, Format::Rtf);
    // the first line: the `\title` property is a file name
    assert_eq!(d.title, "Tiltaksplan for fiskeværene i Lofoten");
    assert_eq!(d.lang, Language::Nb);
    let text = text_of(&d);
    for word in ["Tørrfiskhjell", "Henningsvær", "kaianlegg", "sjøhus"] {
        assert!(text.contains(word), "{word}: {text}");
    }
    for markup in [
        "\\par",
        "fonttbl",
        "strykningsord",
        "Toppteksten",
        "HYPERLINK",
    ] {
        assert!(!text.contains(markup), "{markup}: {text}");
    }
}

#[test]
fn a_workbook_is_read_sheet_by_sheet_and_found_by_its_cells() {
    let d = doc_for("prosjektliste-aurora.xlsx");
    assert_eq!((d.format, d.pages), (Format::Xlsx, 1));
    let text = text_of(&d);
    assert!(text.contains("Kystlogistikk Saltdal"), "{text}");
    assert_eq!(
        first_hit("Haparanda Saltdal").as_deref(),
        Some("prosjektliste-aurora.xlsx")
    );
}

#[test]
fn a_word_97_file_is_read_as_its_text_notes_and_text_boxes_without_headers_or_deletions() {
    let d = doc_for("lofoten-libreoffice.doc");
    assert_eq!(d.format, Format::Doc);
    assert_eq!(d.title, "Tiltaksplan for fiskeværene i Lofoten");
    assert_eq!(d.lang, Language::Nb);
    let text = text_of(&d);
    // a table's row on a line, its cells apart
    assert!(text.contains("Tørrfiskhjell\tKommunen"), "{text}");
    assert!(!text.contains("HYPERLINK"), "{text}");
    found_by("lofoten-libreoffice.doc", LOFOTEN_PARTS);
}

#[test]
fn an_excel_97_workbook_is_read_with_its_dates_as_dates() {
    let d = doc_for("tilskudd-nordland-2003.xls");
    assert_eq!((d.format, d.pages), (Format::Xls, 1));
    let text = text_of(&d);
    assert!(
        text.contains("Rødøy kommune\tBredbånd til øyene\t2003-09-30\t875000\t0.5"),
        "{text}"
    );
    assert_eq!(
        first_hit("Træna festivalscene").as_deref(),
        Some("tilskudd-nordland-2003.xls")
    );
}

#[test]
fn pdf_gets_its_title_from_metadata_and_text_per_page() {
    let d = doc_for("long-report.pdf");
    assert_eq!(d.format, Format::Pdf);
    assert_eq!(d.title, "Kystsoneplan for regionen – sluttrapport");
    assert_eq!(d.pages, 7);
    let page5: String = d
        .passages
        .iter()
        .filter(|p| p.page == Some(5))
        .map(|p| p.text.as_str())
        .collect();
    assert!(page5.contains("Snøhvitfjorden"));
    assert!(
        !d.passages.iter().any(|p| p.text.contains("Side 3 av 7")),
        "running footer not dropped"
    );
}

#[test]
fn html_saved_as_txt_is_read_as_html_without_its_chrome() {
    let d = doc_for("page.txt");
    assert_eq!(d.format, Format::Html);
    assert!(
        d.title
            .starts_with("Kulturmidlar til lag og organisasjonar"),
        "{}",
        d.title
    );
    assert_eq!(d.lang, Language::Nn);
    let text = text_of(&d);
    assert!(!text.contains("function("), "script leaked: {text}");
}

#[test]
fn built_in_web_page_drops_cookie_banner_and_footer() {
    let d = doc_for("mid-norway-european-office-networks.html");
    assert_eq!(d.format, Format::Html);
    assert_eq!(d.lang, Language::En);
    let text = text_of(&d);
    assert!(text.contains("European Regions Research and Innovation Network"));
    assert!(
        !text.to_lowercase().contains("cookie"),
        "cookie banner leaked"
    );
}

#[test]
fn pdf_named_file_that_is_text_is_read_as_text() {
    assert_eq!(doc_for("fake.pdf").format, Format::Text);
}

#[test]
fn latin1_text_is_decoded_as_windows_1252() {
    let d = doc_for("latin1.txt");
    let text = text_of(&d);
    assert!(text.contains("bærekraftig"), "{text}");
    assert!(!text.contains('\u{fffd}'));
}

#[test]
fn bokmaal_nynorsk_danish_swedish_and_finnish_fixtures_get_the_right_language() {
    for (file, lang) in [
        ("bokmal.txt", Language::Nb),
        ("nynorsk.txt", Language::Nn),
        ("danish.txt", Language::Da),
        ("swedish.txt", Language::Sv),
        ("finnish.txt", Language::Fi),
    ] {
        assert_eq!(doc_for(file).lang, lang, "{file}");
    }
}

#[test]
fn mixed_document_has_majority_language_and_its_summary_passage_is_english() {
    let d = doc_for("mixed-nb-en.txt");
    assert_eq!(d.lang, Language::Nb);
    // The fixture is short enough to be one passage; the detector still
    // labels per passage, so split it the way a long plan would be.
    let text: String = d
        .passages
        .iter()
        .map(|p| p.text.as_str())
        .collect::<Vec<_>>()
        .join("\n\n");
    let (summary_start, _) = text
        .match_indices("English summary")
        .next()
        .expect("summary heading");
    let (doc, passages) =
        kartotek::lang::detect_document(&[&text[..summary_start], &text[summary_start..]]);
    assert_eq!(doc.lang, Language::Nb);
    assert_eq!(passages[1].lang, Language::En);
}

#[test]
fn broken_pdf_and_junk_are_reported_while_the_rest_is_indexed() {
    let (_dir, index, s) = ingest_fresh(
        &[
            fixture("broken.pdf").display().to_string(),
            fixture("junk.bin").display().to_string(),
            fixture("empty.txt").display().to_string(),
            fixture("lang/bokmal.txt").display().to_string(),
            "/no/such/file.pdf".to_string(),
        ],
        &options(),
    );
    assert_eq!(s.indexed, 1, "{:?}", s.failed);
    assert_eq!(s.failed.len(), 4);
    let reason = |name: &str| {
        s.failed
            .iter()
            .find(|f| f.source.ends_with(name))
            .map(|f| f.reason.clone())
            .unwrap()
    };
    assert!(
        reason("broken.pdf").contains("damaged"),
        "{}",
        reason("broken.pdf")
    );
    assert!(
        reason("junk.bin").contains("unsupported"),
        "{}",
        reason("junk.bin")
    );
    assert!(reason("empty.txt").contains("empty"));
    assert!(reason("file.pdf").contains("no such file"));
    assert_eq!(index.num_documents(), 1);
}

#[test]
fn encrypted_pdf_with_empty_password_is_read_and_with_a_password_is_reported() {
    let (_dir, _index, s) = ingest_fresh(
        &[
            fixture("encrypted-empty-password.pdf")
                .display()
                .to_string(),
            fixture("encrypted-with-password.pdf").display().to_string(),
        ],
        &options(),
    );
    assert_eq!(s.indexed, 1, "{:?}", s.failed);
    assert_eq!(s.failed.len(), 1);
    assert!(
        s.failed[0].reason.contains("encrypted with a password"),
        "{}",
        s.failed[0].reason
    );
}

#[test]
fn reingesting_unchanged_files_changes_nothing_and_a_changed_file_is_replaced() {
    let s = Scratch::new(&[
        ("a.txt", "Interreg Aurora finansierer samarbeid i nord."),
        ("b.txt", "Nordplus støtter utveksling."),
    ]);
    let first = s.ingest();
    assert_eq!((first.indexed, first.unchanged), (2, 0));
    let passages = s.index.num_passages();
    let second = s.ingest();
    assert_eq!((second.indexed, second.unchanged), (0, 2));
    assert_eq!(s.index.num_passages(), passages);
    s.write("a.txt", "Interreg Nord finansierer samarbeid.");
    let third = s.ingest();
    assert_eq!((third.indexed, third.unchanged), (1, 1));
    assert_eq!(s.index.num_documents(), 2);
}

#[test]
fn prune_removes_documents_whose_file_is_gone() {
    let s = Scratch::new(&[
        ("a.txt", "Første dokument om Horisont Europa."),
        ("b.txt", "Andre dokument om Erasmus+."),
    ]);
    s.ingest();
    std::fs::remove_file(s.docs.join("b.txt")).unwrap();
    let mut opts = options();
    opts.prune = true;
    let summary = s.ingest_with(&opts);
    assert_eq!(summary.removed, 1);
    assert_eq!(s.index.num_documents(), 1);
}

#[test]
fn an_ingest_killed_mid_run_leaves_an_index_that_opens_with_what_was_committed() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    for i in 0..400 {
        std::fs::write(
            docs.join(format!("{i:03}.txt")),
            format!("Dokument nummer {i} om regional utvikling i Trøndelag."),
        )
        .unwrap();
    }
    let index_dir = dir.path().join("index");
    let mut child = Command::new(env!("CARGO_BIN_EXE_kartotek"))
        .args([
            "--index",
            &index_dir.display().to_string(),
            "ingest",
            "--commit-every",
            "0",
        ])
        .arg(&docs)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut seen = 0;
    for line in BufReader::new(stderr).lines() {
        if line.unwrap().contains("indexed ") {
            seen += 1;
            if seen == 50 {
                break;
            }
        }
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    assert_eq!(seen, 50, "the run ended before it could be killed");
    let index = Index::open_or_create(&index_dir).unwrap();
    // every document reported before the kill had its commit started; all
    // but the one in flight must be there
    let n = index.num_documents();
    assert!(n >= 49, "only {n} documents survived");
    drop(index);
    // and the next run completes the batch
    let s = Command::new(env!("CARGO_BIN_EXE_kartotek"))
        .args(["--index", &index_dir.display().to_string(), "ingest", "-q"])
        .arg(&docs)
        .output()
        .unwrap();
    assert_eq!(
        s.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&s.stderr)
    );
    assert_eq!(
        Index::open_or_create(&index_dir).unwrap().num_documents(),
        400
    );
}

/// Serve `body` once per connection on 127.0.0.1 (a minimal HTTP/1.1 reply).
fn serve_once(body: &'static [u8], content_type: &'static str) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(4) {
            let Ok(mut s) = stream else { continue };
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = s.write_all(head.as_bytes());
            let _ = s.write_all(body);
        }
    });
    format!("http://{addr}/side/strategi")
}

#[test]
fn a_url_argument_is_fetched_and_read_as_its_content_type() {
    let page: &'static [u8] = b"<!doctype html><html lang=\"nn\"><head><meta charset=\"windows-1252\"><title>Strategi for Vestland</title></head><body><nav>Meny Heim Kontakt</nav><main><h1>Strategi for Vestland</h1><p>Fylkeskommunen skal vere ein aktiv partnar i Interreg Nordsj\xf8programmet, og vi vil s\xe6rleg satse p\xe5 berekraftig verdiskaping i heile fylket.</p></main><footer>Personvern</footer></body></html>";
    let url = serve_once(page, "text/html; charset=windows-1252");
    // the test site is on loopback, which `ingest URL` refuses by default
    let opts = Options {
        allow_private: true,
        ..options()
    };
    let (_dir, index, s) = ingest_fresh(&[url.clone(), "file:///etc/passwd".into()], &opts);
    assert_eq!(s.indexed, 1, "{:?}", s.failed);
    assert_eq!(s.failed.len(), 1);
    assert!(
        s.failed[0].reason.contains("only http and https"),
        "{}",
        s.failed[0].reason
    );
    let (id, src) = index.sources().unwrap().remove(0);
    assert_eq!(src, url);
    let d = index.get_document(&id).unwrap().unwrap();
    assert_eq!(d.title, "Strategi for Vestland");
    assert_eq!(d.format, Format::Html);
    let text = text_of(&d);
    assert!(
        text.contains("Nordsjøprogrammet") && text.contains("særleg"),
        "{text}"
    );
    assert!(!text.contains("Personvern"));
    assert!(
        d.facets.iter().any(|f| f.path == "/interreg/north-sea"),
        "{:?}",
        d.facets
    );
}

#[test]
fn an_index_written_by_an_older_kartotek_is_refused_with_a_rebuild_hint() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("index");
    // an index with Kartotek's schema whose commit lacks the layout marker,
    // as every index written before passages were grouped per document
    let index = kartotek::index::Index::open_or_create(&path).expect("create");
    let mut w: tantivy::IndexWriter = index
        .tantivy()
        .writer_with_num_threads(1, 15_000_000)
        .expect("writer");
    let id = index.fields().id;
    w.add_document(tantivy::doc!(id => "old")).expect("add");
    w.commit().expect("commit");
    drop(w);
    drop(index);
    let err = match kartotek::index::Index::open_or_create(&path) {
        Ok(_) => panic!("an index without the layout marker opened"),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("another version of Kartotek"), "{err}");
    assert!(err.contains("run `kartotek ingest` again"), "{err}");
}

#[test]
fn japanese_pdf_whose_font_has_no_unicode_map_is_read_through_adobes_cid_table() {
    // jo.pdf: Ryumin-Light, Identity-V, Adobe-Japan1, not embedded, no /ToUnicode.
    let bytes = std::fs::read(fixture("japanese-cid-font.pdf")).unwrap();
    let text = kartotek::ingest::pdf::extract(&bytes).unwrap();
    let page = &text.pages[0];
    assert!(page.contains("わたくしといふ現象は"), "{page}");
    assert!(page.contains("ひとつの青い照明です"), "{page}");
}

/// Ghostscript (`ps2pdf`, CUPS print-to-PDF, "optimise PDF" tools) shows
/// whole documents with the `'` operator, which pdf-extract 0.12 ignores:
/// such files were indexed with only their first line (issue 14). The
/// fixtures are made by `scripts/make-ghostscript-fixtures.sh`.
#[test]
fn ghostscript_pdfs_are_read_to_their_last_line() {
    let (_dir, index, s) = ingest_fresh(
        &[
            fixture("ghostscript/enscript-ps2pdf.pdf")
                .display()
                .to_string(),
            fixture("ghostscript/groff-ps2pdf.pdf")
                .display()
                .to_string(),
        ],
        &options(),
    );
    assert_eq!(s.indexed, 2, "{:?}", s.failed);
    // The last line of each text, and words with æ, ø, å.
    for word in [
        "Kvernhusbekken",
        "Bjørnsundøyra",
        "næringslivet",
        "søknader",
        "reindriften",
    ] {
        assert_eq!(
            hits(&index, word),
            1,
            "`{word}` is not found in the Ghostscript PDFs"
        );
    }
}

/// Ghostscript re-distilling another producer's PDF damages the ToUnicode
/// targets of the ligatures fi and fl: from LibreOffice it writes them
/// little-endian (every reader shows `昀氀ytter`), from Chromium it collapses
/// them into Latin-1 letters (`üytter`). Both are read as written.
#[test]
fn ligatures_damaged_by_a_ghostscript_rewrite_are_read_as_written() {
    for name in ["libreoffice-gs.pdf", "chromium-gs.pdf"] {
        let path = fixture(&format!("ghostscript/{name}"));
        let x = kartotek::ingest::extract_file(&path, &options()).expect("read");
        let text = x.pages.join(" ");
        for word in [
            "finansiere",
            "flere",
            "fiskebåter",
            "flytter",
            "finnes",
            "flytebrygger",
        ] {
            assert!(text.contains(word), "`{word}` not in {name}:\n{text}");
        }
        assert!(
            !text.contains(['\u{6600}', '\u{fb}', '\u{fc}']),
            "{name}: {text}"
        );
    }
}

/// The test options with OCR off (`--ocr off`).
fn ocr_off() -> Options {
    Options {
        ocr: kartotek::ingest::ocr::Options {
            mode: kartotek::ingest::ocr::Mode::Off,
            ..Default::default()
        },
        ..options()
    }
}

/// Ingest `file` with OCR: one document, found by `word`; then with OCR
/// off: the reason it is refused.
fn found_by_ocr_else_refused(file: &std::path::Path, word: &str) -> String {
    let (_index_dir, index, s) = ingest_fresh(&[file.display().to_string()], &options());
    assert_eq!(s.indexed, 1, "{:?}", s.failed);
    assert_eq!(
        hits(&index, word),
        1,
        "{} not found by `{word}`",
        file.display()
    );
    let (_other, _index, s) = ingest_fresh(&[file.display().to_string()], &ocr_off());
    assert_eq!(s.failed.len(), 1, "{:?}", s.failed);
    s.failed[0].reason.clone()
}

/// A scan made here: a text PDF rendered to a greyscale JPEG by `pdftoppm`
/// and wrapped as the only content of a one-page image-only PDF.
fn scan_of(pdf: &std::path::Path, page: u32, dpi: u32) -> Vec<u8> {
    scan_sized(pdf, page, dpi, (612, 792))
}

/// [`scan_of`] on a page of `size` points.
fn scan_sized(pdf: &std::path::Path, page: u32, dpi: u32, size: (u32, u32)) -> Vec<u8> {
    let cm = format!("{} 0 0 {} 0 0", size.0, size.1);
    scan_drawn(pdf, page, dpi, size, &cm)
}

/// [`scan_of`] on a page of `size` points, the image drawn by the matrix
/// `cm` (a scan lying on its side, say).
fn scan_drawn(pdf: &std::path::Path, page: u32, dpi: u32, size: (u32, u32), cm: &str) -> Vec<u8> {
    let out = std::process::Command::new("pdftoppm")
        .args(["-f", &page.to_string(), "-l", &page.to_string()])
        .args(["-r", &dpi.to_string(), "-gray", "-jpeg"])
        .arg(pdf)
        .output()
        .expect("pdftoppm (Debian poppler-utils) is needed for the OCR tests");
    assert!(out.status.success(), "pdftoppm failed");
    let jpeg = out.stdout;
    // Width and height from the JPEG's start-of-frame marker.
    let mut at = 2;
    let (w, h, colour) = loop {
        assert!(at + 9 < jpeg.len(), "no start-of-frame marker");
        let (marker, len) = (
            jpeg[at + 1],
            u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]) as usize,
        );
        if (0xC0..=0xC2).contains(&marker) {
            let h = u16::from_be_bytes([jpeg[at + 5], jpeg[at + 6]]);
            let w = u16::from_be_bytes([jpeg[at + 7], jpeg[at + 8]]);
            let colour = if jpeg[at + 9] == 1 {
                "DeviceGray"
            } else {
                "DeviceRGB"
            };
            break (w, h, colour);
        }
        at += 2 + len;
    };
    let content = format!("q {cm} cm /Im0 Do Q");
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {} {}] /Contents 4 0 R /Resources << /XObject << /Im0 5 0 R >> >> >>", size.0, size.1).into_bytes(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()).into_bytes(),
    ];
    let mut image = format!(
        "<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /{colour} /BitsPerComponent 8 /Filter /DCTDecode /Length {} >>\nstream\n",
        jpeg.len()
    )
    .into_bytes();
    image.extend_from_slice(&jpeg);
    image.extend_from_slice(b"\nendstream");
    objects.push(image);
    crate::common::pdf_from_objects(&objects)
}

#[test]
fn a_scanned_pdf_is_read_by_ocr_and_found_by_its_words() {
    let dir = tempfile::tempdir().unwrap();
    let scan = dir.path().join("skannet-side-5.pdf");
    std::fs::write(&scan, scan_of(&fixture("long-report.pdf"), 5, 200)).unwrap();
    let (_index_dir, index, s) = ingest_fresh(&[scan.display().to_string()], &options());
    assert_eq!(s.indexed, 1, "{:?}", s.failed);
    // The made-up place name occurs once, on page 5 of the original.
    assert_eq!(
        hits(&index, "Snøhvitfjorden"),
        1,
        "the OCR'd scan is not found by its words"
    );
    let (id, _) = index.sources().unwrap().remove(0);
    let d = index.get_document(&id).unwrap().unwrap();
    assert!(
        d.ocr_damaged,
        "OCR'd text must get the OCR-tolerant matching"
    );
    // With OCR off, a scan is refused with a hint, as before.
    let off = ocr_off();
    let (_other, _index, s) = ingest_fresh(&[scan.display().to_string()], &off);
    assert_eq!(s.failed.len(), 1);
    assert!(
        s.failed[0].reason.contains("no text layer"),
        "{}",
        s.failed[0].reason
    );
}

/// A page scanned on its side reads as noise the right way up; Tesseract's
/// orientation detection reads it turned.
#[test]
fn a_page_scanned_on_its_side_is_read_turned() {
    let dir = tempfile::tempdir().unwrap();
    let scan = dir.path().join("paa-tvers.pdf");
    // the portrait page's image on a landscape page, turned a quarter
    let turned = scan_drawn(
        &fixture("long-report.pdf"),
        5,
        200,
        (792, 612),
        "0 612 -792 0 792 0",
    );
    std::fs::write(&scan, turned).unwrap();
    let (_index_dir, index, s) = ingest_fresh(&[scan.display().to_string()], &options());
    assert_eq!(s.indexed, 1, "{:?}", s.failed);
    assert_eq!(hits(&index, "Snøhvitfjorden"), 1);
}

/// A PDF whose letters are drawn as shapes (outlined for print) has no
/// text and no images: OCR reads what its page shows. With OCR off it is
/// refused saying so, not called damaged.
#[test]
fn a_pdf_whose_letters_are_drawn_as_shapes_is_read_by_ocr() {
    let reason = found_by_ocr_else_refused(&fixture("outlined-text.pdf"), "Konturvika");
    assert!(
        reason.contains("draws no text")
            && reason.contains("--ocr auto")
            && !reason.contains("damaged"),
        "{reason}"
    );
}

/// A PDF whose font maps its glyphs to no characters (a TrueType subset
/// without its `/ToUnicode` map) gives no text to any reader; OCR reads
/// what the page shows.
#[test]
fn a_pdf_whose_font_names_no_characters_is_read_by_ocr() {
    let reason = found_by_ocr_else_refused(&fixture("unmapped-font.pdf"), "Unikodefjorden");
    assert!(reason.contains("fonts that name no characters"), "{reason}");
}

/// A page of a text PDF drawn in a font that names no characters is read as
/// far as it can be and reported as partly extracted; OCR reads it, and its
/// warning goes. Page 1, whose text was read, keeps its text.
#[test]
fn a_page_the_reader_cannot_follow_is_read_by_ocr_and_its_warning_goes() {
    let pdf = fixture("partly-unmapped.pdf");
    let off = kartotek::ingest::extract_file(&pdf, &ocr_off()).unwrap();
    assert!(
        off.warnings
            .iter()
            .any(|w| w.starts_with("partly extracted: page 2 gave")),
        "{:?}",
        off.warnings
    );
    assert!(!off.pages[1].contains("Unikodefjorden"));
    let x = kartotek::ingest::extract_file(&pdf, &options()).unwrap();
    assert_eq!(x.ocr_pages, vec![2]);
    assert_eq!(
        x.pages[0], off.pages[0],
        "the page read from its text is kept"
    );
    assert!(x.pages[1].contains("Unikodefjorden"), "{}", x.pages[1]);
    assert!(x.warnings.is_empty(), "{:?}", x.warnings);
}

/// Where OCR cannot run (no Tesseract on the `PATH`), a PDF with text of
/// its own keeps that text, with a warning naming the page OCR would have
/// read: a file is not lost for want of a tool it only partly needs.
#[test]
fn a_text_pdf_keeps_its_text_when_ocr_cannot_run() {
    let no_tools = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kartotek"))
        .env("PATH", no_tools.path())
        .args(["extract", "--json"])
        .arg(fixture("partly-unmapped.pdf"))
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(json["error"].is_null(), "{json}");
    assert!(json["pages"][0].as_str().unwrap().contains("Konturvika"));
    let warnings = json["warnings"].to_string();
    assert!(
        warnings.contains("page(s) 2 could not be read by OCR")
            && warnings.contains("OCR needs `tesseract`, which is not installed")
            && !warnings.contains("unsupported format"),
        "{warnings}"
    );
}

/// A two-page TIFF (a fax or an archive scanner's file) is a document of
/// two pages, each read by OCR, and a word of its second page is found on
/// that page.
#[test]
fn a_scanned_tiff_is_read_page_by_page_and_found_by_its_words() {
    let tiff = fixture("scans/long-report-pages-4-5.tif");
    let (_index_dir, index, s) = ingest_fresh(&[tiff.display().to_string()], &options());
    assert_eq!(s.indexed, 1, "{:?}", s.failed);
    let (id, _) = index.sources().unwrap().remove(0);
    let d = index.get_document(&id).unwrap().unwrap();
    assert_eq!(d.format, Format::Tiff);
    assert_eq!(d.pages, 2);
    // titled by its first heading, not by its file name
    assert!(
        d.title.starts_with("Kystsoneplan") && d.title.contains("sluttrapport"),
        "{}",
        d.title
    );
    assert!(
        d.ocr_damaged,
        "OCR'd text must get the OCR-tolerant matching"
    );
    let on = |page: u32| -> String {
        d.passages
            .iter()
            .filter(|p| p.page == Some(page))
            .map(|p| p.text.as_str())
            .collect()
    };
    assert!(on(1).contains("Kunnskapsgrunnlag"), "{}", on(1));
    assert!(on(2).contains("Snøhvitfjorden"), "{}", on(2));
    assert!(!on(1).contains("Snøhvitfjorden"));
    let r = searcher(&index)
        .search(&kartotek::search::Request::new("Snøhvitfjorden"))
        .unwrap();
    assert_eq!(r.total, 1);
    assert_eq!(r.hits[0].page, Some(2));
}

/// A JPEG (a phone's or a scanner's picture of a page) is read by OCR; with
/// OCR off it is refused with the reason and how to read it.
#[test]
fn a_scanned_jpeg_is_read_by_ocr_and_refused_with_a_hint_when_ocr_is_off() {
    let out = std::process::Command::new("pdftoppm")
        .args(["-f", "5", "-l", "5", "-r", "150", "-gray", "-jpeg"])
        .arg(fixture("long-report.pdf"))
        .output()
        .expect("pdftoppm (Debian poppler-utils) is needed for the OCR tests");
    assert!(out.status.success(), "pdftoppm failed");
    let dir = tempfile::tempdir().unwrap();
    let jpeg = dir.path().join("side-5.jpg");
    std::fs::write(&jpeg, &out.stdout).unwrap();
    let reason = found_by_ocr_else_refused(&jpeg, "Snøhvitfjorden");
    assert!(
        reason.contains("scanned image (jpeg)") && reason.contains("--ocr auto"),
        "{reason}"
    );
}

/// An image that cannot be a scanned page is refused from its header,
/// before Tesseract starts: an icon, and a 50-byte PNG declaring ten
/// billion pixels.
#[test]
fn icons_and_pixel_bombs_are_refused_from_their_headers() {
    let png = |w: u32, h: u32| {
        let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        b.extend(w.to_be_bytes());
        b.extend(h.to_be_bytes());
        b.extend(b"\x08\x00\x00\x00\x00\0\0\0\0IEND\xaeB`\x82");
        b
    };
    let dir = tempfile::tempdir().unwrap();
    let icon = dir.path().join("ikon.png");
    let bomb = dir.path().join("bombe.png");
    std::fs::write(&icon, png(64, 64)).unwrap();
    std::fs::write(&bomb, png(100_000, 100_000)).unwrap();
    let (_index_dir, _index, s) = ingest_fresh(
        &[icon.display().to_string(), bomb.display().to_string()],
        &options(),
    );
    assert_eq!(s.failed.len(), 2, "{:?}", s.failed);
    let reason = |name: &str| {
        let f = s.failed.iter().find(|f| f.source.ends_with(name)).unwrap();
        f.reason.clone()
    };
    assert!(
        reason("ikon.png").contains("64 × 64 pixels, too small to be a scanned page"),
        "{}",
        reason("ikon.png")
    );
    assert!(
        reason("bombe.png").contains("100000 × 100000 pixels, more than the 150 million"),
        "{}",
        reason("bombe.png")
    );
}

/// A one-page text PDF in Helvetica (WinAnsi, so ä and ö are single bytes),
/// one line per entry of `lines`.
fn helvetica_pdf(lines: &[&str]) -> Vec<u8> {
    let mut content = b"BT /F1 13 Tf 16 TL 60 740 Td".to_vec();
    for line in lines {
        content.extend_from_slice(b" (");
        content.extend(line.chars().map(|c| u8::try_from(c as u32).unwrap_or(b'?')));
        content.extend_from_slice(b") Tj T*");
    }
    content.extend_from_slice(b" ET");
    let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
    stream.extend_from_slice(&content);
    stream.extend_from_slice(b"\nendstream");
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_vec(),
        stream,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec(),
    ];
    crate::common::pdf_from_objects(&objects)
}

/// A Finnish scan is read with Tesseract's Finnish data, chosen from the
/// language of its first page: the Scandinavian first pass alone reads about
/// three in four Finnish words and loses most words with ä and ö.
#[test]
fn a_finnish_scan_is_read_in_finnish() {
    let dir = tempfile::tempdir().unwrap();
    let text_pdf = dir.path().join("maakuntaohjelma.pdf");
    std::fs::write(
        &text_pdf,
        helvetica_pdf(&[
            "Maakuntaohjelma vuosille 2022-2025",
            "",
            "Maakunnan tavoitteena on vahvistaa elinvoimaa, osaamista ja",
            "saavutettavuutta. Yritysten kilpailukyky\u{e4} parannetaan tukemalla",
            "tutkimusta, kehitt\u{e4}mist\u{e4} ja innovaatiotoimintaa. Erityist\u{e4}",
            "huomiota kiinnitet\u{e4}\u{e4}n harvaan asuttuihin alueisiin, joissa",
            "v\u{e4}est\u{f6} ik\u{e4}\u{e4}ntyy ja palvelujen j\u{e4}rjest\u{e4}minen on vaikeaa.",
            "Kuntien v\u{e4}linen yhteisty\u{f6} on v\u{e4}ltt\u{e4}m\u{e4}t\u{f6}nt\u{e4}, jotta",
            "l\u{e4}hipalvelut s\u{e4}ilyv\u{e4}t. Ilmastonmuutoksen hillint\u{e4} edellytt\u{e4}\u{e4}",
            "uusiutuvan energian lis\u{e4}\u{e4}mist\u{e4} ja kest\u{e4}v\u{e4}\u{e4} matkailua.",
        ]),
    )
    .unwrap();
    let scan = dir.path().join("skannattu.pdf");
    std::fs::write(&scan, scan_of(&text_pdf, 1, 200)).unwrap();
    let x = kartotek::ingest::extract_file(&scan, &options()).expect("the scan is read");
    assert_eq!(x.ocr_pages, vec![1]);
    let text = x.pages.join(" ");
    for word in ["välttämätöntä", "yhteistyö", "kiinnitetään", "lähipalvelut"] {
        assert!(
            text.contains(word),
            "`{word}` not read from the Finnish scan:\n{text}"
        );
    }
}

/// A page claiming 100,000 × 100,000 points (1.4 km at 300 dpi) is rendered
/// at most 3,508 pixels on its long side, so OCR stays bounded (issue 14).
#[test]
fn a_scan_page_of_absurd_size_is_downscaled_before_ocr() {
    let dir = tempfile::tempdir().unwrap();
    let scan = dir.path().join("enorm-side.pdf");
    std::fs::write(
        &scan,
        scan_sized(&fixture("long-report.pdf"), 5, 150, (100_000, 100_000)),
    )
    .unwrap();
    let (_index_dir, index, s) = ingest_fresh(&[scan.display().to_string()], &options());
    assert_eq!(s.indexed, 1, "{:?}", s.failed);
    assert_eq!(hits(&index, "Snøhvitfjorden"), 1);
}

/// A page that draws text the reader cannot read is never indexed as if the
/// document were complete: the file is indexed with a warning naming the
/// page, counted in the summary, kept with the document and marked with the
/// `quality` value `/partly-extracted` (issue 14, "never a silent loss").
#[test]
fn a_page_drawn_in_a_way_the_reader_cannot_read_is_reported_not_lost_silently() {
    let page2 = format!(
        "BT /F9 12 Tf 72 720 Td ({}) Tj ET",
        "Denne teksten bruker en skrift siden ikke definerer. ".repeat(8)
    );
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_vec(),
        b"<< /Length 62 >>\nstream\nBT /F1 12 Tf 72 720 Td (Forste side om Lurfjellbakken.) Tj ET\nendstream".to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 7 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_vec(),
        format!("<< /Length {} >>\nstream\n{page2}\nendstream", page2.len()).into_bytes(),
    ];
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("halvlest.pdf");
    std::fs::write(&file, crate::common::pdf_from_objects(&objects)).unwrap();
    let (_index_dir, index, s) = ingest_fresh(&[file.display().to_string()], &options());
    assert_eq!(s.indexed, 1, "{:?}", s.failed);
    assert!(
        s.warnings
            .iter()
            .any(|w| w.reason.contains("partly extracted: page 2 gave 0 of ~")),
        "{:?}",
        s.warnings
    );
    let (id, _) = index.sources().unwrap().remove(0);
    let d = index.get_document(&id).unwrap().unwrap();
    assert!(
        !d.warnings.is_empty(),
        "the warning is kept with the document"
    );
    let mut req = kartotek::search::Request::new("Lurfjellbakken");
    req.filters
        .insert("quality".into(), vec!["/partly-extracted".into()]);
    assert_eq!(searcher(&index).search(&req).unwrap().total, 1);
}

/// A writer taken only on demand, counting how often a run asked for it.
struct Counted<'a> {
    writer: &'a mut dyn kartotek::store::DocWriter,
    asked: usize,
}

impl kartotek::ingest::WriteAccess for Counted<'_> {
    fn writer(&mut self) -> kartotek::error::Result<&mut dyn kartotek::store::DocWriter> {
        self.asked += 1;
        Ok(&mut *self.writer)
    }

    fn held(&mut self) -> Option<&mut dyn kartotek::store::DocWriter> {
        (self.asked > 0).then_some(&mut *self.writer)
    }
}

#[test]
fn a_batch_takes_the_writer_only_once_a_document_is_ready_to_write() {
    use kartotek::store::DocStore;
    let dir = tempfile::tempdir().unwrap();
    let index = Index::open_or_create(&dir.path().join("index")).unwrap();
    let mut writer = index.open_writer(15_000_000).unwrap();
    let file = dir.path().join("plan.txt");
    std::fs::write(
        &file,
        "Regional plan for kystsonen i Troms, vedtatt av fylkestinget.",
    )
    .unwrap();
    let run = |sources: &[String], writer: &mut dyn kartotek::store::DocWriter| {
        let mut access = Counted { writer, asked: 0 };
        let jobs = kartotek::ingest::source::expand(sources);
        let s = kartotek::ingest::run_with_access(
            &index,
            &mut access,
            jobs,
            &options(),
            &mut kartotek::ingest::Silent,
        )
        .unwrap();
        (s, access.asked)
    };
    // nothing to write: a file that is not there
    let (s, asked) = run(&["/no/such/kartotek/plan.txt".to_string()], &mut *writer);
    assert_eq!((s.failed.len(), asked), (1, 0));
    // a document: the writer is asked for when it is written
    let (s, asked) = run(&[file.display().to_string()], &mut *writer);
    assert_eq!((s.indexed, asked), (1, 1));
    // unchanged: not asked for again
    let (s, asked) = run(&[file.display().to_string()], &mut *writer);
    assert_eq!((s.unchanged, asked), (1, 0));
}
