//! How one call is retried: the policy a request sets, the backoff between attempts, and
//! when a rejected signature is worth retrying with the server's clock.

use std::time::{Duration, SystemTime};

use super::http::HttpResponse;
use crate::error::ConnectorError;

/// Backoff base (DynamoDB's SDK default is 25 ms) and cap.
pub const BACKOFF_BASE: Duration = Duration::from_millis(25);
/// See [`BACKOFF_BASE`].
pub const BACKOFF_CAP: Duration = Duration::from_secs(20);
/// Skew beyond which a rejected signature is retried with the server's clock.
const SKEW_TOLERANCE: Duration = Duration::from_secs(60);

/// How one call is retried and bounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts per call, retries included (the AWS SDKs' standard mode: 3).
    pub max_attempts: u32,
    /// Bound on one call, all attempts and backoff included.
    pub timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            timeout: Duration::from_secs(30),
        }
    }
}

/// A uniform number in `[0, 1)` from 64 random bits (53 of them fit an f64 exactly).
pub fn unit_interval(bits: u64) -> f64 {
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// The longest backoff before retry `attempt + 1`: `min(base * 2^(attempt-1), cap)`; the
/// delay is a uniform share of it.
pub fn backoff_ceiling(attempt: u32) -> Duration {
    BACKOFF_BASE
        .saturating_mul(1u32 << (attempt.clamp(1, 20) - 1))
        .min(BACKOFF_CAP)
}

/// The offset (server minus local, in seconds) to sign with, when `error` says the signature
/// was rejected for its time and the answer's `Date` shows a skew past the tolerance.
pub fn skew_of(error: &ConnectorError, response: &HttpResponse, now: SystemTime) -> Option<i64> {
    let ConnectorError::Execution { code, message, .. } = error else {
        return None;
    };
    let about_time = matches!(
        code.as_str(),
        "RequestTimeTooSkewed" | "RequestExpired" | "RequestInTheFuture"
    ) || (matches!(
        code.as_str(),
        "InvalidSignatureException" | "SignatureDoesNotMatch"
    ) && (message.contains("expired")
        || message.contains("Signature not yet current")));
    if !about_time {
        return None;
    }
    let server = httpdate::parse_http_date(response.header("date")?).ok()?;
    let offset = match server.duration_since(now) {
        Ok(ahead) => ahead.as_secs_f64().round() as i64,
        Err(behind) => -(behind.duration().as_secs_f64().round() as i64),
    };
    (offset.unsigned_abs() > SKEW_TOLERANCE.as_secs()).then_some(offset)
}
