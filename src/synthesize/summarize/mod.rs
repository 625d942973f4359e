//! `insight summarize`: per-group themes for a lens, with evidence counted by
//! insight. Groups come from the index (`--by`, under the filters); themes
//! come from the offline clustering (`themes::extract`); each theme is
//! counted per group (distinct accounts, mentions), ranked, and given
//! verified quotes; with a model, each theme a group reports is then named,
//! summarised and checked by it (`refine`).
//!
//! This file owns what a summary is (options, groups, statistics), the
//! groups and evidence it starts from, and the offline summaries. The
//! parts: `drafts` (the themes found offline, with the words that never
//! name one), `selection` (each group's themes counted, merged, ranked and
//! kept, then summarised and compared) and `model` (the run with a model:
//! planned, named and checked).

mod drafts;
mod model;
mod selection;
#[cfg(test)]
mod tests;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;

use super::evidence::{Evidence, gather};
use super::lens::Lens;
use super::themes::{Draft, Theme, rank};
use crate::clock::now_rfc3339;
use crate::embed::Embedder;
use crate::error::Result;
use crate::index::Store;
use crate::llm::Usage;
use crate::retrieve::Filters;
use crate::retrieve::groups::groups;

pub use drafts::offline_drafts;
pub use model::{ModelPrepared, ModelRun, prepare_model, summarize_with_model};
pub use selection::{Selection, assemble, finish, select};

/// What to summarise.
#[derive(Debug, Clone)]
pub struct Options {
    pub by: String,
    pub lens: Lens,
    pub filters: Filters,
    /// Themes per group.
    pub top: usize,
    /// Speaker names of our own side, besides the documents' `internal` lists.
    pub internal: Vec<String>,
    /// The local embedding model: offline themes are clustered by meaning.
    pub embedder: Option<Arc<Embedder>>,
    /// Our own product's names (`[summarize] product_names`): never a theme's title.
    pub product_names: Vec<String>,
    /// Seeds the choice of clauses the offline clustering samples
    /// (`[summarize] sample_seed`).
    pub sample_seed: u64,
}

/// One group's themes.
#[derive(Debug, Clone, Serialize)]
pub struct GroupSummary {
    /// The field's value (`null`: documents without the field).
    pub value: Option<String>,
    pub documents: usize,
    pub accounts: usize,
    pub themes: Vec<Theme>,
}

/// A theme across groups, for `--compare`.
#[derive(Debug, Clone, Serialize)]
pub struct CompareRow {
    pub title: String,
    /// Accounts per group, in the order of `groups`.
    pub accounts: Vec<usize>,
    pub mentions: Vec<usize>,
    /// Raised in more than one group.
    pub shared: bool,
}

/// How the run went.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RunStats {
    pub elapsed_ms: u64,
    pub usage: Usage,
    pub requests: u64,
    pub cache_hits: u64,
    /// Passages that carried the lens's signal.
    pub signal_passages: usize,
    /// Chunks skipped because the model's output could not be used.
    pub skipped: Vec<String>,
    /// Themes the model named without passage numbers, whose passages insight
    /// found by their words.
    pub matched_by_words: usize,
    /// Themes merged into others because they meant the same (embedding model).
    pub merged_by_meaning: usize,
    /// Stopped early (`--max-tokens-total`): resumable from the cache.
    pub incomplete: bool,
    /// What the model changed that the reader should know: sentences it set
    /// apart from a theme, summaries removed for stating numbers insight
    /// did not count.
    pub notes: Vec<String>,
}

/// A finished summary.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub by: String,
    pub lens: Lens,
    pub provider: String,
    pub model: Option<String>,
    pub generated_at: String,
    pub filters: String,
    pub groups: Vec<GroupSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compare: Option<Vec<CompareRow>>,
    pub run: RunStats,
}

/// The groups and the evidence a summary is built from.
pub struct Prepared {
    pub groups: Vec<GroupSummary>,
    pub evidence: Evidence,
}

/// Lists the groups and gathers the lens's evidence.
pub fn prepare(store: &Store, opts: &Options) -> Result<Prepared> {
    let groups = groups(store, &opts.by, &opts.filters)?
        .into_iter()
        .map(|g| GroupSummary {
            value: g.value,
            documents: g.documents,
            accounts: g.accounts,
            themes: Vec::new(),
        })
        .collect();
    let evidence = gather(store, opts.lens, &opts.by, &opts.filters, &opts.internal)?;
    Ok(Prepared { groups, evidence })
}

/// The whole offline summary.
pub fn summarize_offline(store: &Store, opts: &Options, compare: bool) -> Result<Summary> {
    let started = Instant::now();
    let prep = prepare(store, opts)?;
    let (drafts, units) = offline_drafts(store, opts, &prep.evidence)?;
    let signal_passages = prep.evidence.signal_passages();
    let (groups, compare) = assemble(prep, &drafts, Some(&units), opts, compare, true);
    let run = RunStats {
        elapsed_ms: started.elapsed().as_millis() as u64,
        signal_passages,
        ..RunStats::default()
    };
    Ok(Summary::new(opts, "extractive", None, groups, compare, run))
}

/// The offline summary, and the themes over every group (at most `top`,
/// most accounts first), from one clustering: for views across the groups
/// (`insight profile`'s best customers and periods).
pub fn summarize_offline_overall(
    store: &Store,
    opts: &Options,
    top: usize,
) -> Result<(Summary, Vec<Theme>)> {
    let started = Instant::now();
    let prep = prepare(store, opts)?;
    let (drafts, units) = offline_drafts(store, opts, &prep.evidence)?;
    // naming and quoting costs: only the drafts with the most accounts
    let accounts = |d: &Draft| {
        d.passages
            .iter()
            .filter_map(|&p| prep.evidence.passages[p].account())
            .collect::<BTreeSet<_>>()
            .len()
    };
    let mut by_reach: Vec<(usize, &Draft)> = drafts.iter().map(|d| (accounts(d), d)).collect();
    by_reach.sort_by_key(|b| std::cmp::Reverse(b.0));
    let overall: Vec<Theme> = by_reach
        .into_iter()
        .take(top.saturating_mul(2))
        .filter_map(|(_, d)| d.overall(&prep.evidence, Some(&units)))
        .map(|t| t.theme)
        .collect();
    // drafts named alike are one theme over the base, as within a group
    let mut merged: Vec<Theme> = Vec::new();
    for t in overall {
        match merged
            .iter_mut()
            .find(|m| m.title.to_lowercase() == t.title.to_lowercase())
        {
            Some(m) => {
                let ids: BTreeSet<String> = m.account_ids.drain(..).chain(t.account_ids).collect();
                m.accounts = ids.len();
                m.account_ids = ids.into_iter().collect();
                m.mentions += t.mentions;
                m.said.extend(t.said);
                m.quotes.extend(t.quotes);
            }
            None => merged.push(t),
        }
    }
    let mut overall = merged;
    rank(&mut overall);
    overall.truncate(top);
    let signal_passages = prep.evidence.signal_passages();
    let (groups, _) = assemble(prep, &drafts, Some(&units), opts, false, true);
    let run = RunStats {
        elapsed_ms: started.elapsed().as_millis() as u64,
        signal_passages,
        ..RunStats::default()
    };
    Ok((
        Summary::new(opts, "extractive", None, groups, None, run),
        overall,
    ))
}

impl Summary {
    fn new(
        opts: &Options,
        provider: &str,
        model: Option<String>,
        groups: Vec<GroupSummary>,
        compare: Option<Vec<CompareRow>>,
        run: RunStats,
    ) -> Summary {
        Summary {
            by: opts.by.clone(),
            lens: opts.lens,
            provider: provider.to_string(),
            model,
            generated_at: now_rfc3339(),
            filters: opts.filters.to_string(),
            groups,
            compare,
            run,
        }
    }
}
