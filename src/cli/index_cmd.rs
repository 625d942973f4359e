//! `insight index`: runs the incremental indexer with a progress bar and
//! live warnings, then prints the outcome.

use serde_json::json;

use super::args::IndexArgs;
use crate::app::Settings;
use crate::error::{Error, ExitCode, Result};
use crate::index::writer::EmbedChoice;
use crate::index::{self, IndexOptions};
use crate::term::progress::Indexing;
use crate::term::{self, human_ms, paint, style};

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
        term::print_json(&json!({
            "documents": report.documents,
            "passages": report.passages,
            "added": report.added,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "removed": report.removed,
            "skipped": report.skipped,
            "elapsed_ms": report.elapsed_ms,
        }))?;
    } else if !settings.quiet {
        let mut line = format!(
            "{} {} documents ({} passages) in {}: {} added, {} updated, {} unchanged, {} removed",
            paint(style::BOLD, "indexed"),
            report.documents,
            report.passages,
            human_ms(report.elapsed_ms),
            report.added,
            report.updated,
            report.unchanged,
            report.removed,
        );
        if !report.skipped.is_empty() {
            line.push_str(&format!(", {} file(s) skipped", report.skipped.len()));
        }
        line.push('\n');
        term::print(&line)?;
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
