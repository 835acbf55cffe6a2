//! Beyond Camunda's connector: query, paging, conditional writes, update expressions,
//! batches, transactions, PartiQL, listTables, updateTable, and a property test of exact types.
//! moto verifies every signature. dynalite has no transactions, PartiQL or TTL: those run on
//! moto only, as each test says.

mod common;

use std::collections::BTreeSet;

use common::*;
use ddb_connector_host::ConnectorError;
use serde_json::{Map, Value, json};

async fn create(server: &Server, table: &str, sort_key: bool) {
    let mut input = json!({"tableName": table, "partitionKey": "grp", "partitionKeyType": "S", "billingModeStr": "PAY_PER_REQUEST"});
    if sort_key {
        input["sortKey"] = json!("seq");
        input["sortKeyType"] = json!("N");
    }
    ok(server, table_op("createTable", input)).await;
}

/// 3,000 items of ~1 KB, written with batchWriteItems (chunks of 25), in two partitions.
async fn fill(server: &Server, table: &str) {
    let payload = "x".repeat(1000);
    let puts: Vec<Value> = (0..3000)
        .map(|i| json!({"put": {"grp": format!("g{}", i % 2), "seq": i, "n": i, "payload": payload}}))
        .collect();
    let written = ok(
        server,
        item_op(
            "batchWriteItems",
            json!({"requestItems": {table.to_string(): puts}}),
        ),
    )
    .await;
    assert_eq!(
        written["response"]["processedCount"], 3000,
        "{}",
        written["response"]
    );
    assert_eq!(written["response"]["unprocessedCount"], 0);
}

fn seqs(items: &Value) -> Vec<u64> {
    items
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| i["seq"]["N"].as_str().unwrap().parse().unwrap())
                .collect()
        })
        .unwrap_or_default()
}

/// Scans `table` with `caps`, resuming from each lastEvaluatedKey: every item exactly once.
async fn scan_resumed(server: &Server, table: &str, caps: &Value) {
    let mut seen = Vec::new();
    let mut start = Value::Null;
    let mut calls = 0;
    loop {
        let mut input = json!({"tableName": table});
        input
            .as_object_mut()
            .unwrap()
            .extend(caps.as_object().unwrap().clone());
        if !start.is_null() {
            input["exclusiveStartKey"] = start.clone();
        }
        let page = ok(server, table_op("scanTable", input)).await;
        calls += 1;
        let got = seqs(&page["response"]);
        if let Some(max) = caps.get("maxItems").and_then(Value::as_u64) {
            assert!(got.len() as u64 <= max, "{caps}: {} items", got.len());
        }
        seen.extend(got);
        if page["paging"]["hasMore"] == false {
            assert_eq!(page["paging"]["lastEvaluatedKey"], Value::Null);
            break;
        }
        start = page["paging"]["lastEvaluatedKey"].clone();
        assert!(start.is_object(), "{}", page["paging"]);
        assert!(calls < 100, "{caps}: no end");
    }
    assert!(calls > 1, "{caps}: the cap never applied");
    let distinct: BTreeSet<u64> = seen.iter().copied().collect();
    assert_eq!(
        (seen.len(), distinct.len()),
        (3000, 3000),
        "{caps}: every item exactly once"
    );
}

/// Queries partition g0 in pages of 100, resuming from each lastEvaluatedKey: the seqs seen.
async fn query_partition(server: &Server, table: &str, forward: bool) -> Vec<u64> {
    let mut seen = Vec::new();
    let mut start = Value::Null;
    let mut pages = 0;
    loop {
        // 1,500 items in pages of 100: 15 pages, and one empty page when the server could not
        // tell that the 15th was the last. More means hasMore never turned false.
        pages += 1;
        assert!(
            pages <= 16,
            "query forward={forward}: no end after 16 pages"
        );
        let mut input = json!({
            "tableName": table, "keyConditionExpression": "grp = :g AND seq >= :from",
            "expressionAttributeValues": {":g": "g0", ":from": 0}, "limit": 100, "maxPages": 1,
            "scanIndexForward": forward, "consistentRead": true,
        });
        if !start.is_null() {
            input["exclusiveStartKey"] = start.clone();
        }
        let page = ok(server, item_op("query", input)).await;
        assert_eq!(page["action"], "query");
        let response = &page["response"];
        assert!(response["items"].as_array().unwrap().len() <= 100);
        assert_eq!(
            response["count"].as_u64().unwrap() as usize,
            response["items"].as_array().unwrap().len()
        );
        seen.extend(seqs(&response["items"]));
        if response["hasMore"] == false {
            return seen;
        }
        start = response["lastEvaluatedKey"].clone();
        assert!(start.is_object(), "{response}");
    }
}

/// batchGetItems of 250 keys (3 chunks of at most 100), some missing.
async fn batch_get_some(server: &Server, table: &str) {
    let keys: Vec<Value> = (0..250)
        .map(|i| json!({"grp": format!("g{}", i % 2), "seq": i * 13}))
        .collect();
    let got = ok(
        server,
        item_op("batchGetItems", json!({"requestItems": {table: {"keys": keys, "projectionExpression": "seq", "consistentRead": true}}})),
    )
    .await;
    let mut found = seqs(&got["response"]["responses"][table]);
    found.sort_unstable();
    let expected: Vec<u64> = (0..250u64)
        .map(|i| i * 13)
        .filter(|s| *s < 3000 && (s % 2) == ((s / 13) % 2))
        .collect();
    assert_eq!(found, expected);
    assert_eq!(got["response"]["unprocessedKeys"], json!({}));
}

/// Parallel scan: two segments together see every item once.
async fn parallel_scan(server: &Server, table: &str) {
    let mut seen = Vec::new();
    for segment in 0..2 {
        let part = ok(
            server,
            table_op(
                "scanTable",
                json!({"tableName": table, "segment": segment, "totalSegments": 2}),
            ),
        )
        .await;
        seen.extend(seqs(&part["response"]));
    }
    assert_eq!(seen.iter().copied().collect::<BTreeSet<_>>().len(), 3000);
    assert_eq!(seen.len(), 3000);
}

async fn paging(server: Server) {
    let table = unique_table("paging");
    create(&server, &table, true).await;
    fill(&server, &table).await;

    // Without item or page caps, every page is followed (3 MB of items is more than one 1 MB
    // page) up to the memory bound: parsed, these 3,000 items hold about 8.7 MB, past the 8 MiB
    // default, so the bound is raised to its maximum.
    let all = ok(
        &server,
        table_op(
            "scanTable",
            json!({"tableName": table, "maxResultBytes": 16 << 20}),
        ),
    )
    .await;
    assert_eq!(all["response"].as_array().unwrap().len(), 3000);
    assert!(
        all["paging"]["pages"].as_u64().unwrap() >= 3,
        "{}",
        all["paging"]
    );
    assert_eq!(all["paging"]["hasMore"], false);
    let distinct: BTreeSet<u64> = seqs(&all["response"]).into_iter().collect();
    assert_eq!(distinct.len(), 3000);

    // The memory bound stops the scan early; resuming sees every item exactly once.
    for caps in [
        json!({"maxResultBytes": 1_000_000}),
        json!({"maxItems": 700, "limit": 300}),
        json!({"maxPages": 2, "limit": 250}),
    ] {
        scan_resumed(&server, &table, &caps).await;
    }

    // Query one partition, in pages of 100, both directions.
    for forward in [true, false] {
        let expected: Vec<u64> = if forward {
            (0..3000).step_by(2).collect()
        } else {
            (0..1500u64).rev().map(|i| i * 2).collect()
        };
        assert_eq!(
            query_partition(&server, &table, forward).await,
            expected,
            "query forward={forward}: in order, each once"
        );
    }

    // Select COUNT, and a filter on a query.
    let counted = ok(
        &server,
        item_op("query", json!({"tableName": table, "keyConditionExpression": "grp = :g", "expressionAttributeValues": {":g": "g1"}, "select": "COUNT"})),
    )
    .await;
    assert_eq!(counted["response"]["count"], 1500);
    let filtered = ok(
        &server,
        item_op("query", json!({
            "tableName": table, "keyConditionExpression": "grp = :g", "filterExpression": "n < :max",
            "expressionAttributeValues": {":g": "g1", ":max": 10}, "projectionExpression": "seq",
        })),
    )
    .await;
    assert_eq!(seqs(&filtered["response"]["items"]), vec![1, 3, 5, 7, 9]);

    parallel_scan(&server, &table).await;
    batch_get_some(&server, &table).await;
    ok(
        &server,
        table_op("deleteTable", json!({"tableName": table})),
    )
    .await;
}

#[tokio::test]
async fn paging_query_batches_on_moto() {
    paging(moto()).await;
}

#[tokio::test]
async fn paging_query_batches_on_dynalite() {
    paging(dynalite()).await;
}

async fn conditional_writes_and_update_expressions(server: Server) {
    let table = unique_table("conditions");
    create(&server, &table, false).await;
    let key = json!({"grp": "k"});
    let add = |extra: Value| {
        let mut input = json!({"tableName": table, "item": {"grp": "k", "n": 1}, "conditionExpression": "attribute_not_exists(grp)"});
        input
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        item_op("addItem", input)
    };
    ok(&server, add(json!({}))).await;
    expect_execution(
        run(&server, add(json!({}))).await,
        "ConditionalCheckFailedException",
    );
    // The current item comes back with the failure when asked (moto; dynalite predates the option).
    let failed = run(
        &server,
        add(json!({"returnValuesOnConditionCheckFailure": "ALL_OLD"})),
    )
    .await;
    let error = expect_execution(failed, "ConditionalCheckFailedException");
    if server.name == "moto" {
        let ConnectorError::Execution { details, .. } = &error else {
            unreachable!()
        };
        let item = details
            .as_ref()
            .and_then(|d| d.get("Item"))
            .expect("the current item");
        assert_eq!(item, &json!({"grp": {"S": "k"}, "n": {"N": "1"}}));
    }

    // addItem with returnValues ALL_OLD returns the item it replaced.
    let replaced = ok(
        &server,
        item_op(
            "addItem",
            json!({"tableName": table, "item": {"grp": "k", "n": 2}, "returnValues": "ALL_OLD"}),
        ),
    )
    .await;
    assert_eq!(replaced["oldItem"]["n"], json!({"N": "1"}));

    // Update expressions: SET, ADD on a number and a set, DELETE from a set, REMOVE.
    let update = |expression: &str, values: Value| {
        item_op(
            "updateItem",
            json!({"tableName": table, "primaryKeyComponents": {"grp": {"S": "k"}}, "updateExpression": expression,
                   "expressionAttributeValues": values, "valueFormat": "typed"}),
        )
    };
    ok(
        &server,
        update(
            "SET tags = :t, note = :s",
            json!({":t": {"SS": ["a", "b"]}, ":s": {"S": "hi"}}),
        ),
    )
    .await;
    ok(
        &server,
        update(
            "ADD n :one, tags :c",
            json!({":one": {"N": "5"}, ":c": {"SS": ["c"]}}),
        ),
    )
    .await;
    let after = ok(
        &server,
        update("DELETE tags :a REMOVE note", json!({":a": {"SS": ["a"]}})),
    )
    .await;
    let attributes = &after["response"]["Attributes"];
    assert_eq!(attributes["n"], json!({"N": "7"}));
    assert_eq!(normalized(&attributes["tags"]), json!({"SS": ["b", "c"]}));
    assert!(attributes.get("note").is_none());
    let stored = boto_items(&server, &table);
    assert_eq!(stored, vec![normalized(attributes)]);

    // A failed condition on update and delete; returnValues UPDATED_OLD on success.
    let guarded = |condition: &str| {
        item_op(
            "updateItem",
            json!({"tableName": table, "primaryKeyComponents": key, "keyAttributes": {"n": 100}, "attributeAction": "PUT",
                   "conditionExpression": condition, "expressionAttributeValues": {":max": 10}, "returnValues": "UPDATED_OLD"}),
        )
    };
    expect_execution(
        run(&server, guarded("n > :max")).await,
        "ConditionalCheckFailedException",
    );
    let old = ok(&server, guarded("n < :max")).await;
    assert_eq!(old["response"]["Attributes"], json!({"n": {"N": "7"}}));
    let delete = |condition: &str| {
        item_op(
            "deleteItem",
            json!({"tableName": table, "primaryKeyComponents": key, "conditionExpression": condition,
                   "expressionAttributeValues": {":n": 1}}),
        )
    };
    expect_execution(
        run(&server, delete("n = :n")).await,
        "ConditionalCheckFailedException",
    );
    assert_eq!(
        boto_items(&server, &table).len(),
        1,
        "a failed condition wrote nothing"
    );
    let deleted = ok(&server, delete("n > :n")).await;
    assert_eq!(deleted["response"]["n"], json!({"N": "100"}));
    assert!(boto_items(&server, &table).is_empty());
    ok(
        &server,
        table_op("deleteTable", json!({"tableName": table})),
    )
    .await;
}

#[tokio::test]
async fn conditional_writes_and_update_expressions_on_moto() {
    conditional_writes_and_update_expressions(moto()).await;
}

#[tokio::test]
async fn conditional_writes_and_update_expressions_on_dynalite() {
    conditional_writes_and_update_expressions(dynalite()).await;
}

/// moto only: dynalite has no transactions.
#[tokio::test]
async fn transactions_on_moto() {
    let server = moto();
    let table = unique_table("transact");
    create(&server, &table, false).await;
    ok(
        &server,
        item_op(
            "addItem",
            json!({"tableName": table, "item": {"grp": "old", "n": 1}}),
        ),
    )
    .await;
    ok(
        &server,
        item_op(
            "addItem",
            json!({"tableName": table, "item": {"grp": "guard"}}),
        ),
    )
    .await;
    let written = ok(
        &server,
        item_op("transactWriteItems", json!({"transactItems": [
            {"put": {"tableName": table, "item": {"grp": "new", "n": 10}, "conditionExpression": "attribute_not_exists(grp)"}},
            {"update": {"tableName": table, "key": {"grp": "old"}, "updateExpression": "SET n = n + :d", "expressionAttributeValues": {":d": 2}}},
            {"conditionCheck": {"tableName": table, "key": {"grp": "guard"}, "conditionExpression": "attribute_exists(grp)"}},
        ]})),
    )
    .await;
    let token = written["response"]["clientRequestToken"].as_str().unwrap();
    assert_eq!(token.len(), 36, "a generated idempotency token");
    let items = boto_items(&server, &table);
    assert_eq!(
        items,
        vec![
            json!({"grp": {"S": "guard"}}),
            json!({"grp": {"S": "new"}, "n": {"N": "10"}}),
            json!({"grp": {"S": "old"}, "n": {"N": "3"}})
        ]
    );

    // A cancelled transaction writes nothing and says why, item by item.
    let cancelled = run(
        &server,
        item_op("transactWriteItems", json!({"clientRequestToken": "fixed-token-1", "transactItems": [
            {"delete": {"tableName": table, "key": {"grp": "new"}}},
            {"put": {"tableName": table, "item": {"grp": "old", "n": 0}, "conditionExpression": "attribute_not_exists(grp)"}},
        ]})),
    )
    .await;
    let error = expect_execution(cancelled, "TransactionCanceledException");
    let ConnectorError::Execution { details, .. } = &error else {
        unreachable!()
    };
    let reasons = details
        .as_ref()
        .and_then(|d| d.get("CancellationReasons"))
        .expect("cancellation reasons");
    assert_eq!(reasons[1]["Code"], "ConditionalCheckFailed", "{reasons}");
    assert_eq!(boto_items(&server, &table), items, "nothing written");

    let got = ok(
        &server,
        item_op(
            "transactGetItems",
            json!({"transactItems": [
                {"get": {"tableName": table, "key": {"grp": "new"}}},
                {"get": {"tableName": table, "key": {"grp": "missing"}}},
            ]}),
        ),
    )
    .await;
    assert_eq!(got["response"]["items"][0]["n"], json!({"N": "10"}));
    assert_eq!(got["response"]["items"][1], Value::Null);

    over_the_transaction_limit_nothing_is_sent(&server, &table, &items).await;
}

/// Over DynamoDB's 100-item limit: a configuration error, nothing sent, nothing written.
async fn over_the_transaction_limit_nothing_is_sent(server: &Server, table: &str, items: &[Value]) {
    let many: Vec<Value> = (0..101)
        .map(|i| json!({"put": {"tableName": table, "item": {"grp": format!("p{i}")}}}))
        .collect();
    let invocation = invoke(&request(
        server,
        item_op("transactWriteItems", json!({"transactItems": many})),
    ))
    .await;
    match invocation.result {
        Err(ConnectorError::Configuration { field, message }) => {
            assert_eq!(field.as_deref(), Some("input.transactItems"));
            assert!(message.contains("100"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(invocation.http_requests, 0, "the guest sent nothing");
    assert_eq!(boto_items(server, table), items, "nothing written");
}

/// moto only: dynalite has no PartiQL.
#[tokio::test]
async fn execute_statement_on_moto() {
    let server = moto();
    let table = unique_table("partiql");
    create(&server, &table, false).await;
    ok(
        &server,
        // moto's PartiQL takes no parameters in INSERT: literal values there, parameters below.
        item_op("executeStatement", json!({"statement": format!("INSERT INTO \"{table}\" VALUE {{'grp': 'a', 'n': 'exact'}}")})),
    )
    .await;
    let selected = ok(
        &server,
        item_op("executeStatement", json!({"statement": format!("SELECT * FROM \"{table}\" WHERE grp = ?"), "parameters": ["a"]})),
    )
    .await;
    assert_eq!(
        selected["response"]["items"],
        json!([{"grp": {"S": "a"}, "n": {"S": "exact"}}])
    );
    assert_eq!(
        boto_items(&server, &table),
        vec![json!({"grp": {"S": "a"}, "n": {"S": "exact"}})]
    );
    let none = ok(
        &server,
        item_op("executeStatement", json!({"statement": format!("SELECT * FROM \"{table}\" WHERE grp = ?"), "parameters": ["b"], "outputFormat": "plain"})),
    )
    .await;
    assert_eq!(none["response"]["items"], json!([]));
}

/// The region of the listTables test. moto keeps tables per region, so there it lists only
/// this test's tables; dynalite has one namespace, where the names' unique prefix sets them apart.
const LIST_REGION: &str = "eu-west-3";

/// Runs `input` against `server` in [`LIST_REGION`] and expects success.
async fn ok_listed(server: &Server, input: Value) -> Value {
    let mut request = request(server, input);
    request["configuration"]["region"] = json!(LIST_REGION);
    ok_request(server, &request).await
}

/// listTables, one name per page from `start`, until a name without `prefix` or the end.
async fn list_paged(server: &Server, prefix: &str, mut start: Value) -> Vec<String> {
    let mut paged = Vec::new();
    for call in 0.. {
        // Three names of ours, then at most one more page: more means it does not end.
        assert!(call < 5, "listTables paging does not end: {paged:?}");
        let page = ok_listed(
            server,
            table_op(
                "listTables",
                json!({"limit": 1, "exclusiveStartTableName": start}),
            ),
        )
        .await;
        let response = &page["response"];
        let names = response["tableNames"].as_array().unwrap();
        assert!(names.len() <= 1, "limit 1: {response}");
        let next = response["lastEvaluatedTableName"].clone();
        match names.first().and_then(Value::as_str) {
            Some(name) if name.starts_with(prefix) => paged.push(name.to_string()),
            _ => break,
        }
        if next.is_null() {
            break;
        }
        assert_eq!(next, names[0], "resumes after the name it gave");
        start = next;
    }
    paged
}

/// `start_at_prefix`: dynalite compares `exclusiveStartTableName` with the names in order, so a
/// listing can begin at the prefix; moto looks the name up, in creation order, and needs its
/// own region (the listing begins at the start).
async fn list_and_update_tables(server: Server, ttl: bool, start_at_prefix: bool) {
    let prefix = format!("{}.", unique_table("listed"));
    let tables: Vec<String> = ["a", "b", "c"]
        .iter()
        .map(|c| format!("{prefix}{c}"))
        .collect();
    for table in &tables {
        ok_listed(&server, table_op("createTable", json!({"tableName": table, "partitionKey": "grp", "partitionKeyType": "S", "billingModeStr": "PAY_PER_REQUEST"}))).await;
    }
    let all = ok_listed(&server, table_op("listTables", json!({}))).await;
    let names: Vec<&str> = all["response"]["tableNames"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    let ours: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| n.starts_with(&prefix))
        .collect();
    assert_eq!(ours, tables, "{names:?}");
    if !start_at_prefix {
        assert_eq!(
            names, tables,
            "moto, {LIST_REGION}: only this test's tables"
        );
    }
    // One name per page, resumed by lastEvaluatedTableName.
    let start = if start_at_prefix {
        json!(prefix)
    } else {
        Value::Null
    };
    assert_eq!(list_paged(&server, &prefix, start).await, tables);

    let updated = ok_listed(
        &server,
        table_op("updateTable", json!({"tableName": tables[0], "billingModeStr": "PROVISIONED", "readCapacityUnits": 2, "writeCapacityUnits": 3})),
    )
    .await;
    assert_eq!(
        updated["response"]["table"]["ProvisionedThroughput"]["ReadCapacityUnits"],
        2
    );
    assert_eq!(updated["response"]["table"]["TableStatus"], "ACTIVE");
    let described = ok_listed(
        &server,
        table_op("describeTimeToLive", json!({"tableName": tables[1]})),
    )
    .await;
    assert_eq!(described["action"], "describeTimeToLive");
    assert_eq!(
        described["response"],
        json!({"TimeToLiveStatus": "DISABLED"})
    );
    if ttl {
        let with_ttl = ok_listed(&server, table_op("updateTable", json!({"tableName": tables[1], "timeToLiveAttribute": "expiresAt", "deletionProtection": true}))).await;
        assert_eq!(
            with_ttl["response"]["timeToLive"],
            json!({"AttributeName": "expiresAt", "Enabled": true})
        );
        assert_eq!(
            with_ttl["response"]["table"]["DeletionProtectionEnabled"],
            true
        );
        let described = ok_listed(
            &server,
            table_op("describeTimeToLive", json!({"tableName": tables[1]})),
        )
        .await;
        assert_eq!(
            described["response"],
            json!({"TimeToLiveStatus": "ENABLED", "AttributeName": "expiresAt"})
        );
        ok_listed(
            &server,
            table_op(
                "updateTable",
                json!({"tableName": tables[1], "deletionProtection": "false"}),
            ),
        )
        .await;
    }
    for table in &tables {
        ok_listed(
            &server,
            table_op("deleteTable", json!({"tableName": table})),
        )
        .await;
    }
}

#[tokio::test]
async fn list_and_update_tables_on_moto() {
    list_and_update_tables(moto(), true, false).await;
}

/// dynalite has no UpdateTimeToLive and no deletion protection: billing changes only, and
/// describeTimeToLive, which it always answers DISABLED.
#[tokio::test]
async fn list_and_update_tables_on_dynalite() {
    list_and_update_tables(dynalite(), false, true).await;
}

/// A small deterministic generator (xorshift), so a failure names its seed.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn text(&mut self) -> String {
        const CHARS: &[char] = &[
            'a', 'Z', '0', ' ', 'é', '中', '🦀', '"', '\\', '\n', '.', '#',
        ];
        (0..1 + self.below(12))
            .map(|_| CHARS[self.below(CHARS.len() as u64) as usize])
            .collect()
    }

    fn number(&mut self) -> String {
        let digits: String = (0..1 + self.below(38))
            .map(|i| char::from(b'0' + (self.below(9) as u8 + u8::from(i == 0))))
            .collect();
        let sign = if self.below(3) == 0 { "-" } else { "" };
        match self.below(3) {
            0 => format!("{sign}{digits}"),
            1 if digits.len() > 1 => format!("{sign}{}.{}", &digits[..1], &digits[1..]),
            _ => format!("{sign}0.{digits}"),
        }
    }

    fn binary(&mut self) -> String {
        let bytes: Vec<u8> = (0..1 + self.below(20)).map(|_| self.next() as u8).collect();
        // Standard base64, written here so the test needs no extra crate.
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            const TABLE: &[u8; 64] =
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(TABLE[((n >> (18 - 6 * i)) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    fn set<F: FnMut(&mut Self) -> String>(&mut self, mut member: F) -> Vec<Value> {
        let mut members = BTreeSet::new();
        for _ in 0..1 + self.below(4) {
            members.insert(member(self));
        }
        members.into_iter().map(Value::String).collect()
    }

    fn value(&mut self, depth: usize) -> Value {
        let kinds = if depth >= 32 { 7 } else { 9 };
        match self.below(kinds) {
            0 => json!({"S": self.text()}),
            1 => json!({"N": self.number()}),
            2 => json!({"B": self.binary()}),
            3 => json!({"BOOL": self.below(2) == 0}),
            4 => json!({"NULL": true}),
            5 => json!({"SS": self.set(Self::text)}),
            6 => match self.below(2) {
                // Members that are equal as numbers would be duplicates: keep them canonical.
                0 => json!({"NS": self.set(|r| canonical_number(&r.number()))}),
                _ => json!({"BS": self.set(Self::binary)}),
            },
            7 => {
                json!({"L": (0..self.below(4)).map(|_| self.value(depth + 1)).collect::<Vec<_>>()})
            }
            _ => {
                let members: Map<String, Value> = (0..self.below(4))
                    .map(|_| (self.text(), self.value(depth + 1)))
                    .collect();
                json!({"M": members})
            }
        }
    }

    /// A chain of nested lists down to DynamoDB's 32 levels, sometimes.
    fn deep(&mut self) -> Value {
        let mut value = self.value(32);
        for _ in 0..31 {
            value = json!({"L": [value]});
        }
        value
    }
}

/// DynamoDB's canonical text of a number, for comparing what was written with what is read.
fn canonical_number(text: &str) -> String {
    let (sign, digits) = text.strip_prefix('-').map_or(("", text), |d| ("-", d));
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    let body = match (int.is_empty(), frac.is_empty()) {
        (true, true) => return "0".into(),
        (false, true) => int.to_string(),
        (true, false) => format!("0.{frac}"),
        (false, false) => format!("{int}.{frac}"),
    };
    format!("{sign}{body}")
}

fn canonical(value: &Value) -> Value {
    match value {
        Value::Object(map) if map.len() == 1 => {
            let (tag, inner) = map.iter().next().unwrap();
            let inner = match (tag.as_str(), inner) {
                ("N", Value::String(n)) => Value::String(canonical_number(n)),
                ("NS", Value::Array(ns)) => {
                    let mut ns: Vec<String> = ns
                        .iter()
                        .map(|n| canonical_number(n.as_str().unwrap()))
                        .collect();
                    ns.sort();
                    json!(ns)
                }
                ("SS" | "BS", Value::Array(members)) => {
                    let mut members = members.clone();
                    members.sort_by_key(|m| m.to_string());
                    Value::Array(members)
                }
                ("L", Value::Array(items)) => Value::Array(items.iter().map(canonical).collect()),
                ("M", Value::Object(members)) => Value::Object(
                    members
                        .iter()
                        .map(|(k, v)| (k.clone(), canonical(v)))
                        .collect(),
                ),
                (_, other) => other.clone(),
            };
            json!({ tag: inner })
        }
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), canonical(v))).collect())
        }
        other => other.clone(),
    }
}

async fn exact_types_property(server: Server, seed: u64) {
    let table = unique_table("property");
    create(&server, &table, false).await;
    let mut random = Random(seed);
    let mut written = Vec::new();
    for i in 0..40 {
        let mut item = Map::new();
        item.insert("grp".into(), json!({"S": format!("item-{i}")}));
        for _ in 0..1 + random.below(6) {
            item.insert(random.text(), random.value(1));
        }
        if i % 10 == 0 {
            item.insert("deep".into(), random.deep());
        }
        let item = Value::Object(item);
        ok(
            &server,
            item_op(
                "addItem",
                json!({"tableName": table, "item": item, "valueFormat": "typed"}),
            ),
        )
        .await;
        let got = ok(&server, item_op("getItem", json!({"tableName": table, "primaryKeyComponents": {"grp": format!("item-{i}")}, "consistentRead": true}))).await;
        assert_eq!(
            canonical(&got["response"]),
            canonical(&item),
            "seed {seed}, item {i}: read back through the connector"
        );
        written.push(canonical(&item));
    }
    let mut through_boto: Vec<Value> = boto_items(&server, &table).iter().map(canonical).collect();
    through_boto.sort_by_key(|i| i["grp"]["S"].as_str().unwrap().to_string());
    written.sort_by_key(|i| i["grp"]["S"].as_str().unwrap().to_string());
    assert_eq!(
        through_boto, written,
        "seed {seed}: read back through boto3"
    );
    ok(
        &server,
        table_op("deleteTable", json!({"tableName": table})),
    )
    .await;
}

#[tokio::test]
async fn random_items_of_every_type_read_back_exactly_on_moto() {
    exact_types_property(moto(), 0x9E37_79B9_7F4A_7C15).await;
}

#[tokio::test]
async fn random_items_of_every_type_read_back_exactly_on_dynalite() {
    exact_types_property(dynalite(), 0xD1B5_4A32_D192_ED03).await;
}
