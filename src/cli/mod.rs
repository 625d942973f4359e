//! The command-line shell: parses flags (`args`), builds the context once and
//! dispatches to one small module per command. All real work happens in the
//! library modules.

pub mod args;
pub mod ask_cmd;
mod doctor_cmd;
mod index_cmd;
pub mod output;
mod profile_cmd;
pub mod search_cmd;
mod segments_cmd;
pub mod stats_cmd;
mod summarize_cmd;

use std::path::PathBuf;

use clap::CommandFactory;

pub use args::Cli;
use args::{Command, FilterArgs, LlmArgs};

use crate::config::Config;
use crate::error::{ExitCode, Result};
use crate::llm::{LlmFlags, LlmSettings};
use crate::retrieve::Filters;

/// What every command gets: the global flags, resolved.
pub struct Context {
    /// Index folder.
    pub index: PathBuf,
    pub config_path: Option<PathBuf>,
    pub quiet: bool,
    pub verbose: u8,
}

impl Context {
    /// Loads the config (only the commands that need it call this).
    pub fn config(&self) -> Result<Config> {
        Config::load(self.config_path.as_deref())
    }
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode> {
    output::init_color(cli.color);
    let ctx = Context {
        index: cli.index,
        config_path: cli.config,
        quiet: cli.quiet,
        verbose: cli.verbose,
    };
    match &cli.command {
        Some(Command::Index(a)) => index_cmd::run(&ctx, a),
        Some(Command::Search(a)) => search_cmd::run(&ctx, a),
        Some(Command::Segments(a)) => segments_cmd::run(&ctx, a),
        Some(Command::Stats(a)) => stats_cmd::run(&ctx, a),
        Some(Command::Ask(a)) => ask_cmd::run(&ctx, a),
        Some(Command::Summarize(a)) => summarize_cmd::run(&ctx, a),
        Some(Command::Profile(a)) => profile_cmd::run(&ctx, a),
        Some(Command::Doctor(a)) => doctor_cmd::run(&ctx, a),
        Some(Command::Repl(a)) => repl(&ctx, a),
        None => {
            use std::io::IsTerminal;
            if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
                return repl(&ctx, &args::ReplArgs::default());
            }
            let help = Cli::command().render_help().ansi().to_string();
            output::print(&help)?;
            Ok(ExitCode::Success)
        }
    }
}

fn repl(ctx: &Context, a: &args::ReplArgs) -> Result<ExitCode> {
    crate::repl::run(
        ctx,
        crate::repl::session::Start {
            filters: filters(&a.filters),
            llm: llm_flags(&a.llm),
            no_cache: a.llm.no_cache,
            no_redact: a.llm.no_redact,
        },
    )
}

/// The library's filters from the flags.
pub fn filters(a: &FilterArgs) -> Filters {
    Filters {
        segments: a.segments.clone(),
        kinds: a.kinds.clone(),
        accounts: a.accounts.clone(),
        since: a.since.clone(),
        until: a.until.clone(),
        wheres: a.wheres.clone(),
    }
}

/// Resolves the LLM settings from the flags, the environment and the config.
pub fn llm_settings(a: &LlmArgs, config: &Config) -> Result<LlmSettings> {
    LlmSettings::from_env(&llm_flags(a), &config.llm)
}

/// The LLM flags, as the library takes them.
fn llm_flags(a: &LlmArgs) -> LlmFlags {
    LlmFlags {
        provider: a.provider,
        model: a.model.clone(),
        base_url: a.base_url.clone(),
        context_tokens: a.context_tokens,
    }
}

/// The settings with the window settled: asked of the server, or learned
/// from its earlier error (remembered under the index at `index`).
pub fn settle_window(settings: &mut LlmSettings, index: &std::path::Path) -> Result<()> {
    let memory = crate::llm::window::Memory::for_index(index);
    runtime()?.block_on(crate::llm::window::resolve(settings, Some(&memory)));
    Ok(())
}

/// A single-threaded async runtime for the commands that call a provider.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| crate::error::Error::io("<async runtime>", e))
}
