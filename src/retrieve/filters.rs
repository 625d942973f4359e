//! Metadata filters shared by every command: `--segment`, `--kind`,
//! `--account`, `--since`, `--until`, `--where`. Values match
//! case-insensitively; repeated flags of one kind are OR-ed, different kinds
//! AND-ed. They compile to tantivy term and range queries that do not score.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Bound;

use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query, RangeQuery, TermQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DateTime, Term};

use crate::index::schema::Fields;
use crate::ingest::date::{parse_date, parse_date_end};
use crate::text::normalize_key;

/// A `--where KEY=VALUE` (or `KEY!=VALUE`) condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Where {
    pub key: String,
    pub value: String,
    pub negate: bool,
}

impl std::str::FromStr for Where {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (key, value, negate) = if let Some((k, v)) = s.split_once("!=") {
            (k, v, true)
        } else if let Some((k, v)) = s.split_once('=') {
            (k, v, false)
        } else {
            return Err(format!("`{s}` is not KEY=VALUE (or KEY!=VALUE)"));
        };
        let key = normalize_key(key);
        if key.is_empty() || value.trim().is_empty() {
            return Err(format!("`{s}` is not KEY=VALUE (or KEY!=VALUE)"));
        }
        Ok(Where {
            key,
            value: value.trim().to_string(),
            negate,
        })
    }
}

/// A date bound given on the command line, kept as typed for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateBound {
    pub text: String,
    pub epoch: i64,
}

impl DateBound {
    /// `--since`: the start of the given day (or the instant).
    pub fn since(s: &str) -> Result<DateBound, String> {
        Self::parse_with(s, parse_date)
    }

    /// `--until`: the end of the given day (or the instant), inclusive.
    pub fn until(s: &str) -> Result<DateBound, String> {
        Self::parse_with(s, parse_date_end)
    }

    fn parse_with(s: &str, parse: fn(&str) -> Option<i64>) -> Result<DateBound, String> {
        parse(s)
            .map(|epoch| DateBound {
                text: s.into(),
                epoch,
            })
            .ok_or_else(|| format!("`{s}` is not a date (use YYYY-MM-DD or an ISO 8601 date-time)"))
    }
}

/// Every filter of a command.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub segments: Vec<String>,
    pub kinds: Vec<String>,
    pub accounts: Vec<String>,
    pub since: Option<DateBound>,
    pub until: Option<DateBound>,
    pub wheres: Vec<Where>,
}

impl Filters {
    /// Whether no filter is set.
    pub fn is_empty(&self) -> bool {
        self == &Filters::default()
    }

    /// The values the filters require (segments, kinds, accounts, `--where`).
    pub fn values(&self) -> Vec<String> {
        let wheres = self
            .wheres
            .iter()
            .filter(|w| !w.negate)
            .map(|w| w.value.clone());
        self.segments
            .iter()
            .chain(&self.kinds)
            .chain(&self.accounts)
            .cloned()
            .chain(wheres)
            .collect()
    }

    /// The filters as a non-scoring query; `None` when there are none.
    pub fn to_query(&self, f: &Fields) -> Option<Box<dyn Query>> {
        if self.is_empty() {
            return None;
        }
        let mut must: Vec<Box<dyn Query>> = Vec::new();
        let mut must_not: Vec<Box<dyn Query>> = Vec::new();
        let any_of = |keys: &[&str], values: &[String]| -> Box<dyn Query> {
            let clauses: Vec<(Occur, Box<dyn Query>)> = values
                .iter()
                .flat_map(|v| {
                    keys.iter()
                        .map(move |k| (Occur::Should, meta_term_query(f, k, v)))
                })
                .collect();
            Box::new(BooleanQuery::new(clauses))
        };
        if !self.segments.is_empty() {
            must.push(any_of(&["segment"], &self.segments));
        }
        if !self.kinds.is_empty() {
            must.push(any_of(&["kind"], &self.kinds));
        }
        if !self.accounts.is_empty() {
            must.push(any_of(&["account", "account_name"], &self.accounts));
        }
        let mut by_key: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for w in &self.wheres {
            if w.negate {
                must_not.push(meta_term_query(f, &w.key, &w.value));
            } else {
                by_key.entry(&w.key).or_default().push(w.value.clone());
            }
        }
        for (key, values) in by_key {
            must.push(any_of(&[key], &values));
        }
        if self.since.is_some() || self.until.is_some() {
            let bound = |b: &Option<DateBound>| match b {
                Some(d) => Bound::Included(Term::from_field_date(
                    f.date,
                    DateTime::from_timestamp_secs(d.epoch),
                )),
                None => Bound::Unbounded,
            };
            must.push(Box::new(RangeQuery::new(
                bound(&self.since),
                bound(&self.until),
            )));
        }
        if must.is_empty() {
            must.push(Box::new(AllQuery));
        }
        let clauses = must
            .into_iter()
            .map(|q| (Occur::Must, q))
            .chain(must_not.into_iter().map(|q| (Occur::MustNot, q)))
            .collect();
        Some(Box::new(ConstScoreQuery::new(
            Box::new(BooleanQuery::new(clauses)),
            0.0,
        )))
    }
}

/// `meta.<key> == lowercase(value)`.
pub fn meta_term_query(f: &Fields, key: &str, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        meta_term(f, key, value),
        IndexRecordOption::Basic,
    ))
}

/// The term for `meta.<key> == lowercase(value)`.
pub fn meta_term(f: &Fields, key: &str, value: &str) -> Term {
    let mut t = Term::from_field_json_path(f.meta, key, false);
    t.append_type_and_str(&value.trim().to_lowercase());
    t
}

impl fmt::Display for Filters {
    /// A compact description, e.g. `segment=enterprise kind=interview since=2026-01-01`.
    fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        let list = |name: &str, vs: &[String]| {
            (!vs.is_empty()).then(|| format!("{name}={}", vs.join("|")))
        };
        parts.extend(list("segment", &self.segments));
        parts.extend(list("kind", &self.kinds));
        parts.extend(list("account", &self.accounts));
        if let Some(d) = &self.since {
            parts.push(format!("since={}", d.text));
        }
        if let Some(d) = &self.until {
            parts.push(format!("until={}", d.text));
        }
        for w in &self.wheres {
            parts.push(format!(
                "{}{}{}",
                w.key,
                if w.negate { "!=" } else { "=" },
                w.value
            ));
        }
        if parts.is_empty() {
            out.write_str("none")
        } else {
            out.write_str(&parts.join(" "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn where_parsing() {
        let w: Where = "Plan=Premium".parse().unwrap();
        assert_eq!(
            (w.key.as_str(), w.value.as_str(), w.negate),
            ("plan", "Premium", false)
        );
        let w: Where = "churned!=true".parse().unwrap();
        assert!(w.negate);
        assert!("plan".parse::<Where>().is_err());
        assert!("=x".parse::<Where>().is_err());
        assert!("k=".parse::<Where>().is_err());
    }

    #[test]
    fn dates_and_description() {
        assert!(DateBound::since("yesterday").is_err());
        let f = Filters {
            segments: vec!["smb".into(), "mid-market".into()],
            since: Some(DateBound::since("2026-01-01").unwrap()),
            ..Default::default()
        };
        assert_eq!(f.to_string(), "segment=smb|mid-market since=2026-01-01");
        assert_eq!(Filters::default().to_string(), "none");
        assert_eq!(DateBound::until("1970-01-01").unwrap().epoch, 86_399);
    }
}
