//! Fault injection: a loopback HTTP server that misbehaves on purpose (what moto and dynalite
//! cannot be made to do; tests/common/fault_server.rs). Each case checks the error kind, the
//! attempts the connector reports, the HTTP requests the guest started and the server received
//! (each a whole, signed GetItem), the time bound, and for successes the exact result.

mod common;

use std::time::{Duration, Instant};

use common::fault_server::{Fault, FaultServer, crc};
use ddb_connector_host::{ConnectorError, Tenant};
use serde_json::{Value, json};

const ITEM: &str =
    r#"{"Item":{"id":{"S":"1"},"n":{"N":"12345678901234567890123456789012345678"}}}"#;

fn ok_answer() -> Fault {
    Fault::Answer(200, vec![("x-amz-crc32", crc(ITEM))], ITEM.into())
}

fn throttled() -> Fault {
    Fault::Answer(
        400,
        vec![],
        r#"{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"slow down"}"#.into(),
    )
}

/// What one getItem against the fault server gave.
struct Outcome {
    result: Result<Value, ConnectorError>,
    elapsed: Duration,
    /// HTTP requests the guest started.
    started: u32,
}

/// Runs getItem against the fault server.
async fn get_item(server: &FaultServer, timeout_ms: u64) -> Outcome {
    let request = json!({
        "authentication": {"type": "credentials", "accessKey": "AKIDFAULT", "secretKey": "fault-secret"},
        "configuration": {"region": "us-east-1", "endpoint": server.url, "maxAttempts": 3, "timeoutMs": timeout_ms},
        "input": {"operationGroup": "itemOperation", "itemOperation": "getItem", "tableName": "orders", "primaryKeyComponents": {"id": "1"}},
    });
    let host = common::host(); // compiled once per binary: not part of the timing
    let started = Instant::now();
    let invocation = host
        .execute_json(&request.to_string(), &Tenant::default())
        .await
        .expect("no trap");
    let result = invocation
        .result
        .map(|text| serde_json::from_str(&text).unwrap());
    let elapsed = started.elapsed();
    // Every case, whatever the fault, ends within the call's bound (plus slack for a loaded machine).
    assert!(
        elapsed < Duration::from_millis(timeout_ms + 1500),
        "{elapsed:?} past the {timeout_ms} ms bound"
    );
    Outcome {
        result,
        elapsed,
        started: invocation.http_requests,
    }
}

/// What the server saw: exactly `requests` whole HTTP requests, each on a connection of its own
/// (every answer closes), each the same signed GetItem; and the guest started as many.
fn expect_received(server: &FaultServer, outcome: &Outcome, requests: usize) {
    let received = server.received();
    assert_eq!(
        received.len(),
        requests,
        "HTTP requests the server received: {received:#?}"
    );
    assert_eq!(server.connections(), requests, "connections accepted");
    assert_eq!(
        outcome.started as usize, requests,
        "HTTP requests the guest started"
    );
    for (n, request) in received.iter().enumerate() {
        assert_eq!(request.connection, n, "one request per connection");
        assert_eq!(
            (request.method.as_str(), request.path.as_str()),
            ("POST", "/")
        );
        assert_eq!(
            request.header("x-amz-target"),
            Some("DynamoDB_20120810.GetItem")
        );
        assert_eq!(
            request.header("content-type"),
            Some("application/x-amz-json-1.0")
        );
        let length = request.body.len().to_string();
        assert_eq!(request.header("content-length"), Some(length.as_str()));
        let body: Value = serde_json::from_slice(&request.body).expect("a JSON body");
        assert_eq!(
            body,
            json!({"TableName": "orders", "Key": {"id": {"S": "1"}}})
        );
        let authorization = request.header("authorization").unwrap_or_default();
        assert!(
            authorization.starts_with("AWS4-HMAC-SHA256 Credential=AKIDFAULT/")
                && authorization.contains("/us-east-1/dynamodb/aws4_request, SignedHeaders="),
            "request {n}: {authorization:?}"
        );
        assert!(request.header("x-amz-date").is_some(), "request {n}");
    }
}

fn expect_item(result: Result<Value, ConnectorError>) {
    let value = result.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        value["response"],
        json!({"id": {"S": "1"}, "n": {"N": "12345678901234567890123456789012345678"}})
    );
}

fn expect_error(
    result: &Result<Value, ConnectorError>,
    kind: &str,
    code: Option<&str>,
    attempts: u32,
) {
    match (result, kind) {
        (Err(ConnectorError::Connection { attempts: a, .. }), "connection") => {
            assert_eq!(*a, attempts, "{result:?}")
        }
        (
            Err(ConnectorError::Execution {
                attempts: a,
                code: c,
                ..
            }),
            "execution",
        ) => {
            assert_eq!(*a, attempts, "{result:?}");
            if let Some(code) = code {
                assert_eq!(c, code);
            }
        }
        _ => panic!("expected a {kind} error, got {result:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttled_twice_then_the_answer() {
    let server = FaultServer::start(vec![throttled(), throttled(), ok_answer()]).await;
    let outcome = get_item(&server, 5000).await;
    expect_received(&server, &outcome, 3);
    assert!(
        outcome.elapsed < Duration::from_secs(2),
        "{:?}",
        outcome.elapsed
    );
    expect_item(outcome.result);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_500_then_the_answer() {
    let server =
        FaultServer::start(vec![Fault::Answer(500, vec![], "{}".into()), ok_answer()]).await;
    let outcome = get_item(&server, 5000).await;
    expect_received(&server, &outcome, 2);
    expect_item(outcome.result);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_503_forever_stops_after_three_attempts() {
    let server = FaultServer::start(vec![Fault::Answer(503, vec![], "".into())]).await;
    let outcome = get_item(&server, 5000).await;
    expect_error(&outcome.result, "execution", Some("Http503"), 3);
    expect_received(&server, &outcome, 3);
    assert!(
        outcome.elapsed < Duration::from_secs(2),
        "{:?}",
        outcome.elapsed
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_resets_are_retried_then_reported() {
    let server = FaultServer::start(vec![Fault::Reset]).await;
    let outcome = get_item(&server, 5000).await;
    expect_error(&outcome.result, "connection", None, 3);
    expect_received(&server, &outcome, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_never_answers_costs_at_most_the_timeout() {
    let server = FaultServer::start(vec![Fault::Hang]).await;
    let outcome = get_item(&server, 1500).await;
    // The first attempt waits out the whole bound: nothing is left for a second one.
    expect_error(&outcome.result, "connection", None, 1);
    expect_received(&server, &outcome, 1);
    assert!(
        outcome.elapsed >= Duration::from_millis(1400),
        "{:?}",
        outcome.elapsed
    );
    assert!(
        outcome.elapsed < Duration::from_millis(3000),
        "{:?}",
        outcome.elapsed
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_answer_byte_by_byte_still_arrives_whole() {
    let server = FaultServer::start(vec![Fault::Slow(ITEM.into(), Duration::from_millis(5))]).await;
    let outcome = get_item(&server, 10_000).await;
    expect_received(&server, &outcome, 1);
    expect_item(outcome.result);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_truncated_body_is_retried_then_reported() {
    let truncated = || Fault::Truncated(500, ITEM[..20].into());
    let server = FaultServer::start(vec![truncated()]).await;
    let outcome = get_item(&server, 5000).await;
    expect_error(&outcome.result, "connection", None, 3);
    expect_received(&server, &outcome, 3);
    let server = FaultServer::start(vec![truncated(), ok_answer()]).await;
    let outcome = get_item(&server, 5000).await;
    expect_received(&server, &outcome, 2);
    expect_item(outcome.result);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_crc32_is_retried_then_reported() {
    let bad = Fault::Answer(200, vec![("x-amz-crc32", "1".into())], ITEM.into());
    let server = FaultServer::start(vec![bad.clone(), ok_answer()]).await;
    let outcome = get_item(&server, 5000).await;
    expect_received(&server, &outcome, 2);
    expect_item(outcome.result);
    let server = FaultServer::start(vec![bad]).await;
    let outcome = get_item(&server, 5000).await;
    expect_error(&outcome.result, "execution", Some("Crc32Mismatch"), 3);
    expect_received(&server, &outcome, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xml_and_html_error_bodies_keep_their_meaning() {
    let xml = "<ErrorResponse><Error><Code>AccessDenied</Code><Message>no</Message></Error></ErrorResponse>";
    let server = FaultServer::start(vec![Fault::Answer(403, vec![], xml.into())]).await;
    let outcome = get_item(&server, 5000).await;
    // An access error is not retried.
    expect_error(&outcome.result, "execution", Some("AccessDenied"), 1);
    expect_received(&server, &outcome, 1);
    let html = "<html><body>Bad Gateway</body></html>";
    let server = FaultServer::start(vec![Fault::Answer(502, vec![], html.into())]).await;
    let outcome = get_item(&server, 5000).await;
    expect_error(&outcome.result, "execution", Some("Http502"), 3);
    expect_received(&server, &outcome, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_is_not_json_is_an_error_not_a_crash() {
    let server =
        FaultServer::start(vec![Fault::Answer(200, vec![], "this is not json".into())]).await;
    let outcome = get_item(&server, 5000).await;
    expect_error(&outcome.result, "execution", Some("InvalidResponse"), 3);
    expect_received(&server, &outcome, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_body_is_refused_at_the_host_limit() {
    let huge = format!(
        "{{\"Item\":{{\"id\":{{\"S\":\"{}\"}}}}}}",
        "x".repeat(17 << 20)
    );
    let server = FaultServer::start(vec![Fault::Answer(200, vec![], huge)]).await;
    let outcome = get_item(&server, 10_000).await;
    match &outcome.result {
        Err(ConnectorError::Connection { message, .. }) => {
            assert!(message.contains("limit"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    // A read that fails is a connection failure: retried like one.
    expect_error(&outcome.result, "connection", None, 3);
    expect_received(&server, &outcome, 3);
}
