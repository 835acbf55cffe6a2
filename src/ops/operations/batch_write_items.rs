//! batchWriteItems: BatchWriteItem in chunks of 25 puts and deletes, retrying unprocessed items;
//! what is still unprocessed after the rounds is reported, never dropped.

use serde_json::{Map, Value, json};

use crate::error::ConnectorError;
use crate::input::Fields;
use crate::input::field;
use crate::input::fields::{check_item_size, check_table_name};
use crate::ops::engines::batch_rounds::{batch_body, group_by_table, in_rounds, owned_entries};
use crate::ops::engines::consumed_capacity::{
    ReturnConsumedCapacity, Shape, with_consumed_capacity,
};
use crate::ops::{Context, Operation, Outcome, ReadOperation};
use crate::value::ValueFormat;

/// DynamoDB's limit on one BatchWriteItem call.
pub(crate) const BATCH_WRITE_CHUNK: usize = 25;

/// Input of batchWriteItems: every put and delete, in order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BatchWriteItems {
    /// The writes.
    pub writes: Vec<BatchWrite>,
    /// `ReturnConsumedCapacity` (summed over the chunks and rounds, per table).
    pub return_consumed_capacity: Option<ReturnConsumedCapacity>,
}

/// One write of a batchWriteItems, in DynamoDB's shape (`{"PutRequest": {"Item": …}}`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BatchWrite {
    /// Table name.
    pub table_name: String,
    /// `{"PutRequest": …}` or `{"DeleteRequest": …}`.
    pub request: Value,
}

/// The members of one entry of a table's list: a put or a delete.
pub(crate) const ENTRY_FIELDS: &[&str] = &[field::PUT, field::DELETE];

impl ReadOperation for BatchWriteItems {
    const NAME: &'static str = "batchWriteItems";

    const FIELDS: &'static [&'static [&'static str]] =
        &[&[field::REQUEST_ITEMS, field::RETURN_CONSUMED_CAPACITY]];

    fn read(input: Fields, format: ValueFormat) -> Result<Self, ConnectorError> {
        Ok(Self {
            writes: read_writes(input, format)?,
            return_consumed_capacity: ReturnConsumedCapacity::read(input)?,
        })
    }
}

/// `requestItems`: `{"table": [{"put": {item}}, {"delete": {key}}]}`.
fn read_writes(input: Fields, format: ValueFormat) -> Result<Vec<BatchWrite>, ConnectorError> {
    let request_items = input.required_map_view(field::REQUEST_ITEMS)?;
    if request_items.is_empty() {
        return Err(input.error(field::REQUEST_ITEMS, "must name at least one table"));
    }
    let base = input.field(field::REQUEST_ITEMS);
    let mut writes = Vec::new();
    for (table_name, list) in request_items.iter() {
        let path = format!("{base}.{table_name}");
        check_table_name(table_name).map_err(|m| ConnectorError::config(&path, m))?;
        let Value::Array(list) = list else {
            return Err(ConnectorError::config(
                path,
                "must be a list of {\"put\": item} and {\"delete\": key}",
            ));
        };
        for (i, entry) in list.iter().enumerate() {
            let entry_path = format!("{path}[{i}]");
            let Value::Object(entry) = entry else {
                return Err(ConnectorError::config(
                    entry_path,
                    "must be {\"put\": item} or {\"delete\": key}",
                ));
            };
            let fields = Fields::new(entry, &entry_path);
            fields.reject_unknown(ENTRY_FIELDS)?;
            let request = match (fields.raw(field::PUT), fields.raw(field::DELETE)) {
                (Some(_), None) => {
                    let item = fields.required_attributes(field::PUT, format)?;
                    check_item_size(&item, &fields.field(field::PUT))?;
                    wrapped("PutRequest", "Item", item)
                }
                (None, Some(_)) => wrapped(
                    "DeleteRequest",
                    "Key",
                    fields.primary_key(field::DELETE, format)?,
                ),
                _ => {
                    return Err(ConnectorError::config(
                        entry_path,
                        "must hold exactly one of put or delete",
                    ));
                }
            };
            writes.push(BatchWrite {
                table_name: table_name.clone(),
                request,
            });
        }
    }
    if writes.is_empty() {
        return Err(input.error(field::REQUEST_ITEMS, "must hold at least one put or delete"));
    }
    Ok(writes)
}

/// `{request: {member: attributes}}`, the attributes moved in, not copied.
pub(crate) fn wrapped(request: &str, member: &str, attributes: Map<String, Value>) -> Value {
    let mut inner = Map::new();
    inner.insert(member.to_string(), Value::Object(attributes));
    let mut outer = Map::new();
    outer.insert(request.to_string(), Value::Object(inner));
    Value::Object(outer)
}

impl Operation for BatchWriteItems {
    fn run(&self, context: &mut Context<'_>) -> Result<Outcome, ConnectorError> {
        let asked = self.return_consumed_capacity;
        let outcome = Outcome::new(write_all(context, &self.writes, asked)?);
        Ok(with_consumed_capacity(
            outcome,
            asked,
            context,
            Shape::PerTable,
        ))
    }
}

/// Writes every put and delete, 25 per call, retrying `UnprocessedItems` with backoff; what
/// is still unprocessed after [`BATCH_RETRY_ROUNDS`](crate::ops::engines::batch_rounds::BATCH_RETRY_ROUNDS) is reported, never dropped.
fn write_all(
    context: &mut Context<'_>,
    writes: &[BatchWrite],
    asked: Option<ReturnConsumedCapacity>,
) -> Result<Value, ConnectorError> {
    let first: Vec<(&str, &Value)> = writes
        .iter()
        .map(|w| (w.table_name.as_str(), &w.request))
        .collect();
    let left = in_rounds(context, &first, BATCH_WRITE_CHUNK, |context, by_table| {
        let body = batch_body(&by_table, asked)?;
        let mut answer = context.call_bytes("BatchWriteItem", body)?;
        Ok(match answer["UnprocessedItems"].take() {
            Value::Object(left) => owned_entries(left, |requests| match requests {
                Value::Array(requests) => Some(requests),
                _ => None,
            }),
            _ => Vec::new(),
        })
    })?;
    let total = writes.len();
    Ok(json!({
        "processedCount": total - left.len(),
        "unprocessedCount": left.len(),
        "unprocessedItems": group_by_table(left),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::engines::batch_rounds::BATCH_RETRY_ROUNDS;
    use crate::ops::testing::{context, read};

    #[test]
    fn batch_writes_retry_unprocessed_items_and_report_what_remains() {
        use crate::wire::testing::{Scripted, answer};
        let BatchWriteItems { writes, .. } = read(json!({
            "operationGroup": "itemOperation", "itemOperation": "batchWriteItems",
            "requestItems": {"orders": (0..30).map(|i| json!({"put": {"id": i}})).collect::<Vec<_>>()},
        }));
        let left_one =
            r#"{"UnprocessedItems":{"orders":[{"PutRequest":{"Item":{"id":{"N":"7"}}}}]}}"#;
        let request = |p: &mut Scripted| write_all(&mut context(p), &writes, None);
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
