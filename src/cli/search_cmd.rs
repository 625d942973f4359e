//! `insight search`: prints ranked passages, for people or as JSON.

use serde_json::{Value, json};

use super::Context;
use super::args::SearchArgs;
use super::output::{self, paint, style};
use crate::error::{ExitCode, Result};
use crate::index::Store;
use crate::retrieve::{self, Hit};

/// Runs the command.
pub fn run(ctx: &Context, args: &SearchArgs) -> Result<ExitCode> {
    let store = Store::open(&ctx.index)?;
    let filters = super::filters(&args.filters);
    let query = args.query.join(" ");
    // took_ms is the search's own time: loading the model (about 0.15 s) is
    // paid once per process, and `ask` and the REPL keep it loaded
    let embedder = if args.semantic {
        Some(
            crate::embed::load(&ctx.config()?)?
                .ok_or_else(|| crate::embed::not_configured("--semantic"))?,
        )
    } else {
        None
    };
    let started = std::time::Instant::now();
    let results = match &embedder {
        Some(e) => retrieve::hybrid::search_hybrid(&store, e, &query, &filters, args.limit)?,
        None => retrieve::search(&store, &query, &filters, args.limit)?,
    };
    let took_ms = started.elapsed().as_secs_f64() * 1000.0;
    if args.json {
        let hits: Vec<Value> = results.hits.iter().map(hit_json).collect();
        return output::print_json(&json!({
            "query": results.query,
            "mode": results.mode,
            "semantic": args.semantic,
            "total": results.total,
            "took_ms": (took_ms * 1000.0).round() / 1000.0,
            "hits": hits,
        }))
        .map(|()| ExitCode::Success);
    }
    let mut out = String::new();
    for (i, hit) in results.hits.iter().enumerate() {
        out.push_str(&render_hit(i + 1, hit));
    }
    output::print(&out)?;
    if !ctx.quiet {
        let shown = results.hits.len();
        let msg = if results.total == 0 {
            format!("no passage matches `{query}`{}", filter_note(&filters))
        } else {
            format!(
                "{shown} of {} matching passage(s){}",
                results.total,
                filter_note(&filters)
            )
        };
        anstream::eprintln!("{}", paint(style::DIM, msg));
    }
    Ok(ExitCode::Success)
}

fn filter_note(f: &retrieve::Filters) -> String {
    if f.is_empty() {
        String::new()
    } else {
        format!(" (filters: {f})")
    }
}

/// The JSON form of a hit, as the contract fixes it (absent fields are null).
pub fn hit_json(h: &Hit) -> Value {
    let field = |k: &str| {
        h.field(k)
            .map_or(Value::Null, |v| Value::String(v.to_string()))
    };
    json!({
        "score": h.score,
        "doc_id": h.doc_id,
        "path": h.path,
        "location": h.location,
        "kind": field("kind"),
        "account": field("account"),
        "segment": field("segment"),
        "date": field("date"),
        "speaker": field("speaker"),
        "title": field("title"),
        "text": h.text,
        "snippet": h.snippet.marked("**", "**"),
        "meta": h.meta,
    })
}

/// One hit for a terminal:
/// `1. path @ location  score` / metadata line / snippet.
pub fn render_hit(n: usize, h: &Hit) -> String {
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
    format!(
        "{}. {} {} {}\n   {}\n   {}\n\n",
        n,
        paint(style::PATH, &h.path),
        paint(style::LOCATION, &h.location),
        paint(style::DIM, format!("{:.2}", h.score)),
        paint(style::DIM, meta.join(" · ")),
        snippet.replace('\n', " "),
    )
}
