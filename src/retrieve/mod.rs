//! Retrieval over the index: reading queries (`query`), metadata filters
//! (`filters`), ranked passages with snippets (`search`) and document and
//! account counts per group (`groups`).

pub mod filters;
pub mod groups;
pub mod query;
pub mod search;

pub use filters::{DateBound, Filters, Where};
pub use search::{Hit, Results, search};
