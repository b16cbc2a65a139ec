//! What every fuzz target shares, included with `#[path = "common.rs"] mod common;`.

/// libfuzzer-sys aborts on every panic, even one the product catches with
/// `catch_unwind` (parser panics are a file's error, not a crash): keep
/// panics silent so only what escapes, or kills the process, is a finding.
pub fn product_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| std::panic::set_hook(Box::new(|_| {})));
}
