//! Terminal output: colours (honouring `--color`, `NO_COLOR` and whether the
//! stream is a terminal), the stdout writer, JSON printing and the format of
//! warnings and errors on stderr.

use std::io::{IsTerminal, Write};

use anstyle::{AnsiColor, Style};
use serde::Serialize;

use super::args::ColorWhen;
use crate::error::{Error, Result};

/// Styles used in human output.
pub mod style {
    use super::*;
    pub const PATH: Style = AnsiColor::Magenta.on_default();
    pub const LOCATION: Style = AnsiColor::Green.on_default();
    pub const MATCH: Style = AnsiColor::Red.on_default().bold();
    pub const DIM: Style = Style::new().dimmed();
    pub const BOLD: Style = Style::new().bold();
    pub const WARN: Style = AnsiColor::Yellow.on_default().bold();
    pub const ERROR: Style = AnsiColor::Red.on_default().bold();
    pub const NOTE: Style = AnsiColor::Cyan.on_default().bold();
}

/// Applies `--color` for the whole process.
pub fn init_color(when: ColorWhen) {
    let choice = match when {
        ColorWhen::Auto => anstream::ColorChoice::Auto,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
    };
    choice.write_global();
}

/// Wraps `text` in `s` (stripped later by anstream when colours are off).
pub fn paint(s: Style, text: impl std::fmt::Display) -> String {
    format!("{s}{text}{s:#}")
}

/// Whether stderr is a terminal (progress bars only appear there).
pub fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}

/// An I/O error on stdout (a closed pipe ends the program quietly).
pub fn stdout_error(e: std::io::Error) -> Error {
    Error::io("<stdout>", e)
}

/// Writes `text` to stdout.
pub fn print(text: &str) -> Result<()> {
    let mut out = anstream::stdout().lock();
    out.write_all(text.as_bytes()).map_err(stdout_error)?;
    out.flush().map_err(stdout_error)
}

/// Writes `value` as pretty JSON to stdout.
pub fn print_json<T: Serialize>(value: &T) -> Result<()> {
    let mut s = serde_json::to_string_pretty(value).map_err(|e| stdout_error(e.into()))?;
    s.push('\n');
    print(&s)
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

/// Formats a byte count (`1.4 MB`).
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1000.0 && u < UNITS.len() - 1 {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// Formats milliseconds (`850 ms`, `2.41 s`).
pub fn human_ms(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else {
        format!("{:.2} s", ms as f64 / 1000.0)
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

/// Writes `text` to `path` through a temporary file and a rename.
pub fn write_atomic(path: &std::path::Path, text: &str) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let tmp = dir.join(format!(
        ".{}.tmp",
        path.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default()
    ));
    let mut f = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
    f.write_all(text.as_bytes())
        .map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn humans() {
        assert_eq!(human_bytes(999), "999 B");
        assert_eq!(human_bytes(1_450_000), "1.4 MB");
        assert_eq!(human_ms(850), "850 ms");
        assert_eq!(human_ms(2414), "2.41 s");
    }
}
