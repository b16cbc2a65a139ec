//! Office files (Word, PowerPoint, Excel, OpenDocument, RTF) on arbitrary bytes:
//! the whole path a file takes (sniffing the zip's parts, then the reader
//! the sniffer picks), and each reader directly, so bytes the sniffer would
//! turn away still reach the XML and RTF readers.
#![no_main]

#[path = "common.rs"]
mod common;
use common::product_panics;
use kartotek::ingest::office::{extract, Kind};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    product_panics();
    let _ = kartotek::ingest::extract::extract(data, None);
    for kind in [Kind::Docx, Kind::Odt, Kind::Pptx, Kind::Odp, Kind::Xlsx, Kind::Ods] {
        let _ = extract(data, kind);
    }
    let _ = kartotek::ingest::rtf::extract(data);
});
