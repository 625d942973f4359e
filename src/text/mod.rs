//! Text analysis at the bottom of the crate, used by every stage: the
//! analyser and its stems (`analyzer`), sentence splitting (`sentences`),
//! stop words, key normalisation and idf (`words`). It imports nothing from
//! the rest of insight.

mod analyzer;
mod sentences;
mod words;

pub use analyzer::{stems, text_analyzer};
pub use sentences::{sentence_ends, sentences};
pub use words::{idf, is_stop_word, normalize_key};
