//! Themes found without a language model.
//!
//! 1. **Units**: the distinct signal clauses (case and spacing aside), each
//!    with the accounts that said it, sorted by their text so that nothing
//!    depends on the order the evidence came in.
//! 2. **Vectors**: what each clause is about (its words of feeling left out)
//!    as a unit vector: the sentence-embedding model's and a hashed TF-IDF
//!    vector of its stems and word pairs together, or the latter alone;
//!    both centred on the evidence's mean, so that words and meanings every
//!    clause shares link nothing.
//! 3. **Clusters**: clauses many accounts said join first when largely the
//!    same accounts say them (customers repeat one problem in their own
//!    words); then everything is grouped by average linkage
//!    ([`super::cluster`]) at a similarity relative to how alike the
//!    evidence is on average, so that the threshold means the same for any
//!    model. Small clusters join the theme they are most like; a large
//!    cluster whose most said word is in under a tenth of its clauses is a
//!    catch-all of long sentences, not one problem: its clauses join the
//!    themes they are like, or no theme.
//! 4. **Drafts**: one per cluster, its clauses most central first; titles,
//!    quotes and counts are made per group from the group's own clauses
//!    (see [`super::themes::Draft::for_group`]).

mod clusters;
mod units;
mod vectors;

use std::collections::BTreeSet;

use super::cluster::{centroid, cluster_keyed, dot};
use super::evidence::{Evidence, Signal};
use super::naming::Corpus;
use super::themes::{Draft, EmbedFn};
use super::words::{Token, topic_text};
use crate::error::Result;
use clusters::{absorb, dissolve_catch_alls, overlap_groups};
use units::units;
use vectors::{MEANING_SHARE, center, joint, lexical_vector, pair_statistics};

pub use clusters::SUBJECT_SHARE;

/// Two groups of clauses are one theme when their mean similarity is this
/// many standard deviations above that of two clauses picked at random
/// (so that the threshold means the same for any model and corpus), and at
/// least [`LINK_FLOOR`].
const LINK_SPREADS: f32 = 1.0;
const LINK_FLOOR: f32 = 0.05;
/// A stray clause joins a theme it is, on average, this many standard
/// deviations more similar to than chance.
const BELONG_SPREADS: f32 = 1.5;

/// A distinct signal clause.
#[derive(Debug, Clone)]
pub struct Unit {
    /// The clause as first said.
    pub text: String,
    pub tokens: Vec<Token>,
    /// Indices into the evidence's signals.
    pub signals: Vec<usize>,
    /// Accounts (or documents, when the account is unknown) that said it.
    pub who: BTreeSet<String>,
}

/// The units of the evidence with their vectors, and what naming needs to
/// know about the evidence as a whole.
#[derive(Debug, Default)]
pub struct Units {
    pub units: Vec<Unit>,
    pub vectors: Vec<Vec<f32>>,
    pub corpus: Corpus,
    /// Whether the vectors came from an embedding model.
    pub semantic: bool,
}

/// Who said a signal: its account, else its document.
pub fn who(ev: &Evidence, s: &Signal) -> String {
    let p = &ev.passages[s.passage];
    p.account()
        .map(|a| format!("a:{a}"))
        .unwrap_or_else(|| format!("d:{}", p.hit.doc_id))
}

/// The part of a signal sentence that carries the signal.
pub fn clause(s: &Signal) -> &str {
    // a clause cut after a comma or an ellipsis starts at its first word
    s.focus_text().trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, ',' | ';' | ':' | '.' | '…' | '-')
    })
}

/// Finds themes in `ev`. `idf(stem)` weighs words for the lexical vectors;
/// `excluded` (lower case) are words that never name a theme: people's and
/// companies' names, our product's name. With `embed`, clauses are grouped
/// by meaning. `seed` chooses which clauses the clustering samples when
/// there are too many to cluster directly.
pub fn extract(
    ev: &Evidence,
    idf: &dyn Fn(&str) -> f32,
    excluded: &BTreeSet<String>,
    embed: Option<&EmbedFn<'_>>,
    seed: u64,
) -> Result<(Vec<Draft>, Units)> {
    let mut units = units(ev, excluded);
    if units.units.is_empty() {
        return Ok((Vec::new(), units));
    }
    let weights: Vec<f32> = units
        .units
        .iter()
        .map(|u| u.who.len().max(1) as f32)
        .collect();
    let mut lexical: Vec<Vec<f32>> = units
        .units
        .iter()
        .map(|u| lexical_vector(&u.tokens, idf))
        .collect();
    center(&mut lexical, &weights);
    units.vectors = match embed {
        Some(embed) => {
            // what a clause is about; a clause about nothing in particular
            // ("worst app ever") is all feeling, and kept whole
            let texts: Vec<String> = units
                .units
                .iter()
                .map(|u| {
                    if u.tokens.iter().any(Token::is_content) {
                        topic_text(&u.text)
                    } else {
                        u.text.clone()
                    }
                })
                .collect();
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            let mut meaning = embed(&refs)?;
            center(&mut meaning, &weights);
            meaning
                .into_iter()
                .zip(&lexical)
                .map(|(m, l)| joint(&m, l, MEANING_SHARE))
                .collect()
        }
        None => lexical,
    };
    units.semantic = embed.is_some();
    let start = overlap_groups(&units.units);
    let (mean_sim, spread) = pair_statistics(&units.vectors);
    let threshold = (mean_sim + LINK_SPREADS * spread).max(LINK_FLOOR);
    let belongs = (mean_sim + BELONG_SPREADS * spread).max(LINK_FLOOR);
    // a clause's key is its text: the same clauses are sampled whatever
    // else the evidence holds
    let keys: Vec<u64> = units
        .units
        .iter()
        .map(|u| xxhash_rust::xxh3::xxh3_64_with_seed(u.text.to_lowercase().as_bytes(), seed))
        .collect();
    let clusters = cluster_keyed(&units.vectors, &weights, &keys, &start, threshold);
    let clusters = absorb(clusters, &units.vectors, &weights, belongs);
    let clusters = dissolve_catch_alls(clusters, &units, &weights, belongs);
    let drafts = clusters
        .into_iter()
        .map(|members| draft(ev, &units, &weights, members))
        .collect();
    Ok((drafts, units))
}

/// The draft of one cluster: its passages, and its clauses most central
/// first; its overall title from all of them.
fn draft(ev: &Evidence, units: &Units, weights: &[f32], members: Vec<usize>) -> Draft {
    let c = centroid(&members, &units.vectors, weights);
    let mut ranked: Vec<(f32, usize)> = members
        .iter()
        .map(|&m| (dot(&units.vectors[m], &c), m))
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let members: Vec<usize> = ranked.into_iter().map(|(_, m)| m).collect();
    let passages = units.passages_of(ev, &members);
    let sources: Vec<super::naming::Source<'_>> = members
        .iter()
        .map(|&m| super::naming::Source {
            text: &units.units[m].text,
            tokens: &units.units[m].tokens,
            who: &units.units[m].who,
        })
        .collect();
    let (title, key_phrases) = match units.corpus.title(&sources) {
        Some(t) => (t.text, t.key_words.into_iter().map(|(w, _)| w).collect()),
        None => (String::new(), Vec::new()),
    };
    Draft {
        title,
        summary: String::new(),
        key_phrases,
        passages,
        quotes: Vec::new(),
        members,
    }
}

#[cfg(test)]
mod tests;
