//! English words and the Nordic words they translate, learnt from the
//! dictionaries' compound entries. A Nordic compound translated by an
//! English phrase pairs its parts with the phrase's words: Swedish
//! `gasutsläpp` is "gas emission", `gas` is `gas`, so `utsläpp` is
//! "emission"; `matavfall` "food waste" and `mat` "food" give `avfall`
//! "waste". A dictionary entry for a single word often lists its common
//! sense late, or not at all (FreeDict's English–Swedish `waste` lists
//! `slösa`, `öda`, and not `avfall`); the compounds a language builds with
//! a word show its sense in use. A pair counts when at least
//! [`MIN_COMPOUNDS`] compounds show it, and its part is a headword of the
//! dictionaries; the pairs most compounds show come first.

use std::collections::{HashMap, HashSet};

/// Fewest compounds that must show a pair: one may split by chance
/// (`förbudsmotståndare` is no `förbud` + "intermediary").
const MIN_COMPOUNDS: usize = 2;

/// Shortest part kept, in letters.
const MIN_PART_CHARS: usize = 3;

/// The linking letters between a compound's parts (`avfallshantering`,
/// `barnehage`).
const LINKS: [char; 2] = ['s', 'e'];

/// One dictionary pair: a Nordic word (lowercase) and an English
/// translation of it (lowercase).
#[derive(Debug, PartialEq)]
pub(super) struct Pair {
    pub nordic: String,
    pub english: String,
}

/// The pairs learnt from `pairs`: English word → Nordic words, the word
/// most compounds show first. `known` gives the Nordic words an English
/// word or phrase translates to in the dictionaries; `heads` are the
/// Nordic words the dictionaries hold (a learnt part must be one).
pub(super) fn learn(
    pairs: &[Pair],
    known: &HashMap<String, Vec<String>>,
    heads: &HashSet<String>,
) -> HashMap<String, Vec<String>> {
    // (English word, Nordic part) → the compounds showing it
    let mut shown: HashMap<(String, String), HashSet<&str>> = HashMap::new();
    for p in pairs {
        let compound = p.nordic.as_str();
        if !compound.chars().all(char::is_alphabetic) {
            continue;
        }
        let words: Vec<&str> = p.english.split_whitespace().collect();
        let [modifier, head] = words[..] else {
            continue;
        };
        if !words.iter().all(|w| w.chars().all(char::is_alphabetic)) {
            continue;
        }
        // the modifier's Nordic word (or the word itself, a loan: `gas`)
        // begins the compound: the rest is the head's
        for first in candidates(known, modifier) {
            let rest = compound.strip_prefix(first);
            if let Some(part) = rest.and_then(|r| part(r, r.strip_prefix(LINKS), heads)) {
                shown
                    .entry((head.to_string(), part.to_string()))
                    .or_default()
                    .insert(compound);
            }
        }
        // the head's Nordic word ends it: the start is the modifier's
        for last in candidates(known, head) {
            let start = compound.strip_suffix(last);
            if let Some(part) = start.and_then(|s| part(s, s.strip_suffix(LINKS), heads)) {
                shown
                    .entry((modifier.to_string(), part.to_string()))
                    .or_default()
                    .insert(compound);
            }
        }
    }
    let mut by_word: HashMap<String, Vec<(usize, String)>> = HashMap::new();
    for ((english, part), compounds) in shown {
        if compounds.len() >= MIN_COMPOUNDS {
            by_word
                .entry(english)
                .or_default()
                .push((compounds.len(), part));
        }
    }
    by_word
        .into_iter()
        .map(|(english, mut parts)| {
            // most compounds first, then alphabetical (a stable order)
            parts.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
            (english, parts.into_iter().map(|(_, p)| p).collect())
        })
        .collect()
}

/// The Nordic words `english` may stand as in a compound: its translations
/// and itself, each of [`MIN_PART_CHARS`] letters or more.
fn candidates<'a>(known: &'a HashMap<String, Vec<String>>, english: &'a str) -> Vec<&'a str> {
    known
        .get(english)
        .into_iter()
        .flatten()
        .map(String::as_str)
        .chain(std::iter::once(english))
        .filter(|w| w.chars().count() >= MIN_PART_CHARS)
        .collect()
}

/// The part a compound holds beside a known word: `whole` (what is left
/// of the compound) where the dictionaries hold it, else `unlinked` (the
/// same without a linking letter, `avfallshantering` less `hantering`), so
/// `skatt` is not read as `s` + `katt`.
fn part<'a>(whole: &'a str, unlinked: Option<&'a str>, heads: &HashSet<String>) -> Option<&'a str> {
    std::iter::once(whole)
        .chain(unlinked)
        .find(|p| p.chars().count() >= MIN_PART_CHARS && heads.contains(*p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(nordic: &str, english: &str) -> Pair {
        Pair {
            nordic: nordic.into(),
            english: english.into(),
        }
    }

    fn known(entries: &[(&str, &[&str])]) -> HashMap<String, Vec<String>> {
        entries
            .iter()
            .map(|(e, n)| (e.to_string(), n.iter().map(|s| s.to_string()).collect()))
            .collect()
    }

    fn heads(words: &[&str]) -> HashSet<String> {
        words.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_part_shown_by_two_compounds_translates_the_phrases_other_word() {
        let pairs = [
            pair("gasutsläpp", "gas emission"),
            pair("koldioxidutsläpp", "carbon emission"),
            pair("matavfall", "food waste"),
            pair("hushållsavfall", "household waste"),
        ];
        let known = known(&[
            ("carbon", &["kol", "koldioxid"]),
            ("food", &["mat"]),
            ("household", &["hushåll"]),
        ]);
        let learnt = learn(
            &pairs,
            &known,
            &heads(&["utsläpp", "avfall", "mat", "hushåll"]),
        );
        assert_eq!(learnt["emission"], ["utsläpp"]);
        assert_eq!(learnt["waste"], ["avfall"]);
    }

    #[test]
    fn a_modifier_is_learnt_from_the_head_it_precedes() {
        let pairs = [
            pair("avfallshantering", "waste management"),
            pair("avfallsskatt", "waste tax"),
        ];
        let known = known(&[("management", &["hantering"]), ("tax", &["skatt"])]);
        let learnt = learn(&pairs, &known, &heads(&["avfall", "hantering", "skatt"]));
        assert_eq!(learnt["waste"], ["avfall"]);
    }

    #[test]
    fn one_compound_or_a_part_no_dictionary_holds_teaches_nothing() {
        let known = known(&[("ban", &["förbud"])]);
        // one compound only
        let one = learn(
            &[pair("förbudsmotståndare", "ban intermediary")],
            &known,
            &heads(&["motståndare"]),
        );
        assert!(one.is_empty(), "{one:?}");
        // two compounds, but their rest is no word of the dictionaries
        let fragment = learn(
            &[
                pair("förbudxyz", "ban thing"),
                pair("förbudsxyz", "ban thing"),
            ],
            &known,
            &heads(&["förbud"]),
        );
        assert!(fragment.is_empty(), "{fragment:?}");
    }

    #[test]
    fn a_linking_letter_is_dropped_only_where_the_part_is_no_word_with_it() {
        let pairs = [
            pair("fastighetsskatt", "property tax"),
            pair("inkomstskatt", "income tax"),
            pair("avfallshantering", "waste management"),
            pair("avfallsskatt", "waste tax"),
            pair("avfallsbehandling", "waste treatment"),
        ];
        let known = known(&[
            ("property", &["fastighet"]),
            ("income", &["inkomst"]),
            ("management", &["hantering"]),
            ("treatment", &["behandling"]),
        ]);
        let learnt = learn(
            &pairs,
            &known,
            &heads(&["skatt", "katt", "avfall", "hantering", "behandling"]),
        );
        assert_eq!(learnt["tax"], ["skatt"]);
        assert_eq!(learnt["waste"], ["avfall"]);
    }

    #[test]
    fn the_part_most_compounds_show_comes_first() {
        let pairs = [
            pair("festlokal", "party room"),
            pair("festmat", "party food"),
            pair("festkläder", "party clothes"),
            pair("partiledare", "party leader"),
            pair("partiprogram", "party programme"),
        ];
        let known = known(&[
            ("room", &["lokal"]),
            ("food", &["mat"]),
            ("clothes", &["kläder"]),
            ("leader", &["ledare"]),
            ("programme", &["program"]),
        ]);
        let learnt = learn(&pairs, &known, &heads(&["fest", "parti"]));
        assert_eq!(learnt["party"], ["fest", "parti"]);
    }
}
