//! `insight profile`: builds the Ideal Client Profile (offline, then the
//! narratives by a model when one is configured) and renders it, or scores
//! a leads file against it (`--prospects`). Ends with one line on stderr.

use indicatif::ProgressBar;

use super::Context;
use super::args::ProfileArgs;
use super::output::{self, human_ms};
use crate::error::{Error, ExitCode, Result};
use crate::index::Store;
use crate::llm::ProviderKind;
use crate::profile::{self, Options, Steps, crm::Crm, prospects};
use crate::report::{self, Format};

/// Runs the command.
pub fn run(ctx: &Context, args: &ProfileArgs) -> Result<ExitCode> {
    let store = Store::open(&ctx.index)?;
    let config = ctx.config()?;
    let min_support = args
        .min_support
        .map(|n| n as usize)
        .or(config.profile.min_support)
        .unwrap_or(2);
    let format = match (args.json, args.format) {
        (true, Some(f)) if f != Format::Json => {
            return Err(Error::invalid(
                "--json",
                format!("conflicts with --format {f}; give one of them"),
            ));
        }
        (true, _) => Some(Format::Json),
        (false, f) => f,
    };
    if let Some(leads) = &args.prospects {
        return prospects_cmd(ctx, args, &store, &config, leads, format, min_support);
    }
    let format = format.unwrap_or(Format::Md);
    if format == Format::Csv {
        return Err(Error::invalid(
            "--format",
            "csv is for --prospects; a profile is md, json or html",
        ));
    }
    let mut settings = super::llm_settings(&args.llm, &config)?;
    if settings.provider != ProviderKind::Extractive {
        super::settle_window(&mut settings, &store.dir)?;
    }
    let opts = Options {
        by: args.by.clone(),
        filters: super::filters(&args.filters),
        top: args.top.max(1),
        rank_by: args.rank_by.clone(),
        top_accounts: args.top_accounts.map(|n| n as usize),
        min_support,
        compare: args.compare_period.clone(),
        internal: config.summarize.internal_speakers.clone(),
        embedder: crate::embed::load_or_builtin(&config)?.map(std::sync::Arc::new),
        product_names: config.summarize.product_names.clone(),
        sample_seed: config.summarize.sample_seed,
    };
    let bar = Bar::new(ctx.quiet);
    let built = profile::build(&store, &config, &opts, &bar);
    bar.bar.finish_and_clear();
    let mut prof = built?;
    if settings.provider != ProviderKind::Extractive {
        let run = crate::synthesize::summarize::ModelRun {
            settings: &settings,
            config: &config,
            no_cache: args.llm.no_cache,
            no_redact: args.llm.no_redact,
            max_tokens_total: None,
        };
        let bar = Bar::new(ctx.quiet);
        let done = super::runtime()?.block_on(profile::narrate(&store, &mut prof, &run, &bar));
        bar.bar.finish_and_clear();
        done?;
    }
    let text = report::render_profile(&prof, format);
    match &args.out {
        Some(path) => output::write_atomic(path, &text)?,
        None => output::print(&text)?,
    }
    warn_problems(&prof.accounts_file, &prof.problems);
    if !ctx.quiet {
        for n in &prof.run.notes {
            output::note(n);
        }
        let written = args
            .out
            .as_ref()
            .map(|p| format!(" → {}", p.display()))
            .unwrap_or_default();
        let r = &prof.run;
        output::note(&format!(
            "{} account(s) in {} group(s) · best customers: {} · {} · {} request(s), {} cache hit(s), {} prompt + {} completion tokens{written}",
            prof.accounts,
            prof.groups.len(),
            prof.best.as_ref().map_or(0, |b| b.accounts),
            human_ms(r.elapsed_ms),
            r.requests,
            r.cache_hits,
            r.usage.prompt_tokens,
            r.usage.completion_tokens,
        ));
    }
    Ok(ExitCode::Success)
}

/// Names every CRM value that could not be read.
fn warn_problems(path: &str, problems: &[profile::crm::Problem]) {
    for p in problems {
        output::warn(&format!(
            "{path} row {} ({}): {} `{}` is not {}; left out",
            p.row, p.account, p.column, p.value, p.expected
        ));
    }
}

/// `--prospects FILE`: each lead's fit, as CSV or JSON.
fn prospects_cmd(
    ctx: &Context,
    args: &ProfileArgs,
    store: &Store,
    config: &crate::config::Config,
    leads: &std::path::Path,
    format: Option<Format>,
    min_support: usize,
) -> Result<ExitCode> {
    let format = format.unwrap_or(Format::Csv);
    if !matches!(format, Format::Csv | Format::Json) {
        return Err(Error::invalid(
            "--format",
            format!("scored leads are csv or json, not {format}"),
        ));
    }
    let (table, path) = profile::remembered_accounts(store)?;
    let crm: Crm = profile::read_crm(&table, &path, config)?;
    let scope = profile::in_scope(&crm, &super::filters(&args.filters));
    let Some(rank_by) = profile::rank_metric(&crm, args.rank_by.as_ref()) else {
        return Err(Error::Accounts {
            path: path.into(),
            message:
                "no NPS, ARR or churn column to find the best customers by (map one in [profile])"
                    .into(),
        });
    };
    let (best, lifts) = profile::best_customers(
        &crm,
        &scope,
        &rank_by,
        args.top_accounts.map(|n| n as usize),
        min_support,
    )
    .map_err(|m| Error::invalid("--rank-by", format!("{m} in {path}")))?;
    let ranges: Vec<_> = best
        .ranges
        .iter()
        .map(|r| (r.best.clone(), r.rest_median))
        .collect();
    let criteria = prospects::criteria(&lifts, &ranges, min_support);
    let bytes = std::fs::read(leads).map_err(|e| Error::io(leads, e))?;
    let text = crate::ingest::decode::decode(&bytes)
        .map_err(|e| Error::Leads {
            path: leads.into(),
            message: e.to_string(),
        })?
        .text;
    let scored = prospects::score(&text, &criteria).map_err(|message| Error::Leads {
        path: leads.into(),
        message,
    })?;
    let out = match format {
        Format::Json => {
            let v = serde_json::json!({
                "rank_by": best.rank_by,
                "best_customers": best.accounts,
                "rule": best.rule,
                "criteria": criteria,
                "leads": scored.leads,
                "notes": scored.notes,
            });
            serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
        }
        _ => prospects::to_csv(&scored).map_err(|message| Error::Leads {
            path: leads.into(),
            message,
        })?,
    };
    match &args.out {
        Some(p) => output::write_atomic(p, &out)?,
        None => output::print(&out)?,
    }
    warn_problems(&path, &crm.problems);
    if !ctx.quiet {
        for n in &scored.notes {
            output::note(n);
        }
        if criteria.is_empty() {
            output::warn(&format!(
                "no trait sets the {} best customers apart (at least {min_support} of them, lift ≥ {}): every lead scores 0",
                best.accounts,
                profile::best::MIN_LIFT
            ));
        }
        output::note(&format!(
            "{} lead(s) scored on {} criteria from {} best customers ({})",
            scored.leads.len(),
            criteria.len(),
            best.accounts,
            best.rule
        ));
    }
    Ok(ExitCode::Success)
}

/// A progress bar over the steps of a profile.
struct Bar {
    bar: ProgressBar,
}

impl Bar {
    fn new(quiet: bool) -> Bar {
        Bar {
            bar: output::progress_bar(quiet, "{spinner} {pos}/{len} {wide_bar} {msg} {elapsed}"),
        }
    }
}

impl Steps for Bar {
    fn start(&self, n: usize) {
        self.bar.set_position(0);
        self.bar.set_length(n as u64);
    }

    fn step(&self, what: &str) {
        self.bar.inc(1);
        self.bar.set_message(what.to_string());
    }
}
