//! The HTTP API through `app().oneshot(...)`: every endpoint, error shape
//! and status code, repeated filters, the admin and search keys, hostile
//! query strings, and markup in document text staying text.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use kartotek::server::Config;

use crate::server_fixture::{enc, fixture, get, read_app, send, upload, write_app, XSS_WORD};

fn total(v: &serde_json::Value) -> u64 {
    v["total"].as_u64().unwrap()
}

#[tokio::test]
async fn search_returns_hits_with_snippets_and_facet_counts() {
    let app = read_app(Config::default());
    let r = get(&app, "/api/search?q=interreg&limit=3").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/json")
    );
    let v = r.json();
    assert_eq!(v["query"], "interreg");
    assert!(total(&v) >= 1);
    assert!(v["took_ms"].is_number());
    let hits = v["hits"].as_array().unwrap();
    assert!(!hits.is_empty() && hits.len() <= 3);
    let hit = &hits[0];
    for key in [
        "id", "title", "url", "lang", "score", "page", "snippet", "facets",
    ] {
        assert!(hit.get(key).is_some(), "hit lacks `{key}`: {hit}");
    }
    assert!(
        hit["snippet"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("<mark>interreg</mark>"),
        "{hit}"
    );
    for facet in ["region", "programme", "network", "theme"] {
        assert!(hit["facets"][facet].is_array(), "{hit}");
        for p in hit["facets"][facet].as_array().unwrap() {
            assert!(
                p.as_str().unwrap().starts_with('/'),
                "facet paths are readable: {p}"
            );
        }
    }
    for facet in ["region", "programme", "network", "theme", "lang"] {
        let values = v["facets"][facet]
            .as_array()
            .unwrap_or_else(|| panic!("no facet `{facet}`"));
        for fc in values {
            assert!(
                fc["path"].is_string() && fc["label"].is_string() && fc["count"].is_u64(),
                "{fc}"
            );
        }
    }
}

#[tokio::test]
async fn repeated_filter_parameters_are_ored_within_a_facet() {
    let app = read_app(Config::default());
    let a = total(
        &get(&app, "/api/search?programme=/interreg&limit=1")
            .await
            .json(),
    );
    let b = total(
        &get(&app, "/api/search?programme=/erasmus-plus&limit=1")
            .await
            .json(),
    );
    let both = get(
        &app,
        "/api/search?programme=/interreg&programme=%2Ferasmus-plus&limit=100",
    )
    .await;
    assert_eq!(both.status, StatusCode::OK);
    let both = both.json();
    assert!(a >= 1 && b >= 1);
    assert!(
        total(&both) >= a.max(b) && total(&both) <= a + b,
        "a={a} b={b} both={}",
        total(&both)
    );
    for hit in both["hits"].as_array().unwrap() {
        let progs = hit["facets"]["programme"].as_array().unwrap();
        assert!(
            progs.iter().any(|p| p == "/interreg"
                || p.as_str().unwrap().starts_with("/interreg/")
                || p == "/erasmus-plus"),
            "{hit}"
        );
    }
    // The facet's own counts ignore its own filter (disjunctive), so both values are still offered.
    let progs: Vec<&str> = both["facets"]["programme"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(
        progs.contains(&"/interreg") && progs.contains(&"/erasmus-plus"),
        "{progs:?}"
    );
}

#[tokio::test]
async fn facets_parameter_counts_only_the_facets_named() {
    let app = read_app(Config::default());
    let every = get(&app, "/api/search?q=interreg&programme=/interreg")
        .await
        .json();
    let two = get(
        &app,
        "/api/search?q=interreg&programme=/interreg&facets=programme,lang",
    )
    .await;
    assert_eq!(two.status, StatusCode::OK);
    let two = two.json();
    let names = |v: &serde_json::Value| -> Vec<String> {
        v["facets"].as_object().unwrap().keys().cloned().collect()
    };
    assert_eq!(names(&two), ["lang", "programme"]);
    assert!(names(&every).len() > 2, "{:?}", names(&every));
    // the counts named are the full request's, the disjunctive one included
    assert_eq!(two["facets"]["programme"], every["facets"]["programme"]);
    assert_eq!(two["facets"]["lang"], every["facets"]["lang"]);
    assert_eq!(two["hits"], every["hits"]);
    assert_eq!(total(&two), total(&every));
    let none = get(&app, "/api/search?q=interreg&facets=none").await.json();
    assert!(names(&none).is_empty());
    assert_eq!(
        total(&none),
        total(&get(&app, "/api/search?q=interreg").await.json())
    );
    let r = get(&app, "/api/search?q=interreg&facets=region,regions").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    insta::assert_json_snapshot!(r.json(), @r#"
    {
      "error": {
        "code": "invalid_parameter",
        "message": "invalid parameter `facets`: names `regions`, which is not a facet; use `all`, `none` or names from region, programme, network, theme, year, period, lang, doctype, quality"
      }
    }
    "#);
}

#[tokio::test]
async fn filters_on_different_facets_are_anded() {
    let app = read_app(Config::default());
    let all = total(&get(&app, "/api/search?limit=1").await.json());
    let en = total(&get(&app, "/api/search?lang=en&limit=1").await.json());
    let en_interreg = get(
        &app,
        "/api/search?lang=en&programme=/interreg&region=/norway&limit=10",
    )
    .await
    .json();
    assert!(en < all);
    assert!(total(&en_interreg) <= en);
    for hit in en_interreg["hits"].as_array().unwrap() {
        assert_eq!(hit["lang"], "en");
    }
}

#[tokio::test]
async fn bad_parameters_are_400_and_name_the_parameter() {
    let app = read_app(Config::default());
    let r = get(&app, "/api/search?q=x&limit=0").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    insta::assert_json_snapshot!(r.json(), @r#"
    {
      "error": {
        "code": "invalid_parameter",
        "message": "invalid parameter `limit`: must be a whole number from 1 to 100"
      }
    }
    "#);
    let r = get(&app, "/api/search?q=x&offset=ten").await;
    insta::assert_json_snapshot!(r.json(), @r#"
    {
      "error": {
        "code": "invalid_parameter",
        "message": "invalid parameter `offset`: must be a whole number from 0 to 10000"
      }
    }
    "#);
    let r = get(&app, "/api/search?q=x&regoin=/norway").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    insta::assert_json_snapshot!(r.json(), @r#"
    {
      "error": {
        "code": "invalid_parameter",
        "message": "invalid parameter `regoin`: is not a known parameter; use q, limit, offset, from, to, sort, region, programme, network, theme, year, period, lang, doctype, quality, facets, ui, explain"
      }
    }
    "#);
    for (query, name) in [
        ("q=a&q=b", "`q`"),
        ("limit=101", "`limit`"),
        ("offset=10001", "`offset`"),
        ("ui=fr", "`ui`"),
        ("region=%2Fnorway%00x", "`region`"),
        ("limit=1&limit=2", "`limit`"),
        ("year=abc", "`year`"),
        ("year=%2F20201", "`year`"),
        ("period=2021", "`period`"),
    ] {
        let r = get(&app, &format!("/api/search?{query}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{query}");
        let v = r.json();
        assert_eq!(v["error"]["code"], "invalid_parameter", "{query}");
        assert!(
            v["error"]["message"].as_str().unwrap().contains(name),
            "{query}: {v}"
        );
    }
}

#[tokio::test]
async fn malformed_queries_are_answered_never_500() {
    let app = read_app(Config::default());
    let long = "trøndelag strategi ".repeat(530); // ~10 kB
    let nasty = [
        "\"unbalanced quote",
        "a \"b \" \" c\"\"\"",
        "AND OR NOT",
        "- + -- ++ ~ ^ * ? : ( ) [ ] { }",
        "title: title:: :x",
        "((((((((",
        "\u{0}\u{1}\u{7}\u{1b}[31m control",
        "%%%%",
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 👩‍👩‍👧 \u{202e}rtl",
        "interreg OR OR OR -interreg",
        "\\\\\\",
        // hyphens around nothing in a word: the Hunspell library panicked
        // on it (found by fuzzing)
        "grøn cross--i\u{fffd}\u{fffd}nc",
        long.as_str(),
    ];
    for q in nasty {
        let r = get(&app, &format!("/api/search?q={}", enc(q))).await;
        assert!(
            r.status == StatusCode::OK || r.status == StatusCode::BAD_REQUEST,
            "{q:?} → {}",
            r.status
        );
        let v = r.json();
        assert!(v.get("hits").is_some() || v.get("error").is_some());
    }
    // Bytes that are not UTF-8 and broken percent-escapes.
    for raw in ["q=%ff%fe", "q=%", "q=%zz", "q=a&&&=&==", "=x", "q"] {
        let r = get(&app, &format!("/api/search?{raw}")).await;
        assert!(
            r.status == StatusCode::OK || r.status == StatusCode::BAD_REQUEST,
            "{raw} → {}",
            r.status
        );
    }
}

#[tokio::test]
async fn oversized_query_strings_are_refused_with_400() {
    let app = read_app(Config::default());
    let r = get(&app, &format!("/api/search?q={}", "a".repeat(40_000))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"]["code"], "usage_error");
    let r = get(&app, &format!("/api/search?q={}", "ab+".repeat(7_000))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("`q`"));
}

#[tokio::test]
async fn document_endpoint_returns_metadata_evidence_and_text_per_page() {
    let app = read_app(Config::default());
    let hits = get(&app, "/api/search?q=handlingsprogram&doctype=/pdf&limit=1")
        .await
        .json();
    let id = hits["hits"][0]["id"].as_str().unwrap().to_string();
    let r = get(&app, &format!("/api/documents/{id}")).await;
    assert_eq!(r.status, StatusCode::OK);
    let d = r.json();
    assert_eq!(d["id"], id.as_str());
    assert_eq!(d["format"], "pdf");
    let pages = d["pages"].as_array().unwrap();
    assert!(pages.len() > 1);
    assert_eq!(pages[0]["page"], 1);
    assert!(!pages[0]["text"].as_str().unwrap().is_empty());
    assert!(d["page_count"].as_u64().unwrap() >= pages.len() as u64);
    let facets = d["facets"].as_array().unwrap();
    assert!(!facets.is_empty());
    assert!(
        facets
            .iter()
            .any(|f| f["first_match"].is_string() && f["count"].as_u64().unwrap() > 0),
        "{facets:?}"
    );
    // Norwegian labels on request.
    let nb = get(&app, &format!("/api/documents/{id}?ui=nb"))
        .await
        .json();
    assert_eq!(nb["facets"].as_array().unwrap().len(), facets.len());
}

#[tokio::test]
async fn unknown_documents_are_404() {
    let app = read_app(Config::default());
    let r = get(&app, "/api/documents/0000000000000000").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    insta::assert_json_snapshot!(r.json(), @r#"
    {
      "error": {
        "code": "not_found",
        "message": "document `0000000000000000` not found"
      }
    }
    "#);
    let r = get(&app, "/api/documents/..%2F..%2Fetc%2Fpasswd").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = get(&app, "/api/documents/x?bogus=1").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_document_id_that_is_no_utf8_is_a_400_in_the_error_shape() {
    let app = read_app(Config::default());
    let r = get(&app, "/api/documents/%FF%FE").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let v = r.json();
    assert_eq!(v["error"]["code"], "invalid_parameter", "{v}");
    assert!(
        v["error"]["message"].as_str().unwrap().contains("id"),
        "{v}"
    );
}

#[tokio::test]
async fn facets_endpoint_returns_the_tree_with_counts_and_labels() {
    let app = read_app(Config::default());
    let r = get(&app, "/api/facets").await;
    assert_eq!(r.status, StatusCode::OK);
    let v = r.json();
    assert_eq!(v["documents"], 6);
    let regions = v["facets"]["region"].as_array().unwrap();
    let norway = regions.iter().find(|f| f["path"] == "/norway").unwrap();
    let trondelag = regions
        .iter()
        .find(|f| f["path"] == "/norway/trondelag")
        .unwrap();
    assert!(norway["count"].as_u64() >= trondelag["count"].as_u64());
    let nb = get(&app, "/api/facets?ui=nb").await.json();
    let norge = nb["facets"]["region"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "/norway")
        .unwrap()
        .clone();
    assert_eq!(norge["label"], "Norge");
    assert_eq!(
        get(&app, "/api/facets?q=x").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn write_endpoints_are_disabled_without_an_admin_key() {
    let app = read_app(Config::default());
    let r = upload(&app, Some("anything"), &[("file", "a.txt", b"hello")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["error"]["code"], "forbidden");
    let r = send(
        &app,
        Request::delete(format!("/api/documents/{}", fixture().xss_id))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn write_endpoints_need_the_admin_key() {
    let (app, _) = write_app("s3cret");
    let r = upload(&app, None, &[("file", "a.txt", b"hello")]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.header("www-authenticate").is_some());
    insta::assert_json_snapshot!(r.json(), @r#"
    {
      "error": {
        "code": "unauthorized",
        "message": "missing or malformed `Authorization: Bearer <key>` header"
      }
    }
    "#);
    let r = upload(&app, Some("wrong"), &[("file", "a.txt", b"hello")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    insta::assert_json_snapshot!(r.json(), @r#"
    {
      "error": {
        "code": "forbidden",
        "message": "the key is not the admin key"
      }
    }
    "#);
    let r = send(
        &app,
        Request::delete("/api/documents/0000000000000000")
            .header("authorization", "Bearer wrong")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn uploaded_documents_are_searchable_when_the_call_returns_and_gone_after_delete() {
    let (app, _) = write_app("k");
    let text = "Kvartalsrapport om Blåbærprosjektet i Trøndelag og Interreg Sverige-Norge.";
    let r = upload(
        &app,
        Some("k"),
        &[
            ("file", "rapport.txt", text.as_bytes()),
            ("file", "notat.txt", b"Et kort notat om Blabaerprosjektet."),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let v = r.json();
    assert_eq!(v["indexed"], 2);
    let files = v["files"].as_array().unwrap();
    assert!(files
        .iter()
        .all(|f| f["status"] == "indexed" && f["id"].is_string()));
    let id = files.iter().find(|f| f["name"] == "rapport.txt").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();

    let found = get(&app, "/api/search?q=bl%C3%A5b%C3%A6rprosjektet")
        .await
        .json();
    assert!(
        found["hits"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["id"] == id.as_str()),
        "{found}"
    );
    assert_eq!(
        get(&app, &format!("/api/documents/{id}")).await.status,
        StatusCode::OK
    );

    // The same bytes again: unchanged.
    let again = upload(&app, Some("k"), &[("file", "rapport.txt", text.as_bytes())])
        .await
        .json();
    assert_eq!(again["files"][0]["status"], "unchanged");
    assert_eq!(again["files"][0]["id"], id.as_str());

    let del = |id: String| {
        Request::delete(format!("/api/documents/{id}"))
            .header("authorization", "Bearer k")
            .body(Body::empty())
            .unwrap()
    };
    let r = send(&app, del(id.clone())).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let after = get(&app, "/api/search?q=bl%C3%A5b%C3%A6rprosjektet")
        .await
        .json();
    assert!(!after["hits"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["id"] == id.as_str()));
    assert_eq!(
        get(&app, &format!("/api/documents/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(send(&app, del(id)).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_uploads_are_reported_per_file_never_500() {
    let (app, _) = write_app("k");
    // Every file failed: 422 with the error shape and the per-file list.
    let r = upload(
        &app,
        Some("k"),
        &[
            ("file", "empty.txt", b""),
            ("file", "broken.pdf", b"%PDF-1.7\n1 0 obj <<"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let v = r.json();
    assert_eq!(v["error"]["code"], "extract_failed");
    assert_eq!(v["files"].as_array().unwrap().len(), 2);
    assert!(v["files"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["status"] == "failed" && f["reason"].is_string()));
    // Some failed: 207.
    let r = upload(
        &app,
        Some("k"),
        &[
            ("file", "ok.txt", b"Gyldig tekst om regional utvikling."),
            ("file", "empty.txt", b""),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS, "{}", r.text());
    // Random garbage never panics the server.
    let junk: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let r = upload(&app, Some("k"), &[("file", "junk.bin", &junk)]).await;
    assert!(
        r.status == StatusCode::OK || r.status == StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        r.status
    );
    // No file, wrong field, not multipart: 400 naming the field.
    let r = upload(&app, Some("k"), &[("document", "a.txt", b"x")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("`document`"));
    let r = send(
        &app,
        Request::post("/api/documents")
            .header("authorization", "Bearer k")
            .header("content-type", "application/json")
            .body(Body::from("{}"))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("`file`"));
}

#[tokio::test]
async fn uploads_over_the_limit_are_413() {
    let index = crate::server_fixture::fresh_index();
    let config = Config {
        admin_key: Some("k".into()),
        max_upload_bytes: 1024,
        ..Config::default()
    };
    let app = kartotek::server::app(
        kartotek::server::AppState::new(index, kartotek::taxonomy::Taxonomy::builtin(), config)
            .unwrap(),
    );
    let big = vec![b'a'; 10_000];
    let r = upload(&app, Some("k"), &[("file", "big.txt", &big)]).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.json()["error"]["code"], "payload_too_large");
    // a body announced over the limit is refused before it is sent: here
    // none follows, as from a client that waits for `100 Continue`
    let r = send(
        &app,
        Request::post("/api/documents")
            .header("authorization", "Bearer k")
            .header("content-type", "multipart/form-data; boundary=x")
            .header("content-length", "10000000000")
            .header("expect", "100-continue")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.json()["error"]["code"], "payload_too_large");
}

#[tokio::test]
async fn a_search_key_closes_the_read_endpoints() {
    let app = read_app(Config {
        search_key: Some("intra".into()),
        admin_key: Some("adm".into()),
        ..Config::default()
    });
    let r = get(&app, "/api/search?q=interreg").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        get(&app, "/api/search?q=interreg&key=nope").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        get(&app, "/api/search?q=interreg&key=intra").await.status,
        StatusCode::OK
    );
    let r = send(
        &app,
        Request::get("/api/facets")
            .header("authorization", "Bearer intra")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = send(
        &app,
        Request::get("/api/facets")
            .header("authorization", "Bearer adm")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        get(&app, &format!("/api/documents/{}", fixture().xss_id))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(get(&app, "/").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        get(&app, "/corpus/interreg-historie.html").await.status,
        StatusCode::UNAUTHORIZED
    );
    // Health, the spec and the widget stay public; metrics need the key (issue 13).
    assert_eq!(get(&app, "/metrics").await.status, StatusCode::UNAUTHORIZED);
    for path in ["/healthz", "/api/openapi.json", "/widget.js", "/style.css"] {
        assert_eq!(get(&app, path).await.status, StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn healthz_and_metrics_report_the_index_and_requests() {
    let app = read_app(Config::default());
    let h = get(&app, "/healthz").await.json();
    assert_eq!(h["status"], "ok");
    assert_eq!(h["documents"], 6);
    // the dictionaries this machine lacks (none where `.ci/run` installed
    // them), each with how to install it
    let missing = h["missing_dictionaries"].as_array().expect("a list");
    assert!(missing
        .iter()
        .all(|m| m["name"].is_string() && m["install"].is_string()));
    let on_ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    assert!(
        !on_ci || missing.is_empty(),
        "CI is set, and `.ci/run` must install every dictionary: {missing:?}"
    );
    get(&app, "/api/search?q=trondheim").await;
    get(&app, "/api/search?limit=0").await;
    get(&app, "/api/documents/ffffffffffffffff").await;
    let m = get(&app, "/metrics").await;
    assert_eq!(m.status, StatusCode::OK);
    assert!(m.header("content-type").unwrap().starts_with("text/plain"));
    let text = m.text();
    assert!(
        text.contains(
            "kartotek_http_requests_total{route=\"/api/search\",method=\"GET\",status=\"200\"} 1"
        ),
        "{text}"
    );
    assert!(text.contains(
        "kartotek_http_requests_total{route=\"/api/search\",method=\"GET\",status=\"400\"} 1"
    ));
    assert!(text.contains("route=\"/api/documents/{id}\",method=\"GET\",status=\"404\""));
    assert!(text.contains("kartotek_http_request_duration_seconds_bucket{route=\"/api/search\",method=\"GET\",le=\"+Inf\"} 2"));
    assert!(text.contains("kartotek_index_documents 6"));
    assert!(text.contains("kartotek_index_passages "));
    assert!(text.contains("kartotek_ingest_failures_total 0"));
}

#[tokio::test]
async fn openapi_document_is_served_and_lists_every_endpoint() {
    let app = read_app(Config::default());
    let r = get(&app, "/api/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    let v = r.json();
    assert!(v["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/api/search",
        "/api/facets",
        "/api/documents",
        "/api/documents/{id}",
        "/healthz",
        "/metrics",
        "/feed.atom",
        "/documents/{id}",
    ] {
        assert!(v["paths"].get(path).is_some(), "spec lacks {path}");
    }
    let params: Vec<&str> = v["paths"]["/api/search"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| {
            p["name"]
                .as_str()
                .or_else(|| p["$ref"].as_str().and_then(|r| r.rsplit('/').next()))
        })
        .collect();
    for name in [
        "q",
        "limit",
        "offset",
        "lang",
        "region",
        "programme",
        "network",
        "theme",
        "year",
        "period",
        "from",
        "to",
        "sort",
    ] {
        assert!(
            params.contains(&name),
            "search lacks parameter {name}: {params:?}"
        );
    }
}

#[tokio::test]
async fn corpus_files_are_served_with_their_content_type() {
    let app = read_app(Config::default());
    let r = get(&app, "/corpus/innherred-internasjonal-strategi.pdf").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("content-type").as_deref(), Some("application/pdf"));
    assert!(r.body.starts_with(b"%PDF"));
    let r = get(&app, "/corpus/interreg-historie.html").await;
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(
        r.header("content-security-policy").as_deref(),
        Some("sandbox")
    );
    assert_eq!(
        get(&app, "/corpus/nope.pdf").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&app, "/corpus/..%2FCargo.toml").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn unknown_paths_and_methods_get_the_error_shape() {
    let app = read_app(Config::default());
    let r = get(&app, "/api/nothing").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    insta::assert_json_snapshot!(r.json(), @r#"
    {
      "error": {
        "code": "not_found",
        "message": "`/api/nothing` not found"
      }
    }
    "#);
    let r = send(
        &app,
        Request::put("/api/search").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.json()["error"]["code"], "method_not_allowed");
}

#[tokio::test]
async fn cors_allows_only_the_configured_origins() {
    let app = read_app(Config {
        cors_origins: vec!["http://intranet.example".into()],
        ..Config::default()
    });
    let pre = |origin: &str| {
        Request::builder()
            .method("OPTIONS")
            .uri("/api/search?q=x")
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .body(Body::empty())
            .unwrap()
    };
    let ok = send(&app, pre("http://intranet.example")).await;
    assert_eq!(
        ok.header("access-control-allow-origin").as_deref(),
        Some("http://intranet.example")
    );
    let other = send(&app, pre("http://evil.example")).await;
    assert_eq!(other.header("access-control-allow-origin"), None);
    let r = send(
        &app,
        Request::get("/api/search?q=x")
            .header("origin", "http://intranet.example")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(
        r.header("access-control-allow-origin").as_deref(),
        Some("http://intranet.example")
    );
    // Without configured origins no CORS header is sent at all.
    let closed = read_app(Config::default());
    let r = send(
        &closed,
        Request::get("/api/search?q=x")
            .header("origin", "http://intranet.example")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.header("access-control-allow-origin"), None);
}

#[tokio::test]
async fn markup_in_document_text_stays_text_in_the_api() {
    let app = read_app(Config::default());
    let v = get(&app, &format!("/api/search?q={XSS_WORD}")).await.json();
    let hit = &v["hits"][0];
    assert_eq!(hit["id"], fixture().xss_id.as_str());
    let snippet = hit["snippet"].as_str().unwrap();
    assert!(!snippet.contains("<script"), "{snippet}");
    assert!(!snippet.contains("<img"), "{snippet}");
    assert!(snippet.contains("&lt;script&gt;"), "{snippet}");
    // The document view returns the raw text (JSON is not HTML): it is the client's to escape.
    let d = get(&app, &format!("/api/documents/{}", fixture().xss_id))
        .await
        .json();
    assert!(d["pages"][0]["text"]
        .as_str()
        .unwrap()
        .contains("<script>alert(1)</script>"));
}

#[tokio::test]
async fn search_page_renders_results_facets_and_pagination() {
    let app = read_app(Config::default());
    let r = get(&app, "/?q=trondheim&ui=en").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert!(r
        .header("content-security-policy")
        .unwrap()
        .contains("default-src 'none'"));
    let html = r.text();
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("<mark>"), "snippets are highlighted");
    assert!(html.contains("class=\"hit\""));
    assert!(
        html.contains("href=\"/documents/")
            && html.contains("&amp;page=")
            && html.contains("#hit\""),
        "hits open their document page at the page of the hit"
    );
    assert!(
        html.contains("programme=%2Finterreg"),
        "facet links toggle filters"
    );
    // Filters survive in links and in the form.
    let r = get(&app, "/?q=&region=%2Fnorway&ui=en").await.text();
    assert!(
        r.contains("name=\"region\" value=\"/norway\""),
        "hidden filter input"
    );
    assert!(r.contains("class=\"chip\""), "active filter chip");
    // Pagination on a browse of everything with a small page.
    let r = get(&app, "/?q=&offset=0").await.text();
    assert!(r.contains("class=\"hits\""));
}

#[tokio::test]
async fn search_page_speaks_norwegian_from_accept_language_or_ui() {
    let app = read_app(Config::default());
    let r = send(
        &app,
        Request::get("/?q=interreg")
            .header("accept-language", "nb-NO,nb;q=0.9,en;q=0.5")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let html = r.text();
    assert!(html.contains("<html lang=\"nb\">"));
    assert!(html.contains(">Søk<"));
    let r = send(
        &app,
        Request::get("/?q=interreg&ui=nn")
            .header("accept-language", "en")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(r.text().contains("<html lang=\"nn\">"));
    let r = send(
        &app,
        Request::get("/?q=interreg&ui=en")
            .header("accept-language", "nb")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(r.text().contains("<html lang=\"en\">"));
}

#[tokio::test]
async fn search_page_answers_bad_input_with_a_page_not_a_500() {
    let app = read_app(Config::default());
    let r = get(&app, "/?limit=abc").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("`limit`"));
    let r = get(&app, &format!("/?q={}", enc("\"((( - OR \u{0}"))).await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn markup_in_document_text_stays_text_in_the_page() {
    let app = read_app(Config::default());
    let html = get(&app, &format!("/?q={XSS_WORD}")).await.text();
    assert!(html.contains(XSS_WORD), "the hostile document is found");
    assert!(!html.contains("<script"), "no script tag in the page");
    assert!(!html.contains("<img"), "no injected tag in the page");
    assert!(html.contains("&lt;script&gt;"), "the markup shows as text");
    // A hostile query string is escaped too.
    let html = get(
        &app,
        &format!("/?q={}", enc("<script>alert(3)</script>\"><img src=x>")),
    )
    .await
    .text();
    assert!(!html.contains("<script") && !html.contains("<img"));
}

#[tokio::test]
async fn widget_and_stylesheet_are_served_from_the_binary() {
    let app = read_app(Config::default());
    let r = get(&app, "/widget.js").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("text/javascript; charset=utf-8")
    );
    let js = r.text();
    assert!(js.contains("customElements.define(\"kartotek-search\""));
    // The widget's strings are the interface tables', written in when it is served.
    assert!(!js.contains("/*@strings*/"));
    assert!(
        js.contains("\"searching\":\"Søkjer …\""),
        "nn strings missing"
    );
    assert!(js.contains("\"many\":\"documents\""), "en plural missing");
    let r = get(&app, "/style.css").await;
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("text/css; charset=utf-8")
    );
}

#[tokio::test]
async fn result_links_of_a_keyed_search_page_open_with_the_key() {
    let app = read_app(Config {
        search_key: Some("intra".into()),
        ..Config::default()
    });
    // `strategi` finds the corpus PDFs and HTML pages; `skriptprøve` the upload.
    for q in ["strategi", "skriptpr%C3%B8ve"] {
        let page = get(&app, &format!("/?q={q}&key=intra")).await;
        assert_eq!(page.status, StatusCode::OK);
        let html = String::from_utf8(page.body).unwrap();
        let links: Vec<&str> = html
            .split("<h2><a href=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .filter(|href| href.starts_with('/'))
            .collect();
        assert!(!links.is_empty(), "{q}: no links to this server in {html}");
        for href in links {
            let path = href.split('#').next().unwrap().replace("&amp;", "&");
            assert!(path.contains("key=intra"), "{href}");
            assert_eq!(get(&app, &path).await.status, StatusCode::OK, "{href}");
        }
    }
}

#[tokio::test]
async fn explain_says_which_word_matched_how_and_only_when_asked() {
    let app = read_app(Config::default());
    // `Trondelag` meets `Trøndelag` through diacritic folding
    let r = get(&app, "/api/search?q=Trondelag&limit=3&explain=1").await;
    assert_eq!(r.status, StatusCode::OK);
    let v = r.json();
    let why = v["hits"][0]["explain"].as_array().expect("explain").clone();
    assert!(
        why.iter()
            .any(|e| e["word"] == "Trondelag" && e["feature"] == "folded"),
        "{why:?}"
    );
    assert!(why.iter().all(|e| e["weight"].as_f64().is_some()));
    let plain = get(&app, "/api/search?q=Trondelag&limit=3").await.json();
    assert!(plain["hits"][0].get("explain").is_none());
    let bad = get(&app, "/api/search?q=x&explain=yes").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}
