//! The CRM export given with `--accounts`: one row per account, matched to a
//! document's `account` by id or by company name, case-insensitively. Its
//! other columns are copied onto the account's documents.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::Metadata;
use super::decode::decode;
use super::table::CsvTable;
use crate::error::{Error, Result};

/// Column names accepted for the account id, in order of preference.
const ID_COLUMNS: &[&str] = &["account", "account_id", "id"];
/// Column names accepted for the company name.
const NAME_COLUMNS: &[&str] = &["name", "account_name", "company", "company_name"];

/// One CRM row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    pub id: String,
    pub name: Option<String>,
    /// The other columns, to be copied onto documents.
    pub meta: Metadata,
    /// The CSV row it was read from (the header is row 1).
    #[serde(default)]
    pub row: usize,
}

/// The CRM table, with lookups by lower-cased id and name.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Accounts {
    pub accounts: Vec<Account>,
    #[serde(skip)]
    lookup: HashMap<String, usize>,
}

impl PartialEq for Accounts {
    fn eq(&self, other: &Self) -> bool {
        self.accounts == other.accounts
    }
}

impl Accounts {
    /// Reads and parses the CSV at `path`. Returns the table and notes about
    /// rows that were skipped.
    pub fn load(path: &Path) -> Result<(Accounts, Vec<String>)> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let text = decode(&bytes)
            .map_err(|e| Error::Accounts {
                path: path.into(),
                message: e.to_string(),
            })?
            .text;
        Self::parse(&text).map_err(|message| Error::Accounts {
            path: path.into(),
            message,
        })
    }

    /// Parses CRM CSV text.
    pub fn parse(text: &str) -> std::result::Result<(Accounts, Vec<String>), String> {
        let table = CsvTable::open(text)?;
        let keys = table.keys.clone();
        let find = |names: &[&str]| names.iter().find_map(|n| keys.iter().position(|k| k == n));
        let id_col = find(ID_COLUMNS).ok_or_else(|| {
            format!(
                "no account id column (expected `account`, `account_id` or `id`; found: {})",
                table.headers.iter().collect::<Vec<_>>().join(", ")
            )
        })?;
        let name_col = find(NAME_COLUMNS);
        let mut accounts = Accounts::default();
        let mut notes = Vec::new();
        for row in table.rows() {
            let (row, record) = match row {
                Ok(r) => r,
                Err((row, note)) => {
                    notes.push(format!("row {row}: {note}; row skipped"));
                    continue;
                }
            };
            let id = record.get(id_col).unwrap_or("").trim().to_string();
            if id.is_empty() {
                notes.push(format!("row {row}: empty account id; row skipped"));
                continue;
            }
            let name = name_col
                .and_then(|c| record.get(c))
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_string);
            let mut meta = Metadata::new();
            for (c, (k, v)) in keys.iter().zip(record.iter()).enumerate() {
                if c != id_col && Some(c) != name_col {
                    meta.push(k, v);
                }
            }
            if let Some(n) = &name {
                meta.push("account_name", n);
            }
            accounts.accounts.push(Account {
                id,
                name,
                meta,
                row: row as usize,
            });
        }
        accounts.build_lookup(&mut notes);
        Ok((accounts, notes))
    }

    /// Rebuilds the lookup after deserialising.
    pub fn reindex(&mut self) {
        self.build_lookup(&mut Vec::new());
    }

    fn build_lookup(&mut self, notes: &mut Vec<String>) {
        self.lookup.clear();
        for (i, a) in self.accounts.iter().enumerate() {
            if self.lookup.insert(a.id.to_lowercase(), i).is_some() {
                notes.push(format!(
                    "account id `{}` appears twice; the last row wins",
                    a.id
                ));
            }
        }
        for (i, a) in self.accounts.iter().enumerate() {
            if let Some(n) = &a.name {
                self.lookup.entry(n.to_lowercase()).or_insert(i);
            }
        }
    }

    /// The account whose id or name is `key`, ignoring case.
    pub fn find(&self, key: &str) -> Option<&Account> {
        self.lookup
            .get(&key.trim().to_lowercase())
            .map(|&i| &self.accounts[i])
    }

    /// Number of accounts.
    pub fn len(&self) -> usize {
        self.accounts.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.accounts.is_empty()
    }

    /// A hash of the table's content, to notice when it changes.
    pub fn fingerprint(&self) -> u64 {
        let json = serde_json::to_vec(&self.accounts).unwrap_or_default();
        xxhash_rust::xxh3::xxh3_64(&json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_by_id_or_name_ignoring_case() {
        let (t, notes) = Accounts::parse(
            "Account,Name,Segment,ARR\nACC-1,Café Olé,smb,1200\nACC-2,Orbis Pharma,enterprise,90000\nACC-3\n,Nameless,smb,1\n",
        )
        .unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert_eq!(t.find("acc-1").unwrap().id, "ACC-1");
        assert_eq!(t.find("CAFÉ OLÉ").unwrap().id, "ACC-1");
        let orbis = t.find(" orbis pharma ").unwrap();
        assert_eq!(orbis.meta.first("segment"), Some("enterprise"));
        assert_eq!(orbis.meta.first("account_name"), Some("Orbis Pharma"));
        assert!(t.find("nobody").is_none());
    }

    #[test]
    fn needs_an_id_column() {
        let e = Accounts::parse("company,segment\nx,smb\n").unwrap_err();
        assert!(
            e.contains("no account id column") && e.contains("company, segment"),
            "{e}"
        );
    }

    #[test]
    fn survives_a_serde_round_trip() {
        let (t, _) = Accounts::parse("id,name\nA,Alpha\n").unwrap();
        let mut back: Accounts = serde_json::from_str(&serde_json::to_string(&t).unwrap()).unwrap();
        back.reindex();
        assert_eq!(back.find("alpha").unwrap().id, "A");
        assert_eq!(back.fingerprint(), t.fingerprint());
    }
}
