//! getItem, addItem and deleteItem through each one's checks.

use super::input::{Given, HotInput};
use crate::input::fields::check_item_size;
use crate::ops::engines::read_options::ReadOptions;
use crate::ops::engines::write_options::{RETURN_OLD_VALUES, read_write_options};
use crate::ops::operations::{add_item::AddItem, delete_item::DeleteItem, get_item::GetItem};
use crate::value::{ValueFormat, into_attribute_map};

/// getItem's fields through getItem's checks.
pub(super) fn get_item(input: &mut HotInput, format: ValueFormat) -> Option<GetItem> {
    let options = input.options(|fields| ReadOptions::read(fields, format).ok())?;
    Some(GetItem {
        table_name: input.table_name()?,
        key: input.key(format)?,
        options,
    })
}

/// deleteItem's fields through deleteItem's checks.
pub(super) fn delete_item(input: &mut HotInput, format: ValueFormat) -> Option<DeleteItem> {
    let options =
        input.options(|fields| read_write_options(fields, format, RETURN_OLD_VALUES).ok())?;
    Some(DeleteItem {
        table_name: input.table_name()?,
        key: input.key(format)?,
        options,
    })
}

/// addItem's fields through addItem's checks.
pub(super) fn add_item(input: &mut HotInput, format: ValueFormat) -> Option<AddItem> {
    let Given::Present(Some(item)) = std::mem::take(&mut input.item) else {
        return None;
    };
    let item = into_attribute_map(item, format)?;
    check_item_size(&item, "").ok()?;
    let options =
        input.options(|fields| read_write_options(fields, format, RETURN_OLD_VALUES).ok())?;
    Some(AddItem {
        table_name: input.table_name()?,
        item,
        options,
    })
}
