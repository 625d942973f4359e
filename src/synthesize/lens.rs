//! The four lenses of a summary — pains, objections, triggers, success — and
//! how the offline provider spots a sentence that carries one: cue words and
//! phrases with weights, sentiment words pulling the other way, and negation
//! ("no longer manual", "not expensive") flipping a cue.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// What a summary looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lens {
    /// Problems, frustrations.
    Pains,
    /// Reasons not to buy or to leave.
    Objections,
    /// Why they bought, what made them look.
    Triggers,
    /// Outcomes they value.
    Success,
}

impl Lens {
    pub const ALL: [Lens; 4] = [Lens::Pains, Lens::Objections, Lens::Triggers, Lens::Success];

    /// The name used on the command line, in JSON and for the prompt file.
    pub fn name(self) -> &'static str {
        match self {
            Lens::Pains => "pains",
            Lens::Objections => "objections",
            Lens::Triggers => "triggers",
            Lens::Success => "success",
        }
    }

    /// A heading for reports ("Pain points").
    pub fn heading(self) -> &'static str {
        match self {
            Lens::Pains => "Pain points",
            Lens::Objections => "Objections",
            Lens::Triggers => "Buying triggers",
            Lens::Success => "Success signals",
        }
    }

    fn cues(self) -> &'static [(&'static str, f32)] {
        match self {
            Lens::Pains => PAIN_CUES,
            Lens::Objections => OBJECTION_CUES,
            Lens::Triggers => TRIGGER_CUES,
            Lens::Success => SUCCESS_CUES,
        }
    }

    /// Words that pull a sentence away from this lens.
    fn counter_cues(self) -> &'static [(&'static str, f32)] {
        match self {
            Lens::Pains | Lens::Objections => POSITIVE_CUES,
            Lens::Success => PAIN_CUES,
            Lens::Triggers => &[],
        }
    }

    /// How strongly `sentence` carries this lens (0 when it does not).
    pub fn score(self, sentence: &str) -> f32 {
        let words = words(sentence);
        let mut score = 0.0f32;
        for (cue, w) in self.cues() {
            score += matches(&words, cue) * w;
        }
        if score <= 0.0 {
            return 0.0;
        }
        let mut counter = 0.0f32;
        for (cue, w) in self.counter_cues() {
            counter += matches(&words, cue) * w;
        }
        (score - counter).max(0.0)
    }

    /// Whether `sentence` carries this lens clearly enough to be evidence.
    pub fn is_signal(self, sentence: &str) -> bool {
        self.score(sentence) >= 1.0
    }

    /// The cue words as single words (for the index query that finds
    /// candidate passages).
    pub fn query_words(self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = self
            .cues()
            .iter()
            .flat_map(|(c, _)| c.split(' '))
            .filter(|w| {
                w.len() > 2 && !w.ends_with('*') && !NEGATORS.contains(w) && !w.starts_with('~')
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Whether `word` (lower case) is one of this lens's cue words: cue
    /// words say *that* something is a pain, not *what* it is about, so
    /// they do not name themes.
    pub fn is_cue_word(self, word: &str) -> bool {
        self.cues()
            .iter()
            .chain(self.counter_cues())
            .any(|(c, _)| c.split(' ').any(|p| word_matches(word, p)))
    }
}

impl FromStr for Lens {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "pains" | "pain" => Ok(Lens::Pains),
            "objections" | "objection" => Ok(Lens::Objections),
            "triggers" | "trigger" => Ok(Lens::Triggers),
            "success" | "successes" => Ok(Lens::Success),
            other => Err(format!(
                "unknown lens `{other}` (use pains, objections, triggers or success)"
            )),
        }
    }
}

impl fmt::Display for Lens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Words that flip a cue that follows within three words.
const NEGATORS: &[&str] = &[
    "not", "no", "never", "without", "longer", "hardly", "barely", "isn't", "wasn't", "aren't",
    "don't", "doesn't", "didn't", "nothing",
];

/// Cue syntax: words separated by spaces must follow each other; `word*`
/// matches any word starting with `word`; `~word` is a cue that is never
/// flipped by a negator (it is itself a negation, like "cannot").
const PAIN_CUES: &[(&str, f32)] = &[
    ("problem*", 1.0),
    ("issue*", 1.0),
    ("pain*", 1.0),
    ("nightmare", 1.5),
    ("hard", 1.0),
    ("harder", 1.0),
    ("difficult*", 1.0),
    ("frustrat*", 1.5),
    ("annoy*", 1.2),
    ("confus*", 1.2),
    ("clunky", 1.2),
    ("clumsy", 1.2),
    ("slow*", 1.0),
    ("manual*", 1.0),
    ("by hand", 1.2),
    ("broken", 1.2),
    ("break*", 1.0),
    ("bug*", 1.0),
    ("crash*", 1.2),
    ("fail*", 1.0),
    ("error*", 1.0),
    ("wrong", 1.2),
    ("missing", 1.0),
    ("lack*", 1.0),
    ("blocker*", 1.5),
    ("blocking", 1.0),
    ("stuck", 1.2),
    ("expensive", 1.2),
    ("overpriced", 1.5),
    ("costly", 1.2),
    ("hurt*", 1.0),
    ("struggl*", 1.2),
    ("complain*", 1.2),
    ("tedious", 1.2),
    ("cumbersome", 1.2),
    ("unreliable", 1.2),
    ("outage*", 1.2),
    ("loses", 1.0),
    ("lost", 0.8),
    ("drops", 1.0),
    ("duplicat*", 1.0),
    ("twice", 0.6),
    ("late", 0.6),
    ("delay*", 1.0),
    ("doubled", 1.0),
    ("waste*", 1.0),
    ("worr*", 0.8),
    ("flagged", 1.0),
    ("penalt*", 1.0),
    ("notices", 0.6),
    ("workaround*", 1.2),
    ("keeps", 0.8),
    ("~cannot", 1.0),
    ("~can't", 1.0),
    ("~couldn't", 1.0),
    ("~unable", 1.0),
    ("impossible", 1.2),
    ("~nobody", 1.0),
    ("~no way", 1.0),
    ("~there is no", 1.0),
    ("~there's no", 1.0),
    ("~do not", 0.8),
    ("~does not", 0.8),
    ("~doesn't", 0.8),
    ("~don't", 0.6),
    ("~didn't", 0.6),
    ("~isn't", 0.6),
    ("~won't", 0.6),
    ("~without", 0.6),
    ("too", 0.6),
    ("half works", 1.2),
    ("only half", 1.0),
    ("takes weeks", 1.0),
    ("takes days", 1.0),
    ("takes hours", 1.0),
    ("have to", 0.6),
    ("has to", 0.6),
    ("had to", 0.6),
    ("we need", 0.8),
    ("need to", 0.4),
    ("wish", 0.8),
    ("wrote our own", 1.2),
    ("own scripts", 1.0),
    ("spreadsheet*", 0.6),
    ("hate", 1.5),
    ("terrible", 1.5),
    ("awful", 1.5),
    ("bad", 1.0),
    ("worse", 1.0),
    ("worst", 1.2),
    ("ridiculous", 1.2),
    ("painful", 1.5),
    ("headache*", 1.5),
    ("risk*", 0.6),
    ("concern*", 0.6),
    ("hassle", 1.2),
    ("mess", 1.2),
    ("limit*", 0.6),
    ("doesn't work", 1.2),
    ("not working", 1.2),
    ("logging them out", 1.0),
    ("logs out", 1.0),
    ("blocker", 1.5),
    ("adds up", 1.0),
    ("a lot for", 1.0),
    ("too much", 1.2),
    ("pricey", 1.2),
    ("steep", 1.0),
    ("afford", 1.0),
    ("paying more", 1.0),
    ("full seat", 0.8),
];

const POSITIVE_CUES: &[(&str, f32)] = &[
    ("love*", 1.5),
    ("great", 1.2),
    ("nice", 1.2),
    ("lovely", 1.2),
    ("excellent", 1.5),
    ("solid", 1.0),
    ("smooth*", 1.0),
    ("easy", 0.8),
    ("happy", 1.0),
    ("like", 0.8),
    ("helpful", 1.0),
    ("fantastic", 1.5),
    ("perfect*", 1.2),
    ("works well", 1.5),
    ("without any trouble", 3.0),
    ("no problem", 2.0),
    ("no problems", 2.0),
    ("no issue", 2.0),
    ("no issues", 2.0),
    ("best", 0.8),
    ("improved", 1.0),
    ("saved", 1.0),
    ("enjoy*", 1.2),
    ("appreciate*", 0.8),
    ("thank*", 0.6),
    ("reliable", 1.0),
    ("rock solid", 1.5),
];

const OBJECTION_CUES: &[(&str, f32)] = &[
    ("too expensive", 2.0),
    ("expensive", 1.0),
    ("price*", 0.8),
    ("pricing", 0.8),
    ("cost*", 0.6),
    ("budget*", 1.0),
    ("cheaper", 1.5),
    ("alternative*", 1.2),
    ("competitor*", 1.5),
    ("switch*", 1.0),
    ("leave", 1.0),
    ("leaving", 1.2),
    ("cancel*", 1.5),
    ("churn*", 1.5),
    ("not worth", 2.0),
    ("justify", 1.2),
    ("security review", 1.5),
    ("questionnaire", 1.0),
    ("compliance", 0.8),
    ("in-house", 1.5),
    ("ourselves", 0.8),
    ("build it", 1.0),
    ("lock-in", 1.5),
    ("migration", 1.0),
    ("migrat*", 0.8),
    ("risk*", 0.8),
    ("concern*", 1.0),
    ("hesitant", 1.2),
    ("not sure", 1.0),
    ("not convinced", 1.5),
    ("legal", 0.8),
    ("procurement", 1.0),
    ("change freeze", 1.5),
    ("renewal", 0.8),
    ("contract", 0.6),
    ("per head", 0.8),
    ("per seat", 0.8),
    ("per user", 0.8),
    ("per employee", 0.8),
    ("looking at", 0.8),
    ("looking for", 0.6),
    ("flat fee", 0.8),
    ("moving to", 1.0),
    ("moved to", 1.2),
    ("dealbreaker", 2.0),
    ("deal breaker", 2.0),
    ("blocker", 1.2),
    ("on hold", 1.5),
    ("hold off", 1.5),
];

const TRIGGER_CUES: &[(&str, f32)] = &[
    ("that's why", 1.5),
    ("that is why", 1.5),
    ("why we", 1.0),
    ("because", 0.6),
    ("after", 0.5),
    ("started looking", 2.0),
    ("began looking", 2.0),
    ("start looking", 1.5),
    ("looking for", 1.0),
    ("decided", 1.2),
    ("chose", 1.2),
    ("switched", 1.2),
    ("moved to", 1.0),
    ("bought", 1.0),
    ("signed", 0.8),
    ("mandate*", 1.5),
    ("asked us", 1.0),
    ("audit*", 0.8),
    ("finding", 1.0),
    ("acquisition", 1.5),
    ("acquired", 1.5),
    ("merger", 1.5),
    ("new entity", 1.5),
    ("expansion", 1.2),
    ("expanded", 1.2),
    ("grew", 1.0),
    ("growing", 1.0),
    ("growth", 1.0),
    ("hired", 0.8),
    ("hiring", 0.8),
    ("deadline", 0.8),
    ("regulat*", 1.0),
    ("missed", 0.8),
    ("last straw", 2.0),
    ("replace", 1.0),
    ("replacing", 1.2),
    ("outgrew", 2.0),
    ("fed up", 1.5),
    ("needed", 0.8),
    ("trigger*", 1.5),
    ("reason we", 1.5),
    ("the moment", 0.8),
    ("when we", 0.6),
    ("new state", 0.8),
    ("went live", 0.8),
    ("evaluat*", 1.0),
];

const SUCCESS_CUES: &[(&str, f32)] = &[
    ("save*", 1.2),
    ("saving*", 1.2),
    ("hours a week", 1.5),
    ("faster", 1.2),
    ("quicker", 1.2),
    ("reduced", 1.2),
    ("reduce", 0.8),
    ("down from", 1.5),
    ("fewer", 1.0),
    ("less time", 1.5),
    ("easier", 1.2),
    ("love*", 1.5),
    ("great", 1.0),
    ("nice", 1.0),
    ("lovely", 1.0),
    ("works well", 1.5),
    ("rock solid", 1.5),
    ("solid", 1.0),
    ("reliable", 1.0),
    ("improv*", 1.0),
    ("better", 0.8),
    ("happy", 1.0),
    ("like", 0.6),
    ("helpful", 1.0),
    ("~no longer", 1.2),
    ("without any trouble", 1.5),
    ("smooth*", 1.0),
    ("on time", 1.0),
    ("dso", 0.8),
    ("excellent", 1.5),
    ("fantastic", 1.5),
    ("enjoy*", 1.0),
    ("appreciate*", 1.0),
    ("freed up", 1.5),
    ("paid faster", 1.5),
    ("value", 0.6),
];

/// Lower-cased words with their punctuation stripped (apostrophes kept).
fn words(sentence: &str) -> Vec<String> {
    sentence
        .split(|c: char| {
            c.is_whitespace()
                || matches!(
                    c,
                    ',' | '.' | ';' | ':' | '!' | '?' | '(' | ')' | '"' | '“' | '”' | '—'
                )
        })
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-')
                .to_lowercase()
                .replace('\u{2019}', "'")
        })
        .filter(|w| !w.is_empty())
        .collect()
}

fn word_matches(word: &str, pattern: &str) -> bool {
    let pattern = pattern.trim_start_matches('~');
    match pattern.strip_suffix('*') {
        Some(prefix) => word.starts_with(prefix),
        None => word == pattern,
    }
}

/// How many times `cue` occurs in `words`, not counting negated occurrences
/// (unless the cue is marked `~`).
fn matches(words: &[String], cue: &str) -> f32 {
    let negatable = !cue.starts_with('~');
    let body = cue.trim_start_matches('~');
    let first = body.split(' ').next().unwrap_or(body);
    let len = body.bytes().filter(|&b| b == b' ').count() + 1;
    let mut n = 0.0;
    if len > words.len() {
        return 0.0;
    }
    for i in 0..=words.len() - len {
        if word_matches(&words[i], first)
            && body
                .split(' ')
                .enumerate()
                .skip(1)
                .all(|(k, p)| word_matches(&words[i + k], p))
        {
            let negated = negatable
                && words[i.saturating_sub(3)..i]
                    .iter()
                    .any(|w| NEGATORS.contains(&w.as_str()));
            if !negated {
                n += 1.0;
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pains_with_negation_and_sentiment() {
        let p = Lens::Pains;
        for s in [
            "Filing payroll taxes across several states is a nightmare.",
            "Every time we hire someone the tax registration is manual and it takes weeks.",
            "Honestly the per-employee price is hard to justify for a team of twelve people.",
            "There's no SCIM, so Okta only half works.",
            "We wrote our own scripts because the connector drops lines.",
            "Hourly workers cannot fix a missed punch on the mobile app.",
        ] {
            assert!(p.is_signal(s), "{s}: {}", p.score(s));
        }
        for s in [
            "The onboarding checklist for new hires is really nice, people love it.",
            "The year-end forms were generated without any trouble.",
            "Direct deposit has been rock solid since we switched.",
            "Reconciliation is no longer manual.",
            "Thanks for making the time today.",
            "Let me share my screen for a second.",
        ] {
            assert!(!p.is_signal(s), "{s}: {}", p.score(s));
        }
    }

    #[test]
    fn other_lenses() {
        assert!(Lens::Success.is_signal("We save about fifteen hours a week on collections."));
        assert!(Lens::Success.is_signal("DSO went down from 52 to 38 days."));
        assert!(!Lens::Success.is_signal("The sync is broken and slow."));
        assert!(
            Lens::Triggers.is_signal("After the acquisition we started looking for a new tool.")
        );
        assert!(
            Lens::Objections
                .is_signal("It is too expensive, we are looking at cheaper alternatives.")
        );
        assert!(
            Lens::Objections
                .is_signal("Legal put the rollout on hold until the security review is done.")
        );
    }

    #[test]
    fn parsing_and_cue_words() {
        assert_eq!("Pains".parse::<Lens>().unwrap(), Lens::Pains);
        assert!("joy".parse::<Lens>().is_err());
        assert!(Lens::Pains.is_cue_word("manual"));
        assert!(Lens::Pains.is_cue_word("frustrating"));
        assert!(!Lens::Pains.is_cue_word("approval"));
        let q = Lens::Pains.query_words();
        assert!(
            q.contains(&"nightmare") && q.contains(&"hand") && !q.iter().any(|w| w.contains('*'))
        );
    }
}
