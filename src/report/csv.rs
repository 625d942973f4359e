//! CSV: one row per theme — `group,rank,title,accounts,mentions,summary,quote,path,location`
//! (the first verified quote, if any) — and the scored leads of
//! `profile --prospects`. Every cell is safe to open in a spreadsheet: text
//! that a spreadsheet would run as a formula is written as text.

use std::borrow::Cow;

use super::{group_label, shown_quotes};
use crate::profile::prospects::Scored;
use crate::synthesize::summarize::Summary;

/// `cell` as a spreadsheet reads it as text: a cell that starts like a
/// formula (`=`, `+`, `-`, `@`, a tab or a carriage return) and is not a
/// plain number gets a leading `'` (OWASP's advice against CSV injection).
pub fn spreadsheet_safe(cell: &str) -> Cow<'_, str> {
    let formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if formula && cell.trim().parse::<f64>().is_err() {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

fn record<I, S>(w: &mut csv::Writer<Vec<u8>>, cells: I) -> csv::Result<()>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    w.write_record(
        cells
            .into_iter()
            .map(|c| spreadsheet_safe(c.as_ref()).into_owned()),
    )
}

pub fn render(s: &Summary) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = record(
        &mut w,
        [
            "group", "rank", "title", "accounts", "mentions", "summary", "quote", "path",
            "location",
        ],
    );
    for g in &s.groups {
        for (i, t) in g.themes.iter().enumerate() {
            let q = shown_quotes(t).next();
            let _ = record(
                &mut w,
                [
                    group_label(s, &g.value),
                    (i + 1).to_string(),
                    t.title.clone(),
                    t.accounts.to_string(),
                    t.mentions.to_string(),
                    t.summary.clone(),
                    q.map(|q| q.text.clone()).unwrap_or_default(),
                    q.map(|q| q.path.clone()).unwrap_or_default(),
                    q.map(|q| q.location.clone()).unwrap_or_default(),
                ],
            );
        }
    }
    w.into_inner()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}

/// The scored leads: the lead's columns, then `fit_score`,
/// `fit_confidence`, `fit_reasons`.
pub fn prospects(s: &Scored) -> Result<String, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = s.headers.clone();
    header.extend(["fit_score", "fit_confidence", "fit_reasons"].map(String::from));
    record(&mut w, &header).map_err(|e| e.to_string())?;
    for l in &s.leads {
        let mut rec: Vec<String> = s
            .headers
            .iter()
            .map(|h| l.fields.get(h).cloned().unwrap_or_default())
            .collect();
        rec.push(l.fit_score.to_string());
        rec.push(format!("{:.2}", l.fit_confidence));
        rec.push(l.reasons.join("; "));
        record(&mut w, &rec).map_err(|e| e.to_string())?;
    }
    String::from_utf8(w.into_inner().map_err(|e| e.to_string())?).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::spreadsheet_safe;

    #[test]
    fn formulas_become_text_numbers_stay_numbers() {
        for (cell, want) in [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("@SUM(1,1)", "'@SUM(1,1)"),
            ("\t=1", "'\t=1"),
            ("-20", "-20"),
            ("+3.5", "+3.5"),
            ("plain text", "plain text"),
            ("a=b", "a=b"),
            ("", ""),
        ] {
            assert_eq!(spreadsheet_safe(cell), want, "{cell}");
        }
    }
}
