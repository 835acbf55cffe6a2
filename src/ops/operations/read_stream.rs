//! readStream: the change records of a table's DynamoDB stream, resumable exactly once. Each
//! invocation reads shards in lineage order (a parent to its end before its children) until
//! every shard is caught up or a cap is reached, and answers the records with a checkpoint that
//! says where each shard was left. An expired iterator is re-acquired after the checkpoint's
//! sequence number; data trimmed away (older than 24 hours) is reported, never skipped silently.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use crate::error::ConnectorError;
use crate::input::Fields;
use crate::input::field;
use crate::ops::engines::paging::{DEFAULT_MAX_RESULT_BYTES, MAX_RESULT_BYTES};
use crate::ops::streams::stream_calls::{describe_shards, latest_stream, shard_iterator};
use crate::ops::streams::stream_checkpoint::{
    Checkpoint, Position, Shard, StreamSource, next_shard, read_source, render_record,
};
use crate::ops::{Context, Operation, Outcome, ReadOperation};
use crate::value::{self, ValueFormat};

/// Records per invocation when `maxRecords` is not given.
pub(crate) const DEFAULT_MAX_RECORDS: u64 = 1000;
/// GetRecords answers at most 1,000 records per call.
const GET_RECORDS_LIMIT: u64 = 1000;
/// Empty pages of a closed shard before this invocation leaves it for the next.
const MAX_EMPTY_PAGES: u32 = 8;

/// Where the first read of a stream starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum StartingPosition {
    /// The oldest record still in the stream (24 hours).
    #[default]
    TrimHorizon,
    /// Only changes made after this read.
    Latest,
}

/// Input of readStream.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ReadStream {
    /// The stream (from the checkpoint when one is given).
    pub source: StreamSource,
    /// Where a previous invocation stopped.
    pub checkpoint: Option<Checkpoint>,
    /// Where to start without a checkpoint.
    pub starting_position: StartingPosition,
    /// At most this many records per invocation; 0: none, only a checkpoint at the stream's
    /// current end (for snapshot-then-CDC: take it, export the table, then read from it).
    pub max_records: u64,
    /// Stop once the records held reach this many bytes (parsed size, as scanTable counts).
    pub max_bytes: u64,
}

impl ReadOperation for ReadStream {
    const NAME: &'static str = "readStream";

    const FIELDS: &'static [&'static [&'static str]] = &[&[
        field::TABLE_NAME,
        field::STREAM_ARN,
        field::CHECKPOINT,
        field::STARTING_POSITION,
        field::MAX_RECORDS,
        field::MAX_RESULT_BYTES,
    ]];

    fn read(input: Fields, _: ValueFormat) -> Result<Self, ConnectorError> {
        let checkpoint = input
            .map(field::CHECKPOINT)?
            .map(|map| Checkpoint::from_json(&map, &input.field(field::CHECKPOINT)))
            .transpose()?;
        let source = read_source(input, checkpoint.as_ref())?;
        let starting_position = match input.non_empty_string(field::STARTING_POSITION)?.as_deref() {
            None => StartingPosition::TrimHorizon,
            Some(s) if s.eq_ignore_ascii_case("TRIM_HORIZON") => StartingPosition::TrimHorizon,
            Some(s) if s.eq_ignore_ascii_case("LATEST") => StartingPosition::Latest,
            Some(_) => {
                return Err(input.error(field::STARTING_POSITION, "must be TRIM_HORIZON or LATEST"));
            }
        };
        if checkpoint.is_some() && input.has(field::STARTING_POSITION) {
            return Err(input.error(
                field::STARTING_POSITION,
                "applies only to a first read: a checkpoint says where to go on",
            ));
        }
        let max_records = input.u64_in(field::MAX_RECORDS, 0..=1_000_000)?;
        let from_oldest = input.has(field::STARTING_POSITION)
            && starting_position == StartingPosition::TrimHorizon;
        if max_records == Some(0) && (checkpoint.is_some() || from_oldest) {
            return Err(input.error(
                field::MAX_RECORDS,
                "0 takes the stream's current end: not with a checkpoint or TRIM_HORIZON",
            ));
        }
        Ok(Self {
            source,
            checkpoint,
            starting_position,
            max_records: max_records.unwrap_or(DEFAULT_MAX_RECORDS),
            max_bytes: input
                .u64_in(field::MAX_RESULT_BYTES, 1024..=MAX_RESULT_BYTES)?
                .unwrap_or(DEFAULT_MAX_RESULT_BYTES),
        })
    }
}

/// A shard left for another reason than reaching its end.
enum ShardEnd {
    /// Closed and read to its end.
    Done,
    /// Open (or slow), with nothing more for now.
    CaughtUp,
    /// A cap was reached.
    Capped,
}

/// What one invocation has read so far.
struct Reading {
    records: Vec<Value>,
    held_bytes: u64,
    positions: BTreeMap<String, Position>,
    trimmed: Vec<Value>,
}

impl Operation for ReadStream {
    fn run(&self, context: &mut Context<'_>) -> Result<Outcome, ConnectorError> {
        let arn = match (&self.source, &self.checkpoint) {
            (_, Some(checkpoint)) => checkpoint.stream_arn.clone(),
            (StreamSource::Arn(arn), None) => arn.clone(),
            (StreamSource::Table(table), None) => latest_stream(context, table)?,
        };
        let shards = describe_shards(context, &arn)?;
        let mut reading = Reading {
            records: Vec::new(),
            held_bytes: 0,
            positions: BTreeMap::new(),
            trimmed: Vec::new(),
        };
        match &self.checkpoint {
            Some(checkpoint) => resume_positions(&mut reading, checkpoint, &shards),
            None if self.starting_position == StartingPosition::Latest || self.max_records == 0 => {
                start_at_latest(context, &arn, &shards, &mut reading)?
            }
            None => {}
        }
        let capped =
            self.max_records > 0 && self.read_shards(context, &arn, &shards, &mut reading)?;
        let checkpoint = Checkpoint {
            stream_arn: arn.clone(),
            shards: reading.positions,
        };
        Ok(Outcome::new(json!({
            "streamArn": arn,
            "records": reading.records,
            "checkpoint": checkpoint.to_json(),
            "hasMore": capped,
            "trimmed": !reading.trimmed.is_empty(),
            "trimmedShards": reading.trimmed,
        })))
    }
}

impl ReadStream {
    /// Reads the shards in lineage order until each is read to its end or caught up; returns
    /// whether a cap stopped it.
    fn read_shards(
        &self,
        context: &mut Context<'_>,
        arn: &str,
        shards: &[Shard],
        reading: &mut Reading,
    ) -> Result<bool, ConnectorError> {
        let mut caught_up = BTreeSet::new();
        while let Some(shard) = next_shard(shards, &reading.positions, &caught_up) {
            if self.capped(reading) {
                return Ok(true);
            }
            match self.read_shard(context, arn, shard, reading)? {
                ShardEnd::Done => {
                    let position = reading.positions.entry(shard.id.clone()).or_default();
                    *position = Position {
                        done: true,
                        ..Position::default()
                    };
                }
                ShardEnd::CaughtUp => {
                    caught_up.insert(shard.id.clone());
                }
                ShardEnd::Capped => return Ok(true),
            }
        }
        Ok(false)
    }

    /// Whether `maxRecords` or `maxResultBytes` is reached.
    fn capped(&self, reading: &Reading) -> bool {
        reading.records.len() as u64 >= self.max_records || reading.held_bytes >= self.max_bytes
    }

    /// Reads `shard` from where it was left until its end, until it has nothing more for now,
    /// or until a cap.
    fn read_shard(
        &self,
        context: &mut Context<'_>,
        arn: &str,
        shard: &Shard,
        reading: &mut Reading,
    ) -> Result<ShardEnd, ConnectorError> {
        let position = position_of(reading, shard);
        let mut iterator = match &position.iterator {
            Some(iterator) => iterator.clone(),
            None => acquire(context, arn, shard, &position, reading)?,
        };
        let (mut expired_once, mut trimmed_once, mut empty_pages) = (false, false, 0);
        loop {
            let remaining = self.max_records - reading.records.len() as u64;
            let body =
                json!({"ShardIterator": iterator, "Limit": remaining.min(GET_RECORDS_LIMIT)});
            let mut page = match context.call_streams("GetRecords", &body) {
                Ok(page) => page,
                // Iterators expire after 15 minutes; the checkpoint says where to go on.
                Err(e) if !expired_once && is_code(&e, "ExpiredIteratorException") => {
                    expired_once = true;
                    let position = position_of(reading, shard);
                    iterator = acquire(context, arn, shard, &position, reading)?;
                    continue;
                }
                Err(e) if !trimmed_once && is_code(&e, "TrimmedDataAccessException") => {
                    trimmed_once = true;
                    let position = position_of(reading, shard);
                    iterator = trim_horizon(context, arn, shard, &position, reading)?;
                    continue;
                }
                Err(e) => return Err(e),
            };
            let found = take_records(&mut page, context, reading);
            let position = reading.positions.entry(shard.id.clone()).or_default();
            if let Some(last) = found.last_sequence {
                position.after = Some(last);
            }
            let next = page["NextShardIterator"].as_str().map(str::to_string);
            position.iterator = next.clone();
            let Some(next) = next else {
                return Ok(ShardEnd::Done);
            };
            if self.capped(reading) {
                return Ok(ShardEnd::Capped);
            }
            if found.count == 0 {
                empty_pages += 1;
                if !shard.closed || empty_pages >= MAX_EMPTY_PAGES {
                    return Ok(ShardEnd::CaughtUp);
                }
            } else {
                empty_pages = 0;
            }
            iterator = next;
        }
    }
}

/// Where `shard` was left (nowhere yet: the default).
fn position_of(reading: &Reading, shard: &Shard) -> Position {
    reading
        .positions
        .get(&shard.id)
        .cloned()
        .unwrap_or_default()
}

/// What one GetRecords page added.
struct Found {
    count: usize,
    last_sequence: Option<String>,
}

fn take_records(page: &mut Value, context: &Context<'_>, reading: &mut Reading) -> Found {
    let Some(Value::Array(records)) = page.get_mut("Records").map(Value::take) else {
        return Found {
            count: 0,
            last_sequence: None,
        };
    };
    let count = records.len();
    let mut last_sequence = None;
    for record in records {
        reading.held_bytes += value::held_size(&record) as u64;
        if let Some(sequence) = record["dynamodb"]["SequenceNumber"].as_str() {
            last_sequence = Some(sequence.to_string());
        }
        reading.records.push(render_record(record, context.output));
    }
    Found {
        count,
        last_sequence,
    }
}

fn is_code(error: &ConnectorError, expected: &str) -> bool {
    matches!(error, ConnectorError::Execution { code, .. } if code == expected)
}

/// A fresh iterator for `shard`: after the checkpoint's sequence number, or from the shard's
/// oldest record when none was delivered yet (or what followed it was trimmed away).
fn acquire(
    context: &mut Context<'_>,
    arn: &str,
    shard: &Shard,
    position: &Position,
    reading: &mut Reading,
) -> Result<String, ConnectorError> {
    let Some(after) = &position.after else {
        return shard_iterator(context, arn, &shard.id, "TRIM_HORIZON", None);
    };
    match shard_iterator(
        context,
        arn,
        &shard.id,
        "AFTER_SEQUENCE_NUMBER",
        Some(after),
    ) {
        Err(e) if is_code(&e, "TrimmedDataAccessException") => {
            trim_horizon(context, arn, shard, position, reading)
        }
        other => other,
    }
}

/// Records that a shard's next records were trimmed away, and goes on from its oldest.
fn trim_horizon(
    context: &mut Context<'_>,
    arn: &str,
    shard: &Shard,
    position: &Position,
    reading: &mut Reading,
) -> Result<String, ConnectorError> {
    reading.trimmed.push(json!({
        "shardId": shard.id, "after": position.after, "resumedFrom": "TRIM_HORIZON",
    }));
    shard_iterator(context, arn, &shard.id, "TRIM_HORIZON", None)
}

/// The checkpoint's positions of shards still listed; a shard that vanished before it was read
/// to its end was trimmed away, and that is reported.
fn resume_positions(reading: &mut Reading, checkpoint: &Checkpoint, shards: &[Shard]) {
    for (id, position) in &checkpoint.shards {
        if shards.iter().any(|s| &s.id == id) {
            reading.positions.insert(id.clone(), position.clone());
        } else if !position.done {
            reading.trimmed.push(json!({
                "shardId": id, "after": position.after, "resumedFrom": null,
            }));
        }
    }
}

/// A first read at LATEST: closed shards count as read, and every open shard gets its LATEST
/// iterator now, so a shard not reached in this invocation does not start from its beginning.
fn start_at_latest(
    context: &mut Context<'_>,
    arn: &str,
    shards: &[Shard],
    reading: &mut Reading,
) -> Result<(), ConnectorError> {
    for shard in shards {
        let position = if shard.closed {
            Position {
                done: true,
                ..Position::default()
            }
        } else {
            Position {
                iterator: Some(shard_iterator(context, arn, &shard.id, "LATEST", None)?),
                ..Position::default()
            }
        };
        reading.positions.insert(shard.id.clone(), position);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::OutputFormat;
    use crate::ops::testing::{context, error_field, read, request};
    use crate::wire::HttpResponse;
    use crate::wire::testing::{Scripted, answer};

    const ARN: &str =
        "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000";

    fn input(extra: Value) -> Value {
        let mut input = json!({"operationGroup": "tableOperation", "tableOperation": "readStream"});
        input
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        input
    }

    fn ok(body: Value) -> Result<HttpResponse, crate::wire::SendError> {
        answer(200, &[], &body.to_string())
    }

    fn error(code: &str) -> Result<HttpResponse, crate::wire::SendError> {
        let body =
            json!({"__type": format!("com.amazonaws.dynamodb.v20120810#{code}"), "message": code});
        answer(400, &[], &body.to_string())
    }

    fn record(sequence: u64, id: u64) -> Value {
        json!({"eventID": format!("e{sequence}"), "eventName": "INSERT", "dynamodb": {
            "SequenceNumber": sequence.to_string(), "SizeBytes": 10, "ApproximateCreationDateTime": 1.7e9,
            "Keys": {"id": {"N": id.to_string()}}, "NewImage": {"id": {"N": id.to_string()}}}})
    }

    fn stream(shards: Value) -> Value {
        json!({"StreamDescription": {"StreamArn": ARN, "Shards": shards}})
    }

    fn open_shard(id: &str) -> Value {
        json!({"ShardId": id, "SequenceNumberRange": {"StartingSequenceNumber": "1"}})
    }

    /// Each call's target and body.
    fn calls(platform: &Scripted) -> Vec<(String, Value)> {
        platform
            .sent
            .iter()
            .map(|(request, _)| {
                let target = request
                    .headers
                    .iter()
                    .find(|(n, _)| *n == "x-amz-target")
                    .unwrap()
                    .1
                    .clone();
                (target, serde_json::from_slice(&request.body).unwrap())
            })
            .collect()
    }

    fn run(operation: &ReadStream, platform: &mut Scripted) -> Result<Value, ConnectorError> {
        run_with(operation, platform, OutputFormat::Typed)
    }

    fn run_with(
        operation: &ReadStream,
        platform: &mut Scripted,
        output: OutputFormat,
    ) -> Result<Value, ConnectorError> {
        let mut context = context(platform);
        context.output = output;
        let outcome = operation.run(&mut context)?;
        Ok(outcome.into_result("readStream")["response"].clone())
    }

    #[test]
    fn reads_a_table_stream_from_its_trim_horizon_until_caught_up() {
        let operation: ReadStream = read(input(json!({"tableName": "orders"})));
        let mut platform = Scripted::new(vec![
            ok(json!({"Table": {"TableName": "orders", "LatestStreamArn": ARN}})),
            ok(
                json!({"StreamDescription": {"Shards": [open_shard("s-1")], "LastEvaluatedShardId": "s-1"}}),
            ),
            ok(stream(json!([]))),
            ok(json!({"ShardIterator": "it-1"})),
            ok(json!({"Records": [record(10, 1), record(11, 2)], "NextShardIterator": "it-2"})),
            ok(json!({"Records": [], "NextShardIterator": "it-3"})),
        ]);
        let response = run(&operation, &mut platform).unwrap();
        let ids: Vec<&Value> = response["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| &r["keys"]["id"]["N"])
            .collect();
        assert_eq!(ids, [&json!("1"), &json!("2")]);
        assert_eq!(response["hasMore"], false);
        assert_eq!(response["trimmed"], false);
        assert_eq!(
            response["checkpoint"]["shards"]["s-1"],
            json!({"after": "11", "iterator": "it-3"})
        );
        let calls = calls(&platform);
        let targets: Vec<&str> = calls.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(
            targets,
            [
                "DynamoDB_20120810.DescribeTable",
                "DynamoDBStreams_20120810.DescribeStream",
                "DynamoDBStreams_20120810.DescribeStream",
                "DynamoDBStreams_20120810.GetShardIterator",
                "DynamoDBStreams_20120810.GetRecords",
                "DynamoDBStreams_20120810.GetRecords",
            ]
        );
        assert_eq!(calls[2].1["ExclusiveStartShardId"], "s-1");
        assert_eq!(calls[3].1["ShardIteratorType"], "TRIM_HORIZON");
        assert_eq!(calls[4].1, json!({"ShardIterator": "it-1", "Limit": 1000}));
    }

    #[test]
    fn an_expired_iterator_is_acquired_again_after_the_checkpoint() {
        let checkpoint = json!({"version": 1, "streamArn": ARN, "shards": {"s-1": {"after": "11", "iterator": "old"}}});
        let operation: ReadStream = read(input(
            json!({"tableName": "orders", "checkpoint": checkpoint.to_string(), "maxRecords": 1}),
        ));
        let mut platform = Scripted::new(vec![
            ok(stream(json!([open_shard("s-1")]))),
            error("ExpiredIteratorException"),
            ok(json!({"ShardIterator": "fresh"})),
            ok(json!({"Records": [record(12, 3)], "NextShardIterator": "it-4"})),
        ]);
        let response = run(&operation, &mut platform).unwrap();
        assert_eq!(response["records"][0]["sequenceNumber"], "12");
        // The cap was reached: there may be more.
        assert_eq!(response["hasMore"], true);
        assert_eq!(
            response["checkpoint"]["shards"]["s-1"],
            json!({"after": "12", "iterator": "it-4"})
        );
        let calls = calls(&platform);
        assert_eq!(calls[1].1["ShardIterator"], "old");
        assert_eq!(
            calls[2].1,
            json!({"StreamArn": ARN, "ShardId": "s-1", "ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": "11"})
        );
        assert_eq!(calls[3].1["Limit"], 1);
    }

    #[test]
    fn trimmed_data_is_reported_with_where_reading_resumed() {
        let checkpoint = json!({"version": 1, "streamArn": ARN, "shards": {
            "s-1": {"after": "11"}, "gone": {"after": "5", "iterator": "x"}}});
        let operation: ReadStream = read(input(json!({"checkpoint": checkpoint})));
        let mut platform = Scripted::new(vec![
            ok(stream(json!([open_shard("s-1")]))),
            error("TrimmedDataAccessException"),
            ok(json!({"ShardIterator": "oldest"})),
            ok(json!({"Records": [record(90, 1)], "NextShardIterator": "n"})),
            ok(json!({"Records": [], "NextShardIterator": "n2"})),
        ]);
        let response = run(&operation, &mut platform).unwrap();
        assert_eq!(response["trimmed"], true);
        assert_eq!(
            response["trimmedShards"],
            json!([{"shardId": "gone", "after": "5", "resumedFrom": null},
                   {"shardId": "s-1", "after": "11", "resumedFrom": "TRIM_HORIZON"}])
        );
        assert_eq!(response["records"].as_array().unwrap().len(), 1);
        assert_eq!(calls(&platform)[2].1["ShardIteratorType"], "TRIM_HORIZON");
        // The vanished shard leaves the checkpoint.
        assert!(response["checkpoint"]["shards"].get("gone").is_none());
    }

    #[test]
    fn a_closed_parent_is_read_to_its_end_before_its_child() {
        let operation: ReadStream = read(input(json!({"streamArn": ARN})));
        let mut platform = Scripted::new(vec![
            ok(stream(json!([
                {"ShardId": "child", "ParentShardId": "parent", "SequenceNumberRange": {"StartingSequenceNumber": "20"}},
                {"ShardId": "parent", "SequenceNumberRange": {"StartingSequenceNumber": "1", "EndingSequenceNumber": "19"}},
            ]))),
            ok(json!({"ShardIterator": "p"})),
            ok(json!({"Records": [record(1, 7)], "NextShardIterator": "p2"})),
            ok(json!({"Records": [record(2, 7)]})),
            ok(json!({"ShardIterator": "c"})),
            ok(json!({"Records": [record(20, 7)], "NextShardIterator": "c2"})),
            ok(json!({"Records": [], "NextShardIterator": "c3"})),
        ]);
        let response = run_with(&operation, &mut platform, OutputFormat::Plain).unwrap();
        let sequences: Vec<&Value> = response["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| &r["sequenceNumber"])
            .collect();
        assert_eq!(sequences, [&json!("1"), &json!("2"), &json!("20")]);
        assert_eq!(response["records"][0]["newImage"], json!({"id": 7}));
        assert_eq!(
            response["checkpoint"]["shards"],
            json!({"child": {"after": "20", "iterator": "c3"}, "parent": {"done": true}})
        );
        assert_eq!(calls(&platform)[1].1["ShardId"], "parent");
    }

    #[test]
    fn latest_takes_an_iterator_for_every_open_shard_first() {
        let operation: ReadStream = read(input(
            json!({"streamArn": ARN, "startingPosition": "latest"}),
        ));
        let mut platform = Scripted::new(vec![
            ok(stream(json!([
                {"ShardId": "old", "SequenceNumberRange": {"StartingSequenceNumber": "1", "EndingSequenceNumber": "9"}},
                open_shard("new"),
            ]))),
            ok(json!({"ShardIterator": "latest-it"})),
            ok(json!({"Records": [], "NextShardIterator": "latest-it-2"})),
        ]);
        let response = run(&operation, &mut platform).unwrap();
        assert_eq!(response["records"], json!([]));
        assert_eq!(
            response["checkpoint"]["shards"],
            json!({"new": {"after": null, "iterator": "latest-it-2"}, "old": {"done": true}})
        );
        assert_eq!(calls(&platform)[1].1["ShardIteratorType"], "LATEST");
    }

    #[test]
    fn no_records_asked_gives_the_streams_current_end_without_reading() {
        let operation: ReadStream = read(input(json!({"streamArn": ARN, "maxRecords": 0})));
        let mut platform = Scripted::new(vec![
            ok(stream(json!([
                {"ShardId": "old", "SequenceNumberRange": {"StartingSequenceNumber": "1", "EndingSequenceNumber": "9"}},
                open_shard("a"),
                open_shard("b"),
            ]))),
            ok(json!({"ShardIterator": "a-latest"})),
            ok(json!({"ShardIterator": "b-latest"})),
        ]);
        let response = run(&operation, &mut platform).unwrap();
        assert_eq!(response["records"], json!([]));
        assert_eq!(response["hasMore"], false);
        assert_eq!(
            response["checkpoint"]["shards"],
            json!({"a": {"after": null, "iterator": "a-latest"},
                   "b": {"after": null, "iterator": "b-latest"}, "old": {"done": true}})
        );
        let calls = calls(&platform);
        let types: Vec<&Value> = calls[1..]
            .iter()
            .map(|c| &c.1["ShardIteratorType"])
            .collect();
        assert_eq!(types, ["LATEST", "LATEST"]);
        assert!(
            calls
                .iter()
                .all(|(target, _)| !target.ends_with("GetRecords"))
        );
    }

    #[test]
    fn answers_of_the_wrong_shape_never_panic() {
        let operation: ReadStream = read(input(json!({"streamArn": ARN})));
        // Not an object at all: the client refuses it (and retries) before any indexing.
        let mut platform = Scripted::new(vec![ok(json!([1, 2])), ok(json!(5)), ok(json!(true))]);
        assert!(matches!(
            run(&operation, &mut platform),
            Err(ConnectorError::Execution { code, attempts: 3, .. }) if code == "InvalidResponse"
        ));
        // Objects whose members are of the wrong shape.
        let mut platform = Scripted::new(vec![ok(json!({"StreamDescription": [1]}))]);
        let response = run(&operation, &mut platform).unwrap();
        assert_eq!(response["records"], json!([]));
        let mut platform = Scripted::new(vec![
            ok(stream(json!([open_shard("s-1"), 7]))),
            ok(json!({"ShardIterator": "it"})),
            ok(json!({"Records": [5, {"dynamodb": []}], "NextShardIterator": "n"})),
            ok(json!({"Records": "none", "NextShardIterator": 5})),
        ]);
        let response = run(&operation, &mut platform).unwrap();
        assert_eq!(response["records"].as_array().unwrap().len(), 2);
        // The shard's last answer had no next iterator: read to its end.
        assert_eq!(
            response["checkpoint"]["shards"]["s-1"],
            json!({"done": true})
        );
    }

    #[test]
    fn a_table_without_a_stream_is_a_clear_error() {
        let operation: ReadStream = read(input(json!({"tableName": "orders"})));
        let mut platform = Scripted::new(vec![ok(json!({"Table": {"TableName": "orders"}}))]);
        match run(&operation, &mut platform) {
            Err(ConnectorError::Execution { code, message, .. }) => {
                assert_eq!(code, "StreamNotEnabled");
                assert!(message.contains("orders has no stream"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(platform.sent.len(), 1);
    }

    #[test]
    fn bad_inputs_are_named() {
        let checkpoint = json!({"version": 1, "streamArn": ARN, "shards": {}});
        let other_table =
            json!({"version": 1, "streamArn": ARN.replace("orders", "payments"), "shards": {}});
        let cases = [
            (json!({}), "input.tableName"),
            (
                json!({"tableName": "orders", "streamArn": ARN}),
                "input.streamArn",
            ),
            (
                json!({"streamArn": "arn:aws:s3:::bucket"}),
                "input.streamArn",
            ),
            (
                json!({"tableName": "orders", "startingPosition": "NOW"}),
                "input.startingPosition",
            ),
            (
                json!({"checkpoint": checkpoint, "startingPosition": "LATEST"}),
                "input.startingPosition",
            ),
            (
                json!({"tableName": "orders", "checkpoint": other_table}),
                "input.checkpoint",
            ),
            (json!({"checkpoint": "{oops"}), "input.checkpoint"),
            (json!({"checkpoint": {"version": 1}}), "input.checkpoint"),
            (
                json!({"tableName": "orders", "maxRecords": -1}),
                "input.maxRecords",
            ),
            (
                json!({"checkpoint": checkpoint, "maxRecords": 0}),
                "input.maxRecords",
            ),
            (
                json!({"tableName": "orders", "maxRecords": 0, "startingPosition": "TRIM_HORIZON"}),
                "input.maxRecords",
            ),
            (
                json!({"tableName": "orders", "maxResultBytes": 5}),
                "input.maxResultBytes",
            ),
            (json!({"tableName": "orders", "limit": 5}), "input.limit"),
        ];
        for (extra, field) in cases {
            assert_eq!(
                error_field(&request(input(extra.clone()))),
                field,
                "{extra}"
            );
        }
    }
}
