//! Requests up to the size caps, in the shapes that cost the guest the most memory and CPU per
//! byte: each is a configuration error or goes through within the memory and fuel caps, never
//! a trap. Generated here (nothing large is committed); each prints its peak linear memory.

mod common;

use ddb_connector::request_size::{MAX_JSON_ELEMENTS, MAX_REQUEST_BYTES};
use ddb_connector_host::{ConnectorError, EgressPolicy, HostConfig, Tenant};
use serde_json::{Map, Value, json};

/// A request for `input` whose endpoint the host refuses: what is measured is reading,
/// checking and building the first call; nothing is sent anywhere.
fn nowhere(input: Value) -> String {
    json!({
        "authentication": {"type": "credentials", "accessKey": "AKIDOVERSIZE", "secretKey": "oversize-secret"},
        "configuration": {"region": "us-east-1", "endpoint": "http://127.0.0.1:9"},
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

/// Shapes made of long strings, about `bytes` long.
fn long_shapes(bytes: usize) -> Vec<(&'static str, Value)> {
    let set: Vec<String> = (0..bytes / 1003).map(|i| format!("{i:01000}")).collect();
    let binary = "A".repeat(400 * 1024 / 3 * 4 - 64);
    let writes: Vec<Value> = (0..(bytes / binary.len()).min(25))
        .map(|i| json!({"put": {"k": {"N": i.to_string()}, "b": {"B": binary}}}))
        .collect();
    vec![
        (
            "addItem, long strings in a typed set",
            common::item_op(
                "addItem",
                json!({"tableName": "orders", "valueFormat": "typed", "item": {"k": {"S": "x"}, "s": {"SS": set}}}),
            ),
        ),
        (
            "batchWriteItems, 25 items of 400 KB binary",
            common::item_op(
                "batchWriteItems",
                json!({"valueFormat": "typed", "requestItems": {"orders": writes}}),
            ),
        ),
        (
            "addItem, one long string",
            common::item_op(
                "addItem",
                json!({"tableName": "orders", "item": {"k": "x", "s": "y".repeat(bytes)}}),
            ),
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_request_shape_up_to_the_caps_traps() {
    let host = common::load(HostConfig {
        egress: EgressPolicy::rules(["http://127.0.0.1:1"]).unwrap(),
        ..HostConfig::default()
    });
    let below = shapes(MAX_JSON_ELEMENTS - 1_000).into_iter();
    let long = long_shapes(MAX_REQUEST_BYTES - (64 << 10)).into_iter();
    let above = shapes(MAX_JSON_ELEMENTS + 1_000)
        .into_iter()
        .map(|(w, v)| (w, v, true));
    for (what, input, refused) in below.chain(long).map(|(w, v)| (w, v, false)).chain(above) {
        let request = nowhere(input);
        let invocation = host
            .execute_json(&request, &Tenant::default())
            .await
            .unwrap_or_else(|e| panic!("{what} ({} bytes) trapped: {e}", request.len()));
        println!(
            "{what}: {} bytes, {} elements, peak {} KiB, fuel {}",
            request.len(),
            ddb_connector::request_size::json_elements(&request),
            invocation.memory_high_water >> 10,
            invocation.fuel_consumed
        );
        match &invocation.result {
            Err(ConnectorError::Configuration { field, message }) => {
                assert!(
                    !refused || message.contains("JSON elements"),
                    "{what}: {message}"
                );
                assert!(field.is_some(), "{what}");
            }
            // Read and checked whole: the only thing left was to send it.
            Err(ConnectorError::Connection { message, .. }) => {
                assert!(!refused, "{what} was let through");
                assert!(message.contains("egress policy"), "{what}: {message}");
            }
            other => panic!("{what}: {other:?}"),
        }
        assert!(invocation.memory_high_water < HostConfig::default().memory_limit);
    }
}
