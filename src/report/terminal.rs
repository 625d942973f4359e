//! Human output for a terminal: an answer's sources, search hits, the
//! index's stats, the passages behind an answer and around a citation, and
//! a summary's dry-run plan. Each writes to any `io::Write`; colours are
//! ANSI codes that the terminal layer strips when they are off.

use std::io::{self, Write};

use super::Checkup;
use super::style::{self, paint};
use crate::index::IndexReport;
use crate::index::stats::Stats;
use crate::llm::settings::ModelSource;
use crate::llm::{LlmSettings, ProviderKind};
use crate::retrieve::Hit;
use crate::retrieve::groups::Group;
use crate::retrieve::search::Results;
use crate::synthesize::ask::{Answer, Citation};
use crate::synthesize::refine::Plan;

/// `Sources` with one line per cited passage (or the passages sent, when the
/// model cited none).
pub fn sources(out: &mut dyn Write, a: &Answer) -> io::Result<()> {
    let (title, list): (&str, &[Citation]) = if !a.citations.is_empty() {
        ("Sources", &a.citations)
    } else if !a.passages.is_empty() {
        ("Passages given to the model (none was cited)", &a.passages)
    } else {
        return Ok(());
    };
    writeln!(out, "{}", paint(style::BOLD, title))?;
    for c in list {
        let who = who(c);
        let seg = c
            .segment
            .as_ref()
            .map(|s| format!(" ({s})"))
            .unwrap_or_default();
        let speaker = c
            .speaker
            .as_ref()
            .map(|s| format!(" · {s}"))
            .unwrap_or_default();
        writeln!(
            out,
            "  [{}] {}:{} — {who}{seg}{}",
            c.n,
            paint(style::PATH, &c.path),
            paint(style::LOCATION, &c.location),
            paint(style::DIM, speaker),
        )?;
    }
    Ok(())
}

/// Who said a cited passage: the account's name, else its id.
fn who(c: &Citation) -> String {
    c.account_name
        .clone()
        .or_else(|| c.account.clone())
        .unwrap_or_default()
}

/// One hit: `1. path location score` / metadata line / snippet.
pub fn hit(out: &mut dyn Write, n: usize, h: &Hit) -> io::Result<()> {
    let mut meta: Vec<String> = Vec::new();
    if let Some(a) = h.field("account") {
        match h.field("account_name") {
            Some(name) if name != a => meta.push(format!("{a} {name}")),
            _ => meta.push(a.to_string()),
        }
    }
    for key in ["segment", "kind", "date", "speaker"] {
        if let Some(v) = h.field(key) {
            meta.push(v.to_string());
        }
    }
    let snippet = h
        .snippet
        .marked(&format!("{}", style::MATCH), &format!("{:#}", style::MATCH));
    write!(
        out,
        "{}. {} {} {}\n   {}\n   {}\n\n",
        n,
        paint(style::PATH, &h.path),
        paint(style::LOCATION, &h.location),
        paint(style::DIM, format!("{:.2}", h.score)),
        paint(style::DIM, meta.join(" · ")),
        snippet.replace('\n', " "),
    )
}

/// The outcome of `index` in one line.
pub fn indexed(out: &mut dyn Write, r: &IndexReport) -> io::Result<()> {
    write!(
        out,
        "{} {} documents ({} passages) in {}: {} added, {} updated, {} unchanged, {} removed",
        paint(style::BOLD, "indexed"),
        r.documents,
        r.passages,
        human_ms(r.elapsed_ms),
        r.added,
        r.updated,
        r.unchanged,
        r.removed,
    )?;
    if !r.skipped.is_empty() {
        write!(out, ", {} file(s) skipped", r.skipped.len())?;
    }
    writeln!(out)
}

/// Every hit of `results`, numbered.
pub fn hits(out: &mut dyn Write, results: &Results) -> io::Result<()> {
    for (i, h) in results.hits.iter().enumerate() {
        hit(out, i + 1, h)?;
    }
    Ok(())
}

/// The stats of the index at `index`, one row per fact.
pub fn stats(out: &mut dyn Write, index: &str, f: &Stats, kinds: &[Group]) -> io::Result<()> {
    let mut row = |k: &str, v: String| -> io::Result<()> {
        writeln!(out, "{}  {v}", paint(style::BOLD, format!("{k:<13}")))
    };
    row("index", format!("{index} ({})", human_bytes(f.size)))?;
    row("documents", format!("{} in {} files", f.documents, f.files))?;
    row("passages", f.passages.to_string())?;
    row("accounts", f.accounts.to_string())?;
    if let Some((path, n)) = &f.crm {
        row("crm", format!("{path} ({n} accounts)"))?;
    }
    let kinds: Vec<String> = kinds
        .iter()
        .map(|g| format!("{} {}", g.value.as_deref().unwrap_or("(none)"), g.documents))
        .collect();
    row("kinds", kinds.join(", "))?;
    row("roots", f.roots.join(", "))?;
    row(
        "last indexed",
        f.last_indexed.clone().unwrap_or_else(|| "never".into()),
    )?;
    let fields: Vec<String> = f.fields.iter().map(|(k, n)| format!("{k} ({n})")).collect();
    row("fields", fields.join(", "))
}

/// Documents, accounts and passages per value of the field `by`.
pub fn groups(out: &mut dyn Write, by: &str, groups: &[Group]) -> io::Result<()> {
    let label = |v: &Option<String>| v.clone().unwrap_or_else(|| format!("(no {by})"));
    let width = groups
        .iter()
        .map(|g| label(&g.value).chars().count())
        .chain([by.len()])
        .max()
        .unwrap_or(8);
    writeln!(
        out,
        "{}",
        paint(
            style::BOLD,
            format!(
                "{by:<width$}  {:>9}  {:>8}  {:>8}",
                "documents", "accounts", "passages"
            )
        )
    )?;
    for g in groups {
        writeln!(
            out,
            "{:<width$}  {:>9}  {:>8}  {:>8}",
            label(&g.value),
            g.documents,
            g.accounts,
            g.passages
        )?;
    }
    Ok(())
}

/// What a summary with a model would do and cost; `cost` in dollars when
/// prices are configured.
pub fn dry_run(
    out: &mut dyn Write,
    plan: &Plan,
    settings: &LlmSettings,
    cost: Option<f64>,
) -> io::Result<()> {
    let width = plan
        .groups
        .iter()
        .map(|g| g.0.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    writeln!(
        out,
        "dry run: {} · {} · context {} tokens ({}) — nothing was sent\n",
        settings.provider,
        settings.model.as_deref().unwrap_or(""),
        settings.context_tokens,
        settings.context_source
    )?;
    write!(
        out,
        "{}",
        paint(
            style::BOLD,
            format!(
                "{:<width$}  {:>6}  {:>15}\n",
                "group", "themes", "sentences shown"
            ),
        )
    )?;
    for (label, themes, sentences) in &plan.groups {
        writeln!(out, "{label:<width$}  {themes:>6}  {sentences:>15}")?;
    }
    write!(
        out,
        "\n{} call(s), one per theme (the cost grows with the themes, not with the corpus): about {} prompt + {} completion tokens",
        plan.calls(),
        plan.est_prompt_tokens,
        plan.est_completion_tokens
    )?;
    match cost {
        Some(c) => writeln!(out, ", about ${c:.4}")?,
        None => {
            writeln!(
                out,
                " (set [llm] price_input_per_mtok and price_output_per_mtok for a cost)"
            )?;
        }
    }
    writeln!(out, "answers already in the cache cost nothing")
}

/// `doctor`'s checkup, one row per finding.
pub fn doctor(out: &mut dyn Write, c: &Checkup) -> io::Result<()> {
    let s = &c.settings;
    let mut row =
        |k: &str, v: &str| writeln!(out, "{}  {v}", paint(style::BOLD, format!("{k:<10}")));
    row(
        "provider",
        &format!("{} (from {})", s.provider, s.provider_source),
    )?;
    if s.provider != ProviderKind::Extractive {
        let model_note = match s.model_source {
            ModelSource::Server => " (the one the server serves)",
            ModelSource::Default => " (default)",
            ModelSource::Given => "",
        };
        row(
            "model",
            &format!("{}{model_note}", s.model.as_deref().unwrap_or("")),
        )?;
        row("endpoint", c.endpoint.as_deref().unwrap_or(&s.base_url))?;
        row("api key", &c.api_key)?;
        row(
            "context",
            &format!(
                "{} tokens (from {}), answers up to {}",
                s.context_tokens, s.context_source, s.max_output_tokens
            ),
        )?;
        row("redaction", &c.redaction)?;
    }
    row("prompts", &c.prompts)?;
    row("config", &c.config)?;
    row("index", &c.index)?;
    row("embeddings", &c.embeddings)?;
    let verdict = if c.ok {
        paint(style::LOCATION, "ok")
    } else {
        paint(style::ERROR, "failed")
    };
    row("check", &format!("{verdict}: {}", c.check))
}

/// "extractive (offline)" or "openai · gpt-4o-mini".
pub fn provider_line(s: &LlmSettings) -> String {
    match (&s.provider, &s.model) {
        (ProviderKind::Extractive, _) => "extractive (offline)".to_string(),
        (p, Some(m)) => format!("{p} · {m}"),
        (p, None) => p.to_string(),
    }
}

/// The passages behind an answer, each with who said it and its full text
/// (wrapped by `wrap`).
pub fn passages(
    out: &mut dyn Write,
    list: &[Citation],
    wrap: &dyn Fn(&str) -> String,
) -> io::Result<()> {
    for c in list {
        let who = who(c);
        writeln!(
            out,
            "[{}] {}:{} {}",
            c.n,
            paint(style::PATH, &c.path),
            paint(style::LOCATION, &c.location),
            paint(
                style::DIM,
                [Some(who), c.segment.clone(), c.speaker.clone()]
                    .into_iter()
                    .flatten()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" · ")
            )
        )?;
        write!(out, "{}\n\n", wrap(&c.text))?;
    }
    Ok(())
}

/// The passages of a document around passage `at` (three on each side),
/// `at` marked.
pub fn around(
    out: &mut dyn Write,
    path: &str,
    passages: &[Hit],
    at: usize,
    wrap: &dyn Fn(&str) -> String,
) -> io::Result<()> {
    let (from, to) = (at.saturating_sub(3), (at + 4).min(passages.len()));
    writeln!(
        out,
        "{} — {} passage(s)",
        paint(style::PATH, path),
        passages.len()
    )?;
    if from > 0 {
        write!(
            out,
            "{}",
            paint(style::DIM, format!("… {from} passage(s) before\n"))
        )?;
    }
    for (i, p) in passages.iter().enumerate().take(to).skip(from) {
        let marker = if i == at {
            paint(style::MATCH, "▶")
        } else {
            " ".to_string()
        };
        let speaker = p
            .field("speaker")
            .map(|s| format!(" {s}"))
            .unwrap_or_default();
        writeln!(
            out,
            "{marker} {}{}",
            paint(style::LOCATION, &p.location),
            paint(style::DIM, speaker)
        )?;
        writeln!(out, "{}", wrap(&p.text))?;
    }
    if to < passages.len() {
        write!(
            out,
            "{}",
            paint(
                style::DIM,
                format!("… {} passage(s) after\n", passages.len() - to),
            )
        )?;
    }
    Ok(())
}

/// Formats a byte count (`1.4 MB`).
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1000.0 && u < UNITS.len() - 1 {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// Formats milliseconds (`850 ms`, `2.41 s`).
pub fn human_ms(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else {
        format!("{:.2} s", ms as f64 / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn humans() {
        assert_eq!(human_bytes(999), "999 B");
        assert_eq!(human_bytes(1_450_000), "1.4 MB");
        assert_eq!(human_ms(850), "850 ms");
        assert_eq!(human_ms(2414), "2.41 s");
    }
}
