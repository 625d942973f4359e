//! Summaries with a model: insight groups, the model names and checks.
//!
//! The themes are insight's own (the offline clustering, counted and quoted
//! per group). For each theme a group reports, the model reads its most
//! representative sentences (as many as fit the context window, at most
//! [`MAX_SHOWN`]), numbered and fenced as untrusted text, and returns a
//! title, a one-sentence summary and the numbers of the sentences that do
//! not belong. A title must be made of words the customers used. A
//! sentence set apart leaves the theme when the evidence agrees (it is less
//! like the rest than any of the rest is): the theme is counted and quoted
//! again without it, and the run says so. The model never counts, and a
//! number its summary states that the evidence does not support is removed
//! and reported. A reply that cannot be used (chatter, a copy of the
//! prompt's example or of a sentence, numbers outside the list) is asked
//! for once more, then the theme keeps insight's own title and the run says
//! so. Tokens grow with the number of themes, not with the corpus.

mod namer;
mod reply;
mod requests;
mod results;

use std::collections::BTreeSet;

use crate::llm::prompts::Template;
use crate::llm::redact::Redactor;
use crate::llm::{ChatRequest, LlmSettings};

pub use namer::Namer;
pub use requests::plan;
pub use results::apply;

/// Most sentences shown per theme: enough to name it and spot strays, and
/// a cost per theme that does not grow with the corpus.
pub const MAX_SHOWN: usize = 16;
/// Longest sentence shown, in characters (cut at a word, marked `…`).
const MAX_SENTENCE_CHARS: usize = 240;
/// Longest answer asked for: a title, a sentence and a few numbers.
const MAX_ANSWER_TOKENS: usize = 200;
/// Added to a request whose answer could not be used.
const REMINDER: &str = "Important: answer with one JSON object only, like {\"title\": \"…\", \"summary\": \"…\", \"outliers\": []}, with a short title of your own words.";
/// Longest usable title, in words and characters.
const MAX_TITLE_WORDS: usize = 10;
const MAX_TITLE_CHARS: usize = 80;

/// Receives progress.
pub trait Progress {
    fn start(&self, _calls: usize) {}
    fn done(&self, _tokens: u64, _cached: bool) {}
    fn note(&self, _message: &str) {}
}

/// Progress nobody watches.
pub struct Quiet;
impl Progress for Quiet {}

/// One theme of one group, to be named.
#[derive(Debug, Clone)]
pub struct Job {
    /// Index of the group, and of the theme among the group's kept ones.
    pub group: usize,
    pub slot: usize,
    /// The group's label, for prompts and notes.
    pub label: String,
    /// insight's own title.
    pub offline_title: String,
    /// The clauses shown (indices into [`Units`](super::offline::Units)), in the order numbered.
    pub shown: Vec<usize>,
    /// The sentences shown, redacted, in the same order.
    pub lines: Vec<String>,
    pub request: ChatRequest,
}

/// The jobs of a run, and what they are estimated to cost.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub jobs: Vec<Job>,
    /// Per group: (label, themes, sentences shown).
    pub groups: Vec<(String, usize, usize)>,
    pub est_prompt_tokens: u64,
    pub est_completion_tokens: u64,
    /// Themes left to insight's own title because not one of their
    /// sentences fits the window.
    pub unfit: Vec<String>,
    /// Stems so common in the evidence (said by more than [`COMMON_SHARE`]
    /// of its accounts: the product's name) that they name no theme.
    pub common: BTreeSet<String>,
}

/// Share of the evidence's accounts above which a word names no theme…
const COMMON_SHARE: f32 = 0.2;
/// …in evidence of this many accounts at least (in a handful of accounts,
/// three who say "per-seat" are a theme, not noise).
const COMMON_MIN_ACCOUNTS: usize = 40;

impl Plan {
    /// Model calls, one per theme.
    pub fn calls(&self) -> usize {
        self.jobs.len()
    }
}

/// What the model said of one theme, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Naming {
    pub title: String,
    pub summary: String,
    /// Positions (0-based) of the shown sentences that do not belong.
    pub outliers: Vec<usize>,
}

/// How the requests are written: the lens's prompt, the provider's
/// settings (window, answer length, temperature), the redactor.
pub struct Asking<'a> {
    pub template: &'a Template,
    pub settings: &'a LlmSettings,
    pub redactor: &'a Redactor,
}

#[cfg(test)]
mod tests;
