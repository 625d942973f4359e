//! What an index holds, for `insight stats` and the REPL's `/stats`: counts
//! from the manifest and the searcher, and the folder's size on disk.

use std::collections::BTreeMap;
use std::path::Path;

use super::Store;
use crate::error::Result;

/// The facts about an index.
#[derive(Debug, Clone)]
pub struct Stats {
    pub documents: usize,
    pub files: usize,
    pub passages: u64,
    pub accounts: usize,
    /// Bytes on disk under the index folder.
    pub size: u64,
    pub last_indexed: Option<String>,
    /// The indexed folders, as the user should see them.
    pub roots: Vec<String>,
    /// The CRM file and its number of accounts.
    pub crm: Option<(String, usize)>,
    /// Metadata keys and the documents that have each.
    pub fields: BTreeMap<String, u64>,
}

impl Store {
    /// What the index holds.
    pub fn stats(&self) -> Result<Stats> {
        let manifest = self.manifest()?;
        Ok(Stats {
            documents: manifest.documents(),
            files: manifest.files.len(),
            passages: self.searcher().num_docs(),
            accounts: manifest.accounts().len(),
            size: dir_size(&self.dir),
            last_indexed: manifest.last_indexed.clone(),
            roots: manifest
                .roots
                .iter()
                .map(|r| self.paths.display(r))
                .collect(),
            crm: manifest
                .accounts
                .as_ref()
                .map(|a| (self.paths.display(&a.path), a.table.len())),
            fields: manifest.fields(),
        })
    }
}

/// Total size of the files under `dir`.
fn dir_size(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(e.path()),
                Ok(t) if t.is_file() => total += e.metadata().map_or(0, |m| m.len()),
                _ => {}
            }
        }
    }
    total
}
