//! The GetItem, PutItem and DeleteItem bodies written straight to JSON bytes from the operation's fields,
//! with no tree between them. The members come in the order serde_json writes an object (its
//! maps are sorted by name), so the bytes are those the tree would have given.

use serde::Serialize;
use serde_json::{Map, Value};

use super::consumed_capacity::ReturnConsumedCapacity;
use super::read_options::ReadOptions;
use super::write_options::WriteOptions;
use crate::error::ConnectorError;

type Attributes = Map<String, Value>;

/// A GetItem body: the key and the read options, members sorted by name.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ReadBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    consistent_read: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expression_attribute_names: Option<&'a Attributes>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expression_attribute_values: Option<&'a Attributes>,
    #[serde(skip_serializing_if = "Option::is_none")]
    filter_expression: Option<&'a str>,
    key: &'a Attributes,
    #[serde(skip_serializing_if = "Option::is_none")]
    projection_expression: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    return_consumed_capacity: Option<ReturnConsumedCapacity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    select: Option<&'a str>,
    table_name: &'a str,
}

/// A PutItem or DeleteItem body: the item or the key and the write options, members sorted by
/// name.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct WriteBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    condition_expression: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expression_attribute_names: Option<&'a Attributes>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expression_attribute_values: Option<&'a Attributes>,
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<&'a Attributes>,
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<&'a Attributes>,
    #[serde(skip_serializing_if = "Option::is_none")]
    return_consumed_capacity: Option<ReturnConsumedCapacity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    return_values: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    return_values_on_condition_check_failure: Option<&'a str>,
    table_name: &'a str,
}

/// The GetItem body of `key` in `table_name` with `options`.
pub(crate) fn get_item_body(
    table_name: &str,
    key: &Attributes,
    options: &ReadOptions,
) -> Result<Vec<u8>, ConnectorError> {
    to_bytes(&ReadBody {
        consistent_read: options.consistent_read,
        expression_attribute_names: options.expression_attribute_names.as_ref(),
        expression_attribute_values: options.expression_attribute_values.as_ref(),
        filter_expression: options.filter_expression.as_deref(),
        key,
        projection_expression: options.projection_expression.as_deref(),
        return_consumed_capacity: options.return_consumed_capacity,
        select: options.select.as_deref(),
        table_name,
    })
}

/// The PutItem body of `item` in `table_name` with `options`.
pub(crate) fn put_item_body(
    table_name: &str,
    item: &Attributes,
    options: &WriteOptions,
) -> Result<Vec<u8>, ConnectorError> {
    to_bytes(&write_body(table_name, options, None).with_item(item))
}

/// The DeleteItem body of `key` in `table_name` with `options`; it returns the deleted item
/// unless the request asks otherwise (Camunda's connector answers it).
pub(crate) fn delete_item_body(
    table_name: &str,
    key: &Attributes,
    options: &WriteOptions,
) -> Result<Vec<u8>, ConnectorError> {
    to_bytes(&write_body(table_name, options, Some("ALL_OLD")).with_key(key))
}

/// A write's body without its item or key; `default_return` applies when the request names no
/// `ReturnValues`.
fn write_body<'a>(
    table_name: &'a str,
    options: &'a WriteOptions,
    default_return: Option<&'a str>,
) -> WriteBody<'a> {
    WriteBody {
        condition_expression: options.condition_expression.as_deref(),
        expression_attribute_names: options.expression_attribute_names.as_ref(),
        expression_attribute_values: options.expression_attribute_values.as_ref(),
        item: None,
        key: None,
        return_consumed_capacity: options.return_consumed_capacity,
        return_values: options.return_values.as_deref().or(default_return),
        return_values_on_condition_check_failure: options
            .return_item_on_condition_failure
            .then_some("ALL_OLD"),
        table_name,
    }
}

impl<'a> WriteBody<'a> {
    fn with_item(self, item: &'a Attributes) -> Self {
        Self {
            item: Some(item),
            ..self
        }
    }

    fn with_key(self, key: &'a Attributes) -> Self {
        Self {
            key: Some(key),
            ..self
        }
    }
}

/// Writes a body; the message is the one the tree's writer gave ([`crate::wire::Client::call_api`]).
pub(crate) fn to_bytes<T: Serialize>(body: &T) -> Result<Vec<u8>, ConnectorError> {
    serde_json::to_vec(body).map_err(|e| ConnectorError::Configuration {
        field: None,
        message: format!("the request body could not be written: {e}"),
    })
}

#[cfg(test)]
#[path = "item_bodies_tests.rs"]
mod tests;
