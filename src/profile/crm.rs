//! The CRM table as the profile reads it: which column plays which role
//! (churn, NPS, ARR, deal size, open and close dates, firmographics), found
//! by common names or mapped in `[profile]`, and every value parsed
//! tolerantly ("$12,400", "12.4k", "yes"). A value that cannot be read is a
//! [`Problem`]: counted and named, never silently dropped.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::config::ProfileConfig;
use crate::ingest::accounts::Accounts;
use crate::ingest::date::parse_date;
use crate::ingest::meta::normalize_key;

/// Column names read as "has this account churned" (yes/no).
const CHURN_COLUMNS: &[&str] = &["churned", "is_churned", "churn", "has_churned", "lost"];
/// Column names holding a lifecycle status, churned when it says so.
const STATUS_COLUMNS: &[&str] = &[
    "status",
    "account_status",
    "stage",
    "lifecycle_stage",
    "lifecycle",
];
/// Status values that mean the account left.
const CHURNED_STATUSES: &[&str] = &[
    "churned",
    "lost",
    "cancelled",
    "canceled",
    "closed lost",
    "closed-lost",
    "former customer",
    "inactive",
];
const NPS_COLUMNS: &[&str] = &["nps", "nps_score", "last_nps", "net_promoter_score"];
const ARR_COLUMNS: &[&str] = &[
    "arr",
    "arr_usd",
    "annual_recurring_revenue",
    "annual_contract_value",
];
const MRR_COLUMNS: &[&str] = &["mrr", "mrr_usd", "monthly_recurring_revenue"];
const DEAL_COLUMNS: &[&str] = &[
    "deal_size",
    "deal_value",
    "deal_amount",
    "amount",
    "acv",
    "contract_value",
    "first_year_value",
];
const CREATED_COLUMNS: &[&str] = &[
    "created",
    "created_at",
    "created_date",
    "create_date",
    "opened",
    "opened_at",
    "opportunity_created",
    "first_contact",
];
const CLOSED_COLUMNS: &[&str] = &[
    "closed",
    "closed_at",
    "close_date",
    "closed_date",
    "won_at",
    "won_date",
    "signed",
    "signed_at",
    "signed_date",
    "customer_since",
];
/// Columns that describe us or a person, not the company: never firmographics.
const NOT_FIRMOGRAPHIC: &[&str] = &[
    "account_name",
    "contact",
    "contact_name",
    "main_contact",
    "email",
    "contact_email",
    "phone",
    "owner",
    "account_owner",
    "account_manager",
    "sales_rep",
    "rep",
    "csm",
    "notes",
    "description",
    "website",
    "domain",
    "url",
];
/// Cells that mean "no value" rather than a bad one.
const MISSING: &[&str] = &[
    "", "-", "—", "–", "n/a", "na", "none", "null", "unknown", "?", "nan", "#n/a",
];

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
    pub row: usize,
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

/// A cell read as a number: missing, a number, or not one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<T> {
    Missing,
    Value(T),
    Bad,
}

/// Reads "$12,400", "12.4k", "€1.2M", "(300)", "45%", "1 200" as numbers.
pub fn parse_number(s: &str) -> Cell<f64> {
    let t = s.trim();
    if is_missing(t) {
        return Cell::Missing;
    }
    let mut t = t.to_lowercase();
    let negative = (t.starts_with('(') && t.ends_with(')')) || t.starts_with('-');
    t = t
        .trim_matches(|c| c == '(' || c == ')' || c == '-')
        .to_string();
    for code in [
        "usd", "eur", "gbp", "chf", "cad", "aud", "us$", "$", "€", "£", "¥",
    ] {
        t = t
            .trim_start_matches(code)
            .trim_end_matches(code)
            .trim()
            .to_string();
    }
    let t = t.trim_end_matches('%').trim();
    let (digits, scale) = [("bn", 1e9), ("b", 1e9), ("mm", 1e6), ("m", 1e6), ("k", 1e3)]
        .iter()
        .find_map(|(suffix, scale)| {
            t.strip_suffix(suffix)
                .filter(|d| d.ends_with(|c: char| c.is_ascii_digit() || c == ' '))
                .map(|d| (d.trim(), *scale))
        })
        .unwrap_or((t, 1.0));
    let cleaned: String = digits
        .chars()
        .filter(|c| !matches!(c, ',' | '_' | ' ' | '\u{a0}' | '\u{202f}' | '\''))
        .collect();
    if cleaned.is_empty() || !cleaned.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Cell::Bad;
    }
    match cleaned.parse::<f64>() {
        Ok(v) if v.is_finite() => Cell::Value(if negative { -v * scale } else { v * scale }),
        _ => Cell::Bad,
    }
}

/// Reads yes/no cells: "true", "yes", "y", "1", "x", "churned" / "false",
/// "no", "n", "0", "active", "retained".
pub fn parse_bool(s: &str) -> Cell<bool> {
    let t = s.trim().to_lowercase();
    if is_missing(&t) {
        return Cell::Missing;
    }
    match t.as_str() {
        "true" | "t" | "yes" | "y" | "1" | "x" | "churned" | "lost" | "cancelled" | "canceled" => {
            Cell::Value(true)
        }
        "false" | "f" | "no" | "n" | "0" | "active" | "retained" | "customer" => Cell::Value(false),
        _ => Cell::Bad,
    }
}

/// Reads an ISO 8601 date or date-time.
pub fn parse_when(s: &str) -> Cell<i64> {
    if is_missing(s.trim()) {
        return Cell::Missing;
    }
    parse_date(s).map_or(Cell::Bad, Cell::Value)
}

fn is_missing(t: &str) -> bool {
    MISSING.contains(&t.to_lowercase().as_str())
}

/// Whether a categorical cell holds no value: "NA" is North America there,
/// and "none" can be a stack.
fn is_blank(t: &str) -> bool {
    let t = t.trim().to_lowercase();
    is_missing(&t) && !matches!(t.as_str(), "na" | "none")
}

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
                row: a.row,
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

/// The values of a multi-valued cell ("NetSuite; Salesforce").
pub fn split_values(cell: &str) -> Vec<String> {
    cell.split([';', '|'])
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_as_crms_write_them() {
        for (s, want) in [
            ("12400", 12400.0),
            ("$12,400", 12400.0),
            ("12.4k", 12400.0),
            ("12.4 K", 12400.0),
            ("€1.2M", 1_200_000.0),
            ("USD 3,000", 3000.0),
            ("(300)", -300.0),
            ("45%", 45.0),
            ("1 200", 1200.0),
            ("-20", -20.0),
        ] {
            assert_eq!(parse_number(s), Cell::Value(want), "{s}");
        }
        for s in ["", "n/a", "-", "Unknown"] {
            assert_eq!(parse_number(s), Cell::Missing, "{s}");
        }
        for s in ["TBD", "about 5", "12..4", "k"] {
            assert_eq!(parse_number(s), Cell::Bad, "{s}");
        }
    }

    #[test]
    fn yes_and_no_in_their_usual_spellings() {
        for s in ["yes", "TRUE", "1", "Y", "churned"] {
            assert_eq!(parse_bool(s), Cell::Value(true), "{s}");
        }
        for s in ["no", "False", "0", "active"] {
            assert_eq!(parse_bool(s), Cell::Value(false), "{s}");
        }
        assert_eq!(parse_bool("maybe"), Cell::Bad);
        assert_eq!(parse_bool(""), Cell::Missing);
    }

    fn crm(csv: &str, config: &ProfileConfig) -> Crm {
        let (t, _) = Accounts::parse(csv).unwrap();
        Crm::read(&t, config).unwrap()
    }

    #[test]
    fn roles_are_found_by_name_and_bad_values_named() {
        let c = crm(
            "id,name,segment,industry,employees,mrr,nps,status,created,closed_at,owner,stack\n\
             A,Alpha,smb,Retail,10,100,9,Active,2026-01-01,2026-01-11,Dana,Xero; Stripe\n\
             B,Beta,smb,Retail,12,1k,3,Churned,2026-02-01,2026-03-01,Dana,Xero\n\
             C,Gamma,mid,Logistics,300,TBD,,Active,2026-01-05,soon,Raf,NetSuite\n",
            &ProfileConfig::default(),
        );
        assert_eq!(
            c.roles.churned.as_deref().map(|s| s.starts_with("status=")),
            Some(true)
        );
        assert_eq!(c.roles.arr.as_deref(), Some("mrr×12"));
        assert_eq!(c.roles.closed.as_deref(), Some("closed_at"));
        assert!(
            c.roles.categorical.contains(&"industry".to_string()),
            "{:?}",
            c.roles
        );
        assert!(c.roles.categorical.contains(&"stack".to_string()));
        assert!(!c.roles.categorical.contains(&"owner".to_string()));
        assert!(c.roles.numeric.contains(&"employees".to_string()));
        assert_eq!(c.accounts[1].arr, Some(12000.0));
        assert_eq!(c.accounts[1].churned, Some(true));
        assert_eq!(c.accounts[0].cats["stack"], ["Xero", "Stripe"]);
        let bad: Vec<(&str, &str, usize)> = c
            .problems
            .iter()
            .map(|p| (p.column.as_str(), p.value.as_str(), p.row))
            .collect();
        assert_eq!(bad, [("mrr", "TBD", 4), ("closed_at", "soon", 4)]);
    }

    #[test]
    fn a_mapped_churn_status_and_a_missing_column() {
        let config = ProfileConfig {
            churned: Some("Stage=Gone|Lost".into()),
            ..ProfileConfig::default()
        };
        let c = crm("id,stage\nA,gone\nB,live\nC,\n", &config);
        let churned: Vec<Option<bool>> = c.accounts.iter().map(|a| a.churned).collect();
        assert_eq!(churned, [Some(true), Some(false), None]);
        let (t, _) = Accounts::parse("id,stage\nA,x\n").unwrap();
        let e = Crm::read(
            &t,
            &ProfileConfig {
                nps: Some("score".into()),
                ..ProfileConfig::default()
            },
        )
        .unwrap_err();
        assert!(e.contains("`score`") && e.contains("stage"), "{e}");
    }
}
