//! Every format of the bundled examples: documents, metadata, locations,
//! speakers and the accounts join.

use serde_json::Value;

use crate::harness::{Env, s};

fn is_timestamp(loc: &str) -> bool {
    let b = loc.as_bytes();
    b.len() == 12
        && b[2] == b':'
        && b[5] == b':'
        && b[8] == b'.'
        && loc
            .replace([':', '.'], "")
            .bytes()
            .all(|c| c.is_ascii_digit())
}

fn is_line_range(loc: &str) -> bool {
    loc.split('-').all(|p| {
        p.strip_prefix('L')
            .is_some_and(|n| n.parse::<u32>().is_ok())
    })
}

#[test]
fn examples_index_with_every_format() {
    let env = Env::new();
    let r = env.index_examples();
    // 5 transcripts + 3 notes + 26 calls + 9 tickets + 9 survey answers
    assert_eq!(r["documents"], 52, "{r}");
    assert_eq!(r["added"], 52);
    assert_eq!(r["skipped"].as_array().map(Vec::len), Some(0), "{r}");
    assert!(r["passages"].as_u64().unwrap() > 100);
    let stats = env.json(&["stats", "--json"]);
    assert_eq!(stats["documents"], 52);
    assert_eq!(
        stats["files"], 11,
        "examples/README.md is excluded by .insightignore"
    );
    // accounts with documents, of the CRM's 31
    assert_eq!(stats["accounts"], 22);
    assert_eq!(stats["crm_accounts"], 31);
    let kinds: Vec<(String, u64)> = stats["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| (s(k, "value").to_string(), k["documents"].as_u64().unwrap()))
        .collect();
    for (kind, n) in [
        ("call", 26),
        ("survey", 9),
        ("ticket", 9),
        ("interview", 5),
        ("note", 3),
    ] {
        assert!(kinds.contains(&(kind.to_string(), n)), "{kind}: {kinds:?}");
    }
}

#[test]
fn vtt_cues_keep_timestamps_and_voice_tag_speakers() {
    let env = Env::new();
    env.index_examples();
    let hits = env.hits(
        "SCIM Okta provisioning",
        &["--kind", "interview", "--account", "ACC-108"],
    );
    assert!(!hits.is_empty());
    for h in &hits {
        assert!(s(h, "path").ends_with("2026-06-18-acc-108.vtt"), "{h}");
        assert!(is_timestamp(s(h, "location")), "{h}");
        assert!(!s(h, "speaker").is_empty(), "{h}");
        assert!(!s(h, "text").contains("<v"), "voice tags are stripped: {h}");
        assert_eq!(s(h, "segment"), "enterprise");
        assert_eq!(s(h, "date"), "2026-06-18");
    }
}

#[test]
fn srt_and_prefix_speakers() {
    let env = Env::new();
    env.index_examples();
    let hits = env.hits(
        "credit notes approval",
        &["--kind", "interview", "--account", "ACC-105"],
    );
    assert!(!hits.is_empty());
    let speakers = ["Jürgen Weiß", "Katarzyna Nowak", "Jonas Becker"];
    for h in &hits {
        assert!(s(h, "path").ends_with(".srt"), "{h}");
        assert!(speakers.contains(&s(h, "speaker")), "{h}");
        assert!(
            !speakers
                .iter()
                .any(|sp| s(h, "text").starts_with(&format!("{sp}:"))),
            "prefix stripped: {h}"
        );
        assert!(is_timestamp(s(h, "location")), "{h}");
    }
    // a VTT file whose speakers are `Name:` prefixes, and whose sidecar names
    // the account by company name in lower case
    let hits = env.hits(
        "create every user by hand",
        &["--account", "ACC-109", "--kind", "interview"],
    );
    assert!(
        hits.iter()
            .any(|h| s(h, "speaker") == "Olivia Chen" || s(h, "speaker") == "Ian Kowalczyk"),
        "{hits:?}"
    );
    assert!(
        hits.iter()
            .all(|h| s(h, "account") == "ACC-109" && s(h, "segment") == "enterprise")
    );
}

#[test]
fn markdown_front_matter_and_line_ranges() {
    let env = Env::new();
    env.index_examples();
    let hits = env.hits("flat fee reminder tool", &["--kind", "note"]);
    let churn: Vec<&Value> = hits
        .iter()
        .filter(|h| s(h, "path").contains("acc-102-churn"))
        .collect();
    assert!(!churn.is_empty(), "{hits:?}");
    for h in churn {
        assert!(is_line_range(s(h, "location")), "{h}");
        assert_eq!(s(h, "account"), "ACC-102");
        assert_eq!(s(h, "segment"), "smb");
        assert!(!s(h, "title").is_empty());
        assert_eq!(
            h["meta"]["churned"][0], "true",
            "CRM columns are joined: {h}"
        );
    }
}

#[test]
fn csv_rows_and_jsonl_lines() {
    let env = Env::new();
    env.index_examples();
    // calls.csv names Orbis Pharma by company name: joined to ACC-108
    let hits = env.hits("EU hosting steering committee", &["--kind", "call"]);
    let orbis = hits
        .iter()
        .find(|h| s(h, "account") == "ACC-108")
        .expect("the Orbis call row");
    assert!(s(orbis, "path").ends_with("calls.csv"));
    assert_eq!(s(orbis, "location"), "row 3");
    assert_eq!(s(orbis, "segment"), "enterprise");
    assert!(
        s(orbis, "doc_id").ends_with("examples/calls.csv#row3"),
        "{orbis}"
    );
    assert_eq!(orbis["meta"]["rep"][0], "Dana Whitfield");
    // quoted CSV field with a comma and escaped quotes
    let hits = env.hits("\"nightly batch job\"", &["--kind", "call"]);
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert!(s(&hits[0], "text").contains("\"basically a nightly batch job\", so"));
    // tickets.jsonl: line locations, subject becomes the title
    let hits = env.hits("Okta deprovisioned SCIM", &["--kind", "ticket"]);
    let t = hits
        .iter()
        .find(|h| s(h, "account") == "ACC-108")
        .expect("the Okta ticket");
    assert!(s(t, "location").starts_with("line "), "{t}");
    assert_eq!(
        s(t, "title"),
        "Offboarded Okta users still active in Ledgerline"
    );
    // survey answers get their kind from the folder
    let hits = env.hits("QuickBooks sync doubling", &["--kind", "survey"]);
    assert!(
        hits.iter()
            .all(|h| s(h, "path").ends_with("nps-2026-q3.csv")
                && s(h, "location").starts_with("row "))
    );
    assert!(!hits.is_empty());
}

#[test]
fn unicode_text_is_searchable_with_and_without_accents() {
    let env = Env::new();
    env.index_examples();
    let with = env.hits("Søren", &["-n", "100"]);
    let without = env.hits("SOREN", &["-n", "100"]);
    assert!(!with.is_empty());
    assert_eq!(with.len(), without.len());
}

#[test]
fn segments_count_documents_and_distinct_accounts() {
    let env = Env::new();
    env.index_examples();
    let out = env.json(&["segments", "--json"]);
    assert_eq!(out["by"], "segment");
    let groups = out["groups"].as_array().unwrap();
    let get = |v: &str| {
        groups
            .iter()
            .find(|g| g["value"] == v)
            .unwrap_or_else(|| panic!("{v}: {out}"))
    };
    // accounts with documents, by their segment in accounts.csv
    assert_eq!(get("smb")["accounts"], 8);
    assert_eq!(get("mid-market")["accounts"], 11);
    assert_eq!(get("enterprise")["accounts"], 3);
    let total: u64 = groups
        .iter()
        .map(|g| g["documents"].as_u64().unwrap())
        .sum();
    assert_eq!(total, 52);
    // any field, with filters
    let out = env.json(&[
        "segments",
        "--by",
        "industry",
        "--segment",
        "enterprise",
        "--json",
    ]);
    let docs: u64 = out["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["documents"].as_u64().unwrap())
        .sum();
    assert_eq!(docs, get("enterprise")["documents"].as_u64().unwrap());
    let e = env.run(&["segments", "--by", "nosuchfield"]);
    assert_eq!(e.status.code(), Some(2));
    assert!(
        crate::harness::stderr(&e).contains("segment"),
        "lists the fields"
    );
}
