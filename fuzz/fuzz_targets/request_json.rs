//! The request reader and every operation: any text gives a checked request or a configuration
//! error, never a panic; a request it accepts runs through `execute` over a canned platform
//! (every call answered `{}` at once), building its DynamoDB bodies and rendering its result
//! without panicking.
#![no_main]

use std::time::{Duration, SystemTime};

use ddb_connector::wire::{HttpRequest, HttpResponse, Platform, SendError};
use libfuzzer_sys::fuzz_target;

/// Answers every call `200 {}`; its clock moves only when the guest sleeps, so waits end.
struct Canned {
    elapsed: Duration,
}

impl Platform for Canned {
    fn send(&mut self, _: &HttpRequest, _: Duration) -> Result<HttpResponse, SendError> {
        Ok(HttpResponse {
            status: 200,
            headers: vec![("x-amzn-requestid".into(), "fuzz".into())],
            body: b"{}".to_vec(),
        })
    }

    fn now(&self) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000) + self.elapsed
    }

    fn monotonic(&self) -> Duration {
        self.elapsed
    }

    fn sleep(&mut self, duration: Duration) {
        self.elapsed += duration.max(Duration::from_millis(1));
    }

    fn random_u64(&mut self) -> u64 {
        0x5eed
    }

    fn env(&self, _: &str) -> Option<String> {
        None
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match ddb_connector::parse_request_json(text) {
        Ok(request) => {
            let mut platform = Canned { elapsed: Duration::ZERO };
            if let Ok(completed) = ddb_connector::execute(request, &mut platform) {
                let _ = completed.into_json_text();
            }
        }
        Err(ddb_connector::ConnectorError::Configuration { .. }) => {}
        Err(other) => panic!("the reader gave a non-configuration error: {other:?}"),
    }
});
