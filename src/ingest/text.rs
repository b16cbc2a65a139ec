//! Plain-text decoding: UTF-8 (with or without BOM), UTF-16 with BOM, and a
//! Windows-1252 fallback (a superset of Latin-1) for older Nordic files.

/// Decode text bytes; returns the text and the encoding used.
pub fn decode(bytes: &[u8]) -> (String, &'static str) {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return (text.into_owned(), enc.name());
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), "UTF-8"),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            (text.into_owned(), "windows-1252")
        }
    }
}

/// Tidy extracted text: unify line ends, drop NULs and other control
/// characters, trim trailing spaces, collapse runs of blank lines.
pub(crate) fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    for line in text.replace("\r\n", "\n").replace('\r', "\n").lines() {
        let clean: String = line
            .chars()
            .filter(|c| !c.is_control() || *c == '\t')
            .collect();
        let clean = clean.trim_end();
        if clean.trim().is_empty() {
            blank_run += 1;
            if blank_run == 1 && !out.is_empty() {
                out.push('\n');
            }
            continue;
        }
        blank_run = 0;
        out.push_str(clean);
        out.push('\n');
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_text_falls_back_to_windows_1252() {
        let (t, enc) = decode(b"Tr\xf8ndelag fylkeskommune, s\xe6rlig \xe5pen");
        assert_eq!(t, "Trøndelag fylkeskommune, særlig åpen");
        assert_eq!(enc, "windows-1252");
    }

    #[test]
    fn utf8_with_bom_loses_the_bom() {
        let (t, enc) = decode("\u{feff}Bærekraft".as_bytes());
        assert_eq!(t, "Bærekraft");
        assert_eq!(enc, "UTF-8");
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let mut b = vec![0xff, 0xfe];
        for u in "Østersjø".encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&b).0, "Østersjø");
    }

    #[test]
    fn tidy_collapses_blank_lines_and_controls() {
        assert_eq!(tidy("a  \r\n\r\n\r\n\u{0}b\n\n"), "a\n\nb");
    }
}
