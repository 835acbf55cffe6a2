//! Every operation, through the host, against moto (signatures verified) and dynalite.
//! After each write, boto3 reads the table: the data and types are what the connector says.

mod common;

use common::*;
use ddb_connector_host::{ConnectorError, Tenant, wit};
use serde_json::{Value, json};

fn table_input(op: &str, table: &str) -> Value {
    json!({"operationGroup": "tableOperation", "tableOperation": op, "tableName": table})
}

fn item_input(op: &str, table: &str, extra: Value) -> Value {
    let mut input =
        json!({"operationGroup": "itemOperation", "itemOperation": op, "tableName": table});
    input
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    input
}

/// The whole life of a table and its items, on one server.
async fn lifecycle(server: Server) {
    let table = unique_table("lifecycle");

    // createTable waits until ACTIVE.
    let created = ok(
        &server,
        json!({
            "operationGroup": "tableOperation", "tableOperation": "createTable", "tableName": table,
            "partitionKey": "id", "partitionKeyRole": "HASH", "partitionKeyType": "S",
            "sortKey": "n", "sortKeyRole": "RANGE", "sortKeyType": "N",
            "billingModeStr": "PAY_PER_REQUEST",
        }),
    )
    .await;
    assert_eq!(created["action"], "createTable");
    assert_eq!(created["response"]["TableStatus"], "ACTIVE", "{created}");
    assert_eq!(created["response"]["TableName"], table.as_str());
    assert_eq!(
        created["response"]["KeySchema"],
        json!([{"AttributeName": "id", "KeyType": "HASH"}, {"AttributeName": "n", "KeyType": "RANGE"}])
    );

    let described = ok(&server, table_input("describeTable", &table)).await;
    assert_eq!(described["action"], "describeTable");
    assert_eq!(described["response"]["TableStatus"], "ACTIVE");
    assert_eq!(described["response"]["TableName"], table.as_str());

    // An empty table scans to null, as Camunda's connector answers.
    let empty = ok(&server, table_input("scanTable", &table)).await;
    assert_eq!(empty["response"], Value::Null, "{empty}");

    // addItem with plain JSON values: a 38-digit number keeps every digit.
    let plain_item = r#"{"id": "a", "n": 1, "big": 12345678901234567890123456789012345678,
        "frac": 0.12345678901234567890123456789012345678,
        "nested": {"list": [1, "x", true, null], "deep": {"k": -5}}, "flag": false}"#;
    let added = ok(
        &server,
        item_input("addItem", &table, json!({"item": plain_item})),
    )
    .await;
    assert_eq!(added["action"], "addItem");
    let stored_a: Value = json!({
        "id": {"S": "a"}, "n": {"N": "1"},
        "big": {"N": "12345678901234567890123456789012345678"},
        "frac": {"N": "0.12345678901234567890123456789012345678"},
        "nested": {"M": {"list": {"L": [{"N": "1"}, {"S": "x"}, {"BOOL": true}, {"NULL": true}]}, "deep": {"M": {"k": {"N": "-5"}}}}},
        "flag": {"BOOL": false},
    });
    assert_eq!(normalized(&added["response"]), normalized(&stored_a));
    assert_eq!(boto_items(&server, &table), vec![normalized(&stored_a)]);

    // addItem with typed values: binary and sets are stored as what they are.
    let stored_b = json!({
        "id": {"S": "b"}, "n": {"N": "2"},
        "bin": {"B": "AAEC/w=="},
        "ss": {"SS": ["x", "y"]}, "ns": {"NS": ["1", "2.5", "99999999999999999999999999999999999999"]},
        "bs": {"BS": ["AA==", "AQ=="]},
    });
    let added = ok(
        &server,
        item_input(
            "addItem",
            &table,
            json!({"item": stored_b, "valueFormat": "typed"}),
        ),
    )
    .await;
    assert_eq!(normalized(&added["response"]), normalized(&stored_b));
    let mut expected = vec![normalized(&stored_a), normalized(&stored_b)];
    expected.sort_by_key(|i| i.to_string());
    assert_eq!(boto_items(&server, &table), expected);

    // getItem: typed by default, plain on request, null when absent.
    let got = ok(
        &server,
        item_input(
            "getItem",
            &table,
            json!({"primaryKeyComponents": {"id": "a", "n": 1}}),
        ),
    )
    .await;
    assert_eq!(got["action"], "getItem");
    assert_eq!(normalized(&got["response"]), normalized(&stored_a));
    let got_plain = ok(
        &server,
        item_input(
            "getItem",
            &table,
            json!({"primaryKeyComponents": {"id": "a", "n": 1}, "outputFormat": "plain"}),
        ),
    )
    .await;
    let text = got_plain["response"].to_string();
    assert!(
        text.contains("\"big\":12345678901234567890123456789012345678"),
        "{text}"
    );
    assert_eq!(
        got_plain["response"]["nested"]["list"],
        json!([1, "x", true, null])
    );
    let missing = ok(
        &server,
        item_input(
            "getItem",
            &table,
            json!({"primaryKeyComponents": {"id": "zz", "n": 9}}),
        ),
    )
    .await;
    assert_eq!(missing["response"], Value::Null);

    // updateItem PUT: a set stays a set; the response holds the item after the update.
    let updated = ok(
        &server,
        item_input(
            "updateItem",
            &table,
            json!({
                "primaryKeyComponents": {"id": {"S": "b"}, "n": {"N": "2"}},
                "keyAttributes": {"ss": {"SS": ["z"]}, "count": {"N": "5"}},
                "attributeAction": "put", "valueFormat": "typed",
            }),
        ),
    )
    .await;
    assert_eq!(updated["action"], "updateItem");
    let attributes = &updated["response"]["Attributes"];
    assert_eq!(attributes["ss"], json!({"SS": ["z"]}));
    assert_eq!(attributes["count"], json!({"N": "5"}));
    assert_eq!(attributes["bin"], json!({"B": "AAEC/w=="}));
    let after: Vec<Value> = boto_items(&server, &table);
    let b = after.iter().find(|i| i["id"]["S"] == "b").unwrap();
    assert_eq!(b["ss"], json!({"SS": ["z"]}));
    assert_eq!(b["count"], json!({"N": "5"}));

    // updateItem DELETE removes attributes by name.
    let removed = ok(
        &server,
        item_input(
            "updateItem",
            &table,
            json!({"primaryKeyComponents": {"id": "b", "n": 2}, "keyAttributes": {"count": null, "bs": ""}, "attributeAction": "DELETE"}),
        ),
    )
    .await;
    let attributes = removed["response"]["Attributes"].as_object().unwrap();
    assert!(
        !attributes.contains_key("count") && !attributes.contains_key("bs"),
        "{removed}"
    );
    let b_now = boto_items(&server, &table)
        .into_iter()
        .find(|i| i["id"]["S"] == "b")
        .unwrap();
    assert!(
        b_now.get("count").is_none() && b_now.get("bs").is_none(),
        "{b_now}"
    );
    assert_eq!(normalized(&Value::Object(attributes.clone())), b_now);

    // scanTable with a filter, names and values; items across pages.
    let filtered = ok(
        &server,
        json!({
            "operationGroup": "tableOperation", "tableOperation": "scanTable", "tableName": table,
            "filterExpression": "#n > :min", "expressionAttributeNames": {"#n": "n"},
            "expressionAttributeValues": "{\":min\": 1}",
        }),
    )
    .await;
    assert_eq!(filtered["action"], "scanTable");
    let items = filtered["response"].as_array().expect("items");
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], json!({"S": "b"}));
    // Camunda's documented field, items: the same value as response, null when none match.
    assert_eq!(filtered["items"], filtered["response"]);
    let none = ok(
        &server,
        json!({
            "operationGroup": "tableOperation", "tableOperation": "scanTable", "tableName": table,
            "filterExpression": "#n > :min", "expressionAttributeNames": {"#n": "n"},
            "expressionAttributeValues": {":min": 1000},
        }),
    )
    .await;
    assert_eq!(none["response"], Value::Null);
    assert_eq!(none.get("items"), Some(&Value::Null));
    let projected = ok(
        &server,
        json!({"operationGroup": "tableOperation", "tableOperation": "scanTable", "tableName": table, "projectionExpression": "id"}),
    )
    .await;
    let mut ids: Vec<Value> = projected["response"].as_array().unwrap().clone();
    ids.sort_by_key(|i| i.to_string());
    assert_eq!(
        ids,
        vec![json!({"id": {"S": "a"}}), json!({"id": {"S": "b"}})]
    );

    // deleteItem returns the deleted item, then null.
    let deleted = ok(
        &server,
        item_input(
            "deleteItem",
            &table,
            json!({"primaryKeyComponents": {"id": "a", "n": 1}}),
        ),
    )
    .await;
    assert_eq!(deleted["action"], "deleteItem");
    assert_eq!(normalized(&deleted["response"]), normalized(&stored_a));
    let again = ok(
        &server,
        item_input(
            "deleteItem",
            &table,
            json!({"primaryKeyComponents": {"id": "a", "n": 1}}),
        ),
    )
    .await;
    assert_eq!(again["response"], Value::Null);
    let left = boto_items(&server, &table);
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["id"], json!({"S": "b"}));

    // deleteTable waits until the table is gone.
    let dropped = ok(&server, table_input("deleteTable", &table)).await;
    assert_eq!(dropped["action"], format!("delete Table [{table}]"));
    assert_eq!(dropped["response"], Value::Null);
    expect_execution(
        run(&server, table_input("describeTable", &table)).await,
        "ResourceNotFoundException",
    );
}

#[tokio::test]
async fn lifecycle_on_moto_with_verified_signatures() {
    lifecycle(moto()).await;
}

#[tokio::test]
async fn lifecycle_on_dynalite() {
    lifecycle(dynalite()).await;
}

async fn provisioned_table_and_older_request_form(server: Server) {
    let table = unique_table("provisioned");
    let created = ok(
        &server,
        json!({
            "operationGroup": "table", "type": "createTable", "tableName": table,
            "partitionKey": "pk", "partitionKeyType": "B",
            "readCapacityUnits": "3", "writeCapacityUnits": 4, "billingModeStr": "PROVISIONED",
        }),
    )
    .await;
    assert_eq!(
        created["response"]["ProvisionedThroughput"]["ReadCapacityUnits"],
        3
    );
    assert_eq!(
        created["response"]["ProvisionedThroughput"]["WriteCapacityUnits"],
        4
    );
    assert_eq!(
        created["response"]["AttributeDefinitions"][0]["AttributeType"],
        "B"
    );
    ok(
        &server,
        json!({"operationGroup": "item", "type": "addItem", "tableName": table, "valueFormat": "typed",
               "item": {"pk": {"B": "3q2+7w=="}, "v": {"S": "binary key"}}}),
    )
    .await;
    assert_eq!(
        boto_items(&server, &table),
        vec![json!({"pk": {"B": "3q2+7w=="}, "v": {"S": "binary key"}})]
    );
    ok(
        &server,
        json!({"operationGroup": "table", "type": "deleteTable", "tableName": table}),
    )
    .await;
}

#[tokio::test]
async fn provisioned_binary_key_table_on_moto() {
    provisioned_table_and_older_request_form(moto()).await;
}

#[tokio::test]
async fn provisioned_binary_key_table_on_dynalite() {
    provisioned_table_and_older_request_form(dynalite()).await;
}

#[tokio::test]
async fn deletion_protection_blocks_delete_table_on_moto() {
    let server = moto();
    let table = unique_table("protected");
    ok(
        &server,
        json!({"operationGroup": "tableOperation", "tableOperation": "createTable", "tableName": table,
               "partitionKey": "id", "partitionKeyType": "S", "billingModeStr": "PAY_PER_REQUEST",
               "deletionProtection": true}),
    )
    .await;
    let described = ok(&server, table_input("describeTable", &table)).await;
    assert_eq!(described["response"]["DeletionProtectionEnabled"], true);
    let refused = run(&server, table_input("deleteTable", &table)).await;
    // DynamoDB's answer for a protected table: a validation error that says why, not retried.
    let ConnectorError::Execution {
        message,
        http_status,
        retryable,
        attempts,
        ..
    } = expect_execution(refused, "ValidationException")
    else {
        unreachable!()
    };
    let lower = message.to_lowercase();
    assert!(
        lower.contains("delet") && lower.contains("protect"),
        "{message}"
    );
    assert_eq!((http_status, retryable, attempts), (400, false, 1));
    // Still there; once unprotected it can go.
    ok(&server, table_input("describeTable", &table)).await;
    let mut unprotect = table_input("updateTable", &table);
    unprotect["deletionProtection"] = json!(false);
    ok(&server, unprotect).await;
    ok(&server, table_input("deleteTable", &table)).await;
    expect_execution(
        run(&server, table_input("describeTable", &table)).await,
        "ResourceNotFoundException",
    );
}

#[tokio::test]
async fn missing_table_is_an_execution_error_with_code_status_and_request_id() {
    for server in [moto(), dynalite()] {
        let err = expect_execution(
            run(&server, table_input("describeTable", "no-such-table")).await,
            "ResourceNotFoundException",
        );
        let ConnectorError::Execution {
            http_status,
            retryable,
            attempts,
            message,
            ..
        } = err
        else {
            unreachable!()
        };
        assert_eq!(http_status, 400, "{}", server.name);
        assert!(!retryable);
        assert_eq!(attempts, 1, "validation failures are not retried");
        assert!(!message.is_empty());
    }
}

#[tokio::test]
async fn default_credentials_chain_reads_the_tenant_environment() {
    let server = moto();
    let request = json!({
        "authentication": {"type": "defaultCredentialsChain"},
        "configuration": {"region": "us-east-1", "endpoint": server.endpoint},
        "input": table_input("describeTable", "no-such-table"),
    });
    let tenant = Tenant {
        env: vec![
            ("AWS_ACCESS_KEY_ID".into(), server.access_key.clone()),
            ("AWS_SECRET_ACCESS_KEY".into(), server.secret_key.clone()),
        ],
        ..Tenant::default()
    };
    // Correctly signed with the environment's key: moto gets as far as the table lookup.
    let invocation = host()
        .execute_json(&request.to_string(), &tenant)
        .await
        .unwrap();
    expect_execution(
        invocation.result.map(|s| serde_json::from_str(&s).unwrap()),
        "ResourceNotFoundException",
    );

    // Without the environment: a configuration error, and nothing is sent.
    let invocation = host()
        .execute_json(&request.to_string(), &Tenant::default())
        .await
        .unwrap();
    match invocation.result {
        Err(ConnectorError::Configuration { field, message }) => {
            assert_eq!(field.as_deref(), Some("authentication"));
            assert!(message.contains("AWS_ACCESS_KEY_ID"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(invocation.http_requests, 0);
}

#[tokio::test]
async fn typed_wit_entry_point_runs_the_same_operations() {
    let server = moto();
    let table = unique_table("typed");
    let request = |operation| typed_request(&server, operation);
    let run_typed = async |operation| {
        host()
            .execute(request(operation), &Tenant::default())
            .await
            .unwrap()
            .result
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let created = run_typed(wit::Operation::CreateTable(wit::CreateTable {
        table_name: table.clone(),
        partition_key: "id".into(),
        partition_key_role: None,
        partition_key_type: wit::KeyType::Number,
        sort_key: None,
        sort_key_role: None,
        sort_key_type: None,
        read_capacity_units: None,
        write_capacity_units: None,
        billing_mode: Some(wit::BillingMode::PayPerRequest),
        deletion_protection: false,
    }))
    .await;
    assert_eq!(created.action, "createTable");
    assert_eq!(created.status, "OK");
    run_typed(wit::Operation::AddItem(wit::AddItem {
        table_name: table.clone(),
        item_json: r#"{"id": 7, "name": "seven"}"#.into(),
        write: wit::WriteOptions {
            condition_expression: Some("attribute_not_exists(id)".into()),
            expression_attribute_names_json: None,
            expression_attribute_values_json: None,
            return_values: None,
            return_values_on_condition_check_failure: None,
        },
    }))
    .await;
    let got = run_typed(wit::Operation::GetItem(wit::GetItem {
        table_name: table.clone(),
        primary_key_components_json: r#"{"id": 7}"#.into(),
        projection_expression: None,
        expression_attribute_names_json: None,
        consistent_read: Some(true),
    }))
    .await;
    assert_eq!(
        serde_json::from_str::<Value>(&got.response_json).unwrap(),
        json!({"id": 7, "name": "seven"})
    );
    assert_eq!(
        boto_items(&server, &table),
        vec![json!({"id": {"N": "7"}, "name": {"S": "seven"}})]
    );
    let dropped = run_typed(wit::Operation::DeleteTable(table.clone())).await;
    assert_eq!(dropped.action, format!("delete Table [{table}]"));
}

/// An item's members come out sorted by name (byte order), nested maps too, whatever order
/// they were written in: the result's text, not a map that would sort them itself.
#[tokio::test]
async fn an_items_members_come_out_sorted_by_name() {
    let server = dynalite();
    let table = unique_table("sorted");
    ok(
        &server,
        json!({"operationGroup": "tableOperation", "tableOperation": "createTable", "tableName": table,
               "partitionKey": "id", "partitionKeyType": "S", "billingModeStr": "PAY_PER_REQUEST"}),
    )
    .await;
    let written =
        r#"{"zulu": 1, "id": "k", "mike": {"zz": 1, "Ab": 2, "aa": 3}, "Bravo": 2, "alpha": 3}"#;
    let item: Value = serde_json::from_str(written).unwrap();
    ok(
        &server,
        item_input("addItem", &table, json!({"item": item})),
    )
    .await;
    let get = item_input(
        "getItem",
        &table,
        json!({"primaryKeyComponents": {"id": "k"}}),
    );
    let invocation = invoke(&request(&server, get)).await;
    let text = invocation.result.unwrap_or_else(|e| panic!("{e}"));
    let response = &text[text.find(r#""response""#).expect("a response member")..];
    let at = |name: &str| {
        response
            .find(&format!("\"{name}\":"))
            .unwrap_or_else(|| panic!("{name} in {response}"))
    };
    let top = ["Bravo", "alpha", "id", "mike", "zulu"].map(at);
    assert!(top.is_sorted(), "{response}");
    let nested = ["Ab", "aa", "zz"].map(at);
    assert!(nested.is_sorted(), "{response}");
    ok(&server, table_input("deleteTable", &table)).await;
}
