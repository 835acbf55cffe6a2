//! Conversion between plain JSON and DynamoDB attribute values, both ways, exactly.
//!
//! Numbers never pass through `f64`: `serde_json` is built with `arbitrary_precision`, so a
//! [`serde_json::Number`] keeps the digits it was written with, and DynamoDB's `N` is a string.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Map, Number, Value};

mod owned;
pub(crate) mod plain_view;
pub(crate) mod render;
mod size;
pub(crate) use owned::into_attribute_map;
pub(crate) use size::held_size_of_text;
pub use size::{held_size, item_size};

/// DynamoDB's maximum nesting depth for documents (lists and maps).
pub const MAX_DEPTH: usize = 32;
/// DynamoDB's maximum number of significant digits in a number.
pub const MAX_NUMBER_DIGITS: usize = 38;
/// DynamoDB's limit on an attribute name (and a map member's name), in UTF-8 bytes: 64 KB.
pub const MAX_ATTRIBUTE_NAME_BYTES: usize = 64 * 1024;

/// A conversion failure: what is wrong, and where (a path such as `item.tags[2]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError {
    /// Where in the input the bad value is.
    pub path: String,
    /// What is wrong with it.
    pub message: String,
}

impl ValueError {
    fn new(path: &str, message: impl Into<String>) -> Self {
        Self {
            path: path.to_string(),
            message: message.into(),
        }
    }
}

/// How values are written in request JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ValueFormat {
    /// Plain JSON values.
    #[default]
    Plain,
    /// DynamoDB attribute values (`{"S": "x"}`).
    Typed,
}

/// Converts a map of request values (`{"name": value}`) into a map of attribute values.
pub fn to_attribute_map(
    map: &Map<String, Value>,
    format: ValueFormat,
    path: &str,
) -> Result<Map<String, Value>, ValueError> {
    collect_map(map.iter().map(|(name, value)| {
        let here = format!("{path}.{name}");
        if name.is_empty() {
            return Err(ValueError::new(&here, "attribute names must not be empty"));
        }
        check_name_length(name, &here)?;
        let converted = match format {
            ValueFormat::Plain => from_plain(value, &here, 1)?,
            ValueFormat::Typed => check_typed(value, &here, 1)?,
        };
        Ok((name.clone(), converted))
    }))
}

/// The members in a map, inserted one by one (the first error stops it). `collect()` into a
/// map sorts a vector of them first, with a sort compiled again for each iterator it is given,
/// where these come from a map, in order already.
fn collect_map(
    members: impl Iterator<Item = Result<(String, Value), ValueError>>,
) -> Result<Map<String, Value>, ValueError> {
    let mut map = Map::new();
    for member in members {
        let (name, value) = member?;
        map.insert(name, value);
    }
    Ok(map)
}

/// An attribute or map member name within DynamoDB's 64 KB. The path would repeat the name, so
/// the error names where it is and only the name's start.
fn check_name_length(name: &str, path: &str) -> Result<(), ValueError> {
    if name.len() <= MAX_ATTRIBUTE_NAME_BYTES {
        return Ok(());
    }
    let parent = path.strip_suffix(name).unwrap_or(path);
    let start: String = name.chars().take(16).collect();
    Err(ValueError::new(
        parent.strip_suffix('.').unwrap_or(parent),
        format!(
            "the attribute name {start:?}… is {} bytes; DynamoDB allows at most 64 KB ({MAX_ATTRIBUTE_NAME_BYTES} bytes)",
            name.len()
        ),
    ))
}

/// Plain JSON to an attribute value.
pub fn from_plain(value: &Value, path: &str, depth: usize) -> Result<Value, ValueError> {
    Ok(match value {
        Value::Null => tagged("NULL", Value::Bool(true)),
        Value::Bool(b) => tagged("BOOL", Value::Bool(*b)),
        Value::Number(n) => tagged("N", Value::String(check_number(n.as_str(), path)?)),
        Value::String(s) => tagged("S", Value::String(s.clone())),
        Value::Array(items) => {
            check_depth(path, depth)?;
            let list = items
                .iter()
                .enumerate()
                .map(|(i, v)| from_plain(v, &format!("{path}[{i}]"), depth + 1))
                .collect::<Result<Vec<_>, _>>()?;
            tagged("L", Value::Array(list))
        }
        Value::Object(map) => {
            check_depth(path, depth)?;
            let members = collect_map(map.iter().map(|(k, v)| {
                let here = format!("{path}.{k}");
                check_name_length(k, &here)?;
                Ok((k.clone(), from_plain(v, &here, depth + 1)?))
            }))?;
            tagged("M", Value::Object(members))
        }
    })
}

/// Validates a DynamoDB-typed attribute value and returns it in canonical form
/// (numbers as strings, base64 checked).
pub fn check_typed(value: &Value, path: &str, depth: usize) -> Result<Value, ValueError> {
    let Value::Object(map) = value else {
        return Err(ValueError::new(
            path,
            "a typed value must be an object with one type key such as {\"S\": \"text\"}",
        ));
    };
    let mut entries = map.iter();
    let (Some((tag, inner)), None) = (entries.next(), entries.next()) else {
        return Err(ValueError::new(
            path,
            "a typed value must have exactly one type key (S, N, B, BOOL, NULL, SS, NS, BS, L, M)",
        ));
    };
    let canonical = match tag.as_str() {
        "S" => Value::String(expect_str(inner, path)?.to_string()),
        "N" => Value::String(number_text(inner, path)?),
        "B" => Value::String(check_base64(expect_str(inner, path)?, path)?),
        "BOOL" => Value::Bool(expect_bool(inner, path)?),
        "NULL" => {
            if inner != &Value::Bool(true) {
                return Err(ValueError::new(path, "NULL must be true"));
            }
            Value::Bool(true)
        }
        "SS" => set(inner, path, |v, p| Ok(expect_str(v, p)?.to_string()))?,
        "NS" => set(inner, path, number_text)?,
        "BS" => set(inner, path, |v, p| check_base64(expect_str(v, p)?, p))?,
        "L" => check_typed_list(inner, path, depth)?,
        "M" => check_typed_map(inner, path, depth)?,
        other => {
            return Err(ValueError::new(
                path,
                format!(
                    "unknown type key {other:?} (expected S, N, B, BOOL, NULL, SS, NS, BS, L or M)"
                ),
            ));
        }
    };
    Ok(tagged(tag, canonical))
}

/// The members of an `L`, each checked one level deeper.
fn check_typed_list(inner: &Value, path: &str, depth: usize) -> Result<Value, ValueError> {
    check_depth(path, depth)?;
    let Value::Array(items) = inner else {
        return Err(ValueError::new(path, "L must be an array"));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, v)| check_typed(v, &format!("{path}[{i}]"), depth + 1))
        .collect::<Result<_, _>>()
        .map(Value::Array)
}

/// The members of an `M`, each name's length and value checked one level deeper.
fn check_typed_map(inner: &Value, path: &str, depth: usize) -> Result<Value, ValueError> {
    check_depth(path, depth)?;
    let Value::Object(members) = inner else {
        return Err(ValueError::new(path, "M must be an object"));
    };
    collect_map(members.iter().map(|(k, v)| {
        let here = format!("{path}.{k}");
        check_name_length(k, &here)?;
        Ok((k.clone(), check_typed(v, &here, depth + 1)?))
    }))
    .map(Value::Object)
}

/// Renders an attribute value (as DynamoDB returns it) as plain JSON:
/// N becomes a JSON number with the same digits, B base64 text, sets arrays.
pub fn to_plain(value: &Value) -> Value {
    let Value::Object(map) = value else {
        return value.clone();
    };
    let Some((tag, inner)) = map.iter().next() else {
        return Value::Null;
    };
    match (tag.as_str(), inner) {
        ("N", Value::String(s)) => plain_number(s),
        ("NS", Value::Array(items)) => Value::Array(
            items
                .iter()
                .map(|v| v.as_str().map_or(Value::Null, plain_number))
                .collect(),
        ),
        ("NULL", _) => Value::Null,
        ("L", Value::Array(items)) => Value::Array(items.iter().map(to_plain).collect()),
        ("M", Value::Object(members)) => Value::Object(plain_map(members)),
        // S, B, BOOL, SS and BS are already plain JSON.
        (_, inner) => inner.clone(),
    }
}

/// [`to_plain`] over every attribute of an item.
pub fn plain_map(item: &Map<String, Value>) -> Map<String, Value> {
    let mut plain = Map::new();
    for (name, value) in item {
        plain.insert(name.clone(), to_plain(value));
    }
    plain
}

fn plain_number(text: &str) -> Value {
    // DynamoDB only returns valid numbers; keep the text if it were ever not one.
    text.parse::<Number>()
        .map_or_else(|_| Value::String(text.to_string()), Value::Number)
}

fn tagged(tag: &str, value: Value) -> Value {
    let mut map = Map::with_capacity(1);
    map.insert(tag.to_string(), value);
    Value::Object(map)
}

fn check_depth(path: &str, depth: usize) -> Result<(), ValueError> {
    if depth > MAX_DEPTH {
        return Err(ValueError::new(
            path,
            format!("nesting exceeds DynamoDB's limit of {MAX_DEPTH} levels"),
        ));
    }
    Ok(())
}

fn expect_str<'a>(value: &'a Value, path: &str) -> Result<&'a str, ValueError> {
    value
        .as_str()
        .ok_or_else(|| ValueError::new(path, "expected a string"))
}

fn expect_bool(value: &Value, path: &str) -> Result<bool, ValueError> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s == "true" => Ok(true),
        Value::String(s) if s == "false" => Ok(false),
        _ => Err(ValueError::new(path, "expected a boolean")),
    }
}

/// A number given as a JSON number or as a string, checked against DynamoDB's rules.
fn number_text(value: &Value, path: &str) -> Result<String, ValueError> {
    match value {
        Value::Number(n) => check_number(n.as_str(), path),
        Value::String(s) => check_number(s, path),
        _ => Err(ValueError::new(path, "expected a number")),
    }
}

fn set<F>(value: &Value, path: &str, element: F) -> Result<Value, ValueError>
where
    F: Fn(&Value, &str) -> Result<String, ValueError>,
{
    let Value::Array(items) = value else {
        return Err(ValueError::new(path, "a set must be an array"));
    };
    if items.is_empty() {
        return Err(ValueError::new(path, "DynamoDB does not allow empty sets"));
    }
    let mut seen = std::collections::HashSet::with_capacity(items.len());
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let here = format!("{path}[{i}]");
        let text = element(item, &here)?;
        if !seen.insert(text.clone()) {
            return Err(ValueError::new(&here, "sets must not contain duplicates"));
        }
        out.push(Value::String(text));
    }
    Ok(Value::Array(out))
}

fn check_base64(text: &str, path: &str) -> Result<String, ValueError> {
    BASE64
        .decode(text)
        .map_err(|e| ValueError::new(path, format!("invalid base64: {e}")))?;
    Ok(text.to_string())
}

/// Checks a decimal number against DynamoDB's rules: at most 38 significant digits,
/// magnitude between 1E-130 and 9.9999999999999999999999999999999999999E+125 (or zero).
/// Returns the text unchanged, so every digit reaches DynamoDB as written.
pub fn check_number(text: &str, path: &str) -> Result<String, ValueError> {
    let invalid = || ValueError::new(path, format!("{text:?} is not a valid number"));
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (
            &unsigned[..at],
            unsigned[at + 1..].parse::<i64>().map_err(|_| invalid())?,
        ),
        None => (unsigned, 0),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int_part.is_empty() && frac_part.is_empty())
        || !all_digits(int_part)
        || !all_digits(frac_part)
    {
        return Err(invalid());
    }
    let digits: String = [int_part, frac_part].concat();
    let Some(first) = digits.find(|c| c != '0') else {
        return Ok(text.to_string()); // zero
    };
    let significant = digits.trim_end_matches('0').len() - first;
    if significant > MAX_NUMBER_DIGITS {
        return Err(ValueError::new(
            path,
            format!(
                "{text:?} has {significant} significant digits; DynamoDB allows {MAX_NUMBER_DIGITS}"
            ),
        ));
    }
    // Decimal exponent of the leading significant digit: value = 0.d1d2... × 10^(magnitude).
    let magnitude = int_part.len() as i64 - first as i64 + exponent;
    if !(-129..=126).contains(&magnitude) {
        return Err(ValueError::new(
            path,
            format!("{text:?} is out of DynamoDB's number range (1E-130 to 9.99E+125)"),
        ));
    }
    Ok(text.to_string())
}

#[cfg(test)]
#[path = "value_tests.rs"]
mod tests;
