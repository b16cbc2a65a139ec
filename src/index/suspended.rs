//! Compounds written with a suspended hyphen, completed for the index.
//!
//! Nordic and German text coordinates compounds that share a part by writing
//! that part once: `klima- og energiplan` is *klimaplan og energiplan*,
//! `helse- og omsorgstjenester` *helsetjenester og omsorgstjenester*,
//! `kultur- och fritidsnämnden` *kulturnämnden och fritidsnämnden*, and the
//! other way round `kommuneplanen og -budsjettet` *kommuneplanen og
//! kommunebudsjettet*. A search for `klimaplan` or `helsetjenester` should
//! find such a passage as it finds one that writes the word whole, so the
//! words written so are completed here, with the shared part taken from the
//! compound beside them as the compound splitter ([`super::compound`])
//! divides it, and their analysed fields get them after the passage's own
//! words. The stored text is left as written.
//!
//! Only languages whose compounds are split and whose dictionary is
//! present; a shared part the splitter cannot find completes nothing.

use super::compound;

/// Words joining the coordinated parts: `og`, `och`, `und`, …
const CONJUNCTIONS: &[&str] = &[
    "og", "eller", "samt", "och", "und", "oder", "sowie", "bzw", "bzw.",
];

/// Fewest letters of a part written with a suspended hyphen (`ut-` in
/// `ut- og innførsel`).
const MIN_PART_CHARS: usize = 2;

/// Most parts before the conjunction (`A-, B-, C- og D`).
const MAX_PARTS: usize = 8;

/// The words `text` writes with a suspended hyphen, completed and
/// lowercase (`klima- og energiplan` → `klimaplan`), in the order they
/// stand; none for a language whose compounds are not split here.
pub fn completions(key: &'static str, text: &str) -> Vec<String> {
    if !compound::compounds(key) || !text.contains('-') {
        return Vec::new();
    }
    complete(text, |w| compound::split_cached(key, w))
}

/// [`completions`] with `split` dividing a compound into its parts
/// (lowercase, linking letters dropped, as [`compound::Lexicon::split`]).
fn complete<P: AsRef<[String]>>(text: &str, split: impl Fn(&str) -> Option<P>) -> Vec<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        // `A-, B- og W`: the parts before the conjunction take W's last part
        let mut parts = Vec::new();
        let mut j = i;
        while j < words.len() && parts.len() < MAX_PARTS {
            match leading_part(words[j]) {
                Some(p) => parts.push(p),
                None => break,
            }
            j += 1;
        }
        if !parts.is_empty() && j + 1 < words.len() && is_conjunction(words[j]) {
            if let Some(rest) = bare(words[j + 1]).and_then(|w| after_first_part(&split, w)) {
                out.extend(parts.iter().map(|p| format!("{}{rest}", p.to_lowercase())));
            }
            i = j + 1;
            continue;
        }
        // `W og -B`: B takes W's first parts
        if i + 2 < words.len() && is_conjunction(words[i + 1]) {
            if let (Some(w), Some(tail)) = (bare(words[i]), trailing_part(words[i + 2])) {
                if let Some(head) = before_last_part(&split, w) {
                    out.push(format!("{head}{}", tail.to_lowercase()));
                }
            }
        }
        i += 1;
    }
    out
}

/// True when `word` joins coordinated parts (`og`, `och`, `und`, …, any case).
pub(crate) fn is_conjunction(word: &str) -> bool {
    CONJUNCTIONS.iter().any(|c| word.eq_ignore_ascii_case(c))
}

/// `klima-` (or `klima-,` in a list) → `klima`.
fn leading_part(word: &str) -> Option<&str> {
    let part = word.strip_suffix(',').unwrap_or(word).strip_suffix('-')?;
    letters(part)
}

/// `-budsjettet` (or `-budsjettet.`) → `budsjettet`.
fn trailing_part(word: &str) -> Option<&str> {
    let part = word.strip_prefix('-')?;
    bare(part)
}

/// A word without the punctuation after it, when it is letters only.
fn bare(word: &str) -> Option<&str> {
    letters(word.trim_end_matches(|c: char| !c.is_alphanumeric()))
}

fn letters(part: &str) -> Option<&str> {
    (part.chars().count() >= MIN_PART_CHARS && part.chars().all(char::is_alphabetic))
        .then_some(part)
}

/// The parts `split` divides `word` into, and the word lowercase (the
/// parts are spelt as in it).
fn divided<P>(split: impl Fn(&str) -> Option<P>, word: &str) -> Option<(P, String)> {
    Some((split(word)?, word.to_lowercase()))
}

/// What follows a compound's first part, as written, lowercase
/// (`omsorgstjenester` → `tjenester`, `brukerrettighetsloven` →
/// `rettighetsloven`); `None` for a word the splitter does not divide.
fn after_first_part<P: AsRef<[String]>>(
    split: impl Fn(&str) -> Option<P>,
    word: &str,
) -> Option<String> {
    let (parts, lower) = divided(split, word)?;
    let parts = parts.as_ref();
    let first = parts.first()?;
    let second = parts.get(1)?;
    // the second part starts right after the first, or after its linking
    // letter (`omsorg|s|tjenester`)
    let from = lower.strip_prefix(first.as_str())?;
    let at = from.find(second.as_str()).filter(|at| *at <= 2)?;
    Some(from[at..].to_string())
}

/// A compound without its last part, as written, lowercase, the linking
/// letter kept (`fylkesplanen` → `fylkes`); `None` for a word the splitter
/// does not divide.
fn before_last_part<P: AsRef<[String]>>(
    split: impl Fn(&str) -> Option<P>,
    word: &str,
) -> Option<String> {
    let (parts, lower) = divided(split, word)?;
    let last = parts.as_ref().last()?;
    let head = lower.strip_suffix(last.as_str())?;
    (head.chars().count() >= MIN_PART_CHARS).then(|| head.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The splits a Norwegian dictionary gives the words below.
    fn split(word: &str) -> Option<Vec<String>> {
        let parts: &[&str] = match word.to_lowercase().as_str() {
            "energiplan" => &["energi", "plan"],
            "omsorgstjenester" => &["omsorg", "tjenester"],
            "fiskeridepartementet" => &["fiskeri", "departementet"],
            "brukerrettighetsloven" => &["bruker", "rettighet", "loven"],
            "fylkesplanen" => &["fylke", "planen"],
            _ => return None,
        };
        Some(parts.iter().map(|p| p.to_string()).collect())
    }

    #[test]
    fn a_part_written_with_a_suspended_hyphen_takes_the_next_compounds_last_part() {
        assert_eq!(
            complete("Vi lagar ein klima- og energiplan for fylket.", split),
            ["klimaplan"]
        );
        // the compound's linking letter stays with its first part
        assert_eq!(
            complete("Tilbud om helse- og omsorgstjenester i kommunen", split),
            ["helsetjenester"]
        );
        // every part after the first is shared
        assert_eq!(
            complete("pasient- og brukerrettighetsloven", split),
            ["pasientrettighetsloven"]
        );
        // a list, capitals, the part's own linking letter kept as written
        assert_eq!(
            complete("Nærings-, klima- eller Fiskeridepartementet.", split),
            ["næringsdepartementet", "klimadepartementet"]
        );
        // the other way round
        assert_eq!(
            complete("fylkesplanen og -budsjettet", split),
            ["fylkesbudsjettet"]
        );
    }

    #[test]
    fn no_completion_without_a_compound_to_complete_from() {
        // a hyphen in a word, a dash, a word the splitter does not divide,
        // no word after the conjunction, no conjunction
        for text in [
            "EU-programmet og energiplan",
            "et tall - og energiplan",
            "fylkes- og kommunale",
            "klima- og",
            "klima- energiplan",
            "",
        ] {
            assert!(complete(text, split).is_empty(), "{text}");
        }
        // a language whose compounds are not split here
        assert!(completions("en", "climate- and energyplan").is_empty());
    }

    #[test]
    fn the_norwegian_dictionary_completes_a_suspended_compound() {
        if compound::lexicon("no").is_none() {
            assert!(
                std::env::var_os("CI").is_none(),
                "the Norwegian Hunspell dictionary is missing, and CI is set: `.ci/run` must install hunspell-no"
            );
            eprintln!("skipped: the Norwegian Hunspell dictionary is not installed (apt-get install hunspell-no)");
            return;
        }
        assert_eq!(
            completions("no", "helse- og omsorgstjenester"),
            ["helsetjenester"]
        );
    }
}
