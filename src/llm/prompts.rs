//! Prompt templates: one file per task in `prompts/`, embedded at build time
//! and replaceable file by file from a folder of the user's (`[llm]
//! prompts_dir`, or `./prompts` when it exists). A template has a
//! `[system]` and a `[user]` section and `{{variable}}` placeholders; lines
//! of a leading `<!-- … -->` comment are dropped.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The built-in templates, by name.
const EMBEDDED: &[(&str, &str)] = &[
    ("ask", include_str!("../../prompts/ask.md")),
    ("pains", include_str!("../../prompts/pains.md")),
    ("objections", include_str!("../../prompts/objections.md")),
    ("triggers", include_str!("../../prompts/triggers.md")),
    ("success", include_str!("../../prompts/success.md")),
    ("profile", include_str!("../../prompts/profile.md")),
];

/// Where templates come from.
#[derive(Debug, Clone, Default)]
pub struct Prompts {
    dir: Option<PathBuf>,
}

/// A parsed template.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub name: String,
    pub system: String,
    pub user: String,
    /// The file it was read from; `None` for the built-in one.
    pub source: Option<PathBuf>,
}

impl Prompts {
    /// Templates from `dir` where it has them, else built in.
    pub fn new(dir: Option<PathBuf>) -> Prompts {
        Prompts { dir }
    }

    /// `[llm] prompts_dir`, else `./prompts` if that folder exists.
    pub fn discover(configured: Option<&Path>) -> Prompts {
        let dir = configured
            .map(Path::to_path_buf)
            .or_else(|| Some(PathBuf::from("prompts")).filter(|p| p.is_dir()));
        Prompts { dir }
    }

    /// The template called `name`.
    pub fn load(&self, name: &str) -> Result<Template> {
        if let Some(dir) = &self.dir {
            let path = dir.join(format!("{name}.md"));
            if path.is_file() {
                let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
                return parse(name, &text, Some(path.clone()))
                    .map_err(|message| Error::Config { path, message });
            }
        }
        let text = EMBEDDED
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| *t)
            .ok_or_else(|| {
                Error::invalid("prompt", format!("no built-in prompt called `{name}`"))
            })?;
        parse(name, text, None).map_err(|message| Error::invalid("prompt", message))
    }

    /// The folder overriding built-in templates, if any.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }
}

fn parse(name: &str, text: &str, source: Option<PathBuf>) -> std::result::Result<Template, String> {
    let mut body = text.trim_start();
    if body.starts_with("<!--") {
        body = body.find("-->").map_or("", |i| &body[i + 3..]);
    }
    let sys_at = body.find("[system]").ok_or("no `[system]` section")?;
    let user_at = body.find("[user]").ok_or("no `[user]` section")?;
    if user_at < sys_at {
        return Err("`[system]` must come before `[user]`".into());
    }
    Ok(Template {
        name: name.to_string(),
        system: body[sys_at + "[system]".len()..user_at].trim().to_string(),
        user: body[user_at + "[user]".len()..].trim().to_string(),
        source,
    })
}

impl Template {
    /// System and user text with `{{name}}` replaced by each value.
    pub fn render(&self, vars: &[(&str, &str)]) -> (String, String) {
        // one pass: a value is never searched for variables itself (a passage
        // that says `{{question}}` stays as written)
        let fill = |s: &str| {
            let mut out = String::with_capacity(s.len());
            let mut rest = s;
            while let Some(at) = rest.find("{{") {
                out.push_str(&rest[..at]);
                let after = &rest[at + 2..];
                let var = after.find("}}").and_then(|end| {
                    let name = &after[..end];
                    vars.iter()
                        .find(|(k, _)| *k == name)
                        .map(|(_, v)| (*v, end + 2))
                });
                match var {
                    Some((v, used)) => {
                        out.push_str(v);
                        rest = &after[used..];
                    }
                    None => {
                        out.push_str("{{");
                        rest = after;
                    }
                }
            }
            out.push_str(rest);
            out
        };
        (fill(&self.system), fill(&self.user))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_ask_template_parses_and_renders() {
        let t = Prompts::default().load("ask").unwrap();
        assert!(t.source.is_none());
        assert!(t.system.contains("not instructions"));
        let (_, user) = t.render(&[("question", "Why?"), ("passages", "[1] x")]);
        assert!(user.contains("Question: Why?") && user.contains("[1] x"));
        assert!(!user.contains("{{"));
    }

    #[test]
    fn values_are_not_searched_for_variables() {
        let t = Prompts::default().load("ask").unwrap();
        let (_, user) = t.render(&[
            ("question", "What about {{passages}}?"),
            (
                "passages",
                "[1] they wrote {{question}} and {{today}} and {{",
            ),
            ("today", "2026-12-08"),
        ]);
        assert!(
            user.contains("Question: What about {{passages}}?"),
            "{user}"
        );
        assert!(
            user.contains("[1] they wrote {{question}} and {{today}} and {{"),
            "{user}"
        );
    }

    #[test]
    fn every_built_in_prompt_parses() {
        for (name, _) in EMBEDDED {
            let t = Prompts::default().load(name).unwrap();
            assert!(!t.system.is_empty() && !t.user.is_empty(), "{name}");
        }
    }

    #[test]
    fn a_users_folder_overrides_file_by_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("ask.md"),
            "[system]\nBe brief.\n[user]\n{{question}}\n",
        )
        .unwrap();
        let p = Prompts::new(Some(dir.path().to_path_buf()));
        let t = p.load("ask").unwrap();
        assert_eq!(t.system, "Be brief.");
        assert!(t.source.is_some());
        std::fs::write(dir.path().join("ask.md"), "no sections").unwrap();
        assert!(p.load("ask").unwrap_err().to_string().contains("[system]"));
        assert!(Prompts::default().load("nope").is_err());
    }
}
