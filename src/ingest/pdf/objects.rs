//! Small lopdf helpers shared by the files of this folder: following references, inherited
//! page attributes, decoded stream bytes, number arrays, PDF whitespace.

use lopdf::{Dictionary, Document, Object};

/// A stream's bytes, decompressed when its filters allow, else as stored.
pub(super) fn stream_bytes(stream: &lopdf::Stream) -> Vec<u8> {
    stream
        .decompressed_content()
        .unwrap_or_else(|_| stream.content.clone())
}

pub(super) fn deref<'a>(doc: &'a Document, obj: &'a Object) -> Option<&'a Object> {
    doc.dereference(obj).ok().map(|(_, o)| o)
}

pub(super) fn deref_dict<'a>(doc: &'a Document, obj: &'a Object) -> Option<&'a Dictionary> {
    deref(doc, obj).and_then(|o| o.as_dict().ok())
}

pub(super) fn inherited<'a>(
    doc: &'a Document,
    dict: &'a Dictionary,
    key: &[u8],
) -> Option<&'a Object> {
    let mut current = dict;
    for _ in 0..32 {
        if let Ok(obj) = current.get(key) {
            return deref(doc, obj);
        }
        let parent = current.get(b"Parent").ok()?.as_reference().ok()?;
        current = doc.get_dictionary(parent).ok()?;
    }
    None
}

pub(super) fn subtype_is(dict: &Dictionary, name: &[u8]) -> bool {
    dict.get(b"Subtype")
        .and_then(Object::as_name)
        .is_ok_and(|n| n == name)
}

pub(super) fn is_pdf_space(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t' | b'\x0c' | b'\0')
}

/// An array of numbers (the array and each entry possibly indirect); `None` if it is not an
/// array or any entry is not a number.
pub(super) fn numbers(doc: &Document, obj: &Object) -> Option<Vec<f64>> {
    deref(doc, obj)?
        .as_array()
        .ok()?
        .iter()
        .map(|n| Some(f64::from(deref(doc, n)?.as_float().ok()?)))
        .collect()
}

/// Where the literal string opening at `data[start]` (a `(`) ends: the index
/// after its closing `)`, nested parentheses and backslash escapes followed;
/// the end of `data` when it is not closed.
pub(super) fn literal_string_end(data: &[u8], start: usize) -> usize {
    let mut depth = 0usize;
    let mut i = start;
    while i < data.len() {
        match data[i] {
            b'\\' => i += 1,
            b'(' => depth += 1,
            b')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    data.len()
}
