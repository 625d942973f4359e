//! `insight index`: runs the incremental indexer with a progress bar and
//! live warnings, then prints the outcome.

use super::args::IndexArgs;
use crate::app::Settings;
use crate::error::{Error, ExitCode, Result};
use crate::index::writer::EmbedChoice;
use crate::index::{self, IndexOptions};
use crate::report::{json, terminal};
use crate::term;
use crate::term::progress::Indexing;

/// Runs the command.
pub fn run(settings: &Settings, args: &IndexArgs) -> Result<ExitCode> {
    let (threads, memory_mb) = settings.index_resources(args.threads)?;
    let opts = IndexOptions {
        paths: args.paths.clone(),
        accounts: args.accounts.clone(),
        meta: args.meta.clone(),
        text_column: args.text_column.clone(),
        rebuild: args.rebuild,
        threads,
        memory_mb,
        embed: if args.no_embed {
            EmbedChoice::Off
        } else if args.embed {
            EmbedChoice::On(settings.embed_for_index()?)
        } else {
            EmbedChoice::Keep
        },
    };
    let reporter = Indexing::new(settings.quiet);
    let report = index::run(&settings.index, &opts, &reporter)?;
    reporter.finish();
    if args.json {
        term::print_json(&json::indexed(&report))?;
    } else if !settings.quiet {
        term::print_with(|out| terminal::indexed(out, &report))?;
        if settings.verbose > 0 {
            term::note(&format!(
                "{} files under the roots, {} read, index at {}",
                report.files_seen,
                report.files_read,
                settings.index.display()
            ));
        }
    }
    if args.strict && !report.skipped.is_empty() {
        return Err(Error::StrictSkipped {
            count: report.skipped.len(),
        });
    }
    Ok(ExitCode::Success)
}
