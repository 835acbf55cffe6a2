//! DynamoDB's item text written as the result's item text in one pass, without a tree: the
//! exact text that parsing it into a [`Value`](serde_json::Value), [`plain_map`](super::plain_map)
//! (for plain output) and serde_json's compact writer give.
//!
//! That text sorts every object's members by name (serde_json's map is a `BTreeMap` in the
//! guest's build) and writes strings in serde_json's escaping. Members are written where they
//! land and moved into name order only when they came in another. A string read without
//! escapes is written as read: the parser refuses raw control characters, so it holds nothing
//! serde_json escapes. The text is built as a `String` from `str` pieces, so it needs no UTF-8
//! check afterwards.
//!
//! Whatever the tree would render by its fallbacks (duplicate names, a typed value of more or
//! fewer than one type key, a JSON number where text is expected) is refused here with an
//! error: the caller then takes the tree's way, which gives its text or its error.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Number;

/// The key serde_json's `arbitrary_precision` gives a number as (a map of one member), so that
/// a number met where this module expects an object is refused, not taken for a member.
pub(crate) const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// How an item is written: as DynamoDB typed it, or in plain JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Render {
    /// Attribute values as DynamoDB wrote them (`{"S": "x"}`).
    Typed,
    /// Attribute values as plain JSON, as [`to_plain`](super::to_plain) gives them.
    Plain,
}

/// Writes the item (or `null`) that `deserializer` reads into `out`, as `render` says.
pub(crate) struct Item<'o> {
    pub(crate) out: &'o mut String,
    pub(crate) render: Render,
}

impl<'de> DeserializeSeed<'de> for Item<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        match self.render {
            Render::Typed => deserializer.deserialize_any(Canonical(self.out)),
            Render::Plain => deserializer.deserialize_any(PlainItem(self.out)),
        }
    }
}

/// The item `text` holds (JSON text of an item or `null`) written as `render` says, or `None`
/// where the tree's way must be taken.
pub(crate) fn item_text(text: &[u8], render: Render) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut deserializer = serde_json::Deserializer::from_slice(text);
    Item {
        out: &mut out,
        render,
    }
    .deserialize(&mut deserializer)
    .ok()?;
    deserializer.end().ok()?;
    Some(out)
}

/// Refuses a shape this module leaves to the tree.
fn refuse<E: de::Error>() -> E {
    E::custom("left to the tree")
}

/// Writes `raw`, a string read without escapes, in quotes.
fn write_raw_str(out: &mut String, raw: &str) {
    out.push('"');
    out.push_str(raw);
    out.push('"');
}

/// Writes `value` as serde_json writes it.
fn write_json(out: &mut String, value: &(impl serde::Serialize + ?Sized)) {
    out.push_str(&serde_json::to_string(value).expect("a string or number writes"));
}

/// A string (or object key), borrowed from the input when it had no escapes.
pub(crate) struct Text;

impl<'de> DeserializeSeed<'de> for Text {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Text {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(text))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(text.to_string()))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(text))
    }
}

/// What writes a value: [`Canonical`], [`Plain`] (an attribute value) or an `N`'s text.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Canonical,
    Plain,
    Number,
}

/// Writes the value it reads into its buffer, as its [`Kind`] says.
struct Seed<'o>(&'o mut String, Kind);

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        match self.1 {
            Kind::Canonical => deserializer.deserialize_any(Canonical(self.0)),
            Kind::Plain => deserializer.deserialize_map(Plain(self.0)),
            Kind::Number => number_text(self.0, deserializer),
        }
    }
}

/// A member written in place: its name, and where `"name":value` is in the text.
type Span<'de> = (Cow<'de, str>, Range<usize>);

/// Reads every member of `map` into `out` as an object, each value written as `kind` says, in
/// name order; refuses a name given twice.
fn write_object<'de, A: MapAccess<'de>>(
    out: &mut String,
    mut map: A,
    kind: Kind,
) -> Result<(), A::Error> {
    let start = out.len();
    out.push('{');
    // Most objects (every typed value) have one member: no list is made for them.
    let mut first: Option<Span<'de>> = None;
    let mut rest: Vec<Span<'de>> = Vec::new();
    while let Some(name) = map.next_key_seed(Text)? {
        if name == NUMBER_TOKEN {
            return Err(refuse());
        }
        if first.is_some() {
            out.push(',');
        }
        let from = out.len();
        // As read when read without escapes (borrowed from the input), else escaped.
        match &name {
            Cow::Borrowed(raw) => write_raw_str(out, raw),
            Cow::Owned(unescaped) => write_json(out, unescaped),
        }
        out.push(':');
        map.next_value_seed(Seed(out, kind))?;
        let span = (name, from..out.len());
        match first {
            None => first = Some(span),
            Some(_) => rest.push(span),
        }
    }
    out.push('}');
    let Some(first) = first else {
        return Ok(());
    };
    let names = std::iter::once(&first.0).chain(rest.iter().map(|span| &span.0));
    let mut previous = None;
    let in_order = names
        .into_iter()
        .all(|name| previous.replace(name).is_none_or(|p| p < name));
    if in_order {
        return Ok(());
    }
    rest.push(first);
    reorder(out, start, rest)
}

/// Rewrites the object written from `start` with its members in name order.
fn reorder<E: de::Error>(
    out: &mut String,
    start: usize,
    mut spans: Vec<Span<'_>>,
) -> Result<(), E> {
    spans.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    if spans.windows(2).any(|pair| pair[0].0 == pair[1].0) {
        return Err(refuse());
    }
    let written = out.split_off(start);
    out.push('{');
    for (i, (_, range)) in spans.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&written[range.start - start..range.end - start]);
    }
    out.push('}');
    Ok(())
}

/// Writes any JSON value as the tree would: objects sorted, strings in serde_json's escaping.
/// Numbers are refused (a typed item has none; its `N` is text).
struct Canonical<'o>(&'o mut String);

impl<'de> Visitor<'de> for Canonical<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<(), E> {
        self.0.push_str(if value { "true" } else { "false" });
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.0.push_str("null");
        Ok(())
    }

    fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<(), E> {
        write_raw_str(self.0, text);
        Ok(())
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<(), E> {
        write_json(self.0, text);
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        Elements(self.0, Kind::Canonical).visit_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        write_object(self.0, map, Kind::Canonical)
    }
}

/// Writes a plain item (or an `M`'s members): `null` as is, an object's attribute values each
/// as [`Plain`] gives it, in name order.
struct PlainItem<'o>(&'o mut String);

impl<'de> Visitor<'de> for PlainItem<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an item or null")
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.0.push_str("null");
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        write_object(self.0, map, Kind::Plain)
    }
}

/// Writes one attribute value as plain JSON, as [`to_plain`](super::to_plain) renders it.
struct Plain<'o>(&'o mut String);

impl<'de> Visitor<'de> for Plain<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an attribute value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some(tag) = map.next_key_seed(Text)? else {
            self.0.push_str("null");
            return Ok(());
        };
        let out = self.0;
        match tag.as_ref() {
            NUMBER_TOKEN => return Err(refuse()),
            "N" => map.next_value_seed(Seed(out, Kind::Number))?,
            "NS" => map.next_value_seed(Array(out, Kind::Number))?,
            "NULL" => {
                map.next_value::<IgnoredAny>()?;
                out.push_str("null");
            }
            "L" => map.next_value_seed(Array(out, Kind::Plain))?,
            "M" => map.next_value_seed(PlainMap(out))?,
            // S, B, BOOL, SS and BS are already plain JSON.
            _ => map.next_value_seed(Seed(out, Kind::Canonical))?,
        }
        // The tree takes the first of several type keys by name; leave that to it.
        match map.next_key::<IgnoredAny>()? {
            None => Ok(()),
            Some(_) => Err(refuse()),
        }
    }
}

/// An `N`'s text as the JSON number it spells (as text when it spells none).
fn number_text<'de, D: Deserializer<'de>>(
    out: &mut String,
    deserializer: D,
) -> Result<(), D::Error> {
    let text = Text.deserialize(deserializer)?;
    match text.parse::<Number>() {
        Ok(number) => write_json(out, &number),
        Err(_) => write_json(out, text.as_ref()),
    }
    Ok(())
}

/// An `M`: an object of attribute values.
struct PlainMap<'o>(&'o mut String);

impl<'de> DeserializeSeed<'de> for PlainMap<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(PlainItem(self.0))
    }
}

/// An array (an `L`, an `NS`) of elements each written as its kind says.
struct Array<'o>(&'o mut String, Kind);

impl<'de> DeserializeSeed<'de> for Array<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(Elements(self.0, self.1))
    }
}

/// An array's elements, each written as the kind says, in order.
struct Elements<'o>(&'o mut String, Kind);

impl<'de> Visitor<'de> for Elements<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Elements(out, kind) = self;
        out.push('[');
        let mut first = true;
        loop {
            let mark = out.len();
            if !first {
                out.push(',');
            }
            if seq.next_element_seed(Seed(&mut *out, kind))?.is_none() {
                out.truncate(mark);
                break;
            }
            first = false;
        }
        out.push(']');
        Ok(())
    }
}

#[cfg(test)]
#[path = "render_tests.rs"]
mod tests;
