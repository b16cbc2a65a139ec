//! Diacritic restoration for OCR-damaged Norwegian text, so snippets read
//! correctly and exact searches match: `seerlig` → `særlig`, `pavirket` →
//! `påvirket`, `Trendelag` → `Trøndelag`.
//!
//! Damage seen in scanned plans (seed 003): `ø` read as `o`, `e`, `g`, `p`,
//! `s`, `q`, `d`, `@` or `0`; `æ` as `ee`, `e`, `ae` or `a`; `å` as `a`,
//! `aa`, `d` or `g`. For a word that is not a known word, every way of
//! undoing up to [`MAX_REPAIRS`] such readings is looked up in a Norwegian
//! word list (`nordic_words.txt`, built from Norsk Lovtidend by
//! `bench/examples/gen_nordic_words.rs`); the most frequent known word wins. Known
//! words are never changed, so `for` stays `for` even where it was `før`.

use std::collections::HashMap;
use std::sync::OnceLock;

/// Most damaged letters undone in one word.
pub(crate) const MAX_REPAIRS: usize = 3;
/// A word seen at least this often in the word list counts as known.
pub(crate) const KNOWN_COUNT: u32 = 3;

/// `(damage as read, letter it stands for)`.
const READINGS: &[(&str, char)] = &[
    ("ee", 'æ'),
    ("ae", 'æ'),
    ("aa", 'å'),
    ("o", 'ø'),
    ("e", 'ø'),
    ("g", 'ø'),
    ("p", 'ø'),
    ("s", 'ø'),
    ("q", 'ø'),
    ("d", 'ø'),
    ("@", 'ø'),
    ("0", 'ø'),
    ("e", 'æ'),
    ("a", 'æ'),
    ("a", 'å'),
    ("d", 'å'),
    ("g", 'å'),
];

/// Short function words whose damaged forms are no words at all.
const SHORT: &[(&str, &str)] = &[
    ("a", "å"),
    ("aa", "å"),
    ("ar", "år"),
    ("pa", "på"),
    ("pd", "på"),
    ("pg", "på"),
    ("ma", "må"),
    ("na", "nå"),
    ("fa", "få"),
];

/// A known word is replaced only by a candidate this many times more frequent
/// (`mal` → `mål`, `far` → `får`), and only in text already judged damaged.
pub(crate) const OVERRIDE_RATIO: u32 = 8;

/// Endings tried when a damaged word is an inflected or genitive form of a
/// listed word (`Trondelags` → `Trøndelag` + `s`).
const ENDINGS: &[&str] = &["s", "en", "et", "ene", "a", "er", "e", "ens", "ets", "enes"];

/// Count given to names from the taxonomy (places, programmes, networks).
const NAME_COUNT: u32 = 100;

/// Whether `word` (lower case) is in the Norwegian word list or the
/// taxonomy's names: evidence that a word broken at a line end is one word.
pub(crate) fn is_known_word(word: &str) -> bool {
    words().contains_key(word)
}

/// The word list plus every word of the taxonomy's names, parsed once.
fn words() -> &'static HashMap<String, u32> {
    static W: OnceLock<HashMap<String, u32>> = OnceLock::new();
    W.get_or_init(|| {
        let mut w: HashMap<String, u32> = include_str!("nordic_words.txt")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let (w, n) = l.split_once(' ')?;
                Some((w.to_string(), n.parse().ok()?))
            })
            .collect();
        let tax = crate::taxonomy::Taxonomy::builtin();
        for kind in crate::taxonomy::FacetKind::all() {
            for c in tax.concepts(kind) {
                let names = c
                    .aliases
                    .values()
                    .flatten()
                    .chain([&c.label_nb, &c.label_en]);
                for name in names {
                    // only names with Nordic letters: their ASCII aliases are
                    // the damaged readings themselves (`Trondelag`)
                    for part in name
                        .split(|ch: char| !ch.is_alphabetic())
                        .filter(|p| p.chars().count() >= 4 && !p.is_ascii())
                    {
                        let e = w.entry(part.to_lowercase()).or_insert(0);
                        *e = (*e).max(NAME_COUNT);
                    }
                }
            }
        }
        w
    })
}

/// Longest word a repair is tried on: no dictionary word is longer, and each
/// misreading in a word doubles the candidates tried.
const MAX_REPAIR_CHARS: usize = 40;

/// Whether `lower` can be a word with its diacritics misread: not longer
/// than any dictionary word, with at most one digit (`h0yere`, an `ø` read
/// as `0`), not an identifier such as `seg1010076`, of which a 10 MB path
/// holds a million (each repair tried on them cost 30 µs).
fn repairable(lower: &str) -> bool {
    lower.chars().count() <= MAX_REPAIR_CHARS
        && lower.chars().filter(char::is_ascii_digit).count() <= 1
}

/// Restore one lowercase word, or `None` when it is known or no repair is.
fn restore_word(lower: &str, nynorsk: bool) -> Option<String> {
    if let Some((_, to)) = SHORT.iter().find(|(from, _)| *from == lower) {
        return Some(to.to_string());
    }
    let w = words();
    if lower.chars().count() < 3 || !repairable(lower) {
        return None;
    }
    let own = w.get(lower).copied().unwrap_or(0);
    if own >= KNOWN_COUNT {
        // a known word gives way only to a far more frequent repair, and
        // never in Nynorsk, whose own words (`vere`, `høve`) are that repair's rivals
        if nynorsk {
            return None;
        }
        return repair(lower)
            .filter(|(n, _)| *n >= own.saturating_mul(OVERRIDE_RATIO))
            .map(|(_, s)| s);
    }
    if let Some((_, s)) = repair(lower) {
        return Some(s);
    }
    // an inflected or genitive form of a listed word
    for end in ENDINGS {
        if let Some(stem) = lower.strip_suffix(end).filter(|s| s.chars().count() >= 4) {
            if let Some((_, s)) = repair(stem) {
                return Some(format!("{s}{end}"));
            }
        }
    }
    // a compound of two listed words (either part damaged), with an
    // optional linking s: `teknologileverandorer` → `teknologileverandører`
    let known = |t: &str| w.get(t).is_some_and(|n| *n >= KNOWN_COUNT);
    let fix_part = |t: &str| -> Option<String> {
        // short parts (`øre`, `den`, `øst`) make compounds out of anything
        if t.chars().count() < 4 {
            return None;
        }
        if known(t) {
            return Some(t.to_string());
        }
        if let Some((_, r)) = repair(t) {
            return Some(r);
        }
        ENDINGS.iter().find_map(|end| {
            let stem = t.strip_suffix(end).filter(|s| s.chars().count() >= 4)?;
            repair(stem)
                .map(|(_, r)| format!("{r}{end}"))
                .or_else(|| known(stem).then(|| t.to_string()))
        })
    };
    let chars: Vec<usize> = lower.char_indices().map(|(i, _)| i).collect();
    for k in (4..chars.len().saturating_sub(3)).rev() {
        let (head, tail) = lower.split_at(chars[k]);
        let Some(h) = fix_part(head) else { continue };
        let linked = tail.strip_prefix('s').map(|t| ("s", t));
        for (link, rest) in [("", tail)].into_iter().chain(linked) {
            if let Some(t) = fix_part(rest) {
                let fixed = format!("{h}{link}{t}");
                if fixed != lower {
                    return Some(fixed);
                }
            }
        }
    }
    None
}

/// The most frequent listed word reachable by undoing up to
/// [`MAX_REPAIRS`] damaged readings, with its count.
fn repair(lower: &str) -> Option<(u32, String)> {
    let w = words();
    let mut best: Option<(u32, String)> = None;
    let mut frontier = vec![lower.to_string()];
    for _ in 0..MAX_REPAIRS {
        let mut next = Vec::new();
        for cand in &frontier {
            for (read, letter) in READINGS {
                let mut start = 0;
                while let Some(i) = cand[start..].find(read) {
                    let at = start + i;
                    let fixed = format!("{}{}{}", &cand[..at], letter, &cand[at + read.len()..]);
                    if let Some(n) = w.get(&fixed) {
                        if best.as_ref().is_none_or(|(b, _)| n > b) {
                            best = Some((*n, fixed.clone()));
                        }
                    }
                    next.push(fixed);
                    start = at + read.len();
                }
            }
        }
        if best.is_some() || next.len() > 5_000 {
            break;
        }
        next.sort();
        next.dedup();
        frontier = next;
    }
    best
}

/// Restore the diacritics of every damaged word in `text` (Bokmål, or
/// Nynorsk when `nynorsk`), keeping the rest of the text byte for byte. Returns the text and how many words
/// changed.
pub fn restore(text: &str, nynorsk: bool) -> (String, usize) {
    let mut out = String::with_capacity(text.len() + text.len() / 20);
    let mut changed = 0;
    let mut rest = text;
    while !rest.is_empty() {
        // whitespace-separated chunks; URLs and e-mail addresses stay as they are
        let ws = rest
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(rest.len());
        out.push_str(&rest[..ws]);
        rest = &rest[ws..];
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let chunk = &rest[..end];
        rest = &rest[end..];
        if chunk.contains("://")
            || chunk.starts_with("www.")
            || chunk.contains('@') && chunk.contains('.')
        {
            out.push_str(chunk);
            continue;
        }
        changed += restore_chunk(chunk, nynorsk, &mut out);
    }
    (out, changed)
}

/// Restore the words of one whitespace-free chunk (`«ogsa»,` → `«også»,`).
fn restore_chunk(chunk: &str, nynorsk: bool, out: &mut String) -> usize {
    let mut changed = 0;
    let mut word = String::new();
    let mut prev: Option<char> = None;
    let mut before: Option<char> = None;
    let mut chars = chunk.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() || c == '@' {
            if word.is_empty() {
                before = prev;
            }
            word.push(c);
            let boundary = chars
                .peek()
                .is_none_or(|n| !(n.is_alphanumeric() || *n == '@'));
            if boundary {
                let next = chars.peek().copied();
                let lower = word.to_lowercase();
                let standalone = before.is_none_or(|p| !p.is_alphanumeric() && p != '.')
                    && next.is_none_or(|n| !matches!(n, ')' | '.'));
                let short_acronym =
                    word.chars().count() <= 4 && word.chars().all(|c| !c.is_lowercase());
                let fixed = if short_acronym || (lower.chars().count() <= 2 && !standalone) {
                    None
                } else {
                    restore_word(&lower, nynorsk)
                };
                match fixed {
                    Some(f) => {
                        changed += 1;
                        out.push_str(&match_case(&word, &f));
                    }
                    None => out.push_str(&word),
                }
                word.clear();
            }
        } else {
            out.push(c);
        }
        prev = Some(c);
    }
    changed
}

/// Damage text the way scanned Norwegian plans are damaged (seed 003), for
/// measuring [`restore`]: each æ/ø/å is misread with the probabilities below,
/// deterministically from `seed`. `ø`: o 60%, e 15%, g 10%, p 5%, s 5%, @ 5%;
/// `æ`: ee 60%, e 20%, ae 10%, a 10%; `å`: a 80%, d 10%, g 5%, aa 5%.
pub fn damage(text: &str, seed: u64) -> String {
    let mut x = seed.max(1);
    let mut roll = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % 100) as u32
    };
    let pick = |r: u32, table: &[(u32, &'static str)]| -> &'static str {
        let mut acc = 0;
        for (p, s) in table {
            acc += p;
            if r < acc {
                return s;
            }
        }
        table[table.len() - 1].1
    };
    const OE: &[(u32, &str)] = &[
        (60, "o"),
        (15, "e"),
        (10, "g"),
        (5, "p"),
        (5, "s"),
        (5, "@"),
    ];
    const AE: &[(u32, &str)] = &[(60, "ee"), (20, "e"), (10, "ae"), (10, "a")];
    const AA: &[(u32, &str)] = &[(80, "a"), (10, "d"), (5, "g"), (5, "aa")];
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let table = match c.to_lowercase().next().unwrap_or(c) {
            'ø' => OE,
            'æ' => AE,
            'å' => AA,
            _ => {
                out.push(c);
                continue;
            }
        };
        let s = pick(roll(), table);
        if c.is_uppercase() {
            out.push_str(&s.to_uppercase());
        } else {
            out.push_str(s);
        }
    }
    out
}

/// `fixed` with the capitalisation of `original` (all caps or first letter).
fn match_case(original: &str, fixed: &str) -> String {
    let letters: Vec<char> = original.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() > 1 && letters.iter().all(|c| c.is_uppercase()) {
        return fixed.to_uppercase();
    }
    if original.chars().next().is_some_and(char::is_uppercase) {
        let mut cs = fixed.chars();
        return cs
            .next()
            .map(|f| f.to_uppercase().chain(cs).collect())
            .unwrap_or_default();
    }
    fixed.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_and_overlong_words_are_not_repaired() {
        assert!(repairable("h0yere"));
        assert!(!repairable("seg1010076"));
        assert!(!repairable(&"o".repeat(MAX_REPAIR_CHARS + 1)));
        assert_eq!(restore_word("seg1010076", false), None);
    }

    #[test]
    fn damaged_words_get_their_letters_back() {
        let (t, n) = restore(
            "Kommunesektoren pavirkes i stor grad, seerlig er EU viktig. Dette innebeerer at vi ma vere beerekraftige.",
            false,
        );
        assert!(t.contains("påvirkes"), "{t}");
        assert!(t.contains("særlig"), "{t}");
        assert!(t.contains("innebærer"), "{t}");
        assert!(t.contains(" må "), "{t}");
        assert!(n >= 4);
    }

    #[test]
    fn known_words_and_case_are_kept() {
        let (t, _) = restore("For Trendelag og Norge, FORSTE gang.", false);
        assert!(t.starts_with("For "), "known word changed: {t}");
        assert!(t.contains("Trøndelag"), "{t}");
        assert!(t.contains("FØRSTE"), "{t}");
        assert!(t.contains(" og Norge,"), "{t}");
    }

    #[test]
    fn punctuation_and_spacing_survive() {
        let s = "a)  pa\tbade\n\n«ogsa»";
        let (t, _) = restore(s, false);
        assert_eq!(t, "a)  på\tbåde\n\n«også»", "a list marker `a)` is no `å`");
    }
}
