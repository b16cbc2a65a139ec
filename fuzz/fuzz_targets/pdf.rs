//! PDF extraction on arbitrary bytes, in-process: what a worker runs. A
//! panic is a finding here even though the product catches it, and so is a
//! stack overflow, an allocation libFuzzer's `-rss_limit_mb` refuses, or a
//! run over `-timeout`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = kartotek::ingest::pdf::extract(data);
});
