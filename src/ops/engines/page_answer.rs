//! A Query page read without a tree: each item written as the output format wants it, its
//! weight ([`held_size`](crate::value::held_size), which paging caps) taken from its text, the
//! counts, `LastEvaluatedKey` and `ConsumedCapacity` read as trees (they are small).

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::paging::Page;
use crate::error::ConnectorError;
use crate::input::OutputFormat;
use crate::ops::{Context, render_item};
use crate::value::held_size_of_text;
use crate::value::render::{Item, Render, item_text};
use crate::wire::Answer;

/// Calls `operation` with `body` and reads the page, each item as its text in the output
/// format; a page the decoder leaves is read as a tree and its items written from it.
pub(crate) fn text_page(
    context: &mut Context<'_>,
    operation: &str,
    body: Vec<u8>,
) -> Result<Page<String>, ConnectorError> {
    let output = context.output;
    let decode = |bytes: &[u8]| decode(bytes, output);
    match context.call_decoded(operation, body, decode, |page| page.consumed.as_ref())? {
        Answer::Decoded(page) => Ok(page.page),
        Answer::Tree(tree) => {
            let page = Page::of_tree(tree);
            let items = page.items.into_iter().map(|item| {
                serde_json::to_string(&render_item(item, output)).expect("JSON values write")
            });
            Ok(Page {
                count: page.count,
                scanned_count: page.scanned_count,
                held_bytes: page.held_bytes,
                last_evaluated_key: page.last_evaluated_key,
                items: items.collect(),
            })
        }
    }
}

/// A page read by [`decode`], with its `ConsumedCapacity`.
pub(crate) struct PageAnswer {
    pub page: Page<String>,
    pub consumed: Option<Value>,
}

/// Reads a page's answer; `None` leaves it to the tree (a member given twice, an item the tree
/// renders by its fallbacks, `Items` not an array, bad JSON).
pub(crate) fn decode(body: &[u8], output: OutputFormat) -> Option<PageAnswer> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let mut items = Items {
        output,
        texts: Vec::new(),
        held_bytes: 0,
    };
    let members = deserializer.deserialize_map(Members(&mut items)).ok()?;
    deserializer.end().ok()?;
    let whole = |value: &Option<Value>| value.as_ref().and_then(Value::as_u64).unwrap_or(0);
    let page = Page {
        count: whole(&members[0]),
        scanned_count: whole(&members[1]),
        held_bytes: items.held_bytes,
        last_evaluated_key: members[2].clone().unwrap_or(Value::Null),
        items: items.texts,
    };
    let consumed = members[3].clone();
    Some(PageAnswer { page, consumed })
}

/// The members read as trees, in this order.
const TREES: [&str; 4] = [
    "Count",
    "ScannedCount",
    "LastEvaluatedKey",
    "ConsumedCapacity",
];

/// The page's members: `Items` into [`Items`], those of [`TREES`] returned, others skipped.
struct Members<'i>(&'i mut Items);

impl<'de> Visitor<'de> for Members<'_> {
    type Value = [Option<Value>; 4];

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a page")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut trees: [Option<Value>; 4] = Default::default();
        let mut items_seen = false;
        while let Some(name) = map.next_key::<&str>()? {
            if name == "Items" {
                if std::mem::replace(&mut items_seen, true) {
                    return Err(de::Error::custom("Items twice"));
                }
                map.next_value_seed(&mut *self.0)?;
            } else if let Some(at) = TREES.iter().position(|tree| *tree == name) {
                if trees[at].replace(map.next_value::<Value>()?).is_some() {
                    return Err(de::Error::custom("a member twice"));
                }
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(trees)
    }
}

/// A page's items: each one's text in the output format, and their weight as trees.
struct Items {
    output: OutputFormat,
    texts: Vec<String>,
    held_bytes: u64,
}

impl<'de> DeserializeSeed<'de> for &mut Items {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for &mut Items {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of items")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut typed = String::new();
        loop {
            let item = Item {
                out: &mut typed,
                render: Render::Typed,
            };
            if seq.next_element_seed(item)?.is_none() {
                break;
            }
            // The weight is the typed item's as a tree; its canonical text parses to that tree.
            let held = held_size_of_text(&typed).ok_or_else(|| de::Error::custom("weight"))?;
            self.held_bytes += held as u64;
            let text = match self.output {
                OutputFormat::Typed => std::mem::take(&mut typed),
                OutputFormat::Plain => item_text(typed.as_bytes(), Render::Plain)
                    .ok_or_else(|| de::Error::custom("left to the tree"))?,
            };
            self.texts.push(text);
            typed.clear();
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "page_answer_tests.rs"]
mod tests;
