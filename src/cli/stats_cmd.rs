//! `insight stats`: what the index holds (also `/stats` in the REPL).

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::json;

use super::Context;
use super::args::StatsArgs;
use super::output::{self, human_bytes, paint, style};
use crate::error::{ExitCode, Result};
use crate::index::Store;
use crate::retrieve::Filters;
use crate::retrieve::groups::{Group, groups};

/// The facts both renderings show.
struct Facts {
    documents: usize,
    files: usize,
    passages: u64,
    accounts: usize,
    size: u64,
    last_indexed: Option<String>,
    roots: Vec<String>,
    /// The CRM file and its number of accounts.
    crm: Option<(String, usize)>,
    kinds: Vec<Group>,
    fields: BTreeMap<String, u64>,
}

fn facts(ctx: &Context, store: &Store) -> Result<Facts> {
    let manifest = store.manifest()?;
    Ok(Facts {
        documents: manifest.documents(),
        files: manifest.files.len(),
        passages: store.searcher().num_docs(),
        accounts: manifest.accounts().len(),
        size: dir_size(&ctx.index),
        last_indexed: manifest.last_indexed.clone(),
        roots: manifest
            .roots
            .iter()
            .map(|r| store.paths.display(r))
            .collect(),
        crm: manifest
            .accounts
            .as_ref()
            .map(|a| (store.paths.display(&a.path), a.table.len())),
        kinds: groups(store, "kind", &Filters::default())?,
        fields: manifest.fields(),
    })
}

/// Runs the command.
pub fn run(ctx: &Context, args: &StatsArgs) -> Result<ExitCode> {
    let store = Store::open(&ctx.index)?;
    if !args.json {
        output::print(&render(ctx, &store)?)?;
        return Ok(ExitCode::Success);
    }
    let f = facts(ctx, &store)?;
    let fields: Vec<_> = f
        .fields
        .iter()
        .map(|(k, n)| json!({"name": k, "documents": n}))
        .collect();
    let kinds: Vec<_> = f
        .kinds
        .iter()
        .map(|g| json!({"value": g.value, "documents": g.documents}))
        .collect();
    output::print_json(&json!({
        "index": ctx.index.display().to_string(),
        "documents": f.documents,
        "passages": f.passages,
        "accounts": f.accounts,
        "files": f.files,
        "size_bytes": f.size,
        "last_indexed": f.last_indexed,
        "roots": f.roots,
        "accounts_file": f.crm.as_ref().map(|(p, _)| p),
        "crm_accounts": f.crm.as_ref().map(|(_, n)| n),
        "kinds": kinds,
        "fields": fields,
    }))?;
    Ok(ExitCode::Success)
}

/// The human-readable stats.
pub fn render(ctx: &Context, store: &Store) -> Result<String> {
    let f = facts(ctx, store)?;
    let row = |k: &str, v: String| format!("{}  {v}\n", paint(style::BOLD, format!("{k:<13}")));
    let mut out = String::new();
    out.push_str(&row(
        "index",
        format!("{} ({})", ctx.index.display(), human_bytes(f.size)),
    ));
    out.push_str(&row(
        "documents",
        format!("{} in {} files", f.documents, f.files),
    ));
    out.push_str(&row("passages", f.passages.to_string()));
    out.push_str(&row("accounts", f.accounts.to_string()));
    if let Some((path, n)) = &f.crm {
        out.push_str(&row("crm", format!("{path} ({n} accounts)")));
    }
    let kinds: Vec<String> = f
        .kinds
        .iter()
        .map(|g| format!("{} {}", g.value.as_deref().unwrap_or("(none)"), g.documents))
        .collect();
    out.push_str(&row("kinds", kinds.join(", ")));
    out.push_str(&row("roots", f.roots.join(", ")));
    out.push_str(&row(
        "last indexed",
        f.last_indexed.unwrap_or_else(|| "never".into()),
    ));
    let fields: Vec<String> = f.fields.iter().map(|(k, n)| format!("{k} ({n})")).collect();
    out.push_str(&row("fields", fields.join(", ")));
    Ok(out)
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
