//! Markdown for the Ideal Client Profile: the profile in one sentence, the
//! best customers and what sets them apart, each group's facts, health
//! against the rest and what they say, what changed, and the CRM values
//! that could not be read.

use super::{attribution, md_text};
use crate::profile::figures::Health;
use crate::profile::narrative::{num, pct};
use crate::profile::{Profile, group_label};

/// A table cell: escaped, no pipes or line breaks.
fn cell(s: &str) -> String {
    md_text(&s.replace('|', "/"))
}

fn opt(x: Option<String>) -> String {
    x.unwrap_or_else(|| "—".into())
}

/// The health metrics as table cells: churn, NPS, median ARR, median deal, cycle.
pub fn health_cells(h: &Health) -> [String; 5] {
    [
        opt(h
            .churn
            .as_ref()
            .map(|c| format!("{} ({}/{})", pct(c.churn_rate), c.churned, c.known))),
        opt(h.nps.as_ref().map(|n| match n.score {
            Some(s) => format!("{} (n={})", num(s), n.responses),
            None => format!("mean {} (n={})", num(n.mean), n.responses),
        })),
        opt(h.arr.as_ref().map(|a| num(a.median))),
        opt(h.deal_size.as_ref().map(|a| num(a.median))),
        opt(h
            .sales_cycle
            .as_ref()
            .map(|c| format!("{} d", num(c.median_days)))),
    ]
}

pub fn render(p: &Profile) -> String {
    let mut out = String::from("# Ideal Client Profile\n\n");
    let provider = super::provider_and_model(&p.provider, p.model.as_deref());
    out.push_str(&format!(
        "_{} accounts from {} by {} · {} · generated {} · filters: {}_\n",
        p.accounts, p.accounts_file, p.by, provider, p.generated_at, p.filters
    ));
    if let Some(b) = &p.best {
        out.push_str(&format!("\n> **{}**\n", md_text(&b.profile)));
        out.push_str(&format!(
            "\n## Best customers\n\n{} accounts ({}) against the other {}.\n",
            b.accounts, b.rule, b.rest
        ));
        if !b.traits.is_empty() {
            out.push_str(
                "\n| trait | best customers | all accounts | lift |\n|---|---:|---:|---:|\n",
            );
            for t in &b.traits {
                out.push_str(&format!(
                    "| {} = {} | {} of {} | {} of {} | {:.1}× |\n",
                    cell(&t.column),
                    cell(&t.value),
                    t.best,
                    t.best_of,
                    t.all,
                    t.all_of,
                    t.lift
                ));
            }
        }
        if !b.ranges.is_empty() {
            out.push_str("\n| column | best customers (middle half) | range | rest (median) |\n|---|---:|---:|---:|\n");
            for r in &b.ranges {
                out.push_str(&format!(
                    "| {} | {}–{} | {}–{} | {} |\n",
                    cell(&r.best.column),
                    num(r.best.p25),
                    num(r.best.p75),
                    num(r.best.min),
                    num(r.best.max),
                    opt(r.rest_median.map(num))
                ));
            }
        }
        for (heading, list) in [
            ("What the best customers say more than others", &b.themes),
            (
                "What churned accounts say more than others",
                &b.churned_themes,
            ),
        ] {
            if list.is_empty() {
                continue;
            }
            out.push_str(&format!("\n### {heading}\n\n"));
            for t in list {
                out.push_str(&format!(
                    "- **{}** ({}) — {} of {} accounts, against {} of {} overall (lift {:.1}×)\n",
                    md_text(&t.title),
                    t.lens.name(),
                    t.accounts,
                    t.of,
                    t.all,
                    t.all_of,
                    t.lift
                ));
                if let Some(q) = &t.quote {
                    out.push_str(&format!(
                        "  > “{}” — {}\n",
                        md_text(&q.text),
                        md_text(&attribution(q))
                    ));
                }
            }
        }
    }
    // the groups side by side
    out.push_str(&format!(
        "\n## Groups by {}\n\n| {} | accounts | share | churn | NPS | median ARR | median deal | sales cycle |\n|---|---:|---:|---:|---:|---:|---:|---:|\n",
        p.by, p.by
    ));
    for g in &p.groups {
        let [churn, nps, arr, deal, cycle] = health_cells(&g.health);
        out.push_str(&format!(
            "| {} | {} | {} | {churn} | {nps} | {arr} | {deal} | {cycle} |\n",
            cell(&group_label(g.value.as_deref(), &p.by)),
            g.accounts,
            pct(g.share)
        ));
    }
    for g in &p.groups {
        let label = md_text(&group_label(g.value.as_deref(), &p.by));
        out.push_str(&format!(
            "\n## {label} — {} accounts ({})\n\n",
            g.accounts,
            pct(g.share)
        ));
        out.push_str(&md_text(&g.narrative));
        out.push_str(if g.narrative_by == "model" {
            " _(written by the model from the facts below)_\n"
        } else {
            "\n"
        });
        if !g.firmographics.is_empty() || !g.numbers.is_empty() {
            out.push_str("\n**Firmographics**\n\n");
            for d in &g.firmographics {
                let values: Vec<String> = d
                    .values
                    .iter()
                    .take(5)
                    .map(|v| format!("{} {} ({})", v.value, v.accounts, pct(v.share)))
                    .collect();
                let more = d.values.len().saturating_sub(5);
                out.push_str(&format!(
                    "- {}: {}{}\n",
                    d.column.replace('_', " "),
                    values.join(", "),
                    if more > 0 {
                        format!(", {more} more")
                    } else {
                        String::new()
                    }
                ));
            }
            for s in &g.numbers {
                out.push_str(&format!(
                    "- {}: median {} (from {} to {}, n={})\n",
                    s.column.replace('_', " "),
                    num(s.median),
                    num(s.min),
                    num(s.max),
                    s.accounts
                ));
            }
        }
        let [c1, n1, a1, d1, s1] = health_cells(&g.health);
        let [c2, n2, a2, d2, s2] = health_cells(&g.rest);
        out.push_str(&format!(
            "\n| | {label} | the rest |\n|---|---:|---:|\n| churn | {c1} | {c2} |\n| NPS | {n1} | {n2} |\n| median ARR | {a1} | {a2} |\n| median deal size | {d1} | {d2} |\n| median sales cycle | {s1} | {s2} |\n"
        ));
        for lt in &g.themes {
            out.push_str(&format!("\n**{}**", lt.lens.heading()));
            if lt.themes.is_empty() {
                out.push_str(" — nothing heard\n");
                continue;
            }
            out.push_str("\n\n");
            for t in &lt.themes {
                out.push_str(&format!(
                    "- **{}** — {} of {} accounts heard from, {} mention(s)\n",
                    md_text(&t.title),
                    t.accounts,
                    lt.heard,
                    t.mentions
                ));
                if let Some(q) = &t.quote {
                    out.push_str(&format!(
                        "  > “{}” — {}\n",
                        md_text(&q.text),
                        md_text(&attribution(q))
                    ));
                }
            }
        }
    }
    if let Some(c) = &p.changes {
        out.push_str(&format!(
            "\n## What changed: {} ({} – {}) against {} ({} – {})\n\n| metric | {} | {} |\n|---|---:|---:|\n",
            c.after.label, c.after.since, c.after.until, c.before.label, c.before.since, c.before.until, c.before.label, c.after.label
        ));
        for m in &c.metrics {
            let show = |x: Option<f64>| match m.unit {
                "share" => opt(x.map(pct)),
                "days" => opt(x.map(|d| format!("{} d", num(d)))),
                _ => opt(x.map(num)),
            };
            out.push_str(&format!(
                "| {} | {} | {} |\n",
                m.metric,
                show(m.before),
                show(m.after)
            ));
        }
        if c.themes.is_empty() {
            out.push_str("\nNo theme was raised by more or fewer accounts.\n");
        } else {
            out.push_str(&format!(
                "\n| theme | lens | {} | {} | change |\n|---|---|---:|---:|---:|\n",
                c.before.label, c.after.label
            ));
            for t in c.themes.iter().take(12) {
                out.push_str(&format!(
                    "| {} | {} | {} | {} | {}{} |\n",
                    cell(&t.title),
                    t.lens.name(),
                    t.before,
                    t.after,
                    if t.change > 0 { "▲ +" } else { "▼ " },
                    t.change
                ));
            }
        }
    }
    if !p.problems.is_empty() {
        out.push_str(&format!(
            "\n## Values that could not be read ({})\n\n| row | account | column | value | expected |\n|---:|---|---|---|---|\n",
            p.problems.len()
        ));
        for x in &p.problems {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                x.row,
                cell(&x.account),
                cell(&x.column),
                cell(&x.value),
                cell(&x.expected)
            ));
        }
    }
    if !p.run.notes.is_empty() {
        out.push_str("\n## Notes\n\n");
        for n in &p.run.notes {
            out.push_str(&format!("- {n}\n"));
        }
    }
    out
}
