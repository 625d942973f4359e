//! `insight search`: BM25 passages under the filters, with highlighted
//! snippets and their documents' metadata.

use std::collections::HashMap;
use std::ops::Range;

use serde::Serialize;
use tantivy::Term;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::schema::Value;
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Searcher, TantivyDocument};

use super::filters::{Filters, meta_term, meta_term_query};
use super::query::{self, Mode};
use crate::error::{Error, Result};
use crate::index::Store;
use crate::ingest::Metadata;

/// Longest snippet, in characters.
const SNIPPET_CHARS: usize = 220;

/// Score added to passages of a segment a question names.
const SEGMENT_BOOST: f32 = 2.0;

/// Words a question's text search leaves out: the filters' values and the
/// segment words it names.
pub fn implied_words(filters: &Filters, segments: &[(String, String)]) -> Vec<String> {
    let mut implied = filters.values();
    implied.extend(segments.iter().map(|(word, _)| word.clone()));
    implied
}

/// Words of `text` that are segment values in the index (`SMBs` counts for
/// `smb`), with the value they name.
pub fn segment_words(store: &Store, searcher: &Searcher, text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let words: Vec<String> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    for w in words {
        let singular = w
            .strip_suffix('s')
            .filter(|s| s.len() >= 3)
            .map(str::to_string);
        for candidate in std::iter::once(w.clone()).chain(singular) {
            let term = meta_term(&store.fields, "segment", &candidate);
            if searcher.doc_freq(&term).unwrap_or(0) > 0 {
                if !out.iter().any(|(x, _)| *x == w) {
                    out.push((w.clone(), candidate));
                }
                break;
            }
        }
    }
    out
}

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
    /// Position of the passage in its document (0 is the first).
    pub ordinal: u64,
    /// The stored sentence embedding, quantised (`index --embed`).
    pub vector: Option<Vec<u8>>,
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
///
/// In a question, a word that names a segment (`enterprise`, `SMBs`) says
/// whose words are wanted: unless `--segment` is given, it is not searched as
/// text but gives passages of that segment a boost.
pub fn search(store: &Store, text: &str, filters: &Filters, limit: usize) -> Result<Results> {
    let searcher = store.searcher();
    let segments = if filters.segments.is_empty() {
        segment_words(store, &searcher, text)
    } else {
        Vec::new()
    };
    let implied = implied_words(filters, &segments);
    let parsed = query::parse(&store.index, &store.fields, text, &implied)
        .ok_or_else(|| Error::invalid("QUERY", format!("`{text}` has no words to search for")))?;
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, parsed.query.box_clone())];
    if let Some(filter) = filters.to_query(&store.fields) {
        clauses.push((Occur::Must, filter));
    }
    if parsed.mode == Mode::Natural && !segments.is_empty() {
        let any: Vec<(Occur, Box<dyn Query>)> = segments
            .iter()
            .map(|(_, value)| {
                (
                    Occur::Should,
                    meta_term_query(&store.fields, "segment", value),
                )
            })
            .collect();
        clauses.push((
            Occur::Should,
            Box::new(ConstScoreQuery::new(
                Box::new(BooleanQuery::new(any)),
                SEGMENT_BOOST,
            )),
        ));
    }
    let query: Box<dyn Query> = Box::new(BooleanQuery::new(clauses));
    let err = |e| Error::tantivy(&store.dir, e);
    let (mut top, total) = if limit == 0 {
        (Vec::new(), searcher.search(&query, &Count).map_err(err)?)
    } else {
        searcher
            .search(
                &query,
                &(
                    TopDocs::with_limit(limit + TIE_SLACK).order_by_score(),
                    Count,
                ),
            )
            .map_err(err)?
    };
    // passages beyond the limit are kept only while they tie with the last
    // one in, so that ties are settled by path below, not by where tantivy's
    // threads happened to put the documents
    if let Some(&(cut, _)) = top.get(limit.saturating_sub(1)) {
        let mut i = 0;
        top.retain(|(score, _)| {
            i += 1;
            i <= limit || *score == cut
        });
    }
    let mut generator =
        SnippetGenerator::create(&searcher, &*parsed.query, store.fields.text).map_err(err)?;
    generator.set_max_num_chars(SNIPPET_CHARS);
    let mut loader = Loader::new(store);
    let mut hits = top
        .into_iter()
        .map(|(score, addr)| loader.hit(addr, score, Some(&generator)))
        .collect::<Result<Vec<_>>>()?;
    hits.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.path.cmp(&b.path))
            .then(a.ordinal.cmp(&b.ordinal))
    });
    hits.truncate(limit);
    Ok(Results {
        query: text.to_string(),
        mode: parsed.mode,
        total,
        hits,
    })
}

/// Passages fetched past the limit to settle ties at its edge by path.
const TIE_SLACK: usize = 16;

/// Reads passages into [`Hit`]s. A document's metadata is stored on its
/// first passage; the loader fetches it there once per document.
pub struct Loader<'a> {
    store: &'a Store,
    searcher: Searcher,
    metas: HashMap<String, Metadata>,
}

impl<'a> Loader<'a> {
    /// A loader over the store's current searcher.
    pub fn new(store: &'a Store) -> Loader<'a> {
        Self::with_searcher(store, store.searcher())
    }

    /// A loader reading with `searcher` (whose addresses the caller holds).
    pub fn with_searcher(store: &'a Store, searcher: Searcher) -> Loader<'a> {
        Loader {
            store,
            searcher,
            metas: HashMap::new(),
        }
    }

    /// The passage at `addr`, with a snippet when a generator is given.
    pub fn hit(
        &mut self,
        addr: DocAddress,
        score: f32,
        generator: Option<&SnippetGenerator>,
    ) -> Result<Hit> {
        let f = self.store.fields;
        let doc: TantivyDocument = self
            .searcher
            .doc(addr)
            .map_err(|e| Error::tantivy(&self.store.dir, e))?;
        let text_of = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let text = text_of(f.text);
        let doc_id = text_of(f.doc_id);
        let mut meta = match doc.get_first(f.meta_raw).and_then(|v| v.as_str()) {
            Some(raw) => {
                let m: Metadata = serde_json::from_str(raw).unwrap_or_default();
                self.remember(&doc_id, &m);
                m
            }
            None => self.doc_meta(&doc_id)?,
        };
        if let Some(s) = doc.get_first(f.speaker).and_then(|v| v.as_str()) {
            meta.set("speaker", s);
        }
        let snippet = generator
            .map(|g| g.snippet_from_doc(&doc))
            .filter(|s| !s.fragment().is_empty())
            .map(|s| with_ellipses(&text, s.fragment(), s.highlighted()))
            .unwrap_or_else(|| Snippet {
                fragment: truncate(&text, SNIPPET_CHARS),
                highlights: Vec::new(),
            });
        let ordinal = doc
            .get_first(f.ordinal)
            .and_then(|v| v.as_u64())
            .unwrap_or(0);
        let vector = doc
            .get_first(f.vector)
            .and_then(|v| v.as_bytes())
            .map(<[u8]>::to_vec);
        Ok(Hit {
            ordinal,
            vector,
            score,
            doc_id,
            path: self.store.paths.display(&text_of(f.path)),
            location: text_of(f.location),
            meta,
            text,
            snippet,
        })
    }

    /// The metadata of document `doc_id`, from its first passage.
    fn doc_meta(&mut self, doc_id: &str) -> Result<Metadata> {
        if let Some(m) = self.metas.get(doc_id) {
            return Ok(m.clone());
        }
        let f = self.store.fields;
        let query = BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.doc_id, doc_id),
                    IndexRecordOption::Basic,
                )) as Box<dyn Query>,
            ),
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_u64(f.ordinal, 0),
                    IndexRecordOption::Basic,
                )),
            ),
        ]);
        let err = |e| Error::tantivy(&self.store.dir, e);
        let top = self
            .searcher
            .search(&query, &TopDocs::with_limit(1).order_by_score())
            .map_err(err)?;
        let meta = match top.first() {
            Some((_, addr)) => {
                let doc: TantivyDocument = self.searcher.doc(*addr).map_err(err)?;
                doc.get_first(f.meta_raw)
                    .and_then(|v| v.as_str())
                    .and_then(|raw| serde_json::from_str(raw).ok())
                    .unwrap_or_default()
            }
            None => Metadata::default(),
        };
        self.remember(doc_id, &meta);
        Ok(meta)
    }

    /// Caches a document's metadata. Callers read passages in index order,
    /// so a document's passages come together: a small cache is enough, and
    /// memory stays flat however many passages are read.
    fn remember(&mut self, doc_id: &str, meta: &Metadata) {
        if self.metas.len() >= 4096 {
            self.metas.clear();
        }
        self.metas.insert(doc_id.to_string(), meta.clone());
    }
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

/// Every passage of the document `doc_id`, in order.
pub fn document(store: &Store, doc_id: &str) -> Result<Vec<Hit>> {
    let searcher = store.searcher();
    let term = Term::from_field_text(store.fields.doc_id, doc_id);
    let query = TermQuery::new(term, IndexRecordOption::Basic);
    let found = searcher
        .search(&query, &tantivy::collector::DocSetCollector)
        .map_err(|e| Error::tantivy(&store.dir, e))?;
    let mut loader = Loader::new(store);
    let mut hits = found
        .into_iter()
        .map(|addr| loader.hit(addr, 0.0, None))
        .collect::<Result<Vec<_>>>()?;
    hits.sort_by_key(|h| h.ordinal);
    Ok(hits)
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
