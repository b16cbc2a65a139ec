//! Interface text of the search page, the document page, the widget and the error
//! pages meant for people, one table per language: Bokmål, Nynorsk, Swedish, Danish,
//! Finnish and English.
//!
//! The language comes from `?ui=` when given, else from `Accept-Language`
//! (first supported tag by q-value; `no` counts as Bokmål), else English.
//! Taxonomy values carry their own labels (nb, nn, en); in sv, da and fi they show
//! their English label.
//! All strings are plain text: the page escapes them like any other value.

use crate::facet::Facet;
use crate::lang::Language;
use crate::search::explain::Feature;
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
    /// Heading of the year facet.
    pub year: &'static str,
    /// Heading of the programme-period facet.
    pub period: &'static str,
    /// The language's own name, in the interface-language switcher.
    pub name: &'static str,
    /// Label of the sort choice.
    pub sort: &'static str,
    /// Sort by relevance.
    pub sort_relevance: &'static str,
    /// Sort by date, newest first.
    pub sort_date: &'static str,
    /// Heading of the date range filter.
    pub dates: &'static str,
    /// Lower bound of the date range.
    pub from: &'static str,
    /// Upper bound of the date range.
    pub to: &'static str,
    /// Button that applies the date range.
    pub apply: &'static str,
    /// Link to the Atom feed of the search.
    pub feed: &'static str,
    /// Title of the feed (before the query).
    pub feed_title: &'static str,
    /// "Skip to results" link for keyboard users.
    pub skip: &'static str,
    /// A page opened without the search key this server asks for.
    pub needs_key: &'static str,
    /// A page opened with a key that is not the search key.
    pub wrong_key: &'static str,
    /// The document page's strings.
    pub doc: DocStrings,
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
    /// "Why this result": how a hit matched the query.
    pub why: WhyStrings,
    /// A document language's name (the `lang` facet's values).
    pub language_name: fn(Language) -> &'static str,
    /// Labels of the `doctype` facet's values.
    pub doctypes: &'static [(&'static str, &'static str)],
    /// Labels of the `quality` facet's values.
    pub qualities: &'static [(&'static str, &'static str)],
}

/// The strings of a hit's explanation ("why this result").
#[derive(Debug)]
pub struct WhyStrings {
    /// The link that asks for the explanation, and the heading of it.
    pub link: &'static str,
    /// "weight" before a clause's weight.
    pub weight: &'static str,
    /// Said when the hit has nothing to explain (matched by filters alone).
    pub nothing: &'static str,
    /// Each feature's name, in the order of [`Feature::ALL`].
    pub features: [&'static str; 12],
}

impl WhyStrings {
    /// The feature's name in this language.
    pub fn feature(&self, f: Feature) -> &'static str {
        let i = Feature::ALL.iter().position(|x| *x == f).unwrap_or(0);
        self.features[i]
    }
}

/// The strings of the document page (`/documents/{id}`).
#[derive(Debug)]
pub struct DocStrings {
    /// Back to the search.
    pub back: &'static str,
    /// "Source" label.
    pub source: &'static str,
    /// Open the source at the page of the first match.
    pub open_source: &'static str,
    /// Download the file Kartotek holds.
    pub download: &'static str,
    /// Said when Kartotek does not hold the original (before where it came from).
    pub not_held: &'static str,
    /// Label of the page that linked to the document (crawls).
    pub linked_from: &'static str,
    /// "Language" label.
    pub language: &'static str,
    /// "Date" label.
    pub date: &'static str,
    /// No date known.
    pub undated: &'static str,
    /// Where the date was read: the file's metadata.
    pub date_metadata: &'static str,
    /// Where the date was read: the text.
    pub date_text: &'static str,
    /// Where the date was read: a metadata file a person wrote.
    pub date_sidecar: &'static str,
    /// "Pages" label.
    pub pages: &'static str,
    /// Heading of the facets with their evidence.
    pub facets: &'static str,
    /// "mentioned N times" (before the number, after it).
    pub mentions: (&'static str, &'static str),
    /// "first as" before the first phrase that matched.
    pub first_as: &'static str,
    /// A facet value a person set in a metadata file.
    pub set_by_person: &'static str,
    /// Heading of the text.
    pub text: &'static str,
    /// "N matches for" (singular, plural), before the query.
    pub matches: (&'static str, &'static str),
    /// Link to the first match.
    pub first_match: &'static str,
    /// No match of the query in the text.
    pub no_matches: &'static str,
    /// Heading of "more like this".
    pub similar: &'static str,
    /// Heading of the 404 page.
    pub not_found: &'static str,
    /// What to do on the 404 page.
    pub not_found_hint: &'static str,
    /// Warning that the text is incomplete.
    pub incomplete: &'static str,
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
    /// How to use the result list with the keyboard (screen readers).
    pub keys: &'static str,
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
            // `/2021-2027` reads `2021–2027`
            (Facet::Period, None) => bare().replace('-', "–"),
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
            Facet::Year => self.year,
            Facet::Period => self.period,
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
    year: "Year",
    period: "Programme period",
    name: "English",
    sort: "Sort by",
    sort_relevance: "Relevance",
    sort_date: "Newest first",
    dates: "Date",
    from: "From",
    to: "To",
    apply: "Apply",
    feed: "Follow this search (Atom feed)",
    feed_title: "Kartotek",
    skip: "Skip to results",
    needs_key: "This search needs a key. Open it from a link that includes the key, or ask whoever runs this Kartotek for one.",
    wrong_key: "The key in the address is not valid for searching here. Ask whoever runs this Kartotek for the right one.",
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
    why: WhyStrings {
        link: "Why this result?",
        weight: "weight",
        nothing: "Matched by the filters alone.",
        features: ["exact word", "other inflection", "without diacritics", "title", "compound part", "Bokmål/Nynorsk variant", "neighbour language", "translation", "typo", "OCR error", "words next to each other", "word beginning"],
    },
    widget: WidgetStrings {
        placeholder: "Search documents…",
        label: "Search documents",
        none: "No documents match.",
        error: "Search is unavailable right now.",
        all: "All results",
        searching: "Searching…",
        keys: "Use the up and down arrow keys to choose a result, Enter to open it and Escape to close the list.",
    },
    doc: DocStrings {
        back: "Back to the search",
        source: "Source",
        open_source: "Open the original",
        download: "Download the original",
        not_held: "Kartotek does not keep a copy of this file. It was read from",
        linked_from: "Linked from",
        language: "Language",
        date: "Date",
        undated: "No date found",
        date_metadata: "from the file's metadata",
        date_text: "from the text",
        date_sidecar: "from a metadata file",
        pages: "Pages",
        facets: "Why it is filed here",
        mentions: ("mentioned", "times"),
        first_as: "first as",
        set_by_person: "set in a metadata file",
        text: "Text",
        matches: ("match for", "matches for"),
        first_match: "Go to the first match",
        no_matches: "The words searched for do not occur in the text.",
        similar: "More like this",
        not_found: "Document not found",
        not_found_hint: "It may have been removed from the index, or the link is wrong. Try searching for it.",
        incomplete: "Parts of this document could not be read; the text below is incomplete.",
    },
    language_name: Language::name_en,
    doctypes: &[("/pdf", "PDF"), ("/html", "Web page"), ("/text", "Text"), ("/docx", "Word"), ("/odt", "OpenDocument"), ("/pptx", "PowerPoint"), ("/odp", "OpenDocument"), ("/rtf", "RTF"), ("/xlsx", "Excel"), ("/ods", "OpenDocument"), ("/doc", "Word 97–2003"), ("/xls", "Excel 97–2003"), ("/ppt", "PowerPoint 97–2003"), ("/tiff", "Scan (TIFF)"), ("/png", "Scan (PNG)"), ("/jpeg", "Scan (JPEG)")],
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
    year: "År",
    period: "Programperiode",
    name: "Bokmål",
    sort: "Sorter etter",
    sort_relevance: "Relevans",
    sort_date: "Nyeste først",
    dates: "Dato",
    from: "Fra",
    to: "Til",
    apply: "Bruk",
    feed: "Følg dette søket (Atom-strøm)",
    feed_title: "Kartotek",
    skip: "Gå til treffene",
    needs_key: "Dette søket krever en nøkkel. Åpne det fra en lenke som inneholder nøkkelen, eller be den som drifter Kartotek om en.",
    wrong_key: "Nøkkelen i adressen gir ikke tilgang til å søke her. Be den som drifter Kartotek om riktig nøkkel.",
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
    why: WhyStrings {
        link: "Hvorfor dette treffet?",
        weight: "vekt",
        nothing: "Treff bare gjennom filtrene.",
        features: ["eksakt ord", "annen bøyning", "uten diakritiske tegn", "tittel", "del av sammensatt ord", "bokmål/nynorsk-variant", "nabospråk", "oversettelse", "skrivefeil", "OCR-feil", "ordene ved siden av hverandre", "ordstart"],
    },
    widget: WidgetStrings {
        placeholder: "Søk i dokumenter …",
        label: "Søk i dokumenter",
        none: "Ingen dokumenter passer.",
        error: "Søket er ikke tilgjengelig akkurat nå.",
        all: "Alle treff",
        searching: "Søker …",
        keys: "Bruk pil opp og pil ned for å velge et treff, Enter for å åpne det og Escape for å lukke listen.",
    },
    doc: DocStrings {
        back: "Tilbake til søket",
        source: "Kilde",
        open_source: "Åpne originalen",
        download: "Last ned originalen",
        not_held: "Kartotek har ingen kopi av denne filen. Den ble lest fra",
        linked_from: "Lenket fra",
        language: "Språk",
        date: "Dato",
        undated: "Ingen dato funnet",
        date_metadata: "fra filens metadata",
        date_text: "fra teksten",
        date_sidecar: "fra en metadatafil",
        pages: "Sider",
        facets: "Hvorfor den er arkivert her",
        mentions: ("nevnt", "ganger"),
        first_as: "først som",
        set_by_person: "satt i en metadatafil",
        text: "Tekst",
        matches: ("treff for", "treff for"),
        first_match: "Gå til første treff",
        no_matches: "Søkeordene finnes ikke i teksten.",
        similar: "Lignende dokumenter",
        not_found: "Fant ikke dokumentet",
        not_found_hint: "Det kan være fjernet fra indeksen, eller lenken er feil. Prøv å søke etter det.",
        incomplete: "Deler av dokumentet kunne ikke leses; teksten nedenfor er ufullstendig.",
    },
    language_name: Language::name_nb,
    doctypes: &[("/pdf", "PDF"), ("/html", "Nettside"), ("/text", "Tekst"), ("/docx", "Word"), ("/odt", "OpenDocument"), ("/pptx", "PowerPoint"), ("/odp", "OpenDocument"), ("/rtf", "RTF"), ("/xlsx", "Excel"), ("/ods", "OpenDocument"), ("/doc", "Word 97–2003"), ("/xls", "Excel 97–2003"), ("/ppt", "PowerPoint 97–2003"), ("/tiff", "Skannet bilde (TIFF)"), ("/png", "Skannet bilde (PNG)"), ("/jpeg", "Skannet bilde (JPEG)")],
    qualities: &[
        ("/ocr-damaged", "OCR-skadet tekst"),
        ("/partly-extracted", "Delvis lest"),
        ("/clean", "Ren tekst"),
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
    year: "År",
    period: "Programperiode",
    name: "Nynorsk",
    sort: "Sorter etter",
    sort_relevance: "Relevans",
    sort_date: "Nyaste først",
    dates: "Dato",
    from: "Frå",
    to: "Til",
    apply: "Bruk",
    feed: "Følg dette søket (Atom-straum)",
    feed_title: "Kartotek",
    skip: "Gå til treffa",
    needs_key: "Dette søket krev ein nøkkel. Opne det frå ei lenkje som inneheld nøkkelen, eller be den som driftar Kartotek om ein.",
    wrong_key: "Nøkkelen i adressa gjev ikkje tilgang til å søkje her. Be den som driftar Kartotek om rett nøkkel.",
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
    why: WhyStrings {
        link: "Kvifor dette treffet?",
        weight: "vekt",
        nothing: "Treff berre gjennom filtra.",
        features: ["eksakt ord", "anna bøying", "utan diakritiske teikn", "tittel", "del av samansett ord", "bokmål/nynorsk-variant", "nabospråk", "omsetjing", "skrivefeil", "OCR-feil", "orda ved sida av kvarandre", "ordstart"],
    },
    widget: WidgetStrings {
        placeholder: "Søk i dokument …",
        label: "Søk i dokument",
        none: "Ingen dokument passar.",
        error: "Søket er ikkje tilgjengeleg no.",
        all: "Alle treff",
        searching: "Søkjer …",
        keys: "Bruk pil opp og pil ned for å velje eit treff, Enter for å opne det og Escape for å lukke lista.",
    },
    doc: DocStrings {
        back: "Tilbake til søket",
        source: "Kjelde",
        open_source: "Opne originalen",
        download: "Last ned originalen",
        not_held: "Kartotek har ingen kopi av denne fila. Ho vart lesen frå",
        linked_from: "Lenkja frå",
        language: "Språk",
        date: "Dato",
        undated: "Fann ingen dato",
        date_metadata: "frå metadataa til fila",
        date_text: "frå teksten",
        date_sidecar: "frå ei metadatafil",
        pages: "Sider",
        facets: "Kvifor ho er arkivert her",
        mentions: ("nemnd", "gonger"),
        first_as: "først som",
        set_by_person: "sett i ei metadatafil",
        text: "Tekst",
        matches: ("treff for", "treff for"),
        first_match: "Gå til første treff",
        no_matches: "Søkjeorda finst ikkje i teksten.",
        similar: "Liknande dokument",
        not_found: "Fann ikkje dokumentet",
        not_found_hint: "Det kan vere fjerna frå indeksen, eller lenkja er feil. Prøv å søkje etter det.",
        incomplete: "Delar av dokumentet kunne ikkje lesast; teksten nedanfor er ufullstendig.",
    },
    language_name: Language::name_nb,
    doctypes: &[("/pdf", "PDF"), ("/html", "Nettside"), ("/text", "Tekst"), ("/docx", "Word"), ("/odt", "OpenDocument"), ("/pptx", "PowerPoint"), ("/odp", "OpenDocument"), ("/rtf", "RTF"), ("/xlsx", "Excel"), ("/ods", "OpenDocument"), ("/doc", "Word 97–2003"), ("/xls", "Excel 97–2003"), ("/ppt", "PowerPoint 97–2003"), ("/tiff", "Skanna bilete (TIFF)"), ("/png", "Skanna bilete (PNG)"), ("/jpeg", "Skanna bilete (JPEG)")],
    qualities: &[
        ("/ocr-damaged", "OCR-skadd tekst"),
        ("/partly-extracted", "Delvis lesen"),
        ("/clean", "Rein tekst"),
    ],
};

/// Swedish.
pub(crate) static SV: Strings = Strings {
    code: "sv",
    tagline: "Sök i regionala och europeiska strategidokument",
    placeholder: "Sök i strategier, program, rapporter …",
    search: "Sök",
    filters: "Filter",
    clear: "Rensa filter",
    region: "Region",
    programme: "Program",
    network: "Nätverk",
    theme: "Tema",
    lang: "Språk",
    doctype: "Typ",
    quality: "Textkvalitet",
    year: "År",
    period: "Programperiod",
    name: "Svenska",
    sort: "Sortera efter",
    sort_relevance: "Relevans",
    sort_date: "Nyaste först",
    dates: "Datum",
    from: "Från",
    to: "Till",
    apply: "Använd",
    feed: "Följ den här sökningen (Atom-flöde)",
    feed_title: "Kartotek",
    skip: "Hoppa till träffarna",
    needs_key: "Den här sökningen kräver en nyckel. Öppna den från en länk som innehåller nyckeln, eller be den som driver Kartotek om en.",
    wrong_key: "Nyckeln i adressen ger inte behörighet att söka här. Be den som driver Kartotek om rätt nyckel.",
    documents: ("dokument", "dokument"),
    for_query: "för",
    no_results: "Inga dokument matchar sökningen.",
    no_results_hint: "Försök med färre eller andra ord, eller ta bort ett filter.",
    page: "sida",
    previous: "Föregående",
    next: "Nästa",
    pagination: "Resultatsidor",
    remove_filter: "Ta bort filter",
    error: "Sökningen kunde inte genomföras",
    footer: "Kartotek · fritext- och facettsökning",
    interface_language: "Gränssnittets språk",
    more: "fler",
    why: WhyStrings {
        link: "Varför den här träffen?",
        weight: "vikt",
        nothing: "Träff bara genom filtren.",
        features: ["exakt ord", "annan böjning", "utan diakritiska tecken", "titel", "del av sammansatt ord", "bokmål/nynorsk-variant", "grannspråk", "översättning", "stavfel", "OCR-fel", "orden bredvid varandra", "ordbörjan"],
    },
    widget: WidgetStrings {
        placeholder: "Sök i dokument …",
        label: "Sök i dokument",
        none: "Inga dokument matchar.",
        error: "Sökningen är inte tillgänglig just nu.",
        all: "Alla träffar",
        searching: "Söker …",
        keys: "Välj en träff med pil upp och pil ned, öppna den med Enter och stäng listan med Escape.",
    },
    doc: DocStrings {
        back: "Tillbaka till sökningen",
        source: "Källa",
        open_source: "Öppna originalet",
        download: "Ladda ned originalet",
        not_held: "Kartotek har ingen kopia av den här filen. Den lästes från",
        linked_from: "Länkad från",
        language: "Språk",
        date: "Datum",
        undated: "Inget datum hittades",
        date_metadata: "från filens metadata",
        date_text: "från texten",
        date_sidecar: "från en metadatafil",
        pages: "Sidor",
        facets: "Varför den är arkiverad här",
        mentions: ("nämns", "gånger"),
        first_as: "först som",
        set_by_person: "angivet i en metadatafil",
        text: "Text",
        matches: ("träff för", "träffar för"),
        first_match: "Gå till första träffen",
        no_matches: "Sökorden finns inte i texten.",
        similar: "Liknande dokument",
        not_found: "Dokumentet hittades inte",
        not_found_hint: "Det kan ha tagits bort ur indexet, eller så är länken fel. Försök söka efter det.",
        incomplete: "Delar av dokumentet kunde inte läsas; texten nedan är ofullständig.",
    },
    language_name: language_name_sv,
    doctypes: &[("/pdf", "PDF"), ("/html", "Webbsida"), ("/text", "Text"), ("/docx", "Word"), ("/odt", "OpenDocument"), ("/pptx", "PowerPoint"), ("/odp", "OpenDocument"), ("/rtf", "RTF"), ("/xlsx", "Excel"), ("/ods", "OpenDocument"), ("/doc", "Word 97–2003"), ("/xls", "Excel 97–2003"), ("/ppt", "PowerPoint 97–2003"), ("/tiff", "Skannad bild (TIFF)"), ("/png", "Skannad bild (PNG)"), ("/jpeg", "Skannad bild (JPEG)")],
    qualities: &[
        ("/ocr-damaged", "OCR-skadad text"),
        ("/partly-extracted", "Delvis läst"),
        ("/clean", "Ren text"),
    ],
};

/// Danish.
pub(crate) static DA: Strings = Strings {
    code: "da",
    tagline: "Søg i regionale og europæiske strategidokumenter",
    placeholder: "Søg i strategier, programmer, rapporter …",
    search: "Søg",
    filters: "Filtre",
    clear: "Ryd filtre",
    region: "Region",
    programme: "Program",
    network: "Netværk",
    theme: "Tema",
    lang: "Sprog",
    doctype: "Type",
    quality: "Tekstkvalitet",
    year: "År",
    period: "Programperiode",
    name: "Dansk",
    sort: "Sortér efter",
    sort_relevance: "Relevans",
    sort_date: "Nyeste først",
    dates: "Dato",
    from: "Fra",
    to: "Til",
    apply: "Anvend",
    feed: "Følg denne søgning (Atom-feed)",
    feed_title: "Kartotek",
    skip: "Spring til resultaterne",
    needs_key: "Denne søgning kræver en nøgle. Åbn den fra et link, der indeholder nøglen, eller bed den, der driver Kartotek, om en.",
    wrong_key: "Nøglen i adressen giver ikke adgang til at søge her. Bed den, der driver Kartotek, om den rigtige nøgle.",
    documents: ("dokument", "dokumenter"),
    for_query: "for",
    no_results: "Ingen dokumenter matcher din søgning.",
    no_results_hint: "Prøv med færre eller andre ord, eller fjern et filter.",
    page: "side",
    previous: "Forrige",
    next: "Næste",
    pagination: "Resultatsider",
    remove_filter: "Fjern filter",
    error: "Søgningen kunne ikke gennemføres",
    footer: "Kartotek · fritekst- og facetsøgning",
    interface_language: "Sprog i brugerfladen",
    more: "flere",
    why: WhyStrings {
        link: "Hvorfor dette resultat?",
        weight: "vægt",
        nothing: "Fundet alene gennem filtrene.",
        features: ["nøjagtigt ord", "anden bøjning", "uden diakritiske tegn", "titel", "del af sammensat ord", "bokmål/nynorsk-variant", "nabosprog", "oversættelse", "tastefejl", "OCR-fejl", "ordene ved siden af hinanden", "ordbegyndelse"],
    },
    widget: WidgetStrings {
        placeholder: "Søg i dokumenter …",
        label: "Søg i dokumenter",
        none: "Ingen dokumenter matcher.",
        error: "Søgningen er ikke tilgængelig lige nu.",
        all: "Alle resultater",
        searching: "Søger …",
        keys:
            "Vælg et resultat med pil op og pil ned, åbn det med Enter, og luk listen med Escape.",
    },
    doc: DocStrings {
        back: "Tilbage til søgningen",
        source: "Kilde",
        open_source: "Åbn originalen",
        download: "Hent originalen",
        not_held: "Kartotek har ingen kopi af denne fil. Den blev læst fra",
        linked_from: "Linket fra",
        language: "Sprog",
        date: "Dato",
        undated: "Ingen dato fundet",
        date_metadata: "fra filens metadata",
        date_text: "fra teksten",
        date_sidecar: "fra en metadatafil",
        pages: "Sider",
        facets: "Hvorfor den er arkiveret her",
        mentions: ("nævnt", "gange"),
        first_as: "først som",
        set_by_person: "angivet i en metadatafil",
        text: "Tekst",
        matches: ("forekomst af", "forekomster af"),
        first_match: "Gå til første forekomst",
        no_matches: "Søgeordene forekommer ikke i teksten.",
        similar: "Lignende dokumenter",
        not_found: "Dokumentet blev ikke fundet",
        not_found_hint:
            "Det kan være fjernet fra indekset, eller linket er forkert. Prøv at søge efter det.",
        incomplete: "Dele af dokumentet kunne ikke læses; teksten nedenfor er ufuldstændig.",
    },
    language_name: language_name_da,
    doctypes: &[("/pdf", "PDF"), ("/html", "Webside"), ("/text", "Tekst"), ("/docx", "Word"), ("/odt", "OpenDocument"), ("/pptx", "PowerPoint"), ("/odp", "OpenDocument"), ("/rtf", "RTF"), ("/xlsx", "Excel"), ("/ods", "OpenDocument"), ("/doc", "Word 97–2003"), ("/xls", "Excel 97–2003"), ("/ppt", "PowerPoint 97–2003"), ("/tiff", "Scannet billede (TIFF)"), ("/png", "Scannet billede (PNG)"), ("/jpeg", "Scannet billede (JPEG)")],
    qualities: &[
        ("/ocr-damaged", "OCR-beskadiget tekst"),
        ("/partly-extracted", "Delvist læst"),
        ("/clean", "Ren tekst"),
    ],
};

/// Finnish.
pub(crate) static FI: Strings = Strings {
    code: "fi",
    tagline: "Hae alueellisista ja EU:n strategia-asiakirjoista",
    placeholder: "Hae strategioista, ohjelmista, raporteista…",
    search: "Hae",
    filters: "Suodattimet",
    clear: "Poista suodattimet",
    region: "Alue",
    programme: "Ohjelma",
    network: "Verkosto",
    theme: "Teema",
    lang: "Kieli",
    doctype: "Tyyppi",
    quality: "Tekstin laatu",
    year: "Vuosi",
    period: "Ohjelmakausi",
    name: "Suomi",
    sort: "Järjestys",
    sort_relevance: "Osuvuus",
    sort_date: "Uusimmat ensin",
    dates: "Päivämäärä",
    from: "Alkaen",
    to: "Asti",
    apply: "Käytä",
    feed: "Seuraa tätä hakua (Atom-syöte)",
    feed_title: "Kartotek",
    skip: "Siirry tuloksiin",
    needs_key: "Tämä haku vaatii avaimen. Avaa se linkistä, jossa avain on mukana, tai pyydä avainta Kartotekin ylläpitäjältä.",
    wrong_key: "Osoitteessa oleva avain ei oikeuta hakemaan täällä. Pyydä oikea avain Kartotekin ylläpitäjältä.",
    documents: ("asiakirja", "asiakirjaa"),
    for_query: "haulla",
    no_results: "Haullasi ei löytynyt asiakirjoja.",
    no_results_hint: "Kokeile vähempiä tai eri sanoja, tai poista jokin suodatin.",
    page: "sivu",
    previous: "Edellinen",
    next: "Seuraava",
    pagination: "Tulossivut",
    remove_filter: "Poista suodatin",
    error: "Hakua ei voitu suorittaa",
    footer: "Kartotek · vapaasanahaku ja rajaukset",
    interface_language: "Käyttöliittymän kieli",
    more: "lisää",
    why: WhyStrings {
        link: "Miksi tämä tulos?",
        weight: "paino",
        nothing: "Löytyi pelkkien rajausten kautta.",
        features: ["tarkka sana", "toinen taivutusmuoto", "ilman tarkkeita", "otsikko", "yhdyssanan osa", "bokmål/nynorsk-muunnelma", "naapurikieli", "käännös", "kirjoitusvirhe", "OCR-virhe", "sanat peräkkäin", "sanan alku"],
    },
    widget: WidgetStrings {
        placeholder: "Hae asiakirjoista…",
        label: "Hae asiakirjoista",
        none: "Ei osumia.",
        error: "Haku ei ole juuri nyt käytettävissä.",
        all: "Kaikki tulokset",
        searching: "Haetaan…",
        keys: "Valitse tulos nuolinäppäimillä ylös ja alas, avaa se Enterillä ja sulje luettelo Escillä.",
    },
    doc: DocStrings {
        back: "Takaisin hakuun",
        source: "Lähde",
        open_source: "Avaa alkuperäinen",
        download: "Lataa alkuperäinen",
        not_held: "Kartotekissa ei ole kopiota tästä tiedostosta. Se luettiin osoitteesta",
        linked_from: "Linkitetty sivulta",
        language: "Kieli",
        date: "Päivämäärä",
        undated: "Päivämäärää ei löytynyt",
        date_metadata: "tiedoston metatiedoista",
        date_text: "tekstistä",
        date_sidecar: "metatietotiedostosta",
        pages: "Sivuja",
        facets: "Miksi se on luokiteltu näin",
        mentions: ("mainittu", "kertaa"),
        first_as: "ensin muodossa",
        set_by_person: "asetettu metatietotiedostossa",
        text: "Teksti",
        matches: ("osuma haulla", "osumaa haulla"),
        first_match: "Siirry ensimmäiseen osumaan",
        no_matches: "Hakusanoja ei esiinny tekstissä.",
        similar: "Samankaltaisia asiakirjoja",
        not_found: "Asiakirjaa ei löytynyt",
        not_found_hint: "Se on ehkä poistettu hakemistosta, tai linkki on virheellinen. Kokeile hakea sitä.",
        incomplete: "Osaa asiakirjasta ei voitu lukea; alla oleva teksti on vajaa.",
    },
    language_name: language_name_fi,
    doctypes: &[("/pdf", "PDF"), ("/html", "Verkkosivu"), ("/text", "Teksti"), ("/docx", "Word"), ("/odt", "OpenDocument"), ("/pptx", "PowerPoint"), ("/odp", "OpenDocument"), ("/rtf", "RTF"), ("/xlsx", "Excel"), ("/ods", "OpenDocument"), ("/doc", "Word 97–2003"), ("/xls", "Excel 97–2003"), ("/ppt", "PowerPoint 97–2003"), ("/tiff", "Skannattu kuva (TIFF)"), ("/png", "Skannattu kuva (PNG)"), ("/jpeg", "Skannattu kuva (JPEG)")],
    qualities: &[
        ("/ocr-damaged", "OCR-vaurioitunut teksti"),
        ("/partly-extracted", "Osittain luettu"),
        ("/clean", "Virheetön teksti"),
    ],
};

/// A document language's name in Swedish (`norska (bokmål)`).
fn language_name_sv(l: Language) -> &'static str {
    match l {
        Language::Nb => "norska (bokmål)",
        Language::Nn => "norska (nynorska)",
        Language::Sv => "svenska",
        Language::Da => "danska",
        Language::Fi => "finska",
        Language::En => "engelska",
        Language::De => "tyska",
        Language::Fr => "franska",
        Language::Nl => "nederländska",
        Language::Is => "isländska",
        Language::Es => "spanska",
        Language::It => "italienska",
        Language::Pt => "portugisiska",
        Language::Pl => "polska",
        Language::Et => "estniska",
        Language::Lt => "litauiska",
        Language::Lv => "lettiska",
        Language::Ru => "ryska",
        Language::Other => "okänt",
    }
}

/// A document language's name in Danish (`norsk bokmål`).
fn language_name_da(l: Language) -> &'static str {
    match l {
        Language::Nb => "norsk bokmål",
        Language::Nn => "norsk nynorsk",
        Language::Sv => "svensk",
        Language::Da => "dansk",
        Language::Fi => "finsk",
        Language::En => "engelsk",
        Language::De => "tysk",
        Language::Fr => "fransk",
        Language::Nl => "nederlandsk",
        Language::Is => "islandsk",
        Language::Es => "spansk",
        Language::It => "italiensk",
        Language::Pt => "portugisisk",
        Language::Pl => "polsk",
        Language::Et => "estisk",
        Language::Lt => "litauisk",
        Language::Lv => "lettisk",
        Language::Ru => "russisk",
        Language::Other => "ukendt",
    }
}

/// A document language's name in Finnish (`norja (bokmål)`).
fn language_name_fi(l: Language) -> &'static str {
    match l {
        Language::Nb => "norja (bokmål)",
        Language::Nn => "norja (nynorsk)",
        Language::Sv => "ruotsi",
        Language::Da => "tanska",
        Language::Fi => "suomi",
        Language::En => "englanti",
        Language::De => "saksa",
        Language::Fr => "ranska",
        Language::Nl => "hollanti",
        Language::Is => "islanti",
        Language::Es => "espanja",
        Language::It => "italia",
        Language::Pt => "portugali",
        Language::Pl => "puola",
        Language::Et => "viro",
        Language::Lt => "liettua",
        Language::Lv => "latvia",
        Language::Ru => "venäjä",
        Language::Other => "tuntematon",
    }
}

/// Every interface language's strings, in the switcher's order; the widget gets its
/// table from here.
pub(crate) static ALL: [&Strings; 6] = [&NB, &NN, &SV, &DA, &FI, &EN];

/// The interface codes, for messages: `` `nb`, `nn`, `sv`, `da`, `fi`, `en` ``.
pub(crate) fn codes() -> String {
    ALL.iter()
        .map(|t| format!("`{}`", t.code))
        .collect::<Vec<_>>()
        .join(", ")
}

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
                "keys": w.keys,
                "page": t.page,
                "one": t.documents.0,
                "many": t.documents.1,
            });
            (t.code.to_string(), strings)
        })
        .collect();
    serde_json::Value::Object(table).to_string()
}

/// Normalise a `?ui=` value or a language tag: `en`, `nb` (also `no`, `nob`), `nn`
/// (`nno`), `sv` (`swe`), `da` (`dan`), `fi` (`fin`).
pub(crate) fn parse_ui(v: &str) -> Option<&'static str> {
    let v = v.trim().to_ascii_lowercase();
    let primary = v.split(['-', '_']).next().unwrap_or("");
    match primary {
        "en" | "eng" => Some("en"),
        "nb" | "no" | "nob" => Some("nb"),
        "nn" | "nno" => Some("nn"),
        "sv" | "swe" => Some("sv"),
        "da" | "dan" => Some("da"),
        "fi" | "fin" => Some("fi"),
        _ => None,
    }
}

/// The strings for a code from [`parse_ui`].
pub fn strings(code: &str) -> &'static Strings {
    match code {
        "nb" => &NB,
        "nn" => &NN,
        "sv" => &SV,
        "da" => &DA,
        "fi" => &FI,
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
        assert_eq!(negotiate(None, Some("sv-SE")).code, "sv");
        assert_eq!(negotiate(None, Some("fr-FR,da;q=0.5")).code, "da");
        assert_eq!(negotiate(None, Some("fi")).code, "fi");
        assert_eq!(negotiate(None, Some("fr")).code, "en");
        assert_eq!(negotiate(None, None).code, "en");
    }

    #[test]
    fn garbage_accept_language_falls_back_to_english() {
        assert_eq!(negotiate(None, Some(";;;q=abc,,,\u{0}")).code, "en");
    }
}
