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
//! ([`FOLD_BOOST`]); a title match counts extra ([`TITLE_BOOST`]).

use tantivy::tokenizer::TextAnalyzer;

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
/// Most words used from one query.
pub(crate) const MAX_WORDS: usize = 32;

/// Which field a clause targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Body and title.
    Any,
    /// Title only (`title:`).
    Title,
}

/// One unit of the query: a word, a phrase, or (after expansion) several
/// words that must all match.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// The text as the user wrote it (a word or a phrase's words).
    pub text: String,
    /// Quoted phrase: the words must be adjacent.
    pub phrase: bool,
    /// Several words, all required, anywhere (a concept's words).
    pub all_words: bool,
    /// Field restriction.
    pub target: Target,
    /// 1.0 for what the user typed; less for expansions.
    pub weight: f32,
}

impl Unit {
    fn new(text: String, phrase: bool, target: Target) -> Unit {
        Unit {
            text,
            phrase,
            all_words: false,
            target,
            weight: 1.0,
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
    /// Bokmål↔Nynorsk variants and cross-language concepts.
    pub expand: bool,
    /// OCR-skeleton matching of OCR-damaged documents.
    pub ocr: bool,
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
    };
    /// Everything off: the plain BM25 baseline.
    pub const NONE: Features = Features {
        fold: false,
        fuzzy: false,
        expand: false,
        ocr: false,
    };
}

/// A query word with diacritics is not also matched folded when its folded
/// spelling is a word this many times as common (`før` → `for`).
pub(crate) const FOLD_OTHER_WORD: u64 = 10;

/// Weight of a typo-tolerant match (constant score, below any exact BM25 match of note).
pub(crate) const FUZZY_BOOST: f32 = 0.3;
/// Weight of an OCR-skeleton match.
pub(crate) const OCR_BOOST: f32 = 0.5;
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
    },
    Phrase {
        text: String,
        neg: bool,
        target: Target,
    },
    Filter {
        facet: String,
        path: String,
    },
    Or,
}

/// Parse a user query leniently.
pub fn parse(input: &str) -> Parsed {
    let clean: String = input
        .chars()
        .take(MAX_QUERY_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let toks = tokenize(&clean);
    let mut parsed = Parsed::default();
    let mut pending_or = false;
    for t in toks {
        match t {
            Tok::Or => pending_or = !parsed.required.is_empty(),
            Tok::Filter { facet, path } => parsed.filters.push((facet, path)),
            Tok::Word { text, neg, target } | Tok::Phrase { text, neg, target }
                if !has_word_chars(&text) =>
            {
                let _ = (text, neg, target);
            }
            Tok::Word { text, neg, target } => push(
                &mut parsed,
                Unit::new(text, false, target),
                neg,
                &mut pending_or,
            ),
            Tok::Phrase { text, neg, target } => {
                let phrase = text.split_whitespace().count() > 1;
                push(
                    &mut parsed,
                    Unit::new(text, phrase, target),
                    neg,
                    &mut pending_or,
                )
            }
        }
        if parsed.required.len() + parsed.excluded.len() >= MAX_WORDS {
            break;
        }
    }
    parsed
}

fn push(p: &mut Parsed, unit: Unit, neg: bool, pending_or: &mut bool) {
    if neg {
        p.excluded.push(unit);
    } else if *pending_or {
        if let Some(last) = p.required.last_mut() {
            last.push(unit);
        }
    } else {
        p.required.push(vec![unit]);
    }
    *pending_or = false;
}

fn has_word_chars(s: &str) -> bool {
    s.chars().any(char::is_alphanumeric)
}

fn tokenize(s: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let mut neg = false;
        let mut target = Target::Any;
        let start = i;
        if chars[i] == '-' && i + 1 < chars.len() && !chars[i + 1].is_whitespace() {
            neg = true;
            i += 1;
        }
        // field prefix
        let rest: String = chars[i..chars.len().min(i + 6)].iter().collect();
        if rest.to_lowercase() == "title:" {
            target = Target::Title;
            i += 6;
        }
        if i < chars.len() && chars[i] == '"' {
            if let Some(end) = chars[i + 1..].iter().position(|&c| c == '"') {
                let text: String = chars[i + 1..i + 1 + end].iter().collect();
                out.push(Tok::Phrase { text, neg, target });
                i = i + end + 2;
                continue;
            }
            // unbalanced quote: the rest is plain words
            i += 1;
            continue;
        }
        let mut j = i;
        while j < chars.len() && !chars[j].is_whitespace() && chars[j] != '"' {
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
        } else if !text.is_empty() {
            out.push(Tok::Word { text, neg, target });
        } else if j == start {
            j += 1;
        }
        i = j.max(start + 1);
    }
    out
}

/// Builds the backend-neutral query tree ([`Node`]) of a parsed query,
/// planning with the engine's term statistics ([`Stats`]).
pub struct Builder<'a> {
    /// `(exact field, fold field, exact analyzer, fold analyzer)` per language
    /// key with terms in the index.
    langs: Vec<(String, String, TextAnalyzer, TextAnalyzer)>,
    title: TextAnalyzer,
    ocr: TextAnalyzer,
    features: Features,
    stats: &'a dyn Stats,
}

impl<'a> Builder<'a> {
    /// A builder that only queries language fields holding terms.
    pub fn new(stats: &'a dyn Stats, features: Features) -> Builder<'a> {
        let mut langs = Vec::new();
        for lang in ANALYZED {
            let exact = schema::body_field_name(lang.key);
            if stats.has_terms(&exact) {
                langs.push((
                    exact,
                    schema::fold_field_name(lang.key),
                    analyzer::exact_analyzer(lang),
                    analyzer::fold_analyzer(lang),
                ));
            }
        }
        Builder {
            langs,
            title: analyzer::title_analyzer(),
            ocr: analyzer::ocr_analyzer(),
            features,
            stats,
        }
    }

    /// The query for a parsed query (`AND` of groups, or `OR` when not
    /// `all_required`), or `None` when nothing is searchable.
    pub fn build(&mut self, parsed: &Parsed, all_required: bool) -> Option<Node> {
        if parsed.is_empty() {
            return None;
        }
        let mut clauses: Vec<(Occur, Node)> = Vec::new();
        let occur = if all_required {
            Occur::Must
        } else {
            Occur::Should
        };
        for group in &parsed.required {
            let alts: Vec<Node> = group.iter().map(|u| self.unit(u)).collect();
            let q = if alts.len() == 1 {
                alts.into_iter().next()?
            } else {
                Node::Bool(alts.into_iter().map(|q| (Occur::Should, q)).collect())
            };
            clauses.push((occur, q));
        }
        for u in &parsed.excluded {
            clauses.push((Occur::MustNot, self.unit(u)));
        }
        Some(Node::Bool(clauses))
    }

    /// Query for one unit: dis-max over every field's analysis of it.
    pub fn unit(&mut self, u: &Unit) -> Node {
        if u.all_words {
            let words: Vec<Node> = u
                .text
                .split_whitespace()
                .map(|w| {
                    self.unit(&Unit {
                        text: w.to_string(),
                        all_words: false,
                        ..u.clone()
                    })
                })
                .collect();
            return Node::Bool(words.into_iter().map(|q| (Occur::Must, q)).collect());
        }
        let w = u.weight;
        let mut alts: Vec<Clause> = Vec::new();
        // Titles are indexed folded only: when folding makes the word another, far more
        // common one (`før` → `for`), a title clause would match that other word.
        let mut folds_into_other_word = false;
        if u.target == Target::Any {
            let fold_on = self.features.fold;
            for (exact, fold, ea, fa) in &mut self.langs {
                // a word absent from a field adds a clause that matches
                // nothing but still costs its term look-ups: leave it out
                let exact = Analysed::new(self.stats, exact, analyzer::tokens(ea, &u.text));
                if exact.present() {
                    if let Some(q) = term_or_phrase(&exact.field, &exact.toks, EXACT_BOOST * w) {
                        alts.push(q);
                    }
                }
                let fold_toks = analyzer::tokens(fa, &u.text);
                let other_word = folds_into_common_word(self.stats, &exact, &fold_toks);
                folds_into_other_word |= other_word;
                if fold_on && !other_word {
                    // frequencies are read only when the folded clause may be added
                    let fold = Analysed::new(self.stats, fold, fold_toks);
                    if fold.present() && !same_postings(&exact, &fold) {
                        if let Some(q) = term_or_phrase(&fold.field, &fold.toks, FOLD_BOOST * w) {
                            alts.push(q);
                        }
                    }
                }
            }
            let single_word = !u.phrase && !u.text.contains(char::is_whitespace);
            if self.features.fuzzy && single_word && w == 1.0 {
                if let Some(q) = self.fuzzy(&u.text) {
                    alts.push(q);
                }
            }
            if self.features.ocr && single_word {
                let toks = analyzer::tokens(&mut self.ocr, &u.text);
                if let Some(q) = term_or_phrase(schema::OCR, &toks, OCR_BOOST * w) {
                    alts.push(q);
                }
            }
        }
        if !folds_into_other_word {
            let toks = analyzer::tokens(&mut self.title, &u.text);
            if let Some(q) = term_or_phrase(schema::TITLE, &toks, TITLE_BOOST * w) {
                alts.push(q);
            }
        }
        if alts.is_empty() {
            return Node::Nothing;
        }
        Node::Word {
            alternatives: alts,
            tie_breaker: TIE_BREAKER,
        }
    }

    /// Typo-tolerant match on the unstemmed `words` field: one edit from
    /// [`FUZZY_MIN_CHARS`] letters, two from [`FUZZY_TWO_EDITS_CHARS`];
    /// never for short words or anything with a digit.
    fn fuzzy(&mut self, word: &str) -> Option<Clause> {
        let toks = analyzer::tokens(&mut self.title, word);
        let [tok] = toks.as_slice() else { return None };
        let n = tok.text.chars().count();
        if n < FUZZY_MIN_CHARS || tok.text.chars().any(|c| c.is_ascii_digit()) {
            return None;
        }
        // A word many documents already contain is no typo worth chasing,
        // and expanding it to its neighbours is what typo tolerance costs.
        if self.stats.doc_freq(schema::WORDS, &tok.text).unwrap_or(0) >= FUZZY_SKIP_DOC_FREQ {
            return None;
        }
        let distance = if n >= FUZZY_TWO_EDITS_CHARS { 2 } else { 1 };
        Some(Clause::Fuzzy {
            field: schema::WORDS.to_string(),
            term: tok.text.clone(),
            distance,
            boost: FUZZY_BOOST,
        })
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
fn folds_into_common_word(
    stats: &dyn Stats,
    exact: &Analysed,
    fold: &[tantivy::tokenizer::Token],
) -> bool {
    let ([e], [f], [Some(word)]) = (&exact.toks[..], fold, &exact.dfs[..]) else {
        return false;
    };
    if e.text == f.text {
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
    fn malformed_queries_degrade_to_words() {
        assert_eq!(
            words(&parse(r#""unbalanced quote"#)),
            [["unbalanced"], ["quote"]]
        );
        assert!(parse("OR OR - -- \" \u{0}").is_empty());
        assert_eq!(words(&parse("a\u{7}b")), [["a"], ["b"]]);
        let long = "ord ".repeat(5_000);
        assert!(parse(&long).required.len() <= MAX_WORDS);
    }
}
