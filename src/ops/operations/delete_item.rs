//! deleteItem: DeleteItem; answers the deleted item, or `null` when there was none.

use serde_json::{Map, Value};

use crate::error::ConnectorError;
use crate::input::Fields;
use crate::input::field;
use crate::ops::engines::consumed_capacity::{Shape, with_consumed_capacity};
use crate::ops::engines::item_bodies::delete_item_body;
use crate::ops::engines::write_options::{
    RETURN_OLD_VALUES, WRITE_OPTION_FIELDS, WriteOptions, read_write_options,
};
use crate::ops::{Context, Operation, Outcome, ReadOperation};
use crate::value::ValueFormat;

/// Input of deleteItem.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DeleteItem {
    /// Table name.
    pub table_name: String,
    /// Primary key.
    pub key: Map<String, Value>,
    /// Condition and return values.
    pub options: WriteOptions,
}

impl ReadOperation for DeleteItem {
    const NAME: &'static str = "deleteItem";

    const FIELDS: &'static [&'static [&'static str]] = &[
        &[field::TABLE_NAME, field::PRIMARY_KEY_COMPONENTS],
        WRITE_OPTION_FIELDS,
    ];

    fn read(input: Fields, format: ValueFormat) -> Result<Self, ConnectorError> {
        Ok(Self {
            table_name: input.table_name(field::TABLE_NAME)?,
            key: input.primary_key(field::PRIMARY_KEY_COMPONENTS, format)?,
            options: read_write_options(input, format, RETURN_OLD_VALUES)?,
        })
    }
}

impl Operation for DeleteItem {
    fn run(&self, context: &mut Context<'_>) -> Result<Outcome, ConnectorError> {
        let body = delete_item_body(&self.table_name, &self.key, &self.options)?;
        let item = context.call_for_item("DeleteItem", body, "Attributes")?;
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
