//! Clause-level detection of what a sentence says: complaint or praise,
//! which clause says it, and how (a plain statement, a missing capability,
//! a request, a question, a conditional, a pain that is solved).
//!
//! A sentence is cut into clauses at contrast markers ("but", "although",
//! "except", …), semicolons, dashes and brackets. Within a clause, idioms are
//! read first ("couldn't be happier" is praise, "could be better" a
//! complaint), then frames ("there's no …", "doesn't support", "would be nice
//! if"), then words of complaint and praise; a missing-capability frame
//! whose object is a complaint negates it ("doesn't have any problems" is
//! mild praise). A negator flips the first
//! polar word within its scope (up to four words, ended by punctuation or a
//! conjunction, never across clauses): "not working" is a pain, "not bad"
//! mild praise, "no longer slow" a solved pain. A clause that tells of the
//! past ("before, …", "used to", "at first") holds solved pains, not current
//! ones. Questions and conditionals are weighed as such. When two clauses
//! disagree across a contrast, the one before "but" (or after "although")
//! counts half and the other one and a half times, as VADER does.
//!
//! The word lists are in `lexicon`; the lenses (`lens`) turn a sentence's
//! [`Facts`] into a score.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

use serde::Serialize;

use super::lexicon as lx;

/// How a signal is said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Said outright: "the sync is broken", "we love the exports".
    #[default]
    Statement,
    /// A capability that is not there: "there's no SCIM", "doesn't support X".
    Missing,
    /// A wish or a request: "would be nice if", "please add".
    Request,
    /// Asked: "is there a way to export?", "why does it keep crashing?".
    Question,
    /// Under a condition: "if it were cheaper we'd buy more seats".
    Conditional,
    /// A pain of the past, solved: "before, I did this by hand".
    Solved,
}

impl Kind {
    /// The name used in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Statement => "statement",
            Kind::Missing => "missing",
            Kind::Request => "request",
            Kind::Question => "question",
            Kind::Conditional => "conditional",
            Kind::Solved => "solved",
        }
    }
}

/// Contrast weights (VADER's): a clause overruled by an opposite one across
/// a contrast counts half, the one that overrules it one and a half times.
pub const CONCEDED: f32 = 0.5;
pub const STRESSED: f32 = 1.5;
/// Need questions ("is there a way to export?") show a need, not that it is
/// unmet: below the evidence threshold unless something else joins them.
pub const NEED_QUESTION: f32 = 0.6;
/// A condition weakens what it holds ("if the sync fails, …" is a feared or
/// occasional failure, not an observed one).
pub const CONDITIONAL: f32 = 0.8;
/// A negated complaint word is mild praise ("not bad", "no lag").
pub const NEGATED_COMPLAINT: f32 = 0.5;
/// A negated working verb is a malfunction ("doesn't load", "won't sync").
pub const NEGATED_FUNCTION: f32 = 1.2;
/// What saying that the product helps ("it has helped us …") weighs as
/// praise.
pub const HELPS: f32 = 1.0;
/// A negator of absence ("no", "there's no") followed by a thing the lexicon
/// does not know tells of a missing capability ("no SCIM", "no dark mode").
pub const ABSENCE: f32 = 1.0;

/// Whether words of the VADER lexicon that the word lists lack count too
/// (off: better on labelled sentences, worse on themes and on `examples/`;
/// see BENCHMARKS.md, "VADER's lexicon as an extra signal").
pub const VADER: bool = false;
/// From which absolute VADER valence (-4..4) a word counts.
pub const VADER_MIN: f32 = 1.5;
/// A VADER valence's weight here.
pub const VADER_SCALE: f32 = 0.5;

/// A word or a punctuation mark of a sentence.
#[derive(Debug, Clone)]
pub struct Token {
    /// Lower-cased, apostrophes unified, contractions spelled out as "can't".
    pub w: String,
    /// Byte range in the sentence.
    pub span: Range<usize>,
    pub punct: bool,
}

/// One clause's reading.
#[derive(Debug, Clone, Default)]
pub struct Clause {
    /// Byte range in the sentence (without its contrast marker).
    pub span: Range<usize>,
    /// Token range.
    pub toks: Range<usize>,
    /// Complaint strength.
    pub neg: f32,
    /// Praise strength.
    pub pos: f32,
    /// Solved or past pains.
    pub solved: f32,
    /// How its strongest complaint is said.
    pub neg_kind: Kind,
    /// Weight from contrast with a neighbouring clause (1 when none).
    pub weight: f32,
    pub question: bool,
    /// Says that the product helps ("has helped me", "a lifesaver"): the
    /// clause's complaint words, and those of clauses not set against it,
    /// tell of what it solves.
    pub helps: bool,
    /// Tokens inside a negation's scope (index into the sentence's tokens).
    negated: Vec<bool>,
    /// Tokens inside an "if" part, and whether it is counterfactual.
    cond: Vec<Cond>,
    /// Tokens consumed by an idiom or frame (lens cues skip them).
    consumed: Vec<bool>,
    role: Role,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Cond {
    #[default]
    None,
    Indicative,
    Counterfactual,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Role {
    #[default]
    Plain,
    /// Before "but", or opened by "although".
    Conceded,
    /// After "but", or the main clause after an "although" clause.
    Stressed,
}

/// What a sentence says, clause by clause.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub tokens: Vec<Token>,
    pub clauses: Vec<Clause>,
}

impl Facts {
    /// The sentence's valence, -1 (complaint) to 1 (praise).
    pub fn valence(&self) -> f32 {
        let v: f32 = self
            .clauses
            .iter()
            .map(|c| (c.pos + 0.5 * c.solved - c.neg) * c.weight)
            .sum();
        v / (v * v + 4.0).sqrt()
    }

    /// Whether token `i` of clause `c` is negated.
    pub fn negated(&self, c: &Clause, i: usize) -> bool {
        c.negated.get(i - c.toks.start).copied().unwrap_or(false)
    }

    /// Whether token `i` of clause `c` lies in an "if" part; `Some(true)`
    /// when counterfactual ("if it were cheaper").
    pub fn conditional(&self, c: &Clause, i: usize) -> Option<bool> {
        match c.cond.get(i - c.toks.start) {
            Some(Cond::Indicative) => Some(false),
            Some(Cond::Counterfactual) => Some(true),
            _ => None,
        }
    }

    /// Whether token `i` of clause `c` belongs to an idiom or frame.
    pub fn consumed(&self, c: &Clause, i: usize) -> bool {
        c.consumed.get(i - c.toks.start).copied().unwrap_or(false)
    }
}

// ------------------------------------------------------------------ tokens

const CONTRACTIONS: &[(&str, &str)] = &[
    ("dont", "don't"),
    ("doesnt", "doesn't"),
    ("didnt", "didn't"),
    ("isnt", "isn't"),
    ("wasnt", "wasn't"),
    ("arent", "aren't"),
    ("werent", "weren't"),
    ("wont", "won't"),
    ("cant", "can't"),
    ("couldnt", "couldn't"),
    ("wouldnt", "wouldn't"),
    ("shouldnt", "shouldn't"),
    ("havent", "haven't"),
    ("hasnt", "hasn't"),
    ("hadnt", "hadn't"),
    ("aint", "ain't"),
    ("theres", "there's"),
    ("thats", "that's"),
    ("whats", "what's"),
    ("im", "i'm"),
    ("ive", "i've"),
    ("youre", "you're"),
    ("itll", "it'll"),
];

/// Two words spelled as one contraction ("does not" reads as "doesn't").
const MERGES: &[(&str, &str, &str)] = &[
    ("can", "not", "cannot"),
    ("do", "not", "don't"),
    ("does", "not", "doesn't"),
    ("did", "not", "didn't"),
    ("is", "not", "isn't"),
    ("was", "not", "wasn't"),
    ("are", "not", "aren't"),
    ("were", "not", "weren't"),
    ("will", "not", "won't"),
    ("would", "not", "wouldn't"),
    ("could", "not", "couldn't"),
    ("should", "not", "shouldn't"),
    ("have", "not", "haven't"),
    ("has", "not", "hasn't"),
    ("there", "is", "there's"),
    ("it", "is", "it's"),
    ("i", "would", "i'd"),
    ("we", "would", "we'd"),
    ("it", "would", "it'd"),
];

fn is_word_char(c: char, pattern: bool) -> bool {
    c.is_alphanumeric() || (pattern && matches!(c, '*' | '_'))
}

/// The tokens of `text`. With `pattern`, `*` and `_` are word characters
/// (for the word lists).
pub fn tokenize(text: &str, pattern: bool) -> Vec<Token> {
    let mut raw: Vec<Token> = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (b, c) = chars[i];
        if is_word_char(c, pattern) {
            let mut j = i + 1;
            while j < chars.len() {
                let c = chars[j].1;
                let joins = matches!(c, '\'' | '\u{2019}' | '-' | '/')
                    && chars
                        .get(j + 1)
                        .is_some_and(|&(_, n)| is_word_char(n, pattern));
                if is_word_char(c, pattern) || joins {
                    j += 1;
                } else {
                    break;
                }
            }
            let end = chars.get(j).map_or(text.len(), |&(e, _)| e);
            let w = text[b..end].to_lowercase().replace('\u{2019}', "'");
            let w = CONTRACTIONS
                .iter()
                .find(|(from, _)| *from == w)
                .map_or(w, |(_, to)| (*to).to_string());
            raw.push(Token {
                w,
                span: b..end,
                punct: false,
            });
            i = j;
            continue;
        }
        let standalone_dash = c == '-'
            && chars.get(i + 1).is_none_or(|&(_, n)| n.is_whitespace())
            && (i == 0 || chars[i - 1].1.is_whitespace());
        if matches!(
            c,
            ',' | ';' | ':' | '.' | '!' | '?' | '(' | ')' | '—' | '–' | '…'
        ) || standalone_dash
        {
            raw.push(Token {
                w: c.to_string(),
                span: b..b + c.len_utf8(),
                punct: true,
            });
        }
        i += 1;
    }
    // negations first: "i would not" is "i wouldn't", not "i'd not"
    let raw = merge(raw, |b| b == "not");
    merge(raw, |b| b != "not")
}

fn merge(raw: Vec<Token>, second: impl Fn(&str) -> bool) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(raw.len());
    for t in raw {
        if let Some(prev) = out.last_mut()
            && !prev.punct
            && !t.punct
            && second(&t.w)
            && let Some((_, _, m)) = MERGES.iter().find(|(a, b, _)| prev.w == *a && t.w == *b)
        {
            prev.w = (*m).to_string();
            prev.span = prev.span.start..t.span.end;
            continue;
        }
        out.push(t);
    }
    out
}

// ----------------------------------------------------------------- tables

#[derive(Debug, Clone)]
enum Pat {
    Word(String),
    Prefix(String),
    Any,
}

impl Pat {
    fn matches(&self, w: &str) -> bool {
        match self {
            Pat::Word(p) => p == w,
            Pat::Prefix(p) => w.starts_with(p.as_str()),
            Pat::Any => true,
        }
    }
}

/// What a matched entry of a table is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Class {
    Neg,
    Pos,
    Praise,
    Complaint,
    Missing,
    Request,
    /// A working verb; `true` when its negation tells of a missing capability.
    Functional(bool),
    /// A cue of a lens's own list; `true` when a negator never flips it.
    Cue(bool),
}

impl Class {
    /// Among matches of the same length, the higher wins.
    fn rank(self) -> u8 {
        match self {
            Class::Praise | Class::Complaint => 6,
            Class::Request => 5,
            Class::Missing => 4,
            Class::Cue(_) => 3,
            Class::Neg | Class::Pos => 2,
            Class::Functional(_) => 1,
        }
    }

    fn idiom(self) -> bool {
        matches!(
            self,
            Class::Praise | Class::Complaint | Class::Missing | Class::Request
        )
    }
}

#[derive(Debug, Clone)]
struct Entry {
    pat: Vec<Pat>,
    class: Class,
    w: f32,
}

/// Phrases indexed by their first word.
#[derive(Debug, Default)]
pub struct Table {
    entries: Vec<Entry>,
    exact: HashMap<String, Vec<usize>>,
    /// Entries starting with a prefix pattern, by the prefix's first
    /// [`PREFIX_KEY`] characters (shorter prefixes under all of them).
    prefix: HashMap<String, Vec<(String, usize)>>,
    short_prefix: Vec<(String, usize)>,
}

/// Characters a prefix pattern is looked up by.
const PREFIX_KEY: usize = 3;

fn prefix_key(word: &str) -> Option<&str> {
    word.char_indices()
        .nth(PREFIX_KEY)
        .map(|(at, _)| &word[..at])
        .or((word.chars().count() == PREFIX_KEY).then_some(word))
}

/// A matched entry: tokens `start..end` of the sentence.
#[derive(Debug, Clone, Copy)]
pub struct Match {
    pub start: usize,
    pub end: usize,
    pub class: Class,
    pub w: f32,
}

impl Table {
    /// Adds `phrases` (the syntax of `lexicon`) as `class`.
    pub fn add(&mut self, phrases: &[(&str, f32)], class: Class) {
        for (p, w) in phrases {
            self.push(p, class, *w);
        }
    }

    /// Adds a lens cue; a leading `~` marks it as never flipped.
    pub fn add_cues(&mut self, cues: &[(&str, f32)]) {
        for (p, w) in cues {
            let fixed = p.starts_with('~');
            self.push(p.trim_start_matches('~'), Class::Cue(fixed), *w);
        }
    }

    fn push(&mut self, phrase: &str, class: Class, w: f32) {
        let pat: Vec<Pat> = tokenize(phrase, true)
            .into_iter()
            .filter(|t| !t.punct)
            .map(|t| {
                if t.w == "_" {
                    Pat::Any
                } else if let Some(p) = t.w.strip_suffix('*') {
                    Pat::Prefix(p.to_string())
                } else {
                    Pat::Word(t.w)
                }
            })
            .collect();
        let idx = self.entries.len();
        match pat.first() {
            Some(Pat::Word(w)) => self.exact.entry(w.clone()).or_default().push(idx),
            Some(Pat::Prefix(p)) => match prefix_key(p) {
                Some(key) => self
                    .prefix
                    .entry(key.to_string())
                    .or_default()
                    .push((p.clone(), idx)),
                None => self.short_prefix.push((p.clone(), idx)),
            },
            _ => return,
        }
        self.entries.push(Entry { pat, class, w });
    }

    /// The longest entry matching at token `i` (within `..end`).
    pub fn longest(&self, toks: &[Token], i: usize, end: usize) -> Option<Match> {
        let first = &toks[i].w;
        let mut best: Option<Match> = None;
        let exact = self.exact.get(first).into_iter().flatten();
        let prefix = prefix_key(first)
            .and_then(|k| self.prefix.get(k))
            .into_iter()
            .flatten()
            .chain(&self.short_prefix)
            .filter(|(p, _)| first.starts_with(p.as_str()))
            .map(|(_, e)| e);
        for &e in exact.chain(prefix) {
            let entry = &self.entries[e];
            let n = entry.pat.len();
            if i + n > end {
                continue;
            }
            let ok = entry
                .pat
                .iter()
                .zip(&toks[i..i + n])
                .all(|(p, t)| !t.punct && p.matches(&t.w));
            if !ok {
                continue;
            }
            let better = best.is_none_or(|b| {
                n > b.end - b.start || (n == b.end - b.start && entry.class.rank() > b.class.rank())
            });
            if better {
                best = Some(Match {
                    start: i,
                    end: i + n,
                    class: entry.class,
                    w: entry.w,
                });
            }
        }
        best
    }

    /// Whether `word` is a word of one of the entries of `classes`.
    pub fn has_word(&self, word: &str, keep: impl Fn(Class) -> bool) -> bool {
        self.entries.iter().filter(|e| keep(e.class)).any(|e| {
            e.pat
                .iter()
                .any(|p| !matches!(p, Pat::Any) && p.matches(word))
        })
    }
}

/// The general table: idioms, frames, complaint, praise and working words.
pub fn general() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = Table::default();
        t.add(lx::PRAISE_IDIOMS, Class::Praise);
        t.add(lx::COMPLAINT_IDIOMS, Class::Complaint);
        t.add(lx::MISSING_FRAMES, Class::Missing);
        t.add(lx::REQUEST_FRAMES, Class::Request);
        t.add(lx::NEGATIVE, Class::Neg);
        t.add(lx::POSITIVE, Class::Pos);
        for (p, missing) in lx::FUNCTIONAL {
            t.push(p, Class::Functional(*missing), 0.0);
        }
        t
    })
}

// ---------------------------------------------------------------- clauses

fn phrase_at(toks: &[Token], i: usize, end: usize, phrase: &str) -> usize {
    // most phrases fail on their first word: tell without splitting
    let Some(first) = toks.get(i).filter(|_| i < end) else {
        return 0;
    };
    match phrase.strip_prefix(first.w.as_str()) {
        Some(rest) if rest.is_empty() || rest.starts_with([' ', ',']) => {}
        _ => return 0,
    }
    let mut n = 0;
    for w in phrase.split(' ') {
        let Some(t) = toks.get(i + n).filter(|_| i + n < end) else {
            return 0;
        };
        let (word, comma) = match w.strip_suffix(',') {
            Some(x) => (x, true),
            None => (w, false),
        };
        if t.punct || t.w != word {
            return 0;
        }
        n += 1;
        if comma {
            if toks.get(i + n).is_none_or(|t| t.w != ",") {
                return 0;
            }
            n += 1;
        }
    }
    n
}

fn any_phrase_at(toks: &[Token], i: usize, end: usize, phrases: &[&str]) -> usize {
    phrases
        .iter()
        .map(|p| phrase_at(toks, i, end, p))
        .max()
        .unwrap_or(0)
}

fn hard_break(t: &Token) -> bool {
    t.punct && matches!(t.w.as_str(), ";" | "—" | "–" | "-" | "(" | ")" | "…")
}

/// Where a clause begins: (first token, first token after the marker, role
/// of the clause it opens, role of the clause before).
struct Cut {
    at: usize,
    body: usize,
    opens: Role,
    before: Role,
}

impl Cut {
    /// A cut at token `at` that only separates: neither side is conceded
    /// or stressed.
    fn plain(at: usize) -> Cut {
        Cut {
            at,
            body: at + 1,
            opens: Role::Plain,
            before: Role::Plain,
        }
    }

    /// A contrast at token `at`, its clause starting at `body`: the clause
    /// before is conceded, the one it opens stressed.
    fn contrast(at: usize, body: usize) -> Cut {
        Cut {
            at,
            body,
            opens: Role::Stressed,
            before: Role::Conceded,
        }
    }
}

/// Words that open a clause with its own subject after "and".
const SUBJECTS: &[&str] = &[
    "the", "it", "it's", "its", "my", "our", "your", "their", "i", "i'm", "we", "we're", "they",
    "they're", "you", "this", "that", "there", "there's", "now", "then", "he", "she",
];

fn cuts(toks: &[Token]) -> Vec<Cut> {
    let mut out = Vec::new();
    let n = toks.len();
    let mut i = 0;
    let mut pending_concession = false; // an "although" clause awaits its comma
    while i < n {
        let t = &toks[i];
        if hard_break(t) {
            out.push(Cut::plain(i));
            pending_concession = false;
            i += 1;
            continue;
        }
        if t.punct {
            if t.w == "," && pending_concession {
                out.push(Cut::contrast(i, i + 1));
                pending_concession = false;
            }
            i += 1;
            continue;
        }
        let prev = i.checked_sub(1).map(|p| &toks[p]);
        let clause_start = prev.is_none_or(|p| p.punct);
        // "…, and the export is broken": a new clause with its own subject
        if matches!(t.w.as_str(), "and" | "plus" | "so")
            && i > 0
            && (prev.is_some_and(|p| p.w == ",")
                || toks
                    .get(i + 1)
                    .is_some_and(|n| SUBJECTS.contains(&n.w.as_str())))
        {
            out.push(Cut::plain(i));
            pending_concession = false;
            i += 1;
            continue;
        }
        let m = any_phrase_at(toks, i, n, lx::BUT_MARKERS);
        if m > 0 && i > 0 {
            let w = t.w.as_str();
            let contrast = match w {
                "yet" => clause_start || prev.is_some_and(|p| p.w == "and"),
                "unfortunately" | "sadly" | "still" => clause_start,
                _ => true,
            };
            if contrast {
                let keep = matches!(w, "unfortunately" | "sadly");
                out.push(Cut::contrast(i, if keep { i } else { i + m }));
                pending_concession = false;
                i += m;
                continue;
            }
        }
        let c = any_phrase_at(toks, i, n, lx::CONCEDING_MARKERS);
        if c > 0 {
            let w = t.w.as_str();
            let last = toks.get(i + c).is_none_or(|t| t.punct);
            let ok = match w {
                "while" | "whereas" => clause_start,
                "though" => !last,
                _ => true,
            };
            if ok {
                let at_start = i == 0 || clause_start;
                out.push(Cut {
                    at: i,
                    body: i + c,
                    opens: Role::Conceded,
                    before: if i == 0 { Role::Plain } else { Role::Stressed },
                });
                pending_concession = at_start;
                i += c;
                continue;
            }
        }
        i += 1;
    }
    out
}

// ---------------------------------------------------------------- reading

/// Words between a missing-capability frame and a complaint it negates
/// ("doesn't have any major problems").
const FRAME_OBJECT_FILLERS: &[&str] = &[
    "any", "a", "an", "the", "many", "much", "major", "real", "serious", "big", "single",
];

const STOP: &[&str] = &[
    "a", "an", "the", "one", "to", "of", "in", "on", "for", "at", "it", "this", "that", "i", "we",
    "you", "they", "he", "she", "me", "us", "them", "my", "our", "your", "is", "are", "was", "be",
    "more", "longer", "need", "idea", "matter", "doubt", "thanks", "wonder", "offense", "worries",
    "rush", "time", "big", "deal", "really", "just", "any", "other",
];

const PAST_FORMS: &[&str] = &[
    "had",
    "used",
    "switched",
    "moved",
    "got",
    "bought",
    "started",
    "found",
    "began",
    "adopted",
    "signed",
    "joined",
    "was",
    "were",
    "did",
    "implemented",
    "rolled",
    "came",
];

/// Words before a help marker that make it a wish or a doubt ("it would
/// help if", "it might help").
const HEDGES: &[&str] = &[
    "would",
    "could",
    "might",
    "may",
    "should",
    "if",
    "wish",
    "hope",
    "hopefully",
    "sometimes",
];

const COUNTERFACTUAL: &[&str] = &[
    "were",
    "was",
    "had",
    "could",
    "would",
    "did",
    "didn't",
    "wasn't",
    "weren't",
    "only",
    "i'd",
    "we'd",
    "it'd",
    "they'd",
    "you'd",
    "added",
    "offered",
    "made",
    "allowed",
    "supported",
    "included",
    "fixed",
    "improved",
    "lowered",
    "cost",
    "gave",
    "let",
    "worked",
    "synced",
    "loaded",
];

fn is_negator(w: &str) -> bool {
    lx::NEGATORS.contains(&w)
}

/// Reads `sentence`.
pub fn read(sentence: &str) -> Facts {
    let tokens = tokenize(sentence, false);
    let table = general();
    let mut bounds: Vec<(usize, usize, Role)> = Vec::new(); // (start, body, role)
    let cuts = cuts(&tokens);
    let mut start = 0usize;
    let mut body = 0usize;
    let mut role = Role::Plain;
    let mut roles_before: Vec<Role> = Vec::new();
    for c in &cuts {
        bounds.push((start, body, role));
        roles_before.push(c.before);
        start = c.at;
        body = c.body;
        role = c.opens;
    }
    bounds.push((start, body, role));
    // a clause's role: the one its opening cut gave, unless the next cut
    // makes it conceded
    let mut clauses: Vec<Clause> = Vec::new();
    for (k, &(_, b, r)) in bounds.iter().enumerate() {
        let end = bounds.get(k + 1).map_or(tokens.len(), |x| x.0);
        let role = match roles_before.get(k) {
            Some(Role::Conceded) => Role::Conceded,
            Some(Role::Stressed) if r == Role::Plain => Role::Stressed,
            _ => r,
        };
        let body = b.min(end);
        if !(body..end).any(|i| !tokens[i].punct) {
            continue;
        }
        let mut c = read_clause(&tokens, body, end, table);
        c.role = role;
        c.question = (body..end).any(|i| tokens[i].w == "?")
            || (k + 1 == bounds.len() && sentence.trim_end().ends_with('?'));
        if c.question {
            question(&tokens, &mut c);
        }
        clauses.push(c);
    }
    // "I struggle with procrastination and this app really helps": the help
    // solves the complaint of the clause joined to it by "and" (not one set
    // against it, nor one after a dash: "sometimes this helps - the photos
    // don't move")
    for k in 0..clauses.len().saturating_sub(1) {
        let (a, b) = (&clauses[k], &clauses[k + 1]);
        let joined = matches!(
            tokens[b.toks.start.saturating_sub(1)].w.as_str(),
            "and" | "so"
        ) && a.role == Role::Plain
            && b.role == Role::Plain;
        if joined && a.helps != b.helps {
            let c = if a.helps { k + 1 } else { k };
            if clauses[c].neg_kind == Kind::Statement && !clauses[c].question {
                clauses[c].solved += clauses[c].neg;
                clauses[c].neg = 0.0;
            }
        }
    }
    weigh(&mut clauses);
    Facts { tokens, clauses }
}

/// Contrast weights: only between clauses that disagree.
fn weigh(clauses: &mut [Clause]) {
    let val: Vec<f32> = clauses.iter().map(|c| c.pos + c.solved - c.neg).collect();
    for k in 0..clauses.len() {
        clauses[k].weight = 1.0;
        let opposed = |j: usize| val[j] * val[k] < 0.0;
        match clauses[k].role {
            Role::Conceded => {
                // overruled by the next clause (before "but") or by the
                // main clause around it (an "although" clause)
                let by_next = k + 1 < clauses.len() && opposed(k + 1);
                let by_prev = k > 0 && opposed(k - 1);
                if by_next || by_prev {
                    clauses[k].weight = CONCEDED;
                }
            }
            Role::Stressed => {
                let by_prev = k > 0 && opposed(k - 1);
                let by_next = k + 1 < clauses.len()
                    && clauses[k + 1].role == Role::Conceded
                    && opposed(k + 1);
                if by_prev || by_next {
                    clauses[k].weight = STRESSED;
                }
            }
            Role::Plain => {}
        }
    }
}

fn question(toks: &[Token], c: &mut Clause) {
    let mut i = c.toks.start;
    while i < c.toks.end
        && matches!(
            toks[i].w.as_str(),
            "so" | "also" | "and" | "but" | "ok" | "okay"
        )
    {
        i += 1;
    }
    if toks.get(i).is_some_and(|t| t.w == "why") {
        return; // "why does it keep crashing?": a complaint, as said
    }
    let need = any_phrase_at(toks, i, c.toks.end, lx::NEED_QUESTIONS) > 0;
    if need && c.neg < NEED_QUESTION {
        c.neg = NEED_QUESTION;
    }
    if need || c.neg_kind == Kind::Statement {
        c.neg_kind = Kind::Question;
    }
    c.pos *= 0.5; // "is it any good?" is no praise
}

struct Scope {
    end: usize,
    kind: NegKind,
    negator: usize,
    /// Where the first polar word of the scope ends (the negation reaches
    /// no further).
    found: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NegKind {
    Plain,
    /// "can't", "cannot": inability, whatever the verb.
    Inability,
    /// "no", "there's no": absence.
    Absence,
    /// "no longer", "no more", "… anymore": a state that ended.
    Ended,
}

fn add_neg(c: &mut Clause, w: f32, kind: Kind, best: &mut f32) {
    c.neg += w;
    if w > *best {
        *best = w;
        c.neg_kind = kind;
    }
}

fn read_clause(toks: &[Token], start: usize, end: usize, table: &Table) -> Clause {
    let n = end - start;
    let mut c = Clause {
        span: toks[start].span.start
            ..toks[start..end]
                .iter()
                .rev()
                .find(|t| !t.punct)
                .map_or(toks[start].span.end, |t| t.span.end),
        toks: start..end,
        negated: vec![false; n],
        cond: vec![Cond::None; n],
        consumed: vec![false; n],
        weight: 1.0,
        ..Clause::default()
    };
    let words = |i: usize| -> &str { toks.get(i).filter(|_| i < end).map_or("", |t| &t.w) };
    // the clause's own markers
    let ended = (start..end).any(|i| matches!(words(i), "anymore"))
        || (start..end).any(|i| phrase_at(toks, i, end, "any more") > 0);
    let mut past = false;
    let mut used_to = false;
    for i in start..end {
        let m = any_phrase_at(toks, i, end, lx::PAST_MARKERS);
        if m > 0 {
            past = true;
            used_to |= words(i) == "used";
        }
    }
    if words(start) == "before" {
        // "before, …", "before Ledgerline, …", "before we switched …"
        let comma = (start + 1..(start + 4).min(end)).any(|i| toks[i].w == ",");
        let past_verb = (start + 1..(start + 4).min(end)).any(|i| PAST_FORMS.contains(&words(i)));
        past |= comma || past_verb;
    }
    let solved_marker = (start..end).any(|i| {
        any_phrase_at(toks, i, end, lx::SOLVED_MARKERS) > 0
            && !(i > start && is_negator(words(i - 1)))
            && !(i > start + 1 && is_negator(words(i - 2)))
    });
    // the product helps (not "doesn't help", "nothing helps", "would help")
    c.helps = (start..end).any(|i| {
        any_phrase_at(toks, i, end, lx::HELP_MARKERS) > 0
            && !(start..i).any(|k| is_negator(words(k)) || HEDGES.contains(&words(k)))
    });
    // "if" parts
    let mut i = start;
    while i < end {
        if matches!(words(i), "if" | "unless") && words(i + 1) != "so" && words(i + 1) != "any" {
            let at_start = i == start || toks[i - 1].punct;
            let mut j = i + 1;
            while j < end && !(at_start && toks[j].w == ",") && toks[j].w != "then" {
                j += 1;
            }
            let counter = (i + 1..j).any(|k| COUNTERFACTUAL.contains(&words(k)))
                || (start..end).filter(|k| !(i..j).contains(k)).any(|k| {
                    matches!(
                        words(k),
                        "would" | "i'd" | "we'd" | "they'd" | "could" | "might"
                    )
                });
            for k in i..j {
                c.cond[k - start] = if counter {
                    Cond::Counterfactual
                } else {
                    Cond::Indicative
                };
            }
            i = j;
        } else {
            i += 1;
        }
    }
    // matches, left to right, longest first
    let mut matches: Vec<Match> = Vec::new();
    let mut i = start;
    while i < end {
        if toks[i].punct {
            i += 1;
            continue;
        }
        match table.longest(toks, i, end) {
            // an idiom that starts inside a frame and runs past it is what
            // was said: "I wish | I could give it 10 stars" is praise
            Some(m) if matches!(m.class, Class::Missing | Class::Request) => {
                let inner = (m.start + 1..m.end).find(|&k| {
                    !toks[k].punct
                        && table.longest(toks, k, end).is_some_and(|o| {
                            matches!(o.class, Class::Praise | Class::Complaint) && o.end > m.end
                        })
                });
                match inner {
                    Some(k) => i = k,
                    None => {
                        for k in m.start..m.end {
                            c.consumed[k - start] = true;
                        }
                        matches.push(m);
                        i = m.end;
                    }
                }
            }
            Some(m) => {
                if m.class.idiom() {
                    for k in m.start..m.end {
                        c.consumed[k - start] = true;
                    }
                }
                matches.push(m);
                i = m.end;
            }
            None => i += 1,
        }
    }
    if VADER {
        let mut covered = vec![false; n];
        for m in &matches {
            for k in m.start..m.end {
                covered[k - start] = true;
            }
        }
        for i in start..end {
            if covered[i - start] || toks[i].punct || is_negator(&toks[i].w) {
                continue;
            }
            if let Some(v) = lx::vader(&toks[i].w) {
                if v.abs() >= VADER_MIN {
                    matches.push(Match {
                        start: i,
                        end: i + 1,
                        class: if v < 0.0 { Class::Neg } else { Class::Pos },
                        w: (v.abs() * VADER_SCALE).min(1.5),
                    });
                }
            }
        }
        matches.sort_by_key(|m| m.start);
    }
    // a missing-capability frame whose object is a complaint negates it:
    // "doesn't have any problems" is mild praise, not a missing feature
    let mut k = 0;
    while k + 1 < matches.len() {
        let (a, b) = (matches[k], matches[k + 1]);
        let between = (a.end..b.start).all(|i| FRAME_OBJECT_FILLERS.contains(&words(i)));
        if a.class == Class::Missing
            && matches!(b.class, Class::Neg | Class::Complaint)
            && b.start - a.end <= 2
            && between
        {
            matches[k] = Match {
                end: b.end,
                class: Class::Praise,
                w: b.w * NEGATED_COMPLAINT,
                ..a
            };
            matches.remove(k + 1);
        }
        k += 1;
    }
    // negation scopes, over words not consumed by idioms and frames
    let mut scopes: Vec<Scope> = Vec::new();
    for i in start..end {
        let w = words(i);
        if c.consumed[i - start] || !is_negator(w) {
            continue;
        }
        if matches!(w, "not") && matches!(words(i + 1), "only" | "just") {
            continue;
        }
        if w == "no" && (i + 1 >= end || toks[i + 1].punct) {
            continue; // "No, …": an answer
        }
        if w == "no" && words(i + 1) == "way" && (i + 2 >= end || toks[i + 2].punct) {
            continue; // "no way!"
        }
        let kind = if ended || (w == "no" && matches!(words(i + 1), "longer" | "more")) {
            NegKind::Ended
        } else if lx::INABILITY.contains(&w) {
            NegKind::Inability
        } else if matches!(w, "no" | "none")
            || (matches!(w, "isn't" | "aren't" | "wasn't" | "weren't")
                && i > start
                && words(i - 1) == "there")
        {
            NegKind::Absence
        } else {
            NegKind::Plain
        };
        let mut j = i + 1;
        if kind == NegKind::Ended && matches!(words(i + 1), "longer" | "more") {
            j += 1;
        }
        let mut count = 0;
        let first = j;
        while j < end && count < lx::SCOPE_WORDS {
            let t = &toks[j];
            if t.punct || (j > first && lx::SCOPE_ENDS.contains(&t.w.as_str())) {
                break;
            }
            if is_negator(&t.w) && j > first {
                break;
            }
            j += 1;
            count += 1;
        }
        scopes.push(Scope {
            end: j,
            kind,
            negator: i,
            found: None,
        });
    }
    let scope_of = |k: usize, scopes: &[Scope]| -> Option<usize> {
        scopes.iter().position(|s| s.negator < k && k < s.end)
    };
    let mut best = 0.0f32;
    // an ended complaint ("don't have to … anymore") makes the clause's
    // other complaint words part of what ended ("the awkward calls")
    let mut relief = false;
    for m in &matches {
        let cond = c.cond[m.start - start];
        let scope = scope_of(m.start, &scopes).filter(|&s| scopes[s].found.is_none());
        let nk = scope.map(|s| scopes[s].kind);
        if let Some(s) = scope {
            scopes[s].found = Some(m.end);
        }
        let (mut neg, mut pos, mut solved, mut kind) = (0.0f32, 0.0f32, 0.0f32, Kind::Statement);
        match (m.class, nk) {
            (Class::Praise, _) => pos += m.w,
            (Class::Complaint, _) => neg += m.w,
            (Class::Missing, _) => {
                neg += m.w;
                kind = Kind::Missing;
            }
            (Class::Request, _) => {
                neg += m.w;
                kind = Kind::Request;
            }
            (Class::Neg, None) => {
                if past || solved_marker || relief || c.helps {
                    solved += m.w;
                } else {
                    neg += m.w;
                }
            }
            (Class::Neg, Some(NegKind::Inability)) => neg += m.w,
            (Class::Neg, Some(NegKind::Ended)) => {
                solved += m.w.max(1.0);
                relief = true;
            }
            (Class::Neg, Some(_)) => pos += m.w * NEGATED_COMPLAINT,
            (Class::Pos, None) => {
                if m.w > 0.0 && like_not_a_verb(toks, m.start, start) {
                    continue;
                }
                if used_to {
                    neg += m.w * 0.8; // "it used to be great"
                } else if !past {
                    pos += m.w;
                }
            }
            (Class::Pos, Some(NegKind::Ended)) => neg += m.w.max(1.0),
            (Class::Pos, Some(_)) => neg += m.w.max(1.0),
            (Class::Functional(_), None) => {
                if used_to {
                    neg += NEGATED_FUNCTION; // "it used to work"
                } else if cond == Cond::Counterfactual {
                    neg += CONDITIONAL; // "if it synced with Outlook"
                    kind = Kind::Conditional;
                }
            }
            (Class::Functional(missing), Some(_)) => {
                neg += if missing { ABSENCE } else { NEGATED_FUNCTION };
                if missing {
                    kind = Kind::Missing;
                }
            }
            (Class::Cue(_), _) => {}
        }
        match cond {
            Cond::Indicative => {
                neg *= CONDITIONAL;
                pos *= CONDITIONAL;
                if kind == Kind::Statement {
                    kind = Kind::Conditional;
                }
            }
            Cond::Counterfactual if m.class != Class::Request => {
                // "if it were cheaper": what it would be, it is not
                (neg, pos) = (pos * CONDITIONAL, neg * CONDITIONAL * 0.5);
                if neg > 0.0 {
                    kind = Kind::Conditional;
                }
            }
            _ => {}
        }
        if neg > 0.0 {
            add_neg(&mut c, neg, kind, &mut best);
        }
        c.pos += pos;
        c.solved += solved;
    }
    for s in &scopes {
        for k in s.negator + 1..s.found.unwrap_or(s.end) {
            c.negated[k - start] = true;
        }
    }
    // negators whose scope held nothing polar
    for s in &scopes {
        if s.found.is_some() {
            continue;
        }
        let w = words(s.negator);
        let mut k = s.negator + 1;
        while matches!(
            words(k),
            "a" | "an" | "any" | "the" | "real" | "proper" | "single" | "built-in" | "native"
        ) {
            k += 1;
        }
        let next = words(k);
        let content = !next.is_empty()
            && !STOP.contains(&next)
            && !next.chars().next().is_some_and(|ch| ch.is_ascii_digit());
        let (wt, kind) = match s.kind {
            NegKind::Absence if content => (ABSENCE, Kind::Missing),
            NegKind::Ended => {
                c.solved += 1.0; // "no more spreadsheets"
                continue;
            }
            NegKind::Inability => (1.0, Kind::Statement),
            _ => match w {
                "doesn't" | "unable" => (0.8, Kind::Statement),
                "don't" | "didn't" | "isn't" | "won't" | "without" | "nobody" => {
                    (0.6, Kind::Statement)
                }
                _ => (0.4, Kind::Statement),
            },
        };
        let (wt, kind) = match c.cond[s.negator - start] {
            Cond::None => (wt, kind),
            _ => (wt * CONDITIONAL, Kind::Conditional),
        };
        if past {
            c.solved += wt;
        } else {
            add_neg(&mut c, wt, kind, &mut best);
        }
    }
    if c.helps {
        c.pos += HELPS; // "the reminders helped us cut the backlog"
    }
    if c.neg_kind == Kind::Statement && c.cond.contains(&Cond::Indicative) {
        c.neg_kind = Kind::Conditional; // "if the sync fails, nobody knows"
    }
    c
}

/// "like" as in "looks like", "feels like a chore": no praise.
fn like_not_a_verb(toks: &[Token], i: usize, start: usize) -> bool {
    if !toks[i].w.starts_with("like") {
        return false;
    }
    if i == start {
        return true;
    }
    let prev = toks[i - 1].w.as_str();
    !matches!(
        prev,
        "i" | "we"
            | "they"
            | "you"
            | "really"
            | "also"
            | "definitely"
            | "totally"
            | "do"
            | "does"
            | "did"
            | "don't"
            | "doesn't"
            | "didn't"
            | "people"
            | "users"
            | "kids"
            | "truly"
            | "actually"
            | "still"
            | "always"
            | "would"
            | "i'd"
            | "we'd"
            | "everyone"
    )
}

/// Matches of `table` (a lens's cues) in `facts`, clause by clause: the
/// weight each clause gets, negated cues left out (unless marked `~`) and
/// conditional ones weakened.
pub fn cue_scores(facts: &Facts, table: &Table) -> Vec<f32> {
    let toks = &facts.tokens;
    facts
        .clauses
        .iter()
        .map(|c| {
            let mut sum = 0.0;
            let mut i = c.toks.start;
            while i < c.toks.end {
                if toks[i].punct {
                    i += 1;
                    continue;
                }
                let Some(m) = table.longest(toks, i, c.toks.end) else {
                    i += 1;
                    continue;
                };
                i = m.end;
                let fixed = matches!(m.class, Class::Cue(true));
                let starts_negated = is_negator(&toks[m.start].w);
                if !fixed && !starts_negated && facts.negated(c, m.start) {
                    continue;
                }
                let w = match facts.conditional(c, m.start) {
                    Some(_) => m.w * CONDITIONAL,
                    None => m.w,
                };
                sum += w;
            }
            sum
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synthesize::lens::Lens;

    fn pain(s: &str) -> bool {
        Lens::Pains.is_signal(s)
    }

    fn success(s: &str) -> bool {
        Lens::Success.is_signal(s)
    }

    fn focus(lens: Lens, s: &str) -> String {
        let d = lens.detect(s);
        s[d.focus].to_string()
    }

    #[test]
    fn tokens_spell_contractions_alike() {
        let w = |s: &str| -> Vec<String> { tokenize(s, false).into_iter().map(|t| t.w).collect() };
        assert_eq!(w("It can’t sync"), w("it cant sync"));
        assert_eq!(w("It can not sync"), ["it", "cannot", "sync"]);
        assert_eq!(w("It does not sync"), w("It doesn't sync"));
        assert_eq!(w("hassle-free, and/or"), ["hassle-free", ",", "and/or"]);
        let t = tokenize("Great - but slow", false);
        assert!(t[1].punct && t[1].w == "-");
    }

    #[test]
    fn missing_capabilities_are_pains() {
        for s in [
            "There's no SCIM, so Okta only half works.",
            "No SCIM, no real audit trail.",
            "There is no way to export a report to PDF.",
            "The app doesn't support recurring invoices.",
            "It lacks a proper audit log.",
            "Multi-currency is missing.",
            "We still have to reconcile the payments manually.",
            "It won't let me change the due date.",
            "Dark mode is not available on Android.",
            "There isn't any way to merge two customers.",
        ] {
            assert!(pain(s), "{s}: {:?}", Lens::Pains.detect(s));
            assert!(!success(s), "{s}: {:?}", Lens::Success.detect(s));
        }
        assert_eq!(Lens::Pains.detect("There's no SCIM.").kind, Kind::Missing);
        assert_eq!(
            Lens::Pains.detect("It doesn't support SAML.").kind,
            Kind::Missing
        );
    }

    #[test]
    fn requests_are_pains() {
        for s in [
            "I wish it had a dark mode.",
            "It would be nice if the reports could be scheduled.",
            "It would be great to have an API.",
            "Please add two-factor login.",
            "Please fix the calendar sync.",
            "I'd love to see a Xero integration.",
        ] {
            assert!(pain(s), "{s}: {:?}", Lens::Pains.detect(s));
            assert!(!success(s), "{s}: {:?}", Lens::Success.detect(s));
            assert_eq!(Lens::Pains.detect(s).kind, Kind::Request, "{s}");
        }
    }

    #[test]
    fn praise_idioms_stay_praise() {
        for s in [
            "I couldn't be happier with the support team.",
            "Can't recommend it enough!",
            "I can't recommend this app highly enough.",
            "Nothing beats the mobile app.",
            "No complaints so far.",
            "You can't go wrong here.",
            "I can't imagine working without it.",
            "We couldn't live without the bank matching.",
            "Not a single issue since we switched.",
            "Never had a problem with the sync.",
            "It never lets me down.",
            "I would not hesitate to recommend it.",
            "It's a no-brainer for small teams.",
            "Setup was hassle-free.",
            "Honestly, I can't complain.",
            "It works like a charm.",
            "There's no better app for notes.",
        ] {
            assert!(!pain(s), "{s}: {:?}", Lens::Pains.detect(s));
            assert!(success(s), "{s}: {:?}", Lens::Success.detect(s));
        }
    }

    #[test]
    fn negation_has_a_scope() {
        // a negated working verb or praise word is a pain
        for s in [
            "The sync is not working.",
            "The export doesn't work with Excel.",
            "It won't load my notes.",
            "Support never answers.",
            "I don't like the new layout.",
            "Search is not good.",
            "Can't connect to my own server.",
            "I wouldn't recommend it to anyone.",
            "It's not worth the money.",
        ] {
            assert!(pain(s), "{s}: {:?}", Lens::Pains.detect(s));
        }
        // a negated complaint is no pain, mild praise at most
        for s in [
            "Not bad.",
            "The app never crashes.",
            "There's no lag at all.",
            "It isn't slow.",
            "No ads, no tracking.",
        ] {
            assert!(!pain(s), "{s}: {:?}", Lens::Pains.detect(s));
        }
        assert!(Lens::Success.score("Not bad.") < 1.0, "not bad is mild");
        // the scope ends at the clause, a conjunction or the first polar word
        assert!(pain("There's no lag; the export is broken."));
        assert!(pain("It doesn't crash and the export is broken."));
        assert!(pain("It doesn't fix the problem."));
        assert!(!pain("No doubt about it, the team did great work."));
    }

    #[test]
    fn solved_and_past_pains_are_not_current() {
        for s in [
            "Before, I did this by hand every morning.",
            "Before Ledgerline, we matched every payment by hand.",
            "Reconciliation is no longer manual.",
            "The app no longer crashes.",
            "It doesn't crash anymore.",
            "No more spreadsheets.",
            "It used to take hours.",
            "They finally fixed the sync bug.",
            "Exports were slow at first, but now it's great.",
            "In the past we had duplicate invoices every month.",
            "I don't have to make the awkward phone calls myself anymore.",
        ] {
            assert!(!pain(s), "{s}: {:?}", Lens::Pains.detect(s));
            assert!(success(s), "{s}: {:?}", Lens::Success.detect(s));
        }
        assert_eq!(
            Lens::Success
                .detect("Reconciliation is no longer manual.")
                .kind,
            Kind::Solved
        );
        // regressions are current pains
        for s in [
            "It used to be great.",
            "It no longer works.",
            "It doesn't sync anymore.",
            "It crashes so often that I can't use it anymore.",
            "It worked fine until the last update.",
            "Still not fixed.",
        ] {
            assert!(pain(s), "{s}: {:?}", Lens::Pains.detect(s));
        }
        // "before" as a time of day is no past
        assert!(pain("Before I can export anything, the app crashes."));
    }

    #[test]
    fn contrast_weighs_the_clause_after_but() {
        let s = "The dashboard is great but exports take forever.";
        assert!(pain(s));
        assert_eq!(focus(Lens::Pains, s), "exports take forever");
        let s = "Although the UI is nice, the exports are slow.";
        assert!(pain(s));
        assert_eq!(focus(Lens::Pains, s), "the exports are slow");
        let s = "Exports are slow, although the UI is nice.";
        assert!(pain(s));
        assert_eq!(focus(Lens::Pains, s), "Exports are slow");
        let s = "Not bad, but the search is terribly slow.";
        assert!(pain(s));
        assert_eq!(focus(Lens::Pains, s), "the search is terribly slow");
        // praise after "but" overrules a mild complaint before it
        assert!(!pain("It was a bit slow, but overall I love it."));
        assert!(success("It was a bit slow, but overall I love it."));
        assert_eq!(
            focus(Lens::Success, "It was a bit slow, but overall I love it."),
            "overall I love it"
        );
        // a whole sentence when one clause
        let s = "The sync is broken.";
        assert_eq!(focus(Lens::Pains, s), "The sync is broken");
        assert!(Lens::Pains.detect(s).valence < 0.0);
        assert!(Lens::Pains.detect("We love it.").valence > 0.0);
    }

    #[test]
    fn questions_are_weighed() {
        let need = Lens::Pains.detect("Is there a way to export?");
        assert_eq!(need.kind, Kind::Question);
        assert!(need.score > 0.0 && need.score < 1.0, "{need:?}");
        assert!(!pain("Can I change the logo?"));
        assert!(pain("How do I know when the sync is broken?"));
        assert!(pain("Why does it keep crashing?"));
        assert!(pain("Why can't I export to PDF?"));
        assert!(pain("Is there a way to stop the app from crashing?"));
        assert!(!success("Is it any good?"));
    }

    #[test]
    fn conditionals_are_weighed() {
        let s = "If it were cheaper we'd buy more seats.";
        let d = Lens::Objections.detect(s);
        assert!(d.score >= 1.0, "{d:?}");
        assert_eq!(d.kind, Kind::Conditional);
        assert!(!success(s));
        assert!(pain(
            "If it had a proper API we would switch everything over."
        ));
        assert!(pain("If the sync fails, nobody gets an alert."));
        assert_eq!(
            Lens::Pains
                .detect("If the sync fails, nobody gets an alert.")
                .kind,
            Kind::Conditional
        );
        assert!(!pain("If you need a simple invoicing tool, this is great."));
    }

    #[test]
    fn other_lenses_keep_their_cues() {
        assert!(
            Lens::Objections
                .is_signal("It is too expensive, we are looking at cheaper alternatives.")
        );
        assert!(!Lens::Objections.is_signal("It's not too expensive for what you get."));
        assert!(!Lens::Objections.is_signal("We are not looking at alternatives."));
        assert!(Lens::Objections.is_signal("Honestly it's not worth the price."));
        assert!(
            Lens::Triggers.is_signal("After the acquisition we started looking for a new tool.")
        );
        assert!(Lens::Triggers.is_signal("That's why we switched."));
        assert!(Lens::Success.is_signal("We save about fifteen hours a week on collections."));
        assert!(!Lens::Success.is_signal("We still have to reconcile by hand."));
    }

    #[test]
    fn no_trouble_is_not_a_pain() {
        for s in [
            "The latest version doesn't have any problems for me.",
            "It does not have any major issues.",
            "I haven't had any issues with it so far.",
            "Never had a problem with the sync.",
            "Zero issues since I switched.",
            "I have had no trouble at all.",
            "Hasn't let me down once.",
            "I can only recommend it.",
            "I wish I could give this 10 stars!",
            "Wish I could give it more stars.",
        ] {
            assert!(!pain(s), "{s}: {:?}", Lens::Pains.detect(s));
        }
        assert!(pain("I wish I could give it zero stars."));
        // the frame still tells of a missing capability when its object is one
        assert!(pain("It doesn't have a dark mode."));
        assert_eq!(
            Lens::Pains.detect("It doesn't have a dark mode.").kind,
            Kind::Missing
        );
    }

    #[test]
    fn a_pain_the_product_helps_with_is_solved() {
        for s in [
            "This app has helped me stay focused, because I struggle with distractions.",
            "I struggle with procrastination and this app really helps.",
            "Chasing late payers was a nightmare until we found Ledgerline.",
            "Reconciling by hand took forever until we started using it.",
            "It has saved me from the awful month-end scramble.",
            "The reminders helped us cut the backlog of overdue invoices.",
        ] {
            assert!(!pain(s), "{s}: {:?}", Lens::Pains.detect(s));
            assert!(success(s), "{s}: {:?}", Lens::Success.detect(s));
        }
        // help that is denied, wished for, or overruled leaves the pain
        for s in [
            "It helped at first, but now it crashes every day.",
            "The app helps a lot, but the sync is broken.",
            "Support helped me, yet the export still fails.",
            "Nothing helps, the sync keeps failing.",
            "It doesn't help that the export is so slow.",
            "It worked fine until the last update.",
        ] {
            assert!(pain(s), "{s}: {:?}", Lens::Pains.detect(s));
        }
    }

    #[test]
    fn emphatic_praise_is_no_pain() {
        for s in [
            "I could not recommend this more!",
            "I couldn't recommend it highly enough.",
        ] {
            assert!(!pain(s), "{s}: {:?}", Lens::Pains.detect(s));
        }
        for s in [
            "The latest update brought bug fixes but broke the calendar.",
            "Please fix the bugs.",
            "It is full of bugs.",
        ] {
            assert!(pain(s), "{s}: {:?}", Lens::Pains.detect(s));
        }
    }

    #[test]
    fn everyday_app_complaints_are_pains() {
        for s in [
            "Too many ads.",
            "The font is way too small to read.",
            "Half the time the upload just spins.",
            "The search never finds anything.",
            "Now I have to tap three times to send a photo.",
            "Sync stopped working after the last update.",
            "They charged me after I cancelled.",
            "The notifications come hours late.",
            "You can only attach one file at a time.",
            "Every time I open it, it asks me to sign in again.",
            "It doesn't remember my settings.",
            "Photos upload blurry.",
            "Calls cut out all the time.",
            "It randomly deletes my drafts.",
            "I'm deleting this app.",
            "The per-user price adds up fast for a small team.",
            "We won't pay for seats nobody uses.",
            "A full licence for a part-timer seems crazy.",
        ] {
            assert!(pain(s), "{s}: {:?}", Lens::Pains.detect(s));
            assert!(!success(s), "{s}: {:?}", Lens::Success.detect(s));
        }
    }
}
