//! What a run covers besides the files: the roots it walks (named now, or
//! remembered by the manifest, merged without nesting) and the CRM table
//! (given now, or reloaded from the file the manifest remembers).

use std::path::{Path, PathBuf};

use super::report::{Event, Observer};
use crate::error::{Error, Result};
use crate::files::absolute;
use crate::index::manifest::{AccountsState, Manifest};
use crate::index::paths::PathMap;
use crate::ingest::accounts::Accounts;

/// Canonical paths of the roots named on the command line.
pub(super) fn resolve_roots(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    paths
        .iter()
        .map(|p| {
            p.canonicalize().map_err(|e| {
                Error::invalid(
                    "PATH",
                    format!("{}: {}", p.display(), e.to_string().to_lowercase()),
                )
            })
        })
        .collect()
}

/// The roots indexed before; those that vanished are dropped with a notice
/// (their files then count as removed).
pub(super) fn remembered_roots(
    old: &Manifest,
    paths: &PathMap,
    observer: &dyn Observer,
) -> Vec<PathBuf> {
    let mut roots = Vec::new();
    for r in &old.roots {
        let p = paths.resolve(r);
        if p.exists() {
            roots.push(p);
        } else {
            observer.event(Event::Notice(&format!(
                "{} no longer exists; its documents are removed from the index",
                paths.display(r)
            )));
        }
    }
    roots
}

/// Adds new roots, dropping any root inside another.
pub(super) fn merge_roots(old: &[String], new: &[String]) -> Vec<String> {
    let mut all: Vec<String> = old.iter().chain(new).cloned().collect();
    all.sort();
    all.dedup();
    let copy = all.clone();
    all.retain(|r| !copy.iter().any(|o| o != r && PathMap::is_under(r, o)));
    all
}

/// Loads `--accounts`, or reloads the remembered table from its file (keeping
/// the remembered copy when the file is gone).
pub(super) fn load_accounts(
    given: Option<&Path>,
    old: &Manifest,
    paths: &PathMap,
    observer: &dyn Observer,
) -> Result<Option<AccountsState>> {
    let (path, remembered) = match (given, &old.accounts) {
        (Some(p), _) => (absolute(p), None),
        (None, Some(state)) => (paths.resolve(&state.path), Some(state)),
        (None, None) => return Ok(None),
    };
    let path = path.canonicalize().unwrap_or(path);
    let stored = paths.store(&path);
    match (Accounts::load(&path), remembered) {
        (Ok((table, notes)), _) => {
            for n in notes {
                observer.event(Event::Notice(&format!("{}: {n}", paths.display(&stored))));
            }
            Ok(Some(AccountsState {
                path: stored,
                table,
            }))
        }
        (Err(e), Some(state)) => {
            observer.event(Event::Notice(&format!(
                "cannot re-read the accounts file ({e}); using the copy remembered by the index"
            )));
            Ok(Some(state.clone()))
        }
        (Err(e), None) => Err(e),
    }
}
