//! What addItem, updateItem and deleteItem share: a condition, its placeholders, and what
//! to return (values and consumed capacity).

use serde_json::{Map, Value};

use super::consumed_capacity::ReturnConsumedCapacity;
use crate::error::ConnectorError;
use crate::input::Fields;
use crate::input::field;
use crate::value::ValueFormat;

/// The `input` fields of a conditional write.
pub(crate) const WRITE_OPTION_FIELDS: &[&str] = &[
    field::CONDITION_EXPRESSION,
    field::EXPRESSION_ATTRIBUTE_NAMES,
    field::EXPRESSION_ATTRIBUTE_VALUES,
    field::RETURN_VALUES,
    field::RETURN_VALUES_ON_CONDITION_CHECK_FAILURE,
    field::RETURN_CONSUMED_CAPACITY,
];

/// The `ReturnValues` PutItem and DeleteItem take (UpdateItem takes more).
pub(crate) const RETURN_OLD_VALUES: &[&str] = &["NONE", "ALL_OLD"];

/// A condition on a write, with its placeholders and what to return.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct WriteOptions {
    /// Condition expression.
    pub condition_expression: Option<String>,
    /// `#name` placeholders (shared with an update expression).
    pub expression_attribute_names: Option<Map<String, Value>>,
    /// `:value` placeholders (shared with an update expression).
    pub expression_attribute_values: Option<Map<String, Value>>,
    /// `ReturnValues`.
    pub return_values: Option<String>,
    /// Whether a failed condition returns the item (`ALL_OLD`).
    pub return_item_on_condition_failure: bool,
    /// `ReturnConsumedCapacity`.
    pub return_consumed_capacity: Option<ReturnConsumedCapacity>,
}

/// Reads a write's options; `returnValues` must be one of `allowed` (any case).
pub(crate) fn read_write_options(
    input: Fields,
    format: ValueFormat,
    allowed: &[&str],
) -> Result<WriteOptions, ConnectorError> {
    let return_values = match input.non_empty_string(field::RETURN_VALUES)? {
        Some(v) => match allowed.iter().find(|a| a.eq_ignore_ascii_case(&v)) {
            Some(a) => Some(a.to_string()),
            None => {
                return Err(input.error(
                    field::RETURN_VALUES,
                    format!("must be one of {}", allowed.join(", ")),
                ));
            }
        },
        None => None,
    };
    let on_failure =
        match input.non_empty_string(field::RETURN_VALUES_ON_CONDITION_CHECK_FAILURE)? {
            None => false,
            Some(v) if v.eq_ignore_ascii_case("ALL_OLD") => true,
            Some(v) if v.eq_ignore_ascii_case("NONE") => false,
            Some(_) => {
                return Err(input.error(
                    field::RETURN_VALUES_ON_CONDITION_CHECK_FAILURE,
                    "must be ALL_OLD or NONE",
                ));
            }
        };
    Ok(WriteOptions {
        condition_expression: input.expression(field::CONDITION_EXPRESSION)?,
        expression_attribute_names: input.attribute_names(field::EXPRESSION_ATTRIBUTE_NAMES)?,
        expression_attribute_values: input
            .attribute_values(field::EXPRESSION_ATTRIBUTE_VALUES, format)?,
        return_values,
        return_item_on_condition_failure: on_failure,
        return_consumed_capacity: ReturnConsumedCapacity::read(input)?,
    })
}

/// Adds a write's condition, placeholders and return values to a tree; `default_return` applies
/// when the request names none. The bodies are written without a tree
/// ([`super::item_bodies`]); their tests compare them with the tree this gives.
#[cfg(test)]
pub(crate) fn apply_write_options(
    body: &mut Value,
    options: &WriteOptions,
    default_return: Option<&str>,
) {
    use crate::ops::set;
    use serde_json::json;
    set(body, "ConditionExpression", &options.condition_expression);
    set(
        body,
        "ExpressionAttributeNames",
        &options.expression_attribute_names,
    );
    set(
        body,
        "ExpressionAttributeValues",
        &options.expression_attribute_values,
    );
    set(
        body,
        "ReturnValues",
        &options.return_values.as_deref().or(default_return),
    );
    if options.return_item_on_condition_failure {
        body["ReturnValuesOnConditionCheckFailure"] = json!("ALL_OLD");
    }
    ReturnConsumedCapacity::apply(options.return_consumed_capacity, body);
}
