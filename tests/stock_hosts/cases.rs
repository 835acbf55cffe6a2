//! The requests every host runs: each operation class (table lifecycle and update, item reads
//! and writes, paging, batches, transactions, PartiQL, TTL) and each error kind (configuration, execution
//! with and without details, connection), on a table of the host's own.

use ddb_connector_host::wit;
use serde_json::{Value, json};

use crate::common::{Server, no_paging, no_write_options, request};

fn input(group: &str, op: &str, extra: Value) -> Value {
    let mut input =
        json!({"operationGroup": format!("{group}Operation"), format!("{group}Operation"): op});
    input
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    input
}

/// `execute-json` requests, in order, against `table` (created first, deleted last).
/// `dead_endpoint` is a loopback port nothing listens on.
pub fn json_requests(server: &Server, table: &str, dead_endpoint: &str) -> Vec<Value> {
    let t = table;
    let mut requests: Vec<Value> = [
        input("table", "createTable", json!({"tableName": t, "partitionKey": "grp", "partitionKeyType": "S",
            "sortKey": "seq", "sortKeyType": "N", "billingModeStr": "PAY_PER_REQUEST"})),
        input("table", "describeTable", json!({"tableName": t})),
        input("item", "addItem", json!({"tableName": t, "valueFormat": "typed", "item": {"grp": {"S": "a"},
            "seq": {"N": "1"}, "big": {"N": "12345678901234567890123456789012345678"},
            "bin": {"B": "AAEC/w=="}, "tags": {"SS": ["x", "y"]}}})),
        input("item", "addItem", json!({"tableName": t, "item": {"grp": "a", "seq": 2, "n": 7, "name": "lamp"}})),
        input("item", "addItem", json!({"tableName": t, "item": {"grp": "a", "seq": 2, "n": 8},
            "conditionExpression": "attribute_not_exists(grp)", "returnValuesOnConditionCheckFailure": "ALL_OLD"})),
        input("item", "getItem", json!({"tableName": t, "primaryKeyComponents": {"grp": "a", "seq": 1}})),
        input("item", "updateItem", json!({"tableName": t, "primaryKeyComponents": {"grp": "a", "seq": 2},
            "keyAttributes": {"n": 9}, "attributeAction": "PUT"})),
        input("item", "updateItem", json!({"tableName": t, "primaryKeyComponents": {"grp": "a", "seq": 2},
            "updateExpression": "ADD n :one", "expressionAttributeValues": {":one": 1}})),
        input("item", "batchWriteItems", json!({"requestItems": {t: [{"put": {"grp": "b", "seq": 1, "n": 1}},
            {"put": {"grp": "b", "seq": 2, "n": 2}}, {"put": {"grp": "b", "seq": 3, "n": 3}}]}})),
        input("item", "batchGetItems", json!({"requestItems": {t: {"keys": [{"grp": "b", "seq": 1}, {"grp": "b", "seq": 3}],
            "consistentRead": true}}})),
        input("item", "query", json!({"tableName": t, "keyConditionExpression": "grp = :g",
            "expressionAttributeValues": {":g": "b"}, "limit": 2, "outputFormat": "plain"})),
        input("table", "scanTable", json!({"tableName": t, "filterExpression": "n > :min",
            "expressionAttributeValues": {":min": 1}})),
        input("item", "transactWriteItems", json!({"clientRequestToken": t, "transactItems": [
            {"put": {"tableName": t, "item": {"grp": "c", "seq": 1}}},
            {"conditionCheck": {"tableName": t, "key": {"grp": "a", "seq": 1}, "conditionExpression": "attribute_exists(grp)"}}]})),
        input("item", "transactGetItems", json!({"transactItems": [{"get": {"tableName": t, "key": {"grp": "c", "seq": 1}}},
            {"get": {"tableName": t, "key": {"grp": "none", "seq": 0}}}]})),
        input("item", "executeStatement", json!({"statement": format!("SELECT * FROM \"{t}\" WHERE grp = ?"),
            "parameters": ["c"]})),
        input("table", "updateTable", json!({"tableName": t, "timeToLiveAttribute": "expiresAt",
            "timeToLiveEnabled": true})),
        input("table", "describeTimeToLive", json!({"tableName": t})),
        input("item", "deleteItem", json!({"tableName": t, "primaryKeyComponents": {"grp": "b", "seq": 2}})),
        input("item", "getItem", json!({"tableName": format!("{t}-missing"), "primaryKeyComponents": {"grp": "a"}})),
        input("item", "addItem", json!({"tableName": t, "item": {"grp": "a", "seq": 1, "tabelName": {"x": "1"}}, "valueFormat": "typed"})),
        input("table", "deleteTable", json!({"tableName": t})),
    ]
    .into_iter()
    .map(|input| request(server, input))
    .collect();
    let mut unconfigured = requests[1].clone();
    unconfigured["configuration"]
        .as_object_mut()
        .unwrap()
        .remove("region");
    requests.push(unconfigured);
    let mut unreachable = requests[1].clone();
    unreachable["configuration"] =
        json!({"region": "us-east-1", "endpoint": dead_endpoint, "maxAttempts": 1});
    requests.push(unreachable);
    requests
}

/// A typed request: the same operation as our host's WIT value and as jco's JavaScript value.
pub struct TypedCase {
    pub ours: wit::Request,
    pub jco: Value,
}

fn typed(server: &Server, ours: wit::Operation, jco: Value) -> TypedCase {
    TypedCase {
        ours: wit::Request {
            authentication: wit::Authentication::Credentials(wit::StaticCredentials {
                access_key: server.access_key.clone(),
                secret_key: server.secret_key.clone(),
                session_token: None,
            }),
            configuration: wit::Configuration {
                streams_endpoint: None,
                sts_endpoint: None,
                region: "us-east-1".into(),
                endpoint: Some(server.endpoint.clone()),
                max_attempts: None,
                timeout_ms: None,
            },
            operation: ours,
            options: wit::Options {
                value_format: wit::ValueFormat::Plain,
                output_format: wit::OutputFormat::Typed,
                wait_timeout_ms: None,
                return_consumed_capacity: None,
            },
            aws_credential: None,
        },
        jco: json!({
            "authentication": {"tag": "credentials", "val": {"accessKey": server.access_key, "secretKey": server.secret_key}},
            "configuration": {"region": "us-east-1", "endpoint": server.endpoint},
            "operation": jco,
            "options": {"valueFormat": "plain", "outputFormat": "typed"},
        }),
    }
}

/// Typed `execute` requests, in order, against `table`; the last one to `dead` (a connection
/// error).
pub fn typed_requests(server: &Server, table: &str, dead: &str) -> Vec<TypedCase> {
    let mut cases = typed_table_and_item_requests(server, table);
    cases.extend(typed_query_transact_and_partiql_requests(server, table));
    cases.extend(typed_batch_scan_and_error_requests(server, table));
    let mut unreachable = typed(
        server,
        wit::Operation::DescribeTable(table.to_string()),
        json!({"tag": "describe-table", "val": table}),
    );
    unreachable.ours.configuration.endpoint = Some(dead.to_string());
    unreachable.ours.configuration.max_attempts = Some(1);
    unreachable.jco["configuration"]["endpoint"] = json!(dead);
    unreachable.jco["configuration"]["maxAttempts"] = json!(1);
    cases.push(unreachable);
    cases
}

/// query, transactWriteItems, executeStatement.
fn typed_query_transact_and_partiql_requests(server: &Server, table: &str) -> Vec<TypedCase> {
    let t = table.to_string();
    let values = json!({":g": "t"}).to_string();
    let transact = json!([{"put": {"tableName": t, "item": {"grp": "t", "seq": 3}}}]).to_string();
    let statement = format!("SELECT * FROM \"{t}\" WHERE grp = ?");
    let parameters = json!(["t"]).to_string();
    vec![
        typed(
            server,
            wit::Operation::Query(wit::Query {
                table_name: t.clone(),
                index_name: None,
                key_condition_expression: "grp = :g".into(),
                filter_expression: None,
                projection_expression: None,
                expression_attribute_names_json: None,
                expression_attribute_values_json: Some(values.clone()),
                scan_index_forward: None,
                consistent_read: None,
                select: None,
                paging: no_paging(),
            }),
            json!({"tag": "query", "val": {"tableName": t, "keyConditionExpression": "grp = :g",
                "expressionAttributeValuesJson": values, "paging": {}}}),
        ),
        typed(
            server,
            wit::Operation::TransactWriteItems(wit::TransactWriteItems {
                transact_items_json: transact.clone(),
                client_request_token: Some("stock-hosts-typed-1".into()),
            }),
            json!({"tag": "transact-write-items", "val": {"transactItemsJson": transact,
                "clientRequestToken": "stock-hosts-typed-1"}}),
        ),
        typed(
            server,
            wit::Operation::ExecuteStatement(wit::ExecuteStatement {
                statement: statement.clone(),
                parameters_json: Some(parameters.clone()),
                consistent_read: None,
                next_token: None,
                limit: None,
            }),
            json!({"tag": "execute-statement", "val": {"statement": statement, "parametersJson": parameters}}),
        ),
    ]
}

/// createTable, addItem, getItem.
fn typed_table_and_item_requests(server: &Server, table: &str) -> Vec<TypedCase> {
    let t = table.to_string();
    let item = json!({"grp": "t", "seq": 1, "n": 5}).to_string();
    let key = json!({"grp": "t", "seq": 1}).to_string();
    vec![
        typed(
            server,
            wit::Operation::CreateTable(wit::CreateTable {
                table_name: t.clone(),
                partition_key: "grp".into(),
                partition_key_role: None,
                partition_key_type: wit::KeyType::String,
                sort_key: Some("seq".into()),
                sort_key_role: None,
                sort_key_type: Some(wit::KeyType::Number),
                read_capacity_units: None,
                write_capacity_units: None,
                billing_mode: Some(wit::BillingMode::PayPerRequest),
                deletion_protection: false,
            }),
            json!({"tag": "create-table", "val": {"tableName": t, "partitionKey": "grp", "partitionKeyType": "string",
                "sortKey": "seq", "sortKeyType": "number", "billingMode": "pay-per-request", "deletionProtection": false}}),
        ),
        typed(
            server,
            wit::Operation::AddItem(wit::AddItem {
                table_name: t.clone(),
                item_json: item.clone(),
                write: no_write_options(),
            }),
            json!({"tag": "add-item", "val": {"tableName": t, "itemJson": item, "write": {}}}),
        ),
        typed(
            server,
            wit::Operation::GetItem(wit::GetItem {
                table_name: t.clone(),
                primary_key_components_json: key.clone(),
                projection_expression: None,
                expression_attribute_names_json: None,
                consistent_read: Some(true),
            }),
            json!({"tag": "get-item", "val": {"tableName": t, "primaryKeyComponentsJson": key, "consistentRead": true}}),
        ),
    ]
}

/// batchWriteItems, scanTable, a configuration error, an execution error, deleteTable.
fn typed_batch_scan_and_error_requests(server: &Server, table: &str) -> Vec<TypedCase> {
    let t = table.to_string();
    let writes = json!({&t: [{"put": {"grp": "t", "seq": 2}}]}).to_string();
    vec![
        typed(
            server,
            wit::Operation::BatchWriteItems(writes.clone()),
            json!({"tag": "batch-write-items", "val": writes}),
        ),
        typed(
            server,
            wit::Operation::ScanTable(wit::ScanTable {
                table_name: t.clone(),
                index_name: None,
                filter_expression: None,
                projection_expression: None,
                expression_attribute_names_json: None,
                expression_attribute_values_json: None,
                consistent_read: None,
                segment: None,
                total_segments: None,
                select: None,
                paging: wit::Paging {
                    limit: Some(1),
                    exclusive_start_key_json: None,
                    max_items: None,
                    max_pages: None,
                    max_result_bytes: None,
                },
            }),
            json!({"tag": "scan-table", "val": {"tableName": t, "paging": {"limit": "1n"}}}),
        ),
        typed(
            server,
            wit::Operation::AddItem(wit::AddItem {
                table_name: t.clone(),
                item_json: "not json".into(),
                write: no_write_options(),
            }),
            json!({"tag": "add-item", "val": {"tableName": t, "itemJson": "not json", "write": {}}}),
        ),
        typed(
            server,
            wit::Operation::DescribeTable(format!("{t}-missing")),
            json!({"tag": "describe-table", "val": format!("{t}-missing")}),
        ),
        typed(
            server,
            wit::Operation::DeleteTable(t.clone()),
            json!({"tag": "delete-table", "val": t}),
        ),
    ]
}
