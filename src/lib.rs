//! insight: a customer-research assistant. Files flow through
//! `ingest` (parse formats into documents and passages) → `index` (tantivy
//! schema, incremental writer, manifest) → `retrieve` (queries, filters,
//! snippets, groups; re-ranked by `embed`, the optional local sentence
//! embeddings) → `llm` (providers, prompts, redaction, cache) →
//! `synthesize` (cited answers, themes, a model naming them, verification) →
//! `profile` (the Ideal Client Profile: the CRM's figures joined with the
//! themes, best customers, leads scored) → `report` (Markdown, JSON, CSV, HTML). `cli` is a thin shell over these;
//! `config` reads `insight.toml`; `error` holds the typed errors and exit
//! codes.

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
