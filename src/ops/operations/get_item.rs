//! getItem: GetItem; answers the item, or `null`.

use serde_json::{Map, Value};

use crate::error::ConnectorError;
use crate::input::Fields;
use crate::input::field;
use crate::ops::engines::consumed_capacity::{Shape, with_consumed_capacity};
use crate::ops::engines::item_bodies::get_item_body;
use crate::ops::engines::read_options::ReadOptions;
use crate::ops::{Context, Operation, Outcome, ReadOperation};
use crate::value::ValueFormat;

/// Input of getItem.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GetItem {
    /// Table name.
    pub table_name: String,
    /// Primary key.
    pub key: Map<String, Value>,
    /// Projection, its placeholders, consistency, consumed capacity.
    pub options: ReadOptions,
}

impl ReadOperation for GetItem {
    const NAME: &'static str = "getItem";

    const FIELDS: &'static [&'static [&'static str]] = &[&[
        field::TABLE_NAME,
        field::PRIMARY_KEY_COMPONENTS,
        field::PROJECTION_EXPRESSION,
        field::EXPRESSION_ATTRIBUTE_NAMES,
        field::CONSISTENT_READ,
        field::RETURN_CONSUMED_CAPACITY,
    ]];

    fn read(input: Fields, format: ValueFormat) -> Result<Self, ConnectorError> {
        Ok(Self {
            table_name: input.table_name(field::TABLE_NAME)?,
            key: input.primary_key(field::PRIMARY_KEY_COMPONENTS, format)?,
            options: ReadOptions::read(input, format)?,
        })
    }
}

impl Operation for GetItem {
    fn run(&self, context: &mut Context<'_>) -> Result<Outcome, ConnectorError> {
        let body = get_item_body(&self.table_name, &self.key, &self.options)?;
        let item = context.call_for_item("GetItem", body, "Item")?;
        let outcome = Outcome::with_response(item);
        let asked = self.options.return_consumed_capacity;
        Ok(with_consumed_capacity(
            outcome,
            asked,
            context,
            Shape::OneTable,
        ))
    }
}
