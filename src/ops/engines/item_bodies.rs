//! The GetItem, PutItem, DeleteItem and UpdateItem bodies written straight to JSON bytes from
//! the operation's fields, with no tree between them. The members come in the order serde_json
//! writes an object (its maps are sorted by name), so the bytes are those the tree would have
//! given.

use std::borrow::Cow;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
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

/// A PutItem, DeleteItem or UpdateItem body: the item or the key, the update, and the write
/// options, members sorted by name.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct WriteBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    condition_expression: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expression_attribute_names: Option<MergedMap<'a, String, &'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expression_attribute_values: Option<MergedMap<'a, String, &'a Value>>,
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
    #[serde(skip_serializing_if = "Option::is_none")]
    update_expression: Option<&'a str>,
}

/// A map written sorted by name: a given map's members (sorted, as serde_json's maps are) and
/// `added` ones (sorted, none of them among the given) merged in that order.
pub(crate) struct MergedMap<'a, K, T> {
    given: Option<&'a Attributes>,
    added: &'a [(K, T)],
}

/// `given`'s members with `added` among them, as [`MergedMap`] writes them.
pub(crate) fn merged_map<'a, K, T>(
    given: Option<&'a Attributes>,
    added: &'a [(K, T)],
) -> MergedMap<'a, K, T> {
    MergedMap { given, added }
}

/// A placeholder map, the request's own with those the connector adds, when there are any (a
/// map the request gives empty is written empty).
fn placeholders<'a, T>(
    given: Option<&'a Attributes>,
    added: &'a [(String, T)],
) -> Option<MergedMap<'a, String, T>> {
    (given.is_some() || !added.is_empty()).then_some(merged_map(given, added))
}

impl<K: AsRef<str>, T: Serialize> Serialize for MergedMap<'_, K, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut given = self.given.into_iter().flatten().peekable();
        let mut added = self.added.iter().peekable();
        let mut map = serializer.serialize_map(None)?;
        loop {
            let next_added = added.peek().map(|(name, _)| name.as_ref());
            let before_added = |(name, _): &(&String, &Value)| {
                next_added.is_none_or(|added_name| name.as_str() < added_name)
            };
            if let Some((name, value)) = given.next_if(before_added) {
                map.serialize_entry(name, value)?;
            } else if let Some((name, value)) = added.next() {
                map.serialize_entry(name.as_ref(), value)?;
            } else {
                break;
            }
        }
        map.end()
    }
}

/// What an UpdateItem changes: its update expression, and the placeholders the connector adds
/// to the request's own for it.
#[derive(Default)]
pub(crate) struct UpdateClause<'a> {
    pub expression: Cow<'a, str>,
    /// `#name` placeholders and the attribute each names, sorted by placeholder.
    pub names: Vec<(String, &'a str)>,
    /// `:value` placeholders and each one's value, sorted by placeholder.
    pub values: Vec<(String, &'a Value)>,
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

/// The UpdateItem body of `key` in `table_name` changed by `clause` with `options`; it returns
/// the item after the update unless the request asks otherwise.
pub(crate) fn update_item_body(
    table_name: &str,
    key: &Attributes,
    clause: &UpdateClause,
    options: &WriteOptions,
) -> Result<Vec<u8>, ConnectorError> {
    let body = write_body(table_name, options, Some("ALL_NEW")).with_key(key);
    to_bytes(&WriteBody {
        expression_attribute_names: placeholders(
            options.expression_attribute_names.as_ref(),
            &clause.names,
        ),
        expression_attribute_values: placeholders(
            options.expression_attribute_values.as_ref(),
            &clause.values,
        ),
        update_expression: Some(&clause.expression),
        ..body
    })
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
        expression_attribute_names: placeholders(options.expression_attribute_names.as_ref(), &[]),
        expression_attribute_values: placeholders(
            options.expression_attribute_values.as_ref(),
            &[],
        ),
        item: None,
        key: None,
        return_consumed_capacity: options.return_consumed_capacity,
        return_values: options.return_values.as_deref().or(default_return),
        return_values_on_condition_check_failure: options
            .return_item_on_condition_failure
            .then_some("ALL_OLD"),
        table_name,
        update_expression: None,
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
