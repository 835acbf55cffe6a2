//! transactGetItems: TransactGetItems; answers the items, in the order asked.

use serde_json::{Value, json};

use super::transact_items::read_transact_items;
use super::{Context, Operation, Outcome, ReadOperation};
use crate::error::ConnectorError;
use crate::input::Fields;
use crate::value::ValueFormat;

/// Input of transactGetItems.
#[derive(Debug, Clone, PartialEq)]
pub struct TransactGetItems {
    /// Up to 100 Get items, in DynamoDB's shape.
    pub items: Vec<Value>,
}

impl ReadOperation for TransactGetItems {
    const FIELDS: &'static [&'static [&'static str]] = &[&["transactItems"]];

    fn read(input: Fields, format: ValueFormat) -> Result<Self, ConnectorError> {
        Ok(Self {
            items: read_transact_items(input, format, false)?,
        })
    }
}

impl Operation for TransactGetItems {
    fn run(&self, context: &mut Context<'_>) -> Result<Outcome, ConnectorError> {
        let mut answer =
            context.call("TransactGetItems", &json!({ "TransactItems": self.items }))?;
        let found = match answer["Responses"].take() {
            Value::Array(responses) => responses
                .into_iter()
                // Indexed by `get_mut`: a response that is not an object must not panic.
                .map(|mut r| r.get_mut("Item").map(Value::take).unwrap_or_default())
                .collect(),
            _ => Vec::new(),
        };
        Ok(Outcome::new(json!({ "items": context.items(found) })))
    }
}
