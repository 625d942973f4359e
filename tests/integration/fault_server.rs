//! A fault-injecting model server on 127.0.0.1: a plain TCP server (threads,
//! hand-written HTTP/1.1) that can misbehave in the ways wiremock cannot —
//! trickle bytes, reset the connection mid-stream, flood, never finish — and
//! records every request body it received.
//!
//! Each connection takes the next [`Fault`] from the script; once the script
//! is spent, every connection gets the fallback.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the server does with one request.
#[derive(Clone, Debug)]
pub enum Fault {
    /// A complete response: status, extra headers, body.
    Reply(u16, Vec<(&'static str, String)>, String),
    /// A complete 200 SSE stream (`text/event-stream`).
    Stream(String),
    /// A 200 whose body arrives one byte every `every`.
    Trickle(String, Duration),
    /// Headers and the start of an SSE stream, then a TCP reset.
    ResetAfter(String),
    /// A 200 JSON body of about `bytes` bytes.
    Huge(usize),
    /// An SSE stream of deltas, one every `.0`, that never ends (until the
    /// client hangs up).
    Endless(Duration),
}

/// A running fault server.
pub struct FaultServer {
    port: u16,
    bodies: Arc<Mutex<Vec<String>>>,
}

impl FaultServer {
    /// Starts a server that plays `script`, then `fallback` for ever.
    pub fn start(script: Vec<Fault>, fallback: Fault) -> FaultServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("local addr").port();
        let script = Arc::new(Mutex::new(VecDeque::from(script)));
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let (s, b) = (script.clone(), bodies.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let (s, b, fallback) = (s.clone(), b.clone(), fallback.clone());
                std::thread::spawn(move || {
                    let next = || s.lock().unwrap().pop_front().unwrap_or(fallback);
                    let _ = serve(conn, next, &b);
                });
            }
        });
        FaultServer { port, bodies }
    }

    /// An OpenAI-compatible `--base-url`.
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}/v1", self.port)
    }

    /// The request bodies received so far.
    pub fn bodies(&self) -> Vec<String> {
        self.bodies.lock().unwrap().clone()
    }
}

/// An OpenAI chat completion answering `text`.
pub fn chat_json(text: &str) -> String {
    serde_json::json!({
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5},
    })
    .to_string()
}

/// An OpenAI SSE event carrying `text`.
pub fn sse_delta(text: &str) -> String {
    let v = serde_json::json!({"choices": [{"index": 0, "delta": {"content": text}}]});
    format!("data: {v}\n\n")
}

/// A complete OpenAI SSE stream of `pieces`.
pub fn sse_stream(pieces: &[&str]) -> String {
    let mut s: String = pieces.iter().map(|p| sse_delta(p)).collect();
    s.push_str("data: [DONE]\n\n");
    s
}

/// Answers one request: a chat request gets the next fault, anything else
/// (the context-window probes) a 404.
fn serve(
    conn: TcpStream,
    next: impl FnOnce() -> Fault,
    bodies: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    let chat = request.starts_with("POST ") && request.contains("/chat/completions");
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    if !chat {
        return answer(conn, Fault::Reply(404, vec![], "{}".into()));
    }
    bodies
        .lock()
        .unwrap()
        .push(String::from_utf8_lossy(&body).into_owned());
    answer(conn, next())
}

fn answer(mut out: TcpStream, fault: Fault) -> std::io::Result<()> {
    // the status line and headers, up to the blank line; JSON bodies are
    // sized, streams run until the connection closes
    let head = |status: u16, extra: &[(&str, String)], json: Option<&str>| {
        let kind = if json.is_some() {
            "application/json"
        } else {
            "text/event-stream"
        };
        let mut h = format!("HTTP/1.1 {status} X\r\ncontent-type: {kind}\r\nconnection: close\r\n");
        for (k, v) in extra {
            h.push_str(&format!("{k}: {v}\r\n"));
        }
        if let Some(body) = json {
            h.push_str(&format!("content-length: {}\r\n", body.len()));
        }
        h + "\r\n"
    };
    match fault {
        Fault::Reply(status, headers, text) => {
            out.write_all(head(status, &headers, Some(&text)).as_bytes())?;
            out.write_all(text.as_bytes())?;
        }
        Fault::Huge(bytes) => {
            let text = chat_json(&"x".repeat(bytes));
            out.write_all(head(200, &[], Some(&text)).as_bytes())?;
            out.write_all(text.as_bytes())?;
        }
        Fault::Trickle(text, every) => {
            out.write_all(head(200, &[], Some(&text)).as_bytes())?;
            for b in text.bytes() {
                out.write_all(&[b])?;
                out.flush()?;
                std::thread::sleep(every);
            }
        }
        Fault::Stream(text) => {
            out.write_all(head(200, &[], None).as_bytes())?;
            out.write_all(text.as_bytes())?;
        }
        Fault::ResetAfter(start) => {
            out.write_all(head(200, &[], None).as_bytes())?;
            out.write_all(start.as_bytes())?;
            out.flush()?;
            std::thread::sleep(Duration::from_millis(50));
            socket2::SockRef::from(&out).set_linger(Some(Duration::ZERO))?;
            return Ok(()); // dropped with linger 0: a reset
        }
        Fault::Endless(every) => {
            out.write_all(head(200, &[], None).as_bytes())?;
            let piece = sse_delta("more and more ");
            loop {
                out.write_all(piece.as_bytes())?;
                out.flush()?;
                if !every.is_zero() {
                    std::thread::sleep(every);
                }
            }
        }
    }
    out.flush()
}
