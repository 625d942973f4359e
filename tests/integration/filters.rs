//! Every filter, alone and combined, and both query readings.

use std::collections::BTreeSet;

use crate::harness::{Env, s};

fn set<'a>(hits: &'a [serde_json::Value], key: &str) -> BTreeSet<&'a str> {
    hits.iter().map(|h| s(h, key)).collect()
}

fn total(env: &Env, query: &str, extra: &[&str]) -> u64 {
    let mut args = vec!["search", query, "--json", "-n", "0"];
    args.extend_from_slice(extra);
    env.json(&args)["total"].as_u64().unwrap()
}

#[test]
fn segment_kind_and_account_filters() {
    let env = Env::new();
    env.index_examples();
    let q = "invoices";
    let hits = env.hits(q, &["--segment", "ENTERPRISE", "-n", "50"]);
    assert!(!hits.is_empty());
    assert_eq!(
        set(&hits, "segment"),
        BTreeSet::from(["enterprise"]),
        "case-insensitive"
    );
    // repeated flags are OR-ed
    let both = total(&env, q, &["--segment", "smb", "--segment", "enterprise"]);
    let smb = total(&env, q, &["--segment", "smb"]);
    let ent = total(&env, q, &["--segment", "enterprise"]);
    assert_eq!(both, smb + ent);
    assert!(total(&env, q, &[]) > both, "mid-market excluded");
    // different flags are AND-ed
    let hits = env.hits(q, &["--segment", "smb", "--kind", "ticket", "-n", "50"]);
    assert!(!hits.is_empty());
    assert!(
        hits.iter()
            .all(|h| s(h, "segment") == "smb" && s(h, "kind") == "ticket")
    );
    // an account by id or by company name
    let by_id = total(&env, q, &["--account", "ACC-104"]);
    let by_name = total(&env, q, &["--account", "northwind freight"]);
    assert!(by_id > 0);
    assert_eq!(by_id, by_name);
}

#[test]
fn date_filters_are_inclusive_days() {
    let env = Env::new();
    env.index_examples();
    let hits = env.hits(
        "invoice",
        &[
            "--since",
            "2026-09-01",
            "--until",
            "2026-09-30",
            "-n",
            "100",
        ],
    );
    assert!(!hits.is_empty());
    assert!(
        hits.iter()
            .all(|h| ("2026-09-01"..="2026-09-30").contains(&s(h, "date"))),
        "{hits:?}"
    );
    // the interview of 2026-09-03 is in when --until is that very day
    let day = env.hits(
        "invoice",
        &[
            "--since",
            "2026-09-03",
            "--until",
            "2026-09-03",
            "-n",
            "100",
        ],
    );
    assert!(!day.is_empty() && day.iter().all(|h| s(h, "date") == "2026-09-03"));
    let bad = env.run(&["search", "x", "--since", "last week"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn where_filters_match_any_field() {
    let env = Env::new();
    env.index_examples();
    let churned = env.hits("price", &["--where", "churned=TRUE", "-n", "50"]);
    assert!(!churned.is_empty());
    assert_eq!(
        set(&churned, "account"),
        BTreeSet::from(["ACC-102", "ACC-117"])
    );
    let kept = env.hits("price", &["--where", "churned!=true", "-n", "50"]);
    assert!(
        !kept.is_empty()
            && kept
                .iter()
                .all(|h| !["ACC-102", "ACC-117"].contains(&s(h, "account")))
    );
    let two = env.hits(
        "price",
        &[
            "--where",
            "region=EMEA",
            "--where",
            "plan=prospect",
            "-n",
            "50",
        ],
    );
    assert!(
        two.iter()
            .all(|h| h["meta"]["region"][0] == "EMEA" || h["meta"]["plan"][0] == "prospect")
    );
    // a key nobody has matches nothing, without error
    assert_eq!(total(&env, "price", &["--where", "color=blue"]), 0);
}

#[test]
fn query_syntax_and_questions() {
    let env = Env::new();
    env.index_examples();
    // field:value inside the query is the same as a flag
    assert_eq!(
        total(&env, "invoices AND segment:SMB", &[]),
        total(&env, "invoices", &["--segment", "smb"])
    );
    // phrases
    let hits = env.hits("\"per-user price\"", &[]);
    assert!(
        !hits.is_empty()
            && hits
                .iter()
                .all(|h| s(h, "text").to_lowercase().contains("per-user price"))
    );
    // exclusion
    let with = total(&env, "SAML", &[]);
    let without = total(&env, "SAML -Okta", &[]);
    assert!(without < with, "{without} < {with}");
    // questions with punctuation never fail, and stop words do not dominate
    for q in [
        "What did enterprise customers say about SSO?",
        "What do customers say: \"approval\" (workflows)?",
        "why: do they (churn)?",
        "\"unbalanced quote",
        "AND",
    ] {
        let out = env.run(&["search", q, "--json"]);
        assert!(
            out.status.success(),
            "{q}: {}",
            crate::harness::stderr(&out)
        );
    }
    let hits = env.hits("What did they say about the Xero sync?", &["-n", "3"]);
    assert!(
        hits.iter().all(|h| s(h, "text").contains("Xero")),
        "{hits:?}"
    );
    let snippet = s(&hits[0], "snippet");
    assert!(snippet.contains("**Xero**"), "highlighted: {snippet}");
    let empty = env.run(&["search", "?!", "--json"]);
    assert_eq!(empty.status.code(), Some(2));
}

#[test]
fn limit_and_total() {
    let env = Env::new();
    env.index_examples();
    let out = env.json(&["search", "invoice", "--limit", "3", "--json"]);
    assert_eq!(out["hits"].as_array().unwrap().len(), 3);
    assert!(out["total"].as_u64().unwrap() > 3);
    let scores: Vec<f64> = out["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    // absent fields are null, not missing
    for h in out["hits"].as_array().unwrap() {
        for key in [
            "score", "doc_id", "path", "location", "kind", "account", "segment", "date", "speaker",
            "text", "snippet",
        ] {
            assert!(h.get(key).is_some(), "{key} missing in {h}");
        }
    }
}
