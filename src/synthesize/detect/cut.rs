//! Cutting a sentence into clauses: at contrast and conceding markers,
//! hard punctuation, and "and" before a new subject; each cut says which
//! side is conceded and which stressed.

use super::{Role, Token};
use crate::synthesize::lexicon as lx;

pub(super) fn phrase_at(toks: &[Token], i: usize, end: usize, phrase: &str) -> usize {
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

pub(super) fn any_phrase_at(toks: &[Token], i: usize, end: usize, phrases: &[&str]) -> usize {
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
pub(super) struct Cut {
    pub(super) at: usize,
    pub(super) body: usize,
    pub(super) opens: Role,
    pub(super) before: Role,
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

pub(super) fn cuts(toks: &[Token]) -> Vec<Cut> {
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
