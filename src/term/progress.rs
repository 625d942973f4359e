//! Progress bars on stderr for the long commands: files indexed (with live
//! warnings), model calls (with the tokens spent), the steps of a profile.

use indicatif::ProgressBar;

use crate::index::writer::{Event, Observer};
use crate::profile;
use crate::synthesize::refine::Progress;

/// Turns indexing events into a progress bar and warnings on stderr.
pub struct Indexing {
    bar: ProgressBar,
    quiet: bool,
}

impl Observer for Indexing {
    fn event(&self, event: Event<'_>) {
        match event {
            Event::Start { files } => self.bar.set_length(files),
            Event::Advance => self.bar.inc(1),
            Event::Skipped(s) if !self.quiet => self
                .bar
                .suspend(|| super::warn(&format!("skipped {}: {}", s.path, s.reason))),
            Event::Repaired(r) if !self.quiet => self
                .bar
                .suspend(|| super::warn(&format!("{}: {}", r.path, r.note))),
            Event::Notice(n) if !self.quiet => self.bar.suspend(|| super::note(n)),
            _ => {}
        }
    }
}

impl Indexing {
    /// A bar, hidden with `-q` or off a terminal.
    pub fn new(quiet: bool) -> Indexing {
        Indexing {
            bar: super::progress_bar(
                quiet,
                "{spinner} indexing {pos}/{len} files {wide_bar} {eta}",
            ),
            quiet,
        }
    }

    /// Clears the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// A progress bar over the model calls, with the tokens spent.
pub struct ModelCalls {
    bar: ProgressBar,
    tokens: std::cell::Cell<u64>,
    hits: std::cell::Cell<u64>,
}

impl ModelCalls {
    /// A bar, hidden with `-q` or off a terminal.
    pub fn new(quiet: bool) -> ModelCalls {
        let bar = super::progress_bar(
            quiet,
            "{spinner} {pos}/{len} model calls {wide_bar} {msg} {elapsed}",
        );
        ModelCalls {
            bar,
            tokens: std::cell::Cell::new(0),
            hits: std::cell::Cell::new(0),
        }
    }

    /// Clears the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for ModelCalls {
    fn start(&self, calls: usize) {
        self.bar.set_length(calls as u64);
    }

    fn done(&self, tokens: u64, cached: bool) {
        self.tokens.set(self.tokens.get() + tokens);
        if cached {
            self.hits.set(self.hits.get() + 1);
        }
        self.bar.inc(1);
        self.bar.set_message(format!(
            "{} tokens, {} cached",
            self.tokens.get(),
            self.hits.get()
        ));
    }

    fn note(&self, message: &str) {
        self.bar.suspend(|| super::note(message));
    }
}
/// A progress bar over the steps of a profile.
pub struct Steps {
    bar: ProgressBar,
}

impl Steps {
    /// A bar, hidden with `-q` or off a terminal.
    pub fn new(quiet: bool) -> Steps {
        Steps {
            bar: super::progress_bar(quiet, "{spinner} {pos}/{len} {wide_bar} {msg} {elapsed}"),
        }
    }

    /// Clears the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl profile::Steps for Steps {
    fn start(&self, n: usize) {
        self.bar.set_position(0);
        self.bar.set_length(n as u64);
    }

    fn step(&self, what: &str) {
        self.bar.inc(1);
        self.bar.set_message(what.to_string());
    }
}
