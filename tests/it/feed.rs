//! The Atom feed of a search (`/feed.atom`), read back with an independent parser
//! (feed-rs) and checked for the elements RFC 4287 requires.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use kartotek::server::Config;

use crate::server_fixture::{get, read_app, send};

/// The text of every `<name>` element directly inside `<entry>` elements, per entry.
fn entry_children(xml: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut depth_in_entry: Option<usize> = None;
    let mut depth = 0usize;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(e)) => {
                let name = e.name().into_inner().to_string();
                depth += 1;
                if name == "entry" {
                    depth_in_entry = Some(depth);
                    out.push(Vec::new());
                } else if depth_in_entry.is_some_and(|d| depth == d + 1) {
                    if let Some(last) = out.last_mut() {
                        last.push(name);
                    }
                }
            }
            Ok(quick_xml::events::Event::Empty(e)) => {
                let name = e.name().into_inner().to_string();
                if depth_in_entry.is_some_and(|d| depth == d) {
                    if let Some(last) = out.last_mut() {
                        last.push(name);
                    }
                }
            }
            Ok(quick_xml::events::Event::End(e)) => {
                if e.name().into_inner() == "entry" {
                    depth_in_entry = None;
                }
                depth -= 1;
            }
            Ok(quick_xml::events::Event::Eof) => break,
            Err(e) => panic!("not well-formed XML: {e}"),
            _ => {}
        }
    }
    out
}

#[tokio::test]
async fn the_feed_of_a_search_is_valid_atom_newest_first() {
    let app = read_app(Config::default());
    let r = send(
        &app,
        Request::get("/feed.atom?q=&lang=nb&ui=nb")
            .header("host", "kartotek.example")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/atom+xml; charset=utf-8")
    );
    let xml = r.text();
    let feed = feed_rs::parser::parse(xml.as_bytes()).expect("a feed parser reads it");
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom);
    // required feed elements: id, title, updated (and an author, as no entry has one)
    assert!(feed.id.starts_with("urn:kartotek:search:"), "{}", feed.id);
    assert!(feed.title.as_ref().is_some_and(|t| !t.content.is_empty()));
    assert!(feed.updated.is_some());
    assert!(!feed.authors.is_empty());
    assert!(
        xml.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""),
        "{xml}"
    );
    assert!(feed.links.iter().any(|l| l.rel.as_deref() == Some("self")
        && l.href.starts_with("http://kartotek.example/feed.atom")));
    // dated Bokmål documents of the built-in corpus, newest first
    assert!(feed.entries.len() >= 2, "{xml}");
    let mut last = None;
    for e in &feed.entries {
        assert!(e.id.starts_with("urn:kartotek:document:"), "{}", e.id);
        assert!(e.title.as_ref().is_some_and(|t| !t.content.is_empty()));
        let updated = e.updated.expect("entry updated");
        if let Some(prev) = last {
            assert!(updated <= prev, "newest first");
        }
        last = Some(updated);
        let link = &e.links[0];
        assert!(
            link.href.starts_with("http://kartotek.example/documents/"),
            "{}",
            link.href
        );
    }
    assert_eq!(feed.updated, feed.entries.first().and_then(|e| e.updated));
    // feed-rs fills in what is missing: check the XML itself has each required element
    for children in entry_children(&xml) {
        for required in ["id", "title", "updated", "link"] {
            assert!(
                children.iter().any(|c| c == required),
                "an entry lacks <{required}>: {children:?}"
            );
        }
    }
    // the same search keeps the same feed id
    let again = get(&app, "/feed.atom?lang=nb&q=").await.text();
    let again = feed_rs::parser::parse(again.as_bytes()).unwrap();
    assert_eq!(again.id, feed.id);
}

#[tokio::test]
async fn the_feed_honours_the_filters_and_the_search_key() {
    let app = read_app(Config {
        search_key: Some("intra".into()),
        ..Config::default()
    });
    let r = get(&app, "/feed.atom?q=interreg").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = get(&app, "/feed.atom?q=interreg&key=wrong").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = get(&app, "/feed.atom?q=interreg&from=2023&key=intra").await;
    assert_eq!(r.status, StatusCode::OK);
    let feed = feed_rs::parser::parse(r.body.as_slice()).unwrap();
    assert!(!feed.entries.is_empty());
    for e in &feed.entries {
        assert!(e.updated.unwrap().format("%Y").to_string().as_str() >= "2023");
        // links back to this server carry the key, as the page's do
        assert!(e.links[0].href.contains("key=intra"), "{}", e.links[0].href);
    }
    let r = get(&app, "/feed.atom?q=x&from=someday&key=intra").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("`from`"));
}

#[tokio::test]
async fn every_search_page_links_its_feed() {
    let app = read_app(Config::default());
    let html = get(&app, "/?q=interreg&programme=%2Finterreg&ui=en")
        .await
        .text();
    assert!(
        html.contains("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Follow this search (Atom feed)\" href=\"/feed.atom?q=interreg&amp;programme=%2Finterreg&amp;ui=en\">"),
        "{html}"
    );
    assert!(html.contains("class=\"feed\" href=\"/feed.atom?q=interreg&amp;programme=%2Finterreg"));
}
