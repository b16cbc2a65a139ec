//! Patches made to the document before pdf-extract draws it (see `prepare`): images out of
//! the way, inline images cut out, self-drawing forms broken, operator floods emptied, the
//! `'` and `"` text operators rewritten, missing media boxes supplied, unfiltered
//! compressed ToUnicode maps inflated. Fonts and annotations have their own files.

use std::collections::{HashMap, HashSet};

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::annotations::draw_annotations;
use super::fonts::{
    cut_oversized_to_unicode, fix_composite_fonts, scale_type3_widths, shown_two_byte_codes,
    substitute_non_fonts,
};
use super::objects::{deref_dict, inherited, is_pdf_space, stream_bytes, subtype_is};
use super::repair;
use super::{find, two_byte_fonts, MAX_STREAM_INFLATED};

/// Works around pdf-extract's weak spots before it sees the document; returns whether the
/// document draws any image.
///
/// - Image XObjects become empty forms: pdf-extract would otherwise parse their pixel data as a
///   content stream (slow, and it panics on some).
/// - Inline images are cut out of page contents (lopdf's content parser fails on many).
/// - Form XObjects that draw themselves (directly or in a loop) lose their `Do` operators:
///   pdf-extract recurses without a limit and would overflow the stack, which no
///   `catch_unwind` can stop.
/// - Simple fonts with an `/Encoding` lose their embedded Type1/CFF program: pdf-extract lets
///   the program's built-in encoding override `/Encoding`, the reverse of the PDF rule.
/// - Type0 fonts are rewritten where pdf-extract would decode them wrong or not at all (see
///   `fix_composite_fonts`).
/// - Type3 fonts get `/Widths` in thousandths of an em (see `scale_type3_widths`).
/// - Pages without a usable `/MediaBox` get US Letter (pdf-extract panics without one).
/// - The `'` and `"` text operators, which pdf-extract does not implement, are rewritten as
///   `T*` and `Tj` (Ghostscript writes whole documents with them).
/// - A page or form drawing more than `repair::MAX_OPERATORS` operators is not drawn.
/// - Visible annotations are drawn after the page content (see `draw_annotations`).
pub(super) fn prepare(doc: &mut Document, page_ids: &[(u32, ObjectId)]) -> Prepared {
    let mut had_images = false;

    let image_ids: Vec<ObjectId> = doc
        .objects
        .iter()
        .filter(|(_, o)| o.as_stream().is_ok_and(|s| subtype_is(&s.dict, b"Image")))
        .map(|(&id, _)| id)
        .collect();
    had_images |= !image_ids.is_empty();
    for id in image_ids {
        let mut dict = Dictionary::new();
        dict.set("Type", Object::Name(b"XObject".to_vec()));
        dict.set("Subtype", Object::Name(b"Form".to_vec()));
        dict.set(
            "BBox",
            Object::Array(vec![0.into(), 0.into(), 1.into(), 1.into()]),
        );
        doc.objects
            .insert(id, Object::Stream(lopdf::Stream::new(dict, Vec::new())));
    }

    let (floods, shown) = rewrite_page_contents(doc, page_ids, &mut had_images);

    // annotations join the page's drawing first, so that the loop and
    // fan-out checks below see their appearance forms too (a form that
    // draws itself from an annotation overflowed the reader's stack)
    for &(_, page_id) in page_ids {
        draw_annotations(doc, page_id);
    }
    let mut strip = HashSet::new();
    {
        let mut done = HashSet::new();
        for &(_, page_id) in page_ids {
            let Ok(page) = doc.get_dictionary(page_id) else {
                continue;
            };
            if let Some(res) = inherited(doc, page, b"Resources").and_then(|o| o.as_dict().ok()) {
                let mut stack = Vec::new();
                find_form_loops(doc, res, &mut stack, &mut done, &mut strip);
            }
        }
    }
    strip_draws(doc, &strip);
    // forms that draw other forms so many times over (a form drawing four
    // copies of a form drawing four copies …) that the page would draw more
    // operators than a flooded page
    let mut flooding = HashSet::new();
    {
        let mut cost = HashMap::new();
        for &(_, page_id) in page_ids {
            let Ok(page) = doc.get_dictionary(page_id) else {
                continue;
            };
            let Some(res) = inherited(doc, page, b"Resources").and_then(|o| o.as_dict().ok())
            else {
                continue;
            };
            if let Ok(content) = doc.get_page_content(page_id) {
                drawing_cost(
                    doc,
                    &content,
                    res,
                    &mut Vec::new(),
                    &mut cost,
                    &mut flooding,
                );
            }
        }
    }
    strip_draws(doc, &flooding);

    let mut with_encoding = HashSet::new();
    let mut without_encoding = HashSet::new();
    for obj in doc.objects.values() {
        let Ok(font) = obj.as_dict() else { continue };
        let simple = matches!(
            font.get(b"Subtype").and_then(Object::as_name),
            Ok(b"Type1" | b"MMType1" | b"TrueType")
        );
        let Ok(descriptor) = font.get(b"FontDescriptor").and_then(Object::as_reference) else {
            continue;
        };
        if !simple {
            continue;
        }
        if font.has(b"Encoding") {
            with_encoding.insert(descriptor);
        } else {
            without_encoding.insert(descriptor);
        }
    }
    for id in with_encoding.difference(&without_encoding) {
        if let Ok(Object::Dictionary(descriptor)) = doc.get_object_mut(*id) {
            descriptor.remove(b"FontFile");
            descriptor.remove(b"FontFile3");
        }
    }

    inflate_unfiltered_cmaps(doc);
    cut_oversized_to_unicode_maps(doc);
    unswap_to_unicode_targets(doc);
    fix_composite_fonts(doc);
    substitute_non_fonts(doc);
    scale_type3_widths(doc);
    for &(_, page_id) in page_ids {
        if inherited_media_box(doc, page_id).is_none() {
            if let Ok(Object::Dictionary(page)) = doc.get_object_mut(page_id) {
                // US Letter, as other readers assume; pdf-extract needs some box.
                page.set(
                    "MediaBox",
                    Object::Array(vec![0.into(), 0.into(), 612.into(), 792.into()]),
                );
            }
        }
    }
    Prepared {
        had_images,
        floods,
        shown,
    }
}

/// Read and inflate each page's content once, and in that one pass: empty
/// it when it floods more than [`repair::MAX_OPERATORS`] operators
/// (pdf-extract holds gigabytes for such floods), cut out inline images
/// (lopdf's content parser fails on many), rewrite the `'` and `"` text
/// operators pdf-extract does not implement, and count the characters it
/// shows (for [`partly_read_pages`]). Forms get the same flood and operator
/// rewriting. Returns the flooded pages and each page's shown characters.
pub(super) fn rewrite_page_contents(
    doc: &mut Document,
    page_ids: &[(u32, ObjectId)],
    had_images: &mut bool,
) -> (Vec<u32>, Vec<usize>) {
    let cap = repair::MAX_OPERATORS + 1;
    let forms: Vec<ObjectId> = doc
        .objects
        .iter()
        .filter(|(_, o)| o.as_stream().is_ok_and(|s| subtype_is(&s.dict, b"Form")))
        .map(|(&id, _)| id)
        .collect();
    for id in forms {
        if let Ok(Object::Stream(stream)) = doc.get_object_mut(id) {
            let content = stream_bytes(stream);
            if repair::count_operators(&content, cap) >= cap {
                stream.set_plain_content(Vec::new());
            } else if let Some(fixed) = readable_operators(&content) {
                stream.set_plain_content(fixed);
            }
        }
    }
    let mut floods = Vec::new();
    let mut shown = Vec::with_capacity(page_ids.len());
    for &(number, page_id) in page_ids {
        let Ok(mut content) = doc.get_page_content(page_id) else {
            shown.push(0);
            continue;
        };
        let mut changed = false;
        if repair::count_operators(&content, cap) >= cap {
            floods.push(number);
            content = Vec::new();
            changed = true;
        } else {
            if let Some(stripped) = strip_inline_images(&content) {
                *had_images = true;
                content = stripped;
                changed = true;
            }
            if let Some(fixed) = readable_operators(&content) {
                content = fixed;
                changed = true;
            }
        }
        shown.push(repair::shown_characters(
            &content,
            &two_byte_fonts(doc, page_id),
        ));
        if changed {
            let new_id = doc.add_object(lopdf::Stream::new(Dictionary::new(), content));
            if let Ok(Object::Dictionary(page)) = doc.get_object_mut(page_id) {
                page.set("Contents", Object::Reference(new_id));
            }
        }
    }
    (floods, shown)
}

/// `content` rewritten where pdf-extract would misread it: stray brackets
/// and too deep saved states blanked (see [`repair::blank_unreadable`]),
/// numbers too long for
/// lopdf's content parser made `0` (see [`repair::clamp_long_numbers`]),
/// and the `'` and `"` operators expanded; `None` when nothing needs it.
fn readable_operators(content: &[u8]) -> Option<Vec<u8>> {
    let blanked = repair::blank_unreadable(content);
    let current = blanked.as_deref().unwrap_or(content);
    let clamped = repair::clamp_long_numbers(current).or(blanked);
    let current = clamped.as_deref().unwrap_or(content);
    let expanded = repair::uses_quote_operators(current)
        .then(|| repair::expand_quote_operators(current))
        .flatten();
    expanded.or(clamped)
}

/// What [`prepare`] found.
pub(super) struct Prepared {
    /// The document draws images.
    pub(super) had_images: bool,
    /// Pages not drawn because they (or a form they use) flood operators.
    pub(super) floods: Vec<u32>,
    /// Characters each page's own content shows, in `page_ids` order.
    pub(super) shown: Vec<usize>,
}

/// The objects every `/ToUnicode` reference points at.
fn to_unicode_streams(doc: &Document) -> HashSet<ObjectId> {
    doc.objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter_map(|d| d.get(b"ToUnicode").and_then(Object::as_reference).ok())
        .collect()
}

/// Inflates `/ToUnicode` streams that are zlib-compressed but lack `/Filter /FlateDecode`
/// (some generators forget it; pdf-extract then reads binary as a CMap and the font's text is
/// lost). Only a body that inflates to something that looks like a CMap is replaced; the
/// decompression-bomb guard has already bounded every zlib body in the file.
pub(super) fn inflate_unfiltered_cmaps(doc: &mut Document) {
    use std::io::Read;
    for id in to_unicode_streams(doc) {
        let Ok(Object::Stream(stream)) = doc.get_object_mut(id) else {
            continue;
        };
        if stream.dict.has(b"Filter") || !stream.content.starts_with(&[0x78]) {
            continue;
        }
        let mut inflated = Vec::new();
        let read = flate2::read::ZlibDecoder::new(stream.content.as_slice())
            .take(MAX_STREAM_INFLATED)
            .read_to_end(&mut inflated);
        if read.is_ok() && find(&inflated, b"begincmap").is_some() {
            stream.set_content(inflated);
        }
    }
}

/// Swaps back the little-endian ligature targets Ghostscript writes into ToUnicode CMaps
/// (see [`repair::unswap_cmap_targets`]): `fl` instead of `昀氀`.
/// ToUnicode maps whose ranges add up to more codes than a font can have, or whose strings
/// are longer than the specification allows, cut down to the codes the document shows
/// (see [`cut_oversized_to_unicode`]): such maps are hostile, and pdf-extract's reader would
/// spend minutes or gigabytes listing every code.
fn cut_oversized_to_unicode_maps(doc: &mut Document) {
    let mut shown = None;
    for id in to_unicode_streams(doc) {
        let Ok(Object::Stream(stream)) = doc.get_object(id) else {
            continue;
        };
        let content = stream_bytes(stream);
        let Some(cut) =
            cut_oversized_to_unicode(&content, || shown_two_byte_codes(doc), &mut shown)
        else {
            continue;
        };
        if let Ok(Object::Stream(stream)) = doc.get_object_mut(id) {
            stream.dict.remove(b"Filter");
            stream.dict.remove(b"DecodeParms");
            stream.set_content(cut);
        }
    }
}

fn unswap_to_unicode_targets(doc: &mut Document) {
    for id in to_unicode_streams(doc) {
        let Ok(Object::Stream(stream)) = doc.get_object_mut(id) else {
            continue;
        };
        let content = if stream.dict.has(b"Filter") {
            match stream.decompressed_content() {
                Ok(c) => c,
                Err(_) => continue,
            }
        } else {
            stream.content.clone()
        };
        if let Some(fixed) = repair::unswap_cmap_targets(&content) {
            stream.dict.remove(b"Filter");
            stream.dict.remove(b"DecodeParms");
            stream.set_content(fixed);
        }
    }
}

pub(super) fn inherited_media_box(doc: &Document, page_id: ObjectId) -> Option<()> {
    let page = doc.get_dictionary(page_id).ok()?;
    let boxed = inherited(doc, page, b"MediaBox")?.as_array().ok()?;
    (boxed.len() == 4 && boxed.iter().all(|n| n.as_float().is_ok())).then_some(())
}

/// Remove every `Do` from the forms in `forms`: they draw no XObject any more.
fn strip_draws(doc: &mut Document, forms: &HashSet<ObjectId>) {
    for &id in forms {
        if let Ok(Object::Stream(stream)) = doc.get_object_mut(id) {
            let content = stream_bytes(stream);
            let kept = lopdf::content::Content::decode(&content)
                .ok()
                .and_then(|mut c| {
                    c.operations.retain(|op| op.operator != "Do");
                    c.encode().ok()
                })
                .unwrap_or_default();
            stream.set_plain_content(kept);
        }
    }
}

/// The operators drawing `content` under `res` costs, with every form it draws counted as
/// often as it is drawn. A form whose own drawing costs more than
/// [`repair::MAX_OPERATORS`] goes into `flooding` (its draws are to be removed) and counts
/// as its own operators only. `cost` remembers each form under each resource dictionary.
fn drawing_cost(
    doc: &Document,
    content: &[u8],
    res: &Dictionary,
    stack: &mut Vec<ObjectId>,
    cost: &mut HashMap<(ObjectId, usize), u64>,
    flooding: &mut HashSet<ObjectId>,
) -> u64 {
    let cap = repair::MAX_OPERATORS + 1;
    let mut total = repair::count_operators(content, cap) as u64;
    let xobjects = res.get(b"XObject").ok().and_then(|o| deref_dict(doc, o));
    for (name, times) in repair::drawn_xobjects(content) {
        let Some(id) = xobjects
            .and_then(|x| x.get(name).ok())
            .and_then(|o| o.as_reference().ok())
        else {
            continue;
        };
        let Ok(stream) = doc.get_object(id).and_then(Object::as_stream) else {
            continue;
        };
        if !subtype_is(&stream.dict, b"Form")
            || stack.contains(&id)
            || stack.len() >= MAX_FORM_DEPTH
        {
            continue;
        }
        let (effective, key) = form_resources(doc, id, stream, res);
        let once = match cost.get(&key) {
            Some(&c) => c,
            None => {
                let form = stream_bytes(stream);
                stack.push(id);
                let mut c = drawing_cost(doc, &form, effective, stack, cost, flooding);
                stack.pop();
                if c > repair::MAX_OPERATORS as u64 {
                    flooding.insert(id);
                    c = repair::count_operators(&form, cap) as u64;
                }
                cost.insert(key, c);
                c
            }
        };
        total = total.saturating_add(once.saturating_mul(times));
    }
    total
}

/// The resources form `id` (`stream`) draws with: its own, else those it is
/// drawn with (`res`); and the key a walk remembers the form under (a form
/// without resources of its own is another drawing under other resources).
fn form_resources<'a>(
    doc: &'a Document,
    id: ObjectId,
    stream: &'a lopdf::Stream,
    res: &'a Dictionary,
) -> (&'a Dictionary, (ObjectId, usize)) {
    let effective = stream
        .dict
        .get(b"Resources")
        .ok()
        .and_then(|o| deref_dict(doc, o))
        .unwrap_or(res);
    (effective, (id, effective as *const Dictionary as usize))
}

/// Most nested form XObjects followed when looking for loops.
pub(super) const MAX_FORM_DEPTH: usize = 32;

/// Depth-first walk over the form XObjects reachable from `res`; forms that would draw a form
/// already being drawn go into `strip`.
pub(super) fn find_form_loops(
    doc: &Document,
    res: &Dictionary,
    stack: &mut Vec<ObjectId>,
    done: &mut HashSet<(ObjectId, usize)>,
    strip: &mut HashSet<ObjectId>,
) {
    let Some(xobjects) = res.get(b"XObject").ok().and_then(|o| deref_dict(doc, o)) else {
        return;
    };
    for (_, entry) in xobjects.iter() {
        let Ok(id) = entry.as_reference() else {
            continue;
        };
        let Ok(stream) = doc.get_object(id).and_then(Object::as_stream) else {
            continue;
        };
        if !subtype_is(&stream.dict, b"Form") {
            continue;
        }
        if stack.contains(&id) || stack.len() >= MAX_FORM_DEPTH {
            if let Some(&top) = stack.last() {
                strip.insert(top);
            }
            continue;
        }
        let (effective, key) = form_resources(doc, id, stream, res);
        if done.contains(&key) {
            continue;
        }
        stack.push(id);
        find_form_loops(doc, effective, stack, done, strip);
        stack.pop();
        done.insert(key);
    }
}

/// Position of the next `token` (delimited by whitespace) at or after `from`.
pub(super) fn find_token(data: &[u8], token: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i + token.len() <= data.len() {
        if &data[i..i + token.len()] == token
            && (i == 0 || is_pdf_space(data[i - 1]))
            && data.get(i + token.len()).is_none_or(|&b| is_pdf_space(b))
        {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Where the `EI` ending an inline image whose data starts at `from` stands.
/// Image data may hold ` EI ` by chance; the one that ends the image is
/// followed by content, which is text, so the first `EI` followed by
/// [`AFTER_EI`] bytes of text is taken (as poppler and pdf.js judge it),
/// else the first `EI`.
fn image_end(content: &[u8], from: usize) -> Option<usize> {
    let first = find_token(content, b"EI", from)?;
    let mut at = first;
    loop {
        let after = &content[at + 2..content.len().min(at + 2 + AFTER_EI)];
        if after
            .iter()
            .all(|&b| b.is_ascii_graphic() || b.is_ascii_whitespace())
        {
            return Some(at);
        }
        match find_token(content, b"EI", at + 2) {
            Some(next) => at = next,
            None => return Some(first),
        }
    }
}

/// Bytes after an inline image's `EI` that must read as text.
const AFTER_EI: usize = 32;

/// Content with every inline image (`BI … ID data EI`) cut out; `None` when there is none.
/// An image never ended (no `ID` or no `EI`: a truncated stream) is cut to the end of the
/// content, so the text before it is read.
pub(super) fn strip_inline_images(content: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(content.len());
    let mut pos = 0;
    let mut found = false;
    while let Some(bi) = find_token(content, b"BI", pos) {
        out.extend_from_slice(&content[pos..bi]);
        out.push(b'\n');
        found = true;
        let end = find_token(content, b"ID", bi + 2).and_then(|id| image_end(content, id + 3));
        let Some(ei) = end else {
            pos = content.len();
            break;
        };
        pos = ei + 2;
    }
    if !found {
        return None;
    }
    out.extend_from_slice(&content[pos..]);
    Some(out)
}
