//! `insight summarize`: runs the summary (offline or with a model), renders
//! it in the chosen format to stdout or `--out`, and ends with one line on
//! stderr: time, tokens, cache hits.

use super::args::SummarizeArgs;
use crate::app::{self, Settings, SummarizeRequest};
use crate::error::{ExitCode, Result};
use crate::index::Store;
use crate::report::{self, json, terminal};
use crate::term::progress::ModelCalls;
use crate::term::{self, human_ms};

/// Runs the command.
pub fn run(settings: &Settings, args: &SummarizeArgs) -> Result<ExitCode> {
    let store = Store::open(&settings.index)?;
    let model = settings.settled_model(&super::llm_choice(&args.llm))?;
    if !model.is_model() && args.dry_run {
        term::print("dry run: the extractive provider calls no model and costs nothing\n")?;
        return Ok(ExitCode::Success);
    }
    if model.is_model() && args.max_passages.is_some() && !settings.quiet {
        term::note(
            "--max-passages is no longer used: the model names insight's own themes, which cover every passage",
        );
    }
    let request = SummarizeRequest {
        by: args.by.clone(),
        lens: args.lens,
        filters: super::filters(&args.filters),
        top: args.top,
        compare: args.compare,
        max_tokens_total: args.max_tokens_total,
    };
    let job = app::prepare_summary(settings, &store, request, model)?;
    if args.dry_run {
        if let Some((plan, llm)) = job.plan() {
            let cost = app::estimated_cost(settings, plan)?;
            if args.format == report::Format::Json {
                term::print_json(&json::dry_run(plan, llm, cost))?;
            } else {
                term::print_with(|out| terminal::dry_run(out, plan, llm, cost))?;
            }
        }
        return Ok(ExitCode::Success);
    }
    let by = job.by().to_string();
    let progress = ModelCalls::new(settings.quiet);
    let summary = app::runtime()?.block_on(job.run(&store, &progress));
    progress.finish();
    let summary = summary?;
    if summary.groups.iter().all(|g| g.value.is_none()) && !summary.groups.is_empty() {
        term::warn(&format!(
            "no document has a `{by}` field; everything is in one group"
        ));
    }
    term::emit(args.out.as_deref(), |out| {
        report::render(out, &summary, args.format)
    })?;
    for s in &summary.run.skipped {
        term::warn(s);
    }
    if !settings.quiet {
        for n in &summary.run.notes {
            term::note(n);
        }
    }
    if summary.run.incomplete {
        term::warn(&format!(
            "stopped at the token budget (--max-tokens-total {}); run the same command again to continue from the cache",
            args.max_tokens_total.unwrap_or(0)
        ));
    }
    if !settings.quiet {
        let r = &summary.run;
        let themes: usize = summary.groups.iter().map(|g| g.themes.len()).sum();
        let written = args
            .out
            .as_ref()
            .map(|p| format!(" → {}", p.display()))
            .unwrap_or_default();
        term::note(&format!(
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
