//! The document page (`/documents/{id}`): reached from a result with the query
//! marked on the page of the hit, the source, date and facet evidence, "more like
//! this", documents Kartotek holds no copy of, and unknown ids.

use axum::http::StatusCode;
use kartotek::server::Config;

use crate::server_fixture::{enc, fixture, get, read_app, XSS_WORD};

/// The `href`s of the result titles on a search page.
fn result_links(html: &str) -> Vec<String> {
    html.split("<h2><a href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|h| h.replace("&amp;", "&"))
        .collect()
}

/// The `id="page-N"` of the page section an offset of `html` is in.
fn page_at(html: &str, at: usize) -> Option<u32> {
    let start = html[..at].rfind("id=\"page-")? + "id=\"page-".len();
    html[start..].split('"').next()?.parse().ok()
}

#[tokio::test]
async fn a_result_opens_its_document_page_with_the_matches_marked_on_the_page_of_the_hit() {
    let app = read_app(Config::default());
    let page = get(&app, "/?q=interreg&ui=en").await.text();
    let links = result_links(&page);
    // a PDF hit carries the page of its best passage
    let link = links
        .iter()
        .find(|l| l.contains("&page="))
        .unwrap_or_else(|| panic!("no PDF hit in {links:?}"));
    assert!(
        link.starts_with("/documents/") && link.ends_with("#hit"),
        "{link}"
    );
    let want_page: u32 = link
        .split("&page=")
        .nth(1)
        .and_then(|r| r.split(['&', '#']).next())
        .and_then(|p| p.parse().ok())
        .unwrap();
    let r = get(&app, link.split('#').next().unwrap()).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    let html = r.text();
    let hit = html
        .find("<mark id=\"hit\">")
        .expect("the mark scrolled to");
    assert_eq!(
        page_at(&html, hit),
        Some(want_page),
        "the hit is on its page"
    );
    assert!(
        html[hit..]
            .to_lowercase()
            .starts_with("<mark id=\"hit\">interreg"),
        "{}",
        &html[hit..hit + 40]
    );
    assert!(html.matches("<mark").count() >= 2, "every match is marked");
    assert!(html.contains("href=\"#hit\""), "a link to the first match");
}

#[tokio::test]
async fn the_document_page_shows_source_date_evidence_and_more_like_this() {
    let app = read_app(Config::default());
    let v = get(&app, "/api/search?q=handlingsprogram&limit=1")
        .await
        .json();
    let id = v["hits"][0]["id"].as_str().unwrap().to_string();
    let html = get(&app, &format!("/documents/{id}?ui=en")).await.text();
    assert!(
        html.contains("<h1>Internasjonalt handlingsprogram for Trøndelag</h1>"),
        "{html}"
    );
    // the original, opened and downloadable, since Kartotek holds the built-in corpus
    assert!(
        html.contains("href=\"/corpus/trondelag-internasjonalt-handlingsprogram.pdf\" download")
    );
    // the date and where it was read
    assert!(html.contains("<time datetime=\"2018-03-20\">2018-03-20</time> <span class=\"how\">(from the text)</span>"), "{html}");
    // facet values with their evidence
    assert!(html.contains("Why it is filed here"));
    assert!(html.contains("first as «"), "{html}");
    // text page by page
    assert!(html.contains("id=\"page-1\"") && html.contains("id=\"page-2\""));
    // more like this: other documents, never itself
    let similar = html
        .split("<aside class=\"similar\"")
        .nth(1)
        .and_then(|rest| rest.split("</aside>").next())
        .expect("a more-like-this list");
    assert!(similar.contains("href=\"/documents/"), "{similar}");
    assert!(!similar.contains(&format!("/documents/{id}")), "{similar}");
}

#[tokio::test]
async fn a_document_kartotek_holds_no_copy_of_says_where_it_came_from_and_stays_text() {
    let app = read_app(Config::default());
    let id = &fixture().xss_id;
    let r = get(&app, &format!("/documents/{id}?q={}&ui=en", enc(XSS_WORD))).await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    assert!(
        html.contains("Kartotek does not keep a copy of this file. It was read from <code>skriptprove.txt</code>"),
        "{html}"
    );
    assert!(!html.contains("<script>alert"), "document text is escaped");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains(&format!("<mark id=\"hit\">{XSS_WORD}</mark>")));
    // the query is reflected escaped, in the page and in its links
    let q = "\"><script>alert(3)</script>";
    let html = get(&app, &format!("/documents/{id}?q={}", enc(q)))
        .await
        .text();
    assert!(!html.contains("<script>alert(3)"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(3)&lt;/script&gt;"),
        "{html}"
    );
}

#[tokio::test]
async fn unknown_documents_get_a_404_page_in_the_interface_language() {
    let app = read_app(Config::default());
    let r = get(&app, "/documents/0000000000000000?ui=sv").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let html = r.text();
    assert!(html.contains("<html lang=\"sv\">"));
    assert!(html.contains("Dokumentet hittades inte"), "{html}");
    let r = get(&app, "/documents/..%2F..%2Fetc%2Fpasswd").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = get(&app, "/documents/0000000000000000?page=0").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("`page`"));
}

#[tokio::test]
async fn a_keyed_server_asks_the_document_page_for_the_key() {
    let app = read_app(Config {
        search_key: Some("intra".into()),
        ..Config::default()
    });
    let id = &fixture().xss_id;
    let r = get(&app, &format!("/documents/{id}?ui=da")).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert!(
        r.text().contains("Denne søgning kræver en nøgle."),
        "{}",
        r.text()
    );
    let r = get(&app, &format!("/documents/{id}?key=nope&ui=fi")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text().contains("Osoitteessa oleva avain"), "{}", r.text());
    let r = get(&app, &format!("/documents/{id}?key=intra")).await;
    assert_eq!(r.status, StatusCode::OK);
    // its links back to the search keep the key
    assert!(r.text().contains("href=\"/?key=intra\""));
}

#[tokio::test]
async fn an_uploaded_original_is_kept_downloadable_and_deleted_with_its_document() {
    crate::common::isolate();
    let dir = tempfile::tempdir().unwrap();
    let index = kartotek::index::Index::open_or_create(&dir.path().join("index")).unwrap();
    let state = kartotek::server::AppState::new(
        index,
        kartotek::taxonomy::Taxonomy::builtin(),
        Config {
            admin_key: Some("admin".into()),
            ..Config::default()
        },
    )
    .unwrap();
    let app = kartotek::server::app(state);
    let text = "Havbruksplan for kysten\n\nVedtatt 2. mai 2022. Planen om havbruk og kystsoner.";
    let r = crate::server_fixture::upload(
        &app,
        Some("admin"),
        &[("file", "havbruk plan.txt", text.as_bytes())],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let id = r.json()["files"][0]["id"].as_str().unwrap().to_string();
    let page = get(&app, &format!("/documents/{id}?ui=en")).await.text();
    let href = format!("/documents/{id}/original");
    assert!(
        page.contains(&format!(
            "<code>havbruk plan.txt</code> · <a href=\"{href}\" download>Download the original</a>"
        )),
        "{page}"
    );
    let r = get(&app, &href).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body, text.as_bytes());
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(
        r.header("content-disposition").as_deref(),
        Some("attachment; filename*=UTF-8''havbruk%20plan.txt")
    );
    assert_eq!(
        r.header("content-security-policy").as_deref(),
        Some("sandbox")
    );
    let del = crate::server_fixture::send(
        &app,
        axum::http::Request::delete(format!("/api/documents/{id}"))
            .header("authorization", "Bearer admin")
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(del.status, StatusCode::NO_CONTENT);
    assert_eq!(get(&app, &href).await.status, StatusCode::NOT_FOUND);
    assert!(!dir.path().join("index/originals").join(&id).exists());
}
