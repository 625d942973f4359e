//! Tab completion, hints and multi-line input for the REPL: slash commands,
//! field names, and segment, kind and account values taken from the index.

use std::borrow::Cow;

use rustyline::completion::{Completer, Pair};
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Helper};

use super::command::COMMANDS;

/// What can be completed, read from the index once per session.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    pub fields: Vec<String>,
    pub segments: Vec<String>,
    pub kinds: Vec<String>,
    /// Account ids and names.
    pub accounts: Vec<String>,
}

/// The rustyline helper.
pub struct InsightHelper {
    pub vocab: Vocabulary,
    /// Whether to colour hints and the prompt.
    pub color: bool,
}

const LENSES: &[&str] = &["pains", "objections", "triggers", "success"];
const PROVIDERS: &[&str] = &["openai", "anthropic", "extractive"];

impl InsightHelper {
    /// Candidates for the word being typed at `pos`: `(start, candidates)`.
    pub fn candidates(&self, line: &str, pos: usize) -> (usize, Vec<String>) {
        let before = &line[..pos];
        if !before.starts_with('/') {
            return (pos, Vec::new());
        }
        let Some(space) = before.find(char::is_whitespace) else {
            let typed = before.to_ascii_lowercase();
            let names = COMMANDS
                .iter()
                .map(|(n, _, _)| n.to_string())
                .filter(|n| n.starts_with(&typed))
                .collect();
            return (0, names);
        };
        let command = before[..space].to_ascii_lowercase();
        // the value being typed: after the last comma (lists) or the space
        let start = before.rfind(',').map(|i| i + 1).unwrap_or(space + 1);
        let start = start + before[start..].len() - before[start..].trim_start().len();
        let typed = before[start..].to_lowercase();
        let pool: Vec<String> = match command.as_str() {
            "/segment" => self.vocab.segments.clone(),
            "/kind" => self.vocab.kinds.clone(),
            "/account" => self.vocab.accounts.clone(),
            "/summarize" => self.vocab.fields.clone(),
            "/where" if !typed.contains('=') => {
                self.vocab.fields.iter().map(|f| format!("{f}=")).collect()
            }
            "/lens" => LENSES.iter().map(|s| s.to_string()).collect(),
            "/provider" => PROVIDERS.iter().map(|s| s.to_string()).collect(),
            _ => Vec::new(),
        };
        let mut found: Vec<String> = pool
            .into_iter()
            .filter(|v| v.to_lowercase().starts_with(&typed))
            .collect();
        found.sort();
        found.dedup();
        (start, found)
    }
}

impl Completer for InsightHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let (start, found) = self.candidates(line, pos);
        Ok((
            start,
            found
                .into_iter()
                .map(|c| Pair {
                    display: c.clone(),
                    replacement: c,
                })
                .collect(),
        ))
    }
}

impl Hinter for InsightHelper {
    type Hint = String;

    /// After a complete command name, its arguments; after a unique
    /// prefix, the rest of the name.
    fn hint(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> Option<String> {
        if pos < line.len() || !line.starts_with('/') {
            return None;
        }
        if let Some((name, args, _)) = COMMANDS.iter().find(|(n, _, _)| *n == line) {
            let _ = name;
            return (!args.is_empty()).then(|| format!(" {args}"));
        }
        let matching: Vec<&&str> = COMMANDS
            .iter()
            .map(|(n, _, _)| n)
            .filter(|n| n.starts_with(line))
            .collect();
        match matching.as_slice() {
            [one] if line.len() > 1 => Some(one[line.len()..].to_string()),
            _ => None,
        }
    }
}

impl Highlighter for InsightHelper {
    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.color {
            Cow::Owned(format!("\x1b[2m{hint}\x1b[0m"))
        } else {
            Cow::Borrowed(hint)
        }
    }

    fn highlight_prompt<'b, 's: 'b, 'p: 'b>(
        &'s self,
        prompt: &'p str,
        _default: bool,
    ) -> Cow<'b, str> {
        if self.color {
            Cow::Owned(format!("\x1b[1;36m{prompt}\x1b[0m"))
        } else {
            Cow::Borrowed(prompt)
        }
    }
}

impl Validator for InsightHelper {
    /// A line ending with `\` continues on the next one.
    fn validate(&self, ctx: &mut ValidationContext<'_>) -> rustyline::Result<ValidationResult> {
        Ok(if ctx.input().trim_end().ends_with('\\') {
            ValidationResult::Incomplete
        } else {
            ValidationResult::Valid(None)
        })
    }
}

impl Helper for InsightHelper {}

/// Joins a multi-line input: each trailing `\` and its line break become a space.
pub fn join_continued(input: &str) -> String {
    input
        .lines()
        .map(|l| l.trim().trim_end_matches('\\').trim())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn helper() -> InsightHelper {
        InsightHelper {
            vocab: Vocabulary {
                fields: vec!["industry".into(), "plan".into(), "segment".into()],
                segments: vec!["enterprise".into(), "mid-market".into(), "smb".into()],
                kinds: vec!["interview".into(), "ticket".into()],
                accounts: vec!["ACC-101".into(), "Café Olé".into()],
            },
            color: false,
        }
    }

    #[test]
    fn completes_commands_and_values() {
        let h = helper();
        assert_eq!(
            h.candidates("/se", 3),
            (0, vec!["/search".into(), "/segment".into()])
        );
        assert_eq!(
            h.candidates("/segment e", 10),
            (9, vec!["enterprise".into()])
        );
        assert_eq!(
            h.candidates("/segment smb, mi", 16),
            (14, vec!["mid-market".into()])
        );
        assert_eq!(
            h.candidates("/account caf", 12),
            (9, vec!["Café Olé".into()])
        );
        assert_eq!(h.candidates("/where pl", 9), (7, vec!["plan=".into()]));
        assert_eq!(h.candidates("/lens tr", 8), (6, vec!["triggers".into()]));
        assert_eq!(h.candidates("/summarize ", 11).1.len(), 3);
        assert!(h.candidates("why do they", 11).1.is_empty());
    }

    #[test]
    fn hints_and_continuation() {
        let h = helper();
        let history = rustyline::history::DefaultHistory::new();
        let ctx = Context::new(&history);
        assert_eq!(h.hint("/segment", 8, &ctx).as_deref(), Some(" [S, …]"));
        assert_eq!(h.hint("/sou", 4, &ctx).as_deref(), Some("rces"));
        assert_eq!(h.hint("/s", 2, &ctx), None, "ambiguous");
        assert_eq!(
            join_continued("why do \\\n smb accounts churn?"),
            "why do smb accounts churn?"
        );
    }
}
