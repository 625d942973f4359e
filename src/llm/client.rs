//! The HTTP client shared by the providers: timeouts, retries with
//! exponential backoff and jitter (honouring `retry-after-ms`, then
//! `retry-after` in seconds or as an HTTP date, capped at 60 s), the cache,
//! and streaming that never shows the same text twice across retries.
//! Every attempt is bounded: the whole response, streamed or not, must arrive
//! within the timeout and within 16 MiB.
//!
//! Retried: connection errors and timeouts, 408, 409, 429, 5xx (including
//! Anthropic's 529), a stream cut before its end marker, a malformed body.
//! Not retried: other 4xx, a 429 that means the quota is exhausted (OpenAI
//! `insufficient_quota`, Anthropic 429 without `retry-after`), or when the
//! server says `x-should-retry: false`.

use std::time::Duration;

use futures_util::StreamExt;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

use super::cache::{Cache, Entry};
use super::provider::{self, Provider, Reply, Step, StreamError};
use super::settings::{LlmSettings, WindowSource};
use super::window::{Memory, Overflow, overflow};
use super::{ChatRequest, ChatResponse, Sink, Usage, estimate_tokens, sse};
use crate::error::{Error, Result};

/// Longest `retry-after` honoured; beyond it the computed backoff is used.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);
/// Longest computed backoff.
const MAX_BACKOFF: Duration = Duration::from_secs(20);
/// Largest response read, streamed or not: far beyond any answer, small
/// enough that a runaway server cannot exhaust memory.
const MAX_RESPONSE_BYTES: usize = 16 << 20;
/// Most of an error body read (its message is in the first few hundred bytes).
const MAX_ERROR_BYTES: usize = 64 << 10;

/// A client for one provider endpoint.
pub struct Client {
    /// The provider's wire format.
    provider: &'static dyn Provider,
    http: reqwest::Client,
    settings: LlmSettings,
    url: String,
    cache: Option<Cache>,
    /// Where windows learned from context-length errors are remembered.
    memory: Option<Memory>,
    /// Whether the server takes `response_format` (until it says it does not).
    format: std::sync::atomic::AtomicBool,
}

/// Why one attempt failed.
#[derive(Debug)]
struct Failure {
    status: Option<u16>,
    message: String,
    retryable: bool,
    retry_after: Option<Duration>,
    /// The request did not fit the context window.
    overflow: Option<Overflow>,
}

impl Failure {
    /// A failure in the body of a response whose status was 200.
    fn after_200(message: String, retryable: bool) -> Failure {
        Failure {
            status: Some(200),
            message,
            retryable,
            retry_after: None,
            overflow: None,
        }
    }

    fn transport(e: &reqwest::Error) -> Failure {
        let what = if e.is_timeout() {
            "timed out".to_string()
        } else if e.is_connect() {
            format!("cannot connect ({})", root_cause(e))
        } else {
            root_cause(e)
        };
        Failure {
            status: None,
            message: what,
            retryable: true,
            retry_after: None,
            overflow: None,
        }
    }
}

fn root_cause(e: &dyn std::error::Error) -> String {
    let mut cur: &dyn std::error::Error = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

impl Client {
    /// A client for `settings`; `cache` is `None` with `--no-cache`.
    pub fn new(settings: &LlmSettings, cache: Option<Cache>) -> Result<Client> {
        let provider_error = |message: String| Error::Provider {
            provider: settings.provider.to_string(),
            url: settings.base_url.clone(),
            status: None,
            message,
            attempts: 0,
        };
        let Some(provider) = provider::of(settings.provider) else {
            return Err(provider_error(
                "the extractive provider makes no requests".into(),
            ));
        };
        let url = provider.url(&settings.base_url);
        if settings.api_key.is_none() && provider.needs_key(&settings.base_url) {
            return Err(provider_error(format!(
                "no API key: set {} (or choose another provider with --provider)",
                settings.api_key_env
            )));
        }
        super::install_tls();
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10).min(settings.timeout))
            .read_timeout(settings.timeout)
            .user_agent(concat!("insight/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| provider_error(format!("cannot set up HTTP: {}", root_cause(&e))))?;
        Ok(Client {
            http,
            provider,
            settings: settings.clone(),
            url,
            cache,
            memory: None,
            format: std::sync::atomic::AtomicBool::new(true),
        })
    }

    /// Remembers windows learned from context-length errors in `memory`.
    pub fn remembering(mut self, memory: Memory) -> Client {
        self.memory = Some(memory);
        self
    }

    /// The endpoint requests go to.
    pub fn url(&self) -> &str {
        &self.url
    }

    fn model(&self) -> &str {
        self.settings.model.as_deref().unwrap_or("")
    }

    fn body(&self, req: &ChatRequest, stream: bool) -> Value {
        self.provider.body(
            req,
            self.model(),
            stream,
            self.format.load(std::sync::atomic::Ordering::Relaxed),
        )
    }

    /// The cache key: provider, model, endpoint and the request (streaming or not).
    pub fn cache_key(&self, req: &ChatRequest) -> String {
        Cache::key(&json!({
            "provider": self.settings.provider.to_string(),
            "model": self.model(),
            "url": self.url,
            "request": self.body(req, false),
        }))
    }

    /// Whether `req` would be answered from the cache (and cost nothing).
    pub fn is_cached(&self, req: &ChatRequest) -> bool {
        self.cache
            .as_ref()
            .is_some_and(|c| c.get(&self.cache_key(req)).is_some())
    }

    /// Sends `req`; with `stream`, text reaches `sink` as it arrives (a cached
    /// answer arrives at once). Retries as described in the module docs.
    pub async fn chat(
        &self,
        req: &ChatRequest,
        stream: bool,
        sink: &mut dyn Sink,
    ) -> Result<ChatResponse> {
        let key = self.cache_key(req);
        if let Some(hit) = self.cache.as_ref().and_then(|c| c.get(&key)) {
            sink.delta(&hit.text);
            return Ok(ChatResponse {
                text: hit.text,
                usage: hit.usage,
                model: hit.model,
                cached: true,
            });
        }
        let mut body = self.body(req, stream);
        let mut replay = Replay::default();
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let result = if stream {
                self.attempt_stream(&body, &mut replay, sink).await
            } else {
                self.attempt_once(&body).await
            };
            match result {
                Ok(Reply { text, usage, model }) => {
                    if !stream {
                        sink.delta(&text);
                    }
                    let usage = usage.unwrap_or_else(|| Usage {
                        prompt_tokens: estimate_tokens(&req.system) as u64
                            + req
                                .messages
                                .iter()
                                .map(|m| estimate_tokens(&m.content) as u64)
                                .sum::<u64>(),
                        completion_tokens: estimate_tokens(&text) as u64,
                    });
                    if let Some(c) = &self.cache {
                        if !text.trim().is_empty() {
                            let _ = c.put(
                                &key,
                                &Entry {
                                    text: text.clone(),
                                    usage,
                                    model: model.clone(),
                                },
                            );
                        }
                    }
                    return Ok(ChatResponse {
                        text,
                        usage,
                        model,
                        cached: false,
                    });
                }
                Err(f) if f.retryable && attempt <= self.settings.max_retries => {
                    let wait = f
                        .retry_after
                        .filter(|d| *d <= MAX_RETRY_AFTER)
                        .unwrap_or_else(|| backoff(self.settings.retry_base, attempt));
                    tokio::time::sleep(wait).await;
                }
                Err(Failure {
                    overflow: Some(o), ..
                }) => return Err(self.overflowed(o)),
                // a server that does not take `response_format`: without it
                Err(f)
                    if f.status == Some(400)
                        && body.get("response_format").is_some()
                        && f.message.to_lowercase().contains("response_format") =>
                {
                    self.format
                        .store(false, std::sync::atomic::Ordering::Relaxed);
                    body = self.body(req, stream);
                    attempt -= 1;
                }
                Err(f) => {
                    let message = if attempt > 1 {
                        format!("{} (after {attempt} attempts)", f.message)
                    } else {
                        f.message
                    };
                    return Err(Error::Provider {
                        provider: self.settings.provider.to_string(),
                        url: self.url.clone(),
                        status: f.status,
                        message,
                        attempts: attempt,
                    });
                }
            }
        }
    }

    /// The error for a request the window could not hold; remembers the
    /// window the server named when nobody set one by hand.
    fn overflowed(&self, o: Overflow) -> Error {
        let s = &self.settings;
        let set_by = match s.context_source {
            WindowSource::Flag | WindowSource::Config => {
                Some((s.context_tokens, s.context_source.to_string()))
            }
            _ => None,
        };
        if set_by.is_none() {
            if let Some(m) = &self.memory {
                m.put(&s.base_url, self.model(), o.window);
            }
        }
        Error::ContextWindow {
            provider: s.provider.to_string(),
            url: self.url.clone(),
            window: o.window,
            requested: o.requested,
            set_by,
        }
    }

    fn request(&self, body: &Value) -> reqwest::RequestBuilder {
        let r = self
            .http
            .post(&self.url)
            .header("content-type", "application/json")
            .body(serde_json::to_vec(body).unwrap_or_default());
        self.provider.authorize(r, self.settings.api_key.as_deref())
    }

    /// Sends the request and turns a non-success status into a [`Failure`].
    async fn send(&self, body: &Value, whole_timeout: bool) -> Result<reqwest::Response, Failure> {
        let mut req = self.request(body);
        if whole_timeout {
            req = req.timeout(self.settings.timeout);
        }
        let resp = req.send().await.map_err(|e| Failure::transport(&e))?;
        let status = resp.status();
        if status.is_success() {
            return Ok(resp);
        }
        let headers = resp.headers().clone();
        let bytes = read_capped(resp, MAX_ERROR_BYTES).await.unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        Err(self.http_failure(status.as_u16(), &headers, &text))
    }

    fn http_failure(&self, status: u16, headers: &HeaderMap, body: &str) -> Failure {
        // a server may quote the key it refused: it never reaches the screen
        let masked;
        let body = match self.settings.api_key.as_deref() {
            Some(key) if key.len() >= 8 && body.contains(key) => {
                masked = body.replace(key, "<API key>");
                masked.as_str()
            }
            _ => body,
        };
        let own = self.provider.error_message(body);
        let snippet: String = body.chars().take(300).collect();
        let message = format!(
            "HTTP {status}: {}",
            own.unwrap_or_else(|| if snippet.trim().is_empty() {
                reqwest::StatusCode::from_u16(status)
                    .ok()
                    .and_then(|s| s.canonical_reason().map(str::to_string))
                    .unwrap_or_default()
            } else {
                snippet
            })
        );
        let retry_after = retry_after(headers);
        let mut retryable = matches!(status, 408 | 409 | 429) || status >= 500;
        if status == 429 {
            retryable &= !self.provider.quota_exhausted(body, retry_after);
        }
        match headers.get("x-should-retry").and_then(|v| v.to_str().ok()) {
            Some("true") => retryable = true,
            Some("false") => retryable = false,
            _ => {}
        }
        // a prompt too long for the window fails the same way every time
        let overflow = if (400..500).contains(&status) || status >= 500 {
            overflow(body)
        } else {
            None
        };
        Failure {
            status: Some(status),
            message,
            retryable: retryable && overflow.is_none(),
            retry_after,
            overflow,
        }
    }

    async fn attempt_once(&self, body: &Value) -> Result<Reply, Failure> {
        let resp = self.send(body, true).await?;
        let bytes = match read_capped(resp, MAX_RESPONSE_BYTES).await {
            Ok(b) if b.len() > MAX_RESPONSE_BYTES => return Err(too_large()),
            Ok(b) => b,
            Err(e) => return Err(Failure::transport(&e)),
        };
        let malformed = |message: String| Failure::after_200(message, true);
        let v: Value = serde_json::from_slice(&bytes)
            .map_err(|e| malformed(format!("the response is not JSON ({e})")))?;
        self.provider.parse_response(&v).map_err(malformed)
    }

    async fn attempt_stream(
        &self,
        body: &Value,
        replay: &mut Replay,
        sink: &mut dyn Sink,
    ) -> Result<Reply, Failure> {
        let resp = self.send(body, false).await?;
        // the whole answer, not just each read, must arrive within the timeout
        let deadline = tokio::time::Instant::now() + self.settings.timeout;
        let mut received = 0usize;
        replay.begin();
        let mut parser = sse::Parser::new();
        let mut bytes = resp.bytes_stream();
        let mut usage: Option<Usage> = None;
        let mut model = None;
        let mut done = false;
        let broken = |message: String| Failure::after_200(message, true);
        let mut handle = |events: Vec<sse::Event>,
                          replay: &mut Replay,
                          sink: &mut dyn Sink|
         -> Result<bool, Failure> {
            for ev in events {
                let steps = self.provider.stream_event(&ev).map_err(
                    |StreamError { message, retryable }| {
                        Failure::after_200(format!("error in the stream: {message}"), retryable)
                    },
                )?;
                for step in steps {
                    match step {
                        Step::Delta(t) => replay.push(&t, sink),
                        Step::Usage(u) => {
                            let cur = usage.get_or_insert_with(Usage::default);
                            cur.prompt_tokens = cur.prompt_tokens.max(u.prompt_tokens);
                            cur.completion_tokens = cur.completion_tokens.max(u.completion_tokens);
                        }
                        Step::Model(m) => model = Some(m),
                        Step::Done => return Ok(true),
                    }
                }
            }
            Ok(false)
        };
        loop {
            let next = tokio::time::timeout_at(deadline, bytes.next()).await;
            let Ok(next) = next else {
                return Err(broken(format!(
                    "timed out: the answer was still streaming after {} s",
                    self.settings.timeout.as_secs()
                )));
            };
            let Some(chunk) = next else { break };
            let chunk = chunk.map_err(|e| {
                broken(format!(
                    "the stream broke off: {}",
                    Failure::transport(&e).message
                ))
            })?;
            received += chunk.len();
            if received > MAX_RESPONSE_BYTES {
                return Err(too_large());
            }
            if handle(parser.feed(&chunk), replay, sink)? {
                done = true;
                break;
            }
        }
        if !done {
            done = handle(parser.finish(), replay, sink)?;
        }
        if !done {
            return Err(broken(
                "the stream ended before the answer was complete".into(),
            ));
        }
        Ok(Reply {
            text: replay.current.clone(),
            usage,
            model,
        })
    }
}

/// The body of `resp`, read up to one byte past `cap` (so that a caller can
/// tell a body that fits from one that does not) and no further.
async fn read_capped(resp: reqwest::Response, cap: usize) -> Result<Vec<u8>, reqwest::Error> {
    let mut out = Vec::new();
    let mut stream = resp.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        let room = cap + 1 - out.len();
        out.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if out.len() > cap {
            break;
        }
    }
    Ok(out)
}

/// A response past [`MAX_RESPONSE_BYTES`]: the server misbehaves, and asking
/// again would only fetch the same flood.
fn too_large() -> Failure {
    Failure::after_200(
        format!(
            "the response is larger than {} MiB, far more than any answer; check the server at this URL",
            MAX_RESPONSE_BYTES >> 20
        ),
        false,
    )
}

fn retry_after(h: &HeaderMap) -> Option<Duration> {
    let get = |k: &str| h.get(k).and_then(|v| v.to_str().ok()).map(str::trim);
    if let Some(ms) = get("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        return (ms >= 0.0).then(|| Duration::from_secs_f64(ms / 1000.0));
    }
    let v = get("retry-after")?;
    if let Ok(secs) = v.parse::<f64>() {
        return (secs >= 0.0).then(|| Duration::from_secs_f64(secs));
    }
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let at = time::PrimitiveDateTime::parse(v, format).ok()?.assume_utc();
    let wait = at - time::OffsetDateTime::now_utc();
    Some(Duration::from_secs_f64(wait.as_seconds_f64().max(0.0)))
}

/// `base · 2^(attempt-1)`, capped, times a jitter factor in [0.75, 1].
fn backoff(base: Duration, attempt: u32) -> Duration {
    let exp = base.saturating_mul(1u32 << (attempt.saturating_sub(1)).min(16));
    let capped = exp.min(MAX_BACKOFF);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let noise = xxhash_rust::xxh3::xxh3_64(&[nanos.to_le_bytes(), attempt.to_le_bytes()].concat());
    let jitter = 0.75 + 0.25 * (noise % 1000) as f64 / 1000.0;
    capped.mul_f64(jitter)
}

/// What a stream has shown, so that a retried stream only shows what is new
/// (or says it restarts when the new answer differs).
#[derive(Debug, Default)]
struct Replay {
    shown: String,
    current: String,
    diverged: bool,
}

impl Replay {
    fn begin(&mut self) {
        self.current.clear();
        self.diverged = false;
    }

    /// Takes the next piece of this attempt's text. Linear in the text: only
    /// the new piece is compared with what is on screen (what came before it
    /// already matched), and only what goes beyond the screen is copied.
    fn push(&mut self, delta: &str, sink: &mut dyn Sink) {
        let start = self.current.len();
        self.current.push_str(delta);
        if self.diverged {
            sink.delta(delta);
            self.shown.push_str(delta);
            return;
        }
        // `current[..start]` is a prefix of `shown`
        let end = self.current.len();
        let overlap = end.min(self.shown.len());
        let repeats = start >= overlap
            || self.current.as_bytes()[start..overlap] == self.shown.as_bytes()[start..overlap];
        if repeats {
            if end > self.shown.len() {
                let new = &self.current[self.shown.len()..];
                sink.delta(new);
                self.shown.push_str(new);
            }
            return; // otherwise all of it is already on screen
        }
        self.diverged = true;
        sink.restart();
        sink.delta(&self.current);
        self.shown = self.current.clone();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Collect(String, usize);
    impl Sink for Collect {
        fn delta(&mut self, t: &str) {
            self.0.push_str(t);
        }
        fn restart(&mut self) {
            self.1 += 1;
            self.0.clear();
        }
    }

    #[test]
    fn replay_shows_each_piece_once() {
        let mut r = Replay::default();
        let mut out = Collect::default();
        r.begin();
        r.push("The sync ", &mut out);
        r.push("breaks", &mut out);
        // the stream breaks; the retry repeats the same start
        r.begin();
        r.push("The sync br", &mut out);
        r.push("eaks every Monday.", &mut out);
        assert_eq!(out.0, "The sync breaks every Monday.");
        assert_eq!(out.1, 0);
        // a retry that says something else restarts the display
        r.begin();
        r.push("Another answer.", &mut out);
        assert_eq!((out.0.as_str(), out.1), ("Another answer.", 1));
    }

    #[test]
    fn retry_after_headers() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", "2".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(2)));
        h.insert("retry-after-ms", "150".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_millis(150)));
        let mut h = HeaderMap::new();
        h.insert(
            "retry-after",
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
        h.insert("retry-after", "soon".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let base = Duration::from_millis(100);
        let b1 = backoff(base, 1);
        let b3 = backoff(base, 3);
        assert!(b1 >= Duration::from_millis(75) && b1 <= base);
        assert!(b3 >= Duration::from_millis(300) && b3 <= Duration::from_millis(400));
        assert!(backoff(base, 30) <= MAX_BACKOFF);
    }
}
