//! Reading a whole sentence: its clauses read one by one, joined helps
//! and contrast weights between them, questions; and a lens's cues scored
//! clause by clause.

use super::clause::read_clause;
use super::cut::{any_phrase_at, cuts};
use super::table::{Class, Table, general};
use super::tokens::tokenize;
use super::wordsets::is_negator;
use super::{CONCEDED, CONDITIONAL, Clause, Facts, Kind, NEED_QUESTION, Role, STRESSED, Token};
use crate::synthesize::lexicon as lx;

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
