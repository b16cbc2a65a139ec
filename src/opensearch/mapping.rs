//! What Kartotek stores in OpenSearch: the index settings and mapping, and
//! one JSON document per passage.
//!
//! Kartotek analyses the text itself, in Rust, exactly as for the embedded
//! index (language per passage, Snowball stemming, folding, title words,
//! OCR skeletons), and sends the tokens, space-separated, into fields with
//! the same names as the embedded schema's, mapped with the `whitespace`
//! analyzer and positions: OpenSearch indexes token for token what tantivy
//! does, and scores them with the same BM25 (k1 1.2, b 0.75, the `(k1 + 1)`
//! factor included). Facet fields are keywords holding each value's path
//! and every ancestor (`/norway`, `/norway/trondelag`), so a parent filter
//! matches its descendants. What a hit shows is kept, unindexed, in
//! `stored`.

use serde_json::{json, Map, Value};

use crate::document::Document;
use crate::facet::Facet;
use crate::index::analyzer::{self, ANALYZED};
use crate::index::schema;
use crate::index::StoredMeta;

/// Version of this mapping: part of the index name behind the alias, so a
/// re-index to a new mapping goes to a new index and the alias swaps
/// (2: `date`, `year`, `parts` and `nordic`).
pub(crate) const MAPPING_VERSION: u32 = 2;

/// The keyword field with the document id.
pub(crate) const ID: &str = "id";
/// The passage ordinal.
pub(crate) const PASSAGE: &str = "passage";
/// The unindexed object with what hits show.
pub(crate) const STORED: &str = "stored";
/// The document date as a `YYYYMMDD` number (`long`), for the date filter
/// and sort; absent on undated documents.
pub(crate) const DATE: &str = "date";

/// The token a passage holds in an analysed field its text gives no token
/// (no analyzer makes it: they cut words at symbols). Lucene's BM25 counts
/// the passages *with* the field (docCount) where tantivy counts every
/// passage; with the filler every passage has every field, so the inverse
/// document frequency is tantivy's exactly, and the average field length
/// differs from tantivy's by the fillers' share (at most one token).
pub(crate) const FILLER: &str = "\u{2042}";

/// The `_id` of a document's passage `i`.
pub(crate) fn passage_id(id: &str, i: usize) -> String {
    format!("{id}-{i:05}")
}

/// Settings and mapping of a new index.
pub(crate) fn index_body(shards: u32, replicas: u32) -> Value {
    let mut props = Map::new();
    props.insert(ID.into(), json!({ "type": "keyword" }));
    props.insert("source".into(), json!({ "type": "keyword" }));
    props.insert(PASSAGE.into(), json!({ "type": "integer" }));
    props.insert(DATE.into(), json!({ "type": "long" }));
    props.insert(STORED.into(), json!({ "type": "object", "enabled": false }));
    let text = |positions: bool| {
        json!({
            "type": "text",
            "analyzer": "whitespace",
            "index_options": if positions { "positions" } else { "freqs" },
        })
    };
    props.insert(schema::TITLE.into(), text(true));
    props.insert(schema::WORDS.into(), text(false));
    props.insert(schema::OCR.into(), text(true));
    props.insert(schema::PARTS.into(), text(false));
    props.insert(schema::NORDIC.into(), text(false));
    for lang in ANALYZED {
        props.insert(schema::body_field_name(lang.key), text(true));
        props.insert(schema::fold_field_name(lang.key), text(true));
    }
    for facet in Facet::ALL {
        props.insert(facet.name().into(), json!({ "type": "keyword" }));
    }
    json!({
        "settings": {
            "number_of_shards": shards,
            "number_of_replicas": replicas,
            // searches see committed states only: Kartotek refreshes on commit
            "refresh_interval": "-1",
            "max_result_window": 20000,
        },
        "mappings": { "dynamic": "strict", "properties": props },
    })
}

/// Space-separated tokens of `text` by `analyzer`.
pub(crate) fn tokens(a: &mut tantivy::tokenizer::TextAnalyzer, text: &str) -> String {
    analyzer::tokens(a, text)
        .into_iter()
        .map(|t| t.text)
        .collect::<Vec<_>>()
        .join(" ")
}

/// One JSON document per passage of `doc`, with their `_id`s.
pub(crate) fn passages(doc: &Document) -> Vec<(String, Value)> {
    let meta = StoredMeta {
        description: doc.description.clone(),
        date: doc.date.clone(),
        date_source: doc.date_source,
        pages: doc.pages,
        bytes: doc.bytes,
        facets: doc.facets.clone(),
        context: doc.context.clone(),
        warnings: doc.warnings.clone(),
    };
    let meta_json = serde_json::to_string(&meta).unwrap_or_default();
    // facet values: what the hit shows (as given) and what filters match (with ancestors)
    let mut shown: Map<String, Value> = Map::new();
    let mut indexed: Vec<(String, Vec<String>)> = Vec::new();
    let mut add = |name: &str, path: String, show: bool| {
        let slot = match indexed.iter_mut().find(|(n, _)| n == name) {
            Some(s) => s,
            None => {
                indexed.push((name.to_string(), Vec::new()));
                indexed.last_mut().expect("just pushed")
            }
        };
        for a in crate::taxonomy::ancestors(&path) {
            if !slot.1.contains(&a) {
                slot.1.push(a);
            }
        }
        if show {
            let list = shown
                .entry(name.to_string())
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(v) = list {
                if !v.iter().any(|x| x.as_str() == Some(path.as_str())) {
                    v.push(Value::String(path));
                }
            }
        }
    };
    add(Facet::Lang.name(), format!("/{}", doc.lang.code()), false);
    add(
        Facet::Doctype.name(),
        format!("/{}", doc.format.as_str()),
        false,
    );
    add(
        Facet::Quality.name(),
        format!("/{}", crate::index::quality_name(doc.ocr_damaged)),
        false,
    );
    if !doc.warnings.is_empty() {
        add(
            Facet::Quality.name(),
            format!("/{}", crate::index::PARTLY_EXTRACTED),
            false,
        );
    }
    let date = doc.date.as_deref().and_then(crate::document::date_number);
    if let Some(d) = date {
        add(Facet::Year.name(), format!("/{}", d / 10_000), false);
    }
    for fv in &doc.facets {
        if let Some(f) = Facet::parse(&fv.facet) {
            if fv.path.starts_with('/') {
                add(f.name(), fv.path.trim_end_matches('/').to_string(), true);
            }
        }
    }
    for facet in Facet::TAXONOMY {
        shown
            .entry(facet.name().to_string())
            .or_insert_with(|| Value::Array(Vec::new()));
    }
    let mut title_a = analyzer::title_analyzer();
    let mut ocr_a = analyzer::ocr_analyzer();
    let title_tokens = tokens(&mut title_a, &doc.title);
    let mut out = Vec::with_capacity(doc.passages.len());
    for (i, p) in doc.passages.iter().enumerate() {
        let mut d = Map::new();
        d.insert(ID.into(), json!(doc.id));
        d.insert("source".into(), json!(doc.source));
        d.insert(PASSAGE.into(), json!(i));
        for (name, values) in &indexed {
            d.insert(name.clone(), json!(values));
        }
        d.insert(schema::TITLE.into(), json!(title_tokens));
        let text_words = tokens(&mut title_a, &p.text);
        let words = if i == 0 && !title_tokens.is_empty() {
            format!("{title_tokens} {text_words}")
        } else {
            text_words
        };
        d.insert(schema::WORDS.into(), json!(words));
        if doc.ocr_damaged {
            d.insert(schema::OCR.into(), json!(tokens(&mut ocr_a, &p.text)));
        }
        if let Some(d8) = date {
            d.insert(DATE.into(), json!(d8));
        }
        // the relevance fields, with the tokens the embedded index gets
        let lang = analyzer::analyzed_for(p.lang);
        let analysed = crate::index::analysed_text(lang, &p.text);
        if crate::index::nordic_passage(p.lang) {
            d.insert(
                schema::NORDIC.into(),
                json!(tokens(&mut analyzer::nordic_analyzer(), &analysed)),
            );
        }
        if let Some(parts) = crate::index::compound_parts(lang, p.lang, &analysed) {
            let parts: Vec<String> = parts.tokens.into_iter().map(|t| t.text).collect();
            d.insert(schema::PARTS.into(), json!(parts.join(" ")));
        }
        d.insert(
            schema::body_field_name(lang.key),
            json!(tokens(&mut analyzer::exact_analyzer(lang), &analysed)),
        );
        d.insert(
            schema::fold_field_name(lang.key),
            json!(tokens(&mut analyzer::fold_analyzer(lang), &analysed)),
        );
        for field in schema::analysed_fields() {
            let empty = d
                .get(&field)
                .and_then(Value::as_str)
                .is_none_or(str::is_empty);
            if empty {
                d.insert(field, json!(FILLER));
            }
        }
        let mut stored = json!({
            "id": doc.id,
            "source": doc.source,
            "url": doc.url,
            "title": doc.title,
            "lang": doc.lang.code(),
            "passage_lang": p.lang.code(),
            "page": p.page.unwrap_or(0),
            "passage": i,
            "date": date,
            "text": p.text,
            "hash": doc.hash,
            "format": doc.format.as_str(),
            "ocr_damaged": doc.ocr_damaged,
            "passages": doc.passages.len(),
            "facets": shown,
        });
        if i == 0 {
            stored["meta"] = json!(meta_json);
        }
        d.insert(STORED.into(), stored);
        out.push((passage_id(&doc.id, i), Value::Object(d)));
    }
    out
}
