//! Evidence for a lens: the passages under the filters that contain the
//! lens's cue words (one index query, not the whole corpus), and within them
//! the sentences that carry the signal. Each passage knows its group values,
//! its account and whether our own side said it (their words give context to
//! a model but never count as evidence).

use std::collections::HashSet;

use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Term};

use super::lens::Lens;
use crate::error::{Error, Result};
use crate::index::Store;
use crate::ingest::passage::sentences;
use crate::retrieve::query::stems;
use crate::retrieve::search::Loader;
use crate::retrieve::{Filters, Hit};

/// A customer passage with at least one signal sentence.
#[derive(Debug, Clone)]
pub struct EvPassage {
    pub hit: Hit,
    /// Values of the grouping field, lower-cased (several for list fields).
    pub groups: Vec<String>,
}

impl EvPassage {
    /// The account, if known.
    pub fn account(&self) -> Option<&str> {
        self.hit.field("account")
    }
}

/// A sentence carrying the lens's signal.
#[derive(Debug, Clone)]
pub struct Signal {
    /// Index into [`Evidence::passages`].
    pub passage: usize,
    /// The sentence, verbatim.
    pub text: String,
    pub score: f32,
}

/// Everything a summary is built from: the passages that carry a signal
/// (the others are read and dropped, so memory follows the evidence, not
/// the corpus).
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    pub passages: Vec<EvPassage>,
    /// Signal sentences of customers (internal speakers excluded).
    pub signals: Vec<Signal>,
}

impl Evidence {
    /// Distinct passages that carry a signal sentence: all of them, since
    /// the others are not kept.
    pub fn signal_passages(&self) -> usize {
        self.passages.len()
    }
}

/// The metadata a summary reads from an evidence passage (the model's
/// passage label, quotes, account counts); the rest is dropped to save memory.
const KEPT_KEYS: &[&str] = &[
    "account",
    "account_name",
    "segment",
    "kind",
    "date",
    "speaker",
];

/// Gathers the evidence for `lens` under `filters`, grouping by `by`.
/// `internal` adds speaker names (from the config) to those of the
/// documents' own `internal` lists.
pub fn gather(
    store: &Store,
    lens: Lens,
    by: &str,
    filters: &Filters,
    internal: &[String],
) -> Result<Evidence> {
    let f = &store.fields;
    let mut cue_terms: Vec<String> = lens.query_words().iter().flat_map(|w| stems(w)).collect();
    cue_terms.sort();
    cue_terms.dedup();
    let cues: Vec<(Occur, Box<dyn Query>)> = cue_terms
        .iter()
        .map(|t| {
            let q: Box<dyn Query> = Box::new(TermQuery::new(
                Term::from_field_text(f.text, t),
                IndexRecordOption::Basic,
            ));
            (Occur::Should, q)
        })
        .collect();
    let mut clauses: Vec<(Occur, Box<dyn Query>)> =
        vec![(Occur::Must, Box::new(BooleanQuery::new(cues)))];
    if let Some(filter) = filters.to_query(f) {
        clauses.push((Occur::Must, filter));
    }
    let query = BooleanQuery::new(clauses);
    let searcher = store.searcher();
    let found = searcher
        .search(&query, &DocSetCollector)
        .map_err(|e| Error::tantivy(&store.dir, e))?;
    let mut addresses: Vec<DocAddress> = found.into_iter().collect();
    addresses.sort_by_key(|a| (a.segment_ord, a.doc_id));
    let extra: HashSet<String> = internal.iter().map(|s| s.to_lowercase()).collect();
    let mut loader = Loader::new(store);
    let mut ev = Evidence::default();
    for addr in addresses {
        let mut hit = loader.hit(addr, 0.0, None)?;
        let speaker = hit.field("speaker").map(str::to_lowercase);
        let internal = speaker.as_ref().is_some_and(|s| {
            extra.contains(s)
                || hit
                    .meta
                    .get("internal")
                    .iter()
                    .any(|i| i.to_lowercase() == *s)
        });
        if internal {
            continue; // our own side's words are never evidence
        }
        let passage = ev.passages.len();
        let before = ev.signals.len();
        for s in sentences(&hit.text) {
            let score = lens.score(s);
            if score >= 1.0 {
                ev.signals.push(Signal {
                    passage,
                    text: s.to_string(),
                    score,
                });
            }
        }
        if ev.signals.len() == before {
            continue; // a cue word without a signal: kept out of memory
        }
        let groups = hit.meta.get(by).iter().map(|v| v.to_lowercase()).collect();
        hit.meta.retain(|k| KEPT_KEYS.contains(&k));
        hit.snippet = Default::default();
        hit.vector = None;
        ev.passages.push(EvPassage { hit, groups });
    }
    Ok(ev)
}
