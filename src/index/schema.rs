//! The tantivy schema: every field name is a constant here (the facet fields take
//! theirs from [`Facet`]), and [`Fields`] resolves them once so the rest of the code
//! never spells a name.
//!
//! One tantivy document per *passage*. Document-level values (id, title,
//! url, facets, hash) are repeated on each passage so a hit is
//! self-contained; document metadata that only the document view needs
//! (description, date, facet evidence) is stored once, on passage 0, in
//! [`META`].

use tantivy::schema::{
    FacetOptions, Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions,
    FAST, INDEXED, STORED, STRING,
};

use super::analyzer::{
    exact_name, fold_name, ANALYZED, NORDIC_ANALYZER, OCR_ANALYZER, TITLE_ANALYZER,
};
use crate::facet::Facet;

/// Stable document id (16 hex digits).
pub(crate) const ID: &str = "id";
/// u64 form of the document id, a fast field used to group passages.
pub(crate) const DOC_KEY: &str = "doc_key";
/// Canonical source key (path or URL) the id derives from.
pub(crate) const SOURCE: &str = "source";
/// What users click.
pub const URL: &str = "url";
/// Document title.
pub(crate) const TITLE: &str = "title";
/// Document language (facet `/nb`).
pub(crate) const LANG: &str = Facet::Lang.name();
/// The passage's own language code.
pub(crate) const PASSAGE_LANG: &str = "passage_lang";
/// 1-based page number, 0 when the format has no pages.
pub const PAGE: &str = "page";
/// Passage ordinal within the document (0-based).
pub(crate) const PASSAGE: &str = "passage";
/// The passage text as extracted (stored only).
pub const TEXT: &str = "text";
/// blake3 of the source bytes.
pub(crate) const HASH: &str = "hash";
/// Document format facet (`/pdf`, `/html`, `/text`).
pub const DOCTYPE: &str = Facet::Doctype.name();
/// JSON metadata of the document, on passage 0 only.
pub(crate) const META: &str = "meta";
/// Every word of title and text, lowercased and folded, unstemmed: the
/// field typo matching and "did you mean" work on.
pub(crate) const WORDS: &str = "words";
/// OCR skeletons of the text of documents flagged as OCR-damaged.
pub const OCR: &str = "ocr";
/// Text-quality facet (`/clean`, `/ocr-damaged`).
pub(crate) const QUALITY: &str = Facet::Quality.name();
/// The document's date as the number `YYYYMMDD` (on every passage, for the `from`/`to`
/// filters and sorting by date; absent when the document has no date).
pub(crate) const DATE: &str = "date";
/// The parts of the compound words of a passage (`kystturisme` → `kyst`,
/// `turisme`), each stemmed and folded as its passage's language (see
/// [`super::compound`]); written pre-tokenized.
pub(crate) const PARTS: &str = "parts";
/// The cross-Scandinavian spelling key of every word of a Nordic passage
/// (see [`super::cognate`]).
pub(crate) const NORDIC: &str = "nordic";
/// Name of the exact body field for a language key (`body_no`).
pub(crate) fn body_field_name(key: &str) -> String {
    format!("body_{key}")
}

/// Name of the folded body field for a language key (`fold_no`).
pub(crate) fn fold_field_name(key: &str) -> String {
    format!("fold_{key}")
}

/// Build the schema.
pub fn build() -> Schema {
    let mut b = Schema::builder();
    b.add_text_field(ID, STRING | STORED | FAST);
    b.add_u64_field(DOC_KEY, NumericOptions::default().set_fast());
    b.add_text_field(SOURCE, STRING | STORED);
    b.add_text_field(URL, STORED);
    let title = TextOptions::default().set_stored().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TITLE_ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    b.add_text_field(TITLE, title);
    b.add_facet_field(LANG, FacetOptions::default().set_stored());
    b.add_text_field(PASSAGE_LANG, STRING | STORED);
    b.add_u64_field(PAGE, STORED | FAST);
    b.add_u64_field(PASSAGE, STORED | INDEXED | FAST);
    b.add_text_field(TEXT, STORED);
    b.add_text_field(HASH, STRING | STORED);
    b.add_facet_field(DOCTYPE, FacetOptions::default().set_stored());
    b.add_text_field(META, STORED);
    b.add_facet_field(QUALITY, FacetOptions::default().set_stored());
    b.add_text_field(
        WORDS,
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TITLE_ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqs),
        ),
    );
    b.add_text_field(
        OCR,
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(OCR_ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        ),
    );
    for facet in Facet::TAXONOMY {
        b.add_facet_field(facet.name(), FacetOptions::default().set_stored());
    }
    for lang in ANALYZED {
        let opts = |tokenizer: &str| {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(tokenizer)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            )
        };
        b.add_text_field(&body_field_name(lang.key), opts(&exact_name(lang.key)));
        b.add_text_field(&fold_field_name(lang.key), opts(&fold_name(lang.key)));
    }
    // the date and its facets came later: at the end, so earlier fields keep their ids
    b.add_u64_field(DATE, STORED | INDEXED | FAST);
    for facet in [Facet::Year, Facet::Period] {
        b.add_facet_field(facet.name(), FacetOptions::default().set_stored());
    }
    let freqs = |tokenizer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqs),
        )
    };
    b.add_text_field(PARTS, freqs(TITLE_ANALYZER));
    b.add_text_field(NORDIC, freqs(NORDIC_ANALYZER));
    b.build()
}

/// Field handles resolved once from a schema.
#[derive(Debug, Clone)]
pub struct Fields {
    /// See [`ID`].
    pub id: Field,
    /// See [`DOC_KEY`].
    pub doc_key: Field,
    /// See [`SOURCE`].
    pub source: Field,
    /// See [`URL`].
    pub url: Field,
    /// See [`TITLE`].
    pub title: Field,
    /// See [`LANG`].
    pub lang: Field,
    /// See [`PASSAGE_LANG`].
    pub passage_lang: Field,
    /// See [`PAGE`].
    pub page: Field,
    /// See [`PASSAGE`].
    pub passage: Field,
    /// See [`TEXT`].
    pub text: Field,
    /// See [`HASH`].
    pub hash: Field,
    /// See [`DOCTYPE`].
    pub doctype: Field,
    /// See [`META`].
    pub meta: Field,
    /// See [`QUALITY`].
    pub quality: Field,
    /// See [`WORDS`].
    pub words: Field,
    /// See [`OCR`].
    pub ocr: Field,
    /// See [`DATE`].
    pub date: Field,
    /// See [`PARTS`].
    pub parts: Field,
    /// See [`NORDIC`].
    pub nordic: Field,
    /// Every facet's field, in [`Facet::ALL`] order.
    pub facets: [Field; Facet::ALL.len()],
    /// `(language key, exact field, folded field)` for each analysed language.
    pub bodies: Vec<(&'static str, Field, Field)>,
    /// The analysed fields ([`analysed_fields`]).
    pub analysed: Vec<Field>,
}

impl Fields {
    /// Resolve every field; fails if the index was built with another schema.
    pub fn new(schema: &Schema) -> tantivy::Result<Fields> {
        let f = |n: &str| schema.get_field(n);
        let mut bodies = Vec::new();
        for lang in ANALYZED {
            bodies.push((
                lang.key,
                f(&body_field_name(lang.key))?,
                f(&fold_field_name(lang.key))?,
            ));
        }
        let mut facets = [f(LANG)?; Facet::ALL.len()];
        for facet in Facet::ALL {
            facets[facet.index()] = f(facet.name())?;
        }
        Ok(Fields {
            id: f(ID)?,
            doc_key: f(DOC_KEY)?,
            source: f(SOURCE)?,
            url: f(URL)?,
            title: f(TITLE)?,
            lang: f(LANG)?,
            passage_lang: f(PASSAGE_LANG)?,
            page: f(PAGE)?,
            passage: f(PASSAGE)?,
            text: f(TEXT)?,
            hash: f(HASH)?,
            doctype: f(DOCTYPE)?,
            meta: f(META)?,
            quality: f(QUALITY)?,
            words: f(WORDS)?,
            ocr: f(OCR)?,
            date: f(DATE)?,
            parts: f(PARTS)?,
            nordic: f(NORDIC)?,
            facets,
            bodies,
            analysed: analysed_fields()
                .iter()
                .map(|n| f(n))
                .collect::<tantivy::Result<_>>()?,
        })
    }

    /// The facet field for a facet name (see [`Facet::parse`]).
    pub fn facet(&self, name: &str) -> Option<Field> {
        Facet::parse(name).map(|f| self.facet_field(f))
    }

    /// The field of `facet`.
    pub fn facet_field(&self, facet: Facet) -> Field {
        self.facets[facet.index()]
    }

    /// Exact and folded body fields for a language key.
    pub fn body(&self, key: &str) -> Option<(Field, Field)> {
        self.bodies
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, e, f)| (*e, *f))
    }
}

/// A facet path (`/norway/trondelag`) from the encoded form tantivy stores
/// (segments separated by NUL, no leading slash).
pub(crate) fn facet_path(encoded: &str) -> String {
    if encoded.starts_with('/') {
        return encoded.to_string();
    }
    format!("/{}", encoded.replace('\0', "/"))
}

/// u64 key of a document id (its first 16 hex digits), for fast grouping.
pub(crate) fn doc_key(id: &str) -> u64 {
    u64::from_str_radix(id.get(..16).unwrap_or(id), 16).unwrap_or_else(|_| {
        let h = blake3::hash(id.as_bytes());
        let mut b = [0u8; 8];
        b.copy_from_slice(&h.as_bytes()[..8]);
        u64::from_le_bytes(b)
    })
}

/// The analysed text fields: those a search scores with BM25 (the
/// per-language exact and folded fields among them), which OpenSearch
/// fills with a token where a passage has none (see [`super::lengths`]).
pub(crate) fn analysed_fields() -> Vec<String> {
    let mut out = vec![
        TITLE.to_string(),
        WORDS.to_string(),
        OCR.to_string(),
        PARTS.to_string(),
        NORDIC.to_string(),
    ];
    for lang in super::analyzer::ANALYZED {
        out.push(body_field_name(lang.key));
        out.push(fold_field_name(lang.key));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_facet_paths_are_made_readable() {
        assert_eq!(facet_path("norway\0trondelag"), "/norway/trondelag");
        assert_eq!(facet_path("/interreg"), "/interreg");
    }
}
