//! The widget in a real browser: Debian's `chromium`, headless, driven over
//! the Chrome DevTools Protocol by a minimal client (tungstenite, no browser
//! download). Two servers on 127.0.0.1: Kartotek, and an "intranet" page on
//! another port (so another origin) that embeds the widget with hostile host
//! CSS. The test types queries with real key events, checks highlighted
//! results, a preset filter, keyboard navigation, that document markup stays
//! text, and saves `target/kartotek-widget.png`.
//!
//! Without chromium the test is skipped loudly, unless `CI` is set, where a
//! missing browser is a failure (`.ci/run` installs it).

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::response::Html;
use axum::routing::get;
use axum::Router;
use base64::Engine;
use kartotek::server::{app, AppState, Config};
use kartotek::taxonomy::Taxonomy;
use serde_json::{json, Value};
use tungstenite::{Message, WebSocket};

use crate::server_fixture::{fixture, XSS_WORD};

fn find_chromium() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("KARTOTEK_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    for name in [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ] {
        for dir in std::env::var("PATH").unwrap_or_default().split(':') {
            let p = PathBuf::from(dir).join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Chromium with a DevTools socket; killed on drop.
struct Browser {
    child: Child,
    _profile: tempfile::TempDir,
    ws: WebSocket<TcpStream>,
    next_id: u64,
    session: Option<String>,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    fn launch(bin: &PathBuf) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let mut child = Command::new(bin)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--hide-scrollbars",
                "--remote-debugging-port=0",
                "--window-size=1200,900",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start chromium");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(url) = line.split("DevTools listening on ").nth(1) {
                    let _ = tx.send(url.trim().to_string());
                }
            }
        });
        let url = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("chromium printed no DevTools URL within 30 s");
        let hostport = url
            .trim_start_matches("ws://")
            .split('/')
            .next()
            .unwrap()
            .to_string();
        let stream = TcpStream::connect(&hostport).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let (ws, _) = tungstenite::client(url.as_str(), stream).expect("connect to DevTools");
        let mut b = Browser {
            child,
            _profile: profile,
            ws,
            next_id: 0,
            session: None,
        };
        let target = b.call("Target.createTarget", json!({ "url": "about:blank" }));
        let target_id = target["targetId"].as_str().unwrap().to_string();
        let attached = b.call(
            "Target.attachToTarget",
            json!({ "targetId": target_id, "flatten": true }),
        );
        b.session = Some(attached["sessionId"].as_str().unwrap().to_string());
        b
    }

    /// Send a command (to the page session once attached) and wait for its result.
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({ "id": id, "method": method, "params": params });
        if let Some(s) = &self.session {
            msg["sessionId"] = json!(s);
        }
        self.ws.send(Message::text(msg.to_string())).unwrap();
        loop {
            let m = self
                .ws
                .read()
                .unwrap_or_else(|e| panic!("DevTools connection failed during {method}: {e}"));
            let Message::Text(t) = m else { continue };
            let v: Value = serde_json::from_str(t.as_str()).unwrap();
            if v["id"].as_u64() == Some(id) {
                if let Some(err) = v.get("error") {
                    panic!("{method} failed: {err}");
                }
                return v["result"].clone();
            }
        }
    }

    /// Evaluate a JS expression in the page and return its JSON value.
    fn eval(&mut self, expr: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({ "expression": expr, "returnByValue": true, "awaitPromise": true }),
        );
        if let Some(ex) = r.get("exceptionDetails") {
            panic!("script failed: {ex}\n{expr}");
        }
        r["result"]["value"].clone()
    }

    /// Poll `expr` until it is truthy; return its value.
    fn wait_for(&mut self, expr: &str, what: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let v = self.eval(expr);
            if !(v.is_null() || v == json!(false) || v == json!(0)) {
                return v;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn key(&mut self, key: &str, code: &str, key_code: u32) {
        for kind in ["rawKeyDown", "keyUp"] {
            self.call(
                "Input.dispatchKeyEvent",
                json!({ "type": kind, "key": key, "code": code, "windowsVirtualKeyCode": key_code, "nativeVirtualKeyCode": key_code }),
            );
        }
    }

    /// Type text with real key events into the focused element.
    fn type_text(&mut self, text: &str) {
        for ch in text.chars() {
            let s = ch.to_string();
            self.call(
                "Input.dispatchKeyEvent",
                json!({ "type": "keyDown", "text": s, "unmodifiedText": s, "key": s }),
            );
            self.call(
                "Input.dispatchKeyEvent",
                json!({ "type": "keyUp", "key": s }),
            );
        }
    }
}

const INTRANET_PAGE: &str = r#"<!doctype html>
<html lang="nb"><head><meta charset="utf-8"><title>Intranett – Internasjonalt arbeid</title>
<style>
  /* Hostile host styles: none of this may reach inside the widget. */
  * { font-family: "Comic Sans MS", cursive !important; }
  body { margin: 0; background: #f3efe6; color: #222; font-size: 15px; }
  header { background: #7a1f2b; color: #fff; padding: 14px 32px; font-size: 20px; font-weight: bold; }
  main { display: grid; grid-template-columns: 1fr 1fr; gap: 32px; padding: 24px 32px; }
  section { background: #fff; padding: 16px 20px 260px; border-radius: 4px; }
  input { display: none; border: 5px dotted red; }
  ul, li { list-style: square; color: red; background: yellow; }
  a { color: lime; font-size: 30px; }
  mark { background: black; color: black; }
</style>
<script>window.alert = function () { window.__pwned = true; };</script>
</head><body>
<header>Fylkeskommunen · Intranett</header>
<main>
  <section><h2>Søk i alle dokumenter</h2>
    <kartotek-search id="all" ui="en" limit="8"></kartotek-search></section>
  <section><h2>Interreg-dokumenter</h2>
    <kartotek-search id="interreg" programme="/interreg" placeholder="Søk i Interreg-dokumenter" limit="8"></kartotek-search></section>
  <section><h2>Med søkenøkkel</h2>
    <kartotek-search id="keyed" key="intra k&amp;1" limit="8"></kartotek-search></section>
</main>
<script src="KARTOTEK/widget.js" defer></script>
</body></html>"#;

/// Start both servers on a background runtime; returns (kartotek base, intranet base).
fn start_servers() -> (String, String) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (kartotek, intranet) = rt.block_on(async {
        let k = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let i = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        (k, i)
    });
    let k_base = format!("http://{}", kartotek.local_addr().unwrap());
    let i_base = format!("http://{}", intranet.local_addr().unwrap());
    let config = Config {
        cors_origins: vec![i_base.clone()],
        ..Config::default()
    };
    let state = AppState::with_writer(fixture().index.clone(), Taxonomy::builtin(), config, None);
    let page = INTRANET_PAGE.replace("KARTOTEK", &k_base);
    let intranet_app = Router::new().route(
        "/",
        get(move || {
            let page = page.clone();
            async move { Html(page) }
        }),
    );
    rt.spawn(async move { axum::serve(kartotek, app(state)).await.unwrap() });
    rt.spawn(async move { axum::serve(intranet, intranet_app).await.unwrap() });
    // Keep the runtime (and the servers) alive for the rest of the process.
    std::mem::forget(rt);
    (k_base, i_base)
}

fn widget_state(b: &mut Browser, id: &str) -> Value {
    b.eval(&format!(
        r#"(() => {{
            const r = document.getElementById("{id}").shadowRoot;
            const items = Array.from(r.querySelectorAll('[role="listbox"] > li'));
            return {{
              open: !r.querySelector(".panel").hidden,
              status: r.querySelector('[role="status"]').textContent,
              count: items.length,
              titles: items.map(li => li.querySelector(".t").textContent),
              hrefs: items.map(li => li.querySelector("a").href),
              marks: Array.from(r.querySelectorAll("mark")).map(m => m.textContent),
              snippets: items.map(li => (li.querySelector(".s") || {{textContent: ""}}).textContent),
              injected: r.querySelectorAll("script, img, iframe, [onerror]").length,
              selected: items.findIndex(li => li.getAttribute("aria-selected") === "true"),
              activedescendant: r.querySelector("input").getAttribute("aria-activedescendant"),
              expanded: r.querySelector("input").getAttribute("aria-expanded"),
              inputDisplay: getComputedStyle(r.querySelector("input")).display,
              linkSize: items.length ? getComputedStyle(items[0].querySelector("a")).fontSize : null,
            }};
        }})()"#
    ))
}

fn focus(b: &mut Browser, id: &str) {
    b.eval(&format!(
        r#"document.getElementById("{id}").shadowRoot.querySelector("input").focus(), true"#
    ));
}

fn clear(b: &mut Browser, id: &str) {
    b.eval(&format!(
        r#"(() => {{ const i = document.getElementById("{id}").shadowRoot.querySelector("input"); i.value = ""; i.focus(); return true; }})()"#
    ));
}

#[test]
fn widget_on_another_origin_searches_highlights_filters_and_escapes() {
    let Some(bin) = find_chromium() else {
        if in_ci() {
            panic!("chromium is not installed, and CI is set: `.ci/run` must install it (apt-get install chromium)");
        }
        eprintln!("\n\n*** SKIPPED widget browser test: no chromium on PATH (apt-get install chromium, or set KARTOTEK_CHROMIUM) ***\n");
        return;
    };
    let (k_base, i_base) = start_servers();
    let mut b = Browser::launch(&bin);
    b.call("Page.enable", json!({}));
    b.call("Runtime.enable", json!({}));
    b.call(
        "Emulation.setDeviceMetricsOverride",
        json!({ "width": 1200, "height": 900, "deviceScaleFactor": 1, "mobile": false }),
    );
    b.call("Page.navigate", json!({ "url": format!("{i_base}/") }));
    b.wait_for(
        r#"document.readyState === "complete" && !!customElements.get("kartotek-search") && !!document.getElementById("all").shadowRoot"#,
        "the widget to load",
    );

    // 1. Type a query: debounced search-as-you-type shows highlighted results linking to the source.
    focus(&mut b, "all");
    b.type_text("interreg");
    b.wait_for(r#"document.getElementById("all").shadowRoot.querySelectorAll('[role="listbox"] > li').length > 0"#, "results");
    let s = widget_state(&mut b, "all");
    assert_eq!(s["open"], true, "{s}");
    assert_eq!(s["expanded"], "true");
    let all_count = s["count"].as_u64().unwrap();
    assert!(all_count >= 2, "{s}");
    assert!(
        s["marks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m.as_str().unwrap().eq_ignore_ascii_case("interreg")),
        "{s}"
    );
    for h in s["hrefs"].as_array().unwrap() {
        let h = h.as_str().unwrap();
        assert!(
            h.starts_with(&format!("{k_base}/")) || h.starts_with("http"),
            "{h}"
        );
    }
    assert!(
        s["hrefs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h.as_str().unwrap().contains("/corpus/")
                && h.as_str().unwrap().contains(".pdf#page=")),
        "PDF hits open at their page: {s}"
    );
    // Host CSS does not reach inside.
    assert_eq!(s["inputDisplay"], "block", "host CSS hid the input: {s}");
    assert_ne!(s["linkSize"], "30px", "host CSS restyled the links: {s}");

    // 2. Keyboard: arrows move the active option (ARIA), Escape closes.
    b.key("ArrowDown", "ArrowDown", 40);
    let s = widget_state(&mut b, "all");
    assert_eq!(s["selected"], 0, "{s}");
    assert!(
        s["activedescendant"]
            .as_str()
            .is_some_and(|a| a.ends_with("-0")),
        "{s}"
    );
    b.key("ArrowDown", "ArrowDown", 40);
    assert_eq!(widget_state(&mut b, "all")["selected"], 1);
    b.key("ArrowUp", "ArrowUp", 38);
    assert_eq!(widget_state(&mut b, "all")["selected"], 0);
    b.key("Escape", "Escape", 27);
    let s = widget_state(&mut b, "all");
    assert_eq!(s["open"], false, "{s}");
    assert_eq!(s["expanded"], "false");

    // 3. A preset filter restricts results: the programme="/interreg" widget shows only Interreg documents.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let api = crate::server_fixture::read_app(Config::default());
    let mut chosen = None;
    for query in ["europe", "norway", "trøndelag", "samarbeid"] {
        let q = crate::server_fixture::enc(query);
        let plain = rt
            .block_on(crate::server_fixture::get(
                &api,
                &format!("/api/search?q={q}&limit=8"),
            ))
            .json();
        let filtered = rt
            .block_on(crate::server_fixture::get(
                &api,
                &format!("/api/search?q={q}&limit=8&programme=/interreg"),
            ))
            .json();
        let (p, f) = (
            plain["total"].as_u64().unwrap(),
            filtered["total"].as_u64().unwrap(),
        );
        if f > 0 && f < p {
            chosen = Some((query, filtered));
            break;
        }
    }
    let (query, filtered) =
        chosen.expect("some query where the Interreg filter restricts the results");
    focus(&mut b, "interreg");
    b.type_text(query);
    b.key("Enter", "Enter", 13);
    let want = filtered["hits"].as_array().unwrap().len();
    b.wait_for(
        &format!(r#"document.getElementById("interreg").shadowRoot.querySelectorAll('[role="listbox"] > li').length === {want}"#),
        "filtered results",
    );
    let s = widget_state(&mut b, "interreg");
    let titles: Vec<&str> = s["titles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    let allowed: Vec<&str> = filtered["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["title"].as_str().unwrap())
        .collect();
    for t in &titles {
        assert!(
            allowed.contains(t),
            "`{t}` is not an Interreg document: {s}"
        );
    }
    assert!(!s["marks"].as_array().unwrap().is_empty(), "{s}");
    assert!(
        s["status"].as_str().unwrap().contains("dokument"),
        "the page's lang=nb is used: {s}"
    );

    // Screenshot with both widgets open.
    focus(&mut b, "all");
    b.type_text(" nord");
    b.wait_for(
        r#"!document.getElementById("all").shadowRoot.querySelector(".panel").hidden"#,
        "panel open",
    );
    std::thread::sleep(Duration::from_millis(600));
    let shot = b.call("Page.captureScreenshot", json!({ "format": "png" }));
    let png = base64::engine::general_purpose::STANDARD
        .decode(shot["data"].as_str().unwrap())
        .unwrap();
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("kartotek-widget.png");
    std::fs::write(&path, &png).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    eprintln!("widget screenshot: {}", path.display());

    // 4. Document text with <script> shows as text, never as markup.
    clear(&mut b, "all");
    b.type_text(XSS_WORD);
    b.wait_for(
        r#"Array.from(document.getElementById("all").shadowRoot.querySelectorAll(".s")).some(s => s.textContent.includes("<script>"))"#,
        "the hostile document",
    );
    let s = widget_state(&mut b, "all");
    assert_eq!(s["injected"], 0, "{s}");
    assert!(
        s["snippets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t.as_str().unwrap().contains("<script>alert(1)</script>")),
        "{s}"
    );
    assert_eq!(
        b.eval("window.__pwned === true"),
        json!(false),
        "a script from document text ran"
    );

    // 5. A widget given a search key sends it, and its links to this server carry it (a
    //    followed link sends no header); links elsewhere never do.
    focus(&mut b, "keyed");
    b.type_text("interreg");
    b.wait_for(r#"document.getElementById("keyed").shadowRoot.querySelectorAll('[role="listbox"] > li').length > 0"#, "keyed results");
    let s = widget_state(&mut b, "keyed");
    let hrefs: Vec<&str> = s["hrefs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap())
        .collect();
    assert!(hrefs.iter().any(|h| h.starts_with(&k_base)), "{s}");
    for h in hrefs {
        if h.starts_with(&k_base) {
            assert!(h.contains("?key=intra%20k%261"), "{h}");
        } else {
            assert!(!h.contains("key="), "{h}");
        }
    }
}
