//! How passages are shown to a model: one numbered line each,
//! `[3] (Orbis Pharma, enterprise, interview, 2026-06-18, <PERSON_2>) text`,
//! redacted, with anything that could close the fence around them
//! neutralised. Used by `ask`.

use crate::llm::redact::{Redaction, Redactor};
use crate::retrieve::Hit;

/// The line for passage `n`.
pub fn passage_line(
    n: usize,
    h: &Hit,
    internal: bool,
    redactor: &Redactor,
    redaction: &mut Redaction,
) -> String {
    let mut label = label(h);
    if let Some(s) = h.field("speaker") {
        let who = redactor.redact(s, redaction);
        label.push(if internal {
            format!("{who}, our side")
        } else {
            who
        });
    }
    let redacted = redactor.redact(&h.text, redaction);
    let text = fence_tag()
        .replace_all(&redacted, "‹$1")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    format!("[{n}] ({}) {text}", label.join(", "))
}

/// What a passage's line says of it before the speaker: account, segment,
/// kind, date.
pub fn label(h: &Hit) -> Vec<String> {
    let mut label: Vec<String> = Vec::new();
    if let Some(a) = h.field("account_name").or_else(|| h.field("account")) {
        label.push(a.to_string());
    }
    for key in ["segment", "kind", "date"] {
        if let Some(v) = h.field(key) {
            label.push(v.to_string());
        }
    }
    label
}

/// Whether a passage was said by our own side.
pub fn is_internal(h: &Hit) -> bool {
    h.field("speaker").is_some_and(|s| {
        h.meta
            .get("internal")
            .iter()
            .any(|i| i.eq_ignore_ascii_case(s))
    })
}

/// A tag that could close the `<passages>` fence (or open another), in any
/// case and spacing: its `<` becomes `‹`, so a passage cannot step out of it.
fn fence_tag() -> &'static regex::Regex {
    static RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)<(\s*/?\s*passages)").expect("valid regex")
    });
    &RE
}
