//! Kartotek's one integration-test binary. Each area has its own file;
//! shared fixtures are built once in `common`.

mod cli;
mod common;
mod facets;
mod forgiving;
mod ingest;
mod search;
