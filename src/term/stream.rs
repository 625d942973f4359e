//! Sinks that print a streamed answer: [`Plain`] as it comes (`ask`), and
//! [`Wrap`], word by word wrapped at the terminal's width (the REPL).

use std::io::Write;
use std::time::{Duration, Instant};

use crate::llm::Sink;

/// Prints streamed text as it comes (when `stream`) and notes when the first
/// text arrived.
pub struct Plain {
    pub stream: bool,
    pub started: Instant,
    pub first: Option<Duration>,
    pub printed: bool,
}

impl Plain {
    /// A sink that prints when `stream`, else only times.
    pub fn new(stream: bool) -> Plain {
        Plain {
            stream,
            started: Instant::now(),
            first: None,
            printed: false,
        }
    }
}

impl Sink for Plain {
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
        super::note(message);
    }
}

/// `text` wrapped to `width` (if any), each line starting with `indent`.
pub fn wrap(text: &str, width: Option<usize>, indent: &str) -> String {
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
pub struct Wrap {
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
    pub fn new(width: Option<usize>) -> Wrap {
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
    pub fn finish(&mut self) {
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
        super::note(message);
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
