//! Renderers for summaries: Markdown (readable on a terminal), JSON (the
//! contract's schema), CSV (one row per theme) and a self-contained HTML page
//! with a bar chart per group. Only verified quotes appear in Markdown, CSV
//! and HTML.

mod csv;
mod html;
mod markdown;
mod profile_html;
mod profile_md;

use std::fmt;
use std::str::FromStr;

use crate::synthesize::summarize::Summary;
use crate::synthesize::themes::{Quote, Theme};

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Md,
    Json,
    Csv,
    Html,
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "md" | "markdown" => Ok(Format::Md),
            "json" => Ok(Format::Json),
            "csv" => Ok(Format::Csv),
            "html" => Ok(Format::Html),
            other => Err(format!(
                "unknown format `{other}` (use md, json, csv or html)"
            )),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Md => "md",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Html => "html",
        })
    }
}

/// Renders `s` in `format`.
pub fn render(s: &Summary, format: Format) -> String {
    match format {
        Format::Md => markdown::render(s),
        Format::Json => serde_json::to_string_pretty(s)
            .map(|j| j + "\n")
            .unwrap_or_default(),
        Format::Csv => csv::render(s),
        Format::Html => html::render(s),
    }
}

/// Renders an Ideal Client Profile in `format` (md, json or html; the
/// command refuses csv).
pub fn render_profile(p: &crate::profile::Profile, format: Format) -> String {
    match format {
        Format::Json => serde_json::to_string_pretty(p)
            .map(|j| j + "\n")
            .unwrap_or_default(),
        Format::Html => profile_html::render(p),
        _ => profile_md::render(p),
    }
}

/// The quotes a reader may see: verified ones only.
pub fn shown_quotes(t: &Theme) -> impl Iterator<Item = &Quote> {
    t.quotes.iter().filter(|q| q.verified)
}

/// "Orbis Pharma (ACC-108) · Maren Holt" style attribution of a quote.
pub fn attribution(q: &Quote) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(a) = &q.account {
        parts.push(a.clone());
    }
    if let Some(s) = &q.speaker {
        parts.push(s.clone());
    }
    parts.push(format!("{}:{}", q.path, q.location));
    parts.join(" · ")
}

/// The group's label (`(no segment)` for documents without the field).
pub fn group_label(s: &Summary, value: &Option<String>) -> String {
    value.clone().unwrap_or_else(|| format!("(no {})", s.by))
}

/// "extractive (no model)" or "openai · gpt-4o-mini".
pub fn provider_label(s: &Summary) -> String {
    provider_and_model(&s.provider, s.model.as_deref())
}

/// "extractive (no model)" or "openai · gpt-4o-mini", for any report.
pub fn provider_and_model(provider: &str, model: Option<&str>) -> String {
    match model {
        Some(m) => format!("{provider} · {m}"),
        None => format!("{provider} (no model)"),
    }
}
