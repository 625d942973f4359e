//! The general English word lists the clause detector (`detect`) reads:
//! words and phrases of complaint and of praise, idioms whose negative words
//! praise ("couldn't be happier"), frames of missing capabilities and
//! requests, negators, contrast markers and markers of a solved or past
//! state. Written from general knowledge of English and of customer
//! feedback, not from any measuring set; the lens-specific cues (price,
//! competitors, buying triggers, outcomes) stay in `lens`.
//!
//! Pattern syntax: words separated by spaces follow each other; `word*`
//! matches any word starting with `word`; `_` matches any one word.
//! Contractions are written with an apostrophe (`can't`): the tokenizer
//! turns "cant", "can’t" and "can't" into the same token.

mod complaint;
mod frames;
mod idioms;
mod markers;
mod praise;
mod vader;

pub use complaint::NEGATIVE;
pub use frames::{FUNCTIONAL, MISSING_FRAMES, NEED_QUESTIONS, REQUEST_FRAMES};
pub use idioms::{COMPLAINT_IDIOMS, PRAISE_IDIOMS};
pub use markers::{
    BUT_MARKERS, CONCEDING_MARKERS, HELP_MARKERS, INABILITY, NEGATORS, PAST_MARKERS, SCOPE_ENDS,
    SCOPE_WORDS, SOLVED_MARKERS,
};
pub use praise::POSITIVE;
pub use vader::vader;
