//! Tables of phrases (the word lists' pattern syntax) indexed by their
//! first word, the longest match at a token, and the general table built
//! from `lexicon`.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::Token;
use super::tokens::tokenize;
use crate::synthesize::lexicon as lx;

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

    pub(super) fn idiom(self) -> bool {
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
