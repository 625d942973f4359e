//! Incremental indexing: unchanged files are skipped, edits replace, deletions
//! remove, CSV rows are tracked one by one, settings changes re-apply.

use serde_json::Value;

use crate::harness::{Env, s};

fn counts(r: &Value) -> (u64, u64, u64, u64) {
    let n = |k: &str| r[k].as_u64().unwrap_or(u64::MAX);
    (n("added"), n("updated"), n("unchanged"), n("removed"))
}

fn index(env: &Env, extra: &[&str]) -> Value {
    let mut args = vec!["index", "corpus", "--json"];
    args.extend_from_slice(extra);
    env.json(&args)
}

#[test]
fn add_edit_delete_and_unchanged() {
    let env = Env::new();
    let corpus = env.copy_examples();
    let first = index(&env, &["--accounts", "corpus/accounts.csv"]);
    assert_eq!(counts(&first), (52, 0, 0, 0));

    let again = index(&env, &[]);
    assert_eq!(counts(&again), (0, 0, 52, 0), "{again}");
    assert_eq!(again["documents"], 52);

    // same content, new mtime: still unchanged
    let note = corpus.join("notes/2026-10-12-acc-107-qbr.md");
    let text = std::fs::read_to_string(&note).unwrap();
    std::fs::write(&note, &text).unwrap();
    assert_eq!(counts(&index(&env, &[])), (0, 0, 52, 0));

    // edit one note
    std::fs::write(&note, text.replace("Larkspur", "Larkspur Zanzibar")).unwrap();
    let r = index(&env, &[]);
    assert_eq!(counts(&r), (0, 1, 51, 0), "{r}");
    let hits = env.hits("Zanzibar", &[]);
    assert!(
        !hits.is_empty()
            && hits
                .iter()
                .all(|h| s(h, "path").ends_with("acc-107-qbr.md"))
    );

    // append a CSV row: only that row is added
    let calls = corpus.join("calls.csv");
    let mut csv = std::fs::read_to_string(&calls).unwrap();
    csv.push_str(
        "2026-11-20,ACC-101,Rafael Ortiz,10,Chloé asked about a quokka discount for cafés.\n",
    );
    std::fs::write(&calls, &csv).unwrap();
    assert_eq!(counts(&index(&env, &[])), (1, 0, 52, 0));
    let hit = &env.hits("quokka", &[])[0];
    assert_eq!(s(hit, "location"), "row 28");
    assert_eq!(s(hit, "segment"), "smb");

    // delete a transcript, add a new note
    std::fs::remove_file(corpus.join("interviews/2026-07-22-acc-101.vtt")).unwrap();
    env.write(
        "corpus/notes/new.md",
        "---\naccount: ACC-103\n---\nThey asked for a capybara integration.\n",
    );
    let r = index(&env, &[]);
    assert_eq!(counts(&r), (1, 0, 52, 1), "{r}");
    assert_eq!(r["documents"], 53);
    assert!(
        env.hits("capybara", &[])
            .iter()
            .all(|h| s(h, "segment") == "smb")
    );
    assert!(
        env.hits("Margaux", &["--kind", "interview"]).is_empty(),
        "the deleted transcript is gone"
    );

    // no paths: the remembered roots
    let r = env.json(&["index", "--json"]);
    assert_eq!(counts(&r), (0, 0, 53, 0));

    // --rebuild starts over, keeping the remembered CRM table
    let r = index(&env, &["--rebuild"]);
    assert_eq!(counts(&r), (53, 0, 0, 0));
    assert_eq!(r["documents"], 53);
    assert!(
        env.hits("capybara", &[])
            .iter()
            .all(|h| s(h, "segment") == "smb")
    );

    // a second root, then the first one vanishes: `insight index` alone
    // removes its documents and keeps the other root's
    env.write("more/extra.md", "A note about a wombat.\n");
    env.json(&["index", "more", "--json"]);
    std::fs::rename(&corpus, env.path("moved")).unwrap();
    let r = env.json(&["index", "--json"]);
    assert_eq!(counts(&r), (0, 0, 1, 53), "{r}");
    assert_eq!(env.hits("wombat", &[]).len(), 1);
    let stats = env.json(&["stats", "--json"]);
    assert_eq!(stats["roots"], serde_json::json!(["more"]));
}

#[test]
fn crm_changes_are_reapplied_without_the_flag() {
    let env = Env::new();
    let corpus = env.copy_examples();
    index(&env, &["--accounts", "corpus/accounts.csv"]);
    let before = env.hits("Xero", &["--account", "ACC-101", "-n", "1"]);
    assert_eq!(s(&before[0], "segment"), "smb");
    // ACC-101 moves to mid-market in the CRM; re-index without --accounts
    let acc = corpus.join("accounts.csv");
    let text = std::fs::read_to_string(&acc).unwrap();
    let changed: String = text
        .lines()
        .map(|l| {
            if l.starts_with("ACC-101,") {
                l.replace(",smb,", ",mid-market,")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&acc, changed + "\n").unwrap();
    let r = index(&env, &[]);
    let (added, updated, unchanged, removed) = counts(&r);
    assert_eq!((added, removed), (0, 0));
    assert!(
        updated > 0 && unchanged > 0,
        "only ACC-101's documents change: {r}"
    );
    let after = env.hits("Xero", &["--account", "ACC-101", "-n", "50"]);
    assert!(
        after.iter().all(|h| s(h, "segment") == "mid-market"),
        "{after:?}"
    );
    // the CRM file itself is never indexed as documents
    assert!(
        env.hits("Brightwell", &[])
            .iter()
            .all(|h| !s(h, "path").ends_with("accounts.csv"))
    );
}

#[test]
fn meta_flag_applies_to_the_run_and_document_values_win() {
    let env = Env::new();
    env.copy_examples();
    let r = index(
        &env,
        &[
            "--accounts",
            "corpus/accounts.csv",
            "--meta",
            "source=q3 export",
            "--meta",
            "kind=zzz",
        ],
    );
    assert_eq!(r["added"], 52);
    let hits = env.hits("invoice", &["--where", "source=Q3 EXPORT", "-n", "100"]);
    assert!(!hits.is_empty());
    // tickets say kind: ticket themselves; transcripts have no kind and take --meta's
    assert!(hits.iter().any(|h| s(h, "kind") == "ticket"));
    assert!(hits.iter().any(|h| s(h, "kind") == "zzz"));
    // without --meta, the next run drops it
    let r = index(&env, &[]);
    assert_eq!(r["updated"], 52);
    assert_eq!(
        env.json(&["search", "invoice", "--where", "source=q3 export", "--json"])["total"],
        0
    );
}

#[test]
fn text_column_flag() {
    let env = Env::new();
    env.write(
        "c/feedback.csv",
        "id,account,verbatim,other\n1,A,The dashboard is slow,x\n",
    );
    let r = env.run(&["index", "c", "--json"]);
    assert!(r.status.success());
    let v: Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(v["documents"], 0);
    assert!(
        s(&v["skipped"][0], "reason").contains("--text-column"),
        "{v}"
    );
    let v = env.json(&["index", "c", "--text-column", "Verbatim", "--json"]);
    assert_eq!(v["documents"], 1, "{v}");
    assert_eq!(env.hits("dashboard", &[]).len(), 1);
}
