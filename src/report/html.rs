//! HTML: one self-contained page (inline CSS, inline SVG bar charts, no
//! network fetches); every piece of customer text is escaped.

use super::{attribution, group_label, provider_label, shown_quotes};
use crate::synthesize::describe::count;
use crate::synthesize::summarize::Summary;

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font:15px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#1f2328}\
h1{font-size:1.6rem}h2{margin-top:2.5rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}\
.meta{color:#59636e}.theme{margin:1rem 0}.theme h3{margin:.2rem 0;font-size:1.05rem}\
.counts{color:#59636e;font-weight:normal}blockquote{margin:.4rem 0 .4rem 1rem;padding-left:.8rem;border-left:3px solid #d0d7de}\
.src{display:block;color:#59636e;font-size:.85rem}table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:right}\
td:first-child,th:first-child{text-align:left}svg text{font:12px system-ui,sans-serif;fill:#1f2328}";

/// A horizontal bar chart of accounts per theme.
fn chart(titles: &[(&str, usize)]) -> String {
    let max = titles.iter().map(|t| t.1).max().unwrap_or(1).max(1) as f32;
    let (label_w, bar_w, row_h) = (300.0, 400.0, 26.0);
    let height = row_h * titles.len() as f32 + 10.0;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{height}\" role=\"img\" aria-label=\"accounts per theme\">",
        label_w + bar_w + 60.0
    );
    for (i, (title, n)) in titles.iter().enumerate() {
        let y = i as f32 * row_h + 5.0;
        let w = bar_w * (*n as f32) / max;
        let short: String = title.chars().take(42).collect();
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect x=\"{}\" y=\"{y}\" width=\"{w:.1}\" height=\"{}\" fill=\"#4c78a8\"><title>{} accounts</title></rect><text x=\"{}\" y=\"{}\">{n}</text>",
            label_w - 8.0,
            y + 15.0,
            esc(&short),
            label_w,
            row_h - 8.0,
            n,
            label_w + w + 6.0,
            y + 15.0
        ));
    }
    svg.push_str("</svg>");
    svg
}

pub fn render(s: &Summary) -> String {
    let title = format!("{} by {}", s.lens.heading(), s.by);
    let mut out = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>\n<h1>{}</h1>\n<p class=\"meta\">{} · generated {} · filters: {}</p>\n",
        esc(&title),
        esc(&title),
        esc(&provider_label(s)),
        esc(&s.generated_at),
        esc(&s.filters)
    );
    if s.run.incomplete {
        out.push_str("<p><strong>Incomplete:</strong> the token budget ran out; run again to resume from the cache.</p>\n");
    }
    for g in &s.groups {
        out.push_str(&format!(
            "<h2>{} <span class=\"counts\">— {} documents, {} accounts</span></h2>\n",
            esc(&group_label(s, &g.value)),
            g.documents,
            g.accounts
        ));
        if g.themes.is_empty() {
            out.push_str("<p>No themes found for this lens.</p>\n");
            continue;
        }
        let bars: Vec<(&str, usize)> = g
            .themes
            .iter()
            .map(|t| (t.title.as_str(), t.accounts))
            .collect();
        out.push_str(&chart(&bars));
        for (i, t) in g.themes.iter().enumerate() {
            out.push_str(&format!(
                "<div class=\"theme\"><h3>{}. {} <span class=\"counts\">— {}, {}</span></h3><p>{}</p>",
                i + 1,
                esc(&t.title),
                count(t.accounts, "account"),
                count(t.mentions, "mention"),
                esc(&t.summary)
            ));
            for q in shown_quotes(t) {
                out.push_str(&format!(
                    "<blockquote>“{}”<span class=\"src\">{}</span></blockquote>",
                    esc(&q.text),
                    esc(&attribution(q))
                ));
            }
            out.push_str("</div>\n");
        }
    }
    if let Some(rows) = &s.compare {
        out.push_str("<h2>Compared across groups <span class=\"counts\">(accounts)</span></h2>\n<table><tr><th>theme</th>");
        for g in &s.groups {
            out.push_str(&format!("<th>{}</th>", esc(&group_label(s, &g.value))));
        }
        out.push_str("<th></th></tr>\n");
        for r in rows {
            out.push_str(&format!("<tr><td>{}</td>", esc(&r.title)));
            for a in &r.accounts {
                out.push_str(&format!("<td>{a}</td>"));
            }
            out.push_str(&format!(
                "<td>{}</td></tr>\n",
                if r.shared { "shared" } else { "specific" }
            ));
        }
        out.push_str("</table>\n");
    }
    out.push_str("</body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything_that_could_be_markup() {
        assert_eq!(
            esc("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
    }
}
