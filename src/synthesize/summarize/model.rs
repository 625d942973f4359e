//! A summary with a model: settings of the run (`ModelRun`), the themes
//! found offline and one naming request planned per theme a group reports
//! (`ModelPrepared`, also what a dry run shows), and the run itself, which
//! plans again once for a smaller context window the server names.

use std::time::Instant;

use super::{
    GroupSummary, Options, Prepared, Selection, Summary, finish, offline_drafts, prepare, select,
};
use crate::error::Result;
use crate::index::Store;
use crate::llm::prompts::Template;
use crate::llm::redact::{Redaction, Redactor};
use crate::llm::settings::WindowSource;
use crate::llm::window::Memory;
use crate::llm::{Client, LlmSettings, RunPolicy};
use crate::retrieve::groups::person_names;
use crate::synthesize::offline::Units;
use crate::synthesize::refine::{self, Asking, Namer, Plan, Progress};

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
