//! Reading one clause: its past, solved, help and "if" markers, the
//! matches of the table, negation scopes, and the complaint, praise and
//! solved pains they add up to.

use super::cut::{any_phrase_at, phrase_at};
use super::table::{Class, Match, Table};
use super::wordsets::{COUNTERFACTUAL, FRAME_OBJECT_FILLERS, HEDGES, PAST_FORMS, STOP, is_negator};
use super::{
    ABSENCE, CONDITIONAL, Clause, Cond, HELPS, Kind, NEGATED_COMPLAINT, NEGATED_FUNCTION, Token,
    VADER, VADER_MIN, VADER_SCALE,
};
use crate::synthesize::lexicon as lx;

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

pub(super) fn read_clause(toks: &[Token], start: usize, end: usize, table: &Table) -> Clause {
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
