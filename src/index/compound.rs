//! Compound splitting for Norwegian, Swedish, Danish and German, on the
//! Hunspell dictionaries the system has.
//!
//! `kystturisme` is `kyst` + `turisme`, `fylkeskommune` is `fylke` + (`s`) +
//! `kommune`. A word splits when it can be cut into parts of at least
//! [`MIN_PART_CHARS`] letters that are each a dictionary word, a part before
//! the last may end in a linking letter of its language (`-s-`, `-e-`; in
//! German also `-es-`, `-n-`, `-en-`, `-er-`), and the fewest parts win (then
//! the longest first part). Lucene's dictionary decompounder works the same
//! way; the dictionary decides, so `samarbeid` is never `sam` + `arbeid`.
//! A split is refused where its pieces only happen to be words: all
//! function words (`fors` + `varlig`), a last part that is a derivation's
//! ending (`endr` + `inger`, `gjeld` + `ende`, `virksom` + `heter`), or, in
//! Norwegian, parts no one of the Bokmål and Nynorsk dictionaries has all
//! of (`pasi` + `enter`); a passage the index knows is Bokmål or Nynorsk is
//! split with that standard's dictionary alone ([`split_cached_in`]), a
//! query word (standard unknown) with either.
//!
//! The dictionaries are read with compounding switched off (the `COMPOUND*`
//! rules of the `.aff` file are left out): with them, Hunspell accepts any
//! chain of words and every part of a split would be "a word".
//!
//! Where they come from at run time: `$KARTOTEK_HUNSPELL_DIR`, else
//! `/usr/share/hunspell` (Debian's `hunspell-no`, `hunspell-sv`,
//! `hunspell-da`, `hunspell-de-de`; licences GPL-2 (no), LGPL-3 (sv),
//! LGPL-2.1/GPL-2/MPL-1.1 (da), GPL-2/GPL-3 (de) — read, never shipped). A
//! language without its dictionary is logged once and its words are simply
//! not split: search works as before.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, RandomState};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::OnceLock;

use crate::index::analyzer;
use crate::memo::Memories;

/// Shortest part of a compound, in letters (Hunspell's `COMPOUNDMIN` of the
/// Norwegian dictionaries).
pub(crate) const MIN_PART_CHARS: usize = 4;
/// Most parts one word is split into.
pub(crate) const MAX_PARTS: usize = 4;
/// Environment variable naming the folder of the Hunspell dictionaries.
pub(crate) const DIR_ENV: &str = "KARTOTEK_HUNSPELL_DIR";
/// Where Debian installs them.
pub(crate) const DEFAULT_DIR: &str = "/usr/share/hunspell";
/// Words remembered per thread and language. Past it, a word not yet seen
/// is split each time it comes: the first words seen, a corpus' commonest,
/// stay (clearing the memory when full, as before, cost more: the common
/// words were split again). About 8 bytes per word that is no compound.
const CACHE_WORDS: usize = 1_000_000;

thread_local! {
    /// Piece → whether it is a word, per lexicon (by its number; see
    /// [`Lexicon::is_word`]).
    static WORDS: RefCell<Memories<bool>> =
        const { RefCell::new(Memories::new(500_000)) };
}

/// Linking letters between the parts of a Nordic compound.
const NORDIC_LINKS: &[&str] = &["s", "e"];
/// Linking letters of German compounds (`Fugenelemente`).
const GERMAN_LINKS: &[&str] = &["es", "en", "er", "s", "n", "e"];

/// The dictionaries (file stems), linking letters and Debian package of
/// each analysed language key that compounds.
const LANGUAGES: &[(&str, &[&str], &[&str], &str)] = &[
    ("no", &["nb_NO", "nn_NO"], NORDIC_LINKS, "hunspell-no"),
    ("sv", &["sv_SE"], NORDIC_LINKS, "hunspell-sv"),
    ("da", &["da_DK"], NORDIC_LINKS, "hunspell-da"),
    ("de", &["de_DE"], GERMAN_LINKS, "hunspell-de-de"),
];

/// The words of one language, for splitting compounds.
pub struct Lexicon {
    dicts: Vec<spellbook::Dictionary>,
    links: &'static [&'static str],
    /// Whether function words alone make no compound (see
    /// [`Lexicon::split`]).
    refuse_function_words: bool,
    /// This lexicon's own number, for the per-thread memory of words.
    id: usize,
}

/// The next lexicon's number.
static LEXICONS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

impl std::fmt::Debug for Lexicon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lexicon")
            .field("dictionaries", &self.dicts.len())
            .finish()
    }
}

impl Lexicon {
    /// A lexicon from Hunspell `(aff, dic)` texts, compounding switched off;
    /// a dictionary that does not parse is an error naming its line.
    pub fn from_hunspell(
        files: &[(&str, &str)],
        links: &'static [&'static str],
    ) -> Result<Lexicon, String> {
        let mut dicts = Vec::new();
        for (aff, dic) in files {
            let aff = without_compounding(aff);
            let dic = loadable_dic(&aff, dic);
            let d = spellbook::Dictionary::new(&aff, &dic).map_err(|e| e.to_string())?;
            dicts.push(d);
        }
        Ok(Lexicon {
            dicts,
            links,
            refuse_function_words: false,
            id: LEXICONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        })
    }

    /// The same lexicon, refusing splits into parts that are all function
    /// words or stem to them (see [`Lexicon::split`]).
    pub fn refusing_function_words(self) -> Lexicon {
        Lexicon {
            refuse_function_words: true,
            ..self
        }
    }

    /// True when `word` (lowercase) is a dictionary word, in any of its
    /// inflections (German nouns are capitalised in the dictionary).
    pub fn is_word(&self, word: &str) -> bool {
        // Hunspell breaks words at hyphens, and spellbook panics where a
        // piece is empty (`cross--i`, `-a`, `-`): no such string is a word
        if word.is_empty() || word.split('-').any(str::is_empty) {
            return false;
        }
        // splitting a word tries every cut, and the pieces recur across
        // words (`kommune` ends thousands): each piece is looked up once
        WORDS.with_borrow_mut(|words| words.with(self.id, word, || self.check(word), |is| *is))
    }

    /// [`Lexicon::is_word`] without the memory: Hunspell's check.
    fn check(&self, word: &str) -> bool {
        self.dicts.iter().any(|d| checked(d, word))
    }

    /// True when one of the lexicon's dictionaries has every part: a word
    /// is written in one standard (Bokmål or Nynorsk), so its parts are
    /// that standard's words; with `standard` (see [`standard`]), that
    /// dictionary.
    fn one_dictionary(&self, parts: &[String], standard: Option<usize>) -> bool {
        if let Some(d) = standard.and_then(|i| self.dicts.get(i)) {
            return parts.iter().all(|p| checked(d, p));
        }
        self.dicts.len() < 2
            || self
                .dicts
                .iter()
                .any(|d| parts.iter().all(|p| checked(d, p)))
    }

    /// [`function_like`], where this lexicon refuses function words.
    fn function_like(&self, word: &str) -> bool {
        self.refuse_function_words && function_like(word)
    }

    /// The parts of a compound (lowercase, linking letters dropped), or
    /// `None` when `word` is no compound this lexicon can see. A word the
    /// dictionary lists (`arbeidsplass`, `organisasjonene`) splits into two
    /// parts at most: its own parts, never a chain of short words that
    /// happen to spell it (`orga` + `nisa` + …).
    pub fn split(&self, word: &str) -> Option<Vec<String>> {
        self.split_in(word, None)
    }

    /// [`Lexicon::split`] of a word written in the standard whose
    /// dictionary is number `standard` (see [`standard`]): its parts are
    /// that dictionary's words. Nynorsk's lists pieces that are no words
    /// in Bokmål (`samar`, `beid`, `kunn`, `utvi`), so a Bokmål text's
    /// `samarbeid` is no `samar` + `beid`.
    pub fn split_in(&self, word: &str, standard: Option<usize>) -> Option<Vec<String>> {
        let lower = word.to_lowercase();
        let chars: Vec<char> = lower.chars().collect();
        if chars.len() < 2 * MIN_PART_CHARS || !chars.iter().all(|c| c.is_alphabetic()) {
            return None;
        }
        let most = if self.is_word(&lower) { 2 } else { MAX_PARTS };
        // parts that are all function words, or stem to them, are a prefix
        // and a chance spelling (`forsvarlig` is no `fors` + `varlig`, which
        // stem to `for` and `var`): searched as parts they would match
        // nearly every passage of the language
        // and a last part that is a noun-making suffix, inflected, is a
        // derivation whose ending spells a word (`virksomheter` is no
        // `virksom` + `heter`, `myndigheten` no `myndig` + `heten`,
        // `endringer` no `endr` + `inger`)
        self.best_split(&chars, most).filter(|parts| {
            !parts.iter().all(|p| self.function_like(p))
                && !parts.last().is_some_and(|p| derivation_ending(p))
                && self.one_dictionary(parts, standard)
        })
    }

    /// The split of `w` into two to `most` parts with the fewest parts.
    fn best_split(&self, w: &[char], most: usize) -> Option<Vec<String>> {
        if most < 2 || w.len() < 2 * MIN_PART_CHARS {
            return None;
        }
        let mut best: Option<Vec<String>> = None;
        for cut in (MIN_PART_CHARS..=w.len() - MIN_PART_CHARS).rev() {
            let Some(head) = self.head(&w[..cut]) else {
                continue;
            };
            let Some(rest) = self.decompose(&w[cut..], most - 1) else {
                continue;
            };
            let mut parts = Vec::with_capacity(rest.len() + 1);
            parts.push(head);
            parts.extend(rest);
            if best.as_ref().is_none_or(|b| parts.len() < b.len()) {
                let two = parts.len() == 2;
                best = Some(parts);
                if two {
                    break;
                }
            }
        }
        best
    }

    /// `w` as one word, or split into at most `most` parts.
    fn decompose(&self, w: &[char], most: usize) -> Option<Vec<String>> {
        let s: String = w.iter().collect();
        if self.is_word(&s) {
            return Some(vec![s]);
        }
        self.best_split(w, most)
    }

    /// A first part: the word without its linking letter when that is a
    /// word (`fylkes` → `fylke`), else the word itself; in Swedish and
    /// Danish a word ending in `e` drops it before the linking `s`
    /// (`samhälls` → `samhälle`, `arbets` → `arbete`, `arbejds` → `arbejde`).
    fn head(&self, w: &[char]) -> Option<String> {
        let s: String = w.iter().collect();
        for link in self.links {
            if let Some(stem) = s.strip_suffix(link) {
                if stem.chars().count() >= MIN_PART_CHARS && self.is_word(stem) {
                    return Some(stem.to_string());
                }
            }
        }
        if self.is_word(&s) {
            return Some(s);
        }
        (self.links == NORDIC_LINKS)
            .then(|| s.strip_suffix('s'))
            .flatten()
            .map(|stem| format!("{stem}e"))
            .filter(|whole| whole.chars().count() > MIN_PART_CHARS && self.is_word(whole))
    }
}

/// Whether dictionary `d` has `word` (Hunspell's check). The words come
/// from queries and documents: a panic on one the callers' checks miss
/// makes it no word, not a failed search.
fn checked(d: &spellbook::Dictionary, word: &str) -> bool {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        d.checker().check_lower_as_title(true).check(word)
    }))
    .unwrap_or(false)
}

/// The `.aff` text without the rules that let Hunspell join words.
fn without_compounding(aff: &str) -> String {
    aff.lines()
        .filter(|l| {
            let l = l.trim_start();
            !(l.starts_with("COMPOUND") || l.starts_with("CHECKCOMPOUND"))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The `.dic` text without entries spellbook refuses: with numeric flags
/// (`FLAG num`, the Danish dictionary), an unescaped `/` inside a word
/// (`A/S`) reads as flags that are not numbers.
fn loadable_dic(aff: &str, dic: &str) -> String {
    let numeric = aff
        .lines()
        .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["FLAG", "num"]);
    if !numeric {
        return dic.to_string();
    }
    dic.lines()
        .filter(|l| {
            let entry = l.split(['\t', ' ']).next().unwrap_or_default();
            match entry.rsplit_once('/') {
                Some((word, flags)) if !word.ends_with('\\') => {
                    flags.chars().all(|c| c.is_ascii_digit() || c == ',')
                }
                _ => true,
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Read a dictionary file as UTF-8, or as Latin-1 (the Norwegian ones).
fn read_text(path: &Path) -> Option<String> {
    let bytes = std::fs::read(path).ok()?;
    match String::from_utf8(bytes) {
        Ok(s) => Some(s),
        Err(e) => Some(
            encoding_rs::WINDOWS_1252
                .decode(e.as_bytes())
                .0
                .into_owned(),
        ),
    }
}

/// The folder the dictionaries are read from.
pub(crate) fn dictionary_dir() -> PathBuf {
    crate::config::dir_from_env(DIR_ENV, DEFAULT_DIR)
}

/// Load the lexicon of a language key from `dir`; `None` (logged) when a
/// dictionary is missing or unreadable.
fn load(dir: &Path, key: &str) -> Option<Lexicon> {
    let (_, stems, links, package) = LANGUAGES.iter().find(|(k, _, _, _)| *k == key)?;
    let mut texts = Vec::new();
    for stem in *stems {
        let aff = read_text(&dir.join(format!("{stem}.aff")));
        let dic = read_text(&dir.join(format!("{stem}.dic")));
        match (aff, dic) {
            (Some(a), Some(d)) => texts.push((a, d)),
            _ => {
                tracing::info!(
                    "no Hunspell dictionary `{stem}` in `{}`: compound words of `{key}` are not split (install {package}, or set {DIR_ENV})",
                    dir.display()
                );
                return None;
            }
        }
    }
    let pairs: Vec<(&str, &str)> = texts.iter().map(|(a, d)| (&a[..], &d[..])).collect();
    match Lexicon::from_hunspell(&pairs, links) {
        Ok(l) => Some(l.refusing_function_words()),
        Err(e) => {
            tracing::warn!("the Hunspell dictionary of `{key}` did not load ({e}): compound words of `{key}` are not split");
            None
        }
    }
}

/// The lexicon of an analysed language key (`no`, `sv`, `da`, `de`), loaded
/// once on first use; `None` for other languages and when the dictionary is
/// missing.
pub fn lexicon(key: &str) -> Option<&'static Lexicon> {
    static CELLS: [OnceLock<Option<Lexicon>>; 4] = [
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
    ];
    let i = LANGUAGES.iter().position(|(k, _, _, _)| *k == key)?;
    CELLS[i]
        .get_or_init(|| load(&dictionary_dir(), key))
        .as_ref()
}

/// Load every language's dictionary now, each on a thread of its own (a
/// server does, so that its first search does not wait for them).
pub fn load_all() {
    std::thread::scope(|s| {
        for (key, _, _, _) in LANGUAGES {
            s.spawn(|| lexicon(key));
        }
    });
}

/// The compounding languages whose Hunspell dictionary is missing: the
/// language key and the Debian package that has it.
pub fn missing() -> Vec<(&'static str, &'static str)> {
    LANGUAGES
        .iter()
        .filter(|(key, _, _, _)| lexicon(key).is_none())
        .map(|(key, _, _, package)| (*key, *package))
        .collect()
}

/// True when `key` is a language whose compounds are split (with or
/// without its dictionary present).
pub fn compounds(key: &str) -> bool {
    LANGUAGES.iter().any(|(k, _, _, _)| *k == key)
}

/// The dictionary of `key`'s lexicon that text in `lang` is written
/// against, by its number: Bokmål's for Bokmål, Nynorsk's for Nynorsk;
/// `None` where `key` has one dictionary or `lang` is no standard of it.
pub fn standard(key: &str, lang: crate::lang::Language) -> Option<usize> {
    let stem = match lang {
        crate::lang::Language::Nb => "nb_NO",
        crate::lang::Language::Nn => "nn_NO",
        _ => return None,
    };
    let (_, stems, _, _) = LANGUAGES.iter().find(|(k, _, _, _)| *k == key)?;
    stems.iter().position(|s| *s == stem)
}

/// One language's memory of words already split.
struct Memory {
    key: &'static str,
    /// The standard the words were split in (see [`standard`]).
    standard: Option<usize>,
    /// Compounds with their parts.
    compounds: HashMap<String, Rc<[String]>>,
    /// Fingerprints of words that are no compound: most words, so 8 bytes
    /// each rather than the word (a collision, about one in 10¹³ at a
    /// million words, leaves a compound unsplit).
    plain: HashSet<u64>,
    hasher: RandomState,
}

/// [`Lexicon::split`] through a per-thread memory of words already seen:
/// a text repeats its words, and the index writer splits every word. A hit
/// allocates nothing: the memory is looked up by the word as given, and the
/// parts are shared.
pub fn split_cached(key: &'static str, word: &str) -> Option<Rc<[String]>> {
    split_cached_in(key, word, None)
}

/// [`split_cached`] of a word written in `standard` (see
/// [`Lexicon::split_in`]).
pub fn split_cached_in(
    key: &'static str,
    word: &str,
    standard: Option<usize>,
) -> Option<Rc<[String]>> {
    thread_local! {
        static CACHE: RefCell<Vec<Memory>> = const { RefCell::new(Vec::new()) };
    }
    // fewer bytes than a split needs letters: no look-up at all
    if word.len() < 2 * MIN_PART_CHARS {
        return None;
    }
    let lex = lexicon(key)?;
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        let at = match c
            .iter()
            .position(|m| m.key == key && m.standard == standard)
        {
            Some(at) => at,
            None => {
                c.push(Memory {
                    key,
                    standard,
                    compounds: HashMap::new(),
                    plain: HashSet::new(),
                    hasher: RandomState::new(),
                });
                c.len() - 1
            }
        };
        let m = &mut c[at];
        if let Some(parts) = m.compounds.get(word) {
            return Some(parts.clone());
        }
        let fingerprint = m.hasher.hash_one(word);
        if m.plain.contains(&fingerprint) {
            return None;
        }
        let parts: Option<Rc<[String]>> = lex.split_in(word, standard).map(Rc::from);
        if m.compounds.len() + m.plain.len() < CACHE_WORDS {
            match &parts {
                Some(p) => {
                    m.compounds.insert(word.to_string(), p.clone());
                }
                None => {
                    m.plain.insert(fingerprint);
                }
            }
        }
        parts
    })
}

/// The endings nouns take (definite, plural, genitive).
const NOUN_ENDINGS: &[&str] = &[
    "", "a", "en", "er", "ar", "ene", "ane", "ens", "ers", "erne", "arna", "ernas", "ernes",
];

/// Derivational suffixes with the endings they take, whose letters the
/// dictionaries also list as words: nouns of adjectives (nb/sv `-het`, nn
/// `-heit`, da `-hed`, de `-heit`/`-keit`) and of verbs (nb/nn/sv/da
/// `-ing`, de `-ung`, nb/nn `-sjon`), nouns of verbs in `-else`
/// (`tillatelse`, sv `händelse`), present participles in `-ende`
/// (`gjeldende`), adjectives in `-elig` (`vanskelig`) and verbs in `-ere`,
/// passive or present (`dokumenteres`). `endringer` is `endr-` + `-inger`,
/// no `endr` + `inger`.
const DERIVATIONS: &[(&[&str], &[&str])] = &[
    (
        &["het", "heit", "hed", "keit", "ing", "ung", "sjon"],
        NOUN_ENDINGS,
    ),
    (&["else"], &["", "n", "r", "ne", "ns", "rne", "rna"]),
    (&["ende"], &["", "s"]),
    (&["elig"], &["", "e", "t", "ere", "ste"]),
    (&["ere"], &["s", "r", "nde"]),
];

/// True when `part` is a derivational suffix with one of its endings
/// (`heten`, `ingen`, `inger`, `elsen`, `ende`, `eres`; see
/// [`DERIVATIONS`]): no word of its own at the end of a compound, however
/// a dictionary lists the same letters (`ingen` "none", `inger` a name).
fn derivation_ending(part: &str) -> bool {
    DERIVATIONS.iter().any(|(suffixes, endings)| {
        suffixes.iter().any(|s| {
            part.strip_prefix(s)
                .is_some_and(|rest| endings.contains(&rest))
        })
    })
}

/// True when `word` (lowercase) is, or stems to, a function word in any
/// of the languages that compound: a part is searched in every language's
/// fields (`fors` stems to Norwegian `for`, `varlig` to Swedish `var`).
pub(crate) fn function_like(word: &str) -> bool {
    analyzer::ANALYZED
        .iter()
        .filter(|l| compounds(l.key))
        .any(|l| {
            analyzer::stop_word(l.key, word)
                || l.stemmer.is_some_and(|a| {
                    analyzer::stop_word(l.key, &rust_stemmers::Stemmer::create(a).stem(word))
                })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small Hunspell dictionary in the Norwegian dictionary's shape:
    /// compounding by flag, a plural suffix.
    const AFF: &str = "SET UTF-8\nFLAG long\nCOMPOUNDFLAG zz\nCOMPOUNDMIN 4\nSFX Aa Y 2\nSFX Aa 0 er [^e]\nSFX Aa 0 r e\n";
    const DIC: &str = "9\nkyst/Aazz\nturisme/zz\nfylke/Aazz\nkommune/Aazz\nstrategi/Aazz\nsamarbeid/zz\narbeid/zz\nsam\nkystturismekommune\n";

    fn lexicon() -> Lexicon {
        Lexicon::from_hunspell(&[(AFF, DIC)], NORDIC_LINKS).unwrap()
    }

    #[test]
    fn a_remembered_piece_answers_as_its_own_lexicon_does() {
        let l = lexicon();
        // asked twice: the second answer comes from the memory
        for _ in 0..2 {
            assert!(l.is_word("turisme") && !l.is_word("turism"));
        }
        // another lexicon on the same thread has its own answers
        let other = Lexicon::from_hunspell(&[(AFF, "1\nturism\n")], NORDIC_LINKS).unwrap();
        assert!(!other.is_word("turisme") && other.is_word("turism"));
    }

    #[test]
    fn compound_splits_into_dictionary_words() {
        let l = lexicon();
        assert_eq!(l.split("kystturisme").unwrap(), ["kyst", "turisme"]);
        assert_eq!(l.split("Fylkeskommuner").unwrap(), ["fylke", "kommuner"]);
        assert_eq!(
            l.split("kystturismestrategi").unwrap(),
            ["kyst", "turisme", "strategi"]
        );
    }

    #[test]
    fn dictionary_words_and_junk_do_not_split() {
        let l = lexicon();
        assert_eq!(l.split("samarbeid"), None, "`sam` is shorter than a part");
        assert_eq!(l.split("kystxyzturisme"), None);
        assert_eq!(l.split("kyst"), None);
        assert_eq!(l.split("kyst2030turisme"), None);
        assert_eq!(
            l.split("kystturismekommune"),
            None,
            "a listed word splits in two at most"
        );
        assert_eq!(l.split("kystturismefylke").unwrap().len(), 3);
    }

    #[test]
    fn a_compound_of_function_words_alone_does_not_split() {
        // `fors` and `varlig` are words, but stem to `for` and `var`;
        // `over` is one, `gang` is not
        let dic = "5\nfors\nvarlig\nover\ngang\nkyst/Aa\n";
        let l = Lexicon::from_hunspell(&[(AFF, dic)], NORDIC_LINKS)
            .unwrap()
            .refusing_function_words();
        assert_eq!(l.split("forsvarlig"), None);
        assert_eq!(l.split("overgang").unwrap(), ["over", "gang"]);
        assert_eq!(l.split("kystgang").unwrap(), ["kyst", "gang"]);
        let any = Lexicon::from_hunspell(&[(AFF, dic)], NORDIC_LINKS).unwrap();
        assert_eq!(
            any.split("forsvarlig").unwrap(),
            ["fors", "varlig"],
            "without a language every word is a part"
        );
    }

    #[test]
    fn a_first_part_that_dropped_its_e_before_the_link_is_whole_again() {
        // Swedish `samhälle` + `byggnad` is written `samhällsbyggnad`
        let dic = "3\nsamhälle\nbyggnad\nfylke\n";
        let l = Lexicon::from_hunspell(&[(AFF, dic)], NORDIC_LINKS).unwrap();
        assert_eq!(l.split("samhällsbyggnad").unwrap(), ["samhälle", "byggnad"]);
        assert_eq!(l.split("fylkesbyggnad").unwrap(), ["fylke", "byggnad"]);
        // German links are its own (`Schule` is `Schul-` with no `s`)
        let de = Lexicon::from_hunspell(&[(AFF, dic)], GERMAN_LINKS).unwrap();
        assert_eq!(de.split("samhällsbyggnad"), None);
    }

    #[test]
    fn a_compound_of_two_standards_has_its_parts_in_one() {
        // Nynorsk lists the chance piece `pasi`; `pasienter` is no Nynorsk
        // `pasi` + Bokmål `enter`, while `kyst` + `turisme` are Bokmål both
        let nb = "3\nenter\nkyst\nturisme\n";
        let nn = "2\npasi\nkyst\n";
        let l = Lexicon::from_hunspell(&[(AFF, nb), (AFF, nn)], NORDIC_LINKS).unwrap();
        assert_eq!(l.split("pasienter"), None);
        assert_eq!(l.split("kystturisme").unwrap(), ["kyst", "turisme"]);
        // one dictionary with both pieces: a split, as before
        let both = Lexicon::from_hunspell(&[(AFF, "2\npasi\nenter\n")], NORDIC_LINKS).unwrap();
        assert_eq!(both.split("pasienter").unwrap(), ["pasi", "enter"]);
    }

    #[test]
    fn a_word_written_in_one_standard_splits_with_that_standards_dictionary() {
        // Nynorsk lists the pieces `samar` and `beid`: a Nynorsk split, but
        // a Bokmål text's `samarbeid` is whole; `kystturisme` splits in both
        let nb = "3\nsamarbeid\nkyst\nturisme\n";
        let nn = "4\nsamar\nbeid\nkyst\nturisme\n";
        let l = Lexicon::from_hunspell(&[(AFF, nb), (AFF, nn)], NORDIC_LINKS).unwrap();
        assert_eq!(l.split_in("samarbeid", Some(0)), None);
        assert_eq!(l.split_in("samarbeid", Some(1)).unwrap(), ["samar", "beid"]);
        assert_eq!(l.split("samarbeid").unwrap(), ["samar", "beid"]);
        for standard in [Some(0), Some(1), None] {
            assert_eq!(
                l.split_in("kystturisme", standard).unwrap(),
                ["kyst", "turisme"]
            );
        }
        use crate::lang::Language;
        assert_eq!(standard("no", Language::Nb), Some(0));
        assert_eq!(standard("no", Language::Nn), Some(1));
        assert_eq!(standard("no", Language::Sv), None);
        assert_eq!(standard("sv", Language::Nb), None);
    }

    #[test]
    fn a_noun_making_suffix_is_no_last_part() {
        // `heter` and `heten` are words (`hete`, `hete`), the suffix too;
        // so are `inger` (a name) and `ingen` ("none"), and the verb stem
        // `endr` before the suffix `-ing`
        let dic = "10\nvirksom\nheter\nheten\nkyst\nplassen\nendr\ninger\ningen\nsivil\ningeniør\n";
        let l = Lexicon::from_hunspell(&[(AFF, dic)], NORDIC_LINKS).unwrap();
        assert_eq!(l.split("virksomheter"), None);
        assert_eq!(l.split("virksomheten"), None);
        assert_eq!(l.split("endringer"), None);
        assert_eq!(l.split("endringen"), None);
        assert_eq!(l.split("kystplassen").unwrap(), ["kyst", "plassen"]);
        // a word that only begins with the suffix's letters is a part
        assert_eq!(l.split("sivilingeniør").unwrap(), ["sivil", "ingeniør"]);
        assert!(derivation_ending("keiten") && derivation_ending("heden"));
        assert!(derivation_ending("ingene") && derivation_ending("ungen"));
        assert!(derivation_ending("elsen") && derivation_ending("ende"));
        assert!(derivation_ending("sjonen") && derivation_ending("elige"));
        assert!(derivation_ending("eres") && !derivation_ending("ere"));
        assert!(!derivation_ending("hetebølge") && !derivation_ending("plassen"));
        assert!(!derivation_ending("ingeniør") && !derivation_ending("endestasjon"));
    }

    #[test]
    fn function_like_parts_are_function_words_or_stem_to_one() {
        for w in ["till", "over", "fors", "varlig", "førast"] {
            assert!(function_like(w), "{w}");
        }
        for w in ["kyst", "turisme", "växt", "gjennom", "samarbeid"] {
            assert!(!function_like(w), "{w}");
        }
    }

    #[test]
    fn a_word_with_an_empty_piece_between_hyphens_is_no_word_and_no_panic() {
        let l = lexicon();
        for w in ["cross--i", "--", "-", "-kyst", "kyst-", "kyst--fylke", ""] {
            assert!(!l.is_word(w), "{w}");
        }
        assert!(l.is_word("kyst"));
    }

    #[test]
    fn compounding_rules_are_switched_off() {
        let l = lexicon();
        assert!(l.is_word("kyster"));
        assert!(
            !l.is_word("kystturisme"),
            "a compound is no word of its own"
        );
    }

    #[test]
    fn numeric_flag_entries_with_a_slash_are_left_out() {
        let aff = "SET UTF-8\nFLAG num\nSFX 10 Y 1\nSFX 10 0 er .\n";
        let dic = "3\nkyst/10\n\"A/S\"\nturisme\n";
        let l = Lexicon::from_hunspell(&[(aff, dic)], NORDIC_LINKS).unwrap();
        assert_eq!(l.split("kystturisme").unwrap(), ["kyst", "turisme"]);
    }

    #[test]
    fn a_missing_dictionary_folder_means_no_splitting() {
        let dir = std::env::temp_dir().join("kartotek-no-such-hunspell-dir");
        assert!(load(&dir, "no").is_none());
        assert!(load(&dir, "fi").is_none());
    }
}
