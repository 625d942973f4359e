//! The library's typed errors and the one place that maps them to exit codes
//! and to the hint a user reads under the message.

use std::path::PathBuf;

/// Result type used across the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Exit codes of the command line, as fixed by the product contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    Success = 0,
    Failure = 1,
    Usage = 2,
    Provider = 3,
    NoIndex = 4,
}

/// Everything that can stop a command. Every variant names what caused it
/// (a file, a flag, a URL) so the message alone tells the user where to look.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The index directory holds no index yet.
    #[error("no index at {}", path.display())]
    NoIndex { path: PathBuf },

    /// Another process holds the index writer lock.
    #[error("index is locked by another insight process ({})", path.display())]
    Locked { path: PathBuf },

    /// The index was written by an insight whose schema differs from ours.
    #[error("index at {} was built by an incompatible version of insight", path.display())]
    IncompatibleIndex { path: PathBuf },

    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A flag or argument has a value we cannot use.
    #[error("{flag}: {message}")]
    InvalidArgument { flag: String, message: String },

    /// The CRM accounts file given with `--accounts` cannot be used.
    #[error("accounts file {}: {message}", path.display())]
    Accounts { path: PathBuf, message: String },

    /// The index remembers no CRM export (`insight profile` needs one).
    #[error("the index at {} has no accounts file", index.display())]
    NoAccounts { index: PathBuf },

    /// The leads file of `profile --prospects` cannot be used.
    #[error("leads file {}: {message}", path.display())]
    Leads { path: PathBuf, message: String },

    /// The configuration file cannot be used.
    #[error("config {}: {message}", path.display())]
    Config { path: PathBuf, message: String },

    /// The search engine failed.
    #[error("index {}: {source}", path.display())]
    Tantivy {
        path: PathBuf,
        #[source]
        source: tantivy::TantivyError,
    },

    /// Writing the index failed (a full disk, a read-only folder…); the index
    /// still holds what the last completed run committed.
    #[error("cannot write the index at {}: {message}", path.display())]
    IndexWrite {
        path: PathBuf,
        message: String,
        /// The kind of the I/O error behind it, when there is one.
        kind: Option<std::io::ErrorKind>,
    },

    /// The LLM provider failed (after retries, or for a reason retrying cannot fix).
    #[error("{provider} ({url}): {message}")]
    Provider {
        provider: String,
        url: String,
        /// HTTP status of the last attempt, if there was a response.
        status: Option<u16>,
        message: String,
        /// Requests made.
        attempts: u32,
    },

    /// A request does not fit the model's context window, even after
    /// insight shrank it to the window the server named.
    #[error("{provider} ({url}): the request does not fit the model's context window of {window} tokens{}", requested.map(|n| format!(" (it needs {n})")).unwrap_or_default())]
    ContextWindow {
        provider: String,
        url: String,
        /// The window the server named.
        window: usize,
        /// Tokens the request needed, when the server said.
        requested: Option<usize>,
        /// The window insight planned for, and where that came from, when it
        /// was set by hand (`--context-tokens`, `[llm] context_tokens`).
        set_by: Option<(usize, String)>,
    },
    /// The sentence-embedding model cannot be loaded or run.
    #[error("embedding model {}: {message}", path.display())]
    Embed { path: PathBuf, message: String },

    /// `index --strict` found files it had to skip.
    #[error("{count} file(s) were skipped (--strict)")]
    StrictSkipped { count: usize },
}

impl Error {
    /// Convenience constructor for I/O errors on a path.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// Convenience constructor for tantivy errors on the index at `path`.
    pub fn tantivy(path: impl Into<PathBuf>, source: tantivy::TantivyError) -> Self {
        let path = path.into();
        match source {
            tantivy::TantivyError::LockFailure(
                tantivy::directory::error::LockError::IoError(e),
                _,
            ) => {
                // the lock file cannot even be created: a read-only folder
                Error::Io {
                    path: path.join("tantivy"),
                    source: std::io::Error::new(e.kind(), e.to_string()),
                }
            }
            tantivy::TantivyError::LockFailure(..) => Error::Locked { path },
            source => Error::Tantivy { path, source },
        }
    }

    /// A failure of the index writer at `path`, named by the I/O error
    /// behind it when there is one (tantivy's own message for a writer
    /// thread that died is not one a user can act on).
    pub fn index_write(path: impl Into<PathBuf>, source: &tantivy::TantivyError) -> Self {
        let mut io: Option<&std::io::Error> = None;
        let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(source);
        while let Some(e) = cur {
            io = io.or(e.downcast_ref::<std::io::Error>());
            cur = e.source();
        }
        if let tantivy::TantivyError::IoError(e) = source {
            io = Some(e);
        }
        if let Some(e) = io {
            return Error::IndexWrite {
                path: path.into(),
                message: e.to_string(),
                kind: Some(e.kind()),
            };
        }
        // the writer's threads hand their I/O errors over as text:
        // `Internal error: 'No space left on device (os error 28)'`
        let text = match source {
            tantivy::TantivyError::InternalError(t) => t.trim_matches('\'').to_string(),
            other => other.to_string(),
        };
        let kind = text
            .rsplit_once("(os error ")
            .and_then(|(_, n)| {
                n.trim_end_matches(|c: char| !c.is_ascii_digit())
                    .parse()
                    .ok()
            })
            .map(|n| std::io::Error::from_raw_os_error(n).kind());
        Error::IndexWrite {
            path: path.into(),
            message: text,
            kind,
        }
    }

    /// Convenience constructor for a bad flag value.
    pub fn invalid(flag: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidArgument {
            flag: flag.into(),
            message: message.into(),
        }
    }

    /// The process exit code for this error.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Error::NoIndex { .. } => ExitCode::NoIndex,
            Error::InvalidArgument { .. } => ExitCode::Usage,
            Error::Provider { .. } | Error::ContextWindow { .. } => ExitCode::Provider,
            _ => ExitCode::Failure,
        }
    }

    /// What the user can do about it, printed under the message.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::NoIndex { path } => Some(format!(
                "build one with `insight --index {} index <FOLDER>`, or point --index / INSIGHT_INDEX at an existing index",
                path.display()
            )),
            Error::Locked { .. } => {
                Some("wait for the other `insight index` to finish, then run again".into())
            }
            Error::IncompatibleIndex { .. } => Some(
                "run `insight index` (it rebuilds the index from the folders it remembers)".into(),
            ),
            Error::Accounts { .. } => Some(
                "the accounts file is a CSV with a header row and an `account` (or `account_id`/`id`) column".into(),
            ),
            Error::Provider { status, url, .. } => Some(match status {
                Some(401) | Some(403) => {
                    "check the API key (OPENAI_API_KEY / ANTHROPIC_API_KEY, or `api_key_env` in insight.toml)".into()
                }
                Some(404) => "check --base-url (for openai it ends with the version, e.g. /v1) and --model".into(),
                Some(_) => "try again later, or use --provider extractive to answer offline".into(),
                None => format!(
                    "is the server at {url} running and reachable? `insight doctor` checks the configuration; --provider extractive works offline"
                ),
            }),
            Error::ContextWindow { window, set_by, .. } => Some(match set_by {
                Some((planned, by)) => format!(
                    "{by} says {planned} tokens but the server serves {window}: set {by} to {window} or less, or remove it and insight asks the server"
                ),
                None => format!(
                    "start the server with a larger context (llama.cpp: --n_ctx / -c; Ollama: the num_ctx parameter; LM Studio: the model's context length), or ask with fewer passages (--limit); {window} tokens is very little"
                ),
            }),
            Error::NoAccounts { index } => Some(format!(
                "index your CRM export with it: `insight --index {} index <FOLDER> --accounts accounts.csv` (a CSV with an `account` column and the columns to profile: segment, industry, employees, arr, nps, churned…)",
                index.display()
            )),
            Error::Leads { .. } => Some(
                "the leads file is a CSV with a header row, with the columns the accounts file uses for the traits (industry, employees, region…)".into(),
            ),
            Error::StrictSkipped { .. } => {
                Some("fix or remove the files named above, or run without --strict".into())
            }
            Error::Io { source, .. } => match source.kind() {
                std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => Some(
                    "check that you can read and write it (insight writes lock files in the index folder, even to search it)".into(),
                ),
                k => full_disk_hint(k).map(str::to_string),
            },
            Error::IndexWrite { kind, .. } => Some(format!(
                "{}; the index still holds the last completed run",
                match kind {
                    Some(std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem) =>
                        "make the index folder writable, or choose another one with --index (or INSIGHT_INDEX)",
                    Some(k) => full_disk_hint(*k).unwrap_or("run `insight index` again"),
                    None => "run `insight index` again",
                }
            )),
            Error::Embed { .. } => Some(
                "point [embed] model_dir in insight.toml or INSIGHT_EMBED_MODEL at a folder with config.json, tokenizer.json and model.safetensors, or set it to `builtin` for the built-in model (see the README, \"Semantic search\"); `insight index --no-embed` stops storing vectors".into(),
            ),
            _ => None,
        }
    }
}

/// What to do when a write failed for want of room.
fn full_disk_hint(kind: std::io::ErrorKind) -> Option<&'static str> {
    use std::io::ErrorKind::*;
    matches!(kind, StorageFull | QuotaExceeded | FileTooLarge).then_some(
        "free some disk space, or write to another disk (for the index: --index or INSIGHT_INDEX)",
    )
}
