//! insight: a customer-research assistant. Files flow through `ingest`
//! (parse formats into documents and passages) → `index` (tantivy schema,
//! incremental writer, manifest; vectors from `embed`, the optional local
//! sentence embeddings) → `retrieve` (queries, filters, snippets, groups) →
//! `llm` (providers, prompts, redaction, cache) → `synthesize` (cited
//! answers, themes, a model naming them, verification) → `profile` (the
//! Ideal Client Profile) → `report` (every rendering). `app` resolves the
//! settings once and holds the entry points that the two shells, `cli` and
//! `repl`, call; `term` is their terminal output. At the bottom: `text`
//! (analysis), `files`, `clock`, `config` and `error`. ARCHITECTURE.md has
//! the rules between them.
//!
//! The stages that benchmarks and integration tests reach are public; the
//! rest are crate-private, so the compiler reports their dead code.

pub(crate) mod app;
pub mod cli;
pub(crate) mod clock;
pub mod config;
pub mod embed;
pub mod error;
pub(crate) mod files;
pub mod index;
pub mod ingest;
pub mod llm;
pub(crate) mod profile;
pub(crate) mod repl;
pub(crate) mod report;
pub mod retrieve;
pub mod synthesize;
pub mod term;
pub mod text;

pub use error::{Error, ExitCode, Result};
