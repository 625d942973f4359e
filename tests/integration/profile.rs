//! `insight profile`: every figure against one computed here from the
//! fixture's own values (not by insight's code), lift and support, leads in
//! an obvious order, periods, unreadable values, safe HTML, a stable JSON
//! shape, and clear errors.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::harness::{Env, s, stderr};

/// One fixture account: the values, and how the CSV writes them.
struct Acc {
    id: String,
    segment: &'static str,
    industry: &'static str,
    employees: Option<f64>,
    arr: Option<f64>,
    arr_written: String,
    churned: bool,
    nps: Option<f64>,
    created: (i32, u32, u32),
    closed: Option<(i32, u32, u32)>,
}

fn days((y1, m1, d1): (i32, u32, u32), (y2, m2, d2): (i32, u32, u32)) -> f64 {
    // days between two dates, counted here by hand (civil-from-days)
    fn n(y: i32, m: u32, d: u32) -> i64 {
        let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
        let era = y.div_euclid(400);
        let yoe = (y - era * 400) as i64;
        let doy = (153 * m as i64 + 2) / 5 + d as i64 - 1;
        era as i64 * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy
    }
    (n(y2, m2, d2) - n(y1, m1, d1)) as f64
}

/// 24 accounts: mid-market logistics companies pay most and stay; SMBs churn.
fn accounts() -> Vec<Acc> {
    let mut out = Vec::new();
    for i in 0..10u32 {
        let arr = 2000.0 + 500.0 * i as f64;
        out.push(Acc {
            id: format!("S{i:02}"),
            segment: "smb",
            industry: if i % 3 == 0 { "Cafés" } else { "Retail" },
            employees: Some(5.0 + 4.0 * i as f64),
            arr: Some(arr),
            // how CRMs write money: "$2,000", "2.5k", plain
            arr_written: match i % 3 {
                0 => format!("\"${},{:03}\"", arr as u32 / 1000, arr as u32 % 1000),
                1 => format!("{}k", arr / 1000.0),
                _ => format!("{arr}"),
            },
            churned: i < 4,
            nps: (i != 9).then_some((i % 8) as f64),
            created: (2026, 7 + i % 4, 1 + i),
            closed: Some((2026, 7 + i % 4, 10 + i)),
        });
    }
    for i in 0..10u32 {
        let arr = 40_000.0 + 4_000.0 * i as f64;
        out.push(Acc {
            id: format!("M{i:02}"),
            segment: "mid-market",
            industry: if i >= 4 { "Logistics" } else { "Software" },
            employees: (i != 3).then_some(200.0 + 60.0 * i as f64),
            arr: Some(arr),
            arr_written: format!("{arr}"),
            churned: i == 0,
            nps: Some(6.0 + (i % 5) as f64),
            created: (2026, 5 + i % 3, 2),
            closed: if i == 2 {
                None
            } else {
                Some((2026, 7 + i % 5, 3 + i))
            },
        });
    }
    for i in 0..4u32 {
        out.push(Acc {
            id: format!("E{i:02}"),
            segment: "enterprise",
            industry: "Energy",
            employees: Some(3000.0 + 1000.0 * i as f64),
            arr: if i == 3 {
                None
            } else {
                Some(150_000.0 + 10_000.0 * i as f64)
            },
            arr_written: if i == 3 {
                "TBD".into()
            } else {
                format!("{}", 150_000 + 10_000 * i)
            },
            churned: false,
            nps: Some(7.0),
            created: (2025, 11, 1 + i),
            closed: Some((2026, 6 + i, 1)),
        });
    }
    out
}

fn csv(accts: &[Acc]) -> String {
    let mut s = String::from(
        "account,name,segment,industry,employees,arr,churned,nps,created,closed_at,owner\n",
    );
    for (n, a) in accts.iter().enumerate() {
        let d = |(y, m, d): (i32, u32, u32)| format!("{y}-{m:02}-{d:02}");
        s.push_str(&format!(
            "{},{} Co,{},{},{},{},{},{},{},{},Rep {}\n",
            a.id,
            a.id,
            a.segment,
            a.industry,
            a.employees.map_or(String::new(), |e| e.to_string()),
            a.arr_written,
            if a.churned {
                ["yes", "TRUE", "1"][n % 3]
            } else {
                ["no", "false", "0"][n % 3]
            },
            a.nps.map_or(String::new(), |x| x.to_string()),
            d(a.created),
            a.closed.map_or(String::new(), d),
            n % 3,
        ));
    }
    s
}

/// Notes: the best customers bought to bill several entities; churned
/// SMBs complain of the per-seat price (once in Q3, three times in Q4).
fn notes(env: &Env) {
    let note = |name: &str, account: &str, date: &str, text: &str| {
        env.write(
            &format!("corpus/{name}.md"),
            format!("---\naccount: {account}\ndate: {date}\n---\n{text}\n"),
        );
    };
    // the same words each time: this tests the profile's counting, not
    // the clustering of different phrasings
    note(
        "m09",
        "M09",
        "2026-08-04",
        "We bought it to bill several legal entities from one place.",
    );
    note(
        "m08",
        "M08",
        "2026-08-12",
        "We bought it to bill several legal entities from one place, all three.",
    );
    note(
        "m07",
        "M07",
        "2026-09-02",
        "We bought it to bill several legal entities from one place.",
    );
    note(
        "m01",
        "M01",
        "2026-08-20",
        "The export is slow but we manage.",
    );
    note(
        "s00",
        "S00",
        "2026-08-15",
        "The per-seat price is too expensive for our small team.",
    );
    note(
        "s01",
        "S01",
        "2026-10-03",
        "The per-seat price is too expensive for our small team.",
    );
    note(
        "s02",
        "S02",
        "2026-10-20",
        "The per-seat price is too expensive for our small team, sadly.",
    );
    note(
        "s03",
        "S03",
        "2026-11-05",
        "The per-seat price is too expensive for our small team.",
    );
    note(
        "s05",
        "S05",
        "2026-10-08",
        "Reminders work well and customers pay faster. <script>alert(1)</script> The dashboard is too slow to load.",
    );
}

fn setup() -> (Env, Vec<Acc>) {
    let env = Env::new();
    let accts = accounts();
    env.write("crm.csv", csv(&accts));
    notes(&env);
    env.json(&["index", "corpus", "--accounts", "crm.csv", "--json"]);
    (env, accts)
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

fn close(a: &Value, b: f64) -> bool {
    a.as_f64().is_some_and(|a| (a - b).abs() < 0.006)
}

/// The health figures of a set of accounts, computed here.
fn check_health(h: &Value, set: &[&Acc], what: &str) {
    assert_eq!(h["accounts"], set.len(), "{what}");
    let churned = set.iter().filter(|a| a.churned).count();
    assert_eq!(h["churn"]["known"], set.len(), "{what}");
    assert_eq!(h["churn"]["churned"], churned, "{what}");
    assert!(
        close(&h["churn"]["churn_rate"], churned as f64 / set.len() as f64),
        "{what}: {h}"
    );
    assert!(
        close(
            &h["churn"]["retention_rate"],
            1.0 - churned as f64 / set.len() as f64
        ),
        "{what}"
    );
    let nps: Vec<f64> = set.iter().filter_map(|a| a.nps).collect();
    assert_eq!(h["nps"]["responses"], nps.len(), "{what}");
    let prom = nps.iter().filter(|x| **x >= 9.0).count() as f64;
    let det = nps.iter().filter(|x| **x <= 6.0).count() as f64;
    assert!(
        close(
            &h["nps"]["mean"],
            nps.iter().sum::<f64>() / nps.len() as f64
        ),
        "{what}: {h}"
    );
    assert!(
        close(&h["nps"]["score"], (prom - det) / nps.len() as f64 * 100.0),
        "{what}: {h}"
    );
    let arr: Vec<f64> = set.iter().filter_map(|a| a.arr).collect();
    assert_eq!(h["arr"]["accounts"], arr.len(), "{what}");
    assert!(close(&h["arr"]["total"], arr.iter().sum()), "{what}");
    assert!(
        close(&h["arr"]["median"], median(arr.clone())),
        "{what}: {h}"
    );
    let cycles: Vec<f64> = set
        .iter()
        .filter_map(|a| a.closed.map(|c| days(a.created, c)))
        .collect();
    assert_eq!(h["sales_cycle"]["deals"], cycles.len(), "{what}");
    assert!(
        close(&h["sales_cycle"]["median_days"], median(cycles)),
        "{what}: {h}"
    );
}

#[test]
fn every_figure_equals_one_computed_from_the_csv() {
    let (env, accts) = setup();
    let p = env.json(&["profile", "--json"]);
    assert_eq!(p["accounts"], 24);
    assert_eq!(p["columns"]["arr"], "arr");
    assert_eq!(p["columns"]["closed"], "closed_at");
    let groups = p["groups"].as_array().unwrap();
    let values: Vec<&str> = groups.iter().map(|g| s(g, "value")).collect();
    assert_eq!(values, ["mid-market", "smb", "enterprise"], "largest first");
    for g in groups {
        let seg = s(g, "value");
        let mine: Vec<&Acc> = accts.iter().filter(|a| a.segment == seg).collect();
        let rest: Vec<&Acc> = accts.iter().filter(|a| a.segment != seg).collect();
        assert_eq!(g["accounts"], mine.len());
        assert!(close(&g["share"], mine.len() as f64 / 24.0));
        check_health(&g["health"], &mine, seg);
        check_health(&g["rest"], &rest, &format!("rest of {seg}"));
        // employees: median and range
        let emp: Vec<f64> = mine.iter().filter_map(|a| a.employees).collect();
        let spread = g["numbers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["column"] == "employees")
            .unwrap();
        assert_eq!(spread["accounts"], emp.len());
        assert!(close(&spread["median"], median(emp.clone())), "{spread}");
        assert!(close(
            &spread["min"],
            emp.iter().copied().fold(f64::MAX, f64::min)
        ));
        assert!(close(
            &spread["max"],
            emp.iter().copied().fold(f64::MIN, f64::max)
        ));
        // industries
        let mut want: BTreeMap<&str, usize> = BTreeMap::new();
        for a in &mine {
            *want.entry(a.industry).or_default() += 1;
        }
        let dist = g["firmographics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["column"] == "industry")
            .unwrap();
        let got: BTreeMap<&str, usize> = dist["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| (s(v, "value"), v["accounts"].as_u64().unwrap() as usize))
            .collect();
        assert_eq!(got, want, "{seg}");
        // owner is about us, not them
        assert!(
            g["firmographics"]
                .as_array()
                .unwrap()
                .iter()
                .all(|d| d["column"] != "owner")
        );
    }
    // the markdown tells the same
    let md = String::from_utf8(env.run(&["profile"]).stdout).unwrap();
    assert!(md.starts_with("# Ideal Client Profile"), "{md}");
    assert!(md.contains("## mid-market — 10 accounts (42%)"), "{md}");
}

#[test]
fn best_customers_lift_and_support() {
    let (env, accts) = setup();
    let p = env.json(&["profile", "--json", "--rank-by", "arr"]);
    let best = &p["best"];
    // the top quartile, by ARR, of the accounts that have not churned
    let mut stayed: Vec<&Acc> = accts
        .iter()
        .filter(|a| !a.churned && a.arr.is_some())
        .collect();
    stayed.sort_by(|a, b| b.arr.unwrap().total_cmp(&a.arr.unwrap()));
    let n = stayed.len().div_ceil(4);
    let want: BTreeSet<&str> = stayed[..n].iter().map(|a| a.id.as_str()).collect();
    let got: BTreeSet<&str> = best["account_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(got, want);
    // lift of each reported value, recomputed
    for t in best["traits"].as_array().unwrap() {
        let col = s(t, "column");
        let value = s(t, "value");
        let has = |a: &Acc| match col {
            "industry" => a.industry == value,
            "segment" => a.segment == value,
            _ => panic!("unexpected trait column {col}"),
        };
        let b = stayed[..n].iter().filter(|a| has(a)).count();
        let all = accts.iter().filter(|a| has(a)).count();
        assert_eq!(
            (
                t["best"].as_u64().unwrap() as usize,
                t["all"].as_u64().unwrap() as usize
            ),
            (b, all),
            "{t}"
        );
        assert!(b >= 2, "below the minimum support: {t}");
        assert!(
            close(&t["lift"], (b as f64 / n as f64) / (all as f64 / 24.0)),
            "{t}"
        );
    }
    let industries: Vec<&str> = best["traits"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["column"] == "industry")
        .map(|t| s(t, "value"))
        .collect();
    assert_eq!(industries, ["Energy", "Logistics"], "{best}");
    // what the best said more than others: billing several entities
    let themes = best["themes"].as_array().unwrap();
    assert!(
        themes.iter().any(|t| t["accounts"].as_u64().unwrap() >= 2
            && s(t, "title").to_lowercase().contains("entit")),
        "{best}"
    );
    // what the churned said more than others: the per-seat price
    let churned = best["churned_themes"].as_array().unwrap();
    assert!(
        churned.iter().any(|t| t["accounts"].as_u64().unwrap() >= 3
            && (s(t, "title").to_lowercase().contains("seat")
                || s(&t["quote"], "text").contains("per-seat"))),
        "{best}"
    );
    // one best customer: 1 of 1 is not a finding
    let one = env.json(&[
        "profile",
        "--json",
        "--rank-by",
        "arr",
        "--top-accounts",
        "1",
    ]);
    assert_eq!(one["best"]["accounts"], 1);
    assert_eq!(one["best"]["traits"], serde_json::json!([]));
    // mid-market logistics when ranked by NPS
    let by_nps = env.json(&["profile", "--json", "--rank-by", "nps"]);
    assert!(s(&by_nps["best"], "rule").contains("nps"));
}

#[test]
fn leads_rank_in_the_obvious_order_with_reasons() {
    let (env, _) = setup();
    env.write(
        "leads.csv",
        "lead,company,industry,employees,source\n\
         L1,Tiny Shop,Retail,6,webinar\n\
         L2,Big Power,Energy,4000,referral\n\
         L3,Mystery,,3000,outbound\n\
         L4,Odd Fit,Energy,30,inbound\n",
    );
    let out = env.run(&["profile", "--rank-by", "arr", "--prospects", "leads.csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut rows = csv_rows(&text);
    let header = rows.remove(0);
    assert_eq!(
        header,
        [
            "lead",
            "company",
            "industry",
            "employees",
            "source",
            "fit_score",
            "fit_confidence",
            "fit_reasons"
        ]
    );
    let order: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(order, ["L2", "L3", "L4", "L1"], "{text}");
    let score = |r: &Vec<String>| r[5].parse::<u32>().unwrap();
    assert_eq!(score(&rows[0]), 100);
    assert!(
        score(&rows[2]) < 100 && score(&rows[3]) < score(&rows[2]),
        "{text}"
    );
    // an unknown industry lowers the confidence, not the score
    assert_eq!(rows[1][6], "0.50");
    assert!(rows[1][7].contains("industry unknown"), "{text}");
    assert!(rows[0][7].contains("industry Energy (lift"), "{text}");
    assert!(rows[0][7].contains("employees 4000 (inside"), "{text}");
    // the lead's own columns are kept
    assert_eq!(rows[0][1], "Big Power");
    let json = env.json(&[
        "profile",
        "--rank-by",
        "arr",
        "--prospects",
        "leads.csv",
        "--json",
    ]);
    assert_eq!(json["leads"][0]["fields"]["lead"], "L2");
    assert_eq!(json["leads"][0]["fit_score"], 100);
    assert!(json["criteria"].as_array().unwrap().len() >= 2, "{json}");
    // md is not a format for leads
    let bad = env.run(&["profile", "--prospects", "leads.csv", "--format", "md"]);
    assert_eq!(bad.status.code(), Some(2));
}

/// CSV rows, quotes understood (a small reader of our own).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(std::mem::take(&mut field)),
            ('\n', false) => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => field.push(c),
        }
    }
    rows
}

#[test]
fn what_changed_between_quarters() {
    let (env, accts) = setup();
    let p = env.json(&["profile", "--json", "--compare-period", "quarter"]);
    let c = &p["changes"];
    assert_eq!(s(&c["before"], "label"), "2026-Q3");
    assert_eq!(s(&c["after"], "label"), "2026-Q4");
    let won = |q: std::ops::RangeInclusive<u32>| {
        accts
            .iter()
            .filter(|a| {
                a.closed
                    .is_some_and(|(y, m, _)| y == 2026 && q.contains(&m))
            })
            .count() as f64
    };
    let metric = |name: &str| {
        c["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["metric"] == name)
            .unwrap_or_else(|| panic!("{name}: {c}"))
            .clone()
    };
    assert_eq!(metric("deals won")["before"].as_f64(), Some(won(7..=9)));
    assert_eq!(metric("deals won")["after"].as_f64(), Some(won(10..=12)));
    // the per-seat price: one account in Q3, three in Q4
    let rising = c["themes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["before"] == 1 && t["after"] == 3)
        .unwrap_or_else(|| panic!("no theme rising from 1 to 3 accounts: {c}"));
    assert_eq!(rising["change"], 2);
    // explicit ranges
    let q = env.json(&[
        "profile",
        "--json",
        "--compare-period",
        "2026-08-01..2026-08-31,2026-10-01..2026-10-31",
    ]);
    assert_eq!(s(&q["changes"]["before"], "until"), "2026-08-31");
    let bad = env.run(&["profile", "--compare-period", "fortnight"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("quarter"), "{}", stderr(&bad));
}

#[test]
fn unreadable_values_are_named_not_dropped_silently() {
    let (env, _) = setup();
    let out = env.run(&["profile", "--json"]);
    assert!(out.status.success());
    let p: Value = serde_json::from_slice(&out.stdout).unwrap();
    let problems = p["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(s(&problems[0], "account"), "E03");
    assert_eq!(s(&problems[0], "column"), "arr");
    assert_eq!(s(&problems[0], "value"), "TBD");
    // E03 is the 24th account: row 25 of the file
    assert_eq!(problems[0]["row"], 25);
    let err = stderr(&out);
    assert!(err.contains("crm.csv row 25 (E03): arr `TBD`"), "{err}");
}

#[test]
fn html_escapes_customer_text_and_fetches_nothing() {
    let (env, _) = setup();
    let out = env.run(&[
        "profile",
        "--format",
        "html",
        "--out",
        "icp.html",
        "--compare-period",
        "quarter",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = std::fs::read_to_string(env.path("icp.html")).unwrap();
    assert!(
        html.starts_with("<!doctype html>"),
        "{}",
        &html[..200.min(html.len())]
    );
    assert!(html.contains("<svg"), "charts are inline SVG");
    assert!(!html.contains("<script"), "customer text must be escaped");
    assert!(
        !html
            .replace("http://www.w3.org/2000/svg", "")
            .contains("http"),
        "no external URL"
    );
    assert!(!html.contains("src="), "no external resources");
}

/// Every key path of a JSON value, with its type.
fn shape(v: &Value, path: &str, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                shape(x, &format!("{path}.{k}"), out);
            }
        }
        Value::Array(a) => {
            for x in a {
                shape(x, &format!("{path}[]"), out);
            }
        }
        other => {
            let t = match other {
                Value::Null => "null",
                Value::Bool(_) => "bool",
                Value::Number(_) => "number",
                _ => "string",
            };
            out.insert(format!("{path}: {t}"));
        }
    }
}

#[test]
fn the_json_shape_is_stable() {
    let (env, _) = setup();
    let p = env.json(&[
        "profile",
        "--json",
        "--rank-by",
        "arr",
        "--compare-period",
        "quarter",
    ]);
    let mut got = BTreeSet::new();
    shape(&p, "", &mut got);
    let snapshot =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/profile_shape.txt");
    let text: String = got.iter().map(|l| format!("{l}\n")).collect();
    if std::env::var_os("INSIGHT_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&snapshot, &text).unwrap();
    }
    let want = std::fs::read_to_string(&snapshot).unwrap_or_default();
    assert_eq!(
        text, want,
        "the JSON shape of `profile` changed: if on purpose, document it in the README and run the test with INSIGHT_UPDATE_SNAPSHOTS=1"
    );
}

#[test]
fn errors_say_what_to_do() {
    let env = Env::new();
    env.write("corpus/a.md", "---\naccount: A\n---\nThe export is slow.\n");
    env.json(&["index", "corpus", "--json"]);
    let out = env.run(&["profile"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("no accounts file") && err.contains("--accounts"),
        "{err}"
    );

    let (env, _) = setup();
    let out = env.run(&["profile", "--by", "colour"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`colour` is not a column") && stderr(&out).contains("industry"),
        "{}",
        stderr(&out)
    );
    let out = env.run(&["profile", "--rank-by", "colour"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("numeric columns: arr, employees"),
        "{}",
        stderr(&out)
    );
    let out = env.run(&["profile", "--format", "csv"]);
    assert_eq!(out.status.code(), Some(2));
    std::fs::write(env.path("insight.toml"), "[profile]\nnps = \"score\"\n").unwrap();
    let out = env.run(&["profile"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("[profile] nps names column `score`"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_model_writes_the_narrative_and_its_numbers_are_checked() {
    use crate::mock_llm::{MockLlm, openai_chat, output};
    let (env, _) = setup();
    env.write("insight.toml", "[llm]\nmax_retries = 0\n");
    let llm = MockLlm::start().await;
    llm.chat()
        .reply(openai_chat(
            "These customers bill from one place and value it. They grew 77% last year. They complain about the per-seat price more than anything else.",
        ))
        .await;
    let mut cmd = env.cmd();
    cmd.args(["profile", "--json", "--base-url", &llm.openai_base()]);
    let out = output(cmd).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let p: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(p["provider"], "openai");
    assert_eq!(p["run"]["requests"], 3, "one request per group");
    for g in p["groups"].as_array().unwrap() {
        assert_eq!(g["narrative_by"], "model");
        let n = s(g, "narrative");
        assert!(!n.contains("77"), "an uncounted number stays out: {n}");
        assert!(n.starts_with("These customers bill from one place"), "{n}");
    }
    let notes = p["run"]["notes"].to_string();
    assert!(notes.contains("They grew 77% last year."), "{notes}");
    // the facts went to the model, fenced; the figures stay insight's own
    let reqs = llm.requests().await;
    let body = String::from_utf8_lossy(&reqs[0].body).to_string();
    assert!(body.contains("<facts note="), "{body}");
    assert!(body.contains("of the 24 accounts"), "{body}");
    assert_eq!(p["groups"][0]["accounts"], 10);
}
