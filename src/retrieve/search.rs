//! `insight search`: BM25 passages under the filters, with highlighted
//! snippets and their documents' metadata.

use std::ops::Range;

use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query};
use tantivy::schema::Value;
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Searcher, TantivyDocument};

use super::filters::Filters;
use super::query::{self, Mode};
use crate::error::{Error, Result};
use crate::index::Store;
use crate::ingest::Metadata;

/// Longest snippet, in characters.
const SNIPPET_CHARS: usize = 220;

/// One passage found.
#[derive(Debug, Clone)]
pub struct Hit {
    pub score: f32,
    pub doc_id: String,
    /// Path as shown to the user.
    pub path: String,
    pub location: String,
    pub meta: Metadata,
    pub text: String,
    pub snippet: Snippet,
}

impl Hit {
    /// First value of a metadata key.
    pub fn field(&self, key: &str) -> Option<&str> {
        self.meta.first(key)
    }
}

/// A fragment of a passage with the byte ranges that matched.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Snippet {
    pub fragment: String,
    pub highlights: Vec<Range<usize>>,
}

impl Snippet {
    /// The fragment with each match wrapped in `open` … `close`.
    pub fn marked(&self, open: &str, close: &str) -> String {
        let mut out = String::with_capacity(self.fragment.len() + 8 * self.highlights.len());
        let mut at = 0;
        for r in &self.highlights {
            if r.start < at || r.end > self.fragment.len() {
                continue;
            }
            out.push_str(&self.fragment[at..r.start]);
            out.push_str(open);
            out.push_str(&self.fragment[r.clone()]);
            out.push_str(close);
            at = r.end;
        }
        out.push_str(&self.fragment[at..]);
        out
    }
}

/// The answer to a search.
#[derive(Debug, Clone)]
pub struct Results {
    pub query: String,
    pub mode: Mode,
    /// Passages matching (not only those returned).
    pub total: usize,
    pub hits: Vec<Hit>,
}

/// Runs `query` under `filters` and returns the best `limit` passages.
pub fn search(store: &Store, text: &str, filters: &Filters, limit: usize) -> Result<Results> {
    let parsed = query::parse(&store.index, &store.fields, text, &filters.values())
        .ok_or_else(|| Error::invalid("QUERY", format!("`{text}` has no words to search for")))?;
    let query: Box<dyn Query> = match filters.to_query(&store.fields) {
        Some(filter) => Box::new(BooleanQuery::new(vec![
            (Occur::Must, parsed.query.box_clone()),
            (Occur::Must, filter),
        ])),
        None => parsed.query.box_clone(),
    };
    let searcher = store.searcher();
    let err = |e| Error::tantivy(&store.dir, e);
    let (top, total) = if limit == 0 {
        (Vec::new(), searcher.search(&query, &Count).map_err(err)?)
    } else {
        searcher
            .search(
                &query,
                &(TopDocs::with_limit(limit).order_by_score(), Count),
            )
            .map_err(err)?
    };
    let mut generator =
        SnippetGenerator::create(&searcher, &*parsed.query, store.fields.text).map_err(err)?;
    generator.set_max_num_chars(SNIPPET_CHARS);
    let hits = top
        .into_iter()
        .map(|(score, addr)| load_hit(store, &searcher, addr, score, Some(&generator)))
        .collect::<Result<Vec<_>>>()?;
    Ok(Results {
        query: text.to_string(),
        mode: parsed.mode,
        total,
        hits,
    })
}

/// Reads a passage's stored fields into a [`Hit`].
pub fn load_hit(
    store: &Store,
    searcher: &Searcher,
    addr: DocAddress,
    score: f32,
    generator: Option<&SnippetGenerator>,
) -> Result<Hit> {
    let f = &store.fields;
    let doc: TantivyDocument = searcher
        .doc(addr)
        .map_err(|e| Error::tantivy(&store.dir, e))?;
    let text_of = |field| {
        doc.get_first(field)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    };
    let text = text_of(f.text);
    let meta: Metadata = serde_json::from_str(&text_of(f.meta_raw)).unwrap_or_default();
    let snippet = generator
        .map(|g| g.snippet_from_doc(&doc))
        .filter(|s| !s.fragment().is_empty())
        .map(|s| with_ellipses(&text, s.fragment(), s.highlighted()))
        .unwrap_or_else(|| Snippet {
            fragment: truncate(&text, SNIPPET_CHARS),
            highlights: Vec::new(),
        });
    Ok(Hit {
        score,
        doc_id: text_of(f.doc_id),
        path: store.paths.display(&text_of(f.path)),
        location: text_of(f.location),
        meta,
        text,
        snippet,
    })
}

/// A snippet of `text`, with `…` where the fragment cuts the passage.
fn with_ellipses(text: &str, fragment: &str, highlights: &[Range<usize>]) -> Snippet {
    let at = text.find(fragment).unwrap_or(0);
    let before = at > 0;
    let after = at + fragment.len() < text.trim_end().len();
    let shift = if before { '…'.len_utf8() } else { 0 };
    Snippet {
        fragment: format!(
            "{}{fragment}{}",
            if before { "…" } else { "" },
            if after { "…" } else { "" }
        ),
        highlights: highlights
            .iter()
            .map(|r| r.start + shift..r.end + shift)
            .collect(),
    }
}

/// The first `max` characters of `text`, cut at a word boundary.
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut
        .rsplit_once(' ')
        .map_or(cut.as_str(), |(a, _)| a)
        .to_string();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marking_and_truncating() {
        let s = Snippet {
            fragment: "the sync breaks".into(),
            highlights: vec![4..8, 9..15],
        };
        assert_eq!(s.marked("**", "**"), "the **sync** **breaks**");
        assert_eq!(truncate("one two three", 9), "one two…");
        assert_eq!(truncate("short", 9), "short");
        let s = with_ellipses(
            "one two three four",
            "two three",
            &[Range { start: 4, end: 9 }],
        );
        assert_eq!(s.marked("[", "]"), "…two [three]…");
        let s = with_ellipses("one two", "one two", &[Range { start: 0, end: 3 }]);
        assert_eq!(s.marked("[", "]"), "[one] two");
    }
}
