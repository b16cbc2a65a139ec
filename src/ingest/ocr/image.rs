//! What a scanned image file holds before anything decodes it: how many
//! pages (a TIFF may hold many) and each page's size in pixels, read from
//! the headers alone (PNG's `IHDR`, JPEG's frame header, TIFF's chain of
//! image directories). OCR uses the sizes to refuse a page that would take
//! Tesseract gigabytes (a 100,000 × 100,000 PNG of 50 KB) and an image too
//! small to be a page (an icon), before any child process starts.

use crate::document::Format;

/// Most pages read from one TIFF: a fax or an archive scan rarely holds
/// more than a few hundred; a chain of thousands is damaged or hostile.
pub const MAX_PAGES: usize = 2000;

/// Each page's size in pixels (width, height), in order; a page whose
/// directory names no size is (0, 0). An error says what is damaged
/// (shown after "the file is damaged: ").
pub fn page_sizes(bytes: &[u8], format: Format) -> Result<Vec<(u64, u64)>, String> {
    match format {
        Format::Png => png_size(bytes).map(|s| vec![s]),
        Format::Jpeg => jpeg_size(bytes).map(|s| vec![s]),
        Format::Tiff => tiff_sizes(bytes),
        other => Err(format!("{} is no image", other.as_str())),
    }
}

fn be16(b: &[u8], at: usize) -> Option<u64> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?) as u64)
}

fn be32(b: &[u8], at: usize) -> Option<u64> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?) as u64)
}

/// A PNG's size, from its first chunk (`IHDR`, as the format requires).
fn png_size(b: &[u8]) -> Result<(u64, u64), String> {
    match (b.get(12..16), be32(b, 16), be32(b, 20)) {
        (Some(b"IHDR"), Some(w), Some(h)) => Ok((w, h)),
        _ => Err("the PNG image has no header chunk (cut short?)".into()),
    }
}

/// A JPEG's size, from its start-of-frame marker (any of the baseline,
/// progressive, lossless and arithmetic-coded kinds).
fn jpeg_size(b: &[u8]) -> Result<(u64, u64), String> {
    let damaged = || "the JPEG image has no frame header (cut short?)".to_string();
    let mut at = 2;
    loop {
        // markers may be padded with any number of 0xFF bytes
        while b.get(at) == Some(&0xFF) && b.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        if b.get(at) != Some(&0xFF) {
            return Err(damaged());
        }
        let marker = *b.get(at + 1).ok_or_else(damaged)?;
        if marker == 0x01 || (0xD0..=0xD8).contains(&marker) {
            at += 2;
            continue;
        }
        if marker == 0xD9 || marker == 0xDA {
            // end of image, or entropy-coded data before any frame
            return Err(damaged());
        }
        let len = be16(b, at + 2).ok_or_else(damaged)? as usize;
        let frame = (0xC0..=0xCF).contains(&marker) && ![0xC4, 0xC8, 0xCC].contains(&marker);
        if frame {
            let h = be16(b, at + 5).ok_or_else(damaged)?;
            let w = be16(b, at + 7).ok_or_else(damaged)?;
            return Ok((w, h));
        }
        if len < 2 {
            return Err(damaged());
        }
        at += 2 + len;
    }
}

/// Each page of a TIFF (classic or BigTIFF, either byte order): the
/// directories of its main chain, each with its `ImageWidth` and
/// `ImageLength`. A chain that loops, or runs past the file, ends there.
fn tiff_sizes(b: &[u8]) -> Result<Vec<(u64, u64)>, String> {
    let damaged = |why: &str| format!("the TIFF image {why}");
    let little = match b.get(..2) {
        Some(b"II") => true,
        Some(b"MM") => false,
        _ => return Err(damaged("names no byte order")),
    };
    let int = |at: usize, n: usize| -> Option<u64> {
        let s = b.get(at..at.checked_add(n)?)?;
        let mut v = 0u64;
        for i in 0..n {
            let byte = if little { s[n - 1 - i] } else { s[i] } as u64;
            v = (v << 8) | byte;
        }
        Some(v)
    };
    let big = match int(2, 2) {
        Some(42) => false,
        Some(43) => true,
        _ => return Err(damaged("has no TIFF header")),
    };
    // (bytes of an offset, of an entry count, of an entry)
    let (offset, count, entry) = if big { (8, 8, 20) } else { (4, 2, 12) };
    let mut next = int(if big { 8 } else { 4 }, offset).ok_or_else(|| damaged("is cut short"))?;
    let mut seen = std::collections::HashSet::new();
    let mut pages = Vec::new();
    while next != 0 && pages.len() < MAX_PAGES && seen.insert(next) {
        let Ok(dir) = usize::try_from(next) else {
            break;
        };
        let Some(entries) = int(dir, count) else {
            break;
        };
        let mut size = (0, 0);
        let first = dir + count;
        for i in 0..entries.min(4096) as usize {
            let at = first + i * entry;
            let (Some(tag), Some(kind)) = (int(at, 2), int(at + 2, 2)) else {
                break;
            };
            let value = at + 4 + offset;
            // SHORT, LONG or LONG8, stored in the entry itself
            let v = match kind {
                3 => int(value, 2),
                4 => int(value, 4),
                16 => int(value, 8),
                _ => None,
            };
            match (tag, v) {
                (256, Some(w)) => size.0 = w,
                (257, Some(h)) => size.1 = h,
                _ => {}
            }
        }
        pages.push(size);
        let Some(link) = (entries as usize)
            .checked_mul(entry)
            .and_then(|n| n.checked_add(first))
        else {
            break;
        };
        next = int(link, offset).unwrap_or(0);
    }
    if pages.is_empty() {
        return Err(damaged("holds no image directory (cut short?)"));
    }
    Ok(pages)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A classic TIFF with one directory per `(width, height)`, in the
    /// byte order asked, each directory linking to the next.
    fn tiff(little: bool, sizes: &[(u32, u32)]) -> Vec<u8> {
        let u16b = |v: u16| {
            if little {
                v.to_le_bytes()
            } else {
                v.to_be_bytes()
            }
        };
        let u32b = |v: u32| {
            if little {
                v.to_le_bytes()
            } else {
                v.to_be_bytes()
            }
        };
        let mut b = if little {
            b"II".to_vec()
        } else {
            b"MM".to_vec()
        };
        b.extend(u16b(42));
        b.extend(u32b(8));
        for (i, &(w, h)) in sizes.iter().enumerate() {
            b.extend(u16b(2));
            // width as SHORT, height as LONG: both kinds occur
            b.extend(u16b(256));
            b.extend(u16b(3));
            b.extend(u32b(1));
            b.extend(u16b(w as u16));
            b.extend([0, 0]);
            b.extend(u16b(257));
            b.extend(u16b(4));
            b.extend(u32b(1));
            b.extend(u32b(h));
            let next = if i + 1 < sizes.len() {
                b.len() as u32 + 4
            } else {
                0
            };
            b.extend(u32b(next));
        }
        b
    }

    #[test]
    fn every_page_of_a_tiff_is_counted_with_its_size_in_either_byte_order() {
        for little in [true, false] {
            let b = tiff(little, &[(1700, 2200), (2480, 3508), (640, 480)]);
            assert_eq!(
                page_sizes(&b, Format::Tiff).unwrap(),
                vec![(1700, 2200), (2480, 3508), (640, 480)]
            );
        }
    }

    #[test]
    fn a_tiff_chain_that_loops_or_runs_past_the_file_ends_there() {
        let mut b = tiff(true, &[(100, 200)]);
        // link the only directory to itself
        let end = b.len();
        b[end - 4..].copy_from_slice(&8u32.to_le_bytes());
        assert_eq!(page_sizes(&b, Format::Tiff).unwrap(), vec![(100, 200)]);
        b[end - 4..].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(page_sizes(&b, Format::Tiff).unwrap(), vec![(100, 200)]);
        assert!(page_sizes(&b[..6], Format::Tiff).is_err());
        assert!(page_sizes(b"II*\0\xff\xff\xff\x7f", Format::Tiff).is_err());
    }

    #[test]
    fn png_and_jpeg_sizes_come_from_their_headers() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend(100_000u32.to_be_bytes());
        png.extend(3u32.to_be_bytes());
        assert_eq!(page_sizes(&png, Format::Png).unwrap(), vec![(100_000, 3)]);
        assert!(page_sizes(&png[..20], Format::Png).is_err());
        // SOI, an APP0 segment, padding, then a progressive frame header
        let jpeg = [
            0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 1, 2, 0xFF, 0xFF, 0xC2, 0, 11, 8, 0x0D, 0xB0, 0x09, 0xB0,
            1, 1, 0x11, 0,
        ];
        assert_eq!(page_sizes(&jpeg, Format::Jpeg).unwrap(), vec![(2480, 3504)]);
        assert!(page_sizes(&jpeg[..8], Format::Jpeg).is_err());
        assert!(page_sizes(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0], Format::Jpeg).is_err());
    }
}
