//! HTML extraction (main text, metadata, links) on arbitrary bytes.
#![no_main]

#[path = "common.rs"]
mod common;
use common::product_panics;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    product_panics();
    let _ = kartotek::ingest::html::extract(data, Some("text/html"));
    let _ = kartotek::ingest::html::extract(data, None);
});
