//! Anthropic's Messages API wire format: request bodies, responses, the
//! typed stream events (`message_start` … `content_block_delta` …
//! `message_stop`, `error`) and error bodies.

use serde_json::{Value, json};

use super::provider::{Provider, Reply, Step, StreamError};
use super::sse::Event;
use super::{ChatRequest, Role, Usage};

/// Anthropic's Messages API.
pub struct Anthropic;

impl Provider for Anthropic {
    fn url(&self, base: &str) -> String {
        url(base)
    }

    fn authorize(
        &self,
        request: reqwest::RequestBuilder,
        key: Option<&str>,
    ) -> reqwest::RequestBuilder {
        let request = request.header("anthropic-version", VERSION);
        match key {
            Some(k) => request.header("x-api-key", k),
            None => request,
        }
    }

    /// Anthropic has no JSON mode: `format` is ignored.
    fn body(&self, req: &ChatRequest, model: &str, stream: bool, _format: bool) -> Value {
        body(req, model, stream)
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

    /// A 429 without `retry-after` is a spend limit, not a rate limit.
    fn quota_exhausted(&self, _: &str, retry_after: Option<std::time::Duration>) -> bool {
        retry_after.is_none()
    }

    fn needs_key(&self, _: &str) -> bool {
        true
    }
}

/// The API version header value.
pub const VERSION: &str = "2023-06-01";

/// `POST {base}/v1/messages` (a base already ending in `/v1` is kept).
pub fn url(base: &str) -> String {
    let base = base.trim_end_matches('/');
    if base.ends_with("/v1") {
        format!("{base}/messages")
    } else {
        format!("{base}/v1/messages")
    }
}

/// The request body.
pub fn body(req: &ChatRequest, model: &str, stream: bool) -> Value {
    let messages: Vec<Value> = req
        .messages
        .iter()
        .map(|m| {
            let role = match m.role {
                Role::User => "user",
                Role::Assistant => "assistant",
            };
            json!({"role": role, "content": m.content})
        })
        .collect();
    json!({
        "model": model,
        "max_tokens": req.max_tokens,
        "system": req.system,
        "messages": messages,
        "temperature": req.temperature,
        "stream": stream,
    })
}

/// Text, usage and model of a non-streaming response.
pub fn parse_response(v: &Value) -> Result<Reply, String> {
    if v["type"] == "error" {
        return Err(error_in(v).unwrap_or_else(|| v.to_string()));
    }
    let blocks = v["content"]
        .as_array()
        .ok_or("the response has no `content`")?;
    let text: String = blocks
        .iter()
        .filter(|b| b["type"] == "text")
        .filter_map(|b| b["text"].as_str())
        .collect();
    let usage = v.get("usage").map(|u| Usage {
        prompt_tokens: u["input_tokens"].as_u64().unwrap_or(0),
        completion_tokens: u["output_tokens"].as_u64().unwrap_or(0),
    });
    Ok(Reply {
        text,
        usage,
        model: v["model"].as_str().map(str::to_string),
    })
}

/// Interprets one stream event.
pub fn stream_event(ev: &Event) -> Result<Vec<Step>, StreamError> {
    let v: Value = serde_json::from_str(&ev.data).map_err(|e| StreamError {
        message: format!("malformed stream event ({e})"),
        retryable: true,
    })?;
    let kind = ev
        .event
        .clone()
        .or_else(|| v["type"].as_str().map(str::to_string))
        .unwrap_or_default();
    Ok(match kind.as_str() {
        "message_start" => {
            let m = &v["message"];
            let mut steps = vec![Step::Usage(Usage {
                prompt_tokens: m["usage"]["input_tokens"].as_u64().unwrap_or(0),
                completion_tokens: m["usage"]["output_tokens"].as_u64().unwrap_or(0),
            })];
            if let Some(model) = m["model"].as_str() {
                steps.push(Step::Model(model.to_string()));
            }
            steps
        }
        "content_block_delta" => match v["delta"]["text"].as_str() {
            Some(t) if v["delta"]["type"] == "text_delta" && !t.is_empty() => {
                vec![Step::Delta(t.to_string())]
            }
            _ => vec![],
        },
        "message_delta" => match v["usage"]["output_tokens"].as_u64() {
            Some(n) => vec![Step::Usage(Usage {
                prompt_tokens: v["usage"]["input_tokens"].as_u64().unwrap_or(0),
                completion_tokens: n,
            })],
            None => vec![],
        },
        "message_stop" => vec![Step::Done],
        "error" => {
            let retryable = matches!(
                v["error"]["type"].as_str(),
                Some("overloaded_error" | "api_error" | "rate_limit_error")
            );
            return Err(StreamError {
                message: error_in(&v).unwrap_or_else(|| ev.data.clone()),
                retryable,
            });
        }
        _ => vec![], // ping, content_block_start/stop
    })
}

/// The provider's own message from an error body.
pub fn error_message(body: &str) -> Option<String> {
    error_in(&serde_json::from_str(body).ok()?)
}

fn error_in(v: &Value) -> Option<String> {
    let e = v.get("error")?;
    let message = e["message"].as_str().unwrap_or("unknown error");
    Some(match e["type"].as_str() {
        Some(t) => format!("{message} ({t})"),
        None => message.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_and_body() {
        assert_eq!(
            url("https://api.anthropic.com"),
            "https://api.anthropic.com/v1/messages"
        );
        assert_eq!(
            url("http://127.0.0.1:9/v1/"),
            "http://127.0.0.1:9/v1/messages"
        );
        let req = ChatRequest {
            system: "sys".into(),
            messages: vec![],
            max_tokens: 5,
            temperature: 0.0,
            json_schema: None,
        };
        let b = body(&req, "claude", false);
        assert_eq!(b["system"], "sys");
        assert_eq!(b["max_tokens"], 5);
    }

    #[test]
    fn stream_events() {
        let ev = |e: &str, d: &str| Event {
            event: Some(e.into()),
            data: d.into(),
        };
        let start = stream_event(&ev("message_start", r#"{"type":"message_start","message":{"model":"claude-x","usage":{"input_tokens":12,"output_tokens":1}}}"#)).unwrap();
        assert_eq!(start[1], Step::Model("claude-x".into()));
        let d = stream_event(&ev(
            "content_block_delta",
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}"#,
        ))
        .unwrap();
        assert_eq!(d, vec![Step::Delta("Hi".into())]);
        assert_eq!(
            stream_event(&ev("message_stop", r#"{"type":"message_stop"}"#)).unwrap(),
            vec![Step::Done]
        );
        assert!(
            stream_event(&ev("ping", r#"{"type":"ping"}"#))
                .unwrap()
                .is_empty()
        );
        let e = stream_event(&ev(
            "error",
            r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#,
        ))
        .unwrap_err();
        assert!(e.retryable && e.message == "Overloaded (overloaded_error)");
        let Reply {
            text: t, usage: u, ..
        } = parse_response(&json!({"content":[{"type":"text","text":"a"},{"type":"text","text":"b"}],"usage":{"input_tokens":3,"output_tokens":4}})).unwrap();
        assert_eq!((t.as_str(), u.unwrap().prompt_tokens), ("ab", 3));
    }
}
