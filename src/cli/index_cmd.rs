//! `insight index`: runs the incremental indexer with a progress bar and
//! live warnings, then prints the outcome.

use indicatif::ProgressBar;
use serde_json::json;

use super::Context;
use super::args::IndexArgs;
use super::output::{self, human_ms, paint, style};
use crate::error::{Error, ExitCode, Result};
use crate::index::writer::{EmbedChoice, Event, Observer};
use crate::index::{self, IndexOptions};

/// Turns indexing events into a progress bar and warnings on stderr.
struct Reporter {
    bar: ProgressBar,
    quiet: bool,
}

impl Observer for Reporter {
    fn event(&self, event: Event<'_>) {
        match event {
            Event::Start { files } => self.bar.set_length(files),
            Event::Advance => self.bar.inc(1),
            Event::Skipped(s) if !self.quiet => self
                .bar
                .suspend(|| output::warn(&format!("skipped {}: {}", s.path, s.reason))),
            Event::Repaired(r) if !self.quiet => self
                .bar
                .suspend(|| output::warn(&format!("{}: {}", r.path, r.note))),
            Event::Notice(n) if !self.quiet => self.bar.suspend(|| output::note(n)),
            _ => {}
        }
    }
}

/// Runs the command.
pub fn run(ctx: &Context, args: &IndexArgs) -> Result<ExitCode> {
    let config = ctx.config()?;
    let opts = IndexOptions {
        paths: args.paths.clone(),
        accounts: args.accounts.clone(),
        meta: args.meta.clone(),
        text_column: args.text_column.clone(),
        rebuild: args.rebuild,
        threads: args.threads.or(config.index.threads).unwrap_or(0),
        memory_mb: config.index.memory_mb.unwrap_or(256),
        embed: if args.no_embed {
            EmbedChoice::Off
        } else if args.embed {
            EmbedChoice::On(
                crate::embed::model_spec(&config)
                    .filter(|s| *s != crate::embed::ModelSpec::Off)
                    .ok_or_else(|| crate::embed::not_configured("--embed"))?,
            )
        } else {
            EmbedChoice::Keep
        },
    };
    let bar = output::progress_bar(
        ctx.quiet,
        "{spinner} indexing {pos}/{len} files {wide_bar} {eta}",
    );
    let reporter = Reporter {
        bar,
        quiet: ctx.quiet,
    };
    let report = index::run(&ctx.index, &opts, &reporter)?;
    reporter.bar.finish_and_clear();
    if args.json {
        output::print_json(&json!({
            "documents": report.documents,
            "passages": report.passages,
            "added": report.added,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "removed": report.removed,
            "skipped": report.skipped,
            "elapsed_ms": report.elapsed_ms,
        }))?;
    } else if !ctx.quiet {
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
        output::print(&line)?;
        if ctx.verbose > 0 {
            output::note(&format!(
                "{} files under the roots, {} read, index at {}",
                report.files_seen,
                report.files_read,
                ctx.index.display()
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
