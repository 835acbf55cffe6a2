//! The served form under the stock `wasmtime serve` on loopback: `POST /` runs a request through
//! to moto (signatures verified) and back; connector errors carry their status and JSON; other
//! methods and paths are refused; bodies over the cap get 413; no answer holds a secret.
//! Needs what scripts/test.sh installs and starts.

mod common;
#[allow(dead_code)] // this file uses only the wasmtime CLI's path
#[path = "stock_hosts/runners.rs"]
mod runners;
#[allow(dead_code)]
#[path = "stock_hosts/wave.rs"]
mod wave;

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::fault_server::{Fault, FaultServer};
use common::{item_op, moto, request, table_op, unique_table};
use serde_json::{Value, json};

/// `wasmtime serve` on a free loopback port, stopped when dropped.
struct Served {
    child: Child,
    address: String,
    /// Reads its log to the end, then keeps it for the scan for secrets.
    log_reader: Option<std::thread::JoinHandle<()>>,
}

/// How long `wasmtime serve` may take to compile the component and listen.
const SERVE_DEADLINE: Duration = Duration::from_secs(120);

impl Served {
    fn start() -> Self {
        // Port 0: the server binds a free port itself and says which (no port taken and released).
        // -S cli: the component reads its environment (the default credentials chain).
        let mut child = Command::new(runners::wasmtime_cli())
            .args(["serve", "-S", "cli", "--addr", "127.0.0.1:0"])
            .arg(common::component_path())
            .stderr(Stdio::piped())
            .spawn()
            .expect("wasmtime serve starts");
        let stderr = BufReader::new(child.stderr.take().unwrap());
        let (lines, serving) = std::sync::mpsc::channel();
        // Reads its log to the end, so that it never blocks on a full pipe.
        let log_reader = std::thread::spawn(move || {
            let mut log = String::new();
            for line in stderr.lines().map_while(Result::ok) {
                log.push_str(&line);
                log.push('\n');
                let _ = lines.send(line);
            }
            common::keep_text("wasmtime-serve", &log);
        });
        let deadline = Instant::now() + SERVE_DEADLINE;
        let address = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = match serving.recv_timeout(left) {
                Ok(line) => line,
                Err(e) => {
                    let _ = child.kill();
                    panic!("wasmtime serve did not serve within {SERVE_DEADLINE:?}: {e}");
                }
            };
            if let Some(url) = line.split("Serving HTTP on http://").nth(1) {
                break url.trim_end_matches('/').to_string();
            }
        };
        Self {
            child,
            address,
            log_reader: Some(log_reader),
        }
    }

    /// One HTTP/1.1 exchange: (status, lowercase head, body).
    fn exchange(&self, head: &str, body: &[u8]) -> (u16, String, String) {
        let mut stream = TcpStream::connect(&self.address).unwrap();
        let head = format!(
            "{head}\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.address
        );
        stream.write_all(head.as_bytes()).unwrap();
        // The server may answer (413) and close before taking the whole body.
        let _ = stream.write_all(body);
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        let text = String::from_utf8(answer).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").expect("an HTTP answer");
        let status = head[9..12].parse().unwrap();
        let head = head.to_ascii_lowercase();
        let body = match head.contains("transfer-encoding: chunked") {
            true => dechunked(body),
            false => body.to_string(),
        };
        (status, head, body)
    }

    fn post(&self, body: &str) -> (u16, Value) {
        let head = format!(
            "POST / HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: {}",
            body.len()
        );
        let (status, _, body) = self.exchange(&head, body.as_bytes());
        let json = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"));
        (status, json)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(reader) = self.log_reader.take() {
            let _ = reader.join();
        }
    }
}

fn dechunked(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap();
        if size == 0 {
            break;
        }
        out.push_str(&rest[..size]);
        body = &rest[size + 2..];
    }
    out
}

#[tokio::test]
async fn our_host_still_runs_the_component_that_also_serves() {
    let exports = common::host().component_exports();
    for name in [
        "connectors:dynamodb/connector@0.1.0",
        "wasi:http/incoming-handler@0.2.12",
    ] {
        assert!(
            exports.iter().any(|e| e == name),
            "{name} not in {exports:?}"
        );
    }
    let list =
        json!({"operationGroup": "tableOperation", "tableOperation": "listTables", "limit": 1});
    let listed = common::ok(&moto(), list).await;
    assert_eq!(listed["action"], "listTables");
}

#[test]
fn post_runs_requests_through_to_moto_and_back() {
    let served = Served::start();
    let server = moto();
    let table = unique_table("served");
    let create = table_op(
        "createTable",
        json!({"tableName": table, "partitionKey": "id",
        "partitionKeyType": "S", "billingModeStr": "PAY_PER_REQUEST"}),
    );
    let (status, created) = served.post(&request(&server, create).to_string());
    assert_eq!(
        (status, &created["response"]["TableStatus"]),
        (200, &json!("ACTIVE")),
        "{created}"
    );

    let item = json!({"id": "a", "n": 12345678901234567890123456789012345678u128});
    let add = item_op("addItem", json!({"tableName": table, "item": item}));
    assert_eq!(served.post(&request(&server, add).to_string()).0, 200);
    let get = item_op(
        "getItem",
        json!({"tableName": table, "primaryKeyComponents": {"id": "a"}}),
    );
    let (status, got) = served.post(&request(&server, get).to_string());
    assert_eq!(status, 200);
    assert_eq!(
        got["response"]["n"]["N"],
        "12345678901234567890123456789012345678"
    );

    let delete = table_op("deleteTable", json!({"tableName": table}));
    let (status, deleted) = served.post(&request(&server, delete).to_string());
    assert_eq!(
        (status, &deleted["action"]),
        (200, &json!(format!("delete Table [{table}]")))
    );
    for answer in [&created, &got, &deleted] {
        assert!(!answer.to_string().contains(&server.secret_key));
    }
}

#[test]
fn connector_errors_answer_their_status_and_never_a_secret() {
    let served = Served::start();
    let server = moto();
    let describe = table_op(
        "describeTable",
        json!({"tableName": "served-no-such-table"}),
    );
    let (status, missing) = served.post(&request(&server, describe.clone()).to_string());
    assert_eq!(
        (status, &missing["error"]["code"]),
        (400, &json!("ResourceNotFoundException"))
    );

    let mut wrong = server.clone();
    wrong.secret_key = common::test_secret("served-wrong");
    let (status, refused) = served.post(&request(&wrong, describe.clone()).to_string());
    assert_eq!(
        (status, &refused["error"]["code"]),
        (403, &json!("SignatureDoesNotMatch"))
    );
    assert!(!refused.to_string().contains(&wrong.secret_key));

    let mut unconfigured = request(&server, describe.clone());
    unconfigured["configuration"]
        .as_object_mut()
        .unwrap()
        .remove("region");
    let (status, error) = served.post(&unconfigured.to_string());
    assert_eq!(
        (status, &error["error"]["field"]),
        (400, &json!("configuration.region"))
    );

    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let mut unreachable = request(&server, describe);
    unreachable["configuration"] =
        json!({"region": "us-east-1", "endpoint": format!("http://{dead}"), "maxAttempts": 1});
    let (status, error) = served.post(&unreachable.to_string());
    assert_eq!(
        (status, &error["error"]["kind"]),
        (502, &json!("connection"))
    );

    let not_json = format!("{{\"secretKey\": \"{}\", oops", server.secret_key);
    let (status, error) = served.post(&not_json);
    assert_eq!(status, 400);
    assert!(!error.to_string().contains(&server.secret_key), "{error}");
}

#[test]
fn other_methods_paths_and_oversize_bodies_are_refused() {
    let served = Served::start();
    let (status, head, _) = served.exchange("GET / HTTP/1.1", b"");
    assert_eq!(status, 405);
    assert!(head.contains("allow: post"), "{head}");
    assert_eq!(
        served
            .exchange("POST /tables HTTP/1.1\r\nContent-Length: 2", b"{}")
            .0,
        404
    );

    let cap = ddb_connector::served::MAX_BODY_BYTES;
    let declared = format!("POST / HTTP/1.1\r\nContent-Length: {}", cap + 1);
    let (status, _, body) = served.exchange(&declared, b"");
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("\"field\":\"request\""), "{body}");

    // Undeclared (chunked): the body is cut one byte past the cap.
    let chunk = vec![b' '; 1 << 20];
    let mut chunked = Vec::new();
    for _ in 0..=cap / chunk.len() {
        chunked.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        chunked.extend_from_slice(&chunk);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let (status, _, body) =
        served.exchange("POST / HTTP/1.1\r\nTransfer-Encoding: chunked", &chunked);
    assert_eq!(status, 413, "{body}");
}

/// DynamoDB throttling past the attempts answers 429, and a table wait that ran out of time 504
/// (the fault server plays DynamoDB: moto never throttles, and its tables are ACTIVE at once).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_answers_429_and_a_wait_timeout_504() {
    let throttled = FaultServer::start(vec![Fault::Answer(
        400,
        vec![],
        r#"{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"slow down"}"#.into(),
    )])
    .await;
    let creating = r#"{"TableDescription":{"TableName":"orders","TableStatus":"CREATING"},"Table":{"TableName":"orders","TableStatus":"CREATING"}}"#;
    let waiting = FaultServer::start(vec![Fault::Answer(200, vec![], creating.into())]).await;
    let fault = |url: &str, input: Value| {
        let mut request = request(&moto(), input);
        request["configuration"] =
            json!({"region": "us-east-1", "endpoint": url, "maxAttempts": 2});
        request.to_string()
    };
    let get = item_op(
        "getItem",
        json!({"tableName": "orders", "primaryKeyComponents": {"id": "1"}}),
    );
    let create = table_op(
        "createTable",
        json!({"tableName": "orders", "partitionKey": "id", "partitionKeyType": "S",
               "billingModeStr": "PAY_PER_REQUEST", "waitTimeoutMs": 300}),
    );
    let (get, create) = (fault(&throttled.url, get), fault(&waiting.url, create));
    let (slow_down, timed_out) = tokio::task::spawn_blocking(move || {
        let served = Served::start();
        (served.post(&get), served.post(&create))
    })
    .await
    .unwrap();
    assert_eq!(
        (slow_down.0, &slow_down.1["error"]["code"]),
        (429, &json!("ProvisionedThroughputExceededException")),
        "{}",
        slow_down.1
    );
    assert_eq!(throttled.counts().1, 2, "both attempts reached DynamoDB");
    assert_eq!(
        (timed_out.0, &timed_out.1["error"]["code"]),
        (504, &json!("WaitTimeout")),
        "{}",
        timed_out.1
    );
    assert!(
        waiting.counts().1 >= 3,
        "createTable, then DescribeTable polls"
    );
}
