//! What readStream knows between invocations and within one: the checkpoint (where each shard
//! was left), the stream's shards and their lineage, and how a change record is rendered.
//! Pure: no calls.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::error::ConnectorError;
use crate::input::{Fields, OutputFormat};
use crate::ops::render_item;

/// The checkpoint format's version; a checkpoint of another version is refused.
pub const CHECKPOINT_VERSION: u64 = 1;
/// Longest shard iterator a checkpoint may hold (DynamoDB's are at most 2,048 characters).
const MAX_ITERATOR_CHARS: usize = 4096;

/// Where each shard of a stream was left.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Checkpoint {
    /// The stream read.
    pub stream_arn: String,
    /// Each shard's position, by shard id; a shard without one was not read yet.
    pub shards: BTreeMap<String, Position>,
}

/// Where one shard was left.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Position {
    /// The sequence number of the last record delivered.
    pub after: Option<String>,
    /// An iterator that continues exactly there, while it is valid (15 minutes).
    pub iterator: Option<String>,
    /// The shard is closed and was read to its end.
    pub done: bool,
}

impl Checkpoint {
    /// The checkpoint as the result gives it (and a later request passes back).
    pub fn to_json(&self) -> Value {
        let shards: Map<String, Value> = self
            .shards
            .iter()
            .map(|(id, position)| {
                let value = if position.done {
                    json!({"done": true})
                } else {
                    json!({"after": position.after, "iterator": position.iterator})
                };
                (id.clone(), value)
            })
            .collect();
        json!({"version": CHECKPOINT_VERSION, "streamArn": self.stream_arn, "shards": shards})
    }

    /// Reads a checkpoint a previous result gave; errors name `field`.
    pub fn from_json(value: &Map<String, Value>, field: &str) -> Result<Self, ConnectorError> {
        let bad = |message: &str| {
            ConnectorError::config(
                field,
                format!("{message}: pass back the checkpoint a readStream result gave, unchanged"),
            )
        };
        if let Some(key) = value
            .keys()
            .find(|k| !matches!(k.as_str(), "version" | "streamArn" | "shards"))
        {
            return Err(bad(&format!("unknown member {key:?}")));
        }
        if value.get("version").and_then(Value::as_u64) != Some(CHECKPOINT_VERSION) {
            return Err(bad("is not a version 1 checkpoint"));
        }
        let stream_arn = match value.get("streamArn") {
            Some(Value::String(arn)) if is_stream_arn(arn) => arn.clone(),
            _ => return Err(bad("has no valid streamArn")),
        };
        let Some(Value::Object(shards)) = value.get("shards") else {
            return Err(bad("has no shards object"));
        };
        let shards = shards
            .iter()
            .map(|(id, position)| Ok((id.clone(), read_position(id, position).map_err(bad)?)))
            .collect::<Result<_, ConnectorError>>()?;
        Ok(Self { stream_arn, shards })
    }
}

fn read_position(id: &str, value: &Value) -> Result<Position, &'static str> {
    if id.is_empty() || id.len() > 65 {
        return Err("holds a shard id that is not one");
    }
    let Value::Object(map) = value else {
        return Err("holds a shard position that is not an object");
    };
    if map.get("done") == Some(&Value::Bool(true)) && map.len() == 1 {
        return Ok(Position {
            done: true,
            ..Position::default()
        });
    }
    if map.keys().any(|k| k != "after" && k != "iterator") {
        return Err("holds a shard position with an unknown member");
    }
    let after = match map.get("after") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if is_sequence_number(s) => Some(s.clone()),
        Some(_) => return Err("holds a sequence number that is not one"),
    };
    let iterator = match map.get("iterator") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if !s.is_empty() && s.len() <= MAX_ITERATOR_CHARS => Some(s.clone()),
        Some(_) => return Err("holds a shard iterator that is not one"),
    };
    Ok(Position {
        after,
        iterator,
        done: false,
    })
}

/// 21 to 40 digits, as DynamoDB Streams writes them; a little looser, for compatible servers.
fn is_sequence_number(text: &str) -> bool {
    (1..=40).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit())
}

/// `arn:<partition>:dynamodb:<region>:<account>:table/<name>/stream/<label>`.
pub fn is_stream_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    parts.len() == 6
        && parts[0] == "arn"
        && parts[2] == "dynamodb"
        && arn.len() <= 1024
        && stream_table(arn).is_some()
}

/// The table a stream ARN belongs to.
pub fn stream_table(arn: &str) -> Option<&str> {
    let resource = arn.splitn(6, ':').nth(5)?;
    let rest = resource.strip_prefix("table/")?;
    let (table, label) = rest.split_once("/stream/")?;
    (!table.is_empty() && !label.is_empty()).then_some(table)
}

/// One shard of the stream, as DescribeStream lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shard {
    /// Its id.
    pub id: String,
    /// The shard it split from, if any.
    pub parent: Option<String>,
    /// Closed shards (with an ending sequence number) take no more records.
    pub closed: bool,
}

/// The shards of one DescribeStream page.
pub fn shards_of(description: &Value) -> Vec<Shard> {
    let Some(shards) = description["Shards"].as_array() else {
        return Vec::new();
    };
    shards
        .iter()
        .filter_map(|shard| {
            Some(Shard {
                id: shard["ShardId"].as_str()?.to_string(),
                parent: shard["ParentShardId"].as_str().map(str::to_string),
                closed: shard["SequenceNumberRange"]["EndingSequenceNumber"].is_string(),
            })
        })
        .collect()
}

/// The next shard to read: the first, in listing order, that is not done, not already caught up
/// in this invocation, and whose parent is read to its end (or no longer listed). A parent is
/// read before its children, so each key's changes come in order.
pub fn next_shard<'s>(
    shards: &'s [Shard],
    positions: &BTreeMap<String, Position>,
    caught_up: &BTreeSet<String>,
) -> Option<&'s Shard> {
    let listed: BTreeSet<&str> = shards.iter().map(|s| s.id.as_str()).collect();
    let done = |id: &str| positions.get(id).is_some_and(|p| p.done);
    shards.iter().find(|shard| {
        !done(&shard.id)
            && !caught_up.contains(&shard.id)
            && shard
                .parent
                .as_deref()
                .is_none_or(|parent| !listed.contains(parent) || done(parent))
    })
}

/// A change record as the result gives it; keys and images in `output` format. Whatever the
/// server sent, this never panics: what is missing or of the wrong shape is `null`.
pub fn render_record(record: Value, output: OutputFormat) -> Value {
    let Value::Object(mut record) = record else {
        return Value::Null;
    };
    let mut change = match record.remove("dynamodb") {
        Some(Value::Object(change)) => change,
        _ => Map::new(),
    };
    let mut take = |key: &str| change.remove(key).unwrap_or(Value::Null);
    let image = |value: Value| match value {
        Value::Object(_) => render_item(value, output),
        _ => Value::Null,
    };
    json!({
        "eventId": record.remove("eventID"),
        "eventName": record.remove("eventName"),
        "sequenceNumber": take("SequenceNumber"),
        "approximateCreationDateTime": take("ApproximateCreationDateTime"),
        "keys": image(take("Keys")),
        "newImage": image(take("NewImage")),
        "oldImage": image(take("OldImage")),
        "sizeBytes": take("SizeBytes"),
    })
}

/// Which stream to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamSource {
    /// The latest stream of this table.
    Table(String),
    /// This stream.
    Arn(String),
}

/// `tableName` or `streamArn` (one of them); a checkpoint must be of that stream or table.
pub fn read_source(
    input: Fields,
    checkpoint: Option<&Checkpoint>,
) -> Result<StreamSource, ConnectorError> {
    let table = match input.has("tableName") {
        true => Some(input.table_name("tableName")?),
        false => None,
    };
    let arn = input.non_empty_string("streamArn")?;
    if arn.as_deref().is_some_and(|arn| !is_stream_arn(arn)) {
        return Err(input.error(
            "streamArn",
            "must be a stream ARN: arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>",
        ));
    }
    let source = match (table, arn) {
        (Some(_), Some(_)) => {
            return Err(input.error("streamArn", "give tableName or streamArn, not both"));
        }
        (Some(table), None) => StreamSource::Table(table),
        (None, Some(arn)) => StreamSource::Arn(arn),
        (None, None) if checkpoint.is_some() => {
            StreamSource::Arn(checkpoint.unwrap().stream_arn.clone())
        }
        (None, None) => return Err(input.error("tableName", "is required (or streamArn)")),
    };
    if let Some(checkpoint) = checkpoint {
        let matches = match &source {
            StreamSource::Table(table) => stream_table(&checkpoint.stream_arn) == Some(table),
            StreamSource::Arn(arn) => *arn == checkpoint.stream_arn,
        };
        if !matches {
            return Err(input.error("checkpoint", "is of another stream"));
        }
    }
    Ok(source)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str =
        "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000";

    fn shard(id: &str, parent: Option<&str>, closed: bool) -> Shard {
        Shard {
            id: id.into(),
            parent: parent.map(str::to_string),
            closed,
        }
    }

    #[test]
    fn a_checkpoint_reads_back_what_it_wrote() {
        let mut checkpoint = Checkpoint {
            stream_arn: ARN.into(),
            ..Checkpoint::default()
        };
        checkpoint.shards.insert(
            "shardId-1".into(),
            Position {
                done: true,
                ..Position::default()
            },
        );
        checkpoint.shards.insert(
            "shardId-2".into(),
            Position {
                after: Some("1100000000017454423009".into()),
                iterator: Some("arn:...|1|abc".into()),
                done: false,
            },
        );
        let json = checkpoint.to_json();
        let read = Checkpoint::from_json(json.as_object().unwrap(), "input.checkpoint").unwrap();
        assert_eq!(read, checkpoint);
        assert_eq!(stream_table(ARN), Some("orders"));
    }

    #[test]
    fn a_damaged_checkpoint_is_refused() {
        let good = json!({"version": 1, "streamArn": ARN, "shards": {"s-1": {"after": "12", "iterator": null}}});
        let damaged = [
            json!({"version": 2, "streamArn": ARN, "shards": {}}),
            json!({"version": 1, "streamArn": "arn:aws:s3:::bucket", "shards": {}}),
            json!({"version": 1, "streamArn": ARN}),
            json!({"version": 1, "streamArn": ARN, "shards": {"s-1": {"after": "12x"}}}),
            json!({"version": 1, "streamArn": ARN, "shards": {"s-1": {"after": "1", "seek": 1}}}),
            json!({"version": 1, "streamArn": ARN, "shards": {"s-1": {"iterator": ""}}}),
            json!({"version": 1, "streamArn": ARN, "shards": {"s-1": 5}}),
            json!({"version": 1, "streamArn": ARN, "shards": {}, "extra": 1}),
        ];
        assert!(Checkpoint::from_json(good.as_object().unwrap(), "f").is_ok());
        for checkpoint in damaged {
            let err = Checkpoint::from_json(checkpoint.as_object().unwrap(), "input.checkpoint");
            assert!(
                matches!(&err, Err(ConnectorError::Configuration { field: Some(f), .. }) if f == "input.checkpoint"),
                "{checkpoint}: {err:?}"
            );
        }
    }

    #[test]
    fn parents_are_read_before_their_children() {
        // A closed parent with two children, one of which split again; and an orphan whose
        // parent was trimmed away.
        let shards = vec![
            shard("child-a", Some("parent"), true),
            shard("grandchild", Some("child-a"), false),
            shard("child-b", Some("parent"), false),
            shard("parent", None, true),
            shard("orphan", Some("trimmed"), false),
        ];
        let mut positions = BTreeMap::new();
        let mut caught_up = BTreeSet::new();
        let mut order = Vec::new();
        while let Some(next) = next_shard(&shards, &positions, &caught_up) {
            order.push(next.id.clone());
            if next.closed {
                positions.insert(
                    next.id.clone(),
                    Position {
                        done: true,
                        ..Position::default()
                    },
                );
            } else {
                caught_up.insert(next.id.clone());
            }
        }
        assert_eq!(
            order,
            ["parent", "child-a", "grandchild", "child-b", "orphan"]
        );
    }

    #[test]
    fn records_are_rendered_in_the_output_format() {
        let record = json!({"eventID": "e1", "eventName": "MODIFY", "dynamodb": {
            "SequenceNumber": "100", "ApproximateCreationDateTime": 1.7e9, "SizeBytes": 40,
            "Keys": {"id": {"N": "1"}}, "NewImage": {"id": {"N": "1"}, "n": {"S": "b"}},
            "OldImage": {"id": {"N": "1"}, "n": {"S": "a"}}}});
        let plain = render_record(record.clone(), OutputFormat::Plain);
        assert_eq!(plain["newImage"], json!({"id": 1, "n": "b"}));
        assert_eq!(plain["keys"], json!({"id": 1}));
        let typed = render_record(record, OutputFormat::Typed);
        assert_eq!(
            typed["oldImage"],
            json!({"id": {"N": "1"}, "n": {"S": "a"}})
        );
        assert_eq!(
            (
                &typed["eventId"],
                &typed["eventName"],
                &typed["sequenceNumber"]
            ),
            (&json!("e1"), &json!("MODIFY"), &json!("100"))
        );
        let insert = json!({"eventID": "e2", "eventName": "INSERT", "dynamodb": {
            "SequenceNumber": "101", "Keys": {"id": {"N": "2"}}, "NewImage": {"id": {"N": "2"}}}});
        assert_eq!(
            render_record(insert, OutputFormat::Typed)["oldImage"],
            Value::Null
        );
        // A server's nonsense renders as nulls, never a panic.
        for nonsense in [
            json!(5),
            json!({"dynamodb": 5}),
            json!({"dynamodb": {"Keys": [1]}}),
        ] {
            let rendered = render_record(nonsense, OutputFormat::Plain);
            assert!(
                rendered.is_null() || rendered["keys"].is_null(),
                "{rendered}"
            );
        }
    }
}
