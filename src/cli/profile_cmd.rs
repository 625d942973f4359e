//! `insight profile`: builds the Ideal Client Profile (offline, then the
//! narratives by a model when one is configured) and renders it, or scores
//! a leads file against it (`--prospects`). Ends with one line on stderr.

use super::args::ProfileArgs;
use crate::app::{self, ProfileRequest, Settings};
use crate::error::{Error, ExitCode, Result};
use crate::index::Store;
use crate::profile;
use crate::report::{self, Format};
use crate::term::progress::Steps;
use crate::term::{self, human_ms};

/// Runs the command.
pub fn run(settings: &Settings, args: &ProfileArgs) -> Result<ExitCode> {
    let store = Store::open(&settings.index)?;
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
    let request = ProfileRequest {
        by: args.by.clone(),
        filters: super::filters(&args.filters),
        top: args.top,
        rank_by: args.rank_by.clone(),
        top_accounts: args.top_accounts.map(|n| n as usize),
        min_support: args.min_support.map(|n| n as usize),
        compare: args.compare_period.clone(),
    };
    if let Some(leads) = &args.prospects {
        return prospects(settings, args, &store, &request, leads, format);
    }
    let format = format.unwrap_or(Format::Md);
    if format == Format::Csv {
        return Err(Error::invalid(
            "--format",
            "csv is for --prospects; a profile is md, json or html",
        ));
    }
    let model = settings.settled_model(&super::llm_choice(&args.llm))?;
    let bar = Steps::new(settings.quiet);
    let built = app::profile(settings, &store, &request, &bar);
    bar.finish();
    let mut prof = built?;
    if model.is_model() {
        let bar = Steps::new(settings.quiet);
        let done = app::runtime()?.block_on(app::narrate(&store, &mut prof, &model, &bar));
        bar.finish();
        done?;
    }
    term::emit(args.out.as_deref(), |out| {
        report::render_profile(out, &prof, format)
    })?;
    warn_problems(&prof.accounts_file, &prof.problems);
    if !settings.quiet {
        for n in &prof.run.notes {
            term::note(n);
        }
        let written = args
            .out
            .as_ref()
            .map(|p| format!(" → {}", p.display()))
            .unwrap_or_default();
        let r = &prof.run;
        term::note(&format!(
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
        term::warn(&format!(
            "{path} row {} ({}): {} `{}` is not {}; left out",
            p.row, p.account, p.column, p.value, p.expected
        ));
    }
}

/// `--prospects FILE`: each lead's fit, as CSV or JSON.
fn prospects(
    settings: &Settings,
    args: &ProfileArgs,
    store: &Store,
    request: &ProfileRequest,
    leads: &std::path::Path,
    format: Option<Format>,
) -> Result<ExitCode> {
    let format = format.unwrap_or(Format::Csv);
    if !matches!(format, Format::Csv | Format::Json) {
        return Err(Error::invalid(
            "--format",
            format!("scored leads are csv or json, not {format}"),
        ));
    }
    let (fit, min_support) = app::prospects(settings, store, request, leads)?;
    term::emit(args.out.as_deref(), |out| {
        report::render_prospects(out, &fit, format)
    })?;
    warn_problems(&fit.accounts_file, &fit.problems);
    if !settings.quiet {
        for n in &fit.scored.notes {
            term::note(n);
        }
        if fit.criteria.is_empty() {
            term::warn(&format!(
                "no trait sets the {} best customers apart (at least {min_support} of them, lift ≥ {}): every lead scores 0",
                fit.best.accounts,
                profile::best::MIN_LIFT
            ));
        }
        term::note(&format!(
            "{} lead(s) scored on {} criteria from {} best customers ({})",
            fit.scored.leads.len(),
            fit.criteria.len(),
            fit.best.accounts,
            fit.best.rule
        ));
    }
    Ok(ExitCode::Success)
}
