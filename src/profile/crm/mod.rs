//! The CRM table as the profile reads it: which column plays which role
//! (churn, NPS, ARR, deal size, open and close dates, firmographics), found
//! by common names or mapped in `[profile]`, and every value parsed
//! tolerantly ("$12,400", "12.4k", "yes"). A value that cannot be read is a
//! [`Problem`]: counted and named, never silently dropped.

mod cells;
mod columns;
mod read;

use std::collections::BTreeMap;

use serde::Serialize;

pub use cells::{Cell, parse_number, split_values};

/// Which column serves which role (`null`: none found).
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Roles {
    /// `churned` or `status=Churned|Lost`.
    pub churned: Option<String>,
    pub nps: Option<String>,
    /// `arr`, or `mrr×12`.
    pub arr: Option<String>,
    pub deal_size: Option<String>,
    pub created: Option<String>,
    pub closed: Option<String>,
    /// Categorical firmographic columns.
    pub categorical: Vec<String>,
    /// Numeric firmographic columns (ARR and deal size among them).
    pub numeric: Vec<String>,
}

impl Roles {
    /// The columns holding money (ARR, MRR, deal size).
    pub fn money(&self) -> Vec<&str> {
        [self.arr.as_deref(), self.deal_size.as_deref()]
            .into_iter()
            .flatten()
            .map(|c| c.trim_end_matches("×12"))
            .collect()
    }
}

/// A CRM value insight could not read.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Problem {
    pub account: String,
    /// The CSV row (the header is row 1).
    pub row: usize,
    pub column: String,
    pub value: String,
    /// What the column should hold.
    pub expected: String,
}

/// One account, its values read.
#[derive(Debug, Clone, Default)]
pub struct Acct {
    pub id: String,
    pub name: Option<String>,
    pub churned: Option<bool>,
    pub nps: Option<f64>,
    pub arr: Option<f64>,
    pub deal: Option<f64>,
    /// Seconds since the epoch.
    pub created: Option<i64>,
    pub closed: Option<i64>,
    /// Categorical columns: the values as written (a cell "A; B" is two).
    pub cats: BTreeMap<String, Vec<String>>,
    pub nums: BTreeMap<String, f64>,
    /// Every column's raw first value, by normalised key.
    pub raw: BTreeMap<String, String>,
}

impl Acct {
    /// The raw value of `key` (normalised), case kept.
    pub fn value(&self, key: &str) -> Option<&str> {
        match key {
            "account" | "account_id" | "id" => Some(self.id.as_str()),
            "name" | "account_name" => self.name.as_deref(),
            _ => self.raw.get(key).map(String::as_str),
        }
    }
}

/// The CRM table, read for the profile.
#[derive(Debug, Clone, Default)]
pub struct Crm {
    pub roles: Roles,
    pub accounts: Vec<Acct>,
    pub problems: Vec<Problem>,
}

#[cfg(test)]
mod tests;
