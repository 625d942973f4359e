//! Configuration from `insight.toml`: `--config FILE`, else `./insight.toml`,
//! else `$XDG_CONFIG_HOME/insight/insight.toml` (`~/.config/…`). Flags and
//! environment variables override it. Unknown sections are ignored so that
//! older builds read newer files; unknown keys inside a known section are an
//! error (they are usually typos).

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};

/// Everything a config file can set.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Config {
    /// `[index]`: indexing resources.
    pub index: IndexConfig,
    /// `[llm]`: provider, model, endpoint, budgets, retries.
    pub llm: LlmConfig,
    /// `[redact]`: personal-data redaction before any LLM call.
    pub redact: RedactConfig,
    /// `[summarize]`: who counts as our own side.
    pub summarize: SummarizeConfig,
    /// `[embed]`: the optional local sentence-embedding model.
    pub embed: EmbedConfig,
    /// `[profile]`: which CRM columns hold churn, NPS, ARR, deal size and dates.
    pub profile: ProfileConfig,
    /// Where the config was read from, if anywhere.
    #[serde(skip)]
    pub source: Option<PathBuf>,
}

/// `[index]` section.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IndexConfig {
    /// Writer memory budget in MB, shared by the indexing threads (default 256; more is not faster, see BENCHMARKS.md).
    pub memory_mb: Option<usize>,
    /// Indexing threads (default: one per core, at most 8).
    pub threads: Option<usize>,
}

/// `[embed]` section. `INSIGHT_EMBED_MODEL` overrides it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EmbedConfig {
    /// Folder of a sentence-transformers BERT model (`config.json`,
    /// `tokenizer.json`, `model.safetensors`), e.g. all-MiniLM-L6-v2.
    pub model_dir: Option<PathBuf>,
}

/// `[llm]` section. Flags and environment variables override these.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LlmConfig {
    /// `openai`, `anthropic` or `extractive`.
    pub provider: Option<String>,
    /// Model name sent to the provider.
    pub model: Option<String>,
    /// Endpoint; for `openai` it includes the version (`http://127.0.0.1:8080/v1`).
    pub base_url: Option<String>,
    /// Environment variable holding the API key (default `OPENAI_API_KEY` / `ANTHROPIC_API_KEY`).
    pub api_key_env: Option<String>,
    /// The model's context window in tokens (default 8192).
    pub context_tokens: Option<usize>,
    /// Longest answer in tokens (default 512).
    pub max_output_tokens: Option<usize>,
    /// Requests in flight at once (default 4).
    pub concurrency: Option<usize>,
    /// Seconds to wait for a response, or between two chunks of a stream (default 120).
    pub timeout_secs: Option<u64>,
    /// Sampling temperature (default 0.2).
    pub temperature: Option<f32>,
    /// Retries after a failed request (default 3).
    pub max_retries: Option<u32>,
    /// First retry delay in milliseconds, doubled each time (default 500).
    pub retry_base_ms: Option<u64>,
    /// A folder of prompt templates that replace the built-in ones, file by file.
    pub prompts_dir: Option<PathBuf>,
    /// Price per million prompt tokens, for `summarize --dry-run` estimates.
    pub price_input_per_mtok: Option<f64>,
    /// Price per million completion tokens.
    pub price_output_per_mtok: Option<f64>,
}

/// `[summarize]` section.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SummarizeConfig {
    /// Speakers from our own side (interviewers, reps) in every document:
    /// their words give context but never count as evidence.
    pub internal_speakers: Vec<String>,
    /// Our own product's names: never part of a theme's title.
    pub product_names: Vec<String>,
    /// Which clauses the offline clustering samples past 3,000 (by a hash
    /// of their text with this seed); the same seed gives the same themes.
    pub sample_seed: u64,
}

/// `[profile]` section: CRM columns for `insight profile`, when their names
/// are not the common ones.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProfileConfig {
    /// A yes/no column (`churned`), or a status and its churned values
    /// (`status=Churned|Lost`).
    pub churned: Option<String>,
    /// The account's NPS answer (0–10) or score (−100–100).
    pub nps: Option<String>,
    /// Annual recurring revenue.
    pub arr: Option<String>,
    /// Monthly recurring revenue (read as ARR ÷ 12 when there is no ARR column).
    pub mrr: Option<String>,
    /// The first deal's value.
    pub deal_size: Option<String>,
    /// When the opportunity was opened.
    pub created: Option<String>,
    /// When the deal was won.
    pub closed: Option<String>,
    /// Columns left out of the firmographics.
    pub ignore: Vec<String>,
    /// Accounts a trait or theme needs among the best customers to count as
    /// a finding (default 2).
    pub min_support: Option<usize>,
}

/// `[redact]` section.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RedactConfig {
    /// Redaction is on unless this is `false`.
    pub enabled: Option<bool>,
    /// Extra regular expressions whose matches are replaced too.
    pub patterns: Vec<String>,
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
            "[index]\nmemory_mb = 256\n\n[llm]\nprovider = \"openai\"\n\n[redact]\npatterns = [\"ACC-[0-9]+\"]\n\n[future]\nx = 1\n",
        )
        .unwrap();
        let c = Config::load(Some(&p)).unwrap();
        assert_eq!(c.index.memory_mb, Some(256));
        assert_eq!(c.llm.provider.as_deref(), Some("openai"));
        assert_eq!(c.redact.patterns, ["ACC-[0-9]+"]);
        std::fs::write(&p, "[index]\nmemory = 1\n").unwrap();
        let e = Config::load(Some(&p)).unwrap_err().to_string();
        assert!(e.contains("insight.toml") && e.contains("memory"), "{e}");
        assert!(Config::load(Some(&dir.path().join("missing.toml"))).is_err());
    }
}
