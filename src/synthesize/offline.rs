//! Themes found without a language model.
//!
//! 1. **Units**: the distinct signal clauses (case and spacing aside), each
//!    with the accounts that said it, sorted by their text so that nothing
//!    depends on the order the evidence came in.
//! 2. **Vectors**: what each clause is about (its words of feeling left out)
//!    as a unit vector: the sentence-embedding model's and a hashed TF-IDF
//!    vector of its stems and word pairs together, or the latter alone;
//!    both centred on the evidence's mean, so that words and meanings every
//!    clause shares link nothing.
//! 3. **Clusters**: clauses many accounts said join first when largely the
//!    same accounts say them (customers repeat one problem in their own
//!    words); then everything is grouped by average linkage
//!    ([`super::cluster`]) at a similarity relative to how alike the
//!    evidence is on average, so that the threshold means the same for any
//!    model. Small clusters join the theme they are most like; a large
//!    cluster whose most said word is in under a tenth of its clauses is a
//!    catch-all of long sentences, not one problem: its clauses join the
//!    themes they are like, or no theme.
//! 4. **Drafts**: one per cluster, its clauses most central first; titles,
//!    quotes and counts are made per group from the group's own clauses
//!    (see [`super::themes::Draft::for_group`]).

use std::collections::{BTreeSet, HashMap};

use rayon::prelude::*;

use super::cluster::{centroid, cluster_keyed, dot, mean, normalize};
use super::evidence::{Evidence, Signal};
use super::naming::Corpus;
use super::themes::{Draft, EmbedFn};
use super::words::{Kind, Stemmer, Token, topic_text};
use crate::error::Result;

/// Dimensions of the hashed lexical vectors (used without a model).
const LEXICAL_DIM: usize = 1024;

/// Two groups of clauses are one theme when their mean similarity is this
/// many standard deviations above that of two clauses picked at random
/// (so that the threshold means the same for any model and corpus), and at
/// least [`LINK_FLOOR`].
const LINK_SPREADS: f32 = 1.0;
const LINK_FLOOR: f32 = 0.05;
/// A stray clause joins a theme it is, on average, this many standard
/// deviations more similar to than chance.
const BELONG_SPREADS: f32 = 1.5;
/// Random pairs the similarity statistics are estimated from.
const PAIR_SAMPLE: usize = 20_000;

/// Clauses said by at least this many accounts may join on account overlap.
const MIN_ACCOUNTS_FOR_OVERLAP: usize = 3;
/// Account overlap (Jaccard) at which they do.
const OVERLAP: f32 = 0.5;

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

/// A distinct signal clause.
#[derive(Debug, Clone)]
pub struct Unit {
    /// The clause as first said.
    pub text: String,
    pub tokens: Vec<Token>,
    /// Indices into the evidence's signals.
    pub signals: Vec<usize>,
    /// Accounts (or documents, when the account is unknown) that said it.
    pub who: BTreeSet<String>,
}

/// The units of the evidence with their vectors, and what naming needs to
/// know about the evidence as a whole.
#[derive(Debug, Default)]
pub struct Units {
    pub units: Vec<Unit>,
    pub vectors: Vec<Vec<f32>>,
    pub corpus: Corpus,
    /// Whether the vectors came from an embedding model.
    pub semantic: bool,
}

/// Who said a signal: its account, else its document.
pub fn who(ev: &Evidence, s: &Signal) -> String {
    let p = &ev.passages[s.passage];
    p.account()
        .map(|a| format!("a:{a}"))
        .unwrap_or_else(|| format!("d:{}", p.hit.doc_id))
}

/// The part of a signal sentence that carries the signal.
pub fn clause(s: &Signal) -> &str {
    // a clause cut after a comma or an ellipsis starts at its first word
    s.focus_text().trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, ',' | ';' | ':' | '.' | '…' | '-')
    })
}

/// Finds themes in `ev`. `idf(stem)` weighs words for the lexical vectors;
/// `excluded` (lower case) are words that never name a theme: people's and
/// companies' names, our product's name. With `embed`, clauses are grouped
/// by meaning. `seed` chooses which clauses the clustering samples when
/// there are too many to cluster directly.
pub fn extract(
    ev: &Evidence,
    idf: &dyn Fn(&str) -> f32,
    excluded: &BTreeSet<String>,
    embed: Option<&EmbedFn<'_>>,
    seed: u64,
) -> Result<(Vec<Draft>, Units)> {
    let mut units = units(ev, excluded);
    if units.units.is_empty() {
        return Ok((Vec::new(), units));
    }
    let weights: Vec<f32> = units
        .units
        .iter()
        .map(|u| u.who.len().max(1) as f32)
        .collect();
    let mut lexical: Vec<Vec<f32>> = units
        .units
        .iter()
        .map(|u| lexical_vector(&u.tokens, idf))
        .collect();
    center(&mut lexical, &weights);
    units.vectors = match embed {
        Some(embed) => {
            // what a clause is about; a clause about nothing in particular
            // ("worst app ever") is all feeling, and kept whole
            let texts: Vec<String> = units
                .units
                .iter()
                .map(|u| {
                    if u.tokens.iter().any(Token::is_content) {
                        topic_text(&u.text)
                    } else {
                        u.text.clone()
                    }
                })
                .collect();
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            let mut meaning = embed(&refs)?;
            center(&mut meaning, &weights);
            meaning
                .into_iter()
                .zip(&lexical)
                .map(|(m, l)| joint(&m, l, MEANING_SHARE))
                .collect()
        }
        None => lexical,
    };
    units.semantic = embed.is_some();
    let start = overlap_groups(&units.units);
    let (mean_sim, spread) = pair_statistics(&units.vectors);
    let threshold = (mean_sim + LINK_SPREADS * spread).max(LINK_FLOOR);
    let belongs = (mean_sim + BELONG_SPREADS * spread).max(LINK_FLOOR);
    // a clause's key is its text: the same clauses are sampled whatever
    // else the evidence holds
    let keys: Vec<u64> = units
        .units
        .iter()
        .map(|u| xxhash_rust::xxh3::xxh3_64_with_seed(u.text.to_lowercase().as_bytes(), seed))
        .collect();
    let clusters = cluster_keyed(&units.vectors, &weights, &keys, &start, threshold);
    let clusters = absorb(clusters, &units.vectors, &weights, belongs);
    let clusters = dissolve_catch_alls(clusters, &units, &weights, belongs);
    let drafts = clusters
        .into_iter()
        .map(|members| draft(ev, &units, &weights, members))
        .collect();
    Ok((drafts, units))
}

/// A theme needs this share of the evidence's accounts (weight), and at
/// least [`MIN_THEME_WEIGHT`], to take in the clauses of smaller clusters.
const THEME_SHARE: f32 = 0.005;
const MIN_THEME_WEIGHT: f32 = 3.0;
/// The weight of a cluster: its members' weights summed.
fn cluster_weight(members: &[usize], weights: &[f32]) -> f32 {
    members.iter().map(|&m| weights[m]).sum()
}

/// The weight a cluster needs to be a theme.
fn theme_bar(weights: &[f32]) -> f32 {
    (weights.iter().sum::<f32>() * THEME_SHARE).max(MIN_THEME_WEIGHT)
}

/// The centre `v` is most similar to (first on ties), and that similarity.
fn nearest(v: &[f32], centres: &[Vec<f32>]) -> (usize, f32) {
    centres
        .iter()
        .enumerate()
        .map(|(t, c)| (t, dot(v, c)))
        .fold((0, f32::NEG_INFINITY), |a, b| if b.1 > a.1 { b } else { a })
}

/// Rounds of re-assigning clauses to the nearest theme centre.
const ROUNDS: usize = 3;

/// Themes sized by their evidence: the clusters large enough to be themes
/// keep their clauses, and every clause of a smaller cluster joins the
/// theme it is most similar to on average (its mean similarity to the
/// theme's clauses, as average linkage measures it: a theme that spreads
/// out does not draw more), if that is at least `belongs` (a few rounds,
/// themes moving with their members, as k-means does); the rest stay where
/// they were.
fn absorb(
    clusters: Vec<Vec<usize>>,
    vectors: &[Vec<f32>],
    weights: &[f32],
    belongs: f32,
) -> Vec<Vec<usize>> {
    let bar = theme_bar(weights);
    let (themes, strays): (Vec<Vec<usize>>, Vec<Vec<usize>>) = clusters
        .into_iter()
        .partition(|c| cluster_weight(c, weights) >= bar);
    if themes.is_empty() {
        return strays;
    }
    let cores = themes.clone();
    let loose: Vec<usize> = strays.iter().flatten().copied().collect();
    let mut joined: Vec<Option<usize>> = vec![None; loose.len()];
    for _ in 0..ROUNDS {
        let centres: Vec<Vec<f32>> = (0..cores.len())
            .map(|t| {
                let mut members = cores[t].clone();
                members.extend(
                    loose
                        .iter()
                        .zip(&joined)
                        .filter(|(_, j)| **j == Some(t))
                        .map(|(&m, _)| m),
                );
                mean(&members, vectors, weights)
            })
            .collect();
        let next: Vec<Option<usize>> = loose
            .par_iter()
            .map(|&m| {
                let (best, sim) = nearest(&vectors[m], &centres);
                (sim >= belongs).then_some(best)
            })
            .collect();
        if next == joined {
            break;
        }
        joined = next;
    }
    let mut out = cores;
    let mut taken = vec![false; vectors.len()];
    for (&m, j) in loose.iter().zip(&joined) {
        if let Some(t) = j {
            out[*t].push(m);
            taken[m] = true;
        }
    }
    for c in &mut out {
        c.sort_unstable();
    }
    for stray in strays {
        let left: Vec<usize> = stray.into_iter().filter(|&m| !taken[m]).collect();
        if !left.is_empty() {
            out.push(left);
        }
    }
    out
}

/// A theme is about one thing when some content word is said in at least
/// this share of its clauses (by weight); below it, it is a catch-all of
/// long sentences that share only common words.
pub const SUBJECT_SHARE: f32 = 0.1;

/// The share of a cluster's weight held by the clauses that say its most
/// said content word.
fn subject_share(members: &[usize], units: &Units, weights: &[f32]) -> f32 {
    units.subject_share(members.iter().map(|&m| (m, weights[m])))
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

/// Catch-alls are no theme: each of their clauses joins the theme it is
/// most similar to on average, if that is at least `belongs`, and is left
/// out of every theme otherwise (it stays evidence).
fn dissolve_catch_alls(
    clusters: Vec<Vec<usize>>,
    units: &Units,
    weights: &[f32],
    belongs: f32,
) -> Vec<Vec<usize>> {
    let bar = theme_bar(weights);
    let (catch_alls, mut themes): (Vec<Vec<usize>>, Vec<Vec<usize>>) =
        clusters.into_iter().partition(|c| {
            cluster_weight(c, weights) >= bar && subject_share(c, units, weights) < SUBJECT_SHARE
        });
    if catch_alls.is_empty() || themes.is_empty() {
        themes.extend(catch_alls);
        return themes;
    }
    let vectors = &units.vectors;
    let centres: Vec<Vec<f32>> = themes.iter().map(|t| mean(t, vectors, weights)).collect();
    for m in catch_alls.into_iter().flatten() {
        let (best, sim) = nearest(&vectors[m], &centres);
        if sim >= belongs {
            themes[best].push(m);
        }
    }
    for t in &mut themes {
        t.sort_unstable();
    }
    themes
}

/// The distinct clauses, sorted by their text, and the evidence's word
/// statistics.
fn units(ev: &Evidence, excluded: &BTreeSet<String>) -> Units {
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

/// A clause's content stems and adjacent pairs, hashed (signed) into
/// [`LEXICAL_DIM`] dimensions and weighted by `idf`.
fn lexical_vector(tokens: &[Token], idf: &dyn Fn(&str) -> f32) -> Vec<f32> {
    let mut v = vec![0f32; LEXICAL_DIM];
    let mut add = |key: &str, w: f32| {
        let h = xxhash_rust::xxh3::xxh3_64(key.as_bytes());
        let i = (h % LEXICAL_DIM as u64) as usize;
        v[i] += if h >> 63 == 1 { w } else { -w };
    };
    let content: Vec<&Token> = tokens.iter().filter(|t| t.kind == Kind::Content).collect();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for t in &content {
        if seen.insert(&t.stem) {
            add(&t.stem, idf(&t.stem));
        }
    }
    for pair in content.windows(2) {
        let key = format!("{} {}", pair[0].stem, pair[1].stem);
        add(&key, 0.5 * (idf(&pair[0].stem) + idf(&pair[1].stem)) * 0.6);
    }
    normalize(&mut v);
    v
}

/// How much of the similarity of two clauses is their meaning (the rest is
/// their words), when a model gives the meaning.
const MEANING_SHARE: f32 = 0.7;

/// One unit vector whose dot products are `share` × the meaning's plus the
/// rest × the words'.
fn joint(meaning: &[f32], words: &[f32], share: f32) -> Vec<f32> {
    let (a, b) = (share.sqrt(), (1.0 - share).sqrt());
    let mut v: Vec<f32> = meaning.iter().map(|x| a * x).collect();
    v.extend(words.iter().map(|x| b * x));
    normalize(&mut v);
    v
}

/// Removes the evidence's mean direction from every vector (weighted) and
/// brings them back to unit length. Embeddings share a common direction
/// (static ones strongly: two unrelated sentences score 0.4); what tells
/// complaints apart is what is left.
fn center(vectors: &mut [Vec<f32>], weights: &[f32]) {
    let dim = vectors.first().map_or(0, Vec::len);
    let mut mean = vec![0f32; dim];
    let total: f32 = weights.iter().sum();
    for (v, &w) in vectors.iter().zip(weights) {
        for (m, x) in mean.iter_mut().zip(v) {
            *m += w * x / total;
        }
    }
    for v in vectors.iter_mut() {
        if v.iter().all(|x| *x == 0.0) {
            continue; // nothing known: stays nothing
        }
        for (x, m) in v.iter_mut().zip(&mean) {
            *x -= m;
        }
        normalize(v);
    }
}

/// Mean and standard deviation of the similarity of two different clauses,
/// over all pairs or a fixed sample of them (the same for the same input).
fn pair_statistics(vectors: &[Vec<f32>]) -> (f32, f32) {
    let n = vectors.len();
    if n < 2 {
        return (0.0, 0.0);
    }
    let total = n * (n - 1) / 2;
    let pairs: Vec<(usize, usize)> = if total <= PAIR_SAMPLE {
        (0..n)
            .flat_map(|a| (a + 1..n).map(move |b| (a, b)))
            .collect()
    } else {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        (0..PAIR_SAMPLE)
            .filter_map(|_| {
                let a = (next() % n as u64) as usize;
                let b = (next() % n as u64) as usize;
                (a != b).then_some((a, b))
            })
            .collect()
    };
    let sims: Vec<f32> = pairs
        .par_iter()
        .map(|&(a, b)| dot(&vectors[a], &vectors[b]))
        .collect();
    let mean = sims.iter().sum::<f32>() / sims.len().max(1) as f32;
    let var = sims.iter().map(|s| (s - mean).powi(2)).sum::<f32>() / sims.len().max(1) as f32;
    (mean, var.sqrt())
}

/// Clauses many accounts said, grouped when largely the same accounts say
/// them (the most widely said first, then by text).
fn overlap_groups(units: &[Unit]) -> Vec<Vec<usize>> {
    let mut dense: Vec<usize> = (0..units.len())
        .filter(|&u| units[u].who.len() >= MIN_ACCOUNTS_FOR_OVERLAP)
        .collect();
    dense.sort_by(|&a, &b| units[b].who.len().cmp(&units[a].who.len()).then(a.cmp(&b)));
    let mut groups: Vec<(Vec<usize>, BTreeSet<&str>)> = Vec::new();
    for u in dense {
        let who: BTreeSet<&str> = units[u].who.iter().map(String::as_str).collect();
        let best = groups
            .iter()
            .enumerate()
            .map(|(i, (_, g))| (i, jaccard(&who, g)))
            .filter(|(_, j)| *j >= OVERLAP)
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        match best {
            Some((i, _)) => {
                groups[i].0.push(u);
                groups[i].1.extend(who);
            }
            None => groups.push((vec![u], who)),
        }
    }
    groups
        .into_iter()
        .filter(|(m, _)| m.len() > 1)
        .map(|(m, _)| m)
        .collect()
}

fn jaccard(a: &BTreeSet<&str>, b: &BTreeSet<&str>) -> f32 {
    let inter = a.intersection(b).count() as f32;
    let union = (a.len() + b.len()) as f32 - inter;
    if union == 0.0 { 0.0 } else { inter / union }
}

/// The draft of one cluster: its passages, and its clauses most central
/// first; its overall title from all of them.
fn draft(ev: &Evidence, units: &Units, weights: &[f32], members: Vec<usize>) -> Draft {
    let c = centroid(&members, &units.vectors, weights);
    let mut ranked: Vec<(f32, usize)> = members
        .iter()
        .map(|&m| (dot(&units.vectors[m], &c), m))
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let members: Vec<usize> = ranked.into_iter().map(|(_, m)| m).collect();
    let passages = units.passages_of(ev, &members);
    let sources: Vec<super::naming::Source<'_>> = members
        .iter()
        .map(|&m| super::naming::Source {
            text: &units.units[m].text,
            tokens: &units.units[m].tokens,
            who: &units.units[m].who,
        })
        .collect();
    let (title, key_phrases) = match units.corpus.title(&sources) {
        Some(t) => (t.text, t.key_words.into_iter().map(|(w, _)| w).collect()),
        None => (String::new(), Vec::new()),
    };
    Draft {
        title,
        summary: String::new(),
        key_phrases,
        passages,
        quotes: Vec::new(),
        members,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_vectors_link_shared_stems() {
        let mut s = Stemmer::default();
        let none = BTreeSet::new();
        let idf = |_: &str| 1.0;
        let a = lexical_vector(&s.analyze("The Xero sync stopped", &none), &idf);
        let b = lexical_vector(&s.analyze("Syncing with Xero stops", &none), &idf);
        let c = lexical_vector(&s.analyze("The per-seat price", &none), &idf);
        assert!(dot(&a, &b) > 0.3, "{}", dot(&a, &b));
        assert!(dot(&a, &c).abs() < 0.2, "{}", dot(&a, &c));
    }

    fn units_of(texts: &[&str]) -> Units {
        let mut s = Stemmer::default();
        let none = BTreeSet::new();
        let idf = |_: &str| 1.0;
        let mut units = Units::default();
        for (i, t) in texts.iter().enumerate() {
            let tokens = s.analyze(t, &none);
            units.vectors.push(lexical_vector(&tokens, &idf));
            units.units.push(Unit {
                text: t.to_string(),
                tokens,
                signals: Vec::new(),
                who: BTreeSet::from([format!("acc-{i}")]),
            });
        }
        units
    }

    #[test]
    fn catch_alls_are_dissolved_into_the_themes_they_touch() {
        let units = units_of(&[
            "The calendar sync stopped again.",
            "Calendar sync drops half my events.",
            "The calendar sync is slow.",
            "Sync with my calendar fails every morning.",
            "Honestly I expected more from a paid upgrade.",
            "My daughter gave up after a week.",
            "The support person was rude.",
            "Buttons are tiny.",
            "Colours hurt my eyes.",
            "Nobody answered the phone on Friday.",
            "Reviews here are fake.",
            "Ads cover the screen.",
            "Printing crashes Word.",
            "Login takes minutes.",
            "It kept my calendar sync broken.",
        ]);
        let weights = vec![1.0; units.units.len()];
        let sync: Vec<usize> = (0..4).collect();
        let ramble: Vec<usize> = (4..15).collect();
        assert!(subject_share(&sync, &units, &weights) > 0.9);
        assert!(subject_share(&ramble, &units, &weights) < SUBJECT_SHARE);
        let out = dissolve_catch_alls(vec![sync.clone(), ramble], &units, &weights, 0.2);
        // the rambling sentences are no theme; the one about the sync joins it
        assert_eq!(out, vec![vec![0, 1, 2, 3, 14]]);
        // a theme about one thing stays as it is
        let out = dissolve_catch_alls(vec![sync.clone()], &units, &weights, 0.2);
        assert_eq!(out, vec![sync]);
    }
}
