//! Visible annotations (text boxes, filled-in form fields, stamps) drawn after the page
//! content, each appearance placed on its annotation rectangle, as pdftotext does.

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::objects::{deref, deref_dict, inherited, numbers, subtype_is};

/// Most annotations drawn on one page.
pub(super) const MAX_PAGE_ANNOTATIONS: usize = 500;

/// Annotation flags that keep an annotation off the screen: Hidden (2) and NoView (32).
pub(super) const HIDDEN_ANNOTATION: i64 = 2 | 32;

/// Adds the visible annotations' normal appearance streams (text boxes, filled-in form fields,
/// stamps) to the end of the page's content, where pdf-extract will draw them like pdftotext
/// does. Each appearance is placed on its annotation rectangle (PDF 32000-1, 12.5.5), with the
/// form matrix folded into the `cm` because pdf-extract ignores a form's `/Matrix`.
pub(super) fn draw_annotations(doc: &mut Document, page_id: ObjectId) {
    let Some((names, ops)) = annotation_ops(doc, page_id) else {
        return;
    };
    let Ok(page) = doc.get_dictionary(page_id) else {
        return;
    };
    let mut resources = inherited(doc, page, b"Resources")
        .and_then(|o| o.as_dict().ok())
        .cloned()
        .unwrap_or_default();
    let mut xobjects = resources
        .get(b"XObject")
        .ok()
        .and_then(|o| deref_dict(doc, o))
        .cloned()
        .unwrap_or_default();
    for (name, id) in names {
        xobjects.set(name, Object::Reference(id));
    }
    resources.set("XObject", Object::Dictionary(xobjects));
    let mut content = b"q\n".to_vec();
    content.extend(doc.get_page_content(page_id).unwrap_or_default());
    content.extend_from_slice(b"\nQ\n");
    content.extend(ops);
    let content_id = doc.add_object(lopdf::Stream::new(Dictionary::new(), content));
    if let Ok(Object::Dictionary(page)) = doc.get_object_mut(page_id) {
        page.set("Resources", Object::Dictionary(resources));
        page.set("Contents", Object::Reference(content_id));
    }
}

/// The XObject names to add and the operators that draw the page's visible annotations.
#[allow(clippy::type_complexity)]
pub(super) fn annotation_ops(
    doc: &Document,
    page_id: ObjectId,
) -> Option<(Vec<(String, ObjectId)>, Vec<u8>)> {
    let page = doc.get_dictionary(page_id).ok()?;
    let annots = deref(doc, page.get(b"Annots").ok()?)?.as_array().ok()?;
    let mut names = Vec::new();
    let mut ops = Vec::new();
    for (i, annot) in annots.iter().take(MAX_PAGE_ANNOTATIONS).enumerate() {
        let Some(annot) = deref_dict(doc, annot) else {
            continue;
        };
        let flags = annot.get(b"F").and_then(Object::as_i64).unwrap_or_default();
        if flags & HIDDEN_ANNOTATION != 0
            || subtype_is(annot, b"Popup")
            || subtype_is(annot, b"Link")
        {
            continue;
        }
        let Some(ap) = annot.get(b"AP").ok().and_then(|o| deref_dict(doc, o)) else {
            continue;
        };
        let Ok(normal) = ap.get(b"N") else { continue };
        // A state dictionary (check boxes, radio buttons) holds one stream per state.
        let normal = match deref(doc, normal) {
            Some(Object::Dictionary(states)) => {
                let Ok(state) = annot.get(b"AS").and_then(Object::as_name) else {
                    continue;
                };
                match states.get(state) {
                    Ok(o) => o,
                    Err(_) => continue,
                }
            }
            _ => normal,
        };
        let Ok(form_id) = normal.as_reference() else {
            continue;
        };
        let Ok(form) = doc.get_object(form_id).and_then(Object::as_stream) else {
            continue;
        };
        let Some(rect) = number_array(doc, annot.get(b"Rect").ok()) else {
            continue;
        };
        let bbox = number_array(doc, form.dict.get(b"BBox").ok()).unwrap_or(rect);
        let matrix = form
            .dict
            .get(b"Matrix")
            .ok()
            .and_then(|o| numbers(doc, o))
            .filter(|m| m.len() == 6)
            .unwrap_or_else(|| vec![1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);
        let cm = appearance_matrix(&matrix, bbox, rect);
        if !cm.iter().all(|v| v.is_finite()) {
            continue;
        }
        let name = format!("KartotekAnnot{i}");
        ops.extend_from_slice(
            format!(
                "q {} {} {} {} {} {} cm /{name} Do Q\n",
                cm[0], cm[1], cm[2], cm[3], cm[4], cm[5]
            )
            .as_bytes(),
        );
        names.push((name, form_id));
    }
    (!names.is_empty()).then_some((names, ops))
}

/// Four numbers `[x0 y0 x1 y1]`, normalised so that x0 <= x1 and y0 <= y1.
pub(super) fn number_array(doc: &Document, obj: Option<&Object>) -> Option<[f64; 4]> {
    let v: [f64; 4] = numbers(doc, obj?)?.try_into().ok()?;
    Some([
        v[0].min(v[2]),
        v[1].min(v[3]),
        v[0].max(v[2]),
        v[1].max(v[3]),
    ])
}

/// The matrix that draws a form with matrix `m` and box `bbox` onto `rect`: `m` followed by
/// the scale-and-shift that maps the transformed box onto the rectangle.
pub(super) fn appearance_matrix(m: &[f64], bbox: [f64; 4], rect: [f64; 4]) -> [f64; 6] {
    let apply = |x: f64, y: f64| (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]);
    let corners = [
        apply(bbox[0], bbox[1]),
        apply(bbox[2], bbox[1]),
        apply(bbox[0], bbox[3]),
        apply(bbox[2], bbox[3]),
    ];
    let x0 = corners.iter().map(|c| c.0).fold(f64::INFINITY, f64::min);
    let x1 = corners
        .iter()
        .map(|c| c.0)
        .fold(f64::NEG_INFINITY, f64::max);
    let y0 = corners.iter().map(|c| c.1).fold(f64::INFINITY, f64::min);
    let y1 = corners
        .iter()
        .map(|c| c.1)
        .fold(f64::NEG_INFINITY, f64::max);
    let sx = if x1 - x0 > 1e-6 {
        (rect[2] - rect[0]) / (x1 - x0)
    } else {
        1.0
    };
    let sy = if y1 - y0 > 1e-6 {
        (rect[3] - rect[1]) / (y1 - y0)
    } else {
        1.0
    };
    let (tx, ty) = (rect[0] - x0 * sx, rect[1] - y0 * sy);
    // m followed by [sx 0 0 sy tx ty].
    [
        m[0] * sx,
        m[1] * sy,
        m[2] * sx,
        m[3] * sy,
        m[4] * sx + tx,
        m[5] * sy + ty,
    ]
}
