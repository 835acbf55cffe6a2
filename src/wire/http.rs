//! What the connector needs from its sandbox ([`Platform`]), and the HTTP request and answer
//! that pass through it.

use std::time::{Duration, SystemTime};

/// What the connector needs from its sandbox: outgoing HTTP, clocks, randomness, environment.
pub trait Platform {
    /// Sends one request, giving up after `timeout`; `Err` is a connection failure, described.
    fn send(&mut self, request: &HttpRequest, timeout: Duration)
    -> Result<HttpResponse, SendError>;
    /// Wall-clock time, for signatures.
    fn now(&self) -> SystemTime;
    /// Monotonic time since an arbitrary origin, for deadlines.
    fn monotonic(&self) -> Duration;
    /// Waits, for backoff and for tables to settle.
    fn sleep(&mut self, duration: Duration);
    /// 64 random bits, for backoff jitter and idempotency tokens.
    fn random_u64(&mut self) -> u64;
    /// An environment variable, for the default credentials chain.
    fn env(&self, name: &str) -> Option<String>;
}

/// Why a request got no answer, and whether another attempt could get one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError {
    /// What went wrong, for the connection error's message.
    pub message: String,
    /// `false` when the same request would fail the same way: the host's egress policy refused
    /// it, or the endpoint's certificate was rejected.
    pub retryable: bool,
}

impl SendError {
    /// A failure another attempt may not repeat (reset, timeout, refused connection).
    pub fn transient(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            retryable: true,
        }
    }

    /// A failure every attempt would repeat.
    pub fn permanent(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            retryable: false,
        }
    }
}

/// A signed request, ready to send. `headers` never holds `host`: the host sets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// `true` for https.
    pub https: bool,
    /// `host[:port]`.
    pub authority: String,
    /// Headers to send, lowercase names.
    pub headers: Vec<(String, String)>,
    /// JSON body.
    pub body: Vec<u8>,
}

/// An HTTP answer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Headers, lowercase names.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The first header of that (lowercase) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}
