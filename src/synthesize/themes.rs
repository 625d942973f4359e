//! Themes: what a summary reports for each group, and the draft a theme is
//! before it is counted.
//!
//! A theme is a title, a summary and the passages that support it; its
//! evidence (distinct accounts, mentions, account ids) and quotes are counted
//! by insight per group, never taken from a model. A draft found offline
//! ([`super::offline`]) is also named and quoted per group, from that
//! group's own sentences, so that no theme borrows another group's words.
//! A theme quotes one sentence per family: sentences with the same words
//! (case, punctuation and endings aside), or nearly the same meaning
//! ([`NEAR_DUPLICATE`]).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::cluster::{dot, normalize, weighted_sum};
use super::describe::Facts;
use super::evidence::Evidence;
use super::naming::Source;
use super::offline::{SUBJECT_SHARE, Units, who};
use super::verify::verify;
use crate::text::stems;

/// A verbatim quote supporting a theme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quote {
    pub text: String,
    pub path: String,
    pub location: String,
    pub account: Option<String>,
    pub speaker: Option<String>,
    /// True only when the text occurs (whitespace-normalised) in the cited passage.
    pub verified: bool,
}

/// A theme as reported for one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Theme {
    pub title: String,
    pub summary: String,
    /// Distinct accounts among the supporting passages.
    pub accounts: usize,
    /// Supporting passages.
    pub mentions: usize,
    pub account_ids: Vec<String>,
    pub quotes: Vec<Quote>,
    /// Who said it when: the account and date of each supporting passage
    /// (for comparisons over time; not part of the JSON).
    #[serde(skip)]
    pub said: Vec<Mention>,
}

/// The account and date of one supporting passage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub account: Option<String>,
    /// As the document wrote it (ISO 8601).
    pub date: Option<String>,
}

/// A clause of a theme as said in one group: the clause (index into
/// [`Units`]), who said it there, and its signals there.
pub type Said = (usize, BTreeSet<String>, Vec<usize>);

/// A theme found in the evidence, before it is counted per group.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    /// The title over all groups (a model's, or named from all clauses).
    pub title: String,
    /// The model's summary; empty for the offline provider (insight writes one).
    pub summary: String,
    pub key_phrases: Vec<String>,
    /// Supporting passages (indices into the evidence).
    pub passages: BTreeSet<usize>,
    /// Quote candidates, best first (a model's themes).
    pub quotes: Vec<QuoteCandidate>,
    /// Offline: the theme's clauses (indices into [`Units`]), most central
    /// first; each group's title and quotes come from its own.
    pub members: Vec<usize>,
}

/// A sentence a theme may quote.
#[derive(Debug, Clone, PartialEq)]
pub struct QuoteCandidate {
    /// Index into the evidence.
    pub passage: usize,
    pub text: String,
    /// Candidates of one family say the same thing (the same words, or with
    /// an embedding model, nearly the same meaning); a theme quotes one.
    pub family: u64,
}

/// The family of a sentence by its words: "We HATE the exports!" and "we
/// hate the export" are one.
pub fn word_family(text: &str) -> u64 {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .flat_map(stems)
        .collect();
    xxhash_rust::xxh3::xxh3_64(words.join(" ").as_bytes())
}

/// Cosine similarity above which two sentences count as saying the same
/// thing (on what they are about): one quote of them is enough.
pub const NEAR_DUPLICATE: f32 = 0.9;

/// What being said clearly (a strong signal) adds to being central when
/// a theme's clauses are ranked for its title and quotes.
const CLARITY: f32 = 0.3;
/// What being said in the theme's prevailing tone (its signals' valence)
/// adds.
const TONE: f32 = 0.3;

/// What being said in a passage of the theme's tone adds.
const PASSAGE_TONE: f32 = 0.3;

/// How many quotes a theme shows at most.
pub const MAX_QUOTES: usize = 3;
/// Quotes longer than this are not "short".
const MAX_QUOTE_CHARS: usize = 300;

/// Sentences → one unit vector each (the embedding model).
pub type EmbedFn<'a> = dyn Fn(&[&str]) -> crate::error::Result<Vec<Vec<f32>>> + 'a;

/// A theme within one group, before it is described.
pub struct GroupTheme {
    pub theme: Theme,
    /// What the summary is written from (offline themes; `None` for a
    /// model's, which come with their summary).
    pub facts: Option<Facts>,
}

impl Draft {
    /// The theme's evidence within one group (`None`: documents without the
    /// field; `Some(v)`: lower-cased value). `None` when nothing supports it
    /// there. `units` are the offline clauses the draft's members index.
    pub fn for_group(
        &self,
        ev: &Evidence,
        group: Option<&str>,
        units: Option<&Units>,
    ) -> Option<GroupTheme> {
        self.for_passages(ev, &|p: usize| in_group(ev, p, group), units)
    }

    /// The theme's evidence over every group.
    pub fn overall(&self, ev: &Evidence, units: Option<&Units>) -> Option<GroupTheme> {
        self.for_passages(ev, &|_| true, units)
    }

    /// The theme's evidence among the passages `in_group` keeps.
    fn for_passages(
        &self,
        ev: &Evidence,
        in_group: &dyn Fn(usize) -> bool,
        units: Option<&Units>,
    ) -> Option<GroupTheme> {
        let passages: Vec<usize> = self
            .passages
            .iter()
            .copied()
            .filter(|&p| in_group(p))
            .collect();
        if passages.is_empty() {
            return None;
        }
        let accounts: BTreeSet<String> = passages
            .iter()
            .filter_map(|&p| ev.passages[p].account().map(str::to_string))
            .collect();
        let mut theme = Theme {
            title: self.title.clone(),
            summary: self.summary.clone(),
            accounts: accounts.len(),
            mentions: passages.len(),
            account_ids: accounts.into_iter().collect(),
            quotes: Vec::new(),
            said: passages
                .iter()
                .map(|&p| Mention {
                    account: ev.passages[p].account().map(str::to_string),
                    date: ev.passages[p].hit.field("date").map(str::to_string),
                })
                .collect(),
        };
        match units.filter(|_| !self.members.is_empty()) {
            Some(units) => {
                let facts = self.name_and_quote(ev, in_group, units, &mut theme);
                if theme.title.is_empty() {
                    return None; // nothing to say what it is about
                }
                Some(GroupTheme {
                    facts: Some(facts),
                    theme,
                })
            }
            None => {
                theme.quotes = pick_quotes(
                    ev,
                    self.quotes
                        .iter()
                        .filter(|c| passages.contains(&c.passage))
                        .map(|c| (c.passage, c.text.as_str(), c.family, None)),
                );
                if theme.summary.is_empty() {
                    theme.summary = format!(
                        "{}; {}.",
                        super::describe::count(theme.accounts, "account"),
                        super::describe::count(theme.mentions, "mention")
                    );
                }
                Some(GroupTheme { theme, facts: None })
            }
        }
    }

    /// The theme's clauses said in one group, most representative first
    /// (central, said clearly, in the theme's tone, by a customer for
    /// whom it is the point), each with who said it there and its signals
    /// there. `None` when the clauses share no subject there (a catch-all).
    pub fn ranked_in_group(
        &self,
        ev: &Evidence,
        group: Option<&str>,
        units: &Units,
    ) -> Option<Vec<Said>> {
        self.ranked(ev, &|p| in_group(ev, p, group), units)
    }

    fn ranked(
        &self,
        ev: &Evidence,
        in_group: &dyn Fn(usize) -> bool,
        units: &Units,
    ) -> Option<Vec<Said>> {
        // the members said in this group, with who said them here
        let mut here: Vec<(usize, BTreeSet<String>, Vec<usize>)> = Vec::new();
        for &m in &self.members {
            let u = &units.units[m];
            let signals: Vec<usize> = u
                .signals
                .iter()
                .copied()
                .filter(|&s| in_group(ev.signals[s].passage))
                .collect();
            if signals.is_empty() {
                continue;
            }
            let who: BTreeSet<String> = signals.iter().map(|&s| who(ev, &ev.signals[s])).collect();
            here.push((m, who, signals));
        }
        // within one group a theme can be a catch-all even when it is not
        // over all groups: long sentences that share no word
        let share = units.subject_share(here.iter().map(|(m, who, _)| (*m, who.len() as f32)));
        if share < SUBJECT_SHARE {
            return None;
        }
        // most central within the group first
        let (mut centre, _) = weighted_sum(
            here.iter()
                .map(|(m, who, _)| (units.vectors[*m].as_slice(), who.len() as f32)),
        );
        normalize(&mut centre);
        // …and, among the central, those said most clearly: a theme is named
        // and quoted from what stands for it best
        // …and in the theme's tone: "great app, but the sync fails" is a
        // weaker quote for a complaint than "the sync fails every night"
        let tone: f32 = here
            .iter()
            .flat_map(|(_, _, signals)| signals.iter().map(|&s| ev.signals[s].valence))
            .sum::<f32>()
            .signum();
        let mut order: Vec<(f32, usize)> = here
            .iter()
            .enumerate()
            .map(|(i, (m, _, signals))| {
                let strength = signals
                    .iter()
                    .map(|&s| ev.signals[s].score)
                    .fold(0f32, f32::max);
                let clear = ((strength - 1.0) / 2.0).clamp(0.0, 1.0);
                // …and said by a customer for whom it is the point: a
                // complaint from a passage that complains, not an aside in
                // one that praises
                let along = |v: f32| (v * tone).clamp(0.0, 1.0);
                let (in_tone, in_point) = signals.iter().fold((0f32, 0f32), |(t, p), &s| {
                    let sig = &ev.signals[s];
                    (
                        t.max(along(sig.valence)),
                        p.max(along(ev.passages[sig.passage].tone)),
                    )
                });
                (
                    dot(&units.vectors[*m], &centre)
                        + CLARITY * clear
                        + TONE * in_tone
                        + PASSAGE_TONE * in_point,
                    i,
                )
            })
            .collect();
        order.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut slots: Vec<Option<Said>> = here.into_iter().map(Some).collect();
        Some(order.iter().filter_map(|&(_, i)| slots[i].take()).collect())
    }

    /// Offline: the group's own clauses name the theme and give its quotes;
    /// returns the facts its summary is written from.
    fn name_and_quote(
        &self,
        ev: &Evidence,
        in_group: &dyn Fn(usize) -> bool,
        units: &Units,
        theme: &mut Theme,
    ) -> Facts {
        let Some(here) = self.ranked(ev, in_group, units) else {
            theme.title.clear();
            return Facts::default();
        };
        let here: Vec<&(usize, BTreeSet<String>, Vec<usize>)> = here.iter().collect();
        let sources: Vec<Source<'_>> = here
            .iter()
            .map(|(m, who, _)| Source {
                text: &units.units[*m].text,
                tokens: &units.units[*m].tokens,
                who,
            })
            .collect();
        let title = units.corpus.title(&sources);
        let mut first: Vec<usize> = Vec::new();
        let mut also = None;
        if let Some(t) = &title {
            theme.title = t.text.clone();
            first = t.from.clone();
            // a key word is in the title when all its parts are
            let in_title: BTreeSet<String> = stems(&t.text).into_iter().collect();
            also = t
                .key_words
                .iter()
                .filter(|(_, stem)| !stem.split('-').all(|p| in_title.contains(p)))
                .find_map(|(word, stem)| {
                    let n = sources
                        .iter()
                        .filter(|s| s.tokens.iter().any(|k| &k.stem == stem))
                        .flat_map(|s| s.who.iter())
                        .collect::<BTreeSet<_>>()
                        .len();
                    (n >= 2 && n < theme.accounts).then(|| (word.clone(), n))
                });
        }
        // quotes: the sentences the title was cut from, then the most central
        let ordered = first
            .iter()
            .copied()
            .chain((0..here.len()).filter(|i| !first.contains(i)));
        let candidates = ordered.flat_map(|i| {
            let (m, _, signals) = here[i];
            signals.iter().map(move |&s| {
                let sig = &ev.signals[s];
                (
                    sig.passage,
                    sig.text.as_str(),
                    word_family(&sig.text),
                    Some(units.vectors[*m].as_slice()),
                )
            })
        });
        theme.quotes = pick_quotes(ev, candidates);
        facts(ev, self, in_group, theme, also)
    }
}

/// Whether passage `p` is in the group (`None`: documents without the
/// field; `Some(v)`: lower-cased value).
fn in_group(ev: &Evidence, p: usize, group: Option<&str>) -> bool {
    let g = &ev.passages[p].groups;
    match group {
        None => g.is_empty(),
        Some(v) => g.iter().any(|x| x == v),
    }
}

/// Up to [`MAX_QUOTES`] quotes from `candidates` (passage, sentence,
/// family, vector), best first: short, verbatim, one per family and per
/// meaning (vectors at least [`NEAR_DUPLICATE`] alike), from different
/// accounts first.
fn pick_quotes<'a>(
    ev: &Evidence,
    candidates: impl Iterator<Item = (usize, &'a str, u64, Option<&'a [f32]>)> + Clone,
) -> Vec<Quote> {
    let mut quotes: Vec<Quote> = Vec::new();
    let mut used_accounts: BTreeSet<Option<String>> = BTreeSet::new();
    let mut used_families: BTreeSet<u64> = BTreeSet::new();
    let mut used_vectors: Vec<&[f32]> = Vec::new();
    let mut used_texts: Vec<String> = Vec::new();
    for pass in 0..2 {
        for (p, text, family, vector) in candidates.clone() {
            if quotes.len() >= MAX_QUOTES {
                return quotes;
            }
            if text.chars().count() > MAX_QUOTE_CHARS || used_families.contains(&family) {
                continue;
            }
            let hit = &ev.passages[p].hit;
            let account = hit.field("account").map(str::to_string);
            if pass == 0 && used_accounts.contains(&account) {
                continue;
            }
            if vector.is_some_and(|v| used_vectors.iter().any(|u| dot(u, v) >= NEAR_DUPLICATE)) {
                continue;
            }
            // one sentence is never quoted twice, whole and in part
            let words = plain_words(text);
            if used_texts
                .iter()
                .any(|u| u.contains(words.as_str()) || words.contains(u.as_str()))
            {
                continue;
            }
            used_texts.push(words);
            used_families.insert(family);
            used_vectors.extend(vector);
            used_accounts.insert(account.clone());
            quotes.push(Quote {
                text: text.to_string(),
                path: hit.path.clone(),
                location: hit.location.clone(),
                account,
                speaker: hit.field("speaker").map(str::to_string),
                verified: verify(text, &hit.text),
            });
        }
    }
    quotes
}

/// A sentence's words, lower case, one space apart, padded with a space
/// at each end (so that containment is by whole words).
fn plain_words(text: &str) -> String {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    format!(" {} ", words.join(" "))
}

/// Fields whose mix among a theme's accounts the summary reports.
const MIX_FIELDS: &[&str] = &["industry", "plan", "region", "tier", "country"];

/// What the summary of `theme` (the draft's evidence in one group) says,
/// less what needs the other groups.
fn facts(
    ev: &Evidence,
    draft: &Draft,
    in_group: &dyn Fn(usize) -> bool,
    theme: &Theme,
    also: Option<(String, usize)>,
) -> Facts {
    let mut dates: Vec<&str> = Vec::new();
    let mut mix: BTreeMap<&str, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for &p in draft.passages.iter().filter(|&&p| in_group(p)) {
        let hit = &ev.passages[p].hit;
        if let Some(d) = hit.field("date").and_then(|d| d.get(..10)) {
            dates.push(d);
        }
        let Some(account) = hit.field("account") else {
            continue;
        };
        for field in MIX_FIELDS {
            if let Some(v) = hit.field(field) {
                mix.entry(field)
                    .or_default()
                    .entry(v.to_string())
                    .or_default()
                    .insert(account.to_string());
            }
        }
    }
    dates.sort_unstable();
    Facts {
        accounts: theme.accounts,
        mentions: theme.mentions,
        first: dates.first().map(|d| d.to_string()),
        last: dates.last().map(|d| d.to_string()),
        mix: mix
            .into_iter()
            .map(|(field, values)| {
                let mut v: Vec<(String, usize)> =
                    values.into_iter().map(|(k, a)| (k, a.len())).collect();
                v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                (field.to_string(), v)
            })
            .collect(),
        also,
        ..Facts::default()
    }
}

/// Orders themes by accounts, then mentions, then title.
pub fn rank(themes: &mut [Theme]) {
    themes.sort_by(|a, b| {
        b.accounts
            .cmp(&a.accounts)
            .then(b.mentions.cmp(&a.mentions))
            .then(a.title.cmp(&b.title))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containment_is_by_whole_words() {
        let whole = plain_words("If the file is late, the ledger is late.");
        assert!(whole.contains(&plain_words("the ledger is late")));
        assert!(!whole.contains(&plain_words("he ledger")));
    }

    #[test]
    fn word_families_ignore_case_punctuation_and_endings() {
        assert_eq!(
            word_family("We HATE the exports!"),
            word_family("we hate the export")
        );
        assert_ne!(
            word_family("we hate the export"),
            word_family("we love the export")
        );
    }
}
