//! Markdown: a heading per group, themes ranked with their evidence counts
//! and verified quotes; the comparison as a table.

use super::{attribution, group_label, md_text, provider_label, shown_quotes};
use crate::synthesize::describe::count;
use crate::synthesize::summarize::Summary;

pub fn render(s: &Summary) -> String {
    let mut out = format!("# {} by {}\n\n", s.lens.heading(), s.by);
    out.push_str(&format!(
        "_{} · generated {} · filters: {}_\n",
        provider_label(s),
        s.generated_at,
        s.filters
    ));
    if s.run.incomplete {
        out.push_str(
            "\n> **Incomplete**: the token budget ran out; run again to resume from the cache.\n",
        );
    }
    for g in &s.groups {
        out.push_str(&format!(
            "\n## {} — {} documents, {} accounts\n\n",
            md_text(&group_label(s, &g.value)),
            g.documents,
            g.accounts
        ));
        if g.themes.is_empty() {
            out.push_str("No themes found for this lens.\n");
            continue;
        }
        for (i, t) in g.themes.iter().enumerate() {
            out.push_str(&format!(
                "{}. **{}** — {}, {}\n",
                i + 1,
                md_text(&t.title),
                count(t.accounts, "account"),
                count(t.mentions, "mention")
            ));
            out.push_str(&format!("   {}\n", md_text(&t.summary)));
            for q in shown_quotes(t) {
                out.push_str(&format!(
                    "   > “{}” — {}\n",
                    md_text(&q.text),
                    md_text(&attribution(q))
                ));
            }
            out.push('\n');
        }
    }
    if let Some(rows) = &s.compare {
        out.push_str("\n## Compared across groups (accounts)\n\n");
        out.push_str("| theme |");
        for g in &s.groups {
            out.push_str(&format!(" {} |", md_text(&group_label(s, &g.value))));
        }
        out.push_str(" |\n|---|");
        for _ in &s.groups {
            out.push_str("---:|");
        }
        out.push_str("---|\n");
        for r in rows {
            out.push_str(&format!("| {} |", md_text(&r.title)));
            for a in &r.accounts {
                out.push_str(&format!(" {a} |"));
            }
            let only: Vec<String> = s
                .groups
                .iter()
                .zip(&r.accounts)
                .filter(|(_, a)| **a > 0)
                .map(|(g, _)| md_text(&group_label(s, &g.value)))
                .collect();
            let note = if r.shared {
                "shared".to_string()
            } else {
                format!("only {}", only.join(""))
            };
            out.push_str(&format!(" {note} |\n"));
        }
    }
    out
}
