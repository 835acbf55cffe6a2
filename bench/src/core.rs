//! The connector's pure core run natively, with a platform that answers from memory: what one
//! call costs before wasm, the sandbox and the network add theirs. For finding per-call waste
//! (run it under `valgrind --tool=callgrind` for a breakdown by function).

use std::time::{Duration, Instant, SystemTime};

use ddb_connector::wire::{HttpRequest, HttpResponse, Platform, SendError};
use serde_json::json;

use crate::canned_server::{KEY, item_plain, item_typed};
use crate::peers::{Op, Target};

/// Answers every request with one fixed response.
struct Canned(HttpResponse);

impl Platform for Canned {
    fn send(&mut self, _: &HttpRequest, _: Duration) -> Result<HttpResponse, SendError> {
        Ok(self.0.clone())
    }
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
    fn monotonic(&self) -> Duration {
        Duration::ZERO
    }
    fn sleep(&mut self, _: Duration) {}
    fn random_u64(&mut self) -> u64 {
        4
    }
    fn env(&self, _: &str) -> Option<String> {
        None
    }
}

/// Mean native time of one `execute_json` (request text in, result text out) for `op`.
pub fn per_call(op: Op, calls: u32) -> Result<Duration, String> {
    let (input, answer) = match op {
        Op::GetItem => (
            json!({"operationGroup": "itemOperation", "itemOperation": "getItem", "tableName": "bench",
                   "primaryKeyComponents": {"id": KEY}}),
            json!({"Item": item_typed()}).to_string(),
        ),
        Op::PutItem => (
            json!({"operationGroup": "itemOperation", "itemOperation": "addItem", "tableName": "bench",
                   "item": item_plain()}),
            "{}".to_string(),
        ),
    };
    let request = Target::canned("http://127.0.0.1:8000".into()).request(input);
    let mut platform = Canned(HttpResponse {
        status: 200,
        headers: vec![(
            "x-amz-crc32".into(),
            crc32fast::hash(answer.as_bytes()).to_string(),
        )],
        body: answer.into_bytes(),
    });
    let started = Instant::now();
    for _ in 0..calls {
        let result =
            ddb_connector::execute_json(&request, &mut platform).map_err(|e| e.to_string())?;
        std::hint::black_box(result.to_string());
    }
    Ok(started.elapsed() / calls.max(1))
}
