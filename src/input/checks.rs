//! The checks of single values that the readers share, the checking reader's [`Fields`] and the
//! fast reader (`crate::fast_request`) alike: expressions, primary keys, table names, the item
//! size. Each returns its message; the caller names the field.
//!
//! [`Fields`]: super::Fields

use serde_json::{Map, Value};

use crate::error::ConnectorError;
use crate::value::{self, ValueFormat};

type Object = Map<String, Value>;

/// DynamoDB's limit on a key attribute's name, in UTF-8 bytes.
pub const MAX_KEY_NAME_BYTES: usize = 255;

/// DynamoDB's limit on the length of an expression.
pub const MAX_EXPRESSION_BYTES: usize = 4096;

/// Whether an optional string counts as absent: empty or only whitespace.
pub fn is_blank(text: &str) -> bool {
    text.trim().is_empty()
}

/// Checks an expression against DynamoDB's length limit.
pub fn check_expression(expression: &str) -> Result<(), String> {
    if expression.len() > MAX_EXPRESSION_BYTES {
        return Err(format!(
            "exceeds DynamoDB's expression limit of {MAX_EXPRESSION_BYTES} bytes"
        ));
    }
    Ok(())
}

/// An expression as given: blank counts as absent; at most 4 KB, as DynamoDB allows.
pub fn given_expression(text: &str) -> Result<Option<&str>, String> {
    if is_blank(text) {
        return Ok(None);
    }
    check_expression(text)?;
    Ok(Some(text))
}

/// Checks a raw primary key and converts it to attribute values.
pub fn check_key(raw: &Object, format: ValueFormat, path: &str) -> Result<Object, ConnectorError> {
    check_key_names(raw, path)?;
    let key = attribute_map(raw, format, path)?;
    check_key_values(&key, path)?;
    Ok(key)
}

/// A raw primary key's shape: one or two attributes, names within DynamoDB's key name limit.
pub(crate) fn check_key_names(raw: &Map<String, Value>, path: &str) -> Result<(), ConnectorError> {
    if raw.is_empty() || raw.len() > 2 {
        return Err(ConnectorError::config(
            path,
            "must hold the partition key and, for tables with one, the sort key",
        ));
    }
    if let Some(name) = raw.keys().find(|name| name.len() > MAX_KEY_NAME_BYTES) {
        let start: String = name.chars().take(16).collect();
        return Err(ConnectorError::config(
            path,
            format!(
                "the key attribute name {start:?}… is {} bytes; DynamoDB allows at most {MAX_KEY_NAME_BYTES}",
                name.len()
            ),
        ));
    }
    Ok(())
}

/// A converted primary key's values: strings, numbers or binary.
pub(crate) fn check_key_values(key: &Map<String, Value>, path: &str) -> Result<(), ConnectorError> {
    for (name, value) in key {
        let tag = value
            .as_object()
            .and_then(|m| m.keys().next())
            .map(String::as_str);
        if !matches!(tag, Some("S" | "N" | "B")) {
            return Err(ConnectorError::config(
                format!("{path}.{name}"),
                "key attributes must be strings, numbers or binary",
            ));
        }
    }
    Ok(())
}

/// Checks a table name: 3 to 255 characters of a-z, A-Z, 0-9, `_`, `-`, `.`.
pub fn check_table_name(name: &str) -> Result<(), &'static str> {
    let valid_chars = name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    if (3..=255).contains(&name.len()) && valid_chars {
        Ok(())
    } else {
        Err("must be 3 to 255 characters of a-z, A-Z, 0-9, '_', '-' and '.'")
    }
}

/// Converts a map of request values to attribute values, errors naming the path.
pub fn attribute_map(
    map: &Object,
    format: ValueFormat,
    path: &str,
) -> Result<Object, ConnectorError> {
    value::to_attribute_map(map, format, path)
        .map_err(|e| ConnectorError::config(e.path, e.message))
}

/// DynamoDB's limit on one item.
pub const MAX_ITEM_BYTES: usize = 400 * 1024;

/// Checks an item against DynamoDB's item size limit, before it is sent.
pub fn check_item_size(item: &Object, path: &str) -> Result<(), ConnectorError> {
    let size = value::item_size(item);
    if size > MAX_ITEM_BYTES {
        return Err(ConnectorError::config(
            path,
            format!(
                "the item is {size} bytes; DynamoDB's item size limit is 400 KB ({MAX_ITEM_BYTES} bytes)"
            ),
        ));
    }
    Ok(())
}
