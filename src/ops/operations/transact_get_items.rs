//! transactGetItems: TransactGetItems; answers the items, in the order asked.

use serde_json::{Value, json};

use crate::error::ConnectorError;
use crate::input::Fields;
use crate::input::field;
use crate::ops::engines::consumed_capacity::{
    ReturnConsumedCapacity, Shape, with_consumed_capacity,
};
use crate::ops::engines::transact_items::read_transact_items;
use crate::ops::{Context, Operation, Outcome, ReadOperation};
use crate::value::ValueFormat;

/// Input of transactGetItems.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TransactGetItems {
    /// Up to 100 Get items, in DynamoDB's shape.
    pub items: Vec<Value>,
    /// `ReturnConsumedCapacity` (per table).
    pub return_consumed_capacity: Option<ReturnConsumedCapacity>,
}

impl ReadOperation for TransactGetItems {
    const NAME: &'static str = "transactGetItems";

    const FIELDS: &'static [&'static [&'static str]] =
        &[&[field::TRANSACT_ITEMS, field::RETURN_CONSUMED_CAPACITY]];

    fn read(input: Fields, format: ValueFormat) -> Result<Self, ConnectorError> {
        Ok(Self {
            items: read_transact_items(input, format, false)?,
            return_consumed_capacity: ReturnConsumedCapacity::read(input)?,
        })
    }
}

impl Operation for TransactGetItems {
    fn run(&self, context: &mut Context<'_>) -> Result<Outcome, ConnectorError> {
        let mut body = json!({ "TransactItems": self.items });
        ReturnConsumedCapacity::apply(self.return_consumed_capacity, &mut body);
        let mut answer = context.call("TransactGetItems", &body)?;
        let found = match answer["Responses"].take() {
            Value::Array(responses) => responses
                .into_iter()
                // Indexed by `get_mut`: a response that is not an object must not panic.
                .map(|mut r| r.get_mut("Item").map(Value::take).unwrap_or_default())
                .collect(),
            _ => Vec::new(),
        };
        let outcome = Outcome::new(json!({ "items": context.items(found) }));
        let asked = self.return_consumed_capacity;
        Ok(with_consumed_capacity(
            outcome,
            asked,
            context,
            Shape::PerTable,
        ))
    }
}
