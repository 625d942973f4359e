//! `insight summarize`: per-group themes for a lens, with evidence counted by
//! insight. Groups come from the index (`--by`, under the filters); themes
//! come from the offline clustering (`themes::extract`); each theme is
//! counted per group (distinct accounts, mentions), ranked, and given
//! verified quotes; with a model, each theme a group reports is then named,
//! summarised and checked by it (`refine`).

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;
use tantivy::Term;

use super::describe;
use super::evidence::{Evidence, gather};
use super::lens::Lens;
use super::offline::{Units, extract};
use super::refine::{self, Asking, Namer, Plan, Progress};
use super::themes::{Draft, GroupTheme, Theme, rank};
use crate::clock::now_rfc3339;
use crate::embed::Embedder;
use crate::error::Result;
use crate::index::Store;
use crate::llm::prompts::Template;
use crate::llm::redact::{Redaction, Redactor};
use crate::llm::settings::WindowSource;
use crate::llm::window::Memory;
use crate::llm::{Client, LlmSettings, RunPolicy, Usage};
use crate::retrieve::Filters;
use crate::retrieve::groups::{groups, person_names};
use crate::text::stems;

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
        embed.as_ref().map(|f| f as &super::themes::EmbedFn<'_>),
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

/// Counts each draft per group, ranks, keeps the top themes, and writes
/// the offline themes' summaries; adds the comparison across groups when
/// asked. With `dedupe`, a theme mostly made of passages a higher-ranked
/// theme already shows is left out.
pub fn assemble(
    prep: Prepared,
    drafts: &[Draft],
    units: Option<&Units>,
    opts: &Options,
    compare: bool,
    dedupe: bool,
) -> (Vec<GroupSummary>, Option<Vec<CompareRow>>) {
    let selection = select(&prep, drafts, units, opts, dedupe);
    finish(prep, selection, opts, compare)
}

/// The themes each group reports, before their summaries are written.
pub struct Selection {
    /// The drafts, and those made for one group (merged, or with sentences
    /// a model said do not belong taken out), appended.
    pub drafts: Vec<Draft>,
    /// Per group (in the order of the groups): the draft behind each kept
    /// theme, and the theme as counted in the group.
    pub per_group: Vec<Vec<(usize, GroupTheme)>>,
    /// Lower-cased group values.
    pub keys: Vec<Option<String>>,
    /// A title for the comparison table, by draft, over the draft's own.
    pub titles: std::collections::BTreeMap<usize, String>,
}

/// Counts each draft per group, ranks, and keeps each group's top themes.
pub fn select(
    prep: &Prepared,
    drafts: &[Draft],
    units: Option<&Units>,
    opts: &Options,
    dedupe: bool,
) -> Selection {
    let evidence = &prep.evidence;
    let keys: Vec<Option<String>> = prep
        .groups
        .iter()
        .map(|g| g.value.as_ref().map(|v| v.to_lowercase()))
        .collect();
    // the drafts, and those merged within one group (appended: each group
    // starts from the original drafts only)
    let originals = drafts.len();
    let mut drafts: Vec<Draft> = drafts.to_vec();
    let mut per_group: Vec<Vec<(usize, GroupTheme)>> = Vec::new();
    for key in &keys {
        let themes: Vec<(usize, GroupTheme)> = drafts[..originals]
            .iter()
            .enumerate()
            .filter_map(|(i, d)| d.for_group(evidence, key.as_deref(), units).map(|t| (i, t)))
            .collect();
        let mut themes = match units {
            Some(units) => merge_same_titles(&mut drafts, themes, evidence, key.as_deref(), units),
            None => themes,
        };
        themes.sort_by(|a, b| {
            let (x, y) = (&a.1.theme, &b.1.theme);
            y.accounts
                .cmp(&x.accounts)
                .then(y.mentions.cmp(&x.mentions))
                .then(x.title.cmp(&y.title))
        });
        // a theme mostly made of passages a higher one already shows is left out
        let mut kept: Vec<(usize, GroupTheme)> = Vec::new();
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
        per_group.push(kept);
    }
    Selection {
        drafts,
        per_group,
        keys,
        titles: Default::default(),
    }
}

/// Writes the kept themes' summaries (a model's sentence, when it wrote
/// one, then the computed facts), ranks them, and adds the comparison
/// across groups when asked.
pub fn finish(
    prep: Prepared,
    selection: Selection,
    opts: &Options,
    compare: bool,
) -> (Vec<GroupSummary>, Option<Vec<CompareRow>>) {
    let Prepared {
        mut groups,
        evidence,
    } = prep;
    let Selection {
        drafts,
        per_group,
        keys,
        titles,
    } = selection;
    let in_top: BTreeSet<usize> = per_group
        .iter()
        .flat_map(|kept| kept.iter().map(|(i, _)| *i))
        .collect();
    // summaries: the group's facts, and how the other groups compare
    let totals: Vec<(Option<String>, usize)> = groups
        .iter()
        .map(|g| (g.value.clone(), g.accounts))
        .collect();
    for (gi, (g, kept)) in groups.iter_mut().zip(per_group).enumerate() {
        g.themes = kept
            .into_iter()
            .map(|(i, mut t)| {
                if let Some(mut facts) = t.facts.take() {
                    facts.by = opts.by.clone();
                    facts.group = g.value.clone();
                    facts.group_accounts = g.accounts;
                    let spread = accounts_per_group(&drafts[i], &evidence, &keys);
                    facts.elsewhere = totals
                        .iter()
                        .zip(spread)
                        .enumerate()
                        .filter(|(gj, _)| *gj != gi)
                        .filter_map(|(_, ((value, total), n))| {
                            value.clone().map(|v| (v, n, *total))
                        })
                        .collect();
                    let computed = describe::summary(&facts);
                    t.theme.summary = if t.theme.summary.is_empty() {
                        computed
                    } else {
                        format!("{} {computed}", t.theme.summary)
                    };
                }
                t.theme
            })
            .collect();
        rank(&mut g.themes);
    }
    let compare = compare.then(|| {
        let mut rows: Vec<CompareRow> = in_top
            .iter()
            .map(|&i| {
                let cells: Vec<(usize, usize)> = keys
                    .iter()
                    .map(|key| {
                        drafts[i]
                            .for_group(&evidence, key.as_deref(), None)
                            .map_or((0, 0), |t| (t.theme.accounts, t.theme.mentions))
                    })
                    .collect();
                CompareRow {
                    title: titles
                        .get(&i)
                        .cloned()
                        .unwrap_or_else(|| drafts[i].title.clone()),
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

/// Themes of one group whose titles say the same words, endings aside
/// ("Task" and "Tasks", "Bug" and "Bugs"), are one theme: their drafts are
/// merged (appended to `drafts`) and the theme is counted, named and quoted
/// again from all its clauses in the group.
fn merge_same_titles(
    drafts: &mut Vec<Draft>,
    themes: Vec<(usize, GroupTheme)>,
    ev: &Evidence,
    group: Option<&str>,
    units: &Units,
) -> Vec<(usize, GroupTheme)> {
    let titles: Vec<&str> = themes.iter().map(|(_, t)| t.theme.title.as_str()).collect();
    let sets = same_titles(&titles);
    let mut slots: Vec<Option<(usize, GroupTheme)>> = themes.into_iter().map(Some).collect();
    let mut out = Vec::new();
    for set in sets {
        let mut same: Vec<(usize, GroupTheme)> =
            set.iter().filter_map(|&k| slots[k].take()).collect();
        if same.len() == 1 {
            out.append(&mut same);
            continue;
        }
        let mut merged = Draft::default();
        for (i, _) in &same {
            merged.passages.extend(drafts[*i].passages.iter().copied());
            merged.members.extend(drafts[*i].members.iter().copied());
        }
        merged.title = drafts[same[0].0].title.clone();
        match merged.for_group(ev, group, Some(units)) {
            Some(t) => {
                drafts.push(merged);
                out.push((drafts.len() - 1, t));
            }
            None => out.append(&mut same),
        }
    }
    out
}

/// The titles that say the same words, endings aside, as sets of indices
/// (each title in exactly one set, in the order of first appearance).
fn same_titles(titles: &[&str]) -> Vec<Vec<usize>> {
    let mut sets: Vec<(BTreeSet<String>, Vec<usize>)> = Vec::new();
    for (k, title) in titles.iter().enumerate() {
        let words: BTreeSet<String> = stems(title).into_iter().collect();
        match sets
            .iter_mut()
            .find(|(w, _)| !words.is_empty() && *w == words)
        {
            Some((_, same)) => same.push(k),
            None => sets.push((words, vec![k])),
        }
    }
    sets.into_iter().map(|(_, s)| s).collect()
}

/// Distinct accounts of a draft's passages in each group (`keys`, lower case).
fn accounts_per_group(draft: &Draft, ev: &Evidence, keys: &[Option<String>]) -> Vec<usize> {
    let mut sets: Vec<BTreeSet<&str>> = vec![BTreeSet::new(); keys.len()];
    for &p in &draft.passages {
        let passage = &ev.passages[p];
        let Some(account) = passage.account() else {
            continue;
        };
        for (set, key) in sets.iter_mut().zip(keys) {
            let inside = match key {
                None => passage.groups.is_empty(),
                Some(k) => passage.groups.iter().any(|x| x == k),
            };
            if inside {
                set.insert(account);
            }
        }
    }
    sets.iter().map(BTreeSet::len).collect()
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

/// Settings of a run with a model (a summary, or `profile`'s narratives).
pub struct ModelRun<'a> {
    pub settings: &'a LlmSettings,
    pub policy: &'a RunPolicy,
    pub max_tokens_total: Option<u64>,
}

impl ModelRun<'_> {
    /// The redactor for what is sent, with the index's speaker names.
    pub fn redactor(&self, store: &Store) -> Result<Redactor> {
        self.policy.redactor(|| person_names(store))
    }
}

/// Everything prepared for a model run (or a dry run): insight's own
/// themes, and one naming request per theme a group reports.
pub struct ModelPrepared {
    pub prep: Prepared,
    pub plan: Plan,
    selection: Selection,
    units: Units,
    template: Template,
    redactor: Redactor,
    redaction: Redaction,
}

/// Finds the themes offline and plans the naming calls, without calling
/// anything.
pub fn prepare_model(store: &Store, opts: &Options, run: &ModelRun<'_>) -> Result<ModelPrepared> {
    let template = run.policy.prompts().load(opts.lens.name())?;
    let redactor = run.redactor(store)?;
    let prep = prepare(store, opts)?;
    let (drafts, units) = offline_drafts(store, opts, &prep.evidence)?;
    let selection = select(&prep, &drafts, Some(&units), opts, true);
    let mut prepared = ModelPrepared {
        prep,
        plan: Plan::default(),
        selection,
        units,
        template,
        redactor,
        redaction: Redaction::default(),
    };
    prepared.plan = prepared.plan_for(run.settings, &opts.by);
    Ok(prepared)
}

impl ModelPrepared {
    /// One naming request per theme a group reports, fitting `settings`'s
    /// window.
    fn plan_for(&mut self, settings: &LlmSettings, by: &str) -> Plan {
        refine::plan(
            &self.selection,
            &self.prep.evidence,
            &self.units,
            &labels(&self.prep.groups, by),
            &Asking {
                template: &self.template,
                settings,
                redactor: &self.redactor,
            },
            &mut self.redaction,
        )
    }
}

/// Each group's name in notes and prompts.
fn labels(groups: &[GroupSummary], by: &str) -> Vec<String> {
    groups
        .iter()
        .map(|g| g.value.clone().unwrap_or_else(|| format!("(no {by})")))
        .collect()
}

/// The summary: insight's themes, named and checked by the model.
pub async fn summarize_with_model(
    store: &Store,
    opts: &Options,
    run: &ModelRun<'_>,
    prepared: ModelPrepared,
    compare: bool,
    progress: &dyn Progress,
) -> Result<Summary> {
    let started = Instant::now();
    let client = Client::new(run.settings, run.policy.cache_for(&store.dir))?
        .remembering(Memory::for_index(&store.dir));
    let mut prepared = prepared;
    let mut settings = run.settings.clone();
    let mut replanned = false;
    let (namings, mut stats) = loop {
        let namer = Namer {
            client: &client,
            template: &prepared.template,
            redaction: &prepared.redaction,
            concurrency: settings.concurrency,
            max_tokens_total: run.max_tokens_total,
        };
        match namer.run(&prepared.plan, progress).await {
            Ok(done) => break done,
            Err(e) => match crate::llm::window::replan(&e, settings.context_tokens) {
                // the server named a smaller window: plan for it, once
                Some(window) if !replanned => {
                    replanned = true;
                    progress.note(&format!(
                        "the model's context window is smaller than planned; showing it fewer sentences per theme ({window} tokens)"
                    ));
                    settings.set_window(window, WindowSource::Learned);
                    prepared.plan = prepared.plan_for(&settings, &opts.by);
                }
                _ => return Err(e),
            },
        }
    };
    let ModelPrepared {
        prep,
        plan,
        mut selection,
        units,
        ..
    } = prepared;
    let group_accounts: Vec<usize> = prep.groups.iter().map(|g| g.accounts).collect();
    let notes = refine::apply(
        &mut selection,
        &plan,
        namings,
        &prep.evidence,
        &units,
        &group_accounts,
    );
    stats.notes = notes;
    stats.skipped.splice(0..0, plan.unfit.iter().cloned());
    stats.signal_passages = prep.evidence.signal_passages();
    let (groups, compare) = finish(prep, selection, opts, compare);
    stats.elapsed_ms = started.elapsed().as_millis() as u64;
    let provider = run.settings.provider.to_string();
    Ok(Summary::new(
        opts,
        &provider,
        settings.model.clone(),
        groups,
        compare,
        stats,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_with_the_same_words_are_one_theme() {
        let titles = [
            "Tasks",
            "Sync stops",
            "Task",
            "Syncing stopped",
            "Per-seat price",
            "Bug fixes",
            "Bug",
            "",
        ];
        assert_eq!(
            same_titles(&titles),
            vec![vec![0, 2], vec![1, 3], vec![4], vec![5], vec![6], vec![7]]
        );
    }
}
