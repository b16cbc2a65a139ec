//! Behaviour tests for the taxonomy files and the tagger.

use super::*;

fn tax() -> &'static Taxonomy {
    Taxonomy::builtin()
}

fn paths(text: &str, kind: FacetKind) -> Vec<String> {
    tax()
        .tag(text)
        .into_iter()
        .filter(|t| t.kind == kind)
        .map(|t| t.path)
        .collect()
}

fn has(text: &str, kind: FacetKind, path: &str) -> bool {
    paths(text, kind).iter().any(|p| p == path)
}

#[test]
fn builtin_files_parse_and_are_not_empty() {
    for (kind, file, text) in BUILTIN {
        let parsed = load::parse_facet(kind, file, text);
        assert!(
            parsed.is_ok(),
            "{file}: {}",
            parsed.err().map(|e| e.to_string()).unwrap_or_default()
        );
        assert!(!tax().concepts(kind).is_empty(), "{file} has no concepts");
    }
}

#[test]
fn every_path_has_its_parent() {
    for kind in FacetKind::all() {
        for c in tax().concepts(kind) {
            for a in ancestors(&c.path) {
                assert!(
                    tax().concept(kind, &a).is_some(),
                    "`{}` lacks ancestor `{a}`",
                    c.path
                );
            }
        }
    }
}

#[test]
fn every_alias_is_unique_per_facet() {
    // The loader rejects duplicates; prove it on the real files and on a crafted one.
    for (kind, file, text) in BUILTIN {
        assert!(load::parse_facet(kind, file, text).is_ok());
    }
    let dup = r#"
[[concept]]
path = "/a"
label_en = "A"
label_nb = "A"
aliases = { nb = ["Trøndelag"] }
[[concept]]
path = "/b"
label_en = "B"
label_nb = "B"
aliases = { en = ["Trondelag"] }
"#;
    let err = load::parse_facet(FacetKind::Region, "region.toml", dup).unwrap_err();
    assert!(err.to_string().contains("alias `trondelag`"), "{err}");
}

#[test]
fn required_region_coverage_is_present() {
    let t = tax();
    let count = |prefix: &str, depth: usize| {
        t.concepts(FacetKind::Region)
            .iter()
            .filter(|c| c.path.starts_with(prefix) && c.path.matches('/').count() == depth)
            .count()
    };
    assert_eq!(count("/finland/", 2), 19, "19 Finnish regions");
    assert_eq!(count("/denmark/", 2), 5, "5 Danish regions");
    assert_eq!(count("/sweden/", 2), 21, "21 Swedish regions");
    // 15 counties of 2024 + 3 counties of 2020-2023.
    assert_eq!(count("/norway/", 2), 18);
    let municipalities = t
        .concepts(FacetKind::Region)
        .iter()
        .filter(|c| {
            c.path.starts_with("/norway/trondelag/")
                && !c.path.contains("region")
                && ![
                    "/norway/trondelag/innherred",
                    "/norway/trondelag/namdal",
                    "/norway/trondelag/fosen",
                ]
                .contains(&c.path.as_str())
        })
        .count();
    assert_eq!(municipalities, 38, "all Trøndelag municipalities");
    for p in [
        "/norway/vestland/bergen",
        "/norway/trondelag/trondheim",
        "/sweden/jamtland-harjedalen",
        "/macro/north-sea",
    ] {
        assert!(t.concept(FacetKind::Region, p).is_some(), "{p}");
    }
}

#[test]
fn eos_midlene_and_eea_grants_tag_the_same_concept() {
    assert!(has(
        "Prosjektet er finansiert av EØS-midlene.",
        FacetKind::Programme,
        "/eea-grants"
    ));
    assert!(has(
        "Funded by the EEA Grants.",
        FacetKind::Programme,
        "/eea-grants"
    ));
    assert!(has(
        "EEA and Norway Grants 2014-2021",
        FacetKind::Programme,
        "/eea-grants"
    ));
}

#[test]
fn horisont_europa_and_horizon_europe_tag_the_same_concept() {
    assert!(has(
        "søknader til Horisont Europa",
        FacetKind::Programme,
        "/horizon-europe"
    ));
    assert!(has(
        "applications to Horizon Europe",
        FacetKind::Programme,
        "/horizon-europe"
    ));
    assert!(
        has(
            "hakemukset Horisontti Eurooppaan",
            FacetKind::Programme,
            "/horizon-europe"
        ) || has(
            "Horisontti Eurooppa -ohjelma",
            FacetKind::Programme,
            "/horizon-europe"
        )
    );
}

#[test]
fn nordsjokommisjonen_and_north_sea_commission_tag_the_same_concept() {
    let nb = paths("Vi deltar i Nordsjøkommisjonen.", FacetKind::Network);
    let en = paths(
        "We take part in the North Sea Commission.",
        FacetKind::Network,
    );
    assert_eq!(nb, vec!["/cpmr/north-sea-commission".to_string()]);
    assert_eq!(en, nb);
    // The commission is not also the North Sea region.
    assert!(paths("the North Sea Commission", FacetKind::Region).is_empty());
}

#[test]
fn genitive_trondelags_tags_trondelag_with_its_phrase() {
    let tags = tax().tag("Trøndelags næringsliv og Jämtlands län");
    let t = tags.iter().find(|t| t.path == "/norway/trondelag").unwrap();
    assert_eq!(t.first_match, "Trøndelags");
    assert!(tags.iter().any(|t| t.path == "/sweden/jamtland-harjedalen"));
}

#[test]
fn lowercase_polis_and_life_do_not_trigger_acronyms() {
    let text = "Han ringte polis og sa at life is good, og Nora kom hjem.";
    assert!(paths(text, FacetKind::Network).is_empty());
    assert!(paths(text, FacetKind::Programme).is_empty());
    assert!(has(
        "We joined POLIS in 2020.",
        FacetKind::Network,
        "/polis"
    ));
    assert!(has(
        "LIFE-programmet støtter miljø",
        FacetKind::Programme,
        "/life"
    ));
    assert!(has(
        "NORA finansierer prosjekter",
        FacetKind::Programme,
        "/nora"
    ));
}

#[test]
fn nordland_does_not_trigger_interreg_nord() {
    assert!(!has(
        "Nordland fylkeskommune og Nord universitet",
        FacetKind::Programme,
        "/interreg/nord"
    ));
    assert!(has(
        "Nordland fylkeskommune",
        FacetKind::Region,
        "/norway/nordland"
    ));
    assert!(has(
        "programmet Interreg Nord, delområde Sápmi",
        FacetKind::Programme,
        "/interreg/nord"
    ));
}

#[test]
fn aurora_counts_only_near_interreg() {
    assert!(!has(
        "We watched the aurora borealis. Aurora is a name.",
        FacetKind::Programme,
        "/interreg/aurora"
    ));
    assert!(has(
        "The new Interreg programme for the north, Aurora, started in 2022.",
        FacetKind::Programme,
        "/interreg/aurora"
    ));
    assert!(has(
        "Interreg Aurora",
        FacetKind::Programme,
        "/interreg/aurora"
    ));
}

#[test]
fn europa_alone_tags_nothing() {
    assert!(tax()
        .tag("Europa og Europe er viktige for oss i Europa.")
        .is_empty());
}

#[test]
fn diacritic_loss_is_tolerated_for_long_names_only() {
    assert!(has(
        "Innherred og Trondelag",
        FacetKind::Region,
        "/norway/trondelag"
    ));
    assert!(has(
        "Trendelags Europa-\nkontor",
        FacetKind::Network,
        "/brussels-office/mid-norway"
    ));
    // `Ås`-like short names must keep their diacritics: `Åbo` is Turku, `abo` is not.
    assert!(has(
        "i Åbo",
        FacetKind::Region,
        "/finland/varsinais-suomi/turku"
    ));
    assert!(!has(
        "abo abo",
        FacetKind::Region,
        "/finland/varsinais-suomi/turku"
    ));
}

#[test]
fn word_boundaries_use_unicode_letters() {
    // `Oslo` inside a longer word is not Oslo; `Bergen` followed by a hyphen is.
    assert!(!has("Osloåsen", FacetKind::Region, "/norway/oslo"));
    assert!(has(
        "Bergen-kontoret",
        FacetKind::Region,
        "/norway/vestland/bergen"
    ));
}

#[test]
fn finnish_case_endings_are_matched() {
    assert!(has(
        "Pohjois-Pohjanmaalla on paljon",
        FacetKind::Region,
        "/finland/pohjois-pohjanmaa"
    ));
    assert!(has(
        "Uudellamaalla asuu",
        FacetKind::Region,
        "/finland/uusimaa"
    ));
    assert!(has(
        "Helsingissä",
        FacetKind::Region,
        "/finland/uusimaa/helsinki"
    ));
}

#[test]
fn common_word_place_names_do_not_fire() {
    assert!(paths(
        "Vi kom heim frå skulen, og osen var full av mose.",
        FacetKind::Region
    )
    .is_empty());
    assert!(has(
        "Heim kommune",
        FacetKind::Region,
        "/norway/trondelag/heim"
    ));
    assert!(paths("life on an island", FacetKind::Region).is_empty());
    assert!(has(
        "Island og Liechtenstein",
        FacetKind::Region,
        "/iceland"
    ));
}

#[test]
fn ancestors_lists_every_prefix() {
    assert_eq!(
        ancestors("/norway/trondelag/trondheim"),
        vec![
            "/norway",
            "/norway/trondelag",
            "/norway/trondelag/trondheim"
        ]
    );
    assert!(ancestors("").is_empty());
    assert_eq!(ancestors("//a//b/"), vec!["/a", "/a/b"]);
}

#[test]
fn broken_toml_dir_names_the_file_and_line() {
    let dir = std::env::temp_dir().join(format!("kartotek-tax-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (kind, file, text) in BUILTIN {
        let body = if kind == FacetKind::Network {
            format!("{text}\n[[concept]]\npath = \"/broken\nlabel_en = 1\n")
        } else {
            text.to_string()
        };
        std::fs::write(dir.join(file), body).unwrap();
    }
    let err = Taxonomy::load_dir(&dir).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("network.toml"), "{msg}");
    assert!(msg.contains("line"), "{msg}");
    assert!(matches!(err, TaxonomyError::Parse { line, .. } if line > 100));

    std::fs::remove_file(dir.join("theme.toml")).unwrap();
    let msg = Taxonomy::load_dir(&dir).unwrap_err().to_string();
    assert!(
        msg.contains("theme.toml") || msg.contains("network.toml"),
        "{msg}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn missing_parent_is_an_error_naming_the_file() {
    let orphan = "[[concept]]\npath = \"/a/b\"\nlabel_en = \"B\"\nlabel_nb = \"B\"\n";
    let err = load::parse_facet(FacetKind::Region, "region.toml", orphan).unwrap_err();
    assert!(
        err.to_string().contains("region.toml") && err.to_string().contains("`/a`"),
        "{err}"
    );
}

#[test]
fn load_dir_reads_a_replacement_taxonomy() {
    let dir = std::env::temp_dir().join(format!("kartotek-tax-alt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for kind in FacetKind::all() {
        let body = if kind == FacetKind::Region {
            "[[concept]]\npath = \"/atlantis\"\nlabel_en = \"Atlantis\"\nlabel_nb = \"Atlantis\"\naliases = { en = [\"Atlantis\"] }\n"
        } else {
            ""
        };
        std::fs::write(dir.join(format!("{}.toml", kind.as_str())), body).unwrap();
    }
    let t = Taxonomy::load_dir(&dir).unwrap();
    let tags = t.tag("Atlantis sank. Trondheim did not.");
    assert_eq!(tags.len(), 1);
    assert_eq!(tags[0].path, "/atlantis");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn theme_needs_more_than_one_passing_mention() {
    let passing =
        "Rapporten handler om budsjett og organisering. Vi nevner klima en gang. ".repeat(3);
    assert!(paths(&passing, FacetKind::Theme).is_empty());
    let focused = "Klimaendringene krever kutt i klimagassutslipp. Fornybar energi og havvind \
                   er sentralt for energiomstillingen, og klimatilpasning må planlegges. \
                   Utslippene skal ned med 55 prosent, og hydrogen kan erstatte diesel.";
    assert!(has(focused, FacetKind::Theme, "/climate-energy"));
}

#[test]
fn tags_are_sorted_by_facet_then_count_and_carry_evidence() {
    let tags = tax().tag("ERRIN i Trondheim. Trondheim og Oslo. Erasmus+ og ERRIN. ERRIN!");
    let kinds: Vec<FacetKind> = tags.iter().map(|t| t.kind).collect();
    let mut sorted = kinds.clone();
    sorted.sort();
    assert_eq!(kinds, sorted);
    assert_eq!(tags[0].path, "/norway/trondelag/trondheim");
    assert_eq!(tags[0].count, 2);
    let errin = tags.iter().find(|t| t.path == "/errin").unwrap();
    assert_eq!((errin.count, errin.first_match.as_str()), (3, "ERRIN"));
}

#[test]
fn labels_and_expansions_are_multilingual() {
    let t = tax();
    assert_eq!(
        t.label(FacetKind::Programme, "/eea-grants", "nb"),
        "EØS-midlene"
    );
    assert_eq!(
        t.label(FacetKind::Programme, "/eea-grants", "en"),
        "EEA and Norway Grants"
    );
    assert_eq!(t.label(FacetKind::Region, "/nowhere", "en"), "/nowhere");
    let (kind, c) = t.concept_for_phrase("horisont europa").unwrap();
    assert_eq!(
        (kind, c.path.as_str()),
        (FacetKind::Programme, "/horizon-europe")
    );
    let exp = t.expansions("Nordsjøkommisjonen");
    assert!(exp.iter().any(|s| s == "North Sea Commission"), "{exp:?}");
    assert!(t.expansions("no such thing").is_empty());
    assert!(t
        .all_aliases(FacetKind::Region, "/norway/trondelag")
        .contains(&"Trøndelag"));
}

#[test]
fn a_funds_search_names_reach_every_language_within_a_short_list() {
    let t = tax();
    let (kind, c) = t.concept_for_phrase("ERDF").unwrap();
    assert_eq!(c.path, "/cohesion-policy/erdf");
    // every language's first name and the acronyms come before any second
    // name: the Swedish name and acronym within the first dozen
    let names = t.search_names(kind, &c.path);
    let at = |n: &str| names.iter().position(|s| *s == n);
    assert!(
        at("Europeiska regionala utvecklingsfonden").is_some_and(|i| i < 8),
        "{names:?}"
    );
    assert!(at("ERUF").is_some_and(|i| i < 13), "{names:?}");
    assert!(
        at("Euroopan aluekehitysrahasto").is_some_and(|i| i < 8),
        "{names:?}"
    );
    assert!(
        names.iter().all(|s| !s.contains('(') && !s.contains('*')),
        "{names:?}"
    );
}

#[test]
fn the_cohesion_funds_tag_by_name_and_acronym_in_each_language() {
    for (text, path) in [
        (
            "delfinansiert av EUs regionale utviklingsfond, Interreg",
            "/cohesion-policy/erdf",
        ),
        (
            "medel från Europeiska socialfonden+ (ESF+)",
            "/cohesion-policy/esf-plus",
        ),
        (
            "Rahoitus tulee Euroopan aluekehitysrahastosta.",
            "/cohesion-policy/erdf",
        ),
        ("EU:s sammanhållningspolitik efter 2027", "/cohesion-policy"),
        (
            "Förslaget om Fonden för en rättvis omställning",
            "/cohesion-policy/just-transition-fund",
        ),
        ("havs- och fiskerifonden", "/emfaf"),
    ] {
        assert!(has(text, FacetKind::Programme, path), "{text} → {path}");
    }
    // `frø` ("seed") is no fund, and the word `life` no programme
    assert!(paths("frø og FRØ", FacetKind::Programme).is_empty());
}

#[test]
fn garbage_input_never_panics() {
    let t = tax();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let sample = "Trøndelags Europa-\nkontor ÖKS EØS-midlene Pohjois-Pohjanmaalla – ’s ";
    for i in 0..300 {
        let mut bytes = Vec::new();
        for _ in 0..(i % 97) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            bytes.push((seed & 0xff) as u8);
        }
        let text = String::from_utf8_lossy(&bytes).to_string();
        let _ = t.tag(&text);
        let cut = sample
            .char_indices()
            .map(|(j, _)| j)
            .nth(i % sample.chars().count())
            .unwrap_or(0);
        let _ = t.tag(&sample[..cut]);
        let _ = t.tag(&format!("{}{}", &sample[cut..], text));
    }
    let _ = t.tag("");
    let _ = t.tag("-\n");
    let _ = t.tag("\u{00ad}\u{2013}\n\n ſ İ ß");
}
