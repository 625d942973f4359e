//! The units: the distinct signal clauses, sorted by their text, with who
//! said them and the evidence's word statistics (our own product's name
//! left out).

use std::collections::{BTreeSet, HashMap};

use super::{Unit, Units, clause, who};
use crate::synthesize::evidence::Evidence;
use crate::synthesize::naming::Corpus;
use crate::synthesize::words::{Kind, Stemmer};

/// Words after which a word is used as a verb.
const SUBJECTS: &[&str] = &[
    "i",
    "we",
    "you",
    "they",
    "he",
    "she",
    "it",
    "to",
    "can",
    "can't",
    "cannot",
    "could",
    "couldn't",
    "will",
    "won't",
    "would",
    "wouldn't",
    "should",
    "shouldn't",
    "don't",
    "doesn't",
    "didn't",
    "do",
    "does",
    "did",
    "never",
    "always",
    "just",
    "also",
    "please",
    "must",
    "still",
    "i'm",
    "we're",
    "they're",
    "it's",
    "that",
    "which",
    "who",
];

/// A proper name said by a large share of the accounts of the evidence, or
/// of one of its groups (one app's reviews, one product line), is our own
/// product's (every customer names it): never a theme's word, and no link
/// between two clauses.
const PRODUCT_SHARE: f32 = 0.2;
const PRODUCT_MIN_ACCOUNTS: usize = 3;

/// Lower-case words written with a capital inside sentences (at least 4
/// times in 5) and said by at least [`PRODUCT_SHARE`] of the accounts of
/// the evidence or of one group.
fn product_names(ev: &Evidence, units: &[Unit]) -> BTreeSet<String> {
    const ALL: &str = "";
    // per word: capitalised, inside a sentence, who said it per group
    type Seen<'a> = (usize, usize, HashMap<&'a str, BTreeSet<&'a str>>);
    let mut seen: HashMap<&str, Seen<'_>> = HashMap::new();
    let mut everyone: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    for u in units {
        let mut groups: BTreeSet<&str> = [ALL].into();
        for &i in &u.signals {
            let p = &ev.passages[ev.signals[i].passage];
            groups.extend(p.groups.iter().map(String::as_str));
        }
        for g in &groups {
            everyone
                .entry(g)
                .or_default()
                .extend(u.who.iter().map(String::as_str));
        }
        for (k, t) in u.tokens.iter().enumerate() {
            if !t.is_content() {
                continue;
            }
            let e = seen.entry(t.lower.as_str()).or_default();
            for g in &groups {
                e.2.entry(g)
                    .or_default()
                    .extend(u.who.iter().map(String::as_str));
            }
            if k > 0 {
                e.1 += 1;
                if u.text[t.span.clone()].starts_with(char::is_uppercase) {
                    e.0 += 1;
                }
            }
        }
    }
    let bar = |g: &str| {
        let n = everyone.get(g).map_or(0, BTreeSet::len);
        ((n as f32 * PRODUCT_SHARE).ceil() as usize).max(PRODUCT_MIN_ACCOUNTS)
    };
    seen.into_iter()
        .filter(|(_, (caps, inside, who))| {
            *inside > 0 && caps * 5 >= inside * 4 && who.iter().any(|(g, w)| w.len() >= bar(g))
        })
        .map(|(w, _)| w.to_string())
        .collect()
}

impl Units {
    /// The passages the clauses `members` were said in.
    pub fn passages_of(&self, ev: &Evidence, members: &[usize]) -> BTreeSet<usize> {
        members
            .iter()
            .flat_map(|&m| self.units[m].signals.iter().map(|&s| ev.signals[s].passage))
            .collect()
    }

    /// The share of the weight of `members` (clause, weight) held by the
    /// clauses that say their most said content word.
    pub fn subject_share(&self, members: impl Iterator<Item = (usize, f32)>) -> f32 {
        let mut total = 0f32;
        let mut by_stem: HashMap<&str, f32> = HashMap::new();
        for (m, w) in members {
            total += w;
            let stems: BTreeSet<&str> = self.units[m]
                .tokens
                .iter()
                .filter(|t| t.is_content())
                .map(|t| t.stem.as_str())
                .collect();
            for s in stems {
                *by_stem.entry(s).or_default() += w;
            }
        }
        let top = by_stem.values().copied().fold(0f32, f32::max);
        if total > 0.0 { top / total } else { 0.0 }
    }
}

/// The distinct clauses, sorted by their text, and the evidence's word
/// statistics.
pub(super) fn units(ev: &Evidence, excluded: &BTreeSet<String>) -> Units {
    let mut by_text: HashMap<String, usize> = HashMap::new();
    let mut list: Vec<Unit> = Vec::new();
    for (i, s) in ev.signals.iter().enumerate() {
        let text = clause(s);
        let key = text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        let u = *by_text.entry(key).or_insert_with(|| {
            list.push(Unit {
                text: text.to_string(),
                tokens: Vec::new(),
                signals: Vec::new(),
                who: BTreeSet::new(),
            });
            list.len() - 1
        });
        list[u].signals.push(i);
        list[u].who.insert(who(ev, s));
    }
    // canonical order: by text, whatever order the evidence came in
    list.sort_by(|a, b| {
        a.text
            .to_lowercase()
            .cmp(&b.text.to_lowercase())
            .then(a.text.cmp(&b.text))
    });
    let mut stemmer = Stemmer::default();
    for u in &mut list {
        u.tokens = stemmer.analyze(&u.text, excluded);
    }
    let product = product_names(ev, &list);
    let mut df: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut everyone: BTreeSet<String> = BTreeSet::new();
    let mut as_verb: HashMap<String, (usize, usize)> = HashMap::new();
    for u in &mut list {
        for t in u.tokens.iter_mut().filter(|t| product.contains(&t.lower)) {
            t.kind = Kind::Glue;
        }
        for (k, t) in u.tokens.iter().enumerate() {
            if t.is_content() {
                let e = as_verb.entry(t.stem.clone()).or_default();
                e.1 += 1;
                if k > 0 && SUBJECTS.contains(&u.tokens[k - 1].lower.as_str()) {
                    e.0 += 1;
                }
            }
        }
        for t in u.tokens.iter().filter(|t| t.is_content()) {
            df.entry(t.stem.clone())
                .or_default()
                .extend(u.who.iter().cloned());
        }
        everyone.extend(u.who.iter().cloned());
    }
    Units {
        units: list,
        vectors: Vec::new(),
        corpus: Corpus {
            total: everyone.len(),
            df: df.into_iter().map(|(k, v)| (k, v.len())).collect(),
            verbs: as_verb
                .into_iter()
                .filter(|(_, (verb, all))| *verb >= 1 && *verb * 5 >= *all * 2)
                .map(|(stem, _)| stem)
                .collect(),
        },
        semantic: false,
    }
}
