//! Theme titles from the theme's own evidence.
//!
//! A title is a phrase cut verbatim from one of the theme's sentences: the
//! span whose words are most characteristic of the theme — said by many of
//! its accounts, rare in the rest of the evidence (class-based TF-IDF, as
//! BERTopic weighs topic words) — with no glue at its ends. Function words,
//! fillers, numbers, calendar words, people's and companies' names and our
//! own product's name never carry a title; a word of feeling may sit inside
//! one but never makes one. When the best phrase covers less than half of
//! the theme's accounts, a second phrase about the rest is added ("Users
//! created by hand, no SCIM").

use std::collections::{BTreeSet, HashMap};

use super::words::Token;

/// Most words in a title phrase.
const MAX_WORDS: usize = 7;
/// Most sentences (the most central first) searched for a title.
const MAX_SOURCES: usize = 40;
/// A word's weight (relative to the theme's strongest word) must exceed
/// this to earn its place in a title.
const BETA: f32 = 0.3;
/// What a word without weight inside a phrase costs.
const GLUE_COST: f32 = 0.04;
/// A title of two phrases joins two short ones (in words).
const SHORT_PHRASE: usize = 4;
/// Longest title, in characters, with its second phrase.
const MAX_TITLE_CHARS: usize = 64;
/// Words that may open a title although they are glue: they make a
/// missing capability or a complaint ("No SCIM", "Can't export invoices").
const OPENERS: &[&str] = &[
    "no", "not", "can't", "cannot", "couldn't", "never", "too", "non", "lack", "missing",
    "without", "nothing", "nobody",
];

/// Words a title never runs across: they start another clause.
const BREAKS: &[&str] = &[
    "but",
    "so",
    "because",
    "although",
    "though",
    "while",
    "when",
    "whenever",
    "if",
    "which",
    "who",
    "whereas",
    "unless",
    "until",
    "since",
    "then",
    "otherwise",
    "except",
    "however",
];

/// Whether a word passes judgement ("confusing", "difficult", "great"):
/// a title needs something it is about besides. Symptoms ("crash",
/// "broken", "lag") are what a complaint is about, and count.
fn judges(lower: &str) -> bool {
    const SYMPTOMS: &[&str] = &[
        "crash", "lag", "freez", "froze", "broke", "bug", "glitch", "slow", "error", "fail",
        "drop", "delay", "outage", "spam", "ads", "leak", "hack", "scam", "crowd", "loud",
    ];
    !SYMPTOMS.iter().any(|p| lower.starts_with(p))
        && super::lexicon::vader(lower).is_some_and(|v| v.abs() >= 0.5)
}

/// Whether a word negates what follows ("not", "never", "doesn't").
fn negates(lower: &str) -> bool {
    OPENERS.contains(&lower) || lower.ends_with("n't")
}

/// What a title ending on a word used mostly as a verb costs: "does not
/// include" wants its object.
const VERB_END_COST: f32 = 0.15;

/// What the namer knows about the evidence as a whole.
#[derive(Debug, Default)]
pub struct Corpus {
    /// Accounts (or documents without one) in the evidence.
    pub total: usize,
    /// Stem → accounts whose evidence contains it.
    pub df: HashMap<String, usize>,
    /// Stems used mostly as verbs (after "we", "it", "to", "can't"…): a
    /// title is not a bare verb.
    pub verbs: BTreeSet<String>,
}

/// One sentence of a theme, as the namer reads it.
pub struct Source<'a> {
    pub text: &'a str,
    pub tokens: &'a [Token],
    /// Accounts that said it (within the group being named).
    pub who: &'a BTreeSet<String>,
}

/// A title and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Title {
    pub text: String,
    /// Indices into the sources of the sentences the title was cut from.
    pub from: Vec<usize>,
    /// The theme's most characteristic words, best first: (written form,
    /// stem).
    pub key_words: Vec<(String, String)>,
}

impl Corpus {
    /// The title of a theme whose sentences are `sources`, most central
    /// first. `None` when there is nothing to name it from.
    pub fn title(&self, sources: &[Source<'_>]) -> Option<Title> {
        if sources.is_empty() {
            return None;
        }
        let all: BTreeSet<&str> = sources
            .iter()
            .flat_map(|s| s.who.iter().map(String::as_str))
            .collect();
        let weights = self.weights(sources, &all);
        let key_words = key_words(sources, &weights);
        // nothing distinctive ("He was not happy", "so frustrating"): a
        // feeling about nothing in particular is no theme
        let first = best_span(sources, &weights, &BTreeSet::new(), &self.verbs)?;
        let mut title = Title {
            text: capitalize(&first.text),
            from: vec![first.source],
            key_words,
        };
        // a second phrase for the accounts the first does not speak for
        let covered: BTreeSet<&str> = sources
            .iter()
            .filter(|s| {
                first
                    .stems
                    .iter()
                    .all(|t| s.tokens.iter().any(|k| &k.stem == t))
            })
            .flat_map(|s| s.who.iter().map(String::as_str))
            .collect();
        if covered.len() * 2 <= all.len() && first.words <= SHORT_PHRASE {
            let rest: BTreeSet<&str> = all.difference(&covered).copied().collect();
            let rest_sources: Vec<usize> = (0..sources.len())
                .filter(|&i| sources[i].who.iter().any(|a| rest.contains(a.as_str())))
                .collect();
            let subset: Vec<Source<'_>> = rest_sources
                .iter()
                .map(|&i| Source {
                    text: sources[i].text,
                    tokens: sources[i].tokens,
                    who: sources[i].who,
                })
                .collect();
            let w2 = self.weights(&subset, &rest);
            let used: BTreeSet<String> = first.stems.iter().cloned().collect();
            if let Some(second) = best_span(&subset, &w2, &used, &self.verbs) {
                let joined = format!("{}, {}", title.text, lower_first(&second.text));
                if rest.len() * 4 >= all.len()
                    && second.words <= SHORT_PHRASE
                    && joined.chars().count() <= MAX_TITLE_CHARS
                {
                    title.text = joined;
                    title.from.push(rest_sources[second.source]);
                }
            }
        }
        Some(title)
    }

    /// Class-based TF-IDF of the theme's stems, relative to the strongest:
    /// the share of the theme's accounts that use a stem, times how rare it
    /// is in the evidence.
    fn weights(&self, sources: &[Source<'_>], all: &BTreeSet<&str>) -> HashMap<String, f32> {
        let mut who: HashMap<&str, BTreeSet<&str>> = HashMap::new();
        for s in sources {
            for t in s.tokens.iter().filter(|t| t.is_content()) {
                who.entry(t.stem.as_str())
                    .or_default()
                    .extend(s.who.iter().map(String::as_str));
            }
        }
        let n = all.len().max(1) as f32;
        let total = self.total.max(1) as f32;
        let mut w: HashMap<String, f32> = who
            .into_iter()
            // in a theme of several accounts, one account's word is its own
            .filter(|(_, accounts)| accounts.len() >= 2 || all.len() < 2)
            .map(|(stem, accounts)| {
                let share = accounts.len() as f32 / n;
                let df = self.df.get(stem).copied().unwrap_or(1).max(1) as f32;
                (stem.to_string(), share * (1.0 + total / df).ln())
            })
            .collect();
        let max = w.values().copied().fold(0f32, f32::max);
        if max > 0.0 {
            w.values_mut().for_each(|x| *x /= max);
        }
        w
    }
}

/// A candidate phrase.
struct Span {
    source: usize,
    text: String,
    stems: Vec<String>,
    score: f32,
    words: usize,
}

/// The best phrase of the sources: the most weight above [`BETA`], glue
/// costing a little, each stem counted once, ends that are content words
/// (or an opener such as "no"), never across a clause boundary, a negation
/// before it kept, not a lone verb; `used` stems add nothing.
fn best_span(
    sources: &[Source<'_>],
    weights: &HashMap<String, f32>,
    used: &BTreeSet<String>,
    verbs: &BTreeSet<String>,
) -> Option<Span> {
    let weight = |stem: &str| {
        if used.contains(stem) {
            0.0
        } else {
            weights.get(stem).copied().unwrap_or(0.0)
        }
    };
    let mut best: Option<Span> = None;
    for (si, s) in sources.iter().enumerate().take(MAX_SOURCES) {
        let toks = s.tokens;
        for i in 0..toks.len() {
            let opener = negates(&toks[i].lower);
            if !(toks[i].is_content() || opener) {
                continue;
            }
            // "never finished setting up" is not "finished setting up", and a
            // phrase starts where its words do ("payment plans", not "plans")
            if i > 0
                && joined(s.text, &toks[i - 1], &toks[i])
                && (negates(&toks[i - 1].lower)
                    || (toks[i - 1].is_content() && !verbs.contains(&toks[i - 1].stem)))
            {
                continue;
            }
            let mut score = 0f32;
            let mut stems: Vec<String> = Vec::new();
            let mut nouns = 0usize;
            for j in i..toks.len().min(i + MAX_WORDS) {
                let t = &toks[j];
                if j > i && (!joined(s.text, &toks[j - 1], t) || BREAKS.contains(&t.lower.as_str()))
                {
                    break;
                }
                let gain = weight(&t.stem) - BETA;
                if t.is_content() && !stems.contains(&t.stem) {
                    // a word without weight costs what glue costs
                    score += gain.max(-GLUE_COST);
                    stems.push(t.stem.clone());
                    if !verbs.contains(&t.stem) && !judges(&t.lower) {
                        nouns += 1;
                    }
                } else {
                    score -= GLUE_COST;
                }
                let closes = t.is_content() && gain > 0.0;
                if !closes || nouns == 0 {
                    continue;
                }
                let words = j - i + 1;
                let end_cost = if verbs.contains(&t.stem) {
                    VERB_END_COST
                } else {
                    0.0
                };
                let total = score - end_cost;
                let better = match &best {
                    None => total > 0.0,
                    Some(b) => {
                        total > b.score + 1e-6
                            || ((total - b.score).abs() <= 1e-6 && words < b.words)
                    }
                };
                if better {
                    best = Some(Span {
                        source: si,
                        text: s.text[toks[i].span.start..t.span.end].to_string(),
                        stems: stems
                            .iter()
                            .filter(|st| weight(st) > BETA)
                            .cloned()
                            .collect(),
                        score: total,
                        words,
                    });
                }
            }
        }
    }
    best
}

/// Whether two neighbouring tokens belong to one phrase: only spaces (or a
/// slash, an ampersand, a plus) between them.
fn joined(text: &str, a: &Token, b: &Token) -> bool {
    text[a.span.end..b.span.start]
        .chars()
        .all(|c| c == ' ' || c == '/' || c == '&' || c == '+')
}

/// The theme's strongest words, in their most common written form.
fn key_words(sources: &[Source<'_>], weights: &HashMap<String, f32>) -> Vec<(String, String)> {
    let mut surfaces: HashMap<&str, HashMap<&str, usize>> = HashMap::new();
    for s in sources {
        for t in s.tokens.iter().filter(|t| t.is_content()) {
            *surfaces
                .entry(t.stem.as_str())
                .or_default()
                .entry(&s.text[t.span.clone()])
                .or_default() += 1;
        }
    }
    let mut ranked: Vec<(&String, &f32)> = weights.iter().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(a.1).then(a.0.cmp(b.0)));
    ranked
        .into_iter()
        .take(5)
        .filter_map(|(stem, _)| {
            let forms = surfaces.get(stem.as_str())?;
            forms
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(f, _)| (f.to_lowercase(), stem.to_string()))
        })
        .collect()
}

/// First letter in upper case, unless the first word is written with an
/// inner capital ("iPad", "iOS", "eBay" stay as they are).
pub fn capitalize(s: &str) -> String {
    let first_word = s.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
    if first_word.chars().skip(1).any(char::is_uppercase)
        && first_word.chars().next().is_some_and(char::is_lowercase)
    {
        return s.to_string();
    }
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// First letter in lower case, unless the word is an acronym or a name
/// ("SCIM", "Okta" stay).
fn lower_first(s: &str) -> String {
    let first_word: &str = s.split(' ').next().unwrap_or("");
    let mut chars = first_word.chars();
    let capital_inside = chars.next().is_some() && chars.any(char::is_uppercase);
    if capital_inside || first_word.len() <= 1 {
        return s.to_string();
    }
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synthesize::words::Stemmer;

    fn name(said: &[(&str, &str)], corpus_df: &[(&str, usize)], total: usize) -> Title {
        try_name(said, corpus_df, total).expect("a title")
    }

    fn try_name(said: &[(&str, &str)], corpus_df: &[(&str, usize)], total: usize) -> Option<Title> {
        let mut stemmer = Stemmer::default();
        let excluded: BTreeSet<String> = ["ledgerline".to_string()].into();
        let toks: Vec<Vec<Token>> = said
            .iter()
            .map(|(_, t)| stemmer.analyze(t, &excluded))
            .collect();
        let who: Vec<BTreeSet<String>> = said.iter().map(|(a, _)| [a.to_string()].into()).collect();
        let mut df: HashMap<String, usize> = HashMap::new();
        for t in toks.iter().flatten() {
            df.insert(t.stem.clone(), 1);
        }
        for (w, n) in corpus_df {
            df.insert(stemmer.stem(w), *n);
        }
        let corpus = Corpus {
            total,
            df,
            verbs: BTreeSet::new(),
        };
        let sources: Vec<Source<'_>> = said
            .iter()
            .enumerate()
            .map(|(i, (_, text))| Source {
                text,
                tokens: &toks[i],
                who: &who[i],
            })
            .collect();
        corpus.title(&sources)
    }

    #[test]
    fn capitals_keep_brand_spellings() {
        assert_eq!(capitalize("iPad version"), "iPad version");
        assert_eq!(capitalize("iCloud sync"), "iCloud sync");
        assert_eq!(capitalize("unread emails"), "Unread emails");
        assert_eq!(capitalize("SCIM, by hand"), "SCIM, by hand");
        assert_eq!(capitalize(""), "");
    }

    #[test]
    fn a_feeling_about_nothing_in_particular_has_no_title() {
        assert_eq!(
            try_name(
                &[("a", "He was not happy."), ("b", "So frustrating!")],
                &[],
                100
            ),
            None
        );
    }

    #[test]
    fn a_shared_phrase_names_the_theme() {
        let t = name(
            &[
                (
                    "a",
                    "Honestly the per-seat price is hard to justify for a small team.",
                ),
                (
                    "b",
                    "For an eleven-person studio the per-seat price adds up.",
                ),
                (
                    "c",
                    "We pay a per-seat price for people who log in twice a year.",
                ),
            ],
            &[("price", 3), ("team", 40), ("studio", 2)],
            100,
        );
        assert_eq!(t.text, "Per-seat price");
        assert!(t.key_words.iter().any(|(w, _)| w == "per-seat"));
    }

    #[test]
    fn glue_names_and_product_never_open_or_close_a_title() {
        let t = name(
            &[
                ("a", "In August Ledgerline sync stopped without warning."),
                ("b", "Last week Ledgerline sync stopped again."),
            ],
            &[],
            50,
        );
        assert!(t.text.starts_with("Sync stopped"), "{}", t.text);
        assert!(!t.text.to_lowercase().contains("ledgerline"), "{}", t.text);
        assert!(!t.text.contains("August"), "{}", t.text);
    }

    #[test]
    fn a_second_phrase_speaks_for_the_other_accounts() {
        let t = name(
            &[
                ("a", "There's no SCIM, so Okta only half works."),
                ("b", "No SCIM, no real audit trail."),
                ("f", "Without SCIM every joiner is a ticket."),
                ("c", "We create every user by hand in the admin screen."),
                ("d", "Every new user is created by hand, one by one."),
                (
                    "e",
                    "Each user created by hand has to be removed by hand too.",
                ),
            ],
            &[("hand", 3), ("user", 6), ("scim", 2)],
            100,
        );
        assert!(t.text.to_lowercase().contains("by hand"), "{}", t.text);
        assert!(t.text.contains("SCIM"), "{}", t.text);
        assert_eq!(t.from.len(), 2);
    }
}
