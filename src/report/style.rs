//! Terminal styles: the colours of human output, written as ANSI codes that
//! the terminal-output layer strips when colours are off (`--color`,
//! `NO_COLOR`, not a terminal).

use anstyle::{AnsiColor, Style};

pub const PATH: Style = AnsiColor::Magenta.on_default();
pub const LOCATION: Style = AnsiColor::Green.on_default();
pub const MATCH: Style = AnsiColor::Red.on_default().bold();
pub const DIM: Style = Style::new().dimmed();
pub const BOLD: Style = Style::new().bold();
pub const WARN: Style = AnsiColor::Yellow.on_default().bold();
pub const ERROR: Style = AnsiColor::Red.on_default().bold();
pub const NOTE: Style = AnsiColor::Cyan.on_default().bold();

/// Wraps `text` in `s`.
pub fn paint(s: Style, text: impl std::fmt::Display) -> String {
    format!("{s}{text}{s:#}")
}
