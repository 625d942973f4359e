//! `insight stats`: what the index holds.

use std::path::Path;

use serde_json::json;

use super::Context;
use super::args::StatsArgs;
use super::output::{self, human_bytes, paint, style};
use crate::error::{ExitCode, Result};
use crate::index::Store;
use crate::retrieve::Filters;
use crate::retrieve::groups::groups;

/// Runs the command.
pub fn run(ctx: &Context, args: &StatsArgs) -> Result<ExitCode> {
    let store = Store::open(&ctx.index)?;
    let manifest = store.manifest()?;
    let passages = store.searcher().num_docs();
    let size = dir_size(&ctx.index);
    let fields = manifest.fields();
    let accounts = manifest.accounts().len();
    let kinds = groups(&store, "kind", &Filters::default())?;
    let accounts_file = manifest
        .accounts
        .as_ref()
        .map(|a| (store.paths.display(&a.path), a.table.len()));
    let roots: Vec<String> = manifest
        .roots
        .iter()
        .map(|r| store.paths.display(r))
        .collect();
    if args.json {
        let fields_json: Vec<_> = fields
            .iter()
            .map(|(k, n)| json!({"name": k, "documents": n}))
            .collect();
        let kinds_json: Vec<_> = kinds
            .iter()
            .map(|g| json!({"value": g.value, "documents": g.documents}))
            .collect();
        output::print_json(&json!({
            "index": ctx.index.display().to_string(),
            "documents": manifest.documents(),
            "passages": passages,
            "accounts": accounts,
            "files": manifest.files.len(),
            "size_bytes": size,
            "last_indexed": manifest.last_indexed,
            "roots": roots,
            "accounts_file": accounts_file.as_ref().map(|(p, _)| p),
            "crm_accounts": accounts_file.as_ref().map(|(_, n)| n),
            "kinds": kinds_json,
            "fields": fields_json,
        }))?;
        return Ok(ExitCode::Success);
    }
    let row = |k: &str, v: String| format!("{}  {v}\n", paint(style::BOLD, format!("{k:<13}")));
    let mut out = String::new();
    out.push_str(&row(
        "index",
        format!("{} ({})", ctx.index.display(), human_bytes(size)),
    ));
    out.push_str(&row(
        "documents",
        format!("{} in {} files", manifest.documents(), manifest.files.len()),
    ));
    out.push_str(&row("passages", passages.to_string()));
    out.push_str(&row("accounts", accounts.to_string()));
    if let Some((path, n)) = &accounts_file {
        out.push_str(&row("crm", format!("{path} ({n} accounts)")));
    }
    let kinds_line: Vec<String> = kinds
        .iter()
        .map(|g| format!("{} {}", g.value.as_deref().unwrap_or("(none)"), g.documents))
        .collect();
    out.push_str(&row("kinds", kinds_line.join(", ")));
    out.push_str(&row("roots", roots.join(", ")));
    out.push_str(&row(
        "last indexed",
        manifest
            .last_indexed
            .clone()
            .unwrap_or_else(|| "never".into()),
    ));
    let fields_line: Vec<String> = fields.iter().map(|(k, n)| format!("{k} ({n})")).collect();
    out.push_str(&row("fields", fields_line.join(", ")));
    output::print(&out)?;
    Ok(ExitCode::Success)
}

/// Total size of the files under `dir`.
fn dir_size(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(e.path()),
                Ok(t) if t.is_file() => total += e.metadata().map_or(0, |m| m.len()),
                _ => {}
            }
        }
    }
    total
}
