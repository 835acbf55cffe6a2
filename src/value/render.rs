//! DynamoDB's item text written as the result's item text in one pass, without a tree: the
//! exact text that parsing it into a [`Value`](serde_json::Value), [`plain_map`](super::plain_map)
//! (for plain output) and serde_json's compact writer give.
//!
//! That text sorts every object's members by name (serde_json's map is a `BTreeMap` in the
//! guest's build) and writes strings in serde_json's escaping. Members are rendered into a
//! scratch buffer, then copied out in name order. A string read without escapes is written as
//! read: the parser refuses raw control characters, so it holds nothing serde_json escapes.
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
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

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
    pub(crate) out: &'o mut Vec<u8>,
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
#[cfg(test)]
pub(crate) fn item_text(text: &[u8], render: Render) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len());
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

/// Writes `text` as a JSON string: as read when it was read without escapes, else escaped.
fn write_str(out: &mut Vec<u8>, text: &Cow<'_, str>) {
    match text {
        Cow::Borrowed(raw) => {
            out.push(b'"');
            out.extend_from_slice(raw.as_bytes());
            out.push(b'"');
        }
        Cow::Owned(unescaped) => {
            serde_json::to_writer(&mut *out, unescaped).expect("a string writes into a Vec");
        }
    }
}

/// A string (or object key), borrowed from the input when it had no escapes.
struct Text;

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
struct Seed<'o>(&'o mut Vec<u8>, Kind);

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

/// An object's members rendered into `scratch`, each name with the range of its value.
struct Members<'de> {
    scratch: Vec<u8>,
    members: Vec<(Cow<'de, str>, Range<usize>)>,
}

impl<'de> Members<'de> {
    /// Reads every member of `map`, each value written as `kind` says.
    fn read<A: MapAccess<'de>>(mut map: A, kind: Kind) -> Result<Self, A::Error> {
        let mut members = Members {
            scratch: Vec::new(),
            members: Vec::new(),
        };
        while let Some(name) = map.next_key_seed(Text)? {
            if name == NUMBER_TOKEN {
                return Err(refuse());
            }
            let start = members.scratch.len();
            map.next_value_seed(Seed(&mut members.scratch, kind))?;
            members.members.push((name, start..members.scratch.len()));
        }
        Ok(members)
    }

    /// Writes the object into `out`, its members in name order; refuses a name given twice.
    fn write<E: de::Error>(mut self, out: &mut Vec<u8>) -> Result<(), E> {
        self.members.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        if self.members.windows(2).any(|pair| pair[0].0 == pair[1].0) {
            return Err(refuse());
        }
        out.push(b'{');
        for (i, (name, range)) in self.members.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_str(out, name);
            out.push(b':');
            out.extend_from_slice(&self.scratch[range.clone()]);
        }
        out.push(b'}');
        Ok(())
    }
}

/// Writes any JSON value as the tree would: objects sorted, strings in serde_json's escaping.
/// Numbers are refused (a typed item has none; its `N` is text).
struct Canonical<'o>(&'o mut Vec<u8>);

impl<'de> Visitor<'de> for Canonical<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<(), E> {
        let text: &[u8] = if value { b"true" } else { b"false" };
        self.0.extend_from_slice(text);
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.0.extend_from_slice(b"null");
        Ok(())
    }

    fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<(), E> {
        write_str(self.0, &Cow::Borrowed(text));
        Ok(())
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<(), E> {
        write_str(self.0, &Cow::Owned(text.to_string()));
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        Elements(self.0, Kind::Canonical).visit_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        Members::read(map, Kind::Canonical)?.write(self.0)
    }
}

/// Writes a plain item (or an `M`'s members): `null` as is, an object's attribute values each
/// as [`Plain`] gives it, in name order.
struct PlainItem<'o>(&'o mut Vec<u8>);

impl<'de> Visitor<'de> for PlainItem<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an item or null")
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.0.extend_from_slice(b"null");
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        Members::read(map, Kind::Plain)?.write(self.0)
    }
}

/// Writes one attribute value as plain JSON, as [`to_plain`](super::to_plain) renders it.
struct Plain<'o>(&'o mut Vec<u8>);

impl<'de> Visitor<'de> for Plain<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an attribute value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some(tag) = map.next_key_seed(Text)? else {
            self.0.extend_from_slice(b"null");
            return Ok(());
        };
        let out = self.0;
        match tag.as_ref() {
            NUMBER_TOKEN => return Err(refuse()),
            "N" => map.next_value_seed(Seed(out, Kind::Number))?,
            "NS" => map.next_value_seed(Array(out, Kind::Number))?,
            "NULL" => {
                map.next_value::<IgnoredAny>()?;
                out.extend_from_slice(b"null");
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
    out: &mut Vec<u8>,
    deserializer: D,
) -> Result<(), D::Error> {
    let text = Text.deserialize(deserializer)?;
    match text.parse::<Number>() {
        Ok(number) => serde_json::to_writer(&mut *out, &number),
        Err(_) => serde_json::to_writer(&mut *out, text.as_ref()),
    }
    .map_err(|_| refuse())
}

/// An `M`: an object of attribute values.
struct PlainMap<'o>(&'o mut Vec<u8>);

impl<'de> DeserializeSeed<'de> for PlainMap<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(PlainItem(self.0))
    }
}

/// An array (an `L`, an `NS`) of elements each written as its kind says.
struct Array<'o>(&'o mut Vec<u8>, Kind);

impl<'de> DeserializeSeed<'de> for Array<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(Elements(self.0, self.1))
    }
}

/// An array's elements, each written as the kind says, in order.
struct Elements<'o>(&'o mut Vec<u8>, Kind);

impl<'de> Visitor<'de> for Elements<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Elements(out, kind) = self;
        out.push(b'[');
        let mut first = true;
        loop {
            let mark = out.len();
            if !first {
                out.push(b',');
            }
            if seq.next_element_seed(Seed(&mut *out, kind))?.is_none() {
                out.truncate(mark);
                break;
            }
            first = false;
        }
        out.push(b']');
        Ok(())
    }
}

#[cfg(test)]
#[path = "render_tests.rs"]
mod tests;
