//! Quote verification: a quote is verified only when it occurs verbatim,
//! whitespace aside, in the passage it cites.

/// `text` with runs of whitespace collapsed to one space and trimmed.
pub fn normalize(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `quote` occurs in `passage` (whitespace-normalised).
pub fn verify(quote: &str, passage: &str) -> bool {
    let q = normalize(quote);
    !q.is_empty() && normalize(passage).contains(&q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_aside_quotes_must_be_verbatim() {
        let passage = "We create every user\n  by hand. There is no SCIM.";
        assert!(verify("every user by hand.", passage));
        assert!(verify("  There is no   SCIM. ", passage));
        assert!(!verify("We create every user manually.", passage));
        assert!(!verify("there is no scim.", passage), "case matters");
        assert!(!verify("   ", passage));
    }
}
