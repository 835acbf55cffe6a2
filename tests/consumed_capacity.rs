//! `returnConsumedCapacity` against moto, which reports capacity (a fixed amount per call: 0.5
//! per GetItem, 1 per PutItem and per Query or Scan page, 1 per BatchWriteItem call and table,
//! one per key of a BatchGetItem, 2 per TransactGetItems get): present, and summed where one
//! invocation makes several calls. dynalite reports none.

mod common;

use common::*;
use ddb_connector_host::{Tenant, wit};
use serde_json::{Value, json};

fn units(capacity: &Value) -> f64 {
    capacity["capacityUnits"]
        .as_f64()
        .unwrap_or_else(|| panic!("no capacityUnits in {capacity}"))
}

async fn seeded(server: &Server, table: &str) {
    ok(
        server,
        table_op(
            "createTable",
            json!({"tableName": table, "partitionKey": "grp", "partitionKeyType": "S",
                   "sortKey": "seq", "sortKeyType": "N", "billingModeStr": "PAY_PER_REQUEST"}),
        ),
    )
    .await;
    let puts: Vec<Value> = (0..30)
        .map(|seq| json!({"put": {"grp": "g", "seq": seq}}))
        .collect();
    let written = ok(
        server,
        item_op(
            "batchWriteItems",
            json!({"requestItems": {table: puts}, "returnConsumedCapacity": "TOTAL"}),
        ),
    )
    .await;
    // 30 puts: two BatchWriteItem calls (25 + 5), one unit each on moto.
    let per_table = written["consumedCapacity"].as_array().unwrap();
    assert_eq!(per_table.len(), 1, "{written}");
    assert_eq!(per_table[0]["tableName"], table);
    assert_eq!(units(&per_table[0]), 2.0);
}

#[tokio::test]
async fn consumed_capacity_is_present_and_summed_on_moto() {
    let server = moto();
    let table = unique_table("capacity");
    seeded(&server, &table).await;
    let key = json!({"grp": "g", "seq": 1});
    let get = |asked: Value| {
        let mut input = json!({"tableName": table, "primaryKeyComponents": key});
        input["returnConsumedCapacity"] = asked;
        item_op("getItem", input)
    };
    let plain = ok(&server, get(Value::Null)).await;
    assert!(plain.get("consumedCapacity").is_none(), "{plain}");
    let none = ok(&server, get(json!("NONE"))).await;
    assert_eq!(none, plain);
    let total = ok(&server, get(json!("total"))).await;
    assert_eq!(total["response"], plain["response"]);
    assert_eq!(
        total["consumedCapacity"],
        json!({"tableName": table, "capacityUnits": 0.5})
    );
    let indexes = ok(&server, get(json!("INDEXES"))).await;
    assert_eq!(indexes["consumedCapacity"]["table"]["capacityUnits"], 0.5);

    let put = item_op(
        "addItem",
        json!({"tableName": table, "item": {"grp": "g", "seq": 99}, "returnConsumedCapacity": "TOTAL"}),
    );
    assert_eq!(units(&ok(&server, put).await["consumedCapacity"]), 1.0);

    // Pages of 4: the sum is one unit per page, over every page of the invocation.
    let scan = table_op(
        "scanTable",
        json!({"tableName": table, "limit": 4, "returnConsumedCapacity": "TOTAL"}),
    );
    let scanned = ok(&server, scan).await;
    let pages = scanned["paging"]["pages"].as_u64().unwrap();
    assert!(pages >= 8, "{}", scanned["paging"]);
    assert_eq!(units(&scanned["consumedCapacity"]), pages as f64);
    let query = item_op(
        "query",
        json!({"tableName": table, "keyConditionExpression": "grp = :g",
               "expressionAttributeValues": {":g": "g"}, "limit": 7, "returnConsumedCapacity": "TOTAL"}),
    );
    let queried = ok(&server, query).await;
    let pages = queried["response"]["pages"].as_u64().unwrap();
    assert!(pages >= 5, "{}", queried["response"]);
    assert_eq!(units(&queried["consumedCapacity"]), pages as f64);

    let keys: Vec<Value> = (0..3).map(|seq| json!({"grp": "g", "seq": seq})).collect();
    let batch_get = item_op(
        "batchGetItems",
        json!({"requestItems": {&table: {"keys": keys}}, "returnConsumedCapacity": "TOTAL"}),
    );
    let got = ok(&server, batch_get).await;
    assert_eq!(units(&got["consumedCapacity"][0]), 3.0, "{got}");
}

#[tokio::test]
async fn transactions_and_the_typed_entry_point_carry_consumed_capacity_on_moto() {
    let server = moto();
    let table = unique_table("capacity-tx");
    seeded(&server, &table).await;
    let gets: Vec<Value> = (0..2)
        .map(|seq| json!({"get": {"tableName": table, "key": {"grp": "g", "seq": seq}}}))
        .collect();
    let transact_get = item_op(
        "transactGetItems",
        json!({"transactItems": gets, "returnConsumedCapacity": "TOTAL"}),
    );
    let got = ok(&server, transact_get).await;
    assert_eq!(
        got["consumedCapacity"],
        json!([{"tableName": table, "capacityUnits": 4.0, "readCapacityUnits": 4.0}])
    );
    // moto answers TransactWriteItems with an empty list: present, and empty.
    let put = json!([{"put": {"tableName": table, "item": {"grp": "g", "seq": 500}}}]);
    let transact_write = item_op(
        "transactWriteItems",
        json!({"transactItems": put, "returnConsumedCapacity": "TOTAL"}),
    );
    assert_eq!(
        ok(&server, transact_write).await["consumedCapacity"],
        json!([])
    );

    let mut request = typed_request(
        &server,
        wit::Operation::GetItem(wit::GetItem {
            table_name: table.clone(),
            primary_key_components_json: r#"{"grp": "g", "seq": 1}"#.into(),
            projection_expression: None,
            expression_attribute_names_json: None,
            consistent_read: None,
        }),
    );
    request.options.return_consumed_capacity = Some(wit::ReturnConsumedCapacity::Total);
    let typed = host().execute(request, &Tenant::default()).await.unwrap();
    let typed = typed.result.unwrap_or_else(|e| panic!("{e}"));
    let consumed: Value = serde_json::from_str(&typed.consumed_capacity_json.unwrap()).unwrap();
    assert_eq!(consumed, json!({"tableName": table, "capacityUnits": 0.5}));
    ok(
        &server,
        table_op("deleteTable", json!({"tableName": table})),
    )
    .await;
}
