//! Facets: tagging at ingest, filters (OR within, AND across, parents match
//! descendants), disjunctive counts, and corrections by people.

use kartotek::document::Origin;
use kartotek::search::{Request, Response};

use crate::common::{names, shared, Scratch};

fn run(req: Request) -> Response {
    shared().searcher.search(&req).unwrap()
}

fn count(r: &Response, facet: &str, path: &str) -> u64 {
    r.facets[facet]
        .iter()
        .find(|c| c.path == path)
        .map(|c| c.count)
        .unwrap_or(0)
}

#[test]
fn corpus_documents_are_tagged_from_their_text() {
    let r = run(Request::new("Horizon Europe"));
    let ntnu = r
        .hits
        .iter()
        .find(|h| {
            h.url
                .ends_with("ntnu-horizon-europe-partners-contribution.pdf")
        })
        .unwrap();
    assert!(
        ntnu.facets["programme"].contains(&"/horizon-europe/mission-cities".to_string()),
        "{:?}",
        ntnu.facets
    );
    assert!(ntnu.facets["network"].contains(&"/errin".to_string()));
    assert!(ntnu.facets["region"].contains(&"/norway/vestland/bergen".to_string()));
}

#[test]
fn filtering_by_a_parent_region_returns_documents_tagged_with_a_child() {
    // the NTNU document is tagged /norway/vestland/bergen, never /norway/vestland itself
    let r = run(Request::new("").filter("region", "/norway/vestland"));
    assert!(
        names(&r).contains(&"ntnu-horizon-europe-partners-contribution.pdf".to_string()),
        "{:?}",
        names(&r)
    );
    let hit = &r.hits[0];
    assert!(hit.facets["region"].iter().all(|p| p != "/norway/vestland"));
}

#[test]
fn values_of_one_facet_are_ored_and_facets_are_anded() {
    let nord = run(Request::new("").filter("programme", "/interreg/nord")).total;
    let npa = run(Request::new("").filter("programme", "/horizon-europe/mission-cities")).total;
    let either = run(Request::new("")
        .filter("programme", "/interreg/nord")
        .filter("programme", "/horizon-europe/mission-cities"))
    .total;
    assert!(either >= nord.max(npa) && either <= nord + npa && either > 0);
    let both_facets = run(Request::new("")
        .filter("programme", "/horizon-europe")
        .filter("network", "/polis"));
    for h in &both_facets.hits {
        assert!(h.facets["programme"]
            .iter()
            .any(|p| p.starts_with("/horizon-europe")));
        assert!(h.facets["network"].contains(&"/polis".to_string()));
    }
}

#[test]
fn facet_counts_are_disjunctive_with_two_filters() {
    let filtered = run(Request::new("")
        .filter("programme", "/horizon-europe")
        .filter("region", "/norway/trondelag"));
    assert!(filtered.total >= 1);
    // programme counts ignore the programme filter but respect the region one …
    for c in &filtered.facets["programme"] {
        let expect = run(Request::new("")
            .filter("region", "/norway/trondelag")
            .filter("programme", &c.path))
        .total;
        assert_eq!(c.count, expect, "programme {}", c.path);
    }
    // … and region counts ignore the region filter but respect the programme one
    for c in &filtered.facets["region"] {
        let expect = run(Request::new("")
            .filter("programme", "/horizon-europe")
            .filter("region", &c.path))
        .total;
        assert_eq!(c.count, expect, "region {}", c.path);
    }
    // a facet without a filter counts the filtered result set
    let lang_total: u64 = filtered.facets["lang"].iter().map(|c| c.count).sum();
    assert_eq!(lang_total, filtered.total);
    // and the region counts include values outside the current selection
    let all_regions = run(Request::new("").filter("programme", "/horizon-europe"));
    assert_eq!(
        count(&filtered, "region", "/norway"),
        count(&all_regions, "region", "/norway")
    );
}

#[test]
fn language_is_a_facet_and_a_filter() {
    let nn = run(Request::new("").filter("lang", "nn"));
    assert!(nn.total >= 2, "nynorsk fixtures: {:?}", names(&nn));
    assert!(nn.hits.iter().all(|h| h.lang == "nn"));
}

#[test]
fn an_unknown_facet_is_a_parameter_error_naming_it() {
    let e = shared()
        .searcher
        .search(&Request::new("x").filter("colour", "/red"))
        .unwrap_err();
    assert_eq!(e.code().as_str(), "invalid_parameter");
    assert!(e.to_string().contains("`colour`"), "{e}");
}

#[test]
fn a_sidecar_file_overrides_the_tags_from_the_text() {
    let s = Scratch::new(&[
        (
            "plan.txt",
            "Trøndelag fylkeskommune deltar i Interreg Aurora og i ERRIN. Samarbeidet gjelder forskning og innovasjon.",
        ),
        (
            "plan.txt.meta.toml",
            "title = \"Plan for nordlig samarbeid\"\n[facets]\nregion = [\"/sweden/norrbotten\"]\n[remove]\nnetwork = [\"/errin\"]\n",
        ),
    ]);
    let summary = s.ingest();
    assert_eq!(summary.indexed, 1, "{:?}", summary.failed);
    let index = &s.index;
    let (id, _) = index.sources().unwrap().remove(0);
    let doc = index.get_document(&id).unwrap().unwrap();
    assert_eq!(doc.title, "Plan for nordlig samarbeid");
    let find = |facet: &str, path: &str| {
        doc.facets
            .iter()
            .find(|f| f.facet == facet && f.path == path)
            .cloned()
    };
    assert_eq!(
        find("region", "/sweden/norrbotten").unwrap().origin,
        Origin::Metadata
    );
    let trondelag = find("region", "/norway/trondelag").expect("text tag kept");
    assert_eq!(trondelag.origin, Origin::Text);
    assert!(trondelag
        .first_match
        .as_deref()
        .unwrap()
        .starts_with("Trøndelag"));
    assert!(
        find("network", "/errin").is_none(),
        "removed by the sidecar"
    );
    let searcher = s.searcher();
    assert_eq!(
        searcher
            .search(&Request::new("").filter("region", "/sweden"))
            .unwrap()
            .total,
        1
    );
    assert_eq!(
        searcher
            .search(&Request::new("").filter("network", "/errin"))
            .unwrap()
            .total,
        0
    );
    // editing the sidecar re-indexes the document
    s.write("plan.txt.meta.toml", "title = \"Ny tittel\"\n");
    assert_eq!(s.ingest().indexed, 1);
    assert_eq!(index.get_document(&id).unwrap().unwrap().title, "Ny tittel");
}
