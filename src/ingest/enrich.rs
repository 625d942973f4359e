//! Completes a parsed document's metadata: known-key aliases, the run's
//! `--meta` values, the CRM join and the default `kind`. Precedence: the
//! document's own values, then `--meta`, then the CRM row.

use std::path::Path;

use super::accounts::Accounts;
use super::{Document, Format, Metadata};

/// Everything outside the document that adds to its metadata.
#[derive(Debug, Default)]
pub struct Enricher<'a> {
    /// `--meta KEY=VALUE` pairs of this run.
    pub run_meta: Option<&'a Metadata>,
    /// The CRM table.
    pub accounts: Option<&'a Accounts>,
}

impl Enricher<'_> {
    /// Completes `doc`. Returns the account reference it could not find in
    /// the CRM table, if any.
    pub fn apply(&self, doc: &mut Document, default_kind: &str) -> Option<String> {
        let meta = &mut doc.meta;
        meta.apply_aliases();
        if let Some(run) = self.run_meta {
            meta.fill_from(run);
        }
        let mut unmatched = None;
        if let (Some(table), Some(reference)) = (self.accounts, meta.first("account")) {
            match table.find(reference) {
                Some(acc) => {
                    let acc = acc.clone();
                    meta.set("account", &acc.id);
                    meta.fill_from(&acc.meta);
                }
                None => unmatched = Some(reference.to_string()),
            }
        }
        if !meta.contains("kind") {
            meta.push("kind", default_kind);
        }
        unmatched
    }
}

/// The `kind` implied by a file's name or folders (`calls.csv` → `call`,
/// `interviews/x.vtt` → `interview`), else by its format.
pub fn kind_from_path(path: &Path, format: Format) -> &'static str {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let dirs = path
        .parent()
        .into_iter()
        .flat_map(|p| p.iter().rev())
        .filter_map(|c| c.to_str())
        .take(3);
    for name in std::iter::once(stem).chain(dirs) {
        for word in name.split(|c: char| !c.is_alphanumeric()) {
            let kind = match word.to_lowercase().as_str() {
                "interview" | "interviews" | "transcript" | "transcripts" => "interview",
                "call" | "calls" | "calllog" | "calllogs" => "call",
                "note" | "notes" | "meeting" | "meetings" => "note",
                "ticket" | "tickets" | "support" => "ticket",
                "survey" | "surveys" | "nps" | "csat" => "survey",
                _ => continue,
            };
            return kind;
        }
    }
    format.default_kind()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Passage;

    fn doc(pairs: &[(&str, &str)]) -> Document {
        let mut meta = Metadata::new();
        for (k, v) in pairs {
            meta.push(k, v);
        }
        Document {
            part: String::new(),
            meta,
            passages: Vec::<Passage>::new(),
        }
    }

    #[test]
    fn precedence_document_then_run_meta_then_crm() {
        let (table, _) =
            Accounts::parse("account,name,segment,plan\nACC-1,Acme Corp,smb,core\n").unwrap();
        let mut run = Metadata::new();
        run.push("plan", "trial");
        run.push("source", "q3-export");
        let e = Enricher {
            run_meta: Some(&run),
            accounts: Some(&table),
        };
        let mut d = doc(&[("company", "ACME corp"), ("segment", "enterprise")]);
        assert_eq!(e.apply(&mut d, "note"), None);
        assert_eq!(d.meta.first("account"), Some("ACC-1"));
        assert_eq!(d.meta.first("account_name"), Some("Acme Corp"));
        assert_eq!(d.meta.first("segment"), Some("enterprise"));
        assert_eq!(d.meta.first("plan"), Some("trial"));
        assert_eq!(d.meta.first("source"), Some("q3-export"));
        assert_eq!(d.meta.first("kind"), Some("note"));
        let mut other = doc(&[("account", "Nobody Inc")]);
        assert_eq!(e.apply(&mut other, "note").as_deref(), Some("Nobody Inc"));
    }

    #[test]
    fn kinds_from_paths() {
        let k = |p: &str, f| kind_from_path(Path::new(p), f);
        assert_eq!(k("data/calls.csv", Format::Csv), "call");
        assert_eq!(k("data/tickets.jsonl", Format::Jsonl), "ticket");
        assert_eq!(k("x/interviews/2026-acme.vtt", Format::Vtt), "interview");
        assert_eq!(k("x/surveys/nps-q3.csv", Format::Csv), "survey");
        assert_eq!(k("x/misc/a.md", Format::Text), "note");
        assert_eq!(k("x/misc/export.csv", Format::Csv), "record");
        assert_eq!(k("x/misc/recording.srt", Format::Srt), "interview");
    }
}
