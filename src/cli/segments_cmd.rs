//! `insight segments`: documents and accounts per value of a field.

use serde_json::json;

use super::Context;
use super::args::SegmentsArgs;
use super::output::{self, paint, style};
use crate::error::{Error, ExitCode, Result};
use crate::index::Store;
use crate::ingest::meta::normalize_key;
use crate::retrieve::groups::groups;

/// Runs the command.
pub fn run(ctx: &Context, args: &SegmentsArgs) -> Result<ExitCode> {
    let store = Store::open(&ctx.index)?;
    let filters = super::filters(&args.filters);
    let by = normalize_key(&args.by);
    let groups = groups(&store, &by, &filters)?;
    if !groups.is_empty() && groups.iter().all(|g| g.value.is_none()) {
        let known = store.manifest()?.fields();
        let names: Vec<&str> = known.keys().map(String::as_str).collect();
        return Err(Error::invalid(
            "--by",
            format!(
                "no document has a `{by}` field; fields in this index: {}",
                names.join(", ")
            ),
        ));
    }
    if args.json {
        output::print_json(&json!({ "by": by, "groups": groups }))?;
        return Ok(ExitCode::Success);
    }
    let label = |v: &Option<String>| v.clone().unwrap_or_else(|| format!("(no {by})"));
    let width = groups
        .iter()
        .map(|g| label(&g.value).chars().count())
        .chain([by.len()])
        .max()
        .unwrap_or(8);
    let mut out = format!(
        "{}\n",
        paint(
            style::BOLD,
            format!(
                "{by:<width$}  {:>9}  {:>8}  {:>8}",
                "documents", "accounts", "passages"
            )
        )
    );
    for g in &groups {
        out.push_str(&format!(
            "{:<width$}  {:>9}  {:>8}  {:>8}\n",
            label(&g.value),
            g.documents,
            g.accounts,
            g.passages
        ));
    }
    output::print(&out)?;
    Ok(ExitCode::Success)
}
