//! An item already held as attribute values, written as plain JSON without a converted copy:
//! [`Plain`] serializes exactly as [`to_plain`](super::to_plain)'s tree would.

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Value};

/// A view of an attribute value (or of an item, a map of them) that serializes as its plain
/// form.
pub(crate) enum Plain<'a> {
    /// One attribute value.
    Value(&'a Value),
    /// An item: each attribute plain, in the map's (name) order.
    Map(&'a Map<String, Value>),
}

impl Serialize for Plain<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match *self {
            Plain::Map(map) => plain_map(map, serializer),
            Plain::Value(value) => plain_value(value, serializer),
        }
    }
}

fn plain_map<S: Serializer>(map: &Map<String, Value>, serializer: S) -> Result<S::Ok, S::Error> {
    let mut out = serializer.serialize_map(Some(map.len()))?;
    for (name, value) in map {
        out.serialize_entry(name, &Plain::Value(value))?;
    }
    out.end()
}

fn plain_value<S: Serializer>(value: &Value, serializer: S) -> Result<S::Ok, S::Error> {
    let Value::Object(map) = value else {
        return value.serialize(serializer);
    };
    let Some((tag, inner)) = map.iter().next() else {
        return serializer.serialize_unit();
    };
    match (tag.as_str(), inner) {
        ("N", Value::String(text)) => plain_number(text, serializer),
        ("NS", Value::Array(items)) => {
            let mut out = serializer.serialize_seq(Some(items.len()))?;
            for item in items {
                match item.as_str() {
                    Some(text) => out.serialize_element(&NumberText(text))?,
                    None => out.serialize_element(&())?,
                }
            }
            out.end()
        }
        ("NULL", _) => serializer.serialize_unit(),
        ("L", Value::Array(items)) => {
            let mut out = serializer.serialize_seq(Some(items.len()))?;
            for item in items {
                out.serialize_element(&Plain::Value(item))?;
            }
            out.end()
        }
        ("M", Value::Object(members)) => plain_map(members, serializer),
        // S, B, BOOL, SS and BS are already plain JSON.
        (_, inner) => inner.serialize(serializer),
    }
}

/// An `N`'s text, serialized as the number it spells (as text when it spells none).
struct NumberText<'a>(&'a str);

impl Serialize for NumberText<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        plain_number(self.0, serializer)
    }
}

fn plain_number<S: Serializer>(text: &str, serializer: S) -> Result<S::Ok, S::Error> {
    match text.parse::<serde_json::Number>() {
        Ok(number) => number.serialize(serializer),
        Err(_) => serializer.serialize_str(text),
    }
}
