//! The optional semantic layer: a local sentence-embedding model
//! (`model`: sentence-transformers BERT run in-process with candle) and
//! what is built on its vectors (`vector`: cosine, int8 storage, fusion of
//! rankings). Nothing here leaves the machine; without a configured model
//! every command works lexically, as before.

pub mod model;
pub mod vector;

use std::path::{Path, PathBuf};

pub use model::Embedder;

use crate::config::Config;
use crate::error::{Error, Result};

/// Environment variable naming the model folder (beats `[embed] model_dir`).
pub const MODEL_ENV: &str = "INSIGHT_EMBED_MODEL";

/// The configured model folder, if any: `INSIGHT_EMBED_MODEL`, else
/// `[embed] model_dir` (relative to the config file's folder).
pub fn model_dir(config: &Config) -> Option<PathBuf> {
    if let Some(v) = std::env::var_os(MODEL_ENV).filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(v));
    }
    let dir = config.embed.model_dir.as_ref()?;
    Some(match config.source.as_deref().and_then(Path::parent) {
        Some(base) if dir.is_relative() => base.join(dir),
        _ => dir.clone(),
    })
}

/// The configured model, loaded; `None` when none is configured.
pub fn load(config: &Config) -> Result<Option<Embedder>> {
    model_dir(config)
        .map(|dir| Embedder::load(&dir))
        .transpose()
}

/// The error for `flag` (`--semantic`, `--embed`) when no model is configured.
pub fn not_configured(flag: &str) -> Error {
    Error::invalid(
        flag,
        format!(
            "no embedding model is configured: set [embed] model_dir in insight.toml or {MODEL_ENV} to a sentence-transformers model folder (see the README, \"Semantic search\")"
        ),
    )
}
