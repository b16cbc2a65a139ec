//! Static assets compiled into the binary: the search page's stylesheet and
//! the `<kartotek-search>` widget script.
//!
//! The widget is plain JavaScript with no build step: a custom element with
//! a closed-over shadow root, its own styles inside, talking to the JSON API
//! at the origin its `<script src>` came from. Cross-origin hosts need
//! `--cors-origin`; the script itself may be loaded from anywhere.

use std::sync::OnceLock;

use axum::response::Response;

use super::bytes_response;

/// The search page's stylesheet.
pub(crate) const STYLE_CSS: &str = include_str!("assets/style.css");
/// The embeddable widget as written, before its strings are filled in.
const WIDGET_JS: &str = include_str!("assets/widget.js");

/// The widget with its interface strings written in from [`super::i18n`] (the same
/// tables as the search page), built once.
fn widget_js_text() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| WIDGET_JS.replacen("/*@strings*/ {}", &super::i18n::widget_table_json(), 1))
}

/// `GET /style.css`.
pub(crate) async fn style_css() -> Response {
    bytes_response("text/css; charset=utf-8", STYLE_CSS, "public, max-age=300")
}

/// `GET /widget.js`: served with a permissive CORP header so intranet pages
/// on other origins may load it.
pub(crate) async fn widget_js() -> Response {
    let mut resp = bytes_response(
        "text/javascript; charset=utf-8",
        widget_js_text(),
        "public, max-age=300",
    );
    resp.headers_mut().insert(
        "cross-origin-resource-policy",
        axum::http::HeaderValue::from_static("cross-origin"),
    );
    resp
}
