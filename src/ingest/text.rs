//! Markdown and plain text: one document per file, metadata from YAML front
//! matter, passages located by line range.

use super::yaml::{parse_mapping, split_front_matter};
use super::{Document, Metadata, Parsed, passage};

/// Parses a `.md` / `.markdown` / `.txt` file.
pub fn parse(text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let fm = split_front_matter(text);
    let mut meta = Metadata::new();
    if fm.unclosed {
        parsed
            .notes
            .push("front matter opened with `---` is never closed; indexed as plain text".into());
    }
    if let Some(yaml) = fm.yaml {
        match parse_mapping(yaml) {
            Ok(m) => meta = m,
            Err(e) => parsed.notes.push(format!(
                "front matter is not valid YAML ({}); its metadata was ignored, the text is indexed",
                first_line(&e)
            )),
        }
    }
    let passages = passage::split_lines(fm.body, fm.body_line);
    if passages.is_empty() {
        parsed
            .notes
            .push("no text after the front matter; nothing indexed".into());
        return parsed;
    }
    if !meta.contains("title") {
        if let Some(h) = fm.body.lines().map(str::trim).find(|l| l.starts_with("# ")) {
            meta.push("title", h.trim_start_matches('#'));
        }
    }
    parsed.documents.push(Document {
        part: String::new(),
        meta,
        passages,
    });
    parsed
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_becomes_metadata_and_lines_count_from_the_file() {
        let p = parse("---\naccount: ACC-1\nkind: note\n---\n# QBR\nThey want SSO.\n");
        let d = &p.documents[0];
        assert_eq!(d.meta.first("account"), Some("ACC-1"));
        assert_eq!(d.meta.first("title"), Some("QBR"));
        assert_eq!(d.passages[0].location.to_string(), "L5-L6");
        assert!(p.notes.is_empty());
    }

    #[test]
    fn broken_front_matter_keeps_the_text_and_says_so() {
        let p = parse("---\naccount: [oops\n---\nThe text survives.\n");
        assert_eq!(p.documents[0].passages[0].text, "The text survives.");
        assert!(p.documents[0].meta.is_empty());
        assert!(p.notes[0].contains("not valid YAML"), "{:?}", p.notes);
        let p = parse("---\naccount: x\nbody without end\n");
        assert!(p.notes[0].contains("never closed"));
        assert!(p.documents[0].passages[0].text.contains("body without end"));
    }
}
