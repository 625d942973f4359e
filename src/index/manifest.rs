//! The manifest: what the index holds, file by file (stamp, content hash,
//! settings, documents with their hashes), the indexed roots and the
//! remembered CRM table. It is written next to the index atomically and tied
//! to a tantivy commit by a generation number:
//!
//! 1. the new manifest is written to `manifest.next.json` and synced;
//! 2. the tantivy commit records the generation in its payload;
//! 3. `manifest.next.json` is renamed over `manifest.json`.
//!
//! A crash before 2 leaves the old index and manifest; after 2 and before 3,
//! the next reader finds the next-manifest whose generation matches the
//! commit and uses it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use std::sync::Arc;

use super::compact::{Interner, KeyCounts, SortedMap};
use crate::error::{Error, Result};
use crate::ingest::accounts::Accounts;
use crate::ingest::walk::Stamp;

/// File name of the manifest inside the index folder.
pub const MANIFEST: &str = "manifest.json";
/// File name of a manifest written but not yet promoted.
pub const MANIFEST_NEXT: &str = "manifest.next.json";
/// Format version of the manifest.
pub const VERSION: u32 = 1;

/// What was indexed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Manifest {
    pub version: u32,
    /// Matches the payload of the tantivy commit this manifest describes.
    pub generation: u64,
    /// RFC 3339 time of the last successful `insight index`.
    pub last_indexed: Option<String>,
    /// When that run started (ns since the epoch). A file modified after
    /// this may have changed without changing its size and mtime stamp
    /// (git's "racy clean" case), so it is hashed again.
    #[serde(default)]
    pub started_ns: u64,
    /// Stored paths of the folders and files given to `insight index`.
    pub roots: Vec<String>,
    /// The CRM table given with `--accounts`, remembered for re-indexing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accounts: Option<AccountsState>,
    /// The embedding model passages get vectors from (`index --embed`),
    /// remembered for re-indexing until `--no-embed`: its identity
    /// ([`crate::embed::Embedder::identity`]), the absolute model folder
    /// (what older versions wrote, read the same) or `builtin:NAME@CRC`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embed_model: Option<String>,
    /// Indexed files by stored path.
    pub files: BTreeMap<String, FileEntry>,
    /// The key names and counts of `files`, each stored once.
    #[serde(skip)]
    pub interner: Arc<Interner>,
}

/// The remembered CRM table and where it came from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountsState {
    /// Stored path of the CSV.
    pub path: String,
    pub table: Accounts,
}

/// One indexed file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FileEntry {
    pub stamp: Stamp,
    /// Hash of the file's bytes (and its sidecar's).
    pub hash: u64,
    /// Hash of the settings it was indexed with (`--meta`, `--text-column`, CRM table).
    pub settings: u64,
    /// Documents of the file: part (`""`, `row57`) → hash of text and metadata.
    pub docs: SortedMap<String, u64>,
    /// Metadata keys of the file's documents → how many documents have each.
    #[serde(default)]
    pub keys: KeyCounts,
    /// Accounts referenced by the file's documents, sorted.
    #[serde(default)]
    pub accounts: Vec<String>,
}

impl Manifest {
    /// Reads the manifest of the index in `dir` that matches the committed
    /// `generation`. Returns `None` when there is none that matches.
    pub fn load(dir: &Path, generation: u64) -> Result<Option<Manifest>> {
        for name in [MANIFEST, MANIFEST_NEXT] {
            let path = dir.join(name);
            let bytes = match std::fs::read(&path) {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(Error::io(path, e)),
            };
            let Some(mut m) = Manifest::read(&bytes) else {
                continue;
            };
            if m.generation == generation && m.version == VERSION {
                if let Some(acc) = &mut m.accounts {
                    acc.table.reindex();
                }
                return Ok(Some(m));
            }
        }
        Ok(None)
    }

    /// The last promoted manifest whatever its generation: what a rebuild
    /// salvages (the roots and the CRM table) when the index cannot be used.
    pub fn load_latest(dir: &Path) -> Option<Manifest> {
        let bytes = std::fs::read(dir.join(MANIFEST)).ok()?;
        let mut m = Manifest::read(&bytes)?;
        if let Some(acc) = &mut m.accounts {
            acc.table.reindex();
        }
        Some(m)
    }

    /// A manifest from its JSON, names and counts interned in its own
    /// interner.
    fn read(bytes: &[u8]) -> Option<Manifest> {
        let interner = Arc::new(Interner::default());
        let mut m: Manifest = interner.reading(|| serde_json::from_slice(bytes).ok())?;
        m.interner = interner;
        Some(m)
    }

    /// Step 1 of the commit protocol: writes and syncs `manifest.next.json`.
    pub fn write_next(&self, dir: &Path) -> Result<()> {
        let path = dir.join(MANIFEST_NEXT);
        let f = std::fs::File::create(&path).map_err(|e| Error::io(&path, e))?;
        // streamed: a manifest of a million files is a few hundred MB of JSON
        let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
        serde_json::to_writer(&mut w, self).map_err(|e| Error::io(&path, e.into()))?;
        let f = w
            .into_inner()
            .map_err(|e| Error::io(&path, e.into_error()))?;
        f.sync_all().map_err(|e| Error::io(&path, e))?;
        Ok(())
    }

    /// Step 3 of the commit protocol: promotes `manifest.next.json`.
    pub fn promote(dir: &Path) -> Result<()> {
        let from = dir.join(MANIFEST_NEXT);
        let to: PathBuf = dir.join(MANIFEST);
        std::fs::rename(&from, &to).map_err(|e| Error::io(&to, e))?;
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }

    /// Total number of documents.
    pub fn documents(&self) -> usize {
        self.files.values().map(|f| f.docs.len()).sum()
    }

    /// Metadata keys and how many documents have each.
    pub fn fields(&self) -> BTreeMap<String, u64> {
        let mut out: BTreeMap<String, u64> = BTreeMap::new();
        for f in self.files.values() {
            for (k, n) in f.keys.iter() {
                *out.entry(k.as_str().to_owned()).or_default() += u64::from(*n);
            }
        }
        out
    }

    /// Distinct accounts referenced by documents.
    pub fn accounts(&self) -> BTreeSet<&str> {
        self.files
            .values()
            .flat_map(|f| f.accounts.iter().map(String::as_str))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_prefers_the_manifest_matching_the_commit() {
        let dir = tempfile::tempdir().unwrap();
        let mut m = Manifest {
            version: VERSION,
            generation: 1,
            ..Default::default()
        };
        m.roots.push("data".into());
        m.write_next(dir.path()).unwrap();
        Manifest::promote(dir.path()).unwrap();
        assert_eq!(
            Manifest::load(dir.path(), 1).unwrap().unwrap().roots,
            ["data"]
        );
        // a crash after the commit of generation 2 but before the rename
        m.generation = 2;
        m.roots.push("more".into());
        m.write_next(dir.path()).unwrap();
        assert_eq!(
            Manifest::load(dir.path(), 2).unwrap().unwrap().roots.len(),
            2
        );
        // a crash before the commit: generation 1 is still the committed one
        assert_eq!(
            Manifest::load(dir.path(), 1).unwrap().unwrap().roots.len(),
            1
        );
        assert!(Manifest::load(dir.path(), 7).unwrap().is_none());
    }
}
