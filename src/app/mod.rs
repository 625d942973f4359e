//! The middle layer between the shells and the stages. [`Settings`] turns
//! flags, environment and `insight.toml` into resolved values once; the
//! entry points here (`ask`, `summarize`, `profile`, `search`, `stats`) are
//! what both `cli` and `repl` call, so a command behaves the same from
//! either; [`defaults`] holds every default both shells use. Nothing here
//! prints: the shells render results with `report` and print with `term`.

pub mod doctor;
pub mod settings;

use std::path::Path;
use std::time::Instant;

pub use settings::{LlmChoice, Model, Settings};

use crate::error::{Error, Result};
use crate::index::Store;
use crate::index::stats::Stats;
use crate::profile::best::RankBy;
use crate::profile::periods::PeriodSpec;
use crate::profile::prospects::{Against, Fit};
use crate::profile::{self, Profile, Steps};
use crate::retrieve::groups::{Group, groups};
use crate::retrieve::search::Results;
use crate::retrieve::{self, Filters};
use crate::synthesize::ask::Asker;
use crate::synthesize::lens::Lens;
use crate::synthesize::refine::{Plan, Progress};
use crate::synthesize::summarize::{
    ModelPrepared, ModelRun, Options, Summary, prepare_model, summarize_offline,
    summarize_with_model,
};

/// The defaults of both shells (clap's flags and the REPL's commands).
pub mod defaults {
    /// Hits `search` shows.
    pub const SEARCH_LIMIT: usize = 10;
    /// Passages retrieved per question.
    pub const ASK_LIMIT: usize = 8;
    /// Themes per group in a summary.
    pub const TOP_THEMES: usize = 5;
    /// Themes per lens and group in a profile.
    pub const PROFILE_TOP: usize = 3;
    /// The field summaries and profiles group by.
    pub const GROUP_BY: &str = "segment";
    /// Accounts a trait needs among the best customers to be a finding.
    pub const MIN_SUPPORT: usize = 2;
}

/// A single-threaded async runtime for the commands that call a provider.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("<async runtime>", e))
}

/// An asker for `store` answering with `model` (see
/// [`Settings::settled_model`]), retrieval hybrid when an embedding model is
/// configured.
pub fn asker<'a>(settings: &Settings, store: &'a Store, model: &Model) -> Result<Asker<'a>> {
    Asker::new(
        store,
        model.settings.clone(),
        &model.policy,
        settings.embedder()?,
    )
}

/// Search results and the search's own time in milliseconds (loading the
/// embedding model is not counted: `ask` and the REPL keep it loaded).
pub fn search(
    settings: &Settings,
    store: &Store,
    query: &str,
    filters: &Filters,
    limit: usize,
    semantic: bool,
) -> Result<(Results, f64)> {
    let embedder = if semantic {
        Some(
            settings
                .embedder()?
                .ok_or_else(|| crate::embed::not_configured("--semantic"))?,
        )
    } else {
        None
    };
    let started = Instant::now();
    let results = match &embedder {
        Some(e) => retrieve::hybrid::search_hybrid(store, e, query, filters, limit)?,
        None => retrieve::search(store, query, filters, limit)?,
    };
    Ok((results, started.elapsed().as_secs_f64() * 1000.0))
}

/// What the index holds, and its documents per kind.
pub fn stats(store: &Store) -> Result<(Stats, Vec<Group>)> {
    Ok((store.stats()?, groups(store, "kind", &Filters::default())?))
}

/// What `summarize` was asked for.
#[derive(Debug, Clone)]
pub struct SummarizeRequest {
    pub by: String,
    pub lens: Lens,
    pub filters: Filters,
    pub top: usize,
    /// Compare each group with the rest.
    pub compare: bool,
    /// Stop spending tokens past this many.
    pub max_tokens_total: Option<u64>,
}

/// A summary ready to run: offline, or with a model and its naming calls
/// planned (what a dry run shows).
pub struct SummaryJob {
    opts: Options,
    compare: bool,
    max_tokens_total: Option<u64>,
    model: Option<(Model, ModelPrepared)>,
}

/// Prepares a summary: insight's themes are clustered by meaning (the
/// configured embedding model, else the built-in one); with a model, the
/// naming calls are planned and nothing is sent yet.
pub fn prepare_summary(
    settings: &Settings,
    store: &Store,
    req: SummarizeRequest,
    model: Model,
) -> Result<SummaryJob> {
    let themes = settings.themes()?;
    let opts = Options {
        by: crate::text::normalize_key(&req.by),
        lens: req.lens,
        filters: req.filters,
        top: req.top.max(1),
        internal: themes.internal,
        embedder: settings.embedder_or_builtin()?,
        product_names: themes.product_names,
        sample_seed: themes.sample_seed,
    };
    let model = if model.is_model() {
        let prepared = prepare_model(store, &opts, &model_run(&model, req.max_tokens_total))?;
        Some((model, prepared))
    } else {
        None
    };
    Ok(SummaryJob {
        opts,
        compare: req.compare,
        max_tokens_total: req.max_tokens_total,
        model,
    })
}

fn model_run(model: &Model, max_tokens_total: Option<u64>) -> ModelRun<'_> {
    ModelRun {
        settings: &model.settings,
        policy: &model.policy,
        max_tokens_total,
    }
}

impl SummaryJob {
    /// The field the summary groups by (normalised).
    pub fn by(&self) -> &str {
        &self.opts.by
    }

    /// The model's naming calls and its settings; `None` offline.
    pub fn plan(&self) -> Option<(&Plan, &crate::llm::LlmSettings)> {
        self.model
            .as_ref()
            .map(|(m, prepared)| (&prepared.plan, &m.settings))
    }

    /// Runs the summary (offline, or the model's calls with `progress`).
    pub async fn run(self, store: &Store, progress: &dyn Progress) -> Result<Summary> {
        match self.model {
            None => summarize_offline(store, &self.opts, self.compare),
            Some((model, prepared)) => {
                let run = model_run(&model, self.max_tokens_total);
                summarize_with_model(store, &self.opts, &run, prepared, self.compare, progress)
                    .await
            }
        }
    }
}

/// A summary's estimated cost in dollars, when prices are configured.
pub fn estimated_cost(settings: &Settings, plan: &Plan) -> Result<Option<f64>> {
    Ok(settings.prices()?.map(|(i, o)| {
        plan.est_prompt_tokens as f64 / 1e6 * i + plan.est_completion_tokens as f64 / 1e6 * o
    }))
}

/// What `profile` was asked for.
#[derive(Debug, Clone)]
pub struct ProfileRequest {
    pub by: String,
    pub filters: Filters,
    pub top: usize,
    pub rank_by: Option<RankBy>,
    pub top_accounts: Option<usize>,
    /// `None`: `[profile] min_support`, else the default.
    pub min_support: Option<usize>,
    pub compare: Option<PeriodSpec>,
}

impl ProfileRequest {
    fn min_support(&self, settings: &Settings) -> Result<usize> {
        Ok(self
            .min_support
            .or(settings.profile_columns()?.min_support)
            .unwrap_or(defaults::MIN_SUPPORT))
    }
}

/// Builds the Ideal Client Profile offline (`steps` reports progress).
pub fn profile(
    settings: &Settings,
    store: &Store,
    req: &ProfileRequest,
    steps: &dyn Steps,
) -> Result<Profile> {
    let themes = settings.themes()?;
    let opts = profile::Options {
        by: req.by.clone(),
        filters: req.filters.clone(),
        top: req.top.max(1),
        rank_by: req.rank_by.clone(),
        top_accounts: req.top_accounts,
        min_support: req.min_support(settings)?,
        compare: req.compare.clone(),
        internal: themes.internal,
        embedder: settings.embedder_or_builtin()?,
        product_names: themes.product_names,
        sample_seed: themes.sample_seed,
    };
    profile::build(store, settings.profile_columns()?, &opts, steps)
}

/// Has `model` write the profile's narratives (one request per group).
pub async fn narrate(
    store: &Store,
    prof: &mut Profile,
    model: &Model,
    steps: &dyn Steps,
) -> Result<()> {
    profile::narrate(store, prof, &model_run(model, None), steps).await
}

/// Scores the leads in `leads` against the best customers.
pub fn prospects(
    settings: &Settings,
    store: &Store,
    req: &ProfileRequest,
    leads: &Path,
) -> Result<(Fit, usize)> {
    let min_support = req.min_support(settings)?;
    let against = Against {
        columns: settings.profile_columns()?,
        filters: &req.filters,
        rank_by: req.rank_by.as_ref(),
        top_accounts: req.top_accounts,
        min_support,
    };
    Ok((
        profile::prospects::score_file(store, &against, leads)?,
        min_support,
    ))
}
