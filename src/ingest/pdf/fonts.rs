//! Font repairs: Type3 widths rescaled, and Type0 (composite) fonts rewritten where
//! pdf-extract 0.12 decodes them wrong or not at all: embedded encoding CMaps, `/ToUnicode
//! /Identity-H`, range-form `/W` widths, and fonts without a ToUnicode map, which get one
//! from their embedded TrueType `cmap` table or from Adobe's CJK collection tables
//! (`hayro-cmap`). A font resource that is no font gets Helvetica in its place.

use std::collections::{HashMap, HashSet};

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::objects::{deref, deref_dict, is_pdf_space, numbers, stream_bytes, subtype_is};

/// Most code ranges or single codes read from one embedded CMap.
pub(super) const MAX_CMAP_ENTRIES: usize = 70_000;

/// Where a map of font resources (`/Font << /F1 … >>`) stands: an object of
/// its own, or a dictionary inside an object, by the keys leading to it.
enum FontMap {
    Object(ObjectId),
    Inside(ObjectId, &'static [&'static [u8]]),
}

/// A font map an object holds itself, and one in its `/Resources`.
const DIRECT: &[&[u8]] = &[b"Font"];
const IN_RESOURCES: &[&[u8]] = &[b"Resources", b"Font"];

/// Put Helvetica (codes read in the standard encoding) in place of every font
/// resource that is no font: a reference to a missing object, to itself, to
/// the catalog. pdf-extract panicked on the first glyph drawn with it, and
/// the page was lost; pdftotext draws such text with a substitute font.
pub(super) fn substitute_non_fonts(doc: &mut Document) {
    let is_font = |doc: &Document, font: &Object| {
        deref_dict(doc, font).is_some_and(|d| {
            d.get(b"Type")
                .and_then(Object::as_name)
                .is_ok_and(|t| t == b"Font")
                // (a Type3 font may lack `/Type` and `/BaseFont`; a font
                // never lacks its `/Subtype`)
                || d.has(b"Subtype")
        })
    };
    let mut maps: Vec<FontMap> = Vec::new();
    for (&id, object) in &doc.objects {
        let dict = match object {
            Object::Dictionary(d) => d,
            Object::Stream(s) => &s.dict,
            _ => continue,
        };
        for (path, font) in [
            (DIRECT, dict.get(b"Font").ok()),
            (
                IN_RESOURCES,
                dict.get(b"Resources")
                    .and_then(Object::as_dict)
                    .and_then(|r| r.get(b"Font"))
                    .ok(),
            ),
        ] {
            match font {
                Some(Object::Dictionary(_)) => maps.push(FontMap::Inside(id, path)),
                Some(Object::Reference(r)) => maps.push(FontMap::Object(*r)),
                _ => {}
            }
        }
    }
    for map in maps {
        let fonts = match &map {
            FontMap::Object(id) => doc.get_dictionary(*id).ok(),
            FontMap::Inside(id, path) => inside(doc.objects.get(id), path),
        };
        let Some(fonts) = fonts else { continue };
        let missing: Vec<Vec<u8>> = fonts
            .iter()
            .filter(|(_, font)| !is_font(doc, font))
            .map(|(name, _)| name.clone())
            .collect();
        if missing.is_empty() {
            continue;
        }
        let fonts = match &map {
            FontMap::Object(id) => doc.get_dictionary_mut(*id).ok(),
            FontMap::Inside(id, path) => inside_mut(doc.objects.get_mut(id), path),
        };
        let Some(fonts) = fonts else { continue };
        for name in missing {
            let mut helvetica = Dictionary::new();
            helvetica.set("Type", Object::Name(b"Font".to_vec()));
            helvetica.set("Subtype", Object::Name(b"Type1".to_vec()));
            helvetica.set("BaseFont", Object::Name(b"Helvetica".to_vec()));
            fonts.set(name, Object::Dictionary(helvetica));
        }
    }
}

/// The dictionary at `path` inside `object` (or its stream's dictionary).
fn inside<'a>(object: Option<&'a Object>, path: &[&[u8]]) -> Option<&'a Dictionary> {
    let mut dict = match object? {
        Object::Dictionary(d) => d,
        Object::Stream(s) => &s.dict,
        _ => return None,
    };
    for key in path {
        dict = dict.get(key).ok()?.as_dict().ok()?;
    }
    Some(dict)
}

/// [`inside`], to change.
fn inside_mut<'a>(object: Option<&'a mut Object>, path: &[&[u8]]) -> Option<&'a mut Dictionary> {
    let mut dict = match object? {
        Object::Dictionary(d) => d,
        Object::Stream(s) => &mut s.dict,
        _ => return None,
    };
    for key in path {
        dict = dict.get_mut(key).ok()?.as_dict_mut().ok()?;
    }
    Some(dict)
}

/// Rescales the `/Widths` of Type3 fonts to thousandths of an em. A Type3 font's widths are in
/// its own glyph space, which its `/FontMatrix` maps to text space (TeX's bitmap fonts use
/// [0.01 0 0 0.01 0 0] or so); pdf-extract divides them by 1000 as for every other font, so
/// their glyphs advanced a tenth of their width: `greengrocer` came out as `grengrocer`, each
/// doubled letter landing on its twin and being taken for an overprint.
pub(super) fn scale_type3_widths(doc: &mut Document) {
    let mut updates: Vec<(ObjectId, Vec<Object>)> = Vec::new();
    for (&id, obj) in &doc.objects {
        let Ok(font) = obj.as_dict() else { continue };
        if !subtype_is(font, b"Type3") {
            continue;
        }
        let matrix = font.get(b"FontMatrix").ok().and_then(|o| numbers(doc, o));
        let Some(&[a, b, ..]) = matrix.as_deref() else {
            continue;
        };
        let scale = a.hypot(b) * 1000.0;
        // an absurd matrix (hostile or broken file) is left alone rather than trusted
        if !(1e-4..=1e4).contains(&scale) || (scale - 1.0).abs() < 1e-6 {
            continue;
        }
        let widths = font
            .get(b"Widths")
            .ok()
            .and_then(|o| deref(doc, o))
            .and_then(|o| o.as_array().ok());
        let Some(widths) = widths else { continue };
        let scaled = widths
            .iter()
            .map(|w| {
                let w = deref(doc, w)
                    .and_then(|o| o.as_float().ok())
                    .map_or(0.0, f64::from);
                Object::Real((w * scale) as f32)
            })
            .collect();
        updates.push((id, scaled));
    }
    for (id, widths) in updates {
        if let Ok(Object::Dictionary(font)) = doc.get_object_mut(id) {
            font.set("Widths", Object::Array(widths));
        }
    }
}

/// Rewrites Type0 fonts into forms pdf-extract decodes correctly:
///
/// - An embedded encoding CMap is rewritten so that every code maps to itself: adobe-cmap-parser
///   halves the byte width of code-space ranges and misreads several `cidrange` entries, and
///   pdf-extract looks the CID up in the ToUnicode map, which is keyed by code. The widths are
///   re-keyed from CID to code to match.
/// - `/ToUnicode /Identity-H` (a name, not a CMap; pdf-extract drops all text) becomes an
///   identity ToUnicode CMap; any other non-stream `/ToUnicode` is removed.
/// - A font without `/ToUnicode` whose embedded TrueType program has a `cmap` table gets a
///   ToUnicode CMap built from it (glyph id back to Unicode), as poppler does; failing that, a
///   font of one of Adobe's CJK collections gets one from Adobe's CID-to-Unicode table.
/// - `/W` entries of the range form `c_first c_last w` are rewritten in the list form, which
///   is the only one pdf-extract reads right (see `list_form_widths`).
pub(super) fn fix_composite_fonts(doc: &mut Document) {
    let type0: Vec<ObjectId> = doc
        .objects
        .iter()
        .filter(|(_, o)| o.as_dict().is_ok_and(|d| subtype_is(d, b"Type0")))
        .map(|(&id, _)| id)
        .collect();
    // Codes shown anywhere in the document, read only if a font needs them.
    let mut shown: Option<HashSet<u32>> = None;
    for id in type0 {
        whole_descendant(doc, id);
        let Ok(font) = doc.get_dictionary(id) else {
            continue;
        };
        let descendant = first_descendant(doc, font);
        let mut identity = matches!(
            font.get(b"Encoding").and_then(Object::as_name),
            Ok(b"Identity-H" | b"Identity-V")
        );
        let encoding_cmap = font
            .get(b"Encoding")
            .ok()
            .and_then(|o| deref(doc, o))
            .and_then(|o| o.as_stream().ok())
            .map(stream_bytes)
            .and_then(|bytes| parse_encoding_cmap(&bytes));
        let to_unicode = font
            .get(b"ToUnicode")
            .ok()
            .and_then(|o| deref(doc, o))
            .cloned();

        let mut new_widths = None;
        let mut new_encoding = None;
        if let Some(cmap) = &encoding_cmap {
            identity = cmap.is_identity();
            if !identity {
                new_widths = descendant.and_then(|d| rekey_widths(doc, d, cmap));
            }
            new_encoding = Some(cmap.to_self_mapping());
        }
        if new_widths.is_none() {
            new_widths = descendant.and_then(|d| list_form_widths(doc, d));
        }
        let new_to_unicode = match &to_unicode {
            Some(Object::Stream(stream)) if identity => {
                prune_to_unicode(stream, || shown_two_byte_codes(doc), &mut shown).map(Some)
            }
            Some(Object::Stream(_)) => None,
            Some(Object::Name(_)) => Some(Some(identity_to_unicode(
                shown.get_or_insert_with(|| shown_two_byte_codes(doc)),
            ))),
            Some(_) => Some(None),
            None if identity => descendant
                .and_then(|d| {
                    truetype_to_unicode(doc, d).or_else(|| {
                        let shown = shown.get_or_insert_with(|| shown_two_byte_codes(doc));
                        collection_to_unicode(doc, d, shown)
                    })
                })
                .map(Some),
            None => None,
        };

        if let Some(cmap) = new_encoding {
            let sid = doc.add_object(lopdf::Stream::new(Dictionary::new(), cmap));
            if let Ok(Object::Dictionary(font)) = doc.get_object_mut(id) {
                font.set("Encoding", Object::Reference(sid));
            }
        }
        match new_to_unicode {
            Some(Some(cmap)) => {
                let sid = doc.add_object(lopdf::Stream::new(Dictionary::new(), cmap));
                if let Ok(Object::Dictionary(font)) = doc.get_object_mut(id) {
                    font.set("ToUnicode", Object::Reference(sid));
                }
            }
            Some(None) => {
                if let Ok(Object::Dictionary(font)) = doc.get_object_mut(id) {
                    font.remove(b"ToUnicode");
                }
            }
            None => {}
        }
        if let (Some(widths), Some(d)) = (new_widths, descendant) {
            if let Ok(Object::Dictionary(cid_font)) = doc.get_object_mut(d) {
                cid_font.set("W", Object::Array(widths));
            }
        }
    }
}

/// The parts of an embedded encoding CMap that matter here.
#[derive(Debug, Default)]
pub(super) struct EncodingCmap {
    /// Code-space ranges: byte width, first and last code.
    pub(super) codespace: Vec<(usize, u32, u32)>,
    /// CID ranges: first code, last code, CID of the first code.
    cids: Vec<(u32, u32, u32)>,
    pub(super) vertical: bool,
}

impl EncodingCmap {
    pub(super) fn is_identity(&self) -> bool {
        self.codespace.iter().all(|&(width, _, _)| width == 2)
            && self.cids.iter().all(|&(lo, _, cid)| lo == cid)
    }

    pub(super) fn cid_of(&self, code: u32) -> Option<u32> {
        self.cids
            .iter()
            .find(|&&(lo, hi, _)| (lo..=hi).contains(&code))
            .map(|&(lo, _, cid)| cid.saturating_add(code - lo))
    }

    /// A CMap in the form adobe-cmap-parser and pdf-extract read right: each code-space range
    /// written with doubled, zero-padded hex strings (the parser takes half the length as the
    /// byte width) and mapped onto itself.
    fn to_self_mapping(&self) -> Vec<u8> {
        let hex = |width: usize, v: u32| {
            let mut s = "00".repeat(width);
            s.push_str(&format!("{v:0w$X}", w = width * 2));
            s
        };
        let mut out =
            String::from("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n");
        out.push_str(&format!("{} begincodespacerange\n", self.codespace.len()));
        for &(width, lo, hi) in &self.codespace {
            out.push_str(&format!("<{}> <{}>\n", hex(width, lo), hex(width, hi)));
        }
        out.push_str("endcodespacerange\n");
        // One range per block: adobe-cmap-parser steps over entries two values at a time.
        for &(width, lo, hi) in &self.codespace {
            out.push_str(&format!(
                "1 begincidrange\n<{:0w$X}> <{:0w$X}> 0\nendcidrange\n",
                lo,
                hi,
                w = width * 2
            ));
        }
        out.push_str(&format!(
            "/WMode {} def\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n",
            u8::from(self.vertical)
        ));
        out.into_bytes()
    }
}

/// The object a Type0 font's `/DescendantFonts` names first.
fn first_descendant(doc: &Document, font: &Dictionary) -> Option<ObjectId> {
    font.get(b"DescendantFonts")
        .ok()
        .and_then(|o| deref(doc, o))
        .and_then(|o| o.as_array().ok())
        .and_then(|a| a.first())
        .and_then(|o| o.as_reference().ok())
}

/// Makes Type0 font `id`'s descendant one pdf-extract can read, as other
/// readers do without it: a descendant that is missing or no CID font (a
/// font listing itself) becomes an Identity CID font, and one without a
/// `/FontDescriptor` gets a plain one. pdf-extract fails the whole page on
/// such a font, the text of the page's sound fonts with it.
fn whole_descendant(doc: &mut Document, id: ObjectId) {
    let Ok(font) = doc.get_dictionary(id) else {
        return;
    };
    let descendant = first_descendant(doc, font).filter(|&d| d != id);
    let cid_font = descendant
        .and_then(|d| doc.get_dictionary(d).ok())
        .filter(|d| subtype_is(d, b"CIDFontType0") || subtype_is(d, b"CIDFontType2"));
    let has_descriptor = cid_font.is_some_and(|d| {
        d.get(b"FontDescriptor")
            .ok()
            .and_then(|o| deref_dict(doc, o))
            .is_some()
    });
    let cid_font = cid_font.is_some();
    if cid_font && has_descriptor {
        return;
    }
    let mut descriptor = Dictionary::new();
    descriptor.set("Type", Object::Name(b"FontDescriptor".to_vec()));
    descriptor.set("FontName", Object::Name(b"Unnamed".to_vec()));
    descriptor.set("Flags", Object::Integer(32));
    descriptor.set(
        "FontBBox",
        Object::Array(vec![0.into(), (-200).into(), 1000.into(), 800.into()]),
    );
    for (key, value) in [
        ("ItalicAngle", 0),
        ("Ascent", 800),
        ("Descent", -200),
        ("CapHeight", 700),
        ("StemV", 80),
    ] {
        descriptor.set(key, Object::Integer(value));
    }
    let descriptor = doc.add_object(descriptor);
    match (cid_font, descendant) {
        (true, Some(d)) => {
            if let Ok(Object::Dictionary(cid)) = doc.get_object_mut(d) {
                cid.set("FontDescriptor", Object::Reference(descriptor));
            }
        }
        _ => {
            let mut info = Dictionary::new();
            info.set("Registry", Object::string_literal("Adobe"));
            info.set("Ordering", Object::string_literal("Identity"));
            info.set("Supplement", Object::Integer(0));
            let mut cid = Dictionary::new();
            cid.set("Type", Object::Name(b"Font".to_vec()));
            cid.set("Subtype", Object::Name(b"CIDFontType2".to_vec()));
            cid.set("BaseFont", Object::Name(b"Unnamed".to_vec()));
            cid.set("CIDSystemInfo", Object::Dictionary(info));
            cid.set("FontDescriptor", Object::Reference(descriptor));
            cid.set("DW", Object::Integer(1000));
            let cid = doc.add_object(cid);
            if let Ok(Object::Dictionary(font)) = doc.get_object_mut(id) {
                font.set(
                    "DescendantFonts",
                    Object::Array(vec![Object::Reference(cid)]),
                );
            }
        }
    }
}

/// A token of a CMap: hex string bytes, a number, a word (operator or name), or an array's
/// bracket.
#[derive(Debug, PartialEq)]
pub(super) enum CmapToken {
    Hex(Vec<u8>),
    Int(i64),
    Word(Vec<u8>),
    Open,
    Close,
}

pub(super) fn cmap_tokens(data: &[u8]) -> Vec<CmapToken> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() && out.len() < 4 * MAX_CMAP_ENTRIES {
        let b = data[i];
        if is_pdf_space(b) {
            i += 1;
        } else if b == b'%' {
            while i < data.len() && data[i] != b'\n' && data[i] != b'\r' {
                i += 1;
            }
        } else if b == b'<' && data.get(i + 1) != Some(&b'<') {
            let end = data[i..]
                .iter()
                .position(|&c| c == b'>')
                .map_or(data.len(), |p| i + p);
            let digits: Vec<u8> = data[i + 1..end]
                .iter()
                .copied()
                .filter(u8::is_ascii_hexdigit)
                .collect();
            let bytes = digits
                .chunks(2)
                .map(|pair| {
                    let hi = (pair[0] as char).to_digit(16).unwrap_or(0);
                    let lo = pair
                        .get(1)
                        .and_then(|&c| (c as char).to_digit(16))
                        .unwrap_or(0);
                    (hi * 16 + lo) as u8
                })
                .collect();
            out.push(CmapToken::Hex(bytes));
            i = end + 1;
        } else if b == b'(' {
            // Literal strings only appear in the CIDSystemInfo: skip them.
            i = super::objects::literal_string_end(data, i);
        } else if b == b'[' || b == b']' {
            out.push(if b == b'[' {
                CmapToken::Open
            } else {
                CmapToken::Close
            });
            i += 1;
        } else if b"{}<>".contains(&b) {
            i += 1;
            if data.get(i) == Some(&b) {
                i += 1;
            }
        } else {
            let start = i;
            i += 1;
            while i < data.len() && !is_pdf_space(data[i]) && !b"[]{}<>()/%".contains(&data[i]) {
                i += 1;
            }
            let word = &data[start..i];
            match std::str::from_utf8(word)
                .ok()
                .and_then(|w| w.parse::<i64>().ok())
            {
                Some(n) => out.push(CmapToken::Int(n)),
                None => out.push(CmapToken::Word(word.to_vec())),
            }
        }
    }
    out
}

pub(super) fn code_of(bytes: &[u8]) -> Option<u32> {
    (1..=4)
        .contains(&bytes.len())
        .then(|| bytes.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b)))
}

/// Reads an embedded encoding CMap; `None` when it uses another CMap or has no code space.
pub(super) fn parse_encoding_cmap(data: &[u8]) -> Option<EncodingCmap> {
    let tokens = cmap_tokens(data);
    let mut cmap = EncodingCmap::default();
    let mut section: &[u8] = b"";
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            CmapToken::Word(w) if w.as_slice() == b"usecmap" => return None,
            CmapToken::Word(w) if w.as_slice() == b"/WMode" => {
                cmap.vertical = tokens.get(i + 1) == Some(&CmapToken::Int(1));
            }
            CmapToken::Word(w) if w.starts_with(b"begin") => section = &w[5..],
            CmapToken::Word(w) if w.starts_with(b"end") => section = b"",
            CmapToken::Hex(lo) => match section {
                b"codespacerange" => {
                    if let Some(CmapToken::Hex(hi)) = tokens.get(i + 1) {
                        if let (Some(l), Some(h)) = (code_of(lo), code_of(hi)) {
                            if lo.len() == hi.len() && l <= h {
                                cmap.codespace.push((lo.len(), l, h));
                            }
                        }
                        i += 1;
                    }
                }
                b"cidrange" => {
                    if let (Some(CmapToken::Hex(hi)), Some(CmapToken::Int(cid))) =
                        (tokens.get(i + 1), tokens.get(i + 2))
                    {
                        if let (Some(l), Some(h), Ok(c)) =
                            (code_of(lo), code_of(hi), u32::try_from(*cid))
                        {
                            if l <= h {
                                cmap.cids.push((l, h, c));
                            }
                        }
                        i += 2;
                    }
                }
                b"cidchar" => {
                    if let Some(CmapToken::Int(cid)) = tokens.get(i + 1) {
                        if let (Some(l), Ok(c)) = (code_of(lo), u32::try_from(*cid)) {
                            cmap.cids.push((l, l, c));
                        }
                        i += 1;
                    }
                }
                _ => {}
            },
            _ => {}
        }
        if cmap.codespace.len() + cmap.cids.len() > MAX_CMAP_ENTRIES {
            return None;
        }
        i += 1;
    }
    (!cmap.codespace.is_empty()).then_some(cmap)
}

/// The widths of a CID font's `/W` array by CID, and whether it used the range form
/// (`c_first c_last w`) anywhere; `None` if it has none.
pub(super) fn cid_widths(
    doc: &Document,
    cid_font: ObjectId,
) -> Option<(HashMap<u32, Object>, bool)> {
    let font = doc.get_dictionary(cid_font).ok()?;
    let w = deref(doc, font.get(b"W").ok()?)?.as_array().ok()?;
    let mut by_cid: HashMap<u32, Object> = HashMap::new();
    let mut ranges = false;
    let mut i = 0;
    while i + 1 < w.len() && by_cid.len() <= MAX_CMAP_ENTRIES {
        let first = deref(doc, &w[i])?.as_i64().ok()?;
        match deref(doc, &w[i + 1])? {
            Object::Array(list) => {
                for (k, width) in list.iter().enumerate().take(MAX_CMAP_ENTRIES) {
                    by_cid.insert(u32::try_from(first).ok()? + k as u32, width.clone());
                }
                i += 2;
            }
            last => {
                let last = last.as_i64().ok()?;
                let width = deref(doc, w.get(i + 2)?)?.clone();
                for cid in first..=last.min(first + MAX_CMAP_ENTRIES as i64) {
                    by_cid.insert(u32::try_from(cid).ok()?, width.clone());
                }
                ranges = true;
                i += 3;
            }
        }
    }
    Some((by_cid, ranges))
}

/// The CID font's `/W` array re-keyed from CID to code through `cmap`; `None` if it has none.
pub(super) fn rekey_widths(
    doc: &Document,
    cid_font: ObjectId,
    cmap: &EncodingCmap,
) -> Option<Vec<Object>> {
    let (by_cid, _) = cid_widths(doc, cid_font)?;
    let mut out = Vec::new();
    let mut seen = 0usize;
    for &(lo, hi, _) in &cmap.cids {
        for code in lo..=hi {
            seen += 1;
            if seen > MAX_CMAP_ENTRIES {
                return Some(out);
            }
            if let Some(width) = cmap.cid_of(code).and_then(|cid| by_cid.get(&cid)) {
                out.push(Object::Integer(i64::from(code)));
                out.push(Object::Array(vec![width.clone()]));
            }
        }
    }
    Some(out)
}

/// The CID font's `/W` array with every range entry (`c_first c_last w`) written in the list
/// form (`c [w1 w2 …]`), or `None` when it has no range entry. pdf-extract 0.12 reads a range
/// entry's three numbers all from its first (an empty range), so every glyph of a range fell
/// back to the default width: the text of Chrome's, Word's and LibreOffice's CID fonts came
/// out with spaces inside words ("A ndreas", "JavaS cript") or words run together.
pub(super) fn list_form_widths(doc: &Document, cid_font: ObjectId) -> Option<Vec<Object>> {
    let (by_cid, ranges) = cid_widths(doc, cid_font)?;
    if !ranges {
        return None;
    }
    let mut cids: Vec<u32> = by_cid.keys().copied().collect();
    cids.sort_unstable();
    let mut out = Vec::new();
    let mut run: Vec<Object> = Vec::new();
    let mut run_start = 0u32;
    for (k, &cid) in cids.iter().enumerate() {
        if k > 0 && cid != cids[k - 1] + 1 {
            out.push(Object::Integer(i64::from(run_start)));
            out.push(Object::Array(std::mem::take(&mut run)));
        }
        if run.is_empty() {
            run_start = cid;
        }
        run.push(by_cid[&cid].clone());
    }
    if !run.is_empty() {
        out.push(Object::Integer(i64::from(run_start)));
        out.push(Object::Array(run));
    }
    Some(out)
}

/// Above this many codes a ToUnicode map is cut down to the codes the document shows.
/// pdf-extract builds a font's whole map into a hash map on every page that uses the font:
/// a full two-byte map (65,000 entries, one `String` each) costs tens of milliseconds per
/// font and page, and some producers write exactly that (an identity `bfrange` over
/// `<0000> <FFFF>`).
const PRUNE_TO_UNICODE_ABOVE: usize = 4096;

/// A ToUnicode CMap that maps each two-byte code in `shown` to the same UTF-16 code unit
/// (what `/ToUnicode /Identity-H` means), surrogate halves left out.
pub(super) fn identity_to_unicode(shown: &HashSet<u32>) -> Vec<u8> {
    let mut codes: Vec<u32> = shown
        .iter()
        .copied()
        .filter(|c| *c <= 0xFFFF && !(0xD800..=0xDFFF).contains(c))
        .collect();
    codes.sort_unstable();
    let units: Vec<(u32, Vec<u8>)> = codes
        .into_iter()
        .map(|c| (c, (c as u16).to_be_bytes().to_vec()))
        .collect();
    bfchar_cmap(&units)
}

/// `stream`'s ToUnicode map cut down to the two-byte codes the document shows, when it maps
/// more than [`PRUNE_TO_UNICODE_ABOVE`] codes; `None` (keep it as it is) for a small map or
/// one adobe-cmap-parser (pdf-extract's reader, so the meaning is unchanged) cannot read.
/// `shown` is computed once per document, and only when a map is big.
pub(super) fn prune_to_unicode(
    stream: &lopdf::Stream,
    codes: impl FnOnce() -> HashSet<u32>,
    shown: &mut Option<HashSet<u32>>,
) -> Option<Vec<u8>> {
    let bytes = stream_bytes(stream);
    let map = adobe_cmap_parser::get_unicode_map(&bytes).ok()?;
    if map.len() <= PRUNE_TO_UNICODE_ABOVE {
        return None;
    }
    let shown = shown.get_or_insert_with(codes);
    let mut kept: Vec<(u32, Vec<u8>)> = map
        .into_iter()
        .filter(|(code, _)| shown.contains(code))
        .collect();
    kept.sort_unstable();
    Some(bfchar_cmap(&kept))
}

/// A two-byte ToUnicode CMap of `bfchar` entries: code → UTF-16BE bytes, sorted by code.
fn bfchar_cmap(entries: &[(u32, Vec<u8>)]) -> Vec<u8> {
    let entries: Vec<((usize, u32), Vec<u8>)> = entries
        .iter()
        .map(|(code, utf16)| ((2, *code), utf16.clone()))
        .collect();
    write_bfchar_cmap(&[(2, 0, 0xFFFF)], &entries)
}

/// A ToUnicode CMap of `codespace` ranges (width in bytes, low, high) and
/// `bfchar` entries ((width, code) → UTF-16BE bytes, in code order).
fn write_bfchar_cmap(
    codespace: &[(usize, u32, u32)],
    entries: &[((usize, u32), Vec<u8>)],
) -> Vec<u8> {
    let hex = |bytes: &[u8]| -> String { bytes.iter().map(|b| format!("{b:02X}")).collect() };
    let code_hex = |width: usize, code: u32| -> String {
        let bytes = code.to_be_bytes();
        hex(&bytes[4 - width.clamp(1, 4)..])
    };
    let mut out = String::from("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n");
    out.push_str(&format!("{} begincodespacerange\n", codespace.len()));
    for &(width, lo, hi) in codespace {
        out.push_str(&format!(
            "<{}> <{}>\n",
            code_hex(width, lo),
            code_hex(width, hi)
        ));
    }
    out.push_str("endcodespacerange\n");
    // at most 100 entries per block, as the CMap specification asks
    for block in entries.chunks(100) {
        out.push_str(&format!("{} beginbfchar\n", block.len()));
        for ((width, code), dst) in block {
            out.push_str(&format!("<{}> <{}>\n", code_hex(*width, *code), hex(dst)));
        }
        out.push_str("endbfchar\n");
    }
    out.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    out.into_bytes()
}

/// A ToUnicode CMap for an Identity-encoded CID font built from the `cmap` table of its
/// embedded TrueType program: CID to glyph id (through `/CIDToGIDMap`) to Unicode.
pub(super) fn truetype_to_unicode(doc: &Document, cid_font: ObjectId) -> Option<Vec<u8>> {
    let font = doc.get_dictionary(cid_font).ok()?;
    let descriptor = deref_dict(doc, font.get(b"FontDescriptor").ok()?)?;
    let file = deref(doc, descriptor.get(b"FontFile2").ok()?)?
        .as_stream()
        .ok()?;
    let program = stream_bytes(file);
    let gid_to_unicode = truetype_glyph_unicodes(&program)?;
    let cid_to_gid: Option<Vec<u8>> = font
        .get(b"CIDToGIDMap")
        .ok()
        .and_then(|o| deref(doc, o))
        .and_then(|o| o.as_stream().ok())
        .map(stream_bytes);
    let mut pairs: Vec<(u32, u32)> = match cid_to_gid {
        Some(map) => map
            .chunks_exact(2)
            .enumerate()
            .filter_map(|(cid, g)| {
                let gid = u16::from_be_bytes([g[0], g[1]]);
                gid_to_unicode.get(&gid).map(|&u| (cid as u32, u))
            })
            .collect(),
        None => gid_to_unicode
            .iter()
            .map(|(&gid, &u)| (u32::from(gid), u))
            .collect(),
    };
    pairs.sort_unstable();
    cid_to_unicode_cmap(&pairs)
}

/// A two-byte ToUnicode CMap from (CID, Unicode scalar) pairs sorted by CID; `None` when no
/// pair has a CID that fits in two bytes.
pub(super) fn cid_to_unicode_cmap(pairs: &[(u32, u32)]) -> Option<Vec<u8>> {
    let pairs: Vec<(u32, char)> = pairs
        .iter()
        .filter(|&&(cid, _)| cid <= 0xFFFF)
        .filter_map(|&(cid, u)| Some((cid, char::from_u32(u)?)))
        .collect();
    if pairs.is_empty() {
        return None;
    }
    let mut out = String::from("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    out.push_str(&format!("{} beginbfchar\n", pairs.len()));
    for (cid, c) in pairs {
        let mut buf = [0u16; 2];
        let units: String = c
            .encode_utf16(&mut buf)
            .iter()
            .map(|unit| format!("{unit:04X}"))
            .collect();
        out.push_str(&format!("<{cid:04X}> <{units}>\n"));
    }
    out.push_str("endbfchar\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    Some(out.into_bytes())
}

/// Adobe's CJK character collections, whose CIDs have a published Unicode mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CjkCollection {
    Japan1,
    Gb1,
    Cns1,
    Korea1,
}

impl CjkCollection {
    /// The collection a CID font declares in `/CIDSystemInfo`, or failing that (the strings can
    /// be unreadable, e.g. encrypted with a key the file does not use) the one its base font
    /// belongs to, for the CJK fonts PDF readers are expected to supply.
    fn of(doc: &Document, cid_font: &Dictionary) -> Option<Self> {
        let declared = cid_font
            .get(b"CIDSystemInfo")
            .ok()
            .and_then(|o| deref_dict(doc, o))
            .and_then(|info| {
                let registry = info.get(b"Registry").and_then(Object::as_str).ok()?;
                let ordering = info.get(b"Ordering").and_then(Object::as_str).ok()?;
                (registry == b"Adobe").then_some(())?;
                match ordering {
                    b"Japan1" => Some(Self::Japan1),
                    b"GB1" => Some(Self::Gb1),
                    b"CNS1" => Some(Self::Cns1),
                    b"Korea1" => Some(Self::Korea1),
                    _ => None,
                }
            });
        declared.or_else(|| {
            let base = cid_font.get(b"BaseFont").and_then(Object::as_name).ok()?;
            Self::of_base_font(base)
        })
    }

    /// The collection of a well-known CJK font that readers are expected to supply (the
    /// Acrobat Asian font packs: Ryumin, GothicBBB, Heisei, STSong, MSung, HYSMyeongJo…, plus
    /// the Kozuka and Adobe Song/Heiti/Ming/Myungjo families), by the start of its name.
    pub(super) fn of_base_font(name: &[u8]) -> Option<Self> {
        const FAMILIES: &[(&[u8], CjkCollection)] = &[
            (b"Ryumin", CjkCollection::Japan1),
            (b"GothicBBB", CjkCollection::Japan1),
            (b"HeiseiMin", CjkCollection::Japan1),
            (b"HeiseiKakuGo", CjkCollection::Japan1),
            (b"KozMin", CjkCollection::Japan1),
            (b"KozGo", CjkCollection::Japan1),
            (b"STSong", CjkCollection::Gb1),
            (b"STHeiti", CjkCollection::Gb1),
            (b"AdobeSongStd", CjkCollection::Gb1),
            (b"AdobeHeitiStd", CjkCollection::Gb1),
            (b"MSung", CjkCollection::Cns1),
            (b"MHei", CjkCollection::Cns1),
            (b"AdobeMingStd", CjkCollection::Cns1),
            (b"HYSMyeongJo", CjkCollection::Korea1),
            (b"HYGoThic", CjkCollection::Korea1),
            (b"AdobeMyungjoStd", CjkCollection::Korea1),
        ];
        FAMILIES
            .iter()
            .find(|(prefix, _)| name.starts_with(prefix))
            .map(|&(_, c)| c)
    }

    /// Adobe's `Adobe-*-UCS2` CMap for the collection, as hayro-cmap embeds it.
    fn ucs2(self) -> hayro_cmap::CMapName<'static> {
        use hayro_cmap::CMapName;
        match self {
            Self::Japan1 => CMapName::AdobeJapan1Ucs2,
            Self::Gb1 => CMapName::AdobeGb1Ucs2,
            Self::Cns1 => CMapName::AdobeCns1Ucs2,
            Self::Korea1 => CMapName::AdobeKorea1Ucs2,
        }
    }

    /// Every (CID, Unicode scalar) pair of the collection, sorted by CID; read from hayro-cmap's
    /// copy of Adobe's table once per process.
    pub(super) fn unicode_pairs(self) -> &'static [(u32, u32)] {
        use std::sync::OnceLock;
        static BUILT: [OnceLock<Vec<(u32, u32)>>; 4] = [
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
        ];
        BUILT[self as usize].get_or_init(|| {
            let Some(cmap) = hayro_cmap::load_embedded(self.ucs2())
                .and_then(|data| hayro_cmap::CMap::parse(data, hayro_cmap::load_embedded))
            else {
                return Vec::new();
            };
            (0..=0xFFFFu32)
                .filter_map(|cid| match cmap.lookup_bf_string(cid)? {
                    hayro_cmap::BfString::Char(c) => Some((cid, u32::from(c))),
                    // A few CIDs map to a sequence (e.g. a ligature); its first character is
                    // what a search index can use.
                    hayro_cmap::BfString::String(s) => Some((cid, u32::from(s.chars().next()?))),
                })
                .collect()
        })
    }
}

/// A ToUnicode CMap for an Identity-encoded CID font of one of Adobe's CJK collections that has
/// no map of its own (typically a non-embedded Ryumin-Light or STSong-Light): CID to Unicode
/// through Adobe's published tables, as poppler and pdf.js do. Only the codes in `shown` are
/// written: the whole table is ~20,000 entries, which pdf-extract's CMap parser reads slowly.
pub(super) fn collection_to_unicode(
    doc: &Document,
    cid_font: ObjectId,
    shown: &HashSet<u32>,
) -> Option<Vec<u8>> {
    let font = doc.get_dictionary(cid_font).ok()?;
    let pairs: Vec<(u32, u32)> = CjkCollection::of(doc, font)?
        .unicode_pairs()
        .iter()
        .filter(|(cid, _)| shown.contains(cid))
        .copied()
        .collect();
    cid_to_unicode_cmap(&pairs)
}

/// Every two-byte code that a text operator shows in the document's page contents and form
/// XObjects: the codes an Identity-encoded font can be asked to decode. At most
/// [`MAX_CMAP_ENTRIES`] codes.
pub(super) fn shown_two_byte_codes(doc: &Document) -> HashSet<u32> {
    let mut streams: Vec<ObjectId> = doc
        .get_pages()
        .values()
        .flat_map(|&page| doc.get_page_contents(page))
        .collect();
    streams.extend(doc.objects.iter().filter_map(|(&id, o)| {
        o.as_stream()
            .is_ok_and(|s| subtype_is(&s.dict, b"Form"))
            .then_some(id)
    }));
    let mut codes = HashSet::new();
    for id in streams {
        let Ok(stream) = doc.get_object(id).and_then(Object::as_stream) else {
            continue;
        };
        let Ok(content) = lopdf::content::Content::decode(&stream_bytes(stream)) else {
            continue;
        };
        for op in &content.operations {
            if !matches!(op.operator.as_str(), "Tj" | "TJ" | "'" | "\"") {
                continue;
            }
            let strings = op.operands.iter().flat_map(|o| match o {
                Object::Array(items) => items.iter().collect::<Vec<_>>(),
                other => vec![other],
            });
            for s in strings.filter_map(|o| o.as_str().ok()) {
                codes.extend(
                    s.chunks_exact(2)
                        .map(|pair| u32::from(u16::from_be_bytes([pair[0], pair[1]]))),
                );
            }
            if codes.len() >= MAX_CMAP_ENTRIES {
                return codes;
            }
        }
    }
    codes
}

pub(super) fn be16(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*data.get(at)?, *data.get(at + 1)?]))
}

pub(super) fn be32(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes([
        *data.get(at)?,
        *data.get(at + 1)?,
        *data.get(at + 2)?,
        *data.get(at + 3)?,
    ]))
}

/// Glyph id to Unicode from a TrueType program's Unicode `cmap` subtable (format 4 or 12);
/// when several code points share a glyph the lowest wins.
pub(super) fn truetype_glyph_unicodes(font: &[u8]) -> Option<HashMap<u16, u32>> {
    let tables = usize::from(be16(font, 4)?);
    let cmap = (0..tables.min(64)).find_map(|t| {
        let rec = 12 + 16 * t;
        (font.get(rec..rec + 4)? == b"cmap").then(|| be32(font, rec + 8))?
    })? as usize;
    let subtables = usize::from(be16(font, cmap + 2)?);
    let mut best: Option<(u8, usize)> = None;
    for s in 0..subtables.min(64) {
        let rec = cmap + 4 + 8 * s;
        let (platform, encoding) = (be16(font, rec)?, be16(font, rec + 2)?);
        let offset = cmap + be32(font, rec + 4)? as usize;
        let rank = match (platform, encoding) {
            (3, 10) | (0, 4) | (0, 6) => 3,
            (3, 1) | (0, _) => 2,
            _ => continue,
        };
        if best.is_none_or(|(r, _)| rank > r) {
            best = Some((rank, offset));
        }
    }
    let (_, at) = best?;
    // codes visited, at most twice what the format can map (every 16-bit
    // code for format 4, every Unicode scalar for format 12): a hostile
    // table's overlapping segments or groups repeat the same codes billions
    // of times (32,767 segments over the whole 16-bit range: 40 s)
    let mut budget: u32 = 0;
    let mut map: HashMap<u16, u32> = HashMap::new();
    let mut add = |gid: u16, u: u32| {
        if gid != 0 && char::from_u32(u).is_some() {
            let slot = map.entry(gid).or_insert(u);
            if u < *slot {
                *slot = u;
            }
        }
    };
    match be16(font, at)? {
        4 => {
            let segs = usize::from(be16(font, at + 6)? / 2);
            let ends = at + 14;
            let starts = ends + 2 * segs + 2;
            let deltas = starts + 2 * segs;
            let ranges = deltas + 2 * segs;
            for k in 0..segs {
                let end = be16(font, ends + 2 * k)?;
                let start = be16(font, starts + 2 * k)?;
                let delta = be16(font, deltas + 2 * k)?;
                let range = usize::from(be16(font, ranges + 2 * k)?);
                if start > end || end == 0xFFFF && start == 0xFFFF {
                    continue;
                }
                budget = budget.saturating_add(u32::from(end - start) + 1);
                if budget > 2 * 0x1_0000 {
                    break;
                }
                for c in start..=end {
                    let gid = if range == 0 {
                        c.wrapping_add(delta)
                    } else {
                        let at = ranges + 2 * k + range + 2 * usize::from(c - start);
                        match be16(font, at) {
                            Some(0) | None => continue,
                            Some(g) => g.wrapping_add(delta),
                        }
                    };
                    add(gid, u32::from(c));
                }
            }
        }
        12 => {
            let groups = be32(font, at + 12)? as usize;
            for k in 0..groups.min(MAX_CMAP_ENTRIES) {
                let g = at + 16 + 12 * k;
                let (start, end, first) = (be32(font, g)?, be32(font, g + 4)?, be32(font, g + 8)?);
                let end = end.min(start.saturating_add(MAX_CMAP_ENTRIES as u32));
                budget = budget.saturating_add(end.saturating_sub(start).saturating_add(1));
                if budget > 2 * 0x11_0000 {
                    break;
                }
                for c in start..=end {
                    if let Ok(gid) = u16::try_from(first.saturating_add(c - start)) {
                        add(gid, c);
                    }
                }
            }
        }
        _ => return None,
    }
    (!map.is_empty()).then_some(map)
}

/// Codes a ToUnicode map may define, counting every code of every range, before it is
/// rewritten: the two-byte code space twice over. adobe-cmap-parser (pdf-extract's reader)
/// stores every code of every range, so a few kilobytes of `<0000> <FFFF>` ranges repeated
/// cost it minutes and a four-byte range gigabytes.
const MAX_TO_UNICODE_CODES: u64 = 2 * 65_536;
/// Longest destination string of a ToUnicode entry, in bytes: the CMap specification's limit.
const MAX_TO_UNICODE_DST: usize = 512;

/// What one `bfchar` or `bfrange` entry maps its codes to.
enum Target {
    /// The first code's UTF-16BE string; each next code adds one to its last unit.
    Start(Vec<u8>),
    /// One string per code.
    List(Vec<Vec<u8>>),
}

/// A ToUnicode map as written: code-space ranges (width, low, high) and entries (width,
/// low, high, target).
struct ToUnicodeMap {
    codespace: Vec<(usize, u32, u32)>,
    entries: Vec<(usize, u32, u32, Target)>,
}

fn read_to_unicode(tokens: &[CmapToken]) -> ToUnicodeMap {
    let mut map = ToUnicodeMap {
        codespace: Vec::new(),
        entries: Vec::new(),
    };
    let mut section: &[u8] = b"";
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            CmapToken::Word(w) if w.starts_with(b"begin") => section = &w[5..],
            CmapToken::Word(w) if w.starts_with(b"end") => section = b"",
            CmapToken::Hex(lo) => {
                let (Some(l), width) = (code_of(lo), lo.len()) else {
                    i += 1;
                    continue;
                };
                match (section, tokens.get(i + 1), tokens.get(i + 2)) {
                    (b"codespacerange", Some(CmapToken::Hex(hi)), _) => {
                        if let Some(h) = code_of(hi).filter(|&h| h >= l) {
                            map.codespace.push((width, l, h));
                        }
                        i += 1;
                    }
                    (b"bfchar", Some(CmapToken::Hex(dst)), _) => {
                        map.entries.push((width, l, l, Target::Start(dst.clone())));
                        i += 1;
                    }
                    (b"bfrange", Some(CmapToken::Hex(hi)), Some(CmapToken::Hex(dst))) => {
                        if let Some(h) = code_of(hi).filter(|&h| h >= l) {
                            map.entries.push((width, l, h, Target::Start(dst.clone())));
                        }
                        i += 2;
                    }
                    (b"bfrange", Some(CmapToken::Hex(hi)), Some(CmapToken::Open)) => {
                        let mut list = Vec::new();
                        i += 3;
                        while let Some(CmapToken::Hex(dst)) = tokens.get(i) {
                            list.push(dst.clone());
                            i += 1;
                        }
                        if let Some(h) = code_of(hi).filter(|&h| h >= l) {
                            map.entries.push((width, l, h, Target::List(list)));
                        }
                        continue;
                    }
                    _ => {}
                }
            }
            _ => {}
        }
        i += 1;
    }
    map
}

impl ToUnicodeMap {
    /// More codes or longer strings than a reader that lists every code can afford.
    fn oversized(&self) -> bool {
        let codes: u64 = self
            .entries
            .iter()
            .map(|&(_, lo, hi, _)| u64::from(hi - lo) + 1)
            .sum();
        codes > MAX_TO_UNICODE_CODES
            || self.entries.iter().any(|(_, _, _, t)| match t {
                Target::Start(s) => s.len() > MAX_TO_UNICODE_DST,
                Target::List(l) => l.iter().any(|s| s.len() > MAX_TO_UNICODE_DST),
            })
    }

    /// The map cut down to `bfchar` entries for the codes a reader can meet: every one-byte
    /// code, and the longer codes in `shown`. A later entry for a code replaces an earlier
    /// one, as in adobe-cmap-parser; strings are cut at the specification's 512 bytes.
    fn cut_to(&self, shown: &HashSet<u32>) -> Vec<u8> {
        let one_byte: Vec<u32> = (0..=255).collect();
        let mut wide: Vec<u32> = shown.iter().copied().collect();
        wide.sort_unstable();
        let mut kept: HashMap<(usize, u32), Vec<u8>> = HashMap::new();
        for (width, lo, hi, target) in &self.entries {
            let candidates = if *width == 1 { &one_byte } else { &wide };
            let from = candidates.partition_point(|&c| c < *lo);
            let to = candidates.partition_point(|&c| c <= *hi);
            for &code in &candidates[from..to] {
                let k = (code - lo) as usize;
                let dst = match target {
                    Target::Start(s) => {
                        let mut s = s[..s.len().min(MAX_TO_UNICODE_DST)].to_vec();
                        let n = s.len();
                        if n >= 2 {
                            let unit = u16::from_be_bytes([s[n - 2], s[n - 1]]);
                            let unit = unit.wrapping_add(k as u16).to_be_bytes();
                            s[n - 2..].copy_from_slice(&unit);
                        }
                        s
                    }
                    Target::List(l) => match l.get(k) {
                        Some(s) => s[..s.len().min(MAX_TO_UNICODE_DST)].to_vec(),
                        None => continue,
                    },
                };
                kept.insert((*width, code), dst);
            }
        }
        let mut kept: Vec<((usize, u32), Vec<u8>)> = kept.into_iter().collect();
        kept.sort_unstable();
        let codespace: Vec<(usize, u32, u32)> = if self.codespace.is_empty() {
            vec![(2, 0, 0xFFFF)]
        } else {
            self.codespace.iter().take(100).copied().collect()
        };
        write_bfchar_cmap(&codespace, &kept)
    }
}

/// A ToUnicode CMap too big for a reader that lists every code (see
/// [`MAX_TO_UNICODE_CODES`]) cut down to the codes the document can show; `None` for a map
/// of ordinary size, which is kept as it is. `shown` is computed once per document, and only
/// when a map is too big.
pub(super) fn cut_oversized_to_unicode(
    cmap: &[u8],
    codes: impl FnOnce() -> HashSet<u32>,
    shown: &mut Option<HashSet<u32>>,
) -> Option<Vec<u8>> {
    let map = read_to_unicode(&cmap_tokens(cmap));
    if !map.oversized() {
        return None;
    }
    Some(map.cut_to(shown.get_or_insert_with(codes)))
}
