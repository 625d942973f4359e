//! CSV: one row per theme — `group,rank,title,accounts,mentions,summary,quote,path,location`
//! (the first verified quote, if any).

use super::{group_label, shown_quotes};
use crate::synthesize::summarize::Summary;

pub fn render(s: &Summary) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "group", "rank", "title", "accounts", "mentions", "summary", "quote", "path", "location",
    ]);
    for g in &s.groups {
        for (i, t) in g.themes.iter().enumerate() {
            let q = shown_quotes(t).next();
            let _ = w.write_record([
                group_label(s, &g.value),
                (i + 1).to_string(),
                t.title.clone(),
                t.accounts.to_string(),
                t.mentions.to_string(),
                t.summary.clone(),
                q.map(|q| q.text.clone()).unwrap_or_default(),
                q.map(|q| q.path.clone()).unwrap_or_default(),
                q.map(|q| q.location.clone()).unwrap_or_default(),
            ]);
        }
    }
    w.into_inner()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}
