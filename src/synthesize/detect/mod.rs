//! Clause-level detection of what a sentence says: complaint or praise,
//! which clause says it, and how (a plain statement, a missing capability,
//! a request, a question, a conditional, a pain that is solved).
//!
//! A sentence is cut into clauses at contrast markers ("but", "although",
//! "except", …), semicolons, dashes and brackets. Within a clause, idioms are
//! read first ("couldn't be happier" is praise, "could be better" a
//! complaint), then frames ("there's no …", "doesn't support", "would be nice
//! if"), then words of complaint and praise; a missing-capability frame
//! whose object is a complaint negates it ("doesn't have any problems" is
//! mild praise). A negator flips the first
//! polar word within its scope (up to four words, ended by punctuation or a
//! conjunction, never across clauses): "not working" is a pain, "not bad"
//! mild praise, "no longer slow" a solved pain. A clause that tells of the
//! past ("before, …", "used to", "at first") holds solved pains, not current
//! ones. Questions and conditionals are weighed as such. When two clauses
//! disagree across a contrast, the one before "but" (or after "although")
//! counts half and the other one and a half times, as VADER does.
//!
//! The word lists are in `lexicon`; the lenses (`lens`) turn a sentence's
//! [`Facts`] into a score.

mod clause;
mod cut;
mod sentence;
mod table;
mod tokens;
mod wordsets;

use std::ops::Range;

use serde::Serialize;

pub use sentence::{cue_scores, read};
pub use table::Table;

/// How a signal is said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Said outright: "the sync is broken", "we love the exports".
    #[default]
    Statement,
    /// A capability that is not there: "there's no SCIM", "doesn't support X".
    Missing,
    /// A wish or a request: "would be nice if", "please add".
    Request,
    /// Asked: "is there a way to export?", "why does it keep crashing?".
    Question,
    /// Under a condition: "if it were cheaper we'd buy more seats".
    Conditional,
    /// A pain of the past, solved: "before, I did this by hand".
    Solved,
}

impl Kind {
    /// The name used in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Statement => "statement",
            Kind::Missing => "missing",
            Kind::Request => "request",
            Kind::Question => "question",
            Kind::Conditional => "conditional",
            Kind::Solved => "solved",
        }
    }
}

/// Contrast weights (VADER's): a clause overruled by an opposite one across
/// a contrast counts half, the one that overrules it one and a half times.
pub const CONCEDED: f32 = 0.5;
pub const STRESSED: f32 = 1.5;
/// Need questions ("is there a way to export?") show a need, not that it is
/// unmet: below the evidence threshold unless something else joins them.
pub const NEED_QUESTION: f32 = 0.6;
/// A condition weakens what it holds ("if the sync fails, …" is a feared or
/// occasional failure, not an observed one).
pub const CONDITIONAL: f32 = 0.8;
/// A negated complaint word is mild praise ("not bad", "no lag").
pub const NEGATED_COMPLAINT: f32 = 0.5;
/// A negated working verb is a malfunction ("doesn't load", "won't sync").
pub const NEGATED_FUNCTION: f32 = 1.2;
/// What saying that the product helps ("it has helped us …") weighs as
/// praise.
pub const HELPS: f32 = 1.0;
/// A negator of absence ("no", "there's no") followed by a thing the lexicon
/// does not know tells of a missing capability ("no SCIM", "no dark mode").
pub const ABSENCE: f32 = 1.0;

/// Whether words of the VADER lexicon that the word lists lack count too
/// (off: better on labelled sentences, worse on themes and on `examples/`;
/// see BENCHMARKS.md, "VADER's lexicon as an extra signal").
pub const VADER: bool = false;
/// From which absolute VADER valence (-4..4) a word counts.
pub const VADER_MIN: f32 = 1.5;
/// A VADER valence's weight here.
pub const VADER_SCALE: f32 = 0.5;

/// A word or a punctuation mark of a sentence.
#[derive(Debug, Clone)]
pub struct Token {
    /// Lower-cased, apostrophes unified, contractions spelled out as "can't".
    pub w: String,
    /// Byte range in the sentence.
    pub span: Range<usize>,
    pub punct: bool,
}

/// One clause's reading.
#[derive(Debug, Clone, Default)]
pub struct Clause {
    /// Byte range in the sentence (without its contrast marker).
    pub span: Range<usize>,
    /// Token range.
    pub toks: Range<usize>,
    /// Complaint strength.
    pub neg: f32,
    /// Praise strength.
    pub pos: f32,
    /// Solved or past pains.
    pub solved: f32,
    /// How its strongest complaint is said.
    pub neg_kind: Kind,
    /// Weight from contrast with a neighbouring clause (1 when none).
    pub weight: f32,
    pub question: bool,
    /// Says that the product helps ("has helped me", "a lifesaver"): the
    /// clause's complaint words, and those of clauses not set against it,
    /// tell of what it solves.
    pub helps: bool,
    /// Tokens inside a negation's scope (index into the sentence's tokens).
    negated: Vec<bool>,
    /// Tokens inside an "if" part, and whether it is counterfactual.
    cond: Vec<Cond>,
    /// Tokens consumed by an idiom or frame (lens cues skip them).
    consumed: Vec<bool>,
    role: Role,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Cond {
    #[default]
    None,
    Indicative,
    Counterfactual,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Role {
    #[default]
    Plain,
    /// Before "but", or opened by "although".
    Conceded,
    /// After "but", or the main clause after an "although" clause.
    Stressed,
}

/// What a sentence says, clause by clause.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub tokens: Vec<Token>,
    pub clauses: Vec<Clause>,
}

impl Facts {
    /// The sentence's valence, -1 (complaint) to 1 (praise).
    pub fn valence(&self) -> f32 {
        let v: f32 = self
            .clauses
            .iter()
            .map(|c| (c.pos + 0.5 * c.solved - c.neg) * c.weight)
            .sum();
        v / (v * v + 4.0).sqrt()
    }

    /// Whether token `i` of clause `c` is negated.
    pub fn negated(&self, c: &Clause, i: usize) -> bool {
        c.negated.get(i - c.toks.start).copied().unwrap_or(false)
    }

    /// Whether token `i` of clause `c` lies in an "if" part; `Some(true)`
    /// when counterfactual ("if it were cheaper").
    pub fn conditional(&self, c: &Clause, i: usize) -> Option<bool> {
        match c.cond.get(i - c.toks.start) {
            Some(Cond::Indicative) => Some(false),
            Some(Cond::Counterfactual) => Some(true),
            _ => None,
        }
    }

    /// Whether token `i` of clause `c` belongs to an idiom or frame.
    pub fn consumed(&self, c: &Clause, i: usize) -> bool {
        c.consumed.get(i - c.toks.start).copied().unwrap_or(false)
    }
}

#[cfg(test)]
mod tests;
