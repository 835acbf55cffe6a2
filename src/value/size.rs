//! What a value weighs: in memory once parsed, and as DynamoDB counts an item.

use serde_json::{Map, Value};

/// The memory a parsed JSON value holds, estimated high: every node, map entry and string.
/// Paging bounds what it keeps by this, not by DynamoDB's item size, which for small items is a
/// fraction of their parsed form (an item of 100 bytes holds over 1 KB as a `Value`).
pub fn held_size(value: &Value) -> usize {
    /// A `Value` and its allocation overhead.
    const NODE: usize = 64;
    /// A map entry: its key `String`, index slot and hash, with the map's spare capacity.
    const ENTRY: usize = 160;
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
