//! addItem: PutItem; answers the item as stored (and, with `returnValues: ALL_OLD`, the item it
//! replaced as `oldItem`).

use serde_json::{Map, Value};

use crate::error::ConnectorError;
use crate::input::Fields;
use crate::input::field;
use crate::input::fields::check_item_size;
use crate::ops::engines::consumed_capacity::{Shape, with_consumed_capacity};
use crate::ops::engines::item_bodies::put_item_body;
use crate::ops::engines::write_options::{
    RETURN_OLD_VALUES, WRITE_OPTION_FIELDS, WriteOptions, read_write_options,
};
use crate::ops::{Context, Operation, Outcome, ReadOperation};
use crate::value::ValueFormat;

/// Input of addItem.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AddItem {
    /// Table name.
    pub table_name: String,
    /// The item.
    pub item: Map<String, Value>,
    /// Condition and return values.
    pub options: WriteOptions,
}

impl ReadOperation for AddItem {
    const NAME: &'static str = "addItem";

    const FIELDS: &'static [&'static [&'static str]] =
        &[&[field::TABLE_NAME, field::ITEM], WRITE_OPTION_FIELDS];

    fn read(input: Fields, format: ValueFormat) -> Result<Self, ConnectorError> {
        let item = input.required_attributes(field::ITEM, format)?;
        check_item_size(&item, &input.field(field::ITEM))?;
        Ok(Self {
            table_name: input.table_name(field::TABLE_NAME)?,
            item,
            options: read_write_options(input, format, RETURN_OLD_VALUES)?,
        })
    }
}

impl Operation for AddItem {
    fn run(&self, context: &mut Context<'_>) -> Result<Outcome, ConnectorError> {
        let body = put_item_body(&self.table_name, &self.item, &self.options)?;
        let mut answer = context.call_bytes("PutItem", body)?;
        let mut outcome = Outcome::rendered(context.item_text(&self.item));
        if self.options.return_values.as_deref() == Some("ALL_OLD") {
            outcome = outcome.with("oldItem", context.item(answer["Attributes"].take()));
        }
        let asked = self.options.return_consumed_capacity;
        Ok(with_consumed_capacity(
            outcome,
            asked,
            context,
            Shape::OneTable,
        ))
    }
}
