//! Turning what a user typed into a tantivy query. Two readings:
//!
//! - **query syntax** (phrases, `AND`/`OR`/`NOT`, `+`/`-`, `field:value`) when
//!   the text uses it and tantivy's parser accepts it; metadata fields are
//!   written plainly (`segment:enterprise`) and matched case-insensitively;
//! - **natural language** otherwise: words minus stop words, each scored by
//!   BM25, quoted phrases and adjacent word pairs as proximity boosts. A
//!   question never fails to parse.

use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, QueryParser, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Index, Term};

use crate::index::schema::Fields;
use crate::text::{is_stop_word, normalize_key, stems};

/// How the query text was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Syntax,
    Natural,
}

/// A query ready to run.
pub struct Parsed {
    pub query: Box<dyn Query>,
    pub mode: Mode,
}

/// Builds the query for `text`. `None` when it has nothing to search for.
/// Words equal to one of `implied` (the values of active filters, like
/// `enterprise` under `--segment enterprise`) are dropped from a question.
pub fn parse(index: &Index, fields: &Fields, text: &str, implied: &[String]) -> Option<Parsed> {
    if looks_like_syntax(text) {
        let parser = QueryParser::for_index(index, vec![fields.text]);
        if let Ok(query) = parser.parse_query(&rewrite_fields(text)) {
            return Some(Parsed {
                query,
                mode: Mode::Syntax,
            });
        }
    }
    natural(fields, text, implied).map(|query| Parsed {
        query,
        mode: Mode::Natural,
    })
}

/// Whether `text` uses query syntax rather than reading as a sentence.
fn looks_like_syntax(text: &str) -> bool {
    let quotes = text.matches('"').count();
    if quotes >= 2 && quotes % 2 == 0 {
        return true;
    }
    text.split_whitespace().any(|w| {
        matches!(w, "AND" | "OR" | "NOT")
            || (w.len() > 1 && (w.starts_with('+') || w.starts_with('-')))
            || field_prefix(w).is_some()
    })
}

/// `Some(field)` when `word` is `field:value` (no space after the colon).
fn field_prefix(word: &str) -> Option<&str> {
    let word = word.trim_start_matches(['(', '+', '-']);
    let (field, value) = word.split_once(':')?;
    let ok = !field.is_empty()
        && !value.is_empty()
        && field
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '.')
        && field.chars().next().is_some_and(char::is_alphabetic);
    ok.then_some(field)
}

/// `segment:Enterprise` → `meta.segment:enterprise` (the text field stays).
fn rewrite_fields(text: &str) -> String {
    let mut out = Vec::new();
    for word in text.split(' ') {
        let lead_len = word.len() - word.trim_start_matches(['(', '+', '-']).len();
        let (lead, rest) = word.split_at(lead_len);
        match field_prefix(word) {
            Some(field) if field != "text" && !field.starts_with("meta.") => {
                let value = &rest[field.len() + 1..];
                out.push(format!(
                    "{lead}meta.{}:{}",
                    normalize_key(field),
                    value.to_lowercase()
                ));
            }
            _ => out.push(word.to_string()),
        }
    }
    out.join(" ")
}

/// The natural-language reading.
fn natural(f: &Fields, text: &str, implied: &[String]) -> Option<Box<dyn Query>> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    // quoted phrases first
    let mut rest = String::new();
    for (i, piece) in text.split('"').enumerate() {
        if i % 2 == 1 && text.matches('"').count() >= 2 {
            let terms = analyze(f, piece);
            match terms.len() {
                0 => {}
                1 => clauses.push((Occur::Should, boosted(term_query(terms[0].clone()), 2.0))),
                _ => clauses.push((
                    Occur::Should,
                    boosted(Box::new(PhraseQuery::new(terms)), 2.0),
                )),
            }
        } else {
            rest.push_str(piece);
            rest.push(' ');
        }
    }
    let mut terms: Vec<Term> = topic_words(&rest, implied)
        .iter()
        .flat_map(|w| analyze(f, w))
        .collect();
    // adjacent pairs reward passages that keep the words together
    for pair in terms.windows(2) {
        if pair[0] != pair[1] {
            let mut phrase = PhraseQuery::new(pair.to_vec());
            phrase.set_slop(2);
            clauses.push((Occur::Should, boosted(Box::new(phrase), 0.5)));
        }
    }
    terms.sort();
    terms.dedup();
    for t in terms {
        clauses.push((Occur::Should, term_query(t)));
    }
    if clauses.is_empty() {
        return None;
    }
    Some(Box::new(BooleanQuery::new(clauses)))
}

fn term_query(t: Term) -> Box<dyn Query> {
    Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs))
}

fn boosted(q: Box<dyn Query>, by: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(q, by))
}

/// The words of a question that carry its topic: lower-cased, without stop
/// words and without words that repeat `implied` filter values (all words
/// when nothing else is left).
pub fn topic_words(text: &str, implied: &[String]) -> Vec<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let implied: Vec<String> = implied
        .iter()
        .flat_map(|v| v.split(|c: char| !c.is_alphanumeric()))
        .filter(|p| !p.is_empty())
        .map(str::to_lowercase)
        .collect();
    let content: Vec<String> = words
        .iter()
        .filter(|w| !is_stop_word(w) && !implied.contains(w))
        .cloned()
        .collect();
    if content.is_empty() { words } else { content }
}

/// Terms of `text` as the index analysed them.
fn analyze(f: &Fields, text: &str) -> Vec<Term> {
    stems(text)
        .iter()
        .map(|t| Term::from_field_text(f.text, t))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_detection() {
        assert!(!looks_like_syntax(
            "What did enterprise customers say about SSO?"
        ));
        assert!(!looks_like_syntax("What do customers say: approval?"));
        assert!(!looks_like_syntax("per-employee price"));
        assert!(looks_like_syntax("\"approval workflow\" sso"));
        assert!(looks_like_syntax("sso AND okta"));
        assert!(looks_like_syntax("segment:enterprise sso"));
        assert!(looks_like_syntax("sso -okta"));
        assert!(!looks_like_syntax("price - too high"));
    }

    #[test]
    fn field_rewrite() {
        assert_eq!(
            rewrite_fields("segment:Enterprise AND sso"),
            "meta.segment:enterprise AND sso"
        );
        assert_eq!(
            rewrite_fields("(Plan:PLUS OR text:x)"),
            "(meta.plan:plus OR text:x)"
        );
        assert_eq!(rewrite_fields("+kind:ticket"), "+meta.kind:ticket");
    }

    #[test]
    fn natural_queries_never_fail() {
        let (_, f) = Fields::build();
        assert!(natural(&f, "What do customers say: \"approval\" (workflows)?", &[]).is_some());
        assert!(
            natural(&f, "what is it?", &[]).is_some(),
            "all stop words still search"
        );
        assert!(natural(&f, "?!", &[]).is_none());
    }
}
