//! `doctor`'s checkup: what the flags, the environment and the config
//! resolve to (provider, model, endpoint, key, window, redaction, prompts,
//! config, index, embeddings), and whether the provider answers one tiny
//! request.

use std::time::Instant;

use super::{LlmChoice, Settings};
use crate::error::{Error, Result};
use crate::index::Store;
use crate::llm::{ChatRequest, Client, Message, NoSink, ProviderKind, Role};
use crate::report::Checkup;

/// Runs the checkup for `choice`.
pub fn doctor(settings: &Settings, choice: &LlmChoice) -> Result<Checkup> {
    let model = settings.settled_model(choice)?;
    let s = &model.settings;
    let prompts = model.policy.prompts();
    let index = match Store::open(&settings.index) {
        Ok(store) => format!(
            "{} ({} documents)",
            settings.index.display(),
            store.manifest()?.documents()
        ),
        Err(Error::NoIndex { .. }) => format!("{} (no index yet)", settings.index.display()),
        Err(e) => format!("{} ({e})", settings.index.display()),
    };
    let redaction = if model.policy.redact {
        format!(
            "on ({} extra pattern(s))",
            model.policy.redact_patterns.len()
        )
    } else {
        "off".to_string()
    };
    // the check: one tiny request, no cache
    let (endpoint, check, ok) = if s.provider == ProviderKind::Extractive {
        (
            None,
            "built in, offline: nothing to check".to_string(),
            true,
        )
    } else {
        let client = Client::new(s, None);
        match client {
            Err(e) => (None, e.to_string(), false),
            Ok(client) => {
                let url = client.url().to_string();
                let req = ChatRequest {
                    system: "You are a health check. Reply with the single word OK.".into(),
                    messages: vec![Message {
                        role: Role::User,
                        content: "Reply with OK.".into(),
                    }],
                    max_tokens: 8,
                    temperature: 0.0,
                    json_schema: None,
                };
                let started = Instant::now();
                let result = super::runtime()?.block_on(client.chat(&req, false, &mut NoSink));
                match result {
                    Ok(r) => (
                        Some(url),
                        format!(
                            "answered in {:.2} s ({}): {:?}",
                            started.elapsed().as_secs_f64(),
                            r.model.as_deref().unwrap_or("model not named"),
                            r.text.trim().chars().take(40).collect::<String>()
                        ),
                        true,
                    ),
                    Err(e) => (Some(url), e.to_string(), false),
                }
            }
        }
    };
    let key = if s.api_key_env.is_empty() {
        "not needed".to_string()
    } else if s.api_key.is_some() {
        format!("{} is set", s.api_key_env)
    } else {
        format!("{} is not set", s.api_key_env)
    };
    let prompt_src = match prompts.dir() {
        Some(d) => format!("{} (files there replace the built-in ones)", d.display()),
        None => "built in".into(),
    };
    let config_src = settings
        .config_source()?
        .map_or("none (defaults)".to_string(), |p| p.display().to_string());
    let embeddings = embeddings_check(settings);
    Ok(Checkup {
        settings: model.settings.clone(),
        endpoint,
        api_key: key,
        redaction,
        prompts: prompt_src,
        config: config_src,
        index,
        embeddings,
        ok,
        check,
    })
}

/// What the embedding model setting resolves to, and whether it runs.
fn embeddings_check(settings: &Settings) -> String {
    use crate::embed::{BUILTIN, MODEL_ENV, ModelSpec};
    let (spec, origin) = match settings.embed_spec() {
        Ok(Some(found)) => found,
        Ok(None) => {
            return format!(
                "off (set [embed] model_dir or {MODEL_ENV} to `{BUILTIN}` or a model folder for semantic search)"
            );
        }
        Err(e) => return format!("failed: {e}"),
    };
    if spec == ModelSpec::Off {
        return format!("off (`none` in {origin})");
    }
    let started = Instant::now();
    match crate::embed::Embedder::open(&spec).and_then(|e| {
        let e = e.ok_or_else(|| crate::embed::not_configured("embeddings"))?;
        e.embed_one("health check").map(|v| (e, v))
    }) {
        Ok((e, v)) => {
            let mut line = format!(
                "{}: {} dimensions, loaded and ran in {:.2} s (from {origin}",
                e.describe(),
                v.len(),
                started.elapsed().as_secs_f64(),
            );
            if e.is_builtin() {
                line.push_str(&format!("; the index records `{}`", e.identity()));
            }
            line.push(')');
            line
        }
        Err(e) => format!("failed: {e}"),
    }
}
