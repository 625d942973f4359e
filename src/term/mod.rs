//! Terminal output shared by `cli` and `repl`: colours (honouring
//! `--color`, `NO_COLOR` and whether the stream is a terminal), stdout and
//! `--out` files as writers, warnings and errors on stderr, progress bars,
//! and the sinks that print a streamed answer (`stream`). What is printed is
//! rendered by `report`.

pub mod progress;
pub mod stream;

use std::io::{IsTerminal, Write};
use std::path::Path;

use crate::error::{Error, Result};
pub use crate::report::style::{self, paint};
pub use crate::report::terminal::human_ms;

/// Applies a colour choice for the whole process.
pub fn init_color(choice: anstream::ColorChoice) {
    choice.write_global();
}

/// Whether stderr is a terminal (progress bars only appear there).
pub fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}

/// An I/O error on stdout (a closed pipe ends the program quietly).
pub fn stdout_error(e: std::io::Error) -> Error {
    Error::io("<stdout>", e)
}

/// Writes what `render` writes to stdout (colours stripped when off).
pub fn print_with(render: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    let mut out = anstream::stdout().lock();
    render(&mut out).map_err(stdout_error)?;
    out.flush().map_err(stdout_error)
}

/// Writes `text` to stdout.
pub fn print(text: &str) -> Result<()> {
    print_with(|out| out.write_all(text.as_bytes()))
}

/// Writes `value` as pretty JSON to stdout.
pub fn print_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<()> {
    print_with(|out| crate::report::write_json(out, value))
}

/// Writes what `render` writes to `path` (whole, or not at all), or to
/// stdout when there is no path.
pub fn emit(
    path: Option<&Path>,
    render: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let Some(path) = path else {
        return print_with(render);
    };
    let mut bytes = Vec::new();
    render(&mut bytes).map_err(|e| Error::io(path, e))?;
    crate::files::write_atomic(path, &bytes).map_err(|e| Error::io(path, e))
}

/// `warning: MESSAGE` on stderr.
pub fn warn(message: &str) {
    anstream::eprintln!("{} {message}", paint(style::WARN, "warning:"));
}

/// `note: MESSAGE` on stderr.
pub fn note(message: &str) {
    anstream::eprintln!("{} {message}", paint(style::NOTE, "note:"));
}

/// `error: MESSAGE` (and its hint) on stderr.
pub fn error(e: &Error) {
    anstream::eprintln!("{} {e}", paint(style::ERROR, "error:"));
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let text = s.to_string();
        if !e.to_string().contains(&text) {
            anstream::eprintln!("  caused by: {text}");
        }
        source = s.source();
    }
    if let Some(h) = e.hint() {
        anstream::eprintln!("  {} {h}", paint(style::DIM, "hint:"));
    }
}

/// A progress bar on stderr with `template` (indicatif's syntax), hidden
/// with `-q` or when stderr is not a terminal.
pub fn progress_bar(quiet: bool, template: &str) -> indicatif::ProgressBar {
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    if quiet || !stderr_is_terminal() {
        return ProgressBar::hidden();
    }
    let b = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    b.set_style(
        ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    b
}

/// The terminal's width to wrap answers at (`None`: stdout is not a
/// terminal, no wrapping).
pub fn width() -> Option<usize> {
    if !std::io::stdout().is_terminal() {
        return None;
    }
    terminal_size::terminal_size().map(|(w, _)| usize::from(w.0).clamp(40, 120))
}
