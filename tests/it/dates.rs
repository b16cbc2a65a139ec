//! Dates: where a document's date comes from, the `year` and `period` facets, the
//! `from`/`to` filters and `sort` on the API, the page and the CLI, and browsing
//! newest first.

use std::sync::OnceLock;

use axum::http::StatusCode;
use axum::Router;
use kartotek::server::{app, AppState, Config};
use kartotek::taxonomy::Taxonomy;
use serde_json::Value;

use crate::common::Scratch;
use crate::server_fixture::get;

/// Four documents sharing the word `Fjordvakt`, dated four ways.
pub(crate) const FILES: &[(&str, &str)] = &[
    (
        "vedtak.txt",
        "Regional plan for kystsamarbeid\n\nVedtatt av fylkestinget 12. juni 2020.\n\nFjordvakt er planens tiltak for kysten. Planen følger Interreg-perioden 2021–2027 og bygger på erfaringer fra 2014-2020.",
    ),
    (
        "rapport.html",
        "<!doctype html><html lang=\"sv\"><head><title>Rapport om kustsamarbete</title><meta name=\"date\" content=\"2023-05-04\"></head><body><h1>Rapport om kustsamarbete</h1><p>Fjordvakt är ett samarbete mellan regionerna längs kusten. Rapporten beskriver arbetet under programperioden 2021-2027 och vad som har uppnåtts.</p></body></html>",
    ),
    (
        "notat.txt",
        "Notat om kystvakt\n\nSkrevet 3. mars 2024.\n\nFjordvakt skal evalueres. Notatet oppsummerer arbeidet så langt.",
    ),
    (
        "notat.txt.meta.toml",
        "date = \"15. januar 2019\"\n",
    ),
    (
        "udatert.txt",
        "Ideer til kystsamarbeid\n\nFjordvakt kan bli et nytt samarbeid mellom kommunene. Ingen dato er satt.",
    ),
];

struct Dated {
    scratch: Scratch,
    app: Router,
}

fn dated() -> &'static Dated {
    static D: OnceLock<Dated> = OnceLock::new();
    D.get_or_init(|| {
        let scratch = Scratch::new(FILES);
        let summary = scratch.ingest();
        assert!(summary.failed.is_empty(), "{:?}", summary.failed);
        let state = AppState::with_writer(
            scratch.index.clone(),
            Taxonomy::builtin(),
            Config::default(),
            None,
        );
        Dated {
            app: app(state),
            scratch,
        }
    })
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn api(path: &str) -> (StatusCode, Value) {
    let r = rt().block_on(get(&dated().app, path));
    (r.status, r.json())
}

/// `(file name, date)` of the hits, in order.
fn dated_hits(v: &Value) -> Vec<(String, Option<String>)> {
    v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["url"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string(),
                h["date"].as_str().map(str::to_string),
            )
        })
        .collect()
}

#[test]
fn a_date_comes_from_metadata_the_text_or_a_sidecar_and_says_which() {
    let (_, v) = api("/api/search?q=fjordvakt&limit=10");
    assert_eq!(v["total"], 4, "{v}");
    let mut seen = Vec::new();
    for hit in v["hits"].as_array().unwrap() {
        let (_, d) = api(&format!("/api/documents/{}", hit["id"].as_str().unwrap()));
        let name = d["url"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_string();
        seen.push((name, d["date"].clone(), d["date_source"].clone()));
    }
    seen.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        seen,
        vec![
            // the sidecar wins over the date in the text, and is normalised
            ("notat.txt".into(), "2019-01-15".into(), "sidecar".into()),
            (
                "rapport.html".into(),
                "2023-05-04".into(),
                "metadata".into()
            ),
            ("udatert.txt".into(), Value::Null, Value::Null),
            ("vedtak.txt".into(), "2020-06-12".into(), "text".into()),
        ]
    );
}

#[test]
fn years_and_programme_periods_are_facets_with_evidence() {
    let (_, v) = api("/api/search?q=fjordvakt&ui=en");
    let years: Vec<(&str, u64)> = v["facets"]["year"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["path"].as_str().unwrap(), f["count"].as_u64().unwrap()))
        .collect();
    let mut years = years;
    years.sort();
    assert_eq!(years, [("/2019", 1), ("/2020", 1), ("/2023", 1)]);
    let periods = v["facets"]["period"].as_array().unwrap();
    let p2127 = periods
        .iter()
        .find(|p| p["path"] == "/2021-2027")
        .expect("the 2021-2027 period");
    assert_eq!(p2127["count"], 2);
    assert_eq!(p2127["label"], "2021–2027");
    assert!(periods.iter().any(|p| p["path"] == "/2014-2020"), "{v}");
    // a year filter narrows the results like any facet
    let (_, v) = api("/api/search?q=fjordvakt&year=%2F2023");
    assert_eq!(
        dated_hits(&v),
        [("rapport.html".to_string(), Some("2023-05-04".to_string()))]
    );
    // the evidence of a period is its first mention, as written
    let vedtak = dated_hits(&api("/api/search?q=fjordvakt&limit=10").1)
        .iter()
        .position(|(n, _)| n == "vedtak.txt")
        .unwrap();
    let (_, all) = api("/api/search?q=fjordvakt&limit=10");
    let id = all["hits"][vedtak]["id"].as_str().unwrap().to_string();
    let (_, d) = api(&format!("/api/documents/{id}"));
    let period = d["facets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["facet"] == "period" && f["path"] == "/2021-2027")
        .expect("period with evidence");
    assert_eq!(period["first_match"], "2021–2027");
}

#[test]
fn from_and_to_keep_documents_dated_in_the_range() {
    let (s, v) = api("/api/search?q=fjordvakt&from=2020&to=2023-06");
    assert_eq!(s, StatusCode::OK);
    let mut names: Vec<String> = dated_hits(&v).into_iter().map(|(n, _)| n).collect();
    names.sort();
    assert_eq!(names, ["rapport.html", "vedtak.txt"]);
    let (_, v) = api("/api/search?q=fjordvakt&from=2023-05-05");
    assert_eq!(
        v["total"], 0,
        "from is inclusive of the day, not after it: {v}"
    );
    let (_, v) = api("/api/search?q=fjordvakt&to=2019-01-15");
    assert_eq!(
        dated_hits(&v),
        [("notat.txt".to_string(), Some("2019-01-15".to_string()))]
    );
}

#[test]
fn sort_by_date_puts_the_newest_first_and_undated_last() {
    let (_, v) = api("/api/search?q=fjordvakt&sort=date");
    let dates: Vec<Option<String>> = dated_hits(&v).into_iter().map(|(_, d)| d).collect();
    assert_eq!(
        dates,
        [
            Some("2023-05-04".to_string()),
            Some("2020-06-12".to_string()),
            Some("2019-01-15".to_string()),
            None
        ]
    );
    // sort=relevance is accepted and is not the date order here
    let (s, _) = api("/api/search?q=fjordvakt&sort=relevance");
    assert_eq!(s, StatusCode::OK);
}

#[test]
fn browsing_without_a_query_lists_the_newest_first() {
    let (_, v) = api("/api/search?q=");
    let dates: Vec<Option<String>> = dated_hits(&v).into_iter().map(|(_, d)| d).collect();
    assert_eq!(dates.len(), 4);
    assert_eq!(dates[0].as_deref(), Some("2023-05-04"), "{v}");
    assert_eq!(dates[3], None, "{v}");
}

#[test]
fn bad_dates_and_orders_are_400_naming_the_parameter() {
    for (query, name) in [
        ("from=2021-02-30", "`from`"),
        ("to=yesterday", "`to`"),
        ("from=2023&to=2020", "`from`"),
        ("sort=newest", "`sort`"),
        ("from=2021&from=2022", "`from`"),
    ] {
        let (s, v) = api(&format!("/api/search?q=x&{query}"));
        assert_eq!(s, StatusCode::BAD_REQUEST, "{query}");
        let msg = v["error"]["message"].as_str().unwrap();
        assert!(msg.contains(name), "{query}: {msg}");
        assert_eq!(v["error"]["code"], "invalid_parameter");
    }
    // the page answers with a page, not a 500
    let r = rt().block_on(get(&dated().app, "/?q=x&from=2021-13&ui=en"));
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("`from`"), "{}", r.text());
}

#[test]
fn the_search_page_filters_by_year_and_sorts_by_date() {
    let r = rt().block_on(get(&dated().app, "/?q=fjordvakt&ui=en"));
    let html = r.text();
    assert!(html.contains("name=\"from\""), "a date range form");
    assert!(html.contains("sort=date"), "a link to sort by date");
    assert!(html.contains("year=%2F2023"), "year facet links");
    assert!(
        html.contains("<time datetime=\"2023-05-04\">"),
        "hits show their date"
    );
    let r = rt().block_on(get(&dated().app, "/?q=fjordvakt&sort=date&from=2020&ui=en"));
    let html = r.text();
    let first = html.find("2023-05-04").unwrap();
    let second = html.find("2020-06-12").unwrap();
    assert!(first < second, "newest first");
    assert!(
        !html.contains("<time datetime=\"2019-01-15\">"),
        "from=2020 drops 2019"
    );
    assert!(
        html.contains("class=\"chip\""),
        "the date range is an active filter"
    );
}

#[test]
fn the_cli_filters_and_sorts_by_date() {
    let s = &dated().scratch;
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("i");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_kartotek"))
            .arg("--index")
            .arg(&index)
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["ingest", &s.docs.display().to_string()]);
    crate::common::assert_exit_ok(&out);
    let out = run(&[
        "search",
        "--json",
        "--sort",
        "date",
        "--from",
        "2020",
        "fjordvakt",
    ]);
    crate::common::assert_exit_ok(&out);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let dates: Vec<&str> = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["date"].as_str().unwrap_or("none"))
        .collect();
    assert_eq!(dates, ["2023-05-04", "2020-06-12"]);
    let out = run(&["search", "--from", "2021-13", "fjordvakt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("2021-06-30"));
    let out = run(&["search", "--sort", "newest", "fjordvakt"]);
    assert_eq!(out.status.code(), Some(2));
}
