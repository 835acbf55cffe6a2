//! Transaction items: the `transactItems` list of transactWriteItems and transactGetItems, each
//! entry turned into DynamoDB's TransactItem.

use serde_json::{Map, Value};

use crate::error::ConnectorError;
use crate::input::Fields;
use crate::input::field;
use crate::input::fields::check_item_size;
use crate::value::ValueFormat;

/// DynamoDB's limit on transaction items.
pub(crate) const MAX_TRANSACTION_ITEMS: usize = 100;

/// The kinds of entry a write transaction takes, and the one a read transaction takes.
const WRITE_KINDS: &[&str] = &[
    field::PUT,
    field::UPDATE,
    field::DELETE,
    field::CONDITION_CHECK,
];
const READ_KINDS: &[&str] = &[field::GET];

/// `transactItems`: a list of `{"put" | "update" | "delete" | "conditionCheck": {...}}` (writes)
/// or `{"get": {...}}` (reads), each turned into DynamoDB's TransactItem.
pub(crate) fn read_transact_items(
    input: Fields,
    format: ValueFormat,
    write: bool,
) -> Result<Vec<Value>, ConnectorError> {
    let list = input
        .list(field::TRANSACT_ITEMS)?
        .ok_or_else(|| input.error(field::TRANSACT_ITEMS, "is required"))?;
    if list.is_empty() || list.len() > MAX_TRANSACTION_ITEMS {
        return Err(input.error(
            field::TRANSACT_ITEMS,
            format!("must hold 1 to {MAX_TRANSACTION_ITEMS} items (DynamoDB's transaction limit); it holds {}", list.len()),
        ));
    }
    let base = input.field(field::TRANSACT_ITEMS);
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
        field::KEY,
        field::PRIMARY_KEY_COMPONENTS,
        field::CONDITION_EXPRESSION,
        field::RETURN_VALUES_ON_CONDITION_CHECK_FAILURE,
    ];
    match kind {
        field::PUT => (
            "Put",
            &[
                field::ITEM,
                field::CONDITION_EXPRESSION,
                field::RETURN_VALUES_ON_CONDITION_CHECK_FAILURE,
            ],
        ),
        field::UPDATE => (
            "Update",
            &[
                field::KEY,
                field::PRIMARY_KEY_COMPONENTS,
                field::UPDATE_EXPRESSION,
                field::CONDITION_EXPRESSION,
                field::RETURN_VALUES_ON_CONDITION_CHECK_FAILURE,
            ],
        ),
        field::DELETE => ("Delete", CONDITION),
        field::CONDITION_CHECK => ("ConditionCheck", CONDITION),
        _ => (
            "Get",
            &[
                field::KEY,
                field::PRIMARY_KEY_COMPONENTS,
                field::PROJECTION_EXPRESSION,
            ],
        ),
    }
}

fn transact_item(kind: &str, spec: Fields, format: ValueFormat) -> Result<Value, ConnectorError> {
    let key_field = if spec.has(field::PRIMARY_KEY_COMPONENTS) {
        field::PRIMARY_KEY_COMPONENTS
    } else {
        field::KEY
    };
    let mut body = Map::new();
    body.insert(
        "TableName".into(),
        Value::String(spec.table_name(field::TABLE_NAME)?),
    );
    let (dynamo_kind, extra) = kind_fields(kind);
    let mut known = vec![
        field::TABLE_NAME,
        field::EXPRESSION_ATTRIBUTE_NAMES,
        field::EXPRESSION_ATTRIBUTE_VALUES,
    ];
    known.extend_from_slice(extra);
    spec.reject_unknown(&known)?;
    match kind {
        field::PUT => {
            let item = spec.required_attributes(field::ITEM, format)?;
            check_item_size(&item, &spec.field(field::ITEM))?;
            body.insert("Item".into(), Value::Object(item));
        }
        _ => {
            body.insert(
                "Key".into(),
                Value::Object(spec.primary_key(key_field, format)?),
            );
        }
    }
    if kind == field::UPDATE {
        let expression = spec
            .expression(field::UPDATE_EXPRESSION)?
            .ok_or_else(|| spec.error(field::UPDATE_EXPRESSION, "is required"))?;
        body.insert("UpdateExpression".into(), Value::String(expression));
    }
    if kind == field::CONDITION_CHECK && !spec.has(field::CONDITION_EXPRESSION) {
        return Err(spec.error(field::CONDITION_EXPRESSION, "is required"));
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
    if let Some(condition) = spec.expression(field::CONDITION_EXPRESSION)? {
        body.insert("ConditionExpression".into(), Value::String(condition));
    }
    if let Some(projection) = spec.expression(field::PROJECTION_EXPRESSION)? {
        body.insert("ProjectionExpression".into(), Value::String(projection));
    }
    if let Some(names) = spec.attribute_names(field::EXPRESSION_ATTRIBUTE_NAMES)? {
        body.insert("ExpressionAttributeNames".into(), Value::Object(names));
    }
    if let Some(values) = spec.attribute_values(field::EXPRESSION_ATTRIBUTE_VALUES, format)? {
        body.insert("ExpressionAttributeValues".into(), Value::Object(values));
    }
    if let Some(v) = spec.non_empty_string(field::RETURN_VALUES_ON_CONDITION_CHECK_FAILURE)? {
        if !v.eq_ignore_ascii_case("ALL_OLD") && !v.eq_ignore_ascii_case("NONE") {
            return Err(spec.error(
                field::RETURN_VALUES_ON_CONDITION_CHECK_FAILURE,
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
