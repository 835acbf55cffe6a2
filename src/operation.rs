//! The operations: the DynamoDB calls each one makes, and the result it gives:
//! `{"action": ..., "status": "OK", "response": ...}`.

use std::time::Duration;

use serde_json::{Map, Value, json};

use crate::client::{Client, Platform};
use crate::error::ConnectorError;
use crate::input::{
    AttributeAction, Auth, BatchGetTable, BatchWrite, Billing, CreateTable, Credentials, Operation,
    OutputFormat, Paging, Query, Request, ScanTable, Update, UpdateTable, WriteOptions,
};
use crate::value::plain_map;

/// DynamoDB's limits on one BatchGetItem and one BatchWriteItem call.
pub const BATCH_GET_CHUNK: usize = 100;
/// See [`BATCH_GET_CHUNK`].
pub const BATCH_WRITE_CHUNK: usize = 25;
/// Rounds of retrying unprocessed batch keys or items before reporting them.
pub const BATCH_RETRY_ROUNDS: u32 = 8;

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
        request.retry,
    );
    let output = request.output;
    let item = |v: Value| render_item(v, output);
    let items = |v: Vec<Value>| Value::Array(v.into_iter().map(item).collect());
    let mut result = Map::new();
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
            let pages = collect_pages(&mut client, "Scan", scan_body(scan), &scan.paging)?;
            result.insert("paging".into(), pages.summary());
            // Camunda's shape: the items, or null when there are none.
            let response = if pages.items.is_empty() {
                Value::Null
            } else {
                items(pages.items)
            };
            ("scanTable".to_string(), response)
        }
        Operation::Query(query) => {
            let pages = collect_pages(&mut client, "Query", query_body(query), &query.paging)?;
            let mut response = pages.summary();
            response["items"] = items(pages.items);
            ("query".to_string(), response)
        }
        Operation::ListTables {
            exclusive_start_table_name,
            limit,
        } => (
            "listTables".to_string(),
            list_tables(&mut client, exclusive_start_table_name.clone(), *limit)?,
        ),
        Operation::UpdateTable(update) => (
            "updateTable".to_string(),
            update_table(&mut client, update, request.wait_timeout)?,
        ),
        Operation::AddItem {
            table_name,
            item: stored,
            options,
        } => {
            // Built by moving clones in: `json!` would re-serialize the item value by value.
            let mut body = table_body(table_name, "Item", Value::Object(stored.clone()));
            apply_write_options(&mut body, options, None);
            let mut answer = client.call("PutItem", &body)?;
            if options.return_values.as_deref() == Some("ALL_OLD") {
                result.insert("oldItem".into(), item(answer["Attributes"].take()));
            }
            ("addItem".to_string(), item(Value::Object(stored.clone())))
        }
        Operation::GetItem {
            table_name,
            key,
            projection_expression,
            expression_attribute_names,
            consistent_read,
        } => {
            let mut body = table_body(table_name, "Key", Value::Object(key.clone()));
            set(&mut body, "ProjectionExpression", projection_expression);
            set(
                &mut body,
                "ExpressionAttributeNames",
                expression_attribute_names,
            );
            set(&mut body, "ConsistentRead", consistent_read);
            let mut answer = client.call("GetItem", &body)?;
            ("getItem".to_string(), item(answer["Item"].take()))
        }
        Operation::DeleteItem {
            table_name,
            key,
            options,
        } => {
            let mut body = table_body(table_name, "Key", Value::Object(key.clone()));
            apply_write_options(&mut body, options, Some("ALL_OLD"));
            let mut answer = client.call("DeleteItem", &body)?;
            ("deleteItem".to_string(), item(answer["Attributes"].take()))
        }
        Operation::UpdateItem {
            table_name,
            key,
            update,
            options,
        } => {
            let body = update_item_body(table_name, key, update, options)?;
            let mut answer = client.call("UpdateItem", &body)?;
            (
                "updateItem".to_string(),
                json!({ "Attributes": item(answer["Attributes"].take()) }),
            )
        }
        Operation::BatchGetItems(tables) => (
            "batchGetItems".to_string(),
            batch_get(&mut client, tables, output)?,
        ),
        Operation::BatchWriteItems(writes) => (
            "batchWriteItems".to_string(),
            batch_write(&mut client, writes)?,
        ),
        Operation::TransactWriteItems {
            items: transact_items,
            client_request_token,
        } => {
            let token = client_request_token
                .clone()
                .unwrap_or_else(|| idempotency_token(client.platform()));
            client.call(
                "TransactWriteItems",
                &json!({ "TransactItems": transact_items, "ClientRequestToken": token }),
            )?;
            (
                "transactWriteItems".to_string(),
                json!({ "clientRequestToken": token }),
            )
        }
        Operation::TransactGetItems(transact_items) => {
            let mut answer = client.call(
                "TransactGetItems",
                &json!({ "TransactItems": transact_items }),
            )?;
            let found = match answer["Responses"].take() {
                Value::Array(responses) => responses
                    .into_iter()
                    .map(|mut r| r["Item"].take())
                    .collect(),
                _ => Vec::new(),
            };
            (
                "transactGetItems".to_string(),
                json!({ "items": items(found) }),
            )
        }
        Operation::ExecuteStatement {
            statement,
            parameters,
            consistent_read,
            next_token,
            limit,
        } => {
            let mut body = json!({ "Statement": statement });
            set(&mut body, "Parameters", parameters);
            set(&mut body, "ConsistentRead", consistent_read);
            set(&mut body, "NextToken", next_token);
            set(&mut body, "Limit", limit);
            let mut answer = client.call("ExecuteStatement", &body)?;
            let found = match answer["Items"].take() {
                Value::Array(found) => found,
                _ => Vec::new(),
            };
            (
                "executeStatement".to_string(),
                json!({ "items": items(found), "nextToken": answer["NextToken"].take() }),
            )
        }
    };
    let mut full = Map::new();
    full.insert("action".into(), Value::String(action));
    full.insert("status".into(), Value::String("OK".into()));
    full.insert("response".into(), response);
    full.extend(result);
    Ok(Value::Object(full))
}

fn render_item(item: Value, output: OutputFormat) -> Value {
    match (output, item) {
        (OutputFormat::Plain, Value::Object(map)) => Value::Object(plain_map(&map)),
        (_, item) => item,
    }
}

/// `{"TableName": table_name, field: value}`.
fn table_body(table_name: &str, field: &str, value: Value) -> Value {
    let mut body = Map::with_capacity(4);
    body.insert("TableName".into(), Value::String(table_name.to_string()));
    body.insert(field.into(), value);
    Value::Object(body)
}

/// Sets `body[key]` when `value` is there.
fn set<T: serde::Serialize>(body: &mut Value, key: &str, value: &Option<T>) {
    if let Some(value) = value {
        body[key] = json!(value);
    }
}

/// A version 4 UUID, for `ClientRequestToken`.
fn idempotency_token<P: Platform>(platform: &mut P) -> String {
    let (high, low) = (platform.random_u64(), platform.random_u64());
    let high = (high & !0xF000) | 0x4000; // version 4
    let low = (low & !(0xC << 60)) | (0x8 << 60); // RFC 4122 variant
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xFFFF,
        high & 0xFFFF,
        low >> 48,
        low & 0xFFFF_FFFF_FFFF
    )
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
    set_billing(&mut body, create.billing);
    body
}

fn set_billing(body: &mut Value, billing: Billing) {
    match billing {
        Billing::Provisioned { read, write } => {
            body["BillingMode"] = json!("PROVISIONED");
            body["ProvisionedThroughput"] =
                json!({ "ReadCapacityUnits": read, "WriteCapacityUnits": write });
        }
        Billing::PayPerRequest => body["BillingMode"] = json!("PAY_PER_REQUEST"),
    }
}

/// Adds a write's condition, placeholders and return values; `default_return` applies when the
/// request names none.
fn apply_write_options(body: &mut Value, options: &WriteOptions, default_return: Option<&str>) {
    set(body, "ConditionExpression", &options.condition_expression);
    set(
        body,
        "ExpressionAttributeNames",
        &options.expression_attribute_names,
    );
    set(
        body,
        "ExpressionAttributeValues",
        &options.expression_attribute_values,
    );
    set(
        body,
        "ReturnValues",
        &options.return_values.as_deref().or(default_return),
    );
    if options.return_item_on_condition_failure {
        body["ReturnValuesOnConditionCheckFailure"] = json!("ALL_OLD");
    }
}

/// The UpdateItem body. Camunda's attribute form becomes `SET #a0 = :v0, ...` or
/// `REMOVE #a0, ...` through placeholders, so reserved words and dots in names are safe; it
/// returns the item after the update unless the request asks otherwise.
pub fn update_item_body(
    table_name: &str,
    key: &Map<String, Value>,
    update: &Update,
    options: &WriteOptions,
) -> Result<Value, ConnectorError> {
    let mut body = json!({ "TableName": table_name, "Key": key });
    apply_write_options(&mut body, options, Some("ALL_NEW"));
    match update {
        Update::Expression(expression) => body["UpdateExpression"] = json!(expression),
        Update::Attributes { attributes, action } => {
            let mut clauses = Vec::with_capacity(attributes.len());
            for (i, (name, value)) in attributes.iter().enumerate() {
                let (name_placeholder, value_placeholder) = (format!("#a{i}"), format!(":v{i}"));
                add_placeholder(
                    &mut body,
                    "ExpressionAttributeNames",
                    &name_placeholder,
                    Value::String(name.clone()),
                )?;
                match action {
                    AttributeAction::Put => {
                        add_placeholder(
                            &mut body,
                            "ExpressionAttributeValues",
                            &value_placeholder,
                            value.clone(),
                        )?;
                        clauses.push(format!("{name_placeholder} = {value_placeholder}"));
                    }
                    AttributeAction::Delete => clauses.push(name_placeholder),
                }
            }
            let verb = match action {
                AttributeAction::Put => "SET",
                AttributeAction::Delete => "REMOVE",
            };
            body["UpdateExpression"] = json!(format!("{verb} {}", clauses.join(", ")));
        }
    }
    Ok(body)
}

fn add_placeholder(
    body: &mut Value,
    map: &str,
    placeholder: &str,
    value: Value,
) -> Result<(), ConnectorError> {
    if body.get(map).is_none() {
        body[map] = json!({});
    }
    let members = body[map]
        .as_object_mut()
        .expect("placeholder maps are objects");
    if members.contains_key(placeholder) {
        let field = if map == "ExpressionAttributeNames" {
            "expressionAttributeNames"
        } else {
            "expressionAttributeValues"
        };
        return Err(ConnectorError::config(
            format!("input.{field}.{placeholder}"),
            "is reserved for keyAttributes; choose another placeholder",
        ));
    }
    members.insert(placeholder.to_string(), value);
    Ok(())
}

/// The Scan body, without paging.
pub fn scan_body(scan: &ScanTable) -> Value {
    let mut body = json!({ "TableName": scan.table_name });
    set(&mut body, "IndexName", &scan.index_name);
    set(&mut body, "FilterExpression", &scan.filter_expression);
    set(
        &mut body,
        "ProjectionExpression",
        &scan.projection_expression,
    );
    set(
        &mut body,
        "ExpressionAttributeNames",
        &scan.expression_attribute_names,
    );
    set(
        &mut body,
        "ExpressionAttributeValues",
        &scan.expression_attribute_values,
    );
    set(&mut body, "ConsistentRead", &scan.consistent_read);
    set(&mut body, "Select", &scan.select);
    if let Some((segment, total)) = scan.segment {
        body["Segment"] = json!(segment);
        body["TotalSegments"] = json!(total);
    }
    body
}

/// The Query body, without paging.
pub fn query_body(query: &Query) -> Value {
    let mut body = json!({ "TableName": query.table_name, "KeyConditionExpression": query.key_condition_expression });
    set(&mut body, "IndexName", &query.index_name);
    set(&mut body, "FilterExpression", &query.filter_expression);
    set(
        &mut body,
        "ProjectionExpression",
        &query.projection_expression,
    );
    set(
        &mut body,
        "ExpressionAttributeNames",
        &query.expression_attribute_names,
    );
    set(
        &mut body,
        "ExpressionAttributeValues",
        &query.expression_attribute_values,
    );
    set(&mut body, "ScanIndexForward", &query.scan_index_forward);
    set(&mut body, "ConsistentRead", &query.consistent_read);
    set(&mut body, "Select", &query.select);
    body
}

/// What a paged Scan or Query collected.
struct Pages {
    items: Vec<Value>,
    count: u64,
    scanned_count: u64,
    pages: u64,
    last_evaluated_key: Option<Value>,
}

impl Pages {
    fn summary(&self) -> Value {
        json!({
            "count": self.count,
            "scannedCount": self.scanned_count,
            "pages": self.pages,
            "lastEvaluatedKey": self.last_evaluated_key,
            "hasMore": self.last_evaluated_key.is_some(),
        })
    }
}

/// Follows pages from `paging.exclusive_start_key` until DynamoDB has no more, or a cap
/// (`maxItems`, `maxPages`, `maxResultBytes`) is reached; then `last_evaluated_key` says where
/// to resume. `Limit` never asks for more than `maxItems` still allows, so resuming sees every
/// item exactly once.
fn collect_pages<P: Platform>(
    client: &mut Client<'_, P>,
    operation: &str,
    base: Value,
    paging: &Paging,
) -> Result<Pages, ConnectorError> {
    let mut pages = Pages {
        items: Vec::new(),
        count: 0,
        scanned_count: 0,
        pages: 0,
        last_evaluated_key: None,
    };
    let mut start_key = paging.exclusive_start_key.clone().map(Value::Object);
    let mut held_bytes: u64 = 0;
    loop {
        let mut body = base.clone();
        let remaining = paging.max_items.map(|max| max - pages.count);
        let limit = match (paging.limit, remaining) {
            (Some(limit), Some(remaining)) => Some(limit.min(remaining)),
            (limit, remaining) => limit.or(remaining),
        };
        set(&mut body, "Limit", &limit);
        set(&mut body, "ExclusiveStartKey", &start_key);
        let mut page = client.call(operation, &body)?;
        pages.pages += 1;
        pages.count += page["Count"].as_u64().unwrap_or(0);
        pages.scanned_count += page["ScannedCount"].as_u64().unwrap_or(0);
        if let Value::Array(found) = page["Items"].take() {
            held_bytes += found
                .iter()
                .map(|item| crate::value::held_size(item) as u64)
                .sum::<u64>();
            pages.items.extend(found);
        }
        start_key = match page["LastEvaluatedKey"].take() {
            Value::Object(key) if !key.is_empty() => Some(Value::Object(key)),
            _ => None,
        };
        let capped = paging.max_items.is_some_and(|max| pages.count >= max)
            || paging.max_pages.is_some_and(|max| pages.pages >= max)
            || held_bytes >= paging.max_bytes;
        if start_key.is_none() || capped {
            pages.last_evaluated_key = start_key;
            return Ok(pages);
        }
    }
}

fn list_tables<P: Platform>(
    client: &mut Client<'_, P>,
    mut start: Option<String>,
    limit: Option<u64>,
) -> Result<Value, ConnectorError> {
    let mut names = Vec::new();
    loop {
        let mut body = json!({});
        set(&mut body, "ExclusiveStartTableName", &start);
        set(&mut body, "Limit", &limit);
        let mut page = client.call("ListTables", &body)?;
        if let Value::Array(found) = page["TableNames"].take() {
            names.extend(found);
        }
        start = page["LastEvaluatedTableName"].as_str().map(str::to_string);
        // With a limit the caller pages; without, every page is followed.
        if start.is_none() || limit.is_some() {
            return Ok(json!({ "tableNames": names, "lastEvaluatedTableName": start }));
        }
    }
}

fn update_table<P: Platform>(
    client: &mut Client<'_, P>,
    update: &UpdateTable,
    timeout: Duration,
) -> Result<Value, ConnectorError> {
    let mut time_to_live = Value::Null;
    if update.billing.is_some() || update.deletion_protection.is_some() {
        let mut body = json!({ "TableName": update.table_name });
        if let Some(billing) = update.billing {
            set_billing(&mut body, billing);
        }
        set(
            &mut body,
            "DeletionProtectionEnabled",
            &update.deletion_protection,
        );
        client.call("UpdateTable", &body)?;
    }
    if let Some((attribute, enabled)) = &update.time_to_live {
        let body = json!({
            "TableName": update.table_name,
            "TimeToLiveSpecification": { "AttributeName": attribute, "Enabled": enabled },
        });
        time_to_live = client.call("UpdateTimeToLive", &body)?["TimeToLiveSpecification"].take();
    }
    let table = wait_for_table(client, &update.table_name, timeout, TableGoal::Active)?;
    Ok(json!({ "table": table, "timeToLive": time_to_live }))
}

/// Gets every key, 100 per call, retrying `UnprocessedKeys` with backoff; what is still
/// unprocessed after [`BATCH_RETRY_ROUNDS`] is reported, never dropped.
fn batch_get<P: Platform>(
    client: &mut Client<'_, P>,
    tables: &[BatchGetTable],
    output: OutputFormat,
) -> Result<Value, ConnectorError> {
    let options = |table: &BatchGetTable| {
        let mut spec = json!({});
        set(
            &mut spec,
            "ProjectionExpression",
            &table.projection_expression,
        );
        set(
            &mut spec,
            "ExpressionAttributeNames",
            &table.expression_attribute_names,
        );
        set(&mut spec, "ConsistentRead", &table.consistent_read);
        spec
    };
    let pending: Vec<(String, Value)> = tables
        .iter()
        .flat_map(|table| {
            table
                .keys
                .iter()
                .map(|k| (table.table_name.clone(), Value::Object(k.clone())))
        })
        .collect();
    let mut responses: Map<String, Value> = tables
        .iter()
        .map(|t| (t.table_name.clone(), json!([])))
        .collect();
    let left = in_rounds(client, pending, BATCH_GET_CHUNK, |client, chunk| {
        let mut request_items = Map::new();
        for (table, keys) in group_by_table(chunk.iter().cloned()) {
            let spec = tables.iter().find(|t| t.table_name == table).map(options);
            let mut spec = spec.unwrap_or_else(|| json!({}));
            spec["Keys"] = keys;
            request_items.insert(table, spec);
        }
        let mut answer = client.call("BatchGetItem", &json!({ "RequestItems": request_items }))?;
        if let Value::Object(found) = answer["Responses"].take() {
            for (table, items) in found {
                if let (Some(Value::Array(into)), Value::Array(items)) =
                    (responses.get_mut(&table), items)
                {
                    into.extend(items.into_iter().map(|i| render_item(i, output)));
                }
            }
        }
        let mut unprocessed = Vec::new();
        if let Value::Object(left) = answer["UnprocessedKeys"].take() {
            for (table, mut spec) in left {
                if let Value::Array(keys) = spec["Keys"].take() {
                    unprocessed.extend(keys.into_iter().map(|k| (table.clone(), k)));
                }
            }
        }
        Ok(unprocessed)
    })?;
    Ok(json!({ "responses": responses, "unprocessedKeys": group_by_table(left) }))
}

/// Writes every put and delete, 25 per call, retrying `UnprocessedItems` with backoff; what
/// is still unprocessed after [`BATCH_RETRY_ROUNDS`] is reported, never dropped.
fn batch_write<P: Platform>(
    client: &mut Client<'_, P>,
    writes: &[BatchWrite],
) -> Result<Value, ConnectorError> {
    let pending: Vec<(String, Value)> = writes
        .iter()
        .map(|w| (w.table_name.clone(), w.request.clone()))
        .collect();
    let total = pending.len();
    let left = in_rounds(client, pending, BATCH_WRITE_CHUNK, |client, chunk| {
        let request_items = group_by_table(chunk.iter().cloned());
        let mut answer =
            client.call("BatchWriteItem", &json!({ "RequestItems": request_items }))?;
        let mut unprocessed = Vec::new();
        if let Value::Object(left) = answer["UnprocessedItems"].take() {
            for (table, requests) in left {
                if let Value::Array(requests) = requests {
                    unprocessed.extend(requests.into_iter().map(|r| (table.clone(), r)));
                }
            }
        }
        Ok(unprocessed)
    })?;
    Ok(json!({
        "processedCount": total - left.len(),
        "unprocessedCount": left.len(),
        "unprocessedItems": group_by_table(left),
    }))
}

/// Sends `(table, entry)` pairs `chunk` at a time through `send`, which returns what DynamoDB
/// left unprocessed; that is sent again after a backoff, for up to [`BATCH_RETRY_ROUNDS`]
/// more rounds. Returns what is still unprocessed.
fn in_rounds<'p, P: Platform>(
    client: &mut Client<'p, P>,
    mut pending: Vec<(String, Value)>,
    chunk: usize,
    mut send: impl FnMut(
        &mut Client<'p, P>,
        &[(String, Value)],
    ) -> Result<Vec<(String, Value)>, ConnectorError>,
) -> Result<Vec<(String, Value)>, ConnectorError> {
    let mut round = 0;
    while !pending.is_empty() && round <= BATCH_RETRY_ROUNDS {
        if round > 0 {
            client.backoff(round);
        }
        round += 1;
        let mut unprocessed = Vec::new();
        for part in pending.chunks(chunk) {
            unprocessed.extend(send(client, part)?);
        }
        pending = unprocessed;
    }
    Ok(pending)
}

/// `(table, entry)` pairs as `{"table": [entries]}`, in first-seen order.
fn group_by_table(pairs: impl IntoIterator<Item = (String, Value)>) -> Map<String, Value> {
    let mut grouped = Map::new();
    for (table, entry) in pairs {
        let list = grouped.entry(table).or_insert_with(|| json!([]));
        list.as_array_mut().expect("a list").push(entry);
    }
    grouped
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
                details: None,
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
    fn update_item_body_uses_placeholders_and_merges_conditions() {
        let Operation::UpdateItem {
            table_name,
            key,
            update,
            options,
        } = operation(json!({
            "operationGroup": "itemOperation", "itemOperation": "updateItem", "tableName": "orders",
            "primaryKeyComponents": {"id": 1}, "keyAttributes": {"size": 2, "a.b": "x"}, "attributeAction": "PUT",
            "conditionExpression": "#s < :max", "expressionAttributeNames": {"#s": "size"},
            "expressionAttributeValues": {":max": 10}, "returnValues": "updated_old",
        }))
        else {
            panic!()
        };
        assert_eq!(
            update_item_body(&table_name, &key, &update, &options).unwrap(),
            json!({
                "TableName": "orders",
                "Key": {"id": {"N": "1"}},
                "ConditionExpression": "#s < :max",
                "ExpressionAttributeNames": {"#s": "size", "#a0": "size", "#a1": "a.b"},
                "ExpressionAttributeValues": {":max": {"N": "10"}, ":v0": {"N": "2"}, ":v1": {"S": "x"}},
                "ReturnValues": "UPDATED_OLD",
                "UpdateExpression": "SET #a0 = :v0, #a1 = :v1",
            })
        );
        let Update::Attributes { attributes, .. } = &update else {
            panic!()
        };
        let removal = Update::Attributes {
            attributes: attributes.clone(),
            action: AttributeAction::Delete,
        };
        let removal =
            update_item_body(&table_name, &key, &removal, &WriteOptions::default()).unwrap();
        assert_eq!(removal["UpdateExpression"], "REMOVE #a0, #a1");
        assert!(removal.get("ExpressionAttributeValues").is_none());
        let clash = WriteOptions {
            expression_attribute_values: Some(
                json!({":v0": {"N": "1"}}).as_object().unwrap().clone(),
            ),
            ..WriteOptions::default()
        };
        let err = update_item_body(&table_name, &key, &update, &clash).unwrap_err();
        assert!(
            matches!(err, ConnectorError::Configuration { field: Some(f), .. } if f == "input.expressionAttributeValues.:v0")
        );
    }

    #[test]
    fn scan_and_query_bodies_carry_every_option() {
        let Operation::ScanTable(scan) = operation(json!({
            "operationGroup": "tableOperation", "tableOperation": "scanTable", "tableName": "orders",
            "filterExpression": "#p > :min", "projectionExpression": "id, #p",
            "expressionAttributeNames": "{\"#p\": \"price\"}", "expressionAttributeValues": {":min": 5},
            "segment": 1, "totalSegments": "4", "consistentRead": true, "select": "count", "indexName": "by-price",
        })) else {
            panic!()
        };
        assert_eq!(
            scan_body(&scan),
            json!({
                "TableName": "orders",
                "IndexName": "by-price",
                "FilterExpression": "#p > :min",
                "ProjectionExpression": "id, #p",
                "ExpressionAttributeNames": {"#p": "price"},
                "ExpressionAttributeValues": {":min": {"N": "5"}},
                "ConsistentRead": true,
                "Select": "COUNT",
                "Segment": 1,
                "TotalSegments": 4,
            })
        );
        let Operation::Query(query) = operation(json!({
            "operationGroup": "itemOperation", "itemOperation": "query", "tableName": "orders",
            "keyConditionExpression": "id = :id", "expressionAttributeValues": {":id": 1},
            "scanIndexForward": "false", "limit": 10, "exclusiveStartKey": {"id": {"N": "1"}, "at": {"S": "x"}},
        })) else {
            panic!()
        };
        assert_eq!(
            query_body(&query),
            json!({
                "TableName": "orders",
                "KeyConditionExpression": "id = :id",
                "ExpressionAttributeValues": {":id": {"N": "1"}},
                "ScanIndexForward": false,
            })
        );
        assert_eq!(query.paging.limit, Some(10));
        // lastEvaluatedKey is always typed, so exclusiveStartKey is read as typed whatever valueFormat says.
        assert_eq!(
            query.paging.exclusive_start_key.unwrap()["at"],
            json!({"S": "x"})
        );
    }

    #[test]
    fn idempotency_tokens_are_version_4_uuids() {
        struct Fixed(u64);
        impl Platform for Fixed {
            fn send(
                &mut self,
                _: &crate::client::HttpRequest,
                _: Duration,
            ) -> Result<crate::client::HttpResponse, crate::client::SendError> {
                Err(crate::client::SendError::transient("offline"))
            }
            fn now(&self) -> std::time::SystemTime {
                std::time::SystemTime::UNIX_EPOCH
            }
            fn monotonic(&self) -> Duration {
                Duration::ZERO
            }
            fn sleep(&mut self, _: Duration) {}
            fn random_u64(&mut self) -> u64 {
                self.0 = self
                    .0
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                self.0
            }
            fn env(&self, _: &str) -> Option<String> {
                None
            }
        }
        let token = idempotency_token(&mut Fixed(7));
        assert_eq!(token.len(), 36);
        assert_eq!(&token[14..15], "4");
        assert!(matches!(&token[19..20], "8" | "9" | "a" | "b"), "{token}");
        assert_ne!(token, idempotency_token(&mut Fixed(8)));
    }

    #[test]
    fn batch_writes_retry_unprocessed_items_and_report_what_remains() {
        use crate::client::testing::{Scripted, answer};
        let Operation::BatchWriteItems(writes) = operation(json!({
            "operationGroup": "itemOperation", "itemOperation": "batchWriteItems",
            "requestItems": {"orders": (0..30).map(|i| json!({"put": {"id": i}})).collect::<Vec<_>>()},
        })) else {
            panic!()
        };
        let left_one =
            r#"{"UnprocessedItems":{"orders":[{"PutRequest":{"Item":{"id":{"N":"7"}}}}]}}"#;
        let request = |p: &mut Scripted| {
            let credentials = Credentials {
                access_key: "AK".into(),
                secret_key: "SK".into(),
                session_token: None,
            };
            let endpoint = crate::input::parse_endpoint("http://127.0.0.1:9").unwrap();
            let mut client = Client::new(
                p,
                credentials,
                "us-east-1".into(),
                endpoint,
                Default::default(),
            );
            batch_write(&mut client, &writes)
        };
        // 30 writes: chunks of 25 and 5; one item comes back unprocessed, then goes through.
        let mut p = Scripted::new(vec![
            answer(200, &[], left_one),
            answer(200, &[], "{}"),
            answer(200, &[], "{}"),
        ]);
        let result = request(&mut p).unwrap();
        assert_eq!(result["processedCount"], 30);
        assert_eq!(p.sent.len(), 3);
        let third: Value = serde_json::from_slice(&p.sent[2].0.body).unwrap();
        assert_eq!(
            third["RequestItems"]["orders"],
            json!([{"PutRequest": {"Item": {"id": {"N": "7"}}}}])
        );
        // Unprocessed in every round: reported, never dropped.
        let mut p = Scripted::new(vec![
            answer(200, &[], left_one);
            2 + BATCH_RETRY_ROUNDS as usize
        ]);
        let result = request(&mut p).unwrap();
        assert_eq!(result["processedCount"], 29);
        assert_eq!(
            result["unprocessedItems"]["orders"],
            json!([{"PutRequest": {"Item": {"id": {"N": "7"}}}}])
        );
    }
}
