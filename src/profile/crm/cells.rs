//! Reading one cell: numbers as CRMs write them, yes/no, dates, missing
//! values and multi-valued cells.

use crate::ingest::date::parse_date;

/// Cells that mean "no value" rather than a bad one.
const MISSING: &[&str] = &[
    "", "-", "—", "–", "n/a", "na", "none", "null", "unknown", "?", "nan", "#n/a",
];

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

pub(super) fn is_missing(t: &str) -> bool {
    MISSING.contains(&t.to_lowercase().as_str())
}

/// Whether a categorical cell holds no value: "NA" is North America there,
/// and "none" can be a stack.
pub(super) fn is_blank(t: &str) -> bool {
    let t = t.trim().to_lowercase();
    is_missing(&t) && !matches!(t.as_str(), "na" | "none")
}

/// The values of a multi-valued cell ("NetSuite; Salesforce").
pub fn split_values(cell: &str) -> Vec<String> {
    cell.split([';', '|'])
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect()
}
