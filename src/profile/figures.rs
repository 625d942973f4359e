//! The computed figures of a set of accounts: firmographics (distributions
//! of categorical columns, median and range of numeric ones) and health
//! metrics (churn and retention, NPS, ARR, deal size, sales cycle). Every
//! figure is counted from the CRM rows; shares and rates are 0–1.

use std::collections::BTreeMap;

use serde::Serialize;

use super::crm::{Acct, Crm};

/// One value of a categorical column.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ValueCount {
    pub value: String,
    pub accounts: usize,
    /// Of the accounts with a value in this column.
    pub share: f64,
}

/// A categorical column's values, most frequent first.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Distribution {
    pub column: String,
    /// Accounts with a value.
    pub known: usize,
    pub values: Vec<ValueCount>,
}

/// A numeric column's spread.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Spread {
    pub column: String,
    /// Accounts with a value.
    pub accounts: usize,
    pub median: f64,
    pub mean: f64,
    pub min: f64,
    pub max: f64,
    /// Quartiles (linear interpolation between ranks).
    pub p25: f64,
    pub p75: f64,
}

/// Churn and retention among accounts whose churn is known.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Churn {
    pub known: usize,
    pub churned: usize,
    pub churn_rate: f64,
    pub retention_rate: f64,
}

/// NPS figures. For 0–10 answers: promoters answer 9–10, detractors 0–6,
/// and `score` is the share of promoters minus detractors, ×100.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Nps {
    pub responses: usize,
    pub mean: f64,
    pub promoters: Option<usize>,
    pub detractors: Option<usize>,
    pub promoter_share: Option<f64>,
    pub detractor_share: Option<f64>,
    pub score: Option<f64>,
}

/// Amounts (ARR, deal size).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Money {
    pub accounts: usize,
    pub total: f64,
    pub mean: f64,
    pub median: f64,
}

/// Days from the opportunity's opening to the won deal.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Cycle {
    pub deals: usize,
    pub median_days: f64,
    pub mean_days: f64,
}

/// The health metrics of a set of accounts; `null` where the columns are
/// missing or no account has a value.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Health {
    pub accounts: usize,
    pub churn: Option<Churn>,
    pub nps: Option<Nps>,
    pub arr: Option<Money>,
    pub deal_size: Option<Money>,
    pub sales_cycle: Option<Cycle>,
}

/// Rounds a share to 4 decimals, an amount to 2: what JSON shows.
pub fn r4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn r2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The median of `xs` (the mean of the two middle values for an even count).
pub fn median(xs: &[f64]) -> f64 {
    quantile(xs, 0.5)
}

/// The `q` quantile of `xs`, interpolating linearly between ranks (as
/// spreadsheets' PERCENTILE and numpy's default do).
pub fn quantile(xs: &[f64], q: f64) -> f64 {
    if xs.is_empty() {
        return 0.0;
    }
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let pos = q * (v.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
}

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len().max(1) as f64
}

/// The distributions of the categorical columns among `accts`.
pub fn distributions(crm: &Crm, accts: &[&Acct]) -> Vec<Distribution> {
    crm.roles
        .categorical
        .iter()
        .filter_map(|col| {
            let mut counts: BTreeMap<String, (String, usize)> = BTreeMap::new();
            let mut known = 0;
            for a in accts {
                if let Some(vals) = a.cats.get(col) {
                    known += 1;
                    let mut seen = Vec::new();
                    for v in vals {
                        let key = v.to_lowercase();
                        if !seen.contains(&key) {
                            counts.entry(key.clone()).or_insert((v.clone(), 0)).1 += 1;
                            seen.push(key);
                        }
                    }
                }
            }
            if known == 0 {
                return None;
            }
            let mut values: Vec<ValueCount> = counts
                .into_values()
                .map(|(value, accounts)| ValueCount {
                    value,
                    accounts,
                    share: r4(accounts as f64 / known as f64),
                })
                .collect();
            values.sort_by(|a, b| b.accounts.cmp(&a.accounts).then(a.value.cmp(&b.value)));
            Some(Distribution {
                column: col.clone(),
                known,
                values,
            })
        })
        .collect()
}

/// The spreads of the numeric columns among `accts`.
pub fn spreads(crm: &Crm, accts: &[&Acct]) -> Vec<Spread> {
    crm.roles
        .numeric
        .iter()
        .filter_map(|col| spread(col, &values(accts, |a| a.nums.get(col).copied())))
        .collect()
}

/// The spread of `xs`, named `column`.
pub fn spread(column: &str, xs: &[f64]) -> Option<Spread> {
    if xs.is_empty() {
        return None;
    }
    Some(Spread {
        column: column.to_string(),
        accounts: xs.len(),
        median: r2(median(xs)),
        mean: r2(mean(xs)),
        min: xs.iter().copied().fold(f64::INFINITY, f64::min),
        max: xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        p25: r2(quantile(xs, 0.25)),
        p75: r2(quantile(xs, 0.75)),
    })
}

fn values(accts: &[&Acct], f: impl Fn(&Acct) -> Option<f64>) -> Vec<f64> {
    accts.iter().filter_map(|a| f(a)).collect()
}

/// The health metrics of `accts`. `answers`: the NPS column holds 0–10
/// answers.
pub fn health(accts: &[&Acct], answers: bool) -> Health {
    let churn = {
        let known: Vec<bool> = accts.iter().filter_map(|a| a.churned).collect();
        (!known.is_empty()).then(|| {
            let churned = known.iter().filter(|c| **c).count();
            let rate = churned as f64 / known.len() as f64;
            Churn {
                known: known.len(),
                churned,
                churn_rate: r4(rate),
                retention_rate: r4(1.0 - rate),
            }
        })
    };
    let nps = {
        let xs = values(accts, |a| a.nps);
        (!xs.is_empty()).then(|| {
            let n = xs.len() as f64;
            let promoters = xs.iter().filter(|x| **x >= 9.0).count();
            let detractors = xs.iter().filter(|x| **x <= 6.0).count();
            Nps {
                responses: xs.len(),
                mean: r2(mean(&xs)),
                promoters: answers.then_some(promoters),
                detractors: answers.then_some(detractors),
                promoter_share: answers.then(|| r4(promoters as f64 / n)),
                detractor_share: answers.then(|| r4(detractors as f64 / n)),
                score: answers.then(|| r2((promoters as f64 - detractors as f64) / n * 100.0)),
            }
        })
    };
    let money = |xs: Vec<f64>| {
        (!xs.is_empty()).then(|| Money {
            accounts: xs.len(),
            total: r2(xs.iter().sum()),
            mean: r2(mean(&xs)),
            median: r2(median(&xs)),
        })
    };
    let cycle = {
        let days: Vec<f64> = accts
            .iter()
            .filter_map(|a| match (a.created, a.closed) {
                (Some(o), Some(c)) if c >= o => Some(((c - o) / 86_400) as f64),
                _ => None,
            })
            .collect();
        (!days.is_empty()).then(|| Cycle {
            deals: days.len(),
            median_days: r2(median(&days)),
            mean_days: r2(mean(&days)),
        })
    };
    Health {
        accounts: accts.len(),
        churn,
        nps,
        arr: money(values(accts, |a| a.arr)),
        deal_size: money(values(accts, |a| a.deal)),
        sales_cycle: cycle,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_between_ranks() {
        let xs = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(median(&xs), 2.5);
        assert_eq!(quantile(&xs, 0.25), 1.75);
        assert_eq!(quantile(&[7.0], 0.75), 7.0);
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
    }
}
