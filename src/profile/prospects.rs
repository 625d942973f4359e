//! Leads scored against the profile (`--prospects leads.csv`). Each trait
//! that sets the best customers apart is one criterion of equal weight:
//! a categorical column scores the lead's value by its lift over the
//! column's best lift; a numeric column scores 1 inside the best customers'
//! middle half, ½ inside their range, 0 outside. The fit score is the mean
//! over the criteria whose value the lead has, ×100; unknown values lower
//! the confidence (criteria known ÷ criteria), not the score.

use std::collections::BTreeMap;

use serde::Serialize;

use super::best::{Best, RankBy, Trait, traits};
use super::crm::{Cell, Problem, parse_number, split_values};
use super::figures::{Spread, r4};
use crate::config::ProfileConfig;
use crate::error::{Error, Result};
use crate::index::Store;
use crate::ingest::table::CsvTable;
use crate::retrieve::Filters;

/// A leads file scored against the best customers, with what it was scored
/// on.
pub struct Fit {
    pub best: Best,
    pub criteria: Vec<Criterion>,
    pub scored: Scored,
    /// The CRM file the best customers come from.
    pub accounts_file: String,
    /// CRM values that could not be read.
    pub problems: Vec<Problem>,
}

/// What [`score_file`] scores leads against.
pub struct Against<'a> {
    pub columns: &'a ProfileConfig,
    pub filters: &'a Filters,
    pub rank_by: Option<&'a RankBy>,
    pub top_accounts: Option<usize>,
    pub min_support: usize,
}

/// Scores the leads in `leads` (a CSV file) against the best customers of
/// the CRM the index remembers.
pub fn score_file(store: &Store, against: &Against<'_>, leads: &std::path::Path) -> Result<Fit> {
    let (table, path) = super::remembered_accounts(store)?;
    let crm = super::read_crm(&table, &path, against.columns)?;
    let scope = super::in_scope(&crm, against.filters);
    let Some(rank_by) = super::rank_metric(&crm, against.rank_by) else {
        return Err(Error::Accounts {
            path: path.into(),
            message:
                "no NPS, ARR or churn column to find the best customers by (map one in [profile])"
                    .into(),
        });
    };
    let (best, lifts) = super::best_customers(
        &crm,
        &scope,
        &rank_by,
        against.top_accounts,
        against.min_support,
    )
    .map_err(|m| Error::invalid("--rank-by", format!("{m} in {path}")))?;
    let ranges: Vec<_> = best
        .ranges
        .iter()
        .map(|r| (r.best.clone(), r.rest_median))
        .collect();
    let criteria = criteria(&lifts, &ranges, against.min_support);
    let leads_error = |message: String| Error::Leads {
        path: leads.into(),
        message,
    };
    let bytes = std::fs::read(leads).map_err(|e| Error::io(leads, e))?;
    let text = crate::ingest::decode::decode(&bytes)
        .map_err(|e| leads_error(e.to_string()))?
        .text;
    let scored = score(&text, &criteria).map_err(leads_error)?;
    Ok(Fit {
        best,
        criteria,
        scored,
        accounts_file: path,
        problems: crm.problems,
    })
}

/// One criterion of the fit.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Criterion {
    /// A categorical column: the lift of each value seen in the base.
    Value {
        column: String,
        /// The over-represented values, best first.
        favoured: Vec<String>,
        #[serde(skip)]
        lifts: BTreeMap<String, Trait>,
        #[serde(skip)]
        top: f64,
        /// Best customers a value needs for its lift to count above 1.
        #[serde(skip)]
        min_support: usize,
    },
    /// A numeric column: the best customers' spread.
    Range {
        column: String,
        p25: f64,
        p75: f64,
        min: f64,
        max: f64,
    },
}

impl Criterion {
    fn column(&self) -> &str {
        match self {
            Criterion::Value { column, .. } | Criterion::Range { column, .. } => column,
        }
    }
}

/// Builds the criteria from the value lifts and numeric spreads of the best
/// customers: a categorical column counts when one of its values is
/// over-represented; a numeric column when the rest's median lies outside
/// the best customers' middle half.
pub fn criteria(
    lifts: &[Trait],
    ranges: &[(Spread, Option<f64>)],
    min_support: usize,
) -> Vec<Criterion> {
    let favoured = traits(lifts, min_support);
    let mut out: Vec<Criterion> = Vec::new();
    let mut columns: Vec<&str> = favoured.iter().map(|t| t.column.as_str()).collect();
    columns.dedup();
    let mut seen = Vec::new();
    for col in columns {
        if seen.contains(&col) {
            continue;
        }
        seen.push(col);
        let lifts: BTreeMap<String, Trait> = lifts
            .iter()
            .filter(|t| t.column == col)
            .map(|t| {
                // a value too few best customers have counts as average at most
                let mut t = t.clone();
                if t.best < min_support {
                    t.lift = t.lift.min(1.0);
                }
                (t.value.to_lowercase(), t)
            })
            .collect();
        let top = lifts.values().map(|t| t.lift).fold(0.0, f64::max);
        out.push(Criterion::Value {
            column: col.to_string(),
            favoured: favoured
                .iter()
                .filter(|t| t.column == col)
                .map(|t| t.value.clone())
                .collect(),
            lifts,
            top,
            min_support,
        });
    }
    for (s, rest) in ranges {
        let outside = rest.is_some_and(|m| m < s.p25 || m > s.p75);
        if s.accounts >= 2 && outside {
            out.push(Criterion::Range {
                column: s.column.clone(),
                p25: s.p25,
                p75: s.p75,
                min: s.min,
                max: s.max,
            });
        }
    }
    out
}

/// A lead and its fit.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Lead {
    /// The CSV row (the header is row 1).
    pub row: usize,
    /// The lead's own columns, as written.
    pub fields: BTreeMap<String, String>,
    /// 0–100.
    pub fit_score: u32,
    /// Criteria the lead has a value for, of all criteria (0–1).
    pub fit_confidence: f64,
    pub reasons: Vec<String>,
}

/// The scored leads, best fit first, and the leads file's header.
pub struct Scored {
    pub headers: Vec<String>,
    pub leads: Vec<Lead>,
    pub notes: Vec<String>,
}

fn short(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x}")
    } else {
        format!("{x:.1}")
    }
}

/// Scores each row of the leads CSV `text`.
pub fn score(text: &str, criteria: &[Criterion]) -> Result<Scored, String> {
    let table = CsvTable::open(text)?;
    let headers: Vec<String> = table.headers.iter().map(str::to_string).collect();
    let keys = table.keys.clone();
    let mut notes = Vec::new();
    let mut leads = Vec::new();
    let used: Vec<&Criterion> = criteria
        .iter()
        .filter(|c| keys.iter().any(|k| k == c.column()))
        .collect();
    for c in criteria {
        if !used.contains(&c) {
            notes.push(format!(
                "the leads file has no `{}` column, which sets the best customers apart; add it for a better fit",
                c.column()
            ));
        }
    }
    for row in table.rows() {
        let (row, record) = match row {
            Ok(r) => r,
            Err((row, why)) => {
                notes.push(format!("row {row}: {why}; row skipped"));
                continue;
            }
        };
        let values: BTreeMap<&str, &str> =
            keys.iter().map(String::as_str).zip(record.iter()).collect();
        let mut sum = 0.0;
        let mut known = 0usize;
        let mut reasons = Vec::new();
        for c in &used {
            let raw = values.get(c.column()).map_or("", |v| v.trim());
            let name = c.column().replace('_', " ");
            let fit = match c {
                Criterion::Value {
                    lifts,
                    top,
                    min_support,
                    ..
                } => {
                    let best = split_values(raw)
                        .into_iter()
                        .filter_map(|v| lifts.get(&v.to_lowercase()))
                        .max_by(|a, b| a.lift.total_cmp(&b.lift));
                    best.map(|t| {
                        let few = if t.best < *min_support && t.best > 0 {
                            ", too few to count above average"
                        } else {
                            ""
                        };
                        reasons.push(format!(
                            "{name} {} (lift {:.1}, {} of {} best customers{few})",
                            t.value, t.lift, t.best, t.best_of
                        ));
                        (t.lift / top).min(1.0)
                    })
                }
                Criterion::Range {
                    p25, p75, min, max, ..
                } => match parse_number(raw) {
                    Cell::Value(x) => {
                        let (fit, how) = if (*p25..=*p75).contains(&x) {
                            (1.0, "inside")
                        } else if (*min..=*max).contains(&x) {
                            (0.5, "near")
                        } else {
                            (0.0, "outside")
                        };
                        reasons.push(format!(
                            "{name} {} ({how} best customers' range {}–{})",
                            short(x),
                            short(*p25),
                            short(*p75)
                        ));
                        Some(fit)
                    }
                    _ => None,
                },
            };
            match fit {
                Some(f) => {
                    sum += f;
                    known += 1;
                }
                None if raw.is_empty() => reasons.push(format!("{name} unknown")),
                None => reasons.push(format!("{name} {raw} (no account in the base to compare)")),
            }
        }
        let fit_score = if known == 0 {
            0
        } else {
            (sum / known as f64 * 100.0).round() as u32
        };
        leads.push(Lead {
            row: row as usize,
            fields: headers
                .iter()
                .cloned()
                .zip(record.iter().map(str::to_string))
                .collect(),
            fit_score,
            fit_confidence: r4(if used.is_empty() {
                0.0
            } else {
                known as f64 / used.len() as f64
            }),
            reasons,
        });
    }
    leads.sort_by(|a, b| {
        b.fit_score
            .cmp(&a.fit_score)
            .then(b.fit_confidence.total_cmp(&a.fit_confidence))
            .then(a.row.cmp(&b.row))
    });
    Ok(Scored {
        headers,
        leads,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(column: &str, value: &str, best: usize, all: usize, lift: f64) -> Trait {
        Trait {
            column: column.into(),
            value: value.into(),
            best,
            best_of: 4,
            all,
            all_of: 20,
            lift,
        }
    }

    #[test]
    fn the_obvious_order_with_reasons_and_confidence() {
        let lifts = vec![
            t("industry", "Logistics", 3, 5, 3.0),
            t("industry", "Retail", 1, 10, 0.5),
            t("industry", "Energy", 0, 5, 0.0),
        ];
        let spread = Spread {
            column: "employees".into(),
            accounts: 4,
            median: 400.0,
            mean: 400.0,
            min: 200.0,
            max: 800.0,
            p25: 300.0,
            p75: 500.0,
        };
        let c = criteria(&lifts, &[(spread, Some(20.0))], 2);
        assert_eq!(c.len(), 2, "{c:?}");
        let s = score(
            "lead,industry,employees\nL1,Retail,15\nL2,logistics,350\nL3,,450\nL4,Logistics,700\nL5,Aerospace,\n",
            &c,
        )
        .unwrap();
        let order: Vec<(&str, u32, f64)> = s
            .leads
            .iter()
            .map(|l| (l.fields["lead"].as_str(), l.fit_score, l.fit_confidence))
            .collect();
        assert_eq!(
            order,
            [
                ("L2", 100, 1.0),
                ("L3", 100, 0.5),
                ("L4", 75, 1.0),
                ("L1", 8, 1.0),
                ("L5", 0, 0.0)
            ]
        );
        let l2 = &s.leads[0];
        assert_eq!(
            l2.reasons,
            [
                "industry Logistics (lift 3.0, 3 of 4 best customers)",
                "employees 350 (inside best customers' range 300–500)"
            ]
        );
        assert!(s.leads[1].reasons.contains(&"industry unknown".to_string()));
        assert!(
            s.leads[4].reasons[0].contains("no account in the base"),
            "{:?}",
            s.leads[4].reasons
        );
    }
}
