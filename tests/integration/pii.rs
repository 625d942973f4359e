//! Redaction measured on a hand-labelled set (`tests/fixtures/pii/labelled.txt`):
//! each sentence is redacted with the set's known names handed over as the app
//! hands over speakers and CRM contacts, the placeholders are mapped back to the
//! spans of the original they replaced, and recall (labelled spans with no
//! letter or digit left) and precision (replaced spans that lie inside labelled
//! personal data) are computed per kind, printed, and held to floors.
//!
//! `cargo test --test integration pii -- --nocapture` prints the table the
//! README quotes.

use std::collections::BTreeMap;
use std::path::Path;

use insight::llm::redact::{Redaction, Redactor};
use regex::Regex;

/// The kinds the redactor must find, in table order.
const KINDS: [&str; 5] = ["EMAIL", "PHONE", "CARD", "IBAN", "PERSON"];

/// Personal data the redactor knowingly misses: reported, not required.
const GAP: &str = "GAP";

struct Sentence {
    text: String,
    /// Labelled spans: byte range in `text`, kind.
    labels: Vec<(usize, usize, String)>,
}

struct Set {
    names: Vec<String>,
    sentences: Vec<Sentence>,
}

fn load() -> Set {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pii/labelled.txt");
    let raw = std::fs::read_to_string(&path).unwrap();
    let label = Regex::new(r"\[\[([A-Z]+):(.+?)\]\]").unwrap();
    let mut set = Set {
        names: Vec::new(),
        sentences: Vec::new(),
    };
    for (n, line) in raw.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix("@name ") {
            set.names.push(name.trim().to_string());
            continue;
        }
        let mut text = String::new();
        let mut labels = Vec::new();
        let mut last = 0;
        for c in label.captures_iter(line) {
            let (Some(all), Some(kind), Some(value)) = (c.get(0), c.get(1), c.get(2)) else {
                continue;
            };
            let kind = kind.as_str();
            assert!(
                KINDS.contains(&kind) || kind == GAP,
                "line {}: unknown kind {kind}",
                n + 1
            );
            text.push_str(&line[last..all.start()]);
            let start = text.len();
            text.push_str(value.as_str());
            labels.push((start, text.len(), kind.to_string()));
            last = all.end();
        }
        text.push_str(&line[last..]);
        assert!(!text.contains("[["), "line {}: unclosed label", n + 1);
        set.sentences.push(Sentence { text, labels });
    }
    set
}

/// The spans of `original` that `redacted` replaced, with their placeholder's
/// kind; also checks that mapping back gives the original.
fn replaced_spans(original: &str, redacted: &str, map: &Redaction) -> Vec<(usize, usize, String)> {
    let placeholder = Regex::new(r"<(EMAIL|PHONE|CARD|IBAN|PERSON|CUSTOM)_[0-9]+>").unwrap();
    let mut spans = Vec::new();
    let mut at = 0; // in original
    let mut last = 0; // in redacted
    for c in placeholder.captures_iter(redacted) {
        let m = c.get(0).unwrap();
        let literal = &redacted[last..m.start()];
        assert!(
            original[at..].starts_with(literal),
            "text around placeholders changed: {original:?} -> {redacted:?}"
        );
        at += literal.len();
        let value = map.restore(m.as_str());
        assert!(
            original[at..].starts_with(&value),
            "{} does not map back to the original: {original:?} -> {redacted:?}",
            m.as_str()
        );
        spans.push((at, at + value.len(), c[1].to_string()));
        at += value.len();
        last = m.end();
    }
    assert_eq!(
        &original[at..],
        &redacted[last..],
        "{original:?} -> {redacted:?}"
    );
    spans
}

/// Whether every letter and digit of `original[s..e]` lies in one of `spans`.
fn covered(original: &str, s: usize, e: usize, spans: &[(usize, usize, String)]) -> bool {
    original[s..e]
        .char_indices()
        .filter(|(_, c)| c.is_alphanumeric())
        .all(|(i, _)| spans.iter().any(|(a, b, _)| (*a..*b).contains(&(s + i))))
}

#[derive(Default)]
struct Tally {
    labelled: usize,
    found: usize,
    wrong_kind: usize,
    replaced: usize,
    correct: usize,
}

impl Tally {
    fn recall(&self) -> f64 {
        ratio(self.found, self.labelled)
    }
    fn precision(&self) -> f64 {
        ratio(self.correct, self.replaced)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

#[test]
fn pii_recall_and_precision_on_the_labelled_set() {
    let set = load();
    assert!(
        set.sentences.len() >= 150,
        "{} sentences",
        set.sentences.len()
    );
    let redactor = Redactor::new(true, set.names.clone(), &[]).unwrap();
    let mut tally: BTreeMap<String, Tally> = BTreeMap::new();
    let mut misses = Vec::new();
    let mut false_positives = Vec::new();
    for s in &set.sentences {
        let mut map = Redaction::default();
        let redacted = redactor.redact(&s.text, &mut map);
        assert_eq!(map.restore(&redacted), s.text);
        let spans = replaced_spans(&s.text, &redacted, &map);
        for (a, b, kind) in &s.labels {
            let t = tally.entry(kind.clone()).or_default();
            t.labelled += 1;
            if covered(&s.text, *a, *b, &spans) {
                t.found += 1;
                let same_kind = spans
                    .iter()
                    .any(|(x, y, k)| k == kind && *x < *b && *a < *y);
                if !same_kind && kind != GAP {
                    t.wrong_kind += 1;
                }
            } else if kind != GAP {
                misses.push(format!(
                    "{kind} {:?} in {:?} -> {redacted:?}",
                    &s.text[*a..*b],
                    s.text
                ));
            }
        }
        for (a, b, kind) in &spans {
            let t = tally.entry(kind.clone()).or_default();
            t.replaced += 1;
            if covered(&s.text, *a, *b, &s.labels) {
                t.correct += 1;
            } else {
                false_positives.push(format!("{kind} {:?} in {:?}", &s.text[*a..*b], s.text));
            }
        }
    }

    let mut all = Tally::default();
    println!("\nkind    spans  recall  precision  (replaced, wrong kind)");
    for kind in KINDS {
        let t = tally
            .get(kind)
            .unwrap_or_else(|| panic!("no {kind} in the set"));
        println!(
            "{kind:<7} {:>5}  {:>6.3}  {:>9.3}  ({}, {})",
            t.labelled,
            t.recall(),
            t.precision(),
            t.replaced,
            t.wrong_kind
        );
        all.labelled += t.labelled;
        all.found += t.found;
        all.replaced += t.replaced;
        all.correct += t.correct;
        all.wrong_kind += t.wrong_kind;
    }
    println!(
        "all     {:>5}  {:>6.3}  {:>9.3}  ({}, {})",
        all.labelled,
        all.recall(),
        all.precision(),
        all.replaced,
        all.wrong_kind
    );
    if let Some(g) = tally.get(GAP) {
        println!("{GAP} (known gaps): {} of {} replaced", g.found, g.labelled);
    }
    println!(
        "{} sentences, {} known names",
        set.sentences.len(),
        set.names.len()
    );
    for m in &misses {
        println!("missed: {m}");
    }
    for f in &false_positives {
        println!("false positive: {f}");
    }

    // Every labelled email, phone, card, IBAN and known name is replaced
    // (zero leaks), under its own kind; only names that are also words
    // ("Will the API ...") are replaced where they are not people.
    assert!(misses.is_empty(), "{} missed", misses.len());
    for kind in KINDS {
        let t = &tally[kind];
        let floor = if kind == "PERSON" { 0.95 } else { 1.0 };
        assert!(
            t.precision() >= floor,
            "{kind} precision {:.3} < {floor}",
            t.precision()
        );
        assert_eq!(t.wrong_kind, 0, "{kind} replaced under another kind");
    }
    assert!(
        all.precision() >= 0.98,
        "precision {:.3} < 0.98",
        all.precision()
    );
}
