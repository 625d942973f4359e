//! The Ideal Client Profile as one self-contained HTML page: inline CSS and
//! inline SVG charts, no network fetch, no link, no image. It reads on screen
//! and printed to PDF, and without the charts: every chart repeats a table.
//! Every piece of text from the data is escaped.

mod charts;
mod parts;
mod sections;

use crate::profile::{GroupProfile, Profile, group_label};
use parts::{esc, table};
use sections::{best_section, changes, glance, group_section, prevalence};

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

#[cfg(test)]
mod tests;
