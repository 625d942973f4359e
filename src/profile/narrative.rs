//! Each group's narrative: sentences of computed facts (offline, the
//! narrative is these sentences), or a paragraph a model writes from them,
//! in which every number must be one of the facts' numbers: a sentence
//! stating any other number is removed and reported.

use super::GroupProfile;
use super::figures::Health;
use crate::synthesize::lens::Lens;

/// Formats a number as people read it: 48,000 · 12.5 · 3.
pub fn num(x: f64) -> String {
    let rounded = (x * 10.0).round() / 10.0;
    let (int, frac) = (
        rounded.trunc() as i64,
        (rounded.fract() * 10.0).round().abs() as i64,
    );
    let digits = int.abs().to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if rounded < 0.0 { "-" } else { "" };
    if frac == 0 {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    }
}

/// A share as a whole percentage: 0.333 → "33%".
pub fn pct(x: f64) -> String {
    format!("{}%", (x * 100.0).round())
}

/// The facts of one group, as sentences; `with_quotes` adds each theme's
/// quote (for a model), else only what the template shows.
pub fn facts(
    label: &str,
    g: &GroupProfile,
    base: usize,
    by: &str,
    money: &[&str],
    with_quotes: bool,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut initial = label.chars();
    let label: String = initial
        .next()
        .map(|c| c.to_uppercase().chain(initial).collect())
        .unwrap_or_default();
    out.push(format!(
        "{label} is {} of the {} accounts ({}).",
        g.accounts,
        base,
        pct(g.share)
    ));
    let mut traits: Vec<String> = Vec::new();
    for d in g.firmographics.iter().filter(|d| d.column != by) {
        if let Some(top) = d.values.first().filter(|v| v.share >= 0.4 && d.known >= 2) {
            traits.push(format!(
                "{} {} ({} of {})",
                d.column.replace('_', " "),
                top.value,
                top.accounts,
                d.known
            ));
        }
        if traits.len() == 3 {
            break;
        }
    }
    if !traits.is_empty() {
        out.push(format!("Most common: {}.", traits.join(", ")));
    }
    // a size, not the money the health sentences already give
    if let Some(s) = g
        .numbers
        .iter()
        .find(|s| !money.contains(&s.column.as_str()))
    {
        out.push(format!(
            "Median {} {} (from {} to {}).",
            s.column.replace('_', " "),
            num(s.median),
            num(s.min),
            num(s.max)
        ));
    }
    out.extend(health_sentences(&g.health, &g.rest));
    let lens_line = |lens: Lens, what: &str| -> Option<String> {
        let lt = g.themes.iter().find(|l| l.lens == lens)?;
        let t = lt.themes.first()?;
        let mut s = format!(
            "{what} \u{201c}{}\u{201d} ({} of {} accounts heard from).",
            t.title, t.accounts, lt.heard
        );
        if with_quotes {
            if let Some(q) = &t.quote {
                s.push_str(&format!(" A customer said: \u{201c}{}\u{201d}", q.text));
            }
        }
        Some(s)
    };
    out.extend(
        [
            (Lens::Pains, "Top pain:"),
            (Lens::Triggers, "They buy for:"),
            (Lens::Success, "They value:"),
            (Lens::Objections, "They hesitate over:"),
        ]
        .into_iter()
        .filter_map(|(lens, what)| lens_line(lens, what)),
    );
    out
}

/// The health metrics against the rest, as sentences.
fn health_sentences(h: &Health, rest: &Health) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(c) = &h.churn {
        let mut s = format!("Churn {} ({} of {})", pct(c.churn_rate), c.churned, c.known);
        if let Some(r) = &rest.churn {
            s.push_str(&format!(", against {} for the rest", pct(r.churn_rate)));
        }
        out.push(s + ".");
    }
    if let Some(n) = &h.nps {
        let mut s = match n.score {
            Some(score) => format!("NPS {} from {} answers", num(score), n.responses),
            None => format!("Mean NPS {} from {} accounts", num(n.mean), n.responses),
        };
        if let Some(r) = &rest.nps {
            s.push_str(&format!(
                ", against {} for the rest",
                num(r.score.unwrap_or(r.mean))
            ));
        }
        out.push(s + ".");
    }
    if let Some(a) = &h.arr {
        let mut s = format!("Median ARR {}", num(a.median));
        if let Some(r) = &rest.arr {
            s.push_str(&format!(" (the rest: {})", num(r.median)));
        }
        out.push(s + ".");
    }
    if let Some(c) = &h.sales_cycle {
        let mut s = format!("Median sales cycle {} days", num(c.median_days));
        if let Some(r) = &rest.sales_cycle {
            s.push_str(&format!(" (the rest: {})", num(r.median_days)));
        }
        out.push(s + ".");
    }
    out
}

/// The numbers written in digits in `text`, as numbers ("48,000" → 48000).
fn numbers(text: &str) -> Vec<f64> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let flush = |cur: &mut String, out: &mut Vec<f64>| {
        let t = cur.trim_end_matches([',', '.']).replace(',', "");
        if let Ok(x) = t.parse::<f64>() {
            out.push(x);
        }
        cur.clear();
    };
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let joins = (c == ',' || c == '.')
            && !cur.is_empty()
            && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
        if c.is_ascii_digit() || joins {
            cur.push(c);
        } else if !cur.is_empty() {
            flush(&mut cur, &mut out);
        }
    }
    if !cur.is_empty() {
        flush(&mut cur, &mut out);
    }
    out
}

/// Whether `reply` is a list (the facts copied back, numbered or bulleted)
/// rather than the paragraph asked for.
pub fn is_list(reply: &str) -> bool {
    let numbered = reply
        .split_whitespace()
        .zip(reply.split_whitespace().skip(1))
        .filter(|(a, b)| {
            a.strip_suffix('.').is_some_and(|n| {
                !n.is_empty() && n.len() <= 2 && n.chars().all(|c| c.is_ascii_digit())
            }) && b.starts_with(|c: char| c.is_uppercase())
        })
        .count();
    let bulleted = reply
        .lines()
        .filter(|l| l.trim_start().starts_with(['-', '*', '•']))
        .count();
    numbered >= 2 || bulleted >= 2
}

/// Keeps the sentences of `reply` whose numbers are all among the facts'
/// (as written, or rounded to a whole number); returns the kept paragraph
/// and the sentences removed.
pub fn check(reply: &str, facts: &[String]) -> (String, Vec<String>) {
    let known: Vec<f64> = facts.iter().flat_map(|f| numbers(f)).collect();
    let supported = |x: f64| known.iter().any(|k| *k == x || k.round() == x);
    let mut kept = Vec::new();
    let mut removed = Vec::new();
    for s in crate::text::sentences(reply) {
        let s = s.trim();
        if s.is_empty() {
            continue;
        }
        let list = if numbers(s).into_iter().all(supported) {
            &mut kept
        } else {
            &mut removed
        };
        // small models repeat themselves
        if !list.iter().any(|k: &String| k == s) {
            list.push(s.to_string());
        }
    }
    (kept.join(" "), removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_written_and_formatted_for_people() {
        assert_eq!(
            numbers("ARR 48,000 and 12.5 days, 3 of 7."),
            [48000.0, 12.5, 3.0, 7.0]
        );
        assert_eq!(num(48000.0), "48,000");
        assert_eq!(num(12.46), "12.5");
        assert_eq!(num(-20.0), "-20");
        assert_eq!(pct(0.3333), "33%");
    }

    #[test]
    fn a_sentence_with_a_number_the_facts_lack_is_removed() {
        let facts = vec![
            "Churn 33% (2 of 6).".to_string(),
            "Median ARR 48,000.".to_string(),
        ];
        let (kept, removed) = check(
            "They churn at 33%, two of six. Median ARR is 48,000. They grew 40% last year. They love reminders.",
            &facts,
        );
        assert_eq!(
            kept,
            "They churn at 33%, two of six. Median ARR is 48,000. They love reminders."
        );
        assert_eq!(removed, ["They grew 40% last year."]);
        let (kept, _) = check("They love reminders. They love reminders.", &facts);
        assert_eq!(kept, "They love reminders.");
    }

    #[test]
    fn the_facts_copied_back_as_a_list_are_not_a_narrative() {
        assert!(is_list(
            "1. Enterprise is 7 of 31. 2. Most common: plan enterprise."
        ));
        assert!(is_list("- churn 0%\n- NPS 12\n"));
        assert!(!is_list(
            "Mid-market customers stay: churn is 15%. They value the NetSuite sync."
        ));
    }
}
