//! The search stage: query → matching passages → documents ranked by their
//! best passage → hits with snippets, plus facet counts.
//!
//! Facet counts count *documents* and are disjunctive: the counts for a
//! facet ignore that facet's own filter but respect every other filter, so
//! a user can widen a selection (InstantSearch semantics). Filters are OR
//! inside one facet and AND across facets; a parent path matches all its
//! descendants (tantivy indexes every facet ancestor).

pub(crate) mod boolean;
pub mod collector;
pub mod dates;
pub mod dismax;
pub mod embedded;
pub mod expand;
pub mod explain;
pub mod lexicon;
pub mod plus;
pub mod prune;
pub mod query;
pub mod similar;
pub mod snippet;
pub mod suggest;

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::document::{Document, Passage};
use crate::error::{Error, Result};
use crate::facet::{Facet, FacetSet};
use crate::index::schema;
use crate::index::Index;
use crate::lang::Language;
use crate::plan::{Filters, Found, FoundDoc, Node, Plan, Stats};
use crate::taxonomy::Taxonomy;

/// Largest page size.
pub(crate) const MAX_LIMIT: usize = 100;
/// "Did you mean" is offered when a query finds at most this many documents.
pub(crate) const SUGGEST_BELOW: u64 = 2;
/// Indexes with at least this many passages search their segments in
/// parallel (at 100k passages the hand-off cost more than it saved: 2,363
/// vs 2,014 q/s; at 1M it saved 20 %).
pub(crate) const PARALLEL_FROM: u64 = 500_000;
/// Largest offset.
pub(crate) const MAX_OFFSET: usize = 10_000;

/// Read a whole number in `min..=max`, or say what is allowed. The API's
/// `limit`/`offset` and the CLI's `--limit`/`--offset` both use it, so they
/// refuse the same values (never clamp) in the same words (issue 13).
pub(crate) fn parse_bounded(v: &str, min: usize, max: usize) -> std::result::Result<usize, String> {
    match v.trim().parse::<usize>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!("must be a whole number from {min} to {max}")),
    }
}

/// What to search for.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The query text (may be empty: browse by facets).
    pub q: String,
    /// Page size (1..=100).
    pub limit: usize,
    /// Hits to skip.
    pub offset: usize,
    /// Filters: facet name → paths (OR inside, AND across). `lang` and
    /// `doctype` are facets too (`/nb`, `/pdf`).
    pub filters: BTreeMap<String, Vec<String>>,
    /// The facets to count documents per value of (none: no counts).
    pub facets: FacetSet,
    /// Compute snippets.
    pub snippets: bool,
    /// Forgiving features (all on by default; the evaluation baseline turns them off).
    pub features: query::Features,
    /// Only documents dated on or after this day (`YYYYMMDD`, see [`dates::parse_bound`]).
    pub from: Option<u64>,
    /// Only documents dated on or before this day (`YYYYMMDD`).
    pub to: Option<u64>,
    /// The order of hits; `None`: by relevance, or newest first when there is no query.
    pub sort: Option<dates::Sort>,
    /// Say for each hit why it matched ([`Hit::explain`]).
    pub explain: bool,
}

impl Request {
    /// A query with defaults: 10 hits, facets and snippets on.
    pub fn new(q: impl Into<String>) -> Request {
        Request {
            q: q.into(),
            limit: 10,
            offset: 0,
            filters: BTreeMap::new(),
            facets: FacetSet::ALL,
            snippets: true,
            features: query::Features::ALL,
            from: None,
            to: None,
            sort: None,
            explain: false,
        }
    }

    /// Add a filter value (`lang` values may be bare codes: `nb`).
    pub fn filter(mut self, facet: &str, path: &str) -> Request {
        self.filters
            .entry(facet.to_string())
            .or_default()
            .push(path.to_string());
        self
    }
}

/// One hit, as the core finds it (the API's wire form is `server::types::Hit`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Hit {
    /// Document id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Source URL, or the file path.
    pub url: String,
    /// Document language (ISO 639-1).
    pub lang: String,
    /// Relevance score (higher is better; comparable within one response).
    pub score: f64,
    /// Page of the best passage (paged formats).
    pub page: Option<u32>,
    /// The document's date (`YYYY-MM-DD`), when it has one.
    #[serde(default)]
    pub date: Option<String>,
    /// The best passage's window with the words that matched (plain text and ranges).
    pub snippet: snippet::Snippet,
    /// Facet values: facet → paths.
    pub facets: BTreeMap<String, Vec<String>>,
    /// Why it matched (when the request asked): query word → document
    /// word, feature, weight; best first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub explain: Vec<explain::Explained>,
}

/// One facet value with its count (decoded path, no label: the server and the CLI
/// label values in the interface language).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FacetCount {
    /// Path (`/norway/trondelag`).
    pub path: String,
    /// Matching documents.
    pub count: u64,
}

/// Search results.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Response {
    /// The query as received.
    pub query: String,
    /// Matching documents.
    pub total: u64,
    /// Time taken, in milliseconds.
    pub took_ms: f64,
    /// The requested page of hits.
    pub hits: Vec<Hit>,
    /// Facet counts per facet (empty when not requested).
    pub facets: BTreeMap<String, Vec<FacetCount>>,
    /// "Did you mean": the query with unknown words replaced by the closest
    /// words in the index, when it finds nothing or little.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

/// Where searches run.
#[derive(Clone)]
enum Engine {
    /// The in-process tantivy index (boxed: it is many handles, a cluster a few).
    Embedded(Box<Index>),
    /// An OpenSearch cluster.
    OpenSearch(crate::opensearch::Cluster),
}

/// Searches an index; cheap to clone.
#[derive(Clone)]
pub struct Searcher {
    engine: Engine,
    taxonomy: &'static Taxonomy,
    parallel_from: u64,
    prune: bool,
}

impl Searcher {
    /// A searcher over the embedded `index`, labelling facets from `taxonomy`.
    pub fn new(index: Index, taxonomy: &'static Taxonomy) -> Searcher {
        Searcher {
            engine: Engine::Embedded(Box::new(index)),
            taxonomy,
            parallel_from: PARALLEL_FROM,
            prune: true,
        }
    }

    /// A searcher over an OpenSearch cluster.
    pub fn opensearch(
        cluster: crate::opensearch::Cluster,
        taxonomy: &'static Taxonomy,
    ) -> Searcher {
        Searcher {
            engine: Engine::OpenSearch(cluster),
            taxonomy,
            parallel_from: PARALLEL_FROM,
            prune: true,
        }
    }

    /// Search segments in parallel from `passages` passages instead of
    /// [`PARALLEL_FROM`] (`0`: always, `u64::MAX`: never; embedded only).
    pub fn with_parallel_from(mut self, passages: u64) -> Searcher {
        self.parallel_from = passages;
        self
    }

    /// Whether the embedded engine may leave unscored the documents that
    /// cannot reach the page and count filtered facets from one walk (see
    /// [`prune`]; on by default, the answer is the same; off: every
    /// matching passage is scored and each filtered facet counted by a
    /// query of its own, the reference the tests and `profile_mode` hold
    /// the faster walk to).
    pub fn with_pruning(mut self, prune: bool) -> Searcher {
        self.prune = prune;
        self
    }

    /// The embedded index searched (`None` on OpenSearch).
    pub fn embedded(&self) -> Option<&Index> {
        match &self.engine {
            Engine::Embedded(i) => Some(&**i),
            Engine::OpenSearch(_) => None,
        }
    }

    /// The documents searched: counts, stored documents, writes.
    pub fn store(&self) -> &dyn crate::store::DocStore {
        match &self.engine {
            Engine::Embedded(i) => &**i,
            Engine::OpenSearch(c) => c,
        }
    }

    /// The taxonomy used for labels.
    pub fn taxonomy(&self) -> &&'static Taxonomy {
        &self.taxonomy
    }

    /// Run a search.
    pub fn search(&self, req: &Request) -> Result<Response> {
        match &self.engine {
            Engine::Embedded(index) => {
                let searcher = index.searcher();
                let stats = embedded::EmbeddedStats::new(&searcher);
                let run = embedded::Run {
                    parallel: searcher.num_docs() >= self.parallel_from,
                    prune: self.prune,
                };
                self.search_with(req, &stats, |plan| {
                    embedded::execute(index, &searcher, plan, run)
                })
            }
            Engine::OpenSearch(cluster) => {
                // plan once to learn which statistics the plan needs, fetch
                // them in one request, then plan with them
                validate(req)?;
                let recorder = crate::plan::Recorder::default();
                let (_, literal, _, _) = self.plan(req, &recorder)?;
                // the plan's neighbour look-ups (near spelling keys) come
                // with the statistics; "did you mean" asks only when needed
                let near = recorder.take_near();
                suggest::corrections(&recorder, &literal);
                let wanted = crate::plan::Wanted {
                    near,
                    ..recorder.wanted()
                };
                cluster.within(|| {
                    let stats = cluster.stats(wanted)?;
                    self.search_with(req, &stats, |plan| cluster.execute(plan))
                })
            }
        }
    }

    /// The search itself: parse, expand, plan with `stats`, run the plan
    /// with `execute`, then hits with snippets, facets and "did you mean".
    fn search_with(
        &self,
        req: &Request,
        stats: &dyn Stats,
        execute: impl Fn(&Plan) -> Result<Found>,
    ) -> Result<Response> {
        let started = Instant::now();
        validate(req)?;
        let (parsed, literal, plan, builder) = self.plan(req, stats)?;
        let found = execute(&plan)?;
        let total = found.total;
        // Words the index does not know get their closest known word: it is
        // highlighted (a typo's match) and offered as "did you mean".
        let corrections = if req.features.fuzzy || total <= SUGGEST_BELOW {
            suggest::corrections(stats, &literal)
        } else {
            Vec::new()
        };
        let suggestion = (total <= SUGGEST_BELOW && !corrections.is_empty())
            .then(|| suggest::rewrite(&req.q, &corrections));
        // What to mark in snippets: the user's words anywhere; expansions
        // only as a whole (an alias like `Interreg V A Nord` must not mark
        // every `a`/`å`, nor `Erasmus+-programmet` every `programmet`).
        let marks = Marks::of(&parsed, &corrections);
        let mut hits = Vec::new();
        let mut forms_cache: HashMap<&'static str, snippet::Forms> = HashMap::new();
        for m in found.top.iter().skip(req.offset) {
            let mut hit = Self::hit(m, req.snippets, &marks, &mut forms_cache);
            if req.explain {
                hit.explain = builder.explain(&m.matched, &m.best.text);
            }
            hits.push(hit);
        }
        let mut facets = BTreeMap::new();
        if let Some(counts) = found.facets {
            let counted = Facet::ALL.into_iter().zip(counts);
            for (facet, counted) in counted.filter(|(f, _)| req.facets.contains(*f)) {
                facets.insert(facet.name().to_string(), Self::sorted_counts(counted));
            }
        }
        Ok(Response {
            query: req.q.clone(),
            total,
            took_ms: (started.elapsed().as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0,
            hits,
            facets,
            suggestion,
        })
    }

    /// The plan of a request: the parsed query (expanded), the query as
    /// typed, what the engine is to run, and the builder that planned it
    /// (it explains hits).
    fn plan<'s>(
        &self,
        req: &Request,
        stats: &'s dyn Stats,
    ) -> Result<(query::Parsed, query::Parsed, Plan, query::Builder<'s>)> {
        let mut parsed = query::parse(&req.q);
        let mut filters_in = req.filters.clone();
        for (facet, path) in std::mem::take(&mut parsed.filters) {
            filters_in.entry(facet).or_default().push(path);
        }
        let literal = parsed.clone();
        parsed = self.expanded(&parsed, stats, req.features);
        let mut builder = query::Builder::new(stats, req.features);
        if req.explain {
            builder = builder.with_explain();
        }
        let text = if parsed.is_empty() && !req.q.trim().is_empty() {
            // nothing searchable in a non-empty query: nothing matches
            Some(Node::Nothing)
        } else {
            builder.build(&parsed, true)
        };
        let fallback = match &text {
            Some(Node::Bool(clauses)) if parsed.required.len() > 1 => {
                Some(query::any_word(clauses, stats))
            }
            _ => None,
        };
        // browsing (no query) shows the newest documents first
        let sort = req.sort.unwrap_or(if parsed.is_empty() {
            dates::Sort::Date
        } else {
            dates::Sort::Relevance
        });
        let plan = Plan {
            text,
            fallback,
            filters: filters(&filters_in)?,
            from: req.from,
            to: req.to,
            sort,
            explain: builder.explain_clauses(),
            top: req.offset + req.limit,
            facets: req.facets,
            disjunctive: Facet::ALL
                .into_iter()
                .filter(|f| req.filters.get(f.name()).is_some_and(|v| !v.is_empty()))
                .collect(),
        };
        Ok((parsed, literal, plan, builder))
    }

    /// The facet tree with document counts over the whole index.
    pub fn facet_tree(&self) -> Result<BTreeMap<String, Vec<FacetCount>>> {
        let mut req = Request::new("");
        req.limit = 1;
        req.snippets = false;
        Ok(self.search(&req)?.facets)
    }

    /// `parsed` with the expansions `f` asks for (taxonomy aliases, thesaurus,
    /// translations, neighbour-language forms, compound parts), into the
    /// languages the engine holds.
    fn expanded(
        &self,
        parsed: &query::Parsed,
        stats: &dyn Stats,
        f: query::Features,
    ) -> query::Parsed {
        if !(f.expand || f.neighbour || f.compound) {
            return parsed.clone();
        }
        let languages: Vec<&'static str> = query::present_languages(stats)
            .into_iter()
            .map(|l| l.key)
            .collect();
        expand::Expand {
            taxonomy: self.taxonomy,
            thesaurus: expand::builtin(),
            lexicons: if f.expand || f.neighbour {
                lexicon::builtin()
            } else {
                lexicon::none()
            },
            languages: &languages,
            features: f,
            stats: Some(stats),
        }
        .apply(parsed)
    }

    /// `work` run with the engine's term statistics: the embedded index's
    /// own, or on OpenSearch the ones `work` asks for, fetched in one request
    /// after a first run that records them.
    fn with_stats<T>(&self, work: impl Fn(&dyn Stats) -> T) -> Result<T> {
        match &self.engine {
            Engine::Embedded(index) => {
                let searcher = index.searcher();
                Ok(work(&embedded::EmbeddedStats::new(&searcher)))
            }
            Engine::OpenSearch(cluster) => {
                let recorder = crate::plan::Recorder::default();
                work(&recorder);
                let stats = cluster.within(|| cluster.stats(recorder.wanted()))?;
                Ok(work(&stats))
            }
        }
    }

    /// Where query `q` matches in each passage: byte ranges of the passage text, marked
    /// the way snippets mark them (the document page marks whole pages with these).
    /// Both engines; when the statistics cannot be read, nothing is marked.
    pub fn passage_marks(&self, q: &str, passages: &[Passage]) -> Vec<Vec<Range<usize>>> {
        let literal = query::parse(q);
        if literal.is_empty() {
            return vec![Vec::new(); passages.len()];
        }
        let marks = self.with_stats(|stats| {
            let expanded = self.expanded(&literal, stats, query::Features::ALL);
            let corrections = suggest::corrections(stats, &literal);
            Marks::of(&expanded, &corrections)
        });
        let Ok(marks) = marks else {
            return vec![Vec::new(); passages.len()];
        };
        let mut cache: HashMap<&'static str, snippet::Forms> = HashMap::new();
        passages
            .iter()
            .map(|p| {
                let al = crate::index::analyzer::analyzed_for(p.lang);
                let forms = cache.entry(al.key).or_insert_with(|| {
                    snippet::Forms::with_phrases(&marks.words, &marks.phrases, al)
                        .with_starts(&marks.starts)
                });
                snippet::mark_ranges(&p.text, p.lang, forms)
            })
            .collect()
    }

    /// Up to `n` documents most like `doc`: sharing its salient words and
    /// its region, programme, network and theme values (see [`similar`]).
    /// Never `doc` itself. Both engines run the same plan, so they list the
    /// same documents.
    pub fn similar(&self, doc: &Document, n: usize) -> Result<Vec<Hit>> {
        if n == 0 {
            return Ok(Vec::new());
        }
        let found = match &self.engine {
            // planned and run on one state of the index
            Engine::Embedded(index) => {
                let searcher = index.searcher();
                let plan = similar::plan(doc, n, &embedded::EmbeddedStats::new(&searcher));
                embedded::execute(index, &searcher, &plan, embedded::Run::default())?
            }
            Engine::OpenSearch(cluster) => {
                cluster.execute(&self.with_stats(|stats| similar::plan(doc, n, stats))?)?
            }
        };
        let marks = Marks::default();
        let mut cache = HashMap::new();
        Ok(found
            .top
            .iter()
            .map(|m| Self::hit(m, false, &marks, &mut cache))
            .collect())
    }

    fn hit(
        m: &FoundDoc,
        with_snippet: bool,
        marks: &Marks,
        cache: &mut HashMap<&'static str, snippet::Forms>,
    ) -> Hit {
        let p = &m.best;
        let passage_lang = Language::from_code(&p.passage_lang).unwrap_or(Language::Other);
        let snippet = if with_snippet {
            let al = crate::index::analyzer::analyzed_for(passage_lang);
            let forms = cache.entry(al.key).or_insert_with(|| {
                snippet::Forms::with_phrases(&marks.words, &marks.phrases, al)
                    .with_starts(&marks.starts)
            });
            snippet::snippet(&p.text, passage_lang, forms)
        } else {
            snippet::Snippet::default()
        };
        Hit {
            id: p.id.clone(),
            title: p.title.clone(),
            url: p.url.clone(),
            lang: p.lang.clone(),
            score: (m.score as f64 * 1000.0).round() / 1000.0,
            page: (p.page > 0).then_some(p.page as u32),
            date: p.date.map(crate::document::date_text),
            snippet,
            facets: p.facets.clone(),
            explain: Vec::new(),
        }
    }

    /// Facet counts, most documents first (labels are the interface's business).
    fn sorted_counts(counts: HashMap<String, u64>) -> Vec<FacetCount> {
        let mut out: Vec<FacetCount> = counts
            .into_iter()
            .map(|(path, count)| FacetCount { path, count })
            .collect();
        out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.path.cmp(&b.path)));
        out
    }
}

/// The request's filters, checked and normalised: facet → paths.
fn filters(filters: &BTreeMap<String, Vec<String>>) -> Result<Filters> {
    let mut out = Filters::new();
    for (name, values) in filters {
        let values: Vec<&String> = values.iter().filter(|v| !v.trim().is_empty()).collect();
        if values.is_empty() {
            continue;
        }
        let facet = Facet::parse(name).ok_or_else(|| {
            Error::param(
                name,
                format!("unknown facet; use one of {}", Facet::names(&Facet::ALL)),
            )
        })?;
        let paths = out.entry(facet).or_default();
        for v in values {
            paths.push(normalise_path(name, v)?);
        }
    }
    Ok(out)
}

/// Words and phrases a response's snippets mark.
#[derive(Debug, Default)]
struct Marks {
    /// Marked wherever they occur.
    words: Vec<String>,
    /// Marked only where all their words occur together.
    phrases: Vec<String>,
    /// Words typed truncated: the words beginning so are marked.
    starts: Vec<String>,
}

impl Marks {
    /// The user's words anywhere; expansions only as a whole (an alias like
    /// `Interreg V A Nord` must not mark every `a`/`å`, nor `Erasmus+-programmet`
    /// every `programmet`); the words typos were corrected to.
    fn of(parsed: &query::Parsed, corrections: &[(String, String)]) -> Marks {
        let mut marks = Marks::default();
        for u in parsed.positive_units() {
            if u.prefix {
                marks.starts.push(u.text.clone());
            }
            if u.weight < 1.0 {
                marks.phrases.push(u.text.clone());
            } else {
                // a quoted phrase as a whole too, so its function words
                // are marked where it occurs (see `snippet::Forms`)
                if u.phrase && u.text.contains(char::is_whitespace) {
                    marks.phrases.push(u.text.clone());
                }
                marks
                    .words
                    .extend(u.text.split_whitespace().map(str::to_string));
            }
        }
        marks
            .words
            .extend(corrections.iter().map(|(_, to)| to.clone()));
        marks
    }
}

fn validate(req: &Request) -> Result<()> {
    if req.limit == 0 || req.limit > MAX_LIMIT {
        return Err(Error::param(
            "limit",
            format!("must be a whole number from 1 to {MAX_LIMIT}"),
        ));
    }
    if let (Some(from), Some(to)) = (req.from, req.to) {
        if from > to {
            return Err(Error::param(
                "from",
                format!(
                    "is after `to` ({} > {})",
                    crate::document::date_text(from),
                    crate::document::date_text(to)
                ),
            ));
        }
    }
    if req.offset > MAX_OFFSET {
        return Err(Error::param(
            "offset",
            format!("must be a whole number from 0 to {MAX_OFFSET}"),
        ));
    }
    Ok(())
}

/// Accept `nb` for `/nb` on lang/doctype, and require a leading `/` elsewhere.
fn normalise_path(facet: &str, v: &str) -> Result<String> {
    let v = v.trim();
    if v.chars().any(char::is_control) || v.len() > 300 {
        return Err(Error::param(
            facet,
            "contains control characters or is too long",
        ));
    }
    let p = if v.starts_with('/') {
        v.to_string()
    } else {
        format!("/{v}")
    };
    let p = p.trim_end_matches('/').to_string();
    if facet == schema::LANG {
        return Ok(p.to_lowercase());
    }
    // years and periods have one form: a value in another matches no
    // document, so it is refused rather than answered with nothing
    let year = |y: &str| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit());
    let value = p.trim_start_matches('/');
    let shown = || value.chars().take(40).collect::<String>();
    if !value.is_empty() && facet == Facet::Year.name() && !year(value) {
        return Err(Error::param(
            facet,
            format!("`{}` is not a year; write four digits, as `2021`", shown()),
        ));
    }
    if !value.is_empty()
        && facet == Facet::Period.name()
        && !value
            .split_once('-')
            .is_some_and(|(a, b)| year(a) && year(b))
    {
        return Err(Error::param(
            facet,
            format!("`{}` is not a period; write it as `2021-2027`", shown()),
        ));
    }
    Ok(if p.is_empty() { "/".into() } else { p })
}

/// Read the dictionaries query expansion uses (the FreeDict and Apertium
/// lexicons, the Hunspell word lists, the curated thesaurus) now, side by
/// side on threads of their own: a server does at start, so that its first
/// search does not wait for them (a few tenths of a second with the
/// lexicons in their cache, a second and more without).
pub fn warm_up() {
    std::thread::scope(|s| {
        s.spawn(lexicon::builtin);
        s.spawn(expand::builtin);
        crate::index::compound::load_all();
    });
}

/// A dictionary of query expansion or compound splitting this machine
/// lacks: searches work without it, with its feature off for its
/// languages.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MissingDictionary {
    /// What it is (`Hunspell sv`, `FreeDict eng-nor`, `Folkets lexikon`).
    pub name: String,
    /// How to install it.
    pub install: String,
}

/// The dictionaries this machine lacks (reads them when not yet read).
pub fn missing_dictionaries() -> Vec<MissingDictionary> {
    let hunspell = crate::index::compound::missing()
        .into_iter()
        .map(|(key, package)| MissingDictionary {
            name: format!("Hunspell {key}"),
            install: format!("apt-get install {package}"),
        });
    let lexicons = lexicon::builtin()
        .missing
        .iter()
        .map(|(name, install)| MissingDictionary {
            name: name.clone(),
            install: install.clone(),
        });
    hunspell.chain(lexicons).collect()
}
