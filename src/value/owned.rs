//! Plain values converted by moving them: the fast reader's form of [`super::to_attribute_map`]
//! with the same checks, through the same functions. It owns the map it is given, so strings
//! move instead of being copied, and it builds no paths: it only says whether the map passed,
//! and where it did not, the checking reader reads the request again and names the problem.

use serde_json::{Map, Value};

use super::{ValueFormat, check_depth, check_name_length, check_number, tagged, to_attribute_map};

/// `map` as attribute values, or `None` where [`to_attribute_map`] fails.
pub(crate) fn into_attribute_map(
    map: Map<String, Value>,
    format: ValueFormat,
) -> Option<Map<String, Value>> {
    if format == ValueFormat::Typed {
        return to_attribute_map(&map, format, "").ok();
    }
    // Built by insertion: collecting into a map sorts a buffer of the pairs first.
    let mut attributes = Map::new();
    for (name, value) in map {
        if name.is_empty() {
            return None;
        }
        check_name_length(&name, "").ok()?;
        attributes.insert(name, from_plain_owned(value, 1)?);
    }
    Some(attributes)
}

/// [`super::from_plain`], moving `value`'s parts into the attribute value.
fn from_plain_owned(value: Value, depth: usize) -> Option<Value> {
    Some(match value {
        Value::Null => tagged("NULL", Value::Bool(true)),
        Value::Bool(b) => tagged("BOOL", Value::Bool(b)),
        Value::Number(n) => tagged("N", Value::String(check_number(n.as_str(), "").ok()?)),
        Value::String(s) => tagged("S", Value::String(s)),
        Value::Array(items) => {
            check_depth("", depth).ok()?;
            let list = items
                .into_iter()
                .map(|v| from_plain_owned(v, depth + 1))
                .collect::<Option<Vec<_>>>()?;
            tagged("L", Value::Array(list))
        }
        Value::Object(map) => {
            check_depth("", depth).ok()?;
            let mut members = Map::new();
            for (k, v) in map {
                check_name_length(&k, "").ok()?;
                members.insert(k, from_plain_owned(v, depth + 1)?);
            }
            tagged("M", Value::Object(members))
        }
    })
}
