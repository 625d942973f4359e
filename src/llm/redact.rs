//! Personal data out, placeholders in: before any text leaves the process for
//! a provider, emails, phone numbers, card numbers (issuer digit and Luhn
//! checked), IBANs (mod-97-checked), known person names and any extra
//! patterns from the config become stable placeholders (`<EMAIL_1>`,
//! `<PERSON_2>`); the answer is mapped back before the user sees it. One
//! [`Redaction`] lives for a whole session so a value keeps its placeholder
//! across turns. Recall and precision on a labelled set are measured by
//! `tests/integration/pii.rs` (README, *Privacy*).

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

/// What is redacted and how.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    enabled: bool,
    /// Known names and their spellings, longest first.
    names: Vec<Name>,
    custom: Vec<Regex>,
}

/// One spelling of a known name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Name {
    text: String,
    /// Its first word (run of letters and digits): a text without that word
    /// cannot hold the name, so most names are ruled out by one lookup.
    first: String,
    /// A single word that is also a month ("May", "Jan"): next to a day or a
    /// year it is a date, not the person.
    month: bool,
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
        // letters of any script: "støtte@lindqvist.dk", "dana@bücher.de"
        Regex::new(r"[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)*\.\p{L}{2,}")
            .expect("valid regex")
    })
}

fn iban() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        // any case ("nl91 abna ..."); the checksum keeps words out
        Regex::new(r"(?i)\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
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
        Regex::new(
            r"(?x)
            \+[1-9][0-9]{7,14}\b                                 # E.164 as one run: +14155550123
            |
            (?:(?:\+|\b00)[1-9][0-9]{0,2}[\ .\-]?)?              # country code: +44, 0049
            (?:(?:\b1[\ .\-]?)?\(0?[0-9]{1,4}\)[\ .\-]?)?        # area code: (415), 1 (800), (0)
            \b[0-9]{1,8}(?:(?:[\ .\-]|\ ?/\ ?)[0-9]{1,8}){1,5}\b # groups: 555-0123, 040 / 123 456
            ",
        )
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
    ///
    /// `names` are people as the index knows them ("Dana Whitfield"): each is
    /// redacted in full and by its capitalised parts of three letters or more,
    /// as written, in capitals, and without accents ("Soren" for "Søren");
    /// a full name of several words also in lower case.
    pub fn new(
        enabled: bool,
        names: impl IntoIterator<Item = String>,
        patterns: &[String],
    ) -> Result<Redactor, String> {
        let mut all: Vec<Name> = Vec::new();
        for n in names {
            let n = n.trim().to_string();
            if n.chars().count() < 3 || !n.chars().next().is_some_and(char::is_uppercase) {
                continue;
            }
            // the full name and its parts ("Dana Whitfield", "Dana", "Whitfield")
            let mut forms = Vec::new();
            for part in n.split_whitespace() {
                if part.chars().count() >= 3 && part.chars().next().is_some_and(char::is_uppercase)
                {
                    forms.push(
                        part.trim_matches(|c: char| !c.is_alphanumeric())
                            .to_string(),
                    );
                }
            }
            if n.split_whitespace().nth(1).is_some() {
                forms.push(n.to_lowercase());
                forms.push(fold_accents(&n.to_lowercase()));
            }
            forms.push(n);
            for form in forms {
                let folded = fold_accents(&form);
                for spelling in [form.to_uppercase(), folded.to_uppercase(), folded, form] {
                    if spelling.chars().count() >= 3 {
                        let first = words(&spelling).next().unwrap_or_default().to_string();
                        all.push(Name {
                            month: is_month(&spelling),
                            first,
                            text: spelling,
                        });
                    }
                }
            }
        }
        all.sort_by(|a, b| {
            b.text
                .chars()
                .count()
                .cmp(&a.text.chars().count())
                .then(a.cmp(b))
        });
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
        let mut out = replace(text, email(), "EMAIL", r, |_, m| Some(m));
        out = replace(&out, iban(), "IBAN", r, iban_span);
        out = replace(&out, card(), "CARD", r, card_span);
        out = replace(&out, phone(), "PHONE", r, phone_span);
        for re in &self.custom {
            out = replace(&out, re, "CUSTOM", r, |_, m| Some(m));
        }
        if self.names.is_empty() {
            return out;
        }
        let text = out.clone();
        let present: HashSet<&str> = words(&text).collect();
        for name in &self.names {
            let may_hold = name.first.is_empty() || present.contains(name.first.as_str());
            if may_hold && out.contains(name.text.as_str()) {
                out = replace_word(&out, name, r);
            }
        }
        out
    }
}

/// The runs of letters and digits of `s`.
fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
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

/// Replaces, in each match of `re`, the part `pick` chooses (given the whole
/// text and the match's range; `None` leaves the match alone).
fn replace(
    text: &str,
    re: &Regex,
    kind: &'static str,
    r: &mut Redaction,
    pick: impl Fn(&str, Range<usize>) -> Option<Range<usize>>,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for m in re.find_iter(text) {
        if m.as_str().starts_with('<') {
            continue;
        }
        if let Some(span) = pick(text, m.range()) {
            out.push_str(&text[last..span.start]);
            out.push_str(&r.placeholder(kind, &text[span.clone()]));
            last = span.end;
        }
    }
    out.push_str(&text[last..]);
    out
}

/// Replaces whole-word occurrences of `name`.
fn replace_word(text: &str, name: &Name, r: &mut Redaction) -> String {
    let word = name.text.as_str();
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut at = 0; // offset of `rest` in `text`
    while let Some(i) = rest.find(word) {
        let (start, end) = (at + i, at + i + word.len());
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        let in_placeholder = before == Some('<') && after == Some('_');
        out.push_str(&rest[..i]);
        if boundary(before)
            && boundary(after)
            && !in_placeholder
            && !(name.month && next_to_number(text, start, end))
        {
            out.push_str(&r.placeholder("PERSON", word));
        } else {
            out.push_str(word);
        }
        rest = &text[end..];
        at = end;
    }
    out.push_str(rest);
    out
}

/// Whether `text[start..end]` has a number next to it ("May 2025", "12 May",
/// "3rd Jan"): a month in a date.
fn next_to_number(text: &str, start: usize, end: usize) -> bool {
    let after = text[end..].trim_start_matches([' ', '\u{a0}']);
    let before = text[..start].trim_end_matches([' ', '\u{a0}']);
    let before = ["st", "nd", "rd", "th"]
        .iter()
        .find_map(|s| before.strip_suffix(s))
        .unwrap_or(before);
    after.starts_with(|c: char| c.is_ascii_digit())
        || before.ends_with(|c: char| c.is_ascii_digit())
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Whether `word` is a month's name or its three-letter abbreviation.
fn is_month(word: &str) -> bool {
    let w = word.to_lowercase();
    MONTHS
        .iter()
        .any(|m| *m == w || (w.len() == 3 && m.starts_with(w.as_str())))
}

/// `s` with the accents of Latin letters dropped ("Søren" → "Soren",
/// "Wiśniewski" → "Wisniewski"), as captions and exports often write names.
fn fold_accents(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let lower = c.to_lowercase().next().unwrap_or(c);
        let base = match lower {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
            'ç' | 'ć' | 'č' => "c",
            'ď' | 'đ' => "d",
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
            'ğ' => "g",
            'ì' | 'í' | 'î' | 'ï' | 'ī' | 'ı' => "i",
            'ł' | 'ľ' => "l",
            'ñ' | 'ń' | 'ň' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
            'ř' => "r",
            'ś' | 'š' | 'ş' => "s",
            'ť' | 'ţ' => "t",
            'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => "u",
            'ý' | 'ÿ' => "y",
            'ź' | 'ż' | 'ž' => "z",
            'ß' => "ss",
            'æ' => "ae",
            'œ' => "oe",
            _ => {
                out.push(c);
                continue;
            }
        };
        if c.is_uppercase() {
            out.push_str(&base.to_uppercase());
        } else {
            out.push_str(base);
        }
    }
    out
}

/// The byte ranges of the runs of ASCII digits in `s`.
fn digit_runs(s: &str) -> Vec<Range<usize>> {
    let mut runs: Vec<Range<usize>> = Vec::new();
    for (i, b) in s.bytes().enumerate() {
        if b.is_ascii_digit() {
            match runs.last_mut() {
                Some(r) if r.end == i => r.end = i + 1,
                _ => runs.push(i..i + 1),
            }
        }
    }
    runs
}

fn digits(s: &str) -> Vec<u32> {
    s.chars().filter_map(|c| c.to_digit(10)).collect()
}

/// A card number: the length its issuer's prefix gives (Visa 4…: 13, 16 or
/// 19 digits; Mastercard 51–55, 2221–2720: 16; Amex 34, 37: 15; Diners 30,
/// 36, 38, 39: 14–19; JCB 35: 16–19; Discover, Maestro, UnionPay 50, 56–69:
/// 12–19) and a valid Luhn checksum.
fn card_valid(s: &str) -> bool {
    let d = digits(s);
    if !issuer_length(&d) {
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

/// Whether a card issuer uses numbers of `d`'s prefix and length.
fn issuer_length(d: &[u32]) -> bool {
    let prefix = |n: usize| d.iter().take(n).fold(0, |acc, x| acc * 10 + x);
    let len = d.len();
    match prefix(2) {
        40..=49 => matches!(len, 13 | 16 | 19),
        51..=55 => len == 16,
        22..=27 => len == 16 && (2221..=2720).contains(&prefix(4)),
        34 | 37 => len == 15,
        30 | 36 | 38 | 39 => (14..=19).contains(&len),
        35 => (16..=19).contains(&len),
        50 | 56..=69 => (12..=19).contains(&len),
        _ => false,
    }
}

/// The card number in a run of digit groups: the longest valid run of whole
/// groups, so a card followed by its expiry ("4111 1111 1111 1111 12/27") or
/// after a quantity is still found.
fn card_span(text: &str, m: Range<usize>) -> Option<Range<usize>> {
    let s = &text[m.clone()];
    let groups = digit_runs(s);
    let mut best: Option<(usize, Range<usize>)> = None;
    for i in 0..groups.len() {
        for j in i..groups.len() {
            let span = groups[i].start..groups[j].end;
            let n = groups[i..=j].iter().map(|g| g.len()).sum::<usize>();
            if best.as_ref().is_none_or(|(b, _)| n > *b) && card_valid(&s[span.clone()]) {
                best = Some((n, span));
            }
        }
    }
    best.map(|(_, span)| m.start + span.start..m.start + span.end)
}

/// The ISO 13616 mod-97 check of IBANs (any case, spaces allowed).
fn iban_valid(s: &str) -> bool {
    let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if !(15..=34).contains(&compact.len()) || !compact.is_ascii() {
        return false;
    }
    let rearranged = format!("{}{}", &compact[4..], &compact[..4]);
    let mut rem: u32 = 0;
    for c in rearranged.chars() {
        let Some(v) = c.to_digit(36) else {
            return false;
        };
        rem = (if v < 10 { rem * 10 + v } else { rem * 100 + v }) % 97;
    }
    rem == 1
}

/// The IBAN in a match: the longest valid prefix of whole groups, so a word
/// after it ("BE68 5390 0754 7034 with ...", matched in any case) is left out.
fn iban_span(text: &str, m: Range<usize>) -> Option<Range<usize>> {
    let s = &text[m.clone()];
    let ends = s
        .match_indices(' ')
        .map(|(i, _)| i)
        .chain([s.len()])
        .collect::<Vec<_>>();
    ends.iter()
        .rev()
        .find(|&&e| iban_valid(&s[..e]))
        .map(|&e| m.start..m.start + e)
}

/// A phone number, judged by its digits, its groups and what is around it:
/// 8 to 15 digits (after an international `00`); groups after the first of
/// two digits or more; without a country code, either a trunk `0` or an area
/// code in brackets or at least three groups; and neither glued to an
/// identifier (`INV-2024-0004821`), nor a date, an IP address or an amount
/// with thousands separators.
fn phone_span(text: &str, m: Range<usize>) -> Option<Range<usize>> {
    let s = &text[m.clone()];
    let before = text[..m.start].chars().next_back();
    if before.is_some_and(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '#' | '/' | '@')) {
        return None;
    }
    let mut after = text[m.end..].chars();
    let glued = match after.next() {
        Some('-' | '/' | '_') => after.next().is_some_and(char::is_alphanumeric),
        Some('.' | ',') => after.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    };
    if glued {
        return None;
    }
    let runs = digit_runs(s);
    let groups: Vec<&str> = runs.iter().map(|r| &s[r.clone()]).collect();
    let international = s.starts_with('+') || s.starts_with("00");
    let n: usize =
        groups.iter().map(|g| g.len()).sum::<usize>() - if s.starts_with("00") { 2 } else { 0 };
    if !(8..=15).contains(&n) {
        return None;
    }
    let short_group = |gs: &[&str]| gs.len() > 1 && gs[1..].iter().any(|g| g.len() < 2);
    if international {
        // the national groups: after the country code and a "(0)" trunk
        let national: Vec<&str> = groups
            .iter()
            .skip(1)
            .copied()
            .filter(|g| !(*g == "0" && s.contains("(0)")))
            .collect();
        return (!short_group(&national)).then_some(m);
    }
    if short_group(&groups) || date_like(&groups) || ip_like(s, &groups) {
        return None;
    }
    if !(s.starts_with('0') || s.contains('(')) && (groups.len() < 3 || amount_like(s, &groups)) {
        return None;
    }
    Some(m)
}

/// 2024-03-05, 2024.03.05, 05.03.2024, 03-05-2024.
fn date_like(groups: &[&str]) -> bool {
    let num = |g: &str| g.parse::<u32>().unwrap_or(0);
    let (day, month) = (
        |g: &str| (1..=31).contains(&num(g)),
        |g: &str| (1..=12).contains(&num(g)),
    );
    match groups {
        [y, m, d] if y.len() == 4 && m.len() <= 2 && d.len() <= 2 => month(m) && day(d),
        [a, b, y] if y.len() == 4 && a.len() <= 2 && b.len() <= 2 => {
            day(a) && day(b) && (month(a) || month(b))
        }
        _ => false,
    }
}

/// 192.168.100.200.
fn ip_like(s: &str, groups: &[&str]) -> bool {
    groups.len() == 4
        && s.chars().all(|c| c.is_ascii_digit() || c == '.')
        && groups
            .iter()
            .all(|g| g.len() <= 3 && g.parse::<u32>().is_ok_and(|v| v <= 255))
}

/// 12.500.000 or 12 500 000: thousands groups, dotted or round.
fn amount_like(s: &str, groups: &[&str]) -> bool {
    let thousands = (1..=3).contains(&groups[0].len())
        && !groups[0].starts_with('0')
        && groups[1..].iter().all(|g| g.len() == 3);
    let dotted = s.chars().all(|c| c.is_ascii_digit() || c == '.');
    thousands && (dotted || groups.last().is_some_and(|g| *g == "000"))
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

    fn redacted(text: &str) -> String {
        redactor().redact(text, &mut Redaction::default())
    }

    #[test]
    fn e164_numbers_written_as_one_run() {
        assert_eq!(redacted("text +14155550123 now"), "text <PHONE_1> now");
        assert_eq!(redacted("CRM: +4930123456."), "CRM: <PHONE_1>.");
        // too few digits for a phone number
        assert_eq!(redacted("+1234567"), "+1234567");
    }

    #[test]
    fn phone_formats_with_a_leading_trunk_or_a_slash() {
        for p in [
            "1 (800) 555-0142",
            "040 / 123 456 78",
            "+49 (0)30 1234 5678",
        ] {
            assert_eq!(
                redacted(&format!("call {p} now")),
                "call <PHONE_1> now",
                "{p}"
            );
        }
    }

    #[test]
    fn numbers_shaped_like_phones_that_are_not() {
        for text in [
            "Go-live moved from 05.03.2024 to 19.04.2024.",
            "The agent runs on 192.168.100.200 today.",
            "Windows build 10.0.19045.2965 crashes.",
            "Between 2019-2024 headcount tripled; rows 1024-2048 failed.",
            "Ship to ZIP 94107-1234 by Friday.",
            "Invoice INV-2024-0004821, PO-88421-2024, lot LT-0012-4400-17.",
            "Order 2024-001234 and build 20240305.1 shipped.",
            "They target 12 500 000 and moved 1.250.000.000 rows.",
            "The NPS answers were 9 10 8 7 9 10.",
        ] {
            assert_eq!(redacted(text), text);
        }
    }

    #[test]
    fn emails_with_letters_of_any_script() {
        assert_eq!(
            redacted("Write to støtte@lindqvist.dk."),
            "Write to <EMAIL_1>."
        );
        assert_eq!(redacted("or dana@bücher.de"), "or <EMAIL_1>");
    }

    #[test]
    fn ibans_in_lower_case_and_followed_by_words() {
        assert_eq!(
            redacted("to nl91 abna 0417 1643 00 please"),
            "to <IBAN_1> please"
        );
        assert_eq!(redacted("de89370400440532013000."), "<IBAN_1>.");
        assert_eq!(
            redacted("Refunds go to BE68 5390 0754 7034 with the note."),
            "Refunds go to <IBAN_1> with the note."
        );
        // a wrong checksum in any case stays (and its digits are no card:
        // 37… is an Amex prefix, and Amex numbers have 15 digits)
        assert_eq!(
            redacted("de89 3704 0044 0532 0130 01"),
            "de89 3704 0044 0532 0130 01"
        );
    }

    #[test]
    fn cards_next_to_other_numbers() {
        assert_eq!(
            redacted("Card 5105 1051 0510 5100 12/27."),
            "Card <CARD_1> 12/27."
        );
        assert_eq!(
            redacted("charge 4012 8888 8888 1881 09/26"),
            "charge <CARD_1> 09/26"
        );
    }

    #[test]
    fn luhn_valid_numbers_without_a_card_issuer_digit_stay() {
        for text in [
            "Loyalty account 1000 0240 0031 3377 has points.",
            "Contract 8004-1230-0009-9126 renews.",
            "Reference 1912345678901234569.",
        ] {
            assert_eq!(redacted(text), text);
        }
        assert_eq!(redacted("Visa 4222222222222"), "Visa <CARD_1>");
        assert_eq!(redacted("Diners 3622 720627 1667"), "Diners <CARD_1>");
    }

    #[test]
    fn names_in_capitals_without_accents_and_in_lower_case() {
        assert_eq!(redacted("Signed, DANA WHITFIELD"), "Signed, <PERSON_1>");
        assert_eq!(redacted("Soren said"), "<PERSON_1> said");
        // numbered in the order names are tried: longest first
        assert_eq!(redacted("SØREN and Lindqvist"), "<PERSON_2> and <PERSON_1>");
        assert_eq!(
            redacted("notes - dana whitfield attended"),
            "notes - <PERSON_1> attended"
        );
        // a lone lower-case part is a word, not the person
        assert_eq!(redacted("dana said"), "dana said");
        let r = Redactor::new(true, ["Chloé Lefèvre".to_string()], &[]).unwrap();
        let mut map = Redaction::default();
        let red = r.redact("Chloe Lefevre and CHLOÉ", &mut map);
        assert_eq!(red, "<PERSON_1> and <PERSON_2>");
        assert_eq!(map.restore(&red), "Chloe Lefevre and CHLOÉ");
    }

    #[test]
    fn a_name_that_is_a_month_is_a_date_next_to_a_number() {
        let r = Redactor::new(
            true,
            ["May Lin".to_string(), "Jan van der Berg".to_string()],
            &[],
        )
        .unwrap();
        let mut map = Redaction::default();
        let text = "Due in May 2025, on 12 May, from 3rd Jan to Jan 2026.";
        assert_eq!(r.redact(text, &mut map), text);
        assert_eq!(
            r.redact("I told May. Jan agreed; May Lin too.", &mut map),
            "I told <PERSON_3>. <PERSON_2> agreed; <PERSON_1> too."
        );
    }

    #[test]
    fn a_name_never_replaces_inside_a_placeholder() {
        let r = Redactor::new(true, ["Card Holder".to_string()], &[]).unwrap();
        let mut map = Redaction::default();
        let red = r.redact("card 4111 1111 1111 1111, Card said", &mut map);
        assert_eq!(red, "card <CARD_1>, <PERSON_1> said");
    }
}
