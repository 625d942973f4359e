//! Opening an index folder: the tantivy index in `tantivy/`, its field
//! handles, the committed generation and the path map. Reading never writes.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::{Index, IndexReader, ReloadPolicy, Searcher};

use super::manifest::Manifest;
use super::paths::PathMap;
use super::schema::{Fields, register_tokenizers};
use crate::error::{Error, Result};

/// Sub-folder of the index folder holding tantivy's files.
pub const TANTIVY_DIR: &str = "tantivy";

/// What insight writes into each tantivy commit.
#[derive(Debug, Serialize, Deserialize)]
pub struct CommitPayload {
    pub generation: u64,
    /// The identity of the model the stored passage vectors come from (a
    /// folder, or `builtin:NAME@CRC`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embed_model: Option<String>,
}

impl CommitPayload {
    /// Reads the payload of the last commit; `None` when insight never committed.
    pub fn of(index: &Index, dir: &Path) -> Result<Option<CommitPayload>> {
        let metas = index.load_metas().map_err(|e| Error::tantivy(dir, e))?;
        Ok(metas
            .payload
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok()))
    }
}

/// An opened index, ready to search.
pub struct Store {
    pub dir: PathBuf,
    pub index: Index,
    pub fields: Fields,
    pub generation: u64,
    pub paths: PathMap,
    /// The identity of the model the stored passage vectors come from, if any.
    pub embed_model: Option<String>,
    reader: IndexReader,
}

impl Store {
    /// Opens the index in `dir`; [`Error::NoIndex`] when there is none.
    pub fn open(dir: &Path) -> Result<Store> {
        let tdir = dir.join(TANTIVY_DIR);
        if !tdir.join("meta.json").is_file() {
            return Err(Error::NoIndex { path: dir.into() });
        }
        let index = Index::open_in_dir(&tdir).map_err(|e| Error::tantivy(dir, e))?;
        let Some(payload) = CommitPayload::of(&index, dir)? else {
            return Err(Error::NoIndex { path: dir.into() });
        };
        let fields = Fields::of(&index.schema())
            .ok_or_else(|| Error::IncompatibleIndex { path: dir.into() })?;
        register_tokenizers(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e| Error::tantivy(dir, e))?;
        Ok(Store {
            dir: dir.into(),
            paths: PathMap::for_index(dir),
            generation: payload.generation,
            embed_model: payload.embed_model,
            index,
            fields,
            reader,
        })
    }

    /// A searcher over the committed index.
    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// The manifest matching the committed index.
    pub fn manifest(&self) -> Result<Manifest> {
        Ok(Manifest::load(&self.dir, self.generation)?.unwrap_or_default())
    }
}
