//! The DynamoDB and DynamoDB Streams calls readStream makes besides GetRecords: the table's
//! latest stream, the stream's shards, a shard iterator.

use serde_json::json;

use super::stream_checkpoint::{Shard, shards_of};
use crate::error::ConnectorError;
use crate::ops::Context;

/// DescribeStream pages followed (100 shards each) before giving up on a listing.
const MAX_DESCRIBE_PAGES: u32 = 1000;

/// An iterator of `kind` (`TRIM_HORIZON`, `LATEST`, `AFTER_SEQUENCE_NUMBER` with `sequence`).
pub(crate) fn shard_iterator(
    context: &mut Context<'_>,
    arn: &str,
    shard_id: &str,
    kind: &str,
    sequence: Option<&str>,
) -> Result<String, ConnectorError> {
    let mut body = json!({"StreamArn": arn, "ShardId": shard_id, "ShardIteratorType": kind});
    if let Some(sequence) = sequence {
        body["SequenceNumber"] = json!(sequence);
    }
    let answer = context.call_streams("GetShardIterator", &body)?;
    answer["ShardIterator"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| invalid_answer("GetShardIterator gave no ShardIterator"))
}

/// An answer that lacks what the call promises.
pub(crate) fn invalid_answer(message: &str) -> ConnectorError {
    ConnectorError::Execution {
        code: "InvalidResponse".into(),
        message: message.into(),
        http_status: 200,
        request_id: None,
        retryable: false,
        attempts: 1,
        details: None,
    }
}

/// The table's latest stream, from DescribeTable.
pub(crate) fn latest_stream(
    context: &mut Context<'_>,
    table: &str,
) -> Result<String, ConnectorError> {
    let answer = context.call("DescribeTable", &json!({ "TableName": table }))?;
    match answer["Table"]["LatestStreamArn"].as_str() {
        Some(arn) => Ok(arn.to_string()),
        None => Err(ConnectorError::Execution {
            code: "StreamNotEnabled".into(),
            message: format!(
                "table {table} has no stream: enable one (StreamSpecification, e.g. with \
                 executeAction UpdateTable) before reading changes"
            ),
            http_status: 200,
            request_id: None,
            retryable: false,
            attempts: 1,
            details: None,
        }),
    }
}

/// Every shard of the stream, following DescribeStream's pages.
pub(crate) fn describe_shards(
    context: &mut Context<'_>,
    arn: &str,
) -> Result<Vec<Shard>, ConnectorError> {
    let mut shards = Vec::new();
    let mut start: Option<String> = None;
    for _ in 0..MAX_DESCRIBE_PAGES {
        let mut body = json!({ "StreamArn": arn });
        if let Some(start) = &start {
            body["ExclusiveStartShardId"] = json!(start);
        }
        let answer = context.call_streams("DescribeStream", &body)?;
        let description = &answer["StreamDescription"];
        shards.extend(shards_of(description));
        match description["LastEvaluatedShardId"].as_str() {
            Some(last) if start.as_deref() != Some(last) => start = Some(last.to_string()),
            _ => return Ok(shards),
        }
    }
    Err(invalid_answer("DescribeStream did not end its shard list"))
}
