//! `insight stats`: what the index holds (also `/stats` in the REPL).

use super::args::StatsArgs;
use crate::app::{self, Settings};
use crate::error::{ExitCode, Result};
use crate::index::Store;
use crate::report::{json, terminal};
use crate::term;

/// Runs the command.
pub fn run(settings: &Settings, args: &StatsArgs) -> Result<ExitCode> {
    let store = Store::open(&settings.index)?;
    let (stats, kinds) = app::stats(&store)?;
    let index = settings.index.display().to_string();
    if args.json {
        term::print_json(&json::stats(&index, &stats, &kinds))?;
    } else {
        term::print_with(|out| terminal::stats(out, &index, &stats, &kinds))?;
    }
    Ok(ExitCode::Success)
}
