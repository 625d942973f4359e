//! YAML front matter (`---` … `---` at the top of a text file) and YAML/JSON
//! sidecars, read into [`Metadata`]. Scalars keep their written form
//! (`00123` stays `00123`), lists become several values, nested maps are
//! flattened to `parent_child` keys.

use saphyr::{Yaml, YamlLoader};
use saphyr_parser::{Event, Parser};

use super::meta::Metadata;

/// A text split at its front matter.
#[derive(Debug)]
pub struct FrontMatter<'a> {
    /// The YAML between the fences, if the text starts with a fenced block.
    pub yaml: Option<&'a str>,
    /// The text after the closing fence (or the whole text).
    pub body: &'a str,
    /// 1-based line number of the first line of `body` in the file.
    pub body_line: u32,
    /// Set when the text opens a fence that is never closed.
    pub unclosed: bool,
}

/// Splits `text` at a leading `---` block closed by `---` or `...`.
pub fn split_front_matter(text: &str) -> FrontMatter<'_> {
    let whole = FrontMatter {
        yaml: None,
        body: text,
        body_line: 1,
        unclosed: false,
    };
    let Some(after_open) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---").filter(|r| r.trim().is_empty()))
    else {
        return whole;
    };
    let mut offset = 0usize;
    for (i, line) in after_open.split_inclusive('\n').enumerate() {
        let bare = line.trim_end();
        if bare == "---" || bare == "..." {
            let yaml = &after_open[..offset];
            let body = &after_open[offset + line.len()..];
            return FrontMatter {
                yaml: Some(yaml),
                body,
                body_line: i as u32 + 3,
                unclosed: false,
            };
        }
        offset += line.len();
    }
    FrontMatter {
        unclosed: true,
        ..whole
    }
}

/// Deeper YAML is refused: metadata is a few levels deep at most, and the
/// YAML loader builds nested collections by recursion, which a few thousand
/// `[` or `- ` levels would take past a thread's stack (an abort, not an
/// error). The same bound as `serde_json`'s for JSON.
const MAX_DEPTH: usize = 128;

/// Parses a YAML mapping into metadata. An empty document gives empty metadata.
pub fn parse_mapping(yaml: &str) -> Result<Metadata, String> {
    check_depth(yaml)?;
    let mut loader: YamlLoader<'_, Yaml<'_>> = YamlLoader::default();
    loader.early_parse(false);
    let mut parser = Parser::new_from_str(yaml);
    parser.load(&mut loader, true).map_err(|e| e.to_string())?;
    let docs = loader.into_documents();
    let mut meta = Metadata::new();
    match docs.first() {
        None => Ok(meta),
        Some(Yaml::Mapping(map)) => {
            for (k, v) in map {
                if let Some(key) = scalar(k) {
                    flatten(&mut meta, &key, v);
                }
            }
            Ok(meta)
        }
        Some(y) if scalar(y).is_none_or(|s| s.trim().is_empty()) && !y.is_sequence() => Ok(meta),
        Some(_) => Err("expected `key: value` lines".into()),
    }
}

/// Reads `yaml`'s events without building anything (the parser itself keeps
/// no recursion) and refuses nesting deeper than [`MAX_DEPTH`].
fn check_depth(yaml: &str) -> Result<(), String> {
    let mut depth = 0usize;
    for event in Parser::new_from_str(yaml) {
        let (event, span) = event.map_err(|e| e.to_string())?;
        match event {
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(format!(
                        "nested more than {MAX_DEPTH} levels deep at line {} column {}",
                        span.start.line(),
                        span.start.col() + 1
                    ));
                }
            }
            Event::SequenceEnd | Event::MappingEnd => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Parses a JSON object into metadata (for `.meta.json` sidecars).
pub fn parse_json_object(json: &str) -> Result<Metadata, String> {
    let value: serde_json::Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let serde_json::Value::Object(map) = value else {
        return Err("expected a JSON object".into());
    };
    let mut meta = Metadata::new();
    for (k, v) in &map {
        flatten_json(&mut meta, k, v);
    }
    Ok(meta)
}

/// Adds a JSON value under `key`: scalars as text, arrays as several values,
/// objects flattened to `key.child`.
pub fn flatten_json(meta: &mut Metadata, key: &str, value: &serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Null => {}
        Value::String(s) => meta.push(key, s),
        Value::Bool(b) => meta.push(key, if *b { "true" } else { "false" }),
        Value::Number(n) => meta.push(key, &n.to_string()),
        Value::Array(items) => items.iter().for_each(|v| flatten_json(meta, key, v)),
        Value::Object(map) => {
            for (k, v) in map {
                flatten_json(meta, &format!("{key}.{k}"), v);
            }
        }
    }
}

fn flatten(meta: &mut Metadata, key: &str, value: &Yaml<'_>) {
    match value {
        Yaml::Sequence(items) => items.iter().for_each(|v| flatten(meta, key, v)),
        Yaml::Mapping(map) => {
            for (k, v) in map {
                if let Some(sub) = scalar(k) {
                    flatten(meta, &format!("{key}.{sub}"), v);
                }
            }
        }
        Yaml::Tagged(_, inner) => flatten(meta, key, inner),
        other => {
            if let Some(s) = scalar(other) {
                if !matches!(s.as_str(), "~" | "null" | "Null" | "NULL") {
                    meta.push(key, &s);
                }
            }
        }
    }
}

fn scalar(y: &Yaml<'_>) -> Option<String> {
    match y {
        Yaml::Representation(s, _, _) => Some(s.to_string()),
        Yaml::Value(v) => Some(match v {
            saphyr::Scalar::Null => String::new(),
            saphyr::Scalar::Boolean(b) => b.to_string(),
            saphyr::Scalar::Integer(i) => i.to_string(),
            saphyr::Scalar::FloatingPoint(f) => f.to_string(),
            saphyr::Scalar::String(s) => s.to_string(),
        }),
        Yaml::Tagged(_, inner) => scalar(inner),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_counts_lines() {
        let fm = split_front_matter("---\naccount: ACC-1\ntags: [a, b]\n---\n# Title\nBody\n");
        assert_eq!(fm.yaml, Some("account: ACC-1\ntags: [a, b]\n"));
        assert_eq!(fm.body, "# Title\nBody\n");
        assert_eq!(fm.body_line, 5);
        let none = split_front_matter("# Just text\n---\n");
        assert!(none.yaml.is_none());
        assert_eq!(none.body_line, 1);
        let open = split_front_matter("---\naccount: x\nno end\n");
        assert!(open.unclosed && open.yaml.is_none());
    }

    #[test]
    fn mapping_keeps_written_scalars_and_lists() {
        let m = parse_mapping(
            "account: 00123\ndate: 2026-09-03\ninternal: [Dana Whitfield, Sam Ortiz]\nnested:\n  plan: plus\nempty: ~\nchurned: true\n",
        )
        .unwrap();
        assert_eq!(m.first("account"), Some("00123"));
        assert_eq!(m.first("date"), Some("2026-09-03"));
        assert_eq!(m.get("internal"), ["Dana Whitfield", "Sam Ortiz"]);
        assert_eq!(m.first("nested_plan"), Some("plus"));
        assert!(!m.contains("empty"));
        assert_eq!(m.first("churned"), Some("true"));
    }

    #[test]
    fn broken_yaml_is_an_error_not_a_panic() {
        assert!(parse_mapping("account: [unclosed\n").is_err());
        assert!(parse_mapping("- just\n- a list\n").is_err());
        assert!(parse_mapping("").unwrap().is_empty());
    }

    #[test]
    fn deep_nesting_is_refused_before_the_loader_recurses() {
        // the loader recursed once per level: 10,000 `- ` overflowed the
        // stack (an abort of the whole indexer, not an error)
        let block: String = (0..2000)
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect();
        for doc in [format!("a:\n{}x", "- ".repeat(10_000)), block] {
            let e = parse_mapping(&doc).unwrap_err();
            assert!(e.contains("nested more than 128 levels"), "{e}");
        }
        // the parser stops flow collections (`[[[`) itself, at 256
        assert!(parse_mapping(&format!("a: {}", "[".repeat(100_000))).is_err());
        let ok = format!("a: {}x{}", "[".repeat(127), "]".repeat(127));
        assert_eq!(parse_mapping(&ok).unwrap().get("a"), ["x"]);
    }

    #[test]
    fn json_sidecar() {
        let m =
            parse_json_object(r#"{"account": "ACC-2", "internal": ["A", "B"], "n": 3}"#).unwrap();
        assert_eq!(m.get("internal"), ["A", "B"]);
        assert_eq!(m.first("n"), Some("3"));
        assert!(parse_json_object("[1]").is_err());
    }
}
