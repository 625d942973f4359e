//! Reading the CRM table: each role's column (mapped or found by name),
//! the firmographic columns, and every account's values, with a
//! [`Problem`] for each value that cannot be read.

use std::collections::{BTreeMap, BTreeSet};

use super::cells::{
    Cell, is_blank, is_missing, parse_bool, parse_number, parse_when, split_values,
};
use super::columns::{
    ARR_COLUMNS, CHURN_COLUMNS, CHURNED_STATUSES, CLOSED_COLUMNS, CREATED_COLUMNS, DEAL_COLUMNS,
    MRR_COLUMNS, NOT_FIRMOGRAPHIC, NPS_COLUMNS, STATUS_COLUMNS,
};
use super::{Acct, Crm, Problem, Roles};
use crate::config::ProfileConfig;
use crate::ingest::accounts::Accounts;
use crate::ingest::date::parse_date;
use crate::text::normalize_key;

/// How the churned role is read.
#[derive(Debug, Clone)]
enum ChurnRule {
    Flag(String),
    Status(String, Vec<String>),
}

impl Crm {
    /// Reads `table` with the roles of `config` (else found by name).
    pub fn read(table: &Accounts, config: &ProfileConfig) -> Result<Crm, String> {
        let mut keys: Vec<String> = Vec::new();
        for a in &table.accounts {
            for k in a.meta.keys() {
                if !keys.iter().any(|x| x == k) {
                    keys.push(k.to_string());
                }
            }
        }
        let raw_of = |a: &crate::ingest::accounts::Account| -> BTreeMap<String, String> {
            a.meta
                .iter()
                .map(|(k, v)| (k.to_string(), v.join("; ")))
                .collect()
        };
        let raws: Vec<BTreeMap<String, String>> = table.accounts.iter().map(raw_of).collect();
        let column = |cfg: &Option<String>,
                      names: &[&str],
                      what: &str|
         -> Result<Option<String>, String> {
            match cfg {
                Some(c) => {
                    let k = normalize_key(c);
                    if keys.contains(&k) {
                        Ok(Some(k))
                    } else {
                        Err(format!(
                            "[profile] {what} names column `{c}`, which the accounts file does not have (columns: {})",
                            keys.join(", ")
                        ))
                    }
                }
                None => Ok(names
                    .iter()
                    .find(|n| keys.iter().any(|k| k == *n))
                    .map(|s| s.to_string())),
            }
        };
        // churn: a yes/no column, or a status with churned values
        let churn = match &config.churned {
            Some(spec) => Some(match spec.split_once('=') {
                Some((col, vals)) => {
                    let k = normalize_key(col);
                    if !keys.contains(&k) {
                        return Err(format!(
                            "[profile] churned names column `{col}`, which the accounts file does not have (columns: {})",
                            keys.join(", ")
                        ));
                    }
                    ChurnRule::Status(
                        k,
                        vals.split('|')
                            .map(|v| v.trim().to_lowercase())
                            .filter(|v| !v.is_empty())
                            .collect(),
                    )
                }
                None => ChurnRule::Flag(
                    column(&Some(spec.clone()), &[], "churned")?.unwrap_or_default(),
                ),
            }),
            None => match column(&None, CHURN_COLUMNS, "churned")? {
                Some(c) => Some(ChurnRule::Flag(c)),
                None => STATUS_COLUMNS
                    .iter()
                    .find(|s| {
                        raws.iter().any(|r| {
                            r.get(**s).is_some_and(|v| {
                                CHURNED_STATUSES.contains(&v.trim().to_lowercase().as_str())
                            })
                        })
                    })
                    .map(|s| {
                        ChurnRule::Status(
                            s.to_string(),
                            CHURNED_STATUSES.iter().map(|v| v.to_string()).collect(),
                        )
                    }),
            },
        };
        let nps = column(&config.nps, NPS_COLUMNS, "nps")?;
        let (arr, monthly) = match column(&config.arr, ARR_COLUMNS, "arr")? {
            Some(c) => (Some(c), false),
            None => match column(&config.mrr, MRR_COLUMNS, "mrr")? {
                Some(c) => (Some(c), true),
                None => (None, false),
            },
        };
        let deal = column(&config.deal_size, DEAL_COLUMNS, "deal_size")?;
        let created = column(&config.created, CREATED_COLUMNS, "created")?;
        let closed = column(&config.closed, CLOSED_COLUMNS, "closed")?;
        let ignored: BTreeSet<String> = config.ignore.iter().map(|c| normalize_key(c)).collect();
        let mut roles = Roles {
            churned: churn.as_ref().map(|r| match r {
                ChurnRule::Flag(c) => c.clone(),
                ChurnRule::Status(c, v) => format!("{c}={}", v.join("|")),
            }),
            nps: nps.clone(),
            arr: arr
                .clone()
                .map(|c| if monthly { format!("{c}×12") } else { c }),
            deal_size: deal.clone(),
            created: created.clone(),
            closed: closed.clone(),
            ..Roles::default()
        };
        // the other columns: numeric, dates (left out) or categorical
        let taken: BTreeSet<&str> = [
            churn.as_ref().map(|r| match r {
                ChurnRule::Flag(c) | ChurnRule::Status(c, _) => c.as_str(),
            }),
            nps.as_deref(),
            created.as_deref(),
            closed.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect();
        let n = table.accounts.len().max(1);
        for k in &keys {
            if taken.contains(k.as_str())
                || ignored.contains(k)
                || NOT_FIRMOGRAPHIC.contains(&k.as_str())
                || k.ends_with("_id")
                || k.ends_with("_email")
            {
                continue;
            }
            let cells: Vec<&str> = raws
                .iter()
                .filter_map(|r| r.get(k).map(String::as_str))
                .filter(|v| !is_blank(v))
                .collect();
            if cells.is_empty() {
                continue;
            }
            let numbers = cells
                .iter()
                .filter(|v| matches!(parse_number(v), Cell::Value(_)))
                .count();
            let dates = cells.iter().filter(|v| parse_date(v).is_some()).count();
            let money = Some(k) == arr.as_ref() || Some(k) == deal.as_ref();
            if money || numbers * 5 >= cells.len() * 4 {
                roles.numeric.push(k.clone());
            } else if dates * 5 >= cells.len() * 4 {
                continue;
            } else {
                let distinct: BTreeSet<String> = cells
                    .iter()
                    .flat_map(|v| split_values(v))
                    .map(|v| v.to_lowercase())
                    .collect();
                let long =
                    cells.iter().map(|v| v.chars().count()).sum::<usize>() / cells.len() > 40;
                if !long && (distinct.len() <= 12 || distinct.len() * 2 <= n) {
                    roles.categorical.push(k.clone());
                }
            }
        }
        // read every account
        let mut crm = Crm {
            roles,
            ..Crm::default()
        };
        for (a, raw) in table.accounts.iter().zip(raws) {
            let mut acct = Acct {
                id: a.id.clone(),
                name: a.name.clone(),
                ..Acct::default()
            };
            let mut bad = |column: &str, value: &str, expected: &str| {
                crm.problems.push(Problem {
                    account: a.id.clone(),
                    row: a.row,
                    column: column.to_string(),
                    value: value.to_string(),
                    expected: expected.to_string(),
                })
            };
            let get = |k: &Option<String>| k.as_ref().and_then(|k| raw.get(k)).map(String::as_str);
            match &churn {
                Some(ChurnRule::Flag(c)) => match raw.get(c).map(|v| parse_bool(v)) {
                    Some(Cell::Value(b)) => acct.churned = Some(b),
                    Some(Cell::Bad) => bad(c, &raw[c], "yes/no (true, false, 1, 0)"),
                    _ => {}
                },
                Some(ChurnRule::Status(c, vals)) => {
                    if let Some(v) = raw.get(c).filter(|v| !is_missing(v.trim())) {
                        acct.churned = Some(vals.contains(&v.trim().to_lowercase()));
                    }
                }
                None => {}
            }
            let mut number = |k: &Option<String>, expected: &str| -> Option<f64> {
                let v = get(k)?;
                match parse_number(v) {
                    Cell::Value(x) => Some(x),
                    Cell::Bad => {
                        bad(k.as_deref().unwrap_or(""), v, expected);
                        None
                    }
                    Cell::Missing => None,
                }
            };
            acct.nps = number(&nps, "a number (an NPS answer 0–10, or a score −100–100)");
            acct.arr = number(&arr, "an amount (12400, $12,400, 12.4k)")
                .map(|x| if monthly { x * 12.0 } else { x });
            acct.deal = number(&deal, "an amount (12400, $12,400, 12.4k)");
            let mut when = |k: &Option<String>| -> Option<i64> {
                let v = get(k)?;
                match parse_when(v) {
                    Cell::Value(x) => Some(x),
                    Cell::Bad => {
                        bad(k.as_deref().unwrap_or(""), v, "a date (YYYY-MM-DD)");
                        None
                    }
                    Cell::Missing => None,
                }
            };
            acct.created = when(&created);
            acct.closed = when(&closed);
            for k in &crm.roles.numeric {
                let value = if Some(k) == arr.as_ref() {
                    acct.arr
                } else if Some(k) == deal.as_ref() {
                    acct.deal
                } else {
                    match raw.get(k).map(|v| (v, parse_number(v))) {
                        Some((_, Cell::Value(x))) => Some(x),
                        Some((v, Cell::Bad)) => {
                            bad(k, v, "a number");
                            None
                        }
                        _ => None,
                    }
                };
                if let Some(x) = value {
                    acct.nums.insert(k.clone(), x);
                }
            }
            for k in &crm.roles.categorical {
                if let Some(v) = raw.get(k).filter(|v| !is_blank(v)) {
                    acct.cats.insert(k.clone(), split_values(v));
                }
            }
            acct.raw = raw;
            crm.accounts.push(acct);
        }
        Ok(crm)
    }

    /// Whether the NPS column holds 0–10 answers (else −100–100 scores).
    pub fn nps_is_answers(&self) -> bool {
        self.accounts
            .iter()
            .filter_map(|a| a.nps)
            .all(|x| (0.0..=10.0).contains(&x))
    }
}
