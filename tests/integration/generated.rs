//! The shared generator's corpus: every document indexed, the CRM join
//! consistent with `truth.json`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::harness::{Env, s};

#[test]
fn generated_corpus_indexes_every_document_with_its_segment() {
    let env = Env::new();
    let corpus = env.generate("gen", 400);
    let r = env.json(&[
        "index",
        corpus.to_str().unwrap(),
        "--accounts",
        corpus.join("accounts.csv").to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(r["documents"], 400, "one document per generated item: {r}");
    assert_eq!(r["skipped"].as_array().unwrap().len(), 0);

    // CRM segments, read independently from accounts.csv
    let crm = std::fs::read_to_string(corpus.join("accounts.csv")).unwrap();
    let segment_of: BTreeMap<String, String> = crm
        .lines()
        .skip(1)
        .map(|l| {
            let cols: Vec<&str> = l.split(',').collect();
            (cols[0].to_string(), cols[2].to_string())
        })
        .collect();

    // every passage of a planted theme belongs to an account the truth lists
    let truth: Value =
        serde_json::from_str(&std::fs::read_to_string(corpus.join("truth.json")).unwrap()).unwrap();
    for (theme, phrase) in [
        ("approval-workflows", "\"segregation of duties\""),
        ("price-per-employee", "\"per-employee price\""),
        ("multi-state-tax", "\"multi-state withholding\""),
    ] {
        let accounts: BTreeSet<&str> = truth["themes"][theme]["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let hits = env.hits(phrase, &["-n", "200"]);
        assert!(!hits.is_empty(), "{theme}");
        for h in &hits {
            assert!(
                accounts.contains(s(h, "account")),
                "{theme}: {} not in truth",
                s(h, "account")
            );
            assert_eq!(s(h, "segment"), segment_of[s(h, "account")]);
        }
    }

    let segs = env.json(&["segments", "--json"]);
    let groups = segs["groups"].as_array().unwrap();
    for g in groups {
        let value = s(g, "value");
        let crm_accounts = segment_of.values().filter(|v| *v == value).count() as u64;
        assert!(g["accounts"].as_u64().unwrap() <= crm_accounts, "{g}");
    }
    let total: u64 = groups
        .iter()
        .map(|g| g["documents"].as_u64().unwrap())
        .sum();
    assert_eq!(total, 400);

    // interviews carry voice-tag speakers and cue timestamps
    let hits = env.hits("payroll", &["--kind", "interview", "-n", "5"]);
    assert!(
        hits.iter()
            .all(|h| !s(h, "speaker").is_empty() && s(h, "location").contains(':'))
    );
}
