//! The OpenAI chat-completions wire format, spoken by OpenAI, Ollama,
//! llama.cpp's server, vLLM, LM Studio and OpenRouter: request bodies,
//! responses, stream chunks (`data: {...}` until `data: [DONE]`) and errors.

use serde_json::{Value, json};

use super::provider::{Provider, Reply, Step, StreamError};
use super::sse::Event;
use super::{ChatRequest, Role, Usage};

/// The OpenAI-compatible provider.
pub struct OpenAi;

impl Provider for OpenAi {
    fn url(&self, base: &str) -> String {
        url(base)
    }

    fn authorize(
        &self,
        request: reqwest::RequestBuilder,
        key: Option<&str>,
    ) -> reqwest::RequestBuilder {
        match key {
            Some(k) => request.bearer_auth(k),
            None => request,
        }
    }

    fn body(&self, req: &ChatRequest, model: &str, stream: bool, format: bool) -> Value {
        body(req, model, stream, format)
    }

    fn parse_response(&self, v: &Value) -> Result<Reply, String> {
        parse_response(v)
    }

    fn stream_event(&self, ev: &Event) -> Result<Vec<Step>, StreamError> {
        stream_event(ev)
    }

    fn error_message(&self, body: &str) -> Option<String> {
        error_message(body)
    }

    fn quota_exhausted(&self, body: &str, _: Option<std::time::Duration>) -> bool {
        is_quota_exhausted(body)
    }

    /// OpenAI's own API needs a key; local servers do not.
    fn needs_key(&self, base_url: &str) -> bool {
        base_url.contains("api.openai.com")
    }
}

/// `POST {base}/chat/completions` (the base URL includes the version).
pub fn url(base: &str) -> String {
    format!("{}/chat/completions", base.trim_end_matches('/'))
}

/// The request body; `format` asks the server to hold the answer to the
/// request's JSON Schema (`response_format`), where the server can.
pub fn body(req: &ChatRequest, model: &str, stream: bool, format: bool) -> Value {
    let mut messages = vec![json!({"role": "system", "content": req.system})];
    for m in &req.messages {
        let role = match m.role {
            Role::User => "user",
            Role::Assistant => "assistant",
        };
        messages.push(json!({"role": role, "content": m.content}));
    }
    let mut b = json!({
        "model": model,
        "messages": messages,
        "max_tokens": req.max_tokens,
        "temperature": req.temperature,
        "stream": stream,
    });
    if stream {
        b["stream_options"] = json!({"include_usage": true});
    }
    if let (Some(schema), true) = (&req.json_schema, format) {
        // `json_object` with a `schema`: llama.cpp's servers turn it into a
        // grammar; OpenAI, vLLM and Ollama hold the answer to JSON
        b["response_format"] = json!({"type": "json_object", "schema": schema});
    }
    b
}

/// Text, usage and model of a non-streaming response.
pub fn parse_response(v: &Value) -> Result<Reply, String> {
    if let Some(msg) = error_in(v) {
        return Err(msg);
    }
    let choice = v
        .get("choices")
        .and_then(|c| c.get(0))
        .ok_or("the response has no `choices`")?;
    let text = choice
        .pointer("/message/content")
        .and_then(Value::as_str)
        .ok_or("the response has no `choices[0].message.content`")?;
    Ok(Reply {
        text: text.to_string(),
        usage: usage(v),
        model: model(v),
    })
}

/// Interprets one stream event.
pub fn stream_event(ev: &Event) -> Result<Vec<Step>, StreamError> {
    let data = ev.data.trim();
    if data == "[DONE]" {
        return Ok(vec![Step::Done]);
    }
    let v: Value = serde_json::from_str(data).map_err(|e| StreamError {
        message: format!("malformed stream chunk ({e})"),
        retryable: true,
    })?;
    if let Some(message) = error_in(&v) {
        return Err(StreamError {
            message,
            retryable: true,
        });
    }
    let mut steps = Vec::new();
    if let Some(m) = model(&v) {
        steps.push(Step::Model(m));
    }
    if let Some(t) = v
        .pointer("/choices/0/delta/content")
        .and_then(Value::as_str)
    {
        if !t.is_empty() {
            steps.push(Step::Delta(t.to_string()));
        }
    }
    if let Some(u) = usage(&v) {
        steps.push(Step::Usage(u));
    }
    Ok(steps)
}

/// The provider's own message from an error body.
pub fn error_message(body: &str) -> Option<String> {
    let v: Value = serde_json::from_str(body).ok()?;
    error_in(&v)
}

/// Whether a 429 means the quota or spend cap is exhausted (never retried).
pub fn is_quota_exhausted(body: &str) -> bool {
    serde_json::from_str::<Value>(body).is_ok_and(|v| {
        let e = &v["error"];
        e["code"] == "insufficient_quota" || e["type"] == "insufficient_quota"
    })
}

fn error_in(v: &Value) -> Option<String> {
    let e = v.get("error")?;
    let message = e
        .get("message")
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| e.as_str().map(str::to_string))
        .unwrap_or_else(|| e.to_string());
    Some(match e.get("code").and_then(Value::as_str) {
        Some(code) => format!("{message} ({code})"),
        None => message,
    })
}

fn usage(v: &Value) -> Option<Usage> {
    let u = v.get("usage").filter(|u| u.is_object())?;
    Some(Usage {
        prompt_tokens: u["prompt_tokens"].as_u64().unwrap_or(0),
        completion_tokens: u["completion_tokens"].as_u64().unwrap_or(0),
    })
}

fn model(v: &Value) -> Option<String> {
    v.get("model").and_then(Value::as_str).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::Message;

    #[test]
    fn body_has_system_first_and_stream_options() {
        let req = ChatRequest {
            system: "sys".into(),
            messages: vec![Message {
                role: Role::User,
                content: "q".into(),
            }],
            max_tokens: 10,
            temperature: 0.0,
            json_schema: None,
        };
        let b = body(&req, "m", true, true);
        assert_eq!(b["messages"][0]["role"], "system");
        assert_eq!(b["messages"][1]["content"], "q");
        assert_eq!(b["stream_options"]["include_usage"], true);
        assert!(body(&req, "m", false, true).get("stream_options").is_none());
        assert!(b.get("response_format").is_none(), "no schema, no format");
        let schema = json!({"type": "object"});
        let req = ChatRequest {
            json_schema: Some(schema.clone()),
            ..req
        };
        let b = body(&req, "m", false, true);
        assert_eq!(b["response_format"]["type"], "json_object");
        assert_eq!(b["response_format"]["schema"], schema);
        assert!(
            body(&req, "m", false, false)
                .get("response_format")
                .is_none()
        );
    }

    #[test]
    fn responses_chunks_and_errors() {
        let v = json!({"model": "x", "choices": [{"message": {"content": "hi [1]"}}], "usage": {"prompt_tokens": 5, "completion_tokens": 2}});
        let Reply {
            text: t,
            usage: u,
            model: m,
        } = parse_response(&v).unwrap();
        assert_eq!(
            (t.as_str(), u.unwrap().completion_tokens, m.as_deref()),
            ("hi [1]", 2, Some("x"))
        );
        assert!(parse_response(&json!({"choices": []})).is_err());
        let ev = |d: &str| Event {
            event: None,
            data: d.into(),
        };
        assert_eq!(stream_event(&ev("[DONE]")).unwrap(), vec![Step::Done]);
        let steps = stream_event(&ev(r#"{"choices":[{"delta":{"content":"Hel"}}]}"#)).unwrap();
        assert_eq!(steps, vec![Step::Delta("Hel".into())]);
        assert!(stream_event(&ev("{oops")).is_err());
        let e =
            stream_event(&ev(r#"{"error":{"message":"boom","code":"server_error"}}"#)).unwrap_err();
        assert_eq!(e.message, "boom (server_error)");
        assert_eq!(
            error_message(r#"{"error":{"message":"Incorrect API key","code":"invalid_api_key"}}"#)
                .unwrap(),
            "Incorrect API key (invalid_api_key)"
        );
        assert!(is_quota_exhausted(
            r#"{"error":{"type":"insufficient_quota","message":"x"}}"#
        ));
        assert!(!is_quota_exhausted(
            r#"{"error":{"type":"requests","message":"slow down"}}"#
        ));
    }
}
