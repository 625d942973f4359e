//! The small closed word sets the clause reader checks words against, and
//! whether a word is a negator.

use crate::synthesize::lexicon as lx;

/// Words between a missing-capability frame and a complaint it negates
/// ("doesn't have any major problems").
pub(super) const FRAME_OBJECT_FILLERS: &[&str] = &[
    "any", "a", "an", "the", "many", "much", "major", "real", "serious", "big", "single",
];

pub(super) const STOP: &[&str] = &[
    "a", "an", "the", "one", "to", "of", "in", "on", "for", "at", "it", "this", "that", "i", "we",
    "you", "they", "he", "she", "me", "us", "them", "my", "our", "your", "is", "are", "was", "be",
    "more", "longer", "need", "idea", "matter", "doubt", "thanks", "wonder", "offense", "worries",
    "rush", "time", "big", "deal", "really", "just", "any", "other",
];

pub(super) const PAST_FORMS: &[&str] = &[
    "had",
    "used",
    "switched",
    "moved",
    "got",
    "bought",
    "started",
    "found",
    "began",
    "adopted",
    "signed",
    "joined",
    "was",
    "were",
    "did",
    "implemented",
    "rolled",
    "came",
];

/// Words before a help marker that make it a wish or a doubt ("it would
/// help if", "it might help").
pub(super) const HEDGES: &[&str] = &[
    "would",
    "could",
    "might",
    "may",
    "should",
    "if",
    "wish",
    "hope",
    "hopefully",
    "sometimes",
];

pub(super) const COUNTERFACTUAL: &[&str] = &[
    "were",
    "was",
    "had",
    "could",
    "would",
    "did",
    "didn't",
    "wasn't",
    "weren't",
    "only",
    "i'd",
    "we'd",
    "it'd",
    "they'd",
    "you'd",
    "added",
    "offered",
    "made",
    "allowed",
    "supported",
    "included",
    "fixed",
    "improved",
    "lowered",
    "cost",
    "gave",
    "let",
    "worked",
    "synced",
    "loaded",
];

pub(super) fn is_negator(w: &str) -> bool {
    lx::NEGATORS.contains(&w)
}
