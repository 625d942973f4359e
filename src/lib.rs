//! insight: a customer-research assistant. Files flow through
//! `ingest` (parse formats into documents and passages) → `index` (tantivy
//! schema, incremental writer, manifest) → `retrieve` (queries, filters,
//! snippets, groups). The `cli` module is a thin shell over these.

pub mod error;
pub mod ingest;

pub use error::{Error, ExitCode, Result};
