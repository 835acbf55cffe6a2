//! Batch rounds: batchGetItems and batchWriteItems send their entries in chunks and send again
//! what DynamoDB left unprocessed, with backoff, for a bounded number of rounds.
//!
//! An entry is borrowed from the operation's input until DynamoDB sends it back unprocessed,
//! and each call's body is written straight to bytes from the entries: no entry is copied into
//! a tree of the body.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::consumed_capacity::ReturnConsumedCapacity;
use super::item_bodies::to_bytes;
use crate::error::ConnectorError;
use crate::ops::Context;

/// Rounds of retrying unprocessed batch keys or items before reporting them.
pub(crate) const BATCH_RETRY_ROUNDS: u32 = 8;

/// One entry of a batch, its table and its request (a write, or a key): borrowed from the
/// input, or owned once DynamoDB has left it unprocessed.
pub(crate) type Entry<'a> = (Cow<'a, str>, Cow<'a, Value>);

/// Sends `entries` `chunk` at a time through `send`, which returns what DynamoDB left
/// unprocessed; that is sent again after a backoff, for up to [`BATCH_RETRY_ROUNDS`] more
/// rounds. Returns what is still unprocessed.
pub(crate) fn in_rounds<'p, 'e>(
    context: &mut Context<'p>,
    mut pending: Vec<Entry<'e>>,
    chunk: usize,
    mut send: impl FnMut(&mut Context<'p>, &[Entry<'e>]) -> Result<Vec<Entry<'e>>, ConnectorError>,
) -> Result<Vec<Entry<'e>>, ConnectorError> {
    let mut round = 0;
    while !pending.is_empty() && round <= BATCH_RETRY_ROUNDS {
        if round > 0 {
            context.client.backoff(round);
        }
        round += 1;
        let mut unprocessed = Vec::new();
        for part in pending.chunks(chunk) {
            unprocessed.extend(send(context, part)?);
        }
        pending = unprocessed;
    }
    Ok(pending)
}

/// DynamoDB's `{"table": [requests]}` of an answer, as owned entries.
pub(crate) fn owned_entries(
    by_table: Map<String, Value>,
    requests: impl Fn(Value) -> Option<Vec<Value>>,
) -> Vec<Entry<'static>> {
    let mut entries = Vec::new();
    for (table, list) in by_table {
        if let Some(list) = requests(list) {
            let table: Cow<'static, str> = Cow::Owned(table);
            entries.extend(list.into_iter().map(|r| (table.clone(), Cow::Owned(r))));
        }
    }
    entries
}

/// Entries as `{"table": [entries]}`, tables by name as every object here.
pub(crate) fn group_by_table(entries: Vec<Entry<'_>>) -> Map<String, Value> {
    let mut grouped = Map::new();
    for (table, entry) in entries {
        let list = grouped
            .entry(table.into_owned())
            .or_insert_with(|| json!([]));
        if let Value::Array(list) = list {
            list.push(entry.into_owned());
        }
    }
    grouped
}

/// Entries by table, borrowed, in the order a body's object writes its members (by name).
pub(crate) fn borrowed_by_table<'e>(entries: &'e [Entry<'_>]) -> BTreeMap<&'e str, Vec<&'e Value>> {
    let mut grouped: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
    for (table, entry) in entries {
        grouped.entry(table).or_default().push(entry);
    }
    grouped
}

/// A BatchWriteItem or BatchGetItem body, members sorted by name as the tree wrote them.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct BatchBody<R> {
    request_items: R,
    #[serde(skip_serializing_if = "Option::is_none")]
    return_consumed_capacity: Option<ReturnConsumedCapacity>,
}

/// The bytes of `{"RequestItems": request_items}`, asking for consumed capacity when `asked`.
pub(crate) fn batch_body(
    request_items: impl Serialize,
    asked: Option<ReturnConsumedCapacity>,
) -> Result<Vec<u8>, ConnectorError> {
    to_bytes(&BatchBody {
        request_items,
        return_consumed_capacity: asked,
    })
}

#[cfg(test)]
#[path = "batch_rounds_tests.rs"]
mod tests;
