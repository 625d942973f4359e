//! CSV files with a header row: one document per row, the other columns as its
//! metadata. Rows that cannot be read are skipped with a note; the rest is kept.

use std::collections::{HashMap, HashSet};

use super::passage::split_block;
use super::{Document, Location, Metadata, ParseOptions, Parsed, pick_text_column};
use crate::text::normalize_key;

/// Parses a CSV file. Rows are numbered as a spreadsheet shows them (the
/// header is row 1).
pub fn parse_csv(text: &str, opts: &ParseOptions) -> Result<Parsed, String> {
    let table = CsvTable::open(text)?;
    let key_refs: Vec<&str> = table.keys.iter().map(String::as_str).collect();
    let Some(text_key) = pick_text_column(&key_refs, opts).map(str::to_string) else {
        return Err(format!(
            "no text column (columns: {}); name it with --text-column (or pass a CRM export with --accounts)",
            table.headers.iter().collect::<Vec<_>>().join(", ")
        ));
    };
    let text_idx = key_refs.iter().position(|k| *k == text_key).unwrap_or(0);
    let keys = table.keys.clone();
    let mut parsed = Parsed::default();
    for row in table.rows() {
        let (row, record) = match row {
            Ok(r) => r,
            Err((row, note)) => {
                parsed.notes.push(format!("row {row}: {note}; row skipped"));
                parsed.failed_parts.push(format!("row{row}"));
                continue;
            }
        };
        let body = record.get(text_idx).unwrap_or("");
        if body.trim().is_empty() {
            continue;
        }
        let mut meta = Metadata::new();
        for (k, v) in keys.iter().zip(record.iter()) {
            if *k != text_key {
                meta.push(k, v);
            }
        }
        let passages = split_block(body, Location::Row(row));
        if passages.is_empty() {
            // only a rule (`---`), as in JSONL: no text to index
            continue;
        }
        parsed.documents.push(Document {
            part: format!("row{row}"),
            meta,
            passages,
        });
    }
    Ok(parsed)
}

/// A CSV text with its header row read: the shared reader for documents and
/// for the CRM export.
pub struct CsvTable<'a> {
    pub headers: csv::StringRecord,
    /// Normalised header keys (duplicates get `_2`, `_3`).
    pub keys: Vec<String>,
    reader: csv::Reader<&'a [u8]>,
}

impl<'a> CsvTable<'a> {
    /// Reads the header row of `text`.
    pub fn open(text: &'a str) -> Result<CsvTable<'a>, String> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| format!("cannot read the header row: {e}"))?
            .clone();
        Ok(CsvTable {
            keys: header_keys(&headers),
            headers,
            reader,
        })
    }

    /// The rows with their spreadsheet row numbers (the header is row 1).
    /// Blank rows are left out; a malformed row comes as `Err((row, why))`.
    pub fn rows(
        self,
    ) -> impl Iterator<Item = Result<(u64, csv::StringRecord), (u64, String)>> + 'a {
        let width = self.headers.len();
        self.reader
            .into_records()
            .enumerate()
            .filter_map(move |(i, record)| {
                let row = i as u64 + 2;
                match record {
                    Ok(r) if r.len() == width => Some(Ok((row, r))),
                    Ok(r) if r.iter().all(|f| f.trim().is_empty()) => None,
                    Ok(r) => Some(Err((
                        row,
                        format!("{} field(s), the header has {width}", r.len()),
                    ))),
                    Err(e) => Some(Err((row, csv_error(&e)))),
                }
            })
    }
}

/// Normalised header keys; duplicates get `_2`, `_3` suffixes.
fn header_keys(headers: &csv::StringRecord) -> Vec<String> {
    let mut keys: Vec<String> = Vec::with_capacity(headers.len());
    // the keys taken so far, and per base key the next suffix to try: a
    // header row of thousands of equal names stays linear
    let mut taken: HashSet<String> = HashSet::with_capacity(headers.len());
    let mut next_suffix: HashMap<String, usize> = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        let mut k = normalize_key(h);
        if k.is_empty() {
            k = format!("column_{}", i + 1);
        }
        if taken.contains(&k) {
            let n = next_suffix.entry(k.clone()).or_insert(2);
            let base = k;
            loop {
                k = format!("{base}_{n}");
                *n += 1;
                if !taken.contains(&k) {
                    break;
                }
            }
        }
        taken.insert(k.clone());
        keys.push(k);
    }
    keys
}

fn csv_error(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_become_documents_with_spreadsheet_row_numbers() {
        let csv = "Date,Account,Rep,Notes\n2026-08-01,ACC-1,Sam,\"Price is high, \"\"way\"\" too high.\"\n2026-08-02,ACC-2,Sam,\n2026-08-03,ACC-3\n2026-08-04,ACC-4,Ana,Sync breaks.\n";
        let p = parse_csv(csv, &ParseOptions::default()).unwrap();
        assert_eq!(p.documents.len(), 2);
        let d = &p.documents[0];
        assert_eq!(d.part, "row2");
        assert_eq!(d.meta.first("account"), Some("ACC-1"));
        assert!(!d.meta.contains("notes"));
        assert_eq!(d.passages[0].text, "Price is high, \"way\" too high.");
        assert_eq!(d.passages[0].location.to_string(), "row 2");
        assert_eq!(p.documents[1].part, "row5");
        assert_eq!(
            p.notes,
            ["row 4: 2 field(s), the header has 4; row skipped"]
        );
        assert_eq!(p.failed_parts, ["row4"]);
    }

    #[test]
    fn a_row_of_only_a_rule_is_no_document() {
        // found by the property tests: a row whose text is `---` gave a
        // document without passages
        let p = parse_csv(
            "text,account\n---,ACC-1\nSSO please.,ACC-2\n",
            &Default::default(),
        );
        let p = p.unwrap();
        assert_eq!(p.documents.len(), 1);
        assert_eq!(p.documents[0].part, "row3");
    }

    #[test]
    fn missing_text_column_names_the_columns() {
        let err = parse_csv("account,name,segment\na,b,c\n", &ParseOptions::default()).unwrap_err();
        assert!(
            err.contains("account, name, segment") && err.contains("--text-column"),
            "{err}"
        );
        let opts = ParseOptions {
            text_column: Some("Name".into()),
        };
        let p = parse_csv("account,name\na,hello there\n", &opts).unwrap();
        assert_eq!(p.documents[0].passages[0].text, "hello there");
    }

    #[test]
    fn duplicate_headers_are_kept_apart() {
        let keys = header_keys(&csv::StringRecord::from(vec!["Tag", "tag", "", "TAG"]));
        assert_eq!(keys, ["tag", "tag_2", "column_3", "tag_3"]);
        let keys = header_keys(&csv::StringRecord::from(vec!["a_2", "a", "a", "a"]));
        assert_eq!(keys, ["a_2", "a", "a_3", "a_4"]);
    }

    #[test]
    fn a_wide_header_of_one_name_takes_linear_time() {
        // every duplicate searched all keys for each suffix it tried: cubic,
        // and a one-line CSV of 50,000 commas never finished
        let names = vec!["note"; 50_000];
        let started = std::time::Instant::now();
        let keys = header_keys(&csv::StringRecord::from(names));
        assert_eq!(keys[49_999], "note_50000");
        let blank = ",".repeat(50_000);
        assert!(parse_csv(&blank, &ParseOptions::default()).is_err());
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }
}
