//! What the end-to-end tests share: the servers `scripts/test.sh` started, one loaded
//! component, and boto3 as the independent reader.

#![allow(dead_code)] // each test file uses its own part of this

pub mod fault_server;

use std::collections::HashMap;
use std::io::Write as _;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use ddb_connector_host::{
    ConnectorError, ConnectorHost, EgressPolicy, HostConfig, Invocation, Tenant, wit,
};
use serde_json::{Value, json};

/// A DynamoDB-compatible server on loopback.
#[derive(Debug, Clone)]
pub struct Server {
    pub name: &'static str,
    pub endpoint: String,
    pub access_key: String,
    pub secret_key: String,
}

fn required_env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run the tests with scripts/test.sh, which starts the servers")
    })
}

/// moto, with SigV4 and IAM checks on.
pub fn moto() -> Server {
    Server {
        name: "moto",
        endpoint: required_env("DDB_TEST_MOTO_ENDPOINT"),
        access_key: required_env("DDB_TEST_MOTO_ACCESS_KEY"),
        secret_key: required_env("DDB_TEST_MOTO_SECRET_KEY"),
    }
}

/// dynalite (accepts any credentials).
pub fn dynalite() -> Server {
    Server {
        name: "dynalite",
        endpoint: required_env("DDB_TEST_DYNALITE_ENDPOINT"),
        access_key: "AKIDDYNALITE".into(),
        secret_key: test_secret("dynalite"),
    }
}

/// A secret made for this run, the same for `label` within one test binary: distinctive
/// (label, process, clock), so that the scan of every output in `scripts/test.sh` can find it.
/// Recorded, one a line, in `$DDB_TEST_SECRETS_DIR/<process>.txt` for that scan.
pub fn test_secret(label: &str) -> String {
    static SECRETS: OnceLock<Mutex<HashMap<String, String>>> = OnceLock::new();
    let mut secrets = SECRETS.get_or_init(Mutex::default).lock().unwrap();
    if let Some(secret) = secrets.get(label) {
        return secret.clone();
    }
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let secret = format!("{label}-secret-{}-{nanos:x}", std::process::id());
    record_secret(&secret);
    secrets.insert(label.to_string(), secret.clone());
    secret
}

/// Adds `secret` (one used or received by a test) to the run's list of secrets that no output
/// may hold; nothing when the tests run outside `scripts/test.sh`.
pub fn record_secret(secret: &str) {
    append_to_log(
        "secrets",
        &format!("{}.txt", std::process::id()),
        format!("{secret}\n").as_bytes(),
    );
}

/// Keeps what an external command (a stock host, a script) printed, for the scan of every
/// output for secrets in `scripts/test.sh`; nothing outside it.
pub fn keep_output(label: &str, output: &std::process::Output) {
    let name = format!("{}-{label}.log", std::process::id());
    append_to_log("outputs", &name, &output.stdout);
    append_to_log("outputs", &name, &output.stderr);
}

/// Keeps `text` an external command printed (see [`keep_output`]).
pub fn keep_text(label: &str, text: &str) {
    let name = format!("{}-{label}.log", std::process::id());
    append_to_log("outputs", &name, text.as_bytes());
}

/// Appends `bytes` to `$DDB_TEST_LOG_DIR/<folder>/<name>` (set by `scripts/test.sh`).
fn append_to_log(folder: &str, name: &str, bytes: &[u8]) {
    let Ok(logs) = std::env::var("DDB_TEST_LOG_DIR") else {
        return;
    };
    let dir = std::path::Path::new(&logs).join(folder);
    std::fs::create_dir_all(&dir).expect("the log folder");
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join(name))
        .expect("the log file");
    file.write_all(bytes).expect("the log written");
}

/// How long any external command of the tests (python, node, jco, wasmtime) may run: far
/// beyond what each takes, so that only a hung one reaches it.
pub const EXTERNAL_COMMAND_SECONDS: u32 = 300;

/// `program` run under coreutils' `timeout` ([`EXTERNAL_COMMAND_SECONDS`], then killed): a
/// hung command fails its test instead of stopping the run.
pub fn bounded(program: impl AsRef<std::ffi::OsStr>) -> std::process::Command {
    let mut command = std::process::Command::new("timeout");
    command
        .args(["--kill-after=10", &EXTERNAL_COMMAND_SECONDS.to_string()])
        .arg(program);
    command
}

/// Where `scripts/test.sh` built the component.
pub fn component_path() -> String {
    std::env::var("DDB_CONNECTOR_COMPONENT").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../target/wasm32-wasip2/release/ddb_connector.wasm"
        )
        .to_string()
    })
}

/// The egress rules the tests' own servers need: loopback, by address and by name.
pub fn loopback_egress() -> EgressPolicy {
    EgressPolicy::rules([
        "http://127.0.0.1:*",
        "https://127.0.0.1:*",
        "http://localhost:*",
        "https://localhost:*",
    ])
    .expect("valid rules")
}

/// Loads the component into a host of `config`; a config that keeps the default (AWS only)
/// egress gets [`loopback_egress`] instead, for the tests' servers, and one without a compiled
/// cache the tests' shared one.
pub fn load(mut config: HostConfig) -> ConnectorHost {
    if config.egress == EgressPolicy::aws_default() {
        config.egress = loopback_egress();
    }
    // Compiling the component is most of a host's start; the tests' hosts share the
    // precompiled artifact (keyed by the component's bytes and the engine's settings), as an
    // operator's hosts would.
    if config.compiled_cache.is_none() {
        let cache = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("compiled-components");
        config.compiled_cache = Some(cache);
    }
    let path = component_path();
    ConnectorHost::from_file(&path, config)
        .unwrap_or_else(|e| panic!("cannot load {path} (build it with scripts/test.sh): {e:#}"))
}

/// The component in the default (pooled) host.
///
/// One per test thread: a host's pooled connections are driven by tasks of the tokio runtime that
/// opened them, and every `#[tokio::test]` has its own runtime, ended with the test. Shared across
/// tests, one test's request could go out on a connection another test's ending runtime then
/// drops: the answer is lost after the server acted, and the retry finds the work done (CI saw a
/// createTable retried into ResourceInUseException this way). Each host loads the precompiled
/// component, so this costs about a millisecond per test.
pub fn host() -> Arc<ConnectorHost> {
    thread_local! {
        static HOST: Arc<ConnectorHost> = Arc::new(load(HostConfig::default()));
    }
    HOST.with(Arc::clone)
}

/// A table name no other test uses.
pub fn unique_table(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// A full request for `server` with `input`.
pub fn request(server: &Server, input: Value) -> Value {
    json!({
        "authentication": {"type": "credentials", "accessKey": server.access_key, "secretKey": server.secret_key},
        "configuration": {"region": "us-east-1", "endpoint": server.endpoint},
        "input": input,
    })
}

/// A table operation's `input`: `op` and its `fields`.
pub fn table_op(op: &str, fields: Value) -> Value {
    operation_input("tableOperation", op, fields)
}

/// An item operation's `input`: `op` and its `fields`.
pub fn item_op(op: &str, fields: Value) -> Value {
    operation_input("itemOperation", op, fields)
}

fn operation_input(group: &str, op: &str, fields: Value) -> Value {
    let mut input = json!({"operationGroup": group, group: op});
    let fields = fields
        .as_object()
        .expect("an operation's fields are an object");
    input.as_object_mut().unwrap().extend(fields.clone());
    input
}

/// Runs `tests/support/<script>` with `args` against `server` (its endpoint first, its keys in
/// `BOTO_ACCESS_KEY` / `BOTO_SECRET_KEY`) and reads the JSON it prints.
pub fn support_script(script: &str, server: &Server, args: &[&str]) -> Value {
    let path = format!("{}/support/{script}", env!("CARGO_MANIFEST_DIR"));
    let output = bounded("python3")
        .arg(&path)
        .arg(&server.endpoint)
        .args(args)
        .env("BOTO_ACCESS_KEY", &server.access_key)
        .env("BOTO_SECRET_KEY", &server.secret_key)
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "{script} {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{script} prints JSON: {e}"))
}

/// Runs a whole request through the host.
pub async fn invoke(request: &Value) -> Invocation<String> {
    host()
        .execute_json(&request.to_string(), &Tenant::default())
        .await
        .expect("the host runs the component without trapping")
}

/// Runs `input` against `server`; the result on success, the connector error otherwise.
pub async fn run(server: &Server, input: Value) -> Result<Value, ConnectorError> {
    let invocation = invoke(&request(server, input)).await;
    invocation
        .result
        .map(|text| serde_json::from_str(&text).expect("the result is JSON"))
}

/// Runs `input` and expects success.
pub async fn ok(server: &Server, input: Value) -> Value {
    ok_request(server, &request(server, input)).await
}

/// Runs a whole request made for `server` (see [`request`]) and expects success, with none of
/// the server's secret in the result.
pub async fn ok_request(server: &Server, request: &Value) -> Value {
    let result = invoke(request).await.result;
    let text =
        result.unwrap_or_else(|e| panic!("{} failed on {}: {e:?}", request["input"], server.name));
    let value: Value = serde_json::from_str(&text).expect("the result is JSON");
    assert_eq!(value["status"], "OK", "{value}");
    assert!(
        !value.to_string().contains(&server.secret_key),
        "the secret leaked into a result"
    );
    value
}

/// Every item of `table`, read by boto3, in DynamoDB-typed JSON with sets sorted.
pub fn boto_items(server: &Server, table: &str) -> Vec<Value> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/support/boto_read.py");
    let mut boto = bounded("python3");
    boto.args([script, &server.endpoint, table])
        .env("BOTO_ACCESS_KEY", &server.access_key)
        .env("BOTO_SECRET_KEY", &server.secret_key);
    // The https moto's certificate is signed by the run's test CA.
    if let Ok(ca) = std::env::var("DDB_TEST_TLS_CA") {
        boto.env("AWS_CA_BUNDLE", ca);
    }
    let output = boto.output().expect("python3 runs");
    assert!(
        output.status.success(),
        "boto3 read failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let items: Vec<Value> = serde_json::from_slice(&output.stdout).expect("boto_read prints JSON");
    let mut items: Vec<Value> = items.iter().map(normalized).collect();
    items.sort_by_key(|i| i.to_string());
    items
}

/// A typed value with set members sorted, so that sets compare as sets.
pub fn normalized(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = match (k.as_str(), v) {
                        ("SS" | "NS" | "BS", Value::Array(members)) => {
                            let mut members = members.clone();
                            members.sort_by_key(|m| m.to_string());
                            Value::Array(members)
                        }
                        _ => normalized(v),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(normalized).collect()),
        other => other.clone(),
    }
}

/// Expects an execution error with `code`.
pub fn expect_execution(result: Result<Value, ConnectorError>, expected: &str) -> ConnectorError {
    match result {
        Err(e @ ConnectorError::Execution { .. }) => {
            let ConnectorError::Execution { code, .. } = &e else {
                unreachable!()
            };
            assert_eq!(code, expected, "{e}");
            e
        }
        other => panic!("expected execution error {expected}, got {other:?}"),
    }
}

/// The length of the first whole HTTP/1.1 request in `buffer` (head, then a body of
/// Content-Length bytes or chunked), or `None` while more must be read. For the tests' own
/// small servers; a chunked body is taken to end the buffer.
pub fn request_length(buffer: &[u8]) -> Option<usize> {
    let head_end = buffer.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_ascii_lowercase();
    if head.contains("transfer-encoding: chunked") {
        return buffer.ends_with(b"0\r\n\r\n").then_some(buffer.len());
    }
    let length = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .map_or(0, |value| value.trim().parse().unwrap_or(0));
    (buffer.len() >= head_end + length).then_some(head_end + length)
}

/// A typed request for `operation` on `server`, signed with its keys: us-east-1, two attempts,
/// plain values both ways, a table wait of up to 30 s.
pub fn typed_request(server: &Server, operation: wit::Operation) -> wit::Request {
    wit::Request {
        authentication: wit::Authentication::Credentials(wit::StaticCredentials {
            access_key: server.access_key.clone(),
            secret_key: server.secret_key.clone(),
            session_token: None,
        }),
        configuration: wit::Configuration {
            region: "us-east-1".into(),
            endpoint: Some(server.endpoint.clone()),
            sts_endpoint: None,
            max_attempts: Some(2),
            timeout_ms: Some(10_000),
            streams_endpoint: None,
        },
        operation,
        options: wit::Options {
            value_format: wit::ValueFormat::Plain,
            output_format: wit::OutputFormat::Plain,
            wait_timeout_ms: Some(30_000),
            return_consumed_capacity: None,
        },
        aws_credential: None,
    }
}

/// Write options with nothing set.
pub fn no_write_options() -> wit::WriteOptions {
    wit::WriteOptions {
        condition_expression: None,
        expression_attribute_names_json: None,
        expression_attribute_values_json: None,
        return_values: None,
        return_values_on_condition_check_failure: None,
    }
}

/// Paging with nothing set: DynamoDB's page, every page.
pub fn no_paging() -> wit::Paging {
    wit::Paging {
        limit: None,
        exclusive_start_key_json: None,
        max_items: None,
        max_pages: None,
        max_result_bytes: None,
    }
}
