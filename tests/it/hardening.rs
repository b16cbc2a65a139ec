//! What a security probe found on the server and the command line (issue
//! 13, "Also found"), each as the behaviour that now holds: slow clients,
//! unbounded metrics, missing headers, over-long URIs, inconsistent limits,
//! demo documents in a user's index, index errors that name the wrong
//! cause, private addresses fetched by `ingest URL`, and control characters
//! in printed file names.
//!
//! Socket-level tests run the real accept loop
//! ([`kartotek::server::transport::serve_connections`]) on a port of their
//! own, with short timeouts so they finish in seconds.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use kartotek::index::Index;
use kartotek::server::{app, transport, AppState, Config};
use kartotek::taxonomy::Taxonomy;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::server_fixture::{fixture, get, read_app, send};

/// A real server over the shared fixture with `config`; stops when the
/// returned sender is dropped.
async fn start(config: Config) -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = AppState::with_writer(fixture().index.clone(), Taxonomy::builtin(), config, None);
    let cfg = std::sync::Arc::clone(&state.config);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = transport::serve_connections(listener, app(state), cfg, async {
            let _ = rx.await;
        })
        .await;
    });
    (addr, tx)
}

/// Send raw bytes and read the answer until the server closes (or `wait` passes).
async fn exchange(addr: SocketAddr, request: &[u8], wait: Duration) -> String {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(request).await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(wait, s.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

fn status_of(raw: &str) -> u16 {
    raw.split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn body_of(raw: &str) -> serde_json::Value {
    let body = raw.split("\r\n\r\n").nth(1).unwrap_or_default();
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {raw}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_half_sent_request_head_is_cut_off_after_the_header_timeout() {
    let (addr, _stop) = start(Config {
        header_read_timeout: Duration::from_millis(300),
        ..Config::default()
    })
    .await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "the connection was still open after 5 s");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_past_the_limit_wait_and_never_starve_searches() {
    let (addr, _stop) = start(Config {
        max_connections: 2,
        header_read_timeout: Duration::from_millis(500),
        ..Config::default()
    })
    .await;
    // two silent clients take every connection slot …
    let _a = TcpStream::connect(addr).await.unwrap();
    let _b = TcpStream::connect(addr).await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    // … and a real search still gets its answer once their time is up
    let started = Instant::now();
    let raw = exchange(
        addr,
        b"GET /api/search?q=interreg HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        Duration::from_secs(10),
    )
    .await;
    assert_eq!(status_of(&raw), 200, "{raw}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_more_connections_than_the_limit_are_served_at_once() {
    let (addr, _stop) = start(Config {
        max_connections: 1,
        header_read_timeout: Duration::from_secs(30),
        ..Config::default()
    })
    .await;
    let hog = TcpStream::connect(addr).await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let mut s = TcpStream::connect(addr).await.unwrap(); // waits in the backlog
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut out = Vec::new();
    let early = tokio::time::timeout(Duration::from_millis(400), s.read_to_end(&mut out)).await;
    assert!(early.is_err(), "served past the limit: {out:?}");
    drop(hog);
    tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut out))
        .await
        .expect("served once a slot was free")
        .unwrap();
    assert_eq!(status_of(&String::from_utf8_lossy(&out)), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_request_body_is_abandoned_after_the_body_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let config = Config {
        admin_key: Some("admin".into()),
        body_read_timeout: Duration::from_millis(300),
        ..Config::default()
    };
    let state = AppState::new(Index::in_ram().unwrap(), Taxonomy::builtin(), config).unwrap();
    let cfg = std::sync::Arc::clone(&state.config);
    tokio::spawn(transport::serve_connections(
        listener,
        app(state),
        cfg,
        std::future::pending(),
    ));
    let started = Instant::now();
    let raw = exchange(
        addr,
        b"POST /api/documents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer admin\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhei",
        Duration::from_secs(10),
    )
    .await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the stalled body held the connection"
    );
    let status = status_of(&raw);
    assert!(status == 0 || (400..500).contains(&status), "{raw}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_100_kb_query_is_refused_in_the_json_error_shape_with_the_limit() {
    let (addr, _stop) = start(Config::default()).await;
    let q = "a".repeat(100_000);
    let raw = exchange(
        addr,
        format!("GET /api/search?q={q} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes(),
        Duration::from_secs(5),
    )
    .await;
    assert_eq!(status_of(&raw), 414, "{}", &raw[..raw.len().min(300)]);
    assert!(raw
        .to_ascii_lowercase()
        .contains("content-type: application/json"));
    let v = body_of(&raw);
    assert_eq!(v["error"]["code"], "uri_too_long");
    let message = v["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("32768 bytes"), "{message}");
    // under hyper's limit but over ours: the router's JSON error, naming the limit
    let q = "a".repeat(40_000);
    let raw = exchange(
        addr,
        format!("GET /api/search?q={q} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .as_bytes(),
        Duration::from_secs(5),
    )
    .await;
    assert_eq!(status_of(&raw), 400);
    let message = body_of(&raw)["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(message.contains("the limit is 32768 bytes"), "{message}");
}

#[tokio::test]
async fn every_response_says_nosniff() {
    let app = read_app(Config {
        cors_origins: vec!["https://intranet.example".into()],
        ..Config::default()
    });
    let mut responses = Vec::new();
    for uri in [
        "/api/search?q=interreg",
        "/api/search?limit=500",
        "/api/facets",
        "/healthz",
        "/metrics",
        "/api/openapi.json",
        "/no/such/path",
        "/",
    ] {
        responses.push((uri.to_string(), get(&app, uri).await));
    }
    responses.push((
        "DELETE /healthz".into(),
        send(
            &app,
            Request::delete("/healthz").body(Body::empty()).unwrap(),
        )
        .await,
    ));
    responses.push((
        "preflight".into(),
        send(
            &app,
            Request::options("/api/search")
                .header("origin", "https://intranet.example")
                .header("access-control-request-method", "GET")
                .body(Body::empty())
                .unwrap(),
        )
        .await,
    ));
    for (what, r) in responses {
        assert_eq!(
            r.header("x-content-type-options").as_deref(),
            Some("nosniff"),
            "{what} ({})",
            r.status
        );
    }
}

#[tokio::test]
async fn odd_http_methods_do_not_grow_the_metrics_page() {
    let app = read_app(Config::default());
    get(&app, "/healthz").await;
    let before = get(&app, "/metrics").await.text().lines().count();
    for i in 0..300 {
        let req = Request::builder()
            .method(format!("PROBE{i}").as_str())
            .uri(format!("/x{i}"))
            .body(Body::empty())
            .unwrap();
        let r = send(&app, req).await;
        assert!(r.status.is_client_error(), "{}", r.status);
    }
    let text = get(&app, "/metrics").await.text();
    assert!(!text.contains("PROBE"), "method names leaked into labels");
    let after = text.lines().count();
    assert!(after < before + 60, "{before} lines grew to {after}");
}

#[tokio::test]
async fn metrics_need_the_search_key_when_one_is_set() {
    let app = read_app(Config {
        search_key: Some("s3cret".into()),
        admin_key: Some("adm1n".into()),
        ..Config::default()
    });
    let r = get(&app, "/metrics").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.json()["error"]["code"], "unauthorized");
    assert_eq!(
        get(&app, "/metrics?key=wrong").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        get(&app, "/metrics?key=s3cret").await.status,
        StatusCode::OK
    );
    let with_admin = send(
        &app,
        Request::get("/metrics")
            .header("authorization", "Bearer adm1n")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(with_admin.status, StatusCode::OK);
    // without a search key it stays public, for scrapers on a private network
    assert_eq!(
        get(&read_app(Config::default()), "/metrics").await.status,
        StatusCode::OK
    );
}

fn kartotek() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_kartotek"))
}

#[tokio::test]
async fn the_api_and_the_cli_refuse_the_same_limits_in_the_same_words() {
    let app = read_app(Config::default());
    let r = get(&app, "/api/search?q=x&limit=500").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let api = r.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(api.contains("from 1 to 100"), "{api}");
    let dir = tempfile::tempdir().unwrap();
    let out = kartotek()
        .args(["--index", &dir.path().display().to_string()])
        .args(["search", "--limit", "500", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("from 1 to 100"), "{err}");
    let help = kartotek().args(["search", "--help"]).output().unwrap();
    assert!(String::from_utf8_lossy(&help.stdout).contains("1 to 100"));
    assert_eq!(
        get(&app, "/api/search?q=x&limit=100").await.status,
        StatusCode::OK
    );
}

fn documents_in(dir: &std::path::Path) -> u64 {
    Index::open_or_create(dir).unwrap().num_documents()
}

#[test]
fn an_existing_empty_index_is_never_filled_with_the_demo_corpus() {
    // a first ingest killed before its first commit leaves exactly this
    let dir = tempfile::tempdir().unwrap();
    let index_dir = dir.path().join("index");
    drop(Index::open_or_create(&index_dir).unwrap());
    for args in [&["search", "interreg"][..], &["facets"][..]] {
        let out = kartotek()
            .current_dir(dir.path())
            .env_remove("KARTOTEK_INDEX")
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("has no documents"), "{err}");
        assert!(
            err.contains("hint: add yours with `kartotek --index index ingest PATH...`"),
            "{err}"
        );
        assert!(!err.contains("built-in example corpus (5"), "{err}");
    }
    assert_eq!(
        documents_in(&index_dir),
        0,
        "demo documents in the user's index"
    );
}

#[test]
fn a_new_index_named_by_the_user_is_left_empty_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let index_dir = dir.path().join("mine");
    let out = kartotek()
        .args(["--index", &index_dir.display().to_string(), "search", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("has no documents"), "{err}");
    assert_eq!(documents_in(&index_dir), 0);
}

#[test]
fn a_brand_new_default_index_gets_the_builtin_corpus_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let run = || {
        kartotek()
            .current_dir(dir.path())
            .env_remove("KARTOTEK_INDEX")
            .args(["search", "interreg"])
            .output()
            .unwrap()
    };
    let out = run();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("a new index was created: indexing the built-in example corpus"),
        "{err}"
    );
    assert_eq!(documents_in(&dir.path().join("index")), 5);
    // the second run finds documents and says nothing about the corpus
    let err = String::from_utf8_lossy(&run().stderr).into_owned();
    assert!(!err.contains("built-in"), "{err}");
}

#[test]
fn file_names_with_escapes_and_newlines_are_printed_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    let evil = "rød\u{1b}[2J\nerror: forged.txt";
    std::fs::write(docs.join(evil), "").unwrap(); // empty: reported as a failure
    std::fs::write(
        docs.join("æøå.txt"),
        "Interreg Aurora i Nord-Norge og Sverige.",
    )
    .unwrap();
    let out = kartotek()
        .args(["--index", &dir.path().join("i").display().to_string()])
        .arg("ingest")
        .arg(&docs)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains('\u{1b}'), "raw ESC printed: {err}");
    assert!(err.contains("rød\\u{1b}[2J\\nerror: forged.txt"), "{err}");
    assert!(
        !err.lines().any(|l| l.starts_with("error: forged.txt")),
        "{err}"
    );
    assert!(err.contains("æøå.txt"), "{err}");
}

/// An index on disk holding the built-in corpus.
fn index_with_documents(dir: &std::path::Path) {
    let index = Index::open_or_create(dir).unwrap();
    let s = kartotek::ingest::run(
        &index,
        kartotek::ingest::source::builtin_jobs(),
        &kartotek::ingest::Options::new(Taxonomy::builtin()),
        &mut kartotek::ingest::Silent,
    )
    .unwrap();
    assert!(s.failed.is_empty());
}

#[test]
fn an_index_whose_lock_file_cannot_be_created_can_still_be_searched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index");
    index_with_documents(&path);
    // the meta lock file cannot be created or opened for writing
    let lock = path.join(".tantivy-meta.lock");
    let _ = std::fs::remove_file(&lock);
    std::fs::create_dir(&lock).unwrap();
    let index = Index::open_or_create(&path).expect("opens without the lock");
    assert_eq!(index.num_documents(), 5);
    let out = kartotek()
        .args(["--index", &path.display().to_string(), "search", "interreg"])
        .output()
        .unwrap();
    crate::common::assert_exit_ok(&out);
    assert!(String::from_utf8_lossy(&out.stdout).contains("match"));
}

#[cfg(unix)]
#[test]
fn a_read_only_index_folder_can_be_searched() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    // Traversable by the unprivileged user the commands run as (below).
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = dir.path().join("index");
    index_with_documents(&path);
    let _ = std::fs::remove_file(path.join(".tantivy-meta.lock"));
    // Readable by everyone, writable by no one but its owner: a shared index.
    for entry in std::fs::read_dir(&path).unwrap() {
        let entry = entry.unwrap().path();
        std::fs::set_permissions(&entry, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o555)).unwrap();
    let out = unprivileged(&["--index", &path.display().to_string(), "search", "interreg"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    // and writing says what is wrong, not "an older Kartotek"
    let out = unprivileged(&["--index", &path.display().to_string(), "ingest"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("may not write to the index folder"), "{err}");
    assert!(!err.contains("older Kartotek"), "{err}");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// Run `kartotek ARGS` as a user that file permissions bind: as is, or, when
/// the tests run as root (CI does), as `nobody` through util-linux `setpriv`.
fn unprivileged(args: &[&str]) -> std::process::Output {
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let mut cmd = if root {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(env!("CARGO_BIN_EXE_kartotek"));
        c
    } else {
        kartotek()
    };
    cmd.args(args)
        .output()
        .expect("run kartotek (as root this needs util-linux `setpriv`)")
}

/// A one-page web site on loopback answering every request with `body`.
fn loopback_site(body: &'static [u8]) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(4) {
            let Ok(mut s) = stream else { continue };
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = s.write_all(head.as_bytes());
            let _ = s.write_all(body);
        }
    });
    format!("http://{addr}/notat.txt")
}

#[test]
fn ingest_url_refuses_loopback_addresses_unless_allowed() {
    let url = loopback_site(b"Interreg Aurora samarbeider om grensekryssende utvikling i nord.");
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("i").display().to_string();
    let out = kartotek()
        .args(["--index", &index, "ingest", &url])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("refused"), "{err}");
    assert!(err.contains("--allow-private"), "{err}");
    let out = kartotek()
        .args(["--index", &index, "ingest", "--allow-private", &url])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("indexed 1 documents"), "{err}");
}

/// Overwrites the middle half of every segment file ending in `.{ext}` in
/// `dir`, as a failing disk or a bad copy would, leaving each file's footer
/// (and its checksum) as it was.
fn overwrite_segment_files(dir: &std::path::Path, ext: &str) -> usize {
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == ext) {
            let mut bytes = std::fs::read(&path).unwrap();
            let len = bytes.len();
            bytes[len / 4..3 * len / 4].fill(0xFF);
            std::fs::write(&path, bytes).unwrap();
            n += 1;
        }
    }
    n
}

#[test]
fn a_damaged_index_file_is_named_by_the_cli_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index");
    index_with_documents(&path);
    assert!(overwrite_segment_files(&path, "term") > 0);
    let out = kartotek()
        .args(["--index", &path.display().to_string(), "search", "interreg"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("is damaged") && err.contains(".term fails its checksum"),
        "{err}"
    );
    assert!(
        err.contains("hint: ") && err.contains("kartotek ingest"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[tokio::test]
async fn a_damaged_index_answers_503_in_the_error_shape_and_health_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index");
    index_with_documents(&path);
    let index = Index::open_or_create(&path).unwrap();
    assert!(overwrite_segment_files(&path, "term") > 0);
    let app = app(AppState::new(index, Taxonomy::builtin(), Config::default()).unwrap());
    assert_eq!(
        get(&app, "/healthz").await.status,
        StatusCode::OK,
        "not yet known"
    );
    let r = get(&app, "/api/search?q=interreg").await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.text());
    let body = r.json();
    assert_eq!(body["error"]["code"], "index_damaged");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("operator has to rebuild"), "{message}");
    assert!(
        !message.contains(".term"),
        "no file names for clients: {message}"
    );
    let page = get(&app, "/?q=interreg").await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(page.text().contains("operator has to rebuild"));
    let health = get(&app, "/healthz").await;
    assert_eq!(health.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(health.json()["error"]["code"], "index_damaged");
}
