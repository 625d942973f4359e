//! `insight search`: prints ranked passages, for people or as JSON.

use super::args::SearchArgs;
use crate::app::{self, Settings};
use crate::error::{ExitCode, Result};
use crate::index::Store;
use crate::report::{json, terminal};
use crate::term::{self, paint, style};

/// Runs the command.
pub fn run(settings: &Settings, args: &SearchArgs) -> Result<ExitCode> {
    let store = Store::open(&settings.index)?;
    let filters = super::filters(&args.filters);
    let query = args.query.join(" ");
    let (results, took_ms) = app::search(
        settings,
        &store,
        &query,
        &filters,
        args.limit,
        args.semantic,
    )?;
    if args.json {
        term::print_json(&json::search(&results, args.semantic, took_ms))?;
        return Ok(ExitCode::Success);
    }
    term::print_with(|out| terminal::hits(out, &results))?;
    if !settings.quiet {
        let filter_note = if filters.is_empty() {
            String::new()
        } else {
            format!(" (filters: {filters})")
        };
        let msg = if results.total == 0 {
            format!("no passage matches `{query}`{filter_note}")
        } else {
            format!(
                "{} of {} matching passage(s){filter_note}",
                results.hits.len(),
                results.total,
            )
        };
        anstream::eprintln!("{}", paint(style::DIM, msg));
    }
    Ok(ExitCode::Success)
}
