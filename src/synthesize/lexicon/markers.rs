//! Negators and their scope, and the markers of contrast, concession,
//! the past, help, an ended state and a fix.

/// Words that negate what follows in their clause.
pub const NEGATORS: &[&str] = &[
    "not",
    "no",
    "never",
    "zero",
    "without",
    "nothing",
    "none",
    "nor",
    "neither",
    "nobody",
    "hardly",
    "barely",
    "scarcely",
    "isn't",
    "wasn't",
    "aren't",
    "weren't",
    "don't",
    "doesn't",
    "didn't",
    "won't",
    "wouldn't",
    "shouldn't",
    "haven't",
    "hasn't",
    "hadn't",
    "ain't",
    "can't",
    "cannot",
    "couldn't",
];

/// Negators of inability: "can't export" is a pain whatever the verb.
pub const INABILITY: &[&str] = &["can't", "cannot", "couldn't"];

/// Words that end a negation's scope (besides punctuation).
pub const SCOPE_ENDS: &[&str] = &[
    "and", "but", "so", "because", "which", "who", "when", "whenever", "if", "then", "since",
    "until", "while", "though", "although", "however", "yet", "as",
];

/// How many words after a negator it reaches at most.
pub const SCOPE_WORDS: usize = 4;

/// Markers that the clause before is conceded and the one after stressed
/// ("nice, but slow").
pub const BUT_MARKERS: &[&str] = &[
    "but",
    "however",
    "yet",
    "except",
    "except that",
    "except for",
    "other than",
    "apart from",
    "aside from",
    "nevertheless",
    "nonetheless",
    "still,",
    "unfortunately",
    "sadly",
    "that said",
    "having said that",
];

/// Markers that open a conceded clause ("although it is nice, …").
pub const CONCEDING_MARKERS: &[&str] = &[
    "although",
    "though",
    "even though",
    "even if",
    "whereas",
    "while",
    "despite",
    "in spite of",
];

/// Markers that the clause tells of the past, before things changed.
pub const PAST_MARKERS: &[&str] = &[
    "used to",
    "previously",
    "in the past",
    "back then",
    "at first",
    "initially",
    "in the beginning",
    "at the beginning",
    "originally",
    "formerly",
    "before that",
    "before then",
    "before this",
    "before switching",
    "before moving",
    "before using",
    "the old way",
    "our old",
    "my old",
    "the old system",
];

/// Markers that the product helps with what the clause complains about:
/// "it has helped me stay focused, because I struggle with distractions"
/// tells of a pain it solves.
pub const HELP_MARKERS: &[&str] = &[
    "helped me",
    "helped us",
    "helps me",
    "helps us",
    "has helped",
    "have helped",
    "really helps",
    "really helped",
    "it helps",
    "this helps",
    "saved me",
    "saved us",
    "saves me",
    "saves us",
    "lifesaver",
    "life saver",
    "life-saver",
    "until we found",
    "until i found",
    "until we started using",
    "until i started using",
];

/// Markers that a problem was fixed.
pub const SOLVED_MARKERS: &[&str] = &[
    "finally",
    "fixed",
    "resolved",
    "solved",
    "sorted out",
    "now works",
    "works now",
    "now it works",
    "is gone",
    "are gone",
];
