//! readStream and executeAction end to end (issue 14). moto serves DynamoDB Streams (one open
//! shard per table; it never closes or trims shards), so the expired-iterator and trimmed-data
//! paths run against the fault server. dynalite has no Streams API and no StreamSpecification:
//! there, readStream is the clear "no stream" error, and a Streams action an UnknownOperation.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use common::fault_server::{Fault, FaultServer};
use common::*;
use ddb_connector_host::{ConnectorError, Tenant, wit};
use serde_json::{Value, json};

fn action(name: &str, body: Value) -> Value {
    table_op("executeAction", json!({"action": name, "request": body}))
}

/// A table keyed by `id` (N), with a NEW_AND_OLD_IMAGES stream, made through executeAction.
async fn create_with_stream(server: &Server, table: &str) {
    let created = ok(
        server,
        action(
            "CreateTable",
            json!({"TableName": table, "BillingMode": "PAY_PER_REQUEST",
                   "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                   "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "N"}],
                   "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "NEW_AND_OLD_IMAGES"}}),
        ),
    )
    .await;
    assert_eq!(created["response"]["TableDescription"]["TableName"], table);
}

/// What boto3 wrote, change by change (tests/support/boto_stream_writes.py).
fn boto_writes(server: &Server, table: &str, counts: [u32; 3]) -> Vec<Value> {
    let [inserts, updates, deletes] = counts.map(|n| n.to_string());
    let written = support_script(
        "boto_stream_writes.py",
        server,
        &[table, &inserts, &updates, &deletes],
    );
    serde_json::from_value(written).expect("the writer prints a list")
}

/// A change without what only the stream knows (ids, sequence numbers, times), sets sorted.
fn change_of(record: &Value) -> Value {
    normalized(&json!({
        "eventName": record["eventName"], "keys": record["keys"],
        "newImage": record["newImage"], "oldImage": record["oldImage"],
    }))
}

fn key_of(change: &Value) -> String {
    change["keys"]["id"]["N"].as_str().unwrap().to_string()
}

/// Every change to every key, in order per key.
fn by_key(changes: impl Iterator<Item = Value>) -> BTreeMap<String, Vec<Value>> {
    let mut keys: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for change in changes {
        keys.entry(key_of(&change)).or_default().push(change);
    }
    keys
}

#[tokio::test]
async fn every_change_is_read_exactly_once_in_order_with_the_images_boto3_wrote() {
    let server = moto();
    let table = unique_table("stream");
    create_with_stream(&server, &table).await;
    let written = boto_writes(&server, &table, [500, 200, 100]);
    assert_eq!(written.len(), 800);

    let mut records = Vec::new();
    let mut checkpoint = Value::Null;
    let (mut invocations, mut http_requests, mut fuel, mut memory) = (0, 0, 0, 0);
    let started = Instant::now();
    loop {
        let mut input = json!({"tableName": table, "maxRecords": 100});
        if !checkpoint.is_null() {
            input["checkpoint"] = checkpoint.clone();
        }
        let invocation = invoke(&request(&server, table_op("readStream", input))).await;
        let text = invocation
            .result
            .unwrap_or_else(|e| panic!("readStream failed: {e}"));
        assert!(!text.contains(&server.secret_key));
        let result: Value = serde_json::from_str(&text).unwrap();
        invocations += 1;
        http_requests += invocation.http_requests;
        fuel += invocation.fuel_consumed;
        memory = memory.max(invocation.memory_high_water);
        let response = &result["response"];
        let page = response["records"].as_array().unwrap();
        assert!(page.len() <= 100, "{} records", page.len());
        assert_eq!(response["trimmed"], false);
        records.extend(page.iter().cloned());
        checkpoint = response["checkpoint"].clone();
        if response["hasMore"] == false {
            assert!(
                page.len() < 100,
                "hasMore is false only when the cap was not reached"
            );
            break;
        }
        assert_eq!(page.len(), 100, "hasMore means the cap was reached");
        assert!(invocations < 20, "no end after {invocations} invocations");
    }
    let elapsed = started.elapsed();
    println!(
        "readStream on moto: {} records in {invocations} invocations of maxRecords 100, {:.0} ms; {:.0} ms per 1,000 records",
        records.len(),
        elapsed.as_secs_f64() * 1000.0,
        elapsed.as_secs_f64() * 1000.0 * 1000.0 / records.len() as f64,
    );
    println!(
        "readStream guest cost: {http_requests} HTTP requests, {} fuel per record, linear memory peak {} KiB",
        fuel / records.len().max(1) as u64,
        memory / 1024,
    );
    // Exactly once: 800 records, 800 distinct event ids and sequence numbers.
    assert_eq!(records.len(), 800);
    let ids: BTreeSet<&str> = records
        .iter()
        .map(|r| r["eventId"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 800);
    let sequences: Vec<u128> = records
        .iter()
        .map(|r| r["sequenceNumber"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(
        sequences.windows(2).all(|w| w[0] < w[1]),
        "one shard: sequence numbers rise"
    );
    assert!(records.iter().all(|r| r["sizeBytes"].as_u64() > Some(0)));
    // In order per key, each image what boto3 wrote (or DynamoDB answered it).
    let expected = by_key(written.iter().map(normalized));
    let read = by_key(records.iter().map(change_of));
    assert_eq!(read.len(), 500);
    for (key, changes) in &expected {
        assert_eq!(read.get(key), Some(changes), "changes of id {key}");
    }
    // The default maxRecords (1,000) from the trim horizon: the same records in one invocation.
    let started = Instant::now();
    let whole = ok(&server, table_op("readStream", json!({"tableName": table}))).await;
    let elapsed = started.elapsed();
    println!(
        "readStream on moto: 800 records in 1 invocation of maxRecords 1000, {:.0} ms; {:.0} ms per 1,000 records",
        elapsed.as_secs_f64() * 1000.0,
        elapsed.as_secs_f64() * 1000.0 * 1000.0 / 800.0,
    );
    assert_eq!(whole["response"]["records"].as_array().unwrap(), &records);
    assert_eq!(whole["response"]["hasMore"], false);
    // Caught up: the checkpoint gives nothing more.
    let again = ok(
        &server,
        table_op(
            "readStream",
            json!({"tableName": table, "checkpoint": checkpoint}),
        ),
    )
    .await;
    assert_eq!(again["response"]["records"], json!([]));
    assert_eq!(again["response"]["hasMore"], false);
}

#[tokio::test]
async fn latest_sees_only_later_changes_through_the_typed_entry_point_too() {
    let server = moto();
    let table = unique_table("latest");
    create_with_stream(&server, &table).await;
    boto_writes(&server, &table, [5, 0, 0]);
    let first = ok(
        &server,
        table_op(
            "readStream",
            json!({"tableName": table, "startingPosition": "LATEST"}),
        ),
    )
    .await;
    assert_eq!(first["response"]["records"], json!([]));
    for id in [100, 101, 102] {
        let add = json!({"operationGroup": "itemOperation", "itemOperation": "addItem",
                         "tableName": table, "item": {"id": id, "late": true}});
        ok(&server, add).await;
    }
    let typed = typed_request(
        &server,
        wit::Operation::ReadStream(wit::ReadStream {
            table_name: Some(table.clone()),
            stream_arn: None,
            checkpoint_json: Some(first["response"]["checkpoint"].to_string()),
            starting_position: None,
            max_records: None,
            max_result_bytes: None,
        }),
    );
    let later = host()
        .execute(typed, &Tenant::default())
        .await
        .unwrap()
        .result
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(later.action, "readStream");
    let response: Value = serde_json::from_str(&later.response_json).unwrap();
    let images: Vec<&Value> = response["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["newImage"])
        .collect();
    assert_eq!(
        images,
        [
            &json!({"id": 100, "late": true}),
            &json!({"id": 101, "late": true}),
            &json!({"id": 102, "late": true})
        ]
    );
    assert!(
        response["records"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["eventName"] == "INSERT")
    );
}

/// A table keyed by `id` (N), on demand, without a stream.
async fn create_without_stream(server: &Server, table: &str) {
    ok(
        server,
        table_op(
            "createTable",
            json!({"tableName": table, "partitionKey": "id", "partitionKeyType": "N",
                   "billingModeStr": "PAY_PER_REQUEST"}),
        ),
    )
    .await;
}

async fn no_stream(server: Server) {
    let table = unique_table("nostream");
    create_without_stream(&server, &table).await;
    let result = run(&server, table_op("readStream", json!({"tableName": table}))).await;
    let ConnectorError::Execution { message, .. } = expect_execution(result, "StreamNotEnabled")
    else {
        unreachable!()
    };
    assert!(message.contains(&table), "{message}");
}

#[tokio::test]
async fn a_table_without_a_stream_is_a_clear_error_on_moto() {
    no_stream(moto()).await;
}

/// dynalite takes no StreamSpecification: every table is one without a stream.
#[tokio::test]
async fn a_table_without_a_stream_is_a_clear_error_on_dynalite() {
    no_stream(dynalite()).await;
}

const ARN: &str =
    "arn:aws:dynamodb:us-east-1:123456789012:table/faults/stream/2026-01-01T00:00:00.000";

fn answer(body: Value) -> Fault {
    Fault::Answer(200, vec![], body.to_string())
}

fn refuse(code: &str) -> Fault {
    let body =
        json!({"__type": format!("com.amazonaws.dynamodb.v20120810#{code}"), "message": code});
    Fault::Answer(400, vec![], body.to_string())
}

fn change(sequence: &str, id: u32) -> Value {
    json!({"eventID": format!("e{sequence}"), "eventName": "INSERT", "dynamodb": {
        "SequenceNumber": sequence, "SizeBytes": 20, "ApproximateCreationDateTime": 1.7e9,
        "Keys": {"id": {"N": id.to_string()}}, "NewImage": {"id": {"N": id.to_string()}}}})
}

fn one_open_shard() -> Fault {
    answer(json!({"StreamDescription": {"StreamArn": ARN, "Shards": [
        {"ShardId": "shardId-1", "SequenceNumberRange": {"StartingSequenceNumber": "100"}}]}}))
}

/// Runs readStream from `checkpoint` against the fault server: the result, and each request's
/// target and body.
async fn read_from_fault_server(
    server: &FaultServer,
    checkpoint: Value,
) -> (Value, Vec<(String, Value)>) {
    let request = json!({
        "authentication": {"type": "credentials", "accessKey": "AKIDFAULT", "secretKey": common::test_secret("fault")},
        "configuration": {"region": "us-east-1", "endpoint": "http://127.0.0.1:1", "streamsEndpoint": server.url},
        "input": {"operationGroup": "tableOperation", "tableOperation": "readStream", "checkpoint": checkpoint},
    });
    let result = invoke(&request).await.result.expect("readStream succeeds");
    let sent = server
        .received()
        .iter()
        .map(|r| {
            assert!(
                r.header("authorization")
                    .unwrap()
                    .contains("/us-east-1/dynamodb/aws4_request")
            );
            let body = serde_json::from_slice(&r.body).unwrap();
            (r.header("x-amz-target").unwrap().to_string(), body)
        })
        .collect();
    (serde_json::from_str(&result).unwrap(), sent)
}

/// moto keeps iterators forever; the fault server lets one expire.
#[tokio::test]
async fn an_expired_iterator_is_acquired_again_after_the_checkpoint() {
    let server = FaultServer::start(vec![
        one_open_shard(),
        refuse("ExpiredIteratorException"),
        answer(json!({"ShardIterator": "fresh"})),
        answer(
            json!({"Records": [change("111", 1), change("112", 2)], "NextShardIterator": "next"}),
        ),
        answer(json!({"Records": [], "NextShardIterator": "next-2"})),
    ])
    .await;
    let checkpoint = json!({"version": 1, "streamArn": ARN,
                            "shards": {"shardId-1": {"after": "110", "iterator": "stale"}}});
    let (result, sent) = read_from_fault_server(&server, checkpoint).await;
    let response = &result["response"];
    let sequences: Vec<&Value> = response["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["sequenceNumber"])
        .collect();
    assert_eq!(sequences, [&json!("111"), &json!("112")]);
    assert_eq!(
        response["checkpoint"]["shards"]["shardId-1"],
        json!({"after": "112", "iterator": "next-2"})
    );
    assert_eq!(response["trimmed"], false);
    let targets: Vec<&str> = sent.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        targets,
        [
            "DynamoDBStreams_20120810.DescribeStream",
            "DynamoDBStreams_20120810.GetRecords",
            "DynamoDBStreams_20120810.GetShardIterator",
            "DynamoDBStreams_20120810.GetRecords",
            "DynamoDBStreams_20120810.GetRecords",
        ]
    );
    assert_eq!(sent[1].1["ShardIterator"], "stale");
    assert_eq!(
        sent[2].1,
        json!({"StreamArn": ARN, "ShardId": "shardId-1",
               "ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": "110"})
    );
    assert_eq!(sent[3].1["ShardIterator"], "fresh");
}

/// moto never trims; the fault server says the checkpoint's place is gone.
#[tokio::test]
async fn trimmed_data_is_reported_and_reading_resumes_at_the_trim_horizon() {
    let server = FaultServer::start(vec![
        one_open_shard(),
        refuse("TrimmedDataAccessException"),
        answer(json!({"ShardIterator": "oldest"})),
        answer(json!({"Records": [change("500", 9)], "NextShardIterator": "after-500"})),
        answer(json!({"Records": [], "NextShardIterator": "after-500-b"})),
    ])
    .await;
    let checkpoint = json!({"version": 1, "streamArn": ARN,
                            "shards": {"shardId-1": {"after": "110", "iterator": null}}});
    let (result, sent) = read_from_fault_server(&server, checkpoint).await;
    let response = &result["response"];
    assert_eq!(response["trimmed"], true);
    assert_eq!(
        response["trimmedShards"],
        json!([{"shardId": "shardId-1", "after": "110", "resumedFrom": "TRIM_HORIZON"}])
    );
    assert_eq!(response["records"][0]["sequenceNumber"], "500");
    assert_eq!(sent[1].1["ShardIteratorType"], "AFTER_SEQUENCE_NUMBER");
    assert_eq!(sent[2].1["ShardIteratorType"], "TRIM_HORIZON");
    assert_eq!(
        response["checkpoint"]["shards"]["shardId-1"]["after"],
        "500"
    );
}

async fn table_arn(server: &Server, table: &str) -> String {
    let described = ok(
        server,
        table_op("describeTable", json!({"tableName": table})),
    )
    .await;
    described["response"]["TableArn"]
        .as_str()
        .unwrap()
        .to_string()
}

/// TagResource, ListTagsOfResource and DescribeTimeToLive: moto and dynalite.
async fn actions_on(server: Server) {
    let table = unique_table("actions");
    create_without_stream(&server, &table).await;
    let arn = table_arn(&server, &table).await;
    let tags = json!([{"Key": "team", "Value": "payments"}, {"Key": "cost-centre", "Value": "42"}]);
    let tagged = ok(
        &server,
        action("TagResource", json!({"ResourceArn": arn, "Tags": tags})),
    )
    .await;
    assert_eq!(tagged["action"], "executeAction");
    // The body as JSON text, in the item group: the same action.
    let listed = ok(
        &server,
        json!({"operationGroup": "itemOperation", "itemOperation": "executeAction",
               "action": "ListTagsOfResource", "request": json!({"ResourceArn": arn}).to_string()}),
    )
    .await;
    let by_key = |tags: &Value| -> BTreeSet<String> {
        tags.as_array()
            .unwrap()
            .iter()
            .map(|t| t.to_string())
            .collect()
    };
    assert_eq!(by_key(&listed["response"]["Tags"]), by_key(&tags));
    // TTL enabled by boto3 (dynalite has no UpdateTimeToLive), described by the action and by
    // boto3: the same description.
    if server.name == "moto" {
        let enabled = support_script("boto_ttl.py", &server, &[&table, "expiresAt"]);
        assert_eq!(enabled["AttributeName"], "expiresAt", "{enabled}");
    }
    let ttl = ok(
        &server,
        action("DescribeTimeToLive", json!({"TableName": table})),
    )
    .await;
    let by_boto = support_script("boto_ttl.py", &server, &[&table]);
    assert_eq!(ttl["response"]["TimeToLiveDescription"], by_boto);
}

#[tokio::test]
async fn execute_action_tags_and_describes_on_moto() {
    actions_on(moto()).await;
}

#[tokio::test]
async fn execute_action_tags_and_describes_on_dynalite() {
    actions_on(dynalite()).await;
}

/// Continuous backups and the Streams actions: moto only (dynalite has neither).
#[tokio::test]
async fn execute_action_continuous_backups_and_streams_actions_on_moto() {
    let server = moto();
    let table = unique_table("backups");
    create_with_stream(&server, &table).await;
    let before = ok(
        &server,
        action("DescribeContinuousBackups", json!({"TableName": table})),
    )
    .await;
    let pitr = |answer: &Value| {
        answer["response"]["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
            ["PointInTimeRecoveryStatus"]
            .clone()
    };
    assert_eq!(pitr(&before), "DISABLED");
    ok(
        &server,
        action(
            "UpdateContinuousBackups",
            json!({"TableName": table,
                   "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true}}),
        ),
    )
    .await;
    let after = ok(
        &server,
        action("DescribeContinuousBackups", json!({"TableName": table})),
    )
    .await;
    assert_eq!(pitr(&after), "ENABLED");
    // A Streams action goes to the Streams API.
    let streams = ok(&server, action("ListStreams", json!({"TableName": table}))).await;
    let described = ok(
        &server,
        table_op("describeTable", json!({"tableName": table})),
    )
    .await;
    assert_eq!(
        streams["response"]["Streams"][0]["StreamArn"],
        described["response"]["LatestStreamArn"]
    );
}

#[tokio::test]
async fn a_streams_action_on_dynalite_is_its_unknown_operation() {
    let result = run(
        &dynalite(),
        action("ListStreams", json!({"TableName": "anything"})),
    )
    .await;
    match result {
        Err(ConnectorError::Execution {
            http_status, code, ..
        }) => assert_eq!(
            (http_status, code.as_str()),
            (400, "UnknownOperationException")
        ),
        other => panic!("expected dynalite's UnknownOperationException, got {other:?}"),
    }
}

#[tokio::test]
async fn an_unknown_action_is_a_configuration_error_and_nothing_is_sent() {
    let server = moto();
    let invocation = invoke(&request(&server, action("DropAllTables", json!({})))).await;
    assert_eq!(invocation.http_requests, 0);
    match invocation.result {
        Err(ConnectorError::Configuration { field, message }) => {
            assert_eq!(field.as_deref(), Some("input.action"));
            assert!(message.contains("not an API action"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

/// Scans `table` page by page (one invocation per page of 4), as an export does: every item
/// by its key.
async fn snapshot(server: &Server, table: &str) -> BTreeMap<String, Value> {
    let mut items = BTreeMap::new();
    let mut start = Value::Null;
    loop {
        let mut input = json!({"tableName": table, "limit": 4, "maxPages": 1});
        if !start.is_null() {
            input["exclusiveStartKey"] = start;
        }
        let page = ok(server, table_op("scanTable", input)).await;
        for item in page["response"].as_array().into_iter().flatten() {
            items.insert(item["id"]["N"].as_str().unwrap().to_string(), item.clone());
        }
        start = page["paging"]["lastEvaluatedKey"].clone();
        if start.is_null() {
            return items;
        }
    }
}

/// Applies the stream from `checkpoint` until it is caught up: per key, the later change wins.
async fn replay(
    server: &Server,
    table: &str,
    mut checkpoint: Value,
    items: &mut BTreeMap<String, Value>,
) {
    loop {
        let input = json!({"tableName": table, "checkpoint": checkpoint});
        let read = ok(server, table_op("readStream", input)).await;
        let records = read["response"]["records"].as_array().unwrap();
        for record in records {
            let key = record["keys"]["id"]["N"].as_str().unwrap().to_string();
            match record["eventName"].as_str() {
                Some("REMOVE") => items.remove(&key),
                _ => items.insert(key, record["newImage"].clone()),
            };
        }
        checkpoint = read["response"]["checkpoint"].clone();
        if records.is_empty() && read["response"]["hasMore"] == false {
            return;
        }
    }
}

#[tokio::test]
async fn a_snapshot_then_the_stream_from_before_it_reproduces_the_table_under_writes() {
    let server = moto();
    let table = unique_table("snapshot-cdc");
    create_with_stream(&server, &table).await;
    let puts: Vec<Value> = (0..40)
        .map(|id| json!({"put": {"id": id, "v": "seed"}}))
        .collect();
    ok(
        &server,
        item_op("batchWriteItems", json!({"requestItems": {&table: puts}})),
    )
    .await;
    // The stream's end now: no records read, every open shard at LATEST.
    let end = ok(
        &server,
        table_op("readStream", json!({"tableName": table, "maxRecords": 0})),
    )
    .await;
    assert_eq!(end["response"]["records"], json!([]));
    assert_eq!(end["response"]["hasMore"], false);
    let checkpoint = end["response"]["checkpoint"].clone();
    // Inserts (over seeded keys and new ones), updates and deletes while the snapshot runs.
    let writer = std::process::Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/support/boto_stream_writes.py"
        ))
        .args([&server.endpoint, &table, "50", "20", "10"])
        .env("BOTO_ACCESS_KEY", &server.access_key)
        .env("BOTO_SECRET_KEY", &server.secret_key)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let mut items = snapshot(&server, &table).await;
    let written = writer.wait_with_output().unwrap();
    assert!(
        written.status.success(),
        "the writer failed: {}",
        String::from_utf8_lossy(&written.stderr)
    );
    replay(&server, &table, checkpoint, &mut items).await;
    // By key: the two sides write an item's members in different orders.
    let by_id = |items: Vec<Value>| -> BTreeMap<String, Value> {
        let id = |item: &Value| item["id"]["N"].as_str().unwrap().to_string();
        items.into_iter().map(|item| (id(&item), item)).collect()
    };
    let replayed = by_id(items.values().map(normalized).collect());
    assert_eq!(replayed.len(), 40, "ids 0-39 stay, 40-49 came and went");
    assert_eq!(replayed, by_id(boto_items(&server, &table)));
}
