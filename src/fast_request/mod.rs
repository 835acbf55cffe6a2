//! A request read in one pass from its text into borrowed structs, without the tree of the
//! whole request, when its envelope is the common one: static keys, a region, an optional
//! endpoint. The hot item operations (getItem, addItem, deleteItem, updateItem, query and the
//! batch calls) are read here too; any other operation's `input` is read by the checking
//! reader's operation reader. This path accepts only what the checking reader
//! ([`crate::request::parse_request`]) accepts and builds the same request through the same
//! checks; anything else (an unknown field, another type, a check failing, an escaped string)
//! declines, and the checking reader then reads the request and gives its exact error.

mod batch;
mod envelope;
mod input;
mod item;
mod query;
mod strict;
mod update_item;

use std::time::Duration;

use serde::Deserialize;

use crate::input::envelope::{DEFAULT_WAIT_TIMEOUT, output_format, read_options, value_format};
use crate::input::{Fields, OutputFormat, field};
use crate::ops::operations::batch_get_items::BatchGetItems;
use crate::ops::operations::batch_write_items::BatchWriteItems;
use crate::ops::operations::{
    add_item::AddItem, delete_item::DeleteItem, get_item::GetItem, query::Query,
    update_item::UpdateItem,
};
use crate::ops::registry::read_operation;
use crate::ops::{Operation, ReadOperation};
use crate::request::Request;
use crate::value::ValueFormat;
use envelope::{HotAuth, HotConfig, check_root_group, envelope};
use input::{Attributes, HotInput};
use strict::StrictInput;

/// A request whose only top-level members are these, its `input` read as `I`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Shaped<'a, I> {
    #[serde(borrow)]
    authentication: HotAuth<'a>,
    /// Camunda's templates 2 to 6 bind the group here too.
    #[serde(rename = "operationGroup")]
    operation_group: Option<&'a str>,
    #[serde(borrow)]
    configuration: HotConfig<'a>,
    input: I,
}

/// A request of an operation this path reads itself.
type Hot<'a> = Shaped<'a, StrictInput<'a>>;

/// A request of any operation with the envelope this path reads.
type AnyOperation<'a> = Shaped<'a, Attributes>;

/// The request, when this path reads it; `None` declines.
pub(crate) fn read_fast(text: &str) -> Option<Request> {
    match serde_json::from_str::<Hot>(text) {
        Ok(mut hot) => read_hot(&mut hot).or_else(|| read_any(text)),
        Err(_) => read_any(text),
    }
}

/// Any operation, its `input` read by the checking reader's operation reader; only the
/// envelope is read here.
fn read_any(text: &str) -> Option<Request> {
    let any: AnyOperation = serde_json::from_str(text).ok()?;
    let input = Fields::new(&any.input, field::INPUT);
    let options = read_options(input).ok()?;
    let operation = read_operation(input, options.0).ok()?;
    with_envelope(&any, options, operation)
}

/// An operation this path reads, when the request gives only fields it takes; `None` declines.
fn read_hot(hot: &mut Hot) -> Option<Request> {
    let input = &mut hot.input.0;
    if !matches!(input.operation_group, "itemOperation" | "item") {
        return None;
    }
    let format = value_format(input.value_format.value().copied())?;
    let operation = read_hot_operation(input, format)?;
    let output = output_format(input.output_format.value().copied())?;
    with_envelope(hot, (format, output, DEFAULT_WAIT_TIMEOUT), operation)
}

/// The request of `operation` (its name and itself) with `shape`'s envelope, read with
/// `options` through the checking reader's checks.
fn with_envelope<I>(
    shape: &Shaped<I>,
    options: (ValueFormat, OutputFormat, Duration),
    (name, operation): (&'static str, Box<dyn Operation>),
) -> Option<Request> {
    check_root_group(shape.operation_group)?;
    let envelope = envelope(&shape.authentication, &shape.configuration, options)?;
    Some(Request {
        envelope,
        name,
        operation,
    })
}

/// The operation `itemOperation` names, read by its own reader.
fn read_hot_operation(
    input: &mut HotInput,
    format: ValueFormat,
) -> Option<(&'static str, Box<dyn Operation>)> {
    fn boxed<Op: ReadOperation + 'static>(
        op: Option<Op>,
    ) -> Option<(&'static str, Box<dyn Operation>)> {
        Some((Op::NAME, Box::new(op?)))
    }
    match input.item_operation {
        GetItem::NAME if input.takes_only::<GetItem>() => boxed(item::get_item(input, format)),
        AddItem::NAME if input.takes_only::<AddItem>() => boxed(item::add_item(input, format)),
        DeleteItem::NAME if input.takes_only::<DeleteItem>() => {
            boxed(item::delete_item(input, format))
        }
        UpdateItem::NAME if input.takes_only::<UpdateItem>() => {
            boxed(update_item::update_item(input, format))
        }
        Query::NAME if input.takes_only::<Query>() => boxed(query::query(input, format)),
        BatchWriteItems::NAME if input.takes_only::<BatchWriteItems>() => {
            boxed(batch::batch_write_items(input, format))
        }
        BatchGetItems::NAME if input.takes_only::<BatchGetItems>() => {
            boxed(batch::batch_get_items(input, format))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests;
