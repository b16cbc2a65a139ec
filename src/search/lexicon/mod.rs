//! Bilingual lexicons from FreeDict and Apertium: English → Norwegian,
//! Swedish and Danish translations (from the English–Nordic dictionaries,
//! and the Swedish–English and Danish–English ones read backwards), Swedish
//! ↔ Norwegian and Danish ↔ Norwegian word pairs (the cognates whose
//! spelling differs beyond the regular correspondences of `index::cognate`,
//! such as `hamn`/`havn`, and words that are not cognates,
//! `tillstånd`/`tillatelse`, `erhverv`/`næringsliv`), and Nynorsk ↔ Bokmål
//! word pairs (`verksemd`/`virksomhet`, `utval`/`utvalg`). An English
//! word's translations begin with the Nordic words its compounds show
//! (`waste` → `avfall`, from `matavfall` "food waste" and others; see
//! [`parts`]).
//!
//! Read at run time from Debian's packages: FreeDict's in dictd format
//! (`dict-freedict-eng-nor`, `-eng-swe`, `-eng-dan`, `-swe-nor`,
//! `-swe-eng`, `-dan-eng`, `-nno-nob`), from `$KARTOTEK_FREEDICT_DIR`, else
//! `/usr/share/dictd`; Apertium's Swedish–Bokmål and Danish–Bokmål
//! dictionaries (`apertium-swe-nor`, `apertium-dan-nor`, their compiled
//! bilingual transducers, read by [`apertium`]), from
//! `$KARTOTEK_APERTIUM_DIR`, else `/usr/share/apertium`; Folkets
//! lexikon's Swedish–English pairs (a TSV that `scripts/fetch-lexicons.sh`
//! takes from PyPI), from `$KARTOTEK_LEXICON_DIR`, else
//! `~/.local/share/kartotek/lexicon`.
//! Licences: eng-nor and swe-nor are WikDict data from Wiktionary,
//! CC-BY-SA-3.0; eng-swe and swe-eng GPL-2+ (Ergane); eng-dan GPL-3+;
//! dan-eng GPL-2+; nno-nob (Apertium) GPL-2+; apertium-swe-nor GPL-3+;
//! apertium-dan-nor GPL-2+ and GPL-3+ (its parts); Folkets lexikon
//! CC BY-SA 2.5. They
//! are read, never shipped. A missing one is logged once and leaves its
//! languages untranslated; the curated `taxonomy/thesaurus.toml` is used
//! either way and comes first. What is built from them is kept in a cache
//! folder for the next process ([`cache`]).

mod apertium;
mod cache;
mod parts;

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::sync::OnceLock;

use crate::index::analyzer::{self, ANALYZED};

/// Environment variable naming the folder of the FreeDict dictionaries.
pub(crate) const DIR_ENV: &str = "KARTOTEK_FREEDICT_DIR";
/// Where Debian installs them.
pub(crate) const DEFAULT_DIR: &str = "/usr/share/dictd";
/// Environment variable naming the folder of Apertium's language pairs.
pub(crate) const APERTIUM_DIR_ENV: &str = "KARTOTEK_APERTIUM_DIR";
/// Where Debian installs them.
pub(crate) const APERTIUM_DEFAULT_DIR: &str = "/usr/share/apertium";
/// Environment variable naming the folder of the lexicons fetched from a
/// package registry by `scripts/fetch-lexicons.sh` (Folkets lexikon).
pub(crate) const LEXICON_DIR_ENV: &str = "KARTOTEK_LEXICON_DIR";
/// Folkets lexikon's Swedish–English pairs, one `head<TAB>translations` line
/// each, as packaged in PyPI's `svlang` 0.2.22.
const FOLKETS_FILE: &str = "folkets_sv_en.tsv";
/// Where Folkets lexikon's pairs go: read backwards, as FreeDict's
/// Swedish–English dictionary is.
const FOLKETS: Source = Source {
    stem: "folkets-sv-en",
    kind: Kind::IntoEnglish,
    lang: "sv",
};
/// The word classes taken from Apertium: nouns, adjectives and verbs (not
/// proper names, numerals, function words, nor adverbs: `mycket` →
/// `veldig` adds common words to search and found nothing more on the
/// judged set's dev half).
const APERTIUM_TAGS: &[&str] = &["n", "adj", "vblex"];
/// Most translations used from one entry (the first senses are the common ones).
pub(crate) const MAX_TRANSLATIONS: usize = 4;
/// Most Nordic words an English word gets from the Nordic–English
/// dictionaries read backwards (before their neighbour words): those it is
/// the first sense of first, whichever dictionary has them (see
/// [`Lexicons::finish_backwards`]). Common English words are a later sense of dozens
/// of words (`use`, `account`); on the judged set's dev half 3, 5, 8, 12
/// and all gave English→Nordic 0.54, 0.58, 0.58, 0.57 and 0.57.
const MAX_BACKWARD_WORDS: usize = 5;
/// Longest translation used, in words.
const MAX_TERM_WORDS: usize = 4;

/// The lexicons: a normalised headword → its translations.
#[derive(Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Lexicons {
    /// English headword (stem key) → Nordic translations.
    pub english: HashMap<String, Vec<String>>,
    /// `english` by the headword itself, lowercase: `extension` apart from
    /// `extensive`, which share a stem key.
    english_exact: HashMap<String, Vec<String>>,
    /// English translation (stem key) → the Nordic headwords it
    /// translates, from the Nordic–English dictionaries read backwards;
    /// the headwords whose first sense it is first.
    pub backwards: HashMap<String, Vec<String>>,
    /// `backwards` by the English translation itself, lowercase.
    backwards_exact: HashMap<String, Vec<String>>,
    /// Swedish → Norwegian and Norwegian → Swedish.
    pub neighbour: HashMap<String, Vec<String>>,
    /// Norwegian → Danish.
    pub danish: HashMap<String, Vec<String>>,
    /// Danish → Norwegian.
    pub from_danish: HashMap<String, Vec<String>>,
    /// The keys of every Bokmål word the Danish–Bokmål pairs name (also
    /// those spelt as in Danish): such a word is not read as Danish.
    pub norwegian: std::collections::HashSet<String>,
    /// Nynorsk → Bokmål and Bokmål → Nynorsk.
    pub variant: HashMap<String, Vec<String>>,
    /// The dictionaries not found: what each is, and how to install it.
    pub missing: Vec<(String, String)>,
    /// The Nordic–English pairs read so far, by sense (`senses[i]`: the
    /// `(English key, Nordic head)` pairs where the English word is the
    /// head's translation number `i`), entered into `backwards` by
    /// [`Lexicons::finish_backwards`].
    #[serde(skip)]
    senses: Vec<Vec<(String, String)>>,
    /// Every Nordic–English pair read so far, both ways, for the pairs
    /// learnt from compounds ([`Lexicons::learn_parts`]).
    #[serde(skip)]
    pairs: Vec<parts::Pair>,
}

/// Where a dictionary's pairs go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// English headwords, Nordic translations: into `english`.
    FromEnglish,
    /// Nordic headwords, English translations: into `backwards`.
    IntoEnglish,
    /// Swedish → Norwegian, entered both ways in `neighbour`.
    Neighbour,
    /// Danish → Norwegian, entered into `from_danish` and, backwards,
    /// `danish`.
    Danish,
    /// Nynorsk → Bokmål, entered both ways in `variant`.
    Variant,
}

/// One FreeDict dictionary: its file stem and where its pairs go.
struct Source {
    stem: &'static str,
    kind: Kind,
    /// The headwords' language (for their stem keys).
    lang: &'static str,
}

const SOURCES: &[Source] = &[
    Source {
        stem: "freedict-eng-nor",
        kind: Kind::FromEnglish,
        lang: "en",
    },
    Source {
        stem: "freedict-eng-swe",
        kind: Kind::FromEnglish,
        lang: "en",
    },
    Source {
        stem: "freedict-eng-dan",
        kind: Kind::FromEnglish,
        lang: "en",
    },
    Source {
        stem: "freedict-swe-eng",
        kind: Kind::IntoEnglish,
        lang: "sv",
    },
    Source {
        stem: "freedict-dan-eng",
        kind: Kind::IntoEnglish,
        lang: "da",
    },
    Source {
        stem: "freedict-swe-nor",
        kind: Kind::Neighbour,
        lang: "sv",
    },
    Source {
        stem: "freedict-nno-nob",
        kind: Kind::Variant,
        lang: "no",
    },
];

/// One of Apertium's bilingual dictionaries: its file in its package's
/// folder, its package, and where its pairs go.
struct Apertium {
    file: &'static str,
    package: &'static str,
    source: Source,
}

/// Apertium's Swedish–Bokmål pairs go where FreeDict's swe-nor goes (after
/// it: its pairs come first where both have some); the Danish–Bokmål pairs
/// have no FreeDict counterpart.
const APERTIUM: &[Apertium] = &[
    Apertium {
        file: "apertium-swe-nor/swe-nob.autobil.bin",
        package: "apertium-swe-nor",
        source: Source {
            stem: "apertium-swe-nob",
            kind: Kind::Neighbour,
            lang: "sv",
        },
    },
    Apertium {
        file: "apertium-dan-nor/dan-nob.autobil.bin",
        package: "apertium-dan-nor",
        source: Source {
            stem: "apertium-dan-nob",
            kind: Kind::Danish,
            lang: "da",
        },
    },
];

/// The lexicons, read once on first use: from the cache of a process
/// before when it read the same dictionaries (see [`cache`]), else built
/// from them and kept there.
pub fn builtin() -> &'static Lexicons {
    static L: OnceLock<Lexicons> = OnceLock::new();
    L.get_or_init(|| {
        use crate::config::dir_from_env;
        let dir = dir_from_env(DIR_ENV, DEFAULT_DIR);
        let apertium = dir_from_env(APERTIUM_DIR_ENV, APERTIUM_DEFAULT_DIR);
        let folkets = lexicon_dir();
        // every file the build below reads
        let mut files: Vec<std::path::PathBuf> =
            SOURCES.iter().flat_map(|s| dictd_files(&dir, s.stem)).collect();
        files.extend(APERTIUM.iter().map(|a| apertium.join(a.file)));
        files.extend(folkets.iter().map(|d| d.join(FOLKETS_FILE)));
        let key = cache::key(&files);
        let kept = cache::dir().map(|c| {
            let folders = [dir.as_path(), apertium.as_path()];
            let folders: Vec<&Path> = folders.into_iter().chain(folkets.as_deref()).collect();
            cache::file(&c, &folders)
        });
        if let Some(l) = kept.as_deref().and_then(|f| cache::read(f, &key)) {
            return l;
        }
        let mut l = Lexicons::read(&dir, &apertium);
        match &folkets {
            Some(dir) => l.add_folkets(dir),
            None => {
                tracing::info!(
                    "no folder for Folkets lexikon (set {LEXICON_DIR_ENV} or HOME): fewer English words translated"
                );
                l.missing.push(folkets_missing());
            }
        }
        l.pivot();
        if let Some(f) = &kept {
            cache::write(f, &key, &l);
        }
        l
    })
}

/// No lexicons (for searches with translation and neighbour words off).
pub fn none() -> &'static Lexicons {
    static L: OnceLock<Lexicons> = OnceLock::new();
    L.get_or_init(Lexicons::default)
}

impl Lexicons {
    /// Read every FreeDict dictionary found in `dir` and the Apertium
    /// pairs found in `apertium`.
    pub fn load(dir: &Path, apertium: &Path) -> Lexicons {
        let mut l = Lexicons::read(dir, apertium);
        l.pivot();
        l
    }

    /// [`Lexicons::load`] without the pivot (more pairs may follow).
    fn read(dir: &Path, apertium: &Path) -> Lexicons {
        let mut l = Lexicons::default();
        for s in SOURCES {
            match read_dictd(dir, s.stem) {
                Some(entries) => l.add(s, entries),
                None => {
                    tracing::info!(
                        "no FreeDict dictionary `{}` in `{}`: its languages are not translated (install dict-{}, or set {DIR_ENV})",
                        s.stem,
                        dir.display(),
                        s.stem
                    );
                    l.missing.push((
                        format!("FreeDict {}", s.stem.trim_start_matches("freedict-")),
                        format!("apt-get install dict-{}", s.stem),
                    ));
                }
            }
        }
        for a in APERTIUM {
            match read_apertium(apertium, a) {
                Some(pairs) => l.add_apertium(&a.source, pairs),
                None => l.missing.push((
                    format!("Apertium {}", a.source.stem.trim_start_matches("apertium-")),
                    format!("apt-get install {}", a.package),
                )),
            }
        }
        l
    }

    /// Add Folkets lexikon's Swedish–English pairs from `dir`, when there.
    fn add_folkets(&mut self, dir: &Path) {
        let path = dir.join(FOLKETS_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => self.add(&FOLKETS, parse_folkets(&text)),
            Err(e) => {
                tracing::info!(
                    "no Folkets lexikon at `{}` ({e}): fewer English words translated (run scripts/fetch-lexicons.sh, or set {LEXICON_DIR_ENV})",
                    path.display()
                );
                self.missing.push(folkets_missing());
            }
        }
    }

    /// Add one of Apertium's dictionaries, its pairs as read.
    fn add_apertium(&mut self, s: &Source, pairs: Vec<apertium::Pair>) {
        let danish = s.kind == Kind::Danish;
        if danish {
            self.norwegian
                .extend(pairs.iter().map(|p| neighbour_key("no", &p.right)));
        }
        // (Swedish–Bokmål: over half its pairs are spelt alike, many of them
        // loans beside the word itself, `planering` → `planering` and
        // `planlegging`; dropping them lost such pairs)
        self.add(s, apertium_entries(pairs, danish));
        if danish {
            // the Danish words of a Norwegian one gathered from several
            // Danish entries: the cognate first (`vei` → `vej`, then
            // `trafikåre`)
            for (key, words) in &mut self.danish {
                let likeness = |w: &String| strsim::normalized_levenshtein(key, &w.to_lowercase());
                words.sort_by(|a, b| likeness(b).total_cmp(&likeness(a)));
            }
        }
    }

    fn add(&mut self, s: &Source, entries: Vec<(String, Vec<String>)>) {
        // heads some entry translates as themselves (a head may have several
        // entries: `melding` → `beskjed`, then `melding` → `melding`)
        let shared: std::collections::HashSet<String> = match s.kind {
            Kind::Variant => entries
                .iter()
                .filter(|(h, ts)| ts.iter().any(|t| t.to_lowercase() == h.to_lowercase()))
                .map(|(h, _)| h.to_lowercase())
                .collect(),
            _ => Default::default(),
        };
        for (head, translations) in entries {
            // every English pair, untrimmed, for the pairs learnt from compounds
            let pair = |nordic: &str, english: &str| parts::Pair {
                nordic: nordic.to_lowercase(),
                english: english.to_lowercase(),
            };
            match s.kind {
                Kind::FromEnglish => self
                    .pairs
                    .extend(translations.iter().map(|t| pair(t, &head))),
                Kind::IntoEnglish => self
                    .pairs
                    .extend(translations.iter().map(|t| pair(&head, t))),
                _ => {}
            }
            let translations: Vec<String> = translations
                .into_iter()
                .filter(|t| t.split_whitespace().count() <= MAX_TERM_WORDS)
                .take(MAX_TRANSLATIONS)
                .collect();
            match s.kind {
                Kind::FromEnglish => {
                    push_all(&mut self.english, stem_key("en", &head), &translations);
                    push_all(&mut self.english_exact, exact_key(&head), &translations);
                }
                // kept by sense, entered across the dictionaries by
                // `finish_backwards`
                Kind::IntoEnglish => {
                    if self.senses.len() < translations.len() {
                        self.senses.resize(translations.len(), Vec::new());
                    }
                    for (sense, t) in translations.iter().enumerate() {
                        self.senses[sense].push((t.clone(), head.clone()));
                    }
                }
                Kind::Neighbour => {
                    let own = neighbour_key(s.lang, &head);
                    let keyed: Vec<(String, String)> = translations
                        .into_iter()
                        .map(|t| (neighbour_key("no", &t), t))
                        .collect();
                    both_ways(&mut self.neighbour, own, &head, keyed);
                }
                // kept one way each (a Danish and a Norwegian word may share
                // a stem key: `krave` and `krav`)
                Kind::Danish => {
                    for t in &translations {
                        push_all(
                            &mut self.danish,
                            neighbour_key("no", t),
                            std::slice::from_ref(&head),
                        );
                    }
                    push_all(
                        &mut self.from_danish,
                        neighbour_key(s.lang, &head),
                        &translations,
                    );
                }
                Kind::Variant => {
                    // a head spelt alike in both standards (`melding` →
                    // `melding`, `beskjed`) is a word of both: its other
                    // translations are synonyms, not the other spelling
                    if shared.contains(&head.to_lowercase()) {
                        continue;
                    }
                    // a pair spelt alike in both (`plan`/`plan`) adds nothing
                    let own = stem_key("no", &head);
                    let keyed: Vec<(String, String)> = translations
                        .into_iter()
                        .map(|t| (stem_key("no", &t), t))
                        .filter(|(stem, _)| *stem != own)
                        .map(|(stem, t)| (variant_key(&t, stem), t))
                        .collect();
                    let own = variant_key(&head, own);
                    both_ways(&mut self.variant, own, &head, keyed);
                }
            }
        }
    }

    /// Give each Nordic translation of an English word its first neighbour
    /// word, right after it (English → Swedish → Norwegian: `harbour` →
    /// `hamn` → `havn`; English → Danish → Norwegian: `waste` → `affald`
    /// → `avfall`), the pivot that gives Bokmål the larger English–Swedish
    /// and English–Danish coverage. Only the first: the dictionary's own
    /// pair, or the most alike in spelling; the rest are often another
    /// sense's word.
    fn pivot(&mut self) {
        self.learn_parts();
        self.finish_backwards();
        // the four maps share most of their words: each word's pivot is
        // looked up once
        let mut more: HashMap<String, Vec<String>> = HashMap::new();
        for maps in [
            &self.english,
            &self.backwards,
            &self.english_exact,
            &self.backwards_exact,
        ] {
            for t in maps.values().flatten() {
                if !more.contains_key(t) {
                    let words = self
                        .neighbours(t)
                        .first()
                        .into_iter()
                        .chain(self.norwegian_of_danish(t).first())
                        .cloned()
                        .collect();
                    more.insert(t.clone(), words);
                }
            }
        }
        for map in [
            &mut self.english,
            &mut self.backwards,
            &mut self.english_exact,
            &mut self.backwards_exact,
        ] {
            pivoted(map, &more);
        }
    }

    /// Put the Nordic words learnt from the compounds of the pairs read so
    /// far (see [`parts`]) first among their English words' translations.
    fn learn_parts(&mut self) {
        let pairs = std::mem::take(&mut self.pairs);
        let mut known: HashMap<String, Vec<String>> = HashMap::new();
        let mut heads: std::collections::HashSet<String> = Default::default();
        for p in &pairs {
            if p.nordic.chars().all(char::is_alphabetic) {
                heads.insert(p.nordic.clone());
            }
            if !p.english.contains(' ') {
                let words = known.entry(p.english.clone()).or_default();
                if !words.contains(&p.nordic) {
                    words.push(p.nordic.clone());
                }
            }
        }
        for (english, words) in parts::learn(&pairs, &known, &heads) {
            for (map, key) in [
                (&mut self.english, stem_key("en", &english)),
                (&mut self.english_exact, exact_key(&english)),
            ] {
                let list = map.entry(key).or_default();
                list.retain(|w| !words.contains(w));
                list.splice(0..0, words.iter().cloned());
            }
        }
    }

    /// Enter the Nordic–English pairs read so far into `backwards`, sense
    /// by sense across the dictionaries: the heads an English word is the
    /// first translation of before those it is a later one of (`ban`:
    /// `förbud` "ban, prohibition" before `bannlysa` "excommunicate,
    /// ban"), whichever dictionary has them.
    fn finish_backwards(&mut self) {
        for pairs in std::mem::take(&mut self.senses) {
            for (english, head) in pairs {
                for (map, key) in [
                    (&mut self.backwards, stem_key("en", &english)),
                    (&mut self.backwards_exact, exact_key(&english)),
                ] {
                    if map.get(&key).is_none_or(|h| h.len() < MAX_BACKWARD_WORDS) {
                        push_all(map, key, std::slice::from_ref(&head));
                    }
                }
            }
        }
    }

    /// Lexicons with only the English translations `entries` (tests).
    #[cfg(test)]
    pub(crate) fn with_translations(entries: &[(&str, &[&str])]) -> Lexicons {
        let mut l = Lexicons::default();
        for (en, nordic) in entries {
            let nordic: Vec<String> = nordic.iter().map(|s| s.to_string()).collect();
            push_all(&mut l.english, stem_key("en", en), &nordic);
            push_all(&mut l.english_exact, exact_key(en), &nordic);
        }
        l
    }

    /// Lexicons with only the Swedish → Norwegian pairs `pairs` (tests).
    #[cfg(test)]
    pub(crate) fn with_neighbours(pairs: &[(&str, &str)]) -> Lexicons {
        let mut l = Lexicons::default();
        for (sv, no) in pairs {
            let keyed = vec![(neighbour_key("no", no), no.to_string())];
            both_ways(&mut l.neighbour, neighbour_key("sv", sv), sv, keyed);
        }
        l
    }

    /// Nordic translations of an English word or phrase (any inflection):
    /// the English–Nordic dictionaries' first, then the Nordic–English
    /// ones' read backwards.
    ///
    /// A phrase some dictionary has as it is written (or in the singular)
    /// gets that headword's translations first, then those of every
    /// headword that shares its stem (inflections and derivations
    /// documents use: `housing` finds `bolig` through `house`), so
    /// `extension` leads with its own `forlengelse`, not `extensive`'s
    /// `omfattende`.
    pub fn translations(&self, phrase: &str) -> Vec<String> {
        let exact = singulars(&exact_key(phrase))
            .into_iter()
            .map(|k| (&self.english_exact, &self.backwards_exact, k));
        let stem = (&self.english, &self.backwards, stem_key("en", phrase));
        let mut out: Vec<String> = Vec::new();
        for (english, backwards, key) in exact.chain(std::iter::once(stem)) {
            for w in words_of(english, key.clone())
                .iter()
                .chain(words_of(backwards, key))
            {
                if !out.contains(w) {
                    out.push(w.clone());
                }
            }
        }
        out
    }

    /// The other Norwegian written standard's words for a Nynorsk or Bokmål
    /// word or phrase (any inflection).
    pub fn variants(&self, phrase: &str) -> &[String] {
        words_of(&self.variant, variant_key(phrase, stem_key("no", phrase)))
    }

    /// The neighbour language's words for a Norwegian or Swedish word or
    /// phrase (any inflection).
    pub fn neighbours(&self, phrase: &str) -> &[String] {
        ["no", "sv"]
            .iter()
            .find_map(|lang| self.neighbour.get(&neighbour_key(lang, phrase)))
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// True when `a` and `b` are one word inflected (the same Norwegian or
    /// Swedish stem): `fondet` and `fond`.
    pub fn same_stem(&self, a: &str, b: &str) -> bool {
        ["no", "sv"]
            .iter()
            .any(|lang| stem_key(lang, a) == stem_key(lang, b))
    }

    /// The Danish words for a Norwegian word or phrase (any inflection).
    /// Only that way: a query word read as Danish too would give English
    /// words Danish readings (`centre`).
    pub fn danish(&self, phrase: &str) -> &[String] {
        words_of(&self.danish, neighbour_key("no", phrase))
    }

    /// The Norwegian words for a Danish word that is no Norwegian word
    /// (any inflection), for the pivot.
    fn norwegian_of_danish(&self, word: &str) -> &[String] {
        if self.norwegian.contains(&neighbour_key("no", word)) {
            return &[];
        }
        words_of(&self.from_danish, neighbour_key("da", word))
    }
}

/// Each word of `map`'s entries followed by its pivot words in `more`
/// (see [`Lexicons::pivot`]), each word once per entry.
fn pivoted(map: &mut HashMap<String, Vec<String>>, more: &HashMap<String, Vec<String>>) {
    for words in map.values_mut() {
        let mut out: Vec<String> = Vec::with_capacity(words.len() * 2);
        for t in words.iter() {
            let extra = more.get(t).map(Vec::as_slice).unwrap_or_default();
            for w in std::iter::once(t).chain(extra) {
                if !out.contains(w) {
                    out.push(w.clone());
                }
            }
        }
        *words = out;
    }
}

/// An English headword or phrase as written, lowercase, single-spaced.
fn exact_key(s: &str) -> String {
    s.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// `key` and the singulars its last word may be the plural of (`bans` →
/// `ban`, `policies` → `policy`, `taxes` → `tax`), the key itself first.
fn singulars(key: &str) -> Vec<String> {
    let mut out = vec![key.to_string()];
    if let Some(stem) = key.strip_suffix("ies") {
        out.push(format!("{stem}y"));
    }
    if let Some(stem) = key.strip_suffix("es") {
        out.push(stem.to_string());
    }
    if let Some(stem) = key.strip_suffix('s').filter(|s| !s.ends_with('s')) {
        out.push(stem.to_string());
    }
    out
}

/// The words `map` holds under `key` (none when it holds no entry).
fn words_of(map: &HashMap<String, Vec<String>>, key: String) -> &[String] {
    map.get(&key).map(Vec::as_slice).unwrap_or_default()
}

fn push_all(map: &mut HashMap<String, Vec<String>>, key: String, terms: &[String]) {
    if key.is_empty() {
        return;
    }
    let v = map.entry(key).or_default();
    for t in terms {
        if !v.contains(t) && t.chars().any(char::is_alphabetic) {
            v.push(t.clone());
        }
    }
}

/// The words of `s` stemmed as language `lang` (`en`, `no`, `sv`), so
/// `harbours` finds `harbour` and `havnene` finds `havn`.
/// Each thread keeps one analyzer per language: keys are made for every
/// entry while the dictionaries load and for every query word after.
fn stem_key(lang: &str, s: &str) -> String {
    thread_local! {
        static ANALYZERS: std::cell::RefCell<HashMap<&'static str, tantivy::tokenizer::TextAnalyzer>> =
            std::cell::RefCell::new(HashMap::new());
    }
    let Some(l) = ANALYZED.iter().find(|l| l.key == lang) else {
        return String::new();
    };
    ANALYZERS.with(|cell| {
        let mut analyzers = cell.borrow_mut();
        let a = analyzers
            .entry(l.key)
            .or_insert_with(|| analyzer::exact_analyzer(l));
        analyzer::tokens(a, s)
            .into_iter()
            .map(|t| t.text)
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// Shortest stem a Swedish–Norwegian pair is keyed by.
const NEIGHBOUR_STEM_CHARS: usize = 4;

/// The key of a word among the Swedish–Norwegian pairs: its stem, or the
/// word itself where the stem is shorter than [`NEIGHBOUR_STEM_CHARS`].
/// Short stems join unrelated words: `varlig` and `var` both stem to
/// `var`, and `var` → `hvor` made `varlig` (and English `care`, through
/// the pivot) mean `hvor`.
fn neighbour_key(lang: &str, word: &str) -> String {
    let stem = stem_key(lang, word);
    if stem.chars().count() < NEIGHBOUR_STEM_CHARS && stem != word.to_lowercase() {
        word.to_lowercase()
    } else {
        stem
    }
}

/// Shortest word looked up by its stem among the Nynorsk–Bokmål pairs.
const VARIANT_STEM_CHARS: usize = 5;

/// The key of a word among the Nynorsk–Bokmål pairs, given its stem key:
/// the stem from [`VARIANT_STEM_CHARS`] letters (`verksemda` finds
/// `verksemd`), the word itself below: short words' stems collide (`føre` and
/// `før` share `før`, and `føre` → `for` must not make `før` mean `for`).
fn variant_key(word: &str, stem: String) -> String {
    if word.chars().count() >= VARIANT_STEM_CHARS {
        stem
    } else {
        word.to_lowercase()
    }
}

/// Enter a pair both ways: `head` (under `own`) gives each translation, and
/// each translation (under its key) gives `head`.
fn both_ways(
    map: &mut HashMap<String, Vec<String>>,
    own: String,
    head: &str,
    keyed: Vec<(String, String)>,
) {
    let translations: Vec<String> = keyed.iter().map(|(_, t)| t.clone()).collect();
    push_all(map, own, &translations);
    for (key, _) in keyed {
        push_all(map, key, &[head.to_string()]);
    }
}

/// Read one of Apertium's bilingual dictionaries under `dir`: its pairs of
/// lemmas (see [`apertium_entries`] for those kept).
fn read_apertium(dir: &Path, a: &Apertium) -> Option<Vec<apertium::Pair>> {
    let path = dir.join(a.file);
    let pairs = match apertium::read_pairs(&path) {
        Ok(pairs) => pairs,
        Err(e) => {
            tracing::info!(
                "no Apertium dictionary at `{}` ({e}): fewer words of the neighbour languages (install {}, or set {APERTIUM_DIR_ENV})",
                path.display(),
                a.package
            );
            return None;
        }
    };
    Some(pairs)
}

/// Headwords and their translations.
type Entries = Vec<(String, Vec<String>)>;

/// Group Apertium's pairs into `(left lemma, Bokmål lemmas)` entries:
/// nouns, adjectives and verbs whose two lemmas differ, each left lemma's
/// Bokmål ones most alike in spelling first (the cognate before the
/// synonym: `tillstånd` gives `tilstand`, then `tillatelse`, then
/// `løyve`). With `drop_alike`, a lemma spelt alike on the other side
/// (`sende`/`sende`) is taken for that language's word too: its other pairs
/// are synonyms or other senses (`sende` → `tilstille`, `krav` ←
/// `forlangende`), left out both ways.
fn apertium_entries(pairs: Vec<apertium::Pair>, drop_alike: bool) -> Entries {
    let word = |w: &str| !w.is_empty() && w.chars().all(|c| c.is_alphabetic() || c == '-');
    let alike: std::collections::HashSet<&str> = pairs
        .iter()
        .filter(|p| drop_alike && p.left == p.right)
        .map(|p| p.left.as_str())
        .collect();
    let mut by_head: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for p in &pairs {
        if APERTIUM_TAGS.contains(&p.tag.as_str())
            && p.left != p.right
            && !alike.contains(p.left.as_str())
            && !alike.contains(p.right.as_str())
            && word(&p.left)
            && word(&p.right)
        {
            let v = by_head.entry(p.left.clone()).or_default();
            if !v.contains(&p.right) {
                v.push(p.right.clone());
            }
        }
    }
    by_head
        .into_iter()
        .map(|(head, words)| {
            // each word's likeness once; a stable sort keeps the
            // dictionary's order among equally alike words
            let mut alike: Vec<(f64, String)> = words
                .into_iter()
                .map(|w| (strsim::normalized_levenshtein(&head, &w), w))
                .collect();
            alike.sort_by(|a, b| b.0.total_cmp(&a.0));
            (head, alike.into_iter().map(|(_, w)| w).collect())
        })
        .collect()
}

/// Folkets lexikon as a missing dictionary: its name, and how to get it.
fn folkets_missing() -> (String, String) {
    (
        "Folkets lexikon".into(),
        format!("run scripts/fetch-lexicons.sh, or set {LEXICON_DIR_ENV}"),
    )
}

/// The folder of the lexicons fetched from a registry:
/// `$KARTOTEK_LEXICON_DIR`, else `$XDG_DATA_HOME/kartotek/lexicon`, else
/// `$HOME/.local/share/kartotek/lexicon`.
pub fn lexicon_dir() -> Option<std::path::PathBuf> {
    let var = |v: &str| std::env::var_os(v).filter(|v| !v.is_empty());
    if let Some(d) = var(LEXICON_DIR_ENV) {
        return Some(d.into());
    }
    let data = var("XDG_DATA_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| var("HOME").map(|h| std::path::Path::new(&h).join(".local/share")))?;
    Some(data.join("kartotek/lexicon"))
}

/// Parse Folkets lexikon's `head<TAB>translation, translation` lines
/// (`#` lines are comments) into entries: compound marks dropped from the
/// head (`tillmötes|gående`), HTML quotes decoded, notes in brackets and
/// an infinitive's `to ` dropped from the translations.
fn parse_folkets(text: &str) -> Entries {
    let decode = |s: &str| {
        s.replace("&#39;", "'")
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
    };
    let mut out = Vec::new();
    for line in text.lines() {
        let Some((head, rest)) = line.split_once('\t') else {
            continue;
        };
        if head.starts_with('#') {
            continue;
        }
        let head = decode(head).replace('|', "");
        let head = head.trim();
        if head.is_empty() || !head.chars().any(char::is_alphabetic) {
            continue;
        }
        let translations: Vec<String> = strip_brackets(&decode(rest))
            .split([',', ';'])
            .map(|t| {
                let t = t.trim();
                t.strip_prefix("to ").unwrap_or(t).trim().to_string()
            })
            .filter(|t| t.chars().any(char::is_alphabetic))
            .collect();
        if !translations.is_empty() {
            out.push((head.to_string(), translations));
        }
    }
    out
}

/// Decode a dictd base64 number.
fn b64(s: &str) -> Option<usize> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    s.bytes().try_fold(0usize, |n, b| {
        let d = ALPHABET.iter().position(|&a| a == b)?;
        n.checked_mul(64)?.checked_add(d)
    })
}

/// A dictd dictionary's two files in `dir`: its index and its compressed
/// body.
fn dictd_files(dir: &Path, stem: &str) -> [std::path::PathBuf; 2] {
    [
        dir.join(format!("{stem}.index")),
        dir.join(format!("{stem}.dict.dz")),
    ]
}

/// Read a dictd dictionary (`stem.index` + `stem.dict.dz`) into
/// `(headword, translations)` pairs.
fn read_dictd(dir: &Path, stem: &str) -> Option<Vec<(String, Vec<String>)>> {
    let [index, body] = dictd_files(dir, stem);
    let index = std::fs::read_to_string(index).ok()?;
    let file = std::fs::File::open(body).ok()?;
    let mut body = Vec::new();
    flate2::read::MultiGzDecoder::new(file)
        .read_to_end(&mut body)
        .ok()?;
    Some(parse_dictd(&index, &body))
}

/// Parse a dictd index and its uncompressed body.
fn parse_dictd(index: &str, body: &[u8]) -> Vec<(String, Vec<String>)> {
    let head = String::from_utf8_lossy(&body[..body.len().min(4_096)]);
    let wikdict = head.contains("WikDict");
    let mut out = Vec::new();
    for line in index.lines() {
        let mut cols = line.split('\t');
        let (Some(word), Some(off), Some(len)) = (cols.next(), cols.next(), cols.next()) else {
            continue;
        };
        if word.starts_with("00database") || word.starts_with("00-database") {
            continue;
        }
        let (Some(off), Some(len)) = (b64(off), b64(len)) else {
            continue;
        };
        let Some(bytes) = body.get(off..off.saturating_add(len)) else {
            continue;
        };
        let text = String::from_utf8_lossy(bytes);
        if filed_under_first_word(word, text.lines().next().unwrap_or_default()) {
            continue;
        }
        let translations = entry_translations(&text, wikdict);
        if !translations.is_empty() {
            out.push((word.to_string(), translations));
        }
    }
    out
}

/// True when an entry's pronunciation is of a longer phrase than its
/// one-word headword: Ergane's English–Swedish dictionary files phrases
/// under their first word (`house` /hausɔfwəːʃip/ → `kyrka`, `at`
/// /eithoum/ → `hemma`), and the translation is the phrase's, not the
/// word's. The sounds of a word are about as many as its letters; three
/// more than that and the entry is skipped. Phrases written with spaces
/// (WikDict's `22nd` /twɛnti sɛkənd/) are left alone.
fn filed_under_first_word(word: &str, first_line: &str) -> bool {
    if word.contains(char::is_whitespace) {
        return false;
    }
    let Some((_, rest)) = first_line.split_once('/') else {
        return false;
    };
    let rest = rest.trim_start_matches('/');
    let Some((sounds, _)) = rest.split_once('/') else {
        return false;
    };
    if sounds.contains(char::is_whitespace) {
        return false;
    }
    let n = sounds
        .chars()
        .filter(|c| !matches!(c, 'ˈ' | 'ˌ' | 'ː' | '.' | '[' | ']' | '(' | ')'))
        .count();
    n > word.chars().count() + 3
}

/// The translations of one entry's text (its first line is the headword).
///
/// WikDict entries alternate translation and gloss lines (`planlegge` /
/// `to create a plan for`), senses numbered `1. plan 2.` with bare ` 3.`
/// lines before further glosses; the older FreeDict ones hold translations
/// only (`1. afrikansk`), with notes in brackets.
fn entry_translations(text: &str, wikdict: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut expect = true;
    for line in text.lines().skip(1) {
        let l = line.trim();
        if l.is_empty() {
            continue;
        }
        let (numbered, rest) = match l.split_once(". ") {
            Some((n, rest)) if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => {
                (true, rest)
            }
            _ => (false, l),
        };
        if l.trim_end_matches('.').chars().all(|c| c.is_ascii_digit()) {
            // a bare sense number: a gloss follows
            expect = false;
            continue;
        }
        if wikdict && !numbered && !expect {
            continue;
        }
        expect = false;
        let rest = strip_trailing_number(&strip_brackets(rest));
        for t in rest.split([',', ';']) {
            let t = t.trim();
            if !t.is_empty() && t.chars().any(char::is_alphabetic) {
                out.push(t.to_string());
            }
        }
    }
    out
}

fn strip_brackets(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '[' | '(' => depth += 1,
            ']' | ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// `plan 2.` → `plan`.
fn strip_trailing_number(s: &str) -> String {
    let t = s.trim_end();
    match t.rsplit_once(' ') {
        Some((head, n))
            if n.ends_with('.') && n.trim_end_matches('.').chars().all(|c| c.is_ascii_digit()) =>
        {
            head.trim_end().to_string()
        }
        _ => t.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listed_word_gets_its_own_senses_before_its_stems_others() {
        // `extension` and `extensive` share the stem key `extens`
        let l = Lexicons::with_translations(&[
            ("extensive", &["omfattende"]),
            ("extension", &["forlengelse"]),
        ]);
        assert_eq!(l.translations("extension"), ["forlengelse", "omfattende"]);
        assert_eq!(l.translations("Extensions"), ["forlengelse", "omfattende"]);
        assert_eq!(l.translations("extensive"), ["omfattende", "forlengelse"]);
        // candidates only: a form no dictionary lists is never looked up
        assert!(singulars("policies").contains(&"policy".to_string()));
        assert!(singulars("taxes").contains(&"tax".to_string()));
        assert_eq!(singulars("bans"), ["bans", "ban"]);
        assert_eq!(singulars("access"), ["access"]);
    }

    #[test]
    fn wikdict_entries_give_translations_not_glosses() {
        let e = "plane /pleɪn/ <n>\n1. plan 2.\nmath: flat surface\n 3.\nlevel of existence\n2. høvel\na tool\n";
        assert_eq!(entry_translations(e, true), ["plan", "høvel"]);
        let e = "hamn /hˈamn/ <n, ut>\nhavn\nplats där båtar lägger till\n";
        assert_eq!(entry_translations(e, true), ["havn"]);
    }

    #[test]
    fn older_freedict_entries_list_every_line() {
        let e = "African /æfrikən/\n1. afrikansk\n2. afrikan\n";
        assert_eq!(entry_translations(e, false), ["afrikansk", "afrikan"]);
        let e = "aftermath /ˈaftə/ <n>\neftervirkning [in the aftermath of war]\n";
        assert_eq!(entry_translations(e, false), ["eftervirkning"]);
    }

    #[test]
    fn a_phrase_filed_under_its_first_word_is_no_entry_of_the_word() {
        assert!(filed_under_first_word("house", "house /hausɔfwəːʃip/"));
        assert!(filed_under_first_word("at", "at /eithoum/"));
        assert!(!filed_under_first_word("house", "house /haus/"));
        assert!(!filed_under_first_word(
            "care",
            "care //kɛ(ə)ɹ// //kɛə// <n>"
        ));
        assert!(!filed_under_first_word("22nd", "22nd /twɛnti sɛkənd/"));
        assert!(!filed_under_first_word("kyrka", "kyrka"));
    }

    #[test]
    fn a_short_stem_does_not_join_a_longer_word_to_a_pair() {
        let l = Lexicons::with_neighbours(&[("var", "hvor"), ("hamn", "havn")]);
        assert_eq!(l.neighbours("var"), ["hvor"]);
        assert!(l.neighbours("varlig").is_empty(), "`varlig` stems to `var`");
        assert_eq!(l.neighbours("hamnen"), ["havn"]);
        assert_eq!(l.neighbours("havnene"), ["hamn"]);
    }

    #[test]
    fn dictd_index_numbers_are_base64() {
        assert_eq!(b64("A"), Some(0));
        assert_eq!(b64("b"), Some(27));
        assert_eq!(b64("BA"), Some(64));
        assert_eq!(b64("!"), None);
    }

    #[test]
    fn an_index_and_body_parse_into_pairs_both_ways() {
        let body = "00-database-info WikDict\nhamn /h/\nhavn\nplats\nkust /k/\nkyst\nland\n";
        let hamn = body.find("hamn").unwrap();
        let kust = body.find("kust").unwrap();
        let enc = |n: usize| {
            const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            let mut s = Vec::new();
            let mut n = n;
            loop {
                s.push(A[n % 64]);
                n /= 64;
                if n == 0 {
                    break;
                }
            }
            s.reverse();
            String::from_utf8(s).unwrap()
        };
        let index = format!(
            "hamn\t{}\t{}\nkust\t{}\t{}\n",
            enc(hamn),
            enc(kust - hamn),
            enc(kust),
            enc(body.len() - kust)
        );
        let entries = parse_dictd(&index, body.as_bytes());
        let mut l = Lexicons::default();
        l.add(source("freedict-swe-nor"), entries);
        assert_eq!(l.neighbours("Hamn"), ["havn"]);
        assert_eq!(l.neighbours("havn"), ["hamn"]);
        assert_eq!(l.neighbours("kysten"), ["kust"]);
        l.english
            .insert(stem_key("en", "harbour"), vec!["hamn".to_string()]);
        l.pivot();
        assert_eq!(l.translations("harbours"), ["hamn", "havn"]);
    }

    fn source(stem: &str) -> &'static Source {
        SOURCES
            .iter()
            .find(|s| s.stem == stem)
            .expect("a known source")
    }

    #[test]
    fn nynorsk_and_bokmaal_pairs_go_both_ways_and_alike_pairs_are_dropped() {
        let mut l = Lexicons::default();
        l.add(
            source("freedict-nno-nob"),
            vec![
                ("verksemd".into(), vec!["virksomhet".into()]),
                ("plan".into(), vec!["plan".into()]),
            ],
        );
        assert_eq!(l.variants("verksemda"), ["virksomhet"]);
        assert_eq!(l.variants("virksomheten"), ["verksemd"]);
        assert!(l.variants("plan").is_empty());
    }

    #[test]
    fn a_word_of_both_standards_gives_no_synonyms_as_variants() {
        let mut l = Lexicons::default();
        // Nynorsk `melding` is Bokmål `beskjed` or `melding`: the same word
        // in both, so `beskjed` is a synonym, not its other spelling
        l.add(
            source("freedict-nno-nob"),
            vec![
                ("melding".into(), vec!["beskjed".into()]),
                ("melding".into(), vec!["melding".into()]),
                ("verksemd".into(), vec!["virksomhet".into()]),
            ],
        );
        assert!(l.variants("beskjed").is_empty());
        assert!(l.variants("meldingen").is_empty());
        assert_eq!(l.variants("virksomhet"), ["verksemd"]);
    }

    #[test]
    fn short_words_meet_their_variants_only_as_written() {
        let mut l = Lexicons::default();
        l.add(
            source("freedict-nno-nob"),
            vec![("føre".into(), vec!["for".into()])],
        );
        assert_eq!(l.variants("føre"), ["for"]);
        assert!(l.variants("før").is_empty(), "`før` is not `føre`");
    }

    #[test]
    fn nordic_to_english_dictionaries_are_read_backwards() {
        let mut l = Lexicons::default();
        l.add(
            source("freedict-dan-eng"),
            vec![("affolkning".into(), vec!["depopulation".into()])],
        );
        l.pivot();
        assert_eq!(l.translations("depopulation"), ["affolkning"]);
    }

    #[test]
    fn a_word_two_compounds_translate_comes_first_for_its_english_word() {
        let mut l = Lexicons::default();
        let entry = |head: &str, english: &[&str]| {
            (
                head.to_string(),
                english.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
            )
        };
        l.add(
            &FOLKETS,
            vec![
                entry("slöseri", &["waste"]),
                entry("avfall", &["refuse", "rubbish", "waste"]),
                entry("matavfall", &["food waste"]),
                entry("hushållsavfall", &["household waste"]),
                entry("mat", &["food"]),
                entry("hushåll", &["household"]),
            ],
        );
        l.pivot();
        assert_eq!(l.translations("waste"), ["avfall", "slöseri"]);
    }

    #[test]
    fn an_english_word_gives_the_heads_of_its_first_sense_first() {
        let mut l = Lexicons::default();
        l.add(
            &FOLKETS,
            vec![
                (
                    "bannlysa".into(),
                    vec!["excommunicate".into(), "ban".into()],
                ),
                ("förbud".into(), vec!["ban".into(), "prohibition".into()]),
            ],
        );
        // a later dictionary's first sense before an earlier one's second
        l.add(
            source("freedict-swe-eng"),
            vec![("bannlyst".into(), vec!["outlawed".into(), "banned".into()])],
        );
        l.add(&FOLKETS, vec![("bann".into(), vec!["ban".into()])]);
        l.pivot();
        assert_eq!(
            l.translations("bans"),
            ["förbud", "bann", "bannlysa", "bannlyst"]
        );
        assert_eq!(l.translations("prohibition"), ["förbud"]);
    }

    #[test]
    fn folkets_lines_give_heads_without_compound_marks_and_translations_without_notes() {
        let entries = parse_folkets(
            "# Folkets lexikon sv→en (CC BY-SA 2.5)\n\
             tillmötes|gående\taccommodating\n\
             tillräknelig\tresponsible for one&#39;s actions\n\
             tillnyktra\tsober up, to sober up\n\
             tillkommande\tfuture [wife/husband]\n\
             100000\tone hundred thousand\n\
             utan flik\n",
        );
        let e = |h: &str, ts: &[&str]| (h.to_string(), ts.iter().map(|t| t.to_string()).collect());
        assert_eq!(
            entries,
            vec![
                e("tillmötesgående", &["accommodating"]),
                e("tillräknelig", &["responsible for one's actions"]),
                e("tillnyktra", &["sober up", "sober up"]),
                e("tillkommande", &["future"]),
            ]
        );
    }

    #[test]
    fn apertium_pairs_give_content_words_most_alike_spelling_first() {
        let pair = apertium::Pair::new;
        let entries = apertium_entries(
            vec![
                pair("tillstånd", "løyve", "n"),
                pair("tillstånd", "tillatelse", "n"),
                pair("tillstånd", "tilstand", "n"),
                // alike in both, a name, a numeral range: nothing to add
                pair("plan", "plan", "n"),
                pair("Göteborg", "Gøteborg", "np"),
                pair("tio–tolv", "ti–tolv", "det"),
                // a Swedish word with a loan spelt alike beside its own pair
                pair("planering", "planering", "n"),
                pair("planering", "planlegging", "n"),
            ],
            false,
        );
        assert_eq!(
            entries,
            [
                ("planering".to_string(), vec!["planlegging".to_string()]),
                (
                    "tillstånd".to_string(),
                    vec!["tilstand".to_string(), "tillatelse".into(), "løyve".into()]
                )
            ]
        );
        let mut l = Lexicons::default();
        l.add(&APERTIUM[0].source, entries);
        assert_eq!(
            l.neighbours("tillståndet"),
            ["tilstand", "tillatelse", "løyve"]
        );
        assert_eq!(l.neighbours("tillatelsen"), ["tillstånd"]);
    }

    #[test]
    fn danish_pairs_are_kept_one_way_each_without_the_words_both_languages_spell_alike() {
        let pair = apertium::Pair::new;
        let mut l = Lexicons::default();
        l.add_apertium(
            &APERTIUM[1].source,
            vec![
                pair("uddannelse", "utdanning", "n"),
                // `sende` is a word of both: `tilstille` is a synonym
                pair("sende", "sende", "vblex"),
                pair("sende", "tilstille", "vblex"),
                // `krave` (collar) stems as Danish to `krav`, a Norwegian word
                pair("krave", "krage", "n"),
                pair("krav", "krav", "n"),
                // the cognate first, whatever the dictionary's order
                pair("trafikåre", "vei", "n"),
                pair("vej", "vei", "n"),
            ],
        );
        assert_eq!(l.danish("utdanningen"), ["uddannelse"]);
        assert_eq!(l.norwegian_of_danish("uddannelsen"), ["utdanning"]);
        assert_eq!(l.danish("vei"), ["vej", "trafikåre"]);
        for word in ["sende", "tilstille", "krav"] {
            assert!(l.danish(word).is_empty(), "{word}: {:?}", l.danish(word));
        }
        // a Norwegian word is not read as Danish in the pivot
        assert!(l.norwegian_of_danish("krav").is_empty());
        // nor a Danish word as Norwegian
        assert!(l.danish("uddannelse").is_empty());
    }

    #[test]
    fn english_reaches_norwegian_through_danish() {
        let pair = apertium::Pair::new;
        let mut l = Lexicons::default();
        l.add(
            SOURCES
                .iter()
                .find(|s| s.stem == "freedict-eng-dan")
                .unwrap(),
            vec![("waste".to_string(), vec!["affald".to_string()])],
        );
        l.add_apertium(&APERTIUM[1].source, vec![pair("affald", "avfall", "n")]);
        l.pivot();
        assert_eq!(l.translations("wastes"), ["affald", "avfall"]);
    }

    #[test]
    fn a_missing_folder_gives_empty_lexicons() {
        let none = std::env::temp_dir().join("kartotek-no-such-dictd");
        let l = Lexicons::load(&none, &none);
        assert!(
            l.english.is_empty()
                && l.backwards.is_empty()
                && l.neighbour.is_empty()
                && l.danish.is_empty()
                && l.from_danish.is_empty()
                && l.variant.is_empty()
        );
        // each named, with how to install it
        assert_eq!(l.missing.len(), SOURCES.len() + APERTIUM.len());
        assert!(l
            .missing
            .iter()
            .any(|(what, how)| what == "FreeDict eng-nor"
                && how == "apt-get install dict-freedict-eng-nor"));
        assert!(l
            .missing
            .iter()
            .any(|(what, how)| what == "Apertium dan-nob"
                && how == "apt-get install apertium-dan-nor"));
    }
}
