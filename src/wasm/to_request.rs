//! The typed WIT request as the JSON request it stands for: one small function per operation
//! case. WIT has no recursive types, so items, keys and value maps arrive as JSON text and are
//! parsed here; every check is left to the one reader both entry points share.

use serde_json::{Map, Value, json};

use super::wit;
use crate::error::ConnectorError;
use crate::ops::registry::{Group, OPERATIONS};
use crate::request_size::ElementBudget;

/// The `input` object being written, and what is left of the request's element budget (its
/// JSON texts share one).
#[derive(Default)]
struct Input(Map<String, Value>, ElementBudget);

impl Input {
    fn put(&mut self, key: &str, value: Value) {
        self.0.insert(key.to_string(), value);
    }

    /// A field that the WIT record carries as JSON text, parsed.
    fn put_json(&mut self, key: &str, text: Option<String>) -> Result<(), ConnectorError> {
        if let Some(text) = text {
            self.1.check(&text, &format!("input.{key}"))?;
            let value = serde_json::from_str(&text).map_err(|e| {
                ConnectorError::config(format!("input.{key}"), format!("is not valid JSON: {e}"))
            })?;
            self.put(key, value);
        }
        Ok(())
    }

    fn put_paging(&mut self, paging: wit::Paging) -> Result<(), ConnectorError> {
        self.put("limit", json!(paging.limit));
        self.put_json("exclusiveStartKey", paging.exclusive_start_key_json)?;
        self.put("maxItems", json!(paging.max_items));
        self.put("maxPages", json!(paging.max_pages));
        self.put("maxResultBytes", json!(paging.max_result_bytes));
        Ok(())
    }

    fn put_write_options(&mut self, write: wit::WriteOptions) -> Result<(), ConnectorError> {
        self.put("conditionExpression", json!(write.condition_expression));
        self.put_json(
            "expressionAttributeNames",
            write.expression_attribute_names_json,
        )?;
        self.put_json(
            "expressionAttributeValues",
            write.expression_attribute_values_json,
        )?;
        self.put("returnValues", json!(write.return_values));
        self.put(
            "returnValuesOnConditionCheckFailure",
            json!(write.return_values_on_condition_check_failure),
        );
        Ok(())
    }

    /// `expressionAttributeNames` and `expressionAttributeValues`.
    fn put_placeholders(
        &mut self,
        names: Option<String>,
        values: Option<String>,
    ) -> Result<(), ConnectorError> {
        self.put_json("expressionAttributeNames", names)?;
        self.put_json("expressionAttributeValues", values)
    }
}

/// The JSON request `request` stands for.
pub fn to_json_request(request: wit::Request) -> Result<Value, ConnectorError> {
    let authentication = authentication(request.authentication);
    let configuration = json!({
        "region": request.configuration.region,
        "endpoint": request.configuration.endpoint,
        "stsEndpoint": request.configuration.sts_endpoint,
        "maxAttempts": request.configuration.max_attempts,
        "timeoutMs": request.configuration.timeout_ms,
        "streamsEndpoint": request.configuration.streams_endpoint,
    });
    let mut input = Input::default();
    let name = operation(&mut input, request.operation)?;
    let group = match OPERATIONS.iter().find(|e| e.name == name).map(|e| e.group) {
        Some(Group::Item) => "itemOperation",
        _ => "tableOperation",
    };
    input.put("operationGroup", json!(group));
    input.put(group, json!(name));
    options(&mut input, request.options);
    let mut json_request = json!({ "authentication": authentication, "configuration": configuration, "input": input.0 });
    if let Some(credential) = request.aws_credential {
        json_request["awsCredential"] = aws_credential(credential);
    }
    Ok(json_request)
}

/// The JSON `awsCredential` object `credential` stands for.
fn aws_credential(credential: wit::AwsCredential) -> Value {
    json!({
        "authentication": authentication(credential.authentication),
        "region": credential.region,
    })
}

/// The JSON `authentication` object `authentication` stands for.
fn authentication(authentication: wit::Authentication) -> Value {
    let keys = |c: wit::StaticCredentials| json!({ "accessKey": c.access_key, "secretKey": c.secret_key, "sessionToken": c.session_token });
    let (kind, mut object) = match authentication {
        wit::Authentication::Credentials(c) => ("credentials", keys(c)),
        wit::Authentication::DefaultCredentialsChain => ("defaultCredentialsChain", json!({})),
        wit::Authentication::AssumeRole(role) => {
            let mut object = role.caller.map_or_else(|| json!({}), keys);
            object["roleArn"] = json!(role.role_arn);
            object["externalId"] = json!(role.external_id);
            object["roleSessionName"] = json!(role.role_session_name);
            object["durationSeconds"] = json!(role.duration_seconds);
            object["policy"] = json!(role.policy);
            ("assumeRole", object)
        }
        wit::Authentication::WebIdentity(role) => {
            let object = json!({
                "roleArn": role.role_arn,
                "webIdentityToken": role.web_identity_token,
                "roleSessionName": role.role_session_name,
                "durationSeconds": role.duration_seconds,
            });
            ("webIdentity", object)
        }
    };
    object["type"] = json!(kind);
    object
}

/// Puts the operation's fields; returns its name.
fn operation(input: &mut Input, operation: wit::Operation) -> Result<&'static str, ConnectorError> {
    use wit::Operation as Op;
    match operation {
        Op::CreateTable(c) => Ok(create_table(input, c)),
        Op::DeleteTable(table) => Ok(table_only(input, table, "deleteTable")),
        Op::DescribeTable(table) => Ok(table_only(input, table, "describeTable")),
        Op::DescribeTimeToLive(table) => Ok(table_only(input, table, "describeTimeToLive")),
        Op::ScanTable(s) => scan_table(input, s),
        Op::ListTables(l) => Ok(list_tables(input, l)),
        Op::UpdateTable(u) => Ok(update_table(input, u)),
        Op::AddItem(a) => add_item(input, a),
        Op::DeleteItem(d) => delete_item(input, d),
        Op::GetItem(g) => get_item(input, g),
        Op::UpdateItem(u) => update_item(input, u),
        Op::Query(q) => query(input, q),
        Op::BatchGetItems(items) => json_only(input, "requestItems", items, "batchGetItems"),
        Op::BatchWriteItems(items) => json_only(input, "requestItems", items, "batchWriteItems"),
        Op::TransactWriteItems(t) => transact_write_items(input, t),
        Op::TransactGetItems(items) => json_only(input, "transactItems", items, "transactGetItems"),
        Op::ExecuteStatement(e) => execute_statement(input, e),
        Op::ReadStream(r) => read_stream(input, r),
        Op::ExecuteAction(a) => execute_action(input, a),
    }
}

fn options(input: &mut Input, options: wit::Options) {
    let value_format = match options.value_format {
        wit::ValueFormat::Plain => "plain",
        wit::ValueFormat::Typed => "typed",
    };
    let output_format = match options.output_format {
        wit::OutputFormat::Typed => "typed",
        wit::OutputFormat::Plain => "plain",
    };
    input.put("valueFormat", json!(value_format));
    input.put("outputFormat", json!(output_format));
    input.put("waitTimeoutMs", json!(options.wait_timeout_ms));
    // Only when it asks for some: the operations that do not take the field reject it, even
    // as null, and `none` asks for nothing.
    let consumed = match options.return_consumed_capacity {
        Some(wit::ReturnConsumedCapacity::Total) => "TOTAL",
        Some(wit::ReturnConsumedCapacity::Indexes) => "INDEXES",
        Some(wit::ReturnConsumedCapacity::None) | None => return,
    };
    input.put("returnConsumedCapacity", json!(consumed));
}

/// An operation whose only field is the table name.
fn table_only(input: &mut Input, table: String, name: &'static str) -> &'static str {
    input.put("tableName", json!(table));
    name
}

/// An operation whose only field is one JSON text.
fn json_only(
    input: &mut Input,
    key: &str,
    text: String,
    name: &'static str,
) -> Result<&'static str, ConnectorError> {
    input.put_json(key, Some(text))?;
    Ok(name)
}

fn billing_mode(mode: wit::BillingMode) -> &'static str {
    match mode {
        wit::BillingMode::Provisioned => "PROVISIONED",
        wit::BillingMode::PayPerRequest => "PAY_PER_REQUEST",
    }
}

fn key_type(key_type: wit::KeyType) -> &'static str {
    match key_type {
        wit::KeyType::Binary => "B",
        wit::KeyType::Number => "N",
        wit::KeyType::String => "S",
    }
}

fn key_role(role: wit::KeyRole) -> &'static str {
    match role {
        wit::KeyRole::Hash => "HASH",
        wit::KeyRole::Range => "RANGE",
    }
}

fn create_table(input: &mut Input, c: wit::CreateTable) -> &'static str {
    input.put("tableName", json!(c.table_name));
    input.put("partitionKey", json!(c.partition_key));
    input.put(
        "partitionKeyRole",
        json!(c.partition_key_role.map(key_role)),
    );
    input.put("partitionKeyType", json!(key_type(c.partition_key_type)));
    input.put("sortKey", json!(c.sort_key));
    input.put("sortKeyRole", json!(c.sort_key_role.map(key_role)));
    input.put("sortKeyType", json!(c.sort_key_type.map(key_type)));
    input.put("readCapacityUnits", json!(c.read_capacity_units));
    input.put("writeCapacityUnits", json!(c.write_capacity_units));
    input.put("billingModeStr", json!(c.billing_mode.map(billing_mode)));
    input.put("deletionProtection", json!(c.deletion_protection));
    "createTable"
}

fn scan_table(input: &mut Input, s: wit::ScanTable) -> Result<&'static str, ConnectorError> {
    input.put("tableName", json!(s.table_name));
    input.put("indexName", json!(s.index_name));
    input.put("filterExpression", json!(s.filter_expression));
    input.put("projectionExpression", json!(s.projection_expression));
    input.put_placeholders(
        s.expression_attribute_names_json,
        s.expression_attribute_values_json,
    )?;
    input.put("consistentRead", json!(s.consistent_read));
    input.put("segment", json!(s.segment));
    input.put("totalSegments", json!(s.total_segments));
    input.put("select", json!(s.select));
    input.put_paging(s.paging)?;
    Ok("scanTable")
}

fn list_tables(input: &mut Input, l: wit::ListTables) -> &'static str {
    input.put(
        "exclusiveStartTableName",
        json!(l.exclusive_start_table_name),
    );
    input.put("limit", json!(l.limit));
    "listTables"
}

fn update_table(input: &mut Input, u: wit::UpdateTable) -> &'static str {
    input.put("tableName", json!(u.table_name));
    input.put("billingModeStr", json!(u.billing_mode.map(billing_mode)));
    input.put("readCapacityUnits", json!(u.read_capacity_units));
    input.put("writeCapacityUnits", json!(u.write_capacity_units));
    input.put("deletionProtection", json!(u.deletion_protection));
    input.put("timeToLiveAttribute", json!(u.time_to_live_attribute));
    input.put("timeToLiveEnabled", json!(u.time_to_live_enabled));
    "updateTable"
}

fn add_item(input: &mut Input, a: wit::AddItem) -> Result<&'static str, ConnectorError> {
    input.put("tableName", json!(a.table_name));
    input.put_json("item", Some(a.item_json))?;
    input.put_write_options(a.write)?;
    Ok("addItem")
}

fn delete_item(input: &mut Input, d: wit::DeleteItem) -> Result<&'static str, ConnectorError> {
    input.put("tableName", json!(d.table_name));
    input.put_json("primaryKeyComponents", Some(d.primary_key_components_json))?;
    input.put_write_options(d.write)?;
    Ok("deleteItem")
}

fn get_item(input: &mut Input, g: wit::GetItem) -> Result<&'static str, ConnectorError> {
    input.put("tableName", json!(g.table_name));
    input.put_json("primaryKeyComponents", Some(g.primary_key_components_json))?;
    input.put("projectionExpression", json!(g.projection_expression));
    input.put_json(
        "expressionAttributeNames",
        g.expression_attribute_names_json,
    )?;
    input.put("consistentRead", json!(g.consistent_read));
    Ok("getItem")
}

fn update_item(input: &mut Input, u: wit::UpdateItem) -> Result<&'static str, ConnectorError> {
    input.put("tableName", json!(u.table_name));
    input.put_json("primaryKeyComponents", Some(u.primary_key_components_json))?;
    match u.update {
        wit::ItemUpdate::Attributes(a) => {
            input.put_json("keyAttributes", Some(a.key_attributes_json))?;
            let action = match a.attribute_action {
                wit::AttributeAction::Put => "PUT",
                wit::AttributeAction::Delete => "DELETE",
            };
            input.put("attributeAction", json!(action));
        }
        wit::ItemUpdate::Expression(e) => input.put("updateExpression", json!(e)),
    }
    input.put_write_options(u.write)?;
    Ok("updateItem")
}

fn query(input: &mut Input, q: wit::Query) -> Result<&'static str, ConnectorError> {
    input.put("tableName", json!(q.table_name));
    input.put("indexName", json!(q.index_name));
    input.put("keyConditionExpression", json!(q.key_condition_expression));
    input.put("filterExpression", json!(q.filter_expression));
    input.put("projectionExpression", json!(q.projection_expression));
    input.put_placeholders(
        q.expression_attribute_names_json,
        q.expression_attribute_values_json,
    )?;
    input.put("scanIndexForward", json!(q.scan_index_forward));
    input.put("consistentRead", json!(q.consistent_read));
    input.put("select", json!(q.select));
    input.put_paging(q.paging)?;
    Ok("query")
}

fn transact_write_items(
    input: &mut Input,
    t: wit::TransactWriteItems,
) -> Result<&'static str, ConnectorError> {
    input.put_json("transactItems", Some(t.transact_items_json))?;
    input.put("clientRequestToken", json!(t.client_request_token));
    Ok("transactWriteItems")
}

fn execute_statement(
    input: &mut Input,
    e: wit::ExecuteStatement,
) -> Result<&'static str, ConnectorError> {
    input.put("statement", json!(e.statement));
    input.put_json("parameters", e.parameters_json)?;
    input.put("consistentRead", json!(e.consistent_read));
    input.put("nextToken", json!(e.next_token));
    input.put("limit", json!(e.limit));
    Ok("executeStatement")
}

fn read_stream(input: &mut Input, r: wit::ReadStream) -> Result<&'static str, ConnectorError> {
    input.put("tableName", json!(r.table_name));
    input.put("streamArn", json!(r.stream_arn));
    input.put_json("checkpoint", r.checkpoint_json)?;
    let position = r.starting_position.map(|p| match p {
        wit::StartingPosition::TrimHorizon => "TRIM_HORIZON",
        wit::StartingPosition::Latest => "LATEST",
    });
    input.put("startingPosition", json!(position));
    input.put("maxRecords", json!(r.max_records));
    input.put("maxResultBytes", json!(r.max_result_bytes));
    Ok("readStream")
}

fn execute_action(
    input: &mut Input,
    a: wit::ExecuteAction,
) -> Result<&'static str, ConnectorError> {
    input.put("action", json!(a.action));
    input.put_json("request", a.request_json)?;
    Ok("executeAction")
}
