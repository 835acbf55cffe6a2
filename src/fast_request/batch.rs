//! batchWriteItems and batchGetItems through each one's checks: `requestItems` is taken from
//! the input and its items and keys converted by moving them. Only an object of objects and
//! arrays is read here; the forms the checking reader also takes (a map or list given as a
//! string holding JSON) and every failing check decline.

use serde_json::Value;

use super::input::{Attributes, Given, HotInput, moved_key};
use crate::input::field;
use crate::input::fields::{Fields, check_item_size, check_table_name};
use crate::ops::engines::consumed_capacity::ReturnConsumedCapacity;
use crate::ops::engines::read_options::ReadOptions;
use crate::ops::operations::batch_get_items::{BatchGetItems, BatchGetTable, TABLE_FIELDS};
use crate::ops::operations::batch_write_items::{
    BatchWrite, BatchWriteItems, ENTRY_FIELDS, wrapped,
};
use crate::value::{ValueFormat, into_attribute_map};

/// batchWriteItems' fields through batchWriteItems' checks.
pub(super) fn batch_write_items(
    input: &mut HotInput,
    format: ValueFormat,
) -> Option<BatchWriteItems> {
    let request_items = request_items(input)?;
    let mut writes = Vec::new();
    for (table_name, list) in request_items {
        check_table_name(&table_name).ok()?;
        let Value::Array(list) = list else {
            return None;
        };
        for entry in list {
            writes.push(BatchWrite {
                table_name: table_name.clone(),
                request: write_request(entry, format)?,
            });
        }
    }
    if writes.is_empty() {
        return None;
    }
    Some(BatchWriteItems {
        writes,
        return_consumed_capacity: return_consumed_capacity(input)?,
    })
}

/// One `{"put": item}` or `{"delete": key}` as DynamoDB's PutRequest or DeleteRequest.
fn write_request(entry: Value, format: ValueFormat) -> Option<Value> {
    let Value::Object(mut entry) = entry else {
        return None;
    };
    Fields::new(&entry, "").reject_unknown(ENTRY_FIELDS).ok()?;
    let given = |value: Option<Value>| value.filter(|v| !v.is_null());
    match (
        given(entry.remove(field::PUT)),
        given(entry.remove(field::DELETE)),
    ) {
        (Some(Value::Object(item)), None) => {
            let item = into_attribute_map(item, format)?;
            check_item_size(&item, "").ok()?;
            Some(wrapped("PutRequest", "Item", item))
        }
        (None, Some(Value::Object(key))) => {
            Some(wrapped("DeleteRequest", "Key", moved_key(key, format)?))
        }
        _ => None,
    }
}

/// batchGetItems' fields through batchGetItems' checks.
pub(super) fn batch_get_items(input: &mut HotInput, format: ValueFormat) -> Option<BatchGetItems> {
    let request_items = request_items(input)?;
    let mut tables = Vec::with_capacity(request_items.len());
    for (table_name, spec) in request_items {
        let Value::Object(mut spec) = spec else {
            return None;
        };
        Fields::new(&spec, "").reject_unknown(TABLE_FIELDS).ok()?;
        check_table_name(&table_name).ok()?;
        let Some(Value::Array(raw_keys)) = spec.remove(field::KEYS) else {
            return None;
        };
        if raw_keys.is_empty() {
            return None;
        }
        let keys = raw_keys
            .into_iter()
            .map(|key| match key {
                Value::Object(raw) => moved_key(raw, format).map(Value::Object),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()?;
        tables.push(BatchGetTable {
            table_name,
            keys,
            options: ReadOptions::read(Fields::new(&spec, ""), format).ok()?,
        });
    }
    Some(BatchGetItems {
        tables,
        return_consumed_capacity: return_consumed_capacity(input)?,
    })
}

/// `requestItems`: an object naming at least one table.
fn request_items(input: &mut HotInput) -> Option<Attributes> {
    let Given::Present(Some(request_items)) = std::mem::take(&mut input.request_items) else {
        return None;
    };
    (!request_items.is_empty()).then_some(request_items)
}

/// `returnConsumedCapacity` through its reader.
fn return_consumed_capacity(input: &mut HotInput) -> Option<Option<ReturnConsumedCapacity>> {
    input.options(|fields| ReturnConsumedCapacity::read(fields).ok())
}
