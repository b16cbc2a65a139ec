//! Search that finds what people mean: typos, OCR damage, Bokmål/Nynorsk,
//! English queries over Nordic text, and ranking of literal matches first.

use kartotek::search::query::Features;
use kartotek::search::{Request, Response};
use kartotek::server::snippet_html;

use crate::common::{names, search, shared, Scratch};

fn with(q: &str, features: Features, lang: Option<&str>) -> Response {
    let mut req = Request::new(q);
    req.features = features;
    if let Some(l) = lang {
        req = req.filter("lang", l);
    }
    shared().searcher.search(&req).unwrap()
}

#[test]
fn trondelag_finds_a_document_that_only_says_trendelag() {
    let r = search("Trøndelag");
    let hit = r
        .hits
        .iter()
        .find(|h| h.url.ends_with("innherred-scan.txt"))
        .expect("found");
    // the stored text had its letters restored, so the snippet reads right
    assert!(
        snippet_html(&hit.snippet).contains("<mark>Trøndelag</mark>"),
        "{}",
        snippet_html(&hit.snippet)
    );
}

#[test]
fn ocr_damaged_norwegian_gets_its_letters_back_in_the_stored_text() {
    let s = shared();
    let (id, _) = s
        .index
        .sources()
        .unwrap()
        .into_iter()
        .find(|(_, src)| src.ends_with("innherred-scan.txt"))
        .unwrap();
    let doc = s.index.get_document(&id).unwrap().unwrap();
    assert!(doc.ocr_damaged);
    let text: String = doc.passages.iter().map(|p| p.text.as_str()).collect();
    for word in [
        "påvirkes",
        "særlig",
        "innebærer",
        "bærekraftig",
        "Trøndelag",
        "være",
    ] {
        assert!(text.contains(word), "`{word}` not restored: {text}");
    }
    assert!(!text.contains("seerlig"));
}

#[test]
fn saerlig_finds_the_ocr_spelling_seerlig() {
    assert!(names(&search("særlig")).contains(&"innherred-scan.txt".to_string()));
}

#[test]
fn a_word_no_document_spells_with_its_diacritics_is_found_by_folding() {
    // the scan reads `premissleverandorer`; no document has the word with
    // `ø`, so its folded spelling is the only one there is, however common
    let fold_only = Features {
        fold: true,
        ..Features::NONE
    };
    let r = with("premissleverandører", fold_only, None);
    assert!(
        names(&r).contains(&"innherred-scan.txt".to_string()),
        "{:?}",
        names(&r)
    );
}

#[test]
fn ocr_damaged_text_is_flagged_with_a_quality_facet() {
    let r = shared()
        .searcher
        .search(&Request::new("").filter("quality", "/ocr-damaged"))
        .unwrap();
    let n = names(&r);
    assert!(n.contains(&"innherred-scan.txt".to_string()), "{n:?}");
    assert!(
        n.contains(&"innherred-internasjonal-strategi.pdf".to_string()),
        "{n:?}"
    );
    assert!(!n.contains(&"trondelag-internasjonalt-handlingsprogram.pdf".to_string()));
}

#[test]
fn nynorsk_berekraft_finds_the_bokmaal_baerekraft_document() {
    let r = with("berekraft", Features::ALL, Some("nb"));
    assert!(
        names(&r).contains(&"bokmal.txt".to_string()),
        "{:?}",
        names(&r)
    );
}

#[test]
fn bokmaal_hele_finds_nynorsk_heile() {
    let r = with("hele", Features::ALL, Some("nn"));
    assert!(
        names(&r).contains(&"nynorsk.txt".to_string()),
        "{:?}",
        names(&r)
    );
    assert_eq!(
        with("hele", Features::NONE, Some("nn")).total,
        0,
        "the baseline cannot"
    );
}

#[test]
fn circular_economy_finds_the_norwegian_sirkulaer_okonomi_document_with_its_words_marked() {
    let r = with("circular economy", Features::ALL, Some("nb"));
    let hit = r
        .hits
        .iter()
        .find(|h| h.url.ends_with("bokmal.txt"))
        .expect("bokmal.txt found");
    assert!(
        snippet_html(&hit.snippet).contains("<mark>sirkulær</mark> <mark>økonomi</mark>"),
        "{}",
        snippet_html(&hit.snippet)
    );
    assert_eq!(
        with("circular economy", Features::NONE, Some("nb")).total,
        0,
        "baseline finds nothing"
    );
}

#[test]
fn misspelt_erasmsu_finds_erasmus() {
    let r = search("Erasmsu");
    assert!(r.total >= 2, "{:?}", names(&r));
    assert!(
        snippet_html(&r.hits[0].snippet).contains("<mark>Erasmus</mark>"),
        "{}",
        snippet_html(&r.hits[0].snippet)
    );
}

#[test]
fn an_exact_match_outranks_a_fuzzy_one() {
    // the typo document mentions it more often, so only the weighting can put the exact one first
    let s = Scratch::new(&[
        (
            "typo.txt",
            "Nordpluss nettverket. Nordpluss midler. Nordpluss søknad.",
        ),
        ("exact.txt", "Skolen deltar i Nordplus med to partnere."),
    ]);
    s.ingest();
    let r = s.searcher().search(&Request::new("Nordplus")).unwrap();
    assert_eq!(names(&r), ["exact.txt", "typo.txt"]);
}

#[test]
fn a_word_a_text_file_breaks_at_a_line_end_is_found_whole() {
    // text saved from a PDF or an OCR reading keeps the line breaks, and
    // words broken by a hyphen at their ends (as seed 003 does, 47 times)
    let text = "Kommunene skal styrke det nordiske samar-\nbeidet og bruke Trøndelags Europa-\nkontor i Brussel.\nNærings-\nog fiskeridepartementet er orientert.";
    let s = Scratch::new(&[("skannet.txt", text)]);
    s.ingest();
    let searcher = s.searcher();
    for q in ["samarbeidet", "\"nordiske samarbeidet\"", "Europakontor"] {
        let r = searcher.search(&Request::new(q)).unwrap();
        assert_eq!(names(&r), ["skannet.txt"], "{q}");
    }
    // the text indexed: a capitalised word keeps its hyphen where its
    // parts are words (as `Interreg-prosjekter`), and a suspended hyphen
    // before `og` joins nothing
    let x = kartotek::ingest::extract::extract(text.as_bytes(), None).unwrap();
    assert_eq!(
        x.pages[0],
        "Kommunene skal styrke det nordiske samarbeidet og bruke Trøndelags Europa-kontor i Brussel.\nNærings-\nog fiskeridepartementet er orientert."
    );
}

#[test]
fn short_words_and_numbers_are_never_fuzzy() {
    // `EØS` is 3 letters: `EUS` must not match it; `2030` must not match `2020`
    assert_eq!(with("zqxj", Features::ALL, None).total, 0);
    let y2030 = with("2030", Features::ALL, None).total;
    let y2030_plain = with("2030", Features::NONE, None).total;
    assert_eq!(y2030, y2030_plain);
}

#[test]
fn a_nonsense_query_returns_nothing_with_a_suggestion() {
    // two edits from `erasmus` (`Erazmsu`, one edit from it once `z` is
    // spelt `s` as the Nordic spelling key does, finds Erasmus documents)
    let r = search("Eraxmsu");
    assert_eq!(r.total, 0);
    assert_eq!(r.suggestion.as_deref(), Some("erasmus"));
    let r = search("qzxqzxqzx");
    assert_eq!(r.total, 0);
    assert_eq!(r.suggestion, None);
}

#[test]
fn facet_filters_can_be_written_in_the_query() {
    let r = search("samarbeid lang:/nn");
    assert!(r.total >= 1);
    assert!(r.hits.iter().all(|h| h.lang == "nn"));
}

#[test]
fn title_prefix_searches_titles_only() {
    let r = search("title:Kystsoneplan");
    assert_eq!(names(&r), ["long-report.pdf"]);
}

#[test]
fn restoring_text_damaged_like_the_innherred_scan_gets_most_words_right() {
    use kartotek::ingest::restore::{damage, restore};
    let clean = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/seeds/001_8fa7a99d63159691.txt"
    ))
    .unwrap();
    let clean: String = clean.chars().take(20_000).collect();
    let hurt = damage(&clean, 7);
    let (back, _) = restore(&hurt, false);
    let (mut damaged, mut fixed, mut untouched, mut broken) = (0, 0, 0, 0);
    for ((c, h), b) in clean
        .split_whitespace()
        .zip(hurt.split_whitespace())
        .zip(back.split_whitespace())
    {
        if c != h {
            damaged += 1;
            fixed += usize::from(b == c);
        } else {
            untouched += 1;
            broken += usize::from(b != c);
        }
    }
    assert!(damaged > 200, "the fixture is damaged: {damaged}");
    let rate = fixed as f64 / damaged as f64;
    let harm = broken as f64 / untouched as f64;
    assert!(rate >= 0.80, "restored {fixed}/{damaged}");
    assert!(
        harm <= 0.005,
        "changed {broken}/{untouched} undamaged words"
    );
}

/// Twelve documents (file names `{name}-{i}.txt`) that say `for` twice, and
/// `foer_file` that says `før` once, ingested.
fn for_and_foer(name: &str, foer_file: &str) -> Scratch {
    let mut files: Vec<(String, String)> = (0..12)
        .map(|i| {
            (
                format!("{name}-{i}.txt"),
                format!("Planen gjelder for kommunene i regionen, og tiltak nummer {i} er viktig for fylket."),
            )
        })
        .collect();
    files.push((
        foer_file.into(),
        "Planen ble vedtatt av kommunene før sommeren, og tiltakene er viktige.".into(),
    ));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let s = Scratch::new(&refs);
    s.ingest();
    s
}

#[test]
fn foer_is_not_matched_as_the_common_word_for_but_for_still_finds_foer() {
    // `før` folds to `for`, a different and far more common word: folding
    // the diacritic query would find every `for`. The other direction (a
    // query typed without diacritics) still forgives them. (Titles: see
    // `foer_does_not_match_a_title_that_says_for`.)
    let s = for_and_foer("plan", "foer.txt");
    let searcher = s.searcher();
    let foer = searcher.search(&Request::new("før")).unwrap();
    assert_eq!(names(&foer), ["foer.txt"]);
    let mut for_all = Request::new("for");
    for_all.limit = 20;
    let r = searcher.search(&for_all).unwrap();
    assert_eq!(r.total, 13, "{:?}", names(&r));
    assert_ne!(names(&r)[0], "foer.txt", "the exact spelling ranks first");
}

#[test]
fn foer_does_not_match_a_title_that_says_for() {
    // Titles are indexed folded only, so without care `før` would match the
    // titles `tiltak-for-fylket-N` through `for`.
    let s = for_and_foer("tiltak-for-fylket", "vedtak.txt");
    let searcher = s.searcher();
    let foer = searcher.search(&Request::new("før")).unwrap();
    assert_eq!(names(&foer), ["vedtak.txt"]);
    // `title:` asks for titles explicitly and still gets them.
    let titled = searcher.search(&Request::new("title:fylket")).unwrap();
    assert_eq!(titled.total, 12);
}

#[test]
fn a_norwegian_function_word_finds_its_own_documents_not_swedish_for() {
    // `før` is a function word of Norwegian: searched as itself only. Its
    // cross-Scandinavian key is Swedish `för` (for), which every Swedish
    // text is full of; as a stand-in it listed Swedish documents first.
    let swedish = "Regeringen har beslutat om ett nytt uppdrag för regionerna. \
        Pengarna ska användas för att stärka samarbetet mellan kommunerna och \
        för att utveckla kollektivtrafiken i hela landet.";
    let s = Scratch::new(&[
        ("uppdrag-1.txt", swedish),
        ("uppdrag-2.txt", swedish),
        (
            "vedtak.txt",
            "Planen ble vedtatt av kommunene før sommeren, og tiltakene skal være på plass før neste år.",
        ),
    ]);
    s.ingest();
    let r = s.searcher().search(&Request::new("før")).unwrap();
    assert_eq!(names(&r), ["vedtak.txt"]);
    // a content word still finds its Swedish cognate through the key
    let r = s.searcher().search(&Request::new("samarbeidet")).unwrap();
    assert!(
        names(&r).contains(&"uppdrag-1.txt".to_string()),
        "{:?}",
        names(&r)
    );
}

#[test]
fn a_word_typed_truncated_finds_the_words_beginning_so_and_not_excludes() {
    let s = Scratch::new(&[
        (
            "tilpasning.txt",
            "Plan for klimatilpasning\n\nKommunen lager en plan for klimatilpasning langs kysten.",
        ),
        (
            "tilpassede.txt",
            "Fylket støtter klimatilpassede bygg og nye boliger.",
        ),
        (
            "annet.txt",
            "Kommunen lager en plan for kollektivtrafikk langs kysten.",
        ),
    ]);
    s.ingest();
    let searcher = s.searcher();
    let mut found = names(&searcher.search(&Request::new("klimatilp*")).unwrap());
    found.sort();
    assert_eq!(found, ["tilpasning.txt", "tilpassede.txt"]);
    // the snippet marks the word that began so
    let r = searcher.search(&Request::new("klimatilp*")).unwrap();
    for hit in &r.hits {
        assert!(
            snippet_html(&hit.snippet).contains("<mark>klimatilpas"),
            "{}",
            snippet_html(&hit.snippet)
        );
    }
    // typed whole, the same letters are no word of these documents
    assert!(searcher
        .search(&Request::new("klimatilp"))
        .unwrap()
        .hits
        .is_empty());
    // a truncation with another word (the document with both first; those
    // with one follow, fewer than ten having both), and excluded by `NOT`
    assert_eq!(
        names(&searcher.search(&Request::new("kysten klimatilp*")).unwrap())[0],
        "tilpasning.txt"
    );
    assert_eq!(
        names(
            &searcher
                .search(&Request::new("kysten NOT klimatilp*"))
                .unwrap()
        ),
        ["annet.txt"]
    );
    // in titles only (a first line set apart is a plain-text file's title;
    // the others are titled by their file names)
    assert_eq!(
        names(&searcher.search(&Request::new("title:klimatilp*")).unwrap()),
        ["tilpasning.txt"]
    );
}
