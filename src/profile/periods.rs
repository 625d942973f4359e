//! What changed between two periods (`--compare-period`): the themes each
//! lens heard from more or fewer accounts, and the deals won, with counts
//! for both periods. Periods are calendar months, quarters or years (the
//! latest one with evidence or a won deal, against the one before), or two
//! ranges given by hand.

use std::collections::BTreeSet;

use serde::Serialize;
use time::{Date, Month, OffsetDateTime};

use super::crm::Acct;
use super::figures::{median, r4};
use crate::ingest::date::{parse_date, parse_date_end};
use crate::synthesize::lens::Lens;
use crate::synthesize::themes::{Mention, Theme};

/// How the two periods are chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeriodSpec {
    Month,
    Quarter,
    Year,
    /// Two ranges: (start, end inclusive) as seconds since the epoch, with labels.
    Ranges([(i64, i64, String); 2]),
}

impl std::str::FromStr for PeriodSpec {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().as_str() {
            "month" => return Ok(PeriodSpec::Month),
            "quarter" => return Ok(PeriodSpec::Quarter),
            "year" => return Ok(PeriodSpec::Year),
            _ => {}
        }
        let range = |r: &str| -> Result<(i64, i64, String), String> {
            let (a, b) = r
                .split_once("..")
                .ok_or_else(|| format!("`{r}` is not a range START..END"))?;
            let start = parse_date(a).ok_or_else(|| format!("`{a}` is not a date (YYYY-MM-DD)"))?;
            let end =
                parse_date_end(b).ok_or_else(|| format!("`{b}` is not a date (YYYY-MM-DD)"))?;
            if end < start {
                return Err(format!("`{r}` ends before it starts"));
            }
            Ok((start, end, format!("{}..{}", a.trim(), b.trim())))
        };
        match s.split_once(',') {
            Some((a, b)) => Ok(PeriodSpec::Ranges([range(a)?, range(b)?])),
            None => Err(format!(
                "`{s}` is not a period: use month, quarter, year, or two ranges START..END,START..END"
            )),
        }
    }
}

/// One period.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Period {
    pub label: String,
    /// First and last day (YYYY-MM-DD).
    pub since: String,
    pub until: String,
    #[serde(skip)]
    start: i64,
    #[serde(skip)]
    end: i64,
}

impl Period {
    fn contains(&self, t: i64) -> bool {
        (self.start..=self.end).contains(&t)
    }
}

/// A metric in both periods.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MetricChange {
    pub metric: String,
    /// `accounts`, `deals`, `amount`, `days` or `share` (0–1).
    pub unit: &'static str,
    pub before: Option<f64>,
    pub after: Option<f64>,
}

/// A theme in both periods: distinct accounts that raised it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ThemeChange {
    pub lens: Lens,
    pub title: String,
    pub before: usize,
    pub after: usize,
    pub change: i64,
}

/// The comparison.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Changes {
    pub before: Period,
    pub after: Period,
    pub metrics: Vec<MetricChange>,
    /// Rising first, then falling; unchanged themes are left out.
    pub themes: Vec<ThemeChange>,
}

fn day(t: i64) -> Date {
    OffsetDateTime::from_unix_timestamp(t)
        .map(|d| d.date())
        .unwrap_or(Date::MIN)
}

fn ts(d: Date) -> i64 {
    d.midnight().assume_utc().unix_timestamp()
}

/// The calendar period of `spec` holding `t`, and the one before.
fn calendar(spec: &PeriodSpec, t: i64) -> Option<[Period; 2]> {
    let d = day(t);
    let (y, m) = (d.year(), d.month() as u8);
    // (year, first month, months long)
    let (len, first) = match spec {
        PeriodSpec::Month => (1, m),
        PeriodSpec::Quarter => (3, (m - 1) / 3 * 3 + 1),
        PeriodSpec::Year => (12, 1),
        PeriodSpec::Ranges(_) => return None,
    };
    let start_of = |y: i32, m: i32| -> Option<Date> {
        let (y, m) = (y + (m - 1).div_euclid(12), (m - 1).rem_euclid(12) + 1);
        Date::from_calendar_date(y, Month::try_from(m as u8).ok()?, 1).ok()
    };
    let make = |y: i32, m: i32| -> Option<Period> {
        let start = start_of(y, m)?;
        let next = start_of(y, m + len)?;
        let last = next.previous_day()?;
        let label = match spec {
            PeriodSpec::Month => format!("{}-{:02}", start.year(), start.month() as u8),
            PeriodSpec::Quarter => {
                format!("{}-Q{}", start.year(), (start.month() as u8 - 1) / 3 + 1)
            }
            _ => format!("{}", start.year()),
        };
        Some(Period {
            label,
            since: start.to_string(),
            until: last.to_string(),
            start: ts(start),
            end: ts(next) - 1,
        })
    };
    let after = make(y, first as i32)?;
    let before = make(y, first as i32 - len)?;
    Some([before, after])
}

/// The two periods: given, or the calendar period holding `latest` and the
/// one before.
pub fn periods(spec: &PeriodSpec, latest: Option<i64>) -> Option<[Period; 2]> {
    match spec {
        PeriodSpec::Ranges(r) => Some(r.clone().map(|(start, end, label)| Period {
            label,
            since: day(start).to_string(),
            until: day(end).to_string(),
            start,
            end,
        })),
        _ => calendar(spec, latest?),
    }
}

/// Distinct accounts among `said` dated within `p`.
fn accounts_in<'a>(said: impl Iterator<Item = &'a Mention>, p: &Period) -> usize {
    said.filter(|m| {
        m.date
            .as_deref()
            .and_then(parse_date)
            .is_some_and(|d| p.contains(d))
    })
    .filter_map(|m| m.account.as_deref())
    .collect::<BTreeSet<_>>()
    .len()
}

/// Compares the two periods: themes (by the dates of their passages) and
/// the deals won (by the accounts' close dates).
pub fn compare([before, after]: [Period; 2], themes: &[(Lens, Theme)], accts: &[&Acct]) -> Changes {
    let mut changes: Vec<ThemeChange> = themes
        .iter()
        .filter_map(|(lens, t)| {
            let count = |p: &Period| accounts_in(t.said.iter(), p);
            let (b, a) = (count(&before), count(&after));
            (a != b).then(|| ThemeChange {
                lens: *lens,
                title: t.title.clone(),
                before: b,
                after: a,
                change: a as i64 - b as i64,
            })
        })
        .collect();
    changes.sort_by(|x, y| {
        y.change
            .signum()
            .cmp(&x.change.signum())
            .then(y.change.abs().cmp(&x.change.abs()))
            .then(x.title.cmp(&y.title))
    });
    let won = |p: &Period| -> Vec<&Acct> {
        accts
            .iter()
            .copied()
            .filter(|a| a.closed.is_some_and(|c| p.contains(c)))
            .collect()
    };
    let (wb, wa) = (won(&before), won(&after));
    let metric =
        |name: &str, unit: &'static str, f: &dyn Fn(&[&Acct]) -> Option<f64>| MetricChange {
            metric: name.to_string(),
            unit,
            before: f(&wb),
            after: f(&wa),
        };
    let heard = |p: &Period| accounts_in(themes.iter().flat_map(|(_, t)| t.said.iter()), p) as f64;
    let mut metrics = vec![
        MetricChange {
            metric: "accounts heard from".into(),
            unit: "accounts",
            before: Some(heard(&before)),
            after: Some(heard(&after)),
        },
        metric("deals won", "deals", &|w| Some(w.len() as f64)),
    ];
    let mean_of = |xs: Vec<f64>| (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64);
    if accts.iter().any(|a| a.deal.is_some()) {
        metrics.push(metric("mean deal size", "amount", &|w| {
            mean_of(w.iter().filter_map(|a| a.deal).collect()).map(|x| (x * 100.0).round() / 100.0)
        }));
    }
    if accts.iter().any(|a| a.arr.is_some()) {
        metrics.push(metric("ARR won", "amount", &|w| {
            let xs: Vec<f64> = w.iter().filter_map(|a| a.arr).collect();
            (!xs.is_empty()).then(|| xs.iter().sum())
        }));
    }
    if accts.iter().any(|a| a.created.is_some()) {
        metrics.push(metric("median sales cycle", "days", &|w| {
            let days: Vec<f64> = w
                .iter()
                .filter_map(|a| Some(((a.closed? - a.created?) / 86_400) as f64))
                .filter(|d| *d >= 0.0)
                .collect();
            (!days.is_empty()).then(|| median(&days))
        }));
    }
    if accts.iter().any(|a| a.churned.is_some()) {
        metrics.push(metric("churned since, of deals won", "share", &|w| {
            let known: Vec<bool> = w.iter().filter_map(|a| a.churned).collect();
            (!known.is_empty())
                .then(|| r4(known.iter().filter(|c| **c).count() as f64 / known.len() as f64))
        }));
    }
    Changes {
        before,
        after,
        metrics,
        themes: changes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_periods_and_ranges() {
        let t = parse_date("2026-11-14").unwrap();
        let [b, a] = periods(&PeriodSpec::Quarter, Some(t)).unwrap();
        assert_eq!(
            (b.label.as_str(), b.since.as_str(), b.until.as_str()),
            ("2026-Q3", "2026-07-01", "2026-09-30")
        );
        assert_eq!(
            (a.label.as_str(), a.until.as_str()),
            ("2026-Q4", "2026-12-31")
        );
        let [b, _] = periods(&PeriodSpec::Month, parse_date("2026-01-03")).unwrap();
        assert_eq!(b.label, "2025-12");
        let [b, a] = periods(&PeriodSpec::Year, Some(t)).unwrap();
        assert_eq!((b.label.as_str(), a.label.as_str()), ("2025", "2026"));
        let spec: PeriodSpec = "2026-06-01..2026-08-31,2026-09-01..2026-11-30"
            .parse()
            .unwrap();
        let [b, a] = periods(&spec, None).unwrap();
        assert!(b.contains(parse_date("2026-08-31T23:00:00Z").unwrap()));
        assert!(a.contains(parse_date("2026-09-01").unwrap()));
        assert!(
            "fortnight"
                .parse::<PeriodSpec>()
                .unwrap_err()
                .contains("quarter")
        );
        assert!(
            "2026-09-01..2026-01-01,2026-01-01..2026-02-01"
                .parse::<PeriodSpec>()
                .is_err()
        );
    }
}
