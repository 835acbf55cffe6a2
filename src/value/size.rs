//! What a value weighs: in memory once parsed, and as DynamoDB counts an item.

use serde_json::{Map, Value};

use super::render::{NUMBER_TOKEN, Text};

/// A `Value` and its allocation overhead.
const NODE: usize = 64;
/// A map entry: its key `String`, index slot and hash, with the map's spare capacity.
const ENTRY: usize = 160;

/// The memory a parsed JSON value holds, estimated high: every node, map entry and string.
/// Paging bounds what it keeps by this, not by DynamoDB's item size, which for small items is a
/// fraction of their parsed form (an item of 100 bytes holds over 1 KB as a `Value`).
pub fn held_size(value: &Value) -> usize {
    NODE + match value {
        Value::String(s) => s.len(),
        Value::Array(items) => items.iter().map(held_size).sum(),
        Value::Object(map) => map
            .iter()
            .map(|(name, value)| ENTRY + name.len() + held_size(value))
            .sum(),
        _ => 0,
    }
}

/// The size DynamoDB counts for an item (attribute names plus values), for the 400 KB limit.
pub fn item_size(item: &Map<String, Value>) -> usize {
    item.iter()
        .map(|(name, value)| name.len() + value_size(value))
        .sum()
}

fn value_size(value: &Value) -> usize {
    let Some((tag, inner)) = value.as_object().and_then(|m| m.iter().next()) else {
        return 0;
    };
    let number_size = |text: &str| {
        let digits = text.bytes().filter(u8::is_ascii_digit).count();
        digits.div_ceil(2) + 1
    };
    let binary_size = |text: &str| text.len() / 4 * 3;
    match (tag.as_str(), inner) {
        ("S", Value::String(s)) => s.len(),
        ("N", Value::String(n)) => number_size(n),
        ("B", Value::String(b)) => binary_size(b),
        ("SS", Value::Array(items)) => items.iter().filter_map(Value::as_str).map(str::len).sum(),
        ("NS", Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(number_size)
            .sum(),
        ("BS", Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(binary_size)
            .sum(),
        ("L", Value::Array(items)) => 3 + items.iter().map(|v| 1 + value_size(v)).sum::<usize>(),
        ("M", Value::Object(members)) => {
            3 + members
                .iter()
                .map(|(k, v)| 1 + k.len() + value_size(v))
                .sum::<usize>()
        }
        _ => 1, // BOOL, NULL
    }
}

/// [`held_size`] of the value JSON text `text` holds, without parsing it into one; `None` for
/// text that is not JSON, or holds a number (never in a typed item's text).
pub(crate) fn held_size_of_text(text: &str) -> Option<usize> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let size = serde::Deserializer::deserialize_any(&mut deserializer, Held).ok()?;
    deserializer.end().ok()?;
    Some(size)
}

/// Weighs a value as [`held_size`] does, as it is read.
struct Held;

impl<'de> serde::de::Visitor<'de> for Held {
    type Value = usize;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<usize, E> {
        Ok(NODE)
    }

    fn visit_unit<E>(self) -> Result<usize, E> {
        Ok(NODE)
    }

    fn visit_str<E>(self, text: &str) -> Result<usize, E> {
        Ok(NODE + text.len())
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        let mut size = NODE;
        while let Some(element) = seq.next_element_seed(HeldSeed)? {
            size += element;
        }
        Ok(size)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<usize, A::Error> {
        let mut size = NODE;
        while let Some(name) = map.next_key_seed(Text)? {
            if name == NUMBER_TOKEN {
                return Err(serde::de::Error::custom("a number"));
            }
            size += ENTRY + name.len() + map.next_value_seed(HeldSeed)?;
        }
        Ok(size)
    }
}

struct HeldSeed;

impl<'de> serde::de::DeserializeSeed<'de> for HeldSeed {
    type Value = usize;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_any(Held)
    }
}
