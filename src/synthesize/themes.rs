//! Themes: what a summary reports, and how the offline provider finds them.
//!
//! A theme is a title, a summary and the passages that support it; its
//! evidence (distinct accounts, mentions, account ids) and quotes are counted
//! by insight per group, never taken from a model.
//!
//! The offline clustering works on the distinct signal sentences:
//! - sentences said by at least 3 accounts join when largely the same
//!   accounts say them (account overlap ≥ 0.5): customers describe one
//!   problem in many words, and the same customers keep raising it;
//! - the other sentences form a theme per distinctive key word (rare in the
//!   corpus, not a cue or a name) that several of them share; a sentence may
//!   support two themes, near-identical themes are merged, and a sentence
//!   sharing no key word stands alone.
//!
//! With a local embedding model (`[embed] model_dir`), step two works on
//! meaning instead of shared words: the remaining sentences (what each is
//! about, without its words of feeling) are clustered by average linkage,
//! joining the step-one themes or each other while their mean similarity is
//! at least [`SIMILAR`] — "no SCIM", "we create users by hand" and "Okta only
//! half works" end up together. Step-one themes never merge with each other.
//!
//! Each theme is named from its key phrases (with a model, those of its
//! sentences closest to its centroid). A theme quotes one sentence per
//! family: sentences with the same words, or with a model nearly the same
//! meaning ([`NEAR_DUPLICATE`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use super::evidence::Evidence;
use super::lens::Lens;
use super::verify::verify;
use crate::retrieve::query::{is_stop_word, stems};

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
}

/// A theme found in the evidence, before it is counted per group.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub title: String,
    /// The model's summary; empty for the offline provider (insight writes one).
    pub summary: String,
    pub key_phrases: Vec<String>,
    /// Supporting passages (indices into the evidence).
    pub passages: BTreeSet<usize>,
    /// Quote candidates, best first.
    pub quotes: Vec<QuoteCandidate>,
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

impl QuoteCandidate {
    /// A candidate whose family is its words (case, punctuation and word
    /// endings aside).
    pub fn new(passage: usize, text: String) -> QuoteCandidate {
        let family = word_family(&text);
        QuoteCandidate {
            passage,
            text,
            family,
        }
    }
}

/// The family of a sentence by its words: "We HATE the exports!" and "we
/// hate the export" are one.
fn word_family(text: &str) -> u64 {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .flat_map(stems)
        .collect();
    xxhash_rust::xxh3::xxh3_64(words.join(" ").as_bytes())
}

/// Cosine similarity above which two sentences count as saying the same
/// thing (with all-MiniLM-L6-v2, on what they are about): one quote of them
/// is enough.
pub const NEAR_DUPLICATE: f32 = 0.9;

/// How many quotes a theme shows at most.
pub const MAX_QUOTES: usize = 3;
/// Quotes longer than this are not "short".
const MAX_QUOTE_CHARS: usize = 300;

impl Draft {
    /// The theme's evidence within one group (`None`: documents without the
    /// field; `Some(v)`: lower-cased value). `None` when nothing supports it there.
    pub fn for_group(&self, ev: &Evidence, group: Option<&str>) -> Option<Theme> {
        let in_group = |p: usize| {
            let g = &ev.passages[p].groups;
            match group {
                None => g.is_empty(),
                Some(v) => g.iter().any(|x| x == v),
            }
        };
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
        // quotes: verbatim, short, saying different things, from different
        // accounts first
        let mut quotes: Vec<Quote> = Vec::new();
        let mut used_accounts: BTreeSet<Option<String>> = BTreeSet::new();
        let mut used_families: BTreeSet<u64> = BTreeSet::new();
        for pass in 0..2 {
            for c in &self.quotes {
                if quotes.len() >= MAX_QUOTES {
                    break;
                }
                let (p, text) = (&c.passage, &c.text);
                if !passages.contains(p) || text.chars().count() > MAX_QUOTE_CHARS {
                    continue;
                }
                let hit = &ev.passages[*p].hit;
                let account = hit.field("account").map(str::to_string);
                if pass == 0 && used_accounts.contains(&account) {
                    continue;
                }
                if !used_families.insert(c.family) {
                    continue;
                }
                used_accounts.insert(account.clone());
                quotes.push(Quote {
                    text: text.clone(),
                    path: hit.path.clone(),
                    location: hit.location.clone(),
                    account,
                    speaker: hit.field("speaker").map(str::to_string),
                    verified: verify(text, &hit.text),
                });
            }
        }
        let summary = if self.summary.is_empty() {
            let phrases = if self.key_phrases.is_empty() {
                String::new()
            } else {
                format!(" Key phrases: {}.", self.key_phrases.join(", "))
            };
            format!(
                "Raised by {} account(s) in {} passage(s).{phrases}",
                accounts.len(),
                passages.len()
            )
        } else {
            self.summary.clone()
        };
        Some(Theme {
            title: self.title.clone(),
            summary,
            accounts: accounts.len(),
            mentions: passages.len(),
            account_ids: accounts.into_iter().collect(),
            quotes,
        })
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

/// Clustering thresholds.
const LINK: f32 = 0.5;
const MIN_ACCOUNTS_FOR_OVERLAP: usize = 3;

/// A distinct signal sentence.
struct Unique {
    text: String,
    signals: Vec<usize>,
    /// Accounts (or documents, when the account is unknown) that said it.
    who: BTreeSet<String>,
    /// Normalised TF-IDF vector over term ids.
    vec: Vec<(u32, f32)>,
}

struct Cluster {
    members: Vec<usize>,
    who: BTreeSet<String>,
    sum: HashMap<u32, f32>,
    norm: f32,
    /// Term id → members containing it.
    terms: HashMap<u32, usize>,
}

impl Cluster {
    fn new(u: usize, unique: &Unique) -> Cluster {
        let mut c = Cluster {
            members: Vec::new(),
            who: BTreeSet::new(),
            sum: HashMap::new(),
            norm: 0.0,
            terms: HashMap::new(),
        };
        c.add(u, unique);
        c
    }

    fn add(&mut self, u: usize, unique: &Unique) {
        self.members.push(u);
        self.who.extend(unique.who.iter().cloned());
        for &(t, w) in &unique.vec {
            *self.sum.entry(t).or_default() += w;
            *self.terms.entry(t).or_default() += 1;
        }
        self.norm = self.sum.values().map(|w| w * w).sum::<f32>().sqrt();
    }

    fn absorb(&mut self, other: Cluster) {
        self.members.extend(other.members);
        self.members.sort_unstable();
        self.members.dedup();
        self.who.extend(other.who);
        self.sum.clear();
        self.terms.clear();
    }

    /// Recomputes the term statistics from the members (after merges).
    fn recount(&mut self, unique: &[Unique]) {
        self.sum.clear();
        self.terms.clear();
        for &u in &self.members {
            for &(t, w) in &unique[u].vec {
                *self.sum.entry(t).or_default() += w;
                *self.terms.entry(t).or_default() += 1;
            }
        }
        self.norm = self.sum.values().map(|w| w * w).sum::<f32>().sqrt();
    }
}

/// Sentences → one unit vector each (the embedding model).
pub type EmbedFn<'a> = dyn Fn(&[&str]) -> crate::error::Result<Vec<Vec<f32>>> + 'a;

/// Mean cosine similarity between two groups of sentences at which they
/// form one theme, in semantic clustering. With all-MiniLM-L6-v2, one
/// complaint told in different words averages about 0.3 between sentences,
/// different complaints about one product about 0.18.
pub const SIMILAR: f32 = 0.3;

/// Most distinct sentences clustered by meaning (the similarity matrix has
/// this many squared entries); past this, by words.
pub const MAX_SEMANTIC_SENTENCES: usize = 3000;

/// Words of feeling (and glue), left out of what a sentence is about: every
/// complaint has them, so they would pull different complaints together.
const FEELING: &[&str] = &[
    "problem",
    "issue",
    "pain",
    "nightmare",
    "frustrat",
    "annoy",
    "struggl",
    "complain",
    "tedious",
    "upset",
    "worr",
    "embarrass",
    "hate",
    "terrible",
    "awful",
    "horrible",
    "real",
    "honestly",
    "really",
    "which",
    "that",
    "this",
    "it",
    "is",
    "was",
    "a",
    "and",
];

/// What a sentence is about: its words, without the words of feeling.
pub(super) fn topic_text(sentence: &str) -> String {
    let kept: Vec<&str> = sentence
        .split_whitespace()
        .filter(|w| {
            let lower = w
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase();
            !FEELING.iter().any(|f| {
                if f.len() <= 5 {
                    lower == *f
                } else {
                    lower.starts_with(f)
                }
            })
        })
        .collect();
    if kept.is_empty() {
        sentence.to_string()
    } else {
        kept.join(" ")
    }
}

/// Average-linkage agglomerative clustering of `groups` of sentences (unit
/// `vectors`), merging while two clusters' mean pairwise similarity is at
/// least `threshold`; the first `seeded` groups never merge with each other.
/// Nearest-neighbour chain: O(n²) time and memory. Returns each cluster's
/// groups.
pub(super) fn average_linkage(
    groups: &[Vec<usize>],
    seeded: usize,
    vectors: &[Vec<f32>],
    threshold: f32,
) -> Vec<Vec<usize>> {
    let n = groups.len();
    let dot = |a: usize, b: usize| crate::embed::vector::cosine(&vectors[a], &vectors[b]);
    // similarity between groups: the mean over their sentence pairs
    let mut sim = vec![0f32; n * n];
    for a in 0..n {
        for b in a + 1..n {
            let s = if a < seeded && b < seeded {
                f32::NEG_INFINITY
            } else {
                let total: f32 = groups[a]
                    .iter()
                    .flat_map(|&x| groups[b].iter().map(move |&y| (x, y)))
                    .map(|(x, y)| dot(x, y))
                    .sum();
                total / (groups[a].len() * groups[b].len()) as f32
            };
            sim[a * n + b] = s;
            sim[b * n + a] = s;
        }
    }
    let mut size: Vec<usize> = groups.iter().map(Vec::len).collect();
    let mut parts: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
    let mut active: Vec<bool> = vec![true; n];
    let mut done: Vec<Vec<usize>> = Vec::new();
    let mut chain: Vec<usize> = Vec::new();
    let mut left = n;
    while left > 0 {
        let Some(&a) = chain.last() else {
            if let Some(first) = (0..n).find(|&i| active[i]) {
                chain.push(first);
            }
            continue;
        };
        let previous = chain.len().checked_sub(2).map(|i| chain[i]);
        // the nearest active cluster; on a tie, the previous link of the chain
        let nearest = (0..n)
            .filter(|&b| b != a && active[b])
            .map(|b| (b, sim[a * n + b]))
            .max_by(|x, y| {
                x.1.total_cmp(&y.1)
                    .then((Some(x.0) == previous).cmp(&(Some(y.0) == previous)))
                    .then(y.0.cmp(&x.0))
            });
        match nearest {
            Some((b, s)) if s >= threshold => {
                if Some(b) != previous {
                    chain.push(b);
                    continue;
                }
                // reciprocal nearest neighbours: merge b into a (Lance–Williams)
                chain.truncate(chain.len() - 2);
                let (sa, sb) = (size[a] as f32, size[b] as f32);
                for c in 0..n {
                    if active[c] && c != a && c != b {
                        let v = (sa * sim[a * n + c] + sb * sim[b * n + c]) / (sa + sb);
                        sim[a * n + c] = v;
                        sim[c * n + a] = v;
                    }
                }
                size[a] += size[b];
                let moved = std::mem::take(&mut parts[b]);
                parts[a].extend(moved);
                active[b] = false;
                left -= 1;
            }
            _ => {
                // nothing is close enough, now or after any later merge
                active[a] = false;
                left -= 1;
                done.push(std::mem::take(&mut parts[a]));
                chain.clear();
            }
        }
    }
    done
}

fn jaccard(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f32 {
    let inter = a.intersection(b).count() as f32;
    let union = (a.len() + b.len()) as f32 - inter;
    if union == 0.0 { 0.0 } else { inter / union }
}

/// Term extraction shared by clustering and naming.
struct Vocabulary {
    ids: HashMap<String, u32>,
    /// Per id: weight, and surface forms with counts.
    weight: Vec<f32>,
    surfaces: Vec<BTreeMap<String, usize>>,
    /// Per id: whether the term is a distinctive key word.
    key: Vec<bool>,
}

impl Vocabulary {
    fn id(&mut self, stem: &str, surface: &str, weight: f32, key: bool) -> u32 {
        let next = self.ids.len() as u32;
        let id = *self.ids.entry(stem.to_string()).or_insert(next);
        if id == next {
            self.weight.push(weight);
            self.surfaces.push(BTreeMap::new());
            self.key.push(key);
        }
        *self.surfaces[id as usize]
            .entry(surface.to_string())
            .or_default() += 1;
        id
    }

    fn surface(&self, id: u32) -> String {
        self.surfaces[id as usize]
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(s, _)| s.clone())
            .unwrap_or_default()
    }
}

/// Words that never name a theme.
#[rustfmt::skip]
const GENERIC: &[&str] = &[
    "per", "own", "get", "got", "one", "two", "three", "four", "five", "lot", "lots", "thing",
    "things", "way", "really", "actually", "honestly", "basically", "today", "now", "still",
    "even", "every", "everything", "something", "anything", "someone", "anyone", "always", "time",
    "times", "team", "people", "company", "going", "make", "makes", "made", "use", "used", "using",
    "want", "wanted", "know", "think", "see", "look", "like", "well", "much", "many", "need",
    "needs", "yes", "yeah", "okay", "sure", "right", "whole", "single", "main", "biggest", "big",
    "new", "able", "create", "created", "creates", "go", "goes", "went", "come", "comes", "take",
    "takes", "took", "give", "put", "said", "says", "tell", "told", "ask", "asked", "let", "try",
    "tried", "call", "day", "days", "week", "weeks", "month", "months", "year", "years", "minute",
    "minutes", "hour", "hours", "part", "bit", "kind", "sort", "stuff", "somebody", "someone",
    "nobody", "anybody", "everybody", "everyone", "anything", "nothing", "else", "back", "morning",
    "evening", "night", "tomorrow", "yesterday", "monday", "tuesday", "wednesday", "thursday",
    "friday", "fridays", "mondays", "weekend", "ago", "later", "soon", "first", "second", "last",
    "next",
];

/// Content words of a sentence: (stem, surface, position in the sentence).
fn content_words(
    sentence: &str,
    lens: Lens,
    names: &BTreeSet<String>,
) -> Vec<(String, String, usize)> {
    let mut out = Vec::new();
    let words = sentence.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-');
    for (i, raw) in words.enumerate() {
        let w = raw.trim_matches(['\'', '-']);
        let lower = w.to_lowercase();
        let content = lower.chars().count() >= 3
            && !lower.chars().all(|c| c.is_ascii_digit())
            && !lower.contains('\'')
            && !is_stop_word(&lower)
            && !GENERIC.contains(&lower.as_str())
            && !names.contains(&lower)
            && !lens.is_cue_word(&lower);
        if !content {
            continue;
        }
        // keep the written case (SCIM, SAP) unless a capital only starts the sentence
        let surface = if i == 0 && w.chars().skip(1).all(|c| !c.is_uppercase()) {
            lower.clone()
        } else {
            w.to_string()
        };
        // a compound keeps its parts together: in-house, per-seat, multi-state
        let stem = stems(&lower).join("-");
        if !stem.is_empty() {
            out.push((stem, surface, i));
        }
    }
    out
}

/// Finds themes in `ev` offline. `idf(stem)` weighs terms; `is_key(stem)`
/// says whether a stem is distinctive enough to link sentences on its own;
/// `names` (lower case) are people's names, never part of a theme's words.
/// `embed`, when given, returns one unit vector per sentence: the second
/// step then clusters by meaning (up to [`MAX_SEMANTIC_SENTENCES`]).
pub fn extract(
    ev: &Evidence,
    lens: Lens,
    idf: &dyn Fn(&str) -> f32,
    is_key: &dyn Fn(&str) -> bool,
    names: &BTreeSet<String>,
    embed: Option<&EmbedFn<'_>>,
) -> crate::error::Result<Vec<Draft>> {
    let mut vocab = Vocabulary {
        ids: HashMap::new(),
        weight: Vec::new(),
        surfaces: Vec::new(),
        key: Vec::new(),
    };
    // distinct sentences
    let mut by_text: HashMap<String, usize> = HashMap::new();
    let mut unique: Vec<Unique> = Vec::new();
    for (i, s) in ev.signals.iter().enumerate() {
        let norm = s
            .text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        let p = &ev.passages[s.passage];
        let who = p
            .account()
            .map(|a| format!("a:{a}"))
            .unwrap_or_else(|| format!("d:{}", p.hit.doc_id));
        let u = *by_text.entry(norm).or_insert_with(|| {
            unique.push(Unique {
                text: s.text.clone(),
                signals: Vec::new(),
                who: BTreeSet::new(),
                vec: Vec::new(),
            });
            unique.len() - 1
        });
        unique[u].signals.push(i);
        unique[u].who.insert(who);
    }
    for u in &mut unique {
        let words = content_words(&u.text, lens, names);
        let mut v: HashMap<u32, f32> = HashMap::new();
        for (k, (stem, surface, pos)) in words.iter().enumerate() {
            let w = idf(stem);
            let id = vocab.id(stem, surface, w, is_key(stem));
            v.insert(id, w);
            if let Some((next, next_surface, next_pos)) = words.get(k + 1) {
                if *next_pos == pos + 1 {
                    let bw = (w + idf(next)) * 0.6;
                    let id = vocab.id(
                        &format!("{stem} {next}"),
                        &format!("{surface} {next_surface}"),
                        bw,
                        false,
                    );
                    v.insert(id, bw);
                }
            }
        }
        let norm = v
            .values()
            .map(|w| w * w)
            .sum::<f32>()
            .sqrt()
            .max(f32::EPSILON);
        u.vec = v.into_iter().map(|(t, w)| (t, w / norm)).collect();
        u.vec.sort_by_key(|(t, _)| *t);
    }
    // 1. sentences many accounts said: together when largely the same accounts say them
    let mut dense: Vec<usize> = (0..unique.len())
        .filter(|&u| unique[u].who.len() >= MIN_ACCOUNTS_FOR_OVERLAP)
        .collect();
    dense.sort_by(|&a, &b| {
        unique[b]
            .who
            .len()
            .cmp(&unique[a].who.len())
            .then(unique[b].signals.len().cmp(&unique[a].signals.len()))
            .then(unique[a].text.cmp(&unique[b].text))
    });
    let mut clusters: Vec<Cluster> = Vec::new();
    for u in dense {
        let best = clusters
            .iter()
            .enumerate()
            .map(|(ci, c)| (ci, jaccard(&unique[u].who, &c.who)))
            .filter(|(_, j)| *j >= LINK)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        match best {
            Some((ci, _)) => clusters[ci].add(u, &unique[u]),
            None => clusters.push(Cluster::new(u, &unique[u])),
        }
    }
    merge_while(&mut clusters, |a, b| jaccard(&a.who, &b.who) >= LINK);

    let sparse: Vec<usize> = (0..unique.len())
        .filter(|&u| unique[u].who.len() < MIN_ACCOUNTS_FOR_OVERLAP)
        .collect();
    if let Some(embed) = embed.filter(|_| unique.len() <= MAX_SEMANTIC_SENTENCES) {
        // 2'. the rest by meaning: average-linkage clustering of the
        // sentences (what they are about: the words of feeling removed),
        // seeded with the step-1 themes, which stay apart from each other
        let texts: Vec<String> = unique.iter().map(|u| topic_text(&u.text)).collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let vectors = embed(&refs)?;
        let mut groups: Vec<Vec<usize>> = clusters.iter().map(|c| c.members.clone()).collect();
        let seeded = groups.len();
        groups.extend(sparse.iter().map(|&u| vec![u]));
        let merged = average_linkage(&groups, seeded, &vectors, SIMILAR);
        let mut families: Vec<u64> = unique.iter().map(|u| word_family(&u.text)).collect();
        let out = merged
            .into_iter()
            .filter_map(|parts| {
                let mut members = parts.iter().flat_map(|&p| groups[p].iter().copied());
                let first = members.next()?;
                let mut c = Cluster::new(first, &unique[first]);
                for m in members {
                    c.add(m, &unique[m]);
                }
                // a sentence that says what an earlier member says joins its family
                let ordered = by_reach(&c.members, &unique);
                for (k, &m) in ordered.iter().enumerate() {
                    let same = ordered[..k].iter().find(|&&e| {
                        crate::embed::vector::cosine(&vectors[m], &vectors[e]) >= NEAR_DUPLICATE
                    });
                    if let Some(&e) = same {
                        families[m] = families[e];
                    }
                }
                let naming = central(&c.members, &vectors, &unique);
                Some(draft_of(&c, &naming, &unique, ev, &vocab, &families))
            })
            .collect();
        return Ok(out);
    }

    // 2. the rest: a theme per distinctive key word shared by several
    // sentences (a sentence may support more than one), near-identical
    // themes merged, and sentences sharing no key word on their own
    let mut by_term: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for &u in &sparse {
        for &(t, _) in &unique[u].vec {
            if vocab.key[t as usize] {
                by_term.entry(t).or_default().push(u);
            }
        }
    }
    let mut keyed: Vec<Cluster> = Vec::new();
    let mut covered: BTreeSet<usize> = BTreeSet::new();
    for members in by_term.values().filter(|m| m.len() >= 2) {
        let mut c = Cluster::new(members[0], &unique[members[0]]);
        for &m in &members[1..] {
            c.add(m, &unique[m]);
        }
        covered.extend(members.iter().copied());
        keyed.push(c);
    }
    merge_while(&mut keyed, |a, b| {
        let sa: BTreeSet<usize> = a.members.iter().copied().collect();
        let sb: BTreeSet<usize> = b.members.iter().copied().collect();
        let inter = sa.intersection(&sb).count() as f32;
        inter / (sa.len() + sb.len()) as f32 * 2.0 >= 0.6 + f32::EPSILON || sa == sb
    });
    clusters.extend(keyed);
    for u in sparse.into_iter().filter(|u| !covered.contains(u)) {
        clusters.push(Cluster::new(u, &unique[u]));
    }
    let families: Vec<u64> = unique.iter().map(|u| word_family(&u.text)).collect();
    Ok(clusters
        .into_iter()
        .map(|mut c| {
            c.recount(&unique);
            draft_of(&c, &c, &unique, ev, &vocab, &families)
        })
        .collect())
}

/// Merges pairs of clusters for which `together` holds until none is left.
fn merge_while(clusters: &mut Vec<Cluster>, together: impl Fn(&Cluster, &Cluster) -> bool) {
    loop {
        let pair = (0..clusters.len())
            .flat_map(|a| (a + 1..clusters.len()).map(move |b| (a, b)))
            .find(|&(a, b)| together(&clusters[a], &clusters[b]));
        match pair {
            Some((a, b)) => {
                let other = clusters.remove(b);
                clusters[a].absorb(other);
            }
            None => break,
        }
    }
}

/// `members`, most widely said first (then shortest).
fn by_reach(members: &[usize], unique: &[Unique]) -> Vec<usize> {
    let mut out = members.to_vec();
    out.sort_by(|&a, &b| {
        unique[b]
            .who
            .len()
            .cmp(&unique[a].who.len())
            .then(unique[a].text.len().cmp(&unique[b].text.len()))
    });
    out
}

/// A draft from a cluster: passages and quotes (most widely said first) from
/// `c`, title and key phrases from `naming` (`c` itself, or its central
/// sentences); `families` gives each distinct sentence's quote family.
fn draft_of(
    c: &Cluster,
    naming: &Cluster,
    unique: &[Unique],
    ev: &Evidence,
    vocab: &Vocabulary,
    families: &[u64],
) -> Draft {
    let members = by_reach(&c.members, unique);
    let mut passages = BTreeSet::new();
    let mut quotes = Vec::new();
    for &m in &members {
        // every occurrence is a quote candidate: the group picks the ones it has
        for &s in &unique[m].signals {
            passages.insert(ev.signals[s].passage);
            quotes.push(QuoteCandidate {
                passage: ev.signals[s].passage,
                text: ev.signals[s].text.clone(),
                family: families[m],
            });
        }
    }
    let (title, key_phrases) = title_of(naming, unique, vocab);
    Draft {
        title,
        summary: String::new(),
        key_phrases,
        passages,
        quotes,
    }
}

/// A theme's title and key phrases from the cluster `c`.
fn title_of(c: &Cluster, unique: &[Unique], vocab: &Vocabulary) -> (String, Vec<String>) {
    let key_phrases = name(c, vocab);
    let title = match key_phrases.as_slice() {
        [] => by_reach(&c.members, unique)
            .first()
            .map(|&m| unique[m].text.chars().take(60).collect())
            .unwrap_or_default(),
        [one] => capitalize(one),
        [one, two, ..] => format!("{}, {two}", capitalize(one)),
    };
    (title, key_phrases.into_iter().take(4).collect())
}

/// Sentences of a cluster that stand for it when it is named: the
/// [`NAMING_MEMBERS`] closest to its centroid, the closest counted twice.
/// A pain told in eight wordings shares few words; its most typical
/// sentences name it better than a phrase two of them happen to share.
fn central(members: &[usize], vectors: &[Vec<f32>], unique: &[Unique]) -> Cluster {
    let dim = vectors.first().map_or(0, Vec::len);
    let mut centroid = vec![0f32; dim];
    for &m in members {
        for (c, x) in centroid.iter_mut().zip(&vectors[m]) {
            *c += x;
        }
    }
    let mut ranked: Vec<(f32, usize)> = members
        .iter()
        .map(|&m| (crate::embed::vector::cosine(&vectors[m], &centroid), m))
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let top = ranked[0].1;
    let mut c = Cluster::new(top, &unique[top]);
    for &(_, m) in &ranked[..ranked.len().min(NAMING_MEMBERS)] {
        c.add(m, &unique[m]);
    }
    c
}

/// Most central sentences a semantic cluster is named from.
const NAMING_MEMBERS: usize = 3;

/// The key phrases of a cluster, best first: phrases shared by most of its
/// sentences, weighted by how distinctive they are; a two-word phrase wins
/// over its words when it is as common.
fn name(c: &Cluster, vocab: &Vocabulary) -> Vec<String> {
    let mut scored: Vec<(f32, u32)> = c
        .terms
        .iter()
        .map(|(&t, &n)| {
            let is_phrase = vocab.surface(t).contains(' ');
            let n = n as f32;
            // shared phrases name best; common words (a product name, say) least
            let factor = match (is_phrase, vocab.key[t as usize]) {
                (true, _) if n >= 2.0 => 1.3,
                (false, false) => 0.5,
                _ => 1.0,
            };
            (n * vocab.weight[t as usize] * factor, t)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut out: Vec<String> = Vec::new();
    let members = c.members.len();
    for (_, t) in scored {
        if !out.is_empty() && members >= 2 && c.terms.get(&t).copied().unwrap_or(0) < 2 {
            continue; // later phrases must be shared, not one sentence's
        }
        let phrase = vocab.surface(t);
        let words: Vec<String> = phrase.split(' ').map(str::to_lowercase).collect();
        if out
            .iter()
            .any(|o| o.split(' ').any(|w| words.contains(&w.to_lowercase())))
        {
            continue;
        }
        out.push(phrase);
        if out.len() == 4 {
            break;
        }
    }
    out
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::meta::Metadata;
    use crate::retrieve::Hit;
    use crate::synthesize::evidence::{EvPassage, Signal};

    /// One passage per (account, sentence), each sentence a signal.
    fn evidence(said: &[(&str, &str)]) -> Evidence {
        let mut ev = Evidence::default();
        for (i, (account, text)) in said.iter().enumerate() {
            let mut meta = Metadata::new();
            meta.push("account", account);
            ev.passages.push(EvPassage {
                hit: Hit {
                    score: 0.0,
                    doc_id: format!("n{i}.md"),
                    path: format!("n{i}.md"),
                    location: "line 1".into(),
                    meta,
                    text: text.to_string(),
                    snippet: Default::default(),
                    ordinal: 0,
                    vector: None,
                },
                groups: Vec::new(),
            });
            ev.signals.push(Signal {
                passage: i,
                text: text.to_string(),
                score: 1.0,
            });
        }
        ev
    }

    /// A stand-in for the model: "scim" and "hand" mean nearly the same.
    fn fake_embed(texts: &[&str]) -> crate::error::Result<Vec<Vec<f32>>> {
        Ok(texts
            .iter()
            .map(|t| {
                let t = t.to_lowercase();
                if t.contains("scim") {
                    vec![1.0, 0.0, 0.0]
                } else if t.contains("hand") {
                    vec![0.8, 0.6, 0.0]
                } else {
                    vec![0.0, 0.0, 1.0]
                }
            })
            .collect())
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

    #[test]
    fn one_quote_per_meaning_with_a_model() {
        let ev = evidence(&[
            ("acme", "SCIM provisioning is a nightmare."),
            ("beta", "SCIM provisioning is a real problem."),
            ("gamma", "Honestly we create every user by hand."),
        ]);
        let names = BTreeSet::new();
        let (idf, key) = (|_: &str| 1.0, |s: &str| s == "scim");
        let embed = fake_embed;
        let drafts = extract(&ev, Lens::Pains, &idf, &key, &names, Some(&embed)).unwrap();
        assert_eq!(drafts.len(), 1, "one pain in three wordings");
        let theme = drafts[0].for_group(&ev, None).unwrap();
        assert_eq!(theme.accounts, 3);
        assert_eq!(theme.mentions, 3);
        let quotes: Vec<&str> = theme.quotes.iter().map(|q| q.text.as_str()).collect();
        assert_eq!(
            quotes.len(),
            2,
            "the two SCIM sentences say the same: {quotes:?}"
        );
        assert_eq!(
            quotes.iter().filter(|q| q.contains("SCIM")).count(),
            1,
            "{quotes:?}"
        );
        assert!(theme.quotes.iter().all(|q| q.verified));

        // by words, the two SCIM sentences are different quotes
        let lexical = extract(&ev, Lens::Pains, &idf, &key, &names, None).unwrap();
        let scim = lexical
            .iter()
            .find(|d| d.title.to_lowercase().contains("scim"))
            .unwrap();
        assert_eq!(scim.for_group(&ev, None).unwrap().quotes.len(), 2);
    }
}
