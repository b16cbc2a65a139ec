//! Reading order for pages that are not drawn in it: multi-column text drawn one baseline
//! across all columns (typesetting systems that fill a page row by row, such as tax forms and
//! newspapers) and tables drawn row by row or cell by cell.
//!
//! Most producers draw text in reading order, so the stream order is kept unless a drawn
//! line jumped a gutter on its own baseline ([`super::glyphs`] then ends the line there and
//! asks for this). Then the page's lines are ordered by a recursive XY-cut, the classic
//! layout analysis (Nagy and Seth, 1984; also pdfminer's and pdftotext's idea of blocks):
//! find the widest empty band across the lines, vertical (between columns) or horizontal
//! (between blocks), cut there, and order the two sides left-to-right or top-to-bottom; a
//! vertical band must be at least [`MIN_GUTTER`] font sizes wide to count as a gutter. Two
//! refinements: a gutter between columns of running text (lines of [`TEXT_COLUMN`] font sizes
//! and more on both sides) is cut first, even where paragraph breaks line up across it; and
//! a horizontal band of [`MIN_BLOCK_GAP`] is cut before a gutter between narrow cells, so a
//! table whose rows are set apart reads row by row. Where nothing can be cut, the lines keep
//! their drawing order.
//!
//! Lines in another direction than the page's first line (rotated captions, margin notes)
//! are not moved: XY-cut only makes sense in one coordinate system.

use super::Line;

/// Narrowest vertical band, in font sizes, that separates columns.
const MIN_GUTTER: f64 = 0.8;
/// Median line width, in font sizes, from which the two sides of a gutter are columns of
/// running text (table cells are narrower).
const TEXT_COLUMN: f64 = 12.0;
/// Shortest horizontal band, in font sizes, that separates blocks before columns are cut.
const MIN_BLOCK_GAP: f64 = 0.6;
/// Most lines a page may have for reordering (the cut is quadratic in the worst case).
const MAX_LINES: usize = 20_000;
/// Deepest recursion of the cut.
const MAX_DEPTH: usize = 200;

/// A line's box in its baseline coordinates, and its place in drawing order.
#[derive(Clone, Copy)]
struct Bx {
    x0: f64,
    x1: f64,
    top: f64,
    bottom: f64,
    index: usize,
}

/// Puts `lines` in reading order (see the module doc).
pub(super) fn reading_order(lines: &mut Vec<Line>) {
    let Some(dir) = lines.first().map(|l| l.dir) else {
        return;
    };
    if lines.len() > MAX_LINES || lines.iter().any(|l| l.dir != dir) {
        return;
    }
    let mut sizes: Vec<f64> = lines.iter().map(|l| l.size).collect();
    sizes.sort_by(f64::total_cmp);
    let gutter = MIN_GUTTER * sizes[sizes.len() / 2];
    let block = MIN_BLOCK_GAP * sizes[sizes.len() / 2];
    let mut boxes: Vec<Bx> = lines
        .iter()
        .enumerate()
        .map(|(index, l)| Bx {
            x0: l.x0,
            x1: l.x1.max(l.x0),
            top: l.y + 0.75 * l.size,
            bottom: l.y - 0.25 * l.size,
            index,
        })
        .collect();
    let mut order = Vec::with_capacity(lines.len());
    cut(&mut boxes, gutter, block, 0, &mut order);
    let mut taken: Vec<Option<Line>> = std::mem::take(lines).into_iter().map(Some).collect();
    lines.extend(order.into_iter().filter_map(|i| taken[i].take()));
}

/// Orders `boxes` into `out` (indices), cutting at the widest empty band.
fn cut(boxes: &mut [Bx], gutter: f64, block: f64, depth: usize, out: &mut Vec<usize>) {
    if boxes.len() <= 1 || depth >= MAX_DEPTH {
        boxes.sort_by_key(|b| b.index);
        out.extend(boxes.iter().map(|b| b.index));
        return;
    }
    // widest vertical band: sweep left to right
    boxes.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    let (mut v_gap, mut v_at) = (0.0, 0.0);
    let mut reach = boxes[0].x1;
    for b in &boxes[1..] {
        if b.x0 - reach > v_gap {
            v_gap = b.x0 - reach;
            v_at = reach + v_gap / 2.0;
        }
        reach = reach.max(b.x1);
    }
    // widest horizontal band: sweep top to bottom
    boxes.sort_by(|a, b| b.top.total_cmp(&a.top));
    let (mut h_gap, mut h_at) = (0.0, 0.0);
    let mut low = boxes[0].bottom;
    for b in &boxes[1..] {
        if low - b.top > h_gap {
            h_gap = low - b.top;
            h_at = low - h_gap / 2.0;
        }
        low = low.min(b.bottom);
    }
    let text_columns = v_gap >= gutter && {
        let width = |left: bool| {
            let mut w: Vec<f64> = boxes
                .iter()
                .filter(|b| (b.x1 <= v_at) == left)
                .map(|b| b.x1 - b.x0)
                .collect();
            w.sort_by(f64::total_cmp);
            w.get(w.len() / 2).copied().unwrap_or(0.0)
        };
        width(true).min(width(false)) >= TEXT_COLUMN * gutter / MIN_GUTTER
    };
    let split = if text_columns {
        // columns of running text: left, then right, even where their paragraph breaks
        // happen to line up across the gutter
        partition(boxes, |b| b.x1 <= v_at)
    } else if h_gap >= block && h_gap >= v_gap.min(2.0 * block) {
        // above, then below: a band as tall as a blank line separates blocks (and table
        // rows set apart), which are read one after the other whatever their columns
        partition(boxes, |b| b.bottom >= h_at)
    } else if v_gap >= gutter && v_gap >= h_gap {
        // left, then right
        partition(boxes, |b| b.x1 <= v_at)
    } else if h_gap > 0.0 {
        // above, then below
        partition(boxes, |b| b.bottom >= h_at)
    } else {
        0
    };
    if split == 0 || split == boxes.len() {
        boxes.sort_by_key(|b| b.index);
        out.extend(boxes.iter().map(|b| b.index));
        return;
    }
    let (first, second) = boxes.split_at_mut(split);
    cut(first, gutter, block, depth + 1, out);
    cut(second, gutter, block, depth + 1, out);
}

/// Moves the boxes for which `first` holds to the front; how many there are.
fn partition(boxes: &mut [Bx], first: impl Fn(&Bx) -> bool) -> usize {
    boxes.sort_by_key(|b| (!first(b), b.index));
    boxes.iter().filter(|b| first(b)).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str, x0: f64, x1: f64, y: f64) -> Line {
        Line {
            text: text.to_string(),
            y,
            size: 10.0,
            dir: 0,
            page_y: y,
            x0,
            x1,
        }
    }

    fn texts(lines: &[Line]) -> Vec<&str> {
        lines.iter().map(|l| l.text.as_str()).collect()
    }

    #[test]
    fn columns_drawn_row_by_row_are_read_column_by_column() {
        // a heading across the page, then two columns drawn one baseline at a time
        let mut lines = vec![
            line("Heading across the page", 72.0, 400.0, 760.0),
            line("left one", 72.0, 250.0, 720.0),
            line("right one", 300.0, 480.0, 720.0),
            line("left two", 72.0, 250.0, 708.0),
            line("right two", 300.0, 480.0, 708.0),
        ];
        reading_order(&mut lines);
        assert_eq!(
            texts(&lines),
            [
                "Heading across the page",
                "left one",
                "left two",
                "right one",
                "right two"
            ]
        );
    }

    #[test]
    fn lines_without_a_gutter_keep_their_order() {
        let mut lines = vec![
            line("first", 72.0, 400.0, 700.0),
            line("second", 72.0, 380.0, 688.0),
            line("third", 72.0, 390.0, 676.0),
        ];
        reading_order(&mut lines);
        assert_eq!(texts(&lines), ["first", "second", "third"]);
    }

    #[test]
    fn lines_in_another_direction_leave_the_page_as_drawn() {
        let mut lines = vec![
            line("b", 300.0, 400.0, 700.0),
            line("a", 72.0, 200.0, 700.0),
        ];
        lines[1].dir = 90;
        reading_order(&mut lines);
        assert_eq!(texts(&lines), ["b", "a"]);
    }
}
