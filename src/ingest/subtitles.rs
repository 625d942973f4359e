//! Transcripts: WebVTT (`.vtt`) and SubRip (`.srt`). Cues keep their start
//! time; speakers come from `<v Name>` voice tags or `Name:` prefixes; a run
//! of cues by one speaker becomes a passage. Cues with unreadable timings are
//! dropped with a note, the rest is kept.

use super::passage::{MAX_WORDS, MIN_WORDS, TARGET_WORDS, split_block};
use super::{Document, Location, Metadata, Parsed, Passage};

#[derive(Debug, Clone, PartialEq)]
struct Cue {
    start_ms: u64,
    speaker: Option<String>,
    text: String,
}

/// Which of the two formats a block list is read as.
#[derive(Clone, Copy, PartialEq)]
enum Flavor {
    Vtt,
    Srt,
}

/// Parses a WebVTT file.
pub fn parse_vtt(text: &str, sidecar: Option<&Metadata>) -> Result<Parsed, String> {
    parse(text, sidecar, Flavor::Vtt)
}

/// Parses a SubRip file.
pub fn parse_srt(text: &str, sidecar: Option<&Metadata>) -> Result<Parsed, String> {
    parse(text, sidecar, Flavor::Srt)
}

fn parse(text: &str, sidecar: Option<&Metadata>, flavor: Flavor) -> Result<Parsed, String> {
    let mut parsed = Parsed::default();
    let mut cues = Vec::new();
    let mut broken = Vec::new();
    let mut arrows = false;
    for (i, (line_no, lines)) in blocks(text).into_iter().enumerate() {
        if flavor == Flavor::Vtt {
            let first = lines[0];
            if i == 0 && first.starts_with("WEBVTT") {
                continue;
            }
            if i == 0 {
                parsed
                    .notes
                    .push("no WEBVTT header on the first line; read anyway".into());
            }
            if ["NOTE", "STYLE", "REGION"]
                .iter()
                .any(|k| first == *k || first.starts_with(&format!("{k} ")))
            {
                continue;
            }
        }
        arrows |= lines.iter().any(|l| l.contains("-->"));
        let timing = match lines.iter().take(2).position(|l| l.contains("-->")) {
            Some(t) => t,
            None => {
                broken.push(line_no);
                continue;
            }
        };
        let Some(start_ms) = parse_timing(lines[timing]) else {
            broken.push(line_no + timing as u32);
            continue;
        };
        let body = lines[timing + 1..].join("\n");
        let segments = match flavor {
            Flavor::Vtt => clean_vtt(&body),
            Flavor::Srt => vec![(None, clean_srt(&body))],
        };
        for (speaker, text) in segments {
            if !text.is_empty() {
                cues.push(Cue {
                    start_ms,
                    speaker,
                    text,
                });
            }
        }
    }
    if !broken.is_empty() {
        let lines: Vec<String> = broken.iter().map(u32::to_string).collect();
        parsed.notes.push(format!(
            "dropped {} cue(s) with unreadable timing (line {}); the other cues are kept",
            broken.len(),
            lines.join(", ")
        ));
    }
    if cues.is_empty() {
        return Err(if !arrows {
            "no cues found (expected timing lines like `00:00:01.000 --> 00:00:04.000`)".into()
        } else {
            "no cue has a readable timing line".into()
        });
    }
    let known: Vec<String> = sidecar
        .map(|m| {
            m.get("internal")
                .iter()
                .chain(m.get("speaker"))
                .map(|s| s.to_lowercase())
                .collect()
        })
        .unwrap_or_default();
    apply_prefix_speakers(&mut cues, &known);
    let passages = to_passages(cues);
    if passages.is_empty() {
        return Err("no cue has any text but a speaker's name".into());
    }
    parsed.documents.push(Document {
        part: String::new(),
        meta: sidecar.cloned().unwrap_or_default(),
        passages,
    });
    Ok(parsed)
}

/// Blank-line separated blocks with the 1-based line number of their first line.
fn blocks(text: &str) -> Vec<(u32, Vec<&str>)> {
    let mut out = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    let mut start = 0u32;
    for (i, line) in text.split('\n').enumerate() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            if !cur.is_empty() {
                out.push((start, std::mem::take(&mut cur)));
            }
        } else {
            if cur.is_empty() {
                start = i as u32 + 1;
            }
            cur.push(line.trim_start_matches('\u{feff}'));
        }
    }
    if !cur.is_empty() {
        out.push((start, cur));
    }
    out
}

/// Start of a `start --> end [settings]` line, in milliseconds.
fn parse_timing(line: &str) -> Option<u64> {
    let (start, rest) = line.split_once("-->")?;
    let end = rest.split_whitespace().next()?;
    let s = parse_timestamp(start.trim())?;
    parse_timestamp(end)?;
    Some(s)
}

/// `hh:mm:ss.ttt`, `mm:ss.ttt`, with `.` or `,` before the fraction.
fn parse_timestamp(ts: &str) -> Option<u64> {
    let (clock, frac) = ts.split_once(['.', ',']).unwrap_or((ts, "0"));
    if frac.is_empty() || frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let millis: u64 = format!("{frac:0<3}").parse().ok()?;
    let parts: Vec<&str> = clock.split(':').collect();
    if !(2..=3).contains(&parts.len())
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let nums: Vec<u64> = parts
        .iter()
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let (h, m, s) = match nums[..] {
        [m, s] => (0, m, s),
        [h, m, s] => (h, m, s),
        _ => return None,
    };
    if m >= 60 || s >= 60 {
        return None;
    }
    // an hour count too large for milliseconds is no timing either
    h.checked_mul(3_600_000)?
        .checked_add((m * 60 + s) * 1000 + millis)
}

/// Splits VTT cue text at voice tags and strips the other markup.
fn clean_vtt(body: &str) -> Vec<(Option<String>, String)> {
    let mut out: Vec<(Option<String>, String)> = Vec::new();
    let mut speaker: Option<String> = None;
    let mut buf = String::new();
    let mut rest = body;
    while let Some(open) = rest.find('<') {
        buf.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            buf.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let tag = &rest[open + 1..open + close];
        rest = &rest[open + close + 1..];
        if let Some(v) = tag.strip_prefix('v').filter(|t| t.starts_with([' ', '.'])) {
            let name = v.split_once(' ').map(|(_, n)| n.trim()).unwrap_or("");
            push_segment(&mut out, speaker.take(), &buf);
            buf.clear();
            speaker = (!name.is_empty()).then(|| name.to_string());
        } else if tag == "/v" {
            push_segment(&mut out, speaker.take(), &buf);
            buf.clear();
        }
    }
    buf.push_str(rest);
    push_segment(&mut out, speaker, &buf);
    out
}

fn push_segment(out: &mut Vec<(Option<String>, String)>, speaker: Option<String>, raw: &str) {
    let text = tidy(raw);
    if !text.is_empty() {
        out.push((speaker, text));
    }
}

/// Strips `<i>`-style tags and `{\an8}`-style overrides from SRT text.
fn clean_srt(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut depth_angle = false;
    let mut depth_brace = false;
    let overrides = body.contains("{\\");
    for c in body.chars() {
        match c {
            '<' => depth_angle = true,
            '>' if depth_angle => depth_angle = false,
            '{' if overrides => depth_brace = true,
            '}' if depth_brace => depth_brace = false,
            _ if depth_angle || depth_brace => {}
            _ => out.push(c),
        }
    }
    tidy(&out)
}

/// Decodes the common entities and collapses whitespace.
fn tidy(raw: &str) -> String {
    let decoded = if raw.contains('&') {
        raw.replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&nbsp;", " ")
            .replace("&lrm;", "")
            .replace("&rlm;", "")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
    } else {
        raw.to_string()
    };
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Words that look like `Name:` but are not speakers.
const NOT_SPEAKERS: &[&str] = &[
    "note", "notes", "update", "re", "subject", "todo", "action", "warning", "edit", "http",
    "https", "question", "answer", "summary", "example",
];

/// The `Name` of a `Name: text` cue and where the text starts.
fn prefix_candidate(text: &str) -> Option<(String, usize)> {
    let lead = text.len() - text.trim_start_matches(['-', '>', ' ']).len();
    let body = &text[lead..];
    let colon = body.find(':')?;
    if colon == 0 || colon > 40 {
        return None;
    }
    let after = &body[colon + 1..];
    if !(after.is_empty() || after.starts_with(' ')) {
        return None;
    }
    let name = body[..colon].trim();
    let words: Vec<&str> = name.split(' ').collect();
    if words.len() > 4 || NOT_SPEAKERS.contains(&name.to_lowercase().as_str()) {
        return None;
    }
    let ok = words.iter().enumerate().all(|(i, w)| {
        let mut cs = w.chars();
        let first = cs.next();
        first.is_some_and(|c| c.is_uppercase() || (i > 0 && c.is_ascii_digit()))
            && w.chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '.' | '\'' | '-' | '\u{2019}'))
    });
    ok.then(|| (name.to_string(), lead + colon + 1))
}

/// Gives speaker-less cues the speaker named by a `Name:` prefix, when that
/// name prefixes at least two cues or is a known speaker from the sidecar.
fn apply_prefix_speakers(cues: &mut [Cue], known: &[String]) {
    let mut counts: std::collections::HashMap<String, usize> = Default::default();
    for c in cues.iter().filter(|c| c.speaker.is_none()) {
        if let Some((name, _)) = prefix_candidate(&c.text) {
            *counts.entry(name).or_default() += 1;
        }
    }
    if counts.is_empty() {
        return;
    }
    for c in cues.iter_mut().filter(|c| c.speaker.is_none()) {
        if let Some((name, at)) = prefix_candidate(&c.text) {
            if counts.get(&name).copied().unwrap_or(0) >= 2 || known.contains(&name.to_lowercase())
            {
                c.text = c.text[at..].trim().to_string();
                c.speaker = Some(name);
            }
        }
    }
}

/// Runs of cues by one speaker become passages of a few sentences.
fn to_passages(cues: Vec<Cue>) -> Vec<Passage> {
    let mut out = Vec::new();
    let mut cur: Option<(u64, Option<String>, String, usize)> = None;
    let mut speaker: Option<String> = None;
    let flush = |cur: &mut Option<(u64, Option<String>, String, usize)>, out: &mut Vec<Passage>| {
        if let Some((ms, who, text, _)) = cur.take() {
            out.push(Passage {
                text,
                location: Location::Time { ms },
                speaker: who,
            });
        }
    };
    for cue in cues {
        if cue.speaker.is_some() {
            speaker = cue.speaker.clone();
        }
        if cue.text.is_empty() {
            // a bare `Name:` cue: it names who speaks next, and says nothing
            continue;
        }
        let words = cue.text.split_whitespace().count();
        let same = cur.as_ref().is_some_and(|(_, w, _, _)| *w == speaker);
        if !same {
            flush(&mut cur, &mut out);
        }
        if words > MAX_WORDS {
            flush(&mut cur, &mut out);
            for mut p in split_block(&cue.text, Location::Time { ms: cue.start_ms }) {
                p.speaker = speaker.clone();
                out.push(p);
            }
            continue;
        }
        if cur
            .as_ref()
            .is_some_and(|(_, _, _, n)| n + words > MAX_WORDS && *n >= MIN_WORDS)
        {
            flush(&mut cur, &mut out);
        }
        match cur.as_mut() {
            Some((_, _, text, n)) => {
                text.push(' ');
                text.push_str(&cue.text);
                *n += words;
            }
            None => cur = Some((cue.start_ms, speaker.clone(), cue.text, words)),
        }
        if let Some((_, _, text, n)) = &cur {
            if *n >= TARGET_WORDS && text.ends_with(['.', '!', '?', '"', '\u{201d}']) {
                flush(&mut cur, &mut out);
            }
        }
    }
    flush(&mut cur, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const VTT: &str = "WEBVTT\n\nNOTE recorded on Zoom\n\n1\n00:00:01.000 --> 00:00:04.000\n<v Dana Whitfield>How do you chase late invoices?</v>\n\n2\n00:00:04.500 --> 00:00:09.000 align:start\n<v Marco Rossi>Honestly we do it by hand,\n\n00:00:09.000 --> 00:00:12.250\nevery Monday &amp; it takes hours.\n\n01:02.000 --> 01:05.000\n<v.loud Marco Rossi>Xero sync <i>breaks</i> too.\n";

    #[test]
    fn vtt_voice_tags_speakers_and_continuation() {
        let p = parse_vtt(VTT, None).unwrap();
        let ps = &p.documents[0].passages;
        assert!(p.notes.is_empty(), "{:?}", p.notes);
        assert_eq!(ps.len(), 2);
        assert_eq!(ps[0].speaker.as_deref(), Some("Dana Whitfield"));
        assert_eq!(ps[0].location.to_string(), "00:00:01.000");
        assert_eq!(ps[1].speaker.as_deref(), Some("Marco Rossi"));
        assert_eq!(ps[1].location.to_string(), "00:00:04.500");
        assert_eq!(
            ps[1].text,
            "Honestly we do it by hand, every Monday & it takes hours. Xero sync breaks too."
        );
    }

    #[test]
    fn broken_timings_drop_only_those_cues() {
        let vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v A>Good one.\n\n00:00:xx.000 --> 00:00:03.000\n<v A>Lost cue.\n\n00:00:04.000 00:00:05.000\n<v A>No arrow.\n\n00:00:06.000 --> 00:00:07.000\n<v B>Kept too.\n";
        let p = parse_vtt(vtt, None).unwrap();
        let texts: Vec<&str> = p.documents[0]
            .passages
            .iter()
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(texts, ["Good one.", "Kept too."]);
        assert!(
            p.notes[0].contains("dropped 2 cue(s)") && p.notes[0].contains("line 6, 9"),
            "{:?}",
            p.notes
        );
        assert!(parse_vtt("WEBVTT\n\nnothing here\n", None).is_err());
    }

    #[test]
    fn srt_with_prefix_speakers() {
        let srt = "1\n00:00:01,000 --> 00:00:03,000\nPriya Nair: We pay per seat.\n\n2\n00:00:03,500 --> 00:00:05,000\n<i>It adds up fast.</i>\n\n3\n00:00:06,000 --> 00:00:08,000\nTom: Why?\n\n4\n00:00:08,000 --> 00:00:09,000\nPriya Nair: Note: twelve people.\n\n5\n00:00:09,000 --> 00:00:10,000\nTom: OK.\n";
        let p = parse_srt(srt, None).unwrap();
        let ps = &p.documents[0].passages;
        let got: Vec<(Option<&str>, &str, String)> = ps
            .iter()
            .map(|p| {
                (
                    p.speaker.as_deref(),
                    p.text.as_str(),
                    p.location.to_string(),
                )
            })
            .collect();
        assert_eq!(
            got[0],
            (
                Some("Priya Nair"),
                "We pay per seat. It adds up fast.",
                "00:00:01.000".into()
            )
        );
        assert_eq!(got[1].0, Some("Tom"));
        assert_eq!(got[2].1, "Note: twelve people.");
    }

    #[test]
    fn single_prefix_needs_a_known_name() {
        let srt = "1\n00:00:01,000 --> 00:00:03,000\nDana: Thanks for joining.\n";
        let p = parse_srt(srt, None).unwrap();
        assert_eq!(p.documents[0].passages[0].speaker, None);
        let mut side = Metadata::new();
        side.push("internal", "Dana");
        let p = parse_srt(srt, Some(&side)).unwrap();
        assert_eq!(p.documents[0].passages[0].speaker.as_deref(), Some("Dana"));
        assert_eq!(p.documents[0].passages[0].text, "Thanks for joining.");
    }

    #[test]
    fn timestamps() {
        assert_eq!(parse_timestamp("00:03:12.500"), Some(192_500));
        assert_eq!(parse_timestamp("03:12.5"), Some(192_500));
        assert_eq!(parse_timestamp("01:00:00,001"), Some(3_600_001));
        assert_eq!(parse_timestamp("00:61:00.000"), None);
        assert_eq!(parse_timestamp("aa:bb.ccc"), None);
    }

    #[test]
    fn absurd_hours_are_no_timing_not_an_overflow() {
        // `h * 60` overflowed on hours like these (a panic in
        // debug builds, a wrong time in release)
        assert_eq!(parse_timestamp("18446744073709551615:00:00.000"), None);
        assert_eq!(parse_timestamp("5124095576031:00:00.000"), None);
        assert_eq!(parse_timestamp("5124095576030:59:59.999"), None);
        assert_eq!(
            parse_timestamp("5124095576030:00:00.000"),
            Some(18_446_744_073_708_000_000)
        );
        let srt = "1\n18446744073709551615:00:00,000 --> 00:00:01,000\nHi.\n";
        assert!(parse_srt(srt, None).is_err());
    }

    #[test]
    fn many_braces_in_a_cue_take_linear_time() {
        // `body.contains("{\\")` ran once per `{`: quadratic
        let body = "{".repeat(200_000);
        let started = std::time::Instant::now();
        assert_eq!(clean_srt(&body), body);
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        assert_eq!(clean_srt("{\\an8}Top {x}"), "Top");
    }

    #[test]
    fn a_bare_name_prefix_gives_no_empty_passage() {
        let srt = "1\n00:00:01,000 --> 00:00:02,000\nTom:\n\n2\n00:00:02,000 --> 00:00:03,000\nTom:\n\n3\n00:00:03,000 --> 00:00:04,000\nWe pay per seat.\n";
        let p = parse_srt(srt, None).unwrap();
        let ps = &p.documents[0].passages;
        assert_eq!(ps.len(), 1, "{ps:?}");
        assert_eq!(ps[0].text, "We pay per seat.");
        assert_eq!(ps[0].speaker.as_deref(), Some("Tom"));
        assert_eq!(ps[0].location.to_string(), "00:00:03.000");
        let only_names =
            "1\n00:00:01,000 --> 00:00:02,000\nTom:\n\n2\n00:00:02,000 --> 00:00:03,000\nTom:\n";
        assert!(parse_srt(only_names, None).is_err());
    }

    #[test]
    fn two_voices_in_one_cue() {
        let segs = clean_vtt("<v A>Hi there.</v> <v B>Hello!</v>");
        assert_eq!(
            segs,
            vec![
                (Some("A".into()), "Hi there.".into()),
                (Some("B".into()), "Hello!".into())
            ]
        );
    }

    #[test]
    fn long_runs_split_by_size() {
        let cues: Vec<Cue> = (0..30)
            .map(|i| Cue {
                start_ms: i * 1000,
                speaker: Some("A".into()),
                text: "We reconcile every payment by hand in a spreadsheet.".into(),
            })
            .collect();
        let ps = to_passages(cues);
        assert!(ps.len() >= 3);
        assert!(
            ps.iter()
                .all(|p| p.text.split_whitespace().count() <= MAX_WORDS)
        );
        assert_eq!(ps[1].location.to_string(), "00:00:09.000");
    }
}
