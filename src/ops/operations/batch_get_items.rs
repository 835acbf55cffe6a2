//! batchGetItems: BatchGetItem in chunks of 100 keys, retrying unprocessed keys; what is still
//! unprocessed after the rounds is reported, never dropped.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value, json};

use crate::error::ConnectorError;
use crate::input::Fields;
use crate::input::field;
use crate::input::fields::{check_key, check_table_name};
use crate::ops::engines::batch_rounds::{
    ByTable, batch_body, group_by_table, in_rounds, owned_entries,
};
use crate::ops::engines::consumed_capacity::{
    ReturnConsumedCapacity, Shape, with_consumed_capacity,
};
use crate::ops::engines::item_bodies::merged_map;
use crate::ops::engines::read_options::ReadOptions;
use crate::ops::{Context, Operation, Outcome, ReadOperation};
use crate::value::ValueFormat;

/// DynamoDB's limit on one BatchGetItem call.
pub(crate) const BATCH_GET_CHUNK: usize = 100;

/// Input of batchGetItems: the keys to get, by table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BatchGetItems {
    /// Each table's part.
    pub tables: Vec<BatchGetTable>,
    /// `ReturnConsumedCapacity` (summed over the chunks and rounds, per table).
    pub return_consumed_capacity: Option<ReturnConsumedCapacity>,
}

/// One table's part of a batchGetItems.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BatchGetTable {
    /// Table name.
    pub table_name: String,
    /// Keys to get, each an object of attribute values (any number; sent 100 at a time).
    pub keys: Vec<Value>,
    /// Its projection, placeholders and consistency (the others are not among its fields).
    pub options: ReadOptions,
}

/// The members of one table's part of `requestItems`.
pub(crate) const TABLE_FIELDS: &[&str] = &[
    field::KEYS,
    field::PROJECTION_EXPRESSION,
    field::EXPRESSION_ATTRIBUTE_NAMES,
    field::CONSISTENT_READ,
];

impl ReadOperation for BatchGetItems {
    const NAME: &'static str = "batchGetItems";

    const FIELDS: &'static [&'static [&'static str]] =
        &[&[field::REQUEST_ITEMS, field::RETURN_CONSUMED_CAPACITY]];

    fn read(input: Fields, format: ValueFormat) -> Result<Self, ConnectorError> {
        Ok(Self {
            tables: read_tables(input, format)?,
            return_consumed_capacity: ReturnConsumedCapacity::read(input)?,
        })
    }
}

/// `requestItems`: `{"table": {"keys": [...], "projectionExpression", "expressionAttributeNames", "consistentRead"}}`.
fn read_tables(input: Fields, format: ValueFormat) -> Result<Vec<BatchGetTable>, ConnectorError> {
    let request_items = input.required_map_view(field::REQUEST_ITEMS)?;
    if request_items.is_empty() {
        return Err(input.error(field::REQUEST_ITEMS, "must name at least one table"));
    }
    let base = input.field(field::REQUEST_ITEMS);
    let mut tables = Vec::with_capacity(request_items.len());
    for (table_name, spec) in request_items.iter() {
        let path = format!("{base}.{table_name}");
        let Value::Object(spec) = spec else {
            return Err(ConnectorError::config(path, "must be an object with keys"));
        };
        let spec = Fields::new(spec, &path);
        spec.reject_unknown(TABLE_FIELDS)?;
        check_table_name(table_name).map_err(|m| ConnectorError::config(&path, m))?;
        let raw_keys = spec
            .list_view(field::KEYS)?
            .ok_or_else(|| spec.error(field::KEYS, "is required"))?;
        if raw_keys.is_empty() {
            return Err(spec.error(field::KEYS, "must hold at least one key"));
        }
        let keys = raw_keys
            .iter()
            .enumerate()
            .map(|(i, k)| {
                let key_path = format!("{}[{i}]", spec.field(field::KEYS));
                match k {
                    Value::Object(raw) => check_key(raw, format, &key_path).map(Value::Object),
                    _ => Err(ConnectorError::config(key_path, "must be an object")),
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        tables.push(BatchGetTable {
            table_name: table_name.clone(),
            keys,
            options: ReadOptions::read(spec, format)?,
        });
    }
    Ok(tables)
}

impl Operation for BatchGetItems {
    fn run(&self, context: &mut Context<'_>) -> Result<Outcome, ConnectorError> {
        let asked = self.return_consumed_capacity;
        let outcome = Outcome::new(get_all(context, &self.tables, asked)?);
        Ok(with_consumed_capacity(
            outcome,
            asked,
            context,
            Shape::PerTable,
        ))
    }
}

/// Gets every key, 100 per call, retrying `UnprocessedKeys` with backoff; what is still
/// unprocessed after [`BATCH_RETRY_ROUNDS`](crate::ops::engines::batch_rounds::BATCH_RETRY_ROUNDS) is reported, never dropped.
fn get_all(
    context: &mut Context<'_>,
    tables: &[BatchGetTable],
    asked: Option<ReturnConsumedCapacity>,
) -> Result<Value, ConnectorError> {
    let first: Vec<(&str, &Value)> = tables
        .iter()
        .flat_map(|table| {
            let name = table.table_name.as_str();
            table.keys.iter().map(move |k| (name, k))
        })
        .collect();
    let mut responses: Map<String, Value> = tables
        .iter()
        .map(|t| (t.table_name.clone(), json!([])))
        .collect();
    let left = in_rounds(context, &first, BATCH_GET_CHUNK, |context, keys| {
        let body = batch_body(&RequestItems { tables, keys }, asked)?;
        let mut answer = context.call_bytes("BatchGetItem", body)?;
        if let Value::Object(found) = answer["Responses"].take() {
            for (table, items) in found {
                if let (Some(Value::Array(into)), Value::Array(items)) =
                    (responses.get_mut(&table), items)
                {
                    into.extend(items.into_iter().map(|i| context.item(i)));
                }
            }
        }
        Ok(match answer["UnprocessedKeys"].take() {
            // `get_mut`, not indexing: a spec that is not an object must not panic.
            Value::Object(left) => owned_entries(left, |mut spec| {
                match spec.get_mut("Keys").map(Value::take) {
                    Some(Value::Array(keys)) => Some(keys),
                    _ => None,
                }
            }),
            _ => Vec::new(),
        })
    })?;
    Ok(json!({ "responses": responses, "unprocessedKeys": group_by_table(left) }))
}

/// A BatchGetItem body's `RequestItems`: each table's keys, with its read options.
struct RequestItems<'a> {
    tables: &'a [BatchGetTable],
    keys: ByTable<'a>,
}

impl Serialize for RequestItems<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let tables = self.keys.tables();
        let mut map = serializer.serialize_map(Some(tables.len()))?;
        for &(table, ref keys) in tables {
            let mut options = json!({});
            if let Some(found) = self.tables.iter().find(|t| t.table_name == table) {
                found.options.apply(&mut options);
            }
            // The table's options as `ReadOptions::apply` sets them, `Keys` among them.
            let keys = [("Keys", keys)];
            map.serialize_entry(table, &merged_map(options.as_object(), &keys))?;
        }
        map.end()
    }
}
