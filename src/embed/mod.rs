//! The optional semantic layer: a local sentence-embedding model and what
//! is built on its vectors (`vector`: cosine, int8 storage, fusion of
//! rankings). Two kinds of model share one interface, [`Embedder`]:
//!
//! - `model`: a sentence-transformers BERT (all-MiniLM-L6-v2, …) run
//!   in-process with candle, from a folder the user points at;
//! - `static_model`: the built-in static model, a token table distilled
//!   from all-MiniLM-L6-v2 (Model2Vec) that ships inside the binary.
//!
//! Nothing here leaves the machine. A [`ModelSpec`] (resolved by `app` from
//! `[embed] model_dir` or `INSIGHT_EMBED_MODEL`) chooses: a folder,
//! `builtin`, or `none`. Without a
//! configured model every command works lexically, as before;
//! [`load_or_builtin`] is for callers that fall back to the built-in model.

pub mod model;
pub mod static_model;
pub mod vector;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use model::Transformer;
pub use static_model::StaticModel;

use crate::error::{Error, Result};

/// Environment variable naming the model (beats `[embed] model_dir`).
pub const MODEL_ENV: &str = "INSIGHT_EMBED_MODEL";
/// The setting's value that selects the built-in static model.
pub const BUILTIN: &str = "builtin";
/// The setting's value that selects no model.
pub const NONE: &str = "none";

/// What the embedding setting names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelSpec {
    /// The static model built into insight (`builtin`).
    Builtin,
    /// No model (`none`).
    Off,
    /// A model folder: a sentence-transformers BERT, or a static table
    /// written by `bench/distill_static.py`.
    Dir(PathBuf),
}

impl ModelSpec {
    /// Reads a setting: `builtin` and `none` (any case, trimmed) are
    /// keywords, anything else is a folder (`./builtin` names a folder).
    pub fn parse(value: &Path) -> ModelSpec {
        match value.to_str().map(str::trim) {
            Some(v) if v.eq_ignore_ascii_case(BUILTIN) => ModelSpec::Builtin,
            Some(v) if v.eq_ignore_ascii_case(NONE) => ModelSpec::Off,
            _ => ModelSpec::Dir(value.to_path_buf()),
        }
    }
}

/// The model `spec` names, loaded; `None` when nothing is configured (or
/// `none`).
pub fn load(spec: Option<&ModelSpec>) -> Result<Option<Embedder>> {
    match spec {
        None | Some(ModelSpec::Off) => Ok(None),
        Some(spec) => Embedder::open(spec),
    }
}

/// The model `spec` names, else the built-in one; `None` only for `none`.
pub fn load_or_builtin(spec: Option<&ModelSpec>) -> Result<Option<Embedder>> {
    Embedder::open(spec.unwrap_or(&ModelSpec::Builtin))
}

/// The error for `flag` (`--semantic`, `--embed`) when no model is configured.
pub fn not_configured(flag: &str) -> Error {
    Error::invalid(
        flag,
        format!(
            "no embedding model is configured: set [embed] model_dir in insight.toml or {MODEL_ENV} to `{BUILTIN}` (the built-in model) or to a sentence-transformers model folder (see the README, \"Semantic search\")"
        ),
    )
}

/// A loaded embedding model of either kind.
#[derive(Debug)]
pub struct Embedder {
    kind: Kind,
    identity: String,
}

#[derive(Debug)]
enum Kind {
    Transformer(Box<Transformer>),
    Static(Arc<StaticModel>),
}

impl Embedder {
    /// The model `spec` names; `None` for [`ModelSpec::Off`].
    pub fn open(spec: &ModelSpec) -> Result<Option<Embedder>> {
        match spec {
            ModelSpec::Off => Ok(None),
            ModelSpec::Builtin => Embedder::builtin().map(Some),
            ModelSpec::Dir(dir) => Embedder::load(dir).map(Some),
        }
    }

    /// The built-in static model (parsed once per process, on first use).
    pub fn builtin() -> Result<Embedder> {
        Ok(Embedder::of_static(StaticModel::builtin()?))
    }

    /// The model in folder `dir`: a static table when it holds
    /// `static.i8`, else a sentence-transformers BERT (`config.json`,
    /// `tokenizer.json`, `model.safetensors`).
    pub fn load(dir: &Path) -> Result<Embedder> {
        if dir.join(static_model::TABLE_FILE).is_file() {
            return Ok(Embedder::of_static(Arc::new(StaticModel::from_dir(dir)?)));
        }
        let t = Transformer::load(dir)?;
        let identity = t.dir().to_string_lossy().into_owned();
        Ok(Embedder {
            kind: Kind::Transformer(Box::new(t)),
            identity,
        })
    }

    /// The model an index recorded ([`Embedder::identity`]): any
    /// `builtin:…` is the built-in model of this insight (whose identity
    /// differs when its table does), anything else a folder.
    pub fn from_identity(identity: &str) -> Result<Embedder> {
        if identity.starts_with(static_model::BUILTIN_PREFIX) {
            Embedder::builtin()
        } else {
            Embedder::load(Path::new(identity))
        }
    }

    fn of_static(m: Arc<StaticModel>) -> Embedder {
        Embedder {
            identity: m.identity().to_string(),
            kind: Kind::Static(m),
        }
    }

    /// Length of a vector.
    pub fn dim(&self) -> usize {
        match &self.kind {
            Kind::Transformer(t) => t.dim(),
            Kind::Static(s) => s.dim(),
        }
    }

    /// What the index records for vectors from this model, and compares
    /// before using stored vectors: the folder, absolute and normalised
    /// (as before), or `builtin:NAME@CRC` for the built-in model.
    pub fn identity(&self) -> &str {
        &self.identity
    }

    /// The folder the model was read from; `None` for the built-in one.
    pub fn dir(&self) -> Option<&Path> {
        match &self.kind {
            Kind::Transformer(t) => Some(t.dir()),
            Kind::Static(s) => s.dir(),
        }
    }

    /// Whether this is a static (token table) model.
    pub fn is_static(&self) -> bool {
        matches!(self.kind, Kind::Static(_))
    }

    /// Whether this is the model built into insight.
    pub fn is_builtin(&self) -> bool {
        self.identity.starts_with(static_model::BUILTIN_PREFIX)
    }

    /// A short description for people (`insight doctor`).
    pub fn describe(&self) -> String {
        match &self.kind {
            Kind::Transformer(t) => format!("{} (transformer)", t.dir().display()),
            Kind::Static(s) => match s.dir() {
                None => format!(
                    "built-in static model {} (distilled from all-MiniLM-L6-v2, in the binary)",
                    s.name()
                ),
                Some(d) => format!("{} (static model {})", d.display(), s.name()),
            },
        }
    }

    /// Unit vectors for `texts`, in order. Static models give the zero
    /// vector for a text without a known token.
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        match &self.kind {
            Kind::Transformer(t) => t.embed(texts),
            Kind::Static(s) => s.embed(texts),
        }
    }

    /// One unit vector.
    pub fn embed_one(&self, text: &str) -> Result<Vec<f32>> {
        match &self.kind {
            Kind::Transformer(t) => t.embed_one(text),
            Kind::Static(s) => s.embed_one(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_and_folders() {
        assert_eq!(ModelSpec::parse(Path::new("builtin")), ModelSpec::Builtin);
        assert_eq!(ModelSpec::parse(Path::new(" BuiltIn ")), ModelSpec::Builtin);
        assert_eq!(ModelSpec::parse(Path::new("none")), ModelSpec::Off);
        assert_eq!(
            ModelSpec::parse(Path::new("./builtin")),
            ModelSpec::Dir(PathBuf::from("./builtin"))
        );
    }

    #[test]
    fn the_builtin_model_is_reached_by_its_identity() {
        let e = Embedder::builtin().unwrap();
        assert!(e.is_static() && e.is_builtin());
        assert!(e.identity().starts_with("builtin:minilm-l6-static-v1@"));
        let again = Embedder::from_identity("builtin:an-older-table@00000000").unwrap();
        assert_eq!(again.identity(), e.identity());
        assert!(e.describe().contains("built-in"));
        assert!(e.dir().is_none());
    }

    #[test]
    fn a_spec_chooses_the_model() {
        assert!(load(None).unwrap().is_none());
        assert!(load_or_builtin(None).unwrap().unwrap().is_builtin());
        assert!(load(Some(&ModelSpec::Off)).unwrap().is_none());
        assert!(load_or_builtin(Some(&ModelSpec::Off)).unwrap().is_none());
        assert!(
            load(Some(&ModelSpec::Builtin))
                .unwrap()
                .unwrap()
                .is_builtin()
        );
    }
}
