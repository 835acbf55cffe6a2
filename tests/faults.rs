//! Fault injection: a loopback HTTP server that misbehaves on purpose (what moto and dynalite
//! cannot be made to do; tests/common/fault_server.rs). Each case checks the error kind, the
//! attempts the connector reports, the HTTP requests the guest started and the server received
//! (each a whole, signed GetItem), and for successes the exact result. Time is measured by
//! counts (attempts, requests, connections), not by the clock: the only clock bounds are a
//! lower one that a slow machine cannot break and an upper one far from any real case.

mod common;

use std::time::{Duration, Instant};

use common::fault_server::{Fault, FaultServer, crc};
use ddb_connector_host::{ConnectorError, Tenant};
use serde_json::{Value, json};

const ITEM: &str =
    r#"{"Item":{"id":{"S":"1"},"n":{"N":"12345678901234567890123456789012345678"}}}"#;

/// How long `Fault::Hang` holds a connection (tests/common/fault_server.rs).
const HUNG_SERVER_WAIT: Duration = Duration::from_secs(60);

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
        "authentication": {"type": "credentials", "accessKey": "AKIDFAULT", "secretKey": common::test_secret("fault")},
        "configuration": {"region": "us-east-1", "endpoint": server.url, "maxAttempts": 3, "timeoutMs": timeout_ms},
        "input": {"operationGroup": "itemOperation", "itemOperation": "getItem", "tableName": "orders", "primaryKeyComponents": {"id": "1"}},
    });
    let host = common::host(); // loaded before the timing starts
    let started = Instant::now();
    let invocation = host
        .execute_json(&request.to_string(), &Tenant::default())
        .await
        .expect("no trap");
    let result = invocation
        .result
        .map(|text| serde_json::from_str(&text).unwrap());
    let elapsed = started.elapsed();
    // A hung server holds its connection for a minute: half of that, whatever the machine's
    // load, can only mean the call's own bound did not end it.
    assert!(
        elapsed < HUNG_SERVER_WAIT / 2,
        "{elapsed:?}: the bound did not end the call"
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
    // It waited for the answer until the bound (a lower bound: a loaded machine only adds),
    // and the bound, not the server, ended it (get_item's upper bound).
    assert!(
        outcome.elapsed >= Duration::from_millis(1400),
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

/// Throttled with `x-amz-retry-after`: the next attempt waits what the server asked, far more
/// than the backoff would (a lower bound: a slow machine only waits longer).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn x_amz_retry_after_sets_the_delay_before_the_next_attempt() {
    let asked = Fault::Answer(
        400,
        vec![("x-amz-retry-after", "1500".into())],
        r#"{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"later"}"#
            .into(),
    );
    let server = FaultServer::start(vec![asked, ok_answer()]).await;
    let outcome = get_item(&server, 10_000).await;
    expect_received(&server, &outcome, 2);
    let received = server.received();
    let waited = received[1].at - received[0].at;
    assert!(waited >= Duration::from_millis(1500), "{waited:?}");
    expect_item(outcome.result);
}

/// The X-Amz-Date of a request (`YYYYMMDDTHHMMSSZ`), in seconds since 1970.
fn amz_date(request: &common::fault_server::Received) -> i64 {
    let text = request.header("x-amz-date").expect("x-amz-date");
    let number = |range: std::ops::Range<usize>| -> i64 { text[range].parse().expect(text) };
    let (year, month, day) = (number(0..4), number(4..6), number(6..8));
    // Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    days * 86_400 + number(9..11) * 3600 + number(11..13) * 60 + number(13..15)
}

/// A signature refused as expired, the server's clock two hours ahead: retried once, signed
/// with the server's time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signature_refused_for_clock_skew_is_signed_again_with_the_servers_clock() {
    let ahead = Duration::from_secs(2 * 3600);
    let server_now = std::time::SystemTime::now() + ahead;
    let expired = Fault::Answer(
        400,
        vec![("date", httpdate::fmt_http_date(server_now))],
        r#"{"__type":"com.amazon.coral.service#InvalidSignatureException","message":"Signature expired: the date is now earlier than the server's"}"#.into(),
    );
    let server = FaultServer::start(vec![expired, ok_answer()]).await;
    let outcome = get_item(&server, 10_000).await;
    expect_received(&server, &outcome, 2);
    let received = server.received();
    let shift = amz_date(&received[1]) - amz_date(&received[0]);
    // Two hours, give or take the minute a slow machine might add between the attempts.
    let ahead = ahead.as_secs() as i64;
    assert!((ahead - 60..=ahead + 60).contains(&shift), "{shift} s");
    expect_item(outcome.result);
}

/// A table that stays CREATING: createTable's wait ends at `waitTimeoutMs` with WaitTimeout
/// (status 200, DynamoDB's last), after polling DescribeTable.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_table_that_never_becomes_active_is_a_wait_timeout() {
    let creating = r#"{"TableDescription":{"TableName":"orders","TableStatus":"CREATING"},"Table":{"TableName":"orders","TableStatus":"CREATING"}}"#;
    let server = FaultServer::start(vec![Fault::Answer(200, vec![], creating.into())]).await;
    let request = json!({
        "authentication": {"type": "credentials", "accessKey": "AKIDFAULT", "secretKey": common::test_secret("fault")},
        "configuration": {"region": "us-east-1", "endpoint": server.url},
        "input": {"operationGroup": "tableOperation", "tableOperation": "createTable", "tableName": "orders",
                  "partitionKey": "id", "partitionKeyType": "S", "billingModeStr": "PAY_PER_REQUEST",
                  "waitTimeoutMs": 400},
    });
    let invocation = common::host()
        .execute_json(&request.to_string(), &Tenant::default())
        .await
        .expect("no trap");
    match &invocation.result {
        Err(ConnectorError::Execution {
            code,
            http_status,
            message,
            ..
        }) => {
            assert_eq!(
                (code.as_str(), *http_status),
                ("WaitTimeout", 200),
                "{message}"
            );
            assert!(message.contains("still CREATING"), "{message}");
        }
        other => panic!("expected WaitTimeout, got {other:?}"),
    }
    let targets: Vec<_> = server
        .received()
        .iter()
        .map(|r| r.header("x-amz-target").unwrap_or_default().to_string())
        .collect();
    assert_eq!(targets[0], "DynamoDB_20120810.CreateTable");
    assert!(targets.len() >= 3, "{targets:?}");
    assert!(
        targets[1..]
            .iter()
            .all(|t| t == "DynamoDB_20120810.DescribeTable"),
        "{targets:?}"
    );
    assert_eq!(invocation.http_requests as usize, targets.len());
}

/// A session token of 80 KB would pass the host's cap on one fields resource (wasmtime-wasi-http
/// traps the whole invocation over `max_fields_size`): the guest refuses it as a configuration
/// error naming the field before anything is sent, whether the token is given or comes from the
/// sandbox's environment. A token at the guest's bound (16 KiB) goes out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_headers_over_the_hosts_cap_are_an_error_not_a_trap() {
    let server = FaultServer::start(vec![ok_answer()]).await;
    let request = |auth: Value| {
        json!({
            "authentication": auth,
            "configuration": {"region": "us-east-1", "endpoint": server.url, "maxAttempts": 3},
            "input": {"operationGroup": "itemOperation", "itemOperation": "getItem", "tableName": "orders", "primaryKeyComponents": {"id": "1"}},
        })
        .to_string()
    };
    let with_token = |bytes: usize| {
        request(json!({"type": "credentials", "accessKey": "AKIDFAULT",
                       "secretKey": common::test_secret("fault"), "sessionToken": "t".repeat(bytes)}))
    };
    let from_environment = Tenant {
        env: vec![
            ("AWS_ACCESS_KEY_ID".into(), "AKIDFAULT".into()),
            (
                "AWS_SECRET_ACCESS_KEY".into(),
                common::test_secret("fault-env"),
            ),
            ("AWS_SESSION_TOKEN".into(), "t".repeat(80 << 10)),
        ],
        ..Tenant::default()
    };
    let host = common::host();
    let cases = [
        (
            with_token(80 << 10),
            Tenant::default(),
            "authentication.sessionToken",
            "16384",
        ),
        (
            request(json!({"type": "defaultCredentialsChain"})),
            from_environment,
            "authentication",
            "AWS_SESSION_TOKEN",
        ),
    ];
    for (request, tenant, expected_field, mentioned) in cases {
        let over = host.execute_json(&request, &tenant).await.expect("no trap");
        match &over.result {
            Err(ConnectorError::Configuration { field, message }) => {
                assert_eq!(field.as_deref(), Some(expected_field), "{message}");
                assert!(message.contains(mentioned), "{message}");
                assert!(!message.contains("tttt"), "the token is not echoed");
            }
            other => panic!("expected a configuration error, got {other:?}"),
        }
        assert_eq!(over.http_requests, 0);
        assert_eq!(
            server.counts(),
            (0, 0),
            "a request over the cap reached the server"
        );
    }
    let under = host
        .execute_json(&with_token(16 << 10), &Tenant::default())
        .await
        .expect("no trap");
    expect_item(under.result.map(|t| serde_json::from_str(&t).unwrap()));
    assert_eq!(server.counts(), (1, 1));
}
