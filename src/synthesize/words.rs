//! Words of customer sentences as theme-building sees them: tokens with
//! their place in the text (so a phrase can be cut out verbatim), stems,
//! and what kind of word each is — a function word, a filler, a word of
//! feeling, a name — so that clustering and naming look at what a sentence
//! is about.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;

use crate::text::{is_stop_word, stems};

/// A token of a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// Byte range in the sentence.
    pub span: Range<usize>,
    /// Lower case.
    pub lower: String,
    /// Stem (compounds keep their parts: `per-seat` → `per-seat`).
    pub stem: String,
    pub kind: Kind,
}

/// What a token contributes to what a sentence is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A word that says what the sentence is about.
    Content,
    /// A word of feeling or judgement ("nightmare", "annoying"): every
    /// complaint has them.
    Feeling,
    /// Function words, fillers, numbers, names: glue.
    Glue,
}

impl Token {
    pub fn is_content(&self) -> bool {
        self.kind == Kind::Content
    }
}

/// Splits `text` into word tokens (letters and digits, with inner
/// apostrophes and hyphens: `can't`, `per-seat`, `e-mail`).
pub fn tokens(text: &str) -> Vec<(Range<usize>, &str)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let bytes: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in bytes.iter().enumerate() {
        let inner = (c == '\'' || c == '\u{2019}' || c == '-')
            && start.is_some()
            && bytes.get(k + 1).is_some_and(|&(_, n)| n.is_alphanumeric());
        if c.is_alphanumeric() || inner {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            out.push((s..i, &text[s..i]));
        }
    }
    if let Some(s) = start {
        out.push((s..text.len(), &text[s..]));
    }
    out
}

/// Words that never carry a theme on their own (on top of the stop words
/// of questions).
#[rustfmt::skip]
const GLUE: &[&str] = &[
    "per", "own", "get", "gets", "got", "getting", "one", "two", "three", "four", "five", "lot",
    "lots", "thing", "things", "way", "really", "actually", "honestly", "basically", "literally",
    "today", "now", "still", "even", "every", "everything", "something", "anything", "someone",
    "anyone", "always", "time", "times", "people", "going", "make", "makes", "made", "use",
    "used", "uses", "using", "want", "wanted", "know", "think", "thought", "see", "seen", "look",
    "like", "well", "much", "many", "need", "needs", "needed", "yes", "yeah", "okay", "ok",
    "sure", "right", "whole", "single", "main", "big", "new", "able", "go", "goes", "went",
    "gone", "come", "comes", "came", "take", "takes", "took", "give", "gives", "put", "said",
    "says", "tell", "told", "ask", "asked", "let", "try", "tried", "trying", "day", "days",
    "week", "weeks", "month", "months", "year", "years", "minute", "minutes", "hour", "hours",
    "part", "bit", "kind", "sort", "stuff", "somebody", "nobody", "anybody", "everybody",
    "everyone", "nothing", "else", "back", "ago", "later", "soon", "first", "second", "last",
    "next", "also", "would", "could", "should", "might", "must", "shall", "may", "can", "cannot",
    "will", "just", "quite", "pretty", "rather", "maybe", "perhaps", "probably", "definitely",
    "totally", "completely", "absolutely", "simply", "seriously", "already", "yet", "ever",
    "never", "please", "thanks", "thank", "hi", "hello", "guys", "lol", "oh", "etc", "us",
    "via", "within", "without", "upon", "across", "around", "since", "though", "although",
    "however", "whether", "else", "instead", "either", "neither", "both", "each", "another",
    "any", "some", "such", "lot", "lots", "bunch", "able", "unable", "there", "here", "where",
    "now", "then", "than", "keep", "keeps", "kept", "seem", "seems", "seemed", "feel", "feels",
    "felt", "find", "found", "become", "became", "becomes", "happen", "happens", "happened",
    "work", "works", "worked", "working", "do", "does", "did", "done", "doing", "have", "has",
    "had", "having", "be", "been", "being", "is", "are", "was", "were", "am", "getting",
    "really", "very", "too", "so", "not", "no", "yes", "again", "app", "apps", "application",
    "product", "tool", "software", "company", "team", "morning", "evening", "night",
    "tonight", "tomorrow", "yesterday", "weekend", "everyday", "twice", "once", "thrice",
    "person", "persons",
];

/// Months, days and other calendar words: a date is never a theme.
#[rustfmt::skip]
const CALENDAR: &[&str] = &[
    "january", "february", "march", "april", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "mondays", "tuesdays", "wednesdays", "thursdays", "fridays", "saturdays",
    "sundays", "q1", "q2", "q3", "q4", "quarter", "quarterly",
];

/// Words of feeling and judgement; `*` marks a prefix (`frustrat*` covers
/// frustrating, frustrated, frustration), other words also match with a
/// plural or adverb ending (`problems`, `badly`).
#[rustfmt::skip]
const FEELING: &[&str] = &[
    "problem", "issue", "pain", "nightmare", "frustrat*", "annoy*", "struggl*", "complain*",
    "tedious", "upset", "worr*", "embarrass*", "hate", "hated", "hating", "terribl*", "awful",
    "horribl*", "bad", "worse", "worst", "disappoint*", "unhappy", "angry", "mad", "sad",
    "ridiculous", "stupid", "useless", "garbage", "trash", "junk", "suck", "sucked", "sucking",
    "poor", "horrendous", "pathetic", "lousy", "unacceptabl*", "dread*", "irritat*", "painful",
    "headache", "hassle", "mess", "concern", "great", "good", "love", "loved", "loving",
    "nice", "excellent", "amazing", "awesome", "fantastic", "perfect", "best", "better",
    "happy", "happier", "glad", "enjoy*", "wonderful", "real", "honest", "serious", "total",
    "complete", "absolute", "huge",
];

/// Whether `lower` is a word of feeling.
pub fn is_feeling(lower: &str) -> bool {
    FEELING.iter().any(|f| match f.strip_suffix('*') {
        Some(prefix) => lower.starts_with(prefix),
        None => {
            lower == *f
                || lower
                    .strip_prefix(f)
                    .is_some_and(|rest| matches!(rest, "s" | "es" | "ly" | "y"))
        }
    })
}

/// Whether `lower` is a calendar word (a month, a weekday, a quarter).
pub fn is_calendar(lower: &str) -> bool {
    CALENDAR.contains(&lower)
}

/// Whether `lower` is glue: a stop word, filler, number or calendar word.
pub fn is_glue(lower: &str) -> bool {
    lower.chars().count() < 2
        || lower.chars().all(|c| c.is_ascii_digit())
        || lower.contains('\'')
        || lower.contains('\u{2019}')
        || is_stop_word(lower)
        || GLUE.contains(&lower)
        || is_calendar(lower)
}

/// Stems words once each.
#[derive(Debug, Default)]
pub struct Stemmer {
    cache: HashMap<String, String>,
}

impl Stemmer {
    /// The stem of a lower-case word (a compound's parts joined by `-`).
    pub fn stem(&mut self, lower: &str) -> String {
        if let Some(s) = self.cache.get(lower) {
            return s.clone();
        }
        let s = stems(lower).join("-");
        let s = if s.is_empty() { lower.to_string() } else { s };
        self.cache.insert(lower.to_string(), s.clone());
        s
    }

    /// The tokens of `text`, each with its kind; `excluded` (lower case:
    /// people's and companies' names, our product's name) are glue.
    pub fn analyze(&mut self, text: &str, excluded: &BTreeSet<String>) -> Vec<Token> {
        let mut out: Vec<Token> = tokens(text)
            .into_iter()
            .map(|(span, raw)| {
                let lower = raw.to_lowercase().replace('\u{2019}', "'");
                let kind = if is_glue(&lower) || excluded.contains(&lower) {
                    Kind::Glue
                } else if is_feeling(&lower) {
                    Kind::Feeling
                } else {
                    Kind::Content
                };
                let stem = self.stem(&lower);
                Token {
                    span,
                    lower,
                    stem,
                    kind,
                }
            })
            .collect();
        // a capitalised word that says, wants or keeps doing something is a
        // person ("so Ahmed keeps a mapping sheet"), even one the index
        // does not know
        for k in 0..out.len().saturating_sub(1) {
            let raw = &text[out[k].span.clone()];
            let capitalised = raw.starts_with(char::is_uppercase)
                && raw.chars().skip(1).all(|c| c.is_lowercase());
            if capitalised && PERSON_VERBS.contains(&out[k + 1].lower.as_str()) {
                out[k].kind = Kind::Glue;
            }
        }
        out
    }
}

/// Verbs that follow a person's name in notes ("Marcus said", "Rebecca
/// flagged"), and seldom a product's ("Xero is", "Okta has" are left out).
#[rustfmt::skip]
const PERSON_VERBS: &[&str] = &[
    "said", "says", "told", "tells", "asked", "asks", "wants", "wanted", "keeps", "kept",
    "thinks", "thought", "mentioned", "mentions", "flagged", "flags", "needs", "needed",
    "complained", "complains", "explained", "explains", "noted", "called", "emailed", "wrote", "writes", "raised", "raises", "described", "describes", "feels", "felt",
    "admitted", "added", "confirmed", "agreed", "worries", "worried", "expects", "expected",
];

/// What a sentence is about: its words, without the words of feeling (the
/// whole sentence when nothing else is left).
pub fn topic_text(sentence: &str) -> String {
    let kept: Vec<&str> = tokens(sentence)
        .into_iter()
        .map(|(_, w)| w)
        .filter(|w| !is_feeling(&w.to_lowercase()))
        .collect();
    if kept.is_empty() {
        sentence.to_string()
    } else {
        kept.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_keep_inner_apostrophes_and_hyphens() {
        let t: Vec<&str> = tokens("We can't use per-seat pricing — it's 'too' much.")
            .into_iter()
            .map(|(_, w)| w)
            .collect();
        assert_eq!(
            t,
            [
                "We", "can't", "use", "per-seat", "pricing", "it's", "too", "much"
            ]
        );
        let text = "No SCIM, so Okta only half works.";
        for (span, w) in tokens(text) {
            assert_eq!(&text[span], w);
        }
    }

    #[test]
    fn an_unknown_person_is_no_topic() {
        let mut s = Stemmer::default();
        let none = BTreeSet::new();
        let t = s.analyze("So Ahmed keeps a mapping sheet, and Xero is slow.", &none);
        let kind = |w: &str| t.iter().find(|t| t.lower == w).map(|t| t.kind);
        assert_eq!(kind("ahmed"), Some(Kind::Glue));
        assert_eq!(kind("xero"), Some(Kind::Content));
        assert_eq!(kind("sheet"), Some(Kind::Content));
        // "the person who issues a credit": who, not what the theme is about
        let t = s.analyze("The person who issues a credit approves it.", &none);
        let kind = |w: &str| t.iter().find(|t| t.lower == w).map(|t| t.kind);
        assert_eq!(kind("person"), Some(Kind::Glue));
        assert_eq!(kind("credit"), Some(Kind::Content));
    }

    #[test]
    fn kinds() {
        let mut s = Stemmer::default();
        let names: BTreeSet<String> = ["ledgerline".to_string()].into();
        let t = s.analyze("Honestly, Ledgerline sync in August is a nightmare", &names);
        let kinds: Vec<(&str, Kind)> = t.iter().map(|t| (t.lower.as_str(), t.kind)).collect();
        assert_eq!(
            kinds,
            [
                ("honestly", Kind::Glue),
                ("ledgerline", Kind::Glue),
                ("sync", Kind::Content),
                ("in", Kind::Glue),
                ("august", Kind::Glue),
                ("is", Kind::Glue),
                ("a", Kind::Glue),
                ("nightmare", Kind::Feeling),
            ]
        );
        assert_eq!(topic_text("SCIM is a nightmare"), "SCIM is a");
        assert_eq!(topic_text("terrible"), "terrible");
    }
}
