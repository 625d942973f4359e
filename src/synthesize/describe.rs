//! The one-line summary of an offline theme, written from computed facts:
//! who raises it (how many of the group's accounts, their industry or plan
//! when they share one), how often and since when, what else they tie it
//! to, and how the other groups compare.

use super::naming::capitalize;

/// What is known of a theme within one group.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// Accounts raising it in the group.
    pub accounts: usize,
    /// Accounts in the group (whether or not they raise it).
    pub group_accounts: usize,
    /// The grouping field and the group's value (`None`: without the field).
    pub by: String,
    pub group: Option<String>,
    pub mentions: usize,
    /// Earliest and latest dates (`YYYY-MM-DD`) of its passages.
    pub first: Option<String>,
    pub last: Option<String>,
    /// Other fields of its accounts: (field, [(value, accounts)]), largest first.
    pub mix: Vec<(String, Vec<(String, usize)>)>,
    /// A word many of its accounts also use, and how many.
    pub also: Option<(String, usize)>,
    /// The other groups: (value, accounts raising it, accounts in the group).
    pub elsewhere: Vec<(String, usize, usize)>,
}

/// "1 account", "2 accounts".
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The summary sentence(s) for `f`.
pub fn summary(f: &Facts) -> String {
    let mut out = String::new();
    let who = match (&f.group, f.by.as_str()) {
        (Some(g), "segment") => format!("{g} accounts"),
        (Some(g), by) => format!("accounts with {by} {g}"),
        (None, by) => format!("accounts without a {by}"),
    };
    if f.group_accounts > 0 {
        out.push_str(&format!("{} of {} {who}", f.accounts, f.group_accounts));
        if f.group_accounts >= 5 {
            out.push_str(&format!(" ({}%)", percent(f.accounts, f.group_accounts)));
        }
    } else {
        out.push_str(&count(f.accounts, "account"));
    }
    if let Some(mix) = mix(f) {
        out.push_str(&format!(", {mix}"));
    }
    out.push_str(&format!("; {}", count(f.mentions, "mention")));
    match (&f.first, &f.last) {
        (Some(a), Some(b)) if a != b => out.push_str(&format!(", {a} to {b}")),
        (Some(a), _) => out.push_str(&format!(", {a}")),
        _ => {}
    }
    out.push('.');
    if let Some((word, n)) = &f.also {
        let them = if *n == f.accounts {
            "all of them".to_string()
        } else {
            format!("{n} of them")
        };
        out.push_str(&format!(" {} also mention “{word}”.", capitalize(&them)));
    }
    let others: Vec<String> = f
        .elsewhere
        .iter()
        .filter(|(_, n, _)| *n > 0)
        .take(3)
        .map(|(g, n, total)| format!("{n} of {total} {g}"))
        .collect();
    if !f.elsewhere.is_empty() {
        if others.is_empty() {
            out.push_str(&format!(" No other {} raises it.", f.by));
        } else {
            out.push_str(&format!(" Elsewhere: {}.", others.join(", ")));
        }
    }
    out
}

/// "mostly in Insurance (3)" for the field whose top value covers most of
/// the theme's accounts, if one covers at least half and more than one.
fn mix(f: &Facts) -> Option<String> {
    let (field, top, n) = f
        .mix
        .iter()
        .filter_map(|(field, values)| values.first().map(|(v, n)| (field, v, *n)))
        .filter(|(_, _, n)| *n >= 2 && n * 2 >= f.accounts)
        .max_by(|a, b| a.2.cmp(&b.2).then(b.0.cmp(a.0)))?;
    let value = match field.as_str() {
        "plan" => format!("on the {top} plan"),
        "tier" => format!("{top} tier"),
        _ => format!("in {top}"),
    };
    Some(if n == f.accounts {
        format!("all {value}")
    } else {
        format!("mostly {value} ({n})")
    })
}

fn percent(a: usize, b: usize) -> usize {
    ((a as f64 / b.max(1) as f64) * 100.0).round() as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_who_how_often_and_where_else() {
        let f = Facts {
            accounts: 7,
            group_accounts: 9,
            by: "segment".into(),
            group: Some("enterprise".into()),
            mentions: 12,
            first: Some("2026-06-18".into()),
            last: Some("2026-10-07".into()),
            mix: vec![(
                "industry".into(),
                vec![("Insurance".into(), 4), ("Pharma".into(), 3)],
            )],
            also: Some(("audit".into(), 3)),
            elsewhere: vec![("mid-market".into(), 1, 4), ("smb".into(), 0, 3)],
        };
        assert_eq!(
            summary(&f),
            "7 of 9 enterprise accounts (78%), mostly in Insurance (4); 12 mentions, 2026-06-18 to 2026-10-07. 3 of them also mention “audit”. Elsewhere: 1 of 4 mid-market."
        );
    }

    #[test]
    fn plurals_and_missing_facts() {
        let f = Facts {
            accounts: 1,
            group_accounts: 3,
            by: "segment".into(),
            group: Some("smb".into()),
            mentions: 1,
            elsewhere: vec![("enterprise".into(), 0, 3)],
            ..Facts::default()
        };
        assert_eq!(
            summary(&f),
            "1 of 3 smb accounts; 1 mention. No other segment raises it."
        );
        assert_eq!(count(2, "account"), "2 accounts");
    }
}
