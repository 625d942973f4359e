//! The built-in offline provider: no model, no network. For a question it
//! picks the sentences of the retrieved passages that share the most (and the
//! rarest) topic words with it, and quotes them verbatim.

use crate::text::{sentences, stems};

/// A sentence chosen as evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct Quote {
    /// Index of the passage it comes from.
    pub passage: usize,
    /// The sentence, verbatim.
    pub text: String,
    pub score: f32,
}

/// A passage offered as evidence.
#[derive(Debug, Clone)]
pub struct Candidate<'a> {
    pub text: &'a str,
    /// Spoken by our own side (interviewer, rep): weighs less.
    pub internal: bool,
}

/// The best `max` sentences (at most `per_passage` from one passage) for a
/// question whose topic stems are `terms`, each with a weight (its IDF).
/// Passages come in rank order; earlier ones win ties.
pub fn best_sentences(
    candidates: &[Candidate<'_>],
    terms: &[(String, f32)],
    max: usize,
    per_passage: usize,
) -> Vec<Quote> {
    let mut scored: Vec<Quote> = Vec::new();
    for (i, c) in candidates.iter().enumerate() {
        let rank_factor = 1.0 - 0.02 * (i.min(20) as f32);
        let mut mine: Vec<Quote> = sentences(c.text)
            .into_iter()
            .filter_map(|s| {
                let words = stems(s);
                let matched: Vec<&(String, f32)> =
                    terms.iter().filter(|(t, _)| words.contains(t)).collect();
                if matched.is_empty() {
                    return None;
                }
                let mut score: f32 = matched.iter().map(|(_, w)| w).sum();
                score *= 1.0 + 0.25 * (matched.len() as f32 - 1.0);
                if words.len() < 5 {
                    score *= 0.5;
                }
                if c.internal {
                    score *= 0.15;
                }
                if s.starts_with('#') {
                    score *= 0.3; // a heading names a topic, it is not evidence
                }
                if s.ends_with('?') {
                    score *= 0.5; // a question is rarely the evidence
                }
                Some(Quote {
                    passage: i,
                    text: s.to_string(),
                    score: score * rank_factor,
                })
            })
            .collect();
        mine.sort_by(|a, b| b.score.total_cmp(&a.score));
        mine.truncate(per_passage);
        scored.extend(mine);
    }
    scored.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.passage.cmp(&b.passage)));
    let mut out: Vec<Quote> = Vec::new();
    for q in scored {
        if out.len() >= max {
            break;
        }
        if out.iter().any(|o| o.text.eq_ignore_ascii_case(&q.text)) {
            continue; // the same sentence from another document
        }
        out.push(q);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_topic_sentences_and_prefers_customers() {
        let c = [
            Candidate {
                text: "Thanks for joining. How do you provision users today?",
                internal: true,
            },
            Candidate {
                text: "We create every user by hand. There is no SCIM, so Okta only half works. The weather is nice.",
                internal: false,
            },
        ];
        let terms = vec![
            ("user".to_string(), 1.0),
            ("scim".to_string(), 3.0),
            ("provis".to_string(), 2.0),
        ];
        let q = best_sentences(&c, &terms, 3, 2);
        assert_eq!(q[0].text, "There is no SCIM, so Okta only half works.");
        assert_eq!(q[1].text, "We create every user by hand.");
        assert_eq!(q.len(), 3);
        assert!(q[2].passage == 0, "the interviewer's question comes last");
        assert!(best_sentences(&c, &[("zebra".into(), 1.0)], 3, 2).is_empty());
    }
}
