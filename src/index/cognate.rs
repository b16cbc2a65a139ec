//! A spelling key shared by Norwegian, Swedish and Danish cognates.
//!
//! The three languages write many of the same words with different letters:
//! `næring`/`näring`, `grønn`/`grön`, `organisasjon`/`organisation`,
//! `samarbeid`/`samarbejde`, `cirkulær`/`sirkulær`, `utveckling`/`utvikling`
//! (the vowel aside). [`key`] maps each spelling to one key by the regular
//! correspondences (æ/ä, ø/ö, aa/å, -sjon/-tion/-sion, -het/-hed, c/k/s, ck, hv,
//! doubled letters, ei/ej, final d/t) after dropping a common inflection
//! ending. The index keeps the key of every word of a Nordic passage in the
//! `nordic` field; a query word's key is looked up there, weighted below an
//! exact or a Bokmål↔Nynorsk match. Cognates whose letters differ beyond
//! these rules (`havn`/`hamn`) come from the bilingual lexicon instead
//! (`search::lexicon`).

/// Keys shorter than this are dropped: short words collide across languages.
pub(crate) const MIN_KEY_CHARS: usize = 4;

/// Inflection endings dropped before keying, longest first (definite and
/// plural forms of nouns, the comparative (nb/da `-ere`, sv `-are`), the
/// infinitive of loan verbs (nb/da `-ere`, sv `-era`) and adjective endings).
const ENDINGS: &[&str] = &[
    "erna", "arna", "orna", "ene", "ane", "ere", "are", "era", "ne", "na", "en", "et", "er", "ar",
    "or", "a", "e",
];

/// The cross-Scandinavian key of a lowercase word, or `None` for short
/// words and anything with a digit.
pub(crate) fn key(word: &str) -> Option<String> {
    if word.chars().count() < MIN_KEY_CHARS || word.chars().any(|c| !c.is_alphabetic()) {
        return None;
    }
    let mut w = word.to_lowercase();
    // the Latin suffixes English writes otherwise (`university`/`universitet`,
    // `strategic`/`strategisk`, `strategy`/`strategi`); no Nordic word ends so
    if let Some(stem) = english_suffix(&w) {
        w = stem;
    }
    for (from, to) in [
        ("aa", "å"),
        ("tion", "sjon"),
        ("sion", "sjon"),
        ("ck", "k"),
        ("hv", "v"),
        ("ph", "f"),
        ("th", "t"),
        ("qu", "kv"),
        ("x", "ks"),
        ("z", "s"),
        ("w", "v"),
    ] {
        if w.contains(from) {
            w = w.replace(from, to);
        }
    }
    if let Some(stem) = w.strip_suffix("hed") {
        w = format!("{stem}het");
    }
    let chars: Vec<char> = w.chars().collect();
    let mut out = String::with_capacity(w.len());
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let mapped = match c {
            'æ' | 'ä' => 'e',
            'ø' | 'ö' => 'o',
            'å' => 'a',
            'é' | 'è' => 'e',
            'ü' => 'y',
            'c' if matches!(next, Some('e' | 'i' | 'y' | 'æ' | 'ä')) => 's',
            'c' => 'k',
            // `ei`/`ej` (nb `samarbeid`, da `samarbejde`) as sv `e`
            'i' | 'j' if i > 0 && chars[i - 1] == 'e' => continue,
            other => other,
        };
        if out.ends_with(mapped) {
            continue;
        }
        out.push(mapped);
    }
    for ending in ENDINGS {
        if let Some(stem) = out.strip_suffix(ending) {
            if stem.chars().count() >= MIN_KEY_CHARS {
                out.truncate(stem.len());
                break;
            }
        }
    }
    if let Some(stem) = out.strip_suffix('d') {
        out = format!("{stem}t");
    }
    (out.chars().count() >= MIN_KEY_CHARS).then_some(out)
}

/// An English word with its Latin suffix in the Nordic spelling, or `None`.
fn english_suffix(w: &str) -> Option<String> {
    const SUFFIXES: [(&str, &str); 5] = [
        ("ities", "itet"),
        ("ity", "itet"),
        ("ical", "isk"),
        ("ic", "isk"),
        ("ies", "ier"),
    ];
    for (from, to) in SUFFIXES {
        if let Some(stem) = w.strip_suffix(from) {
            return Some(format!("{stem}{to}"));
        }
    }
    // a final `y` after a consonant: `energy`, `technology`
    let stem = w.strip_suffix('y')?;
    let before = stem.chars().last()?;
    (!"aeiouyæøåäö".contains(before)).then(|| format!("{stem}i"))
}

#[cfg(test)]
mod tests {
    use super::key;

    fn same(words: &[&str]) {
        let keys: Vec<_> = words.iter().map(|w| key(w)).collect();
        assert!(keys[0].is_some(), "{words:?}");
        assert!(keys.iter().all(|k| *k == keys[0]), "{words:?} → {keys:?}");
    }

    #[test]
    fn regular_spelling_correspondences_share_a_key() {
        same(&["næring", "näring"]);
        same(&["organisasjon", "organisation"]);
        same(&["kommisjon", "kommission"]);
        same(&["pensjon", "pension"]);
        same(&["samarbeid", "samarbete", "samarbejde"]);
        same(&["sirkulær", "cirkulär", "cirkulær"]);
        same(&["grønn", "grön", "grøn"]);
        same(&["kommunene", "kommunerna"]);
        same(&["tilgængelighed", "tilgængelighet"]);
        same(&["kortere", "kortare"]);
        same(&["større", "större"]);
        same(&["organisere", "organisera", "organisere"]);
    }

    #[test]
    fn english_latin_suffixes_share_the_nordic_key() {
        same(&["university", "universitet"]);
        same(&["mobility", "mobilitet"]);
        same(&["strategic", "strategisk"]);
        same(&["political", "politisk"]);
        same(&["strategy", "strategi"]);
        same(&["strategies", "strategier", "strategierna"]);
        same(&["energy", "energi"]);
        // a vowel before the `y` is no Latin suffix
        assert_eq!(key("display").as_deref(), Some("display"));
    }

    #[test]
    fn different_words_keep_different_keys() {
        assert_ne!(key("skole"), key("skule"));
        assert_ne!(key("kyst"), key("kust"));
        assert_eq!(key("og"), None);
        assert_eq!(key("2030"), None);
    }
}
