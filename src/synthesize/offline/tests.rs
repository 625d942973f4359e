//! Tests of the offline themes: lexical vectors and catch-alls dissolved.

use super::clusters::subject_share;
use super::*;
use crate::synthesize::words::Stemmer;

#[test]
fn lexical_vectors_link_shared_stems() {
    let mut s = Stemmer::default();
    let none = BTreeSet::new();
    let idf = |_: &str| 1.0;
    let a = lexical_vector(&s.analyze("The Xero sync stopped", &none), &idf);
    let b = lexical_vector(&s.analyze("Syncing with Xero stops", &none), &idf);
    let c = lexical_vector(&s.analyze("The per-seat price", &none), &idf);
    assert!(dot(&a, &b) > 0.3, "{}", dot(&a, &b));
    assert!(dot(&a, &c).abs() < 0.2, "{}", dot(&a, &c));
}

fn units_of(texts: &[&str]) -> Units {
    let mut s = Stemmer::default();
    let none = BTreeSet::new();
    let idf = |_: &str| 1.0;
    let mut units = Units::default();
    for (i, t) in texts.iter().enumerate() {
        let tokens = s.analyze(t, &none);
        units.vectors.push(lexical_vector(&tokens, &idf));
        units.units.push(Unit {
            text: t.to_string(),
            tokens,
            signals: Vec::new(),
            who: BTreeSet::from([format!("acc-{i}")]),
        });
    }
    units
}

#[test]
fn catch_alls_are_dissolved_into_the_themes_they_touch() {
    let units = units_of(&[
        "The calendar sync stopped again.",
        "Calendar sync drops half my events.",
        "The calendar sync is slow.",
        "Sync with my calendar fails every morning.",
        "Honestly I expected more from a paid upgrade.",
        "My daughter gave up after a week.",
        "The support person was rude.",
        "Buttons are tiny.",
        "Colours hurt my eyes.",
        "Nobody answered the phone on Friday.",
        "Reviews here are fake.",
        "Ads cover the screen.",
        "Printing crashes Word.",
        "Login takes minutes.",
        "It kept my calendar sync broken.",
    ]);
    let weights = vec![1.0; units.units.len()];
    let sync: Vec<usize> = (0..4).collect();
    let ramble: Vec<usize> = (4..15).collect();
    assert!(subject_share(&sync, &units, &weights) > 0.9);
    assert!(subject_share(&ramble, &units, &weights) < SUBJECT_SHARE);
    let out = dissolve_catch_alls(vec![sync.clone(), ramble], &units, &weights, 0.2);
    // the rambling sentences are no theme; the one about the sync joins it
    assert_eq!(out, vec![vec![0, 1, 2, 3, 14]]);
    // a theme about one thing stays as it is
    let out = dissolve_catch_alls(vec![sync.clone()], &units, &weights, 0.2);
    assert_eq!(out, vec![sync]);
}
