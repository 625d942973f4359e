//! How passages are shown to a model: one numbered line each,
//! `[3] (Orbis Pharma, enterprise, interview, 2026-06-18, <PERSON_2>) text`,
//! redacted, with anything that could close the fence around them
//! neutralised. Shared by `ask` and `summarize`.

use std::collections::HashSet;

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
    let text = redactor
        .redact(&h.text, redaction)
        .replace("</passages", "</ passages")
        .replace("<passages", "< passages")
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

/// The label fields of `hits`, lower-cased, for [`echoes_label`].
pub fn label_fields<'h>(hits: impl IntoIterator<Item = &'h Hit>) -> HashSet<String> {
    hits.into_iter()
        .flat_map(label)
        .map(|f| f.to_lowercase())
        .collect()
}

/// Whether a model's "theme" only repeats passage labels (`Customer 208,
/// smb, note, 2026-10-04`), as small models do: each of its comma-separated
/// parts is one of the label `fields` or a date.
pub fn echoes_label(title: &str, fields: &HashSet<String>) -> bool {
    let is_date = |p: &str| {
        p.len() >= 8
            && p.chars()
                .all(|c| c.is_ascii_digit() || c == '-' || c == '/')
    };
    let mut parts = title
        .trim_matches(|c: char| c == '(' || c == ')' || c.is_whitespace())
        .split(',')
        .map(|p| p.trim().to_lowercase())
        .filter(|p| !p.is_empty())
        .peekable();
    parts.peek().is_some() && parts.all(|p| fields.contains(&p) || is_date(&p))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::meta::Metadata;

    #[test]
    fn a_title_that_repeats_the_label_is_an_echo() {
        let mut meta = Metadata::new();
        for (k, v) in [
            ("account", "Customer 208"),
            ("segment", "smb"),
            ("kind", "note"),
            ("date", "2026-10-04"),
        ] {
            meta.push(k, v);
        }
        let h = Hit {
            score: 0.0,
            doc_id: "n.md".into(),
            path: "n.md".into(),
            location: "line 1".into(),
            meta,
            text: "Remittance advice comes by email.".into(),
            snippet: Default::default(),
            ordinal: 0,
            vector: None,
        };
        let fields = label_fields([&h]);
        let echo = |t: &str| echoes_label(t, &fields);
        assert!(echo("Customer 208, smb, note, 2026-10-04"));
        assert!(
            echo("(customer 208, smb, note, 2026-10-05)"),
            "a wrong date too"
        );
        assert!(echo("Customer 208"));
        assert!(echo("Customer 208,"), "cut off");
        assert!(!echo("Remittance advice by email"));
        assert!(!echo("Customer 208 wants SCIM"));
        assert!(!echo("Pricing, smb"));
    }
}
