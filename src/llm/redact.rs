//! Personal data out, placeholders in: before any text leaves the process for
//! a provider, emails, phone numbers, card numbers (Luhn-checked), IBANs
//! (mod-97-checked), known person names and any extra patterns from the config
//! become stable placeholders (`<EMAIL_1>`, `<PERSON_2>`); the answer is mapped
//! back before the user sees it. One [`Redaction`] lives for a whole session
//! so a value keeps its placeholder across turns.

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::Regex;

/// What is redacted and how.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    enabled: bool,
    /// Known names, longest first.
    names: Vec<String>,
    custom: Vec<Regex>,
}

/// The placeholders handed out so far, both ways.
#[derive(Debug, Clone, Default)]
pub struct Redaction {
    forward: HashMap<String, String>,
    back: HashMap<String, String>,
    counts: HashMap<&'static str, usize>,
}

fn email() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
            .expect("valid regex")
    })
}

fn iban() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
            .expect("valid regex")
    })
}

fn card() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"\b[0-9](?:[ \-]?[0-9]){12,18}\b").expect("valid regex"))
}

fn phone() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"(?:(?:\+|\b00)[1-9][0-9]{0,2}[ .\-]?)?(?:\(0?[0-9]{1,4}\)[ .\-]?)?\b[0-9]{1,8}(?:[ .\-][0-9]{1,8}){1,5}\b")
            .expect("valid regex")
    })
}

fn placeholder_shape() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"<?\b(EMAIL|PHONE|CARD|IBAN|PERSON|CUSTOM)_([0-9]+)\b>?").expect("valid regex")
    })
}

impl Redactor {
    /// A redactor; with `enabled` false it passes text through.
    pub fn new(
        enabled: bool,
        names: impl IntoIterator<Item = String>,
        patterns: &[String],
    ) -> Result<Redactor, String> {
        let mut all: Vec<String> = Vec::new();
        for n in names {
            let n = n.trim().to_string();
            if n.chars().count() < 3 || !n.chars().next().is_some_and(char::is_uppercase) {
                continue;
            }
            // the full name and its parts ("Dana Whitfield", "Dana", "Whitfield")
            for part in n.split_whitespace() {
                if part.chars().count() >= 3 && part.chars().next().is_some_and(char::is_uppercase)
                {
                    all.push(
                        part.trim_matches(|c: char| !c.is_alphanumeric())
                            .to_string(),
                    );
                }
            }
            all.push(n);
        }
        all.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then(a.cmp(b)));
        all.dedup();
        let custom = patterns
            .iter()
            .map(|p| Regex::new(p).map_err(|e| format!("pattern `{p}`: {e}")))
            .collect::<Result<_, _>>()?;
        Ok(Redactor {
            enabled,
            names: all,
            custom,
        })
    }

    /// Replaces personal data in `text`, extending `r`'s placeholders.
    pub fn redact(&self, text: &str, r: &mut Redaction) -> String {
        if !self.enabled {
            return text.to_string();
        }
        let mut out = replace(text, email(), "EMAIL", r, |_| true);
        out = replace(&out, iban(), "IBAN", r, iban_valid);
        out = replace(&out, card(), "CARD", r, luhn_valid);
        out = replace(&out, phone(), "PHONE", r, phone_like);
        for re in &self.custom {
            out = replace(&out, re, "CUSTOM", r, |_| true);
        }
        for name in &self.names {
            if out.contains(name.as_str()) {
                out = replace_word(&out, name, r);
            }
        }
        out
    }
}

impl Redaction {
    /// The placeholder for `value` of `kind`, minting one if new.
    fn placeholder(&mut self, kind: &'static str, value: &str) -> String {
        if let Some(p) = self.forward.get(value) {
            return p.clone();
        }
        let n = self.counts.entry(kind).or_default();
        *n += 1;
        let p = format!("<{kind}_{n}>");
        self.forward.insert(value.to_string(), p.clone());
        self.back.insert(p.clone(), value.to_string());
        p
    }

    /// Puts the original values back (also for placeholders a model wrote
    /// without their angle brackets).
    pub fn restore(&self, text: &str) -> String {
        if self.back.is_empty() {
            return text.to_string();
        }
        placeholder_shape()
            .replace_all(text, |c: &regex::Captures<'_>| {
                let key = format!("<{}_{}>", &c[1], &c[2]);
                self.back
                    .get(&key)
                    .cloned()
                    .unwrap_or_else(|| c[0].to_string())
            })
            .into_owned()
    }

    /// Number of distinct values replaced.
    pub fn len(&self) -> usize {
        self.back.len()
    }

    /// Whether nothing was replaced.
    pub fn is_empty(&self) -> bool {
        self.back.is_empty()
    }
}

fn replace(
    text: &str,
    re: &Regex,
    kind: &'static str,
    r: &mut Redaction,
    keep: impl Fn(&str) -> bool,
) -> String {
    re.replace_all(text, |c: &regex::Captures<'_>| {
        let m = &c[0];
        if m.starts_with('<') || !keep(m) {
            m.to_string()
        } else {
            r.placeholder(kind, m)
        }
    })
    .into_owned()
}

/// Replaces whole-word occurrences of `name`.
fn replace_word(text: &str, name: &str, r: &mut Redaction) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(name) {
        let before = rest[..i].chars().next_back();
        let after = rest[i + name.len()..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        out.push_str(&rest[..i]);
        if boundary(before) && boundary(after) {
            out.push_str(&r.placeholder("PERSON", name));
        } else {
            out.push_str(name);
        }
        rest = &rest[i + name.len()..];
    }
    out.push_str(rest);
    out
}

fn digits(s: &str) -> Vec<u32> {
    s.chars().filter_map(|c| c.to_digit(10)).collect()
}

/// The Luhn checksum of card numbers.
fn luhn_valid(s: &str) -> bool {
    let d = digits(s);
    if !(13..=19).contains(&d.len()) {
        return false;
    }
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            if i % 2 == 1 {
                if x * 2 > 9 { x * 2 - 9 } else { x * 2 }
            } else {
                x
            }
        })
        .sum();
    sum % 10 == 0
}

/// The ISO 13616 mod-97 check of IBANs.
fn iban_valid(s: &str) -> bool {
    let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if !(15..=34).contains(&compact.len()) {
        return false;
    }
    let rearranged = format!("{}{}", &compact[4..], &compact[..4]);
    let mut rem: u32 = 0;
    for c in rearranged.chars() {
        let v = match c.to_digit(36) {
            Some(v) => v,
            None => return false,
        };
        for d in v.to_string().chars() {
            rem = (rem * 10 + d.to_digit(10).unwrap_or(0)) % 97;
        }
    }
    rem == 1
}

/// A phone number: 8 to 15 digits, not a date, not a plain amount.
fn phone_like(s: &str) -> bool {
    let n = digits(s).len();
    if !(8..=15).contains(&n) {
        return false;
    }
    let iso_date = s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-';
    !iso_date && (s.starts_with('+') || s.starts_with("00") || s.contains(['(', ' ', '-', '.']))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redactor() -> Redactor {
        Redactor::new(
            true,
            [
                "Dana Whitfield".to_string(),
                "Søren Lindqvist".to_string(),
                "al".to_string(),
            ],
            &["ACC-[0-9]+".to_string()],
        )
        .unwrap()
    }

    #[test]
    fn replaces_and_restores_personal_data() {
        let r = redactor();
        let mut map = Redaction::default();
        let text = "Dana Whitfield (dana.w@ledgerline.io, +44 20 7946 0958) spoke to Søren; card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00, account ACC-108. Dana agreed.";
        let red = r.redact(text, &mut map);
        for secret in [
            "Dana",
            "Whitfield",
            "dana.w@",
            "7946",
            "4111",
            "DE89",
            "Søren",
            "ACC-108",
        ] {
            assert!(!red.contains(secret), "{secret} leaked: {red}");
        }
        assert!(
            red.starts_with("<PERSON_1> (<EMAIL_1>, <PHONE_1>)"),
            "{red}"
        );
        assert!(
            red.contains("<CARD_1>") && red.contains("<IBAN_1>") && red.contains("<CUSTOM_1>"),
            "{red}"
        );
        assert_eq!(map.restore(&red), text);
        // stable across calls, and restored when the brackets are lost
        assert_eq!(r.redact("Dana Whitfield", &mut map), "<PERSON_1>");
        assert_eq!(map.restore("PERSON_1 said so"), "Dana Whitfield said so");
    }

    #[test]
    fn leaves_dates_amounts_and_invalid_numbers_alone() {
        let r = redactor();
        let mut map = Redaction::default();
        let text = "On 2026-09-03 they paid €38,000 for 1200 seats; order 4111 1111 1111 1112; in 2026 DSO fell from 52 to 38.";
        assert_eq!(r.redact(text, &mut map), text);
        assert!(map.is_empty());
    }

    #[test]
    fn phone_formats() {
        let r = redactor();
        for p in [
            "+1 (415) 555-0134",
            "0049 30 1234567",
            "(030) 1234 5678",
            "415-555-0134",
            "+33 6 12 34 56 78",
        ] {
            let mut map = Redaction::default();
            assert_eq!(
                r.redact(&format!("call {p} now"), &mut map),
                "call <PHONE_1> now",
                "{p}"
            );
        }
    }

    #[test]
    fn names_match_whole_words_only() {
        let r = Redactor::new(true, ["Ian Kowalczyk".to_string()], &[]).unwrap();
        let mut map = Redaction::default();
        assert_eq!(
            r.redact("Ian said the Asian market", &mut map),
            "<PERSON_1> said the Asian market"
        );
        let off = Redactor::new(false, ["Ian".to_string()], &[]).unwrap();
        assert_eq!(off.redact("Ian", &mut map), "Ian");
        assert!(Redactor::new(true, Vec::<String>::new(), &["(".to_string()]).is_err());
    }
}
