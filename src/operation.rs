//! The eight operations: the DynamoDB calls each one makes, and the result it gives:
//! `{"action": ..., "status": "OK", "response": ...}`.

use std::time::Duration;

use serde_json::{Map, Value, json};

use crate::client::{Client, Platform};
use crate::error::ConnectorError;
use crate::input::{
    AttributeAction, Auth, Billing, CreateTable, Credentials, Operation, OutputFormat, Request,
    ScanTable,
};
use crate::value::plain_map;

/// Runs a checked request to the end and returns its result.
pub fn execute<P: Platform>(request: &Request, platform: &mut P) -> Result<Value, ConnectorError> {
    let credentials = match &request.auth {
        Auth::Static(credentials) => credentials.clone(),
        Auth::DefaultChain => Credentials::from_environment(|name| platform.env(name))?,
    };
    let mut client = Client::new(
        platform,
        credentials,
        request.region.clone(),
        request.endpoint.clone(),
    );
    let items = |v: Value| render_item(v, request.output);
    let (action, response) = match &request.operation {
        Operation::CreateTable(create) => {
            client.call("CreateTable", &create_table_body(create))?;
            let table = wait_for_table(
                &mut client,
                &create.table_name,
                request.wait_timeout,
                TableGoal::Active,
            )?;
            ("createTable".to_string(), table)
        }
        Operation::DeleteTable { table_name } => {
            client.call("DeleteTable", &json!({ "TableName": table_name }))?;
            wait_for_table(
                &mut client,
                table_name,
                request.wait_timeout,
                TableGoal::Gone,
            )?;
            (format!("delete Table [{table_name}]"), Value::Null)
        }
        Operation::DescribeTable { table_name } => {
            let mut answer = client.call("DescribeTable", &json!({ "TableName": table_name }))?;
            ("describeTable".to_string(), answer["Table"].take())
        }
        Operation::ScanTable(scan) => {
            let all = scan_all(&mut client, scan)?;
            let response = if all.is_empty() {
                Value::Null
            } else {
                Value::Array(all.into_iter().map(items).collect())
            };
            ("scanTable".to_string(), response)
        }
        Operation::AddItem { table_name, item } => {
            client.call("PutItem", &json!({ "TableName": table_name, "Item": item }))?;
            ("addItem".to_string(), items(Value::Object(item.clone())))
        }
        Operation::GetItem { table_name, key } => {
            let mut answer =
                client.call("GetItem", &json!({ "TableName": table_name, "Key": key }))?;
            ("getItem".to_string(), items(answer["Item"].take()))
        }
        Operation::DeleteItem { table_name, key } => {
            let body = json!({ "TableName": table_name, "Key": key, "ReturnValues": "ALL_OLD" });
            let mut answer = client.call("DeleteItem", &body)?;
            ("deleteItem".to_string(), items(answer["Attributes"].take()))
        }
        Operation::UpdateItem {
            table_name,
            key,
            attributes,
            action,
        } => {
            let body = update_item_body(table_name, key, attributes, *action);
            let mut answer = client.call("UpdateItem", &body)?;
            (
                "updateItem".to_string(),
                json!({ "Attributes": items(answer["Attributes"].take()) }),
            )
        }
    };
    Ok(json!({ "action": action, "status": "OK", "response": response }))
}

fn render_item(item: Value, output: OutputFormat) -> Value {
    match (output, item) {
        (OutputFormat::Plain, Value::Object(map)) => Value::Object(plain_map(&map)),
        (_, item) => item,
    }
}

/// The CreateTable body.
pub fn create_table_body(create: &CreateTable) -> Value {
    let mut definitions: Vec<Value> = Vec::new();
    let mut schema: Vec<Value> = Vec::new();
    for key in &create.key_schema {
        definitions
            .push(json!({ "AttributeName": key.name, "AttributeType": key.key_type.code() }));
        schema.push(json!({ "AttributeName": key.name, "KeyType": key.role.code() }));
    }
    let mut body = json!({
        "TableName": create.table_name,
        "AttributeDefinitions": definitions,
        "KeySchema": schema,
        "DeletionProtectionEnabled": create.deletion_protection,
    });
    match create.billing {
        Billing::Provisioned { read, write } => {
            body["BillingMode"] = json!("PROVISIONED");
            body["ProvisionedThroughput"] =
                json!({ "ReadCapacityUnits": read, "WriteCapacityUnits": write });
        }
        Billing::PayPerRequest => body["BillingMode"] = json!("PAY_PER_REQUEST"),
    }
    body
}

/// The UpdateItem body: `SET #a0 = :v0, ...` or `REMOVE #a0, ...`, returning the item after it.
/// Names go through placeholders so reserved words and dots in names are safe.
pub fn update_item_body(
    table_name: &str,
    key: &Map<String, Value>,
    attributes: &Map<String, Value>,
    action: AttributeAction,
) -> Value {
    let mut names = Map::new();
    let mut values = Map::new();
    let mut clauses = Vec::with_capacity(attributes.len());
    for (i, (name, value)) in attributes.iter().enumerate() {
        names.insert(format!("#a{i}"), Value::String(name.clone()));
        match action {
            AttributeAction::Put => {
                values.insert(format!(":v{i}"), value.clone());
                clauses.push(format!("#a{i} = :v{i}"));
            }
            AttributeAction::Delete => clauses.push(format!("#a{i}")),
        }
    }
    let expression = match action {
        AttributeAction::Put => format!("SET {}", clauses.join(", ")),
        AttributeAction::Delete => format!("REMOVE {}", clauses.join(", ")),
    };
    let mut body = json!({
        "TableName": table_name,
        "Key": key,
        "UpdateExpression": expression,
        "ExpressionAttributeNames": names,
        "ReturnValues": "ALL_NEW",
    });
    if !values.is_empty() {
        body["ExpressionAttributeValues"] = Value::Object(values);
    }
    body
}

/// The Scan body for one page.
pub fn scan_body(scan: &ScanTable, start_key: Option<&Value>) -> Value {
    let mut body = json!({ "TableName": scan.table_name });
    if let Some(filter) = &scan.filter_expression {
        body["FilterExpression"] = json!(filter);
    }
    if let Some(projection) = &scan.projection_expression {
        body["ProjectionExpression"] = json!(projection);
    }
    if let Some(names) = &scan.expression_attribute_names {
        body["ExpressionAttributeNames"] = Value::Object(names.clone());
    }
    if let Some(values) = &scan.expression_attribute_values {
        body["ExpressionAttributeValues"] = Value::Object(values.clone());
    }
    if let Some(start) = start_key {
        body["ExclusiveStartKey"] = start.clone();
    }
    body
}

/// Follows every page of a scan, as Camunda's connector does.
fn scan_all<P: Platform>(
    client: &mut Client<'_, P>,
    scan: &ScanTable,
) -> Result<Vec<Value>, ConnectorError> {
    let mut items = Vec::new();
    let mut start_key: Option<Value> = None;
    loop {
        let mut page = client.call("Scan", &scan_body(scan, start_key.as_ref()))?;
        if let Value::Array(found) = page["Items"].take() {
            items.extend(found);
        }
        match page["LastEvaluatedKey"].take() {
            Value::Object(key) if !key.is_empty() => start_key = Some(Value::Object(key)),
            _ => return Ok(items),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum TableGoal {
    Active,
    Gone,
}

/// Polls DescribeTable until the table is ACTIVE (returning its description) or gone,
/// for at most `timeout`.
fn wait_for_table<P: Platform>(
    client: &mut Client<'_, P>,
    table_name: &str,
    timeout: Duration,
    goal: TableGoal,
) -> Result<Value, ConnectorError> {
    let mut waited = Duration::ZERO;
    let mut interval = Duration::from_millis(50);
    loop {
        let status = match client.call("DescribeTable", &json!({ "TableName": table_name })) {
            Ok(mut answer) => {
                let table = answer["Table"].take();
                if goal == TableGoal::Active && table["TableStatus"] == "ACTIVE" {
                    return Ok(table);
                }
                table["TableStatus"]
                    .as_str()
                    .unwrap_or("UNKNOWN")
                    .to_string()
            }
            Err(ConnectorError::Execution { code, .. })
                if goal == TableGoal::Gone && code == "ResourceNotFoundException" =>
            {
                return Ok(Value::Null);
            }
            Err(e) => return Err(e),
        };
        if waited >= timeout {
            let wanted = if goal == TableGoal::Active {
                "ACTIVE"
            } else {
                "deleted"
            };
            return Err(ConnectorError::Execution {
                code: "WaitTimeout".into(),
                message: format!(
                    "table {table_name} is still {status} after {} ms; it did not become {wanted} (raise input.waitTimeoutMs)",
                    waited.as_millis()
                ),
                http_status: 200,
                request_id: None,
                retryable: true,
                attempts: 1,
            });
        }
        let pause = interval.min(timeout - waited);
        client.platform().sleep(pause);
        waited += pause;
        interval = (interval * 2).min(Duration::from_secs(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::parse_request;

    fn operation(input: Value) -> Operation {
        let request = json!({
            "authentication": {"type": "credentials", "accessKey": "AK", "secretKey": "SK"},
            "configuration": {"region": "us-east-1"},
            "input": input,
        });
        parse_request(&request).unwrap().operation
    }

    #[test]
    fn create_table_body_has_schema_and_billing() {
        let Operation::CreateTable(create) = operation(json!({
            "operationGroup": "tableOperation", "tableOperation": "createTable", "tableName": "orders",
            "partitionKey": "at", "partitionKeyRole": "RANGE", "partitionKeyType": "S",
            "sortKey": "id", "sortKeyRole": "HASH", "sortKeyType": "N",
            "billingModeStr": "PAY_PER_REQUEST", "deletionProtection": true,
        })) else {
            panic!()
        };
        assert_eq!(
            create_table_body(&create),
            json!({
                "TableName": "orders",
                "AttributeDefinitions": [
                    {"AttributeName": "id", "AttributeType": "N"},
                    {"AttributeName": "at", "AttributeType": "S"},
                ],
                "KeySchema": [
                    {"AttributeName": "id", "KeyType": "HASH"},
                    {"AttributeName": "at", "KeyType": "RANGE"},
                ],
                "BillingMode": "PAY_PER_REQUEST",
                "DeletionProtectionEnabled": true,
            })
        );
    }

    #[test]
    fn update_item_body_uses_placeholders() {
        let Operation::UpdateItem {
            table_name,
            key,
            attributes,
            action,
        } = operation(json!({
            "operationGroup": "itemOperation", "itemOperation": "updateItem", "tableName": "orders",
            "primaryKeyComponents": {"id": 1}, "keyAttributes": {"size": 2, "a.b": "x"}, "attributeAction": "PUT",
        }))
        else {
            panic!()
        };
        assert_eq!(
            update_item_body(&table_name, &key, &attributes, action),
            json!({
                "TableName": "orders",
                "Key": {"id": {"N": "1"}},
                "UpdateExpression": "SET #a0 = :v0, #a1 = :v1",
                "ExpressionAttributeNames": {"#a0": "size", "#a1": "a.b"},
                "ExpressionAttributeValues": {":v0": {"N": "2"}, ":v1": {"S": "x"}},
                "ReturnValues": "ALL_NEW",
            })
        );
        let removal = update_item_body(&table_name, &key, &attributes, AttributeAction::Delete);
        assert_eq!(removal["UpdateExpression"], "REMOVE #a0, #a1");
        assert!(removal.get("ExpressionAttributeValues").is_none());
    }

    #[test]
    fn scan_body_carries_expressions_and_the_start_key() {
        let Operation::ScanTable(scan) = operation(json!({
            "operationGroup": "tableOperation", "tableOperation": "scanTable", "tableName": "orders",
            "filterExpression": "#p > :min", "projectionExpression": "id, #p",
            "expressionAttributeNames": "{\"#p\": \"price\"}", "expressionAttributeValues": {":min": 5},
        })) else {
            panic!()
        };
        let start = json!({"id": {"N": "9"}});
        assert_eq!(
            scan_body(&scan, Some(&start)),
            json!({
                "TableName": "orders",
                "FilterExpression": "#p > :min",
                "ProjectionExpression": "id, #p",
                "ExpressionAttributeNames": {"#p": "price"},
                "ExpressionAttributeValues": {":min": {"N": "5"}},
                "ExclusiveStartKey": {"id": {"N": "9"}},
            })
        );
    }
}
