//! Batch rounds: batchGetItems and batchWriteItems send their entries in chunks and send again
//! what DynamoDB left unprocessed, with backoff, for a bounded number of rounds.
//!
//! The first round's entries are borrowed from the operation's input; only what DynamoDB sends
//! back unprocessed is owned. Each call's body is written straight to bytes from the entries:
//! no entry is copied into a tree of the body.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::{Map, Value, json};

use super::consumed_capacity::ReturnConsumedCapacity;
use super::item_bodies::to_bytes;
use crate::error::ConnectorError;
use crate::ops::Context;

/// Rounds of retrying unprocessed batch keys or items before reporting them.
pub(crate) const BATCH_RETRY_ROUNDS: u32 = 8;

/// One call's entries by table, borrowed, tables in the order a body's object writes its
/// members (by name).
pub(crate) struct ByTable<'e>(Vec<(&'e str, Vec<&'e Value>)>);

impl<'e> ByTable<'e> {
    /// `(table, entry)` pairs grouped by table, each table's entries in their order.
    fn of(entries: impl Iterator<Item = (&'e str, &'e Value)>) -> Self {
        let mut grouped: Vec<(&str, Vec<&Value>)> = Vec::new();
        for (table, entry) in entries {
            match grouped.binary_search_by(|(name, _)| name.cmp(&table)) {
                Ok(found) => grouped[found].1.push(entry),
                Err(at) => grouped.insert(at, (table, vec![entry])),
            }
        }
        Self(grouped)
    }

    /// Each table and its entries, tables by name.
    pub(crate) fn tables(&self) -> &[(&'e str, Vec<&'e Value>)] {
        &self.0
    }
}

impl Serialize for ByTable<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (table, entries) in &self.0 {
            map.serialize_entry(table, entries)?;
        }
        map.end()
    }
}

/// Sends `first`'s `(table, entry)` pairs `chunk` at a time through `send`, which returns what
/// DynamoDB left unprocessed; that is sent again after a backoff, for up to
/// [`BATCH_RETRY_ROUNDS`] more rounds. Returns what is still unprocessed.
pub(crate) fn in_rounds<'p>(
    context: &mut Context<'p>,
    first: &[(&str, &Value)],
    chunk: usize,
    mut send: impl FnMut(&mut Context<'p>, ByTable<'_>) -> Result<Vec<(String, Value)>, ConnectorError>,
) -> Result<Vec<(String, Value)>, ConnectorError> {
    let mut pending = Vec::new();
    for part in first.chunks(chunk) {
        pending.extend(send(context, ByTable::of(part.iter().copied()))?);
    }
    let mut round = 1;
    while !pending.is_empty() && round <= BATCH_RETRY_ROUNDS {
        context.client.backoff(round);
        round += 1;
        let mut unprocessed = Vec::new();
        for part in pending.chunks(chunk) {
            let entries = part.iter().map(|(table, entry)| (table.as_str(), entry));
            unprocessed.extend(send(context, ByTable::of(entries))?);
        }
        pending = unprocessed;
    }
    Ok(pending)
}

/// DynamoDB's `{"table": requests}` of an answer as `(table, entry)` pairs; `requests` finds
/// the list in a table's part (a table whose part has none is skipped).
pub(crate) fn owned_entries(
    by_table: Map<String, Value>,
    requests: fn(Value) -> Option<Vec<Value>>,
) -> Vec<(String, Value)> {
    let mut entries = Vec::new();
    for (table, part) in by_table {
        if let Some(list) = requests(part) {
            entries.extend(list.into_iter().map(|r| (table.clone(), r)));
        }
    }
    entries
}

/// `(table, entry)` pairs as `{"table": [entries]}`, tables by name as every object here.
pub(crate) fn group_by_table(
    pairs: impl IntoIterator<Item = (String, Value)>,
) -> Map<String, Value> {
    let mut grouped = Map::new();
    for (table, entry) in pairs {
        let list = grouped.entry(table).or_insert_with(|| json!([]));
        if let Value::Array(list) = list {
            list.push(entry);
        }
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
