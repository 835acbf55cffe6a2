//! Transaction items: the `transactItems` list of transactWriteItems and transactGetItems, each
//! entry turned into DynamoDB's TransactItem.

use serde_json::{Map, Value};

use crate::error::ConnectorError;
use crate::input::Fields;
use crate::input::fields::check_item_size;
use crate::value::ValueFormat;

/// DynamoDB's limit on transaction items.
pub const MAX_TRANSACTION_ITEMS: usize = 100;

/// The kinds of entry a write transaction takes, and the one a read transaction takes.
const WRITE_KINDS: &[&str] = &["put", "update", "delete", "conditionCheck"];
const READ_KINDS: &[&str] = &["get"];

/// `transactItems`: a list of `{"put" | "update" | "delete" | "conditionCheck": {...}}` (writes)
/// or `{"get": {...}}` (reads), each turned into DynamoDB's TransactItem.
pub fn read_transact_items(
    input: Fields,
    format: ValueFormat,
    write: bool,
) -> Result<Vec<Value>, ConnectorError> {
    let list = input
        .list("transactItems")?
        .ok_or_else(|| input.error("transactItems", "is required"))?;
    if list.is_empty() || list.len() > MAX_TRANSACTION_ITEMS {
        return Err(input.error(
            "transactItems",
            format!("must hold 1 to {MAX_TRANSACTION_ITEMS} items (DynamoDB's transaction limit); it holds {}", list.len()),
        ));
    }
    let base = input.field("transactItems");
    let kinds = if write { WRITE_KINDS } else { READ_KINDS };
    list.iter()
        .enumerate()
        .map(|(i, entry)| {
            let path = format!("{base}[{i}]");
            let Value::Object(entry) = entry else {
                return Err(ConnectorError::config(path, "must be an object"));
            };
            let fields = Fields::new(entry, &path);
            fields.reject_unknown(kinds)?;
            let (kind, spec) = match entry.iter().next() {
                Some((kind, Value::Object(spec))) if entry.len() == 1 => (kind.as_str(), spec),
                _ => {
                    return Err(ConnectorError::config(
                        path,
                        format!("must hold exactly one of {}", kinds.join(", ")),
                    ));
                }
            };
            let spec_path = fields.field(kind);
            transact_item(kind, Fields::new(spec, &spec_path), format)
        })
        .collect()
}

/// DynamoDB's name of an entry kind, and the fields it takes besides the common ones.
fn kind_fields(kind: &str) -> (&'static str, &'static [&'static str]) {
    const CONDITION: &[&str] = &[
        "key",
        "primaryKeyComponents",
        "conditionExpression",
        "returnValuesOnConditionCheckFailure",
    ];
    match kind {
        "put" => (
            "Put",
            &[
                "item",
                "conditionExpression",
                "returnValuesOnConditionCheckFailure",
            ],
        ),
        "update" => (
            "Update",
            &[
                "key",
                "primaryKeyComponents",
                "updateExpression",
                "conditionExpression",
                "returnValuesOnConditionCheckFailure",
            ],
        ),
        "delete" => ("Delete", CONDITION),
        "conditionCheck" => ("ConditionCheck", CONDITION),
        _ => (
            "Get",
            &["key", "primaryKeyComponents", "projectionExpression"],
        ),
    }
}

fn transact_item(kind: &str, spec: Fields, format: ValueFormat) -> Result<Value, ConnectorError> {
    let key_field = if spec.has("primaryKeyComponents") {
        "primaryKeyComponents"
    } else {
        "key"
    };
    let mut body = Map::new();
    body.insert(
        "TableName".into(),
        Value::String(spec.table_name("tableName")?),
    );
    let (dynamo_kind, extra) = kind_fields(kind);
    let mut known = vec![
        "tableName",
        "expressionAttributeNames",
        "expressionAttributeValues",
    ];
    known.extend_from_slice(extra);
    spec.reject_unknown(&known)?;
    match kind {
        "put" => {
            let item = spec.required_attributes("item", format)?;
            check_item_size(&item, &spec.field("item"))?;
            body.insert("Item".into(), Value::Object(item));
        }
        _ => {
            body.insert(
                "Key".into(),
                Value::Object(spec.primary_key(key_field, format)?),
            );
        }
    }
    if kind == "update" {
        let expression = spec
            .expression("updateExpression")?
            .ok_or_else(|| spec.error("updateExpression", "is required"))?;
        body.insert("UpdateExpression".into(), Value::String(expression));
    }
    if kind == "conditionCheck" && !spec.has("conditionExpression") {
        return Err(spec.error("conditionExpression", "is required"));
    }
    put_expressions(&mut body, spec, format)?;
    Ok(serde_json::json!({ dynamo_kind: body }))
}

/// The condition, projection, placeholders and return values an entry may carry.
fn put_expressions(
    body: &mut Map<String, Value>,
    spec: Fields,
    format: ValueFormat,
) -> Result<(), ConnectorError> {
    if let Some(condition) = spec.expression("conditionExpression")? {
        body.insert("ConditionExpression".into(), Value::String(condition));
    }
    if let Some(projection) = spec.expression("projectionExpression")? {
        body.insert("ProjectionExpression".into(), Value::String(projection));
    }
    if let Some(names) = spec.attribute_names("expressionAttributeNames")? {
        body.insert("ExpressionAttributeNames".into(), Value::Object(names));
    }
    if let Some(values) = spec.attribute_values("expressionAttributeValues", format)? {
        body.insert("ExpressionAttributeValues".into(), Value::Object(values));
    }
    if let Some(v) = spec.non_empty_string("returnValuesOnConditionCheckFailure")? {
        if !v.eq_ignore_ascii_case("ALL_OLD") && !v.eq_ignore_ascii_case("NONE") {
            return Err(spec.error(
                "returnValuesOnConditionCheckFailure",
                "must be ALL_OLD or NONE",
            ));
        }
        body.insert(
            "ReturnValuesOnConditionCheckFailure".into(),
            Value::String(v.to_ascii_uppercase()),
        );
    }
    Ok(())
}
