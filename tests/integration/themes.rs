//! Offline themes as a user meets them: the README's example report is
//! what `summarize` prints on `examples/`, and the same data gives the same
//! report whatever the indexing threads or the order files were added in.

use std::path::Path;

use serde_json::Value;

use crate::harness::Env;

/// Markers around the example report in README.md.
const START: &str = "<!-- summarize-examples:start -->";
const END: &str = "<!-- summarize-examples:end -->";

/// The report without what changes from run to run (the time it was made).
fn stable(report: &str) -> String {
    report
        .lines()
        .map(|l| {
            if l.starts_with("_extractive") {
                let mut parts: Vec<&str> = l.split(" · ").collect();
                parts.retain(|p| !p.starts_with("generated "));
                parts.join(" · ")
            } else {
                l.trim_end().to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_readme_shows_what_summarize_prints_on_the_examples() {
    let env = Env::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // run from the repository, as the README's quickstart does
    let run = |args: &[&str]| {
        let out = env
            .cmd()
            .current_dir(root)
            .args(args)
            .output()
            .expect("insight runs");
        assert!(
            out.status.success(),
            "insight {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8")
    };
    run(&["index", "examples", "--accounts", "examples/accounts.csv"]);
    let got = stable(&run(&["summarize"]));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let block = readme
        .split_once(START)
        .and_then(|(_, rest)| rest.split_once(END))
        .map(|(block, _)| block)
        .expect("README.md has the example report between its markers");
    let want = block
        .trim()
        .trim_start_matches("```markdown")
        .trim_end_matches("```")
        .trim();
    assert_eq!(
        stable(want),
        got.trim(),
        "README.md's example report is out of date: run `python3 bench/readme_example.py` (it pastes what `insight summarize` prints on examples/ between the markers)"
    );
}

/// The JSON report without its timings and timestamp.
fn comparable(mut v: Value) -> Value {
    v["generated_at"] = Value::Null;
    v["run"]["elapsed_ms"] = Value::Null;
    v
}

#[test]
fn the_same_data_gives_the_same_report_whatever_the_threads() {
    let report = |env: &Env| {
        comparable(env.json(&["summarize", "--format", "json", "--top", "8", "--compare"]))
    };
    let index = |env: &Env, threads: &str, extra: &[&str]| {
        let mut args = vec![
            "index",
            "gen",
            "--accounts",
            "gen/accounts.csv",
            "--threads",
            threads,
            "--json",
        ];
        args.extend_from_slice(extra);
        env.json(&args);
    };
    let (one, four) = (Env::new(), Env::new());
    for env in [&one, &four] {
        env.generate("gen", 600);
    }
    index(&one, "1", &[]);
    index(&four, "4", &[]);
    let a = report(&one);
    assert!(!a["groups"][0]["themes"].as_array().unwrap().is_empty());
    assert_eq!(
        a,
        report(&four),
        "1 and 4 indexing threads give different reports"
    );
    // rebuilt from scratch with other threads: the same again
    index(&four, "2", &["--rebuild"]);
    assert_eq!(a, report(&four), "a rebuilt index gives another report");
}

/// The pains `examples/` was written around (its README) lead each
/// segment's themes: per-seat pricing for small businesses, Salesforce
/// sync delays and credit-note approvals for the mid-market, users
/// provisioned by hand for enterprises.
#[test]
fn each_segment_leads_with_the_pains_the_examples_were_written_around() {
    let env = Env::new();
    env.index_examples();
    let v = env.json(&["summarize", "--format", "json"]);
    let top = |segment: &str| -> String {
        let group = v["groups"]
            .as_array()
            .expect("groups")
            .iter()
            .find(|g| g["value"] == segment)
            .unwrap_or_else(|| panic!("no {segment} group in {v}"));
        group["themes"]
            .as_array()
            .expect("themes")
            .iter()
            .take(3)
            .map(|t| {
                let quotes: Vec<&str> = t["quotes"]
                    .as_array()
                    .expect("quotes")
                    .iter()
                    .filter_map(|q| q["text"].as_str())
                    .collect();
                format!("{} | {}", t["title"], quotes.join(" | "))
            })
            .collect::<Vec<_>>()
            .join("\n")
            .to_lowercase()
    };
    let smb = top("smb");
    assert!(
        smb.contains("seat"),
        "per-seat pricing in smb's top 3:\n{smb}"
    );
    let mid = top("mid-market");
    assert!(
        mid.contains("salesforce"),
        "Salesforce sync in mid-market's top 3:\n{mid}"
    );
    assert!(
        mid.contains("credit note"),
        "credit notes in mid-market's top 3:\n{mid}"
    );
    let ent = top("enterprise");
    assert!(
        ent.contains("users by hand") || ent.contains("user by hand"),
        "provisioning by hand in enterprise's top 3:\n{ent}"
    );
}
