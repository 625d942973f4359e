//! The page's sections: best customers, segments at a glance, theme
//! prevalence, one per group, and what changed between two periods.

use super::charts::{Bar, mini_bar, svg_bars};
use super::label;
use super::parts::{METRICS, dash, esc, lift, metrics, of, quote, span, table};
use crate::profile::best::{Best, ThemeLift};
use crate::profile::figures::Health;
use crate::profile::narrative::{num, pct};
use crate::profile::periods::Changes;
use crate::profile::{GroupProfile, LensThemes, Profile};
use crate::synthesize::lens::Lens;

/// The one-sentence profile, then who the best customers are and what sets
/// them apart.
pub(super) fn best_section(out: &mut String, b: &Best) {
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
pub(super) fn glance(out: &mut String, p: &Profile) {
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
pub(super) fn prevalence(out: &mut String, p: &Profile) {
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
pub(super) fn group_section(out: &mut String, p: &Profile, g: &GroupProfile) {
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
pub(super) fn changes(out: &mut String, ch: &Changes) {
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
