//! Office files (Word, PowerPoint, Excel, OpenDocument, RTF, the 97–2003
//! binary files) on arbitrary bytes:
//! the whole path a file takes (sniffing the zip's parts, then the reader
//! the sniffer picks), and each reader directly, so bytes the sniffer would
//! turn away still reach the XML, RTF and binary readers.
#![no_main]

#[path = "common.rs"]
mod common;
use common::product_panics;
use kartotek::ingest::office::{extract, Kind};
use kartotek::ingest::office97::Kind as Office97;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    product_panics();
    let _ = kartotek::ingest::extract::extract(data, None);
    for kind in [Kind::Docx, Kind::Odt, Kind::Pptx, Kind::Odp, Kind::Xlsx, Kind::Ods] {
        let _ = extract(data, kind);
    }
    let _ = kartotek::ingest::rtf::extract(data);
    for kind in [Office97::Doc, Office97::Xls, Office97::Ppt] {
        let _ = kartotek::ingest::office97::extract(data, kind);
    }
});
