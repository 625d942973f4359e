//! The LLM layer: providers behind one client (`openai`, `anthropic`, both
//! implementing the `provider` trait), the
//! built-in offline `extractive` answerer, SSE parsing (`sse`), retries and
//! timeouts (`client`), the response cache (`cache`), prompt templates and
//! token budgets (`prompts`), personal-data redaction (`redact`), and the
//! model's context window (`window`).

pub mod anthropic;
pub mod cache;
pub mod client;
pub mod extractive;
pub mod openai;
pub mod prompts;
pub mod provider;
pub mod redact;
pub mod settings;
pub mod sse;
pub mod window;

use serde::{Deserialize, Serialize};

pub use client::Client;
pub use settings::{LlmFlags, LlmSettings, ProviderKind, RunPolicy};

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Assistant,
}

/// One turn of a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub role: Role,
    pub content: String,
}

/// A provider-neutral chat request.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatRequest {
    pub system: String,
    pub messages: Vec<Message>,
    pub max_tokens: usize,
    pub temperature: f32,
    /// The JSON the answer must be (a JSON Schema): servers that can
    /// constrain their output to it do (OpenAI-compatible `response_format`).
    pub json_schema: Option<serde_json::Value>,
}

/// Tokens a request used (as the provider counted them, or estimated).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

impl std::ops::AddAssign for Usage {
    fn add_assign(&mut self, o: Usage) {
        self.prompt_tokens += o.prompt_tokens;
        self.completion_tokens += o.completion_tokens;
    }
}

/// A provider's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatResponse {
    pub text: String,
    pub usage: Usage,
    /// The model that answered, as the provider named it.
    pub model: Option<String>,
    /// Served from the on-disk cache.
    pub cached: bool,
}

/// Receives an answer as it streams.
pub trait Sink {
    /// More text.
    fn delta(&mut self, text: &str);
    /// A retry produced a different answer than the one already shown: what
    /// follows replaces it.
    fn restart(&mut self) {}
    /// Something the user should know about the answer in progress.
    fn notice(&mut self, _message: &str) {}
}

/// A sink that drops everything (non-streaming calls).
pub struct NoSink;
impl Sink for NoSink {
    fn delta(&mut self, _: &str) {}
}

/// Installs the process's TLS crypto provider, once.
pub fn install_tls() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// Rough token count of `text` (about 3.5 bytes per token for English; the
/// estimate errs on the high side so prompts fit).
pub fn estimate_tokens(text: &str) -> usize {
    text.len() * 2 / 7 + 1
}
