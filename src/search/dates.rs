//! Dates in a search: the `from`/`to` filter (a range over the `date` field, the
//! document date as `YYYYMMDD`) and the sort order (`relevance` or `date`, newest
//! first). Kept apart from ranking: the filter is one more clause of the query, and
//! sorting by date reorders the grouped matches by a fast field.

use std::ops::Bound;

use tantivy::query::{Query, RangeQuery};
use tantivy::{DocAddress, Term};

use super::collector::{DocMatch, Matches};
use crate::document::valid_date;
use crate::error::{Error, Result};
use crate::index::schema::DATE;

pub use crate::plan::Sort;

impl Sort {
    /// The names the API and the CLI accept.
    pub const NAMES: &'static str = "relevance, date";

    /// Parse `relevance` or `date`.
    pub fn parse(v: &str) -> Option<Sort> {
        match v.trim().to_ascii_lowercase().as_str() {
            "relevance" => Some(Sort::Relevance),
            "date" => Some(Sort::Date),
            _ => None,
        }
    }

    /// The name [`Sort::parse`] reads.
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::Date => "date",
        }
    }
}

/// A `from` or `to` bound as `YYYYMMDD`: `2021`, `2021-06` or `2021-06-30`; a year or
/// month as `from` starts on its first day, as `to` ends on its last.
pub fn parse_bound(name: &str, v: &str, is_end: bool) -> Result<u64> {
    let bad = || {
        Error::param(
            name,
            format!(
                "`{}` is not a date; write `2021`, `2021-06` or `2021-06-30` (a real day, years 1000 to 2999)",
                v.chars().take(40).collect::<String>()
            ),
        )
    };
    let parts: Vec<&str> = v.trim().split('-').collect();
    let num = |s: &str, len: usize| -> Option<u32> {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (y, m, d) = match parts.as_slice() {
        [y] => {
            let y = num(y, 4).ok_or_else(bad)?;
            if is_end {
                (y, 12, 31)
            } else {
                (y, 1, 1)
            }
        }
        [y, m] => {
            let (y, m) = (num(y, 4).ok_or_else(bad)?, num(m, 2).ok_or_else(bad)?);
            let last = (28..=31).rev().find(|d| valid_date(y, m, *d)).unwrap_or(0);
            (y, m, if is_end { last } else { 1 })
        }
        [y, m, d] => (
            num(y, 4).ok_or_else(bad)?,
            num(m, 2).ok_or_else(bad)?,
            num(d, 2).ok_or_else(bad)?,
        ),
        _ => return Err(bad()),
    };
    if !valid_date(y, m, d) {
        return Err(bad());
    }
    Ok(u64::from(y) * 10_000 + u64::from(m) * 100 + u64::from(d))
}

/// Documents dated from `from` to `to` (both inclusive), in `field`; `None` when
/// neither bound is given.
pub(crate) fn range(
    field: tantivy::schema::Field,
    from: Option<u64>,
    to: Option<u64>,
) -> Option<Box<dyn Query>> {
    if from.is_none() && to.is_none() {
        return None;
    }
    let bound = |v: Option<u64>| match v {
        Some(v) => Bound::Included(Term::from_field_u64(field, v)),
        None => Bound::Unbounded,
    };
    Some(Box::new(RangeQuery::new(bound(from), bound(to))))
}

/// The `n` newest matching documents (by the date of their best passage), undated ones
/// last; ties by relevance, then key.
pub(crate) fn top_by_date(
    searcher: &tantivy::Searcher,
    matches: &Matches,
    n: usize,
) -> Result<Vec<DocMatch>> {
    let mut all: Vec<(u64, f32, DocMatch)> = Vec::with_capacity(matches.total());
    for seg in &matches.segments {
        let reader = searcher.segment_reader(seg.segment);
        let column = reader.fast_fields().u64(DATE).ok();
        for m in &seg.docs {
            let date = column
                .as_ref()
                .and_then(|c| c.first(m.best_addr.doc_id))
                .unwrap_or(0);
            all.push((date, m.score(), *m));
        }
    }
    all.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(b.1.total_cmp(&a.1))
            .then(a.2.key.cmp(&b.2.key))
    });
    all.truncate(n);
    Ok(all.into_iter().map(|(_, _, m)| m).collect())
}

/// The date (`YYYYMMDD`) stored on a passage, if the document has one.
pub(crate) fn date_of(searcher: &tantivy::Searcher, addr: DocAddress) -> Option<u64> {
    let reader = searcher.segment_reader(addr.segment_ord);
    reader.fast_fields().u64(DATE).ok()?.first(addr.doc_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_accept_years_months_and_days() {
        assert_eq!(parse_bound("from", "2021", false).unwrap(), 20_210_101);
        assert_eq!(parse_bound("to", "2021", true).unwrap(), 20_211_231);
        assert_eq!(parse_bound("to", "2024-02", true).unwrap(), 20_240_229);
        assert_eq!(parse_bound("from", "2024-02", false).unwrap(), 20_240_201);
        assert_eq!(
            parse_bound("from", "2021-06-30", false).unwrap(),
            20_210_630
        );
    }

    #[test]
    fn bad_bounds_are_named_with_the_forms_accepted() {
        for bad in [
            "21",
            "2021-6",
            "2021-02-30",
            "yesterday",
            "2021-01-01-01",
            "",
        ] {
            let e = parse_bound("from", bad, false).unwrap_err().to_string();
            assert!(
                e.contains("`from`") && e.contains("2021-06-30"),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn sort_names_parse() {
        assert_eq!(Sort::parse("date"), Some(Sort::Date));
        assert_eq!(Sort::parse("Relevance"), Some(Sort::Relevance));
        assert_eq!(Sort::parse("newest"), None);
    }
}
