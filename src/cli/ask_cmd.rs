//! `insight ask`: streams the answer to a terminal (or prints it whole), then
//! the numbered sources; `--json` prints the contract's JSON.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use serde_json::json;

use super::Context;
use super::args::AskArgs;
use super::output::{self, paint, style};
use crate::error::{ExitCode, Result};
use crate::index::Store;
use crate::llm::Sink;
use crate::synthesize::ask::{Answer, Asker, Citation};

/// Prints streamed text as it comes and notes when the first token arrived.
struct Terminal {
    stream: bool,
    started: Instant,
    first: Option<Duration>,
    printed: bool,
}

impl Sink for Terminal {
    fn delta(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        self.first.get_or_insert_with(|| self.started.elapsed());
        if self.stream {
            let mut out = anstream::stdout().lock();
            let _ = out.write_all(text.as_bytes());
            let _ = out.flush();
            self.printed = true;
        }
    }

    fn restart(&mut self) {
        if self.stream && self.printed {
            let _ = anstream::stdout().lock().write_all(b"\n\n");
        }
    }

    fn notice(&mut self, message: &str) {
        if self.stream && self.printed {
            let _ = anstream::stdout().lock().write_all(b"\n");
        }
        output::note(message);
    }
}

/// Runs the command.
pub fn run(ctx: &Context, args: &AskArgs) -> Result<ExitCode> {
    let store = Store::open(&ctx.index)?;
    let config = ctx.config()?;
    let mut settings = super::llm_settings(&args.llm, &config)?;
    super::settle_window(&mut settings, &store.dir)?;
    let filters = super::filters(&args.filters);
    let question = args.question.join(" ");
    let mut asker = Asker::new(
        &store,
        settings,
        &config,
        args.llm.no_cache,
        args.llm.no_redact,
        crate::embed::load(&config)?.map(std::sync::Arc::new),
    )?;
    let hits = asker.retrieve(&question, &filters, args.limit, &[])?;
    let stream = args.stream || (!args.json && !args.no_stream && std::io::stdout().is_terminal());
    let mut sink = Terminal {
        stream: stream && !args.json,
        started: Instant::now(),
        first: None,
        printed: false,
    };
    let answer = super::runtime()?.block_on(asker.ask(
        &question,
        &hits,
        &filters,
        &[],
        stream,
        &mut sink,
    ))?;
    let total = sink.started.elapsed();
    if args.json {
        output::print_json(&answer_json(&answer))?;
    } else {
        let mut out = String::new();
        if !sink.printed {
            out.push_str(&answer.text);
        }
        out.push_str("\n\n");
        out.push_str(&sources(&answer));
        output::print(&out)?;
    }
    if !ctx.quiet {
        for n in &answer.notes {
            output::warn(n);
        }
        if answer.dropped_for_budget > 0 && ctx.verbose > 0 {
            output::note(&format!(
                "{} retrieved passage(s) did not fit the model's context and were left out",
                answer.dropped_for_budget
            ));
        }
    }
    if ctx.verbose > 0 {
        let first = sink
            .first
            .map(|d| format!(", first text after {:.2} s", d.as_secs_f64()))
            .unwrap_or_default();
        output::note(&format!(
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

/// The contract's JSON (plus `passages`, `cached`, `removed_citations`, `notes`).
pub fn answer_json(a: &Answer) -> serde_json::Value {
    json!({
        "question": a.question,
        "answer": a.text,
        "citations": a.citations,
        "provider": a.provider.to_string(),
        "model": a.model,
        "usage": a.usage,
        "cached": a.cached,
        "passages": a.passages,
        "removed_citations": a.removed_citations,
        "attached_citations": a.attached_citations,
        "dropped_passages": a.dropped_for_budget,
        "notes": a.notes,
    })
}

/// `Sources` with one line per cited passage (or the passages sent, when the
/// model cited none).
pub fn sources(a: &Answer) -> String {
    let (title, list): (&str, &[Citation]) = if !a.citations.is_empty() {
        ("Sources", &a.citations)
    } else if !a.passages.is_empty() {
        ("Passages given to the model (none was cited)", &a.passages)
    } else {
        return String::new();
    };
    let mut out = format!("{}\n", paint(style::BOLD, title));
    for c in list {
        let who = match (&c.account_name, &c.account) {
            (Some(n), _) => n.clone(),
            (None, Some(a)) => a.clone(),
            _ => String::new(),
        };
        let seg = c
            .segment
            .as_ref()
            .map(|s| format!(" ({s})"))
            .unwrap_or_default();
        let speaker = c
            .speaker
            .as_ref()
            .map(|s| format!(" · {s}"))
            .unwrap_or_default();
        out.push_str(&format!(
            "  [{}] {}:{} — {who}{seg}{}\n",
            c.n,
            paint(style::PATH, &c.path),
            paint(style::LOCATION, &c.location),
            paint(style::DIM, speaker),
        ));
    }
    out
}
