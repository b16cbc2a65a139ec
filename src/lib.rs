//! Kartotek: full-text and faceted search for regional EU and Nordic policy
//! documents.
//!
//! The pipeline, one module per stage, in the order data flows:
//!
//! source → [`ingest`] (walk, sniff, extract PDF/HTML/office/text) → [`lang`]
//! (detect language per passage) → [`taxonomy`] (tag region, programme,
//! network, theme) → [`index`] (tantivy, per-language analyzers, facets) →
//! [`search`] (query, rank, snippets, facet counts) → [`cli`] and the HTTP
//! server.
//!
//! [`document`] holds the records every stage shares; [`facet`] the facet vocabulary; [`error`] the one
//! error type and its code table; [`config`] settings resolved once.

#![warn(missing_docs, unreachable_pub)]

pub mod cli;
pub mod config;
pub mod crawl;
pub mod document;
pub mod error;
pub mod eval;
pub mod facet;
pub mod index;
pub mod ingest;
pub mod lang;
pub(crate) mod memo;
pub mod opensearch;
pub mod plan;
pub mod search;
pub mod server;
pub mod store;
pub mod taxonomy;

pub use document::{Document, Passage};
pub use error::{Error, Result};
pub use index::Index;
pub use search::{Request, Response, Searcher};
pub use taxonomy::Taxonomy;

/// The allocator the `kartotek` binary installs (mimalloc): searching and
/// indexing allocate many short-lived buffers, which it serves faster than
/// glibc's. The library installs none; the benchmark programs install this
/// one, so their figures are the binary's.
pub type Allocator = mimalloc::MiMalloc;
/// The [`Allocator`], for a `#[global_allocator]` static.
pub const ALLOCATOR: Allocator = mimalloc::MiMalloc;
