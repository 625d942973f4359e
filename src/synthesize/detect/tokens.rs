//! Tokens: a sentence cut into lower-cased words and punctuation marks,
//! contractions spelled alike ("cant", "can’t", "can not" read as one).

use super::Token;

const CONTRACTIONS: &[(&str, &str)] = &[
    ("dont", "don't"),
    ("doesnt", "doesn't"),
    ("didnt", "didn't"),
    ("isnt", "isn't"),
    ("wasnt", "wasn't"),
    ("arent", "aren't"),
    ("werent", "weren't"),
    ("wont", "won't"),
    ("cant", "can't"),
    ("couldnt", "couldn't"),
    ("wouldnt", "wouldn't"),
    ("shouldnt", "shouldn't"),
    ("havent", "haven't"),
    ("hasnt", "hasn't"),
    ("hadnt", "hadn't"),
    ("aint", "ain't"),
    ("theres", "there's"),
    ("thats", "that's"),
    ("whats", "what's"),
    ("im", "i'm"),
    ("ive", "i've"),
    ("youre", "you're"),
    ("itll", "it'll"),
];

/// Two words spelled as one contraction ("does not" reads as "doesn't").
const MERGES: &[(&str, &str, &str)] = &[
    ("can", "not", "cannot"),
    ("do", "not", "don't"),
    ("does", "not", "doesn't"),
    ("did", "not", "didn't"),
    ("is", "not", "isn't"),
    ("was", "not", "wasn't"),
    ("are", "not", "aren't"),
    ("were", "not", "weren't"),
    ("will", "not", "won't"),
    ("would", "not", "wouldn't"),
    ("could", "not", "couldn't"),
    ("should", "not", "shouldn't"),
    ("have", "not", "haven't"),
    ("has", "not", "hasn't"),
    ("there", "is", "there's"),
    ("it", "is", "it's"),
    ("i", "would", "i'd"),
    ("we", "would", "we'd"),
    ("it", "would", "it'd"),
];

fn is_word_char(c: char, pattern: bool) -> bool {
    c.is_alphanumeric() || (pattern && matches!(c, '*' | '_'))
}

/// The tokens of `text`. With `pattern`, `*` and `_` are word characters
/// (for the word lists).
pub fn tokenize(text: &str, pattern: bool) -> Vec<Token> {
    let mut raw: Vec<Token> = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (b, c) = chars[i];
        if is_word_char(c, pattern) {
            let mut j = i + 1;
            while j < chars.len() {
                let c = chars[j].1;
                let joins = matches!(c, '\'' | '\u{2019}' | '-' | '/')
                    && chars
                        .get(j + 1)
                        .is_some_and(|&(_, n)| is_word_char(n, pattern));
                if is_word_char(c, pattern) || joins {
                    j += 1;
                } else {
                    break;
                }
            }
            let end = chars.get(j).map_or(text.len(), |&(e, _)| e);
            let w = text[b..end].to_lowercase().replace('\u{2019}', "'");
            let w = CONTRACTIONS
                .iter()
                .find(|(from, _)| *from == w)
                .map_or(w, |(_, to)| (*to).to_string());
            raw.push(Token {
                w,
                span: b..end,
                punct: false,
            });
            i = j;
            continue;
        }
        let standalone_dash = c == '-'
            && chars.get(i + 1).is_none_or(|&(_, n)| n.is_whitespace())
            && (i == 0 || chars[i - 1].1.is_whitespace());
        if matches!(
            c,
            ',' | ';' | ':' | '.' | '!' | '?' | '(' | ')' | '—' | '–' | '…'
        ) || standalone_dash
        {
            raw.push(Token {
                w: c.to_string(),
                span: b..b + c.len_utf8(),
                punct: true,
            });
        }
        i += 1;
    }
    // negations first: "i would not" is "i wouldn't", not "i'd not"
    let raw = merge(raw, |b| b == "not");
    merge(raw, |b| b != "not")
}

fn merge(raw: Vec<Token>, second: impl Fn(&str) -> bool) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(raw.len());
    for t in raw {
        if let Some(prev) = out.last_mut()
            && !prev.punct
            && !t.punct
            && second(&t.w)
            && let Some((_, _, m)) = MERGES.iter().find(|(a, b, _)| prev.w == *a && t.w == *b)
        {
            prev.w = (*m).to_string();
            prev.span = prev.span.start..t.span.end;
            continue;
        }
        out.push(t);
    }
    out
}
