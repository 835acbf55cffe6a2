//! Bad requests get a configuration error that names the field, and nothing is sent: the
//! endpoint is a real listener on loopback that counts the connections it receives.

mod common;

use std::net::TcpListener;

use common::*;
use ddb_connector_host::{ConnectorError, Tenant};
use serde_json::{Value, json};

/// A loopback listener that never answers; it only counts connections.
struct CountingEndpoint {
    listener: TcpListener,
}

impl CountingEndpoint {
    fn new() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        Self { listener }
    }

    fn url(&self) -> String {
        format!("http://{}", self.listener.local_addr().unwrap())
    }

    fn connections(&self) -> usize {
        std::iter::from_fn(|| self.listener.accept().ok()).count()
    }
}

fn base(endpoint: &str) -> Value {
    json!({
        "authentication": {"type": "credentials", "accessKey": "AKIDEXAMPLE", "secretKey": common::test_secret("bad-requests")},
        "configuration": {"region": "us-east-1", "endpoint": endpoint},
        "input": {"operationGroup": "itemOperation", "itemOperation": "addItem", "tableName": "orders", "item": {"id": 1}},
    })
}

/// Applies `edit` to a valid request.
fn edited(endpoint: &str, edit: impl FnOnce(&mut Value)) -> Value {
    let mut request = base(endpoint);
    edit(&mut request);
    request
}

#[tokio::test]
async fn bad_requests_name_the_field_and_send_nothing() {
    let endpoint = CountingEndpoint::new();
    let url = endpoint.url();
    let cases: Vec<(&str, Value, Option<&str>)> = vec![
        (
            "not JSON",
            Value::String("{\"authentication\": ".into()),
            None,
        ),
        ("not an object", json!([1, 2]), None),
        (
            "missing region",
            edited(&url, |r| {
                r["configuration"].as_object_mut().unwrap().remove("region");
            }),
            Some("configuration.region"),
        ),
        (
            "bad region",
            edited(&url, |r| r["configuration"]["region"] = json!("US East 1")),
            Some("configuration.region"),
        ),
        (
            "missing input",
            edited(&url, |r| {
                r.as_object_mut().unwrap().remove("input");
            }),
            Some("input"),
        ),
        (
            "missing table name",
            edited(&url, |r| {
                r["input"].as_object_mut().unwrap().remove("tableName");
            }),
            Some("input.tableName"),
        ),
        (
            "invalid table name",
            edited(&url, |r| {
                r["input"]["tableName"] = json!("no spaces allowed")
            }),
            Some("input.tableName"),
        ),
        (
            "table name too short",
            edited(&url, |r| r["input"]["tableName"] = json!("ab")),
            Some("input.tableName"),
        ),
        (
            "table name wrong type",
            edited(&url, |r| r["input"]["tableName"] = json!(["orders"])),
            Some("input.tableName"),
        ),
        (
            "unknown operation",
            edited(&url, |r| {
                r["input"]["itemOperation"] = json!("truncateTable")
            }),
            Some("input.itemOperation"),
        ),
        (
            "unknown group",
            edited(&url, |r| {
                r["input"]["operationGroup"] = json!("adminOperation")
            }),
            Some("input.operationGroup"),
        ),
        (
            "unknown field",
            edited(&url, |r| r["input"]["itme"] = json!({})),
            Some("input.itme"),
        ),
        (
            "missing item",
            edited(&url, |r| {
                r["input"].as_object_mut().unwrap().remove("item");
            }),
            Some("input.item"),
        ),
        (
            "item not an object",
            edited(&url, |r| r["input"]["item"] = json!(42)),
            Some("input.item"),
        ),
        (
            "item string not JSON",
            edited(&url, |r| r["input"]["item"] = json!("{\"id\": ")),
            Some("input.item"),
        ),
        (
            "39-digit number",
            edited(&url, |r| {
                r["input"]["item"] =
                    serde_json::from_str(r#"{"id": 123456789012345678901234567890123456789}"#)
                        .unwrap()
            }),
            Some("input.item.id"),
        ),
        (
            "number out of range",
            edited(&url, |r| {
                r["input"]["item"] = serde_json::from_str(r#"{"id": 1e200}"#).unwrap()
            }),
            Some("input.item.id"),
        ),
        (
            "empty set",
            edited(&url, |r| {
                r["input"]["valueFormat"] = json!("typed");
                r["input"]["item"] = json!({"id": {"N": "1"}, "s": {"SS": []}});
            }),
            Some("input.item.s"),
        ),
        (
            "bad base64",
            edited(&url, |r| {
                r["input"]["valueFormat"] = json!("typed");
                r["input"]["item"] = json!({"id": {"B": "***"}});
            }),
            Some("input.item.id"),
        ),
        (
            "bad value format",
            edited(&url, |r| r["input"]["valueFormat"] = json!("xml")),
            Some("input.valueFormat"),
        ),
        (
            "missing secret",
            edited(&url, |r| {
                r["authentication"]
                    .as_object_mut()
                    .unwrap()
                    .remove("secretKey");
            }),
            Some("authentication.secretKey"),
        ),
        (
            "bad auth type",
            edited(&url, |r| r["authentication"]["type"] = json!("password")),
            Some("authentication.type"),
        ),
        (
            "endpoint scheme",
            edited(&url, |r| {
                r["configuration"]["endpoint"] = json!(url.replace("http://", "ftp://"))
            }),
            Some("configuration.endpoint"),
        ),
        (
            "endpoint credentials",
            edited(&url, |r| {
                r["configuration"]["endpoint"] = json!(url.replace("http://", "http://user:pw@"))
            }),
            Some("configuration.endpoint"),
        ),
        (
            "endpoint path",
            edited(&url, |r| {
                r["configuration"]["endpoint"] = json!(format!("{url}/admin"))
            }),
            Some("configuration.endpoint"),
        ),
        (
            "getItem without key",
            edited(
                &url,
                |r| r["input"] = json!({"operationGroup": "itemOperation", "itemOperation": "getItem", "tableName": "orders"}),
            ),
            Some("input.primaryKeyComponents"),
        ),
        (
            "updateItem bad action",
            edited(&url, |r| {
                r["input"] = json!({"operationGroup": "itemOperation", "itemOperation": "updateItem", "tableName": "orders",
                "primaryKeyComponents": {"id": 1}, "keyAttributes": {"a": 1}, "attributeAction": "MERGE"})
            }),
            Some("input.attributeAction"),
        ),
        (
            "createTable without key type",
            edited(&url, |r| {
                r["input"] = json!({"operationGroup": "tableOperation", "tableOperation": "createTable", "tableName": "orders",
                "partitionKey": "id", "billingModeStr": "PAY_PER_REQUEST"})
            }),
            Some("input.partitionKeyType"),
        ),
        (
            "createTable bad capacity",
            edited(&url, |r| {
                r["input"] = json!({"operationGroup": "tableOperation", "tableOperation": "createTable", "tableName": "orders",
                "partitionKey": "id", "partitionKeyType": "S", "readCapacityUnits": "many", "writeCapacityUnits": 1})
            }),
            Some("input.readCapacityUnits"),
        ),
        (
            "query without key condition",
            edited(
                &url,
                |r| r["input"] = json!({"operationGroup": "itemOperation", "itemOperation": "query", "tableName": "orders"}),
            ),
            Some("input.keyConditionExpression"),
        ),
        (
            "segment without totalSegments",
            edited(
                &url,
                |r| r["input"] = json!({"operationGroup": "tableOperation", "tableOperation": "scanTable", "tableName": "orders", "segment": 1}),
            ),
            Some("input.totalSegments"),
        ),
        (
            "expression over 4 KB",
            edited(&url, |r| {
                r["input"] = json!({"operationGroup": "tableOperation", "tableOperation": "scanTable", "tableName": "orders",
                "filterExpression": format!("a = :v{}", " ".repeat(5000))})
            }),
            Some("input.filterExpression"),
        ),
        (
            "item over 400 KB",
            edited(&url, |r| {
                r["input"]["item"] = json!({"id": 1, "blob": "x".repeat(410 * 1024)})
            }),
            Some("input.item"),
        ),
        (
            "addItem returnValues ALL_NEW",
            edited(&url, |r| r["input"]["returnValues"] = json!("ALL_NEW")),
            Some("input.returnValues"),
        ),
        (
            "value placeholder without colon",
            edited(&url, |r| {
                r["input"]["conditionExpression"] = json!("a = b");
                r["input"]["expressionAttributeValues"] = json!({"v": 1});
            }),
            Some("input.expressionAttributeValues.v"),
        ),
        (
            "batch write with put and delete in one entry",
            edited(&url, |r| {
                r["input"] = json!({"operationGroup": "itemOperation", "itemOperation": "batchWriteItems",
                "requestItems": {"orders": [{"put": {"id": 1}}, {"put": {"id": 2}, "delete": {"id": 2}}]}})
            }),
            Some("input.requestItems.orders[1]"),
        ),
        (
            "batch get with a bad key",
            edited(&url, |r| {
                r["input"] = json!({"operationGroup": "itemOperation", "itemOperation": "batchGetItems",
                "requestItems": {"orders": {"keys": [{"id": 1}, {"id": [1]}]}}})
            }),
            Some("input.requestItems.orders.keys[1].id"),
        ),
        (
            "transaction item of an unknown kind",
            edited(&url, |r| {
                r["input"] = json!({"operationGroup": "itemOperation", "itemOperation": "transactWriteItems",
                "transactItems": [{"upsert": {"tableName": "orders"}}]})
            }),
            Some("input.transactItems[0].upsert"),
        ),
        (
            "update table with nothing to change",
            edited(
                &url,
                |r| r["input"] = json!({"operationGroup": "tableOperation", "tableOperation": "updateTable", "tableName": "orders"}),
            ),
            Some("input.tableName"),
        ),
        (
            "item operation in table group",
            edited(
                &url,
                |r| r["input"] = json!({"operationGroup": "tableOperation", "tableOperation": "getItem", "tableName": "orders"}),
            ),
            Some("input.tableOperation"),
        ),
    ];
    for (name, request, field) in cases {
        let text = match &request {
            Value::String(raw) => raw.clone(),
            other => other.to_string(),
        };
        let invocation = host()
            .execute_json(&text, &Tenant::default())
            .await
            .expect("no trap");
        match &invocation.result {
            Err(ConnectorError::Configuration {
                field: got,
                message,
            }) => {
                assert_eq!(got.as_deref(), field, "{name}: {message}");
                assert!(!message.is_empty(), "{name}");
                assert!(
                    !message.contains(&common::test_secret("bad-requests")),
                    "{name}: the secret leaked"
                );
            }
            other => panic!("{name}: expected a configuration error, got {other:?}"),
        }
        assert_eq!(
            invocation.http_requests, 0,
            "{name}: the guest tried to send"
        );
    }
    assert_eq!(endpoint.connections(), 0, "the server received a request");
}

#[tokio::test]
async fn wrong_secret_key_is_an_execution_error_and_the_secret_stays_hidden() {
    let mut server = moto();
    server.secret_key = common::test_secret("wrong-key");
    let result = run(&server, json!({"operationGroup": "tableOperation", "tableOperation": "describeTable", "tableName": "orders"})).await;
    let error = expect_execution(result, "SignatureDoesNotMatch");
    let ConnectorError::Execution {
        http_status,
        retryable,
        ..
    } = &error
    else {
        unreachable!()
    };
    assert_eq!(*http_status, 403);
    assert!(!retryable);
    let rendered = format!("{error} {error:?} {}", error.to_json());
    assert!(!rendered.contains(&server.secret_key), "{rendered}");
}

#[tokio::test]
async fn unreachable_endpoint_is_a_connection_error() {
    // Bind then drop: a loopback port that nothing listens on.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let request = base(&format!("http://127.0.0.1:{port}"));
    let invocation = invoke(&request).await;
    match invocation.result {
        Err(ConnectorError::Connection { message, attempts }) => {
            assert!(message.contains("refused"), "{message}");
            assert_eq!(attempts, 3, "connection failures are retried");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(invocation.http_requests, 3);
}
