//! `insight ask` against a local mock server speaking the OpenAI and
//! Anthropic wire formats: streaming and not, retries (429 with Retry-After,
//! 5xx, timeouts, cut streams, malformed bodies), quota errors that must not
//! be retried, citation checks, redaction of what is sent, and the cache.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wiremock::ResponseTemplate;

use crate::harness::{Env, stderr};
use crate::mock_llm::{
    MockLlm, anthropic, anthropic_error, openai_bare, openai_chat, openai_error, openai_stream,
    small_window, sse,
};

/// An index of the examples plus a config with fast retries (`overrides`
/// replace the defaults here).
pub fn env_with(overrides: &[(&str, &str)]) -> Env {
    let env = Env::new();
    env.index_examples();
    let mut settings = vec![
        ("max_retries", "2"),
        ("retry_base_ms", "10"),
        ("timeout_secs", "5"),
    ];
    for (k, v) in overrides {
        settings.retain(|(d, _)| d != k);
        settings.push((k, v));
    }
    let body: String = settings
        .iter()
        .map(|(k, v)| format!("{k} = {v}\n"))
        .collect();
    env.write("insight.toml", format!("[llm]\n{body}"));
    env
}

/// Runs insight off the async runtime (the mock server lives on it).
async fn run(env: &Env, args: Vec<String>) -> std::process::Output {
    let mut cmd = env.cmd();
    cmd.args(&args);
    crate::mock_llm::output(cmd).await
}

/// Runs `insight ARGS` with Anthropic's key set, off the async runtime.
async fn run_anthropic(env: &Env, key: &str, args: &[&str]) -> std::process::Output {
    let mut cmd = env.cmd();
    cmd.args(args).env("ANTHROPIC_API_KEY", key);
    crate::mock_llm::output(cmd).await
}

fn ask_args(llm: &MockLlm, question: &str, extra: &[&str]) -> Vec<String> {
    let mut a: Vec<String> = vec![
        "ask".into(),
        question.into(),
        "--base-url".into(),
        llm.openai_base(),
    ];
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

fn json_of(out: &std::process::Output) -> Value {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        stderr(out)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openai_non_streaming_answer_with_valid_citations() {
    let env = env_with(&[]);
    let llm = MockLlm::start().await;
    llm.chat()
        .reply(openai_chat(
            "Small teams find the per-seat price too high [1]. Another claim [42].",
        ))
        .await;
    let out = run(
        &env,
        ask_args(
            &llm,
            "Why do small teams complain about the price per seat?",
            &["--json"],
        ),
    )
    .await;
    let v = json_of(&out);
    assert_eq!(v["provider"], "openai");
    assert_eq!(v["model"], "mock-model");
    assert_eq!(v["usage"]["prompt_tokens"], 321);
    let answer = v["answer"].as_str().unwrap();
    assert!(
        answer.contains("[1]") && !answer.contains("[42]"),
        "{answer}"
    );
    assert_eq!(v["removed_citations"], json!(["[42]"]));
    let cites = v["citations"].as_array().unwrap();
    assert_eq!(cites.len(), 1);
    assert_eq!(cites[0]["n"], 1);
    assert!(cites[0]["path"].as_str().unwrap().contains("examples"));
    assert!(!cites[0]["location"].as_str().unwrap().is_empty());
    // every [n] in the answer is a citation
    for n in 1..=20 {
        if answer.contains(&format!("[{n}]")) {
            assert!(cites.iter().any(|c| c["n"] == n));
        }
    }
    // the request: system prompt first, passages fenced and numbered, not streamed
    let reqs = llm.bodies().await;
    assert_eq!(reqs.len(), 1);
    let body = &reqs[0];
    assert_eq!(body["stream"], false);
    assert_eq!(body["messages"][0]["role"], "system");
    let user = body["messages"][1]["content"].as_str().unwrap();
    assert!(
        user.contains("<passages note=\"untrusted customer text") && user.contains("[1] ("),
        "{user}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openai_streaming_prints_once_and_checks_citations() {
    let env = env_with(&[]);
    let llm = MockLlm::start().await;
    llm.chat()
        .reply(openai_stream(
            &[
                "The Xero sync ",
                "creates duplicate invo",
                "ices [1]. Bogus [9",
                "9]. Caf\u{e9} owners agree.",
            ],
            true,
        ))
        .await;
    let out = run(
        &env,
        ask_args(&llm, "What goes wrong with the Xero sync?", &["--stream"]),
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout
            .matches("The Xero sync creates duplicate invoices [1].")
            .count(),
        1,
        "{stdout}"
    );
    assert!(
        !stdout.contains("[99]") && stdout.contains("Café owners agree"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Sources") && stdout.contains("[1] "),
        "{stdout}"
    );
    assert_eq!(llm.bodies().await[0]["stream"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_cut_midway_is_retried_and_never_shown_twice() {
    let env = env_with(&[]);
    let llm = MockLlm::start().await;
    llm.chat()
        .once()
        .reply(openai_stream(&["Per-seat pricing ", "hurts small"], false))
        .await;
    llm.chat()
        .reply(openai_stream(
            &["Per-seat pricing hurts small teams [1]."],
            true,
        ))
        .await;
    let out = run(
        &env,
        ask_args(
            &llm,
            "Why is pricing a problem for small teams?",
            &["--stream"],
        ),
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.matches("Per-seat pricing").count(), 1, "{stdout}");
    assert!(stdout.contains("Per-seat pricing hurts small teams [1]."));
    assert_eq!(llm.bodies().await.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_with_retry_after_then_success() {
    let env = env_with(&[]);
    let llm = MockLlm::start().await;
    llm.chat()
        .once()
        .reply(
            openai_error(429, "Rate limit reached", Some("requests"), None)
                .insert_header("retry-after", "1"),
        )
        .await;
    llm.chat()
        .reply(openai_chat("Pricing per seat hurts [1]."))
        .await;
    let started = Instant::now();
    let v = json_of(&run(&env, ask_args(&llm, "price per seat", &["--json"])).await);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After was honoured"
    );
    assert!(v["answer"].as_str().unwrap().contains("[1]"));
    assert_eq!(llm.bodies().await.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_exhaust_retries_and_exit_3_with_the_providers_message() {
    let env = env_with(&[]);
    let llm = MockLlm::start().await;
    llm.chat()
        .reply(openai_error(
            500,
            "The server had an error while processing your request",
            None,
            Some("server_error"),
        ))
        .await;
    let out = run(&env, ask_args(&llm, "price per seat", &["--json"])).await;
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert!(
        err.contains("The server had an error while processing your request")
            && err.contains("after 3 attempts"),
        "{err}"
    );
    assert!(err.contains(&llm.uri()), "names the URL: {err}");
    assert_eq!(llm.bodies().await.len(), 3, "1 try + max_retries = 2");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exhausted_quota_is_not_retried() {
    let env = env_with(&[]);
    let llm = MockLlm::start().await;
    llm.chat()
        .reply(openai_error(
            429,
            "You exceeded your current quota",
            Some("insufficient_quota"),
            Some("insufficient_quota"),
        ))
        .await;
    let out = run(&env, ask_args(&llm, "price per seat", &[])).await;
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("You exceeded your current quota"));
    assert_eq!(llm.bodies().await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeouts_are_retried_then_reported() {
    let env = env_with(&[("timeout_secs", "1"), ("max_retries", "1")]);
    let llm = MockLlm::start().await;
    llm.chat()
        .reply(openai_chat("late [1].").set_delay(Duration::from_secs(3)))
        .await;
    let out = run(&env, ask_args(&llm, "price per seat", &["--json"])).await;
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("timed out"), "{}", stderr(&out));
    assert_eq!(llm.bodies().await.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_json_is_retried() {
    let env = env_with(&[]);
    let llm = MockLlm::start().await;
    llm.chat()
        .once()
        .reply(ResponseTemplate::new(200).set_body_raw("{\"choices\": [", "application/json"))
        .await;
    llm.chat().reply(openai_chat("Pricing hurts [1].")).await;
    let v = json_of(&run(&env, ask_args(&llm, "price per seat", &["--json"])).await);
    assert!(v["answer"].as_str().unwrap().starts_with("Pricing hurts"));
    assert_eq!(llm.bodies().await.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn personal_data_never_leaves_and_comes_back_in_the_answer() {
    let env = Env::new();
    env.write(
        "c/interviews/call.vtt",
        "WEBVTT\n\n00:00:01.000 --> 00:00:05.000\n<v Dana Whitfield>How do you chase invoices?\n\n00:00:06.000 --> 00:00:12.000\n<v Marguerite Okonkwo>I chase every invoice by hand. Email me at marguerite.o@example.com or call +44 20 7946 0958, card 4111 1111 1111 1111.\n",
    );
    env.write(
        "c/interviews/call.vtt.meta.yaml",
        "account: ACC-1\ninternal: [Dana Whitfield]\n",
    );
    env.json(&["index", "c", "--json"]);
    env.write("insight.toml", "[llm]\nmax_retries = 0\n");
    let llm = MockLlm::start().await;
    llm.chat()
        .reply(openai_chat("<PERSON_1> chases every invoice by hand [1]."))
        .await;
    let v = json_of(
        &run(
            &env,
            ask_args(
                &llm,
                "Who chases invoices by hand, Marguerite?",
                &["--json"],
            ),
        )
        .await,
    );
    let sent = serde_json::to_string(&llm.bodies().await).unwrap();
    for secret in [
        "Marguerite",
        "Okonkwo",
        "Dana",
        "Whitfield",
        "marguerite.o@example.com",
        "7946",
        "4111",
    ] {
        assert!(!sent.contains(secret), "{secret} was sent: {sent}");
    }
    assert!(
        sent.contains("<EMAIL_1>") && sent.contains("<PHONE_1>") && sent.contains("<CARD_1>"),
        "{sent}"
    );
    // the question named "Marguerite" first, so <PERSON_1> is her first name
    assert!(
        v["answer"]
            .as_str()
            .unwrap()
            .starts_with("Marguerite chases"),
        "{v}"
    );
    // --no-redact sends it as it is
    let _ = run(
        &env,
        ask_args(
            &llm,
            "Who chases invoices by hand?",
            &["--json", "--no-redact", "--no-cache"],
        ),
    )
    .await;
    let sent = serde_json::to_string(&llm.bodies().await).unwrap();
    assert!(sent.contains("marguerite.o@example.com"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cache_answers_a_repeated_question_without_a_request() {
    let env = env_with(&[]);
    let llm = MockLlm::start().await;
    llm.chat().reply(openai_chat("Pricing hurts [1].")).await;
    let args = ask_args(&llm, "price per seat", &["--json"]);
    let first = json_of(&run(&env, args.clone()).await);
    let second = json_of(&run(&env, args.clone()).await);
    assert_eq!(first["answer"], second["answer"]);
    assert_eq!(
        (first["cached"].as_bool(), second["cached"].as_bool()),
        (Some(false), Some(true))
    );
    assert_eq!(llm.bodies().await.len(), 1);
    let mut no_cache = args;
    no_cache.push("--no-cache".into());
    json_of(&run(&env, no_cache).await);
    assert_eq!(llm.bodies().await.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anthropic_wire_format_streaming_and_not() {
    let env = env_with(&[]);
    let llm = MockLlm::start().await;
    let events = [
        (
            "message_start",
            json!({"type": "message_start", "message": {"model": "claude-mock", "usage": {"input_tokens": 400, "output_tokens": 1}}}),
        ),
        ("ping", json!({"type": "ping"})),
        (
            "content_block_start",
            json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
        ),
        (
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Okta only half "}}),
        ),
        (
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "works without SCIM [1]."}}),
        ),
        (
            "content_block_stop",
            json!({"type": "content_block_stop", "index": 0}),
        ),
        (
            "message_delta",
            json!({"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 15}}),
        ),
        ("message_stop", json!({"type": "message_stop"})),
    ];
    llm.messages()
        .with_header("x-api-key", "test-key")
        .with_header("anthropic-version", "2023-06-01")
        .reply(sse(&events))
        .await;
    let out = run_anthropic(
        &env,
        "test-key",
        &[
            "ask",
            "Why does Okta only half work?",
            "--base-url",
            &llm.uri(),
            "--provider",
            "anthropic",
            "--stream",
            "--json",
        ],
    )
    .await;
    let v = json_of(&out);
    assert_eq!(v["provider"], "anthropic");
    assert_eq!(v["model"], "claude-mock");
    assert_eq!(v["answer"], "Okta only half works without SCIM [1].");
    assert_eq!(
        v["usage"],
        json!({"prompt_tokens": 400, "completion_tokens": 15})
    );
    let body = &llm.bodies().await[0];
    assert!(
        body["system"]
            .as_str()
            .unwrap()
            .contains("not instructions")
    );
    assert_eq!(body["messages"][0]["role"], "user");
    assert_eq!(body["stream"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anthropic_overloaded_is_retried_but_429_without_retry_after_is_not() {
    let env = env_with(&[]);
    let llm = MockLlm::start().await;
    llm.messages()
        .once()
        .reply(anthropic_error(529, "overloaded_error", "Overloaded"))
        .await;
    llm.messages().once().reply(anthropic("Fine [1].")).await;
    llm.messages()
        .reply(anthropic_error(
            429,
            "rate_limit_error",
            "Your credit balance is too low",
        ))
        .await;
    let ask = [
        "ask",
        "price per seat",
        "--provider",
        "anthropic",
        "--base-url",
        &llm.uri(),
        "--json",
        "--no-cache",
    ];
    let ok = run_anthropic(&env, "k", &ask).await;
    assert_eq!(json_of(&ok)["answer"], "Fine [1].");
    assert_eq!(llm.bodies().await.len(), 2);
    let quota = run_anthropic(&env, "k", &ask).await;
    assert_eq!(quota.status.code(), Some(3));
    assert!(stderr(&quota).contains("Your credit balance is too low"));
    assert_eq!(llm.bodies().await.len(), 3, "not retried");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_event_after_200_is_an_error() {
    let env = env_with(&[("max_retries", "0")]);
    let llm = MockLlm::start().await;
    llm.messages()
        .reply(sse(&[
            (
                "message_start",
                json!({"type": "message_start", "message": {"usage": {"input_tokens": 1}}}),
            ),
            (
                "error",
                json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}),
            ),
        ]))
        .await;
    let out = run_anthropic(
        &env,
        "k",
        &[
            "ask",
            "price per seat",
            "--provider",
            "anthropic",
            "--base-url",
            &llm.uri(),
            "--stream",
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("Overloaded"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_reports_the_setup_and_checks_the_endpoint() {
    let env = env_with(&[]);
    let llm = MockLlm::start().await;
    llm.chat().reply(openai_chat("OK")).await;
    let out = run(
        &env,
        vec![
            "doctor".into(),
            "--json".into(),
            "--base-url".into(),
            llm.openai_base(),
        ],
    )
    .await;
    let v = json_of(&out);
    assert_eq!(v["provider"], "openai");
    assert_eq!(v["provider_source"], "flag");
    assert_eq!(v["ok"], true);
    assert!(
        v["endpoint"]
            .as_str()
            .unwrap()
            .ends_with("/v1/chat/completions")
    );
    // a dead endpoint: exit 3 with a hint
    let out = run(
        &env,
        vec![
            "doctor".into(),
            "--base-url".into(),
            "http://127.0.0.1:9/v1".into(),
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stdout).contains("failed"));
}

#[test]
fn offline_by_default_extractive_answers_are_cited() {
    let env = Env::new();
    env.index_examples();
    let v = env.json(&[
        "ask",
        "Why are small businesses unhappy with pricing?",
        "--segment",
        "smb",
        "--json",
    ]);
    assert_eq!(v["provider"], "extractive");
    assert!(v["model"].is_null());
    assert_eq!(
        v["usage"],
        json!({"prompt_tokens": 0, "completion_tokens": 0})
    );
    let answer = v["answer"].as_str().unwrap();
    assert!(answer.starts_with("Extractive answer"), "{answer}");
    let cites = v["citations"].as_array().unwrap();
    assert!(!cites.is_empty());
    for c in cites {
        assert_eq!(c["segment"], "smb");
        // every quoted sentence is verbatim from its cited passage
        let n = c["n"].as_u64().unwrap();
        let text = c["text"].as_str().unwrap();
        for line in answer
            .lines()
            .filter(|l| l.trim_end().ends_with(&format!("[{n}]")))
        {
            let quote = line
                .trim()
                .trim_end_matches(&format!(" [{n}]"))
                .trim_matches('"');
            assert!(text.contains(quote), "{quote} not in {text}");
        }
    }
    // no match: a clear answer, not an error
    let v = env.json(&["ask", "zeppelin xylophone", "--json"]);
    assert!(
        v["answer"]
            .as_str()
            .unwrap()
            .starts_with("No passage matches")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_small_context_drops_whole_passages_never_cuts_one() {
    let env = env_with(&[("context_tokens", "1024"), ("max_output_tokens", "256")]);
    let llm = MockLlm::start().await;
    llm.chat()
        .reply(openai_chat("Invoices are chased by hand [1]."))
        .await;
    let v = json_of(&run(&env, ask_args(&llm, "invoice", &["--json", "-n", "20"])).await);
    let sent = v["passages"].as_array().unwrap();
    assert!(v["dropped_passages"].as_u64().unwrap() > 0, "{v}");
    assert!(!sent.is_empty());
    let body = &llm.bodies().await[0];
    let user = body["messages"][1]["content"].as_str().unwrap();
    // every passage sent is there whole, under its number
    for p in sent {
        let n = p["n"].as_u64().unwrap();
        let text: String = p["text"]
            .as_str()
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let line = user
            .lines()
            .find(|l| l.starts_with(&format!("[{n}] (")))
            .expect("numbered line");
        assert!(line.ends_with(&text), "passage {n} cut: {line}");
    }
    assert!(!user.contains(&format!("[{}] (", sent.len() + 1)));
    let tokens = serde_json::to_string(body).unwrap().len() * 2 / 7;
    assert!(
        tokens + 256 <= 1024,
        "the request fits the window: ~{tokens} tokens"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_up_questions_carry_the_previous_turn() {
    use insight::config::Config;
    use insight::index::Store;
    use insight::llm::{LlmFlags, LlmSettings, NoSink, RunPolicy};
    use insight::retrieve::Filters;
    use insight::synthesize::ask::{Asker, Turn};

    let env = env_with(&[]);
    let llm = MockLlm::start().await;
    llm.chat()
        .reply(openai_chat("Enterprise accounts want SCIM [1]."))
        .await;
    let store = Store::open(&env.index_dir()).unwrap();
    let config = Config::load(Some(&env.path("insight.toml"))).unwrap();
    let flags = LlmFlags {
        base_url: Some(llm.openai_base()),
        ..Default::default()
    };
    let settings = LlmSettings::resolve(&flags, &config.llm, &|_| None).unwrap();
    let policy = RunPolicy {
        cache: false,
        redact: config.redact.enabled.unwrap_or(true),
        redact_patterns: config.redact.patterns.clone(),
        prompts_dir: config.llm.prompts_dir.clone(),
    };
    let mut asker = Asker::new(&store, settings, &policy, None).unwrap();
    let history = vec![Turn {
        question: "What do enterprise accounts say about provisioning?".into(),
        answer: "They create every user by hand [1].".into(),
    }];
    let filters = Filters::default();
    let hits = asker
        .retrieve("and what about SCIM?", &filters, 5, &history)
        .unwrap();
    assert!(!hits.is_empty());
    let answer = asker
        .ask(
            "and what about SCIM?",
            &hits,
            &filters,
            &history,
            false,
            &mut NoSink,
        )
        .await
        .unwrap();
    assert_eq!(answer.citations.len(), 1);
    let body = &llm.bodies().await[0];
    let roles: Vec<&str> = body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["system", "user", "assistant", "user"]);
    assert_eq!(
        body["messages"][1]["content"],
        "What do enterprise accounts say about provisioning?"
    );
    assert_eq!(
        body["messages"][2]["content"],
        "They create every user by hand [1]."
    );
}

/// `doctor --json` against `llm` with `extra` flags.
async fn doctor(env: &Env, llm: &MockLlm, extra: &[&str]) -> Value {
    let mut a: Vec<String> = vec![
        "doctor".into(),
        "--json".into(),
        "--base-url".into(),
        llm.openai_base(),
    ];
    a.extend(extra.iter().map(|s| s.to_string()));
    json_of(&run(env, a).await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_context_window_is_asked_of_the_server_in_each_shape() {
    let env = Env::new();
    env.index_examples();
    // llama.cpp's server: /props at the root, one model listed
    let llamacpp = MockLlm::start().await;
    llamacpp
        .get("/props")
        .reply_json(json!({"default_generation_settings": {"n_ctx": 2048}, "total_slots": 1}))
        .await;
    llamacpp
        .get("/v1/models")
        .reply_json(json!({"object": "list", "data": [{"id": "smollm2.gguf", "object": "model", "meta": {"n_ctx_train": 8192}}]}))
        .await;
    llamacpp.chat().reply(openai_bare("OK")).await;
    let v = doctor(&env, &llamacpp, &[]).await;
    assert_eq!(v["context_tokens"], 2048, "{v}");
    assert!(
        v["context_source"].as_str().unwrap().ends_with("/props"),
        "{v}"
    );
    assert_eq!(
        v["model"], "smollm2.gguf",
        "the only model served, as none was named"
    );
    assert_eq!(v["model_source"], "server");
    // the flag and the config still win
    let v = doctor(&env, &llamacpp, &["--context-tokens", "1536"]).await;
    assert_eq!(
        (v["context_tokens"].as_u64(), v["context_source"].as_str()),
        (Some(1536), Some("--context-tokens"))
    );
    let v = doctor(&env, &llamacpp, &["--model", "named"]).await;
    assert_eq!(
        (v["model"].as_str(), v["model_source"].as_str()),
        (Some("named"), Some("given"))
    );
    // vLLM: max_model_len in the model list
    let vllm = MockLlm::start().await;
    vllm.get("/v1/models")
        .reply_json(json!({"object": "list", "data": [{"id": "Qwen/Qwen2.5-1.5B-Instruct", "object": "model", "max_model_len": 32768}]}))
        .await;
    vllm.chat().reply(openai_bare("OK")).await;
    let v = doctor(&env, &vllm, &[]).await;
    assert_eq!(v["context_tokens"], 32768, "{v}");
    // Ollama: the model's num_ctx in /api/show
    let ollama = MockLlm::start().await;
    ollama
        .get("/v1/models")
        .reply_json(json!({"object": "list", "data": [{"id": "qwen2.5:1.5b"}, {"id": "llama3.2"}]}))
        .await;
    ollama
        .post("/api/show")
        .reply_json(json!({"parameters": "num_ctx                        3072\nstop \"<|im_end|>\"", "model_info": {"general.architecture": "qwen2", "qwen2.context_length": 32768}}))
        .await;
    ollama.chat().reply(openai_bare("OK")).await;
    let v = doctor(&env, &ollama, &["--model", "qwen2.5:1.5b"]).await;
    assert_eq!(v["context_tokens"], 3072, "{v}");
    assert!(v["context_source"].as_str().unwrap().ends_with("/api/show"));
    // a server that says nothing: the default, said as such
    let silent = MockLlm::start().await;
    silent.chat().reply(openai_bare("OK")).await;
    let v = doctor(&env, &silent, &[]).await;
    assert_eq!(v["context_tokens"], 8192);
    assert!(
        v["context_source"].as_str().unwrap().contains("default"),
        "{v}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_context_length_error_teaches_the_window_once_and_for_all() {
    let env = env_with(&[]);
    let llm = MockLlm::start().await;
    llm.chat()
        .reply(small_window(
            1000,
            "Per-seat pricing is a burden for small teams [1].",
        ))
        .await;
    let out = run(
        &env,
        ask_args(
            &llm,
            "What do small businesses say about the price?",
            &["--json", "--no-cache", "--limit", "20"],
        ),
    )
    .await;
    let v = json_of(&out);
    assert!(
        v["citations"].as_array().is_some_and(|c| !c.is_empty()),
        "{v}"
    );
    assert!(
        stderr(&out).contains("context window is 1000 tokens"),
        "{}",
        stderr(&out)
    );
    assert_eq!(llm.bodies().await.len(), 2, "one overflow, one answer");
    // remembered for this server and model: no overflow the next time
    let v = doctor(&env, &llm, &[]).await;
    assert_eq!(v["context_tokens"], 1000, "{v}");
    assert!(
        v["context_source"].as_str().unwrap().contains("learned"),
        "{v}"
    );
    let before = llm.bodies().await.len();
    let out = run(
        &env,
        ask_args(
            &llm,
            "Why does the Xero sync break?",
            &["--json", "--no-cache", "--limit", "20"],
        ),
    )
    .await;
    json_of(&out);
    assert_eq!(
        llm.bodies().await.len() - before,
        1,
        "one answer, no overflow"
    );
    // a window set by hand that the server cannot hold: a clear error, exit 3
    let env = env_with(&[("context_tokens", "8192")]);
    let out = run(
        &env,
        ask_args(
            &llm,
            "What do small businesses say about the price?",
            &["--no-cache", "--limit", "20"],
        ),
    )
    .await;
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert!(err.contains("context window of 1000 tokens"), "{err}");
    assert!(err.contains("[llm] context_tokens says 8192"), "{err}");
    assert!(!err.contains("try again later"), "{err}");
}
