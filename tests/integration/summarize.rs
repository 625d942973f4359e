//! `insight summarize`: the quality bar on the generator's corpus (planted
//! themes found with account counts within 25%, every verified quote real),
//! formats, the comparison, lenses, internal speakers, and a model naming
//! insight's themes (a mock server).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use crate::harness::{Env, s, stderr};
use crate::mock_llm::{MockLlm, openai_bare, openai_error, openai_object, user_text};

fn normalized(t: &str) -> String {
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every quote marked verified occurs in the passage it cites, as the index
/// holds it (found again through `insight search`). Returns how many there were.
pub fn verified_quotes_are_real(env: &Env, summary: &Value) -> usize {
    let mut checked = 0;
    for g in summary["groups"].as_array().unwrap() {
        for t in g["themes"].as_array().unwrap() {
            for q in t["quotes"].as_array().unwrap() {
                if q["verified"] != true {
                    continue;
                }
                let mut filter = vec!["-n", "200"];
                if let Some(a) = q["account"].as_str() {
                    filter.extend_from_slice(&["--account", a]);
                }
                let hits = env.hits(s(q, "text"), &filter);
                let passage = hits
                    .iter()
                    .find(|h| s(h, "path") == s(q, "path") && s(h, "location") == s(q, "location"))
                    .unwrap_or_else(|| panic!("cited passage not found: {q}"));
                assert!(
                    normalized(s(passage, "text")).contains(&normalized(s(q, "text"))),
                    "verified quote not in its passage: {q}"
                );
                checked += 1;
            }
        }
    }
    checked
}

fn assert_verified_quotes_are_real(env: &Env, summary: &Value) {
    assert!(
        verified_quotes_are_real(env, summary) > 0,
        "no verified quote to check"
    );
}

#[test]
fn quality_bar_on_the_generated_corpus() {
    let env = Env::new();
    let corpus = env.generate("gen", 2000);
    env.json(&["index", "gen", "--accounts", "gen/accounts.csv", "--json"]);
    let summary = env.json(&["summarize", "--format", "json", "--top", "5"]);
    assert_eq!(summary["provider"], "extractive");
    let truth: Value =
        serde_json::from_str(&std::fs::read_to_string(corpus.join("truth.json")).unwrap()).unwrap();
    let crm = std::fs::read_to_string(corpus.join("accounts.csv")).unwrap();
    let segment_of: BTreeMap<String, String> = crm
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (c[0].to_string(), c[2].to_string())
        })
        .collect();
    let groups = summary["groups"].as_array().unwrap();
    let mut checked = 0;
    for (theme, t) in truth["themes"].as_object().unwrap() {
        for seg in ["smb", "mid-market", "enterprise"] {
            if t["segment"] != seg && t["segment"] != "all" {
                continue;
            }
            let planted: BTreeSet<&str> = t["accounts"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(Value::as_str)
                .filter(|a| segment_of[*a] == seg)
                .collect();
            let group = groups
                .iter()
                .find(|g| g["value"] == seg)
                .expect("segment group");
            let themes = group["themes"].as_array().unwrap();
            assert!(themes.len() <= 5);
            // the reported theme whose accounts best match the planted ones
            let best = themes
                .iter()
                .map(|th| {
                    let ids: BTreeSet<&str> = th["account_ids"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter_map(Value::as_str)
                        .collect();
                    let j = ids.intersection(&planted).count() as f64
                        / ids.union(&planted).count().max(1) as f64;
                    (j, th)
                })
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .unwrap_or_else(|| panic!("{seg}: no theme"));
            assert!(
                best.0 >= 0.5,
                "{seg}/{theme}: not in the top 5 (best overlap {:.2}: {})",
                best.0,
                best.1["title"]
            );
            let got = best.1["accounts"].as_u64().unwrap() as f64;
            let want = planted.len() as f64;
            assert!(
                (got - want).abs() <= 0.25 * want,
                "{seg}/{theme}: {got} accounts, truth {want}"
            );
            assert_eq!(best.1["account_ids"].as_array().unwrap().len() as f64, got);
            checked += 1;
        }
    }
    assert_eq!(checked, 8, "6 themes, slow-support in all three segments");
    assert_verified_quotes_are_real(&env, &summary);
    // themes are ordered by accounts, then mentions
    for g in groups {
        let keys: Vec<(u64, u64)> = g["themes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["accounts"].as_u64().unwrap(),
                    t["mentions"].as_u64().unwrap(),
                )
            })
            .collect();
        let mut sorted = keys.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(keys, sorted);
    }
    // --compare: support complaints are shared, the rest belong to one segment
    let cmp = env.json(&["summarize", "--format", "json", "--compare"]);
    let rows = cmp["compare"].as_array().unwrap();
    let shared: Vec<&Value> = rows.iter().filter(|r| r["shared"] == true).collect();
    assert_eq!(shared.len(), 1, "{rows:?}");
    assert!(
        shared[0]["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a.as_u64().unwrap() > 0)
    );
    assert_eq!(rows.len(), 6);
}

#[test]
fn formats_out_files_and_escaping() {
    let env = Env::with_copied_examples();
    let json = env.json(&["summarize", "--format", "json"]);
    assert_eq!(json["by"], "segment");
    assert_eq!(json["lens"], "pains");
    assert!(json["model"].is_null());
    assert!(json["generated_at"].as_str().unwrap().ends_with('Z'));
    for g in json["groups"].as_array().unwrap() {
        for key in ["value", "documents", "accounts", "themes"] {
            assert!(g.get(key).is_some(), "{key}");
        }
        for t in g["themes"].as_array().unwrap() {
            for key in [
                "title",
                "summary",
                "accounts",
                "mentions",
                "account_ids",
                "quotes",
            ] {
                assert!(t.get(key).is_some(), "{key}");
            }
            assert!(t["quotes"].as_array().unwrap().len() <= 3);
            for q in t["quotes"].as_array().unwrap() {
                for key in ["text", "path", "location", "account", "speaker", "verified"] {
                    assert!(q.get(key).is_some(), "{key}");
                }
            }
        }
    }
    assert_verified_quotes_are_real(&env, &json);

    let md = String::from_utf8(env.run(&["summarize"]).stdout).unwrap();
    assert!(md.starts_with("# Pain points by segment"), "{md}");
    assert!(md.contains("## smb —") && md.contains("## enterprise —"));

    let csv_out = env.run(&["summarize", "--format", "csv"]);
    let csv_text = String::from_utf8(csv_out.stdout).unwrap();
    assert!(
        csv_text.starts_with("group,rank,title,accounts,mentions,summary,quote,path,location\n"),
        "{csv_text}"
    );
    let rows = csv_text.lines().count() - 1;
    let themes: usize = json["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["themes"].as_array().unwrap().len())
        .sum();
    assert!(
        rows >= themes,
        "one row per theme (quoted newlines may add lines)"
    );

    let out = env.run(&["summarize", "--format", "html", "--out", "report.html"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "--out writes the file, not stdout");
    let html = std::fs::read_to_string(env.path("report.html")).unwrap();
    assert!(html.starts_with("<!doctype html>") && html.contains("<svg"));
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http"),
        "no network fetches"
    );
    assert!(stderr(&out).contains("report.html"));
}

#[test]
fn html_escapes_customer_text() {
    let env = Env::new();
    env.write("c/a.md", "---\naccount: A\n---\nThe dashboard export is broken <script>alert('x')</script> & slow.\n");
    env.write(
        "c/b.md",
        "---\naccount: B\n---\nOur dashboard export is painful <img src=x onerror=alert(1)>.\n",
    );
    env.json(&["index", "c", "--json"]);
    let html = String::from_utf8(env.run(&["summarize", "--format", "html"]).stdout).unwrap();
    assert!(html.contains("dashboard export"), "{html}");
    assert!(
        !html.contains("<script") && !html.contains("<img"),
        "{html}"
    );
    assert!(
        html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; slow"),
        "{html}"
    );
}

#[test]
fn lenses_and_grouping_fields() {
    let env = Env::new();
    env.index_examples();
    let all_text = |v: &Value| serde_json::to_string(v).unwrap().to_lowercase();
    let success = env.json(&["summarize", "--lens", "success", "--format", "json"]);
    assert_eq!(success["lens"], "success");
    assert!(all_text(&success).contains("dso"), "the QBR's DSO outcome");
    let triggers = env.json(&["summarize", "--lens", "triggers", "--format", "json"]);
    assert!(all_text(&triggers).contains("acquisition"));
    let objections = env.json(&["summarize", "--lens", "objections", "--format", "json"]);
    assert!(
        all_text(&objections).contains("questionnaire")
            && all_text(&objections).contains("in-house")
    );
    let by_kind = env.json(&[
        "summarize",
        "--by",
        "kind",
        "--format",
        "json",
        "--segment",
        "enterprise",
    ]);
    let values: BTreeSet<&str> = by_kind["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|g| g["value"].as_str())
        .collect();
    assert!(
        values.contains("interview") && values.contains("ticket"),
        "{values:?}"
    );
    let bad = env.run(&["summarize", "--lens", "joy"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn internal_speakers_never_count_as_evidence() {
    let env = Env::new();
    let cue = |who: &str, t: &str, text: &str| format!("{t} --> {t}\n<v {who}>{text}\n\n");
    let mut vtt = String::from("WEBVTT\n\n");
    vtt.push_str(&cue(
        "Dana Whitfield",
        "00:00:01.000",
        "Is the zeppelin export broken and painful for you?",
    ));
    vtt.push_str(&cue("Ana Lopes", "00:00:05.000", "No, the export is fine."));
    vtt.push_str(&cue(
        "Rep Person",
        "00:00:09.000",
        "The walrus integration is broken and a nightmare, right?",
    ));
    env.write("c/interviews/a.vtt", &vtt);
    env.write(
        "c/interviews/a.vtt.meta.yaml",
        "account: ACC-1\nsegment: smb\ninternal: [Dana Whitfield]\n",
    );
    env.write("c/notes/b.md", "---\naccount: ACC-2\nsegment: smb\n---\nThe walrus integration is broken and painful every week.\n");
    env.write(
        "insight.toml",
        "[summarize]\ninternal_speakers = [\"Rep Person\"]\n",
    );
    env.json(&["index", "c", "--json"]);
    let v = env.json(&["summarize", "--format", "json"]);
    let text = serde_json::to_string(&v).unwrap();
    assert!(
        !text.contains("zeppelin"),
        "the interviewer's question is not evidence: {text}"
    );
    let themes = v["groups"][0]["themes"].as_array().unwrap();
    let walrus = themes
        .iter()
        .find(|t| s(t, "title").to_lowercase().contains("walrus"))
        .expect("walrus theme");
    assert_eq!(
        walrus["accounts"], 1,
        "the rep's words do not count: {walrus}"
    );
    assert_eq!(walrus["account_ids"], json!(["ACC-2"]));
}

// ---- with a model (mock server) ----

/// The number a sentence is shown under in a naming request.
fn number_of(req: &wiremock::Request, sentence: &str) -> Option<usize> {
    user_text(req).lines().find_map(|l| {
        let (n, rest) = l.split_once(". ")?;
        rest.contains(sentence).then(|| n.trim().parse().ok())?
    })
}

/// Three SMB accounts complain about the Xero sync; two enterprise ones
/// about the SAP export, one of them about the sync too.
fn small_corpus(env: &Env) {
    env.write(
        "c/accounts.csv",
        "account,name,segment\nA1,Alpha,smb\nA2,Beta,smb\nA3,Gamma,smb\nE1,Delta,enterprise\nE2,Epsilon,enterprise\n",
    );
    let note = |acc: &str, text: &str| format!("---\naccount: {acc}\n---\n{text}\n");
    for (file, acc, text) in [
        (
            "a1",
            "A1",
            "The Xero sync is broken and creates every invoice twice. The per-seat price is too high for our team.",
        ),
        (
            "a2",
            "A2",
            "Duplicate invoices after each Xero sync are a nightmare. We pay per seat for people who never log in.",
        ),
        (
            "a3",
            "A3",
            "Every Xero sync creates duplicate invoices. Honestly the per-seat price hurts a small shop.",
        ),
        (
            "e1",
            "E1",
            "Our SAP journal export is broken every month. The Xero sync duplicates invoices too.",
        ),
        (
            "e2",
            "E2",
            "The SAP journal export fails at month end. There is no SCIM, so every user is created by hand.",
        ),
    ] {
        env.write(&format!("c/notes/{file}.md"), note(acc, text));
    }
    env.json(&["index", "c", "--accounts", "c/accounts.csv", "--json"]);
    env.write("insight.toml", "[llm]\nmax_retries = 0\nconcurrency = 2\n");
}

async fn run(env: &Env, args: Vec<String>) -> std::process::Output {
    let mut cmd = env.cmd();
    cmd.args(&args);
    crate::mock_llm::output(cmd).await
}

fn args(llm: &MockLlm, extra: &[&str]) -> Vec<String> {
    let mut a: Vec<String> = vec!["summarize".into(), "--base-url".into(), llm.openai_base()];
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

fn theme<'a>(v: &'a Value, group: &str, title: &str) -> &'a Value {
    v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["value"] == group)
        .and_then(|g| {
            g["themes"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["title"] == title)
        })
        .unwrap_or_else(|| panic!("no theme {title:?} in {group}: {v}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_model_names_insights_themes_and_the_numbers_stay_computed() {
    let env = Env::new();
    small_corpus(&env);
    let offline = env.json(&["summarize", "--format", "json", "--provider", "extractive"]);
    let llm = MockLlm::start().await;
    // the SMB sync theme: named, and one sentence set apart
    llm.chat().containing("Duplicate invoices after each Xero sync")
        .reply(|req: &wiremock::Request| {
            let n = number_of(req, "creates every invoice twice").expect("the sentence is shown");
            openai_object(json!({"title": "Xero sync duplicates invoices", "summary": "Each sync with Xero creates invoices twice.", "outliers": [n]}))
        })
        .await;
    // the SAP theme: a summary stating a number nobody counted
    llm.chat().containing("SAP journal export")
        .reply(openai_object(json!({"title": "SAP journal export fails", "summary": "40 customers see the export fail at month end.", "outliers": []})))
        .await;
    llm.chat().containing("duplicates invoices too")
        .reply(openai_object(json!({"title": "Duplicate invoices from sync", "summary": "Invoices are doubled by the sync.", "outliers": []})))
        .await;
    let out = run(&env, args(&llm, &["--format", "json", "--compare"])).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["provider"], "openai");
    // insight's themes, the model's titles; the set-apart sentence left
    let sync = theme(&v, "smb", "Xero sync duplicates invoices");
    let before = theme(&offline, "smb", "Sync creates duplicate invoices");
    assert_eq!(before["accounts"], 3);
    assert_eq!(sync["accounts"], 2, "A1's sentence was set apart: {sync}");
    assert_eq!(sync["account_ids"], json!(["A2", "A3"]));
    let quotes: Vec<&str> = sync["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| s(q, "text"))
        .collect();
    assert!(
        !quotes.iter().any(|q| q.contains("every invoice twice")),
        "{quotes:?}"
    );
    assert!(quotes.iter().all(|q| q.contains("Xero sync")), "{quotes:?}");
    assert!(
        s(sync, "summary").starts_with("Each sync with Xero creates invoices twice. "),
        "{sync}"
    );
    // counts are insight's: the same as offline where nothing was set apart
    let sap = theme(&v, "enterprise", "SAP journal export fails");
    let sap_offline = theme(&offline, "enterprise", "SAP journal export");
    for k in ["accounts", "mentions", "account_ids"] {
        assert_eq!(sap[k], sap_offline[k], "{k}");
    }
    assert_eq!(
        sap["summary"], sap_offline["summary"],
        "the summary stating 40 was removed"
    );
    assert!(!s(sap, "summary").contains("40"));
    let notes = v["run"]["notes"].to_string();
    assert!(
        notes.contains("not about \\\"Xero sync duplicates invoices\\\""),
        "{notes}"
    );
    assert!(notes.contains("it states 40"), "{notes}");
    assert!(stderr(&out).contains("it states 40"));
    // every verified quote is real
    assert_verified_quotes_are_real(&env, &v);
    // the comparison uses the model's titles
    let rows = v["compare"].as_array().unwrap();
    assert!(
        rows.iter()
            .any(|r| r["title"] == "SAP journal export fails"),
        "{rows:?}"
    );
    // one request per theme; the second run comes from the cache
    assert_eq!(llm.requests().await.len(), 3);
    let md = run(&env, args(&llm, &[])).await;
    assert!(md.status.success());
    assert!(String::from_utf8_lossy(&md.stdout).contains("Xero sync duplicates invoices"));
    assert_eq!(llm.requests().await.len(), 3, "all cache hits");
    // the prompt fences the sentences as untrusted text
    let first = &llm.requests().await[0];
    assert!(user_text(first).contains("untrusted customer text"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unusable_answers_are_asked_once_more_then_insights_title_stays() {
    let env = Env::new();
    small_corpus(&env);
    let offline = env.json(&[
        "summarize",
        "--format",
        "json",
        "--provider",
        "extractive",
        "--segment",
        "smb",
    ]);
    let llm = MockLlm::start().await;
    llm.chat()
        .reply(openai_bare("I am not sure what you mean."))
        .await;
    let out = run(&env, args(&llm, &["--format", "json", "--segment", "smb"])).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["groups"][0]["themes"], offline["groups"][0]["themes"],
        "insight's themes as they were"
    );
    assert!(
        v["run"]["skipped"][0]
            .as_str()
            .unwrap()
            .contains("could not be used (no JSON object with a title)"),
        "{}",
        v["run"]
    );
    assert!(stderr(&out).contains("kept insight's title"));
    assert_eq!(llm.requests().await.len(), 2, "asked once more");
    // an answer that copies the prompt's shape or echoes a sentence is no better
    let llm = MockLlm::start().await;
    llm.chat()
        .reply(openai_object(
            json!({"title": "...", "summary": "...", "outliers": [99]}),
        ))
        .await;
    let out = run(
        &env,
        args(
            &llm,
            &["--format", "json", "--segment", "smb", "--no-cache"],
        ),
    )
    .await;
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["groups"][0]["themes"][0]["title"],
        offline["groups"][0]["themes"][0]["title"]
    );
    assert!(
        v["run"]["skipped"]
            .to_string()
            .contains("could not be used")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_and_token_budget_spend_nothing_they_should_not() {
    let env = Env::new();
    small_corpus(&env);
    let llm = MockLlm::start().await;
    llm.chat()
        .reply(openai_object(
            json!({"title": "Invoice trouble", "summary": "Invoices go wrong.", "outliers": []}),
        ))
        .await;
    let out = run(&env, args(&llm, &["--dry-run", "--format", "json"])).await;
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["dry_run"], true);
    assert_eq!(v["calls"], 3, "one call per theme: {v}");
    assert_eq!(v["groups"][0]["themes"], 1);
    assert!(v["estimated_prompt_tokens"].as_u64().unwrap() > 0);
    assert!(llm.requests().await.is_empty());
    let text = run(&env, args(&llm, &["--dry-run"])).await;
    assert!(String::from_utf8_lossy(&text.stdout).contains("one per theme"));
    // a budget too small for one call: stops cleanly, nothing sent
    let out = run(
        &env,
        args(&llm, &["--format", "json", "--max-tokens-total", "50"]),
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["run"]["incomplete"], true);
    assert!(stderr(&out).contains("--max-tokens-total"));
    assert!(llm.requests().await.is_empty());
    // with room for everything it completes
    let out = run(
        &env,
        args(&llm, &["--format", "json", "--max-tokens-total", "100000"]),
    )
    .await;
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["run"]["incomplete"], false);
    assert_eq!(v["groups"][0]["themes"][0]["title"], "Invoice trouble");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_refuses_response_format_is_asked_without_it() {
    let env = Env::new();
    small_corpus(&env);
    let llm = MockLlm::start().await;
    llm.chat()
        .reply(|req: &wiremock::Request| {
            let body = String::from_utf8_lossy(&req.body);
            if body.contains("response_format") {
                openai_error(
                    400,
                    "'response_format.type' must be 'json_schema' or 'text'",
                    None,
                    None,
                )
            } else {
                openai_object(json!({"title": "Invoice sync trouble", "summary": "Syncs go wrong.", "outliers": []}))
            }
        })
        .await;
    let out = run(&env, args(&llm, &["--format", "json", "--segment", "smb"])).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["groups"][0]["themes"][0]["title"], "Invoice sync trouble");
    let sent = llm.requests().await;
    assert_eq!(sent.len(), 2, "once with response_format, once without");
    assert!(String::from_utf8_lossy(&sent[0].body).contains("\"schema\""));
}
