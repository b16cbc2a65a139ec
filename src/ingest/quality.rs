//! Text quality: flags documents whose text looks OCR-damaged, so they get
//! the `quality` facet value `/ocr-damaged` and an extra OCR-skeleton field
//! that lets `Trøndelag` find `Trendelag` (see `index::analyzer::ocr_skeleton`).
//!
//! The signal is the one scanned Nordic plans show: clean Norwegian and
//! Danish prose has 20–28 æ/ø/å per 1,000 letters (Swedish, Finnish and
//! Icelandic their own letters), and OCR that lost them has almost none, while
//! short function words such as `på`, `å`, `må` turn up as `pa`, `a`, `ma`.
//! Measured on the seeds and the regjeringen.no pages (BENCHMARKS.md): clean
//! Norwegian 20.1–28.1‰, the damaged Innherred scan 0.0‰ with 1.9% of its
//! words being such broken function words.

use crate::lang::Language;

/// Below this many letters the statistics say nothing.
pub(crate) const MIN_LETTERS: usize = 300;
/// Per-mille of language-specific letters under which a text is damaged.
pub(crate) const MISSING_LETTERS_PER_MILLE: f64 = 3.0;

/// The letters a language's clean text cannot do without.
fn special_letters(lang: Language) -> Option<&'static str> {
    match lang {
        Language::Nb | Language::Nn | Language::Da => Some("æøåÆØÅ"),
        Language::Sv | Language::Fi => Some("åäöÅÄÖ"),
        Language::Is => Some("áðéíóúýþæöÁÐÉÍÓÚÝÞÆÖ"),
        _ => None,
    }
}

/// Function words that only exist in damaged Norwegian/Danish/Swedish text.
const BROKEN_WORDS: &[&str] = &["pa", "ma", "na", "bade", "ogsa", "fa"];

/// Measurements behind the verdict.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Assessment {
    /// Letters seen.
    pub letters: usize,
    /// Language-specific letters per 1,000 letters.
    pub special_per_mille: f64,
    /// Share of words that are broken function words, in percent.
    pub broken_words_percent: f64,
    /// The verdict.
    pub ocr_damaged: bool,
}

/// Assess the text of a document in `lang`.
pub(crate) fn assess(texts: &[&str], lang: Language) -> Assessment {
    let mut letters = 0usize;
    let mut special = 0usize;
    let mut words = 0usize;
    let mut broken = 0usize;
    let specials = special_letters(lang);
    // One pass per text: letters, special letters, and words (maximal runs of letters and
    // digits), each word checked against the short broken-word list.
    for t in texts {
        let mut word_start: Option<usize> = None;
        let mut end_word = |start: usize, end: usize| {
            words += 1;
            let w = &t[start..end];
            // (`eq_ignore_ascii_case` compares the lengths first: long words cost nothing)
            if BROKEN_WORDS.iter().any(|b| w.eq_ignore_ascii_case(b)) {
                broken += 1;
            }
        };
        for (i, c) in t.char_indices() {
            if c.is_alphanumeric() {
                if word_start.is_none() {
                    word_start = Some(i);
                }
                if c.is_alphabetic() {
                    letters += 1;
                    if !c.is_ascii() && specials.is_some_and(|s| s.contains(c)) {
                        special += 1;
                    }
                }
            } else if let Some(start) = word_start.take() {
                end_word(start, i);
            }
        }
        if let Some(start) = word_start {
            end_word(start, t.len());
        }
    }
    let per_mille = if letters == 0 {
        0.0
    } else {
        1000.0 * special as f64 / letters as f64
    };
    let broken_pct = if words == 0 {
        0.0
    } else {
        100.0 * broken as f64 / words as f64
    };
    let ocr_damaged = specials.is_some()
        && letters >= MIN_LETTERS
        && (per_mille < MISSING_LETTERS_PER_MILLE || (per_mille < 8.0 && broken_pct >= 0.5));
    Assessment {
        letters,
        special_per_mille: per_mille,
        broken_words_percent: broken_pct,
        ocr_damaged,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLEAN: &str = "Internasjonalisering skaper mange nye muligheter for regionen. Kommunesektoren påvirkes i stor grad av hva som skjer i resten av verden, særlig er EU og EØS viktige premissleverandører. Dette innebærer at kommunesektoren må holde seg orientert om strategiutvikling og lovendringer, slik at kommunene kan medvirke til endringer i ønsket retning. ";
    const DAMAGED: &str = "Internasjonalisering skaper mange nye muligheter for regionen. Kommunesektoren pavirkes i stor grad av hva som skjer i resten av verden, seerlig er EU og EDS viktige premissleverandorer. Dette innebeerer at kommunesektoren ma holde seg orientert om strategiutvikling og lovendringer, slik at kommunene kan medvirke til endringer i onsket retning. ";

    #[test]
    fn norwegian_text_that_lost_its_letters_is_flagged() {
        let a = assess(&[&DAMAGED.repeat(2)], Language::Nb);
        assert!(a.ocr_damaged, "{a:?}");
    }

    #[test]
    fn clean_norwegian_text_is_not_flagged() {
        let a = assess(&[&CLEAN.repeat(2)], Language::Nb);
        assert!(!a.ocr_damaged, "{a:?}");
        assert!(a.special_per_mille > 10.0);
    }

    #[test]
    fn words_are_runs_of_letters_and_digits_counted_to_the_end() {
        let a = assess(&["Ogsa i år: 2 pa", "MA"], Language::Nb);
        assert_eq!(a.letters, 11);
        assert!((a.broken_words_percent - 50.0).abs() < 1e-9, "{a:?}");
        assert!((a.special_per_mille - 1000.0 / 11.0).abs() < 1e-9, "{a:?}");
    }

    #[test]
    fn english_and_short_texts_are_never_flagged() {
        assert!(
            !assess(
                &["The Mid-Norway European Office works in Brussels. "
                    .repeat(20)
                    .as_str()],
                Language::En
            )
            .ocr_damaged
        );
        assert!(!assess(&["kort tekst uten bokstaver"], Language::Nb).ocr_damaged);
    }
}
