use super::depth::{limit_attributes, limit_depth_with, MAX_ATTRIBUTES};
use super::*;

const ARTICLE_PAGE: &str = r#"<!DOCTYPE html>
<html lang="nb-NO"><head>
<meta charset="utf-8">
<title>Ny klimaplan for Vestland | Vestland fylkeskommune</title>
<meta property="og:title" content="Ny klimaplan for Vestland">
<meta name="description" content="Fylket legg fram ein ny plan.">
<meta property="article:published_time" content="2024-03-05T10:00:00+01:00">
<meta property="article:modified_time" content="2024-03-07">
<link rel="canonical" href="https://example.org/klimaplan">
</head><body>
<div id="cookie-banner"><p>Vi bruker informasjonskapsler (cookies) for å gi deg en bedre opplevelse, godta alle.</p><button>OK</button></div>
<header class="site-header"><a href="/">Forside</a> <a href="/om">Om oss</a></header>
<nav><ul><li><a href="/nyheiter">Nyheiter</a></li><li><a href="/tenester">Tenester</a></li></ul></nav>
<main><article>
<h1>Ny klimaplan for Vestland</h1>
<p>Fylkestinget har vedteke ein ny klimaplan, som skal kutte utsleppa med seksti prosent innan 2030, og som set nye krav til transport, bygg og industri.</p>
<p>Planen byggjer på innspel frå kommunane, næringslivet og organisasjonane, og han vart vedteken med stort fleirtal etter ein lang debatt i salen.</p>
<h2>Kva skjer no</h2>
<p>Administrasjonen skal no lage ein handlingsplan, med tiltak, kostnader og ansvar, som skal leggjast fram for fylkestinget til hausten.</p>
<script>var secret = "SCRIPTTEXT";</script>
</article></main>
<aside><h3>Relaterte saker</h3><a href="/a">Anna sak</a></aside>
<footer><p>Vestland fylkeskommune, Postboks 7900, 5020 Bergen. Alle rettar reservert.</p></footer>
</body></html>"#;

#[test]
fn page_with_chrome_yields_only_article_text() {
    let t = extract(ARTICLE_PAGE.as_bytes(), None).unwrap();
    assert!(t.text.contains("Fylkestinget har vedteke"), "{}", t.text);
    assert!(t.text.contains("Administrasjonen skal no"));
    assert!(t.text.contains("Kva skjer no"));
    for chrome in [
        "informasjonskapsler",
        "Forside",
        "Tenester",
        "Anna sak",
        "Postboks",
        "SCRIPTTEXT",
    ] {
        assert!(!t.text.contains(chrome), "{chrome} leaked into {}", t.text);
    }
    assert!(t.text.contains("\n\n"));
    assert!(t.headings.iter().any(|h| h == "Kva skjer no"));
}

#[test]
fn metadata_is_read_from_head() {
    let t = extract(ARTICLE_PAGE.as_bytes(), Some("text/html")).unwrap();
    assert_eq!(t.title.as_deref(), Some("Ny klimaplan for Vestland"));
    assert_eq!(t.lang.as_deref(), Some("nb-NO"));
    assert_eq!(
        t.description.as_deref(),
        Some("Fylket legg fram ein ny plan.")
    );
    assert_eq!(t.date.as_deref(), Some("2024-03-05"));
    assert_eq!(t.modified.as_deref(), Some("2024-03-07"));
    assert_eq!(
        t.canonical.as_deref(),
        Some("https://example.org/klimaplan")
    );
    assert!(!t.noindex);
    assert_eq!(t.charset, "UTF-8");
    assert!(t
        .links
        .iter()
        .any(|l| l.href == "/om" && l.text == "Om oss"));
    assert!(t.links.iter().any(|l| l.href == "/a"));
}

#[test]
fn robots_noindex_is_detected() {
    let html = r#"<html><head><meta name="ROBOTS" content="NOINDEX, follow"></head><body><p>x</p></body></html>"#;
    assert!(extract(html.as_bytes(), None).unwrap().noindex);
}

#[test]
fn dates_come_from_time_element_and_json_ld() {
    let html = r#"<html><head><script type="application/ld+json">{"@type":"NewsArticle","dateModified":"2023-02-01T08:00:00Z"}</script></head>
<body><article><time datetime="2023-01-15T12:00">15. januar</time><p>Tekst.</p></article></body></html>"#;
    let t = extract(html.as_bytes(), None).unwrap();
    assert_eq!(t.date.as_deref(), Some("2023-01-15"));
    assert_eq!(t.modified.as_deref(), Some("2023-02-01"));
    let html = r#"<html><head><meta name="DC.date" content="01.02.2022"></head><body><p>x</p></body></html>"#;
    assert_eq!(
        extract(html.as_bytes(), None).unwrap().date.as_deref(),
        Some("2022-02-01")
    );
}

#[test]
fn title_without_agreement_is_kept_whole_and_falls_back_to_og_then_h1() {
    assert_eq!(
        choose_title(Some("Forside - Kommune"), Some("Noe annet"), None).as_deref(),
        Some("Forside - Kommune")
    );
    assert_eq!(
        choose_title(
            Some("Regjeringen.no | Statsbudsjettet 2025"),
            None,
            Some("Statsbudsjettet 2025")
        )
        .as_deref(),
        Some("Statsbudsjettet 2025")
    );
    assert_eq!(
        choose_title(None, Some("OG"), Some("H1")).as_deref(),
        Some("OG")
    );
    assert_eq!(choose_title(None, None, Some("H1")).as_deref(), Some("H1"));
}

#[test]
fn windows_1252_charset_from_meta_decodes_nordic_letters() {
    let mut bytes = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\"></head><body><p>".to_vec();
    bytes.extend_from_slice(&[0xE6, 0xF8, 0xE5, b' ', 0xC6, 0xD8, 0xC5]);
    bytes.extend_from_slice(b"</p></body></html>");
    let t = extract(&bytes, None).unwrap();
    assert_eq!(t.charset, "windows-1252");
    assert!(t.text.contains("æøå ÆØÅ"), "{}", t.text);
    let (s, enc) = decode(b"<meta charset='iso-8859-1'>\xe5", None);
    assert_eq!(enc, "windows-1252");
    assert!(s.ends_with('å'));
}

#[test]
fn content_type_charset_beats_meta_and_bom_beats_both() {
    let (s, enc) = decode(
        b"<meta charset=utf-8>\xe6",
        Some("text/html; charset=\"ISO-8859-1\""),
    );
    assert_eq!(enc, "windows-1252");
    assert!(s.ends_with('æ'));
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice("<p>blåbær</p>".as_bytes());
    let (s, enc) = decode(&bom, Some("text/html; charset=windows-1252"));
    assert_eq!(enc, "UTF-8");
    assert_eq!(s, "<p>blåbær</p>");
    let t = extract(&bom, None).unwrap();
    assert_eq!(t.text, "blåbær");
}

#[test]
fn invalid_utf8_without_declaration_falls_back_to_windows_1252() {
    let mut late = vec![b' '; 2000];
    late.extend_from_slice(b"<meta charset=\"windows-1250\"><p>\xb9</p>");
    assert_eq!(decode(&late, None).1, "windows-1250");
    let (s, enc) = decode(b"<p>s\xf8k</p>", None);
    assert_eq!(enc, "windows-1252");
    assert_eq!(s, "<p>søk</p>");
    let (_, enc) = decode("<p>søk</p>".as_bytes(), None);
    assert_eq!(enc, "UTF-8");
}

#[test]
fn a_utf16_page_without_bom_is_read_as_html() {
    let page = "<html><head><meta charset=utf-16le><title>Strategi for Trøndelag</title></head><body><p>Samarbeid over grensen.</p></body></html>";
    let bytes: Vec<u8> = page.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let doc = extract(&bytes, None).expect("a page");
    assert_eq!(doc.title.as_deref(), Some("Strategi for Trøndelag"));
    assert!(doc.text.contains("Samarbeid over grensen."), "{}", doc.text);
}

#[test]
fn a_utf8_page_with_a_stray_latin1_byte_keeps_its_utf8_letters() {
    let mut page = "<p>Trøndelag fylkeskommune, særlig åpen "
        .as_bytes()
        .to_vec();
    page.extend_from_slice(b"\xa9 2024</p>");
    let (s, enc) = decode(&page, None);
    assert_eq!(s, "<p>Trøndelag fylkeskommune, særlig åpen © 2024</p>");
    assert_eq!(enc, "UTF-8");
}

#[test]
fn script_and_style_text_never_reach_output() {
    let html = "<html><body><p>Synlig tekst her.</p><script>document.write('HIDDENJS')</script><style>.x{color:red}</style><noscript>NOSCRIPTTEXT</noscript></body></html>";
    let t = extract(html.as_bytes(), None).unwrap();
    assert!(t.text.contains("Synlig tekst"));
    assert!(
        !t.text.contains("HIDDENJS")
            && !t.text.contains("color")
            && !t.text.contains("NOSCRIPTTEXT")
    );
}

#[test]
fn lists_and_table_cells_are_kept_as_text() {
    let html = r#"<html><body><div class="content"><p>Tabellen under viser tala for kvart fylke, med innbyggjarar, areal og talet på kommunar i 2024.</p>
<ul><li>Første punkt i lista</li><li>Andre punkt i lista</li></ul>
<table><tr><th>Fylke</th><th>Folketal</th></tr><tr><td>Vestland</td><td>641 000</td></tr></table></div></body></html>"#;
    let t = extract(html.as_bytes(), None).unwrap();
    assert!(
        t.text
            .contains("Første punkt i lista\n\nAndre punkt i lista"),
        "{}",
        t.text
    );
    assert!(t.text.contains("Vestland 641 000"), "{}", t.text);
}

#[test]
fn empty_and_junk_inputs_are_errors_not_panics() {
    assert_eq!(extract(b"", None), Err(HtmlError::Empty));
    assert_eq!(extract(b"  \n ", None), Err(HtmlError::Empty));
    assert_eq!(
        extract(b"\x00\x01\x02\xff\xfe\x00<html>", None),
        Err(HtmlError::NotHtml)
    );
    assert_eq!(extract(b"just words", None), Err(HtmlError::NotHtml));
    assert_eq!(
        HtmlError::NotHtml.to_string(),
        "input is not html (binary data or no markup)"
    );
}

#[test]
fn random_and_truncated_bytes_never_panic() {
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let alphabet: &[&[u8]] = &[
        b"<div>",
        b"</div>",
        b"<p>",
        b"<a href='x'>",
        b"</a>",
        b"<!--",
        b"-->",
        b"<script>",
        b"</script>",
        b"<meta charset=",
        b"\"",
        b"\xc3",
        b"\xa5",
        b" ",
        b"text, more",
        b"<table><tr><td>",
        b"<article>",
        b"<nav>",
        b"<time datetime='2020-01-01'>",
    ];
    for _ in 0..300 {
        let len = (next() % 200) as usize;
        let mut input = Vec::new();
        for _ in 0..len {
            if next() % 5 == 0 {
                input.push((next() & 0xff) as u8);
            } else {
                input.extend_from_slice(alphabet[(next() % alphabet.len() as u64) as usize]);
            }
        }
        let _ = extract(&input, None);
    }
    let page = ARTICLE_PAGE.as_bytes();
    for cut in (0..page.len()).step_by(37) {
        let _ = extract(&page[..cut], Some("text/html; charset=utf-8"));
    }
    for s in [
        "",
        "2020",
        "2020-13-45",
        "99.99.9999",
        "1.1.",
        "20201301",
        "ÅÅÅÅ-ØØ",
    ] {
        let _ = norm_date(s);
    }
}

#[test]
fn hundred_thousand_nested_divs_do_not_overflow_or_hang() {
    let n = 100_000;
    let html = format!(
        "<html><body>{}deep text{}</body></html>",
        "<div>".repeat(n),
        "</div>".repeat(n)
    );
    let t = extract(html.as_bytes(), None).unwrap();
    assert_eq!(t.text, "deep text");
    let unclosed = format!("<html><body>{}tail", "<span><div>".repeat(n / 2));
    let t = extract(unclosed.as_bytes(), None).unwrap();
    assert!(t.text.contains("tail"));
}

#[test]
fn depth_limit_drops_only_excess_tags() {
    assert!(limit_depth_with("<div><div>x</div></div>", 4).is_none());
    let out = limit_depth_with("<div><div><div>x</div></div></div>", 2).unwrap();
    assert_eq!(out.matches("<div>").count(), 2);
    assert_eq!(out.matches("</div>").count(), 2);
    assert!(out.contains('x'));
}

#[test]
fn a_tag_with_more_attributes_than_any_page_needs_keeps_the_first_and_its_text() {
    let page = |n: usize| {
        let attrs: String = (0..n).map(|i| format!(" a{i}=\"x>{i}\"")).collect();
        format!("<html><body><p class='k'{attrs} id=last>Fylket legg fram ein ny plan for kysten.</p><a href=/b title=\"y\">lenke</a></body></html>")
    };
    assert!(limit_attributes(&page(10)).is_none());
    let cut = limit_attributes(&page(1000)).expect("cut");
    assert!(cut.contains(&format!(
        " a{}=\"x>{}\"",
        MAX_ATTRIBUTES - 2,
        MAX_ATTRIBUTES - 2
    )));
    assert!(!cut.contains(&format!(" a{}=", MAX_ATTRIBUTES - 1)));
    assert!(!cut.contains("id=last"));
    // the other tags stay as written
    assert!(
        cut.contains("<a href=/b title=\"y\">lenke</a>"),
        "{}",
        &cut[cut.len() - 120..]
    );
    let text = extract(page(200_000).as_bytes(), None).unwrap();
    assert!(
        text.text.contains("Fylket legg fram ein ny plan"),
        "{}",
        text.text
    );
}

#[test]
fn dates_are_normalised() {
    assert_eq!(
        norm_date("2021-03-04T10:00:00Z").as_deref(),
        Some("2021-03-04")
    );
    assert_eq!(norm_date("2021/3/4").as_deref(), Some("2021-03-04"));
    assert_eq!(norm_date("20210304").as_deref(), Some("2021-03-04"));
    assert_eq!(norm_date("4.3.2021").as_deref(), Some("2021-03-04"));
    assert_eq!(norm_date("Mon, 4 Mar"), None);
    assert_eq!(norm_date("2021-13-04"), None);
}
