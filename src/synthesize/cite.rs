//! Citation hygiene for model answers, applied sentence by sentence so that a
//! streamed answer shows exactly what the whole answer would:
//!
//! 1. placeholders are mapped back to the personal data they hide;
//! 2. `[n]` markers are checked against the passages actually sent, and
//!    invalid ones removed;
//! 3. a sentence the model left uncited gets the passage that shares most of
//!    its topic words (at least 2 and a quarter of them), marked as attached
//!    by insight — small models rarely cite, and every attached citation can
//!    be checked against its passage.

use std::collections::{BTreeSet, HashSet};
use std::sync::OnceLock;

use regex::Regex;

use crate::llm::Sink;
use crate::llm::redact::Redaction;
use crate::retrieve::query::topic_words;
use crate::text::stems;

fn citation_group() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"\s?\[\s*(\d+(?:\s*(?:,|;|-|–|and)\s*\d+)*)\s*\]").expect("valid regex")
    })
}

/// Markdown images and links in a model's answer, reduced to their text: a
/// passage may have asked for them (an image whose URL carries data away is
/// the classic), and an answer has no use for them.
fn unlink(text: &str) -> std::borrow::Cow<'_, str> {
    static R: OnceLock<Regex> = OnceLock::new();
    let re = R.get_or_init(|| {
        Regex::new(r"!?\[([^\]\n]*)\]\(\s*<?[a-zA-Z][a-zA-Z0-9+.-]*:[^)\n]*\)")
            .expect("valid regex")
    });
    re.replace_all(text, "$1")
}

/// What the user sees of (part of) an answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Finished {
    pub text: String,
    /// Passage numbers cited by the model.
    pub cited: BTreeSet<usize>,
    /// Passage numbers attached by insight to uncited sentences.
    pub attached: BTreeSet<usize>,
    /// Markers pointing at no passage sent, removed.
    pub removed: Vec<String>,
}

impl Finished {
    fn extend(&mut self, other: Finished) {
        self.text.push_str(&other.text);
        self.cited.extend(other.cited);
        self.attached.extend(other.attached);
        self.removed.extend(other.removed);
    }

    /// Every passage number the text cites.
    pub fn all_cited(&self) -> BTreeSet<usize> {
        self.cited.union(&self.attached).copied().collect()
    }
}

/// Turns model text into what the user sees, for one set of passages.
pub struct Finisher<'a> {
    redaction: &'a Redaction,
    /// Stems of each passage sent, in prompt order (`[1]` is index 0).
    passages: Vec<HashSet<String>>,
}

impl<'a> Finisher<'a> {
    /// `passages` are the texts sent, in order.
    pub fn new(redaction: &'a Redaction, passages: &[&str]) -> Self {
        Finisher {
            redaction,
            passages: passages
                .iter()
                .map(|p| stems(p).into_iter().collect())
                .collect(),
        }
    }

    /// Finishes a piece made of whole sentences (or a whole answer).
    pub fn finish(&self, raw: &str) -> Finished {
        let restored = self.redaction.restore(raw);
        let restored = unlink(&restored);
        let mut out = Finished::default();
        let mut start = 0;
        for end in sentence_ends(&restored).into_iter().chain([restored.len()]) {
            if end > start {
                out.extend(self.sentence(&restored[start..end]));
            }
            start = end;
        }
        out
    }

    /// One sentence (with whatever whitespace surrounds it).
    fn sentence(&self, s: &str) -> Finished {
        let max = self.passages.len();
        let mut f = Finished::default();
        let cleaned = citation_group().replace_all(s, |c: &regex::Captures<'_>| {
            let whole = &c[0];
            let numbers = expand(&c[1]);
            let valid: Vec<usize> = numbers
                .iter()
                .copied()
                .filter(|n| (1..=max).contains(n))
                .collect();
            f.cited.extend(valid.iter().copied());
            if valid.len() == numbers.len() && !numbers.is_empty() {
                return whole.to_string();
            }
            f.removed.push(whole.trim().to_string());
            let lead = if whole.starts_with(char::is_whitespace) && !valid.is_empty() {
                " "
            } else {
                ""
            };
            let marks: String = valid.iter().map(|n| format!("[{n}]")).collect();
            format!("{lead}{marks}")
        });
        let mut text = cleaned.into_owned();
        let has_citation = citation_group().is_match(&text);
        if !has_citation {
            if let Some(n) = self.best_passage(&text) {
                // before the final punctuation: "… adds up quickly [2]."
                let body_end = text.trim_end().len();
                let trimmed = &text[..body_end];
                let punct =
                    trimmed.len() - trimmed.trim_end_matches(['.', '!', '?', ':', ';']).len();
                let at = body_end - punct;
                text.insert_str(at, &format!(" [{n}]"));
                f.attached.insert(n);
            }
        }
        f.text = text;
        f
    }

    /// The passage sharing most topic words with `sentence`, if enough.
    fn best_passage(&self, sentence: &str) -> Option<usize> {
        let words: HashSet<String> = topic_words(sentence, &[])
            .iter()
            .filter(|w| w.chars().count() >= 3)
            .flat_map(|w| stems(w))
            .collect();
        if words.len() < 2 {
            return None;
        }
        let (best, overlap) = self
            .passages
            .iter()
            .enumerate()
            .map(|(i, p)| (i, words.iter().filter(|w| p.contains(*w)).count()))
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))?;
        (overlap >= 2 && overlap * 4 >= words.len()).then_some(best + 1)
    }
}

/// Byte offsets just after each sentence of an answer: after `.`, `!`, `?`
/// (and any citation markers that follow them) and the spaces after, when
/// the next character is not lower case; and after each newline.
fn sentence_ends(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut ends = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                ends.push(i + 1);
                i += 1;
            }
            b'.' | b'!' | b'?' => {
                let mut j = i + 1;
                while j < bytes.len()
                    && matches!(bytes[j], b'.' | b'!' | b'?' | b'"' | b'\'' | b')')
                {
                    j += 1;
                }
                // citation markers written after the punctuation belong to this sentence
                while let Some(m) = citation_group().find_at(text, j).filter(|m| m.start() == j) {
                    j = m.end();
                }
                let mut k = j;
                while k < bytes.len() && bytes[k] == b' ' {
                    k += 1;
                }
                if k > j
                    && k < bytes.len()
                    && text[k..].chars().next().is_some_and(|c| !c.is_lowercase())
                {
                    ends.push(k);
                }
                i = j.max(i + 1);
            }
            _ => i += 1,
        }
    }
    ends
}

/// `1, 3-5` → [1, 3, 4, 5] (ranges of at most 20).
fn expand(list: &str) -> Vec<usize> {
    let mut out = Vec::new();
    for part in list.split([',', ';']).flat_map(|p| p.split(" and ")) {
        let part = part.trim();
        if let Some((a, b)) = part.split_once(['-', '–']) {
            if let (Ok(a), Ok(b)) = (a.trim().parse::<usize>(), b.trim().parse::<usize>()) {
                if a <= b && b - a <= 20 {
                    out.extend(a..=b);
                    continue;
                }
            }
        }
        out.push(part.parse().unwrap_or(0));
    }
    out
}

/// A sink that shows a streamed answer sentence by sentence, finished as the
/// whole answer would be.
pub struct CleaningSink<'a, 'b> {
    inner: &'a mut dyn Sink,
    finisher: &'a Finisher<'b>,
    pending: String,
    /// Everything finished so far in this attempt.
    pub done: Finished,
}

impl<'a, 'b> CleaningSink<'a, 'b> {
    pub fn new(inner: &'a mut dyn Sink, finisher: &'a Finisher<'b>) -> Self {
        CleaningSink {
            inner,
            finisher,
            pending: String::new(),
            done: Finished::default(),
        }
    }

    /// Shows what is still held back; returns the whole finished answer.
    pub fn flush(&mut self) -> Finished {
        let rest = std::mem::take(&mut self.pending);
        if !rest.is_empty() {
            let f = self.finisher.finish(&rest);
            self.inner.delta(&f.text);
            self.done.extend(f);
        }
        std::mem::take(&mut self.done)
    }
}

/// Most text held back waiting for a sentence end: past it, the text is
/// shown as it is (a stream with no sentence ends would otherwise be held,
/// and scanned again with each piece, to its end).
const MAX_HELD: usize = 2048;

/// Whether `text` has a character that can end a sentence.
fn may_end(text: &str) -> bool {
    text.contains(['.', '!', '?', '\n'])
}

impl Sink for CleaningSink<'_, '_> {
    fn delta(&mut self, text: &str) {
        // an end can only appear where a new piece brings one, or where an
        // earlier `.` waited for what follows it
        let scan = may_end(text) || may_end(&self.pending);
        self.pending.push_str(text);
        let cut = if self.pending.len() > MAX_HELD {
            self.pending.len()
        } else if let Some(&cut) = scan
            .then(|| sentence_ends(&self.pending))
            .as_ref()
            .and_then(|e| e.last())
        {
            cut
        } else {
            return;
        };
        let ready: String = self.pending.drain(..cut).collect();
        let f = self.finisher.finish(&ready);
        self.inner.delta(&f.text);
        self.done.extend(f);
    }

    fn restart(&mut self) {
        self.pending.clear();
        self.done = Finished::default();
        self.inner.restart();
    }

    fn notice(&mut self, message: &str) {
        self.inner.notice(message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::redact::Redactor;

    const PASSAGES: [&str; 3] = [
        "We're an 11-person studio and the per-user price adds up quickly.",
        "The Xero sync created every invoice twice.",
        "Setup took six weeks instead of two.",
    ];

    #[test]
    fn links_and_images_are_reduced_to_their_text() {
        let map = Redaction::default();
        let f = Finisher::new(&map, &PASSAGES);
        let out = f.finish("Pricing hurts [1]. ![x](http://evil.example/p.png?q=a) See [the note](https://evil.example/n) and [2](javascript:void).");
        assert_eq!(out.text, "Pricing hurts [1]. x See the note and 2.");
    }

    #[test]
    fn invalid_citations_are_removed_valid_kept() {
        let map = Redaction::default();
        let f = Finisher::new(&map, &PASSAGES);
        let out = f.finish("Pricing hurts [1]. Sync doubles invoices [2, 9]. Odd [7]. All [1-3].");
        assert_eq!(
            out.text,
            "Pricing hurts [1]. Sync doubles invoices [2]. Odd. All [1-3]."
        );
        assert_eq!(out.cited.iter().copied().collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(out.removed, ["[2, 9]", "[7]"]);
        assert!(out.attached.is_empty());
    }

    #[test]
    fn uncited_sentences_get_the_overlapping_passage() {
        let map = Redaction::default();
        let f = Finisher::new(&map, &PASSAGES);
        let out = f.finish("The per-user price adds up quickly for small studios. They like the weather. The Xero sync creates duplicate invoices.\n- Setup took weeks");
        assert_eq!(
            out.text,
            "The per-user price adds up quickly for small studios [1]. They like the weather. The Xero sync creates duplicate invoices [2].\n- Setup took weeks [3]"
        );
        assert_eq!(out.attached.iter().copied().collect::<Vec<_>>(), [1, 2, 3]);
        assert!(out.cited.is_empty());
    }

    #[derive(Default)]
    struct Collect(String);
    impl Sink for Collect {
        fn delta(&mut self, t: &str) {
            self.0.push_str(t);
        }
    }

    #[test]
    fn streaming_matches_the_whole_answer_at_every_chunk_size() {
        let r = Redactor::new(true, ["Dana Whitfield".to_string()], &[]).unwrap();
        let mut map = Redaction::default();
        let _ = r.redact("Dana Whitfield", &mut map);
        let f = Finisher::new(&map, &PASSAGES);
        let raw = "<PERSON_1> said the Xero sync doubles every invoice. Others disagree [4]. Pricing hurts.[1] Setup took six weeks [3].\nDone";
        let whole = f.finish(raw);
        assert!(whole.text.starts_with("Dana Whitfield said the Xero sync doubles every invoice [2]. Others disagree. Pricing hurts.[1] Setup"), "{}", whole.text);
        for size in 1..=raw.len() {
            let mut out = Collect::default();
            let mut sink = CleaningSink::new(&mut out, &f);
            let mut i = 0;
            while i < raw.len() {
                let mut j = (i + size).min(raw.len());
                while !raw.is_char_boundary(j) {
                    j += 1;
                }
                sink.delta(&raw[i..j]);
                i = j;
            }
            let finished = sink.flush();
            assert_eq!(out.0, whole.text, "chunks of {size}");
            assert_eq!(finished, whole, "chunks of {size}");
        }
    }
    #[test]
    fn a_stream_without_sentence_ends_is_shown_as_it_comes_not_held_to_its_end() {
        let map = Redaction::default();
        let f = Finisher::new(&map, &PASSAGES);
        let mut out = Collect::default();
        let mut sink = CleaningSink::new(&mut out, &f);
        for _ in 0..100_000 {
            sink.delta("more and more ");
        }
        assert!(sink.pending.len() <= MAX_HELD, "{}", sink.pending.len());
        sink.flush();
        assert_eq!(out.0.len(), 1_400_000);
        assert!(out.0.ends_with("more and more "));
    }
}
