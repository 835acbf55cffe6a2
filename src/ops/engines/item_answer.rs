//! An answer that carries one item (GetItem's `Item`) read without a tree: the item written
//! straight into the result's text as the output format wants it, the consumed capacity read
//! as a tree (it is small), every other member skipped.

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;

use crate::input::OutputFormat;
use crate::value::render::{Item, Render};

/// The item's text (`null` when the answer has none) and the answer's `ConsumedCapacity`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ItemAnswer {
    pub item: String,
    pub consumed: Option<Value>,
}

/// Reads `body`, DynamoDB's answer holding an item under `key`; `None` leaves the answer to
/// the tree (a shape the tree renders by its fallbacks, a member given twice, bad JSON).
pub(crate) fn decode(body: &[u8], key: &str, output: OutputFormat) -> Option<ItemAnswer> {
    let render = match output {
        OutputFormat::Plain => Render::Plain,
        OutputFormat::Typed => Render::Typed,
    };
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let mut item = String::with_capacity(body.len());
    let consumed = deserializer
        .deserialize_map(Members {
            key,
            item: &mut item,
            render,
        })
        .ok()?;
    deserializer.end().ok()?;
    if item.is_empty() {
        item.push_str("null");
    }
    Some(ItemAnswer { item, consumed })
}

/// The answer's members: the item under `key` written into `item`, the consumed capacity
/// returned.
struct Members<'k, 'o> {
    key: &'k str,
    item: &'o mut String,
    render: Render,
}

impl<'de> Visitor<'de> for Members<'_, '_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("DynamoDB's answer")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<Value>, A::Error> {
        let (mut consumed, mut item_seen) = (None, false);
        while let Some(name) = map.next_key::<&str>()? {
            if name == self.key {
                if std::mem::replace(&mut item_seen, true) {
                    return Err(de::Error::custom("the item twice"));
                }
                map.next_value_seed(Item {
                    out: &mut *self.item,
                    render: self.render,
                })?;
            } else if name == "ConsumedCapacity" {
                if consumed.is_some() {
                    return Err(de::Error::custom("consumed capacity twice"));
                }
                consumed = Some(map.next_value::<Value>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(consumed)
    }
}

#[cfg(test)]
#[path = "item_answer_tests.rs"]
mod tests;
