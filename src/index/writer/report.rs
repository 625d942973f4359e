//! What a run of `insight index` reports: the files it skipped or repaired
//! and its notices as they happen (an [`Event`] to an [`Observer`]), and the
//! counts at the end ([`IndexReport`]).

use serde::Serialize;

/// A file left out of this run.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// A file indexed after a repair worth knowing about.
#[derive(Debug, Clone, Serialize)]
pub struct Repaired {
    pub path: String,
    pub note: String,
}

/// What happened while indexing, reported as it happens.
pub enum Event<'a> {
    /// The number of files that need reading.
    Start {
        files: u64,
    },
    /// One more file read.
    Advance,
    Skipped(&'a Skipped),
    Repaired(&'a Repaired),
    /// Anything else the user should know.
    Notice(&'a str),
}

/// Receives [`Event`]s (the CLI turns them into a progress bar and warnings).
pub trait Observer: Sync {
    fn event(&self, event: Event<'_>);
}

/// The outcome of `insight index`, counted in documents.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IndexReport {
    pub documents: usize,
    pub passages: u64,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub removed: usize,
    pub skipped: Vec<Skipped>,
    pub elapsed_ms: u64,
    /// Files read this run (not skipped by stamp).
    #[serde(skip)]
    pub files_read: usize,
    /// Files seen under the roots.
    #[serde(skip)]
    pub files_seen: usize,
    /// Repairs made.
    #[serde(skip)]
    pub repaired: Vec<Repaired>,
    /// Account references not found in the CRM table.
    #[serde(skip)]
    pub unmatched_accounts: Vec<String>,
}
