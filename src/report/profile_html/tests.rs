//! Tests of the profile's HTML page: escaping, no fetch, what changed,
//! empty sections left out.

use super::*;
use crate::profile::best::{Best, Range, ThemeLift, Trait};
use crate::profile::crm::{Problem, Roles};
use crate::profile::figures::{Churn, Distribution, Health, Money, Spread, ValueCount};
use crate::profile::periods::{Changes, MetricChange, PeriodSpec, ThemeChange, periods};
use crate::profile::{Brief, LensThemes, RunStats};
use crate::synthesize::lens::Lens;
use crate::synthesize::themes::Quote;

const EVIL: &str = "<script>alert(1)</script>";

fn quote_of(text: &str) -> Option<Quote> {
    let (path, location) = ("calls/acme.md".into(), "L12".into());
    let (account, speaker) = (Some("ACME".into()), Some("Dana".into()));
    let text = text.into();
    Some(Quote {
        text,
        path,
        location,
        account,
        speaker,
        verified: true,
    })
}

fn health(churned: usize, known: usize, arr: f64) -> Health {
    let churn_rate = churned as f64 / known as f64;
    let retention_rate = 1.0 - churn_rate;
    let money = Money {
        accounts: known,
        total: arr * 4.0,
        mean: arr,
        median: arr,
    };
    let churn = Some(Churn {
        known,
        churned,
        churn_rate,
        retention_rate,
    });
    Health {
        accounts: known,
        churn,
        arr: Some(money),
        ..Health::default()
    }
}

fn spread() -> Spread {
    let (column, accounts, mean) = ("employees".into(), 4, 500.0);
    let (median, min, max, p25, p75) = (480.0, 10.0, 90_000.0, 20.0, 600.0);
    Spread {
        column,
        accounts,
        median,
        mean,
        min,
        max,
        p25,
        p75,
    }
}

fn group(value: Option<&str>, theme: &str) -> GroupProfile {
    let value_count = ValueCount {
        value: EVIL.into(),
        accounts: 3,
        share: 0.75,
    };
    let values = vec![value_count];
    let brief = Brief {
        title: theme.into(),
        accounts: 2,
        mentions: 5,
        account_ids: vec!["ACME".into()],
        quote: quote_of(EVIL),
    };
    let themes = vec![brief];
    GroupProfile {
        value: value.map(String::from),
        accounts: 4,
        share: 0.5,
        account_ids: vec!["ACME".into()],
        firmographics: vec![Distribution {
            column: "industry".into(),
            known: 4,
            values,
        }],
        numbers: vec![spread()],
        health: health(1, 4, 48_000.0),
        rest: health(2, 4, 12_000.0),
        themes: vec![LensThemes {
            lens: Lens::Pains,
            heard: 3,
            themes,
        }],
        narrative: format!("Narrative {EVIL}"),
        narrative_by: "model".into(),
    }
}

fn best() -> Best {
    let (column, value) = ("industry".into(), EVIL.into());
    let t = Trait {
        column,
        value,
        best: 2,
        best_of: 2,
        all: 3,
        all_of: 8,
        lift: 2.6667,
    };
    let (lens, title, quote) = (Lens::Success, EVIL.into(), quote_of(EVIL));
    let (accounts, of, all, all_of, lift) = (2, 2, 3, 8, 2.6667);
    let theme = ThemeLift {
        lens,
        title,
        accounts,
        of,
        all,
        all_of,
        lift,
        quote,
    };
    Best {
        rank_by: "arr".into(),
        rule: "top quartile by arr".into(),
        accounts: 2,
        account_ids: vec!["ACME".into()],
        rest: 6,
        threshold: Some(48_000.0),
        traits: vec![t],
        ranges: vec![Range {
            best: spread(),
            rest_median: None,
        }],
        themes: vec![theme],
        churned_themes: Vec::new(),
        profile: format!("Best customers: {EVIL}"),
    }
}

fn profile() -> Profile {
    let (account, row, column) = ("ACME".into(), 3, "arr".into());
    let (value, expected) = ("<b>lots</b>".into(), "a number".into());
    let problem = Problem {
        account,
        row,
        column,
        value,
        expected,
    };
    Profile {
        by: "segment".into(),
        generated_at: "2026-01-01T00:00:00Z".into(),
        provider: "extractive".into(),
        model: None,
        filters: "segment=Enterprise".into(),
        accounts_file: "crm.csv".into(),
        accounts: 8,
        columns: Roles::default(),
        problems: vec![problem],
        groups: vec![group(Some(EVIL), EVIL), group(None, "Slow exports")],
        best: Some(best()),
        changes: None,
        run: RunStats {
            notes: vec![format!("note {EVIL}")],
            ..RunStats::default()
        },
    }
}

#[test]
fn data_is_escaped_and_nothing_is_fetched() {
    let html = render(&profile());
    assert!(
        !html.contains("<script") && !html.contains("<b>lots"),
        "unescaped markup"
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("<a ") && !html.contains("<img"));
    let rest = html.replace("http://www.w3.org/2000/svg", "");
    assert!(!rest.contains("http"), "a URL other than the SVG namespace");
    assert!(html.contains("<svg") && html.contains("break-inside:avoid"));
    assert!(html.contains("2.7\u{d7}") && html.contains("48,000") && html.contains("25%"));
    assert!(html.contains("(no segment)") && html.contains("written by the model"));
    let sections = ["Best customers", "Segments at a glance", "Theme prevalence"];
    for h in sections
        .iter()
        .chain(&["Values that could not be read", "Notes"])
    {
        assert!(html.contains(&format!("<h2>{h}</h2>")), "{h} missing");
    }
}

#[test]
fn what_changed_shows_both_periods() {
    let mut p = profile();
    let [before, after] = periods(&PeriodSpec::Quarter, Some(1_767_225_600)).unwrap();
    let churn = "churned since, of deals won".to_string();
    let (b, a) = (Some(0.5), Some(0.25));
    let metrics = vec![MetricChange {
        metric: churn,
        unit: "share",
        before: b,
        after: a,
    }];
    let (lens, title) = (Lens::Pains, EVIL.to_string());
    let themes = vec![ThemeChange {
        lens,
        title,
        before: 1,
        after: 4,
        change: 3,
    }];
    p.changes = Some(Changes {
        before,
        after,
        metrics,
        themes,
    });
    let html = render(&p);
    assert!(html.contains("<h2>What changed</h2>") && html.contains("2026"));
    assert!(html.contains("-25 pts") && html.contains("▲ +3"));
    assert!(!html.contains("<script"));
}

#[test]
fn a_url_in_the_data_is_not_written_as_one() {
    let mut p = profile();
    p.filters = "see https://evil.example/x".into();
    p.groups[0].themes[0].themes[0].quote = quote_of("go to http://evil.example");
    let html = render(&p).replace("http://www.w3.org/2000/svg", "");
    assert!(!html.contains("http://") && !html.contains("https://"));
    assert!(html.contains("https&#58;//evil.example/x"));
    assert!(!html.contains("href") && !html.contains("src="));
}

#[test]
fn empty_sections_are_left_out() {
    let mut p = profile();
    (p.best, p.problems, p.run.notes, p.groups) = (None, vec![], vec![], vec![]);
    let html = render(&p);
    assert!(!html.contains("Best customers") && !html.contains("could not be read"));
    assert!(!html.contains("<h2>Notes") && !html.contains("<svg"));
    assert!(html.contains("<h1>Ideal Client Profile</h1>"));
}
