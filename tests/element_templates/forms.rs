//! What a Modeler user enters for each operation: the operation chosen, then its fields, by the
//! binding of the field typed into (a `=` text is FEEL, as the user writes it).

use serde_json::{Value, json};

/// One entry: the binding of the field, and what is typed into it.
pub type Entry = (&'static str, Value);

/// Camunda's eight, in an order that leaves nothing behind.
pub const CAMUNDA_SEQUENCE: [&str; 8] = [
    "createTable",
    "describeTable",
    "addItem",
    "getItem",
    "updateItem",
    "scanTable",
    "deleteItem",
    "deleteTable",
];

/// All nineteen, in an order where each finds what it needs (readStream after executeAction has
/// turned the table's stream on).
pub const OUR_SEQUENCE: [&str; 19] = [
    "createTable",
    "describeTable",
    "updateTable",
    "describeTimeToLive",
    "listTables",
    "addItem",
    "getItem",
    "updateItem",
    "query",
    "scanTable",
    "batchWriteItems",
    "batchGetItems",
    "transactWriteItems",
    "transactGetItems",
    "executeStatement",
    "executeAction",
    "readStream",
    "deleteItem",
    "deleteTable",
];

/// Choosing `op`: its group, then the operation, in the dropdowns that offer it (before
/// Camunda's template 7: `operationGroup` table | item, and `input.type`).
pub fn choose(template: &Value, op: &str) -> Vec<Entry> {
    let properties = template["properties"].as_array().unwrap();
    let offered_by = |binding: &str, group: Option<&str>| {
        properties.iter().any(|p| {
            p["binding"]["name"] == binding
                && group.is_none_or(|g| p["condition"]["equals"] == g)
                && p["choices"]
                    .as_array()
                    .is_some_and(|c| c.iter().any(|c| c["value"] == op))
        })
    };
    let (group_binding, group, op_binding) = if offered_by("input.tableOperation", None) {
        (
            "input.operationGroup",
            "tableOperation",
            "input.tableOperation",
        )
    } else if offered_by("input.itemOperation", None) {
        (
            "input.operationGroup",
            "itemOperation",
            "input.itemOperation",
        )
    } else if offered_by("input.type", Some("table")) {
        ("operationGroup", "table", "input.type")
    } else {
        assert!(
            offered_by("input.type", Some("item")),
            "no template field offers {op}"
        );
        ("operationGroup", "item", "input.type")
    };
    vec![(group_binding, json!(group)), (op_binding, json!(op))]
}

/// The fields of Camunda's eight, as typed into any version of Camunda's template (and ours).
pub fn camunda_fields(op: &str, table: &str) -> Vec<Entry> {
    let table = ("input.tableName", json!(table));
    let key = ("input.primaryKeyComponents", json!(r#"={"id": "k1"}"#));
    match op {
        "createTable" => vec![
            table,
            ("input.partitionKey", json!("id")),
            ("input.partitionKeyRole", json!("HASH")),
            ("input.partitionKeyType", json!("S")),
            ("input.readCapacityUnits", json!("5")),
            ("input.writeCapacityUnits", json!("5")),
            ("input.billingModeStr", json!("PROVISIONED")),
        ],
        "describeTable" | "deleteTable" => vec![table],
        "addItem" => vec![table, ("input.item", json!(r#"={"id": "k1", "n": 1}"#))],
        "getItem" | "deleteItem" => vec![table, key],
        "updateItem" => vec![
            table,
            key,
            ("input.keyAttributes", json!(r#"={"n": 2}"#)),
            ("input.attributeAction", json!("put")),
        ],
        "scanTable" => vec![
            table,
            ("input.filterExpression", json!("n > :min")),
            ("input.expressionAttributeValues", json!(r#"={":min": 0}"#)),
        ],
        other => panic!("{other} is not one of Camunda's eight"),
    }
}

/// What a result of Camunda's eight must hold, in the sequence above.
pub fn check_camunda_result(op: &str, table: &str, result: &Value) {
    let response = &result["response"];
    let ok = match op {
        "createTable" | "describeTable" => response["TableName"] == table,
        "addItem" => *response == json!({"id": {"S": "k1"}, "n": {"N": "1"}}),
        "getItem" => response["id"]["S"] == "k1",
        "updateItem" => response["Attributes"]["n"]["N"] == "2",
        "scanTable" => response[0]["n"]["N"] == "2" && response[1].is_null(),
        "deleteItem" => response["n"]["N"] == "2",
        "deleteTable" => result["action"] == format!("delete Table [{table}]"),
        _ => false,
    };
    assert!(ok, "{op}: unexpected result {result}");
}

/// The fields of each of our operations beyond Camunda's fields (some of Camunda's eight
/// take ours too).
pub fn our_fields(op: &str, table: &str) -> Vec<Entry> {
    let t = || ("input.tableName", json!(table));
    let feel = |text: String| json!(format!("={text}"));
    match op {
        "createTable" | "describeTable" | "deleteTable" | "scanTable" | "addItem" | "getItem"
        | "updateItem" | "deleteItem" => extended(op, table),
        "updateTable" => vec![
            t(),
            ("input.billingModeStr", json!("PROVISIONED")),
            ("input.readCapacityUnits", json!("6")),
            ("input.writeCapacityUnits", json!("6")),
        ],
        "describeTimeToLive" => vec![t()],
        "listTables" => vec![("input.limit", json!("100"))],
        "query" => vec![
            t(),
            ("input.keyConditionExpression", json!("id = :k")),
            ("input.expressionAttributeValues", json!(r#"={":k": "k1"}"#)),
            ("input.scanIndexForward", json!("false")),
            ("input.maxItems", json!("10")),
            ("input.returnConsumedCapacity", json!("TOTAL")),
        ],
        "batchWriteItems" => vec![(
            "input.requestItems",
            feel(json!({table: [{"put": {"id": "k2", "n": 3}}]}).to_string()),
        )],
        "batchGetItems" => vec![(
            "input.requestItems",
            feel(json!({table: {"keys": [{"id": "k2"}]}}).to_string()),
        )],
        "transactWriteItems" => vec![(
            "input.transactItems",
            feel(json!([{"put": {"tableName": table, "item": {"id": "k3", "n": 4}}}]).to_string()),
        )],
        "transactGetItems" => vec![(
            "input.transactItems",
            feel(json!([{"get": {"tableName": table, "key": {"id": "k3"}}}]).to_string()),
        )],
        "executeStatement" => vec![
            (
                "input.statement",
                json!(format!("SELECT * FROM \"{table}\" WHERE id = ?")),
            ),
            ("input.parameters", json!(r#"=["k3"]"#)),
        ],
        "executeAction" => vec![
            ("input.action", json!("UpdateTable")),
            (
                "input.request",
                feel(
                    json!({"TableName": table, "StreamSpecification":
                    {"StreamEnabled": true, "StreamViewType": "NEW_AND_OLD_IMAGES"}})
                    .to_string(),
                ),
            ),
        ],
        "readStream" => vec![t(), ("input.startingPosition", json!("TRIM_HORIZON"))],
        other => panic!("{other} is not an operation"),
    }
}

/// Camunda's eight with some of the fields ours adds.
fn extended(op: &str, table: &str) -> Vec<Entry> {
    let mut fields = camunda_fields(op, table);
    match op {
        "addItem" => fields.push((
            "input.conditionExpression",
            json!("attribute_not_exists(id)"),
        )),
        "getItem" => fields.push(("input.consistentRead", json!("true"))),
        "updateItem" => fields.push(("input.returnValues", json!("ALL_NEW"))),
        "scanTable" => fields.push(("input.limit", json!("10"))),
        "deleteItem" => fields.push(("input.returnValues", json!("ALL_OLD"))),
        _ => {}
    }
    fields
}

/// What a result of ours must hold, in [`OUR_SEQUENCE`].
pub fn check_our_result(op: &str, table: &str, result: &Value) {
    let response = &result["response"];
    let ok = match op {
        "createTable" | "describeTable" | "addItem" | "getItem" | "updateItem" | "scanTable"
        | "deleteItem" | "deleteTable" => {
            check_camunda_result(op, table, result);
            true
        }
        "updateTable" => response["table"]["TableName"] == table,
        "describeTimeToLive" => response["TimeToLiveStatus"].is_string(),
        "listTables" => response["tableNames"]
            .as_array()
            .is_some_and(|names| names.iter().any(|n| n == table)),
        // Asked for TOTAL from the template's dropdown: the summed capacity beside the items.
        "query" => {
            response["items"][0]["n"]["N"] == "2"
                && result["consumedCapacity"]["tableName"] == table
                && result["consumedCapacity"]["capacityUnits"].is_number()
        }
        "batchWriteItems" => result["status"] == "OK",
        "batchGetItems" => response["responses"][table][0]["n"]["N"] == "3",
        "transactWriteItems" => response["clientRequestToken"].is_string(),
        "transactGetItems" => response["items"][0]["n"]["N"] == "4",
        "executeStatement" => response["items"][0]["n"]["N"] == "4",
        "executeAction" => {
            response["TableDescription"]["StreamSpecification"]["StreamEnabled"] == true
        }
        "readStream" => result["status"] == "OK" && response["checkpoint"].is_object(),
        _ => false,
    };
    assert!(ok, "{op}: unexpected result {result}");
}
