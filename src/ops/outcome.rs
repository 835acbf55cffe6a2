//! What an operation answers ([`Outcome`]) and its result as the connector writes it
//! ([`Completed`]): `{"action": …, "status": "OK", "response": …, …}`.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

/// What an operation answers: the `response`, and what goes beside it in the result.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The result's `response`.
    pub response: Value,
    /// The result's `action`, when it is not the operation's name.
    pub action: Option<String>,
    /// Further members of the result (`paging`, `oldItem`), in the order they are written; each
    /// key once.
    pub beside: Vec<(String, Beside)>,
}

/// A member of the result beside `response`.
#[derive(Debug, Clone, PartialEq)]
pub enum Beside {
    /// A value of its own.
    Value(Value),
    /// The response again (scanTable's `items`): written twice from the one tree, so that the
    /// guest never holds a second copy of up to 4 MiB of items.
    Response,
}

impl Outcome {
    /// A result whose `response` is `response`.
    pub fn new(response: Value) -> Self {
        Self {
            response,
            action: None,
            beside: Vec::new(),
        }
    }

    /// Adds `key` beside the response (replacing a member of that name, in its place).
    pub fn with(self, key: &str, value: Value) -> Self {
        self.beside_member(key, Beside::Value(value))
    }

    /// Adds `key` beside the response, with the response's value.
    pub fn with_response_as(self, key: &str) -> Self {
        self.beside_member(key, Beside::Response)
    }

    fn beside_member(mut self, key: &str, member: Beside) -> Self {
        match self.beside.iter_mut().find(|(name, _)| name == key) {
            Some((_, slot)) => *slot = member,
            None => self.beside.push((key.to_string(), member)),
        }
        self
    }

    /// The result of the operation called `name` (its `action` unless the outcome names another).
    pub fn completed(self, name: &str) -> Completed {
        Completed {
            action: self.action.clone().unwrap_or_else(|| name.to_string()),
            outcome: self,
        }
    }

    /// The result as a tree (the response copied wherever it is repeated): for tests and
    /// callers that want a [`Value`]; the connector writes [`Completed`] as text instead.
    pub fn into_result(self, name: &str) -> Value {
        self.completed(name).into_value()
    }
}

/// An operation's result: `{"action": …, "status": "OK", "response": …}` and then the outcome's
/// `beside` members in order. It serializes (as [`Completed::to_json_text`] does) straight
/// from the outcome, so a member that repeats the response is written, not copied.
#[derive(Debug, Clone, PartialEq)]
pub struct Completed {
    /// The result's `action`.
    pub action: String,
    /// What the operation answered.
    pub outcome: Outcome,
}

impl Completed {
    /// The result's JSON text, compact, its members in [`Members`]' order (a tree of it would
    /// reorder them where serde_json's maps are sorted, as in the guest's build).
    pub fn to_json_text(&self) -> String {
        if self.response_times() == 1 {
            return serde_json::to_string(self).expect(SERIALIZES);
        }
        // The response twice is the largest text the connector writes (scanTable's, up to 4 MiB
        // of items twice): allocated once at its length, where growing by doubling would reach
        // twice the text and hold the old buffer beside the new on each step.
        let mut text = Vec::with_capacity(self.text_length());
        serde_json::to_writer(&mut text, self).expect(SERIALIZES);
        String::from_utf8(text).expect("serde_json writes UTF-8")
    }

    /// How often the text holds the response: once, and once more per [`Beside::Response`].
    fn response_times(&self) -> usize {
        let beside = &self.outcome.beside;
        1 + beside
            .iter()
            .filter(|(_, member)| matches!(member, Beside::Response))
            .count()
    }

    /// The text's length in bytes, with the response measured once (not once per copy): the
    /// result with `null` for it, and the response's own text in place of each `null`.
    fn text_length(&self) -> usize {
        let skeleton = length_of(&self.members(&Value::Null));
        let response = length_of(&self.outcome.response);
        let times = self.response_times();
        skeleton - times * "null".len() + times * response
    }

    /// The result's members, with `response` wherever the response is written.
    fn members<'a>(&'a self, response: &'a Value) -> Members<'a> {
        Members {
            action: &self.action,
            response,
            beside: &self.outcome.beside,
        }
    }

    /// The result as a tree, each repeated response a copy.
    pub fn into_value(self) -> Value {
        let Outcome {
            response, beside, ..
        } = self.outcome;
        let mut full = Map::new();
        full.insert("action".into(), Value::String(self.action));
        full.insert("status".into(), Value::String("OK".into()));
        full.insert("response".into(), response);
        for (key, member) in beside {
            let value = match member {
                Beside::Value(value) => value,
                Beside::Response => full["response"].clone(),
            };
            full.insert(key, value);
        }
        Value::Object(full)
    }
}

/// Serializing a result can only fail on a non-string key or a failing writer; it has neither.
const SERIALIZES: &str = "a result of JSON values and string keys serializes";

/// The length of `value`'s compact JSON text, without writing it.
fn length_of(value: &impl Serialize) -> usize {
    let mut length = Length(0);
    serde_json::to_writer(&mut length, value).expect(SERIALIZES);
    length.0
}

/// A writer that only counts the bytes written to it.
struct Length(usize);

impl std::io::Write for Length {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0 += bytes.len();
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Serialize for Completed {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.members(&self.outcome.response).serialize(serializer)
    }
}

/// A result's members in their order: `action`, `status`, `response`, then those beside it.
struct Members<'a> {
    action: &'a str,
    response: &'a Value,
    beside: &'a [(String, Beside)],
}

impl Serialize for Members<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(3 + self.beside.len()))?;
        map.serialize_entry("action", self.action)?;
        map.serialize_entry("status", "OK")?;
        map.serialize_entry("response", self.response)?;
        for (key, member) in self.beside {
            match member {
                Beside::Value(value) => map.serialize_entry(key, value)?,
                Beside::Response => map.serialize_entry(key, self.response)?,
            }
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_text_is_the_tree_written_with_every_member_in_order() {
        let items =
            json!([{"id": {"N": "12345678901234567890123456789012345678"}}, {"s": "é\"\n"}]);
        let outcomes = [
            Outcome::new(items.clone())
                .with_response_as("items")
                .with("paging", json!({"hasMore": false})),
            Outcome::new(Value::Null).with_response_as("items"),
            Outcome {
                action: Some("delete Table [orders]".into()),
                ..Outcome::new(json!({})).with("oldItem", items)
            },
        ];
        for outcome in outcomes {
            let completed = outcome.completed("scanTable");
            let text = completed.to_json_text();
            assert_eq!(text.len(), completed.text_length());
            // The same document as the tree (object members compare in any order); the
            // result's own members keep their order, checked below.
            let written: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(written, completed.clone().into_value());
        }
        let text = Outcome::new(json!(1))
            .with("paging", json!(2))
            .with_response_as("items")
            .completed("x")
            .to_json_text();
        assert_eq!(
            text,
            r#"{"action":"x","status":"OK","response":1,"paging":2,"items":1}"#
        );
    }
}
