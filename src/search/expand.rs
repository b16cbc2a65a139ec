//! Query expansion: Bokmål ↔ Nynorsk variants and cross-language policy
//! concepts from `taxonomy/thesaurus.toml` (curated, first), the taxonomy's
//! multilingual names for regions, programmes and networks, English → Nordic
//! translations, Swedish ↔ Norwegian and Norwegian → Danish word pairs from
//! FreeDict and Apertium ([`super::lexicon`]), and the parts of compound words
//! ([`crate::index::compound`]).
//!
//! Expansions are extra alternatives of a query group, never requirements:
//! a document matching the literal words still matches, and ranks first,
//! because a variant weighs [`VARIANT_WEIGHT`], a neighbour language's word
//! [`NEIGHBOUR_WEIGHT`], a translation [`TRANSLATION_WEIGHT`] and a
//! compound's parts [`PART_WEIGHT`] of a literal match.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use serde::Deserialize;

use super::lexicon::Lexicons;
use super::query::{Features, Parsed, Target, Unit, Via, ANY_OF};
use crate::index::analyzer::{self, ANALYZED};
use crate::index::compound;
use crate::plan::Stats;
use crate::taxonomy::{FacetKind, Taxonomy};

/// Weight of the other written standard of Norwegian: close to direct, but
/// below it, so a query's own standard ranks its own documents first.
pub(crate) const VARIANT_WEIGHT: f32 = 0.8;
/// Weight of the neighbour Scandinavian language's word (`hamn` for `havn`).
pub(crate) const NEIGHBOUR_WEIGHT: f32 = 0.6;
/// Weight of a compound's parts found apart (`kyst` … `turisme` for
/// `kystturisme`).
pub(crate) const PART_WEIGHT: f32 = 0.5;
/// Most neighbour-language words searched for one word: the lexicon's
/// entries are keyed by stem, so `bruk` also meets the Swedish words for
/// `bruke` and `bruker` (17 in all), and each one searched walks posting
/// lists; the first ones are the dictionary's own pairs for the word.
pub(crate) const MAX_NEIGHBOUR_WORDS: usize = 4;
/// Most Danish words searched for one word (besides the Swedish ones):
/// Apertium's Danish–Bokmål pairs, the cognate first.
pub(crate) const MAX_DANISH_WORDS: usize = 2;
/// Most neighbour words one part of a compound is searched as.
const MAX_PART_NEIGHBOURS: usize = 3;
/// Weight of a translation or a taxonomy alias in another language: below
/// the other written standard's spelling.
pub(crate) const TRANSLATION_WEIGHT: f32 = 0.7;
/// Translations of each word tried in a compound with its neighbour word
/// ([`Expand::joined`]), counted by their cross-Scandinavian key (each in
/// every spelling given, twice as many at most).
const MAX_JOINED_WORDS: usize = 4;
/// Most compounds two neighbouring words make together.
const MAX_JOINED_COMPOUNDS: usize = 2;
/// Longest phrase (in words) looked up.
pub(crate) const MAX_NGRAM: usize = 4;
/// Most alternatives added for one phrase.
pub(crate) const MAX_ALTERNATIVES: usize = 16;

#[derive(Debug, Deserialize)]
struct ThesaurusFile {
    #[serde(default)]
    variant: Vec<[String; 2]>,
    #[serde(default)]
    concept: Vec<BTreeMap<String, Vec<String>>>,
}

/// The compiled thesaurus.
#[derive(Debug, Default)]
pub struct Thesaurus {
    /// Norwegian stem key → the other standard's surface forms.
    variants: HashMap<String, Vec<String>>,
    /// Folded phrase key → concept index.
    phrases: HashMap<String, usize>,
    /// Every term of each concept: each language's first term, then each
    /// one's second, and so on (a query's list of alternatives is short,
    /// and a concept may have 20 names).
    concepts: Vec<Vec<String>>,
}

/// The built-in thesaurus, parsed once.
pub fn builtin() -> &'static Thesaurus {
    static T: OnceLock<Thesaurus> = OnceLock::new();
    T.get_or_init(|| {
        Thesaurus::parse(include_str!("../../taxonomy/thesaurus.toml")).unwrap_or_default()
    })
}

impl Thesaurus {
    /// Parse thesaurus TOML.
    pub fn parse(text: &str) -> crate::error::Result<Thesaurus> {
        let file: ThesaurusFile = toml::from_str(text)
            .map_err(|e| crate::error::Error::Taxonomy(e.message().to_string()))?;
        let mut t = Thesaurus::default();
        for [a, b] in file.variant {
            if key(&a) == key(&b) {
                continue;
            }
            t.variants
                .entry(norwegian_key(&a))
                .or_default()
                .push(b.clone());
            t.variants.entry(norwegian_key(&b)).or_default().push(a);
        }
        for c in file.concept {
            let longest = c.values().map(Vec::len).max().unwrap_or(0);
            let terms: Vec<String> = (0..longest)
                .flat_map(|round| c.values().filter_map(move |list| list.get(round).cloned()))
                .collect();
            let idx = t.concepts.len();
            for term in &terms {
                t.phrases.entry(key(term)).or_insert(idx);
                t.phrases.entry(norwegian_key(term)).or_insert(idx);
                t.phrases.entry(english_key(term)).or_insert(idx);
            }
            t.concepts.push(terms);
        }
        Ok(t)
    }

    /// The names of the concept `phrase` names. All of them, whatever
    /// languages the index holds: on OpenSearch a search is planned first
    /// without statistics (every language counts as present) to learn which
    /// counts to fetch, and a list cut to other names then would plan terms
    /// whose counts were never fetched.
    fn concept_alternatives(&self, phrase: &str) -> Option<impl Iterator<Item = &str>> {
        let idx = self
            .phrases
            .get(&key(phrase))
            .or_else(|| self.phrases.get(&norwegian_key(phrase)))
            .or_else(|| self.phrases.get(&english_key(phrase)))?;
        Some(self.concepts.get(*idx)?.iter().map(String::as_str))
    }
}

fn key(s: &str) -> String {
    let mut a = analyzer::title_analyzer();
    analyzer::tokens(&mut a, s)
        .into_iter()
        .map(|t| t.text)
        .collect::<Vec<_>>()
        .join(" ")
}

fn keyed_with(lang_key: &str, s: &str) -> String {
    let Some(lang) = ANALYZED.iter().find(|l| l.key == lang_key) else {
        return key(s);
    };
    let mut a = analyzer::fold_analyzer(lang);
    analyzer::tokens(&mut a, s)
        .into_iter()
        .map(|t| t.text)
        .collect::<Vec<_>>()
        .join(" ")
}

fn norwegian_key(s: &str) -> String {
    keyed_with("no", s)
}

fn english_key(s: &str) -> String {
    keyed_with("en", s)
}

/// True for an English function word (`in`, `of`, `the`): translating it
/// would match every Nordic preposition.
fn english_stop_word(phrase: &str) -> bool {
    analyzer::stop_word("en", phrase)
}

/// True when every word of `phrase` is a function word of Norwegian,
/// Swedish or Danish: such a translation (`ved at` and `gjennom at` for
/// `through`, `har` for `has`) is met by nearly every Nordic passage and
/// says nothing of the query. A word that is one only without its
/// diacritics counts too: the folded fields search it so (`fôr`, fodder,
/// a translation of `food`, is `for` there).
fn nordic_function_words(phrase: &str) -> bool {
    let mut words = phrase.split_whitespace().peekable();
    words.peek().is_some()
        && words.all(|w| {
            let w = w.to_lowercase();
            // (an ASCII word folds to itself: no analyzer for it)
            let folded = (!w.is_ascii()).then(|| key(&w));
            ["no", "sv", "da"].iter().any(|k| {
                analyzer::stop_word(k, &w)
                    || folded.as_deref().is_some_and(|f| analyzer::stop_word(k, f))
            })
        })
}

/// Features of expansion to apply.
#[derive(Clone, Copy)]
pub struct Expand<'a> {
    /// The taxonomy whose aliases translate names.
    pub taxonomy: &'a Taxonomy,
    /// The thesaurus.
    pub thesaurus: &'a Thesaurus,
    /// The FreeDict lexicons.
    pub lexicons: &'a Lexicons,
    /// Language keys present in the index (whose compounds are split).
    pub languages: &'a [&'static str],
    /// Which expansions: `expand` (thesaurus, taxonomy, translations),
    /// `neighbour`, `compound`.
    pub features: Features,
    /// The index's term statistics: which compounds built from two query
    /// words' translations occur (see [`Expand::joined`]); `None`: none
    /// are built.
    pub stats: Option<&'a dyn Stats>,
}

/// One alternative of a query group.
#[derive(Debug, Clone)]
struct Alt {
    text: String,
    weight: f32,
    via: Via,
    /// The words may stand anywhere (a compound's parts), not as a phrase.
    all_words: bool,
}

impl Alt {
    fn new(text: impl Into<String>, weight: f32, via: Via) -> Alt {
        Alt {
            text: text.into(),
            weight,
            via,
            all_words: false,
        }
    }
}

/// The group of one word or quoted phrase (`unit`, as typed) and its
/// alternatives, each once, at most [`MAX_ALTERNATIVES`].
fn group_of(unit: &Unit, phrase: &str, alts: Vec<Alt>) -> Vec<Unit> {
    let mut group = vec![Unit {
        text: phrase.to_string(),
        phrase: unit.phrase,
        all_words: unit.all_words,
        target: Target::Any,
        prefix: unit.prefix,
        weight: 1.0,
        via: Via::Literal,
    }];
    let own = key(phrase);
    let mut seen = vec![own];
    for alt in alts {
        let k = key(&alt.text);
        if seen.contains(&k) || group.len() > MAX_ALTERNATIVES {
            continue;
        }
        seen.push(k);
        let multi = alt.text.split_whitespace().count() > 1;
        group.push(Unit {
            text: alt.text,
            phrase: multi && !alt.all_words,
            all_words: multi && alt.all_words,
            target: Target::Any,
            prefix: false,
            weight: alt.weight,
            via: alt.via,
        });
    }
    group
}

impl Expand<'_> {
    /// Rewrite `parsed`: each plain word's group gets its alternatives (the
    /// other Norwegian written standard, translations, neighbour words,
    /// compound parts); a run of words that names a concept (the longest
    /// first) also gives the concept's other names to each of its words.
    pub fn apply(&self, parsed: &Parsed) -> Parsed {
        let mut out = Parsed {
            required: Vec::new(),
            excluded: parsed.excluded.clone(),
            filters: parsed.filters.clone(),
        };
        let groups = &parsed.required;
        let joined = self.joined(groups);
        let mut i = 0;
        while i < groups.len() {
            let mut matched = false;
            for n in (1..=MAX_NGRAM.min(groups.len() - i)).rev() {
                let slice = &groups[i..i + n];
                if !slice
                    .iter()
                    .all(|g| g.len() == 1 && g[0].target == Target::Any && g[0].weight == 1.0)
                {
                    continue;
                }
                if n > 1 && slice.iter().any(|g| g[0].phrase || g[0].all_words) {
                    continue;
                }
                let phrase = slice
                    .iter()
                    .map(|g| g[0].text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                let mut alts = self.alternatives(&phrase);
                if n == 1 {
                    alts.extend(joined[i].iter().cloned());
                }
                if alts.is_empty() {
                    continue;
                }
                if n == 1 {
                    out.required.push(group_of(&slice[0][0], &phrase, alts));
                } else {
                    // each word of a run that names a concept keeps its own
                    // group (its variants, translations, parts), and the
                    // concept's names join every one of them at 1/n of
                    // their weight, so a passage naming the concept scores
                    // it once: a name the documents lack (`cost-benefit
                    // analysis` → `kostnads-nyttoanalys`) no longer hides
                    // the words' own translations (`analysis` → `analys`)
                    let words: Vec<Unit> = slice.iter().map(|g| g[0].clone()).collect();
                    out.required.extend(self.sharing(&words, alts));
                }
                i += n;
                matched = true;
                break;
            }
            if !matched {
                match self.hyphen_parts(&groups[i]) {
                    Some(parts) => out.required.extend(parts),
                    None => out
                        .required
                        .push(self.either(&groups[i]).unwrap_or_else(|| groups[i].clone())),
                }
                i += 1;
            }
        }
        out
    }

    /// For each group of `groups`, the compounds that its word and a
    /// neighbouring word make together, as typed or in translation, where
    /// the index holds them: English `transport infrastructure` is Swedish
    /// and Norwegian `transportinfrastruktur`, `depreciation periods`
    /// Norwegian `avskrivningsperiode`, and `Interreg midler` typed apart
    /// is `Interregmidler`. Each side is the word itself or one of its
    /// first [`MAX_JOINED_WORDS`] one-word translations, joined bare or by
    /// the linking `s`. Such a compound stands for both words, so each of
    /// the two groups gets it at a translation's weight (its parts alone
    /// match far lower; the two words apart, as typed, still rank first).
    fn joined(&self, groups: &[Vec<Unit>]) -> Vec<Vec<Alt>> {
        let mut out: Vec<Vec<Alt>> = vec![Vec::new(); groups.len()];
        let Some(stats) = self.stats.filter(|_| self.features.expand) else {
            return out;
        };
        let plain = |g: &[Unit]| -> Option<String> {
            let [u] = g else { return None };
            let plain = !u.phrase
                && u.target == Target::Any
                && u.weight == 1.0
                && u.via == Via::Literal
                && u.text.chars().count() >= 3
                && u.text.chars().all(char::is_alphabetic);
            plain.then(|| u.text.to_lowercase())
        };
        let words: Vec<Option<String>> = groups.iter().map(|g| plain(g)).collect();
        // each word with a plain word beside it, and its one-word
        // translations, the word first (a word alone is not looked up)
        let sides: Vec<Option<Vec<(String, bool)>>> = words
            .iter()
            .enumerate()
            .map(|(i, word)| {
                let beside =
                    |j: Option<usize>| j.and_then(|j| words.get(j)).is_some_and(Option::is_some);
                if !beside(i.checked_sub(1)) && !beside(Some(i + 1)) {
                    return None;
                }
                let word = word.clone()?;
                let mut side = vec![(word.clone(), false)];
                if !english_stop_word(&word) && !self.nordic_word(&word) {
                    // the first few translations that differ by more than
                    // their neighbour-language spelling, in every spelling
                    // (`centre`: `central`/`sentral`, `centrum`/`sentrum`,
                    // `center`/`senter`, where `senter` was fifth; both
                    // spellings, as `kris` and `krise` compound otherwise)
                    let mut keys: Vec<String> = Vec::new();
                    side.extend(
                        self.lexicons
                            .translations(&word)
                            .into_iter()
                            .map(|t| t.to_lowercase())
                            .filter(|t| {
                                t.chars().count() >= 3
                                    && t.chars().all(char::is_alphabetic)
                                    && !nordic_function_words(t)
                            })
                            .filter(|t| {
                                let k = crate::index::cognate::key(t).unwrap_or_else(|| t.clone());
                                if !keys.contains(&k) {
                                    keys.push(k);
                                }
                                keys.len() <= MAX_JOINED_WORDS
                            })
                            .take(2 * MAX_JOINED_WORDS)
                            .map(|t| (t, true)),
                    );
                }
                Some(side)
            })
            .collect();
        for i in 0..groups.len().saturating_sub(1) {
            let (Some(left), Some(right)) = (&sides[i], &sides[i + 1]) else {
                continue;
            };
            // a translation's spelling first: the words as typed last (two
            // words typed apart that the documents write as one, `Interreg
            // midler`), and a spelling of a key already found not again
            // (`transportinfrastructure` is `transportinfrastruktur`'s)
            let mut pairs: Vec<(&str, &str, Via)> = Vec::new();
            for (a, a_translated) in left {
                for (b, b_translated) in right {
                    let via = if *a_translated || *b_translated {
                        Via::Translation
                    } else {
                        Via::Compound
                    };
                    pairs.push((a, b, via));
                }
            }
            pairs.sort_by_key(|&(_, _, via)| via == Via::Compound);
            let mut found: Vec<(String, Via)> = Vec::new();
            let mut keys: Vec<String> = Vec::new();
            'pairs: for (a, b, via) in pairs {
                let linked = (!a.ends_with('s')).then(|| format!("{a}s{b}"));
                for compound in std::iter::once(format!("{a}{b}")).chain(linked) {
                    let Some(key) = crate::index::cognate::key(&compound) else {
                        continue;
                    };
                    if keys.contains(&key)
                        || stats
                            .doc_freq(crate::index::schema::NORDIC, &key)
                            .unwrap_or(0)
                            == 0
                    {
                        continue;
                    }
                    keys.push(key);
                    found.push((compound, via));
                    if found.len() >= MAX_JOINED_COMPOUNDS {
                        break 'pairs;
                    }
                }
            }
            for (compound, via) in found {
                for g in [i, i + 1] {
                    out[g].push(Alt::new(compound.clone(), TRANSLATION_WEIGHT, via));
                }
            }
        }
        out
    }

    /// A hyphenated word nothing translates as a whole (`crypto-asset`,
    /// and words joined by a slash, `EU/EØS`),
    /// as one group per part with the part's own alternatives (`crypto` →
    /// `krypto`), each also holding the word as typed at 1/n of its weight;
    /// `None` for anything else.
    fn hyphen_parts(&self, group: &[Unit]) -> Option<Vec<Vec<Unit>>> {
        let [u] = group else {
            return None;
        };
        if u.phrase || u.target != Target::Any || u.weight != 1.0 || u.via != Via::Literal {
            return None;
        }
        // `EU/EØS` is the two words as `EU-midler` is; a piece may hold
        // digits (`CO2-utslipp`), not only digits (`covid-19`, `2021-2027`)
        let parts: Vec<&str> = u.text.split(['-', '/']).collect();
        let word = |p: &str| {
            p.chars().count() >= 2
                && p.chars().all(char::is_alphanumeric)
                && p.chars().any(char::is_alphabetic)
        };
        if parts.len() < 2 || parts.len() > MAX_NGRAM || !parts.iter().all(|p| word(p)) {
            return None;
        }
        // a truncation is the last part's (`CO2-utsl*`)
        let last = parts.len() - 1;
        let words: Vec<Unit> = parts
            .into_iter()
            .enumerate()
            .map(|(i, p)| Unit {
                text: p.to_string(),
                prefix: u.prefix && i == last,
                ..u.clone()
            })
            .collect();
        let whole = Alt::new(u.text.clone(), 1.0, Via::Literal);
        Some(self.sharing(&words, vec![whole]))
    }

    /// A group of words typed as alternatives (`energi OR transport`),
    /// each followed by its own alternatives, as it would have them alone:
    /// `OR` makes a search no less forgiving. The group's alternatives are
    /// shared out ([`MAX_ALTERNATIVES`] in all), so one of many words keeps
    /// fewer, and one of more than that many none. `None` when it is no
    /// such group.
    fn either(&self, group: &[Unit]) -> Option<Vec<Unit>> {
        let plain = |u: &Unit| u.target == Target::Any && u.weight == 1.0 && u.via == Via::Literal;
        if group.len() < 2 || !group.iter().all(plain) {
            return None;
        }
        // so a group holds at most as many units as MAX_ALTERNATIVES
        // words would (a long `a OR b OR …` gets none)
        let each = MAX_ALTERNATIVES / group.len();
        let mut out: Vec<Unit> = Vec::new();
        for u in group {
            // none to keep: none looked up
            let alts = if each > 0 {
                self.alternatives(&u.text)
            } else {
                Vec::new()
            };
            for alt in group_of(u, &u.text, alts).into_iter().take(each + 1) {
                if !out.contains(&alt) {
                    out.push(alt);
                }
            }
        }
        Some(out)
    }

    /// One group per word of `words`, each with the word's own alternatives
    /// after `shared` (what the words name together), those at 1/n of their
    /// weight: a passage matching them scores them once, not once per word.
    fn sharing(&self, words: &[Unit], shared: Vec<Alt>) -> Vec<Vec<Unit>> {
        let n = words.len() as f32;
        let shared: Vec<Alt> = shared
            .into_iter()
            .map(|a| Alt {
                weight: a.weight / n,
                ..a
            })
            .collect();
        words
            .iter()
            .map(|w| {
                let mut alts = shared.clone();
                alts.extend(self.alternatives(&w.text));
                group_of(w, &w.text, alts)
            })
            .collect()
    }

    /// True when a one-word `phrase` is a Norwegian dictionary word (when
    /// Norwegian is in the index): `region`, `plan` or `strand` typed by a
    /// Norwegian user are not English to translate. (Only Norwegian: the
    /// Swedish dictionary lists English loans such as `pollution`.)
    fn nordic_word(&self, phrase: &str) -> bool {
        !phrase.contains(char::is_whitespace)
            && self.languages.contains(&"no")
            && compound::lexicon("no").is_some_and(|l| l.is_word(&phrase.to_lowercase()))
    }

    /// A compound's parts with each part the lexicon knows replaced by its
    /// neighbour language's words (the first [`MAX_PART_NEIGHBOURS`], any
    /// of which will do: `samfunn` is Swedish `samfund` or `samhälle`,
    /// `bygging` `byggande` or `byggnad`), the others kept (often spelt
    /// alike: `reform`); `None` when the lexicon knows no part. A part spelt alike
    /// in both languages but listed takes its listed word, which may be
    /// another sense's (`plan` → `etasje`, from Swedish `plan`, a floor):
    /// keeping such parts lowered the judged set's dev half.
    fn neighbour_parts(&self, lang: &'static str, parts: &[String]) -> Option<String> {
        let mut known = false;
        let mut theirs: Vec<String> = Vec::new();
        for p in parts {
            if let Some(word) = self.neighbour_word(p) {
                known = true;
                theirs.push(word);
                continue;
            }
            // a part that is itself a compound the lexicon lacks
            // (`regionalutvikling` in `regionalutviklingsfondet`): its own
            // parts (`regional` + `utvikling` → `utveckling`)
            let inner: Vec<(String, Option<String>)> = compound::split_cached(lang, p)
                .map(|inner| {
                    inner
                        .iter()
                        .map(|q| (q.clone(), self.neighbour_word(q)))
                        .collect()
                })
                .unwrap_or_default();
            if inner.iter().any(|(_, w)| w.is_some()) {
                known = true;
                theirs.extend(inner.into_iter().map(|(q, w)| w.unwrap_or(q)));
            } else {
                theirs.push(p.clone());
            }
        }
        known.then(|| theirs.join(" "))
    }

    /// The neighbour language's first one-word words for `word`, when it
    /// is spelt otherwise, as alternatives of one part (joined by
    /// [`ANY_OF`]). A word the neighbour spells alike but inflects
    /// otherwise (`fondet`, Swedish `fond`) takes that word alone: the
    /// words listed after it are other senses (`bakgrund`).
    fn neighbour_word(&self, word: &str) -> Option<String> {
        let listed: Vec<String> = self
            .lexicons
            .neighbours(word)
            .iter()
            .map(|n| n.to_lowercase())
            .filter(|n| !n.contains(char::is_whitespace) && !n.contains(ANY_OF))
            .filter(|n| !nordic_function_words(n))
            .collect();
        if let Some(alike) = listed.iter().find(|n| self.lexicons.same_stem(n, word)) {
            return (alike != word).then(|| alike.clone());
        }
        let words: Vec<String> = listed.into_iter().take(MAX_PART_NEIGHBOURS).collect();
        (!words.is_empty()).then(|| words.join(&ANY_OF.to_string()))
    }

    fn alternatives(&self, phrase: &str) -> Vec<Alt> {
        let mut alts = Vec::new();
        let expand = self.features.expand;
        // a Norwegian dictionary word gets Danish words and no translation
        let nordic = self.nordic_word(phrase);
        if expand {
            if let Some(v) = self.thesaurus.variants.get(&norwegian_key(phrase)) {
                alts.extend(v.iter().map(|s| Alt::new(s, VARIANT_WEIGHT, Via::Variant)));
            }
            alts.extend(
                self.lexicons
                    .variants(phrase)
                    .iter()
                    .map(|s| Alt::new(s, VARIANT_WEIGHT, Via::Variant)),
            );
            if let Some(c) = self.thesaurus.concept_alternatives(phrase) {
                alts.extend(c.map(|s| Alt::new(s, TRANSLATION_WEIGHT, Via::Translation)));
            }
        }
        if self.features.neighbour {
            // a neighbour's word spelt as the query's (`språk`) adds nothing:
            // the word itself is searched in every language's fields; one
            // that is a function word there (`vad`, "what", for the noun
            // `legg`) is met by nearly every passage of that language
            let lower = phrase.to_lowercase();
            let words = |words: &[String], most: usize| -> Vec<Alt> {
                words
                    .iter()
                    .filter(|s| s.to_lowercase() != lower && !nordic_function_words(s))
                    .take(most)
                    .map(|s| Alt::new(s, NEIGHBOUR_WEIGHT, Via::Neighbour))
                    .collect()
            };
            alts.extend(words(self.lexicons.neighbours(phrase), MAX_NEIGHBOUR_WORDS));
            // Danish words for Norwegian dictionary words only: a word of
            // another language may share a Norwegian word's stem (`centre`)
            if nordic {
                alts.extend(words(self.lexicons.danish(phrase), MAX_DANISH_WORDS));
            }
        }
        if self.features.compound && !phrase.contains(char::is_whitespace) {
            let lower = phrase.to_lowercase();
            let compounding = || self.languages.iter().filter(|k| compound::compounds(k));
            // a word one language lists whole and does not split is that
            // language's simplex word, not another's compound: Swedish lists
            // `beredskap`, so it is no Norwegian `bered` + `skap`
            let simplex = || {
                compounding().any(|k| {
                    compound::lexicon(k).is_some_and(|l| l.is_word(&lower))
                        && compound::split_cached(k, &lower).is_none()
                })
            };
            let split = compounding()
                .find_map(|k| Some((*k, compound::split_cached(k, &lower)?)))
                .filter(|_| !simplex())
                // a part that is a function word, or stems to one, is met by
                // nearly every passage: the rest alone would stand for the
                // word (`gjennomførast` is no `gjennom` + `førast`)
                .filter(|(_, parts)| !parts.iter().any(|p| compound::function_like(p)));
            if let Some((lang, parts)) = split {
                alts.push(Alt {
                    all_words: true,
                    ..Alt::new(parts.join(" "), PART_WEIGHT, Via::Compound)
                });
                // the compound as the neighbour language builds it, part by
                // part, searched as the neighbour's words (in its fields):
                // `utdanningsreformen` is `utdanning` + `reform`, searched
                // as Swedish `utbildning` + `reform` for `utbildningsreformen`
                if self.features.neighbour {
                    if let Some(theirs) = self.neighbour_parts(lang, &parts) {
                        alts.push(Alt {
                            all_words: true,
                            ..Alt::new(theirs, PART_WEIGHT * NEIGHBOUR_WEIGHT, Via::Neighbour)
                        });
                    }
                }
            }
        }
        if expand && !english_stop_word(phrase) && !nordic {
            alts.extend(
                self.lexicons
                    .translations(phrase)
                    .into_iter()
                    .filter(|s| !nordic_function_words(s))
                    .map(|s| Alt::new(s, TRANSLATION_WEIGHT, Via::Translation)),
            );
        }
        if expand && phrase.chars().count() >= 3 {
            if let Some((kind, concept)) = self.taxonomy.concept_for_phrase(phrase) {
                if kind != FacetKind::Theme {
                    alts.extend(
                        self.taxonomy
                            .search_names(kind, &concept.path)
                            .into_iter()
                            .map(|a| Alt::new(a, TRANSLATION_WEIGHT, Via::Translation)),
                    );
                }
            }
        }
        alts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::query::parse;

    /// An expansion with every feature, `lexicons` and no index languages.
    fn expander(lexicons: &Lexicons) -> Expand<'_> {
        Expand {
            taxonomy: Taxonomy::builtin(),
            thesaurus: builtin(),
            lexicons,
            languages: &[],
            features: Features::ALL,
            stats: None,
        }
    }

    fn expand(q: &str) -> Vec<Vec<(String, f32)>> {
        expand_with(&Lexicons::default(), q)
    }

    /// The groups of `q` expanded with `lexicons`: each unit's text and weight.
    fn expand_with(lexicons: &Lexicons, q: &str) -> Vec<Vec<(String, f32)>> {
        expander(lexicons)
            .apply(&parse(q))
            .required
            .into_iter()
            .map(|g| g.into_iter().map(|u| (u.text, u.weight)).collect())
            .collect()
    }

    #[test]
    fn a_word_one_language_lists_whole_is_not_split_by_another() {
        if compound::lexicon("no").is_none() || compound::lexicon("sv").is_none() {
            assert!(
                std::env::var_os("CI").is_none(),
                "a Hunspell dictionary is missing, and CI is set: `.ci/run` must install hunspell-no and hunspell-sv"
            );
            eprintln!("skipped: the Norwegian or Swedish Hunspell dictionary is not installed (apt-get install hunspell-no hunspell-sv)");
            return;
        }
        // Norwegian's dictionary alone cuts `beredskap` into `bered` +
        // `skap`; Swedish lists the word whole
        assert!(compound::split_cached("no", "beredskap").is_some());
        let lexicons = Lexicons::default();
        let parts = |q: &str| -> Vec<String> {
            let e = Expand {
                languages: &["no", "sv"],
                ..expander(&lexicons)
            };
            e.apply(&parse(q))
                .required
                .into_iter()
                .flatten()
                .filter(|u| u.via == Via::Compound)
                .map(|u| u.text)
                .collect()
        };
        assert_eq!(parts("beredskap"), Vec::<String>::new());
        // a compound neither lists whole still splits
        assert_eq!(parts("kystturisme"), ["kyst turisme"]);
    }

    /// Term statistics where only the `nordic` keys of `present` occur.
    struct Present(&'static [&'static str]);

    impl Stats for Present {
        fn passages(&self) -> u64 {
            100
        }
        fn has_terms(&self, _: &str) -> bool {
            true
        }
        fn doc_freq(&self, field: &str, term: &str) -> Option<u64> {
            let listed = field == crate::index::schema::NORDIC
                && self
                    .0
                    .iter()
                    .any(|w| crate::index::cognate::key(w).as_deref() == Some(term));
            Some(u64::from(listed))
        }
        fn neighbours(&self, _: &str, _: &str, _: usize) -> Vec<(String, u64)> {
            Vec::new()
        }
    }

    #[test]
    fn two_words_get_the_compound_they_make_together_where_the_index_has_it() {
        let lexicons = Lexicons::with_translations(&[
            ("infrastructure", &["infrastruktur"]),
            ("depreciation", &["avskrivning"]),
            ("periods", &["periode", "tid"]),
        ]);
        let present = Present(&[
            "transportinfrastrukturen",
            "avskrivningsperioden",
            "fjordkanten",
        ]);
        let e = Expand {
            stats: Some(&present),
            ..expander(&lexicons)
        };
        // the units longer than any word typed, in one word
        let joined = |q: &str| -> Vec<Vec<(String, f32, Via)>> {
            let longest = q.split(' ').map(|w| w.chars().count()).max().unwrap_or(0);
            e.apply(&parse(q))
                .required
                .into_iter()
                .map(|g| {
                    g.into_iter()
                        .filter(|u| u.text.chars().count() > longest + 2 && !u.text.contains(' '))
                        .map(|u| (u.text, u.weight, u.via))
                        .collect()
                })
                .collect()
        };
        let both = |c: &str, via| vec![vec![(c.to_string(), TRANSLATION_WEIGHT, via)]; 2];
        // the word as typed with the other's translation, bare or with the linking `s`
        assert_eq!(
            joined("transport infrastructure"),
            both("transportinfrastruktur", Via::Translation)
        );
        assert_eq!(
            joined("depreciation periods"),
            both("avskrivningsperiode", Via::Translation)
        );
        // two Nordic words typed apart
        assert_eq!(joined("fjord kant"), both("fjordkant", Via::Compound));
        // none the index lacks
        assert_eq!(joined("transport depreciation"), vec![Vec::new(); 2]);
        // without statistics, none at all
        let blind = expander(&lexicons);
        assert!(blind
            .apply(&parse("transport infrastructure"))
            .required
            .iter()
            .flatten()
            .all(|u| u.text != "transportinfrastruktur"));
    }

    #[test]
    fn a_translation_of_nordic_function_words_only_is_not_searched() {
        // (English words no stop list holds: `through` and `has` are
        // function words themselves, and not translated at all)
        let lexicons = Lexicons::with_translations(&[
            ("thereby", &["gjennom", "ved at", "gjennom at"]),
            ("owns", &["har", "eier"]),
            ("fodder", &["fôr", "forvarer"]),
        ]);
        let e = expander(&lexicons);
        let translations = |q: &str| -> Vec<String> {
            e.apply(&parse(q)).required[0]
                .iter()
                .filter(|u| u.via == Via::Translation)
                .map(|u| u.text.clone())
                .collect()
        };
        // (`gjennom` is in no stop list: `gjennom at` stays)
        assert_eq!(translations("thereby"), ["gjennom", "gjennom at"]);
        assert_eq!(translations("owns"), ["eier"]);
        assert!(translations("through").is_empty());
        // `fôr` is `for` in the folded fields
        assert_eq!(translations("fodder"), ["forvarer"]);
    }

    #[test]
    fn nynorsk_word_gets_its_bokmaal_variant_at_near_full_weight() {
        let g = expand("berekraftige");
        assert!(
            g[0].iter()
                .any(|(t, w)| t == "bærekraftig" && *w == VARIANT_WEIGHT),
            "{g:?}"
        );
    }

    #[test]
    fn words_typed_as_alternatives_keep_their_own_alternatives() {
        let alone = expand("berekraftige");
        let g = expand("berekraftige OR EEA");
        assert_eq!(g.len(), 1, "{g:?}");
        let texts: Vec<&str> = g[0].iter().map(|(t, _)| t.as_str()).collect();
        // each word as typed, then its own alternatives
        assert_eq!(texts[0], "berekraftige");
        assert!(texts.contains(&"EEA"), "{g:?}");
        assert!(
            g[0].contains(&("bærekraftig".to_string(), VARIANT_WEIGHT)),
            "{g:?}"
        );
        assert!(alone[0].contains(&("bærekraftig".to_string(), VARIANT_WEIGHT)));
        // many words share the group's budget: each keeps fewer
        let others: Vec<String> = (0..15).map(|i| format!("ord{i}")).collect();
        let many = expand(&format!("berekraftige OR {}", others.join(" OR ")));
        assert_eq!(many[0].len(), 2 + others.len(), "{many:?}");
        assert!(alone[0].len() > 2, "{alone:?}");
    }

    #[test]
    fn english_concept_gets_nordic_names_below_literal_weight() {
        let g = expand("circular economy");
        assert_eq!(g.len(), 2, "each word keeps its group: {g:?}");
        assert_eq!(g[0][0], ("circular".to_string(), 1.0));
        assert_eq!(g[1][0], ("economy".to_string(), 1.0));
        // the concept's names join both words' groups at half weight each,
        // so a passage naming the concept scores it once
        for group in &g {
            assert!(group
                .iter()
                .any(|(t, w)| t == "sirkulær økonomi" && *w == TRANSLATION_WEIGHT / 2.0));
            assert!(group.iter().any(|(t, _)| t == "kiertotalous"));
        }
    }

    #[test]
    fn a_fund_named_by_its_english_acronym_is_searched_by_its_nordic_names() {
        let lexicons = Lexicons::default();
        let g = expander(&lexicons).apply(&parse("ERDF"));
        let names: Vec<&str> = g.required[0].iter().map(|u| u.text.as_str()).collect();
        assert!(
            names.contains(&"Europeiska regionala utvecklingsfonden"),
            "{names:?}"
        );
        assert!(names.contains(&"ERUF"), "{names:?}");
        // each language's first name before any second name
        assert!(names.contains(&"Euroopan aluekehitysrahasto"), "{names:?}");
    }

    #[test]
    fn regional_policy_words_are_searched_as_the_nordic_words_policy_is_written_in() {
        let g = expand("rural");
        let skills = expand("skills");
        assert!(
            skills[0].iter().any(|(t, _)| t == "kompetanse"),
            "{skills:?}"
        );
        for name in ["landsbygd", "distriktene", "landdistrikter"] {
            assert!(
                g[0].iter()
                    .any(|(t, w)| t == name && *w == TRANSLATION_WEIGHT),
                "{name}: {g:?}"
            );
        }
    }

    #[test]
    fn a_concepts_words_keep_their_own_translations() {
        let lexicons = Lexicons::with_translations(&[
            ("cost-benefit analysis", &["kostnads-nyttoanalys"]),
            ("analysis", &["analys"]),
        ]);
        let g = expand_with(&lexicons, "cost-benefit analysis");
        let half = TRANSLATION_WEIGHT / 2.0;
        assert_eq!(
            g,
            [
                vec![
                    ("cost-benefit".to_string(), 1.0),
                    ("kostnads-nyttoanalys".to_string(), half)
                ],
                vec![
                    ("analysis".to_string(), 1.0),
                    ("kostnads-nyttoanalys".to_string(), half),
                    ("analys".to_string(), TRANSLATION_WEIGHT)
                ],
            ]
        );
    }

    #[test]
    fn a_hyphenated_word_nothing_translates_is_searched_by_its_parts() {
        let lexicons = Lexicons::with_translations(&[("crypto", &["krypto"])]);
        let groups = |q: &str| expand_with(&lexicons, q);
        assert_eq!(
            groups("crypto-asset"),
            [
                vec![
                    ("crypto".to_string(), 1.0),
                    ("crypto-asset".to_string(), 0.5),
                    ("krypto".to_string(), TRANSLATION_WEIGHT)
                ],
                vec![
                    ("asset".to_string(), 1.0),
                    ("crypto-asset".to_string(), 0.5)
                ],
            ]
        );
        // a word with a piece too short or not a word stays whole
        assert_eq!(groups("e-helse").len(), 1);
        assert_eq!(groups("covid-19").len(), 1);
        assert_eq!(groups("2021-2027").len(), 1);
        // words joined by a slash, and a piece holding digits, are parts too
        assert_eq!(
            groups("EU/EØS"),
            [
                vec![("EU".to_string(), 1.0), ("EU/EØS".to_string(), 0.5)],
                vec![("EØS".to_string(), 1.0), ("EU/EØS".to_string(), 0.5)],
            ]
        );
        assert_eq!(groups("CO2-utslipp").len(), 2);
    }

    #[test]
    fn programme_names_translate_through_the_taxonomy() {
        let g = expand("EEA Grants");
        assert!(
            g[0].iter()
                .any(|(t, _)| t.to_lowercase().contains("eøs-midl")),
            "{g:?}"
        );
    }

    #[test]
    fn unknown_words_are_left_alone() {
        assert_eq!(
            expand("qwerty asdf"),
            vec![
                vec![("qwerty".to_string(), 1.0)],
                vec![("asdf".to_string(), 1.0)]
            ]
        );
    }

    /// A compound's parts as the splitter gives them.
    fn parts(p: &[&str]) -> Vec<String> {
        p.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_compounds_parts_are_also_searched_as_the_neighbours_words() {
        let lexicons = Lexicons::with_neighbours(&[("utbildning", "utdanning")]);
        let e = expander(&lexicons);
        // the part the lexicon knows becomes Swedish, the other stays
        assert_eq!(
            e.neighbour_parts("no", &parts(&["utdanning", "reform"]))
                .as_deref(),
            Some("utbildning reform")
        );
        // no part known: nothing to add beside the parts themselves
        assert_eq!(e.neighbour_parts("no", &parts(&["kyst", "turisme"])), None);
    }

    #[test]
    fn a_compounds_part_is_any_of_its_neighbour_words_unless_spelt_alike() {
        let lexicons = Lexicons::with_neighbours(&[
            ("samfund", "samfunn"),
            ("samhälle", "samfunn"),
            ("fond", "fond"),
            ("bakgrund", "fond"),
        ]);
        let e = expander(&lexicons);
        assert_eq!(
            e.neighbour_parts("no", &parts(&["samfunn", "fondet"]))
                .as_deref(),
            Some("samfund|samhälle fond")
        );
    }

    /// The neighbour-language words `q`'s first word is searched as.
    fn neighbour_units(e: &Expand<'_>, q: &str) -> Vec<String> {
        e.apply(&parse(q)).required[0]
            .iter()
            .filter(|u| u.via == Via::Neighbour)
            .map(|u| u.text.clone())
            .collect()
    }

    #[test]
    fn a_neighbour_word_that_is_a_function_word_there_is_not_searched() {
        // Swedish `vad` is "calf" (Norwegian `legg`) and "what"; `ben` is
        // "leg" only
        let lexicons = Lexicons::with_neighbours(&[("vad", "legg"), ("ben", "legg")]);
        let e = expander(&lexicons);
        assert_eq!(neighbour_units(&e, "legg"), ["ben"]);
        // nor as a compound part's neighbour word
        assert_eq!(e.neighbour_word("legg").as_deref(), Some("ben"));
    }

    #[test]
    fn a_word_gets_at_most_a_few_neighbour_words() {
        // six Swedish words whose Norwegian is `bruk` (stem keys join
        // `bruk`, `bruke`, `bruker`)
        let pairs = [
            ("bruk", "bruk"),
            ("använda", "bruke"),
            ("användare", "bruker"),
            ("användning", "bruk"),
            ("nyttja", "bruke"),
            ("tillämpa", "bruke"),
        ];
        let lexicons = Lexicons::with_neighbours(&pairs);
        assert!(lexicons.neighbours("bruk").len() > MAX_NEIGHBOUR_WORDS);
        let e = expander(&lexicons);
        // the first ones, in the lexicon's order
        assert_eq!(
            neighbour_units(&e, "bruk"),
            ["använda", "användare", "användning", "nyttja"]
        );
    }

    #[test]
    fn thesaurus_file_parses() {
        let t = Thesaurus::parse(include_str!("../../taxonomy/thesaurus.toml")).unwrap();
        assert!(t.concepts.len() > 20 && t.variants.len() > 50);
    }
}
