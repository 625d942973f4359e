//! Best customers: the top accounts by a metric (`--rank-by`) against the
//! rest of the base. Lift says which firmographic values and which themes
//! are over-represented among them (and which themes among churned
//! accounts), with a minimum support so that 1 of 1 is not a finding.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use super::crm::{Acct, Crm};
use super::figures::{Spread, median, r4, spread};
use crate::synthesize::lens::Lens;
use crate::synthesize::themes::{Quote, Theme};

/// Lift a value or theme needs to be called over-represented.
pub const MIN_LIFT: f64 = 1.2;

/// What makes a customer one of the best.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RankBy {
    Arr,
    Nps,
    Retention,
    Column(String),
}

impl FromStr for RankBy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let k = crate::text::normalize_key(s);
        Ok(match k.as_str() {
            "" => return Err("give arr, nps, retention or a numeric column".into()),
            "arr" | "revenue" => RankBy::Arr,
            "nps" => RankBy::Nps,
            "retention" | "retained" => RankBy::Retention,
            _ => RankBy::Column(k),
        })
    }
}

impl fmt::Display for RankBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RankBy::Arr => f.write_str("arr"),
            RankBy::Nps => f.write_str("nps"),
            RankBy::Retention => f.write_str("retention"),
            RankBy::Column(c) => f.write_str(c),
        }
    }
}

/// A firmographic value over-represented among the best customers.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Trait {
    pub column: String,
    pub value: String,
    /// Best customers with this value, of those with a value in the column.
    pub best: usize,
    pub best_of: usize,
    /// All accounts with this value, of those with a value in the column.
    pub all: usize,
    pub all_of: usize,
    /// (best ÷ best_of) ÷ (all ÷ all_of).
    pub lift: f64,
}

/// A numeric column among the best customers and the rest.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Range {
    pub best: Spread,
    pub rest_median: Option<f64>,
}

/// A theme over-represented in what a set of accounts said.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ThemeLift {
    pub lens: Lens,
    pub title: String,
    /// Accounts of the set that raised it, of the set's accounts with documents.
    pub accounts: usize,
    pub of: usize,
    /// Accounts of the whole base that raised it, of those with documents.
    pub all: usize,
    pub all_of: usize,
    pub lift: f64,
    /// A verified quote from an account of the set.
    pub quote: Option<Quote>,
}

/// The best customers and what sets them apart.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Best {
    pub rank_by: String,
    /// How they were chosen, in words.
    pub rule: String,
    pub accounts: usize,
    pub account_ids: Vec<String>,
    pub rest: usize,
    /// The lowest value of the metric among them (`null` for retention).
    pub threshold: Option<f64>,
    pub traits: Vec<Trait>,
    pub ranges: Vec<Range>,
    pub themes: Vec<ThemeLift>,
    /// Themes over-represented in what churned accounts said.
    pub churned_themes: Vec<ThemeLift>,
    /// The profile in one sentence.
    pub profile: String,
}

/// Picks the best customers among `accts`: the top quartile (or `top`) of
/// the accounts that have not churned, by the metric. Errors name what is
/// missing.
pub fn pick<'a>(
    crm: &Crm,
    accts: &[&'a Acct],
    rank_by: &RankBy,
    top: Option<usize>,
) -> Result<(Vec<&'a Acct>, String, Option<f64>), String> {
    let metric = |a: &Acct| -> Option<f64> {
        match rank_by {
            RankBy::Arr => a.arr,
            RankBy::Nps => a.nps,
            RankBy::Retention => None,
            RankBy::Column(c) => a.nums.get(c).copied(),
        }
    };
    match rank_by {
        RankBy::Retention => {
            if crm.roles.churned.is_none() {
                return Err(
                    "no churn column (churned, status…; or map one with [profile] churned)".into(),
                );
            }
            let best: Vec<&Acct> = accts
                .iter()
                .copied()
                .filter(|a| a.churned == Some(false))
                .collect();
            return Ok((best, "accounts that have not churned".into(), None));
        }
        RankBy::Arr if crm.roles.arr.is_none() => {
            return Err("no ARR column (arr, mrr; or map one with [profile] arr)".into());
        }
        RankBy::Nps if crm.roles.nps.is_none() => {
            return Err("no NPS column (nps; or map one with [profile] nps)".into());
        }
        RankBy::Column(c) if !crm.roles.numeric.contains(c) => {
            return Err(format!(
                "`{c}` is not a numeric column of the accounts file (numeric columns: {})",
                crm.roles.numeric.join(", ")
            ));
        }
        _ => {}
    }
    let mut ranked: Vec<(&Acct, f64)> = accts
        .iter()
        .filter(|a| a.churned != Some(true))
        .filter_map(|a| metric(a).map(|v| (*a, v)))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.id.cmp(&b.0.id)));
    let n = top
        .unwrap_or_else(|| ranked.len().div_ceil(4))
        .min(ranked.len());
    let best: Vec<&Acct> = ranked[..n].iter().map(|(a, _)| *a).collect();
    let threshold = ranked
        .get(n.saturating_sub(1))
        .filter(|_| n > 0)
        .map(|(_, v)| *v);
    let how = match top {
        Some(t) => format!("the top {t} by {rank_by}"),
        None => format!("the top quartile by {rank_by}"),
    };
    Ok((
        best,
        format!("{how} among accounts that have not churned"),
        threshold,
    ))
}

/// Lift of every value of every categorical column among `best`, within
/// `all`: (column, value as written, best count, best known, all count,
/// all known, lift).
pub fn value_lifts(crm: &Crm, best: &[&Acct], all: &[&Acct]) -> Vec<Trait> {
    let mut out = Vec::new();
    for col in &crm.roles.categorical {
        let count = |set: &[&Acct]| {
            let mut known = 0;
            let mut by: BTreeMap<String, (String, usize)> = BTreeMap::new();
            for a in set {
                if let Some(vals) = a.cats.get(col) {
                    known += 1;
                    let distinct: BTreeSet<String> =
                        vals.iter().map(|v| v.to_lowercase()).collect();
                    for v in distinct {
                        let shown = vals
                            .iter()
                            .find(|x| x.to_lowercase() == v)
                            .cloned()
                            .unwrap_or_default();
                        by.entry(v).or_insert((shown, 0)).1 += 1;
                    }
                }
            }
            (known, by)
        };
        let (best_of, best_by) = count(best);
        let (all_of, all_by) = count(all);
        if best_of == 0 || all_of == 0 {
            continue;
        }
        for (key, (shown, all_n)) in all_by {
            let best_n = best_by.get(&key).map_or(0, |x| x.1);
            let lift = (best_n as f64 / best_of as f64) / (all_n as f64 / all_of as f64);
            out.push(Trait {
                column: col.clone(),
                value: shown,
                best: best_n,
                best_of,
                all: all_n,
                all_of,
                lift: r4(lift),
            });
        }
    }
    out
}

/// The values over-represented among the best: lift at least
/// [`MIN_LIFT`] and at least `min_support` best customers.
pub fn traits(lifts: &[Trait], min_support: usize) -> Vec<Trait> {
    let mut t: Vec<Trait> = lifts
        .iter()
        .filter(|t| t.best >= min_support.max(1) && t.lift >= MIN_LIFT)
        .cloned()
        .collect();
    t.sort_by(|a, b| {
        b.lift
            .total_cmp(&a.lift)
            .then(b.best.cmp(&a.best))
            .then(a.column.cmp(&b.column))
            .then(a.value.cmp(&b.value))
    });
    t
}

/// The numeric columns among the best (their middle half) against the
/// rest's median; the metric ranked by is left out.
pub fn ranges(crm: &Crm, best: &[&Acct], rest: &[&Acct], rank_by: &RankBy) -> Vec<Range> {
    let skip = match rank_by {
        RankBy::Arr => crm
            .roles
            .arr
            .as_deref()
            .map(|c| c.trim_end_matches("×12").to_string()),
        RankBy::Column(c) => Some(c.clone()),
        _ => None,
    };
    crm.roles
        .numeric
        .iter()
        .filter(|c| Some(*c) != skip.as_ref())
        .filter_map(|col| {
            let xs: Vec<f64> = best
                .iter()
                .filter_map(|a| a.nums.get(col).copied())
                .collect();
            let rs: Vec<f64> = rest
                .iter()
                .filter_map(|a| a.nums.get(col).copied())
                .collect();
            Some(Range {
                best: spread(col, &xs)?,
                rest_median: (!rs.is_empty()).then(|| median(&rs)),
            })
        })
        .collect()
}

/// The themes over-represented in what the accounts of `subset` said, among
/// the accounts `heard` (those with documents); themes come with their lens.
pub fn theme_lifts(
    themes: &[(Lens, Theme)],
    subset: &BTreeSet<String>,
    heard: &BTreeSet<String>,
    min_support: usize,
) -> Vec<ThemeLift> {
    let of = subset.intersection(heard).count();
    if of == 0 || heard.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<ThemeLift> = themes
        .iter()
        .filter_map(|(lens, t)| {
            let ids: BTreeSet<String> = t.account_ids.iter().map(|a| a.to_lowercase()).collect();
            let accounts = ids
                .iter()
                .filter(|a| subset.contains(*a) && heard.contains(*a))
                .count();
            let all = ids.iter().filter(|a| heard.contains(*a)).count();
            if accounts < min_support.max(1) || all == 0 {
                return None;
            }
            let lift = (accounts as f64 / of as f64) / (all as f64 / heard.len() as f64);
            (lift >= MIN_LIFT).then(|| ThemeLift {
                lens: *lens,
                title: t.title.clone(),
                accounts,
                of,
                all,
                all_of: heard.len(),
                lift: r4(lift),
                quote: t
                    .quotes
                    .iter()
                    .find(|q| {
                        q.verified
                            && q.account
                                .as_ref()
                                .is_some_and(|a| subset.contains(&a.to_lowercase()))
                    })
                    .cloned(),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.accounts
            .cmp(&a.accounts)
            .then(b.lift.total_cmp(&a.lift))
            .then(a.title.cmp(&b.title))
    });
    out
}

/// The profile in one sentence: who the best customers are and why they buy.
pub fn sentence(best: &Best, unit: &dyn Fn(&str, f64) -> String) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut columns_seen = BTreeSet::new();
    for t in &best.traits {
        if columns_seen.insert(t.column.clone()) && parts.len() < 4 {
            parts.push(format!(
                "{} {} ({} of {})",
                t.column.replace('_', " "),
                t.value,
                t.best,
                t.best_of
            ));
        }
    }
    // only the ranges that set them apart: the rest's median lies outside
    let distinct = best.ranges.iter().filter(|r| {
        r.rest_median
            .is_some_and(|m| m < r.best.p25 || m > r.best.p75)
    });
    for r in distinct.take(2) {
        let s = &r.best;
        if s.accounts >= 2 {
            parts.push(format!(
                "{} {}–{}",
                s.column.replace('_', " "),
                unit(&s.column, s.p25),
                unit(&s.column, s.p75)
            ));
        }
    }
    let mut out = format!(
        "Best customers ({} accounts, {}): ",
        best.accounts, best.rule
    );
    if parts.is_empty() {
        out.push_str("no firmographic value stands out among them");
    } else {
        out.push_str(&parts.join(", "));
    }
    if let Some(t) = best.themes.iter().find(|t| t.lens == Lens::Triggers) {
        out.push_str(&format!(", buying because of \u{201c}{}\u{201d}", t.title));
    }
    if let Some(t) = best.themes.iter().find(|t| t.lens == Lens::Success) {
        out.push_str(&format!(", valuing \u{201c}{}\u{201d}", t.title));
    }
    out.push('.');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ProfileConfig;
    use crate::ingest::accounts::Accounts;

    fn crm() -> Crm {
        let (t, _) = Accounts::parse(
            "id,industry,employees,arr,churned\n\
             A,Logistics,300,90,false\nB,Logistics,400,80,false\nC,Retail,10,70,false\n\
             D,Retail,12,10,false\nE,Retail,9,5,true\nF,Logistics,350,100,true\n\
             G,Retail,11,8,false\nH,Energy,5000,60,false\n",
        )
        .unwrap();
        Crm::read(&t, &ProfileConfig::default()).unwrap()
    }

    #[test]
    fn the_top_quartile_of_those_who_stayed_and_what_sets_them_apart() {
        let c = crm();
        let all: Vec<&Acct> = c.accounts.iter().collect();
        // F has the highest ARR but churned: not a best customer
        let (best, rule, threshold) = pick(&c, &all, &RankBy::Arr, None).unwrap();
        let ids: Vec<&str> = best.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["A", "B"]);
        assert_eq!(threshold, Some(80.0));
        assert!(rule.contains("top quartile by arr"), "{rule}");
        let lifts = value_lifts(&c, &best, &all);
        let found = traits(&lifts, 2);
        assert_eq!(found.len(), 1, "{found:?}");
        // 2 of 2 best are Logistics, 3 of 8 overall: lift (2/2)/(3/8)
        assert_eq!(
            (found[0].value.as_str(), found[0].best, found[0].all),
            ("Logistics", 2, 3)
        );
        assert_eq!(found[0].lift, r4(8.0 / 3.0));
        // one of one is not a finding
        let (top1, _, _) = pick(&c, &all, &RankBy::Column("employees".into()), Some(1)).unwrap();
        assert_eq!(top1[0].id, "H");
        assert!(traits(&value_lifts(&c, &top1, &all), 2).is_empty());
        assert!(
            pick(&c, &all, &RankBy::Nps, None)
                .unwrap_err()
                .contains("no NPS column")
        );
    }

    #[test]
    fn themes_said_more_by_a_set_than_by_everyone() {
        let theme = |title: &str, ids: &[&str]| Theme {
            title: title.into(),
            summary: String::new(),
            accounts: ids.len(),
            mentions: ids.len(),
            account_ids: ids.iter().map(|s| s.to_string()).collect(),
            quotes: Vec::new(),
            said: Vec::new(),
        };
        let themes = vec![
            (
                Lens::Triggers,
                theme("multi-entity billing", &["A", "B", "C"]),
            ),
            (Lens::Pains, theme("sync errors", &["C", "D", "E", "A"])),
        ];
        let set = |ids: &[&str]| {
            ids.iter()
                .map(|s| s.to_lowercase())
                .collect::<BTreeSet<_>>()
        };
        let heard = set(&["A", "B", "C", "D", "E", "F"]);
        let lifts = theme_lifts(&themes, &set(&["A", "B"]), &heard, 2);
        assert_eq!(lifts.len(), 1, "{lifts:?}");
        assert_eq!(lifts[0].title, "multi-entity billing");
        assert_eq!(
            (
                lifts[0].accounts,
                lifts[0].of,
                lifts[0].all,
                lifts[0].all_of
            ),
            (2, 2, 3, 6)
        );
        assert_eq!(lifts[0].lift, 2.0);
    }
}
