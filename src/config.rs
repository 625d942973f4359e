//! Configuration from `insight.toml`: `--config FILE`, else `./insight.toml`,
//! else `$XDG_CONFIG_HOME/insight/insight.toml` (`~/.config/…`). Flags and
//! environment variables override it. Unknown sections are ignored so that
//! older builds read newer files.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};

/// Everything a config file can set.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Config {
    /// `[index]`: indexing resources.
    pub index: IndexConfig,
    /// Where the config was read from, if anywhere.
    #[serde(skip)]
    pub source: Option<PathBuf>,
}

/// `[index]` section.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IndexConfig {
    /// Writer memory budget in MB, shared by the indexing threads (default 512).
    pub memory_mb: Option<usize>,
    /// Indexing threads (default: one per core, at most 8).
    pub threads: Option<usize>,
}

impl Config {
    /// Loads the config: `explicit` must exist; the defaults may not.
    pub fn load(explicit: Option<&Path>) -> Result<Config> {
        let path = match explicit {
            Some(p) => Some(p.to_path_buf()),
            None => default_locations().into_iter().find(|p| p.is_file()),
        };
        let Some(path) = path else {
            return Ok(Config::default());
        };
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        let mut config: Config = toml::from_str(&text).map_err(|e| Error::Config {
            path: path.clone(),
            message: e.to_string().trim().replace('\n', " "),
        })?;
        config.source = Some(path);
        Ok(config)
    }
}

fn default_locations() -> Vec<PathBuf> {
    let mut out = vec![PathBuf::from("insight.toml")];
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")));
    if let Some(b) = base {
        out.push(b.join("insight").join("insight.toml"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_known_sections_and_ignores_others() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("insight.toml");
        std::fs::write(
            &p,
            "[index]\nmemory_mb = 256\n\n[llm]\nprovider = \"openai\"\n",
        )
        .unwrap();
        let c = Config::load(Some(&p)).unwrap();
        assert_eq!(c.index.memory_mb, Some(256));
        std::fs::write(&p, "[index]\nmemory = 1\n").unwrap();
        let e = Config::load(Some(&p)).unwrap_err().to_string();
        assert!(e.contains("insight.toml") && e.contains("memory"), "{e}");
        assert!(Config::load(Some(&dir.path().join("missing.toml"))).is_err());
    }
}
