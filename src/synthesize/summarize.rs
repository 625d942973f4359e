//! `insight summarize`: per-group themes for a lens, with evidence counted by
//! insight. Groups come from the index (`--by`, under the filters); themes
//! come from the offline clustering (`themes::extract`) or from a model
//! (`mapreduce`); each theme is then counted per group (distinct accounts,
//! mentions), ranked, and given verified quotes.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;
use tantivy::Term;

use super::evidence::{Evidence, gather};
use super::lens::Lens;
use super::mapreduce::{Plan, Progress, Runner, plan};
use super::themes::{Draft, Theme, extract, rank};
use crate::clock::now_rfc3339;
use crate::config::Config;
use crate::embed::Embedder;
use crate::error::Result;
use crate::index::Store;
use crate::llm::cache::Cache;
use crate::llm::prompts::{Prompts, Template};
use crate::llm::redact::Redactor;
use crate::llm::{Client, LlmSettings, Usage};
use crate::retrieve::Filters;
use crate::retrieve::groups::{groups, person_names};

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

/// Themes found offline.
pub fn offline_drafts(store: &Store, opts: &Options, ev: &Evidence) -> Result<Vec<Draft>> {
    let searcher = store.searcher();
    let n = searcher.num_docs().max(1) as f32;
    let key_df = (n * 0.05).max(12.0);
    let mut cache: HashMap<String, f32> = HashMap::new();
    let mut df = |stem: &str| -> f32 {
        *cache.entry(stem.to_string()).or_insert_with(|| {
            searcher
                .doc_freq(&Term::from_field_text(store.fields.text, stem))
                .unwrap_or(0) as f32
        })
    };
    // look every stem up once, then answer from the table
    let mut table: HashMap<String, f32> = HashMap::new();
    for s in &ev.signals {
        for w in s.text.split(|c: char| !c.is_alphanumeric()) {
            for stem in crate::retrieve::query::stems(w) {
                let d = df(&stem);
                table.insert(stem, d);
            }
        }
    }
    let idf = |stem: &str| {
        let d = table.get(stem).copied().unwrap_or(0.0);
        (1.0 + (n - d + 0.5) / (d + 0.5)).ln()
    };
    let is_key = |stem: &str| table.get(stem).is_some_and(|&d| d >= 2.0 && d <= key_df);
    let names: BTreeSet<String> = person_names(store)
        .unwrap_or_default()
        .iter()
        .flat_map(|n| {
            n.split_whitespace()
                .map(str::to_lowercase)
                .collect::<Vec<_>>()
        })
        .collect();
    let embed = opts
        .embedder
        .as_ref()
        .map(|e| move |texts: &[&str]| e.embed(texts));
    extract(
        ev,
        opts.lens,
        &idf,
        &is_key,
        &names,
        embed.as_ref().map(|f| f as &super::themes::EmbedFn<'_>),
    )
}

/// Counts each draft per group, ranks, keeps the top themes; adds the
/// comparison across groups when asked. With `dedupe`, a theme mostly made
/// of passages a higher-ranked theme already shows is left out (the offline
/// themes overlap by construction; a model's were merged by the reduce step).
pub fn assemble(
    prep: Prepared,
    drafts: &[Draft],
    opts: &Options,
    compare: bool,
    dedupe: bool,
) -> (Vec<GroupSummary>, Option<Vec<CompareRow>>) {
    let Prepared {
        mut groups,
        evidence,
    } = prep;
    let mut in_top: BTreeSet<usize> = BTreeSet::new();
    let mut per_group: Vec<Vec<(usize, Theme)>> = Vec::new();
    for g in &mut groups {
        let key = g.value.as_ref().map(|v| v.to_lowercase());
        let mut themes: Vec<(usize, Theme)> = drafts
            .iter()
            .enumerate()
            .filter_map(|(i, d)| d.for_group(&evidence, key.as_deref()).map(|t| (i, t)))
            .collect();
        themes.sort_by(|a, b| {
            let (x, y) = (&a.1, &b.1);
            y.accounts
                .cmp(&x.accounts)
                .then(y.mentions.cmp(&x.mentions))
                .then(x.title.cmp(&y.title))
        });
        // a theme mostly made of passages a higher one already shows is left out
        let mut kept: Vec<(usize, Theme)> = Vec::new();
        let mut shown_passages: BTreeSet<usize> = BTreeSet::new();
        for (i, t) in themes {
            if kept.len() >= opts.top {
                break;
            }
            let mine: Vec<usize> = drafts[i].passages.iter().copied().collect();
            let overlap = mine.iter().filter(|p| shown_passages.contains(p)).count();
            if dedupe && overlap * 10 >= mine.len() * 6 && overlap > 0 {
                continue;
            }
            shown_passages.extend(mine);
            kept.push((i, t));
        }
        let themes = kept;
        in_top.extend(themes.iter().map(|(i, _)| *i));
        let mut shown: Vec<Theme> = themes.iter().map(|(_, t)| t.clone()).collect();
        rank(&mut shown);
        g.themes = shown;
        per_group.push(themes);
    }
    let compare = compare.then(|| {
        let mut rows: Vec<CompareRow> = in_top
            .iter()
            .map(|&i| {
                let cells: Vec<(usize, usize)> = groups
                    .iter()
                    .map(|g| {
                        let key = g.value.as_ref().map(|v| v.to_lowercase());
                        drafts[i]
                            .for_group(&evidence, key.as_deref())
                            .map_or((0, 0), |t| (t.accounts, t.mentions))
                    })
                    .collect();
                CompareRow {
                    title: drafts[i].title.clone(),
                    shared: cells.iter().filter(|c| c.0 > 0).count() > 1,
                    accounts: cells.iter().map(|c| c.0).collect(),
                    mentions: cells.iter().map(|c| c.1).collect(),
                }
            })
            .collect();
        rows.sort_by(|a, b| {
            let (x, y): (usize, usize) = (a.accounts.iter().sum(), b.accounts.iter().sum());
            y.cmp(&x).then(a.title.cmp(&b.title))
        });
        rows
    });
    (groups, compare)
}

/// The whole offline summary.
pub fn summarize_offline(store: &Store, opts: &Options, compare: bool) -> Result<Summary> {
    let started = Instant::now();
    let prep = prepare(store, opts)?;
    let drafts = offline_drafts(store, opts, &prep.evidence)?;
    let signal_passages = prep.evidence.signal_passages();
    let (groups, compare) = assemble(prep, &drafts, opts, compare, true);
    let run = RunStats {
        elapsed_ms: started.elapsed().as_millis() as u64,
        signal_passages,
        ..RunStats::default()
    };
    Ok(Summary::new(opts, "extractive", None, groups, compare, run))
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

/// Settings of a summary made with a model.
pub struct ModelRun<'a> {
    pub settings: &'a LlmSettings,
    pub config: &'a Config,
    pub no_cache: bool,
    pub no_redact: bool,
    /// Strongest signal passages read per group.
    pub max_passages: usize,
    pub max_tokens_total: Option<u64>,
}

/// Everything prepared for a model run (or a dry run).
pub struct ModelPrepared {
    pub prep: Prepared,
    pub plan: Plan,
    map: Template,
    reduce: Template,
    redactor: Redactor,
}

/// Gathers the evidence and plans the calls, without calling anything.
pub fn prepare_model(store: &Store, opts: &Options, run: &ModelRun<'_>) -> Result<ModelPrepared> {
    let prompts = Prompts::discover(run.config.llm.prompts_dir.as_deref());
    let map = prompts.load(opts.lens.name())?;
    let reduce = prompts.load("reduce")?;
    let enabled = !run.no_redact && run.config.redact.enabled.unwrap_or(true);
    let names = if enabled {
        person_names(store)?
    } else {
        Vec::new()
    };
    let redactor = Redactor::new(enabled, names, &run.config.redact.patterns)
        .map_err(|m| crate::error::Error::invalid("[redact] patterns", m))?;
    let prep = prepare(store, opts)?;
    let plan = plan(
        &prep.evidence,
        &prep.groups,
        &opts.by,
        run.settings,
        &map,
        run.max_passages,
        &redactor,
    );
    Ok(ModelPrepared {
        prep,
        plan,
        map,
        reduce,
        redactor,
    })
}

/// The summary, with a model doing the map and reduce steps.
pub async fn summarize_with_model(
    store: &Store,
    opts: &Options,
    run: &ModelRun<'_>,
    prepared: ModelPrepared,
    compare: bool,
    progress: &dyn Progress,
) -> Result<Summary> {
    let started = Instant::now();
    let client = Client::new(
        run.settings,
        (!run.no_cache).then(|| Cache::for_index(&store.dir)),
    )?;
    let ModelPrepared {
        prep,
        plan,
        map,
        reduce,
        redactor,
    } = prepared;
    let embed = opts
        .embedder
        .as_ref()
        .map(|e| move |texts: &[&str]| e.embed(texts));
    let runner = Runner {
        client: &client,
        settings: run.settings,
        map: &map,
        reduce: &reduce,
        redactor: &redactor,
        lens: opts.lens,
        max_tokens_total: run.max_tokens_total,
        embed: embed.as_ref().map(|f| f as &super::themes::EmbedFn<'_>),
    };
    let (drafts, mut stats) = runner.run(&prep.evidence, &plan, progress).await?;
    for g in &plan.groups {
        let read: usize = g.chunks.iter().map(Vec::len).sum();
        if read < g.available {
            stats.skipped.push(format!(
                "{}: read the {read} strongest of {} passages with signal (raise --max-passages to read more)",
                g.label, g.available
            ));
        }
    }
    stats.signal_passages = prep.evidence.signal_passages();
    let (groups, compare) = assemble(prep, &drafts, opts, compare, false);
    stats.elapsed_ms = started.elapsed().as_millis() as u64;
    let provider = run.settings.provider.to_string();
    Ok(Summary::new(
        opts,
        &provider,
        run.settings.model.clone(),
        groups,
        compare,
        stats,
    ))
}
