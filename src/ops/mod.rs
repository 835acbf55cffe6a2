//! The operations, one file each: its input, how it is read from the request's `input`, the
//! DynamoDB body, how it runs and what it answers. [`registry`] lists them; the engines several
//! share have their own files (paging, batch rounds, waiting for a table, transaction items,
//! write options, consumed capacity, billing).

use std::any::Any;
use std::fmt::Debug;
use std::time::Duration;

use serde_json::{Map, Value, json};

pub use outcome::{Beside, Completed, Outcome};

use consumed_capacity::ConsumedCapacity;

use crate::error::ConnectorError;
use crate::input::{Fields, OutputFormat};
use crate::value::{ValueFormat, plain_map};
use crate::wire::{Api, Client, Platform};

pub mod outcome;
pub mod registry;

// Engines shared by several operations.
pub mod batch_rounds;
pub mod billing;
pub mod consumed_capacity;
pub mod paging;
pub mod stream_calls;
pub mod stream_checkpoint;
pub mod table_wait;
pub mod transact_items;
pub mod write_options;

// Table operations.
pub mod create_table;
pub mod delete_table;
pub mod describe_table;
pub mod describe_time_to_live;
pub mod list_tables;
pub mod read_stream;
pub mod scan_table;
pub mod update_table;

// Both groups.
pub mod execute_action;

// Item operations.
pub mod add_item;
pub mod batch_get_items;
pub mod batch_write_items;
pub mod delete_item;
pub mod execute_statement;
pub mod get_item;
pub mod query;
pub mod transact_get_items;
pub mod transact_write_items;
pub mod update_item;

#[cfg(test)]
pub(crate) mod testing;

/// One operation, read and checked: it makes its DynamoDB calls and gives its result.
pub trait Operation: Debug + Any {
    /// Runs the operation to the end.
    fn run(&self, context: &mut Context<'_>) -> Result<Outcome, ConnectorError>;
}

/// How an operation is read from the request's `input`.
pub trait ReadOperation: Operation + Sized {
    /// Its name in `input.tableOperation` / `input.itemOperation`, and its result's `action`.
    const NAME: &'static str;

    /// The fields of `input` it takes besides the common ones, in groups, in the order an
    /// unknown-field error lists them.
    const FIELDS: &'static [&'static [&'static str]];

    /// Reads and checks its fields (unknown ones are already rejected); values follow `format`.
    fn read(input: Fields, format: ValueFormat) -> Result<Self, ConnectorError>;
}

/// What an operation runs with: the client for its calls and how its result is rendered.
pub struct Context<'p> {
    /// Makes each DynamoDB call.
    pub client: Client<'p, dyn Platform + 'p>,
    /// How items in the result are rendered.
    pub output: OutputFormat,
    /// Bound on waiting for a table to settle.
    pub wait_timeout: Duration,
    /// What the calls so far reported consuming (when the operation asked for it).
    pub consumed: ConsumedCapacity,
}

impl Context<'_> {
    /// Calls `operation` (such as `GetItem`) with `body`.
    pub fn call(&mut self, operation: &str, body: &Value) -> Result<Value, ConnectorError> {
        let answer = self.client.call(operation, body)?;
        self.consumed.add(&answer);
        Ok(answer)
    }

    /// Calls DynamoDB Streams' `operation` (such as `GetRecords`) with `body`.
    pub fn call_streams(&mut self, operation: &str, body: &Value) -> Result<Value, ConnectorError> {
        self.client.call_api(Api::Streams, operation, body)
    }

    /// An item as the request's `outputFormat` wants it.
    pub fn item(&self, item: Value) -> Value {
        render_item(item, self.output)
    }

    /// Items as the request's `outputFormat` wants them.
    pub fn items(&self, items: Vec<Value>) -> Value {
        Value::Array(items.into_iter().map(|i| self.item(i)).collect())
    }
}

/// An item in `output` format.
pub fn render_item(item: Value, output: OutputFormat) -> Value {
    match (output, item) {
        (OutputFormat::Plain, Value::Object(map)) => Value::Object(plain_map(&map)),
        (_, item) => item,
    }
}

/// `{"TableName": table_name, field: value}`.
pub fn table_body(table_name: &str, field: &str, value: Value) -> Value {
    let mut body = Map::with_capacity(4);
    body.insert("TableName".into(), Value::String(table_name.to_string()));
    body.insert(field.into(), value);
    Value::Object(body)
}

/// Sets `body[key]` when `value` is there.
pub fn set<T: serde::Serialize>(body: &mut Value, key: &str, value: &Option<T>) {
    if let Some(value) = value {
        body[key] = json!(value);
    }
}
