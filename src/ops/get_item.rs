//! getItem: GetItem; answers the item, or `null`.

use serde_json::{Map, Value};

use super::consumed_capacity::{
    RETURN_CONSUMED_CAPACITY, ReturnConsumedCapacity, Shape, with_consumed_capacity,
};
use super::{Context, Operation, Outcome, ReadOperation, set, table_body};
use crate::error::ConnectorError;
use crate::input::Fields;
use crate::input::field;
use crate::value::ValueFormat;

/// Input of getItem.
#[derive(Debug, Clone, PartialEq)]
pub struct GetItem {
    /// Table name.
    pub table_name: String,
    /// Primary key.
    pub key: Map<String, Value>,
    /// Projection expression.
    pub projection_expression: Option<String>,
    /// `#name` placeholders.
    pub expression_attribute_names: Option<Map<String, Value>>,
    /// Strongly consistent read.
    pub consistent_read: Option<bool>,
    /// `ReturnConsumedCapacity`.
    pub return_consumed_capacity: Option<ReturnConsumedCapacity>,
}

impl ReadOperation for GetItem {
    const NAME: &'static str = "getItem";

    const FIELDS: &'static [&'static [&'static str]] = &[&[
        field::TABLE_NAME,
        field::PRIMARY_KEY_COMPONENTS,
        field::PROJECTION_EXPRESSION,
        field::EXPRESSION_ATTRIBUTE_NAMES,
        field::CONSISTENT_READ,
        RETURN_CONSUMED_CAPACITY,
    ]];

    fn read(input: Fields, format: ValueFormat) -> Result<Self, ConnectorError> {
        Ok(Self {
            table_name: input.table_name(field::TABLE_NAME)?,
            key: input.primary_key(field::PRIMARY_KEY_COMPONENTS, format)?,
            projection_expression: input.expression(field::PROJECTION_EXPRESSION)?,
            expression_attribute_names: input.attribute_names(field::EXPRESSION_ATTRIBUTE_NAMES)?,
            consistent_read: input.bool(field::CONSISTENT_READ)?,
            return_consumed_capacity: ReturnConsumedCapacity::read(input)?,
        })
    }
}

impl GetItem {
    /// The GetItem body, built by moving clones in (`json!` would re-serialize value by value).
    pub fn body(&self) -> Value {
        let mut body = table_body(&self.table_name, "Key", Value::Object(self.key.clone()));
        set(
            &mut body,
            "ProjectionExpression",
            &self.projection_expression,
        );
        set(
            &mut body,
            "ExpressionAttributeNames",
            &self.expression_attribute_names,
        );
        set(&mut body, "ConsistentRead", &self.consistent_read);
        ReturnConsumedCapacity::apply(self.return_consumed_capacity, &mut body);
        body
    }
}

impl Operation for GetItem {
    fn run(&self, context: &mut Context<'_>) -> Result<Outcome, ConnectorError> {
        let mut answer = context.call("GetItem", &self.body())?;
        let outcome = Outcome::new(context.item(answer["Item"].take()));
        let asked = self.return_consumed_capacity;
        Ok(with_consumed_capacity(
            outcome,
            asked,
            context,
            Shape::OneTable,
        ))
    }
}
