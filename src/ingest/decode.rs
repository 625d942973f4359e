//! Bytes → text, the way users' tools write files: UTF-8 with or without BOM,
//! UTF-16 with BOM (or recognisably without), otherwise Windows-1252 with a
//! note; binary files are refused. Line endings come out as `\n`.

use std::borrow::Cow;

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};

/// How many leading bytes are inspected to tell text from binary.
const SNIFF: usize = 8192;

/// Decoded text plus what had to be repaired on the way, if anything.
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    pub note: Option<String>,
}

/// Why a file could not be read as text.
#[derive(Debug, PartialEq, Eq)]
pub enum NotText {
    Binary,
    Empty,
}

impl std::fmt::Display for NotText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotText::Binary => f.write_str("binary file, not text"),
            NotText::Empty => f.write_str("empty file"),
        }
    }
}

/// Decodes `bytes` as text.
pub fn decode(bytes: &[u8]) -> Result<Decoded, NotText> {
    let (text, note): (Cow<'_, str>, Option<String>) =
        if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
            utf8_or_1252(rest)
        } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
            (UTF_16LE.decode_without_bom_handling(rest).0, None)
        } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
            (UTF_16BE.decode_without_bom_handling(rest).0, None)
        } else {
            let head = &bytes[..bytes.len().min(SNIFF)];
            if head.contains(&0) {
                match utf16_without_bom(head) {
                    Some(true) => (
                        UTF_16LE.decode_without_bom_handling(bytes).0,
                        Some("UTF-16 without byte-order mark; decoded as UTF-16LE".into()),
                    ),
                    Some(false) => (
                        UTF_16BE.decode_without_bom_handling(bytes).0,
                        Some("UTF-16 without byte-order mark; decoded as UTF-16BE".into()),
                    ),
                    None => return Err(NotText::Binary),
                }
            } else {
                utf8_or_1252(bytes)
            }
        };
    if looks_binary(&text) {
        return Err(NotText::Binary);
    }
    if text.trim().is_empty() {
        return Err(NotText::Empty);
    }
    Ok(Decoded {
        text: normalize_newlines(text).into_owned(),
        note,
    })
}

fn utf8_or_1252(bytes: &[u8]) -> (Cow<'_, str>, Option<String>) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (Cow::Borrowed(s), None),
        Err(e) => {
            let (text, _, _) = WINDOWS_1252.decode(bytes);
            let note = format!(
                "not valid UTF-8 (first bad byte at offset {}); decoded as Windows-1252",
                e.valid_up_to()
            );
            (text, Some(note))
        }
    }
}

/// `Some(true)` for UTF-16LE, `Some(false)` for BE, `None` when the NULs do not
/// fall on one side of the byte pairs as they do in mostly-ASCII UTF-16.
fn utf16_without_bom(head: &[u8]) -> Option<bool> {
    let pairs = head.len() / 2;
    if pairs < 4 {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in head.chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    if odd * 10 >= pairs * 7 && even * 20 <= pairs {
        Some(true)
    } else if even * 10 >= pairs * 7 && odd * 20 <= pairs {
        Some(false)
    } else {
        None
    }
}

/// Text with many control characters is not something people wrote.
fn looks_binary(text: &str) -> bool {
    let mut total = 0usize;
    let mut control = 0usize;
    for c in text.chars().take(SNIFF) {
        total += 1;
        if c == '\0' || (c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0C')) {
            control += 1;
        }
    }
    total > 0 && control * 10 > total
}

/// CRLF and lone CR become LF.
pub fn normalize_newlines(text: Cow<'_, str>) -> Cow<'_, str> {
    if !text.contains('\r') {
        return text;
    }
    Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_utf8_and_bom() {
        assert_eq!(decode(b"hello").unwrap().text, "hello");
        let d = decode(b"\xEF\xBB\xBFh\xC3\xA9").unwrap();
        assert_eq!(d.text, "hé");
        assert!(d.note.is_none());
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let mut le = vec![0xFF, 0xFE];
        for c in "Caf\u{e9} notes\r\nline".encode_utf16() {
            le.extend(c.to_le_bytes());
        }
        assert_eq!(decode(&le).unwrap().text, "Caf\u{e9} notes\nline");
        let be: Vec<u8> = "plain ascii text here"
            .encode_utf16()
            .flat_map(|c| c.to_be_bytes())
            .collect();
        let d = decode(&be).unwrap();
        assert_eq!(d.text, "plain ascii text here");
        assert!(d.note.unwrap().contains("UTF-16BE"));
    }

    #[test]
    fn latin1_falls_back_to_windows_1252_with_a_note() {
        let d = decode(b"Facturation compliqu\xE9e \x93quoted\x94").unwrap();
        assert_eq!(d.text, "Facturation compliqu\u{e9}e \u{201c}quoted\u{201d}");
        assert!(d.note.unwrap().contains("Windows-1252"));
    }

    #[test]
    fn binary_and_empty_are_refused() {
        let bin: Vec<u8> = (0u8..=255).cycle().take(2048).collect();
        assert_eq!(decode(&bin).unwrap_err(), NotText::Binary);
        assert_eq!(
            decode(b"\x01\x02\x03\x04\x05\x06abc").unwrap_err(),
            NotText::Binary
        );
        assert_eq!(decode(b"  \n\n ").unwrap_err(), NotText::Empty);
        assert_eq!(decode(b"").unwrap_err(), NotText::Empty);
    }

    #[test]
    fn cr_and_crlf_become_lf() {
        assert_eq!(decode(b"a\r\nb\rc").unwrap().text, "a\nb\nc");
    }
}
