//! Document metadata: a small ordered multimap of normalised keys to string
//! values, and the rules for the keys the product knows by name.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::text::normalize_key;

/// Other spellings accepted for a known key when the key itself is absent.
const ALIASES: &[(&str, &[&str])] = &[
    ("account", &["account_id", "company", "customer"]),
    ("title", &["subject"]),
    (
        "date",
        &[
            "created_at",
            "created",
            "timestamp",
            "submitted_at",
            "call_date",
            "datetime",
        ],
    ),
];

/// Up to this many values a key's list is searched for a duplicate; past
/// it, a set of them is kept alongside.
const SCAN_VALUES: usize = 32;

/// Metadata of a document: normalised key → one or more values, in key order.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Metadata {
    map: BTreeMap<String, Vec<String>>,
    /// The values of each key holding [`SCAN_VALUES`] or more, as a set:
    /// without it each value was compared with all before it, and a JSONL
    /// line with a list of 80,000 tags took 7 s (the time grows with the
    /// square). Only `push` adds values; whatever removes them drops the
    /// key's set.
    #[serde(skip)]
    seen: HashMap<String, HashSet<String>>,
}

impl PartialEq for Metadata {
    fn eq(&self, other: &Self) -> bool {
        self.map == other.map
    }
}

impl Eq for Metadata {}

impl Metadata {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a value under `key` (normalised); blank values are ignored.
    pub fn push(&mut self, key: &str, value: &str) {
        let value = value.trim();
        let key = normalize_key(key);
        if value.is_empty() || key.is_empty() {
            return;
        }
        let values = self.map.entry(key.clone()).or_default();
        if values.len() < SCAN_VALUES {
            if !values.iter().any(|v| v == value) {
                values.push(value.to_string());
            }
            return;
        }
        let seen = self
            .seen
            .entry(key)
            .or_insert_with(|| values.iter().cloned().collect());
        if seen.insert(value.to_string()) {
            values.push(value.to_string());
        }
    }

    /// Replaces every value of `key` with `value`.
    pub fn set(&mut self, key: &str, value: &str) {
        let normalized = normalize_key(key);
        self.map.remove(&normalized);
        self.seen.remove(&normalized);
        self.push(key, value);
    }

    /// Keeps only the keys for which `keep` is true.
    pub fn retain(&mut self, mut keep: impl FnMut(&str) -> bool) {
        self.map.retain(|k, _| keep(k));
        let map = &self.map;
        self.seen.retain(|k, _| map.contains_key(k));
    }

    /// Removes `key` and returns its values.
    pub fn remove(&mut self, key: &str) -> Vec<String> {
        self.seen.remove(key);
        self.map.remove(key).unwrap_or_default()
    }

    /// The first value of `key`.
    pub fn first(&self, key: &str) -> Option<&str> {
        self.map
            .get(key)
            .and_then(|v| v.first())
            .map(String::as_str)
    }

    /// All values of `key`.
    pub fn get(&self, key: &str) -> &[String] {
        self.map.get(key).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Whether `key` has a value.
    pub fn contains(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }

    /// Copies every key of `other` that `self` lacks (values already here win).
    pub fn fill_from(&mut self, other: &Metadata) {
        for (k, v) in &other.map {
            if !self.map.contains_key(k) {
                self.map.insert(k.clone(), v.clone());
            }
        }
    }

    /// Fills known keys from their aliases (`subject` → `title`, …) when absent.
    pub fn apply_aliases(&mut self) {
        for (key, aliases) in ALIASES {
            if self.contains(key) {
                continue;
            }
            if let Some(values) = aliases.iter().find_map(|a| self.map.get(*a)) {
                let values = values.clone();
                self.map.insert((*key).to_string(), values);
            }
        }
    }

    /// Iterates over keys and their values.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.map.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    /// Keys present.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.map.keys().map(String::as_str)
    }

    /// Whether there is no metadata at all.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_normalised() {
        assert_eq!(normalize_key(" Account ID "), "account_id");
        assert_eq!(normalize_key("Company-Name"), "company_name");
        assert_eq!(normalize_key("NPS"), "nps");
        assert_eq!(normalize_key("nested.plan"), "nested_plan");
        assert_eq!(normalize_key("__x__"), "x");
    }

    #[test]
    fn push_skips_blanks_and_duplicates() {
        let mut m = Metadata::new();
        m.push("Tags", "a");
        m.push("tags", " a ");
        m.push("tags", "b");
        m.push("tags", "  ");
        assert_eq!(m.get("tags"), ["a", "b"]);
    }

    #[test]
    fn many_values_stay_distinct_and_in_order_in_linear_time() {
        // 80,000 tags in one JSON line took 7 s, each compared with all
        // before it
        let mut m = Metadata::new();
        let started = std::time::Instant::now();
        for i in 0..200_000 {
            m.push("tags", &format!("t{}", i % 100_000));
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        assert_eq!(m.get("tags").len(), 100_000);
        assert_eq!(m.get("tags")[99_999], "t99999");
        // a key emptied and filled again starts over
        m.set("tags", "t5");
        m.push("tags", "t5");
        assert_eq!(m.get("tags"), ["t5"]);
        for i in 0..100 {
            m.push("tags", &format!("t{i}"));
        }
        assert_eq!(m.get("tags").len(), 100);
        assert_eq!(m.remove("tags").len(), 100);
        m.push("tags", "t1");
        assert_eq!(m.get("tags"), ["t1"]);
        let mut other = Metadata::new();
        other.push("tags", "t1");
        assert_eq!(m, other);
    }

    #[test]
    fn aliases_fill_only_missing_keys() {
        let mut m = Metadata::new();
        m.push("subject", "Help");
        m.push("company", "Acme");
        m.push("account", "ACC-1");
        m.apply_aliases();
        assert_eq!(m.first("title"), Some("Help"));
        assert_eq!(m.first("account"), Some("ACC-1"));
    }

    #[test]
    fn fill_from_keeps_own_values() {
        let mut doc = Metadata::new();
        doc.push("segment", "enterprise");
        let mut crm = Metadata::new();
        crm.push("segment", "smb");
        crm.push("plan", "plus");
        doc.fill_from(&crm);
        assert_eq!(doc.first("segment"), Some("enterprise"));
        assert_eq!(doc.first("plan"), Some("plus"));
    }
}
