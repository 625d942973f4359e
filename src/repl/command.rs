//! The REPL's input language: a plain line is a question; a line starting
//! with `/` is a command. Parsed into [`Command`] (never matched as strings
//! elsewhere); an unknown command gets a "did you mean" suggestion.

use crate::llm::ProviderKind;
use crate::retrieve::{DateBound, Where};
use crate::synthesize::lens::Lens;

/// Everything the REPL understands.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// A question for `ask`, under the current filters.
    Ask(String),
    Search(String),
    /// Summarise by this field (default: segment).
    Summarize(Option<String>),
    /// Set the lens (`None`: show it).
    Lens(Option<Lens>),
    /// Filter setters: values replace the filter; none clears it.
    Segment(Vec<String>),
    Kind(Vec<String>),
    Account(Vec<String>),
    Since(Option<DateBound>),
    Until(Option<DateBound>),
    /// Adds a `--where` condition (`None`: clears them).
    Where(Option<Where>),
    Filters,
    /// Clears the filters and the conversation.
    Clear,
    Sources,
    Open(usize),
    Provider(ProviderKind),
    Model(String),
    Stats,
    Help,
    Quit,
    Empty,
}

/// The commands: name, arguments, what it does (for /help, completion, hints).
pub const COMMANDS: &[(&str, &str, &str)] = &[
    ("/search", "QUERY", "find passages (BM25) under the filters"),
    (
        "/summarize",
        "[FIELD]",
        "themes per segment (or FIELD) through the current lens",
    ),
    (
        "/lens",
        "[pains|objections|triggers|success]",
        "show or set the lens for /summarize",
    ),
    ("/segment", "[S, …]", "only these segments (no value: any)"),
    (
        "/kind",
        "[K, …]",
        "only these kinds: interview, call, note, ticket, survey (no value: any)",
    ),
    (
        "/account",
        "[A, …]",
        "only these accounts, by id or name (no value: any)",
    ),
    (
        "/since",
        "[DATE]",
        "only documents dated on or after DATE (no value: any)",
    ),
    (
        "/until",
        "[DATE]",
        "only documents dated on or before DATE (no value: any)",
    ),
    (
        "/where",
        "[KEY=VALUE]",
        "only documents whose field has this value; KEY!=VALUE excludes (no value: clear)",
    ),
    ("/filters", "", "show the filters"),
    (
        "/clear",
        "",
        "clear the filters and start a new conversation",
    ),
    ("/sources", "", "the full passages behind the last answer"),
    (
        "/open",
        "N",
        "the document around citation N of the last answer",
    ),
    (
        "/provider",
        "openai|anthropic|extractive",
        "switch the provider",
    ),
    ("/model", "M", "switch the model"),
    ("/stats", "", "what the index holds"),
    ("/help", "", "this list"),
    ("/quit", "", "leave (Ctrl-D works too)"),
];

/// Parses one line of input.
pub fn parse(line: &str) -> Result<Command, String> {
    let line = line.trim();
    if line.is_empty() {
        return Ok(Command::Empty);
    }
    let Some(rest) = line.strip_prefix('/') else {
        return Ok(Command::Ask(line.to_string()));
    };
    let (name, arg) = match rest.split_once(char::is_whitespace) {
        Some((n, a)) => (n, a.trim()),
        None => (rest, ""),
    };
    let name = name.to_ascii_lowercase();
    let list = || -> Vec<String> {
        arg.split(',')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .collect()
    };
    let need = |what: &str| -> Result<String, String> {
        if arg.is_empty() {
            Err(format!("/{name} needs {what}"))
        } else {
            Ok(arg.to_string())
        }
    };
    Ok(match name.as_str() {
        "search" | "s" => Command::Search(need("a query")?),
        "summarize" | "summarise" | "sum" => {
            Command::Summarize((!arg.is_empty()).then(|| arg.to_string()))
        }
        "lens" => Command::Lens(if arg.is_empty() {
            None
        } else {
            Some(arg.parse()?)
        }),
        "segment" | "segments" => Command::Segment(list()),
        "kind" => Command::Kind(list()),
        "account" => Command::Account(list()),
        "since" => Command::Since(if arg.is_empty() {
            None
        } else {
            Some(DateBound::since(arg)?)
        }),
        "until" => Command::Until(if arg.is_empty() {
            None
        } else {
            Some(DateBound::until(arg)?)
        }),
        "where" => Command::Where(if arg.is_empty() {
            None
        } else {
            Some(arg.parse()?)
        }),
        "filters" | "filter" => Command::Filters,
        "clear" | "reset" => Command::Clear,
        "sources" => Command::Sources,
        "open" => Command::Open(
            need("a citation number")?
                .trim_matches(['[', ']'])
                .parse()
                .map_err(|_| {
                    format!("/open needs a citation number, like /open 2 (got `{arg}`)")
                })?,
        ),
        "provider" => {
            Command::Provider(need("a provider (openai, anthropic or extractive)")?.parse()?)
        }
        "model" => Command::Model(need("a model name")?),
        "stats" => Command::Stats,
        "help" | "h" | "?" => Command::Help,
        "quit" | "exit" | "q" => Command::Quit,
        other => {
            return Err(match suggest(other) {
                Some(s) => {
                    format!("unknown command /{other} — did you mean {s}? (/help lists them)")
                }
                None => format!("unknown command /{other} (/help lists them)"),
            });
        }
    })
}

/// The command closest to a mistyped one, if any is close.
pub fn suggest(typed: &str) -> Option<&'static str> {
    COMMANDS
        .iter()
        .map(|(name, _, _)| (*name, strsim::damerau_levenshtein(typed, &name[1..])))
        .filter(|(name, d)| *d <= 2 || name[1..].starts_with(typed))
        .min_by_key(|(_, d)| *d)
        .map(|(name, _)| name)
}

/// The `/help` text.
pub fn help() -> String {
    let mut out = String::from(
        "Type a question to ask it under the current filters; follow-ups keep the conversation.\n\n",
    );
    for (name, args, what) in COMMANDS {
        let usage = if args.is_empty() {
            name.to_string()
        } else {
            format!("{name} {args}")
        };
        out.push_str(&format!("  {usage:<44} {what}\n"));
    }
    out.push_str("\nA line ending with \\ continues on the next. Tab completes commands, fields and values.\nCtrl-C cancels an answer; Ctrl-D leaves.\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_and_commands() {
        assert_eq!(
            parse("  why do they churn?  ").unwrap(),
            Command::Ask("why do they churn?".into())
        );
        assert_eq!(parse("").unwrap(), Command::Empty);
        assert_eq!(
            parse("/search sso okta").unwrap(),
            Command::Search("sso okta".into())
        );
        assert_eq!(
            parse("/segment enterprise, SMB").unwrap(),
            Command::Segment(vec!["enterprise".into(), "SMB".into()])
        );
        assert_eq!(parse("/segment").unwrap(), Command::Segment(vec![]));
        assert_eq!(
            parse("/account Orbis Pharma").unwrap(),
            Command::Account(vec!["Orbis Pharma".into()])
        );
        assert_eq!(parse("/open [3]").unwrap(), Command::Open(3));
        assert_eq!(
            parse("/lens triggers").unwrap(),
            Command::Lens(Some(Lens::Triggers))
        );
        assert_eq!(
            parse("/summarize industry").unwrap(),
            Command::Summarize(Some("industry".into()))
        );
        assert_eq!(
            parse("/provider extractive").unwrap(),
            Command::Provider(ProviderKind::Extractive)
        );
        assert!(matches!(
            parse("/where plan=plus").unwrap(),
            Command::Where(Some(_))
        ));
        assert_eq!(parse("/QUIT").unwrap(), Command::Quit);
        assert!(matches!(
            parse("/since 2026-01-01").unwrap(),
            Command::Since(Some(_))
        ));
    }

    #[test]
    fn mistakes_say_what_to_do() {
        let e = parse("/segmnt smb").unwrap_err();
        assert!(e.contains("did you mean /segment?"), "{e}");
        assert!(parse("/sumarize").unwrap_err().contains("/summarize"));
        assert!(parse("/xyzzy").unwrap_err().contains("/help"));
        assert!(parse("/open two").unwrap_err().contains("citation number"));
        assert!(parse("/lens joy").unwrap_err().contains("unknown lens"));
        assert!(parse("/since soon").unwrap_err().contains("not a date"));
        assert!(parse("/search").unwrap_err().contains("needs a query"));
        assert!(help().contains("/sources"));
    }
}
