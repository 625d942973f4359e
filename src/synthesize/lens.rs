//! The four lenses of a summary — pains, objections, triggers, success — and
//! how the offline provider spots a sentence that carries one. `detect` reads
//! the sentence clause by clause (complaint and praise, negation scopes,
//! idioms, missing capabilities, requests, questions, conditionals, solved
//! pains); a lens turns that reading into a score: pains are complaints net
//! of praise in the same clause, success is praise, outcomes and solved
//! pains net of complaints, objections and triggers are this module's own
//! cue lists (negated cues left out, praise pulling objections back).

use std::collections::HashSet;
use std::fmt;
use std::ops::Range;
use std::str::FromStr;
use std::sync::OnceLock;

use serde::Serialize;

use super::detect::{self, Facts, Kind, Table};
use super::lexicon;

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

    /// The lens's own cues (none for pains: every complaint word of
    /// `lexicon` is a pain).
    fn cues(self) -> &'static [(&'static str, f32)] {
        match self {
            Lens::Pains => &[],
            Lens::Objections => OBJECTION_CUES,
            Lens::Triggers => TRIGGER_CUES,
            Lens::Success => SUCCESS_CUES,
        }
    }

    fn table(self) -> &'static Table {
        static TABLES: [OnceLock<Table>; 4] = [const { OnceLock::new() }; 4];
        TABLES[self as usize].get_or_init(|| {
            let mut t = Table::default();
            t.add_cues(self.cues());
            t
        })
    }

    /// How `sentence` carries this lens: its score (evidence from
    /// [`SIGNAL`] on), the clause that carries it and how it is said.
    pub fn detect(self, sentence: &str) -> Detection {
        self.judge(&detect::read(sentence))
    }

    /// [`Lens::detect`] on a sentence already read (several lenses can
    /// share one reading).
    pub fn judge(self, facts: &Facts) -> Detection {
        let cues = match self {
            Lens::Pains => vec![0.0; facts.clauses.len()],
            _ => detect::cue_scores(facts, self.table()),
        };
        let mut scored: Vec<(f32, Kind)> = Vec::with_capacity(facts.clauses.len());
        for (c, cue) in facts.clauses.iter().zip(&cues) {
            let (s, kind) = match self {
                Lens::Pains => ((c.neg - COUNTER * c.pos).max(0.0), c.neg_kind),
                Lens::Success => {
                    let s = (c.pos + c.solved + cue - COUNTER * c.neg).max(0.0);
                    let kind = if c.solved > c.pos + cue {
                        Kind::Solved
                    } else {
                        Kind::Statement
                    };
                    (s, kind)
                }
                Lens::Objections => {
                    let kind =
                        if (c.toks.start..c.toks.end).any(|i| facts.conditional(c, i).is_some()) {
                            Kind::Conditional
                        } else if c.question {
                            Kind::Question
                        } else {
                            Kind::Statement
                        };
                    ((cue - COUNTER * c.pos).max(0.0), kind)
                }
                Lens::Triggers => (*cue, Kind::Statement),
            };
            let weight = if self == Lens::Triggers {
                1.0
            } else {
                c.weight
            };
            scored.push((s * weight, kind));
        }
        let best = scored
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.0.total_cmp(&b.1.0).then(b.0.cmp(&a.0)));
        let Some((b, &(score, kind))) = best else {
            return Detection::default();
        };
        let carrying: Vec<usize> = scored
            .iter()
            .enumerate()
            .filter(|(_, (s, _))| *s >= SIGNAL)
            .map(|(k, _)| k)
            .collect();
        let (first, last) = match (carrying.first(), carrying.last()) {
            (Some(&f), Some(&l)) => (f, l),
            _ => (b, b),
        };
        Detection {
            score,
            focus: facts.clauses[first].span.start..facts.clauses[last].span.end,
            kind,
            valence: facts.valence(),
        }
    }

    /// How strongly `sentence` carries this lens (0 when it does not).
    pub fn score(self, sentence: &str) -> f32 {
        self.detect(sentence).score
    }

    /// Whether `sentence` carries this lens clearly enough to be evidence.
    pub fn is_signal(self, sentence: &str) -> bool {
        self.score(sentence) >= SIGNAL
    }

    /// The single cue words of this lens (complaint words for pains): what
    /// an index query for candidate passages would look for.
    pub fn query_words(self) -> Vec<&'static str> {
        let list: &[(&'static str, f32)] = match self {
            Lens::Pains => lexicon::NEGATIVE,
            _ => self.cues(),
        };
        let mut out: Vec<&'static str> = list
            .iter()
            .flat_map(|(c, _)| c.trim_start_matches('~').split(' '))
            .filter(|w| w.len() > 2 && !w.ends_with('*') && !lexicon::NEGATORS.contains(w))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Whether `word` (lower case) is one of this lens's cue words: cue
    /// words say *that* something is a pain, not *what* it is about, so
    /// they do not name themes.
    pub fn is_cue_word(self, word: &str) -> bool {
        static WORDS: [OnceLock<CueWords>; 4] = [const { OnceLock::new() }; 4];
        WORDS[self as usize]
            .get_or_init(|| {
                let general: &[&[(&str, f32)]] = match self {
                    Lens::Pains => &[lexicon::NEGATIVE, lexicon::POSITIVE],
                    Lens::Objections => &[lexicon::POSITIVE],
                    Lens::Success => &[lexicon::POSITIVE, lexicon::NEGATIVE],
                    Lens::Triggers => &[],
                };
                let mut words = CueWords::default();
                for list in general.iter().chain([&self.cues()]) {
                    for (cue, _) in list.iter() {
                        if !TOPICAL.contains(cue) {
                            words.add(cue);
                        }
                    }
                }
                words
            })
            .contains(word)
    }
}

/// Complaint words that also say what the complaint is about ("too many
/// ads"): they may name a theme.
const TOPICAL: &[&str] = &[
    "ads", "advert*", "pop-up*", "popup*", "spam*", "paywall*", "refund*",
];

/// The words of a list of cues, for [`Lens::is_cue_word`].
#[derive(Debug, Default)]
struct CueWords {
    exact: HashSet<String>,
    prefixes: Vec<String>,
}

impl CueWords {
    fn add(&mut self, cue: &str) {
        for w in cue.trim_start_matches('~').split(' ') {
            let w = w.replace('\u{2019}', "'");
            match w.strip_suffix('*') {
                Some(p) => self.prefixes.push(p.to_string()),
                None => {
                    self.exact.insert(w);
                }
            }
        }
    }

    fn contains(&self, word: &str) -> bool {
        self.exact.contains(word) || self.prefixes.iter().any(|p| word.starts_with(p.as_str()))
    }
}

/// The score from which a sentence is evidence.
pub const SIGNAL: f32 = 1.0;

/// How much praise in a clause takes from its complaints (and complaints
/// from its praise, for `success`).
pub const COUNTER: f32 = 1.0;

/// How a sentence carries a lens (see [`Lens::detect`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Detection {
    /// Evidence from [`SIGNAL`] on; 0 when the lens is absent.
    pub score: f32,
    /// Byte range of the sentence that carries it: the clause(s) at or
    /// above [`SIGNAL`], else the strongest clause.
    pub focus: Range<usize>,
    /// How it is said.
    pub kind: Kind,
    /// The sentence's valence, -1 (complaint) to 1 (praise).
    pub valence: f32,
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

/// Outcomes (praise words come from `lexicon`).
const SUCCESS_CUES: &[(&str, f32)] = &[
    ("save*", 1.2),
    ("saving*", 1.2),
    ("hours a week", 1.5),
    ("quicker", 1.2),
    ("reduced", 1.2),
    ("reduce", 0.8),
    ("down from", 1.5),
    ("fewer", 1.0),
    ("less time", 1.5),
    ("on time", 1.0),
    ("dso", 0.8),
    ("freed up", 1.5),
    ("paid faster", 1.5),
    ("value", 0.6),
];

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
