//! The facet vocabulary: every facet a document is filtered and counted by, in one type.
//!
//! [`Facet`] owns a facet's name (also its schema field, API parameter and sources-file
//! key), whether it is hierarchical, its taxonomy kind if it has one, and the key of its
//! label in the interface strings. Every list of facets (schema fields, API parameters
//! and their error text, the search page, sources-file checks) is derived from
//! [`Facet::ALL`] or [`Facet::TAXONOMY`]; adding a facet starts here.

/// A facet: a dimension documents are filtered and counted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Facet {
    /// Countries, counties, municipalities, macro-regions (taxonomy).
    Region,
    /// Funding programmes (taxonomy).
    Programme,
    /// Networks and organisations (taxonomy).
    Network,
    /// Policy themes (taxonomy).
    Theme,
    /// Year of the document's date (`/2021`).
    Year,
    /// Programme periods the text names (`/2021-2027`).
    Period,
    /// Document language (`/nb`).
    Lang,
    /// Document format (`/pdf`, `/html`, `/text`).
    Doctype,
    /// Text quality (`/clean`, `/ocr-damaged`).
    Quality,
}

impl Facet {
    /// Every facet, in display and API order.
    pub const ALL: [Facet; 9] = [
        Facet::Region,
        Facet::Programme,
        Facet::Network,
        Facet::Theme,
        Facet::Year,
        Facet::Period,
        Facet::Lang,
        Facet::Doctype,
        Facet::Quality,
    ];

    /// Every facet's name, in [`Facet::ALL`] order.
    pub const NAMES: [&'static str; Facet::ALL.len()] = {
        let mut names = [""; Facet::ALL.len()];
        let mut i = 0;
        while i < names.len() {
            names[i] = Facet::ALL[i].name();
            i += 1;
        }
        names
    };

    /// The facets tagged from the text by the taxonomy, in display order.
    pub const TAXONOMY: [Facet; 4] = [
        Facet::Region,
        Facet::Programme,
        Facet::Network,
        Facet::Theme,
    ];

    /// The facet's name: its schema field, API parameter and sources-file key.
    pub const fn name(self) -> &'static str {
        match self {
            Facet::Region => "region",
            Facet::Programme => "programme",
            Facet::Network => "network",
            Facet::Theme => "theme",
            Facet::Year => "year",
            Facet::Period => "period",
            Facet::Lang => "lang",
            Facet::Doctype => "doctype",
            Facet::Quality => "quality",
        }
    }

    /// The facet named `name`.
    pub fn parse(name: &str) -> Option<Facet> {
        Facet::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The taxonomy vocabulary the facet's values come from, if any.
    pub const fn taxonomy_kind(self) -> Option<FacetKind> {
        match self {
            Facet::Region => Some(FacetKind::Region),
            Facet::Programme => Some(FacetKind::Programme),
            Facet::Network => Some(FacetKind::Network),
            Facet::Theme => Some(FacetKind::Theme),
            Facet::Year | Facet::Period | Facet::Lang | Facet::Doctype | Facet::Quality => None,
        }
    }

    /// Whether values nest (`/norway/trondelag` under `/norway`): the taxonomy facets.
    pub const fn hierarchical(self) -> bool {
        self.taxonomy_kind().is_some()
    }

    /// Whether the facet's values are dates or periods, shown newest first rather than
    /// by count.
    pub const fn chronological(self) -> bool {
        matches!(self, Facet::Year | Facet::Period)
    }

    /// The key of the facet's heading in the interface strings (the name).
    pub const fn label_key(self) -> &'static str {
        self.name()
    }

    /// Position in [`Facet::ALL`], for per-facet arrays.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The names of `facets`, joined with `, ` (for messages listing what is accepted).
    pub fn names(facets: &[Facet]) -> String {
        facets
            .iter()
            .map(|f| f.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Which facets a search counts: all of them for the search page, none for
/// a bare list of hits, or a few for a widget or an API client that shows
/// only those (each facet counted costs a pass over the matching documents).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FacetSet([bool; Facet::ALL.len()]);

impl FacetSet {
    /// Every facet.
    pub const ALL: FacetSet = FacetSet([true; Facet::ALL.len()]);
    /// No facet: no counts.
    pub const NONE: FacetSet = FacetSet([false; Facet::ALL.len()]);

    /// The set of `facets`.
    pub fn of(facets: &[Facet]) -> FacetSet {
        let mut set = FacetSet::NONE;
        for f in facets {
            set.0[f.index()] = true;
        }
        set
    }

    /// Whether `facet` is counted.
    pub fn contains(self, facet: Facet) -> bool {
        self.0[facet.index()]
    }

    /// Whether no facet is counted.
    pub fn is_empty(self) -> bool {
        self == FacetSet::NONE
    }

    /// One flag per facet, in [`Facet::ALL`] order.
    pub fn flags(self) -> [bool; Facet::ALL.len()] {
        self.0
    }

    /// The facets counted, in [`Facet::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Facet> {
        Facet::ALL.into_iter().filter(move |f| self.contains(*f))
    }

    /// Read a list as the API takes it: `all`, `none`, or facet names
    /// separated by commas (`region,programme`); the error says which name
    /// is unknown and what is accepted.
    pub fn parse(list: &str) -> Result<FacetSet, String> {
        match list.trim() {
            "all" | "" => return Ok(FacetSet::ALL),
            "none" => return Ok(FacetSet::NONE),
            _ => {}
        }
        let mut set = FacetSet::NONE;
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            let facet = Facet::parse(name).ok_or_else(|| {
                let shown: String = name.chars().filter(|c| !c.is_control()).take(40).collect();
                format!(
                    "names `{shown}`, which is not a facet; use `all`, `none` or names from {}",
                    Facet::names(&Facet::ALL)
                )
            })?;
            set.0[facet.index()] = true;
        }
        Ok(set)
    }
}

/// The four facets tagged by the taxonomy, as the taxonomy files name their vocabularies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FacetKind {
    /// Countries, counties, municipalities, regional councils, macro-regions.
    Region,
    /// Funding programmes (Interreg strands, Horizon Europe, Erasmus+ …).
    Programme,
    /// Networks and organisations (ERRIN, CPMR, regional offices in Brussels …).
    Network,
    /// Policy themes, assigned only above a score threshold.
    Theme,
}

impl FacetKind {
    /// The facet this vocabulary fills.
    pub const fn facet(self) -> Facet {
        match self {
            FacetKind::Region => Facet::Region,
            FacetKind::Programme => Facet::Programme,
            FacetKind::Network => Facet::Network,
            FacetKind::Theme => Facet::Theme,
        }
    }

    /// The facet's name as used in file names, field names and URLs.
    pub const fn as_str(self) -> &'static str {
        self.facet().name()
    }

    /// All facets in display order.
    pub fn all() -> [FacetKind; 4] {
        [
            FacetKind::Region,
            FacetKind::Programme,
            FacetKind::Network,
            FacetKind::Theme,
        ]
    }

    /// Parses `region`, `programme`, `network` or `theme`.
    pub fn parse(name: &str) -> Option<FacetKind> {
        Facet::parse(name).and_then(Facet::taxonomy_kind)
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_facet_list_reads_names_all_and_none() {
        assert_eq!(FacetSet::parse("all"), Ok(FacetSet::ALL));
        assert_eq!(FacetSet::parse("none"), Ok(FacetSet::NONE));
        let two = FacetSet::parse(" region, programme ,").unwrap();
        assert_eq!(
            two.iter().collect::<Vec<_>>(),
            [Facet::Region, Facet::Programme]
        );
        assert!(!two.contains(Facet::Lang));
        let err = FacetSet::parse("region,regions").unwrap_err();
        assert!(
            err.contains("`regions`") && err.contains("programme"),
            "{err}"
        );
    }

    #[test]
    fn every_facet_parses_from_its_name_and_taxonomy_kinds_map_back() {
        for f in Facet::ALL {
            assert_eq!(Facet::parse(f.name()), Some(f));
            assert_eq!(Facet::ALL[f.index()], f);
            if let Some(k) = f.taxonomy_kind() {
                assert_eq!(k.facet(), f);
                assert_eq!(FacetKind::parse(f.name()), Some(k));
            }
        }
        assert_eq!(
            Facet::TAXONOMY.map(|f| f.taxonomy_kind()),
            FacetKind::all().map(Some)
        );
    }
}
