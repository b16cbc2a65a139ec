//! Kartotek's one integration-test binary. Each area has its own file;
//! shared fixtures are built once in `common`.

mod api;
mod browser;
mod cli;
mod common;
mod crawl;
mod eval;
mod facets;
mod forgiving;
mod hardening;
mod hostile;
mod ingest;
mod opensearch;
mod search;
mod server_fixture;
