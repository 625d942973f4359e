//! Ingest: turns files on disk into [`Document`]s made of [`Passage`]s.
//!
//! One parser per format (`text`, `subtitles` for WebVTT/SubRip, `table` for CSV,
//! `jsonl`), a shared passage splitter, text decoding, YAML front matter and
//! sidecars, the CRM accounts join (`accounts`) and file discovery (`walk`).
//! Nothing here knows about the index.

pub mod accounts;
pub mod date;
pub mod decode;
pub mod enrich;
pub mod jsonl;
pub mod load;
pub mod meta;
pub mod passage;
#[cfg(test)]
mod proptests;
pub mod subtitles;
pub mod table;
pub mod text;
pub mod walk;
pub mod yaml;

use std::fmt;
use std::path::Path;

pub use meta::Metadata;

/// The formats insight reads, chosen by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.md`, `.markdown`, `.txt`: one document, YAML front matter.
    Text,
    /// `.vtt`: WebVTT transcript.
    Vtt,
    /// `.srt`: SubRip transcript.
    Srt,
    /// `.csv`: one document per row.
    Csv,
    /// `.jsonl`: one document per line.
    Jsonl,
}

impl Format {
    /// The format of `path`, if insight reads it.
    pub fn of(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "md" | "markdown" | "txt" => Format::Text,
            "vtt" => Format::Vtt,
            "srt" => Format::Srt,
            "csv" => Format::Csv,
            "jsonl" | "ndjson" => Format::Jsonl,
            _ => return None,
        })
    }

    /// Transcripts take their metadata from a sidecar file.
    pub fn has_sidecar(self) -> bool {
        matches!(self, Format::Vtt | Format::Srt)
    }

    /// The `kind` a document gets when nothing else says.
    pub fn default_kind(self) -> &'static str {
        match self {
            Format::Vtt | Format::Srt => "interview",
            Format::Text => "note",
            Format::Csv | Format::Jsonl => "record",
        }
    }
}

/// Where a passage sits in its source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// Text lines, 1-based inclusive: `L12-L18` (or `L12`).
    Lines { start: u32, end: u32 },
    /// Transcript cue start in milliseconds: `00:03:12.500`.
    Time { ms: u64 },
    /// CSV row as a spreadsheet numbers it (the header is row 1): `row 57`.
    Row(u64),
    /// JSONL line, 1-based: `line 57`.
    Line(u64),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Lines { start, end } if start == end => write!(f, "L{start}"),
            Location::Lines { start, end } => write!(f, "L{start}-L{end}"),
            Location::Time { ms } => {
                let (h, m, s, milli) =
                    (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
                write!(f, "{h:02}:{m:02}:{s:02}.{milli:03}")
            }
            Location::Row(n) => write!(f, "row {n}"),
            Location::Line(n) => write!(f, "line {n}"),
        }
    }
}

/// The unit of retrieval and citation.
#[derive(Debug, Clone, PartialEq)]
pub struct Passage {
    pub text: String,
    pub location: Location,
    /// Who said it (transcripts), if known.
    pub speaker: Option<String>,
}

/// One indexed item: a file, a CSV row or a JSONL line.
#[derive(Debug, Clone)]
pub struct Document {
    /// Which part of the file this is: empty for a whole file, `row57`, `line12`.
    pub part: String,
    pub meta: Metadata,
    pub passages: Vec<Passage>,
}

/// What a parser made of one file.
#[derive(Debug, Default)]
pub struct Parsed {
    pub documents: Vec<Document>,
    /// Repairs worth telling the user about (`row 7: 3 fields, header has 5; row skipped`).
    pub notes: Vec<String>,
    /// Parts (`row7`) that could not be read; their previous version is kept.
    pub failed_parts: Vec<String>,
}

/// Options that change how files are parsed.
#[derive(Debug, Clone, Default)]
pub struct ParseOptions {
    /// `--text-column`: the CSV column / JSONL key holding the text.
    pub text_column: Option<String>,
}

/// Parses decoded `text` of `format`. `sidecar` is the transcript's sidecar
/// metadata, if any. An `Err` means the whole file is skipped, with the reason.
pub fn parse(
    format: Format,
    text: &str,
    sidecar: Option<&Metadata>,
    opts: &ParseOptions,
) -> Result<Parsed, String> {
    match format {
        Format::Text => Ok(text::parse(text)),
        Format::Vtt => subtitles::parse_vtt(text, sidecar),
        Format::Srt => subtitles::parse_srt(text, sidecar),
        Format::Csv => table::parse_csv(text, opts),
        Format::Jsonl => jsonl::parse(text, opts),
    }
}

/// Names of the columns / keys that hold a row's text, in order of preference.
pub const TEXT_COLUMNS: &[&str] = &[
    "text",
    "body",
    "content",
    "notes",
    "transcript",
    "comment",
    "description",
    "summary",
    "comments",
    "note",
    "message",
    "feedback",
    "response",
    "answer",
];

/// Picks the text column among `keys` (already normalised): `--text-column`
/// if present, else the first of [`TEXT_COLUMNS`].
pub fn pick_text_column<'a>(keys: &[&'a str], opts: &ParseOptions) -> Option<&'a str> {
    if let Some(want) = opts.text_column.as_deref() {
        let want = crate::text::normalize_key(want);
        if let Some(k) = keys.iter().find(|k| **k == want) {
            return Some(k);
        }
    }
    TEXT_COLUMNS
        .iter()
        .find_map(|name| keys.iter().find(|k| *k == name).copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_render_as_the_contract_says() {
        assert_eq!(
            Location::Lines { start: 12, end: 18 }.to_string(),
            "L12-L18"
        );
        assert_eq!(Location::Lines { start: 3, end: 3 }.to_string(), "L3");
        assert_eq!(Location::Time { ms: 192_500 }.to_string(), "00:03:12.500");
        assert_eq!(Location::Time { ms: 3_723_004 }.to_string(), "01:02:03.004");
        assert_eq!(Location::Row(57).to_string(), "row 57");
        assert_eq!(Location::Line(57).to_string(), "line 57");
    }

    #[test]
    fn formats_by_extension() {
        assert_eq!(Format::of(Path::new("a/B.VTT")), Some(Format::Vtt));
        assert_eq!(Format::of(Path::new("x.markdown")), Some(Format::Text));
        assert_eq!(Format::of(Path::new("x.meta.yaml")), None);
        assert_eq!(Format::of(Path::new("noext")), None);
    }

    #[test]
    fn text_column_choice() {
        let keys = ["account", "summary", "notes"];
        assert_eq!(
            pick_text_column(&keys, &ParseOptions::default()),
            Some("notes")
        );
        let opts = ParseOptions {
            text_column: Some("Summary".into()),
        };
        assert_eq!(pick_text_column(&keys, &opts), Some("summary"));
        assert_eq!(
            pick_text_column(&["a", "b"], &ParseOptions::default()),
            None
        );
    }
}
