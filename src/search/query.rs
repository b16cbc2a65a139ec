//! The query language and its translation into a backend-neutral query
//! tree ([`crate::plan::Node`]).
//!
//! Syntax: plain words (all must match), `"exact phrases"`, `-excluded`
//! words or phrases, `a OR b`, and `title:word`. Parsing is lenient: an
//! unbalanced quote, a stray operator or control characters never make an
//! error, they degrade into plain words.
//!
//! Each word is analysed with every language's analyzer whose field holds
//! terms, in the exact and the folded field; the per-word alternatives are
//! combined with a dis-max, so the best-matching analyzer wins and an
//! exact-diacritic match (weight [`EXACT_BOOST`]) outranks a folded one
//! ([`FOLD_BOOST`]); a title match counts extra ([`TITLE_BOOST`]). The word
//! as written (unstemmed) is an exact alternative too, so a query's own
//! spelling ranks first among the passages its stem matches; the word
//! inside other compounds ([`PART_BOOST`]) and its cross-Scandinavian
//! spelling ([`NEIGHBOUR_BOOST`]: its key, and the keys an edit or two
//! from it, [`NEAR_BOOST`]) stand in where the word is missing and never
//! add to a passage that has it.

use serde::Serialize;
use tantivy::tokenizer::TextAnalyzer;

use super::boolean::{self, Expr};
use super::explain::{Atom, Feature, Resolve};
use crate::index::analyzer::{self, ANALYZED};
use crate::index::schema;
use crate::plan::{Clause, Node, Occur, Stats};

/// Weight of a match in a language's exact (stemmed, unfolded) field.
pub(crate) const EXACT_BOOST: f32 = 1.0;
/// Weight of a match that needed diacritic folding.
pub(crate) const FOLD_BOOST: f32 = 0.6;
/// Weight of a title match.
pub(crate) const TITLE_BOOST: f32 = 2.0;
/// Tie-breaker of the per-word dis-max: other fields add a little.
pub(crate) const TIE_BREAKER: f32 = 0.1;
/// Longest query accepted, in characters; the rest is ignored.
pub(crate) const MAX_QUERY_CHARS: usize = 1_000;
/// Most words used from one query, each alternative of `a OR b` counted:
/// every word becomes tens of clauses, and 200 words joined by `OR` took
/// seconds at a million passages.
pub(crate) const MAX_WORDS: usize = 32;

/// Which field a clause targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Body and title.
    Any,
    /// Title only (`title:`).
    Title,
}

/// Why a unit is searched: the user's own words, or which expansion added it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// What the user typed.
    Literal,
    /// The other written standard of Norwegian (thesaurus).
    Variant,
    /// Another language's word for it (thesaurus, taxonomy, FreeDict).
    Translation,
    /// The neighbour Scandinavian language's word (FreeDict Swedish–Norwegian).
    Neighbour,
    /// The parts of a compound word.
    Compound,
}

/// Fewest letters before a `*` that make it a truncation.
pub(crate) const MIN_PREFIX_CHARS: usize = 3;

/// Joins the alternatives of one word of an [`Unit::all_words`] unit.
pub(crate) const ANY_OF: char = '|';

/// One unit of the query: a word, a phrase, or (after expansion) several
/// words that must all match.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// The text as the user wrote it (a word or a phrase's words).
    pub text: String,
    /// Quoted phrase: the words must be adjacent.
    pub phrase: bool,
    /// Several words, all required, anywhere (a concept's words, a
    /// compound's parts); a word may be alternatives joined by
    /// [`ANY_OF`] (`samfund|samhälle`), any one of which will do.
    pub all_words: bool,
    /// Field restriction.
    pub target: Target,
    /// Typed truncated (`klima*`): words beginning with it match too.
    pub prefix: bool,
    /// 1.0 for what the user typed; less for expansions.
    pub weight: f32,
    /// Why it is searched.
    pub via: Via,
}

impl Unit {
    fn new(text: String, phrase: bool, target: Target) -> Unit {
        Unit {
            text,
            phrase,
            all_words: false,
            target,
            prefix: false,
            weight: 1.0,
            via: Via::Literal,
        }
    }
}

/// Which forgiving features a search uses. The evaluation's baseline turns
/// them all off: plain BM25 over the exact fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Features {
    /// Diacritic folding (`Trondelag` ↔ `Trøndelag`).
    pub fold: bool,
    /// Typo tolerance (edit distance 1 from 5 letters, 2 from 9).
    pub fuzzy: bool,
    /// Bokmål↔Nynorsk variants and cross-language concepts, and a word's
    /// other inflections in titles (titles are indexed unstemmed).
    pub expand: bool,
    /// OCR-skeleton matching of OCR-damaged documents.
    pub ocr: bool,
    /// Compound splitting: a compound's parts, and a word inside others' compounds.
    pub compound: bool,
    /// Cross-Scandinavian spellings and Swedish–Norwegian word pairs.
    pub neighbour: bool,
    /// Two of the query's words next to each other, in its order, count extra.
    pub proximity: bool,
}

impl Default for Features {
    fn default() -> Self {
        Features::ALL
    }
}

impl Features {
    /// Everything on (the default).
    pub const ALL: Features = Features {
        fold: true,
        fuzzy: true,
        expand: true,
        ocr: true,
        compound: true,
        neighbour: true,
        proximity: true,
    };
    /// Everything off: the plain BM25 baseline.
    pub const NONE: Features = Features {
        fold: false,
        fuzzy: false,
        expand: false,
        ocr: false,
        compound: false,
        neighbour: false,
        proximity: false,
    };
}

/// A query word with diacritics is not also matched folded when its folded
/// spelling is a word this many times as common (`før` → `for`).
pub(crate) const FOLD_OTHER_WORD: u64 = 10;

/// Weight of a typo-tolerant match (constant score, below any exact BM25 match of note).
pub(crate) const FUZZY_BOOST: f32 = 0.3;
/// Weight of a word beginning as a word typed truncated (`klima*` matching
/// `klimatilpasning`; a constant score, as Lucene scores a prefix query).
/// The word as typed is searched too, by BM25, so a passage with it
/// usually ranks above one with only a longer word.
pub(crate) const PREFIX_BOOST: f32 = 1.0;
/// Weight of a match of a word inside another compound (the `parts` field):
/// below a folded match, so the word itself ranks first.
pub(crate) const PART_BOOST: f32 = 0.4;
/// Weight of a cross-Scandinavian spelling match (the `nordic` field): below
/// a folded match and a Bokmål↔Nynorsk variant.
pub(crate) const NEIGHBOUR_BOOST: f32 = 0.5;
/// Weight of a cross-Scandinavian key a few edits from the word's own: as
/// the key itself (each near key is scored by BM25 with its own rarity), so
/// never above a folded match.
pub(crate) const NEAR_BOOST: f32 = NEIGHBOUR_BOOST;
/// Keys shorter than this get no near keys (short keys are other words).
pub(crate) const NEAR_MIN_CHARS: usize = 6;
/// From this key length two edits are allowed.
pub(crate) const NEAR_TWO_EDITS_CHARS: usize = 10;
/// Most near keys searched for one word.
pub(crate) const NEAR_MAX_TERMS: usize = 4;
/// Weight of an OCR-skeleton match.
pub(crate) const OCR_BOOST: f32 = 0.5;
/// Weight of two adjacent query words found next to each other in that
/// order (a phrase of the pair in a language's stemmed field), added to the
/// words' own scores.
pub(crate) const PROXIMITY_BOOST: f32 = 0.5;
/// The analysed language keys of the Scandinavian languages whose words
/// the Swedish–Norwegian lexicon pairs (Bokmål and Nynorsk share `no`).
const NORDIC_LANGS: [&str; 3] = ["no", "sv", "da"];
/// Endings of Norwegian (both standards), Swedish and Danish nouns, verbs
/// and adjectives: with a word's stem, the inflections a title may hold
/// (those that stem back to it are kept, see [`Builder::title_inflections`]).
const INFLECTION_ENDINGS: &[&str] = &[
    "", "e", "a", "en", "et", "er", "ar", "or", "ne", "na", "ene", "ane", "erne", "erna", "arna",
    "orna", "ens", "ets", "s", "es", "t", "n", "ede", "te", "de", "ing", "ingen", "inga", "ingar",
    "inger", "ingane", "ingene", "ingarna",
];
/// Words shorter than this are never matched fuzzily.
pub(crate) const FUZZY_MIN_CHARS: usize = 5;
/// Words found in at least this many passages are not matched fuzzily: they
/// are real words, and their neighbours are mostly other real words.
pub(crate) const FUZZY_SKIP_DOC_FREQ: u64 = 20;
/// From this length two edits are allowed.
pub(crate) const FUZZY_TWO_EDITS_CHARS: usize = 9;

/// A parsed query: groups of alternatives (OR inside a group), all groups
/// required, plus exclusions and facet filters written in the query.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parsed {
    /// Every group must match; inside a group any unit may.
    pub required: Vec<Vec<Unit>>,
    /// No unit may match.
    pub excluded: Vec<Unit>,
    /// `facet:/path` terms (`programme:/interreg`), added to the request's filters.
    pub filters: Vec<(String, String)>,
}

impl Parsed {
    /// True when nothing searchable is left (an empty or all-punctuation query).
    pub fn is_empty(&self) -> bool {
        self.required.is_empty()
    }

    /// Every positive unit, flattened (for snippets).
    pub fn positive_units(&self) -> impl Iterator<Item = &Unit> {
        self.required.iter().flatten()
    }
}

#[derive(Debug)]
enum Tok {
    Word {
        text: String,
        neg: bool,
        target: Target,
        /// Typed truncated (`klima*`).
        prefix: bool,
    },
    Phrase {
        text: String,
        neg: bool,
        target: Target,
        /// Typed with a proximity (`"a b"~5`): the words near each other.
        near: bool,
    },
    Filter {
        facet: String,
        path: String,
    },
    Or,
    /// `(`, with the `-`, `NOT` or `title:` typed before it.
    Open {
        neg: bool,
        target: Target,
    },
    Close,
}

/// What restricts a word to titles: `title:`, Norwegian `tittel:`, Swedish
/// and Danish `titel:`, Finnish `otsikko:`.
const TITLE_PREFIXES: [&str; 4] = ["title:", "tittel:", "titel:", "otsikko:"];

/// Deepest nesting of parentheses read; deeper ones are ignored.
const MAX_DEPTH: usize = 16;

/// Parse a user query leniently.
pub fn parse(input: &str) -> Parsed {
    // the same composed spelling as the indexed text (see `ingest::text::normalized`)
    let normalized = crate::ingest::text::normalized(input);
    let input = normalized.as_deref().unwrap_or(input);
    let clean: String = input
        .chars()
        .take(MAX_QUERY_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let toks = tokenize(&clean);
    let mut parsed = Parsed::default();
    // parentheses as typed; where their normal form would hold more than
    // MAX_WORDS words, the words as if there were none
    let nested = Grouping::new(&toks, true).expression();
    let clauses = boolean::conjunctive(&nested, MAX_WORDS).unwrap_or_else(|| {
        let flat = Grouping::new(&toks, false).expression();
        boolean::conjunctive(&flat, MAX_WORDS).unwrap_or_default()
    });
    for clause in clauses {
        let (excluded, required): (Vec<_>, Vec<_>) = clause.into_iter().partition(|l| l.negated);
        match (required.is_empty(), &excluded[..]) {
            // an excluded word inside an alternative (`a OR NOT b`) cannot
            // be searched for: the alternative is its other words
            (false, _) => parsed
                .required
                .push(required.into_iter().map(|l| l.value).collect()),
            (true, [one]) => parsed.excluded.push(one.value.clone()),
            // `NOT (a AND b)`, not both: no exclusion says it, none is made
            (true, _) => {}
        }
    }
    for t in toks {
        if let Tok::Filter { facet, path } = t {
            parsed.filters.push((facet, path));
        }
    }
    parsed
}

/// Reads tokens into an expression: words side by side (or joined by
/// `AND`) are all required, `OR` joins the two next to it (`a b OR c d` is
/// `a (b OR c) d`, as web search engines read it), `-` and `NOT` exclude,
/// and parentheses group (when `nested`; else they are passed over).
struct Grouping<'a> {
    toks: &'a [Tok],
    at: usize,
    nested: bool,
    /// Words read so far, each alternative counted: at most [`MAX_WORDS`].
    words: usize,
}

impl<'a> Grouping<'a> {
    fn new(toks: &'a [Tok], nested: bool) -> Grouping<'a> {
        Grouping {
            toks,
            at: 0,
            nested,
            words: 0,
        }
    }

    /// The whole query's expression.
    fn expression(&mut self) -> Expr<Unit> {
        self.sequence(Target::Any, 0)
    }

    /// Items up to the `)` that closes a group `depth` deep (a stray one
    /// at the top is passed over) or the end; each item's words not
    /// restricted to titles get `target`.
    fn sequence(&mut self, target: Target, depth: usize) -> Expr<Unit> {
        let mut items: Vec<Expr<Unit>> = Vec::new();
        let mut pending_or = false;
        while let Some(tok) = self.toks.get(self.at) {
            self.at += 1;
            if self.words >= MAX_WORDS {
                break;
            }
            let (item, neg) = match tok {
                Tok::Close if depth > 0 && self.nested => break,
                Tok::Close | Tok::Filter { .. } => continue,
                Tok::Or => {
                    // `OR` after a word to be found; after an exclusion or
                    // at the start it joins nothing
                    pending_or = matches!(items.last(), Some(e) if !matches!(e, Expr::Not(_)));
                    continue;
                }
                Tok::Word { text, .. } | Tok::Phrase { text, .. } if !has_word_chars(text) => {
                    continue
                }
                Tok::Word {
                    text,
                    neg,
                    target: own,
                    prefix,
                } => {
                    self.words += 1;
                    let unit = Unit {
                        prefix: *prefix,
                        ..Unit::new(text.clone(), false, narrowed(*own, target))
                    };
                    (Expr::Leaf(unit), *neg)
                }
                Tok::Phrase {
                    text,
                    neg,
                    target: own,
                    near,
                } => {
                    self.words += 1;
                    let several = text.split_whitespace().count() > 1;
                    // near each other: every word in one passage, which is
                    // a few sentences (a passage is what matches)
                    let unit = Unit {
                        all_words: several && *near,
                        ..Unit::new(text.clone(), several && !near, narrowed(*own, target))
                    };
                    (Expr::Leaf(unit), *neg)
                }
                Tok::Open { .. } if !self.nested || depth >= MAX_DEPTH => continue,
                Tok::Open { neg, target: own } => {
                    let group = self.sequence(narrowed(*own, target), depth + 1);
                    if matches!(&group, Expr::All(items) if items.is_empty()) {
                        continue;
                    }
                    (group, *neg)
                }
            };
            let item = if neg { Expr::Not(Box::new(item)) } else { item };
            match items.last_mut() {
                Some(last) if std::mem::take(&mut pending_or) => {
                    let before = std::mem::replace(last, Expr::All(Vec::new()));
                    *last = match before {
                        Expr::Any(mut alternatives) => {
                            alternatives.push(item);
                            Expr::Any(alternatives)
                        }
                        one => Expr::Any(vec![one, item]),
                    };
                }
                _ => items.push(item),
            }
        }
        match items.len() {
            1 => items.pop().unwrap_or(Expr::All(Vec::new())),
            _ => Expr::All(items),
        }
    }
}

/// A word's field: its own `title:`, else its group's.
fn narrowed(own: Target, group: Target) -> Target {
    if own == Target::Any {
        group
    } else {
        own
    }
}

fn has_word_chars(s: &str) -> bool {
    s.chars().any(char::is_alphanumeric)
}

/// Whether `chars[j]` ends a word though no space follows it: a comma or
/// semicolon typed without its space (`klima,energi`), unless between
/// digits (`1,5`).
fn separates(chars: &[char], j: usize) -> bool {
    let digit = |k: Option<usize>| {
        k.and_then(|k| chars.get(k))
            .is_some_and(|c| c.is_ascii_digit())
    };
    matches!(chars[j], ',' | ';') && !(digit(j.checked_sub(1)) && digit(Some(j + 1)))
}

/// A quotation mark that opens or closes a phrase: the ASCII one and those
/// word processors, phones and Nordic, German and Finnish typography put
/// in its place (`«…»`, `»…«`, `“…”`, `„…“`, `”…”`), as a phrase copied
/// from a document or typed on a phone comes. A phrase ends at the next
/// mark of any of these kinds.
fn is_quote(c: char) -> bool {
    matches!(c, '"' | '«' | '»' | '“' | '”' | '„' | '‟')
}

fn tokenize(s: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    // a `NOT` is waiting for its word
    let mut not = false;
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        // `NOT word` excludes as `-word` does
        let mut neg = std::mem::take(&mut not);
        let mut target = Target::Any;
        let start = i;
        if chars[i] == '-' && i + 1 < chars.len() && !chars[i + 1].is_whitespace() {
            neg = true;
            i += 1;
        }
        // field prefix, in English or as the search page's own languages
        // name it (a Norwegian user types `tittel:`)
        // the longest prefix, `otsikko:`, is 8 letters
        let ahead = chars[i..chars.len().min(i + 8)]
            .iter()
            .collect::<String>()
            .to_lowercase();
        if let Some(prefix) = TITLE_PREFIXES.iter().find(|p| ahead.starts_with(*p)) {
            target = Target::Title;
            i += prefix.chars().count();
        }
        // a group: `(`, `-(`, `NOT (`, `title:(`; a `)` closes one
        if i < chars.len() && chars[i] == '(' {
            out.push(Tok::Open { neg, target });
            i += 1;
            continue;
        }
        if i < chars.len() && chars[i] == ')' {
            out.push(Tok::Close);
            i += 1;
            continue;
        }
        if i < chars.len() && is_quote(chars[i]) {
            if let Some(end) = chars[i + 1..].iter().position(|&c| is_quote(c)) {
                let text: String = chars[i + 1..i + 1 + end].iter().collect();
                i = i + end + 2;
                // `"a b"~5`, a proximity as Lucene and legal databases write
                // it: not a word `5` to find
                let near = chars.get(i) == Some(&'~');
                if near {
                    i += 1;
                    while chars.get(i).is_some_and(char::is_ascii_digit) {
                        i += 1;
                    }
                }
                out.push(Tok::Phrase {
                    text,
                    neg,
                    target,
                    near,
                });
                continue;
            }
            // unbalanced quote: the rest is plain words
            i += 1;
            continue;
        }
        let mut j = i;
        while j < chars.len()
            && !chars[j].is_whitespace()
            && !is_quote(chars[j])
            && chars[j] != ')'
            && !separates(&chars, j)
        {
            j += 1;
        }
        let text: String = chars[i..j].iter().collect();
        let facet_filter = text.split_once(":/").filter(|(f, p)| {
            !neg && target == Target::Any
                && crate::facet::Facet::parse(f).is_some()
                && !p.is_empty()
        });
        if let Some((facet, path)) = facet_filter {
            out.push(Tok::Filter {
                facet: facet.to_string(),
                path: format!("/{path}"),
            });
        } else if text == "OR" && !neg && target == Target::Any {
            out.push(Tok::Or);
        } else if text == "AND" && !neg && target == Target::Any {
            // every word is required anyway
        } else if text == "NOT" && !neg && target == Target::Any {
            not = true;
        } else if !text.is_empty() {
            // a question's `?`, a sentence's `.`, brackets and quotation
            // marks around a word are not part of it: `klimamål?` is
            // looked up, translated and split as `klimamål`
            let truncated = text.ends_with('*');
            let text = text
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_string();
            // `klima*`: every word beginning so (not from fewer letters:
            // `ko*` is most of the index)
            let prefix = truncated && text.chars().count() >= MIN_PREFIX_CHARS;
            out.push(Tok::Word {
                text,
                neg,
                target,
                prefix,
            });
        } else if j == start {
            j += 1;
        }
        // (a separator ends the word and is passed over)
        i = j.max(start + 1);
    }
    out
}

/// Builds the backend-neutral query tree ([`Node`]) of a parsed query,
/// planning with the engine's term statistics ([`Stats`]).
pub struct Builder<'a> {
    /// `(language key, exact field, fold field, exact analyzer, fold
    /// analyzer)` per language key with terms in the index.
    langs: Vec<(&'static str, String, String, TextAnalyzer, TextAnalyzer)>,
    /// The folded analyzers of the languages present that compound.
    compounding: Vec<TextAnalyzer>,
    title: TextAnalyzer,
    ocr: TextAnalyzer,
    features: Features,
    stats: &'a dyn Stats,
    /// The clauses built, kept to explain hits (`None`: not asked).
    atoms: Option<Vec<Atom>>,
    /// The user's word whose group is being built (empty for exclusions).
    word: String,
    /// The Nordic language key whose exact field holds the group's own word
    /// in the most passages (its likely language), for its neighbour words.
    own: Option<&'static str>,
}

/// A clause noted for explanation before its word is known.
type Note = (Clause, String, Feature, f32, Resolve);

/// The feature a clause of unit `u` stands for: its expansion's, or the
/// field's for the user's own word.
fn feature_of(u: &Unit, field: Feature) -> Feature {
    match u.via {
        Via::Literal => field,
        Via::Variant => Feature::Variant,
        Via::Translation => Feature::Translation,
        Via::Neighbour => Feature::NeighbourLanguage,
        Via::Compound => Feature::CompoundPart,
    }
}

fn joined(toks: &[tantivy::tokenizer::Token]) -> String {
    toks.iter()
        .map(|t| t.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

impl<'a> Builder<'a> {
    /// A builder that only queries language fields holding terms.
    pub fn new(stats: &'a dyn Stats, features: Features) -> Builder<'a> {
        let mut langs = Vec::new();
        let mut compounding = Vec::new();
        for lang in present_languages(stats) {
            langs.push((
                lang.key,
                schema::body_field_name(lang.key),
                schema::fold_field_name(lang.key),
                analyzer::exact_analyzer(lang),
                analyzer::fold_analyzer(lang),
            ));
            if crate::index::compound::compounds(lang.key) {
                compounding.push(analyzer::fold_analyzer(lang));
            }
        }
        Builder {
            langs,
            compounding,
            title: analyzer::title_analyzer(),
            ocr: analyzer::ocr_analyzer(),
            features,
            stats,
            atoms: None,
            word: String::new(),
            own: None,
        }
    }

    /// Keep every clause built, to explain hits ([`Builder::explain`]).
    pub fn with_explain(mut self) -> Builder<'a> {
        self.atoms = Some(Vec::new());
        self
    }

    /// The clauses of the last query built that hits are explained by, in
    /// the order [`Builder::explain`] reads the engine's answer in (empty
    /// unless made [`Builder::with_explain`]).
    pub fn explain_clauses(&self) -> Vec<Clause> {
        self.atoms
            .iter()
            .flatten()
            .map(|a| a.clause.clone())
            .collect()
    }

    /// Why a passage (text `text`) matched the last query built, given the
    /// indexes of [`Builder::explain_clauses`] it matches; empty unless made
    /// [`Builder::with_explain`].
    pub fn explain(&self, matched: &[usize], text: &str) -> Vec<super::explain::Explained> {
        match &self.atoms {
            Some(atoms) => super::explain::explain(atoms, matched, text),
            None => Vec::new(),
        }
    }

    fn note(&mut self, analysed: &str, notes: Vec<Note>) {
        if self.word.is_empty() {
            return;
        }
        if let Some(atoms) = &mut self.atoms {
            for (clause, term, feature, weight, resolve) in notes {
                atoms.push(Atom {
                    word: self.word.clone(),
                    term,
                    analysed: analysed.to_string(),
                    feature,
                    weight,
                    resolve,
                    clause,
                });
            }
        }
    }

    /// The query for a parsed query (`AND` of groups, or `OR` when not
    /// `all_required`), or `None` when nothing is searchable.
    pub fn build(&mut self, parsed: &Parsed, all_required: bool) -> Option<Node> {
        if parsed.is_empty() {
            return None;
        }
        let mut clauses: Vec<(Occur, Node)> = Vec::new();
        if let Some(atoms) = &mut self.atoms {
            atoms.clear();
        }
        let occur = if all_required {
            Occur::Must
        } else {
            Occur::Should
        };
        // a function word (`of`, `for`, `i`) in every language that has it is
        // optional beside the query's other words, as Lucene's analyzers
        // drop it: in a language's own field it is common, but in a sparse
        // one (English among Nordic passages) BM25 would count it as rare
        // Whether a word is a function word depends on the statistics (its
        // own language is the one holding it most): a pass that only
        // records the look-ups for a cluster plans every word in full, so
        // the real planning finds every count whichever way it decides.
        let recording = self.stats.recording();
        let function: Vec<bool> = parsed
            .required
            .iter()
            .map(|g| {
                let function = g
                    .first()
                    .is_some_and(|u| u.via == Via::Literal && self.function_word(u));
                function && !recording
            })
            .collect();
        let all_optional = function.iter().all(|f| *f);
        let features = self.features;
        for (group, function) in parsed.required.iter().zip(function) {
            let occur = if all_required && function && !all_optional {
                Occur::Should
            } else {
                occur
            };
            // the group's own word, whatever its first unit (see `unit_of_group`)
            self.word = group.first().map(|u| u.text.clone()).unwrap_or_default();
            // A function word is searched as itself and in the other written
            // standard only: what stands in for a content word where it is
            // missing (compound parts, the neighbour language's spellings and
            // words, OCR skeletons, the spelling without diacritics) is noise
            // for `før` or `ein` (`før` would list Swedish `för`, `föra` and
            // `förr` first, then every `for`), and each of those walks posting
            // lists as long as the word's own.
            let mut alts: Vec<Node> = if function {
                self.features = Features {
                    compound: false,
                    neighbour: false,
                    ocr: false,
                    fold: false,
                    ..features
                };
                let alts = group
                    .iter()
                    .filter(|u| matches!(u.via, Via::Literal | Via::Variant))
                    .map(|u| self.unit_of_group(u))
                    .collect();
                self.features = features;
                alts
            } else {
                // a translation that is a function word where it is found
                // (`vare` → `var`, `ved`) would match every passage of it
                group
                    .iter()
                    .filter(|u| u.via != Via::Translation || !self.function_word(u) || recording)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .map(|u| self.unit_of_group(u))
                    .collect()
            };
            // an alternative that matches nothing adds nothing
            if alts.len() > 1 {
                alts.retain(|n| !matches!(n, Node::Nothing));
                if alts.is_empty() {
                    alts.push(Node::Nothing);
                }
            }
            // a group's alternatives (the word, its variants, translations,
            // parts) count by the best one: a document matching many
            // translations must not outrank one with the word itself
            let q = if alts.len() == 1 {
                alts.into_iter().next()?
            } else {
                Node::DisMax {
                    nodes: alts,
                    tie_breaker: TIE_BREAKER,
                }
            };
            clauses.push((occur, q));
        }
        self.word.clear();
        if all_required && self.features.proximity {
            clauses.extend(
                self.proximity(parsed)
                    .into_iter()
                    .map(|n| (Occur::Should, n)),
            );
        }
        for u in &parsed.excluded {
            clauses.push((Occur::MustNot, self.unit(u)));
        }
        Some(Node::Bool(clauses))
    }

    /// True when `u` is one plain word that is a function word in the stop
    /// list of its own language: the analysed language whose exact field
    /// holds it in the most passages (`of` in English, though English
    /// phrases put it in Norwegian passages too).
    fn function_word(&mut self, u: &Unit) -> bool {
        if u.phrase
            || u.all_words
            || u.target != Target::Any
            || u.text.contains(char::is_whitespace)
        {
            return false;
        }
        // a translation also by its stem (`vare` is searched as `var`)
        let stop = |key: &str, stem: &str| {
            analyzer::stop_word(key, &u.text)
                || (u.via == Via::Translation && analyzer::stop_word(key, stem))
        };
        // per language, its stem and whether that makes a function word;
        // a word no stop list holds (most) needs no frequency look-ups
        let mut stems: Vec<(&'static str, &str, String, bool)> = Vec::new();
        for (key, exact, _, ea, _) in &mut self.langs {
            if let Some(tok) = analyzer::single_token(ea, &u.text) {
                let is_stop = stop(key, &tok);
                stems.push((*key, exact.as_str(), tok, is_stop));
            }
        }
        if !stems.iter().any(|(_, _, _, is_stop)| *is_stop) {
            return false;
        }
        let mut own: Option<(u64, bool)> = None;
        for (key, exact, tok, is_stop) in &stems {
            let df = self.stats.doc_freq(exact, tok).unwrap_or(0);
            if *key != "xx" && df > 0 && own.is_none_or(|(best, _)| df > best) {
                own = Some((df, *is_stop));
            }
        }
        own.is_some_and(|(_, is_stop)| is_stop)
    }

    /// For each two adjacent words of the query as typed, the pair as a
    /// phrase in every language's stemmed field that holds both: passages
    /// with the words next to each other, in the query's order and in any
    /// inflection, rank above passages with the words apart (`opptak til
    /// høgare utdanning` puts the regulation of that name above a long one
    /// that has the words scattered). Optional clauses: they only add.
    fn proximity(&mut self, parsed: &Parsed) -> Vec<Node> {
        fn plain(g: &[Unit]) -> Option<&str> {
            g.first()
                .filter(|u| {
                    !u.phrase
                        && !u.all_words
                        && u.target == Target::Any
                        && u.via == Via::Literal
                        && !u.text.contains(char::is_whitespace)
                })
                .map(|u| u.text.as_str())
        }
        let mut out = Vec::new();
        for pair in parsed.required.windows(2) {
            let (Some(a), Some(b)) = (plain(&pair[0]), plain(&pair[1])) else {
                continue;
            };
            let text = format!("{a} {b}");
            let mut phrases = Vec::new();
            let mut notes: Vec<Note> = Vec::new();
            for (_, exact, _, ea, _) in &mut self.langs {
                let toks = analyzer::tokens(ea, &text);
                // both words kept by the analyzer (a stop word is not a pair)
                if toks.len() != 2 {
                    continue;
                }
                let analysed = Analysed::new(self.stats, exact, toks);
                if !analysed.present() {
                    continue;
                }
                if let Some(q) = term_or_phrase(exact, &analysed.toks, PROXIMITY_BOOST) {
                    let term = joined(&analysed.toks);
                    let (f, r) = (Feature::Proximity, Resolve::Term);
                    notes.push((q.clone(), term, f, PROXIMITY_BOOST, r));
                    phrases.push(q);
                }
            }
            if self.atoms.is_some() {
                self.word = text.clone();
                self.note(&text, std::mem::take(&mut notes));
                self.word.clear();
            }
            if !phrases.is_empty() {
                out.push(Node::Word {
                    alternatives: phrases,
                    tie_breaker: 0.0,
                });
            }
        }
        out
    }

    /// [`Builder::unit`] for a unit of a required group, explained as the
    /// word the user typed that it stands for: a group holds each typed word
    /// (at full weight) before its own alternatives (`verksemd OR bedrift`:
    /// `bedrift`'s translations are `bedrift`'s, not `verksemd`'s).
    fn unit_of_group(&mut self, u: &Unit) -> Node {
        if u.via == Via::Literal && u.weight == 1.0 {
            self.word = u.text.clone();
        }
        self.unit(u)
    }

    /// Query for one unit: dis-max over every field's analysis of it.
    pub fn unit(&mut self, u: &Unit) -> Node {
        if u.all_words {
            let words: Vec<Node> = u
                .text
                .split_whitespace()
                .map(|word| {
                    let mut nodes: Vec<Node> = word
                        .split(ANY_OF)
                        .filter(|w| !w.is_empty())
                        .map(|w| {
                            self.unit(&Unit {
                                text: w.to_string(),
                                all_words: false,
                                ..u.clone()
                            })
                        })
                        .filter(|q| !matches!(q, Node::Nothing))
                        .collect();
                    match nodes.len() {
                        0 => Node::Nothing,
                        1 => nodes.remove(0),
                        _ => Node::DisMax {
                            nodes,
                            tie_breaker: 0.0,
                        },
                    }
                })
                .collect();
            // one word found nowhere: the whole matches nothing, and an
            // engine need not walk the others' postings to learn so
            if words.iter().any(|q| matches!(q, Node::Nothing)) {
                return Node::Nothing;
            }
            return Node::Bool(words.into_iter().map(|q| (Occur::Must, q)).collect());
        }
        let w = u.weight;
        let mut alts: Vec<Clause> = Vec::new();
        // routes that stand in for the word where it is missing (inside
        // another compound, a neighbour's spelling): they add nothing to a
        // passage that has the word itself
        let mut fallback: Vec<Clause> = Vec::new();
        let explaining = self.atoms.is_some() && !self.word.is_empty();
        let mut notes: Vec<Note> = Vec::new();
        let mut note = |c: &Clause, term: String, field: Feature, weight: f32, r: Resolve| {
            if explaining {
                notes.push((c.clone(), term, feature_of(u, field), weight, r));
            }
        };
        let lower = u.text.to_lowercase();
        // A neighbour language's word (`hamn` for `havn`) is searched in the
        // other Nordic languages' fields only, not in the group word's own
        // language (where it is at best another word, `komma` for a comma)
        // nor in the all-language surface, OCR and key fields: it is a word
        // of a known language, and a common one walks long posting lists.
        let neighbour = u.via == Via::Neighbour;
        let own = self.own;
        let searched = |key: &str| !neighbour || (NORDIC_LANGS.contains(&key) && own != Some(key));
        let mut most: Option<(u64, &'static str)> = None;
        // Titles are indexed folded only: when folding makes the word another, far more
        // common one (`før` → `for`), a title clause would match that other word.
        let mut folds_into_other_word = false;
        if u.target == Target::Any {
            let fold_on = self.features.fold;
            let stats = self.stats;
            let recording = stats.recording();
            let with_diacritics = fold_on && !u.text.is_ascii();
            // each language's analysis of the word and its counts, read
            // once: the languages it is searched in (every one, in a pass
            // that records look-ups for a cluster: which ones a neighbour's
            // word skips depends on the statistics), and for a word with
            // diacritics every one holding it as one token
            let exacts: Vec<Option<Analysed>> = self
                .langs
                .iter_mut()
                .map(|(key, exact, _, ea, _)| {
                    if searched(key) || recording {
                        return Some(Analysed::new(stats, exact, analyzer::tokens(ea, &u.text)));
                    }
                    if !with_diacritics {
                        return None;
                    }
                    let toks = analyzer::tokens(ea, &u.text);
                    (toks.len() == 1).then(|| Analysed::new(stats, exact, toks))
                })
                .collect();
            // how many passages have a word with diacritics in the language
            // that has it most: one no field has (`premissleverandører` where
            // OCR read `premissleverandorer`) is found by its folded spelling
            // alone, however common that is here
            let anywhere: u64 = exacts
                .iter()
                .flatten()
                .filter(|_| with_diacritics)
                .filter_map(|a| match a.dfs[..] {
                    [Some(n)] => Some(n),
                    _ => None,
                })
                .max()
                .unwrap_or(0);
            for ((key, _, fold, _, fa), exact) in self.langs.iter_mut().zip(exacts) {
                if !searched(key) {
                    if recording {
                        Analysed::new(stats, fold, analyzer::tokens(fa, &u.text));
                    }
                    continue;
                }
                // a word absent from a field adds a clause that matches
                // nothing but still costs its term look-ups: leave it out
                let Some(exact) = exact else {
                    continue;
                };
                if u.via == Via::Literal && exact.toks.len() == 1 && NORDIC_LANGS.contains(key) {
                    let df = exact.dfs.first().copied().flatten().unwrap_or(0);
                    if df > 0 && most.is_none_or(|(best, _)| df > best) {
                        most = Some((df, *key));
                    }
                }
                if exact.present() {
                    if let Some(q) = term_or_phrase(&exact.field, &exact.toks, EXACT_BOOST * w) {
                        let term = joined(&exact.toks);
                        let f = if term == lower {
                            Feature::Exact
                        } else {
                            Feature::Stem
                        };
                        note(&q, term, f, EXACT_BOOST * w, Resolve::Term);
                        alts.push(q);
                    }
                }
                let fold_toks = analyzer::tokens(fa, &u.text);
                let other_word = folds_into_common_word(self.stats, &exact, &fold_toks, anywhere);
                folds_into_other_word |= other_word;
                if fold_on && !other_word {
                    // frequencies are read only when the folded clause may be added
                    let fold = Analysed::new(self.stats, fold, fold_toks);
                    if fold.present() && !same_postings(&exact, &fold) {
                        if let Some(q) = term_or_phrase(&fold.field, &fold.toks, FOLD_BOOST * w) {
                            let term = joined(&fold.toks);
                            note(&q, term, Feature::Folded, FOLD_BOOST * w, Resolve::Term);
                            alts.push(q);
                        }
                    }
                }
            }
            if u.via == Via::Literal {
                self.own = most.map(|(_, k)| k);
            }
            let single_word = !u.phrase && !u.text.contains(char::is_whitespace);
            if single_word && self.features.expand && !folds_into_other_word && !neighbour {
                // the word as written, unstemmed: of the passages a stem
                // matches, those with the query's own spelling (`kommunane`,
                // not Bokmål `kommunene`; both stem to `kommun`) rank first
                if let Some(q) = self.surface(&u.text, EXACT_BOOST * w) {
                    let (f, r) = (Feature::Exact, Resolve::Term);
                    note(&q, lower.clone(), f, EXACT_BOOST * w, r);
                    alts.push(q);
                }
            }
            if self.features.fuzzy && single_word && w == 1.0 {
                if let Some(q) = self.fuzzy(&u.text) {
                    let (f, r) = (Feature::Typo, Resolve::Nearest);
                    note(&q, lower.clone(), f, FUZZY_BOOST, r);
                    alts.push(q);
                }
            }
            if u.prefix && single_word {
                if let Some(q) = self.prefix(schema::WORDS, &u.text) {
                    let (f, r) = (Feature::Prefix, Resolve::Prefix);
                    note(&q, lower.clone(), f, PREFIX_BOOST, r);
                    alts.push(q);
                }
            }
            if self.features.compound && single_word {
                if let Some(q) = self.part_of_compounds(&u.text, PART_BOOST * w) {
                    let f = Feature::CompoundPart;
                    note(&q, lower.clone(), f, PART_BOOST * w, Resolve::Compound);
                    fallback.push(q);
                }
            }
            if self.features.neighbour && single_word && !neighbour {
                if let Some(q) = self.neighbour_spelling(&u.text, NEIGHBOUR_BOOST * w) {
                    let (f, r) = (Feature::NeighbourLanguage, Resolve::CognateKey);
                    note(&q, lower.clone(), f, NEIGHBOUR_BOOST * w, r);
                    fallback.push(q);
                }
            }
            if self.features.neighbour && single_word && !neighbour {
                for q in self.neighbour_near(&u.text, NEAR_BOOST * w) {
                    let (f, r) = (Feature::NeighbourLanguage, Resolve::NearKey);
                    let weight = q.boost();
                    note(&q, lower.clone(), f, weight, r);
                    fallback.push(q);
                }
            }
            // OCR damage is forgiven in the user's own words, not in a
            // translation's: a guessed word with its vowels gone matches
            // words it was never meant as (and walks their postings)
            if self.features.ocr && single_word && !neighbour && u.via != Via::Translation {
                let toks = analyzer::tokens(&mut self.ocr, &u.text);
                if let Some(q) = term_or_phrase(schema::OCR, &toks, OCR_BOOST * w) {
                    let (f, r) = (Feature::Ocr, Resolve::Skeleton);
                    note(&q, lower.clone(), f, OCR_BOOST * w, r);
                    alts.push(q);
                }
            }
        }
        // The other written standard's spelling (`høyere` for a Nynorsk
        // `høgare`) is matched in the text, not in titles: at a title's
        // weight it would put a Bokmål title above the Nynorsk text that
        // has the query's own spelling.
        if !folds_into_other_word && u.via != Via::Variant {
            let toks = analyzer::tokens(&mut self.title, &u.text);
            if let Some(q) = term_or_phrase(schema::TITLE, &toks, TITLE_BOOST * w) {
                let (f, r) = (Feature::Title, Resolve::Term);
                note(&q, lower.clone(), f, TITLE_BOOST * w, r);
                alts.push(q);
            }
            // `title:strateg*`: titles with a word beginning so
            if u.prefix && u.target == Target::Title {
                if let Some(q) = self.prefix(schema::TITLE, &u.text) {
                    let (f, r) = (Feature::Prefix, Resolve::Prefix);
                    note(&q, lower.clone(), f, PREFIX_BOOST, r);
                    alts.push(q);
                }
            }
            // the user's own words only: a translation's or neighbour's
            // inflections would put titles of its other senses first
            if self.features.expand
                && u.via == Via::Literal
                && toks.len() == 1
                && !u.phrase
                && u.target == Target::Any
            {
                let boost = TITLE_BOOST * w;
                for form in self.title_inflections(&u.text, &toks[0].text) {
                    let q = Clause::Term {
                        field: schema::TITLE.to_string(),
                        term: form.clone(),
                        boost,
                    };
                    note(&q, form, Feature::Title, boost, Resolve::Term);
                    alts.push(q);
                }
            }
        }
        self.note(&u.text, notes);
        let word = (!alts.is_empty()).then_some(Node::Word {
            alternatives: alts,
            tie_breaker: TIE_BREAKER,
        });
        match (word, fallback.is_empty()) {
            (None, true) => Node::Nothing,
            (Some(word), true) => word,
            // the stand-ins count only where they beat the word: a dis-max
            // of the two without a tie breaker
            (word, false) => {
                let mut best: Vec<Node> = word.into_iter().collect();
                best.push(Node::Word {
                    alternatives: fallback,
                    tie_breaker: 0.0,
                });
                Node::DisMax {
                    nodes: best,
                    tie_breaker: 0.0,
                }
            }
        }
    }

    /// The word as a part of other words' compounds (the `parts` field), in
    /// each compounding language's analysis; `None` when no compound has it.
    fn part_of_compounds(&mut self, word: &str, boost: f32) -> Option<Clause> {
        let mut terms: Vec<String> = Vec::new();
        for a in &mut self.compounding {
            let Some(tok) = analyzer::single_token(a, word) else {
                continue;
            };
            if !terms.contains(&tok) && self.stats.doc_freq(schema::PARTS, &tok).unwrap_or(0) > 0 {
                terms.push(tok);
            }
        }
        one_of(schema::PARTS, terms, boost)
    }

    /// The other inflections of `word` that some title holds: titles are
    /// indexed unstemmed (they often mix languages), so `landbruk` would
    /// miss the title `… i landbruket`. The forms are the word's stem in
    /// its likely language ([`Builder::own`]) with that language's endings,
    /// kept where they stem back to it and a title holds them (folded, as
    /// titles are; `title` is the word's own title term).
    fn title_inflections(&mut self, word: &str, title: &str) -> Vec<String> {
        // the likely language depends on the statistics: a pass that
        // records look-ups for a cluster asks for every Nordic language's
        if self.stats.recording() {
            for lang in NORDIC_LANGS {
                for form in self.inflections(lang, word, title) {
                    self.stats.doc_freq(schema::TITLE, &form);
                }
            }
            return Vec::new();
        }
        let Some(own) = self.own else {
            return Vec::new();
        };
        self.inflections(own, word, title)
            .into_iter()
            .filter(|t| self.stats.doc_freq(schema::TITLE, t).unwrap_or(0) > 0)
            .collect()
    }

    /// `word`'s stem in language `lang` with each of
    /// [`INFLECTION_ENDINGS`] that stems back to it, as titles are indexed
    /// (folded), without `title` (the word's own).
    fn inflections(&mut self, lang: &str, word: &str, title: &str) -> Vec<String> {
        let Some((_, _, _, ea, _)) = self.langs.iter_mut().find(|l| l.0 == lang) else {
            return Vec::new();
        };
        let Some(stem) = analyzer::single_token(ea, word) else {
            return Vec::new();
        };
        let mut forms: Vec<String> = Vec::new();
        for ending in INFLECTION_ENDINGS {
            let form = format!("{stem}{ending}");
            if analyzer::single_token(ea, &form).as_deref() != Some(stem.as_str()) {
                continue;
            }
            if let Some(t) = analyzer::single_token(&mut self.title, &form) {
                if t != title && !forms.contains(&t) {
                    forms.push(t);
                }
            }
        }
        forms
    }

    /// The word as written (lowercased, unstemmed) in the `words` field,
    /// when a passage has it and the word has no letters folding changes.
    fn surface(&mut self, word: &str, boost: f32) -> Option<Clause> {
        let tok = analyzer::single_token(&mut self.title, word)?;
        // the field is folded: a word with diacritics would also meet its
        // folded spellings here, at an exact match's weight
        if tok != word.to_lowercase() {
            return None;
        }
        if self.stats.doc_freq(schema::WORDS, &tok).unwrap_or(0) == 0 {
            return None;
        }
        one_of(schema::WORDS, vec![tok], boost)
    }

    /// The word's cross-Scandinavian spelling key in the `nordic` field.
    fn neighbour_spelling(&mut self, word: &str, boost: f32) -> Option<Clause> {
        let key = crate::index::cognate::key(&word.to_lowercase())?;
        if self.stats.doc_freq(schema::NORDIC, &key).unwrap_or(0) == 0 {
            return None;
        }
        one_of(schema::NORDIC, vec![key], boost)
    }

    /// Cross-Scandinavian keys one edit from the word's own (two from
    /// [`NEAR_TWO_EDITS_CHARS`]), where the spellings differ beyond the
    /// key's regular correspondences (`utveckling`/`utvikling`,
    /// `tjänster`/`tjenester`): the commonest [`NEAR_MAX_TERMS`] of them.
    /// The edit-distance fuzziness Lucene users give every word, here only
    /// on the key and only where the word itself is missing. Each is scored
    /// by BM25 with its weight lowered so it scores as if it were no rarer
    /// than the word's own key (Lucene's blended fuzzy scoring): a rare
    /// near spelling never outranks the word's own.
    fn neighbour_near(&mut self, word: &str, boost: f32) -> Vec<Clause> {
        let Some(key) = crate::index::cognate::key(&word.to_lowercase()) else {
            return Vec::new();
        };
        let n = key.chars().count();
        if n < NEAR_MIN_CHARS {
            return Vec::new();
        }
        let max = if n >= NEAR_TWO_EDITS_CHARS { 2 } else { 1 };
        let mut found: Vec<(String, u64)> = Vec::new();
        for (cand, df) in self.stats.neighbours(schema::NORDIC, &key, max) {
            let d = strsim::damerau_levenshtein(&key, &cand);
            if d == 0 || d > max {
                continue;
            }
            match found.iter_mut().find(|(t, _)| *t == cand) {
                Some((_, n)) => *n += df,
                None => found.push((cand, df)),
            }
        }
        found.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let passages = self.stats.passages();
        let own = self.stats.doc_freq(schema::NORDIC, &key).unwrap_or(0);
        found
            .into_iter()
            .take(NEAR_MAX_TERMS)
            .map(|(term, df)| {
                let rarer = crate::plan::idf(df.max(1), passages);
                let scale = if own > 0 && rarer > 0.0 {
                    (crate::plan::idf(own, passages) / rarer).min(1.0)
                } else {
                    1.0
                };
                Clause::Term {
                    field: schema::NORDIC.to_string(),
                    term,
                    boost: boost * scale,
                }
            })
            .collect()
    }

    /// The words of `field` (unstemmed, analysed as titles: the `words`
    /// field or the title) beginning as `word` (typed truncated, `klima*`).
    fn prefix(&mut self, field: &str, word: &str) -> Option<Clause> {
        let prefix = analyzer::single_token(&mut self.title, word)?;
        Some(Clause::Prefix {
            field: field.to_string(),
            prefix,
            boost: PREFIX_BOOST,
        })
    }

    /// Typo-tolerant match on the unstemmed `words` field: one edit from
    /// [`FUZZY_MIN_CHARS`] letters, two from [`FUZZY_TWO_EDITS_CHARS`];
    /// never for short words or anything with a digit.
    fn fuzzy(&mut self, word: &str) -> Option<Clause> {
        let tok = analyzer::single_token(&mut self.title, word)?;
        let n = tok.chars().count();
        if n < FUZZY_MIN_CHARS || tok.chars().any(|c| c.is_ascii_digit()) {
            return None;
        }
        // A word many documents already contain is no typo worth chasing,
        // and expanding it to its neighbours is what typo tolerance costs.
        if self.stats.doc_freq(schema::WORDS, &tok).unwrap_or(0) >= FUZZY_SKIP_DOC_FREQ {
            return None;
        }
        let distance = if n >= FUZZY_TWO_EDITS_CHARS { 2 } else { 1 };
        Some(Clause::Fuzzy {
            field: schema::WORDS.to_string(),
            term: tok,
            distance,
            boost: FUZZY_BOOST,
        })
    }
}

/// The fallback when no passage has every word (`clauses`, the query's
/// required groups and exclusions): any word, ranked by score plus, for
/// each of the words a passage has, BM25's inverse document frequency of
/// that word (of its commonest alternative), so a passage with more of the
/// words usually ranks above one with fewer (the coordination of Lucene's
/// classic scoring and Meilisearch's `words` rule), while a word in most
/// passages (`in`, `of`) adds next to nothing: the stop words Lucene's
/// analyzers drop. It is the same tree with the groups optional, not
/// planned twice.
pub(crate) fn any_word(clauses: &[(Occur, Node)], stats: &dyn Stats) -> Node {
    let passages = stats.passages();
    Node::Bool(
        clauses
            .iter()
            .filter_map(|(o, n)| match o {
                Occur::Must => Some((
                    Occur::Should,
                    Node::Plus {
                        node: Box::new(n.clone()),
                        add: crate::plan::idf(commonest(n, stats).unwrap_or(1).max(1), passages),
                    },
                )),
                // the words' proximity counts in the all-words query only
                Occur::Should => None,
                Occur::MustNot => Some((*o, n.clone())),
            })
            .collect(),
    )
}

/// In how many passages the commonest term of a word's alternatives is
/// (`None` when no term's count is known: fuzzy or facet clauses only).
fn commonest(node: &Node, stats: &dyn Stats) -> Option<u64> {
    let df = |field: &str, term: &str| stats.doc_freq(field, term);
    match node {
        Node::Word { alternatives, .. } => alternatives
            .iter()
            .filter_map(|c| match c {
                Clause::Term { field, term, .. } => df(field, term),
                Clause::Terms { field, terms, .. } => {
                    terms.iter().filter_map(|t| df(field, t)).max()
                }
                // a phrase is at most as common as its rarest word
                Clause::Phrase { field, terms, .. } => {
                    terms.iter().filter_map(|(_, t)| df(field, t)).min()
                }
                Clause::Facet { .. } | Clause::Fuzzy { .. } | Clause::Prefix { .. } => None,
            })
            .max(),
        Node::Bool(cs) => cs.iter().filter_map(|(_, n)| commonest(n, stats)).max(),
        Node::DisMax { nodes, .. } => nodes.iter().filter_map(|n| commonest(n, stats)).max(),
        Node::Plus { node, .. } => commonest(node, stats),
        Node::Nothing => None,
    }
}

/// The analysed languages whose exact field holds terms in the engine.
pub fn present_languages(stats: &dyn Stats) -> Vec<&'static analyzer::AnalyzedLanguage> {
    ANALYZED
        .iter()
        .filter(|lang| stats.has_terms(&schema::body_field_name(lang.key)))
        .collect()
}

/// A term clause, or one of a few terms (one word's analyses in several
/// languages, scores added as before the plan).
fn one_of(field: &str, mut terms: Vec<String>, boost: f32) -> Option<Clause> {
    match terms.len() {
        0 => None,
        1 => Some(Clause::Term {
            field: field.to_string(),
            term: terms.remove(0),
            boost,
        }),
        _ => Some(Clause::Terms {
            field: field.to_string(),
            terms,
            boost,
        }),
    }
}

/// True when the folded field can only repeat the exact field's match: it
/// holds `fold(t)` for every exact token `t`, so its postings for `fold(e)`
/// contain those of `e`; when both terms are in as many passages they are the
/// same passages, and querying the folded field would walk a second,
/// identical posting list (for a common word at a million passages, half the
/// query's work) to change nothing but the tie-breaker. `Trondelag` still
/// reaches `Trøndelag`: there the folded term is in more passages. (The other
/// reason to leave the folded field out is [`folds_into_common_word`].)
fn same_postings(exact: &Analysed, fold: &Analysed) -> bool {
    exact.toks.len() == fold.toks.len()
        && exact
            .dfs
            .iter()
            .zip(&fold.dfs)
            .all(|(a, b)| matches!((a, b), (Some(a), Some(b)) if a == b))
}

/// True when a one-word query has diacritics and its folded spelling is a
/// different word [`FOLD_OTHER_WORD`] times as common in the exact field:
/// `før` folds to `for`, `på` to `pa`, `år` to `ar`. Folding there finds that
/// other word, not OCR damage, and would make `før` match nearly every
/// Norwegian passage (and every title with `for`, titles being indexed
/// folded). `Trøndelag` still finds an OCR'd `Trondelag`, which is rarer.
/// Where the field lacks the word, it is measured against `anywhere`, its
/// count in the language that has it most (`før` is no English word, yet
/// English `for` is the other word); a word no field has at all has no
/// other spelling to be found by.
fn folds_into_common_word(
    stats: &dyn Stats,
    exact: &Analysed,
    fold: &[tantivy::tokenizer::Token],
    anywhere: u64,
) -> bool {
    let ([e], [f], [Some(word)]) = (&exact.toks[..], fold, &exact.dfs[..]) else {
        return false;
    };
    if e.text == f.text {
        return false;
    }
    let word = if *word > 0 { *word } else { anywhere };
    if word == 0 {
        return false;
    }
    let other = stats.doc_freq(&exact.field, &f.text).unwrap_or(0);
    other > 0 && other >= word.saturating_mul(FOLD_OTHER_WORD)
}

/// A word analysed for one field, with each token's document frequency
/// there (`None` when it could not be read), looked up once.
struct Analysed {
    field: String,
    toks: Vec<tantivy::tokenizer::Token>,
    dfs: Vec<Option<u64>>,
}

impl Analysed {
    fn new(stats: &dyn Stats, field: &str, toks: Vec<tantivy::tokenizer::Token>) -> Analysed {
        let dfs = toks
            .iter()
            .map(|t| stats.doc_freq(field, &t.text))
            .collect();
        Analysed {
            field: field.to_string(),
            toks,
            dfs,
        }
    }

    /// True when every token is in the field (in at least one passage); an
    /// unreadable frequency counts as present.
    fn present(&self) -> bool {
        self.dfs.iter().all(|df| df.is_none_or(|n| n > 0))
    }
}

/// A term clause for one token, a phrase clause for several.
fn term_or_phrase(field: &str, toks: &[tantivy::tokenizer::Token], boost: f32) -> Option<Clause> {
    match toks {
        [] => None,
        [t] => Some(Clause::Term {
            field: field.to_string(),
            term: t.text.clone(),
            boost,
        }),
        _ => Some(Clause::Phrase {
            field: field.to_string(),
            terms: toks.iter().map(|t| (t.position, t.text.clone())).collect(),
            boost,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A word searched anywhere, with its weight and where it came from.
    fn unit(text: &str, weight: f32, via: Via) -> Unit {
        Unit {
            weight,
            via,
            ..Unit::new(text.to_string(), false, Target::Any)
        }
    }

    /// Every `(field, term)` of the term clauses in a query tree.
    fn terms(n: &Node) -> Vec<(String, String)> {
        let mut out = Vec::new();
        fn walk(n: &Node, out: &mut Vec<(String, String)>) {
            match n {
                Node::Word { alternatives, .. } => {
                    for c in alternatives {
                        match c {
                            Clause::Term { field, term, .. } => {
                                out.push((field.clone(), term.clone()))
                            }
                            Clause::Terms { field, terms, .. } => {
                                out.extend(terms.iter().map(|t| (field.clone(), t.clone())))
                            }
                            _ => {}
                        }
                    }
                }
                Node::Bool(cs) => cs.iter().for_each(|(_, n)| walk(n, out)),
                Node::DisMax { nodes, .. } => nodes.iter().for_each(|n| walk(n, out)),
                Node::Plus { node, .. } => walk(node, out),
                Node::Nothing => {}
            }
        }
        walk(n, &mut out);
        out
    }

    #[test]
    fn a_variant_of_the_other_written_standard_is_not_matched_in_titles() {
        let stats = crate::plan::Recorder::default();
        let mut builder = Builder::new(&stats, Features::ALL);
        let parsed = one_group(vec![
            unit("verksemd", 1.0, Via::Literal),
            unit("virksomhet", 0.8, Via::Variant),
            unit("business", 0.5, Via::Translation),
        ]);
        let node = builder.build(&parsed, true).expect("a query");
        let titles: Vec<String> = terms(&node)
            .into_iter()
            .filter(|(f, _)| f == schema::TITLE)
            .map(|(_, t)| t)
            .collect();
        assert!(titles.contains(&"verksemd".to_string()), "{titles:?}");
        assert!(titles.contains(&"business".to_string()), "{titles:?}");
        assert!(!titles.contains(&"virksomhet".to_string()), "{titles:?}");
    }

    #[test]
    fn a_word_meets_its_other_inflections_in_titles_that_hold_them() {
        // `landbruk` is a Norwegian word; titles hold `landbruket` and
        // `landbrukets`, none `landbrukene`
        const TITLES: Table = Table {
            counts: &[
                ("body_no", "landbruk", 50),
                ("title", "landbruket", 3),
                ("title", "landbrukets", 1),
                ("title", "landbrukene", 0),
            ],
            otherwise: 0,
        };
        let titles = |features: Features| -> Vec<String> {
            let mut builder = Builder::new(&TITLES, features);
            let node = builder.build(&parse("landbruk"), true).expect("a query");
            terms(&node)
                .into_iter()
                .filter(|(f, _)| f == schema::TITLE)
                .map(|(_, t)| t)
                .collect()
        };
        let found = titles(Features::ALL);
        for form in ["landbruket", "landbrukets"] {
            assert!(found.contains(&form.to_string()), "{form}: {found:?}");
        }
        assert!(!found.contains(&"landbrukene".to_string()), "{found:?}");
        // plain BM25 matches titles as written
        assert!(titles(Features::NONE).iter().all(|t| t == "landbruk"));
    }

    /// A query of one group: a word and its alternatives.
    fn one_group(units: Vec<Unit>) -> Parsed {
        Parsed {
            required: vec![units],
            ..Parsed::default()
        }
    }

    /// Every field holds every term once, in 1,000 passages.
    const EVERY_TERM_ONCE: Table = Table {
        counts: &[],
        otherwise: 1,
    };

    /// Statistics of 1,000 passages: each `(field, term, passages)` listed
    /// (an empty field: any field), every other term in `otherwise`.
    struct Table {
        counts: &'static [(&'static str, &'static str, u64)],
        otherwise: u64,
    }
    impl Stats for Table {
        fn passages(&self) -> u64 {
            1_000
        }
        fn has_terms(&self, _: &str) -> bool {
            true
        }
        fn doc_freq(&self, field: &str, term: &str) -> Option<u64> {
            let listed = self
                .counts
                .iter()
                .find(|(f, t, _)| (f.is_empty() || *f == field) && *t == term);
            Some(listed.map_or(self.otherwise, |(_, _, n)| *n))
        }
        fn neighbours(&self, _: &str, _: &str, _: usize) -> Vec<(String, u64)> {
            Vec::new()
        }
    }

    #[test]
    fn a_word_folds_unless_that_makes_it_a_far_commoner_word() {
        let stats = Table {
            counts: &[("", "for", 500), ("", "trøndelag", 5), ("", "trondelag", 2)],
            otherwise: 0,
        };
        let token = |t: &str| tantivy::tokenizer::Token {
            text: t.to_string(),
            ..Default::default()
        };
        let folds = |word: &str, folded: &str, anywhere: u64| {
            let exact = Analysed::new(&stats, "en", vec![token(word)]);
            folds_into_common_word(&stats, &exact, &[token(folded)], anywhere)
        };
        // the word itself is commoner than a tenth of its folded spelling
        assert!(!folds("trøndelag", "trondelag", 5));
        // a field without the word measures it where it is: `før` in the
        // Norwegian fields, against English `for`
        assert!(folds("før", "for", 40));
        // no field has the word: its folded spelling is all there is
        assert!(!folds("før", "for", 0));
    }

    #[test]
    fn a_neighbour_languages_word_is_searched_in_the_other_languages_fields_only() {
        let stats = EVERY_TERM_ONCE;
        let mut builder = Builder::new(&stats, Features::ALL);
        let parsed = one_group(vec![
            unit("havn", 1.0, Via::Literal),
            unit("hamn", 0.6, Via::Neighbour),
        ]);
        builder.build(&parsed, true).expect("a query");
        // `havn` is in every field here; its own language is the first
        // Nordic one with the most passages: Norwegian
        let hamn = builder.unit(&unit("hamn", 0.6, Via::Neighbour));
        let fields: Vec<String> = terms(&hamn).into_iter().map(|(f, _)| f).collect();
        assert!(fields.contains(&"body_sv".to_string()), "{fields:?}");
        assert!(fields.contains(&"body_da".to_string()), "{fields:?}");
        for not in ["body_no", "fold_no", "body_en", "words", "ocr"] {
            assert!(!fields.contains(&not.to_string()), "{not} in {fields:?}");
        }
        // the word itself still reaches every language
        let own: Vec<String> = terms(&builder.unit(&unit("havn", 1.0, Via::Literal)))
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert!(own.contains(&"body_no".to_string()) && own.contains(&"body_sv".to_string()));
    }

    #[test]
    fn each_alternative_is_explained_by_the_word_typed_before_it() {
        let stats = EVERY_TERM_ONCE;
        let mut builder = Builder::new(&stats, Features::ALL).with_explain();
        let parsed = one_group(vec![
            unit("verksemd", 1.0, Via::Literal),
            unit("verksemder", 0.8, Via::Variant),
            unit("bedrift", 1.0, Via::Literal),
            unit("føretak", 0.8, Via::Variant),
        ]);
        builder.build(&parsed, true).expect("a query");
        let atoms = builder.atoms.as_deref().unwrap_or_default();
        let word_of = |term: &str| -> Vec<&str> {
            let mut words: Vec<&str> = atoms
                .iter()
                .filter(|a| a.term == term)
                .map(|a| a.word.as_str())
                .collect();
            words.dedup();
            words
        };
        assert_eq!(word_of("verksemder"), ["verksemd"]);
        assert_eq!(word_of("føretak"), ["bedrift"]);
        assert_eq!(word_of("bedrift"), ["bedrift"]);
    }

    #[test]
    fn a_translation_is_not_searched_by_its_ocr_skeleton() {
        let stats = EVERY_TERM_ONCE;
        let mut builder = Builder::new(&stats, Features::ALL);
        let fields = |builder: &mut Builder, via: Via| -> Vec<String> {
            let node = builder.unit(&unit("opplysning", 1.0, via));
            terms(&node).into_iter().map(|(f, _)| f).collect()
        };
        let literal = fields(&mut builder, Via::Literal);
        assert!(literal.contains(&schema::OCR.to_string()), "{literal:?}");
        let translated = fields(&mut builder, Via::Translation);
        assert!(
            !translated.contains(&schema::OCR.to_string()),
            "{translated:?}"
        );
        assert!(
            translated.contains(&"body_no".to_string()),
            "{translated:?}"
        );
    }

    #[test]
    fn a_function_word_of_its_own_language_is_optional_beside_other_words() {
        // `of` is in English passages only, `bans` and `smoking` too; `om`
        // in Norwegian ones only
        const ENGLISH: Table = Table {
            counts: &[
                ("body_en", "of", 5),
                ("body_en", "ban", 5),
                ("body_en", "smoke", 5),
                ("body_no", "om", 5),
                ("body_no", "lov", 5),
            ],
            otherwise: 0,
        };
        let occurs = |q: &str| {
            let node = Builder::new(&ENGLISH, Features::NONE)
                .build(&parse(q), true)
                .expect("a query");
            let Node::Bool(clauses) = node else {
                panic!("a bool query: {node:?}")
            };
            clauses.iter().map(|(o, _)| *o).collect::<Vec<_>>()
        };
        assert_eq!(
            occurs("bans of smoking"),
            [Occur::Must, Occur::Should, Occur::Must]
        );
        assert_eq!(occurs("lov om"), [Occur::Must, Occur::Should]);
        // alone, or beside only other function words, a function word is the query
        assert_eq!(occurs("of"), [Occur::Must]);
        assert_eq!(occurs("of om"), [Occur::Must, Occur::Must]);
    }

    #[test]
    fn a_function_word_has_no_stand_ins_nor_neighbour_words() {
        // every field holds every term, so every feature would add its clause
        let plan = |text: &str| {
            let parsed = one_group(vec![
                unit(text, 1.0, Via::Literal),
                unit("föra", 0.6, Via::Neighbour),
            ]);
            let node = Builder::new(&EVERY_TERM_ONCE, Features::ALL)
                .build(&parsed, true)
                .expect("a query");
            terms(&node)
        };
        let stand_ins = |ts: &[(String, String)]| {
            ts.iter()
                .filter(|(f, t)| {
                    [schema::PARTS, schema::NORDIC, schema::OCR].contains(&f.as_str())
                        || f.starts_with("fold")
                        || t.as_str() == "föra"
                })
                .count()
        };
        // `før` is in Norwegian's stop list; `skog` is not
        let function = plan("før");
        assert!(
            function.iter().any(|(_, t)| t.as_str() == "før"),
            "{function:?}"
        );
        assert_eq!(stand_ins(&function), 0, "{function:?}");
        assert!(stand_ins(&plan("skog")) > 0);
    }

    #[test]
    fn recording_asks_for_every_count_the_planning_then_reads() {
        /// Counts from `table`, remembering which were asked for.
        struct Asked {
            table: Table,
            asked: std::cell::RefCell<std::collections::BTreeSet<(String, String)>>,
        }
        impl Stats for Asked {
            fn passages(&self) -> u64 {
                self.table.passages()
            }
            fn has_terms(&self, field: &str) -> bool {
                self.table.has_terms(field)
            }
            fn doc_freq(&self, field: &str, term: &str) -> Option<u64> {
                let key = (field.to_string(), term.to_string());
                self.asked.borrow_mut().insert(key);
                self.table.doc_freq(field, term)
            }
            fn neighbours(&self, f: &str, w: &str, e: usize) -> Vec<(String, u64)> {
                self.table.neighbours(f, w, e)
            }
        }
        /// The plan of `query` on `table`, and the counts it read that a
        /// recording pass over the same query did not ask for.
        fn unrecorded(query: &Parsed, table: Table) -> (Option<Node>, Vec<(String, String)>) {
            let recorder = crate::plan::Recorder::default();
            Builder::new(&recorder, Features::ALL).build(query, true);
            let recorded: std::collections::BTreeSet<(String, String)> =
                recorder.wanted().terms.into_iter().collect();
            let real = Asked {
                table,
                asked: Default::default(),
            };
            let node = Builder::new(&real, Features::ALL).build(query, true);
            let asked = real.asked.into_inner();
            (node, asked.difference(&recorded).cloned().collect())
        }

        // `kun` is in Norwegian's stop list, but Danish, whose list lacks
        // it, holds it most here: the real planning gives it its stand-ins,
        // so a cluster's recording pass must have asked for their counts
        const DANISH: Table = Table {
            counts: &[("body_da", "kun", 50), ("body_no", "kun", 5)],
            otherwise: 1,
        };
        let (node, missing) = unrecorded(&parse("kun havn"), DANISH);
        // the real plan does give `kun` stand-ins
        let planned = terms(&node.expect("a query"));
        assert!(
            planned
                .iter()
                .any(|(f, t)| f == schema::PARTS && t == "kun"),
            "{planned:?}"
        );
        assert!(missing.is_empty(), "not recorded: {missing:?}");

        // a neighbour's word skips the fields of the word's own language,
        // which the statistics decide (Danish, here, where `havn` is most)
        const HAVN: Table = Table {
            counts: &[("body_da", "havn", 50)],
            otherwise: 1,
        };
        let query = one_group(vec![
            unit("havn", 1.0, Via::Literal),
            unit("hamn", 0.6, Via::Neighbour),
        ]);
        let (_, missing) = unrecorded(&query, HAVN);
        assert!(missing.is_empty(), "not recorded: {missing:?}");
    }

    #[test]
    fn a_translation_that_stems_to_a_function_word_is_left_out() {
        // `vare` (take care) is searched as `var`, Norwegian for `was`
        const NORWEGIAN: Table = Table {
            counts: &[("body_no", "var", 500), ("body_no", "omsorg", 500)],
            otherwise: 0,
        };
        let parsed = one_group(vec![
            unit("care", 1.0, Via::Literal),
            unit("vare", 0.5, Via::Translation),
            unit("omsorg", 0.5, Via::Translation),
        ]);
        let node = Builder::new(&NORWEGIAN, Features::NONE)
            .build(&parsed, true)
            .expect("a query");
        let searched = terms(&node);
        assert!(
            searched.contains(&("body_no".into(), "omsorg".into())),
            "{searched:?}"
        );
        assert!(!searched.iter().any(|(_, t)| t == "var"), "{searched:?}");
    }

    #[test]
    fn adjacent_words_typed_add_an_optional_phrase_of_the_pair() {
        let stats = EVERY_TERM_ONCE;
        let mut builder = Builder::new(&stats, Features::ALL);
        // a quoted phrase takes no part in a pair
        let node = builder
            .build(&parse("høgare utdanning \"i dag\" skule"), true)
            .expect("a query");
        let Node::Bool(clauses) = &node else {
            panic!("a bool query: {node:?}")
        };
        let optional: Vec<&Node> = clauses
            .iter()
            .filter(|(o, _)| *o == Occur::Should)
            .map(|(_, n)| n)
            .collect();
        assert_eq!(optional.len(), 1, "{optional:?}");
        let Node::Word { alternatives, .. } = optional[0] else {
            panic!("one word node of phrases: {:?}", optional[0])
        };
        assert!(!alternatives.is_empty());
        for c in alternatives {
            assert!(
                matches!(c, Clause::Phrase { terms, boost, .. }
                    if terms.len() == 2 && *boost == PROXIMITY_BOOST),
                "{c:?}"
            );
        }
        // the fallback does not carry them, and without the feature there are none
        let fallback = any_word(clauses, &stats);
        let Node::Bool(any) = fallback else {
            panic!("a bool query")
        };
        assert!(any.iter().all(|(_, n)| matches!(n, Node::Plus { .. })));
        let features = Features {
            proximity: false,
            ..Features::ALL
        };
        let node = Builder::new(&stats, features)
            .build(&parse("høgare utdanning"), true)
            .expect("a query");
        let Node::Bool(clauses) = &node else {
            panic!("a bool query: {node:?}")
        };
        assert!(clauses.iter().all(|(o, _)| *o == Occur::Must));
    }

    #[test]
    fn the_fallback_makes_every_word_optional_and_counts_the_words_matched() {
        let word = |t: &str| Node::Word {
            alternatives: vec![Clause::Term {
                field: "text_nb".into(),
                term: t.into(),
                boost: 1.0,
            }],
            tie_breaker: 0.0,
        };
        // `havbruk` in one passage of 1,000, `i` in 900
        const COMMON: Table = Table {
            counts: &[("", "i", 900)],
            otherwise: 1,
        };
        let fallback = any_word(
            &[
                (Occur::Must, word("havbruk")),
                (Occur::Must, word("i")),
                (Occur::MustNot, word("laks")),
            ],
            &COMMON,
        );
        let Node::Bool(clauses) = fallback else {
            panic!("a bool query: {fallback:?}")
        };
        let occurs: Vec<Occur> = clauses.iter().map(|(o, _)| *o).collect();
        assert_eq!(occurs, [Occur::Should, Occur::Should, Occur::MustNot]);
        // each word by its score plus its idf for having it: a rare word
        // counts fully, a word in most passages next to nothing
        let add = |n: &Node| match n {
            Node::Plus { add, .. } => *add,
            other => panic!("a word plus its weight: {other:?}"),
        };
        assert!(matches!(&clauses[0].1, Node::Plus { node, .. } if **node == word("havbruk")));
        assert_eq!(add(&clauses[0].1), crate::plan::idf(1, 1_000));
        assert_eq!(add(&clauses[1].1), crate::plan::idf(900, 1_000));
        assert!(add(&clauses[1].1) < add(&clauses[0].1) / 20.0);
        assert_eq!(clauses[2].1, word("laks"));
    }

    fn words(p: &Parsed) -> Vec<Vec<String>> {
        p.required
            .iter()
            .map(|g| g.iter().map(|u| u.text.clone()).collect())
            .collect()
    }

    #[test]
    fn plain_words_are_all_required() {
        assert_eq!(
            words(&parse("interreg  aurora")),
            [["interreg"], ["aurora"]]
        );
    }

    #[test]
    fn facet_terms_in_the_query_become_filters() {
        let p = parse("Interreg programme:/interreg/aurora lang:/nn");
        assert_eq!(words(&p), [["Interreg"]]);
        assert_eq!(
            p.filters,
            [
                ("programme".to_string(), "/interreg/aurora".to_string()),
                ("lang".to_string(), "/nn".to_string())
            ]
        );
    }

    #[test]
    fn phrases_exclusions_or_and_title_prefix_parse() {
        let p = parse(r#""grønt skifte" -Erasmus nordsjø OR østersjø title:strategi"#);
        assert_eq!(p.required[0][0].text, "grønt skifte");
        assert!(p.required[0][0].phrase);
        assert_eq!(words(&p)[1], ["nordsjø", "østersjø"]);
        assert_eq!(p.required[2][0].target, Target::Title);
        assert_eq!(p.excluded[0].text, "Erasmus");
    }

    #[test]
    fn typographic_quotation_marks_quote_a_phrase_as_the_ascii_mark_does() {
        for q in [
            "«grønt skifte» nordsjø",
            "»grønt skifte« nordsjø",
            "“grønt skifte” nordsjø",
            "„grønt skifte“ nordsjø",
            "”grønt skifte” nordsjø",
            // a phone's mark on one side, the keyboard's on the other
            "\"grønt skifte” nordsjø",
        ] {
            let p = parse(q);
            assert_eq!(p.required.len(), 2, "{q}");
            assert_eq!(p.required[0][0].text, "grønt skifte", "{q}");
            assert!(p.required[0][0].phrase, "{q}");
            assert_eq!(words(&p)[1], ["nordsjø"], "{q}");
        }
        // a mark that closes nothing, or stands in a word, is no word of it
        assert_eq!(words(&parse("«grønt skifte")), [["grønt"], ["skifte"]]);
        assert_eq!(words(&parse("Naboer»")), [["Naboer"]]);
        let p = parse("klima -«Erasmus pluss»");
        assert_eq!(words(&p), [["klima"]]);
        assert_eq!(p.excluded[0].text, "Erasmus pluss");
    }

    #[test]
    fn a_star_after_three_letters_or_more_is_a_truncation() {
        let p = parse("klima* ko* bærekraft");
        let truncated: Vec<(&str, bool)> = p
            .positive_units()
            .map(|u| (u.text.as_str(), u.prefix))
            .collect();
        assert_eq!(
            truncated,
            [("klima", true), ("ko", false), ("bærekraft", false)]
        );
        assert!(parse("* **").is_empty());
        assert!(parse("-klima*").excluded[0].prefix);
    }

    #[test]
    fn not_excludes_and_and_is_no_word_as_people_write_boolean_queries() {
        let p = parse("reindrift AND samisk NOT Sverige NOT \"grønt skifte\"");
        assert_eq!(words(&p), [["reindrift"], ["samisk"]]);
        let excluded: Vec<&str> = p.excluded.iter().map(|u| u.text.as_str()).collect();
        assert_eq!(excluded, ["Sverige", "grønt skifte"]);
        // lowercase, they are words (Norwegian `and`, a duck; English `not`)
        let p = parse("not and");
        assert_eq!(words(&p), [["not"], ["and"]]);
        assert!(p.excluded.is_empty());
        // a `NOT` with nothing after it excludes nothing
        assert_eq!(words(&parse("klima NOT")), [["klima"]]);
    }

    #[test]
    fn parentheses_group_words_as_boolean_queries_are_typed() {
        let excluded =
            |p: &Parsed| -> Vec<String> { p.excluded.iter().map(|u| u.text.clone()).collect() };
        assert_eq!(
            words(&parse("klima AND (energi OR transport)")),
            [vec!["klima"], vec!["energi", "transport"]]
        );
        // `OR` around a group distributes over its words
        assert_eq!(
            words(&parse("(klima AND energi) OR transport")),
            [["klima", "transport"], ["energi", "transport"]]
        );
        let p = parse("reindrift NOT (Sverige OR Finland)");
        assert_eq!(words(&p), [["reindrift"]]);
        assert_eq!(excluded(&p), ["Sverige", "Finland"]);
        let p = parse("-(\"grønt skifte\" OR hydrogen) (a OR (b c))");
        assert_eq!(excluded(&p), ["grønt skifte", "hydrogen"]);
        assert_eq!(words(&p), [["a", "b"], ["a", "c"]]);
        // `title:` before a group holds for its words
        let p = parse("title:(strategi OR plan) Trøndelag");
        let targets: Vec<Vec<Target>> = p
            .required
            .iter()
            .map(|g| g.iter().map(|u| u.target).collect())
            .collect();
        assert_eq!(
            targets,
            [vec![Target::Title, Target::Title], vec![Target::Any]]
        );
    }

    #[test]
    fn any_mix_of_operators_parses_within_the_word_limit() {
        // seeded, so a failure replays
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let pieces = [
            "(",
            ")",
            "((",
            "))",
            "OR",
            "AND",
            "NOT",
            "-",
            "-(",
            "title:",
            "title:(",
            "\"",
            "\"a b\"~",
            "~2",
            "klima",
            "energi",
            "*",
            "kyst*",
            "region:/norway",
            "«",
            "»",
            "“",
            "”",
            "„",
            "-«",
            "«a b»~",
            " ",
            ",",
        ];
        for _ in 0..5_000 {
            let q: String = (0..next(40))
                .map(|_| pieces[next(pieces.len())])
                .collect::<Vec<_>>()
                .join(" ");
            let p = parse(&q);
            let units = p.positive_units().count() + p.excluded.len();
            assert!(units <= MAX_WORDS, "{q}: {units}");
            assert!(p.required.iter().all(|g| !g.is_empty()), "{q}");
        }
    }

    #[test]
    fn title_is_also_typed_in_the_nordic_languages() {
        for q in [
            "title:strategi",
            "Tittel:strategi",
            "titel:strategi",
            "otsikko:strategi",
        ] {
            let p = parse(q);
            assert_eq!(words(&p), [["strategi"]], "{q}");
            assert_eq!(p.required[0][0].target, Target::Title, "{q}");
        }
        // a word that only begins so is a word
        let p = parse("titelblad tittelen");
        assert!(p.positive_units().all(|u| u.target == Target::Any));
    }

    #[test]
    fn a_phrase_with_a_proximity_wants_its_words_near_not_a_number() {
        let p = parse(r#""regional plan"~3 Trøndelag"#);
        assert_eq!(words(&p), [["regional plan"], ["Trøndelag"]]);
        let u = &p.required[0][0];
        assert!(u.all_words && !u.phrase, "{u:?}");
        // without a number, and excluded, too
        let p = parse(r#"-"grønt skifte"~ klima "kyst"~2"#);
        assert!(p.excluded[0].all_words);
        assert_eq!(words(&p), [["klima"], ["kyst"]]);
        assert!(!p.required[1][0].all_words);
    }

    #[test]
    fn what_no_search_can_say_is_left_out_not_guessed() {
        // not both: no exclusion says it, so none is made
        let p = parse("klima NOT (energi AND transport)");
        assert_eq!(words(&p), [["klima"]]);
        assert!(p.excluded.is_empty());
        // an exclusion as an alternative: the alternative is its words
        let p = parse("klima OR NOT energi");
        assert_eq!(words(&p), [["klima"]]);
        assert!(p.excluded.is_empty());
        // unbalanced parentheses are no error
        assert_eq!(words(&parse("(klima energi")), [["klima"], ["energi"]]);
        assert_eq!(words(&parse("klima) energi (")), [["klima"], ["energi"]]);
        assert!(parse("( ) (( ))").is_empty());
        // nesting past the limit is read flat, without a deep recursion
        let deep = format!("{}klima{}", "(".repeat(400), ")".repeat(400));
        assert_eq!(words(&parse(&deep)), [["klima"]]);
        // a normal form past MAX_WORDS words: the words as typed, as if
        // the parentheses were not there
        let p = parse("(a b c d) OR (e f g h) OR (i j k l)");
        assert_eq!(
            words(&p),
            [
                vec!["a"],
                vec!["b"],
                vec!["c"],
                vec!["d", "e"],
                vec!["f"],
                vec!["g"],
                vec!["h", "i"],
                vec!["j"],
                vec!["k"],
                vec!["l"]
            ]
        );
    }

    #[test]
    fn punctuation_around_a_word_is_not_part_of_it() {
        assert_eq!(
            words(&parse(
                "Hva er klimamål? «fraflytting» (EØS) 2021–2027. C++"
            )),
            [
                ["Hva"],
                ["er"],
                ["klimamål"],
                ["fraflytting"],
                ["EØS"],
                ["2021–2027"],
                ["C"]
            ]
        );
        // nor is a comma typed without its space; a decimal comma is kept
        assert_eq!(
            words(&parse("klima,energi;transport 1,5")),
            [["klima"], ["energi"], ["transport"], ["1,5"]]
        );
        // marks left alone are nothing to search; an exclusion, a title
        // word and a phrase keep their meaning
        assert!(parse("?! … «»").is_empty());
        let p = parse(r#"-energi? title:(strategi) "grønt skifte"?"#);
        assert_eq!(p.excluded[0].text, "energi");
        assert_eq!(p.required[0][0].text, "strategi");
        assert_eq!(p.required[0][0].target, Target::Title);
        assert_eq!(p.required[1][0].text, "grønt skifte");
    }

    #[test]
    fn malformed_queries_degrade_to_words() {
        assert_eq!(
            words(&parse(r#""unbalanced quote"#)),
            [["unbalanced"], ["quote"]]
        );
        assert!(parse("OR OR - -- \" \u{0}").is_empty());
        assert_eq!(words(&parse("a\u{7}b")), [["a"], ["b"]]);
        let long = "ord ".repeat(5_000);
        assert!(parse(&long).required.len() <= MAX_WORDS);
        // alternatives count each: one group of 200 `OR`s is cut too
        let ors = parse(&format!("{}b", "a OR ".repeat(200)));
        assert_eq!(ors.required.len(), 1);
        assert_eq!(ors.required[0].len(), MAX_WORDS);
    }
}
