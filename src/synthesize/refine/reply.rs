//! Reading and checking a reply: the JSON object in it, a title grounded in
//! the customers' words, a one-sentence summary, outlier numbers within the
//! list.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{Job, MAX_TITLE_CHARS, MAX_TITLE_WORDS, Naming};
use crate::llm::prompts::Template;
use crate::llm::redact::Redaction;
use crate::text::{is_stop_word, stems};

/// Reads and checks a reply: a JSON object with a title of the model's own
/// words (not the prompt's example, not a copy of a whole sentence, not
/// chatter), a summary, and outlier numbers within the list. Personal data
/// placeholders are mapped back.
pub fn check(
    reply: &str,
    job: &Job,
    template: &Template,
    redaction: &Redaction,
    common: &BTreeSet<String>,
) -> std::result::Result<Naming, String> {
    let objects = json_objects(reply);
    let obj = objects
        .iter()
        .find(|o| text_of(o, &["title", "theme", "name"]).is_some())
        .ok_or_else(|| "no JSON object with a title".to_string())?;
    let raw_title = text_of(obj, &["title", "theme", "name"]).unwrap_or_default();
    let title = clean(&raw_title);
    let words = title.split_whitespace().count();
    if words == 0 {
        return Err("an empty title".into());
    }
    let lower = title.to_lowercase();
    if words >= 6
        && job
            .lines
            .iter()
            .any(|l| clean(body(l)).to_lowercase() == lower)
    {
        return Err("the title copies a whole sentence".into());
    }
    if words > MAX_TITLE_WORDS || title.chars().count() > MAX_TITLE_CHARS {
        return Err(format!("a title of {words} words"));
    }
    if copies_prompt(&lower, template) {
        return Err("the title copies the prompt".into());
    }
    if lower.contains('<') || lower.contains("sentence") || lower.contains("json") {
        return Err("the title is about the prompt, not the customers".into());
    }
    if let Some(why) = ungrounded(&title, job, common) {
        return Err(why);
    }
    let n = job.lines.len();
    let mut outliers: Vec<usize> = match obj
        .get("outliers")
        .or_else(|| obj.get("not_belonging"))
        .or_else(|| obj.get("exclude"))
    {
        None | Some(Value::Null) => Vec::new(),
        Some(v) => {
            let nums = numbers_in(v);
            if nums.iter().any(|&k| k == 0 || k > n) {
                return Err(format!("outlier numbers outside 1–{n}"));
            }
            nums.into_iter().map(|k| k - 1).collect()
        }
    };
    outliers.sort_unstable();
    outliers.dedup();
    let summary = text_of(obj, &["summary", "description"])
        .map(|s| clean_sentence(&s))
        .filter(|s| !copies_prompt(&s.to_lowercase(), template))
        .unwrap_or_default();
    Ok(Naming {
        title: redaction.restore(&title),
        summary: redaction.restore(&summary),
        outliers,
    })
}

/// Words that say a theme is a problem or whose it is, not what it is about.
const GENERIC: &[&str] = &[
    "problem",
    "problems",
    "issue",
    "issues",
    "customer",
    "customers",
    "concern",
    "concerns",
    "complaint",
    "complaints",
    "frustration",
    "frustrations",
    "theme",
    "themes",
    "feedback",
    "need",
    "needs",
    "lack",
    "poor",
    "bad",
    "difficult",
    "difficulty",
    "difficulties",
    "hard",
    "struggle",
    "struggles",
    "pain",
    "pains",
    "trouble",
    "troubles",
    "challenge",
    "challenges",
    "app",
    "apps",
    "application",
    "applications",
    "software",
    "tool",
    "tools",
    "product",
    "products",
    "platform",
    "service",
    "services",
];

/// Why a title is not about what the sentences say, if it is not: it names
/// nothing specific ("Problem 1", "Social networking app issues": words of
/// every complaint, the group's name, words most of the evidence uses), or fewer than a third of its words are
/// words the customers used (a title of the model's imagination; a
/// researcher's paraphrase, "Manual user provisioning" for "we create every
/// user by hand", keeps one in three).
pub(super) fn ungrounded(title: &str, job: &Job, common: &BTreeSet<String>) -> Option<String> {
    let label: Vec<String> = stems(&job.label);
    let said_in: Vec<BTreeSet<String>> = job
        .lines
        .iter()
        .map(|l| stems(body(l)).into_iter().collect())
        .collect();
    // a word most of the evidence uses names no theme, unless it is this
    // theme's own: said in at least half of its sentences
    let common_here = |stem: &str| {
        common.contains(stem)
            && said_in.iter().filter(|s| s.contains(stem)).count() * 2 < said_in.len()
    };
    let content: Vec<String> = title
        .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\''))
        .map(str::to_lowercase)
        .filter(|w| {
            let stem = stems(w).join("-");
            !GENERIC.contains(&w.as_str())
                && !is_stop_word(w)
                && w.chars().any(char::is_alphabetic)
                && !common_here(&stem)
                && !label.contains(&stem)
        })
        .collect();
    if content.is_empty() {
        return Some(format!("\"{title}\" names nothing specific"));
    }
    let said: BTreeSet<String> = said_in.into_iter().flatten().collect();
    let grounded = content
        .iter()
        .filter(|w| stems(w).iter().any(|s| said.contains(s)))
        .count();
    (grounded == 0 || grounded * 3 < content.len()).then(|| {
        format!(
            "\"{title}\": {grounded} of its {} words are the customers'",
            content.len()
        )
    })
}

/// A numbered line's sentence.
pub(super) fn body(line: &str) -> &str {
    line.split_once(". ").map_or(line, |(_, b)| b).trim()
}

/// Whether `lower` (lower case) repeats a phrase of the prompt, as small
/// models copy its example.
fn copies_prompt(lower: &str, template: &Template) -> bool {
    lower.chars().count() >= 8
        && [&template.system, &template.user]
            .iter()
            .any(|s| s.to_lowercase().contains(lower))
}

/// A title as shown: no quotes, brackets or final stop around it.
fn clean(title: &str) -> String {
    let t = title
        .trim()
        .trim_matches(|c: char| matches!(c, '"' | '\'' | '`' | '*' | '#' | '“' | '”'))
        .trim_end_matches(['.', ':', ';'])
        .trim();
    crate::synthesize::naming::capitalize(t)
}

/// A summary as shown: one sentence, ending with a stop.
fn clean_sentence(s: &str) -> String {
    let s = s.trim().trim_matches('"').trim();
    if s.is_empty() {
        return String::new();
    }
    // the first sentence only
    let first = s
        .char_indices()
        .find(|&(i, c)| matches!(c, '.' | '!' | '?') && s[i + c.len_utf8()..].starts_with(' '))
        .map_or(s, |(i, c)| &s[..i + c.len_utf8()]);
    let mut out = crate::synthesize::naming::capitalize(first.trim());
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// A string field among `keys`.
fn text_of(obj: &Value, keys: &[&str]) -> Option<String> {
    keys.iter()
        .find_map(|k| obj.get(*k).and_then(Value::as_str))
        .map(str::to_string)
        .filter(|s| !s.trim().is_empty())
}

/// Numbers in a JSON value: a number, a list of them, or a string of them.
fn numbers_in(v: &Value) -> Vec<usize> {
    match v {
        Value::Number(n) => n.as_u64().map(|n| n as usize).into_iter().collect(),
        Value::String(s) => s
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|n| n.parse().ok())
            .collect(),
        Value::Array(items) => items.iter().flat_map(numbers_in).collect(),
        _ => Vec::new(),
    }
}

/// Every JSON object in `text`: a top-level array's elements, or each
/// balanced `{…}` that parses.
pub fn json_objects(text: &str) -> Vec<Value> {
    if let Ok(v) = serde_json::from_str::<Value>(text.trim()) {
        match v {
            Value::Array(items) => return items.into_iter().filter(Value::is_object).collect(),
            Value::Object(_) => return vec![v],
            _ => {}
        }
    }
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'{' {
            i += 1;
            continue;
        }
        let (mut depth, mut in_str, mut esc, mut j) = (0i32, false, false, i);
        let mut end = None;
        while j < bytes.len() {
            let c = bytes[j];
            if in_str {
                if esc {
                    esc = false;
                } else if c == b'\\' {
                    esc = true;
                } else if c == b'"' {
                    in_str = false;
                }
            } else if c == b'"' {
                in_str = true;
            } else if c == b'{' {
                depth += 1;
            } else if c == b'}' {
                depth -= 1;
                if depth == 0 {
                    end = Some(j);
                    break;
                }
            }
            j += 1;
        }
        match end {
            Some(e) => {
                if let Ok(v) = serde_json::from_str::<Value>(&text[i..=e]) {
                    if v.is_object() {
                        out.push(v);
                    }
                }
                i = e + 1;
            }
            None => break,
        }
    }
    out
}
