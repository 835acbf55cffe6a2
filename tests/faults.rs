//! Fault injection: a real HTTP server on loopback that misbehaves on purpose (what moto and
//! dynalite cannot be made to do). Each case checks the error kind, the attempts, the time
//! bound, and for successes the exact result.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ddb_connector_host::{ConnectorError, Tenant};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does with one request.
#[derive(Clone)]
enum Fault {
    /// Answer with this status, extra headers and body (with a correct Content-Length).
    Answer(u16, Vec<(&'static str, String)>, String),
    /// Close the connection without answering.
    Reset,
    /// Read the request and never answer.
    Hang,
    /// Answer 200 with the body one byte every `Duration`.
    Slow(String, Duration),
    /// Promise `usize` bytes of body, send the first few, close.
    Truncated(usize),
}

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

fn crc(body: &str) -> String {
    // CRC-32 (IEEE), as DynamoDB computes it: independent of the guest's implementation.
    let mut crc = 0xFFFF_FFFFu32;
    for byte in body.bytes() {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    (!crc).to_string()
}

/// A misbehaving server: request n gets `script[n]` (the last entry repeats).
struct FaultServer {
    url: String,
    requests: Arc<AtomicUsize>,
}

impl FaultServer {
    async fn start(script: Vec<Fault>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(AtomicUsize::new(0));
        let counter = requests.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let n = counter.fetch_add(1, Ordering::SeqCst);
                let fault = script[n.min(script.len() - 1)].clone();
                tokio::spawn(serve(stream, fault));
            }
        });
        Self { url, requests }
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

async fn read_request(stream: &mut TcpStream) {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let Ok(n) = stream.read(&mut chunk).await else {
            return;
        };
        if n == 0 {
            return;
        }
        buffer.extend_from_slice(&chunk[..n]);
        if common::request_length(&buffer).is_some() {
            return;
        }
    }
}

async fn serve(mut stream: TcpStream, fault: Fault) {
    read_request(&mut stream).await;
    let head = |status: u16, length: usize, extra: &[(&str, String)]| {
        let mut head = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: application/x-amz-json-1.0\r\ncontent-length: {length}\r\nx-amzn-requestid: fault-1\r\nconnection: close\r\n"
        );
        for (name, value) in extra {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head + "\r\n"
    };
    match fault {
        Fault::Answer(status, headers, body) => {
            let _ = stream
                .write_all(format!("{}{body}", head(status, body.len(), &headers)).as_bytes())
                .await;
        }
        Fault::Reset => {
            // Linger zero makes the close a TCP reset; with zero it does not block on drop,
            // which is what the deprecation warns of.
            #[allow(deprecated)]
            let _ = stream.set_linger(Some(Duration::ZERO));
            drop(stream);
            return;
        }
        Fault::Hang => {
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
        Fault::Slow(body, pause) => {
            let _ = stream
                .write_all(head(200, body.len(), &[("x-amz-crc32", crc(&body))]).as_bytes())
                .await;
            for byte in body.bytes() {
                tokio::time::sleep(pause).await;
                if stream.write_all(&[byte]).await.is_err() {
                    return;
                }
            }
        }
        Fault::Truncated(promised) => {
            let _ = stream
                .write_all(format!("{}{}", head(200, promised, &[]), &ITEM[..20]).as_bytes())
                .await;
        }
    }
    let _ = stream.shutdown().await;
}

/// Runs getItem against the fault server; (result, elapsed, requests the server saw).
async fn get_item(
    server: &FaultServer,
    timeout_ms: u64,
) -> (Result<Value, ConnectorError>, Duration) {
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
    (result, elapsed)
}

fn expect_item(result: Result<Value, ConnectorError>) {
    let value = result.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        value["response"],
        json!({"id": {"S": "1"}, "n": {"N": "12345678901234567890123456789012345678"}})
    );
}

fn expect_error(
    result: Result<Value, ConnectorError>,
    kind: &str,
    code: Option<&str>,
    attempts: u32,
) {
    match (&result, kind) {
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
    let (result, elapsed) = get_item(&server, 5000).await;
    expect_item(result);
    assert_eq!(server.requests(), 3);
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_500_then_the_answer() {
    let server =
        FaultServer::start(vec![Fault::Answer(500, vec![], "{}".into()), ok_answer()]).await;
    let (result, _) = get_item(&server, 5000).await;
    expect_item(result);
    assert_eq!(server.requests(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_503_forever_stops_after_three_attempts() {
    let server = FaultServer::start(vec![Fault::Answer(503, vec![], "".into())]).await;
    let (result, elapsed) = get_item(&server, 5000).await;
    expect_error(result, "execution", Some("Http503"), 3);
    assert_eq!(server.requests(), 3);
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_resets_are_retried_then_reported() {
    let server = FaultServer::start(vec![Fault::Reset]).await;
    let (result, _) = get_item(&server, 5000).await;
    expect_error(result, "connection", None, 3);
    assert_eq!(server.requests(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_never_answers_costs_at_most_the_timeout() {
    let server = FaultServer::start(vec![Fault::Hang]).await;
    let (result, elapsed) = get_item(&server, 1500).await;
    assert!(
        matches!(result, Err(ConnectorError::Connection { .. })),
        "{result:?}"
    );
    assert!(elapsed >= Duration::from_millis(1400), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(3000), "{elapsed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_answer_byte_by_byte_still_arrives_whole() {
    let server = FaultServer::start(vec![Fault::Slow(ITEM.into(), Duration::from_millis(5))]).await;
    let (result, _) = get_item(&server, 10_000).await;
    expect_item(result);
    assert_eq!(server.requests(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_truncated_body_is_retried_then_reported() {
    let server = FaultServer::start(vec![Fault::Truncated(500)]).await;
    let (result, _) = get_item(&server, 5000).await;
    expect_error(result, "connection", None, 3);
    let server = FaultServer::start(vec![Fault::Truncated(500), ok_answer()]).await;
    let (result, _) = get_item(&server, 5000).await;
    expect_item(result);
    assert_eq!(server.requests(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_crc32_is_retried_then_reported() {
    let bad = Fault::Answer(200, vec![("x-amz-crc32", "1".into())], ITEM.into());
    let server = FaultServer::start(vec![bad.clone(), ok_answer()]).await;
    expect_item(get_item(&server, 5000).await.0);
    assert_eq!(server.requests(), 2);
    let server = FaultServer::start(vec![bad]).await;
    expect_error(
        get_item(&server, 5000).await.0,
        "execution",
        Some("Crc32Mismatch"),
        3,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xml_and_html_error_bodies_keep_their_meaning() {
    let xml = "<ErrorResponse><Error><Code>AccessDenied</Code><Message>no</Message></Error></ErrorResponse>";
    let server = FaultServer::start(vec![Fault::Answer(403, vec![], xml.into())]).await;
    expect_error(
        get_item(&server, 5000).await.0,
        "execution",
        Some("AccessDenied"),
        1,
    );
    let server = FaultServer::start(vec![Fault::Answer(
        502,
        vec![],
        "<html><body>Bad Gateway</body></html>".into(),
    )])
    .await;
    expect_error(
        get_item(&server, 5000).await.0,
        "execution",
        Some("Http502"),
        3,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_is_not_json_is_an_error_not_a_crash() {
    let server =
        FaultServer::start(vec![Fault::Answer(200, vec![], "this is not json".into())]).await;
    expect_error(
        get_item(&server, 5000).await.0,
        "execution",
        Some("InvalidResponse"),
        3,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_body_is_refused_at_the_host_limit() {
    let huge = format!(
        "{{\"Item\":{{\"id\":{{\"S\":\"{}\"}}}}}}",
        "x".repeat(17 << 20)
    );
    let server = FaultServer::start(vec![Fault::Answer(200, vec![], huge)]).await;
    let (result, _) = get_item(&server, 10_000).await;
    match result {
        Err(ConnectorError::Connection { message, .. }) => {
            assert!(message.contains("limit"), "{message}")
        }
        other => panic!("{other:?}"),
    }
}
