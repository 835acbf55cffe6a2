//! The typed WIT request as the JSON request it stands for: one small function per operation
//! case. WIT has no recursive types, so items, keys and value maps arrive as JSON text and are
//! parsed here; every check is left to the one reader both entry points share.

use serde_json::{Map, Value, json};

use super::to_envelope::{authentication, aws_credential, configuration};
use super::wit;
use crate::error::ConnectorError;
use crate::input::field;
use crate::ops::ReadOperation;
use crate::ops::operations::{
    add_item::AddItem, batch_get_items::BatchGetItems, batch_write_items::BatchWriteItems,
    create_table::CreateTable, delete_item::DeleteItem, delete_table::DeleteTable,
    describe_table::DescribeTable, describe_time_to_live::DescribeTimeToLive,
    execute_action::ExecuteAction, execute_statement::ExecuteStatement, get_item::GetItem,
    list_tables::ListTables, query::Query, read_stream::ReadStream, scan_table::ScanTable,
    transact_get_items::TransactGetItems, transact_write_items::TransactWriteItems,
    update_item::UpdateItem, update_table::UpdateTable,
};
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
        self.put(field::LIMIT, json!(paging.limit));
        self.put_json(field::EXCLUSIVE_START_KEY, paging.exclusive_start_key_json)?;
        self.put(field::MAX_ITEMS, json!(paging.max_items));
        self.put(field::MAX_PAGES, json!(paging.max_pages));
        self.put(field::MAX_RESULT_BYTES, json!(paging.max_result_bytes));
        Ok(())
    }

    fn put_write_options(&mut self, write: wit::WriteOptions) -> Result<(), ConnectorError> {
        self.put(
            field::CONDITION_EXPRESSION,
            json!(write.condition_expression),
        );
        self.put_json(
            field::EXPRESSION_ATTRIBUTE_NAMES,
            write.expression_attribute_names_json,
        )?;
        self.put_json(
            field::EXPRESSION_ATTRIBUTE_VALUES,
            write.expression_attribute_values_json,
        )?;
        self.put(field::RETURN_VALUES, json!(write.return_values));
        self.put(
            field::RETURN_VALUES_ON_CONDITION_CHECK_FAILURE,
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
        self.put_json(field::EXPRESSION_ATTRIBUTE_NAMES, names)?;
        self.put_json(field::EXPRESSION_ATTRIBUTE_VALUES, values)
    }
}

/// The JSON request `request` stands for.
pub fn to_json_request(request: wit::Request) -> Result<Value, ConnectorError> {
    let authentication = authentication(request.authentication);
    let configuration = configuration(request.configuration);
    let mut input = Input::default();
    let name = operation(&mut input, request.operation)?;
    let group = match OPERATIONS.iter().find(|e| e.name == name).map(|e| e.group) {
        Some(Group::Item) => field::ITEM_OPERATION,
        _ => field::TABLE_OPERATION,
    };
    input.put(field::OPERATION_GROUP, json!(group));
    input.put(group, json!(name));
    options(&mut input, request.options);
    let mut json_request = json!({ (field::AUTHENTICATION): authentication, (field::CONFIGURATION): configuration, (field::INPUT): input.0 });
    if let Some(credential) = request.aws_credential {
        json_request[field::AWS_CREDENTIAL] = aws_credential(credential);
    }
    Ok(json_request)
}

/// Puts the operation's fields; returns its name.
fn operation(input: &mut Input, operation: wit::Operation) -> Result<&'static str, ConnectorError> {
    use wit::Operation as Op;
    match operation {
        Op::CreateTable(c) => Ok(create_table(input, c)),
        Op::DeleteTable(table) => Ok(table_only(input, table, DeleteTable::NAME)),
        Op::DescribeTable(table) => Ok(table_only(input, table, DescribeTable::NAME)),
        Op::DescribeTimeToLive(table) => Ok(table_only(input, table, DescribeTimeToLive::NAME)),
        Op::ScanTable(s) => scan_table(input, s),
        Op::ListTables(l) => Ok(list_tables(input, l)),
        Op::UpdateTable(u) => Ok(update_table(input, u)),
        Op::AddItem(a) => add_item(input, a),
        Op::DeleteItem(d) => delete_item(input, d),
        Op::GetItem(g) => get_item(input, g),
        Op::UpdateItem(u) => update_item(input, u),
        Op::Query(q) => query(input, q),
        Op::BatchGetItems(items) => {
            json_only(input, field::REQUEST_ITEMS, items, BatchGetItems::NAME)
        }
        Op::BatchWriteItems(items) => {
            json_only(input, field::REQUEST_ITEMS, items, BatchWriteItems::NAME)
        }
        Op::TransactWriteItems(t) => transact_write_items(input, t),
        Op::TransactGetItems(items) => {
            json_only(input, field::TRANSACT_ITEMS, items, TransactGetItems::NAME)
        }
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
    input.put(field::VALUE_FORMAT, json!(value_format));
    input.put(field::OUTPUT_FORMAT, json!(output_format));
    input.put(field::WAIT_TIMEOUT_MS, json!(options.wait_timeout_ms));
    // Only when it asks for some: the operations that do not take the field reject it, even
    // as null, and `none` asks for nothing.
    let consumed = match options.return_consumed_capacity {
        Some(wit::ReturnConsumedCapacity::Total) => "TOTAL",
        Some(wit::ReturnConsumedCapacity::Indexes) => "INDEXES",
        Some(wit::ReturnConsumedCapacity::None) | None => return,
    };
    input.put(field::RETURN_CONSUMED_CAPACITY, json!(consumed));
}

/// An operation whose only field is the table name.
fn table_only(input: &mut Input, table: String, name: &'static str) -> &'static str {
    input.put(field::TABLE_NAME, json!(table));
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
    input.put(field::TABLE_NAME, json!(c.table_name));
    input.put(field::PARTITION_KEY, json!(c.partition_key));
    input.put(
        field::PARTITION_KEY_ROLE,
        json!(c.partition_key_role.map(key_role)),
    );
    input.put(
        field::PARTITION_KEY_TYPE,
        json!(key_type(c.partition_key_type)),
    );
    input.put(field::SORT_KEY, json!(c.sort_key));
    input.put(field::SORT_KEY_ROLE, json!(c.sort_key_role.map(key_role)));
    input.put(field::SORT_KEY_TYPE, json!(c.sort_key_type.map(key_type)));
    input.put(field::READ_CAPACITY_UNITS, json!(c.read_capacity_units));
    input.put(field::WRITE_CAPACITY_UNITS, json!(c.write_capacity_units));
    input.put(
        field::BILLING_MODE_STR,
        json!(c.billing_mode.map(billing_mode)),
    );
    input.put(field::DELETION_PROTECTION, json!(c.deletion_protection));
    CreateTable::NAME
}

fn scan_table(input: &mut Input, s: wit::ScanTable) -> Result<&'static str, ConnectorError> {
    input.put(field::TABLE_NAME, json!(s.table_name));
    input.put(field::INDEX_NAME, json!(s.index_name));
    input.put(field::FILTER_EXPRESSION, json!(s.filter_expression));
    input.put(field::PROJECTION_EXPRESSION, json!(s.projection_expression));
    input.put_placeholders(
        s.expression_attribute_names_json,
        s.expression_attribute_values_json,
    )?;
    input.put(field::CONSISTENT_READ, json!(s.consistent_read));
    input.put(field::SEGMENT, json!(s.segment));
    input.put(field::TOTAL_SEGMENTS, json!(s.total_segments));
    input.put(field::SELECT, json!(s.select));
    input.put_paging(s.paging)?;
    Ok(ScanTable::NAME)
}

fn list_tables(input: &mut Input, l: wit::ListTables) -> &'static str {
    input.put(
        field::EXCLUSIVE_START_TABLE_NAME,
        json!(l.exclusive_start_table_name),
    );
    input.put(field::LIMIT, json!(l.limit));
    ListTables::NAME
}

fn update_table(input: &mut Input, u: wit::UpdateTable) -> &'static str {
    input.put(field::TABLE_NAME, json!(u.table_name));
    input.put(
        field::BILLING_MODE_STR,
        json!(u.billing_mode.map(billing_mode)),
    );
    input.put(field::READ_CAPACITY_UNITS, json!(u.read_capacity_units));
    input.put(field::WRITE_CAPACITY_UNITS, json!(u.write_capacity_units));
    input.put(field::DELETION_PROTECTION, json!(u.deletion_protection));
    input.put(
        field::TIME_TO_LIVE_ATTRIBUTE,
        json!(u.time_to_live_attribute),
    );
    input.put(field::TIME_TO_LIVE_ENABLED, json!(u.time_to_live_enabled));
    UpdateTable::NAME
}

fn add_item(input: &mut Input, a: wit::AddItem) -> Result<&'static str, ConnectorError> {
    input.put(field::TABLE_NAME, json!(a.table_name));
    input.put_json(field::ITEM, Some(a.item_json))?;
    input.put_write_options(a.write)?;
    Ok(AddItem::NAME)
}

fn delete_item(input: &mut Input, d: wit::DeleteItem) -> Result<&'static str, ConnectorError> {
    input.put(field::TABLE_NAME, json!(d.table_name));
    input.put_json(
        field::PRIMARY_KEY_COMPONENTS,
        Some(d.primary_key_components_json),
    )?;
    input.put_write_options(d.write)?;
    Ok(DeleteItem::NAME)
}

fn get_item(input: &mut Input, g: wit::GetItem) -> Result<&'static str, ConnectorError> {
    input.put(field::TABLE_NAME, json!(g.table_name));
    input.put_json(
        field::PRIMARY_KEY_COMPONENTS,
        Some(g.primary_key_components_json),
    )?;
    input.put(field::PROJECTION_EXPRESSION, json!(g.projection_expression));
    input.put_json(
        field::EXPRESSION_ATTRIBUTE_NAMES,
        g.expression_attribute_names_json,
    )?;
    input.put(field::CONSISTENT_READ, json!(g.consistent_read));
    Ok(GetItem::NAME)
}

fn update_item(input: &mut Input, u: wit::UpdateItem) -> Result<&'static str, ConnectorError> {
    input.put(field::TABLE_NAME, json!(u.table_name));
    input.put_json(
        field::PRIMARY_KEY_COMPONENTS,
        Some(u.primary_key_components_json),
    )?;
    match u.update {
        wit::ItemUpdate::Attributes(a) => {
            input.put_json(field::KEY_ATTRIBUTES, Some(a.key_attributes_json))?;
            let action = match a.attribute_action {
                wit::AttributeAction::Put => "PUT",
                wit::AttributeAction::Delete => "DELETE",
            };
            input.put(field::ATTRIBUTE_ACTION, json!(action));
        }
        wit::ItemUpdate::Expression(e) => input.put(field::UPDATE_EXPRESSION, json!(e)),
    }
    input.put_write_options(u.write)?;
    Ok(UpdateItem::NAME)
}

fn query(input: &mut Input, q: wit::Query) -> Result<&'static str, ConnectorError> {
    input.put(field::TABLE_NAME, json!(q.table_name));
    input.put(field::INDEX_NAME, json!(q.index_name));
    input.put(
        field::KEY_CONDITION_EXPRESSION,
        json!(q.key_condition_expression),
    );
    input.put(field::FILTER_EXPRESSION, json!(q.filter_expression));
    input.put(field::PROJECTION_EXPRESSION, json!(q.projection_expression));
    input.put_placeholders(
        q.expression_attribute_names_json,
        q.expression_attribute_values_json,
    )?;
    input.put(field::SCAN_INDEX_FORWARD, json!(q.scan_index_forward));
    input.put(field::CONSISTENT_READ, json!(q.consistent_read));
    input.put(field::SELECT, json!(q.select));
    input.put_paging(q.paging)?;
    Ok(Query::NAME)
}

fn transact_write_items(
    input: &mut Input,
    t: wit::TransactWriteItems,
) -> Result<&'static str, ConnectorError> {
    input.put_json(field::TRANSACT_ITEMS, Some(t.transact_items_json))?;
    input.put(field::CLIENT_REQUEST_TOKEN, json!(t.client_request_token));
    Ok(TransactWriteItems::NAME)
}

fn execute_statement(
    input: &mut Input,
    e: wit::ExecuteStatement,
) -> Result<&'static str, ConnectorError> {
    input.put(field::STATEMENT, json!(e.statement));
    input.put_json(field::PARAMETERS, e.parameters_json)?;
    input.put(field::CONSISTENT_READ, json!(e.consistent_read));
    input.put(field::NEXT_TOKEN, json!(e.next_token));
    input.put(field::LIMIT, json!(e.limit));
    Ok(ExecuteStatement::NAME)
}

fn read_stream(input: &mut Input, r: wit::ReadStream) -> Result<&'static str, ConnectorError> {
    input.put(field::TABLE_NAME, json!(r.table_name));
    input.put(field::STREAM_ARN, json!(r.stream_arn));
    input.put_json(field::CHECKPOINT, r.checkpoint_json)?;
    let position = r.starting_position.map(|p| match p {
        wit::StartingPosition::TrimHorizon => "TRIM_HORIZON",
        wit::StartingPosition::Latest => "LATEST",
    });
    input.put(field::STARTING_POSITION, json!(position));
    input.put(field::MAX_RECORDS, json!(r.max_records));
    input.put(field::MAX_RESULT_BYTES, json!(r.max_result_bytes));
    Ok(ReadStream::NAME)
}

fn execute_action(
    input: &mut Input,
    a: wit::ExecuteAction,
) -> Result<&'static str, ConnectorError> {
    input.put(field::ACTION, json!(a.action));
    input.put_json(field::REQUEST, a.request_json)?;
    Ok(ExecuteAction::NAME)
}
