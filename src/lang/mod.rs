//! Language detection for documents and passages (ISO 639-1 codes).
//!
//! whatlang does the broad work (script, then trigram profiles), but it has no Nynorsk or
//! Icelandic and confuses Bokmål with Danish on about one sentence in six. So whenever
//! whatlang answers Bokmål, Danish or Swedish, or the text carries enough Scandinavian
//! evidence of its own, the verdict is re-decided by [`nordic`], a weighted lexicon and
//! orthography scorer over nb, nn, da, sv and is. whatlang's own Nordic vote is kept as a
//! small prior for texts without distinctive words.
//!
//! The Nordic decision also adds character n-gram naive-Bayes evidence ([`ngram`], a table
//! compiled into the binary), and skips table-like lines (cells without a distinctively Nordic
//! word), so a regulation whose body is a list of medicine or species names is judged by its
//! prose; a long text with enough Nordic words goes to the Nordic scorer even when whatlang
//! says `it`/`es`. A short text on which whatlang is unsure (confidence below
//! [`UNSURE_WHATLANG_CONF`]) also goes there when whatlang's runner-up is Scandinavian and the
//! text has at least one Nordic word or word shape.
//!
//! Only the first [`MAX_ANALYSED_BYTES`] of a text are analysed: ample for a stable verdict,
//! and it bounds the cost on huge documents.

mod ngram;
mod nordic;

use std::cell::RefCell;

/// How much of a text is analysed at most (cut at a char boundary).
pub(crate) const MAX_ANALYSED_BYTES: usize = 100_000;

/// A document or passage language, ISO 639-1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(into = "&'static str")]
pub enum Language {
    /// Norwegian Bokmål.
    Nb,
    /// Norwegian Nynorsk.
    Nn,
    /// Swedish.
    Sv,
    /// Danish.
    Da,
    /// Finnish.
    Fi,
    /// English.
    En,
    /// German.
    De,
    /// French.
    Fr,
    /// Dutch.
    Nl,
    /// Icelandic.
    Is,
    /// Spanish.
    Es,
    /// Italian.
    It,
    /// Portuguese.
    Pt,
    /// Polish.
    Pl,
    /// Estonian.
    Et,
    /// Lithuanian.
    Lt,
    /// Latvian.
    Lv,
    /// Russian.
    Ru,
    /// Anything else, or undetermined (code `und`).
    Other,
}

const ALL: &[Language] = &[
    Language::Nb,
    Language::Nn,
    Language::Sv,
    Language::Da,
    Language::Fi,
    Language::En,
    Language::De,
    Language::Fr,
    Language::Nl,
    Language::Is,
    Language::Es,
    Language::It,
    Language::Pt,
    Language::Pl,
    Language::Et,
    Language::Lt,
    Language::Lv,
    Language::Ru,
    Language::Other,
];

impl Language {
    /// ISO 639-1 code (`nb`, `nn`, ...), or `und` for [`Language::Other`].
    pub fn code(self) -> &'static str {
        match self {
            Language::Nb => "nb",
            Language::Nn => "nn",
            Language::Sv => "sv",
            Language::Da => "da",
            Language::Fi => "fi",
            Language::En => "en",
            Language::De => "de",
            Language::Fr => "fr",
            Language::Nl => "nl",
            Language::Is => "is",
            Language::Es => "es",
            Language::It => "it",
            Language::Pt => "pt",
            Language::Pl => "pl",
            Language::Et => "et",
            Language::Lt => "lt",
            Language::Lv => "lv",
            Language::Ru => "ru",
            Language::Other => "und",
        }
    }

    /// Parses a language tag such as `nb`, `NO`, `nno`, `en-GB` or `sv_SE`; `no` means
    /// Bokmål. Returns `None` for tags naming no language in this enum (and for `und`).
    pub fn from_code(s: &str) -> Option<Language> {
        let primary = s.trim().split(['-', '_']).next().unwrap_or("");
        if primary.is_empty() || primary.len() > 3 {
            return None;
        }
        let lower = primary.to_ascii_lowercase();
        let lang = match lower.as_str() {
            "nb" | "nob" | "no" | "nor" => Language::Nb,
            "nn" | "nno" => Language::Nn,
            "sv" | "swe" => Language::Sv,
            "da" | "dan" => Language::Da,
            "fi" | "fin" => Language::Fi,
            "en" | "eng" => Language::En,
            "de" | "deu" | "ger" => Language::De,
            "fr" | "fra" | "fre" => Language::Fr,
            "nl" | "nld" | "dut" => Language::Nl,
            "is" | "isl" | "ice" => Language::Is,
            "es" | "spa" => Language::Es,
            "it" | "ita" => Language::It,
            "pt" | "por" => Language::Pt,
            "pl" | "pol" => Language::Pl,
            "et" | "est" => Language::Et,
            "lt" | "lit" => Language::Lt,
            "lv" | "lav" => Language::Lv,
            "ru" | "rus" => Language::Ru,
            _ => return None,
        };
        Some(lang)
    }

    /// English name, e.g. `Norwegian Bokmål`.
    pub fn name_en(self) -> &'static str {
        match self {
            Language::Nb => "Norwegian Bokmål",
            Language::Nn => "Norwegian Nynorsk",
            Language::Sv => "Swedish",
            Language::Da => "Danish",
            Language::Fi => "Finnish",
            Language::En => "English",
            Language::De => "German",
            Language::Fr => "French",
            Language::Nl => "Dutch",
            Language::Is => "Icelandic",
            Language::Es => "Spanish",
            Language::It => "Italian",
            Language::Pt => "Portuguese",
            Language::Pl => "Polish",
            Language::Et => "Estonian",
            Language::Lt => "Lithuanian",
            Language::Lv => "Latvian",
            Language::Ru => "Russian",
            Language::Other => "Undetermined",
        }
    }

    /// Norwegian (Bokmål) name, e.g. `norsk bokmål`.
    pub fn name_nb(self) -> &'static str {
        match self {
            Language::Nb => "norsk bokmål",
            Language::Nn => "norsk nynorsk",
            Language::Sv => "svensk",
            Language::Da => "dansk",
            Language::Fi => "finsk",
            Language::En => "engelsk",
            Language::De => "tysk",
            Language::Fr => "fransk",
            Language::Nl => "nederlandsk",
            Language::Is => "islandsk",
            Language::Es => "spansk",
            Language::It => "italiensk",
            Language::Pt => "portugisisk",
            Language::Pl => "polsk",
            Language::Et => "estisk",
            Language::Lt => "litauisk",
            Language::Lv => "latvisk",
            Language::Ru => "russisk",
            Language::Other => "ukjent",
        }
    }

    /// Every language, [`Language::Other`] last.
    pub fn all() -> &'static [Language] {
        ALL
    }

    fn from_whatlang(lang: whatlang::Lang) -> Language {
        use whatlang::Lang as W;
        match lang {
            W::Nob => Language::Nb,
            W::Dan => Language::Da,
            W::Swe => Language::Sv,
            W::Fin => Language::Fi,
            W::Eng => Language::En,
            W::Deu => Language::De,
            W::Fra => Language::Fr,
            W::Nld => Language::Nl,
            W::Spa => Language::Es,
            W::Ita => Language::It,
            W::Por => Language::Pt,
            W::Pol => Language::Pl,
            W::Est => Language::Et,
            W::Lit => Language::Lt,
            W::Lav => Language::Lv,
            W::Rus => Language::Ru,
            _ => Language::Other,
        }
    }

    fn nordic_index(self) -> Option<usize> {
        match self {
            Language::Nb => Some(NB),
            Language::Nn => Some(NN),
            Language::Da => Some(DA),
            Language::Sv => Some(SV),
            Language::Is => Some(IS),
            _ => None,
        }
    }
}

impl From<Language> for &'static str {
    fn from(lang: Language) -> &'static str {
        lang.code()
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

// The Nordic languages the n-gram model (`ngram.rs`) and the word evidence (`nordic.rs`)
// score, as indices of their score vectors.

/// Index of Bokmål in a score vector.
const NB: usize = 0;
/// Index of Nynorsk in a score vector.
const NN: usize = 1;
/// Index of Danish in a score vector.
const DA: usize = 2;
/// Index of Swedish in a score vector.
const SV: usize = 3;
/// Index of Icelandic in a score vector.
const IS: usize = 4;
/// Number of languages in a score vector.
const N: usize = 5;

/// The language at each index of a score vector.
const NORDIC_BY_INDEX: [Language; N] = [
    Language::Nb,
    Language::Nn,
    Language::Da,
    Language::Sv,
    Language::Is,
];

/// A detected language with a confidence in `0.0..=1.0` (0 = no evidence at all).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Detection {
    /// The detected language ([`Language::Other`] when undetermined).
    pub lang: Language,
    /// How sure the detector is, `0.0..=1.0`.
    pub confidence: f64,
}

impl Detection {
    const NONE: Detection = Detection {
        lang: Language::Other,
        confidence: 0.0,
    };
}

/// Everything the detector learnt about one text, kept so the hint logic can reuse it.
struct Analysis {
    detection: Detection,
    nordic: Option<nordic::NordicScores>,
    words: u32,
}

thread_local! {
    static WORD_BUF: RefCell<String> = RefCell::new(String::with_capacity(64));
}

/// Cuts `text` to at most [`MAX_ANALYSED_BYTES`] at a char boundary.
fn analysed_prefix(text: &str) -> &str {
    if text.len() <= MAX_ANALYSED_BYTES {
        return text;
    }
    let mut end = MAX_ANALYSED_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Prior added to whatlang's Nordic choice: a base plus a part scaled by its confidence.
const WHATLANG_PRIOR_BASE: f32 = 0.6;
/// See [`WHATLANG_PRIOR_BASE`].
const WHATLANG_PRIOR: f32 = 1.0;
/// A long text with at least this many distinctively Nordic words goes to the Nordic
/// scorer whatever whatlang says: tables of Latin species or medicine names make whatlang
/// answer `it`/`es` for Norwegian regulations, but their prose still carries the words.
const DOC_NORDIC_WORDS: u32 = 8;
/// ... provided at least one word in this many is such a word.
const DOC_NORDIC_SHARE: u32 = 20;
/// Lexicon weight units per nat of character n-gram log-likelihood ([`ngram`]); chosen on
/// the UD dev half (0.05/0.1/0.15/0.3 tried; 0.1 best there).
const NGRAM_WEIGHT: f32 = 0.1;
/// Tie-breaker in favour of Bokmål, the most common written Norwegian.
const BOKMAL_PRIOR: f32 = 0.3;

/// whatlang confidence below which a non-Nordic verdict counts as unsure, so that a
/// Scandinavian runner-up (see [`runner_up_is_nordic`]) hands the text to the Nordic scorer.
/// On the UD dev half every value from 0.05 to 0.3 gave the same result; 0.15 is mid-range.
const UNSURE_WHATLANG_CONF: f64 = 0.15;

/// Whether whatlang's second choice for `text`, after `first`, is Bokmål, Danish or Swedish.
fn runner_up_is_nordic(text: &str, first: whatlang::Lang) -> bool {
    use whatlang::Lang as W;
    matches!(
        whatlang::Detector::with_denylist(vec![first]).detect_lang(text),
        Some(W::Nob | W::Dan | W::Swe)
    )
}

fn analyse(text: &str) -> Analysis {
    let text = analysed_prefix(text);
    if !text.chars().any(char::is_alphabetic) {
        return Analysis {
            detection: Detection::NONE,
            nordic: None,
            words: 0,
        };
    }
    let mut scores = WORD_BUF.with(|b| match b.try_borrow_mut() {
        Ok(mut buf) => nordic::score(text, &mut buf),
        Err(_) => nordic::score(text, &mut String::new()),
    });
    // A text that already carries the long-text Nordic evidence (the rule
    // below that overrides whatever whatlang says) does not need whatlang:
    // its answer could only add the small prior to one Nordic language.
    // whatlang was ~60 % of detection time and detection ~45 % of ingest.
    let nordic_anyway = scores.nordic_words >= DOC_NORDIC_WORDS
        && scores.nordic_words * DOC_NORDIC_SHARE >= scores.words + scores.prose_noise_words;
    let info = if nordic_anyway {
        None
    } else {
        whatlang::detect(text)
    };
    let wl_lang = info.as_ref().map(|i| Language::from_whatlang(i.lang()));
    let wl_conf = info.as_ref().map_or(0.0, whatlang::Info::confidence);
    let latin = info
        .as_ref()
        .is_none_or(|i| i.script() == whatlang::Script::Latin);

    let base = Detection {
        lang: wl_lang.unwrap_or(Language::Other),
        confidence: wl_conf,
    };
    if !latin {
        return Analysis {
            detection: base,
            nordic: None,
            words: 0,
        };
    }
    let words = scores.words;
    let whatlang_nordic = matches!(wl_lang, Some(Language::Nb | Language::Da | Language::Sv));
    let evidence = scores.nordic_words + scores.nordic_shapes;
    let own_evidence = scores.nordic_words >= 1
        && ((evidence >= 2 && evidence * 3 >= scores.words)
            || (evidence * 4 >= scores.words && wl_conf < 0.5)
            || (evidence >= 10 && evidence * 8 >= scores.words)
            || (scores.nordic_words >= DOC_NORDIC_WORDS
                && scores.nordic_words * DOC_NORDIC_SHARE
                    >= scores.words + scores.prose_noise_words));
    let icelandic = scores.icelandic_letters >= 1 && scores.icelandic_letters * 8 >= scores.words;
    // A short Nordic sentence can make whatlang answer some other language with almost no
    // confidence ("Oppslutnaden var massiv." -> nl): if its second choice is Scandinavian and
    // the text has a Nordic word or word shape, the Nordic scorer decides. Checked last, as it
    // costs a second whatlang run.
    let unsure_runner_up = !(whatlang_nordic || own_evidence || icelandic)
        && wl_conf < UNSURE_WHATLANG_CONF
        && evidence >= 1
        && info
            .as_ref()
            .is_some_and(|i| runner_up_is_nordic(text, i.lang()));
    if !(whatlang_nordic || own_evidence || icelandic || unsure_runner_up) {
        return Analysis {
            detection: base,
            nordic: None,
            words,
        };
    }
    if let Some(i) = wl_lang.and_then(Language::nordic_index) {
        let prior = WHATLANG_PRIOR_BASE + WHATLANG_PRIOR * wl_conf as f32;
        scores.score[i] += prior;
        if i == NB {
            // whatlang's "Nob" covers Norwegian in general.
            scores.score[NN] += prior * 0.5;
        }
    }
    scores.score[NB] += BOKMAL_PRIOR;
    let rel = scores.ngram.relative_ll();
    for (s, r) in scores.score.iter_mut().zip(rel) {
        *s += NGRAM_WEIGHT * r;
    }
    let ((best, s1), (_, s2)) = scores.top2();
    let margin = f64::from(s1 - s2);
    let confidence = 0.25 + 0.75 * (1.0 - (-margin / 4.0).exp());
    Analysis {
        detection: Detection {
            lang: NORDIC_BY_INDEX[best],
            confidence: confidence.clamp(0.0, 1.0),
        },
        nordic: Some(scores),
        words,
    }
}

/// Detects the language of a sentence, passage or document.
///
/// Text without letters gives [`Language::Other`] with confidence 0.
pub fn detect(text: &str) -> Detection {
    analyse(text).detection
}

/// Nordic score gap (in lexicon weight units) within which a hinted Nordic language wins.
const HINT_MARGIN: f32 = 2.5;
/// Below this many words a non-Nordic verdict counts as weak evidence.
const WEAK_WORDS: u32 = 4;

/// Like [`detect`], but with a declared language (e.g. `<html lang>`) that is used only when
/// the text evidence is weak or ambiguous: no letters, a short text with an unsure verdict,
/// or a Nordic decision where the hinted language scores nearly as well as the winner.
#[cfg(test)]
fn detect_with_hint(text: &str, hint: Option<Language>) -> Detection {
    with_hint(&analyse(text), hint)
}

/// [`detect_with_hint`] on a text already analysed.
fn with_hint(analysis: &Analysis, hint: Option<Language>) -> Detection {
    let Some(hint) = hint.filter(|h| *h != Language::Other) else {
        return analysis.detection;
    };
    let det = analysis.detection;
    if det.lang == hint {
        return det;
    }
    if det.lang == Language::Other {
        return Detection {
            lang: hint,
            confidence: det.confidence.min(0.5),
        };
    }
    if let (Some(scores), Some(h)) = (&analysis.nordic, hint.nordic_index()) {
        let ((_, s1), _) = scores.top2();
        let gap = s1 - scores.score[h];
        if gap <= HINT_MARGIN {
            let confidence = 0.25 + 0.5 * (1.0 - f64::from(gap) / f64::from(HINT_MARGIN));
            return Detection {
                lang: hint,
                confidence,
            };
        }
        return det;
    }
    if analysis.words < WEAK_WORDS && det.confidence < 0.5 {
        return Detection {
            lang: hint,
            confidence: 0.25,
        };
    }
    det
}

/// Detects a document given as passages.
///
/// The document language is the majority over its passages weighted by character count
/// (passages with no language do not vote). Each passage keeps its own language, except
/// that a passage whose evidence is weak or ambiguous takes the document language as hint.
pub fn detect_document(passages: &[&str]) -> (Detection, Vec<Detection>) {
    let analyses: Vec<Analysis> = passages.iter().map(|p| analyse(p)).collect();
    let mut votes: Vec<(Language, f64, f64)> = Vec::new();
    let mut total = 0.0;
    for (p, d) in passages.iter().zip(analyses.iter().map(|a| &a.detection)) {
        if d.lang == Language::Other && d.confidence == 0.0 {
            continue;
        }
        let chars = p.chars().filter(|c| c.is_alphabetic()).count() as f64;
        total += chars;
        match votes.iter_mut().find(|v| v.0 == d.lang) {
            Some(v) => {
                v.1 += chars;
                v.2 += chars * d.confidence;
            }
            None => votes.push((d.lang, chars, chars * d.confidence)),
        }
    }
    let doc = votes
        .iter()
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
        .map_or(Detection::NONE, |&(lang, chars, conf_sum)| Detection {
            lang,
            confidence: if total > 0.0 && chars > 0.0 {
                (chars / total) * (conf_sum / chars)
            } else {
                0.0
            },
        });
    if doc.lang == Language::Other {
        return (doc, analyses.iter().map(|a| a.detection).collect());
    }
    let per_passage = analyses
        .iter()
        .map(|a| {
            let d = a.detection;
            if d.lang == doc.lang || d.confidence >= 0.9 {
                d
            } else {
                with_hint(a, Some(doc.lang))
            }
        })
        .collect();
    (doc, per_passage)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(text: &str) -> Language {
        detect(text).lang
    }

    #[test]
    fn nynorsk_sentence_is_detected_as_nn() {
        assert_eq!(
            lang("Eg veit ikkje kva dei skal gjere med kommunane no, men det er berre eit spørsmål om tid."),
            Language::Nn
        );
        assert_eq!(
            lang("Fylkeskommunen har ansvar for vidaregåande opplæring og kollektivtransport i heile fylket."),
            Language::Nn
        );
    }

    #[test]
    fn short_nordic_sentence_whatlang_is_unsure_of_goes_to_the_nordic_scorer() {
        // whatlang alone says nl / cy (und) with confidence 0.01 for these two (UD dev half).
        assert_eq!(lang("Oppslutnaden var massiv."), Language::Nn);
        assert_eq!(lang("Fyr opp grillen i god tid."), Language::Nn);
        // Unsure English with a Danish runner-up but no Nordic word keeps its verdict.
        assert_eq!(lang("These have been sold."), Language::En);
        assert_eq!(lang("We now have over 5000 addresses."), Language::En);
    }

    #[test]
    fn bokmal_sentence_is_detected_as_nb() {
        assert_eq!(
            lang("Jeg vet ikke hva de skal gjøre med kommunene nå, men det er bare et spørsmål om tid."),
            Language::Nb
        );
        assert_eq!(
            lang("Fylkeskommunen har ansvar for videregående opplæring og kollektivtransport i hele fylket."),
            Language::Nb
        );
    }

    #[test]
    fn danish_and_bokmal_pairs_are_told_apart() {
        let pairs = [
            (
                "Jeg ved ikke hvad de vil gøre med kommunerne nu, men det er kun et spørgsmål om tid.",
                "Jeg vet ikke hva de vil gjøre med kommunene nå, men det er kun et spørsmål om tid.",
            ),
            (
                "Regeringen har besluttet at give flere penge til de mindre kommuner efter valget.",
                "Regjeringen har besluttet å gi flere penger til de mindre kommunene etter valget.",
            ),
            (
                "Det var meget vigtigt for virksomheden at finde nogle nye medarbejdere.",
                "Det var veldig viktig for virksomheten å finne noen nye medarbeidere.",
            ),
        ];
        for (da, nb) in pairs {
            assert_eq!(lang(da), Language::Da, "{da}");
            assert_eq!(lang(nb), Language::Nb, "{nb}");
        }
    }

    #[test]
    fn swedish_sentence_is_detected_as_sv() {
        assert_eq!(
            lang("Regeringen har beslutat att ge mer pengar till kommunerna i norra Sverige."),
            Language::Sv
        );
        assert_eq!(lang("Jag vet inte vad de ska göra nu."), Language::Sv);
    }

    #[test]
    fn finnish_english_german_keep_whatlang_verdict() {
        assert_eq!(
            lang("Hallitus päätti antaa lisää rahaa Pohjois-Suomen kunnille ensi vuonna."),
            Language::Fi
        );
        assert_eq!(
            lang("The government decided to give more money to the municipalities in the north."),
            Language::En
        );
        assert_eq!(
            lang("Die Regierung hat beschlossen, den Gemeinden im Norden mehr Geld zu geben."),
            Language::De
        );
    }

    #[test]
    fn icelandic_sentence_is_detected_as_is() {
        assert_eq!(
            lang("Ríkisstjórnin ákvað að veita sveitarfélögum á Norðurlandi meira fé á næsta ári."),
            Language::Is
        );
    }

    #[test]
    fn text_without_letters_is_other_with_zero_confidence() {
        for t in ["", "   \n\t ", "12 345,67 - 2024", "§ 3 (1)", "…!?"] {
            let d = detect(t);
            assert_eq!(d.lang, Language::Other, "{t:?}");
            assert_eq!(d.confidence, 0.0, "{t:?}");
        }
    }

    #[test]
    fn from_code_accepts_tags_and_aliases() {
        assert_eq!(Language::from_code("nb"), Some(Language::Nb));
        assert_eq!(Language::from_code("NN"), Some(Language::Nn));
        assert_eq!(Language::from_code("no"), Some(Language::Nb));
        assert_eq!(Language::from_code("nob"), Some(Language::Nb));
        assert_eq!(Language::from_code("nno"), Some(Language::Nn));
        assert_eq!(Language::from_code("sv"), Some(Language::Sv));
        assert_eq!(Language::from_code("en-GB"), Some(Language::En));
        assert_eq!(Language::from_code("sv_SE"), Some(Language::Sv));
        assert_eq!(Language::from_code(" de-AT "), Some(Language::De));
        assert_eq!(Language::from_code("xx"), None);
        assert_eq!(Language::from_code("und"), None);
        assert_eq!(Language::from_code(""), None);
        assert_eq!(Language::from_code("english"), None);
    }

    #[test]
    fn codes_round_trip_for_every_language() {
        for &l in Language::all() {
            if l == Language::Other {
                assert_eq!(l.code(), "und");
                continue;
            }
            assert_eq!(Language::from_code(l.code()), Some(l));
            assert!(!l.name_en().is_empty() && !l.name_nb().is_empty());
        }
    }

    #[test]
    fn hint_decides_only_ambiguous_text() {
        // Shared nb/da words only: the hint decides.
        assert_eq!(
            detect_with_hint("Det er godt.", Some(Language::Da)).lang,
            Language::Da
        );
        // Clear Nynorsk wins over a "no" (Bokmål) hint.
        let nn =
            "Eg veit ikkje kva dei skal gjere med kommunane no, men det er berre eit spørsmål.";
        assert_eq!(detect_with_hint(nn, Some(Language::Nb)).lang, Language::Nn);
        // No letters: the hint is all we have.
        assert_eq!(
            detect_with_hint("2024", Some(Language::Sv)).lang,
            Language::Sv
        );
        assert_eq!(detect_with_hint("2024", None).lang, Language::Other);
    }

    #[test]
    fn document_takes_majority_and_passages_keep_their_own() {
        let nb1 = "Regjeringen har lagt fram en ny plan for utvikling av distriktene. Planen skal gjelde fra neste år, og kommunene får flere oppgaver enn før.";
        let nb2 = "Fylkeskommunen mener at det er behov for mer penger til samferdsel, og at staten må ta et større ansvar for veiene i regionen.";
        let en = "Summary: The government has presented a new plan for regional development.";
        let (doc, passages) = detect_document(&[nb1, en, nb2]);
        assert_eq!(doc.lang, Language::Nb);
        assert!(doc.confidence > 0.0);
        assert_eq!(passages.len(), 3);
        assert_eq!(passages[0].lang, Language::Nb);
        assert_eq!(passages[1].lang, Language::En);
        assert_eq!(passages[2].lang, Language::Nb);
    }

    #[test]
    fn empty_document_is_other() {
        let (doc, passages) = detect_document(&[]);
        assert_eq!(doc.lang, Language::Other);
        assert!(passages.is_empty());
        let (doc, passages) = detect_document(&["", "123"]);
        assert_eq!(doc, Detection::NONE);
        assert_eq!(passages.len(), 2);
    }

    #[test]
    fn garbage_input_never_panics() {
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let sample = "Eg veit ikkje kva þú æøå ÄÖ 中文 русский \u{301}\u{200d}";
        let bytes = sample.as_bytes();
        for i in 0..300 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 64) as usize;
            let random: Vec<u8> = (0..len).map(|k| (seed >> (k % 56)) as u8).collect();
            let s = String::from_utf8_lossy(&random);
            let _ = detect(&s);
            let cut = i % (bytes.len() + 1);
            let t = String::from_utf8_lossy(&bytes[..cut]);
            let _ = detect_with_hint(&t, Some(Language::Nn));
            let _ = detect_document(&[&s, &t]);
        }
        let long = "æ".repeat(MAX_ANALYSED_BYTES);
        let _ = detect(&long);
    }

    #[test]
    fn regulation_with_a_table_of_latin_names_is_judged_by_its_prose() {
        let mut doc = String::from(
            "I forskrift om stønad til dekning av utgifter til viktige legemidler gjøres følgende endring:\n\
             Oppdatert liste over legemidler folketrygden ikke yter stønad til og som omfattes av annet ledd skal lyde:\n",
        );
        for name in [
            "Marstacimab",
            "Natriumhydrogenkarbonat",
            "Atropin",
            "Resmetirom",
            "Maralixibat",
        ] {
            for _ in 0..8 {
                doc.push_str(&format!("Alle\n{name}\nA05AX04\n01.06.2021\n"));
            }
        }
        assert_eq!(lang(&doc), Language::Nb);
    }

    #[test]
    fn detection_serialises_as_code() {
        let d = Detection {
            lang: Language::Nn,
            confidence: 0.5,
        };
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(json, r#"{"lang":"nn","confidence":0.5}"#);
    }
}
