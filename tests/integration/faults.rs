//! LLM faults: a server that rate-limits in bursts, fails, trickles, resets
//! mid-stream, sends invalid JSON, floods, or never finishes. Every run ends
//! within its retries and timeout — in an answer or in exit 3 with a readable
//! message — caches nothing from a failure and never prints text twice.

use std::process::Output;
use std::time::{Duration, Instant};

use crate::fault_server::{Fault, FaultServer, chat_json, sse_delta, sse_stream};
use crate::harness::{Env, stderr};
use crate::llm::env_with;

const ANSWER: &str = "Pricing per seat hurts small teams [1].";

/// `insight ask` against `server`, with `extra` flags; returns the output and
/// how long it took.
fn ask(env: &Env, server: &FaultServer, extra: &[&str]) -> (Output, Duration) {
    let start = Instant::now();
    let out = env
        .cmd()
        .args(["ask", "price per seat", "--base-url", &server.base()])
        .args(extra)
        .output()
        .unwrap();
    (out, start.elapsed())
}

/// Entries in the index's LLM cache.
fn cached(env: &Env) -> usize {
    std::fs::read_dir(env.index_dir().join("cache").join("llm")).map_or(0, |d| d.count())
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn ok_json() -> Fault {
    Fault::Reply(200, vec![], chat_json(ANSWER))
}

fn assert_exit_3(out: &Output, says: &str) {
    assert_eq!(out.status.code(), Some(3), "{}", stderr(out));
    let err = stderr(out);
    assert!(err.contains(says), "expected {says:?} in: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn a_burst_of_429s_is_waited_out() {
    let env = env_with(&[("max_retries", "3")]);
    let limited = Fault::Reply(
        429,
        vec![("retry-after", "0".into())],
        r#"{"error":{"message":"Rate limit reached","type":"rate_limit"}}"#.into(),
    );
    let server = FaultServer::start(vec![limited.clone(), limited.clone(), limited], ok_json());
    let (out, _) = ask(&env, &server, &["--no-stream"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).matches("Pricing per seat hurts").count(), 1);
    assert_eq!(server.bodies().len(), 4);
    assert_eq!(cached(&env), 1);
}

#[test]
fn a_burst_longer_than_the_retries_ends_in_exit_3() {
    let env = env_with(&[("max_retries", "2")]);
    let limited = Fault::Reply(
        429,
        vec![("retry-after", "0".into())],
        r#"{"error":{"message":"Rate limit reached","type":"rate_limit"}}"#.into(),
    );
    let server = FaultServer::start(vec![], limited);
    let (out, _) = ask(&env, &server, &["--no-stream"]);
    assert_exit_3(&out, "Rate limit reached (after 3 attempts)");
    assert_eq!(server.bodies().len(), 3);
    assert_eq!(cached(&env), 0);
}

#[test]
fn server_errors_end_in_exit_3_and_cache_nothing() {
    let env = env_with(&[("max_retries", "2")]);
    let server = FaultServer::start(vec![], Fault::Reply(500, vec![], "upstream crashed".into()));
    for flag in ["--no-stream", "--stream"] {
        let (out, _) = ask(&env, &server, &[flag]);
        assert_exit_3(&out, "HTTP 500: upstream crashed (after 3 attempts)");
        assert!(stdout(&out).is_empty(), "{flag}: {}", stdout(&out));
    }
    assert_eq!(server.bodies().len(), 6);
    assert_eq!(cached(&env), 0);
}

#[test]
fn a_slow_trickle_times_out_within_the_bound() {
    let env = env_with(&[("timeout_secs", "1"), ("max_retries", "1")]);
    let server = FaultServer::start(
        vec![],
        Fault::Trickle(chat_json(ANSWER), Duration::from_millis(50)),
    );
    let (out, took) = ask(&env, &server, &["--no-stream"]);
    assert_exit_3(&out, "timed out");
    assert_eq!(server.bodies().len(), 2);
    // two attempts of 1 s and one short backoff, not the 7 s the body needs
    assert!(took < Duration::from_secs(6), "{took:?}");
    assert_eq!(cached(&env), 0);
}

#[test]
fn a_reset_mid_stream_is_retried_and_nothing_is_shown_twice() {
    let env = env_with(&[]);
    let server = FaultServer::start(
        vec![Fault::ResetAfter(sse_delta("Pricing per seat "))],
        Fault::Stream(sse_stream(&["Pricing per seat ", "hurts small teams [1]."])),
    );
    let (out, _) = ask(&env, &server, &["--stream"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(text.matches("Pricing per seat").count(), 1, "{text}");
    assert!(
        text.contains("Pricing per seat hurts small teams"),
        "{text}"
    );
    assert_eq!(server.bodies().len(), 2);
}

#[test]
fn a_reset_on_every_attempt_ends_in_exit_3() {
    let env = env_with(&[("max_retries", "1")]);
    let server = FaultServer::start(vec![], Fault::ResetAfter(sse_delta("Pricing per seat ")));
    let (out, _) = ask(&env, &server, &["--stream"]);
    assert_exit_3(&out, "the stream broke off");
    assert!(stdout(&out).matches("Pricing per seat").count() <= 1);
    assert_eq!(cached(&env), 0);
}

#[test]
fn invalid_json_is_retried_then_reported() {
    let env = env_with(&[("max_retries", "2")]);
    let server = FaultServer::start(
        vec![],
        Fault::Reply(200, vec![], "{\"choices\": [{\"message\": ".into()),
    );
    let (out, _) = ask(&env, &server, &["--no-stream"]);
    assert_exit_3(&out, "not JSON");
    assert_eq!(server.bodies().len(), 3);
    assert_eq!(cached(&env), 0);
}

#[test]
fn a_huge_response_is_refused_not_read_into_memory() {
    let env = env_with(&[]);
    let server = FaultServer::start(vec![], Fault::Huge(64 << 20));
    let (out, _) = ask(&env, &server, &["--no-stream"]);
    assert_exit_3(&out, "larger than 16 MiB");
    // a flood is not asked for again
    assert_eq!(server.bodies().len(), 1);
    assert_eq!(cached(&env), 0);
}

#[test]
fn a_flooding_stream_is_cut_off() {
    let env = env_with(&[("timeout_secs", "30")]);
    let server = FaultServer::start(vec![], Fault::Endless(Duration::ZERO));
    let (out, took) = ask(&env, &server, &["--stream"]);
    assert_exit_3(&out, "larger than 16 MiB");
    assert_eq!(server.bodies().len(), 1);
    assert!(took < Duration::from_secs(30), "{took:?}");
    assert_eq!(cached(&env), 0);
}

#[test]
fn a_stream_that_never_ends_times_out_without_repeating_itself() {
    let env = env_with(&[("timeout_secs", "1"), ("max_retries", "1")]);
    let server = FaultServer::start(vec![], Fault::Endless(Duration::from_millis(20)));
    let (out, took) = ask(&env, &server, &["--stream"]);
    assert_exit_3(&out, "still streaming");
    assert_eq!(server.bodies().len(), 2);
    assert!(took < Duration::from_secs(6), "{took:?}");
    // the second attempt repeats the first one's text, which is not shown again:
    // at most one attempt's worth (50 pieces a second for 1 s, and slack)
    let shown = stdout(&out).matches("more and more").count();
    assert!(shown < 80, "{shown}");
    assert_eq!(cached(&env), 0);
}

#[test]
fn after_a_failure_the_next_good_answer_is_fetched_and_cached() {
    let env = env_with(&[("max_retries", "0")]);
    let failing = FaultServer::start(vec![], Fault::Reply(503, vec![], "busy".into()));
    let (out, _) = ask(&env, &failing, &["--no-stream"]);
    assert_exit_3(&out, "HTTP 503");
    assert_eq!(cached(&env), 0);
    let good = FaultServer::start(vec![], ok_json());
    let (out, _) = ask(&env, &good, &["--no-stream"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(good.bodies().len(), 1);
    assert_eq!(cached(&env), 1);
}
