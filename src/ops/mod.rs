//! The operations, one file each in [`operations`]: its input, how it is read from the request's
//! `input`, the DynamoDB body, how it runs and what it answers. [`registry`] lists them; what
//! several share is in [`engines`], readStream's parts in [`streams`].

use std::fmt::Debug;
use std::time::Duration;

use serde_json::{Map, Value, json};

pub use outcome::{Beside, Completed, Outcome, Response};

use engines::consumed_capacity::ConsumedCapacity;
use engines::item_answer;

use crate::error::ConnectorError;
use crate::input::{Fields, OutputFormat};
use crate::value::plain_view::Plain as PlainView;
use crate::value::{ValueFormat, plain_map};
use crate::wire::{Answer, Api, Client, Platform, body_bytes};

pub(crate) mod outcome;
pub mod registry;

/// One file per operation.
pub(crate) mod operations;

/// What several operations share: paging, batch rounds, waiting for a table, transaction
/// items, read and write options, consumed capacity, billing.
pub(crate) mod engines;

/// readStream's parts: the checkpoint and record rendering (pure), and its calls.
pub mod streams;

#[cfg(test)]
pub(crate) mod testing;

/// `Debug` for operations in the guest's own tests only: a supertrait of [`Operation`] puts every
/// operation's formatting into the trait object's table, and so into the shipped component.
#[cfg(test)]
pub trait TestDebug: Debug {}
#[cfg(test)]
impl<T: Debug> TestDebug for T {}
/// Outside tests, no `Debug` requirement.
#[cfg(not(test))]
pub trait TestDebug {}
#[cfg(not(test))]
impl<T> TestDebug for T {}

/// Outside tests an operation shows only that it is one.
#[cfg(not(test))]
impl Debug for dyn Operation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Operation")
    }
}

/// One operation, read and checked: it makes its DynamoDB calls and gives its result.
pub trait Operation: TestDebug {
    /// Runs the operation to the end.
    fn run(&self, context: &mut Context<'_>) -> Result<Outcome, ConnectorError>;
}

/// How an operation is read from the request's `input`.
pub trait ReadOperation: Operation + Sized + 'static {
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
    pub(crate) client: Client<'p, dyn Platform + 'p>,
    /// How items in the result are rendered.
    pub(crate) output: OutputFormat,
    /// Bound on waiting for a table to settle.
    pub(crate) wait_timeout: Duration,
    /// What the calls so far reported consuming (when the operation asked for it).
    pub(crate) consumed: ConsumedCapacity,
}

impl Context<'_> {
    /// Calls `operation` (such as `GetItem`) with `body`.
    pub fn call(&mut self, operation: &str, body: &Value) -> Result<Value, ConnectorError> {
        self.call_bytes(operation, body_bytes(body)?)
    }

    /// [`Context::call`] with the body already written as JSON bytes.
    pub fn call_bytes(&mut self, operation: &str, body: Vec<u8>) -> Result<Value, ConnectorError> {
        let answer = self.client.call_api_bytes(Api::DynamoDb, operation, body)?;
        self.consumed.add(&answer);
        Ok(answer)
    }

    /// Calls `operation`, whose answer holds an item under `key` (or none): that item as the
    /// request's `outputFormat` wants it.
    pub fn call_for_item(
        &mut self,
        operation: &str,
        body: Vec<u8>,
        key: &str,
    ) -> Result<Response, ConnectorError> {
        Ok(match self.call_item(operation, body, key)? {
            Answer::Decoded(text) => Response::Text(text),
            Answer::Tree(mut answer) => Response::Tree(self.item(answer[key].take())),
        })
    }

    /// Calls `operation`, whose answer holds an item under `key`: the item comes back as the
    /// result's text of it (`outputFormat`'s), read from the answer without a tree, or the
    /// answer as a tree where its shape is left to the tree's rendering.
    fn call_item(
        &mut self,
        operation: &str,
        body: Vec<u8>,
        key: &str,
    ) -> Result<Answer<String>, ConnectorError> {
        let output = self.output;
        let decode = |bytes: &[u8]| item_answer::decode(bytes, key, output);
        let answer = self.call_decoded(operation, body, decode, |item| item.consumed.as_ref())?;
        Ok(match answer {
            Answer::Decoded(answer) => Answer::Decoded(answer.item),
            Answer::Tree(answer) => Answer::Tree(answer),
        })
    }

    /// Calls `operation`, its answer read by `decode` (or as a tree where `decode` leaves it),
    /// and adds the `ConsumedCapacity` that `consumed` finds in what `decode` made.
    pub fn call_decoded<T>(
        &mut self,
        operation: &str,
        body: Vec<u8>,
        decode: impl Fn(&[u8]) -> Option<T>,
        consumed: impl Fn(&T) -> Option<&Value>,
    ) -> Result<Answer<T>, ConnectorError> {
        let answer = self.client.call_decoded(operation, body, decode)?;
        match &answer {
            Answer::Decoded(decoded) => self.consumed.add_reported(consumed(decoded)),
            Answer::Tree(tree) => self.consumed.add(tree),
        }
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

    /// An item held as attribute values, as the request's `outputFormat` wants it, written
    /// as text straight from the values (no converted copy is made).
    pub fn item_text(&self, item: &Map<String, Value>) -> String {
        match self.output {
            OutputFormat::Plain => serde_json::to_string(&PlainView::Map(item)),
            OutputFormat::Typed => serde_json::to_string(item),
        }
        .expect("a map of JSON values with string keys serializes")
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
