//! Tests of the clause detector: tokens, missing capabilities and
//! requests, idioms, negation scopes, solved pains, contrast, questions and
//! conditionals, as the lenses judge them.

use super::tokens::tokenize;
use super::*;
use crate::synthesize::lens::Lens;

fn pain(s: &str) -> bool {
    Lens::Pains.is_signal(s)
}

fn success(s: &str) -> bool {
    Lens::Success.is_signal(s)
}

fn focus(lens: Lens, s: &str) -> String {
    let d = lens.detect(s);
    s[d.focus].to_string()
}

#[test]
fn tokens_spell_contractions_alike() {
    let w = |s: &str| -> Vec<String> { tokenize(s, false).into_iter().map(|t| t.w).collect() };
    assert_eq!(w("It can’t sync"), w("it cant sync"));
    assert_eq!(w("It can not sync"), ["it", "cannot", "sync"]);
    assert_eq!(w("It does not sync"), w("It doesn't sync"));
    assert_eq!(w("hassle-free, and/or"), ["hassle-free", ",", "and/or"]);
    let t = tokenize("Great - but slow", false);
    assert!(t[1].punct && t[1].w == "-");
}

#[test]
fn missing_capabilities_are_pains() {
    for s in [
        "There's no SCIM, so Okta only half works.",
        "No SCIM, no real audit trail.",
        "There is no way to export a report to PDF.",
        "The app doesn't support recurring invoices.",
        "It lacks a proper audit log.",
        "Multi-currency is missing.",
        "We still have to reconcile the payments manually.",
        "It won't let me change the due date.",
        "Dark mode is not available on Android.",
        "There isn't any way to merge two customers.",
    ] {
        assert!(pain(s), "{s}: {:?}", Lens::Pains.detect(s));
        assert!(!success(s), "{s}: {:?}", Lens::Success.detect(s));
    }
    assert_eq!(Lens::Pains.detect("There's no SCIM.").kind, Kind::Missing);
    assert_eq!(
        Lens::Pains.detect("It doesn't support SAML.").kind,
        Kind::Missing
    );
}

#[test]
fn requests_are_pains() {
    for s in [
        "I wish it had a dark mode.",
        "It would be nice if the reports could be scheduled.",
        "It would be great to have an API.",
        "Please add two-factor login.",
        "Please fix the calendar sync.",
        "I'd love to see a Xero integration.",
    ] {
        assert!(pain(s), "{s}: {:?}", Lens::Pains.detect(s));
        assert!(!success(s), "{s}: {:?}", Lens::Success.detect(s));
        assert_eq!(Lens::Pains.detect(s).kind, Kind::Request, "{s}");
    }
}

#[test]
fn praise_idioms_stay_praise() {
    for s in [
        "I couldn't be happier with the support team.",
        "Can't recommend it enough!",
        "I can't recommend this app highly enough.",
        "Nothing beats the mobile app.",
        "No complaints so far.",
        "You can't go wrong here.",
        "I can't imagine working without it.",
        "We couldn't live without the bank matching.",
        "Not a single issue since we switched.",
        "Never had a problem with the sync.",
        "It never lets me down.",
        "I would not hesitate to recommend it.",
        "It's a no-brainer for small teams.",
        "Setup was hassle-free.",
        "Honestly, I can't complain.",
        "It works like a charm.",
        "There's no better app for notes.",
    ] {
        assert!(!pain(s), "{s}: {:?}", Lens::Pains.detect(s));
        assert!(success(s), "{s}: {:?}", Lens::Success.detect(s));
    }
}

#[test]
fn negation_has_a_scope() {
    // a negated working verb or praise word is a pain
    for s in [
        "The sync is not working.",
        "The export doesn't work with Excel.",
        "It won't load my notes.",
        "Support never answers.",
        "I don't like the new layout.",
        "Search is not good.",
        "Can't connect to my own server.",
        "I wouldn't recommend it to anyone.",
        "It's not worth the money.",
    ] {
        assert!(pain(s), "{s}: {:?}", Lens::Pains.detect(s));
    }
    // a negated complaint is no pain, mild praise at most
    for s in [
        "Not bad.",
        "The app never crashes.",
        "There's no lag at all.",
        "It isn't slow.",
        "No ads, no tracking.",
    ] {
        assert!(!pain(s), "{s}: {:?}", Lens::Pains.detect(s));
    }
    assert!(Lens::Success.score("Not bad.") < 1.0, "not bad is mild");
    // the scope ends at the clause, a conjunction or the first polar word
    assert!(pain("There's no lag; the export is broken."));
    assert!(pain("It doesn't crash and the export is broken."));
    assert!(pain("It doesn't fix the problem."));
    assert!(!pain("No doubt about it, the team did great work."));
}

#[test]
fn solved_and_past_pains_are_not_current() {
    for s in [
        "Before, I did this by hand every morning.",
        "Before Ledgerline, we matched every payment by hand.",
        "Reconciliation is no longer manual.",
        "The app no longer crashes.",
        "It doesn't crash anymore.",
        "No more spreadsheets.",
        "It used to take hours.",
        "They finally fixed the sync bug.",
        "Exports were slow at first, but now it's great.",
        "In the past we had duplicate invoices every month.",
        "I don't have to make the awkward phone calls myself anymore.",
    ] {
        assert!(!pain(s), "{s}: {:?}", Lens::Pains.detect(s));
        assert!(success(s), "{s}: {:?}", Lens::Success.detect(s));
    }
    assert_eq!(
        Lens::Success
            .detect("Reconciliation is no longer manual.")
            .kind,
        Kind::Solved
    );
    // regressions are current pains
    for s in [
        "It used to be great.",
        "It no longer works.",
        "It doesn't sync anymore.",
        "It crashes so often that I can't use it anymore.",
        "It worked fine until the last update.",
        "Still not fixed.",
    ] {
        assert!(pain(s), "{s}: {:?}", Lens::Pains.detect(s));
    }
    // "before" as a time of day is no past
    assert!(pain("Before I can export anything, the app crashes."));
}

#[test]
fn contrast_weighs_the_clause_after_but() {
    let s = "The dashboard is great but exports take forever.";
    assert!(pain(s));
    assert_eq!(focus(Lens::Pains, s), "exports take forever");
    let s = "Although the UI is nice, the exports are slow.";
    assert!(pain(s));
    assert_eq!(focus(Lens::Pains, s), "the exports are slow");
    let s = "Exports are slow, although the UI is nice.";
    assert!(pain(s));
    assert_eq!(focus(Lens::Pains, s), "Exports are slow");
    let s = "Not bad, but the search is terribly slow.";
    assert!(pain(s));
    assert_eq!(focus(Lens::Pains, s), "the search is terribly slow");
    // praise after "but" overrules a mild complaint before it
    assert!(!pain("It was a bit slow, but overall I love it."));
    assert!(success("It was a bit slow, but overall I love it."));
    assert_eq!(
        focus(Lens::Success, "It was a bit slow, but overall I love it."),
        "overall I love it"
    );
    // a whole sentence when one clause
    let s = "The sync is broken.";
    assert_eq!(focus(Lens::Pains, s), "The sync is broken");
    assert!(Lens::Pains.detect(s).valence < 0.0);
    assert!(Lens::Pains.detect("We love it.").valence > 0.0);
}

#[test]
fn questions_are_weighed() {
    let need = Lens::Pains.detect("Is there a way to export?");
    assert_eq!(need.kind, Kind::Question);
    assert!(need.score > 0.0 && need.score < 1.0, "{need:?}");
    assert!(!pain("Can I change the logo?"));
    assert!(pain("How do I know when the sync is broken?"));
    assert!(pain("Why does it keep crashing?"));
    assert!(pain("Why can't I export to PDF?"));
    assert!(pain("Is there a way to stop the app from crashing?"));
    assert!(!success("Is it any good?"));
}

#[test]
fn conditionals_are_weighed() {
    let s = "If it were cheaper we'd buy more seats.";
    let d = Lens::Objections.detect(s);
    assert!(d.score >= 1.0, "{d:?}");
    assert_eq!(d.kind, Kind::Conditional);
    assert!(!success(s));
    assert!(pain(
        "If it had a proper API we would switch everything over."
    ));
    assert!(pain("If the sync fails, nobody gets an alert."));
    assert_eq!(
        Lens::Pains
            .detect("If the sync fails, nobody gets an alert.")
            .kind,
        Kind::Conditional
    );
    assert!(!pain("If you need a simple invoicing tool, this is great."));
}

#[test]
fn other_lenses_keep_their_cues() {
    assert!(
        Lens::Objections.is_signal("It is too expensive, we are looking at cheaper alternatives.")
    );
    assert!(!Lens::Objections.is_signal("It's not too expensive for what you get."));
    assert!(!Lens::Objections.is_signal("We are not looking at alternatives."));
    assert!(Lens::Objections.is_signal("Honestly it's not worth the price."));
    assert!(Lens::Triggers.is_signal("After the acquisition we started looking for a new tool."));
    assert!(Lens::Triggers.is_signal("That's why we switched."));
    assert!(Lens::Success.is_signal("We save about fifteen hours a week on collections."));
    assert!(!Lens::Success.is_signal("We still have to reconcile by hand."));
}

#[test]
fn no_trouble_is_not_a_pain() {
    for s in [
        "The latest version doesn't have any problems for me.",
        "It does not have any major issues.",
        "I haven't had any issues with it so far.",
        "Never had a problem with the sync.",
        "Zero issues since I switched.",
        "I have had no trouble at all.",
        "Hasn't let me down once.",
        "I can only recommend it.",
        "I wish I could give this 10 stars!",
        "Wish I could give it more stars.",
    ] {
        assert!(!pain(s), "{s}: {:?}", Lens::Pains.detect(s));
    }
    assert!(pain("I wish I could give it zero stars."));
    // the frame still tells of a missing capability when its object is one
    assert!(pain("It doesn't have a dark mode."));
    assert_eq!(
        Lens::Pains.detect("It doesn't have a dark mode.").kind,
        Kind::Missing
    );
}

#[test]
fn a_pain_the_product_helps_with_is_solved() {
    for s in [
        "This app has helped me stay focused, because I struggle with distractions.",
        "I struggle with procrastination and this app really helps.",
        "Chasing late payers was a nightmare until we found Ledgerline.",
        "Reconciling by hand took forever until we started using it.",
        "It has saved me from the awful month-end scramble.",
        "The reminders helped us cut the backlog of overdue invoices.",
    ] {
        assert!(!pain(s), "{s}: {:?}", Lens::Pains.detect(s));
        assert!(success(s), "{s}: {:?}", Lens::Success.detect(s));
    }
    // help that is denied, wished for, or overruled leaves the pain
    for s in [
        "It helped at first, but now it crashes every day.",
        "The app helps a lot, but the sync is broken.",
        "Support helped me, yet the export still fails.",
        "Nothing helps, the sync keeps failing.",
        "It doesn't help that the export is so slow.",
        "It worked fine until the last update.",
    ] {
        assert!(pain(s), "{s}: {:?}", Lens::Pains.detect(s));
    }
}

#[test]
fn emphatic_praise_is_no_pain() {
    for s in [
        "I could not recommend this more!",
        "I couldn't recommend it highly enough.",
    ] {
        assert!(!pain(s), "{s}: {:?}", Lens::Pains.detect(s));
    }
    for s in [
        "The latest update brought bug fixes but broke the calendar.",
        "Please fix the bugs.",
        "It is full of bugs.",
    ] {
        assert!(pain(s), "{s}: {:?}", Lens::Pains.detect(s));
    }
}

#[test]
fn everyday_app_complaints_are_pains() {
    for s in [
        "Too many ads.",
        "The font is way too small to read.",
        "Half the time the upload just spins.",
        "The search never finds anything.",
        "Now I have to tap three times to send a photo.",
        "Sync stopped working after the last update.",
        "They charged me after I cancelled.",
        "The notifications come hours late.",
        "You can only attach one file at a time.",
        "Every time I open it, it asks me to sign in again.",
        "It doesn't remember my settings.",
        "Photos upload blurry.",
        "Calls cut out all the time.",
        "It randomly deletes my drafts.",
        "I'm deleting this app.",
        "The per-user price adds up fast for a small team.",
        "We won't pay for seats nobody uses.",
        "A full licence for a part-timer seems crazy.",
    ] {
        assert!(pain(s), "{s}: {:?}", Lens::Pains.detect(s));
        assert!(!success(s), "{s}: {:?}", Lens::Success.detect(s));
    }
}
