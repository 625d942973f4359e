//! `insight segments`: documents and accounts per value of a field.

use serde_json::json;

use super::args::SegmentsArgs;
use crate::app::Settings;
use crate::error::{Error, ExitCode, Result};
use crate::index::Store;
use crate::report::terminal;
use crate::retrieve::groups::groups;
use crate::term;
use crate::text::normalize_key;

/// Runs the command.
pub fn run(settings: &Settings, args: &SegmentsArgs) -> Result<ExitCode> {
    let store = Store::open(&settings.index)?;
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
        term::print_json(&json!({ "by": by, "groups": groups }))?;
        return Ok(ExitCode::Success);
    }
    term::print_with(|out| terminal::groups(out, &by, &groups))?;
    Ok(ExitCode::Success)
}
