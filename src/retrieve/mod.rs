//! Retrieval over the index: reading queries (`query`), metadata filters
//! (`filters`), ranked passages with snippets (`search`), the same re-ranked
//! by meaning when an embedding model is configured (`hybrid`), and document
//! and account counts per group (`groups`).

pub mod filters;
pub mod groups;
pub mod hybrid;
pub mod query;
pub mod search;

pub use filters::{DateBound, Filters, Where};
pub use search::{Hit, search};
