//! Interface text of the search page in English, Bokmål and Nynorsk.
//!
//! The language comes from `?ui=` when given, else from `Accept-Language`
//! (first supported tag by q-value; `no` counts as Bokmål), else English.
//! All strings are plain text: the page escapes them like any other value.

use crate::facet::Facet;
use crate::lang::Language;
use crate::taxonomy::Taxonomy;

/// Every string the search page shows.
#[derive(Debug)]
pub struct Strings {
    /// Language code (`en`, `nb`, `nn`), also the page's `lang` attribute.
    pub code: &'static str,
    /// Tagline under the product name.
    pub tagline: &'static str,
    /// Search field placeholder.
    pub placeholder: &'static str,
    /// Search button.
    pub search: &'static str,
    /// "Filters" heading.
    pub filters: &'static str,
    /// Clear all filters.
    pub clear: &'static str,
    /// Facet names.
    pub region: &'static str,
    /// Programme facet.
    pub programme: &'static str,
    /// Network facet.
    pub network: &'static str,
    /// Theme facet.
    pub theme: &'static str,
    /// Language facet.
    pub lang: &'static str,
    /// Document type facet.
    pub doctype: &'static str,
    /// Heading of the text-quality facet.
    pub quality: &'static str,
    /// "N documents" (singular, plural).
    pub documents: (&'static str, &'static str),
    /// "for" in "12 documents for «query»".
    pub for_query: &'static str,
    /// Nothing found.
    pub no_results: &'static str,
    /// Suggestion when nothing is found.
    pub no_results_hint: &'static str,
    /// "page" before a page number.
    pub page: &'static str,
    /// Previous page.
    pub previous: &'static str,
    /// Next page.
    pub next: &'static str,
    /// Label of the pagination nav.
    pub pagination: &'static str,
    /// Remove a filter (screen readers).
    pub remove_filter: &'static str,
    /// Shown when a search fails.
    pub error: &'static str,
    /// Footer text.
    pub footer: &'static str,
    /// Label of the interface language switcher.
    pub interface_language: &'static str,
    /// Show more values of a facet.
    pub more: &'static str,
    /// The widget's own strings (with [`Strings::documents`] and [`Strings::page`]).
    pub widget: WidgetStrings,
    /// A document language's name (the `lang` facet's values).
    pub language_name: fn(Language) -> &'static str,
    /// Labels of the `doctype` facet's values.
    pub doctypes: &'static [(&'static str, &'static str)],
    /// Labels of the `quality` facet's values.
    pub qualities: &'static [(&'static str, &'static str)],
}

/// The strings only the `<kartotek-search>` widget shows: it is a field and a result
/// list, so it says less than the page, and more briefly.
#[derive(Debug)]
pub struct WidgetStrings {
    /// Placeholder of the search field.
    pub placeholder: &'static str,
    /// Accessible name of the field and of the result list.
    pub label: &'static str,
    /// Nothing found.
    pub none: &'static str,
    /// Shown when a search fails.
    pub error: &'static str,
    /// The link to every result on the search page.
    pub all: &'static str,
    /// While a search runs.
    pub searching: &'static str,
}

impl Strings {
    /// The label of one value of `facet`: a taxonomy value's own label in this language,
    /// a language's name, a type's or text quality's label from this table, else the
    /// path without its leading slash.
    pub fn value_label(&self, taxonomy: &Taxonomy, facet: Facet, path: &str) -> String {
        let bare = || path.trim_start_matches('/').to_string();
        let listed = |table: &[(&str, &'static str)]| {
            table
                .iter()
                .find(|(p, _)| *p == path)
                .map(|(_, label)| label.to_string())
        };
        match (facet, facet.taxonomy_kind()) {
            (_, Some(kind)) => taxonomy.label(kind, path, self.code),
            (Facet::Lang, None) => Language::from_code(path.trim_start_matches('/'))
                .map(|l| (self.language_name)(l).to_string())
                .unwrap_or_else(bare),
            (Facet::Doctype, None) => listed(self.doctypes).unwrap_or_else(bare),
            (Facet::Quality, None) => listed(self.qualities).unwrap_or_else(bare),
            (_, None) => bare(),
        }
    }

    /// The heading of `facet`; a new facet needs a heading in every language here.
    pub fn facet(&self, facet: Facet) -> &'static str {
        match facet {
            Facet::Region => self.region,
            Facet::Programme => self.programme,
            Facet::Network => self.network,
            Facet::Theme => self.theme,
            Facet::Lang => self.lang,
            Facet::Doctype => self.doctype,
            Facet::Quality => self.quality,
        }
    }
}

/// English.
pub(crate) static EN: Strings = Strings {
    code: "en",
    tagline: "Regional and EU policy documents, searchable",
    placeholder: "Search strategies, programmes, reports…",
    search: "Search",
    filters: "Filters",
    clear: "Clear filters",
    region: "Region",
    programme: "Programme",
    network: "Network",
    theme: "Theme",
    lang: "Language",
    doctype: "Type",
    quality: "Text quality",
    documents: ("document", "documents"),
    for_query: "for",
    no_results: "No documents match your search.",
    no_results_hint: "Try fewer or different words, or remove a filter.",
    page: "page",
    previous: "Previous",
    next: "Next",
    pagination: "Result pages",
    remove_filter: "Remove filter",
    error: "The search could not be run",
    footer: "Kartotek · full-text and faceted search",
    interface_language: "Interface language",
    more: "more",
    widget: WidgetStrings {
        placeholder: "Search documents…",
        label: "Search documents",
        none: "No documents match.",
        error: "Search is unavailable right now.",
        all: "All results",
        searching: "Searching…",
    },
    language_name: Language::name_en,
    doctypes: &[("/pdf", "PDF"), ("/html", "Web page"), ("/text", "Text")],
    qualities: &[
        ("/ocr-damaged", "OCR-damaged text"),
        ("/partly-extracted", "Partly extracted"),
        ("/clean", "Clean text"),
    ],
};

/// Norwegian Bokmål.
pub(crate) static NB: Strings = Strings {
    code: "nb",
    tagline: "Søk i regionale og europeiske plandokumenter",
    placeholder: "Søk i strategier, programmer, rapporter …",
    search: "Søk",
    filters: "Filtre",
    clear: "Fjern filtre",
    region: "Region",
    programme: "Program",
    network: "Nettverk",
    theme: "Tema",
    lang: "Språk",
    doctype: "Type",
    quality: "Tekstkvalitet",
    documents: ("dokument", "dokumenter"),
    for_query: "for",
    no_results: "Ingen dokumenter passer til søket.",
    no_results_hint: "Prøv færre eller andre ord, eller fjern et filter.",
    page: "side",
    previous: "Forrige",
    next: "Neste",
    pagination: "Resultatsider",
    remove_filter: "Fjern filter",
    error: "Søket kunne ikke utføres",
    footer: "Kartotek · fulltekst- og fasettsøk",
    interface_language: "Språk i grensesnittet",
    more: "flere",
    widget: WidgetStrings {
        placeholder: "Søk i dokumenter …",
        label: "Søk i dokumenter",
        none: "Ingen dokumenter passer.",
        error: "Søket er ikke tilgjengelig akkurat nå.",
        all: "Alle treff",
        searching: "Søker …",
    },
    language_name: Language::name_nb,
    doctypes: &[("/pdf", "PDF"), ("/html", "Nettside"), ("/text", "Tekst")],
    qualities: &[
        ("/ocr-damaged", "OCR-damaged text"),
        ("/partly-extracted", "Partly extracted"),
        ("/clean", "Clean text"),
    ],
};

/// Norwegian Nynorsk.
pub(crate) static NN: Strings = Strings {
    code: "nn",
    tagline: "Søk i regionale og europeiske plandokument",
    placeholder: "Søk i strategiar, program, rapportar …",
    search: "Søk",
    filters: "Filter",
    clear: "Fjern filter",
    region: "Region",
    programme: "Program",
    network: "Nettverk",
    theme: "Tema",
    lang: "Språk",
    doctype: "Type",
    quality: "Tekstkvalitet",
    documents: ("dokument", "dokument"),
    for_query: "for",
    no_results: "Ingen dokument passar til søket.",
    no_results_hint: "Prøv færre eller andre ord, eller fjern eit filter.",
    page: "side",
    previous: "Førre",
    next: "Neste",
    pagination: "Resultatsider",
    remove_filter: "Fjern filter",
    error: "Søket kunne ikkje utførast",
    footer: "Kartotek · fulltekst- og fasettsøk",
    interface_language: "Språk i grensesnittet",
    more: "fleire",
    widget: WidgetStrings {
        placeholder: "Søk i dokument …",
        label: "Søk i dokument",
        none: "Ingen dokument passar.",
        error: "Søket er ikkje tilgjengeleg no.",
        all: "Alle treff",
        searching: "Søkjer …",
    },
    language_name: Language::name_nb,
    doctypes: &[("/pdf", "PDF"), ("/html", "Nettside"), ("/text", "Tekst")],
    qualities: &[
        ("/ocr-damaged", "OCR-damaged text"),
        ("/partly-extracted", "Partly extracted"),
        ("/clean", "Clean text"),
    ],
};

/// Normalise a `?ui=` value: `en`, `nb` (also `no`, `nob`), `nn` (`nno`).
/// Every interface language's strings; the widget gets its table from here.
pub(crate) static ALL: [&Strings; 3] = [&EN, &NB, &NN];

/// The widget's strings for every interface language, as a JSON object keyed by code.
pub(crate) fn widget_table_json() -> String {
    let table: serde_json::Map<String, serde_json::Value> = ALL
        .iter()
        .map(|t| {
            let w = &t.widget;
            let strings = serde_json::json!({
                "placeholder": w.placeholder,
                "label": w.label,
                "none": w.none,
                "error": w.error,
                "all": w.all,
                "searching": w.searching,
                "page": t.page,
                "one": t.documents.0,
                "many": t.documents.1,
            });
            (t.code.to_string(), strings)
        })
        .collect();
    serde_json::Value::Object(table).to_string()
}

pub(crate) fn parse_ui(v: &str) -> Option<&'static str> {
    let v = v.trim().to_ascii_lowercase();
    let primary = v.split(['-', '_']).next().unwrap_or("");
    match primary {
        "en" | "eng" => Some("en"),
        "nb" | "no" | "nob" => Some("nb"),
        "nn" | "nno" => Some("nn"),
        _ => None,
    }
}

/// The strings for a code from [`parse_ui`].
pub fn strings(code: &str) -> &'static Strings {
    match code {
        "nb" => &NB,
        "nn" => &NN,
        _ => &EN,
    }
}

/// Pick the interface language: `?ui=` first, then `Accept-Language`, then English.
pub(crate) fn negotiate(ui: Option<&str>, accept_language: Option<&str>) -> &'static Strings {
    if let Some(code) = ui.and_then(parse_ui) {
        return strings(code);
    }
    let Some(header) = accept_language else {
        return &EN;
    };
    let mut best: Option<(f32, &'static str)> = None;
    for (i, part) in header.split(',').take(20).enumerate() {
        let mut bits = part.split(';');
        let tag = bits.next().unwrap_or("").trim();
        let q = bits
            .find_map(|b| b.trim().strip_prefix("q="))
            .and_then(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        // Earlier tags win ties.
        let q = q - i as f32 * 1e-4;
        if let Some(code) = parse_ui(tag) {
            if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, code));
            }
        }
    }
    strings(best.map(|(_, c)| c).unwrap_or("en"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_parameter_overrides_accept_language() {
        assert_eq!(negotiate(Some("en"), Some("nb-NO,nb;q=0.9")).code, "en");
    }

    #[test]
    fn accept_language_picks_the_preferred_supported_tag() {
        assert_eq!(
            negotiate(None, Some("de-DE,de;q=0.9,nn;q=0.8,en;q=0.7")).code,
            "nn"
        );
        assert_eq!(negotiate(None, Some("no")).code, "nb");
        assert_eq!(negotiate(None, Some("sv-SE")).code, "en");
        assert_eq!(negotiate(None, None).code, "en");
    }

    #[test]
    fn garbage_accept_language_falls_back_to_english() {
        assert_eq!(negotiate(None, Some(";;;q=abc,,,\u{0}")).code, "en");
    }
}
