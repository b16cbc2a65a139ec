//! Structural repairs made before a PDF reaches lopdf and pdf-extract, for
//! the hostile shapes that make them overflow the stack, allocate without
//! bound or loop (issue 13). The worker process contains such a failure;
//! these repairs make the same files read, or fail fast, in-process.
//!
//! - **Object-stream lengths** ([`object_stream_lengths`]): lopdf 0.42
//!   resolves an object stream's indirect `/Length` through
//!   `get_compressed_object`, which starts a fresh cycle check, so a length
//!   stored inside an object stream that needs that length recurses until
//!   the stack overflows. The PDF standard (ISO 32000-1, 7.5.7) forbids
//!   storing an object stream's length in an object stream, so such a
//!   `/Length N G R` is replaced, in place and at the same width, by the
//!   stream's real length measured up to `endstream`.
//! - **Stream lengths** ([`stream_lengths`], [`unmeasured_streams`]): a
//!   stream whose `/Length` does not end at `endstream` is an object lopdf
//!   cannot parse, and its page read as empty with no warning; pdftotext
//!   reads such streams up to `endstream`, and so does Kartotek now.
//! - **Numbers PDF does not have** ([`exponent_numbers`]): `7.92e2`, `nan`
//!   in an object made lopdf drop it (a page, in silence); each is written
//!   as the nearest PDF number in its own bytes.
//! - **Filters lopdf lacks** ([`decode_text_filters`]): ASCIIHexDecode and
//!   RunLengthDecode stages leading a stream's filters are decoded in place
//!   (bounded, after [`inflated_sizes`]); lopdf decodes neither, and such a
//!   page read as empty. `/Filter []` is dropped (lopdf decodes it to nothing).
//! - **Stray brackets and saved-state floods** ([`blank_unreadable`]): a
//!   `)`, `]` or `>>` in a content stream that closes nothing stops lopdf's
//!   content parser, and the rest of the page was lost in silence; `q`
//!   nested hundreds of thousands deep made pdf-extract hold a gigabyte.
//!   Both are blanked out.
//! - **The page tree** ([`page_tree`]): `/Count` values that lie (pdf-extract
//!   and lopdf size allocations from them), kids that loop back, and
//!   `/Parent` links that loop (inherited attributes are looked up along
//!   them) are rewritten from one depth-bounded walk from the catalog, so
//!   the tree the parsers see is a true tree with true counts.
//! - **Decompression bombs behind the byte scan** ([`inflated_sizes`]): the
//!   scan before parsing sees only zlib-headed streams. After loading, every
//!   stream with a filter chain, an LZW filter, or a Flate body without a
//!   valid zlib header (lopdf then retries as raw deflate) is decoded once
//!   into a bounded sink, and the file is refused past the limits.
//! - **Operator floods** ([`count_operators`]): a content stream of millions
//!   of operators (`q Q q Q …`) makes pdf-extract hold gigabytes; a page or
//!   form drawing more than [`MAX_OPERATORS`] is not drawn, and said so.
//! - **Byte-swapped ToUnicode targets** ([`unswap_cmap_targets`]): Ghostscript
//!   (10.0, behind `ps2pdf`, CUPS and most "optimise PDF" tools) writes the
//!   target of a ligature glyph in a ToUnicode CMap as UTF-16 *little*-endian
//!   (`<66006c00>` for `fl`), which every reader decodes as two CJK ideographs
//!   (`昀氀ytter` for `flytter`). A target of two or more code units that are
//!   all `XX00` with `XX` printable ASCII is such a target and is swapped back.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use lopdf::{Document, Object, ObjectId};

use super::recover::ObjectOffsets;

/// Operators one page or form may draw before it is skipped as a flood.
pub(super) const MAX_OPERATORS: usize = 2_000_000;
/// Deepest page tree walked (lopdf's own limit).
pub(super) const MAX_TREE_DEPTH: usize = 256;

/// Make object streams whose `/Length` is stored inside an object stream
/// readable (see the module doc). `Err` names the object when the real
/// length does not fit in the reference's place.
pub(super) fn object_stream_lengths<'a>(
    bytes: &'a [u8],
    objects: &ObjectOffsets,
) -> Result<Cow<'a, [u8]>, String> {
    let mut out: Option<Vec<u8>> = None;
    for (&num, &(offset, _)) in objects {
        let head_end = bytes.len().min(offset + 4096);
        let head = &bytes[offset..head_end];
        let Some(stream_kw) = find(head, b"stream") else {
            continue;
        };
        let dict = &head[..stream_kw];
        if find(dict, b"/ObjStm").is_none() {
            continue;
        }
        let Some(len_at) = find(dict, b"/Length") else {
            continue;
        };
        let value_start = len_at + b"/Length".len();
        let Some((target, value_end)) = reference_at(dict, value_start) else {
            continue;
        };
        if objects.contains_key(&target) {
            continue; // a top-level object: lopdf's cycle check covers it
        }
        let body_start = offset + stream_kw + b"stream".len();
        let body_start = match bytes.get(body_start..body_start + 2) {
            Some([b'\r', b'\n']) => body_start + 2,
            Some([b'\n', _]) | Some([b'\r', _]) => body_start + 1,
            _ => body_start,
        };
        let Some(end) = find(&bytes[body_start..], b"endstream") else {
            continue;
        };
        let mut length = end;
        while length > 0 && matches!(bytes[body_start + length - 1], b'\r' | b'\n') {
            length -= 1;
        }
        let width = value_end - value_start;
        let text = format!(" {length}");
        if text.len() > width {
            return Err(format!(
                "object stream `{num}` stores its own length inside an object stream, which the PDF standard forbids"
            ));
        }
        let buf = out.get_or_insert_with(|| bytes.to_vec());
        let at = offset + value_start;
        buf[at..at + width].fill(b' ');
        buf[at..at + text.len()].copy_from_slice(text.as_bytes());
    }
    Ok(match out {
        Some(v) => Cow::Owned(v),
        None => Cow::Borrowed(bytes),
    })
}

/// Rewrite, in its own place, the direct `/Length` of every top-level stream
/// whose length does not end at `endstream` (a producer that counted wrong,
/// or a file edited by hand): lopdf cannot parse such an object, and the
/// page it draws came back empty with no warning. The real length is the
/// distance to the first `endstream`, less the end of line before it; it is
/// written over the old value and the white space around it, so no byte
/// moves and the cross-reference table stays true. A length that does not
/// fit there, and a stream whose length is right, are left as they are. A
/// `/Length N G R` naming a missing object is mended after loading
/// ([`unmeasured_streams`]); one naming a wrong number is rewritten here.
pub(super) fn stream_lengths<'a>(bytes: &'a [u8], objects: &ObjectOffsets) -> Cow<'a, [u8]> {
    let mut out: Option<Vec<u8>> = None;
    for &(offset, _) in objects.values() {
        let head = &bytes[offset..bytes.len().min(offset + 4096)];
        // the object's own head: a small object's 4 KB may hold the next
        let head = find(head, b"endobj").map_or(head, |end| &head[..end]);
        let Some((dict_end, body)) = stream_keyword(head) else {
            continue;
        };
        let body_start = offset + body;
        let Some((value_start, value_end)) = length_value(&head[..dict_end]) else {
            continue;
        };
        let value = &head[value_start..value_end];
        let declared = match super::recover::read_reference(value, 0) {
            Some((num, _)) => match referenced_integer(bytes, objects, num) {
                Some(n) => Some(n),
                None => continue, // mended after loading, or lopdf's to judge
            },
            None => std::str::from_utf8(value)
                .ok()
                .and_then(|v| v.trim().parse::<u64>().ok()),
        };
        if declared.is_some_and(|n| ends_at_endstream(bytes, body_start, n)) {
            continue;
        }
        let Some(actual) = measured_length(bytes, body_start) else {
            continue;
        };
        // (a delimiter ends the span: no space is needed after the number)
        let text = format!(" {actual}");
        let width = value_end - value_start;
        if text.len() > width {
            continue; // no room: left to the parser
        }
        let buf = out.get_or_insert_with(|| bytes.to_vec());
        let at = offset + value_start;
        buf[at..at + width].fill(b' ');
        buf[at..at + text.len()].copy_from_slice(text.as_bytes());
    }
    match out {
        Some(v) => Cow::Owned(v),
        None => Cow::Borrowed(bytes),
    }
}

/// Rewrite, in their own place, the numbers of the file's objects written in
/// a form PDF does not have (`7.92e2`, `1e-05`, `nan`, `inf`): lopdf cannot
/// parse an object holding one, and the page it describes (`/MediaBox [0 0
/// 612 7.92e2]`) was dropped from the document in silence; pdftotext reads
/// it. Each becomes the nearest number that fits in its bytes (`792`, `0`;
/// a huge one the largest that fits, `nan` and `inf` `0`), padded with
/// spaces, so no byte moves. Stream data, strings, names and comments are
/// passed over; a file without such numbers is returned as it is.
pub(super) fn exponent_numbers(bytes: &[u8]) -> Cow<'_, [u8]> {
    let mut fixes: Vec<(usize, usize, String)> = Vec::new();
    let mut i = 0;
    let len = bytes.len();
    while i < len {
        match bytes[i] {
            b'%' => {
                while i < len && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'(' => i = super::objects::literal_string_end(bytes, i),
            b'<' | b'>' if bytes.get(i + 1) == Some(&bytes[i]) => i += 2,
            b'<' => {
                while i < len && bytes[i] != b'>' {
                    i += 1;
                }
                i += 1;
            }
            b'/' => {
                i += 1;
                while i < len && is_regular(bytes[i]) {
                    i += 1;
                }
            }
            b's' if bytes[i..].starts_with(b"stream")
                && (i == 0 || !is_regular(bytes[i - 1]))
                && matches!(
                    bytes[i + 6..].iter().find(|&&b| b != b' ' && b != b'\t'),
                    Some(b'\r' | b'\n')
                ) =>
            {
                // the data, up to `endstream`
                i = find(&bytes[i..], b"endstream").map_or(len, |at| i + at + b"endstream".len());
            }
            b if is_regular(b) => {
                let start = i;
                while i < len && is_regular(bytes[i]) {
                    i += 1;
                }
                if let Some(text) = plain_number(&bytes[start..i]) {
                    fixes.push((start, i, text));
                }
            }
            _ => i += 1,
        }
    }
    if fixes.is_empty() {
        return Cow::Borrowed(bytes);
    }
    let mut out = bytes.to_vec();
    for (start, end, text) in fixes {
        out[start..end].fill(b' ');
        out[start..start + text.len()].copy_from_slice(text.as_bytes());
    }
    Cow::Owned(out)
}

/// A token in exponent form, `nan` or `inf` as the nearest PDF number that
/// fits in its length; `None` for any other token.
fn plain_number(token: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(token).ok()?;
    let lower = text.to_ascii_lowercase();
    let unsigned = lower.trim_start_matches(['+', '-']);
    let value: f64 = match unsigned {
        "nan" | "inf" | "infinity" => return Some("0".to_string()),
        _ if lower.contains('e')
            && lower.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.'))
            && lower
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | '.' | 'e')) =>
        {
            lower.parse().ok()?
        }
        _ => return None,
    };
    if !value.is_finite() {
        return Some("0".to_string());
    }
    let width = token.len();
    let rounded = format!("{}", value.round() as i64);
    if (value - value.round()).abs() < 1e-9 && rounded.len() <= width {
        return Some(rounded);
    }
    // the fraction digits that fit
    for decimals in (1..width).rev() {
        let text = format!("{value:.decimals$}");
        if text.len() <= width {
            return Some(text);
        }
    }
    if rounded.len() <= width {
        return Some(rounded);
    }
    // too large for its place: the largest number that fits, signed
    let nines = "9".repeat(width - usize::from(value < 0.0));
    Some(if value < 0.0 {
        format!("-{nines}")
    } else {
        nines
    })
}

/// After loading: a stream lopdf could not measure (no `/Length`, or one
/// naming a missing object) keeps where its data starts but no data; its
/// data is read up to `endstream`, as pdftotext reads it.
pub(super) fn unmeasured_streams(doc: &mut Document, bytes: &[u8]) {
    for object in doc.objects.values_mut() {
        let Object::Stream(stream) = object else {
            continue;
        };
        let Some(start) = stream.start_position.filter(|_| stream.content.is_empty()) else {
            continue;
        };
        if start >= bytes.len() {
            continue;
        }
        if let Some(length) = measured_length(bytes, start) {
            stream.set_content(bytes[start..start + length].to_vec());
        }
    }
}

/// In the head of an object, the end of its stream dictionary (the `stream`
/// keyword after `>>`) and where the stream's data starts.
fn stream_keyword(head: &[u8]) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(at) = find(&head[from..], b"stream") {
        let kw = from + at;
        from = kw + 1;
        let before = head[..kw].trim_ascii_end();
        if !before.ends_with(b">>") {
            continue;
        }
        let mut p = kw + b"stream".len();
        while head.get(p) == Some(&b' ') {
            p += 1;
        }
        return match head.get(p..p + 2) {
            Some([b'\r', b'\n']) => Some((kw, p + 2)),
            Some([b'\n', _]) | Some([b'\r', _]) => Some((kw, p + 1)),
            _ => None,
        };
    }
    None
}

/// In a stream dictionary, the span of its `/Length` value with the white
/// space around it, up to the next delimiter.
fn length_value(dict: &[u8]) -> Option<(usize, usize)> {
    let mut from = 0;
    let at = loop {
        let at = from + find(&dict[from..], b"/Length")?;
        from = at + 1;
        // `/Length1` of an embedded font program is another key
        if dict
            .get(at + b"/Length".len())
            .is_some_and(|b| b.is_ascii_whitespace())
        {
            break at + b"/Length".len();
        }
    };
    let mut end = at;
    while end < dict.len() && !matches!(dict[end], b'/' | b'>' | b'<' | b'[' | b'(') {
        end += 1;
    }
    (end > at).then_some((at, end))
}

/// The integer object `num` holds (`7 0 obj 42 endobj`).
fn referenced_integer(bytes: &[u8], objects: &ObjectOffsets, num: u64) -> Option<u64> {
    let &(offset, _) = objects.get(&num)?;
    let body = &bytes[offset..bytes.len().min(offset + 64)];
    let obj = find(body, b"obj")? + b"obj".len();
    let p = super::recover::skip_space(body, obj);
    super::recover::read_number(body, p).map(|(n, _)| n)
}

/// True when `length` bytes of data from `start` are followed by
/// `endstream` (after one end of line), as lopdf requires.
fn ends_at_endstream(bytes: &[u8], start: usize, length: u64) -> bool {
    let Some(end) = usize::try_from(length)
        .ok()
        .and_then(|l| start.checked_add(l))
    else {
        return false;
    };
    let Some(rest) = bytes.get(end..) else {
        return false;
    };
    let rest = match rest {
        [b'\r', b'\n', rest @ ..] | [b'\n' | b'\r', rest @ ..] => rest,
        rest => rest,
    };
    rest.starts_with(b"endstream")
}

/// The data length of the stream starting at `start`: up to the first
/// `endstream`, less one end of line before it.
fn measured_length(bytes: &[u8], start: usize) -> Option<usize> {
    let end = start + find(&bytes[start..], b"endstream")?;
    let data = &bytes[start..end];
    Some(match data {
        [.., b'\r', b'\n'] => data.len() - 2,
        [.., b'\n' | b'\r'] => data.len() - 1,
        _ => data.len(),
    })
}

/// `N G R` after optional white space at `from`: the object number and the
/// end of the `R`.
fn reference_at(data: &[u8], from: usize) -> Option<(u64, usize)> {
    let mut p = from;
    let mut numbers = [0u64; 2];
    for n in &mut numbers {
        while data.get(p).is_some_and(|b| b.is_ascii_whitespace()) {
            p += 1;
        }
        let start = p;
        while data.get(p).is_some_and(u8::is_ascii_digit) {
            p += 1;
        }
        if p == start || p - start > 10 {
            return None;
        }
        *n = std::str::from_utf8(&data[start..p]).ok()?.parse().ok()?;
    }
    while data.get(p).is_some_and(|b| b.is_ascii_whitespace()) {
        p += 1;
    }
    (data.get(p) == Some(&b'R')).then_some((numbers[0], p + 1))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// What [`page_tree`] changed.
#[derive(Debug, Default, PartialEq)]
pub(super) struct TreeRepairs {
    /// `/Count` values corrected.
    pub counts: usize,
    /// Kids dropped because they were reached twice (a loop or a shared node).
    pub loops: usize,
    /// `/Parent` links corrected.
    pub parents: usize,
    /// Kids left out because they nest deeper than lopdf walks
    /// ([`MAX_TREE_DEPTH`]).
    pub too_deep: usize,
}

/// Rewrite the page tree from one bounded walk from the catalog: true
/// `/Count`s, no repeated kids, `/Parent` pointing at the node that lists
/// the kid. Returns what it changed.
pub(super) fn page_tree(doc: &mut Document) -> TreeRepairs {
    let mut repairs = TreeRepairs::default();
    let Some(root) = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"Pages").ok())
        .and_then(|o| o.as_reference().ok())
    else {
        return repairs;
    };
    let mut edits = Vec::new();
    let mut seen = HashSet::from([root]);
    let budget = doc.objects.len() + 1;
    walk(
        doc,
        root,
        None,
        0,
        &mut seen,
        budget,
        &mut edits,
        &mut repairs,
    );
    for edit in edits {
        if let Ok(Object::Dictionary(d)) = doc.get_object_mut(edit.id) {
            if let Some(kids) = edit.kids {
                d.set("Kids", Object::Array(kids));
            }
            if let Some(count) = edit.count {
                d.set("Count", Object::Integer(count));
            }
            match edit.parent {
                Some(Some(p)) => d.set("Parent", Object::Reference(p)),
                Some(None) => {
                    d.remove(b"Parent");
                }
                None => {}
            }
        }
    }
    repairs
}

/// One node's corrections.
struct Edit {
    id: ObjectId,
    kids: Option<Vec<Object>>,
    count: Option<i64>,
    /// `Some(None)`: remove `/Parent`.
    parent: Option<Option<ObjectId>>,
}

/// Walk the subtree at `id`; returns its number of pages.
#[allow(clippy::too_many_arguments)]
fn walk(
    doc: &Document,
    id: ObjectId,
    parent: Option<ObjectId>,
    depth: usize,
    seen: &mut HashSet<ObjectId>,
    budget: usize,
    edits: &mut Vec<Edit>,
    repairs: &mut TreeRepairs,
) -> i64 {
    let Ok(node) = doc.get_dictionary(id) else {
        return 0;
    };
    let stated_parent = node.get(b"Parent").and_then(Object::as_reference).ok();
    let parent_edit = (stated_parent != parent).then_some(parent);
    if parent_edit.is_some() {
        repairs.parents += 1;
    }
    let is_pages = node
        .get(b"Type")
        .and_then(Object::as_name)
        .is_ok_and(|t| t == b"Pages")
        || (node.has(b"Kids") && !node.has(b"Contents"));
    if !is_pages {
        if parent_edit.is_some() {
            edits.push(Edit {
                id,
                kids: None,
                count: None,
                parent: parent_edit,
            });
        }
        return 1;
    }
    let kids: Vec<Object> = node
        .get(b"Kids")
        .ok()
        .and_then(|k| match k {
            Object::Reference(r) => doc.get_object(*r).ok(),
            other => Some(other),
        })
        .and_then(|k| k.as_array().ok())
        .cloned()
        .unwrap_or_default();
    let mut kept = Vec::with_capacity(kids.len().min(budget));
    let mut count = 0i64;
    for kid in &kids {
        let Ok(kid_id) = kid.as_reference() else {
            repairs.loops += 1;
            continue;
        };
        if depth >= MAX_TREE_DEPTH {
            repairs.too_deep += 1;
            continue;
        }
        if seen.len() >= budget || !seen.insert(kid_id) {
            repairs.loops += 1;
            continue;
        }
        count += walk(
            doc,
            kid_id,
            Some(id),
            depth + 1,
            seen,
            budget,
            edits,
            repairs,
        );
        kept.push(kid.clone());
    }
    let stated_count = node.get(b"Count").and_then(Object::as_i64).ok();
    let count_edit = (stated_count != Some(count)).then_some(count);
    if count_edit.is_some() {
        repairs.counts += 1;
    }
    let kids_edit = (kept.len() != kids.len()
        || matches!(node.get(b"Kids"), Ok(Object::Reference(_))))
    .then_some(kept);
    if count_edit.is_some() || kids_edit.is_some() || parent_edit.is_some() {
        edits.push(Edit {
            id,
            kids: kids_edit,
            count: count_edit,
            parent: parent_edit,
        });
    }
    count
}

/// Refuse the document when a stream the byte scan could not measure (see
/// the module doc) decodes to more than `per_stream` bytes, or all of them
/// together to more than `total`.
pub(super) fn inflated_sizes(doc: &Document, per_stream: u64, total: u64) -> Result<(), String> {
    let mut sum = 0u64;
    // The scan read the bytes on disk; decrypted streams are other bytes.
    let decrypted = doc.encryption_state.is_some();
    for (id, obj) in &doc.objects {
        let Ok(stream) = obj.as_stream() else {
            continue;
        };
        let Ok(filters) = stream.filters() else {
            continue;
        };
        if stream
            .dict
            .get(b"Subtype")
            .and_then(Object::as_name)
            .is_ok_and(|n| n == b"Image")
            || stream
                .dict
                .get(b"Type")
                .and_then(Object::as_name)
                .is_ok_and(|n| n == b"EmbeddedFile")
        {
            continue; // images and attachments are never decoded (see `prepare`)
        }
        let checked_by_scan = !decrypted
            && filters.len() == 1
            && filters[0] == b"FlateDecode"
            && zlib_header(&stream.content);
        if checked_by_scan || filters.is_empty() {
            continue;
        }
        let mut data = Cow::Borrowed(stream.content.as_slice());
        for (i, filter) in filters.iter().enumerate() {
            let last = i + 1 == filters.len();
            let decoded = decode_bounded(filter, &data, per_stream, last)
                .map_err(|limit| bomb(id.0, limit))?;
            sum += decoded.size;
            if sum > total {
                return Err(bomb(id.0, total));
            }
            match decoded.bytes {
                Some(b) => data = Cow::Owned(b),
                None => break,
            }
        }
    }
    Ok(())
}

fn bomb(object: u32, limit: u64) -> String {
    format!(
        "stream `{object}` decompresses to more than `{}` MB (a decompression bomb?); the file is refused",
        limit / (1024 * 1024)
    )
}

fn zlib_header(b: &[u8]) -> bool {
    // the byte scan's test (`check_inflated_size`)
    b.len() >= 2 && b[0] == 0x78 && (u16::from(b[0]) << 8 | u16::from(b[1])) % 31 == 0
}

/// One filter's output: its size, and its bytes when another filter follows.
struct Decoded {
    size: u64,
    bytes: Option<Vec<u8>>,
}

/// Decode `input` with `filter` into a sink that stops past `limit` bytes
/// (`Err(limit)`); keeps the bytes unless `last` (no filter follows). Filters lopdf does not decode are skipped.
fn decode_bounded(filter: &[u8], input: &[u8], limit: u64, last: bool) -> Result<Decoded, u64> {
    use std::io::Read;
    let mut sink = Bounded {
        size: 0,
        limit,
        bytes: (!last).then(Vec::new),
    };
    match filter {
        b"FlateDecode" => {
            let zlib = flate2::read::ZlibDecoder::new(input);
            if std::io::copy(&mut zlib.take(limit + 1), &mut sink).is_err()
                && sink.size == 0
                && input.len() > 2
            {
                // lopdf's own fallback: raw deflate after the two header bytes
                let raw = flate2::read::DeflateDecoder::new(&input[2..]);
                let _ = std::io::copy(&mut raw.take(limit + 1), &mut sink);
            }
        }
        b"LZWDecode" => {
            let mut decoder =
                weezl::decode::Decoder::with_tiff_size_switch(weezl::BitOrder::Msb, 8);
            let _ = decoder.into_stream(&mut sink).decode_all(input);
        }
        b"ASCIIHexDecode" | b"AHx" => {
            let _ = std::io::Write::write_all(&mut sink, &ascii_hex(input));
        }
        b"RunLengthDecode" | b"RL" => run_length(input, &mut sink),
        b"ASCII85Decode" => {
            // at most four bytes out per byte in; decode for the next filter
            let mut s = lopdf::Stream::new(lopdf::Dictionary::new(), input.to_vec());
            s.dict.set("Filter", Object::Name(filter.to_vec()));
            let out = s.decompressed_content().unwrap_or_default();
            let _ = std::io::Write::write_all(&mut sink, &out);
        }
        _ => {
            return Ok(Decoded {
                size: 0,
                bytes: None,
            })
        }
    }
    if sink.size > limit {
        return Err(limit);
    }
    Ok(Decoded {
        size: sink.size,
        bytes: sink.bytes,
    })
}

/// ASCIIHexDecode (ISO 32000-1, 7.4.2): hex digit pairs, white space
/// ignored, `>` ends the data, a last odd digit is followed by a 0.
fn ascii_hex(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len() / 2);
    let mut high: Option<u8> = None;
    for &b in input {
        if b == b'>' {
            break;
        }
        let Some(d) = (b as char).to_digit(16) else {
            continue; // white space, or a stray byte pdftotext passes over too
        };
        match high.take() {
            Some(h) => out.push(h << 4 | d as u8),
            None => high = Some(d as u8),
        }
    }
    if let Some(h) = high {
        out.push(h << 4);
    }
    out
}

/// RunLengthDecode (ISO 32000-1, 7.4.5) into `sink`, which stops it past
/// its limit: a length byte below 128 copies that many plus one bytes, one
/// above repeats the next byte 257 minus it times, 128 ends the data.
fn run_length(input: &[u8], sink: &mut Bounded) {
    use std::io::Write;
    let mut i = 0;
    while let Some(&n) = input.get(i) {
        let written = match n {
            128 => break,
            0..=127 => {
                let run = &input[(i + 1).min(input.len())..(i + 2 + n as usize).min(input.len())];
                i += 2 + n as usize;
                sink.write_all(run)
            }
            _ => {
                let Some(&b) = input.get(i + 1) else { break };
                i += 2;
                sink.write_all(&[b; 128][..257 - n as usize])
            }
        };
        if written.is_err() {
            break;
        }
    }
}

/// Decode, in place, the ASCIIHexDecode and RunLengthDecode stages of every
/// stream but images and attachments, and the stages before them: lopdf decodes neither, and
/// pdf-extract drew a page so encoded from its encoded bytes (nothing, in
/// silence). Run after [`inflated_sizes`], which refuses a document whose
/// stages decode past `limit`; a stream that still would is left as it is.
/// The stages after (`[/ASCIIHexDecode /FlateDecode]`) stay for lopdf.
pub(super) fn decode_text_filters(doc: &mut Document, limit: u64) {
    for object in doc.objects.values_mut() {
        let Object::Stream(stream) = object else {
            continue;
        };
        let Ok(filters) = stream.filters() else {
            continue;
        };
        if filters.is_empty() {
            // `/Filter []`: lopdf decodes it to nothing
            stream.dict.remove(b"Filter");
            stream.dict.remove(b"DecodeParms");
            continue;
        }
        // through the last such stage: the stages before it too
        // (`[/FlateDecode /RunLengthDecode]`), when this module decodes them
        // as lopdf would (no predictor)
        let Some(last) = filters
            .iter()
            .rposition(|f| matches!(*f, b"ASCIIHexDecode" | b"AHx" | b"RunLengthDecode" | b"RL"))
        else {
            continue;
        };
        let leading = last + 1;
        let decodable = filters[..leading].iter().all(|f| {
            matches!(
                *f,
                b"ASCIIHexDecode"
                    | b"AHx"
                    | b"RunLengthDecode"
                    | b"RL"
                    | b"FlateDecode"
                    | b"LZWDecode"
                    | b"ASCII85Decode"
            )
        });
        if !decodable || predicted(&stream.dict, leading) {
            continue;
        }
        let named = |key: &[u8], name: &[u8]| {
            stream
                .dict
                .get(key)
                .and_then(Object::as_name)
                .is_ok_and(|n| n == name)
        };
        if named(b"Subtype", b"Image") || named(b"Type", b"EmbeddedFile") {
            continue;
        }
        let rest: Vec<Object> = filters[leading..]
            .iter()
            .map(|f| Object::Name(f.to_vec()))
            .collect();
        let mut data = Cow::Borrowed(stream.content.as_slice());
        let mut decoded = true;
        for filter in &filters[..leading] {
            match decode_bounded(filter, &data, limit, false) {
                Ok(Decoded { bytes: Some(b), .. }) => data = Cow::Owned(b),
                _ => {
                    decoded = false;
                    break;
                }
            }
        }
        if !decoded {
            continue;
        }
        let data = data.into_owned();
        // the parameters of the stages left, as an array or, for one, alone
        let params = match stream.dict.get(b"DecodeParms") {
            Ok(Object::Array(all)) => Some(all.iter().skip(leading).cloned().collect::<Vec<_>>()),
            _ => None,
        };
        match rest.len() {
            0 => {
                stream.dict.remove(b"Filter");
                stream.dict.remove(b"DecodeParms");
            }
            1 => {
                stream.dict.set("Filter", rest[0].clone());
                match params.map(|p| p.into_iter().next()) {
                    Some(Some(p @ Object::Dictionary(_))) => stream.dict.set("DecodeParms", p),
                    Some(_) => {
                        stream.dict.remove(b"DecodeParms");
                    }
                    None => {}
                }
            }
            _ => {
                stream.dict.set("Filter", Object::Array(rest));
                if let Some(p) = params {
                    stream.dict.set("DecodeParms", Object::Array(p));
                }
            }
        }
        stream.set_content(data);
    }
}

/// True when one of a stream's first `stages` filters has a predictor in
/// its `/DecodeParms` (which [`decode_bounded`] does not apply).
fn predicted(dict: &lopdf::Dictionary, stages: usize) -> bool {
    let predictor = |p: &Object| {
        p.as_dict()
            .ok()
            .and_then(|d| d.get(b"Predictor").and_then(Object::as_i64).ok())
            .is_some_and(|n| n > 1)
    };
    match dict.get(b"DecodeParms") {
        Ok(Object::Array(all)) => all.iter().take(stages).any(predictor),
        Ok(p) => predictor(p),
        Err(_) => false,
    }
}

/// A writer that counts, keeps bytes if asked, and fails past its limit.
struct Bounded {
    size: u64,
    limit: u64,
    bytes: Option<Vec<u8>>,
}

impl std::io::Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.size += buf.len() as u64;
        if self.size > self.limit {
            return Err(std::io::Error::other("over the limit"));
        }
        if let Some(b) = &mut self.bytes {
            b.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Operators in a content stream, counted up to `cap`: keywords outside
/// strings, names, numbers, arrays, dictionaries and comments.
pub(super) fn count_operators(content: &[u8], cap: usize) -> usize {
    let mut n = 0;
    for_each_operator(content, |_| {
        n += 1;
        n < cap
    });
    n
}

/// Most digits of an integer in a content stream: lopdf's content parser
/// stops at an integer that does not fit in 64 bits (a producer writing
/// `1e20` in full), and the rest of the page was lost.
const MAX_NUMBER_DIGITS: usize = 18;

/// `content` with every number of more than [`MAX_NUMBER_DIGITS`] digits
/// (outside strings and comments) written as `0`, or `None` when it has none.
/// No number of that size places anything on a page.
pub(super) fn clamp_long_numbers(content: &[u8]) -> Option<Vec<u8>> {
    let mut run = 0usize;
    if !content.iter().any(|b| {
        run = if b.is_ascii_digit() { run + 1 } else { 0 };
        run > MAX_NUMBER_DIGITS
    }) {
        return None;
    }
    let mut long: Vec<std::ops::Range<usize>> = Vec::new();
    for_each_token(content, |t| {
        if let Token::Number(at) = t {
            if content[at.clone()]
                .iter()
                .filter(|c| c.is_ascii_digit())
                .count()
                > MAX_NUMBER_DIGITS
            {
                long.push(at);
            }
        }
        true
    });
    if long.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(content.len());
    let mut last = 0;
    for at in long {
        out.extend_from_slice(&content[last..at.start]);
        out.push(b'0');
        last = at.end;
    }
    out.extend_from_slice(&content[last..]);
    Some(out)
}

/// How many times a content stream draws each XObject (`/Name Do`), by name.
pub(super) fn drawn_xobjects(content: &[u8]) -> HashMap<&[u8], u64> {
    let mut drawn: HashMap<&[u8], u64> = HashMap::new();
    let mut last_name: &[u8] = b"";
    for_each_token(content, |t| {
        match t {
            Token::Name(n) => last_name = n,
            Token::Operator(b"Do") => *drawn.entry(last_name).or_default() += 1,
            _ => {}
        }
        true
    });
    drawn
}

/// True when a content stream shows text with `'` or `"`, which pdf-extract
/// 0.12 does not implement (see [`expand_quote_operators`]).
pub(super) fn uses_quote_operators(content: &[u8]) -> bool {
    let mut found = false;
    for_each_operator(content, |op| {
        found = matches!(op, b"'" | b"\"");
        !found
    });
    found
}

/// Rewrite `string '` as `T* string Tj` and `aw ac string "` as
/// `aw Tw ac Tc T* string Tj` (their definitions, ISO 32000-1 9.4.3), so
/// pdf-extract draws the text: Ghostscript (`ps2pdf`, `pdfwrite`) writes
/// whole documents with them, which came out nearly empty.
pub(super) fn expand_quote_operators(content: &[u8]) -> Option<Vec<u8>> {
    use lopdf::content::{Content, Operation};
    let decoded = Content::decode(content).ok()?;
    let mut ops = Vec::with_capacity(decoded.operations.len() + 16);
    for op in decoded.operations {
        match (op.operator.as_str(), op.operands.as_slice()) {
            ("'", [text]) => {
                ops.push(Operation::new("T*", vec![]));
                ops.push(Operation::new("Tj", vec![text.clone()]));
            }
            ("\"", [aw, ac, text]) => {
                ops.push(Operation::new("Tw", vec![aw.clone()]));
                ops.push(Operation::new("Tc", vec![ac.clone()]));
                ops.push(Operation::new("T*", vec![]));
                ops.push(Operation::new("Tj", vec![text.clone()]));
            }
            _ => ops.push(op),
        }
    }
    Content { operations: ops }.encode().ok()
}

/// Characters a content stream shows with `Tj`, `TJ`, `'` and `"`: the bytes
/// of their strings, halved for the fonts named in `two_byte_fonts` (Type0
/// fonts, which use two bytes a glyph). Text drawn by forms is not counted,
/// so this is a lower bound of what the page draws.
pub(super) fn shown_characters(content: &[u8], two_byte_fonts: &[Vec<u8>]) -> usize {
    let (mut shown, mut pending, mut two_byte) = (0usize, 0usize, false);
    let mut last_name: &[u8] = b"";
    for_each_token(content, |t| {
        match t {
            Token::Name(n) => last_name = n,
            Token::String(bytes) => pending += bytes,
            Token::Operator(op) => {
                match op {
                    b"Tf" => two_byte = two_byte_fonts.iter().any(|f| f.as_slice() == last_name),
                    b"Tj" | b"TJ" | b"'" | b"\"" => {
                        shown += if two_byte { pending / 2 } else { pending }
                    }
                    _ => {}
                }
                pending = 0;
            }
            Token::Number(_) | Token::Delimiter(_) => {}
        }
        true
    });
    shown
}

/// `content` with what stops or floods the readers blanked out, or `None`
/// when there is none:
/// - a `)`, `]`, `>>`, `>`, `{` or `}` that closes nothing (a producer's
///   stray byte): lopdf's content parser reads operations up to the first
///   and drops the rest of the page in silence; pdftotext passes over it;
/// - graphics states saved (`q`) more than [`MAX_SAVED_STATES`] deep, and
///   the `Q`s that restore them: pdf-extract keeps a copy of the state per
///   `q`, and 700,000 of them in a 2 KB stream passed the worker's 1 GB.
pub(super) fn blank_unreadable(content: &[u8]) -> Option<Vec<u8>> {
    let mut stray: Vec<std::ops::Range<usize>> = Vec::new();
    let mut open: Vec<std::ops::Range<usize>> = Vec::new();
    let mut saved = 0usize;
    for_each_token(content, |t| {
        match t {
            Token::Delimiter(at) => match &content[at.clone()] {
                b"[" | b"<<" => open.push(at),
                closing @ (b"]" | b">>") => {
                    let opening: &[u8] = if closing == b"]" { b"[" } else { b"<<" };
                    if open.last().is_some_and(|o| &content[o.clone()] == opening) {
                        open.pop();
                    } else {
                        stray.push(at);
                    }
                }
                _ => stray.push(at),
            },
            Token::Operator(op) => {
                // (an opener left open is left as it is: pdf-extract
                // refuses an operator with the operands it would leave)
                open.clear();
                let deep = match op {
                    b"q" => {
                        saved += 1;
                        saved > MAX_SAVED_STATES
                    }
                    b"Q" => {
                        saved = saved.saturating_sub(1);
                        saved >= MAX_SAVED_STATES
                    }
                    _ => false,
                };
                if deep {
                    // (the operator is a piece of `content`)
                    let at = op.as_ptr() as usize - content.as_ptr() as usize;
                    stray.push(at..at + 1);
                }
            }
            _ => {}
        }
        true
    });
    if stray.is_empty() {
        return None;
    }
    let mut out = content.to_vec();
    for at in stray {
        out[at].fill(b' ');
    }
    Some(out)
}

/// Deepest nesting of saved graphics states drawn; real pages nest a few
/// dozen.
pub(super) const MAX_SAVED_STATES: usize = 4096;

/// A token of a content stream that the scans here need.
enum Token<'a> {
    /// An operator keyword.
    Operator(&'a [u8]),
    /// A name, without its slash.
    Name(&'a [u8]),
    /// A string, by its number of bytes.
    String(usize),
    /// A number, by where it stands in the content.
    Number(std::ops::Range<usize>),
    /// An array's or dictionary's bracket (`[`, `]`, `<<`, `>>`), or a
    /// byte that opens or closes nothing here (`)`, `>`, `{`, `}`), by
    /// where it stands.
    Delimiter(std::ops::Range<usize>),
}

/// Call `f` with every operator of a content stream (keywords outside
/// strings, names, numbers, arrays, dictionaries and comments) until it
/// returns false.
fn for_each_operator(content: &[u8], mut f: impl FnMut(&[u8]) -> bool) {
    for_each_token(content, |t| match t {
        Token::Operator(op) => f(op),
        _ => true,
    });
}

/// Call `f` with every operator, name and string of a content stream
/// until it returns false.
fn for_each_token<'a>(content: &'a [u8], mut f: impl FnMut(Token<'a>) -> bool) {
    let mut i = 0;
    let len = content.len();
    while i < len {
        let b = content[i];
        let token = match b {
            b'(' => {
                // literal string, balanced parentheses, backslash escapes
                let (mut depth, mut bytes) = (1, 0usize);
                i += 1;
                while i < len && depth > 0 {
                    match content[i] {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => depth -= 1,
                        _ => {}
                    }
                    bytes += 1;
                    i += 1;
                }
                Some(Token::String(bytes.saturating_sub(1)))
            }
            b'%' => {
                while i < len && content[i] != b'\n' && content[i] != b'\r' {
                    i += 1;
                }
                None
            }
            b'<' | b'>' if content.get(i + 1) == Some(&b) => {
                i += 2;
                Some(Token::Delimiter(i - 2..i))
            }
            b'[' | b']' | b')' | b'>' | b'{' | b'}' => {
                i += 1;
                Some(Token::Delimiter(i - 1..i))
            }
            b'<' => {
                let start = i;
                while i < len && content[i] != b'>' {
                    i += 1;
                }
                let digits = content[start..i]
                    .iter()
                    .filter(|c| c.is_ascii_hexdigit())
                    .count();
                i += 1;
                Some(Token::String(digits.div_ceil(2)))
            }
            b'/' => {
                let start = i + 1;
                i += 1;
                while i < len && is_regular(content[i]) {
                    i += 1;
                }
                Some(Token::Name(&content[start..i]))
            }
            b'0'..=b'9' | b'+' | b'-' | b'.' => {
                let start = i;
                i += 1;
                while i < len && (content[i].is_ascii_digit() || content[i] == b'.') {
                    i += 1;
                }
                Some(Token::Number(start..i))
            }
            _ if b.is_ascii_alphabetic() || b == b'\'' || b == b'"' || b == b'*' => {
                let start = i;
                while i < len && is_regular(content[i]) {
                    i += 1;
                }
                let word = &content[start..i.max(start + 1)];
                i = i.max(start + 1);
                (!matches!(word, b"true" | b"false" | b"null")).then_some(Token::Operator(word))
            }
            _ => {
                i += 1;
                None
            }
        };
        if let Some(t) = token {
            if !f(t) {
                return;
            }
        }
    }
}

/// A byte that continues a keyword, name or number.
fn is_regular(b: u8) -> bool {
    !b.is_ascii_whitespace() && !b"()<>[]{}/%".contains(&b)
}

/// Swap back the byte-swapped multi-unit targets of a ToUnicode CMap (see the
/// module doc); `None` when there is none. Source codes are left alone: only
/// hex strings of two or more UTF-16 units whose every unit reads `XX00`, with
/// `XX` printable ASCII, are rewritten, and a real CJK mapping never looks so
/// (ideographs are mapped one glyph to one character).
pub(super) fn unswap_cmap_targets(cmap: &[u8]) -> Option<Vec<u8>> {
    let mut out = cmap.to_vec();
    let mut changed = false;
    let mut i = 0;
    while i < cmap.len() {
        if cmap[i] != b'<' || cmap.get(i + 1) == Some(&b'<') {
            i += 1;
            continue;
        }
        let start = i + 1;
        let Some(len) = cmap[start..].iter().position(|&b| b == b'>') else {
            break;
        };
        let hex = &cmap[start..start + len];
        i = start + len + 1;
        if hex.len() < 8 || !hex.len().is_multiple_of(4) || !hex.iter().all(u8::is_ascii_hexdigit) {
            continue;
        }
        let units: Vec<&[u8]> = hex.chunks(4).collect();
        let swapped = units.iter().all(|u| {
            let high =
                u8::from_str_radix(std::str::from_utf8(&u[..2]).unwrap_or("0"), 16).unwrap_or(0);
            (0x20..0x7f).contains(&high) && &u[2..] == b"00"
        });
        if swapped {
            for (k, u) in units.iter().enumerate() {
                let at = start + k * 4;
                out[at..at + 2].copy_from_slice(b"00");
                out[at + 2..at + 4].copy_from_slice(&u[..2]);
            }
            changed = true;
        }
    }
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_states_past_the_limit_are_blanked_with_the_restores_that_match_them() {
        let deep = MAX_SAVED_STATES + 10;
        let content = format!(
            "{} BT (x) Tj ET {} q Q",
            "q ".repeat(deep),
            "Q ".repeat(deep)
        );
        let out = blank_unreadable(content.as_bytes()).expect("blanked");
        let text = String::from_utf8(out).unwrap();
        let count = |op: &str| text.split_whitespace().filter(|t| *t == op).count();
        assert_eq!(count("q"), MAX_SAVED_STATES + 1);
        assert_eq!(count("Q"), MAX_SAVED_STATES + 1);
        assert!(text.contains("BT (x) Tj ET"));
        // a page nesting a few states is left as it is
        assert_eq!(blank_unreadable(b"q q 1 0 0 1 5 5 cm Q Q"), None);
    }

    #[test]
    fn numbers_in_exponent_form_become_pdf_numbers_in_their_own_bytes() {
        assert_eq!(plain_number(b"7.92e2").as_deref(), Some("792"));
        assert_eq!(plain_number(b"1e-05").as_deref(), Some("0.000"));
        assert_eq!(plain_number(b"1e38").as_deref(), Some("9999"));
        assert_eq!(plain_number(b"-1e38").as_deref(), Some("-9999"));
        assert_eq!(plain_number(b"nan").as_deref(), Some("0"));
        assert_eq!(plain_number(b"-inf").as_deref(), Some("0"));
        for other in [&b"612"[..], b"endobj", b"e2", b"1.5", b"R", b"true"] {
            assert_eq!(plain_number(other), None);
        }
        let file = b"1 0 obj << /MediaBox [0 0 612 7.92e2] /Name /nan /T (1e5 nan) >> endobj\n\
            2 0 obj << /Length 9 >> stream  \n1e5 nan\nendstream endobj %1e5";
        let fixed = exponent_numbers(file);
        assert_eq!(fixed.len(), file.len());
        assert_eq!(
            std::str::from_utf8(&fixed).unwrap(),
            "1 0 obj << /MediaBox [0 0 612 792   ] /Name /nan /T (1e5 nan) >> endobj\n\
            2 0 obj << /Length 9 >> stream  \n1e5 nan\nendstream endobj %1e5"
        );
        // a file without them is not copied
        assert!(matches!(
            exponent_numbers(b"<< /A [1 2.5 -3] >>"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn hex_and_run_length_data_decode_as_the_standard_says() {
        assert_eq!(ascii_hex(b"48 65\n6c6C 6f>ignored"), b"Hello");
        assert_eq!(ascii_hex(b"414"), b"A@");
        let decode = |input: &[u8], limit: u64| {
            let mut sink = Bounded {
                size: 0,
                limit,
                bytes: Some(Vec::new()),
            };
            run_length(input, &mut sink);
            (sink.size, sink.bytes.unwrap_or_default())
        };
        // two literal bytes, `x` four times, the end, then what is ignored
        assert_eq!(
            decode(&[1, b'a', b'b', 253, b'x', 128, 0, b'z'], 100).1,
            b"abxxxx"
        );
        // a truncated literal run keeps what is there
        assert_eq!(decode(&[5, b'a'], 100).1, b"a");
        // a bomb stops at the limit
        let bomb: Vec<u8> = std::iter::repeat_n([129u8, b'x'], 100_000)
            .flatten()
            .collect();
        assert!(decode(&bomb, 1000).0 <= 1128);
    }

    #[test]
    fn numbers_too_long_for_the_content_parser_become_zero_and_nothing_else_changes() {
        let content = b"BT /F12 10 Tf 72 544 Td 100000000000000000000 Tc (123456789012345678901) Tj <00410042004300440045> Tj ET % 99999999999999999999";
        let fixed = clamp_long_numbers(content).expect("changed");
        assert_eq!(
            String::from_utf8(fixed).unwrap(),
            "BT /F12 10 Tf 72 544 Td 0 Tc (123456789012345678901) Tj <00410042004300440045> Tj ET % 99999999999999999999"
        );
        assert_eq!(clamp_long_numbers(b"BT 72 544 Td (x) Tj ET"), None);
    }

    #[test]
    fn ghostscript_little_endian_ligature_targets_are_swapped_back() {
        let cmap =
            b"2 beginbfrange\n<2d><2d><66006c00>\n<33><33><66006900>\n<01><01><0054>\nendbfrange";
        let fixed = unswap_cmap_targets(cmap).expect("swapped targets found");
        let text = String::from_utf8(fixed).unwrap();
        assert!(text.contains("<2d><2d><0066006c>"), "{text}");
        assert!(text.contains("<33><33><00660069>"), "{text}");
        assert!(text.contains("<01><01><0054>"), "{text}");
    }

    #[test]
    fn real_multi_character_targets_are_left_alone() {
        // `fl` written correctly, an ideograph, and a two-unit source range
        let cmap = b"<2d> <0066006C>\n<0cf3> <6600>\n<00000000> <ffffffff>";
        assert_eq!(unswap_cmap_targets(cmap), None);
    }
    #[test]
    fn operators_are_counted_outside_strings_and_names() {
        assert_eq!(count_operators(b"q Q q Q", 100), 4);
        assert_eq!(
            count_operators(b"BT /F1 12 Tf (q Q (nested) q) Tj ET % q Q q\n", 100),
            4
        );
        assert_eq!(count_operators(b"[true false] 0 d <71 51> Tj", 100), 2);
        assert_eq!(count_operators(&b"q Q ".repeat(1000), 10), 10);
    }

    fn doc_with_stream(filters: &[&[u8]], content: Vec<u8>) -> Document {
        let mut doc = Document::with_version("1.7");
        let mut s = lopdf::Stream::new(lopdf::Dictionary::new(), content);
        s.dict.set(
            "Filter",
            Object::Array(filters.iter().map(|f| Object::Name(f.to_vec())).collect()),
        );
        doc.add_object(s);
        doc
    }

    #[test]
    fn an_lzw_bomb_is_refused_before_lopdf_decodes_it() {
        let zeros = vec![0u8; 4 * 1024 * 1024];
        let lzw = weezl::encode::Encoder::with_tiff_size_switch(weezl::BitOrder::Msb, 8)
            .encode(&zeros)
            .unwrap();
        assert!(lzw.len() < zeros.len() / 50);
        let doc = doc_with_stream(&[b"LZWDecode"], lzw);
        let e = inflated_sizes(&doc, 1024 * 1024, 1 << 30).unwrap_err();
        assert!(e.contains("decompresses to more than"), "{e}");
        assert!(inflated_sizes(&doc, 8 * 1024 * 1024, 1 << 30).is_ok());
    }

    #[test]
    fn a_bomb_inside_a_second_flate_is_measured_through_the_chain() {
        use std::io::Write;
        let flate = |data: &[u8]| {
            let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        };
        let inner = flate(&vec![0u8; 4 * 1024 * 1024]);
        let doc = doc_with_stream(&[b"FlateDecode", b"FlateDecode"], flate(&inner));
        assert!(inflated_sizes(&doc, 1024 * 1024, 1 << 30).is_err());
        assert!(inflated_sizes(&doc, 1024 * 1024, 2 * 1024 * 1024).is_err());
        assert!(inflated_sizes(&doc, 8 * 1024 * 1024, 1 << 30).is_ok());
    }

    #[test]
    fn shown_characters_count_string_bytes_of_text_operators_per_font_width() {
        let content = b"BT /F1 10 Tf (Hei) Tj [(Tr) -20 (ondheim)] TJ (x) ' 1 2 (yz) \" /F2 10 Tf <00410042> Tj (skipped) Tz ET";
        assert_eq!(
            shown_characters(content, &[b"F2".to_vec()]),
            3 + 9 + 1 + 2 + 2
        );
        assert_eq!(shown_characters(b"BT (a\\(b\\)) Tj ET", &[]), 4);
    }

    #[test]
    fn quote_operators_become_next_line_and_show() {
        let content = b"BT /F1 10 Tf 12 TL (first) Tj (second) ' 1 0.5 (third) \" ET";
        assert!(uses_quote_operators(content));
        assert!(!uses_quote_operators(b"BT (it's \"quoted\") Tj ET"));
        let out = String::from_utf8(expand_quote_operators(content).unwrap()).unwrap();
        let squeezed: String = out.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(squeezed.contains("T* (second) Tj"), "{squeezed}");
        assert!(squeezed.contains("1 Tw 0.5 Tc T* (third) Tj"), "{squeezed}");
        assert!(!squeezed.contains('\''), "{squeezed}");
    }

    #[test]
    fn a_length_reference_is_read_with_its_extent() {
        assert_eq!(reference_at(b"/Length 5 0 R >>", 7), Some((5, 13)));
        assert_eq!(reference_at(b"/Length 57 >>", 7), None);
    }

    #[test]
    fn an_object_stream_length_stored_in_an_object_stream_is_replaced_in_place() {
        let pdf = b"%PDF-1.7\n6 0 obj\n<< /Type /ObjStm /N 1 /First 8 /Length 5 0 R >>\nstream\n5 0 100 \nendstream\nendobj\n";
        let fixed =
            object_stream_lengths(pdf, &super::super::recover::scan_objects(pdf).0).unwrap();
        assert_eq!(fixed.len(), pdf.len());
        let text = String::from_utf8_lossy(&fixed);
        assert!(
            text.contains("/Length 8 ") && !text.contains("5 0 R"),
            "{text}"
        );
        // A top-level length object is left to lopdf.
        let ok = b"%PDF-1.7\n5 0 obj 9 endobj\n6 0 obj\n<< /Type /ObjStm /N 1 /First 8 /Length 5 0 R >>\nstream\n5 0 100 \nendstream\nendobj\n";
        assert!(matches!(
            object_stream_lengths(ok, &super::super::recover::scan_objects(ok).0).unwrap(),
            Cow::Borrowed(_)
        ));
    }
}
