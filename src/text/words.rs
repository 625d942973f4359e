//! Word-level helpers shared by every stage: the stop words of questions,
//! metadata key normalisation, and the BM25 inverse document frequency.

/// Words that carry no topic in an English question.
#[rustfmt::skip]
const STOP_WORDS: &[&str] = &[
    "a", "about", "above", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as",
    "at", "be", "because", "been", "before", "being", "between", "both", "but", "by", "can",
    "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from",
    "further", "had", "has", "have", "having", "he", "her", "here", "hers", "him", "his", "how",
    "i", "if", "in", "into", "is", "it", "its", "just", "me", "mention", "mentioned", "more",
    "most", "my", "of", "off", "on", "once", "only", "or", "other", "our", "out", "over", "own",
    "said", "same", "say", "says", "she", "should", "so", "some", "such", "tell", "than", "that",
    "the", "their", "them", "then", "there", "these", "they", "this", "those", "through", "to",
    "too", "under", "until", "up", "us", "very", "was", "we", "were", "what", "when", "where",
    "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your",
    // generic in customer-research questions
    "customer", "customers", "client", "clients", "talk", "talked", "feedback", "want", "wants",
    "wanted",
];

/// Whether `word` (lower case) is a stop word of questions.
pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.contains(&word)
}

/// Lower-cases a key and turns anything but letters and digits into `_`
/// (`"Account ID"` → `account_id`, `meta.plan` → `meta_plan`), so CSV
/// headers, YAML keys and `--where` keys meet.
pub fn normalize_key(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for c in key.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}

/// BM25's inverse document frequency of a term found in `df` of `n` units.
pub fn idf(n: f32, df: f32) -> f32 {
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}
