//! VADER's lexicon as an extra signal: the valence of words the lists
//! lack, less the words whose valence misleads in product feedback.

/// Words of the VADER lexicon whose valence misleads in product feedback
/// ("free trial", "please add", "help", "pretty slow").
const VADER_SKIP: &[&str] = &[
    "free",
    "please",
    "help",
    "helps",
    "pretty",
    "care",
    "yes",
    "no",
    "like",
    "want",
    "share",
    "matter",
    "ok",
    "okay",
    "thanks",
    "thank",
    "kind",
    "well",
    "sure",
    "true",
    "fine",
    "spam",
    "joke",
    "lol",
    "haha",
    "god",
    "hell",
    "damn",
    "wish",
    "hope",
    "hopefully",
    "interest",
    "interested",
    "interesting",
    "support",
    "supported",
    "supports",
    "fix",
    "fixed",
    "solve",
    "solved",
    "worth",
    "easy",
    "play",
    "playing",
    "party",
    "fun",
    "funny",
    "active",
    "alive",
    "big",
    "huge",
    "agree",
    "accept",
    "allow",
    "chance",
    "clear",
    "clean",
    "cut",
    "stop",
    "stopped",
    "stops",
    "block",
    "blocked",
    "miss",
    "missed",
    "missing",
    "alone",
    "old",
    // a product's name, not a feeling ("works with Excel")
    "excel",
];

/// The VADER valence of `word` (-4..4), for words the lists above lack.
pub fn vader(word: &str) -> Option<f32> {
    static TABLE: std::sync::OnceLock<std::collections::HashMap<&'static str, f32>> =
        std::sync::OnceLock::new();
    TABLE
        .get_or_init(|| {
            include_str!("../vader_lexicon.tsv")
                .lines()
                .filter(|l| !l.starts_with('#'))
                .filter_map(|l| {
                    let (w, v) = l.split_once('\t')?;
                    Some((w, v.trim().parse().ok()?))
                })
                .filter(|(w, _)| !VADER_SKIP.contains(w))
                .collect()
        })
        .get(word)
        .copied()
}
