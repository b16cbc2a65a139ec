//! The API's wire types: what `/api/search` and `kartotek search --json` send, and what
//! the search page renders. They mirror the searcher's results, rendered for the web:
//! a snippet is HTML-escaped text whose only markup is `<mark>` around the words that
//! matched, made here from the searcher's plain text and match ranges, and every facet
//! value carries its label in the interface language ([`super::i18n`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::i18n::Strings;
use crate::facet::Facet;
use crate::search::{self, snippet::Snippet};
use crate::taxonomy::Taxonomy;

/// Search results on the wire.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SearchResponse {
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

/// One hit on the wire.
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
    /// HTML-escaped text where only `<mark>…</mark>` is markup ([`snippet_html`]).
    pub snippet: String,
    /// Facet values: facet → paths.
    pub facets: BTreeMap<String, Vec<String>>,
    /// Why it matched, when asked (`explain=1`): query word → document
    /// word, feature, weight; best first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub explain: Vec<search::explain::Explained>,
}

/// One facet value with its count and its label.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FacetCount {
    /// Path (`/norway/trondelag`).
    pub path: String,
    /// Display label in the interface language.
    pub label: String,
    /// Matching documents.
    pub count: u64,
}

impl SearchResponse {
    /// The searcher's response for the wire, facet values labelled with `t`.
    pub fn new(r: search::Response, taxonomy: &Taxonomy, t: &Strings) -> Self {
        SearchResponse {
            query: r.query,
            total: r.total,
            took_ms: r.took_ms,
            hits: r.hits.into_iter().map(Hit::from).collect(),
            facets: labelled(r.facets, taxonomy, t),
            suggestion: r.suggestion,
        }
    }
}

/// Facet counts per facet, each value labelled with `t` (order kept).
pub fn labelled(
    facets: BTreeMap<String, Vec<search::FacetCount>>,
    taxonomy: &Taxonomy,
    t: &Strings,
) -> BTreeMap<String, Vec<FacetCount>> {
    facets
        .into_iter()
        .map(|(name, values)| {
            let facet = Facet::parse(&name);
            let values = values
                .into_iter()
                .map(|v| FacetCount {
                    label: match facet {
                        Some(f) => t.value_label(taxonomy, f, &v.path),
                        None => v.path.clone(),
                    },
                    path: v.path,
                    count: v.count,
                })
                .collect();
            (name, values)
        })
        .collect()
}

impl From<search::Hit> for Hit {
    fn from(h: search::Hit) -> Self {
        Hit {
            snippet: snippet_html(&h.snippet),
            id: h.id,
            title: h.title,
            url: h.url,
            lang: h.lang,
            score: h.score,
            page: h.page,
            date: h.date,
            facets: h.facets,
            explain: h.explain,
        }
    }
}

/// A snippet as HTML: the text escaped (`& < > " ' /`), `<mark>` around each match.
pub fn snippet_html(s: &Snippet) -> String {
    let mut out = String::with_capacity(s.text.len() + 13 * s.marks.len());
    for (piece, marked) in s.pieces() {
        let escaped = html_escape::encode_safe(piece);
        if marked {
            out.push_str("<mark>");
            out.push_str(&escaped);
            out.push_str("</mark>");
        } else {
            out.push_str(&escaped);
        }
    }
    out
}
