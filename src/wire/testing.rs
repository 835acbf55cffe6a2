//! Test support: a scripted [`Platform`] with virtual time.

use std::time::{Duration, SystemTime};

use super::http::{HttpRequest, HttpResponse, Platform, SendError};

/// A platform that answers from a script and keeps virtual time: sleeping advances it.
pub(crate) struct Scripted {
    /// What each request gets, in order.
    pub answers: Vec<Result<HttpResponse, SendError>>,
    /// What was sent, with the timeout it was given.
    pub sent: Vec<(HttpRequest, Duration)>,
    /// Virtual monotonic time.
    pub clock: Duration,
    /// Wall-clock time at virtual zero.
    pub wall: SystemTime,
}

impl Scripted {
    pub(crate) fn new(answers: Vec<Result<HttpResponse, SendError>>) -> Self {
        Self {
            answers,
            sent: Vec::new(),
            clock: Duration::ZERO,
            wall: SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000),
        }
    }
}

impl Platform for Scripted {
    fn send(
        &mut self,
        request: &HttpRequest,
        timeout: Duration,
    ) -> Result<HttpResponse, SendError> {
        self.sent.push((request.clone(), timeout));
        self.clock += Duration::from_millis(1);
        self.answers.remove(0)
    }
    fn now(&self) -> SystemTime {
        self.wall + self.clock
    }
    fn monotonic(&self) -> Duration {
        self.clock
    }
    fn sleep(&mut self, duration: Duration) {
        self.clock += duration;
    }
    fn random_u64(&mut self) -> u64 {
        u64::MAX
    }
    fn env(&self, _: &str) -> Option<String> {
        None
    }
}

pub(crate) fn answer(
    status: u16,
    headers: &[(&str, &str)],
    body: &str,
) -> Result<HttpResponse, SendError> {
    Ok(HttpResponse {
        status,
        headers: headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
        body: body.as_bytes().to_vec(),
    })
}
