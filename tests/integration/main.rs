//! Integration tests: they drive the built `insight` binary over the bundled
//! `examples/` corpus, over corpora the tests generate themselves
//! (`corpus_gen`, a port of `../shared/bench/gen_corpus.py`), over hand-made
//! bad inputs and against a mock model server (`mock_llm`), and assert on its
//! JSON output; `snapshots` pins its reports on the examples (insta).
//!
//! Tests that need what a machine may not have (a local model server, the
//! all-MiniLM-L6-v2 model) are `#[ignore]`d with what they need; `cargo test
//! -- --include-ignored` runs them, as `.ci/run` does.

#![allow(clippy::unwrap_used)]

mod bad_input;
mod builtin_model;
mod corpus_gen;
mod fault_server;
mod faults;
mod filters;
mod formats;
mod generated;
mod harness;
mod hostile;
mod incremental;
mod llm;
mod mock_llm;
mod pii;
mod profile;
mod real_model;
mod repl;
mod resources;
mod robustness;
mod secrets;
mod semantic;
mod snapshots;
mod summarize;
mod themes;
