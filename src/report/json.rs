//! The contract's JSON for answers, search results, stats, dry runs and
//! scored leads (summaries and profiles serialise themselves).

use serde_json::{Value, json};

use super::Checkup;
use crate::index::IndexReport;
use crate::index::stats::Stats;
use crate::llm::LlmSettings;
use crate::llm::settings::ModelSource;
use crate::profile::prospects::Fit;
use crate::retrieve::Hit;
use crate::retrieve::groups::Group;
use crate::retrieve::search::Results;
use crate::synthesize::ask::Answer;
use crate::synthesize::refine::Plan;

/// An answer (plus `passages`, `cached`, `removed_citations`, `notes`).
pub fn answer(a: &Answer) -> Value {
    json!({
        "question": a.question,
        "answer": a.text,
        "citations": a.citations,
        "provider": a.provider.to_string(),
        "model": a.model,
        "usage": a.usage,
        "cached": a.cached,
        "passages": a.passages,
        "removed_citations": a.removed_citations,
        "attached_citations": a.attached_citations,
        "dropped_passages": a.dropped_for_budget,
        "notes": a.notes,
    })
}

/// A hit, as the contract fixes it (absent fields are null).
pub fn hit(h: &Hit) -> Value {
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

/// Search results; `took_ms` is the search's own time.
pub fn search(r: &Results, semantic: bool, took_ms: f64) -> Value {
    let hits: Vec<Value> = r.hits.iter().map(hit).collect();
    json!({
        "query": r.query,
        "mode": r.mode,
        "semantic": semantic,
        "total": r.total,
        "took_ms": (took_ms * 1000.0).round() / 1000.0,
        "hits": hits,
    })
}

/// The stats of the index at `index`.
pub fn stats(index: &str, f: &Stats, kinds: &[Group]) -> Value {
    let fields: Vec<_> = f
        .fields
        .iter()
        .map(|(k, n)| json!({"name": k, "documents": n}))
        .collect();
    let kinds: Vec<_> = kinds
        .iter()
        .map(|g| json!({"value": g.value, "documents": g.documents}))
        .collect();
    json!({
        "index": index,
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
    })
}

/// A summary's dry run.
pub fn dry_run(plan: &Plan, settings: &LlmSettings, cost: Option<f64>) -> Value {
    let groups: Vec<Value> = plan
        .groups
        .iter()
        .map(|(label, themes, sentences)| {
            json!({
                "value": label,
                "themes": themes,
                "sentences": sentences,
            })
        })
        .collect();
    json!({
        "dry_run": true,
        "provider": settings.provider.to_string(),
        "model": settings.model,
        "context_tokens": settings.context_tokens,
        "groups": groups,
        "calls": plan.calls(),
        "estimated_prompt_tokens": plan.est_prompt_tokens,
        "estimated_completion_tokens": plan.est_completion_tokens,
        "estimated_cost": cost,
    })
}

/// Leads scored against the best customers.
pub fn prospects(f: &Fit) -> Value {
    json!({
        "rank_by": f.best.rank_by,
        "best_customers": f.best.accounts,
        "rule": f.best.rule,
        "criteria": f.criteria,
        "leads": f.scored.leads,
        "notes": f.scored.notes,
    })
}

/// `doctor`'s checkup.
pub fn doctor(c: &Checkup) -> Value {
    let s = &c.settings;
    json!({
        "embeddings": c.embeddings,
        "provider": s.provider.to_string(),
        "provider_source": s.provider_source.to_string(),
        "model": s.model,
        "base_url": if s.provider == crate::llm::ProviderKind::Extractive { None } else { Some(&s.base_url) },
        "endpoint": c.endpoint,
        "api_key": c.api_key,
        "model_source": match s.model_source {
            ModelSource::Given => "given",
            ModelSource::Default => "default",
            ModelSource::Server => "server",
        },
        "context_tokens": s.context_tokens,
        "context_source": s.context_source.to_string(),
        "max_output_tokens": s.max_output_tokens,
        "redaction": c.redaction,
        "prompts": c.prompts,
        "config": c.config,
        "index": c.index,
        "ok": c.ok,
        "check": c.check,
    })
}

/// The outcome of `index`.
pub fn indexed(r: &IndexReport) -> Value {
    json!({
        "documents": r.documents,
        "passages": r.passages,
        "added": r.added,
        "updated": r.updated,
        "unchanged": r.unchanged,
        "removed": r.removed,
        "skipped": r.skipped,
        "elapsed_ms": r.elapsed_ms,
    })
}
