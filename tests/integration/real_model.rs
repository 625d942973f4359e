//! End to end against a real small model: SmolLM2-135M served by llama.cpp's
//! OpenAI-compatible server on 127.0.0.1. `INSIGHT_TEST_LLM_URL` names the
//! server. The tests are `#[ignore]`d, so a plain `cargo test` skips them;
//! `.ci/run` starts the server, sets the variable and runs them with
//! `--include-ignored`, and run without the variable they fail.
//! The model is weak on purpose: the pipeline has to stay honest with it.
//! The tests run with no insight config, as a new user would: the server's
//! 2048-token window (which llama-cpp-python's server does not publish) is
//! learned from its own context-length error when a request overflows it.

use crate::harness::{Env, required_env, s};

/// The server's base URL; unset, the test fails and says how to start one.
#[track_caller]
fn server() -> String {
    required_env(
        "INSIGHT_TEST_LLM_URL",
        "set it to an OpenAI-compatible server's base URL (e.g. http://127.0.0.1:8089/v1) serving \
         SmolLM2-135M with a 2048-token window; .ci/run starts llama.cpp's server with it (README, \
         \"LLM providers\")",
    )
}

#[test]
#[ignore = "needs a local model server: set INSIGHT_TEST_LLM_URL (.ci/run starts SmolLM2-135M on llama.cpp and sets it)"]
fn ask_with_a_real_local_model() {
    let url = server();
    let env = Env::new();
    env.index_examples();
    assert!(!env.path("insight.toml").exists(), "no config");
    let v = env.json(&[
        "ask",
        "What do small businesses say about the price per seat?",
        "--segment",
        "smb",
        "--base-url",
        &url,
        "--json",
        "--no-cache",
        "--limit",
        "30",
    ]);
    let answer = s(&v, "answer");
    assert!(!answer.trim().is_empty(), "{v}");
    assert_eq!(v["provider"], "openai");
    let passages = v["passages"].as_array().unwrap();
    let cites = v["citations"].as_array().unwrap();
    assert!(!cites.is_empty(), "at least one valid citation: {v}");
    for c in cites {
        let n = c["n"].as_u64().unwrap() as usize;
        assert!(
            (1..=passages.len()).contains(&n),
            "citation {n} of {} passages",
            passages.len()
        );
        assert_eq!(
            c["text"],
            passages[n - 1]["text"],
            "a citation is the passage sent under that number"
        );
        assert_eq!(c["segment"], "smb");
        assert!(
            answer.contains(&format!("[{n}]")),
            "[{n}] appears in the answer"
        );
    }
    // every [n] left in the answer points at a citation
    for n in 1..=40 {
        if answer.contains(&format!("[{n}]")) {
            assert!(
                cites.iter().any(|c| c["n"] == n),
                "[{n}] has no citation: {v}"
            );
        }
    }
    // streamed to stdout, then the sources
    let out = env.run(&[
        "ask",
        "Why does the Xero sync break?",
        "--base-url",
        &url,
        "--stream",
        "--no-cache",
    ]);
    assert!(out.status.success(), "{}", crate::harness::stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.trim().len() > 20, "{stdout}");
}

#[test]
#[ignore = "needs a local model server: set INSIGHT_TEST_LLM_URL (.ci/run starts SmolLM2-135M on llama.cpp and sets it)"]
fn summarize_with_a_real_local_model_stays_honest() {
    let url = server();
    let env = Env::new();
    env.index_examples();
    assert!(!env.path("insight.toml").exists(), "no config");
    let out = env.run(&[
        "summarize",
        "--segment",
        "smb",
        "--base-url",
        &url,
        "--format",
        "json",
        "--no-cache",
    ]);
    assert!(out.status.success(), "{}", crate::harness::stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(v["provider"], "openai");
    let groups = v["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0]["value"], "smb");
    // 8 smb accounts have documents in the examples
    assert_eq!(groups[0]["accounts"], 8);
    for t in groups[0]["themes"].as_array().unwrap() {
        assert!(
            t["accounts"].as_u64().unwrap() <= 8,
            "smb has 8 accounts: {t}"
        );
        assert_eq!(
            t["account_ids"].as_array().unwrap().len() as u64,
            t["accounts"].as_u64().unwrap()
        );
    }
    // insight's own themes, named by the model: never more than offline,
    // never counted higher (a sentence the model sets apart only leaves)
    let offline = env.json(&["summarize", "--segment", "smb", "--format", "json"]);
    let off = offline["groups"][0]["themes"].as_array().unwrap();
    let mine = groups[0]["themes"].as_array().unwrap();
    assert!(
        mine.len() <= off.len(),
        "{} themes, offline {}",
        mine.len(),
        off.len()
    );
    let mentions = |ts: &[serde_json::Value]| {
        ts.iter()
            .map(|t| t["mentions"].as_u64().unwrap())
            .sum::<u64>()
    };
    assert!(mentions(mine) <= mentions(off));
    assert!(v["run"]["requests"].as_u64().unwrap() >= mine.len() as u64);
    // the model may find nothing usable, but nothing marked verified is made up
    let verified = crate::summarize::verified_quotes_are_real(&env, &v);
    eprintln!(
        "SmolLM2 summary: {} theme(s), {verified} verified quote(s), run {}",
        groups[0]["themes"].as_array().unwrap().len(),
        v["run"]
    );
}

#[test]
#[ignore = "needs a local model server: set INSIGHT_TEST_LLM_URL (.ci/run starts SmolLM2-135M on llama.cpp and sets it)"]
fn a_real_servers_window_is_learned_from_its_error() {
    let url = server();
    let env = Env::new();
    let corpus = env.generate("gen", 300);
    let accounts = corpus.join("accounts.csv");
    env.json(&[
        "index",
        corpus.to_str().unwrap(),
        "--accounts",
        accounts.to_str().unwrap(),
        "--json",
    ]);
    // 60 passages are more than llama-cpp-python's 2048-token window holds,
    // and that server does not publish its window
    let out = env.run(&[
        "ask",
        "Why are customers unhappy with payroll?",
        "--limit",
        "60",
        "--base-url",
        &url,
        "--json",
        "--no-cache",
    ]);
    assert!(out.status.success(), "{}", crate::harness::stderr(&out));
    assert!(
        crate::harness::stderr(&out).contains("context window is 2048 tokens"),
        "{}",
        crate::harness::stderr(&out)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let sent = v["passages"].as_array().unwrap().len();
    assert!(
        (1..60).contains(&sent),
        "whole passages dropped to fit: {sent}"
    );
    // remembered: the doctor says so, and the next question fits at once
    let doctor = env.json(&["doctor", "--json", "--base-url", &url]);
    assert_eq!(doctor["context_tokens"], 2048, "{doctor}");
    assert!(
        doctor["context_source"]
            .as_str()
            .unwrap()
            .contains("learned")
    );
    let out = env.run(&[
        "ask",
        "What do enterprise customers say about approvals?",
        "--limit",
        "60",
        "--base-url",
        &url,
        "--json",
        "--no-cache",
    ]);
    assert!(out.status.success(), "{}", crate::harness::stderr(&out));
    assert!(!crate::harness::stderr(&out).contains("context window is"));
}

#[test]
#[ignore = "needs a local model server: set INSIGHT_TEST_LLM_URL (.ci/run starts SmolLM2-135M on llama.cpp and sets it)"]
fn profile_narratives_by_a_real_model_state_only_computed_numbers() {
    let url = server();
    let env = Env::new();
    env.index_examples();
    let offline = env.json(&["profile", "--json", "--provider", "extractive"]);
    let v = env.json(&["profile", "--json", "--base-url", &url, "--no-cache"]);
    assert_eq!(v["provider"], "openai");
    let groups = v["groups"].as_array().unwrap();
    assert_eq!(v["run"]["requests"].as_u64(), Some(groups.len() as u64));
    // every number a model's narrative states is one of the facts it was
    // given: the computed narrative's, or one a customer wrote in a quote
    let numbers = |t: &str| -> Vec<f64> {
        t.split(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
            .map(|w| w.trim_matches(|c| c == '.' || c == ',').replace(',', ""))
            .filter_map(|w| w.parse::<f64>().ok())
            .collect()
    };
    for (g, o) in groups.iter().zip(offline["groups"].as_array().unwrap()) {
        let narrative = s(g, "narrative");
        assert!(!narrative.trim().is_empty(), "{g}");
        if g["narrative_by"] != "model" {
            assert_eq!(narrative, s(o, "narrative"), "the computed facts stand in");
            continue;
        }
        let mut allowed = numbers(s(o, "narrative"));
        for lens in g["themes"].as_array().unwrap() {
            for t in lens["themes"].as_array().unwrap() {
                allowed.extend(numbers(s(&t["quote"], "text")));
                allowed.extend(numbers(s(t, "title")));
            }
        }
        for n in numbers(narrative) {
            assert!(
                allowed.iter().any(|a| *a == n || a.round() == n),
                "{n} in the model's narrative is not a computed figure: {narrative}"
            );
        }
    }
}
