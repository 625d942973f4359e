//! The REPL driven through a pseudo-terminal, as a person would: filters,
//! questions (offline and streamed from a model), sources, a mistyped
//! command, Ctrl-C in the middle of an answer, Ctrl-D, and the history file.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use expectrl::{ControlCode, Expect, Session};

use crate::harness::Env;

fn spawn(env: &Env, extra: &[&str]) -> expectrl::session::OsSession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_insight"));
    cmd.current_dir(env.dir.path())
        .arg("--index")
        .arg(env.index_dir())
        .arg("repl")
        .args(extra)
        .env("XDG_DATA_HOME", env.path("data"))
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env_remove("OPENAI_API_KEY")
        .env_remove("INSIGHT_PROVIDER")
        .env_remove("INSIGHT_BASE_URL");
    let mut s = Session::spawn(cmd).expect("spawn insight repl in a pty");
    s.set_expect_timeout(Some(Duration::from_secs(30)));
    s
}

#[test]
fn a_session_offline() {
    let env = Env::new();
    env.index_examples();
    let mut p = spawn(&env, &[]);
    p.expect("52 documents").unwrap();
    // the line editor drops what is typed before its prompt shows: wait for it
    let line = |p: &mut expectrl::session::OsSession, text: &str| {
        p.expect("> ").unwrap();
        p.send(format!("{text}\r")).unwrap();
    };
    line(&mut p, "/segment enterprise");
    p.expect("filters: segment=enterprise").unwrap();
    p.expect("insight [segment=enterprise]").unwrap();
    line(&mut p, "why do they want SCIM?");
    p.expect("Extractive answer").unwrap();
    p.expect("Okta only half works").unwrap();
    p.expect("Sources").unwrap();
    line(&mut p, "/sources");
    p.expect("Maren Holt").unwrap();
    line(&mut p, "/open 2");
    p.expect("▶").unwrap();
    line(&mut p, "/segmnt smb");
    p.expect("did you mean /segment?").unwrap();
    // a line continued with a backslash
    line(&mut p, "/search approval \\");
    p.send("credit\r").unwrap();
    p.expect("matching passage(s)").unwrap();
    // Ctrl-C on the prompt does nothing harmful
    p.expect("> ").unwrap();
    p.send(ControlCode::EndOfText).unwrap();
    line(&mut p, "/filters");
    p.expect("filters: segment=enterprise").unwrap();
    // Ctrl-D leaves
    p.expect("> ").unwrap();
    p.send(ControlCode::EndOfTransmission).unwrap();
    p.expect(expectrl::Eof).unwrap();
    let history = std::fs::read_to_string(env.path("data/insight/history")).unwrap();
    assert!(history.contains("/segment enterprise"), "{history}");
    assert!(history.contains("why do they want SCIM?"));
    assert!(
        history.contains("/search approval credit"),
        "continued lines are joined: {history}"
    );
}

/// A model server: the first chat request gets the start of an answer and
/// then silence (and reports when the client hangs up); later ones get a
/// whole streamed answer. Anything else (the context-window probes) is 404.
fn model_server() -> (String, mpsc::Receiver<&'static str>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut i = 0;
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            let mut reader = BufReader::new(conn.try_clone().unwrap());
            let mut length = 0usize;
            let mut chat = false;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                if line.starts_with("POST ") && line.contains("/chat/completions") {
                    chat = true;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                if line == "\r\n" {
                    break;
                }
            }
            let mut body = vec![0u8; length];
            let _ = reader.read_exact(&mut body);
            if !chat {
                let _ = conn.write_all(
                    b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                );
                continue;
            }
            i += 1;
            let chunk = |t: &str| {
                format!("data: {{\"choices\":[{{\"delta\":{{\"content\":\"{t}\"}}}}]}}\n\n")
            };
            let _ = conn.write_all(
                b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n",
            );
            if i == 1 {
                let _ =
                    conn.write_all(chunk("Okta only half works for them [1]. Slowly").as_bytes());
                let _ = conn.flush();
                // hold the request open until the client drops it
                let mut buf = [0u8; 64];
                conn.set_read_timeout(Some(Duration::from_secs(20)))
                    .unwrap();
                let dropped = matches!(reader.read(&mut buf), Ok(0) | Err(_));
                let _ = tx.send(if dropped { "dropped" } else { "kept" });
            } else {
                let _ =
                    conn.write_all(chunk("Provisioning is manual without SCIM [2].").as_bytes());
                let _ = conn.write_all(b"data: [DONE]\n\n");
            }
        }
    });
    (url, rx)
}

#[test]
fn ctrl_c_cancels_a_streamed_answer_and_the_session_goes_on() {
    let env = Env::new();
    env.index_examples();
    let (url, dropped) = model_server();
    let mut p = spawn(&env, &["--base-url", &url]);
    p.expect("openai").unwrap();
    p.expect("> ").unwrap();
    p.send("why does Okta only half work?\r").unwrap();
    p.expect("Okta only half works for them [1].").unwrap();
    p.send(ControlCode::EndOfText).unwrap();
    p.expect("(cancelled)").unwrap();
    assert_eq!(
        dropped.recv_timeout(Duration::from_secs(10)),
        Ok("dropped"),
        "the HTTP request was dropped"
    );
    // the next question works, and is a follow-up
    p.expect("> ").unwrap();
    p.send("and what about provisioning?\r").unwrap();
    p.expect("Provisioning is manual without SCIM [2].")
        .unwrap();
    p.expect("Sources").unwrap();
    // a provider error is one line, and the session continues
    p.expect("> ").unwrap();
    p.send("/provider anthropic\r").unwrap();
    p.expect("ANTHROPIC_API_KEY").unwrap();
    p.expect("> ").unwrap();
    p.send("/provider extractive\r").unwrap();
    p.expect("extractive (offline)").unwrap();
    p.expect("> ").unwrap();
    p.send("/quit\r").unwrap();
    p.expect(expectrl::Eof).unwrap();
}
