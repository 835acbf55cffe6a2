//! A reader for one JSON object of a request that knows its own path, so every error it
//! gives names the field (`input.transactItems[2].put.tableName`).
//!
//! It is liberal where workflow runtimes are: a map may be an object or a string holding
//! JSON, a number a number or a numeric string, a boolean `true` or `"true"`.

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::error::ConnectorError;
use crate::value::{MAX_ATTRIBUTE_NAME_BYTES, ValueFormat};

// The value checks live in `checks`; readers have long imported them from here.
pub use super::checks::{
    MAX_EXPRESSION_BYTES, MAX_ITEM_BYTES, MAX_KEY_NAME_BYTES, attribute_map, check_expression,
    check_item_size, check_key, check_table_name, given_expression, is_blank,
};

/// A JSON object of the request.
type Object = Map<String, Value>;

/// One JSON object of the request and where it is.
#[derive(Clone, Copy)]
pub struct Fields<'a> {
    map: &'a Object,
    path: &'a str,
}

impl<'a> Fields<'a> {
    /// Reads `map`, found at `path`.
    pub fn new(map: &'a Object, path: &'a str) -> Self {
        Self { map, path }
    }

    /// The path of `key` in this object.
    pub fn field(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// A configuration error about `key`.
    pub fn error(&self, key: &str, message: impl Into<String>) -> ConnectorError {
        ConnectorError::config(self.field(key), message)
    }

    /// Whether `key` is present and not null.
    pub fn has(&self, key: &str) -> bool {
        !matches!(self.map.get(key), None | Some(Value::Null))
    }

    /// The raw value of `key`.
    pub fn raw(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// Fails on the first key not in `known`.
    pub fn reject_unknown(&self, known: &[&str]) -> Result<(), ConnectorError> {
        match self.map.keys().find(|k| !known.contains(&k.as_str())) {
            None => Ok(()),
            Some(k) => Err(self.error(
                k,
                format!("unknown field; expected one of: {}", known.join(", ")),
            )),
        }
    }

    /// A nested object that must be there.
    pub fn object(&self, key: &str) -> Result<&'a Object, ConnectorError> {
        match self.map.get(key) {
            Some(Value::Object(inner)) => Ok(inner),
            None | Some(Value::Null) => Err(self.error(key, "is required")),
            Some(_) => Err(self.error(key, "must be an object")),
        }
    }

    /// An optional string.
    pub fn string(&self, key: &str) -> Result<Option<String>, ConnectorError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(self.error(key, "must be a string")),
        }
    }

    /// A string that must be there and not blank.
    pub fn required_string(&self, key: &str) -> Result<String, ConnectorError> {
        match self.string(key)? {
            Some(s) if !s.trim().is_empty() => Ok(s),
            Some(_) => Err(self.error(key, "must not be empty")),
            None => Err(self.error(key, "is required")),
        }
    }

    /// An optional string; blank counts as absent.
    pub fn non_empty_string(&self, key: &str) -> Result<Option<String>, ConnectorError> {
        Ok(self.string(key)?.filter(|s| !is_blank(s)))
    }

    /// An optional boolean (`true` or `"true"`).
    pub fn bool(&self, key: &str) -> Result<Option<bool>, ConnectorError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(_) => Err(self.error(key, "must be true or false")),
        }
    }

    /// An optional whole number (`5` or `"5"`).
    pub fn u64(&self, key: &str) -> Result<Option<u64>, ConnectorError> {
        let text = match self.map.get(key) {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::Number(n)) => n.as_str().to_string(),
            Some(Value::String(s)) if s.trim().is_empty() => return Ok(None),
            Some(Value::String(s)) => s.trim().to_string(),
            Some(_) => return Err(self.error(key, "must be a whole number")),
        };
        text.parse::<u64>()
            .map(Some)
            .map_err(|_| self.error(key, "must be a whole number"))
    }

    /// An optional whole number within `range`.
    pub fn u64_in(
        &self,
        key: &str,
        range: std::ops::RangeInclusive<u64>,
    ) -> Result<Option<u64>, ConnectorError> {
        match self.u64(key)? {
            Some(n) if !range.contains(&n) => Err(self.error(
                key,
                format!("must be between {} and {}", range.start(), range.end()),
            )),
            n => Ok(n),
        }
    }

    /// An optional map: an object, or a string holding one.
    pub fn map(&self, key: &str) -> Result<Option<Object>, ConnectorError> {
        Ok(self.map_view(key)?.map(Cow::into_owned))
    }

    /// [`Fields::map`] borrowed from the request where it is an object (not copied).
    pub fn map_view(&self, key: &str) -> Result<Option<Cow<'a, Object>>, ConnectorError> {
        Ok(match self.structured(key, "object", Value::is_object)? {
            Some(Cow::Borrowed(Value::Object(inner))) => Some(Cow::Borrowed(inner)),
            Some(Cow::Owned(Value::Object(inner))) => Some(Cow::Owned(inner)),
            _ => None,
        })
    }

    /// A map that must be there.
    pub fn required_map(&self, key: &str) -> Result<Object, ConnectorError> {
        self.map(key)?.ok_or_else(|| self.error(key, "is required"))
    }

    /// [`Fields::required_map`] borrowed as [`Fields::map_view`] is.
    pub fn required_map_view(&self, key: &str) -> Result<Cow<'a, Object>, ConnectorError> {
        self.map_view(key)?
            .ok_or_else(|| self.error(key, "is required"))
    }

    /// An optional list: an array, or a string holding one.
    pub fn list(&self, key: &str) -> Result<Option<Vec<Value>>, ConnectorError> {
        Ok(self.list_view(key)?.map(Cow::into_owned))
    }

    /// [`Fields::list`] borrowed from the request where it is an array (not copied).
    pub fn list_view(&self, key: &str) -> Result<Option<Cow<'a, Vec<Value>>>, ConnectorError> {
        Ok(match self.structured(key, "array", Value::is_array)? {
            Some(Cow::Borrowed(Value::Array(items))) => Some(Cow::Borrowed(items)),
            Some(Cow::Owned(Value::Array(items))) => Some(Cow::Owned(items)),
            _ => None,
        })
    }

    /// A JSON `kind` (object or array) given as itself or as a string holding it; blank
    /// strings count as absent.
    fn structured(
        &self,
        key: &str,
        kind: &str,
        is_kind: fn(&Value) -> bool,
    ) -> Result<Option<Cow<'a, Value>>, ConnectorError> {
        let wrong = || self.error(key, format!("must be a JSON {kind}"));
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(value) if is_kind(value) => Ok(Some(Cow::Borrowed(value))),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
                Ok(value) if is_kind(&value) => Ok(Some(Cow::Owned(value))),
                Ok(_) => Err(wrong()),
                Err(e) => Err(self.error(key, format!("is not valid JSON: {e}"))),
            },
            Some(_) => Err(wrong()),
        }
    }

    /// A map of values (an item, a key, expression values) as DynamoDB attribute values.
    pub fn attributes(
        &self,
        key: &str,
        format: ValueFormat,
    ) -> Result<Option<Object>, ConnectorError> {
        self.map_view(key)?
            .map(|m| attribute_map(&m, format, &self.field(key)))
            .transpose()
    }

    /// [`Fields::attributes`] that must be there.
    pub fn required_attributes(
        &self,
        key: &str,
        format: ValueFormat,
    ) -> Result<Object, ConnectorError> {
        self.attributes(key, format)?
            .ok_or_else(|| self.error(key, "is required"))
    }

    /// A table name: 3 to 255 characters of a-z, A-Z, 0-9, `_`, `-`, `.`.
    pub fn table_name(&self, key: &str) -> Result<String, ConnectorError> {
        let name = self.required_string(key)?;
        check_table_name(&name).map_err(|m| self.error(key, m))?;
        Ok(name)
    }

    /// An optional index name (same rules as a table name).
    pub fn index_name(&self, key: &str) -> Result<Option<String>, ConnectorError> {
        let Some(name) = self.non_empty_string(key)? else {
            return Ok(None);
        };
        check_table_name(&name).map_err(|m| self.error(key, m))?;
        Ok(Some(name))
    }

    /// An expression: at most 4 KB, as DynamoDB allows.
    pub fn expression(&self, key: &str) -> Result<Option<String>, ConnectorError> {
        let expression = self.non_empty_string(key)?;
        if let Some(expression) = &expression {
            check_expression(expression).map_err(|m| self.error(key, m))?;
        }
        Ok(expression)
    }

    /// `#name` placeholders: each must start with `#` and name a non-empty attribute.
    pub fn attribute_names(&self, key: &str) -> Result<Option<Object>, ConnectorError> {
        let Some(names) = self.map(key)? else {
            return Ok(None);
        };
        for (placeholder, name) in &names {
            let field = format!("{}.{placeholder}", self.field(key));
            if !placeholder.starts_with('#') || placeholder.len() < 2 {
                return Err(ConnectorError::config(
                    field,
                    "placeholders must start with '#'",
                ));
            }
            if name.as_str().is_none_or(str::is_empty) {
                return Err(ConnectorError::config(
                    field,
                    "must be a non-empty attribute name",
                ));
            }
            if name
                .as_str()
                .is_some_and(|n| n.len() > MAX_ATTRIBUTE_NAME_BYTES)
            {
                return Err(ConnectorError::config(
                    field,
                    format!(
                        "is longer than DynamoDB's attribute name limit of 64 KB ({MAX_ATTRIBUTE_NAME_BYTES} bytes)"
                    ),
                ));
            }
        }
        Ok(Some(names))
    }

    /// `:value` placeholders, converted to attribute values.
    pub fn attribute_values(
        &self,
        key: &str,
        format: ValueFormat,
    ) -> Result<Option<Object>, ConnectorError> {
        let values = self.attributes(key, format)?;
        if let Some(placeholder) = values
            .as_ref()
            .and_then(|v| v.keys().find(|k| !k.starts_with(':') || k.len() < 2))
        {
            return Err(ConnectorError::config(
                format!("{}.{placeholder}", self.field(key)),
                "placeholders must start with ':'",
            ));
        }
        Ok(values)
    }

    /// A primary key: one or two string, number or binary attributes.
    pub fn primary_key(&self, key: &str, format: ValueFormat) -> Result<Object, ConnectorError> {
        let raw = self.required_map_view(key)?;
        check_key(&raw, format, &self.field(key))
    }
}
