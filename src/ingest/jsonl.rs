//! JSON Lines: one document per line (an object), its other keys as metadata.
//! Broken lines are skipped with a note; the rest is kept.

use serde_json::Value;

use super::passage::split_block;
use super::yaml::flatten_json;
use super::{Document, Location, Metadata, ParseOptions, Parsed, pick_text_column};
use crate::text::normalize_key;

/// Parses a `.jsonl` file; locations are 1-based line numbers.
pub fn parse(text: &str, opts: &ParseOptions) -> Result<Parsed, String> {
    let mut parsed = Parsed::default();
    let mut objects = 0usize;
    for (i, line) in text.split('\n').enumerate() {
        let n = i as u64 + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let part = format!("line{n}");
        let map = match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(map)) => map,
            Ok(_) => {
                parsed
                    .notes
                    .push(format!("line {n}: not a JSON object; line skipped"));
                parsed.failed_parts.push(part);
                continue;
            }
            Err(e) => {
                parsed
                    .notes
                    .push(format!("line {n}: invalid JSON ({e}); line skipped"));
                parsed.failed_parts.push(part);
                continue;
            }
        };
        objects += 1;
        let mut meta = Metadata::new();
        for (k, v) in &map {
            flatten_json(&mut meta, k, v);
        }
        let normalized: Vec<String> = map.keys().map(|k| normalize_key(k)).collect();
        let keys: Vec<&str> = normalized.iter().map(String::as_str).collect();
        let Some(text_key) = pick_text_column(&keys, opts).map(str::to_string) else {
            parsed.notes.push(format!(
                "line {n}: no text key (keys: {}); line skipped",
                map.keys().cloned().collect::<Vec<_>>().join(", ")
            ));
            parsed.failed_parts.push(part);
            continue;
        };
        let body = meta.remove(&text_key).join("\n");
        let passages = split_block(&body, Location::Line(n));
        if passages.is_empty() {
            continue;
        }
        parsed.documents.push(Document {
            part,
            meta,
            passages,
        });
    }
    if objects == 0 && !parsed.notes.is_empty() {
        return Err("no line is a readable JSON object".into());
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_become_documents_and_bad_lines_are_skipped() {
        let text = "{\"account\": \"ACC-1\", \"subject\": \"Sync\", \"body\": \"Duplicates again.\", \"tags\": [\"xero\", \"sync\"]}\n\n{broken\n[1,2]\n{\"account\": \"ACC-2\", \"body\": \"\"}\n{\"account\": \"ACC-3\", \"body\": \"SSO please.\", \"meta\": {\"plan\": \"plus\"}}\n";
        let p = parse(text, &ParseOptions::default()).unwrap();
        assert_eq!(p.documents.len(), 2);
        let d = &p.documents[0];
        assert_eq!(d.part, "line1");
        assert_eq!(d.meta.get("tags"), ["xero", "sync"]);
        assert_eq!(d.passages[0].location.to_string(), "line 1");
        assert_eq!(p.documents[1].meta.first("meta_plan"), Some("plus"));
        assert_eq!(p.failed_parts, ["line3", "line4"]);
        assert!(
            p.notes[0].starts_with("line 3: invalid JSON"),
            "{:?}",
            p.notes
        );
    }

    #[test]
    fn nothing_readable_is_an_error() {
        assert!(parse("{oops\nnope\n", &ParseOptions::default()).is_err());
    }
}
