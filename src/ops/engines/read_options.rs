//! What getItem, query, scanTable and each table of batchGetItems share: the projection, its
//! placeholders, consistency, and what to return (consumed capacity); query and scanTable also
//! filter and select. One reader and one setter chain for their bodies.

use serde_json::{Map, Value};

use crate::error::ConnectorError;
use crate::input::{Fields, field};
use crate::ops::engines::consumed_capacity::ReturnConsumedCapacity;
use crate::ops::set;
use crate::value::ValueFormat;

/// DynamoDB's `Select` values; `select` takes them in any case.
const SELECT: &[&str] = &[
    "ALL_ATTRIBUTES",
    "ALL_PROJECTED_ATTRIBUTES",
    "SPECIFIC_ATTRIBUTES",
    "COUNT",
];

/// The options of a read. An operation's `FIELDS` say which it takes: a field it does not
/// list is rejected before it is read, so it stays `None` here.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct ReadOptions {
    /// Filter expression (query, scanTable).
    pub(crate) filter_expression: Option<String>,
    /// Projection expression.
    pub(crate) projection_expression: Option<String>,
    /// `#name` placeholders.
    pub(crate) expression_attribute_names: Option<Map<String, Value>>,
    /// `:value` placeholders, as attribute values (query, scanTable).
    pub(crate) expression_attribute_values: Option<Map<String, Value>>,
    /// Strongly consistent reads.
    pub(crate) consistent_read: Option<bool>,
    /// `Select` (ALL_ATTRIBUTES, COUNT, ...) (query, scanTable).
    pub(crate) select: Option<String>,
    /// `ReturnConsumedCapacity` (summed over the pages).
    pub(crate) return_consumed_capacity: Option<ReturnConsumedCapacity>,
}

impl ReadOptions {
    /// Reads the options, in this order: filter, projection, names, values, consistency,
    /// select, consumed capacity.
    pub(crate) fn read(input: Fields, format: ValueFormat) -> Result<Self, ConnectorError> {
        Ok(Self {
            filter_expression: input.expression(field::FILTER_EXPRESSION)?,
            projection_expression: input.expression(field::PROJECTION_EXPRESSION)?,
            expression_attribute_names: input.attribute_names(field::EXPRESSION_ATTRIBUTE_NAMES)?,
            expression_attribute_values: input
                .attribute_values(field::EXPRESSION_ATTRIBUTE_VALUES, format)?,
            consistent_read: input.bool(field::CONSISTENT_READ)?,
            select: read_select(input)?,
            return_consumed_capacity: ReturnConsumedCapacity::read(input)?,
        })
    }

    /// Sets each option given on a GetItem, Query or Scan `body` (or a BatchGetItem table's).
    pub(crate) fn apply(&self, body: &mut Value) {
        set(body, "FilterExpression", &self.filter_expression);
        set(body, "ProjectionExpression", &self.projection_expression);
        set(
            body,
            "ExpressionAttributeNames",
            &self.expression_attribute_names,
        );
        set(
            body,
            "ExpressionAttributeValues",
            &self.expression_attribute_values,
        );
        set(body, "ConsistentRead", &self.consistent_read);
        set(body, "Select", &self.select);
        ReturnConsumedCapacity::apply(self.return_consumed_capacity, body);
    }
}

/// `select`: one of DynamoDB's `Select` values, any case.
fn read_select(input: Fields) -> Result<Option<String>, ConnectorError> {
    match input.non_empty_string(field::SELECT)? {
        Some(s) => match SELECT.iter().find(|v| v.eq_ignore_ascii_case(&s)) {
            Some(v) => Ok(Some(v.to_string())),
            None => Err(input.error(
                field::SELECT,
                format!("must be one of {}", SELECT.join(", ")),
            )),
        },
        None => Ok(None),
    }
}
