//! Document metadata: a small ordered multimap of normalised keys to string
//! values, and the rules for the keys the product knows by name.

use std::collections::BTreeMap;

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

/// Metadata of a document: normalised key → one or more values, in key order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Metadata(BTreeMap<String, Vec<String>>);

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
        let values = self.0.entry(key).or_default();
        if !values.iter().any(|v| v == value) {
            values.push(value.to_string());
        }
    }

    /// Replaces every value of `key` with `value`.
    pub fn set(&mut self, key: &str, value: &str) {
        self.0.remove(&normalize_key(key));
        self.push(key, value);
    }

    /// Keeps only the keys for which `keep` is true.
    pub fn retain(&mut self, mut keep: impl FnMut(&str) -> bool) {
        self.0.retain(|k, _| keep(k));
    }

    /// Removes `key` and returns its values.
    pub fn remove(&mut self, key: &str) -> Vec<String> {
        self.0.remove(key).unwrap_or_default()
    }

    /// The first value of `key`.
    pub fn first(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.first()).map(String::as_str)
    }

    /// All values of `key`.
    pub fn get(&self, key: &str) -> &[String] {
        self.0.get(key).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Whether `key` has a value.
    pub fn contains(&self, key: &str) -> bool {
        self.0.contains_key(key)
    }

    /// Copies every key of `other` that `self` lacks (values already here win).
    pub fn fill_from(&mut self, other: &Metadata) {
        for (k, v) in &other.0 {
            if !self.0.contains_key(k) {
                self.0.insert(k.clone(), v.clone());
            }
        }
    }

    /// Fills known keys from their aliases (`subject` → `title`, …) when absent.
    pub fn apply_aliases(&mut self) {
        for (key, aliases) in ALIASES {
            if self.contains(key) {
                continue;
            }
            if let Some(values) = aliases.iter().find_map(|a| self.0.get(*a)) {
                let values = values.clone();
                self.0.insert((*key).to_string(), values);
            }
        }
    }

    /// Iterates over keys and their values.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    /// Keys present.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    /// Whether there is no metadata at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
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
