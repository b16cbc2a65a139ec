//! Search across the ways one thing is written: compounds and their parts,
//! Swedish and Danish neighbours of Norwegian words, English questions over
//! Norwegian-only documents, and a Nynorsk query's own standard first
//! (issue 15). Fixtures: `tests/fixtures/relevance/`.
//!
//! Compound splitting needs the Hunspell dictionaries and the lexicon tests
//! FreeDict's and Apertium's dictionaries (Debian packages `.ci/run`
//! installs). Without
//! them a test says so on one line and passes, unless `CI` is set, where a
//! missing dictionary is a failure.

use std::sync::OnceLock;

use kartotek::index::Index;
use kartotek::search::explain::Feature;
use kartotek::search::query::Features;
use kartotek::search::{Request, Response, Searcher};

use crate::common::{fixture, ingest_fresh, names, options, searcher, Scratch};

struct Fixture {
    _dir: tempfile::TempDir,
    _index: Index,
    searcher: Searcher,
}

fn fixture_index() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        // `neighbour/` is outside the judged set's corpus (which holds
        // `relevance/`), so a fixture added for a test leaves that set as
        // it was judged
        let folders = ["relevance", "neighbour"].map(|f| fixture(f).display().to_string());
        let (dir, index, summary) = ingest_fresh(&folders, &options());
        assert!(summary.failed.is_empty(), "{:?}", summary.failed);
        let searcher = searcher(&index);
        Fixture {
            _dir: dir,
            _index: index,
            searcher,
        }
    })
}

fn on_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// False (after one printed line) when `what` is missing outside CI.
fn have(present: bool, what: &str, package: &str) -> bool {
    installed(present, what, &format!("apt-get install {package}"))
}

/// [`have`] for what `how` installs.
fn installed(present: bool, what: &str, how: &str) -> bool {
    if present {
        return true;
    }
    assert!(
        !on_ci(),
        "{what} is missing, and CI is set: `.ci/run` must install it ({how})"
    );
    eprintln!("skipped: {what} is not installed ({how})");
    false
}

fn hunspell() -> bool {
    have(
        kartotek::index::compound::lexicon("no").is_some(),
        "the Norwegian Hunspell dictionary",
        "hunspell-no",
    )
}

fn freedict() -> bool {
    let l = kartotek::search::lexicon::builtin();
    have(
        !l.neighbour.is_empty() && !l.english.is_empty(),
        "FreeDict's Swedish-Norwegian and English-Norwegian dictionaries",
        "dict-freedict-swe-nor dict-freedict-eng-nor",
    )
}

/// The fixture index's answer to `q` with every feature, each hit saying why.
fn explained(q: &str) -> Response {
    let mut req = Request::new(q);
    req.explain = true;
    fixture_index().searcher.search(&req).unwrap()
}

fn run(q: &str, features: Features) -> Response {
    let mut req = Request::new(q);
    req.features = features;
    fixture_index().searcher.search(&req).unwrap()
}

/// Asserts that `r`'s hit from fixture `name` is explained by a match of
/// the passage's word `matched` through `feature`.
fn assert_explained(r: &Response, name: &str, matched: &str, feature: Feature) {
    let hit = r
        .hits
        .iter()
        .find(|h| h.url.ends_with(name))
        .unwrap_or_else(|| panic!("{name} not in {:?}", names(r)));
    assert!(
        hit.explain
            .iter()
            .any(|e| e.matched == matched && e.feature == feature),
        "{:?}",
        hit.explain
    );
}

/// True when `q` with `features` finds the fixture `name`.
fn found(q: &str, features: Features, name: &str) -> bool {
    names(&run(q, features)).iter().any(|n| n == name)
}

#[test]
fn compound_query_finds_its_parts_apart_and_inside_other_compounds() {
    if !hunspell() {
        return;
    }
    let found = names(&run("kystturisme", Features::ALL));
    assert_eq!(
        found.first().map(String::as_str),
        Some("kystturisme-nb.txt")
    );
    // `kyst` and `turisme` as separate Danish words
    assert!(
        found.contains(&"kyst-og-turisme-da.txt".to_string()),
        "{found:?}"
    );
    // `kystområdene` and `turismestrategi`
    assert!(found.contains(&"reiseliv-nb.txt".to_string()), "{found:?}");
    let without = names(&run(
        "kystturisme",
        Features {
            compound: false,
            ..Features::ALL
        },
    ));
    assert_eq!(without, ["kystturisme-nb.txt"]);
}

#[test]
fn a_word_finds_the_compounds_it_is_part_of_below_itself() {
    if !hunspell() {
        return;
    }
    let found = names(&run("turisme", Features::ALL));
    let whole = found.iter().position(|n| n == "kyst-og-turisme-da.txt");
    let part = found.iter().position(|n| n == "reiseliv-nb.txt");
    assert!(
        matches!((whole, part), (Some(w), Some(p)) if w < p),
        "{found:?}"
    );
}

#[test]
fn norwegian_query_finds_the_swedish_cognate_document() {
    // `organisasjonene` / `organisationerna`: -sjon/-tion and the plural
    // endings, far beyond typo distance
    let r = run("organisasjonene", Features::ALL);
    assert!(names(&r).contains(&"organisationer-sv.txt".to_string()));
    assert!(!found(
        "organisasjonene",
        Features {
            neighbour: false,
            ..Features::ALL
        },
        "organisationer-sv.txt",
    ));
}

#[test]
fn norwegian_query_finds_the_swedish_cognate_an_edit_beyond_the_spelling_rules() {
    // `utvikling` / `utveckling`: the keys `utvikling` and `utvekling`
    // differ in a vowel, which no correspondence maps; the near key does
    // (typo matching and the lexicons off: they are other routes)
    let on = Features {
        fuzzy: false,
        expand: false,
        ..Features::ALL
    };
    let mut req = Request::new("utvikling");
    req.features = on;
    req.explain = true;
    let r = fixture_index().searcher.search(&req).unwrap();
    assert_explained(
        &r,
        "organisationer-sv.txt",
        "utveckling",
        Feature::NeighbourLanguage,
    );
    let off = Features {
        neighbour: false,
        ..on
    };
    assert!(!found("utvikling", off, "organisationer-sv.txt"));
}

#[test]
fn norwegian_word_finds_its_swedish_pair_from_the_lexicon() {
    if !freedict() {
        return;
    }
    // `havnene` → `havn` ↔ `hamn` (FreeDict swe-nor), found as `hamnarna`
    let r = run("havnene", Features::ALL);
    assert!(
        names(&r).contains(&"organisationer-sv.txt".to_string()),
        "{:?}",
        names(&r)
    );
    // (Nynorsk writes `hamn` too, so the Bokmål↔Nynorsk pairs of the
    // expansion reach the Swedish word as well; both off, nothing does)
    assert!(!found(
        "havnene",
        Features {
            neighbour: false,
            expand: false,
            ..Features::ALL
        },
        "organisationer-sv.txt",
    ));
}

#[test]
fn norwegian_compound_finds_the_swedish_compound_of_the_neighbours_words() {
    if !hunspell() || !freedict() {
        return;
    }
    // `utdanningsreformen` is `utdanning` + `reform`; Swedish builds it from
    // its own word for the first part (`utdanning` ↔ `utbildning` in
    // FreeDict swe-nor): `utbildningsreformen`, which no spelling rule and
    // no part of the Norwegian compound reaches
    // (`reform` matches as a compound part too; `utbildning`, the
    // neighbour's word for the other part, is what makes the hit)
    let r = explained("utdanningsreformen");
    assert_explained(
        &r,
        "utbildningsreform-sv.txt",
        "utbildningsreformen",
        Feature::NeighbourLanguage,
    );
}

#[test]
fn a_compound_inside_a_compound_is_split_for_the_neighbours_words() {
    if !hunspell() || !freedict() {
        return;
    }
    // `regionalutviklingsfondet` is `regionalutvikling` + `fond`; the first
    // part, a compound no lexicon lists, is `regional` + `utvikling`, whose
    // Swedish is `utveckling`: `den regionala utvecklingsfonden`
    let r = explained("regionalutviklingsfondet");
    assert_explained(
        &r,
        "utbildningsreform-sv.txt",
        "utvecklingsfonden",
        Feature::NeighbourLanguage,
    );
}

#[test]
fn a_word_finds_a_compound_whose_part_is_a_compound_holding_it() {
    if !have(
        kartotek::index::compound::lexicon("sv").is_some(),
        "the Swedish Hunspell dictionary",
        "hunspell-sv",
    ) {
        return;
    }
    // `samhällsbyggnadsprojekt` splits into `samhällsbyggnad` + `projekt`;
    // the first part, a dictionary word itself, is `samhälle` + `byggnad`
    let r = explained("byggnad");
    assert_explained(
        &r,
        "samhallsbygge-sv.txt",
        "samhällsbyggnadsprojekt",
        Feature::CompoundPart,
    );
}

#[test]
fn norwegian_compound_finds_the_swedish_one_through_any_of_a_parts_words() {
    if !hunspell() || !apertium() {
        return;
    }
    // `samfunnsbygging` + `prosjekter`: the lexicon's first Swedish word
    // for `samfunn` is `samfund`, for `bygging` `byggande`; the text has
    // `samhälle` and `byggnad`, which come later in the lists
    let r = explained("samfunnsbyggingsprosjekter");
    assert_explained(
        &r,
        "samhallsbygge-sv.txt",
        "samhällsbyggnadsprojekt",
        Feature::NeighbourLanguage,
    );
}

#[test]
fn english_plural_finds_the_nordic_word_listed_for_it() {
    if !folkets_lexikon() {
        return;
    }
    // `drugs` is Folkets lexikon's translation of `narkotika`; `drug`
    // (the stem) has a dozen medicinal words of its own before it
    let r = explained("drugs");
    assert_explained(&r, "narkotika-nb.txt", "narkotika", Feature::Translation);
}

#[test]
fn two_english_words_find_the_nordic_compound_they_translate_to() {
    if !freedict() || !hunspell() {
        return;
    }
    // `transport infrastructure` is Swedish `transportinfrastrukturen`: the
    // compound stands for both words at a translation's weight, not only
    // as a compound holding each word's translation as a part
    let r = explained("transport infrastructure");
    let hit = r
        .hits
        .iter()
        .find(|h| h.url.ends_with("transportinfrastruktur-sv.txt"))
        .unwrap_or_else(|| panic!("not found: {:?}", names(&r)));
    for word in ["transport", "infrastructure"] {
        assert!(
            hit.explain.iter().any(|e| e.word == word
                && e.matched == "transportinfrastruktur"
                && e.feature == Feature::Translation
                && e.weight >= 0.7),
            "{word}: {:?}",
            hit.explain
        );
    }
}

fn apertium() -> bool {
    have(
        !kartotek::search::lexicon::builtin()
            .neighbours("planlegging")
            .is_empty(),
        "Apertium's Swedish-Bokmål dictionary",
        "apertium-swe-nor",
    )
}

#[test]
fn norwegian_word_finds_the_swedish_word_from_apertiums_pairs() {
    if !apertium() {
        return;
    }
    // `planlegging` ↔ `planering` is in Apertium's Swedish–Bokmål
    // dictionary, not in FreeDict's, and no spelling rule joins them
    let r = explained("planleggingen");
    assert_explained(
        &r,
        "utbildningsreform-sv.txt",
        "planering",
        Feature::NeighbourLanguage,
    );
}

fn danish_pairs() -> bool {
    have(
        !kartotek::search::lexicon::builtin()
            .danish("utdanning")
            .is_empty(),
        "Apertium's Danish-Bokmål dictionary",
        "apertium-dan-nor",
    )
}

#[test]
fn norwegian_word_finds_the_danish_word_from_apertiums_pairs() {
    if !danish_pairs() {
        return;
    }
    // `søknad` ↔ `ansøgning` is in Apertium's Danish–Bokmål dictionary;
    // no spelling rule joins them
    let r = explained("søknaden");
    assert_explained(
        &r,
        "uddannelse-da.txt",
        "ansøgning",
        Feature::NeighbourLanguage,
    );
    assert!(!found(
        "søknaden",
        Features {
            neighbour: false,
            ..Features::ALL
        },
        "uddannelse-da.txt",
    ));
}

fn folkets_lexikon() -> bool {
    installed(
        !kartotek::search::lexicon::builtin()
            .translations("depreciation")
            .is_empty(),
        "Folkets lexikon",
        "scripts/fetch-lexicons.sh",
    )
}

#[test]
fn english_word_finds_the_swedish_word_from_folkets_lexikon() {
    if !folkets_lexikon() {
        return;
    }
    // `avskrivning` "depreciation, writing off" is Folkets lexikon's pair,
    // read backwards; FreeDict has no entry for either word
    let r = explained("depreciation");
    assert_explained(
        &r,
        "avskrivning-sv.txt",
        "avskrivningar",
        Feature::Translation,
    );
    assert!(!found(
        "depreciation",
        Features {
            expand: false,
            ..Features::ALL
        },
        "avskrivning-sv.txt",
    ));
}

#[test]
fn english_phrase_no_document_names_is_found_through_its_words() {
    if !folkets_lexikon() {
        return;
    }
    // Folkets lexikon translates `cost-benefit analysis` as one Swedish
    // word, `kostnads-nyttoanalys`, which no fixture has; the phrase's
    // words are still searched with their own translations
    let r = explained("cost-benefit analysis");
    assert_explained(&r, "varmeanalys-sv.txt", "analys", Feature::Translation);
}

#[test]
fn hyphenated_english_word_is_found_through_its_parts() {
    if !folkets_lexikon() {
        return;
    }
    // no dictionary has `crypto-asset`; its parts are searched with their
    // own translations (`crypto` → `krypto`)
    let r = explained("crypto-asset");
    assert_explained(&r, "krypto-nb.txt", "krypto", Feature::Translation);
}

fn nynorsk_bokmaal_pairs() -> bool {
    have(
        !kartotek::search::lexicon::builtin().variant.is_empty(),
        "FreeDict's Nynorsk-Bokmål dictionary",
        "dict-freedict-nno-nob",
    )
}

#[test]
fn nynorsk_word_finds_the_bokmaal_document_through_the_nynorsk_bokmaal_dictionary() {
    if !nynorsk_bokmaal_pairs() {
        return;
    }
    // `omsetnad` (nn) is `omsetning` (nb) in FreeDict nno-nob, not in the
    // curated thesaurus; no stem or spelling rule joins them
    let r = explained("omsetnad");
    assert_explained(&r, "virksomhet-nb.txt", "omsetning", Feature::Variant);
    assert!(!found(
        "omsetnad",
        Features {
            expand: false,
            ..Features::ALL
        },
        "virksomhet-nb.txt",
    ));
}

#[test]
fn english_query_finds_a_norwegian_only_document_through_the_lexicon() {
    if !freedict() {
        return;
    }
    let r = run("ferry pollution", Features::ALL);
    assert_eq!(
        names(&r).first().map(String::as_str),
        Some("ferje-nb.txt"),
        "{:?}",
        names(&r)
    );
    assert!(!found(
        "ferry pollution",
        Features {
            expand: false,
            ..Features::ALL
        },
        "ferje-nb.txt",
    ));
}

#[test]
fn nynorsk_query_ranks_the_nynorsk_document_first() {
    let r = run("verksemd", Features::ALL);
    let found = names(&r);
    assert_eq!(found.first().map(String::as_str), Some("verksemd-nn.txt"));
    assert!(
        found.contains(&"virksomhet-nb.txt".to_string()),
        "the Bokmål variant is still found: {found:?}"
    );
    let r = run("virksomhet", Features::ALL);
    assert_eq!(
        names(&r).first().map(String::as_str),
        Some("virksomhet-nb.txt")
    );
}

#[test]
fn explain_names_the_feature_that_matched() {
    use kartotek::search::explain::Feature;
    let r = explained("organisasjonene");
    let hit = r
        .hits
        .iter()
        .find(|h| h.url.ends_with("organisationer-sv.txt"))
        .expect("found");
    let why = hit
        .explain
        .iter()
        .find(|e| {
            e.feature == Feature::NeighbourLanguage
                && e.matched.to_lowercase() == "organisationerna"
        })
        .unwrap_or_else(|| panic!("{:?}", hit.explain));
    assert_eq!(why.word, "organisasjonene");
    assert!(why.weight < 1.0);
    // not asked, not given
    let plain = fixture_index()
        .searcher
        .search(&Request::new("organisasjonene"))
        .unwrap();
    assert!(plain.hits.iter().all(|h| h.explain.is_empty()));
}

#[test]
fn explain_says_a_compound_matched_through_its_parts() {
    if !hunspell() {
        return;
    }
    use kartotek::search::explain::Feature;
    let r = explained("kystturisme");
    let first = &r.hits[0];
    assert!(
        first
            .explain
            .iter()
            .any(|e| matches!(e.feature, Feature::Exact | Feature::Stem)),
        "the whole compound matched as itself: {:?}",
        first.explain
    );
    let da = r
        .hits
        .iter()
        .find(|h| h.url.ends_with("kyst-og-turisme-da.txt"))
        .expect("found");
    let parts: Vec<&str> = da
        .explain
        .iter()
        .filter(|e| e.feature == Feature::CompoundPart && e.word == "kystturisme")
        .map(|e| e.matched.as_str())
        .collect();
    assert!(
        parts.contains(&"kyst") && parts.iter().any(|p| p.starts_with("turism")),
        "{:?}",
        da.explain
    );
}

#[test]
fn when_no_passage_has_every_word_more_of_the_words_rank_first() {
    // no document has all three words; `a` repeats the rarest word, `b` has
    // it once beside a second, common word of the query
    let mut files = vec![
        (
            "a.txt",
            "Tyttebærlyngen på Frosta er tett. Tyttebærlyngen vokser i skogen, og tyttebærlyngen dekker hele åsen ikke langt fra gården. Om høsten blir tyttebærlyngen rød, og det er mye bær å plukke.",
        ),
        (
            "b.txt",
            "Utmarka på Frosta er stor. Beitedyr holder skogbunnen åpen, og slik skjøtsel gjør at tyttebærlyngen trives der i mange år framover.",
        ),
    ];
    for name in ["c.txt", "d.txt", "e.txt", "f.txt"] {
        files.push((
            name,
            "Skjøtsel av hager og parker i kommunen er viktig for alle som bor der.",
        ));
    }
    // documents with none of the words: `skjøtsel` is in a fifth of them,
    // not in most (a word in most passages would count next to nothing)
    let others: Vec<String> = (0..16).map(|i| format!("other-{i:02}.txt")).collect();
    for name in &others {
        files.push((
            name,
            "Fylkestinget møtes fire ganger i året og vedtar budsjettet for neste år.",
        ));
    }
    let scratch = Scratch::new(&files);
    let summary = scratch.ingest();
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    let r = scratch
        .searcher()
        .search(&Request::new("tyttebærlyngen skjøtsel gjødsling"))
        .unwrap();
    let names = names(&r);
    assert_eq!(names.len(), 6, "any word matches: {names:?}");
    // by score alone `a` (the rare word four times) would lead
    assert_eq!(&names[..2], ["b.txt", "a.txt"], "{names:?}");
}

#[test]
fn too_few_documents_with_every_word_are_followed_by_documents_with_some() {
    let scratch = Scratch::new(&[
        (
            "begge.txt",
            "Eigedomsskatt på bustader i kommunen blir vedteken av kommunestyret kvart år.",
        ),
        (
            "eine.txt",
            "Eigedomsskatt er ein skatt på fast eigedom. Eigedomsskatt kan kommunen skrive ut på verk og bruk.",
        ),
        (
            "ingen.txt",
            "Kommunestyret vedtek budsjettet for skule og helse kvart år.",
        ),
    ]);
    let summary = scratch.ingest();
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    let searcher = scratch.searcher();
    let r = searcher
        .search(&Request::new("eigedomsskatt bustader"))
        .unwrap();
    // the one with both words first, though the other scores higher alone
    assert_eq!(names(&r), ["begge.txt", "eine.txt"]);
    assert_eq!(r.total, 2);
    // the second page lists the same documents as the first
    let mut second = Request::new("eigedomsskatt bustader");
    second.offset = 1;
    second.limit = 1;
    let r = searcher.search(&second).unwrap();
    assert_eq!(names(&r), ["eine.txt"]);
    assert_eq!(r.total, 2);
}

#[test]
fn a_compound_written_with_a_suspended_hyphen_is_found_as_the_whole_word() {
    if !hunspell() {
        return;
    }
    // `helse- og omsorgstjenester` is `helsetjenester og omsorgstjenester`:
    // it answers `helsetjenester` as the document that writes it whole
    // does, above one with the parts as words apart
    let scratch = Scratch::new(&[
        (
            "hengt.txt",
            "Kommunens tilbud\n\nKommunen gir helse- og omsorgstjenester til alle innbyggere som trenger det, hele året.",
        ),
        (
            "apart.txt",
            "Kommunens helse\n\nKommunen gir tjenester til alle innbyggere, og helse er viktig for dem som trenger det, hele året.",
        ),
    ]);
    let summary = scratch.ingest();
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    let mut req = Request::new("helsetjenester");
    req.explain = true;
    let r = scratch.searcher().search(&req).unwrap();
    assert_eq!(names(&r).first().map(String::as_str), Some("hengt.txt"));
    assert!(
        r.hits[0]
            .explain
            .iter()
            .any(|e| e.matched.starts_with("helsetjenest")
                && matches!(e.feature, Feature::Exact | Feature::Stem)),
        "{:?}",
        r.hits[0].explain
    );
}

#[test]
fn query_words_next_to_each_other_rank_above_the_same_words_apart() {
    let scratch = Scratch::new(&[
        (
            "apart.txt",
            "Notat om skolen\n\nUtdanning er viktig. Skolen gir utdanning og mer utdanning til alle. Kravene blir høyere hvert år.",
        ),
        (
            "together.txt",
            "Notat om opptak\n\nSøknader om opptak til høyere utdanning behandles av samordna opptak hvert år i april og mai, med mange søkere fra hele landet.",
        ),
        (
            "other.txt",
            "Notat om vegar\n\nKommunen vedtek budsjettet for vegar og bruer kvart år.",
        ),
    ]);
    let summary = scratch.ingest();
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    let searcher = scratch.searcher();
    let mut req = Request::new("høyere utdanning");
    req.features.proximity = false;
    let apart_first = names(&searcher.search(&req).unwrap());
    // by the words' scores alone the passage with `utdanning` three times leads
    assert_eq!(apart_first, ["apart.txt", "together.txt"]);
    req.features.proximity = true;
    let together_first = names(&searcher.search(&req).unwrap());
    assert_eq!(together_first, ["together.txt", "apart.txt"]);
}

#[test]
fn a_questions_punctuation_finds_what_the_bare_words_find() {
    if !hunspell() {
        return;
    }
    // compound parts, a neighbour's word, the query's own standard: each
    // looked up by the word, not by the word with its `?` or brackets
    for q in ["kystturisme", "organisasjonene", "verksemd"] {
        let bare = run(q, Features::ALL);
        assert!(!bare.hits.is_empty(), "{q}");
        for typed in [format!("{q}?"), format!("«{q}»"), format!("({q}),")] {
            let r = run(&typed, Features::ALL);
            assert_eq!(names(&r), names(&bare), "{typed}");
            let scores = |r: &Response| r.hits.iter().map(|h| h.score).collect::<Vec<_>>();
            assert_eq!(scores(&r), scores(&bare), "{typed}");
        }
    }
}

#[test]
fn an_english_questions_function_words_change_nothing() {
    if !freedict() {
        return;
    }
    // `what`, `how`, `does` are not in Lucene's 33 English stop words;
    // taken as content words they were translated (`what` → `legg`) and
    // required
    let bare = names(&run("ferry pollution", Features::ALL));
    assert_eq!(bare.first().map(String::as_str), Some("ferje-nb.txt"));
    for q in [
        "what about ferry pollution?",
        "how does ferry pollution happen",
    ] {
        let r = run(q, Features::ALL);
        assert_eq!(
            names(&r).first().map(String::as_str),
            Some("ferje-nb.txt"),
            "{q}: {:?}",
            names(&r)
        );
    }
}

#[test]
fn english_legal_words_find_the_norwegian_regulation_through_the_thesaurus() {
    // the dictionaries' first senses of `act`, `amendment` and `scheme` are
    // not the legal ones, and `regulation` has no `forskrift`: the
    // thesaurus's law-and-administration concepts give them
    let scratch = Scratch::new(&[
        (
            "forskrift.txt",
            "Forskrift om endring i ordningen med tilskudd til kystfiske\n\nDenne forskriften endrer vilkårene for tilskudd til fartøy i kystfiskeflåten.",
        ),
        (
            "kystfiske.txt",
            "Kystfiske i nord\n\nKystfisket er viktig for bosettingen langs kysten, og flåten fornyes år for år.",
        ),
    ]);
    let summary = scratch.ingest();
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    // (`regulation` alone would find it through Swedish `föreskrift`)
    let q = "amendment to the grant scheme";
    let mut req = Request::new(q);
    req.explain = true;
    let r = scratch.searcher().search(&req).unwrap();
    assert_eq!(names(&r), ["forskrift.txt"]);
    for (word, nordic) in [("amendment", "endring"), ("grant", "tilskudd")] {
        assert!(
            r.hits[0].explain.iter().any(|e| e.word == word
                && e.matched == nordic
                && e.feature == Feature::Translation),
            "{:?}",
            r.hits[0].explain
        );
    }
    let mut literal = Request::new(q);
    literal.features.expand = false;
    let r = scratch.searcher().search(&literal).unwrap();
    assert!(names(&r).is_empty(), "{:?}", names(&r));
}
