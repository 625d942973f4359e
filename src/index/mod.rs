//! The index: a tantivy index of passages (`schema`), written incrementally
//! (`writer`) and described by a manifest kept in step with each commit
//! (`manifest`); `store` opens it for reading, `paths` maps source paths.

pub mod compact;
pub mod manifest;
pub mod paths;
pub mod schema;
pub mod stats;
pub mod store;
pub mod writer;

pub use store::Store;
pub use writer::{IndexOptions, IndexReport, run};
