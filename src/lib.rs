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

pub mod app;
pub mod cli;
pub mod clock;
pub mod config;
pub mod embed;
pub mod error;
pub mod files;
pub mod index;
pub mod ingest;
pub mod llm;
pub mod profile;
pub mod repl;
pub mod report;
pub mod retrieve;
pub mod synthesize;
pub mod term;
pub mod text;

pub use error::{Error, ExitCode, Result};
