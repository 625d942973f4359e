//! Property tests for the ingest parsers: arbitrary bytes and text (NUL,
//! byte-order marks, CR/CRLF mixes, long lines, deep nesting, random cue
//! timings) go through `decode` and every parser. None may panic, and what
//! they return keeps the promises their docs make: decoded text has no CR,
//! passages are non-empty and made of the input's words, locations point into
//! the file, parts are numbered in file order. Regression tests for the
//! defects these found live next to the code they fixed.

use std::time::{Duration, Instant};

use proptest::prelude::*;

use super::decode::decode;
use super::yaml::{parse_json_object, parse_mapping, split_front_matter};
use super::{Document, Location, ParseOptions, Parsed, jsonl, subtitles, table, text};

/// 256 cases per property, `PROPTEST_CASES` for a longer run.
fn config() -> ProptestConfig {
    ProptestConfig {
        // a failure becomes a plain regression test, not a file of seeds
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Pieces that mean something to one of the formats, and some that mean
/// trouble to any text reader.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        // structure
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\r".to_string()),
        Just("\n\n".to_string()),
        Just(" ".to_string()),
        Just("\t".to_string()),
        Just("\u{feff}".to_string()),
        Just("\0".to_string()),
        Just("WEBVTT".to_string()),
        Just("NOTE ".to_string()),
        Just(" --> ".to_string()),
        Just("-->".to_string()),
        Just("<v Dana Whitfield>".to_string()),
        Just("<v.loud Marco>".to_string()),
        Just("</v>".to_string()),
        Just("<i>".to_string()),
        Just("<".to_string()),
        Just(">".to_string()),
        Just("{\\an8}".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just("&amp;".to_string()),
        Just("&".to_string()),
        Just("Priya Nair: ".to_string()),
        Just("Tom:\n".to_string()),
        Just(": ".to_string()),
        Just("---\n".to_string()),
        Just("---".to_string()),
        Just("...".to_string()),
        Just("# ".to_string()),
        Just("- ".to_string()),
        Just("1. ".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("\"".to_string()),
        Just("\"\"".to_string()),
        Just(",".to_string()),
        Just("key: value\n".to_string()),
        Just("&a ".to_string()),
        Just("*a".to_string()),
        Just("!!str ".to_string()),
        Just("{\"text\": \"".to_string()),
        Just("\"}".to_string()),
        Just("text,account\n".to_string()),
        Just(". ".to_string()),
        Just("? ".to_string()),
        Just("\u{201d} ".to_string()),
        // timings, well and badly formed
        timestamp(),
        (timestamp(), timestamp()).prop_map(|(a, b)| format!("{a} --> {b}\n")),
        // words and arbitrary text
        "[A-Za-z]{1,12}",
        "[0-9]{1,25}",
        any::<String>(),
        any::<char>().prop_map(String::from),
    ]
}

/// A cue timestamp: mostly valid, sometimes out of range or malformed.
fn timestamp() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u64..100, 0u64..60, 0u64..60, 0u64..1000)
            .prop_map(|(h, m, s, ms)| format!("{h:02}:{m:02}:{s:02}.{ms:03}")),
        (0u64..60, 0u64..60, 0u64..1000).prop_map(|(m, s, ms)| format!("{m:02}:{s:02},{ms:03}")),
        (any::<u64>(), any::<u64>(), any::<u64>(), "[0-9]{0,5}")
            .prop_map(|(h, m, s, f)| format!("{h}:{m}:{s}.{f}")),
        "[0-9:.,]{0,14}",
    ]
}

/// Text built from [`token`]s: close enough to real files to get past the
/// first checks of each parser, arbitrary enough to break them.
fn messy_text() -> impl Strategy<Value = String> {
    prop::collection::vec(token(), 0..120).prop_map(|t| t.concat())
}

/// Bytes as files come: raw, or with a UTF-8/UTF-16 byte-order mark, or the
/// messy text encoded as UTF-16 or Windows-1252-ish.
fn messy_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..512),
        messy_text().prop_map(String::into_bytes),
        messy_text().prop_map(|t| [b"\xEF\xBB\xBF".as_slice(), t.as_bytes()].concat()),
        messy_text().prop_map(|t| {
            let mut b = vec![0xFF, 0xFE];
            b.extend(t.encode_utf16().flat_map(u16::to_le_bytes));
            b
        }),
        messy_text().prop_map(|t| t.encode_utf16().flat_map(u16::to_be_bytes).collect()),
        (messy_text(), prop::collection::vec(0x80u8..=0xFF, 1..8)).prop_map(|(t, high)| {
            let mut b = t.into_bytes();
            b.extend(high);
            b
        }),
    ]
}

/// Checks what every parser promises about its documents.
fn check_documents(parsed: &Parsed) {
    for d in &parsed.documents {
        assert!(!d.passages.is_empty(), "a document without passages");
        for p in &d.passages {
            assert!(!p.text.trim().is_empty(), "an empty passage: {p:?}");
        }
    }
}

/// Every word of every passage is a word of `input` (passages are cut and
/// re-joined at whitespace, never rewritten), after `strip` is applied to
/// both (CSV unquoting).
fn check_words_from(input: &str, docs: &[Document], strip: fn(&str) -> String) {
    let input = strip(input);
    for p in docs.iter().flat_map(|d| &d.passages) {
        for w in p.text.split_whitespace() {
            let w = strip(w);
            assert!(input.contains(&w), "{w:?} is not in the input");
        }
    }
}

fn same(s: &str) -> String {
    s.to_string()
}

fn no_quotes(s: &str) -> String {
    s.replace('"', "")
}

/// Decodes like the indexer does; `None` for what it would skip.
fn decoded(bytes: &[u8]) -> Option<String> {
    decode(bytes).ok().map(|d| d.text)
}

fn check_transcript(result: Result<Parsed, String>) {
    let Ok(parsed) = result else { return };
    assert_eq!(parsed.documents.len(), 1, "a transcript is one document");
    check_documents(&parsed);
    for p in &parsed.documents[0].passages {
        assert!(matches!(p.location, Location::Time { .. }), "{p:?}");
        assert_eq!(p.text, p.text.trim(), "untidy cue text");
        if let Some(s) = &p.speaker {
            assert!(!s.trim().is_empty(), "an empty speaker name");
        }
    }
}

fn check_text(input: &str) {
    let parsed = text::parse(input);
    check_documents(&parsed);
    assert!(parsed.documents.len() <= 1);
    check_words_from(input, &parsed.documents, same);
    // line ranges fall inside the file
    let lines = input.split('\n').count() as u32;
    for p in parsed.documents.iter().flat_map(|d| &d.passages) {
        match p.location {
            Location::Lines { start, end } => {
                assert!(
                    1 <= start && start <= end && end <= lines,
                    "{p:?} of {lines}"
                )
            }
            ref other => panic!("a text passage located by {other}"),
        }
    }
}

fn check_csv(input: &str) {
    let Ok(parsed) = table::parse_csv(input, &ParseOptions::default()) else {
        return;
    };
    check_documents(&parsed);
    check_words_from(input, &parsed.documents, no_quotes);
    let mut last = 1;
    for d in &parsed.documents {
        let row = d
            .part
            .strip_prefix("row")
            .and_then(|n| n.parse::<u64>().ok());
        let row = row.unwrap_or_else(|| panic!("part {:?}", d.part));
        assert!(row > last, "rows out of order");
        last = row;
        for p in &d.passages {
            assert_eq!(p.location, Location::Row(row));
        }
    }
    assert_eq!(parsed.notes.len(), parsed.failed_parts.len());
}

fn check_jsonl(input: &str) {
    let Ok(parsed) = jsonl::parse(input, &ParseOptions::default()) else {
        return;
    };
    check_documents(&parsed);
    let lines = input.split('\n').count() as u64;
    let mut last = 0;
    for d in &parsed.documents {
        let n = d
            .part
            .strip_prefix("line")
            .and_then(|n| n.parse::<u64>().ok());
        let n = n.unwrap_or_else(|| panic!("part {:?}", d.part));
        assert!(n > last && n <= lines, "line {n} of {lines}, after {last}");
        last = n;
        for p in &d.passages {
            assert_eq!(p.location, Location::Line(n));
        }
    }
}

fn check_front_matter(input: &str) {
    let fm = split_front_matter(input);
    assert!(input.ends_with(fm.body), "the body is the end of the text");
    if let Some(yaml) = fm.yaml {
        assert!(input.starts_with("---"));
        assert!(input.contains(yaml));
        assert!(!fm.unclosed);
        if !fm.body.is_empty() {
            let before = &input[..input.len() - fm.body.len()];
            assert_eq!(fm.body_line as usize, before.matches('\n').count() + 1);
        }
        let _ = parse_mapping(yaml);
        let _ = parse_json_object(yaml);
    } else {
        assert_eq!(fm.body, input);
        assert_eq!(fm.body_line, 1);
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn decode_never_panics_and_leaves_no_cr(bytes in messy_bytes()) {
        if let Ok(d) = decode(&bytes) {
            prop_assert!(!d.text.contains('\r'));
            prop_assert!(!d.text.trim().is_empty());
        }
    }

    #[test]
    fn decode_keeps_utf8_text(text in messy_text()) {
        // what is valid UTF-8 without NULs (which may be UTF-16) and not
        // refused comes back as written, but for its line endings and a
        // leading byte-order mark
        if text.contains('\0') {
            return Ok(());
        }
        if let Ok(d) = decode(text.as_bytes()) {
            let want = text.strip_prefix('\u{feff}').unwrap_or(&text);
            let want = want.replace("\r\n", "\n").replace('\r', "\n");
            prop_assert_eq!(d.text, want);
            prop_assert!(d.note.is_none());
        }
    }

    #[test]
    fn vtt_from_bytes(bytes in messy_bytes()) {
        if let Some(t) = decoded(&bytes) {
            check_transcript(subtitles::parse_vtt(&t, None));
        }
    }

    #[test]
    fn srt_from_bytes(bytes in messy_bytes()) {
        if let Some(t) = decoded(&bytes) {
            check_transcript(subtitles::parse_srt(&t, None));
        }
    }

    #[test]
    fn transcripts_from_text(t in messy_text(), vtt in any::<bool>()) {
        // undecoded text too: CRs, NULs and BOMs reach the parser as they are
        let t = if vtt { format!("WEBVTT\n\n{t}") } else { t };
        check_transcript(subtitles::parse_vtt(&t, None));
        check_transcript(subtitles::parse_srt(&t, None));
    }

    #[test]
    fn transcripts_of_random_cues(
        cues in prop::collection::vec((timestamp(), timestamp(), messy_text()), 1..20),
        crlf in any::<bool>(),
    ) {
        let mut vtt = String::from("WEBVTT\n\n");
        let mut srt = String::new();
        for (i, (a, b, body)) in cues.iter().enumerate() {
            vtt.push_str(&format!("{a} --> {b}\n{body}\n\n"));
            srt.push_str(&format!("{}\n{a} --> {b}\n{body}\n\n", i + 1));
        }
        if crlf {
            vtt = vtt.replace('\n', "\r\n");
            srt = srt.replace('\n', "\r\n");
        }
        for t in [&vtt, &srt] {
            let t = decoded(t.as_bytes()).unwrap_or_default();
            check_transcript(subtitles::parse_vtt(&t, None));
            check_transcript(subtitles::parse_srt(&t, None));
        }
    }

    #[test]
    fn text_from_bytes(bytes in messy_bytes()) {
        if let Some(t) = decoded(&bytes) {
            check_text(&t);
        }
    }

    #[test]
    fn text_from_text(t in messy_text()) {
        check_text(&t);
    }

    #[test]
    fn csv_from_bytes(bytes in messy_bytes()) {
        if let Some(t) = decoded(&bytes) {
            check_csv(&t);
        }
    }

    #[test]
    fn csv_with_a_text_column(header in messy_text(), rows in messy_text()) {
        check_csv(&format!("text,{header}\n{rows}"));
    }

    #[test]
    fn jsonl_from_bytes(bytes in messy_bytes()) {
        if let Some(t) = decoded(&bytes) {
            check_jsonl(&t);
        }
    }

    #[test]
    fn jsonl_of_objects(
        lines in prop::collection::vec((messy_text(), messy_text(), any::<bool>()), 0..12),
    ) {
        let text: Vec<String> = lines
            .iter()
            .map(|(body, junk, good)| {
                if *good {
                    serde_json::json!({ "text": body, "tags": [junk, body] }).to_string()
                } else {
                    junk.clone()
                }
            })
            .collect();
        check_jsonl(&text.join("\n"));
    }

    #[test]
    fn front_matter_from_bytes(bytes in messy_bytes()) {
        if let Some(t) = decoded(&bytes) {
            check_front_matter(&t);
        }
    }

    #[test]
    fn front_matter_from_text(yaml in messy_text(), body in messy_text()) {
        check_front_matter(&format!("---\n{yaml}\n---\n{body}"));
        check_text(&format!("---\n{yaml}\n---\n{body}"));
    }

    #[test]
    fn sidecars_never_panic(t in messy_text()) {
        let _ = parse_mapping(&t);
        let _ = parse_json_object(&t);
    }
}

/// Nesting `depth` levels deep, in each way YAML and JSON allow.
fn nested(depth: usize) -> Vec<String> {
    vec![
        format!("a: {}", "[".repeat(depth)),
        format!("a: {}1{}", "[".repeat(depth), "]".repeat(depth)),
        format!("a: {}", "{b: ".repeat(depth)),
        format!("a:\n{}x", "- ".repeat(depth)),
        (0..depth.min(2000))
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect(),
        format!("{{\"a\": {}1{}}}", "[".repeat(depth), "]".repeat(depth)),
        format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth)),
    ]
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    for depth in [10_000, 100_000] {
        for doc in nested(depth) {
            let started = Instant::now();
            let _ = parse_mapping(&doc);
            let _ = parse_json_object(&doc);
            check_text(&format!("---\n{doc}\n---\nBody.\n"));
            check_jsonl(&doc);
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "slow at {depth}"
            );
        }
    }
    // what is deep but not absurd still reads
    let m = parse_mapping(&format!("a: {}x{}", "[".repeat(100), "]".repeat(100)));
    assert_eq!(m.map(|m| m.get("a").to_vec()), Ok(vec!["x".to_string()]));
}

/// The bounded-time check for one enormous line, the file the indexer would
/// read up to its 256 MB limit. 20 MB keeps it to about a second in a debug
/// build; `INSIGHT_HUGE_LINE_MB=100` runs the full size.
#[test]
fn one_huge_line_parses_in_bounded_time() {
    let mb: usize = std::env::var("INSIGHT_HUGE_LINE_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let sentence = "We reconcile every payment by hand, e.g. in a spreadsheet. ";
    let line = sentence.repeat(mb * 1024 * 1024 / sentence.len());
    let started = Instant::now();
    let t = decoded(line.as_bytes()).unwrap_or_default();
    let parsed = text::parse(&t);
    assert!(parsed.documents[0].passages.len() > 1000);
    // a transcript or CSV of one line has nothing to read, quickly
    assert!(subtitles::parse_vtt(&t, None).is_err());
    assert!(subtitles::parse_srt(&t, None).is_err());
    assert!(table::parse_csv(&t, &ParseOptions::default()).is_err());
    // one JSON object holding it all
    let json = serde_json::json!({ "text": t }).to_string();
    let parsed = jsonl::parse(&json, &ParseOptions::default()).unwrap_or_default();
    assert!(parsed.documents[0].passages.len() > 1000);
    let secs = started.elapsed().as_secs_f64();
    assert!(secs < 30.0 * mb as f64 / 20.0, "{mb} MB took {secs:.1}s");
}
