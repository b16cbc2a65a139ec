//! Hostile input (issue 13): a generator for the families of files that
//! take parsers down — truncated, bit-flipped, lying counts, reference
//! cycles, self-referencing lengths, deep nesting, operator floods,
//! decompression bombs, junk — mixed with good files, run through the real
//! `kartotek` binary and a real `kartotek serve`. The process must survive,
//! every good file must be indexed, every bad one reported with a reason,
//! and memory must stay bounded.
//!
//! Every file is made here, from code; nothing comes from outside the repo.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::Rng;

/// What a family's files must do.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    /// Fail with a reason (never be indexed).
    Fail,
    /// Either be read (the damage was repairable) or fail with a reason.
    Survive,
}

/// One generated file.
struct Sample {
    name: String,
    bytes: Vec<u8>,
    expect: Expect,
}

use crate::common::pdf_from_objects as pdf;

fn stream(dict: &str, content: &[u8]) -> Vec<u8> {
    let mut s = format!("<< {dict} /Length {} >>\nstream\n", content.len()).into_bytes();
    s.extend_from_slice(content);
    s.extend_from_slice(b"\nendstream");
    s
}

const CATALOG: &str = "<< /Type /Catalog /Pages 2 0 R >>";
const PAGE: &str = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>";
const FONT: &str = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";

/// A one-page PDF that says `text`, with `pages` as its page-tree node and
/// `extra` objects from number 6 on.
fn page_pdf(text: &str, pages: &str, extra: &[Vec<u8>]) -> Vec<u8> {
    let content = format!("BT /F1 12 Tf 72 720 Td ({text}) Tj ET");
    let mut objects = vec![
        CATALOG.as_bytes().to_vec(),
        pages.as_bytes().to_vec(),
        PAGE.as_bytes().to_vec(),
        stream("", content.as_bytes()),
        FONT.as_bytes().to_vec(),
    ];
    objects.extend_from_slice(extra);
    pdf(&objects)
}

fn good_pdf(text: &str) -> Vec<u8> {
    page_pdf(text, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", &[])
}

/// A page whose content stream is `content` under `filter`.
fn filtered_pdf(filter: &str, content: &[u8]) -> Vec<u8> {
    pdf(&[
        CATALOG.as_bytes().to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        PAGE.as_bytes().to_vec(),
        stream(&format!("/Filter {filter}"), content),
        FONT.as_bytes().to_vec(),
    ])
}

/// Raw deflate (fixed Huffman) of `n` zero bytes, about 13 bits per 258
/// bytes out: a bomb made in milliseconds without compressing anything.
fn deflate_zeros(n: u64) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        acc: u64,
        len: u32,
    }
    impl Bits {
        fn put(&mut self, value: u64, bits: u32) {
            self.acc |= value << self.len;
            self.len += bits;
            while self.len >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.len -= 8;
            }
        }
        /// A Huffman code, most significant bit first.
        fn code(&mut self, code: u64, bits: u32) {
            let mut rev = 0;
            for i in 0..bits {
                rev |= ((code >> i) & 1) << (bits - 1 - i);
            }
            self.put(rev, bits);
        }
    }
    let mut b = Bits {
        out: Vec::new(),
        acc: 0,
        len: 0,
    };
    b.put(1, 1); // final block
    b.put(1, 2); // fixed Huffman
    b.code(0x30, 8); // literal 0
    let mut left = n.saturating_sub(1);
    while left >= 258 {
        b.code(0xC5, 8); // length 258 (symbol 285)
        b.code(0, 5); // distance 1
        left -= 258;
    }
    for _ in 0..left {
        b.code(0x30, 8);
    }
    b.code(0, 7); // end of block (symbol 256)
    b.put(0, 7);
    b.out
}

fn zlib_wrap(raw: &[u8]) -> Vec<u8> {
    let mut z = vec![0x78, 0x01];
    z.extend_from_slice(raw);
    z.extend_from_slice(&[0, 0, 0, 0]); // checksum left wrong: readers still inflate
    z
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn ascii85(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for chunk in data.chunks(4) {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        let mut v = u32::from_be_bytes(word);
        if v == 0 && chunk.len() == 4 {
            out.push(b'z');
            continue;
        }
        let mut digits = [0u8; 5];
        for d in digits.iter_mut().rev() {
            *d = (v % 85) as u8 + b'!';
            v /= 85;
        }
        out.extend_from_slice(&digits[..chunk.len() + 1]);
    }
    out.extend_from_slice(b"~>");
    out
}

/// The object-stream family: an object stream whose `/Length` is an
/// object stored inside that very stream, behind a cross-reference stream.
fn self_length_pdf() -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = std::collections::BTreeMap::new();
    let mut obj = |out: &mut Vec<u8>, n: u32, body: &[u8]| {
        offsets.insert(n, out.len());
        out.extend_from_slice(format!("{n} 0 obj\n").as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    };
    let content = b"BT /F1 12 Tf 72 720 Td (Selvrefererende lengde) Tj ET";
    obj(&mut out, 1, CATALOG.as_bytes());
    obj(&mut out, 2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    obj(&mut out, 3, PAGE.replace("5 0 R", "7 0 R").as_bytes());
    obj(&mut out, 4, &stream("", content));
    obj(
        &mut out,
        6,
        b"<< /Type /ObjStm /N 1 /First 8 /Length 5 0 R >>\nstream\n5 0 100 \nendstream",
    );
    obj(&mut out, 7, FONT.as_bytes());
    let xref_at = out.len();
    let mut rows = Vec::new();
    for n in 0..9u32 {
        let row: [u8; 7] = match n {
            0 => [0, 0, 0, 0, 0, 0xff, 0xff],
            5 => [2, 0, 0, 0, 6, 0, 0],
            8 => {
                let o = (xref_at as u32).to_be_bytes();
                [1, o[0], o[1], o[2], o[3], 0, 0]
            }
            _ => {
                let o = (offsets[&n] as u32).to_be_bytes();
                [1, o[0], o[1], o[2], o[3], 0, 0]
            }
        };
        rows.extend_from_slice(&row);
    }
    out.extend_from_slice(
        format!(
            "8 0 obj\n<< /Type /XRef /Size 9 /W [1 4 2] /Root 1 0 R /Length {} >>\nstream\n",
            rows.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(&rows);
    out.extend_from_slice(format!("\nendstream\nendobj\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
    out
}

/// Every family, deterministically from `seed`.
fn hostile_samples(seed: u64) -> Vec<Sample> {
    let mut rng = Rng::new(seed);
    let mut v = Vec::new();
    let mut add = |name: &str, bytes: Vec<u8>, expect: Expect| {
        v.push(Sample {
            name: name.to_string(),
            bytes,
            expect,
        })
    };
    let good = good_pdf("Fiendtlig testside for Kartotek");
    let cuts = [good.len() / 3, good.len() / 2, good.len() * 9 / 10];
    for (name, bytes) in damaged_copies(&good, "pdf", &cuts, 6, 16, &mut rng) {
        add(&name, bytes, Expect::Survive);
    }
    add(
        "count-lie.pdf",
        page_pdf(
            "Telling som lyver",
            "<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>",
            &[b"<< /Type /Pages /Parent 2 0 R /Kids [] /Count 1000000000000 >>".to_vec()],
        ),
        Expect::Survive,
    );
    add(
        "count-huge.pdf",
        page_pdf(
            "Stor telling",
            "<< /Type /Pages /Kids [3 0 R] /Count 9223372036854775807 >>",
            &[],
        ),
        Expect::Survive,
    );
    add(
        "kids-cycle.pdf",
        page_pdf(
            "Syklus i sidetreet",
            "<< /Type /Pages /Kids [3 0 R 2 0 R 6 0 R] /Count 3 >>",
            &[b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 6 0 R] /Count 5 >>".to_vec()],
        ),
        Expect::Survive,
    );
    add(
        "parent-loop.pdf",
        page_pdf(
            "Foreldresloyfe",
            "<< /Type /Pages /Parent 6 0 R /Kids [3 0 R] /Count 1 >>",
            &[b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>".to_vec()],
        ),
        Expect::Survive,
    );
    add("self-length-objstm.pdf", self_length_pdf(), Expect::Survive);
    add(
        "length-self-reference.pdf",
        pdf(&[
            CATALOG.as_bytes().to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            PAGE.as_bytes().to_vec(),
            b"<< /Length 4 0 R >>\nstream\nBT /F1 12 Tf (x) Tj ET\nendstream".to_vec(),
            FONT.as_bytes().to_vec(),
        ]),
        Expect::Survive,
    );
    add(
        "deep-arrays.pdf",
        page_pdf(
            "Dyp nesting",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            &[["[".repeat(200_000), "]".repeat(200_000)]
                .concat()
                .into_bytes()],
        ),
        Expect::Survive,
    );
    add(
        "deep-dicts.pdf",
        page_pdf(
            "Dype ordboker",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            &[["<< /A ".repeat(100_000), ">>".repeat(100_000)]
                .concat()
                .into_bytes()],
        ),
        Expect::Survive,
    );
    add(
        "operator-flood.pdf",
        filtered_pdf("/FlateDecode", &zlib(&b"q Q ".repeat(2_600_000))),
        Expect::Fail,
    );
    let bomb = deflate_zeros(600 * 1024 * 1024);
    add(
        "flate-bomb.pdf",
        filtered_pdf("/FlateDecode", &zlib_wrap(&bomb)),
        Expect::Fail,
    );
    let mut broken_header = vec![0x00, 0x00];
    broken_header.extend_from_slice(&bomb);
    add(
        "raw-deflate-bomb.pdf",
        filtered_pdf("/FlateDecode", &broken_header),
        Expect::Fail,
    );
    add(
        "double-flate-bomb.pdf",
        filtered_pdf("[/FlateDecode /FlateDecode]", &zlib(&zlib_wrap(&bomb))),
        Expect::Fail,
    );
    add(
        "ascii85-flate-bomb.pdf",
        filtered_pdf("[/ASCII85Decode /FlateDecode]", &ascii85(&zlib_wrap(&bomb))),
        Expect::Fail,
    );
    let mut junk = b"%PDF-1.4\n".to_vec();
    junk.extend((0..20_000).map(|_| rng.next_u64() as u8));
    add("junk-with-header.pdf", junk, Expect::Fail);
    add(
        "junk.bin",
        (0..20_000).map(|_| rng.next_u64() as u8).collect(),
        Expect::Fail,
    );
    add("empty.pdf", Vec::new(), Expect::Fail);
    add(
        "header-only.pdf",
        b"%PDF-1.7\n%%EOF\n".to_vec(),
        Expect::Fail,
    );
    // Word and OpenDocument: zip archives of XML
    let word = docx("Fiendtlig Word-fil for Kartotek");
    let cuts = [word.len() / 3, word.len() * 9 / 10];
    for (name, bytes) in damaged_copies(&word, "docx", &cuts, 4, 4, &mut rng) {
        add(&name, bytes, Expect::Survive);
    }
    // Word and Excel 97-2003: compound files cut short and with bits flipped
    // past their header
    for (file, ext) in [
        ("lofoten-libreoffice.doc", "doc"),
        ("tilskudd-nordland-2003.xls", "xls"),
    ] {
        let good = std::fs::read(crate::common::fixture(&format!("office/{file}"))).unwrap();
        let cuts = [good.len() / 3, good.len() * 9 / 10];
        for (name, bytes) in damaged_copies(&good, ext, &cuts, 4, 512, &mut rng) {
            add(&name, bytes, Expect::Survive);
        }
    }
    // scanned images: a TIFF cut short and with bits flipped in its pages,
    // a PNG declaring ten billion pixels, a TIFF whose page chain loops
    let tiff = std::fs::read(crate::common::fixture("scans/long-report-pages-4-5.tif")).unwrap();
    let cuts = [tiff.len() / 3, tiff.len() * 9 / 10];
    for (name, bytes) in damaged_copies(&tiff, "tif", &cuts, 2, 16, &mut rng) {
        add(&name, bytes, Expect::Survive);
    }
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend(100_000u32.to_be_bytes());
    png.extend(100_000u32.to_be_bytes());
    png.extend(b"\x08\x00\x00\x00\x00");
    add("bomb.png", png, Expect::Fail);
    let mut looped = b"II*\0\x08\0\0\0\x02\0".to_vec();
    looped.extend(b"\0\x01\x03\0\x01\0\0\0\xb0\x09\0\0");
    looped.extend(b"\x01\x01\x03\0\x01\0\0\0\xb4\x0d\0\0");
    looped.extend(8u32.to_le_bytes());
    add("looped.tif", looped, Expect::Fail);
    // 4 GB of zeros in a 2 MB body part: inflated to the part limit only
    add(
        "bomb.docx",
        zip_raw("word/document.xml", &deflate_zeros(4 << 30)),
        Expect::Survive,
    );
    add(
        "deep-spans.odt",
        zip_stored(&[
            ("mimetype", b"application/vnd.oasis.opendocument.text".to_vec()),
            (
                "content.xml",
                format!(
                    "<office:document-content><office:body><office:text><text:p>{}Dyp{}</text:p></office:text></office:body></office:document-content>",
                    "<text:span>".repeat(200_000),
                    "</text:span>".repeat(200_000)
                )
                .into_bytes(),
            ),
        ]),
        Expect::Survive,
    );
    add(
        "no-body.docx",
        zip_stored(&[
            ("word/styles.xml", b"<w:styles/>".to_vec()),
            ("word/document.xml.bak", Vec::new()),
        ]),
        Expect::Fail,
    );
    // RTF: braces nested past any depth, a file that breaks off in an
    // escape, a `\uN` out of range and a code page no one has
    add(
        "deep-groups.rtf",
        format!(
            "{{\\rtf1 {}Dyp RTF{}",
            "{\\b ".repeat(300_000),
            "}".repeat(1_000)
        )
        .into_bytes(),
        Expect::Survive,
    );
    add(
        "broken.rtf",
        b"{\\rtf1\\ansicpg99999\\uc9\\u-99999 Brutt \\'f".to_vec(),
        Expect::Survive,
    );
    // Excel: a shared string index past the end, a workbook part that
    // inflates to 4 GB of zeros
    add(
        "bad-index.xlsx",
        zip_stored(&[
            ("xl/workbook.xml", b"<workbook><sheets><sheet r:id=\"rId1\"/></sheets></workbook>".to_vec()),
            ("xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row><c t=\"s\"><v>4294967296</v></c><c t=\"inlineStr\"><is><t>Arkrad</t></is></c></row></sheetData></worksheet>".to_vec()),
        ]),
        Expect::Survive,
    );
    add(
        "bomb.xlsx",
        zip_raw("xl/workbook.xml", &deflate_zeros(4 << 30)),
        Expect::Survive,
    );
    add(
        "deep-tags.html",
        format!(
            "<html><body>{}Dyp HTML{}</body></html>",
            "<div>".repeat(100_000),
            "</div>".repeat(100_000)
        )
        .into_bytes(),
        Expect::Survive,
    );
    v
}

/// Damaged copies of a good file: `good` cut at each of `cuts`
/// (`truncated-N.EXT`), and `flips` copies with four bits flipped after its
/// first `keep` bytes (`bitflip-N.EXT`).
fn damaged_copies(
    good: &[u8],
    ext: &str,
    cuts: &[usize],
    flips: usize,
    keep: usize,
    rng: &mut Rng,
) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = cuts
        .iter()
        .enumerate()
        .map(|(i, cut)| (format!("truncated-{i}.{ext}"), good[..*cut].to_vec()))
        .collect();
    for i in 0..flips {
        let mut b = good.to_vec();
        for _ in 0..4 {
            let at = keep + (rng.next_u64() as usize) % (b.len() - keep);
            b[at] ^= 1 << (rng.next_u64() % 8);
        }
        out.push((format!("bitflip-{i}.{ext}"), b));
    }
    out
}

/// A zip archive of `entries`, stored (not compressed).
fn zip_stored(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in entries {
        zip.start_file(*name, stored).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A Word file whose one paragraph says `text`.
fn docx(text: &str) -> Vec<u8> {
    let xml = format!(
        "<w:document xmlns:w=\"w\"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"
    );
    zip_stored(&[
        ("[Content_Types].xml", b"<Types/>".to_vec()),
        ("word/document.xml", xml.into_bytes()),
    ])
}

/// A zip archive of one entry `name` whose data is the raw deflate stream
/// `raw`, written by hand: the header states the size `raw` is, not what it
/// inflates to, and no checksum (what a bomb's maker would write).
fn zip_raw(name: &str, raw: &[u8]) -> Vec<u8> {
    let (n, len) = (name.len() as u16, raw.len() as u32);
    let mut z = Vec::new();
    z.extend_from_slice(b"PK\x03\x04\x14\x00\x00\x00\x08\x00\x00\x00\x00\x00");
    z.extend_from_slice(&0u32.to_le_bytes()); // crc
    z.extend_from_slice(&len.to_le_bytes());
    z.extend_from_slice(&u32::MAX.to_le_bytes()); // "uncompressed": as much as it likes
    z.extend_from_slice(&n.to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes());
    z.extend_from_slice(name.as_bytes());
    z.extend_from_slice(raw);
    let directory = z.len() as u32;
    z.extend_from_slice(b"PK\x01\x02\x14\x00\x14\x00\x00\x00\x08\x00\x00\x00\x00\x00");
    z.extend_from_slice(&0u32.to_le_bytes());
    z.extend_from_slice(&len.to_le_bytes());
    z.extend_from_slice(&u32::MAX.to_le_bytes());
    z.extend_from_slice(&n.to_le_bytes());
    z.extend_from_slice(&[0; 12]); // extra, comment, disk, attributes
    z.extend_from_slice(&0u32.to_le_bytes()); // local header at 0
    z.extend_from_slice(name.as_bytes());
    let size = z.len() as u32 - directory;
    z.extend_from_slice(b"PK\x05\x06\x00\x00\x00\x00\x01\x00\x01\x00");
    z.extend_from_slice(&size.to_le_bytes());
    z.extend_from_slice(&directory.to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes());
    z
}

/// A good file: name, bytes, and a word only it contains.
type Good = (String, Vec<u8>, &'static str);

/// Good files: each must be indexed, and found by its unique word.
fn good_samples() -> Vec<Good> {
    vec![
        ("god-rapport.pdf".into(), good_pdf("Strandsoner og Kvitfjellgrenda i Nordland"), "kvitfjellgrenda"),
        (
            "god-side.html".into(),
            b"<html lang=nn><head><title>Regional plan</title></head><body><main><h1>Regional plan</h1><p>Planen for Bjarkoyfjorden gjeld heile fylket og skal reviderast kvart fjerde aar.</p></main></body></html>".to_vec(),
            "bjarkoyfjorden",
        ),
        ("god-plan.docx".into(), docx("Kystplanen for Hamnvikodden vedtas i juni"), "hamnvikodden"),
        (
            "god-tekst.txt".into(),
            "Samarbeid over grensa: Tromsdalsvika og nabokommunane lagar ein felles strategi for kysten.".as_bytes().to_vec(),
            "tromsdalsvika",
        ),
    ]
}

fn kartotek() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kartotek"))
}

/// Peak resident memory (kB) of a process and its children, sampled until it exits.
fn run_sampling_memory(mut cmd: Command) -> (std::process::Output, u64) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start kartotek");
    let pid = child.id();
    let mut stderr = child.stderr.take().unwrap();
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stderr.read_to_end(&mut s);
        s
    });
    let mut peak = 0;
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        peak = peak.max(tree_rss_kb(pid));
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stdout = Vec::new();
    if let Some(mut o) = child.stdout.take() {
        let _ = o.read_to_end(&mut stdout);
    }
    let stderr = err_reader.join().unwrap();
    (
        std::process::Output {
            status,
            stdout,
            stderr,
        },
        peak,
    )
}

/// Resident memory of `pid` and its direct children, in kB (0 where /proc says nothing).
fn tree_rss_kb(pid: u32) -> u64 {
    let rss = |p: &str| -> u64 {
        std::fs::read_to_string(format!("/proc/{p}/status"))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|n| n.parse().ok())
            })
            .unwrap_or(0)
    };
    let children =
        std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap_or_default();
    rss(&pid.to_string()) + children.split_whitespace().map(rss).sum::<u64>()
}

fn write_batch(dir: &Path) -> (Vec<Sample>, Vec<Good>) {
    let hostile = hostile_samples(13);
    let good = good_samples();
    for s in &hostile {
        std::fs::write(dir.join(&s.name), &s.bytes).unwrap();
    }
    for (name, bytes, _) in &good {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    (hostile, good)
}

#[test]
fn a_batch_of_hostile_files_is_reported_file_by_file_and_the_good_ones_are_indexed() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    let (hostile, good) = write_batch(&docs);
    let index = dir.path().join("index");
    let mut cmd = kartotek();
    cmd.arg("--index")
        .arg(&index)
        .args([
            "--worker-memory-mb",
            "512",
            "ingest",
            "--file-timeout",
            "60",
        ])
        .arg(&docs);
    let started = Instant::now();
    let (out, peak_kb) = run_sampling_memory(cmd);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the batch must end normally with failures:\n{err}"
    );
    let mut failed = 0;
    for s in &hostile {
        let line = err.lines().find(|l| l.contains(&format!("/{}:", s.name)));
        eprintln!(
            "  {:<26} {}",
            s.name,
            line.and_then(|l| l.split_once(&format!("{}: ", s.name)).map(|x| x.1))
                .unwrap_or("read")
        );
        match (s.expect, line) {
            (Expect::Fail, None) => panic!("{} was not reported as failed:\n{err}", s.name),
            (_, Some(l)) => {
                failed += 1;
                let reason = l
                    .split_once(&format!("{}: ", s.name))
                    .map(|x| x.1)
                    .unwrap_or("");
                assert!(reason.len() > 10, "{} failed without a reason: {l}", s.name);
            }
            (Expect::Survive, None) => {}
        }
    }
    for (name, _, _) in &good {
        assert!(
            !err.contains(&format!("/{name}:")),
            "good file {name} failed:\n{err}"
        );
    }
    // Memory: two workers under a 512 MB ceiling each, plus the writer.
    assert!(peak_kb < 1_600_000, "peak memory {peak_kb} kB");
    eprintln!(
        "hostile batch: {} hostile + {} good files, {failed} failed with reasons, peak {} MB, {:.1} s",
        hostile.len(),
        good.len(),
        peak_kb / 1024,
        started.elapsed().as_secs_f64()
    );
    // Every good file is searchable by its unique word.
    for (name, _, word) in &good {
        let out = kartotek()
            .arg("--index")
            .arg(&index)
            .args(["search", word, "--json"])
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "search {word}: {e}: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        assert!(
            json["total"].as_u64().unwrap_or(0) >= 1,
            "{name} not found by `{word}`: {json}"
        );
    }
}

#[test]
fn a_file_over_the_worker_memory_ceiling_fails_with_that_reason_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("enorm.html");
    let mut html = String::from("<html><body>");
    for _ in 0..400_000 {
        html.push_str("<div><p><b>ord</b> tekst</p></div>");
    }
    std::fs::write(&big, html).unwrap();
    let good = dir.path().join("god.txt");
    std::fs::write(&good, "Kystkulturen i Lofoten er tema for denne teksten.").unwrap();
    let out = kartotek()
        .arg("--index")
        .arg(dir.path().join("index"))
        .args(["--worker-memory-mb", "128", "ingest"])
        .arg(&big)
        .arg(&good)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("enorm.html: reading it needed more than the 128 MB"),
        "{err}"
    );
    assert!(err.contains("indexed 1 documents"), "{err}");
}

/// A free loopback port.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One HTTP/1.1 request on a fresh connection; returns status and body.
fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> (u16, String) {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut resp = Vec::new();
    let _ = s.read_to_end(&mut resp);
    let text = String::from_utf8_lossy(&resp).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|x| x.1.to_string())
        .unwrap_or_default();
    (status, body)
}

#[test]
fn uploads_of_hostile_files_answer_422_and_the_server_keeps_answering_searches() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut server = kartotek()
        .arg("--index")
        .arg(dir.path().join("index"))
        .args(["--worker-memory-mb", "512", "serve", "--addr"])
        .arg(format!("127.0.0.1:{port}"))
        .env("KARTOTEK_ADMIN_KEY", "hemmelig")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let up = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            up.elapsed() < Duration::from_secs(120),
            "the server did not start"
        );
        assert!(
            server.try_wait().unwrap().is_none(),
            "the server exited at start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // the first search waits for the dictionaries the server reads at
    // start (seconds in a debug build on a busy machine): ready once it
    // is answered
    while http(port, "GET", "/api/search?q=Erasmus", &[], b"").0 != 200 {
        assert!(
            up.elapsed() < Duration::from_secs(180),
            "the server never answered a search"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let searching = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let flag = searching.clone();
    // Searches keep being answered while the uploads run.
    let searcher = std::thread::spawn(move || {
        let mut answered = 0;
        while flag.load(std::sync::atomic::Ordering::Relaxed) {
            let (status, _) = http(port, "GET", "/api/search?q=Erasmus", &[], b"");
            assert_eq!(status, 200, "a search failed during the uploads");
            answered += 1;
            std::thread::sleep(Duration::from_millis(50));
        }
        answered
    });
    for s in hostile_samples(7)
        .into_iter()
        .filter(|s| s.expect == Expect::Fail)
    {
        let boundary = "kartotekgrense";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
            s.name
        )
        .into_bytes();
        body.extend_from_slice(&s.bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let (status, text) = http(
            port,
            "POST",
            "/api/documents",
            &[
                ("Authorization", "Bearer hemmelig".into()),
                (
                    "Content-Type",
                    format!("multipart/form-data; boundary={boundary}"),
                ),
            ],
            &body,
        );
        assert!(
            status == 422 || status == 413,
            "{}: expected 422, got {status}: {text}",
            s.name
        );
        if status == 422 {
            assert!(
                text.contains(&s.name),
                "{}: the reason does not name the file: {text}",
                s.name
            );
        }
        assert!(
            server.try_wait().unwrap().is_none(),
            "the server died on {}",
            s.name
        );
    }
    searching.store(false, std::sync::atomic::Ordering::Relaxed);
    let answered = searcher.join().unwrap();
    assert!(answered > 0);
    let (status, _) = http(port, "GET", "/api/search?q=Erasmus", &[], b"");
    assert_eq!(status, 200);
    let _ = server.kill();
    let _ = server.wait();
}

/// A loopback site: `/` is `front`, which links to `/god`, a good page;
/// everything else is 404. Serves until the test ends.
fn loopback_site(front: Vec<u8>) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let front = std::sync::Arc::new(front);
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut s) = conn else { continue };
            let front = front.clone();
            std::thread::spawn(move || {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && s.read(&mut byte).unwrap_or(0) == 1 {
                    head.push(byte[0]);
                }
                let path = String::from_utf8_lossy(&head)
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or("/")
                    .to_string();
                let (status, body): (&str, Vec<u8>) = match path.as_str() {
                    "/" => ("200 OK", front.to_vec()),
                    "/god" => ("200 OK", b"<html lang=nb><head><title>Kystplan</title></head><body><main><h1>Kystplan</h1><p>Planen for Saltstraumvika omfatter hele kysten og revideres hvert fjerde aar.</p></main></body></html>".to_vec()),
                    _ => ("404 Not Found", b"not found".to_vec()),
                };
                let _ = write!(
                    s,
                    "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = s.write_all(&body);
            });
        }
    });
    port
}

#[test]
fn a_crawled_page_too_big_for_a_worker_fails_alone_and_the_crawl_goes_on() {
    let mut front = String::from("<html><body><a href=\"/god\">Kystplan</a>");
    for _ in 0..400_000 {
        front.push_str("<div><p><b>ord</b> tekst</p></div>");
    }
    front.push_str("</body></html>");
    let port = loopback_site(front.into_bytes());
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let out = kartotek()
        .arg("--index")
        .arg(&index)
        .args(["--worker-memory-mb", "128", "crawl"])
        .arg(format!("http://127.0.0.1:{port}/"))
        .args([
            "--allow-private",
            "--no-sitemaps",
            "--delay-ms",
            "0",
            "--max-body-mb",
            "64",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the crawl must end normally:\n{err}"
    );
    assert!(err.contains("needed more than the 128 MB"), "{err}");
    // The big page's links are lost with it; the good page, reached by its
    // own URL, is read in a fresh worker.
    let out = kartotek()
        .arg("--index")
        .arg(&index)
        .arg("crawl")
        .arg(format!("http://127.0.0.1:{port}/god"))
        .args(["--allow-private", "--no-sitemaps", "--delay-ms", "0"])
        .output()
        .unwrap();
    crate::common::assert_exit_ok(&out);
    let out = kartotek()
        .arg("--index")
        .arg(&index)
        .args(["search", "saltstraumvika", "--json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["total"], 1, "{json}");
}
