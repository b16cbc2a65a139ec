//! Dates from the text: the document date written on its first pages, and the
//! programme periods it names (`2021–2027`).
//!
//! A document date is the first full date in the opening text, in any of the
//! forms Nordic, German and English documents write: ISO (`2021-06-30`),
//! numeric day first (`30.6.2021`, `30/06/2021`), day and month name
//! (`30. juni 2021`, `30 June 2021`, `30. kesäkuuta 2021`) or month name first
//! (`June 30, 2021`). Only when there is none, a month and year on its own
//! (`juni 2021`, `kesäkuu 2021`) gives the first of that month. Dates outside
//! the calendar (`31.2.2021`) are skipped. Metadata and sidecar dates win over
//! the text (see `ingest::assemble`).
//!
//! A period is one of the EU's programme periods written as two years joined by a
//! hyphen or dash (`2014-2020`, `2021 – 2027`, `2021–27`, see
//! [`is_programme_period`]); its value is `/2021-2027`, and the first phrase that
//! named it is kept as evidence, like a taxonomy value's.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;

use crate::document::valid_date;

/// How much of the opening text is searched for the document date, in bytes.
pub(crate) const DATE_WINDOW: usize = 6_000;

/// Month names (lowercase) in nb, nn, da, sv, fi (nominative and partitive), de and en,
/// with English abbreviations, each with its month number.
const MONTHS: &[(&str, u32)] = &[
    ("januar", 1),
    ("januari", 1),
    ("january", 1),
    ("jan", 1),
    ("tammikuu", 1),
    ("tammikuuta", 1),
    ("februar", 2),
    ("februari", 2),
    ("february", 2),
    ("feb", 2),
    ("helmikuu", 2),
    ("helmikuuta", 2),
    ("mars", 3),
    ("marts", 3),
    ("march", 3),
    ("märz", 3),
    ("mar", 3),
    ("maaliskuu", 3),
    ("maaliskuuta", 3),
    ("april", 4),
    ("apr", 4),
    ("huhtikuu", 4),
    ("huhtikuuta", 4),
    ("mai", 5),
    ("maj", 5),
    ("may", 5),
    ("toukokuu", 5),
    ("toukokuuta", 5),
    ("juni", 6),
    ("june", 6),
    ("jun", 6),
    ("kesäkuu", 6),
    ("kesäkuuta", 6),
    ("juli", 7),
    ("july", 7),
    ("jul", 7),
    ("heinäkuu", 7),
    ("heinäkuuta", 7),
    ("august", 8),
    ("augusti", 8),
    ("aug", 8),
    ("elokuu", 8),
    ("elokuuta", 8),
    ("september", 9),
    ("sept", 9),
    ("sep", 9),
    ("syyskuu", 9),
    ("syyskuuta", 9),
    ("oktober", 10),
    ("october", 10),
    ("oct", 10),
    ("lokakuu", 10),
    ("lokakuuta", 10),
    ("november", 11),
    ("nov", 11),
    ("marraskuu", 11),
    ("marraskuuta", 11),
    ("desember", 12),
    ("december", 12),
    ("dezember", 12),
    ("dec", 12),
    ("joulukuu", 12),
    ("joulukuuta", 12),
];

fn month(name: &str) -> Option<u32> {
    let lower = name.to_lowercase();
    let lower = lower.trim_end_matches('.');
    MONTHS.iter().find(|(n, _)| *n == lower).map(|(_, m)| *m)
}

struct Patterns {
    iso: Regex,
    numeric: Regex,
    day_month: Regex,
    month_day: Regex,
    month_year: Regex,
    period: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        // ASCII word boundaries (`(?-u:\b)`): a Unicode `\b` in text with
        // any letter outside ASCII makes the regex crate leave its DFA for
        // the PikeVM, many times slower (it was most of ingest's regex time)
        let re = |s: &str| Regex::new(s).expect("a valid built-in pattern");
        Patterns {
            iso: re(r"(?-u:\b)(\d{4})-(\d{2})-(\d{2})(?-u:\b)"),
            numeric: re(r"(?-u:\b)(\d{1,2})[./](\d{1,2})[./](\d{4}|\d{2})(?-u:\b)"),
            day_month: re(
                r"(?i)(?-u:\b)(\d{1,2})(?:\.|st|nd|rd|th)?\s+(?:of\s+)?(\p{L}{3,12}\.?),?\s+(\d{4})(?-u:\b)",
            ),
            month_day: re(r"(?i)(?-u:\b)(\p{L}{3,9}\.?)\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?-u:\b)"),
            month_year: re(r"(?i)(?-u:\b)(\p{L}{3,12})\s+(\d{4})(?-u:\b)"),
            period: re(r"(?-u:\b)((?:19|20)\d{2})\s*[-–—‐‑]\s*((?:19|20)?\d{2})(?-u:\b)"),
        }
    })
}

fn ymd(y: &str, m: u32, d: &str) -> Option<(usize, String)> {
    let y: u32 = y.parse().ok()?;
    // two-digit years (`20.03.18`): 00–69 are 2000s, 70–99 1900s
    let y = match (y, y < 100) {
        (y, true) if y < 70 => 2000 + y,
        (y, true) => 1900 + y,
        (y, false) => y,
    };
    let d: u32 = d.parse().ok()?;
    valid_date(y, m, d).then(|| (0, format!("{y:04}-{m:02}-{d:02}")))
}

/// The document date written in `text` (its first [`DATE_WINDOW`] bytes), as
/// `YYYY-MM-DD`: the earliest full date in the text, else the earliest month and year.
pub fn date_in_text(text: &str) -> Option<String> {
    let mut end = text.len().min(DATE_WINDOW);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let text = &text[..end];
    let p = patterns();
    let mut found: Vec<(usize, String)> = Vec::new();
    let mut keep = |at: usize, d: Option<(usize, String)>| {
        if let Some((_, d)) = d {
            found.push((at, d));
        }
    };
    for c in p.iso.captures_iter(text) {
        let m: u32 = c[2].parse().unwrap_or(0);
        keep(c.get(0).map_or(0, |m| m.start()), ymd(&c[1], m, &c[3]));
    }
    for c in p.numeric.captures_iter(text) {
        let m: u32 = c[2].parse().unwrap_or(0);
        keep(c.get(0).map_or(0, |m| m.start()), ymd(&c[3], m, &c[1]));
    }
    for c in p.day_month.captures_iter(text) {
        if let Some(m) = month(&c[2]) {
            keep(c.get(0).map_or(0, |m| m.start()), ymd(&c[3], m, &c[1]));
        }
    }
    for c in p.month_day.captures_iter(text) {
        if let Some(m) = month(&c[1]) {
            keep(c.get(0).map_or(0, |m| m.start()), ymd(&c[3], m, &c[2]));
        }
    }
    if let Some((_, d)) = found.into_iter().min_by_key(|(at, _)| *at) {
        return Some(d);
    }
    p.month_year.captures_iter(text).find_map(|c| {
        // short forms like `mar` or `may` are ordinary words too: only full names
        let name = &c[1];
        let m = month(name).filter(|_| name.chars().count() >= 4)?;
        ymd(&c[2], m, "1").map(|(_, d)| d)
    })
}

/// A programme period named in the text: `/2021-2027`, with how often and how it was
/// first written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// Facet path (`/2021-2027`).
    pub path: String,
    /// Mentions.
    pub count: u32,
    /// The first mention as written (`2021–2027`).
    pub first_match: String,
}

/// The EU's programme periods (its multiannual financial frameworks): 1988–1993,
/// 1994–1999, then seven years from 2000 (2000–2006, …, 2021–2027, 2028–2034, …).
/// Other spans of years (a project's 2014–2017, a plan's 2020–2024) are not periods.
pub fn is_programme_period(from: u32, to: u32) -> bool {
    match from {
        1988 => to == 1993,
        1994 => to == 1999,
        f if f >= 2000 => (f - 2000).is_multiple_of(7) && to == f + 6,
        _ => false,
    }
}

/// Every programme period `text` names, in order of first mention.
pub fn periods_in_text(text: &str) -> Vec<Period> {
    let mut seen: BTreeMap<String, (usize, u32, String)> = BTreeMap::new();
    for c in patterns().period.captures_iter(text) {
        let (Ok(from), Ok(to)) = (c[1].parse::<u32>(), c[2].parse::<u32>()) else {
            continue;
        };
        // `2021–27`: the end in the start's century
        let to = if c[2].len() == 2 {
            from / 100 * 100 + to
        } else {
            to
        };
        if !is_programme_period(from, to) {
            continue;
        }
        let whole = c.get(0).map_or(("", 0), |m| (m.as_str(), m.start()));
        let e = seen
            .entry(format!("/{from}-{to}"))
            .or_insert((whole.1, 0, whole.0.to_string()));
        e.1 += 1;
    }
    let mut out: Vec<(usize, Period)> = seen
        .into_iter()
        .map(|(path, (at, count, first_match))| {
            (
                at,
                Period {
                    path,
                    count,
                    first_match,
                },
            )
        })
        .collect();
    out.sort_by_key(|(at, _)| *at);
    out.into_iter().map(|(_, p)| p).collect()
}

/// A date a person wrote (sidecar `date`) as `YYYY-MM-DD`, in any form [`date_in_text`]
/// reads, or a bare year (`2021` → `2021-01-01`).
pub fn normalise_date(s: &str) -> Option<String> {
    let s = s.trim();
    if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
        return ymd(s, 1, "1").map(|(_, d)| d);
    }
    date_in_text(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nordic_german_and_english_dates_are_read() {
        for (text, want) in [
            ("Vedtatt i fylkestinget 12. juni 2020.", "2020-06-12"),
            ("Vedteke 3. desember 2019", "2019-12-03"),
            ("Beslutad den 5 mars 2021 av regionstyrelsen", "2021-03-05"),
            ("Godkendt 14. marts 2022", "2022-03-14"),
            ("Hyväksytty 5. maaliskuuta 2021", "2021-03-05"),
            ("Beschlossen am 7. März 2023", "2023-03-07"),
            ("Adopted on 30 June 2021.", "2021-06-30"),
            ("Published March 5th, 2021", "2021-03-05"),
            ("Oslo, 01.02.2022", "2022-02-01"),
            ("Dato: 2024-11-08", "2024-11-08"),
            ("Trondheim 9/10/2018", "2018-10-09"),
            ("vedtatt av Fylkesutvalget 20.03.18", "2018-03-20"),
        ] {
            assert_eq!(date_in_text(text).as_deref(), Some(want), "{text}");
        }
    }

    #[test]
    fn the_first_date_wins_and_impossible_dates_are_skipped() {
        assert_eq!(
            date_in_text("Versjon 31.02.2021. Vedtatt 4. mai 2021, revidert 1. juni 2022")
                .as_deref(),
            Some("2021-05-04")
        );
    }

    #[test]
    fn a_month_and_year_alone_gives_the_first_of_the_month() {
        assert_eq!(
            date_in_text("Strategi for Trøndelag\nJuni 2021").as_deref(),
            Some("2021-06-01")
        );
        assert_eq!(
            date_in_text("Strategia\nkesäkuu 2021").as_deref(),
            Some("2021-06-01")
        );
        // `mar 2021` could be anything
        assert_eq!(date_in_text("vi mar 2021 kroner"), None);
        assert_eq!(date_in_text("Plan for 2021–2027"), None);
    }

    #[test]
    fn programme_periods_are_found_with_their_first_mention() {
        let p = periods_in_text(
            "Interreg 2021–2027 bygger på 2014-2020. I perioden 2021 - 27, prosjektet 2014-2017, planen 2020–2024 og 1990-2040.",
        );
        let paths: Vec<&str> = p.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["/2021-2027", "/2014-2020"]);
        assert_eq!(p[0].count, 2);
        assert_eq!(p[0].first_match, "2021–2027");
    }

    #[test]
    fn sidecar_dates_are_normalised() {
        assert_eq!(normalise_date("2021").as_deref(), Some("2021-01-01"));
        assert_eq!(
            normalise_date("1. juni 2021").as_deref(),
            Some("2021-06-01")
        );
        assert_eq!(normalise_date("2021-06-01").as_deref(), Some("2021-06-01"));
        assert_eq!(normalise_date("soon"), None);
    }
}
