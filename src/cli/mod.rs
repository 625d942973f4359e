//! The command-line shell: parses flags (`args`), resolves the settings once
//! (`app::Settings`) and dispatches to one small module per command, each a
//! call into `app` or a stage, rendered by `report` and printed by `term`.

pub mod args;
mod ask_cmd;
mod doctor_cmd;
mod index_cmd;
mod profile_cmd;
mod search_cmd;
mod segments_cmd;
mod stats_cmd;
mod summarize_cmd;

use clap::CommandFactory;

pub use args::Cli;
use args::{ColorWhen, Command, FilterArgs, LlmArgs};

use crate::app::{LlmChoice, Settings};
use crate::error::{ExitCode, Result};
use crate::llm::LlmFlags;
use crate::retrieve::Filters;
use crate::term;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode> {
    term::init_color(match cli.color {
        ColorWhen::Auto => anstream::ColorChoice::Auto,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
    });
    let settings = Settings::new(cli.index, cli.config, cli.quiet, cli.verbose);
    match &cli.command {
        Some(Command::Index(a)) => index_cmd::run(&settings, a),
        Some(Command::Search(a)) => search_cmd::run(&settings, a),
        Some(Command::Segments(a)) => segments_cmd::run(&settings, a),
        Some(Command::Stats(a)) => stats_cmd::run(&settings, a),
        Some(Command::Ask(a)) => ask_cmd::run(&settings, a),
        Some(Command::Summarize(a)) => summarize_cmd::run(&settings, a),
        Some(Command::Profile(a)) => profile_cmd::run(&settings, a),
        Some(Command::Doctor(a)) => doctor_cmd::run(&settings, a),
        Some(Command::Repl(a)) => repl(&settings, a),
        None => {
            use std::io::IsTerminal;
            if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
                return repl(&settings, &args::ReplArgs::default());
            }
            let help = Cli::command().render_help().ansi().to_string();
            term::print(&help)?;
            Ok(ExitCode::Success)
        }
    }
}

fn repl(settings: &Settings, a: &args::ReplArgs) -> Result<ExitCode> {
    crate::repl::run(settings, filters(&a.filters), llm_choice(&a.llm))
}

/// The library's filters from the flags.
fn filters(a: &FilterArgs) -> Filters {
    Filters {
        segments: a.segments.clone(),
        kinds: a.kinds.clone(),
        accounts: a.accounts.clone(),
        since: a.since.clone(),
        until: a.until.clone(),
        wheres: a.wheres.clone(),
    }
}

/// The model choices from the flags.
fn llm_choice(a: &LlmArgs) -> LlmChoice {
    LlmChoice {
        flags: LlmFlags {
            provider: a.provider,
            model: a.model.clone(),
            base_url: a.base_url.clone(),
            context_tokens: a.context_tokens,
        },
        no_cache: a.no_cache,
        no_redact: a.no_redact,
    }
}
