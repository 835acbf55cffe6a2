//! Every case of the WIT `operation` variant through the typed `execute` export, against moto:
//! each request built, run, its result checked, and each write read back (by boto3 or by a
//! later case). [`case_name`] matches the variant with no `_` arm, so a case added to
//! `wit/world.wit` does not compile here until it is named, and the test fails until it runs:
//! the cases run are compared with the cases the WIT file declares.

mod common;

use std::collections::BTreeSet;

use common::*;
use ddb_connector_host::{Tenant, wit};
use serde_json::{Value, json};

/// The WIT name of `operation`'s case. One arm per case and no `_`.
fn case_name(operation: &wit::Operation) -> &'static str {
    use wit::Operation as Op;
    match operation {
        Op::CreateTable(_) => "create-table",
        Op::DeleteTable(_) => "delete-table",
        Op::DescribeTable(_) => "describe-table",
        Op::ScanTable(_) => "scan-table",
        Op::ListTables(_) => "list-tables",
        Op::UpdateTable(_) => "update-table",
        Op::AddItem(_) => "add-item",
        Op::DeleteItem(_) => "delete-item",
        Op::GetItem(_) => "get-item",
        Op::UpdateItem(_) => "update-item",
        Op::Query(_) => "query",
        Op::BatchGetItems(_) => "batch-get-items",
        Op::BatchWriteItems(_) => "batch-write-items",
        Op::TransactWriteItems(_) => "transact-write-items",
        Op::TransactGetItems(_) => "transact-get-items",
        Op::ExecuteStatement(_) => "execute-statement",
        Op::DescribeTimeToLive(_) => "describe-time-to-live",
        Op::ReadStream(_) => "read-stream",
        Op::ExecuteAction(_) => "execute-action",
    }
}

/// The cases of `variant operation` in `wit/world.wit`.
fn declared_cases() -> BTreeSet<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../wit/world.wit");
    let wit = std::fs::read_to_string(path).expect("wit/world.wit is readable");
    let body = wit
        .split_once("variant operation {")
        .expect("the operation variant")
        .1
        .split_once('}')
        .expect("its end")
        .0;
    body.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with("//"))
        .map(|line| line.split(['(', ',']).next().unwrap().trim().to_string())
        .collect()
}

/// `create-table` → `createTable`: the action a case answers.
fn camel(case: &str) -> String {
    let mut words = case.split('-');
    let first = words.next().unwrap_or_default().to_string();
    words.fold(first, |mut name, word| {
        let mut chars = word.chars();
        if let Some(c) = chars.next() {
            name.push(c.to_ascii_uppercase());
            name.extend(chars);
        }
        name
    })
}

/// Runs typed requests against one server and remembers which cases ran.
struct Runner {
    server: Server,
    table: String,
    ran: BTreeSet<String>,
}

impl Runner {
    fn request(&self, operation: wit::Operation) -> wit::Request {
        typed_request(&self.server, operation)
    }

    /// Runs `operation` through `execute`; its response, parsed. The action must be the case's.
    async fn run(&mut self, operation: wit::Operation) -> Value {
        let case = case_name(&operation);
        let answer = host()
            .execute(self.request(operation), &Tenant::default())
            .await
            .expect("the host runs the component without trapping")
            .result
            .unwrap_or_else(|e| panic!("{case} failed: {e}"));
        let expected = match case {
            "delete-table" => format!("delete Table [{}]", self.table),
            _ => camel(case),
        };
        assert_eq!(answer.action, expected, "{case}");
        assert_eq!(answer.status, "OK", "{case}");
        self.ran.insert(case.to_string());
        serde_json::from_str(&answer.response_json).expect("the response is JSON")
    }

    /// The table's items, read by boto3, keyed `id`/`n`, in plain form for the comparisons.
    fn stored(&self) -> Vec<Value> {
        boto_items(&self.server, &self.table)
    }
}

#[tokio::test]
async fn every_wit_operation_case_runs_through_execute() {
    let table = unique_table("typed-all");
    let mut runner = Runner {
        server: moto(),
        table: table.clone(),
        ran: BTreeSet::new(),
    };
    tables(&mut runner).await;
    writes(&mut runner).await;
    reads(&mut runner).await;
    transactions_and_statements(&mut runner).await;
    stream_and_drop(&mut runner).await;
    assert_eq!(
        runner.ran,
        declared_cases(),
        "every case of wit/world.wit's operation variant runs here"
    );
}

/// createTable, describeTable, listTables, updateTable (TTL), describeTimeToLive, and
/// executeAction turning the table's stream on.
async fn tables(runner: &mut Runner) {
    let table = runner.table.clone();
    let created = runner
        .run(wit::Operation::CreateTable(wit::CreateTable {
            table_name: table.clone(),
            partition_key: "id".into(),
            partition_key_role: Some(wit::KeyRole::Hash),
            partition_key_type: wit::KeyType::String,
            sort_key: Some("n".into()),
            sort_key_role: Some(wit::KeyRole::Range),
            sort_key_type: Some(wit::KeyType::Number),
            read_capacity_units: None,
            write_capacity_units: None,
            billing_mode: Some(wit::BillingMode::PayPerRequest),
            deletion_protection: false,
        }))
        .await;
    assert_eq!(created["TableStatus"], "ACTIVE", "{created}");
    let described = runner
        .run(wit::Operation::DescribeTable(table.clone()))
        .await;
    assert_eq!(
        described["KeySchema"],
        json!([{"AttributeName": "id", "KeyType": "HASH"}, {"AttributeName": "n", "KeyType": "RANGE"}])
    );
    assert_eq!(
        described["BillingModeSummary"]["BillingMode"],
        "PAY_PER_REQUEST"
    );
    assert!(listed(runner).await.contains(&table));
    let updated = runner
        .run(wit::Operation::UpdateTable(wit::UpdateTable {
            table_name: table.clone(),
            billing_mode: None,
            read_capacity_units: None,
            write_capacity_units: None,
            deletion_protection: None,
            time_to_live_attribute: Some("expiresAt".into()),
            time_to_live_enabled: Some(true),
        }))
        .await;
    assert_eq!(
        updated["timeToLive"],
        json!({"AttributeName": "expiresAt", "Enabled": true})
    );
    let ttl = runner
        .run(wit::Operation::DescribeTimeToLive(table.clone()))
        .await;
    assert_eq!(
        ttl,
        json!({"TimeToLiveStatus": "ENABLED", "AttributeName": "expiresAt"})
    );
    let body = json!({"TableName": table,
        "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "NEW_AND_OLD_IMAGES"}});
    let streamed = runner
        .run(wit::Operation::ExecuteAction(wit::ExecuteAction {
            action: "UpdateTable".into(),
            request_json: Some(body.to_string()),
        }))
        .await;
    let description = &streamed["TableDescription"];
    assert_eq!(
        description["StreamSpecification"]["StreamViewType"], "NEW_AND_OLD_IMAGES",
        "{streamed}"
    );
}

/// Every table name listTables gives, all pages.
async fn listed(runner: &mut Runner) -> Vec<String> {
    let listed = runner
        .run(wit::Operation::ListTables(wit::ListTables {
            exclusive_start_table_name: None,
            limit: None,
        }))
        .await;
    listed["tableNames"]
        .as_array()
        .expect("tableNames")
        .iter()
        .map(|name| name.as_str().unwrap().to_string())
        .collect()
}

/// addItem (conditional), batchWriteItems, both forms of updateItem; boto3 reads each back.
async fn writes(runner: &mut Runner) {
    let table = runner.table.clone();
    let added = runner
        .run(wit::Operation::AddItem(wit::AddItem {
            table_name: table.clone(),
            item_json: r#"{"id": "a", "n": 1, "v": "one"}"#.into(),
            write: wit::WriteOptions {
                condition_expression: Some("attribute_not_exists(#i)".into()),
                expression_attribute_names_json: Some(r##"{"#i": "id"}"##.into()),
                ..no_write_options()
            },
        }))
        .await;
    assert_eq!(added, json!({"id": "a", "n": 1, "v": "one"}));
    let puts = json!({table.clone(): [{"put": {"id": "a", "n": 2, "v": "two"}}, {"put": {"id": "b", "n": 1}}]});
    let batch = runner
        .run(wit::Operation::BatchWriteItems(puts.to_string()))
        .await;
    assert_eq!(batch["processedCount"], 2, "{batch}");
    let updated = runner
        .run(wit::Operation::UpdateItem(wit::UpdateItem {
            table_name: table.clone(),
            primary_key_components_json: r#"{"id": "a", "n": 1}"#.into(),
            update: wit::ItemUpdate::Expression("SET v = :v".into()),
            write: wit::WriteOptions {
                expression_attribute_values_json: Some(r#"{":v": "uno"}"#.into()),
                return_values: Some("UPDATED_NEW".into()),
                ..no_write_options()
            },
        }))
        .await;
    assert_eq!(updated, json!({"Attributes": {"v": "uno"}}));
    runner
        .run(wit::Operation::UpdateItem(wit::UpdateItem {
            table_name: table.clone(),
            primary_key_components_json: r#"{"id": "b", "n": 1}"#.into(),
            update: wit::ItemUpdate::Attributes(wit::AttributeUpdate {
                key_attributes_json: r#"{"w": 5}"#.into(),
                attribute_action: wit::AttributeAction::Put,
            }),
            write: no_write_options(),
        }))
        .await;
    assert_eq!(
        runner.stored(),
        vec![
            json!({"id": {"S": "a"}, "n": {"N": "1"}, "v": {"S": "uno"}}),
            json!({"id": {"S": "a"}, "n": {"N": "2"}, "v": {"S": "two"}}),
            json!({"id": {"S": "b"}, "n": {"N": "1"}, "w": {"N": "5"}}),
        ]
    );
}

/// getItem (projected), query (descending, a page per item), scanTable (filtered), batchGetItems.
async fn reads(runner: &mut Runner) {
    let table = runner.table.clone();
    let got = runner
        .run(wit::Operation::GetItem(wit::GetItem {
            table_name: table.clone(),
            primary_key_components_json: r#"{"id": "a", "n": 2}"#.into(),
            projection_expression: Some("#v".into()),
            expression_attribute_names_json: Some(r##"{"#v": "v"}"##.into()),
            consistent_read: Some(true),
        }))
        .await;
    assert_eq!(got, json!({"v": "two"}));
    let queried = runner
        .run(wit::Operation::Query(wit::Query {
            table_name: table.clone(),
            index_name: None,
            key_condition_expression: "id = :id".into(),
            filter_expression: None,
            projection_expression: Some("n".into()),
            expression_attribute_names_json: None,
            expression_attribute_values_json: Some(r#"{":id": "a"}"#.into()),
            scan_index_forward: Some(false),
            consistent_read: Some(true),
            select: None,
            paging: wit::Paging {
                limit: Some(1),
                ..no_paging()
            },
        }))
        .await;
    assert_eq!(queried["items"], json!([{"n": 2}, {"n": 1}]), "{queried}");
    let scanned = runner
        .run(wit::Operation::ScanTable(wit::ScanTable {
            table_name: table.clone(),
            index_name: None,
            filter_expression: Some("attribute_exists(w)".into()),
            projection_expression: None,
            expression_attribute_names_json: None,
            expression_attribute_values_json: None,
            consistent_read: Some(true),
            segment: None,
            total_segments: None,
            select: None,
            paging: no_paging(),
        }))
        .await;
    assert_eq!(scanned, json!([{"id": "b", "n": 1, "w": 5}]), "{scanned}");
    let keys = json!({table.clone(): {"keys": [{"id": "a", "n": 1}, {"id": "z", "n": 9}], "projectionExpression": "v"}});
    let batch = runner
        .run(wit::Operation::BatchGetItems(keys.to_string()))
        .await;
    assert_eq!(batch["responses"][&table], json!([{"v": "uno"}]), "{batch}");
    assert_eq!(batch["unprocessedKeys"], json!({}));
}

/// transactWriteItems (boto3 reads back), transactGetItems, executeStatement, deleteItem.
async fn transactions_and_statements(runner: &mut Runner) {
    let table = runner.table.clone();
    let items = json!([
        {"put": {"tableName": table, "item": {"id": "c", "n": 1}}},
        {"update": {"tableName": table, "key": {"id": "a", "n": 2}, "updateExpression": "SET v = :v",
                    "expressionAttributeValues": {":v": "dos"}}},
    ]);
    let written = runner
        .run(wit::Operation::TransactWriteItems(
            wit::TransactWriteItems {
                transact_items_json: items.to_string(),
                client_request_token: Some("typed-operations-token".into()),
            },
        ))
        .await;
    assert_eq!(written["clientRequestToken"], "typed-operations-token");
    let gets = json!([{"get": {"tableName": table, "key": {"id": "a", "n": 2}}},
                      {"get": {"tableName": table, "key": {"id": "c", "n": 1}}}]);
    let got = runner
        .run(wit::Operation::TransactGetItems(gets.to_string()))
        .await;
    assert_eq!(
        got["items"],
        json!([{"id": "a", "n": 2, "v": "dos"}, {"id": "c", "n": 1}])
    );
    let selected = runner
        .run(wit::Operation::ExecuteStatement(wit::ExecuteStatement {
            statement: format!("SELECT * FROM \"{table}\" WHERE id = ?"),
            parameters_json: Some(r#"["b"]"#.into()),
            consistent_read: Some(true),
            next_token: None,
            limit: None,
        }))
        .await;
    assert_eq!(selected["items"], json!([{"id": "b", "n": 1, "w": 5}]));
    let deleted = runner
        .run(wit::Operation::DeleteItem(wit::DeleteItem {
            table_name: table.clone(),
            primary_key_components_json: r#"{"id": "a", "n": 1}"#.into(),
            write: wit::WriteOptions {
                condition_expression: Some("v = :v".into()),
                expression_attribute_values_json: Some(r#"{":v": "uno"}"#.into()),
                ..no_write_options()
            },
        }))
        .await;
    assert_eq!(deleted, json!({"id": "a", "n": 1, "v": "uno"}));
    assert_eq!(
        runner.stored(),
        vec![
            json!({"id": {"S": "a"}, "n": {"N": "2"}, "v": {"S": "dos"}}),
            json!({"id": {"S": "b"}, "n": {"N": "1"}, "w": {"N": "5"}}),
            json!({"id": {"S": "c"}, "n": {"N": "1"}}),
        ]
    );
}

/// readStream sees the writes above, in order; deleteTable drops the table (listTables no
/// longer names it).
async fn stream_and_drop(runner: &mut Runner) {
    let table = runner.table.clone();
    let read = runner
        .run(wit::Operation::ReadStream(wit::ReadStream {
            table_name: Some(table.clone()),
            stream_arn: None,
            checkpoint_json: None,
            starting_position: Some(wit::StartingPosition::TrimHorizon),
            max_records: Some(100),
            max_result_bytes: None,
        }))
        .await;
    let changes: Vec<(String, String)> = read["records"]
        .as_array()
        .expect("records")
        .iter()
        .map(|r| (r["eventName"].to_string(), r["keys"].to_string()))
        .collect();
    let change = |event: &str, keys: Value| (format!("\"{event}\""), keys.to_string());
    let expected = vec![
        change("INSERT", json!({"id": "a", "n": 1})),
        change("INSERT", json!({"id": "a", "n": 2})),
        change("INSERT", json!({"id": "b", "n": 1})),
        change("MODIFY", json!({"id": "a", "n": 1})),
        change("MODIFY", json!({"id": "b", "n": 1})),
        change("INSERT", json!({"id": "c", "n": 1})),
        change("MODIFY", json!({"id": "a", "n": 2})),
        change("REMOVE", json!({"id": "a", "n": 1})),
    ];
    let sorted = |mut list: Vec<(String, String)>| {
        // Ordered per key, not across keys (shards): compare each key's changes.
        list.sort_by(|a, b| a.1.cmp(&b.1));
        list
    };
    assert_eq!(sorted(changes), sorted(expected), "{read}");
    runner.run(wit::Operation::DeleteTable(table.clone())).await;
    assert!(!listed(runner).await.contains(&table));
}
