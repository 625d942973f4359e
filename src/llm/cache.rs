//! On-disk cache of LLM responses under the index folder
//! (`<index>/cache/llm/<hash>.json`), keyed by provider, model, endpoint and
//! the full request, so a re-run or an interrupted batch never pays twice.
//! Entries are written atomically; an unreadable entry is a miss. The
//! folders are the owner's alone (0o700).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Usage;

/// A cached answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub text: String,
    pub usage: Usage,
    pub model: Option<String>,
}

/// The cache folder.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// The cache of the index at `index_dir`.
    pub fn for_index(index_dir: &Path) -> Cache {
        Cache {
            dir: index_dir.join("cache").join("llm"),
        }
    }

    /// The key of a request: a hash of everything that shapes the answer.
    pub fn key(identity: &Value) -> String {
        let bytes = serde_json::to_vec(identity).unwrap_or_default();
        format!("{:032x}", xxhash_rust::xxh3::xxh3_128(&bytes))
    }

    /// The cached entry for `key`, if any.
    pub fn get(&self, key: &str) -> Option<Entry> {
        let bytes = std::fs::read(self.dir.join(format!("{key}.json"))).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Stores an entry (failures only cost a future cache miss).
    pub fn put(&self, key: &str, entry: &Entry) -> std::io::Result<()> {
        if let Some(cache) = self.dir.parent() {
            crate::files::private_dir(cache)?;
        }
        crate::files::private_dir(&self.dir)?;
        crate::files::write_atomic(
            &self.dir.join(format!("{key}.json")),
            &serde_json::to_vec(entry).map_err(std::io::Error::other)?,
        )
    }

    /// Number of cached entries.
    pub fn len(&self) -> usize {
        std::fs::read_dir(&self.dir).map_or(0, |d| {
            d.filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "json"))
            })
            .count()
        })
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_keys() {
        let dir = tempfile::tempdir().unwrap();
        let c = Cache::for_index(dir.path());
        let k = Cache::key(&serde_json::json!({"model": "m", "q": 1}));
        assert_ne!(k, Cache::key(&serde_json::json!({"model": "m", "q": 2})));
        assert!(c.get(&k).is_none());
        let e = Entry {
            text: "hi".into(),
            usage: Usage::default(),
            model: None,
        };
        c.put(&k, &e).unwrap();
        assert_eq!(c.get(&k), Some(e));
        assert_eq!(c.len(), 1);
    }
}
