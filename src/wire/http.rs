//! What the connector needs from its sandbox ([`Platform`]), and the HTTP request and answer
//! that pass through it.

use std::time::{Duration, SystemTime};

use crate::error::ConnectorError;

/// The most bytes one credential that becomes a header value may hold (`accessKey`, in
/// `authorization`; `sessionToken`, in `x-amz-security-token`). Real keys are 16 to 128 bytes and
/// STS session tokens a few KiB; the bound keeps every request under the host's cap on one
/// fields resource (wasmtime-wasi-http's `max_fields_size`, 64 KiB by default), which it enforces
/// by trapping the whole invocation rather than by failing the call.
pub const MAX_HEADER_VALUE_BYTES: usize = 16 * 1024;

/// The most bytes all of one request's headers may hold together (each name and value, plus
/// `host`), checked before anything is sent.
pub const MAX_REQUEST_HEADER_BYTES: usize = 48 * 1024;

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
    /// Headers to send, lowercase names (every name the connector sends is a constant).
    pub headers: Vec<(&'static str, String)>,
    /// JSON body.
    pub body: Vec<u8>,
}

impl HttpRequest {
    /// The bytes of every header's name and value, `host` (the authority) included.
    pub fn header_bytes(&self) -> usize {
        let sent: usize = self.headers.iter().map(|(n, v)| n.len() + v.len()).sum();
        sent + "host".len() + self.authority.len()
    }

    /// A configuration error when the headers together pass [`MAX_REQUEST_HEADER_BYTES`], naming
    /// the largest header and the request field it comes from, so nothing over the host's cap is
    /// ever handed to it.
    pub fn check_header_bytes(&self) -> Result<(), ConnectorError> {
        let total = self.header_bytes();
        if total <= MAX_REQUEST_HEADER_BYTES {
            return Ok(());
        }
        let largest = self
            .headers
            .iter()
            .max_by_key(|(n, v)| n.len() + v.len())
            .map_or("host", |(n, _)| *n);
        let field = match largest {
            "x-amz-security-token" => "authentication.sessionToken",
            "authorization" => "authentication.accessKey",
            _ => "configuration",
        };
        Err(ConnectorError::config(
            field,
            format!(
                "the request's headers would hold {total} bytes, over the limit of \
                 {MAX_REQUEST_HEADER_BYTES}; the largest is {largest}: nothing was sent"
            ),
        ))
    }
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
