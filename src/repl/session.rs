//! A REPL session: the state a conversation carries (filters, lens, turns,
//! the last answer, the provider) and one handler per command. Every command
//! calls the same `app` entry points as the command line and renders with
//! `report`; answers stream through a sink that wraps to the terminal, and
//! Ctrl-C during an answer or a summary drops the request and returns to the
//! prompt.

use std::time::Instant;

use super::command::{self, Command};
use crate::app::{self, LlmChoice, Model, Settings, SummarizeRequest, defaults};
use crate::error::{Error, Result};
use crate::index::Store;
use crate::llm::{ProviderKind, RunPolicy};
use crate::report::{self, Format, terminal};
use crate::retrieve::Filters;
use crate::retrieve::search::document;
use crate::synthesize::ask::{Answer, Asker, Turn};
use crate::synthesize::lens::Lens;
use crate::synthesize::refine::Quiet;
use crate::term::stream::{Wrap, wrap};
use crate::term::{self, paint, style};

/// Whether the loop goes on.
pub enum Flow {
    Continue,
    Quit,
}

/// A research session.
pub struct Session<'a> {
    settings: &'a Settings,
    store: &'a Store,
    choice: LlmChoice,
    /// How the answering model's runs treat what they send (its settings
    /// are the asker's, which learn the window as the session goes).
    policy: RunPolicy,
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
    pub fn new(
        settings: &'a Settings,
        store: &'a Store,
        filters: Filters,
        choice: LlmChoice,
    ) -> Result<Session<'a>> {
        let model = settings.settled_model(&choice)?;
        let asker = app::asker(settings, store, &model)?;
        let rt = app::runtime()?;
        // from now on Ctrl-C outside the line editor reaches the session (which
        // cancels the answer in progress), not the default handler
        #[cfg(unix)]
        rt.block_on(async {
            let _ = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt());
        });
        Ok(Session {
            settings,
            store,
            choice,
            policy: model.policy,
            filters,
            lens: Lens::Pains,
            turns: Vec::new(),
            last: None,
            asker,
            rt,
            width: term::width(),
        })
    }

    /// The one-line banner.
    pub fn banner(&self) -> Result<String> {
        let manifest = self.store.manifest()?;
        Ok(format!(
            "{} — {} · {} documents · {} accounts · {} · filters: {}\nType a question, or /help for commands. Ctrl-D leaves.\n",
            paint(style::BOLD, "insight"),
            self.settings.index.display(),
            manifest.documents(),
            manifest.accounts().len(),
            terminal::provider_line(self.asker.settings()),
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
                term::warn(&message);
                return Flow::Continue;
            }
        };
        if matches!(command, Command::Quit) {
            return Flow::Quit;
        }
        if let Err(e) = self.run(command) {
            term::error(&e);
        }
        Flow::Continue
    }

    fn run(&mut self, command: Command) -> Result<()> {
        match command {
            Command::Empty | Command::Quit => Ok(()),
            Command::Ask(q) => self.ask(&q),
            Command::Search(q) => {
                let (results, _) = app::search(
                    self.settings,
                    self.store,
                    &q,
                    &self.filters,
                    defaults::SEARCH_LIMIT,
                    false,
                )?;
                term::print_with(|out| {
                    terminal::hits(out, &results)?;
                    let count = format!(
                        "{} of {} matching passage(s)\n",
                        results.hits.len(),
                        results.total
                    );
                    out.write_all(paint(style::DIM, count).as_bytes())
                })
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
                let mut choice = self.choice.clone();
                choice.flags.provider = Some(p);
                self.switch(choice)
            }
            Command::Model(m) => {
                let mut choice = self.choice.clone();
                choice.flags.model = Some(m);
                if choice.flags.provider.is_none()
                    && self.asker.settings().provider != ProviderKind::Extractive
                {
                    choice.flags.provider = Some(self.asker.settings().provider);
                }
                self.switch(choice)
            }
            Command::Stats => {
                let (stats, kinds) = app::stats(self.store)?;
                let index = self.settings.index.display().to_string();
                term::print_with(|out| terminal::stats(out, &index, &stats, &kinds))
            }
            Command::Help => print(&command::help()),
        }
    }

    fn set_filter(&mut self, change: impl FnOnce(&mut Filters)) -> Result<()> {
        change(&mut self.filters);
        print(&format!("filters: {}\n", self.filters))
    }

    /// Switches provider or model (the conversation goes on).
    fn switch(&mut self, choice: LlmChoice) -> Result<()> {
        let model = self.settings.settled_model(&choice)?;
        self.asker = Asker::new(
            self.store,
            model.settings,
            &model.policy,
            self.asker.embedder(), // the model stays loaded
        )?;
        self.choice = choice;
        self.policy = model.policy;
        print(&format!(
            "now answering with {}\n",
            terminal::provider_line(self.asker.settings())
        ))
    }

    /// A question: retrieve, stream the answer (Ctrl-C cancels), then sources.
    fn ask(&mut self, question: &str) -> Result<()> {
        let hits =
            self.asker
                .retrieve(question, &self.filters, defaults::ASK_LIMIT, &self.turns)?;
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
        term::print_with(|out| {
            out.write_all(b"\n")?;
            terminal::sources(out, &answer)
        })?;
        for n in &answer.notes {
            term::note(n);
        }
        if self.settings.verbose > 0 {
            term::note(&format!(
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
        let width = self.width;
        term::print_with(|out| terminal::passages(out, list, &|t| wrap(t, width, "    ")))
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
        let width = self.width;
        term::print_with(|out| {
            terminal::around(out, &cited.path, &passages, at, &|t| wrap(t, width, "    "))
        })
    }

    /// `/summarize [FIELD]` through the current lens and filters: what
    /// `insight summarize` prints, in Markdown.
    fn summarize(&mut self, field: Option<String>) -> Result<()> {
        let request = SummarizeRequest {
            by: field.unwrap_or_else(|| defaults::GROUP_BY.to_string()),
            lens: self.lens,
            filters: self.filters.clone(),
            top: defaults::TOP_THEMES,
            compare: false,
            max_tokens_total: None,
        };
        let model = Model {
            settings: self.asker.settings().clone(),
            policy: self.policy.clone(),
        };
        let job = app::prepare_summary(self.settings, self.store, request, model)?;
        let store = self.store;
        let outcome = self.rt.block_on(async {
            tokio::select! {
                r = job.run(store, &Quiet) => Some(r),
                _ = tokio::signal::ctrl_c() => None,
            }
        });
        let Some(summary) = outcome else {
            return print(&paint(style::DIM, "(cancelled)\n"));
        };
        let summary = summary?;
        for s in &summary.run.skipped {
            term::warn(s);
        }
        term::print_with(|out| report::render(out, &summary, Format::Md))
    }
}

fn print(text: &str) -> Result<()> {
    term::print(text)
}
