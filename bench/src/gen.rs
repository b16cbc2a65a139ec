//! The scale corpus generator: realistic documents of ~500–1,000-character
//! passages in a Nordic language mix, with realistic facet values,
//! deterministic from a seed.
//!
//! Sentences come from real text: Norsk Lovtidend (nb, nn), Swedish
//! government pages (sv), Universal Dependencies sentences (all six
//! languages), the checked main text of the English pages in the HTML test
//! set (en) and the repository's seeds (each in its detected language), all read from
//! `../shared/testdata` at run time, so nothing large is committed. Without
//! that folder a small built-in pool keeps tests and CI working. A passage
//! is a run of consecutive sentences from a random start in its language's
//! pool (real texts keep topical runs), cut at the target length; facets are
//! drawn from the taxonomy's concepts with a Zipf skew, the way a few
//! regions and programmes dominate a real collection.

use std::path::Path;

use kartotek::document::{DateSource, Document, FacetValue, Format, Origin, Passage};
use kartotek::lang::Language;
use kartotek::taxonomy::{FacetKind, Taxonomy};

use super::Rng;

/// Language mix of generated documents (weights in percent).
pub const LANG_MIX: [(Language, u32); 6] = [
    (Language::Nb, 55),
    (Language::Nn, 10),
    (Language::Sv, 15),
    (Language::Da, 7),
    (Language::Fi, 5),
    (Language::En, 8),
];

/// Share of non-English documents with one English passage (a summary).
pub const ENGLISH_SUMMARY_SHARE: f64 = 0.1;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// Total number of passages.
    pub passages: usize,
    /// Random seed.
    pub seed: u64,
    /// Shortest passage, in characters (bytes of UTF-8, approximately).
    pub min_chars: usize,
    /// Longest passage target.
    pub max_chars: usize,
}

impl Spec {
    /// `passages` passages of 500–1,000 characters from `seed`.
    pub fn new(passages: usize, seed: u64) -> Spec {
        Spec {
            passages,
            seed,
            min_chars: 500,
            max_chars: 1_000,
        }
    }
}

/// Sentence pools per language.
#[derive(Debug, Clone)]
pub struct Pools {
    by_lang: Vec<(Language, Vec<String>)>,
}

const BUILTIN: &[(Language, &[&str])] = &[
    (Language::Nb, &[
        "Fylkeskommunen skal legge til rette for regional utvikling i hele fylket.",
        "Strategien beskriver hvordan regionen kan styrke det internasjonale samarbeidet gjennom europeiske programmer.",
        "Kommunene i Trøndelag samarbeider om grønn omstilling, innovasjon og kompetanse.",
        "Søknadsfristen for prosjektmidler er satt til første kvartal neste år.",
        "Næringslivet trenger bedre tilgang til forskning og kvalifisert arbeidskraft.",
        "Handlingsprogrammet følges opp årlig av fylkestinget.",
    ]),
    (Language::Nn, &[
        "Fylkeskommunen skal leggje til rette for regional utvikling i heile fylket.",
        "Kommunane samarbeider om berekraftig utvikling og busetjing i distrikta.",
        "Prosjektet har fått midlar frå Interreg til å styrkje samarbeidet over grensa.",
        "Handlingsprogrammet vert følgt opp kvart år av fylkestinget.",
    ]),
    (Language::Sv, &[
        "Regionen arbetar för hållbar tillväxt och stärkt konkurrenskraft i hela länet.",
        "Programmet finansierar samarbetsprojekt mellan Sverige, Norge och Finland.",
        "Sammanhållningspolitiken ska minska skillnaderna mellan EU:s regioner.",
        "Kommunerna samverkar kring kompetensförsörjning och innovation.",
    ]),
    (Language::Da, &[
        "Regionen arbejder for bæredygtig vækst og et stærkt erhvervsliv.",
        "Programmet støtter samarbejde mellem virksomheder og universiteter på tværs af grænsen.",
        "Kommunerne skal sikre gode rammer for uddannelse og beskæftigelse.",
        "Projektet har modtaget støtte fra Den Europæiske Regionalfond.",
    ]),
    (Language::Fi, &[
        "Maakunnan strategia tukee kestävää kasvua ja työllisyyttä koko alueella.",
        "Ohjelma rahoittaa rajat ylittävää yhteistyötä Suomen, Ruotsin ja Norjan välillä.",
        "Kunnat tekevät yhteistyötä osaamisen ja innovaatioiden vahvistamiseksi.",
        "Hankkeen tavoitteena on parantaa saavutettavuutta ja liikenneyhteyksiä.",
    ]),
    (Language::En, &[
        "The regional strategy sets out how the county will strengthen international cooperation.",
        "The programme funds cross-border projects on innovation, energy and transport.",
        "Municipalities work together on the green transition and skills development.",
        "The office in Brussels helps regional actors take part in European networks.",
    ]),
];

impl Pools {
    /// The small built-in pool (tests, CI): a few sentences per language.
    pub fn builtin() -> Pools {
        Pools {
            by_lang: BUILTIN
                .iter()
                .map(|(l, s)| (*l, s.iter().map(|x| x.to_string()).collect()))
                .collect(),
        }
    }

    /// The benchmarks' pools: [`Pools::from_dirs`] on `testdata` and this
    /// repository's `seeds/` when `testdata` exists, else [`Pools::builtin`].
    pub fn for_benchmarks(testdata: &Path) -> Pools {
        if testdata.exists() {
            let seeds = crate::repo_root().join("seeds");
            Pools::from_dirs(testdata, Some(&seeds))
        } else {
            Pools::builtin()
        }
    }

    /// Pools read from the shared test data folder (`../shared/testdata`)
    /// and the repository's seeds folder; a language without any
    /// readable sentence keeps the built-in ones. Missing files are skipped.
    pub fn from_dirs(testdata: &Path, seeds: Option<&Path>) -> Pools {
        let mut pools = Pools::builtin();
        let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
        let mut add = |lang: Language, sentences: Vec<String>| {
            if let Some((_, v)) = pools.by_lang.iter_mut().find(|(l, _)| *l == lang) {
                v.extend(sentences);
            }
        };
        let nc = testdata.join("norwegian_corpus");
        add(
            Language::Nb,
            sentences(&read(&nc.join("lovtidend_avd1_2025.txt")), 150_000),
        );
        add(
            Language::Nn,
            sentences(&read(&nc.join("lovtidend_avd1_2025.nn.txt")), 150_000),
        );
        let ud = read(&testdata.join("langid").join("ud_sentences.tsv"));
        for line in ud.lines() {
            if let Some((code, s)) = line.split_once('\t') {
                if let Some(lang) = Language::from_code(code) {
                    add(lang, sentences(s, 10));
                }
            }
        }
        let sv_dir = testdata.join("regional_docs").join("sv_regeringen_g0vse");
        let mut files: Vec<_> = std::fs::read_dir(&sv_dir)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.sort();
        for f in files {
            let text: String = read(&f)
                .lines()
                .filter(|l| {
                    let t = l.trim_start();
                    !t.is_empty() && !t.starts_with(['#', '!', '[', '|', '>', '-', '*', '<', '`'])
                })
                .collect::<Vec<_>>()
                .join("\n");
            add(Language::Sv, sentences(&text, 5_000));
        }
        // English: the human-checked main text of the English pages in the HTML test set
        // (`html_index.json` says which; readability's `expected.txt`, newspaper4k's
        // `NAME.expected.txt`, the article-extraction-benchmark's `articleBody`).
        let html = testdata.join("html");
        let index: serde_json::Value =
            serde_json::from_str(&read(&html.join("html_index.json"))).unwrap_or_default();
        let mut english = String::new();
        for page in index.as_array().into_iter().flatten() {
            if page["lang"] != "en" {
                continue;
            }
            let file = Path::new(page["file"].as_str().unwrap_or_default());
            let gold = match page["set"].as_str() {
                Some("readability") => file.with_file_name("expected.txt"),
                Some("newspaper4k") => file.with_extension("expected.txt"),
                _ => continue,
            };
            english.push_str(&read(&html.join(gold)));
            english.push('\n');
        }
        let truth: serde_json::Value = serde_json::from_str(&read(
            &html
                .join("article-extraction-benchmark")
                .join("ground-truth.json"),
        ))
        .unwrap_or_default();
        for article in truth.as_object().into_iter().flat_map(|o| o.values()) {
            if article["lang"] == "en" {
                english.push_str(article["articleBody"].as_str().unwrap_or_default());
                english.push('\n');
            }
        }
        add(Language::En, sentences(&english, 20_000));
        if let Some(seeds) = seeds {
            // Each seed joins the pool of the language it is written in: two of the five are
            // English, three Norwegian (putting all in the English pool made most
            // "English" documents Norwegian text indexed with the English stemmer).
            let mut files: Vec<_> = std::fs::read_dir(seeds)
                .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
                .unwrap_or_default();
            files.retain(|f| f.extension().is_some_and(|e| e == "txt"));
            files.sort();
            for f in files {
                let text = read(&f);
                add(kartotek::lang::detect(&text).lang, sentences(&text, 5_000));
            }
        }
        pools
    }

    /// The sentences for `lang` (empty when the language is not in the mix).
    pub fn sentences(&self, lang: Language) -> &[String] {
        self.by_lang
            .iter()
            .find(|(l, _)| *l == lang)
            .map(|(_, v)| v.as_slice())
            .unwrap_or(&[])
    }

    /// Number of sentences per language, for the report.
    pub fn sizes(&self) -> Vec<(Language, usize)> {
        self.by_lang.iter().map(|(l, v)| (*l, v.len())).collect()
    }
}

/// Sentences of 30–400 characters with at least four words, at most `max`.
fn sentences(text: &str, max: usize) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut rest = line.trim();
        while !rest.is_empty() && out.len() < max {
            let end = rest
                .match_indices(['.', '!', '?'])
                .map(|(i, _)| i + 1)
                .find(|&i| rest[i..].starts_with(' ') || i == rest.len())
                .unwrap_or(rest.len());
            let s = rest[..end].trim();
            rest = rest[end..].trim_start();
            let n = s.chars().count();
            if (30..=400).contains(&n) && s.split_whitespace().count() >= 4 {
                out.push(s.to_string());
            }
        }
    }
    out
}

/// Concept paths per taxonomy facet, in the taxonomy's order (the Zipf skew
/// makes the first concepts the common ones).
fn facet_paths(taxonomy: &Taxonomy) -> Vec<(FacetKind, Vec<String>)> {
    FacetKind::all()
        .into_iter()
        .map(|k| {
            (
                k,
                taxonomy
                    .concepts(k)
                    .iter()
                    .map(|c| c.path.clone())
                    .collect(),
            )
        })
        .collect()
}

/// The scale benchmark's corpus of `passages` passages (seed 42, built-in
/// taxonomy), from the sentence pools of [`Pools::for_benchmarks`] on
/// `testdata` (default `../shared/testdata`): what the benchmark tools
/// share so that they measure the same documents.
pub fn benchmark_corpus(passages: usize, testdata: Option<&str>) -> Vec<Document> {
    let pools = Pools::for_benchmarks(Path::new(testdata.unwrap_or("../shared/testdata")));
    generate(&pools, Taxonomy::builtin(), &Spec::new(passages, 42))
}

/// Generate documents holding `spec.passages` passages in total.
pub fn generate(pools: &Pools, taxonomy: &Taxonomy, spec: &Spec) -> Vec<Document> {
    let mut rng = Rng::new(spec.seed);
    let paths = facet_paths(taxonomy);
    let weights: Vec<u32> = LANG_MIX.iter().map(|(_, w)| *w).collect();
    let mut docs = Vec::new();
    let mut left = spec.passages;
    let mut n = 0usize;
    while left > 0 {
        // 1–30 passages, mean about 5: many short notes, a few long reports
        let want = (1 + rng.zipf(30).min(29) + rng.below(3)).min(left);
        let lang = LANG_MIX[rng.weighted(&weights)].0;
        let summary = lang != Language::En && want > 1 && rng.chance(ENGLISH_SUMMARY_SHARE);
        let format = match rng.below(100) {
            0..=64 => Format::Pdf,
            65..=94 => Format::Html,
            _ => Format::Text,
        };
        let mut passages = Vec::with_capacity(want);
        for i in 0..want {
            let plang = if summary && i == 0 {
                Language::En
            } else {
                lang
            };
            let target = rng.range(spec.min_chars, spec.max_chars);
            passages.push(Passage {
                page: (format == Format::Pdf).then_some(i as u32 + 1),
                text: passage_text(pools.sentences(plang), target, &mut rng),
                lang: plang,
            });
        }
        let title = title_from(&passages[passages.len() - 1].text);
        let mut facets = Vec::new();
        for (kind, list) in &paths {
            let (p_any, max) = match kind {
                FacetKind::Region => (0.9, 2),
                FacetKind::Programme => (0.6, 2),
                FacetKind::Network => (0.3, 1),
                FacetKind::Theme => (0.8, 3),
            };
            if list.is_empty() || !rng.chance(p_any) {
                continue;
            }
            for _ in 0..rng.range(1, max) {
                let path = &list[rng.zipf(list.len())];
                if !facets
                    .iter()
                    .any(|f: &FacetValue| f.path == *path && f.facet == kind.as_str())
                {
                    facets.push(FacetValue {
                        facet: kind.as_str().to_string(),
                        path: path.clone(),
                        count: 0,
                        first_match: None,
                        origin: Origin::Metadata,
                    });
                }
            }
        }
        let source = format!("bench://{}/{n}", spec.seed);
        let bytes = passages.iter().map(|p| p.text.len() as u64).sum();
        docs.push(Document {
            id: Document::id_for(&source),
            url: format!("https://bench.example/{}/{n}", spec.seed),
            source,
            title,
            lang,
            format,
            description: None,
            date: Some(format!(
                "{}-{:02}-{:02}",
                2015 + rng.below(11),
                1 + rng.below(12),
                1 + rng.below(28)
            )),
            date_source: Some(DateSource::Metadata),
            pages: if format == Format::Pdf {
                want as u32
            } else {
                1
            },
            hash: format!("{:016x}{:016x}", rng.next_u64(), rng.next_u64()),
            bytes,
            facets,
            ocr_damaged: false,
            warnings: Vec::new(),
            context: None,
            passages,
        });
        left -= want;
        n += 1;
    }
    docs
}

/// Consecutive sentences from a random start, until `target` characters.
fn passage_text(pool: &[String], target: usize, rng: &mut Rng) -> String {
    let mut out = String::with_capacity(target + 200);
    if pool.is_empty() {
        return out;
    }
    let mut i = rng.below(pool.len());
    while out.len() < target {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&pool[i % pool.len()]);
        // mostly the next sentence, sometimes a jump (a new section)
        i = if rng.chance(0.85) {
            i + 1
        } else {
            rng.below(pool.len())
        };
    }
    out
}

/// The first words of a passage (up to ~60 characters) as a title.
fn title_from(text: &str) -> String {
    let mut t = String::new();
    for w in text.split_whitespace() {
        if t.len() + w.len() > 60 {
            break;
        }
        if !t.is_empty() {
            t.push(' ');
        }
        t.push_str(w.trim_end_matches([',', '.', ';', ':']));
    }
    t
}

/// Total bytes of passage text.
pub fn text_bytes(docs: &[Document]) -> u64 {
    docs.iter().map(|d| d.text_len() as u64).sum()
}

/// Total passages.
pub fn passages(docs: &[Document]) -> usize {
    docs.iter().map(|d| d.passages.len()).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_join_the_pool_of_their_own_language() {
        let seeds = crate::repo_root().join("seeds");
        let pools = Pools::from_dirs(Path::new("/nonexistent-testdata"), Some(&seeds));
        let en = pools.sentences(Language::En);
        let nb = pools.sentences(Language::Nb);
        let has = |pool: &[String], words: &str| pool.iter().any(|s| s.contains(words));
        // 000 is English, 004 Norwegian (Bokmål); neither lands in the other's pool.
        assert!(has(en, "collaborating with others"), "{en:?}");
        assert!(!has(en, "Interreg handler om"));
        assert!(has(nb, "Interreg handler om"));
    }

    #[test]
    fn generation_is_deterministic_and_hits_the_passage_count() {
        let pools = Pools::builtin();
        let t = Taxonomy::builtin();
        let a = generate(&pools, t, &Spec::new(500, 3));
        let b = generate(&pools, t, &Spec::new(500, 3));
        assert_eq!(a, b);
        assert_eq!(passages(&a), 500);
        assert_ne!(a, generate(&pools, t, &Spec::new(500, 4)));
        for d in &a {
            for p in &d.passages {
                assert!(p.text.len() >= 500, "{}", p.text.len());
                assert!(p.text.len() <= 1_500, "{}", p.text.len());
            }
        }
    }

    #[test]
    fn documents_carry_taxonomy_facets_and_the_language_mix() {
        let docs = generate(&Pools::builtin(), Taxonomy::builtin(), &Spec::new(3_000, 1));
        let with_region = docs
            .iter()
            .filter(|d| d.facets.iter().any(|f| f.facet == "region"))
            .count();
        assert!(
            with_region * 10 > docs.len() * 8,
            "{with_region} of {}",
            docs.len()
        );
        let nb = docs.iter().filter(|d| d.lang == Language::Nb).count();
        assert!(nb * 100 > docs.len() * 40 && nb * 100 < docs.len() * 70);
        assert!(docs.iter().any(|d| d.lang == Language::Fi));
    }

    #[test]
    fn sentence_splitter_survives_garbage() {
        let mut rng = Rng::new(9);
        for _ in 0..200 {
            let bytes: Vec<u8> = (0..rng.below(300)).map(|_| rng.next_u64() as u8).collect();
            let s = String::from_utf8_lossy(&bytes);
            let _ = sentences(&s, 10);
            let _ = title_from(&s);
        }
        assert!(sentences("", 10).is_empty());
        assert_eq!(passage_text(&[], 100, &mut rng), "");
    }
}
