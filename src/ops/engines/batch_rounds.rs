//! Batch rounds: batchGetItems and batchWriteItems send their entries in chunks and send again
//! what DynamoDB left unprocessed, with backoff, for a bounded number of rounds.

use serde_json::{Map, Value, json};

use crate::error::ConnectorError;
use crate::ops::Context;

/// Rounds of retrying unprocessed batch keys or items before reporting them.
pub(crate) const BATCH_RETRY_ROUNDS: u32 = 8;

/// Sends `(table, entry)` pairs `chunk` at a time through `send`, which returns what DynamoDB
/// left unprocessed; that is sent again after a backoff, for up to [`BATCH_RETRY_ROUNDS`]
/// more rounds. Returns what is still unprocessed.
pub(crate) fn in_rounds<'p>(
    context: &mut Context<'p>,
    mut pending: Vec<(String, Value)>,
    chunk: usize,
    mut send: impl FnMut(
        &mut Context<'p>,
        &[(String, Value)],
    ) -> Result<Vec<(String, Value)>, ConnectorError>,
) -> Result<Vec<(String, Value)>, ConnectorError> {
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

/// `(table, entry)` pairs as `{"table": [entries]}`, in first-seen order.
pub(crate) fn group_by_table(
    pairs: impl IntoIterator<Item = (String, Value)>,
) -> Map<String, Value> {
    let mut grouped = Map::new();
    for (table, entry) in pairs {
        let list = grouped.entry(table).or_insert_with(|| json!([]));
        list.as_array_mut().expect("a list").push(entry);
    }
    grouped
}
