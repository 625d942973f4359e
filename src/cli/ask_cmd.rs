//! `insight ask`: streams the answer to a terminal (or prints it whole), then
//! the numbered sources; `--json` prints the contract's JSON.

use std::io::IsTerminal;

use super::args::AskArgs;
use crate::app::{self, Settings};
use crate::error::{ExitCode, Result};
use crate::index::Store;
use crate::report::{json, terminal};
use crate::term::{self, stream::Plain};

/// Runs the command.
pub fn run(settings: &Settings, args: &AskArgs) -> Result<ExitCode> {
    let store = Store::open(&settings.index)?;
    let filters = super::filters(&args.filters);
    let question = args.question.join(" ");
    let model = settings.settled_model(&super::llm_choice(&args.llm))?;
    let mut asker = app::asker(settings, &store, &model)?;
    let hits = asker.retrieve(&question, &filters, args.limit, &[])?;
    let stream = args.stream || (!args.json && !args.no_stream && std::io::stdout().is_terminal());
    let mut sink = Plain::new(stream && !args.json);
    let answer =
        app::runtime()?.block_on(asker.ask(&question, &hits, &filters, &[], stream, &mut sink))?;
    let total = sink.started.elapsed();
    if args.json {
        term::print_json(&json::answer(&answer))?;
    } else {
        term::print_with(|out| {
            if !sink.printed {
                out.write_all(answer.text.as_bytes())?;
            }
            out.write_all(b"\n\n")?;
            terminal::sources(out, &answer)
        })?;
    }
    if !settings.quiet {
        for n in &answer.notes {
            term::warn(n);
        }
        if answer.dropped_for_budget > 0 && settings.verbose > 0 {
            term::note(&format!(
                "{} retrieved passage(s) did not fit the model's context and were left out",
                answer.dropped_for_budget
            ));
        }
    }
    if settings.verbose > 0 {
        let first = sink
            .first
            .map(|d| format!(", first text after {:.2} s", d.as_secs_f64()))
            .unwrap_or_default();
        term::note(&format!(
            "{} · {} · {} prompt + {} completion tokens{} · {:.2} s{first}",
            answer.provider,
            answer.model.as_deref().unwrap_or("no model"),
            answer.usage.prompt_tokens,
            answer.usage.completion_tokens,
            if answer.cached { " (cached)" } else { "" },
            total.as_secs_f64(),
        ));
    }
    Ok(ExitCode::Success)
}
