//! Writing the requests: per kept theme, its most representative sentences
//! (cut, fenced and numbered) as many as fit the window, and the answer's
//! schema.

use serde_json::Value;

use super::{
    Asking, COMMON_MIN_ACCOUNTS, COMMON_SHARE, Job, MAX_ANSWER_TOKENS, MAX_SENTENCE_CHARS,
    MAX_SHOWN, Plan, REMINDER,
};
use crate::llm::redact::Redaction;
use crate::llm::{ChatRequest, Message, Role, estimate_tokens};
use crate::synthesize::evidence::Evidence;
use crate::synthesize::offline::Units;
use crate::synthesize::summarize::Selection;

/// Plans one request per kept theme, each fitting the settings' window;
/// `labels` name the groups.
pub fn plan(
    sel: &Selection,
    ev: &Evidence,
    units: &Units,
    labels: &[String],
    asking: &Asking<'_>,
    redaction: &mut Redaction,
) -> Plan {
    let Asking {
        template,
        settings,
        redactor,
    } = *asking;
    let mut plan = Plan {
        common: units
            .corpus
            .df
            .iter()
            .filter(|(_, n)| {
                units.corpus.total >= COMMON_MIN_ACCOUNTS
                    && **n as f32 > COMMON_SHARE * units.corpus.total as f32
            })
            .map(|(stem, _)| stem.clone())
            .collect(),
        ..Plan::default()
    };
    let max_tokens = settings.max_output_tokens.min(MAX_ANSWER_TOKENS);
    // room for the answer, a safety margin and the retry's reminder
    let budget = settings
        .context_tokens
        .saturating_sub(max_tokens + 64 + estimate_tokens(REMINDER));
    for (gi, kept) in sel.per_group.iter().enumerate() {
        let label = labels.get(gi).cloned().unwrap_or_default();
        let key = sel.keys.get(gi).cloned().flatten();
        let mut shown_total = 0;
        for (slot, (i, t)) in kept.iter().enumerate() {
            let Some(ranked) = sel.drafts[*i].ranked_in_group(ev, key.as_deref(), units) else {
                continue;
            };
            let (system, user_empty) =
                template.render(&[("sentences", ""), ("group", &label), ("count", "0")]);
            let mut spent = estimate_tokens(&system) + estimate_tokens(&user_empty) + 8;
            let mut shown = Vec::new();
            let mut lines = Vec::new();
            for (m, _, signals) in &ranked {
                if shown.len() >= MAX_SHOWN {
                    break;
                }
                let Some(&s) = signals.first() else { continue };
                let text = fenced(&redactor.redact(&cut(&ev.signals[s].text), redaction));
                let line = format!("{}. {text}", shown.len() + 1);
                let cost = estimate_tokens(&line) + 1;
                if spent + cost > budget {
                    continue; // a shorter sentence may still fit
                }
                spent += cost;
                shown.push(*m);
                lines.push(line);
            }
            if shown.is_empty() {
                plan.unfit.push(format!(
                    "{label}: not one sentence of \"{}\" fits the model's context window ({} tokens); kept insight's title",
                    t.theme.title, settings.context_tokens
                ));
                continue;
            }
            let (system, user) = template.render(&[
                ("sentences", &lines.join("\n")),
                ("group", &label),
                ("count", &shown.len().to_string()),
            ]);
            plan.est_prompt_tokens += (estimate_tokens(&system) + estimate_tokens(&user)) as u64;
            plan.est_completion_tokens += 80;
            shown_total += shown.len();
            plan.jobs.push(Job {
                group: gi,
                slot,
                label: label.clone(),
                offline_title: t.theme.title.clone(),
                shown,
                lines,
                request: ChatRequest {
                    system,
                    messages: vec![Message {
                        role: Role::User,
                        content: user,
                    }],
                    max_tokens,
                    temperature: settings.temperature,
                    json_schema: Some(answer_schema()),
                },
            });
        }
        plan.groups.push((label, kept.len(), shown_total));
    }
    plan
}

/// The answer's shape, for servers that hold their output to a schema.
fn answer_schema() -> Value {
    serde_json::json!({
        "type": "object",
        "properties": {
            "title": {"type": "string"},
            "summary": {"type": "string"},
            "outliers": {"type": "array", "items": {"type": "integer"}}
        },
        "required": ["title", "summary", "outliers"]
    })
}

/// A sentence as shown inside the `<sentences>` fence: on one line, and
/// unable to close the fence ("</sentences>" in a customer's text).
pub(super) fn fenced(text: &str) -> String {
    // ASCII case only: byte positions stay those of `text`
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut at: Vec<usize> = lower
        .match_indices("<sentences")
        .chain(lower.match_indices("</sentences"))
        .map(|(i, _)| i)
        .collect();
    at.sort_unstable();
    for i in at {
        if i >= last && text.is_char_boundary(i) {
            out.push_str(&text[last..i]);
            out.push_str("< ");
            last = i + 1;
        }
    }
    out.push_str(&text[last..]);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A sentence cut at a word to [`MAX_SENTENCE_CHARS`].
pub(super) fn cut(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() <= MAX_SENTENCE_CHARS {
        return text.to_string();
    }
    let mut end = text
        .char_indices()
        .nth(MAX_SENTENCE_CHARS)
        .map_or(text.len(), |(i, _)| i);
    if let Some(space) = text[..end].rfind(' ') {
        end = space;
    }
    format!("{}…", &text[..end])
}
