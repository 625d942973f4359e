//! What differs between providers' wire formats, as one trait: the URL,
//! the authentication headers, the request body, a response, a stream
//! event, an error body and when a 429 is final. `openai` and `anthropic`
//! implement it; [`Client`](super::Client) holds one and never switches on
//! the provider. The shared stream types live here too.

use std::time::Duration;

use reqwest::RequestBuilder;
use serde_json::Value;

use super::sse::Event;
use super::{ChatRequest, ProviderKind, Usage};

/// A provider's answer to a non-streaming request.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub text: String,
    pub usage: Option<Usage>,
    /// The model that answered, as the provider named it.
    pub model: Option<String>,
}

/// What one stream event contributes.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Delta(String),
    Usage(Usage),
    Model(String),
    Done,
}

/// A stream event that reports a failure.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamError {
    pub message: String,
    pub retryable: bool,
}

/// One provider's wire format.
pub trait Provider: Sync {
    /// Where chat requests go, from the configured base URL.
    fn url(&self, base: &str) -> String;
    /// The request with the provider's headers and the key, if any.
    fn authorize(&self, request: RequestBuilder, key: Option<&str>) -> RequestBuilder;
    /// The request body; `format` asks the server to hold the answer to the
    /// request's JSON Schema where the provider can.
    fn body(&self, req: &ChatRequest, model: &str, stream: bool, format: bool) -> Value;
    /// Text, usage and model of a non-streaming response.
    fn parse_response(&self, v: &Value) -> Result<Reply, String>;
    /// Interprets one stream event.
    fn stream_event(&self, ev: &Event) -> Result<Vec<Step>, StreamError>;
    /// The provider's own message from an error body.
    fn error_message(&self, body: &str) -> Option<String>;
    /// Whether a 429 means the quota is exhausted (never retried).
    fn quota_exhausted(&self, body: &str, retry_after: Option<Duration>) -> bool;
    /// Whether requests to `base_url` need an API key.
    fn needs_key(&self, base_url: &str) -> bool;
}

/// The wire format of `kind`; `None` for the extractive answerer, which
/// sends nothing.
pub fn of(kind: ProviderKind) -> Option<&'static dyn Provider> {
    match kind {
        ProviderKind::OpenAi => Some(&super::openai::OpenAi),
        ProviderKind::Anthropic => Some(&super::anthropic::Anthropic),
        ProviderKind::Extractive => None,
    }
}
