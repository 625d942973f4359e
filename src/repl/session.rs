//! A REPL session: the state a conversation carries (filters, lens, turns,
//! the last answer, the provider) and one handler per command. Answers stream
//! through a sink that wraps to the terminal; Ctrl-C during an answer drops
//! the request and returns to the prompt.

use std::io::Write;
use std::time::Instant;

use super::command::{self, Command};
use crate::cli::Context;
use crate::cli::ask_cmd::sources;
use crate::cli::output::{self, paint, style};
use crate::cli::search_cmd::render_hit;
use crate::cli::stats_cmd;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::index::Store;
use crate::llm::{LlmFlags, LlmSettings, ProviderKind, Sink};
use crate::report::{self, Format};
use crate::retrieve::search::document;
use crate::retrieve::{Filters, search};
use crate::synthesize::ask::{Answer, Asker, Turn};
use crate::synthesize::lens::Lens;
use crate::synthesize::refine::Quiet;
use crate::synthesize::summarize::{
    ModelRun, Options, prepare_model, summarize_offline, summarize_with_model,
};

/// Passages retrieved per question.
const ASK_LIMIT: usize = 8;

/// What the session started with.
pub struct Start {
    pub filters: Filters,
    pub llm: LlmFlags,
    pub no_cache: bool,
    pub no_redact: bool,
}

/// Whether the loop goes on.
pub enum Flow {
    Continue,
    Quit,
}

/// A research session.
pub struct Session<'a> {
    ctx: &'a Context,
    store: &'a Store,
    config: Config,
    flags: LlmFlags,
    no_cache: bool,
    no_redact: bool,
    pub filters: Filters,
    lens: Lens,
    turns: Vec<Turn>,
    last: Option<Answer>,
    asker: Asker<'a>,
    rt: tokio::runtime::Runtime,
    /// Terminal width to wrap answers at (`None`: not a terminal, no wrapping).
    width: Option<usize>,
}

impl<'a> Session<'a> {
    /// Opens a session on `store`.
    pub fn new(ctx: &'a Context, store: &'a Store, start: Start) -> Result<Session<'a>> {
        let config = ctx.config()?;
        let mut settings = LlmSettings::from_env(&start.llm, &config.llm)?;
        crate::cli::settle_window(&mut settings, &store.dir)?;
        let embedder = crate::embed::load(&config)?.map(std::sync::Arc::new);
        let asker = Asker::new(
            store,
            settings,
            &config,
            start.no_cache,
            start.no_redact,
            embedder,
        )?;
        let rt = crate::cli::runtime()?;
        // from now on Ctrl-C outside the line editor reaches the session (which
        // cancels the answer in progress), not the default handler
        #[cfg(unix)]
        rt.block_on(async {
            let _ = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt());
        });
        Ok(Session {
            ctx,
            store,
            config,
            flags: start.llm,
            no_cache: start.no_cache,
            no_redact: start.no_redact,
            filters: start.filters,
            lens: Lens::Pains,
            turns: Vec::new(),
            last: None,
            asker,
            rt,
            width: terminal_width(),
        })
    }

    /// The one-line banner.
    pub fn banner(&self) -> Result<String> {
        let manifest = self.store.manifest()?;
        Ok(format!(
            "{} — {} · {} documents · {} accounts · {} · filters: {}\nType a question, or /help for commands. Ctrl-D leaves.\n",
            paint(style::BOLD, "insight"),
            self.ctx.index.display(),
            manifest.documents(),
            manifest.accounts().len(),
            provider_line(self.asker.settings()),
            self.filters
        ))
    }

    /// The prompt: `insight> `, or with the filters in it.
    pub fn prompt(&self) -> String {
        if self.filters.is_empty() {
            "insight> ".to_string()
        } else {
            format!("insight [{}]> ", self.filters)
        }
    }

    /// Runs one line of input.
    pub fn handle(&mut self, line: &str) -> Flow {
        let command = match command::parse(line) {
            Ok(c) => c,
            Err(message) => {
                output::warn(&message);
                return Flow::Continue;
            }
        };
        if matches!(command, Command::Quit) {
            return Flow::Quit;
        }
        if let Err(e) = self.run(command) {
            output::error(&e);
        }
        Flow::Continue
    }

    fn run(&mut self, command: Command) -> Result<()> {
        match command {
            Command::Empty | Command::Quit => Ok(()),
            Command::Ask(q) => self.ask(&q),
            Command::Search(q) => {
                let results = search(self.store, &q, &self.filters, 10)?;
                let mut out = String::new();
                for (i, hit) in results.hits.iter().enumerate() {
                    out.push_str(&render_hit(i + 1, hit));
                }
                out.push_str(&paint(
                    style::DIM,
                    format!(
                        "{} of {} matching passage(s)\n",
                        results.hits.len(),
                        results.total
                    ),
                ));
                print(&out)
            }
            Command::Summarize(field) => self.summarize(field),
            Command::Lens(None) => {
                print(&format!("lens: {} ({})\n", self.lens, self.lens.heading()))
            }
            Command::Lens(Some(l)) => {
                self.lens = l;
                print(&format!("lens: {} ({})\n", l, l.heading()))
            }
            Command::Segment(v) => self.set_filter(|f| f.segments = v),
            Command::Kind(v) => self.set_filter(|f| f.kinds = v),
            Command::Account(v) => self.set_filter(|f| f.accounts = v),
            Command::Since(d) => self.set_filter(|f| f.since = d),
            Command::Until(d) => self.set_filter(|f| f.until = d),
            Command::Where(Some(w)) => self.set_filter(|f| f.wheres.push(w)),
            Command::Where(None) => self.set_filter(|f| f.wheres.clear()),
            Command::Filters => print(&format!("filters: {}\n", self.filters)),
            Command::Clear => {
                self.filters = Filters::default();
                self.turns.clear();
                self.last = None;
                print("filters cleared; a new conversation starts\n")
            }
            Command::Sources => self.sources(),
            Command::Open(n) => self.open(n),
            Command::Provider(p) => {
                let mut flags = self.flags.clone();
                flags.provider = Some(p);
                self.switch(flags)
            }
            Command::Model(m) => {
                let mut flags = self.flags.clone();
                flags.model = Some(m);
                if flags.provider.is_none()
                    && self.asker.settings().provider != ProviderKind::Extractive
                {
                    flags.provider = Some(self.asker.settings().provider);
                }
                self.switch(flags)
            }
            Command::Stats => print(&stats_cmd::render(self.ctx, self.store)?),
            Command::Help => print(&command::help()),
        }
    }

    fn set_filter(&mut self, change: impl FnOnce(&mut Filters)) -> Result<()> {
        change(&mut self.filters);
        print(&format!("filters: {}\n", self.filters))
    }

    /// Switches provider or model (the conversation goes on).
    fn switch(&mut self, flags: LlmFlags) -> Result<()> {
        let mut settings = LlmSettings::from_env(&flags, &self.config.llm)?;
        crate::cli::settle_window(&mut settings, &self.store.dir)?;
        self.asker = Asker::new(
            self.store,
            settings,
            &self.config,
            self.no_cache,
            self.no_redact,
            self.asker.embedder(), // the model stays loaded
        )?;
        self.flags = flags;
        print(&format!(
            "now answering with {}\n",
            provider_line(self.asker.settings())
        ))
    }

    /// A question: retrieve, stream the answer (Ctrl-C cancels), then sources.
    fn ask(&mut self, question: &str) -> Result<()> {
        let hits = self
            .asker
            .retrieve(question, &self.filters, ASK_LIMIT, &self.turns)?;
        let mut sink = Wrap::new(self.width);
        let started = Instant::now();
        let (asker, filters, turns) = (&mut self.asker, &self.filters, &self.turns);
        let outcome = self.rt.block_on(async {
            tokio::select! {
                r = asker.ask(question, &hits, filters, turns, true, &mut sink) => Some(r),
                _ = tokio::signal::ctrl_c() => None,
            }
        });
        sink.finish();
        let Some(answer) = outcome else {
            // let the HTTP client's background task see the dropped request and
            // close the connection now, not at the next question
            self.rt
                .block_on(async { tokio::time::sleep(std::time::Duration::from_millis(50)).await });
            print(&paint(style::DIM, "(cancelled)\n"))?;
            return Ok(());
        };
        let answer = answer?;
        let mut out = String::from("\n");
        out.push_str(&sources(&answer));
        print(&out)?;
        for n in &answer.notes {
            output::note(n);
        }
        if self.ctx.verbose > 0 {
            output::note(&format!(
                "{} prompt + {} completion tokens{} · {:.2} s",
                answer.usage.prompt_tokens,
                answer.usage.completion_tokens,
                if answer.cached { " (cached)" } else { "" },
                started.elapsed().as_secs_f64()
            ));
        }
        self.turns.push(Turn {
            question: question.to_string(),
            answer: answer.text.clone(),
        });
        self.last = Some(answer);
        Ok(())
    }

    fn last(&self) -> Result<&Answer> {
        self.last
            .as_ref()
            .ok_or_else(|| Error::invalid("/sources", "no answer yet: ask a question first"))
    }

    /// The full passages behind the last answer.
    fn sources(&self) -> Result<()> {
        let a = self.last()?;
        let list = if a.citations.is_empty() {
            &a.passages
        } else {
            &a.citations
        };
        let mut out = String::new();
        for c in list {
            let who = c
                .account_name
                .clone()
                .or_else(|| c.account.clone())
                .unwrap_or_default();
            out.push_str(&format!(
                "[{}] {}:{} {}\n",
                c.n,
                paint(style::PATH, &c.path),
                paint(style::LOCATION, &c.location),
                paint(
                    style::DIM,
                    [Some(who), c.segment.clone(), c.speaker.clone()]
                        .into_iter()
                        .flatten()
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                        .join(" · ")
                )
            ));
            out.push_str(&wrap(&c.text, self.width, "    "));
            out.push_str("\n\n");
        }
        print(&out)
    }

    /// The document around citation `n` of the last answer.
    fn open(&self, n: usize) -> Result<()> {
        let a = self.last()?;
        let cited = a.passages.iter().find(|c| c.n == n).ok_or_else(|| {
            Error::invalid("/open", format!("the last answer has no passage [{n}]"))
        })?;
        let passages = document(self.store, &cited.doc_id)?;
        let at = passages
            .iter()
            .position(|p| p.location == cited.location && p.text == cited.text)
            .unwrap_or(0);
        let (from, to) = (at.saturating_sub(3), (at + 4).min(passages.len()));
        let mut out = format!(
            "{} — {} passage(s)\n",
            paint(style::PATH, &cited.path),
            passages.len()
        );
        if from > 0 {
            out.push_str(&paint(style::DIM, format!("… {from} passage(s) before\n")));
        }
        for (i, p) in passages.iter().enumerate().take(to).skip(from) {
            let marker = if i == at {
                paint(style::MATCH, "▶")
            } else {
                " ".to_string()
            };
            let speaker = p
                .field("speaker")
                .map(|s| format!(" {s}"))
                .unwrap_or_default();
            out.push_str(&format!(
                "{marker} {}{}\n",
                paint(style::LOCATION, &p.location),
                paint(style::DIM, speaker)
            ));
            out.push_str(&wrap(&p.text, self.width, "    "));
            out.push('\n');
        }
        if to < passages.len() {
            out.push_str(&paint(
                style::DIM,
                format!("… {} passage(s) after\n", passages.len() - to),
            ));
        }
        print(&out)
    }

    /// `/summarize [FIELD]` through the current lens and filters.
    fn summarize(&mut self, field: Option<String>) -> Result<()> {
        let opts = Options {
            by: crate::ingest::meta::normalize_key(field.as_deref().unwrap_or("segment")),
            lens: self.lens,
            filters: self.filters.clone(),
            top: 5,
            internal: self.config.summarize.internal_speakers.clone(),
            embedder: self.asker.embedder(),
            product_names: self.config.summarize.product_names.clone(),
            sample_seed: self.config.summarize.sample_seed,
        };
        let settings = self.asker.settings().clone();
        let summary = if settings.provider == ProviderKind::Extractive {
            summarize_offline(self.store, &opts, false)?
        } else {
            let run = ModelRun {
                settings: &settings,
                config: &self.config,
                no_cache: self.no_cache,
                no_redact: self.no_redact,
                max_tokens_total: None,
            };
            let prepared = prepare_model(self.store, &opts, &run)?;
            let store = self.store;
            let outcome = self.rt.block_on(async {
                tokio::select! {
                    r = summarize_with_model(store, &opts, &run, prepared, false, &Quiet) => Some(r),
                    _ = tokio::signal::ctrl_c() => None,
                }
            });
            match outcome {
                Some(r) => r?,
                None => return print(&paint(style::DIM, "(cancelled)\n")),
            }
        };
        for s in &summary.run.skipped {
            output::warn(s);
        }
        print(&report::render(&summary, Format::Md))
    }
}

fn provider_line(s: &LlmSettings) -> String {
    match (&s.provider, &s.model) {
        (ProviderKind::Extractive, _) => "extractive (offline)".to_string(),
        (p, Some(m)) => format!("{p} · {m}"),
        (p, None) => p.to_string(),
    }
}

fn print(text: &str) -> Result<()> {
    output::print(text)
}

fn terminal_width() -> Option<usize> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return None;
    }
    terminal_size::terminal_size().map(|(w, _)| usize::from(w.0).clamp(40, 120))
}

/// `text` wrapped to `width` (if any), each line starting with `indent`.
fn wrap(text: &str, width: Option<usize>, indent: &str) -> String {
    let mut w = Wrap::new(width.map(|w| w.saturating_sub(indent.len())));
    w.buffer = Some(String::new());
    w.delta(text);
    w.finish();
    let body = w.buffer.unwrap_or_default();
    body.trim_end()
        .lines()
        .map(|l| format!("{indent}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A sink that prints a streamed answer word by word, wrapping at the
/// terminal's width (or writes into `buffer`).
struct Wrap {
    width: Option<usize>,
    col: usize,
    word: String,
    /// A space is owed before the next word (unless the line wraps there).
    space: bool,
    /// Leading spaces of the current line.
    indent: usize,
    printed: bool,
    buffer: Option<String>,
}

impl Wrap {
    fn new(width: Option<usize>) -> Wrap {
        Wrap {
            width,
            col: 0,
            word: String::new(),
            space: false,
            indent: 0,
            printed: false,
            buffer: None,
        }
    }

    fn emit(&mut self, s: &str) {
        match &mut self.buffer {
            Some(b) => b.push_str(s),
            None => {
                let mut out = anstream::stdout().lock();
                let _ = out.write_all(s.as_bytes());
                let _ = out.flush();
            }
        }
        self.printed = true;
    }

    fn flush_word(&mut self) {
        if self.word.is_empty() {
            return;
        }
        let len = self.word.chars().count();
        let gap = usize::from(self.space);
        if self
            .width
            .is_some_and(|w| self.col > self.indent && self.col + gap + len > w)
        {
            self.emit("\n");
            self.col = 0;
            self.indent = 0;
        } else if self.space {
            self.emit(" ");
            self.col += 1;
        }
        self.space = false;
        let word = std::mem::take(&mut self.word);
        self.emit(&word);
        self.col += len;
    }

    /// Prints what is held back and ends the line.
    fn finish(&mut self) {
        self.flush_word();
        self.space = false;
        if self.printed && self.col > 0 {
            self.emit("\n");
            self.col = 0;
        }
        self.indent = 0;
    }
}

impl Sink for Wrap {
    fn delta(&mut self, text: &str) {
        for c in text.chars() {
            match c {
                '\n' => {
                    self.flush_word();
                    self.space = false;
                    self.emit("\n");
                    self.col = 0;
                    self.indent = 0;
                }
                // indentation at the start of a line is kept
                ' ' if self.word.is_empty() && !self.space && self.col == self.indent => {
                    self.emit(" ");
                    self.col += 1;
                    self.indent += 1;
                }
                ' ' => {
                    self.flush_word();
                    self.space = self.col > 0;
                }
                c => self.word.push(c),
            }
        }
    }

    fn restart(&mut self) {
        self.finish();
        self.emit("\n");
    }

    fn notice(&mut self, message: &str) {
        self.finish();
        output::note(message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_words_at_the_width() {
        assert_eq!(
            wrap("one two three four five", Some(13), ""),
            "one two three\nfour five"
        );
        assert_eq!(wrap("keep\nlines", None, "  "), "  keep\n  lines");
        assert_eq!(
            wrap("Group\n  \"quote one\" [1]", Some(40), ""),
            "Group\n  \"quote one\" [1]"
        );
        let mut w = Wrap::new(Some(10));
        w.buffer = Some(String::new());
        w.delta("stream");
        w.delta("ed words arr");
        w.delta("ive in pieces");
        w.finish();
        assert_eq!(w.buffer.unwrap(), "streamed\nwords\narrive in\npieces\n");
    }
}
