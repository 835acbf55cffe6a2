//! The `input` object read into [`HotInput`], refused at its first member HotInput does not
//! read. serde's refusal (`deny_unknown_fields`) writes, in serde_json's error, a message naming
//! every field of the struct, which costs more than reading a small request: here each member's
//! name reaches HotInput's field matcher through a deserializer whose error is a unit, so the
//! refusal writes nothing.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, forward_to_deserialize_any};

use super::input::HotInput;

/// [`HotInput`], boxed: the struct of every field is large, and a box is cheaper than moving it
/// whole out of each layer of the reader.
pub(super) struct StrictInput<'a>(pub Box<HotInput<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for StrictInput<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(StrictVisitor(PhantomData))
    }
}

struct StrictVisitor<'a>(PhantomData<HotInput<'a>>);

impl<'de: 'a, 'a> Visitor<'de> for StrictVisitor<'a> {
    type Value = StrictInput<'a>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<StrictInput<'a>, A::Error> {
        let input = Box::<HotInput>::deserialize(MapAccessDeserializer::new(Names(map)))?;
        Ok(StrictInput(input))
    }
}

/// The object's members, each name given to the field matcher as a [`Name`].
struct Names<A>(A);

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Names<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let Some(name) = self.0.next_key::<&'de str>()? else {
            return Ok(None);
        };
        match seed.deserialize(Name(name)) {
            Ok(field) => Ok(Some(field)),
            Err(Unread) => Err(de::Error::custom("a member the fast reader does not read")),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.0.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

/// A member's name, as the field matcher reads it.
struct Name<'de>(&'de str);

impl<'de> Deserializer<'de> for Name<'de> {
    type Error = Unread;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unread> {
        visitor.visit_borrowed_str(self.0)
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

/// The field matcher's refusal of a name; its message, never written, is dropped unformatted.
#[derive(Debug)]
struct Unread;

impl fmt::Display for Unread {
    fn fmt(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a member the fast reader does not read")
    }
}

impl std::error::Error for Unread {}

impl de::Error for Unread {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Unread
    }
}
