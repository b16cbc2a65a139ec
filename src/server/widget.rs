//! Static assets compiled into the binary: the search page's stylesheet and
//! the `<kartotek-search>` widget script.
//!
//! The widget is plain JavaScript with no build step: a custom element with
//! a closed-over shadow root, its own styles inside, talking to the JSON API
//! at the origin its `<script src>` came from. Cross-origin hosts need
//! `--cors-origin`; the script itself may be loaded from anywhere.

use axum::response::Response;

use super::bytes_response;

/// The search page's stylesheet.
pub(crate) const STYLE_CSS: &str = include_str!("assets/style.css");
/// The embeddable widget.
pub(crate) const WIDGET_JS: &str = include_str!("assets/widget.js");

/// `GET /style.css`.
pub(crate) async fn style_css() -> Response {
    bytes_response("text/css; charset=utf-8", STYLE_CSS, "public, max-age=300")
}

/// `GET /widget.js`: served with a permissive CORP header so intranet pages
/// on other origins may load it.
pub(crate) async fn widget_js() -> Response {
    let mut resp = bytes_response(
        "text/javascript; charset=utf-8",
        WIDGET_JS,
        "public, max-age=300",
    );
    resp.headers_mut().insert(
        "cross-origin-resource-policy",
        axum::http::HeaderValue::from_static("cross-origin"),
    );
    resp
}
