//! Decoding the bytes of a page: the charset from the Content-Type header, a byte-order mark
//! or a `<meta charset>` in the first bytes, else UTF-8 with Windows-1252 as the fallback.

use encoding_rs::Encoding;

/// Decode bytes to text: BOM > content-type charset > `<meta charset>`/`<meta http-equiv>`
/// in the first 1024 bytes > UTF-8 if valid > a `<meta>` charset further down (first
/// 64 KiB; legacy pages often declare it after long scripts) > UTF-8 with a few stray
/// bytes read as windows-1252 > windows-1252.
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> (String, &'static str) {
    // a BOM, or UTF-16 without one (no `<meta>` can be read from its bytes)
    if let Some(decoded) = crate::ingest::text::decode_self_described(bytes) {
        return decoded;
    }
    let declared = content_type
        .and_then(charset_param)
        .and_then(|label| Encoding::for_label(label.as_bytes()))
        .or_else(|| meta_charset(&bytes[..bytes.len().min(1024)]));
    let enc = match declared {
        Some(enc) => fix_declared(enc),
        None if std::str::from_utf8(bytes).is_ok() => encoding_rs::UTF_8,
        None => match meta_charset(&bytes[..bytes.len().min(64 * 1024)]) {
            Some(enc) => fix_declared(enc),
            // UTF-8 with a few stray bytes stays UTF-8 (see the text reader)
            None => match crate::ingest::text::utf8_with_stray_bytes(bytes) {
                Some(text) => return (text, encoding_rs::UTF_8.name()),
                None => encoding_rs::WINDOWS_1252,
            },
        },
    };
    let (text, _) = enc.decode_without_bom_handling(bytes);
    (text.into_owned(), enc.name())
}

/// A declared UTF-16 on a byte stream without BOM means UTF-8 (HTML spec); x-user-defined is 1252.
pub(super) fn fix_declared(enc: &'static Encoding) -> &'static Encoding {
    if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
        encoding_rs::UTF_8
    } else if enc == encoding_rs::X_USER_DEFINED || enc == encoding_rs::REPLACEMENT {
        encoding_rs::WINDOWS_1252
    } else {
        enc
    }
}

/// The `charset=` parameter of a Content-Type value.
pub(super) fn charset_param(content_type: &str) -> Option<String> {
    let lower = content_type.to_ascii_lowercase();
    let at = lower.find("charset")?;
    let rest = lower[at + 7..].trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let label: String = rest
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| !matches!(c, '"' | '\'' | ';' | ',' | ' ' | '\t' | '>' | '/'))
        .collect();
    (!label.is_empty()).then_some(label)
}

/// Encoding declared by a `<meta>` tag in the given prefix.
pub(super) fn meta_charset(prefix: &[u8]) -> Option<&'static Encoding> {
    let lower: Vec<u8> = prefix.to_ascii_lowercase();
    let mut from = 0;
    while let Some(pos) = find_bytes(&lower[from..], b"<meta") {
        let start = from + pos;
        let end = lower[start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(lower.len(), |e| start + e);
        let tag = String::from_utf8_lossy(&lower[start..end]);
        if let Some(label) = charset_param(&tag) {
            if let Some(enc) = Encoding::for_label(label.as_bytes()) {
                return Some(enc);
            }
        }
        from = end.max(start + 5);
        if from >= lower.len() {
            break;
        }
    }
    None
}

pub(super) fn find_bytes(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}
