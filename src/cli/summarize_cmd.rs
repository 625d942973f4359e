//! `insight summarize`: runs the summary (offline or with a model), renders
//! it in the chosen format to stdout or `--out`, and ends with one line on
//! stderr: time, tokens, cache hits.

use std::io::Write;

use super::Context;
use super::args::SummarizeArgs;
use super::output::{self, human_ms};
use crate::error::{Error, ExitCode, Result};
use crate::index::Store;
use crate::llm::ProviderKind;
use crate::report;
use crate::synthesize::summarize::{Options, Summary, summarize_offline};

/// Runs the command.
pub fn run(ctx: &Context, args: &SummarizeArgs) -> Result<ExitCode> {
    let store = Store::open(&ctx.index)?;
    let config = ctx.config()?;
    let settings = super::llm_settings(&args.llm, &config)?;
    let opts = Options {
        by: crate::ingest::meta::normalize_key(&args.by),
        lens: args.lens,
        filters: super::filters(&args.filters),
        top: args.top.max(1),
        internal: config.summarize.internal_speakers.clone(),
    };
    let summary: Summary = match settings.provider {
        ProviderKind::Extractive => {
            if args.dry_run {
                output::print(
                    "dry run: the extractive provider calls no model and costs nothing\n",
                )?;
                return Ok(ExitCode::Success);
            }
            summarize_offline(&store, &opts, args.compare)?
        }
        _ => {
            return Err(Error::invalid(
                "--provider",
                "summaries with a model are not ready yet",
            ));
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
        Some(path) => write_atomic(path, &text)?,
        None => output::print(&text)?,
    }
    for s in &summary.run.skipped {
        output::warn(s);
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

/// Writes `text` to `path` through a temporary file and a rename.
fn write_atomic(path: &std::path::Path, text: &str) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let tmp = dir.join(format!(
        ".{}.tmp",
        path.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default()
    ));
    let mut f = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
    f.write_all(text.as_bytes())
        .map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}
