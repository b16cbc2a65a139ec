//! The benchmark query set: queries of 1–4 words drawn from the corpus
//! vocabulary by frequency band, 30 % quoted phrases, 20 % with one or two
//! facet filters.
//!
//! Words of a multi-word query are taken from one passage, so a query looks
//! like what a reader of that passage would type and usually matches with
//! all words required (random word pairs would mostly match nothing and
//! only measure the empty case). Filters come from the same document's
//! facets, so filtered queries find something. The 20 most frequent words
//! (function words) are never chosen alone.

use std::collections::HashMap;

use kartotek::document::Document;

use super::Rng;

/// Query shape, the unit latencies are reported by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// One word.
    Word,
    /// Two to four words, all required.
    Words,
    /// A quoted phrase of two or three words.
    Phrase,
    /// Any of the above with one or two facet filters.
    Filtered,
}

impl Class {
    /// Lowercase name for reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Word => "word",
            Class::Words => "words",
            Class::Phrase => "phrase",
            Class::Filtered => "filtered",
        }
    }
}

/// Frequency band of a query's words (by rank in the corpus vocabulary).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Band {
    /// Ranks 20–199: common content words.
    Head,
    /// Ranks 200–1,999.
    Torso,
    /// Rank 2,000 and below (seen at least three times).
    Tail,
}

/// One benchmark query.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchQuery {
    /// The words, lowercased, in order.
    pub words: Vec<String>,
    /// The words form a phrase.
    pub phrase: bool,
    /// Facet filters `(facet, path)`; facet is `region`, `programme`,
    /// `network`, `theme` or `lang` (path `/nb`).
    pub filters: Vec<(String, String)>,
    /// Shape.
    pub class: Class,
    /// Frequency band the words were drawn from.
    pub band: Band,
}

impl BenchQuery {
    /// The query in Kartotek's (and websearch's) syntax: phrases in quotes.
    pub fn text(&self) -> String {
        let joined = self.words.join(" ");
        if self.phrase {
            format!("\"{joined}\"")
        } else {
            joined
        }
    }
}

/// Write the query set as `class \t band \t query \t facet=path&…` with a
/// header line (the scale bench's `queries-N.tsv`, which the Lucene harness
/// and the measurement programs read).
pub fn write_tsv(path: &std::path::Path, qs: &[BenchQuery]) -> kartotek::Result<()> {
    use std::fmt::Write as _;
    let mut s = String::from("class\tband\tquery\tfilters\n");
    for q in qs {
        let f: Vec<String> = q.filters.iter().map(|(f, p)| format!("{f}={p}")).collect();
        let _ = writeln!(
            s,
            "{}\t{:?}\t{}\t{}",
            q.class.as_str(),
            q.band,
            q.text(),
            f.join("&")
        );
    }
    std::fs::write(path, s).map_err(|e| kartotek::Error::io(path, e))
}

/// Lowercased words of at least three letters (letters only).
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 3)
        .map(str::to_lowercase)
}

/// Generate `n` queries from `docs`.
pub fn generate(docs: &[Document], n: usize, seed: u64) -> Vec<BenchQuery> {
    let mut out = Vec::with_capacity(n);
    let total_passages: usize = docs.iter().map(|d| d.passages.len()).sum();
    if total_passages == 0 {
        return out;
    }
    let mut rng = Rng::new(seed ^ 0x5155_4552_5953);
    // vocabulary ranks over a sample of up to 20,000 passages
    let mut freq: HashMap<String, u32> = HashMap::new();
    let step = (total_passages / 20_000).max(1);
    let mut k = 0usize;
    for d in docs {
        for p in &d.passages {
            if k.is_multiple_of(step) {
                for w in words(&p.text) {
                    *freq.entry(w).or_default() += 1;
                }
            }
            k += 1;
        }
    }
    let mut ranked: Vec<(String, u32)> = freq.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let rank: HashMap<&str, usize> = ranked
        .iter()
        .enumerate()
        .filter(|(_, (_, f))| *f >= 3)
        .map(|(i, (w, _))| (w.as_str(), i))
        .collect();
    let band_of = |w: &str| -> Option<Band> {
        match *rank.get(w)? {
            0..=19 => None,
            20..=199 => Some(Band::Head),
            200..=1_999 => Some(Band::Torso),
            _ => Some(Band::Tail),
        }
    };
    let mut attempts = 0;
    while out.len() < n && attempts < n * 50 {
        attempts += 1;
        let d = &docs[rng.below(docs.len())];
        let p = &d.passages[rng.below(d.passages.len())];
        let ws: Vec<String> = words(&p.text).collect();
        if ws.is_empty() {
            continue;
        }
        let band = match rng.below(10) {
            0..=3 => Band::Head,
            4..=7 => Band::Torso,
            _ => Band::Tail,
        };
        let phrase = rng.chance(0.3);
        let (chosen, phrase) = if phrase {
            // 2–3 consecutive words, at least one in the band
            let len = rng.range(2, 3);
            if ws.len() < len {
                continue;
            }
            let start = rng.below(ws.len() - len + 1);
            let run = ws[start..start + len].to_vec();
            if !run.iter().any(|w| band_of(w) == Some(band)) {
                continue;
            }
            (run, true)
        } else {
            let len = match rng.below(100) {
                0..=39 => 1,
                40..=74 => 2,
                75..=89 => 3,
                _ => 4,
            };
            let mut cands: Vec<&String> = ws.iter().filter(|w| band_of(w) == Some(band)).collect();
            cands.dedup();
            if cands.is_empty() {
                continue;
            }
            let mut chosen: Vec<String> = Vec::new();
            chosen.push(cands[rng.below(cands.len())].clone());
            let others: Vec<&String> = ws.iter().filter(|w| band_of(w).is_some()).collect();
            let mut tries = 0;
            while chosen.len() < len && tries < 20 {
                tries += 1;
                let w = others[rng.below(others.len())];
                if !chosen.contains(w) {
                    chosen.push(w.clone());
                }
            }
            (chosen, false)
        };
        let mut filters = Vec::new();
        if rng.chance(0.2) {
            let mut options: Vec<(String, String)> = d
                .facets
                .iter()
                .map(|f| (f.facet.clone(), f.path.clone()))
                .collect();
            options.push(("lang".to_string(), format!("/{}", d.lang.code())));
            let take = rng.range(1, 2).min(options.len());
            while filters.len() < take {
                let o = options.swap_remove(rng.below(options.len()));
                if !filters.iter().any(|(f, _): &(String, String)| *f == o.0) {
                    filters.push(o);
                }
                if options.is_empty() {
                    break;
                }
            }
        }
        let class = if !filters.is_empty() {
            Class::Filtered
        } else if phrase {
            Class::Phrase
        } else if chosen.len() == 1 {
            Class::Word
        } else {
            Class::Words
        };
        out.push(BenchQuery {
            words: chosen,
            phrase,
            filters,
            class,
            band,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gen::{self, Pools, Spec};
    use kartotek::taxonomy::Taxonomy;

    #[test]
    fn query_mix_has_phrases_filters_and_short_queries() {
        let docs = gen::generate(&Pools::builtin(), Taxonomy::builtin(), &Spec::new(2_000, 5));
        let qs = generate(&docs, 1_000, 5);
        assert_eq!(qs, generate(&docs, 1_000, 5));
        assert!(qs.len() >= 900, "{}", qs.len());
        let share =
            |f: &dyn Fn(&BenchQuery) -> bool| qs.iter().filter(|q| f(q)).count() * 100 / qs.len();
        let phrases = share(&|q| q.phrase);
        let filtered = share(&|q| !q.filters.is_empty());
        assert!((20..=40).contains(&phrases), "{phrases}");
        assert!((12..=28).contains(&filtered), "{filtered}");
        assert!(qs.iter().all(|q| (1..=4).contains(&q.words.len())));
        assert!(qs.iter().all(|q| q.filters.len() <= 2));
        let phrase = qs
            .iter()
            .find(|q| q.phrase)
            .map(|q| q.text())
            .unwrap_or_default();
        assert!(phrase.starts_with('"') && phrase.ends_with('"'));
    }

    #[test]
    fn empty_corpus_gives_no_queries() {
        assert!(generate(&[], 10, 1).is_empty());
    }
}
