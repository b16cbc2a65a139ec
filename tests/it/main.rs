//! Kartotek's one integration-test binary. Each area has its own file;
//! shared fixtures are built once in `common`.

mod api;
mod browser;
mod cli;
mod common;
mod crawl;
mod dates;
mod documents;
mod eval;
mod facets;
mod feed;
mod forgiving;
mod hardening;
mod hostile;
mod ingest;
mod interface;
mod opensearch;
mod relevance;
mod search;
mod server_fixture;
