//! Text folding for taxonomy matching: one pass that lowercases, strips diacritics,
//! collapses whitespace, unifies dashes/apostrophes and joins words split by a line-end
//! hyphen ("Europa-\nkontor"), while remembering for every output byte where it came from
//! in the input, so a match in folded text can be reported as the original phrase.
//!
//! The same function folds aliases and documents, so both sides always agree.

/// How much of the input's spelling a fold keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fold {
    /// Lowercase and strip diacritics (`Trøndelag` → `trondelag`): the matching space.
    Loose,
    /// Lowercase only (`Trøndelag` → `trøndelag`): used to verify short aliases.
    Lower,
    /// Keep case and diacritics: used to verify acronyms and case-sensitive names.
    Exact,
}

/// A folded text and, for every byte of it, the byte offset in the original text.
pub(crate) struct Folded {
    pub text: String,
    /// `origin[i]` is the original offset of folded byte `i`; one extra entry holds the end.
    pub origin: Vec<usize>,
    /// Number of words (runs of letters/digits) seen, used to normalise theme scores.
    pub words: usize,
}

/// Folds `input` in the given mode, keeping the offset map.
pub(crate) fn fold_with_map(input: &str, mode: Fold) -> Folded {
    let mut text = String::with_capacity(input.len() + 16);
    let mut origin = Vec::with_capacity(input.len() + 17);
    let mut words = 0usize;
    let mut in_word = false;
    let mut chars = input.char_indices().peekable();
    let mut pending_space: Option<usize> = None;
    while let Some((at, c)) = chars.next() {
        if c.is_whitespace() {
            if !text.is_empty() && pending_space.is_none() {
                pending_space = Some(at);
            }
            in_word = false;
            continue;
        }
        // A hyphen at a line end followed by a lowercase letter is a typesetting break.
        if is_dash(c) {
            let rest = &input[at + c.len_utf8()..];
            let trimmed = rest.trim_start();
            let gap = &rest[..rest.len() - trimmed.len()];
            if gap.contains('\n') && trimmed.chars().next().is_some_and(char::is_alphanumeric) {
                for _ in gap.chars() {
                    chars.next();
                }
                // Lowercase next: a word split by typesetting; otherwise a real hyphen.
                if trimmed.chars().next().is_some_and(char::is_lowercase) {
                    continue;
                }
            }
        }
        if let Some(space_at) = pending_space.take() {
            text.push(' ');
            origin.push(space_at);
        }
        let alnum = c.is_alphanumeric();
        if alnum && !in_word {
            words += 1;
        }
        in_word = alnum;
        push_folded(&mut text, &mut origin, at, c, mode);
    }
    origin.push(input.len());
    Folded {
        text,
        origin,
        words,
    }
}

/// Folds `input` without keeping the offset map.
pub(crate) fn fold(input: &str, mode: Fold) -> String {
    fold_with_map(input, mode).text
}

fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2212}'
    )
}

fn push_folded(text: &mut String, origin: &mut Vec<usize>, at: usize, c: char, mode: Fold) {
    // The common case, an ASCII letter or digit: lowercasing is the whole fold in every mode
    // (no `to_lowercase` iterator, no diacritic table).
    if c.is_ascii_alphanumeric() {
        text.push(if mode == Fold::Exact {
            c
        } else {
            c.to_ascii_lowercase()
        });
        origin.push(at);
        return;
    }
    let mut push = |s: &str| {
        for _ in 0..s.len() {
            origin.push(at);
        }
        text.push_str(s);
    };
    if is_dash(c) {
        return push("-");
    }
    if matches!(c, '\u{2019}' | '\u{2018}' | '`' | '\u{00b4}') {
        return push("'");
    }
    if c == '\u{00ad}' {
        // Soft hyphen: invisible, drop it.
        return;
    }
    if mode == Fold::Exact {
        let mut buf = [0u8; 4];
        return push(c.encode_utf8(&mut buf));
    }
    for lower in c.to_lowercase() {
        if mode == Fold::Loose {
            if let Some(plain) = strip_diacritic(lower) {
                push(plain);
                continue;
            }
        }
        let mut buf = [0u8; 4];
        push(lower.encode_utf8(&mut buf));
    }
}

/// The ASCII spelling a Nordic or German reader accepts when diacritics are lost.
fn strip_diacritic(c: char) -> Option<&'static str> {
    Some(match c {
        'å' | 'ä' | 'á' | 'à' | 'â' | 'ã' | 'ā' => "a",
        'ø' | 'ö' | 'ó' | 'ò' | 'ô' | 'õ' | 'ő' => "o",
        'æ' => "ae",
        'é' | 'è' | 'ê' | 'ë' | 'ė' => "e",
        'í' | 'ì' | 'î' | 'ï' => "i",
        'ú' | 'ù' | 'û' | 'ü' | 'ű' => "u",
        'ý' | 'ÿ' => "y",
        'ð' => "d",
        'þ' => "th",
        'ß' => "ss",
        'ç' | 'č' => "c",
        'ñ' | 'ń' => "n",
        'š' => "s",
        'ž' => "z",
        'ŋ' => "n",
        'ŧ' => "t",
        'đ' => "d",
        _ => return None,
    })
}

/// True when `c` can be part of a word (Unicode letters and digits).
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loose_fold_strips_nordic_diacritics_and_case() {
        assert_eq!(
            fold("Trøndelag Jämtland ÅLAND", Fold::Loose),
            "trondelag jamtland aland"
        );
    }

    #[test]
    fn line_end_hyphen_before_lowercase_is_joined() {
        assert_eq!(
            fold("Trøndelags Europa-\n  kontor", Fold::Lower),
            "trøndelags europakontor"
        );
        assert_eq!(fold("Midt-\nNorge", Fold::Lower), "midt-norge");
    }

    #[test]
    fn offsets_point_back_into_the_original() {
        let input = "Nå  Trøndelag–Ø";
        let f = fold_with_map(input, Fold::Loose);
        assert_eq!(f.text, "na trondelag-o");
        assert_eq!(f.origin.len(), f.text.len() + 1);
        let start = f.text.find("trondelag").unwrap();
        let end = start + "trondelag".len();
        assert_eq!(&input[f.origin[start]..f.origin[end]], "Trøndelag");
        assert_eq!(f.words, 3);
    }
}
