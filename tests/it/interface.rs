//! Interface languages: Bokmål, Nynorsk, Swedish, Danish, Finnish and English for the
//! search page, the document page, the widget and the error pages meant for people,
//! chosen from `ui=`, then `Accept-Language`, then English.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use kartotek::server::Config;

use crate::server_fixture::{get, read_app, send};

async fn page(accept: &str, uri: &str) -> (StatusCode, String) {
    let app = read_app(Config::default());
    let r = send(
        &app,
        Request::get(uri)
            .header("accept-language", accept)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    (r.status, r.text())
}

#[tokio::test]
async fn the_search_page_speaks_swedish_danish_and_finnish() {
    for (accept, code, search, sort_date) in [
        ("sv-SE,sv;q=0.9,en;q=0.5", "sv", ">Sök<", "Nyaste först"),
        ("da-DK", "da", ">Søg<", "Nyeste først"),
        ("fi-FI,fi;q=0.9", "fi", ">Hae<", "Uusimmat ensin"),
    ] {
        let (status, html) = page(accept, "/?q=interreg").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains(&format!("<html lang=\"{code}\">")),
            "{accept}"
        );
        assert!(html.contains(search), "{accept}");
        assert!(html.contains(sort_date), "{accept}");
        // the switcher offers every language by its own name
        for name in ["Bokmål", "Nynorsk", "Svenska", "Dansk", "Suomi", "English"] {
            assert!(html.contains(&format!(">{name}</a>")), "{accept}: {name}");
        }
    }
    // `ui=` wins over the header; an unknown `ui` is refused, naming the choices
    let (_, html) = page("fi", "/?q=interreg&ui=sv").await;
    assert!(html.contains("<html lang=\"sv\">"));
    let (status, html) = page("sv", "/?q=interreg&ui=fr").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        html.contains("<html lang=\"sv\">"),
        "the error page speaks Swedish"
    );
    assert!(html.contains("Sökningen kunde inte genomföras"), "{html}");
    assert!(html.contains("`sv`, `da`, `fi`"), "{html}");
}

#[tokio::test]
async fn language_names_and_value_labels_follow_the_interface() {
    let (_, html) = page("sv", "/?q=interreg&ui=sv").await;
    assert!(
        html.contains(">norska (bokmål)<"),
        "language facet in Swedish"
    );
    assert!(html.contains(">Webbsida<"), "type facet in Swedish");
    let (_, html) = page("fi", "/?q=interreg&ui=fi").await;
    assert!(html.contains(">norja (bokmål)<"));
    assert!(html.contains(">Vuosi<"), "the year facet's heading");
}

#[tokio::test]
async fn the_widget_carries_every_interface_language() {
    let app = read_app(Config::default());
    let js = get(&app, "/widget.js").await.text();
    for (code, placeholder) in [
        ("sv", "Sök i dokument …"),
        ("da", "Søg i dokumenter …"),
        ("fi", "Hae asiakirjoista…"),
        ("nb", "Søk i dokumenter …"),
    ] {
        assert!(
            js.contains(&format!("\"{code}\":{{")) && js.contains(placeholder),
            "{code}"
        );
    }
    assert!(!js.contains("/*@strings*/ {}"), "the table was written in");
}

#[tokio::test]
async fn why_this_result_shows_on_demand_which_word_matched_through_which_feature() {
    // Without asking: a link per hit, to the same search with `explain=1`,
    // back at that hit; no explanation yet.
    let (status, html) = page("en", "/?q=Trondelag").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"hit-1\""), "hits carry anchors");
    let link = html
        .split("class=\"why-link\"><a href=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a why-this-result link")
        .replace("&amp;", "&");
    assert!(
        link.contains("explain=1") && link.ends_with("#hit-1"),
        "{link}"
    );
    assert!(!html.contains("class=\"why\""));
    // Asked (in Bokmål): the hit names the query word, the document word it met
    // (`Trøndelag` through diacritic folding) and the feature, in the interface
    // language.
    let path = link.split('#').next().unwrap_or_default();
    let (status, html) = page("nb", path).await;
    assert_eq!(status, StatusCode::OK);
    let why = html
        .split("<details class=\"why\" open>")
        .nth(1)
        .and_then(|s| s.split("</details>").next())
        .expect("an explanation");
    assert!(why.contains("Hvorfor dette treffet?"), "{why}");
    assert!(why.contains("<q>Trondelag</q>"), "{why}");
    assert!(why.contains("Trøndelag"), "{why}");
    assert!(why.contains("uten diakritiske tegn"), "{why}");
    assert!(why.contains("vekt "), "{why}");
}
