//! PDF extraction on arbitrary bytes, in-process: what a worker runs. A
//! panic that escapes `pdf::extract`, a stack overflow, an allocation over
//! libFuzzer's `-rss_limit_mb` or a run over `-timeout` is a finding.
#![no_main]

#[path = "common.rs"]
mod common;
use common::product_panics;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    product_panics();
    let _ = kartotek::ingest::pdf::extract(data);
});
