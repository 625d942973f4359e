//! Tests of the CRM reader: numbers and yes/no as CRMs write them, roles
//! found by name or mapped, bad values named.

use super::cells::parse_bool;
use super::*;
use crate::config::ProfileConfig;
use crate::ingest::accounts::Accounts;

#[test]
fn numbers_are_read_as_crms_write_them() {
    for (s, want) in [
        ("12400", 12400.0),
        ("$12,400", 12400.0),
        ("12.4k", 12400.0),
        ("12.4 K", 12400.0),
        ("€1.2M", 1_200_000.0),
        ("USD 3,000", 3000.0),
        ("(300)", -300.0),
        ("45%", 45.0),
        ("1 200", 1200.0),
        ("-20", -20.0),
    ] {
        assert_eq!(parse_number(s), Cell::Value(want), "{s}");
    }
    for s in ["", "n/a", "-", "Unknown"] {
        assert_eq!(parse_number(s), Cell::Missing, "{s}");
    }
    for s in ["TBD", "about 5", "12..4", "k"] {
        assert_eq!(parse_number(s), Cell::Bad, "{s}");
    }
}

#[test]
fn yes_and_no_in_their_usual_spellings() {
    for s in ["yes", "TRUE", "1", "Y", "churned"] {
        assert_eq!(parse_bool(s), Cell::Value(true), "{s}");
    }
    for s in ["no", "False", "0", "active"] {
        assert_eq!(parse_bool(s), Cell::Value(false), "{s}");
    }
    assert_eq!(parse_bool("maybe"), Cell::Bad);
    assert_eq!(parse_bool(""), Cell::Missing);
}

fn crm(csv: &str, config: &ProfileConfig) -> Crm {
    let (t, _) = Accounts::parse(csv).unwrap();
    Crm::read(&t, config).unwrap()
}

#[test]
fn roles_are_found_by_name_and_bad_values_named() {
    let c = crm(
        "id,name,segment,industry,employees,mrr,nps,status,created,closed_at,owner,stack\n\
         A,Alpha,smb,Retail,10,100,9,Active,2026-01-01,2026-01-11,Dana,Xero; Stripe\n\
         B,Beta,smb,Retail,12,1k,3,Churned,2026-02-01,2026-03-01,Dana,Xero\n\
         C,Gamma,mid,Logistics,300,TBD,,Active,2026-01-05,soon,Raf,NetSuite\n",
        &ProfileConfig::default(),
    );
    assert_eq!(
        c.roles.churned.as_deref().map(|s| s.starts_with("status=")),
        Some(true)
    );
    assert_eq!(c.roles.arr.as_deref(), Some("mrr×12"));
    assert_eq!(c.roles.closed.as_deref(), Some("closed_at"));
    assert!(
        c.roles.categorical.contains(&"industry".to_string()),
        "{:?}",
        c.roles
    );
    assert!(c.roles.categorical.contains(&"stack".to_string()));
    assert!(!c.roles.categorical.contains(&"owner".to_string()));
    assert!(c.roles.numeric.contains(&"employees".to_string()));
    assert_eq!(c.accounts[1].arr, Some(12000.0));
    assert_eq!(c.accounts[1].churned, Some(true));
    assert_eq!(c.accounts[0].cats["stack"], ["Xero", "Stripe"]);
    let bad: Vec<(&str, &str, usize)> = c
        .problems
        .iter()
        .map(|p| (p.column.as_str(), p.value.as_str(), p.row))
        .collect();
    assert_eq!(bad, [("mrr", "TBD", 4), ("closed_at", "soon", 4)]);
}

#[test]
fn a_mapped_churn_status_and_a_missing_column() {
    let config = ProfileConfig {
        churned: Some("Stage=Gone|Lost".into()),
        ..ProfileConfig::default()
    };
    let c = crm("id,stage\nA,gone\nB,live\nC,\n", &config);
    let churned: Vec<Option<bool>> = c.accounts.iter().map(|a| a.churned).collect();
    assert_eq!(churned, [Some(true), Some(false), None]);
    let (t, _) = Accounts::parse("id,stage\nA,x\n").unwrap();
    let e = Crm::read(
        &t,
        &ProfileConfig {
            nps: Some("score".into()),
            ..ProfileConfig::default()
        },
    )
    .unwrap_err();
    assert!(e.contains("`score`") && e.contains("stage"), "{e}");
}
