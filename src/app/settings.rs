//! Settings resolved once: the global flags, the environment and
//! `insight.toml` become one [`Settings`] that every command and the REPL
//! read. This is the only place that reads [`Config`] and the process
//! environment; the stages below get resolved values ([`LlmSettings`],
//! [`RunPolicy`], a [`ModelSpec`], plain options), never the file or the
//! flags. The config file is read at most once, and only by the commands
//! that need it (a broken `insight.toml` does not stop `stats`).

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::config::{Config, ProfileConfig};
use crate::embed::{self, Embedder, MODEL_ENV, ModelSpec};
use crate::error::Result;
use crate::llm::{LlmFlags, LlmSettings, ProviderKind, RunPolicy};

/// What every command gets: the global flags, and the config read on first
/// use.
#[derive(Debug)]
pub struct Settings {
    /// Index folder.
    pub index: PathBuf,
    /// `-q`: no progress, notes or summary lines.
    pub quiet: bool,
    /// `-v`: more detail on stderr.
    pub verbose: u8,
    config_path: Option<PathBuf>,
    config: OnceLock<Config>,
}

/// The model choices a command was given: provider flags, and whether the
/// cache and redaction are turned off.
#[derive(Debug, Clone, Default)]
pub struct LlmChoice {
    pub flags: LlmFlags,
    pub no_cache: bool,
    pub no_redact: bool,
}

/// A resolved model: the provider settings and how the run treats what it
/// sends.
#[derive(Debug, Clone)]
pub struct Model {
    pub settings: LlmSettings,
    pub policy: RunPolicy,
}

impl Model {
    /// Whether a model answers (not the offline extractive answerer).
    pub fn is_model(&self) -> bool {
        self.settings.provider != ProviderKind::Extractive
    }
}

/// The theme machinery's settings (`[summarize]`).
#[derive(Debug, Clone, Default)]
pub struct ThemeSettings {
    /// Speakers from our own side: context, never evidence.
    pub internal: Vec<String>,
    /// Our own product's names: never part of a theme's title.
    pub product_names: Vec<String>,
    /// The seed of the offline clustering's sample.
    pub sample_seed: u64,
}

impl Settings {
    /// Settings for the index at `index`, reading the config from
    /// `config_path` (else the default locations) when first needed.
    pub fn new(index: PathBuf, config_path: Option<PathBuf>, quiet: bool, verbose: u8) -> Settings {
        Settings {
            index,
            quiet,
            verbose,
            config_path,
            config: OnceLock::new(),
        }
    }

    /// The config, read once.
    pub(crate) fn config(&self) -> Result<&Config> {
        if let Some(c) = self.config.get() {
            return Ok(c);
        }
        let loaded = Config::load(self.config_path.as_deref())?;
        Ok(self.config.get_or_init(|| loaded))
    }

    /// The provider, model and run policy for `choice`: flags, then the
    /// environment, then `insight.toml`, then the defaults.
    pub fn model(&self, choice: &LlmChoice) -> Result<Model> {
        let config = self.config()?;
        let settings =
            LlmSettings::resolve(&choice.flags, &config.llm, &|k| std::env::var(k).ok())?;
        Ok(Model {
            settings,
            policy: RunPolicy {
                cache: !choice.no_cache,
                redact: !choice.no_redact && config.redact.enabled.unwrap_or(true),
                redact_patterns: config.redact.patterns.clone(),
                prompts_dir: config.llm.prompts_dir.clone(),
            },
        })
    }

    /// [`Settings::model`] with the context window settled: asked of the
    /// server, or learned from its earlier error (remembered under the index).
    pub fn settled_model(&self, choice: &LlmChoice) -> Result<Model> {
        let mut model = self.model(choice)?;
        self.settle(&mut model.settings)?;
        Ok(model)
    }

    /// Settles the window of `settings` (nothing to do offline).
    pub fn settle(&self, settings: &mut LlmSettings) -> Result<()> {
        if settings.provider == ProviderKind::Extractive {
            return Ok(());
        }
        let memory = crate::llm::window::Memory::for_index(&self.index);
        super::runtime()?.block_on(crate::llm::window::resolve(settings, Some(&memory)));
        Ok(())
    }

    /// The embedding model setting and where it came from
    /// (`INSIGHT_EMBED_MODEL`, else `insight.toml`); `None` when nothing is
    /// configured. A relative folder in `insight.toml` is relative to the
    /// file's folder.
    pub fn embed_spec(&self) -> Result<Option<(ModelSpec, &'static str)>> {
        if let Some(v) = std::env::var_os(MODEL_ENV).filter(|v| !v.is_empty()) {
            return Ok(Some((ModelSpec::parse(Path::new(&v)), MODEL_ENV)));
        }
        let config = self.config()?;
        let Some(dir) = config.embed.model_dir.as_ref() else {
            return Ok(None);
        };
        Ok(Some((
            relative_to_config(ModelSpec::parse(dir), config.source.as_deref()),
            "insight.toml [embed] model_dir",
        )))
    }

    fn spec(&self) -> Result<Option<ModelSpec>> {
        Ok(self.embed_spec()?.map(|(s, _)| s))
    }

    /// The configured embedding model, loaded; `None` when there is none.
    pub fn embedder(&self) -> Result<Option<Arc<Embedder>>> {
        Ok(embed::load(self.spec()?.as_ref())?.map(Arc::new))
    }

    /// The configured embedding model, else the built-in one; `None` only
    /// for `none`.
    pub fn embedder_or_builtin(&self) -> Result<Option<Arc<Embedder>>> {
        Ok(embed::load_or_builtin(self.spec()?.as_ref())?.map(Arc::new))
    }

    /// The model `index --embed` writes vectors with.
    pub fn embed_for_index(&self) -> Result<ModelSpec> {
        self.spec()?
            .filter(|s| *s != ModelSpec::Off)
            .ok_or_else(|| embed::not_configured("--embed"))
    }

    /// `[summarize]`: our own speakers, product names, the sample's seed.
    pub fn themes(&self) -> Result<ThemeSettings> {
        let s = &self.config()?.summarize;
        Ok(ThemeSettings {
            internal: s.internal_speakers.clone(),
            product_names: s.product_names.clone(),
            sample_seed: s.sample_seed,
        })
    }

    /// `[profile]`: the CRM's columns.
    pub fn profile_columns(&self) -> Result<&ProfileConfig> {
        Ok(&self.config()?.profile)
    }

    /// `[index]`: indexing threads (0: one per core) and the writer's
    /// memory in MB, unless flags set them.
    pub fn index_resources(&self, threads: Option<usize>) -> Result<(usize, usize)> {
        let c = &self.config()?.index;
        Ok((
            threads.or(c.threads).unwrap_or(0),
            c.memory_mb.unwrap_or(256),
        ))
    }

    /// Prices per million prompt and completion tokens, when both are set.
    pub fn prices(&self) -> Result<Option<(f64, f64)>> {
        let l = &self.config()?.llm;
        Ok(l.price_input_per_mtok.zip(l.price_output_per_mtok))
    }

    /// Where the config was read from, if anywhere.
    pub fn config_source(&self) -> Result<Option<&Path>> {
        Ok(self.config()?.source.as_deref())
    }
}

/// A model folder named in a config file is relative to that file's folder.
fn relative_to_config(spec: ModelSpec, config: Option<&Path>) -> ModelSpec {
    match spec {
        ModelSpec::Dir(dir) => ModelSpec::Dir(match config.and_then(Path::parent) {
            Some(base) if dir.is_relative() => base.join(dir),
            _ => dir,
        }),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_folders_anchor_relative_model_folders() {
        let config = Some(Path::new("/etc/insight/insight.toml"));
        assert_eq!(
            relative_to_config(ModelSpec::Dir("models/m".into()), config),
            ModelSpec::Dir("/etc/insight/models/m".into())
        );
        assert_eq!(
            relative_to_config(ModelSpec::Dir("/abs/m".into()), config),
            ModelSpec::Dir("/abs/m".into())
        );
        assert_eq!(
            relative_to_config(ModelSpec::Builtin, config),
            ModelSpec::Builtin
        );
    }

    #[test]
    fn the_config_is_read_once_and_only_when_needed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("insight.toml");
        std::fs::write(&path, "[summarize]\nsample_seed = 7\n").unwrap();
        let s = Settings::new(dir.path().join("index"), Some(path.clone()), false, 0);
        assert_eq!(s.themes().unwrap().sample_seed, 7);
        std::fs::write(&path, "not toml [").unwrap();
        assert_eq!(s.themes().unwrap().sample_seed, 7, "read once");
        let broken = Settings::new(dir.path().join("index"), Some(path), false, 0);
        assert!(broken.themes().is_err());
    }
}
