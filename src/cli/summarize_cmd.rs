//! `insight summarize`: runs the summary (offline or with a model), renders
//! it in the chosen format to stdout or `--out`, and ends with one line on
//! stderr: time, tokens, cache hits.

use indicatif::ProgressBar;

use super::Context;
use super::args::SummarizeArgs;
use super::output::{self, human_ms, paint, style};
use crate::config::Config;
use crate::error::{ExitCode, Result};
use crate::index::Store;
use crate::llm::{LlmSettings, ProviderKind};
use crate::report;
use crate::synthesize::refine::{Plan, Progress};
use crate::synthesize::summarize::{
    ModelRun, Options, Summary, prepare_model, summarize_offline, summarize_with_model,
};

/// Runs the command.
pub fn run(ctx: &Context, args: &SummarizeArgs) -> Result<ExitCode> {
    let store = Store::open(&ctx.index)?;
    let config = ctx.config()?;
    let mut settings = super::llm_settings(&args.llm, &config)?;
    if settings.provider != ProviderKind::Extractive {
        super::settle_window(&mut settings, &store.dir)?;
    }
    let mut opts = Options {
        by: crate::ingest::meta::normalize_key(&args.by),
        lens: args.lens,
        filters: super::filters(&args.filters),
        top: args.top.max(1),
        internal: config.summarize.internal_speakers.clone(),
        embedder: None,
        product_names: config.summarize.product_names.clone(),
        sample_seed: config.summarize.sample_seed,
    };
    let summary: Summary = match settings.provider {
        ProviderKind::Extractive => {
            if args.dry_run {
                output::print(
                    "dry run: the extractive provider calls no model and costs nothing\n",
                )?;
                return Ok(ExitCode::Success);
            }
            // themes are clustered by meaning when a model is configured
            opts.embedder = crate::embed::load_or_builtin(&config)?.map(std::sync::Arc::new);
            summarize_offline(&store, &opts, args.compare)?
        }
        _ => {
            let run = ModelRun {
                settings: &settings,
                config: &config,
                no_cache: args.llm.no_cache,
                no_redact: args.llm.no_redact,
                max_tokens_total: args.max_tokens_total,
            };
            // the themes are insight's own: clustered by meaning as offline
            opts.embedder = crate::embed::load_or_builtin(&config)?.map(std::sync::Arc::new);
            if args.max_passages.is_some() && !ctx.quiet {
                output::note(
                    "--max-passages is no longer used: the model names insight's own themes, which cover every passage",
                );
            }
            let prepared = prepare_model(&store, &opts, &run)?;
            if args.dry_run {
                dry_run(&prepared.plan, &settings, &config, args)?;
                return Ok(ExitCode::Success);
            }
            let progress = Bar::new(ctx.quiet);
            let summary = super::runtime()?.block_on(summarize_with_model(
                &store,
                &opts,
                &run,
                prepared,
                args.compare,
                &progress,
            ));
            progress.bar.finish_and_clear();
            summary?
        }
    };
    if summary.groups.iter().all(|g| g.value.is_none()) && !summary.groups.is_empty() {
        output::warn(&format!(
            "no document has a `{}` field; everything is in one group",
            opts.by
        ));
    }
    let text = report::render(&summary, args.format);
    match &args.out {
        Some(path) => output::write_atomic(path, &text)?,
        None => output::print(&text)?,
    }
    for s in &summary.run.skipped {
        output::warn(s);
    }
    if !ctx.quiet {
        for n in &summary.run.notes {
            output::note(n);
        }
    }
    if summary.run.incomplete {
        output::warn(&format!(
            "stopped at the token budget (--max-tokens-total {}); run the same command again to continue from the cache",
            args.max_tokens_total.unwrap_or(0)
        ));
    }
    if !ctx.quiet {
        let r = &summary.run;
        let themes: usize = summary.groups.iter().map(|g| g.themes.len()).sum();
        let written = args
            .out
            .as_ref()
            .map(|p| format!(" → {}", p.display()))
            .unwrap_or_default();
        output::note(&format!(
            "{} group(s), {} theme(s) from {} signal passage(s) in {} · {} prompt + {} completion tokens · {} request(s), {} cache hit(s){written}",
            summary.groups.len(),
            themes,
            r.signal_passages,
            human_ms(r.elapsed_ms),
            r.usage.prompt_tokens,
            r.usage.completion_tokens,
            r.requests,
            r.cache_hits,
        ));
    }
    Ok(ExitCode::Success)
}

/// A progress bar over the model calls, with the tokens spent.
struct Bar {
    bar: ProgressBar,
    tokens: std::cell::Cell<u64>,
    hits: std::cell::Cell<u64>,
}

impl Bar {
    fn new(quiet: bool) -> Bar {
        let bar = output::progress_bar(
            quiet,
            "{spinner} {pos}/{len} model calls {wide_bar} {msg} {elapsed}",
        );
        Bar {
            bar,
            tokens: std::cell::Cell::new(0),
            hits: std::cell::Cell::new(0),
        }
    }
}

impl Progress for Bar {
    fn start(&self, calls: usize) {
        self.bar.set_length(calls as u64);
    }

    fn done(&self, tokens: u64, cached: bool) {
        self.tokens.set(self.tokens.get() + tokens);
        if cached {
            self.hits.set(self.hits.get() + 1);
        }
        self.bar.inc(1);
        self.bar.set_message(format!(
            "{} tokens, {} cached",
            self.tokens.get(),
            self.hits.get()
        ));
    }

    fn note(&self, message: &str) {
        self.bar.suspend(|| output::note(message));
    }
}

/// What a run would do, and what it would cost.
fn dry_run(
    plan: &Plan,
    settings: &LlmSettings,
    config: &Config,
    args: &SummarizeArgs,
) -> Result<()> {
    let cost = match (
        config.llm.price_input_per_mtok,
        config.llm.price_output_per_mtok,
    ) {
        (Some(i), Some(o)) => Some(
            plan.est_prompt_tokens as f64 / 1e6 * i + plan.est_completion_tokens as f64 / 1e6 * o,
        ),
        _ => None,
    };
    if args.format == report::Format::Json {
        let groups: Vec<serde_json::Value> = plan
            .groups
            .iter()
            .map(|(label, themes, sentences)| {
                serde_json::json!({
                    "value": label,
                    "themes": themes,
                    "sentences": sentences,
                })
            })
            .collect();
        return output::print_json(&serde_json::json!({
            "dry_run": true,
            "provider": settings.provider.to_string(),
            "model": settings.model,
            "context_tokens": settings.context_tokens,
            "groups": groups,
            "calls": plan.calls(),
            "estimated_prompt_tokens": plan.est_prompt_tokens,
            "estimated_completion_tokens": plan.est_completion_tokens,
            "estimated_cost": cost,
        }));
    }
    let width = plan
        .groups
        .iter()
        .map(|g| g.0.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    let mut out = format!(
        "dry run: {} · {} · context {} tokens ({}) — nothing was sent\n\n",
        settings.provider,
        settings.model.as_deref().unwrap_or(""),
        settings.context_tokens,
        settings.context_source
    );
    out.push_str(&paint(
        style::BOLD,
        format!(
            "{:<width$}  {:>6}  {:>15}\n",
            "group", "themes", "sentences shown"
        ),
    ));
    for (label, themes, sentences) in &plan.groups {
        out.push_str(&format!("{label:<width$}  {themes:>6}  {sentences:>15}\n"));
    }
    out.push_str(&format!(
        "\n{} call(s), one per theme (the cost grows with the themes, not with the corpus): about {} prompt + {} completion tokens",
        plan.calls(),
        plan.est_prompt_tokens,
        plan.est_completion_tokens
    ));
    match cost {
        Some(c) => out.push_str(&format!(", about ${c:.4}\n")),
        None => {
            out.push_str(" (set [llm] price_input_per_mtok and price_output_per_mtok for a cost)\n")
        }
    }
    out.push_str("answers already in the cache cost nothing\n");
    output::print(&out)
}
