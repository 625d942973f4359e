//! The Ideal Client Profile as one self-contained HTML page: inline CSS and
//! inline SVG charts, no network fetch, no link, no image. It reads on screen
//! and printed to PDF, and without the charts: every chart repeats a table.
//! Every piece of text from the data is escaped.

use super::{attribution, html};
use crate::profile::best::{Best, ThemeLift};
use crate::profile::figures::{Health, Money};
use crate::profile::narrative::{num, pct};
use crate::profile::periods::Changes;
use crate::profile::{GroupProfile, LensThemes, Profile, group_label};
use crate::synthesize::lens::Lens;
use crate::synthesize::themes::Quote;

const STYLE: &str = "body{font:15px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#1f2328}\
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2.5rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}h3{font-size:1.05rem;margin:1.2rem 0 .3rem}\
.meta,.counts,.note,small{color:#59636e}.counts,.note{font-weight:normal;font-size:.9rem}\
.icp{border:2px solid #4c78a8;border-left-width:8px;padding:.6rem 1rem;margin:1.2rem 0;font-size:1.1rem}\
blockquote{margin:.3rem 0 .5rem 1rem;padding-left:.8rem;border-left:3px solid #d0d7de}.src{display:block;color:#59636e;font-size:.85rem}\
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #d0d7de;padding:.25rem .55rem;text-align:right;vertical-align:top}\
td:first-child,th:first-child{text-align:left}th{background:#f6f8fa}li{margin:.2rem 0}\
figure{margin:.8rem 0}svg{max-width:100%;height:auto}svg text{font:12px system-ui,sans-serif;fill:#1f2328}\
@media print{body{margin:0;max-width:none;font-size:10.5pt}h2{break-before:auto;break-after:avoid}h3{break-after:avoid}\
table,tr,figure,svg,blockquote,.icp,li{break-inside:avoid}th{background:none}}";

const SVG: &str = "http://www.w3.org/2000/svg";
/// Bar colours: the group (or the only series), then the rest.
const COLORS: [&str; 2] = ["#4c78a8", "#bab0ac"];
/// The health metrics, as `metrics` gives them.
const METRICS: [&str; 5] = [
    "Churn rate",
    "NPS",
    "Median ARR",
    "Median deal size",
    "Median sales cycle (days)",
];

/// Escapes text from the data; a URL in it reads the same but is not
/// written `http://` (nothing in the page may look like one).
fn esc(s: &str) -> String {
    html::esc(s).replace("://", "&#58;//")
}

/// One row of a bar chart: its label and, per series, a value and the text
/// shown after the bar.
struct Bar {
    label: String,
    values: Vec<(f64, String)>,
}

/// A horizontal bar chart (grouped with several series), with a zero axis
/// when a value is negative and an optional dashed reference line.
fn svg_bars(aria: &str, series: &[&str], rows: &[Bar], refline: Option<(f64, &str)>) -> String {
    let n = series.len().max(1);
    let (lw, bw, bh, aria) = (230.0_f64, 360.0, 15.0, esc(aria));
    let (row_h, top) = (bh * n as f64 + 9.0, if n > 1 { 24.0 } else { 4.0 });
    let vals = rows.iter().flat_map(|r| r.values.iter().map(|v| v.0));
    let all = vals.chain(refline.map(|r| r.0));
    let (lo, hi) = all.fold((0.0_f64, 0.0_f64), |(l, h), v| (l.min(v), h.max(v)));
    let (k, w, h) = (
        bw / (hi - lo).max(1e-9),
        lw + bw + 110.0,
        top + row_h * rows.len() as f64 + 18.0,
    );
    let x0 = lw - lo * k;
    let mut s = format!(
        "<figure><svg xmlns=\"{SVG}\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"{aria}\">"
    );
    for (i, name) in series.iter().enumerate().filter(|_| n > 1) {
        let (x, c, name) = (lw + i as f64 * 130.0, COLORS[i % 2], esc(name));
        s += &format!(
            "<rect x=\"{x}\" y=\"4\" width=\"12\" height=\"12\" fill=\"{c}\"/><text x=\"{}\" y=\"14\">{name}</text>",
            x + 16.0
        );
    }
    for (i, r) in rows.iter().enumerate() {
        let y = top + i as f64 * row_h;
        let mut short: String = r.label.chars().take(34).collect();
        if short.len() < r.label.len() {
            short.push('…');
        }
        let (short, full, ty) = (esc(&short), esc(&r.label), y + bh * n as f64 / 2.0 + 4.0);
        s += &format!(
            "<text x=\"{}\" y=\"{ty:.1}\" text-anchor=\"end\">{short}</text>",
            lw - 8.0
        );
        for (j, (v, text)) in r.values.iter().enumerate() {
            let (yb, xv, text, c) = (y + j as f64 * bh, x0 + v * k, esc(text), COLORS[j % 2]);
            let (x, bw, tx, ty) = (x0.min(xv), (xv - x0).abs(), x0.max(xv) + 4.0, yb + bh - 4.0);
            s += &format!(
                "<rect x=\"{x:.1}\" y=\"{yb:.1}\" width=\"{bw:.1}\" height=\"13\" fill=\"{c}\"><title>{full}: {text}</title></rect><text x=\"{tx:.1}\" y=\"{ty:.1}\">{text}</text>"
            );
        }
    }
    let bottom = h - 16.0;
    if lo < 0.0 {
        s += &format!(
            "<line x1=\"{x0:.1}\" y1=\"{top}\" x2=\"{x0:.1}\" y2=\"{bottom}\" stroke=\"#59636e\"/>"
        );
    }
    if let Some((at, label)) = refline {
        let (x, label) = (x0 + at * k, esc(label));
        s += &format!(
            "<line x1=\"{x:.1}\" y1=\"{top}\" x2=\"{x:.1}\" y2=\"{bottom}\" stroke=\"#cf222e\" stroke-dasharray=\"4 3\"/><text x=\"{x:.1}\" y=\"{}\" text-anchor=\"middle\">{label}</text>",
            h - 3.0
        );
    }
    s + "</svg></figure>\n"
}

/// A small bar for a table cell: `frac` (0–1) of it filled.
fn mini_bar(frac: f64) -> String {
    let (w, c) = (60.0 * frac.clamp(0.0, 1.0), COLORS[0]);
    format!(
        "<svg xmlns=\"{SVG}\" width=\"60\" height=\"9\" aria-hidden=\"true\"><rect width=\"60\" height=\"9\" fill=\"#eaeef2\"/><rect width=\"{w:.1}\" height=\"9\" fill=\"{c}\"/></svg> "
    )
}

/// A table; `head` and the cells are HTML (already escaped).
fn table<S: AsRef<str>>(head: &[S], rows: &[Vec<String>]) -> String {
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
fn quote(q: Option<&Quote>) -> String {
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
fn span(a: f64, b: f64) -> String {
    format!("{}–{}", num(a), num(b))
}

fn lift(x: f64) -> String {
    format!("{x:.1}\u{d7}")
}

/// "3 of 12 (25%)".
fn of(k: usize, n: usize) -> String {
    match n {
        0 => format!("{k} of 0"),
        _ => format!("{k} of {n} ({})", pct(k as f64 / n as f64)),
    }
}

/// The figures named by METRICS, where known (HTML).
fn metrics(h: &Health) -> [Option<String>; 5] {
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

fn dash(x: Option<String>) -> String {
    x.unwrap_or_else(|| "—".into())
}

fn label(p: &Profile, g: &GroupProfile) -> String {
    group_label(g.value.as_deref(), &p.by)
}

/// Renders the profile as one HTML page.
pub fn render(p: &Profile) -> String {
    let provider = esc(&super::provider_and_model(&p.provider, p.model.as_deref()));
    let filters = esc(match p.filters.trim() {
        "" => "none",
        f => f,
    });
    let (by, at, file, n) = (
        esc(&p.by),
        esc(&p.generated_at),
        esc(&p.accounts_file),
        p.accounts,
    );
    let mut out = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Ideal Client Profile by {by}</title><style>{STYLE}</style></head><body>\n<h1>Ideal Client Profile</h1>\n<p class=\"meta\">{provider} · generated {at} · filters: {filters} · accounts file {file} · {n} accounts profiled, grouped by {by}</p>\n"
    );
    if let Some(b) = &p.best {
        best_section(&mut out, b);
    }
    if !p.groups.is_empty() {
        glance(&mut out, p);
        prevalence(&mut out, p);
        p.groups.iter().for_each(|g| group_section(&mut out, p, g));
    }
    if let Some(ch) = &p.changes {
        changes(&mut out, ch);
    }
    if !p.problems.is_empty() {
        out += "<h2>Values that could not be read</h2>\n";
        let row = |x: &crate::profile::crm::Problem| {
            let cells = [&x.account, &x.column, &x.value, &x.expected].map(|c| esc(c));
            [vec![x.row.to_string()], cells.to_vec()].concat()
        };
        let rows: Vec<Vec<String>> = p.problems.iter().map(row).collect();
        out += &table(&["row", "account", "column", "value", "expected"], &rows);
    }
    if !p.run.notes.is_empty() {
        let item = |n: &String| format!("<li>{}</li>", esc(n));
        let items: String = p.run.notes.iter().map(item).collect();
        out += &format!("<h2>Notes</h2>\n<ul>{items}</ul>\n");
    }
    out + "</body></html>\n"
}

/// The one-sentence profile, then who the best customers are and what sets
/// them apart.
fn best_section(out: &mut String, b: &Best) {
    if !b.profile.trim().is_empty() {
        let icp = esc(&b.profile);
        *out += &format!("<div class=\"icp\"><strong>Ideal client.</strong> {icp}</div>\n");
    }
    let (rule, k, rest) = (esc(&b.rule), b.accounts, b.rest);
    *out += &format!(
        "<h2>Best customers</h2>\n<p>Chosen as the {rule}: <strong>{k}</strong> accounts, against {rest} for the rest."
    );
    if let Some(t) = b.threshold {
        *out += &format!(" The lowest {} among them: {}.", esc(&b.rank_by), num(t));
    }
    *out += "</p>\n";
    if b.traits.is_empty() {
        *out += "<p>No firmographic value stands out among them.</p>\n";
    } else {
        *out += "<h3>Over-represented among them</h3>\n";
        let row = |t: &crate::profile::best::Trait| {
            let (col, val, x) = (esc(&t.column), esc(&t.value), lift(t.lift));
            vec![col, val, of(t.best, t.best_of), of(t.all, t.all_of), x]
        };
        let rows: Vec<Vec<String>> = b.traits.iter().map(row).collect();
        *out += &table(
            &["column", "value", "best customers", "all accounts", "lift"],
            &rows,
        );
        let bar = |t: &crate::profile::best::Trait| Bar {
            label: format!("{}: {}", t.column, t.value),
            values: vec![(t.lift, lift(t.lift))],
        };
        let bars: Vec<Bar> = b.traits.iter().map(bar).collect();
        let refline = Some((1.0, "1.0× = as common as overall"));
        *out += &svg_bars("lift of each value", &[], &bars, refline);
    }
    if !b.ranges.is_empty() {
        *out += "<h3>Their numbers</h3>\n";
        let row = |r: &crate::profile::best::Range| {
            let (s, rest) = (&r.best, dash(r.rest_median.map(num)));
            let (mid, all) = (span(s.p25, s.p75), span(s.min, s.max));
            vec![esc(&s.column), mid, all, num(s.median), rest]
        };
        let rows: Vec<Vec<String>> = b.ranges.iter().map(row).collect();
        let head = [
            "column",
            "best: middle half",
            "best: min–max",
            "best: median",
            "rest: median",
        ];
        *out += &table(&head, &rows);
    }
    let (best, churned) = (&b.themes, &b.churned_themes);
    theme_lifts(out, "What the best customers raise more", best);
    theme_lifts(out, "What churned accounts raised more", churned);
}

fn theme_lifts(out: &mut String, heading: &str, themes: &[ThemeLift]) {
    if themes.is_empty() {
        return;
    }
    *out += &format!("<h3>{heading}</h3>\n<ul>\n");
    for t in themes {
        let (lens, title, q) = (t.lens.heading(), esc(&t.title), quote(t.quote.as_ref()));
        let (k, all, x) = (of(t.accounts, t.of), of(t.all, t.all_of), lift(t.lift));
        *out += &format!(
            "<li><small>{lens}</small> · <strong>{title}</strong> <span class=\"counts\">— {k} accounts, against {all} overall; lift {x}</span>{q}</li>\n"
        );
    }
    *out += "</ul>\n";
}

/// Group sizes, the health metrics side by side, and churn (or NPS) against
/// the rest.
fn glance(out: &mut String, p: &Profile) {
    *out += "<h2>Segments at a glance</h2>\n";
    let size = |g: &GroupProfile| Bar {
        label: label(p, g),
        values: vec![(
            g.accounts as f64,
            format!("{} ({})", g.accounts, pct(g.share)),
        )],
    };
    let sizes: Vec<Bar> = p.groups.iter().map(size).collect();
    *out += &svg_bars("accounts per group", &[], &sizes, None);
    let known = |i: usize| p.groups.iter().any(|g| metrics(&g.health)[i].is_some());
    let shown: Vec<usize> = (0..METRICS.len()).filter(|&i| known(i)).collect();
    let mut head = vec![esc(&p.by), "accounts".to_string()];
    let col = |&i: &usize| format!("{} <small>(rest)</small>", METRICS[i]);
    head.extend(shown.iter().map(col));
    let row = |g: &GroupProfile| {
        let (mut h, mut rest) = (metrics(&g.health), metrics(&g.rest));
        let size = format!("{} ({})", g.accounts, pct(g.share));
        let mut r = vec![esc(&label(p, g)), size];
        for &i in &shown {
            let rest = rest[i]
                .take()
                .map(|x| format!("<br><small>rest: {x}</small>"));
            r.push(dash(h[i].take()) + &rest.unwrap_or_default());
        }
        r
    };
    let rows: Vec<Vec<String>> = p.groups.iter().map(row).collect();
    *out += &table(&head, &rows);
    type Figure = fn(&Health) -> Option<f64>;
    let churn: Figure = |h| h.churn.as_ref().map(|c| c.churn_rate);
    let nps: Figure = |h| h.nps.as_ref().map(|n| n.score.unwrap_or(n.mean));
    let known = |f: Figure| p.groups.iter().any(|g| f(&g.health).is_some());
    let (what, figure, fmt): (&str, Figure, fn(f64) -> String) = if known(churn) {
        ("Churn rate", churn, pct)
    } else if known(nps) {
        ("NPS", nps, num)
    } else {
        return;
    };
    let v = |x: Option<f64>| (x.unwrap_or(0.0), x.map(fmt).unwrap_or_else(|| "n/a".into()));
    let pair = |g: &GroupProfile| Bar {
        label: label(p, g),
        values: vec![v(figure(&g.health)), v(figure(&g.rest))],
    };
    let bars: Vec<Bar> = p.groups.iter().map(pair).collect();
    *out += &format!("<h3>{what} against the rest</h3>\n");
    let (aria, series) = (format!("{what} per group"), ["this group", "the rest"]);
    *out += &svg_bars(&aria, &series, &bars, None);
}

/// Per lens: the top themes (rows) by group (columns), as a share of the
/// group's accounts heard from.
fn prevalence(out: &mut String, p: &Profile) {
    let mut body = String::new();
    for lens in Lens::ALL {
        let per_group: Vec<Option<&LensThemes>> = p
            .groups
            .iter()
            .map(|g| g.themes.iter().find(|l| l.lens == lens))
            .collect();
        let mut titles: Vec<(String, usize)> = Vec::new();
        for t in per_group.iter().flatten().flat_map(|l| &l.themes) {
            match titles
                .iter_mut()
                .find(|x| x.0.eq_ignore_ascii_case(&t.title))
            {
                Some(x) => x.1 += t.accounts,
                None => titles.push((t.title.clone(), t.accounts)),
            }
        }
        if titles.is_empty() {
            continue;
        }
        titles.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut head = vec!["theme".to_string()];
        for (g, l) in p.groups.iter().zip(&per_group) {
            let (name, heard) = (esc(&label(p, g)), l.map_or(0, |l| l.heard));
            head.push(format!("{name}<br><small>heard {heard}</small>"));
        }
        let cell = |l: &Option<&LensThemes>, title: &str| {
            let l = l.as_ref()?;
            let b = l
                .themes
                .iter()
                .find(|b| b.title.eq_ignore_ascii_case(title))?;
            Some(match (b.accounts, l.heard) {
                (k, 0) => k.to_string(),
                (k, h) => format!("{}{k}/{h}", mini_bar(k as f64 / h as f64)),
            })
        };
        let row = |(title, _): &(String, usize)| {
            let cells = per_group.iter().map(|l| dash(cell(l, title)));
            std::iter::once(esc(title)).chain(cells).collect()
        };
        let rows: Vec<Vec<String>> = titles.iter().take(10).map(row).collect();
        body += &format!("<h3>{}</h3>\n{}", lens.heading(), table(&head, &rows));
    }
    if !body.is_empty() {
        *out += "<h2>Theme prevalence</h2>\n<p class=\"note\">Accounts that raised each theme, of the group's accounts heard from (with documents); — : not among the group's top themes.</p>\n";
        *out += &body;
    }
}

/// One group: narrative, firmographics, numbers, health, themes.
fn group_section(out: &mut String, p: &Profile, g: &GroupProfile) {
    let (name, k, share) = (esc(&label(p, g)), g.accounts, pct(g.share));
    *out += &format!("<h2>{name} <span class=\"counts\">— {k} accounts ({share})</span></h2>\n");
    if !g.narrative.trim().is_empty() {
        let by = if g.narrative_by == "model" {
            "written by the model"
        } else {
            "computed"
        };
        *out += &format!("<p>{} <small>({by})</small></p>\n", esc(&g.narrative));
    }
    if !g.firmographics.is_empty() {
        *out += "<h3>Firmographics</h3>\n<ul>\n";
        for d in &g.firmographics {
            let vals: Vec<String> = (d.values.iter().take(5))
                .map(|v| format!("{} — {} ({})", esc(&v.value), v.accounts, pct(v.share)))
                .collect();
            let (col, known, vals) = (esc(&d.column), d.known, vals.join(" · "));
            *out += &format!(
                "<li><strong>{col}</strong> <small>({known} with a value)</small>: {vals}</li>\n"
            );
        }
        *out += "</ul>\n";
    }
    if !g.numbers.is_empty() {
        let row = |s: &crate::profile::figures::Spread| {
            vec![
                esc(&s.column),
                num(s.median),
                span(s.min, s.max),
                s.accounts.to_string(),
            ]
        };
        let rows: Vec<Vec<String>> = g.numbers.iter().map(row).collect();
        *out += "<h3>Numbers</h3>\n";
        *out += &table(&["column", "median", "min–max", "accounts"], &rows);
    }
    let (mine, rest) = (metrics(&g.health), metrics(&g.rest));
    let rows: Vec<Vec<String>> = (METRICS.iter().zip(mine).zip(rest))
        .filter(|((_, a), b)| a.is_some() || b.is_some())
        .map(|((name, a), b)| vec![name.to_string(), dash(a), dash(b)])
        .collect();
    if !rows.is_empty() {
        *out += "<h3>Health against the rest</h3>\n";
        *out += &table(&["", "this group", "the rest"], &rows);
    }
    for l in g.themes.iter().filter(|l| !l.themes.is_empty()) {
        let (lens, heard) = (l.lens.heading(), l.heard);
        *out += &format!(
            "<h3>{lens} <span class=\"counts\">— of {heard} accounts heard from</span></h3>\n<ol>\n"
        );
        for t in &l.themes {
            let (title, k, m) = (esc(&t.title), of(t.accounts, heard), t.mentions);
            let q = quote(t.quote.as_ref());
            *out += &format!(
                "<li><strong>{title}</strong> <span class=\"counts\">— {k}, {m} mentions</span>{q}</li>\n"
            );
        }
        *out += "</ol>\n";
    }
}

/// What changed between the two periods.
fn changes(out: &mut String, ch: &Changes) {
    let (b, a) = (&ch.before, &ch.after);
    let (bl, al) = (esc(&b.label), esc(&a.label));
    let (bs, bu, as_, au) = (esc(&b.since), esc(&b.until), esc(&a.since), esc(&a.until));
    *out += &format!(
        "<h2>What changed</h2>\n<p><strong>{al}</strong> ({as_} – {au}) against <strong>{bl}</strong> ({bs} – {bu}).</p>\n"
    );
    if !ch.metrics.is_empty() {
        let row = |m: &crate::profile::periods::MetricChange| {
            // the churn metric is a share; the others are counts and amounts
            let share = m.unit == "share";
            let show = |x: Option<f64>| dash(x.map(|x| if share { pct(x) } else { num(x) }));
            let change = match (m.before, m.after) {
                (Some(x), Some(y)) if share => format!("{:+} pts", ((y - x) * 100.0).round() + 0.0),
                (Some(x), Some(y)) => format!("{}{}", if y > x { "+" } else { "" }, num(y - x)),
                _ => "—".into(),
            };
            vec![esc(&m.metric), show(m.before), show(m.after), change]
        };
        let rows: Vec<Vec<String>> = ch.metrics.iter().map(row).collect();
        *out += &table(&["metric", &bl, &al, "change"], &rows);
    }
    if !ch.themes.is_empty() {
        let row = |t: &crate::profile::periods::ThemeChange| {
            let change = match t.change {
                c if c > 0 => format!("▲ +{c}"),
                c if c < 0 => format!("▼ {c}"),
                _ => "0".into(),
            };
            let (lens, title) = (t.lens.heading().to_string(), esc(&t.title));
            vec![
                lens,
                title,
                t.before.to_string(),
                t.after.to_string(),
                change,
            ]
        };
        let rows: Vec<Vec<String>> = ch.themes.iter().map(row).collect();
        *out += "<h3>Themes rising and falling <span class=\"counts\">(accounts)</span></h3>\n";
        *out += &table(&["lens", "theme", &bl, &al, "change"], &rows);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::best::{Range, Trait};
    use crate::profile::crm::{Problem, Roles};
    use crate::profile::figures::{Churn, Distribution, Spread, ValueCount};
    use crate::profile::periods::{MetricChange, PeriodSpec, ThemeChange, periods};
    use crate::profile::{Brief, RunStats};

    const EVIL: &str = "<script>alert(1)</script>";

    fn quote_of(text: &str) -> Option<Quote> {
        let (path, location) = ("calls/acme.md".into(), "L12".into());
        let (account, speaker) = (Some("ACME".into()), Some("Dana".into()));
        let text = text.into();
        Some(Quote {
            text,
            path,
            location,
            account,
            speaker,
            verified: true,
        })
    }

    fn health(churned: usize, known: usize, arr: f64) -> Health {
        let churn_rate = churned as f64 / known as f64;
        let retention_rate = 1.0 - churn_rate;
        let money = Money {
            accounts: known,
            total: arr * 4.0,
            mean: arr,
            median: arr,
        };
        let churn = Some(Churn {
            known,
            churned,
            churn_rate,
            retention_rate,
        });
        Health {
            accounts: known,
            churn,
            arr: Some(money),
            ..Health::default()
        }
    }

    fn spread() -> Spread {
        let (column, accounts, mean) = ("employees".into(), 4, 500.0);
        let (median, min, max, p25, p75) = (480.0, 10.0, 90_000.0, 20.0, 600.0);
        Spread {
            column,
            accounts,
            median,
            mean,
            min,
            max,
            p25,
            p75,
        }
    }

    fn group(value: Option<&str>, theme: &str) -> GroupProfile {
        let value_count = ValueCount {
            value: EVIL.into(),
            accounts: 3,
            share: 0.75,
        };
        let values = vec![value_count];
        let brief = Brief {
            title: theme.into(),
            accounts: 2,
            mentions: 5,
            account_ids: vec!["ACME".into()],
            quote: quote_of(EVIL),
        };
        let themes = vec![brief];
        GroupProfile {
            value: value.map(String::from),
            accounts: 4,
            share: 0.5,
            account_ids: vec!["ACME".into()],
            firmographics: vec![Distribution {
                column: "industry".into(),
                known: 4,
                values,
            }],
            numbers: vec![spread()],
            health: health(1, 4, 48_000.0),
            rest: health(2, 4, 12_000.0),
            themes: vec![LensThemes {
                lens: Lens::Pains,
                heard: 3,
                themes,
            }],
            narrative: format!("Narrative {EVIL}"),
            narrative_by: "model".into(),
        }
    }

    fn best() -> Best {
        let (column, value) = ("industry".into(), EVIL.into());
        let t = Trait {
            column,
            value,
            best: 2,
            best_of: 2,
            all: 3,
            all_of: 8,
            lift: 2.6667,
        };
        let (lens, title, quote) = (Lens::Success, EVIL.into(), quote_of(EVIL));
        let (accounts, of, all, all_of, lift) = (2, 2, 3, 8, 2.6667);
        let theme = ThemeLift {
            lens,
            title,
            accounts,
            of,
            all,
            all_of,
            lift,
            quote,
        };
        Best {
            rank_by: "arr".into(),
            rule: "top quartile by arr".into(),
            accounts: 2,
            account_ids: vec!["ACME".into()],
            rest: 6,
            threshold: Some(48_000.0),
            traits: vec![t],
            ranges: vec![Range {
                best: spread(),
                rest_median: None,
            }],
            themes: vec![theme],
            churned_themes: Vec::new(),
            profile: format!("Best customers: {EVIL}"),
        }
    }

    fn profile() -> Profile {
        let (account, row, column) = ("ACME".into(), 3, "arr".into());
        let (value, expected) = ("<b>lots</b>".into(), "a number".into());
        let problem = Problem {
            account,
            row,
            column,
            value,
            expected,
        };
        Profile {
            by: "segment".into(),
            generated_at: "2026-01-01T00:00:00Z".into(),
            provider: "extractive".into(),
            model: None,
            filters: "segment=Enterprise".into(),
            accounts_file: "crm.csv".into(),
            accounts: 8,
            columns: Roles::default(),
            problems: vec![problem],
            groups: vec![group(Some(EVIL), EVIL), group(None, "Slow exports")],
            best: Some(best()),
            changes: None,
            run: RunStats {
                notes: vec![format!("note {EVIL}")],
                ..RunStats::default()
            },
        }
    }

    #[test]
    fn data_is_escaped_and_nothing_is_fetched() {
        let html = render(&profile());
        assert!(
            !html.contains("<script") && !html.contains("<b>lots"),
            "unescaped markup"
        );
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!html.contains("<a ") && !html.contains("<img"));
        let rest = html.replace("http://www.w3.org/2000/svg", "");
        assert!(!rest.contains("http"), "a URL other than the SVG namespace");
        assert!(html.contains("<svg") && html.contains("break-inside:avoid"));
        assert!(html.contains("2.7\u{d7}") && html.contains("48,000") && html.contains("25%"));
        assert!(html.contains("(no segment)") && html.contains("written by the model"));
        let sections = ["Best customers", "Segments at a glance", "Theme prevalence"];
        for h in sections
            .iter()
            .chain(&["Values that could not be read", "Notes"])
        {
            assert!(html.contains(&format!("<h2>{h}</h2>")), "{h} missing");
        }
    }

    #[test]
    fn what_changed_shows_both_periods() {
        let mut p = profile();
        let [before, after] = periods(&PeriodSpec::Quarter, Some(1_767_225_600)).unwrap();
        let churn = "churned since, of deals won".to_string();
        let (b, a) = (Some(0.5), Some(0.25));
        let metrics = vec![MetricChange {
            metric: churn,
            unit: "share",
            before: b,
            after: a,
        }];
        let (lens, title) = (Lens::Pains, EVIL.to_string());
        let themes = vec![ThemeChange {
            lens,
            title,
            before: 1,
            after: 4,
            change: 3,
        }];
        p.changes = Some(Changes {
            before,
            after,
            metrics,
            themes,
        });
        let html = render(&p);
        assert!(html.contains("<h2>What changed</h2>") && html.contains("2026"));
        assert!(html.contains("-25 pts") && html.contains("▲ +3"));
        assert!(!html.contains("<script"));
    }

    #[test]
    fn a_url_in_the_data_is_not_written_as_one() {
        let mut p = profile();
        p.filters = "see https://evil.example/x".into();
        p.groups[0].themes[0].themes[0].quote = quote_of("go to http://evil.example");
        let html = render(&p).replace("http://www.w3.org/2000/svg", "");
        assert!(!html.contains("http://") && !html.contains("https://"));
        assert!(html.contains("https&#58;//evil.example/x"));
        assert!(!html.contains("href") && !html.contains("src="));
    }

    #[test]
    fn empty_sections_are_left_out() {
        let mut p = profile();
        (p.best, p.problems, p.run.notes, p.groups) = (None, vec![], vec![], vec![]);
        let html = render(&p);
        assert!(!html.contains("Best customers") && !html.contains("could not be read"));
        assert!(!html.contains("<h2>Notes") && !html.contains("<svg"));
        assert!(html.contains("<h1>Ideal Client Profile</h1>"));
    }
}
