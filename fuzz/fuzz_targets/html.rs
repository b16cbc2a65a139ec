//! HTML extraction (main text, metadata, links) on arbitrary bytes.
#![no_main]

/// libfuzzer-sys aborts on every panic, even one the product catches with
/// `catch_unwind` (parser panics are a file's error, not a crash): keep
/// panics silent so only what escapes, or kills the process, is a finding.
fn product_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| std::panic::set_hook(Box::new(|_| {})));
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    product_panics();
    let _ = kartotek::ingest::html::extract(data, Some("text/html"));
    let _ = kartotek::ingest::html::extract(data, None);
});
