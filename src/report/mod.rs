//! Every rendering, to any `io::Write`: summaries as Markdown (readable on a
//! terminal), JSON (the contract's schema), CSV (one row per theme) and a
//! self-contained HTML page with a bar chart per group; profiles as
//! Markdown, JSON and HTML; scored leads; and the terminal output of
//! answers, hits, stats and dry runs (`terminal`, `json`, `style`). Only
//! verified quotes appear in Markdown, CSV and HTML.

mod csv;
mod html;
pub mod json;
mod markdown;
mod profile_html;
mod profile_md;
pub mod style;
pub mod terminal;

use std::fmt;
use std::io::{self, Write};
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

/// Renders `s` in `format` to `out`.
pub fn render(out: &mut dyn Write, s: &Summary, format: Format) -> io::Result<()> {
    match format {
        Format::Md => out.write_all(markdown::render(s).as_bytes()),
        Format::Json => write_json(out, s),
        Format::Csv => out.write_all(csv::render(s).as_bytes()),
        Format::Html => out.write_all(html::render(s).as_bytes()),
    }
}

/// Renders an Ideal Client Profile in `format` (md, json or html; the
/// command refuses csv) to `out`.
pub fn render_profile(
    out: &mut dyn Write,
    p: &crate::profile::Profile,
    format: Format,
) -> io::Result<()> {
    match format {
        Format::Json => write_json(out, p),
        Format::Html => out.write_all(profile_html::render(p).as_bytes()),
        _ => out.write_all(profile_md::render(p).as_bytes()),
    }
}

/// Leads scored against the profile, as CSV or JSON.
pub fn render_prospects(
    out: &mut dyn Write,
    fit: &crate::profile::prospects::Fit,
    format: Format,
) -> io::Result<()> {
    match format {
        Format::Json => write_json(out, &json::prospects(fit)),
        _ => {
            let csv = csv::prospects(&fit.scored).map_err(io::Error::other)?;
            out.write_all(csv.as_bytes())
        }
    }
}

/// `value` as pretty JSON and a newline.
pub fn write_json<T: serde::Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

/// The checkup, each finding in words.
pub struct Checkup {
    pub settings: crate::llm::LlmSettings,
    /// Where requests go (`None` offline, or when no client could be made).
    pub endpoint: Option<String>,
    pub api_key: String,
    pub redaction: String,
    pub prompts: String,
    pub config: String,
    pub index: String,
    pub embeddings: String,
    /// Whether the provider answered.
    pub ok: bool,
    /// What the check found.
    pub check: String,
}

/// The quotes a reader may see: verified ones only.
pub fn shown_quotes(t: &Theme) -> impl Iterator<Item = &Quote> {
    t.quotes.iter().filter(|q| q.verified)
}

/// Customer text, or text a model wrote from it, as Markdown that shows it
/// as written and renders nothing from it: no links, images, raw HTML, code
/// or emphasis (their characters are escaped; `://` too, so no renderer
/// turns a bare URL into a link), no line breaks (they would end a quote or a
/// table row).
pub fn md_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    if out.contains("://") {
        out = out.replace("://", "\\://");
    }
    out
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
