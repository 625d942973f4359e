//! Evidence for a lens: every passage under the filters is read (a pain can
//! be a bare structure, "there's no SCIM", that no cue-word query finds),
//! and within each the sentences that carry the lens's signal, with the
//! clause that carries it. Each passage knows its group values, its account
//! and whether our own side said it (their words give context to a model
//! but never count as evidence). Passages come in a stable order (document
//! id, then position), whatever the index's segments.

use std::collections::HashSet;
use std::ops::Range;

use tantivy::DocAddress;
use tantivy::collector::DocSetCollector;
use tantivy::query::{AllQuery, Query};

use super::detect::{self, Kind};
use super::lens::{Lens, SIGNAL};
use crate::error::{Error, Result};
use crate::index::Store;
use crate::retrieve::search::Loader;
use crate::retrieve::{Filters, Hit};
use crate::text::sentences;

/// A customer passage with at least one signal sentence.
#[derive(Debug, Clone)]
pub struct EvPassage {
    pub hit: Hit,
    /// Values of the grouping field, lower-cased (several for list fields).
    pub groups: Vec<String>,
    /// The passage's tone: the mean valence of its sentences, -1 (all
    /// complaint) to 1 (all praise).
    pub tone: f32,
}

impl EvPassage {
    /// The account, if known.
    pub fn account(&self) -> Option<&str> {
        self.hit.field("account")
    }
}

/// A sentence carrying the lens's signal.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Signal {
    /// Index into [`Evidence::passages`].
    pub passage: usize,
    /// The sentence, verbatim (quotes are whole sentences).
    pub text: String,
    pub score: f32,
    /// Byte range of `text` that carries the signal: the clause(s) of the
    /// pain in "the dashboard is great but exports take forever" (for
    /// clustering and naming; the whole of `text` when it is one clause).
    pub focus: Range<usize>,
    /// How it is said: a statement, a missing capability, a request, a
    /// question, a conditional, a solved pain (success).
    pub kind: Kind,
    /// The whole sentence's valence, -1 (complaint) to 1 (praise).
    pub valence: f32,
}

impl Signal {
    /// The part of the sentence that carries the signal.
    pub fn focus_text(&self) -> &str {
        self.text.get(self.focus.clone()).unwrap_or(&self.text)
    }
}

/// A Markdown heading ("## Issues raised") labels what follows; it is not
/// something a customer said.
fn is_heading(sentence: &str) -> bool {
    let rest = sentence.trim_start().trim_start_matches('#');
    rest.len() < sentence.trim_start().len() && rest.starts_with(' ')
}

/// The signals `lens` finds in `text` (a passage), one per sentence that
/// carries it, in order (`passage` is left 0; headings are never signals),
/// and the passage's tone: the mean valence of its sentences.
pub fn read_passage(lens: Lens, text: &str) -> (Vec<Signal>, f32) {
    let mut out = Vec::new();
    let (mut sum, mut n) = (0f32, 0usize);
    for s in sentences(text).into_iter().filter(|s| !is_heading(s)) {
        let facts = detect::read(s);
        sum += facts.valence();
        n += 1;
        let d = lens.judge(&facts);
        if d.score >= SIGNAL {
            out.push(Signal {
                passage: 0,
                text: s.to_string(),
                score: d.score,
                focus: d.focus,
                kind: d.kind,
                valence: d.valence,
            });
        }
    }
    (out, if n > 0 { sum / n as f32 } else { 0.0 })
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
    // firmographics a theme's summary reports the mix of
    "industry",
    "plan",
    "region",
    "tier",
    "country",
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
    let query: Box<dyn Query> = filters.to_query(f).unwrap_or_else(|| Box::new(AllQuery));
    let searcher = store.searcher();
    let found = searcher
        .search(&query, &DocSetCollector)
        .map_err(|e| Error::tantivy(&store.dir, e))?;
    let mut addresses: Vec<DocAddress> = found.into_iter().collect();
    addresses.sort_by_key(|a| (a.segment_ord, a.doc_id)); // reading order; sorted again below
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
        let (mut found, tone) = read_passage(lens, &hit.text);
        if found.is_empty() {
            continue; // no signal: kept out of memory
        }
        let passage = ev.passages.len();
        for s in &mut found {
            s.passage = passage;
        }
        ev.signals.append(&mut found);
        let groups = hit.meta.get(by).iter().map(|v| v.to_lowercase()).collect();
        hit.meta.retain(|k| KEPT_KEYS.contains(&k));
        hit.snippet = Default::default();
        hit.vector = None;
        ev.passages.push(EvPassage { hit, groups, tone });
    }
    Ok(in_stable_order(ev))
}

/// `ev` with its passages sorted by document and position (tantivy's doc
/// addresses depend on how many threads indexed), signals following them.
fn in_stable_order(ev: Evidence) -> Evidence {
    let mut order: Vec<usize> = (0..ev.passages.len()).collect();
    let key = |i: usize| {
        let h = &ev.passages[i].hit;
        (
            h.doc_id.as_str(),
            h.ordinal,
            h.location.as_str(),
            h.path.as_str(),
        )
    };
    order.sort_by(|&a, &b| key(a).cmp(&key(b)));
    let mut new_index = vec![0usize; order.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    let Evidence { passages, signals } = ev;
    let mut slots: Vec<Option<EvPassage>> = passages.into_iter().map(Some).collect();
    let passages = order.iter().filter_map(|&old| slots[old].take()).collect();
    let mut signals: Vec<Signal> = signals
        .into_iter()
        .map(|mut s| {
            s.passage = new_index[s.passage];
            s
        })
        .collect();
    signals.sort_by_key(|s| s.passage); // stable: sentence order within a passage
    Evidence { passages, signals }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_are_not_signals_but_what_follows_them_is() {
        let text = "## Issues raised\n\nThe export is broken and nobody told us.";
        let (found, _) = read_passage(Lens::Pains, text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].text.starts_with("The export"));
        assert!(is_heading("### Problems"));
        assert!(!is_heading("#1 problem: the sync fails."));
    }

    #[test]
    fn a_passage_has_the_tone_of_its_sentences() {
        let (found, rave) = read_passage(
            Lens::Pains,
            "Love this app, it is the best planner I have used. The widget is great. \
             One thing: the sync is slow.",
        );
        assert_eq!(found.len(), 1, "{found:?}");
        let (found, rant) = read_passage(
            Lens::Pains,
            "The sync is slow. It crashed twice today. The search is broken.",
        );
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(rave > 0.0 && rant < 0.0, "rave {rave}, rant {rant}");
        assert_eq!(read_passage(Lens::Pains, "").1, 0.0);
    }
}
