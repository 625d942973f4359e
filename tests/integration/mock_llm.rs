//! One mock LLM server for every test that talks to a model (wiremock):
//! answers in OpenAI's and Anthropic's wire formats, streamed or not, error
//! bodies, a server whose window is learned from its overflow error, the
//! context-window probes (`/props`, `/v1/models`, `/api/show`), and the
//! chat requests it received, without those probes.
//!
//! ```ignore
//! let llm = MockLlm::start().await;
//! llm.chat().reply(openai_chat("Pricing hurts [1].")).await;
//! let out = run(&env, ask_args(&llm, "price per seat", &["--json"])).await;
//! assert_eq!(llm.bodies().await.len(), 1);
//! ```

use std::process::Output;

use serde_json::{Value, json};
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockBuilder, MockServer, Request, Respond, ResponseTemplate};

/// OpenAI's chat endpoint under `--base-url {uri}/v1`.
pub const OPENAI: &str = "/v1/chat/completions";
/// Anthropic's messages endpoint under `--base-url {uri}`.
pub const ANTHROPIC: &str = "/v1/messages";

/// A mock model server; what it answers is mounted with [`MockLlm::chat`],
/// [`MockLlm::messages`], [`MockLlm::get`] and [`MockLlm::post`].
pub struct MockLlm {
    pub server: MockServer,
}

impl MockLlm {
    pub async fn start() -> MockLlm {
        MockLlm {
            server: MockServer::start().await,
        }
    }

    /// The server's root, Anthropic's `--base-url`.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// `{uri}/v1`, an OpenAI-compatible `--base-url`.
    pub fn openai_base(&self) -> String {
        format!("{}/v1", self.server.uri())
    }

    /// Answers `POST /v1/chat/completions`.
    pub fn chat(&self) -> Route<'_> {
        self.post(OPENAI)
    }

    /// Answers `POST /v1/messages`.
    pub fn messages(&self) -> Route<'_> {
        self.post(ANTHROPIC)
    }

    /// Answers `GET at` (a window probe such as `/props` or `/v1/models`).
    pub fn get(&self, at: &str) -> Route<'_> {
        self.route("GET", at)
    }

    /// Answers `POST at`.
    pub fn post(&self, at: &str) -> Route<'_> {
        self.route("POST", at)
    }

    fn route(&self, verb: &str, at: &str) -> Route<'_> {
        Route {
            server: &self.server,
            mock: Mock::given(method(verb)).and(path(at)),
            times: None,
        }
    }

    /// Answers every `POST`, whatever its path.
    pub fn any_post(&self) -> Route<'_> {
        Route {
            server: &self.server,
            mock: Mock::given(method("POST")),
            times: None,
        }
    }

    /// The chat requests received (OpenAI's `/chat/completions`,
    /// Anthropic's `/messages`), in order, not the context-window probes.
    pub async fn requests(&self) -> Vec<Request> {
        self.server
            .received_requests()
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|r| {
                r.method.as_str() == "POST"
                    && (r.url.path().ends_with("/chat/completions")
                        || r.url.path().ends_with("/messages"))
            })
            .collect()
    }

    /// The JSON bodies of [`MockLlm::requests`] (`null` for one that is not JSON).
    pub async fn bodies(&self) -> Vec<Value> {
        self.requests()
            .await
            .iter()
            .map(|r| serde_json::from_slice(&r.body).unwrap_or(Value::Null))
            .collect()
    }
}

/// One answer being mounted: narrowed by [`Route::containing`],
/// [`Route::with_header`] and [`Route::once`], mounted by [`Route::reply`].
pub struct Route<'a> {
    server: &'a MockServer,
    mock: MockBuilder,
    times: Option<u64>,
}

impl Route<'_> {
    /// Only requests whose body contains `needle`.
    pub fn containing(mut self, needle: &str) -> Self {
        self.mock = self.mock.and(body_string_contains(needle));
        self
    }

    /// Only requests with this header.
    pub fn with_header(mut self, name: &'static str, value: &'static str) -> Self {
        self.mock = self.mock.and(header(name, value));
        self
    }

    /// Answers the first matching request only (later ones fall through to
    /// what is mounted after).
    pub fn once(mut self) -> Self {
        self.times = Some(1);
        self
    }

    /// Mounts the answer: a [`ResponseTemplate`] or a closure over the request.
    pub async fn reply(self, response: impl Respond + 'static) {
        let mut mock = self.mock.respond_with(response);
        if let Some(n) = self.times {
            mock = mock.up_to_n_times(n);
        }
        mock.mount(self.server).await;
    }

    /// Mounts a 200 with this JSON body.
    pub async fn reply_json(self, body: Value) {
        self.reply(ResponseTemplate::new(200).set_body_json(body))
            .await;
    }
}

/// An OpenAI chat completion of `text` from `mock-model`, with usage (321
/// prompt tokens, 12 completion tokens).
pub fn openai_chat(text: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "id": "x", "model": "mock-model",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 321, "completion_tokens": 12}
    }))
}

/// An OpenAI chat completion whose content is `obj` as JSON text (what a
/// model asked to name a theme writes).
pub fn openai_object(obj: Value) -> ResponseTemplate {
    openai_chat(&obj.to_string())
}

/// The least an OpenAI-compatible server may answer: choices, no model, no
/// usage.
pub fn openai_bare(text: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"choices": [{"message": {"content": text}}]}))
}

/// An OpenAI SSE body delivering `pieces`, ending with usage and `[DONE]`
/// when `done` (otherwise the stream is cut).
pub fn openai_stream(pieces: &[&str], done: bool) -> ResponseTemplate {
    let mut body = String::new();
    for p in pieces {
        body.push_str(&format!(
            "data: {}\r\n\r\n",
            json!({"model": "mock-model", "choices": [{"index": 0, "delta": {"content": p}}]})
        ));
    }
    if done {
        body.push_str("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":300,\"completion_tokens\":9}}\n\ndata: [DONE]\n\n");
    }
    ResponseTemplate::new(200).set_body_raw(body, "text/event-stream")
}

/// An OpenAI error body: `{"error": {"message": …, "type": …, "code": …}}`
/// (`type` and `code` left out when `None`).
pub fn openai_error(
    status: u16,
    message: &str,
    kind: Option<&str>,
    code: Option<&str>,
) -> ResponseTemplate {
    let mut error = json!({ "message": message });
    if let Some(k) = kind {
        error["type"] = json!(k);
    }
    if let Some(c) = code {
        error["code"] = json!(c);
    }
    ResponseTemplate::new(status).set_body_json(json!({ "error": error }))
}

/// An Anthropic message of `text` from `claude-mock`.
pub fn anthropic(text: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "type": "message", "model": "claude-mock",
        "content": [{"type": "text", "text": text}],
        "usage": {"input_tokens": 10, "output_tokens": 2}
    }))
}

/// An Anthropic error body of `kind` (`overloaded_error`, …).
pub fn anthropic_error(status: u16, kind: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .set_body_json(json!({"type": "error", "error": {"type": kind, "message": message}}))
}

/// A server-sent event stream of `(event, data)` pairs, as Anthropic sends.
pub fn sse(events: &[(&str, Value)]) -> ResponseTemplate {
    let body: String = events
        .iter()
        .map(|(e, d)| format!("event: {e}\ndata: {d}\n\n"))
        .collect();
    ResponseTemplate::new(200).set_body_raw(body, "text/event-stream")
}

/// A server with a `window`-token context that says so only when a request
/// overflows it (as llama-cpp-python's server does, with OpenAI's wording),
/// and otherwise answers `answer`.
pub fn small_window(window: usize, answer: &'static str) -> impl Respond {
    move |req: &Request| {
        // about 3.5 bytes a token, as insight estimates
        let tokens = req.body.len() * 2 / 7;
        if tokens > window {
            ResponseTemplate::new(400).set_body_json(json!({"error": {
                "message": format!("This model's maximum context length is {window} tokens. However, you requested {} tokens ({} in the messages, 512 in the completion). Please reduce the length of the messages or completion.", tokens + 512, tokens),
                "type": "invalid_request_error", "param": "messages", "code": "context_length_exceeded"}}))
        } else {
            openai_chat(answer)
        }
    }
}

/// The last (user) message of a chat request.
pub fn user_text(req: &Request) -> String {
    let v: Value = serde_json::from_slice(&req.body).unwrap_or_default();
    v["messages"]
        .as_array()
        .and_then(|m| m.last())
        .and_then(|m| m["content"].as_str())
        .unwrap_or_default()
        .to_string()
}

/// Runs a command off the async runtime the mock server lives on.
pub async fn output(mut cmd: assert_cmd::Command) -> Output {
    tokio::task::spawn_blocking(move || cmd.output().expect("run insight"))
        .await
        .expect("join")
}
