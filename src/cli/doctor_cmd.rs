//! `insight doctor`: which provider, model and endpoint the flags, the
//! environment and the config resolve to, and whether it answers.

use std::time::Instant;

use serde_json::json;

use super::args::DoctorArgs;
use crate::app::{self, Settings};
use crate::error::{Error, ExitCode, Result};
use crate::index::Store;
use crate::llm::{ChatRequest, Client, Message, NoSink, ProviderKind, Role};
use crate::term::{self, paint, style};

/// Runs the command.
pub fn run(settings: &Settings, args: &DoctorArgs) -> Result<ExitCode> {
    let model = settings.settled_model(&super::llm_choice(&args.llm))?;
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
                let result = app::runtime()?.block_on(client.chat(&req, false, &mut NoSink));
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
    if args.json {
        term::print_json(&json!({
            "embeddings": embeddings,
            "provider": s.provider.to_string(),
            "provider_source": s.provider_source.to_string(),
            "model": s.model,
            "base_url": if s.provider == ProviderKind::Extractive { None } else { Some(&s.base_url) },
            "endpoint": endpoint,
            "api_key": key,
            "model_source": match s.model_source {
                crate::llm::settings::ModelSource::Given => "given",
                crate::llm::settings::ModelSource::Default => "default",
                crate::llm::settings::ModelSource::Server => "server",
            },
            "context_tokens": s.context_tokens,
            "context_source": s.context_source.to_string(),
            "max_output_tokens": s.max_output_tokens,
            "redaction": redaction,
            "prompts": prompt_src,
            "config": config_src,
            "index": index,
            "ok": ok,
            "check": check,
        }))?;
    } else {
        let row = |k: &str, v: &str| format!("{}  {v}\n", paint(style::BOLD, format!("{k:<10}")));
        let mut out = String::new();
        out.push_str(&row(
            "provider",
            &format!("{} (from {})", s.provider, s.provider_source),
        ));
        if s.provider != ProviderKind::Extractive {
            let model_note = match s.model_source {
                crate::llm::settings::ModelSource::Server => " (the one the server serves)",
                crate::llm::settings::ModelSource::Default => " (default)",
                crate::llm::settings::ModelSource::Given => "",
            };
            out.push_str(&row(
                "model",
                &format!("{}{model_note}", s.model.as_deref().unwrap_or("")),
            ));
            out.push_str(&row("endpoint", endpoint.as_deref().unwrap_or(&s.base_url)));
            out.push_str(&row("api key", &key));
            out.push_str(&row(
                "context",
                &format!(
                    "{} tokens (from {}), answers up to {}",
                    s.context_tokens, s.context_source, s.max_output_tokens
                ),
            ));
            out.push_str(&row("redaction", &redaction));
        }
        out.push_str(&row("prompts", &prompt_src));
        out.push_str(&row("config", &config_src));
        out.push_str(&row("index", &index));
        out.push_str(&row("embeddings", &embeddings));
        let verdict = if ok {
            paint(style::LOCATION, "ok")
        } else {
            paint(style::ERROR, "failed")
        };
        out.push_str(&row("check", &format!("{verdict}: {check}")));
        term::print(&out)?;
    }
    Ok(if ok {
        ExitCode::Success
    } else {
        ExitCode::Provider
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
