//! Sentence boundaries: where a sentence ends in a line of customer text, and
//! a passage's sentences as verbatim slices.

/// Byte offsets where sentences end in `text`: after `.`, `!` or `?` (and
/// closing quotes or brackets) followed by a space and a character that is
/// not lower case (`e.g. this` does not end a sentence). The space follows
/// each returned offset.
pub fn sentence_ends(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut ends = Vec::new();
    let mut i = 0usize;
    while i < bytes.len() {
        if !matches!(bytes[i], b'.' | b'!' | b'?') {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < bytes.len() && matches!(bytes[j], b'.' | b'!' | b'?' | b'"' | b'\'' | b')' | b']')
        {
            j += 1;
        }
        while text[j..].starts_with(['\u{201d}', '\u{2019}']) {
            j += 3;
        }
        if j < bytes.len() && bytes[j] == b' ' {
            let next = text[j + 1..].chars().next();
            if next.is_some_and(|c| !c.is_lowercase()) {
                ends.push(j);
            }
        }
        i = j;
    }
    ends
}

/// The sentences of a passage's text, verbatim (lines are separate).
pub fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for line in text.split('\n') {
        let mut start = 0usize;
        for end in sentence_ends(line) {
            out.push(line[start..end].trim());
            start = end + 1;
        }
        out.push(line[start..].trim());
    }
    out.retain(|s| !s.is_empty());
    out
}
