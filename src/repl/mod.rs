//! The interactive REPL (`insight repl`, or bare `insight` on a terminal):
//! `command` parses input, `completer` completes and hints, `session` holds
//! the conversation and runs commands. Line editing and history come from
//! rustyline; history persists in the user's data folder.

pub mod command;
pub mod completer;
pub mod session;

use std::path::PathBuf;

use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::{CompletionType, Config as EditorConfig, Editor};

use crate::app::{LlmChoice, Settings};
use crate::error::{Error, ExitCode, Result};
use crate::index::Store;
use crate::retrieve::Filters;
use crate::retrieve::groups::groups;
use crate::term;
use completer::{InsightHelper, Vocabulary, join_continued};
use session::{Flow, Session};

/// The history file: `$XDG_DATA_HOME/insight/history`, else
/// `~/.local/share/insight/history`.
pub fn history_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local").join("share"))
        })?;
    Some(base.join("insight").join("history"))
}

/// Field names and values to complete, from the index.
fn vocabulary(store: &Store) -> Result<Vocabulary> {
    let values = |field: &str| -> Result<Vec<String>> {
        Ok(groups(store, field, &Filters::default())?
            .into_iter()
            .filter_map(|g| g.value)
            .collect())
    };
    let mut accounts = values("account")?;
    accounts.extend(values("account_name")?);
    Ok(Vocabulary {
        fields: store.manifest()?.fields().into_keys().collect(),
        segments: values("segment")?,
        kinds: values("kind")?,
        accounts,
    })
}

/// Runs the REPL until Ctrl-D or `/quit`.
pub fn run(settings: &Settings, filters: Filters, choice: LlmChoice) -> Result<ExitCode> {
    let store = Store::open(&settings.index)?;
    let mut session = Session::new(settings, &store, filters, choice)?;
    let color = anstream::ColorChoice::global() != anstream::ColorChoice::Never
        && std::env::var_os("NO_COLOR").is_none()
        && std::io::IsTerminal::is_terminal(&std::io::stdout());
    let config = EditorConfig::builder()
        .completion_type(CompletionType::List)
        .auto_add_history(false)
        .history_ignore_dups(true)
        .map_err(editor_error)?
        .max_history_size(1000)
        .map_err(editor_error)?
        .build();
    let mut editor: Editor<InsightHelper, DefaultHistory> =
        Editor::with_config(config).map_err(editor_error)?;
    editor.set_helper(Some(InsightHelper {
        vocab: vocabulary(&store)?,
        color,
    }));
    let history = history_path();
    if let Some(h) = &history {
        let _ = editor.load_history(h);
    }
    term::print(&session.banner()?)?;
    loop {
        match editor.readline(&session.prompt()) {
            Ok(input) => {
                let line = join_continued(&input);
                if !line.trim().is_empty() {
                    let _ = editor.add_history_entry(line.as_str());
                    if let Some(h) = &history {
                        if let Some(dir) = h.parent() {
                            let _ = std::fs::create_dir_all(dir);
                        }
                        let _ = editor.save_history(h);
                    }
                }
                if let Flow::Quit = session.handle(&line) {
                    break;
                }
            }
            // Ctrl-C on the prompt: drop the line, stay
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(editor_error(e)),
        }
    }
    Ok(ExitCode::Success)
}

fn editor_error(e: ReadlineError) -> Error {
    Error::io("<terminal>", std::io::Error::other(e.to_string()))
}
