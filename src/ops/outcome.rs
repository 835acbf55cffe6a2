//! What an operation answers ([`Outcome`]) and its result as the connector writes it
//! ([`Completed`]): `{"action": …, "status": "OK", "response": …, …}`.

use std::io::Write;

use serde::Serialize;
use serde_json::{Map, Value};

/// What an operation answers: the `response`, and what goes beside it in the result.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The result's `response`.
    pub response: Response,
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

/// A result's `response`: a tree, or the JSON text an answer was rendered to without one.
#[derive(Debug, Clone, PartialEq)]
pub enum Response {
    /// A tree, written when the result is.
    Tree(Value),
    /// Compact JSON text, written as it is.
    Text(String),
}

impl Response {
    /// The response as a tree (text read back).
    pub fn into_value(self) -> Value {
        match self {
            Response::Tree(value) => value,
            Response::Text(text) => serde_json::from_str(&text).unwrap_or(Value::String(text)),
        }
    }

    /// The response's compact JSON text.
    pub fn to_json_text(&self) -> String {
        match self {
            Response::Tree(value) => value.to_string(),
            Response::Text(text) => text.clone(),
        }
    }

    fn write(&self, out: &mut impl Sink) {
        match self {
            Response::Tree(value) => out.json(value),
            Response::Text(text) => out.raw(text),
        }
    }
}

impl PartialEq<Value> for Response {
    fn eq(&self, other: &Value) -> bool {
        match self {
            Response::Tree(value) => value == other,
            Response::Text(text) => serde_json::from_str::<Value>(text).is_ok_and(|v| &v == other),
        }
    }
}

impl Outcome {
    /// A result whose `response` is `response`.
    pub fn new(response: Value) -> Self {
        Self::with_response(Response::Tree(response))
    }

    /// A result whose `response` is already written: `text`, compact JSON.
    pub fn rendered(text: String) -> Self {
        Self::with_response(Response::Text(text))
    }

    /// A result whose `response` is `response`, a tree or text.
    pub fn with_response(response: Response) -> Self {
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
    /// The result's JSON text, compact, its members in order (a tree of it would reorder them
    /// where serde_json's maps are sorted, as in the guest's build).
    pub fn to_json_text(&self) -> String {
        if let Response::Text(_) = self.outcome.response {
            // Built from text, so it needs no UTF-8 check of the whole at the end.
            let mut text = String::with_capacity(self.text_length());
            self.write(&mut text, Some(&self.outcome.response));
            return text;
        }
        let capacity = match self.response_times() {
            1 => 0,
            // The response twice is the largest text the connector writes (scanTable's, up to
            // 4 MiB of items twice): allocated once at its length, where growing by doubling
            // would reach twice the text and hold the old buffer beside the new on each step.
            _ => self.text_length(),
        };
        let mut text = Vec::with_capacity(capacity);
        self.write(&mut text, Some(&self.outcome.response));
        String::from_utf8(text).expect("serde_json writes UTF-8")
    }

    /// [`Self::to_json_text`], written into the response's own buffer when it is text written
    /// more than once (scanTable's): grown in place where the allocator can, it is not held
    /// beside a second buffer of the result. A response written once is copied, which costs less.
    pub fn into_json_text(mut self) -> String {
        let times = self.response_times();
        let Response::Text(response) = &mut self.outcome.response else {
            return self.to_json_text();
        };
        if times == 1 {
            return self.to_json_text();
        }
        let mut text = std::mem::take(response);
        let mut pieces = Pieces(vec![String::new()]);
        self.write(&mut pieces, None);
        let (first, rest) = pieces.0.split_first().expect("a piece");
        let length = text.len();
        let rest_length: usize = rest.iter().map(|piece| piece.len() + length).sum();
        text.reserve_exact(first.len() + rest_length - length);
        text.insert_str(0, first);
        let copy = first.len()..first.len() + length;
        for (i, piece) in rest.iter().enumerate() {
            text.push_str(piece);
            if i + 1 < rest.len() {
                text.extend_from_within(copy.clone());
            }
        }
        text
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
        let mut skeleton = Length(0);
        self.write(&mut skeleton, None);
        let response = match &self.outcome.response {
            Response::Tree(value) => length_of(value),
            Response::Text(text) => text.len(),
        };
        let times = self.response_times();
        skeleton.0 - times * "null".len() + times * response
    }

    /// Writes `{"action": …, "status": "OK", "response": …}` and then the outcome's `beside`
    /// members in order, as serde_json writes a map; `null` for each response when `None`.
    fn write(&self, out: &mut impl Sink, response: Option<&Response>) {
        out.raw("{\"action\":");
        out.json(&self.action);
        out.raw(",\"status\":\"OK\",\"response\":");
        out.response(response);
        for (key, member) in &self.outcome.beside {
            out.raw(",");
            out.json(key);
            out.raw(":");
            match member {
                Beside::Value(value) => out.json(value),
                Beside::Response => out.response(response),
            }
        }
        out.raw("}");
    }

    /// The result as a tree, each repeated response a copy.
    pub fn into_value(self) -> Value {
        let Outcome {
            response, beside, ..
        } = self.outcome;
        let mut full = Map::new();
        full.insert("action".into(), Value::String(self.action));
        full.insert("status".into(), Value::String("OK".into()));
        full.insert("response".into(), response.into_value());
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

/// Where a result's text goes: bytes, text, or a count of them.
trait Sink {
    /// Text written as it is.
    fn raw(&mut self, text: &str);
    /// A value written as serde_json writes it.
    fn json(&mut self, value: &(impl Serialize + ?Sized));
    /// The response, or `null` in its place.
    fn response(&mut self, response: Option<&Response>)
    where
        Self: Sized,
    {
        match response {
            Some(response) => response.write(self),
            None => self.raw("null"),
        }
    }
}

/// The result's text cut where each response goes: the pieces around the responses.
struct Pieces(Vec<String>);

impl Sink for Pieces {
    fn raw(&mut self, text: &str) {
        self.0.last_mut().expect("a piece").push_str(text);
    }

    fn json(&mut self, value: &(impl Serialize + ?Sized)) {
        self.0.last_mut().expect("a piece").json(value);
    }

    fn response(&mut self, _: Option<&Response>) {
        self.0.push(String::new());
    }
}

impl Sink for Vec<u8> {
    fn raw(&mut self, text: &str) {
        self.extend_from_slice(text.as_bytes());
    }

    fn json(&mut self, value: &(impl Serialize + ?Sized)) {
        serde_json::to_writer(self, value).expect(SERIALIZES);
    }
}

impl Sink for String {
    fn raw(&mut self, text: &str) {
        self.push_str(text);
    }

    fn json(&mut self, value: &(impl Serialize + ?Sized)) {
        self.push_str(&serde_json::to_string(value).expect(SERIALIZES));
    }
}

impl Sink for Length {
    fn raw(&mut self, text: &str) {
        self.0 += text.len();
    }

    fn json(&mut self, value: &(impl Serialize + ?Sized)) {
        serde_json::to_writer(self, value).expect(SERIALIZES);
    }
}

/// Writing a result can only fail on a non-string key or a failing writer; it has neither.
const SERIALIZES: &str = "a result of JSON values and string keys serializes";

/// The length of `value`'s compact JSON text, without writing it.
fn length_of(value: &impl Serialize) -> usize {
    let mut length = Length(0);
    serde_json::to_writer(&mut length, value).expect(SERIALIZES);
    length.0
}

/// A writer that only counts the bytes written to it.
struct Length(usize);

impl Write for Length {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0 += bytes.len();
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
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
                ..Outcome::new(json!({})).with("oldItem", items.clone())
            },
            Outcome::rendered(items.to_string())
                .with("consumedCapacity", json!({"tableName": "t"}))
                .with_response_as("items"),
        ];
        for outcome in outcomes {
            let completed = outcome.completed("scanTable");
            let text = completed.to_json_text();
            assert_eq!(text.len(), completed.text_length());
            // The same document as the tree (object members compare in any order); the
            // result's own members keep their order, checked below.
            let written: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(written, completed.clone().into_value());
            // Written in the response's own buffer, the same text.
            assert_eq!(completed.into_json_text(), text);
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
        // Text written beforehand takes the tree's place, byte for byte.
        let write = |outcome: Outcome| {
            outcome
                .with("consumedCapacity", json!({"capacityUnits": 0.5}))
                .completed("getItem")
                .to_json_text()
        };
        assert_eq!(
            write(Outcome::rendered(items.to_string())),
            write(Outcome::new(items))
        );
    }
}
