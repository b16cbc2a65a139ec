//! Scanned images on arbitrary bytes: the header reader that counts a
//! TIFF's pages and sizes every page (PNG, JPEG and TIFF alike) before OCR
//! starts, which runs in the ingest process, not in a worker; and the layout
//! of Tesseract's word table, on the same bytes read as text.
#![no_main]

#[path = "common.rs"]
mod common;
use common::product_panics;
use kartotek::document::Format;
use kartotek::ingest::ocr::{image, words};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    product_panics();
    for format in [Format::Tiff, Format::Png, Format::Jpeg] {
        let _ = image::page_sizes(data, format);
    }
    let page = words::Page::read(&String::from_utf8_lossy(data));
    let _ = page.may_be_turned();
    let _ = page.into_text();
});
