//! Per-language analyzers, registered on the index by name.
//!
//! Every analysed language `xx` gets two analyzers (and two fields, see
//! [`super::schema`]):
//! - `xx`: simple tokenizer → remove long tokens → lowercase → Snowball
//!   stemmer from `rust-stemmers` (Norwegian for both nb and nn).
//! - `xx_fold`: the same, then folded to ASCII after stemming, so
//!   `Trondelag` meets `Trøndelag` and `baerekraft` meets `bærekraft`.
//!   Stemming runs before folding because the Snowball rules are written
//!   for the real letters.
//!
//! Languages without a Snowball stemmer use `xx` = unstemmed. A query is
//! analysed with every analyzer whose field holds terms, and the exact
//! (unfolded) field carries more weight, so exact spellings rank first.

use std::mem;

use rust_stemmers::Algorithm;
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token,
    TokenFilter, TokenStream, Tokenizer, TokenizerManager,
};

use crate::lang::Language;
use crate::memo::Memories;

/// Tokens longer than this (in bytes) are dropped: they are never words.
pub(crate) const MAX_TOKEN_LEN: usize = 40;

/// An analysed language: one stemmed field pair in the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnalyzedLanguage {
    /// Key used in field and analyzer names (`no`, `sv`, `xx`, …).
    pub key: &'static str,
    /// Snowball algorithm, or `None` for the unstemmed analyzer.
    pub stemmer: Option<Algorithm>,
}

/// Every analysed language, in field order. `xx` (unstemmed) must stay last.
pub(crate) const ANALYZED: &[AnalyzedLanguage] = &[
    AnalyzedLanguage {
        key: "no",
        stemmer: Some(Algorithm::Norwegian),
    },
    AnalyzedLanguage {
        key: "sv",
        stemmer: Some(Algorithm::Swedish),
    },
    AnalyzedLanguage {
        key: "da",
        stemmer: Some(Algorithm::Danish),
    },
    AnalyzedLanguage {
        key: "fi",
        stemmer: Some(Algorithm::Finnish),
    },
    AnalyzedLanguage {
        key: "en",
        stemmer: Some(Algorithm::English),
    },
    AnalyzedLanguage {
        key: "de",
        stemmer: Some(Algorithm::German),
    },
    AnalyzedLanguage {
        key: "fr",
        stemmer: Some(Algorithm::French),
    },
    AnalyzedLanguage {
        key: "nl",
        stemmer: Some(Algorithm::Dutch),
    },
    AnalyzedLanguage {
        key: "es",
        stemmer: Some(Algorithm::Spanish),
    },
    AnalyzedLanguage {
        key: "it",
        stemmer: Some(Algorithm::Italian),
    },
    AnalyzedLanguage {
        key: "pt",
        stemmer: Some(Algorithm::Portuguese),
    },
    AnalyzedLanguage {
        key: "ru",
        stemmer: Some(Algorithm::Russian),
    },
    AnalyzedLanguage {
        key: "xx",
        stemmer: None,
    },
];

/// Name of the analyzer used for titles and the `words` field: lowercase +
/// fold, no stemming (real words, for typo matching and suggestions).
pub(crate) const TITLE_ANALYZER: &str = "title";
/// Name of the cross-Scandinavian spelling-key analyzer (see
/// [`super::cognate`]).
pub(crate) const NORDIC_ANALYZER: &str = "nordic";
/// Name of the OCR-skeleton analyzer (see [`ocr_skeleton`]).
pub(crate) const OCR_ANALYZER: &str = "ocr";
/// Words shorter than this are never given an OCR skeleton.
pub(crate) const OCR_MIN_WORD_CHARS: usize = 5;
/// Skeletons shorter than this are dropped: they collide too often.
pub(crate) const OCR_MIN_SKELETON: usize = 3;

/// The analysed language a passage in `lang` is indexed under.
pub fn analyzed_for(lang: Language) -> &'static AnalyzedLanguage {
    // Bokmål and Nynorsk share the Norwegian stemmer; every other language
    // uses its own code, and one without a stemmer falls back to `xx`.
    let key = match lang {
        Language::Nb | Language::Nn => "no",
        other => other.code(),
    };
    ANALYZED
        .iter()
        .find(|a| a.key == key)
        .unwrap_or(&ANALYZED[ANALYZED.len() - 1])
}

/// Analyzer name for the exact (unfolded) field of a language key.
pub(crate) fn exact_name(key: &str) -> String {
    key.to_string()
}

/// Analyzer name for the folded field of a language key.
pub(crate) fn fold_name(key: &str) -> String {
    format!("{key}_fold")
}

/// Build the exact analyzer for one language.
pub(crate) fn exact_analyzer(lang: &AnalyzedLanguage) -> TextAnalyzer {
    let base = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .filter(LowerCaser);
    match lang.stemmer {
        Some(alg) => base.filter(Snowball(alg)).build(),
        None => base.build(),
    }
}

/// Build the folded analyzer for one language.
pub(crate) fn fold_analyzer(lang: &AnalyzedLanguage) -> TextAnalyzer {
    let base = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .filter(LowerCaser);
    match lang.stemmer {
        Some(alg) => base
            .filter(Snowball(alg))
            .filter(AsciiFoldingFilter)
            .build(),
        None => base.filter(AsciiFoldingFilter).build(),
    }
}

/// The title analyzer: lowercase and fold, no stemming (titles are short and
/// often mix languages).
pub(crate) fn title_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Words as written, lowercased (neither folded nor stemmed): what compound
/// splitting reads.
pub(crate) fn title_analyzer_unfolded() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .filter(LowerCaser)
        .build()
}

/// Register every analyzer on an index's tokenizer manager.
pub(crate) fn register_all(manager: &TokenizerManager) {
    for lang in ANALYZED {
        manager.register(&exact_name(lang.key), exact_analyzer(lang));
        manager.register(&fold_name(lang.key), fold_analyzer(lang));
    }
    manager.register(TITLE_ANALYZER, title_analyzer());
    manager.register(OCR_ANALYZER, ocr_analyzer());
    manager.register(NORDIC_ANALYZER, nordic_analyzer());
}

/// The cross-Scandinavian analyzer: lowercase, then each word's spelling key.
pub(crate) fn nordic_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .filter(LowerCaser)
        .filter(MapTokens(super::cognate::key))
        .build()
}

/// The OCR analyzer: lowercase, fold, then reduce each word to its
/// [`ocr_skeleton`].
pub(crate) fn ocr_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(MapTokens(ocr_skeleton))
        .build()
}

/// The OCR skeleton of a lowercased, folded word: the letters OCR keeps
/// reliably. Vowels (where æ/ø/å damage lands: `ø` read as `o`, `e`, `g`,
/// `0`, `@`; `æ` as `ae`, `e`, `ee`, `a`; `å` as `a`, `aa`, `d`) and `g`
/// are dropped, so `Trøndelag`, `Trendelag` and `Trgndelag` all become
/// `trndl`, and `særlig` and `seerlig` become `srl`. `None` for words too
/// short or with digits, whose skeletons would collide.
pub(crate) fn ocr_skeleton(folded: &str) -> Option<String> {
    if folded.chars().count() < OCR_MIN_WORD_CHARS || folded.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let sk: String = folded
        .chars()
        .filter(|c| !matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'g' | '@' | '0'))
        .collect();
    (sk.chars().count() >= OCR_MIN_SKELETON).then_some(sk)
}

/// Token filter replacing each token's text by `f(text)`; tokens `f` gives
/// no form for are dropped. OCR skeletons ([`ocr_skeleton`]) and
/// cross-Scandinavian keys ([`super::cognate::key`]) are made by it.
#[derive(Clone, Copy)]
pub struct MapTokens(pub fn(&str) -> Option<String>);

impl TokenFilter for MapTokens {
    type Tokenizer<T: Tokenizer> = MapTokensFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> MapTokensFilter<T> {
        MapTokensFilter {
            inner: tokenizer,
            f: self.0,
        }
    }
}

/// The tokenizer produced by [`MapTokens`].
#[derive(Clone)]
pub struct MapTokensFilter<T> {
    inner: T,
    f: fn(&str) -> Option<String>,
}

impl<T: Tokenizer> Tokenizer for MapTokensFilter<T> {
    type TokenStream<'a> = MapTokensStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        MapTokensStream {
            tail: self.inner.token_stream(text),
            f: self.f,
            buffer: String::new(),
        }
    }
}

/// Token stream of [`MapTokensFilter`].
pub struct MapTokensStream<T> {
    tail: T,
    f: fn(&str) -> Option<String>,
    buffer: String,
}

impl<T: TokenStream> TokenStream for MapTokensStream<T> {
    fn advance(&mut self) -> bool {
        loop {
            if !self.tail.advance() {
                return false;
            }
            let token = self.tail.token_mut();
            let (f, buffer) = (self.f, &mut self.buffer);
            let mapped = FORMS.with_borrow_mut(|forms| {
                forms.with(
                    f as usize,
                    &token.text,
                    || f(&token.text).map(Box::from),
                    |form| {
                        buffer.clear();
                        buffer.push_str(form.as_deref().unwrap_or_default());
                        form.is_some()
                    },
                )
            });
            if mapped {
                // the word's own buffer is kept for the next form
                mem::swap(&mut token.text, &mut self.buffer);
                return true;
            }
        }
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// The one token an analyzer makes of `word`, or `None` (none, or several).
pub(crate) fn single_token(analyzer: &mut TextAnalyzer, word: &str) -> Option<String> {
    let mut stream = analyzer.token_stream(word);
    if !stream.advance() {
        return None;
    }
    let text = stream.token().text.clone();
    (!stream.advance()).then_some(text)
}

/// Danish question words Snowball's Danish list lacks (its Norwegian list
/// has `hvordan`, `hvorfor`, `hvilke`, `hvem`): a question typed in Danish
/// is searched as its content words, as one in Norwegian, Swedish or
/// English is.
const DANISH_QUESTION_WORDS: &[&str] = &[
    "hvordan", "hvorfor", "hvornår", "hvilke", "hvilken", "hvilket", "hvem", "hver",
];

/// The stop lists of the analysed languages that have one.
const STOP_LISTS: [(&str, tantivy::tokenizer::Language); 12] = {
    use tantivy::tokenizer::Language as Stop;
    [
        ("no", Stop::Norwegian),
        ("sv", Stop::Swedish),
        ("da", Stop::Danish),
        ("fi", Stop::Finnish),
        ("en", Stop::English),
        ("de", Stop::German),
        ("fr", Stop::French),
        ("nl", Stop::Dutch),
        ("es", Stop::Spanish),
        ("it", Stop::Italian),
        ("pt", Stop::Portuguese),
        ("ru", Stop::Russian),
    ]
};

/// True when `word` is a function word in the stop list of any analysed
/// language ([`stop_word`]).
pub(crate) fn stop_word_anywhere(word: &str) -> bool {
    STOP_LISTS.iter().any(|(key, _)| stop_word(key, word))
}

/// True when `word` is a function word (`of`, `the`; `og`, `i`) in the
/// stop list of the analysed language `key` (the Snowball lists tantivy
/// ships; NLTK's for English); false for a language without one.
pub(crate) fn stop_word(key: &str, word: &str) -> bool {
    use std::cell::RefCell;
    use tantivy::tokenizer::StopWordFilter;
    let Some(i) = STOP_LISTS.iter().position(|(k, _)| *k == key) else {
        return false;
    };
    thread_local! {
        // each language's stop filter, built on first use
        static STOP: RefCell<Vec<Option<Option<TextAnalyzer>>>> =
            RefCell::new((0..STOP_LISTS.len()).map(|_| None).collect());
    }
    STOP.with(|cache| {
        let mut cache = cache.borrow_mut();
        let analyzer = cache[i].get_or_insert_with(|| {
            let list = |key: &str, more: &[&str]| {
                stop_words::lookup(key).map(|words| {
                    StopWordFilter::remove(words.iter().chain(more).map(|w| w.to_string()))
                })
            };
            let filter = match STOP_LISTS[i].0 {
                // NLTK's list holds Lucene's 33 words and a question's
                // `what`, `how`, `which`, `does`: function words too
                "en" => list("en", &[]),
                // NLTK's Danish list is Snowball's, without its question words
                "da" => list("da", DANISH_QUESTION_WORDS),
                _ => StopWordFilter::new(STOP_LISTS[i].1),
            };
            filter.map(|stop| {
                TextAnalyzer::builder(SimpleTokenizer::default())
                    .filter(LowerCaser)
                    .filter(stop)
                    .build()
            })
        });
        match analyzer {
            Some(a) => !word.trim().is_empty() && tokens(a, word).is_empty(),
            None => false,
        }
    })
}

/// Run an analyzer over `text` and collect the tokens (text, byte offsets).
pub(crate) fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        out.push(stream.token().clone());
    }
    out
}

/// Snowball stemming token filter backed by `rust-stemmers`.
#[derive(Clone, Copy)]
pub struct Snowball(pub Algorithm);

impl TokenFilter for Snowball {
    type Tokenizer<T: Tokenizer> = SnowballFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> SnowballFilter<T> {
        SnowballFilter {
            algorithm: self.0,
            inner: tokenizer,
        }
    }
}

/// The tokenizer produced by [`Snowball`].
#[derive(Clone)]
pub struct SnowballFilter<T> {
    algorithm: Algorithm,
    inner: T,
}

impl<T: Tokenizer> Tokenizer for SnowballFilter<T> {
    type TokenStream<'a> = SnowballTokenStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        SnowballTokenStream {
            tail: self.inner.token_stream(text),
            stemmer: rust_stemmers::Stemmer::create(self.algorithm),
            algorithm: self.algorithm,
            buffer: String::new(),
        }
    }
}

/// Token stream of [`SnowballFilter`].
pub struct SnowballTokenStream<T> {
    tail: T,
    stemmer: rust_stemmers::Stemmer,
    algorithm: Algorithm,
    buffer: String,
}

thread_local! {
    /// Word → stem, per algorithm (by its discriminant): indexing stems
    /// every word twice (the exact and the folded field of its language).
    static STEMS: std::cell::RefCell<Memories<Box<str>>> =
        const { std::cell::RefCell::new(Memories::new(200_000)) };
    /// Word → form, per mapping (by its address): the `nordic` and `ocr`
    /// fields map every word of their passages.
    static FORMS: std::cell::RefCell<Memories<Option<Box<str>>>> =
        const { std::cell::RefCell::new(Memories::new(200_000)) };
}

impl<T: TokenStream> TokenStream for SnowballTokenStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        // Numbers and very short words are left alone: stemming `EU` or `2030`
        // only creates collisions.
        if token.text.chars().count() < 3 || token.text.chars().all(|c| c.is_ascii_digit()) {
            return true;
        }
        let word = mem::take(&mut token.text);
        let (stemmer, buffer) = (&self.stemmer, &mut self.buffer);
        STEMS.with_borrow_mut(|stems| {
            stems.with(
                self.algorithm as usize,
                &word,
                || Box::from(stemmer.stem(&word).as_ref()),
                |stem| {
                    buffer.clear();
                    buffer.push_str(stem);
                },
            )
        });
        // the word's own buffer is kept for the next stem
        token.text = mem::replace(&mut self.buffer, word);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remembered_stem_is_the_stemmers_own() {
        let words = ["kommunene", "fylkeskommunen", "endringer", "samarbeidet"];
        let stemmer = rust_stemmers::Stemmer::create(Algorithm::Norwegian);
        let expected: Vec<String> = words.iter().map(|w| stemmer.stem(w).into_owned()).collect();
        let mut a = exact_analyzer(analyzed_for(Language::Nb));
        // the second pass reads the stems from this thread's memory
        for _ in 0..2 {
            let got: Vec<String> = tokens(&mut a, &words.join(" "))
                .into_iter()
                .map(|t| t.text)
                .collect();
            assert_eq!(got, expected);
        }
    }

    #[test]
    fn a_remembered_form_is_the_mappings_own_and_a_word_without_one_is_left_out() {
        // `EU` has no key (too short), `2030` none (a digit); the words
        // with one keep their order
        let text = "Samarbeidet EU organisation 2030 næringer samarbeidet";
        let expected: Vec<String> = text
            .split(' ')
            .filter_map(|w| super::super::cognate::key(&w.to_lowercase()))
            .collect();
        assert_eq!(expected.len(), 4);
        // the second pass reads the forms from this thread's memory
        for _ in 0..2 {
            assert_eq!(texts(nordic_analyzer(), text), expected);
        }
    }

    fn texts(mut a: TextAnalyzer, s: &str) -> Vec<String> {
        tokens(&mut a, s).into_iter().map(|t| t.text).collect()
    }

    fn lang(key: &str) -> &'static AnalyzedLanguage {
        ANALYZED.iter().find(|a| a.key == key).unwrap()
    }

    #[test]
    fn question_words_are_function_words_in_danish_as_in_norwegian() {
        for w in ["hvordan", "Hvorfor", "hvilke", "hvem"] {
            assert!(stop_word("da", w), "{w}");
            assert!(stop_word("no", w), "{w}");
        }
        assert!(stop_word("da", "hvornår"));
        // content words stay words
        assert!(!stop_word("da", "landdistrikter"));
        assert!(!stop_word("da", "hvede"));
    }

    #[test]
    fn norwegian_inflections_share_a_stem() {
        let a = texts(exact_analyzer(lang("no")), "strategien strategier strategi");
        assert_eq!(a[0], a[1]);
        assert_eq!(a[1], a[2]);
    }

    #[test]
    fn swedish_plural_and_singular_share_a_stem() {
        let a = texts(exact_analyzer(lang("sv")), "regionerna regionen region");
        assert_eq!(a[0], a[2]);
        assert_eq!(a[1], a[2]);
    }

    #[test]
    fn folded_analyzer_forgives_missing_diacritics_both_ways() {
        let f = |s| texts(fold_analyzer(lang("no")), s);
        assert_eq!(f("Trøndelag"), f("Trondelag"));
        assert_eq!(f("bærekraft"), f("baerekraft"));
        let e = |s| texts(exact_analyzer(lang("no")), s);
        assert_ne!(
            e("Trøndelag"),
            e("Trondelag"),
            "the exact field keeps diacritics"
        );
    }

    #[test]
    fn ocr_damage_of_nordic_letters_shares_a_skeleton() {
        let sk = |s: &str| texts(ocr_analyzer(), s);
        assert_eq!(sk("Trøndelag"), sk("Trendelag"));
        assert_eq!(sk("Trøndelag"), sk("Trgndelag"));
        assert_eq!(sk("særlig"), sk("seerlig"));
        assert_eq!(sk("bærekraftig"), sk("beerekraftig"));
        assert!(
            sk("EU 2030 og").is_empty(),
            "short words and numbers get no skeleton"
        );
    }

    #[test]
    fn numbers_and_acronyms_are_not_stemmed() {
        assert_eq!(
            texts(exact_analyzer(lang("en")), "EU 2030 ERRIN's"),
            ["eu", "2030", "errin", "s"]
        );
    }
}
