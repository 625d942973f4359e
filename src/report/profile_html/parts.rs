//! The page's small parts: escaping, tables, quotes, and figures as shown
//! ("20–600", "3 of 12 (25%)", the health metrics).

use crate::profile::figures::{Health, Money};
use crate::profile::narrative::{num, pct};
use crate::report::{attribution, html};
use crate::synthesize::themes::Quote;

/// The health metrics, as `metrics` gives them.
pub(super) const METRICS: [&str; 5] = [
    "Churn rate",
    "NPS",
    "Median ARR",
    "Median deal size",
    "Median sales cycle (days)",
];

/// Escapes text from the data; a URL in it reads the same but is not
/// written `http://` (nothing in the page may look like one).
pub(super) fn esc(s: &str) -> String {
    html::esc(s).replace("://", "&#58;//")
}

/// A table; `head` and the cells are HTML (already escaped).
pub(super) fn table<S: AsRef<str>>(head: &[S], rows: &[Vec<String>]) -> String {
    let th: String = head
        .iter()
        .map(|h| format!("<th>{}</th>", h.as_ref()))
        .collect();
    let mut s = format!("<table><tr>{th}</tr>\n");
    for r in rows {
        let td: String = r.iter().map(|c| format!("<td>{c}</td>")).collect();
        s += &format!("<tr>{td}</tr>\n");
    }
    s + "</table>\n"
}

/// A verified quote with its attribution (nothing otherwise).
pub(super) fn quote(q: Option<&Quote>) -> String {
    match q {
        Some(q) if q.verified => {
            let (text, src) = (esc(&q.text), esc(&attribution(q)));
            format!(
                "<blockquote>\u{201c}{text}\u{201d}<span class=\"src\">{src}</span></blockquote>"
            )
        }
        _ => String::new(),
    }
}

/// "20–600".
pub(super) fn span(a: f64, b: f64) -> String {
    format!("{}–{}", num(a), num(b))
}

pub(super) fn lift(x: f64) -> String {
    format!("{x:.1}\u{d7}")
}

/// "3 of 12 (25%)".
pub(super) fn of(k: usize, n: usize) -> String {
    match n {
        0 => format!("{k} of 0"),
        _ => format!("{k} of {n} ({})", pct(k as f64 / n as f64)),
    }
}

/// The figures named by METRICS, where known (HTML).
pub(super) fn metrics(h: &Health) -> [Option<String>; 5] {
    let c = h.churn.as_ref();
    let churn = c.map(|c| {
        format!(
            "{} <small>({} of {})</small>",
            pct(c.churn_rate),
            c.churned,
            c.known
        )
    });
    let nps = h.nps.as_ref().map(|n| match n.score {
        Some(s) => format!("{} <small>({} answers)</small>", num(s), n.responses),
        None => format!(
            "mean {} <small>({} answers)</small>",
            num(n.mean),
            n.responses
        ),
    });
    let money = |m: &Option<Money>| m.as_ref().map(|m| num(m.median));
    let cycle = h.sales_cycle.as_ref().map(|c| num(c.median_days));
    [churn, nps, money(&h.arr), money(&h.deal_size), cycle]
}

pub(super) fn dash(x: Option<String>) -> String {
    x.unwrap_or_else(|| "—".into())
}
