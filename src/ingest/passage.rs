//! Splitting text into passages: a few sentences each (about 80 words, at most
//! 160), never across a heading, preferring paragraph ends, each with the line
//! range it came from. Transcripts are split by speaker instead (see `subtitles`).

use super::{Location, Passage};
use crate::text::sentence_ends;

/// Passages close once they reach this many words.
pub const TARGET_WORDS: usize = 80;
/// No passage grows beyond this many words (a longer sentence is cut).
pub const MAX_WORDS: usize = 160;
/// A paragraph end closes a passage only once it has this many words.
pub const MIN_WORDS: usize = 25;

#[derive(Debug)]
struct Unit {
    text: String,
    start: u32,
    end: u32,
    words: usize,
    heading: bool,
    /// The unit starts a paragraph, list item or heading (joined with `\n`).
    block_start: bool,
    /// A blank line (or the end of the text) follows the unit.
    para_end: bool,
}

/// Splits a text body into passages located by line range. `first_line` is the
/// 1-based line number of the body's first line in the file.
pub fn split_lines(body: &str, first_line: u32) -> Vec<Passage> {
    pack(units(body, first_line), |s, e| Location::Lines {
        start: s,
        end: e,
    })
}

/// Splits a block of text (a CSV cell, a JSON value) into passages that all
/// carry the same `location`.
pub fn split_block(text: &str, location: Location) -> Vec<Passage> {
    pack(units(text, 1), |_, _| location.clone())
}

/// Collects sentence units from lines.
fn units(body: &str, first_line: u32) -> Vec<Unit> {
    let mut b = UnitBuilder::default();
    for (i, raw) in body.split('\n').enumerate() {
        let line_no = first_line + i as u32;
        let line = raw.trim();
        if line.is_empty() || is_rule(line) {
            b.flush_pending();
            b.end_paragraph();
            continue;
        }
        if is_heading(line) {
            b.flush_pending();
            b.end_paragraph();
            b.push(line.to_string(), line_no, line_no, true, true);
            continue;
        }
        if is_list_item(line) {
            b.flush_pending();
            b.next_starts_block = true;
        }
        b.add_line(line, line_no);
    }
    b.flush_pending();
    b.end_paragraph();
    b.units
}

#[derive(Default)]
struct UnitBuilder {
    units: Vec<Unit>,
    pending: String,
    /// (byte offset in `pending`, line number) for each line appended.
    marks: Vec<(usize, u32)>,
    next_starts_block: bool,
    in_paragraph: bool,
    /// Where in `pending` the next search for sentence ends starts: the text
    /// before it has none (it would have been cut), so a paragraph of many
    /// lines without a sentence end is scanned once, not once per line.
    scan_from: usize,
}

/// What may close a sentence, and so sits right before a boundary a new line
/// can complete (`sentence_ends` treats them as one run).
const CLOSERS: &[char] = &['.', '!', '?', '"', '\'', ')', ']', '\u{201d}', '\u{2019}'];

impl UnitBuilder {
    fn add_line(&mut self, line: &str, line_no: u32) {
        if !self.in_paragraph {
            self.next_starts_block = true;
            self.in_paragraph = true;
        }
        // a boundary the new line completes starts no earlier than the
        // pending text's trailing run of closers
        self.scan_from = self.pending.trim_end_matches(CLOSERS).len();
        if !self.pending.is_empty() {
            self.pending.push(' ');
        }
        self.marks.push((self.pending.len(), line_no));
        self.pending.push_str(line);
        self.cut_sentences(false);
    }

    fn line_at(&self, offset: usize) -> u32 {
        let i = self.marks.partition_point(|&(o, _)| o <= offset);
        self.marks[i.saturating_sub(1)].1
    }

    /// Moves complete sentences from `pending` into units; with `all`, the rest too.
    fn cut_sentences(&mut self, all: bool) {
        let mut start = 0usize;
        let mut cuts = Vec::new();
        let from = self.scan_from.min(self.pending.len());
        for end in sentence_ends(&self.pending[from..]) {
            cuts.push((start, from + end));
            start = from + end + 1;
        }
        if all && start < self.pending.len() {
            cuts.push((start, self.pending.len()));
            start = self.pending.len();
        }
        if cuts.is_empty() {
            return;
        }
        for (s, e) in cuts {
            let text = self.pending[s..e].trim().to_string();
            if text.is_empty() {
                continue;
            }
            let (ls, le) = (self.line_at(s), self.line_at(e.saturating_sub(1)));
            let block_start = std::mem::take(&mut self.next_starts_block);
            self.push(text, ls, le, false, block_start);
        }
        // keep the unfinished rest, re-basing the line marks
        let rest_line = if start < self.pending.len() {
            Some(self.line_at(start))
        } else {
            None
        };
        let rest = self.pending[start..].to_string();
        let marks: Vec<(usize, u32)> = self
            .marks
            .iter()
            .filter(|&&(o, _)| o > start)
            .map(|&(o, l)| (o - start, l))
            .collect();
        self.pending = rest;
        self.scan_from = 0;
        self.marks.clear();
        if let Some(l) = rest_line {
            self.marks.push((0, l));
        }
        self.marks.extend(marks.into_iter().filter(|&(o, _)| o > 0));
    }

    fn flush_pending(&mut self) {
        if !self.pending.is_empty() {
            self.cut_sentences(true);
        }
        self.pending.clear();
        self.scan_from = 0;
        self.marks.clear();
    }

    fn end_paragraph(&mut self) {
        if let Some(last) = self.units.last_mut() {
            last.para_end = true;
        }
        self.in_paragraph = false;
    }

    fn push(&mut self, text: String, start: u32, end: u32, heading: bool, block_start: bool) {
        let words = text.split_whitespace().count();
        if words > MAX_WORDS {
            // a run-on sentence: cut it into TARGET-sized pieces
            let all: Vec<&str> = text.split_whitespace().collect();
            for (n, chunk) in all.chunks(TARGET_WORDS).enumerate() {
                self.units.push(Unit {
                    text: chunk.join(" "),
                    start,
                    end,
                    words: chunk.len(),
                    heading,
                    block_start: block_start && n == 0,
                    para_end: false,
                });
            }
            return;
        }
        self.units.push(Unit {
            text,
            start,
            end,
            words,
            heading,
            block_start,
            para_end: false,
        });
    }
}

/// Packs units into passages.
fn pack(units: Vec<Unit>, locate: impl Fn(u32, u32) -> Location) -> Vec<Passage> {
    let mut out = Vec::new();
    let mut cur: Vec<Unit> = Vec::new();
    let mut words = 0usize;
    let flush = |cur: &mut Vec<Unit>, words: &mut usize, out: &mut Vec<Passage>| {
        if cur.is_empty() {
            return;
        }
        let mut text = String::new();
        for (i, u) in cur.iter().enumerate() {
            if i > 0 {
                text.push(if u.block_start { '\n' } else { ' ' });
            }
            text.push_str(&u.text);
        }
        let start = cur.iter().map(|u| u.start).min().unwrap_or(0);
        let end = cur.iter().map(|u| u.end).max().unwrap_or(0);
        out.push(Passage {
            text,
            location: locate(start, end),
            speaker: None,
        });
        cur.clear();
        *words = 0;
    };
    for unit in units {
        let only_headings = cur.iter().all(|u| u.heading);
        if unit.heading && !only_headings {
            flush(&mut cur, &mut words, &mut out);
        }
        if !unit.heading && words + unit.words > MAX_WORDS && words >= MIN_WORDS {
            flush(&mut cur, &mut words, &mut out);
        }
        let para_end = unit.para_end;
        let heading = unit.heading;
        words += unit.words;
        cur.push(unit);
        if !heading && (words >= TARGET_WORDS || (para_end && words >= MIN_WORDS)) {
            flush(&mut cur, &mut words, &mut out);
        }
    }
    flush(&mut cur, &mut words, &mut out);
    out
}

fn is_heading(line: &str) -> bool {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    (1..=6).contains(&hashes) && line[hashes..].starts_with(' ')
}

fn is_rule(line: &str) -> bool {
    line.len() >= 3
        && (line.bytes().all(|b| b == b'-')
            || line.bytes().all(|b| b == b'*')
            || line.bytes().all(|b| b == b'='))
}

fn is_list_item(line: &str) -> bool {
    if line.starts_with("- ") || line.starts_with("* ") || line.starts_with("+ ") {
        return true;
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && (line[digits..].starts_with(". ") || line[digits..].starts_with(") "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::sentences;

    fn loc(p: &Passage) -> String {
        p.location.to_string()
    }

    #[test]
    fn short_paragraphs_merge_and_keep_line_ranges() {
        let body = "First line here.\nSecond line.\n\nAnother paragraph.\n";
        let ps = split_lines(body, 5);
        assert_eq!(ps.len(), 1);
        assert_eq!(
            ps[0].text,
            "First line here. Second line.\nAnother paragraph."
        );
        assert_eq!(loc(&ps[0]), "L5-L8");
    }

    #[test]
    fn long_text_is_split_at_sentences_within_bounds() {
        let sentence = "The export to our ledger has to be fixed by hand every month.";
        let body = vec![sentence; 40].join(" ");
        let ps = split_lines(&body, 1);
        assert!(ps.len() >= 4, "{}", ps.len());
        for p in &ps {
            let w = p.text.split_whitespace().count();
            assert!((MIN_WORDS..=MAX_WORDS).contains(&w), "{w}");
            assert!(p.text.ends_with('.'));
            assert_eq!(loc(p), "L1");
        }
        let joined: Vec<&str> = ps.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(joined.join(" "), body);
    }

    #[test]
    fn headings_start_passages() {
        let body = "# Pains\nSync breaks.\n\n# Wins\nDSO went down.\n";
        let ps = split_lines(body, 1);
        assert_eq!(ps.len(), 2);
        assert_eq!(ps[0].text, "# Pains\nSync breaks.");
        assert_eq!(loc(&ps[0]), "L1-L2");
        assert_eq!(ps[1].text, "# Wins\nDSO went down.");
        assert_eq!(loc(&ps[1]), "L4-L5");
    }

    #[test]
    fn sentences_spanning_lines_get_both_lines() {
        let body = "We wrote our own scripts because\nthe connector drops lines. Next one.";
        let ps = split_lines(body, 10);
        assert_eq!(
            ps[0].text,
            "We wrote our own scripts because the connector drops lines. Next one."
        );
        assert_eq!(loc(&ps[0]), "L10-L11");
    }

    #[test]
    fn lowercase_after_period_is_not_a_boundary_and_run_ons_are_cut() {
        let body = format!("{} e.g. this stays", "word ".repeat(400));
        let ps = split_lines(&body, 1);
        assert!(
            ps.iter()
                .all(|p| p.text.split_whitespace().count() <= MAX_WORDS)
        );
        let total: usize = ps.iter().map(|p| p.text.split_whitespace().count()).sum();
        assert_eq!(total, 403);
    }

    #[test]
    fn sentences_are_verbatim_slices() {
        let text = "We pay per seat. That hurts, e.g. for twelve people! Really?\n- Sync breaks";
        assert_eq!(
            sentences(text),
            [
                "We pay per seat.",
                "That hurts, e.g. for twelve people!",
                "Really?",
                "- Sync breaks"
            ]
        );
    }

    #[test]
    fn a_long_paragraph_without_sentence_ends_takes_linear_time() {
        // every line used to search the whole paragraph so far for sentence
        // ends again: 100,000 such lines took minutes
        let body = "no sentence ends here\n".repeat(100_000);
        let started = std::time::Instant::now();
        let ps = split_block(&body, Location::Row(2));
        let words: usize = ps.iter().map(|p| p.text.split_whitespace().count()).sum();
        assert_eq!(words, 400_000);
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }

    #[test]
    fn boundaries_completed_by_the_next_line_are_found() {
        let body = "He said \"stop.\u{201d}\nThen left!)\n\"Why?\"\nNobody knows. and\nthis stays.";
        let texts: Vec<String> = units(body, 1).into_iter().map(|u| u.text).collect();
        assert_eq!(
            texts,
            [
                "He said \"stop.\u{201d}",
                "Then left!)",
                "\"Why?\"",
                "Nobody knows. and this stays."
            ]
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            failure_persistence: None,
            ..Default::default()
        })]

        /// Within a paragraph, units are the sentences of its lines joined
        /// by spaces, however the lines break.
        #[test]
        fn units_of_a_paragraph_are_its_sentences(
            lines in proptest::collection::vec("[A-Za-z\"'.!?)\u{201d}\u{2019} ]{1,24}", 1..30),
        ) {
            let lines: Vec<&str> = lines
                .iter()
                .map(|l| l.trim())
                .filter(|l| !l.is_empty())
                .collect();
            let joined = lines.join(" ");
            let got: Vec<String> = units(&lines.join("\n"), 1)
                .into_iter()
                .map(|u| u.text)
                .collect();
            proptest::prop_assert_eq!(got, sentences(&joined));
        }
    }

    #[test]
    fn block_passages_share_the_location() {
        let ps = split_block("Price is high. Sync breaks.", Location::Row(7));
        assert_eq!(ps.len(), 1);
        assert_eq!(loc(&ps[0]), "row 7");
    }

    #[test]
    fn list_items_join_with_newlines() {
        let ps = split_lines("Pains:\n- per-seat price\n- duplicate invoices\n", 1);
        assert_eq!(ps[0].text, "Pains:\n- per-seat price\n- duplicate invoices");
    }
}
