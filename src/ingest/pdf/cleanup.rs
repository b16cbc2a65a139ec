//! Text clean-up: ligatures, soft hyphens and control characters, hyphens at line ends
//! rejoined where the document's own spelling or the word's shape says so, running headers
//! and footers removed, and the share of glyphs without a Unicode mapping measured. The
//! rules are in the parent module's doc.

use std::collections::{HashMap, HashSet};

use unicode_normalization::UnicodeNormalization;

use super::Line;
use super::MAX_PAGE_CHARS;
use crate::ingest::text;

/// Normalises ligatures, drops soft hyphens and control characters, and collapses spaces.
/// A soft hyphen that ends the line after a letter stays: a word broken there,
/// which [`page_text`] joins (PDFs from Word and InDesign map their line-end
/// hyphen glyph to it).
pub(super) fn tidy_line(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut space = false;
    let mut soft_at_end = false;
    for c in raw.chars() {
        match c {
            text::SOFT_HYPHEN => soft_at_end = true,
            '\u{FB00}'..='\u{FB06}' => {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                soft_at_end = false;
                out.extend(c.to_string().nfkc());
            }
            c if c.is_whitespace() => space = true,
            c if c.is_control() || is_format_junk(c) => {}
            c => {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                soft_at_end = false;
                out.push(c);
            }
        }
    }
    if soft_at_end && out.ends_with(char::is_alphabetic) {
        out.push(text::SOFT_HYPHEN);
    }
    out
}

/// Zero-width and byte-order characters that only disturb tokenisation.
pub(super) fn is_format_junk(c: char) -> bool {
    matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}')
}

/// True for characters that mean "the font had no Unicode mapping".
pub(super) fn is_garbage(c: char) -> bool {
    c == '\u{FFFD}'
        || (c.is_control() && !c.is_whitespace())
        || ('\u{E000}'..='\u{F8FF}').contains(&c)
        || c >= '\u{F0000}'
}

pub(super) fn garbage_share(pages: &[Vec<Line>]) -> f64 {
    let (mut bad, mut all) = (0usize, 0usize);
    for line in pages.iter().flatten() {
        for c in line.text.chars().filter(|c| !c.is_whitespace()) {
            all += 1;
            if is_garbage(c) {
                bad += 1;
            }
        }
    }
    if all == 0 {
        0.0
    } else {
        bad as f64 / all as f64
    }
}

/// Letters Ghostscript 10.0 writes for the ligatures U+FB00..U+FB04 when it rewrites a
/// ToUnicode range that starts at one: the range's high byte (`FB`) plus the offset, as a
/// Latin-1 code point (`<0cf3><0cf4><FB01>` becomes `û` for `ﬁ` and `ü` for `ﬂ`).
const COLLAPSED: [char; 5] = ['\u{fb}', '\u{fc}', '\u{fd}', '\u{fe}', '\u{ff}'];
/// What a collapsed letter may stand for.
const LIGATURES: [&str; 5] = ["ff", "fi", "fl", "ffi", "ffl"];

/// Puts back ligatures that a Ghostscript rewrite collapsed into Latin-1 letters (see
/// [`COLLAPSED`]): `üytter`, `ûskeri`. The information is gone from the file, so the choice
/// is made from the words: a letter is replaced by a ligature in the whole document only when
/// at least two different words containing it become known words (the Norwegian word list or
/// words the document spells elsewhere), at least a third of them do, and none of them is a known
/// word as it stands. German `für` and `über`, French `sûr` stay as they are.
pub(super) fn restore_collapsed_ligatures(pages: &mut [Vec<Line>]) {
    let mut words_with: HashMap<char, HashSet<String>> = HashMap::new();
    let mut plain: HashSet<String> = HashSet::new();
    for line in pages.iter().flatten() {
        for raw in line.text.split_whitespace() {
            let w = raw
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase();
            match w.chars().find(|c| COLLAPSED.contains(c)) {
                Some(c) => {
                    words_with.entry(c).or_default().insert(w);
                }
                None => {
                    plain.insert(w);
                }
            }
        }
    }
    let known = |w: &str| plain.contains(w) || crate::ingest::restore::is_known_word(w);
    let mut replace: Vec<(char, &str)> = Vec::new();
    for (&c, words) in &words_with {
        if words.iter().any(|w| known(w)) {
            continue;
        }
        let best = LIGATURES
            .iter()
            .map(|lig| {
                let hits = words.iter().filter(|w| known(&w.replace(c, lig))).count();
                (hits, *lig)
            })
            .max_by_key(|&(hits, _)| hits);
        if let Some((hits, lig)) = best {
            if hits >= 2 && hits * 3 >= words.len() {
                replace.push((c, lig));
            }
        }
    }
    if replace.is_empty() {
        return;
    }
    for line in pages.iter_mut().flatten() {
        for &(c, lig) in &replace {
            if line.text.contains(c) {
                line.text = line.text.replace(c, lig);
            }
        }
    }
}

/// Every word of the document's lines as the document spells it (see
/// [`text::vocabulary`]), for rejoining words broken at line ends.
pub(super) fn vocabulary(pages: &[Vec<Line>]) -> HashSet<String> {
    text::vocabulary(
        pages
            .iter()
            .map(|page| page.iter().map(|line| line.text.as_str())),
    )
}

/// Joins the lines of a page into text: hyphenated words rejoined, paragraphs as blank lines.
pub(super) fn page_text(lines: &[Line], vocabulary: &HashSet<String>) -> String {
    let mut out = String::new();
    let mut prev: Option<&Line> = None;
    for line in lines {
        let text: String = line.text.chars().filter(|&c| !is_garbage(c)).collect();
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        if let Some(p) = prev {
            if text::join_broken_word(&mut out, text, vocabulary) {
                prev = Some(line);
                continue;
            }
            // a soft hyphen that joined nothing is not shown
            if out.ends_with(text::SOFT_HYPHEN) {
                out.pop();
            }
            let gap = p.y - line.y;
            let size = p.size.max(line.size);
            let paragraph = p.dir == line.dir && (gap > 1.9 * size || gap < -0.5 * size);
            out.push_str(if paragraph { "\n\n" } else { "\n" });
        }
        out.push_str(text);
        prev = Some(line);
        if out.len() >= MAX_PAGE_CHARS {
            let mut cut = MAX_PAGE_CHARS;
            while !out.is_char_boundary(cut) {
                cut -= 1;
            }
            out.truncate(cut);
            break;
        }
    }
    out
}

/// Key under which repeating header/footer lines are compared: digits and case ignored.
pub(super) fn running_key(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    let mut last_digit = false;
    for c in text.chars() {
        if c.is_ascii_digit() || c.is_numeric() {
            if !last_digit {
                key.push('#');
            }
            last_digit = true;
        } else {
            last_digit = false;
            if !c.is_whitespace() {
                key.extend(c.to_lowercase());
            }
        }
    }
    key
}

/// Indices of the lines among the top and bottom [`EDGE_LINES`] of a page.
pub(super) fn edge_lines(lines: &[Line]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..lines.len()).collect();
    order.sort_by(|&a, &b| lines[b].page_y.total_cmp(&lines[a].page_y));
    let mut picked: Vec<usize> = order.iter().take(EDGE_LINES).copied().collect();
    picked.extend(order.iter().rev().take(EDGE_LINES).copied());
    picked.sort_unstable();
    picked.dedup();
    picked
}

/// Keys that occur on more than one line of the same edge (top or bottom) of a page: a
/// running header or page number occurs once there, so such lines (a column of figures at
/// the top of a table, `5` and `6` under each other) are content.
fn repeated_within_an_edge(lines: &[Line]) -> HashSet<String> {
    let mut order: Vec<usize> = (0..lines.len()).collect();
    order.sort_by(|&a, &b| lines[b].page_y.total_cmp(&lines[a].page_y));
    let mut repeated = HashSet::new();
    let top = order.iter().take(EDGE_LINES);
    let bottom = order.iter().rev().take(EDGE_LINES);
    for edge in [top.collect::<Vec<_>>(), bottom.collect::<Vec<_>>()] {
        let mut seen = HashSet::new();
        for &i in edge {
            let key = running_key(&lines[i].text);
            if !seen.insert(key.clone()) {
                repeated.insert(key);
            }
        }
    }
    repeated
}

/// Drops running headers and footers (see the module doc for the rule).
pub(super) fn remove_running_lines(pages: &mut [Vec<Line>]) {
    let total = pages.len();
    let needed = ((total as f64 * REPEAT_SHARE).ceil() as usize).max(REPEAT_MIN_PAGES);
    if total < needed {
        return;
    }
    let mut counts: HashMap<String, usize> = HashMap::new();
    for lines in pages.iter() {
        let repeated = repeated_within_an_edge(lines);
        let keys: HashSet<String> = edge_lines(lines)
            .into_iter()
            .map(|i| running_key(&lines[i].text))
            .filter(|k| !repeated.contains(k))
            .collect();
        for key in keys {
            *counts.entry(key).or_default() += 1;
        }
    }
    let running: HashSet<&String> = counts
        .iter()
        .filter(|&(_, &n)| n >= needed)
        .map(|(k, _)| k)
        .collect();
    if running.is_empty() {
        return;
    }
    for lines in pages.iter_mut() {
        let repeated = repeated_within_an_edge(lines);
        let drop: HashSet<usize> = edge_lines(lines)
            .into_iter()
            .filter(|&i| {
                let key = running_key(&lines[i].text);
                running.contains(&key) && !repeated.contains(&key)
            })
            .collect();
        // A page that is nothing but the repeated line is content, not decoration.
        if drop.len() >= lines.len() {
            continue;
        }
        let mut i = 0;
        lines.retain(|_| {
            let keep = !drop.contains(&i);
            i += 1;
            keep
        });
    }
}

/// How many lines at the top and at the bottom of a page may be a running header or footer.
pub(super) const EDGE_LINES: usize = 3;

/// Share of pages a line must repeat on to count as a running header or footer.
pub(super) const REPEAT_SHARE: f64 = 0.6;

/// Fewest pages a line must repeat on to count as a running header or footer.
pub(super) const REPEAT_MIN_PAGES: usize = 3;
