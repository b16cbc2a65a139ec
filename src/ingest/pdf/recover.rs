//! Making lopdf accept a damaged file: an encryption dictionary rewritten in place so it
//! parses, and a cross-reference table rebuilt by scanning for `N G obj` when the stored
//! one is broken.

use std::collections::HashMap;

use lopdf::{Dictionary, Document, Object};

use super::objects::is_pdf_space;

/// Writes `obj` in PDF syntax (enough for an encryption dictionary; streams become `null`).
pub(super) fn write_object(out: &mut Vec<u8>, obj: &Object) {
    match obj {
        Object::Null | Object::Stream(_) => out.extend_from_slice(b"null"),
        Object::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Integer(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Object::Real(r) => out.extend_from_slice(format!("{r}").as_bytes()),
        Object::Name(name) => write_name(out, name),
        // Literal form with minimal escapes: never longer than the string as first written.
        Object::String(bytes, _) => {
            out.push(b'(');
            for &b in bytes {
                match b {
                    b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', b]),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    _ => out.push(b),
                }
            }
            out.push(b')');
        }
        Object::Array(items) => {
            out.push(b'[');
            for item in items {
                write_object(out, item);
                out.push(b' ');
            }
            out.push(b']');
        }
        Object::Dictionary(dict) => write_dict(out, dict),
        Object::Reference((num, generation)) => {
            out.extend_from_slice(format!("{num} {generation} R").as_bytes());
        }
    }
}

pub(super) fn write_name(out: &mut Vec<u8>, name: &[u8]) {
    out.push(b'/');
    for &b in name {
        if b.is_ascii_graphic() && !b"()<>[]{}/%#".contains(&b) {
            out.push(b);
        } else {
            out.extend_from_slice(format!("#{b:02X}").as_bytes());
        }
    }
}

pub(super) fn write_dict(out: &mut Vec<u8>, dict: &Dictionary) {
    out.extend_from_slice(b"<<");
    for (key, value) in dict.iter() {
        write_name(out, key);
        out.push(b' ');
        write_object(out, value);
        out.push(b' ');
    }
    out.extend_from_slice(b">>");
}

/// A copy of `bytes` whose encryption dictionary is fixed so lopdf accepts it, written over the
/// original in the same number of bytes; `None` when there is nothing to fix or no room.
pub(super) fn patch_encryption(bytes: &[u8], doc: &Document) -> Option<Vec<u8>> {
    let id = doc.trailer.get(b"Encrypt").ok()?.as_reference().ok()?;
    let mut dict = doc.get_dictionary(id).ok()?.clone();
    let version = dict.get(b"V").and_then(Object::as_i64).unwrap_or(0);
    let revision = dict.get(b"R").and_then(Object::as_i64).unwrap_or(0);
    let mut changed = false;
    if version <= 1 && dict.has(b"Length") {
        dict.remove(b"Length");
        changed = true;
    }
    let hash_len = if revision >= 5 { 48 } else { 32 };
    for key in [&b"O"[..], &b"U"[..]] {
        if let Ok(Object::String(s, _)) = dict.get_mut(key) {
            if s.len() > hash_len {
                s.truncate(hash_len);
                changed = true;
            }
        }
    }
    if !changed {
        return None;
    }
    let lopdf::xref::XrefEntry::Normal { offset, .. } = doc.reference_table.get(id.0)? else {
        return None;
    };
    let start = *offset as usize;
    let obj_kw = start + find_subslice(bytes.get(start..)?, b"obj")? + 3;
    let end = obj_kw + find_subslice(bytes.get(obj_kw..)?, b"endobj")?;
    let mut body = vec![b'\n'];
    write_dict(&mut body, &dict);
    if body.len() > end - obj_kw {
        return None;
    }
    body.resize(end - obj_kw, b' ');
    let mut patched = bytes.to_vec();
    patched[obj_kw..end].copy_from_slice(&body);
    Some(patched)
}

pub(super) fn find_subslice(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Parses an unsigned decimal number at `pos`; returns it and the position after it.
pub(super) fn read_number(data: &[u8], pos: usize) -> Option<(u64, usize)> {
    let digits = data[pos..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    if digits == 0 || digits > 10 {
        return None;
    }
    let n = std::str::from_utf8(&data[pos..pos + digits])
        .ok()?
        .parse()
        .ok()?;
    Some((n, pos + digits))
}

pub(super) fn skip_space(data: &[u8], mut pos: usize) -> usize {
    while pos < data.len() && is_pdf_space(data[pos]) {
        pos += 1;
    }
    pos
}

/// Reads `N G R` at `pos`.
pub(super) fn read_reference(data: &[u8], pos: usize) -> Option<(u64, u64)> {
    let (num, p) = read_number(data, skip_space(data, pos))?;
    let (generation, p) = read_number(data, skip_space(data, p))?;
    let p = skip_space(data, p);
    (data.get(p) == Some(&b'R')).then_some((num, generation))
}

/// The last `/Key N G R` in `data`.
pub(super) fn last_reference(data: &[u8], key: &[u8]) -> Option<(u64, u64)> {
    let mut found = None;
    let mut from = 0;
    while let Some(at) = find_subslice(&data[from..], key) {
        let after = from + at + key.len();
        if let Some(r) = read_reference(data, after) {
            found = Some(r);
        }
        from = after;
    }
    found
}

/// Most object numbers a rebuilt cross-reference table may hold.
pub(super) const MAX_REBUILT_OBJECTS: u64 = 4_000_000;

/// Object number → offset of `N G obj` and generation.
pub(super) type ObjectOffsets = HashMap<u64, (usize, u64)>;

/// Every top-level `N G obj` in `bytes` (object number → offset and generation, the last one
/// winning), and the catalog if one is seen, found by scanning rather than by the
/// cross-reference table.
pub(super) fn scan_objects(bytes: &[u8]) -> (ObjectOffsets, Option<(u64, u64)>) {
    let mut offsets: HashMap<u64, (usize, u64)> = HashMap::new();
    let mut catalog = None;
    let mut i = 0;
    while let Some(at) = find_subslice(&bytes[i..], b"obj") {
        let kw = i + at;
        i = kw + 3;
        if bytes.get(kw + 3).is_some_and(|b| b.is_ascii_alphanumeric()) {
            continue;
        }
        // Walk back over `N G ` before `obj`.
        let mut p = kw;
        while p > 0 && is_pdf_space(bytes[p - 1]) {
            p -= 1;
        }
        let gen_end = p;
        while p > 0 && bytes[p - 1].is_ascii_digit() {
            p -= 1;
        }
        if p == gen_end {
            continue;
        }
        let gen_start = p;
        while p > 0 && is_pdf_space(bytes[p - 1]) {
            p -= 1;
        }
        if p == gen_start {
            continue;
        }
        let num_end = p;
        while p > 0 && bytes[p - 1].is_ascii_digit() {
            p -= 1;
        }
        if p == num_end || (p > 0 && !is_pdf_space(bytes[p - 1]) && bytes[p - 1] != b'>') {
            continue;
        }
        let (Some((num, _)), Some((generation, _))) =
            (read_number(bytes, p), read_number(bytes, gen_start))
        else {
            continue;
        };
        if num == 0 || num >= MAX_REBUILT_OBJECTS || generation > 65535 {
            continue;
        }
        offsets.insert(num, (p, generation));
        let head = &bytes[kw..bytes.len().min(kw + 400)];
        if find_subslice(head, b"/Catalog").is_some() {
            catalog = Some((num, generation));
        }
    }
    (offsets, catalog)
}

/// A copy of `bytes` with a new cross-reference table and trailer appended, made by scanning
/// for `N G obj`; `None` when no objects or no catalog are found.
pub(super) fn rebuild_xref(bytes: &[u8]) -> Option<Vec<u8>> {
    let (offsets, catalog) = scan_objects(bytes);
    let root = last_reference(bytes, b"/Root").or(catalog)?;
    let size = offsets.keys().max()? + 1;
    let mut out = bytes.to_vec();
    // lopdf takes the first `%%EOF` in the last 512 bytes: push the old one out of that window.
    out.push(b'\n');
    out.extend_from_slice(&[b' '; 600]);
    out.push(b'\n');
    let xref_at = out.len();
    out.extend_from_slice(format!("xref\n0 {size}\n").as_bytes());
    for num in 0..size {
        let line = match offsets.get(&num) {
            Some(&(offset, generation)) => format!("{offset:010} {generation:05} n\r\n"),
            None => "0000000000 65535 f\r\n".to_string(),
        };
        out.extend_from_slice(line.as_bytes());
    }
    let mut trailer = format!("trailer\n<< /Size {size} /Root {} {} R", root.0, root.1);
    for key in ["Info", "Encrypt"] {
        if let Some((n, g)) = last_reference(bytes, format!("/{key}").as_bytes()) {
            trailer.push_str(&format!(" /{key} {n} {g} R"));
        }
    }
    trailer.push_str(&format!(" >>\nstartxref\n{xref_at}\n%%EOF\n"));
    out.extend_from_slice(trailer.as_bytes());
    Some(out)
}
