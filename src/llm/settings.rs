//! Which provider, model and endpoint a command uses: flags, then the
//! environment (`INSIGHT_PROVIDER`, `INSIGHT_MODEL`, `INSIGHT_BASE_URL`,
//! `OPENAI_API_KEY`, `ANTHROPIC_API_KEY`), then `insight.toml`, then the
//! built-in default (`extractive`, which needs no model and no network).

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use crate::config::LlmConfig;
use crate::error::{Error, Result};
use crate::llm::cache::Cache;
use crate::llm::prompts::Prompts;
use crate::llm::redact::Redactor;

/// The providers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderKind {
    /// Any OpenAI-compatible `/chat/completions` endpoint.
    OpenAi,
    /// Anthropic's Messages API.
    Anthropic,
    /// Built in, offline: ranks and quotes evidence itself.
    Extractive,
}

impl FromStr for ProviderKind {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "openai" => Ok(ProviderKind::OpenAi),
            "anthropic" => Ok(ProviderKind::Anthropic),
            "extractive" | "offline" | "none" => Ok(ProviderKind::Extractive),
            other => Err(format!(
                "unknown provider `{other}` (use openai, anthropic or extractive)"
            )),
        }
    }
}

impl fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ProviderKind::OpenAi => "openai",
            ProviderKind::Anthropic => "anthropic",
            ProviderKind::Extractive => "extractive",
        })
    }
}

/// LLM choices given on the command line.
#[derive(Debug, Clone, Default)]
pub struct LlmFlags {
    pub provider: Option<ProviderKind>,
    pub model: Option<String>,
    pub base_url: Option<String>,
    /// `--context-tokens`: the model's context window.
    pub context_tokens: Option<usize>,
}

/// Where a setting came from, for `insight doctor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Flag,
    Env,
    Config,
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Source::Flag => "flag",
            Source::Env => "environment",
            Source::Config => "config",
            Source::Default => "default",
        })
    }
}

/// Where the context window came from, for `insight doctor` and errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WindowSource {
    /// `--context-tokens`.
    Flag,
    /// `[llm] context_tokens`.
    Config,
    /// Asked of the server at this URL.
    Server(String),
    /// Learned from an earlier context-length error of this server and model.
    Learned,
    /// Not known: the default.
    Default,
}

impl fmt::Display for WindowSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WindowSource::Flag => f.write_str("--context-tokens"),
            WindowSource::Config => f.write_str("[llm] context_tokens"),
            WindowSource::Server(url) => write!(f, "the server, {url}"),
            WindowSource::Learned => f.write_str("learned from the server's context-length error"),
            WindowSource::Default => f.write_str("the default; the server did not say"),
        }
    }
}

/// Where the model name came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelSource {
    /// A flag, the environment or the config.
    Given,
    /// The provider's default name.
    Default,
    /// The only (or loaded) model the server lists.
    Server,
}

/// The resolved LLM settings, immutable for a command.
#[derive(Debug, Clone)]
pub struct LlmSettings {
    pub provider: ProviderKind,
    pub provider_source: Source,
    /// `None` for the extractive provider.
    pub model: Option<String>,
    pub model_source: ModelSource,
    pub base_url: String,
    /// Name of the variable the key is read from.
    pub api_key_env: String,
    pub api_key: Option<String>,
    pub context_tokens: usize,
    pub context_source: WindowSource,
    pub max_output_tokens: usize,
    pub concurrency: usize,
    pub timeout: Duration,
    pub temperature: f32,
    pub max_retries: u32,
    pub retry_base: Duration,
}

/// Default model per provider.
pub const OPENAI_MODEL: &str = "gpt-4o-mini";
pub const ANTHROPIC_MODEL: &str = "claude-3-5-haiku-latest";
/// The context window assumed when nothing says otherwise.
pub const DEFAULT_WINDOW: usize = 8192;
pub const OPENAI_URL: &str = "https://api.openai.com/v1";
pub const ANTHROPIC_URL: &str = "https://api.anthropic.com";

impl LlmSettings {
    /// Resolves the settings; `env` reads an environment variable.
    pub fn resolve(
        flags: &LlmFlags,
        config: &LlmConfig,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<LlmSettings> {
        let env_nonempty = |k: &str| env(k).filter(|v| !v.trim().is_empty());
        let parse = |s: &str, what: &str| {
            s.parse::<ProviderKind>()
                .map_err(|m| Error::invalid(what, m))
        };
        let (provider, provider_source) = if let Some(p) = flags.provider {
            (p, Source::Flag)
        } else if let Some(p) = env_nonempty("INSIGHT_PROVIDER") {
            (parse(&p, "INSIGHT_PROVIDER")?, Source::Env)
        } else if let Some(p) = &config.provider {
            (parse(p, "[llm] provider")?, Source::Config)
        } else if flags.base_url.is_some() {
            (ProviderKind::OpenAi, Source::Flag)
        } else if env_nonempty("INSIGHT_BASE_URL").is_some()
            || env_nonempty("OPENAI_API_KEY").is_some()
        {
            (ProviderKind::OpenAi, Source::Env)
        } else if config.base_url.is_some() {
            (ProviderKind::OpenAi, Source::Config)
        } else if env_nonempty("ANTHROPIC_API_KEY").is_some() {
            (ProviderKind::Anthropic, Source::Env)
        } else {
            (ProviderKind::Extractive, Source::Default)
        };
        let (default_model, default_url, default_key) = match provider {
            ProviderKind::OpenAi => (Some(OPENAI_MODEL), OPENAI_URL, "OPENAI_API_KEY"),
            ProviderKind::Anthropic => (Some(ANTHROPIC_MODEL), ANTHROPIC_URL, "ANTHROPIC_API_KEY"),
            ProviderKind::Extractive => (None, "", ""),
        };
        let given = flags
            .model
            .clone()
            .or_else(|| env_nonempty("INSIGHT_MODEL"))
            .or_else(|| config.model.clone());
        let model_source = if given.is_some() {
            ModelSource::Given
        } else {
            ModelSource::Default
        };
        let model = given.or_else(|| default_model.map(str::to_string));
        let base_url = flags
            .base_url
            .clone()
            .or_else(|| env_nonempty("INSIGHT_BASE_URL"))
            .or_else(|| config.base_url.clone())
            .unwrap_or_else(|| default_url.to_string())
            .trim_end_matches('/')
            .to_string();
        if provider != ProviderKind::Extractive
            && !(base_url.starts_with("http://") || base_url.starts_with("https://"))
        {
            return Err(Error::invalid(
                "--base-url",
                format!("`{base_url}` is not an http:// or https:// URL"),
            ));
        }
        let api_key_env = config
            .api_key_env
            .clone()
            .unwrap_or_else(|| default_key.to_string());
        let api_key = if api_key_env.is_empty() {
            None
        } else {
            env_nonempty(&api_key_env)
        };
        let (context_tokens, context_source, what) =
            match (flags.context_tokens, config.context_tokens) {
                (Some(n), _) => (n, WindowSource::Flag, "--context-tokens"),
                (None, Some(n)) => (n, WindowSource::Config, "[llm] context_tokens"),
                (None, None) => (
                    DEFAULT_WINDOW,
                    WindowSource::Default,
                    "[llm] context_tokens",
                ),
            };
        let max_output_tokens = config.max_output_tokens.unwrap_or(512);
        if context_tokens < 1024 || max_output_tokens * 2 > context_tokens {
            return Err(Error::invalid(
                what,
                format!(
                    "context_tokens ({context_tokens}) must be at least 1024 and twice max_output_tokens ({max_output_tokens})"
                ),
            ));
        }
        Ok(LlmSettings {
            provider,
            provider_source,
            model: if provider == ProviderKind::Extractive {
                None
            } else {
                model
            },
            model_source,
            base_url,
            api_key_env,
            api_key,
            context_tokens,
            context_source,
            max_output_tokens,
            concurrency: config.concurrency.unwrap_or(4).max(1),
            timeout: Duration::from_secs(config.timeout_secs.unwrap_or(120).max(1)),
            temperature: config.temperature.unwrap_or(0.2),
            max_retries: config.max_retries.unwrap_or(3),
            retry_base: Duration::from_millis(config.retry_base_ms.unwrap_or(500)),
        })
    }

    /// Uses a window found after resolving (asked of the server, or
    /// learned from its error), unless a flag or the config set one. A
    /// small window also caps the answer's length at a quarter of it.
    pub fn set_window(&mut self, tokens: usize, source: WindowSource) {
        if matches!(
            self.context_source,
            WindowSource::Flag | WindowSource::Config
        ) {
            return;
        }
        self.context_tokens = tokens.max(256);
        self.context_source = source;
        self.max_output_tokens = self.max_output_tokens.min(self.context_tokens / 4).max(64);
    }

    /// Whether the window is still to be found: nobody set it.
    pub fn window_unknown(&self) -> bool {
        self.context_source == WindowSource::Default
    }
}

/// How a model run treats what it sends and what comes back, resolved once
/// from the flags and `insight.toml`.
#[derive(Debug, Clone, Default)]
pub struct RunPolicy {
    /// Answers are cached under the index (`--no-cache` turns it off).
    pub cache: bool,
    /// Personal data is redacted before anything is sent: on unless
    /// `--no-redact` or `[redact] enabled = false`.
    pub redact: bool,
    /// Extra regular expressions redacted too (`[redact] patterns`).
    pub redact_patterns: Vec<String>,
    /// A folder of prompt templates that replace the built-in ones.
    pub prompts_dir: Option<PathBuf>,
}

impl RunPolicy {
    /// The prompt templates: the built-in ones, overridden file by file.
    pub fn prompts(&self) -> Prompts {
        Prompts::discover(self.prompts_dir.as_deref())
    }

    /// The response cache of the index at `index`, unless caching is off.
    pub fn cache_for(&self, index: &Path) -> Option<Cache> {
        self.cache.then(|| Cache::for_index(index))
    }

    /// The redactor for what is sent; `names` (people to redact) is only
    /// called when redaction is on.
    pub fn redactor(&self, names: impl FnOnce() -> Result<Vec<String>>) -> Result<Redactor> {
        let names = if self.redact { names()? } else { Vec::new() };
        Redactor::new(self.redact, names, &self.redact_patterns)
            .map_err(|m| Error::invalid("[redact] patterns", m))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn default_is_extractive() {
        let s = LlmSettings::resolve(&LlmFlags::default(), &LlmConfig::default(), &env_of(&[]))
            .unwrap();
        assert_eq!(s.provider, ProviderKind::Extractive);
        assert!(s.model.is_none());
    }

    #[test]
    fn base_url_or_openai_key_select_openai_unless_named() {
        let flags = LlmFlags {
            base_url: Some("http://127.0.0.1:8089/v1/".into()),
            ..Default::default()
        };
        let s = LlmSettings::resolve(&flags, &LlmConfig::default(), &env_of(&[])).unwrap();
        assert_eq!(
            (s.provider, s.base_url.as_str()),
            (ProviderKind::OpenAi, "http://127.0.0.1:8089/v1")
        );
        let s = LlmSettings::resolve(
            &LlmFlags::default(),
            &LlmConfig::default(),
            &env_of(&[("OPENAI_API_KEY", "sk-x")]),
        )
        .unwrap();
        assert_eq!(s.provider, ProviderKind::OpenAi);
        assert_eq!(s.api_key.as_deref(), Some("sk-x"));
        assert_eq!(s.model.as_deref(), Some(OPENAI_MODEL));
        let s = LlmSettings::resolve(
            &LlmFlags::default(),
            &LlmConfig::default(),
            &env_of(&[
                ("OPENAI_API_KEY", "sk-x"),
                ("INSIGHT_PROVIDER", "extractive"),
            ]),
        )
        .unwrap();
        assert_eq!(s.provider, ProviderKind::Extractive);
    }

    #[test]
    fn flags_beat_env_beat_config() {
        let config = LlmConfig {
            provider: Some("anthropic".into()),
            model: Some("from-config".into()),
            ..Default::default()
        };
        let env = env_of(&[("INSIGHT_MODEL", "from-env"), ("ANTHROPIC_API_KEY", "k")]);
        let s = LlmSettings::resolve(&LlmFlags::default(), &config, &env).unwrap();
        assert_eq!(
            (s.provider, s.model.as_deref()),
            (ProviderKind::Anthropic, Some("from-env"))
        );
        assert_eq!(s.base_url, ANTHROPIC_URL);
        let flags = LlmFlags {
            provider: Some(ProviderKind::OpenAi),
            model: Some("from-flag".into()),
            base_url: None,
            context_tokens: None,
        };
        let s = LlmSettings::resolve(&flags, &config, &env).unwrap();
        assert_eq!(
            (s.provider, s.model.as_deref()),
            (ProviderKind::OpenAi, Some("from-flag"))
        );
        assert!(
            s.api_key.is_none(),
            "the OpenAI key is read from OPENAI_API_KEY"
        );
    }

    #[test]
    fn bad_values_are_usage_errors() {
        let bad = LlmSettings::resolve(
            &LlmFlags::default(),
            &LlmConfig::default(),
            &env_of(&[("INSIGHT_PROVIDER", "gemini")]),
        );
        assert!(bad.unwrap_err().to_string().contains("INSIGHT_PROVIDER"));
        let flags = LlmFlags {
            base_url: Some("localhost:8080".into()),
            ..Default::default()
        };
        assert!(LlmSettings::resolve(&flags, &LlmConfig::default(), &env_of(&[])).is_err());
        let small = LlmConfig {
            context_tokens: Some(512),
            ..Default::default()
        };
        assert!(LlmSettings::resolve(&LlmFlags::default(), &small, &env_of(&[])).is_err());
    }
}
