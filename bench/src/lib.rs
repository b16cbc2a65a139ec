//! Scale benchmark support (issue 7): a deterministic corpus generator
//! ([`gen`]), a query-set generator ([`queries`]) and the Kartotek side of
//! the measurements ([`measure`]: indexing, in-process latency per query
//! class, open-loop HTTP load).
//!
//! The competitors (PostgreSQL full-text search, SQLite FTS5) live with the
//! harness in this crate ([`postgres`], [`sqlite`]), so the product never links a SQL client;
//! they implement the same [`measure::Engine`] trait and run the same
//! queries. Randomness comes from [`Rng`], a SplitMix64 generator: a few
//! lines, no dependency, and the same sequence on every platform, so a seed
//! fixes the corpus and the queries exactly.

use std::path::Path;

/// Every benchmark program runs Kartotek with the allocator the `kartotek`
/// binary uses (see its `main.rs`), so in-process figures are the product's.
#[global_allocator]
static ALLOCATOR: kartotek::Allocator = kartotek::ALLOCATOR;

pub mod gen;
pub mod judged;
pub mod lucene;
pub mod measure;
pub mod postgres;
pub mod queries;
pub mod sqlite;

/// The repository's root folder (this crate lives in `bench/`): where `seeds/`,
/// `scripts/` and `target/` are, and beside which `../shared/testdata` is looked for.
pub fn repo_root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// An ingest job for a Norsk Lovtidend document held in memory: `id` is
/// its name and URL, `bytes` its text (the measurement programs that read
/// `norwegian_corpus/lovtidend_avd1_2025.jsonl`).
pub fn lovtidend_job(id: &str, bytes: std::sync::Arc<Vec<u8>>) -> kartotek::ingest::Job {
    kartotek::ingest::Job {
        display: id.to_string(),
        key: format!("lovtidend:{id}"),
        url: id.to_string(),
        origin: kartotek::ingest::Origin::Bytes {
            bytes,
            content_type: None,
        },
        error: None,
        overrides: None,
        context: None,
    }
}

/// Ingest `jobs` into `index` with the built-in taxonomy, printing nothing.
pub fn ingest_silently(index: &kartotek::index::Index, jobs: Vec<kartotek::ingest::Job>) {
    let options = kartotek::ingest::Options::new(kartotek::taxonomy::Taxonomy::builtin());
    kartotek::ingest::run(index, jobs, &options, &mut kartotek::ingest::Silent).expect("ingest");
}

/// Backslash-escape backslashes, tabs and line ends: PostgreSQL's `COPY`
/// text format, and the tab-separated files the Lucene harness unescapes.
pub(crate) fn tsv_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' => o.push_str("\\\\"),
            '\t' => o.push_str("\\t"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            c => o.push(c),
        }
    }
    o
}

/// A small, fast, deterministic pseudo-random generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (((self.next_u64() >> 11) as u128 * n as u128) >> 53) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// An index drawn with weight proportional to `weights[i]`.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| w as u64).sum();
        if total == 0 {
            return 0;
        }
        let mut x = (self.unit() * total as f64) as u64;
        for (i, &w) in weights.iter().enumerate() {
            if x < w as u64 {
                return i;
            }
            x -= w as u64;
        }
        weights.len() - 1
    }

    /// A Zipf-like rank in `0..n`: rank `r` has weight `1 / (r + 1)`.
    pub fn zipf(&mut self, n: usize) -> usize {
        if n <= 1 {
            return 0;
        }
        // inverse CDF of the continuous 1/x density over [1, n + 1)
        let x = ((n as f64 + 1.0).ln() * self.unit()).exp() - 1.0;
        (x as usize).min(n - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_gives_the_same_sequence() {
        let a: Vec<u64> = (0..5)
            .scan(Rng::new(7), |r, _| Some(r.next_u64()))
            .collect();
        let b: Vec<u64> = (0..5)
            .scan(Rng::new(7), |r, _| Some(r.next_u64()))
            .collect();
        assert_eq!(a, b);
        assert_ne!(
            a,
            (0..5)
                .scan(Rng::new(8), |r, _| Some(r.next_u64()))
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn draws_stay_in_range_and_zipf_favours_low_ranks() {
        let mut r = Rng::new(1);
        let mut low = 0;
        for _ in 0..10_000 {
            assert!(r.below(10) < 10);
            assert!((3..=5).contains(&r.range(3, 5)));
            let z = r.zipf(100);
            assert!(z < 100);
            if z < 10 {
                low += 1;
            }
        }
        assert!(low > 4_000, "{low}");
        assert_eq!(r.below(0), 0);
        assert_eq!(r.weighted(&[0, 0]), 0);
        assert_eq!(r.weighted(&[0, 5]), 1);
    }
}
