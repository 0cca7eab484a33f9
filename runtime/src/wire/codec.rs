//! Decoding of generated structs, written once here instead of a serde
//! derive per struct: a generated struct lists its wire field names and
//! decodes the value of the field at an index; the loop over the keys, the
//! key lookup and skipping unknown keys live here. (A derived `Deserialize`
//! per struct made most of the generated crate's compile time.)

use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// A generated struct that can be decoded field by field (responses and
/// the shapes in them; requests too on the server side).
pub trait DecodeFields: Default {
    /// The struct's name, for error messages.
    const NAME: &'static str;
    /// Wire names of the fields, in declaration order.
    const FIELDS: &'static [&'static str];
    /// Decodes the next value of `map` into the field at `index` of
    /// [`Self::FIELDS`].
    fn decode_field<'de, A: MapAccess<'de>>(
        &mut self,
        index: usize,
        map: &mut A,
    ) -> Result<(), A::Error>;
}

/// `Deserialize` of a [`DecodeFields`] struct: a JSON object (or, on the
/// server, flattened wire parameters). Missing fields keep their default,
/// unknown ones are skipped, `null` reads as absent (an empty list for
/// lists).
pub fn decode_struct<'de, D: de::Deserializer<'de>, T: DecodeFields>(d: D) -> Result<T, D::Error> {
    d.deserialize_struct(T::NAME, T::FIELDS, StructVisitor(PhantomData))
}

/// A field's slot: `Option<T>` (`null` or absent is `None`) or `Vec<T>`
/// (`null` or absent is empty).
pub trait Slot {
    /// Decodes the next value of `map` into this slot.
    fn decode<'de, A: MapAccess<'de>>(&mut self, map: &mut A) -> Result<(), A::Error>;
}

impl<T: DeserializeOwned> Slot for Option<T> {
    fn decode<'de, A: MapAccess<'de>>(&mut self, map: &mut A) -> Result<(), A::Error> {
        *self = map.next_value()?;
        Ok(())
    }
}

impl<T: DeserializeOwned> Slot for Vec<T> {
    fn decode<'de, A: MapAccess<'de>>(&mut self, map: &mut A) -> Result<(), A::Error> {
        *self = map.next_value::<Option<Vec<T>>>()?.unwrap_or_default();
        Ok(())
    }
}

/// Decodes the next value of `map` into `slot` (the generated
/// `decode_field` calls it once per field).
pub fn decode_slot<'de, A: MapAccess<'de>, S: Slot>(
    map: &mut A,
    slot: &mut S,
) -> Result<(), A::Error> {
    slot.decode(map)
}

/// Skips the next value of `map` (a field this SDK does not know).
pub fn skip_value<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<de::IgnoredAny>().map(|_| ())
}

struct StructVisitor<T>(PhantomData<T>);

impl<'de, T: DecodeFields> Visitor<'de> for StructVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object ({})", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut out = T::default();
        while let Some(index) = map.next_key_seed(FieldIndex(T::FIELDS))? {
            match index {
                Some(i) => out.decode_field(i, &mut map)?,
                None => skip_value(&mut map)?,
            }
        }
        Ok(out)
    }
}

/// A key, looked up among the field names without copying it: `Some(index)`
/// or `None` for a key this SDK does not know.
struct FieldIndex(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for FieldIndex {
    type Value = Option<usize>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for FieldIndex {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Option<usize>, E> {
        Ok(self.0.iter().position(|f| *f == key))
    }

    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<Option<usize>, E> {
        Ok(self.0.iter().position(|f| f.as_bytes() == key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, PartialEq)]
    struct Inner {
        key: Option<String>,
    }

    impl DecodeFields for Inner {
        const NAME: &'static str = "Inner";
        const FIELDS: &'static [&'static str] = &["Key"];
        fn decode_field<'de, A: MapAccess<'de>>(
            &mut self,
            i: usize,
            map: &mut A,
        ) -> Result<(), A::Error> {
            match i {
                0 => decode_slot(map, &mut self.key),
                _ => skip_value(map),
            }
        }
    }

    impl<'de> serde::Deserialize<'de> for Inner {
        fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            decode_struct(d)
        }
    }

    #[derive(Debug, Default, PartialEq)]
    struct Outer {
        id: Option<String>,
        count: Option<i32>,
        items: Vec<Inner>,
        flag: Option<bool>,
    }

    impl DecodeFields for Outer {
        const NAME: &'static str = "Outer";
        const FIELDS: &'static [&'static str] = &["Id", "Count", "Items", "Flag"];
        fn decode_field<'de, A: MapAccess<'de>>(
            &mut self,
            i: usize,
            map: &mut A,
        ) -> Result<(), A::Error> {
            match i {
                0 => decode_slot(map, &mut self.id),
                1 => decode_slot(map, &mut self.count),
                2 => decode_slot(map, &mut self.items),
                3 => decode_slot(map, &mut self.flag),
                _ => skip_value(map),
            }
        }
    }

    impl<'de> serde::Deserialize<'de> for Outer {
        fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            decode_struct(d)
        }
    }

    #[test]
    fn decodes_known_fields_and_skips_unknown_ones() {
        let json = r#"{"Id":"x","Unknown":{"a":[1,2,{"b":null}]},"Count":3,
            "Items":[{"Key":"k1","Extra":1},{"Key":null}],"Flag":true}"#;
        let v: Outer = serde_json::from_str(json).unwrap();
        assert_eq!(
            v,
            Outer {
                id: Some("x".into()),
                count: Some(3),
                items: vec![
                    Inner {
                        key: Some("k1".into())
                    },
                    Inner { key: None }
                ],
                flag: Some(true),
            }
        );
    }

    #[test]
    fn null_and_absent_are_empty() {
        let v: Outer = serde_json::from_str(r#"{"Id":null,"Items":null}"#).unwrap();
        assert_eq!(v, Outer::default());
        let v: Outer = serde_json::from_str("{}").unwrap();
        assert_eq!(v, Outer::default());
    }

    #[test]
    fn escaped_keys_match_and_the_last_duplicate_wins() {
        let v: Outer = serde_json::from_str(r#"{"\u0049d":"a","Id":"b"}"#).unwrap();
        assert_eq!(v.id.as_deref(), Some("b"));
    }

    #[test]
    fn a_wrong_type_is_an_error_naming_what_was_expected() {
        let e = serde_json::from_str::<Outer>(r#"{"Count":"many"}"#).unwrap_err();
        assert!(e.to_string().contains("i32"), "{e}");
        let e = serde_json::from_str::<Outer>("[1]").unwrap_err();
        assert!(e.to_string().contains("an object (Outer)"), "{e}");
    }
}
