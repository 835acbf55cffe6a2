//! updateItem through updateItem's checks: an `updateExpression`, or Camunda's attribute form
//! (`keyAttributes` with `attributeAction`).

use super::input::{Attributes, Given, HotInput};
use crate::input::fields::given_expression;
use crate::ops::engines::write_options::read_write_options;
use crate::ops::operations::update_item::{
    AttributeAction, RETURN_VALUES, Update, UpdateItem, check_attribute_names,
};
use crate::value::{ValueFormat, into_attribute_map};

/// updateItem's fields through updateItem's checks.
pub(super) fn update_item(input: &mut HotInput, format: ValueFormat) -> Option<UpdateItem> {
    let table_name = input.table_name()?;
    let key = input.key(format)?;
    let expression = match input.update_expression.value() {
        Some(text) => given_expression(text).ok()?,
        None => None,
    };
    let update = match expression {
        // The checking reader refuses the attribute form beside an expression.
        Some(_) if input.key_attributes.value().is_some() => return None,
        Some(_) if input.attribute_action.value().is_some() => return None,
        Some(expression) => Update::Expression(expression.to_string()),
        None => attribute_update(input, &key, format)?,
    };
    let options = input.options(|fields| read_write_options(fields, format, RETURN_VALUES).ok())?;
    Some(UpdateItem {
        table_name,
        key,
        update,
        options,
    })
}

/// The attribute form: its attributes moved into the update, converted when they are put.
fn attribute_update(input: &mut HotInput, key: &Attributes, format: ValueFormat) -> Option<Update> {
    let action = AttributeAction::named(input.attribute_action.value()?)?;
    let Given::Present(Some(raw)) = std::mem::take(&mut input.key_attributes) else {
        return None;
    };
    check_attribute_names(&raw, key, action, "").ok()?;
    let attributes = match action {
        AttributeAction::Put => into_attribute_map(raw, format)?,
        // Only the names matter when removing attributes.
        AttributeAction::Delete => raw,
    };
    Some(Update::Attributes { attributes, action })
}
