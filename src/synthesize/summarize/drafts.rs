//! The themes found offline for a summary: the evidence's clauses clustered
//! (`offline::extract`) with idf from the index, and the words that never
//! name a theme (people's and companies' names, our product's names).

use std::collections::{BTreeSet, HashMap};

use tantivy::Term;

use super::Options;
use crate::error::Result;
use crate::index::Store;
use crate::retrieve::groups::person_names;
use crate::synthesize::evidence::Evidence;
use crate::synthesize::offline::{Units, extract};
use crate::synthesize::themes::{Draft, EmbedFn};
use crate::text::stems;

/// Themes found offline, and the clauses they are made of.
pub fn offline_drafts(store: &Store, opts: &Options, ev: &Evidence) -> Result<(Vec<Draft>, Units)> {
    let searcher = store.searcher();
    let n = searcher.num_docs().max(1) as f32;
    // look every stem up once, then answer from the table
    let mut table: HashMap<String, f32> = HashMap::new();
    let words: BTreeSet<String> = ev
        .signals
        .iter()
        .flat_map(|s| s.focus_text().split(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    for w in &words {
        {
            for stem in stems(w) {
                if let std::collections::hash_map::Entry::Vacant(slot) = table.entry(stem) {
                    let d = searcher
                        .doc_freq(&Term::from_field_text(store.fields.text, slot.key()))
                        .unwrap_or(0) as f32;
                    slot.insert(d);
                }
            }
        }
    }
    let idf = |stem: &str| {
        let d = table
            .get(stem)
            .copied()
            .or_else(|| {
                // a compound's parts: the rarer one
                stem.split('-')
                    .filter_map(|p| table.get(p).copied())
                    .reduce(f32::min)
            })
            .unwrap_or(0.0);
        crate::text::idf(n, d)
    };
    let excluded = excluded_words(store, opts, ev);
    let embed = opts
        .embedder
        .as_ref()
        .map(|e| move |texts: &[&str]| e.embed(texts));
    extract(
        ev,
        &idf,
        &excluded,
        embed.as_ref().map(|f| f as &EmbedFn<'_>),
        opts.sample_seed,
    )
}

/// Words that never name a theme: people's names (speakers, contacts, our
/// own side), the company names of the accounts in the evidence, and our
/// product's names
/// (`[summarize] product_names`), lower case.
fn excluded_words(store: &Store, opts: &Options, ev: &Evidence) -> BTreeSet<String> {
    let mut names: Vec<String> = person_names(store).unwrap_or_default();
    let companies: BTreeSet<&str> = ev
        .passages
        .iter()
        .filter_map(|p| p.hit.field("account_name"))
        .collect();
    names.extend(companies.into_iter().map(str::to_string));
    names.extend(opts.product_names.iter().cloned());
    names
        .iter()
        .flat_map(|n| {
            n.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-')
                .filter(|w| w.chars().count() >= 2)
                .map(str::to_lowercase)
                .collect::<Vec<_>>()
        })
        .collect()
}
