//! Requests up to the size caps, in the shapes that cost the guest the most memory and CPU per
//! byte: below the caps each goes through whole (a fault server answers every call OK) within
//! the memory and fuel caps; above them each is a configuration error naming the cap, and
//! nothing is sent; never a trap. Generated here (nothing large is committed); each prints its
//! peak linear memory.

mod common;

use common::fault_server::{Fault, FaultServer};
use ddb_connector::request_size::{MAX_JSON_ELEMENTS, MAX_REQUEST_BYTES};
use ddb_connector_host::{
    ConnectorError, ConnectorHost, EgressPolicy, HostConfig, Invocation, Tenant, wit,
};
use serde_json::{Map, Value, json};

/// One answer every operation of these shapes takes as success: nothing unprocessed, no
/// further page, no old item.
const EVERYTHING_DONE: &str = r#"{"Responses":{"orders":[]},"UnprocessedKeys":{},"UnprocessedItems":{},"Items":[],"Count":0,"ScannedCount":0}"#;

/// A server that answers every call [`EVERYTHING_DONE`], keeping connections open.
async fn accepting_server() -> FaultServer {
    let done = Fault::Answer(200, vec![], EVERYTHING_DONE.into());
    FaultServer::start_keep_alive(vec![done], None).await
}

/// A host that may reach only `server`; `max_request_bytes` its byte cap.
fn host_for(server: &FaultServer, max_request_bytes: usize) -> ConnectorHost {
    common::load(HostConfig {
        egress: EgressPolicy::rules([server.url.as_str()]).unwrap(),
        max_request_bytes,
        ..HostConfig::default()
    })
}

/// The whole JSON request for `input`, sent to `endpoint`.
fn request_to(endpoint: &str, input: Value) -> String {
    json!({
        "authentication": {"type": "credentials", "accessKey": "AKIDOVERSIZE", "secretKey": common::test_secret("oversize")},
        "configuration": {"region": "us-east-1", "endpoint": endpoint},
        "input": input,
    })
    .to_string()
}

/// The costliest shapes, each with about `elements` JSON elements.
fn shapes(elements: usize) -> Vec<(&'static str, Value)> {
    let n = elements / 3;
    let keys: Vec<Value> = (0..n).map(|i| json!({"k": i})).collect();
    let wide: Map<String, Value> = (0..elements / 2)
        .map(|i| (format!("a{i}"), json!(1)))
        .collect();
    let values: Map<String, Value> = (0..elements / 2)
        .map(|i| (format!(":v{i}"), json!(i)))
        .collect();
    let writes: Vec<Value> = (0..elements / 5)
        .map(|i| json!({"put": {"k": i}}))
        .collect();
    let lists: Vec<Value> = (0..elements / 3).map(|_| json!([[]])).collect();
    vec![
        (
            "batchGetItems, many small keys",
            common::item_op(
                "batchGetItems",
                json!({"requestItems": {"orders": {"keys": keys}}}),
            ),
        ),
        (
            "addItem, a wide map",
            common::item_op("addItem", json!({"tableName": "orders", "item": wide})),
        ),
        (
            "scanTable, many expressionAttributeValues",
            json!({"operationGroup": "tableOperation", "tableOperation": "scanTable", "tableName": "orders", "filterExpression": "k = :v0", "expressionAttributeValues": values}),
        ),
        (
            "batchWriteItems, many small writes",
            common::item_op(
                "batchWriteItems",
                json!({"requestItems": {"orders": writes}}),
            ),
        ),
        (
            "addItem, nested empty lists",
            common::item_op(
                "addItem",
                json!({"tableName": "orders", "item": {"k": "x", "l": lists}}),
            ),
        ),
    ]
}

/// 400 KB of binary in base64, less room for the item's key.
fn binary_400_kb() -> String {
    "A".repeat(400 * 1024 / 3 * 4 - 64)
}

/// A valid batchWriteItems as long as the items of 400 KB binary that fit in `bytes` make it
/// (the connector sends them 25 at a time).
fn long_batch(bytes: usize) -> Value {
    let binary = binary_400_kb();
    let writes: Vec<Value> = (0..bytes / binary.len())
        .map(|i| json!({"put": {"k": {"N": i.to_string()}, "b": {"B": binary}}}))
        .collect();
    common::item_op(
        "batchWriteItems",
        json!({"valueFormat": "typed", "requestItems": {"orders": writes}}),
    )
}

/// Shapes made of long strings, about `bytes` long; the single items are over DynamoDB's
/// 400 KB item limit, which the connector checks once the request is read.
fn long_shapes(bytes: usize) -> Vec<(&'static str, Value)> {
    let set: Vec<String> = (0..bytes / 1003).map(|i| format!("{i:01000}")).collect();
    vec![
        (
            "addItem, long strings in a typed set",
            common::item_op(
                "addItem",
                json!({"tableName": "orders", "valueFormat": "typed", "item": {"k": {"S": "x"}, "s": {"SS": set}}}),
            ),
        ),
        ("batchWriteItems, items of 400 KB binary", long_batch(bytes)),
        (
            "addItem, one long string",
            common::item_op(
                "addItem",
                json!({"tableName": "orders", "item": {"k": "x", "s": "y".repeat(bytes)}}),
            ),
        ),
    ]
}

async fn run_json(host: &ConnectorHost, what: &str, request: &str) -> Invocation<String> {
    let invocation = host
        .execute_json(request, &Tenant::default())
        .await
        .unwrap_or_else(|e| panic!("{what} ({} bytes) trapped: {e}", request.len()));
    println!(
        "{what}: {} bytes, {} elements, peak {} KiB, fuel {}",
        request.len(),
        ddb_connector::request_size::json_elements(request),
        invocation.memory_high_water >> 10,
        invocation.fuel_consumed
    );
    assert!(invocation.memory_high_water < HostConfig::default().memory_limit);
    invocation
}

/// A configuration error on `field` whose message holds `says`, and nothing sent.
fn expect_refused<T: std::fmt::Debug>(
    invocation: &Invocation<T>,
    what: &str,
    field: &str,
    says: &str,
) {
    match &invocation.result {
        Err(ConnectorError::Configuration { field: f, message }) => {
            assert_eq!(f.as_deref(), Some(field), "{what}: {message}");
            assert!(message.contains(says), "{what}: {message}");
        }
        other => {
            let shown = format!("{other:?}");
            panic!("{what} was not refused: {}", &shown[..shown.len().min(300)])
        }
    }
    assert_eq!(invocation.http_requests, 0, "{what}");
}

/// Runs `request` on `host` and expects it through whole: OK, each of its calls sent.
async fn expect_through(host: &ConnectorHost, server: &FaultServer, what: &str, request: &str) {
    let before = server.received().len();
    let invocation = run_json(host, what, request).await;
    let result = invocation
        .result
        .unwrap_or_else(|e| panic!("{what} was refused: {e}"));
    let result: Value = serde_json::from_str(&result).unwrap();
    assert_eq!(result["status"], "OK", "{what}: {result}");
    let sent = server.received().len() - before;
    assert!(sent >= 1, "{what}: nothing sent");
    assert_eq!(invocation.http_requests as usize, sent, "{what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_shape_below_the_caps_goes_through_whole() {
    let server = accepting_server().await;
    let host = host_for(&server, MAX_REQUEST_BYTES);
    for (what, input) in shapes(MAX_JSON_ELEMENTS - 1_000) {
        expect_through(&host, &server, what, &request_to(&server.url, input)).await;
    }
    // The largest valid request: 30 items of 400 KB, within 400 KB of the byte cap.
    let batch = request_to(&server.url, long_batch(MAX_REQUEST_BYTES - (64 << 10)));
    assert!(
        batch.len() > MAX_REQUEST_BYTES - (400 << 10),
        "{}",
        batch.len()
    );
    expect_through(
        &host,
        &server,
        "batchWriteItems, 30 items of 400 KB",
        &batch,
    )
    .await;
    // Single items that long are read whole, then refused by DynamoDB's item limit.
    for (what, input) in long_shapes(MAX_REQUEST_BYTES - (64 << 10)) {
        if what.starts_with("addItem") {
            let invocation = run_json(&host, what, &request_to(&server.url, input)).await;
            expect_refused(&invocation, what, "input.item", "item size limit");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shapes_over_the_element_cap_are_refused_before_anything_is_sent() {
    let server = accepting_server().await;
    let host = host_for(&server, MAX_REQUEST_BYTES);
    for (what, input) in shapes(MAX_JSON_ELEMENTS + 1_000) {
        let invocation = run_json(&host, what, &request_to(&server.url, input)).await;
        expect_refused(&invocation, what, "request", "JSON elements");
    }
    assert_eq!(server.counts(), (0, 0));
}

/// Over the byte cap: the host refuses it before instantiating anything; a host that lets
/// larger requests through still meets the guest's own cap.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shapes_over_the_byte_cap_are_refused_by_the_host_and_by_the_guest() {
    let server = accepting_server().await;
    let host = host_for(&server, MAX_REQUEST_BYTES);
    let lenient = host_for(&server, 2 * MAX_REQUEST_BYTES);
    // One more 400 KB item than fits, for the batch.
    for (what, input) in long_shapes(MAX_REQUEST_BYTES + binary_400_kb().len()) {
        let request = request_to(&server.url, input);
        assert!(
            request.len() > MAX_REQUEST_BYTES,
            "{what}: {}",
            request.len()
        );
        let by_host = run_json(&host, what, &request).await;
        expect_refused(&by_host, what, "request", "over the host's limit");
        assert_eq!(by_host.fuel_consumed, 0, "{what}: instantiated");
        let by_guest = run_json(&lenient, what, &request).await;
        let limit = format!("over the limit of {MAX_REQUEST_BYTES} bytes");
        expect_refused(&by_guest, what, "request", &limit);
    }
    assert_eq!(server.counts(), (0, 0));
}

/// A typed addItem for `server` whose item and expression values are JSON text.
fn typed_add_item(server: &FaultServer, item: String, values: Option<String>) -> wit::Request {
    wit::Request {
        authentication: wit::Authentication::Credentials(wit::StaticCredentials {
            access_key: "AKIDOVERSIZE".into(),
            secret_key: common::test_secret("oversize"),
            session_token: None,
        }),
        configuration: wit::Configuration {
            streams_endpoint: None,
            region: "us-east-1".into(),
            endpoint: Some(server.url.clone()),
            sts_endpoint: None,
            max_attempts: None,
            timeout_ms: None,
        },
        operation: wit::Operation::AddItem(wit::AddItem {
            table_name: "orders".into(),
            item_json: item,
            write: wit::WriteOptions {
                condition_expression: values.as_ref().map(|_| "k <> :v0".into()),
                expression_attribute_names_json: None,
                expression_attribute_values_json: values,
                return_values: None,
                return_values_on_condition_check_failure: None,
            },
        }),
        options: wit::Options {
            value_format: wit::ValueFormat::Plain,
            output_format: wit::OutputFormat::Plain,
            wait_timeout_ms: None,
            return_consumed_capacity: None,
        },
        aws_credential: None,
    }
}

/// A JSON object of `members` numbers, `prefix` before each name: 2 elements a member.
fn wide_object(prefix: &str, members: usize) -> String {
    let map: Map<String, Value> = (0..members)
        .map(|i| (format!("{prefix}{i}"), json!(i)))
        .collect();
    Value::Object(map).to_string()
}

/// The typed entry point's JSON fields draw on one element budget: each field under the cap
/// goes through alone, two that together pass it are refused on the second.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_typed_requests_json_fields_share_one_element_budget() {
    let server = accepting_server().await;
    let host = host_for(&server, MAX_REQUEST_BYTES);
    let three_fifths = MAX_JSON_ELEMENTS * 3 / 10; // members: 2 elements each
    let item = wide_object("a", three_fifths);
    let alone = host
        .execute(
            typed_add_item(&server, item.clone(), None),
            &Tenant::default(),
        )
        .await
        .expect("no trap");
    let response = alone
        .result
        .unwrap_or_else(|e| panic!("refused alone: {e}"));
    assert_eq!(response.status, "OK");
    let values = Some(wide_object(":v", three_fifths));
    let both = host
        .execute(typed_add_item(&server, item, values), &Tenant::default())
        .await
        .expect("no trap");
    expect_refused(
        &both,
        "item and values",
        "input.expressionAttributeValues",
        "JSON elements",
    );
    assert_eq!(server.counts().1, 1, "only the request alone was sent");
}

/// The typed request's byte cap is one for the whole record: two fields each under it, over
/// it together, are refused before anything is instantiated.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_typed_requests_fields_share_one_byte_cap() {
    let server = accepting_server().await;
    let host = host_for(&server, MAX_REQUEST_BYTES);
    let half = MAX_REQUEST_BYTES / 2 + 1024;
    let item = json!({"k": "x", "s": "y".repeat(half)}).to_string();
    let values = json!({":v0": "z".repeat(half)}).to_string();
    let invocation = host
        .execute(
            typed_add_item(&server, item, Some(values)),
            &Tenant::default(),
        )
        .await
        .expect("no trap");
    expect_refused(
        &invocation,
        "two half-cap fields",
        "request",
        "over the host's limit",
    );
    assert_eq!(invocation.fuel_consumed, 0, "instantiated");
    assert_eq!(server.counts(), (0, 0));
}
