//! HTML extraction (main text, metadata, links) on arbitrary bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = kartotek::ingest::html::extract(data, Some("text/html"));
    let _ = kartotek::ingest::html::extract(data, None);
});
