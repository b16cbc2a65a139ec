//! Serve an app: the whole HTTP application (JSON API, search page, widget) is a
//! `Router` built by [`kartotek::server::app`], so it can be called in-process, as the
//! tests do, or served on a port.
//!
//! ```text
//! cargo run --example serve_app              # one request in-process, then exit
//! cargo run --example serve_app -- 127.0.0.1:8080   # serve until ctrl-c
//! ```
//!
//! It indexes the built-in corpus into a temporary folder first.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

use kartotek::index::Index;
use kartotek::ingest::{self, source, Options, Silent};
use kartotek::server::{self, AppState, Config};
use kartotek::taxonomy::Taxonomy;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let index = Index::open_or_create(&tmp.path().join("index"))?;
    let opts = Options::new(Taxonomy::builtin());
    ingest::run(&index, source::builtin_jobs(), &opts, &mut Silent)?;

    // Without an admin key the app is read-only: no writer is opened.
    let state = AppState::new(index, Taxonomy::builtin(), Config::default())?;

    if let Some(addr) = std::env::args().nth(1) {
        println!("serving on http://{addr}/ (ctrl-c stops)");
        server::serve(state, &addr).await?;
        return Ok(());
    }

    // In-process: one request through the router, no port bound.
    let response = server::app(state)
        .oneshot(Request::get("/api/search?q=interreg&lang=nb").body(Body::empty())?)
        .await?;
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.into_body().collect().await?.to_bytes();
    let json: serde_json::Value = serde_json::from_slice(&body)?;
    println!(
        "GET /api/search?q=interreg&lang=nb → {} documents",
        json["total"]
    );
    Ok(())
}
