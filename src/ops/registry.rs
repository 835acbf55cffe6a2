//! The one list of operations: each one's name, group and reader. Reading a request's operation,
//! dispatching to it and the "expected one of" messages all come from it.

use crate::error::ConnectorError;
use crate::input::Fields;
use crate::input::envelope::INPUT_COMMON;
use crate::input::field;
use crate::value::ValueFormat;

// The operation modules, each named once below.
use super::operations::*;
use super::{Operation, ReadOperation};

/// Every operation, table operations first; `expected one of` lists them in this order.
pub const OPERATIONS: &[Entry] = &[
    entry::<create_table::CreateTable>(Group::Table),
    entry::<delete_table::DeleteTable>(Group::Table),
    entry::<describe_table::DescribeTable>(Group::Table),
    entry::<scan_table::ScanTable>(Group::Table),
    entry::<list_tables::ListTables>(Group::Table),
    entry::<update_table::UpdateTable>(Group::Table),
    entry::<describe_time_to_live::DescribeTimeToLive>(Group::Table),
    entry::<read_stream::ReadStream>(Group::Table),
    entry::<add_item::AddItem>(Group::Item),
    entry::<delete_item::DeleteItem>(Group::Item),
    entry::<get_item::GetItem>(Group::Item),
    entry::<update_item::UpdateItem>(Group::Item),
    entry::<query::Query>(Group::Item),
    entry::<batch_get_items::BatchGetItems>(Group::Item),
    entry::<batch_write_items::BatchWriteItems>(Group::Item),
    entry::<transact_write_items::TransactWriteItems>(Group::Item),
    entry::<transact_get_items::TransactGetItems>(Group::Item),
    entry::<execute_statement::ExecuteStatement>(Group::Item),
    entry::<execute_action::ExecuteAction>(Group::Both),
];

/// `operationGroup`: table or item operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// `tableOperation` (or the older `table`).
    Table,
    /// `itemOperation` (or the older `item`).
    Item,
    /// Either group (executeAction).
    Both,
}

/// One operation of the registry.
pub struct Entry {
    /// Its name in `input.tableOperation` / `input.itemOperation`, and its result's `action`.
    pub name: &'static str,
    /// Its group.
    pub group: Group,
    fields: &'static [&'static [&'static str]],
    read: fn(Fields, ValueFormat) -> Result<Box<dyn Operation>, ConnectorError>,
}

const fn entry<T: ReadOperation>(group: Group) -> Entry {
    Entry {
        name: T::NAME,
        group,
        fields: T::FIELDS,
        read: read_boxed::<T>,
    }
}

fn read_boxed<T: ReadOperation>(
    input: Fields,
    format: ValueFormat,
) -> Result<Box<dyn Operation>, ConnectorError> {
    Ok(Box::new(T::read(input, format)?))
}

/// Reads the operation `input` names, with its fields; returns its name and the operation.
pub fn read_operation(
    input: Fields,
    format: ValueFormat,
) -> Result<(&'static str, Box<dyn Operation>), ConnectorError> {
    let (group, name, key) = operation_name(input)?;
    let entry = OPERATIONS.iter().find(|e| e.name == name);
    if let (Some(group), Some(entry)) = (group, entry)
        && !matches!(entry.group, Group::Both)
        && entry.group != group
    {
        let message = match entry.group {
            Group::Item => "is an item operation: use operationGroup \"itemOperation\"",
            _ => "is a table operation: use operationGroup \"tableOperation\"",
        };
        return Err(input.error(key, format!("{name} {message}")));
    }
    let Some(entry) = entry else {
        return Err(input.error(
            key,
            format!(
                "unknown operation {name:?}: expected one of {}",
                OPERATIONS
                    .iter()
                    .map(|e| e.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    };
    let known: Vec<&str> = [INPUT_COMMON]
        .iter()
        .chain(entry.fields)
        .flat_map(|group| group.iter().copied())
        .collect();
    input.reject_unknown(&known)?;
    Ok((entry.name, (entry.read)(input, format)?))
}

/// The group `input` names (none in the older form, which names only `type`), the operation's
/// name, and the field that named it.
fn operation_name(input: Fields) -> Result<(Option<Group>, String, &'static str), ConnectorError> {
    let (group, key) = match input.string(field::OPERATION_GROUP)?.as_deref() {
        Some(field::TABLE_OPERATION | "table") => (Some(Group::Table), field::TABLE_OPERATION),
        Some(field::ITEM_OPERATION | "item") => (Some(Group::Item), field::ITEM_OPERATION),
        None if input.has(field::TYPE) => (None, field::TYPE),
        None => {
            return Err(input.error(
                field::OPERATION_GROUP,
                "is required: \"tableOperation\" or \"itemOperation\"",
            ));
        }
        Some(_) => {
            return Err(input.error(
                field::OPERATION_GROUP,
                "must be \"tableOperation\" or \"itemOperation\"",
            ));
        }
    };
    // The older form names the operation in input.type.
    let name = match input.string(key)? {
        Some(name) => name,
        None => input
            .string(field::TYPE)?
            .ok_or_else(|| input.error(key, "is required"))?,
    };
    Ok((group, name, key))
}
