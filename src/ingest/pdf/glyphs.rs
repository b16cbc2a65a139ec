//! Glyph collection: the [`pdf_extract::OutputDev`] that keeps every glyph of a page with its
//! position, projected onto its own baseline direction (so rotated pages read like upright
//! ones), drops overprinted duplicates (fake bold) and rebuilds words and lines, joining
//! vertical CJK columns drawn a glyph at a time.

use std::fmt;
use std::time::Instant;

use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};

use super::cleanup::tidy_line;
use super::Line;
use super::{MAX_PAGE_CHARS, MAX_PAGE_GLYPHS};

/// One glyph as drawn, in the coordinates of its own baseline direction.
#[derive(Debug, Clone)]
pub(super) struct Glyph {
    /// Position along the baseline.
    pub(super) x: f64,
    /// Position across the baseline (up is positive).
    pub(super) y: f64,
    /// Advance width along the baseline.
    pub(super) advance: f64,
    /// Font size in device units.
    pub(super) size: f64,
    /// Baseline direction, quantised to whole degrees.
    pub(super) dir: i32,
    /// Device-space y of the glyph (for top/bottom of page).
    pub(super) page_y: f64,
    pub(super) text: String,
}

/// A gap along the baseline wider than this many font sizes ends a line even on the same
/// baseline: it is a column gutter or a table cell boundary, never a word space.
const COLUMN_GAP: f64 = 1.5;

/// An [`OutputDev`] that keeps the glyphs of one page.
#[derive(Default)]
pub(super) struct PageSink {
    pub(super) glyphs: Vec<Glyph>,
    /// Set when the page was cut short by [`MAX_PAGE_GLYPHS`] or the deadline.
    pub(super) capped: bool,
    /// When to stop drawing (see [`MAX_EXTRACT_TIME`]).
    pub(super) deadline: Option<Instant>,
    /// Drawing callbacks since the deadline was last checked.
    pub(super) calls: u32,
}

impl PageSink {
    /// Errors out (ending pdf-extract's page) once the glyph cap or the deadline is reached.
    fn check_limits(&mut self) -> Result<(), OutputError> {
        self.calls = self.calls.wrapping_add(1);
        let late =
            self.calls.is_multiple_of(64) && self.deadline.is_some_and(|d| Instant::now() >= d);
        if late || self.glyphs.len() >= MAX_PAGE_GLYPHS {
            self.capped = true;
            return Err(OutputError::FormatError(fmt::Error));
        }
        Ok(())
    }
}

impl OutputDev for PageSink {
    fn begin_page(
        &mut self,
        _page_num: u32,
        _media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        char: &str,
    ) -> Result<(), OutputError> {
        self.check_limits()?;
        if char.is_empty() {
            return Ok(());
        }
        let (px, py) = (trm.m31, trm.m32);
        let along = (trm.m11.hypot(trm.m12)).max(1e-9);
        let across = trm.m21.hypot(trm.m22);
        let (dx, dy) = (trm.m11 / along, trm.m12 / along);
        let mut size = (font_size * across).abs();
        if !size.is_finite() || size < 0.01 {
            size = (font_size * along).abs().max(0.01);
        }
        let mut advance = width * font_size * along;
        if !advance.is_finite() || advance <= 0.0 {
            advance = 0.5 * size * char.chars().count() as f64;
        }
        let dir = (dy.atan2(dx).to_degrees().round() as i32).rem_euclid(360);
        let x = px * dx + py * dy;
        let y = -px * dy + py * dx;
        if !(x.is_finite() && y.is_finite()) {
            return Ok(());
        }
        self.glyphs.push(Glyph {
            x,
            y,
            advance,
            size,
            dir,
            page_y: py,
            text: char.to_string(),
        });
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn stroke(
        &mut self,
        _ctm: &Transform,
        _colorspace: &pdf_extract::ColorSpace,
        _color: &[f64],
        _path: &pdf_extract::Path,
    ) -> Result<(), OutputError> {
        self.check_limits()
    }

    fn fill(
        &mut self,
        _ctm: &Transform,
        _colorspace: &pdf_extract::ColorSpace,
        _color: &[f64],
        _path: &pdf_extract::Path,
    ) -> Result<(), OutputError> {
        self.check_limits()
    }
}

impl PageSink {
    /// Rebuilds the lines of the page from its glyphs, in content-stream order; a page where
    /// one drawn line spans a column gutter or table cells is then put in reading order by
    /// [`super::layout::reading_order`].
    pub(super) fn finish(self) -> Vec<Line> {
        let mut lines: Vec<Line> = Vec::new();
        let mut cur = String::new();
        let mut cur_meta: Option<Line> = None; // everything but the text and x1
        let mut prev: Option<&Glyph> = None;
        let mut prev_end = 0.0;
        // end of the last glyph with ink (spaces drawn as glyphs do not bridge a gutter)
        let mut ink_end = 0.0;
        let mut pending_space = false;
        let mut chars_kept = 0usize;
        // lines ended by a gutter-wide gap on their own baseline
        let mut gutters = 0usize;
        // x of the vertical (top-to-bottom) CJK column being read, if the line is one.
        let mut column: Option<f64> = None;

        let flush = |cur: &mut String, meta: &mut Option<Line>, x1: f64, lines: &mut Vec<Line>| {
            let text = tidy_line(cur);
            if let Some(mut line) = meta.take() {
                if !text.is_empty() {
                    line.text = text;
                    line.x1 = x1;
                    lines.push(line);
                }
            }
            cur.clear();
        };

        for g in &self.glyphs {
            if chars_kept >= MAX_PAGE_CHARS {
                break;
            }
            let blank = g.text.chars().all(char::is_whitespace);
            if let Some(p) = prev {
                let size = g.size.max(p.size);
                let same_dir = g.dir == p.dir;
                let dy = (g.y - p.y).abs();
                // Overprinted duplicate (fake bold): same glyph at (almost) the same spot. Not
                // one that starts where the last one ends: that is a doubled letter ("ll"), even
                // when the font size says little about the glyphs' real size (Type3 fonts
                // with a small /FontMatrix set at 58 pt draw letters of a few points).
                if same_dir
                    && !blank
                    && g.text == p.text
                    && (g.x - p.x).abs() < (0.1 * size).min(0.5 * p.advance)
                    && dy < 0.1 * size
                {
                    continue;
                }
                if !blank && same_dir {
                    column = continues_column(column, p, g, size);
                    if column.is_some() {
                        cur.push_str(&g.text);
                        chars_kept += g.text.len();
                        prev = Some(g);
                        prev_end = g.x + g.advance;
                        ink_end = prev_end;
                        continue;
                    }
                }
                let gutter = !blank
                    && same_dir
                    && dy <= 0.5 * size
                    && cur_meta.is_some()
                    && g.x > ink_end + COLUMN_GAP * size;
                let new_line =
                    !same_dir || dy > 0.5 * size || g.x < prev_end - 1.5 * size || gutter;
                if new_line {
                    flush(&mut cur, &mut cur_meta, ink_end, &mut lines);
                    pending_space = false;
                    gutters += usize::from(gutter);
                } else if !blank && (pending_space || g.x > prev_end + 0.15 * size) {
                    cur.push(' ');
                    pending_space = false;
                }
            }
            if blank {
                pending_space = true;
            } else {
                match cur_meta.as_mut() {
                    None => {
                        cur_meta = Some(Line {
                            text: String::new(),
                            y: g.y,
                            size: g.size,
                            dir: g.dir,
                            page_y: g.page_y,
                            x0: g.x,
                            x1: g.x,
                        })
                    }
                    Some(meta) => {
                        if g.size > meta.size {
                            meta.size = g.size;
                        }
                    }
                }
                cur.push_str(&g.text);
                chars_kept += g.text.len();
                ink_end = g.x + g.advance;
            }
            prev = Some(g);
            prev_end = g.x + g.advance;
        }
        flush(&mut cur, &mut cur_meta, ink_end, &mut lines);
        if gutters > 0 {
            super::layout::reading_order(&mut lines);
        }
        lines
    }
}

/// Whether `g` continues a vertical (top-to-bottom) column of CJK text after `p`, returning the
/// column's x if so. Vertical Japanese and Chinese is often drawn one glyph at a time, each
/// placed about one em below the last (and through a horizontal font, so the text direction
/// says nothing); read glyph by glyph it would be one character per line. A column starts
/// where a CJK glyph sits directly below another at 0.8–1.3 em; it goes on while glyphs stay
/// within 0.8 em of its x and up to 2.5 em lower, which lets through the small offsets of
/// punctuation set in a separate font.
pub(super) fn continues_column(
    column: Option<f64>,
    p: &Glyph,
    g: &Glyph,
    size: f64,
) -> Option<f64> {
    if !is_cjk_text(&g.text) {
        return None;
    }
    let below = p.y - g.y;
    match column {
        Some(x) => ((g.x - x).abs() < 0.8 * size && (-0.2 * size..2.5 * size).contains(&below))
            .then_some(x),
        None => (is_cjk_text(&p.text)
            && (g.x - p.x).abs() < 0.25 * size
            && (0.8 * size..=1.3 * size).contains(&below))
        .then_some(p.x),
    }
}

/// True when every character is from a CJK script or CJK punctuation (the scripts written
/// vertically).
pub(super) fn is_cjk_text(text: &str) -> bool {
    !text.is_empty()
        && text.chars().all(|c| {
            matches!(c as u32,
                0x3000..=0x30FF // CJK punctuation, hiragana, katakana
                | 0x3400..=0x4DBF // CJK extension A
                | 0x4E00..=0x9FFF // CJK unified ideographs
                | 0xAC00..=0xD7AF // Hangul syllables
                | 0xF900..=0xFAFF // CJK compatibility ideographs
                | 0xFE30..=0xFE4F // CJK compatibility forms (vertical punctuation)
                | 0xFF00..=0xFFEF // half- and full-width forms
            )
        })
}
