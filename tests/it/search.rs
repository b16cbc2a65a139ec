//! Search over the shared corpus: stemming, diacritics, pages, snippets.

use kartotek::search::query::Features;
use kartotek::search::Request;
use kartotek::server::snippet_html;

use crate::common::{names, search, shared};

#[test]
fn trondelag_without_diacritics_finds_the_trondelag_document() {
    let r = search("Trondelag");
    assert!(
        names(&r).contains(&"trondelag-internasjonalt-handlingsprogram.pdf".to_string()),
        "{:?}",
        names(&r)
    );
}

#[test]
fn trondelag_with_diacritics_also_finds_the_ocr_document_that_lost_them() {
    let r = search("Trøndelag");
    let n = names(&r);
    assert!(
        n.contains(&"innherred-internasjonal-strategi.pdf".to_string()),
        "{n:?}"
    );
    // the exact spelling ranks above the folded one
    let pos = |name: &str| n.iter().position(|x| x == name).unwrap();
    assert!(
        pos("trondelag-internasjonalt-handlingsprogram.pdf")
            < pos("innherred-internasjonal-strategi.pdf")
    );
}

#[test]
fn swedish_plural_matches_a_singular_query() {
    // the fixture says `regionerna` / `kommunerna`, never the bare singular;
    // plain BM25 (no expansion, no fuzziness) shows it is the stemmer
    for q in ["kommun", "regionen"] {
        let mut req = Request::new(q).filter("lang", "sv");
        req.features = Features::NONE;
        let r = shared().searcher.search(&req).unwrap();
        assert!(
            names(&r).contains(&"swedish.txt".to_string()),
            "{q}: {:?}",
            names(&r)
        );
    }
}

#[test]
fn norwegian_inflected_form_matches_the_base_form() {
    // the action programme says `strategier`/`strategien`; query the base form
    let r = search("strategi");
    assert!(names(&r).contains(&"trondelag-internasjonalt-handlingsprogram.pdf".to_string()));
}

#[test]
fn long_multi_page_pdf_returns_the_right_page() {
    let r = search("Snøhvitfjorden");
    assert_eq!(r.total, 1);
    assert_eq!(r.hits[0].page, Some(5));
    assert!(
        snippet_html(&r.hits[0].snippet).contains("<mark>Snøhvitfjorden</mark>"),
        "{}",
        snippet_html(&r.hits[0].snippet)
    );
}

#[test]
fn hits_carry_the_agreed_fields() {
    let r = search("Erasmus");
    let h = &r.hits[0];
    assert_eq!(h.id.len(), 16);
    assert!(!h.title.is_empty());
    assert!(h.url.starts_with("corpus/"));
    assert!(["nb", "en"].contains(&h.lang.as_str()));
    assert!(h.score > 0.0);
    for facet in ["region", "programme", "network", "theme"] {
        assert!(h.facets.contains_key(facet));
    }
}

#[test]
fn an_unbalanced_quote_returns_results_not_an_error() {
    let r = search("\"Erasmus");
    assert!(r.total > 0);
}

#[test]
fn a_phrase_matches_only_adjacent_words() {
    assert!(search("\"Mid-Norway European Office\"").total >= 1);
    assert_eq!(search("\"Office European Mid-Norway\"").total, 0);
}

#[test]
fn an_excluded_word_removes_documents() {
    let all = search("Interreg").total;
    let without = search("Interreg -Erasmus").total;
    assert!(without < all, "{without} !< {all}");
}

#[test]
fn parentheses_group_a_boolean_query_as_typed() {
    // read flat, `Erasmus` was required: the long report (which never
    // names it) came sixth, after documents with `Erasmus` and `Interreg`
    let r = search("(Erasmus AND Interreg) OR Snøhvitfjorden");
    assert_eq!(names(&r)[0], "long-report.pdf", "{:?}", names(&r));
    // `NOT (a OR b)` excludes both (read flat: `Interreg` was an
    // alternative to `Trøndelag`, nine documents instead of four)
    let grouped = search("Trøndelag NOT (Erasmus OR Interreg)");
    assert_eq!(
        names(&grouped),
        names(&search("Trøndelag -Erasmus -Interreg"))
    );
    // `title:` before a group holds for every word in it
    let r = search("title:(handlingsprogram OR strategi)");
    assert!(r.total > 1);
    for h in &r.hits {
        let title = h.title.to_lowercase();
        let words: Vec<&str> = title.split_whitespace().collect();
        assert!(
            words.contains(&"handlingsprogram") || words.contains(&"strategi"),
            "{}",
            h.title
        );
    }
}

#[test]
fn searching_segments_in_parallel_gives_the_same_response_as_one_thread() {
    let s = shared();
    let segments = s.index.searcher().segment_readers().len();
    assert!(segments >= 2, "needs several segments, has {segments}");
    let parallel = s.searcher.clone().with_parallel_from(0);
    let sequential = s.searcher.clone().with_parallel_from(u64::MAX);
    let requests = [
        Request::new("Trøndelag"),
        Request::new("strategi internasjonal"),
        Request::new("\"internasjonal strategi\""),
        Request::new("Erasmus").filter("lang", "nb"),
        Request::new(""),
    ];
    for r in &requests {
        let mut a = parallel.search(r).expect("parallel");
        let mut b = sequential.search(r).expect("sequential");
        assert!(a.total > 0, "{:?} finds something", r.q);
        a.took_ms = 0.0;
        b.took_ms = 0.0;
        assert_eq!(a, b, "{:?}", r.q);
    }
}

#[test]
fn a_phrase_in_norwegian_or_curly_quotes_is_searched_as_a_phrase() {
    // «…» is how Norwegian text quotes, “…” what a word processor or a
    // phone puts for `"`: a phrase copied or typed so means the phrase
    let s = shared();
    let mut ascii = s
        .searcher
        .search(&Request::new("\"internasjonal strategi\""))
        .unwrap();
    let words = s
        .searcher
        .search(&Request::new("internasjonal strategi"))
        .unwrap();
    assert!(ascii.total > 0);
    assert!(ascii.total < words.total, "{} {}", ascii.total, words.total);
    ascii.took_ms = 0.0;
    for q in [
        "«internasjonal strategi»",
        "“internasjonal strategi”",
        "„internasjonal strategi“",
    ] {
        let mut r = s.searcher.search(&Request::new(q)).unwrap();
        r.took_ms = 0.0;
        r.query = ascii.query.clone();
        assert_eq!(r, ascii, "{q}");
    }
}

#[test]
fn a_pruned_search_answers_as_the_full_walk_does() {
    // common words, compounds (their parts are required together), a
    // Swedish and an English word; with facets, on a second page, and with
    // filters (applied to documents in the walk, with the documents one
    // filter keeps out counted for that filter's facet). The
    // pruned walk scores passages from the posting blocks itself, so every
    // score, count and facet here is its own; this index's segments are too
    // small to leave documents unscored (the unit tests in
    // `search/prune.rs` do, on one segment of 6,000 passages)
    let s = shared();
    let full =
        kartotek::search::Searcher::new(s.index.clone(), kartotek::taxonomy::Taxonomy::builtin())
            .with_pruning(false);
    let mut compared = 0;
    for q in [
        "og",
        "i",
        "the",
        "regional",
        "samarbeid",
        "utvikling",
        "strategi",
        "kommunane",
        "regionalutvikling",
        "næringsutvikling",
        "samarbete",
        "cooperation",
        "strategie",
        "regional utvikling",
        "internasjonal strategi",
    ] {
        let filters: [&[(&str, &[&str])]; 3] = [
            &[],
            &[("lang", &["/nb", "/nn"])],
            &[("lang", &["/nb"]), ("region", &["/norway"])],
        ];
        for (offset, filters) in [0, 10].into_iter().flat_map(|o| filters.map(|f| (o, f))) {
            let mut req = Request::new(q);
            req.facets = kartotek::facet::FacetSet::ALL;
            req.offset = offset;
            for (facet, paths) in filters {
                req.filters.insert(
                    facet.to_string(),
                    paths.iter().map(|p| p.to_string()).collect(),
                );
            }
            let (a, b) = (s.searcher.search(&req).unwrap(), full.search(&req).unwrap());
            let page = |r: &kartotek::search::Response| -> Vec<(String, String)> {
                r.hits
                    .iter()
                    .map(|h| (h.id.clone(), format!("{:.4}", h.score)))
                    .collect()
            };
            assert_eq!(page(&a), page(&b), "{q} from {offset}, {filters:?}");
            assert_eq!(a.total, b.total, "{q}, {filters:?}");
            assert_eq!(a.facets, b.facets, "{q}, {filters:?}");
            compared += usize::from(!a.hits.is_empty());
        }
    }
    assert!(compared > 45, "{compared}");
}

#[test]
fn decomposed_letters_and_soft_hyphens_match_the_word_as_typed() {
    // a text as macOS and some PDF producers write it (a combining diaeresis
    // after the vowel) and a web page's soft hyphen inside a word
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("nfd.txt"),
        "Samarbeid mellom Tro\u{308}ndelag og Ja\u{308}mtland om grensekryssende arbeidsmarked og felles tiltak for regionene.",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("shy.txt"),
        "Ny plan for hav\u{ad}bruk og kystsone\u{ad}forvaltning i nord, med tiltak for naeringene langs kysten.",
    )
    .unwrap();
    let (_keep, index, summary) = crate::common::ingest_fresh(
        &[dir.path().display().to_string()],
        &crate::common::options(),
    );
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    let searcher = crate::common::searcher(&index);
    let found = |q: &str| {
        let mut req = Request::new(q);
        req.features = Features::NONE;
        names(&searcher.search(&req).unwrap())
    };
    // typed composed, typed decomposed, typed with the soft hyphen: plain BM25 finds each
    assert_eq!(found("Jämtland"), ["nfd.txt"]);
    assert_eq!(found("Tro\u{308}ndelag"), ["nfd.txt"]);
    assert_eq!(found("havbruk"), ["shy.txt"]);
    assert_eq!(found("kystsone\u{ad}forvaltning"), ["shy.txt"]);
}
